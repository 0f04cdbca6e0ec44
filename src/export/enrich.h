/* export/enrich.h: attaches to each row span of a page its chosen
 * completion and that completion's metadata, in one query per page.
 * Knows the store and struct page; nothing of rows, formats or plugins. */
#ifndef SP_ENRICH_H
#define SP_ENRICH_H

#include "export/export.h"
#include "util/err.h"

struct store;
struct enrich;

int enrich_open(struct enrich **e, struct store *st,
                const struct export_request *req, struct sp_err *err);
void enrich_close(struct enrich *e);

/* Sets has_completion, the completion's columns and its metadata for
 * every row of the page. */
int enrich_page(struct enrich *e, struct page *page, struct sp_err *err);

/* The SQL of the enrichment query, for EXPLAIN tests. */
const char *enrich_sql(const struct enrich *e);

#endif

/* export/select.h: which row spans an export considers, page by page.
 * Keyset paging over (started_at_ns, id, trace_id) descending; knows the
 * store and the request, nothing of completions, rows or formats. */
#ifndef SP_SELECT_H
#define SP_SELECT_H

#include <stdint.h>

#include "export/export.h"
#include "util/err.h"

struct store;
struct select;

/* Prepares the page query for req; resolves PARTIAL keys and conversations
 * and the ALL_EXCEPT set into temporary tables of this connection. */
int select_open(struct select **sel, struct store *st,
                const struct export_request *req, struct sp_err *err);
void select_close(struct select *sel);

/* PARTIAL only: how many selected keys are row spans of the workspace,
 * before the filters (the sync threshold of export.md §9). */
int64_t select_partial_count(const struct select *sel);

/* PARTIAL only: how many distinct --only keys were given, and how many of
 * them are row spans of the workspace (the others are not found). */
void select_partial_keys(const struct select *sel, int64_t *given,
                         int64_t *found);

/* Fills page->rows with the next page; sets page->n_rows (0 at the end). */
int select_next_page(struct select *sel, struct page *page, struct sp_err *err);

/* The SQL of the page query this request uses, for EXPLAIN tests. */
const char *select_page_sql(const struct select *sel);
/* The SQL that resolves a PARTIAL selection to spans: by key (0) or by
 * conversation (1); for EXPLAIN tests. */
const char *select_resolve_sql(int by_conversation);

/* The workspace an export defaults to: the only one in the store (1 when
 * the store is empty). Several: SP_EUSAGE listing them. */
int select_default_workspace(struct store *st, int64_t *ws, struct sp_err *err);

/* Whether workspace ws holds a prompt span, or no span at all (then it
 * is not the row source that is wrong); for the hint of an empty export.
 * Sets *has to 0 or 1. */
int select_has_prompt_spans(struct store *st, int64_t ws, int *has,
                            struct sp_err *err);
#endif

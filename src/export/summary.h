/* export/summary.h: an export's counts in words, for people: row spans
 * considered and skipped by reason, and why no row resulted. Knows the
 * request, its counts and select; not the CLI, the queue or formats. */
#ifndef SP_SUMMARY_H
#define SP_SUMMARY_H

#include <stddef.h>

#include "export/export.h"
#include "util/err.h"

struct store;

/* "17 prompt spans considered, 4 skipped (no_completion 1, empty_output 3),
 * 0 warnings": the reasons by the names of the --json summary. */
void summary_counts(const struct export_request *req,
                    const struct export_stats *s, char *out, size_t cap);

/* When s->rows is 0, one line that says why (a PARTIAL selection's keys
 * not found, the filters that matched nothing, or why every considered
 * span was skipped); "" when rows were written. Looks the selection up
 * again in st. */
int summary_empty_hint(struct store *st, const struct export_request *req,
                       const struct export_stats *s, char *out, size_t cap,
                       struct sp_err *err);
#endif

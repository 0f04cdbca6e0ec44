/* export/row.h: Latitude's row rules (export.md §4, §5, §9) as pure functions.
 * Turns a completion's metadata into input/output text and a cost into its
 * decimal text; knows cJSON and struct sp_buf, nothing of SQL or plugins. */
#ifndef SP_ROW_H
#define SP_ROW_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "util/buf.h"

enum row_message_result {
    ROW_MESSAGE_OK = 0,
    ROW_MESSAGE_MALFORMED = 1, /* formatted as "": count a warning */
    ROW_MESSAGE_NOMEM = -1,
};

/* Appends format_message(msg) (export.md §5, §9) to out: string content or
 * the parts mapped and joined with "\n", then JavaScript-trimmed. A message
 * whose content is neither string nor array, or that holds a part that is
 * not an object, appends nothing and returns ROW_MESSAGE_MALFORMED. */
int row_format_message(const cJSON *msg, struct sp_buf *out);

/* Trims the JavaScript white-space set (String.prototype.trim) from both
 * ends of s[0..*len): returns the new start and sets *len. */
const char *row_js_trim(const char *s, size_t *len);

/* The cost column: cost / 100000 as the shortest exact decimal ("0",
 * "0.00001", "1.5", "-0.0025"). is_null gives "0". out holds
 * ROW_COST_LEN bytes. No floating point. */
#define ROW_COST_LEN 32
void row_format_cost(int64_t cost, int is_null, char *out);

#endif

/* ---- export/row_build.c: one row from a row span and its completion */

#include "export/export.h"
#include "spanport-plugin.h"

#define ROW_N_COLUMNS 10
extern const char *const row_columns[ROW_N_COLUMNS];

/* Reused across rows: holds the text the row's values point into. */
struct row_out {
    struct sp_buf input, output;
    struct sp_buf repaired[3];     /* input, output, model when not UTF-8 */
    char numbers[5][ROW_COST_LEN]; /* four token counts and the cost */
    struct sp_value values[ROW_N_COLUMNS];
    struct sp_row row;
};

void row_out_init(struct row_out *o);
void row_out_free(struct row_out *o);

/* Called for each malformed message, with the completion's span key. */
typedef void (*row_warn_fn)(void *arg, const char *trace_id,
                            const char *span_id, const char *what);

enum row_build_result {
    ROW_BUILT = 0,
    ROW_SKIPPED = 1, /* *why says which rule of export.md §4 */
    ROW_NOMEM = -1,
};

/* Applies export.md §4 to row span r of a page (page_text holds its
 * completion's model and metadata). */
int row_build(const struct page_row *r, const char *page_text,
              struct row_out *o, enum skip_reason *why, row_warn_fn warn,
              void *warn_arg);

/* tests/fuzz/fuzz_row.c: feeds any bytes, as a completion's metadata
 * document and its model, to the export's row builder and format_message,
 * and checks that every text a row holds is UTF-8. Knows export/row.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/row.h"
#include "fuzz.h"
#include "util/utf8.h"

static void check_row(const struct row_out *o)
{
    size_t i;

    for (i = 0; i < ROW_N_COLUMNS; i++) {
        const struct sp_value *v = &o->values[i];

        if (sp_utf8_valid_prefix(v->text, v->len) != v->len) {
            fprintf(stderr, "fuzz_row: column %s is not UTF-8\n",
                    row_columns[i]);
            abort();
        }
    }
}

/* The document as a row span's completion: page text "DOC\0MODEL\0", the
 * model being the document up to its first NUL. */
static void build_row(const uint8_t *data, size_t size, struct row_out *o)
{
    struct page_row r = {.trace_id = "0123456789abcdef0123456789abcdef",
                         .id = "00000000000000a1",
                         .has_completion = 1,
                         .c_trace_id = "0123456789abcdef0123456789abcdef",
                         .c_id = "00000000000000a2",
                         .tokens = {1, 2, 3, 4},
                         .has_cost = 1,
                         .cost = 12345,
                         .doc_off = 0,
                         .doc_len = size,
                         .model_off = size + 1};
    enum skip_reason why;
    struct sp_buf text;

    sp_buf_init(&text, 0);
    if (sp_buf_add(&text, data, size) != 0 || sp_buf_addc(&text, '\0') != 0 ||
        sp_buf_add(&text, data, size) != 0)
        abort();
    if (row_build(&r, sp_buf_str(&text), o, &why, NULL, NULL) == ROW_BUILT)
        check_row(o);
    sp_buf_free(&text);
}

/* The document itself as one message. */
static void format_as_message(const uint8_t *data, size_t size)
{
    cJSON *msg = cJSON_ParseWithLength((const char *)data, size);
    struct sp_buf out;

    sp_buf_init(&out, 0);
    if (msg)
        row_format_message(msg, &out);
    sp_buf_free(&out);
    cJSON_Delete(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct row_out o;

    row_out_init(&o);
    build_row(data, size, &o);
    row_out_free(&o);
    format_as_message(data, size);
    return 0;
}

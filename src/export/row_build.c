/* export/row_build.c: export.md §4: from a row span and its chosen
 * completion to the ten column values, or the reason it is skipped.
 * Knows struct page_row, cJSON and format_message; nothing of SQL. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "export/row.h"
#include "util/jsonarena.h"
#include "util/utf8.h"

const char *const row_columns[ROW_N_COLUMNS] = {
    "input",         "output",        "span_id",          "trace_id",
    "tokens_prompt", "tokens_cached", "tokens_reasoning", "tokens_completion",
    "model",         "cost ($)",
};

void row_out_init(struct row_out *o)
{
    int i;

    memset(o, 0, sizeof(*o));
    sp_buf_init(&o->input, 0);
    sp_buf_init(&o->output, 0);
    for (i = 0; i < 3; i++)
        sp_buf_init(&o->repaired[i], 0);
    o->row.values = o->values;
    o->row.n_values = ROW_N_COLUMNS;
}

void row_out_free(struct row_out *o)
{
    int i;

    sp_buf_free(&o->input);
    sp_buf_free(&o->output);
    for (i = 0; i < 3; i++)
        sp_buf_free(&o->repaired[i]);
}

static void set_string(struct sp_value *v, const char *s, size_t len)
{
    v->type = SP_VALUE_STRING;
    v->text = s;
    v->len = len;
    v->integer = 0;
}

static void set_integer(struct sp_value *v, char *buf, int64_t n)
{
    int len = snprintf(buf, ROW_COST_LEN, "%" PRId64, n);

    v->type = SP_VALUE_INTEGER;
    v->text = buf;
    v->len = (size_t)len;
    v->integer = n;
}

/* Formats one message into out; a malformed one is reported and gives
 * nothing. */
static int format_one(const cJSON *msg, struct sp_buf *out,
                      const struct page_row *r, row_warn_fn warn, void *arg)
{
    int rc = row_format_message(msg, out);

    if (rc == ROW_MESSAGE_MALFORMED && warn)
        warn(arg, r->c_trace_id, r->c_id,
             "a message is malformed (content neither string nor array, "
             "or a part that is not an object); formatted as \"\"");
    return rc == ROW_MESSAGE_NOMEM ? -1 : 0;
}

/* §4.5: every input message formatted, empty results dropped, joined by a
 * blank line. */
static int build_input(const cJSON *input, struct row_out *o,
                       const struct page_row *r, row_warn_fn warn, void *arg)
{
    const cJSON *msg;

    sp_buf_reset(&o->input);
    if (!cJSON_IsArray(input))
        return 0;
    cJSON_ArrayForEach(msg, input)
    {
        size_t mark = o->input.len;

        if (mark > 0 && sp_buf_add(&o->input, "\n\n", 2) != 0)
            return -1;
        if (format_one(msg, &o->input, r, warn, arg) != 0)
            return -1;
        if (o->input.len == mark + (mark > 0 ? 2 : 0)) {
            o->input.len = mark; /* empty: drop it and its separator */
            if (o->input.data)
                o->input.data[mark] = '\0';
        }
    }
    return 0;
}

/* Text as a JavaScript runtime reading the bytes would have it: invalid
 * UTF-8 (PostgreSQL holds none; other tools' files may) becomes U+FFFD
 * rather than reach a file that says it is UTF-8. */
static int set_text(struct sp_value *v, const char *s, size_t len,
                    struct sp_buf *repaired)
{
    if (sp_utf8_valid_prefix(s, len) != len) {
        sp_buf_reset(repaired);
        if (sp_utf8_repair(s, len, repaired) != 0)
            return -1;
        s = sp_buf_str(repaired);
        len = repaired->len;
    }
    set_string(v, s, len);
    return 0;
}

static int fill_values(const struct page_row *r, const char *page_text,
                       struct row_out *o)
{
    const char *model =
        r->model_off == SIZE_MAX ? "" : page_text + r->model_off;
    int i;

    if (set_text(&o->values[0], sp_buf_str(&o->input), o->input.len,
                 &o->repaired[0]) != 0 ||
        set_text(&o->values[1], sp_buf_str(&o->output), o->output.len,
                 &o->repaired[1]) != 0 ||
        set_text(&o->values[8], model, strlen(model), &o->repaired[2]) != 0)
        return -1;
    set_string(&o->values[2], r->id, strlen(r->id));
    set_string(&o->values[3], r->trace_id, strlen(r->trace_id));
    for (i = 0; i < 4; i++)
        set_integer(&o->values[4 + i], o->numbers[i], r->tokens[i]);
    row_format_cost(r->cost, !r->has_cost, o->numbers[4]);
    o->values[9].type = SP_VALUE_DECIMAL;
    o->values[9].text = o->numbers[4];
    o->values[9].len = strlen(o->numbers[4]);
    o->values[9].integer = 0;
    return 0;
}

static int build_from_metadata(const struct page_row *r, const cJSON *doc,
                               struct row_out *o, enum skip_reason *why,
                               row_warn_fn warn, void *arg)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(doc, "type");
    const cJSON *output = cJSON_GetObjectItemCaseSensitive(doc, "output");
    int n_out = cJSON_IsArray(output) ? cJSON_GetArraySize(output) : 0;

    if (!cJSON_IsString(type) || strcmp(type->valuestring, "completion")) {
        *why = SKIP_NOT_COMPLETION;
        return ROW_SKIPPED;
    }
    sp_buf_reset(&o->output);
    if (n_out > 0 && format_one(cJSON_GetArrayItem(output, n_out - 1),
                                &o->output, r, warn, arg) != 0)
        return ROW_NOMEM;
    if (o->output.len == 0) {
        *why = SKIP_EMPTY_OUTPUT;
        return ROW_SKIPPED;
    }
    if (build_input(cJSON_GetObjectItemCaseSensitive(doc, "input"), o, r, warn,
                    arg) != 0)
        return ROW_NOMEM;
    return ROW_BUILT;
}

int row_build(const struct page_row *r, const char *page_text,
              struct row_out *o, enum skip_reason *why, row_warn_fn warn,
              void *warn_arg)
{
    cJSON *doc;
    int rc;

    if (!r->has_completion) {
        *why = SKIP_NO_COMPLETION;
        return ROW_SKIPPED;
    }
    sp_json_arena_begin(); /* the row keeps copies, nothing of doc */
    doc = r->doc_off == SIZE_MAX
              ? NULL
              : cJSON_ParseWithLength(page_text + r->doc_off, r->doc_len);
    if (!cJSON_IsObject(doc)) { /* missing, or not a JSON object */
        *why = SKIP_NO_METADATA;
        rc = ROW_SKIPPED;
    } else {
        rc = build_from_metadata(r, doc, o, why, warn, warn_arg);
    }
    cJSON_Delete(doc);
    sp_json_arena_end();
    if (rc == ROW_BUILT && fill_values(r, page_text, o) != 0)
        rc = ROW_NOMEM;
    return rc;
}

/* import/latitude_row.c: maps the columns of Latitude's spans table, given
 * as text, onto struct sp_span with validation. Shared by every Latitude
 * reader; knows column names and value forms, not the dump formats. */
#include "import/latitude_row.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hex.h"
#include "util/time.h"

enum col_kind {
    COL_HEX16, /* span ids */
    COL_HEX32, /* trace ids */
    COL_INT,   /* integer, NULL allowed */
    COL_TEXT,  /* any text, NULL allowed */
    COL_UUID,  /* a UUID, NULL allowed */
    COL_TIME,  /* a timestamp */
};

enum col_id {
    C_ID,
    C_TRACE_ID,
    C_PARENT_ID,
    C_PREVIOUS_TRACE_ID,
    C_WORKSPACE_ID,
    C_API_KEY_ID,
    C_PROJECT_ID,
    C_TEST_DEPLOYMENT_ID,
    C_DOCUMENT_UUID,
    C_COMMIT_UUID,
    C_EXPERIMENT_UUID,
    C_DOCUMENT_LOG_UUID,
    C_NAME,
    C_KIND,
    C_TYPE,
    C_STATUS,
    C_MESSAGE,
    C_SOURCE,
    C_DURATION,
    C_STARTED_AT,
    C_ENDED_AT,
    C_TOKENS_PROMPT,
    C_TOKENS_CACHED,
    C_TOKENS_REASONING,
    C_TOKENS_COMPLETION,
    C_MODEL,
    C_COST,
    C_PROVIDER,
    C_CREATED_AT,
    C_UPDATED_AT,
    C_COUNT
};

static const struct {
    const char *name;
    enum col_kind kind;
} columns[C_COUNT] = {
    [C_ID] = {"id", COL_HEX16},
    [C_TRACE_ID] = {"trace_id", COL_HEX32},
    [C_PARENT_ID] = {"parent_id", COL_HEX16},
    [C_PREVIOUS_TRACE_ID] = {"previous_trace_id", COL_HEX32},
    [C_WORKSPACE_ID] = {"workspace_id", COL_INT},
    [C_API_KEY_ID] = {"api_key_id", COL_INT},
    [C_PROJECT_ID] = {"project_id", COL_INT},
    [C_TEST_DEPLOYMENT_ID] = {"test_deployment_id", COL_INT},
    [C_DOCUMENT_UUID] = {"document_uuid", COL_UUID},
    [C_COMMIT_UUID] = {"commit_uuid", COL_UUID},
    [C_EXPERIMENT_UUID] = {"experiment_uuid", COL_UUID},
    [C_DOCUMENT_LOG_UUID] = {"document_log_uuid", COL_UUID},
    [C_NAME] = {"name", COL_TEXT},
    [C_KIND] = {"kind", COL_TEXT},
    [C_TYPE] = {"type", COL_TEXT},
    [C_STATUS] = {"status", COL_TEXT},
    [C_MESSAGE] = {"message", COL_TEXT},
    [C_SOURCE] = {"source", COL_TEXT},
    [C_DURATION] = {"duration", COL_INT},
    [C_STARTED_AT] = {"started_at", COL_TIME},
    [C_ENDED_AT] = {"ended_at", COL_TIME},
    [C_TOKENS_PROMPT] = {"tokens_prompt", COL_INT},
    [C_TOKENS_CACHED] = {"tokens_cached", COL_INT},
    [C_TOKENS_REASONING] = {"tokens_reasoning", COL_INT},
    [C_TOKENS_COMPLETION] = {"tokens_completion", COL_INT},
    [C_MODEL] = {"model", COL_TEXT},
    [C_COST] = {"cost", COL_INT},
    [C_PROVIDER] = {"provider", COL_TEXT},
    [C_CREATED_AT] = {"created_at", COL_TEXT},
    [C_UPDATED_AT] = {"updated_at", COL_TEXT},
};

static const char *const span_types[] = {
    "prompt",  "chat",       "external", "unresolved_external",
    "http",    "completion", "tool",     "embedding",
    "unknown",
};

#define NO_TEXT ((size_t)-1)

#define FIRST_COL 32
_Static_assert(C_COUNT < FIRST_COL, "next_col needs a slot per column");

void latitude_row_init(struct latitude_row *r)
{
    sp_buf_init(&r->text, 0);
    memset(r->next_col, 0xff, sizeof(r->next_col));
    latitude_row_reset(r);
}

void latitude_row_free(struct latitude_row *r)
{
    sp_buf_free(&r->text);
}

void latitude_row_reset(struct latitude_row *r)
{
    size_t i;

    span_clear(&r->span);
    sp_buf_reset(&r->text);
    for (i = 0; i < sizeof(r->offsets) / sizeof(r->offsets[0]); i++)
        r->offsets[i] = NO_TEXT;
    r->seen = 0;
    r->prev_col = FIRST_COL;
}

/* The column that came after the previous one last time is tried first:
 * one comparison per member for a dump written in one column order. */
static int find_column(struct latitude_row *r, const char *name)
{
    int col = r->next_col[r->prev_col];

    if (col >= C_COUNT || strcmp(columns[col].name, name) != 0) {
        for (col = 0; col < C_COUNT; col++)
            if (strcmp(columns[col].name, name) == 0)
                break;
        if (col == C_COUNT)
            return -1;
        r->next_col[r->prev_col] = (unsigned char)col;
    }
    r->prev_col = (unsigned char)col;
    return col;
}

/* Integers: optional '-', digits, nothing else. -1 when it is no integer,
 * -2 when it is one outside the signed 64-bit range. */
static int parse_int(const char *v, size_t len, int64_t *out)
{
    char tmp[32];
    char *end;
    size_t i = len > 0 && v[0] == '-';
    long long n;

    if (i == len)
        return -1;
    for (; i < len; i++)
        if (v[i] < '0' || v[i] > '9')
            return -1;
    if (len >= sizeof(tmp))
        return -2;
    memcpy(tmp, v, len);
    tmp[len] = '\0';
    errno = 0;
    n = strtoll(tmp, &end, 10);
    if (errno == ERANGE)
        return -2;
    *out = n;
    return 0;
}

static struct sp_opt_int *int_field(struct sp_span *s, int col)
{
    switch (col) {
    case C_API_KEY_ID: return &s->api_key_id;
    case C_PROJECT_ID: return &s->project_id;
    case C_TEST_DEPLOYMENT_ID: return &s->test_deployment_id;
    case C_DURATION: return &s->duration_ms;
    case C_TOKENS_PROMPT: return &s->tokens_prompt;
    case C_TOKENS_CACHED: return &s->tokens_cached;
    case C_TOKENS_REASONING: return &s->tokens_reasoning;
    case C_TOKENS_COMPLETION: return &s->tokens_completion;
    case C_COST: return &s->cost;
    default: return NULL;
    }
}

static int set_hex(struct latitude_row *r, int col, const char *v, size_t len,
                   char *why, size_t whylen)
{
    size_t want = columns[col].kind == COL_HEX16 ? 16 : 32;
    char *dst = col == C_ID          ? r->span.id
                : col == C_TRACE_ID  ? r->span.trace_id
                : col == C_PARENT_ID ? r->span.parent_id
                                     : r->span.previous_trace_id;

    if (len == 0 && (col == C_PARENT_ID || col == C_PREVIOUS_TRACE_ID)) {
        dst[0] = '\0'; /* "" means none */
        return 0;
    }
    if (len != want || sp_hex_lower(v, len, dst) != 0) {
        snprintf(why, whylen, "%s \"%.*s\" is not %zu hex digits",
                 columns[col].name, (int)(len > 40 ? 40 : len), v, want);
        return -1;
    }
    return 0;
}

static int set_int(struct latitude_row *r, int col, const char *v, size_t len,
                   char *why, size_t whylen)
{
    int64_t n;
    struct sp_opt_int *f = int_field(&r->span, col);

    int rc = parse_int(v, len, &n);

    if (rc != 0) {
        snprintf(why, whylen, "%s \"%.*s\" is %s", columns[col].name,
                 (int)(len > 40 ? 40 : len), v,
                 rc == -2 ? "out of the signed 64-bit integer range"
                          : "not an integer");
        return -1;
    }
    if (col == C_WORKSPACE_ID) {
        r->span.workspace_id = n;
        return 0;
    }
    f->value = n;
    f->is_set = 1;
    return 0;
}

static int set_time(struct latitude_row *r, int col, const char *v, size_t len,
                    char *why, size_t whylen)
{
    int64_t ns;

    if (sp_time_parse(v, len, 0, &ns) != 0) {
        snprintf(why, whylen, "%s \"%.*s\" is not a timestamp",
                 columns[col].name, (int)(len > 40 ? 40 : len), v);
        return -1;
    }
    if (col == C_STARTED_AT)
        r->span.started_at_ns = ns;
    else
        r->span.ended_at_ns = ns;
    return 0;
}

static int set_text(struct latitude_row *r, int col, const char *v, size_t len,
                    char *why, size_t whylen)
{
    if (columns[col].kind == COL_UUID && !sp_uuid_is_valid(v, len)) {
        snprintf(why, whylen, "%s \"%.*s\" is not a UUID", columns[col].name,
                 (int)(len > 40 ? 40 : len), v);
        return -1;
    }
    r->offsets[col] = r->text.len;
    if (sp_buf_add(&r->text, v, len) != 0 || sp_buf_addc(&r->text, '\0')) {
        snprintf(why, whylen, "%s: out of memory", columns[col].name);
        return -1;
    }
    return 0;
}

int latitude_row_set(struct latitude_row *r, const char *name,
                     const char *value, size_t len, int is_null, char *why,
                     size_t whylen)
{
    int col = find_column(r, name);

    if (col < 0)
        return 0; /* dumps.md: unknown members are ignored */
    r->seen |= 1u << col;
    if (is_null) {
        r->seen &= ~(1u << col);
        return 0;
    }
    if (memchr(value, '\0', len)) { /* C strings would end there */
        snprintf(why, whylen,
                 "%s holds a NUL byte, which PostgreSQL text cannot hold",
                 columns[col].name);
        return -1;
    }
    switch (columns[col].kind) {
    case COL_HEX16:
    case COL_HEX32: return set_hex(r, col, value, len, why, whylen);
    case COL_INT: return set_int(r, col, value, len, why, whylen);
    case COL_TIME: return set_time(r, col, value, len, why, whylen);
    case COL_TEXT:
    case COL_UUID: return set_text(r, col, value, len, why, whylen);
    }
    return 0;
}

static const char *text_of(const struct latitude_row *r, int col)
{
    return r->offsets[col] == NO_TEXT ? NULL : r->text.data + r->offsets[col];
}

static int check_type(const char *type, char *why, size_t whylen)
{
    size_t i;

    for (i = 0; i < sizeof(span_types) / sizeof(span_types[0]); i++)
        if (strcmp(type, span_types[i]) == 0)
            return 0;
    snprintf(why, whylen, "type \"%.40s\" is not a Latitude span type", type);
    return -1;
}

static const int required[] = {C_ID, C_TRACE_ID, C_WORKSPACE_ID, C_TYPE,
                               C_STARTED_AT};
#define N_REQUIRED (sizeof(required) / sizeof(required[0]))

static int is_required(int col)
{
    size_t i;

    for (i = 0; i < N_REQUIRED; i++)
        if (required[i] == col)
            return 1;
    return 0;
}

static int names_column(const char *names, const size_t *at, size_t n, int col)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(names + at[i], columns[col].name) == 0)
            return 1;
    return 0;
}

/* Appends name to list (sep between names); a list that does not fit
 * ends in "...". */
static void list_add(char *list, size_t len, const char *sep, const char *name)
{
    size_t used = strlen(list);
    int n = snprintf(list + used, len - used, "%s%s", used ? sep : "", name);

    if (n < 0 || (size_t)n >= len - used)
        snprintf(list + (len > 4 ? len - 4 : 0), len > 4 ? 4 : len, "...");
}

int latitude_row_is_column(const char *name)
{
    int col;

    for (col = 0; col < C_COUNT; col++)
        if (strcmp(columns[col].name, name) == 0)
            return 1;
    return 0;
}

int latitude_row_missing(const char *names, const size_t *at, size_t n,
                         char *req, size_t reqlen, char *opt, size_t optlen)
{
    int col, n_req = 0;

    req[0] = opt[0] = '\0';
    for (col = 0; col < C_COUNT; col++) {
        if (col == C_PROVIDER || names_column(names, at, n, col))
            continue; /* Latitude's spans table has no provider column */
        if (is_required(col)) {
            list_add(req, reqlen, ", ", columns[col].name);
            n_req++;
        } else {
            list_add(opt, optlen, ", ", columns[col].name);
        }
    }
    return n_req;
}

int latitude_row_finish(struct latitude_row *r, char *why, size_t whylen)
{
    struct sp_span *s = &r->span;
    size_t i;

    for (i = 0; i < N_REQUIRED; i++) {
        if (!(r->seen & (1u << required[i]))) {
            snprintf(why, whylen, "%s is missing", columns[required[i]].name);
            return -1;
        }
    }
    s->document_uuid = text_of(r, C_DOCUMENT_UUID);
    s->commit_uuid = text_of(r, C_COMMIT_UUID);
    s->experiment_uuid = text_of(r, C_EXPERIMENT_UUID);
    s->document_log_uuid = text_of(r, C_DOCUMENT_LOG_UUID);
    s->name = text_of(r, C_NAME);
    s->kind = text_of(r, C_KIND);
    s->type = text_of(r, C_TYPE);
    s->status = text_of(r, C_STATUS);
    s->message = text_of(r, C_MESSAGE);
    s->source = text_of(r, C_SOURCE);
    s->model = text_of(r, C_MODEL);
    s->provider = text_of(r, C_PROVIDER);
    s->created_at = text_of(r, C_CREATED_AT);
    s->updated_at = text_of(r, C_UPDATED_AT);
    if (!(r->seen & (1u << C_ENDED_AT)))
        s->ended_at_ns = s->started_at_ns;
    return check_type(s->type, why, whylen);
}

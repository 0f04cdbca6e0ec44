/* tests/bench/gen_forms.c: the Latitude forms of the generated spans: the
 * spans table as NDJSON, as PostgreSQL CSV with the metadata tree, flat. */
#include "gen_latitude.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* span rows */

enum cell_kind { CELL_NULL, CELL_STR, CELL_INT, CELL_TIME };

enum col {
    COL_ID, COL_TRACE_ID, COL_DOCUMENT_LOG_UUID, COL_PARENT_ID,
    COL_PREVIOUS_TRACE_ID, COL_WORKSPACE_ID, COL_API_KEY_ID, COL_NAME,
    COL_KIND, COL_TYPE, COL_STATUS, COL_MESSAGE, COL_DURATION,
    COL_STARTED_AT, COL_ENDED_AT, COL_DOCUMENT_UUID, COL_COMMIT_UUID,
    COL_EXPERIMENT_UUID, COL_PROJECT_ID, COL_SOURCE, COL_TEST_DEPLOYMENT_ID,
    COL_TOKENS_PROMPT, COL_TOKENS_CACHED, COL_TOKENS_REASONING,
    COL_TOKENS_COMPLETION, COL_MODEL, COL_COST, COL_CREATED_AT,
    COL_UPDATED_AT, N_COLS
};

/* Latitude's spans table, in its column order. */
static const char *const col_names[N_COLS] = {
    "id", "trace_id", "document_log_uuid", "parent_id", "previous_trace_id",
    "workspace_id", "api_key_id", "name", "kind", "type", "status",
    "message", "duration", "started_at", "ended_at", "document_uuid",
    "commit_uuid", "experiment_uuid", "project_id", "source",
    "test_deployment_id", "tokens_prompt", "tokens_cached",
    "tokens_reasoning", "tokens_completion", "model", "cost", "created_at",
    "updated_at",
};

struct cell {
    enum cell_kind kind;
    const char *s;
    int64_t v;
};

static struct cell str_or_null(const char *s)
{
    struct cell c = {s ? CELL_STR : CELL_NULL, s, 0};
    return c;
}

static struct cell int_of(int64_t v)
{
    struct cell c = {CELL_INT, NULL, v};
    return c;
}

static struct cell opt_of(struct opt o)
{
    struct cell c = {o.set ? CELL_INT : CELL_NULL, NULL, o.v};
    return c;
}

static struct cell time_of(int64_t ms)
{
    struct cell c = {CELL_TIME, NULL, ms};
    return c;
}

static struct cell cell_of(const struct span *s, int col)
{
    switch (col) {
    case COL_ID: return str_or_null(s->id);
    case COL_TRACE_ID: return str_or_null(s->trace_id);
    case COL_DOCUMENT_LOG_UUID: return str_or_null(s->document_log_uuid);
    case COL_PARENT_ID:
        return str_or_null(s->parent_id[0] || s->parent_empty ? s->parent_id
                                                              : NULL);
    case COL_PREVIOUS_TRACE_ID:
        return str_or_null(s->previous_trace_id[0] ? s->previous_trace_id
                                                   : NULL);
    case COL_WORKSPACE_ID: return int_of(WORKSPACE_ID);
    case COL_API_KEY_ID: return int_of(s->api_key_id);
    case COL_NAME: return str_or_null(s->name);
    case COL_KIND: return str_or_null(s->kind);
    case COL_TYPE: return str_or_null(s->type);
    case COL_STATUS: return str_or_null(s->status);
    case COL_MESSAGE: return str_or_null(s->message);
    case COL_DURATION: return int_of(s->ended_ms - s->started_ms);
    case COL_STARTED_AT: return time_of(s->started_ms);
    case COL_ENDED_AT: return time_of(s->ended_ms);
    case COL_DOCUMENT_UUID: return str_or_null(s->document_uuid);
    case COL_COMMIT_UUID: return str_or_null(s->commit_uuid);
    case COL_EXPERIMENT_UUID: return str_or_null(s->experiment_uuid);
    case COL_PROJECT_ID: return opt_of(s->project_id);
    case COL_SOURCE: return str_or_null(s->source);
    case COL_TEST_DEPLOYMENT_ID: return opt_of(s->test_deployment_id);
    case COL_TOKENS_PROMPT:
    case COL_TOKENS_CACHED:
    case COL_TOKENS_REASONING:
    case COL_TOKENS_COMPLETION: return opt_of(s->tokens[col - COL_TOKENS_PROMPT]);
    case COL_MODEL: return str_or_null(s->model);
    case COL_COST: return opt_of(s->cost);
    case COL_CREATED_AT:
    case COL_UPDATED_AT: return time_of(s->created_ms);
    default: return str_or_null(NULL);
    }
}

/* ------------------------------------------------------------------ */
/* output forms */

static void emit_ndjson(struct out *o, const struct span *s)
{
    struct buf *b = &o->line;
    int i;

    put_c(b, '{');
    for (i = 0; i < N_COLS; i++) {
        struct cell c = cell_of(s, i);

        if (i)
            put_c(b, ',');
        put_key(b, col_names[i]);
        switch (c.kind) {
        case CELL_NULL: put_s(b, "null"); break;
        case CELL_STR: put_jss(b, c.s); break;
        case CELL_INT: put_i(b, c.v); break;
        case CELL_TIME:
            put_c(b, '"');
            put_time(b, c.v, 'T');
            put_c(b, '"');
            break;
        }
    }
    put_s(b, ",\"metadata\":");
    put_mem(b, s->meta.p, s->meta.len);
    put_s(b, "}\n");
}

static void emit_csv_row(struct out *o, const struct span *s, int pg)
{
    struct buf *b = &o->line;
    int i;

    for (i = 0; i < N_COLS; i++) {
        struct cell c = cell_of(s, i);

        if (i)
            put_c(b, ',');
        switch (c.kind) {
        case CELL_NULL: break;
        case CELL_STR: put_csv_field(b, c.s, strlen(c.s), pg); break;
        case CELL_INT: put_i(b, c.v); break;
        case CELL_TIME: put_time(b, c.v, pg ? ' ' : 'T'); break;
        }
    }
    if (!pg) {
        put_c(b, ',');
        put_csv_field(b, s->meta.p, s->meta.len, 0);
    }
    put_c(b, '\n');
}

static void write_all(int fd, const char *p, size_t n, const char *path)
{
    while (n) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            die("%s: %s", path, strerror(errno));
        p += w;
        n -= (size_t)w;
    }
}

static void make_dir(const char *path)
{
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        die("%s: %s", path, strerror(errno));
}

void mkdirs(const char *path)
{
    char *p = strdup(path), *q;

    if (!p)
        die("out of memory");
    for (q = p + 1; *q; q++) {
        if (*q != '/')
            continue;
        *q = '\0';
        make_dir(p);
        *q = '/';
    }
    make_dir(p);
    free(p);
}

/* DIR/workspaces/<ws>/traces/<trace>/<span>, plain JSON. */
static void emit_metadata_file(struct out *o, const struct span *s,
                               int first_of_trace)
{
    struct buf *p = &o->path;
    int fd;

    p->len = 0;
    put_s(p, o->meta_dir);
    put_s(p, "/workspaces/");
    put_i(p, WORKSPACE_ID);
    put_s(p, "/traces/");
    put_s(p, s->trace_id);
    put_c(p, '\0');
    if (first_of_trace)
        make_dir(p->p);
    p->len--;
    put_c(p, '/');
    put_s(p, s->id);
    put_c(p, '\0');
    fd = open(p->p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die("%s: %s", p->p, strerror(errno));
    write_all(fd, s->meta.p, s->meta.len, p->p);
    o->meta_bytes += s->meta.len;
    if (close(fd) != 0)
        die("%s: %s", p->p, strerror(errno));
}

void flush_line(struct out *o)
{
    if (o->line.len && fwrite(o->line.p, 1, o->line.len, o->f) != o->line.len)
        die("write error: %s", strerror(errno));
    o->bytes += o->line.len;
    o->line.len = 0;
}

void emit(struct out *o, const struct span *s, const struct trace_ctx *t,
          int first_of_trace)
{
    switch (o->form) {
    case FORM_NDJSON: emit_ndjson(o, s); break;
    case FORM_PG_CSV:
        emit_csv_row(o, s, 1);
        emit_metadata_file(o, s, first_of_trace);
        break;
    case FORM_FLAT_CSV: emit_csv_row(o, s, 0); break;
    case FORM_OTLP: otlp_span(o, s, t); break;
    }
    o->spans++;
    if (o->line.len >= 1 << 20)
        flush_line(o);
}

void emit_trace_end(struct out *o)
{
    if (o->form == FORM_OTLP)
        otlp_trace_end(o);
}

void emit_finish(struct out *o)
{
    if (o->form == FORM_OTLP)
        otlp_finish(o);
    flush_line(o);
}

void emit_header(struct out *o)
{
    int i;

    if (o->form == FORM_NDJSON || o->form == FORM_OTLP)
        return;
    for (i = 0; i < N_COLS; i++) {
        if (i)
            put_c(&o->line, ',');
        put_s(&o->line, col_names[i]);
    }
    if (o->form == FORM_FLAT_CSV)
        put_s(&o->line, ",metadata");
    put_c(&o->line, '\n');
}

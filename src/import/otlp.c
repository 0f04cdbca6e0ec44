/* import/otlp.c: OTLP/JSON files: documents, arrays, NDJSON, envelopes, and
 * the resource, scope and span loop. Knows no span contents, no store. */
#include "import/otlp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/import.h"
#include "import/input.h"
#include "util/jsonarena.h"

#define GET(o, k) cJSON_GetObjectItemCaseSensitive((o), (k))
#define READER_MAX_PENDING 4096

static const char READER_EXPECTED[] =
    "expected OTLP/JSON trace data: an ExportTraceServiceRequest or "
    "TracesData object (resourceSpans or batches), an array of them or one "
    "per line, possibly wrapped as {\"result\": ...} or "
    "{\"trace_requests\": [{\"pbreq\": ...}]}";

/* A record that is not OTLP, held until the file shows any OTLP record:
 * a file with none is refused as a whole instead of reported line by line. */
struct reader_pending {
    uint64_t line;
    char why[160];
};

struct reader {
    struct import_ctx *ctx;
    struct sp_err *err;
    int64_t workspace_id;
    struct otlp_text text;
    struct otlp_span span;
    struct sp_buf doc;    /* a multi-line document */
    uint64_t text_line;   /* where the text being read starts */
    uint64_t record_line; /* where the record being read starts */
    int spans_by_line;    /* document mode: text.span_lines are offsets */
    size_t next_span;     /* index into text.span_lines */
    uint64_t n_otlp;      /* OTLP documents seen */
    struct reader_pending *pending;
    size_t n_pending;
};

static int reader_flush_pending(struct reader *r)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < r->n_pending && rc == 0; i++)
        rc = import_bad(r->ctx, r->pending[i].line, r->err, "%s",
                        r->pending[i].why);
    r->n_pending = 0;
    return rc;
}

static int reader_not_otlp(struct reader *r, uint64_t line, const char *why)
{
    if (r->n_otlp > 0)
        return import_bad(r->ctx, line, r->err, "%s", why);
    if (r->n_pending == READER_MAX_PENDING)
        return sp_err_set(r->err, SP_EFAIL,
                          "%s: the first %d records are not OTLP (line "
                          "%llu: %s); %s",
                          input_name(r->ctx->in), READER_MAX_PENDING,
                          (unsigned long long)r->pending[0].line,
                          r->pending[0].why, READER_EXPECTED);
    if (!r->pending) {
        r->pending = calloc(READER_MAX_PENDING, sizeof(*r->pending));
        if (!r->pending)
            return sp_err_set(r->err, SP_ENOMEM, "out of memory");
    }
    r->pending[r->n_pending].line = line;
    snprintf(r->pending[r->n_pending].why, sizeof(r->pending[0].why), "%s",
             why);
    r->n_pending++;
    return 0;
}

/* The line a span starts on: its own in a document, else the record's. */
static uint64_t reader_span_line(struct reader *r)
{
    if (r->spans_by_line && r->next_span < r->text.n_span_lines)
        return r->text_line + r->text.span_lines[r->next_span++];
    return r->record_line;
}

static int reader_span(struct reader *r, const cJSON *span,
                       const struct otlp_scope *sc)
{
    struct otlp_notes notes;
    uint64_t line = reader_span_line(r);
    int rc;

    memset(&notes, 0, sizeof(notes));
    rc = otlp_span_map(span, sc, r->workspace_id, &r->span, &notes);
    if (rc == -2)
        rc = sp_err_set(r->err, SP_ENOMEM,
                        "%s:%llu: out of memory mapping a span",
                        input_name(r->ctx->in), (unsigned long long)line);
    else if (rc == -1)
        rc = import_bad(r->ctx, line, r->err, "%s", notes.why);
    else
        rc = import_put(r->ctx, &r->span.row, r->err);
    if (rc == 0 && notes.n_warn == 1)
        import_warn(r->ctx, line, "%s", notes.warn);
    else if (rc == 0 && notes.n_warn > 1)
        import_warn(r->ctx, line, "%s (and %u more warnings)", notes.warn,
                    notes.n_warn - 1);
    otlp_span_free(&r->span);
    return rc;
}

static const char *reader_string(const cJSON *obj, const char *key)
{
    const cJSON *v = GET(obj, key);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Either of two names: the current one or the legacy one. */
static const cJSON *reader_either(const cJSON *obj, const char *key,
                                  const char *legacy)
{
    const cJSON *v = GET(obj, key);

    return v ? v : GET(obj, legacy);
}

static int reader_scope_spans(struct reader *r, const cJSON *ss,
                              const cJSON *resource_attrs)
{
    const cJSON *scope = reader_either(ss, "scope", "instrumentationLibrary");
    const cJSON *span;
    struct otlp_scope sc;
    int rc = 0;

    sc.resource_attrs = resource_attrs;
    sc.scope_name = reader_string(scope, "name");
    sc.scope_version = reader_string(scope, "version");
    cJSON_ArrayForEach(span, GET(ss, "spans"))
    {
        if (!cJSON_IsObject(span))
            rc = import_bad(r->ctx, r->record_line, r->err,
                            "a member of spans is not an object");
        else
            rc = reader_span(r, span, &sc);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int reader_resource_spans(struct reader *r, const cJSON *rs)
{
    const cJSON *ss;
    struct otlp_notes notes;
    cJSON *attrs = cJSON_CreateObject();
    int rc = 0;

    memset(&notes, 0, sizeof(notes));
    if (!attrs ||
        otlp_attrs_merge(attrs, GET(GET(rs, "resource"), "attributes"),
                         &notes) != 0) {
        cJSON_Delete(attrs);
        return sp_err_set(r->err, SP_ENOMEM, "out of memory");
    }
    if (notes.n_warn)
        import_warn(r->ctx, r->record_line, "resource: %s", notes.warn);
    cJSON_ArrayForEach(
        ss, reader_either(rs, "scopeSpans", "instrumentationLibrarySpans"))
    {
        rc = reader_scope_spans(r, ss, attrs);
        if (rc != 0)
            break;
    }
    cJSON_Delete(attrs);
    return rc;
}

static int reader_traces(struct reader *r, const cJSON *td)
{
    const cJSON *rs;
    int rc;

    cJSON_ArrayForEach(rs, reader_either(td, "resourceSpans", "batches"))
    {
        rc = reader_resource_spans(r, rs);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int reader_is_traces(const cJSON *v)
{
    return cJSON_IsObject(v) && (cJSON_IsArray(GET(v, "resourceSpans")) ||
                                 cJSON_IsArray(GET(v, "batches")));
}

/* One document: TracesData, {"result": TracesData}, or a capture file's
 * {"trace_requests": [{"pbreq": TracesData}, ...]}. 1 when it is none. */
static int reader_document(struct reader *r, const cJSON *doc)
{
    const cJSON *reqs = GET(doc, "trace_requests"), *req;
    int rc = 0;

    if (!reader_is_traces(doc) && !reader_is_traces(GET(doc, "result")) &&
        !cJSON_IsArray(reqs))
        return 1;
    r->n_otlp++;
    if (reader_flush_pending(r) != 0)
        return -1;
    if (reader_is_traces(doc))
        return reader_traces(r, doc);
    if (reader_is_traces(GET(doc, "result")))
        return reader_traces(r, GET(doc, "result"));
    cJSON_ArrayForEach(req, reqs)
    {
        if (reader_is_traces(GET(req, "pbreq")))
            rc = reader_traces(r, GET(req, "pbreq"));
        else
            rc = import_bad(r->ctx, r->record_line, r->err,
                            "a trace_requests member has no pbreq holding "
                            "resourceSpans");
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* A parsed value: a document, or an array of documents. */
static int reader_value(struct reader *r, const cJSON *v)
{
    const cJSON *el;
    int rc, i = 0;

    if (!cJSON_IsArray(v)) {
        rc = reader_document(r, v);
        return rc == 1 ? reader_not_otlp(r, r->record_line,
                                         "not an OTLP trace document")
                       : rc;
    }
    cJSON_ArrayForEach(el, v)
    {
        rc = reader_document(r, el);
        if (rc == 1) {
            char why[64];
            snprintf(why, sizeof(why),
                     "array element %d is not an OTLP trace document", i);
            rc = reader_not_otlp(r, r->record_line, why);
        }
        if (rc != 0)
            return rc;
        i++;
    }
    return 0;
}

static const char *reader_skip_space(const char *p, const char *stop)
{
    while (p < stop && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

static uint64_t reader_newlines(const char *p, const char *stop)
{
    uint64_t n = 0;

    for (; p < stop; p++)
        n += *p == '\n';
    return n;
}

/* Every JSON value in in[0..len), a record each; `line` is in's first
 * line. by_line: a document, whose spans are located by their own line. */
static int reader_text(struct reader *r, const char *in, size_t len,
                       uint64_t line, int by_line)
{
    const char *p, *stop, *end = NULL, *counted;
    const char *nul = memchr(in, '\0', len);
    char why[200];
    cJSON *v;
    int rc;

    if (nul) /* said at its own line, not the document's first */
        return reader_not_otlp(r, line + reader_newlines(in, nul),
                               OTLP_RAW_NUL);
    rc = otlp_text_prepare(&r->text, in, len, OTLP_MAX_DEPTH, why, sizeof(why));

    if (by_line) /* in is r->doc: the prepared copy is all we need now */
        sp_buf_free(&r->doc);
    if (rc == -2)
        return sp_err_set(r->err, SP_ENOMEM, "%s:%llu: %s",
                          input_name(r->ctx->in), (unsigned long long)line,
                          why);
    if (rc != 0)
        return reader_not_otlp(r, line, why);
    r->spans_by_line = by_line;
    r->next_span = 0;
    r->text_line = line;
    counted = p = r->text.json.data;
    stop = p + r->text.json.len;
    for (p = reader_skip_space(p, stop); rc == 0 && p < stop;
         p = reader_skip_space(end, stop)) {
        line += reader_newlines(counted, p);
        counted = p;
        r->record_line = line;
        /* Every value of the document and of its spans is freed before
         * the next one is parsed: they may all come from the arena. */
        sp_json_arena_begin();
        v = cJSON_ParseWithLengthOpts(p, (size_t)(stop - p), &end, 0);
        if (!v) {
            uint64_t at = line + reader_newlines(p, cJSON_GetErrorPtr());

            sp_json_arena_end(); /* said at the line cJSON stopped on */
            return reader_not_otlp(r, by_line ? at : line, "not valid JSON");
        }
        rc = reader_value(r, v);
        cJSON_Delete(v);
        sp_json_arena_end();
    }
    return rc;
}

static int reader_blank(const char *s, size_t n)
{
    return reader_skip_space(s, s + n) == s + n;
}

/* The first non-blank line, BOM removed. 1, 0 at end of file, -1. */
static int reader_first_line(struct reader *r, char **line, size_t *len)
{
    int rc, first = 1;

    while ((rc = input_line(r->ctx->in, line, len, r->err)) == 1) {
        if (first && *len >= 3 && memcmp(*line, "\xEF\xBB\xBF", 3) == 0) {
            *line += 3;
            *len -= 3;
        }
        first = 0;
        if (!reader_blank(*line, *len))
            return 1;
    }
    return rc;
}

/* One JSON value per line decides NDJSON: a pretty-printed document's
 * first line ("{") is not one. A line that looks like a whole object but
 * does not parse is a bad NDJSON record, not the start of a document.
 * When the line is one value, *value takes it (parsed once, not twice). */
static int reader_line_is_record(struct reader *r, const char *s, size_t n,
                                 cJSON **value)
{
    const char *end = NULL, *stop;
    char why[200];
    cJSON *v;

    *value = NULL;
    if (otlp_text_prepare(&r->text, s, n, OTLP_MAX_DEPTH, why, sizeof(why)) !=
        0)
        return 1; /* reported when read as a record */
    stop = r->text.json.data + r->text.json.len;
    v = cJSON_ParseWithLengthOpts(r->text.json.data, r->text.json.len, &end, 0);
    if (v && reader_skip_space(end, stop) == stop) {
        *value = v;
        return 1;
    }
    cJSON_Delete(v);
    stop = s + n;
    s = reader_skip_space(s, stop);
    while (stop > s && (stop[-1] == ' ' || stop[-1] == '\t'))
        stop--;
    return stop - s > 1 && s[0] == '{' && stop[-1] == '}';
}

/* NDJSON from its first line on; first is that line parsed, or NULL. */
static int reader_ndjson(struct reader *r, char *line, size_t len, cJSON *first)
{
    int got, rc;

    if (first) {
        r->spans_by_line = 0;
        r->record_line = r->text_line = input_lineno(r->ctx->in);
        rc = reader_value(r, first);
        cJSON_Delete(first);
    } else {
        rc = reader_text(r, line, len, input_lineno(r->ctx->in), 0);
    }
    if (rc != 0)
        return -1;
    while ((got = input_line(r->ctx->in, &line, &len, r->err)) == 1)
        if (!reader_blank(line, len) &&
            reader_text(r, line, len, input_lineno(r->ctx->in), 0) != 0)
            return -1;
    return got < 0 ? -1 : 0;
}

static int reader_whole(struct reader *r, char *line, size_t len)
{
    uint64_t first = input_lineno(r->ctx->in);
    int rc;

    do {
        if (sp_buf_add(&r->doc, line, len) != 0 ||
            sp_buf_addc(&r->doc, '\n') != 0)
            return sp_err_set(r->err, SP_EFAIL,
                              "%s:%llu: a JSON document over %u MiB (or out "
                              "of memory); write one document per line "
                              "(NDJSON) instead",
                              input_name(r->ctx->in), (unsigned long long)first,
                              OTLP_MAX_DOC_BYTES >> 20);
    } while ((rc = input_line(r->ctx->in, &line, &len, r->err)) == 1);
    if (rc < 0)
        return -1;
    return reader_text(r, r->doc.data, r->doc.len, first, 1);
}

static int reader_run(struct reader *r)
{
    cJSON *first;
    char *line;
    size_t len;
    int rc = reader_first_line(r, &line, &len);

    if (rc <= 0)
        return rc; /* an empty file imports nothing */
    if (reader_line_is_record(r, line, len, &first))
        rc = reader_ndjson(r, line, len, first);
    else
        rc = reader_whole(r, line, len);
    if (rc == 0 && r->n_otlp == 0 && r->n_pending > 0)
        rc = sp_err_set(r->err, SP_EFAIL, "%s:%llu: %s; %s",
                        input_name(r->ctx->in),
                        (unsigned long long)r->pending[0].line,
                        r->pending[0].why, READER_EXPECTED);
    return rc;
}

int read_otlp(struct import_ctx *ctx, struct sp_err *err)
{
    struct reader r;
    int rc;

    memset(&r, 0, sizeof(r));
    r.ctx = ctx;
    r.err = err;
    r.workspace_id =
        ctx->opts && ctx->opts->workspace_id > 0 ? ctx->opts->workspace_id : 1;
    otlp_text_init(&r.text);
    otlp_span_init(&r.span);
    sp_buf_init(&r.doc, OTLP_MAX_DOC_BYTES);
    rc = reader_run(&r);
    sp_buf_free(&r.doc);
    otlp_span_free(&r.span);
    otlp_text_free(&r.text);
    free(r.pending);
    return rc;
}

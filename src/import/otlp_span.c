/* import/otlp_span.c: one OTLP span into a store row and its metadata, as
 * Latitude's ingestion did (latitude-reference §2.2, §7.1, §7.2): ids,
 * times, kind, status, merged attributes, events, links, type, references.
 * Knows struct sp_span and cJSON; nothing of files, records or the store. */
#include "import/otlp.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/hex.h"
#include "util/jsonw.h"
#include "util/time.h"

#define GET(o, k) cJSON_GetObjectItemCaseSensitive((o), (k))

void otlp_span_init(struct otlp_span *s)
{
    span_clear(&s->row);
    s->attrs = NULL;
    s->meta = NULL;
    sp_buf_init(&s->meta_text, OTLP_MAX_METADATA);
}

void otlp_span_free(struct otlp_span *s)
{
    cJSON_Delete(s->attrs);
    cJSON_Delete(s->meta);
    sp_buf_free(&s->meta_text);
    otlp_span_init(s);
}

/* An enum given as a number or as its name, with or without the prefix
 * ("SPAN_KIND_CLIENT", "client", 3). names[i] is the name of value i. */
static int span_enum(const cJSON *v, const char *prefix,
                     const char *const *names, int n_names, int *out)
{
    const char *s;
    int64_t i;
    int k;

    if (!v) {
        *out = 0;
        return 0;
    }
    if (otlp_int64(v, &i) == 0) {
        *out = i >= 0 && i < n_names ? (int)i : -1;
        return *out < 0 ? -1 : 0;
    }
    if (!cJSON_IsString(v))
        return -1;
    s = v->valuestring;
    if (strncasecmp(s, prefix, strlen(prefix)) == 0)
        s += strlen(prefix);
    for (k = 0; k < n_names; k++) {
        if (strcasecmp(s, names[k]) == 0) {
            *out = k;
            return 0;
        }
    }
    return -1;
}

static const char *span_kind(const cJSON *span, struct otlp_notes *notes)
{
    static const char *const kinds[] = {"unspecified", "internal", "server",
                                        "client",      "producer", "consumer"};
    const cJSON *v = GET(span, "kind");
    int k;

    if (span_enum(v, "SPAN_KIND_", kinds, 6, &k) != 0) {
        otlp_note_warn(notes, "kind is not a SpanKind; stored as unspecified");
        k = 0;
    }
    return kinds[k];
}

static int span_status(const cJSON *span, struct otlp_notes *notes)
{
    static const char *const codes[] = {"unset", "ok", "error"};
    const cJSON *st = GET(span, "status");
    int k;

    if (span_enum(GET(st, "code"), "STATUS_CODE_", codes, 3, &k) != 0) {
        otlp_note_warn(notes, "status.code is not a StatusCode; stored as "
                              "unset");
        k = 0;
    }
    return k;
}

static int span_time(const cJSON *obj, const char *key, int64_t *ns,
                     struct otlp_notes *notes)
{
    const cJSON *v = GET(obj, key);

    *ns = 0;
    if (!v || cJSON_IsNull(v))
        return 0; /* proto3 leaves zero values out */
    if (otlp_int64(v, ns) == 0 && *ns >= 0)
        return 0;
    return otlp_note_bad(notes, "%s %s%.40s%s is not a time in nanoseconds",
                         key, cJSON_IsString(v) ? "\"" : "",
                         cJSON_IsString(v) ? v->valuestring : "(not a string)",
                         cJSON_IsString(v) ? "\"" : "");
}

static int span_ids(const cJSON *span, struct sp_span *row,
                    struct otlp_notes *notes)
{
    static const struct {
        const char *key;
        size_t nbytes;
        size_t offset;
    } ids[] = {
        {"traceId", 16, offsetof(struct sp_span, trace_id)},
        {"spanId", 8, offsetof(struct sp_span, id)},
        {"parentSpanId", 8, offsetof(struct sp_span, parent_id)},
    };
    const cJSON *v;
    size_t k;
    int rc;

    for (k = 0; k < 3; k++) {
        v = GET(span, ids[k].key);
        rc = otlp_id(v, ids[k].nbytes, (char *)row + ids[k].offset);
        if (rc < 0)
            return otlp_note_bad(
                notes, "%s \"%.48s\" is neither %zu hex digits nor base64 "
                       "of %zu bytes",
                ids[k].key, cJSON_IsString(v) ? v->valuestring : "",
                2 * ids[k].nbytes, ids[k].nbytes);
        if (rc > 0 && k < 2)
            return otlp_note_bad(notes, "span has no %s", ids[k].key);
        if (rc > 0)
            row->parent_id[0] = '\0';
    }
    return 0;
}

static int span_add_string(cJSON *obj, const char *key, const char *value)
{
    cJSON *item = cJSON_CreateString(value);

    if (!item)
        return -1;
    if (cJSON_GetObjectItemCaseSensitive(obj, key))
        return cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item) ? 0 : -1;
    return cJSON_AddItemToObject(obj, key, item) ? 0 : -1;
}

/* Resource attributes, then the span's (later wins, first position),
 * then the otel.* members ingestion adds; latitude.internal removed. */
static cJSON *span_attrs(const cJSON *span, const struct otlp_scope *sc,
                         int status, struct otlp_notes *notes)
{
    static const char *const codes[] = {"UNSET", "OK", "ERROR"};
    const cJSON *msg = GET(GET(span, "status"), "message");
    cJSON *a;
    int rc = 0;

    a = sc->resource_attrs ? cJSON_Duplicate(sc->resource_attrs, 1)
                           : cJSON_CreateObject();
    if (!a || otlp_attrs_merge(a, GET(span, "attributes"), notes) != 0)
        goto nomem;
    if (sc->scope_name)
        rc |= span_add_string(a, "otel.scope.name", sc->scope_name);
    if (sc->scope_version && sc->scope_version[0])
        rc |= span_add_string(a, "otel.scope.version", sc->scope_version);
    rc |= span_add_string(a, "otel.status_code", codes[status]);
    if (cJSON_IsString(msg) && msg->valuestring[0])
        rc |= span_add_string(a, "otel.status_description", msg->valuestring);
    if (rc != 0)
        goto nomem;
    cJSON_DeleteItemFromObjectCaseSensitive(a, "latitude.internal");
    return a;
nomem:
    notes->nomem = 1;
    cJSON_Delete(a);
    return NULL;
}

static cJSON *span_event(const cJSON *ev, int index, struct otlp_notes *notes)
{
    char when[SP_TIME_RFC3339_LEN], key[48];
    const cJSON *name = GET(ev, "name");
    cJSON *out = cJSON_CreateObject(), *attrs = cJSON_CreateObject();
    int64_t ns;

    snprintf(key, sizeof(key), "events[%d].timeUnixNano", index);
    if (!out || !attrs)
        goto fail;
    if (span_time(ev, "timeUnixNano", &ns, notes) != 0) {
        otlp_note_bad(notes, "%s is not a time in nanoseconds", key);
        goto fail;
    }
    sp_time_format_rfc3339(ns, when);
    if (!cJSON_AddStringToObject(
            out, "name", cJSON_IsString(name) ? name->valuestring : "") ||
        !cJSON_AddStringToObject(out, "timestamp", when) ||
        otlp_attrs_merge(attrs, GET(ev, "attributes"), notes) != 0)
        goto fail;
    cJSON_AddItemToObject(out, "attributes", attrs);
    return out;
fail:
    cJSON_Delete(attrs);
    cJSON_Delete(out);
    return NULL;
}

static cJSON *span_link(const cJSON *ln, struct otlp_notes *notes)
{
    char trace[33], id[17];
    cJSON *out, *attrs;

    if (otlp_id(GET(ln, "traceId"), 16, trace) != 0 ||
        otlp_id(GET(ln, "spanId"), 8, id) != 0) {
        otlp_note_warn(notes, "a link has no valid ids; dropped");
        return NULL;
    }
    out = cJSON_CreateObject();
    attrs = cJSON_CreateObject();
    if (!out || !attrs || !cJSON_AddStringToObject(out, "traceId", trace) ||
        !cJSON_AddStringToObject(out, "spanId", id) ||
        otlp_attrs_merge(attrs, GET(ln, "attributes"), notes) != 0) {
        cJSON_Delete(attrs);
        cJSON_Delete(out);
        notes->nomem = 1;
        return NULL;
    }
    cJSON_AddItemToObject(out, "attributes", attrs);
    return out;
}

/* events and links arrays; -1 when an event time is bad (span skipped). */
static int span_events_links(const cJSON *span, cJSON *meta,
                             struct otlp_notes *notes)
{
    cJSON *events = cJSON_AddArrayToObject(meta, "events"), *item;
    cJSON *links = cJSON_AddArrayToObject(meta, "links");
    const cJSON *v;
    int i = 0;

    if (!events || !links)
        return -1;
    cJSON_ArrayForEach(v, GET(span, "events"))
    {
        item = span_event(v, i++, notes);
        if (!item)
            return -1;
        cJSON_AddItemToArray(events, item);
    }
    cJSON_ArrayForEach(v, GET(span, "links"))
    {
        item = span_link(v, notes);
        if (item)
            cJSON_AddItemToArray(links, item);
        else if (notes->nomem)
            return -1;
    }
    return 0;
}

/* One place of Latitude's extractSpanError: the message, or NULL. */
static const char *span_error_in(const cJSON *attrs)
{
    static const char *const keys[] = {"exception.message", "exception.type",
                                       "error.type"};
    const cJSON *v;
    size_t k;

    for (k = 0; k < 3; k++) {
        v = GET(attrs, keys[k]);
        if (!v || (cJSON_IsString(v) && v->valuestring[0] == '\0'))
            continue;
        return cJSON_IsString(v) ? v->valuestring : "Unknown error";
    }
    return NULL;
}

/* The span's attributes first, then each event's attributes and name. */
static const char *span_error(const cJSON *attrs, const cJSON *events)
{
    const char *msg = span_error_in(attrs);
    const cJSON *ev, *name;

    cJSON_ArrayForEach(ev, events)
    {
        if (msg)
            break;
        msg = span_error_in(GET(ev, "attributes"));
        name = GET(ev, "name");
        if (!msg && cJSON_IsString(name) &&
            (strcmp(name->valuestring, "exception") == 0 ||
             strcmp(name->valuestring, "error") == 0))
            msg = "Unknown error";
    }
    return msg;
}

/* JavaScript truthiness of an attribute value. */
static int span_truthy(const cJSON *v)
{
    if (cJSON_IsString(v))
        return v->valuestring[0] != '\0';
    if (cJSON_IsNumber(v))
        return v->valuedouble != 0;
    return cJSON_IsTrue(v) || cJSON_IsArray(v) || cJSON_IsObject(v);
}

static const char *span_type(const cJSON *a)
{
    static const char *const rules[][3] = {
        {"latitude.type", "prompt", "prompt"},
        {"latitude.type", "chat", "chat"},
        {"latitude.type", "external", "external"},
        {"latitude.type", "unresolved_external", "external"},
        {"latitude.type", "completion", "completion"},
        {"latitude.type", "embedding", "embedding"},
        {"latitude.type", "tool", "tool"},
        {"latitude.type", "http", "http"},
        {"latitude.type", "unknown", "unknown"},
        {"gen_ai.operation.name", "chat", "completion"},
        {"gen_ai.operation.name", "generate_content", "completion"},
        {"gen_ai.operation.name", "text_completion", "completion"},
        {"gen_ai.operation.name", "completion", "completion"},
        {"gen_ai.operation.name", "embeddings", "embedding"},
        {"gen_ai.operation.name", "embedding", "embedding"},
        {"gen_ai.operation.name", "execute_tool", "tool"},
        {"gen_ai.operation.name", "tool", "tool"},
        {"llm.request.type", "completion", "completion"},
        {"llm.request.type", "chat", "completion"},
        {"llm.request.type", "embedding", "embedding"},
        {"ai.operationId", "ai.generateText.doGenerate", "completion"},
        {"ai.operationId", "ai.streamText.doStream", "completion"},
        {"ai.operationId", "ai.generateObject.doGenerate", "completion"},
        {"ai.operationId", "ai.streamObject.doStream", "completion"},
        {"ai.operationId", "ai.embed.doEmbed", "embedding"},
        {"ai.operationId", "ai.embed.embedMany.doEmbed", "embedding"},
        {"ai.operationId", "ai.toolCall", "tool"},
        {"openinference.span.kind", "LLM", "completion"},
        {"openinference.span.kind", "EMBEDDING", "embedding"},
        {"openinference.span.kind", "TOOL", "tool"},
    };
    const cJSON *v;
    size_t k;

    for (k = 0; k < sizeof(rules) / sizeof(rules[0]); k++) {
        v = GET(a, rules[k][0]);
        if (cJSON_IsString(v) && strcmp(v->valuestring, rules[k][1]) == 0)
            return rules[k][2];
    }
    if (span_truthy(GET(a, "gen_ai.system.instructions")) ||
        span_truthy(GET(a, "gen_ai.input.messages")) ||
        span_truthy(GET(a, "gen_ai.output.messages")))
        return "completion";
    if (span_truthy(GET(a, "gen_ai.system")) &&
        span_truthy(GET(a, "gen_ai.request.model")))
        return "completion";
    return "unknown";
}

/* A latitude.* id attribute as a number: 1 when present and valid. */
static int span_ref_int(cJSON *meta, const cJSON *v, const char *member,
                        struct sp_opt_int *col)
{
    int64_t i;

    if (!v)
        return 0;
    if (otlp_int64(v, &i) != 0)
        return -1;
    col->value = i;
    col->is_set = 1;
    if (i > -(INT64_C(1) << 53) && i < (INT64_C(1) << 53))
        return cJSON_AddNumberToObject(meta, member, (double)i) ? 1 : -2;
    return cJSON_AddStringToObject(meta, member, v->valuestring) ? 1 : -2;
}

/* A latitude.* text attribute; kind 'u' must be a UUID, 't' a trace id. */
static int span_ref_text(cJSON *meta, const cJSON *v, const char *member,
                         char kind, const char **col)
{
    cJSON *item;

    if (!v)
        return 0;
    if (!cJSON_IsString(v) ||
        (kind == 'u' && !sp_uuid_is_valid(v->valuestring,
                                          strlen(v->valuestring))) ||
        (kind == 't' && (strlen(v->valuestring) != 32 ||
                         !sp_hex_is_valid(v->valuestring, 32))))
        return -1;
    item = cJSON_AddStringToObject(meta, member, v->valuestring);
    if (!item)
        return -2;
    *col = item->valuestring;
    return 1;
}

/* Latitude's reference members (extractLatitudeReferences) and columns. */
static int span_refs(cJSON *meta, const cJSON *a, struct sp_span *row,
                     struct otlp_notes *notes)
{
    static const struct {
        const char *attr, *member;
        char kind; /* s text, u UUID, i integer, t trace id */
    } refs[] = {
        {"latitude.source", "source", 's'},
        {"latitude.document_log_uuid", "documentLogUuid", 'u'},
        {"latitude.document_uuid", "promptUuid", 'u'},
        {"latitude.commit_uuid", "versionUuid", 'u'},
        {"latitude.experiment_uuid", "experimentUuid", 'u'},
        {"latitude.project_id", "projectId", 'i'},
        {"latitude.test_deployment_id", "testDeploymentId", 'i'},
        {"latitude.previous_trace_id", "previousTraceId", 't'},
    };
    const char **cols[] = {&row->source,          &row->document_log_uuid,
                           &row->document_uuid,   &row->commit_uuid,
                           &row->experiment_uuid, NULL};
    const char *text = NULL;
    const cJSON *v;
    size_t k;
    int rc;

    for (k = 0; k < sizeof(refs) / sizeof(refs[0]); k++) {
        v = GET(a, refs[k].attr);
        if (refs[k].kind == 'i')
            rc = span_ref_int(meta, v, refs[k].member,
                              k == 5 ? &row->project_id
                                     : &row->test_deployment_id);
        else
            rc = span_ref_text(meta, v, refs[k].member, refs[k].kind, &text);
        if (rc == -2)
            return -1;
        if (rc == -1)
            otlp_note_warn(notes, "%s is not a valid %s; ignored",
                           refs[k].attr,
                           refs[k].kind == 'u'   ? "UUID"
                           : refs[k].kind == 'i' ? "integer"
                           : refs[k].kind == 't' ? "trace id"
                                                 : "string");
        if (rc == 1 && k < 5)
            *cols[k] = text;
        if (rc == 1 && refs[k].kind == 't')
            sp_hex_lower(text, 32, row->previous_trace_id);
    }
    return 0;
}

/* Prompt spans: parameters (an object, {} when bad) and template. */
static int span_prompt(cJSON *meta, const cJSON *a)
{
    const cJSON *p = GET(a, "gen_ai.request.parameters");
    const cJSON *t = GET(a, "gen_ai.request.template");
    cJSON *params = NULL;
    int too_deep;

    if (cJSON_IsString(p))
        params = otlp_json_parse(p->valuestring, strlen(p->valuestring),
                                 &too_deep);
    else if (cJSON_IsObject(p))
        params = cJSON_Duplicate(p, 1);
    if (params && !cJSON_IsObject(params)) {
        cJSON_Delete(params);
        params = NULL;
    }
    if (!params)
        params = cJSON_CreateObject();
    if (!params || !cJSON_AddItemToObject(meta, "parameters", params)) {
        cJSON_Delete(params);
        return -1;
    }
    if (cJSON_IsString(t) &&
        !cJSON_AddStringToObject(meta, "template", t->valuestring))
        return -1;
    return 0;
}

static int span_times(const cJSON *span, struct sp_span *row,
                      struct otlp_notes *notes)
{
    if (span_time(span, "startTimeUnixNano", &row->started_at_ns, notes) ||
        span_time(span, "endTimeUnixNano", &row->ended_at_ns, notes))
        return -1;
    row->duration_ms.is_set = 1;
    row->duration_ms.value = 0;
    if (row->ended_at_ns < row->started_at_ns)
        otlp_note_warn(notes, "span ends before it starts; duration stored "
                              "as 0");
    else /* both are >= 0: the difference cannot overflow */
        row->duration_ms.value =
            (row->ended_at_ns - row->started_at_ns) / 1000000;
    return 0;
}

/* traceId, spanId, type, attributes (taking s->attrs), events, links. */
static int span_base(const cJSON *span, struct otlp_span *s,
                     struct otlp_notes *notes)
{
    cJSON *meta = s->meta;

    if (!cJSON_AddStringToObject(meta, "traceId", s->row.trace_id) ||
        !cJSON_AddStringToObject(meta, "spanId", s->row.id) ||
        !cJSON_AddStringToObject(meta, "type", s->row.type)) {
        notes->nomem = 1;
        return -1;
    }
    cJSON_AddItemToObject(meta, "attributes", s->attrs);
    s->attrs = NULL; /* meta owns it */
    if (span_events_links(span, meta, notes) != 0) {
        if (!notes->why[0])
            notes->nomem = 1;
        return -1;
    }
    return 0;
}

static void span_serialize(struct otlp_span *s, struct otlp_notes *notes)
{
    sp_buf_reset(&s->meta_text);
    if (jsonw_value(&s->meta_text, s->meta) != 0) {
        otlp_note_warn(notes, "metadata is over %u MiB or nested too deep; "
                              "span kept without metadata",
                       OTLP_MAX_METADATA >> 20);
        return;
    }
    s->row.metadata = s->meta_text.data;
    s->row.metadata_len = s->meta_text.len;
}

static int span_typed(struct otlp_span *s, const cJSON *a, int status,
                      struct otlp_notes *notes)
{
    cJSON *meta = s->meta;

    if (span_refs(meta, a, &s->row, notes) != 0)
        return -1;
    if (strcmp(s->row.type, "prompt") == 0)
        return span_prompt(meta, a);
    if (strcmp(s->row.type, "completion") == 0)
        return otlp_completion(meta, a, GET(meta, "events"), status == 2,
                               &s->row, notes);
    return 0;
}

int otlp_span_map(const cJSON *span, const struct otlp_scope *sc,
                  int64_t workspace_id, struct otlp_span *s,
                  struct otlp_notes *notes)
{
    static const char *const statuses[] = {"unset", "ok", "error"};
    const cJSON *name = GET(span, "name"), *msg, *a;
    const char *error;
    int status;

    if (span_ids(span, &s->row, notes) != 0 ||
        span_times(span, &s->row, notes) != 0)
        return -1;
    s->row.workspace_id = workspace_id;
    s->row.name = cJSON_IsString(name) ? name->valuestring : "";
    s->row.kind = span_kind(span, notes);
    status = span_status(span, notes);
    msg = GET(GET(span, "status"), "message");
    if (cJSON_IsString(msg) && msg->valuestring[0])
        s->row.message = msg->valuestring;
    s->attrs = span_attrs(span, sc, status, notes);
    s->meta = cJSON_CreateObject();
    if (!s->attrs || !s->meta)
        return -2;
    a = s->attrs;
    s->row.type = span_type(a);
    if (span_base(span, s, notes) != 0)
        return notes->nomem ? -2 : -1;
    error = span_error(a, GET(s->meta, "events"));
    if (error) {
        status = 2;
        s->row.message = error;
    }
    s->row.status = statuses[status];
    if (span_typed(s, a, status, notes) != 0 || notes->nomem)
        return -2;
    span_serialize(s, notes);
    return 0;
}

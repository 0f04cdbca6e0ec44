/* import/otlp_span.c: one OTLP span as a store row and its base metadata
 * (ids, times, kind, status, attributes, events, links). Knows no files. */
#include "import/otlp.h"

#include <stdio.h>
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

/* obj[key] in ns; label names it in the message ("events[2].time..."). */
static int span_time(const cJSON *obj, const char *key, const char *label,
                     int64_t *ns, struct otlp_notes *notes)
{
    const cJSON *v = GET(obj, key);
    char text[64];

    *ns = 0;
    if (!v || cJSON_IsNull(v))
        return 0; /* proto3 leaves zero values out */
    if (otlp_int64(v, ns) == 0 && *ns >= 0)
        return 0;
    otlp_value_text(v, text, sizeof(text));
    return otlp_note_bad(notes, "%s %s is not a time in nanoseconds", label,
                         text);
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
    char text[64];
    size_t k;
    int rc;

    for (k = 0; k < 3; k++) {
        v = GET(span, ids[k].key);
        rc = otlp_id(v, ids[k].nbytes, (char *)row + ids[k].offset);
        otlp_value_text(v, text, sizeof(text));
        if (rc < 0)
            return otlp_note_bad(notes,
                                 "%s %s is neither %zu hex digits nor base64 "
                                 "of %zu bytes",
                                 ids[k].key, text, 2 * ids[k].nbytes,
                                 ids[k].nbytes);
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
    if (!out || !attrs || span_time(ev, "timeUnixNano", key, &ns, notes) != 0)
        goto fail;
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

static int span_times(const cJSON *span, struct sp_span *row,
                      struct otlp_notes *notes)
{
    if (span_time(span, "startTimeUnixNano", "startTimeUnixNano",
                  &row->started_at_ns, notes) ||
        span_time(span, "endTimeUnixNano", "endTimeUnixNano", &row->ended_at_ns,
                  notes))
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
        otlp_note_warn(notes,
                       "metadata is over %u MiB or nested too deep; "
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

    if (otlp_references(meta, a, &s->row, notes) != 0)
        return -1;
    if (strcmp(s->row.type, "prompt") == 0)
        return otlp_prompt(meta, a);
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
    s->row.type = otlp_span_type(a);
    if (span_base(span, s, notes) != 0)
        return notes->nomem ? -2 : -1;
    error = otlp_span_error(a, GET(s->meta, "events"));
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

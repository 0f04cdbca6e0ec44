/* import/otlp_latitude.c: span type, error and latitude.* references from
 * attributes (latitude-reference §7.2, §2.2). Knows attribute names only. */
#include "import/otlp.h"

#include <string.h>

#include "util/hex.h"

#define GET(o, k) cJSON_GetObjectItemCaseSensitive((o), (k))

/* JavaScript truthiness of an attribute value. */
static int lat_truthy(const cJSON *v)
{
    if (cJSON_IsString(v))
        return v->valuestring[0] != '\0';
    if (cJSON_IsNumber(v))
        return v->valuedouble != 0;
    return cJSON_IsTrue(v) || cJSON_IsArray(v) || cJSON_IsObject(v);
}

/* One place of Latitude's extractSpanError: the message, or NULL. Any
 * other exception.* attribute (dumps.md §4.1) also marks an error. */
static const char *lat_error_in(const cJSON *attrs)
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
    cJSON_ArrayForEach(v, attrs)
    {
        if (strncmp(v->string, "exception.", 10) == 0 && lat_truthy(v))
            return "Unknown error";
    }
    return NULL;
}

/* The span's attributes first, then each event's attributes and name. */
const char *otlp_span_error(const cJSON *attrs, const cJSON *events)
{
    const char *msg = lat_error_in(attrs);
    const cJSON *ev, *name;

    cJSON_ArrayForEach(ev, events)
    {
        if (msg)
            break;
        msg = lat_error_in(GET(ev, "attributes"));
        name = GET(ev, "name");
        if (!msg && cJSON_IsString(name) &&
            (strcmp(name->valuestring, "exception") == 0 ||
             strcmp(name->valuestring, "error") == 0))
            msg = "Unknown error";
    }
    return msg;
}

const char *otlp_span_type(const cJSON *a)
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
    if (lat_truthy(GET(a, "gen_ai.system.instructions")) ||
        lat_truthy(GET(a, "gen_ai.system_instructions")) ||
        lat_truthy(GET(a, "gen_ai.input.messages")) ||
        lat_truthy(GET(a, "gen_ai.output.messages")))
        return "completion";
    if (lat_truthy(GET(a, "gen_ai.system")) &&
        lat_truthy(GET(a, "gen_ai.request.model")))
        return "completion";
    return "unknown";
}

/* A latitude.* id attribute as a number: 1 when present and valid. */
static int lat_ref_int(cJSON *meta, const cJSON *v, const char *member,
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
static int lat_ref_text(cJSON *meta, const cJSON *v, const char *member,
                        char kind, const char **col)
{
    cJSON *item;

    if (!v)
        return 0;
    if (!cJSON_IsString(v) ||
        (kind == 'u' &&
         !sp_uuid_is_valid(v->valuestring, strlen(v->valuestring))) ||
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
int otlp_references(cJSON *meta, const cJSON *a, struct sp_span *row,
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
            rc = lat_ref_int(meta, v, refs[k].member,
                             k == 5 ? &row->project_id
                                    : &row->test_deployment_id);
        else
            rc = lat_ref_text(meta, v, refs[k].member, refs[k].kind, &text);
        if (rc == -2)
            return -1;
        if (rc == -1)
            otlp_note_warn(notes, "%s is not a valid %s; ignored", refs[k].attr,
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
int otlp_prompt(cJSON *meta, const cJSON *a)
{
    const cJSON *p = GET(a, "gen_ai.request.parameters");
    const cJSON *t = GET(a, "gen_ai.request.template");
    cJSON *params = NULL;
    int too_deep;

    if (cJSON_IsString(p))
        params =
            otlp_json_parse(p->valuestring, strlen(p->valuestring), &too_deep);
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

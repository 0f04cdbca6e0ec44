/* import/otlp_promptl.c: one message of any LLM convention as a promptl
 * message {role, content: [parts]}. Knows shapes, not where they are kept. */
#include "import/otlp.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define GET(o, k) cJSON_GetObjectItemCaseSensitive((o), (k))
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The first member of obj among keys (NULL-terminated) that is a string. */
static const char *pl_str(const cJSON *obj, const char *const *keys)
{
    const cJSON *v;

    for (; *keys; keys++) {
        v = GET(obj, *keys);
        if (cJSON_IsString(v))
            return v->valuestring;
    }
    return NULL;
}

/* The first member of obj among keys that is present and not null. */
static const cJSON *pl_any(const cJSON *obj, const char *const *keys)
{
    const cJSON *v;

    for (; *keys; keys++) {
        v = GET(obj, *keys);
        if (v && !cJSON_IsNull(v))
            return v;
    }
    return NULL;
}

static cJSON *pl_part(const char *type)
{
    cJSON *p = cJSON_CreateObject();

    if (p && !cJSON_AddStringToObject(p, "type", type)) {
        cJSON_Delete(p);
        return NULL;
    }
    return p;
}

static cJSON *pl_text_part(const char *type, const char *text)
{
    cJSON *p = pl_part(type);

    if (p && text && !cJSON_AddStringToObject(p, "text", text)) {
        cJSON_Delete(p);
        return NULL;
    }
    return p;
}

static cJSON *pl_text(const cJSON *p)
{
    static const char *const keys[] = {"text", "content", NULL};
    const char *t = pl_str(p, keys);

    return pl_text_part("text", t ? t : "");
}

static cJSON *pl_reasoning(const cJSON *p)
{
    static const char *const keys[] = {"text", "content", "thinking",
                                       "reasoning", NULL};

    return pl_text_part("reasoning", pl_str(p, keys));
}

static cJSON *pl_redacted(const cJSON *p)
{
    static const char *const keys[] = {"data", "content", NULL};
    const char *data = pl_str(p, keys);
    cJSON *out = pl_part("redacted-reasoning");

    if (out && data && !cJSON_AddStringToObject(out, "data", data)) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

/* A URL or data in v: a string, or {url}, or OpenInference's {image:{url}}.
 */
static const char *pl_url(const cJSON *v, int depth)
{
    const char *s;

    if (cJSON_IsString(v))
        return v->valuestring;
    if (!cJSON_IsObject(v) || depth > 2)
        return NULL;
    s = pl_url(GET(v, "url"), depth + 1);
    if (!s)
        s = pl_url(GET(v, "image"), depth + 1);
    if (!s)
        s = pl_url(GET(v, "file_data"), depth + 1);
    if (!s)
        s = pl_url(GET(v, "file_id"), depth + 1);
    return s;
}

/* "data:MIME;base64,DATA" for inline data (Anthropic, Gemini, OTel). */
static cJSON *pl_data_url(const char *mime, const char *data)
{
    struct sp_buf b;
    cJSON *s = NULL;

    sp_buf_init(&b, 0);
    if (sp_buf_printf(&b, "data:%s;base64,%s", mime ? mime : "", data) == 0)
        s = cJSON_CreateString(b.data);
    sp_buf_free(&b);
    return s;
}

/* Inline base64 data: OTel blob, Anthropic source, Gemini inlineData. */
static cJSON *pl_inline(const cJSON *p, const char **mime)
{
    static const char *const mimes[] = {"mimeType", "mime_type", "media_type",
                                        NULL};
    const cJSON *src = GET(p, "source"), *inl = GET(p, "inlineData");
    const cJSON *type = GET(src, "type"), *data = NULL, *from = p;

    if (cJSON_IsString(GET(p, "type")) &&
        strcmp(GET(p, "type")->valuestring, "blob") == 0)
        data = GET(p, "content");
    else if (cJSON_IsString(type) && strcmp(type->valuestring, "base64") == 0)
        data = GET(from = src, "data");
    else if (cJSON_IsObject(inl))
        data = GET(from = inl, "data");
    if (!data || !cJSON_IsString(data))
        return NULL;
    if (!*mime)
        *mime = pl_str(from, mimes);
    return pl_data_url(*mime, data->valuestring);
}

/* An image or file part: {type, image|file, mimeType?}. */
static cJSON *pl_media(const cJSON *p, const char *kind)
{
    static const char *const mimes[] = {"mimeType", "mediaType", "mime_type",
                                        "media_type", NULL};
    static const char *const uris[] = {"fileUri", NULL};
    const char *const keys[] = {kind,   "image_url", "url",   "uri",
                                "data", "file_id",   "source"};
    const cJSON *gemini = GET(p, "fileData");
    const char *mime = pl_str(p, mimes), *url = NULL;
    cJSON *out = pl_part(kind), *value = pl_inline(p, &mime);
    size_t k;

    for (k = 0; !value && !url && k < COUNT(keys); k++)
        url = pl_url(GET(p, keys[k]), 0);
    if (!value && !url && cJSON_IsObject(gemini)) {
        url = pl_str(gemini, uris);
        mime = mime ? mime : pl_str(gemini, mimes);
    }
    if (!value)
        value = cJSON_CreateString(url ? url : "");
    if (!out || !value || !cJSON_AddItemToObject(out, kind, value)) {
        cJSON_Delete(value);
        cJSON_Delete(out);
        return NULL;
    }
    if (mime && !cJSON_AddStringToObject(out, "mimeType", mime)) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

/* OTel blob/uri/file parts say image or not by their modality. */
static cJSON *pl_modal(const cJSON *p)
{
    const cJSON *m = GET(p, "modality");

    return pl_media(p, cJSON_IsString(m) &&
                               strcasecmp(m->valuestring, "image") == 0
                           ? "image"
                           : "file");
}

static cJSON *pl_image(const cJSON *p)
{
    return pl_media(p, "image");
}

static cJSON *pl_file(const cJSON *p)
{
    return GET(p, "modality") ? pl_modal(p) : pl_media(p, "file");
}

/* Tool arguments: JSON text is parsed, other text kept, none is {}. */
static cJSON *pl_args(const cJSON *v)
{
    cJSON *parsed;
    int too_deep;

    if (!v || cJSON_IsNull(v))
        return cJSON_CreateObject();
    if (!cJSON_IsString(v))
        return cJSON_Duplicate(v, 1);
    parsed = otlp_json_parse(v->valuestring, strlen(v->valuestring), &too_deep);
    return parsed ? parsed : cJSON_CreateString(v->valuestring);
}

/* {"type":"tool-call","toolCallId","toolName","args"} from OTel tool_call,
 * OpenAI tool_calls[] / function_call, Anthropic tool_use, OpenInference
 * tool_call.*, Gemini functionCall and Vercel / promptl tool-call. */
static cJSON *pl_tool_call(const cJSON *p, cJSON *calls)
{
    static const char *const ids[] = {"id", "toolCallId", "call_id",
                                      "tool_call_id", NULL};
    static const char *const names[] = {"name", "toolName", NULL};
    static const char *const args[] = {"arguments", "args", "input", NULL};
    const cJSON *o =
        cJSON_IsObject(GET(p, "tool_call")) ? GET(p, "tool_call") : p;
    const cJSON *fn = GET(o, "function");
    const char *id = pl_str(o, ids), *name = pl_str(fn, names);
    cJSON *out = pl_part("tool-call"), *a;

    if (!name)
        name = pl_str(o, names);
    a = pl_args(cJSON_IsObject(fn) && GET(fn, "arguments")
                    ? GET(fn, "arguments")
                    : pl_any(o, args));
    if (!out || !a ||
        !cJSON_AddStringToObject(out, "toolCallId", id ? id : "") ||
        !cJSON_AddStringToObject(out, "toolName", name ? name : "") ||
        !cJSON_AddItemToObject(out, "args", a)) {
        cJSON_Delete(a);
        cJSON_Delete(out);
        return NULL;
    }
    if (id && id[0] && !GET(calls, id))
        cJSON_AddStringToObject(calls, id, name ? name : "");
    return out;
}

/* A tool's result as given; Vercel v5's {type, value} gives its value. */
static cJSON *pl_result(const cJSON *v)
{
    const cJSON *type = GET(v, "type"), *value = GET(v, "value");

    if (!v)
        return cJSON_CreateNull();
    if (cJSON_IsObject(v) && cJSON_IsString(type) && value &&
        cJSON_GetArraySize(v) == 2)
        v = value;
    return cJSON_Duplicate(v, 1);
}

/* {"type":"tool-result","toolCallId","toolName","result"}; the name, when
 * not given, is the one of the earlier call with that id, else "". */
static cJSON *pl_tool_result(const cJSON *p, cJSON *calls)
{
    static const char *const ids[] = {"id",      "toolCallId",   "tool_use_id",
                                      "call_id", "tool_call_id", NULL};
    static const char *const names[] = {"toolName", "name", "tool_name", NULL};
    static const char *const results[] = {"response", "result", "output",
                                          "content", NULL};
    static const char *const errors[] = {"isError", "is_error", NULL};
    const char *id = pl_str(p, ids), *name = pl_str(p, names);
    const cJSON *known = id ? GET(calls, id) : NULL;
    cJSON *out = pl_part("tool-result"), *r = pl_result(pl_any(p, results));

    if (!name && known && cJSON_IsString(known))
        name = known->valuestring;
    if (!out || !r ||
        !cJSON_AddStringToObject(out, "toolCallId", id ? id : "") ||
        !cJSON_AddStringToObject(out, "toolName", name ? name : "") ||
        !cJSON_AddItemToObject(out, "result", r)) {
        cJSON_Delete(r);
        cJSON_Delete(out);
        return NULL;
    }
    if (cJSON_IsTrue(pl_any(p, errors)) &&
        !cJSON_AddTrueToObject(out, "isError")) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

typedef cJSON *(*pl_part_fn)(const cJSON *p);

static const struct {
    const char *type;
    pl_part_fn fn;
} pl_types[] = {
    {"text", pl_text},
    {"input_text", pl_text},
    {"output_text", pl_text},
    {"image", pl_image},
    {"image_url", pl_image},
    {"input_image", pl_image},
    {"file", pl_file},
    {"input_file", pl_file},
    {"document", pl_file},
    {"blob", pl_modal},
    {"uri", pl_modal},
    {"reasoning", pl_reasoning},
    {"thinking", pl_reasoning},
    {"redacted_thinking", pl_redacted},
    {"redacted-reasoning", pl_redacted},
};

static const char *const pl_call_types[] = {
    "tool_call", "tool-call", "tool_use", "function_call", "function", NULL};
static const char *const pl_result_types[] = {
    "tool_call_response",   "tool-result",       "tool_result",
    "function_call_output", "function_response", NULL};

static int pl_in(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

/* Gemini parts carry no type: {text}, {functionCall}, {inlineData}... */
static cJSON *pl_untyped(const cJSON *p, cJSON *calls)
{
    if (cJSON_IsObject(GET(p, "functionCall")))
        return pl_tool_call(GET(p, "functionCall"), calls);
    if (cJSON_IsObject(GET(p, "functionResponse")))
        return pl_tool_result(GET(p, "functionResponse"), calls);
    if (GET(p, "inlineData") || GET(p, "fileData")) {
        const cJSON *d =
            GET(p, "inlineData") ? GET(p, "inlineData") : GET(p, "fileData");
        const cJSON *mime = GET(d, "mimeType");
        int image = cJSON_IsString(mime) &&
                    strncmp(mime->valuestring, "image/", 6) == 0;
        return pl_media(p, image ? "image" : "file");
    }
    if (cJSON_IsString(GET(p, "text")))
        return pl_text(p);
    return NULL;
}

cJSON *otlp_promptl_part(const cJSON *part, cJSON *calls,
                         struct otlp_notes *notes)
{
    const cJSON *type = GET(part, "type");
    size_t k;

    (void)notes;
    if (cJSON_IsString(part))
        return pl_text_part("text", part->valuestring);
    if (!cJSON_IsObject(part))
        return NULL;
    if (!cJSON_IsString(type))
        return pl_untyped(part, calls);
    for (k = 0; k < COUNT(pl_types); k++)
        if (strcmp(type->valuestring, pl_types[k].type) == 0)
            return pl_types[k].fn(part);
    if (pl_in(type->valuestring, pl_call_types))
        return pl_tool_call(part, calls);
    if (pl_in(type->valuestring, pl_result_types))
        return pl_tool_result(part, calls);
    return NULL; /* unknown part types are dropped */
}

static const char *pl_role(const cJSON *msg, const char *def)
{
    static const char *const roles[][2] = {
        {"system", "system"},       {"user", "user"},
        {"assistant", "assistant"}, {"developer", "developer"},
        {"tool", "tool"},           {"human", "user"},
        {"ai", "assistant"},        {"model", "assistant"},
        {"bot", "assistant"},       {"function", "tool"},
        {"ipython", "tool"},
    };
    const cJSON *r = GET(msg, "role");
    size_t k;

    if (!cJSON_IsString(r) || !r->valuestring[0])
        return def;
    for (k = 0; k < COUNT(roles); k++)
        if (strcasecmp(r->valuestring, roles[k][0]) == 0)
            return roles[k][1];
    return r->valuestring;
}

/* Appends the parts of a list (or one part) to parts. */
static void pl_add_parts(cJSON *parts, const cJSON *list, cJSON *calls,
                         struct otlp_notes *notes)
{
    const cJSON *p, *inner;
    cJSON *part;

    if (cJSON_IsObject(list) && GET(list, "type")) {
        part = otlp_promptl_part(list, calls, notes);
        if (part)
            cJSON_AddItemToArray(parts, part);
        return;
    }
    if (!cJSON_IsArray(list))
        return;
    cJSON_ArrayForEach(p, list)
    {
        inner = GET(p, "message_content"); /* OpenInference contents */
        part =
            otlp_promptl_part(cJSON_IsObject(inner) ? inner : p, calls, notes);
        if (part)
            cJSON_AddItemToArray(parts, part);
    }
}

static int pl_all_typed(const cJSON *list)
{
    const cJSON *p;

    if (!cJSON_IsArray(list) || !list->child)
        return 0;
    cJSON_ArrayForEach(p, list)
    {
        if (!cJSON_IsString(GET(p, "type")))
            return 0;
    }
    return 1;
}

/* String content: a JSON list of typed parts (OpenLLMetry writes list
 * content so) gives those parts; anything else is one text part. */
static void pl_add_string(cJSON *parts, const char *s, cJSON *calls,
                          struct otlp_notes *notes)
{
    int too_deep;
    cJSON *parsed = otlp_json_parse(s, strlen(s), &too_deep), *part;

    if (pl_all_typed(parsed)) {
        pl_add_parts(parts, parsed, calls, notes);
    } else {
        part = pl_text_part("text", s);
        if (part)
            cJSON_AddItemToArray(parts, part);
    }
    cJSON_Delete(parsed);
}

static int pl_has_call(const cJSON *parts)
{
    const cJSON *p;

    cJSON_ArrayForEach(p, parts)
    {
        if (strcmp(GET(p, "type")->valuestring, "tool-call") == 0)
            return 1;
    }
    return 0;
}

/* OpenAI tool_calls / function_call; promptl's deprecated toolCalls only
 * when the content holds no tool-call part already. */
static void pl_add_calls(cJSON *parts, const cJSON *msg, cJSON *calls)
{
    const cJSON *list = GET(msg, "tool_calls"), *tc;
    cJSON *part;

    if (!cJSON_IsArray(list) && !pl_has_call(parts))
        list = GET(msg, "toolCalls");
    if (list && cJSON_IsArray(list)) {
        cJSON_ArrayForEach(tc, list)
        {
            part = pl_tool_call(tc, calls);
            if (part)
                cJSON_AddItemToArray(parts, part);
        }
    }
    if (cJSON_IsObject(GET(msg, "function_call"))) {
        part = pl_tool_call(GET(msg, "function_call"), calls);
        if (part)
            cJSON_AddItemToArray(parts, part);
    }
}

/* A tool message answering a call: {role:"tool", tool_call_id, content}. */
static cJSON *pl_tool_message(const cJSON *msg, const char *id, cJSON *calls)
{
    static const char *const names[] = {"name", "tool_name", "toolName", NULL};
    static const char *const errors[] = {"is_error", "isError", NULL};
    const char *name = pl_str(msg, names);
    const cJSON *err = pl_any(msg, errors);
    cJSON *src = cJSON_CreateObject(), *part = NULL;

    if (src && cJSON_AddStringToObject(src, "toolCallId", id) &&
        (!name || cJSON_AddStringToObject(src, "toolName", name)) &&
        cJSON_AddItemReferenceToObject(src, "result", GET(msg, "content")) &&
        (!err ||
         cJSON_AddBoolToObject(src, "isError",
                               cJSON_IsTrue(err) ||
                                   (cJSON_IsString(err) &&
                                    strcmp(err->valuestring, "true") == 0))))
        part = pl_tool_result(src, calls);
    cJSON_Delete(src);
    return part;
}

static void pl_add_content(cJSON *parts, const cJSON *msg, const char *role,
                           cJSON *calls, struct otlp_notes *notes)
{
    static const char *const ids[] = {"tool_call_id", "toolCallId", NULL};
    const cJSON *content = GET(msg, "content");
    const char *id = pl_str(msg, ids);
    cJSON *part;

    if (strcmp(role, "tool") == 0 && id && content && !pl_all_typed(content)) {
        part = pl_tool_message(msg, id, calls);
        if (part)
            cJSON_AddItemToArray(parts, part);
        return;
    }
    pl_add_parts(parts, GET(msg, "parts"), calls, notes);
    if (cJSON_IsString(content))
        pl_add_string(parts, content->valuestring, calls, notes);
    else
        pl_add_parts(parts, content, calls, notes);
    pl_add_parts(parts, GET(msg, "contents"), calls, notes);
    pl_add_calls(parts, msg, calls);
}

int otlp_promptl_is_empty(const cJSON *msg)
{
    const cJSON *p, *type, *text;

    cJSON_ArrayForEach(p, GET(msg, "content"))
    {
        type = GET(p, "type");
        text = GET(p, "text");
        if (!cJSON_IsString(type) || strcmp(type->valuestring, "text") != 0 ||
            (cJSON_IsString(text) && text->valuestring[0]))
            return 0;
    }
    return 1;
}

cJSON *otlp_promptl_message(const cJSON *msg, const char *default_role,
                            cJSON *calls, struct otlp_notes *notes)
{
    const char *role = pl_role(msg, default_role);
    cJSON *out = cJSON_CreateObject(), *parts = cJSON_CreateArray();

    if (!out || !parts || !cJSON_AddStringToObject(out, "role", role)) {
        notes->nomem = 1;
        cJSON_Delete(parts);
        cJSON_Delete(out);
        return NULL;
    }
    pl_add_content(parts, msg, role, calls, notes);
    cJSON_AddItemToObject(out, "content", parts);
    if (otlp_promptl_is_empty(out)) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

/* import/otlp_message.c: which attributes or events a completion's messages
 * come from, in dumps.md §4.1 order. Knows no message shapes (promptl.c). */
#include "import/otlp.h"

#include <stdlib.h>
#include <string.h>

#define GET(o, k) cJSON_GetObjectItemCaseSensitive((o), (k))

enum msg_kind {
    SRC_JSON,    /* JSON messages only */
    SRC_TEXT,    /* JSON messages, or plain text as one message */
    SRC_INDEXED, /* KEY.N.role, KEY.N.content, ... */
    SRC_VERCEL,  /* ai.response.text / .object / .toolCalls */
    SRC_EVENTS,  /* span events */
};

struct msg_source {
    enum msg_kind kind;
    const char *key;
};

struct msg_ctx {
    const char *role; /* for messages that name none */
    int output;
    cJSON *calls;
    struct otlp_notes *notes;
    cJSON *out; /* the array being filled */
};

static int msg_is_message(const cJSON *v)
{
    return cJSON_IsObject(v) &&
           (GET(v, "role") || GET(v, "content") || GET(v, "parts"));
}

static void msg_add(struct msg_ctx *c, const cJSON *msg)
{
    cJSON *m = otlp_promptl_message(msg, c->role, c->calls, c->notes);

    if (m)
        cJSON_AddItemToArray(c->out, m);
}

/* {role, content: [text]} straight, for text that must stay text. */
static void msg_add_text(struct msg_ctx *c, const char *role, const char *s)
{
    cJSON *m = cJSON_CreateObject(), *parts = cJSON_CreateArray();
    cJSON *part = cJSON_CreateObject();

    if (!m || !parts || !part || !cJSON_AddStringToObject(m, "role", role) ||
        !cJSON_AddStringToObject(part, "type", "text") ||
        !cJSON_AddStringToObject(part, "text", s)) {
        c->notes->nomem = 1;
        cJSON_Delete(m);
        cJSON_Delete(parts);
        cJSON_Delete(part);
        return;
    }
    cJSON_AddItemToArray(parts, part);
    cJSON_AddItemToObject(m, "content", parts);
    if (otlp_promptl_is_empty(m))
        cJSON_Delete(m);
    else
        cJSON_AddItemToArray(c->out, m);
}

/* An array of messages, one message, or {"messages": [...]}. */
static void msg_add_json(struct msg_ctx *c, const cJSON *v)
{
    const cJSON *m, *list = GET(v, "messages");

    if (cJSON_IsObject(v) && cJSON_IsArray(list))
        v = list;
    if (msg_is_message(v)) {
        msg_add(c, v);
        return;
    }
    if (!cJSON_IsArray(v))
        return;
    cJSON_ArrayForEach(m, v)
    {
        if (msg_is_message(m))
            msg_add(c, m);
    }
}

/* A value that is JSON (an array or object, or text holding one) gives
 * messages; other text gives one text message when text_ok. */
static void msg_add_value(struct msg_ctx *c, const cJSON *v, const char *key,
                          int text_ok)
{
    cJSON *parsed;
    int too_deep;

    if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
        msg_add_json(c, v);
        return;
    }
    if (!cJSON_IsString(v))
        return;
    parsed = otlp_json_parse(v->valuestring, strlen(v->valuestring), &too_deep);
    if (too_deep)
        otlp_note_warn(c->notes,
                       "%s holds JSON nested deeper than %d "
                       "levels; ignored",
                       key, OTLP_MAX_EMBED_DEPTH);
    else if (parsed)
        msg_add_json(c, parsed);
    else if (text_ok)
        msg_add_text(c, c->role, v->valuestring);
    cJSON_Delete(parsed);
}

/* ---- flattened keys: KEY.0.role, KEY.0.tool_calls.1.name, ... ---- */

static int msg_is_index(const char *s)
{
    size_t n = strspn(s, "0123456789");

    return n > 0 && n <= 9 && s[n] == '\0';
}

/* Sets root[seg0][seg1]... = value; a later key replaces an earlier one,
 * and a value in the way of a deeper key gives way to an object. */
static int msg_unflatten_put(cJSON *root, char *path, const cJSON *value)
{
    char *segs[OTLP_MAX_PATH_SEGMENTS], *p = path, *dot = NULL;
    cJSON *cur = root, *next, *item;
    int n = 0, i;

    for (; n < OTLP_MAX_PATH_SEGMENTS; p = dot + 1) {
        segs[n++] = p;
        dot = strchr(p, '.');
        if (!dot)
            break;
        *dot = '\0';
    }
    if (dot || !msg_is_index(segs[0]))
        return 0; /* too deep, or not KEY.N...: not a message key */
    for (i = 0; i < n - 1; i++) {
        next = GET(cur, segs[i]);
        if (!cJSON_IsObject(next)) {
            cJSON_DeleteItemFromObjectCaseSensitive(cur, segs[i]);
            next = cJSON_AddObjectToObject(cur, segs[i]);
            if (!next)
                return -1;
        }
        cur = next;
    }
    item = cJSON_Duplicate(value, 1);
    if (!item)
        return -1;
    if (GET(cur, segs[n - 1]))
        return cJSON_ReplaceItemInObjectCaseSensitive(cur, segs[n - 1], item)
                   ? 0
                   : -1;
    return cJSON_AddItemToObject(cur, segs[n - 1], item) ? 0 : -1;
}

static int msg_index_cmp(const void *a, const void *b)
{
    long x = strtol((*(cJSON *const *)a)->string, NULL, 10);
    long y = strtol((*(cJSON *const *)b)->string, NULL, 10);

    return (x > y) - (x < y);
}

/* Turns every object keyed 0, 1, ... into an array in index order (holes
 * closed), depth first. Returns obj, or NULL out of memory. */
static cJSON *msg_arrayify(cJSON *obj)
{
    cJSON *ch, **items = NULL, *arr;
    int n = 0, all = 1, i;

    for (ch = obj->child; ch; ch = ch->next) {
        if (cJSON_IsObject(ch) && !msg_arrayify(ch))
            return NULL;
        all = all && ch->string && msg_is_index(ch->string);
        n++;
    }
    if (!all || n == 0)
        return obj;
    items = malloc((size_t)n * sizeof(cJSON *));
    arr = cJSON_CreateArray();
    if (!items || !arr) {
        free(items);
        cJSON_Delete(arr);
        return NULL;
    }
    for (i = 0, ch = obj->child; ch; ch = ch->next)
        items[i++] = ch;
    qsort(items, (size_t)n, sizeof(cJSON *), msg_index_cmp);
    for (i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, cJSON_DetachItemViaPointer(obj, items[i]));
    free(items);
    /* obj becomes the array, so that its parent's pointer stays valid */
    obj->type =
        (obj->type & (cJSON_IsReference | cJSON_StringIsConst)) | cJSON_Array;
    obj->child = arr->child;
    arr->child = NULL;
    cJSON_Delete(arr);
    return obj;
}

static void msg_add_indexed(struct msg_ctx *c, const cJSON *a, const char *key)
{
    size_t klen = strlen(key);
    cJSON *root = cJSON_CreateObject();
    const cJSON *kv, *m;
    char *path;

    if (!root) {
        c->notes->nomem = 1;
        return;
    }
    cJSON_ArrayForEach(kv, a)
    {
        if (strncmp(kv->string, key, klen) != 0 || kv->string[klen] != '.')
            continue;
        path = strdup(kv->string + klen + 1);
        if (!path || msg_unflatten_put(root, path, kv) != 0)
            c->notes->nomem = 1;
        free(path);
    }
    if (c->notes->nomem || !msg_arrayify(root)) {
        c->notes->nomem = 1;
        cJSON_Delete(root);
        return;
    }
    cJSON_ArrayForEach(m, root)
    {
        /* OpenInference nests one level more: N.message.role. Not m =
         * inner: m is the loop's cursor, and inner has no next. */
        const cJSON *msg = GET(m, "message");

        if (!cJSON_IsObject(msg))
            msg = m;
        if (msg_is_message(msg) || GET(msg, "tool_calls"))
            msg_add(c, msg);
    }
    cJSON_Delete(root);
}

/* ---- Vercel AI SDK: ai.response.text, .object and .toolCalls ---- */

static cJSON *msg_vercel_calls(const cJSON *v)
{
    cJSON *calls = NULL, *c;
    int too_deep;

    if (cJSON_IsString(v))
        calls =
            otlp_json_parse(v->valuestring, strlen(v->valuestring), &too_deep);
    else if (cJSON_IsArray(v))
        calls = cJSON_Duplicate(v, 1);
    if (!cJSON_IsArray(calls)) {
        cJSON_Delete(calls);
        return NULL;
    }
    cJSON_ArrayForEach(c, calls) /* v4 writes no "type" */
    {
        if (cJSON_IsObject(c) && !GET(c, "type"))
            cJSON_AddStringToObject(c, "type", "tool-call");
    }
    return calls;
}

static int msg_vercel_text(cJSON *content, const cJSON *v)
{
    cJSON *part;

    if (!cJSON_IsString(v) || !v->valuestring[0])
        return 0;
    part = cJSON_CreateObject();
    if (!part || !cJSON_AddStringToObject(part, "type", "text") ||
        !cJSON_AddStringToObject(part, "text", v->valuestring)) {
        cJSON_Delete(part);
        return -1;
    }
    cJSON_AddItemToArray(content, part);
    return 0;
}

/* One assistant message combining the three attributes. */
static void msg_add_vercel(struct msg_ctx *c, const cJSON *a)
{
    cJSON *msg = cJSON_CreateObject(), *content = cJSON_CreateArray();
    cJSON *calls = msg_vercel_calls(GET(a, "ai.response.toolCalls")), *tc;

    if (!msg || !content ||
        !cJSON_AddStringToObject(msg, "role", "assistant") ||
        msg_vercel_text(content, GET(a, "ai.response.text")) != 0 ||
        msg_vercel_text(content, GET(a, "ai.response.object")) != 0) {
        c->notes->nomem = 1;
        goto done;
    }
    while (calls && calls->child) {
        tc = cJSON_DetachItemViaPointer(calls, calls->child);
        cJSON_AddItemToArray(content, tc);
    }
    cJSON_AddItemToObject(msg, "content", content);
    content = NULL;
    msg_add(c, msg);
done:
    cJSON_Delete(calls);
    cJSON_Delete(content);
    cJSON_Delete(msg);
}

/* ---- span events, one source in their order ---- */

static void msg_add_event(struct msg_ctx *c, const char *name,
                          const cJSON *attrs)
{
    static const char *const roles[][2] = {
        {"gen_ai.system.message", "system"},
        {"gen_ai.user.message", "user"},
        {"gen_ai.assistant.message", "assistant"},
        {"gen_ai.tool.message", "tool"},
    };
    const cJSON *content = GET(attrs, "content");
    size_t k;

    if (!c->output && strcmp(name, "gen_ai.content.prompt") == 0)
        msg_add_value(c, GET(attrs, "gen_ai.prompt"), name, 1);
    if (c->output && strcmp(name, "gen_ai.content.completion") == 0)
        msg_add_value(c, GET(attrs, "gen_ai.completion"), name, 1);
    if (c->output && strcmp(name, "gen_ai.choice") == 0)
        msg_add_value(c, GET(attrs, "message"), name, 1);
    for (k = 0; !c->output && k < sizeof(roles) / sizeof(roles[0]); k++)
        if (strcmp(name, roles[k][0]) == 0 && cJSON_IsString(content))
            msg_add_text(c, roles[k][1], content->valuestring);
}

static void msg_add_events(struct msg_ctx *c, const cJSON *events)
{
    const cJSON *ev, *name;

    cJSON_ArrayForEach(ev, events)
    {
        name = GET(ev, "name");
        if (cJSON_IsString(name))
            msg_add_event(c, name->valuestring, GET(ev, "attributes"));
    }
}

/* ---- the sources in order ---- */

static const struct msg_source msg_inputs[] = {
    {SRC_JSON, "gen_ai.input.messages"},   {SRC_TEXT, "gen_ai.prompt"},
    {SRC_JSON, "gen_ai.request.messages"}, {SRC_JSON, "ai.prompt.messages"},
    {SRC_INDEXED, "gen_ai.prompt"},        {SRC_INDEXED, "llm.input_messages"},
    {SRC_INDEXED, "llm.prompts"},          {SRC_EVENTS, NULL},
};

static const struct msg_source msg_outputs[] = {
    {SRC_JSON, "gen_ai.output.messages"},
    {SRC_TEXT, "gen_ai.completion"},
    {SRC_JSON, "gen_ai.response.messages"},
    {SRC_INDEXED, "gen_ai.completion"},
    {SRC_INDEXED, "llm.output_messages"},
    {SRC_JSON, "llm.completions"},
    {SRC_INDEXED, "llm.completions"},
    {SRC_VERCEL, NULL},
    {SRC_EVENTS, NULL},
};

static void msg_add_source(struct msg_ctx *c, const struct msg_source *src,
                           const cJSON *a, const cJSON *events)
{
    switch (src->kind) {
    case SRC_JSON:
    case SRC_TEXT:
        msg_add_value(c, GET(a, src->key), src->key, src->kind == SRC_TEXT);
        break;
    case SRC_INDEXED: msg_add_indexed(c, a, src->key); break;
    case SRC_VERCEL: msg_add_vercel(c, a); break;
    case SRC_EVENTS: msg_add_events(c, events); break;
    }
}

/* Fills c->out from the first source that gives a message. */
static cJSON *msg_first(struct msg_ctx *c, const struct msg_source *srcs,
                        size_t n, const cJSON *a, const cJSON *events)
{
    size_t k;

    for (k = 0; k < n && cJSON_GetArraySize(c->out) == 0; k++)
        msg_add_source(c, &srcs[k], a, events);
    if (c->notes->nomem) {
        cJSON_Delete(c->out);
        return NULL;
    }
    return c->out;
}

/* The first given of gen_ai.system.instructions, gen_ai.system_instructions
 * (OpenTelemetry's registry spells it so), gen_ai.request.system. */
static const char *const SYSTEM_KEYS[] = {
    "gen_ai.system.instructions",
    "gen_ai.system_instructions",
    "gen_ai.request.system",
};

static const cJSON *system_instructions(const cJSON *a)
{
    const cJSON *v = NULL;
    size_t i;

    for (i = 0; i < sizeof(SYSTEM_KEYS) / sizeof(SYSTEM_KEYS[0]); i++) {
        v = GET(a, SYSTEM_KEYS[i]);
        if (v && !(cJSON_IsString(v) && !v->valuestring[0]))
            return v;
    }
    return v;
}

/* The system instructions: parts, or text. */
static void msg_add_system(struct msg_ctx *c, const cJSON *a)
{
    const cJSON *v = system_instructions(a);
    cJSON *parsed = NULL, *msg = cJSON_CreateObject();
    int too_deep;

    if (cJSON_IsString(v)) {
        parsed =
            otlp_json_parse(v->valuestring, strlen(v->valuestring), &too_deep);
        if (too_deep) {
            otlp_note_warn(c->notes,
                           "the system instructions hold JSON nested "
                           "deeper than %d levels; ignored",
                           OTLP_MAX_EMBED_DEPTH);
            v = NULL;
        }
    }
    c->role = "system"; /* for a message that names no role */
    if (parsed && msg_is_message(parsed))
        msg_add(c, parsed);
    else if (msg && (parsed || cJSON_IsArray(v) || cJSON_IsString(v)) &&
             cJSON_AddStringToObject(msg, "role", "system") &&
             cJSON_AddItemReferenceToObject(msg, "content",
                                            parsed ? parsed : (cJSON *)v))
        msg_add(c, msg);
    c->role = "user";
    cJSON_Delete(msg);
    cJSON_Delete(parsed);
}

cJSON *otlp_input_messages(const cJSON *attrs, const cJSON *events,
                           cJSON *calls, struct otlp_notes *notes)
{
    struct msg_ctx c = {"user", 0, calls, notes, cJSON_CreateArray()};
    cJSON *system;

    if (!c.out)
        return NULL;
    msg_add_system(&c, attrs);
    if (cJSON_GetArraySize(c.out) == 0)
        return msg_first(&c, msg_inputs,
                         sizeof(msg_inputs) / sizeof(msg_inputs[0]), attrs,
                         events);
    /* the system message goes first, whatever the source gives */
    system = cJSON_DetachItemFromArray(c.out, 0);
    if (!msg_first(&c, msg_inputs, sizeof(msg_inputs) / sizeof(msg_inputs[0]),
                   attrs, events)) {
        cJSON_Delete(system);
        return NULL;
    }
    cJSON_InsertItemInArray(c.out, 0, system);
    return c.out;
}

cJSON *otlp_output_messages(const cJSON *attrs, const cJSON *events,
                            cJSON *calls, struct otlp_notes *notes)
{
    struct msg_ctx c = {"assistant", 1, calls, notes, cJSON_CreateArray()};

    if (!c.out)
        return NULL;
    return msg_first(&c, msg_outputs,
                     sizeof(msg_outputs) / sizeof(msg_outputs[0]), attrs,
                     events);
}

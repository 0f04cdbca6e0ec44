/* export/request.c: option values into a validated export request: keys
 * and UUIDs lowercased, times parsed, lists kept as JSON arrays, mode
 * conflicts refused. Knows the request; nothing of SQL or output. */
#include "export/request.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hex.h"
#include "util/time.h"

void export_args_init(struct export_args *a)
{
    memset(a, 0, sizeof(*a));
    a->format = "csv";
    a->req.from_ns = INT64_MIN;
    a->req.to_ns = INT64_MAX;
    a->req.cutoff_seq = INT64_MAX;
    a->commits = cJSON_CreateArray();
    a->experiments = cJSON_CreateArray();
    a->test_deployments = cJSON_CreateArray();
    a->except_keys = cJSON_CreateArray();
    a->only_keys = cJSON_CreateArray();
    a->conversations = cJSON_CreateArray();
    a->notify = cJSON_CreateArray();
}

void export_args_free(struct export_args *a)
{
    size_t i;

    cJSON_Delete(a->commits);
    cJSON_Delete(a->experiments);
    cJSON_Delete(a->test_deployments);
    cJSON_Delete(a->except_keys);
    cJSON_Delete(a->only_keys);
    cJSON_Delete(a->conversations);
    cJSON_Delete(a->notify);
    for (i = 0; i < sizeof(a->json) / sizeof(a->json[0]); i++)
        cJSON_free(a->json[i]);
    for (i = 0; i < a->n_options; i++)
        free(a->option_text[i]);
    free(a->document);
}

static int add_lower(cJSON *list, const char *v, size_t len)
{
    char buf[64];
    size_t i;

    for (i = 0; i < len && i < sizeof(buf) - 1; i++)
        buf[i] = (char)(v[i] >= 'A' && v[i] <= 'Z' ? v[i] + 32 : v[i]);
    buf[i] = '\0';
    return cJSON_AddItemToArray(list, cJSON_CreateString(buf)) ? 0 : -1;
}

/* TRACE_ID:SPAN_ID: 32 hex, a colon, 16 hex. */
static int add_key(cJSON *list, const char *v, size_t len, struct sp_err *err)
{
    char shown[61];
    size_t i;

    if (len == 49 && v[32] == ':' && sp_hex_is_valid(v, 32) &&
        sp_hex_is_valid(v + 33, 16))
        return add_lower(list, v, len);
    for (i = 0; i < len && i < sizeof(shown) - 1; i++) /* never raw bytes */
        shown[i] = v[i] >= 0x20 && v[i] < 0x7f ? v[i] : '?';
    shown[i] = '\0';
    return sp_err_set(err, SP_EUSAGE,
                      "\"%s\" is not a span key TRACE_ID:SPAN_ID (32 and 16 "
                      "hex digits)",
                      shown);
}

static int add_uuid(cJSON *list, const char *opt, const char *v,
                    struct sp_err *err)
{
    if (!sp_uuid_is_valid(v, strlen(v)))
        return sp_err_set(err, SP_EUSAGE, "%s \"%.60s\" is not a UUID", opt, v);
    return add_lower(list, v, strlen(v));
}

static int parse_i64(const char *opt, const char *v, int64_t *out,
                     struct sp_err *err)
{
    char *end;
    long long n;

    errno = 0;
    n = strtoll(v, &end, 10);
    if (*v == '\0' || *end != '\0' || errno != 0)
        return sp_err_set(err, SP_EUSAGE, "%s \"%.60s\" is not an integer", opt,
                          v);
    *out = n;
    return 0;
}

/* Workspace, project and test deployment ids: Latitude's serials, from 1
 * (import --workspace takes the same). */
static int parse_id(const char *opt, const char *v, int64_t *out,
                    struct sp_err *err)
{
    if (parse_i64(opt, v, out, err) != 0)
        return -1;
    if (*out < 1)
        return sp_err_set(err, SP_EUSAGE,
                          "%s \"%.60s\" is not a positive integer", opt, v);
    return 0;
}

static int parse_time(const char *opt, const char *v, int flags, int64_t *ns,
                      struct sp_err *err)
{
    if (sp_time_parse(v, strlen(v), SP_TIME_EPOCH_MS | flags, ns) != 0)
        return sp_err_set(err, SP_EUSAGE,
                          "%s \"%.60s\" is not a time (2026-01-15, "
                          "2026-01-15T10:00:00Z, an offset like +02:00, or "
                          "epoch milliseconds)",
                          opt, v);
    return 0;
}

/* NAME=VALUE or NAME; the text is copied, so the value may come from a
 * buffer the caller reuses. */
static int add_option(struct export_args *a, const char *v, struct sp_err *err)
{
    char *text, *eq;

    if (a->n_options == REQUEST_MAX_OPTIONS)
        return sp_err_set(err, SP_EUSAGE, "too many --option values");
    if (*v == '\0' || *v == '=')
        return sp_err_set(err, SP_EUSAGE, "--option needs NAME or NAME=VALUE");
    text = strdup(v);
    if (!text)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    eq = strchr(text, '=');
    if (eq)
        *eq = '\0';
    a->option_text[a->n_options] = text;
    a->options[a->n_options].name = text;
    a->options[a->n_options++].value = eq ? eq + 1 : "";
    return 0;
}

static int add_test_deployment(struct export_args *a, const char *v,
                               struct sp_err *err)
{
    int64_t n;

    if (parse_id("--test-deployment", v, &n, err) != 0)
        return -1;
    return cJSON_AddItemToArray(a->test_deployments,
                                cJSON_CreateNumber((double)n))
               ? 0
               : sp_err_set(err, SP_ENOMEM, "out of memory");
}

static int set_rows(struct export_args *a, const char *v, struct sp_err *err)
{
    if (strcmp(v, "prompt") == 0)
        a->req.rows = ROWS_PROMPT;
    else if (strcmp(v, "trace") == 0)
        a->req.rows = ROWS_TRACE;
    else if (strcmp(v, "completion") == 0)
        a->req.rows = ROWS_COMPLETION;
    else
        return sp_err_set(err, SP_EUSAGE,
                          "--rows takes prompt, trace or completion, not "
                          "\"%.40s\"",
                          v);
    return 0;
}

static int set_document(struct export_args *a, const char *v,
                        struct sp_err *err)
{
    size_t i;

    if (!sp_uuid_is_valid(v, strlen(v)))
        return sp_err_set(err, SP_EUSAGE, "--document \"%.60s\" is not a UUID",
                          v);
    free(a->document);
    a->document = strdup(v);
    if (!a->document)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    for (i = 0; a->document[i]; i++)
        if (a->document[i] >= 'A' && a->document[i] <= 'Z')
            a->document[i] = (char)(a->document[i] + 32);
    return 0;
}

/* PLUGIN:TARGET; the plugin checks the target when the export starts. */
static int add_notify(struct export_args *a, const char *v, struct sp_err *err)
{
    const char *colon = strchr(v, ':');

    if (!colon || colon == v || !colon[1])
        return sp_err_set(err, SP_EUSAGE,
                          "--notify takes PLUGIN:TARGET (smtp:a@b.org, "
                          "webhook:https://host/path), not \"%.60s\"",
                          v);
    return cJSON_AddItemToArray(a->notify, cJSON_CreateString(v))
               ? 0
               : sp_err_set(err, SP_ENOMEM, "out of memory");
}

int export_args_add(struct export_args *a, int code, const char *v,
                    struct sp_err *err)
{
    switch (code) {
    case 'W':
        a->has_workspace = 1;
        return parse_id("--workspace", v, &a->req.workspace_id, err);
    case 'P':
        a->req.has_project = 1;
        return parse_id("--project", v, &a->req.project_id, err);
    case 'D': return set_document(a, v, err);
    case 'c': return add_uuid(a->commits, "--commit", v, err);
    case 'e': return add_uuid(a->experiments, "--experiment", v, err);
    case 't': return add_test_deployment(a, v, err);
    case 'F': return parse_time("--from", v, 0, &a->req.from_ns, err);
    case 'T':
        return parse_time("--to", v, SP_TIME_END_OF_DAY, &a->req.to_ns, err);
    case 'a': a->all = 1; return 0;
    case 'x':
        a->has_except = 1;
        return add_key(a->except_keys, v, strlen(v), err);
    case 'X':
        a->has_except = 1;
        return request_read_key_file(v, a->except_keys, err);
    case 'y': a->has_only = 1; return add_key(a->only_keys, v, strlen(v), err);
    case 'Y':
        a->has_only = 1;
        return request_read_key_file(v, a->only_keys, err);
    case 'C':
        a->has_only = 1;
        return add_uuid(a->conversations, "--conversation", v, err);
    case 'r': return set_rows(a, v, err);
    case 'f': a->format = v; return 0;
    case 'O': return add_option(a, v, err);
    case 'o': a->output = v; return 0;
    case 'w': a->wait = 1; return 0;
    case 'N': return add_notify(a, v, err);
    case 'S': {
        int64_t n;

        if (parse_i64("--page-size", v, &n, err) != 0 || n < 1 ||
            n > EXPORT_PAGE_SIZE)
            return sp_err_set(err, SP_EUSAGE, "--page-size takes 1 to %d",
                              EXPORT_PAGE_SIZE);
        a->req.page_size = (int)n;
        return 0;
    }
    }
    return sp_err_set(err, SP_EUSAGE, "bad option");
}

int request_read_key_file(const char *path, cJSON *list, struct sp_err *err)
{
    FILE *fp = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    unsigned long lineno = 0;
    int rc = 0;

    if (!fp)
        return sp_err_set(err, SP_EUSAGE, "%s: %s", path, strerror(errno));
    while (rc == 0 && (n = getline(&line, &cap, fp)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' ||
                         line[n - 1] == ' ' || line[n - 1] == '\t'))
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        if (add_key(list, line, (size_t)n, err) != 0) {
            sp_err_prefix(err, "%s:%lu", path, lineno);
            rc = -1;
        }
    }
    if (rc == 0 && ferror(fp))
        rc = sp_err_set(err, SP_EUSAGE, "%s: %s", path, strerror(errno));
    free(line);
    fclose(fp);
    return rc;
}

static const char *print_list(struct export_args *a, int slot, cJSON *list)
{
    if (cJSON_GetArraySize(list) == 0)
        return NULL;
    a->json[slot] = cJSON_PrintUnformatted(list);
    return a->json[slot];
}

int export_args_finish(struct export_args *a, struct sp_err *err)
{
    if (a->has_except && a->has_only)
        return sp_err_set(err, SP_EUSAGE,
                          "--except cannot be combined with --only or "
                          "--conversation");
    if (a->all && (a->has_except || a->has_only))
        return sp_err_set(err, SP_EUSAGE,
                          "--all cannot be combined with --except, --only "
                          "or --conversation");
    if (a->req.from_ns > a->req.to_ns)
        return sp_err_set(err, SP_EUSAGE, "--from is after --to");
    /* An --only-file with no key selects nothing, not everything. */
    a->req.mode = a->has_except ? EXPORT_ALL_EXCEPT
                  : a->has_only ? EXPORT_PARTIAL
                                : EXPORT_ALL;
    a->req.document_uuid = a->document;
    a->req.commits_json = print_list(a, 0, a->commits);
    a->req.experiments_json = print_list(a, 1, a->experiments);
    a->req.test_deployments_json = print_list(a, 2, a->test_deployments);
    a->req.keys_json =
        print_list(a, 3, a->has_except ? a->except_keys : a->only_keys);
    a->req.conversations_json = print_list(a, 4, a->conversations);
    return 0;
}

static const char *const mode_names[] = {"all", "all_except", "partial"};

static void add_i64_string(cJSON *o, const char *key, int64_t v)
{
    char text[24];

    snprintf(text, sizeof(text), "%lld", (long long)v);
    cJSON_AddStringToObject(o, key, text);
}

static void add_list(cJSON *o, const char *key, const cJSON *list)
{
    cJSON_AddItemToObject(o, key, cJSON_Duplicate(list, 1));
}

char *request_to_json(const struct export_args *a)
{
    const struct export_request *r = &a->req;
    cJSON *o = cJSON_CreateObject(), *opts = cJSON_CreateArray();
    char *text;
    size_t i;

    add_i64_string(o, "workspace_id", r->workspace_id);
    if (r->has_project)
        add_i64_string(o, "project_id", r->project_id);
    if (r->document_uuid)
        cJSON_AddStringToObject(o, "document", r->document_uuid);
    add_list(o, "commits", a->commits);
    add_list(o, "experiments", a->experiments);
    add_list(o, "test_deployments", a->test_deployments);
    add_i64_string(o, "from_ns", r->from_ns);
    add_i64_string(o, "to_ns", r->to_ns);
    cJSON_AddStringToObject(o, "mode", mode_names[r->mode]);
    add_list(o, "keys",
             r->mode == EXPORT_ALL_EXCEPT ? a->except_keys : a->only_keys);
    add_list(o, "conversations", a->conversations);
    cJSON_AddStringToObject(o, "rows", export_rows_name(r->rows));
    cJSON_AddStringToObject(o, "format", a->format);
    for (i = 0; i < a->n_options; i++) {
        cJSON *pair = cJSON_CreateObject();

        cJSON_AddStringToObject(pair, "name", a->options[i].name);
        cJSON_AddStringToObject(pair, "value", a->options[i].value);
        cJSON_AddItemToArray(opts, pair);
    }
    cJSON_AddItemToObject(o, "options", opts);
    add_list(o, "notify", a->notify);
    if (r->page_size)
        cJSON_AddNumberToObject(o, "page_size", r->page_size);
    text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

/* Replays a list through export_args_add, so a stored request passes the
 * same checks as the command line did. */
static int replay_list(struct export_args *a, const cJSON *o, const char *key,
                       int code, struct sp_err *err)
{
    const cJSON *item;
    char num[32];

    cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(o, key))
    {
        const char *v = item->valuestring;

        if (cJSON_IsNumber(item)) {
            snprintf(num, sizeof(num), "%.0f", item->valuedouble);
            v = num;
        }
        if (!v || export_args_add(a, code, v, err) != 0)
            return -1;
    }
    return 0;
}

static int replay_string(struct export_args *a, const cJSON *o, const char *key,
                         int code, struct sp_err *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    if (!v || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsString(v))
        return sp_err_set(err, SP_EUSAGE, "request: %s is not a string", key);
    return export_args_add(a, code, v->valuestring, err);
}

static int replay_options(struct export_args *a, const cJSON *o,
                          struct sp_err *err)
{
    const cJSON *pair;
    char text[512];

    cJSON_ArrayForEach(pair, cJSON_GetObjectItemCaseSensitive(o, "options"))
    {
        const char *name = cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(pair, "name"));
        const char *value = cJSON_GetStringValue(
            cJSON_GetObjectItemCaseSensitive(pair, "value"));

        if (!name || !value)
            return sp_err_set(err, SP_EUSAGE, "request: bad option");
        snprintf(text, sizeof(text), "%s=%s", name, value);
        if (export_args_add(a, 'O', text, err) != 0)
            return -1;
    }
    return 0;
}

static int replay(struct export_args *a, const cJSON *o, struct sp_err *err)
{
    const char *mode =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "mode"));
    const cJSON *ps = cJSON_GetObjectItemCaseSensitive(o, "page_size");
    int keys_code = mode && !strcmp(mode, "all_except") ? 'x' : 'y';

    if (replay_string(a, o, "workspace_id", 'W', err) != 0 ||
        replay_string(a, o, "project_id", 'P', err) != 0 ||
        replay_string(a, o, "document", 'D', err) != 0 ||
        replay_list(a, o, "commits", 'c', err) != 0 ||
        replay_list(a, o, "experiments", 'e', err) != 0 ||
        replay_list(a, o, "test_deployments", 't', err) != 0 ||
        replay_list(a, o, "keys", keys_code, err) != 0 ||
        replay_list(a, o, "conversations", 'C', err) != 0 ||
        replay_string(a, o, "rows", 'r', err) != 0 ||
        replay_options(a, o, err) != 0 ||
        replay_list(a, o, "notify", 'N', err) != 0)
        return -1;
    a->format = NULL; /* set by the caller from its own copy */
    if (cJSON_IsNumber(ps))
        a->req.page_size = (int)ps->valuedouble;
    if (mode && !strcmp(mode, "all"))
        a->all = 1;
    return 0;
}

static int read_ns(const cJSON *o, const char *key, int64_t *ns)
{
    const char *v =
        cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    char *end;

    if (!v)
        return 0;
    *ns = strtoll(v, &end, 10);
    return *end == '\0' ? 0 : -1;
}

int request_from_json(const char *json, struct export_args *a,
                      struct sp_err *err)
{
    cJSON *o = cJSON_Parse(json);
    int rc = -1;

    if (!cJSON_IsObject(o)) {
        sp_err_set(err, SP_EUSAGE, "the stored request is not JSON");
        goto done;
    }
    if (replay(a, o, err) != 0)
        goto done;
    if (read_ns(o, "from_ns", &a->req.from_ns) != 0 ||
        read_ns(o, "to_ns", &a->req.to_ns) != 0) {
        sp_err_set(err, SP_EUSAGE, "the stored request has a bad time");
        goto done;
    }
    rc = export_args_finish(a, err);
done:
    cJSON_Delete(o);
    return rc;
}

/* cmd_exports.c: `spanport exports list|show|cancel|retry|prune`: the
 * export records of the store, as text or --json. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "export/record.h"
#include "jobs.h"
#include "notify.h"
#include "util/jsonw.h"
#include "util/time.h"

static const char EXPORTS_HELP[] =
    "usage: spanport exports list\n"
    "       spanport exports show UUID\n"
    "       spanport exports cancel UUID\n"
    "       spanport exports retry UUID\n"
    "       spanport exports prune [--older-than DURATION]\n"
    "\n"
    "Export records: state, rows, file, SHA-256, and why one failed.\n"
    "DURATION is a number with s, m, h or d (default 30d); prune removes\n"
    "finished records created before then, and their files.\n";

static int list_text(void *arg, const struct export_record *r)
{
    char created[SP_TIME_RFC3339_LEN];

    (void)arg;
    sp_time_format_rfc3339(r->created_at_ns, created);
    printf("%s  %-9s %-7s %8lld rows  %.19sZ  %s\n", r->uuid, r->state,
           r->format, (long long)(r->rows < 0 ? 0 : r->rows), created, r->path);
    return 0;
}

struct listing {
    struct store *st;
    cJSON *list;
};

/* The record with its deliveries, as cli.md's `exports --json`. */
static cJSON *export_json(struct store *st, const struct export_record *r)
{
    cJSON *o = record_to_json(r);

    cJSON_AddItemToObject(o, "deliveries", notify_deliveries_json(st, r->uuid));
    return o;
}

static int list_json(void *arg, const struct export_record *r)
{
    struct listing *l = arg;

    cJSON_AddItemToArray(l->list, export_json(l->st, r));
    return 0;
}

static int do_list(struct cli *cli, struct store *st)
{
    struct sp_err err = {0};
    struct listing l = {st, cli->json ? cJSON_CreateArray() : NULL};
    int rc = record_each(st, cli->json ? list_json : list_text, &l, &err);

    if (rc != 0) {
        cJSON_Delete(l.list);
        return cli_fail(&err);
    }
    return cli->json ? cli_print_json(l.list) : 0;
}

static void show_deliveries(const cJSON *list)
{
    const cJSON *d;

    cJSON_ArrayForEach(d, list)
    {
        const char *e = cJSON_GetStringValue(cJSON_GetObjectItem(d, "error"));

        printf("%-12s %s:%s %s after %.0f attempt(s)%s%s\n", "delivery",
               cJSON_GetStringValue(cJSON_GetObjectItem(d, "plugin")),
               cJSON_GetStringValue(cJSON_GetObjectItem(d, "target")),
               cJSON_GetStringValue(cJSON_GetObjectItem(d, "state")),
               cJSON_GetObjectItem(d, "attempts")->valuedouble, e ? ": " : "",
               e ? e : "");
    }
}

static void show_text(const cJSON *o)
{
    const cJSON *item;

    cJSON_ArrayForEach(item, o)
    {
        if (cJSON_IsString(item))
            printf("%-12s %s\n", item->string, item->valuestring);
        else if (cJSON_IsNumber(item))
            printf("%-12s %.0f\n", item->string, item->valuedouble);
        else if (cJSON_IsArray(item) && !strcmp(item->string, "deliveries"))
            show_deliveries(item);
        else if (!cJSON_IsNull(item) && strcmp(item->string, "request")) {
            char *text = cJSON_PrintUnformatted(item);

            printf("%-12s %s\n", item->string, text ? text : "");
            cJSON_free(text);
        }
    }
}

static int do_show(struct cli *cli, struct store *st, const char *uuid)
{
    struct export_record r;
    struct sp_err err = {0};
    cJSON *o;

    if (record_load(st, uuid, &r, &err) != 0)
        return cli_fail(&err);
    o = export_json(st, &r);
    record_free(&r);
    if (cli->json)
        return cli_print_json(o);
    show_text(o);
    cJSON_Delete(o);
    return 0;
}

static int requeue(struct store *st, const char *uuid, struct sp_err *err)
{
    if (store_begin(st, err) != 0)
        return -1;
    if (jobs_requeue(st, "export", uuid, err) != 0 ||
        record_requeue(st, uuid, err) != 0) {
        store_rollback(st);
        return -1;
    }
    return store_commit(st, err);
}

/* cancel and retry: a state change of the record and its job together. */
static int change(struct cli *cli, struct store *st, const char *uuid,
                  int retry)
{
    struct export_record r;
    struct sp_err err = {0};
    int active;

    if (record_load(st, uuid, &r, &err) != 0)
        return cli_fail(&err);
    active = !strcmp(r.state, "queued") || !strcmp(r.state, "running");
    if (retry ? active || !strcmp(r.state, "ready") : !active) {
        sp_err_set(&err, SP_EUSAGE, "export %s is %s; only %s", r.uuid, r.state,
                   retry ? "failed or cancelled exports can be retried"
                         : "queued or running exports can be cancelled");
        record_free(&r);
        return cli_fail(&err);
    }
    if (retry ? requeue(st, r.uuid, &err) : record_cancel(st, r.uuid, &err)) {
        record_free(&r);
        return cli_fail(&err);
    }
    record_free(&r);
    if (cli->json)
        return do_show(cli, st, uuid);
    printf("%s %s\n", uuid, retry ? "queued" : "cancelled");
    return 0;
}

/* "30d", "12h", "15m", "90s" or plain seconds. */
static int parse_duration(const char *s, int64_t *ns)
{
    char *end;
    double n = strtod(s, &end);
    double unit = 1;

    if (end == s || n < 0)
        return -1;
    if (*end == 'd')
        unit = 86400;
    else if (*end == 'h')
        unit = 3600;
    else if (*end == 'm')
        unit = 60;
    else if (*end != 's' && *end != '\0')
        return -1;
    if (*end && end[1])
        return -1;
    *ns = (int64_t)(n * unit * 1e9);
    return 0;
}

static int do_prune(struct cli *cli, struct store *st, int argc, char **argv)
{
    struct sp_err err = {0};
    int64_t age = 30LL * 86400 * 1000000000LL, n = 0;

    if (argc == 2 && !strcmp(argv[0], "--older-than")) {
        if (parse_duration(argv[1], &age) != 0)
            return cli_usage("exports", "--older-than takes 30d, 12h, 15m, "
                                        "90s or seconds");
    } else if (argc == 1 && !strncmp(argv[0], "--older-than=", 13)) {
        if (parse_duration(argv[0] + 13, &age) != 0)
            return cli_usage("exports", "--older-than takes 30d, 12h, 15m, "
                                        "90s or seconds");
    } else if (argc != 0) {
        return cli_usage("exports", "prune takes only --older-than");
    }
    if (record_prune(st, sp_time_now_ns() - age, &n, &err) != 0)
        return cli_fail(&err);
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();

        jsonw_add_int(o, "pruned", n);
        return cli_print_json(o);
    }
    printf("pruned %lld export%s\n", (long long)n, n == 1 ? "" : "s");
    return 0;
}

static int dispatch(struct cli *cli, struct store *st, int argc, char **argv)
{
    const char *verb = argv[1];

    if (!strcmp(verb, "list"))
        return argc == 2 ? do_list(cli, st)
                         : cli_usage("exports", "list takes no argument");
    if (!strcmp(verb, "prune"))
        return do_prune(cli, st, argc - 2, argv + 2);
    if (strcmp(verb, "show") && strcmp(verb, "cancel") && strcmp(verb, "retry"))
        return cli_usage("exports",
                         "unknown action \"%s\"; the actions are list, "
                         "show, cancel, retry and prune",
                         verb);
    if (argc != 3)
        return cli_usage("exports", "%s takes one UUID", verb);
    if (!strcmp(verb, "show"))
        return do_show(cli, st, argv[2]);
    if (!strcmp(verb, "cancel"))
        return change(cli, st, argv[2], 0);
    return change(cli, st, argv[2], 1); /* retry */
}

int cmd_exports(struct cli *cli, int argc, char **argv)
{
    struct store *st = NULL;
    int rc, i;

    if (argc < 2) {
        fputs(EXPORTS_HELP, stderr);
        return 2;
    }
    for (i = 1; i < argc; i++) /* `exports --help`, `exports list -h` */
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(EXPORTS_HELP, stdout);
            return 0;
        }
    if ((rc = cli_open_store(cli, &st, STORE_MUST_EXIST)) != 0)
        return rc;
    rc = dispatch(cli, st, argc, argv);
    store_close(st);
    return rc;
}

/* cmd_export.c: `spanport export`: options into an export request, the
 * route (sync or async, export.md §3), the run and its summary. Knows the
 * request and the export runner; nothing of SQL or file formats. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "export/request.h"
#include "export/run.h"
#include "export/select.h"
#include "util/hex.h"

static const char EXPORT_HELP[] =
    "usage: spanport export [--workspace ID] [--project ID] [--document UUID]\n"
    "         [--commit UUID]... [--experiment UUID]... [--test-deployment ID]...\n"
    "         [--from TIME] [--to TIME]\n"
    "         [--all | --except KEY... | --only KEY...] [--except-file F]\n"
    "         [--only-file F] [--conversation UUID]...\n"
    "         [--rows prompt|trace|completion] [--format csv|ndjson|PLUGIN]\n"
    "         [--option NAME=VALUE]... [-o PATH] [--wait]\n"
    "\n"
    "Exports one row per prompt span (or per root span, or per completion\n"
    "with --rows) by Latitude's rules. KEY is TRACE_ID:SPAN_ID. TIME is\n"
    "2026-01-15, 2026-01-15T10:00:00Z, ...+02:00, or epoch milliseconds;\n"
    "UTC unless an offset is given; both bounds are inclusive.\n"
    "A partial selection of at most 25 prompt spans is written at once to\n"
    "-o PATH or standard output; anything larger is an export job whose\n"
    "file goes to -o PATH or exports/<uuid>.<ext> beside the store.\n";

static int parse_args(int argc, char **argv, struct export_args *a)
{
    static const struct option longopts[] = {
        {"workspace", required_argument, NULL, 'W'},
        {"project", required_argument, NULL, 'P'},
        {"document", required_argument, NULL, 'D'},
        {"commit", required_argument, NULL, 'c'},
        {"experiment", required_argument, NULL, 'e'},
        {"test-deployment", required_argument, NULL, 't'},
        {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},
        {"all", no_argument, NULL, 'a'},
        {"except", required_argument, NULL, 'x'},
        {"except-file", required_argument, NULL, 'X'},
        {"only", required_argument, NULL, 'y'},
        {"only-file", required_argument, NULL, 'Y'},
        {"conversation", required_argument, NULL, 'C'},
        {"rows", required_argument, NULL, 'r'},
        {"format", required_argument, NULL, 'f'},
        {"option", required_argument, NULL, 'O'},
        {"output", required_argument, NULL, 'o'},
        {"wait", no_argument, NULL, 'w'},
        {"page-size", required_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sp_err err = {0};
    int c;

    optind = 0;
    while ((c = getopt_long(argc, argv, "+o:", longopts, NULL)) != -1) {
        if (c == 'h') {
            fputs(EXPORT_HELP, stdout);
            exit(0);
        }
        if (c == '?' || c == ':')
            return cli_usage("export", "bad option");
        if (export_args_add(a, c, optarg, &err) != 0)
            return cli_usage("export", "%s", err.msg);
    }
    if (optind < argc)
        return cli_usage("export", "unexpected argument \"%s\"",
                         argv[optind]);
    if (export_args_finish(a, &err) != 0)
        return cli_usage("export", "%s", err.msg);
    return 0;
}

static void draw_progress(void *arg, const struct export_stats *s)
{
    (void)arg;
    fprintf(stderr, "\rexporting: %llu rows from %llu spans",
            (unsigned long long)s->rows, (unsigned long long)s->considered);
}

static void print_warning(void *arg, const char *line)
{
    const struct cli *cli = arg;

    if (!cli->quiet)
        fprintf(stderr, "warning: %s\n", line);
}

static cJSON *stats_json(const struct export_stats *s, const char *path,
                         const char *uuid)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *skipped = cJSON_CreateObject();
    int i;

    if (uuid)
        cJSON_AddStringToObject(doc, "uuid", uuid);
    cJSON_AddStringToObject(doc, "path", path ? path : "-");
    cJSON_AddNumberToObject(doc, "rows", (double)s->rows);
    cJSON_AddNumberToObject(doc, "considered", (double)s->considered);
    for (i = 0; i < SKIP_COUNT; i++)
        cJSON_AddNumberToObject(skipped, export_skip_name(i),
                                (double)s->skipped[i]);
    cJSON_AddItemToObject(doc, "skipped", skipped);
    cJSON_AddNumberToObject(doc, "warnings", (double)s->warnings);
    cJSON_AddNumberToObject(doc, "bytes", (double)s->bytes);
    cJSON_AddNumberToObject(doc, "duration_ms",
                            (double)(s->duration_ns / 1000000));
    return doc;
}

static void print_summary(const struct cli *cli, const struct export_stats *s,
                          const char *path, const char *uuid, int to_stdout)
{
    uint64_t skipped = 0;
    int i;

    if (cli_progress_on(cli))
        fputc('\n', stderr);
    if (cli->json && !to_stdout) {
        cli_print_json(stats_json(s, path, uuid));
        return;
    }
    if (cli->quiet)
        return;
    for (i = 0; i < SKIP_COUNT; i++)
        skipped += s->skipped[i];
    fprintf(stderr,
            "exported %llu rows from %llu spans to %s (%llu skipped, %llu "
            "warnings)\n",
            (unsigned long long)s->rows, (unsigned long long)s->considered,
            to_stdout ? "standard output" : path, (unsigned long long)skipped,
            (unsigned long long)s->warnings);
}

/* Sync when a PARTIAL selection holds at most EXPORT_SYNC_MAX row spans of
 * the workspace, counted before the filters (export.md §3, §9). */
static int route_is_sync(struct store *st, const struct export_request *req,
                         int *is_sync, struct sp_err *err)
{
    struct select *sel = NULL;

    *is_sync = 0;
    if (req->mode != EXPORT_PARTIAL)
        return 0;
    if (select_open(&sel, st, req, err) != 0)
        return -1;
    *is_sync = select_partial_count(sel) <= EXPORT_SYNC_MAX;
    select_close(sel);
    return 0;
}

/* exports/<uuid>.<ext> beside the store. */
static char *default_path(const char *db_path, const char *uuid,
                          const char *ext)
{
    const char *slash = strrchr(db_path, '/');
    int dir_len = slash ? (int)(slash - db_path) : 1;
    const char *dir = slash ? db_path : ".";
    size_t n = strlen(db_path) + strlen(uuid) + strlen(ext) + 16;
    char *p = malloc(n);

    if (!p)
        return NULL;
    snprintf(p, n, "%.*s/exports", dir_len, dir);
    mkdir(p, 0700);
    snprintf(p, n, "%.*s/exports/%s.%s", dir_len, dir, uuid, ext);
    return p;
}

static int run_export(struct cli *cli, struct store *st,
                      struct export_args *a, struct plugin *plugin)
{
    struct export_output out = {.plugin = plugin,
                                .options = a->options,
                                .n_options = a->n_options,
                                .path = a->output,
                                .warn = print_warning,
                                .warn_arg = cli};
    struct export_stats stats;
    struct sp_err err = {0};
    char uuid[37] = "", *path = NULL;
    int is_sync, rc;

    if (export_check_output(&out, &err) != 0 ||
        route_is_sync(st, &a->req, &is_sync, &err) != 0)
        return cli_fail(&err);
    if (!is_sync && !a->output) {
        if (sp_uuid_v4(uuid) != 0 ||
            !(path = default_path(cli->db_path, uuid,
                                  plugin->d.output.extension
                                      ? plugin->d.output.extension
                                      : plugin->d.output.name)))
            return cli_fail(&(struct sp_err){SP_EFAIL, "cannot make an export UUID"});
        out.path = path;
    }
    if (cli_progress_on(cli) && out.path && strcmp(out.path, "-") != 0)
        out.progress = draw_progress;
    rc = export_run(st, &a->req, &out, &stats, &err);
    if (rc == 0 && uuid[0])
        puts(uuid);
    if (rc == 0)
        print_summary(cli, &stats, out.path, uuid[0] ? uuid : NULL,
                      !out.path || strcmp(out.path, "-") == 0);
    free(path);
    return rc == 0 ? 0 : cli_fail(&err);
}

int cmd_export(struct cli *cli, int argc, char **argv)
{
    struct export_args a;
    struct store *st = NULL;
    struct plugin *plugin = NULL;
    struct sp_err err = {0};
    int rc;

    export_args_init(&a);
    if ((rc = parse_args(argc, argv, &a)) != 0)
        goto done;
    if (plugin_open(&plugin, PLUGIN_OUTPUT, a.format, &err) != 0) {
        rc = cli_fail(&err);
        goto done;
    }
    if ((rc = cli_open_store(cli, &st, 0)) != 0)
        goto done;
    if (!a.has_workspace &&
        select_default_workspace(st, &a.req.workspace_id, &err) != 0) {
        rc = cli_fail(&err);
        goto done;
    }
    rc = run_export(cli, st, &a, plugin);
done:
    store_close(st);
    plugin_close(plugin);
    export_args_free(&a);
    return rc;
}

/* cmd_export.c: `spanport export`: options into an export request, the
 * route (sync or async, export.md §3), the run and its summary. Knows the
 * request and the export runner; nothing of SQL or file formats. */
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "export/record.h"
#include "export/request.h"
#include "export/run.h"
#include "export/select.h"
#include "export/summary.h"
#include "jobs.h"
#include "notify.h"
#include "util/hex.h"
#include "util/time.h"
#include "worker.h"

static const char EXPORT_HELP[] =
    "usage: spanport export [--workspace ID] [--project ID] [--document UUID]\n"
    "         [--commit UUID]... [--experiment UUID]... [--test-deployment "
    "ID]...\n"
    "         [--from TIME] [--to TIME]\n"
    "         [--all | --except KEY... | --only KEY...] [--except-file F]\n"
    "         [--only-file F] [--conversation UUID]...\n"
    "         [--rows prompt|trace|completion] [--format csv|ndjson|PLUGIN]\n"
    "         [--option NAME[=VALUE]]... [-o PATH]\n"
    "         [--notify PLUGIN:TARGET]... [--wait]\n"
    "\n"
    "Exports one row per prompt span (or per root span, or per completion\n"
    "with --rows) by Latitude's rules. KEY is TRACE_ID:SPAN_ID. TIME is\n"
    "2026-01-15, 2026-01-15T10:00:00Z, ...+02:00, or epoch milliseconds;\n"
    "UTC unless an offset is given; both bounds are inclusive.\n"
    "A partial selection of at most 25 prompt spans is written at once to\n"
    "-o PATH or standard output; anything larger is an export job whose\n"
    "file goes to -o PATH or exports/<uuid>.<ext> beside the store: its\n"
    "UUID is printed, and `spanport worker` runs it (--wait: run it now).\n"
    "CSV options: bom, crlf, formula-guard. --notify smtp:ADDRESS or\n"
    "webhook:URL tells of the finished export (settings in the config\n"
    "file, $SPANPORT_CONFIG).\n";

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
        {"notify", required_argument, NULL, 'N'},
        {"page-size", required_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sp_err err = {0};
    int c;

    optind = 0;
    while ((c = getopt_long(argc, argv, "+ho:", longopts, NULL)) != -1) {
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
        return cli_usage("export", "unexpected argument \"%s\"", argv[optind]);
    if (export_args_finish(a, &err) != 0)
        return cli_usage("export", "%s", err.msg);
    return 0;
}

static int draw_progress(void *arg, const struct export_stats *s,
                         struct sp_err *err)
{
    (void)arg, (void)err;
    fprintf(stderr, "\rexporting: %llu rows from %llu spans",
            (unsigned long long)s->rows, (unsigned long long)s->considered);
    return 0;
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
    cJSON *doc = export_stats_json(s);

    cJSON_AddStringToObject(doc, "path", path ? path : "-");
    if (uuid)
        cJSON_AddStringToObject(doc, "uuid", uuid);
    return doc;
}

/* Stderr: the rows, the row spans considered and skipped by reason, and
 * when no row resulted, one line that says why (the worker says the same
 * of an export job). */
static void print_summary(const struct cli *cli, struct store *st,
                          const struct export_request *req,
                          const struct export_stats *s, const char *path,
                          int to_stdout)
{
    struct sp_err err = {0};
    char counts[512], hint[768];

    if (cli_progress_on(cli))
        fputc('\n', stderr);
    if (cli->json && !to_stdout) {
        cli_print_json(stats_json(s, path, NULL));
        return;
    }
    if (cli->quiet)
        return;
    summary_counts(req, s, counts, sizeof(counts));
    fprintf(stderr, "exported %llu row%s to %s: %s\n",
            (unsigned long long)s->rows, s->rows == 1 ? "" : "s",
            to_stdout ? "standard output" : path, counts);
    if (summary_empty_hint(st, req, s, hint, sizeof(hint), &err) != 0)
        fprintf(stderr, "spanport: %s\n", err.msg);
    else if (hint[0])
        fprintf(stderr, "%s\n", hint);
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

/* An absolute path, so a worker started elsewhere writes the same file. */
static char *absolute(const char *path)
{
    char *cwd, *p;
    size_t n;

    if (path[0] == '/')
        return strdup(path);
    while (path[0] == '.' && path[1] == '/') /* cwd/./x reads as cwd/x */
        for (path += 2; path[0] == '/'; path++)
            ;
    cwd = getcwd(NULL, 0);
    if (!cwd)
        return NULL;
    n = strlen(cwd) + strlen(path) + 2;
    p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", cwd, path);
    free(cwd);
    return p;
}

/* -o PATH, or exports/<uuid>.<ext> beside the store; absolute either way. */
static char *default_path(const char *db_path, const char *output,
                          const char *uuid, const char *ext)
{
    const char *slash = strrchr(db_path, '/');
    int dir_len = slash ? (int)(slash - db_path) : 1;
    const char *dir = slash ? db_path : ".";
    size_t n = strlen(db_path) + strlen(uuid) + strlen(ext) + 16;
    char *p, *abs_path;

    if (output)
        return absolute(output);
    p = malloc(n);
    if (!p)
        return NULL;
    snprintf(p, n, "%.*s/exports", dir_len, dir);
    mkdir(p, 0700);
    snprintf(p, n, "%.*s/exports/%s.%s", dir_len, dir, uuid, ext);
    abs_path = absolute(p);
    free(p);
    return abs_path;
}

static int run_sync(struct cli *cli, struct store *st, struct export_args *a,
                    struct export_output *out)
{
    struct export_stats stats;
    struct sp_err err = {0};
    int to_stdout = !out->path || strcmp(out->path, "-") == 0;

    if (cli_progress_on(cli) && !to_stdout)
        out->tick = draw_progress;
    if (export_run(st, &a->req, out, &stats, &err) != 0)
        return cli_fail(&err);
    print_summary(cli, st, &a->req, &stats, out->path, to_stdout);
    return 0;
}

/* The record, its job (and its deliveries) in one transaction. */
static int enqueue(struct store *st, struct export_args *a,
                   struct export_record *rec, struct sp_err *err)
{
    if (store_begin(st, err) != 0)
        return -1;
    if (record_current_cutoff(st, &rec->cutoff_seq, err) != 0 ||
        record_create(st, rec, err) != 0 ||
        notify_plan(st, rec->uuid, a->notify, err) != 0 ||
        jobs_enqueue(st, "export", rec->uuid, rec->created_at_ns, NULL, err) !=
            0) {
        store_rollback(st);
        return -1;
    }
    return store_commit(st, err);
}

static void tell_queued(const struct cli *cli, const struct export_record *r,
                        const struct export_args *a)
{
    const cJSON *n;

    if (!cli->stderr_is_tty || cli->quiet)
        return;
    fprintf(stderr, "export %s queued (%s).\nThe file will appear at %s\n",
            r->uuid, r->format, r->path);
    cJSON_ArrayForEach(n, a->notify)
        fprintf(stderr, "When it is ready or fails, %s will be told.\n",
                n->valuestring);
    fprintf(stderr,
            "A worker produces it: run `spanport worker --drain` (or keep "
            "`spanport worker` running).\nFollow it with `spanport exports "
            "show %s`.\n",
            r->uuid);
}

/* The UUID on stdout (a JSON object with --json), for scripts. */
static void print_queued(const struct cli *cli, const struct export_record *r)
{
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();

        cJSON_AddStringToObject(o, "uuid", r->uuid);
        cJSON_AddStringToObject(o, "state", "queued");
        cJSON_AddStringToObject(o, "path", r->path);
        cli_print_json(o);
    } else {
        puts(r->uuid);
    }
    fflush(stdout);
}

static void wait_progress(void *arg, const struct export_stats *s)
{
    draw_progress(arg, s, NULL);
}

/* --wait also makes the first attempt of the export's notifications;
 * retries are left to a worker. */
static int deliver_now(struct store *st, struct worker *w, const char *uuid,
                       struct sp_err *err)
{
    cJSON *list = notify_deliveries_json(st, uuid);
    const cJSON *d;
    int ran, rc = 0;

    cJSON_ArrayForEach(d, list)
    {
        const char *id = cJSON_GetStringValue(cJSON_GetObjectItem(d, "id"));

        if (id && (rc = worker_step(st, w, id, &ran, err)) != 0)
            break;
    }
    cJSON_Delete(list);
    return rc;
}

static void log_line(void *arg, const char *line)
{
    const struct cli *cli = arg;

    if (!cli->quiet)
        fprintf(stderr, "%s\n", line);
}

/* --wait: this process runs the job now, as a worker would. */
static volatile sig_atomic_t wait_interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    wait_interrupted = 1;
}

/* A signal ignored by whoever started us (the shell does so for SIGINT of
 * a background command) stays ignored. */
static void catch_unless_ignored(int sig, const struct sigaction *sa,
                                 struct sigaction *old)
{
    sigaction(sig, NULL, old);
    if (old->sa_handler != SIG_IGN)
        sigaction(sig, sa, NULL);
}

/* An export interrupted before it was ready is cancelled; one that got
 * there first stays as it is (its notices go out with the next worker). */
static int cancel_unfinished(struct store *st, const char *uuid,
                             struct sp_err *err)
{
    struct export_record rec;
    int is_done;

    if (record_load(st, uuid, &rec, err) != 0)
        return -1;
    is_done = !strcmp(rec.state, "ready") || !strcmp(rec.state, "failed");
    record_free(&rec);
    if (is_done)
        return 0;
    if (record_cancel(st, uuid, err) != 0)
        return -1;
    return sp_err_set(err, SP_EFAIL,
                      "export %s cancelled: interrupted; `spanport exports "
                      "retry %s` queues it again",
                      uuid, uuid);
}

/* Runs the export's job here. Ctrl-C or SIGTERM stops it at the next page
 * and cancels it: the person who asked for it called it off, so no worker
 * may finish it later. */
static int run_job_here(struct cli *cli, struct store *st, const char *uuid,
                        struct sp_err *err)
{
    struct sigaction sa, old_int, old_term;
    struct worker w;
    int ran = 0, rc;

    worker_init(&w);
    w.log = log_line;
    w.log_arg = cli;
    w.stop = &wait_interrupted;
    if (cli_progress_on(cli))
        w.progress = wait_progress;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    catch_unless_ignored(SIGINT, &sa, &old_int);
    catch_unless_ignored(SIGTERM, &sa, &old_term);
    rc = worker_step(st, &w, uuid, &ran, err);
    if (rc == 0 && !wait_interrupted)
        rc = deliver_now(st, &w, uuid, err);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (cli_progress_on(cli))
        fputc('\n', stderr);
    if (rc == 0 && wait_interrupted)
        return cancel_unfinished(st, uuid, err);
    return rc;
}

static int run_waiting(struct cli *cli, struct store *st, const char *uuid)
{
    struct export_record rec;
    struct sp_err err = {0};
    int rc = 0;

    if (run_job_here(cli, st, uuid, &err) != 0)
        return cli_fail(&err);
    if (record_load(st, uuid, &rec, &err) != 0)
        return cli_fail(&err);
    if (strcmp(rec.state, "ready") != 0) {
        sp_err_set(&err, SP_EFAIL, "export %s is %s: %s", rec.uuid, rec.state,
                   rec.error ? rec.error : "not run");
        rc = cli_fail(&err);
    } else if (cli->json) {
        cJSON *o = cJSON_Parse(rec.summary ? rec.summary : "{}");

        cJSON_AddStringToObject(o, "path", rec.path);
        cJSON_AddStringToObject(o, "uuid", rec.uuid);
        rc = cli_print_json(o);
    }
    record_free(&rec);
    return rc;
}

static int run_async(struct cli *cli, struct store *st, struct export_args *a,
                     struct export_output *out)
{
    const struct sp_output_plugin *d = &out->plugin->d.output;
    struct export_record rec = {0};
    struct sp_err err = {0};
    char uuid[37];
    int rc;

    if (sp_uuid_v4(uuid) != 0)
        return cli_fail(&(struct sp_err){.kind = SP_EFAIL,
                                         .msg = "no randomness for a UUID"});
    memcpy(rec.uuid, uuid, sizeof(uuid));
    snprintf(rec.format, sizeof(rec.format), "%s", d->name);
    rec.request = request_to_json(a);
    rec.path = default_path(cli->db_path, out->path, uuid,
                            d->extension ? d->extension : d->name);
    rec.created_at_ns = sp_time_now_ns();
    if (!rec.request || !rec.path)
        rc = cli_fail(
            &(struct sp_err){.kind = SP_ENOMEM, .msg = "out of memory"});
    else if (enqueue(st, a, &rec, &err) != 0)
        rc = cli_fail(&err);
    else {
        if (!cli->json || !a->wait)
            print_queued(cli, &rec);
        tell_queued(cli, &rec, a);
        rc = a->wait ? run_waiting(cli, st, uuid) : 0;
    }
    memcpy(rec.uuid, uuid, sizeof(uuid));
    record_free(&rec);
    return rc;
}

/* A directory is not a target, but a file in it is: suggest one, with
 * the format's extension; -o - only for an export written at once. */
static int refuse_directory(const char *dir, const char *ext, int is_sync,
                            struct sp_err *err)
{
    int n = (int)strlen(dir);

    while (n > 1 && dir[n - 1] == '/')
        n--;
    return sp_err_set(err, SP_EUSAGE,
                      "%s is a directory, not a file; give a file name in "
                      "it, e.g. -o %.*s/export.%s%s",
                      dir, n, dir, ext,
                      is_sync ? ", or -o - for standard output" : "");
}

/* Standard output takes only an export written at once; a job's file is
 * renamed into place, which must not replace anything but a file. */
static int check_target(const struct cli *cli, const struct export_args *a,
                        const char *ext, int is_sync, struct sp_err *err)
{
    struct stat sb;

    if (!a->output)
        return 0;
    if (strcmp(a->output, "-") != 0) {
        if (stat(a->output, &sb) == 0 && S_ISDIR(sb.st_mode))
            return refuse_directory(a->output, ext, is_sync, err);
        if (export_check_target(a->output, cli->db_path, err) == 0)
            return 0;
        if (is_sync && stat(a->output, &sb) == 0 && !S_ISREG(sb.st_mode))
            snprintf(err->msg + strlen(err->msg),
                     sizeof(err->msg) - strlen(err->msg),
                     ", or -o - for standard output");
        return -1;
    }
    if (is_sync)
        return 0;
    return sp_err_set(err, SP_EUSAGE,
                      "-o - (standard output) takes only an export written "
                      "at once (--only or --conversation, at most %d "
                      "spans, no --notify); this one is an export job: "
                      "give -o FILE",
                      EXPORT_SYNC_MAX);
}

static int run_export(struct cli *cli, struct store *st, struct export_args *a,
                      struct plugin *plugin)
{
    struct export_output out = {.plugin = plugin,
                                .options = a->options,
                                .n_options = a->n_options,
                                .path = a->output,
                                .warn = print_warning,
                                .warn_arg = cli};
    const struct sp_output_plugin *d = &plugin->d.output;
    const char *ext = d->extension ? d->extension : d->name;
    struct sp_err err = {0};
    int is_sync;

    if (export_check_output(&out, &err) != 0 ||
        notify_check(a->notify, &err) != 0 ||
        route_is_sync(st, &a->req, &is_sync, &err) != 0)
        return cli_fail(&err);
    if (cJSON_GetArraySize(a->notify) > 0)
        is_sync = 0; /* a notice needs an export record to tell about */
    if (check_target(cli, a, ext, is_sync, &err) != 0)
        return cli_fail(&err);
    return is_sync ? run_sync(cli, st, a, &out) : run_async(cli, st, a, &out);
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
    if ((rc = cli_open_store(cli, &st, STORE_MUST_EXIST)) != 0)
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

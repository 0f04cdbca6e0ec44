/* export/run.c: the page loop (select -> enrich -> row -> plugin) and the
 * output file's life: temporary name, fsync, rename. Knows the export
 * stages and the output plugin ABI; nothing of the CLI or the job queue. */
#include "export/run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "export/enrich.h"
#include "export/row.h"
#include "export/select.h"
#include "store.h"
#include "util/jsonw.h"
#include "util/sha256.h"
#include "util/time.h"

static const char *const skip_names[SKIP_COUNT] = {
    [SKIP_NO_COMPLETION] = "no_completion",
    [SKIP_NO_METADATA] = "no_metadata",
    [SKIP_NOT_COMPLETION] = "not_completion_metadata",
    [SKIP_EMPTY_OUTPUT] = "empty_output",
};

const char *export_skip_name(enum skip_reason r)
{
    return r < SKIP_COUNT ? skip_names[r] : "?";
}

const char *export_rows_name(enum export_rows r)
{
    return r == ROWS_TRACE        ? "trace"
           : r == ROWS_COMPLETION ? "completion"
                                  : "prompt";
}

struct loop {
    struct export_output *out;
    struct export_stats *stats;
};

static void on_warning(void *arg, const char *trace_id, const char *span_id,
                       const char *what)
{
    struct loop *l = arg;
    char line[256];

    snprintf(line, sizeof(line), "%s:%s: %s", trace_id, span_id, what);
    if (l->stats->warnings++ == 0)
        snprintf(l->stats->first_warning, sizeof(l->stats->first_warning), "%s",
                 line);
    if (l->out->warn)
        l->out->warn(l->out->warn_arg, line);
}

static int plugin_fail(const struct plugin *p, const char *what,
                       const char *msg, struct sp_err *err)
{
    return sp_err_set(err, SP_EFAIL, "output plugin %s: %s: %s",
                      p->d.output.name, what, msg[0] ? msg : "failed");
}

/* Builds and writes the rows of one enriched page. */
static int write_page(struct loop *l, struct page *page, struct row_out *o,
                      void *state, struct sp_err *err)
{
    const struct sp_output_plugin *d = &l->out->plugin->d.output;
    char msg[512] = "";
    size_t i;

    for (i = 0; i < page->n_rows; i++) {
        enum skip_reason why;
        int rc = row_build(&page->rows[i], sp_buf_str(&page->text), o, &why,
                           on_warning, l);

        if (rc == ROW_NOMEM)
            return sp_err_set(err, SP_ENOMEM, "out of memory");
        if (rc == ROW_SKIPPED) {
            l->stats->skipped[why]++;
            continue;
        }
        if (d->write_row(state, &o->row, msg, sizeof(msg)) != SP_OK)
            return plugin_fail(l->out->plugin, "writing a row", msg, err);
        l->stats->rows++;
    }
    return 0;
}

static int page_loop(struct store *st, const struct export_request *req,
                     struct loop *l, void *state, struct sp_err *err)
{
    struct select *sel = NULL;
    struct enrich *en = NULL;
    struct page *page = calloc(1, sizeof(*page));
    struct row_out o;
    int rc = -1;

    row_out_init(&o);
    if (!page) {
        sp_err_set(err, SP_ENOMEM, "out of memory");
        goto done;
    }
    sp_buf_init(&page->text, 0);
    if (select_open(&sel, st, req, err) != 0 ||
        enrich_open(&en, st, req, err) != 0)
        goto done;
    for (;;) {
        if (select_next_page(sel, page, err) != 0)
            goto done;
        if (page->n_rows == 0)
            break;
        l->stats->considered += page->n_rows;
        if (enrich_page(en, page, err) != 0 ||
            write_page(l, page, &o, state, err) != 0)
            goto done;
        if (l->out->tick && l->out->tick(l->out->tick_arg, l->stats, err))
            goto done;
    }
    rc = 0;
done:
    enrich_close(en);
    select_close(sel);
    if (page)
        sp_buf_free(&page->text);
    free(page);
    row_out_free(&o);
    return rc;
}

int export_write(struct store *st, const struct export_request *req,
                 struct export_output *out, int fd, struct export_stats *stats,
                 struct sp_err *err)
{
    const struct sp_output_plugin *d = &out->plugin->d.output;
    struct sp_output_info info = {
        .columns = row_columns,
        .n_columns = ROW_N_COLUMNS,
        .options = out->options,
        .n_options = out->n_options,
    };
    struct loop l = {.out = out, .stats = stats};
    int64_t t0 = sp_time_now_ns();
    char msg[512] = "";
    void *state = NULL;
    int rc;

    if (d->open(&state, fd, &info, msg, sizeof(msg)) != SP_OK) {
        close(fd);
        return plugin_fail(out->plugin, "opening the output", msg, err);
    }
    rc = page_loop(st, req, &l, state, err);
    msg[0] = '\0';
    if (d->close(state, rc != 0, msg, sizeof(msg)) != SP_OK && rc == 0)
        rc = plugin_fail(out->plugin, "closing the output", msg, err);
    stats->duration_ns = sp_time_now_ns() - t0;
    return rc;
}

/* Makes "<dir>/.<name>.tmp-XXXXXX" beside path; mkstemp creates it 0600,
 * and a leftover from a crashed run is recognisable by its name. */
static int make_temp(const char *path, char **tmp, struct sp_err *err)
{
    const char *slash = strrchr(path, '/');
    size_t n = strlen(path) + 32;
    int fd;

    *tmp = malloc(n);
    if (!*tmp)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    if (slash)
        snprintf(*tmp, n, "%.*s/.%s.tmp-XXXXXX", (int)(slash - path), path,
                 slash + 1);
    else
        snprintf(*tmp, n, ".%s.tmp-XXXXXX", path);
    fd = mkostemp(*tmp, O_CLOEXEC);
    if (fd < 0) {
        sp_err_set(err, SP_EFAIL, "%s: cannot create the output: %s", path,
                   strerror(errno));
        free(*tmp);
        *tmp = NULL;
    }
    return fd;
}

/* After the plugin closed its copy: flush to disk, measure, hash. */
static int seal(int fd, const char *tmp, struct export_output *out,
                struct export_stats *stats, struct sp_err *err)
{
    struct stat sb;

    if (fsync(fd) != 0 || fstat(fd, &sb) != 0)
        return sp_err_set(err, SP_EFAIL, "%s: cannot flush the output: %s",
                          out->path, strerror(errno));
    stats->bytes = (uint64_t)sb.st_size;
    if (out->want_sha256 && sp_sha256_file(tmp, out->sha256, err) != 0)
        return -1;
    return 0;
}

static void sync_dir_of(const char *path)
{
    char *copy = strdup(path);
    int fd;

    if (!copy)
        return;
    fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(copy);
}

static int run_to_stdout(struct store *st, const struct export_request *req,
                         struct export_output *out, struct export_stats *stats,
                         struct sp_err *err)
{
    int fd = dup(STDOUT_FILENO);

    if (fd < 0)
        return sp_err_set(err, SP_EFAIL, "standard output: %s",
                          strerror(errno));
    return export_write(st, req, out, fd, stats, err);
}

int export_to_temp(struct store *st, const struct export_request *req,
                   struct export_output *out, struct export_stats *stats,
                   char **tmp, struct sp_err *err)
{
    int fd, plugin_fd, rc = -1;

    memset(stats, 0, sizeof(*stats));
    fd = make_temp(out->path, tmp, err);
    if (fd < 0)
        return -1;
    plugin_fd = dup(fd); /* the plugin closes its own; ours fsyncs */
    if (plugin_fd < 0)
        sp_err_set(err, SP_EFAIL, "%s: %s", out->path, strerror(errno));
    else if (export_write(st, req, out, plugin_fd, stats, err) == 0 &&
             seal(fd, *tmp, out, stats, err) == 0)
        rc = 0;
    close(fd);
    if (rc != 0) {
        unlink(*tmp);
        free(*tmp);
        *tmp = NULL;
    }
    return rc;
}

static int same_file(const struct stat *a, const char *path, const char *suffix)
{
    char name[4096];
    struct stat b;

    snprintf(name, sizeof(name), "%s%s", path, suffix);
    return stat(name, &b) == 0 && a->st_dev == b.st_dev &&
           a->st_ino == b.st_ino;
}

int export_check_target(const char *path, const char *store_path,
                        struct sp_err *err)
{
    static const char *const store_files[] = {"", "-wal", "-shm", "-journal"};
    const char *slash = strrchr(path, '/');
    struct stat sb;
    size_t i;

    if (!*path || (slash && !slash[1]))
        return sp_err_set(err, SP_EUSAGE,
                          "-o \"%s\" names no file; give a file name", path);
    if (stat(path, &sb) != 0) {
        char *dir = slash ? strndup(path, (size_t)(slash - path)) : NULL;
        int dir_ok =
            !slash ||
            (dir && (!*dir || (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))));

        free(dir);
        if (dir_ok)
            return 0;
        return sp_err_set(err, SP_EUSAGE,
                          "%s: its directory does not exist; create it "
                          "first",
                          path);
    }
    if (!S_ISREG(sb.st_mode))
        return sp_err_set(err, SP_EUSAGE,
                          "%s is %s, not a file; an export is written to a "
                          "temporary file and renamed over its name: give a "
                          "file path",
                          path,
                          S_ISDIR(sb.st_mode)    ? "a directory"
                          : S_ISFIFO(sb.st_mode) ? "a FIFO"
                          : S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode)
                              ? "a device"
                              : "not a regular file");
    for (i = 0; store_path && i < sizeof(store_files) / sizeof(*store_files);
         i++)
        if (same_file(&sb, store_path, store_files[i]))
            return sp_err_set(err, SP_EUSAGE,
                              "%s is the store's own file; give the export "
                              "another name",
                              path);
    return 0;
}

int export_place(const char *tmp, const char *path, struct sp_err *err)
{
    if (export_check_target(path, NULL, err) != 0) {
        err->kind = SP_EFAIL; /* it changed since the export was asked */
        return -1;
    }
    if (rename(tmp, path) != 0)
        return sp_err_set(err, SP_EFAIL, "%s: cannot rename %s into place: %s",
                          path, tmp, strerror(errno));
    sync_dir_of(path);
    return 0;
}

void export_clean_temps(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char *dir = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
    char prefix[300];
    struct dirent *e;
    DIR *d;

    snprintf(prefix, sizeof(prefix), ".%s.tmp-", base);
    d = dir ? opendir(*dir ? dir : "/") : NULL;
    while (d && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0 &&
            strlen(e->d_name) == strlen(prefix) + 6)
            unlinkat(dirfd(d), e->d_name, 0);
    }
    if (d)
        closedir(d);
    free(dir);
}

int export_run(struct store *st, const struct export_request *req,
               struct export_output *out, struct export_stats *stats,
               struct sp_err *err)
{
    char *tmp = NULL;
    int rc;

    if (!out->path || strcmp(out->path, "-") == 0) {
        memset(stats, 0, sizeof(*stats));
        return run_to_stdout(st, req, out, stats, err);
    }
    if (export_to_temp(st, req, out, stats, &tmp, err) != 0)
        return -1;
    rc = export_place(tmp, out->path, err);
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

int export_check_output(const struct export_output *out, struct sp_err *err)
{
    const struct sp_output_plugin *d = &out->plugin->d.output;
    struct sp_output_info info = {
        .columns = row_columns,
        .n_columns = ROW_N_COLUMNS,
        .options = out->options,
        .n_options = out->n_options,
    };
    char msg[512] = "";
    void *state = NULL;
    int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

    if (fd < 0)
        return sp_err_set(err, SP_EFAIL, "/dev/null: %s", strerror(errno));
    if (d->open(&state, fd, &info, msg, sizeof(msg)) != SP_OK) {
        close(fd);
        return sp_err_set(err, SP_EUSAGE, "%s", msg[0] ? msg : "bad options");
    }
    d->close(state, 1, msg, sizeof(msg));
    return 0;
}

cJSON *export_stats_json(const struct export_stats *s)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON *skipped = cJSON_CreateObject();
    int i;

    jsonw_add_int(doc, "rows", (long long)s->rows);
    jsonw_add_int(doc, "considered", (long long)s->considered);
    for (i = 0; i < SKIP_COUNT; i++)
        jsonw_add_int(skipped, export_skip_name(i), (long long)s->skipped[i]);
    cJSON_AddItemToObject(doc, "skipped", skipped);
    jsonw_add_int(doc, "warnings", (long long)s->warnings);
    jsonw_add_int(doc, "bytes", (long long)s->bytes);
    jsonw_add_int(doc, "duration_ms", (long long)(s->duration_ns / 1000000));
    return doc;
}

/* import/metadata_tree.c: a span's document from a Latitude metadata tree,
 * and the put shared by the CSV and pg_dump readers. Knows the tree layout,
 * zlib, cJSON and latitude_row; nothing of CSV or COPY syntax.
 *
 * Latitude kept one object per span under the key
 * workspaces/<workspace_id>/traces/<trace_id>/<span_id>, gzip-compressed
 * or (older data) plain JSON; an archive mirrors that on disk. The path is
 * built from values of the dump, so they are checked before use: hex ids
 * and a decimal workspace id cannot spell "..", "/" or an empty name. The
 * tree is then walked one component at a time with openat(O_NOFOLLOW), so
 * a symbolic link planted inside the tree cannot lead outside it either. */
#include "import/latitude_dump.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <zlib.h>

#include "import/import.h"
#include "import/input.h"
#include "import/latitude_row.h"
#include "util/hex.h"
#include "util/jsonarena.h"

/* An open tree: its directory, and the trace directory of the last
 * lookup, since the spans of one trace mostly come one after another. */
struct metadata_tree {
    char *dir; /* as given, for messages */
    int root_fd;
    int64_t traces_ws; /* workspaces/<traces_ws>/traces is held */
    int traces_fd;     /* in traces_fd (-1: it does not exist, -2: none) */
    int64_t ws;        /* the trace directory held: workspace, */
    char trace[33];    /* trace id ("" for none), */
    int trace_fd;      /* and its fd, or -1 when it does not exist */
    struct sp_buf raw; /* a file's bytes, kept for the next one */
    char path[400];    /* what is being opened, for messages only */
};

static int tree_fail(struct sp_err *err, const char *path, const char *why)
{
    return sp_err_set(err, SP_EINPUT, "metadata %s: %s", path, why);
}

/* Opens `name` below the directory `at`, neither following a link nor
 * blocking on a FIFO. Returns 1 with *fd, 0 when it does not exist, -1. */
static int tree_step(int at, const char *name, int is_dir, const char *path,
                     int *fd, struct sp_err *err)
{
    int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC;
    struct stat st;
    int e;

    flags |= is_dir ? O_DIRECTORY : O_NONBLOCK;
    *fd = openat(at, name, flags);
    if (*fd >= 0)
        return 1;
    e = errno;
    if (e == ENOENT)
        return 0;
    if ((e == ELOOP || e == ENOTDIR) &&
        fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISLNK(st.st_mode)) /* O_DIRECTORY makes it ENOTDIR on Linux */
        return tree_fail(err, path,
                         "is a symbolic link; links are not followed "
                         "inside the metadata tree");
    return tree_fail(err, path, strerror(e));
}

/* Holds workspaces/<ws>/traces in t->traces_fd: one directory per
 * workspace, opened once. Returns 1, 0 when it does not exist, -1. */
static int tree_traces_dir(struct metadata_tree *t, int64_t ws,
                           struct sp_err *err)
{
    char ws_text[24];
    const char *part[3] = {"workspaces", ws_text, "traces"};
    size_t i, len;
    int at = t->root_fd, fd = -1, rc = 1;

    if (t->traces_fd != -2 && t->traces_ws == ws)
        return t->traces_fd >= 0;
    if (t->traces_fd >= 0)
        close(t->traces_fd);
    t->traces_fd = -2;
    snprintf(ws_text, sizeof(ws_text), "%" PRId64, ws);
    snprintf(t->path, sizeof(t->path), "%s", t->dir);
    for (i = 0; i < 3 && rc == 1; i++) {
        len = strlen(t->path);
        snprintf(t->path + len, sizeof(t->path) - len, "/%s", part[i]);
        rc = tree_step(at, part[i], 1, t->path, &fd, err);
        if (at != t->root_fd)
            close(at);
        at = rc == 1 ? fd : -1;
    }
    if (rc < 0)
        return -1;
    t->traces_ws = ws;
    t->traces_fd = at;
    return rc;
}

/* Holds workspaces/<ws>/traces/<trace> in t->trace_fd (-1: missing).
 * Returns 1, 0 when it does not exist, -1 on a failure (not held). */
static int tree_trace_dir(struct metadata_tree *t, int64_t ws,
                          const char *trace, struct sp_err *err)
{
    int fd = -1, rc;

    if (t->trace[0] && t->ws == ws && strcmp(t->trace, trace) == 0)
        return t->trace_fd >= 0;
    if (t->trace_fd >= 0)
        close(t->trace_fd);
    t->trace[0] = '\0';
    t->trace_fd = -1;
    rc = tree_traces_dir(t, ws, err);
    if (rc == 1) {
        snprintf(t->path, sizeof(t->path),
                 "%s/workspaces/%" PRId64 "/traces/%s", t->dir, ws, trace);
        rc = tree_step(t->traces_fd, trace, 1, t->path, &fd, err);
    }
    if (rc < 0)
        return -1;
    t->ws = ws;
    memcpy(t->trace, trace, sizeof(t->trace));
    t->trace_fd = rc == 1 ? fd : -1;
    return rc;
}

/* Opens the span's file in the held trace directory: 1 with *fd a
 * regular file of at most METADATA_MAX_BYTES, 0 missing, -1. */
static int tree_open_span(struct metadata_tree *t, const char *span, int *fd,
                          size_t *size, struct sp_err *err)
{
    struct stat st;
    const char *why = NULL;
    int rc;

    snprintf(t->path, sizeof(t->path), "%s/workspaces/%" PRId64 "/traces/%s/%s",
             t->dir, t->ws, t->trace, span);
    rc = tree_step(t->trace_fd, span, 0, t->path, fd, err);
    if (rc != 1)
        return rc;
    if (fstat(*fd, &st) != 0)
        why = strerror(errno);
    else if (!S_ISREG(st.st_mode))
        why = "is not a regular file";
    else if (st.st_size > (off_t)METADATA_MAX_BYTES)
        why = "is larger than 64 MiB";
    *size = why ? 0 : (size_t)st.st_size;
    if (!why)
        return 1;
    close(*fd);
    *fd = -1;
    return tree_fail(err, t->path, why);
}

/* Reads the whole file (at most METADATA_MAX_BYTES) into raw, straight
 * into its memory: asking for one byte more than fstat's size, a single
 * read usually tells the end as well. */
static int tree_slurp(int fd, const char *path, size_t size, struct sp_buf *raw,
                      struct sp_err *err)
{
    ssize_t n;

    for (;;) {
        size_t want = raw->len <= size ? size + 1 - raw->len : 65536;

        if (raw->len + want > METADATA_MAX_BYTES + 1)
            want = METADATA_MAX_BYTES + 1 - raw->len;
        if (sp_buf_reserve(raw, want) != 0)
            return sp_err_set(err, SP_ENOMEM, "out of memory reading %s", path);
        n = read(fd, raw->data + raw->len, want);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return tree_fail(err, path, strerror(errno));
        raw->len += (size_t)n;
        raw->data[raw->len] = '\0'; /* sp_buf's invariant */
        if (raw->len > METADATA_MAX_BYTES)
            return tree_fail(err, path, "is larger than 64 MiB");
        if (n == 0 || ((size_t)n < want && raw->len >= size))
            return 0; /* end of file, or past what fstat saw */
    }
}

/* Appends what one inflate call produced; -1 past the size limit. */
static int tree_take(struct sp_buf *out, const unsigned char *p, size_t n,
                     const char *path, struct sp_err *err)
{
    if (out->len + n > METADATA_MAX_BYTES)
        return tree_fail(err, path, "decompresses to more than 64 MiB");
    if (sp_buf_add(out, p, n) != 0)
        return sp_err_set(err, SP_ENOMEM, "out of memory reading %s", path);
    return 0;
}

/* Inflates the gzip member(s) of raw into out; -1 on corrupt, truncated
 * or oversized data. */
static int tree_gunzip(const struct sp_buf *raw, const char *path,
                       struct sp_buf *out, struct sp_err *err)
{
    unsigned char chunk[65536];
    z_stream zs;
    int zrc, rc = -1;

    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
        return sp_err_set(err, SP_ENOMEM, "out of memory reading %s", path);
    zs.next_in = (unsigned char *)raw->data;
    zs.avail_in = (uInt)raw->len;
    for (;;) {
        zs.next_out = chunk;
        zs.avail_out = sizeof(chunk);
        zrc = inflate(&zs, Z_NO_FLUSH);
        if (zrc != Z_OK && zrc != Z_STREAM_END && zrc != Z_BUF_ERROR) {
            tree_fail(err, path, zs.msg ? zs.msg : "corrupt gzip data");
            goto done;
        }
        if (tree_take(out, chunk, sizeof(chunk) - zs.avail_out, path, err) != 0)
            goto done;
        if (zrc == Z_STREAM_END && zs.avail_in == 0)
            break;
        if (zrc == Z_STREAM_END) /* another member follows */
            zrc = inflateReset(&zs);
        else if (zs.avail_in == 0 && zs.avail_out > 0)
            zrc = Z_BUF_ERROR; /* wants input that is not there */
        if (zrc != Z_OK) {
            tree_fail(err, path, "gzip data is truncated");
            goto done;
        }
    }
    rc = 0;
done:
    inflateEnd(&zs);
    return rc;
}

/* Checks that doc is one JSON object, white space around it allowed. */
static int tree_check_json(const struct sp_buf *doc, const char *path,
                           struct sp_err *err)
{
    const char *end = NULL;
    cJSON *v;
    int is_object;

    sp_json_arena_begin(); /* nothing of v outlives this check */
    v = cJSON_ParseWithLengthOpts(sp_buf_str(doc), doc->len, &end, 0);
    is_object = cJSON_IsObject(v);
    cJSON_Delete(v);
    sp_json_arena_end();
    if (!v)
        return tree_fail(err, path, "is not valid JSON");
    if (!is_object)
        return tree_fail(err, path, "is not a JSON object");
    while (end < doc->data + doc->len && *end && strchr(" \t\r\n", *end))
        end++;
    if (end != doc->data + doc->len)
        return tree_fail(err, path, "has data after its JSON object");
    return 0;
}

/* Reads the open file into out, gunzipping when it starts with 1f 8b. */
static int tree_load(struct metadata_tree *t, int fd, size_t size,
                     struct sp_buf *out, struct sp_err *err)
{
    struct sp_buf *raw = &t->raw;

    sp_buf_reset(raw);
    if (tree_slurp(fd, t->path, size, raw, err) != 0)
        return -1;
    if (raw->len >= 2 && (unsigned char)raw->data[0] == 0x1f &&
        (unsigned char)raw->data[1] == 0x8b) {
        if (tree_gunzip(raw, t->path, out, err) != 0)
            return -1;
    } else if (sp_buf_add(out, raw->data, raw->len) != 0) {
        return sp_err_set(err, SP_ENOMEM, "out of memory reading %s", t->path);
    }
    return tree_check_json(out, t->path, err);
}

int metadata_tree_open(struct metadata_tree **out, const char *dir,
                       struct sp_err *err)
{
    struct metadata_tree *t = calloc(1, sizeof(*t));

    *out = NULL;
    if (t)
        t->dir = strdup(dir);
    if (!t || !t->dir) {
        free(t);
        sp_err_set(err, SP_ENOMEM, "out of memory");
        return -1;
    }
    t->trace_fd = -1;
    t->traces_fd = -2;
    sp_buf_init(&t->raw, 0);
    t->root_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (t->root_fd < 0) {
        sp_err_set(err, SP_EFAIL,
                   "--metadata-dir %s: %s; give the directory that holds "
                   "workspaces/",
                   dir, strerror(errno));
        metadata_tree_close(t);
        return -1;
    }
    *out = t;
    return 0;
}

void metadata_tree_close(struct metadata_tree *t)
{
    if (!t)
        return;
    if (t->trace_fd >= 0)
        close(t->trace_fd);
    if (t->traces_fd >= 0)
        close(t->traces_fd);
    if (t->root_fd >= 0)
        close(t->root_fd);
    sp_buf_free(&t->raw);
    free(t->dir);
    free(t);
}

int metadata_tree_get(struct metadata_tree *t, int64_t workspace_id,
                      const char *trace_id, const char *span_id,
                      struct sp_buf *out, struct sp_err *err)
{
    char trace[33], span[17];
    size_t size = 0;
    int fd = -1, rc;

    sp_buf_reset(out);
    if (strlen(trace_id) != 32 || sp_hex_lower(trace_id, 32, trace) != 0 ||
        strlen(span_id) != 16 || sp_hex_lower(span_id, 16, span) != 0 ||
        workspace_id < 0)
        return sp_err_set(err, SP_EINPUT,
                          "metadata: workspace, trace or span id is not "
                          "valid (a decimal id, 32 and 16 hex digits); no "
                          "path is built from it");
    rc = tree_trace_dir(t, workspace_id, trace, err);
    if (rc == 1)
        rc = tree_open_span(t, span, &fd, &size, err);
    if (rc == 1 && tree_load(t, fd, size, out, err) != 0)
        rc = -1;
    if (fd >= 0)
        close(fd);
    if (rc != 1)
        sp_buf_reset(out);
    return rc;
}

int metadata_tree_read(const char *dir, int64_t workspace_id,
                       const char *trace_id, const char *span_id,
                       struct sp_buf *out, struct sp_err *err)
{
    struct metadata_tree *t;
    int rc;

    sp_buf_reset(out);
    if (metadata_tree_open(&t, dir, err) != 0)
        return -1;
    rc = metadata_tree_get(t, workspace_id, trace_id, span_id, out, err);
    metadata_tree_close(t);
    return rc;
}

int latitude_dump_put(struct import_ctx *ctx, struct latitude_row *row,
                      uint64_t line, struct metadata_tree *tree,
                      struct sp_buf *doc, struct sp_err *err)
{
    struct sp_err merr = {0};
    char why[256] = "";
    int found = 0;

    if (latitude_row_finish(row, why, sizeof(why)) != 0)
        return import_bad(ctx, line, err, "%s", why);
    if (tree) {
        found = metadata_tree_get(tree, row->span.workspace_id,
                                  row->span.trace_id, row->span.id, doc, &merr);
        if (found < 0)
            import_warn(ctx, line, "%s; the span is kept without metadata",
                        merr.msg);
        if (found == 0) /* counted, said once per file by import_file */
            ctx->file_no_metadata++;
    }
    if (found == 1) {
        row->span.metadata = sp_buf_str(doc);
        row->span.metadata_len = doc->len;
    }
    if (import_put(ctx, &row->span, err) != 0) {
        sp_err_prefix(err, "%s:%" PRIu64, input_name(ctx->in), line);
        return -1;
    }
    return 0;
}

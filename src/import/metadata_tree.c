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
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <zlib.h>

#include "import/import.h"
#include "import/input.h"
#include "import/latitude_row.h"
#include "util/hex.h"

/* Where a lookup stands: the path so far, for messages only (opening
 * goes by components), and the deepest directory or file opened. */
struct tree_walk {
    char path[400];
    size_t path_len;
    int fd;
};

static int tree_fail(struct sp_err *err, const char *path, const char *why)
{
    return sp_err_set(err, SP_EINPUT, "metadata %s: %s", path, why);
}

/* Opens one more component below w->fd. Returns 1, 0 when it does not
 * exist, -1 on any other failure (a link, not a directory, no access). */
static int tree_step(struct tree_walk *w, const char *name, int is_dir,
                     struct sp_err *err)
{
    int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC;
    struct stat st;
    int n, fd;

    n = snprintf(w->path + w->path_len, sizeof(w->path) - w->path_len, "/%s",
                 name);
    if (n > 0)
        w->path_len += (size_t)n;
    if (w->path_len >= sizeof(w->path))
        w->path_len = sizeof(w->path) - 1;
    /* O_NONBLOCK: opening a FIFO planted in the tree must not hang us. */
    flags |= is_dir ? O_DIRECTORY : O_NONBLOCK;
    fd = openat(w->fd, name, flags);
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0 && (errno == ELOOP || errno == ENOTDIR) &&
        fstatat(w->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        S_ISLNK(st.st_mode)) /* O_DIRECTORY makes it ENOTDIR on Linux */
        return tree_fail(err, w->path,
                         "is a symbolic link; links are not followed "
                         "inside the metadata tree");
    if (fd < 0)
        return tree_fail(err, w->path, strerror(errno));
    close(w->fd);
    w->fd = fd;
    return 1;
}

/* Opens the span's file; 1 with w->fd a regular file, 0 missing, -1. */
static int tree_open(struct tree_walk *w, const char *dir, const char *ws,
                     const char *trace_id, const char *span_id,
                     struct sp_err *err)
{
    const char *part[5] = {"workspaces", ws, "traces", trace_id, span_id};
    struct stat st;
    size_t i;
    int rc;

    snprintf(w->path, sizeof(w->path), "%s", dir);
    w->path_len = strlen(w->path);
    w->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (w->fd < 0)
        return tree_fail(err, w->path, strerror(errno));
    for (i = 0; i < 5; i++) {
        rc = tree_step(w, part[i], i < 4, err);
        if (rc != 1)
            return rc;
    }
    if (fstat(w->fd, &st) != 0)
        return tree_fail(err, w->path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return tree_fail(err, w->path, "is not a regular file");
    if (st.st_size > (off_t)METADATA_MAX_BYTES)
        return tree_fail(err, w->path, "is larger than 64 MiB");
    return 1;
}

/* Reads the whole file (at most METADATA_MAX_BYTES) into raw. */
static int tree_slurp(int fd, const char *path, struct sp_buf *raw,
                      struct sp_err *err)
{
    char chunk[65536];
    ssize_t n;

    for (;;) {
        n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return tree_fail(err, path, strerror(errno));
        if (n == 0)
            return 0;
        if (raw->len + (size_t)n > METADATA_MAX_BYTES)
            return tree_fail(err, path, "is larger than 64 MiB");
        if (sp_buf_add(raw, chunk, (size_t)n) != 0)
            return sp_err_set(err, SP_ENOMEM, "out of memory reading %s", path);
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

    v = cJSON_ParseWithLengthOpts(sp_buf_str(doc), doc->len, &end, 0);
    if (!v)
        return tree_fail(err, path, "is not valid JSON");
    is_object = cJSON_IsObject(v);
    cJSON_Delete(v);
    if (!is_object)
        return tree_fail(err, path, "is not a JSON object");
    while (end < doc->data + doc->len && strchr(" \t\r\n", *end) && *end)
        end++;
    if (end != doc->data + doc->len)
        return tree_fail(err, path, "has data after its JSON object");
    return 0;
}

/* Reads the open file into out, gunzipping when it starts with 1f 8b. */
static int tree_load(int fd, const char *path, struct sp_buf *out,
                     struct sp_err *err)
{
    struct sp_buf raw;
    int rc = -1;

    sp_buf_init(&raw, 0);
    if (tree_slurp(fd, path, &raw, err) != 0)
        goto done;
    if (raw.len >= 2 && (unsigned char)raw.data[0] == 0x1f &&
        (unsigned char)raw.data[1] == 0x8b) {
        if (tree_gunzip(&raw, path, out, err) != 0)
            goto done;
    } else if (sp_buf_add(out, raw.data, raw.len) != 0) {
        sp_err_set(err, SP_ENOMEM, "out of memory reading %s", path);
        goto done;
    }
    rc = tree_check_json(out, path, err);
done:
    sp_buf_free(&raw);
    return rc;
}

int metadata_tree_read(const char *dir, int64_t workspace_id,
                       const char *trace_id, const char *span_id,
                       struct sp_buf *out, struct sp_err *err)
{
    struct tree_walk w = {.fd = -1};
    char trace[33], span[17], ws[24];
    int rc = -1;

    sp_buf_reset(out);
    if (strlen(trace_id) != 32 || sp_hex_lower(trace_id, 32, trace) != 0 ||
        strlen(span_id) != 16 || sp_hex_lower(span_id, 16, span) != 0 ||
        workspace_id < 0)
        return sp_err_set(err, SP_EINPUT,
                          "metadata: workspace, trace or span id is not "
                          "valid (a decimal id, 32 and 16 hex digits); no "
                          "path is built from it");
    snprintf(ws, sizeof(ws), "%" PRId64, workspace_id);
    rc = tree_open(&w, dir, ws, trace, span, err);
    if (rc == 1 && tree_load(w.fd, w.path, out, err) != 0)
        rc = -1;
    if (w.fd >= 0)
        close(w.fd);
    if (rc != 1)
        sp_buf_reset(out);
    return rc;
}

int metadata_tree_check(const char *dir, struct sp_err *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd < 0)
        return sp_err_set(err, SP_EFAIL,
                          "--metadata-dir %s: %s; give the directory that "
                          "holds workspaces/",
                          dir, strerror(errno));
    close(fd);
    return 0;
}

int latitude_dump_put(struct import_ctx *ctx, struct latitude_row *row,
                      uint64_t line, struct sp_buf *doc, struct sp_err *err)
{
    const char *dir = ctx->opts->metadata_dir;
    struct sp_err merr = {0};
    char why[256] = "";
    int found = 0;

    if (latitude_row_finish(row, why, sizeof(why)) != 0)
        return import_bad(ctx, line, err, "%s", why);
    if (dir) {
        found =
            metadata_tree_read(dir, row->span.workspace_id, row->span.trace_id,
                               row->span.id, doc, &merr);
        if (found < 0)
            import_warn(ctx, line, "%s; the span is kept without metadata",
                        merr.msg);
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

/* import/input.c: a buffered reader over zlib for plain, gzip and stdin
 * input, handing out lines and peeks. Knows nothing of any dump format. */
#include "import/input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define INPUT_CHUNK (1u << 20)

struct sp_input {
    gzFile gz;
    int fd;
    char *name;
    char *buf; /* buffered, decompressed bytes: [start, end) unread */
    size_t start, end, cap;
    int eof; /* the underlying file is exhausted */
    uint64_t lineno;
};

static int input_fail(struct sp_input *in, struct sp_err *err)
{
    int errnum = 0;
    const char *msg = gzerror(in->gz, &errnum);

    if (errnum == Z_ERRNO)
        msg = strerror(errno);
    if (errnum == Z_BUF_ERROR)
        msg = "the compressed file is truncated";
    if (strncmp(msg, "<fd:", 4) == 0 && strstr(msg, ": "))
        msg = strstr(msg, ": ") + 2; /* zlib names the fd; in->name is ours */
    return sp_err_set(err, SP_EFAIL, "%s: read error: %s", in->name, msg);
}

int input_open(struct sp_input **out, const char *path, struct sp_err *err)
{
    struct sp_input *in = calloc(1, sizeof(*in));
    int is_stdin = strcmp(path, "-") == 0;
    struct stat sb;

    *out = NULL;
    if (!in)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    in->fd = is_stdin ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
    in->name = strdup(is_stdin ? "<stdin>" : path);
    if (in->fd < 0) {
        sp_err_set(err, SP_EFAIL, "%s: cannot open: %s", path, strerror(errno));
        goto fail;
    }
    if (fstat(in->fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        sp_err_set(err, SP_EFAIL, "%s: is a directory, not a dump file", path);
        goto fail;
    }
    in->gz = gzdopen(in->fd, "rb"); /* reads plain files through as well */
    if (!in->name || !in->gz) {
        sp_err_set(err, SP_ENOMEM, "out of memory");
        goto fail;
    }
    in->fd = -1; /* the gzFile owns it */
    gzbuffer(in->gz, 256u << 10);
    *out = in;
    return 0;
fail:
    input_close(in);
    return -1;
}

void input_close(struct sp_input *in)
{
    if (!in)
        return;
    if (in->gz)
        gzclose(in->gz);
    else if (in->fd >= 0)
        close(in->fd);
    free(in->buf);
    free(in->name);
    free(in);
}

const char *input_name(const struct sp_input *in)
{
    return in->name;
}

uint64_t input_lineno(const struct sp_input *in)
{
    return in->lineno;
}

uint64_t input_bytes_read(const struct sp_input *in)
{
    return (uint64_t)gzoffset(in->gz);
}

/* Reads more bytes after `end`, compacting and growing the buffer so that
 * at least `want` more fit. Returns bytes added, 0 at EOF, -1 on error. */
static long fill(struct sp_input *in, size_t want, struct sp_err *err)
{
    int n;

    if (in->eof)
        return 0;
    if (in->start > 0) {
        memmove(in->buf, in->buf + in->start, in->end - in->start);
        in->end -= in->start;
        in->start = 0;
    }
    if (in->cap - in->end < want) {
        size_t cap = in->cap ? in->cap : INPUT_CHUNK;
        char *p;

        while (cap - in->end < want)
            cap *= 2;
        p = realloc(in->buf, cap + 1);
        if (!p)
            return sp_err_set(err, SP_ENOMEM, "out of memory");
        in->buf = p;
        in->cap = cap;
    }
    n = gzread(in->gz, in->buf + in->end, (unsigned)(in->cap - in->end));
    if (n < 0)
        return input_fail(in, err);
    if (n == 0) {
        int errnum = 0;

        gzerror(in->gz, &errnum);
        if (errnum != Z_OK)
            return input_fail(in, err);
        in->eof = 1;
    }
    in->end += (size_t)n;
    return n;
}

int input_peek(struct sp_input *in, size_t n, const char **p, size_t *got,
               struct sp_err *err)
{
    while (in->end - in->start < n) {
        long r = fill(in, n, err);

        if (r < 0)
            return -1;
        if (r == 0)
            break;
    }
    *p = in->buf ? in->buf + in->start : "";
    *got = in->end - in->start < n ? in->end - in->start : n;
    return 0;
}

int input_line(struct sp_input *in, char **line, size_t *len,
               struct sp_err *err)
{
    size_t scanned = 0;

    for (;;) {
        size_t avail = in->end - in->start;
        /* no buffer before the first fill: NULL + 0 is undefined in C */
        char *base = avail > 0 ? in->buf + in->start : NULL;
        char *nl = avail > scanned
                       ? memchr(base + scanned, '\n', avail - scanned)
                       : NULL;
        long r;

        if (nl || (in->eof && avail > 0)) {
            size_t n = nl ? (size_t)(nl - base) : avail;

            in->start += nl ? n + 1 : n;
            if (n > 0 && base[n - 1] == '\r')
                n--;
            base[n] = '\0';
            *line = base;
            *len = n;
            in->lineno++;
            return 1;
        }
        if (avail >= SP_INPUT_MAX_LINE)
            return sp_err_set(err, SP_EFAIL,
                              "%s:%llu: a line is longer than %u MiB", in->name,
                              (unsigned long long)in->lineno + 1,
                              SP_INPUT_MAX_LINE >> 20);
        scanned = avail;
        r = fill(in, INPUT_CHUNK, err);
        if (r < 0)
            return -1;
        if (r == 0 && in->end == in->start)
            return 0;
    }
}

long input_read(struct sp_input *in, void *buf, size_t cap, struct sp_err *err)
{
    size_t avail = in->end - in->start;
    int n;

    if (avail > 0) { /* bytes a peek left in the buffer come first */
        size_t k = avail < cap ? avail : cap;

        memcpy(buf, in->buf + in->start, k);
        in->start += k;
        return (long)k;
    }
    if (in->eof)
        return 0;
    n = gzread(in->gz, buf, (unsigned)(cap > (1u << 30) ? 1u << 30 : cap));
    if (n < 0)
        return input_fail(in, err);
    if (n == 0) {
        int errnum = 0;

        gzerror(in->gz, &errnum);
        if (errnum != Z_OK)
            return input_fail(in, err);
        in->eof = 1;
    }
    return n;
}

/* util/buf.c: growth, appends and hand-over for struct sp_buf.
 * All growth goes through buf_grow so the limit is checked in one place. */
#include "util/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sp_buf_init(struct sp_buf *b, size_t limit)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->limit = limit ? limit : SIZE_MAX / 2;
}

void sp_buf_free(struct sp_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void sp_buf_reset(struct sp_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static int buf_grow(struct sp_buf *b, size_t extra)
{
    size_t need, cap;
    char *p;

    if (extra > b->limit || b->len > b->limit - extra)
        return -1;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 4 ? need : cap * 2;
    p = realloc(b->data, cap);
    if (!p)
        return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

int sp_buf_reserve(struct sp_buf *b, size_t extra)
{
    return buf_grow(b, extra);
}

int sp_buf_add(struct sp_buf *b, const void *p, size_t n)
{
    if (buf_grow(b, n) != 0)
        return -1;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int sp_buf_addc(struct sp_buf *b, char c)
{
    return sp_buf_add(b, &c, 1);
}

int sp_buf_adds(struct sp_buf *b, const char *s)
{
    return sp_buf_add(b, s, strlen(s));
}

int sp_buf_printf(struct sp_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || buf_grow(b, (size_t)n) != 0)
        return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

const char *sp_buf_str(const struct sp_buf *b)
{
    return b->data ? b->data : "";
}

char *sp_buf_take(struct sp_buf *b)
{
    char *p = b->data;

    if (!p)
        p = calloc(1, 1);
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    return p;
}

/* tests/bench/gen_buf.c: the generator's text output: growable buffers,
 * JSON and CSV escaping, PostgreSQL timestamps. Knows no spans. */
#include "gen_latitude.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void die(const char *fmt, ...)
{
    va_list ap;

    fputs("gen_latitude: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static void buf_grow(struct buf *b, size_t need)
{
    size_t cap = b->cap ? b->cap : 4096;

    if (b->len + need <= b->cap)
        return;
    while (cap < b->len + need)
        cap *= 2;
    b->p = realloc(b->p, cap);
    if (!b->p)
        die("out of memory");
    b->cap = cap;
}

void put_mem(struct buf *b, const char *s, size_t n)
{
    buf_grow(b, n);
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

void put_s(struct buf *b, const char *s)
{
    put_mem(b, s, strlen(s));
}

void put_c(struct buf *b, char c)
{
    buf_grow(b, 1);
    b->p[b->len++] = c;
}

void put_i(struct buf *b, int64_t v)
{
    char tmp[24];
    int n = 0;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        tmp[n++] = '-';
    buf_grow(b, (size_t)n);
    while (n)
        b->p[b->len++] = tmp[--n];
}

/* A JSON string, escaped as JSON.stringify does (UTF-8 kept raw). */
void put_js(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i;

    buf_grow(b, n + 2);
    b->p[b->len++] = '"';
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c >= 0x20 && c != '"' && c != '\\') {
            put_c(b, (char)c);
            continue;
        }
        put_c(b, '\\');
        switch (c) {
        case '"': put_c(b, '"'); break;
        case '\\': put_c(b, '\\'); break;
        case '\n': put_c(b, 'n'); break;
        case '\r': put_c(b, 'r'); break;
        case '\t': put_c(b, 't'); break;
        case '\b': put_c(b, 'b'); break;
        case '\f': put_c(b, 'f'); break;
        default:
            put_s(b, "u00");
            put_c(b, hex[c >> 4]);
            put_c(b, hex[c & 15]);
        }
    }
    put_c(b, '"');
}

void put_jss(struct buf *b, const char *s)
{
    put_js(b, s, strlen(s));
}

/* `"key":` */
void put_key(struct buf *b, const char *k)
{
    put_c(b, '"');
    put_s(b, k);
    put_s(b, "\":");
}

/* A CSV field: quoted when it holds the separator, a quote, CR or LF, or
 * (pg) when it is empty, since an unquoted empty field is NULL there. */
void put_csv_field(struct buf *b, const char *s, size_t n, int pg)
{
    size_t i;
    int quote = pg && n == 0;

    for (i = 0; i < n && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (pg && n == 2 && s[0] == '\\' && s[1] == '.')
        quote = 1;
    if (!quote) {
        put_mem(b, s, n);
        return;
    }
    put_c(b, '"');
    for (i = 0; i < n; i++) {
        if (s[i] == '"')
            put_c(b, '"');
        put_c(b, s[i]);
    }
    put_c(b, '"');
}

/* ------------------------------------------------------------------ */
/* time: milliseconds since the epoch, printed as PostgreSQL prints a
 * `timestamp` (trailing zeros of the fraction dropped) */

static void civil(int64_t days, int *y, int *m, int *d)
{
    /* H. Hinnant's civil_from_days */
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;

    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static void put_2(struct buf *b, int v)
{
    put_c(b, (char)('0' + v / 10));
    put_c(b, (char)('0' + v % 10));
}

/* sep: 'T' (row_to_json) or ' ' (COPY) */
void put_time(struct buf *b, int64_t ms, char sep)
{
    int64_t days = ms / 86400000, rem = ms % 86400000;
    int y, m, d, frac = (int)(rem % 1000);

    civil(days, &y, &m, &d);
    put_i(b, y);
    put_c(b, '-');
    put_2(b, m);
    put_c(b, '-');
    put_2(b, d);
    put_c(b, sep);
    put_2(b, (int)(rem / 3600000));
    put_c(b, ':');
    put_2(b, (int)(rem / 60000 % 60));
    put_c(b, ':');
    put_2(b, (int)(rem / 1000 % 60));
    if (frac) {
        put_c(b, '.');
        put_c(b, (char)('0' + frac / 100));
        if (frac % 100) {
            put_c(b, (char)('0' + frac / 10 % 10));
            if (frac % 10)
                put_c(b, (char)('0' + frac % 10));
        }
    }
}

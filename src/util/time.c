/* util/time.c: parses the timestamp forms of dumps.md and cli.md, formats
 * RFC 3339. Civil-date arithmetic is done here; no libc time zone state. */
#include "util/time.h"

#include <time.h>

#define NS_PER_SEC INT64_C(1000000000)
#define SEC_PER_DAY INT64_C(86400)
#define MAX_OFFSET_MIN (18 * 60)

/* The fields of one timestamp as written, before any arithmetic. */
struct civil {
    int year, month, day;
    int hour, min, sec;
    int64_t frac_ns;
    int offset_min; /* east of UTC */
};

/* Howard Hinnant's days_from_civil: days since 1970-01-01 of a proleptic
 * Gregorian date, exact for every year an int can hold here. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The inverse of days_from_civil. */
static void civil_from_days(int64_t z, struct civil *c)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    c->day = (int)(doy - (153 * mp + 2) / 5 + 1);
    c->month = (int)(mp < 10 ? mp + 3 : mp - 9);
    c->year = (int)(yoe + era * 400 + (c->month <= 2));
}

static int days_in_month(const struct civil *c)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
    int y = c->year;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return c->month == 2 && leap ? 29 : mdays[c->month - 1];
}

/* Reads exactly n decimal digits at s[*i] into *v. */
static int take_digits(const char *s, size_t len, size_t *i, int n, int *v)
{
    int k, x = 0;

    if (len - *i < (size_t)n)
        return -1;
    for (k = 0; k < n; k++) {
        char c = s[*i + (size_t)k];
        if (c < '0' || c > '9')
            return -1;
        x = x * 10 + (c - '0');
    }
    *i += (size_t)n;
    *v = x;
    return 0;
}

static int take_char(const char *s, size_t len, size_t *i, char c)
{
    if (*i >= len || s[*i] != c)
        return -1;
    (*i)++;
    return 0;
}

/* sec * 1e9 + frac_ns (0 <= frac_ns < 1e9) without overflowing int64. */
static int ns_from_sec(int64_t sec, int64_t frac_ns, int64_t *ns)
{
    int64_t base, below;

    if (sec > INT64_MAX / NS_PER_SEC || sec < INT64_MIN / NS_PER_SEC - 1)
        return -1;
    if (sec >= 0) {
        base = sec * NS_PER_SEC;
        if (frac_ns > INT64_MAX - base)
            return -1;
        *ns = base + frac_ns;
        return 0;
    }
    base = (sec + 1) * NS_PER_SEC; /* cannot overflow: sec + 1 >= MIN/1e9 */
    below = NS_PER_SEC - frac_ns;  /* 1..1e9 below base */
    if (base < INT64_MIN + below)
        return -1;
    *ns = base - below;
    return 0;
}

/* An optional '-' then 1+ digits, as epoch milliseconds. */
static int parse_epoch_ms(const char *s, size_t len, int64_t *ns)
{
    const uint64_t max_ms = (uint64_t)(INT64_MAX / 1000000);
    uint64_t ms = 0;
    int neg = len > 0 && s[0] == '-';
    size_t i = (size_t)neg;

    if (i == len)
        return -1;
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        ms = ms * 10 + (uint64_t)(s[i] - '0');
        if (ms > max_ms) /* |INT64_MIN| / 1e6 truncates to the same bound */
            return -1;
    }
    *ns = (neg ? -(int64_t)ms : (int64_t)ms) * 1000000;
    return 0;
}

/* YYYY-MM-DD, validated against the calendar. */
static int parse_date(const char *s, size_t len, size_t *i, struct civil *c)
{
    if (take_digits(s, len, i, 4, &c->year) != 0 ||
        take_char(s, len, i, '-') != 0 ||
        take_digits(s, len, i, 2, &c->month) != 0 ||
        take_char(s, len, i, '-') != 0 ||
        take_digits(s, len, i, 2, &c->day) != 0)
        return -1;
    if (c->month < 1 || c->month > 12)
        return -1;
    if (c->day < 1 || c->day > days_in_month(c))
        return -1;
    return 0;
}

/* HH:MM:SS then '.' and 1-9 fraction digits, optional. */
static int parse_clock(const char *s, size_t len, size_t *i, struct civil *c)
{
    int digits = 0;

    if (take_digits(s, len, i, 2, &c->hour) != 0 ||
        take_char(s, len, i, ':') != 0 ||
        take_digits(s, len, i, 2, &c->min) != 0 ||
        take_char(s, len, i, ':') != 0 ||
        take_digits(s, len, i, 2, &c->sec) != 0)
        return -1;
    if (c->hour > 23 || c->min > 59 || c->sec > 59)
        return -1;
    c->frac_ns = 0;
    if (take_char(s, len, i, '.') != 0)
        return 0;
    while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
        digits++;
        if (digits > 9)
            return -1;
        c->frac_ns = c->frac_ns * 10 + (s[*i] - '0');
        (*i)++;
    }
    if (digits == 0) /* "10:00:00." is a typo, not a time */
        return -1;
    for (; digits < 9; digits++)
        c->frac_ns *= 10;
    return 0;
}

/* Nothing (UTC), Z/z, or ±HH:MM, ±HHMM, ±HH up to 18 hours. */
static int parse_offset(const char *s, size_t len, size_t *i, struct civil *c)
{
    int sign, hh, mm = 0;

    c->offset_min = 0;
    if (*i == len)
        return 0;
    if (s[*i] == 'Z' || s[*i] == 'z') {
        (*i)++;
        return 0;
    }
    if (s[*i] != '+' && s[*i] != '-')
        return -1;
    sign = s[*i] == '-' ? -1 : 1;
    (*i)++;
    if (take_digits(s, len, i, 2, &hh) != 0)
        return -1;
    if (*i < len) {
        if (s[*i] == ':')
            (*i)++;
        if (take_digits(s, len, i, 2, &mm) != 0)
            return -1;
    }
    if (mm > 59 || hh * 60 + mm > MAX_OFFSET_MIN)
        return -1;
    c->offset_min = sign * (hh * 60 + mm);
    return 0;
}

static int parse_datetime(const char *s, size_t len, int flags, int64_t *ns)
{
    struct civil c = {0};
    size_t i = 0;
    int64_t sec;

    if (parse_date(s, len, &i, &c) != 0)
        return -1;
    sec = days_from_civil(c.year, c.month, c.day) * SEC_PER_DAY;
    if (i == len) {
        if (!(flags & SP_TIME_END_OF_DAY))
            return ns_from_sec(sec, 0, ns);
        return ns_from_sec(sec + SEC_PER_DAY - 1, NS_PER_SEC - 1, ns);
    }
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
        return -1;
    i++;
    if (parse_clock(s, len, &i, &c) != 0 || parse_offset(s, len, &i, &c) != 0)
        return -1;
    if (i != len)
        return -1;
    sec += c.hour * 3600 + c.min * 60 + c.sec - c.offset_min * 60;
    return ns_from_sec(sec, c.frac_ns, ns);
}

int sp_time_parse(const char *s, size_t len, int flags, int64_t *ns)
{
    int64_t v;

    if (!s || len == 0)
        return -1;
    if ((flags & SP_TIME_EPOCH_MS) && parse_epoch_ms(s, len, &v) == 0) {
        *ns = v;
        return 0;
    }
    if (parse_datetime(s, len, flags, &v) != 0)
        return -1;
    *ns = v;
    return 0;
}

/* Writes v as exactly n decimal digits (v >= 0 and fits). */
static char *put_digits(char *p, int64_t v, int n)
{
    int k;

    for (k = n - 1; k >= 0; k--) {
        p[k] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + n;
}

void sp_time_format_rfc3339(int64_t ns, char *out)
{
    int64_t sec = ns / NS_PER_SEC, frac = ns % NS_PER_SEC, days, sod;
    struct civil c;
    char *p = out;

    if (frac < 0) { /* floor, not truncation, before 1970 */
        frac += NS_PER_SEC;
        sec--;
    }
    days = sec / SEC_PER_DAY;
    sod = sec % SEC_PER_DAY;
    if (sod < 0) {
        sod += SEC_PER_DAY;
        days--;
    }
    civil_from_days(days, &c); /* int64 ns spans 1677..2262 */
    p = put_digits(p, c.year, 4);
    *p++ = '-';
    p = put_digits(p, c.month, 2);
    *p++ = '-';
    p = put_digits(p, c.day, 2);
    *p++ = 'T';
    p = put_digits(p, sod / 3600, 2);
    *p++ = ':';
    p = put_digits(p, sod / 60 % 60, 2);
    *p++ = ':';
    p = put_digits(p, sod % 60, 2);
    *p++ = '.';
    p = put_digits(p, frac, 9);
    *p++ = 'Z';
    *p = '\0';
}

int64_t sp_time_now_ns(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_REALTIME, &ts) != 0)
        return 0;
    return (int64_t)ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
}

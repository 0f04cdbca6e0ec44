/* util/utf8.c: UTF-8 repair as a JavaScript runtime decodes bytes: each
 * maximal invalid subsequence becomes U+FFFD. Pure byte work. */
#include "util/utf8.h"

#define REPLACEMENT "\xEF\xBF\xBD" /* U+FFFD */

/* The well-formed sequence starting at s[0] (n bytes left): its length,
 * or 0 with *bad the length of the maximal subpart to replace. The bounds
 * of the second byte exclude overlong forms, surrogates and code points
 * past U+10FFFF (Unicode table 3-7). */
static size_t sequence(const unsigned char *s, size_t n, size_t *bad)
{
    unsigned char lower = 0x80, upper = 0xBF;
    size_t need, i;

    if (s[0] < 0x80)
        return 1;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        need = 1;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        need = 2;
        lower = s[0] == 0xE0 ? 0xA0 : 0x80;
        upper = s[0] == 0xED ? 0x9F : 0xBF;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        need = 3;
        lower = s[0] == 0xF0 ? 0x90 : 0x80;
        upper = s[0] == 0xF4 ? 0x8F : 0xBF;
    } else {
        *bad = 1;
        return 0;
    }
    for (i = 1; i <= need; i++) {
        if (i >= n || s[i] < lower || s[i] > upper) {
            *bad = i; /* the lead and the continuations that fitted */
            return 0;
        }
        lower = 0x80;
        upper = 0xBF;
    }
    return need + 1;
}

size_t sp_utf8_valid_prefix(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, n, bad;

    while (i < len) {
        if (p[i] < 0x80) { /* the common case, byte by byte */
            i++;
            continue;
        }
        n = sequence(p + i, len - i, &bad);
        if (n == 0)
            break;
        i += n;
    }
    return i;
}

int sp_utf8_repair(const char *s, size_t len, struct sp_buf *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, good, bad = 1;

    while (i < len) {
        good = sp_utf8_valid_prefix(s + i, len - i);
        if (sp_buf_add(out, s + i, good) != 0)
            return -1;
        i += good;
        if (i == len)
            break;
        sequence(p + i, len - i, &bad); /* invalid: valid_prefix says so */
        if (sp_buf_add(out, REPLACEMENT, 3) != 0)
            return -1;
        i += bad;
    }
    return 0;
}

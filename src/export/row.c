/* export/row.c: the cost column of a row, as exact decimal text.
 * Integer arithmetic only; knows nothing of messages, SQL or plugins. */
#include "export/row.h"

#define COST_SCALE 100000 /* cost is an integer in 1/100000 USD */
#define COST_FRAC_DIGITS 5

/* cost / 100000 printed with every digit it has and no more: no float
 * could print 0.00001 steps of a 64-bit integer exactly. */
void row_format_cost(int64_t cost, int is_null, char *out)
{
    char digits[24];
    uint64_t mag, whole;
    unsigned frac;
    int n = 0, k, last;
    char *p = out;

    if (is_null || cost == 0) {
        out[0] = '0';
        out[1] = '\0';
        return;
    }
    /* unsigned negation: exact for INT64_MIN too */
    mag = cost < 0 ? (uint64_t)0 - (uint64_t)cost : (uint64_t)cost;
    whole = mag / COST_SCALE;
    frac = (unsigned)(mag % COST_SCALE);
    if (cost < 0)
        *p++ = '-';
    do {
        digits[n++] = (char)('0' + whole % 10);
        whole /= 10;
    } while (whole);
    while (n > 0)
        *p++ = digits[--n];
    if (frac) {
        *p++ = '.';
        for (k = COST_FRAC_DIGITS - 1; k >= 0; k--) {
            p[k] = (char)('0' + frac % 10);
            frac /= 10;
        }
        last = COST_FRAC_DIGITS;
        while (p[last - 1] == '0')
            last--;
        p += last;
    }
    *p = '\0';
}

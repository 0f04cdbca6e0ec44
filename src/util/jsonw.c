/* util/jsonw.c: JSON text as JavaScript's JSON.stringify prints it.
 * Knows cJSON values and struct sp_buf; nothing of rows, spans or files. */
#include "util/jsonw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSONW_MAX_DEPTH 512

/* A double's shortest round-trip decimal: digits[0..n_digits) with the
 * decimal point after the first `point` of them (ECMAScript's n). */
struct shortest {
    char digits[24];
    int n_digits;
    int point;
};

/* Undoes a failed append so callers never see half a value. */
static int jsonw_rollback(struct sp_buf *out, size_t len)
{
    out->len = len;
    if (out->data)
        out->data[len] = '\0';
    return -1;
}

/* The letter after '\\' for the characters JSON has a short escape for. */
static char short_escape(unsigned char c)
{
    switch (c) {
    case '"':
    case '\\': return (char)c;
    case '\b': return 'b';
    case '\f': return 'f';
    case '\n': return 'n';
    case '\r': return 'r';
    case '\t': return 't';
    default: return 0;
    }
}

int jsonw_string(struct sp_buf *out, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t start = out->len, i, run = 0;

    if (sp_buf_addc(out, '"') != 0)
        return -1;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
        size_t n = 2;

        if (c >= 0x20 && c != '"' && c != '\\')
            continue; /* copied with its run below */
        if (sp_buf_add(out, s + run, i - run) != 0)
            return jsonw_rollback(out, start);
        run = i + 1;
        esc[1] = short_escape(c);
        if (!esc[1]) { /* other C0 controls: lowercase hex, as V8 writes */
            memcpy(esc + 1, "u00", 3);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 0x0f];
            n = 6;
        }
        if (sp_buf_add(out, esc, n) != 0)
            return jsonw_rollback(out, start);
    }
    if (run < len && sp_buf_add(out, s + run, len - run) != 0)
        return jsonw_rollback(out, start);
    if (sp_buf_addc(out, '"') != 0)
        return jsonw_rollback(out, start);
    return 0;
}

/* Parses "d.ddde[+-]x" from %.*e into sh; the point sits after x + 1.
 * Only digits are kept, so a locale's decimal comma does no harm. */
static void shortest_from_e(const char *text, struct shortest *sh)
{
    const char *p = text;

    sh->n_digits = 0;
    for (; *p && *p != 'e'; p++)
        if (*p >= '0' && *p <= '9')
            sh->digits[sh->n_digits++] = *p;
    sh->point = (int)strtol(p + 1, NULL, 10) + 1;
    while (sh->n_digits > 1 && sh->digits[sh->n_digits - 1] == '0')
        sh->n_digits--;
}

/* Finds the fewest digits that read back as d (d finite and > 0); printf
 * rounds to nearest, so that is the candidate JavaScript picks too. The
 * only doubt is at a power of two, where the gap below is half the gap
 * above; all 2098 powers of two were checked against V8: none differ. */
static void shortest_digits(double d, struct shortest *sh)
{
    char text[40];
    int prec;

    for (prec = 1; prec <= 17; prec++) {
        snprintf(text, sizeof(text), "%.*e", prec - 1, d);
        if (strtod(text, NULL) == d)
            break;
    }
    shortest_from_e(text, sh); /* 17 digits always round-trip */
}

/* Lays the digits out as ECMAScript Number::toString does (k = n_digits,
 * n = point): plain decimal for -6 < n <= 21, else exponent form. */
static int number_layout(struct sp_buf *out, const struct shortest *sh)
{
    int k = sh->n_digits, n = sh->point, rc = 0, i;

    if (k <= n && n <= 21) {
        rc |= sp_buf_add(out, sh->digits, (size_t)k);
        for (i = k; i < n; i++)
            rc |= sp_buf_addc(out, '0');
    } else if (0 < n && n <= 21) {
        rc |= sp_buf_add(out, sh->digits, (size_t)n);
        rc |= sp_buf_addc(out, '.');
        rc |= sp_buf_add(out, sh->digits + n, (size_t)(k - n));
    } else if (-6 < n && n <= 0) {
        rc |= sp_buf_adds(out, "0.");
        for (i = n; i < 0; i++)
            rc |= sp_buf_addc(out, '0');
        rc |= sp_buf_add(out, sh->digits, (size_t)k);
    } else {
        rc |= sp_buf_addc(out, sh->digits[0]);
        if (k > 1) {
            rc |= sp_buf_addc(out, '.');
            rc |= sp_buf_add(out, sh->digits + 1, (size_t)(k - 1));
        }
        rc |= sp_buf_printf(out, "e%c%d", n - 1 < 0 ? '-' : '+', abs(n - 1));
    }
    return rc ? -1 : 0;
}

int jsonw_number(struct sp_buf *out, double d)
{
    struct shortest sh = {{0}, 0, 0};
    size_t start = out->len;

    if (isnan(d) || isinf(d))
        return sp_buf_adds(out, "null");
    if (d == 0)
        return sp_buf_addc(out, '0'); /* -0 too, as JavaScript prints it */
    if (d < 0 && sp_buf_addc(out, '-') != 0)
        return -1;
    shortest_digits(fabs(d), &sh);
    if (number_layout(out, &sh) != 0)
        return jsonw_rollback(out, start);
    return 0;
}

static int jsonw_any(struct sp_buf *out, const cJSON *v, int depth);

/* Arrays and objects: members in stored order, keys for objects. */
static int jsonw_container(struct sp_buf *out, const cJSON *v, int depth)
{
    int is_object = cJSON_IsObject(v);
    const cJSON *m;

    if (depth > JSONW_MAX_DEPTH)
        return -1;
    if (sp_buf_addc(out, is_object ? '{' : '[') != 0)
        return -1;
    for (m = v->child; m; m = m->next) {
        if (m != v->child && sp_buf_addc(out, ',') != 0)
            return -1;
        if (is_object) {
            const char *key = m->string ? m->string : "";
            if (jsonw_string(out, key, strlen(key)) != 0 ||
                sp_buf_addc(out, ':') != 0)
                return -1;
        }
        if (jsonw_any(out, m, depth) != 0)
            return -1;
    }
    return sp_buf_addc(out, is_object ? '}' : ']');
}

static int jsonw_any(struct sp_buf *out, const cJSON *v, int depth)
{
    const char *s;

    switch (v->type & 0xff) {
    case cJSON_False: return sp_buf_adds(out, "false");
    case cJSON_True: return sp_buf_adds(out, "true");
    case cJSON_NULL: return sp_buf_adds(out, "null");
    case cJSON_Number: return jsonw_number(out, v->valuedouble);
    case cJSON_String:
        s = v->valuestring ? v->valuestring : "";
        return jsonw_string(out, s, strlen(s));
    case cJSON_Raw:
        return v->valuestring ? sp_buf_adds(out, v->valuestring) : -1;
    case cJSON_Array:
    case cJSON_Object: return jsonw_container(out, v, depth + 1);
    default: return -1; /* cJSON_Invalid */
    }
}

cJSON *jsonw_int(long long n)
{
    char text[24];

    snprintf(text, sizeof(text), "%lld", n);
    return cJSON_CreateRaw(text);
}

int jsonw_add_int(cJSON *object, const char *key, long long n)
{
    return cJSON_AddItemToObject(object, key, jsonw_int(n)) ? 0 : -1;
}

int jsonw_value(struct sp_buf *out, const cJSON *v)
{
    size_t start = out->len;

    if (!v || jsonw_any(out, v, 0) != 0)
        return jsonw_rollback(out, start);
    return 0;
}

/* import/otlp_value.c: OTLP/JSON values: int64 as string or number,
 * AnyValue, KeyValue lists, hex or base64 ids. Knows nothing of spans. */
#include "import/otlp.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hex.h"

int otlp_note_bad(struct otlp_notes *n, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(n->why, sizeof(n->why), fmt, ap);
    va_end(ap);
    return -1;
}

void otlp_note_warn(struct otlp_notes *n, const char *fmt, ...)
{
    va_list ap;

    if (n->n_warn++ > 0)
        return;
    va_start(ap, fmt);
    vsnprintf(n->warn, sizeof(n->warn), fmt, ap);
    va_end(ap);
}

static int value_int64_text(const char *s, int64_t *out)
{
    const char *p = s;
    uint64_t mag = 0, limit = (uint64_t)INT64_MAX;
    int neg = 0;

    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    if (*p == '\0')
        return -1;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        if (mag > (limit + (uint64_t)neg - (uint64_t)(*p - '0')) / 10)
            return -1; /* beyond the int64 range */
        mag = mag * 10 + (uint64_t)(*p - '0');
    }
    if (neg)
        *out = mag == limit + 1 ? INT64_MIN : -(int64_t)mag;
    else
        *out = (int64_t)mag;
    return 0;
}

int otlp_int64(const cJSON *v, int64_t *out)
{
    double d;

    if (cJSON_IsString(v))
        return value_int64_text(v->valuestring, out);
    if (!cJSON_IsNumber(v))
        return -1;
    d = v->valuedouble; /* at most 15 digits: otlp_text quoted the rest */
    if (d != floor(d) || d < -9223372036854775808.0 ||
        d >= 9223372036854775808.0)
        return -1;
    *out = (int64_t)d;
    return 0;
}

static cJSON *value_double(const cJSON *v)
{
    const char *s;
    char *end;
    double d;

    if (cJSON_IsNumber(v))
        return cJSON_CreateNumber(v->valuedouble);
    if (!cJSON_IsString(v))
        return NULL;
    s = v->valuestring;
    if (strcmp(s, "NaN") == 0 || strcmp(s, "Infinity") == 0 ||
        strcmp(s, "-Infinity") == 0)
        return cJSON_CreateString(s);
    errno = 0;
    d = strtod(s, &end);
    if (end == s || *end != '\0')
        return NULL;
    if (isnan(d))
        return cJSON_CreateString("NaN");
    if (isinf(d))
        return cJSON_CreateString(d > 0 ? "Infinity" : "-Infinity");
    return cJSON_CreateNumber(d);
}

static cJSON *value_array(const cJSON *arr, const char *key,
                          struct otlp_notes *notes)
{
    const cJSON *values = cJSON_GetObjectItemCaseSensitive(arr, "values");
    const cJSON *el;
    cJSON *out = cJSON_CreateArray(), *item;

    if (!out)
        return NULL;
    cJSON_ArrayForEach(el, values)
    {
        item = otlp_any_value(el, key, notes);
        if (item)
            cJSON_AddItemToArray(out, item);
    }
    return out;
}

static cJSON *value_kvlist(const cJSON *kv, struct otlp_notes *notes)
{
    cJSON *out = cJSON_CreateObject();

    if (out &&
        otlp_attrs_merge(out, cJSON_GetObjectItemCaseSensitive(kv, "values"),
                         notes) != 0) {
        cJSON_Delete(out);
        return NULL;
    }
    return out;
}

static int value_is_scalar(const char *name)
{
    static const char *const names[] = {"stringValue", "boolValue", "intValue",
                                        "doubleValue", "bytesValue"};
    size_t k;

    for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
        if (strcmp(name, names[k]) == 0)
            return 1;
    return 0;
}

static cJSON *value_scalar(const cJSON *v, const char *name, int64_t *i)
{
    char text[24];

    if (strcmp(name, "stringValue") == 0 || strcmp(name, "bytesValue") == 0)
        return cJSON_IsString(v) ? cJSON_CreateString(v->valuestring) : NULL;
    if (strcmp(name, "boolValue") == 0) {
        if (cJSON_IsBool(v))
            return cJSON_CreateBool(cJSON_IsTrue(v));
        if (cJSON_IsString(v) && (strcmp(v->valuestring, "true") == 0 ||
                                  strcmp(v->valuestring, "false") == 0))
            return cJSON_CreateBool(v->valuestring[0] == 't');
        return NULL;
    }
    if (strcmp(name, "intValue") == 0) {
        if (otlp_int64(v, i) != 0)
            return NULL;
        snprintf(text, sizeof(text), "%" PRId64, *i);
        return cJSON_CreateString(text);
    }
    return value_double(v);
}

cJSON *otlp_any_value(const cJSON *v, const char *key, struct otlp_notes *notes)
{
    const cJSON *m;
    cJSON *out = NULL;
    int64_t i;

    m = cJSON_IsObject(v) ? v->child : NULL;
    for (; m && !out; m = m->next) {
        if (!m->string)
            continue;
        if (strcmp(m->string, "arrayValue") == 0)
            out = cJSON_IsObject(m) ? value_array(m, key, notes) : NULL;
        else if (strcmp(m->string, "kvlistValue") == 0)
            out = cJSON_IsObject(m) ? value_kvlist(m, notes) : NULL;
        else if (value_is_scalar(m->string))
            out = value_scalar(m, m->string, &i);
        else
            continue;
        if (!out)
            break;
    }
    if (!out)
        otlp_note_warn(notes, "attribute \"%s\" has no valid value; dropped",
                       key);
    return out;
}

static int value_put(cJSON *obj, const char *key, cJSON *item)
{
    if (cJSON_GetObjectItemCaseSensitive(obj, key))
        return cJSON_ReplaceItemInObjectCaseSensitive(obj, key, item) ? 0 : -1;
    if (cJSON_GetArraySize(obj) >= OTLP_MAX_ATTRS) {
        cJSON_Delete(item);
        return 1;
    }
    return cJSON_AddItemToObject(obj, key, item) ? 0 : -1;
}

int otlp_attrs_merge(cJSON *obj, const cJSON *kvlist, struct otlp_notes *n)
{
    const cJSON *kv, *key;
    cJSON *item;
    int rc;

    if (kvlist && !cJSON_IsArray(kvlist)) {
        otlp_note_warn(n, "attributes are not an array; dropped");
        return 0;
    }
    cJSON_ArrayForEach(kv, kvlist)
    {
        key = cJSON_GetObjectItemCaseSensitive(kv, "key");
        if (!cJSON_IsString(key)) {
            otlp_note_warn(n, "an attribute has no key; dropped");
            continue;
        }
        item = otlp_any_value(cJSON_GetObjectItemCaseSensitive(kv, "value"),
                              key->valuestring, n);
        if (!item)
            continue;
        rc = value_put(obj, key->valuestring, item);
        if (rc < 0)
            return -1;
        if (rc > 0)
            otlp_note_warn(n,
                           "more than %d attributes; \"%s\" and later "
                           "ones dropped",
                           OTLP_MAX_ATTRS, key->valuestring);
    }
    return 0;
}

void otlp_value_text(const cJSON *v, char *buf, size_t n)
{
    if (cJSON_IsString(v))
        snprintf(buf, n, "\"%.48s\"", v->valuestring);
    else if (cJSON_IsNumber(v))
        snprintf(buf, n, "%.17g", v->valuedouble);
    else if (cJSON_IsBool(v))
        snprintf(buf, n, "%s", cJSON_IsTrue(v) ? "true" : "false");
    else if (cJSON_IsArray(v) || cJSON_IsObject(v))
        snprintf(buf, n, "%s", cJSON_IsArray(v) ? "an array" : "an object");
    else
        snprintf(buf, n, "null");
}

/* Base64 of exactly nbytes, standard or URL-safe alphabet. */
static int value_id_base64(const char *s, size_t len, size_t nbytes,
                           unsigned char *raw)
{
    char std[33];
    size_t i;

    if (len > 32)
        return -1;
    for (i = 0; i < len; i++)
        std[i] = (char)(s[i] == '-' ? '+' : s[i] == '_' ? '/' : s[i]);
    return sp_base64_decode(std, len, raw, nbytes) == (long)nbytes ? 0 : -1;
}

int otlp_id(const cJSON *v, size_t nbytes, char *hex)
{
    unsigned char raw[16];
    const char *s;
    size_t len;

    if (!v || cJSON_IsNull(v))
        return 1;
    if (!cJSON_IsString(v) || nbytes > sizeof(raw))
        return -1;
    s = v->valuestring;
    len = strlen(s);
    if (len == 0)
        return 1;
    if (len == 2 * nbytes && sp_hex_is_valid(s, len)) {
        sp_hex_lower(s, len, hex);
    } else {
        if (value_id_base64(s, len, nbytes, raw) != 0)
            return -1;
        sp_hex_encode(raw, nbytes, hex);
    }
    return sp_hex_is_zero(hex, 2 * nbytes) ? 1 : 0;
}

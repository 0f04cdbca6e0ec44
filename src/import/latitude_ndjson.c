/* import/latitude_ndjson.c: reads `latitude-ndjson` (dumps.md §1), one span
 * row per line with an optional metadata member kept verbatim. Knows the
 * line format; columns go through latitude_row, spans through import_put. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "import/import.h"
#include "import/input.h"
#include "import/latitude_row.h"
#include "util/jsonarena.h"

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

/* Parses one JSON value at p with cJSON, which also tells where it ended:
 * that end gives the value's raw text (numbers keep every digit, metadata
 * is stored verbatim). */
static cJSON *parse_value(const char *p, const char *end, const char **after)
{
    return cJSON_ParseWithLengthOpts(p, (size_t)(end - p), after, 0);
}

/* Hands one member to the row: strings decoded, numbers as raw text. */
static int set_member(struct latitude_row *row, const char *key, const cJSON *v,
                      const char *raw, size_t rawlen, char *why, size_t whylen)
{
    if (cJSON_IsNull(v))
        return latitude_row_set(row, key, NULL, 0, 1, why, whylen);
    if (cJSON_IsString(v))
        return latitude_row_set(row, key, v->valuestring,
                                strlen(v->valuestring), 0, why, whylen);
    if (cJSON_IsNumber(v))
        return latitude_row_set(row, key, raw, rawlen, 0, why, whylen);
    if (cJSON_IsBool(v))
        return latitude_row_set(row, key, cJSON_IsTrue(v) ? "true" : "false",
                                cJSON_IsTrue(v) ? 4 : 5, 0, why, whylen);
    snprintf(why, whylen, "%s must be a string, number or null", key);
    return -1;
}

static int set_metadata(struct latitude_row *row, const cJSON *v,
                        const char *raw, size_t rawlen)
{
    if (!cJSON_IsObject(v))
        return -1; /* export.md §9: not an object counts as missing */
    row->span.metadata = raw;
    row->span.metadata_len = rawlen;
    return 0;
}

/* Whether JSON text holds the escape \u0000: cJSON's strings end at a NUL,
 * so text after it would be lost without a word. (A backslash occurs only
 * inside strings of valid JSON.) */
static int has_nul_escape(const char *p, size_t len)
{
    const char *end = p + len;

    while ((p = memchr(p, '\\', (size_t)(end - p))) != NULL) {
        if (end - p >= 6 && p[1] == 'u' && memcmp(p + 2, "0000", 4) == 0)
            return 1;
        p += 2; /* past the escaped character */
        if (p >= end)
            break;
    }
    return 0;
}

/* Whether the JSON text at p nests more arrays and objects than cJSON
 * reads (CJSON_NESTING_LIMIT), strings skipped: then that, not a syntax
 * error, is why it does not parse. */
static int too_deep(const char *p, const char *end)
{
    int depth = 0, in_string = 0;

    for (; p < end; p++) {
        if (in_string) {
            if (*p == '\\')
                p++;
            else if (*p == '"')
                in_string = 0;
        } else if (*p == '"') {
            in_string = 1;
        } else if (*p == '{' || *p == '[') {
            if (++depth >= CJSON_NESTING_LIMIT)
                return 1;
        } else if (*p == '}' || *p == ']') {
            depth--;
        }
    }
    return 0;
}

/* A string with no escape and no control character, as every key and
 * most values are: its bytes are what cJSON would decode it to, so it is
 * taken as it stands. Returns the length between the quotes, or -1 when
 * cJSON must read it. */
static long plain_string(const char *p, const char *end)
{
    const char *close, *q;

    if (p >= end || *p != '"')
        return -1;
    close = memchr(p + 1, '"', (size_t)(end - p - 1));
    if (!close)
        return -1;
    for (q = p + 1; q < close; q++)
        if (*q == '\\' || (unsigned char)*q < 0x20)
            return -1;
    return close - (p + 1);
}

/* `null` followed by the end of the value. */
static int plain_null(const char *p, const char *end)
{
    return end - p >= 4 && memcmp(p, "null", 4) == 0 &&
           (end - p == 4 || strchr(",} \t\r\n", p[4]));
}

/* The member name at p into key (keylen bytes; a longer one is no column,
 * *is_long says so); *after is where it ends. -1 when p holds no string. */
static int parse_key(const char *p, const char *end, char *key, size_t keylen,
                     int *is_long, const char **after)
{
    long n = plain_string(p, end);
    cJSON *k;

    if (n >= 0) {
        size_t kept = (size_t)n < keylen ? (size_t)n : keylen - 1;

        *is_long = (size_t)n >= keylen;
        memcpy(key, p + 1, kept);
        key[kept] = '\0';
        *after = p + n + 2;
        return 0;
    }
    k = parse_value(p, end, after);
    if (!cJSON_IsString(k)) {
        cJSON_Delete(k);
        return -1;
    }
    *is_long = strlen(k->valuestring) >= keylen;
    snprintf(key, keylen, "%s", k->valuestring);
    cJSON_Delete(k);
    return 0;
}

/* The value at raw for member key; *after is where it ends. */
static int parse_member(struct latitude_row *row, const char *key,
                        const char *raw, const char *end, const char **after,
                        int *bad_metadata, char *why, size_t whylen)
{
    int is_metadata = strcmp(key, "metadata") == 0;
    long n = is_metadata ? -1 : plain_string(raw, end);
    cJSON *val;
    int rc = 0;

    if (n >= 0) {
        *after = raw + n + 2;
        return latitude_row_set(row, key, raw + 1, (size_t)n, 0, why, whylen);
    }
    if (plain_null(raw, end)) {
        *after = raw + 4;
        return is_metadata
                   ? 0
                   : latitude_row_set(row, key, NULL, 0, 1, why, whylen);
    }
    val = raw < end ? parse_value(raw, end, after) : NULL;
    if (!val && raw < end && too_deep(raw, end)) {
        snprintf(why, whylen,
                 "member \"%.40s\" nests arrays and objects deeper than "
                 "%d levels, the limit",
                 key, CJSON_NESTING_LIMIT);
        return -1;
    }
    if (!val) {
        snprintf(why, whylen, "invalid JSON in member \"%.40s\"", key);
        return -1;
    }
    if (!is_metadata)
        rc =
            set_member(row, key, val, raw, (size_t)(*after - raw), why, whylen);
    else if (set_metadata(row, val, raw, (size_t)(*after - raw)) != 0)
        *bad_metadata = 1;
    cJSON_Delete(val);
    return rc;
}

/* Reads the members of the object at p into row; names in nul_member the
 * first member whose text holds \u0000. */
static int parse_record(struct latitude_row *row, const char *p,
                        const char *end, int *bad_metadata, char *nul_member,
                        size_t nul_len, char *why, size_t whylen)
{
    p = skip_ws(p, end);
    if (p == end || *p != '{') {
        snprintf(why, whylen, "not a JSON object");
        return -1;
    }
    p = skip_ws(p + 1, end);
    while (p < end && *p != '}') {
        char key[64];
        const char *after, *raw;
        int is_long;

        if (parse_key(p, end, key, sizeof(key), &is_long, &after) != 0) {
            snprintf(why, whylen, "invalid JSON: expected a member name");
            return -1;
        }
        if (is_long) /* no column's name: read, then ignored */
            snprintf(key, sizeof(key), "(long name)");
        p = skip_ws(after, end);
        raw = p < end && *p == ':' ? skip_ws(p + 1, end) : end;
        if (parse_member(row, key, raw, end, &after, bad_metadata, why,
                         whylen) != 0)
            return -1;
        if (!*nul_member && has_nul_escape(raw, (size_t)(after - raw)))
            snprintf(nul_member, nul_len, "%s", key);
        p = skip_ws(after, end);
        if (p < end && *p == ',')
            p = skip_ws(p + 1, end);
        else if (p < end && *p != '}') {
            snprintf(why, whylen, "invalid JSON: expected , or }");
            return -1;
        }
    }
    if (p == end) {
        snprintf(why, whylen, "invalid JSON: the object is not closed");
        return -1;
    }
    if (skip_ws(p + 1, end) != end) {
        snprintf(why, whylen, "unexpected text after the JSON object");
        return -1;
    }
    return latitude_row_finish(row, why, whylen);
}

int read_latitude_ndjson(struct import_ctx *ctx, struct sp_err *err)
{
    struct latitude_row row;
    char why[256], nul_member[64];
    char *line, *nul;
    size_t len;
    int rc, bad_metadata, is_bad, failed = 0;

    latitude_row_init(&row);
    while ((rc = input_line(ctx->in, &line, &len, err)) == 1) {
        uint64_t lineno = input_lineno(ctx->in);

        if (skip_ws(line, line + len) == line + len)
            continue; /* blank lines are allowed */
        if (lineno == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
            line += 3;
            len -= 3;
        }
        nul = memchr(line, '\0', len); /* cJSON would cut the text there */
        if (nul) {
            if (import_bad(ctx, lineno, err,
                           "holds a raw NUL byte (byte %zu of the line), "
                           "which JSON text cannot hold (a string writes "
                           "it \\u0000); the record is skipped",
                           (size_t)(nul - line) + 1) != 0) {
                failed = 1;
                break;
            }
            continue;
        }
        latitude_row_reset(&row);
        bad_metadata = 0;
        sp_json_arena_begin(); /* the row copies what it keeps */
        nul_member[0] = '\0';
        is_bad = parse_record(&row, line, line + len, &bad_metadata, nul_member,
                              sizeof(nul_member), why, sizeof(why)) != 0;
        sp_json_arena_end();
        if (is_bad) {
            if (import_bad(ctx, lineno, err, "%s", why) != 0) {
                failed = 1;
                break;
            }
            continue;
        }
        if (nul_member[0])
            import_warn(ctx, lineno,
                        "%s of %s:%s holds \\u0000; its text ends there "
                        "(PostgreSQL text cannot hold it either)",
                        nul_member, row.span.trace_id, row.span.id);
        if (bad_metadata)
            import_warn(ctx, lineno,
                        "metadata of %s:%s is not a JSON object; kept "
                        "without it",
                        row.span.trace_id, row.span.id);
        if (import_put(ctx, &row.span, err) != 0) {
            sp_err_prefix(err, "%s:%llu", input_name(ctx->in),
                          (unsigned long long)lineno);
            failed = 1;
            break;
        }
    }
    latitude_row_free(&row);
    return rc == -1 || failed ? -1 : 0;
}

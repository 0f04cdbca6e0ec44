/* export/row_message.c: format_message (export.md §5, §9) and the
 * JavaScript trim. Knows cJSON, jsonw and sp_buf; nothing of SQL or plugins. */
#include "export/row.h"

#include <string.h>

#include "util/jsonw.h"

#define THOUGHT_IN_PRIVATE "Thought in private..."

/* The member JSON.parse would keep: with duplicate keys, the last one. */
static const cJSON *member(const cJSON *obj, const char *name)
{
    const cJSON *m, *found = NULL;

    for (m = obj->child; m; m = m->next)
        if (m->string && strcmp(m->string, name) == 0)
            found = m;
    return found;
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char to_lower(char c)
{
    static const char lower[] = "abcdefghijklmnopqrstuvwxyz";

    if (c >= 'A' && c <= 'Z') /* ASCII only: no locale may change a URL */
        return lower[c - 'A'];
    return c;
}

static int add_lower(struct sp_buf *out, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (sp_buf_addc(out, to_lower(s[i])) != 0)
            return -1;
    return 0;
}

/* The index of the ':' ending an RFC 3986 scheme
 * (ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )), or 0 when there is none. */
static size_t scheme_end(const char *s, size_t len)
{
    size_t i;

    if (len == 0 || !is_alpha(s[0]))
        return 0;
    for (i = 1; i < len; i++) {
        char c = s[i];
        if (c == ':')
            return i;
        if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' &&
            c != '.')
            return 0;
    }
    return 0;
}

/* The schemes whose empty path the WHATWG parser turns into "/". */
static int has_slash_path(const char *scheme, size_t n)
{
    static const char *const special[] = {"http", "https", "ws", "wss", "ftp"};
    size_t i, k;

    for (i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
        if (strlen(special[i]) != n)
            continue;
        for (k = 0; k < n && to_lower(scheme[k]) == special[i][k]; k++)
            ;
        if (k == n)
            return 1;
    }
    return 0;
}

/* "//[userinfo@]host[:port]" starting at s[*i], host lowercased, the rest
 * as written; moves *i past the authority. */
static int add_authority(struct sp_buf *out, const char *s, size_t len,
                         size_t *i)
{
    size_t a = *i + 2, e = a, h, hend, k;

    while (e < len && s[e] != '/' && s[e] != '?' && s[e] != '#')
        e++;
    h = a;
    for (k = a; k < e; k++)
        if (s[k] == '@')
            h = k + 1; /* the last '@' ends the user info */
    hend = h;
    if (hend < e && s[hend] == '[') { /* IPv6 literal: its ':' are not a port */
        while (hend < e && s[hend] != ']')
            hend++;
        hend += hend < e;
    } else {
        while (hend < e && s[hend] != ':')
            hend++;
    }
    *i = e;
    if (sp_buf_add(out, s + a - 2, h - (a - 2)) != 0 || /* "//" userinfo@ */
        add_lower(out, s + h, hend - h) != 0 ||
        sp_buf_add(out, s + hend, e - hend) != 0)
        return -1;
    return 0;
}

/* Appends an absolute URL normalised as export.md §5 and §9 say. */
static int add_url(struct sp_buf *out, const char *s, size_t len)
{
    size_t colon = scheme_end(s, len), i = colon + 1;

    if (add_lower(out, s, i) != 0)
        return -1;
    if (len - i < 2 || s[i] != '/' || s[i + 1] != '/')
        return sp_buf_add(out, s + i, len - i); /* no host: as written */
    if (add_authority(out, s, len, &i) != 0)
        return -1;
    if (has_slash_path(s, colon) && (i == len || s[i] != '/') &&
        sp_buf_addc(out, '/') != 0)
        return -1;
    return sp_buf_add(out, s + i, len - i);
}

/* image / file parts: the URL in v normalised, or the placeholder. */
static int add_media(struct sp_buf *out, const cJSON *v,
                     const char *placeholder)
{
    const char *s;
    size_t len, colon;

    if (!cJSON_IsString(v) || !v->valuestring)
        return sp_buf_adds(out, placeholder);
    s = v->valuestring;
    len = strlen(s);
    colon = scheme_end(s, len);
    if (colon == 0 || colon + 1 == len) /* "data:" alone is no URL */
        return sp_buf_adds(out, placeholder);
    return add_url(out, s, len);
}

/* A string member v as is; a missing or null one gives `absent`, any
 * other value "". */
static int add_text(struct sp_buf *out, const cJSON *v, const char *absent)
{
    if (!v || cJSON_IsNull(v))
        return sp_buf_adds(out, absent);
    if (cJSON_IsString(v) && v->valuestring)
        return sp_buf_adds(out, v->valuestring);
    return 0;
}

static int add_part(struct sp_buf *out, const cJSON *part)
{
    const cJSON *type = member(part, "type");
    const char *t = cJSON_IsString(type) ? type->valuestring : NULL;

    if (!t)
        return 0;
    if (strcmp(t, "text") == 0)
        return add_text(out, member(part, "text"), "");
    if (strcmp(t, "reasoning") == 0)
        return add_text(out, member(part, "text"), THOUGHT_IN_PRIVATE);
    if (strcmp(t, "redacted-reasoning") == 0)
        return add_text(out, member(part, "data"), THOUGHT_IN_PRIVATE);
    if (strcmp(t, "image") == 0)
        return add_media(out, member(part, "image"), "[IMAGE]");
    if (strcmp(t, "file") == 0)
        return add_media(out, member(part, "file"), "[FILE]");
    if (strcmp(t, "tool-call") == 0 || strcmp(t, "tool-result") == 0)
        return jsonw_value(out, part);
    return 0; /* any other type is an empty piece */
}

/* The parts mapped and joined with "\n"; MALFORMED at a non-object part. */
static int add_parts(struct sp_buf *out, const cJSON *content)
{
    const cJSON *part;

    for (part = content->child; part; part = part->next) {
        if (!cJSON_IsObject(part))
            return ROW_MESSAGE_MALFORMED;
        if (part != content->child && sp_buf_addc(out, '\n') != 0)
            return ROW_MESSAGE_NOMEM;
        if (add_part(out, part) != 0)
            return ROW_MESSAGE_NOMEM;
    }
    return ROW_MESSAGE_OK;
}

int row_format_message(const cJSON *msg, struct sp_buf *out)
{
    const cJSON *content = cJSON_IsObject(msg) ? member(msg, "content") : NULL;
    size_t start = out->len, n;
    const char *t;
    int rc;

    if (content && cJSON_IsString(content) && content->valuestring)
        rc = sp_buf_adds(out, content->valuestring) == 0 ? ROW_MESSAGE_OK
                                                         : ROW_MESSAGE_NOMEM;
    else if (content && cJSON_IsArray(content))
        rc = add_parts(out, content);
    else
        rc = ROW_MESSAGE_MALFORMED;
    if (rc != ROW_MESSAGE_OK) { /* nothing of this message stays in out */
        out->len = start;
        if (out->data)
            out->data[start] = '\0';
        return rc;
    }
    if (!out->data)
        return ROW_MESSAGE_OK;
    n = out->len - start;
    t = row_js_trim(out->data + start, &n);
    memmove(out->data + start, t, n);
    out->len = start + n;
    out->data[out->len] = '\0';
    return ROW_MESSAGE_OK;
}

/* Bytes of the JavaScript white space character at p[0..n), or 0. */
static size_t js_space_at(const unsigned char *p, size_t n)
{
    if (n >= 1 && ((p[0] >= 0x09 && p[0] <= 0x0d) || p[0] == 0x20))
        return 1;
    if (n >= 2 && p[0] == 0xc2 && p[1] == 0xa0) /* U+00A0 */
        return 2;
    if (n < 3)
        return 0;
    if ((p[0] == 0xe1 && p[1] == 0x9a && p[2] == 0x80) || /* U+1680 */
        (p[0] == 0xe2 && p[1] == 0x80 &&
         ((p[2] >= 0x80 && p[2] <= 0x8a) || p[2] == 0xa8 || p[2] == 0xa9 ||
          p[2] == 0xaf)) || /* U+2000-200A, U+2028/2029, U+202F */
        (p[0] == 0xe2 && p[1] == 0x81 && p[2] == 0x9f) || /* U+205F */
        (p[0] == 0xe3 && p[1] == 0x80 && p[2] == 0x80) || /* U+3000 */
        (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf))   /* U+FEFF */
        return 3;
    return 0;
}

/* Bytes of the white space character ending at p[n - 1], or 0. */
static size_t js_space_before(const unsigned char *p, size_t n)
{
    size_t k;

    for (k = 1; k <= 3 && k <= n; k++)
        if (js_space_at(p + n - k, k) == k)
            return k;
    return 0;
}

const char *row_js_trim(const char *s, size_t *len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = *len, k;

    while (n > 0) {
        k = js_space_at(p, n);
        if (k == 0)
            break;
        p += k;
        n -= k;
    }
    while (n > 0) {
        k = js_space_before(p, n);
        if (k == 0)
            break;
        n -= k;
    }
    *len = n;
    return (const char *)p;
}

/* import/otlp_text.c: OTLP/JSON as text, before cJSON: sniffing, big ints,
 * NaN, depth, span lines. Knows JSON lexing and a few OTLP key names. */
#include "import/otlp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum text_frame {
    FRAME_OBJECT = 'o',
    FRAME_ARRAY = 'a',
    FRAME_SPANS = 's', /* the array value of a "spans" key */
};

/* The scanner's state (steps return 0, -1 out of memory, -2 with why); the
 * stack holds one byte per open container. */
struct text_scan {
    struct otlp_text *t;
    const char *in;
    size_t n, i;
    uint64_t line;
    char stack[OTLP_MAX_DEPTH + 1];
    int depth, max_depth;
    int last_string_is_spans; /* the last string closed was "spans" */
    int value_is_spans;       /* ... and a ':' followed it */
};

void otlp_text_init(struct otlp_text *t)
{
    sp_buf_init(&t->json, OTLP_MAX_DOC_BYTES + (OTLP_MAX_DOC_BYTES >> 3));
    t->span_lines = NULL;
    t->n_span_lines = 0;
    t->cap_span_lines = 0;
}

void otlp_text_free(struct otlp_text *t)
{
    sp_buf_free(&t->json);
    free(t->span_lines);
    otlp_text_init(t);
}

static int text_note_span(struct otlp_text *t, uint64_t line)
{
    uint64_t *p;
    size_t cap;

    if (t->n_span_lines == t->cap_span_lines) {
        cap = t->cap_span_lines ? t->cap_span_lines * 2 : 64;
        p = realloc(t->span_lines, cap * sizeof(*p));
        if (!p)
            return -1;
        t->span_lines = p;
        t->cap_span_lines = cap;
    }
    t->span_lines[t->n_span_lines++] = line;
    return 0;
}

/* Copies a string token (its quotes included) and says if it is "spans". */
static int text_string(struct text_scan *s)
{
    size_t start = s->i;

    s->i++;
    while (s->i < s->n && s->in[s->i] != '"') {
        if (s->in[s->i] == '\\' && s->i + 1 < s->n)
            s->i++;
        else if (s->in[s->i] == '\n')
            s->line++;
        s->i++;
    }
    if (s->i < s->n)
        s->i++;
    s->last_string_is_spans =
        s->i - start == 7 && memcmp(s->in + start, "\"spans\"", 7) == 0;
    return sp_buf_add(&s->t->json, s->in + start, s->i - start);
}

static int text_quoted(struct text_scan *s, size_t start)
{
    if (sp_buf_addc(&s->t->json, '"') != 0 ||
        sp_buf_add(&s->t->json, s->in + start, s->i - start) != 0)
        return -1;
    return sp_buf_addc(&s->t->json, '"');
}

/* A number token, or the words NaN / Infinity / -Infinity. */
static int text_number(struct text_scan *s)
{
    static const char *const words[] = {"NaN", "Infinity", "-Infinity"};
    size_t start = s->i, digits = 0, k, len;
    int integer = 1;

    for (k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
        len = strlen(words[k]);
        if (s->n - start >= len && memcmp(s->in + start, words[k], len) == 0) {
            s->i = start + len;
            return text_quoted(s, start);
        }
    }
    if (s->in[s->i] == '-')
        s->i++;
    while (s->i < s->n && strchr("0123456789+-.eE", s->in[s->i]) &&
           s->in[s->i] != '\0') {
        if (s->in[s->i] >= '0' && s->in[s->i] <= '9')
            digits++;
        else
            integer = 0;
        s->i++;
    }
    if (s->i == start) /* a lone sign or a stray letter: cJSON says no */
        s->i++;
    if (integer && digits >= 16) /* beyond 2^53: a double loses digits */
        return text_quoted(s, start);
    return sp_buf_add(&s->t->json, s->in + start, s->i - start);
}

static int text_open(struct text_scan *s, char c, char *why, size_t whylen)
{
    char frame = c == '{' ? FRAME_OBJECT : FRAME_ARRAY;

    if (s->depth >= s->max_depth) {
        snprintf(why, whylen, "JSON nested deeper than %d levels",
                 s->max_depth);
        return -2;
    }
    if (c == '[' && s->value_is_spans)
        frame = FRAME_SPANS;
    if (c == '{' && s->depth > 0 && s->stack[s->depth - 1] == FRAME_SPANS &&
        text_note_span(s->t, s->line) != 0)
        return -1;
    s->stack[s->depth++] = frame;
    return sp_buf_addc(&s->t->json, c);
}

static int text_step(struct text_scan *s, char *why, size_t whylen)
{
    char c = s->in[s->i];
    int spans = s->value_is_spans, rc;

    s->value_is_spans = 0;
    if (c == '"')
        return text_string(s);
    if (c == '-' || (c >= '0' && c <= '9') || c == 'N' || c == 'I')
        return text_number(s);
    s->i++;
    if (c == '{' || c == '[') {
        s->value_is_spans = spans;
        rc = text_open(s, c, why, whylen);
        s->value_is_spans = 0;
        return rc;
    }
    if ((c == '}' || c == ']') && s->depth > 0)
        s->depth--;
    else if (c == ':')
        s->value_is_spans = s->last_string_is_spans;
    else if (c == ' ' || c == '\t' || c == '\r')
        s->value_is_spans = spans;
    else if (c == '\n') {
        s->line++;
        s->value_is_spans = spans;
    }
    return sp_buf_addc(&s->t->json, c);
}

int otlp_text_prepare(struct otlp_text *t, const char *in, size_t n,
                      int max_depth, char *why, size_t whylen)
{
    struct text_scan s;
    int rc;

    memset(&s, 0, sizeof(s));
    s.t = t;
    s.in = in;
    s.n = n;
    s.max_depth = max_depth < OTLP_MAX_DEPTH ? max_depth : OTLP_MAX_DEPTH;
    sp_buf_reset(&t->json);
    t->n_span_lines = 0;
    if (memchr(in, '\0', n)) { /* cJSON would cut a string there */
        snprintf(why, whylen, "%s", OTLP_RAW_NUL);
        return -1;
    }
    if (sp_buf_reserve(&t->json, n + 1) != 0)
        goto nomem;
    while (s.i < n) {
        rc = text_step(&s, why, whylen);
        if (rc == -2)
            return -1;
        if (rc != 0)
            goto nomem;
    }
    return 0;
nomem:
    snprintf(why, whylen, "out of memory preparing %zu bytes of JSON", n);
    return -2;
}

/* The nesting depth of JSON text, strings skipped; stops past limit. */
static int text_depth(const char *s, size_t n, int limit)
{
    int depth = 0, deepest = 0, in_string = 0;
    size_t i;

    for (i = 0; i < n && deepest <= limit; i++) {
        if (in_string) {
            if (s[i] == '\\')
                i++;
            else if (s[i] == '"')
                in_string = 0;
        } else if (s[i] == '"') {
            in_string = 1;
        } else if (s[i] == '{' || s[i] == '[') {
            if (++depth > deepest)
                deepest = depth;
        } else if (s[i] == '}' || s[i] == ']') {
            depth--;
        }
    }
    return deepest;
}

cJSON *otlp_json_parse(const char *s, size_t n, int *too_deep)
{
    const char *end = NULL;
    cJSON *v;

    *too_deep = 0;
    while (n > 0 && strchr(" \t\r\n", *s) && *s != '\0') {
        s++;
        n--;
    }
    if (n == 0 || (*s != '{' && *s != '['))
        return NULL; /* only arrays and objects count as JSON here */
    if (text_depth(s, n, OTLP_MAX_EMBED_DEPTH) > OTLP_MAX_EMBED_DEPTH) {
        *too_deep = 1;
        return NULL;
    }
    v = cJSON_ParseWithLengthOpts(s, n, &end, 0);
    if (!v)
        return NULL;
    while (end < s + n && strchr(" \t\r\n", *end) && *end != '\0')
        end++;
    if (end != s + n) {
        cJSON_Delete(v);
        return NULL;
    }
    return v;
}

/* 1 when `"key"` followed by a ':' occurs outside a string escape. */
static int sniff_key(const char *p, size_t n, const char *key)
{
    size_t klen = strlen(key), i;
    const char *hit;

    for (i = 0; i + klen + 2 <= n; i = (size_t)(hit - p) + 1) {
        hit = memmem(p + i, n - i, key, klen);
        if (!hit)
            return 0;
        if (hit == p || hit[-1] != '"' || (hit > p + 1 && hit[-2] == '\\'))
            continue;
        i = (size_t)(hit - p) + klen;
        if (i >= n || p[i] != '"')
            continue;
        for (i++; i < n && strchr(" \t\r\n", p[i]) && p[i] != '\0'; i++)
            ;
        if (i < n && p[i] == ':')
            return 1;
    }
    return 0;
}

int otlp_sniff(const char *p, size_t n)
{
    static const char *const keys[] = {
        "resourceSpans",  "batches", "scopeSpans",
        "trace_requests", "pbreq",   "instrumentationLibrarySpans",
    };
    size_t k;

    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        p += 3;
        n -= 3;
    }
    while (n > 0 && strchr(" \t\r\n", *p) && *p != '\0') {
        p++;
        n--;
    }
    if (n == 0 || (*p != '{' && *p != '['))
        return 0;
    for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
        if (sniff_key(p, n, keys[k]))
            return 1;
    return 0;
}

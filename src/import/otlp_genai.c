/* import/otlp_genai.c: a completion's provider, model, configuration, tokens,
 * cost and finish reason (latitude-reference §7.3). Knows no OTLP shapes. */
#include "import/otlp.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GET(o, k) cJSON_GetObjectItemCaseSensitive((o), (k))
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The first of keys holding a non-empty string. */
static const char *genai_first_string(const cJSON *a, const char *const *keys,
                                      size_t n)
{
    const cJSON *v;
    size_t k;

    for (k = 0; k < n; k++) {
        v = GET(a, keys[k]);
        if (cJSON_IsString(v) && v->valuestring[0])
            return v->valuestring;
    }
    return NULL;
}

int otlp_camel_case(const char *s, struct sp_buf *out)
{
    int words = 0, in_word = 0, rc = 0;
    unsigned char c, prev = 0;

    sp_buf_reset(out);
    for (; *s && rc == 0; prev = c, s++) {
        c = (unsigned char)*s;
        if (!isascii(c) || !isalnum(c)) {
            in_word = 0;
            continue;
        }
        if (in_word && isupper(c) && (islower(prev) || isdigit(prev)))
            in_word = 0; /* "maxTokens": a new word at the capital */
        if (!in_word) {
            in_word = 1;
            rc = sp_buf_addc(out, (char)(words++ ? toupper(c) : tolower(c)));
        } else {
            rc = sp_buf_addc(out, (char)tolower(c));
        }
    }
    if (rc == 0 && !out->data)
        rc = sp_buf_add(out, "", 0);
    return rc;
}

/* Adds key: value to obj, camelCasing the key; a later duplicate replaces
 * the earlier value in place, as Object.fromEntries does. */
static int genai_put_camel(cJSON *obj, const char *key, const cJSON *value,
                           struct sp_buf *tmp)
{
    cJSON *item;

    if (otlp_camel_case(key, tmp) != 0)
        return -1;
    item = cJSON_Duplicate(value, 1);
    if (!item)
        return -1;
    if (GET(obj, tmp->data))
        return cJSON_ReplaceItemInObjectCaseSensitive(obj, tmp->data, item)
                   ? 0
                   : -1;
    return cJSON_AddItemToObject(obj, tmp->data, item) ? 0 : -1;
}

static cJSON *genai_config_json(const cJSON *a)
{
    static const char *const keys[] = {"gen_ai.request.configuration",
                                       "llm.invocation_parameters",
                                       "ai.settings"};
    const cJSON *v;
    cJSON *parsed;
    size_t k;
    int too_deep;

    for (k = 0; k < COUNT(keys); k++) {
        v = GET(a, keys[k]);
        if (cJSON_IsObject(v))
            return cJSON_Duplicate(v, 1);
        if (!cJSON_IsString(v))
            continue;
        parsed =
            otlp_json_parse(v->valuestring, strlen(v->valuestring), &too_deep);
        if (cJSON_IsObject(parsed))
            return parsed;
        cJSON_Delete(parsed);
    }
    return NULL;
}

/* configuration: a JSON object attribute, else every gen_ai.request.* key
 * but a few; keys camelCased either way. */
static cJSON *genai_configuration(const cJSON *a)
{
    static const char *const skip[] = {"id", "configuration", "template",
                                       "parameters", "messages"};
    cJSON *src = genai_config_json(a), *out = cJSON_CreateObject();
    const cJSON *from = src ? src : a, *kv;
    struct sp_buf tmp;
    const char *rest;
    size_t k;

    sp_buf_init(&tmp, 0);
    cJSON_ArrayForEach(kv, from)
    {
        rest = kv->string;
        if (!src && strncmp(rest, "gen_ai.request.", 15) != 0)
            continue;
        rest += src ? 0 : 15;
        for (k = 0; !src && k < COUNT(skip); k++)
            if (strcmp(rest, skip[k]) == 0)
                break;
        if (!src && k < COUNT(skip))
            continue;
        if (!out || genai_put_camel(out, rest, kv, &tmp) != 0) {
            cJSON_Delete(out);
            out = NULL;
            break;
        }
    }
    sp_buf_free(&tmp);
    cJSON_Delete(src);
    return out;
}

/* Number(value), kept when an integer: numbers, and numeric strings. */
static int genai_count(const cJSON *v, int64_t *out)
{
    double d;
    char *end = NULL;

    if (!v)
        return -1;
    if (otlp_int64(v, out) == 0)
        return 0;
    if (cJSON_IsNumber(v)) {
        d = v->valuedouble;
    } else if (cJSON_IsString(v)) {
        d = strtod(v->valuestring, &end);
        if (end == v->valuestring || *end != '\0')
            return -1;
    } else {
        return -1;
    }
    if (!isfinite(d) || d != floor(d) || fabs(d) >= 9007199254740992.0)
        return -1;
    *out = (int64_t)d;
    return 0;
}

static int64_t genai_first_count(const cJSON *a, const char *const *keys,
                                 size_t n)
{
    int64_t v;
    size_t k;

    for (k = 0; k < n; k++)
        if (genai_count(GET(a, keys[k]), &v) == 0)
            return v;
    return 0;
}

/* The sum of the valid counts among keys; 0 when none is. */
static int genai_sum_counts(const cJSON *a, const char *const *keys, size_t n,
                            int64_t *sum)
{
    int64_t v;
    size_t k;
    int found = 0;

    *sum = 0;
    for (k = 0; k < n; k++) {
        if (genai_count(GET(a, keys[k]), &v) == 0) {
            *sum += v;
            found = 1;
        }
    }
    return found;
}

static int64_t genai_cached(const cJSON *a)
{
    static const char *const oi[] = {
        "llm.token_count.prompt_details.cache_input",
        "llm.token_count.prompt_details.cache_read",
        "llm.token_count.prompt_details.cache_write"};
    static const char *const llmetry[] = {
        "gen_ai.usage.cache_creation_input_tokens",
        "gen_ai.usage.cache_read_input_tokens"};
    static const char *const genai[] = {
        "gen_ai.usage.cache_read.input_tokens",
        "gen_ai.usage.cache_creation.input_tokens"};
    int64_t v;

    /* Latitude tests this one for truth: a 0 falls through. */
    if (genai_count(GET(a, "gen_ai.usage.cached_tokens"), &v) == 0 && v != 0)
        return v;
    if (genai_sum_counts(a, oi, COUNT(oi), &v) ||
        genai_sum_counts(a, llmetry, COUNT(llmetry), &v) ||
        genai_sum_counts(a, genai, COUNT(genai), &v))
        return v;
    return 0;
}

static cJSON *genai_tokens(const cJSON *a, struct sp_span *row)
{
    static const char *const prompt[] = {
        "gen_ai.usage.prompt_tokens", "gen_ai.usage.input_tokens",
        "llm.token_count.prompt", "ai.usage.promptTokens"};
    static const char *const reasoning[] = {
        "gen_ai.usage.reasoning_tokens",
        "llm.token_count.completion_details.reasoning"};
    static const char *const completion[] = {
        "gen_ai.usage.completion_tokens", "gen_ai.usage.output_tokens",
        "llm.token_count.completion", "ai.usage.completionTokens"};
    cJSON *t = cJSON_CreateObject();

    row->tokens_prompt.value = genai_first_count(a, prompt, COUNT(prompt));
    row->tokens_cached.value = genai_cached(a);
    row->tokens_reasoning.value =
        genai_first_count(a, reasoning, COUNT(reasoning));
    row->tokens_completion.value =
        genai_first_count(a, completion, COUNT(completion));
    row->tokens_prompt.is_set = row->tokens_cached.is_set = 1;
    row->tokens_reasoning.is_set = row->tokens_completion.is_set = 1;
    if (!t ||
        !cJSON_AddNumberToObject(t, "prompt",
                                 (double)row->tokens_prompt.value) ||
        !cJSON_AddNumberToObject(t, "cached",
                                 (double)row->tokens_cached.value) ||
        !cJSON_AddNumberToObject(t, "reasoning",
                                 (double)row->tokens_reasoning.value) ||
        !cJSON_AddNumberToObject(t, "completion",
                                 (double)row->tokens_completion.value)) {
        cJSON_Delete(t);
        return NULL;
    }
    return t;
}

/* A decimal number's text as digits and a power of ten: value = sign *
 * digits * 10^exp10. -1 when s is not a decimal number. */
struct genai_decimal {
    const char *digits; /* int and fraction digits, '.' skipped on read */
    size_t n_int, n_frac;
    long exp10; /* of the last fraction digit */
    int negative;
};

static int genai_decimal_parse(const char *s, struct genai_decimal *d)
{
    long e = 0;
    int eneg = 0;

    memset(d, 0, sizeof(*d));
    if (*s == '-' || *s == '+')
        d->negative = *s++ == '-';
    d->digits = s;
    while (isdigit((unsigned char)s[d->n_int]))
        d->n_int++;
    s += d->n_int;
    if (*s == '.')
        while (isdigit((unsigned char)s[1 + d->n_frac]))
            d->n_frac++;
    if (d->n_int + d->n_frac == 0)
        return -1;
    s += *s == '.' ? 1 + d->n_frac : 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '-' || *s == '+')
            eneg = *s++ == '-';
        if (!isdigit((unsigned char)*s))
            return -1;
        for (; isdigit((unsigned char)*s); s++)
            e = e < 100000 ? e * 10 + (*s - '0') : e;
    }
    d->exp10 = (eneg ? -e : e) - (long)d->n_frac;
    return *s == '\0' ? 0 : -1;
}

/* The i-th digit of d (int digits, then fraction digits). */
static int genai_digit(const struct genai_decimal *d, size_t i)
{
    return d->digits[i < d->n_int ? i : i + 1] - '0';
}

/* round(d * 10^scale) half away from zero: 0, or 1 beyond int64. */
static int genai_decimal_scale(const struct genai_decimal *d, long scale,
                               int64_t *out)
{
    size_t n = d->n_int + d->n_frac, keep, i;
    long e = d->exp10 + scale;
    uint64_t mag = 0, limit = (uint64_t)INT64_MAX + (uint64_t)d->negative;

    keep = e >= 0 ? n : (size_t)-e >= n ? 0 : n - (size_t)-e;
    for (i = 0; i < keep + (e > 0 ? (size_t)e : 0); i++) {
        int dig = i < keep ? genai_digit(d, i) : 0;
        if (mag > (limit - (uint64_t)dig) / 10)
            return 1;
        mag = mag * 10 + (uint64_t)dig;
        if (mag == 0 && i >= keep)
            break; /* zeros times any power of ten */
    }
    /* the first digit dropped decides; past n it is an implied zero */
    if (e < 0 && (size_t)-e <= n && genai_digit(d, keep) >= 5) {
        if (mag == limit)
            return 1;
        mag++;
    }
    *out = d->negative ? (int64_t)(0 - mag) : (int64_t)mag;
    return 0;
}

int otlp_cost_units(const cJSON *v, int64_t *out)
{
    char text[40];
    struct genai_decimal d;
    int p;

    if (cJSON_IsNumber(v)) {
        if (!isfinite(v->valuedouble))
            return -1;
        for (p = 0; p < 17; p++) { /* the shortest text that round-trips */
            snprintf(text, sizeof(text), "%.*e", p, v->valuedouble);
            if (strtod(text, NULL) == v->valuedouble)
                break;
        }
    } else if (cJSON_IsString(v)) {
        if (genai_decimal_parse(v->valuestring, &d) != 0)
            return -1;
        return genai_decimal_scale(&d, 5, out);
    } else {
        return -1;
    }
    if (genai_decimal_parse(text, &d) != 0)
        return -1;
    return genai_decimal_scale(&d, 5, out);
}

static int genai_cost(cJSON *meta, const cJSON *a, struct sp_span *row,
                      struct otlp_notes *notes)
{
    static const char *const keys[] = {"gen_ai.usage.cost", "llm.cost.total"};
    int64_t units;
    size_t k;
    int rc;

    for (k = 0; k < COUNT(keys); k++) {
        rc = otlp_cost_units(GET(a, keys[k]), &units);
        if (rc < 0)
            continue;
        if (rc > 0) {
            otlp_note_warn(notes,
                           "%s is beyond the cost column's range; "
                           "cost stored as null",
                           keys[k]);
            return 0;
        }
        row->cost.value = units;
        row->cost.is_set = 1;
        return cJSON_AddNumberToObject(meta, "cost", (double)units) ? 0 : -1;
    }
    return 0;
}

/* The finish reason's text: the first element of an array, or the value. */
static const char *genai_reason_text(const cJSON *v)
{
    if (cJSON_IsArray(v))
        v = cJSON_GetArrayItem(v, 0);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *genai_finish_reason(const cJSON *a)
{
    static const char *const keys[] = {
        "gen_ai.response.finish_reasons", "llm.response.finish_reason",
        "llm.response.stop_reason", "ai.response.finishReason"};
    static const char *const known[][2] = {
        {"stop", "stop"},
        {"length", "length"},
        {"contentFilter", "content-filter"},
        {"toolCalls", "tool-calls"},
        {"error", "error"},
        {"other", "other"},
    };
    const char *text = NULL, *reason = "unknown";
    struct sp_buf camel;
    size_t k;

    for (k = 0; k < COUNT(keys) && !text; k++)
        text = genai_reason_text(GET(a, keys[k]));
    sp_buf_init(&camel, 0);
    if (text && otlp_camel_case(text, &camel) == 0)
        for (k = 0; k < COUNT(known); k++)
            if (strcmp(camel.data, known[k][0]) == 0)
                reason = known[k][1];
    sp_buf_free(&camel);
    return reason;
}

static int genai_messages(cJSON *meta, const cJSON *a, const cJSON *events,
                          int is_error, struct otlp_notes *notes)
{
    cJSON *calls = cJSON_CreateObject(), *input = NULL, *output = NULL;
    int rc = -1;

    if (!calls)
        goto done;
    input = otlp_input_messages(a, events, calls, notes);
    if (!input || !cJSON_AddItemToObject(meta, "input", input))
        goto done;
    input = NULL;
    if (!is_error) { /* a failed call has no output (dumps.md §4.1) */
        output = otlp_output_messages(a, events, calls, notes);
        if (!output || !cJSON_AddItemToObject(meta, "output", output))
            goto done;
        output = NULL;
    }
    rc = 0;
done:
    cJSON_Delete(output);
    cJSON_Delete(input);
    cJSON_Delete(calls);
    return rc;
}

int otlp_completion(cJSON *meta, const cJSON *attrs, const cJSON *events,
                    int is_error, struct sp_span *row, struct otlp_notes *notes)
{
    static const char *const providers[] = {
        "gen_ai.provider.name", "gen_ai.system", "llm.system", "llm.provider",
        "ai.model.provider"};
    static const char *const models[] = {
        "gen_ai.response.model", "gen_ai.request.model", "llm.model_name",
        "ai.response.model", "ai.model.id"};
    const char *provider = genai_first_string(attrs, providers, 5);
    const char *model = genai_first_string(attrs, models, 5);
    cJSON *config, *tokens, *item;

    item = cJSON_AddStringToObject(meta, "provider", provider ? provider : "");
    row->provider = provider && item ? item->valuestring : NULL;
    item = cJSON_AddStringToObject(meta, "model", model ? model : "");
    row->model = model && item ? item->valuestring : NULL;
    config = genai_configuration(attrs);
    if (!item || !config ||
        !cJSON_AddItemToObject(meta, "configuration", config)) {
        cJSON_Delete(config);
        return -1;
    }
    if (genai_messages(meta, attrs, events, is_error, notes) != 0)
        return -1;
    tokens = genai_tokens(attrs, row);
    if (!tokens || !cJSON_AddItemToObject(meta, "tokens", tokens)) {
        cJSON_Delete(tokens);
        return -1;
    }
    if (genai_cost(meta, attrs, row, notes) != 0 ||
        !cJSON_AddStringToObject(meta, "finishReason",
                                 genai_finish_reason(attrs)))
        return -1;
    return 0;
}

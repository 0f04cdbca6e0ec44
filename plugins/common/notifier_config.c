/* plugins/common/notifier_config.c: parses a notifier's config section by
 * a table of keys, and formats the notifiers' one-line error messages. */
#include "notifier_config.h"

#include <stdio.h>
#include <string.h>

int nc_vfail(char *err, size_t errlen, const char *who, int status,
             const char *fmt, va_list ap)
{
    int n = snprintf(err, errlen, "%s: ", who);

    if (n >= 0 && (size_t)n < errlen)
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
    return status;
}

int nc_fail(char *err, size_t errlen, const char *who, int status,
            const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    nc_vfail(err, errlen, who, status, fmt, ap);
    va_end(ap);
    return status;
}

/* One byte as text: itself when printable ASCII, else an escape. */
static void byte_text(unsigned char c, char out[5])
{
    static const char names[] = "\tt\nn\rr";
    const char *named = c ? strchr(names, c) : NULL;

    if (named && (named - names) % 2 == 0)
        snprintf(out, 5, "\\%c", named[1]);
    else if (c < 0x20 || c >= 0x7f)
        snprintf(out, 5, "\\x%02x", c);
    else
        snprintf(out, 5, "%c", c);
}

const char *nc_shown(const char *s, char *out, size_t outlen)
{
    size_t i, o = 0, n;
    char one[5];

    for (i = 0; s[i]; i++) {
        byte_text((unsigned char)s[i], one);
        if ((unsigned char)s[i] >= 0x80)
            snprintf(one, sizeof one, "%c", s[i]); /* UTF-8 kept */
        n = strlen(one);
        if (o + n + 1 > outlen)
            break;
        memcpy(out + o, one, n);
        o += n;
    }
    if (outlen)
        out[o] = '\0';
    return out;
}

const char *nc_byte_shown(unsigned char c, char *out, size_t outlen)
{
    char one[5];

    byte_text(c, one);
    if (c == ' ')
        snprintf(out, outlen, "a space");
    else if (c < 0x20 || c >= 0x7f)
        snprintf(out, outlen, "%s", one);
    else
        snprintf(out, outlen, "'%s'", one);
    return out;
}

static int set_value(const struct nc_section *sec, const struct nc_key *k,
                     const cJSON *item, void *config, char *err, size_t errlen)
{
    char *field = (char *)config + k->offset;
    double v = item->valuedouble;

    if (cJSON_IsNull(item))
        return 0; /* null is unset, as if the key were absent */
    switch (k->kind) {
    case NC_STRING:
        if (!cJSON_IsString(item))
            return nc_fail(err, errlen, sec->name, -1,
                           "config: \"%s\" must be a string", k->name);
        /* "" is unset: an empty SPANPORT_SMTP_PASSWORD sets no password */
        *(const char **)field = *item->valuestring ? item->valuestring : NULL;
        return 0;
    case NC_BOOL:
        if (!cJSON_IsBool(item))
            return nc_fail(err, errlen, sec->name, -1,
                           "config: \"%s\" must be true or false", k->name);
        *(int *)field = cJSON_IsTrue(item);
        return 0;
    case NC_SECONDS:
        if (!cJSON_IsNumber(item) || v < 1 || v > (double)sec->seconds_max ||
            v != (double)(long)v)
            return nc_fail(err, errlen, sec->name, -1,
                           "config: \"%s\" must be a whole number of seconds "
                           "from 1 to %ld",
                           k->name, sec->seconds_max);
        *(long *)field = (long)v;
        return 0;
    }
    return -1;
}

/* The section's key names, comma separated, for a message. */
static const char *key_names(const struct nc_section *sec, char *out,
                             size_t outlen)
{
    size_t i, used = 0;

    out[0] = '\0';
    for (i = 0; i < sec->n_keys && used < outlen; i++) {
        int n = snprintf(out + used, outlen - used, "%s%s", i ? ", " : "",
                         sec->keys[i].name);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return out;
}

int nc_load(const struct nc_section *sec, const char *json, void *config,
            cJSON **root, char *err, size_t errlen)
{
    const cJSON *item;
    char names[400];
    size_t i;

    *root = cJSON_Parse(json ? json : "{}");
    if (!cJSON_IsObject(*root))
        return nc_fail(err, errlen, sec->name, -1,
                       "config: the %s section is not a JSON object; fix the "
                       "config file",
                       sec->name);
    cJSON_ArrayForEach(item, *root)
    {
        for (i = 0; i < sec->n_keys; i++)
            if (strcmp(item->string, sec->keys[i].name) == 0)
                break;
        if (i == sec->n_keys)
            return nc_fail(err, errlen, sec->name, -1,
                           "config: unknown key \"%.40s\" in the %s section; "
                           "known keys: %s",
                           item->string, sec->name,
                           key_names(sec, names, sizeof names));
        if (set_value(sec, &sec->keys[i], item, config, err, errlen) != 0)
            return -1;
    }
    return 0;
}

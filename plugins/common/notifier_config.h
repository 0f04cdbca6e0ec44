/* plugins/common/notifier_config.h: what the notifier plugins share: their
 * config section parser and their one-line error messages. */
#ifndef NOTIFIER_CONFIG_H
#define NOTIFIER_CONFIG_H

#include <stdarg.h>
#include <stddef.h>

#include <cjson/cJSON.h>

enum nc_kind {
    NC_STRING,  /* const char *: "" and null are unset (NULL) */
    NC_BOOL,    /* int: 0 or 1 */
    NC_SECONDS, /* long: a whole number from 1 to the section's maximum */
};

/* One key a section may hold, and where its value goes in the config. */
struct nc_key {
    const char *name;
    enum nc_kind kind;
    size_t offset;
};

/* A plugin's config section: every key it may hold (another is a typo). */
struct nc_section {
    const char *name; /* "smtp": prefixes every message */
    const struct nc_key *keys;
    size_t n_keys;
    long seconds_max;
};

/* Fills err with "<who>: " and the message; returns status. */
int nc_fail(char *err, size_t errlen, const char *who, int status,
            const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int nc_vfail(char *err, size_t errlen, const char *who, int status,
             const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));

/* A copy of s fit to quote in a one-line message: control bytes become
 * escapes (\r, \n, \t, \x7f), and a long value is cut. Never used on a
 * secret. */
const char *nc_shown(const char *s, char *out, size_t outlen);

/* One byte named for a message: 'x', "a space", \r, \x00. */
const char *nc_byte_shown(unsigned char c, char *out, size_t outlen);

/* Parses the section's JSON text (NULL: empty) into the fields of config,
 * which the caller has set to its defaults. *root owns every string set
 * and is set (or NULL) whatever the outcome; the caller deletes it. The
 * text is never quoted in a message: it may hold a secret. Returns 0, or
 * -1 with err filled. */
int nc_load(const struct nc_section *sec, const char *json, void *config,
            cJSON **root, char *err, size_t errlen);

#endif

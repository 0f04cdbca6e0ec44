/* util/jsonw.h: writes JSON the way JavaScript's JSON.stringify does.
 * Compact output, keys in stored order, numbers in their shortest
 * round-trip form (1.0 -> 1, 1e5 -> 100000, 1e21 -> 1e+21), strings with
 * non-ASCII as UTF-8 and only " \ and C0 controls escaped. Used for tool
 * parts in rows and for NDJSON; knows cJSON and struct sp_buf only. */
#ifndef SP_JSONW_H
#define SP_JSONW_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "util/buf.h"

/* Appends s[0..len) as a JSON string literal with its quotes. */
int jsonw_string(struct sp_buf *out, const char *s, size_t len);

/* Appends a double as JavaScript's Number.prototype.toString prints it;
 * NaN and the infinities become null, as JSON.stringify does. */
int jsonw_number(struct sp_buf *out, double d);

/* A JSON number item holding n exactly: cJSON numbers are doubles, which
 * round integers past 2^53 (9007199254740993 would print ...992). The item
 * is cJSON_Raw: its digits are in ->valuestring, ->valuedouble is 0. NULL
 * when out of memory. */
cJSON *jsonw_int(long long n);
/* Adds jsonw_int(n) to an object; 0 or -1 (out of memory). */
int jsonw_add_int(cJSON *object, const char *key, long long n);

/* Appends a whole cJSON value compactly. Returns 0 or -1 (out of memory,
 * or nesting deeper than 512). */
int jsonw_value(struct sp_buf *out, const cJSON *v);

#endif

/* util/utf8.h: UTF-8 repair as a JavaScript runtime decodes bytes: each
 * maximal invalid subsequence becomes U+FFFD. Pure byte work. */
#ifndef SP_UTF8_H
#define SP_UTF8_H

#include <stddef.h>

#include "util/buf.h"

/* The length of the longest prefix of s[0..len) that is valid UTF-8. */
size_t sp_utf8_valid_prefix(const char *s, size_t len);

/* Appends s[0..len) to out with every maximal invalid subsequence (the
 * WHATWG Encoding Standard's UTF-8 decoder; what Node's TextDecoder and
 * Buffer#toString do) replaced by U+FFFD. -1 when out cannot grow. */
int sp_utf8_repair(const char *s, size_t len, struct sp_buf *out);

#endif

/* util/hex.h: ids as text: hex validation and case folding, base64, UUIDs.
 * Pure functions over bytes; knows nothing of spans or the store. */
#ifndef SP_HEX_H
#define SP_HEX_H

#include <stddef.h>
#include <stdint.h>

/* 1 when s[0..len) is exactly `len` hex digits (any case), else 0. */
int sp_hex_is_valid(const char *s, size_t len);

/* Copies len hex digits of s into out lowercased and NUL-terminates it;
 * out holds len + 1 bytes. Returns 0, or -1 when s is not all hex. */
int sp_hex_lower(const char *s, size_t len, char *out);

/* 1 when the len hex digits are all '0'. */
int sp_hex_is_zero(const char *s, size_t len);

/* Lowercase hex of n bytes into out (2n + 1 bytes). */
void sp_hex_encode(const unsigned char *p, size_t n, char *out);

/* Standard base64 (RFC 4648, '+/', padding optional) decode into out (cap
 * bytes). Returns the number of bytes, or -1 on bad input or overflow. */
long sp_base64_decode(const char *s, size_t len, unsigned char *out,
                      size_t cap);

/* Standard base64 with padding; out holds 4 * ((n + 2) / 3) + 1 bytes. */
void sp_base64_encode(const unsigned char *p, size_t n, char *out);

/* 1 when s is a UUID in 8-4-4-4-12 hex form (any case). */
/* s as one URL path segment (RFC 3986): every byte but the unreserved
 * A-Z a-z 0-9 - . _ ~ as %XX. Returns a malloc'd string or NULL. */
char *sp_percent_encode(const char *s);

int sp_uuid_is_valid(const char *s, size_t len);

/* A random version 4 UUID, lowercase, into out (37 bytes). Returns 0 or -1
 * when no randomness is available. */
int sp_uuid_v4(char *out);

#endif

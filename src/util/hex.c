/* util/hex.c: hex digits, base64, URL and UUID text, random v4 UUIDs.
 * Pure byte work plus one read of the system's randomness; no spans. */
#include "util/hex.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* getrandom(2) came with glibc 2.25; configure may also say so. */
#if defined(HAVE_GETRANDOM) ||                                                 \
    (defined(__GLIBC__) &&                                                     \
     (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 25)))
#include <sys/random.h>
#define SP_HAVE_GETRANDOM 1
#endif

static const char HEX_DIGITS[] = "0123456789abcdef";
static const char B64_DIGITS[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* 0-15 for a hex digit of either case, -1 otherwise. */
static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int sp_hex_is_valid(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (hex_value(s[i]) < 0)
            return 0;
    return 1;
}

int sp_hex_lower(const char *s, size_t len, char *out)
{
    size_t i;

    for (i = 0; i < len; i++) {
        int v = hex_value(s[i]);
        if (v < 0)
            return -1;
        out[i] = HEX_DIGITS[v];
    }
    out[len] = '\0';
    return 0;
}

int sp_hex_is_zero(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        if (s[i] != '0')
            return 0;
    return 1;
}

void sp_hex_encode(const unsigned char *p, size_t n, char *out)
{
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = HEX_DIGITS[p[i] >> 4];
        out[2 * i + 1] = HEX_DIGITS[p[i] & 0x0f];
    }
    out[2 * n] = '\0';
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Unused low bits of a final partial group are ignored, as most decoders
 * (Go, Node, OpenSSL) do; padding, when present, must complete the group. */
long sp_base64_decode(const char *s, size_t len, unsigned char *out, size_t cap)
{
    size_t i, n = 0, pad = 0;
    unsigned long acc = 0;
    int bits = 0;

    while (pad < 2 && len > 0 && s[len - 1] == '=') {
        len--;
        pad++;
    }
    if (len % 4 == 1 || (pad && (len + pad) % 4 != 0))
        return -1;
    for (i = 0; i < len; i++) {
        int v = b64_value(s[i]);
        if (v < 0)
            return -1;
        acc = (acc << 6 | (unsigned long)v) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (n == cap)
                return -1;
            out[n++] = (unsigned char)(acc >> bits);
        }
    }
    return (long)n;
}

void sp_base64_encode(const unsigned char *p, size_t n, char *out)
{
    size_t i, o = 0;

    for (i = 0; i + 2 < n; i += 3) {
        unsigned long v =
            (unsigned long)p[i] << 16 | (unsigned long)p[i + 1] << 8 | p[i + 2];
        out[o++] = B64_DIGITS[v >> 18];
        out[o++] = B64_DIGITS[v >> 12 & 63];
        out[o++] = B64_DIGITS[v >> 6 & 63];
        out[o++] = B64_DIGITS[v & 63];
    }
    if (i < n) {
        unsigned long v = (unsigned long)p[i] << 16;
        if (i + 1 < n)
            v |= (unsigned long)p[i + 1] << 8;
        out[o++] = B64_DIGITS[v >> 18];
        out[o++] = B64_DIGITS[v >> 12 & 63];
        if (i + 1 < n)
            out[o++] = B64_DIGITS[v >> 6 & 63];
        else
            out[o++] = '=';
        out[o++] = '=';
    }
    out[o] = '\0';
}

int sp_uuid_is_valid(const char *s, size_t len)
{
    size_t i;

    if (len != 36)
        return 0;
    for (i = 0; i < len; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : hex_value(s[i]) < 0)
            return 0;
    }
    return 1;
}

/* Fills p with n bytes from the kernel's CSPRNG. */
static int random_bytes(unsigned char *p, size_t n)
{
    size_t got = 0;
    ssize_t r;
    int fd, rc = -1;

#ifdef SP_HAVE_GETRANDOM
    while (got < n) {
        r = getrandom(p + got, n - got, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break; /* ENOSYS on old kernels: fall back to the device */
        got += (size_t)r;
    }
    if (got == n)
        return 0;
#endif
    fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    while (got < n) {
        r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            goto done;
        got += (size_t)r;
    }
    rc = 0;
done:
    close(fd);
    return rc;
}

int sp_uuid_v4(char *out)
{
    unsigned char b[16];
    size_t i, o = 0;

    if (random_bytes(b, sizeof(b)) != 0)
        return -1;
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = HEX_DIGITS[b[i] >> 4];
        out[o++] = HEX_DIGITS[b[i] & 0x0f];
    }
    out[o] = '\0';
    return 0;
}

char *sp_percent_encode(const char *s)
{
    static const char digits[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = malloc(3 * n + 1), *o = out;

    if (!out)
        return NULL;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
            c == '~') {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = digits[c >> 4];
            *o++ = digits[c & 15];
        }
    }
    *o = '\0';
    return out;
}

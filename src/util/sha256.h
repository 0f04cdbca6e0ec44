/* util/sha256.h: streaming SHA-256 with a lowercase hex digest.
 * A thin wrapper over OpenSSL's EVP; knows files only in sp_sha256_file. */
#ifndef SP_SHA256_H
#define SP_SHA256_H

#include <stddef.h>

#include "util/err.h"

#define SP_SHA256_HEX_LEN 65 /* 64 hex digits and a NUL */

/* Invariant: ctx is NULL before init and after final or free, so
 * sp_sha256_free is always safe to call on a zeroed or finished struct. */
struct sp_sha256 {
    void *ctx; /* an EVP_MD_CTX, owned; kept opaque to spare callers OpenSSL */
};

/* Starts a digest. Returns 0, or -1 (out of memory). */
int sp_sha256_init(struct sp_sha256 *h);

/* Feeds n bytes. Returns 0 or -1. */
int sp_sha256_update(struct sp_sha256 *h, const void *p, size_t n);

/* Writes the digest as 64 lowercase hex digits and a NUL, and frees the
 * context whatever happens. Returns 0 or -1. */
int sp_sha256_final(struct sp_sha256 *h, char hex[SP_SHA256_HEX_LEN]);

/* Drops an unfinished digest (for error paths). */
void sp_sha256_free(struct sp_sha256 *h);

/* The SHA-256 of a whole file. Returns 0, or -1 with err naming the file. */
int sp_sha256_file(const char *path, char hex[SP_SHA256_HEX_LEN],
                   struct sp_err *err);

#endif

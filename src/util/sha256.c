/* util/sha256.c: SHA-256 over OpenSSL EVP, in pieces or of a whole file.
 * Knows OpenSSL and stdio; nothing of exports or the store. */
#include "util/sha256.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "util/hex.h"

int sp_sha256_init(struct sp_sha256 *h)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();

    h->ctx = NULL;
    if (!ctx)
        return -1;
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(ctx);
        return -1;
    }
    h->ctx = ctx;
    return 0;
}

int sp_sha256_update(struct sp_sha256 *h, const void *p, size_t n)
{
    if (!h->ctx)
        return -1;
    if (n == 0)
        return 0;
    return EVP_DigestUpdate(h->ctx, p, n) == 1 ? 0 : -1;
}

int sp_sha256_final(struct sp_sha256 *h, char hex[SP_SHA256_HEX_LEN])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    int rc = -1;

    hex[0] = '\0';
    if (!h->ctx)
        return -1;
    if (EVP_DigestFinal_ex(h->ctx, md, &n) == 1 && n == 32) {
        sp_hex_encode(md, n, hex);
        rc = 0;
    }
    sp_sha256_free(h);
    return rc;
}

void sp_sha256_free(struct sp_sha256 *h)
{
    EVP_MD_CTX_free(h->ctx);
    h->ctx = NULL;
}

int sp_sha256_file(const char *path, char hex[SP_SHA256_HEX_LEN],
                   struct sp_err *err)
{
    struct sp_sha256 h = {NULL};
    unsigned char chunk[16384];
    FILE *f = NULL;
    size_t n;
    int rc = -1;

    f = fopen(path, "rb");
    if (!f) {
        sp_err_set(err, SP_EFAIL, "%s: cannot open to compute its SHA-256: %s",
                   path, strerror(errno));
        goto done;
    }
    if (sp_sha256_init(&h) != 0) {
        sp_err_set(err, SP_ENOMEM, "%s: cannot start a SHA-256 digest", path);
        goto done;
    }
    for (;;) {
        n = fread(chunk, 1, sizeof(chunk), f);
        if (n == 0)
            break;
        if (sp_sha256_update(&h, chunk, n) != 0) {
            sp_err_set(err, SP_EFAIL, "%s: SHA-256 digest failed", path);
            goto done;
        }
    }
    if (ferror(f)) {
        sp_err_set(err, SP_EFAIL,
                   "%s: read failed while computing its "
                   "SHA-256: %s",
                   path, strerror(errno));
        goto done;
    }
    if (sp_sha256_final(&h, hex) != 0) {
        sp_err_set(err, SP_EFAIL, "%s: SHA-256 digest failed", path);
        goto done;
    }
    rc = 0;
done:
    sp_sha256_free(&h);
    if (f)
        fclose(f);
    return rc;
}

/* plugins/webhook/webhook_message.c: what a webhook sends: payload, signature.
 * Knows cJSON, OpenSSL and Standard Webhooks; nothing of HTTP or addresses. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "webhook.h"

#define SECRET_PREFIX "whsec_"

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* A string member, or null when the event leaves it empty (sha256, path
 * and url of a failed export, error of a ready one). */
static int add_text(cJSON *obj, const char *key, const char *value,
                    int empty_is_null)
{
    if (empty_is_null && !*nz(value))
        return cJSON_AddNullToObject(obj, key) != NULL;
    return cJSON_AddStringToObject(obj, key, nz(value)) != NULL;
}

static int add_data(cJSON *data, const struct sp_event *ev)
{
    /* cJSON numbers are doubles: exact up to 2^53 rows or bytes. */
    return add_text(data, "export_uuid", ev->export_uuid, 0) &&
           add_text(data, "state", ev->state, 0) &&
           add_text(data, "format", ev->format, 0) &&
           cJSON_AddNumberToObject(data, "rows", (double)ev->rows) &&
           cJSON_AddNumberToObject(data, "bytes", (double)ev->bytes) &&
           add_text(data, "sha256", ev->sha256, 1) &&
           add_text(data, "path", ev->path, 1) &&
           add_text(data, "url", ev->url, 1) &&
           add_text(data, "error", ev->error, 1) &&
           add_text(data, "created_at", ev->created_at, 0) &&
           add_text(data, "finished_at", ev->finished_at, 0);
}

/* The event's time is finished_at, not the time of sending: a retry then
 * posts the very same body. Now, only if the host gave no finished_at. */
char *webhook_payload(const struct sp_event *ev)
{
    int ready = strcmp(nz(ev->state), "ready") == 0;
    cJSON *root = cJSON_CreateObject(), *data;
    char now[32];
    const char *when = nz(ev->finished_at);
    char *out = NULL;
    time_t t = time(NULL);
    struct tm tm;

    if (!*when && gmtime_r(&t, &tm) &&
        strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm) > 0)
        when = now;
    if (!root ||
        !cJSON_AddStringToObject(root, "type",
                                 ready ? "export.ready" : "export.failed") ||
        !cJSON_AddStringToObject(root, "timestamp", when))
        goto done;
    data = cJSON_AddObjectToObject(root, "data");
    if (data && add_data(data, ev))
        out = cJSON_PrintUnformatted(root);
done:
    cJSON_Delete(root);
    return out;
}

int webhook_key_decode(const char *secret, unsigned char *key, size_t *keylen)
{
    const char *b64;
    size_t len;
    EVP_ENCODE_CTX *ctx;
    int n = 0, tail = 0, ok;

    *keylen = 0;
    if (strncmp(secret, SECRET_PREFIX, strlen(SECRET_PREFIX)) != 0)
        return -1;
    b64 = secret + strlen(SECRET_PREFIX);
    len = strlen(b64);
    if (len == 0 || len > (size_t)WEBHOOK_KEY_MAX / 3 * 4) /* fits key */
        return -1;
    ctx = EVP_ENCODE_CTX_new();
    if (!ctx)
        return -1;
    EVP_DecodeInit(ctx);
    ok = EVP_DecodeUpdate(ctx, key, &n, (const unsigned char *)b64, (int)len) >=
             0 &&
         EVP_DecodeFinal(ctx, key + n, &tail) == 1;
    EVP_ENCODE_CTX_free(ctx);
    if (!ok) {
        OPENSSL_cleanse(key, WEBHOOK_KEY_MAX);
        return -1;
    }
    *keylen = (size_t)n + (size_t)tail;
    return 0;
}

static int mac_update(EVP_MAC_CTX *ctx, const char *s)
{
    return EVP_MAC_update(ctx, (const unsigned char *)s, strlen(s));
}

/* id "." timestamp "." body, fed in pieces: no copy of the body. */
int webhook_sign(const unsigned char *key, size_t keylen, const char *id,
                 const char *timestamp, const char *body, char *sig)
{
    char digest_name[] = "SHA256";
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
        OSSL_PARAM_construct_end(),
    };
    unsigned char mac[EVP_MAX_MD_SIZE], b64[WEBHOOK_SIG_MAX - 3];
    size_t mac_len = 0;
    EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
    int ok;

    ok = ctx && EVP_MAC_init(ctx, key, keylen, params) && mac_update(ctx, id) &&
         mac_update(ctx, ".") && mac_update(ctx, timestamp) &&
         mac_update(ctx, ".") && mac_update(ctx, body) &&
         EVP_MAC_final(ctx, mac, &mac_len, sizeof mac) &&
         mac_len == 32; /* base64 of 32 bytes is 44 characters */
    if (ok) {
        EVP_EncodeBlock(b64, mac, (int)mac_len);
        snprintf(sig, WEBHOOK_SIG_MAX, "v1,%s", (const char *)b64);
    }
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(hmac);
    return ok ? 0 : -1;
}

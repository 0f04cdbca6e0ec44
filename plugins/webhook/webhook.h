/* plugins/webhook/webhook.h: what the webhook plugin's three files share.
 * Knows spanport-plugin.h and libcurl's types; nothing outside this dir. */
#ifndef WEBHOOK_H
#define WEBHOOK_H

#include <stddef.h>

#include <curl/curl.h>
#include <spanport-plugin.h>

#include "notifier_config.h" /* nc_shown */

#define WEBHOOK_KEY_MIN 24    /* bytes; Standard Webhooks asks 24 to 64 */
#define WEBHOOK_KEY_MAX 256   /* bytes of key a secret may decode to */
#define WEBHOOK_SIG_MAX 64    /* "v1," and base64 of a SHA-256 HMAC, NUL */
#define WEBHOOK_SHOWN_MAX 160 /* bytes of a target quoted in a message */

/* Fills err with "webhook: " and the message; returns status. */
int webhook_fail(char *err, size_t errlen, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- webhook_addr.c: where a delivery may go ---------------------------- */

struct webhook_target {
    char *host; /* without the brackets of an IPv6 literal; curl_free() */
    char *port; /* decimal, the scheme's default when the URL has none */
    int host_is_literal; /* an IP address, not a name to resolve */
};

/* Parses an http:// or https:// target without user name or password. */
int webhook_target_parse(const char *url, struct webhook_target *t, char *err,
                         size_t errlen);
void webhook_target_free(struct webhook_target *t);

/* Refuses a literal loopback, private, link-local... address unless
 * allowed. Names are left to webhook_resolve: a check does no DNS. */
int webhook_literal_check(const struct webhook_target *t, int allow_private,
                          char *err, size_t errlen);

/* Resolves the host, refuses it if any of its addresses is not public
 * (unless allowed), and on SP_OK sets *pin to a CURLOPT_RESOLVE list that
 * holds exactly the addresses checked (NULL for a literal): DNS gets no
 * second say between the check and the connection. */
int webhook_resolve(const struct webhook_target *t, int allow_private,
                    struct curl_slist **pin, char *err, size_t errlen);

/* ---- webhook_message.c: what is sent ------------------------------------ */

/* The JSON payload of schemas/webhook-payload.schema.json, compact; the
 * caller frees it. NULL when out of memory. */
char *webhook_payload(const struct sp_event *ev);

/* Decodes "whsec_" + base64 into key (WEBHOOK_KEY_MAX bytes); 0 or -1. */
int webhook_key_decode(const char *secret, unsigned char *key, size_t *keylen);

/* Writes "v1," + base64(HMAC-SHA256(key, id "." timestamp "." body)) into
 * sig (WEBHOOK_SIG_MAX bytes); 0 or -1. */
int webhook_sign(const unsigned char *key, size_t keylen, const char *id,
                 const char *timestamp, const char *body, char *sig);

#endif

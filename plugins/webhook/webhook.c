/* plugins/webhook/webhook.c: the webhook notifier: config, checks, the POST.
 * Knows spanport-plugin.h, cJSON and libcurl; payload and addresses are
 * webhook_message.c's and webhook_addr.c's. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>

#include "webhook.h"

#define WEBHOOK_VERSION "0.1.0"
#define WEBHOOK_TIMEOUT_DEFAULT_S 15
#define WEBHOOK_TIMEOUT_MAX_S 600
#define WEBHOOK_RETRY_AFTER_MAX_S 86400 /* a longer wish is read as a day */
#define WEBHOOK_HEADER_MAX 320

struct webhook_config {
    cJSON *root;        /* owns the string below */
    const char *secret; /* "whsec_" + base64; SPANPORT_WEBHOOK_SECRET */
    long timeout_s;
    int allow_private; /* loopback, private and link-local targets too */
};

/* What one delivery needs, set up by webhook_setup. */
struct webhook_job {
    struct webhook_config c;
    struct webhook_target t;
    unsigned char key[WEBHOOK_KEY_MAX]; /* cleansed when done */
    size_t keylen;
};

static const struct nc_key webhook_keys[] = {
    {"secret", NC_STRING, offsetof(struct webhook_config, secret)},
    {"timeout_seconds", NC_SECONDS, offsetof(struct webhook_config, timeout_s)},
    {"allow_private_addresses", NC_BOOL,
     offsetof(struct webhook_config, allow_private)},
};

static const struct nc_section webhook_section = {
    "webhook", webhook_keys, sizeof webhook_keys / sizeof webhook_keys[0],
    WEBHOOK_TIMEOUT_MAX_S};

int webhook_fail(char *err, size_t errlen, int status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    nc_vfail(err, errlen, "webhook", status, fmt, ap);
    va_end(ap);
    return status;
}

/* Parses the webhook section. The text is never quoted in a message: it
 * may hold the secret. c->root is set (or NULL) whatever the outcome. */
static int webhook_config_load(const char *json, struct webhook_config *c,
                               char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->timeout_s = WEBHOOK_TIMEOUT_DEFAULT_S;
    if (nc_load(&webhook_section, json, c, &c->root, err, errlen) != 0)
        return SP_ERROR;
    return SP_OK;
}

/* Loads config, key and target. Whatever it returns, job must be given to
 * webhook_teardown. */
static int webhook_setup(const struct sp_notify_info *info,
                         struct webhook_job *job, char *err, size_t errlen)
{
    struct webhook_config *c = &job->c;
    int rc;

    memset(job, 0, sizeof *job);
    if (webhook_config_load(info->config_json, c, err, errlen) != SP_OK)
        return SP_ERROR;
    if (!c->secret)
        return webhook_fail(err, errlen, SP_ERROR,
                            "no signing secret; set webhook.secret in the "
                            "config file or SPANPORT_WEBHOOK_SECRET to "
                            "whsec_ and a base64 key");
    if (webhook_key_decode(c->secret, job->key, &job->keylen) != 0 ||
        job->keylen < WEBHOOK_KEY_MIN)
        return webhook_fail(err, errlen, SP_ERROR,
                            "the signing secret is not whsec_ and the base64"
                            " of a %d to %d byte key (make one with: echo "
                            "whsec_$(openssl rand -base64 32))",
                            WEBHOOK_KEY_MIN, WEBHOOK_KEY_MAX - 1);
    if (!info->target || !*info->target)
        return webhook_fail(err, errlen, SP_ERROR,
                            "no URL to post to; use --notify "
                            "webhook:https://HOST/PATH");
    rc = webhook_target_parse(info->target, &job->t, err, errlen);
    if (rc != SP_OK)
        return rc;
    return webhook_literal_check(&job->t, c->allow_private, err, errlen);
}

static void webhook_teardown(struct webhook_job *job)
{
    OPENSSL_cleanse(job->key, sizeof job->key);
    webhook_target_free(&job->t);
    cJSON_Delete(job->c.root);
}

static int webhook_check(const struct sp_notify_info *info, char *err,
                         size_t errlen)
{
    struct webhook_job job;
    int rc = webhook_setup(info, &job, err, errlen);

    webhook_teardown(&job);
    return rc;
}

/* ---- the POST ----------------------------------------------------------- */

static size_t discard(char *p, size_t size, size_t nmemb, void *userp)
{
    (void)p;
    (void)userp;
    return size * nmemb;
}

/* Seconds to wait from a Retry-After value: delay-seconds or an HTTP-date
 * (RFC 9110 10.2.3); 0 when absent, past or unreadable. */
static int64_t retry_after_seconds(CURL *curl)
{
    struct curl_header *h = NULL;
    const char *v;
    char *end;
    long long n;
    time_t when, now = time(NULL);

    if (curl_easy_header(curl, "Retry-After", 0, CURLH_HEADER, -1, &h) !=
        CURLHE_OK)
        return 0;
    v = h->value;
    if (*v >= '0' && *v <= '9') {
        errno = 0;
        n = strtoll(v, &end, 10);
        if (*end != '\0')
            return 0;
        if (errno == ERANGE || n > WEBHOOK_RETRY_AFTER_MAX_S)
            return WEBHOOK_RETRY_AFTER_MAX_S;
        return n;
    }
    when = curl_getdate(v, NULL);
    if (when == -1 || when <= now)
        return 0;
    return when - now > WEBHOOK_RETRY_AFTER_MAX_S ? WEBHOOK_RETRY_AFTER_MAX_S
                                                  : when - now;
}

static int transfer_failure(const char *url, CURLcode cc, const char *detail,
                            char *err, size_t errlen)
{
    const char *why = *detail ? detail : curl_easy_strerror(cc);

    switch (cc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_TOO_MANY_REDIRECTS:
        return webhook_fail(err, errlen, SP_ERROR, "posting to %s: %s", url,
                            why);
    default: /* refused, reset, timed out: the receiver may be back later */
        return webhook_fail(err, errlen, SP_RETRY, "posting to %s: %s", url,
                            why); /* the host says whether it tries again */
    }
}

/* Only 2xx is delivered. 3xx is never followed (a redirect could lead to
 * an address the checks did not see) and is permanent; 429 and 5xx are
 * worth another try, at the time the receiver asks for; any other 4xx,
 * 410 Gone above all, says the receiver will not take this. */
static int webhook_outcome(CURL *curl, struct sp_notify_info *info,
                           const char *url, char *err, size_t errlen)
{
    long code = 0;
    char *location = NULL, buf[WEBHOOK_SHOWN_MAX];

    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
    if (code >= 200 && code <= 299)
        return SP_OK;
    if (code >= 300 && code <= 399) {
        curl_easy_getinfo(curl, CURLINFO_REDIRECT_URL, &location);
        return webhook_fail(err, errlen, SP_ERROR,
                            "%s answered %ld, a redirect to %s; redirects "
                            "are not followed: make the final URL the target",
                            url, code,
                            location ? nc_shown(location, buf, sizeof buf)
                                     : "(no Location)");
    }
    if (code == 429 || (code >= 500 && code <= 599)) {
        info->retry_after_seconds = retry_after_seconds(curl);
        if (info->retry_after_seconds > 0)
            return webhook_fail(err, errlen, SP_RETRY,
                                "%s answered %ld (Retry-After: %" PRId64 " s)",
                                url, code, info->retry_after_seconds);
        return webhook_fail(err, errlen, SP_RETRY, "%s answered %ld", url,
                            code);
    }
    if (code == 410)
        return webhook_fail(err, errlen, SP_ERROR,
                            "%s answered 410 Gone: the receiver was removed;"
                            " drop this --notify target",
                            url);
    return webhook_fail(err, errlen, SP_ERROR,
                        "%s answered %ld; the receiver refuses the delivery",
                        url, code);
}

/* The signed headers of Standard Webhooks; the signature covers
 * "id.timestamp.body", and the id is the host's delivery id so that a
 * receiver sees a retry as the same message. NULL when out of memory. */
static struct curl_slist *signed_headers(const struct webhook_job *job,
                                         const char *id, const char *body)
{
    char ts[24], sig[WEBHOOK_SIG_MAX], id_line[WEBHOOK_HEADER_MAX];
    char ts_line[48], sig_line[WEBHOOK_SIG_MAX + 24], agent_line[48];
    const char *const lines[] = {
        "Content-Type: application/json",
        "Expect:", /* no 100-continue round trip */
        agent_line,
        id_line,
        ts_line,
        sig_line,
    };
    struct curl_slist *h = NULL, *next;
    size_t i;

    snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
    if (webhook_sign(job->key, job->keylen, id, ts, body, sig) != 0)
        return NULL;
    snprintf(agent_line, sizeof agent_line, "User-Agent: spanport-webhook/%s",
             WEBHOOK_VERSION);
    snprintf(id_line, sizeof id_line, "webhook-id: %s", id);
    snprintf(ts_line, sizeof ts_line, "webhook-timestamp: %s", ts);
    snprintf(sig_line, sizeof sig_line, "webhook-signature: %s", sig);
    for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        next = curl_slist_append(h, lines[i]);
        if (!next) {
            curl_slist_free_all(h);
            return NULL;
        }
        h = next;
    }
    return h;
}

/* Never CURLOPT_VERBOSE: its trace would show the signature headers. No
 * proxy either: it would connect where the address checks did not look. */
static CURLcode webhook_setopts(CURL *curl, const struct webhook_job *job,
                                const char *url, struct curl_slist *pin,
                                struct curl_slist *headers, const char *body,
                                char *errbuf)
{
    CURLcode cc = curl_easy_setopt(curl, CURLOPT_URL, url);

    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_PROXY, "");
    if (!cc && pin)
        cc = curl_easy_setopt(curl, CURLOPT_RESOLVE, pin);
    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                              (curl_off_t)strlen(body));
    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_TIMEOUT, job->c.timeout_s);
    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    return cc;
}

static int webhook_post(struct sp_notify_info *info,
                        const struct webhook_job *job, struct curl_slist *pin,
                        const char *id, const char *body, char *err,
                        size_t errlen)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *headers = NULL;
    CURL *curl = NULL;
    CURLcode cc;
    int rc;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return webhook_fail(err, errlen, SP_RETRY, "cannot start libcurl");
    curl = curl_easy_init();
    headers = signed_headers(job, id, body);
    if (!curl || !headers) {
        rc = webhook_fail(err, errlen, SP_RETRY,
                          "out of memory or no HMAC-SHA256 in OpenSSL");
        goto done;
    }
    cc = webhook_setopts(curl, job, info->target, pin, headers, body, errbuf);
    if (cc == CURLE_OK)
        cc = curl_easy_perform(curl);
    if (cc == CURLE_OK)
        rc = webhook_outcome(curl, info, info->target, err, errlen);
    else
        rc = transfer_failure(info->target, cc, errbuf, err, errlen);
done:
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    return rc;
}

/* The delivery id goes into a header: printable ASCII, and not long. */
static int event_check(const struct sp_event *ev, char *err, size_t errlen)
{
    const char *state = ev->state ? ev->state : "";
    const char *p = ev->delivery_id ? ev->delivery_id : "";
    size_t n = strlen(p);

    for (; *p; p++)
        if (*p <= 0x20 || *p >= 0x7f)
            break;
    if (n == 0 || n > WEBHOOK_HEADER_MAX - 16 || *p ||
        (strcmp(state, "ready") != 0 && strcmp(state, "failed") != 0))
        return webhook_fail(err, errlen, SP_ERROR,
                            "the event's delivery_id is not printable ASCII "
                            "or its state is not \"ready\" or \"failed\" "
                            "(a bug in the host)");
    return SP_OK;
}

static int webhook_notify(struct sp_notify_info *info,
                          const struct sp_event *ev, char *err, size_t errlen)
{
    struct webhook_job job;
    struct curl_slist *pin = NULL;
    char *body = NULL;
    int rc;

    info->retry_after_seconds = 0;
    rc = webhook_setup(info, &job, err, errlen);
    if (rc != SP_OK)
        goto done;
    rc = event_check(ev, err, errlen);
    if (rc != SP_OK)
        goto done;
    rc = webhook_resolve(&job.t, job.c.allow_private, &pin, err, errlen);
    if (rc != SP_OK)
        goto done;
    body = webhook_payload(ev);
    if (!body) {
        rc = webhook_fail(err, errlen, SP_RETRY, "out of memory");
        goto done;
    }
    rc = webhook_post(info, &job, pin, ev->delivery_id, body, err, errlen);
done:
    free(body);
    curl_slist_free_all(pin);
    webhook_teardown(&job);
    return rc;
}

SP_PLUGIN_EXPORT const struct sp_notifier_plugin spanport_notifier_plugin = {
    .abi_version = SP_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(struct sp_notifier_plugin),
    .name = "webhook",
    .version = WEBHOOK_VERSION,
    .description = "posts a signed JSON event (Standard Webhooks)",
    .check = webhook_check,
    .notify = webhook_notify,
};

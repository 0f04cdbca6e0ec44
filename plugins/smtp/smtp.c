/* plugins/smtp/smtp.c: the smtp notifier: its config, checks and delivery.
 * Knows spanport-plugin.h, cJSON and libcurl; the text is smtp_message.c's. */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <spanport-plugin.h>

#include "notifier_config.h"
#include "smtp_message.h"

#define SMTP_VERSION "0.1.0"
#define SMTP_TIMEOUT_DEFAULT_S 60
#define SMTP_TIMEOUT_MAX_S 3600
#define SMTP_ADDR_MAX 254 /* RFC 5321 4.5.3.1.3, the path less "<>" */
#define SMTP_LOCAL_MAX 64
#define SMTP_SHOWN_MAX 80 /* bytes of a bad value echoed in a message */

struct smtp_config {
    cJSON *root;          /* owns every string below */
    const char *url;      /* smtp://HOST[:PORT] or smtps://HOST[:PORT] */
    const char *from;     /* envelope and From: address */
    const char *username; /* NULL: no AUTH */
    const char *password; /* the host merges SPANPORT_SMTP_PASSWORD in */
    const char *ca_file;  /* NULL: the system's CA store */
    const char *subject_ready;
    const char *subject_failed;
    int starttls; /* smtp:// must upgrade with STARTTLS or fail */
    int smtps;    /* implicit TLS, from the url */
    long timeout_s;
};

/* Every key the smtp section may hold: an unknown one is a typo. */
static const struct nc_key smtp_keys[] = {
    {"url", NC_STRING, offsetof(struct smtp_config, url)},
    {"starttls", NC_BOOL, offsetof(struct smtp_config, starttls)},
    {"from", NC_STRING, offsetof(struct smtp_config, from)},
    {"username", NC_STRING, offsetof(struct smtp_config, username)},
    {"password", NC_STRING, offsetof(struct smtp_config, password)},
    {"ca_file", NC_STRING, offsetof(struct smtp_config, ca_file)},
    {"timeout_seconds", NC_SECONDS, offsetof(struct smtp_config, timeout_s)},
    {"subject_ready", NC_STRING, offsetof(struct smtp_config, subject_ready)},
    {"subject_failed", NC_STRING, offsetof(struct smtp_config, subject_failed)},
};

static const struct nc_section smtp_section = {
    "smtp", smtp_keys, sizeof smtp_keys / sizeof smtp_keys[0],
    SMTP_TIMEOUT_MAX_S};

static int smtp_fail(char *err, size_t errlen, int status, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int smtp_fail(char *err, size_t errlen, int status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    nc_vfail(err, errlen, "smtp", status, fmt, ap);
    va_end(ap);
    return status;
}

/* Parses the smtp section. The text is never quoted in a message: it may
 * hold the password. c->root is set (or NULL) whatever the outcome. */
static int smtp_config_load(const char *json, struct smtp_config *c, char *err,
                            size_t errlen)
{
    memset(c, 0, sizeof *c);
    c->timeout_s = SMTP_TIMEOUT_DEFAULT_S;
    if (nc_load(&smtp_section, json, c, &c->root, err, errlen) != 0)
        return SP_ERROR;
    return SP_OK;
}

static int is_atext(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static int is_domain_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '.';
}

/* The first byte of [p, end) that ok() refuses, or NULL. */
static const char *first_bad(const char *p, const char *end, int (*ok)(char))
{
    for (; p < end; p++)
        if (!ok(*p))
            return p;
    return NULL;
}

static int is_local_char(char c)
{
    return is_atext(c) || c == '.';
}

/* Fills why and returns 1, for address_problem. */
static int explain(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int explain(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return 1;
}

/* 0 when a is a plain addr-spec (dot-atom@host.name), else 1 with what is
 * wrong in why. The address ends at its first @: a later one belongs to
 * the domain, where it is refused. Quoted local parts, address literals
 * and non-ASCII (SMTPUTF8) are refused: none is needed to reach a person,
 * and each is a way to smuggle a line break or a second recipient into
 * the envelope. */
static int address_problem(const char *a, char *why, size_t whylen)
{
    const char *at = strchr(a, '@'), *bad;
    size_t n = strlen(a);
    char c[16];

    if (n > SMTP_ADDR_MAX)
        return explain(why, whylen, "is longer than 254 bytes");
    if (!at || at == a || at[1] == '\0')
        return explain(why, whylen, "is not of the form name@host");
    if ((size_t)(at - a) > SMTP_LOCAL_MAX)
        return explain(why, whylen, "has more than 64 bytes before the @");
    if ((bad = first_bad(a, at, is_local_char)) != NULL)
        return explain(why, whylen,
                       "has %s at byte %d, in the name before the @: it "
                       "needs quoting or SMTPUTF8 (neither is supported)",
                       nc_byte_shown((unsigned char)*bad, c, sizeof c),
                       (int)(bad - a) + 1);
    if ((bad = first_bad(at + 1, a + n, is_domain_char)) != NULL)
        return explain(why, whylen,
                       "has %s at byte %d, in the domain after the @: a "
                       "domain is letters, digits, '-' and '.'",
                       nc_byte_shown((unsigned char)*bad, c, sizeof c),
                       (int)(bad - a) + 1);
    if (a[0] == '.' || at[-1] == '.' || at[1] == '.' || a[n - 1] == '.' ||
        strstr(a, ".."))
        return explain(why, whylen, "has an empty part between dots");
    return 0;
}

/* The url is not quoted when it does not parse or holds a user name: it
 * may hold a password then. */
static int url_check(struct smtp_config *c, char *err, size_t errlen)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *user = NULL, *password = NULL, *host = NULL;
    int rc = SP_ERROR;

    if (!u) {
        rc = smtp_fail(err, errlen, SP_RETRY, "out of memory");
        goto done;
    }
    if (curl_url_set(u, CURLUPART_URL, c->url, CURLU_NON_SUPPORT_SCHEME) ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
        curl_url_get(u, CURLUPART_HOST, &host, 0)) {
        smtp_fail(err, errlen, SP_ERROR,
                  "config: \"url\" is not a URL; write smtp://HOST:PORT or "
                  "smtps://HOST:PORT");
        goto done;
    }
    if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
        curl_url_get(u, CURLUPART_PASSWORD, &password, 0) == CURLUE_OK) {
        smtp_fail(err, errlen, SP_ERROR,
                  "config: \"url\" must not hold a user name or password; "
                  "set smtp.username and SPANPORT_SMTP_PASSWORD instead");
        goto done;
    }
    if (strcmp(scheme, "smtp") != 0 && strcmp(scheme, "smtps") != 0) {
        smtp_fail(err, errlen, SP_ERROR,
                  "config: url %s: the scheme must be smtp:// or smtps://",
                  c->url);
        goto done;
    }
    c->smtps = strcmp(scheme, "smtps") == 0;
    rc = SP_OK;
done:
    curl_free(host);
    curl_free(password);
    curl_free(user);
    curl_free(scheme);
    curl_url_cleanup(u);
    return rc;
}

static int subject_check(const char *key, const char *subject, char *err,
                         size_t errlen)
{
    const char *problem = subject ? smtpmsg_subject_problem(subject) : NULL;

    if (!problem)
        return SP_OK;
    return smtp_fail(err, errlen, SP_ERROR, "config: \"%s\" %s", key, problem);
}

static int smtp_config_check(struct smtp_config *c, char *err, size_t errlen)
{
    char buf[SMTP_SHOWN_MAX], why[256];
    int rc;

    if (!c->url)
        return smtp_fail(err, errlen, SP_ERROR,
                         "config: no \"url\"; set smtp.url to "
                         "smtp://HOST:PORT in the config file");
    rc = url_check(c, err, errlen);
    if (rc != SP_OK)
        return rc;
    if (!c->from)
        return smtp_fail(err, errlen, SP_ERROR,
                         "config: no \"from\"; set smtp.from to the address "
                         "the notifications come from");
    if (address_problem(c->from, why, sizeof why))
        return smtp_fail(err, errlen, SP_ERROR, "config: from address %s %s",
                         nc_shown(c->from, buf, sizeof buf), why);
    if (c->password && !c->username)
        return smtp_fail(err, errlen, SP_ERROR,
                         "config: a password is set but no \"username\"; "
                         "set smtp.username");
    if (c->username && !c->smtps && !c->starttls)
        return smtp_fail(err, errlen, SP_ERROR,
                         "config: a username is set but %s is not encrypted;"
                         " use smtps:// or set \"starttls\": true, so the "
                         "password never crosses the network in clear",
                         c->url);
    if (subject_check("subject_ready", c->subject_ready, err, errlen) ||
        subject_check("subject_failed", c->subject_failed, err, errlen))
        return SP_ERROR;
    return SP_OK;
}

/* Loads and checks the config and the target; on any return c->root must
 * be freed with cJSON_Delete. */
static int smtp_setup(const struct sp_notify_info *info, struct smtp_config *c,
                      char *err, size_t errlen)
{
    const char *target = info->target ? info->target : "";
    char buf[SMTP_SHOWN_MAX], why[256];

    int rc = smtp_config_load(info->config_json, c, err, errlen);

    if (rc == SP_OK)
        rc = smtp_config_check(c, err, errlen);
    if (rc != SP_OK)
        return rc;
    if (!*target)
        return smtp_fail(err, errlen, SP_ERROR,
                         "no address to write to; use --notify "
                         "smtp:someone@example.org");
    if (address_problem(target, why, sizeof why))
        return smtp_fail(err, errlen, SP_ERROR, "target address %s %s",
                         nc_shown(target, buf, sizeof buf), why);
    return SP_OK;
}

static int smtp_check(const struct sp_notify_info *info, char *err,
                      size_t errlen)
{
    struct smtp_config c;
    int rc = smtp_setup(info, &c, err, errlen);

    cJSON_Delete(c.root);
    return rc;
}

/* ---- delivery ----------------------------------------------------------- */

struct smtp_upload {
    const char *data;
    size_t len;
    size_t off;
};

static size_t smtp_read(char *buf, size_t size, size_t nitems, void *userp)
{
    struct smtp_upload *up = userp;
    size_t n = size * nitems;

    if (n > up->len - up->off)
        n = up->len - up->off;
    memcpy(buf, up->data + up->off, n);
    up->off += n;
    return n;
}

/* Failures that trying again cannot mend: the rest (connection refused,
 * timeouts, resets, TLS handshakes cut short) are worth another try. */
static int curl_failure_is_permanent(CURLcode cc)
{
    switch (cc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_LOGIN_DENIED:
    case CURLE_USE_SSL_FAILED:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_FILESIZE_EXCEEDED:
    case CURLE_REMOTE_ACCESS_DENIED: return 1;
    default: return 0;
    }
}

/* Maps a finished transfer to SP_OK, SP_RETRY or SP_ERROR. reply is the
 * server's last SMTP reply code (0 when none): 4xx says "later", 5xx
 * "never" (RFC 5321 4.2.1). detail is libcurl's error text. */
static int smtp_outcome(const struct smtp_config *c, const char *to,
                        CURLcode cc, long reply, const char *detail, char *err,
                        size_t errlen)
{
    const char *why = *detail ? detail : curl_easy_strerror(cc);

    if (cc == CURLE_OK)
        return SP_OK;
    if (cc == CURLE_LOGIN_DENIED)
        return smtp_fail(err, errlen, SP_ERROR,
                         "%s: login as \"%s\" refused (%s); check "
                         "smtp.username and SPANPORT_SMTP_PASSWORD",
                         c->url, c->username ? c->username : "", why);
    if (cc == CURLE_USE_SSL_FAILED)
        return smtp_fail(err, errlen, SP_ERROR,
                         "%s: starttls is required but the server does not "
                         "offer STARTTLS (%s); use smtps:// or a server "
                         "that offers it",
                         c->url, why);
    if (reply >= 500 && reply <= 599)
        return smtp_fail(err, errlen, SP_ERROR,
                         "%s: the server refused the message to %s (%s); "
                         "check the addresses and the server's policy",
                         c->url, to, why);
    if (reply >= 400 && reply <= 499)
        return smtp_fail(err, errlen, SP_RETRY,
                         "%s: the server deferred the message to %s (%s); "
                         "it may take it later",
                         c->url, to, why);
    if (curl_failure_is_permanent(cc))
        return smtp_fail(err, errlen, SP_ERROR, "%s: cannot send to %s: %s",
                         c->url, to, why);
    return smtp_fail(err, errlen, SP_RETRY,
                     "%s: cannot send to %s: %s; is the server up?", c->url, to,
                     why);
}

/* Never CURLOPT_VERBOSE: its trace would show the AUTH exchange. */
static CURLcode smtp_setopts(CURL *curl, const struct smtp_config *c,
                             const char *from, struct curl_slist *rcpt,
                             struct smtp_upload *up, char *errbuf)
{
    int tls = c->starttls || c->smtps;
    CURLcode cc = curl_easy_setopt(curl, CURLOPT_URL, c->url);

    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_READFUNCTION, smtp_read);
    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_READDATA, up);
    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE,
                              (curl_off_t)up->len);
    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_USE_SSL,
                              (long)(tls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
    if (!cc && c->username)
        cc = curl_easy_setopt(curl, CURLOPT_USERNAME, c->username);
    if (!cc && c->password)
        cc = curl_easy_setopt(curl, CURLOPT_PASSWORD, c->password);
    if (!cc && c->ca_file)
        cc = curl_easy_setopt(curl, CURLOPT_CAINFO, c->ca_file);
    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_TIMEOUT, c->timeout_s);
    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    if (!cc)
        cc = curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    return cc;
}

static int smtp_send(const struct smtp_config *c, const char *to,
                     const char *msg, size_t len, char *err, size_t errlen)
{
    struct smtp_upload up = {msg, len, 0};
    char errbuf[CURL_ERROR_SIZE] = "";
    char from[SMTP_ADDR_MAX + 3], rcpt_addr[SMTP_ADDR_MAX + 3];
    struct curl_slist *rcpt = NULL;
    CURL *curl = NULL;
    CURLcode cc;
    long reply = 0;
    int rc;

    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return smtp_fail(err, errlen, SP_RETRY, "cannot start libcurl");
    snprintf(from, sizeof from, "<%s>", c->from);
    snprintf(rcpt_addr, sizeof rcpt_addr, "<%s>", to);
    curl = curl_easy_init();
    rcpt = curl_slist_append(NULL, rcpt_addr);
    if (!curl || !rcpt) {
        rc = smtp_fail(err, errlen, SP_RETRY, "out of memory");
        goto done;
    }
    cc = smtp_setopts(curl, c, from, rcpt, &up, errbuf);
    if (cc == CURLE_OK)
        cc = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
    rc = smtp_outcome(c, to, cc, reply, errbuf, err, errlen);
done:
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(curl);
    curl_global_cleanup();
    return rc;
}

static int smtp_notify(struct sp_notify_info *info, const struct sp_event *ev,
                       char *err, size_t errlen)
{
    struct smtp_config c;
    struct smtpmsg_head h = {0};
    const char *state = ev->state ? ev->state : "";
    char *msg = NULL;
    size_t len = 0;
    int rc;

    info->retry_after_seconds = 0;
    rc = smtp_setup(info, &c, err, errlen);
    if (rc != SP_OK)
        goto done;
    if (!ev->delivery_id || !*ev->delivery_id ||
        (strcmp(state, "ready") != 0 && strcmp(state, "failed") != 0)) {
        rc = smtp_fail(err, errlen, SP_ERROR,
                       "the event lacks a delivery_id or its state is not "
                       "\"ready\" or \"failed\" (a bug in the host)");
        goto done;
    }
    h.from = c.from;
    h.to = info->target;
    h.delivery_id = ev->delivery_id;
    h.date = time(NULL);
    if (strcmp(state, "ready") == 0)
        h.subject = c.subject_ready ? c.subject_ready : "Your export is ready!";
    else
        h.subject = c.subject_failed ? c.subject_failed : "Your export failed";
    if (smtpmsg_build(&h, ev, &msg, &len) != 0) {
        rc = smtp_fail(err, errlen, SP_RETRY, "out of memory");
        goto done;
    }
    rc = smtp_send(&c, info->target, msg, len, err, errlen);
done:
    free(msg);
    cJSON_Delete(c.root);
    return rc;
}

SP_PLUGIN_EXPORT const struct sp_notifier_plugin spanport_notifier_plugin = {
    .abi_version = SP_PLUGIN_ABI_VERSION,
    .struct_size = sizeof(struct sp_notifier_plugin),
    .name = "smtp",
    .version = SMTP_VERSION,
    .description = "e-mails the export's link or file, or why it failed",
    .check = smtp_check,
    .notify = smtp_notify,
};

/* tests/unit/test_notify.c: the smtp and webhook plugins, loaded by dlopen,
 * against the real servers tests/cli/notify.sh starts. Knows only the
 * plugin header, the environment it is given and the servers' records. */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <spanport-plugin.h>

#define TEXT_MAX 1024
#define SKIP_EXIT 77 /* automake's "skipped" */

/* Everything comes from the environment that notify.sh sets up. */
struct env {
    const char *plugin_dir;    /* NOTIFY_PLUGIN_DIR: smtp.so, webhook.so */
    const char *smtp_port;     /* SMTP_PORT: plain SMTP, no AUTH */
    const char *smtp_records;  /* SMTP_RECORDS: what every server got */
    const char *starttls_port; /* SMTP_STARTTLS_PORT: STARTTLS + AUTH */
    const char *smtps_port;    /* SMTPS_PORT: implicit TLS + AUTH */
    const char *tls_ca;        /* SMTP_TLS_CA: the servers' certificate */
    const char *smtp_password; /* SMTP_PASSWORD: of user "exports" */
    const char *http_port;     /* HTTP_PORT */
    const char *http_records;  /* HTTP_RECORDS */
    const char *secret;        /* WEBHOOK_SECRET: whsec_... */
};

struct fixture {
    struct env env;
    void *dso[2];
    const struct sp_notifier_plugin *smtp;
    const struct sp_notifier_plugin *webhook;
};

struct outcome {
    int rc;
    int64_t retry_after;
    char err[512];
};

static int env_load(struct env *e)
{
    e->plugin_dir = getenv("NOTIFY_PLUGIN_DIR");
    e->smtp_port = getenv("SMTP_PORT");
    e->smtp_records = getenv("SMTP_RECORDS");
    e->starttls_port = getenv("SMTP_STARTTLS_PORT");
    e->smtps_port = getenv("SMTPS_PORT");
    e->tls_ca = getenv("SMTP_TLS_CA");
    e->smtp_password = getenv("SMTP_PASSWORD");
    e->http_port = getenv("HTTP_PORT");
    e->http_records = getenv("HTTP_RECORDS");
    e->secret = getenv("WEBHOOK_SECRET");
    return e->plugin_dir && e->smtp_port && e->smtp_records && e->http_port &&
                   e->http_records && e->secret
               ? 0
               : -1;
}

static const struct sp_notifier_plugin *load(const char *dir, const char *name,
                                             void **dso)
{
    char path[TEXT_MAX];
    const struct sp_notifier_plugin *p;

    snprintf(path, sizeof path, "%s/%s.so", dir, name);
    *dso = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!*dso) {
        print_error("%s\n", dlerror());
        return NULL;
    }
    p = dlsym(*dso, "spanport_notifier_plugin");
    if (!p || p->abi_version != SP_PLUGIN_ABI_VERSION ||
        p->struct_size < sizeof *p || strcmp(p->name, name) != 0 || !p->check ||
        !p->notify)
        return NULL;
    return p;
}

static int group_setup(void **state)
{
    static struct fixture fx;

    if (env_load(&fx.env) != 0)
        return -1;
    fx.smtp = load(fx.env.plugin_dir, "smtp", &fx.dso[0]);
    fx.webhook = load(fx.env.plugin_dir, "webhook", &fx.dso[1]);
    *state = &fx;
    return fx.smtp && fx.webhook ? 0 : -1;
}

static int group_teardown(void **state)
{
    struct fixture *fx = *state;

    for (size_t i = 0; i < 2; i++)
        if (fx->dso[i])
            dlclose(fx->dso[i]);
    return 0;
}

/* ---- calling a plugin --------------------------------------------------- */

/* No message may ever show a secret. */
static void assert_no_secret(const struct fixture *fx, const char *err)
{
    const char *key = strchr(fx->env.secret, '_') + 1;

    assert_null(strstr(err, key));
    assert_null(strstr(err, "hunter2"));
    if (fx->env.smtp_password)
        assert_null(strstr(err, fx->env.smtp_password));
}

static struct outcome check(const struct fixture *fx,
                            const struct sp_notifier_plugin *p,
                            const char *target, const char *config)
{
    struct outcome o = {0};
    struct sp_notify_info info = {.target = target, .config_json = config};

    o.rc = p->check(&info, o.err, sizeof o.err);
    assert_no_secret(fx, o.err);
    return o;
}

static struct outcome notify(const struct fixture *fx,
                             const struct sp_notifier_plugin *p,
                             const char *target, const char *config,
                             const struct sp_event *ev)
{
    struct outcome o = {0};
    struct sp_notify_info info = {.target = target,
                                  .config_json = config,
                                  .attempt = 1,
                                  .retry_after_seconds = -1};

    o.rc = p->notify(&info, ev, o.err, sizeof o.err);
    o.retry_after = info.retry_after_seconds;
    assert_no_secret(fx, o.err);
    return o;
}

static const char UUID[] = "0b6f1c9e-2f4d-4c1a-9a57-3e1f5d2c7b10";
static const char SHA[] =
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
static const char FAILED_ERROR[] = "disk full while writing row 1201\n"
                                   ".\n"
                                   "..two dots\n"
                                   ".hidden file\n"
                                   "écrit à moitié: échec ✓";

static struct sp_event ready_event(const char *delivery_id)
{
    struct sp_event ev = {
        .export_uuid = UUID,
        .state = "ready",
        .format = "csv",
        .rows = 1234,
        .bytes = 5876543,
        .sha256 = SHA,
        .path = "/srv/exports/0b6f1c9e.csv",
        .url = "https://files.example.org/exports/0b6f1c9e.csv",
        .error = "",
        .created_at = "2026-01-15T10:00:00Z",
        .finished_at = "2026-01-15T10:00:42Z",
        .delivery_id = delivery_id,
    };
    return ev;
}

static struct sp_event failed_event(const char *delivery_id)
{
    struct sp_event ev = ready_event(delivery_id);

    ev.state = "failed";
    ev.rows = 0;
    ev.bytes = 0;
    ev.sha256 = "";
    ev.path = "";
    ev.url = "";
    ev.error = FAILED_ERROR;
    return ev;
}

/* A port nothing listens on: bound by the kernel, then let go. */
static int closed_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    port = ntohs(a.sin_port);
    close(fd);
    return port;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- what the servers received ------------------------------------------ */

typedef int (*record_match)(const cJSON *rec, const char *key);

/* The records of a JSON-lines file that match key, in order. */
static cJSON *records(const char *path, record_match match, const char *key)
{
    cJSON *all = cJSON_CreateArray(), *rec;
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0;

    assert_non_null(all);
    if (!f)
        return all; /* nothing received yet */
    while (getline(&line, &cap, f) > 0) {
        rec = cJSON_Parse(line);
        assert_non_null(rec);
        if (match(rec, key))
            cJSON_AddItemToArray(all, rec);
        else
            cJSON_Delete(rec);
    }
    free(line);
    fclose(f);
    return all;
}

static const char *str(const cJSON *obj, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

/* SMTP records by the delivery id in their Message-ID. */
static int mail_with_id(const cJSON *rec, const char *id)
{
    char needle[TEXT_MAX];

    snprintf(needle, sizeof needle, "\r\nMessage-ID: <spanport.%s@", id);
    return str(rec, "data") && strstr(str(rec, "data"), needle);
}

/* HTTP records by their webhook-id header. */
static int post_with_id(const cJSON *rec, const char *id)
{
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(rec, "headers");
    const char *v = str(h, "webhook-id");

    return v && strcmp(v, id) == 0;
}

/* The one mail a delivery id produced. */
static cJSON *one_mail(const struct fixture *fx, const char *id)
{
    cJSON *all = records(fx->env.smtp_records, mail_with_id, id);

    assert_int_equal(cJSON_GetArraySize(all), 1);
    return all;
}

static int count_posts(const struct fixture *fx, const char *id)
{
    cJSON *all = records(fx->env.http_records, post_with_id, id);
    int n = cJSON_GetArraySize(all);

    cJSON_Delete(all);
    return n;
}

/* The headers of a mail, up to the blank line, with no body. */
static void mail_head(const char *data, char *out, size_t outlen)
{
    const char *end = strstr(data, "\r\n\r\n");

    assert_non_null(end);
    assert_true((size_t)(end - data) + 3 < outlen);
    memcpy(out, data, (size_t)(end - data) + 2);
    out[end - data + 2] = '\0';
}

/* ---- smtp: configuration and target ---------------------------------------
 */

static const char *smtp_config(const struct fixture *fx, char *buf, size_t n,
                               const char *extra)
{
    snprintf(buf, n,
             "{\"url\": \"smtp://127.0.0.1:%s\", "
             "\"from\": \"spanport@example.org\"%s}",
             fx->env.smtp_port, extra);
    return buf;
}

static void smtp_check_accepts_an_address_and_a_complete_config(void **state)
{
    struct fixture *fx = *state;
    char cfg[TEXT_MAX];
    struct outcome o = check(fx, fx->smtp, "someone@example.org",
                             smtp_config(fx, cfg, sizeof cfg, ""));

    assert_int_equal(o.rc, SP_OK);
}

static void
smtp_check_refuses_targets_that_are_not_one_plain_address(void **state)
{
    static const char *const bad[] = {"",
                                      "not-an-address",
                                      "Ann <ann@example.org>",
                                      "ann@example.org,bob@example.org",
                                      "ann@example.org\r\nBcc: x@y.org",
                                      "ann@exa mple.org",
                                      "ånn@example.org",
                                      ".ann@example.org",
                                      "ann@example..org"};
    struct fixture *fx = *state;
    char cfg[TEXT_MAX];

    smtp_config(fx, cfg, sizeof cfg, "");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct outcome o = check(fx, fx->smtp, bad[i], cfg);

        assert_int_equal(o.rc, SP_ERROR);
        assert_null(strchr(o.err, '\n'));
        assert_true(strncmp(o.err, "smtp: ", 6) == 0);
    }
    assert_string_equal(
        check(fx, fx->smtp, "ann@example.org\r\nBcc: x@y.org", cfg).err,
        "smtp: target address ann@example.org??Bcc: x@y.org has a character "
        "before the @ that needs quoting or SMTPUTF8 (neither is "
        "supported)");
}

static void smtp_check_refuses_a_url_that_is_not_smtp(void **state)
{
    struct fixture *fx = *state;
    struct outcome o = check(fx, fx->smtp, "someone@example.org",
                             "{\"url\": \"http://127.0.0.1:25\", "
                             "\"from\": \"spanport@example.org\"}");

    assert_int_equal(o.rc, SP_ERROR);
    assert_string_equal(o.err, "smtp: config: url http://127.0.0.1:25: the "
                               "scheme must be smtp:// or smtps://");
}

static void smtp_check_refuses_a_password_sent_unencrypted(void **state)
{
    struct fixture *fx = *state;
    char cfg[TEXT_MAX];
    struct outcome o = check(
        fx, fx->smtp, "someone@example.org",
        smtp_config(fx, cfg, sizeof cfg,
                    ", \"username\": \"exports\", \"password\": \"hunter2\""));

    assert_int_equal(o.rc, SP_ERROR);
    assert_non_null(strstr(o.err, "is not encrypted; use smtps:// or set "
                                  "\"starttls\": true"));
}

static void smtp_check_refuses_an_unknown_config_key(void **state)
{
    struct fixture *fx = *state;
    char cfg[TEXT_MAX];
    struct outcome o =
        check(fx, fx->smtp, "someone@example.org",
              smtp_config(fx, cfg, sizeof cfg, ", \"start_tls\": true"));

    assert_int_equal(o.rc, SP_ERROR);
    assert_string_equal(o.err,
                        "smtp: config: unknown key \"start_tls\" in the smtp "
                        "section; known keys: url, starttls, from, username, "
                        "password, ca_file, timeout_seconds, subject_ready, "
                        "subject_failed");
}

static void
smtp_check_never_quotes_config_that_may_hold_the_password(void **state)
{
    struct fixture *fx = *state;
    struct outcome bad_json = check(fx, fx->smtp, "someone@example.org",
                                    "{\"password\": \"hunter2\",");
    struct outcome url_pw =
        check(fx, fx->smtp, "someone@example.org",
              "{\"url\": \"smtp://exports:hunter2@127.0.0.1:25\", "
              "\"from\": \"spanport@example.org\"}");

    assert_int_equal(bad_json.rc, SP_ERROR);
    assert_string_equal(bad_json.err,
                        "smtp: config: the smtp section is not a JSON "
                        "object; fix the config file");
    assert_int_equal(url_pw.rc, SP_ERROR); /* and no hunter2: see check() */
}

static void smtp_check_refuses_a_subject_with_a_line_break(void **state)
{
    struct fixture *fx = *state;
    char cfg[TEXT_MAX];
    struct outcome o =
        check(fx, fx->smtp, "someone@example.org",
              smtp_config(fx, cfg, sizeof cfg,
                          ", \"subject_ready\": \"Ready\\r\\nBcc: x@y.org\""));

    assert_int_equal(o.rc, SP_ERROR);
    assert_string_equal(o.err, "smtp: config: \"subject_ready\" contains a "
                               "control character");
}

/* ---- smtp: delivery --------------------------------------------------- */

static void
smtp_ready_event_arrives_with_envelope_headers_and_body(void **state)
{
    struct fixture *fx = *state;
    struct sp_event ev = ready_event("dlv-smtp-ready");
    char cfg[TEXT_MAX], head[4096];
    struct outcome o = notify(fx, fx->smtp, "someone@example.org",
                              smtp_config(fx, cfg, sizeof cfg, ""), &ev);
    cJSON *mail, *rec, *rcpt;
    const char *data;

    assert_int_equal(o.rc, SP_OK);
    assert_int_equal(o.retry_after, 0);
    mail = one_mail(fx, "dlv-smtp-ready");
    rec = cJSON_GetArrayItem(mail, 0);
    data = str(rec, "data");
    assert_string_equal(str(rec, "mail_from"), "spanport@example.org");
    rcpt = cJSON_GetObjectItemCaseSensitive(rec, "rcpt_tos");
    assert_int_equal(cJSON_GetArraySize(rcpt), 1);
    assert_string_equal(cJSON_GetArrayItem(rcpt, 0)->valuestring,
                        "someone@example.org");
    mail_head(data, head, sizeof head);
    assert_true(strncmp(head, "Date: ", 6) == 0);
    assert_non_null(strstr(head, "\r\nFrom: spanport@example.org\r\n"));
    assert_non_null(strstr(head, "\r\nTo: someone@example.org\r\n"));
    assert_non_null(strstr(head, "\r\nSubject: Your export is ready!\r\n"));
    assert_non_null(strstr(
        head, "\r\nMessage-ID: <spanport.dlv-smtp-ready@example.org>\r\n"));
    assert_non_null(strstr(head, "\r\nMIME-Version: 1.0\r\n"));
    assert_non_null(
        strstr(head, "\r\nContent-Type: text/plain; charset=utf-8\r\n"));
    assert_non_null(strstr(data, "\r\n\r\nYour export is ready.\r\n\r\n"
                                 "Export:   0b6f1c9e-2f4d-4c1a-9a57-"
                                 "3e1f5d2c7b10\r\n"
                                 "Format:   csv\r\n"
                                 "Rows:     1234\r\n"
                                 "Size:     5876543 bytes (5.6 MiB)\r\n"));
    assert_non_null(strstr(data, "\r\nSHA-256:  9f86d081884c7d659a2feaa0c55"
                                 "ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\r\n"
                                 "Download: https://files.example.org/"
                                 "exports/0b6f1c9e.csv\r\n"));
    cJSON_Delete(mail);
}

static void smtp_retry_sends_the_same_message_id(void **state)
{
    struct fixture *fx = *state;
    struct sp_event ev = ready_event("dlv-smtp-twice");
    char cfg[TEXT_MAX];
    cJSON *mails;

    smtp_config(fx, cfg, sizeof cfg, "");
    assert_int_equal(notify(fx, fx->smtp, "a@example.org", cfg, &ev).rc, SP_OK);
    assert_int_equal(notify(fx, fx->smtp, "a@example.org", cfg, &ev).rc, SP_OK);
    mails = records(fx->env.smtp_records, mail_with_id, "dlv-smtp-twice");
    assert_int_equal(cJSON_GetArraySize(mails), 2); /* both: same id */
    cJSON_Delete(mails);
}

static void
smtp_failed_event_says_failed_and_keeps_dot_lines_and_utf8(void **state)
{
    struct fixture *fx = *state;
    struct sp_event ev = failed_event("dlv-smtp-failed");
    char cfg[TEXT_MAX];
    struct outcome o = notify(fx, fx->smtp, "someone@example.org",
                              smtp_config(fx, cfg, sizeof cfg, ""), &ev);
    cJSON *mail;
    const char *data;

    assert_int_equal(o.rc, SP_OK);
    mail = one_mail(fx, "dlv-smtp-failed");
    data = str(cJSON_GetArrayItem(mail, 0), "data");
    assert_non_null(strstr(data, "\r\nSubject: Your export failed\r\n"));
    assert_non_null(strstr(data, "\r\nContent-Transfer-Encoding: 8bit\r\n"));
    assert_non_null(strstr(data, "\r\n\r\nYour export failed.\r\n"));
    /* exactly as written: libcurl stuffs the dots, the server unstuffs */
    assert_non_null(strstr(data, "\r\nError:\r\n"
                                 "disk full while writing row 1201\r\n"
                                 ".\r\n"
                                 "..two dots\r\n"
                                 ".hidden file\r\n"
                                 "écrit à moitié: échec ✓\r\n"));
    assert_null(strstr(data, "SHA-256:"));
    cJSON_Delete(mail);
}

static void smtp_non_ascii_subject_is_encoded_per_rfc_2047(void **state)
{
    struct fixture *fx = *state;
    struct sp_event ev = ready_event("dlv-smtp-i18n");
    char cfg[TEXT_MAX], head[4096];
    struct outcome o;
    cJSON *mail;

    smtp_config(fx, cfg, sizeof cfg,
                ", \"subject_ready\": \"Votre export est prêt ! Données "
                "de janvier ✓ — 1234 lignes, 5,6 Mio\"");
    o = notify(fx, fx->smtp, "someone@example.org", cfg, &ev);
    assert_int_equal(o.rc, SP_OK);
    mail = one_mail(fx, "dlv-smtp-i18n");
    mail_head(str(cJSON_GetArrayItem(mail, 0), "data"), head, sizeof head);
    assert_non_null(strstr(head, "\r\nSubject: =?UTF-8?B?"));
    assert_non_null(strstr(head, "?=\r\n =?UTF-8?B?")); /* folded */
    for (const char *p = head; *p; p++)                 /* 7-bit headers */
        assert_true((unsigned char)*p < 0x80);
    cJSON_Delete(mail); /* notify.sh decodes it with Python's email */
}

static void smtp_error_with_a_very_long_line_is_sent_base64(void **state)
{
    struct fixture *fx = *state;
    struct sp_event ev = failed_event("dlv-smtp-long");
    char cfg[TEXT_MAX], error[1501];
    cJSON *mail;

    memset(error, 'x', sizeof error - 1);
    error[sizeof error - 1] = '\0';
    ev.error = error;
    smtp_config(fx, cfg, sizeof cfg, "");
    assert_int_equal(notify(fx, fx->smtp, "a@example.org", cfg, &ev).rc, SP_OK);
    mail = one_mail(fx, "dlv-smtp-long");
    assert_non_null(strstr(str(cJSON_GetArrayItem(mail, 0), "data"),
                           "\r\nContent-Transfer-Encoding: base64\r\n"));
    cJSON_Delete(mail);
}

static void smtp_server_down_is_retry(void **state)
{
    struct fixture *fx = *state;
    struct sp_event ev = ready_event("dlv-smtp-down");
    char cfg[TEXT_MAX];
    struct outcome o;

    snprintf(cfg, sizeof cfg,
             "{\"url\": \"smtp://127.0.0.1:%d\", "
             "\"from\": \"spanport@example.org\"}",
             closed_port());
    o = notify(fx, fx->smtp, "someone@example.org", cfg, &ev);
    assert_int_equal(o.rc, SP_RETRY);
    assert_non_null(strstr(o.err, "cannot send to someone@example.org"));
}

static void smtp_temporary_refusal_is_retry(void **state)
{
    struct fixture *fx = *state;
    struct sp_event ev = ready_event("dlv-smtp-451");
    char cfg[TEXT_MAX];
    struct outcome o = notify(fx, fx->smtp, "tempfail@example.org",
                              smtp_config(fx, cfg, sizeof cfg, ""), &ev);

    assert_int_equal(o.rc, SP_RETRY);
    assert_non_null(strstr(o.err, "deferred the message to "
                                  "tempfail@example.org"));
    assert_non_null(strstr(o.err, "451"));
}

static void smtp_permanent_refusal_is_error(void **state)
{
    struct fixture *fx = *state;
    struct sp_event ev = ready_event("dlv-smtp-550");
    char cfg[TEXT_MAX];
    struct outcome o = notify(fx, fx->smtp, "reject@example.org",
                              smtp_config(fx, cfg, sizeof cfg, ""), &ev);

    assert_int_equal(o.rc, SP_ERROR);
    assert_non_null(strstr(o.err, "refused the message to "
                                  "reject@example.org"));
    assert_non_null(strstr(o.err, "550"));
}

static void smtp_starttls_not_offered_is_error_not_cleartext(void **state)
{
    struct fixture *fx = *state;
    struct sp_event ev = ready_event("dlv-smtp-notls");
    char cfg[TEXT_MAX];
    struct outcome o =
        notify(fx, fx->smtp, "someone@example.org",
               smtp_config(fx, cfg, sizeof cfg, ", \"starttls\": true"), &ev);
    cJSON *none;

    assert_int_equal(o.rc, SP_ERROR);
    assert_non_null(strstr(o.err, "starttls is required but the server "
                                  "does not offer STARTTLS"));
    none = records(fx->env.smtp_records, mail_with_id, "dlv-smtp-notls");
    assert_int_equal(cJSON_GetArraySize(none), 0);
    cJSON_Delete(none);
}

/* The TLS servers need a certificate, which notify.sh makes with openssl. */
static const char *tls_config(const struct fixture *fx, char *buf, size_t n,
                              const char *scheme, const char *port,
                              const char *password)
{
    snprintf(buf, n,
             "{\"url\": \"%s://127.0.0.1:%s\", \"starttls\": %s, "
             "\"from\": \"spanport@example.org\", \"username\": \"exports\","
             " \"password\": \"%s\", \"ca_file\": \"%s\"}",
             scheme, port, strcmp(scheme, "smtp") == 0 ? "true" : "false",
             password, fx->env.tls_ca);
    return buf;
}

static void smtp_delivers_over_tls_with_auth(const struct fixture *fx,
                                             const char *scheme,
                                             const char *port, const char *id)
{
    struct sp_event ev = ready_event(id);
    char cfg[TEXT_MAX];
    struct outcome o;
    cJSON *mail, *rec;

    if (!port || !fx->env.tls_ca || !fx->env.smtp_password)
        skip();
    tls_config(fx, cfg, sizeof cfg, scheme, port, fx->env.smtp_password);
    o = notify(fx, fx->smtp, "someone@example.org", cfg, &ev);
    assert_int_equal(o.rc, SP_OK);
    mail = one_mail(fx, id);
    rec = cJSON_GetArrayItem(mail, 0);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(rec, "tls")));
    assert_non_null(str(rec, "auth_login"));
    assert_string_equal(str(rec, "auth_login"), "exports");
    cJSON_Delete(mail);
}

static void smtp_starttls_with_auth_delivers_over_tls(void **state)
{
    struct fixture *fx = *state;

    smtp_delivers_over_tls_with_auth(fx, "smtp", fx->env.starttls_port,
                                     "dlv-smtp-starttls");
}

static void smtps_with_auth_delivers_over_tls(void **state)
{
    struct fixture *fx = *state;

    smtp_delivers_over_tls_with_auth(fx, "smtps", fx->env.smtps_port,
                                     "dlv-smtps");
}

static void smtp_wrong_password_is_error_and_never_shown(void **state)
{
    struct fixture *fx = *state;
    struct sp_event ev = ready_event("dlv-smtp-badpw");
    char cfg[TEXT_MAX];
    struct outcome o;

    if (!fx->env.starttls_port || !fx->env.tls_ca)
        skip();
    tls_config(fx, cfg, sizeof cfg, "smtp", fx->env.starttls_port,
               "hunter2-wrong");
    o = notify(fx, fx->smtp, "someone@example.org", cfg, &ev);
    assert_int_equal(o.rc, SP_ERROR);
    assert_non_null(strstr(o.err, "login as \"exports\" refused"));
}

/* ---- webhook: configuration and target ------------------------------------
 */

static const char *webhook_config(const struct fixture *fx, char *buf, size_t n,
                                  int allow_private, const char *extra)
{
    snprintf(buf, n, "{\"secret\": \"%s\", \"allow_private_addresses\": %s%s}",
             fx->env.secret, allow_private ? "true" : "false", extra);
    return buf;
}

static const char *http_url(const struct fixture *fx, char *buf, size_t n,
                            const char *path)
{
    snprintf(buf, n, "http://127.0.0.1:%s%s", fx->env.http_port, path);
    return buf;
}

static void webhook_check_accepts_an_https_target_and_a_secret(void **state)
{
    struct fixture *fx = *state;
    char cfg[TEXT_MAX];

    webhook_config(fx, cfg, sizeof cfg, 0, "");
    assert_int_equal(
        check(fx, fx->webhook, "https://hooks.example.org/x?y=1", cfg).rc,
        SP_OK);
    /* a public literal passes without any connection being made */
    assert_int_equal(check(fx, fx->webhook, "http://93.184.216.34/", cfg).rc,
                     SP_OK);
}

static void webhook_check_refuses_schemes_other_than_http(void **state)
{
    static const char *const bad[] = {
        "ftp://example.org/x", "file:///etc/passwd", "gopher://example.org/",
        "example.org", "smtp://example.org"};
    struct fixture *fx = *state;
    char cfg[TEXT_MAX];

    webhook_config(fx, cfg, sizeof cfg, 1, "");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(check(fx, fx->webhook, bad[i], cfg).rc, SP_ERROR);
    assert_string_equal(check(fx, fx->webhook, bad[0], cfg).err,
                        "webhook: target ftp://example.org/x: only http:// "
                        "and https:// are allowed");
}

static void webhook_check_refuses_a_missing_or_malformed_secret(void **state)
{
    static const char *const cfgs[] = {
        "{}", "{\"secret\": \"c2VjcmV0LWtleS13aXRob3V0LXByZWZpeC0xMjM0\"}",
        "{\"secret\": \"whsec_!!not*base64!!hunter2\"}",
        "{\"secret\": \"whsec_c2hvcnQ=\"}", /* "short": 5 bytes */
    };
    struct fixture *fx = *state;
    struct outcome o = check(fx, fx->webhook, "https://example.org/", cfgs[0]);

    assert_string_equal(o.err, "webhook: no signing secret; set "
                               "webhook.secret in the config file or "
                               "SPANPORT_WEBHOOK_SECRET to whsec_ and a "
                               "base64 key");
    for (size_t i = 1; i < sizeof cfgs / sizeof cfgs[0]; i++) {
        o = check(fx, fx->webhook, "https://example.org/", cfgs[i]);
        assert_int_equal(o.rc, SP_ERROR);
        assert_non_null(strstr(o.err, "the signing secret is not whsec_"));
        assert_null(strstr(o.err, "c2Vj"));
        assert_null(strstr(o.err, "c2hv"));
    }
}

static void webhook_check_refuses_credentials_in_the_target(void **state)
{
    struct fixture *fx = *state;
    char cfg[TEXT_MAX];
    struct outcome o =
        check(fx, fx->webhook, "https://user:hunter2@example.org/",
              webhook_config(fx, cfg, sizeof cfg, 0, ""));

    assert_int_equal(o.rc, SP_ERROR);
    assert_string_equal(o.err, "webhook: the target URL holds a user name or "
                               "password; secrets are not taken on the "
                               "command line");
}

static void
webhook_check_refuses_non_public_literals_unless_allowed(void **state)
{
    static const char *const hosts[] = {
        "127.0.0.1",   "10.1.2.3",        "172.16.0.1", "172.31.255.255",
        "192.168.1.1", "169.254.169.254", "0.0.0.0",    "100.64.0.1",
        "[::1]",       "[fe80::1]",       "[fd00::1]",  "[::ffff:127.0.0.1]",
        "[::]",        "224.0.0.1"};
    struct fixture *fx = *state;
    char deny[TEXT_MAX], allow[TEXT_MAX], url[TEXT_MAX];

    webhook_config(fx, deny, sizeof deny, 0, "");
    webhook_config(fx, allow, sizeof allow, 1, "");
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        snprintf(url, sizeof url, "http://%s:8080/hook", hosts[i]);
        assert_int_equal(check(fx, fx->webhook, url, deny).rc, SP_ERROR);
        assert_int_equal(check(fx, fx->webhook, url, allow).rc, SP_OK);
    }
    assert_string_equal(
        check(fx, fx->webhook, "http://[::ffff:10.0.0.1]/", deny).err,
        "webhook: target host ::ffff:10.0.0.1 is a private address; "
        "refusing to post there (set webhook.allow_private_addresses to "
        "true in the config file to allow it)");
    assert_int_equal(check(fx, fx->webhook, "http://172.32.0.1/", deny).rc,
                     SP_OK); /* just outside 172.16.0.0/12 */
}

/* ---- webhook: delivery -------------------------------------------------- */

static const cJSON *member(const cJSON *obj, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);

    assert_non_null(item);
    return item;
}

/* The one post of a delivery id, its body parsed into *payload. */
static cJSON *one_post(const struct fixture *fx, const char *id,
                       cJSON **payload)
{
    cJSON *all = records(fx->env.http_records, post_with_id, id);

    assert_int_equal(cJSON_GetArraySize(all), 1);
    *payload = cJSON_Parse(str(cJSON_GetArrayItem(all, 0), "body"));
    assert_non_null(*payload);
    return all;
}

static void webhook_ready_event_is_posted_signed_with_its_payload(void **state)
{
    struct fixture *fx = *state;
    struct sp_event ev = ready_event("dlv-hook-ready");
    char cfg[TEXT_MAX], url[TEXT_MAX];
    struct outcome o =
        notify(fx, fx->webhook, http_url(fx, url, sizeof url, "/ok"),
               webhook_config(fx, cfg, sizeof cfg, 1, ""), &ev);
    cJSON *post, *payload;
    const cJSON *rec, *h, *data;
    long long ts;

    assert_int_equal(o.rc, SP_OK);
    post = one_post(fx, "dlv-hook-ready", &payload);
    rec = cJSON_GetArrayItem(post, 0);
    h = member(rec, "headers");
    assert_string_equal(str(rec, "method"), "POST");
    assert_string_equal(str(rec, "path"), "/ok");
    assert_string_equal(str(h, "content-type"), "application/json");
    assert_true(strncmp(str(h, "webhook-signature"), "v1,", 3) == 0);
    assert_int_equal(strlen(str(h, "webhook-signature")), 3 + 44);
    ts = strtoll(str(h, "webhook-timestamp"), NULL, 10);
    assert_true(llabs(ts - (long long)time(NULL)) < 60);
    assert_string_equal(str(payload, "type"), "export.ready");
    assert_string_equal(str(payload, "timestamp"), "2026-01-15T10:00:42Z");
    data = member(payload, "data");
    assert_string_equal(str(data, "export_uuid"), UUID);
    assert_string_equal(str(data, "state"), "ready");
    assert_string_equal(str(data, "format"), "csv");
    assert_int_equal(member(data, "rows")->valuedouble, 1234);
    assert_int_equal(member(data, "bytes")->valuedouble, 5876543);
    assert_string_equal(str(data, "sha256"), SHA);
    assert_string_equal(str(data, "path"), "/srv/exports/0b6f1c9e.csv");
    assert_string_equal(str(data, "url"),
                        "https://files.example.org/exports/0b6f1c9e.csv");
    assert_true(cJSON_IsNull(member(data, "error")));
    assert_string_equal(str(data, "created_at"), "2026-01-15T10:00:00Z");
    assert_string_equal(str(data, "finished_at"), "2026-01-15T10:00:42Z");
    cJSON_Delete(payload);
    cJSON_Delete(post);
}

static void webhook_failed_event_is_posted_as_export_failed(void **state)
{
    struct fixture *fx = *state;
    struct sp_event ev = failed_event("dlv-hook-failed");
    char cfg[TEXT_MAX], url[TEXT_MAX];
    struct outcome o =
        notify(fx, fx->webhook, http_url(fx, url, sizeof url, "/ok"),
               webhook_config(fx, cfg, sizeof cfg, 1, ""), &ev);
    cJSON *post, *payload;
    const cJSON *data;

    assert_int_equal(o.rc, SP_OK);
    post = one_post(fx, "dlv-hook-failed", &payload);
    assert_string_equal(str(payload, "type"), "export.failed");
    data = member(payload, "data");
    assert_string_equal(str(data, "state"), "failed");
    assert_string_equal(str(data, "error"), FAILED_ERROR);
    assert_true(cJSON_IsNull(member(data, "sha256")));
    assert_true(cJSON_IsNull(member(data, "path")));
    assert_true(cJSON_IsNull(member(data, "url")));
    cJSON_Delete(payload);
    cJSON_Delete(post);
}

static void webhook_retry_carries_the_same_id_and_body(void **state)
{
    struct fixture *fx = *state;
    struct sp_event ev = ready_event("dlv-hook-twice");
    char cfg[TEXT_MAX], url[TEXT_MAX];
    cJSON *posts;

    webhook_config(fx, cfg, sizeof cfg, 1, "");
    http_url(fx, url, sizeof url, "/ok");
    assert_int_equal(notify(fx, fx->webhook, url, cfg, &ev).rc, SP_OK);
    assert_int_equal(notify(fx, fx->webhook, url, cfg, &ev).rc, SP_OK);
    posts = records(fx->env.http_records, post_with_id, "dlv-hook-twice");
    assert_int_equal(cJSON_GetArraySize(posts), 2);
    assert_string_equal(str(cJSON_GetArrayItem(posts, 0), "body_b64"),
                        str(cJSON_GetArrayItem(posts, 1), "body_b64"));
    cJSON_Delete(posts);
}

/* Posts a ready event under id to path; the receiver's answer decides. */
static struct outcome post_to(const struct fixture *fx, const char *path,
                              const char *id, const char *extra)
{
    struct sp_event ev = ready_event(id);
    char cfg[TEXT_MAX], url[TEXT_MAX];

    return notify(fx, fx->webhook, http_url(fx, url, sizeof url, path),
                  webhook_config(fx, cfg, sizeof cfg, 1, extra), &ev);
}

static void webhook_429_is_retry_after_the_seconds_asked(void **state)
{
    struct outcome o = post_to(*state, "/busy", "dlv-hook-429", "");

    assert_int_equal(o.rc, SP_RETRY);
    assert_int_equal(o.retry_after, 7);
    assert_non_null(strstr(o.err, "/busy answered 429; will try again"));
}

static void webhook_503_is_retry_after_the_date_asked(void **state)
{
    struct outcome o = post_to(*state, "/unavailable", "dlv-hook-503", "");

    assert_int_equal(o.rc, SP_RETRY);
    assert_in_range(o.retry_after, 100, 121);
}

static void webhook_500_is_retry(void **state)
{
    struct outcome o = post_to(*state, "/fail", "dlv-hook-500", "");

    assert_int_equal(o.rc, SP_RETRY);
    assert_int_equal(o.retry_after, 0);
}

static void webhook_410_is_error(void **state)
{
    struct fixture *fx = *state;
    struct outcome o = post_to(fx, "/gone", "dlv-hook-410", "");
    char want[TEXT_MAX];

    assert_int_equal(o.rc, SP_ERROR);
    snprintf(want, sizeof want,
             "webhook: http://127.0.0.1:%s/gone answered 410 Gone: the "
             "receiver was removed; drop this --notify target",
             fx->env.http_port);
    assert_string_equal(o.err, want);
}

static void webhook_other_4xx_is_error(void **state)
{
    struct outcome o = post_to(*state, "/nowhere", "dlv-hook-404", "");

    assert_int_equal(o.rc, SP_ERROR);
    assert_non_null(strstr(o.err, "answered 404; the receiver refuses"));
}

static void webhook_redirect_is_not_followed_and_names_location(void **state)
{
    struct fixture *fx = *state;
    struct outcome o = post_to(fx, "/redirect", "dlv-hook-302", "");
    char want[TEXT_MAX];

    assert_int_equal(o.rc, SP_ERROR);
    snprintf(want, sizeof want,
             "answered 302, a redirect to http://127.0.0.1:%s/ok; redirects "
             "are not followed",
             fx->env.http_port);
    assert_non_null(strstr(o.err, want));
    assert_int_equal(count_posts(fx, "dlv-hook-302"), 1); /* not to /ok */
}

static void webhook_timeout_is_retry(void **state)
{
    double started = now_s();
    struct outcome o =
        post_to(*state, "/slow", "dlv-hook-slow", ", \"timeout_seconds\": 1");

    assert_int_equal(o.rc, SP_RETRY);
    assert_true(now_s() - started < 2.5); /* the receiver sleeps 3 s */
    assert_non_null(strstr(o.err, "timed out"));
}

static void webhook_receiver_down_is_retry(void **state)
{
    struct fixture *fx = *state;
    struct sp_event ev = ready_event("dlv-hook-down");
    char cfg[TEXT_MAX], url[TEXT_MAX];
    struct outcome o;

    snprintf(url, sizeof url, "http://127.0.0.1:%d/ok", closed_port());
    o = notify(fx, fx->webhook, url, webhook_config(fx, cfg, sizeof cfg, 1, ""),
               &ev);
    assert_int_equal(o.rc, SP_RETRY);
}

static void webhook_loopback_is_refused_unless_allowed(void **state)
{
    struct fixture *fx = *state;
    struct sp_event ev = ready_event("dlv-hook-private");
    char cfg[TEXT_MAX], url[TEXT_MAX];
    struct outcome o;

    o = notify(fx, fx->webhook, http_url(fx, url, sizeof url, "/ok"),
               webhook_config(fx, cfg, sizeof cfg, 0, ""), &ev);
    assert_int_equal(o.rc, SP_ERROR);
    assert_string_equal(o.err, "webhook: target host 127.0.0.1 is a loopback "
                               "address; refusing to post there (set "
                               "webhook.allow_private_addresses to true in the "
                               "config file to allow it)");
    assert_int_equal(count_posts(fx, "dlv-hook-private"), 0);
}

static void webhook_host_name_is_resolved_checked_and_pinned(void **state)
{
    struct fixture *fx = *state;
    struct sp_event ev = ready_event("dlv-hook-localhost");
    char cfg[TEXT_MAX], url[TEXT_MAX];
    struct outcome o;

    snprintf(url, sizeof url, "http://localhost:%s/ok", fx->env.http_port);
    o = notify(fx, fx->webhook, url, webhook_config(fx, cfg, sizeof cfg, 0, ""),
               &ev);
    assert_int_equal(o.rc, SP_ERROR);
    assert_non_null(strstr(o.err, "target host localhost resolves to "));
    assert_non_null(strstr(o.err, "a loopback address; refusing"));
    assert_int_equal(count_posts(fx, "dlv-hook-localhost"), 0);
    o = notify(fx, fx->webhook, url, webhook_config(fx, cfg, sizeof cfg, 1, ""),
               &ev);
    assert_int_equal(o.rc, SP_OK);
    assert_int_equal(count_posts(fx, "dlv-hook-localhost"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(smtp_check_accepts_an_address_and_a_complete_config),
        cmocka_unit_test(
            smtp_check_refuses_targets_that_are_not_one_plain_address),
        cmocka_unit_test(smtp_check_refuses_a_url_that_is_not_smtp),
        cmocka_unit_test(smtp_check_refuses_a_password_sent_unencrypted),
        cmocka_unit_test(smtp_check_refuses_an_unknown_config_key),
        cmocka_unit_test(
            smtp_check_never_quotes_config_that_may_hold_the_password),
        cmocka_unit_test(smtp_check_refuses_a_subject_with_a_line_break),
        cmocka_unit_test(
            smtp_ready_event_arrives_with_envelope_headers_and_body),
        cmocka_unit_test(smtp_retry_sends_the_same_message_id),
        cmocka_unit_test(
            smtp_failed_event_says_failed_and_keeps_dot_lines_and_utf8),
        cmocka_unit_test(smtp_non_ascii_subject_is_encoded_per_rfc_2047),
        cmocka_unit_test(smtp_error_with_a_very_long_line_is_sent_base64),
        cmocka_unit_test(smtp_server_down_is_retry),
        cmocka_unit_test(smtp_temporary_refusal_is_retry),
        cmocka_unit_test(smtp_permanent_refusal_is_error),
        cmocka_unit_test(smtp_starttls_not_offered_is_error_not_cleartext),
        cmocka_unit_test(smtp_starttls_with_auth_delivers_over_tls),
        cmocka_unit_test(smtps_with_auth_delivers_over_tls),
        cmocka_unit_test(smtp_wrong_password_is_error_and_never_shown),
        cmocka_unit_test(webhook_check_accepts_an_https_target_and_a_secret),
        cmocka_unit_test(webhook_check_refuses_schemes_other_than_http),
        cmocka_unit_test(webhook_check_refuses_a_missing_or_malformed_secret),
        cmocka_unit_test(webhook_check_refuses_credentials_in_the_target),
        cmocka_unit_test(
            webhook_check_refuses_non_public_literals_unless_allowed),
        cmocka_unit_test(webhook_ready_event_is_posted_signed_with_its_payload),
        cmocka_unit_test(webhook_failed_event_is_posted_as_export_failed),
        cmocka_unit_test(webhook_retry_carries_the_same_id_and_body),
        cmocka_unit_test(webhook_429_is_retry_after_the_seconds_asked),
        cmocka_unit_test(webhook_503_is_retry_after_the_date_asked),
        cmocka_unit_test(webhook_500_is_retry),
        cmocka_unit_test(webhook_410_is_error),
        cmocka_unit_test(webhook_other_4xx_is_error),
        cmocka_unit_test(webhook_redirect_is_not_followed_and_names_location),
        cmocka_unit_test(webhook_timeout_is_retry),
        cmocka_unit_test(webhook_receiver_down_is_retry),
        cmocka_unit_test(webhook_loopback_is_refused_unless_allowed),
        cmocka_unit_test(webhook_host_name_is_resolved_checked_and_pinned),
    };
    struct env probe;

    if (env_load(&probe) != 0) {
        fprintf(stderr, "test_notify: needs the servers of "
                        "tests/cli/notify.sh (NOTIFY_PLUGIN_DIR, SMTP_PORT, "
                        "HTTP_PORT...); run that script; skipping\n");
        return SKIP_EXIT;
    }
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}

/* tests/unit/test_notify_smtp.c: the smtp plugin against the real servers
 * notify.sh starts: its check, then the mails they received. No webhook. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "notify_fixture.h"

/* ---- what the smtp servers received ------------------------------------ */

/* SMTP records by the delivery id in their Message-ID. */
static int mail_with_id(const cJSON *rec, const char *id)
{
    char needle[NFX_TEXT_MAX];

    snprintf(needle, sizeof needle, "\r\nMessage-ID: <spanport.%s@", id);
    return nfx_str(rec, "data") && strstr(nfx_str(rec, "data"), needle);
}

/* The one mail a delivery id produced. */
static cJSON *one_mail(const struct nfx *fx, const char *id)
{
    cJSON *all = nfx_records(fx->env.smtp_records, mail_with_id, id);

    assert_int_equal(cJSON_GetArraySize(all), 1);
    return all;
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

/* ---- smtp: configuration and target -------------------------------------- */

static const char *smtp_config(const struct nfx *fx, char *buf, size_t n,
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
    struct nfx *fx = *state;
    char cfg[NFX_TEXT_MAX];
    struct nfx_outcome o = nfx_check(fx, fx->smtp, "someone@example.org",
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
    struct nfx *fx = *state;
    char cfg[NFX_TEXT_MAX];

    smtp_config(fx, cfg, sizeof cfg, "");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct nfx_outcome o = nfx_check(fx, fx->smtp, bad[i], cfg);

        assert_int_equal(o.rc, SP_ERROR);
        assert_null(strchr(o.err, '\n'));
        assert_true(strncmp(o.err, "smtp: ", 6) == 0);
    }
    assert_string_equal(
        nfx_check(fx, fx->smtp, "ann@example.org\r\nBcc: x@y.org", cfg).err,
        "smtp: target address ann@example.org\\r\\nBcc: x@y.org has \\r at "
        "byte 16, in the domain after the @: a domain is letters, digits, "
        "'-' and '.'");
    assert_string_equal(
        nfx_check(fx, fx->smtp, "a nn@example.org", cfg).err,
        "smtp: target address a nn@example.org has a space at byte 2, in the "
        "name before the @: it needs quoting or SMTPUTF8 (neither is "
        "supported)");
}

static void smtp_check_refuses_a_url_that_is_not_smtp(void **state)
{
    struct nfx *fx = *state;
    struct nfx_outcome o = nfx_check(fx, fx->smtp, "someone@example.org",
                                     "{\"url\": \"http://127.0.0.1:25\", "
                                     "\"from\": \"spanport@example.org\"}");

    assert_int_equal(o.rc, SP_ERROR);
    assert_string_equal(o.err, "smtp: config: url http://127.0.0.1:25: the "
                               "scheme must be smtp:// or smtps://");
}

static void smtp_check_refuses_a_password_sent_unencrypted(void **state)
{
    struct nfx *fx = *state;
    char cfg[NFX_TEXT_MAX];
    struct nfx_outcome o = nfx_check(
        fx, fx->smtp, "someone@example.org",
        smtp_config(fx, cfg, sizeof cfg,
                    ", \"username\": \"exports\", \"password\": \"hunter2\""));

    assert_int_equal(o.rc, SP_ERROR);
    assert_non_null(strstr(o.err, "is not encrypted; use smtps:// or set "
                                  "\"starttls\": true"));
}

static void smtp_check_refuses_an_unknown_config_key(void **state)
{
    struct nfx *fx = *state;
    char cfg[NFX_TEXT_MAX];
    struct nfx_outcome o =
        nfx_check(fx, fx->smtp, "someone@example.org",
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
    struct nfx *fx = *state;
    struct nfx_outcome bad_json = nfx_check(fx, fx->smtp, "someone@example.org",
                                            "{\"password\": \"hunter2\",");
    struct nfx_outcome url_pw =
        nfx_check(fx, fx->smtp, "someone@example.org",
                  "{\"url\": \"smtp://exports:hunter2@127.0.0.1:25\", "
                  "\"from\": \"spanport@example.org\"}");

    assert_int_equal(bad_json.rc, SP_ERROR);
    assert_string_equal(bad_json.err,
                        "smtp: config: the smtp section is not a JSON "
                        "object; fix the config file");
    assert_int_equal(url_pw.rc, SP_ERROR); /* and no hunter2: see nfx_check() */
}

static void smtp_check_refuses_a_subject_with_a_line_break(void **state)
{
    struct nfx *fx = *state;
    char cfg[NFX_TEXT_MAX];
    struct nfx_outcome o = nfx_check(
        fx, fx->smtp, "someone@example.org",
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
    struct nfx *fx = *state;
    struct sp_event ev = nfx_ready_event("dlv-smtp-ready");
    char cfg[NFX_TEXT_MAX], head[4096];
    struct nfx_outcome o =
        nfx_notify(fx, fx->smtp, "someone@example.org",
                   smtp_config(fx, cfg, sizeof cfg, ""), &ev);
    cJSON *mail, *rec, *rcpt;
    const char *data;

    assert_int_equal(o.rc, SP_OK);
    assert_int_equal(o.retry_after, 0);
    mail = one_mail(fx, "dlv-smtp-ready");
    rec = cJSON_GetArrayItem(mail, 0);
    data = nfx_str(rec, "data");
    assert_string_equal(nfx_str(rec, "mail_from"), "spanport@example.org");
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
    struct nfx *fx = *state;
    struct sp_event ev = nfx_ready_event("dlv-smtp-twice");
    char cfg[NFX_TEXT_MAX];
    cJSON *mails;

    smtp_config(fx, cfg, sizeof cfg, "");
    assert_int_equal(nfx_notify(fx, fx->smtp, "a@example.org", cfg, &ev).rc,
                     SP_OK);
    assert_int_equal(nfx_notify(fx, fx->smtp, "a@example.org", cfg, &ev).rc,
                     SP_OK);
    mails = nfx_records(fx->env.smtp_records, mail_with_id, "dlv-smtp-twice");
    assert_int_equal(cJSON_GetArraySize(mails), 2); /* both: same id */
    cJSON_Delete(mails);
}

static void
smtp_failed_event_says_failed_and_keeps_dot_lines_and_utf8(void **state)
{
    struct nfx *fx = *state;
    struct sp_event ev = nfx_failed_event("dlv-smtp-failed");
    char cfg[NFX_TEXT_MAX];
    struct nfx_outcome o =
        nfx_notify(fx, fx->smtp, "someone@example.org",
                   smtp_config(fx, cfg, sizeof cfg, ""), &ev);
    cJSON *mail;
    const char *data;

    assert_int_equal(o.rc, SP_OK);
    mail = one_mail(fx, "dlv-smtp-failed");
    data = nfx_str(cJSON_GetArrayItem(mail, 0), "data");
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
    struct nfx *fx = *state;
    struct sp_event ev = nfx_ready_event("dlv-smtp-i18n");
    char cfg[NFX_TEXT_MAX], head[4096];
    struct nfx_outcome o;
    cJSON *mail;

    smtp_config(fx, cfg, sizeof cfg,
                ", \"subject_ready\": \"Votre export est prêt ! Données "
                "de janvier ✓ — 1234 lignes, 5,6 Mio\"");
    o = nfx_notify(fx, fx->smtp, "someone@example.org", cfg, &ev);
    assert_int_equal(o.rc, SP_OK);
    mail = one_mail(fx, "dlv-smtp-i18n");
    mail_head(nfx_str(cJSON_GetArrayItem(mail, 0), "data"), head, sizeof head);
    assert_non_null(strstr(head, "\r\nSubject: =?UTF-8?B?"));
    assert_non_null(strstr(head, "?=\r\n =?UTF-8?B?")); /* folded */
    for (const char *p = head; *p; p++)                 /* 7-bit headers */
        assert_true((unsigned char)*p < 0x80);
    cJSON_Delete(mail); /* notify.sh decodes it with Python's email */
}

static void smtp_error_with_a_very_long_line_is_sent_base64(void **state)
{
    struct nfx *fx = *state;
    struct sp_event ev = nfx_failed_event("dlv-smtp-long");
    char cfg[NFX_TEXT_MAX], error[1501];
    cJSON *mail;

    memset(error, 'x', sizeof error - 1);
    error[sizeof error - 1] = '\0';
    ev.error = error;
    smtp_config(fx, cfg, sizeof cfg, "");
    assert_int_equal(nfx_notify(fx, fx->smtp, "a@example.org", cfg, &ev).rc,
                     SP_OK);
    mail = one_mail(fx, "dlv-smtp-long");
    assert_non_null(strstr(nfx_str(cJSON_GetArrayItem(mail, 0), "data"),
                           "\r\nContent-Transfer-Encoding: base64\r\n"));
    cJSON_Delete(mail);
}

static void smtp_server_down_is_retry(void **state)
{
    struct nfx *fx = *state;
    struct sp_event ev = nfx_ready_event("dlv-smtp-down");
    char cfg[NFX_TEXT_MAX];
    struct nfx_outcome o;

    snprintf(cfg, sizeof cfg,
             "{\"url\": \"smtp://127.0.0.1:%d\", "
             "\"from\": \"spanport@example.org\"}",
             nfx_closed_port());
    o = nfx_notify(fx, fx->smtp, "someone@example.org", cfg, &ev);
    assert_int_equal(o.rc, SP_RETRY);
    assert_non_null(strstr(o.err, "cannot send to someone@example.org"));
}

static void smtp_temporary_refusal_is_retry(void **state)
{
    struct nfx *fx = *state;
    struct sp_event ev = nfx_ready_event("dlv-smtp-451");
    char cfg[NFX_TEXT_MAX];
    struct nfx_outcome o =
        nfx_notify(fx, fx->smtp, "tempfail@example.org",
                   smtp_config(fx, cfg, sizeof cfg, ""), &ev);

    assert_int_equal(o.rc, SP_RETRY);
    assert_non_null(strstr(o.err, "deferred the message to "
                                  "tempfail@example.org"));
    assert_non_null(strstr(o.err, "451"));
}

static void smtp_permanent_refusal_is_error(void **state)
{
    struct nfx *fx = *state;
    struct sp_event ev = nfx_ready_event("dlv-smtp-550");
    char cfg[NFX_TEXT_MAX];
    struct nfx_outcome o =
        nfx_notify(fx, fx->smtp, "reject@example.org",
                   smtp_config(fx, cfg, sizeof cfg, ""), &ev);

    assert_int_equal(o.rc, SP_ERROR);
    assert_non_null(strstr(o.err, "refused the message to "
                                  "reject@example.org"));
    assert_non_null(strstr(o.err, "550"));
}

static void smtp_starttls_not_offered_is_error_not_cleartext(void **state)
{
    struct nfx *fx = *state;
    struct sp_event ev = nfx_ready_event("dlv-smtp-notls");
    char cfg[NFX_TEXT_MAX];
    struct nfx_outcome o = nfx_notify(
        fx, fx->smtp, "someone@example.org",
        smtp_config(fx, cfg, sizeof cfg, ", \"starttls\": true"), &ev);
    cJSON *none;

    assert_int_equal(o.rc, SP_ERROR);
    assert_non_null(strstr(o.err, "starttls is required but the server "
                                  "does not offer STARTTLS"));
    none = nfx_records(fx->env.smtp_records, mail_with_id, "dlv-smtp-notls");
    assert_int_equal(cJSON_GetArraySize(none), 0);
    cJSON_Delete(none);
}

/* The TLS servers need a certificate, which notify.sh makes with openssl. */
static const char *tls_config(const struct nfx *fx, char *buf, size_t n,
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

static void smtp_delivers_over_tls_with_auth(const struct nfx *fx,
                                             const char *scheme,
                                             const char *port, const char *id)
{
    struct sp_event ev = nfx_ready_event(id);
    char cfg[NFX_TEXT_MAX];
    struct nfx_outcome o;
    cJSON *mail, *rec;

    if (!port || !fx->env.tls_ca || !fx->env.smtp_password)
        skip();
    tls_config(fx, cfg, sizeof cfg, scheme, port, fx->env.smtp_password);
    o = nfx_notify(fx, fx->smtp, "someone@example.org", cfg, &ev);
    assert_int_equal(o.rc, SP_OK);
    mail = one_mail(fx, id);
    rec = cJSON_GetArrayItem(mail, 0);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(rec, "tls")));
    assert_non_null(nfx_str(rec, "auth_login"));
    assert_string_equal(nfx_str(rec, "auth_login"), "exports");
    cJSON_Delete(mail);
}

static void smtp_starttls_with_auth_delivers_over_tls(void **state)
{
    struct nfx *fx = *state;

    smtp_delivers_over_tls_with_auth(fx, "smtp", fx->env.starttls_port,
                                     "dlv-smtp-starttls");
}

static void smtps_with_auth_delivers_over_tls(void **state)
{
    struct nfx *fx = *state;

    smtp_delivers_over_tls_with_auth(fx, "smtps", fx->env.smtps_port,
                                     "dlv-smtps");
}

static void smtp_wrong_password_is_error_and_never_shown(void **state)
{
    struct nfx *fx = *state;
    struct sp_event ev = nfx_ready_event("dlv-smtp-badpw");
    char cfg[NFX_TEXT_MAX];
    struct nfx_outcome o;

    if (!fx->env.starttls_port || !fx->env.tls_ca)
        skip();
    tls_config(fx, cfg, sizeof cfg, "smtp", fx->env.starttls_port,
               "hunter2-wrong");
    o = nfx_notify(fx, fx->smtp, "someone@example.org", cfg, &ev);
    assert_int_equal(o.rc, SP_ERROR);
    assert_non_null(strstr(o.err, "login as \"exports\" refused"));
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
    };

    if (!nfx_servers_given("test_notify_smtp"))
        return NFX_SKIP_EXIT;
    return cmocka_run_group_tests(tests, nfx_group_setup, nfx_group_teardown);
}

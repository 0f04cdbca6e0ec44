/* tests/unit/test_notify_webhook.c: the webhook plugin against the real
 * receiver notify.sh starts: its check, then the posts it got. No smtp. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "notify_fixture.h"

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- what the receiver got --------------------------------------------- */

/* HTTP records by their webhook-id header. */
static int post_with_id(const cJSON *rec, const char *id)
{
    const cJSON *h = cJSON_GetObjectItemCaseSensitive(rec, "headers");
    const char *v = nfx_str(h, "webhook-id");

    return v && strcmp(v, id) == 0;
}

static int count_posts(const struct nfx *fx, const char *id)
{
    cJSON *all = nfx_records(fx->env.http_records, post_with_id, id);
    int n = cJSON_GetArraySize(all);

    cJSON_Delete(all);
    return n;
}

/* ---- webhook: configuration and target ----------------------------------- */

static const char *webhook_config(const struct nfx *fx, char *buf, size_t n,
                                  int allow_private, const char *extra)
{
    snprintf(buf, n, "{\"secret\": \"%s\", \"allow_private_addresses\": %s%s}",
             fx->env.secret, allow_private ? "true" : "false", extra);
    return buf;
}

static const char *http_url(const struct nfx *fx, char *buf, size_t n,
                            const char *path)
{
    snprintf(buf, n, "http://127.0.0.1:%s%s", fx->env.http_port, path);
    return buf;
}

static void webhook_check_accepts_an_https_target_and_a_secret(void **state)
{
    struct nfx *fx = *state;
    char cfg[NFX_TEXT_MAX];

    webhook_config(fx, cfg, sizeof cfg, 0, "");
    assert_int_equal(
        nfx_check(fx, fx->webhook, "https://hooks.example.org/x?y=1", cfg).rc,
        SP_OK);
    /* a public literal passes without any connection being made */
    assert_int_equal(
        nfx_check(fx, fx->webhook, "http://93.184.216.34/", cfg).rc, SP_OK);
}

static void webhook_check_refuses_schemes_other_than_http(void **state)
{
    static const char *const bad[] = {
        "ftp://example.org/x", "file:///etc/passwd", "gopher://example.org/",
        "example.org", "smtp://example.org"};
    struct nfx *fx = *state;
    char cfg[NFX_TEXT_MAX];

    webhook_config(fx, cfg, sizeof cfg, 1, "");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(nfx_check(fx, fx->webhook, bad[i], cfg).rc, SP_ERROR);
    assert_string_equal(nfx_check(fx, fx->webhook, bad[0], cfg).err,
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
    struct nfx *fx = *state;
    struct nfx_outcome o =
        nfx_check(fx, fx->webhook, "https://example.org/", cfgs[0]);

    assert_string_equal(o.err, "webhook: no signing secret; set "
                               "webhook.secret in the config file or "
                               "SPANPORT_WEBHOOK_SECRET to whsec_ and a "
                               "base64 key");
    for (size_t i = 1; i < sizeof cfgs / sizeof cfgs[0]; i++) {
        o = nfx_check(fx, fx->webhook, "https://example.org/", cfgs[i]);
        assert_int_equal(o.rc, SP_ERROR);
        assert_non_null(strstr(o.err, "the signing secret is not whsec_"));
        assert_null(strstr(o.err, "c2Vj"));
        assert_null(strstr(o.err, "c2hv"));
    }
}

static void webhook_check_refuses_credentials_in_the_target(void **state)
{
    struct nfx *fx = *state;
    char cfg[NFX_TEXT_MAX];
    struct nfx_outcome o =
        nfx_check(fx, fx->webhook, "https://user:hunter2@example.org/",
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
    struct nfx *fx = *state;
    char deny[NFX_TEXT_MAX], allow[NFX_TEXT_MAX], url[NFX_TEXT_MAX];

    webhook_config(fx, deny, sizeof deny, 0, "");
    webhook_config(fx, allow, sizeof allow, 1, "");
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        snprintf(url, sizeof url, "http://%s:8080/hook", hosts[i]);
        assert_int_equal(nfx_check(fx, fx->webhook, url, deny).rc, SP_ERROR);
        assert_int_equal(nfx_check(fx, fx->webhook, url, allow).rc, SP_OK);
    }
    assert_string_equal(
        nfx_check(fx, fx->webhook, "http://[::ffff:10.0.0.1]/", deny).err,
        "webhook: target host ::ffff:10.0.0.1 is a private address; "
        "refusing to post there (set webhook.allow_private_addresses to "
        "true in the config file to allow it)");
    assert_int_equal(nfx_check(fx, fx->webhook, "http://172.32.0.1/", deny).rc,
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
static cJSON *one_post(const struct nfx *fx, const char *id, cJSON **payload)
{
    cJSON *all = nfx_records(fx->env.http_records, post_with_id, id);

    assert_int_equal(cJSON_GetArraySize(all), 1);
    *payload = cJSON_Parse(nfx_str(cJSON_GetArrayItem(all, 0), "body"));
    assert_non_null(*payload);
    return all;
}

static void webhook_ready_event_is_posted_signed_with_its_payload(void **state)
{
    struct nfx *fx = *state;
    struct sp_event ev = nfx_ready_event("dlv-hook-ready");
    char cfg[NFX_TEXT_MAX], url[NFX_TEXT_MAX];
    struct nfx_outcome o =
        nfx_notify(fx, fx->webhook, http_url(fx, url, sizeof url, "/ok"),
                   webhook_config(fx, cfg, sizeof cfg, 1, ""), &ev);
    cJSON *post, *payload;
    const cJSON *rec, *h, *data;
    long long ts;

    assert_int_equal(o.rc, SP_OK);
    post = one_post(fx, "dlv-hook-ready", &payload);
    rec = cJSON_GetArrayItem(post, 0);
    h = member(rec, "headers");
    assert_string_equal(nfx_str(rec, "method"), "POST");
    assert_string_equal(nfx_str(rec, "path"), "/ok");
    assert_string_equal(nfx_str(h, "content-type"), "application/json");
    assert_true(strncmp(nfx_str(h, "webhook-signature"), "v1,", 3) == 0);
    assert_int_equal(strlen(nfx_str(h, "webhook-signature")), 3 + 44);
    ts = strtoll(nfx_str(h, "webhook-timestamp"), NULL, 10);
    assert_true(llabs(ts - (long long)time(NULL)) < 60);
    assert_string_equal(nfx_str(payload, "type"), "export.ready");
    assert_string_equal(nfx_str(payload, "timestamp"), "2026-01-15T10:00:42Z");
    data = member(payload, "data");
    assert_string_equal(nfx_str(data, "export_uuid"), NFX_UUID);
    assert_string_equal(nfx_str(data, "state"), "ready");
    assert_string_equal(nfx_str(data, "format"), "csv");
    assert_int_equal(member(data, "rows")->valuedouble, 1234);
    assert_int_equal(member(data, "bytes")->valuedouble, 5876543);
    assert_string_equal(nfx_str(data, "sha256"), NFX_SHA);
    assert_string_equal(nfx_str(data, "path"), "/srv/exports/0b6f1c9e.csv");
    assert_string_equal(nfx_str(data, "url"),
                        "https://files.example.org/exports/0b6f1c9e.csv");
    assert_true(cJSON_IsNull(member(data, "error")));
    assert_string_equal(nfx_str(data, "created_at"), "2026-01-15T10:00:00Z");
    assert_string_equal(nfx_str(data, "finished_at"), "2026-01-15T10:00:42Z");
    cJSON_Delete(payload);
    cJSON_Delete(post);
}

static void webhook_failed_event_is_posted_as_export_failed(void **state)
{
    struct nfx *fx = *state;
    struct sp_event ev = nfx_failed_event("dlv-hook-failed");
    char cfg[NFX_TEXT_MAX], url[NFX_TEXT_MAX];
    struct nfx_outcome o =
        nfx_notify(fx, fx->webhook, http_url(fx, url, sizeof url, "/ok"),
                   webhook_config(fx, cfg, sizeof cfg, 1, ""), &ev);
    cJSON *post, *payload;
    const cJSON *data;

    assert_int_equal(o.rc, SP_OK);
    post = one_post(fx, "dlv-hook-failed", &payload);
    assert_string_equal(nfx_str(payload, "type"), "export.failed");
    data = member(payload, "data");
    assert_string_equal(nfx_str(data, "state"), "failed");
    assert_string_equal(nfx_str(data, "error"), NFX_FAILED_ERROR);
    assert_true(cJSON_IsNull(member(data, "sha256")));
    assert_true(cJSON_IsNull(member(data, "path")));
    assert_true(cJSON_IsNull(member(data, "url")));
    cJSON_Delete(payload);
    cJSON_Delete(post);
}

static void webhook_retry_carries_the_same_id_and_body(void **state)
{
    struct nfx *fx = *state;
    struct sp_event ev = nfx_ready_event("dlv-hook-twice");
    char cfg[NFX_TEXT_MAX], url[NFX_TEXT_MAX];
    cJSON *posts;

    webhook_config(fx, cfg, sizeof cfg, 1, "");
    http_url(fx, url, sizeof url, "/ok");
    assert_int_equal(nfx_notify(fx, fx->webhook, url, cfg, &ev).rc, SP_OK);
    assert_int_equal(nfx_notify(fx, fx->webhook, url, cfg, &ev).rc, SP_OK);
    posts = nfx_records(fx->env.http_records, post_with_id, "dlv-hook-twice");
    assert_int_equal(cJSON_GetArraySize(posts), 2);
    assert_string_equal(nfx_str(cJSON_GetArrayItem(posts, 0), "body_b64"),
                        nfx_str(cJSON_GetArrayItem(posts, 1), "body_b64"));
    cJSON_Delete(posts);
}

/* Posts a ready event under id to path; the receiver's answer decides. */
static struct nfx_outcome post_to(const struct nfx *fx, const char *path,
                                  const char *id, const char *extra)
{
    struct sp_event ev = nfx_ready_event(id);
    char cfg[NFX_TEXT_MAX], url[NFX_TEXT_MAX];

    return nfx_notify(fx, fx->webhook, http_url(fx, url, sizeof url, path),
                      webhook_config(fx, cfg, sizeof cfg, 1, extra), &ev);
}

static void webhook_429_is_retry_after_the_seconds_asked(void **state)
{
    struct nfx_outcome o = post_to(*state, "/busy", "dlv-hook-429", "");

    assert_int_equal(o.rc, SP_RETRY);
    assert_int_equal(o.retry_after, 7);
    assert_non_null(strstr(o.err, "/busy answered 429 (Retry-After: "));
}

static void webhook_503_is_retry_after_the_date_asked(void **state)
{
    struct nfx_outcome o = post_to(*state, "/unavailable", "dlv-hook-503", "");

    assert_int_equal(o.rc, SP_RETRY);
    assert_in_range(o.retry_after, 100, 121);
}

static void webhook_500_is_retry(void **state)
{
    struct nfx_outcome o = post_to(*state, "/fail", "dlv-hook-500", "");

    assert_int_equal(o.rc, SP_RETRY);
    assert_int_equal(o.retry_after, 0);
}

static void webhook_410_is_error(void **state)
{
    struct nfx *fx = *state;
    struct nfx_outcome o = post_to(fx, "/gone", "dlv-hook-410", "");
    char want[NFX_TEXT_MAX];

    assert_int_equal(o.rc, SP_ERROR);
    snprintf(want, sizeof want,
             "webhook: http://127.0.0.1:%s/gone answered 410 Gone: the "
             "receiver was removed; drop this --notify target",
             fx->env.http_port);
    assert_string_equal(o.err, want);
}

static void webhook_other_4xx_is_error(void **state)
{
    struct nfx_outcome o = post_to(*state, "/nowhere", "dlv-hook-404", "");

    assert_int_equal(o.rc, SP_ERROR);
    assert_non_null(strstr(o.err, "answered 404; the receiver refuses"));
}

static void webhook_redirect_is_not_followed_and_names_location(void **state)
{
    struct nfx *fx = *state;
    struct nfx_outcome o = post_to(fx, "/redirect", "dlv-hook-302", "");
    char want[NFX_TEXT_MAX];

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
    struct nfx_outcome o =
        post_to(*state, "/slow", "dlv-hook-slow", ", \"timeout_seconds\": 1");

    assert_int_equal(o.rc, SP_RETRY);
    assert_true(now_s() - started < 2.5); /* the receiver sleeps 3 s */
    assert_non_null(strstr(o.err, "timed out"));
}

static void webhook_receiver_down_is_retry(void **state)
{
    struct nfx *fx = *state;
    struct sp_event ev = nfx_ready_event("dlv-hook-down");
    char cfg[NFX_TEXT_MAX], url[NFX_TEXT_MAX];
    struct nfx_outcome o;

    snprintf(url, sizeof url, "http://127.0.0.1:%d/ok", nfx_closed_port());
    o = nfx_notify(fx, fx->webhook, url,
                   webhook_config(fx, cfg, sizeof cfg, 1, ""), &ev);
    assert_int_equal(o.rc, SP_RETRY);
}

static void webhook_loopback_is_refused_unless_allowed(void **state)
{
    struct nfx *fx = *state;
    struct sp_event ev = nfx_ready_event("dlv-hook-private");
    char cfg[NFX_TEXT_MAX], url[NFX_TEXT_MAX];
    struct nfx_outcome o;

    o = nfx_notify(fx, fx->webhook, http_url(fx, url, sizeof url, "/ok"),
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
    struct nfx *fx = *state;
    struct sp_event ev = nfx_ready_event("dlv-hook-localhost");
    char cfg[NFX_TEXT_MAX], url[NFX_TEXT_MAX];
    struct nfx_outcome o;

    snprintf(url, sizeof url, "http://localhost:%s/ok", fx->env.http_port);
    o = nfx_notify(fx, fx->webhook, url,
                   webhook_config(fx, cfg, sizeof cfg, 0, ""), &ev);
    assert_int_equal(o.rc, SP_ERROR);
    assert_non_null(strstr(o.err, "target host localhost resolves to "));
    assert_non_null(strstr(o.err, "a loopback address; refusing"));
    assert_int_equal(count_posts(fx, "dlv-hook-localhost"), 0);
    o = nfx_notify(fx, fx->webhook, url,
                   webhook_config(fx, cfg, sizeof cfg, 1, ""), &ev);
    assert_int_equal(o.rc, SP_OK);
    assert_int_equal(count_posts(fx, "dlv-hook-localhost"), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
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

    if (!nfx_servers_given("test_notify_webhook"))
        return NFX_SKIP_EXIT;
    return cmocka_run_group_tests(tests, nfx_group_setup, nfx_group_teardown);
}

/* tests/unit/notify_fixture.c: the smtp and webhook plugins, loaded by dlopen
 * and called, the servers notify.sh starts, and what they received. */
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
#include <unistd.h>

#include <cmocka.h>

#include "notify_fixture.h"

static int env_load(struct nfx_env *e)
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

int nfx_servers_given(const char *prog)
{
    struct nfx_env probe;

    if (env_load(&probe) == 0)
        return 1;
    fprintf(stderr,
            "%s: needs the servers of tests/cli/notify.sh "
            "(NOTIFY_PLUGIN_DIR, SMTP_PORT, HTTP_PORT...); run that "
            "script; skipping\n",
            prog);
    return 0;
}

static const struct sp_notifier_plugin *load(const char *dir, const char *name,
                                             void **dso)
{
    char path[NFX_TEXT_MAX];
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

int nfx_group_setup(void **state)
{
    static struct nfx fx;

    if (env_load(&fx.env) != 0)
        return -1;
    fx.smtp = load(fx.env.plugin_dir, "smtp", &fx.dso[0]);
    fx.webhook = load(fx.env.plugin_dir, "webhook", &fx.dso[1]);
    *state = &fx;
    return fx.smtp && fx.webhook ? 0 : -1;
}

int nfx_group_teardown(void **state)
{
    struct nfx *fx = *state;

    for (size_t i = 0; i < 2; i++)
        if (fx->dso[i])
            dlclose(fx->dso[i]);
    return 0;
}

/* ---- calling a plugin --------------------------------------------------- */

/* No message may ever show a secret. */
static void assert_no_secret(const struct nfx *fx, const char *err)
{
    const char *key = strchr(fx->env.secret, '_') + 1;

    assert_null(strstr(err, key));
    assert_null(strstr(err, "hunter2"));
    if (fx->env.smtp_password)
        assert_null(strstr(err, fx->env.smtp_password));
}

struct nfx_outcome nfx_check(const struct nfx *fx,
                             const struct sp_notifier_plugin *p,
                             const char *target, const char *config)
{
    struct nfx_outcome o = {0};
    struct sp_notify_info info = {.target = target, .config_json = config};

    o.rc = p->check(&info, o.err, sizeof o.err);
    assert_no_secret(fx, o.err);
    return o;
}

struct nfx_outcome nfx_notify(const struct nfx *fx,
                              const struct sp_notifier_plugin *p,
                              const char *target, const char *config,
                              const struct sp_event *ev)
{
    struct nfx_outcome o = {0};
    struct sp_notify_info info = {.target = target,
                                  .config_json = config,
                                  .attempt = 1,
                                  .retry_after_seconds = -1};

    o.rc = p->notify(&info, ev, o.err, sizeof o.err);
    o.retry_after = info.retry_after_seconds;
    assert_no_secret(fx, o.err);
    return o;
}

struct sp_event nfx_ready_event(const char *delivery_id)
{
    struct sp_event ev = {
        .export_uuid = NFX_UUID,
        .state = "ready",
        .format = "csv",
        .rows = 1234,
        .bytes = 5876543,
        .sha256 = NFX_SHA,
        .path = "/srv/exports/0b6f1c9e.csv",
        .url = "https://files.example.org/exports/0b6f1c9e.csv",
        .error = "",
        .created_at = "2026-01-15T10:00:00Z",
        .finished_at = "2026-01-15T10:00:42Z",
        .delivery_id = delivery_id,
    };
    return ev;
}

struct sp_event nfx_failed_event(const char *delivery_id)
{
    struct sp_event ev = nfx_ready_event(delivery_id);

    ev.state = "failed";
    ev.rows = 0;
    ev.bytes = 0;
    ev.sha256 = "";
    ev.path = "";
    ev.url = "";
    ev.error = NFX_FAILED_ERROR;
    return ev;
}

int nfx_closed_port(void)
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

/* ---- what the servers received ------------------------------------------ */

cJSON *nfx_records(const char *path, nfx_record_match match, const char *key)
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

const char *nfx_str(const cJSON *obj, const char *name)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);

    return cJSON_IsString(item) ? item->valuestring : NULL;
}

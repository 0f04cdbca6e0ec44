/* tests/unit/notify_fixture.h: the smtp and webhook plugins, loaded by dlopen
 * and called, the servers notify.sh starts, and what they received. */
#ifndef SP_TEST_NOTIFY_FIXTURE_H
#define SP_TEST_NOTIFY_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>
#include <spanport-plugin.h>

#define NFX_TEXT_MAX 1024
#define NFX_SKIP_EXIT 77 /* automake's "skipped" */

/* What every event says, as the servers' records must show it. */
#define NFX_UUID "0b6f1c9e-2f4d-4c1a-9a57-3e1f5d2c7b10"
#define NFX_SHA                                                                \
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define NFX_FAILED_ERROR                                                       \
    "disk full while writing row 1201\n"                                       \
    ".\n"                                                                      \
    "..two dots\n"                                                             \
    ".hidden file\n"                                                           \
    "écrit à moitié: échec ✓"

/* Everything comes from the environment that notify.sh sets up. */
struct nfx_env {
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

struct nfx {
    struct nfx_env env;
    void *dso[2];
    const struct sp_notifier_plugin *smtp;
    const struct sp_notifier_plugin *webhook;
};

struct nfx_outcome {
    int rc;
    int64_t retry_after;
    char err[512];
};

/* 1 when notify.sh's environment is there; else says so on stderr as prog
 * and returns 0 (main then exits NFX_SKIP_EXIT). */
int nfx_servers_given(const char *prog);
/* cmocka group setup and teardown: *state is a struct nfx, both loaded. */
int nfx_group_setup(void **state);
int nfx_group_teardown(void **state);

/* p's check and notify; the outcome's message never shows a secret. */
struct nfx_outcome nfx_check(const struct nfx *fx,
                             const struct sp_notifier_plugin *p,
                             const char *target, const char *config);
struct nfx_outcome nfx_notify(const struct nfx *fx,
                              const struct sp_notifier_plugin *p,
                              const char *target, const char *config,
                              const struct sp_event *ev);

/* The export NFX_UUID ready, or failed with NFX_FAILED_ERROR. */
struct sp_event nfx_ready_event(const char *delivery_id);
struct sp_event nfx_failed_event(const char *delivery_id);

/* A port nothing listens on: bound by the kernel, then let go. */
int nfx_closed_port(void);

typedef int (*nfx_record_match)(const cJSON *rec, const char *key);
/* The records of a JSON-lines file that match key, in order: an array the
 * caller deletes. */
cJSON *nfx_records(const char *path, nfx_record_match match, const char *key);
/* obj's member name if it is a string, else NULL. */
const char *nfx_str(const cJSON *obj, const char *name);

#endif

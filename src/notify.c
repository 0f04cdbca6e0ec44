/* notify.c: deliveries of ready/failed notices: planned with the export,
 * queued when it ends, sent by a notifier plugin from a worker, retried on
 * SP_RETRY with the target's Retry-After. Knows deliveries, records, jobs,
 * the config and the plugin ABI; nothing of SMTP or HTTP. */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "settings.h"
#include "export/record.h"
#include "jobs.h"
#include "plugin.h"
#include "store.h"
#include "util/hex.h"
#include "util/time.h"

/* Splits "PLUGIN:TARGET" into name (copied) and target. */
static const char *split(const char *spec, char *name, size_t cap)
{
    size_t n = strcspn(spec, ":");

    snprintf(name, cap, "%.*s", (int)(n < cap ? n : cap - 1), spec);
    return spec[n] ? spec + n + 1 : "";
}

/* spec fit for a one-line message: control bytes as \r, \n, \t, \xNN. */
static const char *shown(const char *spec, char *out, size_t cap)
{
    size_t o = 0;
    char one[5];

    for (; *spec && o + 1 < cap; spec++) {
        unsigned char c = (unsigned char)*spec;

        if (c == '\r' || c == '\n' || c == '\t')
            snprintf(one, sizeof(one), "\\%c",
                     c == '\r'   ? 'r'
                     : c == '\n' ? 'n'
                                 : 't');
        else if (c < 0x20 || c == 0x7f)
            snprintf(one, sizeof(one), "\\x%02x", c);
        else
            snprintf(one, sizeof(one), "%c", c);
        if (o + strlen(one) + 1 > cap)
            break;
        memcpy(out + o, one, strlen(one));
        o += strlen(one);
    }
    out[o] = '\0';
    return out;
}

static int check_one(const struct settings *cfg, const char *spec,
                     struct sp_err *err)
{
    struct sp_notify_info info = {0};
    struct plugin *p = NULL;
    char name[80], msg[512] = "", buf[160];
    char *section;
    int rc = 0;

    info.target = split(spec, name, sizeof(name));
    if (plugin_open(&p, PLUGIN_NOTIFIER, name, err) != 0)
        return -1;
    section = settings_section(cfg, name);
    info.config_json = section ? section : "{}";
    if (p->d.notifier.check &&
        p->d.notifier.check(&info, msg, sizeof(msg)) != SP_OK)
        rc =
            sp_err_set(err, SP_EUSAGE, "--notify %s: %s",
                       shown(spec, buf, sizeof(buf)), msg[0] ? msg : "refused");
    free(section);
    plugin_close(p);
    return rc;
}

int notify_check(const cJSON *targets, struct sp_err *err)
{
    struct settings cfg;
    const cJSON *t;
    int rc = 0;

    if (cJSON_GetArraySize(targets) == 0)
        return 0;
    if (settings_load(&cfg, err) != 0) {
        settings_free(&cfg);
        return -1;
    }
    cJSON_ArrayForEach(t, targets)
    {
        if (check_one(&cfg, t->valuestring, err) != 0) {
            rc = -1;
            break;
        }
    }
    settings_free(&cfg);
    return rc;
}

int notify_settings_check(struct sp_err *err)
{
    struct settings cfg;
    int rc = settings_load(&cfg, err);

    settings_free(&cfg);
    return rc;
}

int notify_plan(struct store *st, const char *export_uuid, const cJSON *targets,
                struct sp_err *err)
{
    sqlite3_stmt *s = NULL;
    const cJSON *t;
    int rc = 0;

    if (cJSON_GetArraySize(targets) == 0)
        return 0;
    if (store_prepare(st, &s,
                      "INSERT INTO deliveries (id, export_uuid, plugin,"
                      " target) VALUES (?1, ?2, ?3, ?4)"
                      " ON CONFLICT (export_uuid, plugin, target) DO NOTHING",
                      err) != 0)
        return -1;
    cJSON_ArrayForEach(t, targets)
    {
        char id[37], name[80];
        const char *target = split(t->valuestring, name, sizeof(name));

        if (sp_uuid_v4(id) != 0) {
            rc = sp_err_set(err, SP_EFAIL, "no randomness for an id");
            break;
        }
        sqlite3_bind_text(s, 1, id, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, export_uuid, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 4, target, -1, SQLITE_STATIC);
        if ((rc = store_step_done(st, s, err, "recording a delivery")) != 0)
            break;
    }
    sqlite3_finalize(s);
    return rc;
}

int notify_enqueue(struct store *st, const char *export_uuid,
                   struct sp_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc;

    if (store_prepare(st, &s,
                      "INSERT INTO jobs (kind, ref, max_attempts,"
                      " run_after_ns) SELECT 'delivery', id, ?2, ?3"
                      " FROM deliveries WHERE export_uuid = ?1"
                      " AND state = 'pending'"
                      " ON CONFLICT (kind, ref) DO NOTHING",
                      err) != 0)
        return -1;
    sqlite3_bind_text(s, 1, export_uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, JOBS_MAX_ATTEMPTS);
    sqlite3_bind_int64(s, 3, sp_time_now_ns());
    rc = store_step_done(st, s, err, "queueing notifications");
    sqlite3_finalize(s);
    return rc;
}

struct delivery {
    char id[64];
    char export_uuid[37];
    char plugin[80];
    char *target;
    char state[16];
};

static int load_delivery(struct store *st, const char *id, struct delivery *d,
                         struct sp_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc;

    memset(d, 0, sizeof(*d));
    if (store_prepare(st, &s,
                      "SELECT export_uuid, plugin, target, state"
                      " FROM deliveries WHERE id = ?1",
                      err) != 0)
        return -1;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        snprintf(d->id, sizeof(d->id), "%s", id);
        snprintf(d->export_uuid, sizeof(d->export_uuid), "%s",
                 sqlite3_column_text(s, 0));
        snprintf(d->plugin, sizeof(d->plugin), "%s", sqlite3_column_text(s, 1));
        d->target = strdup((const char *)sqlite3_column_text(s, 2));
        snprintf(d->state, sizeof(d->state), "%s", sqlite3_column_text(s, 3));
    } else if (rc == SQLITE_DONE) {
        sp_err_set(err, SP_EUSAGE, "no delivery %s", id);
    } else {
        store_fail(st, err, "reading a delivery");
    }
    sqlite3_finalize(s);
    return rc == SQLITE_ROW && d->target ? 0 : -1;
}

/* "<base>/<file name>" when a download base URL is configured, the name
 * percent-encoded ("my file#2.csv" must not end the path at '#'). */
static char *download_url(const struct settings *cfg, const char *path)
{
    const char *base = settings_download_base_url(cfg);
    const char *slash = strrchr(path, '/');
    char *name, *url = NULL;
    size_t n;

    if (!base || !*base)
        return strdup("");
    name = sp_percent_encode(slash ? slash + 1 : path);
    if (!name)
        return NULL;
    n = strlen(base) + strlen(name) + 2;
    url = malloc(n);
    if (url)
        snprintf(url, n, "%s%s%s", base,
                 base[strlen(base) - 1] == '/' ? "" : "/", name);
    free(name);
    return url;
}

struct event_text {
    char created[SP_TIME_RFC3339_LEN];
    char finished[SP_TIME_RFC3339_LEN];
    char *url;
};

static void fill_event(const struct export_record *r, const struct delivery *d,
                       const struct settings *cfg, struct event_text *t,
                       struct sp_event *ev)
{
    int ready = strcmp(r->state, "ready") == 0;

    sp_time_format_rfc3339(r->created_at_ns, t->created);
    sp_time_format_rfc3339(
        r->finished_at_ns ? r->finished_at_ns : sp_time_now_ns(), t->finished);
    t->url = ready ? download_url(cfg, r->path) : strdup("");
    memset(ev, 0, sizeof(*ev));
    ev->export_uuid = r->uuid;
    ev->state = ready ? "ready" : "failed";
    ev->format = r->format;
    ev->rows = r->rows < 0 ? 0 : r->rows;
    ev->bytes = ready && r->bytes > 0 ? r->bytes : 0;
    ev->sha256 = ready ? r->sha256 : "";
    ev->path = ready && r->path ? r->path : "";
    ev->url = t->url ? t->url : "";
    ev->error = !ready && r->error ? r->error : "";
    ev->created_at = t->created;
    ev->finished_at = t->finished;
    ev->delivery_id = d->id;
}

/* Calls the plugin; returns its status and fills msg and *retry_after_s. */
static int send_one(const struct delivery *d, const struct export_record *r,
                    int attempt, int64_t *retry_after_s, char *msg,
                    size_t msglen)
{
    struct sp_notify_info info = {0};
    struct event_text t = {0};
    struct sp_event ev;
    struct sp_err err = {0};
    struct settings cfg = {0};
    struct plugin *p = NULL;
    char *section = NULL;
    int status = SP_RETRY;

    if (settings_load(&cfg, &err) != 0 ||
        plugin_open(&p, PLUGIN_NOTIFIER, d->plugin, &err) != 0) {
        snprintf(msg, msglen, "%s", err.msg);
        goto done;
    }
    section = settings_section(&cfg, d->plugin);
    fill_event(r, d, &cfg, &t, &ev);
    info.target = d->target;
    info.config_json = section ? section : "{}";
    info.attempt = attempt;
    status = p->d.notifier.notify(&info, &ev, msg, msglen);
    *retry_after_s = info.retry_after_seconds;
done:
    free(t.url);
    free(section);
    plugin_close(p);
    settings_free(&cfg);
    return status;
}

static int record_outcome(struct store *st, const struct job *job,
                          const struct delivery *d, int status, const char *msg,
                          int64_t retry_after_s, int *final, struct sp_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc;

    *final = 1;
    if (store_begin(st, err) != 0)
        return -1;
    rc = status == SP_OK ? jobs_done(st, job, err)
                         : jobs_fail(st, job, msg, status == SP_RETRY,
                                     retry_after_s * 1000, final, err);
    if (rc == 0)
        rc = store_prepare(st, &s,
                           "UPDATE deliveries SET state = ?2, attempts = ?3,"
                           " error = ?4, sent_at_ns = ?5 WHERE id = ?1",
                           err);
    if (rc == 0) {
        sqlite3_bind_text(s, 1, d->id, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2,
                          status == SP_OK ? "sent"
                          : *final        ? "failed"
                                          : "pending",
                          -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 3, job->attempts);
        if (status != SP_OK)
            sqlite3_bind_text(s, 4, msg, -1, SQLITE_STATIC);
        if (status == SP_OK)
            sqlite3_bind_int64(s, 5, sp_time_now_ns());
        rc = store_step_done(st, s, err, "recording a delivery");
        sqlite3_finalize(s);
    }
    if (rc != 0) {
        store_rollback(st);
        return -1;
    }
    return store_commit(st, err);
}

int notify_run(struct store *st, const struct job *job, char *line,
               size_t linelen, int *failed, struct sp_err *err)
{
    struct export_record rec = {0};
    struct delivery d;
    char msg[512] = "";
    int64_t retry_after_s = 0;
    int status, final = 1, rc = -1;

    *failed = 0;
    if (load_delivery(st, job->ref, &d, err) != 0 ||
        record_load(st, d.export_uuid, &rec, err) != 0) {
        snprintf(msg, sizeof(msg), "%s", err->msg);
        status = SP_ERROR;
    } else if (strcmp(d.state, "pending") != 0) {
        snprintf(line, linelen, "delivery %s is already %s", d.id, d.state);
        rc = jobs_done(st, job, err); /* never send a delivery twice */
        goto done;
    } else {
        status =
            send_one(&d, &rec, job->attempts, &retry_after_s, msg, sizeof(msg));
    }
    /* Once a notice went out, its outcome is worth waiting for: given up,
     * the job would run again later and send it twice. */
    do {
        err->kind = SP_ENONE;
        rc = record_outcome(st, job, &d, status, msg, retry_after_s, &final,
                            err);
    } while (rc != 0 && err->busy);
    *failed = rc == 0 && status != SP_OK && final;
    snprintf(line, linelen, "notify %s:%s for export %s: %s%s%s", d.plugin,
             d.target ? d.target : "?", d.export_uuid,
             status == SP_OK ? "sent"
             : final         ? "failed: "
                             : "will retry: ",
             status == SP_OK ? "" : msg, "");
done:
    free(d.target);
    record_free(&rec);
    return rc;
}

cJSON *notify_deliveries_json(struct store *st, const char *export_uuid)
{
    cJSON *list = cJSON_CreateArray();
    sqlite3_stmt *s = NULL;
    struct sp_err err = {0};

    if (store_prepare(st, &s,
                      "SELECT id, plugin, target, state, attempts, error"
                      " FROM deliveries WHERE export_uuid = ?1"
                      " ORDER BY plugin, target",
                      &err) != 0)
        return list;
    sqlite3_bind_text(s, 1, export_uuid, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW) {
        cJSON *o = cJSON_CreateObject();
        const unsigned char *e = sqlite3_column_text(s, 5);

        cJSON_AddStringToObject(o, "id",
                                (const char *)sqlite3_column_text(s, 0));
        cJSON_AddStringToObject(o, "plugin",
                                (const char *)sqlite3_column_text(s, 1));
        cJSON_AddStringToObject(o, "target",
                                (const char *)sqlite3_column_text(s, 2));
        cJSON_AddStringToObject(o, "state",
                                (const char *)sqlite3_column_text(s, 3));
        cJSON_AddNumberToObject(o, "attempts", sqlite3_column_int(s, 4));
        if (e)
            cJSON_AddStringToObject(o, "error", (const char *)e);
        else
            cJSON_AddNullToObject(o, "error");
        cJSON_AddItemToArray(list, o);
    }
    sqlite3_finalize(s);
    return list;
}

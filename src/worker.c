/* worker.c: runs one claimed job: an export from its record's request to a
 * file in place, renewing the lease as pages go by; failures become retries
 * or a failed record. Knows jobs, records and the export runner. */
#include "worker.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export/record.h"
#include "export/request.h"
#include "export/run.h"
#include "export/summary.h"
#include "jobs.h"
#include "notify.h"
#include "plugin.h"
#include "store.h"
#include "util/time.h"

void worker_init(struct worker *w)
{
    memset(w, 0, sizeof(*w));
    jobs_owner_name(w->owner, sizeof(w->owner));
}

static void say(struct worker *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void say(struct worker *w, const char *fmt, ...)
{
    char line[768];
    va_list ap;

    if (!w->log)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    w->log(w->log_arg, line);
}

/* Once a job is claimed, a store locked by another process (an import
 * holds it for a whole file) only delays the job: giving up would leave
 * it "running" under a lease nobody renews, and cost it an attempt. So a
 * write that found the store busy (after waiting the lock timeout) is
 * tried again, until it goes through, fails for another reason, or a stop
 * is asked for. Says so once per job. Returns 1 to try again. */
static int keep_waiting(struct worker *w, const struct job *job,
                        const struct sp_err *err, int *told)
{
    if (!err->busy || (w->stop && *w->stop))
        return 0;
    if (!*told)
        say(w, "%s %s: the store is locked by another spanport; waiting for it",
            job->kind, job->ref);
    *told = 1;
    return 1;
}

static void count_failed(struct worker *w, const struct job *job)
{
    size_t len = strlen(w->failed);

    w->n_failed++;
    if (len + 4 + strlen(job->kind) + strlen(job->ref) >= sizeof(w->failed)) {
        if (len + 5 < sizeof(w->failed) && !strstr(w->failed, "..."))
            snprintf(w->failed + len, sizeof(w->failed) - len, ", ...");
        return;
    }
    snprintf(w->failed + len, sizeof(w->failed) - len, "%s%s %s",
             len ? ", " : "", job->kind, job->ref);
}

struct running {
    struct store *st;
    struct worker *w;
    const struct job *job;
    int64_t renew_at_ns;
    int told_busy;
};

/* After each page: stop if asked to, renew the lease a third of the way
 * through it, and give it up if it is no longer ours. A renewal that finds
 * the store locked waits for it: nobody can take the job over while the
 * lock is held (a claim needs it too), so once the holder is done the
 * renewal either goes through, or finds that the lease ran out and another
 * worker took the job, and this attempt is abandoned, never both. */
static int tick(void *arg, const struct export_stats *s, struct sp_err *err)
{
    struct running *r = arg;
    int64_t now = sp_time_now_ns();

    if (r->w->stop && *r->w->stop)
        return sp_err_set(err, SP_EFAIL, "stopped by a signal");
    if (r->w->progress)
        r->w->progress(r->w->progress_arg, s);
    if (now < r->renew_at_ns)
        return 0;
    while (jobs_renew(r->st, r->job, err) != 0)
        if (!keep_waiting(r->w, r->job, err, &r->told_busy))
            return -1;
    r->renew_at_ns = sp_time_now_ns() + jobs_lease_ns() / 3;
    return 0;
}

/* Lease check, rename and the ready record in one transaction: only the
 * holder of the lease puts a file in place. */
static int finish_ready(struct store *st, const struct job *job,
                        const struct export_record *rec, const char *tmp,
                        const struct export_stats *stats, const char *sha256,
                        struct sp_err *err)
{
    if (store_begin(st, err) != 0)
        return -1;
    if (jobs_done(st, job, err) != 0 ||
        export_place(tmp, rec->path, err) != 0 ||
        record_mark_ready(st, rec->uuid, stats, sha256, err) != 0 ||
        notify_enqueue(st, rec->uuid, err) != 0) {
        store_rollback(st);
        return -1;
    }
    return store_commit(st, err);
}

static int record_failure(struct store *st, const struct job *job,
                          const char *error, int retryable, int *final,
                          struct sp_err *err)
{
    if (store_begin(st, err) != 0)
        return -1;
    if (jobs_fail(st, job, error, retryable, 0, final, err) != 0 ||
        record_mark_failed(st, job->ref, error, *final, err) != 0 ||
        (*final && notify_enqueue(st, job->ref, err) != 0)) {
        store_rollback(st);
        return -1;
    }
    return store_commit(st, err);
}

static int finish_failed(struct store *st, struct worker *w,
                         const struct job *job, const char *error,
                         int retryable)
{
    struct sp_err err = {0};
    int final = 0, told = 0;

    while (record_failure(st, job, error, retryable, &final, &err) != 0) {
        if (keep_waiting(w, job, &err, &told))
            continue;
        say(w, "export %s: %s", job->ref, err.msg);
        return -1;
    }
    if (final)
        count_failed(w, job);
    say(w, "export %s %s (attempt %d of %d): %s", job->ref,
        final ? "failed" : "will be retried", job->attempts, job->max_attempts,
        error);
    return 0;
}

/* A graceful stop: the job and its record go back to the queue. */
static int release(struct store *st, const struct job *job, struct sp_err *err)
{
    if (store_begin(st, err) != 0)
        return -1;
    if (jobs_release(st, job, err) != 0 ||
        record_mark_state(st, job->ref, "queued", err) != 0) {
        store_rollback(st);
        return -1;
    }
    return store_commit(st, err);
}

/* The ready line, with the row spans considered and skipped by reason,
 * and when no row resulted, one line that says why. */
static void tell_ready(struct store *st, struct worker *w,
                       const struct export_record *rec,
                       const struct export_request *req,
                       const struct export_stats *stats)
{
    struct sp_err err = {0};
    char counts[512], hint[768];

    summary_counts(req, stats, counts, sizeof(counts));
    say(w, "export %s ready: %llu rows, %llu bytes, %s; %s", rec->uuid,
        (unsigned long long)stats->rows, (unsigned long long)stats->bytes,
        rec->path, counts);
    if (summary_empty_hint(st, req, stats, hint, sizeof(hint), &err) != 0)
        say(w, "export %s: %s", rec->uuid, err.msg);
    else if (hint[0])
        say(w, "export %s: %s", rec->uuid, hint);
}

static int produce(struct store *st, struct worker *w, const struct job *job,
                   const struct export_record *rec, struct sp_err *err)
{
    struct export_args a;
    struct plugin *plugin = NULL;
    struct running r = {.st = st, .w = w, .job = job};
    struct export_output out = {0};
    struct export_stats stats;
    char *tmp = NULL;
    int rc = -1;

    export_args_init(&a);
    /* Running, with its attempt counted, before anything can fail. */
    while (record_mark_running(st, rec->uuid, job->attempts, err) != 0)
        if (!keep_waiting(w, job, err, &r.told_busy))
            goto done;
    if (request_from_json(rec->request, &a, err) != 0 ||
        plugin_open(&plugin, PLUGIN_OUTPUT, rec->format, err) != 0)
        goto done;
    out.plugin = plugin;
    out.options = a.options;
    out.n_options = a.n_options;
    out.path = rec->path;
    out.want_sha256 = 1;
    out.tick = tick;
    out.tick_arg = &r;
    a.req.cutoff_seq = rec->cutoff_seq;
    export_clean_temps(rec->path); /* left by an attempt that crashed */
    r.renew_at_ns = sp_time_now_ns() + jobs_lease_ns() / 3;
    if (export_to_temp(st, &a.req, &out, &stats, &tmp, err) != 0)
        goto done;
    while ((rc = finish_ready(st, job, rec, tmp, &stats, out.sha256, err)) !=
               0 &&
           keep_waiting(w, job, err, &r.told_busy))
        ;
    if (rc == 0)
        tell_ready(st, w, rec, &a.req, &stats);
done:
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    plugin_close(plugin);
    export_args_free(&a);
    return rc;
}

static int run_export_job(struct store *st, struct worker *w,
                          const struct job *job, struct sp_err *store_err)
{
    struct export_record rec;
    struct sp_err err = {0};
    int rc, told = 0;

    while ((rc = record_load(st, job->ref, &rec, &err)) != 0 &&
           keep_waiting(w, job, &err, &told))
        ;
    if (rc != 0) {
        if (err.kind != SP_ESTORE)
            return finish_failed(st, w, job, err.msg, 0);
        *store_err = err;
        return -1;
    }
    if (job->attempts > job->max_attempts) {
        rc = finish_failed(st, w, job,
                           "the worker running its last attempt stopped", 0);
    } else if (produce(st, w, job, &rec, &err) == 0) {
        rc = 0;
    } else if (w->stop && *w->stop) {
        say(w, "export %s released: %s", job->ref, err.msg);
        rc = release(st, job, &err); /* another worker takes it over */

    } else {
        rc = finish_failed(st, w, job, err.msg, err.kind != SP_EUSAGE);
    }
    record_free(&rec);
    return rc;
}

/* A config that cannot be read fails every delivery alike: the job goes
 * back to the queue untouched and the worker stops with the reason. */
static int run_delivery_job(struct store *st, struct worker *w,
                            const struct job *job, struct sp_err *err)
{
    char line[768] = "";
    int failed = 0, rc;

    if (notify_settings_check(err) != 0) {
        struct sp_err ignored = {0};

        jobs_release(st, job, &ignored);
        return -1;
    }
    rc = notify_run(st, job, line, sizeof(line), &failed, err);
    say(w, "%s", line);
    if (failed)
        count_failed(w, job);
    return rc;
}

int worker_step(struct store *st, struct worker *w, const char *only_ref,
                int *ran, struct sp_err *err)
{
    struct job job;
    int got = jobs_claim(st, w->owner, only_ref, &job, err);

    *ran = got == 1;
    if (got != 1)
        return got;
    if (strcmp(job.kind, "export") == 0)
        return run_export_job(st, w, &job, err) == 0 || err->kind != SP_ESTORE
                   ? 0
                   : -1;
    if (strcmp(job.kind, "delivery") == 0)
        return run_delivery_job(st, w, &job, err);
    /* A kind this spanport does not know (a newer one queued it). */
    return finish_failed(st, w, &job, "unknown job kind", 0);
}

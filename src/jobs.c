/* jobs.c: the job queue on the store's jobs table: claims under SQLite's
 * write lock, leases that expire when a worker dies, jittered backoff.
 * Knows the jobs table; nothing of exports or deliveries. */
#include "jobs.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store.h"
#include "util/hex.h"
#include "util/time.h"

static int64_t env_int(const char *name, int64_t dflt)
{
    const char *v = getenv(name);
    char *end;
    long long n;

    if (!v || !*v)
        return dflt;
    n = strtoll(v, &end, 10);
    return *end == '\0' && n >= 0 ? n : dflt;
}

int64_t jobs_backoff_ms(void)
{
    return env_int("SPANPORT_BACKOFF_MS", JOBS_BACKOFF_MS);
}

int64_t jobs_lease_ns(void)
{
    return env_int("SPANPORT_LEASE_SECONDS", JOBS_LEASE_SECONDS) * 1000000000LL;
}

void jobs_owner_name(char *out, size_t len)
{
    char host[32] = "host";
    char uuid[37];

    gethostname(host, sizeof(host) - 1);
    if (sp_uuid_v4(uuid) != 0)
        snprintf(uuid, sizeof(uuid), "%ld", (long)sp_time_now_ns());
    snprintf(out, len, "%.24s:%ld:%.8s", host, (long)getpid(), uuid);
}

static int run(struct store *st, const char *sql, struct sp_err *err,
               const char *what, const char *fmt, ...)
{
    sqlite3_stmt *s = NULL;
    va_list ap;
    int i, rc;

    if (store_prepare(st, &s, sql, err) != 0)
        return -1;
    va_start(ap, fmt);
    for (i = 0; fmt[i]; i++) {
        if (fmt[i] == 't')
            sqlite3_bind_text(s, i + 1, va_arg(ap, const char *), -1,
                              SQLITE_TRANSIENT);
        else
            sqlite3_bind_int64(s, i + 1, va_arg(ap, int64_t));
    }
    va_end(ap);
    rc = sqlite3_step(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        store_fail(st, err, what);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return -1;
    return sqlite3_changes(st->db);
}

int jobs_enqueue(struct store *st, const char *kind, const char *ref,
                 int64_t run_after_ns, int *created, struct sp_err *err)
{
    int n = run(st,
                "INSERT INTO jobs (kind, ref, max_attempts, run_after_ns)"
                " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (kind, ref) DO NOTHING",
                err, "queueing a job", "ttii", kind, ref,
                (int64_t)JOBS_MAX_ATTEMPTS, run_after_ns);

    if (n < 0)
        return -1;
    if (created)
        *created = n;
    return 0;
}

/* One statement, so the claim is atomic under SQLite's write lock: the
 * oldest due job, or a running one whose lease ran out (its worker died),
 * becomes this worker's with a new attempt. */
static const char SQL_CLAIM[] =
    "UPDATE jobs SET state = 'running', attempts = attempts + 1,"
    " lease_owner = ?1, lease_expires_ns = ?2 + ?3"
    " WHERE id = (SELECT id FROM jobs WHERE"
    " ((state = 'queued' AND run_after_ns <= ?2)"
    " OR (state = 'running' AND lease_expires_ns < ?2))"
    " AND (?4 IS NULL OR ref = ?4)"
    " ORDER BY run_after_ns, id LIMIT 1)"
    " RETURNING id, kind, ref, attempts, max_attempts";

static void copy_col(char *dst, size_t cap, const unsigned char *src)
{
    snprintf(dst, cap, "%s", src ? (const char *)src : "");
}

int jobs_claim(struct store *st, const char *owner, const char *only_ref,
               struct job *job, struct sp_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc, found = 0;

    memset(job, 0, sizeof(*job));
    if (store_prepare(st, &s, SQL_CLAIM, err) != 0)
        return -1;
    sqlite3_bind_text(s, 1, owner, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, sp_time_now_ns());
    sqlite3_bind_int64(s, 3, jobs_lease_ns());
    if (only_ref)
        sqlite3_bind_text(s, 4, only_ref, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        found = 1;
        job->id = sqlite3_column_int64(s, 0);
        copy_col(job->kind, sizeof(job->kind), sqlite3_column_text(s, 1));
        copy_col(job->ref, sizeof(job->ref), sqlite3_column_text(s, 2));
        job->attempts = sqlite3_column_int(s, 3);
        job->max_attempts = sqlite3_column_int(s, 4);
        snprintf(job->owner, sizeof(job->owner), "%s", owner);
        rc = sqlite3_step(s);
    }
    if (rc != SQLITE_DONE)
        store_fail(st, err, "claiming a job");
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? found : -1;
}

static int lost(const struct job *job, struct sp_err *err)
{
    return sp_err_set(err, SP_EFAIL,
                      "job %lld (%s %s) is no longer this worker's: it was "
                      "cancelled, or its lease ran out and another worker "
                      "took it",
                      (long long)job->id, job->kind, job->ref);
}

int jobs_renew(struct store *st, const struct job *job, struct sp_err *err)
{
    int n = run(st,
                "UPDATE jobs SET lease_expires_ns = ?1 WHERE id = ?2"
                " AND state = 'running' AND lease_owner = ?3",
                err, "renewing a job lease", "iit",
                sp_time_now_ns() + jobs_lease_ns(), job->id, job->owner);

    if (n < 0)
        return -1;
    return n == 1 ? 0 : lost(job, err);
}

int jobs_done(struct store *st, const struct job *job, struct sp_err *err)
{
    int n = run(st,
                "UPDATE jobs SET state = 'done', lease_owner = NULL,"
                " lease_expires_ns = NULL, last_error = NULL WHERE id = ?1"
                " AND state = 'running' AND lease_owner = ?2",
                err, "finishing a job", "it", job->id, job->owner);

    if (n < 0)
        return -1;
    return n == 1 ? 0 : lost(job, err);
}

/* 5 s, 10 s, 20 s...: doubling per attempt, with up to 20% jitter so that
 * jobs failing together do not retry together. */
static int64_t backoff_ns(int attempts)
{
    int64_t base = jobs_backoff_ms() * 1000000LL;
    unsigned char r = 0;
    char uuid[37];
    int i;

    for (i = 1; i < attempts && i < 20; i++)
        base *= 2;
    if (sp_uuid_v4(uuid) == 0)
        r = (unsigned char)uuid[0];
    return base + base / 5 * (r % 64) / 64;
}

int jobs_fail(struct store *st, const struct job *job, const char *error,
              int retryable, int64_t retry_after_ms, int *final,
              struct sp_err *err)
{
    int last = !retryable || job->attempts >= job->max_attempts;
    int64_t when =
        sp_time_now_ns() + (retry_after_ms > 0 ? retry_after_ms * 1000000LL
                                               : backoff_ns(job->attempts));
    int n = run(st,
                "UPDATE jobs SET state = ?1, run_after_ns = ?2,"
                " last_error = ?3, lease_owner = NULL, lease_expires_ns = NULL"
                " WHERE id = ?4 AND state = 'running' AND lease_owner = ?5",
                err, "recording a failed job", "titit",
                last ? "failed" : "queued", when, error, job->id, job->owner);

    *final = last;
    if (n < 0)
        return -1;
    return n == 1 ? 0 : lost(job, err);
}

int jobs_release(struct store *st, const struct job *job, struct sp_err *err)
{
    int n = run(st,
                "UPDATE jobs SET state = 'queued', attempts = attempts - 1,"
                " lease_owner = NULL, lease_expires_ns = NULL"
                " WHERE id = ?1 AND state = 'running' AND lease_owner = ?2",
                err, "releasing a job", "it", job->id, job->owner);

    return n < 0 ? -1 : 0;
}

int jobs_cancel(struct store *st, const char *kind, const char *ref,
                struct sp_err *err)
{
    return run(st,
               "UPDATE jobs SET state = 'cancelled', lease_owner = NULL,"
               " lease_expires_ns = NULL WHERE kind = ?1 AND ref = ?2"
               " AND state IN ('queued', 'running')",
               err, "cancelling a job", "tt", kind, ref) < 0
               ? -1
               : 0;
}

int jobs_requeue(struct store *st, const char *kind, const char *ref,
                 struct sp_err *err)
{
    int n =
        run(st,
            "UPDATE jobs SET state = 'queued', attempts = 0,"
            " run_after_ns = ?3, last_error = NULL, lease_owner = NULL,"
            " lease_expires_ns = NULL WHERE kind = ?1 AND ref = ?2",
            err, "queueing a job again", "tti", kind, ref, sp_time_now_ns());

    if (n < 0)
        return -1;
    if (n == 0)
        return jobs_enqueue(st, kind, ref, sp_time_now_ns(), NULL, err);
    return 0;
}

int jobs_pending(struct store *st, int64_t *n, int64_t *next_due_ns,
                 struct sp_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc;

    if (store_prepare(st, &s,
                      "SELECT count(*), min(CASE WHEN state = 'queued' THEN"
                      " run_after_ns ELSE lease_expires_ns END) FROM jobs"
                      " WHERE state IN ('queued', 'running')",
                      err) != 0)
        return -1;
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *n = sqlite3_column_int64(s, 0);
        *next_due_ns = sqlite3_column_type(s, 1) == SQLITE_NULL
                           ? INT64_MAX
                           : sqlite3_column_int64(s, 1);
    } else {
        store_fail(st, err, "counting jobs");
    }
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : -1;
}

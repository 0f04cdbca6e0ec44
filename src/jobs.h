/* jobs.h: the persistent job queue in the store: enqueue (deduplicated),
 * atomic claim with a lease, renewal, retry with jittered exponential
 * backoff, and recovery of jobs whose worker died. Knows the jobs table
 * only; nothing of what a job does. */
#ifndef SP_JOBS_H
#define SP_JOBS_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct store;

#define JOBS_MAX_ATTEMPTS 3
#define JOBS_BACKOFF_MS 5000  /* 5 s, then 10 s: doubles per attempt */
#define JOBS_LEASE_SECONDS 30 /* a worker renews well before this */

struct job {
    int64_t id;
    char kind[16]; /* "export" or "delivery" */
    char ref[64];  /* the export UUID or the delivery id */
    int attempts;  /* including this one */
    int max_attempts;
    char owner[64]; /* this worker's lease name */
};

/* Tunable for tests through the environment: SPANPORT_BACKOFF_MS and
 * SPANPORT_LEASE_SECONDS. */
int64_t jobs_backoff_ms(void);
int64_t jobs_lease_ns(void);

/* Adds a job unless one with the same kind and ref exists (then 0 and
 * *created = 0). Runs inside the caller's transaction if there is one. */
int jobs_enqueue(struct store *st, const char *kind, const char *ref,
                 int64_t run_after_ns, int *created, struct sp_err *err);

/* Claims the next due job (optionally only `ref`), taking over jobs whose
 * lease expired. Returns 1 with *job filled, 0 when nothing is due. */
int jobs_claim(struct store *st, const char *owner, const char *only_ref,
               struct job *job, struct sp_err *err);

/* Extends the lease. Returns 0, or -1 when the lease is lost (expired and
 * taken, or the job was cancelled): the worker must abandon the attempt. */
int jobs_renew(struct store *st, const struct job *job, struct sp_err *err);

/* Ends an attempt. These run inside the caller's transaction, and check
 * that the lease is still held (-1 when it is not). */
int jobs_done(struct store *st, const struct job *job, struct sp_err *err);
/* Failed attempt: back to the queue after the backoff while attempts
 * remain and `retryable`, else failed for good (*final = 1). A wait asked
 * for by the target (retry_after_ms > 0) replaces the backoff. */
int jobs_fail(struct store *st, const struct job *job, const char *error,
              int retryable, int64_t retry_after_ms, int *final,
              struct sp_err *err);
/* Gives the job back without counting the attempt (graceful stop). */
int jobs_release(struct store *st, const struct job *job, struct sp_err *err);

/* Counts queued or running jobs (for worker --drain), and the time the
 * soonest queued one is due (INT64_MAX when none). */
int jobs_pending(struct store *st, int64_t *n, int64_t *next_due_ns,
                 struct sp_err *err);

/* A lease name unique to this process: "host:pid:random". */
void jobs_owner_name(char *out, size_t len);

/* Cancels the job of (kind, ref): a running attempt notices at its next
 * renewal. */
int jobs_cancel(struct store *st, const char *kind, const char *ref,
                struct sp_err *err);
/* Queues the job of (kind, ref) again with fresh attempts. */
int jobs_requeue(struct store *st, const char *kind, const char *ref,
                 struct sp_err *err);
#endif

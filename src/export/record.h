/* export/record.h: export records (export.md §8) in the store: create,
 * load, move through queued/running/ready/failed/cancelled, list, prune.
 * Knows the exports table; nothing of how an export runs. */
#ifndef SP_RECORD_H
#define SP_RECORD_H

#include <stdint.h>

#include "export/export.h"
#include "util/err.h"

struct store;
struct cJSON;

struct export_record {
    char uuid[37];
    char state[16];
    char format[65];
    char *request; /* JSON, see request_to_json */
    char *path;
    int64_t cutoff_seq;
    int64_t rows, warnings, bytes; /* -1 when not known yet */
    char sha256[65];
    char *error;
    char *summary; /* JSON of export_stats_json, when ready */
    int attempts;
    int64_t created_at_ns, started_at_ns, finished_at_ns; /* 0: not yet */
};

void record_free(struct export_record *r);

/* Inserts a queued record (inside the caller's transaction). */
int record_create(struct store *st, const struct export_record *r,
                  struct sp_err *err);
/* Loads by UUID (any case); SP_EUSAGE when there is none. */
int record_load(struct store *st, const char *uuid, struct export_record *r,
                struct sp_err *err);

int record_mark_running(struct store *st, const char *uuid, int attempts,
                        struct sp_err *err);
int record_mark_ready(struct store *st, const char *uuid,
                      const struct export_stats *stats, const char *sha256,
                      struct sp_err *err);
/* final: failed for good; else queued again with the error kept. */
int record_mark_failed(struct store *st, const char *uuid, const char *error,
                       int final, struct sp_err *err);
/* Cancels a queued or running export: its record and its job together
 * (a running attempt notices at its next lease renewal). */
int record_cancel(struct store *st, const char *uuid, struct sp_err *err);

int record_mark_state(struct store *st, const char *uuid, const char *state,
                      struct sp_err *err);
/* `exports retry`: queued afresh; the last run's error, attempts and times
 * go, its counts stay until the next run replaces them. */
int record_requeue(struct store *st, const char *uuid, struct sp_err *err);

/* The import seq an export made now may see: the newest import so far. */
int record_current_cutoff(struct store *st, int64_t *seq, struct sp_err *err);

/* The record as the JSON object of cli.md (`exports --json`). */
struct cJSON *record_to_json(const struct export_record *r);

/* Calls fn for each record, newest first. */
typedef int (*record_visit_fn)(void *arg, const struct export_record *r);
int record_each(struct store *st, record_visit_fn fn, void *arg,
                struct sp_err *err);

/* Deletes finished records (ready, failed, cancelled) created before
 * before_ns, with the files they wrote and still own (see record.c);
 * *n_pruned counts them. */
int record_prune(struct store *st, int64_t before_ns, int64_t *n_pruned,
                 struct sp_err *err);

#endif

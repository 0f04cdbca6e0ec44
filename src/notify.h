/* notify.h: the notification outbox: one delivery per export and target,
 * queued as a job when the export is ready or failed, sent through a
 * notifier plugin, retried on SP_RETRY, never sent again once it
 * succeeded. Knows deliveries, export records, jobs and the plugin ABI. */
#ifndef SP_NOTIFY_H
#define SP_NOTIFY_H

#include <stddef.h>

#include "util/err.h"

struct store;
struct job;
struct cJSON;

/* Loads each "PLUGIN:TARGET" notifier and asks it to check the target and
 * its configuration, so that a typo fails when the export is requested. */
int notify_check(const struct cJSON *targets, struct sp_err *err);

/* Records one pending delivery per target (inside the caller's
 * transaction). */
int notify_plan(struct store *st, const char *export_uuid,
                const struct cJSON *targets, struct sp_err *err);

/* Queues the export's pending deliveries (inside the caller's transaction,
 * when the export becomes ready or fails for good). */
int notify_enqueue(struct store *st, const char *export_uuid,
                   struct sp_err *err);

/* Whether the config file can be read: a $SPANPORT_CONFIG that names no
 * readable file, or a file that is not valid, is SP_EUSAGE. */
int notify_settings_check(struct sp_err *err);

/* Runs one claimed delivery job; the outcome is recorded in the store.
 * *line says what happened, for the worker's log; *failed is 1 when the
 * delivery ended failed for good. -1 only when the store failed. */
int notify_run(struct store *st, const struct job *job, char *line,
               size_t linelen, int *failed, struct sp_err *err);

/* The deliveries of an export for `exports show`. */
struct cJSON *notify_deliveries_json(struct store *st, const char *export_uuid);

#endif

/* worker.h: runs queued jobs: an export job from its record to a file in
 * place, with lease renewal, retries and graceful stop. Knows jobs, export
 * records and the export runner; nothing of the command line. */
#ifndef SP_WORKER_H
#define SP_WORKER_H

#include <signal.h>

#include "export/export.h"
#include "util/err.h"

struct store;

struct worker {
    char owner[64];              /* this worker's lease name */
    volatile sig_atomic_t *stop; /* set by SIGINT/SIGTERM; may be NULL */
    /* Progress of a running export, may be NULL. */
    void (*progress)(void *arg, const struct export_stats *s);
    void *progress_arg;
    /* One line per event ("export UUID ready: 13 rows"), may be NULL. */
    void (*log)(void *arg, const char *line);
    void *log_arg;
    /* Jobs this worker ran that ended failed for good, and which ones
     * ("export UUID, delivery ID", cut short when long). */
    int n_failed;
    char failed[256];
};

void worker_init(struct worker *w);

/* Claims one due job (only `only_ref` when given) and runs it. *ran is 1
 * when a job was claimed. A failed job is recorded in the store and is not
 * an error here; -1 means the store itself failed. */
int worker_step(struct store *st, struct worker *w, const char *only_ref,
                int *ran, struct sp_err *err);

#endif

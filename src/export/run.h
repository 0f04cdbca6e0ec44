/* export/run.h: drives an export: pages of row spans, enrichment, rows, and
 * an output plugin writing them to a file that appears only when complete.
 * Knows select, enrich, row and the plugin descriptor; not the CLI. */
#ifndef SP_RUN_H
#define SP_RUN_H

#include <stddef.h>

#include "export/export.h"
#include "plugin.h"
#include "util/err.h"

struct store;

/* Called after each page with the counts so far; returning -1 (with err
 * filled) abandons the export: a stop was asked for, or a job lost its
 * lease. */
typedef int (*export_tick_fn)(void *arg, const struct export_stats *st,
                              struct sp_err *err);

struct export_output {
    const struct plugin *plugin; /* an output plugin */
    const struct sp_option *options;
    size_t n_options;
    const char *path; /* the final file; NULL or "-" for standard output */
    int want_sha256;  /* compute the file's SHA-256 when done */
    char sha256[65];  /* out */
    export_tick_fn tick;
    void *tick_arg;
    /* Called for each warning line ("TRACE:SPAN: what"), may be NULL. */
    void (*warn)(void *arg, const char *line);
    void *warn_arg;
};

/* Runs the export of req into out->path: a temporary file beside it
 * (mode 0600), flushed, fsynced and renamed over the final name only when
 * complete; on failure nothing is left under either name. */
int export_run(struct store *st, const struct export_request *req,
               struct export_output *out, struct export_stats *stats,
               struct sp_err *err);

/* The two halves of export_run, for the job worker, which must hold its
 * lease when it puts the file in place: the rows into a new temporary
 * file beside out->path (*tmp, malloc'd; flushed, measured, hashed), and
 * the rename over the final name. */
int export_to_temp(struct store *st, const struct export_request *req,
                   struct export_output *out, struct export_stats *stats,
                   char **tmp, struct sp_err *err);
int export_place(const char *tmp, const char *path, struct sp_err *err);

/* Whether path can take an export file: its directory exists, and it is
 * absent or a regular file that is not the store (store_path, or one of
 * its -wal, -shm, -journal files). A rename would replace a device, a
 * FIFO or the store itself without a word. SP_EUSAGE when not. */
int export_check_target(const char *path, const char *store_path,
                        struct sp_err *err);

/* Removes temporary files a crashed run left beside path. */
void export_clean_temps(const char *path);

/* The rows loop alone, into an open fd that the plugin takes over. */
int export_write(struct store *st, const struct export_request *req,
                 struct export_output *out, int fd, struct export_stats *stats,
                 struct sp_err *err);

/* The summary of cli.md: rows, considered, skipped by reason, warnings,
 * bytes, duration_ms. */
struct cJSON *export_stats_json(const struct export_stats *s);

/* Opens the output plugin on /dev/null and closes it again, so that a bad
 * --option fails when the export is requested (SP_EUSAGE), not later. */
int export_check_output(const struct export_output *out, struct sp_err *err);
#endif

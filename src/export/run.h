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

/* Called after each page with the rows written so far. */
typedef void (*export_progress_fn)(void *arg, const struct export_stats *st);

struct export_output {
    const struct plugin *plugin; /* an output plugin */
    const struct sp_option *options;
    size_t n_options;
    const char *path; /* the final file; NULL or "-" for standard output */
    int want_sha256;  /* compute the file's SHA-256 when done */
    char sha256[65];  /* out */
    export_progress_fn progress;
    void *progress_arg;
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

/* The rows loop alone, into an open fd that the plugin takes over. */
int export_write(struct store *st, const struct export_request *req,
                 struct export_output *out, int fd, struct export_stats *stats,
                 struct sp_err *err);


/* Opens the output plugin on /dev/null and closes it again, so that a bad
 * --option fails when the export is requested (SP_EUSAGE), not later. */
int export_check_output(const struct export_output *out, struct sp_err *err);
#endif

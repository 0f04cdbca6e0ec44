/* import/import.h: imports dump files into the store, one transaction each.
 * Detects the format, runs the matching reader, reports bad records and
 * keeps the counts of the summary. Knows readers and the writer. */
#ifndef SP_IMPORT_H
#define SP_IMPORT_H

#include <stdint.h>
#include <stdio.h>

#include "util/err.h"

struct store;
struct sp_input;
struct writer;
struct sp_span;

enum import_format {
    IMPORT_AUTO = 0,
    IMPORT_LATITUDE_NDJSON,
    IMPORT_LATITUDE_CSV,
    IMPORT_LATITUDE_PGDUMP,
    IMPORT_OTLP,
};

struct import_opts {
    enum import_format format;
    const char *metadata_dir; /* NULL: no metadata tree */
    int64_t workspace_id;     /* for formats without one (otlp); default 1 */
    int workspace_given;      /* --workspace: say where it does not apply */
    int strict;               /* first bad record aborts the file */
    /* Called for each skipped record or warning ("FILE:LINE: reason"), may
     * be NULL. The CLI prints these to stderr. */
    void (*report)(void *arg, const char *line);
    void *report_arg;
};

struct import_summary {
    uint64_t files;    /* files given */
    uint64_t inserted; /* spans new to the store */
    uint64_t replaced; /* spans that replaced a stored or earlier one */
    uint64_t skipped;  /* records skipped as bad */
    uint64_t warnings; /* records kept with a warning */
    uint64_t refused;  /* files refused as a whole */
    /* Spans of latitude-csv/pgdump files stored without metadata because
     * --metadata-dir holds no file for them (dumps.md §2: not an error). */
    uint64_t without_metadata;
};

/* What a reader gets: where to put spans and how to report. */
struct import_ctx {
    const struct import_opts *opts;
    struct writer *writer;
    struct sp_input *in;
    struct import_summary *summary;
    int strict_failed;         /* set by import_bad under --strict */
    uint64_t file_skipped;     /* records of this file skipped as bad */
    uint64_t file_reports;     /* reports of this file, shown or not */
    uint64_t file_no_metadata; /* spans with no metadata file in the tree */
};

/* Reports shown per file; the rest are counted in one closing line. */
#define IMPORT_MAX_REPORTS 100

/* A reader: reads the whole input, puts spans through ctx->writer, reports
 * bad records with import_bad/import_warn. Returns 0 when the file was
 * read (even with skipped records), -1 when the file is refused or a
 * strict failure occurred (err says why). */
typedef int (*import_reader_fn)(struct import_ctx *ctx, struct sp_err *err);

/* Reports a bad record at line `line` of the current file: counts it as
 * skipped and calls opts->report with "FILE:LINE: reason". Under --strict
 * it instead fills err (SP_EINPUT, with ", or drop --strict to skip it")
 * and returns -1: the reader must stop and return -1. Otherwise 0. */
int import_bad(struct import_ctx *ctx, uint64_t line, struct sp_err *err,
               const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Reports a kept record with a warning ("FILE:LINE: warning: ..."). */
void import_warn(struct import_ctx *ctx, uint64_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reports a warning about the file as a whole ("FILE: warning: ..."),
 * never capped; counted with the records' warnings. */
void import_file_warn(struct import_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Puts one span; a store failure is fatal for the file (-1). */
int import_put(struct import_ctx *ctx, const struct sp_span *s,
               struct sp_err *err);

/* Readers (import/<format>.c). */
int read_latitude_ndjson(struct import_ctx *ctx, struct sp_err *err);
int read_latitude_csv(struct import_ctx *ctx, struct sp_err *err);
int read_latitude_pgdump(struct import_ctx *ctx, struct sp_err *err);
int read_otlp(struct import_ctx *ctx, struct sp_err *err);

/* Imports one file (one transaction). A file that has records but none
 * that could be imported is refused. On -1 nothing of the file is kept,
 * nor counted in sum, and err says why: SP_EINPUT for a strict stop (exit
 * 3), SP_EFAIL for a refused or unreadable file (the caller goes on with
 * the next file), SP_ESTORE for a store failure. */
int import_file(struct store *st, const char *path,
                const struct import_opts *opts, struct import_summary *sum,
                struct sp_err *err);

const char *import_format_name(enum import_format f);
int import_format_parse(const char *name, enum import_format *f);

#endif

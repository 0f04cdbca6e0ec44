/* import/import.c: runs one reader over one file inside one transaction,
 * detects formats by content, and reports bad records as FILE:LINE. Knows
 * the readers' entry points and the writer; no format's details. */
#include "import/import.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "import/input.h"
#include "import/latitude_dump.h"
#include "import/otlp.h"
#include "import/writer.h"
#include "store.h"

static const struct {
    const char *name;
    enum import_format format;
    import_reader_fn read;
} formats[] = {
    {"auto", IMPORT_AUTO, NULL},
    {"latitude-ndjson", IMPORT_LATITUDE_NDJSON, read_latitude_ndjson},
    {"latitude-csv", IMPORT_LATITUDE_CSV, read_latitude_csv},
    {"latitude-pgdump", IMPORT_LATITUDE_PGDUMP, read_latitude_pgdump},
    {"otlp", IMPORT_OTLP, read_otlp},
};
#define N_FORMATS (sizeof(formats) / sizeof(formats[0]))

const char *import_format_name(enum import_format f)
{
    size_t i;

    for (i = 0; i < N_FORMATS; i++)
        if (formats[i].format == f)
            return formats[i].name;
    return "?";
}

int import_format_parse(const char *name, enum import_format *f)
{
    size_t i;

    for (i = 0; i < N_FORMATS; i++) {
        if (strcmp(formats[i].name, name) == 0) {
            *f = formats[i].format;
            return 0;
        }
    }
    return -1;
}

static void report(struct import_ctx *ctx, uint64_t line, const char *kind,
                   const char *fmt, va_list ap)
{
    char msg[768];
    int n;

    if (!ctx->opts->report || ++ctx->file_reports > IMPORT_MAX_REPORTS)
        return;
    n = snprintf(msg, sizeof(msg), "%s:%llu: %s", input_name(ctx->in),
                 (unsigned long long)line, kind);
    if (n > 0 && (size_t)n < sizeof(msg))
        vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
    ctx->opts->report(ctx->opts->report_arg, msg);
}

int import_bad(struct import_ctx *ctx, uint64_t line, struct sp_err *err,
               const char *fmt, ...)
{
    char why[512];
    va_list ap;

    if (ctx->opts->strict) {
        va_start(ap, fmt);
        vsnprintf(why, sizeof(why), fmt, ap);
        va_end(ap);
        ctx->strict_failed = 1;
        return sp_err_set(err, SP_EINPUT,
                          "%s:%llu: %s; fix the record, or drop --strict to "
                          "skip it",
                          input_name(ctx->in), (unsigned long long)line, why);
    }
    ctx->summary->skipped++;
    ctx->file_skipped++;
    va_start(ap, fmt);
    report(ctx, line, "", fmt, ap);
    va_end(ap);
    return 0;
}

void import_warn(struct import_ctx *ctx, uint64_t line, const char *fmt, ...)
{
    va_list ap;

    ctx->summary->warnings++;
    va_start(ap, fmt);
    report(ctx, line, "warning: ", fmt, ap);
    va_end(ap);
}

int import_put(struct import_ctx *ctx, const struct sp_span *s,
               struct sp_err *err)
{
    return writer_put(ctx->writer, s, err);
}

/* Skips a UTF-8 BOM and white space. */
static const char *skip_blank(const char *p, const char *end)
{
    if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

/* 1 when the line s[0..n) is one whole JSON object: a record of NDJSON. */
static int is_json_object_line(const char *s, size_t n)
{
    cJSON *v = cJSON_ParseWithLength(s, n);
    int ok = cJSON_IsObject(v);

    cJSON_Delete(v);
    return ok;
}

static int has(const char *p, size_t n, const char *needle)
{
    return memmem(p, n, needle, strlen(needle)) != NULL;
}

/* Recognises a format from the first bytes, by content, not by name. */
static enum import_format detect(const char *p, size_t n)
{
    const char *end = p + n;
    const char *s = skip_blank(p, end);
    size_t left = (size_t)(end - s);
    const char *nl = memchr(s, '\n', left);
    size_t first = nl ? (size_t)(nl - s) : left;

    if (latitude_pgdump_sniff(p, n) != LATITUDE_PGDUMP_NONE)
        return IMPORT_LATITUDE_PGDUMP;
    if (left > 0 && *s == '{' && has(s, first, "\"trace_id\"") &&
        has(s, first, "\"started_at\""))
        return IMPORT_LATITUDE_NDJSON;
    if (otlp_sniff(p, n))
        return IMPORT_OTLP;
    if (latitude_csv_sniff(p, n))
        return IMPORT_LATITUDE_CSV;
    /* Other objects one per line: the NDJSON reader says what is missing.
     * A first line longer than the window cannot be judged; read it. */
    if (left > 0 && *s == '{' && (!nl || is_json_object_line(s, first)))
        return IMPORT_LATITUDE_NDJSON;
    return IMPORT_AUTO;
}

/* Compressed or archived files spanport does not read (gzip it does), by
 * their magic bytes, with the command that unpacks each. */
static const struct {
    const char *magic;
    size_t len;
    const char *what, *command;
} packed[] = {
    {"BZh", 3, "bzip2", "bunzip2 -k"},
    {"\xFD"
     "7zXZ\0",
     6, "xz", "xz -dk"},
    {"\x28\xB5\x2F\xFD", 4, "zstd", "zstd -d"},
    {"PK\x03\x04", 4, "zip", "unzip"},
    {"7z\xBC\xAF\x27\x1C", 6, "7z", "7z x"},
};

/* Before any reader: refuses a packed file, and tells an empty one
 * (nothing but blank lines) by *is_empty. */
static int check_input(struct sp_input *in, int *is_empty, struct sp_err *err)
{
    const char *p;
    size_t got, i;

    *is_empty = 0;
    if (input_peek(in, 65536, &p, &got, err) != 0)
        return -1;
    for (i = 0; i < sizeof(packed) / sizeof(packed[0]); i++)
        if (got >= packed[i].len &&
            memcmp(p, packed[i].magic, packed[i].len) == 0)
            return sp_err_set(err, SP_EFAIL,
                              "%s: is compressed with %s, which spanport "
                              "does not read (gzip it does); decompress it "
                              "with `%s %s` and import the result",
                              input_name(in), packed[i].what, packed[i].command,
                              input_name(in));
    *is_empty = got < 65536 && skip_blank(p, p + got) == p + got;
    return 0;
}

static int pick_reader(struct sp_input *in, enum import_format *f,
                       struct sp_err *err)
{
    const char *p;
    size_t got;

    if (*f != IMPORT_AUTO)
        return 0;
    if (input_peek(in, 65536, &p, &got, err) != 0)
        return -1;
    if (got == 0) {
        *f = IMPORT_LATITUDE_NDJSON; /* an empty file imports nothing */
        return 0;
    }
    *f = detect(p, got);
    if (*f == IMPORT_AUTO)
        return sp_err_set(
            err, SP_EFAIL,
            "%s: not a known dump format (tried "
            "latitude-ndjson, latitude-csv, latitude-pgdump, "
            "otlp%s); name one with --format",
            input_name(in),
            (*skip_blank(p, p + got) == '{' || *skip_blank(p, p + got) == '[')
                ? ": JSON, but neither OTLP trace data nor "
                  "one span object per line"
                : "");
    return 0;
}

static import_reader_fn reader_for(enum import_format f)
{
    size_t i;

    for (i = 0; i < N_FORMATS; i++)
        if (formats[i].format == f)
            return formats[i].read;
    return NULL;
}

/* Reports "FILE: kind message" about the file as a whole, never capped. */
static void file_vreport(struct import_ctx *ctx, const char *kind,
                         const char *fmt, va_list ap)
{
    char msg[768];
    int n;

    if (!ctx->opts->report)
        return;
    n = snprintf(msg, sizeof(msg), "%s: %s", input_name(ctx->in), kind);
    if (n > 0 && (size_t)n < sizeof(msg))
        vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
    ctx->opts->report(ctx->opts->report_arg, msg);
}

static void file_note(struct import_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void file_note(struct import_ctx *ctx, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    file_vreport(ctx, "", fmt, ap);
    va_end(ap);
}

void import_file_warn(struct import_ctx *ctx, const char *fmt, ...)
{
    va_list ap;

    ctx->summary->warnings++;
    va_start(ap, fmt);
    file_vreport(ctx, "warning: ", fmt, ap);
    va_end(ap);
}

/* The Latitude archives keep metadata apart from the rows: say once per
 * file what a missing tree, or missing files in it, mean for the export
 * (which skips completions without metadata), not once per span. */
static void metadata_notes(struct import_ctx *ctx, enum import_format f,
                           uint64_t n_spans)
{
    const char *dir = ctx->opts->metadata_dir;

    if (f != IMPORT_LATITUDE_CSV && f != IMPORT_LATITUDE_PGDUMP)
        return;
    if (!dir && n_spans > 0)
        import_file_warn(
            ctx, "imported without --metadata-dir: its spans have no "
                 "metadata, and export skips completions without metadata; "
                 "import it again with --metadata-dir DIR, DIR holding the "
                 "workspaces/ tree of the object store");
    if (dir && ctx->file_no_metadata > 0)
        file_note(ctx,
                  "%llu spans had no metadata file under %s; they are "
                  "stored without metadata (export skips completions "
                  "without it)",
                  (unsigned long long)ctx->file_no_metadata, dir);
    ctx->summary->without_metadata += ctx->file_no_metadata;
}

static int run_reader(struct import_ctx *ctx, enum import_format f,
                      struct sp_err *err)
{
    struct writer_counts counts;

    if (writer_begin(ctx->writer, input_name(ctx->in), import_format_name(f),
                     err) != 0)
        return -1;
    if (reader_for(f)(ctx, err) != 0) {
        writer_rollback(ctx->writer);
        return -1;
    }
    if (ctx->file_reports > IMPORT_MAX_REPORTS)
        file_note(ctx, "%llu more reports not shown",
                  (unsigned long long)(ctx->file_reports - IMPORT_MAX_REPORTS));
    writer_counts(ctx->writer, &counts);
    if (ctx->file_skipped > 0 && counts.inserted + counts.replaced == 0) {
        writer_rollback(ctx->writer);
        return sp_err_set(err, SP_EFAIL,
                          "%s: no record could be read as %s (%llu skipped), "
                          "so the file is refused; if it is another format, "
                          "name it with --format",
                          input_name(ctx->in), import_format_name(f),
                          (unsigned long long)ctx->file_skipped);
    }
    metadata_notes(ctx, f, counts.inserted + counts.replaced);
    if (ctx->opts->workspace_given && f != IMPORT_OTLP)
        import_file_warn(ctx,
                         "--workspace %lld was not applied to this file: "
                         "%s rows carry their own workspace_id",
                         (long long)ctx->opts->workspace_id,
                         import_format_name(f));
    if (writer_commit(ctx->writer, err) != 0)
        return -1;
    writer_counts(ctx->writer, &counts);
    ctx->summary->inserted += counts.inserted;
    ctx->summary->replaced += counts.replaced;
    return 0;
}

int import_file(struct store *st, const char *path,
                const struct import_opts *opts, struct import_summary *sum,
                struct sp_err *err)
{
    struct import_ctx ctx = {.opts = opts, .summary = sum};
    struct import_summary before = *sum;
    enum import_format f = opts->format;
    int rc = -1, is_empty;

    if (input_open(&ctx.in, path, err) != 0)
        return -1;
    if (writer_new(&ctx.writer, st, err) != 0)
        goto done;
    if (check_input(ctx.in, &is_empty, err) != 0)
        goto done;
    if (is_empty) {
        file_note(&ctx, "empty, nothing imported");
        rc = 0;
        goto done;
    }
    if (pick_reader(ctx.in, &f, err) != 0)
        goto done;
    rc = run_reader(&ctx, f, err);
    if (rc != 0 && !ctx.strict_failed && err->kind == SP_EINPUT)
        err->kind = SP_EFAIL; /* a refused file, not a strict stop */
done:
    if (rc != 0) /* nothing of the file is kept: none of its counts either */
        *sum = before;
    writer_free(ctx.writer);
    input_close(ctx.in);
    return rc;
}

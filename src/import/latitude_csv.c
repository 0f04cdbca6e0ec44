/* import/latitude_csv.c: reads spans.csv, PostgreSQL's `COPY latitude.spans
 * TO STDOUT WITH (FORMAT csv, HEADER)`, through libcsv into span rows.
 * Knows CSV and the header; columns go to latitude_row, spans to the put.
 *
 * PostgreSQL writes NULL as an unquoted empty field and the empty string
 * as "", quotes any field holding a comma, quote, CR or LF, and leaves
 * leading and trailing blanks unquoted. So libcsv runs with
 * CSV_EMPTY_IS_NULL (NULL for unquoted empty fields) and with no blank
 * trimming, and in strict mode: PostgreSQL never writes a stray quote, and
 * lenient parsing would swallow the rest of the file into one field.
 *
 * The input is fed one physical line at a time so that each record is
 * reported with the line it began on, even when its fields hold newlines. */
#include "import/latitude_dump.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "import/import.h"
#include "import/input.h"
#include "import/latitude_row.h"

#define CSVR_MAX_COLUMNS 256
#define CSVR_OPTIONS (CSV_STRICT | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL)

struct csvr {
    struct import_ctx *ctx;
    struct sp_err *err;
    struct csv_parser parser;
    struct latitude_row row;
    struct sp_buf names;              /* header names, NUL-separated */
    size_t name_at[CSVR_MAX_COLUMNS]; /* where each name starts */
    size_t n_columns;                 /* header fields so far */
    int have_header;                  /* the first record was read */
    size_t n_fields;                  /* fields of the current record */
    uint64_t line;                    /* the physical line being fed */
    uint64_t record_line;             /* where the current record began */
    int in_record;                    /* a record has begun, not ended */
    int skip_to_eol;                  /* drop input up to the next LF */
    char why[256];                    /* the record's first problem */
    int stopped;                      /* err is set: stop reading */
    struct metadata_tree *tree;       /* NULL without --metadata-dir */
    struct sp_buf doc;                /* the current span's metadata */
};

/* libcsv's only allocation is its field buffer: refusing to grow it past
 * the line limit bounds what one field can make us allocate. */
static void *csvr_realloc(void *p, size_t n)
{
    return n > SP_INPUT_MAX_LINE ? NULL : realloc(p, n);
}

static int csvr_no_blanks(unsigned char c)
{
    (void)c;
    return 0;
}

static int csvr_parser_init(struct csvr *r)
{
    if (csv_init(&r->parser, CSVR_OPTIONS) != 0)
        return sp_err_set(r->err, SP_ENOMEM, "out of memory");
    csv_set_space_func(&r->parser, csvr_no_blanks);
    csv_set_realloc_func(&r->parser, csvr_realloc);
    return 0;
}

static void csvr_header_field(struct csvr *r, const char *s, size_t len)
{
    if (r->n_columns == CSVR_MAX_COLUMNS) {
        snprintf(r->why, sizeof(r->why), "the header has more than %d columns",
                 CSVR_MAX_COLUMNS);
        return;
    }
    if (memchr(s, '\0', len)) {
        snprintf(r->why, sizeof(r->why),
                 "the header's column %zu holds a NUL byte", r->n_columns + 1);
        return;
    }
    r->name_at[r->n_columns++] = r->names.len;
    if (sp_buf_add(&r->names, s, len) != 0 || sp_buf_addc(&r->names, '\0') != 0)
        snprintf(r->why, sizeof(r->why), "out of memory");
}

/* libcsv's field callback: s is NULL for an unquoted empty field. */
static void csvr_field(void *s, size_t len, void *arg)
{
    struct csvr *r = arg;
    size_t i = r->n_fields++;

    if (r->stopped || r->why[0])
        return;
    if (!r->have_header) {
        csvr_header_field(r, s ? s : "", s ? len : 0);
        return;
    }
    if (i >= r->n_columns)
        return; /* counted, and said at the end of the record */
    latitude_row_set(&r->row, r->names.data + r->name_at[i], s ? s : "",
                     s ? len : 0, s == NULL, r->why, sizeof(r->why));
}

/* Refuses a header naming a column twice, or without a column no row can
 * do without; warns of the other known columns it lacks, which every row
 * would store as NULL. */
static int csvr_check_header(struct csvr *r)
{
    const char *name = input_name(r->ctx->in);
    char req[128], opt[400];
    size_t i, j;
    int n_req;

    if (r->why[0])
        return sp_err_set(r->err, SP_EFAIL, "%s:%" PRIu64 ": %s", name,
                          r->record_line, r->why);
    for (i = 0; i < r->n_columns; i++)
        if (latitude_row_is_column(r->names.data + r->name_at[i]))
            break;
    if (i == r->n_columns) /* a data row, or another table's header */
        return sp_err_set(r->err, SP_EFAIL,
                          "%s:%" PRIu64 ": the first line is not a header "
                          "naming the columns (expected names such as id, "
                          "trace_id, workspace_id, type, started_at); "
                          "expected spans.csv from COPY latitude.spans TO "
                          "STDOUT WITH (FORMAT csv, HEADER)",
                          name, r->record_line);
    for (i = 0; i < r->n_columns; i++) {
        const char *a = r->names.data + r->name_at[i];

        for (j = 0; j < i; j++)
            if (strcmp(a, r->names.data + r->name_at[j]) == 0)
                return sp_err_set(r->err, SP_EFAIL,
                                  "%s:%" PRIu64 ": the header names column "
                                  "\"%.64s\" twice",
                                  name, r->record_line, a);
    }
    n_req = latitude_row_missing(r->names.data, r->name_at, r->n_columns, req,
                                 sizeof(req), opt, sizeof(opt));
    if (n_req > 0)
        return sp_err_set(r->err, SP_EFAIL,
                          "%s:%" PRIu64 ": the header lacks the column%s %s, "
                          "which every span needs; expected spans.csv from "
                          "COPY latitude.spans TO STDOUT WITH (FORMAT csv, "
                          "HEADER)",
                          name, r->record_line, n_req > 1 ? "s" : "", req);
    if (opt[0])
        import_file_warn(r->ctx,
                         "the header lacks the Latitude columns %s; every "
                         "span is stored with them NULL",
                         opt);
    return 0;
}

/* One record has ended: the header, or a row to put or report. */
static int csvr_record_done(struct csvr *r)
{
    if (!r->have_header) {
        r->have_header = 1;
        return csvr_check_header(r);
    }
    if (r->n_fields != r->n_columns) /* said first: it explains the rest */
        snprintf(r->why, sizeof(r->why),
                 "has %zu fields, the header has %zu columns", r->n_fields,
                 r->n_columns);
    if (r->why[0])
        return import_bad(r->ctx, r->record_line, r->err, "%s", r->why);
    return latitude_dump_put(r->ctx, &r->row, r->record_line, r->tree, &r->doc,
                             r->err);
}

static void csvr_forget_record(struct csvr *r)
{
    latitude_row_reset(&r->row);
    r->n_fields = 0;
    r->why[0] = '\0';
    r->in_record = 0;
}

/* libcsv's record callback. */
static void csvr_record(int c, void *arg)
{
    struct csvr *r = arg;

    (void)c;
    if (!r->stopped && csvr_record_done(r) != 0)
        r->stopped = 1;
    csvr_forget_record(r);
}

/* A quoting error skips the record; the header must be sound. A field
 * over the size limit refuses the file: the record's end is unknown. */
static int csvr_parse_error(struct csvr *r, int ends_line)
{
    const char *name = input_name(r->ctx->in);
    int rc;

    if (csv_error(&r->parser) != CSV_EPARSE)
        return sp_err_set(r->err, SP_EFAIL,
                          "%s:%" PRIu64 ": a field is longer than %u MiB "
                          "or memory ran out; the file is not read",
                          name, r->record_line, SP_INPUT_MAX_LINE >> 20);
    if (!r->have_header)
        return sp_err_set(r->err, SP_EFAIL,
                          "%s:%" PRIu64 ": malformed quoting in the header",
                          name, r->line);
    rc = import_bad(r->ctx, r->record_line, r->err,
                    "malformed quoting on line %" PRIu64 " (a quote in a "
                    "field must be doubled, the field quoted)",
                    r->line);
    csv_free(&r->parser);
    if (csvr_parser_init(r) != 0)
        return -1;
    csvr_forget_record(r);
    r->skip_to_eol = !ends_line;
    return rc;
}

/* A piece of CR and LF only is a blank line, which libcsv skips outside
 * a record: it must not count as where the next record begins. */
static int csvr_is_blank(const char *p, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (p[i] != '\r' && p[i] != '\n')
            return 0;
    return 1;
}

/* libcsv grows its field buffer by a fixed block; a block as large as the
 * buffer makes a long field cost a few copies instead of thousands. The
 * pieces fed are at most one input chunk, so this runs between growths. */
static void csvr_grow_by_doubling(struct csv_parser *p)
{
    size_t size = csv_get_buffer_size(p);

    csv_set_blk_size(p, size > 65536 ? size : 65536);
}

/* Feeds one piece of a physical line; only the last piece ends in LF. */
static int csvr_feed(struct csvr *r, const char *p, size_t n)
{
    int ends_line = p[n - 1] == '\n';
    size_t used;
    int rc = 0;

    if (r->skip_to_eol) {
        r->skip_to_eol = !ends_line;
    } else {
        if (!r->in_record && !csvr_is_blank(p, n)) {
            r->in_record = 1;
            r->record_line = r->line;
        }
        csvr_grow_by_doubling(&r->parser);
        used = csv_parse(&r->parser, p, n, csvr_field, csvr_record, r);
        if (r->stopped)
            return -1;
        if (used < n)
            rc = csvr_parse_error(r, ends_line);
    }
    if (ends_line)
        r->line++;
    return rc;
}

static int csvr_feed_chunk(struct csvr *r, const char *buf, size_t n)
{
    const char *nl;
    size_t at = 0, end;

    while (at < n) {
        nl = memchr(buf + at, '\n', n - at);
        end = nl ? (size_t)(nl - buf) + 1 : n;
        if (csvr_feed(r, buf + at, end - at) != 0)
            return -1;
        at = end;
    }
    return 0;
}

/* End of input: the last record may lack its newline, or end inside a
 * quoted field, which means the file was cut. */
static int csvr_finish(struct csvr *r)
{
    int rc;

    csv_set_opts(&r->parser, CSVR_OPTIONS | CSV_STRICT_FINI);
    if (csv_fini(&r->parser, csvr_field, csvr_record, r) == 0)
        return r->stopped ? -1 : 0;
    if (!r->have_header)
        return sp_err_set(r->err, SP_EFAIL,
                          "%s:%" PRIu64 ": the file ends inside the "
                          "header; it is truncated",
                          input_name(r->ctx->in), r->record_line);
    if (r->line - r->record_line > 1) /* a stray quote swallowed them */
        rc = import_bad(r->ctx, r->record_line, r->err,
                        "a quoted field opens in this record and never "
                        "closes: the %" PRIu64 " lines from here to the end "
                        "of the file are not imported (an unbalanced quote, "
                        "or a truncated file)",
                        r->line - r->record_line);
    else
        rc = import_bad(r->ctx, r->record_line, r->err,
                        "the file ends inside a quoted field of this "
                        "record; it is truncated");
    csvr_forget_record(r);
    return rc;
}

static int csvr_run(struct csvr *r)
{
    char buf[65536];
    size_t skip;
    long n;
    int first = 1;

    for (;;) {
        n = input_read(r->ctx->in, buf, sizeof(buf), r->err);
        if (n < 0)
            return -1;
        if (n == 0)
            return csvr_finish(r);
        skip = first && n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        first = 0;
        if (csvr_feed_chunk(r, buf + skip, (size_t)n - skip) != 0)
            return -1;
    }
}

int read_latitude_csv(struct import_ctx *ctx, struct sp_err *err)
{
    const char *dir = ctx->opts->metadata_dir;
    struct csvr *r = calloc(1, sizeof(struct csvr));
    int rc = -1;

    if (!r)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    r->ctx = ctx;
    r->err = err;
    r->line = 1;
    latitude_row_init(&r->row);
    sp_buf_init(&r->names, 0);
    sp_buf_init(&r->doc, 0);
    if (dir && metadata_tree_open(&r->tree, dir, err) != 0)
        goto done;
    if (csvr_parser_init(r) != 0)
        goto done;
    rc = csvr_run(r);
done:
    csv_free(&r->parser);
    metadata_tree_close(r->tree);
    sp_buf_free(&r->doc);
    sp_buf_free(&r->names);
    latitude_row_free(&r->row);
    free(r);
    return rc;
}

/* Is the header field f..e (maybe quoted, maybe before a CR) `want`? */
static int csvr_sniff_is(const char *f, const char *e, const char *want)
{
    size_t n = strlen(want);

    if (e > f && e[-1] == '\r')
        e--;
    if (e - f >= 2 && *f == '"' && e[-1] == '"') {
        f++;
        e--;
    }
    return (size_t)(e - f) == n && memcmp(f, want, n) == 0;
}

/* The first line as comma-separated names: is there an `id` and a
 * `trace_id`? A JSON line cannot have a field that is exactly either
 * name, so NDJSON and OTLP never match. */
int latitude_csv_sniff(const char *p, size_t n)
{
    const char *end, *f, *e;
    int has_id = 0, has_trace = 0;

    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        p += 3;
        n -= 3;
    }
    end = memchr(p, '\n', n);
    end = end ? end : p + n;
    for (f = p; f < end; f = e + 1) {
        e = memchr(f, ',', (size_t)(end - f));
        e = e ? e : end;
        has_id |= csvr_sniff_is(f, e, "id");
        has_trace |= csvr_sniff_is(f, e, "trace_id");
    }
    return has_id && has_trace;
}

/* import/latitude_pgdump.c: reads the spans of a plain pg_dump: finds the
 * COPY block of a table named spans and decodes PostgreSQL's text COPY
 * format into span rows. Knows COPY lines and escapes; no other SQL.
 *
 * Everything outside COPY blocks is skipped, and so is the data of every
 * other table, up to its end marker `\.`: a row of another table may well
 * read "COPY latitude.spans ...". A data row is put only once the next
 * line has been read: when the file ends without the block's `\.` it was
 * cut, and its last row may be cut too, so that row is reported instead. */
#include "import/latitude_dump.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import/import.h"
#include "import/input.h"
#include "import/latitude_row.h"

#define PGD_MAX_COLUMNS 256

enum pgd_state { PGD_OUTSIDE, PGD_IN_SPANS, PGD_IN_OTHER };

struct pgd {
    struct import_ctx *ctx;
    struct sp_err *err;
    struct latitude_row row;
    struct sp_buf table;             /* last part of a COPY table name */
    struct sp_buf names;             /* COPY column names, NUL-separated */
    size_t name_at[PGD_MAX_COLUMNS]; /* where each name starts */
    size_t n_columns;
    struct sp_buf value;        /* one de-escaped field */
    struct metadata_tree *tree; /* NULL without --metadata-dir */
    struct sp_buf doc;          /* the current span's metadata */
    enum pgd_state state;
    uint64_t block_line;         /* the COPY line of this block */
    unsigned n_blocks;           /* spans blocks found */
    uint64_t skipped_block_line; /* a spans block lacking columns, or 0 */
    int pending;                 /* row holds a line not yet put */
    uint64_t pending_line;
    char why[256]; /* the pending row's first problem */
};

/* ---- the COPY line: COPY [schema.]spans (col, ...) FROM stdin; */

struct pgd_lex {
    const char *p, *end;
};

static int lex_is_ident_char(char c)
{
    unsigned char u = (unsigned char)c;

    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
           (u >= '0' && u <= '9') || u == '_' || u == '$' || u >= 0x80;
}

static void lex_blank(struct pgd_lex *x)
{
    while (x->p < x->end && (*x->p == ' ' || *x->p == '\t'))
        x->p++;
}

static int lex_char(struct pgd_lex *x, char c)
{
    lex_blank(x);
    if (x->p == x->end || *x->p != c)
        return 0;
    x->p++;
    return 1;
}

/* A keyword in any case, as a whole word. */
static int lex_keyword(struct pgd_lex *x, const char *kw)
{
    size_t n = strlen(kw);

    lex_blank(x);
    if ((size_t)(x->end - x->p) < n || strncasecmp(x->p, kw, n) != 0)
        return 0;
    if (x->p + n < x->end && lex_is_ident_char(x->p[n]))
        return 0;
    x->p += n;
    return 1;
}

/* A quoted identifier onto out ("" inside is one quote); 0 or -1. */
static int lex_quoted(struct pgd_lex *x, struct sp_buf *out)
{
    size_t n = 0;

    for (x->p++; x->p < x->end; x->p++) {
        if (*x->p == '"') {
            if (x->p + 1 == x->end || x->p[1] != '"') {
                x->p++;
                return n ? 0 : -1;
            }
            x->p++; /* the first of a doubled quote */
        }
        if (sp_buf_addc(out, *x->p) != 0)
            return -1;
        n++;
    }
    return -1;
}

/* An identifier onto out: quoted, or bare and folded to lower case as
 * PostgreSQL does. 0, or -1 when there is none. */
static int lex_ident(struct pgd_lex *x, struct sp_buf *out)
{
    const char *start;
    char c;

    lex_blank(x);
    if (x->p < x->end && *x->p == '"')
        return lex_quoted(x, out);
    for (start = x->p; x->p < x->end && lex_is_ident_char(*x->p); x->p++) {
        c = *x->p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (sp_buf_addc(out, c) != 0)
            return -1;
    }
    return x->p > start ? 0 : -1;
}

static int pgd_copy_columns(struct pgd *d, struct pgd_lex *x)
{
    do {
        if (d->n_columns == PGD_MAX_COLUMNS)
            return -1;
        d->name_at[d->n_columns++] = d->names.len;
        if (lex_ident(x, &d->names) != 0 || sp_buf_addc(&d->names, 0) != 0)
            return -1;
    } while (lex_char(x, ','));
    return lex_char(x, ')') ? 0 : -1;
}

/* Returns 1 for a table named spans (columns in d->names), 0 for another
 * table, -1 for a line that is not `COPY name [(cols)] FROM stdin;`. */
static int pgd_copy_line(struct pgd *d, const char *line, size_t len)
{
    struct pgd_lex x = {line, line + len};

    sp_buf_reset(&d->names);
    d->n_columns = 0;
    if (!lex_keyword(&x, "COPY"))
        return -1;
    do {
        sp_buf_reset(&d->table);
        if (lex_ident(&x, &d->table) != 0)
            return -1;
    } while (lex_char(&x, '.'));
    if (lex_char(&x, '(') && pgd_copy_columns(d, &x) != 0)
        return -1;
    if (!lex_keyword(&x, "FROM") || !lex_keyword(&x, "stdin") ||
        !lex_char(&x, ';'))
        return -1;
    lex_blank(&x);
    if (x.p != x.end)
        return -1;
    return strcmp(sp_buf_str(&d->table), "spans") == 0;
}

/* Does a line we could not read still open a data block? */
static int pgd_ends_from_stdin(const char *line, size_t len)
{
    while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;
    if (!len || line[--len] != ';')
        return 0;
    while (len && (line[len - 1] == ' ' || line[len - 1] == '\t'))
        len--;
    return len >= 5 && strncasecmp(line + len - 5, "stdin", 5) == 0;
}

static const char *pgd_column(const struct pgd *d, size_t i)
{
    return d->names.data + d->name_at[i];
}

/* 1 when the block names every column no row can do without (else it is
 * skipped, with a warning); warns of the other known columns it lacks,
 * which every row would store as NULL. */
static int pgd_check_columns(struct pgd *d, uint64_t no)
{
    char req[128], opt[400];

    int n_req = latitude_row_missing(d->names.data, d->name_at, d->n_columns,
                                     req, sizeof(req), opt, sizeof(opt));

    if (n_req > 0) {
        import_warn(d->ctx, no,
                    "this COPY of a spans table lacks the column%s %s, "
                    "which every span needs; its data is skipped",
                    n_req > 1 ? "s" : "", req);
        d->skipped_block_line = no;
        return 0;
    }
    if (opt[0])
        import_file_warn(d->ctx,
                         "the COPY line of line %" PRIu64 " lacks the "
                         "Latitude columns %s; every span is stored with "
                         "them NULL",
                         no, opt);
    return 1;
}

/* ---- data rows: PostgreSQL's text COPY format */

static int pgd_hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes the escape after a backslash at p (p < end) into *out, as
 * PostgreSQL's COPY does: \b \f \n \r \t \v, \NNN octal (1-3 digits), \xH
 * or \xHH, and any other character stands for itself. */
static const char *pgd_unescape(const char *p, const char *end, char *out)
{
    static const char from[] = "bfnrtv", to[] = "\b\f\n\r\t\v";
    const char *hit = *p ? strchr(from, *p) : NULL;
    unsigned v = 0;
    int i;

    if (hit) {
        *out = to[hit - from];
        return p + 1;
    }
    if (*p >= '0' && *p <= '7') {
        for (i = 0; i < 3 && p < end && *p >= '0' && *p <= '7'; i++)
            v = v * 8 + (unsigned)(*p++ - '0');
        *out = (char)(v & 0377);
        return p;
    }
    if (*p == 'x' && p + 1 < end && pgd_hex(p[1]) >= 0) {
        for (p++, i = 0; i < 2 && p < end && pgd_hex(*p) >= 0; i++)
            v = v * 16 + (unsigned)pgd_hex(*p++);
        *out = (char)v;
        return p;
    }
    *out = *p;
    return p + 1;
}

static int pgd_field_fail(struct pgd *d, size_t col, const char *what)
{
    snprintf(d->why, sizeof(d->why), "column %.64s %s", pgd_column(d, col),
             what);
    return -1;
}

/* One field from *pp up to a tab or the end, de-escaped into d->value.
 * Returns 1 when it is \N (NULL), 0, or -1 with d->why set. */
static int pgd_field(struct pgd *d, const char **pp, const char *end,
                     size_t col)
{
    const char *p = *pp, *start = *pp, *run;
    char c;

    sp_buf_reset(&d->value);
    while (p < end && *p != '\t') {
        for (run = p; p < end && *p != '\t' && *p != '\\'; p++)
            ;
        if (p > run && sp_buf_add(&d->value, run, (size_t)(p - run)) != 0)
            return pgd_field_fail(d, col, "does not fit in memory");
        if (p == end || *p == '\t')
            break;
        if (++p == end)
            return pgd_field_fail(d, col, "ends in a lone backslash");
        p = pgd_unescape(p, end, &c);
        if (c == '\0')
            return pgd_field_fail(d, col, "holds a NUL byte (\\0)");
        if (sp_buf_addc(&d->value, c) != 0)
            return pgd_field_fail(d, col, "does not fit in memory");
    }
    *pp = p;
    return p - start == 2 && start[0] == '\\' && start[1] == 'N';
}

/* Parses one data line into d->row; a problem is left in d->why. */
static void pgd_row(struct pgd *d, const char *line, size_t len)
{
    const char *p = line, *end = line + len;
    size_t i, n_fields = 1;
    int is_null;

    if (memchr(line, '\0', len)) {
        snprintf(d->why, sizeof(d->why), "holds a NUL byte");
        return;
    }
    for (i = 0; i < len; i++) /* a backslash escapes what follows it */
        if (line[i] == '\\')
            i++;
        else
            n_fields += line[i] == '\t';
    if (n_fields != d->n_columns) { /* said first: it explains the rest */
        snprintf(d->why, sizeof(d->why),
                 "has %zu fields, the COPY line names %zu columns", n_fields,
                 d->n_columns);
        return;
    }
    for (i = 0; i < d->n_columns; i++) {
        is_null = pgd_field(d, &p, end, i);
        if (is_null < 0 ||
            latitude_row_set(&d->row, pgd_column(d, i), sp_buf_str(&d->value),
                             d->value.len, is_null, d->why,
                             sizeof(d->why)) != 0)
            return;
        if (p == end)
            break;
        p++; /* the tab */
    }
}

/* Puts or reports the row read from the previous line. */
static int pgd_flush(struct pgd *d)
{
    int rc;

    if (d->why[0])
        rc = import_bad(d->ctx, d->pending_line, d->err, "%s", d->why);
    else
        rc = latitude_dump_put(d->ctx, &d->row, d->pending_line, d->tree,
                               &d->doc, d->err);
    latitude_row_reset(&d->row);
    d->why[0] = '\0';
    d->pending = 0;
    return rc;
}

/* ---- the dump, line by line */

/* `SET client_encoding = 'X';`: COPY data is in that encoding, and the
 * store holds UTF-8 text, so any other encoding refuses the file. */
static int pgd_check_encoding(struct pgd *d, const char *line, size_t len,
                              uint64_t no)
{
    struct pgd_lex x = {line, line + len};
    const char *v;
    size_t n;

    if (!lex_keyword(&x, "SET") || !lex_keyword(&x, "client_encoding") ||
        (!lex_char(&x, '=') && !lex_keyword(&x, "TO")) || !lex_char(&x, '\''))
        return 0;
    for (v = x.p; x.p < x.end && *x.p != '\''; x.p++)
        ;
    n = (size_t)(x.p - v);
    if ((n == 4 && strncasecmp(v, "UTF8", 4) == 0) ||
        (n == 5 && strncasecmp(v, "UTF-8", 5) == 0) ||
        (n == 7 && strncasecmp(v, "UNICODE", 7) == 0))
        return 0;
    return sp_err_set(d->err, SP_EFAIL,
                      "%s:%" PRIu64 ": the dump's client_encoding is %.*s; "
                      "spanport reads UTF8 dumps: dump again with pg_dump "
                      "--encoding=UTF8",
                      input_name(d->ctx->in), no, (int)(n > 32 ? 32 : n), v);
}

/* A line outside any COPY block: SET, COPY, or anything else (skipped). */
static int pgd_outside(struct pgd *d, const char *line, size_t len, uint64_t no)
{
    int kind;

    if (len >= 4 && strncasecmp(line, "SET ", 4) == 0)
        return pgd_check_encoding(d, line, len, no);
    if (len < 5 || strncasecmp(line, "COPY ", 5) != 0)
        return 0;
    kind = pgd_copy_line(d, line, len);
    if (kind < 0 && !pgd_ends_from_stdin(line, len))
        return 0; /* COPY ... TO or FROM a file: no data follows */
    d->state = PGD_IN_OTHER;
    if (kind < 0)
        import_warn(d->ctx, no,
                    "cannot read this COPY line; its data is skipped");
    else if (kind == 1 && pgd_check_columns(d, no)) {
        d->state = PGD_IN_SPANS;
        d->block_line = no;
        d->n_blocks++;
    }
    return 0;
}

static int pgd_line(struct pgd *d, const char *line, size_t len, uint64_t no)
{
    int is_end = len == 2 && line[0] == '\\' && line[1] == '.';

    if (no == 1 && len >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0) {
        line += 3;
        len -= 3;
    }
    switch (d->state) {
    case PGD_OUTSIDE: return pgd_outside(d, line, len, no);
    case PGD_IN_OTHER:
        if (is_end)
            d->state = PGD_OUTSIDE;
        return 0;
    case PGD_IN_SPANS: break;
    }
    if (d->pending && pgd_flush(d) != 0)
        return -1;
    if (is_end) {
        d->state = PGD_OUTSIDE;
        return 0;
    }
    pgd_row(d, line, len);
    d->pending = 1;
    d->pending_line = no;
    return 0;
}

/* End of file: inside a block it was cut; without a spans block it is not
 * a Latitude dump, or not one made with COPY. */
static int pgd_finish(struct pgd *d)
{
    const char *cut = d->state == PGD_IN_OTHER
                          ? ", and it ends inside another table's data "
                            "(truncated?)"
                          : "";

    if (d->pending) {
        latitude_row_reset(&d->row);
        d->pending = 0;
        return import_bad(d->ctx, d->pending_line, d->err,
                          "the dump ends after this row, inside the COPY "
                          "block of line %" PRIu64 ", without its end marker "
                          "\\.; it is truncated and the row may be cut, so "
                          "it is skipped",
                          d->block_line);
    }
    if (d->state == PGD_IN_SPANS)
        import_warn(d->ctx, input_lineno(d->ctx->in),
                    "the dump ends inside the COPY block of line %" PRIu64
                    ", without its end marker \\.; it is truncated",
                    d->block_line);
    if (d->n_blocks == 0 && d->skipped_block_line > 0)
        return sp_err_set(d->err, SP_EFAIL,
                          "%s:%" PRIu64 ": the COPY block of spans lacks "
                          "columns every span needs, so no span could be "
                          "read; expected a plain pg_dump of Latitude's "
                          "latitude.spans",
                          input_name(d->ctx->in), d->skipped_block_line);
    if (d->n_blocks == 0)
        return sp_err_set(d->err, SP_EFAIL,
                          "%s: no `COPY <schema>.spans (...) FROM stdin;` "
                          "block%s; expected a plain pg_dump of Latitude's "
                          "database in the default COPY form (not --inserts)",
                          input_name(d->ctx->in), cut);
    return 0;
}

static int pgd_run(struct pgd *d)
{
    char *line;
    size_t len;
    int rc;

    for (;;) {
        rc = input_line(d->ctx->in, &line, &len, d->err);
        if (rc < 0)
            return -1;
        if (rc == 0)
            return pgd_finish(d);
        if (pgd_line(d, line, len, input_lineno(d->ctx->in)) != 0)
            return -1;
    }
}

int read_latitude_pgdump(struct import_ctx *ctx, struct sp_err *err)
{
    const char *dir = ctx->opts->metadata_dir;
    const char *head;
    size_t got;
    struct pgd *d;
    int rc = -1;

    if (input_peek(ctx->in, 512, &head, &got, err) != 0)
        return -1;
    if (latitude_pgdump_sniff(head, got) == LATITUDE_PGDUMP_ARCHIVE)
        return latitude_pgdump_refuse_archive(input_name(ctx->in), err);
    d = calloc(1, sizeof(*d));
    if (!d)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    d->ctx = ctx;
    d->err = err;
    latitude_row_init(&d->row);
    sp_buf_init(&d->table, 0);
    sp_buf_init(&d->names, 0);
    sp_buf_init(&d->value, 0);
    sp_buf_init(&d->doc, 0);
    if (!dir || metadata_tree_open(&d->tree, dir, err) == 0)
        rc = pgd_run(d);
    metadata_tree_close(d->tree);
    sp_buf_free(&d->doc);
    sp_buf_free(&d->value);
    sp_buf_free(&d->names);
    sp_buf_free(&d->table);
    latitude_row_free(&d->row);
    free(d);
    return rc;
}

int latitude_pgdump_refuse_archive(const char *name, struct sp_err *err)
{
    return sp_err_set(err, SP_EFAIL,
                      "%s: is a pg_dump archive (custom or tar format), not "
                      "a plain SQL dump; convert it with `pg_restore -f - "
                      "%s > dump.sql` and import dump.sql",
                      name, name);
}

/* ---- --format auto */

/* Is there a line `COPY ...spans...` in the bytes given? */
static int pgd_sniff_copy(const char *p, size_t n)
{
    const char *end = p + n, *eol;

    for (; p < end; p = eol + 1) {
        eol = memchr(p, '\n', (size_t)(end - p));
        eol = eol ? eol : end;
        if (eol - p > 5 && memcmp(p, "COPY ", 5) == 0 &&
            memmem(p, (size_t)(eol - p), "spans", 5))
            return 1;
    }
    return 0;
}

enum latitude_pgdump_kind latitude_pgdump_sniff(const char *p, size_t n)
{
    static const char *const starts[] = {"--", "SET ", "\\restrict ",
                                         "\\connect "};
    size_t i;

    if (n >= 5 && memcmp(p, "PGDMP", 5) == 0)
        return LATITUDE_PGDUMP_ARCHIVE;
    if (n >= 262 && memcmp(p, "toc.dat", 8) == 0 &&
        memcmp(p + 257, "ustar", 5) == 0)
        return LATITUDE_PGDUMP_ARCHIVE;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        p += 3;
        n -= 3;
    }
    while (n && (*p == '\n' || *p == '\r')) {
        p++;
        n--;
    }
    for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
        if (n >= strlen(starts[i]) &&
            memcmp(p, starts[i], strlen(starts[i])) == 0)
            return LATITUDE_PGDUMP_PLAIN;
    return pgd_sniff_copy(p, n) ? LATITUDE_PGDUMP_PLAIN : LATITUDE_PGDUMP_NONE;
}

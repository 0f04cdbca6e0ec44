/* tests/unit/test_latitude_dump.c: the Latitude archive readers (spans.csv,
 * plain pg_dump) and the metadata tree, on real files and a real store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "import/import.h"
#include "import/latitude_dump.h"
#include "store.h"
#include "util/buf.h"

#define T1 "0000000000000000000000000000000b"
#define HDR "id,trace_id,workspace_id,type,started_at"
#define ROW(id) "00000000000000" id "," T1 ",1,prompt,2026-01-15 10:00:00"
#define COLS "id, trace_id, workspace_id, type, started_at"
#define PROW(id) "00000000000000" id "\t" T1 "\t1\tprompt\t2026-01-15 10:00:00"
#define DOC "{\"type\":\"prompt\",\"n\":1.50}"

struct fx {
    char dir[64];
    char path[256];
    char result[256];
    struct store *st;
    struct import_summary sum;
    struct sp_err err;
    struct sp_buf reports; /* every reported line, each ending in \n */
};

static int rm_one(const char *p, const struct stat *sb, int flag,
                  struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sp-latdump-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/store.db", f->dir);
    assert_int_equal(store_open(&f->st, f->path, 0, &f->err), 0);
    sp_buf_init(&f->reports, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    store_close(f->st);
    nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    sp_buf_free(&f->reports);
    free(f);
    return 0;
}

/* dir/rel, with its parent directories made. */
static const char *fx_path(struct fx *f, const char *rel)
{
    char *slash;

    snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, rel);
    for (slash = strchr(f->path + strlen(f->dir) + 1, '/'); slash;
         slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(f->path, 0700);
        *slash = '/';
    }
    return f->path;
}

static void fx_write(struct fx *f, const char *rel, const char *data,
                     size_t len)
{
    FILE *fp = fopen(fx_path(f, rel), "wb");

    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

static void fx_write_gz(struct fx *f, const char *rel, const char *data,
                        size_t len)
{
    gzFile gz = gzopen(fx_path(f, rel), "wb");

    assert_non_null(gz);
    assert_int_equal(gzwrite(gz, data, (unsigned)len), (int)len);
    assert_int_equal(gzclose(gz), Z_OK);
}

#define WRITE(f, rel, lit) fx_write((f), (rel), (lit), sizeof(lit) - 1)

/* s without the temporary directory, so messages compare exactly. */
static const char *fx_rel(struct fx *f, const char *s, char *out, size_t cap)
{
    size_t dl = strlen(f->dir), n = 0;

    while (*s && n + 1 < cap) {
        if (strncmp(s, f->dir, dl) == 0 && s[dl] == '/')
            s += dl + 1;
        else
            out[n++] = *s++;
    }
    out[n] = '\0';
    return out;
}

static void fx_report(void *arg, const char *line)
{
    struct fx *f = arg;
    char rel[1024];

    sp_buf_adds(&f->reports, fx_rel(f, line, rel, sizeof(rel)));
    sp_buf_addc(&f->reports, '\n');
}

static int fx_import(struct fx *f, const char *rel, enum import_format fmt,
                     const char *metadata_rel, int strict)
{
    char file[256], mdir[256];
    struct import_opts o = {
        .format = fmt, .strict = strict, .report = fx_report, .report_arg = f};

    snprintf(file, sizeof(file), "%s/%s", f->dir, rel);
    snprintf(mdir, sizeof(mdir), "%s/%s", f->dir,
             metadata_rel ? metadata_rel : "");
    o.metadata_dir = metadata_rel ? mdir : NULL;
    memset(&f->err, 0, sizeof(f->err));
    return import_file(f->st, file, &o, &f->sum, &f->err);
}

/* The first column of the first row, "NULL", or "<none>". */
static const char *fx_query(struct fx *f, const char *sql)
{
    sqlite3_stmt *s = NULL;
    const unsigned char *t;

    assert_int_equal(sqlite3_prepare_v2(f->st->db, sql, -1, &s, NULL),
                     SQLITE_OK);
    snprintf(f->result, sizeof(f->result), "<none>");
    if (sqlite3_step(s) == SQLITE_ROW) {
        t = sqlite3_column_text(s, 0);
        snprintf(f->result, sizeof(f->result), "%s",
                 t ? (const char *)t : "NULL");
    }
    sqlite3_finalize(s);
    return f->result;
}

static const char *fx_reports(struct fx *f)
{
    return sp_buf_str(&f->reports);
}

static const char *fx_err(struct fx *f)
{
    static char out[600];

    return fx_rel(f, f->err.msg, out, sizeof(out));
}

/* ---- latitude-csv ------------------------------------------------------- */

static void
csv_unquoted_empty_is_null_and_quoted_empty_is_empty_string(void **state)
{
    struct fx *f = *state;

    WRITE(f, "s.csv", HDR ",message,model\n" ROW("a1") ",,\"\"\n");
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, NULL, 0), 0);
    assert_string_equal(fx_query(f, "SELECT quote(message) || quote(model) "
                                    "FROM spans"),
                        "NULL''");
}

static void csv_columns_are_found_by_header_name_in_any_order(void **state)
{
    struct fx *f = *state;

    WRITE(f, "s.csv",
          "started_at,no_such_column,type,trace_id,workspace_id,id\n"
          "2026-01-15T10:00:00.5Z,x,tool," T1 ",7,00000000000000a1\n");
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, NULL, 0), 0);
    assert_string_equal(fx_query(f, "SELECT id || ' ' || workspace_id || ' ' "
                                    "|| type || ' ' || started_at_ns "
                                    "FROM spans"),
                        "00000000000000a1 7 tool 1768471200500000000");
}

static void csv_fields_keep_newlines_crlf_quotes_and_blanks(void **state)
{
    struct fx *f = *state;

    /* clang-format off */
    WRITE(f, "s.csv", HDR ",name\r\n"
                      ROW("a1") ",\"two\r\nlines, \"\"q\"\"\"\r\n"
                      ROW("a2") ",  padded  \r\n");
    /* clang-format on */
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, NULL, 0), 0);
    assert_string_equal(fx_query(f, "SELECT hex(name) FROM spans WHERE id "
                                    "LIKE '%a1'"),
                        "74776F0D0A6C696E65732C20227122"); /* two\r\n.. */
    assert_string_equal(fx_query(f, "SELECT quote(name) FROM spans WHERE id "
                                    "LIKE '%a2'"),
                        "'  padded  '");
}

static void csv_bad_record_is_reported_with_the_line_it_began_on(void **state)
{
    struct fx *f = *state;

    /* clang-format off */
    WRITE(f, "s.csv", HDR ",name\n"                        /* line 1 */
                      ROW("a1") ",\"three\n\nlines\"\n"    /* 2-4 */
                      "\n"                                    /* 5 */
                      "00000000000000zz," T1 ",1,prompt,"      /* 6-7 */
                      "2026-01-15,\"x\ny\"\n"
                      ROW("a3") ",\n");                       /* 8 */
    /* clang-format on */
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, NULL, 0), 0);
    assert_string_equal(fx_reports(f), "s.csv:6: id \"00000000000000zz\" is "
                                       "not 16 hex digits\n");
    assert_int_equal(f->sum.inserted, 2);
    assert_int_equal(f->sum.skipped, 1);
}

static void
csv_ending_inside_a_quoted_field_is_reported_as_truncated(void **state)
{
    struct fx *f = *state;

    WRITE(f, "s.csv", HDR ",name\n" ROW("a1") ",ok\n" ROW("a2") ",\"cut\nhere");
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, NULL, 0), 0);
    assert_string_equal(fx_reports(f), "s.csv:3: the file ends inside a "
                                       "quoted field of this record; it is "
                                       "truncated\n");
    assert_int_equal(f->sum.inserted, 1);
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, NULL, 1), -1);
    assert_int_equal(f->err.kind, SP_EINPUT);
    assert_string_equal(fx_err(f), "s.csv:3: the file ends inside a quoted "
                                   "field of this record; it is truncated; "
                                   "fix the record, or drop --strict to skip "
                                   "it");
}

static void csv_malformed_quoting_skips_that_record_and_reads_on(void **state)
{
    struct fx *f = *state;

    /* clang-format off */
    WRITE(f, "s.csv", HDR ",name\n"
                      ROW("a1") ",\"bad\"quote\n"
                      ROW("a2") ",\n");
    /* clang-format on */
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, NULL, 0), 0);
    assert_string_equal(fx_reports(f), "s.csv:2: malformed quoting on line 2 "
                                       "(a quote in a field must be doubled, "
                                       "the field quoted)\n");
    assert_string_equal(fx_query(f, "SELECT group_concat(id) FROM spans"),
                        "00000000000000a2");
}

static void csv_record_with_too_few_fields_is_reported(void **state)
{
    struct fx *f = *state;

    WRITE(f, "s.csv", HDR "\n00000000000000a1," T1 "\n");
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, NULL, 0), 0);
    assert_string_equal(fx_reports(f),
                        "s.csv:2: has 2 fields, the header has 5 columns\n"
                        "s.csv: no record could be read as latitude-csv; if it "
                        "is another format, name it with --format\n");
}

static void csv_header_without_id_and_trace_id_refuses_the_file(void **state)
{
    struct fx *f = *state;

    WRITE(f, "s.csv", "span,trace\n1,2\n");
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, NULL, 0), -1);
    assert_int_equal(f->err.kind, SP_EFAIL);
    assert_string_equal(fx_err(f), "s.csv:1: the header names no id and "
                                   "trace_id columns; expected spans.csv from "
                                   "COPY latitude.spans TO STDOUT WITH "
                                   "(FORMAT csv, HEADER)");
}

static void csv_gzip_is_read_and_a_truncated_gzip_refused(void **state)
{
    struct fx *f = *state;
    struct sp_buf csv;
    struct stat sb;
    int i;

    sp_buf_init(&csv, 0);
    sp_buf_adds(&csv, HDR ",name\n");
    for (i = 0; i < 2000; i++)
        sp_buf_printf(&csv, "%016x," T1 ",1,prompt,2026-01-15,n%d\n", i, i);
    fx_write_gz(f, "s.csv.gz", csv.data, csv.len);
    assert_int_equal(fx_import(f, "s.csv.gz", IMPORT_LATITUDE_CSV, NULL, 0), 0);
    assert_int_equal(f->sum.inserted, 2000);
    assert_int_equal(stat(fx_path(f, "s.csv.gz"), &sb), 0);
    assert_int_equal(truncate(f->path, sb.st_size / 2), 0);
    assert_int_equal(fx_import(f, "s.csv.gz", IMPORT_LATITUDE_CSV, NULL, 0),
                     -1);
    assert_int_equal(f->err.kind, SP_EFAIL);
    assert_string_equal(fx_err(f), "s.csv.gz: read error: the compressed "
                                   "file is truncated");
    sp_buf_free(&csv);
}

/* ---- latitude-pgdump ---------------------------------------------------- */

#define DUMP_HEAD                                                              \
    "--\n-- PostgreSQL database dump\n--\n\n"                                  \
    "SET client_encoding = 'UTF8';\n"

static void pgdump_decodes_every_text_copy_escape(void **state)
{
    struct fx *f = *state;

    /* clang-format off */
    WRITE(f, "d.sql", DUMP_HEAD
                      "COPY latitude.spans (" COLS ", name) FROM stdin;\n"
                      PROW("a1") "\ta\\tb\\nc\\rd\\\\e\\bf\\fg\\vh"
                      "\\101\\x42\\x4\\xZ\\q\\N\\\tend\n"
                      "\\.\n");
    /* clang-format on */
    assert_int_equal(fx_import(f, "d.sql", IMPORT_LATITUDE_PGDUMP, NULL, 0), 0);
    assert_string_equal(fx_reports(f), "");
    /* a TAB b LF c CR d \ e BS f FF g VT h A B 0x04 x Z q N TAB end */
    assert_string_equal(fx_query(f, "SELECT hex(name) FROM spans"),
                        "6109620A630D645C6508660C670B68414204785A714E09656E64");
}

static void pgdump_backslash_n_alone_is_null_and_escaped_is_text(void **state)
{
    struct fx *f = *state;

    /* clang-format off */
    WRITE(f, "d.sql", DUMP_HEAD
                      "COPY latitude.spans (" COLS ", name, message, model)"
                      " FROM stdin;\n"
                      PROW("a1") "\t\\N\t\\\\N\t\n"
                      "\\.\n");
    /* clang-format on */
    assert_int_equal(fx_import(f, "d.sql", IMPORT_LATITUDE_PGDUMP, NULL, 0), 0);
    assert_string_equal(fx_query(f, "SELECT quote(name) || ' ' || "
                                    "quote(message) || ' ' || quote(model) "
                                    "FROM spans"),
                        "NULL '\\N' ''");
}

static void
pgdump_skips_other_tables_even_when_rows_read_like_copy(void **state)
{
    struct fx *f = *state;

    /* clang-format off */
    WRITE(f, "d.sql", DUMP_HEAD
                      "COPY latitude.notes (note) FROM stdin;\n"
                      "COPY latitude.spans (id) FROM stdin;\n"
                      "not a span\n"
                      "\\.\n"
                      "COPY latitude.spans (" COLS ") FROM stdin;\n"
                      PROW("a1") "\n"
                      "\\.\n"
                      "ALTER TABLE x;\n"
                      "COPY public.spans_archive (" COLS ") FROM stdin;\n"
                      PROW("a2") "\n"
                      "\\.\n");
    /* clang-format on */
    assert_int_equal(fx_import(f, "d.sql", IMPORT_LATITUDE_PGDUMP, NULL, 0), 0);
    assert_string_equal(fx_reports(f), "");
    assert_string_equal(fx_query(f, "SELECT group_concat(id) FROM spans"),
                        "00000000000000a1");
}

static void pgdump_finds_spans_in_any_schema_quoted_or_bare(void **state)
{
    struct fx *f = *state;

    /* clang-format off */
    WRITE(f, "a.sql", "COPY spans (" COLS ") FROM stdin;\n"
                      PROW("a1") "\n"
                      "\\.\n");
    WRITE(f, "b.sql", "COPY \"latitude\".\"spans\" (\"id\", \"trace_id\","
                      " workspace_id, \"type\", started_at) FROM stdin;\n"
                      PROW("a2") "\n"
                      "\\.\n");
    WRITE(f, "c.sql", "COPY Public.SPANS (" COLS ") from STDIN ;\n"
                      PROW("a3") "\n"
                      "\\.\n");
    /* clang-format on */
    assert_int_equal(fx_import(f, "a.sql", IMPORT_LATITUDE_PGDUMP, NULL, 0), 0);
    assert_int_equal(fx_import(f, "b.sql", IMPORT_LATITUDE_PGDUMP, NULL, 0), 0);
    assert_int_equal(fx_import(f, "c.sql", IMPORT_LATITUDE_PGDUMP, NULL, 0), 0);
    assert_string_equal(fx_query(f, "SELECT group_concat(substr(id, 15), ' ') "
                                    "FROM (SELECT id FROM spans ORDER BY id)"),
                        "a1 a2 a3");
}

static void pgdump_without_end_marker_reports_its_last_row_as_cut(void **state)
{
    struct fx *f = *state;

    /* clang-format off */
    WRITE(f, "d.sql", DUMP_HEAD                          /* lines 1-5 */
                      "COPY latitude.spans (" COLS ", name) FROM stdin;\n"
                      PROW("a1") "\tfull\n"                         /* 7 */
                      PROW("a2") "\tcu");                            /* 8 */
    /* clang-format on */
    assert_int_equal(fx_import(f, "d.sql", IMPORT_LATITUDE_PGDUMP, NULL, 0), 0);
    assert_string_equal(fx_reports(f),
                        "d.sql:8: the dump ends after this row, inside the "
                        "COPY block of line 6, without its end marker \\.; it "
                        "is truncated and the row may be cut, so it is "
                        "skipped\n");
    assert_string_equal(fx_query(f, "SELECT group_concat(name) FROM spans"),
                        "full");
}

static void
pgdump_row_with_wrong_field_count_is_reported_with_its_line(void **state)
{
    struct fx *f = *state;

    /* clang-format off */
    WRITE(f, "d.sql", "COPY spans (" COLS ", name) FROM stdin;\n"
                      PROW("a1") "\n"
                      PROW("a2") "\tx\ty\n"
                      PROW("a3") "\t\\\n"
                      "\\.\n");
    /* clang-format on */
    assert_int_equal(fx_import(f, "d.sql", IMPORT_LATITUDE_PGDUMP, NULL, 0), 0);
    assert_string_equal(fx_reports(f),
                        "d.sql:2: has 5 fields, the COPY line names 6 "
                        "columns\n"
                        "d.sql:3: has more fields than the 6 columns the "
                        "COPY line names\n"
                        "d.sql:4: column name ends in a lone backslash\n"
                        "d.sql: no record could be read as latitude-pgdump; "
                        "if it is another format, name it with --format\n");
}

static void
pgdump_custom_format_is_refused_with_the_pg_restore_hint(void **state)
{
    struct fx *f = *state;

    fx_write(f, "l.dump", "PGDMP\x01\x0f\x00\x04\x08\x01\x01", 12);
    assert_int_equal(fx_import(f, "l.dump", IMPORT_LATITUDE_PGDUMP, NULL, 0),
                     -1);
    assert_int_equal(f->err.kind, SP_EFAIL);
    assert_string_equal(fx_err(f), "l.dump: is a pg_dump archive (custom or "
                                   "tar format), not a plain SQL dump; "
                                   "convert it with `pg_restore -f - l.dump "
                                   "> dump.sql` and import dump.sql");
}

static void pgdump_without_a_spans_block_is_refused(void **state)
{
    struct fx *f = *state;

    WRITE(f, "d.sql", DUMP_HEAD "INSERT INTO latitude.spans VALUES (1);\n");
    assert_int_equal(fx_import(f, "d.sql", IMPORT_LATITUDE_PGDUMP, NULL, 0),
                     -1);
    assert_int_equal(f->err.kind, SP_EFAIL);
    assert_string_equal(fx_err(f), "d.sql: no `COPY <schema>.spans (...) FROM "
                                   "stdin;` block; expected a plain pg_dump "
                                   "of Latitude's database in the default "
                                   "COPY form (not --inserts)");
}

static void pgdump_in_another_encoding_is_refused(void **state)
{
    struct fx *f = *state;

    /* clang-format off */
    WRITE(f, "d.sql", "SET client_encoding = 'LATIN1';\n"
                      "COPY spans (" COLS ") FROM stdin;\n"
                      PROW("a1") "\n"
                      "\\.\n");
    /* clang-format on */
    assert_int_equal(fx_import(f, "d.sql", IMPORT_LATITUDE_PGDUMP, NULL, 0),
                     -1);
    assert_string_equal(fx_err(f), "d.sql:1: the dump's client_encoding is "
                                   "LATIN1; spanport reads UTF8 dumps: dump "
                                   "again with pg_dump --encoding=UTF8");
}

/* ---- the metadata tree -------------------------------------------------- */

#define SPAN_A1 "00000000000000a1"
#define TREE_A1 "m/workspaces/1/traces/" T1 "/" SPAN_A1

/* metadata_tree_read on dir/m; the document or the message in f->result */
static int fx_tree(struct fx *f, int64_t ws, const char *trace,
                   const char *span)
{
    char dir[256];
    struct sp_buf doc;
    int rc;

    snprintf(dir, sizeof(dir), "%s/m", f->dir);
    sp_buf_init(&doc, 0);
    memset(&f->err, 0, sizeof(f->err));
    rc = metadata_tree_read(dir, ws, trace, span, &doc, &f->err);
    snprintf(f->result, sizeof(f->result), "%s",
             rc == 1 ? sp_buf_str(&doc) : fx_err(f));
    sp_buf_free(&doc);
    return rc;
}

static void metadata_tree_reads_plain_json_verbatim(void **state)
{
    struct fx *f = *state;

    WRITE(f, TREE_A1, " " DOC "\n");
    assert_int_equal(fx_tree(f, 1, T1, SPAN_A1), 1);
    assert_string_equal(f->result, " " DOC "\n");
}

static void metadata_tree_reads_gzip_by_its_magic_not_its_name(void **state)
{
    struct fx *f = *state;

    fx_write_gz(f, TREE_A1, DOC, sizeof(DOC) - 1);
    assert_int_equal(fx_tree(f, 1, T1, SPAN_A1), 1);
    assert_string_equal(f->result, DOC);
}

static void metadata_tree_without_the_file_has_no_metadata(void **state)
{
    struct fx *f = *state;

    WRITE(f, "m/workspaces/1/traces/README", "x");
    assert_int_equal(fx_tree(f, 1, T1, SPAN_A1), 0);
    assert_int_equal(fx_tree(f, 2, T1, SPAN_A1), 0);
}

static void metadata_tree_builds_no_path_from_ids_that_are_not_hex(void **state)
{
    struct fx *f = *state;
    static const char *const traces[] = {
        "../../../../../../../../etc/x",
        "..",
        "",
        "0000000000000000000000000000000b/..",
        "0000000000000000000000000000/../",
    };

    /* a document where each traversal would land, were it attempted */
    WRITE(f, "m/workspaces/1/traces/x", DOC);
    WRITE(f, "etc/x", DOC);
    for (size_t i = 0; i < sizeof(traces) / sizeof(traces[0]); i++) {
        assert_int_equal(fx_tree(f, 1, traces[i], SPAN_A1), -1);
        assert_string_equal(f->result,
                            "metadata: workspace, trace or span id is not "
                            "valid (a decimal id, 32 and 16 hex digits); no "
                            "path is built from it");
    }
    assert_int_equal(fx_tree(f, 1, T1, "../../../../etc/x"), -1);
    assert_int_equal(fx_tree(f, -1, T1, SPAN_A1), -1);
}

static void metadata_tree_follows_no_symbolic_link(void **state)
{
    struct fx *f = *state;
    char target[256];

    WRITE(f, "outside/" SPAN_A1, DOC);
    snprintf(target, sizeof(target), "%s/outside/" SPAN_A1, f->dir);
    assert_int_equal(symlink(target, fx_path(f, TREE_A1)), 0);
    assert_int_equal(fx_tree(f, 1, T1, SPAN_A1), -1);
    assert_string_equal(f->result,
                        "metadata m/workspaces/1/traces/" T1 "/" SPAN_A1
                        ": is a symbolic link; links are "
                        "not followed inside the metadata tree");
    snprintf(target, sizeof(target), "%s/outside", f->dir);
    assert_int_equal(symlink(target, fx_path(f, "m/workspaces/2")), 0);
    assert_int_equal(fx_tree(f, 2, T1, SPAN_A1), -1);
    assert_string_equal(f->result, "metadata m/workspaces/2: is a symbolic "
                                   "link; links are not followed inside the "
                                   "metadata tree");
}

static void metadata_tree_refuses_what_is_not_a_regular_file(void **state)
{
    struct fx *f = *state;

    mkdir(fx_path(f, TREE_A1), 0700);
    assert_int_equal(fx_tree(f, 1, T1, SPAN_A1), -1);
    rmdir(f->path);
    assert_int_equal(mkfifo(f->path, 0600), 0); /* must not hang */
    assert_int_equal(fx_tree(f, 1, T1, SPAN_A1), -1);
    assert_string_equal(f->result, "metadata m/workspaces/1/traces/" T1
                                   "/" SPAN_A1 ": is not a regular file");
}

static void metadata_tree_refuses_json_that_is_not_an_object(void **state)
{
    struct fx *f = *state;

    WRITE(f, TREE_A1, "[1,2]");
    assert_int_equal(fx_tree(f, 1, T1, SPAN_A1), -1);
    assert_string_equal(f->result, "metadata m/workspaces/1/traces/" T1
                                   "/" SPAN_A1 ": is not a JSON object");
    WRITE(f, TREE_A1, "{\"a\":");
    assert_int_equal(fx_tree(f, 1, T1, SPAN_A1), -1);
    assert_string_equal(f->result, "metadata m/workspaces/1/traces/" T1
                                   "/" SPAN_A1 ": is not valid JSON");
    WRITE(f, TREE_A1, "{} {}");
    assert_int_equal(fx_tree(f, 1, T1, SPAN_A1), -1);
    assert_string_equal(f->result,
                        "metadata m/workspaces/1/traces/" T1 "/" SPAN_A1
                        ": has data after its JSON object");
}

static void metadata_tree_reports_truncated_gzip_with_its_path(void **state)
{
    struct fx *f = *state;
    struct stat sb;

    fx_write_gz(f, TREE_A1, DOC DOC DOC, 3 * (sizeof(DOC) - 1));
    assert_int_equal(stat(f->path, &sb), 0);
    assert_int_equal(truncate(f->path, sb.st_size - 6), 0);
    assert_int_equal(fx_tree(f, 1, T1, SPAN_A1), -1);
    assert_string_equal(f->result, "metadata m/workspaces/1/traces/" T1
                                   "/" SPAN_A1 ": gzip data is truncated");
}

static void metadata_tree_refuses_documents_over_64_mib(void **state)
{
    struct fx *f = *state;
    size_t n = METADATA_MAX_BYTES + 1;
    char *zeros = calloc(1, n);

    WRITE(f, TREE_A1, "");
    assert_int_equal(truncate(f->path, (off_t)n), 0); /* sparse */
    assert_int_equal(fx_tree(f, 1, T1, SPAN_A1), -1);
    assert_string_equal(f->result, "metadata m/workspaces/1/traces/" T1
                                   "/" SPAN_A1 ": is larger than 64 MiB");
    assert_non_null(zeros);
    fx_write_gz(f, TREE_A1, zeros, n); /* about 64 KiB on disk */
    free(zeros);
    assert_int_equal(fx_tree(f, 1, T1, SPAN_A1), -1);
    assert_string_equal(f->result, "metadata m/workspaces/1/traces/" T1
                                   "/" SPAN_A1 ": decompresses to more than 64 "
                                   "MiB");
}

/* ---- readers with --metadata-dir ---------------------------------------- */

static void csv_spans_get_their_documents_plain_gzip_or_none(void **state)
{
    struct fx *f = *state;

    WRITE(f, "s.csv", HDR "\n" ROW("a1") "\n" ROW("a2") "\n" ROW("a3") "\n");
    WRITE(f, TREE_A1, DOC);
    fx_write_gz(f, "m/workspaces/1/traces/" T1 "/00000000000000a2", "{}", 2);
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, "m", 0), 0);
    assert_string_equal(fx_reports(f), "");
    assert_int_equal(f->sum.inserted, 3);
    assert_string_equal(fx_query(f, "SELECT group_concat(substr(s.id, 15) || "
                                    "'=' || ifnull(m.doc, '-'), ' ') FROM "
                                    "(SELECT rowid, id FROM spans ORDER BY "
                                    "id) s LEFT JOIN span_metadata m ON "
                                    "m.span_rowid = s.rowid"),
                        "a1=" DOC " a2={} a3=-");
}

static void
documents_are_found_per_workspace_and_trace_in_any_order(void **state)
{
    struct fx *f = *state;

    /* clang-format off */
    WRITE(f, "s.csv", "id,trace_id,workspace_id,type,started_at\n"
                      SPAN_A1 "," T1 ",1,prompt,2026-01-15\n"
                      SPAN_A1 ",0000000000000000000000000000000c,1,prompt,"
                      "2026-01-15\n"
                      SPAN_A1 "," T1 ",2,prompt,2026-01-15\n"
                      "00000000000000a2," T1 ",1,prompt,2026-01-15\n");
    /* clang-format on */
    WRITE(f, TREE_A1, "{\"n\":1}");
    WRITE(f, "m/workspaces/1/traces/0000000000000000000000000000000c/" SPAN_A1,
          "{\"n\":2}");
    WRITE(f, "m/workspaces/2/traces/" T1 "/" SPAN_A1, "{\"n\":3}");
    WRITE(f, "m/workspaces/1/traces/" T1 "/00000000000000a2", "{\"n\":4}");
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, "m", 0), 0);
    /* the later span with key (T1, a1) replaced the first, as keys go */
    assert_string_equal(fx_query(f, "SELECT group_concat(substr(s.trace_id, "
                                    "32) || substr(s.id, 15) || m.doc, ' ') "
                                    "FROM (SELECT rowid, * FROM spans ORDER "
                                    "BY trace_id, id) s JOIN span_metadata m "
                                    "ON m.span_rowid = s.rowid"),
                        "ba1{\"n\":3} ba2{\"n\":4} ca1{\"n\":2}");
}

static void pgdump_spans_get_their_documents_too(void **state)
{
    struct fx *f = *state;

    /* clang-format off */
    WRITE(f, "d.sql", "COPY spans (" COLS ") FROM stdin;\n"
                      PROW("a1") "\n"
                      "\\.\n");
    /* clang-format on */
    WRITE(f, TREE_A1, DOC);
    assert_int_equal(fx_import(f, "d.sql", IMPORT_LATITUDE_PGDUMP, "m", 0), 0);
    assert_string_equal(fx_query(f, "SELECT doc FROM span_metadata"), DOC);
}

static void bad_document_is_warned_with_its_path_and_the_span_kept(void **state)
{
    struct fx *f = *state;

    WRITE(f, "s.csv", HDR "\n" ROW("a1") "\n");
    WRITE(f, TREE_A1, "\"just a string\"");
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, "m", 0), 0);
    assert_string_equal(fx_reports(f),
                        "s.csv:2: warning: metadata m/workspaces/1/traces/" T1
                        "/" SPAN_A1 ": is not a JSON object; the span is "
                        "kept without metadata\n");
    assert_int_equal(f->sum.warnings, 1);
    assert_int_equal(f->sum.inserted, 1);
    assert_string_equal(fx_query(f, "SELECT count(*) FROM span_metadata"), "0");
}

static void traversal_ids_in_a_dump_are_rejected_as_bad_records(void **state)
{
    struct fx *f = *state;

    /* clang-format off */
    WRITE(f, "s.csv", HDR "\n"
                      "../../../../etc/,../../../../../../../../../etc/,1,"
                      "prompt,2026-01-15\n");
    /* clang-format on */
    WRITE(f, "etc/etc", DOC);
    WRITE(f, "m/workspaces/1/traces/README", "");
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, "m", 0), 0);
    assert_string_equal(fx_reports(f),
                        "s.csv:2: id \"../../../../etc/\" is not 16 hex "
                        "digits\n"
                        "s.csv: no record could be read as latitude-csv; if it "
                        "is another format, name it with --format\n");
    assert_string_equal(fx_query(f, "SELECT count(*) FROM spans"), "0");
}

static void a_metadata_dir_that_cannot_be_opened_refuses_the_file(void **state)
{
    struct fx *f = *state;

    WRITE(f, "s.csv", HDR "\n" ROW("a1") "\n");
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, "nope", 0), -1);
    assert_int_equal(f->err.kind, SP_EFAIL);
    assert_string_equal(fx_err(f), "--metadata-dir nope: No such file or "
                                   "directory; give the directory that holds "
                                   "workspaces/");
}

/* ---- --format auto ------------------------------------------------------ */

#define SNIFF(fn, lit) fn((lit), sizeof(lit) - 1)

static void csv_sniff_wants_id_and_trace_id_in_the_first_line(void **state)
{
    (void)state;
    assert_true(SNIFF(latitude_csv_sniff, HDR "\n"));
    assert_true(
        SNIFF(latitude_csv_sniff, "\xEF\xBB\xBF\"trace_id\",\"id\"\r\n"));
    assert_true(SNIFF(latitude_csv_sniff, "a,trace_id,id"));
    assert_false(SNIFF(latitude_csv_sniff, "id,span\ntrace_id\n"));
    assert_false(
        SNIFF(latitude_csv_sniff, "{\"id\":\"a\",\"trace_id\":\"b\"}"));
    assert_false(SNIFF(latitude_csv_sniff, ""));
}

static void pgdump_sniff_tells_plain_dumps_from_archives(void **state)
{
    char tar[512] = "toc.dat";

    (void)state;
    memcpy(tar + 257, "ustar", 6); /* POSIX tar: "ustar\0" */
    assert_int_equal(SNIFF(latitude_pgdump_sniff, DUMP_HEAD),
                     LATITUDE_PGDUMP_PLAIN);
    assert_int_equal(SNIFF(latitude_pgdump_sniff, "\n\\restrict abc\n"),
                     LATITUDE_PGDUMP_PLAIN);
    assert_int_equal(SNIFF(latitude_pgdump_sniff, "SET x = 1;\n"),
                     LATITUDE_PGDUMP_PLAIN);
    assert_int_equal(SNIFF(latitude_pgdump_sniff,
                           "BEGIN;\nCOPY latitude.spans (id) FROM stdin;\n"),
                     LATITUDE_PGDUMP_PLAIN);
    assert_int_equal(SNIFF(latitude_pgdump_sniff, "PGDMP\x01\x0f"),
                     LATITUDE_PGDUMP_ARCHIVE);
    assert_int_equal(latitude_pgdump_sniff(tar, sizeof(tar)),
                     LATITUDE_PGDUMP_ARCHIVE);
    assert_int_equal(SNIFF(latitude_pgdump_sniff, HDR "\n"),
                     LATITUDE_PGDUMP_NONE);
    assert_int_equal(SNIFF(latitude_pgdump_sniff, "{\"id\":1}\n"),
                     LATITUDE_PGDUMP_NONE);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(csv_unquoted_empty_is_null_and_quoted_empty_is_empty_string),
        T(csv_columns_are_found_by_header_name_in_any_order),
        T(csv_fields_keep_newlines_crlf_quotes_and_blanks),
        T(csv_bad_record_is_reported_with_the_line_it_began_on),
        T(csv_ending_inside_a_quoted_field_is_reported_as_truncated),
        T(csv_malformed_quoting_skips_that_record_and_reads_on),
        T(csv_record_with_too_few_fields_is_reported),
        T(csv_header_without_id_and_trace_id_refuses_the_file),
        T(csv_gzip_is_read_and_a_truncated_gzip_refused),
        T(pgdump_decodes_every_text_copy_escape),
        T(pgdump_backslash_n_alone_is_null_and_escaped_is_text),
        T(pgdump_skips_other_tables_even_when_rows_read_like_copy),
        T(pgdump_finds_spans_in_any_schema_quoted_or_bare),
        T(pgdump_without_end_marker_reports_its_last_row_as_cut),
        T(pgdump_row_with_wrong_field_count_is_reported_with_its_line),
        T(pgdump_custom_format_is_refused_with_the_pg_restore_hint),
        T(pgdump_without_a_spans_block_is_refused),
        T(pgdump_in_another_encoding_is_refused),
        T(metadata_tree_reads_plain_json_verbatim),
        T(metadata_tree_reads_gzip_by_its_magic_not_its_name),
        T(metadata_tree_without_the_file_has_no_metadata),
        T(metadata_tree_builds_no_path_from_ids_that_are_not_hex),
        T(metadata_tree_follows_no_symbolic_link),
        T(metadata_tree_refuses_what_is_not_a_regular_file),
        T(metadata_tree_refuses_json_that_is_not_an_object),
        T(metadata_tree_reports_truncated_gzip_with_its_path),
        T(metadata_tree_refuses_documents_over_64_mib),
        T(csv_spans_get_their_documents_plain_gzip_or_none),
        T(documents_are_found_per_workspace_and_trace_in_any_order),
        T(pgdump_spans_get_their_documents_too),
        T(bad_document_is_warned_with_its_path_and_the_span_kept),
        T(traversal_ids_in_a_dump_are_rejected_as_bad_records),
        T(a_metadata_dir_that_cannot_be_opened_refuses_the_file),
        cmocka_unit_test(csv_sniff_wants_id_and_trace_id_in_the_first_line),
        cmocka_unit_test(pgdump_sniff_tells_plain_dumps_from_archives),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/unit/test_latitude_pgdump.c: the latitude-pgdump reader (a plain
 * pg_dump's COPY blocks) and its sniff; no CSV, no metadata tree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "import/latitude_dump.h"

#define T1 "0000000000000000000000000000000b"
#define HDR "id,trace_id,workspace_id,type,started_at"
#define COLS "id, trace_id, workspace_id, type, started_at"
#define PROW(id) "00000000000000" id "\t" T1 "\t1\tprompt\t2026-01-15 10:00:00"

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
    assert_string_equal(fx_record_reports(f), "");
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
    assert_string_equal(fx_record_reports(f), "");
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
    assert_string_equal(fx_record_reports(f),
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
    assert_int_equal(fx_import(f, "d.sql", IMPORT_LATITUDE_PGDUMP, NULL, 0),
                     -1);
    assert_string_equal(fx_record_reports(f),
                        "d.sql:2: has 5 fields, the COPY line names 6 "
                        "columns\n"
                        "d.sql:3: has 7 fields, the COPY line names 6 "
                        "columns\n"
                        "d.sql:4: column name ends in a lone backslash\n");
    assert_string_equal(fx_err(f), "d.sql: no record could be read as "
                                   "latitude-pgdump (3 skipped), so the file "
                                   "is refused; if it is another format, name "
                                   "it with --format");
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

/* ---- --format auto ------------------------------------------------------ */

#define SNIFF(fn, lit) fn((lit), sizeof(lit) - 1)

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

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(pgdump_decodes_every_text_copy_escape),
        T(pgdump_backslash_n_alone_is_null_and_escaped_is_text),
        T(pgdump_skips_other_tables_even_when_rows_read_like_copy),
        T(pgdump_finds_spans_in_any_schema_quoted_or_bare),
        T(pgdump_without_end_marker_reports_its_last_row_as_cut),
        T(pgdump_row_with_wrong_field_count_is_reported_with_its_line),
        T(pgdump_custom_format_is_refused_with_the_pg_restore_hint),
        T(pgdump_without_a_spans_block_is_refused),
        T(pgdump_in_another_encoding_is_refused),
        cmocka_unit_test(pgdump_sniff_tells_plain_dumps_from_archives),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

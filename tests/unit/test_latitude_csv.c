/* tests/unit/test_latitude_csv.c: the latitude-csv reader (spans.csv) and
 * its sniff, on real files and a real store; no pg_dump, no metadata. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "import/latitude_dump.h"

#define T1 "0000000000000000000000000000000b"
#define HDR "id,trace_id,workspace_id,type,started_at"
#define ROW(id) "00000000000000" id "," T1 ",1,prompt,2026-01-15 10:00:00"

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
    assert_string_equal(fx_record_reports(f),
                        "s.csv:6: id \"00000000000000zz\" is "
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
    assert_string_equal(fx_record_reports(f),
                        "s.csv:3: the file ends inside a "
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
    assert_string_equal(fx_record_reports(f),
                        "s.csv:2: malformed quoting on line 2 "
                        "(a quote in a field must be doubled, "
                        "the field quoted)\n");
    assert_string_equal(fx_query(f, "SELECT group_concat(id) FROM spans"),
                        "00000000000000a2");
}

static void csv_record_with_too_few_fields_is_reported(void **state)
{
    struct fx *f = *state;

    WRITE(f, "s.csv", HDR "\n00000000000000a1," T1 "\n");
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, NULL, 0), -1);
    assert_string_equal(fx_record_reports(f),
                        "s.csv:2: has 2 fields, the header has 5 columns\n");
    assert_string_equal(fx_err(f), "s.csv: no record could be read as "
                                   "latitude-csv (1 skipped), so the file is "
                                   "refused; if it is another format, name it "
                                   "with --format");
}

static void csv_header_without_id_and_trace_id_refuses_the_file(void **state)
{
    struct fx *f = *state;

    WRITE(f, "s.csv", "span,trace,name,model\n1,2,3,4\n");
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, NULL, 0), -1);
    assert_int_equal(f->err.kind, SP_EFAIL);
    assert_string_equal(fx_err(f), "s.csv:1: the header lacks the columns "
                                   "id, trace_id, workspace_id, type, "
                                   "started_at, which every span needs; "
                                   "expected spans.csv from COPY "
                                   "latitude.spans TO STDOUT WITH (FORMAT "
                                   "csv, HEADER)");
}

static void csv_without_a_header_says_the_first_line_is_no_header(void **state)
{
    struct fx *f = *state;

    WRITE(f, "s.csv", ROW("a1") ",,\n" ROW("a2") ",,\n");
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, NULL, 0), -1);
    assert_string_equal(fx_err(f), "s.csv:1: the first line is not a header "
                                   "naming the columns (expected names such "
                                   "as id, trace_id, workspace_id, type, "
                                   "started_at); expected spans.csv from "
                                   "COPY latitude.spans TO STDOUT WITH "
                                   "(FORMAT csv, HEADER)");
}

static void csv_record_with_other_field_count_says_that_first(void **state)
{
    struct fx *f = *state;

    WRITE(f, "s.csv", HDR "\na,b,c\n" ROW("a1") ",x\n" ROW("a2") "\n");
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, NULL, 0), 0);
    assert_string_equal(fx_record_reports(f),
                        "s.csv:2: has 3 fields, the header has 5 columns\n"
                        "s.csv:3: has 6 fields, the header has 5 columns\n");
}

static void csv_header_without_trace_id_names_just_that(void **state)
{
    struct fx *f = *state;

    WRITE(f, "s.csv", "id,workspace_id,type,started_at\n1,2,3,4\n");
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, NULL, 0), -1);
    assert_string_equal(fx_err(f), "s.csv:1: the header lacks the column "
                                   "trace_id, which every span needs; "
                                   "expected spans.csv from COPY "
                                   "latitude.spans TO STDOUT WITH (FORMAT "
                                   "csv, HEADER)");
}

static void csv_header_without_type_refuses_the_file_not_each_row(void **state)
{
    struct fx *f = *state;

    /* clang-format off */
    WRITE(f, "s.csv", "id,trace_id,workspace_id,started_at\n"
                      "00000000000000a1," T1 ",1,2026-01-15\n"
                      "00000000000000a2," T1 ",1,2026-01-15\n");
    /* clang-format on */
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, NULL, 0), -1);
    assert_int_equal(f->err.kind, SP_EFAIL);
    assert_string_equal(fx_err(f), "s.csv:1: the header lacks the column "
                                   "type, which every span needs; expected "
                                   "spans.csv from COPY latitude.spans TO "
                                   "STDOUT WITH (FORMAT csv, HEADER)");
    assert_string_equal(fx_reports(f), "");
    assert_int_equal(f->sum.skipped, 0);
}

#define NULLS22 ",,,,,,,,,,,,,,,,,,,,,,"

static void csv_header_lacking_known_columns_is_warned_once(void **state)
{
    struct fx *f = *state;

    /* unknown_extra is ignored silently; provider is no Latitude column */
    /* clang-format off */
    WRITE(f, "s.csv", "id,trace_id,workspace_id,type,started_at,parent_id,"
                      "previous_trace_id,api_key_id,project_id,"
                      "test_deployment_id,document_uuid,commit_uuid,"
                      "experiment_uuid,document_log_uuid,name,kind,status,"
                      "message,source,duration,ended_at,tokens_cached,"
                      "tokens_reasoning,tokens_completion,created_at,"
                      "updated_at,unknown_extra\n" ROW("a1") NULLS22 "\n"
                      ROW("a2") NULLS22 "\n");
    /* clang-format on */
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, NULL, 0), 0);
    assert_string_equal(fx_record_reports(f), "");
    assert_non_null(strstr(fx_reports(f),
                           "s.csv: warning: the header lacks the Latitude "
                           "columns tokens_prompt, model, cost; every span "
                           "is stored with them NULL\n"));
    assert_int_equal(f->sum.warnings, 2); /* and no --metadata-dir */
    assert_int_equal(f->sum.inserted, 2);
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

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

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
        T(csv_without_a_header_says_the_first_line_is_no_header),
        T(csv_record_with_other_field_count_says_that_first),
        T(csv_header_without_trace_id_names_just_that),
        T(csv_header_without_type_refuses_the_file_not_each_row),
        T(csv_header_lacking_known_columns_is_warned_once),
        T(csv_gzip_is_read_and_a_truncated_gzip_refused),
        cmocka_unit_test(csv_sniff_wants_id_and_trace_id_in_the_first_line),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

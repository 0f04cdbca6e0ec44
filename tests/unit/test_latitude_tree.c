/* tests/unit/test_latitude_tree.c: the metadata tree alone, then through
 * the readers' --metadata-dir; not how a reader parses its rows. */
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
#define COLS "id, trace_id, workspace_id, type, started_at"
#define PROW(id) "00000000000000" id "\t" T1 "\t1\tprompt\t2026-01-15 10:00:00"
#define DOC "{\"type\":\"prompt\",\"n\":1.50}"

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
    assert_string_equal(fx_record_reports(f), "");
    assert_non_null(strstr(fx_reports(f),
                           "\ns.csv: 1 spans had no metadata file under m; "
                           "they are stored without metadata (export skips "
                           "completions without it)\n"));
    assert_int_equal(f->sum.without_metadata, 1);
    assert_int_equal(f->sum.warnings, 1); /* the header's missing columns */
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
    assert_string_equal(fx_record_reports(f),
                        "s.csv:2: warning: metadata m/workspaces/1/traces/" T1
                        "/" SPAN_A1 ": is not a JSON object; the span is "
                        "kept without metadata\n");
    assert_int_equal(f->sum.warnings, 2); /* and one of the header's */
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
    assert_int_equal(fx_import(f, "s.csv", IMPORT_LATITUDE_CSV, "m", 0), -1);
    assert_string_equal(fx_record_reports(f),
                        "s.csv:2: id \"../../../../etc/\" is not 16 hex "
                        "digits\n");
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

#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
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
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

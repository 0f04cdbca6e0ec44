/* tests/unit/test_export_rows.c: query plans, keyset pages through tie
 * groups, and which completion answers a prompt, on a real store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/enrich.h"
#include "export/select.h"
#include "export_fixture.h"

/* ---- spans put straight through the writer --------------------------- */

struct spec {
    const char *trace, *id, *parent, *type;
    int64_t started_ns;
    const char *doc; /* NULL: no metadata */
    int64_t workspace;
};

static void put(const struct spec *s, const char *document, const char *commit,
                int64_t project)
{
    struct sp_span sp;
    struct sp_err err = {0};

    span_clear(&sp);
    snprintf(sp.trace_id, sizeof(sp.trace_id), "%s", s->trace);
    snprintf(sp.id, sizeof(sp.id), "%s", s->id);
    if (s->parent)
        snprintf(sp.parent_id, sizeof(sp.parent_id), "%s", s->parent);
    sp.type = s->type;
    sp.workspace_id = s->workspace ? s->workspace : 1;
    sp.started_at_ns = s->started_ns;
    sp.ended_at_ns = s->started_ns;
    sp.document_uuid = document;
    sp.commit_uuid = commit;
    sp.project_id.value = project;
    sp.project_id.is_set = project != 0;
    sp.metadata = s->doc;
    sp.metadata_len = s->doc ? strlen(s->doc) : 0;
    assert_int_equal(writer_put(efx_writer, &sp, &err), 0);
}

static void add(const char *trace, const char *id, const char *parent,
                const char *type, int64_t started_ns, const char *doc)
{
    struct spec s = {trace, id, parent, type, started_ns, doc, 1};

    put(&s, NULL, NULL, 0);
}

/* A prompt span and one completion child answering `answer`. */
static void add_pair(const char *trace, const char *prompt_id,
                     const char *completion_id, int64_t t, const char *answer)
{
    char doc[256];

    snprintf(doc, sizeof(doc), EFX_DOC_OK, answer);
    add(trace, prompt_id, NULL, "prompt", t, NULL);
    add(trace, completion_id, prompt_id, "completion", t + 1, doc);
}

static size_t count_lines(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* ---- query plans ------------------------------------------------------ */

static void assert_plan(const char *sql, const char *must_use, int may_sort)
{
    char eqp[8192];
    sqlite3_stmt *s;
    int found = 0;

    efx_commit();
    snprintf(eqp, sizeof(eqp), "EXPLAIN QUERY PLAN %s", sql);
    assert_int_equal(sqlite3_prepare_v2(efx_store->db, eqp, -1, &s, NULL), 0);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(s, 3);

        if (!may_sort && strstr(d, "TEMP B-TREE FOR ORDER BY"))
            fail_msg("%s sorts in a temp b-tree:\n%s", d, sql);
        if (strncmp(d, "SCAN s ", 7) == 0 || strcmp(d, "SCAN s") == 0 ||
            strcmp(d, "SCAN c") == 0 || strcmp(d, "SCAN spans") == 0)
            fail_msg("full scan \"%s\" in:\n%s", d, sql);
        if (strstr(d, "(workspace_id=?)")) /* an index read end to end */
            fail_msg("reads the whole workspace \"%s\" in:\n%s", d, sql);
        if (strstr(d, must_use))
            found = 1;
    }
    sqlite3_finalize(s);
    if (!found)
        fail_msg("plan does not use %s:\n%s", must_use, sql);
}

static void every_page_query_uses_an_index_and_no_sort(void **state)
{
    static const char *const modes_rows_index[][3] = {
        {"all", "prompt", "spans_page"},
        {"all", "completion", "spans_page"},
        {"all", "trace", "spans_time"},
        {"except", "prompt", "spans_page"},
        {"partial", "prompt", "PRIMARY KEY"},
        {"partial", "trace", "PRIMARY KEY"},
    };
    size_t m;
    unsigned filters;

    (void)state;
    for (m = 0; m < sizeof(modes_rows_index) / sizeof(modes_rows_index[0]);
         m++) {
        for (filters = 0; filters < 64; filters++) {
            struct export_request req = efx_request();
            struct select *sel = NULL;
            struct sp_err err = {0};
            const char *want = modes_rows_index[m][2];

            req.mode = modes_rows_index[m][0][0] == 'a'   ? EXPORT_ALL
                       : modes_rows_index[m][0][0] == 'e' ? EXPORT_ALL_EXCEPT
                                                          : EXPORT_PARTIAL;
            req.rows = modes_rows_index[m][1][0] == 'p'   ? ROWS_PROMPT
                       : modes_rows_index[m][1][0] == 'c' ? ROWS_COMPLETION
                                                          : ROWS_TRACE;
            req.keys_json = "[]";
            req.has_project = filters & 1;
            req.document_uuid =
                filters & 2 ? "00000000-0000-0000-0000-000000000001" : NULL;
            req.commits_json = filters & 4 ? "[\"c\"]" : NULL;
            req.experiments_json = filters & 8 ? "[\"e\"]" : NULL;
            req.test_deployments_json = filters & 16 ? "[1]" : NULL;
            if (filters & 32) {
                req.from_ns = 1;
                req.to_ns = 2;
            }
            if (req.document_uuid && req.rows != ROWS_TRACE &&
                req.mode != EXPORT_PARTIAL)
                want = "spans_document_page";
            assert_int_equal(select_open(&sel, efx_store, &req, &err), 0);
            assert_plan(select_page_sql(sel), want, 0);
            select_close(sel);
        }
    }
}

static void enrichment_walks_children_by_index(void **state)
{
    struct export_request req = efx_request();
    struct enrich *e = NULL;
    struct sp_err err = {0};

    (void)state;
    assert_int_equal(enrich_open(&e, efx_store, &req, &err), 0);
    /* the window sorts one page's candidates, never the store */
    assert_plan(enrich_sql(e), "spans_children", 1);
    enrich_close(e);
    req.rows = ROWS_COMPLETION;
    assert_int_equal(enrich_open(&e, efx_store, &req, &err), 0);
    assert_plan(enrich_sql(e), "SEARCH c USING INTEGER PRIMARY KEY", 0);
    enrich_close(e);
}

/* A PARTIAL selection looks its keys up, never the workspace (§3). */
static void partial_selection_looks_keys_up_by_index(void **state)
{
    struct export_request req = efx_request();
    struct select *sel = NULL;
    struct sp_err err = {0};

    (void)state;
    req.mode = EXPORT_PARTIAL; /* creates the temp tables */
    req.keys_json = "[]";
    assert_int_equal(select_open(&sel, efx_store, &req, &err), 0);
    assert_plan(select_resolve_sql(0), "SEARCH s USING INDEX spans_key", 0);
    assert_plan(select_resolve_sql(1),
                "SEARCH s USING INDEX spans_conversation", 0);
    select_close(sel);
}

/* ---- paging ----------------------------------------------------------- */

/* 1001 prompt spans in one tie group: the same started_at to the
 * nanosecond, span ids repeating across traces. */
static void pages_through_a_tie_group_without_loss_or_repeat(void **state)
{
    struct export_request req = efx_request();
    struct export_stats stats;
    char trace[33], pid[17], cid[17], prev[80] = "";
    const char *line;
    int i, page_size;

    (void)state;
    for (i = 0; i < 1001; i++) {
        efx_hex(trace, 32, (unsigned long long)(i % 37) * 1000003ull + 7);
        efx_hex(pid, 16, (unsigned long long)(i / 37) + 1);
        efx_hex(cid, 16, 0x100000ull + (unsigned long long)i);
        add_pair(trace, pid, cid, 1700000000123456789LL, "a");
    }
    for (page_size = 500; page_size >= 1; page_size -= 499) {
        req.page_size = page_size;
        stats = efx_run(&req);
        assert_int_equal(stats.considered, 1001);
        assert_int_equal(stats.rows, 1001);
        /* strictly descending (id, trace) within the tie: no repeats */
        for (line = sp_buf_str(&efx_captured); *line;
             line = strchr(line, '\n') + 1) {
            char key[80];

            snprintf(key, sizeof(key), "%.16s%.32s", line + 33, line);
            if (prev[0])
                assert_true(strcmp(key, prev) < 0);
            memcpy(prev, key, sizeof(key));
        }
        prev[0] = '\0';
    }
}

static void exports_of_0_1_500_and_501_rows(void **state)
{
    static const int sizes[] = {0, 1, 500, 501};
    struct export_request req = efx_request();
    char trace[33], pid[17], cid[17];
    int have = 0;
    size_t k;

    (void)state;
    for (k = 0; k < 4; k++) {
        struct export_stats stats;

        for (; have < sizes[k]; have++) {
            efx_hex(trace, 32, 0xabc000ull + (unsigned long long)have);
            efx_hex(pid, 16, 1);
            efx_hex(cid, 16, 2);
            add_pair(trace, pid, cid, 1000 + have / 3, "x");
        }
        stats = efx_run(&req);
        assert_int_equal(stats.rows, sizes[k]);
        assert_int_equal(count_lines(sp_buf_str(&efx_captured)), sizes[k]);
    }
}

/* ---- the completion choice (export.md §4, §9) -------------------------- */

#define TR "0000000000000000000000000000abcd"

static void latest_completion_by_started_at_then_id_is_chosen(void **state)
{
    char a[256], b[256], c[256];
    struct export_request req = efx_request();

    (void)state;
    snprintf(a, sizeof(a), EFX_DOC_OK, "first");
    snprintf(b, sizeof(b), EFX_DOC_OK, "tie-low-id");
    snprintf(c, sizeof(c), EFX_DOC_OK, "tie-high-id");
    add(TR, "000000000000000a", NULL, "prompt", 100, NULL);
    add(TR, "00000000000000c1", "000000000000000a", "completion", 101, a);
    add(TR, "00000000000000c2", "000000000000000a", "completion", 500, b);
    add(TR, "00000000000000c3", "000000000000000a", "completion", 500, c);
    efx_run(&req);
    assert_string_equal(sp_buf_str(&efx_captured),
                        TR ":000000000000000a|tie-high-id\n");
}

static void completion_under_a_tool_span_belongs_to_the_prompt(void **state)
{
    char a[256];
    struct export_request req = efx_request();

    (void)state;
    snprintf(a, sizeof(a), EFX_DOC_OK, "deep");
    add(TR, "000000000000000a", NULL, "prompt", 100, NULL);
    add(TR, "00000000000000b1", "000000000000000a", "tool", 101, NULL);
    add(TR, "00000000000000b2", "00000000000000b1", "unknown", 102, NULL);
    add(TR, "00000000000000c1", "00000000000000b2", "completion", 90, a);
    efx_run(&req);
    assert_string_equal(sp_buf_str(&efx_captured),
                        TR ":000000000000000a|deep\n");
}

static void nested_prompt_owns_its_own_completions(void **state)
{
    char outer[256], inner[256];
    struct export_request req = efx_request();

    (void)state;
    snprintf(outer, sizeof(outer), EFX_DOC_OK, "outer");
    snprintf(inner, sizeof(inner), EFX_DOC_OK, "inner");
    add(TR, "000000000000000a", NULL, "prompt", 100, NULL);
    add(TR, "00000000000000c1", "000000000000000a", "completion", 101, outer);
    add(TR, "00000000000000b1", "000000000000000a", "tool", 102, NULL);
    add(TR, "000000000000000b", "00000000000000b1", "prompt", 103, NULL);
    add(TR, "00000000000000c2", "000000000000000b", "completion", 104, inner);
    efx_run(&req);
    assert_string_equal(sp_buf_str(&efx_captured),
                        TR ":000000000000000b|inner\n" TR
                           ":000000000000000a|outer\n");
}

static void parent_cycle_ends_the_walk(void **state)
{
    char a[256];
    struct export_request req = efx_request();
    struct export_stats stats;

    (void)state;
    snprintf(a, sizeof(a), EFX_DOC_OK, "cyc");
    add(TR, "000000000000000a", NULL, "prompt", 100, NULL);
    add(TR, "00000000000000b1", "00000000000000b2", "tool", 101, NULL);
    add(TR, "00000000000000b2", "00000000000000b1", "tool", 102, NULL);
    add(TR, "00000000000000c1", "00000000000000b1", "completion", 103, a);
    stats = efx_run(&req);
    assert_int_equal(stats.rows, 0);
    assert_int_equal(stats.skipped[SKIP_NO_COMPLETION], 1);
}

static void other_workspaces_spans_do_not_count(void **state)
{
    char a[256];
    struct export_request req = efx_request();
    struct spec foreign = {
        TR, "00000000000000c1", "000000000000000a", "completion", 101, a, 2};
    struct export_stats stats;

    (void)state;
    snprintf(a, sizeof(a), EFX_DOC_OK, "foreign");
    add(TR, "000000000000000a", NULL, "prompt", 100, NULL);
    put(&foreign, NULL, NULL, 0);
    stats = efx_run(&req);
    assert_int_equal(stats.rows, 0);
    assert_int_equal(stats.skipped[SKIP_NO_COMPLETION], 1);
}

static void each_skip_rule_is_counted(void **state)
{
    struct export_request req = efx_request();
    struct export_stats stats;

    (void)state;
    add(TR, "000000000000000a", NULL, "prompt", 100, NULL); /* none */
    add(TR, "000000000000000b", NULL, "prompt", 200, NULL);
    add(TR, "00000000000000b1", "000000000000000b", "completion", 201, NULL);
    add(TR, "000000000000000c", NULL, "prompt", 300, NULL);
    add(TR, "00000000000000c1", "000000000000000c", "completion", 301,
        "{\"type\":\"tool\",\"output\":[{\"content\":\"x\"}]}");
    add(TR, "000000000000000d", NULL, "prompt", 400, NULL);
    add(TR, "00000000000000d1", "000000000000000d", "completion", 401,
        "{\"type\":\"completion\",\"output\":[{\"content\":\" \\u00a0\"}]}");
    add(TR, "000000000000000e", NULL, "prompt", 500, NULL);
    add(TR, "00000000000000e1", "000000000000000e", "completion", 501,
        "{\"type\":\"completion\",\"output\":[{\"content\":7}]}");
    stats = efx_run(&req);
    assert_int_equal(stats.rows, 0);
    assert_int_equal(stats.skipped[SKIP_NO_COMPLETION], 1);
    assert_int_equal(stats.skipped[SKIP_NO_METADATA], 1);
    assert_int_equal(stats.skipped[SKIP_NOT_COMPLETION], 1);
    assert_int_equal(stats.skipped[SKIP_EMPTY_OUTPUT], 2);
    assert_int_equal(stats.warnings, 1); /* content 7 is malformed */
    assert_non_null(strstr(stats.first_warning, TR ":00000000000000e1: "));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, efx_setup, efx_teardown)
    const struct CMUnitTest tests[] = {
        T(every_page_query_uses_an_index_and_no_sort),
        T(enrichment_walks_children_by_index),
        T(partial_selection_looks_keys_up_by_index),
        T(pages_through_a_tie_group_without_loss_or_repeat),
        T(exports_of_0_1_500_and_501_rows),
        T(latest_completion_by_started_at_then_id_is_chosen),
        T(completion_under_a_tool_span_belongs_to_the_prompt),
        T(nested_prompt_owns_its_own_completions),
        T(parent_cycle_ends_the_walk),
        T(other_workspaces_spans_do_not_count),
        T(each_skip_rule_is_counted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
#undef T
}

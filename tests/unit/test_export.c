/* tests/unit/test_export.c: the export engine on a real store: query plans,
 * keyset pages through tie groups, modes x filters against a brute-force
 * model, the completion choice and ownership rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "export/enrich.h"
#include "export/run.h"
#include "export/select.h"
#include "import/writer.h"
#include "store.h"

static char dir[64];
static struct store *st;
static struct writer *w;
static struct sp_buf captured; /* one "TRACE:SPAN|output" line per row */

static const char DOC_OK[] =
    "{\"type\":\"completion\",\"input\":[{\"role\":\"user\",\"content\":"
    "\"q\"}],\"output\":[{\"role\":\"assistant\",\"content\":\"%s\"}]}";

/* ---- a capturing output plugin, no dlopen needed ---------------------- */

static int cap_open(void **state, int fd, const struct sp_output_info *info,
                    char *err, size_t errlen)
{
    (void)info, (void)err, (void)errlen;
    close(fd);
    *state = &captured;
    return SP_OK;
}

static int cap_write(void *state, const struct sp_row *row, char *err,
                     size_t errlen)
{
    (void)err, (void)errlen;
    sp_buf_printf(state, "%s:%s|%s\n", row->values[3].text, row->values[2].text,
                  row->values[1].text);
    return SP_OK;
}

static int cap_close(void *state, int abandon, char *err, size_t errlen)
{
    (void)state, (void)abandon, (void)err, (void)errlen;
    return SP_OK;
}

static struct plugin capture = {
    .kind = PLUGIN_OUTPUT,
    .path = (char *)"capture",
    .d.output = {.abi_version = SP_PLUGIN_ABI_VERSION,
                 .struct_size = sizeof(struct sp_output_plugin),
                 .name = "capture",
                 .open = cap_open,
                 .write_row = cap_write,
                 .close = cap_close},
};

/* ---- store helpers ---------------------------------------------------- */

static int setup(void **state)
{
    struct sp_err err = {0};
    char path[128];

    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/spanport-export.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof(path), "%s/s.db", dir);
    if (store_open(&st, path, 0, &err) != 0 || writer_new(&w, st, &err) != 0)
        return -1;
    sp_buf_init(&captured, 0);
    return writer_begin(w, "test", "test", &err);
}

static int teardown(void **state)
{
    char cmd[160];

    (void)state;
    writer_rollback(w);
    writer_free(w);
    store_close(st);
    sp_buf_free(&captured);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

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
    assert_int_equal(writer_put(w, &sp, &err), 0);
}

static void add(const char *trace, const char *id, const char *parent,
                const char *type, int64_t started_ns, const char *doc)
{
    struct spec s = {trace, id, parent, type, started_ns, doc, 1};

    put(&s, NULL, NULL, 0);
}

static void hex(char *out, size_t digits, unsigned long long v)
{
    snprintf(out, digits + 1, "%0*llx", (int)digits, v);
}

/* A prompt span and one completion child answering `answer`. */
static void add_pair(const char *trace, const char *prompt_id,
                     const char *completion_id, int64_t t, const char *answer)
{
    char doc[256];

    snprintf(doc, sizeof(doc), DOC_OK, answer);
    add(trace, prompt_id, NULL, "prompt", t, NULL);
    add(trace, completion_id, prompt_id, "completion", t + 1, doc);
}

static struct export_request request(void)
{
    struct export_request r = {.workspace_id = 1,
                               .from_ns = INT64_MIN,
                               .to_ns = INT64_MAX,
                               .cutoff_seq = INT64_MAX};
    return r;
}

static struct export_stats run(const struct export_request *req)
{
    struct export_output out = {.plugin = &capture};
    struct export_stats stats = {0};
    struct sp_err err = {0};
    int fd = dup(STDERR_FILENO);

    sp_buf_reset(&captured);
    if (export_write(st, req, &out, fd, &stats, &err) != 0)
        fail_msg("export failed: %s", err.msg);
    return stats;
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

    snprintf(eqp, sizeof(eqp), "EXPLAIN QUERY PLAN %s", sql);
    assert_int_equal(sqlite3_prepare_v2(st->db, eqp, -1, &s, NULL), 0);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *d = (const char *)sqlite3_column_text(s, 3);

        if (!may_sort && strstr(d, "TEMP B-TREE FOR ORDER BY"))
            fail_msg("%s sorts in a temp b-tree:\n%s", d, sql);
        if (strncmp(d, "SCAN s ", 7) == 0 || strcmp(d, "SCAN s") == 0 ||
            strcmp(d, "SCAN c") == 0 || strcmp(d, "SCAN spans") == 0)
            fail_msg("full scan \"%s\" in:\n%s", d, sql);
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
            struct export_request req = request();
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
            assert_int_equal(select_open(&sel, st, &req, &err), 0);
            assert_plan(select_page_sql(sel), want, 0);
            select_close(sel);
        }
    }
}

static void enrichment_walks_children_by_index(void **state)
{
    struct export_request req = request();
    struct enrich *e = NULL;
    struct sp_err err = {0};

    (void)state;
    assert_int_equal(enrich_open(&e, st, &req, &err), 0);
    /* the window sorts one page's candidates, never the store */
    assert_plan(enrich_sql(e), "spans_children", 1);
    enrich_close(e);
    req.rows = ROWS_COMPLETION;
    assert_int_equal(enrich_open(&e, st, &req, &err), 0);
    assert_plan(enrich_sql(e), "INTEGER PRIMARY KEY", 0);
    enrich_close(e);
}

/* ---- paging ----------------------------------------------------------- */

/* 1001 prompt spans in one tie group: the same started_at to the
 * nanosecond, span ids repeating across traces. */
static void pages_through_a_tie_group_without_loss_or_repeat(void **state)
{
    struct export_request req = request();
    struct export_stats stats;
    char trace[33], pid[17], cid[17], prev[80] = "";
    const char *line;
    int i, page_size;

    (void)state;
    for (i = 0; i < 1001; i++) {
        hex(trace, 32, (unsigned long long)(i % 37) * 1000003ull + 7);
        hex(pid, 16, (unsigned long long)(i / 37) + 1);
        hex(cid, 16, 0x100000ull + (unsigned long long)i);
        add_pair(trace, pid, cid, 1700000000123456789LL, "a");
    }
    for (page_size = 500; page_size >= 1; page_size -= 499) {
        req.page_size = page_size;
        stats = run(&req);
        assert_int_equal(stats.considered, 1001);
        assert_int_equal(stats.rows, 1001);
        /* strictly descending (id, trace) within the tie: no repeats */
        for (line = sp_buf_str(&captured); *line;
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
    struct export_request req = request();
    char trace[33], pid[17], cid[17];
    int have = 0;
    size_t k;

    (void)state;
    for (k = 0; k < 4; k++) {
        struct export_stats stats;

        for (; have < sizes[k]; have++) {
            hex(trace, 32, 0xabc000ull + (unsigned long long)have);
            hex(pid, 16, 1);
            hex(cid, 16, 2);
            add_pair(trace, pid, cid, 1000 + have / 3, "x");
        }
        stats = run(&req);
        assert_int_equal(stats.rows, sizes[k]);
        assert_int_equal(count_lines(sp_buf_str(&captured)), sizes[k]);
    }
}

/* ---- the completion choice (export.md §4, §9) -------------------------- */

#define TR "0000000000000000000000000000abcd"

static void latest_completion_by_started_at_then_id_is_chosen(void **state)
{
    char a[256], b[256], c[256];
    struct export_request req = request();

    (void)state;
    snprintf(a, sizeof(a), DOC_OK, "first");
    snprintf(b, sizeof(b), DOC_OK, "tie-low-id");
    snprintf(c, sizeof(c), DOC_OK, "tie-high-id");
    add(TR, "000000000000000a", NULL, "prompt", 100, NULL);
    add(TR, "00000000000000c1", "000000000000000a", "completion", 101, a);
    add(TR, "00000000000000c2", "000000000000000a", "completion", 500, b);
    add(TR, "00000000000000c3", "000000000000000a", "completion", 500, c);
    run(&req);
    assert_string_equal(sp_buf_str(&captured),
                        TR ":000000000000000a|tie-high-id\n");
}

static void completion_under_a_tool_span_belongs_to_the_prompt(void **state)
{
    char a[256];
    struct export_request req = request();

    (void)state;
    snprintf(a, sizeof(a), DOC_OK, "deep");
    add(TR, "000000000000000a", NULL, "prompt", 100, NULL);
    add(TR, "00000000000000b1", "000000000000000a", "tool", 101, NULL);
    add(TR, "00000000000000b2", "00000000000000b1", "unknown", 102, NULL);
    add(TR, "00000000000000c1", "00000000000000b2", "completion", 90, a);
    run(&req);
    assert_string_equal(sp_buf_str(&captured), TR ":000000000000000a|deep\n");
}

static void nested_prompt_owns_its_own_completions(void **state)
{
    char outer[256], inner[256];
    struct export_request req = request();

    (void)state;
    snprintf(outer, sizeof(outer), DOC_OK, "outer");
    snprintf(inner, sizeof(inner), DOC_OK, "inner");
    add(TR, "000000000000000a", NULL, "prompt", 100, NULL);
    add(TR, "00000000000000c1", "000000000000000a", "completion", 101, outer);
    add(TR, "00000000000000b1", "000000000000000a", "tool", 102, NULL);
    add(TR, "000000000000000b", "00000000000000b1", "prompt", 103, NULL);
    add(TR, "00000000000000c2", "000000000000000b", "completion", 104, inner);
    run(&req);
    assert_string_equal(sp_buf_str(&captured), TR ":000000000000000b|inner\n" TR
                                                  ":000000000000000a|outer\n");
}

static void parent_cycle_ends_the_walk(void **state)
{
    char a[256];
    struct export_request req = request();
    struct export_stats stats;

    (void)state;
    snprintf(a, sizeof(a), DOC_OK, "cyc");
    add(TR, "000000000000000a", NULL, "prompt", 100, NULL);
    add(TR, "00000000000000b1", "00000000000000b2", "tool", 101, NULL);
    add(TR, "00000000000000b2", "00000000000000b1", "tool", 102, NULL);
    add(TR, "00000000000000c1", "00000000000000b1", "completion", 103, a);
    stats = run(&req);
    assert_int_equal(stats.rows, 0);
    assert_int_equal(stats.skipped[SKIP_NO_COMPLETION], 1);
}

static void other_workspaces_spans_do_not_count(void **state)
{
    char a[256];
    struct export_request req = request();
    struct spec foreign = {
        TR, "00000000000000c1", "000000000000000a", "completion", 101, a, 2};
    struct export_stats stats;

    (void)state;
    snprintf(a, sizeof(a), DOC_OK, "foreign");
    add(TR, "000000000000000a", NULL, "prompt", 100, NULL);
    put(&foreign, NULL, NULL, 0);
    stats = run(&req);
    assert_int_equal(stats.rows, 0);
    assert_int_equal(stats.skipped[SKIP_NO_COMPLETION], 1);
}

static void each_skip_rule_is_counted(void **state)
{
    struct export_request req = request();
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
    stats = run(&req);
    assert_int_equal(stats.rows, 0);
    assert_int_equal(stats.skipped[SKIP_NO_COMPLETION], 1);
    assert_int_equal(stats.skipped[SKIP_NO_METADATA], 1);
    assert_int_equal(stats.skipped[SKIP_NOT_COMPLETION], 1);
    assert_int_equal(stats.skipped[SKIP_EMPTY_OUTPUT], 2);
    assert_int_equal(stats.warnings, 1); /* content 7 is malformed */
    assert_non_null(strstr(stats.first_warning, TR ":00000000000000e1: "));
}

/* ---- modes x filters against a brute-force model ---------------------- */

#define N_MODEL 240

struct model_span {
    char trace[33], id[17];
    int64_t started_ns;
    int document, commit, experiment, deployment, project, conversation;
    int has_row; /* has a completion with output */
};

static struct model_span model[N_MODEL];
static const char *const uuids[] = {NULL,
                                    "00000000-0000-4000-8000-000000000001",
                                    "00000000-0000-4000-8000-000000000002",
                                    "00000000-0000-4000-8000-000000000003"};

static void build_model(void)
{
    struct sp_err err = {0};
    unsigned seed = 12345;
    int i;

    for (i = 0; i < N_MODEL; i++) {
        struct model_span *m = &model[i];
        struct sp_span sp;
        char doc[256];

        seed = seed * 1103515245u + 12345u;
        hex(m->trace, 32, (seed >> 8) % 23 + 1);
        hex(m->id, 16, (unsigned long long)i % 97 + 1);
        m->started_ns = 1000000 + (int64_t)((seed >> 4) % 40) * 1000;
        m->document = (int)(seed >> 3) % 3;
        m->commit = (int)(seed >> 7) % 4;
        m->experiment = (int)(seed >> 11) % 3;
        m->deployment = (int)(seed >> 13) % 3;
        m->project = (int)(seed >> 17) % 3;
        m->conversation = (int)(seed >> 19) % 4;
        m->has_row = (seed >> 21) % 7 != 0;
        span_clear(&sp);
        memcpy(sp.trace_id, m->trace, 33);
        memcpy(sp.id, m->id, 17);
        sp.type = "prompt";
        sp.workspace_id = 1;
        sp.started_at_ns = m->started_ns;
        sp.document_uuid = uuids[m->document];
        sp.commit_uuid = uuids[m->commit];
        sp.experiment_uuid = uuids[m->experiment];
        sp.document_log_uuid = uuids[m->conversation];
        sp.test_deployment_id.value = m->deployment;
        sp.test_deployment_id.is_set = m->deployment != 0;
        sp.project_id.value = 6 + m->project;
        sp.project_id.is_set = m->project != 0;
        if (writer_put(w, &sp, &err) != 0) /* duplicate (trace, id) pairs */
            fail_msg("%s", err.msg);
        if (!m->has_row)
            continue;
        snprintf(doc, sizeof(doc), DOC_OK, "m");
        span_clear(&sp);
        memcpy(sp.trace_id, m->trace, 33);
        hex(sp.id, 16, 0xc000000000ull + (unsigned long long)i);
        memcpy(sp.parent_id, m->id, 17);
        sp.type = "completion";
        sp.workspace_id = 1;
        sp.started_at_ns = m->started_ns + 5;
        sp.metadata = doc;
        sp.metadata_len = strlen(doc);
        assert_int_equal(writer_put(w, &sp, &err), 0);
    }
}

/* One filter setting: -1 = no filter, else the value index it requires. */
struct model_filter {
    int document, commit, experiment, deployment, project;
    int64_t from, to;
    int mode;      /* 0 all, 1 except, 2 partial */
    unsigned pick; /* which spans the key set holds: (i * 7 + pick) % 5 == 0 */
    int conversation; /* partial: also select this conversation, or -1 */
};

static int model_picked(const struct model_filter *f, int i)
{
    return ((unsigned)i * 7u + f->pick) % 5u == 0;
}

/* Keys name (trace, id) pairs: a pair is in the set if any copy is. */
static int model_keyed(const struct model_filter *f, int i)
{
    int j;

    for (j = 0; j < N_MODEL; j++)
        if (model_picked(f, j) && !strcmp(model[j].trace, model[i].trace) &&
            !strcmp(model[j].id, model[i].id))
            return 1;
    return 0;
}

static int model_match(const struct model_filter *f, int i)
{
    const struct model_span *m = &model[i];

    if ((f->document >= 0 && m->document != f->document) ||
        (f->commit >= 0 && m->commit != f->commit) ||
        (f->experiment >= 0 && m->experiment != f->experiment) ||
        (f->deployment >= 0 && m->deployment != f->deployment) ||
        (f->project >= 0 && m->project != f->project) ||
        m->started_ns < f->from || m->started_ns > f->to)
        return 0;
    if (f->mode == 1)
        return !model_keyed(f, i);
    if (f->mode == 2)
        return model_keyed(f, i) ||
               (f->conversation > 0 && m->conversation == f->conversation);
    return 1;
}

/* The last of duplicate (trace, id) pairs is what the store holds. */
static int model_is_stored(int i)
{
    int j;

    for (j = i + 1; j < N_MODEL; j++)
        if (!strcmp(model[j].trace, model[i].trace) &&
            !strcmp(model[j].id, model[i].id))
            return 0;
    return 1;
}

static int model_cmp(const void *a, const void *b)
{
    const struct model_span *x = &model[*(const int *)a];
    const struct model_span *y = &model[*(const int *)b];
    int c;

    if (x->started_ns != y->started_ns)
        return x->started_ns < y->started_ns ? 1 : -1;
    c = strcmp(y->id, x->id);
    return c ? c : strcmp(y->trace, x->trace);
}

/* A replaced prompt span keeps the completions of its earlier copies. */
static int model_has_row(int i)
{
    int j;

    for (j = 0; j <= i; j++)
        if (model[j].has_row && !strcmp(model[j].trace, model[i].trace) &&
            !strcmp(model[j].id, model[i].id))
            return 1;
    return 0;
}

static void model_expect(const struct model_filter *f, struct sp_buf *out)
{
    int idx[N_MODEL], n = 0, i;

    for (i = 0; i < N_MODEL; i++)
        if (model_is_stored(i) && model_has_row(i) && model_match(f, i))
            idx[n++] = i;
    qsort(idx, (size_t)n, sizeof(idx[0]), model_cmp);
    sp_buf_reset(out);
    for (i = 0; i < n; i++)
        sp_buf_printf(out, "%s:%s|m\n", model[idx[i]].trace, model[idx[i]].id);
}

static char *json_list(int value, int as_int)
{
    char *p = malloc(64);

    if (as_int)
        snprintf(p, 64, "[%d]", value);
    else
        snprintf(p, 64, "[\"%s\"]", uuids[value]);
    return p;
}

static char *model_keys(const struct model_filter *f)
{
    struct sp_buf b;
    int i;

    sp_buf_init(&b, 0);
    sp_buf_addc(&b, '[');
    for (i = 0; i < N_MODEL; i++)
        if (model_picked(f, i))
            sp_buf_printf(&b, "%s\"%s:%s\"", b.len > 1 ? "," : "",
                          model[i].trace, model[i].id);
    sp_buf_addc(&b, ']');
    return sp_buf_take(&b);
}

static void model_run(const struct model_filter *f)
{
    struct export_request req = request();
    struct sp_buf want;
    char *lists[5] = {0};
    char conv[64];

    req.mode = f->mode == 0   ? EXPORT_ALL
               : f->mode == 1 ? EXPORT_ALL_EXCEPT
                              : EXPORT_PARTIAL;
    if (f->document > 0)
        req.document_uuid = uuids[f->document];
    if (f->commit > 0)
        req.commits_json = lists[0] = json_list(f->commit, 0);
    if (f->experiment > 0)
        req.experiments_json = lists[1] = json_list(f->experiment, 0);
    if (f->deployment > 0)
        req.test_deployments_json = lists[2] = json_list(f->deployment, 1);
    if (f->project > 0) {
        req.has_project = 1;
        req.project_id = 6 + f->project;
    }
    req.from_ns = f->from;
    req.to_ns = f->to;
    if (f->mode > 0)
        req.keys_json = lists[3] = model_keys(f);
    if (f->mode == 2 && f->conversation > 0) {
        snprintf(conv, sizeof(conv), "[\"%s\"]", uuids[f->conversation]);
        req.conversations_json = conv;
    }
    req.page_size = 7; /* many pages, many boundaries */
    run(&req);
    sp_buf_init(&want, 0);
    model_expect(f, &want);
    if (strcmp(sp_buf_str(&want), sp_buf_str(&captured)) != 0)
        fail_msg("mode %d doc %d commit %d exp %d dep %d proj %d "
                 "from %lld to %lld conv %d:\nwant\n%s\ngot\n%s",
                 f->mode, f->document, f->commit, f->experiment, f->deployment,
                 f->project, (long long)f->from, (long long)f->to,
                 f->conversation, sp_buf_str(&want), sp_buf_str(&captured));
    sp_buf_free(&want);
    for (int i = 0; i < 5; i++)
        free(lists[i]);
}

/* A filter index of -1 means "not given": the model's own value 0 stands
 * for NULL, which no filter matches. */
static void every_mode_and_filter_matches_the_model(void **state)
{
    static const int64_t bounds[][2] = {{INT64_MIN, INT64_MAX},
                                        {1010000, INT64_MAX},
                                        {INT64_MIN, 1020000},
                                        {1010000, 1010000},
                                        {1005000, 1030000}};
    struct model_filter f;
    int mode, which, value, b;

    (void)state;
    build_model();
    for (mode = 0; mode < 3; mode++) {
        for (which = 0; which < 5; which++) {
            for (value = 1; value <= 2; value++) {
                for (b = 0; b < 5; b++) {
                    f = (struct model_filter){-1,
                                              -1,
                                              -1,
                                              -1,
                                              -1,
                                              bounds[b][0],
                                              bounds[b][1],
                                              mode,
                                              (unsigned)value,
                                              -1};
                    int *slot[] = {&f.document, &f.commit, &f.experiment,
                                   &f.deployment, &f.project};
                    *slot[which] = value;
                    f.conversation = mode == 2 && b % 2 ? value : -1;
                    model_run(&f);
                }
            }
        }
        f = (struct model_filter){
            1, 2, 1, 1, 2, INT64_MIN, INT64_MAX, mode, 3, mode == 2 ? 3 : -1};
        model_run(&f);
        f = (struct model_filter){-1,        -1,        -1,   -1, -1,
                                  INT64_MIN, INT64_MAX, mode, 4,  -1};
        model_run(&f);
    }
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(every_page_query_uses_an_index_and_no_sort),
        T(enrichment_walks_children_by_index),
        T(pages_through_a_tie_group_without_loss_or_repeat),
        T(exports_of_0_1_500_and_501_rows),
        T(latest_completion_by_started_at_then_id_is_chosen),
        T(completion_under_a_tool_span_belongs_to_the_prompt),
        T(nested_prompt_owns_its_own_completions),
        T(parent_cycle_ends_the_walk),
        T(other_workspaces_spans_do_not_count),
        T(each_skip_rule_is_counted),
        T(every_mode_and_filter_matches_the_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
#undef T
}

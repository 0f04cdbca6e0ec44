/* tests/unit/test_export_model.c: every mode x filter, exported in pages of
 * 7, against a brute-force model of the same spans; no single rule alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_fixture.h"

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
        efx_hex(m->trace, 32, (seed >> 8) % 23 + 1);
        efx_hex(m->id, 16, (unsigned long long)i % 97 + 1);
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
        if (writer_put(efx_writer, &sp, &err) !=
            0) /* duplicate (trace, id) pairs */
            fail_msg("%s", err.msg);
        if (!m->has_row)
            continue;
        snprintf(doc, sizeof(doc), EFX_DOC_OK, "m");
        span_clear(&sp);
        memcpy(sp.trace_id, m->trace, 33);
        efx_hex(sp.id, 16, 0xc000000000ull + (unsigned long long)i);
        memcpy(sp.parent_id, m->id, 17);
        sp.type = "completion";
        sp.workspace_id = 1;
        sp.started_at_ns = m->started_ns + 5;
        sp.metadata = doc;
        sp.metadata_len = strlen(doc);
        assert_int_equal(writer_put(efx_writer, &sp, &err), 0);
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
    struct export_request req = efx_request();
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
    efx_run(&req);
    sp_buf_init(&want, 0);
    model_expect(f, &want);
    if (strcmp(sp_buf_str(&want), sp_buf_str(&efx_captured)) != 0)
        fail_msg("mode %d doc %d commit %d exp %d dep %d proj %d "
                 "from %lld to %lld conv %d:\nwant\n%s\ngot\n%s",
                 f->mode, f->document, f->commit, f->experiment, f->deployment,
                 f->project, (long long)f->from, (long long)f->to,
                 f->conversation, sp_buf_str(&want), sp_buf_str(&efx_captured));
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
#define T(f) cmocka_unit_test_setup_teardown(f, efx_setup, efx_teardown)
    const struct CMUnitTest tests[] = {
        T(every_mode_and_filter_matches_the_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
#undef T
}

/* tests/unit/test_import_bulk.c: the writer's bulk load (indexes dropped and
 * built again, rollback journal on a new store) against its row-by-row path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "import/writer.h"

/* Inserts beyond which a file into a near-empty store turns bulk
 * (BULK_MIN_SPANS in writer.c): A, B and C come first before it and again
 * after it, D twice after it. */
#define BULK_MIN 10000

static void span_at(struct sp_span *sp, int64_t ws, unsigned n,
                    const char *name, const char *doc)
{
    span_clear(sp);
    snprintf(sp->trace_id, sizeof(sp->trace_id), "%032x", n / 4 + 1);
    snprintf(sp->id, sizeof(sp->id), "%016x", n + 1);
    if (n % 4)
        snprintf(sp->parent_id, sizeof(sp->parent_id), "%016x", n);
    sp->type = n % 4 ? "completion" : "prompt";
    sp->workspace_id = ws;
    sp->started_at_ns = 1768471200000000000 + (int64_t)n * 1000;
    sp->ended_at_ns = sp->started_at_ns + 5;
    sp->name = name;
    sp->document_uuid = n % 3 ? "5F1C0000-0000-4000-8000-000000000001" : NULL;
    sp->tokens_prompt.value = n;
    sp->tokens_prompt.is_set = 1;
    sp->metadata = doc;
    sp->metadata_len = doc ? strlen(doc) : 0;
}

static void put(struct writer *w, int64_t ws, unsigned n, const char *name,
                const char *doc)
{
    struct sp_span sp;
    struct sp_err err = {0};

    span_at(&sp, ws, n, name, doc);
    assert_int_equal(writer_put(w, &sp, &err), 0);
}

/* The keys that come more than once, by span number. */
enum { KEY_A = 3, KEY_B = 7, KEY_C = 9, KEY_D = 11, KEY_P = 1000000 };

struct load {
    unsigned fillers;            /* spans of workspace 2 stored first */
    int with_prior;              /* KEY_P stored first too, with metadata */
    unsigned unique;             /* distinct spans of the file under test */
    struct writer_counts counts; /* of the file under test */
    char indexes_midway[8];      /* indexes of spans after the unique spans */
};

/* Stores the fillers (and P) in one file, then the file under test: its
 * unique spans with A, B, C repeated around them (and P again). */
static void run_load(struct fx *f, struct load *l)
{
    struct writer *w;
    struct sp_err err = {0};
    unsigned i;

    assert_int_equal(writer_new(&w, f->st, &err), 0);
    if (l->fillers || l->with_prior) {
        assert_int_equal(writer_begin(w, "fillers", "test", &err), 0);
        for (i = 0; i < l->fillers; i++)
            put(w, 2, 2000000 + i, "filler", "{\"f\":1}");
        if (l->with_prior)
            put(w, 1, KEY_P, "p-first", "{\"p\":0}");
        assert_int_equal(writer_commit(w, &err), 0);
    }
    assert_int_equal(writer_begin(w, "file", "test", &err), 0);
    put(w, 1, KEY_A, "a-first", "{\"a\":1}");
    put(w, 1, KEY_B, "b-first", "{\"b\":1}");
    put(w, 1, KEY_C, "c-first", NULL);
    for (i = 0; i < l->unique; i++)
        if (i != KEY_A && i != KEY_B && i != KEY_C && i != KEY_D)
            put(w, 1, i, "unique", i % 2 ? "{\"u\":true}" : NULL);
    writer_counts(w, &l->counts); /* waits until the queued spans are put */
    snprintf(l->indexes_midway, sizeof(l->indexes_midway), "%s",
             fx_query(f, "SELECT count(*) FROM sqlite_schema WHERE type ="
                         " 'index' AND tbl_name = 'spans'"));
    put(w, 1, KEY_B, "b-second", "{\"b\":2}");
    put(w, 1, KEY_A, "a-last", NULL);
    put(w, 1, KEY_B, "b-last", NULL);
    put(w, 1, KEY_C, "c-last", "{\"c\":2}");
    put(w, 1, KEY_D, "d-first", "{\"d\":1}");
    put(w, 1, KEY_D, "d-last", NULL);
    if (l->with_prior)
        put(w, 1, KEY_P, "p-last", NULL);
    if (writer_commit(w, &err) != 0)
        fail_msg("commit: %s", err.msg);
    writer_counts(w, &l->counts);
    writer_free(w);
}

/* Every column and the metadata of workspace 1, in key order, as text;
 * import_seq as "this file" or "before". */
static char *snapshot(struct fx *f)
{
    static const char sql[] =
        "SELECT group_concat(line, char(10)) FROM (SELECT quote(s.trace_id)"
        " || '|' || quote(s.id) || '|' || quote(s.parent_id) || '|' ||"
        " quote(s.workspace_id) || '|' || quote(s.document_uuid) || '|' ||"
        " quote(s.name) || '|' || quote(s.type) || '|' ||"
        " quote(s.started_at_ns) || '|' || quote(s.ended_at_ns) || '|' ||"
        " quote(s.tokens_prompt) || '|' ||"
        " CASE WHEN s.import_seq = (SELECT max(seq) FROM imports)"
        " THEN 'this file' ELSE 'before' END || '|' || quote(m.doc) AS line"
        " FROM spans s LEFT JOIN span_metadata m ON m.span_rowid = s.rowid"
        " WHERE s.workspace_id = 1 ORDER BY s.trace_id, s.id)";

    return strdup(fx_query(f, sql));
}

static void assert_store_sound(struct fx *f)
{
    assert_string_equal(fx_query(f, "PRAGMA integrity_check"), "ok");
    assert_string_equal(fx_query(f, "PRAGMA journal_mode"), "wal");
    /* The indexes of a store made from the schema, with the same SQL. */
    assert_string_equal(
        fx_query(f, "SELECT group_concat(name, ',') FROM (SELECT name FROM"
                    " sqlite_schema WHERE type = 'index' AND tbl_name ="
                    " 'spans' ORDER BY name)"),
        "spans_children,spans_conversation,spans_document_page,spans_key,"
        "spans_page,spans_time");
    assert_string_equal(fx_query(f, "SELECT count(*) FROM sqlite_temp_schema"),
                        "0");
}

/* Each repeated key: the columns of its last record, the metadata of its
 * last record that had any; P also keeps the import that first stored it. */
static void check_the_repeated_keys(struct fx *f, int with_prior)
{
    static const struct {
        unsigned n;
        const char *name, *doc;
    } want[] = {
        {KEY_A, "a-last", "{\"a\":1}"}, {KEY_B, "b-last", "{\"b\":2}"},
        {KEY_C, "c-last", "{\"c\":2}"}, {KEY_D, "d-last", "{\"d\":1}"},
        {KEY_P, "p-last", "{\"p\":0}"},
    };
    char id[17];
    size_t i, n = sizeof(want) / sizeof(want[0]) - !with_prior;

    for (i = 0; i < n; i++) {
        snprintf(id, sizeof(id), "%016x", want[i].n + 1);
        assert_string_equal(fx_col(f, "name", id), want[i].name);
        assert_string_equal(fx_doc(f, id), want[i].doc);
    }
    if (with_prior)
        assert_string_equal(fx_col(f, "import_seq", id),
                            fx_query(f, "SELECT min(seq) FROM imports"));
}

/* Runs the same load twice, once bulk (`bulk`) and once row by row (many
 * fillers keep the file under the bulk threshold), and compares. */
static void same_as_row_by_row(struct fx *f, struct load *bulk)
{
    struct fx *g;
    struct load row = *bulk;
    char *a, *b;

    row.fillers = 2 * (bulk->unique + BULK_MIN);
    assert_int_equal(fx_setup((void **)&g), 0);
    run_load(g, &row);
    run_load(f, bulk);
    a = snapshot(f);
    b = snapshot(g);
    assert_string_equal(a, b);
    assert_int_equal(bulk->counts.inserted, row.counts.inserted);
    assert_int_equal(bulk->counts.replaced, row.counts.replaced);
    assert_string_equal(bulk->indexes_midway, "0"); /* dropped: bulk */
    assert_string_equal(row.indexes_midway, "6");
    assert_store_sound(f);
    assert_store_sound(g);
    free(a);
    free(b);
    fx_teardown((void **)&g);
}

static void
new_store_loads_in_bulk_like_row_by_row_duplicates_included(void **state)
{
    struct fx *f = *state;
    struct load l = {.unique = BULK_MIN + 50};

    same_as_row_by_row(f, &l);
    assert_int_equal(l.counts.inserted, BULK_MIN + 50);
    assert_int_equal(l.counts.replaced, 5); /* A, B twice, C, D */
    check_the_repeated_keys(f, 0);
}

static void file_turning_bulk_midway_keeps_every_replacement(void **state)
{
    struct fx *f = *state;
    struct load l = {.fillers = 5, .with_prior = 1, .unique = BULK_MIN + 500};

    same_as_row_by_row(f, &l);
    assert_int_equal(l.counts.inserted, BULK_MIN + 500);
    assert_int_equal(l.counts.replaced, 6); /* and P, stored before */
    check_the_repeated_keys(f, 1);
    assert_int_equal(fx_count(f, "WHERE workspace_id = 2"), 5);
}

static void
rolled_back_bulk_load_leaves_store_and_indexes_as_before(void **state)
{
    struct fx *f = *state;
    struct writer_counts counts;
    struct writer *w;
    struct sp_err err = {0};
    unsigned i;

    assert_int_equal(writer_new(&w, f->st, &err), 0);
    assert_int_equal(writer_begin(w, "file", "test", &err), 0);
    assert_string_equal(fx_query(f, "PRAGMA journal_mode"), "delete");
    for (i = 0; i < BULK_MIN + 100; i++)
        put(w, 1, i, "gone", NULL);
    writer_counts(w, &counts); /* the store's thread is done with them */
    assert_string_equal(fx_query(f, "SELECT count(*) FROM sqlite_schema WHERE"
                                    " type = 'index' AND tbl_name = 'spans'"),
                        "0");
    writer_rollback(w);
    writer_free(w);
    assert_int_equal(fx_count(f, ""), 0);
    assert_string_equal(fx_query(f, "SELECT count(*) FROM imports"), "0");
    assert_store_sound(f);
}

/* A reader on the store keeps it in WAL mode: the import does not lock
 * it out, and the bulk threshold still applies. */
static void store_open_elsewhere_stays_in_wal_mode_for_an_import(void **state)
{
    struct fx *f = *state;
    struct store *other;
    struct writer *w;
    struct sp_err err = {0};
    char db[128];

    snprintf(db, sizeof(db), "%s/store.db", f->dir);
    assert_int_equal(store_open(&other, db, STORE_READONLY, &err), 0);
    assert_int_equal(writer_new(&w, f->st, &err), 0);
    assert_int_equal(writer_begin(w, "file", "test", &err), 0);
    assert_string_equal(fx_query(f, "PRAGMA journal_mode"), "wal");
    put(w, 1, 0, "seen after commit", NULL);
    assert_int_equal(writer_commit(w, &err), 0);
    writer_free(w);
    assert_int_equal(
        sqlite3_exec(other->db, "SELECT count(*) FROM spans", NULL, NULL, NULL),
        SQLITE_OK);
    store_close(other);
    assert_int_equal(fx_count(f, ""), 1);
    assert_store_sound(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            new_store_loads_in_bulk_like_row_by_row_duplicates_included,
            fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(
            file_turning_bulk_midway_keeps_every_replacement, fx_setup,
            fx_teardown),
        cmocka_unit_test_setup_teardown(
            rolled_back_bulk_load_leaves_store_and_indexes_as_before, fx_setup,
            fx_teardown),
        cmocka_unit_test_setup_teardown(
            store_open_elsewhere_stays_in_wal_mode_for_an_import, fx_setup,
            fx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

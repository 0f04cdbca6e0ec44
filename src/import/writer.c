/* import/writer.c: puts spans and their metadata into the store, one
 * transaction per file, row by row or as a bulk load, counting inserts and
 * replacements. Knows the store schema; nothing of any dump format.
 * During a file the statements run on the thread of a span_queue: from
 * writer_begin to commit or rollback, only that thread uses the store. */
#include "import/writer.h"

#include <stdlib.h>
#include <string.h>

#include "import/span_queue.h"
#include "store.h"
#include "util/hex.h"
#include "util/time.h"

/* The span columns, bound as ?1..?30 in this order by bind_span. */
#define SPAN_COLUMNS                                                           \
    "trace_id, id, parent_id, previous_trace_id, workspace_id, api_key_id,"    \
    " project_id, test_deployment_id, document_uuid, commit_uuid,"             \
    " experiment_uuid, document_log_uuid, name, kind, type, status, message,"  \
    " source, duration_ms, started_at_ns, ended_at_ns, tokens_prompt,"         \
    " tokens_cached, tokens_reasoning, tokens_completion, model, cost,"        \
    " provider, created_at, updated_at"

static const char SQL_INSERT[] =
    "INSERT OR IGNORE INTO spans (" SPAN_COLUMNS ", import_seq) VALUES"
    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, lower(?9), lower(?10), lower(?11),"
    " lower(?12), ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23,"
    " ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31)";

/* A replacement keeps import_seq: the span existed before this import. */
static const char SQL_UPDATE[] =
    "UPDATE spans SET parent_id = ?3, previous_trace_id = ?4,"
    " workspace_id = ?5, api_key_id = ?6, project_id = ?7,"
    " test_deployment_id = ?8, document_uuid = lower(?9),"
    " commit_uuid = lower(?10), experiment_uuid = lower(?11),"
    " document_log_uuid = lower(?12), name = ?13, kind = ?14, type = ?15,"
    " status = ?16, message = ?17, source = ?18, duration_ms = ?19,"
    " started_at_ns = ?20, ended_at_ns = ?21, tokens_prompt = ?22,"
    " tokens_cached = ?23, tokens_reasoning = ?24, tokens_completion = ?25,"
    " model = ?26, cost = ?27, provider = ?28, created_at = ?29,"
    " updated_at = ?30 WHERE trace_id = ?1 AND id = ?2 RETURNING rowid";

static const char SQL_PUT_METADATA[] =
    "INSERT INTO span_metadata (span_rowid, doc) VALUES (?1, ?2)"
    " ON CONFLICT (span_rowid) DO UPDATE SET doc = excluded.doc";

static const char SQL_LOG_IMPORT[] =
    "INSERT INTO imports (path, format, started_at_ns) VALUES (?1, ?2, ?3)";

static const char SQL_LOG_COUNTS[] =
    "UPDATE imports SET inserted = ?2, replaced = ?3 WHERE seq = ?1";

static const char SQL_LAST_ROWID[] = "SELECT max(rowid) FROM spans";

/* Bulk load. Inserting into the six indexes of spans in the dump's order
 * touches pages all over the file once the store outgrows the page cache,
 * and each of them is written again at every spill; building an index
 * afterwards is one sort. So once a file has inserted more spans than the
 * store held before it (and at least BULK_MIN_SPANS), the writer drops the
 * indexes of spans inside the file's transaction, appends, and builds them
 * again before committing: DDL is transactional, a rollback brings them
 * back. The unique key is built first; if it finds duplicates they are
 * resolved as the row-by-row path would have: the first row stays, with
 * the columns of the last and the metadata of the last that had any. */
#define BULK_MIN_SPANS 10000

/* The unique key first: it is the one that may fail. */
static const char SQL_SPANS_INDEXES[] =
    "SELECT name, sql FROM sqlite_schema WHERE type = 'index'"
    " AND tbl_name = 'spans' AND sql IS NOT NULL"
    " ORDER BY sql LIKE 'CREATE UNIQUE %' DESC, rowid";

static const char SQL_RESOLVE_DUPLICATES[] =
    "CREATE INDEX spans_bulk_key ON spans (trace_id, id);"
    "CREATE TEMP TABLE bulk_keys AS SELECT trace_id, id FROM spans"
    " GROUP BY trace_id, id HAVING count(*) > 1;"
    "CREATE TEMP TABLE bulk_groups AS SELECT min(s.rowid) AS keep,"
    " max(s.rowid) AS last,"
    " max(CASE WHEN m.span_rowid IS NOT NULL THEN s.rowid END) AS meta_from"
    " FROM temp.bulk_keys k JOIN spans s USING (trace_id, id)"
    " LEFT JOIN span_metadata m ON m.span_rowid = s.rowid GROUP BY k.rowid;"
    "UPDATE spans SET (" SPAN_COLUMNS ") = (SELECT " SPAN_COLUMNS
    " FROM spans AS l WHERE l.rowid = g.last) FROM temp.bulk_groups g"
    " WHERE spans.rowid = g.keep AND g.last <> g.keep;"
    "INSERT INTO span_metadata (span_rowid, doc) SELECT g.keep, m.doc"
    " FROM temp.bulk_groups g JOIN span_metadata m"
    " ON m.span_rowid = g.meta_from WHERE g.meta_from <> g.keep"
    " ON CONFLICT (span_rowid) DO UPDATE SET doc = excluded.doc;"
    "CREATE TEMP TABLE bulk_drop AS SELECT s.rowid AS rid"
    " FROM temp.bulk_keys k JOIN spans s USING (trace_id, id)"
    " WHERE s.rowid NOT IN (SELECT keep FROM temp.bulk_groups);"
    "DELETE FROM span_metadata WHERE span_rowid IN"
    " (SELECT rid FROM temp.bulk_drop);"
    "DELETE FROM spans WHERE rowid IN (SELECT rid FROM temp.bulk_drop);";

static const char SQL_COUNT_DROPPED[] = "SELECT count(*) FROM temp.bulk_drop";

static const char SQL_RESOLVED[] =
    "DROP TABLE temp.bulk_drop; DROP TABLE temp.bulk_groups;"
    " DROP TABLE temp.bulk_keys; DROP INDEX spans_bulk_key;";

struct writer {
    struct store *st;
    sqlite3_stmt *insert, *update, *put_metadata, *log_import, *log_counts;
    int64_t seq; /* this file's row in imports */
    struct writer_counts counts;
    uint64_t bulk_after; /* inserts of this file that make it a bulk load */
    struct bulk_index {
        char *name, *create; /* sqlite3_malloc'd */
    } * indexes;             /* n_indexes dropped indexes, while bulk */
    size_t n_indexes;
    int is_bulk;      /* the indexes of spans are dropped until commit */
    int is_exclusive; /* the store is out of WAL mode for this file */
    struct span_queue *queue; /* during a file; NULL: puts run here */
};

void span_clear(struct sp_span *s)
{
    memset(s, 0, sizeof(*s));
}

int writer_new(struct writer **out, struct store *st, struct sp_err *err)
{
    struct writer *w = calloc(1, sizeof(*w));

    *out = NULL;
    if (!w)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    w->st = st;
    if (store_prepare(st, &w->insert, SQL_INSERT, err) != 0 ||
        store_prepare(st, &w->update, SQL_UPDATE, err) != 0 ||
        store_prepare(st, &w->put_metadata, SQL_PUT_METADATA, err) != 0 ||
        store_prepare(st, &w->log_import, SQL_LOG_IMPORT, err) != 0 ||
        store_prepare(st, &w->log_counts, SQL_LOG_COUNTS, err) != 0) {
        writer_free(w);
        return -1;
    }
    *out = w;
    return 0;
}

static void free_indexes(struct writer *w)
{
    size_t i;

    for (i = 0; i < w->n_indexes; i++) {
        sqlite3_free(w->indexes[i].name);
        sqlite3_free(w->indexes[i].create);
    }
    free(w->indexes);
    w->indexes = NULL;
    w->n_indexes = 0;
    w->is_bulk = 0;
}

void writer_free(struct writer *w)
{
    if (!w)
        return;
    span_queue_stop(w->queue, 1);
    free_indexes(w);
    sqlite3_finalize(w->insert);
    sqlite3_finalize(w->update);
    sqlite3_finalize(w->put_metadata);
    sqlite3_finalize(w->log_import);
    sqlite3_finalize(w->log_counts);
    free(w);
}

static int last_rowid(struct writer *w, int64_t *out, struct sp_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc;

    if (store_prepare(w->st, &s, SQL_LAST_ROWID, err) != 0)
        return -1;
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0); /* NULL (empty) reads as 0 */
    else
        store_fail(w->st, err, "counting the stored spans");
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* Saves the CREATE statements of the indexes of spans, then drops them
 * (not while the schema is being read: that locks it). */
static int bulk_start(struct writer *w, struct sp_err *err)
{
    sqlite3_stmt *s = NULL;
    size_t i;
    int rc;

    if (store_prepare(w->st, &s, SQL_SPANS_INDEXES, err) != 0)
        return -1;
    w->is_bulk = 1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct bulk_index *grown =
            realloc(w->indexes, (w->n_indexes + 1) * sizeof(*w->indexes));

        if (!grown)
            break;
        w->indexes = grown;
        grown[w->n_indexes].name =
            sqlite3_mprintf("%s", sqlite3_column_text(s, 0));
        grown[w->n_indexes].create =
            sqlite3_mprintf("%s", sqlite3_column_text(s, 1));
        w->n_indexes++;
        if (!grown[w->n_indexes - 1].name || !grown[w->n_indexes - 1].create)
            break;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    for (i = 0; i < w->n_indexes; i++) {
        char *drop = sqlite3_mprintf("DROP INDEX \"%w\"", w->indexes[i].name);

        rc = drop ? store_exec(w->st, drop, err)
                  : sp_err_set(err, SP_ENOMEM, "out of memory");
        sqlite3_free(drop);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int resolve_duplicates(struct writer *w, struct sp_err *err)
{
    sqlite3_stmt *s = NULL;
    int64_t dropped = -1;

    if (store_exec(w->st, SQL_RESOLVE_DUPLICATES, err) != 0 ||
        store_prepare(w->st, &s, SQL_COUNT_DROPPED, err) != 0)
        return -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        dropped = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (dropped < 0)
        return store_fail(w->st, err, "resolving duplicate spans");
    /* Each dropped row was counted as an insert; it replaced its key. */
    w->counts.inserted -= (uint64_t)dropped;
    w->counts.replaced += (uint64_t)dropped;
    return store_exec(w->st, SQL_RESOLVED, err);
}

/* Builds the dropped indexes again, the unique key first. (SQLite's
 * sorter threads, PRAGMA threads, would save a tenth of a large import
 * but keep memory growing with the dump: one more merge buffer per run.) */
static int bulk_finish(struct writer *w, struct sp_err *err)
{
    size_t i;

    for (i = 0; i < w->n_indexes; i++) {
        const char *create = w->indexes[i].create;
        int rc = sqlite3_exec(w->st->db, create, NULL, NULL, NULL);

        if ((rc & 0xff) == SQLITE_CONSTRAINT) { /* duplicate keys */
            if (resolve_duplicates(w, err) != 0)
                return -1;
            rc = sqlite3_exec(w->st->db, create, NULL, NULL, NULL);
        }
        if (rc != SQLITE_OK)
            return store_fail(w->st, err, "building the span indexes");
    }
    free_indexes(w);
    return 0;
}

static int put_now(void *arg, const struct sp_span *sp, struct sp_err *err);

/* An empty store that no one else has open is loaded with a rollback
 * journal (store_take_exclusive). */
int writer_begin(struct writer *w, const char *path, const char *format,
                 struct sp_err *err)
{
    sqlite3_stmt *s = w->log_import;
    int64_t stored = 0;

    memset(&w->counts, 0, sizeof(w->counts));
    free_indexes(w);
    w->is_exclusive = 0;
    if (last_rowid(w, &stored, err) != 0)
        return -1;
    if (stored == 0) {
        w->is_exclusive = store_take_exclusive(w->st, err);
        if (w->is_exclusive < 0)
            return -1;
    }
    w->bulk_after = stored > BULK_MIN_SPANS ? (uint64_t)stored : BULK_MIN_SPANS;
    if (store_begin(w->st, err) != 0) {
        writer_rollback(w);
        return -1;
    }
    sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, format, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, sp_time_now_ns());
    if (store_step_done(w->st, s, err, "recording the import") != 0) {
        writer_rollback(w);
        return -1;
    }
    w->seq = sqlite3_last_insert_rowid(w->st->db);
    if (span_queue_start(&w->queue, put_now, w, err) != 0)
        w->queue = NULL; /* no thread: the reader's thread puts */
    return 0;
}

/* Ends the file's queue once every span is put; -1 if a put failed. */
static int finish_queue(struct writer *w, struct sp_err *err)
{
    int rc = w->queue ? span_queue_drain(w->queue, err) : 0;

    span_queue_stop(w->queue, 0);
    w->queue = NULL;
    return rc;
}

int writer_commit(struct writer *w, struct sp_err *err)
{
    sqlite3_stmt *s = w->log_counts;

    if (finish_queue(w, err) != 0) {
        writer_rollback(w);
        return -1;
    }
    if (w->is_bulk && bulk_finish(w, err) != 0) {
        writer_rollback(w);
        return -1;
    }
    sqlite3_bind_int64(s, 1, w->seq);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)w->counts.inserted);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)w->counts.replaced);
    if (store_step_done(w->st, s, err, "recording the import") != 0 ||
        store_commit(w->st, err) != 0) {
        writer_rollback(w);
        return -1;
    }
    if (w->is_exclusive) {
        w->is_exclusive = 0;
        return store_share(w->st, err);
    }
    return 0;
}

void writer_rollback(struct writer *w)
{
    struct sp_err ignored = {0};

    span_queue_stop(w->queue, 1);
    w->queue = NULL;
    store_rollback(w->st);
    free_indexes(w); /* the rollback brought the indexes back */
    if (w->is_exclusive)
        store_share(w->st, &ignored); /* the next store_open does it too */
    w->is_exclusive = 0;
}

void writer_counts(struct writer *w, struct writer_counts *out)
{
    struct sp_err ignored = {0};

    if (w->queue) /* a failed put shows at commit */
        span_queue_drain(w->queue, &ignored);
    *out = w->counts;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

static void bind_opt(sqlite3_stmt *s, int i, const struct sp_opt_int *v)
{
    if (v->is_set)
        sqlite3_bind_int64(s, i, v->value);
    else
        sqlite3_bind_null(s, i);
}

static void bind_span(sqlite3_stmt *s, const struct sp_span *sp)
{
    sqlite3_bind_text(s, 1, sp->trace_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, sp->id, -1, SQLITE_STATIC);
    bind_text(s, 3, sp->parent_id[0] ? sp->parent_id : NULL);
    bind_text(s, 4, sp->previous_trace_id[0] ? sp->previous_trace_id : NULL);
    sqlite3_bind_int64(s, 5, sp->workspace_id);
    bind_opt(s, 6, &sp->api_key_id);
    bind_opt(s, 7, &sp->project_id);
    bind_opt(s, 8, &sp->test_deployment_id);
    bind_text(s, 9, sp->document_uuid);
    bind_text(s, 10, sp->commit_uuid);
    bind_text(s, 11, sp->experiment_uuid);
    bind_text(s, 12, sp->document_log_uuid);
    bind_text(s, 13, sp->name);
    bind_text(s, 14, sp->kind);
    bind_text(s, 15, sp->type);
    bind_text(s, 16, sp->status);
    bind_text(s, 17, sp->message);
    bind_text(s, 18, sp->source);
    bind_opt(s, 19, &sp->duration_ms);
    sqlite3_bind_int64(s, 20, sp->started_at_ns);
    sqlite3_bind_int64(s, 21, sp->ended_at_ns);
    bind_opt(s, 22, &sp->tokens_prompt);
    bind_opt(s, 23, &sp->tokens_cached);
    bind_opt(s, 24, &sp->tokens_reasoning);
    bind_opt(s, 25, &sp->tokens_completion);
    bind_text(s, 26, sp->model);
    bind_opt(s, 27, &sp->cost);
    bind_text(s, 28, sp->provider);
    bind_text(s, 29, sp->created_at);
    bind_text(s, 30, sp->updated_at);
}

static int check_span(const struct sp_span *s, struct sp_err *err)
{
    if (strlen(s->trace_id) != 32 || !sp_hex_is_valid(s->trace_id, 32) ||
        strlen(s->id) != 16 || !sp_hex_is_valid(s->id, 16) || !s->type)
        return sp_err_set(err, SP_EINPUT,
                          "span %s:%s has no valid ids or no type", s->trace_id,
                          s->id);
    return 0;
}

/* Inserts, or replaces the span stored under the same (trace_id, id);
 * sets *rowid. */
static int put_row(struct writer *w, const struct sp_span *sp,
                   sqlite3_int64 *rowid, struct sp_err *err)
{
    sqlite3 *db = w->st->db;
    sqlite3_stmt *s = w->insert;
    int rc;

    bind_span(s, sp);
    sqlite3_bind_int64(s, 31, w->seq);
    if (store_step_done(w->st, s, err, "storing a span") != 0)
        return -1;
    if (sqlite3_changes(db) == 1) {
        *rowid = sqlite3_last_insert_rowid(db);
        w->counts.inserted++;
        if (!w->is_bulk && w->counts.inserted > w->bulk_after)
            return bulk_start(w, err);
        return 0;
    }
    s = w->update;
    bind_span(s, sp);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *rowid = sqlite3_column_int64(s, 0);
    else
        store_fail(w->st, err, "replacing a span");
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_ROW)
        return -1;
    w->counts.replaced++;
    return 0;
}

/* Stores one checked span: the put of the span queue's thread. */
static int put_now(void *arg, const struct sp_span *sp, struct sp_err *err)
{
    struct writer *w = arg;
    sqlite3_int64 rowid = 0;
    sqlite3_stmt *s = w->put_metadata;

    if (put_row(w, sp, &rowid, err) != 0)
        return -1;
    if (!sp->metadata) /* dumps.md: without metadata the stored one stays */
        return 0;
    sqlite3_bind_int64(s, 1, rowid);
    sqlite3_bind_text(s, 2, sp->metadata, (int)sp->metadata_len, SQLITE_STATIC);
    return store_step_done(w->st, s, err, "storing span metadata");
}

int writer_put(struct writer *w, const struct sp_span *sp, struct sp_err *err)
{
    if (check_span(sp, err) != 0)
        return -1;
    return w->queue ? span_queue_push(w->queue, sp, err) : put_now(w, sp, err);
}

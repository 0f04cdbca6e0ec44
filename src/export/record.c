/* export/record.c: the exports table: one row per async export with its
 * request, state, counts, file and error. Knows SQL for that table and the
 * file it names; nothing of how the rows are produced. */
#include "export/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "export/run.h"
#include "jobs.h"
#include "store.h"
#include "util/jsonw.h"
#include "util/time.h"

#define RECORD_COLUMNS                                                         \
    "uuid, state, format, request, path, cutoff_seq, rows, warnings,"          \
    " bytes, sha256, error, attempts, created_at_ns, started_at_ns,"           \
    " finished_at_ns, summary"

void record_free(struct export_record *r)
{
    free(r->request);
    free(r->path);
    free(r->error);
    free(r->summary);
    memset(r, 0, sizeof(*r));
}

static int step_once(struct store *st, sqlite3_stmt *s, const char *what,
                     struct sp_err *err)
{
    int rc = sqlite3_step(s);

    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        store_fail(st, err, what);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

int record_create(struct store *st, const struct export_record *r,
                  struct sp_err *err)
{
    sqlite3_stmt *s;

    if (store_prepare(st, &s,
                      "INSERT INTO exports (uuid, state, format, request, path,"
                      " cutoff_seq, created_at_ns) VALUES (?1, 'queued', ?2,"
                      " ?3, ?4, ?5, ?6)",
                      err) != 0)
        return -1;
    sqlite3_bind_text(s, 1, r->uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, r->format, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, r->request, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, r->path, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, r->cutoff_seq);
    sqlite3_bind_int64(s, 6, r->created_at_ns);
    return step_once(st, s, "recording the export", err);
}

static char *dup_col(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);

    return t ? strdup((const char *)t) : NULL;
}

static int64_t int_col(sqlite3_stmt *s, int i, int64_t null_value)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL
               ? null_value
               : sqlite3_column_int64(s, i);
}

static void read_row(sqlite3_stmt *s, struct export_record *r)
{
    const unsigned char *sha = sqlite3_column_text(s, 9);

    memset(r, 0, sizeof(*r));
    snprintf(r->uuid, sizeof(r->uuid), "%s", sqlite3_column_text(s, 0));
    snprintf(r->state, sizeof(r->state), "%s", sqlite3_column_text(s, 1));
    snprintf(r->format, sizeof(r->format), "%s", sqlite3_column_text(s, 2));
    r->request = dup_col(s, 3);
    r->path = dup_col(s, 4);
    r->cutoff_seq = int_col(s, 5, 0);
    r->rows = int_col(s, 6, -1);
    r->warnings = int_col(s, 7, -1);
    r->bytes = int_col(s, 8, -1);
    snprintf(r->sha256, sizeof(r->sha256), "%s", sha ? (const char *)sha : "");
    r->error = dup_col(s, 10);
    r->attempts = (int)int_col(s, 11, 0);
    r->created_at_ns = int_col(s, 12, 0);
    r->started_at_ns = int_col(s, 13, 0);
    r->finished_at_ns = int_col(s, 14, 0);
    r->summary = dup_col(s, 15);
}

int record_load(struct store *st, const char *uuid, struct export_record *r,
                struct sp_err *err)
{
    sqlite3_stmt *s;
    int rc;

    if (store_prepare(st, &s,
                      "SELECT " RECORD_COLUMNS " FROM exports"
                      " WHERE uuid = lower(?1)",
                      err) != 0)
        return -1;
    sqlite3_bind_text(s, 1, uuid, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        read_row(s, r);
    else if (rc == SQLITE_DONE)
        sp_err_set(err, SP_EUSAGE,
                   "no export %.40s in this store; `spanport exports list` "
                   "shows them",
                   uuid);
    else
        store_fail(st, err, "reading an export");
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : -1;
}

int record_mark_running(struct store *st, const char *uuid, int attempts,
                        struct sp_err *err)
{
    sqlite3_stmt *s;

    if (store_prepare(st, &s,
                      "UPDATE exports SET state = 'running', attempts = ?2,"
                      " started_at_ns = ?3 WHERE uuid = ?1",
                      err) != 0)
        return -1;
    sqlite3_bind_text(s, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, attempts);
    sqlite3_bind_int64(s, 3, sp_time_now_ns());
    return step_once(st, s, "marking the export running", err);
}

int record_mark_ready(struct store *st, const char *uuid,
                      const struct export_stats *stats, const char *sha256,
                      struct sp_err *err)
{
    sqlite3_stmt *s;
    cJSON *summary;
    char *text;

    if (store_prepare(st, &s,
                      "UPDATE exports SET state = 'ready', rows = ?2,"
                      " warnings = ?3, bytes = ?4, sha256 = ?5, error = NULL,"
                      " finished_at_ns = ?6, summary = ?7 WHERE uuid = ?1",
                      err) != 0)
        return -1;
    sqlite3_bind_text(s, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, (sqlite3_int64)stats->rows);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)stats->warnings);
    sqlite3_bind_int64(s, 4, (sqlite3_int64)stats->bytes);
    sqlite3_bind_text(s, 5, sha256, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, sp_time_now_ns());
    summary = export_stats_json(stats);
    text = summary ? cJSON_PrintUnformatted(summary) : NULL;
    sqlite3_bind_text(s, 7, text, -1, SQLITE_TRANSIENT);
    cJSON_free(text);
    cJSON_Delete(summary);
    return step_once(st, s, "marking the export ready", err);
}

int record_mark_failed(struct store *st, const char *uuid, const char *error,
                       int final, struct sp_err *err)
{
    sqlite3_stmt *s;

    if (store_prepare(st, &s,
                      "UPDATE exports SET state = ?2, error = ?3,"
                      " finished_at_ns = CASE WHEN ?2 = 'failed' THEN ?4 END"
                      " WHERE uuid = ?1",
                      err) != 0)
        return -1;
    sqlite3_bind_text(s, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, final ? "failed" : "queued", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, error, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, sp_time_now_ns());
    return step_once(st, s, "marking the export failed", err);
}

int record_cancel(struct store *st, const char *uuid, struct sp_err *err)
{
    if (store_begin(st, err) != 0)
        return -1;
    if (jobs_cancel(st, "export", uuid, err) != 0 ||
        record_mark_state(st, uuid, "cancelled", err) != 0) {
        store_rollback(st);
        return -1;
    }
    return store_commit(st, err);
}

int record_mark_state(struct store *st, const char *uuid, const char *state,
                      struct sp_err *err)
{
    sqlite3_stmt *s;

    if (store_prepare(st, &s, "UPDATE exports SET state = ?2 WHERE uuid = ?1",
                      err) != 0)
        return -1;
    sqlite3_bind_text(s, 1, uuid, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, state, -1, SQLITE_STATIC);
    return step_once(st, s, "changing the export's state", err);
}

int record_requeue(struct store *st, const char *uuid, struct sp_err *err)
{
    sqlite3_stmt *s;

    if (store_prepare(st, &s,
                      "UPDATE exports SET state = 'queued', error = NULL,"
                      " attempts = 0, started_at_ns = NULL,"
                      " finished_at_ns = NULL WHERE uuid = ?1",
                      err) != 0)
        return -1;
    sqlite3_bind_text(s, 1, uuid, -1, SQLITE_STATIC);
    return step_once(st, s, "queueing the export again", err);
}

int record_current_cutoff(struct store *st, int64_t *seq, struct sp_err *err)
{
    sqlite3_stmt *s;
    int rc;

    if (store_prepare(st, &s, "SELECT coalesce(max(seq), 0) FROM imports",
                      err) != 0)
        return -1;
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *seq = sqlite3_column_int64(s, 0);
    else
        store_fail(st, err, "reading the import log");
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : -1;
}

static void add_time(cJSON *o, const char *key, int64_t ns)
{
    char text[SP_TIME_RFC3339_LEN];

    if (ns == 0) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    sp_time_format_rfc3339(ns, text);
    cJSON_AddStringToObject(o, key, text);
}

static void add_count(cJSON *o, const char *key, int64_t n)
{
    if (n < 0)
        cJSON_AddNullToObject(o, key);
    else
        jsonw_add_int(o, key, n);
}

cJSON *record_to_json(const struct export_record *r)
{
    cJSON *o = cJSON_CreateObject();
    int ready = strcmp(r->state, "ready") == 0;

    cJSON_AddStringToObject(o, "uuid", r->uuid);
    cJSON_AddStringToObject(o, "state", r->state);
    cJSON_AddStringToObject(o, "format", r->format);
    add_count(o, "rows", r->rows);
    add_count(o, "warnings", r->warnings);
    add_count(o, "bytes", r->bytes);
    if (ready && r->sha256[0])
        cJSON_AddStringToObject(o, "sha256", r->sha256);
    else
        cJSON_AddNullToObject(o, "sha256");
    cJSON_AddStringToObject(o, "path", r->path ? r->path : "");
    if (r->error)
        cJSON_AddStringToObject(o, "error", r->error);
    else
        cJSON_AddNullToObject(o, "error");
    cJSON_AddNumberToObject(o, "attempts", r->attempts);
    add_time(o, "created_at", r->created_at_ns);
    add_time(o, "started_at", r->started_at_ns);
    add_time(o, "ready_at", ready ? r->finished_at_ns : 0);
    add_time(o, "finished_at", r->finished_at_ns);
    if (r->summary)
        cJSON_AddItemToObject(o, "summary", cJSON_Parse(r->summary));
    cJSON_AddItemToObject(o, "request",
                          r->request ? cJSON_Parse(r->request)
                                     : cJSON_CreateNull());
    return o;
}

int record_each(struct store *st, record_visit_fn fn, void *arg,
                struct sp_err *err)
{
    sqlite3_stmt *s;
    int rc;

    if (store_prepare(st, &s,
                      "SELECT " RECORD_COLUMNS " FROM exports"
                      " ORDER BY created_at_ns DESC, uuid",
                      err) != 0)
        return -1;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct export_record r;

        read_row(s, &r);
        rc = fn(arg, &r);
        record_free(&r);
        if (rc != 0)
            break;
    }
    if (rc != SQLITE_DONE && rc != 0)
        store_fail(st, err, "listing exports");
    sqlite3_finalize(s);
    return rc == SQLITE_DONE || rc == 0 ? 0 : -1;
}

/* The files of the records a prune removes: a ready export's file, when
 * no later export was written to the same path and the file still has the
 * size it was written with (it is not the user's own by now); the
 * temporary files a failed or cancelled one left. Never a file that an
 * export did not write. */
static const char SQL_PRUNED_FILES[] =
    "SELECT e.path, e.state = 'ready' AND e.bytes IS NOT NULL AND NOT EXISTS"
    " (SELECT 1 FROM exports o WHERE o.path = e.path"
    " AND o.created_at_ns > e.created_at_ns), e.bytes"
    " FROM exports e WHERE e.created_at_ns < ?1"
    " AND e.state IN ('ready', 'failed', 'cancelled') AND e.path <> ''";

static void remove_file_of(const char *path, int owns_file, int64_t bytes)
{
    struct stat sb;

    export_clean_temps(path);
    if (owns_file && lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
        sb.st_size == bytes)
        unlink(path); /* a file already gone is fine */
}

int record_prune(struct store *st, int64_t before_ns, int64_t *n_pruned,
                 struct sp_err *err)
{
    sqlite3_stmt *s;
    int rc;

    *n_pruned = 0;
    if (store_begin(st, err) != 0)
        return -1;
    if (store_prepare(st, &s, SQL_PRUNED_FILES, err) != 0)
        goto fail;
    sqlite3_bind_int64(s, 1, before_ns);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW)
        remove_file_of((const char *)sqlite3_column_text(s, 0),
                       sqlite3_column_int(s, 1), sqlite3_column_int64(s, 2));
    if (rc != SQLITE_DONE)
        store_fail(st, err, "pruning exports");
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE || store_prepare(st, &s,
                                           "DELETE FROM exports WHERE"
                                           " created_at_ns < ?1 AND state IN"
                                           " ('ready', 'failed', 'cancelled')",
                                           err) != 0)
        goto fail;
    sqlite3_bind_int64(s, 1, before_ns);
    if (store_step_done(st, s, err, "pruning exports") != 0) {
        sqlite3_finalize(s);
        goto fail;
    }
    *n_pruned = sqlite3_changes(st->db);
    sqlite3_finalize(s);
    if (store_exec(st,
                   "DELETE FROM jobs WHERE kind = 'export' AND ref NOT IN"
                   " (SELECT uuid FROM exports)",
                   err) != 0)
        goto fail;
    return store_commit(st, err);
fail:
    store_rollback(st);
    return -1;
}

/* export/select.c: the page query: which row spans, in which order, one
 * keyset page at a time; PARTIAL keys and exclusions in temporary tables.
 * Knows the store and the request; nothing of completions or formats. */
#include "export/select.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

/* Parameters shared by every page query:
 *   ?1 workspace, ?2 row span type (NULL for root rows), ?3 project,
 *   ?4 commits, ?5 experiments, ?6 test deployments (JSON arrays),
 *   ?7 from, ?8 to (ns, inclusive), ?9 cutoff import_seq, ?10 has except
 *   set, ?11 ?12 ?13 keyset cursor, ?14 document, ?15 page size.
 * Page on (started_at_ns, id, trace_id), not on started_at_ns alone: spans
 * of one batch share timestamps and span ids repeat across traces; anything
 * short of a total order loses or repeats rows at a page edge. The first
 * cursor is above every possible row (id '~' sorts after any hex digit),
 * so every page is the same range scan. */
#define PAGE_COLUMNS "SELECT s.rowid, s.trace_id, s.id, s.started_at_ns"
#define PAGE_FILTERS                                                           \
    " AND (?3 IS NULL OR s.project_id = ?3)"                                   \
    " AND (?4 IS NULL OR s.commit_uuid IN (SELECT value FROM json_each(?4)))"  \
    " AND (?5 IS NULL OR s.experiment_uuid IN"                                 \
    " (SELECT value FROM json_each(?5)))"                                      \
    " AND (?6 IS NULL OR s.test_deployment_id IN"                              \
    " (SELECT value FROM json_each(?6)))"                                      \
    " AND s.started_at_ns >= ?7 AND s.started_at_ns <= ?8"                     \
    " AND s.import_seq <= ?9"                                                  \
    " AND (?10 = 0 OR NOT EXISTS (SELECT 1 FROM temp.export_except x"          \
    " WHERE x.trace_id = s.trace_id AND x.id = s.id))"
#define PAGE_ORDER                                                             \
    " ORDER BY s.started_at_ns DESC, s.id DESC, s.trace_id DESC LIMIT ?15"
/* A root: no parent, or a parent not in the store (same trace, same
 * workspace). */
#define IS_ROOT                                                                \
    "(s.parent_id IS NULL OR NOT EXISTS (SELECT 1 FROM spans p"                \
    " WHERE p.trace_id = s.trace_id AND p.id = s.parent_id"                    \
    " AND p.workspace_id = s.workspace_id))"

static const char SQL_PAGE_TYPE[] = PAGE_COLUMNS
    " FROM spans s WHERE s.workspace_id = ?1 AND s.type = ?2"
    " AND (s.started_at_ns, s.id, s.trace_id) < (?11, ?12, ?13)" PAGE_FILTERS
        PAGE_ORDER;

static const char SQL_PAGE_DOCUMENT[] = PAGE_COLUMNS
    " FROM spans s WHERE s.workspace_id = ?1"
    " AND s.document_uuid = ?14 AND s.type = ?2"
    " AND (s.started_at_ns, s.id, s.trace_id) < (?11, ?12, ?13)" PAGE_FILTERS
        PAGE_ORDER;

static const char SQL_PAGE_ROOTS[] = PAGE_COLUMNS
    " FROM spans s WHERE s.workspace_id = ?1"
    " AND (s.started_at_ns, s.id, s.trace_id) < (?11, ?12, ?13)"
    " AND (?14 IS NULL OR s.document_uuid = ?14) AND " IS_ROOT PAGE_FILTERS
        PAGE_ORDER;

static const char SQL_PAGE_SELECTED[] = PAGE_COLUMNS
    " FROM temp.export_selected k"
    " CROSS JOIN spans s ON s.rowid = k.span_rowid"
    " WHERE (k.started_at_ns, k.id, k.trace_id) < (?11, ?12, ?13)"
    " AND s.workspace_id = ?1 AND (?14 IS NULL OR s.document_uuid = "
    "?14)" PAGE_FILTERS
    " ORDER BY k.started_at_ns DESC, k.id DESC, k.trace_id DESC LIMIT ?15";

static const char SQL_TEMP_TABLES[] =
    "DROP TABLE IF EXISTS temp.export_except;"
    "DROP TABLE IF EXISTS temp.export_selected;"
    "CREATE TEMP TABLE export_except (trace_id TEXT, id TEXT,"
    " PRIMARY KEY (trace_id, id)) WITHOUT ROWID;"
    "CREATE TEMP TABLE export_selected (started_at_ns INTEGER, id TEXT,"
    " trace_id TEXT, span_rowid INTEGER,"
    " PRIMARY KEY (started_at_ns, id, trace_id)) WITHOUT ROWID;";

static const char SQL_FILL_EXCEPT[] =
    "INSERT OR IGNORE INTO temp.export_except (trace_id, id)"
    " SELECT substr(value, 1, 32), substr(value, 34, 16)"
    " FROM json_each(?1)";

/* Selected row spans: by key, or every span of the conversations; only
 * row spans of the workspace count (?2 type, or roots when NULL). The
 * unary + keeps the planner on the key or conversation index: a
 * workspace index would read the whole workspace. */
#define SELECTED_ROW_SPAN                                                      \
    " +s.workspace_id = ?3 AND ((?2 IS NOT NULL AND s.type = ?2)"              \
    " OR (?2 IS NULL AND " IS_ROOT "))"

static const char SQL_SELECT_KEYS[] =
    "INSERT OR IGNORE INTO temp.export_selected"
    " SELECT s.started_at_ns, s.id, s.trace_id, s.rowid FROM json_each(?1) j"
    " CROSS JOIN spans s ON s.trace_id = substr(j.value, 1, 32)"
    " AND s.id = substr(j.value, 34, 16) WHERE" SELECTED_ROW_SPAN;

static const char SQL_SELECT_CONVERSATIONS[] =
    "INSERT OR IGNORE INTO temp.export_selected"
    " SELECT s.started_at_ns, s.id, s.trace_id, s.rowid FROM spans s"
    " WHERE s.document_log_uuid IN (SELECT lower(value) FROM json_each(?1))"
    " AND" SELECTED_ROW_SPAN;

struct select {
    struct store *st;
    const struct export_request *req;
    sqlite3_stmt *page;
    const char *page_sql;
    int64_t partial_count;
    int64_t keys_given, keys_found; /* PARTIAL: distinct --only keys */
    int done;
    int64_t after_started_at_ns; /* keyset: the next page starts after */
    char after_id[17];           /* (started_at_ns, id, trace_id)   */
    char after_trace_id[33];     /* of the last row of the last page */
};

static const char *row_type(const struct export_request *req)
{
    return req->rows == ROWS_PROMPT       ? "prompt"
           : req->rows == ROWS_COMPLETION ? "completion"
                                          : NULL;
}

static size_t page_size(const struct export_request *req)
{
    if (req->page_size > 0 && req->page_size < EXPORT_PAGE_SIZE)
        return (size_t)req->page_size;
    return EXPORT_PAGE_SIZE;
}

static void bind_text_or_null(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

/* Runs one INSERT that fills a temporary table from a JSON list. */
static int fill_temp(struct select *sel, const char *sql, const char *json,
                     struct sp_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc;

    if (store_prepare(sel->st, &s, sql, err) != 0)
        return -1;
    sqlite3_bind_text(s, 1, json, -1, SQLITE_STATIC);
    bind_text_or_null(s, 2, row_type(sel->req));
    sqlite3_bind_int64(s, 3, sel->req->workspace_id);
    rc = store_step_done(sel->st, s, err, "resolving the selection");
    sqlite3_finalize(s);
    return rc;
}

/* One count: the SQL's first column, with ?1 bound to json (or NULL). */
static int count(struct select *sel, const char *sql, const char *json,
                 int64_t *n, struct sp_err *err)
{
    sqlite3_stmt *s = NULL;

    if (store_prepare(sel->st, &s, sql, err) != 0)
        return -1;
    bind_text_or_null(s, 1, json);
    if (sqlite3_step(s) == SQLITE_ROW)
        *n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return 0;
}

static int count_selected(struct select *sel, int64_t *n, struct sp_err *err)
{
    return count(sel, "SELECT count(*) FROM temp.export_selected", NULL, n,
                 err);
}

/* --only keys: how many distinct ones were given, and how many of them
 * are row spans of the workspace. */
static int select_keys(struct select *sel, struct sp_err *err)
{
    const char *keys = sel->req->keys_json;

    if (!keys)
        return 0;
    if (fill_temp(sel, SQL_SELECT_KEYS, keys, err) != 0 ||
        count(sel, "SELECT count(DISTINCT lower(value)) FROM json_each(?1)",
              keys, &sel->keys_given, err) != 0)
        return -1;
    return count_selected(sel, &sel->keys_found, err);
}

static int resolve_selection(struct select *sel, struct sp_err *err)
{
    const struct export_request *req = sel->req;

    if (store_exec(sel->st, SQL_TEMP_TABLES, err) != 0)
        return -1;
    if (req->mode == EXPORT_ALL_EXCEPT && req->keys_json &&
        fill_temp(sel, SQL_FILL_EXCEPT, req->keys_json, err) != 0)
        return -1;
    if (req->mode != EXPORT_PARTIAL)
        return 0;
    if (select_keys(sel, err) != 0)
        return -1;
    if (req->conversations_json && fill_temp(sel, SQL_SELECT_CONVERSATIONS,
                                             req->conversations_json, err) != 0)
        return -1;
    return count_selected(sel, &sel->partial_count, err);
}

static const char *page_sql_for(const struct export_request *req)
{
    if (req->mode == EXPORT_PARTIAL)
        return SQL_PAGE_SELECTED;
    if (req->rows == ROWS_TRACE)
        return SQL_PAGE_ROOTS;
    return req->document_uuid ? SQL_PAGE_DOCUMENT : SQL_PAGE_TYPE;
}

static void bind_filters(struct select *sel)
{
    const struct export_request *req = sel->req;
    sqlite3_stmt *s = sel->page;

    sqlite3_bind_int64(s, 1, req->workspace_id);
    bind_text_or_null(s, 2, row_type(req));
    if (req->has_project)
        sqlite3_bind_int64(s, 3, req->project_id);
    bind_text_or_null(s, 4, req->commits_json);
    bind_text_or_null(s, 5, req->experiments_json);
    bind_text_or_null(s, 6, req->test_deployments_json);
    sqlite3_bind_int64(s, 7, req->from_ns);
    sqlite3_bind_int64(s, 8, req->to_ns);
    sqlite3_bind_int64(s, 9, req->cutoff_seq);
    sqlite3_bind_int(s, 10, req->mode == EXPORT_ALL_EXCEPT);
    bind_text_or_null(s, 14, req->document_uuid);
    sqlite3_bind_int(s, 15, (int)page_size(req));
}

int select_open(struct select **out, struct store *st,
                const struct export_request *req, struct sp_err *err)
{
    struct select *sel = calloc(1, sizeof(*sel));

    *out = NULL;
    if (!sel)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    sel->st = st;
    sel->req = req;
    sel->page_sql = page_sql_for(req);
    sel->after_started_at_ns = INT64_MAX;
    memcpy(sel->after_id, "~", 2);
    memcpy(sel->after_trace_id, "~", 2);
    if (resolve_selection(sel, err) != 0 ||
        store_prepare(st, &sel->page, sel->page_sql, err) != 0) {
        select_close(sel);
        return -1;
    }
    bind_filters(sel);
    *out = sel;
    return 0;
}

void select_close(struct select *sel)
{
    if (!sel)
        return;
    sqlite3_finalize(sel->page);
    sqlite3_exec(sel->st->db,
                 "DROP TABLE IF EXISTS temp.export_except;"
                 "DROP TABLE IF EXISTS temp.export_selected;",
                 NULL, NULL, NULL);
    free(sel);
}

int64_t select_partial_count(const struct select *sel)
{
    return sel->partial_count;
}

void select_partial_keys(const struct select *sel, int64_t *given,
                         int64_t *found)
{
    *given = sel->keys_given;
    *found = sel->keys_found;
}

const char *select_page_sql(const struct select *sel)
{
    return sel->page_sql;
}

const char *select_resolve_sql(int by_conversation)
{
    return by_conversation ? SQL_SELECT_CONVERSATIONS : SQL_SELECT_KEYS;
}

static void copy_text(char *dst, size_t cap, const unsigned char *src)
{
    size_t n = src ? strlen((const char *)src) : 0;

    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src ? (const char *)src : "", n);
    dst[n] = '\0';
}

int select_next_page(struct select *sel, struct page *page, struct sp_err *err)
{
    sqlite3_stmt *s = sel->page;
    int rc = SQLITE_DONE;

    page->n_rows = 0;
    if (sel->done)
        return 0;
    sqlite3_bind_int64(s, 11, sel->after_started_at_ns);
    sqlite3_bind_text(s, 12, sel->after_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 13, sel->after_trace_id, -1, SQLITE_STATIC);
    while (page->n_rows < page_size(sel->req) &&
           (rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct page_row *r = &page->rows[page->n_rows++];

        memset(r, 0, sizeof(*r));
        r->rowid = sqlite3_column_int64(s, 0);
        copy_text(r->trace_id, sizeof(r->trace_id), sqlite3_column_text(s, 1));
        copy_text(r->id, sizeof(r->id), sqlite3_column_text(s, 2));
        r->started_at_ns = sqlite3_column_int64(s, 3);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        store_fail(sel->st, err, "reading a page of spans");
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return -1;
    if (page->n_rows == 0) {
        sel->done = 1;
        return 0;
    }
    if (page->n_rows < page_size(sel->req))
        sel->done = 1; /* a short page is the last: save one query */
    sel->after_started_at_ns = page->rows[page->n_rows - 1].started_at_ns;
    memcpy(sel->after_id, page->rows[page->n_rows - 1].id, 17);
    memcpy(sel->after_trace_id, page->rows[page->n_rows - 1].trace_id, 33);
    return 0;
}

/* Walks the distinct workspace ids off the page index, one seek each. */
static const char SQL_NEXT_WORKSPACE[] =
    "SELECT workspace_id FROM spans WHERE workspace_id > ?1"
    " ORDER BY workspace_id LIMIT 1";

int select_default_workspace(struct store *st, int64_t *ws, struct sp_err *err)
{
    sqlite3_stmt *s = NULL;
    char list[256] = "";
    size_t used = 0;
    int64_t after = INT64_MIN, n = 0;
    int rc;

    *ws = 1;
    if (store_prepare(st, &s, SQL_NEXT_WORKSPACE, err) != 0)
        return -1;
    while (n < 11) {
        sqlite3_bind_int64(s, 1, after);
        rc = sqlite3_step(s);
        if (rc != SQLITE_ROW)
            break;
        after = sqlite3_column_int64(s, 0);
        sqlite3_reset(s);
        if (n++ == 0)
            *ws = after;
        if (used < sizeof(list))
            used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%lld",
                                     n > 1 ? ", " : "", (long long)after);
    }
    sqlite3_finalize(s);
    if (n > 1)
        return sp_err_set(err, SP_EUSAGE,
                          "the store holds several workspaces (%s%s); name "
                          "one with --workspace",
                          list, n > 10 ? ", ..." : "");
    return 0;
}

static const char SQL_HAS_PROMPTS[] =
    "SELECT EXISTS (SELECT 1 FROM spans WHERE workspace_id = ?1"
    " AND type = 'prompt') OR NOT EXISTS (SELECT 1 FROM spans"
    " WHERE workspace_id = ?1)";

int select_has_prompt_spans(struct store *st, int64_t ws, int *has,
                            struct sp_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc;

    if (store_prepare(st, &s, SQL_HAS_PROMPTS, err) != 0)
        return -1;
    sqlite3_bind_int64(s, 1, ws);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW)
        *has = sqlite3_column_int(s, 0);
    else
        store_fail(st, err, "looking for prompt spans");
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* export/enrich.c: one query per page finds each row span's completion
 * (nearest-prompt-ancestor rule, greatest (started_at, id)) with its
 * metadata. Knows the store and struct page; nothing of rows or formats. */
#include "export/enrich.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "util/buf.h"

/* ?1 the page's row span rowids as a JSON array (j.key is the index in the
 * page), ?2 workspace, ?3 the type the walk does not descend into (prompt:
 * a nested prompt owns its own completions; NULL for root rows).
 * The walk goes down from each row span through children in the same
 * trace and workspace; UNION (not UNION ALL) makes a parent cycle end the
 * walk. The owner's candidate with the greatest (started_at, id) wins. */
static const char SQL_ENRICH_DESCENDANTS[] =
    "WITH RECURSIVE"
    " walk(idx, trace_id, id) AS ("
    "  SELECT j.key, s.trace_id, s.id FROM json_each(?1) j"
    "  CROSS JOIN spans s ON s.rowid = j.value"
    "  UNION"
    "  SELECT w.idx, c.trace_id, c.id FROM walk w JOIN spans c"
    "  ON c.trace_id = w.trace_id AND c.parent_id = w.id"
    "  WHERE c.workspace_id = ?2 AND (?3 IS NULL OR c.type <> ?3)),"
    " ranked AS ("
    "  SELECT w.idx, c.rowid AS crow, c.trace_id, c.id, c.tokens_prompt,"
    "  c.tokens_cached, c.tokens_reasoning, c.tokens_completion, c.model,"
    "  c.cost, row_number() OVER (PARTITION BY w.idx"
    "  ORDER BY c.started_at_ns DESC, c.id DESC) AS rn"
    "  FROM walk w JOIN spans c ON c.trace_id = w.trace_id AND c.id = w.id"
    "  WHERE c.type = 'completion')"
    " SELECT r.idx, r.trace_id, r.id, r.tokens_prompt, r.tokens_cached,"
    " r.tokens_reasoning, r.tokens_completion, r.model, r.cost, m.doc"
    " FROM ranked r LEFT JOIN span_metadata m ON m.span_rowid = r.crow"
    " WHERE r.rn = 1";

/* --rows completion: each row span is its own completion. CROSS JOIN
 * keeps json_each outside: left to itself the planner walks the whole
 * workspace by its index and probes the page (quadratic). */
static const char SQL_ENRICH_SELF[] =
    "SELECT j.key, c.trace_id, c.id, c.tokens_prompt, c.tokens_cached,"
    " c.tokens_reasoning, c.tokens_completion, c.model, c.cost, m.doc"
    " FROM json_each(?1) j CROSS JOIN spans c ON c.rowid = j.value"
    " LEFT JOIN span_metadata m ON m.span_rowid = c.rowid"
    " WHERE c.workspace_id = ?2";

struct enrich {
    struct store *st;
    sqlite3_stmt *stmt;
    const char *sql;
    const struct export_request *req;
    struct sp_buf ids; /* the JSON array of rowids, reused */
};

int enrich_open(struct enrich **out, struct store *st,
                const struct export_request *req, struct sp_err *err)
{
    struct enrich *e = calloc(1, sizeof(*e));

    *out = NULL;
    if (!e)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    e->st = st;
    e->req = req;
    e->sql =
        req->rows == ROWS_COMPLETION ? SQL_ENRICH_SELF : SQL_ENRICH_DESCENDANTS;
    sp_buf_init(&e->ids, 0);
    if (store_prepare(st, &e->stmt, e->sql, err) != 0) {
        enrich_close(e);
        return -1;
    }
    sqlite3_bind_int64(e->stmt, 2, req->workspace_id);
    if (req->rows == ROWS_PROMPT)
        sqlite3_bind_text(e->stmt, 3, "prompt", -1, SQLITE_STATIC);
    *out = e;
    return 0;
}

void enrich_close(struct enrich *e)
{
    if (!e)
        return;
    sqlite3_finalize(e->stmt);
    sp_buf_free(&e->ids);
    free(e);
}

const char *enrich_sql(const struct enrich *e)
{
    return e->sql;
}

static void copy_id(char *dst, size_t cap, const unsigned char *src)
{
    size_t n = src ? strlen((const char *)src) : 0;

    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src ? (const char *)src : "", n);
    dst[n] = '\0';
}

/* Copies column i (text or NULL) into the page's text; *off = SIZE_MAX for
 * NULL. */
static int keep_text(struct page *page, sqlite3_stmt *s, int i, size_t *off,
                     size_t *len)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    size_t n = (size_t)sqlite3_column_bytes(s, i);

    *off = SIZE_MAX;
    if (len)
        *len = 0;
    if (!t)
        return 0;
    *off = page->text.len;
    if (len)
        *len = n;
    if (sp_buf_add(&page->text, t, n) != 0 ||
        sp_buf_addc(&page->text, '\0') != 0)
        return -1;
    return 0;
}

static int take_row(struct page *page, sqlite3_stmt *s)
{
    sqlite3_int64 idx = sqlite3_column_int64(s, 0);
    struct page_row *r;
    int i;

    if (idx < 0 || (size_t)idx >= page->n_rows)
        return 0;
    r = &page->rows[idx];
    r->has_completion = 1;
    copy_id(r->c_trace_id, sizeof(r->c_trace_id), sqlite3_column_text(s, 1));
    copy_id(r->c_id, sizeof(r->c_id), sqlite3_column_text(s, 2));
    for (i = 0; i < 4; i++)
        r->tokens[i] = sqlite3_column_int64(s, 3 + i); /* NULL reads 0 */
    r->has_cost = sqlite3_column_type(s, 8) != SQLITE_NULL;
    r->cost = sqlite3_column_int64(s, 8);
    if (keep_text(page, s, 7, &r->model_off, NULL) != 0 ||
        keep_text(page, s, 9, &r->doc_off, &r->doc_len) != 0)
        return -1;
    return 0;
}

static int page_ids(struct enrich *e, const struct page *page)
{
    size_t i;

    sp_buf_reset(&e->ids);
    if (sp_buf_addc(&e->ids, '[') != 0)
        return -1;
    for (i = 0; i < page->n_rows; i++)
        if (sp_buf_printf(&e->ids, "%s%lld", i ? "," : "",
                          (long long)page->rows[i].rowid) != 0)
            return -1;
    return sp_buf_addc(&e->ids, ']');
}

int enrich_page(struct enrich *e, struct page *page, struct sp_err *err)
{
    sqlite3_stmt *s = e->stmt;
    int rc;

    sp_buf_reset(&page->text);
    if (page_ids(e, page) != 0)
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    sqlite3_bind_text(s, 1, sp_buf_str(&e->ids), (int)e->ids.len,
                      SQLITE_STATIC);
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        if (take_row(page, s) != 0) {
            sqlite3_reset(s);
            return sp_err_set(err, SP_ENOMEM, "out of memory");
        }
    }
    if (rc != SQLITE_DONE)
        store_fail(e->st, err, "looking up the completions of a page");
    sqlite3_reset(s);
    return rc == SQLITE_DONE ? 0 : -1;
}

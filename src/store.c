/* store.c: opens the SQLite store, applies or migrates the schema, sets the
 * pragmas. Knows the DDL (schemas/store.sql, embedded) and nothing else. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern const char store_sql[]; /* generated from schemas/store.sql */

/* Steps that take a store of version `to - 1` to version `to`. Version 1
 * is store_sql itself; later versions are appended here, never edited. */
static const struct {
    int to;
    const char *sql;
} migrations[] = {
    /* 2: the export's summary (spans considered, skips by reason...) */
    {2, "ALTER TABLE exports ADD COLUMN summary TEXT;"},
};

int store_fail(struct store *st, struct sp_err *err, const char *what)
{
    int code = st && st->db ? sqlite3_extended_errcode(st->db) : SQLITE_ERROR;
    const char *msg = st && st->db ? sqlite3_errmsg(st->db) : "no store";
    int prim = code & 0xff;

    if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED) {
        sp_err_set(err, SP_ESTORE,
                   "%s: the store is locked by another spanport (waited "
                   "%g s); retry when it is done, or wait longer with "
                   "--lock-timeout SECONDS",
                   what, st ? st->lock_timeout_ms / 1000.0 : 0.0);
        if (err)
            err->busy = 1;
        return -1;
    }
    if (prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB)
        return sp_err_set(err, SP_ESTORE,
                          "%s: %s: the store is damaged; restore it from a "
                          "backup or import into a new one",
                          what, msg);
    if (prim == SQLITE_FULL || prim == SQLITE_IOERR ||
        prim == SQLITE_CANTOPEN || prim == SQLITE_READONLY)
        return sp_err_set(err, SP_ESTORE, "%s: %s", what, msg);
    return sp_err_set(err, SP_ESTORE, "%s: %s", what, msg);
}

int store_prepare(struct store *st, sqlite3_stmt **stmt, const char *sql,
                  struct sp_err *err)
{
    if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt,
                           NULL) == SQLITE_OK)
        return 0;
    *stmt = NULL;
    return store_fail(st, err, "preparing a statement");
}

int store_exec(struct store *st, const char *sql, struct sp_err *err)
{
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return 0;
    return store_fail(st, err, st->path);
}

int store_begin(struct store *st, struct sp_err *err)
{
    return store_exec(st, "BEGIN IMMEDIATE", err);
}

int store_commit(struct store *st, struct sp_err *err)
{
    return store_exec(st, "COMMIT", err);
}

void store_rollback(struct store *st)
{
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

int store_step_done(struct store *st, sqlite3_stmt *s, struct sp_err *err,
                    const char *what)
{
    int rc = sqlite3_step(s);

    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        store_fail(st, err, what); /* read the message before reset */
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/* The first column of the one row sql returns: as text into text (when
 * given, textlen bytes) and as an integer into *n (when given). */
static int query_one(struct store *st, const char *sql, char *text,
                     size_t textlen, int *n, struct sp_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc;

    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
        return store_fail(st, err, st->path);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && text)
        snprintf(text, textlen, "%s", (const char *)sqlite3_column_text(s, 0));
    if (rc == SQLITE_ROW && n)
        *n = sqlite3_column_int(s, 0);
    if (rc != SQLITE_ROW)
        store_fail(st, err, st->path);
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : -1;
}

static int query_text(struct store *st, const char *sql, char *out,
                      size_t outlen, struct sp_err *err)
{
    return query_one(st, sql, out, outlen, NULL, err);
}

static int query_int(struct store *st, const char *sql, int *out,
                     struct sp_err *err)
{
    return query_one(st, sql, NULL, 0, out, err);
}

/* A store file is created 0600 before SQLite opens it: SQLite would use
 * the umask, and the journal and WAL files copy the main file's mode. */
static int create_private(const char *path, struct sp_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

    if (fd < 0 && errno != EEXIST)
        return sp_err_set(err, SP_ESTORE, "%s: cannot create the store: %s",
                          path, strerror(errno));
    if (fd >= 0)
        close(fd);
    return 0;
}

static int apply_schema(struct store *st, int version, struct sp_err *err)
{
    char sql[64];
    int n_tables = 0;
    size_t i;

    if (version == 0) {
        if (query_int(st, "SELECT count(*) FROM sqlite_schema", &n_tables,
                      err) != 0)
            return -1;
        if (n_tables > 0)
            return sp_err_set(err, SP_ESTORE,
                              "%s is an SQLite database but not a spanport "
                              "store; give --db a new file",
                              st->path);
        if (store_exec(st, store_sql, err) != 0)
            return -1;
        version = 1;
    }
    for (i = 0; i < sizeof(migrations) / sizeof(migrations[0]); i++) {
        if (migrations[i].to <= version)
            continue;
        if (store_exec(st, migrations[i].sql, err) != 0)
            return -1;
        version = migrations[i].to;
    }
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", version);
    return store_exec(st, sql, err);
}

static int migrate(struct store *st, int readonly, struct sp_err *err)
{
    int version = 0;

    if (query_int(st, "PRAGMA user_version", &version, err) != 0)
        return -1;
    if (version > STORE_SCHEMA_VERSION)
        return sp_err_set(err, SP_ESTORE,
                          "%s was written by a newer spanport (store schema "
                          "%d, this spanport knows up to %d); upgrade "
                          "spanport to use it",
                          st->path, version, STORE_SCHEMA_VERSION);
    if (version == STORE_SCHEMA_VERSION)
        return 0;
    if (readonly)
        return sp_err_set(err, SP_ESTORE,
                          "%s needs a schema upgrade; run any writing "
                          "command (e.g. spanport import) first",
                          st->path);
    if (store_begin(st, err) != 0)
        return -1;
    /* Read again under the write lock: another process may have won. */
    if (query_int(st, "PRAGMA user_version", &version, err) != 0 ||
        (version < STORE_SCHEMA_VERSION && apply_schema(st, version, err))) {
        store_rollback(st);
        return -1;
    }
    return store_commit(st, err);
}

static long long monotonic_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* SQLite's busy handler: sleeps in growing steps (1 ms to 100 ms) until
 * the lock timeout, and tells on_wait once when the wait grows long. A
 * handler rather than sqlite3_busy_timeout, which says nothing while the
 * user wonders why nothing happens. */
static int busy_wait(void *arg, int count)
{
    static const long step_ms[] = {1, 2, 5, 10, 25, 50, 100};
    struct store *st = arg;
    long long now = monotonic_ns(), waited_ms, left_ms;
    struct timespec ts;
    long ms;

    if (count == 0) {
        st->wait_started_ns = now;
        st->wait_told = 0;
    }
    waited_ms = (now - st->wait_started_ns) / 1000000;
    left_ms = st->lock_timeout_ms - waited_ms;
    if (left_ms <= 0)
        return 0;
    if (!st->wait_told && waited_ms >= STORE_WAIT_NOTE_MS && st->on_wait) {
        st->wait_told = 1;
        st->on_wait(st->on_wait_arg, st->path);
    }
    ms = step_ms[count < 6 ? count : 6];
    if (ms > left_ms)
        ms = (long)left_ms;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
    return 1;
}

/* SQLite leaves WAL mode only when this connection is the only one; the
 * answer is the journal mode in force afterwards. A busy answer (another
 * process is opening the store right now) also means "not alone". */
int store_take_exclusive(struct store *st, struct sp_err *err)
{
    struct sp_err busy = {0};
    char mode[16] = "";
    int rc, prim;

    sqlite3_busy_handler(st->db, NULL, NULL);
    rc = query_text(st, "PRAGMA journal_mode = DELETE", mode, sizeof(mode),
                    &busy);
    sqlite3_busy_handler(st->db, busy_wait, st);
    if (rc == 0)
        return strcmp(mode, "delete") == 0;
    prim = sqlite3_errcode(st->db) & 0xff;
    if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
        return 0;
    *err = busy;
    return -1;
}

int store_share(struct store *st, struct sp_err *err)
{
    char mode[16] = "";

    if (query_text(st, "PRAGMA journal_mode = WAL", mode, sizeof(mode), err) !=
        0)
        return -1;
    if (strcmp(mode, "wal") != 0)
        return sp_err_set(err, SP_ESTORE,
                          "%s: cannot go back to WAL mode (journal mode "
                          "is %s)",
                          st->path, mode);
    return 0;
}

static int set_pragmas(struct store *st, int readonly, struct sp_err *err)
{
    sqlite3_busy_handler(st->db, busy_wait, st);
    if (store_exec(st, "PRAGMA foreign_keys = ON", err) != 0)
        return -1;
    if (readonly)
        return 0;
    /* 16 KiB pages (a new store only: an existing one keeps its own):
     * a span's metadata (1-2 KB) and a page of index keys fit with less
     * overhead, and a bulk load writes and sorts in fewer, larger pieces;
     * measured on 100k prompt spans, an import 1.3x as fast in half the
     * memory. 16 MiB of page cache: an import and an export both stay in
     * constant memory (SQLite's sorter sizes its runs by it too). */
    if (store_exec(st, "PRAGMA page_size = 16384", err) != 0 ||
        store_exec(st, "PRAGMA cache_size = -16384", err) != 0 ||
        store_exec(st, "PRAGMA journal_mode = WAL", err) != 0 ||
        store_exec(st, "PRAGMA synchronous = NORMAL", err) != 0)
        return -1;
    return 0;
}

int store_open(struct store **out, const char *path, int flags,
               struct sp_err *err)
{
    struct store_options o = {.flags = flags,
                              .lock_timeout_ms = STORE_LOCK_TIMEOUT_MS};

    return store_open_with(out, path, &o, err);
}

int store_open_with(struct store **out, const char *path,
                    const struct store_options *o, struct sp_err *err)
{
    struct store *st = calloc(1, sizeof(*st));
    int readonly = o->flags & STORE_READONLY;
    int oflags = readonly ? SQLITE_OPEN_READONLY
                          : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

    *out = NULL;
    if (!st || !(st->path = strdup(path))) {
        free(st);
        return sp_err_set(err, SP_ENOMEM, "out of memory");
    }
    st->lock_timeout_ms = o->lock_timeout_ms > 0 ? o->lock_timeout_ms : 0;
    st->on_wait = o->on_wait;
    st->on_wait_arg = o->on_wait_arg;
    /* Only import creates a store: for any other command a missing one is
     * a mistyped --db, not a wish for an empty store. */
    if ((o->flags & STORE_MUST_EXIST) && access(path, F_OK) != 0) {
        if (errno == ENOENT)
            sp_err_set(err, SP_ESTORE,
                       "no store at %s; `spanport import` creates one", path);
        else
            sp_err_set(err, SP_ESTORE, "%s: cannot open the store: %s", path,
                       strerror(errno));
        goto fail;
    }
    if (!readonly && create_private(path, err) != 0)
        goto fail;
    if (sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        sp_err_set(err, SP_ESTORE, "%s: cannot open the store: %s", path,
                   st->db ? sqlite3_errmsg(st->db) : "out of memory");
        goto fail;
    }
    sqlite3_extended_result_codes(st->db, 1);
    if (set_pragmas(st, readonly, err) != 0 || migrate(st, readonly, err) != 0)
        goto fail;
    *out = st;
    return 0;
fail:
    store_close(st);
    return -1;
}

void store_close(struct store *st)
{
    if (!st)
        return;
    sqlite3_close_v2(st->db);
    free(st->path);
    free(st);
}

/* store.h: the SQLite store: open or create, migrate, pragmas, transactions.
 * Owns the connection; every other module prepares its own statements on
 * it. Knows schemas/store.sql, nothing of spans' meaning or exports. */
#ifndef SP_STORE_H
#define SP_STORE_H

#include <sqlite3.h>

#include "util/err.h"

#define STORE_SCHEMA_VERSION 2
#define STORE_LOCK_TIMEOUT_MS 60000 /* how long to wait for a busy store */
#define STORE_WAIT_NOTE_MS 1500     /* when a wait is worth telling about */

struct store {
    sqlite3 *db;
    char *path;
    int lock_timeout_ms;
    /* Called once per wait for the lock that lasts STORE_WAIT_NOTE_MS (the
     * CLI tells the user); may be NULL. */
    void (*on_wait)(void *arg, const char *path);
    void *on_wait_arg;
    long long wait_started_ns; /* of the wait in progress (busy handler) */
    int wait_told;
};

enum store_flags {
    STORE_READONLY = 1,   /* never create or migrate (stats, list) */
    STORE_MUST_EXIST = 2, /* never create (all but import) */
};

struct store_options {
    int flags;           /* enum store_flags */
    int lock_timeout_ms; /* 0: do not wait */
    void (*on_wait)(void *arg, const char *path);
    void *on_wait_arg;
};

/* Opens path, creating it (mode 0600) with the current schema, or migrating
 * an older one forward. A store written by a newer spanport is refused.
 * store_open is store_open_with the default options and these flags. */
int store_open(struct store **st, const char *path, int flags,
               struct sp_err *err);
int store_open_with(struct store **st, const char *path,
                    const struct store_options *opts, struct sp_err *err);
void store_close(struct store *st);

/* Prepares sql; on failure err says which statement and why. */
int store_prepare(struct store *st, sqlite3_stmt **stmt, const char *sql,
                  struct sp_err *err);
int store_exec(struct store *st, const char *sql, struct sp_err *err);

/* Fills err with "WHAT: <sqlite message>" and the kind for the code
 * (SQLITE_BUSY/LOCKED and corruption are store errors; a busy one also
 * sets err->busy). Returns -1. */
int store_fail(struct store *st, struct sp_err *err, const char *what);

int store_begin(struct store *st, struct sp_err *err); /* BEGIN IMMEDIATE */
int store_commit(struct store *st, struct sp_err *err);
void store_rollback(struct store *st);

/* Loading a store nobody else has open: a rollback journal writes each
 * page once, where WAL writes it to the log and again at the checkpoint.
 * store_take_exclusive switches to it only when no other connection has
 * the store open (1: switched, 0: others are connected; -1: error); until
 * store_share puts the store back in WAL mode, other processes wait for
 * the lock (busy timeout). Call both outside a transaction. */
int store_take_exclusive(struct store *st, struct sp_err *err);
int store_share(struct store *st, struct sp_err *err);

/* Steps a statement that returns no rows, then resets it and clears its
 * bindings. Returns 0 or -1 (err filled, naming `what`). */
int store_step_done(struct store *st, sqlite3_stmt *s, struct sp_err *err,
                    const char *what);

#endif

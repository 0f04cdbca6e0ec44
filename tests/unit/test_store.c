/* tests/unit/test_store.c: opening, creating and migrating the store.
 * Real SQLite files in a scratch directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/spanport-store.XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    snprintf(path, sizeof(path), "%s/s.db", dir);
    return 0;
}

static int teardown(void **state)
{
    char cmd[160];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int64_t one_int(struct store *st, const char *sql)
{
    sqlite3_stmt *s;
    int64_t v = -1;

    assert_int_equal(sqlite3_prepare_v2(st->db, sql, -1, &s, NULL), 0);
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static void new_store_is_created_0600_at_the_current_schema(void **state)
{
    struct sp_err err = {0};
    struct store *st;
    struct stat sb;

    (void)state;
    assert_int_equal(store_open(&st, path, 0, &err), 0);
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    assert_int_equal(one_int(st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    assert_int_equal(one_int(st, "SELECT count(*) FROM sqlite_schema"
                                 " WHERE name = 'spans'"),
                     1);
    store_close(st);
}

static void store_runs_in_wal_mode_with_foreign_keys(void **state)
{
    struct sp_err err = {0};
    struct store *st;
    sqlite3_stmt *s;

    (void)state;
    assert_int_equal(store_open(&st, path, 0, &err), 0);
    assert_int_equal(
        sqlite3_prepare_v2(st->db, "PRAGMA journal_mode", -1, &s, NULL), 0);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "wal");
    sqlite3_finalize(s);
    assert_int_equal(one_int(st, "PRAGMA foreign_keys"), 1);
    store_close(st);
}

static void new_store_has_16k_pages_and_an_old_one_keeps_its_own(void **state)
{
    char old_path[160];
    struct sp_err err = {0};
    struct store *st;
    sqlite3 *db;

    (void)state;
    assert_int_equal(store_open(&st, path, 0, &err), 0);
    assert_int_equal(one_int(st, "PRAGMA page_size"), 16384);
    store_close(st);
    /* A store begun with 4 KiB pages, as stores were before. */
    snprintf(old_path, sizeof(old_path), "%s/old.db", dir);
    assert_int_equal(sqlite3_open(old_path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "PRAGMA page_size = 4096;"
                                  " PRAGMA journal_mode = WAL;"
                                  " CREATE TABLE t (x); DROP TABLE t;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(store_open(&st, old_path, 0, &err), 0);
    assert_int_equal(one_int(st, "PRAGMA page_size"), 4096);
    assert_int_equal(one_int(st, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
    store_close(st);
}

static void reopening_a_store_keeps_its_rows(void **state)
{
    struct sp_err err = {0};
    struct store *st;

    (void)state;
    assert_int_equal(store_open(&st, path, 0, &err), 0);
    assert_int_equal(store_exec(st,
                                "INSERT INTO imports (path, format,"
                                " started_at_ns) VALUES ('x', 'y', 1)",
                                &err),
                     0);
    store_close(st);
    assert_int_equal(store_open(&st, path, 0, &err), 0);
    assert_int_equal(one_int(st, "SELECT count(*) FROM imports"), 1);
    store_close(st);
}

static void store_from_a_newer_spanport_is_refused(void **state)
{
    struct sp_err err = {0};
    struct store *st;

    (void)state;
    assert_int_equal(store_open(&st, path, 0, &err), 0);
    assert_int_equal(store_exec(st, "PRAGMA user_version = 7", &err), 0);
    store_close(st);
    assert_int_equal(store_open(&st, path, 0, &err), -1);
    assert_int_equal(err.kind, SP_ESTORE);
    assert_non_null(strstr(err.msg, "written by a newer spanport (store "
                                    "schema 7, this spanport knows up to 2)"));
}

static void other_sqlite_database_is_not_taken_for_a_store(void **state)
{
    struct sp_err err = {0};
    struct store *st;
    sqlite3 *db;

    (void)state;
    assert_int_equal(sqlite3_open(path, &db), 0);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x)", 0, 0, 0), 0);
    sqlite3_close(db);
    assert_int_equal(store_open(&st, path, 0, &err), -1);
    assert_int_equal(err.kind, SP_ESTORE);
    assert_non_null(strstr(err.msg, "not a spanport store"));
}

static void readonly_open_of_a_missing_store_fails_clearly(void **state)
{
    struct sp_err err = {0};
    struct store *st;

    (void)state;
    assert_int_equal(store_open(&st, path, STORE_READONLY, &err), -1);
    assert_int_equal(err.kind, SP_ESTORE);
    assert_non_null(strstr(err.msg, "cannot open the store"));
    assert_int_equal(access(path, F_OK), -1); /* nothing was created */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(
            new_store_is_created_0600_at_the_current_schema, setup, teardown),
        cmocka_unit_test_setup_teardown(
            store_runs_in_wal_mode_with_foreign_keys, setup, teardown),
        cmocka_unit_test_setup_teardown(
            new_store_has_16k_pages_and_an_old_one_keeps_its_own, setup,
            teardown),
        cmocka_unit_test_setup_teardown(reopening_a_store_keeps_its_rows, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(store_from_a_newer_spanport_is_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            other_sqlite_database_is_not_taken_for_a_store, setup, teardown),
        cmocka_unit_test_setup_teardown(
            readonly_open_of_a_missing_store_fails_clearly, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/fuzz/fuzz_import.c: the scratch store, metadata tree and input file
 * the import targets share. Knows import_file and the store; no format. */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "store.h"

/* Found for FUZZ_META_SPAN_ID when a seed names it, so that the tree's
 * lookup and the document's check run too. */
static const char META_DOC[] =
    "{\"type\":\"completion\",\"traceId\":\"" FUZZ_META_TRACE_ID "\","
    "\"spanId\":\"" FUZZ_META_SPAN_ID "\",\"model\":\"gpt-4o-mini\","
    "\"input\":[{\"role\":\"user\",\"content\":\"hi\"}],"
    "\"output\":[{\"role\":\"assistant\",\"content\":"
    "[{\"type\":\"text\",\"text\":\"hello\"}]}]}";

/* A span no reader can write (its trace id is not hex) keeps the store from
 * being empty: an import into an empty store switches the journal mode
 * twice (store_take_exclusive), which would cost more than the parsing. */
static const char SQL_SENTINEL[] =
    "INSERT INTO spans (trace_id, id, workspace_id, type, started_at_ns,"
    " import_seq) VALUES ('fuzz', 'fuzz', 0, 'unknown', 0, 0)";

/* Each import leaves the store as it found it: inputs do not depend on the
 * ones before them, and the store stays small. */
static const char SQL_EMPTY[] =
    "DELETE FROM span_metadata; DELETE FROM spans WHERE trace_id <> 'fuzz';"
    " DELETE FROM imports;";

static struct {
    char dir[256];  /* the temporary directory, removed at exit */
    char meta[300]; /* dir/meta, the metadata tree */
    char input[64]; /* /proc/self/fd/N: the memfd holding the input */
    int fd;
    struct store *st;
} scratch = {.fd = -1};

static void die(const char *what, const char *why)
{
    fprintf(stderr, "fuzz: %s: %s\n", what, why);
    abort();
}

static int remove_one(const char *path, const struct stat *sb, int flag,
                      struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void scratch_close(void)
{
    store_close(scratch.st);
    scratch.st = NULL;
    if (scratch.fd >= 0)
        close(scratch.fd);
    scratch.fd = -1;
    nftw(scratch.dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    size_t len = strlen(text);

    if (!fp)
        die(path, strerror(errno));
    if (fwrite(text, 1, len, fp) != len || fclose(fp) != 0)
        die(path, "cannot write");
}

/* dir/meta/workspaces/1/traces/TRACE/SPAN holding META_DOC. */
static void make_tree(void)
{
    static const char *const parts[] = {"meta", "workspaces", "1", "traces",
                                        FUZZ_META_TRACE_ID};
    char path[512];
    size_t i, n = (size_t)snprintf(path, sizeof(path), "%s", scratch.dir);

    for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        n += (size_t)snprintf(path + n, sizeof(path) - n, "/%s", parts[i]);
        if (mkdir(path, 0700) != 0)
            die(path, strerror(errno));
    }
    snprintf(path + n, sizeof(path) - n, "/%s", FUZZ_META_SPAN_ID);
    write_file(path, META_DOC);
    snprintf(scratch.meta, sizeof(scratch.meta), "%s/meta", scratch.dir);
}

static void scratch_open(void)
{
    const char *tmp = getenv("TMPDIR");
    struct sp_err err = {0};
    char db[300];

    snprintf(scratch.dir, sizeof(scratch.dir), "%s/spanport-fuzz-XXXXXX",
             tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(scratch.dir))
        die(scratch.dir, strerror(errno));
    atexit(scratch_close);
    make_tree();
    snprintf(db, sizeof(db), "%s/store.db", scratch.dir);
    if (store_open(&scratch.st, db, 0, &err) != 0)
        die(db, err.msg);
    /* a scratch store: no fsync at every commit */
    if (sqlite3_exec(scratch.st->db, "PRAGMA synchronous = OFF", NULL, NULL,
                     NULL) != SQLITE_OK ||
        sqlite3_exec(scratch.st->db, SQL_SENTINEL, NULL, NULL, NULL) !=
            SQLITE_OK)
        die(db, sqlite3_errmsg(scratch.st->db));
    scratch.fd = memfd_create("fuzz-input", MFD_CLOEXEC);
    if (scratch.fd < 0)
        die("memfd_create", strerror(errno));
    snprintf(scratch.input, sizeof(scratch.input), "/proc/self/fd/%d",
             scratch.fd);
}

static void put_input(const uint8_t *data, size_t size)
{
    size_t done = 0;

    if (ftruncate(scratch.fd, 0) != 0)
        die("ftruncate", strerror(errno));
    while (done < size) {
        ssize_t n = pwrite(scratch.fd, data + done, size - done, (off_t)done);

        if (n < 0)
            die("pwrite", strerror(errno));
        done += (size_t)n;
    }
}

/* What every import must leave, whatever its input: as many spans as it
 * says it inserted, and only ids of hex digits, lowercase (the metadata
 * tree builds paths from them). */
static const char SQL_COUNT_STORED[] =
    "SELECT count(*) FROM spans WHERE trace_id <> 'fuzz'";
static const char SQL_COUNT_BAD_IDS[] =
    "SELECT count(*) FROM spans WHERE trace_id <> 'fuzz' AND ("
    " length(trace_id) <> 32 OR trace_id GLOB '*[^0-9a-f]*' OR"
    " length(id) <> 16 OR id GLOB '*[^0-9a-f]*' OR"
    " (parent_id <> '' AND (length(parent_id) <> 16 OR"
    "  parent_id GLOB '*[^0-9a-f]*')))";

static sqlite3_int64 count_of(const char *sql)
{
    sqlite3_stmt *s = NULL;
    sqlite3_int64 n = -1;

    if (sqlite3_prepare_v2(scratch.st->db, sql, -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (n < 0)
        die(sql, sqlite3_errmsg(scratch.st->db));
    return n;
}

static void check_store(const struct import_summary *sum)
{
    if (count_of(SQL_COUNT_STORED) != (sqlite3_int64)sum->inserted)
        die("import_file", "stored a number of spans other than it says");
    if (count_of(SQL_COUNT_BAD_IDS) != 0)
        die("import_file", "stored an id that is not lowercase hex");
}

/* Reads every message to its end, so that ASan sees one left unended. */
static void take_report(void *arg, const char *line)
{
    size_t *reported = arg;

    *reported += strlen(line);
}

void fuzz_import(const uint8_t *data, size_t size, enum import_format fmt)
{
    size_t reported = 0;
    struct import_opts opts = {.format = fmt,
                               .workspace_id = 1,
                               .report = take_report,
                               .report_arg = &reported};
    struct import_summary sum = {0};
    struct sp_err err = {0};

    if (!scratch.st)
        scratch_open();
    put_input(data, size);
    if (fmt == IMPORT_LATITUDE_CSV || fmt == IMPORT_LATITUDE_PGDUMP)
        opts.metadata_dir = scratch.meta;
    /* Inputs of odd length are strict: a reader's early exit is a path of
     * its own, with its own cleanup. */
    opts.strict = size % 2 == 1;
    if (import_file(scratch.st, scratch.input, &opts, &sum, &err) != 0 &&
        err.msg[0] == '\0')
        die("import_file", "failed without saying why");
    if (!sqlite3_get_autocommit(scratch.st->db))
        die("import_file", "left a transaction open");
    check_store(&sum);
    if (sqlite3_exec(scratch.st->db, SQL_EMPTY, NULL, NULL, NULL) != SQLITE_OK)
        die("emptying the store", sqlite3_errmsg(scratch.st->db));
}

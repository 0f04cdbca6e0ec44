/* tests/unit/fixture.c: a temp store per test, files beside it, imports that
 * collect their reports, one value out of a query. No format's details. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "fixture.h"

static int rm_one(const char *p, const struct stat *sb, int flag,
                  struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

int fx_setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    char db[128];

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sp-fixture-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(db, sizeof(db), "%s/store.db", f->dir);
    assert_int_equal(store_open(&f->st, db, 0, &f->err), 0);
    sp_buf_init(&f->reports, 0);
    sp_buf_init(&f->text, 0);
    sp_buf_init(&f->rel, 0);
    *state = f;
    return 0;
}

int fx_teardown(void **state)
{
    struct fx *f = *state;

    store_close(f->st);
    nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    sp_buf_free(&f->reports);
    sp_buf_free(&f->text);
    sp_buf_free(&f->rel);
    free(f);
    return 0;
}

/* ---- files in the temp dir ---- */

const char *fx_path(struct fx *f, const char *rel)
{
    char *slash;

    snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, rel);
    for (slash = strchr(f->path + strlen(f->dir) + 1, '/'); slash;
         slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(f->path, 0700);
        *slash = '/';
    }
    return f->path;
}

void fx_write(struct fx *f, const char *rel, const char *data, size_t len)
{
    FILE *fp = fopen(fx_path(f, rel), "wb");

    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

void fx_write_gz(struct fx *f, const char *rel, const char *data, size_t len)
{
    gzFile gz = gzopen(fx_path(f, rel), "wb");

    assert_non_null(gz);
    assert_int_equal(gzwrite(gz, data, (unsigned)len), (int)len);
    assert_int_equal(gzclose(gz), Z_OK);
}

/* ---- imports ---- */

static void collect(void *arg, const char *line)
{
    struct fx *f = arg;

    sp_buf_adds(&f->reports, line);
    sp_buf_addc(&f->reports, '\n');
}

int fx_import(struct fx *f, const char *path, enum import_format fmt,
              const char *metadata_rel, int strict)
{
    char file[1200], mdir[1200];
    struct import_opts o = {.format = fmt,
                            .workspace_id = 1,
                            .strict = strict,
                            .report = collect,
                            .report_arg = f};

    if (path[0] == '/')
        snprintf(file, sizeof(file), "%s", path);
    else
        snprintf(file, sizeof(file), "%s/%s", f->dir, path);
    if (metadata_rel) {
        snprintf(mdir, sizeof(mdir), "%s/%s", f->dir, metadata_rel);
        o.metadata_dir = mdir;
    }
    memset(&f->err, 0, sizeof(f->err));
    return import_file(f->st, file, &o, &f->sum, &f->err);
}

int fx_import_fixture(struct fx *f, const char *rel, enum import_format fmt,
                      int strict)
{
    const char *top = getenv("top_srcdir");

    snprintf(f->path, sizeof(f->path), "%s/tests/fixtures/%s", top ? top : ".",
             rel);
    return fx_import(f, f->path, fmt, NULL, strict);
}

int fx_import_text(struct fx *f, const char *rel, enum import_format fmt,
                   const char *text)
{
    fx_write(f, rel, text, strlen(text));
    return fx_import(f, f->path, fmt, NULL, 0);
}

/* s without the temp dir, so messages compare exactly. */
static const char *without_dir(struct fx *f, const char *s)
{
    size_t dl = strlen(f->dir);

    sp_buf_reset(&f->rel);
    while (*s) {
        if (strncmp(s, f->dir, dl) == 0 && s[dl] == '/')
            s += dl + 1;
        else
            sp_buf_addc(&f->rel, *s++);
    }
    return sp_buf_str(&f->rel);
}

const char *fx_reports(struct fx *f)
{
    return without_dir(f, sp_buf_str(&f->reports));
}

/* Is line "NAME:DIGITS: ..."? (Test file names hold no colon.) */
static int is_record_report(const char *line)
{
    const char *p = strchr(line, ':');

    if (!p || p[1] < '0' || p[1] > '9')
        return 0;
    for (p++; *p >= '0' && *p <= '9'; p++)
        ;
    return *p == ':';
}

const char *fx_record_reports(struct fx *f)
{
    struct sp_buf kept;
    const char *s, *nl;

    sp_buf_init(&kept, 0);
    for (s = sp_buf_str(&f->reports); *s; s = nl + 1) {
        nl = strchr(s, '\n');
        if (!nl)
            break;
        if (is_record_report(without_dir(f, s)))
            sp_buf_add(&kept, s, (size_t)(nl - s + 1));
    }
    without_dir(f, sp_buf_str(&kept));
    sp_buf_free(&kept);
    return sp_buf_str(&f->rel);
}

const char *fx_err(struct fx *f)
{
    return without_dir(f, f->err.msg);
}

void fx_expect_reports(struct fx *f, const char *const *suffixes)
{
    struct sp_buf want;

    sp_buf_init(&want, 0);
    for (; *suffixes; suffixes++) {
        sp_buf_adds(&want, f->path);
        sp_buf_adds(&want, *suffixes);
        sp_buf_addc(&want, '\n');
    }
    assert_string_equal(sp_buf_str(&f->reports), sp_buf_str(&want));
    sp_buf_free(&want);
}

/* ---- one value out of the store ---- */

const char *fx_query_with(struct fx *f, const char *sql, const char *a,
                          const char *b)
{
    sqlite3_stmt *s = NULL;
    const unsigned char *t;

    assert_int_equal(sqlite3_prepare_v2(f->st->db, sql, -1, &s, NULL),
                     SQLITE_OK);
    if (a)
        sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC);
    if (b)
        sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC);
    sp_buf_reset(&f->text);
    if (sqlite3_step(s) != SQLITE_ROW)
        sp_buf_adds(&f->text, "(none)");
    else if (!(t = sqlite3_column_text(s, 0)))
        sp_buf_adds(&f->text, "(null)");
    else
        sp_buf_adds(&f->text, (const char *)t);
    sqlite3_finalize(s);
    return sp_buf_str(&f->text);
}

const char *fx_query(struct fx *f, const char *sql)
{
    return fx_query_with(f, sql, NULL, NULL);
}

const char *fx_col(struct fx *f, const char *column, const char *id)
{
    char sql[512];

    snprintf(sql, sizeof(sql), "SELECT %s FROM spans WHERE id = ?1", column);
    return fx_query_with(f, sql, id, NULL);
}

const char *fx_meta(struct fx *f, const char *id, const char *path)
{
    return fx_query_with(f,
                         "SELECT json_extract(m.doc, ?2) FROM span_metadata m"
                         " JOIN spans s ON s.rowid = m.span_rowid"
                         " WHERE s.id = ?1",
                         id, path);
}

const char *fx_doc(struct fx *f, const char *id)
{
    return fx_query_with(f,
                         "SELECT m.doc FROM span_metadata m"
                         " JOIN spans s ON s.rowid = m.span_rowid"
                         " WHERE s.id = ?1",
                         id, NULL);
}

long fx_count(struct fx *f, const char *where)
{
    char sql[256];

    snprintf(sql, sizeof(sql), "SELECT count(*) FROM spans %s", where);
    return strtol(fx_query(f, sql), NULL, 10);
}

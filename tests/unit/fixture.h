/* tests/unit/fixture.h: a temp store per test, files beside it, imports that
 * collect their reports, one value out of a query. No format's details. */
#ifndef SP_TEST_FIXTURE_H
#define SP_TEST_FIXTURE_H

#include <stddef.h>

#include "import/import.h"
#include "store.h"
#include "util/buf.h"

struct fx {
    char dir[64];              /* the temp dir; fx_teardown removes it */
    char path[1024];           /* the file fx_path or an import last named */
    char result[256];          /* a test's own short answer, if it needs one */
    struct store *st;          /* dir/store.db, open from setup to teardown */
    struct import_summary sum; /* adds up every import of the test */
    struct sp_err err;         /* of the last import */
    struct sp_buf reports;     /* every reported line, each ending in \n */
    struct sp_buf text;        /* the answer of the last query */
    struct sp_buf rel;         /* the answer of the last fx_reports/fx_err */
};

/* cmocka setup and teardown: *state is a struct fx with an empty store. */
int fx_setup(void **state);
int fx_teardown(void **state);

/* ---- files in the temp dir ---- */

/* dir/rel in f->path, with its parent directories made. */
const char *fx_path(struct fx *f, const char *rel);
void fx_write(struct fx *f, const char *rel, const char *data, size_t len);
void fx_write_gz(struct fx *f, const char *rel, const char *data, size_t len);
#define WRITE(f, rel, lit) fx_write((f), (rel), (lit), sizeof(lit) - 1)

/* ---- imports ---- */

/* Imports path (absolute, or relative to the temp dir) as fmt, with the
 * metadata tree at dir/metadata_rel unless that is NULL; every report
 * lands in f->reports, the counts in f->sum, a refusal in f->err. */
int fx_import(struct fx *f, const char *path, enum import_format fmt,
              const char *metadata_rel, int strict);
/* Imports $top_srcdir/tests/fixtures/rel, named in f->path. */
int fx_import_fixture(struct fx *f, const char *rel, enum import_format fmt,
                      int strict);
/* Writes text to dir/rel (f->path) and imports it, not strict. */
int fx_import_text(struct fx *f, const char *rel, enum import_format fmt,
                   const char *text);

/* The reports, and the last error, without the temp dir: "s.csv:2: ...". */
const char *fx_reports(struct fx *f);
const char *fx_err(struct fx *f);
/* fx_reports without the notes about whole files ("s.csv: ..."): the
 * reports of records, "s.csv:2: ...". */
const char *fx_record_reports(struct fx *f);
/* The reports must be exactly these lines (NULL-ended), each f->path +
 * suffix and a newline. */
void fx_expect_reports(struct fx *f, const char *const *suffixes);
#define FX_REPORTS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- one value out of the store ---- */

/* The first column of the first row of sql (?1 = a, ?2 = b, each bound
 * unless NULL) as text; "(null)" for SQL NULL, "(none)" without a row. */
const char *fx_query_with(struct fx *f, const char *sql, const char *a,
                          const char *b);
const char *fx_query(struct fx *f, const char *sql);
/* A span column by span id: fx_col(f, "kind", "b7ad6b7169203331"). */
const char *fx_col(struct fx *f, const char *column, const char *id);
/* A member of a span's metadata, as JSON text (path "$" for all of it). */
const char *fx_meta(struct fx *f, const char *id, const char *path);
/* A span's metadata document as stored. */
const char *fx_doc(struct fx *f, const char *id);
/* The number of spans, WHERE clause and all: fx_count(f, "WHERE ..."). */
long fx_count(struct fx *f, const char *where);

#endif

/* import/latitude_row.h: one column of Latitude's spans table into a span.
 * Shared by the NDJSON, PostgreSQL CSV and pg_dump readers so the three
 * agree on every column; knows struct sp_span and the column names only. */
#ifndef SP_LATITUDE_ROW_H
#define SP_LATITUDE_ROW_H

#include <stddef.h>

#include "import/writer.h"
#include "util/buf.h"

/* Holds copies of the text values of one row (the span borrows them). */
struct latitude_row {
    struct sp_span span;
    struct sp_buf text; /* NUL-separated copies of string values */
    size_t offsets[32]; /* where each string column's copy starts */
    unsigned seen;      /* bit per required column: id, trace_id, ... */
    /* Records name their columns in one order: next_col[c] is the column
     * that followed column c last time (32: the first), 0xff unknown. */
    unsigned char next_col[33];
    unsigned char prev_col; /* of this record so far; 32 before the first */
};

void latitude_row_init(struct latitude_row *r);
void latitude_row_free(struct latitude_row *r);
void latitude_row_reset(struct latitude_row *r); /* for the next record */

/* Sets column `name` from a text value (is_null: SQL NULL). Integer
 * columns take decimal text, timestamps any form of dumps.md §1. Unknown
 * columns return 0 and are ignored. On a bad value returns -1 with a reason
 * in why ("started_at \"x\" is not a timestamp"). */
int latitude_row_set(struct latitude_row *r, const char *name,
                     const char *value, size_t len, int is_null, char *why,
                     size_t whylen);

/* 1 when name is a column of Latitude's spans table spanport knows. */
int latitude_row_is_column(const char *name);

/* Of the columns a header or COPY line names (names + at[i], i < n), which
 * of Latitude's spans columns are absent: the required ones into req, the
 * others the store keeps into opt, each list joined by ", ". Returns how
 * many required ones are absent. */
int latitude_row_missing(const char *names, const size_t *at, size_t n,
                         char *req, size_t reqlen, char *opt, size_t optlen);

/* After all columns: checks required ones (id, trace_id, workspace_id,
 * type, started_at) and fixes the borrowed pointers. -1 with why. */
int latitude_row_finish(struct latitude_row *r, char *why, size_t whylen);

#endif

/* export/export.h: an export request, its page of spans, and its counts.
 * The types every export stage shares; no behaviour lives here. */
#ifndef SP_EXPORT_H
#define SP_EXPORT_H

#include <stddef.h>
#include <stdint.h>

#include "spanport-plugin.h"
#include "util/buf.h"

#define EXPORT_PAGE_SIZE 500
#define EXPORT_SYNC_MAX 25 /* PARTIAL selections up to this run at once */

enum export_mode {
    EXPORT_ALL = 0,
    EXPORT_ALL_EXCEPT,
    EXPORT_PARTIAL,
};

enum export_rows {
    ROWS_PROMPT = 0, /* one row per prompt span (Latitude) */
    ROWS_TRACE,      /* one row per root span */
    ROWS_COMPLETION, /* one row per completion span */
};

/* What to export. Lists are JSON arrays (bound as one parameter and read
 * with json_each), NULL when not given; keys are "TRACE_ID:SPAN_ID",
 * lowercase. Times are inclusive bounds in ns. */
struct export_request {
    int64_t workspace_id;
    int has_project;
    int64_t project_id;
    const char *document_uuid;
    const char *commits_json;
    const char *experiments_json;
    const char *test_deployments_json; /* integers */
    int64_t from_ns, to_ns;            /* INT64_MIN / INT64_MAX: unbounded */
    enum export_mode mode;
    const char *keys_json;          /* --except or --only keys */
    const char *conversations_json; /* --conversation uuids */
    enum export_rows rows;
    int64_t cutoff_seq; /* spans first imported after this are unseen */
    int page_size;      /* 0: EXPORT_PAGE_SIZE */
};

/* One row span of a page and, after enrichment, its chosen completion. */
struct page_row {
    int64_t rowid;
    char trace_id[33];
    char id[17];
    int64_t started_at_ns;
    int has_completion;
    char c_trace_id[33];
    char c_id[17];
    int64_t tokens[4]; /* prompt, cached, reasoning, completion; 0 = null */
    int has_cost;
    int64_t cost;
    size_t model_off; /* into page.text; SIZE_MAX = null */
    size_t doc_off;   /* metadata text in page.text; SIZE_MAX = none */
    size_t doc_len;
};

struct page {
    struct page_row rows[EXPORT_PAGE_SIZE];
    size_t n_rows;
    struct sp_buf text; /* models and metadata documents of this page */
};

enum skip_reason {
    SKIP_NO_COMPLETION = 0,
    SKIP_NO_METADATA,
    SKIP_NOT_COMPLETION,
    SKIP_EMPTY_OUTPUT,
    SKIP_COUNT,
};

struct export_stats {
    uint64_t considered; /* row spans selected */
    uint64_t rows;       /* rows written */
    uint64_t skipped[SKIP_COUNT];
    uint64_t warnings;
    uint64_t bytes;
    int64_t duration_ns;
    char first_warning[256]; /* the first warning, for the summary */
};

const char *export_skip_name(enum skip_reason r);
const char *export_rows_name(enum export_rows r);

#endif

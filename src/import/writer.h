/* import/writer.h: the one place spans enter the store.
 * Every reader fills a struct sp_span and calls writer_put; the writer owns
 * the statements, the per-file transaction and the inserted/replaced counts.
 * Knows the store; nothing of any dump format. */
#ifndef SP_WRITER_H
#define SP_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

struct store;

struct sp_opt_int {
    int64_t value;
    int is_set; /* 0: SQL NULL */
};

/* One span row as dumps.md describes it. Strings are borrowed from the
 * reader for the duration of writer_put; NULL means SQL NULL. Ids are
 * lowercase hex, validated by the reader (writer_put checks them again). */
struct sp_span {
    char trace_id[33];
    char id[17];
    char parent_id[17];         /* "" when the span is a root */
    char previous_trace_id[33]; /* "" when absent */
    int64_t workspace_id;
    struct sp_opt_int api_key_id, project_id, test_deployment_id;
    const char *document_uuid, *commit_uuid, *experiment_uuid,
        *document_log_uuid; /* lowercased by the writer */
    const char *name, *kind, *type, *status, *message, *source;
    const char *model, *provider;
    int64_t started_at_ns, ended_at_ns;
    struct sp_opt_int duration_ms;
    struct sp_opt_int tokens_prompt, tokens_cached, tokens_reasoning,
        tokens_completion, cost;
    const char *created_at, *updated_at; /* as given, or NULL */
    const char *metadata; /* a JSON object's text, or NULL: keep stored */
    size_t metadata_len;
};

/* Resets every field to "absent" (ids empty, options unset, NULLs). */
void span_clear(struct sp_span *s);

struct writer;

int writer_new(struct writer **w, struct store *st, struct sp_err *err);
void writer_free(struct writer *w);

/* One transaction per file: begin, put..., then commit or rollback. The
 * file's path and format are recorded in the store's import log. In
 * between, the puts run on a thread of the writer's: nothing else may use
 * the store's connection (opened without SQLite's mutexes) until commit,
 * rollback or writer_counts, which waits for that thread. */
int writer_begin(struct writer *w, const char *path, const char *format,
                 struct sp_err *err);
/* Checks s and queues a copy for the store; a store failure shows at a
 * later put or at commit, as the error of the whole file. */
int writer_put(struct writer *w, const struct sp_span *s, struct sp_err *err);
int writer_commit(struct writer *w, struct sp_err *err);
void writer_rollback(struct writer *w);

/* Counts since writer_begin (reset by it); waits for queued spans. */
struct writer_counts {
    uint64_t inserted;
    uint64_t replaced;
};
void writer_counts(struct writer *w, struct writer_counts *out);

#endif

/* import/latitude_dump.h: what the Latitude archive readers share: format
 * sniffers, the metadata tree lookup and the row put. No reader internals. */
#ifndef SP_LATITUDE_DUMP_H
#define SP_LATITUDE_DUMP_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

struct import_ctx;
struct latitude_row;

/* The largest metadata document read, compressed or not; a larger one is
 * reported and the span kept without it. */
#define METADATA_MAX_BYTES (64u << 20)

/* For --format auto, on the first bytes of a file (after gzip): 1 when it
 * begins with a PostgreSQL CSV header line naming `id` and `trace_id`. */
int latitude_csv_sniff(const char *p, size_t n);

enum latitude_pgdump_kind {
    LATITUDE_PGDUMP_NONE = 0,
    LATITUDE_PGDUMP_PLAIN = 1,   /* SQL text: read_latitude_pgdump reads it */
    LATITUDE_PGDUMP_ARCHIVE = 2, /* custom or tar format: refused, with the
                                    pg_restore hint */
};

/* For --format auto: a plain dump starts with pg_dump's `--` comments, a
 * `SET ` or `\restrict` line, or shows a `COPY ... spans` line in the
 * bytes given; an archive starts with PGDMP or is a tar holding toc.dat. */
enum latitude_pgdump_kind latitude_pgdump_sniff(const char *p, size_t n);

/* The message for a pg_dump archive (custom or tar format). */
int latitude_pgdump_refuse_archive(const char *name, struct sp_err *err);

struct metadata_tree;

/* Opens DIR for lookups; a DIR that cannot be opened is one clear error
 * (SP_EFAIL), not a silent import without metadata. */
int metadata_tree_open(struct metadata_tree **t, const char *dir,
                       struct sp_err *err);
void metadata_tree_close(struct metadata_tree *t);

/* Reads DIR/workspaces/<workspace_id>/traces/<trace_id>/<span_id>, gzip
 * or plain JSON (detected by the 1f 8b magic), into out (reset first).
 * The ids are checked to be 32 and 16 hex digits and workspace_id to be
 * non-negative before any path is built; no component may be a symbolic
 * link, and the file must be a regular file. Returns 1 when found (out
 * holds the document verbatim, a JSON object), 0 when there is no such
 * file, -1 when it is unreadable, over METADATA_MAX_BYTES, not JSON or not
 * an object (err names the path and the cause). Keeps the last trace
 * directory open for the next span of the same trace. */
int metadata_tree_get(struct metadata_tree *t, int64_t workspace_id,
                      const char *trace_id, const char *span_id,
                      struct sp_buf *out, struct sp_err *err);

/* The same for a single lookup: open, get, close. */
int metadata_tree_read(const char *dir, int64_t workspace_id,
                       const char *trace_id, const char *span_id,
                       struct sp_buf *out, struct sp_err *err);

/* Finishes `row`, parsed from the record that began on `line`, attaches its
 * document from `tree` when there is one (doc is scratch memory that must
 * outlive the put), and puts the span. A bad row goes to import_bad, an
 * unreadable document to import_warn (the span is kept without metadata).
 * -1 only when the file must stop (strict or store). */
int latitude_dump_put(struct import_ctx *ctx, struct latitude_row *row,
                      uint64_t line, struct metadata_tree *tree,
                      struct sp_buf *doc, struct sp_err *err);

#endif

/* tests/bench/gen_latitude.h: what the files of the span generator share:
 * text buffers, the generated world and spans, and the output forms.
 *
 *   gen_latitude.c  options, randomness, the world, traces of spans
 *   gen_buf.c       growable buffers, JSON and CSV text, timestamps
 *   gen_meta.c      Latitude's metadata document of each span
 *   gen_forms.c     latitude-ndjson, latitude-csv + metadata tree, flat CSV
 *   gen_otlp.c      OTLP/JSON NDJSON (Collector file-exporter style)
 *
 * C11 and libc only (plus POSIX mkdir/open for the metadata tree). */
#ifndef GEN_LATITUDE_H
#define GEN_LATITUDE_H

#if !defined(_GNU_SOURCE) && !defined(_POSIX_C_SOURCE)
#define _POSIX_C_SOURCE 200809L
#endif

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#if defined(__GNUC__)
#define GEN_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define GEN_NORETURN __attribute__((noreturn))
#else
#define GEN_PRINTF(f, a)
#define GEN_NORETURN
#endif

/* ---- gen_buf.c ---- */

/* Prints "gen_latitude: MESSAGE" and exits 1. */
GEN_NORETURN GEN_PRINTF(1, 2) void die(const char *fmt, ...);

/* A growable byte buffer; p is NULL until the first append. Appends never
 * fail: out of memory ends the program (die). */
struct buf {
    char *p;
    size_t len, cap;
};

void put_mem(struct buf *b, const char *s, size_t n);
void put_s(struct buf *b, const char *s);
void put_c(struct buf *b, char c);
void put_i(struct buf *b, int64_t v);
/* A JSON string of s[0..n), escaped as JSON.stringify does (UTF-8 raw). */
void put_js(struct buf *b, const char *s, size_t n);
void put_jss(struct buf *b, const char *s);
/* `"key":` (key needs no escaping) */
void put_key(struct buf *b, const char *k);
/* A CSV field, quoted when it holds the separator, a quote, CR or LF, or
 * (pg set) when it is empty, since an unquoted empty field is NULL there. */
void put_csv_field(struct buf *b, const char *s, size_t n, int pg);
/* ms since the epoch as PostgreSQL prints a `timestamp`, trailing zeros of
 * the fraction dropped; sep 'T' (row_to_json) or ' ' (COPY). */
void put_time(struct buf *b, int64_t ms, char sep);

/* ---- the world (gen_latitude.c) ---- */

#define WORKSPACE_ID 1
#define N_COMMITS_PER_DOC 2

struct doc {
    const char *path;
    int64_t project_id;
    const char *system; /* the system prompt */
    const char *tool;   /* the tool it calls */
    const char *param;  /* the template's parameter */
    char uuid[37];
    char commits[N_COMMITS_PER_DOC][37];
};

struct model {
    const char *name, *provider;
    int64_t in_price, out_price; /* 1/100000 USD per 1000 tokens */
};

#define MAX_TOOL_TURNS 3

/* One trace: its prompt's document and model, the user's question and the
 * tool exchanges of its completions, in order (turn i: the call made by
 * completion i, answered by tool span i). */
struct trace_ctx {
    const struct doc *doc;
    const struct model *model;
    const char *commit;
    char question[1024];
    size_t question_len;
    int n_tool_turns;
    char call_ids[MAX_TOOL_TURNS][16];
    char call_args[MAX_TOOL_TURNS][160];
    char results[MAX_TOOL_TURNS][256];
    char assistant_text[MAX_TOOL_TURNS][200];
};

struct opt {
    int set;
    int64_t v;
};

/* One span: its row in Latitude's spans table, its metadata document, and
 * what the OTLP form needs to say the same in attributes. */
struct span {
    char id[17], trace_id[33], parent_id[17], previous_trace_id[33];
    int parent_empty; /* parent_id "" instead of null */
    char document_log_uuid[37];
    int64_t api_key_id;
    struct opt project_id, test_deployment_id;
    const char *document_uuid, *commit_uuid, *experiment_uuid;
    const char *name, *kind, *type, *status, *message, *source;
    int64_t started_ms, ended_ms, created_ms;
    struct opt tokens[4], cost; /* prompt, cached, reasoning, completion */
    const char *model;
    struct buf meta; /* the metadata document (JSON) */
    /* completions: the tool turns seen before (input), whether this one
     * calls the tool (turn n_turns) or failed, its output text and
     * whether the Latitude form gives that text as a plain string */
    int n_turns, calls, failed, out_as_string;
    struct buf out_text;
    int turn; /* tool spans: the turn they answer */
};

/* ---- gen_meta.c ---- */

void meta_prompt(struct span *s, const struct trace_ctx *t);
void meta_completion(struct span *s, const struct trace_ctx *t);
void meta_tool(struct span *s, const struct trace_ctx *t);
/* The prompt's template (promptl source), as text. */
void put_template_text(struct buf *b, const struct trace_ctx *t);

/* ---- output (gen_forms.c, gen_otlp.c) ---- */

enum form { FORM_NDJSON, FORM_PG_CSV, FORM_FLAT_CSV, FORM_OTLP };

struct out {
    enum form form;
    FILE *f;
    const char *meta_dir; /* FORM_PG_CSV */
    unsigned otlp_batch;  /* FORM_OTLP: traces per line */
    unsigned otlp_traces; /* traces in the open line */
    unsigned otlp_spans;  /* spans in the open line */
    uint64_t bytes, spans; /* bytes written to OUT */
    uint64_t meta_bytes;   /* FORM_PG_CSV: bytes of the metadata files */
    struct buf line, scratch, path;
};

void emit_header(struct out *o);
/* One span of trace t, in o->form; first_of_trace: the trace's first. */
void emit(struct out *o, const struct span *s, const struct trace_ctx *t,
          int first_of_trace);
/* After the last span of a trace. */
void emit_trace_end(struct out *o);
/* After the last trace: writes what is pending. */
void emit_finish(struct out *o);
/* Writes the buffered line(s) to o->f. */
void flush_line(struct out *o);
/* Creates path and its missing parents (mode 0755). */
void mkdirs(const char *path);

void otlp_span(struct out *o, const struct span *s, const struct trace_ctx *t);
void otlp_trace_end(struct out *o);
void otlp_finish(struct out *o);

#endif

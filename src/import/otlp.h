/* import/otlp.h: the OTLP/JSON reader (dumps.md §4): sniffing, and the
 * private interface between its stages, one file each along the data flow:
 *   otlp.c          file dialects, records, envelopes, the span loop
 *   otlp_text.c     raw text: sniffing; big integers, NaN, depth, lines
 *   otlp_value.c    OTLP JSON values: AnyValue, int64, ids
 *   otlp_span.c     one span into a store row and its base metadata
 *   otlp_latitude.c type, error, latitude.* references, prompt fields
 *   otlp_genai.c    completion fields: provider, model, tokens, cost...
 *   otlp_message.c  where a completion's messages come from
 *   otlp_promptl.c  one message of any convention into the promptl format
 * Only otlp_sniff and read_otlp (import.h) are used outside these files. */
#ifndef SP_OTLP_H
#define SP_OTLP_H

#include <stdarg.h> /* before cJSON.h: clang's va_list checker needs it */
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "import/writer.h"
#include "util/buf.h"

/* 1 when the first n bytes of a file look like OTLP/JSON trace data (for
 * --format auto): JSON whose text names resourceSpans, batches, scopeSpans,
 * trace_requests or pbreq. A UTF-8 BOM and leading white space are fine. */
int otlp_sniff(const char *p, size_t n);

/* ---- limits: input beyond them is reported, never a crash ---- */
#define OTLP_MAX_DOC_BYTES (256u << 20) /* one multi-line document */
#define OTLP_MAX_DEPTH 256              /* nesting of a document */
#define OTLP_MAX_EMBED_DEPTH 100        /* JSON held in an attribute */
#define OTLP_MAX_METADATA (64u << 20)   /* one span's metadata text */
#define OTLP_MAX_PATH_SEGMENTS 10       /* gen_ai.prompt.0.tool_calls.1... */
#define OTLP_MAX_ATTRS 10000            /* attributes of one span */

/* ---- what a span's mapping says about it (one record) ---- */
struct otlp_notes {
    char why[256];  /* why the span is skipped (otlp_note_bad) */
    char warn[256]; /* the first warning on a kept span */
    unsigned n_warn;
    int nomem; /* an allocation failed: the span cannot be mapped */
};
int otlp_note_bad(struct otlp_notes *n, const char *fmt, ...)
    __attribute__((format(printf, 2, 3))); /* returns -1 */
void otlp_note_warn(struct otlp_notes *n, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- otlp_text.c ---- */
struct otlp_text {
    struct sp_buf json;   /* the text to give cJSON */
    uint64_t *span_lines; /* 0-based line of each span object, in order */
    size_t n_span_lines;
    size_t cap_span_lines;
};
void otlp_text_init(struct otlp_text *t);
void otlp_text_free(struct otlp_text *t);
/* Why text holding a raw NUL byte is refused. */
#define OTLP_RAW_NUL                                                           \
    "holds a raw NUL byte, which JSON text cannot hold (a string writes it "   \
    "\\u0000)"

/* Rewrites in[0..n) for cJSON: integer tokens of 16 or more digits and the
 * bare words NaN, Infinity, -Infinity become strings (cJSON keeps numbers
 * as doubles and knows no NaN); notes the line of every object in a
 * "spans" array. -1 with why when nested deeper than max_depth or holding
 * a raw NUL byte, -2 out of memory. */
int otlp_text_prepare(struct otlp_text *t, const char *in, size_t n,
                      int max_depth, char *why, size_t whylen);
/* Parses JSON held in an attribute (messages, arguments): NULL when it is
 * not JSON, or is nested deeper than OTLP_MAX_EMBED_DEPTH (*too_deep). */
cJSON *otlp_json_parse(const char *s, size_t n, int *too_deep);

/* ---- otlp_value.c ---- */
/* An int64 given as a JSON string or number (fixed64, int64, enums). */
int otlp_int64(const cJSON *v, int64_t *out);
/* An OTLP AnyValue as the JSON value Latitude kept in metadata: strings,
 * booleans and finite doubles as themselves, intValue as its decimal
 * string, NaN and the infinities as "NaN"/"Infinity"/"-Infinity",
 * bytesValue as its base64 text, arrays and kvlists as arrays and objects.
 * NULL (and a note) when the value holds none of these. */
cJSON *otlp_any_value(const cJSON *v, const char *key,
                      struct otlp_notes *notes);
/* Adds a KeyValue list to obj: a key already there is replaced in place
 * (JavaScript object semantics: the first position, the last value). */
int otlp_attrs_merge(cJSON *obj, const cJSON *kvlist, struct otlp_notes *n);
/* A value for a message: "\"text\"" (cut at 48 bytes), 12, true, null,
 * "an array", "an object". */
void otlp_value_text(const cJSON *v, char *buf, size_t n);
/* An id as lowercase hex: 2*nbytes hex digits (any case) or base64 of
 * nbytes. 0 ok, 1 absent ("", missing, all zero), -1 invalid. */
int otlp_id(const cJSON *v, size_t nbytes, char *hex);

/* ---- otlp_span.c ---- */
struct otlp_scope {
    const cJSON *resource_attrs; /* converted attributes of the resource */
    const char *scope_name;      /* NULL when absent */
    const char *scope_version;
};
struct otlp_span {
    struct sp_span row; /* borrows from the members below */
    cJSON *attrs;       /* merged attributes, owned by meta once built */
    cJSON *meta;        /* the metadata document */
    struct sp_buf meta_text;
};
void otlp_span_init(struct otlp_span *s);
void otlp_span_free(struct otlp_span *s); /* and ready for the next span */
/* Maps one OTLP span. 0: s->row is ready to put (notes may hold warnings);
 * -1: the span is skipped, notes->why says why; -2: out of memory. */
int otlp_span_map(const cJSON *span, const struct otlp_scope *sc,
                  int64_t workspace_id, struct otlp_span *s,
                  struct otlp_notes *notes);

/* ---- otlp_latitude.c ---- */
/* The span type, first match wins (latitude-reference §7.2). */
const char *otlp_span_type(const cJSON *attrs);
/* The error message when the attributes or events say the span failed
 * (exception.*, error.type, an "exception"/"error" event), else NULL. */
const char *otlp_span_error(const cJSON *attrs, const cJSON *events);
/* The latitude.* references: metadata members and row columns (pointing
 * into meta). -1 out of memory; bad values are notes, not errors. */
int otlp_references(cJSON *meta, const cJSON *attrs, struct sp_span *row,
                    struct otlp_notes *notes);
/* A prompt span's parameters ({} when bad) and template. -1 no memory. */
int otlp_prompt(cJSON *meta, const cJSON *attrs);

/* ---- otlp_genai.c ---- */
/* Adds the completion members to meta and sets the completion columns of
 * row (model, provider, tokens, cost); strings stay owned by meta. */
int otlp_completion(cJSON *meta, const cJSON *attrs, const cJSON *events,
                    int is_error, struct sp_span *row,
                    struct otlp_notes *notes);
/* Latitude's toCamelCase: "max_tokens" -> "maxTokens". */
int otlp_camel_case(const char *s, struct sp_buf *out);
/* USD text or number to 1/100000 USD, rounded half away from zero: 0 ok,
 * 1 out of the int64 range, -1 not a number. */
int otlp_cost_units(const cJSON *v, int64_t *out);

/* ---- otlp_message.c ---- */
/* The completion's input and output messages in promptl form (arrays,
 * possibly empty), from the first non-empty source of dumps.md §4.1. */
cJSON *otlp_input_messages(const cJSON *attrs, const cJSON *events,
                           cJSON *calls, struct otlp_notes *notes);
cJSON *otlp_output_messages(const cJSON *attrs, const cJSON *events,
                            cJSON *calls, struct otlp_notes *notes);

/* ---- otlp_promptl.c ---- */
/* Translates one message of any convention (OTel GenAI parts, OpenAI,
 * Anthropic, Gemini, Vercel, promptl, flattened OpenLLMetry and
 * OpenInference) into {role, content:[parts]}. NULL when it is empty.
 * calls maps tool call ids to names across the completion's messages. */
cJSON *otlp_promptl_message(const cJSON *msg, const char *default_role,
                            cJSON *calls, struct otlp_notes *notes);
/* One part (a string is a text part); NULL when of an unknown type. */
cJSON *otlp_promptl_part(const cJSON *part, cJSON *calls,
                         struct otlp_notes *notes);
/* 1 when msg has no parts, or only text parts with "" text. */
int otlp_promptl_is_empty(const cJSON *msg);

#endif

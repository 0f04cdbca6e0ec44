/* tests/bench/gen_otlp.c: the OTLP form of the generated spans: OTLP/JSON
 * NDJSON as the Collector's file exporter writes it (dumps.md section 4).
 *
 * One line is one ExportTraceServiceRequest: one resource, one scope and
 * the spans of o->otlp_batch traces. Ids are lowercase hex, times string
 * nanoseconds, kind and status code integers, int64 attributes strings
 * (the protobuf JSON mapping). Each span says with attributes what the
 * Latitude forms say with columns and metadata, so that spanport's OTLP
 * mapping (latitude-reference.md section 7) stores the same rows and the
 * export gives the same CSV:
 *   all spans    latitude.type, latitude.document_log_uuid,
 *                latitude.project_id
 *   prompt       latitude.document_uuid, .commit_uuid, .source,
 *                .experiment_uuid, .test_deployment_id, .previous_trace_id,
 *                gen_ai.request.template, gen_ai.request.parameters
 *   completion   gen_ai.provider.name, gen_ai.system, gen_ai.request.model,
 *                gen_ai.response.model, gen_ai.usage.* tokens and cost
 *                (USD), gen_ai.response.finish_reasons, and the messages
 *                as OpenTelemetry GenAI JSON in gen_ai.input.messages and
 *                gen_ai.output.messages (none when the call failed);
 *                status ERROR with its message when it failed
 *   tool         gen_ai.tool.name, gen_ai.tool.call.id, .arguments, .result
 * Not carried, as OTLP has no place for them: api_key_id, created_at,
 * updated_at. */
#include "gen_latitude.h"

#include <inttypes.h>
#include <string.h>

#define NS_PER_MS INT64_C(1000000)

/* A KeyValue list being written: the commas between its members. */
struct attrs {
    struct buf *b;
    int n;
};

static void attr_key(struct attrs *a, const char *key)
{
    put_s(a->b, a->n++ ? ",{\"key\":\"" : "{\"key\":\"");
    put_s(a->b, key);
    put_s(a->b, "\",\"value\":{");
}

static void attr_str_n(struct attrs *a, const char *key, const char *s,
                       size_t n)
{
    attr_key(a, key);
    put_s(a->b, "\"stringValue\":");
    put_js(a->b, s, n);
    put_s(a->b, "}}");
}

static void attr_str(struct attrs *a, const char *key, const char *s)
{
    attr_str_n(a, key, s, strlen(s));
}

static void attr_int(struct attrs *a, const char *key, int64_t v)
{
    attr_key(a, key);
    put_s(a->b, "\"intValue\":\"");
    put_i(a->b, v);
    put_s(a->b, "\"}}");
}

/* text: a JSON number */
static void attr_double(struct attrs *a, const char *key, const char *text)
{
    attr_key(a, key);
    put_s(a->b, "\"doubleValue\":");
    put_s(a->b, text);
    put_s(a->b, "}}");
}

static void attr_str_list(struct attrs *a, const char *key, const char *s)
{
    attr_key(a, key);
    put_s(a->b, "\"arrayValue\":{\"values\":[{\"stringValue\":");
    put_jss(a->b, s);
    put_s(a->b, "}]}}}");
}

/* cost (1/100000 USD, >= 0) as USD: the shortest exact decimal. */
static void put_usd(struct buf *b, int64_t cost)
{
    char frac[8];
    int64_t whole = cost / 100000;
    int n;

    put_i(b, whole);
    n = snprintf(frac, sizeof(frac), "%05" PRId64, cost % 100000);
    if (n != 5)
        die("cost %" PRId64 " is not a non-negative integer", cost);
    while (n > 0 && frac[n - 1] == '0')
        n--;
    if (n > 0) {
        put_c(b, '.');
        put_mem(b, frac, (size_t)n);
    }
}

/* ---- messages, as OpenTelemetry GenAI JSON (gen_ai.*.messages) ---- */

static void put_text_part(struct buf *b, const char *s, size_t n)
{
    put_s(b, "{\"type\":\"text\",\"content\":");
    put_js(b, s, n);
    put_c(b, '}');
}

/* The call of turn i; its arguments as an object, or now and then as
 * JSON text, as some instrumentations write them. */
static void put_call_part(struct buf *b, const struct trace_ctx *t, int i)
{
    put_s(b, "{\"type\":\"tool_call\",\"id\":\"");
    put_s(b, t->call_ids[i]);
    put_s(b, "\",\"name\":\"");
    put_s(b, t->doc->tool);
    put_s(b, "\",\"arguments\":");
    if (i % 2)
        put_jss(b, t->call_args[i]);
    else
        put_s(b, t->call_args[i]);
    put_c(b, '}');
}

/* The tool's answer names no tool: the mapping takes the name from the
 * call with the same id, earlier in the conversation. */
static void put_tool_message(struct buf *b, const struct trace_ctx *t, int i)
{
    put_s(b, ",{\"role\":\"tool\",\"parts\":[{\"type\":\"tool_call_response\","
             "\"id\":\"");
    put_s(b, t->call_ids[i]);
    put_s(b, "\",\"response\":");
    put_s(b, t->results[i]);
    put_s(b, "}]}");
}

static void put_input_messages(struct buf *b, const struct span *s,
                               const struct trace_ctx *t)
{
    const char *system = t->doc->system;
    int i;

    put_s(b, "[{\"role\":\"system\",\"parts\":[");
    put_text_part(b, system, strlen(system));
    put_s(b, "]},{\"role\":\"user\",\"parts\":[");
    put_text_part(b, t->question, t->question_len);
    put_s(b, "]}");
    for (i = 0; i < s->n_turns; i++) {
        put_s(b, ",{\"role\":\"assistant\",\"parts\":[");
        put_text_part(b, t->assistant_text[i], strlen(t->assistant_text[i]));
        put_c(b, ',');
        put_call_part(b, t, i);
        put_s(b, "]}");
        put_tool_message(b, t, i);
    }
    put_c(b, ']');
}

static void put_output_messages(struct buf *b, const struct span *s,
                                const struct trace_ctx *t)
{
    const char *text = t->assistant_text[s->n_turns];

    put_s(b, "[{\"role\":\"assistant\",\"parts\":[");
    if (s->calls) {
        put_text_part(b, text, strlen(text));
        put_c(b, ',');
        put_call_part(b, t, s->n_turns);
    } else {
        put_text_part(b, s->out_text.p, s->out_text.len);
    }
    put_s(b, "],\"finish_reason\":");
    put_s(b, s->calls ? "\"tool_call\"}]" : "\"stop\"}]");
}

/* ---- attributes by span type ---- */

static void prompt_attrs(struct attrs *a, struct out *o, const struct span *s,
                         const struct trace_ctx *t)
{
    struct buf *sc = &o->scratch;

    attr_str(a, "latitude.document_uuid", s->document_uuid);
    attr_str(a, "latitude.commit_uuid", s->commit_uuid);
    attr_str(a, "latitude.source", s->source);
    if (s->experiment_uuid)
        attr_str(a, "latitude.experiment_uuid", s->experiment_uuid);
    if (s->test_deployment_id.set)
        attr_int(a, "latitude.test_deployment_id", s->test_deployment_id.v);
    if (s->previous_trace_id[0])
        attr_str(a, "latitude.previous_trace_id", s->previous_trace_id);
    sc->len = 0;
    put_template_text(sc, t);
    attr_str_n(a, "gen_ai.request.template", sc->p, sc->len);
    sc->len = 0;
    put_c(sc, '{');
    put_key(sc, t->doc->param);
    put_js(sc, t->question, t->question_len);
    put_c(sc, '}');
    attr_str_n(a, "gen_ai.request.parameters", sc->p, sc->len);
}

static void completion_attrs(struct attrs *a, struct out *o,
                             const struct span *s, const struct trace_ctx *t)
{
    struct buf *sc = &o->scratch;

    attr_str(a, "gen_ai.operation.name", "chat");
    attr_str(a, "gen_ai.provider.name", t->model->provider);
    attr_str(a, "gen_ai.system", t->model->provider);
    attr_str(a, "gen_ai.request.model", s->model);
    attr_str(a, "gen_ai.response.model", s->model);
    attr_double(a, "gen_ai.request.temperature", "0.2");
    attr_int(a, "gen_ai.request.max_tokens", 1024);
    attr_int(a, "gen_ai.usage.input_tokens", s->tokens[0].v);
    attr_int(a, "gen_ai.usage.cache_read.input_tokens", s->tokens[1].v);
    attr_int(a, "gen_ai.usage.reasoning_tokens", s->tokens[2].v);
    attr_int(a, "gen_ai.usage.output_tokens", s->tokens[3].v);
    sc->len = 0;
    put_usd(sc, s->cost.v);
    put_c(sc, '\0');
    attr_double(a, "gen_ai.usage.cost", sc->p);
    attr_str_list(a, "gen_ai.response.finish_reasons",
                  s->failed  ? "error"
                  : s->calls ? "tool_call"
                             : "stop");
    sc->len = 0;
    put_input_messages(sc, s, t);
    attr_str_n(a, "gen_ai.input.messages", sc->p, sc->len);
    if (s->failed)
        return;
    sc->len = 0;
    put_output_messages(sc, s, t);
    attr_str_n(a, "gen_ai.output.messages", sc->p, sc->len);
}

static void tool_attrs(struct attrs *a, const struct span *s,
                       const struct trace_ctx *t)
{
    attr_str(a, "gen_ai.operation.name", "execute_tool");
    attr_str(a, "gen_ai.tool.name", t->doc->tool);
    attr_str(a, "gen_ai.tool.call.id", t->call_ids[s->turn]);
    attr_str(a, "gen_ai.tool.call.arguments", t->call_args[s->turn]);
    attr_str(a, "gen_ai.tool.call.result", t->results[s->turn]);
}

/* ---- spans and lines ---- */

static void put_ns(struct buf *b, const char *key, int64_t ms)
{
    put_c(b, ',');
    put_key(b, key);
    put_c(b, '"');
    put_i(b, ms * NS_PER_MS);
    put_c(b, '"');
}

static void line_open(struct out *o)
{
    put_s(&o->line,
          "{\"resourceSpans\":[{\"resource\":{\"attributes\":["
          "{\"key\":\"service.name\",\"value\":{\"stringValue\":"
          "\"acme-assistant\"}},"
          "{\"key\":\"telemetry.sdk.language\",\"value\":{\"stringValue\":"
          "\"nodejs\"}},"
          "{\"key\":\"telemetry.sdk.name\",\"value\":{\"stringValue\":"
          "\"opentelemetry\"}}]},"
          "\"scopeSpans\":[{\"scope\":{\"name\":\"gen_latitude\","
          "\"version\":\"1\"},\"spans\":[");
}

static void line_close(struct out *o)
{
    put_s(&o->line, "]}]}]}\n");
    o->otlp_traces = 0;
    o->otlp_spans = 0;
}

void otlp_span(struct out *o, const struct span *s, const struct trace_ctx *t)
{
    struct buf *b = &o->line;
    struct attrs a = {b, 0};
    int error = strcmp(s->status, "error") == 0;

    if (o->otlp_spans++ == 0)
        line_open(o);
    else
        put_c(b, ',');
    put_s(b, "{\"traceId\":\"");
    put_s(b, s->trace_id);
    put_s(b, "\",\"spanId\":\"");
    put_s(b, s->id);
    put_c(b, '"');
    if (s->parent_id[0] || s->parent_empty) { /* else left out, as proto3 */
        put_s(b, ",\"parentSpanId\":\"");
        put_s(b, s->parent_id);
        put_c(b, '"');
    }
    put_s(b, ",\"name\":");
    put_jss(b, s->name);
    put_s(b, strcmp(s->kind, "client") == 0 ? ",\"kind\":3" : ",\"kind\":1");
    put_ns(b, "startTimeUnixNano", s->started_ms);
    put_ns(b, "endTimeUnixNano", s->ended_ms);
    put_s(b, ",\"attributes\":[");
    attr_str(&a, "latitude.type", s->type);
    attr_str(&a, "latitude.document_log_uuid", s->document_log_uuid);
    attr_int(&a, "latitude.project_id", s->project_id.v);
    if (strcmp(s->type, "prompt") == 0)
        prompt_attrs(&a, o, s, t);
    else if (strcmp(s->type, "completion") == 0)
        completion_attrs(&a, o, s, t);
    else
        tool_attrs(&a, s, t);
    put_s(b, "],\"status\":{\"code\":");
    put_c(b, error ? '2' : '1');
    if (s->message) {
        put_s(b, ",\"message\":");
        put_jss(b, s->message);
    }
    put_s(b, "}}");
}

void otlp_trace_end(struct out *o)
{
    if (++o->otlp_traces >= o->otlp_batch)
        line_close(o);
}

void otlp_finish(struct out *o)
{
    if (o->otlp_spans > 0)
        line_close(o);
}

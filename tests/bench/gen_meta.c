/* tests/bench/gen_meta.c: the metadata document Latitude kept for each
 * generated span (dumps.md section 3), as JSON text. Draws no randomness. */
#include "gen_latitude.h"

#include <stdlib.h>
#include <string.h>

static void meta_base(struct span *s)
{
    struct buf *m = &s->meta;

    m->len = 0;
    put_s(m, "{\"traceId\":\"");
    put_s(m, s->trace_id);
    put_s(m, "\",\"spanId\":\"");
    put_s(m, s->id);
    put_s(m, "\",\"type\":\"");
    put_s(m, s->type);
    put_s(m, "\",");
}

void put_template_text(struct buf *b, const struct trace_ctx *t)
{
    const struct doc *d = t->doc;

    put_s(b, "---\nprovider: ");
    put_s(b, t->model->provider);
    put_s(b, "\nmodel: ");
    put_s(b, t->model->name);
    put_s(b, "\ntemperature: 0.2\ntools:\n  - ");
    put_s(b, d->tool);
    put_s(b, "\n---\n<system>");
    put_s(b, d->system);
    put_s(b, "</system>\n<user>{{ ");
    put_s(b, d->param);
    put_s(b, " }}</user>");
}

static void put_template(struct buf *m, const struct trace_ctx *t)
{
    struct buf tmpl = {0};

    put_template_text(&tmpl, t);
    put_js(m, tmpl.p, tmpl.len);
    free(tmpl.p);
}

void meta_prompt(struct span *s, const struct trace_ctx *t)
{
    struct buf *m = &s->meta;
    const struct doc *d = t->doc;

    meta_base(s);
    put_s(m, "\"attributes\":{\"latitude.type\":\"prompt\","
             "\"latitude.document_uuid\":\"");
    put_s(m, d->uuid);
    put_s(m, "\",\"latitude.commit_uuid\":\"");
    put_s(m, t->commit);
    put_s(m, "\",\"latitude.project_id\":");
    put_i(m, d->project_id);
    put_s(m, "},\"events\":[],\"links\":[],\"parameters\":{");
    put_key(m, d->param);
    put_js(m, t->question, t->question_len);
    put_s(m, "},\"template\":");
    put_template(m, t);
    put_s(m, ",\"promptUuid\":\"");
    put_s(m, d->uuid);
    put_s(m, "\",\"versionUuid\":\"");
    put_s(m, t->commit);
    put_s(m, "\",\"documentLogUuid\":\"");
    put_s(m, s->document_log_uuid);
    put_s(m, "\",\"projectId\":");
    put_i(m, d->project_id);
    if (s->experiment_uuid) {
        put_s(m, ",\"experimentUuid\":\"");
        put_s(m, s->experiment_uuid);
        put_c(m, '"');
    }
    if (s->test_deployment_id.set) {
        put_s(m, ",\"testDeploymentId\":");
        put_i(m, s->test_deployment_id.v);
    }
    put_s(m, ",\"source\":");
    put_jss(m, s->source);
    put_c(m, '}');
}

static void put_tool_call(struct buf *m, const struct trace_ctx *t, int i)
{
    put_s(m, "{\"type\":\"tool-call\",\"toolCallId\":\"");
    put_s(m, t->call_ids[i]);
    put_s(m, "\",\"toolName\":\"");
    put_s(m, t->doc->tool);
    put_s(m, "\",\"args\":");
    put_s(m, t->call_args[i]);
    put_c(m, '}');
}

/* The conversation a completion saw: system, user, then for each earlier
 * tool turn the assistant's call and the tool's result. The result part
 * has no isError member: OpenTelemetry's GenAI messages have no place for
 * it, so the OTLP form could not say the same (see gen_otlp.c). */
static void put_input(struct buf *m, const struct span *s,
                      const struct trace_ctx *t)
{
    int i;

    put_s(m, "\"input\":[{\"role\":\"system\",\"content\":");
    put_jss(m, t->doc->system);
    put_s(m, "},{\"role\":\"user\",\"content\":");
    if (t->question_len % 2) { /* string or text parts, both seen */
        put_js(m, t->question, t->question_len);
    } else {
        put_s(m, "[{\"type\":\"text\",\"text\":");
        put_js(m, t->question, t->question_len);
        put_s(m, "}]");
    }
    put_c(m, '}');
    for (i = 0; i < s->n_turns; i++) {
        put_s(m, ",{\"role\":\"assistant\",\"content\":[{\"type\":\"text\","
                 "\"text\":");
        put_jss(m, t->assistant_text[i]);
        put_s(m, "},");
        put_tool_call(m, t, i);
        put_s(m, "]},{\"role\":\"tool\",\"content\":[{\"type\":"
                 "\"tool-result\",\"toolCallId\":\"");
        put_s(m, t->call_ids[i]);
        put_s(m, "\",\"toolName\":\"");
        put_s(m, t->doc->tool);
        put_s(m, "\",\"result\":");
        put_s(m, t->results[i]);
        put_s(m, "}]}");
    }
    put_c(m, ']');
}

/* One assistant message: text plus a tool call when the completion calls
 * the tool, else its text as a string or as one text part. */
static void put_output(struct buf *m, const struct span *s,
                       const struct trace_ctx *t)
{
    put_s(m, ",\"output\":[{\"role\":\"assistant\",\"content\":");
    if (s->calls) {
        put_s(m, "[{\"type\":\"text\",\"text\":");
        put_jss(m, t->assistant_text[s->n_turns]);
        put_s(m, "},");
        put_tool_call(m, t, s->n_turns);
        put_c(m, ']');
    } else if (s->out_as_string) {
        put_js(m, s->out_text.p, s->out_text.len);
    } else {
        put_s(m, "[{\"type\":\"text\",\"text\":");
        put_js(m, s->out_text.p, s->out_text.len);
        put_s(m, "}]");
    }
    put_s(m, "}]");
}

/* A completion: the conversation so far in, one assistant message out
 * (none when the call failed). */
void meta_completion(struct span *s, const struct trace_ctx *t)
{
    struct buf *m = &s->meta;

    meta_base(s);
    put_s(m, "\"attributes\":{\"gen_ai.system\":\"");
    put_s(m, t->model->provider);
    put_s(m, "\",\"gen_ai.request.model\":\"");
    put_s(m, t->model->name);
    put_s(m, "\",\"gen_ai.operation.name\":\"chat\"},\"events\":[],"
             "\"links\":[],\"provider\":\"");
    put_s(m, t->model->provider);
    put_s(m, "\",\"model\":\"");
    put_s(m, t->model->name);
    put_s(m, "\",\"configuration\":{\"temperature\":0.2,\"maxTokens\":1024,"
             "\"tools\":[\"");
    put_s(m, t->doc->tool);
    put_s(m, "\"]},");
    put_input(m, s, t);
    if (!s->failed)
        put_output(m, s, t);
    put_s(m, ",\"tokens\":{\"prompt\":");
    put_i(m, s->tokens[0].v);
    put_s(m, ",\"cached\":");
    put_i(m, s->tokens[1].v);
    put_s(m, ",\"reasoning\":");
    put_i(m, s->tokens[2].v);
    put_s(m, ",\"completion\":");
    put_i(m, s->tokens[3].v);
    put_s(m, "},\"cost\":");
    put_i(m, s->cost.v);
    put_s(m, ",\"finishReason\":");
    put_s(m, s->failed  ? "\"error\""
             : s->calls ? "\"tool-calls\""
                        : "\"stop\"");
    put_c(m, '}');
}

void meta_tool(struct span *s, const struct trace_ctx *t)
{
    struct buf *m = &s->meta;

    meta_base(s);
    put_s(m, "\"attributes\":{\"gen_ai.tool.name\":\"");
    put_s(m, t->doc->tool);
    put_s(m, "\"},\"events\":[],\"links\":[],\"name\":\"");
    put_s(m, t->doc->tool);
    put_s(m, "\",\"call\":{\"id\":\"");
    put_s(m, t->call_ids[s->turn]);
    put_s(m, "\",\"arguments\":");
    put_s(m, t->call_args[s->turn]);
    put_s(m, "},\"result\":{\"value\":");
    put_s(m, t->results[s->turn]);
    put_s(m, ",\"isError\":false}}");
}

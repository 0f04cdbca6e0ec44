/* tests/unit/test_otlp_genai.c: GenAI attribute conventions and message
 * shapes, mapped to Latitude's columns and metadata; no JSON dialects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "import/otlp.h"

/* The metadata without its (long) attributes member. */
static const char *json_remove_attrs(struct fx *f, const char *id)
{
    return fx_query_with(
        f,
        "SELECT json_remove(m.doc, '$.attributes') FROM span_metadata m"
        " JOIN spans s ON s.rowid = m.span_rowid WHERE s.id = ?1",
        id, NULL);
}

/* ---- attribute conventions ---- */

static void genai_current_gives_messages_tokens_cost_and_reason(void **state)
{
    struct fx *f = *state;
    const char *id = "a100000000000001";

    assert_int_equal(
        fx_import_fixture(f, "otlp/genai-current.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(
        fx_col(f,
               "type || ' ' || provider || ' ' || model || ' ' ||"
               " tokens_prompt || ' ' || tokens_cached || ' ' ||"
               " tokens_reasoning || ' ' || tokens_completion || ' ' || cost",
               id),
        "completion openai gpt-4o-2024-08-06 120 105 4 30 3");
    assert_string_equal(
        fx_meta(f, id, "$.input"),
        "[{\"role\":\"system\",\"content\":[{\"type\":\"text\","
        "\"text\":\"Be brief.\"}]},{\"role\":\"user\",\"content\":[{"
        "\"type\":\"text\",\"text\":\"Weather in Paris?\"}]},"
        "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool-call\","
        "\"toolCallId\":\"call_1\",\"toolName\":\"get_weather\","
        "\"args\":{\"city\":\"Paris\"}}]},{\"role\":\"tool\",\"content\":[{"
        "\"type\":\"tool-result\",\"toolCallId\":\"call_1\","
        "\"toolName\":\"get_weather\",\"result\":\"18C\"}]}]");
    assert_string_equal(
        fx_meta(f, id, "$.output"),
        "[{\"role\":\"assistant\",\"content\":[{\"type\":\"reasoning\","
        "\"text\":\"The tool said 18C.\"},{\"type\":\"text\","
        "\"text\":\"18C and sunny.\"}]}]");
    assert_string_equal(fx_meta(f, id, "$.configuration"),
                        "{\"model\":\"gpt-4o\",\"temperature\":0.2,"
                        "\"maxTokens\":\"256\"}");
    assert_string_equal(fx_meta(f, id, "$.finishReason"), "stop");
}

static void completion_metadata_members_keep_latitude_order(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_fixture(f, "otlp/genai-current.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(
        fx_query_with(
            f,
            "SELECT group_concat(key, ',') FROM span_metadata m JOIN spans s"
            " ON s.rowid = m.span_rowid, json_each(m.doc) WHERE s.id = ?1",
            "a100000000000001", NULL),
        "traceId,spanId,type,attributes,events,links,provider,model,"
        "configuration,input,output,tokens,cost,finishReason");
}

static void genai_operation_names_give_embedding_and_tool(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_fixture(f, "otlp/genai-current.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(
        fx_col(f, "type || ' ' || (tokens_prompt IS NULL)", "a100000000000002"),
        "embedding 1");
    assert_string_equal(fx_col(f, "type", "a100000000000003"), "tool");
}

static void openllmetry_indexed_messages_are_read_in_index_order(void **state)
{
    struct fx *f = *state;
    const char *id = "b200000000000001";

    assert_int_equal(
        fx_import_fixture(f, "otlp/openllmetry.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(
        fx_col(f,
               "type || ' ' || provider || ' ' || model || ' ' ||"
               " tokens_prompt || ' ' || tokens_cached || ' ' ||"
               " tokens_completion || ' ' || (cost IS NULL)",
               id),
        "completion OpenAI gpt-4o-mini 50 13 7 1");
    assert_string_equal(
        fx_meta(f, id, "$.input"),
        "[{\"role\":\"system\",\"content\":[{\"type\":\"text\","
        "\"text\":\"You are terse.\"}]},{\"role\":\"user\",\"content\":[{"
        "\"type\":\"text\",\"text\":\"Where is order A-1?\"},{\"type\":"
        "\"image\",\"image\":\"https://example.com/a.png\"}]},{\"role\":"
        "\"assistant\",\"content\":[{\"type\":\"tool-call\",\"toolCallId\":"
        "\"call_9\",\"toolName\":\"lookup_order\",\"args\":{\"id\":"
        "\"A-1\"}}]},{\"role\":\"tool\",\"content\":[{\"type\":"
        "\"tool-result\",\"toolCallId\":\"call_9\",\"toolName\":"
        "\"lookup_order\",\"result\":\"shipped\"}]}]");
    assert_string_equal(fx_meta(f, id, "$.output"),
                        "[{\"role\":\"assistant\",\"content\":[{\"type\":"
                        "\"text\",\"text\":\"It shipped.\"}]}]");
    assert_string_equal(fx_meta(f, id, "$.finishReason"), "stop");
    assert_string_equal(fx_col(f, "type", "b200000000000002"), "embedding");
}

/* Every indexed message, not the first alone: N.message.* is one level
 * deeper than gen_ai.prompt.N.* (a second span of the same fixture). */
static void openinference_keeps_every_indexed_message(void **state)
{
    struct fx *f = *state;
    const char *id = "c300000000000005";

    assert_int_equal(
        fx_import_fixture(f, "otlp/openinference.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(
        fx_meta(f, id, "$.input"),
        "[{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":"
        "\"You are terse.\"}]},{\"role\":\"user\",\"content\":[{\"type\":"
        "\"text\",\"text\":\"Capital of France?\"}]}]");
    assert_string_equal(
        fx_meta(f, id, "$.output"),
        "[{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":"
        "\"Let me think.\"}]},{\"role\":\"assistant\",\"content\":[{\"type\":"
        "\"text\",\"text\":\"Paris.\"}]}]");
}

static void openinference_messages_tokens_and_cost(void **state)
{
    struct fx *f = *state;
    const char *id = "c300000000000001";

    assert_int_equal(
        fx_import_fixture(f, "otlp/openinference.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(
        fx_col(f,
               "type || ' ' || provider || ' ' || model || ' ' ||"
               " tokens_prompt || ' ' || tokens_cached || ' ' ||"
               " tokens_reasoning || ' ' || tokens_completion || ' ' || cost",
               id),
        "completion anthropic claude-3-5-sonnet 20 10 1 5 123");
    assert_string_equal(
        fx_meta(f, id, "$.input"),
        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":"
        "\"Describe this.\"},{\"type\":\"image\",\"image\":"
        "\"https://example.com/cat.jpg\"}]}]");
    assert_string_equal(
        fx_meta(f, id, "$.output"),
        "[{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":"
        "\"A cat.\"},{\"type\":\"tool-call\",\"toolCallId\":\"t1\","
        "\"toolName\":\"tag\",\"args\":{\"label\":\"cat\"}}]}]");
    assert_string_equal(fx_meta(f, id, "$.configuration"),
                        "{\"maxTokens\":100,\"topP\":0.9}");
    assert_string_equal(fx_meta(f, id, "$.finishReason"), "unknown");
    assert_string_equal(fx_col(f, "type", "c300000000000002"), "tool");
    assert_string_equal(fx_col(f, "type", "c300000000000003"), "embedding");
    assert_string_equal(fx_col(f, "type", "c300000000000004"), "unknown");
}

static void legacy_llm_prompts_and_completions_are_read(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_fixture(f, "otlp/openllmetry.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(fx_meta(f, "b200000000000003", "$.input"),
                        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                        "\"text\":\"Say hi\"}]}]");
    assert_string_equal(fx_meta(f, "b200000000000003", "$.output"),
                        "[{\"role\":\"assistant\",\"content\":[{\"type\":"
                        "\"text\",\"text\":\"hi\"}]}]");
}

static void openai_message_shapes_become_promptl(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_fixture(f, "otlp/message-shapes.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(
        fx_meta(f, "b900000000000001", "$.input"),
        "[{\"role\":\"developer\",\"content\":[{\"type\":\"text\","
        "\"text\":\"Answer in French.\"}]},{\"role\":\"user\",\"content\":"
        "[{\"type\":\"text\",\"text\":\"What is this?\"},{\"type\":"
        "\"image\",\"image\":\"https://example.com/d.png\"}]},{\"role\":"
        "\"assistant\",\"content\":[{\"type\":\"tool-call\",\"toolCallId\":"
        "\"call_a\",\"toolName\":\"describe\",\"args\":{\"detail\":"
        "\"high\"}}]},{\"role\":\"tool\",\"content\":[{\"type\":"
        "\"tool-result\",\"toolCallId\":\"call_a\",\"toolName\":"
        "\"describe\",\"result\":\"a dog\"}]}]");
}

static void anthropic_message_shapes_become_promptl(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_fixture(f, "otlp/message-shapes.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(
        fx_meta(f, "b900000000000002", "$.input"),
        "[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"image\":"
        "\"data:image/png;base64,iVBORw0KGgo=\",\"mimeType\":\"image/png\"},"
        "{\"type\":\"text\",\"text\":\"Weather?\"}]},{\"role\":"
        "\"assistant\",\"content\":[{\"type\":\"reasoning\",\"text\":"
        "\"Need the tool.\"},{\"type\":\"redacted-reasoning\",\"data\":"
        "\"opaque\"},{\"type\":\"tool-call\",\"toolCallId\":\"toolu_1\","
        "\"toolName\":\"weather\",\"args\":{\"city\":\"Oslo\"}}]},"
        "{\"role\":\"user\",\"content\":[{\"type\":\"tool-result\","
        "\"toolCallId\":\"toolu_1\",\"toolName\":\"weather\",\"result\":"
        "\"-3C\"}]}]");
}

static void gemini_message_shapes_become_promptl(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_fixture(f, "otlp/message-shapes.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(
        fx_meta(f, "b900000000000003", "$.input"),
        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":"
        "\"Plot this\"},{\"type\":\"image\",\"image\":"
        "\"data:image/jpeg;base64,/9j/4AAQ\",\"mimeType\":\"image/jpeg\"},"
        "{\"type\":\"file\",\"file\":\"gs://b/r.pdf\",\"mimeType\":"
        "\"application/pdf\"}]},{\"role\":\"assistant\",\"content\":[{"
        "\"type\":\"tool-call\",\"toolCallId\":\"\",\"toolName\":\"plot\","
        "\"args\":{\"kind\":\"bar\"}}]},{\"role\":\"user\",\"content\":[{"
        "\"type\":\"tool-result\",\"toolCallId\":\"\",\"toolName\":"
        "\"plot\",\"result\":{\"ok\":true}}]}]");
    assert_string_equal(fx_meta(f, "b900000000000003", "$.output"),
                        "[{\"role\":\"assistant\",\"content\":[{\"type\":"
                        "\"text\",\"text\":\"Done.\"}]}]");
}

static void vercel_response_parts_combine_into_one_message(void **state)
{
    struct fx *f = *state;
    const char *id = "d400000000000002";

    assert_int_equal(fx_import_fixture(f, "otlp/vercel.ndjson", IMPORT_OTLP, 0),
                     0);
    assert_string_equal(
        fx_col(f,
               "type || ' ' || provider || ' ' || model || ' ' ||"
               " tokens_prompt || ' ' || tokens_completion",
               id),
        "completion openai.chat gpt-4o-mini-2024-07-18 9 3");
    assert_string_equal(
        fx_meta(f, id, "$.input"),
        "[{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":"
        "\"Be nice.\"}]},{\"role\":\"user\",\"content\":[{\"type\":\"text\","
        "\"text\":\"Hi\"},{\"type\":\"image\",\"image\":"
        "\"https://example.com/x.png\",\"mimeType\":\"image/png\"}]}]");
    assert_string_equal(
        fx_meta(f, id, "$.output"),
        "[{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":"
        "\"Hello!\"},{\"type\":\"tool-call\",\"toolCallId\":\"c1\","
        "\"toolName\":\"wave\",\"args\":{\"times\":2}}]}]");
    assert_string_equal(fx_meta(f, id, "$.configuration"),
                        "{\"maxRetries\":2,\"temperature\":0}");
    assert_string_equal(fx_meta(f, id, "$.finishReason"), "tool-calls");
}

static void vercel_wrappers_are_unknown_and_tool_calls_are_tools(void **state)
{
    struct fx *f = *state;

    assert_int_equal(fx_import_fixture(f, "otlp/vercel.ndjson", IMPORT_OTLP, 0),
                     0);
    assert_string_equal(fx_col(f, "type", "d400000000000001"), "unknown");
    assert_string_equal(fx_col(f, "type", "d400000000000003"), "tool");
    assert_string_equal(fx_col(f, "type", "d400000000000004"), "embedding");
}

/* OpenTelemetry's registry spells it gen_ai.system_instructions; the
 * system message comes first, and the attribute alone marks a completion. */
static void system_instructions_in_either_spelling_come_first(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_text(
            f, "sys.ndjson", IMPORT_OTLP,
            "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":"
            "\"f1000000000000000000000000000001\",\"spanId\":"
            "\"f100000000000001\",\"name\":\"chat\",\"startTimeUnixNano\":"
            "\"1768471200000000000\",\"attributes\":[{\"key\":"
            "\"gen_ai.system_instructions\",\"value\":{\"stringValue\":"
            "\"Be brief.\"}},{\"key\":\"gen_ai.input.messages\",\"value\":"
            "{\"stringValue\":\"[{\\\"role\\\":\\\"user\\\",\\\"parts\\\":"
            "[{\\\"type\\\":\\\"text\\\",\\\"content\\\":\\\"Hi\\\"}]}]\"}}"
            "]}]}]}]}\n"),
        0);
    assert_string_equal(fx_col(f, "type", "f100000000000001"), "completion");
    assert_string_equal(
        fx_meta(f, "f100000000000001", "$.input"),
        "[{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":"
        "\"Be brief.\"}]},{\"role\":\"user\",\"content\":[{\"type\":"
        "\"text\",\"text\":\"Hi\"}]}]");
}

static void gen_ai_prompt_holds_json_messages_or_plain_text(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_fixture(f, "otlp/genai-text.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(fx_meta(f, "e500000000000001", "$.input"),
                        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                        "\"text\":\"2+2?\"}]}]");
    assert_string_equal(fx_meta(f, "e500000000000001", "$.output"),
                        "[{\"role\":\"assistant\",\"content\":[{\"type\":"
                        "\"text\",\"text\":\"4\"}]}]");
    assert_string_equal(fx_meta(f, "e500000000000002", "$.input"),
                        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                        "\"text\":\"Tell me a joke\"}]}]");
    assert_string_equal(fx_meta(f, "e500000000000002", "$.output"),
                        "[{\"role\":\"assistant\",\"content\":[{\"type\":"
                        "\"text\",\"text\":\"No.\"}]}]");
}

static void
a_json_scalar_is_text_and_json_without_messages_is_ignored(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_fixture(f, "otlp/genai-text.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(fx_meta(f, "e500000000000003", "$.input"),
                        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                        "\"text\":\"4\"}]}]");
    assert_string_equal(fx_meta(f, "e500000000000003", "$.output"), "[]");
}

static void empty_messages_are_dropped_but_white_space_is_kept(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_fixture(f, "otlp/genai-text.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(fx_meta(f, "e500000000000004", "$.input"),
                        "[{\"role\":\"system\",\"content\":[{\"type\":"
                        "\"text\",\"text\":\"Sys prompt\"}]},{\"role\":"
                        "\"user\",\"content\":[{\"type\":\"text\","
                        "\"text\":\"Q\"}]}]");
    assert_string_equal(
        fx_meta(f, "e500000000000004", "$.output"),
        "[{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":"
        "\"A\"},{\"type\":\"text\",\"text\":\"\"}]},{\"role\":\"assistant\","
        "\"content\":[{\"type\":\"text\",\"text\":\" \"}]}]");
}

static void markers_alone_make_a_completion_without_model(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_fixture(f, "otlp/genai-text.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(fx_col(f, "type || ' ' || provider || ' ' || model",
                               "e500000000000005"),
                        "completion aws.bedrock titan");
    assert_string_equal(fx_col(f,
                               "type || ' ' || (provider IS NULL) || ' ' ||"
                               " (model IS NULL)",
                               "e500000000000006"),
                        "completion 1 1");
    assert_string_equal(fx_meta(f, "e500000000000006", "$.model"), "");
}

static void span_events_give_messages_in_their_order(void **state)
{
    struct fx *f = *state;

    assert_int_equal(fx_import_fixture(f, "otlp/events.ndjson", IMPORT_OTLP, 0),
                     0);
    assert_string_equal(fx_meta(f, "f600000000000001", "$.input"),
                        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                        "\"text\":\"user: hello\"}]}]");
    assert_string_equal(fx_meta(f, "f600000000000001", "$.output"),
                        "[{\"role\":\"assistant\",\"content\":[{\"type\":"
                        "\"text\",\"text\":\"Hi there\"}]}]");
    assert_string_equal(
        fx_meta(f, "f600000000000002", "$.input"),
        "[{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":"
        "\"Sys\"}]},{\"role\":\"user\",\"content\":[{\"type\":\"text\","
        "\"text\":\"U1\"}]},{\"role\":\"assistant\",\"content\":[{\"type\":"
        "\"text\",\"text\":\"A1\"}]},{\"role\":\"tool\",\"content\":[{"
        "\"type\":\"text\",\"text\":\"T1\"}]}]");
    assert_string_equal(
        fx_meta(f, "f600000000000002", "$.output"),
        "[{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":"
        "\"C1\"}]},{\"role\":\"assistant\",\"content\":[{\"type\":\"text\","
        "\"text\":\"C2 plain\"}]}]");
}

static void
an_exception_event_makes_an_error_completion_without_output(void **state)
{
    struct fx *f = *state;
    const char *id = "f600000000000003";

    assert_int_equal(fx_import_fixture(f, "otlp/events.ndjson", IMPORT_OTLP, 0),
                     0);
    assert_string_equal(fx_col(f, "status || ' ' || message", id),
                        "error rate limited");
    assert_string_equal(fx_meta(f, id, "$.input"),
                        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                        "\"text\":\"json event\"}]}]");
    assert_string_equal(fx_meta(f, id, "$.output"), "(null)");
    assert_string_equal(
        fx_query_with(
            f,
            "SELECT json_type(m.doc, '$.output') IS NULL FROM span_metadata"
            " m JOIN spans s ON s.rowid = m.span_rowid WHERE s.id = ?1",
            id, NULL),
        "1");
}

static void latitude_references_fill_columns_and_metadata(void **state)
{
    struct fx *f = *state;
    const char *id = "a700000000000001";

    assert_int_equal(
        fx_import_fixture(f, "otlp/latitude.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(
        fx_col(f,
               "type || '|' || document_uuid || '|' || commit_uuid || '|' ||"
               " experiment_uuid || '|' || document_log_uuid || '|' ||"
               " project_id || '|' || test_deployment_id || '|' || source ||"
               " '|' || previous_trace_id",
               id),
        "prompt|8c0a3f6e-1b2c-4d5e-8f90-a1b2c3d4e5f6|"
        "11111111-2222-4333-8444-555555555555|"
        "66666666-7777-4888-9999-000000000000|"
        "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee|42|7|playground|"
        "abcdef0123456789abcdef0123456789");
    assert_string_equal(
        json_remove_attrs(f, id),
        "{\"traceId\":\"a7000000000000000000000000000007\",\"spanId\":"
        "\"a700000000000001\",\"type\":\"prompt\",\"events\":[],\"links\":[],"
        "\"source\":\"playground\",\"documentLogUuid\":"
        "\"aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee\",\"promptUuid\":"
        "\"8C0A3F6E-1B2C-4D5E-8F90-A1B2C3D4E5F6\",\"versionUuid\":"
        "\"11111111-2222-4333-8444-555555555555\",\"experimentUuid\":"
        "\"66666666-7777-4888-9999-000000000000\",\"projectId\":42,"
        "\"testDeploymentId\":7,\"previousTraceId\":"
        "\"ABCDEF0123456789ABCDEF0123456789\",\"parameters\":{\"city\":"
        "\"Paris\"},\"template\":\"Weather in {{city}}\"}");
}

static void an_error_status_completion_has_no_output(void **state)
{
    struct fx *f = *state;
    const char *id = "a700000000000002";

    assert_int_equal(
        fx_import_fixture(f, "otlp/latitude.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(fx_col(f,
                               "type || ' ' || status || ' ' || message ||"
                               " ' ' || tokens_prompt",
                               id),
                        "completion error upstream 500 11");
    assert_string_equal(
        json_remove_attrs(f, id),
        "{\"traceId\":\"a7000000000000000000000000000007\",\"spanId\":"
        "\"a700000000000002\",\"type\":\"completion\",\"events\":[],"
        "\"links\":[],\"provider\":\"openai\",\"model\":\"gpt-4o\","
        "\"configuration\":{\"model\":\"gpt-4o\"},\"input\":[{\"role\":"
        "\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Weather?\"}]}],"
        "\"tokens\":{\"prompt\":11,\"cached\":0,\"reasoning\":0,"
        "\"completion\":0},\"finishReason\":\"unknown\"}");
}

static void latitude_type_wins_and_unresolved_external_is_external(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_fixture(f, "otlp/latitude.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(
        fx_col(f, "type || ' ' || (document_uuid IS NULL)", "a700000000000003"),
        "external 1");
    assert_string_equal(fx_col(f, "type", "a700000000000004"), "completion");
    fx_expect_reports(
        f,
        FX_REPORTS(":1: warning: latitude.document_uuid is not a valid UUID; "
                   "ignored"));
}

static void an_error_attribute_makes_a_span_an_error(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_fixture(f, "otlp/latitude.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(fx_col(f, "type || ' ' || status || ' ' || message",
                               "a700000000000005"),
                        "unknown error timeout");
}

static void any_exception_attribute_makes_a_span_an_error(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_text(f, "stack.ndjson", IMPORT_OTLP,
                       "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{"
                       "\"traceId\":\"88888888888888888888888888888888\","
                       "\"spanId\":\"8888888888888881\",\"attributes\":[{"
                       "\"key\":\"exception.stacktrace\",\"value\":{"
                       "\"stringValue\":\"at main()\"}}]}]}]}]}\n"),
        0);
    assert_string_equal(
        fx_col(f, "status || ' ' || message", "8888888888888881"),
        "error Unknown error");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(genai_current_gives_messages_tokens_cost_and_reason),
        T(completion_metadata_members_keep_latitude_order),
        T(genai_operation_names_give_embedding_and_tool),
        T(openllmetry_indexed_messages_are_read_in_index_order),
        T(openinference_messages_tokens_and_cost),
        T(openinference_keeps_every_indexed_message),
        T(legacy_llm_prompts_and_completions_are_read),
        T(openai_message_shapes_become_promptl),
        T(anthropic_message_shapes_become_promptl),
        T(gemini_message_shapes_become_promptl),
        T(vercel_response_parts_combine_into_one_message),
        T(vercel_wrappers_are_unknown_and_tool_calls_are_tools),
        T(gen_ai_prompt_holds_json_messages_or_plain_text),
        T(system_instructions_in_either_spelling_come_first),
        T(a_json_scalar_is_text_and_json_without_messages_is_ignored),
        T(empty_messages_are_dropped_but_white_space_is_kept),
        T(markers_alone_make_a_completion_without_model),
        T(span_events_give_messages_in_their_order),
        T(an_exception_event_makes_an_error_completion_without_output),
        T(latitude_references_fill_columns_and_metadata),
        T(an_error_status_completion_has_no_output),
        T(latitude_type_wins_and_unresolved_external_is_external),
        T(an_error_attribute_makes_a_span_an_error),
        T(any_exception_attribute_makes_a_span_an_error),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}

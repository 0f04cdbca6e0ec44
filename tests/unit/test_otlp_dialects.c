/* tests/unit/test_otlp_dialects.c: the OTLP/JSON reader's dialects, values,
 * bad records and limits, on tests/fixtures/otlp; no GenAI conventions. */
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

/* ---- dialects ---- */

static void a_pretty_document_gives_exact_rows_and_metadata(void **state)
{
    struct fx *f = *state;

    assert_int_equal(fx_import_fixture(f, "otlp/single.json", IMPORT_OTLP, 0),
                     0);
    assert_int_equal(f->sum.inserted, 2);
    assert_string_equal(
        fx_query_with(
            f,
            "SELECT trace_id || '|' || parent_id || '|' || name || '|' ||"
            " kind || '|' || type || '|' || status || '|' || duration_ms ||"
            " '|' || started_at_ns || '|' || ended_at_ns || '|' ||"
            " workspace_id || '|' || (model IS NULL) FROM spans"
            " WHERE id = ?1",
            "b7ad6b7169203331", NULL),
        "0af7651916cd43dd8448eb211c80319c|00f067aa0ba902b7|checkout|"
        "server|unknown|ok|499|1768471200123456789|1768471200623456788|1|1");
    assert_string_equal(
        fx_doc(f, "b7ad6b7169203331"),
        "{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\","
        "\"spanId\":\"b7ad6b7169203331\",\"type\":\"unknown\","
        "\"attributes\":{\"service.name\":\"checkout\","
        "\"deployment.environment\":\"test\",\"http.method\":\"POST\","
        "\"retries\":\"3\",\"big\":\"9007199254740993\",\"ratio\":0.25,"
        "\"ok\":true,\"blob\":\"AQID\",\"tags\":[\"a\",\"7\"],\"empty\":[],"
        "\"nested\":{\"k\":false},\"otel.scope.name\":\"shop.tracer\","
        "\"otel.scope.version\":\"2.1.0\",\"otel.status_code\":\"OK\"},"
        "\"events\":[{\"name\":\"cache.miss\","
        "\"timestamp\":\"2026-01-15T10:00:00.200000000Z\","
        "\"attributes\":{\"key\":\"cart:42\"}}],"
        "\"links\":[{\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
        "\"spanId\":\"00f067aa0ba902b7\",\"attributes\":{}}]}");
}

static void a_span_ending_before_it_starts_is_kept_with_duration_0(void **state)
{
    struct fx *f = *state;

    assert_int_equal(fx_import_fixture(f, "otlp/single.json", IMPORT_OTLP, 0),
                     0);
    assert_string_equal(fx_col(f, "duration_ms || ' ' || kind || ' ' || status",
                               "c7ad6b7169203331"),
                        "0 unspecified unset");
    assert_int_equal(f->sum.warnings, 1);
    fx_expect_reports(
        f, FX_REPORTS(":54: warning: span ends before it starts; duration "
                      "stored as 0"));
}

static void an_array_of_documents_imports_each_document(void **state)
{
    struct fx *f = *state;

    assert_int_equal(fx_import_fixture(f, "otlp/array.json", IMPORT_OTLP, 0),
                     0);
    assert_int_equal(f->sum.inserted, 2);
    assert_string_equal(fx_col(f, "name || ' ' || kind || ' ' || duration_ms",
                               "1111111111111111"),
                        "first internal 1000");
    assert_string_equal(fx_col(f, "name || ' ' || kind || ' ' || parent_id",
                               "2222222222222222"),
                        "second client 1111111111111111");
}

static void
ndjson_with_bom_blank_line_and_no_final_newline_imports(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_fixture(f, "otlp/collector.ndjson", IMPORT_OTLP, 0), 0);
    assert_int_equal(f->sum.inserted, 2);
    assert_int_equal(f->sum.skipped, 0);
    assert_string_equal(sp_buf_str(&f->reports), "");
}

static void base64_ids_standard_or_url_safe_become_lowercase_hex(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_fixture(f, "otlp/collector.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(
        fx_col(f, "trace_id || ' ' || parent_id", "eee19b7ec3c1b174"),
        "5b8efff798038103d269b633813fc60c eee19b7ec3c1b173");
    assert_string_equal(fx_col(f, "trace_id", "fbff00fefd7e3f10"),
                        "0102030405060708090a0b0c0d0e0fff");
}

static void int64_numbers_keep_every_digit(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_fixture(f, "otlp/collector.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(fx_col(f,
                               "started_at_ns || ' ' || ended_at_ns || ' ' "
                               "|| duration_ms",
                               "eee19b7ec3c1b174"),
                        "1768471200123456789 1768471200987654321 864");
    assert_string_equal(fx_meta(f, "eee19b7ec3c1b174", "$.attributes.n"),
                        "-9223372036854775808");
}

static void enum_names_give_kind_and_status(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_fixture(f, "otlp/collector.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(fx_col(f, "kind || ' ' || status || ' ' || message",
                               "eee19b7ec3c1b174"),
                        "client error boom");
    assert_string_equal(fx_col(f, "kind || ' ' || status", "fbff00fefd7e3f10"),
                        "producer ok");
}

static void nan_and_infinities_are_kept_as_strings(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_fixture(f, "otlp/collector.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(
        fx_doc(f, "eee19b7ec3c1b174"),
        "{\"traceId\":\"5b8efff798038103d269b633813fc60c\","
        "\"spanId\":\"eee19b7ec3c1b174\",\"type\":\"unknown\","
        "\"attributes\":{\"service.name\":\"collector-test\","
        "\"nan\":\"NaN\",\"inf\":\"Infinity\",\"ninf\":\"-Infinity\","
        "\"n\":\"-9223372036854775808\",\"d\":1e+300,"
        "\"otel.scope.name\":\"s\",\"otel.status_code\":\"ERROR\","
        "\"otel.status_description\":\"boom\"},\"events\":[],\"links\":[]}");
}

static void legacy_batches_and_instrumentation_library_import(void **state)
{
    struct fx *f = *state;

    assert_int_equal(fx_import_fixture(f, "otlp/legacy.json", IMPORT_OTLP, 0),
                     0);
    assert_string_equal(
        fx_col(f, "kind || ' ' || (parent_id IS NULL)", "3333333333333333"),
        "consumer 1");
    assert_string_equal(fx_meta(f, "3333333333333333", "$.attributes"),
                        "{\"service.name\":\"old-sdk\","
                        "\"otel.scope.name\":\"io.opentelemetry.legacy\","
                        "\"otel.scope.version\":\"0.9.0\","
                        "\"otel.status_code\":\"UNSET\"}");
}

static void the_result_envelope_imports_and_missing_times_are_zero(void **state)
{
    struct fx *f = *state;

    assert_int_equal(fx_import_fixture(f, "otlp/result.json", IMPORT_OTLP, 0),
                     0);
    assert_string_equal(
        fx_col(f,
               "trace_id || ' ' || (parent_id IS NULL) || ' ' || kind || ' ' ||"
               " status || ' ' || started_at_ns || ' ' || ended_at_ns || ' ' ||"
               " duration_ms",
               "0000000000000002"),
        "00000000000000000000000000000001 1 server error 0 0 0");
}

static void the_trace_requests_envelope_imports_and_skips_metrics(void **state)
{
    struct fx *f = *state;

    assert_int_equal(fx_import_fixture(f, "otlp/capture.json", IMPORT_OTLP, 0),
                     0);
    assert_int_equal(f->sum.inserted, 1);
    assert_string_equal(
        fx_col(f, "trace_id || ' ' || name || ' ' || kind", "2b584edf158ae132"),
        "43d62172134f790be191dab00a66b12c captured internal");
    assert_string_equal(sp_buf_str(&f->reports), "");
}

static void a_file_without_any_otlp_record_is_refused(void **state)
{
    struct fx *f = *state;
    char want[1400];

    assert_int_equal(fx_import_fixture(f, "otlp/not-otlp.json", IMPORT_OTLP, 0),
                     -1);
    assert_int_equal(f->err.kind, SP_EFAIL);
    snprintf(want, sizeof(want),
             "%s:1: not an OTLP trace document; expected OTLP/JSON trace "
             "data: an ExportTraceServiceRequest or TracesData object "
             "(resourceSpans or batches), an array of them or one per line, "
             "possibly wrapped as {\"result\": ...} or {\"trace_requests\": "
             "[{\"pbreq\": ...}]}",
             f->path);
    assert_string_equal(f->err.msg, want);
    assert_int_equal(f->sum.skipped, 0);
    assert_string_equal(sp_buf_str(&f->reports), "");
    assert_int_equal(fx_count(f, ""), 0);
}

static void a_mixed_file_imports_otlp_and_reports_the_rest(void **state)
{
    struct fx *f = *state;

    assert_int_equal(fx_import_fixture(f, "otlp/mixed.ndjson", IMPORT_OTLP, 0),
                     0);
    assert_int_equal(f->sum.inserted, 2);
    assert_int_equal(f->sum.skipped, 2);
    fx_expect_reports(
        f, FX_REPORTS(":1: not an OTLP trace document", ":3: not valid JSON"));
}

static void strict_stops_at_the_first_bad_record(void **state)
{
    struct fx *f = *state;
    char want[1200];

    assert_int_equal(fx_import_fixture(f, "otlp/mixed.ndjson", IMPORT_OTLP, 1),
                     -1);
    assert_int_equal(f->err.kind, SP_EINPUT);
    snprintf(want, sizeof(want),
             "%s:1: not an OTLP trace document; fix the record, or drop "
             "--strict to skip it",
             f->path);
    assert_string_equal(f->err.msg, want);
    assert_int_equal(fx_count(f, ""), 0);
}

static void spans_with_bad_ids_or_times_are_skipped_and_reported(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_fixture(f, "otlp/bad-spans.ndjson", IMPORT_OTLP, 0), 0);
    assert_int_equal(f->sum.skipped, 6);
    assert_int_equal(f->sum.inserted, 1);
    fx_expect_reports(
        f,
        FX_REPORTS(
            ":1: traceId \"xyz\" is neither 32 hex digits nor base64 of 16 "
            "bytes",
            ":1: span has no spanId",
            ":1: parentSpanId \"abc\" is neither 16 hex digits nor base64 of 8 "
            "bytes",
            ":1: startTimeUnixNano \"soon\" is not a time in nanoseconds",
            ":1: events[0].timeUnixNano \"x\" is not a time in nanoseconds",
            ":1: span has no spanId",
            ":1: warning: kind is not a SpanKind; stored as unspecified"));
}

static void an_unknown_kind_is_stored_as_unspecified(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_fixture(f, "otlp/bad-spans.ndjson", IMPORT_OTLP, 0), 0);
    assert_string_equal(fx_col(f, "kind", "6666666666666667"), "unspecified");
    assert_int_equal(f->sum.warnings, 1);
}

static void nesting_beyond_the_limit_is_reported_not_fatal(void **state)
{
    struct fx *f = *state;

    assert_int_equal(fx_import_fixture(f, "otlp/deep.ndjson", IMPORT_OTLP, 0),
                     0);
    assert_int_equal(f->sum.inserted, 1);
    fx_expect_reports(f, FX_REPORTS(":2: JSON nested deeper than 256 levels"));
}

static void an_empty_file_imports_nothing(void **state)
{
    struct fx *f = *state;

    assert_int_equal(fx_import_text(f, "empty.json", IMPORT_OTLP, "\n  \n"), 0);
    assert_int_equal(f->sum.inserted, 0);
    assert_int_equal(f->sum.skipped, 0);
}

static void a_later_file_replaces_the_same_span(void **state)
{
    struct fx *f = *state;

    assert_int_equal(fx_import_fixture(f, "otlp/array.json", IMPORT_OTLP, 0),
                     0);
    assert_int_equal(
        fx_import_text(
            f, "again.json", IMPORT_OTLP,
            "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{"
            "\"traceId\":\"11111111111111111111111111111111\","
            "\"spanId\":\"1111111111111111\",\"name\":\"renamed\"}]}]}"
            "]}\n"),
        0);
    assert_int_equal(f->sum.replaced, 1);
    assert_int_equal(fx_count(f, ""), 2);
    assert_string_equal(fx_col(f, "name", "1111111111111111"), "renamed");
}

static void bare_nan_and_concatenated_documents_are_read(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        fx_import_text(
            f, "stream.json", IMPORT_OTLP,
            "{\n \"resourceSpans\": [{\"scopeSpans\": [{\"spans\": "
            "[\n  {\"traceId\": \"77777777777777777777777777777777\","
            "\n   \"spanId\": \"7777777777777771\", \"attributes\": "
            "[{\"key\": \"x\", \"value\": {\"doubleValue\": NaN}}]}"
            "]}]}]\n}\n{\n \"resourceSpans\": [{\"scopeSpans\": [{"
            "\"spans\": [\n  {\"traceId\": \"bad\"}]}]}]\n}\n"),
        0);
    assert_string_equal(fx_meta(f, "7777777777777771", "$.attributes.x"),
                        "NaN");
    fx_expect_reports(
        f, FX_REPORTS(":8: traceId \"bad\" is neither 32 hex digits nor base64 "
                      "of 16 bytes"));
}

static void otlp_sniff_knows_otlp_from_other_json(void **state)
{
#define SNIFF(s) otlp_sniff((s), strlen(s))
    (void)state;
    assert_int_equal(SNIFF("\xEF\xBB\xBF {\"resourceSpans\": []}"), 1);
    assert_int_equal(SNIFF("[{\"batches\" :[]}]"), 1);
    assert_int_equal(SNIFF("{\"metric_requests\":[],\"trace_requests\":[]}"),
                     1);
    assert_int_equal(SNIFF("{\"id\":\"a\",\"trace_id\":\"b\"}"), 0);
    assert_int_equal(SNIFF("{\"msg\":\"\\\"resourceSpans\\\": x\"}"), 0);
    assert_int_equal(SNIFF("resourceSpans"), 0);
#undef SNIFF
}

/* One NDJSON line: a chat span whose gen_ai.input.messages holds text. */
static char *chat_line(const char *id, const char *messages_json)
{
    struct sp_buf b;

    sp_buf_init(&b, 0);
    sp_buf_adds(&b, "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{"
                    "\"traceId\":\"99999999999999999999999999999999\","
                    "\"spanId\":\"");
    sp_buf_adds(&b, id);
    sp_buf_adds(&b, "\",\"attributes\":[{\"key\":\"gen_ai.operation.name\","
                    "\"value\":{\"stringValue\":\"chat\"}},{\"key\":"
                    "\"gen_ai.input.messages\",\"value\":{\"stringValue\":");
    sp_buf_adds(&b, messages_json);
    sp_buf_adds(&b, "}}]}]}]}]}\n");
    return sp_buf_take(&b);
}

static void json_in_an_attribute_nested_too_deep_is_ignored(void **state)
{
    struct fx *f = *state;
    struct sp_buf msgs;
    char *line;
    int i;

    sp_buf_init(&msgs, 0);
    sp_buf_adds(&msgs, "\"");
    for (i = 0; i < 150; i++)
        sp_buf_adds(&msgs, "[");
    for (i = 0; i < 150; i++)
        sp_buf_adds(&msgs, "]");
    sp_buf_adds(&msgs, "\"");
    line = chat_line("9999999999999991", sp_buf_str(&msgs));
    assert_int_equal(fx_import_text(f, "deep-attr.ndjson", IMPORT_OTLP, line),
                     0);
    assert_string_equal(fx_meta(f, "9999999999999991", "$.input"), "[]");
    fx_expect_reports(
        f, FX_REPORTS(":1: warning: gen_ai.input.messages holds JSON "
                      "nested deeper than 100 levels; ignored"));
    free(line);
    sp_buf_free(&msgs);
}

/* A value bigger than the metadata limit: the span stays, without its
 * metadata, and the report says why. */
static void metadata_over_the_size_limit_is_reported_not_stored(void **state)
{
    struct fx *f = *state;
    size_t n = OTLP_MAX_METADATA + 16;
    char *big = malloc(n + 3), *line;

    assert_non_null(big);
    big[0] = '"';
    memset(big + 1, 'x', n);
    big[n + 1] = '"';
    big[n + 2] = '\0';
    line = chat_line("9999999999999992", big);
    free(big);
    assert_int_equal(fx_import_text(f, "big.ndjson", IMPORT_OTLP, line), 0);
    free(line);
    assert_string_equal(fx_col(f, "type", "9999999999999992"), "completion");
    assert_string_equal(fx_doc(f, "9999999999999992"), "(none)");
    fx_expect_reports(
        f, FX_REPORTS(":1: warning: metadata is over 64 MiB or nested "
                      "too deep; span kept without metadata"));
}

/* ---- the small rules, as functions ---- */

static int64_t cost_of(const char *json, int want_rc)
{
    cJSON *v = cJSON_Parse(json);
    int64_t units = -12345;

    assert_non_null(v);
    assert_int_equal(otlp_cost_units(v, &units), want_rc);
    cJSON_Delete(v);
    return units;
}

static void cost_is_the_exact_decimal_rounded_half_away_from_zero(void **state)
{
    (void)state;
    assert_int_equal(cost_of("0.000025", 0), 3);
    assert_int_equal(cost_of("\"0.000025\"", 0), 3);
    assert_int_equal(cost_of("\"-0.000025\"", 0), -3);
    assert_int_equal(cost_of("0.000024999", 0), 2);
    assert_int_equal(cost_of("0.0006605000000000001", 0), 66);
    assert_int_equal(cost_of("\"1.5e-6\"", 0), 0);
    assert_int_equal(cost_of("\"5e-6\"", 0), 1);
    assert_int_equal(cost_of("\"5e-7\"", 0), 0);
    assert_int_equal(cost_of("12", 0), 1200000);
    assert_int_equal(cost_of("\"92233720368547.75807\"", 0), INT64_MAX);
    cost_of("\"92233720368547.75808\"", 1);
    cost_of("\"1e400\"", 1);
    cost_of("\"NaN\"", -1);
    cost_of("\"12 USD\"", -1);
    cost_of("true", -1);
}

static void camel_case_is_latitudes(void **state)
{
    static const char *const cases[][2] = {
        {"max_tokens", "maxTokens"},
        {"MAX_TOKENS", "maxTokens"},
        {"topP", "topP"},
        {"top_p", "topP"},
        {"HTTPRequest", "httprequest"},
        {"tool-calls", "toolCalls"},
        {"content_filter", "contentFilter"},
        {"a1B", "a1B"},
        {"__", ""},
    };
    struct sp_buf out;
    size_t k;

    (void)state;
    sp_buf_init(&out, 0);
    for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        assert_int_equal(otlp_camel_case(cases[k][0], &out), 0);
        assert_string_equal(sp_buf_str(&out), cases[k][1]);
    }
    sp_buf_free(&out);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(a_pretty_document_gives_exact_rows_and_metadata),
        T(a_span_ending_before_it_starts_is_kept_with_duration_0),
        T(an_array_of_documents_imports_each_document),
        T(ndjson_with_bom_blank_line_and_no_final_newline_imports),
        T(base64_ids_standard_or_url_safe_become_lowercase_hex),
        T(int64_numbers_keep_every_digit),
        T(enum_names_give_kind_and_status),
        T(nan_and_infinities_are_kept_as_strings),
        T(legacy_batches_and_instrumentation_library_import),
        T(the_result_envelope_imports_and_missing_times_are_zero),
        T(the_trace_requests_envelope_imports_and_skips_metrics),
        T(a_file_without_any_otlp_record_is_refused),
        T(a_mixed_file_imports_otlp_and_reports_the_rest),
        T(strict_stops_at_the_first_bad_record),
        T(spans_with_bad_ids_or_times_are_skipped_and_reported),
        T(an_unknown_kind_is_stored_as_unspecified),
        T(nesting_beyond_the_limit_is_reported_not_fatal),
        T(an_empty_file_imports_nothing),
        T(a_later_file_replaces_the_same_span),
        T(bare_nan_and_concatenated_documents_are_read),
        cmocka_unit_test(otlp_sniff_knows_otlp_from_other_json),
        T(json_in_an_attribute_nested_too_deep_is_ignored),
        T(metadata_over_the_size_limit_is_reported_not_stored),
        cmocka_unit_test(cost_is_the_exact_decimal_rounded_half_away_from_zero),
        cmocka_unit_test(camel_case_is_latitudes),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* tests/unit/test_otlp.c: the OTLP/JSON reader, dialect by dialect and
 * convention by convention, on tests/fixtures/otlp and a real store; then
 * the real files of ../shared/corpus/otlp (skipped when absent). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import/import.h"
#include "import/otlp.h"
#include "store.h"
#include "util/buf.h"

struct fx {
    char dir[64];
    char db[128];
    char path[1024];
    struct store *st;
    struct import_summary sum;
    struct sp_err err;
    struct sp_buf reports; /* every reported line, each ending in \n */
    struct sp_buf text;    /* the last query result */
};

static int rm_one(const char *p, const struct stat *sb, int flag,
                  struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    snprintf(f->dir, sizeof(f->dir), "/tmp/sp-otlp-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof(f->db), "%s/store.db", f->dir);
    assert_int_equal(store_open(&f->st, f->db, 0, &f->err), 0);
    sp_buf_init(&f->reports, 0);
    sp_buf_init(&f->text, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    store_close(f->st);
    nftw(f->dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
    sp_buf_free(&f->reports);
    sp_buf_free(&f->text);
    free(f);
    return 0;
}

static void collect(void *arg, const char *line)
{
    struct fx *f = arg;

    sp_buf_adds(&f->reports, line);
    sp_buf_addc(&f->reports, '\n');
}

static int import_path(struct fx *f, const char *path, int strict)
{
    struct import_opts o = {.format = IMPORT_OTLP,
                            .workspace_id = 1,
                            .strict = strict,
                            .report = collect,
                            .report_arg = f};

    memset(&f->err, 0, sizeof(f->err));
    return import_file(f->st, path, &o, &f->sum, &f->err);
}

/* Sets f->path to the fixture's path and imports it. */
static int import_fixture(struct fx *f, const char *name, int strict)
{
    const char *top = getenv("top_srcdir");

    snprintf(f->path, sizeof(f->path), "%s/tests/fixtures/otlp/%s",
             top ? top : ".", name);
    return import_path(f, f->path, strict);
}

/* Writes text to a scratch file (f->path) and imports it. */
static int import_text(struct fx *f, const char *name, const char *text)
{
    FILE *fp;

    snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, name);
    fp = fopen(f->path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
    return import_path(f, f->path, 0);
}

/* The first column of the first row of sql (?1 = a, ?2 = b) as text;
 * "(null)" for SQL NULL, "(none)" without a row. */
static const char *q(struct fx *f, const char *sql, const char *a,
                     const char *b)
{
    sqlite3_stmt *s;
    const unsigned char *t;

    assert_int_equal(sqlite3_prepare_v2(f->st->db, sql, -1, &s, NULL), 0);
    if (a)
        sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC);
    if (b)
        sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC);
    sp_buf_reset(&f->text);
    if (sqlite3_step(s) != SQLITE_ROW)
        sp_buf_adds(&f->text, "(none)");
    else if (!(t = sqlite3_column_text(s, 0)))
        sp_buf_adds(&f->text, "(null)");
    else
        sp_buf_adds(&f->text, (const char *)t);
    sqlite3_finalize(s);
    return sp_buf_str(&f->text);
}

/* A span column by span id: col(f, "kind", "b7ad6b7169203331"). */
static const char *col(struct fx *f, const char *column, const char *id)
{
    char sql[512];

    snprintf(sql, sizeof(sql), "SELECT %s FROM spans WHERE id = ?1", column);
    return q(f, sql, id, NULL);
}

/* A member of a span's metadata, as JSON text (path "$" for all of it). */
static const char *meta(struct fx *f, const char *id, const char *path)
{
    return q(f,
             "SELECT json_extract(m.doc, ?2) FROM span_metadata m"
             " JOIN spans s ON s.rowid = m.span_rowid WHERE s.id = ?1",
             id, path);
}

static const char *doc(struct fx *f, const char *id)
{
    return q(f,
             "SELECT m.doc FROM span_metadata m"
             " JOIN spans s ON s.rowid = m.span_rowid WHERE s.id = ?1",
             id, NULL);
}

/* The metadata without its (long) attributes member. */
static const char *json_remove_attrs(struct fx *f, const char *id)
{
    return q(f,
             "SELECT json_remove(m.doc, '$.attributes') FROM span_metadata m"
             " JOIN spans s ON s.rowid = m.span_rowid WHERE s.id = ?1",
             id, NULL);
}

static long count(struct fx *f, const char *where)
{
    char sql[256];

    snprintf(sql, sizeof(sql), "SELECT count(*) FROM spans %s", where);
    return strtol(q(f, sql, NULL, NULL), NULL, 10);
}

/* The reports must be exactly these lines (NULL-ended), each "PATH" +
 * suffix and a newline. */
static void expect_reports(struct fx *f, const char *const *suffixes)
{
    struct sp_buf want;

    sp_buf_init(&want, 0);
    for (; *suffixes; suffixes++) {
        sp_buf_adds(&want, f->path);
        sp_buf_adds(&want, *suffixes);
        sp_buf_addc(&want, '\n');
    }
    assert_string_equal(sp_buf_str(&f->reports), sp_buf_str(&want));
    sp_buf_free(&want);
}

#define REPORTS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- dialects ---- */

static void a_pretty_document_gives_exact_rows_and_metadata(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "single.json", 0), 0);
    assert_int_equal(f->sum.inserted, 2);
    assert_string_equal(
        q(f,
          "SELECT trace_id || '|' || parent_id || '|' || name || '|' ||"
          " kind || '|' || type || '|' || status || '|' || duration_ms ||"
          " '|' || started_at_ns || '|' || ended_at_ns || '|' ||"
          " workspace_id || '|' || (model IS NULL) FROM spans"
          " WHERE id = ?1",
          "b7ad6b7169203331", NULL),
        "0af7651916cd43dd8448eb211c80319c|00f067aa0ba902b7|checkout|"
        "server|unknown|ok|499|1768471200123456789|1768471200623456788|1|1");
    assert_string_equal(
        doc(f, "b7ad6b7169203331"),
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

    assert_int_equal(import_fixture(f, "single.json", 0), 0);
    assert_string_equal(col(f, "duration_ms || ' ' || kind || ' ' || status",
                            "c7ad6b7169203331"),
                        "0 unspecified unset");
    assert_int_equal(f->sum.warnings, 1);
    expect_reports(f,
                   REPORTS(":54: warning: span ends before it starts; duration "
                           "stored as 0"));
}

static void an_array_of_documents_imports_each_document(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "array.json", 0), 0);
    assert_int_equal(f->sum.inserted, 2);
    assert_string_equal(
        col(f, "name || ' ' || kind || ' ' || duration_ms", "1111111111111111"),
        "first internal 1000");
    assert_string_equal(
        col(f, "name || ' ' || kind || ' ' || parent_id", "2222222222222222"),
        "second client 1111111111111111");
}

static void
ndjson_with_bom_blank_line_and_no_final_newline_imports(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "collector.ndjson", 0), 0);
    assert_int_equal(f->sum.inserted, 2);
    assert_int_equal(f->sum.skipped, 0);
    assert_string_equal(sp_buf_str(&f->reports), "");
}

static void base64_ids_standard_or_url_safe_become_lowercase_hex(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "collector.ndjson", 0), 0);
    assert_string_equal(
        col(f, "trace_id || ' ' || parent_id", "eee19b7ec3c1b174"),
        "5b8efff798038103d269b633813fc60c eee19b7ec3c1b173");
    assert_string_equal(col(f, "trace_id", "fbff00fefd7e3f10"),
                        "0102030405060708090a0b0c0d0e0fff");
}

static void int64_numbers_keep_every_digit(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "collector.ndjson", 0), 0);
    assert_string_equal(col(f,
                            "started_at_ns || ' ' || ended_at_ns || ' ' "
                            "|| duration_ms",
                            "eee19b7ec3c1b174"),
                        "1768471200123456789 1768471200987654321 864");
    assert_string_equal(meta(f, "eee19b7ec3c1b174", "$.attributes.n"),
                        "-9223372036854775808");
}

static void enum_names_give_kind_and_status(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "collector.ndjson", 0), 0);
    assert_string_equal(
        col(f, "kind || ' ' || status || ' ' || message", "eee19b7ec3c1b174"),
        "client error boom");
    assert_string_equal(col(f, "kind || ' ' || status", "fbff00fefd7e3f10"),
                        "producer ok");
}

static void nan_and_infinities_are_kept_as_strings(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "collector.ndjson", 0), 0);
    assert_string_equal(
        doc(f, "eee19b7ec3c1b174"),
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

    assert_int_equal(import_fixture(f, "legacy.json", 0), 0);
    assert_string_equal(
        col(f, "kind || ' ' || (parent_id IS NULL)", "3333333333333333"),
        "consumer 1");
    assert_string_equal(meta(f, "3333333333333333", "$.attributes"),
                        "{\"service.name\":\"old-sdk\","
                        "\"otel.scope.name\":\"io.opentelemetry.legacy\","
                        "\"otel.scope.version\":\"0.9.0\","
                        "\"otel.status_code\":\"UNSET\"}");
}

static void the_result_envelope_imports_and_missing_times_are_zero(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "result.json", 0), 0);
    assert_string_equal(
        col(f,
            "trace_id || ' ' || (parent_id IS NULL) || ' ' || kind || ' ' ||"
            " status || ' ' || started_at_ns || ' ' || ended_at_ns || ' ' ||"
            " duration_ms",
            "0000000000000002"),
        "00000000000000000000000000000001 1 server error 0 0 0");
}

static void the_trace_requests_envelope_imports_and_skips_metrics(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "capture.json", 0), 0);
    assert_int_equal(f->sum.inserted, 1);
    assert_string_equal(
        col(f, "trace_id || ' ' || name || ' ' || kind", "2b584edf158ae132"),
        "43d62172134f790be191dab00a66b12c captured internal");
    assert_string_equal(sp_buf_str(&f->reports), "");
}

static void a_file_without_any_otlp_record_is_refused(void **state)
{
    struct fx *f = *state;
    char want[1400];

    assert_int_equal(import_fixture(f, "not-otlp.json", 0), -1);
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
    assert_int_equal(count(f, ""), 0);
}

static void a_mixed_file_imports_otlp_and_reports_the_rest(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "mixed.ndjson", 0), 0);
    assert_int_equal(f->sum.inserted, 2);
    assert_int_equal(f->sum.skipped, 2);
    expect_reports(
        f, REPORTS(":1: not an OTLP trace document", ":3: not valid JSON"));
}

static void strict_stops_at_the_first_bad_record(void **state)
{
    struct fx *f = *state;
    char want[1200];

    assert_int_equal(import_fixture(f, "mixed.ndjson", 1), -1);
    assert_int_equal(f->err.kind, SP_EINPUT);
    snprintf(want, sizeof(want),
             "%s:1: not an OTLP trace document; fix the record, or drop "
             "--strict to skip it",
             f->path);
    assert_string_equal(f->err.msg, want);
    assert_int_equal(count(f, ""), 0);
}

static void spans_with_bad_ids_or_times_are_skipped_and_reported(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "bad-spans.ndjson", 0), 0);
    assert_int_equal(f->sum.skipped, 6);
    assert_int_equal(f->sum.inserted, 1);
    expect_reports(
        f,
        REPORTS(
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

    assert_int_equal(import_fixture(f, "bad-spans.ndjson", 0), 0);
    assert_string_equal(col(f, "kind", "6666666666666667"), "unspecified");
    assert_int_equal(f->sum.warnings, 1);
}

static void nesting_beyond_the_limit_is_reported_not_fatal(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "deep.ndjson", 0), 0);
    assert_int_equal(f->sum.inserted, 1);
    expect_reports(f, REPORTS(":2: JSON nested deeper than 256 levels"));
}

static void an_empty_file_imports_nothing(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_text(f, "empty.json", "\n  \n"), 0);
    assert_int_equal(f->sum.inserted, 0);
    assert_int_equal(f->sum.skipped, 0);
}

static void a_later_file_replaces_the_same_span(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "array.json", 0), 0);
    assert_int_equal(
        import_text(f, "again.json",
                    "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{"
                    "\"traceId\":\"11111111111111111111111111111111\","
                    "\"spanId\":\"1111111111111111\",\"name\":\"renamed\"}]}]}"
                    "]}\n"),
        0);
    assert_int_equal(f->sum.replaced, 1);
    assert_int_equal(count(f, ""), 2);
    assert_string_equal(col(f, "name", "1111111111111111"), "renamed");
}

static void bare_nan_and_concatenated_documents_are_read(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        import_text(f, "stream.json",
                    "{\n \"resourceSpans\": [{\"scopeSpans\": [{\"spans\": "
                    "[\n  {\"traceId\": \"77777777777777777777777777777777\","
                    "\n   \"spanId\": \"7777777777777771\", \"attributes\": "
                    "[{\"key\": \"x\", \"value\": {\"doubleValue\": NaN}}]}"
                    "]}]}]\n}\n{\n \"resourceSpans\": [{\"scopeSpans\": [{"
                    "\"spans\": [\n  {\"traceId\": \"bad\"}]}]}]\n}\n"),
        0);
    assert_string_equal(meta(f, "7777777777777771", "$.attributes.x"), "NaN");
    expect_reports(
        f, REPORTS(":8: traceId \"bad\" is neither 32 hex digits nor base64 "
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
    assert_int_equal(import_text(f, "deep-attr.ndjson", line), 0);
    assert_string_equal(meta(f, "9999999999999991", "$.input"), "[]");
    expect_reports(f, REPORTS(":1: warning: gen_ai.input.messages holds JSON "
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
    assert_int_equal(import_text(f, "big.ndjson", line), 0);
    free(line);
    assert_string_equal(col(f, "type", "9999999999999992"), "completion");
    assert_string_equal(doc(f, "9999999999999992"), "(none)");
    expect_reports(f, REPORTS(":1: warning: metadata is over 64 MiB or nested "
                              "too deep; span kept without metadata"));
}

/* ---- attribute conventions ---- */

static void genai_current_gives_messages_tokens_cost_and_reason(void **state)
{
    struct fx *f = *state;
    const char *id = "a100000000000001";

    assert_int_equal(import_fixture(f, "genai-current.ndjson", 0), 0);
    assert_string_equal(
        col(f,
            "type || ' ' || provider || ' ' || model || ' ' ||"
            " tokens_prompt || ' ' || tokens_cached || ' ' ||"
            " tokens_reasoning || ' ' || tokens_completion || ' ' || cost",
            id),
        "completion openai gpt-4o-2024-08-06 120 105 4 30 3");
    assert_string_equal(
        meta(f, id, "$.input"),
        "[{\"role\":\"system\",\"content\":[{\"type\":\"text\","
        "\"text\":\"Be brief.\"}]},{\"role\":\"user\",\"content\":[{"
        "\"type\":\"text\",\"text\":\"Weather in Paris?\"}]},"
        "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool-call\","
        "\"toolCallId\":\"call_1\",\"toolName\":\"get_weather\","
        "\"args\":{\"city\":\"Paris\"}}]},{\"role\":\"tool\",\"content\":[{"
        "\"type\":\"tool-result\",\"toolCallId\":\"call_1\","
        "\"toolName\":\"get_weather\",\"result\":\"18C\"}]}]");
    assert_string_equal(
        meta(f, id, "$.output"),
        "[{\"role\":\"assistant\",\"content\":[{\"type\":\"reasoning\","
        "\"text\":\"The tool said 18C.\"},{\"type\":\"text\","
        "\"text\":\"18C and sunny.\"}]}]");
    assert_string_equal(meta(f, id, "$.configuration"),
                        "{\"model\":\"gpt-4o\",\"temperature\":0.2,"
                        "\"maxTokens\":\"256\"}");
    assert_string_equal(meta(f, id, "$.finishReason"), "stop");
}

static void completion_metadata_members_keep_latitude_order(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "genai-current.ndjson", 0), 0);
    assert_string_equal(
        q(f,
          "SELECT group_concat(key, ',') FROM span_metadata m JOIN spans s"
          " ON s.rowid = m.span_rowid, json_each(m.doc) WHERE s.id = ?1",
          "a100000000000001", NULL),
        "traceId,spanId,type,attributes,events,links,provider,model,"
        "configuration,input,output,tokens,cost,finishReason");
}

static void genai_operation_names_give_embedding_and_tool(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "genai-current.ndjson", 0), 0);
    assert_string_equal(
        col(f, "type || ' ' || (tokens_prompt IS NULL)", "a100000000000002"),
        "embedding 1");
    assert_string_equal(col(f, "type", "a100000000000003"), "tool");
}

static void openllmetry_indexed_messages_are_read_in_index_order(void **state)
{
    struct fx *f = *state;
    const char *id = "b200000000000001";

    assert_int_equal(import_fixture(f, "openllmetry.ndjson", 0), 0);
    assert_string_equal(col(f,
                            "type || ' ' || provider || ' ' || model || ' ' ||"
                            " tokens_prompt || ' ' || tokens_cached || ' ' ||"
                            " tokens_completion || ' ' || (cost IS NULL)",
                            id),
                        "completion OpenAI gpt-4o-mini 50 13 7 1");
    assert_string_equal(
        meta(f, id, "$.input"),
        "[{\"role\":\"system\",\"content\":[{\"type\":\"text\","
        "\"text\":\"You are terse.\"}]},{\"role\":\"user\",\"content\":[{"
        "\"type\":\"text\",\"text\":\"Where is order A-1?\"},{\"type\":"
        "\"image\",\"image\":\"https://example.com/a.png\"}]},{\"role\":"
        "\"assistant\",\"content\":[{\"type\":\"tool-call\",\"toolCallId\":"
        "\"call_9\",\"toolName\":\"lookup_order\",\"args\":{\"id\":"
        "\"A-1\"}}]},{\"role\":\"tool\",\"content\":[{\"type\":"
        "\"tool-result\",\"toolCallId\":\"call_9\",\"toolName\":"
        "\"lookup_order\",\"result\":\"shipped\"}]}]");
    assert_string_equal(meta(f, id, "$.output"),
                        "[{\"role\":\"assistant\",\"content\":[{\"type\":"
                        "\"text\",\"text\":\"It shipped.\"}]}]");
    assert_string_equal(meta(f, id, "$.finishReason"), "stop");
    assert_string_equal(col(f, "type", "b200000000000002"), "embedding");
}

static void openinference_messages_tokens_and_cost(void **state)
{
    struct fx *f = *state;
    const char *id = "c300000000000001";

    assert_int_equal(import_fixture(f, "openinference.ndjson", 0), 0);
    assert_string_equal(
        col(f,
            "type || ' ' || provider || ' ' || model || ' ' ||"
            " tokens_prompt || ' ' || tokens_cached || ' ' ||"
            " tokens_reasoning || ' ' || tokens_completion || ' ' || cost",
            id),
        "completion anthropic claude-3-5-sonnet 20 10 1 5 123");
    assert_string_equal(
        meta(f, id, "$.input"),
        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":"
        "\"Describe this.\"},{\"type\":\"image\",\"image\":"
        "\"https://example.com/cat.jpg\"}]}]");
    assert_string_equal(
        meta(f, id, "$.output"),
        "[{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":"
        "\"A cat.\"},{\"type\":\"tool-call\",\"toolCallId\":\"t1\","
        "\"toolName\":\"tag\",\"args\":{\"label\":\"cat\"}}]}]");
    assert_string_equal(meta(f, id, "$.configuration"),
                        "{\"maxTokens\":100,\"topP\":0.9}");
    assert_string_equal(meta(f, id, "$.finishReason"), "unknown");
    assert_string_equal(col(f, "type", "c300000000000002"), "tool");
    assert_string_equal(col(f, "type", "c300000000000003"), "embedding");
    assert_string_equal(col(f, "type", "c300000000000004"), "unknown");
}

static void legacy_llm_prompts_and_completions_are_read(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "openllmetry.ndjson", 0), 0);
    assert_string_equal(meta(f, "b200000000000003", "$.input"),
                        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                        "\"text\":\"Say hi\"}]}]");
    assert_string_equal(meta(f, "b200000000000003", "$.output"),
                        "[{\"role\":\"assistant\",\"content\":[{\"type\":"
                        "\"text\",\"text\":\"hi\"}]}]");
}

static void openai_message_shapes_become_promptl(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "message-shapes.ndjson", 0), 0);
    assert_string_equal(
        meta(f, "b900000000000001", "$.input"),
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

    assert_int_equal(import_fixture(f, "message-shapes.ndjson", 0), 0);
    assert_string_equal(
        meta(f, "b900000000000002", "$.input"),
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

    assert_int_equal(import_fixture(f, "message-shapes.ndjson", 0), 0);
    assert_string_equal(
        meta(f, "b900000000000003", "$.input"),
        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":"
        "\"Plot this\"},{\"type\":\"image\",\"image\":"
        "\"data:image/jpeg;base64,/9j/4AAQ\",\"mimeType\":\"image/jpeg\"},"
        "{\"type\":\"file\",\"file\":\"gs://b/r.pdf\",\"mimeType\":"
        "\"application/pdf\"}]},{\"role\":\"assistant\",\"content\":[{"
        "\"type\":\"tool-call\",\"toolCallId\":\"\",\"toolName\":\"plot\","
        "\"args\":{\"kind\":\"bar\"}}]},{\"role\":\"user\",\"content\":[{"
        "\"type\":\"tool-result\",\"toolCallId\":\"\",\"toolName\":"
        "\"plot\",\"result\":{\"ok\":true}}]}]");
    assert_string_equal(meta(f, "b900000000000003", "$.output"),
                        "[{\"role\":\"assistant\",\"content\":[{\"type\":"
                        "\"text\",\"text\":\"Done.\"}]}]");
}

static void vercel_response_parts_combine_into_one_message(void **state)
{
    struct fx *f = *state;
    const char *id = "d400000000000002";

    assert_int_equal(import_fixture(f, "vercel.ndjson", 0), 0);
    assert_string_equal(col(f,
                            "type || ' ' || provider || ' ' || model || ' ' ||"
                            " tokens_prompt || ' ' || tokens_completion",
                            id),
                        "completion openai.chat gpt-4o-mini-2024-07-18 9 3");
    assert_string_equal(
        meta(f, id, "$.input"),
        "[{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":"
        "\"Be nice.\"}]},{\"role\":\"user\",\"content\":[{\"type\":\"text\","
        "\"text\":\"Hi\"},{\"type\":\"image\",\"image\":"
        "\"https://example.com/x.png\",\"mimeType\":\"image/png\"}]}]");
    assert_string_equal(
        meta(f, id, "$.output"),
        "[{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":"
        "\"Hello!\"},{\"type\":\"tool-call\",\"toolCallId\":\"c1\","
        "\"toolName\":\"wave\",\"args\":{\"times\":2}}]}]");
    assert_string_equal(meta(f, id, "$.configuration"),
                        "{\"maxRetries\":2,\"temperature\":0}");
    assert_string_equal(meta(f, id, "$.finishReason"), "tool-calls");
}

static void vercel_wrappers_are_unknown_and_tool_calls_are_tools(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "vercel.ndjson", 0), 0);
    assert_string_equal(col(f, "type", "d400000000000001"), "unknown");
    assert_string_equal(col(f, "type", "d400000000000003"), "tool");
    assert_string_equal(col(f, "type", "d400000000000004"), "embedding");
}

static void gen_ai_prompt_holds_json_messages_or_plain_text(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "genai-text.ndjson", 0), 0);
    assert_string_equal(meta(f, "e500000000000001", "$.input"),
                        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                        "\"text\":\"2+2?\"}]}]");
    assert_string_equal(meta(f, "e500000000000001", "$.output"),
                        "[{\"role\":\"assistant\",\"content\":[{\"type\":"
                        "\"text\",\"text\":\"4\"}]}]");
    assert_string_equal(meta(f, "e500000000000002", "$.input"),
                        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                        "\"text\":\"Tell me a joke\"}]}]");
    assert_string_equal(meta(f, "e500000000000002", "$.output"),
                        "[{\"role\":\"assistant\",\"content\":[{\"type\":"
                        "\"text\",\"text\":\"No.\"}]}]");
}

static void
a_json_scalar_is_text_and_json_without_messages_is_ignored(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "genai-text.ndjson", 0), 0);
    assert_string_equal(meta(f, "e500000000000003", "$.input"),
                        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                        "\"text\":\"4\"}]}]");
    assert_string_equal(meta(f, "e500000000000003", "$.output"), "[]");
}

static void empty_messages_are_dropped_but_white_space_is_kept(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "genai-text.ndjson", 0), 0);
    assert_string_equal(meta(f, "e500000000000004", "$.input"),
                        "[{\"role\":\"system\",\"content\":[{\"type\":"
                        "\"text\",\"text\":\"Sys prompt\"}]},{\"role\":"
                        "\"user\",\"content\":[{\"type\":\"text\","
                        "\"text\":\"Q\"}]}]");
    assert_string_equal(
        meta(f, "e500000000000004", "$.output"),
        "[{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":"
        "\"A\"},{\"type\":\"text\",\"text\":\"\"}]},{\"role\":\"assistant\","
        "\"content\":[{\"type\":\"text\",\"text\":\" \"}]}]");
}

static void markers_alone_make_a_completion_without_model(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "genai-text.ndjson", 0), 0);
    assert_string_equal(
        col(f, "type || ' ' || provider || ' ' || model", "e500000000000005"),
        "completion aws.bedrock titan");
    assert_string_equal(col(f,
                            "type || ' ' || (provider IS NULL) || ' ' ||"
                            " (model IS NULL)",
                            "e500000000000006"),
                        "completion 1 1");
    assert_string_equal(meta(f, "e500000000000006", "$.model"), "");
}

static void span_events_give_messages_in_their_order(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "events.ndjson", 0), 0);
    assert_string_equal(meta(f, "f600000000000001", "$.input"),
                        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                        "\"text\":\"user: hello\"}]}]");
    assert_string_equal(meta(f, "f600000000000001", "$.output"),
                        "[{\"role\":\"assistant\",\"content\":[{\"type\":"
                        "\"text\",\"text\":\"Hi there\"}]}]");
    assert_string_equal(
        meta(f, "f600000000000002", "$.input"),
        "[{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":"
        "\"Sys\"}]},{\"role\":\"user\",\"content\":[{\"type\":\"text\","
        "\"text\":\"U1\"}]},{\"role\":\"assistant\",\"content\":[{\"type\":"
        "\"text\",\"text\":\"A1\"}]},{\"role\":\"tool\",\"content\":[{"
        "\"type\":\"text\",\"text\":\"T1\"}]}]");
    assert_string_equal(
        meta(f, "f600000000000002", "$.output"),
        "[{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":"
        "\"C1\"}]},{\"role\":\"assistant\",\"content\":[{\"type\":\"text\","
        "\"text\":\"C2 plain\"}]}]");
}

static void
an_exception_event_makes_an_error_completion_without_output(void **state)
{
    struct fx *f = *state;
    const char *id = "f600000000000003";

    assert_int_equal(import_fixture(f, "events.ndjson", 0), 0);
    assert_string_equal(col(f, "status || ' ' || message", id),
                        "error rate limited");
    assert_string_equal(meta(f, id, "$.input"),
                        "[{\"role\":\"user\",\"content\":[{\"type\":\"text\","
                        "\"text\":\"json event\"}]}]");
    assert_string_equal(meta(f, id, "$.output"), "(null)");
    assert_string_equal(
        q(f,
          "SELECT json_type(m.doc, '$.output') IS NULL FROM span_metadata"
          " m JOIN spans s ON s.rowid = m.span_rowid WHERE s.id = ?1",
          id, NULL),
        "1");
}

static void latitude_references_fill_columns_and_metadata(void **state)
{
    struct fx *f = *state;
    const char *id = "a700000000000001";

    assert_int_equal(import_fixture(f, "latitude.ndjson", 0), 0);
    assert_string_equal(
        col(f,
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

    assert_int_equal(import_fixture(f, "latitude.ndjson", 0), 0);
    assert_string_equal(col(f,
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

    assert_int_equal(import_fixture(f, "latitude.ndjson", 0), 0);
    assert_string_equal(
        col(f, "type || ' ' || (document_uuid IS NULL)", "a700000000000003"),
        "external 1");
    assert_string_equal(col(f, "type", "a700000000000004"), "completion");
    expect_reports(
        f, REPORTS(":1: warning: latitude.document_uuid is not a valid UUID; "
                   "ignored"));
}

static void an_error_attribute_makes_a_span_an_error(void **state)
{
    struct fx *f = *state;

    assert_int_equal(import_fixture(f, "latitude.ndjson", 0), 0);
    assert_string_equal(
        col(f, "type || ' ' || status || ' ' || message", "a700000000000005"),
        "unknown error timeout");
}

static void any_exception_attribute_makes_a_span_an_error(void **state)
{
    struct fx *f = *state;

    assert_int_equal(
        import_text(f, "stack.ndjson",
                    "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{"
                    "\"traceId\":\"88888888888888888888888888888888\","
                    "\"spanId\":\"8888888888888881\",\"attributes\":[{"
                    "\"key\":\"exception.stacktrace\",\"value\":{"
                    "\"stringValue\":\"at main()\"}}]}]}]}]}\n"),
        0);
    assert_string_equal(col(f, "status || ' ' || message", "8888888888888881"),
                        "error Unknown error");
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

/* ---- files written by others (../shared/corpus/otlp) ---- */

static int is_dir(const char *path)
{
    struct stat sb;

    return stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
}

/* The corpus folder beside the source tree, else /work/shared's; NULL
 * when neither exists. */
static const char *corpus_dir(void)
{
    static const char fallback[] = "/work/shared/corpus/otlp";
    static char dir[256];
    const char *top = getenv("top_srcdir");

    snprintf(dir, sizeof(dir), "%.200s/../shared/corpus/otlp", top ? top : ".");
    if (is_dir(dir))
        return dir;
    return is_dir(fallback) ? fallback : NULL;
}

static void every_corpus_file_imports_with_its_span_count(void **state)
{
    static const struct {
        const char *file;
        long spans;
    } files[] = {
        {"Grace__genai-interlingua__testdata_openllmetry_in.json", 2},
        {"jaegertracing__jaeger__cmd_jaeger_internal_extension_jaegerquery_"
         "internal_apiv3_snapshots_GetTrace.json",
         1},
        {"jaegertracing__jaeger__internal_storage_integration_fixtures_"
         "traces_example_trace.json",
         5},
        {"jaegertracing__jaeger__internal_storage_v2_memory_fixtures_otel_"
         "traces_01.json",
         4},
        {"open-telemetry__opentelemetry-proto__examples_trace.json", 1},
        {"open-telemetry__opentelemetry-proto__examples_trace@ca6170e.json", 1},
        {"pmcollins__otel-llm-bakeoff__output_ott-lit.json", 4},
        {"pmcollins__otel-llm-bakeoff__output_ott-llmetry.json", 12},
    };
    struct fx *f = *state;
    const char *dir = corpus_dir();
    uint64_t before;
    size_t k;

    if (!dir)
        skip();
    for (k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
        snprintf(f->path, sizeof(f->path), "%s/%s", dir, files[k].file);
        before = f->sum.inserted + f->sum.replaced;
        if (import_path(f, f->path, 1) != 0)
            fail_msg("%s", f->err.msg);
        assert_int_equal(f->sum.inserted + f->sum.replaced - before,
                         files[k].spans);
    }
    /* the two opentelemetry-proto examples hold the same span */
    assert_int_equal(f->sum.replaced, 1);
    assert_int_equal(count(f, ""), 29);
    assert_int_equal(f->sum.skipped, 0);
    assert_int_equal(f->sum.warnings, 0);
    assert_string_equal(sp_buf_str(&f->reports), "");
}

static void corpus_llm_spans_map_to_completions(void **state)
{
    struct fx *f = *state;
    const char *dir = corpus_dir();

    if (!dir)
        skip();
    snprintf(f->path, sizeof(f->path), "%s/%s", dir,
             "Grace__genai-interlingua__testdata_openllmetry_in.json");
    assert_int_equal(import_path(f, f->path, 1), 0);
    assert_string_equal(
        col(f,
            "type || ' ' || provider || ' ' || model || ' ' ||"
            " tokens_prompt || ' ' || tokens_cached || ' ' ||"
            " tokens_reasoning || ' ' || tokens_completion",
            "76a26812b532f640"),
        "completion openai gpt-4o-mini-2024-07-18 412 256 8 27");
    assert_string_equal(
        meta(f, "76a26812b532f640", "$.output"),
        "[{\"role\":\"assistant\",\"content\":[{\"type\":\"tool-call\","
        "\"toolCallId\":\"call_9RtYbK2mXqLp\",\"toolName\":\"lookup_order\","
        "\"args\":{\"order_id\":\"A-1187\"}}]}]");
    snprintf(f->path, sizeof(f->path), "%s/%s", dir,
             "pmcollins__otel-llm-bakeoff__output_ott-lit.json");
    assert_int_equal(import_path(f, f->path, 1), 0);
    assert_string_equal(col(f,
                            "cost || ' ' || tokens_prompt || ' ' ||"
                            " tokens_completion",
                            "3e1c2438c92352cb"),
                        "66 124 399");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
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
        T(genai_current_gives_messages_tokens_cost_and_reason),
        T(completion_metadata_members_keep_latitude_order),
        T(genai_operation_names_give_embedding_and_tool),
        T(openllmetry_indexed_messages_are_read_in_index_order),
        T(openinference_messages_tokens_and_cost),
        T(legacy_llm_prompts_and_completions_are_read),
        T(openai_message_shapes_become_promptl),
        T(anthropic_message_shapes_become_promptl),
        T(gemini_message_shapes_become_promptl),
        T(vercel_response_parts_combine_into_one_message),
        T(vercel_wrappers_are_unknown_and_tool_calls_are_tools),
        T(gen_ai_prompt_holds_json_messages_or_plain_text),
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
        cmocka_unit_test(cost_is_the_exact_decimal_rounded_half_away_from_zero),
        cmocka_unit_test(camel_case_is_latitudes),
        T(every_corpus_file_imports_with_its_span_count),
        T(corpus_llm_spans_map_to_completions),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}

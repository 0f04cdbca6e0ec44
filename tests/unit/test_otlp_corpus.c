/* tests/unit/test_otlp_corpus.c: real OTLP files written by others, from
 * ../shared/corpus/otlp; each test skips when that folder is absent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sys/stat.h>

#include "fixture.h"
#include "import/otlp.h"

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
        if (fx_import(f, f->path, IMPORT_OTLP, NULL, 1) != 0)
            fail_msg("%s", f->err.msg);
        assert_int_equal(f->sum.inserted + f->sum.replaced - before,
                         files[k].spans);
    }
    /* the two opentelemetry-proto examples hold the same span */
    assert_int_equal(f->sum.replaced, 1);
    assert_int_equal(fx_count(f, ""), 29);
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
    assert_int_equal(fx_import(f, f->path, IMPORT_OTLP, NULL, 1), 0);
    assert_string_equal(
        fx_col(f,
               "type || ' ' || provider || ' ' || model || ' ' ||"
               " tokens_prompt || ' ' || tokens_cached || ' ' ||"
               " tokens_reasoning || ' ' || tokens_completion",
               "76a26812b532f640"),
        "completion openai gpt-4o-mini-2024-07-18 412 256 8 27");
    assert_string_equal(
        fx_meta(f, "76a26812b532f640", "$.output"),
        "[{\"role\":\"assistant\",\"content\":[{\"type\":\"tool-call\","
        "\"toolCallId\":\"call_9RtYbK2mXqLp\",\"toolName\":\"lookup_order\","
        "\"args\":{\"order_id\":\"A-1187\"}}]}]");
    snprintf(f->path, sizeof(f->path), "%s/%s", dir,
             "pmcollins__otel-llm-bakeoff__output_ott-lit.json");
    assert_int_equal(fx_import(f, f->path, IMPORT_OTLP, NULL, 1), 0);
    assert_string_equal(fx_col(f,
                               "cost || ' ' || tokens_prompt || ' ' ||"
                               " tokens_completion",
                               "3e1c2438c92352cb"),
                        "66 124 399");
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(every_corpus_file_imports_with_its_span_count),
        T(corpus_llm_spans_map_to_completions),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}

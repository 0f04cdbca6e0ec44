#!/bin/sh
# tests/cli/otlp.sh: `spanport import --format otlp` end to end: every
# dialect of tests/fixtures/otlp, refusal, --strict, gzip and stdin, an
# export from OTLP spans, then the real files of ../shared/corpus/otlp.
. "$top_srcdir/tests/cli/lib.sh"

FX="$top_srcdir/tests/fixtures/otlp"
: "${SQLITE3:?run through make check}"

imp() { sp import --format otlp "$@"; }

expect_exit 0 "a pretty-printed document imports" imp "$FX/single.json"
expect_grep "single.json:54: warning: span ends before it starts" \
    "$T/stderr" "a warning names the span's own line"
expect_eq "server|ok|499|1768471200123456789" \
    "$(q "SELECT kind || '|' || status || '|' || duration_ms || '|' ||
          started_at_ns FROM spans WHERE id = 'b7ad6b7169203331'")" \
    "nanoseconds kept, duration in milliseconds"
expect_eq "shop.tracer" \
    "$(q "SELECT json_extract(doc, '\$.attributes.\"otel.scope.name\"')
          FROM span_metadata m JOIN spans s ON s.rowid = m.span_rowid
          WHERE s.id = 'b7ad6b7169203331'")" \
    "the metadata holds the merged attributes"

for f in array.json collector.ndjson legacy.json result.json capture.json; do
    expect_exit 0 "$f imports" imp "$FX/$f"
done
expect_eq 9 "$(q 'SELECT count(*) FROM spans')" \
    "every dialect gave its spans"
expect_eq "0102030405060708090a0b0c0d0e0fff" \
    "$(q "SELECT trace_id FROM spans WHERE id = 'fbff00fefd7e3f10'")" \
    "base64 ids are stored as lowercase hex"

expect_exit 0 "re-importing replaces" imp "$FX/single.json"
expect_grep "0 spans inserted, 2 replaced" "$T/stderr" \
    "a re-imported span replaces the stored one"

expect_exit 1 "a file that is not OTLP is refused" imp "$FX/not-otlp.json"
expect_grep "not-otlp.json:1: not an OTLP trace document; expected" \
    "$T/stderr" "the refusal says what was expected"

expect_exit 0 "a mixed file imports its OTLP part" imp "$FX/mixed.ndjson"
expect_grep "mixed.ndjson:3: not valid JSON" "$T/stderr" \
    "the rest is reported with its line"
{
    head -n 1 "$FX/collector.ndjson"
    printf '{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0123456789abcdef0123456789abcdef","spanId":"0123456789abcdef","name":"Zara\000goza"}]}]}]}\n'
} >"$T/rawnul.ndjson"
expect_exit 0 "a raw NUL byte in a record" imp "$T/rawnul.ndjson"
expect_grep "rawnul.ndjson:2: holds a raw NUL byte, which JSON text cannot hold (a string writes it \\\\u0000)" \
    "$T/stderr" "a raw NUL byte skips its record, said with its line"
expect_eq 0 "$(q "SELECT count(*) FROM spans WHERE id = '0123456789abcdef'")" \
    "the record holding it is not stored cut"
expect_exit 0 "--workspace applies to OTLP files" \
    sp --db "$T/ws.db" import --workspace 9223372036854775807 "$FX/single.json"
expect_eq 0 "$(grep -c 'not applied' "$T/stderr")" \
    "with no word of not applying it"
expect_eq 9223372036854775807 "$("$SQLITE3" "$T/ws.db" \
    'SELECT DISTINCT workspace_id FROM spans')" "its spans are in that workspace"
head -n 65 "$FX/single.json" >"$T/doc_bad.json"
printf '  "oops": ,\n}\n' >>"$T/doc_bad.json"
expect_exit 1 "a bad pretty-printed document is refused" imp "$T/doc_bad.json"
expect_grep "^spanport: $T/doc_bad.json:66: not valid JSON; expected OTLP" \
    "$T/stderr" "with one line number, the line where the JSON breaks"
expect_exit 3 "--strict stops at the first bad record" \
    imp --strict "$FX/bad-spans.ndjson"
expect_eq 0 "$(q "SELECT count(*) FROM spans WHERE id LIKE '6666%'")" \
    "nothing of the strict file is kept"

gzip -c "$FX/genai-current.ndjson" >"$T/genai.json.gz"
expect_exit 0 "gzip input imports" imp "$T/genai.json.gz"
expect_exit 0 "standard input imports" sp import --format otlp - \
    <"$FX/openllmetry.ndjson"
expect_eq "completion|120|105|4|30|3" \
    "$(q "SELECT type || '|' || tokens_prompt || '|' || tokens_cached || '|'
          || tokens_reasoning || '|' || tokens_completion || '|' || cost
          FROM spans WHERE id = 'a100000000000001'")" \
    "a GenAI completion has its tokens and cost"

expect_exit 0 "completions export as rows" sp export --rows completion \
    --format ndjson --wait -o "$T/rows.ndjson"
expect_grep '"output":"It shipped."' "$T/rows.ndjson" \
    "an OpenLLMetry completion exports its output"
expect_grep '"input":"Be brief.\\n\\nWeather in Paris?' "$T/rows.ndjson" \
    "a GenAI completion exports its input"

# Traces without prompt spans: the default export says which rows fit.
expect_exit 0 "GenAI traces alone" sp --db "$T/noprompt.db" import \
    --format otlp "$top_srcdir/tests/fixtures/otlp/genai-current.ndjson"
expect_exit 0 "their default export (prompt rows) ends empty" \
    sp --db "$T/noprompt.db" export --all --wait -o "$T/noprompt.csv"
expect_grep "workspace 1 holds no prompt span at all.*--rows trace.*--rows completion" \
    "$T/stderr" "the empty export names --rows trace and --rows completion"
expect_exit 0 "an export of another workspace" sp --db "$T/noprompt.db" \
    export --all --workspace 7 --wait -o "$T/ws7.csv"
if grep -q "holds no prompt span" "$T/stderr"; then
    fail "a workspace without any span gets no --rows hint"
fi
ok "a workspace without any span gets no --rows hint"

# Files written by others: each imports, --strict, with its span count.
CORPUS="$top_srcdir/../shared/corpus/otlp"
[ -d "$CORPUS" ] || CORPUS=/work/shared/corpus/otlp
if [ ! -d "$CORPUS" ]; then
    echo "$TEST_NAME: corpus absent; $N_CHECKS checks passed, corpus skipped"
    exit 77
fi
export SPANPORT_DB="$T/corpus.db"
DB="$T/corpus.db"
# Span counts of the files known when this test was written; a file added
# later must still import, --strict, whatever its count.
count_of() {
    case $1 in
    Grace__genai-interlingua__testdata_openllmetry_in.json) echo 2 ;;
    jaegertracing__jaeger__cmd_jaeger_internal_extension_jaegerquery_internal_apiv3_snapshots_GetTrace.json) echo 1 ;;
    jaegertracing__jaeger__internal_storage_integration_fixtures_traces_example_trace.json) echo 5 ;;
    jaegertracing__jaeger__internal_storage_v2_memory_fixtures_otel_traces_01.json) echo 4 ;;
    open-telemetry__opentelemetry-proto__examples_trace.json) echo 1 ;;
    open-telemetry__opentelemetry-proto__examples_trace@ca6170e.json) echo 1 ;;
    pmcollins__otel-llm-bakeoff__output_ott-lit.json) echo 4 ;;
    pmcollins__otel-llm-bakeoff__output_ott-llmetry.json) echo 12 ;;
    esac
}
known=0
for path in "$CORPUS"/*; do
    f=${path##*/}
    expect_exit 0 "$f imports" sp import --format otlp --strict "$path"
    got=$(sed -n 's/.* \([0-9]*\) spans inserted, \([0-9]*\) replaced.*/\1+\2/p' \
        "$T/stderr" | tail -n 1)
    n=$(count_of "$f")
    [ -n "$n" ] || continue
    known=$((known + 1))
    expect_eq "$n" "$(($got))" "$f: $n spans"
done
expect_eq 8 "$known" "every known corpus file was found"
expect_eq 29 "$(q 'SELECT count(*) FROM spans')" \
    "29 distinct spans from the corpus"
done_testing

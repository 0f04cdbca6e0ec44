#!/bin/sh
# tests/cli/otlp_same.sh: the same 600 prompt spans (gen_latitude) as
# latitude-ndjson and as OTLP/JSON give the same store rows and the same
# export, byte for byte, for --rows prompt, completion and trace.
. "$top_srcdir/tests/cli/lib.sh"

GEN=${GEN_LATITUDE:-$top_builddir/tests/bench/gen_latitude}
PY=${PYTHON3:-python3}
[ -x "$GEN" ] || fail "$GEN is not built (make check builds it)"
command -v "$PY" >/dev/null 2>&1 || {
    echo "otlp_same: python3 not found, skipped"
    exit 77
}
[ -n "${SQLITE3:-}" ] || {
    echo "otlp_same: sqlite3 not found, skipped"
    exit 77
}
N=600
SEED=11

"$GEN" --quiet --format ndjson "$N" "$SEED" "$T/spans.ndjson" ||
    fail "gen_latitude --format ndjson failed"
"$GEN" --quiet --format otlp "$N" "$SEED" "$T/spans.otlp.ndjson" ||
    fail "gen_latitude --format otlp failed"
ok "gen_latitude writes $N prompt spans in both forms"

expect_exit 0 "the latitude-ndjson form imports" \
    sp --db "$T/lat.db" --json import --format latitude-ndjson "$T/spans.ndjson"
cp "$T/stdout" "$T/lat-import.json"
expect_exit 0 "the otlp form imports" \
    sp --db "$T/otlp.db" --json import --format otlp "$T/spans.otlp.ndjson"
cp "$T/stdout" "$T/otlp-import.json"

# jnum FILE PATH...: a number in a JSON document (PATH: member names)
jnum() {
    "$PY" -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    v = v[k]
print(v)' "$@"
}

spans=$("$SQLITE3" "$T/lat.db" 'SELECT count(*) FROM spans')
[ "$spans" -gt $((3 * N)) ] || fail "only $spans spans for $N prompts"
expect_eq "$spans" "$(jnum "$T/otlp-import.json" inserted)" \
    "the otlp form inserts as many spans as the ndjson form"
expect_eq "0 0" "$(jnum "$T/otlp-import.json" skipped) $(jnum \
    "$T/otlp-import.json" warnings)" "the otlp form has no bad record"

# Every column OTLP can carry; api_key_id, created_at and updated_at have
# no attribute, and only the OTLP reader fills provider.
COLS="trace_id, id, parent_id, previous_trace_id, workspace_id, project_id,
 test_deployment_id, document_uuid, commit_uuid, experiment_uuid,
 document_log_uuid, name, kind, type, status, message, source, duration_ms,
 started_at_ns, ended_at_ns, tokens_prompt, tokens_cached, tokens_reasoning,
 tokens_completion, model, cost"
differ=$("$SQLITE3" "$T/lat.db" "ATTACH '$T/otlp.db' AS o;
    SELECT count(*) FROM (SELECT $COLS FROM main.spans
    EXCEPT SELECT $COLS FROM o.spans)")
expect_eq 0 "$differ" "both stores hold the same span rows"
expect_eq 0 "$("$SQLITE3" "$T/otlp.db" "SELECT count(*) FROM spans
    WHERE type = 'completion' AND provider IS NULL")" \
    "the otlp store names the provider of every completion"

# export ROWS: both stores to CSV, LAT-ROWS.csv, OTLP-ROWS.csv
export_both() {
    for s in lat otlp; do
        expect_exit 0 "$s store: export --rows $1" sp --db "$T/$s.db" \
            --json export --rows "$1" --all --format csv --wait \
            -o "$T/$s-$1.csv"
        cp "$T/stdout" "$T/$s-$1.json"
    done
    expect_same "$T/lat-$1.csv" "$T/otlp-$1.csv" \
        "--rows $1: the two exports are the same bytes"
}

export_both prompt
rows=$(jnum "$T/lat-prompt.json" rows)
expect_eq "$N" "$(jnum "$T/lat-prompt.json" considered)" \
    "every prompt span is considered"
# The generator's failed calls (status error) have no output: Latitude
# skips their prompt spans, a handful in 600.
expect_eq "$N" "$((rows + $(jnum "$T/lat-prompt.json" skipped empty_output)))" \
    "each prompt span is a row, or skipped for a failed last call"
[ "$rows" -ge $((N - 20)) ] || fail "only $rows rows of $N prompt spans"
ok "$rows rows of $N prompt spans"

# check_rows CSV WANT: WANT records, each with input, output and model,
# and prompt and completion tokens
check_rows() {
    "$PY" -c 'import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as f:
    r = csv.reader(f)
    head = next(r)
    want = ["input", "output", "span_id", "trace_id", "tokens_prompt",
            "tokens_cached", "tokens_reasoning", "tokens_completion",
            "model", "cost ($)"]
    if head != want:
        sys.exit("header %r" % head)
    n = 0
    for row in r:
        n += 1
        if not (row[0] and row[1] and row[8]):
            sys.exit("row %d: input, output or model empty: %r" % (n, row))
        if int(row[4]) <= 0 or int(row[7]) <= 0 or float(row[9]) < 0:
            sys.exit("row %d: tokens or cost wrong: %r" % (n, row[4:]))
    if n != int(sys.argv[2]):
        sys.exit("%d records, expected %s" % (n, sys.argv[2]))' "$1" "$2" ||
        fail "$1: not the rows expected"
    ok "$(basename "$1"): $2 rows with input, output, model and tokens"
}
check_rows "$T/otlp-prompt.csv" "$rows"
# (in CSV, the quotes of the JSON doubled)
expect_grep '{""type"":""tool-call"",""toolCallId"":""call_' \
    "$T/otlp-prompt.csv" "tool calls export as the whole part"
expect_grep '{""type"":""tool-result"",""toolCallId"":""call_[0-9a-f]*"",""toolName"":""[a-z]' \
    "$T/otlp-prompt.csv" "tool results export with the name of their call"

export_both completion
completions=$("$SQLITE3" "$T/lat.db" \
    "SELECT count(*) FROM spans WHERE type = 'completion'")
crows=$(jnum "$T/lat-completion.json" rows)
expect_eq "$completions" \
    "$((crows + $(jnum "$T/lat-completion.json" skipped empty_output)))" \
    "--rows completion: each completion is a row, or skipped when it failed"
check_rows "$T/otlp-completion.csv" "$crows"

export_both trace

done_testing

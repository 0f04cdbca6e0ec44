#!/bin/sh
# tests/cli/archive.sh: the sample spans as NDJSON, as spans.csv + metadata
# tree and as a plain pg_dump export byte for byte alike; then the archive
# edge cases: NULL vs "", COPY escapes, traversal, links, truncation.
. "$top_srcdir/tests/cli/lib.sh"

PY=${PYTHON3:-python3}
command -v "$PY" >/dev/null 2>&1 || {
    echo "archive: python3 not found, skipped"
    exit 77
}
[ -n "${SQLITE3:-}" ] || {
    echo "archive: sqlite3 not found, skipped"
    exit 77
}
FIX=$top_srcdir/tests/fixtures/archive
SAMPLE=$top_srcdir/data/sample.ndjson
A=$T/archive
"$PY" "$top_srcdir/tests/fixtures/tools/ndjson_to_archive.py" "$SAMPLE" "$A" ||
    fail "ndjson_to_archive.py failed"
ok "the sample converts to spans.csv, dump.sql and a metadata tree"

qdb() { "$SQLITE3" "$T/$1.db" "$2"; }

# import_export NAME IMPORT-ARGS...: into a fresh store NAME.db, then
# export --all as CSV to NAME.csv.
import_export() {
    name=$1
    shift
    expect_exit 0 "$name: import" sp --db "$T/$name.db" import "$@"
    expect_exit 0 "$name: export" sp --db "$T/$name.db" export --all \
        --format csv --wait -o "$T/$name.csv"
}

# Everything a span row holds but the import that stored it; then the docs.
STORED="SELECT trace_id, id, parent_id, previous_trace_id, workspace_id,
 api_key_id, project_id, test_deployment_id, document_uuid, commit_uuid,
 experiment_uuid, document_log_uuid, name, kind, type, status, message,
 source, duration_ms, started_at_ns, ended_at_ns, tokens_prompt,
 tokens_cached, tokens_reasoning, tokens_completion, model, cost, provider,
 created_at, updated_at, m.doc FROM spans s LEFT JOIN span_metadata m
 ON m.span_rowid = s.rowid ORDER BY trace_id, id"

import_export ndjson "$SAMPLE"
import_export csv --format latitude-csv --metadata-dir "$A/metadata" \
    "$A/spans.csv"
import_export pgdump --format latitude-pgdump --metadata-dir "$A/metadata" \
    "$A/dump.sql"
rows=$(wc -l <"$T/ndjson.csv")
[ "$rows" -gt 10 ] || fail "the sample export has only $rows lines"
expect_eq 44 "$(qdb csv 'SELECT count(*) FROM span_metadata')" \
    "the CSV import found the 44 documents of the tree"
expect_same "$T/ndjson.csv" "$T/csv.csv" \
    "spans.csv + metadata tree exports byte for byte as the NDJSON"
expect_same "$T/ndjson.csv" "$T/pgdump.csv" \
    "pg_dump + metadata tree exports byte for byte as the NDJSON"
qdb ndjson "$STORED" >"$T/ndjson.rows"
qdb csv "$STORED" >"$T/csv.rows"
qdb pgdump "$STORED" >"$T/pgdump.rows"
expect_same "$T/ndjson.rows" "$T/csv.rows" "the CSV stores the same rows"
expect_same "$T/ndjson.rows" "$T/pgdump.rows" "the dump stores the same rows"

gzip -c "$A/spans.csv" >"$A/spans.csv.gz"
gzip -c "$A/dump.sql" >"$A/dump.sql.gz"
import_export csvgz --metadata-dir "$A/metadata" "$A/spans.csv.gz"
expect_same "$T/ndjson.csv" "$T/csvgz.csv" \
    "spans.csv.gz is detected and exports alike"
import_export sqlgz --metadata-dir "$A/metadata" "$A/dump.sql.gz"
expect_same "$T/ndjson.csv" "$T/sqlgz.csv" \
    "dump.sql.gz is detected and exports alike"

# ---- without --metadata-dir: said once per file, with what it costs
expect_exit 0 "spans.csv without --metadata-dir imports" \
    sp --db "$T/nometa.db" import "$A/spans.csv" "$A/dump.sql"
for f in spans.csv dump.sql; do
    expect_grep "^$A/$f: warning: imported without --metadata-dir: its spans have no metadata, and export skips completions without metadata; import it again with --metadata-dir DIR" \
        "$T/stderr" "$f without --metadata-dir is warned about"
done
expect_eq 2 "$(grep -c 'without --metadata-dir' "$T/stderr")" \
    "one warning per file, not one per span"
expect_exit 0 "an NDJSON dump, which carries its metadata" \
    sp --db "$T/nometa.db" import "$SAMPLE"
expect_eq 0 "$(grep -c 'metadata-dir' "$T/stderr")" \
    "gets no --metadata-dir warning"

# ---- NULL and the empty string; escapes; timestamp forms
expect_exit 0 "nulls.csv imports" sp import --format latitude-csv \
    "$FIX/nulls.csv"
expect_eq "NULL|''|'api'" \
    "$(q "SELECT quote(message), quote(model), quote(source) FROM spans
          WHERE id = '00000000000000a1'")" \
    "CSV: unquoted empty is NULL, \"\" is the empty string"
expect_eq "'multi
line, \"quoted\"'|' padded '|''|NULL" \
    "$(q "SELECT quote(name), quote(message), quote(model), quote(source)
          FROM spans WHERE id = '00000000000000a2'")" \
    "CSV: newlines, quotes and blanks are kept; a last empty field is NULL"
expect_eq "1768471200123000000 1768471201500000000|1768464000000000000 1768464000000000001" \
    "$(q "SELECT group_concat(started_at_ns || ' ' || ended_at_ns, '|')
          FROM (SELECT * FROM spans ORDER BY id)")" \
    "CSV: space, T, Z, offset and nanosecond timestamps"

expect_exit 0 "escapes.sql imports" sp import "$FIX/escapes.sql"
expect_grep "^$FIX/escapes.sql: warning: the COPY line of line 7 lacks the Latitude columns parent_id, previous_trace_id, api_key_id, .*, tokens_completion, cost, created_at, updated_at; every span is stored with them NULL$" \
    "$T/stderr" "a COPY line lacking known columns is warned about once"
sed 's/"type", //; s/\tprompt\t/\t/' "$FIX/escapes.sql" >"$T/notype.sql"
expect_exit 1 "a dump whose spans lack the type column is refused" \
    sp import "$T/notype.sql"
expect_grep "notype.sql:7: warning: this COPY of a spans table lacks the column type, which every span needs; its data is skipped" \
    "$T/stderr" "the COPY line names the missing column"
expect_grep "^spanport: $T/notype.sql:7: the COPY block of spans lacks columns every span needs" \
    "$T/stderr" "the refusal points at the COPY block"
expect_eq "74616209686572650A6E65776C696E655C6261636B736C6173680D6372|NULL|''" \
    "$(q "SELECT hex(name), quote(message), quote(model) FROM spans
          WHERE id = '00000000000000d1'")" \
    "COPY: tab, newline, backslash and CR escapes decoded; NULL; empty"
expect_eq "6F6374616C204120686578204220080C0B|'\\N'|NULL" \
    "$(q "SELECT hex(name), quote(message), quote(model) FROM spans
          WHERE id = '00000000000000d2'")" \
    "COPY: octal, hex, BS, FF and VT escapes decoded; an escaped NULL is text"

# ---- the metadata tree: missing files, traversal, links, bad documents
M=$T/tree
cp -R "$A/metadata" "$M"
victim=$(find "$M/workspaces/1/traces" -type f | head -n 1)
span_id=$(basename "$victim")
rm "$victim"
expect_exit 0 "a span whose document is missing imports" \
    sp --db "$T/missing.db" import --metadata-dir "$M" "$A/spans.csv"
expect_grep ", 0 warnings," "$T/stderr" "a missing document is no warning"
expect_grep "^$A/spans.csv: 3 spans had no metadata file under $M; they are stored without metadata (export skips completions without it)$" \
    "$T/stderr" "but it is counted, once for the file"
expect_eq 1 "$(grep -c 'no metadata file' "$T/stderr")" \
    "one line for the file, not one per span"
expect_exit 0 "the same with --json" sp --db "$T/missing.db" --json import \
    --metadata-dir "$M" "$A/spans.csv" "$A/dump.sql"
expect_grep '"warnings":0,"refused":\[\],"without_metadata":6,' \
    "$T/stdout" "--json counts the spans without a metadata file"
expect_eq "1|0" "$(qdb missing "SELECT count(*), count(m.doc) FROM spans s
    LEFT JOIN span_metadata m ON m.span_rowid = s.rowid
    WHERE s.id = '$span_id'")" "the span is stored without metadata"

mkdir -p "$T/etc"
printf '{"stolen":true}' >"$T/etc/passwd"
expect_exit 0 "ids that climb out of the tree are bad records" \
    sp --db "$T/trav.db" import --metadata-dir "$M" "$FIX/traversal.csv"
expect_grep 'traversal.csv:2: id "../../../../etc" is not 16 hex digits' \
    "$T/stderr" "a climbing span id is refused before any path is built"
expect_grep 'traversal.csv:3: trace_id "../../../../../../../../../../etc/pass' \
    "$T/stderr" "a climbing trace id is refused before any path is built"
expect_eq "00000000000000b2|0" "$(qdb trav "SELECT group_concat(id),
    (SELECT count(*) FROM span_metadata) FROM spans")" \
    "only the good span is stored, and nothing was read for it"

victim=$(find "$M/workspaces/1/traces" -type f | head -n 1)
span_id=$(basename "$victim")
rm "$victim"
ln -s "$T/etc/passwd" "$victim"
expect_exit 0 "a symbolic link in the tree is not followed" \
    sp --db "$T/link.db" import --metadata-dir "$M" "$A/dump.sql"
expect_grep "warning: metadata $victim: is a symbolic link" "$T/stderr" \
    "the link is reported with its path"
expect_eq 0 "$(qdb link "SELECT count(*) FROM span_metadata
    WHERE doc LIKE '%stolen%'")" "nothing outside the tree was read"
expect_eq 1 "$(qdb link "SELECT count(*) FROM spans WHERE id = '$span_id'")" \
    "the span is kept without metadata"

rm "$victim"
printf '{"cut": ' | gzip -c | head -c 12 >"$victim"
expect_exit 0 "a broken document is a warning" \
    sp --db "$T/broken.db" import --metadata-dir "$M" "$A/spans.csv"
expect_grep "warning: metadata $victim: gzip data is truncated; the span is kept without metadata" \
    "$T/stderr" "a truncated gzip document is reported with its path"

expect_exit 2 "a --metadata-dir that does not exist is a usage error" \
    sp --db "$T/nodir.db" import --metadata-dir "$T/nope" "$A/spans.csv"
expect_grep "metadata-dir $T/nope: No such file or directory" "$T/stderr" \
    "the missing directory is named"
expect_exit 2 "so it is for an NDJSON dump, which never reads it" \
    sp --db "$T/nodir.db" import --metadata-dir "$T/nope" \
    "$top_srcdir/data/sample.ndjson"
expect_exit 2 "a --metadata-dir without workspaces/ is refused" \
    sp --db "$T/nodir.db" import --metadata-dir "$A/metadata/workspaces" \
    "$A/spans.csv"
expect_grep "holds no workspaces/ directory" "$T/stderr" \
    "the refusal says what the directory must hold"
expect_exit 2 "a file as --metadata-dir is refused" \
    sp --db "$T/nodir.db" import --metadata-dir "$A/spans.csv" "$A/spans.csv"

# ---- truncated and foreign files
expect_exit 0 "a CSV cut inside a quoted field imports what is whole" \
    sp --db "$T/cut.db" import "$FIX/truncated.csv"
expect_grep "truncated.csv:3: the file ends inside a quoted field of this record; it is truncated" \
    "$T/stderr" "the cut record is reported with the line it began on"
expect_eq 00000000000000c1 "$(qdb cut 'SELECT group_concat(id) FROM spans')" \
    "the complete record before it is stored"
{
    echo "id,trace_id,workspace_id,type,name,started_at"
    for n in 1 2 3 4; do
        name=x
        [ $n = 2 ] && name='"oops'
        echo "000000000000000$n,0123456789abcdef0123456789abcdef,1,prompt,$name,2026-01-15"
    done
} >"$T/stray.csv"
expect_exit 0 "a stray quote in a CSV" \
    sp --db "$T/stray.db" import --format latitude-csv "$T/stray.csv"
expect_grep "stray.csv:3: a quoted field opens in this record and never closes: the 3 lines from here" \
    "$T/stderr" "a stray quote says how many lines it swallowed"
expect_exit 3 "--strict stops at the cut record" \
    sp --db "$T/cut.db" import --strict "$FIX/truncated.csv"

size=$(wc -c <"$A/dump.sql.gz")
head -c $((size / 2)) "$A/dump.sql.gz" >"$T/cut.sql.gz"
expect_exit 1 "a truncated gzip dump is refused" \
    sp --db "$T/cutgz.db" import "$T/cut.sql.gz"
expect_grep "cut.sql.gz: .*truncated" "$T/stderr" "and said to be truncated"
expect_eq 0 "$(qdb cutgz 'SELECT count(*) FROM spans')" \
    "nothing of the refused file is stored"

n=$(grep -n '^COPY latitude.spans' "$A/dump.sql" | cut -d: -f1)
head -n $((n + 3)) "$A/dump.sql" >"$T/cut.sql"
expect_exit 0 "a dump cut inside the spans block imports what is whole" \
    sp --db "$T/cutsql.db" import "$T/cut.sql"
expect_grep "cut.sql:$((n + 3)): the dump ends after this row, inside the COPY block of line $n" \
    "$T/stderr" "its last row is reported as maybe cut"
expect_eq 2 "$(qdb cutsql 'SELECT count(*) FROM spans')" \
    "the rows before it are stored"

printf 'PGDMP\001\016\000\004\010\001\001latitude\000' >"$T/latitude.dump"
expect_exit 1 "a custom-format dump is refused" sp import "$T/latitude.dump"
expect_grep "pg_restore -f - $T/latitude.dump > dump.sql" "$T/stderr" \
    "with the pg_restore command that converts it"
expect_exit 1 "also when the format is named" \
    sp import --format latitude-pgdump "$T/latitude.dump"
expect_grep "is a pg_dump archive (custom or tar format)" "$T/stderr" \
    "naming what the file is"

done_testing

#!/bin/sh
# tests/cli/import.sh: `spanport import` of latitude-ndjson: bad records as
# FILE:LINE, --strict, gzip, stdin, re-import, --json, store versions.
. "$top_srcdir/tests/cli/lib.sh"

span() { # span ID TRACE TYPE [EXTRA-MEMBERS]
    printf '{"id":"%s","trace_id":"%s","workspace_id":1,"type":"%s",' \
        "$1" "$2" "$3"
    printf '"started_at":"2026-01-15 10:00:00.123"%s}\n' "${4:-}"
}
TR=0123456789abcdef0123456789abcdef
span 00000000000000a1 $TR prompt >"$T/good.ndjson"
span 00000000000000a2 $TR completion ',"parent_id":"00000000000000a1"' \
    >>"$T/good.ndjson"
{
    span 00000000000000b1 $TR prompt
    echo '{"id":"9f2c","trace_id":"'$TR'","workspace_id":1,"type":"prompt","started_at":"2026-01-15"}'
    echo '{not json'
    span 00000000000000b2 $TR prompt ',"started_at":"yesterday"'
    span 00000000000000b3 $TR banana
    span 00000000000000b4 $TR prompt
} >"$T/bad.ndjson"

expect_exit 0 "a good file imports" sp import "$T/good.ndjson"
expect_grep "2 spans inserted, 0 replaced" "$T/stderr" "two spans inserted"
expect_exit 0 "re-importing the same file" sp import "$T/good.ndjson"
expect_grep "0 spans inserted, 2 replaced" "$T/stderr" \
    "re-import replaces, never duplicates"
expect_eq 2 "$(q 'SELECT count(*) FROM spans')" "still two spans stored"

expect_exit 0 "bad records are skipped, not fatal" sp import "$T/bad.ndjson"
expect_grep "bad.ndjson:2: id \"9f2c\" is not 16 hex digits" "$T/stderr" \
    "a bad id is reported with file and line"
expect_grep "bad.ndjson:3: " "$T/stderr" "invalid JSON is reported with line"
expect_grep "bad.ndjson:4: started_at \"yesterday\" is not a timestamp" \
    "$T/stderr" "a bad time is reported"
expect_grep "bad.ndjson:5: type \"banana\"" "$T/stderr" "a bad type is reported"
expect_grep "2 spans inserted, 0 replaced, 4 records skipped" "$T/stderr" \
    "the summary counts skipped records"

expect_exit 3 "--strict stops at the first bad record" \
    sp import --strict "$T/good.ndjson" "$T/bad.ndjson" "$T/good.ndjson"
expect_grep "bad.ndjson:2: id \"9f2c\" is not 16 hex digits; fix the record, or drop --strict to skip it" \
    "$T/stderr" "the strict error names file, line and what to do"
expect_grep "bad.ndjson was rolled back; files before it: 1 imported, 0 refused; after it: 1, not read" \
    "$T/stderr" "the strict stop says what was kept and what was not read"
expect_grep "^imported 1 file: 0 spans inserted, 2 replaced, 0 records skipped, 0 warnings, 0 files refused; $T/bad.ndjson rolled back, 1 file not read$" \
    "$T/stderr" "the summary counts only the file imported, and says the rest"
expect_exit 3 "--strict stopping at the first file" \
    sp --json import --strict "$T/bad.ndjson" "$T/good.ndjson"
expect_grep '"imported_files":0,"rolled_back":"'"$T"'/bad.ndjson","not_read":1}' \
    "$T/stdout" "--json says no file was imported, which was rolled back"
expect_eq 4 "$(q 'SELECT count(*) FROM spans')" \
    "nothing of the strict-failed file is committed"

gzip -c "$T/good.ndjson" >"$T/good.data"
expect_exit 0 "gzip input is detected by its magic" sp import "$T/good.data"
printf 'x\n' | gzip -c | head -c 12 >"$T/cut.gz"
printf 'garbage after the magic' | { printf '\037\213\010\000'; cat; } >"$T/junk.gz"
for f in cut junk; do
    expect_exit 1 "a $f gzip file is refused" sp import "$T/$f.gz"
    expect_grep "^spanport: $T/$f.gz: read error: " "$T/stderr" \
        "the $f gzip error names the file"
    ! grep -q "<fd:" "$T/stderr" || fail "the $f gzip error shows zlib's fd name"
    ok "the $f gzip error shows no fd name"
done
expect_exit 0 "standard input" sh -c "'$SPANPORT' import - <'$T/good.ndjson'"
expect_grep "2 replaced" "$T/stderr" "stdin import replaces"

expect_exit 0 "--json summary" sp --json import "$T/bad.ndjson"
expect_grep '"files":1,"inserted":0,"replaced":2,"skipped":4' "$T/stdout" \
    "json summary keys"

expect_exit 1 "a missing file is refused" sp import "$T/nope.ndjson"
expect_grep "nope.ndjson: cannot open" "$T/stderr" "missing file named"
printf 'hello, world\nthis is text\n' >"$T/text.txt"
expect_exit 1 "an unknown format is refused" sp import "$T/text.txt"
expect_grep "not a known dump format (tried latitude-ndjson" "$T/stderr" \
    "the refusal names the formats tried"
printf '%s\n' "$(span 00000000000000c1 $TR prompt)" | head -c 40 \
    >"$T/trunc.ndjson"
expect_exit 1 "a file of one truncated record is refused" \
    sp import "$T/trunc.ndjson"
expect_grep "trunc.ndjson:1: " "$T/stderr" "truncated record reported"
printf '{\n  "trace": {"id": "0af7651916cd43dd8448eb211c80319c"},\n  "observations": []\n}\n' \
    >"$T/other.json"
expect_exit 1 "a JSON document of another tool is refused" sp import "$T/other.json"
expect_grep "otlp: JSON, but neither OTLP trace data nor one span object per line" \
    "$T/stderr" "the refusal says what kind of JSON it is not"
i=0
while [ $i -lt 150 ]; do echo '{"hello": 1}'; i=$((i + 1)); done >"$T/many.ndjson"
expect_exit 1 "a file of bad records only is refused" sp import "$T/many.ndjson"
expect_eq 100 "$(grep -c 'many.ndjson:[0-9]*: ' "$T/stderr")" \
    "at most 100 bad records are shown per file"
expect_grep "many.ndjson: 50 more reports not shown" "$T/stderr" \
    "the rest are counted"
expect_grep "^spanport: $T/many.ndjson: no record could be read as latitude-ndjson (150 skipped), so the file is refused; if it is another format, name it with --format" \
    "$T/stderr" "a file with no good record says so, and that it is refused"
expect_grep "0 records skipped, 0 warnings, 1 files refused" "$T/stderr" \
    "the summary counts the refused file, not its records"

# Whole files of records no reader could take: refused (exit 1), listed in
# --json, nothing stored; one good record keeps the file.
before=$(q 'SELECT count(*) FROM spans')
{
    echo "id,trace_id,workspace_id,started_at"
    echo "00000000000000e1,$TR,1,2026-01-15"
    echo "00000000000000e2,$TR,1,2026-01-15"
} >"$T/spans.csv"
expect_exit 1 "a CSV read as latitude-ndjson is refused" \
    sp --json import --format latitude-ndjson "$T/spans.csv"
expect_grep '"refused":\[{"file":"'"$T"'/spans.csv","reason":"'"$T"'/spans.csv: no record could be read as latitude-ndjson (3 skipped), so the file is refused' \
    "$T/stdout" "--json lists the refused file with its reason"
expect_grep '"inserted":0,"replaced":0,"skipped":0,"warnings":0' "$T/stdout" \
    "--json counts nothing of the refused file"
expect_exit 1 "a CSV whose header lacks a required column is refused" \
    sp import --format latitude-csv "$T/spans.csv"
expect_eq "$before" "$(q 'SELECT count(*) FROM spans')" \
    "nothing of a refused file is stored"
{
    span 00000000000000e3 $TR prompt
    echo '{"hello": 1}'
} >"$T/one-good.ndjson"
expect_exit 0 "a file with one good record is imported" \
    sp import "$T/one-good.ndjson"
expect_grep "1 spans inserted, 0 replaced, 1 records skipped" "$T/stderr" \
    "its bad record is skipped"
: >"$T/empty.ndjson"
printf '\n  \n\r\n' >"$T/blank.csv"
for f in empty.ndjson blank.csv; do
    expect_exit 0 "$f: an empty file imports nothing" sp import "$T/$f"
    expect_grep "^$T/$f: empty, nothing imported$" "$T/stderr" \
        "$f: an empty file is said to be empty"
done
expect_exit 0 "an empty file named as a pg_dump" \
    sp import --format latitude-pgdump "$T/empty.ndjson"
expect_grep "empty.ndjson: empty, nothing imported" "$T/stderr" \
    "is empty too, not refused"

# Compressed files spanport does not read: say with what, and how to
# decompress them.
printf 'BZh91AY&SY' >"$T/spans.csv.bz2"
printf '\3757zXZ\000\000' >"$T/spans.ndjson.xz"
printf '\050\265\057\375\000' >"$T/spans.ndjson.zst"
printf 'PK\003\004\024\000' >"$T/spans.zip"
printf '7z\274\257\047\034\000' >"$T/spans.7z"
for f in "spans.csv.bz2 bzip2 bunzip2 -k" "spans.ndjson.xz xz xz -dk" \
    "spans.ndjson.zst zstd zstd -d" "spans.zip zip unzip" "spans.7z 7z 7z x"; do
    set -- $f
    name=$1 packer=$2
    shift 2
    expect_exit 1 "$name is refused" sp import "$T/$name"
    expect_grep "^spanport: $T/$name: is compressed with $packer, which spanport does not read (gzip it does); decompress it with \`$* $T/$name\` and import the result$" \
        "$T/stderr" "$name: says it is $packer and how to decompress it"
done
expect_exit 1 "also with --format" \
    sp import --format latitude-csv "$T/spans.csv.bz2"
expect_grep "is compressed with bzip2" "$T/stderr" "with --format too"

# Metadata: a record without metadata keeps the stored one.
span 00000000000000a2 $TR completion ',"metadata":{"type":"completion","x":1.50}' \
    >"$T/meta.ndjson"
expect_exit 0 "metadata imports" sp import "$T/meta.ndjson"
expect_eq '{"type":"completion","x":1.50}' \
    "$(q "SELECT doc FROM span_metadata")" "metadata is stored verbatim"
expect_exit 0 "re-import without metadata" sp import "$T/good.ndjson"
expect_eq 1 "$(q "SELECT count(*) FROM span_metadata")" \
    "re-import without metadata keeps the stored metadata"
span 00000000000000a2 $TR completion ',"metadata":[1]' >"$T/meta2.ndjson"
expect_exit 0 "non-object metadata" sp import "$T/meta2.ndjson"
expect_grep "warning: metadata of" "$T/stderr" \
    "metadata that is not an object is a warning"

# Members as JSON allows them: escaped names and values, names longer
# than any column, literals that only start like null.
LONG=$(printf 'x%.0s' $(seq 1 80))
printf '{"\\u0069d":"00000000000000d1","trace_id":"%s","workspace_id":1,"type":"prompt","started_at":"2026-01-15","name":"say \\"hi\\"\\t\\u00e9","%s":"ignored","model":null}\n' \
    "$TR" "$LONG" >"$T/forms.ndjson"
printf '{"id":"00000000000000d2","trace_id":"%s","workspace_id":1,"type":"prompt","started_at":"2026-01-15","model":nullx}\n' \
    "$TR" >>"$T/forms.ndjson"
expect_exit 0 "members in every JSON form" sp import "$T/forms.ndjson"
expect_eq "say \"hi\"$(printf '\t')é" \
    "$(q "SELECT name FROM spans WHERE id = '00000000000000d1'")" \
    "an escaped member name and escaped text are decoded"
expect_grep "forms.ndjson:2: invalid JSON: expected , or }" "$T/stderr" \
    "a literal that only starts like null is invalid JSON"
expect_grep "1 spans inserted, 0 replaced, 1 records skipped" "$T/stderr" \
    "a name longer than any column is ignored with its value"

# \u0000 ends a string for cJSON, and for PostgreSQL text: said, not
# silently cut (an escaped backslash before u0000 is no NUL).
span 00000000000000c1 $TR prompt ',"name":"a\u0000b"' >"$T/nul.ndjson"
span 00000000000000c2 $TR completion \
    ',"metadata":{"output":[{"content":"x\u0000y"}]}' >>"$T/nul.ndjson"
span 00000000000000c3 $TR prompt ',"name":"a\\u0000b"' >>"$T/nul.ndjson"
expect_exit 0 "text holding \\u0000 imports" sp import "$T/nul.ndjson"
expect_grep "nul.ndjson:1: warning: name of $TR:00000000000000c1 holds" \
    "$T/stderr" "a NUL in a column is a warning with file and line"
expect_grep "nul.ndjson:2: warning: metadata of $TR:00000000000000c2 holds" \
    "$T/stderr" "a NUL in the metadata is a warning too"
expect_grep "3 spans inserted, 0 replaced, 0 records skipped, 2 warnings" \
    "$T/stderr" "an escaped backslash before u0000 is no NUL"

# Messages that say what is wrong: nesting past the limit, numbers out of
# range.
"$PYTHON3" -c 'import sys; n = 100000; sys.stdout.write(
    "{\"id\":\"00000000000000f1\",\"trace_id\":\"%s\",\"workspace_id\":1,"
    "\"type\":\"prompt\",\"started_at\":\"2026-01-15\",\"deep\":%s%s}\n"
    % (sys.argv[1], "[" * n, "]" * n))' "$TR" >"$T/deep.ndjson"
span 00000000000000f2 $TR completion ',"tokens_prompt":99999999999999999999999' \
    >>"$T/deep.ndjson"
span 00000000000000f3 $TR completion ',"cost":-9223372036854775809' \
    >>"$T/deep.ndjson"
span 00000000000000f4 $TR completion ',"cost":-9223372036854775808' \
    >>"$T/deep.ndjson"
expect_exit 0 "deep nesting and big numbers" sp import "$T/deep.ndjson"
expect_grep "deep.ndjson:1: member \"deep\" nests arrays and objects deeper than 1000 levels, the limit" \
    "$T/stderr" "nesting past the limit is said so, naming the limit"
expect_grep "deep.ndjson:2: tokens_prompt \"99999999999999999999999\" is out of the signed 64-bit integer range" \
    "$T/stderr" "an integer too big is said to be out of range"
expect_grep "deep.ndjson:3: cost \"-9223372036854775809\" is out of the signed 64-bit integer range" \
    "$T/stderr" "so is one too small"
expect_eq -9223372036854775808 \
    "$(q "SELECT cost FROM spans WHERE id = '00000000000000f4'")" \
    "the smallest 64-bit integer is read"

# --workspace: a positive 64-bit integer, applied to OTLP files only.
for w in 0 -1 99999999999999999999 +5 " 5" 5x ""; do
    expect_exit 2 "--workspace '$w' is a usage error" \
        sp import --workspace "$w" "$T/good.ndjson"
    expect_grep "--workspace \"$w\" is not a positive 64-bit integer" \
        "$T/stderr" "--workspace '$w' is refused, named"
done
expect_exit 0 "--workspace with a Latitude file" \
    sp import --workspace 7 "$T/good.ndjson"
expect_grep "^$T/good.ndjson: warning: --workspace 7 was not applied to this file: latitude-ndjson rows carry their own workspace_id$" \
    "$T/stderr" "says it was not applied to that file"
expect_eq 0 "$(q 'SELECT count(*) FROM spans WHERE workspace_id = 7')" \
    "the rows keep their own workspace_id"
expect_exit 0 "import --help" sp import --help
expect_grep "spans of OTLP files; Latitude formats are not given" "$T/stdout" \
    "import --help says --workspace applies to OTLP files"

# A raw NUL byte is no JSON text: the record is skipped, said with its
# line, not cut where the NUL is.
{
    printf '{"id":"00000000000000c4","trace_id":"%s","workspace_id":1,' $TR
    printf '"type":"prompt","started_at":"2026-01-15","name":"Zara\000goza"}\n'
    span 00000000000000c5 $TR prompt
} >"$T/rawnul.ndjson"
expect_exit 0 "a raw NUL byte in a record" sp import "$T/rawnul.ndjson"
expect_grep "rawnul.ndjson:1: holds a raw NUL byte (byte 143 of the line), which JSON text cannot hold (a string writes it \\\\u0000); the record is skipped" \
    "$T/stderr" "a raw NUL byte is reported with file and line"
expect_eq 0 "$(q "SELECT count(*) FROM spans WHERE id = '00000000000000c4'")" \
    "the record holding it is not stored cut"
printf 'id,trace_id,workspace_id,type,started_at,duration\n00000000000000c6,%s,1,prompt,2026-01-15,12\0003\n00000000000000c7,%s,1,prompt,2026-01-15,1\n' \
    "$TR" "$TR" >"$T/rawnul.csv"
expect_exit 0 "a NUL byte in a CSV field" sp import "$T/rawnul.csv"
expect_grep "rawnul.csv:2: duration holds a NUL byte, which PostgreSQL text cannot hold" \
    "$T/stderr" "a NUL in a CSV number is reported, not read as 12"

# An import killed in the middle of a file leaves the store as it was
# before that file; running it again finishes the job.
mkfifo "$T/fifo"
# kill_mid_import STORE FILE LINES: imports FILE into STORE through a FIFO
# and kills spanport with SIGKILL once it has taken LINES lines. The pipe
# holds 64 KiB: once head returns, the importer has read and put all but
# that much, inside its open transaction. Not through sp(): the shell
# function would be the process killed, and spanport would live on.
kill_mid_import() {
    "$SPANPORT" --db "$1" import - <"$T/fifo" >/dev/null 2>&1 &
    victim=$!
    exec 3>"$T/fifo"
    head -n "$3" "$2" >&3
    kill -9 $victim
    wait $victim 2>/dev/null || true
    exec 3>&-
}
"$PYTHON3" "$top_srcdir/tests/tools/gen_dump.py" 3000 7 >"$T/big.ndjson"
before=$(q 'SELECT count(*) FROM spans')
kill_mid_import "$DB" "$T/big.ndjson" 4000
expect_eq "$before" "$(q 'SELECT count(*) FROM spans')" \
    "a killed import leaves the store as it was"
expect_eq ok "$(q 'PRAGMA integrity_check')" "integrity_check after SIGKILL"
expect_exit 0 "the same import run again" sp import "$T/big.ndjson"
expect_eq $((before + 6000)) "$(q 'SELECT count(*) FROM spans')" \
    "running it again finishes the job"

# The same for a new store, which is loaded in bulk with a rollback
# journal: killed past the bulk threshold (10000 spans), it is empty again,
# and the import run again leaves it whole, indexed and in WAL mode.
NEW="$T/new.db"
"$PYTHON3" "$top_srcdir/tests/tools/gen_dump.py" 7000 3 >"$T/bulk.ndjson"
kill_mid_import "$NEW" "$T/bulk.ndjson" 13000
expect_exit 0 "a killed bulk load: the store opens" sp --db "$NEW" --json stats
expect_grep '"spans": *0,' "$T/stdout" "a killed bulk load leaves no span"
expect_eq ok "$("$SQLITE3" "$NEW" 'PRAGMA integrity_check')" \
    "integrity_check after a killed bulk load"
expect_exit 0 "the bulk load run again" sp --db "$NEW" import "$T/bulk.ndjson"
expect_eq 14000 "$("$SQLITE3" "$NEW" 'SELECT count(*) FROM spans')" \
    "the bulk load run again stores every span"
expect_eq "ok wal 6" "$("$SQLITE3" "$NEW" 'PRAGMA integrity_check' \
    'PRAGMA journal_mode' "SELECT count(*) FROM sqlite_schema WHERE type = \
    'index' AND tbl_name = 'spans'" | tr '\n' ' ' | sed 's/ $//')" \
    "after a bulk load the store is whole, in WAL mode, with its 6 indexes"

# Records of megabytes: a few of them fill the queue between the reader and
# the store's thread by their bytes alone, long before its batch of spans.
"$PYTHON3" -c 'import json
for i in range(7):
    print(json.dumps({"id": "%016x" % (i + 1), "trace_id": "ab" * 16,
        "workspace_id": 1, "type": "completion",
        "started_at": "2026-01-15 10:00:00",
        "metadata": {"type": "completion",
            "input": [{"role": "user", "content": "a" * 2000000}]}}))' \
    >"$T/large.ndjson"
expect_exit 0 "seven records of 2 MB import, and in time" \
    timeout 60 "$SPANPORT" --db "$T/large.db" import "$T/large.ndjson"
expect_eq 7 "$("$SQLITE3" "$T/large.db" 'SELECT count(*) FROM span_metadata')" \
    "every large record is stored with its metadata"

q 'PRAGMA user_version = 99'
expect_exit 4 "a store from a newer spanport is refused" sp stats
expect_grep "newer spanport (store schema 99, this spanport knows up to 2)" \
    "$T/stderr" "the refusal names both schema versions"

printf 'not a database at all, just some bytes of text....\n%.0s' 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 >"$T/junk.db"
expect_exit 4 "a file that is not a store is refused" \
    sp --db "$T/junk.db" stats
done_testing

#!/bin/sh
# tests/cli/export.sh: `spanport export` from the command line: routing
# (sync to stdout, async to exports/<uuid>), byte-identical routes, key
# files, usage errors, workspaces, CSV options, --json summaries.
. "$top_srcdir/tests/cli/lib.sh"

sp import "$top_srcdir/data/sample.ndjson" 2>/dev/null
q "SELECT trace_id || ':' || id FROM spans WHERE type = 'prompt'
   ORDER BY started_at_ns DESC, id DESC, trace_id DESC" >"$T/prompts"
N=$(wc -l <"$T/prompts")

# Sync: a small PARTIAL selection goes to standard output at once.
head -3 "$T/prompts" >"$T/three.keys"
expect_exit 0 "a partial selection of 3 keys runs sync" \
    sp export --only-file "$T/three.keys"
expect_grep "^input,output,span_id" "$T/stdout" "sync CSV goes to stdout"
[ ! -d "$T/exports" ] || fail "a sync export made no exports/ directory"
ok "no export record directory for a sync export"

# Async: ALL gets a UUID and a file under exports/ beside the store.
expect_exit 0 "export --all is async" sp export --all
uuid=$(cat "$T/stdout")
[ ! -e "$T/exports/$uuid.csv" ] || fail "the async file exists before a worker ran"
ok "an async export only queues"
expect_exit 0 "a worker drains the queue" sp worker --drain
echo "$uuid" | grep -Eq '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$' ||
    fail "async export printed '$uuid', not a UUID"
ok "async export prints its UUID"
expect_same "$top_srcdir/tests/golden/sample-all.csv" \
    "$T/exports/$uuid.csv" "the async file lands in exports/<uuid>.csv"
# A store named relative to the working directory: its path, without "./".
(cd "$T" && "$SPANPORT" --db store.db export --all) >"$T/stdout"
rel=$(cat "$T/stdout")
expect_eq "$(cd "$T" && pwd -P)/exports/$rel.csv" \
    "$(q "SELECT path FROM exports WHERE uuid = '$rel'")" \
    "a store in the working directory gives a clean absolute path"
expect_exit 0 "that export is cancelled" sp exports cancel "$rel"

# The same selection through both routes gives the same bytes: 25 keys by
# --only (sync) and everything else excluded (async).
head -13 "$T/prompts" >"$T/some.keys"
tail -n +14 "$T/prompts" >"$T/rest.keys"
expect_exit 0 "sync route to a file" \
    sp export --only-file "$T/some.keys" --option crlf -o "$T/sync.csv"
expect_exit 0 "async route to a file" \
    sp export --except-file "$T/rest.keys" --option crlf --wait -o "$T/async.csv"
expect_same "$T/sync.csv" "$T/async.csv" \
    "sync and async files are byte-identical"

# Key files: comments, blank lines, bad lines with FILE:LINE.
{ echo "# a comment"; echo; head -1 "$T/prompts"; echo "  "; } >"$T/k1"
expect_exit 0 "key file with comments and blank lines" \
    sp export --only-file "$T/k1" -o "$T/k1.csv"
printf '%s\nnot-a-key\n' "$(head -1 "$T/prompts")" >"$T/k2"
expect_exit 2 "a bad key in a key file is a usage error" \
    sp export --only-file "$T/k2"
expect_grep "k2:2: \"not-a-key\" is not a span key" "$T/stderr" \
    "the bad key is named with file and line"

# Selection conflicts and bad values are usage errors (exit 2).
k=$(head -1 "$T/prompts")
expect_exit 2 "--only with --except" sp export --only "$k" --except "$k"
expect_exit 2 "--conversation with --except" \
    sp export --except "$k" --conversation 1b10c8ac-a0bf-4d14-a24b-396fe797bb9d
expect_exit 2 "--all with --only" sp export --all --only "$k"
expect_exit 2 "a bad --from" sp export --all --from yesterday
expect_grep "is not a time" "$T/stderr" "the bad time is explained"
expect_exit 2 "--from after --to" \
    sp export --all --from 2026-02-01 --to 2026-01-01
expect_exit 2 "a bad --rows" sp export --all --rows spans
expect_exit 2 "a bad --commit" sp export --all --commit nope
for opt in --workspace --project --test-deployment; do
    for v in 0 -1; do
        expect_exit 2 "$opt $v" sp export --all "$opt" "$v"
        expect_grep "$opt \"$v\" is not a positive integer" "$T/stderr" \
            "$opt $v is said not to be a positive id"
    done
done

# Upper-case keys and UUIDs compare case-insensitively.
K=$(echo "$k" | tr a-f A-F)
expect_exit 0 "upper-case key" sp export --only "$K" -o "$T/upper.csv"
expect_exit 0 "lower-case key" sp export --only "$k" -o "$T/lower.csv"
expect_same "$T/lower.csv" "$T/upper.csv" "keys compare case-insensitively"

# A PARTIAL selection that resolves to nothing: header only, exit 0.
expect_exit 0 "an empty partial selection" \
    sp export --only 00000000000000000000000000000001:0000000000000001 \
    -o "$T/empty.csv"
expect_eq 1 "$(wc -l <"$T/empty.csv")" "an empty CSV is the header alone"
expect_exit 0 "an empty NDJSON" sp export --only \
    00000000000000000000000000000001:0000000000000001 --format ndjson \
    -o "$T/empty.ndjson"
expect_eq 0 "$(wc -c <"$T/empty.ndjson")" "an empty NDJSON file is empty"

# Date-only bounds cover whole days, inclusive.
expect_exit 0 "a one-day window" \
    sp --json export --all --wait --from 2026-01-12 --to 2026-01-12 -o "$T/day.csv"
day_rows=$(q "SELECT count(*) FROM spans WHERE type = 'prompt' AND
    started_at_ns >= 1768176000000000000 AND started_at_ns < 1768262400000000000")
expect_grep "\"considered\":$day_rows," "$T/stdout" \
    "--from/--to DATE consider exactly that day's prompt spans"

# --json summary keys.
expect_exit 0 "--json summary" sp --json export --all --wait -o "$T/j.csv"
expect_grep '"rows":13,"considered":17,"skipped":{"no_completion":1,"no_metadata":1,"not_completion_metadata":0,"empty_output":2},"warnings":0' \
    "$T/stdout" "the summary counts rows, considered, skips by reason"

# The text summary on stderr counts the row spans considered and skipped,
# by the reasons of the --json summary; with no row, one line says why.
expect_exit 0 "--wait text summary" sp export --all --wait -o "$T/t.csv"
expect_grep "ready: 13 rows, .*; 17 prompt spans considered, 4 skipped (no_completion 1, no_metadata 1, empty_output 2), 0 warnings\$" \
    "$T/stderr" "the --wait summary says how many spans were skipped and why"
if grep -q "no rows" "$T/stderr"; then fail "a hint for an export with rows"; fi
ok "no hint when rows were written"
NOKEY=00000000000000000000000000000001:0000000000000001
expect_exit 0 "an --only key that is not in the store" \
    sp export --only "$NOKEY" -o "$T/nokey.csv"
expect_grep "^exported 0 rows to $T/nokey.csv: 0 prompt spans considered, 0 skipped, 0 warnings\$" \
    "$T/stderr" "the sync summary counts what was considered"
expect_grep "^no rows: 1 of the 1 key given is not a prompt span of workspace 1 (not found)\$" \
    "$T/stderr" "the hint says how many keys were not found"
expect_exit 0 "keys that are not in the store, to stdout" \
    sp export --only "$NOKEY" --only "${NOKEY%1}2"
expect_grep "^no rows: 2 of the 2 keys given are not prompt spans of workspace 1 (not found)\$" \
    "$T/stderr" "the hint goes to stderr on the sync route to stdout too"
expect_exit 0 "an unknown --workspace" \
    sp export --workspace 99 --all --wait -o "$T/ws99.csv"
expect_grep ": no rows: no prompt span matched the filters: workspace 99\$" \
    "$T/stderr" "the hint names the workspace"
expect_exit 0 "an unknown --document" sp export --all --wait \
    --document 00000000-0000-4000-8000-000000000000 --from 2026-01-01 \
    -o "$T/nodoc.csv"
expect_grep "no prompt span matched the filters: workspace 1, --document 00000000-0000-4000-8000-000000000000, --from 2026-01-01T00:00:00.000000000Z\$" \
    "$T/stderr" "the hint names every filter given"
expect_exit 0 "a selected key outside --from/--to" \
    sp export --only "$(head -1 "$T/prompts")" --from 2099-01-01
expect_grep "^no rows: the 1 selected prompt span does not pass the filters: workspace 1, --from 2099" \
    "$T/stderr" "the hint says the filters left the selection out"
LONE=$(q "SELECT p.trace_id || ':' || p.id FROM spans p WHERE p.type = 'prompt'
    AND NOT EXISTS (SELECT 1 FROM spans c WHERE c.trace_id = p.trace_id
    AND c.type = 'completion') LIMIT 1")
expect_exit 0 "a prompt span with no completion" sp export --only "$LONE"
expect_grep "^exported 0 rows to standard output: 1 prompt span considered, 1 skipped (no_completion 1), 0 warnings\$" \
    "$T/stderr" "the skip is counted by reason"
expect_grep "^no rows: every one of the 1 prompt spans considered was skipped: none has a completion span under it\$" \
    "$T/stderr" "the hint says why every span was skipped"
expect_exit 0 "--quiet" sp --quiet export --only "$NOKEY" -o "$T/quiet.csv"
expect_eq "" "$(cat "$T/stderr")" "--quiet prints no summary and no hint"
expect_exit 0 "--quiet --wait" sp --quiet export --workspace 99 --all --wait \
    -o "$T/quiet.csv"
expect_eq "" "$(cat "$T/stderr")" "--quiet --wait prints no summary and no hint"

# CSV options.
expect_exit 0 "--option bom" sp export --all --wait --option bom -o "$T/bom.csv"
expect_eq "efbbbf" "$(head -c 3 "$T/bom.csv" | od -An -tx1 | tr -d ' \n')" \
    "bom starts the file with U+FEFF"
expect_exit 0 "--option crlf" sp export --all --wait --option crlf -o "$T/crlf.csv"

# Exact bytes of the options on a one-row store.
S="$T/small.db"
TRS=000000000000000000000000000000aa
{
    printf '{"id":"00000000000000a1","trace_id":"%s","workspace_id":1,' $TRS
    printf '"type":"prompt","started_at":"2026-01-01T00:00:00Z"}\n'
    printf '{"id":"00000000000000a2","trace_id":"%s","workspace_id":1,' $TRS
    printf '"parent_id":"00000000000000a1","type":"completion",'
    printf '"started_at":"2026-01-01T00:00:01Z","tokens_prompt":-3,"cost":-150000,'
    printf '"model":"@m","metadata":{"type":"completion","input":[{"content":'
    printf '"+in"}],"output":[{"content":"=1+2, \\"x\\""}]}}\n'
} >"$T/small.ndjson"
sp --db "$S" import "$T/small.ndjson" 2>/dev/null
H='input,output,span_id,trace_id,tokens_prompt,tokens_cached,tokens_reasoning,tokens_completion,model,cost ($)'
R='+in,"=1+2, ""x""",00000000000000a1,'$TRS',-3,0,0,0,@m,-1.5'
G=\''+in,"'\''=1+2, ""x""",00000000000000a1,'$TRS",'-3,0,0,0,'@m,'-1.5"
sp --db "$S" export --all --wait --option crlf -o "$T/crlf.csv"
printf '%s\r\n%s\r\n' "$H" "$R" >"$T/want-crlf.csv"
expect_same "$T/want-crlf.csv" "$T/crlf.csv" "crlf ends every record with CR LF"
sp --db "$S" export --all --wait --option formula-guard -o "$T/guard1.csv"
printf '%s\n%s\n' "$H" "$G" >"$T/want-guard.csv"
expect_same "$T/want-guard.csv" "$T/guard1.csv" \
    "formula-guard prefixes ' to = + - @ fields, numbers too, then quotes"
sp --db "$S" export --all --wait --format ndjson -o "$T/small.ndjson.out"
printf '%s\n' '{"input":"+in","output":"=1+2, \"x\"","span_id":"00000000000000a1","trace_id":"'$TRS'","tokens_prompt":-3,"tokens_cached":0,"tokens_reasoning":0,"tokens_completion":0,"model":"@m","cost ($)":-1.5}' >"$T/want.ndjson"
expect_same "$T/want.ndjson" "$T/small.ndjson.out" \
    "NDJSON: tokens as integers, cost as a number, the rest as strings"
expect_exit 0 "--option formula-guard" \
    sp export --all --wait --option formula-guard -o "$T/guard.csv"
expect_exit 0 "--option formula-guard=false" \
    sp export --all --wait --option formula-guard=false -o "$T/noguard.csv"
expect_same "$top_srcdir/tests/golden/sample-all.csv" "$T/noguard.csv" \
    "an option set to false changes nothing"
expect_exit 2 "a bad option value" sp export --all --wait --option bom=maybe

# Several workspaces: one must be named.
printf '{"id":"00000000000000f1","trace_id":"000000000000000000000000000000f1","workspace_id":9,"type":"prompt","started_at":"2026-01-01"}\n' \
    >"$T/ws9.ndjson"
sp import "$T/ws9.ndjson" 2>/dev/null
expect_exit 2 "several workspaces and no --workspace" sp export --all
expect_grep "several workspaces (1, 9); name one with --workspace" \
    "$T/stderr" "the error lists the workspaces"
expect_exit 0 "--workspace picks one" \
    sp export --all --workspace 1 --wait -o "$T/ws1.csv"
expect_same "$top_srcdir/tests/golden/sample-all.csv" "$T/ws1.csv" \
    "workspace 1 alone"
# -o never replaces what is not a file, nor the store; standard output
# takes only an export written at once; a key file with no key selects
# nothing.
K=$(head -1 "$T/prompts")
mkfifo "$T/fifo"
for target in "$DB:the store's own" "$DB-wal:the store's own" \
    "/dev/null:is a device" "$T/fifo:is a FIFO" "$T:is a directory" \
    "$T/missing/x.csv:does not exist" ":names no file"; do
    expect_exit 2 "-o '${target%%:*}' is refused" \
        sp export --workspace 1 --only "$K" -o "${target%%:*}"
    expect_grep "${target#*:}" "$T/stderr" "-o '${target%%:*}': ${target#*:}"
done
expect_exit 2 "-o '$T' for an export job is refused before it is queued" \
    sp export --workspace 1 --all -o "$T"
expect_eq 0 "$(q "SELECT count(*) FROM exports WHERE path = '$T'")" \
    "no export record for a refused target"
expect_grep "give a file name in it, e.g. -o $T/export.csv\$" "$T/stderr" \
    "-o DIR for an export job suggests a file in DIR, not -o -"
expect_exit 2 "-o DIR/ for an NDJSON export job is refused" \
    sp export --workspace 1 --all --format ndjson -o "$T/"
expect_grep "e.g. -o $T/export.ndjson\$" "$T/stderr" \
    "the suggested file has the format's extension"
expect_exit 2 "-o DIR for an export written at once is refused" \
    sp export --workspace 1 --only "$K" -o "$T"
expect_grep "e.g. -o $T/export.csv, or -o - for standard output" \
    "$T/stderr" "-o - is suggested only when the export is written at once"
[ -p "$T/fifo" ] || fail "the FIFO was replaced"
ok "the FIFO is still a FIFO"
expect_eq ok "$(q 'PRAGMA integrity_check')" "the store is still a store"
expect_exit 2 "-o - for an export job is refused" sp export --workspace 1 --all --wait -o -
expect_grep "standard output" "$T/stderr" "the refusal says why"
[ ! -e ./- ] && [ ! -e "$T/-" ] || fail "a file named - was written"
ok "no file named -"
: >"$T/empty.keys"
printf '# nothing here\n\n' >"$T/comments.keys"
for f in empty comments; do
    expect_exit 0 "an --only-file with no key ($f)" \
        sp export --workspace 1 --only-file "$T/$f.keys"
    expect_eq "input,output,span_id,trace_id,tokens_prompt,tokens_cached,tokens_reasoning,tokens_completion,model,cost (\$)" \
        "$(cat "$T/stdout")" "no key selects nothing: the header alone ($f)"
done
expect_exit 2 "a directory as --only-file is refused" sp export --workspace 1 --only-file "$T"
printf '\001\377\376\n' >"$T/binary.keys"
expect_exit 2 "a binary key file is refused" sp export --workspace 1 --only-file "$T/binary.keys"
expect_grep '"???" is not a span key' "$T/stderr" \
    "the refusal shows no raw bytes"
# Bytes that are not UTF-8 in a dump become U+FFFD in every output, as a
# JavaScript runtime reading them would decode them.
BT=0000000000000000000000000000bad0
{
    printf '{"id":"00000000000000b1","trace_id":"%s","workspace_id":7,"type":"prompt","started_at":"2026-02-01"}\n' "$BT"
    printf '{"id":"00000000000000b2","trace_id":"%s","parent_id":"00000000000000b1","workspace_id":7,"type":"completion","started_at":"2026-02-01","model":"m\377","metadata":{"type":"completion","input":[{"role":"user","content":"q\300\257"}],"output":[{"role":"assistant","content":"a\355\240\200z"}]}}\n' "$BT"
} >"$T/badutf8.ndjson"
expect_exit 0 "a dump with bytes that are not UTF-8" \
    sp import "$T/badutf8.ndjson"
expect_exit 0 "its export to NDJSON" sp export --workspace 7 \
    --only "$BT:00000000000000b1" --format ndjson
expect_eq '{"input":"q\ufffd\ufffd","output":"a\ufffd\ufffd\ufffdz","model":"m\ufffd"}' \
    "$("$PYTHON3" -c 'import json, sys
r = json.loads(open(sys.argv[1], "rb").read().decode("utf-8", "strict"))
print(json.dumps({k: r[k] for k in ("input", "output", "model")}, separators=(",", ":")))' "$T/stdout")" \
    "the NDJSON is strict UTF-8, each bad sequence one U+FFFD"
expect_exit 0 "its export to CSV" sp export --workspace 7 \
    --only "$BT:00000000000000b1"
"$PYTHON3" -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8", "strict")' \
    "$T/stdout" || fail "the CSV is not UTF-8"
ok "the CSV is strict UTF-8 too"
# A $SPANPORT_CONFIG that names no file is an error wherever the config
# is needed: when an export asks for a notice, and when a worker sends it.
printf '{"smtp": {"url": "smtp://127.0.0.1:9", "from": "a@example.org"}}\n' \
    >"$T/config.json"
expect_exit 2 "--notify with a missing \$SPANPORT_CONFIG" env \
    SPANPORT_CONFIG="$T/nope.json" "$SPANPORT" export --workspace 1 --all \
    --notify smtp:me@example.org
expect_grep "SPANPORT_CONFIG=$T/nope.json: No such file" "$T/stderr" \
    "the error names the variable and the path"
expect_exit 0 "an export with a notice is queued" env \
    SPANPORT_CONFIG="$T/config.json" "$SPANPORT" export --workspace 1 --all \
    --notify smtp:me@example.org -o "$T/notified.csv"
expect_exit 2 "a worker with a missing \$SPANPORT_CONFIG" env \
    SPANPORT_CONFIG="$T/nope.json" "$SPANPORT" worker --drain
expect_grep "SPANPORT_CONFIG=$T/nope.json: No such file" "$T/stderr" \
    "the worker names the variable and the path"
expect_eq pending "$(q "SELECT state FROM deliveries")" \
    "the notice waits for a readable config"
q "DELETE FROM jobs; DELETE FROM deliveries"
# A bad --notify target names the bad byte, in printable form, and where
# it is: an address ends at its first @, so a line break after it is in
# the domain even when another @ follows.
CRLF=$(printf '\r\nBcc: x@evil.org')
printf '{"smtp": {"url": "smtp://127.0.0.1:9", "from": "a@example.org"},
 "webhook": {"secret": "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}}\n' \
    >"$T/config.json"
chmod 600 "$T/config.json"
expect_exit 2 "an smtp target with CR LF after the @" env \
    SPANPORT_CONFIG="$T/config.json" "$SPANPORT" export --workspace 1 --all \
    --notify "smtp:me@example.org$CRLF"
expect_grep 'has \\r at byte 15, in the domain after the @' "$T/stderr" \
    "the smtp refusal names CR and says it is after the @"
expect_eq 1 "$(wc -l <"$T/stderr")" "the refusal is one line"
expect_grep '^spanport: --notify smtp:me@example.org\\r\\nBcc: x@evil.org: ' \
    "$T/stderr" "the --notify value is shown with escapes"
expect_exit 2 "an smtp target with a space before the @" env \
    SPANPORT_CONFIG="$T/config.json" "$SPANPORT" export --workspace 1 --all \
    --notify "smtp:m e@example.org"
expect_grep 'has a space at byte 2, in the name before the @' "$T/stderr" \
    "the smtp refusal names the space before the @"
expect_exit 2 "a webhook target with CR LF in the host" env \
    SPANPORT_CONFIG="$T/config.json" "$SPANPORT" export --workspace 1 --all \
    --notify "webhook:https://example.org$CRLF/x"
expect_grep 'has \\r at byte 20, in the host, after the //' "$T/stderr" \
    "the webhook refusal names CR and says it is in the host"
expect_exit 2 "a webhook target with a space in the path" env \
    SPANPORT_CONFIG="$T/config.json" "$SPANPORT" export --workspace 1 --all \
    --notify "webhook:https://example.org/a b"
expect_grep 'has a space at byte 22, in the path' "$T/stderr" \
    "the webhook refusal names the space in the path"
done_testing

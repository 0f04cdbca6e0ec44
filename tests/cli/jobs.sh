#!/bin/sh
# tests/cli/jobs.sh: export jobs: dedupe, retries with backoff, a job that
# fails three times, cancel, retry, prune, two workers racing, a worker
# killed with SIGKILL mid-export, and a graceful stop.
. "$top_srcdir/tests/cli/lib.sh"

export SPANPORT_BACKOFF_MS=200 SPANPORT_LEASE_SECONDS=2
sp import "$top_srcdir/data/sample.ndjson" 2>/dev/null
integrity() { expect_eq ok "$(q 'PRAGMA integrity_check')" "$1"; }
state() { q "SELECT state FROM exports WHERE uuid = '$1'"; }

# A job that fails three times ends failed, with its error: its
# directory is removed after the export is requested (a missing one is
# refused at once).
mkdir -p "$T/no/such/dir"
expect_exit 0 "an export to a directory that is removed later is queued" \
    sp export --all -o "$T/no/such/dir/x.csv"
bad=$(cat "$T/stdout")
rmdir "$T/no/such/dir"
expect_exit 1 "a worker drains it through its retries, and exits 1: it failed" \
    sp worker --drain
expect_eq "spanport: worker: 1 job ended failed: export $bad; \`spanport exports show UUID\` tells why" \
    "$(tail -n 1 "$T/stderr")" "the worker names the export that failed"
expect_grep "will be retried (attempt 1 of 3)" "$T/stderr" \
    "the worker reports the retry"
expect_eq failed "$(state "$bad")" "after three attempts the export is failed"
expect_eq 3 "$(q "SELECT attempts FROM jobs WHERE ref = '$bad'")" \
    "the job ran exactly three attempts"
expect_eq 3 "$(q "SELECT attempts FROM exports WHERE uuid = '$bad'")" \
    "its record counts the three attempts"
expect_exit 0 "exports show" sp exports show "$bad"
expect_grep "error .*no/such/dir/x.csv: cannot create the output" \
    "$T/stdout" "show says why the export failed"
gap=$(q "SELECT 1 FROM jobs WHERE ref = '$bad'")
expect_eq 1 "$gap" "the failed job stays in the queue for inspection"

# Backoff: after a failure the job is due 1x the base later, then 2x.
mkdir "$T/gone"
expect_exit 0 "another failing export" sp export --all -o "$T/gone/y.csv"
b2=$(cat "$T/stdout")
rmdir "$T/gone"
t0=$(date +%s%N)
sp worker --once 2>/dev/null
due=$(q "SELECT run_after_ns FROM jobs WHERE ref = '$b2'")
delta_ms=$(( (due - t0) / 1000000 ))
[ "$delta_ms" -ge 200 ] && [ "$delta_ms" -le 1500 ] ||
    fail "first retry due after ${delta_ms} ms, expected about 200 ms"
ok "the first retry waits the base backoff"
sleep 0.4
sp worker --once 2>/dev/null
due2=$(q "SELECT run_after_ns FROM jobs WHERE ref = '$b2'")
t1=$(date +%s%N)
delta2_ms=$(( (due2 - t1) / 1000000 ))
[ "$delta2_ms" -ge 300 ] && [ "$delta2_ms" -le 1500 ] ||
    fail "second retry due after ${delta2_ms} ms, expected about 400 ms"
ok "the second retry waits twice as long"
expect_exit 2 "retry refuses a queued export" sp exports retry "$b2"

# Retry: a failed export goes back to the queue with fresh attempts.
mkdir -p "$T/no/such/dir"
expect_exit 0 "exports retry" sp exports retry "$bad"
expect_eq "queued||0||" "$(q "SELECT state, error, attempts, started_at_ns,
    finished_at_ns FROM exports WHERE uuid = '$bad'" | tr -d '\n')" \
    "retry clears the last run's error, attempts and times"
# (the same drain runs the last attempt of $b2, which fails: exit 1)
expect_exit 1 "the retried export runs" sp worker --drain
expect_grep "^spanport: worker: 1 job ended failed: export $b2;" "$T/stderr" \
    "the drain names only the export that failed"
expect_eq ready "$(state "$bad")" "a retried export can succeed"
expect_same "$top_srcdir/tests/golden/sample-all.csv" \
    "$T/no/such/dir/x.csv" "the retried file is complete"
q "UPDATE jobs SET state = 'cancelled' WHERE ref = '$b2'"
q "UPDATE exports SET state = 'cancelled' WHERE uuid = '$b2'"

# Cancel: a queued export never runs.
expect_exit 0 "queue one more" sp export --all -o "$T/cancelled.csv"
c=$(cat "$T/stdout")
expect_exit 0 "exports cancel" sp exports cancel "$c"
expect_exit 0 "a worker finds nothing to do" sp worker --drain
expect_eq cancelled "$(state "$c")" "the cancelled export stays cancelled"
[ ! -e "$T/cancelled.csv" ] || fail "a cancelled export wrote its file"
ok "a cancelled export writes no file"
expect_exit 2 "a finished export cannot be cancelled" \
    sp exports cancel "$bad"

# Dedupe: enqueueing the same export UUID twice keeps one job.
expect_eq 1 "$(q "SELECT count(*) FROM jobs WHERE ref = '$c'")" \
    "one job per export"
q "INSERT INTO jobs (kind, ref, run_after_ns) VALUES ('export', '$c', 0)
   ON CONFLICT (kind, ref) DO NOTHING"
expect_eq 1 "$(q "SELECT count(*) FROM jobs WHERE ref = '$c'")" \
    "a second enqueue of the same UUID is a no-op"

# Two workers racing for one queue: every export runs exactly once.
for i in 1 2 3 4 5 6 7 8; do
    sp export --all -o "$T/race$i.csv" >/dev/null
done
"$SPANPORT" worker --drain 2>"$T/w1.log" &
p1=$!
"$SPANPORT" worker --drain 2>"$T/w2.log" &
p2=$!
wait $p1 $p2
expect_eq 8 "$(q "SELECT count(*) FROM exports WHERE path LIKE '%race%'
    AND state = 'ready' AND attempts = 1")" \
    "eight exports, each run once by one of two workers"
expect_eq 8 "$(cat "$T/w1.log" "$T/w2.log" | grep -c 'race.*csv')" \
    "the two workers together report eight exports"
for i in 1 2 3 4 5 6 7 8; do
    cmp -s "$top_srcdir/tests/golden/sample-all.csv" "$T/race$i.csv" ||
        fail "race$i.csv differs"
done
ok "every raced file is complete"
integrity "integrity_check after the race"

# Prune: finished records older than the cutoff go, with their files.
q "UPDATE exports SET created_at_ns = created_at_ns - 86400000000000 * 40
   WHERE path LIKE '%race1.csv' OR path LIKE '%race2.csv'"
expect_exit 0 "exports prune" sp exports prune --older-than 30d
expect_grep "pruned 2 exports" "$T/stdout" "prune counts what it removed"
[ ! -e "$T/race1.csv" ] && [ -e "$T/race3.csv" ] ||
    fail "prune removed the wrong files"
ok "prune removes old files and keeps new ones"
expect_exit 2 "a bad duration" sp exports prune --older-than soon

# Prune removes only files an export wrote and still owns: not the user's
# file behind a cancelled export, not a path a later export wrote again,
# not a file changed since.
echo precious >"$T/mine.csv"
expect_exit 0 "an export to a user's file, queued" sp export --all -o "$T/mine.csv"
expect_exit 0 "and cancelled" sp exports cancel "$(cat "$T/stdout")"
expect_exit 0 "a first export to a path" sp export --all --wait -o "$T/again.csv"
expect_exit 0 "a second export to the same path, the same bytes" \
    sp export --all --wait -o "$T/again.csv"
expect_exit 0 "an export whose file the user then changes" \
    sp export --all --wait -o "$T/changed.csv"
echo "my notes" >>"$T/changed.csv"
q "UPDATE exports SET created_at_ns = created_at_ns - 86400000000000 * 40
   WHERE path LIKE '%mine.csv' OR path LIKE '%changed.csv'
   OR uuid = (SELECT uuid FROM exports WHERE path LIKE '%again.csv'
   ORDER BY created_at_ns LIMIT 1)"
expect_exit 0 "prune of the three" sp exports prune --older-than 30d
expect_grep "pruned 3 exports" "$T/stdout" "prune counts the three records"
expect_eq precious "$(cat "$T/mine.csv")" \
    "a cancelled export's target, the user's file, is kept"
expect_same "$top_srcdir/tests/golden/sample-all.csv" "$T/again.csv" \
    "a path written again by a later export keeps the later file"
[ -e "$T/changed.csv" ] || fail "a file changed since its export was removed"
ok "a file changed since its export is kept"

# A worker killed with SIGKILL mid-export: another completes the job,
# and the file is byte-identical to an uninterrupted run.
"$PYTHON3" "$top_srcdir/tests/tools/gen_dump.py" 30000 7 >"$T/big.ndjson"
sp import "$T/big.ndjson" 2>/dev/null
rm -f "$T/big.ndjson"
expect_exit 0 "an uninterrupted run" sp export --all --wait -o "$T/ref.csv"
expect_exit 0 "the export to interrupt" sp export --all -o "$T/crash.csv"
u=$(cat "$T/stdout")
"$SPANPORT" worker --once 2>/dev/null &
victim=$!
wait_for_temp crash "the worker never started writing"
sleep 0.2
kill -9 $victim
wait $victim 2>/dev/null || true
[ ! -e "$T/crash.csv" ] || fail "a killed attempt left a file under the final name"
ok "a killed attempt leaves no file under the final name"
integrity "integrity_check after SIGKILL"
expect_eq running "$(state "$u")" "the killed worker's export is still running"
expect_exit 0 "another worker takes over after the lease" sp worker --drain
expect_eq ready "$(state "$u")" "the export completes"
expect_eq 2 "$(q "SELECT attempts FROM jobs WHERE ref = '$u'")" \
    "it took a second attempt"
expect_same "$T/ref.csv" "$T/crash.csv" \
    "the recovered file is byte-identical to an uninterrupted run"
left=$(ls "$T"/.crash.csv.tmp-* 2>/dev/null | wc -l)
expect_eq 0 "$left" "the crashed attempt's temporary file was cleaned up"
integrity "integrity_check after recovery"

# Graceful stop: SIGTERM releases the job at hand without counting it.
expect_exit 0 "an export to stop" sp export --all -o "$T/stopped.csv"
g=$(cat "$T/stdout")
"$SPANPORT" worker 2>"$T/stop.log" &
w=$!
wait_for_temp stopped "the worker never started writing"
kill -TERM $w
wait $w || fail "the worker exited non-zero after SIGTERM"
ok "SIGTERM stops the worker cleanly"
expect_grep "released" "$T/stop.log" "the worker says it released the job"
expect_eq queued "$(q "SELECT state FROM jobs WHERE ref = '$g'")" \
    "the released job is queued again"
expect_exit 0 "a later worker finishes it" sp worker --drain
expect_same "$T/ref.csv" "$T/stopped.csv" "the stopped export completes"
expect_eq 1 "$(q "SELECT attempts FROM jobs WHERE ref = '$g'")" \
    "the released attempt did not count"
# Ctrl-C or SIGTERM on `export --wait`: the export stops, its temporary
# file goes, and it is cancelled, so that no worker finishes it later.
# (SIGTERM here: a shell script's background command ignores SIGINT, and
# spanport leaves an ignored signal ignored.)
"$SPANPORT" export --all --wait -o "$T/aborted.csv" 2>"$T/abort.log" &
a=$!
wait_for_temp aborted "export --wait never started writing"
kill -TERM $a
set +e
wait $a
got=$?
set -e
expect_eq 1 "$got" "an interrupted export --wait exits 1"
expect_grep "cancelled: interrupted" "$T/abort.log" "it says it was cancelled"
ab=$(q "SELECT uuid FROM exports WHERE path LIKE '%aborted.csv'")
expect_eq "cancelled cancelled" "$(q "SELECT e.state || ' ' || j.state FROM
    exports e JOIN jobs j ON j.ref = e.uuid WHERE e.uuid = '$ab'")" \
    "the record and its job are cancelled"
expect_eq 0 "$(ls "$T"/.aborted.csv.tmp-* 2>/dev/null | wc -l)" \
    "no temporary file is left"
expect_exit 0 "a worker afterwards" sp worker --drain
[ ! -e "$T/aborted.csv" ] || fail "a worker finished the interrupted export"
ok "no worker finishes an interrupted export"

# The selection is fixed when the export is requested: spans imported
# later do not leak into it.
expect_exit 0 "an export before the late import" \
    sp export --all --wait -o "$T/before.csv"
expect_exit 0 "queue an export" sp export --all -o "$T/cutoff.csv"
co=$(cat "$T/stdout")
"$PYTHON3" "$top_srcdir/tests/tools/gen_dump.py" 3 99 >"$T/late.ndjson"
sp import "$T/late.ndjson" 2>/dev/null
sp worker --drain 2>/dev/null
expect_same "$T/before.csv" "$T/cutoff.csv" \
    "spans imported after the request are not in the export"
expect_exit 0 "an export requested after the import" \
    sp --json export --all --wait -o "$T/later.csv"
before_rows=$(q "SELECT rows FROM exports WHERE uuid = '$co'")
expect_grep "\"rows\":$((before_rows + 3))," "$T/stdout" \
    "an export requested after the import sees the three new rows"
# No plugin where the worker looks: each attempt still counts in the record.
expect_exit 0 "an NDJSON export is queued" \
    sp export --all --format ndjson -o "$T/noplugin.ndjson"
np=$(cat "$T/stdout")
mkdir -p "$T/empty-plugin-dir"
expect_exit 1 "a worker without its plugin fails it" \
    env SPANPORT_PLUGIN_PATH="$T/empty-plugin-dir" "$SPANPORT" worker --drain
expect_eq "failed 3" "$(q "SELECT state || ' ' || attempts FROM exports
    WHERE uuid = '$np'")" "the record counts the attempts a missing plugin failed"
done_testing

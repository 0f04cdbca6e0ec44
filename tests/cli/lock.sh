#!/bin/sh
# tests/cli/lock.sh: another process holding the store's write lock: how
# long writers wait (--lock-timeout, $SPANPORT_LOCK_TIMEOUT), what they say
# when they give up, and a worker that outlives the lock.
. "$top_srcdir/tests/cli/lib.sh"

sp import "$top_srcdir/data/sample.ndjson" 2>/dev/null

# hold_lock SECONDS: another connection takes the write lock (BEGIN
# IMMEDIATE) and keeps it for SECONDS; returns once the lock is held.
hold_lock() {
    rm -f "$T/held"
    { echo "BEGIN IMMEDIATE;"; echo "SELECT 'held';";
      sleep "$1"; echo "COMMIT;"; } | "$SQLITE3" "$DB" >"$T/held" &
    HOLDER=$!
    i=0
    until grep -q held "$T/held" 2>/dev/null; do
        i=$((i + 1))
        [ $i -lt 1000 ] || fail "the lock holder never took the lock"
        sleep 0.01
    done
}

hold_lock 3
expect_exit 4 "an export gives up after --lock-timeout" \
    sp --lock-timeout 0.3 export --all -o "$T/a.csv"
expect_eq "spanport: $DB: the store is locked by another spanport (waited 0.3 s); retry when it is done, or wait longer with --lock-timeout SECONDS" \
    "$(cat "$T/stderr")" \
    "the exit-4 message says how long it waited and names the option"
expect_exit 4 "SPANPORT_LOCK_TIMEOUT sets it too" \
    env SPANPORT_LOCK_TIMEOUT=0.2 "$SPANPORT" import \
    "$top_srcdir/data/sample.ndjson"
expect_grep "(waited 0.2 s)" "$T/stderr" "the wait is the environment's"
expect_exit 0 "a longer --lock-timeout outlasts the holder" \
    env SPANPORT_LOCK_TIMEOUT=0.2 "$SPANPORT" --lock-timeout 20 \
    export --all -o "$T/b.csv"
wait "$HOLDER"

# On a terminal, a wait longer than a second or two is told, once.
hold_lock 6
expect_exit 4 "a writer on a terminal" "$PYTHON3" \
    "$top_srcdir/tests/tools/pty_run.py" "$SPANPORT" --lock-timeout 2 \
    export --all -o "$T/c.csv"
expect_eq 1 "$(grep -c "waiting for another spanport to release $DB (up to 2 s; --lock-timeout changes it)\.\.\." "$T/stdout")" \
    "it says once that it is waiting for the store"
expect_exit 4 "the same with --quiet" "$PYTHON3" \
    "$top_srcdir/tests/tools/pty_run.py" "$SPANPORT" --quiet \
    --lock-timeout 2 export --all -o "$T/c.csv"
expect_eq 0 "$(grep -c "waiting for another" "$T/stdout")" \
    "--quiet says nothing while it waits"
wait "$HOLDER"
# A worker outlives a store held longer than its lock timeout: it tries
# again at its next poll, says so once, and runs the job once it is free.
expect_exit 0 "an export job queued" sp export --all -o "$T/w.csv"
w=$(cat "$T/stdout")
hold_lock 2
expect_exit 0 "a worker survives a store locked past its lock timeout" \
    env SPANPORT_LOCK_TIMEOUT=0.2 "$SPANPORT" worker --drain --poll 0.2
wait "$HOLDER"
expect_eq 1 "$(grep -c "^worker: the store is locked by another spanport; trying again every 0.2 s until it is free$" "$T/stderr")" \
    "the worker says once that it waits, not once per poll"
expect_grep "^worker: export $w ready: 13 rows" "$T/stderr" \
    "the worker ran the job once the store was free"
expect_same "$top_srcdir/tests/golden/sample-all.csv" "$T/w.csv" \
    "the job's file is complete"

# Lock taken mid-export (lease renewals every page) or at its end: the
# worker waits for the store, keeps its lease, and finishes the attempt.
"$PYTHON3" "$top_srcdir/tests/tools/gen_dump.py" 5000 7 >"$T/big.ndjson"
sp import "$T/big.ndjson" 2>/dev/null
expect_exit 0 "a long export job queued" \
    sp export --all --page-size 1 -o "$T/long.csv"
long=$(cat "$T/stdout")
SPANPORT_LEASE_SECONDS=1 SPANPORT_LOCK_TIMEOUT=0.2 \
    "$SPANPORT" worker --once 2>"$T/worker.log" &
worker=$!
wait_for_temp long "the worker never started writing"
hold_lock 2
wait "$worker" || fail "the worker died of the lock: $(cat "$T/worker.log")"
ok "a worker whose store is locked mid-export lives on"
wait "$HOLDER"
expect_grep "^worker: export $long: the store is locked by another spanport; waiting for it$" \
    "$T/worker.log" "the worker says it waits for the store"
# 5000 generated rows and the sample's 13
expect_eq "ready 1 5013" "$(q "SELECT state, attempts, rows FROM exports WHERE uuid = '$long'" | tr '|' ' ')" \
    "the export is ready with every row after one attempt: the lease was kept"

expect_exit 2 "--lock-timeout takes seconds" sp --lock-timeout soon stats
expect_grep '--lock-timeout takes seconds (0 to 86400), not "soon"' \
    "$T/stderr" "a bad --lock-timeout is named"
expect_exit 2 "a bad SPANPORT_LOCK_TIMEOUT is a usage error" \
    env SPANPORT_LOCK_TIMEOUT=-1 "$SPANPORT" stats
expect_exit 0 "--help" sp --help
expect_grep "else 60)" "$T/stdout" "--help gives the default lock timeout"

done_testing

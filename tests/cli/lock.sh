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
expect_exit 2 "--lock-timeout takes seconds" sp --lock-timeout soon stats
expect_grep '--lock-timeout takes seconds (0 to 86400), not "soon"' \
    "$T/stderr" "a bad --lock-timeout is named"
expect_exit 2 "a bad SPANPORT_LOCK_TIMEOUT is a usage error" \
    env SPANPORT_LOCK_TIMEOUT=-1 "$SPANPORT" stats
expect_exit 0 "--help" sp --help
expect_grep "else 60)" "$T/stdout" "--help gives the default lock timeout"

done_testing

# tests/cli/lib.sh: shared by the end-to-end CLI tests: a private scratch
# directory, a store in it, and assertions that say what differed.
set -eu

: "${SPANPORT:?run through make check}"
: "${top_srcdir:?run through make check}"
T=$(mktemp -d "${TMPDIR:-/tmp}/spanport-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
DB="$T/store.db"
export SPANPORT_DB="$DB"
TEST_NAME=$(basename "$0" .sh)
N_CHECKS=0

sp() { "$SPANPORT" "$@"; }

fail() {
    echo "FAIL $TEST_NAME: $*" >&2
    exit 1
}

ok() {
    N_CHECKS=$((N_CHECKS + 1))
    echo "ok $N_CHECKS - $*"
}

# expect_exit CODE DESCRIPTION COMMAND...: runs it, checks the exit code;
# its stderr is left in $T/stderr and stdout in $T/stdout.
expect_exit() {
    want=$1 what=$2
    shift 2
    set +e
    "$@" >"$T/stdout" 2>"$T/stderr"
    got=$?
    set -e
    [ "$got" = "$want" ] || {
        cat "$T/stderr" >&2
        fail "$what: exit $got, expected $want"
    }
    ok "$what"
}

expect_grep() {
    pattern=$1 file=$2 what=$3
    grep -q -- "$pattern" "$file" || {
        echo "--- $file:" >&2
        head -c 2000 "$file" >&2
        fail "$what: no match for '$pattern'"
    }
    ok "$what"
}

expect_same() {
    want=$1 got=$2 what=$3
    cmp -s "$want" "$got" || {
        diff "$want" "$got" | head -20 >&2 || true
        fail "$what: $got differs from $want"
    }
    ok "$what"
}

expect_eq() {
    want=$1 got=$2 what=$3
    [ "$want" = "$got" ] || fail "$what: got '$got', expected '$want'"
    ok "$what"
}

q() { "$SQLITE3" "$DB" "$@"; }

done_testing() {
    echo "$TEST_NAME: $N_CHECKS checks passed"
}

# wait_for_temp NAME WHAT: waits until an export has begun writing
# $T/NAME.csv (its temporary file exists); fails with WHAT after 20 s.
wait_for_temp() {
    i=0
    while ! ls "$T/.$1.csv.tmp-"* >/dev/null 2>&1; do
        i=$((i + 1))
        [ $i -lt 2000 ] || fail "$2"
        sleep 0.01
    done
}

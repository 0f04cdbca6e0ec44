#!/bin/sh
# tests/cli/usage.sh: the command line itself: help for every command and
# action, global options before or after the command word, usage errors
# with exit code 2 and a hint.
. "$top_srcdir/tests/cli/lib.sh"

sp import "$top_srcdir/data/sample.ndjson" 2>/dev/null

for words in "--help" "help" "import --help" "import -h" "export --help" \
    "export -h" "worker --help" "worker -h" "exports --help" \
    "exports list --help" "exports show --help" "exports prune -h" \
    "stats --help" "plugins --help" "plugins list --help"; do
    # shellcheck disable=SC2086 # the words split on purpose
    expect_exit 0 "spanport $words" sp $words
    expect_grep "^usage: spanport" "$T/stdout" "spanport $words prints usage"
done

expect_exit 0 "--json after the command word" sp stats --json
expect_grep '"spans":46' "$T/stdout" "stats --json is JSON"
: | sp import --db "$T/other.db" - 2>/dev/null # an empty store
expect_exit 0 "--db after the command word" \
    sp stats --db "$T/other.db" --json
expect_grep '"spans":0' "$T/stdout" "stats --db names the store it reads"
expect_exit 0 "--json after an action" sp exports list --json
expect_eq "[]" "$(cat "$T/stdout")" "exports list --json is an empty list"
expect_exit 0 "a sync export amid hoisted options" \
    sp export --quiet --only "$(q "SELECT trace_id || ':' || id FROM spans
        WHERE type = 'prompt' LIMIT 1")" --format ndjson
expect_grep '"span_id"' "$T/stdout" "the sync export wrote a row"

expect_exit 2 "--db without a path" sp --db
expect_grep "needs the store's PATH" "$T/stderr" "--db names what it needs"
expect_exit 2 "worker --poll 0" sp worker --poll 0 --drain
expect_grep "more than 0" "$T/stderr" "--poll says what it takes"
expect_exit 2 "exports list with an argument" sp exports list x
expect_grep "list takes no argument" "$T/stderr" "list says why"
expect_exit 2 "standard input named twice" sp import - -
expect_grep "read only once" "$T/stderr" "import - - says why"
if [ -w /dev/full ]; then
    for words in "stats" "--json exports list" "plugins list"; do
        # shellcheck disable=SC2086
        set +e
        sp $words >/dev/full 2>"$T/stderr"
        got=$?
        set -e
        expect_eq 1 "$got" "spanport $words into a full disk exits 1"
        expect_grep "writing standard output: No space left" "$T/stderr" \
            "spanport $words says its output was lost"
    done
fi
expect_exit 2 "an unknown command" sp frobnicate
expect_grep "see \`spanport --help\`" "$T/stderr" "usage errors give a hint"
expect_exit 2 "an unknown exports action" sp exports bogus
expect_eq "spanport: unknown action \"bogus\"; the actions are list, show, cancel, retry and prune; see \`spanport exports --help\`" \
    "$(cat "$T/stderr")" "exports names the unknown action and lists the actions"
expect_exit 2 "an unknown exports action with an argument" sp exports bogus x
expect_grep "unknown action \"bogus\"" "$T/stderr" "whatever follows it"

# The README stands alone: no pointer outside the repository; it documents
# the row rules, the webhook's private-address switch and the lock timeout.
! grep -n "shared/spec" "$top_srcdir/README.md" ||
    fail "README.md points outside the repository"
ok "README.md points nowhere outside the repository"
for phrase in "not_completion_metadata" "webhook.allow_private_addresses" \
    "--lock-timeout SECONDS" "tokens_completion"; do
    expect_grep "$phrase" "$top_srcdir/README.md" "README.md documents $phrase"
done

# Only import creates a store: a mistyped --db is an error elsewhere.
for cmd in "stats" "export --all" "exports list" "worker --drain"; do
    # shellcheck disable=SC2086 # the command's words
    expect_exit 4 "$cmd on a missing store" sp --db "$T/typo.db" $cmd
    expect_eq "spanport: no store at $T/typo.db; \`spanport import\` creates one" \
        "$(cat "$T/stderr")" "$cmd says there is no store and what creates one"
    [ ! -e "$T/typo.db" ] || fail "$cmd created $T/typo.db"
    ok "$cmd creates no store"
done

done_testing

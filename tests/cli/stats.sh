#!/bin/sh
# tests/cli/stats.sh: `spanport stats`, text and --json: exact counts and
# ids (64-bit integers never go through a double).
. "$top_srcdir/tests/cli/lib.sh"

sp import "$top_srcdir/data/sample.ndjson" 2>/dev/null
# 2^53 + 1 is the first integer a double cannot hold; INT64_MAX the last.
q "UPDATE spans SET workspace_id = 9007199254740993
   WHERE trace_id IN (SELECT trace_id FROM spans ORDER BY trace_id LIMIT 1);
   UPDATE spans SET workspace_id = 9223372036854775807
   WHERE trace_id IN (SELECT trace_id FROM spans ORDER BY trace_id DESC
   LIMIT 1)"

expect_exit 0 "stats" sp stats
expect_grep "^workspaces:  1 9007199254740993 9223372036854775807$" \
    "$T/stdout" "stats prints 64-bit workspace ids exactly"
expect_grep "^spans:       46$" "$T/stdout" "stats counts the spans"
expect_exit 0 "stats --json" sp stats --json
expect_grep '"workspaces":\[1,9007199254740993,9223372036854775807\]' \
    "$T/stdout" "stats --json prints 64-bit workspace ids exactly"
expect_grep '^{"spans":46,"traces":17,"by_type":{"chat":1,"completion":22,"prompt":17,"tool":5,"unknown":1},' \
    "$T/stdout" "stats --json counts are integers"

# One snapshot: while another process keeps adding and removing spans,
# every stats run adds up (its queries share one read transaction).
"$PYTHON3" "$top_srcdir/tests/tools/gen_dump.py" 5000 7 >"$T/big.ndjson"
sp import "$T/big.ndjson" 2>/dev/null
"$PYTHON3" "$top_srcdir/tests/tools/churn.py" "$DB" 30 >"$T/churn" &
churn=$!
until grep -q churning "$T/churn"; do sleep 0.01; done
i=0
while [ $i -lt 30 ]; do
    i=$((i + 1))
    sp stats --json >"$T/stats.json"
    "$PYTHON3" -c 'import json, sys
d = json.load(open(sys.argv[1]))
n = sum(d["by_type"].values())
sys.exit(0 if n == d["spans"] else "spans %d, by_type sums to %d" % (d["spans"], n))' \
        "$T/stats.json" || fail "stats run $i is not one snapshot"
done
kill "$churn"
wait "$churn" 2>/dev/null || true
ok "30 stats runs during writes each add up: one snapshot each"

done_testing

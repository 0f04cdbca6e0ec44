#!/bin/sh
# tests/cli/demo.sh: the sample dump end to end: import, export to CSV and
# NDJSON, compared byte for byte with the hand-derived golden files.
. "$top_srcdir/tests/cli/lib.sh"

expect_exit 0 "sample imports" sp import "$top_srcdir/data/sample.ndjson"
expect_grep "46 spans inserted" "$T/stderr" "import summary counts 46 spans"

expect_exit 0 "export --all to CSV" sp export --all --wait -o "$T/all.csv"
expect_same "$top_srcdir/tests/golden/sample-all.csv" "$T/all.csv" \
    "CSV matches tests/golden/sample-all.csv"

expect_exit 0 "export --all to NDJSON" \
    sp export --all --wait --format ndjson -o "$T/all.ndjson"
expect_same "$top_srcdir/tests/golden/sample-all.ndjson" "$T/all.ndjson" \
    "NDJSON matches tests/golden/sample-all.ndjson"

mode=$(stat -c %a "$T/all.csv")
expect_eq 600 "$mode" "the export file is created 0600"
mode=$(stat -c %a "$DB")
expect_eq 600 "$mode" "the store is created 0600"
left=$(find "$T" -name '.*.tmp-*' | wc -l)
expect_eq 0 "$left" "no temporary file is left behind"

done_testing

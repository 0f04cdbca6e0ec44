#!/bin/sh
# tests/fuzz/run.sh: `make fuzz`: runs each libFuzzer target for
# FUZZ_SECONDS, one after another on one core, over a copy of its seed
# corpus plus the inputs that once crashed it (with TARGET.dict when there
# is one), then says what it found.
# Exits 1 when a target found a crash, leak, hang or memory blow-up.
#
# Environment (make fuzz sets them all):
#   FUZZ_TARGETS  target names (fuzz_NAME, corpus/NAME)
#   FUZZ_BUILD    where the fuzz_NAME programs are
#   FUZZ_OUT      work directory: FUZZ_OUT/NAME/{corpus,fuzz.log,crash-...}
#   FUZZ_SECONDS  how long each target runs
#   top_srcdir
set -u
fuzz_dir=$top_srcdir/tests/fuzz
found=0
for target in $FUZZ_TARGETS; do
    work=$FUZZ_OUT/$target
    rm -rf "$work"
    mkdir -p "$work/corpus"
    cp "$fuzz_dir/corpus/$target"/* "$work/corpus/"
    set -- "$work/corpus"
    if [ -d "$fuzz_dir/crashes/$target" ]; then
        set -- "$@" "$fuzz_dir/crashes/$target"
    fi
    dict=
    if [ -f "$fuzz_dir/$target.dict" ]; then
        dict=-dict=$fuzz_dir/$target.dict # words worth splicing in
    fi
    echo "fuzz_$target: ${FUZZ_SECONDS}s, log in $work/fuzz.log"
    # -timeout: a hang; -rss_limit_mb: memory without bound; libFuzzer
    # stops at the first fault and leaves its input as $work/KIND-SHA1.
    "$FUZZ_BUILD/fuzz_$target" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/" \
        $dict "$@" >"$work/fuzz.log" 2>&1
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log")
    echo "  ${execs:-?} runs, corpus $(ls "$work/corpus" | wc -l) inputs"
    for artifact in "$work"/crash-* "$work"/leak-* "$work"/timeout-* \
        "$work"/oom-* "$work"/slow-unit-*; do
        [ -e "$artifact" ] || continue
        found=1
        echo "  FOUND $artifact"
        grep -m 1 -E 'ERROR: [A-Za-z]+: |runtime error: ' "$work/fuzz.log" |
            sed 's/^/    /'
    done
done
if [ "$found" = 1 ]; then
    echo "make fuzz: faults found; run one again: $FUZZ_BUILD/fuzz_TARGET FILE"
    exit 1
fi
echo "make fuzz: nothing found"

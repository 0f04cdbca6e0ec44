#!/bin/sh
# tests/fuzz/replay.sh: runs each fuzz target, built by make check with the
# normal compiler and driver.c, over its seed corpus (corpus/TARGET) and the
# inputs that once crashed it (crashes/TARGET). Under --enable-sanitizers a
# fault any of them shows again fails here; otherwise a crash does.
set -u
fuzz_dir=$top_srcdir/tests/fuzz
status=0
for dir in "$fuzz_dir"/corpus/*/; do
    target=$(basename "$dir")
    set -- "$fuzz_dir/corpus/$target"
    if [ -d "$fuzz_dir/crashes/$target" ]; then
        set -- "$@" "$fuzz_dir/crashes/$target"
    fi
    if ! "$top_builddir/tests/fuzz/fuzz_$target" "$@"; then
        echo "FAIL: fuzz_$target on $*"
        status=1
    fi
done
exit $status

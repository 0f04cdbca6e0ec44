#!/bin/sh
# tests/bench/run.sh: spanport's benchmarks (`make bench`). Prints figures;
# never fails on a timing. For each size N (prompt spans), from the same
# spans written by gen_latitude in each form:
#   1. latitude-ndjson: `spanport import` into a fresh store (spans/s, MB/s,
#      peak RSS, store bytes per span); for reference `sqlite-utils insert
#      --nl` of the same NDJSON (when installed);
#   2. on that store, `spanport export --all --format csv --wait` and the
#      sqlite3 shell running the equivalent join (export_join.sql) with
#      -csv into a file: rows/s, peak RSS and the ratio spanport/sqlite3;
#   3. latitude-csv + metadata tree: `spanport import` into a fresh store;
#   4. OTLP/JSON NDJSON (Collector file-exporter style): `spanport import`
#      into a fresh store;
#   5. the sqlite3 shell's `.import` of the same rows as one flat CSV
#      (gen_latitude --flat-csv) into a table of the same columns, and the
#      ratio of each spanport import to it.
# The stores of steps 3 and 4 are exported once more: their CSV must be
# the bytes of step 2's (a note says so). The table goes to standard output
# and to $BENCH_OUT/results.txt.
#
# Environment (make bench sets the first seven):
#   SPANPORT, SPANPORT_PLUGIN_PATH, top_srcdir, top_builddir
#   GEN_LATITUDE  the built generator (make bench: tests/bench/gen_latitude;
#                 without it, compiled here from tests/bench/gen_*.c with $CC)
#   SQLITE3, PYTHON3   the tools (defaults: sqlite3, python3)
#   BENCH_OUT     output directory (default $top_builddir/bench-out)
#   BENCH_SIZES   prompt-span counts (default "100000 1000000")
#   BENCH_SEED    generator seed (default 42)
#   BENCH_REPEAT  runs of each import and export command (the exports
#                 alternating with the sqlite3 shell's); the fastest counts
#                 (default 2)
#   BENCH_KEEP=1  keep the work files (dumps, stores, exports; this needs
#                 about three times the disk)
#   BENCH_SQLITE_UTILS_MAX  largest size that runs sqlite-utils, which
#                 commits every 100 rows (default: no limit)
#   CC, SQLITE_UTILS   (defaults: cc, sqlite-utils)
# Uses only the spanport binary, the sqlite3 shell, python3's standard
# library, coreutils and, if installed, Debian's sqlite-utils (optional:
# its step is skipped with a note when it is missing).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${SPANPORT:=$top_builddir/spanport}"
: "${SPANPORT_PLUGIN_PATH:=$top_builddir/plugins/.libs}"
: "${BENCH_OUT:=$top_builddir/bench-out}"
: "${BENCH_SIZES:=100000 1000000}"
: "${BENCH_SEED:=42}"
: "${BENCH_REPEAT:=2}"
: "${BENCH_KEEP:=0}"
: "${BENCH_SQLITE_UTILS_MAX:=}"
SQLITE3=${SQLITE3:-sqlite3}
PYTHON3=${PYTHON3:-python3}
SQLITE_UTILS=${SQLITE_UTILS:-sqlite-utils}
export SPANPORT_PLUGIN_PATH
bench=$top_srcdir/tests/bench
# Disk per prompt span at the fullest step (~3.4 spans each): the NDJSON
# (~7 KB), its store (~8 KB), the sqlite-utils database (~8 KB) and two
# exports (~3 KB); or the metadata tree (3.4 files and a directory, ~18 KB
# in 4 KB blocks), the CSV and a store. With some room to spare:
KB_PER_PROMPT=30

mkdir -p "$BENCH_OUT"
BENCH_OUT=$(cd "$BENCH_OUT" && pwd)
TSV=$BENCH_OUT/results.tsv
RESULTS=$BENCH_OUT/results.txt
LOG=$BENCH_OUT/bench.log
: >"$TSV"
: >"$LOG"
W=
cleanup() {
    if [ -n "$W" ] && [ "$BENCH_KEEP" != 1 ]; then rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

say() { printf '%s\n' "$*" | tee -a "$LOG" >&2; }

for tool in "$SPANPORT" "$SQLITE3" "$PYTHON3"; do
    command -v "$tool" >/dev/null 2>&1 || {
        echo "bench: $tool not found" >&2
        exit 1
    }
done

# ---- the generator
if [ -n "${GEN_LATITUDE:-}" ]; then
    GEN=$GEN_LATITUDE
    [ -x "$GEN" ] || {
        echo "bench: GEN_LATITUDE=$GEN is not an executable" >&2
        exit 1
    }
else
    GEN=$BENCH_OUT/gen_latitude
    say "bench: compiling $GEN"
    ${CC:-cc} -std=c11 -O2 -o "$GEN" "$bench"/gen_*.c
fi

# measure NAME CMD...: runs CMD under measure.py; the figures land in
# $W/NAME.m. Standard input and output are the caller's redirections.
measure() {
    m_name=$1
    shift
    rm -f "$W/$m_name.m"
    "$PYTHON3" "$bench/measure.py" --result "$W/$m_name.m" "$@"
}

# mget NAME KEY: one figure of a measure (wall_s, user_s, sys_s, maxrss_kb, rc)
mget() {
    awk -v k="$2" '{ for (i = 1; i <= NF; i++) if (index($i, k "=") == 1)
        print substr($i, length(k) + 2) }' "$W/$1.m"
}

# cpu NAME: user + system seconds
cpu() {
    awk -v u="$(mget "$1" user_s)" -v s="$(mget "$1" sys_s)" \
        'BEGIN { printf "%.3f", u + s }'
}

# faster A B: whether measure A's wall time is below measure B's
faster() {
    awk -v a="$(mget "$1" wall_s)" -v b="$(mget "$2" wall_s)" \
        'BEGIN { exit !(a < b) }'
}

# best NAME SETUP CMD...: SETUP (a command, run unmeasured) then CMD under
# measure, BENCH_REPEAT times; the fastest run's figures become NAME's.
# Standard input and output are the caller's redirections, for every run.
best() {
    b_name=$1 b_setup=$2
    shift 2
    b_i=0 b_best=
    while [ "$b_i" -lt "$BENCH_REPEAT" ]; do
        b_i=$((b_i + 1))
        $b_setup
        measure "$b_name.$b_i" "$@" || true
        if [ -z "$b_best" ] || faster "$b_name.$b_i" "$b_best"; then
            b_best=$b_name.$b_i
        fi
    done
    cp "$W/$b_best.m" "$W/$b_name.m"
}

# record N STEP ITEMS UNIT NAME BYTES NOTE: one row of the table, from the
# measure NAME (BYTES: input bytes for MB/s, or -).
record() {
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" \
        "$(mget "$5" wall_s)" "$(cpu "$5")" "$6" "$(mget "$5" maxrss_kb)" \
        "$7" >>"$TSV"
}

# note N TEXT: a line under the table for size N
note() {
    printf '%s\tnote\t\t\t\t\t\t\t%s\n' "$1" "$2" >>"$TSV"
}

# jget FILE KEY: a top-level number of the last JSON document of FILE, one
# a line (0 if none): the repeated runs of best() append theirs to one file
jget() {
    "$PYTHON3" -c 'import json, sys
try:
    last = [l for l in open(sys.argv[1]) if l.strip()][-1]
    print(int(json.loads(last).get(sys.argv[2], 0)))
except (OSError, ValueError, AttributeError, IndexError):
    print(0)' "$1" "$2"
}

# summary FILE KEY: the N of KEY=N in gen_latitude's summary line, or 0
summary() {
    s_v=$(tr ' ' '\n' <"$1" | sed -n "s/^$2=\([0-9][0-9]*\)\$/\1/p" | head -n 1)
    echo "${s_v:-0}"
}

# discard FILE...: removes work files as soon as they are done with, which
# bounds the disk a size needs, unless BENCH_KEEP=1
discard() {
    [ "$BENCH_KEEP" = 1 ] || rm -rf "$@"
}

fsize() { wc -c <"$1" | tr -d ' '; }

store_bytes() { # the store and any WAL beside it
    t=0
    for f in "$1" "$1-wal"; do
        [ -f "$f" ] && t=$((t + $(fsize "$f")))
    done
    echo "$t"
}

per_span() { # per_span BYTES COUNT
    awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", s ? b / s : 0 }'
}

sha() { "$PYTHON3" -c 'import hashlib, sys
h = hashlib.sha256()
with open(sys.argv[1], "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        h.update(block)
print(h.hexdigest())' "$1"; }

# ---- the machine
machine_header() {
    echo "spanport benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "machine: $(nproc) CPUs, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | sort -u | head -n 1)," \
        "$(awk '/^MemTotal/ {t=$2} /^MemAvailable/ {a=$2} END {printf "%.1f GB RAM, %.1f GB available", t/1048576, a/1048576}' /proc/meminfo)"
    echo "kernel: $(uname -sr); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "disk: $(df -Ph "$BENCH_OUT" | awk 'NR == 2 {print $4 " free of " $2 " on " $6}')"
    echo "spanport: $("$SPANPORT" --version 2>/dev/null | head -n 1)"
    echo "sqlite3 shell: $("$SQLITE3" -version | cut -d' ' -f1-2)"
    if command -v "$SQLITE_UTILS" >/dev/null 2>&1; then
        echo "sqlite-utils: $("$SQLITE_UTILS" --version 2>&1 | sed 's/.*version //')"
    else
        echo "sqlite-utils: not installed"
    fi
    echo "python3: $("$PYTHON3" -c 'import platform; print(platform.python_version())')"
    echo "sizes: $BENCH_SIZES prompt spans; seed $BENCH_SEED; best of $BENCH_REPEAT run(s) of each import and export"
}
machine_header >"$BENCH_OUT/header.txt"
cat "$BENCH_OUT/header.txt" >&2

# ---- the steps of one size; each leaves its figures in results.tsv

# generate N FORM FILE GEN-ARGS...: gen_latitude, measured; sets spans
# and in_bytes (the dump, metadata files included)
generate() {
    g_n=$1 g_form=$2 g_file=$3
    shift 3
    say "bench: N=$g_n: generating $g_form"
    measure "gen-$g_form" "$GEN" "$@" "$g_n" "$BENCH_SEED" "$g_file" \
        2>"$W/gen-$g_form.out"
    spans=$(summary "$W/gen-$g_form.out" spans)
    in_bytes=$(($(summary "$W/gen-$g_form.out" bytes) +
        $(summary "$W/gen-$g_form.out" metadata_bytes)))
    record "$g_n" "gen_latitude $g_form" "$spans" spans "gen-$g_form" \
        "$in_bytes" ""
}

remove_fresh_store() {
    rm -f "$fresh_store" "$fresh_store-wal" "$fresh_store-shm" \
        "$fresh_store-journal"
}

# spanport_import N KEY LABEL STORE IMPORT-ARGS...: an import into a fresh
# store, best of BENCH_REPEAT, measured (as import-KEY) and checked
spanport_import() {
    i_n=$1 i_key=import-$2 i_label=$3 i_store=$4
    shift 4
    say "bench: N=$i_n: spanport import $i_label (best of $BENCH_REPEAT)"
    fresh_store=$i_store
    best "$i_key" remove_fresh_store "$SPANPORT" --db "$i_store" --json \
        import "$@" >"$W/$i_key.json" 2>"$W/$i_key.err"
    inserted=$(jget "$W/$i_key.json" inserted)
    skipped=$(jget "$W/$i_key.json" skipped)
    warnings=$(jget "$W/$i_key.json" warnings)
    chk="store $(per_span "$(store_bytes "$i_store")" "$inserted") B/span"
    [ "$inserted" = "$spans" ] && [ "$skipped" = 0 ] ||
        chk="$chk; CHECK: inserted $inserted of $spans, skipped $skipped"
    [ "$warnings" = 0 ] || chk="$chk; $warnings warnings"
    [ "$(mget "$i_key" rc)" = 0 ] ||
        chk="$chk; exit $(mget "$i_key" rc): $(head -n 1 "$W/$i_key.err")"
    record "$i_n" "spanport import $i_label" "$inserted" spans "$i_key" \
        "$in_bytes" "$chk"
}

# export_once NAME STORE OUT: spanport export --all to CSV, measured
export_once() {
    rm -f "$3"
    measure "$1" "$SPANPORT" --db "$2" --json export --all --format csv \
        --wait -o "$3" >"$W/$1.json" 2>"$W/$1.err" || true
}

step_sqlite_utils() {
    n=$1
    if ! command -v "$SQLITE_UTILS" >/dev/null 2>&1; then
        note "$n" "sqlite-utils insert --nl: skipped, sqlite-utils is not installed"
        return 0
    fi
    if [ -n "$BENCH_SQLITE_UTILS_MAX" ] && [ "$n" -gt "$BENCH_SQLITE_UTILS_MAX" ]; then
        note "$n" "sqlite-utils insert --nl: skipped above BENCH_SQLITE_UTILS_MAX=$BENCH_SQLITE_UTILS_MAX"
        return 0
    fi
    say "bench: N=$n: sqlite-utils insert --nl"
    measure su "$SQLITE_UTILS" insert "$W/su.db" spans "$W/spans.ndjson" \
        --nl >"$W/su.out" 2>&1 || true
    su_rows=$("$SQLITE3" "$W/su.db" 'SELECT count(*) FROM spans' 2>/dev/null || echo 0)
    chk="db $(per_span "$(store_bytes "$W/su.db")" "$su_rows") B/span, no index"
    [ "$su_rows" = "$spans" ] || chk="$chk; CHECK: $su_rows rows of $spans"
    record "$n" "sqlite-utils insert --nl" "$su_rows" spans su "$in_bytes" "$chk"
    discard "$W/su.db" "$W/su.db-wal" "$W/su.db-shm"
}

# The export, side by side with the sqlite3 shell; best of BENCH_REPEAT.
# Both read the store from the OS page cache: load it there first. Leaves
# the SHA-256 of spanport's CSV in $W/export.sha256.
step_export() {
    n=$1 store=$2
    cat "$store" >/dev/null
    i=0
    sp_best='' sq_best=''
    while [ "$i" -lt "$BENCH_REPEAT" ]; do
        i=$((i + 1))
        say "bench: N=$n: spanport export (run $i)"
        export_once "sp$i" "$store" "$W/export-sp.csv"
        if [ -z "$sp_best" ] || faster "sp$i" "$sp_best"; then
            sp_best=sp$i
        fi
        say "bench: N=$n: sqlite3 join query (run $i)"
        measure "sq$i" "$SQLITE3" -csv -header "$store" \
            <"$bench/export_join.sql" >"$W/export-sq.csv" 2>"$W/query.err" || true
        if [ -z "$sq_best" ] || faster "sq$i" "$sq_best"; then
            sq_best=sq$i
        fi
    done
    sp_rows=$(jget "$W/$sp_best.json" rows)
    cmp_out=$("$PYTHON3" "$bench/compare_exports.py" "$W/export-sp.csv" \
        "$W/export-sq.csv" 2>&1) || cmp_out="rows=0 same=no first=comparison failed"
    sq_rows=$(echo "$cmp_out" | sed -n 's/^rows=\([0-9]*\).*/\1/p')
    same=$(echo "$cmp_out" | sed -n 's/.* same=\([a-z]*\).*/\1/p')
    chk="$(fsize "$W/export-sp.csv") B out"
    [ "$(mget "$sp_best" rc)" = 0 ] ||
        chk="$chk; exit $(mget "$sp_best" rc): $(head -n 1 "$W/$sp_best.err")"
    record "$n" "spanport export csv" "$sp_rows" rows "$sp_best" - "$chk"
    chk="$(fsize "$W/export-sq.csv") B out; same rows as spanport: $same"
    [ "$same" = yes ] || chk="$chk ($(echo "$cmp_out" | sed -n 's/.* first=//p' | cut -c1-200))"
    [ "$(mget "$sq_best" rc)" = 0 ] || chk="$chk; exit $(mget "$sq_best" rc)"
    record "$n" "sqlite3 -csv join query" "$sq_rows" rows "$sq_best" - "$chk"
    sha "$W/export-sp.csv" >"$W/export.sha256"
    discard "$W/export-sp.csv" "$W/export-sq.csv"
}

# same_export N KEY LABEL STORE: exports STORE once more and notes whether
# the CSV is the one of the latitude-ndjson store
same_export() {
    say "bench: N=$1: spanport export of the $3 store"
    export_once "sp-$2" "$4" "$W/export-$2.csv"
    if [ "$(mget "sp-$2" rc)" = 0 ] &&
        [ "$(sha "$W/export-$2.csv")" = "$(cat "$W/export.sha256")" ]; then
        note "$1" "export of the $3 store: the same CSV, byte for byte, as from the ndjson store"
    else
        note "$1" "CHECK: the export of the $3 store differs from the one of the ndjson store (exit $(mget "sp-$2" rc))"
    fi
    discard "$W/export-$2.csv"
}

fresh_flat_table() {
    rm -f "$W/flat.db"
    "$SQLITE3" "$W/flat.db" <"$bench/flat_table.sql"
}

step_flat_import() {
    n=$1
    generate "$n" flat-csv "$W/flat.csv" --flat-csv
    say "bench: N=$n: sqlite3 .import of the flat CSV (best of $BENCH_REPEAT)"
    best flat fresh_flat_table "$SQLITE3" "$W/flat.db" \
        ".import --csv --skip 1 '$W/flat.csv' spans"
    flat_rows=$("$SQLITE3" "$W/flat.db" 'SELECT count(*) FROM spans')
    chk="db $(per_span "$(store_bytes "$W/flat.db")" "$flat_rows") B/span, no index"
    [ "$flat_rows" = "$spans" ] || chk="$chk; CHECK: $flat_rows rows of $spans"
    record "$n" "sqlite3 .import (flat csv)" "$flat_rows" spans flat \
        "$in_bytes" "$chk"
    discard "$W/flat.csv" "$W/flat.db"
}

bench_size() {
    n=$1
    W=$BENCH_OUT/work-$n
    rm -rf "$W"
    mkdir -p "$W"
    need_kb=$((n * KB_PER_PROMPT))
    avail_kb=$(df -Pk "$W" | awk 'NR == 2 {print $4}')
    if [ "$avail_kb" -lt "$need_kb" ]; then
        note "$n" "skipped: needs about $((need_kb / 1048576 + 1)) GB free, $((avail_kb / 1048576)) GB available"
        say "bench: N=$n skipped, not enough disk"
        return 0
    fi

    generate "$n" ndjson "$W/spans.ndjson" --format ndjson
    spanport_import "$n" ndjson ndjson "$W/store-ndjson.db" \
        --format latitude-ndjson "$W/spans.ndjson"
    step_sqlite_utils "$n"
    discard "$W/spans.ndjson"
    step_export "$n" "$W/store-ndjson.db"
    discard "$W/store-ndjson.db" "$W/store-ndjson.db-wal"

    generate "$n" csv "$W/spans.csv" --format csv --metadata-dir "$W/metadata"
    spanport_import "$n" csv "csv + tree" "$W/store-csv.db" \
        --format latitude-csv --metadata-dir "$W/metadata" "$W/spans.csv"
    discard "$W/spans.csv" "$W/metadata"
    same_export "$n" csv "csv + tree" "$W/store-csv.db"
    discard "$W/store-csv.db" "$W/store-csv.db-wal"

    generate "$n" otlp "$W/spans.otlp.ndjson" --format otlp
    spanport_import "$n" otlp otlp "$W/store-otlp.db" --format otlp \
        "$W/spans.otlp.ndjson"
    discard "$W/spans.otlp.ndjson"
    same_export "$n" otlp otlp "$W/store-otlp.db"
    discard "$W/store-otlp.db" "$W/store-otlp.db-wal"

    step_flat_import "$n"
    discard "$W"
    W=
}

for n in $BENCH_SIZES; do
    case $n in
    '' | *[!0-9]*)
        echo "bench: BENCH_SIZES holds \"$n\", not a number" >&2
        exit 2
        ;;
    esac
    bench_size "$n"
done

# ---- the table
{
    cat "$BENCH_OUT/header.txt"
    echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo
    awk -F '\t' -f "$bench/table.awk" "$TSV"
} >"$RESULTS"
cat "$RESULTS"

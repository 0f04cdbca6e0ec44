# tests/bench/table.awk: formats tests/bench/run.sh's results.tsv as the
# results table. Input (tab-separated, one measured step per line):
#   prompts step items unit wall_s cpu_s input_bytes peak_rss_kb note
# or `prompts note ... text` for a remark. Each size prints its imports,
# then its exports, then the generator, whatever the order of the steps;
# then the ratios and the notes. Rates use wall time; MB = 10^6 bytes of
# input; the export ratio is given by wall and by CPU time.
function fmt_rate(x) {
    return x >= 100 ? sprintf("%.0f", x) : sprintf("%.1f", x)
}

# the group a step is printed in: imports, exports, generator
function rank(step) {
    if (step ~ /^spanport import/) return 1
    if (step ~ /\.import|^sqlite-utils/) return 2
    if (step ~ /export|join/) return 3
    return 4
}

function rate(a) {
    return wall[a] > 0 ? items[a] / wall[a] : 0
}

# "ndjson 0.41, csv + tree 0.35": spanport's imports of size n over the
# reference step ref, by wall time
function import_ratios(n, ref,    line, f, a, b) {
    b = n SUBSEP ref
    if (!(b in wall) || rate(b) <= 0)
        return ""
    line = ""
    for (f = 1; f <= nforms; f++) {
        a = n SUBSEP "spanport import " forms[f]
        if (a in wall && rate(a) > 0)
            line = line sprintf("%s%s %.2f", line == "" ? "" : ", ",
                                forms[f], rate(a) / rate(b))
    }
    return line
}

function flush_size(n,    r, k, a, b, line) {
    if (n == "")
        return
    for (r = 1; r <= 4; r++)
        for (k = 1; k <= nlines; k++)
            if (lrank[k] == r)
                print lines[k]
    line = import_ratios(n, "sqlite3 .import (flat csv)")
    if (line != "")
        printf "%8s  import spans/s, spanport / sqlite3 .import: %s\n", "", line
    line = import_ratios(n, "sqlite-utils insert --nl")
    if (line != "")
        printf "%8s  import spans/s, spanport / sqlite-utils insert: %s\n", "", line
    a = n SUBSEP "spanport export csv"
    b = n SUBSEP "sqlite3 -csv join query"
    if (a in wall && b in wall && wall[a] > 0 && wall[b] > 0 && \
        cpu[a] > 0 && cpu[b] > 0 && items[b] > 0)
        printf "%8s  export rows/s, spanport / sqlite3: %.2f by wall time, %.2f by CPU time (goal >= 0.8)\n", \
            "", rate(a) / rate(b), (items[a] / cpu[a]) / (items[b] / cpu[b])
    for (k = 1; k <= nnotes[n]; k++)
        printf "%8s  %s\n", "", notes[n, k]
    print ""
    nlines = 0
}

# "spanport export peak RSS by size: 100000: 41.0 MB, 1000000: 42.1 MB"
function rss_by_size(step,    i, k, line) {
    line = ""
    for (i = 1; i <= nsizes; i++) {
        k = sizes[i] SUBSEP step
        if (k in rss)
            line = line sprintf("%s%s: %.1f MB", line == "" ? "" : ", ",
                                sizes[i], rss[k])
    }
    if (line != "")
        print step " peak RSS by size: " line
}

BEGIN {
    FS = "\t"
    nforms = split("ndjson|csv + tree|otlp", forms, "|")
    printf "%8s  %-27s %9s %-5s %8s %8s %10s %7s %8s  %s\n", "prompts", "step",
        "items", "", "wall s", "CPU s", "items/s", "MB/s", "RSS MB", "notes"
    printf "%8s  %-27s %9s %-5s %8s %8s %10s %7s %8s  %s\n", "-------",
        "----", "-----", "", "------", "-----", "-------", "----", "------", "-----"
    last = ""
}

{
    n = $1
    if (n != last) {
        flush_size(last)
        last = n
        sizes[++nsizes] = n
    }
    if ($2 == "note") {
        notes[n, ++nnotes[n]] = $9
        next
    }
    key = n SUBSEP $2
    items[key] = $3 + 0
    wall[key] = $5 + 0
    cpu[key] = $6 + 0
    rss[key] = $8 / 1024
    r = $5 > 0 ? fmt_rate($3 / $5) : "-"
    mbs = ($7 != "-" && $7 != "" && $5 > 0) ? sprintf("%.1f", $7 / 1e6 / $5) : "-"
    lines[++nlines] = sprintf("%8s  %-27s %9s %-5s %8.2f %8.2f %10s %7s %8.1f  %s",
        n, $2, $3, $4, $5, $6, r, mbs, $8 / 1024, $9)
    lrank[nlines] = rank($2)
}

END {
    flush_size(last)
    if (nsizes > 1) {
        rss_by_size("spanport export csv")
        for (f = 1; f <= nforms; f++)
            rss_by_size("spanport import " forms[f])
    }
}

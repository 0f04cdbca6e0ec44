#!/usr/bin/env python3
"""compare_exports.py: checks that two export CSV files hold the same rows.

Usage: compare_exports.py SPANPORT.csv SQLITE3.csv

For the benchmarks (tests/bench/run.sh): the spanport export and the
sqlite3 shell's join query (export_join.sql) must list the same prompt
spans in the same order with the same completion numbers. Compares, row
by row, every column but `input` and `output` (which the query only
approximates). Prints `rows=N same=yes` or `rows=N same=no first=...`
on standard output; exits 0 either way (a benchmark reports, it does not
fail). Python 3 standard library only; streams, so any size works.
"""
import csv
import sys


def rows(path):
    with open(path, newline='', encoding='utf-8') as f:
        r = csv.reader(f)
        next(r, None)  # the header
        for row in r:
            yield row[2:]


def main(argv):
    if len(argv) != 3:
        sys.stderr.write('usage: compare_exports.py A.csv B.csv\n')
        return 2
    csv.field_size_limit(1 << 30)
    a, b = rows(argv[1]), rows(argv[2])
    n, first = 0, None
    while True:
        x, y = next(a, None), next(b, None)
        if x is None and y is None:
            break
        n += 1
        if first is None and x != y:
            # sqlite3 prints the cost as a REAL: compare it as a number
            if x and y and x[:-1] == y[:-1] and _same_number(x[-1], y[-1]):
                continue
            first = 'row %d: %r vs %r' % (n, x, y)
    if first:
        print('rows=%d same=no first=%s' % (n, first))
    else:
        print('rows=%d same=yes' % n)
    return 0


def _same_number(s, t):
    try:
        return float(s) == float(t)
    except ValueError:
        return False


if __name__ == '__main__':
    sys.exit(main(sys.argv))

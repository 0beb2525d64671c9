#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Add up build/results/*.txt ("PASS|FAIL|SKIP name" lines), list every
failure, and print the closing "N passed, N failed, N skipped" line.
Exits 1 when anything failed or nothing ran."""
import glob
import os
import sys

results = sys.argv[1] if len(sys.argv) > 1 else "build/results"
total = {"PASS": 0, "FAIL": 0, "SKIP": 0}
failures = []
for path in sorted(glob.glob(os.path.join(results, "*.txt"))):
    step = os.path.basename(path)[:-4]
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    for line in open(path):
        status, _, name = line.rstrip("\n").partition(" ")
        if status in counts:
            counts[status] += 1
            if status == "FAIL":
                failures.append("%s: %s" % (step, name))
    for k in total:
        total[k] += counts[k]
    print("  %-14s %4d passed, %3d failed, %3d skipped" %
          (step, counts["PASS"], counts["FAIL"], counts["SKIP"]))
for f in failures:
    print("FAIL " + f)
print("%d passed, %d failed, %d skipped" % (total["PASS"], total["FAIL"], total["SKIP"]))
sys.exit(1 if total["FAIL"] or not total["PASS"] else 0)

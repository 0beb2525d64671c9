#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Judge one checker's log for check.sh: a case per file of ours.

Usage: static-reports.py CHECKER LOG KNOWN FILE...
  CHECKER  w1, sparse or coccicheck (the first field of KNOWN's entries)
  LOG      the checker's output, run from a kernel tree or its O= directory
  KNOWN    scripts/static-known: the reports we keep, each with its reason
  FILE     the files of ours the checker looked at, as repository paths

Prints "PASS name" / "FAIL name" lines, one per FILE and per other file of
ours that was reported, and one FAIL per entry of KNOWN for CHECKER that
matched nothing (it is stale: the report went away). A report is a line
"path:line:col: message" (coccicheck: "path:line:col-col: message");
notes, continuation lines and reports on files that are not ours are left
out. Paths under drivers/dma-buf/ are ours, and so are the files of
include/ that the repository provides."""
import os
import re
import sys

REPORT = re.compile(r"^(?:\.\./|\./)?(?P<path>[\w./+-]+):(?P<line>\d+):"
                    r"(?P<col>\d+(?:-\d+)?):? (?P<msg>.*)$")


def repo_path(path, repo):
    if path.startswith("drivers/dma-buf/"):
        return path[len("drivers/dma-buf/"):]
    if path.startswith("include/") and os.path.isfile(os.path.join(repo, path)):
        return path
    return None


def main():
    checker, log, known_file = sys.argv[1:4]
    files = sys.argv[4:]
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    known = []
    for raw in open(known_file):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split(" | ")]
        if len(fields) != 4:
            print("FAIL %s: malformed entry in %s: %s" % (checker, known_file, line))
            continue
        if fields[0] == checker:
            known.append({"file": fields[1], "text": fields[2], "used": 0})

    reports = {}
    for raw in open(log, errors="replace"):
        m = REPORT.match(raw.rstrip("\n"))
        # Notes, and sparse's indented "expected ..."/"got ..." lines that
        # continue the report above them, are not reports of their own.
        if not m or m.group("msg").startswith(("note:", " ", "\t")):
            continue
        ours = repo_path(m.group("path"), repo)
        if ours is None:
            continue
        entry = "%s:%s: %s" % (ours, m.group("line"), m.group("msg"))
        reports.setdefault(ours, [])
        if entry not in reports[ours]:
            reports[ours].append(entry)

    for f in sorted(set(files) | set(reports)):
        bad = []
        for r in reports.get(f, []):
            hit = [k for k in known if k["file"] == f and k["text"] in r]
            for k in hit:
                k["used"] += 1
            if not hit:
                bad.append(r)
        if bad:
            print("FAIL %s %s: %s" % (checker, f, "; ".join(bad)))
        else:
            print("PASS %s %s" % (checker, f))
    for k in known:
        if not k["used"]:
            print("FAIL %s: stale entry in scripts/static-known: %s | %s" %
                  (checker, k["file"], k["text"]))


if __name__ == "__main__":
    main()

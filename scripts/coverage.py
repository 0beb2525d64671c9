#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Line coverage of our kernel sources from a gcov-instrumented build.

Usage: coverage.py BUILD_DIR TREE REPO OUT_DIR

BUILD_DIR is the UML build (O=) whose drivers/dma-buf objects have .gcno
and, after a run, .gcda files; TREE the source tree it was built from;
REPO this repository. Every .gcda/.gcno pair under BUILD_DIR/drivers/dma-buf
goes through "gcov --json-format --stdout" (the compiler's own gcov, so the
line table is the one the compiler wrote). A line counts once, as gcov's
own summary counts it: executable lines, covered when executed at least
once.

Writes to OUT_DIR:
  coverage.txt   the table: one row per file of ours (top-level *.c and
                 heaps/*.c of REPO; not selftests/ or bench/), with lines,
                 covered and percent; files the build leaves out are listed
                 as not built
  coverage.info  the same counts as an lcov tracefile, with the paths of
                 REPO's files, plus our headers' inline code (counted over
                 every object under drivers/dma-buf, tests included), for
                 genhtml; the tests' and the benchmark's own files are left
                 out of both
and prints the table.
"""
import glob
import gzip
import json
import os
import subprocess
import sys

GOAL = 90.0


def our_sources(repo):
    """The kernel .c files of ours, relative to REPO."""
    files = glob.glob("*.c", root_dir=repo) + glob.glob("heaps/*.c", root_dir=repo)
    return sorted(files)


def repo_path_of(tree_rel, repo):
    """REPO's file for a path relative to the tree, or None if it is not
    one of our kernel sources or headers (the tests and the benchmark are
    left out)."""
    if tree_rel.startswith("drivers/dma-buf/"):
        rel = tree_rel[len("drivers/dma-buf/"):]
        if rel.startswith(("selftests/", "bench/")):
            return None
    elif tree_rel.startswith("include/"):
        rel = tree_rel
    else:
        return None
    return rel if os.path.isfile(os.path.join(repo, rel)) else None


def gcov_json(build, note):
    """gcov's JSON record for one object (its .gcno; .gcda if present)."""
    out = subprocess.run(
        ["gcov", "--json-format", "--stdout", "--object-directory",
         os.path.dirname(note), note],
        cwd=build, check=True, capture_output=True).stdout
    if out[:2] == b"\x1f\x8b":
        out = gzip.decompress(out)
    docs = []
    dec = json.JSONDecoder()
    text = out.decode()
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            break
        doc, pos = dec.raw_decode(text, pos)
        docs.append(doc)
    return docs


def collect(build, tree, repo):
    """{repo file: (lines {n: count}, functions {name: (line, count)})}
    and, for each .c, the object it came from."""
    lines = {}
    funcs = {}
    own_object = {}
    notes = sorted(glob.glob(os.path.join(build, "drivers/dma-buf/**/*.gcno"),
                             recursive=True))
    for note in notes:
        for doc in gcov_json(build, note):
            cwd = doc.get("current_working_directory", build)
            for rec in doc.get("files", []):
                path = os.path.normpath(os.path.join(cwd, rec["file"]))
                rel = repo_path_of(os.path.relpath(path, tree), repo)
                if rel is None:
                    continue
                if rel.endswith(".c"):
                    own_object[rel] = note
                file_lines = lines.setdefault(rel, {})
                for ln in rec.get("lines", []):
                    n = ln["line_number"]
                    file_lines[n] = file_lines.get(n, 0) + ln["count"]
                file_funcs = funcs.setdefault(rel, {})
                for fn in rec.get("functions", []):
                    old = file_funcs.get(fn["name"], (fn["start_line"], 0))
                    file_funcs[fn["name"]] = (old[0], old[1] + fn["execution_count"])
    return lines, funcs, own_object, len(notes)


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    build, tree, repo, out_dir = (os.path.abspath(a) for a in sys.argv[1:])
    os.makedirs(out_dir, exist_ok=True)
    lines, funcs, own_object, nnotes = collect(build, tree, repo)
    if not nnotes:
        sys.exit(f"coverage.py: no .gcno files under {build}/drivers/dma-buf")
    missing_data = [o for o in own_object.values()
                    if not os.path.exists(o[:-len(".gcno")] + ".gcda")]

    rows = []
    total = covered_total = 0
    below = 0
    for src in our_sources(repo):
        if src not in own_object:
            rows.append((src, "-", "-", "not built"))
            continue
        file_lines = lines.get(src, {})
        n = len(file_lines)
        c = sum(1 for v in file_lines.values() if v > 0)
        total += n
        covered_total += c
        pct = 100.0 * c / n if n else 100.0
        below += pct < GOAL
        rows.append((src, str(n), str(c), f"{pct:.1f}"))
    pct_total = 100.0 * covered_total / total if total else 0.0
    rows.append(("total", str(total), str(covered_total), f"{pct_total:.1f}"))

    width = max(len(r[0]) for r in rows)
    header = ("file", "lines", "covered", "%")
    out = [f"{header[0]:<{width}}  {header[1]:>6}  {header[2]:>7}  {header[3]:>9}"]
    for i, (f, n, c, p) in enumerate(rows):
        if i == len(rows) - 1:
            out.append("-" * len(out[0]))
        out.append(f"{f:<{width}}  {n:>6}  {c:>7}  {p:>9}")
    out.append(f"{below} built file(s) below the {GOAL:.0f}% goal")
    if missing_data:
        out.append("no .gcda (nothing ran, or the run did not exit cleanly) for: " +
                   ", ".join(os.path.relpath(m, build) for m in missing_data))
    table = "\n".join(out) + "\n"
    with open(os.path.join(out_dir, "coverage.txt"), "w") as fh:
        fh.write(table)

    with open(os.path.join(out_dir, "coverage.info"), "w") as fh:
        for rel in sorted(lines):
            fh.write("TN:kunit_uml\n")
            fh.write(f"SF:{os.path.join(repo, rel)}\n")
            for name, (start, count) in sorted(funcs.get(rel, {}).items(),
                                               key=lambda kv: kv[1][0]):
                fh.write(f"FN:{start},{name}\n")
            for name, (start, count) in funcs.get(rel, {}).items():
                fh.write(f"FNDA:{count},{name}\n")
            fl = funcs.get(rel, {})
            fh.write(f"FNF:{len(fl)}\nFNH:{sum(1 for v in fl.values() if v[1])}\n")
            for n, count in sorted(lines[rel].items()):
                fh.write(f"DA:{n},{count}\n")
            fh.write(f"LF:{len(lines[rel])}\n")
            fh.write(f"LH:{sum(1 for v in lines[rel].values() if v > 0)}\n")
            fh.write("end_of_record\n")
    sys.stdout.write(table)


if __name__ == "__main__":
    main()

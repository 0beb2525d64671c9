#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Judge one kernel console log and record its test cases.

Usage: results.py LOG STEP [--st-dir DIR] [--end-marker TEXT] [--stock]

Reads the console of a test boot (UML or x86_64) and appends one line per
test case, "PASS|FAIL|SKIP name", to build/results/STEP.txt. It knows:

  KTAP     KUnit's output; every leaf case counts, and each suite's plan
           must be complete (a missing result is a failure)
  st       upstream's in-kernel selftests ("dma-buf: Running group/case");
           with --st-dir, every SUBTEST() listed in the st-*.c there must
           run, so a group that stops early fails its remaining cases
  KSFT     kselftest TAP that the guest's init prefixes with "KSFT name: ";
           a program that prints no TAP is one case, judged by its exit
           status (0 passes, 4 skips)
  splats   any BUG, WARNING, KASAN, lockdep, RCU stall, kmemleak or panic
           report is a failed case of its own
  end      with --end-marker, a log without that line failed (a hang or a
           crash before init finished)
  stock    with --stock, the log is the stock kernel's: a failed case of
           a feature 6.12 lacks (NOT_IN_STOCK) is a SKIP with the reason
  KCSAN    with --kcsan-objs DIR, each KCSAN report is judged on its own:
           one with a stack frame in a function defined by an object file
           under DIR (our drivers/dma-buf build) fails; one entirely in
           other code is listed as a SKIP, with its title
"""
import argparse
import glob
import os
import re
import subprocess

STAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")
KTAP_RESULT = re.compile(r"^(\s*)(ok|not ok) (\d+) ([^#]*?)\s*(?:#\s*(.*))?$")
KTAP_PLAN = re.compile(r"^(\s*)1\.\.(\d+)$")
KTAP_SUBTEST = re.compile(r"^\s*# Subtest: (.+)$")
ST_RUN = re.compile(r"dma-buf: Running (\w+)(?:/(\w+))?$")
ST_FAIL = re.compile(r"dma-buf/(\w+): (\w+) failed with error (-?\d+)")
KSFT = re.compile(r"^KSFT ([\w.-]+): (.*)$")
KSFT_END = re.compile(r"^KSFT-END ([\w.-]+) rc=(\d+)\b")
SPLATS = [re.compile(p) for p in (
    r"\bBUG:", r"WARNING:", r"\bOops\b", r"Kernel panic", r"KASAN:",
    r"general protection fault", r"INFO: possible", r"INFO: trying to register",
    r"detected stalls?", r"rcu: INFO:", r"ODEBUG:", r"UBSAN:",
    r"unreferenced object 0x", r"suspected memory leaks",
    r"BUG kmalloc", r"INFO: task .* blocked for more than",
    r"lockdep is turned off", r"DEBUG_LOCKS_WARN_ON",
)]


class Recorder:
    def __init__(self, path):
        self.path = path
        self.counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
        self.failures = []

    def __call__(self, status, name):
        self.counts[status] += 1
        if status == "FAIL":
            self.failures.append(name)
        with open(self.path, "a") as f:
            f.write("%s %s\n" % (status, name))


def clean(lines):
    return [STAMP.sub("", line.rstrip("\r\n")) for line in lines]


KTAP_VERSION = re.compile(r"^(\s*)KTAP version \d+$")


class Level:
    """One nesting level of a KTAP tree."""

    def __init__(self, indent, name=None, plan=None):
        self.indent, self.name, self.plan = indent, name, plan
        self.seen = 0
        self.next_is_parent = False


def judge_ktap(lines, record):
    """Record the leaf cases of every KTAP tree; a level whose plan is not
    fulfilled records what is missing. A result line that closes a deeper
    level (a suite, or a parameterised case) is not a leaf itself."""
    stack = []

    def close_deeper(indent, why=""):
        while stack and stack[-1].indent > indent:
            level = stack.pop()
            if level.plan is not None and level.seen < level.plan:
                record("FAIL", "%s: %d of %d planned results missing%s" %
                       (level.name or "KTAP", level.plan - level.seen, level.plan, why))
            if stack and stack[-1].indent == indent:
                stack[-1].next_is_parent = True

    def open_level(indent):
        close_deeper(indent - 1)
        if stack and stack[-1].indent == indent:
            stack.pop()
        stack.append(Level(indent))
        return stack[-1]

    for line in lines:
        m = KTAP_VERSION.match(line)
        if m:
            open_level(len(m.group(1)))
            continue
        m = KTAP_SUBTEST.match(line)
        if m:
            indent = len(line) - len(line.lstrip())
            level = stack[-1] if stack and stack[-1].indent == indent else None
            if level is None or level.name is not None:
                level = open_level(indent)
            level.name = m.group(1).strip()
            continue
        m = KTAP_PLAN.match(line)
        if m:
            indent = len(m.group(1))
            if not stack or stack[-1].indent != indent:
                open_level(indent)
            stack[-1].plan = int(m.group(2))
            continue
        m = KTAP_RESULT.match(line)
        if not m or not stack:
            continue
        spaces, ok, _, name, directive = m.groups()
        indent = len(spaces)
        close_deeper(indent)
        if not stack or stack[-1].indent != indent:
            stack.append(Level(indent))
        level = stack[-1]
        level.seen += 1
        if level.next_is_parent:
            level.next_is_parent = False
            continue
        path = ".".join([l.name for l in stack if l.name] + [name.strip()])
        if directive and directive.upper().startswith("SKIP"):
            record("SKIP", path)
        else:
            record("PASS" if ok == "ok" else "FAIL", path)
    close_deeper(-1, " (log ends early)")


def judge_st(lines, record, st_dir):
    expected = {}
    if st_dir:
        for path in sorted(glob.glob(os.path.join(st_dir, "st-*.c"))):
            text = open(path).read()
            for func, body in re.findall(r"\nint (\w+)\(void\)\s*\{(.*?)\n\}", text, re.S):
                cases = re.findall(r"SUBTEST\((\w+)\)", body)
                if cases:
                    expected[func] = cases
    ran, failed, groups = [], {}, []
    for line in lines:
        m = ST_FAIL.search(line)
        if m:
            failed[(m.group(1), m.group(2))] = m.group(3)
            continue
        m = ST_RUN.search(line)
        if m and m.group(2):
            ran.append((m.group(1), m.group(2)))
        elif m:
            groups.append(m.group(1))
    for group in groups:
        if group not in expected:
            record("PASS", "upstream-st.%s" % group)
    for group, cases in expected.items():
        for case in cases:
            name = "upstream-st.%s.%s" % (group, case)
            if (group, case) in failed:
                record("FAIL", "%s (error %s)" % (name, failed[(group, case)]))
            elif (group, case) in ran:
                record("PASS", name)
            else:
                record("FAIL", "%s (never ran)" % name)


# Upstream kselftest cases that fail on the stock kernel too, for reasons
# outside drivers/dma-buf: (program, case number) -> reason. Only when such
# a case fails, or is never reported, is it a SKIP (on either flavour), with
# the reason in its name; when it passes it counts as usual.
KNOWN_STOCK_FAILURES = {
    ("upstream-drivers-dma-buf.udmabuf", 6):
        "needs 1024 free 2 MiB huge pages (2 GiB); the guests reserve 16",
}


# Our kselftest cases of what 6.12 does not have, by name: on the stock
# kernel (--stock) a failure is a SKIP with the reason; ours must pass.
NOT_IN_STOCK = {
    "kselftest.dmabuf.dmabuf-heaps.dma_heap.device_tree_every_reusable_region_is_a_heap":
        "6.12 makes a heap of the default CMA area only",
}
STOCK = False


def known_failure(prog, number, case):
    reason = KNOWN_STOCK_FAILURES.get((prog, number))
    if reason:
        return "%s (known stock failure: %s)" % (case, reason)
    reason = STOCK and NOT_IN_STOCK.get(case)
    return reason and "%s (not in stock: %s)" % (case, reason)


def judge_ksft(lines, record):
    seen, plans = {}, {}
    for line in lines:
        m = KSFT_END.match(line)
        if m:
            prog, rc = m.group(1), int(m.group(2))
            if not seen.get(prog) and prog not in plans:
                # A plain program (no TAP), judged by its exit status.
                status = {0: "PASS", 4: "SKIP"}.get(rc, "FAIL")
                record(status, "kselftest.%s (exit %d)" % (prog, rc))
            elif prog in plans:
                # A program that stopped early: its unreported cases.
                for number in range(1, plans.pop(prog) + 1):
                    if number in seen.get(prog, ()):
                        continue
                    case = "kselftest.%s.#%d never reported (exit %d)" % (prog, number, rc)
                    known = known_failure(prog, number, case)
                    if known or rc == 4:
                        record("SKIP", known or case)
                    else:
                        record("FAIL", case)
            continue
        m = KSFT.match(line)
        if not m:
            continue
        prog, rest = m.groups()
        p = KTAP_PLAN.match(rest)
        if p and not p.group(1):
            plans[prog] = int(p.group(2))
            continue
        r = KTAP_RESULT.match(rest)
        if not r or r.group(1):
            continue
        seen.setdefault(prog, set()).add(int(r.group(3)))
        ok, _, name, directive = r.groups()[1:]
        case = "kselftest.%s.%s" % (prog, name.strip())
        known = known_failure(prog, int(r.group(3)), case)
        if directive and directive.upper().startswith("SKIP"):
            record("SKIP", case)
        elif ok == "not ok" and known:
            record("SKIP", known)
        else:
            record("PASS" if ok == "ok" else "FAIL", case)


KCSAN_TITLE = re.compile(r"BUG: KCSAN: (.*)$")
KCSAN_FRAME = re.compile(r"^\s*([A-Za-z_][\w.]*)\+0x[0-9a-f]+/0x[0-9a-f]+")
KCSAN_RULE = re.compile(r"^=+$")


def functions_defined_in(objdir):
    """Names of the functions that the object files under objdir define."""
    names = set()
    objs = sorted(glob.glob(os.path.join(objdir, "**", "*.o"), recursive=True))
    if not objs:
        raise SystemExit("results.py: no object files under %s" % objdir)
    out = subprocess.run(["nm", "--defined-only"] + objs, capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "Tt":
            names.add(parts[2].split(".")[0])
    return names


def judge_kcsan(lines, record, ours):
    """Record each KCSAN report; return the console lines it spans."""
    spanned = set()
    i = 0
    while i < len(lines):
        m = KCSAN_TITLE.search(lines[i])
        if not m:
            i += 1
            continue
        start = i
        frames = re.findall(r"[A-Za-z_]\w*", m.group(1).partition(" in ")[2])
        i += 1
        while i < len(lines) and not KCSAN_RULE.match(lines[i].strip()):
            f = KCSAN_FRAME.match(lines[i])
            if f:
                frames.append(f.group(1).split(".")[0])
            i += 1
        spanned.update(range(start, i))
        mine = sorted(set(f for f in frames if f in ours))
        title = m.group(1).strip()[:140]
        if mine:
            record("FAIL", "kcsan at console line %d: %s (in %s)" %
                   (start + 1, title, ", ".join(mine[:4])))
        else:
            record("SKIP", "kcsan report outside drivers/dma-buf: %s" % title)
    return spanned


def judge_splats(lines, record, skip=()):
    for i, line in enumerate(lines):
        if line.startswith("KSFT") or i in skip:
            continue
        if any(p.search(line) for p in SPLATS):
            record("FAIL", "splat at console line %d: %s" % (i + 1, line.strip()[:160]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("log")
    ap.add_argument("step")
    ap.add_argument("--st-dir")
    ap.add_argument("--end-marker")
    ap.add_argument("--kcsan-objs")
    ap.add_argument("--stock", action="store_true")
    ap.add_argument("--results", default=os.environ.get("RESULTS", "build/results"))
    a = ap.parse_args()
    global STOCK
    STOCK = a.stock

    with open(a.log, errors="replace") as f:
        lines = clean(f.readlines())
    os.makedirs(a.results, exist_ok=True)
    record = Recorder(os.path.join(a.results, a.step + ".txt"))
    judge_ktap([l for l in lines if not l.startswith("KSFT")], record)
    judge_st(lines, record, a.st_dir)
    judge_ksft(lines, record)
    kcsan = ()
    if a.kcsan_objs:
        kcsan = judge_kcsan(lines, record, functions_defined_in(a.kcsan_objs))
    judge_splats(lines, record, kcsan)
    if a.end_marker:
        ended = any(l.strip() == a.end_marker for l in lines)
        record("PASS" if ended else "FAIL", "%s: guest reached its end marker" % a.step)
    c = record.counts
    print("%s: %d passed, %d failed, %d skipped (log: %s)" %
          (a.step, c["PASS"], c["FAIL"], c["SKIP"], a.log))
    for name in record.failures:
        print("  FAIL %s" % name)
    return 1 if c["FAIL"] else 0


if __name__ == "__main__":
    raise SystemExit(main())

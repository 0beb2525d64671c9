#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turn the raw measurements of `make bench` into a report.

usage: bench-report.py RAW_CSV OUT_DIR

RAW_CSV has one row per measurement, under the header
platform,flavour,round,case,ns_per_op,ops (flavour is "ours" or "stock").
Writes OUT_DIR/bench.csv (one row per platform and case), bench.txt (the
table also printed on stdout), and ratios.png with the ratios.dat and
ratios.gp it is drawn from, so the plot can be redrawn with
`cd OUT_DIR && gnuplot ratios.gp`.

Exit status: 0 on success, 1 if the plot could not be drawn (the CSV and
the table are written first), 2 if RAW_CSV is unusable or empty.
"""
import csv
import math
import os
import shutil
import statistics
import subprocess
import sys

RAW_FIELDS = ["platform", "flavour", "round", "case", "ns_per_op", "ops"]
FLAVOURS = ("ours", "stock")
OUT_FIELDS = ["platform", "case",
              "ours_median_ns", "ours_min_ns", "ours_max_ns",
              "stock_median_ns", "stock_min_ns", "stock_max_ns",
              "ratio", "ratio_low", "ratio_high", "verdict",
              "rounds_ours", "rounds_stock"]
VERDICTS = ("faster", "noise", "slower", "missing")


class BadInput(Exception):
    pass


def read_raw(path):
    """Return {(platform, case): {flavour: [ns_per_op, ...]}} and the
    platforms and cases in the order they first appear (that is the order
    the benchmark ran them in, which keeps related cases together)."""
    samples = {}
    platforms = []
    cases = {}
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None or \
                [h.strip() for h in reader.fieldnames] != RAW_FIELDS:
            raise BadInput("%s: header is not %s" % (path, ",".join(RAW_FIELDS)))
        for row in reader:
            where = "%s:%d" % (path, reader.line_num)
            platform, flavour, case = (row[k].strip() for k in
                                       ("platform", "flavour", "case"))
            if flavour not in FLAVOURS:
                raise BadInput("%s: flavour %r is not ours or stock" % (where, flavour))
            try:
                ns = float(row["ns_per_op"])
                int(row["round"])
            except (TypeError, ValueError):
                raise BadInput("%s: round or ns_per_op is not a number" % where)
            if not platform or not case or not math.isfinite(ns) or ns < 0:
                raise BadInput("%s: malformed row" % where)
            if platform not in cases:
                platforms.append(platform)
                cases[platform] = []
            if case not in cases[platform]:
                cases[platform].append(case)
            per_case = samples.setdefault((platform, case), {})
            per_case.setdefault(flavour, []).append(ns)
    if not samples:
        raise BadInput("%s: no measurements" % path)
    return samples, platforms, cases


def summarise(platform, case, per_flavour):
    """One output row: median, min and max per flavour, then the ratio and
    a verdict that only calls a difference real when the min-max ranges of
    the two flavours do not overlap."""
    row = {"platform": platform, "case": case}
    for fl in FLAVOURS:
        vals = per_flavour.get(fl, [])
        row["rounds_" + fl] = len(vals)
        row[fl] = (statistics.median(vals), min(vals), max(vals)) if vals else None
    ours, stock = row["ours"], row["stock"]
    row["ratio"] = row["band"] = None
    if ours is None or stock is None:
        row["verdict"] = "missing"
        return row
    if ours[0] > 0:
        row["ratio"] = stock[0] / ours[0]
    if ours[1] > 0:
        # The ratio's noise band: the worst and best pairing of rounds.
        row["band"] = (stock[1] / ours[2], stock[2] / ours[1])
    if ours[2] < stock[1]:
        row["verdict"] = "faster"
    elif ours[1] > stock[2]:
        row["verdict"] = "slower"
    else:
        row["verdict"] = "noise"
    return row


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(OUT_FIELDS)
        for r in rows:
            line = [r["platform"], r["case"]]
            for fl in FLAVOURS:
                stats = r[fl]
                line += ["%.3f" % v for v in stats] if stats else ["", "", ""]
            line.append("" if r["ratio"] is None else "%.3f" % r["ratio"])
            line += ["%.3f" % v for v in r["band"]] if r["band"] else ["", ""]
            line += [r["verdict"], r["rounds_ours"], r["rounds_stock"]]
            out.writerow(line)


def three_digits(value):
    """value (>= 1 and < 1000, or 0) with three significant digits and no
    exponent: 123, 12.3, 1.23."""
    if value == 0:
        return "0"
    decimals = max(0, 2 - int(math.floor(math.log10(value))))
    return "%.*f" % (decimals, value)


def fmt_time(ns):
    """A duration with the unit that puts it between 1 and 1000."""
    if ns is None:
        return "-"
    if ns < 1:
        return "%.3g ns" % ns
    ns = float("%.3g" % ns)   # round first: 999.7 ns must become 1.00 µs
    for unit, scale in (("ns", 1), ("µs", 1e3), ("ms", 1e6)):
        if ns < scale * 1000:
            return "%s %s" % (three_digits(ns / scale), unit)
    secs = ns / 1e9
    return "%s s" % three_digits(secs) if secs < 1000 else "%.0f s" % secs


def table_row(r):
    cells = [r["case"]]
    for fl in FLAVOURS:
        stats = r[fl]
        if stats:
            cells += [fmt_time(stats[0]),
                      "%s – %s" % (fmt_time(stats[1]), fmt_time(stats[2]))]
        else:
            cells += ["-", "-"]
    cells.append("-" if r["ratio"] is None else "%.3f" % r["ratio"])
    cells.append("%.2f – %.2f" % r["band"] if r["band"] else "-")
    cells.append(r["verdict"])
    return cells


def align(rows):
    """Left-align the case and verdict, right-align the numbers."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            left = i in (0, len(row) - 1)
            cells.append(cell.ljust(widths[i]) if left else cell.rjust(widths[i]))
        lines.append(" | ".join(cells).rstrip())
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return lines


def summary_line(platform, rows):
    counts = {v: 0 for v in VERDICTS}
    for r in rows:
        counts[r["verdict"]] += 1
    ratios = [(r["ratio"], r["case"]) for r in rows if r["ratio"]]
    tally = ", ".join("%d %s" % (counts[v], v) for v in VERDICTS)
    if not ratios:
        return "%s: no case ran on both kernels; %s" % (platform, tally)
    geomean = math.exp(sum(math.log(x) for x, _ in ratios) / len(ratios))
    low, low_case = min(ratios)
    noise = []
    for fl in FLAVOURS:
        spreads = [(r[fl][2] - r[fl][1]) / r[fl][0] for r in rows
                   if r[fl] and r[fl][0] > 0]
        if spreads:
            noise.append("%s %.1f%%" % (fl, 100 * statistics.median(spreads)))
    return ("%s: geometric mean stock/ours %.3f over %d cases; lowest %.3f (%s); %s\n"
            "%s: noise, the median over cases of (max - min) / median: %s"
            % (platform, geomean, len(ratios), low, low_case, tally,
               platform, ", ".join(noise)))


def make_table(rows, platforms):
    header = ["case", "ours median", "ours min – max", "stock median",
              "stock min – max", "stock/ours", "ratio band", "verdict"]
    out = []
    for platform in platforms:
        mine = [r for r in rows if r["platform"] == platform]
        out.append("== %s (stock/ours > 1: ours is faster) ==" % platform)
        out += align([header] + [table_row(r) for r in mine])
        out.append(summary_line(platform, mine))
        out.append("")
    return "\n".join(out)


def plot_data(rows, platforms):
    """Bar positions: one per case, with a gap between platforms. Each bar
    also spans the worst and best ratio the rounds allow (stock min over
    ours max, stock max over ours min); that span misses 1.0 exactly when
    the verdict is faster or slower."""
    lines = ["# x ratio low high verdict label"]
    x = 0
    for platform in platforms:
        for r in rows:
            if r["platform"] != platform or r["ratio"] is None:
                continue
            ours, stock = r["ours"], r["stock"]
            low = stock[1] / ours[2] if ours[2] else r["ratio"]
            high = stock[2] / ours[1] if ours[1] else r["ratio"]
            lines.append('%d %.6g %.6g %.6g %d "%s:%s"' %
                         (x, r["ratio"], low, high, VERDICTS.index(r["verdict"]),
                          platform, r["case"]))
            x += 1
        x += 1
    return lines


def gnuplot_terminal(gnuplot):
    """pngcairo draws far better text; plain png is the fallback."""
    try:
        out = subprocess.run([gnuplot, "-e", "set terminal"], capture_output=True,
                             text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return "png"
    return "pngcairo" if "pngcairo" in out.stdout + out.stderr else "png"


def plot_script(terminal, values, last_x):
    values = [v for v in values if v > 0]
    lo = min(values + [1.0]) / 1.3
    hi = max(values + [1.0]) * 1.3
    font = "font 'sans,10'" if terminal == "pngcairo" else "small"
    colours = ("#2e8b57", "#909090", "#c0392b")
    plots = []
    for i, (name, colour) in enumerate(zip(VERDICTS[:3], colours)):
        pick = "($5 == %d ? $2 : 1/0)" % i
        plots.append("'ratios.dat' using 1:%s:($1-0.4):($1+0.4):(1):%s "
                     "with boxxyerror fs solid 0.8 noborder lc rgb '%s' title '%s'"
                     % (pick, pick, colour, name))
    plots.append("'ratios.dat' using 1:2:3:4:xtic(6) with yerrorbars pt 7 ps 0.4 "
                 "lc rgb 'black' title 'min-max range of the rounds'")
    return "\n".join([
        "# Drawn by scripts/bench-report.py; redraw with: gnuplot ratios.gp",
        "set terminal %s noenhanced size 1600,900 %s" % (terminal, font),
        "set output 'ratios.png'",
        "set title 'dma-buf: stock 6.12 median / ours median per case "
        "(above 1.0: ours is faster; log scale)'",
        "set ylabel 'stock / ours'",
        "set logscale y 2",
        "set yrange [%.6g:%.6g]" % (lo, hi),
        "set format y '%g'",
        "set grid ytics",
        "set xtics rotate by 90 right nomirror",
        "set xrange [-1:%d]" % (last_x + 1),
        "set key outside top center horizontal",
        "set arrow from graph 0, first 1 to graph 1, first 1 nohead "
        "lw 2 lc rgb 'black' front",
        "plot " + ", \\\n     ".join(plots),
        "",
    ])


def draw(out_dir, rows, platforms):
    """Write ratios.dat and ratios.gp, run gnuplot; False if no plot."""
    data = plot_data(rows, platforms)
    with open(os.path.join(out_dir, "ratios.dat"), "w") as f:
        f.write("\n".join(data) + "\n")
    gnuplot = shutil.which("gnuplot")
    terminal = gnuplot_terminal(gnuplot) if gnuplot else "pngcairo"
    values = [float(v) for line in data[1:] for v in line.split()[1:4]]
    last_x = int(data[-1].split()[0]) if len(data) > 1 else 0
    with open(os.path.join(out_dir, "ratios.gp"), "w") as f:
        f.write(plot_script(terminal, values, last_x))
    if not gnuplot:
        print("bench-report: warning: gnuplot not found, no ratios.png "
              "(install gnuplot-nox)", file=sys.stderr)
        return False
    if len(data) == 1:
        print("bench-report: warning: no case ran on both kernels, no ratios.png",
              file=sys.stderr)
        return False
    res = subprocess.run([gnuplot, "ratios.gp"], cwd=out_dir)
    if res.returncode:
        print("bench-report: warning: gnuplot failed (exit %d)" % res.returncode,
              file=sys.stderr)
        return False
    return True


def main(argv):
    if len(argv) != 3:
        print("usage: bench-report.py RAW_CSV OUT_DIR", file=sys.stderr)
        return 2
    raw, out_dir = argv[1], argv[2]
    try:
        samples, platforms, cases = read_raw(raw)
    except (OSError, BadInput) as e:
        print("bench-report: %s" % e, file=sys.stderr)
        return 2
    rows = [summarise(p, c, samples[(p, c)]) for p in platforms for c in cases[p]]
    os.makedirs(out_dir, exist_ok=True)
    write_csv(os.path.join(out_dir, "bench.csv"), rows)
    table = make_table(rows, platforms)
    with open(os.path.join(out_dir, "bench.txt"), "w") as f:
        f.write(table + "\n")
    sys.stdout.write(table + "\n")
    sys.stdout.flush()
    return 0 if draw(out_dir, rows, platforms) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

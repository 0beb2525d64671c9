#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# "make coverage": line coverage of our kernel sources (top-level *.c and
# heaps/*.c; not selftests/ or bench/) by our KUnit suites on UML.
#
# How: the same kunit.py run as kunit-uml.sh ours (drivers/dma-buf's
# .kunitconfig plus scripts/config/uml.config, so the debug options and
# the code paths they enable are the ones the tests normally see), plus
# scripts/config/coverage-uml.config, which turns on UML's own gcov
# (CONFIG_GCOV). That option builds the whole UML binary with
# -fprofile-arcs -ftest-coverage and links libgcov into it; UML is an
# ordinary host process, so libgcov's exit handler writes one .gcda per
# object next to it in the build directory when the kernel halts after the
# last suite. Nothing needs to be read back out of the kernel.
#
# Why not CONFIG_GCOV_KERNEL (the in-kernel gcov with per-directory
# GCOV_PROFILE): its counters are read through debugfs from inside the
# running kernel, and a kunit.py run has no userspace to copy them out
# before the halt; it would also need GCOV_PROFILE in drivers/dma-buf's
# Makefile.
#
# gcc 12: the kunit docs warn that UML's gcov has had trouble with gcc 7 and
# later, and with Debian 12's gcc 12.2 two things break:
#  - the link: libgcov.a defines a global mangle_path(), a helper of its
#    own, and so does fs/seq_file.c: "multiple definition";
#  - no .gcda at all: gcc writes them from a destructor in
#    .fini_array.00100, which UML's linker script (only .fini_array) leaves
#    outside the array the C library runs at exit.
# So the link finds first (gcc -B: a -B directory is searched for libraries
# before gcc's own) a copy of libgcov.a in which mangle_path is local
# (objcopy --localize-symbol: libgcov's calls still reach its own helper,
# the kernel's callers the kernel's) and __gcov_init, which every
# instrumented object's constructor calls, is scripts/gcov-exit.c's: it
# registers libgcov's __gcov_exit with atexit() and hands over to the
# original. No kernel file changes. coverage.py checks that every object
# of ours got its .gcda.
#
# The build lives in its own directory, <ours>/.build-um-gcov (instrumented
# objects must not mix with the normal build), and holds the build lock of
# kunit-uml.sh and try-compile.sh for the whole run: the tree is shared, and
# the sources it holds must stay ours until the report is written.
# Counts start from zero each run (old .gcda files are removed first).
#
# scripts/coverage.py turns the .gcno/.gcda files into the table (printed
# last, and written to build/coverage/coverage.txt) and an lcov tracefile;
# genhtml (Debian's lcov, installed by deps.sh) renders that as HTML in
# build/coverage/html.
# Exits non-zero only when the build or the run fails or no data appears;
# the 90% per-file goal is reported, not enforced.
. "$(dirname "$0")/lib.sh"

"$REPO/scripts/deps.sh" lcov

TREE=$OURS
BUILD=$TREE/.build-um-gcov
COV=$OUT/coverage
LOG=$OUT/logs/coverage.log
mkdir -p "$OUT/logs" "$COV"

exec 9> "$CACHE/try-compile.lock"
flock 9
"$REPO/scripts/tree.sh" ours

if [ -d "$BUILD" ]; then
	find "$BUILD" -name '*.gcda' -delete
fi
# The libgcov.a the link finds first (see the header and gcov-exit.c).
# vmlinux does not depend on it in kbuild's eyes: relink when it changes.
GCOV_LIB=$BUILD/.libgcov
mkdir -p "$GCOV_LIB"
gcc -O2 -Wall -Werror -c "$REPO/scripts/gcov-exit.c" -o "$GCOV_LIB/gcov-exit.o"
objcopy --localize-symbol=mangle_path --redefine-sym __gcov_init=__gcov_init_libgcov \
	"$(gcc -print-file-name=libgcov.a)" "$GCOV_LIB/libgcov.a.new"
ar rcs "$GCOV_LIB/libgcov.a.new" "$GCOV_LIB/gcov-exit.o"
if cmp -s "$GCOV_LIB/libgcov.a.new" "$GCOV_LIB/libgcov.a"; then
	rm -f "$GCOV_LIB/libgcov.a.new"
else
	mv "$GCOV_LIB/libgcov.a.new" "$GCOV_LIB/libgcov.a"
	rm -f "$BUILD/vmlinux"
fi
say "KUnit on UML with gcov (log: $LOG)"
start=$(date +%s)
rc=0
python3 "$TREE/tools/testing/kunit/kunit.py" run \
	--kunitconfig="$TREE/drivers/dma-buf" \
	--kunitconfig="$REPO/scripts/config/uml.config" \
	--kunitconfig="$REPO/scripts/config/coverage-uml.config" \
	--build_dir="$BUILD" --jobs="$JOBS" --timeout=1800 \
	--make_options="CC=ccache gcc -B$GCOV_LIB/" --raw_output=all > "$LOG" 2>&1 || rc=$?
say "KUnit with gcov took $(( $(date +%s) - start ))s (kunit.py status $rc)"
if ! grep -q 'KTAP version' "$LOG"; then
	tail -30 "$LOG"
	die "kunit.py build or boot failed (status $rc, see $LOG)"
fi
# The suites' own verdict is make kunit's business; say it, do not judge.
awk '/^ok [0-9]+ / { ok++ } /^not ok [0-9]+ / { bad++ }
	/^# Totals:/ { for (i = 3; i <= NF; i++) { split($i, kv, ":"); n[kv[1]] += kv[2] } }
	END { printf "    suites: %d ok, %d not ok; their totals: pass %d, fail %d, skip %d\n",
		ok, bad, n["pass"], n["fail"], n["skip"] }' "$LOG"

rm -rf "$COV/html"
python3 "$REPO/scripts/coverage.py" "$BUILD" "$TREE" "$REPO" "$COV" > "$COV/.table"
if command -v genhtml > /dev/null; then
	if genhtml --quiet --function-coverage --title "dma-buf KUnit on UML" \
		--prefix "$REPO" -o "$COV/html" "$COV/coverage.info" \
		> "$OUT/logs/genhtml.log" 2>&1; then
		say "HTML report: $COV/html/index.html"
	else
		say "genhtml failed (see $OUT/logs/genhtml.log); the table stands"
	fi
fi
say "line coverage (also in $COV/coverage.txt)"
cat "$COV/.table"
rm -f "$COV/.table"
grep -q 'no .gcda' "$COV/coverage.txt" && die "some objects wrote no coverage data"
exit 0

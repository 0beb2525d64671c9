#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Our KUnit suites on UML at native speed, through the tree's own kunit.py
# (so this is exactly "kunit.py run --kunitconfig=drivers/dma-buf"), with
# the debug options added, judged by results.py into results/kunit-uml.
. "$(dirname "$0")/lib.sh"

BUILD=$CACHE/build/ours-um
LOG=$OUT/logs/kunit-uml.log
mkdir -p "$OUT/logs"
reset_results kunit-uml

# One kernel build at a time on this machine (try-compile.sh shares it).
exec 9> "$CACHE/try-compile.lock"
flock 9
"$REPO/scripts/tree.sh" ours

say "KUnit on UML (log: $LOG)"
start=$(date +%s)
rc=0
python3 "$OURS/tools/testing/kunit/kunit.py" run \
	--kunitconfig="$OURS/drivers/dma-buf" \
	--kunitconfig="$REPO/scripts/config/uml.config" \
	--build_dir="$BUILD" --jobs="$JOBS" --timeout=900 \
	--make_options="CC=ccache gcc" --raw_output=all > "$LOG" 2>&1 || rc=$?
say "KUnit on UML took $(( $(date +%s) - start ))s (kunit.py status $rc)"
if [ "$rc" != 0 ] && ! grep -q 'KTAP version' "$LOG"; then
	tail -30 "$LOG"
	record kunit-uml FAIL "kunit.py build or boot (status $rc, see $LOG)"
	exit 1
fi
RESULTS=$RESULTS "$REPO/scripts/results.py" "$LOG" kunit-uml

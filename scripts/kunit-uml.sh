#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Our KUnit suites on UML at native speed, through the tree's own kunit.py
# (so this is exactly "kunit.py run --kunitconfig=drivers/dma-buf"), with
# scripts/config/uml.config added, judged by results.py.
# Usage: kunit-uml.sh [ours|stock]
#   ours   the suites against our implementation    -> results/kunit-uml-ours
#   stock  the same suites against upstream's code   -> results/kunit-uml-stock
. "$(dirname "$0")/lib.sh"

FLAVOUR=${1:-ours}
case "$FLAVOUR" in
ours) TREE=$OURS ;;
stock) TREE=$STOCK_TESTS ;;
*) die "usage: kunit-uml.sh [ours|stock]" ;;
esac
STEP=kunit-uml-$FLAVOUR
BUILD=$TREE/.build-um
LOG=$OUT/logs/$STEP.log
mkdir -p "$OUT/logs"
reset_results "$STEP"

# One kernel build at a time on this machine (try-compile.sh shares it).
exec 9> "$CACHE/try-compile.lock"
flock 9
if [ "$FLAVOUR" = ours ]; then
	"$REPO/scripts/tree.sh" ours
else
	"$REPO/scripts/tree.sh" stock-tests
fi

say "KUnit on UML against $FLAVOUR (log: $LOG)"
start=$(date +%s)
rc=0
python3 "$TREE/tools/testing/kunit/kunit.py" run \
	--kunitconfig="$TREE/drivers/dma-buf" \
	--kunitconfig="$REPO/scripts/config/uml.config" \
	--build_dir="$BUILD" --jobs="$JOBS" --timeout=900 \
	--make_options="CC=ccache gcc" --raw_output=all > "$LOG" 2>&1 || rc=$?
say "KUnit on UML against $FLAVOUR took $(( $(date +%s) - start ))s (kunit.py status $rc)"
if [ "$rc" != 0 ] && ! grep -q 'KTAP version' "$LOG"; then
	tail -30 "$LOG"
	record "$STEP" FAIL "kunit.py build or boot (status $rc, see $LOG)"
	exit 1
fi
RESULTS=$RESULTS "$REPO/scripts/results.py" "$LOG" "$STEP"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Every KUnit suite must also build as a module: a UML kernel of ours with
# DMABUF_KUNIT_TEST=m (each unit's symbol follows it) is linked in a build
# directory of its own, so modpost sees every symbol a suite imports.
# One recorded case per suite file: its module was produced.
. "$(dirname "$0")/lib.sh"

STEP=modules-uml
BUILD=$OURS/.build-um-modules
LOG=$OUT/logs/$STEP.log
mkdir -p "$OUT/logs"
reset_results "$STEP"

exec 9> "$CACHE/try-compile.lock"
flock 9
"$REPO/scripts/tree.sh" ours > /dev/null

say "UML kernel with every KUnit suite as a module (log: $LOG)"
start=$(date +%s)
{
	# The smallest UML kernel that has what the suites depend on: they
	# are only linked here, never run. (UML's tinyconfig is 32-bit, which
	# would need the host's 32-bit C library headers.)
	mkdir -p "$BUILD"
	make -s -C "$OURS" O="$BUILD" ARCH=um tinyconfig
	"$OURS/scripts/config" --file "$BUILD/.config" \
		-e 64BIT -e MODULES -e MODULE_UNLOAD -e KUNIT -e DEBUG_FS \
		-e SHMEM -e TMPFS -e DEVTMPFS -e SYNC_FILE -e SW_SYNC \
		-e MEMFD_CREATE -e UDMABUF -e DMABUF_HEAPS -e DMABUF_HEAPS_SYSTEM \
		-m DMABUF_KUNIT_TEST
	make -s -C "$OURS" O="$BUILD" ARCH=um olddefconfig
	# Stale modules of suites that were renamed or removed must not count.
	rm -rf "$BUILD/drivers/dma-buf/selftests"
	make -s -C "$OURS" O="$BUILD" ARCH=um CC="ccache gcc" -j"$JOBS" all
} > "$LOG" 2>&1 || {
	tail -30 "$LOG"
	record "$STEP" FAIL "UML build with the suites as modules (see $LOG)"
	exit 1
}
flock -u 9

for src in "$REPO"/selftests/*-kunit.c "$REPO"/selftests/dma-buf-test-exporter.c; do
	name=$(basename "$src" .c)
	if [ -f "$BUILD/drivers/dma-buf/selftests/$name.ko" ]; then
		record "$STEP" PASS "module $name.ko"
	else
		record "$STEP" FAIL "module $name.ko was not built"
	fi
done
say "modules took $(( $(date +%s) - start ))s"

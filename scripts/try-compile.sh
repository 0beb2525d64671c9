#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Developer loop: compile single objects of ours (paths relative to
# drivers/dma-buf, e.g. "dma-fence.o selftests/dma-fence-kunit.o") in a
# UML scratch build, with W=1. Serialised by a lock: the machine is small.
. "$(dirname "$0")/lib.sh"

[ $# -gt 0 ] || die "usage: try-compile.sh OBJ..."
BUILD=$OURS/.build-scratch-um
exec 9> "$CACHE/try-compile.lock"
flock 9

"$REPO/scripts/tree.sh" ours > /dev/null
if [ ! -f "$BUILD/.config" ]; then
	mkdir -p "$BUILD"
	make -s -C "$OURS" O="$BUILD" ARCH=um defconfig
fi
# Re-applied every time: options appear as features land.
"$OURS/scripts/config" --file "$BUILD/.config" \
	-e KUNIT -e KUNIT_DEBUGFS -e DEBUG_FS -e DMABUF_KUNIT_TEST \
	-e PROVE_LOCKING -e DEBUG_ATOMIC_SLEEP -e FTRACE -e ENABLE_DEFAULT_TRACERS \
	-e SYNC_FILE -e SW_SYNC -e DMABUF_DEBUG -e DMABUF_MOVE_NOTIFY \
	-e MEMFD_CREATE -e HUGETLBFS -e UDMABUF \
	-e DMABUF_HEAPS -e DMABUF_HEAPS_SYSTEM -e DMABUF_BENCH
make -s -C "$OURS" O="$BUILD" ARCH=um olddefconfig
targets=()
for obj in "$@"; do
	targets+=("drivers/dma-buf/$obj")
done
make -s -C "$OURS" O="$BUILD" ARCH=um CC="ccache gcc" W=1 -j"$JOBS" "${targets[@]}"
echo "compiled: $*"

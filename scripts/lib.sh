# SPDX-License-Identifier: GPL-2.0-only
# Shared paths and helpers for the harness scripts. Source, do not run.
#
# Layout of the cache (never inside the repository):
#   $CACHE/linux-source-6.12/    pristine unpack of Debian's linux-source-6.12
#   $CACHE/trees/ours/           hard-linked copy, upstream dma-buf removed,
#                                this repository overlaid
#   $CACHE/trees/stock-tests/    hard-linked copy, upstream's dma-buf with
#                                our KUnit suites and test exporter added
#                                (the "stock" flavour builds from it)
#   <tree>/.build-<arch>[-<kind>]/  the tree's out-of-tree (O=) builds.
#                                Inside the tree, kbuild refers to the
#                                sources by relative paths, so ours and
#                                stock compile identical command lines
#                                for every file they share, and one
#                                flavour's build fills ccache for the other.
# Per-run output (logs, results) goes to $OUT, inside the repository's
# build/ directory, which git ignores.

set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${DMABUF_CACHE:-$HOME/.cache/dmabuf}
BASE=$CACHE/linux-source-6.12
OURS=$CACHE/trees/ours
STOCK_TESTS=$CACHE/trees/stock-tests
OUT=${DMABUF_OUT:-$REPO/build}
RESULTS=$OUT/results
JOBS=${JOBS:-$(nproc)}

export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-5G}
# Trees differ only in their absolute path; let ccache share objects.
export CCACHE_BASEDIR=$CACHE
export CCACHE_NOHASHDIR=1

mkdir -p "$OUT" "$RESULTS" "$CACHE"

say() { printf '==> %s\n' "$*"; }
die() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

# tree_of FLAVOUR: the source tree a flavour builds from.
tree_of() {
	case "$1" in
	ours) echo "$OURS" ;;
	stock) echo "$STOCK_TESTS" ;;
	*) die "unknown flavour '$1' (ours or stock)" ;;
	esac
}

# PLATFORM (from the environment): the machine a guest kernel is built for
# and booted on, both flavours alike.
#   x86_64     QEMU's PC with SeaBIOS, 4K pages (the default)
#   arm64      QEMU's virt board, -cpu max, 4K pages, booted with a device
#              tree that declares CMA regions (scripts/config/arm64-dt.dtsi)
#   arm64-64k  the same board and device tree, 64K pages
PLATFORM=${PLATFORM:-x86_64}

# Set, for $PLATFORM: KARCH (kbuild's ARCH), CROSS (the cross compiler's
# prefix, empty for none), KIMAGE (the kernel image, relative to a build
# directory), PLATFORM_CONFIGS (its fragments, under scripts/config/) and
# BUILD_TAG (what its build directories are named after).
case "$PLATFORM" in
x86_64)
	KARCH=x86_64 CROSS= KIMAGE=arch/x86/boot/bzImage BUILD_TAG=x86
	PLATFORM_CONFIGS=(guest.config x86_64.config)
	;;
arm64 | arm64-64k)
	KARCH=arm64 CROSS=aarch64-linux-gnu- KIMAGE=arch/arm64/boot/Image
	BUILD_TAG=$PLATFORM
	PLATFORM_CONFIGS=(guest.config arm64.config)
	[ "$PLATFORM" = arm64-64k ] && PLATFORM_CONFIGS+=(arm64-64k.config)
	;;
*)
	echo "FAILED: unknown PLATFORM '$PLATFORM' (x86_64, arm64 or arm64-64k)" >&2
	exit 1
	;;
esac

# kernel_build_dir FLAVOUR [KIND]: where a flavour's kernel of a kind (test,
# the default, kcsan or bench) is built for $PLATFORM.
kernel_build_dir() {
	case "${2:-test}" in
	test) echo "$(tree_of "$1")/.build-$BUILD_TAG" ;;
	*) echo "$(tree_of "$1")/.build-$BUILD_TAG-$2" ;;
	esac
}

# Where the guest's user space for $PLATFORM is staged and packed.
GUEST=$OUT/guest/$PLATFORM

# record STEP STATUS NAME: append one test-case result for the summary.
# STATUS is PASS, FAIL or SKIP.
record() {
	printf '%s %s\n' "$2" "$3" >> "$RESULTS/$1.txt"
}

# reset_results STEP: forget the results of an earlier run of STEP.
reset_results() {
	rm -f "$RESULTS/$1.txt"
	: > "$RESULTS/$1.txt"
}

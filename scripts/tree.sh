#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Prepare the source trees: unpack the pristine base once, then (re)build
# "ours" from it: upstream's dma-buf files removed, this repository laid
# over the gap, and upstream's in-kernel selftests added as a conformance
# built-in (x86_64 only; see conformance.sh).
. "$(dirname "$0")/lib.sh"

TARBALL=/usr/src/linux-source-6.12.tar.xz

# Everything upstream ships in the places this repository owns.
UPSTREAM_OWNED=(
	drivers/dma-buf
	include/linux/dma-buf.h
	include/linux/dma-fence.h
	include/linux/dma-fence-array.h
	include/linux/dma-fence-chain.h
	include/linux/dma-fence-unwrap.h
	include/linux/dma-resv.h
	include/linux/dma-heap.h
	include/linux/sync_file.h
	include/uapi/linux/dma-buf.h
	include/uapi/linux/sync_file.h
	include/uapi/linux/dma-heap.h
	include/uapi/linux/udmabuf.h
	include/trace/events/dma_fence.h
	Documentation/driver-api/dma-buf.rst
	# Documents DMABUF_SYSFS_STATS, which we do not provide; our
	# Documentation/ABI/removed/ says so instead.
	Documentation/ABI/testing/sysfs-kernel-dmabuf-buffers
)

unpack_base() {
	local stamp=$BASE/.dmabuf-unpacked want
	want=$(stat -c '%s %Y' "$TARBALL")
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
		return
	fi
	say "unpacking $TARBALL into $CACHE"
	rm -rf "$BASE" "$OURS"
	mkdir -p "$CACHE"
	tar -C "$CACHE" -xf "$TARBALL"
	echo "$want" > "$stamp"
}

make_ours() {
	if [ ! -f "$OURS/.dmabuf-linked" ]; then
		say "hard-linking $OURS from the base tree"
		rm -rf "$OURS"
		mkdir -p "$(dirname "$OURS")"
		cp -al "$BASE" "$OURS"
		rm -f "$OURS/.dmabuf-unpacked"
		for path in "${UPSTREAM_OWNED[@]}"; do
			rm -rf "${OURS:?}/$path"
		done
		touch "$OURS/.dmabuf-linked"
	fi
	# A tree linked before a path joined the list still has the base's
	# file there (the same inode): drop it.
	for path in "${UPSTREAM_OWNED[@]}"; do
		if [ -f "$OURS/$path" ] && [ "$OURS/$path" -ef "$BASE/$path" ]; then
			rm -f "$OURS/$path"
		fi
	done
	overlay
	"$REPO/scripts/conformance.sh" tree
	check_no_upstream_left
}

# Copy this repository into the tree. -c compares contents, so files that
# did not change keep their timestamps and kbuild rebuilds only real edits.
overlay() {
	mkdir -p "$OURS/drivers/dma-buf"
	rsync -rc --delete \
		--include='/*.c' --include='/*.h' \
		--include='/Kconfig' --include='/Makefile' --include='/.kunitconfig' \
		--include='/heaps/***' --exclude='/selftests/user/' --include='/selftests/***' \
		--exclude='/bench/user/' --include='/bench/***' \
		--exclude='*' "$REPO/" "$OURS/drivers/dma-buf/"
	# Userspace kselftests live where the kernel keeps them.
	if [ -d "$REPO/selftests/user" ]; then
		mkdir -p "$OURS/tools/testing/selftests/dmabuf"
		rsync -rc --delete "$REPO/selftests/user/" "$OURS/tools/testing/selftests/dmabuf/"
	fi
	for dir in include Documentation; do
		[ -d "$REPO/$dir" ] && rsync -rc "$REPO/$dir/" "$OURS/$dir/"
	done
	return 0
}

# Every upstream file we own must be gone, or replaced by our own copy.
check_no_upstream_left() {
	local path bad=0 ours
	while read -r path; do
		case "$path" in
		drivers/dma-buf/*) ours=$REPO/${path#drivers/dma-buf/} ;;
		*) ours=$REPO/$path ;;
		esac
		if [ ! -f "$ours" ] || ! cmp -s "$ours" "$OURS/$path"; then
			echo "upstream file survives in our tree: $path" >&2
			bad=1
		fi
	done < <(cd "$BASE" && find "${UPSTREAM_OWNED[@]}" -type f 2>/dev/null |
		while read -r f; do [ -e "$OURS/$f" ] && echo "$f"; done)
	[ "$bad" = 0 ] || die "upstream dma-buf files left in $OURS"
}

# The pristine tree plus our KUnit suites and benchmark, nothing else of
# ours: the suites then test upstream's implementation, and the benchmark
# measures it. The suites of what we added or chose to change, listed in
# scripts/ours-only-suites with the reason, stay out.
make_stock_tests() {
	local dir=$STOCK_TESTS/drivers/dma-buf
	if [ ! -f "$STOCK_TESTS/.dmabuf-linked" ]; then
		say "hard-linking $STOCK_TESTS from the base tree"
		rm -rf "$STOCK_TESTS"
		mkdir -p "$(dirname "$STOCK_TESTS")"
		cp -al "$BASE" "$STOCK_TESTS"
		rm -f "$STOCK_TESTS/.dmabuf-unpacked"
		touch "$STOCK_TESTS/.dmabuf-linked"
	fi
	local -a ours_only
	mapfile -t ours_only < <(ours_only_suites)
	rsync -rc --delete --exclude=/Makefile --exclude=/user/ \
		"${ours_only[@]/#/--exclude=/}" "$REPO/selftests/" "$dir/selftests/"
	rsync -rc --delete --exclude=/user/ "$REPO/bench/" "$dir/bench/"
	# The test exporter's control-file header, where ours has it (its
	# Makefile's include path names that directory).
	mkdir -p "$STOCK_TESTS/tools/testing/selftests/dmabuf"
	rsync -c "$REPO/selftests/user/dmabuf-test-ctl.h" \
		"$STOCK_TESTS/tools/testing/selftests/dmabuf/"
	rsync -c "$REPO/.kunitconfig" "$dir/.kunitconfig"
	without_lines_naming "$dir/selftests/Makefile" "$REPO/selftests/Makefile" \
		"${ours_only[@]/%.c/.o}"
	# The base's own files are hard links: replace them, never append.
	write_joined "$dir/Makefile" "$BASE/drivers/dma-buf/Makefile" \
		'obj-$(CONFIG_DMABUF_KUNIT_TEST) += selftests/' \
		'obj-$(CONFIG_DMABUF_BENCH) += bench/'
	write_joined "$dir/Kconfig" "$BASE/drivers/dma-buf/Kconfig" \
		'source "drivers/dma-buf/selftests/Kconfig"' \
		'source "drivers/dma-buf/bench/Kconfig"'
}

# The suite files of scripts/ours-only-suites, one per line: the suites of
# our own additions, which the stock flavour leaves out.
ours_only_suites() {
	sed -e 's/#.*//' "$REPO/scripts/ours-only-suites" | awk 'NF { print $1 }'
}

# without_lines_naming DEST SOURCE WORD...: DEST becomes SOURCE without the
# lines that contain any of the WORDs, written only when that changes it.
without_lines_naming() {
	local dest=$1 src=$2 tmp word
	shift 2
	tmp=$(mktemp)
	cat "$src" > "$tmp"
	for word in "$@"; do
		grep -vF -- "$word" "$tmp" > "$tmp.new" || true
		mv "$tmp.new" "$tmp"
	done
	cmp -s "$tmp" "$dest" || cp --remove-destination "$tmp" "$dest"
	rm -f "$tmp"
}

# write_joined DEST SOURCE LINE...: DEST becomes SOURCE plus the LINEs,
# written (as a new file) only when that changes it, so kbuild rebuilds
# nothing.
write_joined() {
	local dest=$1 src=$2 tmp
	shift 2
	tmp=$(mktemp)
	cat "$src" > "$tmp"
	printf '%s\n' "$@" >> "$tmp"
	cmp -s "$tmp" "$dest" || cp --remove-destination "$tmp" "$dest"
	rm -f "$tmp"
}

unpack_base
case "${1:-ours}" in
base) ;;
ours) make_ours ;;
stock-tests) make_stock_tests ;;
*) die "usage: tree.sh [base|ours|stock-tests]" ;;
esac

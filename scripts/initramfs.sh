#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the guest's initramfs: busybox-static, our init, the demo, the
# benchmark and the kselftests, statically linked against OUR installed
# UAPI headers.
# The same image boots both flavours of a platform ($PLATFORM, lib.sh).
# Prints the cpio's path.
. "$(dirname "$0")/lib.sh"

STAGE=$GUEST/root
HDRS=$GUEST/uapi
CPIO=$GUEST/initramfs.cpio
GEN=$OUT/guest/gen_init_cpio
mkdir -p "$GUEST"

# Our UAPI headers as userspace sees them (make headers_install), with
# the platform's own asm/ headers.
make -s -C "$OURS" O="$(kernel_build_dir ours)" ARCH="$KARCH" \
	INSTALL_HDR_PATH="$HDRS" headers_install >&2
CC=${CROSS}gcc
CFLAGS=(-static -O2 -Wall -Wextra -Werror -isystem "$HDRS/include")
BUSYBOX=/bin/busybox
[ "$KARCH" = arm64 ] && BUSYBOX=$CACHE/busybox-arm64/bin/busybox

rm -rf "$STAGE"
mkdir -p "$STAGE/bin"
cp "$BUSYBOX" "$STAGE/bin/busybox"
$CC "${CFLAGS[@]}" -o "$STAGE/bin/dmabuf-demo" "$REPO/scripts/guest/dmabuf-demo.c" >&2
$CC "${CFLAGS[@]}" -I "$REPO/selftests/user" -o "$STAGE/bin/dmabuf-bench" \
	"$REPO/bench/user/dmabuf-bench.c" >&2
CC=$CC "$REPO/scripts/kselftests.sh" "$STAGE/kselftest" "$HDRS" >&2
# The benchmark's smoke mode (one operation per case, TAP) runs with the
# kselftests on the test kernels.
echo "bench.dmabuf-bench-smoke . dmabuf-bench --smoke" >> "$STAGE/kselftest/list"
# The manual's example programs run too, so that they cannot rot: each
# exits 0 when it worked, 4 when the kernel lacks what it needs.
mkdir -p "$STAGE/kselftest/docs"
for src in "$REPO"/Documentation/userspace-api/dma-buf/examples/*.c; do
	name=$(basename "$src" .c)
	# One that does not build fails in docs.sh, not the whole guest.
	$CC "${CFLAGS[@]}" -o "$STAGE/kselftest/docs/$name" "$src" >&2 || continue
	echo "docs.$name docs ./$name" >> "$STAGE/kselftest/list"
done

[ -x "$GEN" ] || gcc -O2 -o "$GEN" "$BASE/usr/gen_init_cpio.c" >&2
{
	echo "dir /dev 0755 0 0"
	echo "nod /dev/console 0600 0 0 c 5 1"
	for d in proc sys tmp; do echo "dir /$d 0755 0 0"; done
	echo "file /init $REPO/scripts/guest/init 0755 0 0"
	(cd "$STAGE" && find . -mindepth 1 | sort | while read -r p; do
		p=${p#.}
		if [ -d "$STAGE$p" ]; then
			echo "dir $p 0755 0 0"
		else
			echo "file $p $STAGE$p $(stat -c %a "$STAGE$p") 0 0"
		fi
	done)
} > "$GUEST/initramfs.list"
"$GEN" "$GUEST/initramfs.list" > "$CPIO"
echo "$CPIO"

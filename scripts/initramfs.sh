#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the guest's initramfs: busybox-static, our init, the demo, the
# benchmark and the kselftests, statically linked against OUR installed
# UAPI headers.
# The same image boots both flavours. Prints the cpio's path.
. "$(dirname "$0")/lib.sh"

STAGE=$OUT/guest/root
HDRS=$OUT/guest/uapi
CPIO=$OUT/guest/initramfs.cpio
GEN=$OUT/guest/gen_init_cpio
mkdir -p "$OUT/guest"

# Our UAPI headers as userspace sees them (make headers_install).
make -s -C "$OURS" O="$(x86_build_dir ours)" ARCH=x86_64 \
	INSTALL_HDR_PATH="$HDRS" headers_install >&2
CFLAGS=(-static -O2 -Wall -Wextra -Werror -isystem "$HDRS/include")

rm -rf "$STAGE"
mkdir -p "$STAGE/bin"
cp /bin/busybox "$STAGE/bin/busybox"
gcc "${CFLAGS[@]}" -o "$STAGE/bin/dmabuf-demo" "$REPO/scripts/guest/dmabuf-demo.c" >&2
gcc "${CFLAGS[@]}" -I "$REPO/selftests/user" -o "$STAGE/bin/dmabuf-bench" \
	"$REPO/bench/user/dmabuf-bench.c" >&2
"$REPO/scripts/kselftests.sh" "$STAGE/kselftest" "$HDRS" >&2
# The benchmark's smoke mode (one operation per case, TAP) runs with the
# kselftests on the test kernels.
echo "bench.dmabuf-bench-smoke . dmabuf-bench --smoke" >> "$STAGE/kselftest/list"

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
} > "$OUT/guest/initramfs.list"
"$GEN" "$OUT/guest/initramfs.list" > "$CPIO"
echo "$CPIO"

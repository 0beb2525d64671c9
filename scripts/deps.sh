#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Install what the harness needs from Debian, only when something is missing.
# Usage: deps.sh [EXTRA_PACKAGE...] (make bench adds gnuplot-nox, make
# coverage lcov).
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	linux-source-6.12 busybox-static qemu-system-x86 ccache
	gcc make bc bison flex libelf-dev libssl-dev libc6-dev
	cpio xz-utils kmod rsync perl python3
	sparse coccinelle ocaml-nox
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm
	device-tree-compiler
	python3-sphinx graphviz
	"$@"
)

SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo

# The arm64 guests' busybox: Debian's busybox-static for arm64, unpacked
# into the cache (installing it would replace the host's own).
arm64_busybox() {
	local dir=$CACHE/busybox-arm64 tmp
	[ -x "$dir/bin/busybox" ] && return 0
	say "fetching busybox-static for arm64"
	tmp=$(mktemp -d)
	local -a apt=(-o APT::Architectures::=amd64 -o APT::Architectures::=arm64)
	$SUDO apt-get "${apt[@]}" update -qq > "$OUT/apt-arm64.log" 2>&1 &&
		(cd "$tmp" && apt-get "${apt[@]}" download busybox-static:arm64) \
			>> "$OUT/apt-arm64.log" 2>&1 ||
		die "fetching busybox-static:arm64; see $OUT/apt-arm64.log"
	rm -rf "$dir"
	dpkg-deb -x "$tmp"/busybox-static_*_arm64.deb "$tmp/root"
	mkdir -p "$dir/bin"
	cp "$tmp/root/bin/busybox" "$dir/bin/busybox"
	rm -rf "$tmp"
}

missing=()
for pkg in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
	say "installing: ${missing[*]}"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" > "$OUT/apt.log" 2>&1 ||
		die "apt-get install failed; see $OUT/apt.log"
fi
arm64_busybox

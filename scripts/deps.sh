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
	"$@"
)

missing=()
for pkg in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

say "installing: ${missing[*]}"
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
	"${missing[@]}" > "$OUT/apt.log" 2>&1 ||
	die "apt-get install failed; see $OUT/apt.log"

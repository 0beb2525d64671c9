#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Build the kselftests into the guest's staging directory, statically
# linked against OUR installed UAPI headers (the same binaries then run
# on both flavours):
#   ours      selftests/user/, which the tree holds as
#             tools/testing/selftests/dmabuf/, built by its own Makefile
#   upstream  the suites conformance.sh enables, from the pristine tree
# and write /kselftest/list ("NAME DIR COMMAND") for the guest's init.
# Usage: [CC=COMPILER] kselftests.sh STAGE_DIR HEADERS_DIR (CC is the
# guest's compiler, gcc by default)
. "$(dirname "$0")/lib.sh"

DEST=${1:?usage: kselftests.sh STAGE_DIR HEADERS_DIR}
HDRS=${2:?usage: kselftests.sh STAGE_DIR HEADERS_DIR}
mkdir -p "$DEST"
: > "$DEST/list"

# build_suite NAME SOURCE_DIR: build one kselftest directory and list
# every program it produced.
build_suite() {
	local name=$1 src=$2 out=$DEST/$1 prog
	say "building kselftest $name from $src"
	mkdir -p "$out"
	make -s -C "$src" OUTPUT="$out" CC="${CC:-gcc} -static" \
		KHDR_INCLUDES="-isystem $HDRS/include" all ||
		die "building kselftest $name"
	for prog in "$out"/*; do
		[ -f "$prog" ] && [ -x "$prog" ] || continue
		echo "$name.${prog##*/} $name ./${prog##*/}" >> "$DEST/list"
	done
	find "$out" -name '*.o' -delete
}

if [ -f "$OURS/tools/testing/selftests/dmabuf/Makefile" ]; then
	build_suite dmabuf "$OURS/tools/testing/selftests/dmabuf"
fi
for suite in $("$REPO/scripts/conformance.sh" kselftests); do
	build_suite "upstream-${suite//\//-}" "$BASE/tools/testing/selftests/$suite"
done

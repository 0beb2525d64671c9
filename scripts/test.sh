#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# "make test": every step runs even when an earlier one failed (only a
# missing kernel skips its boot), and the summary closes the output.
# The platforms: x86_64, and arm64 with 64K pages booted with the device
# tree's CMA regions; FULL=1 ("make test-full") adds arm64 with 4K pages.
. "$(dirname "$0")/lib.sh"

rm -rf "$RESULTS"
mkdir -p "$RESULTS"
start=$(date +%s)
ARM64_PLATFORMS=(arm64-64k)
[ -n "${FULL:-}" ] && ARM64_PLATFORMS+=(arm64)

# step NAME COMMAND...: run one step; a failure is recorded, not fatal.
step() {
	local name=$1 rc=0
	shift
	"$@" || rc=$?
	[ "$rc" = 0 ] && return 0
	[ -s "$RESULTS/$name.txt" ] || record "$name" FAIL "$name (status $rc)"
	return 1
}

# timed NAME COMMAND...: a step whose time the summary reports.
timed() {
	local name=$1 t0=$SECONDS rc=0
	shift
	step "$name" "$@" || rc=$?
	echo "$name $(( SECONDS - t0 ))" >> "$OUT/step-times"
	return "$rc"
}

# platform_tests PLATFORM: build both flavours' test kernels for it and
# boot each; results go to build-FLAVOUR[-PLATFORM], boot-FLAVOUR[-PLATFORM].
platform_tests() {
	local suffix= flavour
	[ "$1" = x86_64 ] || suffix=-$1
	for flavour in ours stock; do
		if PLATFORM=$1 timed "build-$flavour$suffix" \
			"$REPO/scripts/build-kernel.sh" "$flavour"; then
			record "build-$flavour$suffix" PASS "$1 $flavour kernel builds"
			PLATFORM=$1 timed "boot-$flavour$suffix" \
				"$REPO/scripts/boot.sh" "$flavour" test || true
		fi
	done
}

: > "$OUT/step-times"
if step tree "$REPO/scripts/tree.sh" ours; then
	timed check "$REPO/scripts/check.sh" || true
	timed kunit-uml-ours "$REPO/scripts/kunit-uml.sh" ours || true
	timed kunit-uml-stock "$REPO/scripts/kunit-uml.sh" stock || true
	timed modules-uml "$REPO/scripts/modules-uml.sh" || true
	platform_tests x86_64
	# The concurrency kernel: PREEMPT and KCSAN, our KUnit suites.
	if timed build-ours-kcsan "$REPO/scripts/build-kernel.sh" ours kcsan; then
		record build-ours-kcsan PASS "x86_64 ours KCSAN kernel builds"
		timed boot-ours-kcsan "$REPO/scripts/boot.sh" ours kcsan || true
	fi
	for platform in "${ARM64_PLATFORMS[@]}"; do
		platform_tests "$platform"
	done
fi
say "seconds per step: $(tr '\n' ' ' < "$OUT/step-times")"
say "make test took $(( $(date +%s) - start ))s"
exec python3 "$REPO/scripts/summary.py" "$RESULTS"

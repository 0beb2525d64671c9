#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# "make test": every step runs even when an earlier one failed (only a
# missing kernel skips its boot), and the summary closes the output.
# The platforms: arm64 with 64K pages booted with the device tree's CMA
# regions, ours and stock, every suite; x86_64 ours without upstream's two
# long suites (boot.sh's SHORT), the KCSAN kernel, and UML. FULL=1 ("make
# test-full") runs the whole matrix: x86_64 ours in full and stock, and
# arm64 with 4K pages too; it does not fit make test's 60 minutes.
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

# kernel_then_boot PLATFORM FLAVOUR [kcsan]: build a test kernel (or the
# KCSAN kernel) and, once it is built, boot it in the background. Builds
# hold the compile lock and guests the QEMU lock, one of each at a time,
# so the next kernel compiles while the last one's guest runs: a TCG
# guest keeps about one and a half of the two cores busy. Results go to
# build-FLAVOUR[-kcsan][-PLATFORM] and boot-FLAVOUR[-kcsan][-PLATFORM];
# a boot's time in the summary includes its wait for the QEMU lock (the
# guest's own time is in its "guest ran" line).
kernel_then_boot() {
	local platform=$1 flavour=$2 kind=${3:-test} name=$2 suffix=
	[ "$kind" = test ] || name=$name-$kind
	[ "$platform" = x86_64 ] || suffix=-$platform
	if PLATFORM=$platform timed "build-$name$suffix" \
		$BEHIND "$REPO/scripts/build-kernel.sh" "$flavour" "$kind"; then
		record "build-$name$suffix" PASS \
			"$platform $flavour ${3:+$3 }kernel builds"
		PLATFORM=$platform timed "boot-$name$suffix" \
			"$REPO/scripts/boot.sh" "$flavour" "$kind" &
	fi
}

# The guests are the critical path: what compiles beside them yields.
BEHIND="nice -n 10"
: > "$OUT/step-times"
if step tree "$REPO/scripts/tree.sh" ours; then
	# The kernels first, longest guests early: the guests are the
	# critical path, the UML steps fill the cores behind them.
	if [ -n "${FULL:-}" ]; then
		kernel_then_boot x86_64 ours
		kernel_then_boot x86_64 stock
	else
		SHORT=1 kernel_then_boot x86_64 ours
	fi
	for platform in "${ARM64_PLATFORMS[@]}"; do
		kernel_then_boot "$platform" ours
		kernel_then_boot "$platform" stock
	done
	# The concurrency kernel: PREEMPT and KCSAN, our KUnit suites.
	kernel_then_boot x86_64 ours kcsan
	timed check $BEHIND "$REPO/scripts/check.sh" || true
	timed kunit-uml-ours $BEHIND "$REPO/scripts/kunit-uml.sh" ours || true
	timed kunit-uml-stock $BEHIND "$REPO/scripts/kunit-uml.sh" stock || true
	timed modules-uml $BEHIND "$REPO/scripts/modules-uml.sh" || true
	say "waiting for the guests"
	wait
fi
say "seconds per step: $(tr '\n' ' ' < "$OUT/step-times")"
say "make test took $(( $(date +%s) - start ))s"
exec python3 "$REPO/scripts/summary.py" "$RESULTS"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# "make test": every step runs even when an earlier one failed (only a
# missing kernel skips its boot), and the summary closes the output.
. "$(dirname "$0")/lib.sh"

rm -rf "$RESULTS"
mkdir -p "$RESULTS"
start=$(date +%s)

# step NAME COMMAND...: run one step; a failure is recorded, not fatal.
step() {
	local name=$1 rc=0
	shift
	"$@" || rc=$?
	[ "$rc" = 0 ] && return 0
	[ -s "$RESULTS/$name.txt" ] || record "$name" FAIL "$name (status $rc)"
	return 1
}

if step tree "$REPO/scripts/tree.sh" ours; then
	step check "$REPO/scripts/check.sh" || true
	step kunit-uml-ours "$REPO/scripts/kunit-uml.sh" ours || true
	step kunit-uml-stock "$REPO/scripts/kunit-uml.sh" stock || true
	step modules-uml "$REPO/scripts/modules-uml.sh" || true
	for flavour in ours stock; do
		if step "build-$flavour" "$REPO/scripts/build-x86.sh" "$flavour"; then
			record "build-$flavour" PASS "x86_64 $flavour kernel builds"
			step "boot-$flavour" "$REPO/scripts/boot.sh" "$flavour" test || true
		fi
	done
	# The concurrency kernel: PREEMPT and KCSAN, our KUnit suites.
	if step build-ours-kcsan "$REPO/scripts/build-x86.sh" ours kcsan; then
		record build-ours-kcsan PASS "x86_64 ours KCSAN kernel builds"
		step boot-ours-kcsan "$REPO/scripts/boot.sh" ours kcsan || true
	fi
fi
say "make test took $(( $(date +%s) - start ))s"
exec python3 "$REPO/scripts/summary.py" "$RESULTS"

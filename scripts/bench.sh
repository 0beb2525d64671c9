#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# "make bench": our implementation against stock 6.12, side by side.
# Builds the benchmark kernels of both flavours (no debug options), then
# runs them alternately, ours then stock, round after round:
#   uml  the in-kernel cases (bench/), at native speed, once per boot
#   x86  the in-kernel and the userspace cases (bench/user/) in a QEMU/TCG
#        guest, once per boot
# and hands every measurement to bench-report.py, which prints the table
# and writes bench.csv and ratios.png under build/bench/.
# Environment: BENCH_ROUNDS (default 5), BENCH_TARGET_MS (shortest timed
# batch per case, default 200), BENCH_PLATFORMS (default "uml x86").
. "$(dirname "$0")/lib.sh"

ROUNDS=${BENCH_ROUNDS:-5}
TARGET_MS=${BENCH_TARGET_MS:-200}
PLATFORMS=${BENCH_PLATFORMS:-uml x86}
DIR=$OUT/bench
RAW=$DIR/raw.csv
FLAVOURS=(ours stock)

uml_build_dir() {
	echo "$(tree_of "$1")/.build-um-bench"
}

# build_uml FLAVOUR: the UML benchmark kernel, through the tree's kunit.py
# (which knows how to configure UML from a fragment).
build_uml() {
	local tree build log=$DIR/logs/build-$1-um-bench.log
	tree=$(tree_of "$1")
	build=$(uml_build_dir "$1")
	say "building $1 UML benchmark kernel (log: $log)"
	(
		flock 9
		python3 "$tree/tools/testing/kunit/kunit.py" build \
			--kunitconfig="$REPO/scripts/config/bench-uml.config" \
			--build_dir="$build" --jobs="$JOBS" \
			--make_options="CC=ccache gcc"
	) 9> "$CACHE/try-compile.lock" > "$log" 2>&1 ||
		{ tail -20 "$log"; die "building the $1 UML benchmark kernel"; }
}

# collect PLATFORM FLAVOUR ROUND LOG: append the run's BENCH lines to RAW.
collect() {
	local n
	n=$(sed -n 's/.*BENCH \([a-z0-9_.]*\) \([0-9.]*\) \([0-9]*\)\r\{0,1\}$/\1,\2,\3/p' "$4" |
		tee >(sed "s/^/$1,$2,$3,/" >> "$RAW") | wc -l)
	[ "$n" -gt 0 ] || die "no measurements in $4"
	say "$1 $2 round $3: $n cases"
}

run_uml() {
	local log=$DIR/logs/uml-$1-r$2.log
	timeout 900 "$(uml_build_dir "$1")/linux" mem=1G console=tty \
		kunit_shutdown=halt dma_buf_bench.run_at_boot=1 \
		dma_buf_bench.target_us=$(( TARGET_MS * 1000 )) \
		< /dev/null > "$log" 2>&1 || true
	grep -q 'run at load time finished: 0' "$log" ||
		die "the UML benchmark failed on $1; see $log"
	collect uml "$1" "$2" "$log"
}

run_x86() {
	local log=$DIR/logs/x86-$1-r$2.log
	BENCH_LOG=$log BENCH_TARGET_MS=$TARGET_MS "$REPO/scripts/boot.sh" "$1" bench
	collect x86 "$1" "$2" "$log"
}

mkdir -p "$DIR/logs"
"$REPO/scripts/deps.sh" gnuplot-nox
"$REPO/scripts/tree.sh" ours > /dev/null
"$REPO/scripts/tree.sh" stock-tests > /dev/null
for flavour in "${FLAVOURS[@]}"; do
	case " $PLATFORMS " in *" uml "*) build_uml "$flavour" ;; esac
	case " $PLATFORMS " in *" x86 "*) "$REPO/scripts/build-kernel.sh" "$flavour" bench ;; esac
done

case " $PLATFORMS " in
*" x86 "*)
	# Under the QEMU lock, as in boot.sh: the staging directory is shared.
	INITRAMFS=$(flock "$CACHE/qemu.lock" "$REPO/scripts/initramfs.sh" \
		2> "$DIR/logs/initramfs.log") ||
		die "building the initramfs; see $DIR/logs/initramfs.log"
	export INITRAMFS
	;;
esac

echo "platform,flavour,round,case,ns_per_op,ops" > "$RAW"
start=$(date +%s)
for round in $(seq "$ROUNDS"); do
	for platform in $PLATFORMS; do
		for flavour in "${FLAVOURS[@]}"; do
			"run_$platform" "$flavour" "$round"
		done
	done
done
say "$ROUNDS rounds took $(( $(date +%s) - start ))s"
exec python3 "$REPO/scripts/bench-report.py" "$RAW" "$DIR"

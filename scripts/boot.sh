#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot a flavour's x86_64 kernel under QEMU (TCG, SeaBIOS, 2 CPUs).
# Usage: [ONLY=GLOB] [KUNIT=GLOB] boot.sh ours|stock test|kcsan|demo|shell|bench
#   test   console to a log, judged by results.py into results/boot-FLAVOUR;
#          with ONLY, just the kselftests whose name matches GLOB; with
#          KUNIT, just the KUnit suites matching GLOB (no kselftests)
#   kcsan  the KCSAN kernel runs the KUnit suites (KUNIT narrows them);
#          judged into results/boot-FLAVOUR-kcsan
#   demo   console on the terminal (and a log): the end-to-end demo
#   shell  an interactive busybox shell in the guest
#   bench  the benchmark kernel runs dmabuf-bench once; console to
#          $BENCH_LOG (bench.sh reads the BENCH lines from it)
. "$(dirname "$0")/lib.sh"

FLAVOUR=${1:?usage: boot.sh FLAVOUR MODE}
MODE=${2:?usage: boot.sh FLAVOUR MODE}
KIND=test
GUEST_MODE=$MODE
case "$MODE" in
bench) KIND=bench ;;
kcsan) KIND=kcsan GUEST_MODE=test ;;
esac
IMAGE=$(x86_build_dir "$FLAVOUR" "$KIND")/arch/x86/boot/bzImage
LOG=$OUT/logs/boot-$FLAVOUR-$MODE.log
[ "$MODE" = bench ] && LOG=${BENCH_LOG:-$LOG}
TIMEOUT=${BOOT_TIMEOUT:-1800}
# KUnit suites that the stock guest runs (a kunit.filter_glob): the driver
# patterns, whose _smp suite needs two CPUs.
STOCK_SMP_SUITES='dma_fence_driver_patterns*'
[ -f "$IMAGE" ] || die "no $FLAVOUR kernel at $IMAGE: build it first"
mkdir -p "$OUT/logs"

# INITRAMFS: an image built earlier (bench.sh boots one image many times).
cpio=${INITRAMFS:-$("$REPO/scripts/initramfs.sh")} || die "building the initramfs"
cmdline="console=ttyS0 panic=-1 dmabuf.mode=$GUEST_MODE $(grep -v '^#' "$REPO/scripts/config/cmdline" | tr '\n' ' ')"
case "$MODE" in
test)
	if [ -n "${KUNIT:-}" ]; then
		# Developer loop: only the KUnit suites matching the glob.
		cmdline="$cmdline kunit.filter_glob=$KUNIT dmabuf.only=none dmabuf_selftests.st_filter=none"
	elif [ -n "${ONLY:-}" ]; then
		# Developer loop: only the kselftests whose name matches the
		# glob, no boot-time KUnit or upstream selftests.
		cmdline="$cmdline dmabuf.only=$ONLY kunit.enable=0 dmabuf_selftests.st_filter=none"
	elif [ "$FLAVOUR" = stock ]; then
		# Stock runs its own built-in copy of the upstream selftests:
		# enable the same groups that ours has staged. Our KUnit suites
		# run against stock's code on UML, but UML has one CPU: the
		# suites whose cases need two run here as well.
		cmdline="$cmdline kunit.filter_glob=$STOCK_SMP_SUITES $("$REPO/scripts/conformance.sh" cmdline)"
	fi
	;;
kcsan)
	# KUnit only: no kselftests, no upstream selftests.
	cmdline="$cmdline kunit.filter_glob=${KUNIT:-*} dmabuf.only=none dmabuf_selftests.st_filter=none"
	;;
# Outside test mode, skip the tests that run at every boot: KUnit and
# upstream's built-in selftests (a subtest filter that matches no name).
demo) cmdline="$cmdline quiet kunit.enable=0 dmabuf_selftests.st_filter=none" ;;
shell) cmdline="$cmdline kunit.enable=0 dmabuf_selftests.st_filter=none" ;;
# The benchmark kernel has no tests; quiet keeps its console to the lines
# that matter. The guest is told the TSC's rate instead of calibrating it
# (see host-tsc-khz.c): a failed calibration under TCG leaves it with a
# 4 ms clock.
bench)
	gcc -O2 -o "$OUT/guest/host-tsc-khz" "$REPO/scripts/host-tsc-khz.c"
	cmdline="$cmdline quiet dmabuf.bench_target_ms=${BENCH_TARGET_MS:-200}"
	cmdline="$cmdline tsc_early_khz=$("$OUT/guest/host-tsc-khz") tsc=reliable"
	;;
esac

# One guest at a time: two TCG guests on two cores slow each other down
# until their timeouts fire.
exec 8> "$CACHE/qemu.lock"
flock 8

# Two sockets of one core each: with QEMU's default topology for -smp 2
# (one socket, two cores) SeaBIOS lists only the first CPU of each package
# in the MP table, and this ACPI-less guest would boot with one CPU.
QEMU=(qemu-system-x86_64 -accel tcg -smp 2,sockets=2,cores=1,threads=1 -m 1G -nodefaults -display none
	-no-reboot -kernel "$IMAGE" -initrd "$cpio" -append "$cmdline")

case "$MODE" in
kcsan)
	say "booting $FLAVOUR KCSAN kernel (log: $LOG, timeout ${TIMEOUT}s)"
	start=$(date +%s)
	timeout "$TIMEOUT" "${QEMU[@]}" -serial file:"$LOG" < /dev/null ||
		echo "qemu exited with status $? (124 is the timeout)" >> "$LOG"
	say "$FLAVOUR KCSAN guest ran $(( $(date +%s) - start ))s"
	reset_results "boot-$FLAVOUR-kcsan"
	RESULTS=$RESULTS "$REPO/scripts/results.py" "$LOG" "boot-$FLAVOUR-kcsan" \
		--end-marker DMABUF-GUEST-END \
		--kcsan-objs "$(x86_build_dir "$FLAVOUR" kcsan)/drivers/dma-buf"
	;;
test)
	say "booting $FLAVOUR (test mode, log: $LOG, timeout ${TIMEOUT}s)"
	start=$(date +%s)
	timeout "$TIMEOUT" "${QEMU[@]}" -serial file:"$LOG" < /dev/null ||
		echo "qemu exited with status $? (124 is the timeout)" >> "$LOG"
	say "$FLAVOUR guest ran $(( $(date +%s) - start ))s"
	reset_results "boot-$FLAVOUR"
	st_dir=$OURS/drivers/dma-buf-upstream-st
	[ -n "${ONLY:-}${KUNIT:-}" ] && st_dir=""
	RESULTS=$RESULTS "$REPO/scripts/results.py" "$LOG" "boot-$FLAVOUR" \
		${st_dir:+--st-dir "$st_dir"} --end-marker DMABUF-GUEST-END
	;;
demo)
	timeout "$TIMEOUT" "${QEMU[@]}" -serial stdio < /dev/null | tee "$LOG" |
		grep --line-buffered -v '^DMABUF-GUEST-END'
	grep -q '^dmabuf-demo exited with status 0' "$LOG" || die "the demo failed; see $LOG"
	;;
shell)
	"${QEMU[@]}" -serial mon:stdio
	;;
bench)
	timeout "$TIMEOUT" "${QEMU[@]}" -serial file:"$LOG" < /dev/null ||
		echo "qemu exited with status $? (124 is the timeout)" >> "$LOG"
	grep -q '^dmabuf-bench exited with status 0' "$LOG" ||
		die "dmabuf-bench failed on $FLAVOUR; see $LOG"
	;;
*) die "unknown mode '$MODE'" ;;
esac

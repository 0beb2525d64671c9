#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot a flavour's kernel for $PLATFORM (lib.sh) under QEMU, TCG, 2 CPUs:
# x86_64 on the PC with SeaBIOS, arm64 on the virt board with a device
# tree that declares CMA regions (scripts/config/arm64-dt.dtsi).
# Usage: [PLATFORM=P] [ONLY=GLOB] [KUNIT=GLOB] [SHORT=1] [QEMU_EXTRA=OPTIONS]
#        boot.sh ours|stock MODE
# MODE is one of:
#   test   console to a log, judged by results.py into results/boot-FLAVOUR;
#          with ONLY, just the kselftests whose name matches GLOB; with
#          KUNIT, just the KUnit suites matching GLOB (no kselftests);
#          with SHORT, without upstream's two long suites (LONG_UPSTREAM)
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
IMAGE=$(kernel_build_dir "$FLAVOUR" "$KIND")/$KIMAGE
# Logs and results of x86_64, the first platform, keep their plain names.
SUFFIX=
[ "$PLATFORM" = x86_64 ] || SUFFIX=-$PLATFORM
LOG=$OUT/logs/boot-$FLAVOUR-$MODE$SUFFIX.log
[ "$MODE" = bench ] && LOG=${BENCH_LOG:-$LOG}
# arm64 under TCG runs the same suites at about half x86_64's speed.
TIMEOUT=${BOOT_TIMEOUT:-1800}
[ "$KARCH" = arm64 ] && TIMEOUT=${BOOT_TIMEOUT:-3600}
# KUnit suites that the stock guest runs (a kunit.filter_glob): the driver
# patterns, whose _smp suite needs two CPUs.
STOCK_SMP_SUITES='dma_fence_driver_patterns*'
# SHORT leaves out upstream's two long suites, which make test runs on
# arm64-64k only (see test.sh): its in-kernel selftests, switched off with
# an st_filter that matches nothing (the chain cases signal 4096 links
# back to front, O(n^2) callbacks in 6.12's design and ours), and the
# sync kselftest's stress cases, which LONG_UPSTREAM names. Without them
# the x86_64 ours guest took 347 s instead of 614 s.
LONG_UPSTREAM='upstream-sync.*'
left_out=()
[ -f "$IMAGE" ] || die "no $FLAVOUR kernel at $IMAGE: build it first"
mkdir -p "$OUT/logs"

# One guest at a time: two TCG guests on two cores slow each other down
# until their timeouts fire. The lock also covers building the initramfs,
# whose staging directory all boots of a platform share.
exec 8> "$CACHE/qemu.lock"
flock 8

# INITRAMFS: an image built earlier (bench.sh boots one image many times).
cpio=${INITRAMFS:-$("$REPO/scripts/initramfs.sh")} || die "building the initramfs"
cmdline="panic=-1 dmabuf.mode=$GUEST_MODE $(grep -v '^#' "$REPO/scripts/config/cmdline.$KARCH" | tr '\n' ' ')"
case "$MODE" in
test)
	# The debug kernel under emulation leaves out the KUnit cases marked
	# very slow (they run natively on UML and on the KCSAN guest), and
	# reports them as skipped.
	cmdline="$cmdline kunit.filter=speed>very_slow kunit.filter_action=skip"
	if [ -n "${KUNIT:-}" ]; then
		# Developer loop: only the KUnit suites matching the glob.
		cmdline="$cmdline kunit.filter_glob=$KUNIT dmabuf.only=none dmabuf_selftests.st_filter=none"
	elif [ -n "${ONLY:-}" ]; then
		# Developer loop: only the kselftests whose name matches the
		# glob, no boot-time KUnit or upstream selftests.
		cmdline="$cmdline dmabuf.only=$ONLY kunit.enable=0 dmabuf_selftests.st_filter=none"
	elif [ -n "${SHORT:-}" ]; then
		cmdline="$cmdline dmabuf.skip=$LONG_UPSTREAM dmabuf_selftests.st_filter=none"
		left_out=("upstream in-kernel selftests" "$LONG_UPSTREAM")
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
	cmdline="$cmdline quiet dmabuf.bench_target_ms=${BENCH_TARGET_MS:-200}"
	if [ "$KARCH" = x86_64 ]; then
		gcc -O2 -o "$OUT/guest/host-tsc-khz" "$REPO/scripts/host-tsc-khz.c"
		cmdline="$cmdline tsc_early_khz=$("$OUT/guest/host-tsc-khz") tsc=reliable"
	fi
	;;
esac

case "$KARCH" in
x86_64)
	# Two sockets of one core each: with QEMU's default topology for
	# -smp 2 (one socket, two cores) SeaBIOS lists only the first CPU of
	# each package in the MP table, and this ACPI-less guest would boot
	# with one CPU.
	MACHINE=(qemu-system-x86_64 -accel tcg -smp 2,sockets=2,cores=1,threads=1 -m 1G)
	;;
arm64)
	# pauth-impdef: QEMU's own pointer-authentication hash instead of
	# the architected QARMA, which costs TCG more than the rest of the
	# CPU model. 3 GiB: room for the device tree's four regions.
	MACHINE=(qemu-system-aarch64 -accel tcg -M virt -cpu max,pauth-impdef=on -smp 2 -m 3G)
	;;
esac
# QEMU_EXTRA: more QEMU options, for debugging (say, a monitor socket).
# shellcheck disable=SC2206
QEMU=("${MACHINE[@]}" -nodefaults -display none -no-reboot
	-kernel "$IMAGE" -initrd "$cpio" -append "$cmdline" ${QEMU_EXTRA:-})

# The arm64 device tree: the one QEMU generates for this machine, plus
# the reserved-memory regions of arm64-dt.dtsi.
if [ "$KARCH" = arm64 ]; then
	dtb=$GUEST/virt-cma.dtb
	"${MACHINE[@]}" -machine dumpdtb="$GUEST/virt.dtb" > /dev/null 2>&1 ||
		die "QEMU could not dump its device tree"
	dtc -q -I dtb -O dts -o "$GUEST/virt.dts" "$GUEST/virt.dtb"
	cat "$GUEST/virt.dts" "$REPO/scripts/config/arm64-dt.dtsi" |
		dtc -q -I dts -O dtb -o "$dtb" - || die "compiling $dtb"
	QEMU+=(-dtb "$dtb")
fi

case "$MODE" in
kcsan)
	say "booting $FLAVOUR KCSAN kernel (log: $LOG, timeout ${TIMEOUT}s)"
	start=$(date +%s)
	timeout --foreground "$TIMEOUT" "${QEMU[@]}" -serial file:"$LOG" < /dev/null ||
		echo "qemu exited with status $? (124 is the timeout)" >> "$LOG"
	say "$FLAVOUR KCSAN guest ran $(( $(date +%s) - start ))s"
	reset_results "boot-$FLAVOUR-kcsan$SUFFIX"
	RESULTS=$RESULTS "$REPO/scripts/results.py" "$LOG" "boot-$FLAVOUR-kcsan$SUFFIX" \
		--end-marker DMABUF-GUEST-END \
		--kcsan-objs "$(kernel_build_dir "$FLAVOUR" kcsan)/drivers/dma-buf"
	;;
test)
	say "booting $FLAVOUR (test mode, log: $LOG, timeout ${TIMEOUT}s)"
	start=$(date +%s)
	timeout --foreground "$TIMEOUT" "${QEMU[@]}" -serial file:"$LOG" < /dev/null ||
		echo "qemu exited with status $? (124 is the timeout)" >> "$LOG"
	say "$FLAVOUR guest ran $(( $(date +%s) - start ))s"
	reset_results "boot-$FLAVOUR$SUFFIX"
	st_dir=$OURS/drivers/dma-buf-upstream-st
	[ -n "${ONLY:-}${KUNIT:-}${SHORT:-}" ] && st_dir=""
	stock=
	[ "$FLAVOUR" = stock ] && stock=--stock
	RESULTS=$RESULTS "$REPO/scripts/results.py" "$LOG" "boot-$FLAVOUR$SUFFIX" \
		${st_dir:+--st-dir "$st_dir"} --end-marker DMABUF-GUEST-END $stock
	for suite in "${left_out[@]}"; do
		record "boot-$FLAVOUR$SUFFIX" SKIP "$suite (short run: on arm64-64k only; make test-full runs it here)"
	done
	;;
demo)
	timeout --foreground "$TIMEOUT" "${QEMU[@]}" -serial stdio < /dev/null | tee "$LOG" |
		grep --line-buffered -v '^DMABUF-GUEST-END'
	grep -q '^dmabuf-demo exited with status 0' "$LOG" || die "the demo failed; see $LOG"
	;;
shell)
	"${QEMU[@]}" -serial mon:stdio
	;;
bench)
	timeout --foreground "$TIMEOUT" "${QEMU[@]}" -serial file:"$LOG" < /dev/null ||
		echo "qemu exited with status $? (124 is the timeout)" >> "$LOG"
	grep -q '^dmabuf-bench exited with status 0' "$LOG" ||
		die "dmabuf-bench failed on $FLAVOUR; see $LOG"
	;;
*) die "unknown mode '$MODE'" ;;
esac

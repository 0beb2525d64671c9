// SPDX-License-Identifier: GPL-2.0-only
/*
 * Print this x86 host's TSC frequency in kHz, measured against
 * CLOCK_MONOTONIC_RAW over a quarter of a second.
 *
 * Under QEMU's TCG the guest reads the host's TSC, but it has to calibrate
 * the rate against emulated timers, which often fails there; the guest
 * then falls back to a clock with a resolution of one tick (4 ms), which
 * makes a benchmark meaningless. boot.sh hands the rate measured here to
 * benchmark guests (tsc_early_khz=) so that they never calibrate.
 */
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

static unsigned long long raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int main(void)
{
	struct timespec pause = { 0, 250000000 };
	unsigned long long t0, t1, c0, c1;

	t0 = raw_ns();
	c0 = __rdtsc();
	nanosleep(&pause, NULL);
	t1 = raw_ns();
	c1 = __rdtsc();
	printf("%llu\n", (c1 - c0) * 1000000 / (t1 - t0));
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The in-kernel half of "make bench": micro-benchmarks of the DMA-BUF
 * subsystem's hot paths, written against the public interface only so
 * that one source measures any implementation of it alike.
 */
#ifndef DMA_BUF_BENCH_H
#define DMA_BUF_BENCH_H

#include <linux/types.h>

struct seq_file;

/**
 * struct bench_case - one measured operation
 * @name: the case's name in the output (letters, digits, underscores)
 * @setup: optional; builds what every operation of the case shares. It
 *	stores that in *@state and returns 0 or a negative errno.
 * @run: performs @ops operations and returns the nanoseconds they took,
 *	or a negative errno. Work that only prepares the call (buffers sized
 *	by @ops) is done before the clock starts. The runner makes up a
 *	batch from several calls, each of at most @max_ops operations.
 * @teardown: optional; undoes @setup.
 * @max_ops: most operations per call of @run; 0 for the runner's
 *	default (1024), between which calls it may schedule
 * @arg: the case's size (a fence count, a byte count), so that one set
 *	of functions serves several sizes of the same operation
 */
struct bench_case {
	const char *name;
	int (*setup)(const struct bench_case *bc, void **state);
	s64 (*run)(const struct bench_case *bc, void *state, unsigned long ops);
	void (*teardown)(const struct bench_case *bc, void *state);
	unsigned long max_ops;
	unsigned long arg;
};

extern const struct bench_case bench_fence_cases[];
extern const unsigned int bench_fence_case_count;
extern const struct bench_case bench_buf_cases[];
extern const unsigned int bench_buf_case_count;

int bench_buf_init(void);
void bench_buf_exit(void);

#endif /* DMA_BUF_BENCH_H */

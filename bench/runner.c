// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runner of the in-kernel DMA-BUF benchmarks.
 *
 * Reading <debugfs>/dma_buf_bench/run measures every case and returns one
 * line per case: "<name> <nanoseconds per operation> <operations>". The
 * time is that of the last of a series of growing batches: each batch
 * doubles (or more) until one lasts at least target_us microseconds (a
 * parameter, also writable in /sys/module/dma_buf_bench/parameters), so
 * a case costs about twice the target whatever the machine's speed, and
 * the earlier batches warm the caches and the allocator. A target of 0
 * runs one operation per case: the smoke mode of the test kernels.
 *
 * Booting with dma_buf_bench.run_at_boot=1 measures the same cases once
 * at initcall time and prints the lines to the kernel log with a
 * "dma_buf_bench: BENCH " prefix; that is how the UML run reads them.
 *
 * The cases run in a kernel thread of their own, pinned to the first
 * online CPU. A kernel thread matters for the dma-buf cases: a file it
 * drops is released through the delayed-fput list, which the case can
 * then flush inside its timing. A user task would defer the release to
 * its return to userspace, after the clock has stopped.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "bench.h"

#define BENCH_MAX_OPS		BIT(24)
#define BENCH_CHUNK		1024
#define BENCH_OUTPUT_SIZE	SZ_16K

static bool run_at_boot;
module_param(run_at_boot, bool, 0444);
MODULE_PARM_DESC(run_at_boot, "Measure every case at load time and log the results");

static char *only;
module_param(only, charp, 0644);
MODULE_PARM_DESC(only, "Run only the cases whose name starts with this (default: all)");

static uint target_us = 200000;
module_param(target_us, uint, 0644);
MODULE_PARM_DESC(target_us, "Shortest timed batch per case, in microseconds (0: one operation)");

static DEFINE_MUTEX(bench_lock);
static struct dentry *bench_dir;

/* What a run hands its thread, and what the thread hands back. */
struct bench_run {
	struct seq_file *out;	/* NULL: print to the kernel log */
	char only[32];		/* the prefix filter, copied under the lock */
	u64 target_ns;
	int err;
	struct completion done;
};

static void bench_report(struct bench_run *run, const char *name,
			 u64 ns, unsigned long ops)
{
	/* Picoseconds per operation keep three decimals of nanoseconds. */
	u64 ps = div64_ul(ns * 1000, ops);
	u64 whole = div_u64(ps, 1000);
	u32 frac = ps - whole * 1000;

	if (run->out)
		seq_printf(run->out, "%s %llu.%03u %lu\n", name, whole, frac, ops);
	else
		pr_info("BENCH %s %llu.%03u %lu\n", name, whole, frac, ops);
}

/*
 * The next batch size: enough to reach the target if time grows linearly
 * with the count, plus a margin; never less than double, and never more
 * than sixteen times, since a first operation can be unrepresentatively
 * fast (or faster than the clock can tell).
 */
static unsigned long bench_next_ops(unsigned long ops, u64 ns, u64 target_ns,
				    unsigned long limit)
{
	u64 want = (u64)ops * 16;

	if (ns && div64_u64(target_ns, ns) < 16)
		want = div64_u64(target_ns * ops * 6, ns * 5);
	want = clamp_t(u64, want, (u64)ops * 2, (u64)ops * 16);
	return min_t(u64, want, limit);
}

/*
 * Time one batch of @ops operations, handed to the case in chunks with a
 * chance to schedule between them. On a kernel without preemption (UML) a
 * thread that never schedules holds up every RCU grace period, and memory
 * the cases free through RCU (fences, lists, files) would pile up until
 * the allocator's growth dominated the measurement.
 */
static s64 bench_batch(const struct bench_case *bc, void *state,
		       unsigned long ops)
{
	unsigned long chunk = bc->max_ops ?: BENCH_CHUNK, n;
	s64 ns, total = 0;

	while (ops) {
		n = min(ops, chunk);
		ns = bc->run(bc, state, n);
		if (ns < 0)
			return ns;
		total += ns;
		ops -= n;
		cond_resched();
	}
	return total;
}

static int bench_one(struct bench_run *run, const struct bench_case *bc)
{
	unsigned long limit = BENCH_MAX_OPS;
	unsigned long ops = 1;
	void *state = NULL;
	s64 ns;
	int err;

	if (bc->setup) {
		err = bc->setup(bc, &state);
		if (err) {
			pr_err("%s: setup failed: %d\n", bc->name, err);
			return err;
		}
	}
	for (;;) {
		ns = bench_batch(bc, state, ops);
		if (ns < 0 || (u64)ns >= run->target_ns || ops >= limit)
			break;
		ops = bench_next_ops(ops, ns, run->target_ns, limit);
		cond_resched();
	}
	if (bc->teardown)
		bc->teardown(bc, state);
	if (ns < 0) {
		pr_err("%s: failed after %lu operations: %lld\n", bc->name, ops, ns);
		return ns;
	}
	bench_report(run, bc->name, ns, ops);
	return 0;
}

static int bench_list(struct bench_run *run, const struct bench_case *cases,
		      unsigned int count)
{
	unsigned int i;
	int err;

	for (i = 0; i < count; i++) {
		if (strncmp(cases[i].name, run->only, strlen(run->only)))
			continue;
		err = bench_one(run, &cases[i]);
		if (err)
			return err;
	}
	return 0;
}

static int bench_thread(void *data)
{
	struct bench_run *run = data;

	run->err = bench_list(run, bench_fence_cases, bench_fence_case_count);
	if (!run->err)
		run->err = bench_list(run, bench_buf_cases, bench_buf_case_count);
	complete(&run->done);
	return 0;
}

static int bench_run_all(struct seq_file *out)
{
	struct bench_run run = { .out = out };
	struct task_struct *thread;

	/* Parameters may be rewritten in sysfs at any time: take a copy. */
	kernel_param_lock(THIS_MODULE);
	run.target_ns = (u64)target_us * NSEC_PER_USEC;
	strscpy(run.only, only ?: "");
	kernel_param_unlock(THIS_MODULE);
	init_completion(&run.done);
	thread = kthread_create(bench_thread, &run, "dma_buf_bench");
	if (IS_ERR(thread))
		return PTR_ERR(thread);
	kthread_bind(thread, cpumask_first(cpu_online_mask));
	wake_up_process(thread);
	/* The thread ends by completing; it touches nothing of ours after. */
	wait_for_completion(&run.done);
	return run.err;
}

static int bench_show(struct seq_file *m, void *unused)
{
	int err;

	/* One run at a time: concurrent runs would measure each other. */
	err = mutex_lock_interruptible(&bench_lock);
	if (err)
		return err;
	err = bench_run_all(m);
	mutex_unlock(&bench_lock);
	return err;
}

static int bench_open(struct inode *inode, struct file *file)
{
	/* Big enough for every line: seq_file would rerun a show that overflows. */
	return single_open_size(file, bench_show, NULL, BENCH_OUTPUT_SIZE);
}

static const struct file_operations bench_fops = {
	.owner = THIS_MODULE,
	.open = bench_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static int __init dma_buf_bench_init(void)
{
	int err;

	err = bench_buf_init();
	if (err)
		return err;
	bench_dir = debugfs_create_dir("dma_buf_bench", NULL);
	debugfs_create_file("run", 0400, bench_dir, NULL, &bench_fops);
	if (run_at_boot) {
		mutex_lock(&bench_lock);
		err = bench_run_all(NULL);
		mutex_unlock(&bench_lock);
		pr_info("run at load time finished: %d\n", err);
	}
	return 0;
}
module_init(dma_buf_bench_init);

static void __exit dma_buf_bench_exit(void)
{
	debugfs_remove_recursive(bench_dir);
	bench_buf_exit();
}
module_exit(dma_buf_bench_exit);

MODULE_DESCRIPTION("Micro-benchmarks of the DMA-BUF subsystem");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_heap_errors": DMA_HEAP_IOCTL_ALLOC when the buffer is
 * made but cannot be handed out. With no descriptor left for the caller
 * (its RLIMIT_NOFILE at zero) the ioctl fails with -EMFILE, writes
 * nothing back, and the heap's buffer is released rather than leaked.
 * See dma-heap-kunit.c for how the heap suites work.
 *
 * The limit is lowered on the KUnit thread only: it has a signal struct
 * of its own, while the descriptor table it shares with the other KUnit
 * threads stays as it was.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/dma-heap.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/uaccess.h>
#include <uapi/linux/dma-heap.h>

#include "dma-heap-kunit.h"

static void alloc_without_descriptor_emfile(struct kunit *test)
{
	struct mock_heap *mh = mock_heap_add(test);
	struct file *file = heap_open(test, mh->name);
	struct dma_heap_allocation_data req = { .len = 2 * PAGE_SIZE };
	void __user *u = dmabuf_kunit_user_pages(test, 1);
	unsigned long old;
	long ret;

	KUNIT_ASSERT_EQ(test, copy_to_user(u, &req, sizeof(req)), 0);
	old = set_nofile(0);
	ret = heap_ioctl(file, DMA_HEAP_IOCTL_ALLOC, u);
	set_nofile(old);
	flush_delayed_fput();

	KUNIT_EXPECT_EQ(test, ret, -EMFILE);
	/* The heap made the buffer, which went away with the error. */
	KUNIT_EXPECT_EQ(test, atomic_read(&mh->calls), 1);
	KUNIT_EXPECT_EQ(test, mh->len, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, atomic_read(&mh->released), 1);
	/* Nothing was written back. */
	KUNIT_ASSERT_EQ(test, copy_from_user(&req, u, sizeof(req)), 0);
	KUNIT_EXPECT_EQ(test, req.fd, 0);
	KUNIT_EXPECT_EQ(test, req.len, 2 * PAGE_SIZE);
}

static struct kunit_case dma_heap_errors_cases[] = {
	KUNIT_CASE(alloc_without_descriptor_emfile),
	{}
};

static struct kunit_suite dma_heap_errors_suite = {
	.name = "dma_heap_errors",
	.suite_init = dma_heap_kunit_mount,
	.suite_exit = dma_heap_kunit_unmount,
	.test_cases = dma_heap_errors_cases,
};

kunit_test_suite(dma_heap_errors_suite);

MODULE_DESCRIPTION("KUnit tests for the dma-buf heap framework: descriptor errors");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

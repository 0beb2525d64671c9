// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_heap_ioctl_type": a heap's device node answers only
 * to its own ioctl type. Command number 0 of another driver, whatever
 * its size and direction, is -ENOTTY and never reaches the heap: a
 * program that sends one to the wrong descriptor learns so at once, and
 * allocates nothing by accident. See dma-heap-kunit.c for how the heap
 * suites work.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/dma-heap.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include <uapi/linux/dma-heap.h>

#include "dma-heap-kunit.h"

static void alloc_other_magic_enotty(struct kunit *test)
{
	struct mock_heap *mh = mock_heap_add(test);
	struct file *file = heap_open(test, mh->name);
	struct dma_heap_allocation_data req = { .len = PAGE_SIZE };
	void __user *u = dmabuf_kunit_user_pages(test, 1);
	const unsigned int cmds[] = {
		_IOWR('X', 0, struct dma_heap_allocation_data),
		_IOWR('b', 0, struct dma_heap_allocation_data),
		_IO('T', 0),
	};
	unsigned int i;

	KUNIT_ASSERT_EQ(test, copy_to_user(u, &req, sizeof(req)), 0);
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		KUNIT_EXPECT_EQ_MSG(test, heap_ioctl(file, cmds[i], u), -ENOTTY,
				    "cmd %#x", cmds[i]);
	KUNIT_EXPECT_EQ(test, atomic_read(&mh->calls), 0);
}

static struct kunit_case dma_heap_ioctl_type_cases[] = {
	KUNIT_CASE(alloc_other_magic_enotty),
	{}
};

static struct kunit_suite dma_heap_ioctl_type_suite = {
	.name = "dma_heap_ioctl_type",
	.suite_init = dma_heap_kunit_mount,
	.suite_exit = dma_heap_kunit_unmount,
	.test_cases = dma_heap_ioctl_type_cases,
};

kunit_test_suite(dma_heap_ioctl_type_suite);

MODULE_DESCRIPTION("KUnit tests for the dma-buf heap framework: the ioctl type");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

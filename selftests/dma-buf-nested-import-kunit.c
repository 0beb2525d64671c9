// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_buf_nested_import": DMA_BUF_IOCTL_IMPORT_SYNC_FILE of
 * fence containers nested inside each other. A fence array may hold other
 * arrays and chains; the import flattens them all, so that a reservation
 * object only ever holds leaves. See dma-buf-kunit.c for how the suites
 * work.
 */

#include <kunit/test.h>
#include <linux/module.h>

#include "dma-buf-core-kunit.h"

/*
 * An array of an array, a chain and a leaf, where the chain's link wraps
 * an array of its own. Only the five leaves at the bottom reach the
 * buffer.
 */
static void import_sync_file_of_nested_containers_adds_only_leaves(struct kunit *test)
{
	struct dma_fence *inner[2], *outer[3], *pair[2];

	inner[0] = new_leaf(test);
	inner[1] = new_leaf(test);
	pair[0] = new_leaf(test);
	pair[1] = new_leaf(test);
	outer[0] = new_array(test, 2, inner);
	outer[1] = new_link(test, NULL, new_array(test, 2, pair), 1);
	outer[2] = new_leaf(test);
	expect_import_adds_leaves(test, new_array(test, 3, outer), 5);
}

static struct kunit_case dma_buf_nested_import_cases[] = {
	KUNIT_CASE(import_sync_file_of_nested_containers_adds_only_leaves),
	{}
};

static struct kunit_suite dma_buf_nested_import_suite = {
	.name = "dma_buf_nested_import",
	.test_cases = dma_buf_nested_import_cases,
};

kunit_test_suite(dma_buf_nested_import_suite);

MODULE_DESCRIPTION("KUnit tests of the dma-buf core: importing nested fence containers");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

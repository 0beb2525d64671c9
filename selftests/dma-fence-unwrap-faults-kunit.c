// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_fence_unwrap_faults": dma_fence_unwrap_merge() running
 * out of memory.
 *
 * Each of the merge's two allocations, the list of leaves and the merged
 * array, is refused in turn by redirecting it with a KUnit static stub
 * (see ../dma-buf-kunit-hooks.h): the merge must fail with every
 * reference count where it was, and succeed once memory is back.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/dma-fence.h>
#include <linux/dma-fence-array.h>
#include <linux/dma-fence-unwrap.h>
#include <linux/module.h>

#include "dma-fence-unwrap-kunit.h"
#include "../dma-buf-kunit-hooks.h"

/* Allocations the stand-ins below refused during the running case. */
static unsigned int refused;

/* Replaces the merge's list of leaves: there is no memory left. */
static struct dma_fence **leaf_list_refused(unsigned int count)
{
	refused++;
	return NULL;
}

/* Replaces the memory of every fence array, the merged one included. */
static void *array_mem_refused(size_t bytes)
{
	refused++;
	return NULL;
}

#define FAIL_FENCES	9

/*
 * Merge inputs of every shape while memory is refused at @at_array (the
 * merged array) or else at the list of leaves. The merge must fail with
 * every reference count where it was, and succeed once memory is back.
 */
static void merge_without_memory(struct kunit *test, bool at_array)
{
	u64 ctx = dma_fence_context_alloc(1);
	struct dma_fence *a1 = leaf(test, BARE32, ctx, 1);
	struct dma_fence *a2 = leaf(test, BARE32, ctx, 2);
	struct dma_fence *b = solo(test), *c = solo(test), *d = solo(test);
	struct dma_fence *done = solo_done(test);
	struct dma_fence *pair[] = { b, c };
	struct dma_fence *want[] = { a2, b, c, d };
	struct dma_fence *oldest, *chain, *array, *merged;
	struct dma_fence *every[FAIL_FENCES];
	unsigned int before[FAIL_FENCES], i, drift = 0;

	array = array_of(test, 2, pair);
	oldest = link_onto(test, NULL, a1, 1);
	chain = link_onto(test, oldest, array, 2);
	every[0] = a1;
	every[1] = a2;
	every[2] = b;
	every[3] = c;
	every[4] = d;
	every[5] = done;
	every[6] = array;
	every[7] = oldest;
	every[8] = chain;
	for (i = 0; i < FAIL_FENCES; i++)
		before[i] = refs(every[i]);

	refused = 0;
	if (at_array)
		kunit_activate_static_stub(test, dma_fence_array_alloc_mem,
					   array_mem_refused);
	else
		kunit_activate_static_stub(test, dma_fence_unwrap_alloc_list,
					   leaf_list_refused);
	merged = dma_fence_unwrap_merge(chain, d, a2, done);
	if (merged)	/* keep a broken implementation from leaking */
		dma_fence_put(merged);
	KUNIT_EXPECT_NULL(test, merged);
	KUNIT_EXPECT_EQ(test, refused, 1U);
	for (i = 0; i < FAIL_FENCES; i++)
		drift += refs(every[i]) != before[i];
	KUNIT_EXPECT_EQ_MSG(test, drift, 0, "of %d fences", FAIL_FENCES);

	if (at_array)
		kunit_deactivate_static_stub(test, dma_fence_array_alloc_mem);
	else
		kunit_deactivate_static_stub(test, dma_fence_unwrap_alloc_list);
	merged = owned(test, dma_fence_unwrap_merge(chain, d, a2, done));
	expect_members(test, merged, want, ARRAY_SIZE(want));
}

static void merge_fails_cleanly_without_room_for_leaves(struct kunit *test)
{
	merge_without_memory(test, false);
}

static void merge_fails_cleanly_when_array_creation_fails(struct kunit *test)
{
	merge_without_memory(test, true);
}

static struct kunit_case dma_fence_unwrap_faults_cases[] = {
	KUNIT_CASE(merge_fails_cleanly_without_room_for_leaves),
	KUNIT_CASE(merge_fails_cleanly_when_array_creation_fails),
	{}
};

static struct kunit_suite dma_fence_unwrap_faults_suite = {
	.name = "dma_fence_unwrap_faults",
	.test_cases = dma_fence_unwrap_faults_cases,
};

kunit_test_suite(dma_fence_unwrap_faults_suite);

MODULE_DESCRIPTION("KUnit tests for dma_fence_unwrap merging without memory");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_fence_array_nesting": fence arrays whose members are
 * themselves containers.
 *
 * An array may hold arrays and chains: it signals once the fences inside
 * them have, carries their errors up, and neither signalling nor freeing
 * a deep nest recurses once per level (each level completes from its own
 * irq_work run).
 */

#include <kunit/test.h>
#include <linux/dma-fence.h>
#include <linux/dma-fence-array.h>
#include <linux/dma-fence-chain.h>
#include <linux/module.h>

#include "dma-fence-array-kunit.h"

#define NEST_DEPTH		48

/* An array may hold arrays, one all-of and one signal_on_any here. */
static void nested_arrays_signal_when_their_leaves_do(struct kunit *test)
{
	struct dma_fence **leaf = leaves_new(test, 4, 0);
	struct dma_fence_array *all, *any, *outer;
	struct dma_fence *inner[2];
	struct probe *probe;

	all = array_new(test, leaf, 2, false);
	any = array_new(test, leaf + 2, 2, true);
	inner[0] = &all->base;
	inner[1] = &any->base;
	outer = array_new(test, inner, 2, false);
	probe = probe_attach(test, &outer->base);
	KUNIT_ASSERT_EQ(test, probe->base.added, 0);

	dma_fence_signal(leaf[0]);
	dma_fence_signal(leaf[2]);
	dmabuf_kunit_wait_signalled(test, &any->base, WAIT_BUDGET);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(&outer->base));

	signal_with(leaf[1], -EIO);
	dmabuf_kunit_wait_signalled(test, &outer->base, WAIT_BUDGET);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&all->base), -EIO);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&outer->base), -EIO);
	KUNIT_EXPECT_EQ(test, atomic_read(&probe->base.calls), 1);
	KUNIT_EXPECT_EQ(test, probe->members_done, 2);
}

/*
 * A nest NEST_DEPTH arrays deep, each level holding the one below and a
 * leaf that already completed: the last leaf completes the whole nest, and
 * dropping the top frees every level, without a stack frame per level.
 */
static void deep_nesting_signals_and_frees_without_recursion(struct kunit *test)
{
	struct dma_fence **leaf = leaves_new(test, NEST_DEPTH + 1, 0);
	struct dma_fence *level, *pair[2];
	struct dma_fence_array *array;
	int i;

	array = array_raw(test, leaf, 1, false);
	for (i = 1; i <= NEST_DEPTH; i++) {
		pair[0] = &array->base;
		pair[1] = leaf[i];
		array = array_raw(test, pair, 2, false);
		dma_fence_put(pair[0]);	/* now owned by the next level only */
		dma_fence_signal(leaf[i]);
	}
	level = &array->base;
	dmabuf_kunit_fence_own(test, level);

	dma_fence_enable_sw_signaling(level);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(level));
	dma_fence_signal(leaf[0]);
	dmabuf_kunit_wait_signalled(test, level, WAIT_BUDGET);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(level), 1);

	kunit_release_action(test, dmabuf_kunit_fence_put, level);
	wait_refcount(test, leaf[0], 1);
}

/* An array may hold a chain link, which completes with its whole chain. */
static void array_with_chain_member_follows_the_chain(struct kunit *test)
{
	struct dma_fence **leaf = leaves_new(test, 3, 0);
	struct dma_fence_chain *link = dma_fence_chain_alloc();
	struct dma_fence_array *array;
	struct dma_fence *member[2];

	KUNIT_ASSERT_NOT_NULL(test, link);
	dma_fence_chain_init(link, dma_fence_get(leaf[0]),
			     dma_fence_get(leaf[1]), 1);
	dmabuf_kunit_fence_own(test, &link->base);
	member[0] = &link->base;
	member[1] = leaf[2];
	array = array_new(test, member, 2, false);

	dma_fence_enable_sw_signaling(&array->base);
	dma_fence_signal(leaf[2]);
	dma_fence_signal(leaf[1]);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(&array->base));
	dma_fence_signal(leaf[0]);
	dmabuf_kunit_wait_signalled(test, &array->base, WAIT_BUDGET);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(&link->base));
}

static struct kunit_case dma_fence_array_nesting_cases[] = {
	KUNIT_CASE(nested_arrays_signal_when_their_leaves_do),
	KUNIT_CASE(deep_nesting_signals_and_frees_without_recursion),
	KUNIT_CASE(array_with_chain_member_follows_the_chain),
	{}
};

static struct kunit_suite dma_fence_array_nesting_suite = {
	.name = "dma_fence_array_nesting",
	.test_cases = dma_fence_array_nesting_cases,
};

kunit_test_suite(dma_fence_array_nesting_suite);

MODULE_DESCRIPTION("KUnit tests for dma_fence_array holding containers");
MODULE_LICENSE("GPL");

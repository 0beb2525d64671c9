// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_resv_iter": walking the fences of a struct dma_resv.
 *
 * Covered: the usage classes and which of them a walk returns, the locked
 * walk (signalled fences included, no references taken), the unlocked one
 * (signalled fences skipped, one reference held at a time), and its
 * restart when the writer publishes a new list, against its carrying on
 * across fences appended in place.
 */

#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/module.h>
#include <linux/string.h>

#include "dma-resv-kunit.h"

static const char * const usage_names[] = {
	"kernel", "write", "read", "bookkeep",
};

static void usage_desc(const enum dma_resv_usage *usage, char *desc)
{
	strscpy(desc, usage_names[*usage], KUNIT_PARAM_DESC_SIZE);
}

static const enum dma_resv_usage usage_cases[] = {
	DMA_RESV_USAGE_KERNEL, DMA_RESV_USAGE_WRITE,
	DMA_RESV_USAGE_READ, DMA_RESV_USAGE_BOOKKEEP,
};

KUNIT_ARRAY_PARAM(usage, usage_cases, usage_desc);

/* ------------------------------------------------------------------ */
/* Usage classes and iteration                                         */
/* ------------------------------------------------------------------ */

static void usage_rw_asks_writers_for_reads_and_everyone_for_writes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, dma_resv_usage_rw(false), DMA_RESV_USAGE_WRITE);
	KUNIT_EXPECT_EQ(test, dma_resv_usage_rw(true), DMA_RESV_USAGE_READ);
	KUNIT_EXPECT_LT(test, DMA_RESV_USAGE_KERNEL, DMA_RESV_USAGE_WRITE);
	KUNIT_EXPECT_LT(test, DMA_RESV_USAGE_WRITE, DMA_RESV_USAGE_READ);
	KUNIT_EXPECT_LT(test, DMA_RESV_USAGE_READ, DMA_RESV_USAGE_BOOKKEEP);
}

static void walks_return_classes_up_to_requested_usage(struct kunit *test)
{
	const enum dma_resv_usage *asked = test->param_value;
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f[ALL_USAGES];
	struct snap *locked, *unlocked;
	enum dma_resv_usage u, got;

	for (u = DMA_RESV_USAGE_KERNEL; u <= DMA_RESV_USAGE_BOOKKEEP; u++) {
		f[u] = fence_solo(test);
		resv_add(test, obj, f[u], u);
	}

	locked = snap_locked(test, obj, *asked);
	unlocked = snap_unlocked(test, obj, *asked);
	KUNIT_EXPECT_EQ(test, locked->count, (unsigned int)*asked + 1);
	KUNIT_EXPECT_EQ(test, unlocked->count, (unsigned int)*asked + 1);

	for (u = DMA_RESV_USAGE_KERNEL; u <= DMA_RESV_USAGE_BOOKKEEP; u++) {
		unsigned int want = u <= *asked;

		got = ALL_USAGES;
		KUNIT_EXPECT_EQ(test, snap_find(locked, f[u], &got), want);
		if (want)
			KUNIT_EXPECT_EQ(test, got, u);
		got = ALL_USAGES;
		KUNIT_EXPECT_EQ(test, snap_find(unlocked, f[u], &got), want);
		if (want)
			KUNIT_EXPECT_EQ(test, got, u);
	}

	KUNIT_EXPECT_TRUE(test, locked->restarted[0]);
	KUNIT_EXPECT_TRUE(test, unlocked->restarted[0]);
	if (locked->count > 1)
		KUNIT_EXPECT_FALSE(test, locked->restarted[1]);
	if (unlocked->count > 1)
		KUNIT_EXPECT_FALSE(test, unlocked->restarted[1]);
}

static void locked_walk_reports_signalled_fences_unlocked_walk_skips_them(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *done = fence_solo(test);
	struct dma_fence *busy = fence_solo(test);
	struct snap *locked, *unlocked;

	resv_add(test, obj, done, DMA_RESV_USAGE_WRITE);
	resv_add(test, obj, busy, DMA_RESV_USAGE_WRITE);
	dma_fence_signal(done);

	locked = snap_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP);
	unlocked = snap_unlocked(test, obj, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_EQ(test, snap_find(locked, done, NULL), 1U);
	KUNIT_EXPECT_EQ(test, snap_find(locked, busy, NULL), 1U);
	KUNIT_EXPECT_EQ(test, snap_find(unlocked, done, NULL), 0U);
	KUNIT_EXPECT_EQ(test, snap_find(unlocked, busy, NULL), 1U);
}

static void locked_walk_takes_no_references(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f = fence_solo(test);
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	unsigned int during = 0;

	resv_add(test, obj, f, DMA_RESV_USAGE_KERNEL);
	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	dma_resv_for_each_fence(&cursor, obj, DMA_RESV_USAGE_KERNEL, fence)
		during = refs(fence);
	dma_resv_iter_end(&cursor);	/* allowed, and a no-op here */
	dma_resv_unlock(obj);

	KUNIT_EXPECT_EQ(test, during, 2U);
	KUNIT_EXPECT_EQ(test, refs(f), 2U);
}

static void unlocked_walk_holds_one_reference_until_end(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *a = fence_solo(test);
	struct dma_fence *b = fence_solo(test);
	struct dma_resv_iter cursor;
	struct dma_fence *fence;

	resv_add(test, obj, a, DMA_RESV_USAGE_READ);
	resv_add(test, obj, b, DMA_RESV_USAGE_READ);

	dma_resv_iter_begin(&cursor, obj, DMA_RESV_USAGE_READ);
	fence = dma_resv_iter_first_unlocked(&cursor);
	KUNIT_EXPECT_PTR_EQ(test, fence, a);
	KUNIT_EXPECT_EQ(test, refs(a), 3U);
	fence = dma_resv_iter_next_unlocked(&cursor);
	KUNIT_EXPECT_PTR_EQ(test, fence, b);
	KUNIT_EXPECT_EQ(test, refs(a), 2U);
	KUNIT_EXPECT_EQ(test, refs(b), 3U);
	/* Abandon the walk half way: end must drop the reference. */
	dma_resv_iter_end(&cursor);
	KUNIT_EXPECT_EQ(test, refs(b), 2U);
}

/* ------------------------------------------------------------------ */
/* Restarts of the unlocked walk                                       */
/* ------------------------------------------------------------------ */

static void unlocked_walk_restarts_when_the_list_is_replaced(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f[4];
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	unsigned int i, seen = 0, restarts = 0, steps = 0;
	int err;

	for (i = 0; i < 3; i++) {
		f[i] = fence_solo(test);
		resv_add(test, obj, f[i], DMA_RESV_USAGE_READ);
	}
	f[3] = fence_solo(test);

	dma_resv_iter_begin(&cursor, obj, DMA_RESV_USAGE_READ);
	dma_resv_for_each_fence_unlocked(&cursor, fence) {
		if (dma_resv_iter_is_restarted(&cursor)) {
			restarts++;
			seen = 0;
		}
		for (i = 0; i < ARRAY_SIZE(f); i++)
			if (fence == f[i])
				seen |= BIT(i);
		if (++steps != 2)
			continue;
		/* Mid-walk, make the writer publish a bigger list. */
		err = dma_resv_lock(obj, NULL);
		if (!err) {
			err = dma_resv_reserve_fences(obj, 32);
			if (!err)
				dma_resv_add_fence(obj, f[3],
						   DMA_RESV_USAGE_READ);
			dma_resv_unlock(obj);
		}
		KUNIT_EXPECT_EQ(test, err, 0);
	}
	dma_resv_iter_end(&cursor);

	KUNIT_EXPECT_EQ(test, restarts, 2U);
	KUNIT_EXPECT_EQ(test, seen, 0xfU);
	KUNIT_EXPECT_EQ(test, steps, 2U + 4U);
}

static void unlocked_walk_continues_across_in_place_appends(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f[3];
	struct dma_resv_iter cursor;
	struct dma_fence *first, *second, *third;
	bool restarted = true;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(f); i++)
		f[i] = fence_solo(test);

	/* Hold the lock so that the room reserved stays available. */
	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	err = dma_resv_reserve_fences(obj, 8);
	if (!err) {
		dma_resv_add_fence(obj, f[0], DMA_RESV_USAGE_WRITE);
		dma_resv_add_fence(obj, f[1], DMA_RESV_USAGE_WRITE);
	}
	dma_resv_iter_begin(&cursor, obj, DMA_RESV_USAGE_WRITE);
	first = dma_resv_iter_first_unlocked(&cursor);
	if (!err)
		dma_resv_add_fence(obj, f[2], DMA_RESV_USAGE_WRITE);
	second = dma_resv_iter_next_unlocked(&cursor);
	if (second)
		restarted = dma_resv_iter_is_restarted(&cursor);
	third = dma_resv_iter_next_unlocked(&cursor);
	dma_resv_iter_end(&cursor);
	dma_resv_unlock(obj);

	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_PTR_EQ(test, first, f[0]);
	KUNIT_EXPECT_PTR_EQ(test, second, f[1]);
	KUNIT_EXPECT_FALSE(test, restarted);
	/* The walk covers what was there when it started. */
	KUNIT_EXPECT_NULL(test, third);
	KUNIT_EXPECT_EQ(test, snap_unlocked(test, obj,
					    DMA_RESV_USAGE_WRITE)->count, 3U);
}

static struct kunit_case dma_resv_iter_cases[] = {
	KUNIT_CASE(usage_rw_asks_writers_for_reads_and_everyone_for_writes),
	KUNIT_CASE_PARAM(walks_return_classes_up_to_requested_usage,
			 usage_gen_params),
	KUNIT_CASE(locked_walk_reports_signalled_fences_unlocked_walk_skips_them),
	KUNIT_CASE(locked_walk_takes_no_references),
	KUNIT_CASE(unlocked_walk_holds_one_reference_until_end),
	KUNIT_CASE(unlocked_walk_restarts_when_the_list_is_replaced),
	KUNIT_CASE(unlocked_walk_continues_across_in_place_appends),
	{}
};

static struct kunit_suite dma_resv_iter_suite = {
	.name = "dma_resv_iter",
	.test_cases = dma_resv_iter_cases,
};

kunit_test_suite(dma_resv_iter_suite);

MODULE_DESCRIPTION("KUnit tests for walking dma_resv reservation objects");
MODULE_LICENSE("GPL");

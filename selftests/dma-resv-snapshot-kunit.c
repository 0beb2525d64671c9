// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_resv_snapshot": taking the fences out of a struct
 * dma_resv.
 *
 * Covered: dma_resv_get_fences() (referenced, unsignalled fences of the
 * classes asked for), dma_resv_get_singleton() with none, one and many
 * fences (the last merged into a fence array of its own context), and
 * dma_resv_copy_fences() from a full and from an empty source.
 */

#include <kunit/test.h>
#include <linux/dma-fence-array.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/module.h>

#include "dma-resv-kunit.h"

/* ------------------------------------------------------------------ */
/* Snapshots, merging and copying                                      */
/* ------------------------------------------------------------------ */

static bool array_has(struct dma_fence **fences, unsigned int n,
		      struct dma_fence *fence)
{
	while (n--)
		if (fences[n] == fence)
			return true;
	return false;
}

static void get_fences_returns_referenced_unsignalled_fences(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *kernel = fence_solo(test);
	struct dma_fence *write = fence_solo(test);
	struct dma_fence *done = fence_solo(test);
	struct dma_fence *book = fence_solo(test);
	struct dma_fence **fences;
	unsigned int n;

	resv_add(test, obj, kernel, DMA_RESV_USAGE_KERNEL);
	resv_add(test, obj, write, DMA_RESV_USAGE_WRITE);
	resv_add(test, obj, done, DMA_RESV_USAGE_WRITE);
	resv_add(test, obj, book, DMA_RESV_USAGE_BOOKKEEP);
	dma_fence_signal(done);

	KUNIT_ASSERT_EQ(test, dma_resv_get_fences(obj, DMA_RESV_USAGE_READ,
						  &n, &fences), 0);
	KUNIT_EXPECT_EQ(test, n, 2U);
	KUNIT_EXPECT_TRUE(test, array_has(fences, n, kernel));
	KUNIT_EXPECT_TRUE(test, array_has(fences, n, write));
	KUNIT_EXPECT_EQ(test, refs(kernel), 3U);
	put_array(fences, n);
	KUNIT_EXPECT_EQ(test, refs(kernel), 2U);

	KUNIT_ASSERT_EQ(test, dma_resv_get_fences(obj, DMA_RESV_USAGE_BOOKKEEP,
						  &n, &fences), 0);
	KUNIT_EXPECT_EQ(test, n, 3U);
	KUNIT_EXPECT_TRUE(test, array_has(fences, n, book));
	put_array(fences, n);
}

static void get_singleton_without_fences_returns_null(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *done = fence_solo(test);
	struct dma_fence *fence = done;

	resv_add(test, obj, done, DMA_RESV_USAGE_WRITE);
	dma_fence_signal(done);
	KUNIT_EXPECT_EQ(test, dma_resv_get_singleton(obj, DMA_RESV_USAGE_READ,
						     &fence), 0);
	KUNIT_EXPECT_NULL(test, fence);
}

static void get_singleton_of_one_fence_returns_that_fence(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f = fence_solo(test);
	struct dma_fence *other = fence_solo(test);
	struct dma_fence *fence = NULL;

	resv_add(test, obj, f, DMA_RESV_USAGE_WRITE);
	resv_add(test, obj, other, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_ASSERT_EQ(test, dma_resv_get_singleton(obj, DMA_RESV_USAGE_READ,
						     &fence), 0);
	KUNIT_EXPECT_PTR_EQ(test, fence, f);
	KUNIT_EXPECT_EQ(test, refs(f), 3U);
	dma_fence_put(fence);
}

static void get_singleton_of_many_fences_signals_after_all(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f[3];
	struct dma_fence *single = NULL;
	struct dma_fence_array *array;
	unsigned int i;
	long ret;

	for (i = 0; i < ARRAY_SIZE(f); i++) {
		f[i] = fence_solo(test);
		resv_add(test, obj, f[i], i);
	}

	KUNIT_ASSERT_EQ(test, dma_resv_get_singleton(obj, DMA_RESV_USAGE_READ,
						     &single), 0);
	KUNIT_ASSERT_NOT_NULL(test, single);
	dmabuf_kunit_fence_own(test, single);

	KUNIT_EXPECT_TRUE(test, dma_fence_is_array(single));
	array = to_dma_fence_array(single);
	KUNIT_ASSERT_NOT_NULL(test, array);
	KUNIT_EXPECT_EQ(test, array->num_fences, 3U);
	for (i = 0; i < ARRAY_SIZE(f); i++)
		KUNIT_EXPECT_TRUE(test, array_has(array->fences,
						  array->num_fences, f[i]));
	for (i = 0; i < ARRAY_SIZE(f); i++)
		KUNIT_EXPECT_NE(test, single->context, f[i]->context);

	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(single));
	dma_fence_signal(f[0]);
	dma_fence_signal(f[2]);
	KUNIT_EXPECT_EQ(test, dma_fence_wait_timeout(single, false, 0), 0);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(single));
	dma_fence_signal(f[1]);
	ret = dma_fence_wait_timeout(single, false, LONG_WAIT);
	KUNIT_EXPECT_GT(test, ret, 0L);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(single));
}

static void copy_fences_replaces_destination_with_unsignalled_source(struct kunit *test)
{
	struct dma_resv *src = resv_new(test);
	struct dma_resv *dst = resv_new(test);
	struct dma_fence *f[ALL_USAGES];
	struct dma_fence *done = fence_solo(test);
	struct dma_fence *stale = fence_solo(test);
	enum dma_resv_usage u, got;
	struct snap *s;
	int err;

	for (u = DMA_RESV_USAGE_KERNEL; u <= DMA_RESV_USAGE_BOOKKEEP; u++) {
		f[u] = fence_solo(test);
		resv_add(test, src, f[u], u);
	}
	resv_add(test, src, done, DMA_RESV_USAGE_READ);
	dma_fence_signal(done);
	resv_add(test, dst, stale, DMA_RESV_USAGE_KERNEL);

	KUNIT_ASSERT_EQ(test, dma_resv_lock(dst, NULL), 0);
	err = dma_resv_copy_fences(dst, src);
	dma_resv_unlock(dst);
	KUNIT_ASSERT_EQ(test, err, 0);

	s = snap_locked(test, dst, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_EQ(test, s->count, (unsigned int)ALL_USAGES);
	for (u = DMA_RESV_USAGE_KERNEL; u <= DMA_RESV_USAGE_BOOKKEEP; u++) {
		got = ALL_USAGES;
		KUNIT_EXPECT_EQ(test, snap_find(s, f[u], &got), 1U);
		KUNIT_EXPECT_EQ(test, got, u);
		KUNIT_EXPECT_EQ(test, refs(f[u]), 3U);
	}
	KUNIT_EXPECT_EQ(test, snap_find(s, done, NULL), 0U);
	KUNIT_EXPECT_EQ(test, refs(stale), 1U);
}

static void copy_fences_from_empty_source_empties_destination(struct kunit *test)
{
	struct dma_resv *src = resv_new(test);
	struct dma_resv *dst = resv_new(test);
	struct dma_fence *stale = fence_solo(test);
	int err;

	resv_add(test, dst, stale, DMA_RESV_USAGE_WRITE);
	KUNIT_ASSERT_EQ(test, dma_resv_lock(dst, NULL), 0);
	err = dma_resv_copy_fences(dst, src);
	dma_resv_unlock(dst);

	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, count_locked(test, dst, DMA_RESV_USAGE_BOOKKEEP),
			0U);
	KUNIT_EXPECT_EQ(test, refs(stale), 1U);
}

static struct kunit_case dma_resv_snapshot_cases[] = {
	KUNIT_CASE(get_fences_returns_referenced_unsignalled_fences),
	KUNIT_CASE(get_singleton_without_fences_returns_null),
	KUNIT_CASE(get_singleton_of_one_fence_returns_that_fence),
	KUNIT_CASE(get_singleton_of_many_fences_signals_after_all),
	KUNIT_CASE(copy_fences_replaces_destination_with_unsignalled_source),
	KUNIT_CASE(copy_fences_from_empty_source_empties_destination),
	{}
};

static struct kunit_suite dma_resv_snapshot_suite = {
	.name = "dma_resv_snapshot",
	.test_cases = dma_resv_snapshot_cases,
};

kunit_test_suite(dma_resv_snapshot_suite);

MODULE_DESCRIPTION("KUnit tests for snapshots of dma_resv reservation objects");
MODULE_LICENSE("GPL");

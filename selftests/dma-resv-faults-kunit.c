// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_resv_faults": a struct dma_resv whose allocations fail.
 *
 * Covered: reserving, snapshotting, merging into a singleton and copying
 * while memory runs out, each allocation refused by redirecting it with a
 * KUnit static stub (see ../dma-buf-kunit-hooks.h): every failure leaves
 * the objects and the fences' references as they were, and the same
 * calls succeed once memory is back. Also requests for more fences than
 * any list can hold, which fail the same way without asking for memory.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/dma-fence-array.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/limits.h>
#include <linux/module.h>

#include "dma-resv-kunit.h"
#include "../dma-buf-kunit-hooks.h"

/* ------------------------------------------------------------------ */
/* Counts no list can hold                                             */
/* ------------------------------------------------------------------ */

/*
 * No list can hold UINT_MAX fences, nor one more than it already has:
 * both requests fail with -ENOMEM, neither truncated to a count that fits
 * nor passed on to an allocator that would warn about its size. The
 * object carries on as before and loses none of its fences.
 */
static void reserve_of_absurd_count_fails_with_enomem(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f = fence_solo(test);
	struct dma_fence *g = fence_solo(test);
	int too_big, wraps, sane_first, sane_second;

	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	too_big = dma_resv_reserve_fences(obj, UINT_MAX);
	sane_first = dma_resv_reserve_fences(obj, 1);
	if (!sane_first)
		dma_resv_add_fence(obj, f, DMA_RESV_USAGE_WRITE);
	dma_resv_unlock(obj);

	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	wraps = dma_resv_reserve_fences(obj, UINT_MAX);
	sane_second = dma_resv_reserve_fences(obj, 1);
	if (!sane_second)
		dma_resv_add_fence(obj, g, DMA_RESV_USAGE_READ);
	dma_resv_unlock(obj);

	KUNIT_EXPECT_EQ(test, too_big, -ENOMEM);
	KUNIT_EXPECT_EQ(test, wraps, -ENOMEM);
	KUNIT_EXPECT_EQ(test, sane_first, 0);
	KUNIT_EXPECT_EQ(test, sane_second, 0);
	/* Nothing was lost on the way. */
	KUNIT_EXPECT_EQ(test, count_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP),
			2U);
	KUNIT_EXPECT_EQ(test, refs(f), 2U);
	KUNIT_EXPECT_EQ(test, refs(g), 2U);
}

/* ------------------------------------------------------------------ */
/* Running out of memory                                               */
/* ------------------------------------------------------------------ */

struct refusal_row {
	const char *name;
	bool at_array;	/* refuse the merged array, else the snapshot */
};

static const struct refusal_row refusal_rows[] = {
	{ "snapshot refused", false },
	{ "fence array refused", true },
};

KUNIT_ARRAY_PARAM_DESC(refusal, refusal_rows, name);

/* Allocations the stand-ins below refused during the running case. */
static unsigned int refused;

/* Replaces the fence lists: there is no memory left. */
static struct dma_resv_list *list_refused(unsigned int want, gfp_t gfp)
{
	refused++;
	return NULL;
}

/* Replaces the array of dma_resv_get_fences(); krealloc() keeps the old. */
static struct dma_fence **snapshot_refused(struct dma_fence **fences,
					   unsigned int count)
{
	refused++;
	return NULL;
}

/* Replaces the memory of every fence array. */
static void *array_mem_refused(size_t bytes)
{
	refused++;
	return NULL;
}

static void refuse_lists(struct kunit *test)
{
	refused = 0;
	kunit_activate_static_stub(test, dma_resv_list_new, list_refused);
}

static void reserve_without_memory_keeps_the_fences_it_has(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *w = fence_solo(test);
	struct dma_fence *r = fence_solo(test);
	struct dma_fence *late = fence_solo(test);
	enum dma_resv_usage got;
	struct snap *s;
	int failed, again;

	resv_add(test, obj, w, DMA_RESV_USAGE_WRITE);
	resv_add(test, obj, r, DMA_RESV_USAGE_READ);

	refuse_lists(test);
	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	failed = dma_resv_reserve_fences(obj, 64);	/* must grow */
	dma_resv_unlock(obj);
	kunit_deactivate_static_stub(test, dma_resv_list_new);

	KUNIT_EXPECT_EQ(test, failed, -ENOMEM);
	KUNIT_EXPECT_GE(test, refused, 1U);
	s = snap_unlocked(test, obj, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_EQ(test, s->count, 2U);
	got = ALL_USAGES;
	KUNIT_EXPECT_EQ(test, snap_find(s, w, &got), 1U);
	KUNIT_EXPECT_EQ(test, got, DMA_RESV_USAGE_WRITE);
	got = ALL_USAGES;
	KUNIT_EXPECT_EQ(test, snap_find(s, r, &got), 1U);
	KUNIT_EXPECT_EQ(test, got, DMA_RESV_USAGE_READ);
	KUNIT_EXPECT_EQ(test, refs(w), 2U);
	KUNIT_EXPECT_EQ(test, refs(r), 2U);

	/* With memory back, the same object reserves and adds as usual. */
	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	again = dma_resv_reserve_fences(obj, 64);
	if (!again)
		dma_resv_add_fence(obj, late, DMA_RESV_USAGE_KERNEL);
	dma_resv_unlock(obj);

	KUNIT_EXPECT_EQ(test, again, 0);
	KUNIT_EXPECT_EQ(test, count_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP),
			3U);
	KUNIT_EXPECT_EQ(test, count_locked(test, obj, DMA_RESV_USAGE_KERNEL),
			1U);
	KUNIT_EXPECT_EQ(test, refs(late), 2U);
	KUNIT_EXPECT_EQ(test, refs(w), 2U);
}

static void reserve_without_memory_leaves_new_object_empty(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f = fence_solo(test);
	int failed;

	refuse_lists(test);
	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	failed = dma_resv_reserve_fences(obj, 1);
	dma_resv_unlock(obj);
	kunit_deactivate_static_stub(test, dma_resv_list_new);

	KUNIT_EXPECT_EQ(test, failed, -ENOMEM);
	KUNIT_EXPECT_EQ(test, refused, 1U);
	KUNIT_EXPECT_EQ(test, count_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP),
			0U);
	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(obj,
						       DMA_RESV_USAGE_BOOKKEEP));

	resv_add(test, obj, f, DMA_RESV_USAGE_WRITE);
	KUNIT_EXPECT_EQ(test, count_locked(test, obj, DMA_RESV_USAGE_WRITE),
			1U);
	KUNIT_EXPECT_EQ(test, refs(f), 2U);
}

static void get_fences_without_memory_hands_out_nothing(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *a = fence_solo(test);
	struct dma_fence *b = fence_solo(test);
	struct dma_fence **fences = NULL;
	unsigned int n = 0;
	int err;

	resv_add(test, obj, a, DMA_RESV_USAGE_WRITE);
	resv_add(test, obj, b, DMA_RESV_USAGE_READ);

	refused = 0;
	kunit_activate_static_stub(test, dma_resv_fences_resize,
				   snapshot_refused);
	err = dma_resv_get_fences(obj, DMA_RESV_USAGE_READ, &n, &fences);

	KUNIT_EXPECT_EQ(test, err, -ENOMEM);
	KUNIT_EXPECT_EQ(test, refused, 1U);
	KUNIT_EXPECT_EQ(test, n, 0U);
	KUNIT_EXPECT_NULL(test, fences);
	if (fences)	/* keep a broken implementation from leaking */
		put_array(fences, n);
	KUNIT_EXPECT_EQ(test, refs(a), 2U);
	KUNIT_EXPECT_EQ(test, refs(b), 2U);
}

/*
 * dma_resv_get_singleton() of three fences allocates twice: the snapshot,
 * then the array that stands for it. Either failing must leave no
 * reference behind.
 */
static void get_singleton_without_memory_drops_what_it_took(struct kunit *test)
{
	const struct refusal_row *row = test->param_value;
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *single = NULL;
	struct dma_fence *f[3];
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(f); i++) {
		f[i] = fence_solo(test);
		resv_add(test, obj, f[i], i);
	}

	refused = 0;
	if (row->at_array)
		kunit_activate_static_stub(test, dma_fence_array_alloc_mem,
					   array_mem_refused);
	else
		kunit_activate_static_stub(test, dma_resv_fences_resize,
					   snapshot_refused);
	err = dma_resv_get_singleton(obj, DMA_RESV_USAGE_READ, &single);
	if (!err && single)	/* keep a broken implementation from leaking */
		dma_fence_put(single);

	KUNIT_EXPECT_EQ(test, err, -ENOMEM);
	KUNIT_EXPECT_EQ(test, refused, 1U);
	for (i = 0; i < ARRAY_SIZE(f); i++)
		KUNIT_EXPECT_EQ_MSG(test, refs(f[i]), 2U, "fence %u", i);
}

static void copy_without_memory_leaves_destination_unchanged(struct kunit *test)
{
	struct dma_resv *src = resv_new(test);
	struct dma_resv *dst = resv_new(test);
	struct dma_fence *a = fence_solo(test);
	struct dma_fence *b = fence_solo(test);
	struct dma_fence *stale = fence_solo(test);
	enum dma_resv_usage got;
	struct snap *s;
	int err;

	resv_add(test, src, a, DMA_RESV_USAGE_WRITE);
	resv_add(test, src, b, DMA_RESV_USAGE_BOOKKEEP);
	resv_add(test, dst, stale, DMA_RESV_USAGE_KERNEL);

	refuse_lists(test);
	KUNIT_ASSERT_EQ(test, dma_resv_lock(dst, NULL), 0);
	err = dma_resv_copy_fences(dst, src);
	dma_resv_unlock(dst);
	kunit_deactivate_static_stub(test, dma_resv_list_new);

	KUNIT_EXPECT_EQ(test, err, -ENOMEM);
	KUNIT_EXPECT_EQ(test, refused, 1U);
	s = snap_locked(test, dst, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_EQ(test, s->count, 1U);
	got = ALL_USAGES;
	KUNIT_EXPECT_EQ(test, snap_find(s, stale, &got), 1U);
	KUNIT_EXPECT_EQ(test, got, DMA_RESV_USAGE_KERNEL);
	KUNIT_EXPECT_EQ(test, refs(stale), 2U);
	KUNIT_EXPECT_EQ(test, refs(a), 2U);
	KUNIT_EXPECT_EQ(test, refs(b), 2U);
	KUNIT_EXPECT_EQ(test, count_locked(test, src, DMA_RESV_USAGE_BOOKKEEP),
			2U);

	/* With memory back the copy goes through. */
	KUNIT_ASSERT_EQ(test, dma_resv_lock(dst, NULL), 0);
	err = dma_resv_copy_fences(dst, src);
	dma_resv_unlock(dst);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, count_locked(test, dst, DMA_RESV_USAGE_BOOKKEEP),
			2U);
	KUNIT_EXPECT_EQ(test, refs(stale), 1U);
}

static struct kunit_case dma_resv_faults_cases[] = {
	KUNIT_CASE(reserve_of_absurd_count_fails_with_enomem),
	KUNIT_CASE(reserve_without_memory_keeps_the_fences_it_has),
	KUNIT_CASE(reserve_without_memory_leaves_new_object_empty),
	KUNIT_CASE(get_fences_without_memory_hands_out_nothing),
	KUNIT_CASE_PARAM(get_singleton_without_memory_drops_what_it_took,
			 refusal_gen_params),
	KUNIT_CASE(copy_without_memory_leaves_destination_unchanged),
	{}
};

static struct kunit_suite dma_resv_faults_suite = {
	.name = "dma_resv_faults",
	.test_cases = dma_resv_faults_cases,
};

kunit_test_suite(dma_resv_faults_suite);

MODULE_DESCRIPTION("KUnit tests for dma_resv reservation objects running out of memory");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

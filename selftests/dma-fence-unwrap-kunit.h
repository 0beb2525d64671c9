/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the dma_fence_unwrap KUnit suites (dma-fence-unwrap-*kunit.c):
 * bare leaf fences on mock timelines, the arrays and chains built on top
 * of them, and the checks on what a merge returns. Each suite is a module
 * of its own, hence static inline.
 *
 * Every fence a case creates goes to a cleanup action that signals it if
 * it is still pending and then drops the case's reference: arrays and
 * chains built on top hold callbacks and references of their own, and
 * only signalling lets them go. Nothing waits without sleeping, so the
 * suites behave on UML, and no check bounds how long anything takes.
 */
#ifndef DMA_FENCE_UNWRAP_KUNIT_H
#define DMA_FENCE_UNWRAP_KUNIT_H

#include <kunit/test.h>
#include <linux/dma-fence.h>
#include <linux/dma-fence-array.h>
#include <linux/dma-fence-chain.h>
#include <linux/kref.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "dmabuf-kunit.h"

/* One lock for every leaf of the unwrap suites, as a driver ring would. */
static DEFINE_SPINLOCK(mock_lock);

/* Leaves with nothing but the names: the core's defaults do the rest. */
#define BARE32		DMABUF_KUNIT_LEAF_BARE
#define BARE64		(DMABUF_KUNIT_LEAF_BARE | DMABUF_KUNIT_LEAF_SEQNO64)

/* A new pending bare leaf of @flags on the shared lock, or NULL. */
static inline struct dma_fence *mock_alloc(unsigned int flags, u64 context,
					   u64 seqno)
{
	return dmabuf_kunit_leaf_create(flags, &mock_lock, context, seqno);
}

/* A pending leaf fence; the case's reference is dropped when it ends. */
static inline struct dma_fence *leaf(struct kunit *test, unsigned int flags,
				     u64 context, u64 seqno)
{
	return dmabuf_kunit_fence_adopt(test, mock_alloc(flags, context, seqno));
}

/* A leaf on a timeline of its own. */
static inline struct dma_fence *solo(struct kunit *test)
{
	return leaf(test, BARE32, dma_fence_context_alloc(1), 1);
}

/* A leaf on a timeline of its own that has already completed. */
static inline struct dma_fence *solo_done(struct kunit *test)
{
	struct dma_fence *fence = solo(test);

	dma_fence_signal(fence);
	return fence;
}

/* Hand a reference the case holds to the cleanup. */
static inline struct dma_fence *owned(struct kunit *test,
				      struct dma_fence *fence)
{
	return dmabuf_kunit_fence_own(test, fence);
}

/* A fence array over @fences; the members keep their own references. */
static inline struct dma_fence *array_of(struct kunit *test,
					 unsigned int count,
					 struct dma_fence **fences)
{
	struct dma_fence_array *array;
	struct dma_fence **members;
	unsigned int i;

	members = kmalloc_array(count, sizeof(*members), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, members);
	for (i = 0; i < count; i++)
		members[i] = dma_fence_get(fences[i]);

	array = dma_fence_array_create(count, members,
				       dma_fence_context_alloc(1), 1, false);
	if (!array) {
		for (i = 0; i < count; i++)
			dma_fence_put(members[i]);
		kfree(members);
	}
	KUNIT_ASSERT_NOT_NULL(test, array);
	return owned(test, &array->base);
}

/* A chain link wrapping @fence on top of @prev (NULL starts a chain). */
static inline struct dma_fence *link_onto(struct kunit *test,
					  struct dma_fence *prev,
					  struct dma_fence *fence, u64 seqno)
{
	struct dma_fence_chain *link = dma_fence_chain_alloc();

	KUNIT_ASSERT_NOT_NULL(test, link);
	dma_fence_chain_init(link, dma_fence_get(prev), dma_fence_get(fence),
			     seqno);
	return owned(test, &link->base);
}

static inline unsigned int refs(struct dma_fence *fence)
{
	return kref_read(&fence->refcount);
}

static inline int by_address(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(struct dma_fence * const *)a;
	uintptr_t y = (uintptr_t)*(struct dma_fence * const *)b;

	if (x == y)
		return 0;
	return x < y ? -1 : 1;
}

/* @got and @want hold the same fences, in any order. Sorts both. */
static inline void expect_same_set(struct kunit *test, struct dma_fence **got,
				   struct dma_fence **want, unsigned int count)
{
	unsigned int i, wrong = 0;

	sort(got, count, sizeof(*got), by_address, NULL);
	sort(want, count, sizeof(*want), by_address, NULL);
	for (i = 0; i < count; i++)
		wrong += got[i] != want[i];
	KUNIT_EXPECT_EQ_MSG(test, wrong, 0, "of %u fences", count);
}

/*
 * @merged must be a flat fence array holding exactly the @count fences in
 * @want, in any order (@want gets sorted).
 */
static inline void expect_members(struct kunit *test, struct dma_fence *merged,
				  struct dma_fence **want, unsigned int count)
{
	struct dma_fence_array *array = to_dma_fence_array(merged);
	struct dma_fence **got;
	unsigned int i, nested = 0;

	KUNIT_ASSERT_NOT_NULL(test, array);
	KUNIT_ASSERT_EQ(test, array->num_fences, count);
	for (i = 0; i < count; i++)
		nested += dma_fence_is_container(array->fences[i]);
	KUNIT_EXPECT_EQ(test, nested, 0);

	got = kunit_kmalloc_array(test, count, sizeof(*got), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, got);
	memcpy(got, array->fences, count * sizeof(*got));
	expect_same_set(test, got, want, count);
}

#endif /* DMA_FENCE_UNWRAP_KUNIT_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the dma_resv KUnit suites (dma-resv-*kunit.c): the fences they
 * put into reservation objects, objects that go away with the case, and
 * the views of an object's fence list that the cases compare. Each suite
 * is a module of its own, hence static inline.
 *
 * UML never preempts kernel code, so every loop that runs alongside other
 * threads sleeps or reschedules. The x86_64 guest is an emulated SMP
 * machine with KASAN and lockdep, so races are bounded in time and nothing
 * checks how long something took.
 */
#ifndef DMA_RESV_KUNIT_H
#define DMA_RESV_KUNIT_H

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "dmabuf-kunit.h"

/* How long a case waits for one of its threads before calling it stuck. */
#define THREAD_GRACE		(60 * HZ)
/* Budget of waits that are expected to run out. */
#define SHORT_WAIT		msecs_to_jiffies(20)
/* Budget of waits that something else is expected to end. */
#define LONG_WAIT		(30 * HZ)
/* Time budget of each race. */
#define RACE_BUDGET		HZ

#define ALL_USAGES		4
#define SNAP_MAX		16

/* ------------------------------------------------------------------ */
/* Test fences                                                         */
/* ------------------------------------------------------------------ */

/* Whether @fence looks like a live fence made by these suites. */
static inline bool fence_sane(struct dma_fence *fence)
{
	if (!fence)
		return false;
	if (!dmabuf_kunit_is_leaf(fence))
		return false;
	return kref_read(&fence->refcount) > 0;
}

/*
 * A leaf of @flags (32-bit seqnos that wrap unless DMABUF_KUNIT_LEAF_SEQNO64)
 * whose reference the case drops, after signalling it, when it ends.
 */
static inline struct dma_fence *fence_new_flags(struct kunit *test,
						unsigned int flags,
						u64 context, u64 seqno)
{
	struct dma_fence *fence = dmabuf_kunit_leaf_create(flags, NULL, context,
							   seqno);

	return dmabuf_kunit_fence_adopt(test, fence);
}

static inline struct dma_fence *fence_new(struct kunit *test, u64 context,
					  u64 seqno)
{
	return fence_new_flags(test, 0, context, seqno);
}

/* A fence on a timeline of its own. */
static inline struct dma_fence *fence_solo(struct kunit *test)
{
	return fence_new(test, dma_fence_context_alloc(1), 1);
}

static inline unsigned int refs(struct dma_fence *fence)
{
	return kref_read(&fence->refcount);
}

/* Drop the references of a dma_resv_get_fences() snapshot, then free it. */
static inline void put_array(struct dma_fence **fences, unsigned int n)
{
	while (n--)
		dma_fence_put(fences[n]);
	kfree(fences);
}

/* ------------------------------------------------------------------ */
/* Reservation objects                                                 */
/* ------------------------------------------------------------------ */

static inline void resv_release(void *data)
{
	dma_resv_fini(data);
}

static inline struct dma_resv *resv_new(struct kunit *test)
{
	struct dma_resv *obj = kunit_kzalloc(test, sizeof(*obj), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, obj);
	dma_resv_init(obj);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, resv_release,
							obj), 0);
	return obj;
}

/* Lock, reserve one slot, add, unlock: what a well-behaved driver does. */
static inline void resv_add(struct kunit *test, struct dma_resv *obj,
			    struct dma_fence *fence, enum dma_resv_usage usage)
{
	int err;

	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	err = dma_resv_reserve_fences(obj, 1);
	if (!err)
		dma_resv_add_fence(obj, fence, usage);
	dma_resv_unlock(obj);
	KUNIT_ASSERT_EQ(test, err, 0);
}

/* What a locked walk reports, in order. */
struct snap {
	unsigned int count;
	struct dma_fence *fence[SNAP_MAX];
	enum dma_resv_usage usage[SNAP_MAX];
	bool restarted[SNAP_MAX];
};

static inline struct snap *snap_locked(struct kunit *test,
				       struct dma_resv *obj,
				       enum dma_resv_usage usage)
{
	struct snap *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	unsigned int total = 0;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	dma_resv_for_each_fence(&cursor, obj, usage, fence) {
		if (s->count < SNAP_MAX) {
			s->fence[s->count] = fence;
			s->usage[s->count] = dma_resv_iter_usage(&cursor);
			s->restarted[s->count] =
				dma_resv_iter_is_restarted(&cursor);
			s->count++;
		}
		total++;
	}
	dma_resv_unlock(obj);
	KUNIT_ASSERT_LE(test, total, SNAP_MAX);
	return s;
}

/* What a complete unlocked walk reports since its last restart. */
static inline struct snap *snap_unlocked(struct kunit *test,
					 struct dma_resv *obj,
					 enum dma_resv_usage usage)
{
	struct snap *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	bool overflow = false;

	KUNIT_ASSERT_NOT_NULL(test, s);
	dma_resv_iter_begin(&cursor, obj, usage);
	dma_resv_for_each_fence_unlocked(&cursor, fence) {
		if (dma_resv_iter_is_restarted(&cursor))
			s->count = 0;
		if (s->count >= SNAP_MAX) {
			overflow = true;
			continue;
		}
		s->restarted[s->count] = dma_resv_iter_is_restarted(&cursor);
		s->usage[s->count] = dma_resv_iter_usage(&cursor);
		s->fence[s->count++] = fence;	/* no reference kept */
	}
	dma_resv_iter_end(&cursor);
	KUNIT_ASSERT_FALSE(test, overflow);
	return s;
}

/* Number of entries for @fence in @s; *@usage gets the last one's class. */
static inline unsigned int snap_find(struct snap *s, struct dma_fence *fence,
				     enum dma_resv_usage *usage)
{
	unsigned int i, hits = 0;

	for (i = 0; i < s->count; i++) {
		if (s->fence[i] != fence)
			continue;
		hits++;
		if (usage)
			*usage = s->usage[i];
	}
	return hits;
}

static inline unsigned int count_locked(struct kunit *test,
					struct dma_resv *obj,
					enum dma_resv_usage usage)
{
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	unsigned int n = 0;

	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	dma_resv_for_each_fence(&cursor, obj, usage, fence)
		n++;
	dma_resv_unlock(obj);
	return n;
}

/* ------------------------------------------------------------------ */
/* Threads                                                             */
/* ------------------------------------------------------------------ */

/*
 * Wait until the case opens @gate; false if the thread is being stopped
 * instead, for example because the case failed before opening it.
 */
static inline bool gate_pass(struct completion *gate)
{
	while (!wait_for_completion_timeout(gate, HZ / 10))
		if (kthread_should_stop())
			return false;
	return true;
}

#endif /* DMA_RESV_KUNIT_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the dma_fence_array KUnit suites (dma-fence-array-*kunit.c):
 * sets of leaf fences that go away with the case, arrays over them, a
 * probe that counts the members done when the array signals, and the race
 * between enabling signalling and the members completing. Each suite is a
 * module of its own, hence static inline.
 *
 * UML never preempts kernel threads and runs irq_work from the timer tick,
 * so every loop that waits for another thread sleeps or reschedules, and
 * no case asserts how long anything took.
 */
#ifndef DMA_FENCE_ARRAY_KUNIT_H
#define DMA_FENCE_ARRAY_KUNIT_H

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dma-fence.h>
#include <linux/dma-fence-array.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "dmabuf-kunit.h"

/* Budget of waits that are expected to end. */
#define WAIT_BUDGET		(10 * HZ)
/* How long a case waits for one of its threads before calling it stuck. */
#define THREAD_GRACE		(3 * WAIT_BUDGET)
/* Wall time one race case may spend repeating its rounds. */
#define RACE_BUDGET		HZ
#define RACE_ROUNDS		400

static inline bool signalled_bit(struct dma_fence *fence)
{
	return test_bit(DMA_FENCE_FLAG_SIGNALED_BIT, &fence->flags);
}

static inline void signal_with(struct dma_fence *fence, int error)
{
	if (error)
		dma_fence_set_error(fence, error);
	dma_fence_signal(fence);
}

/* The case's own references to a set of leaves. */
struct leaf_set {
	unsigned int count;
	struct dma_fence **fence;
};

/* Nobody may be left waiting on a leaf that goes away: signal, then put. */
static inline void leaf_set_release(void *data)
{
	struct leaf_set *set = data;
	unsigned int i;

	for (i = 0; i < set->count; i++) {
		if (set->fence[i]) {
			dma_fence_signal(set->fence[i]);
			dma_fence_put(set->fence[i]);
		}
		if (!(i % 1024))
			cond_resched();
	}
	kvfree(set->fence);
	kfree(set);
}

/*
 * @count new leaves, released when the case ends. With @context 0 every
 * leaf gets a timeline of its own, otherwise they share @context.
 */
static inline struct dma_fence **leaves_new(struct kunit *test,
					    unsigned int count, u64 context)
{
	struct leaf_set *set = kzalloc(sizeof(*set), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, set);
	/* Owned by the release action from here on, even if the table fails. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, leaf_set_release,
							set), 0);
	set->fence = kvcalloc(count, sizeof(*set->fence), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, set->fence);
	set->count = count;

	for (i = 0; i < count; i++) {
		u64 timeline = context ?: dma_fence_context_alloc(1);

		set->fence[i] = dmabuf_kunit_leaf_alloc(timeline, i + 1);
		KUNIT_ASSERT_NOT_NULL(test, set->fence[i]);
	}
	return set->fence;
}

/* A kmalloc()ed table holding new references to @members. */
static inline struct dma_fence **table_of(struct kunit *test,
					  struct dma_fence **members,
					  unsigned int count)
{
	struct dma_fence **table = kmalloc_array(count, sizeof(*table),
						 GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, table);
	for (i = 0; i < count; i++)
		table[i] = dma_fence_get(members[i]);
	return table;
}

static inline void table_drop(struct dma_fence **table, unsigned int count)
{
	while (count--)
		dma_fence_put(table[count]);
	kfree(table);
}

/* An array over @members whose only reference is the caller's. */
static inline struct dma_fence_array *array_raw(struct kunit *test,
						struct dma_fence **members,
						unsigned int count, bool any)
{
	struct dma_fence **table = table_of(test, members, count);
	struct dma_fence_array *array;

	array = dma_fence_array_create(count, table,
				       dma_fence_context_alloc(1), 1, any);
	if (!array)
		table_drop(table, count);
	KUNIT_ASSERT_NOT_NULL(test, array);
	return array;
}

/* An array over @members whose reference the case drops when it ends. */
static inline struct dma_fence_array *array_new(struct kunit *test,
						struct dma_fence **members,
						unsigned int count, bool any)
{
	struct dma_fence_array *array = array_raw(test, members, count, any);

	dmabuf_kunit_fence_own(test, &array->base);
	return array;
}

/* A probe (see dmabuf-kunit.h) that also counts the members done. */
struct probe {
	struct dmabuf_kunit_probe base;
	unsigned int members_done;	/* array members signalled by then */
};

static inline void probe_fired(struct dma_fence *fence,
			       struct dma_fence_cb *cb)
{
	struct probe *probe = container_of(cb, struct probe, base.cb);
	struct dma_fence *member;
	unsigned int i;

	probe->members_done = 0;
	dma_fence_array_for_each(member, i, fence)
		probe->members_done += signalled_bit(member);
	/* Last, as it bumps the count that the cases poll. */
	dmabuf_kunit_probe_fired(fence, cb);
}

/* Attaching the probe enables signalling on @fence. */
static inline struct probe *probe_attach(struct kunit *test,
					 struct dma_fence *fence)
{
	struct probe *probe = kunit_kzalloc(test, sizeof(*probe), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, probe);
	dmabuf_kunit_probe_add(test, &probe->base, fence, probe_fired);
	return probe;
}

/* Freeing may be deferred to irq_work: give it time, but not forever. */
static inline void wait_refcount(struct kunit *test, struct dma_fence *fence,
				 unsigned int refs)
{
	unsigned long end = jiffies + WAIT_BUDGET;

	while (kref_read(&fence->refcount) != refs && time_before(jiffies, end))
		usleep_range(1000, 2000);
	KUNIT_ASSERT_EQ(test, kref_read(&fence->refcount), refs);
}

/* ------------------------------------------------------------------ */
/* Enabling against completion                                         */
/* ------------------------------------------------------------------ */

#define DUEL_MEMBERS	8

/* One round: the helper completes members while the case enables. */
struct duel {
	wait_queue_head_t wq;
	atomic_t round;
	struct dma_fence *leaf[DUEL_MEMBERS];
	struct completion signalled;
};

static inline bool duel_news(struct duel *duel, int seen)
{
	return atomic_read(&duel->round) != seen || kthread_should_stop();
}

/* Completes the members in index order, two of them with errors. */
static inline int duel_helper(void *data)
{
	struct duel *duel = data;
	int seen = 0, i;

	for (;;) {
		wait_event(duel->wq, duel_news(duel, seen));
		if (kthread_should_stop())
			return 0;
		seen = atomic_read(&duel->round);
		for (i = 0; i < DUEL_MEMBERS; i++)
			signal_with(duel->leaf[i], i == 3 ? -EIO :
						   i == 5 ? -EINVAL : 0);
		complete(&duel->signalled);
	}
}

/*
 * An all-of array ends with the first error its members complete with;
 * a signal_on_any array is decided by member 0, which completes first and
 * without error, whatever the members after it bring.
 */
static inline void duel_round(struct kunit *test, struct duel *duel,
			      int round, bool any)
{
	struct dma_fence_array *array;
	int i, status = 0;

	for (i = 0; i < DUEL_MEMBERS; i++) {
		duel->leaf[i] = dmabuf_kunit_leaf_alloc(dma_fence_context_alloc(1), 1);
		KUNIT_ASSERT_NOT_NULL(test, duel->leaf[i]);
	}
	array = dma_fence_array_create(DUEL_MEMBERS,
				       table_of(test, duel->leaf, DUEL_MEMBERS),
				       dma_fence_context_alloc(1), round, any);
	KUNIT_ASSERT_NOT_NULL(test, array);

	reinit_completion(&duel->signalled);
	atomic_set(&duel->round, round);
	wake_up(&duel->wq);
	if (round & 2)
		cond_resched();
	dma_fence_enable_sw_signaling(&array->base);

	if (dma_fence_wait_timeout(&array->base, false, WAIT_BUDGET) > 0)
		status = dma_fence_get_status(&array->base);
	KUNIT_EXPECT_EQ_MSG(test, status, any ? 1 : -EIO, "round %d", round);

	dmabuf_kunit_thread_wait(test, &duel->signalled, THREAD_GRACE,
				 "a thread of the case");
	dma_fence_put(&array->base);
	for (i = 0; i < DUEL_MEMBERS; i++)
		dma_fence_put(duel->leaf[i]);
}

/* Rounds of an all-of (or, with @any, a signal_on_any) array. */
static inline void duel_run(struct kunit *test, bool any)
{
	struct duel *duel = kunit_kzalloc(test, sizeof(*duel), GFP_KERNEL);
	unsigned long end = jiffies + RACE_BUDGET;
	int round;

	KUNIT_ASSERT_NOT_NULL(test, duel);
	init_waitqueue_head(&duel->wq);
	init_completion(&duel->signalled);
	dmabuf_kunit_thread_start(test, "dfa", duel_helper, duel, "kunit");

	for (round = 1; round <= RACE_ROUNDS && time_before(jiffies, end);
	     round++)
		duel_round(test, duel, round, any);
}

#endif /* DMA_FENCE_ARRAY_KUNIT_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the DMA-BUF KUnit suites.
 *
 * The harness also builds these suites against upstream's implementation,
 * with DMABUF_KUNIT_ON_STOCK defined, to prove that they test the 6.12
 * contract rather than our reading of it. A case that checks behaviour we
 * changed on purpose says so with dmabuf_kunit_ours_only(), which skips
 * it there, so that every such change is listed where it is tested.
 */
#ifndef DMABUF_KUNIT_H
#define DMABUF_KUNIT_H

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/dma-fence.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#ifdef DMABUF_KUNIT_ON_STOCK
#define DMABUF_KUNIT_TESTING_STOCK true
#else
#define DMABUF_KUNIT_TESTING_STOCK false
#endif

/**
 * dmabuf_kunit_ours_only() - skip a case when testing upstream's code
 * @test: the running case
 * @change: what we deliberately do differently from Linux 6.12
 */
#define dmabuf_kunit_ours_only(test, change)				\
	do {								\
		if (DMABUF_KUNIT_TESTING_STOCK)				\
			kunit_skip(test, "differs from 6.12 on purpose: %s", \
				   change);				\
	} while (0)

/*
 * Helpers the suites have in common. Every suite is a module of its own,
 * so they are static inline here rather than one object linked into each;
 * a suite that uses none of them pays nothing.
 */

/* Cleanup action: drop one reference to the fence passed as @data. */
static inline void dmabuf_kunit_fence_put(void *data)
{
	dma_fence_put(data);
}

/*
 * Cleanup action for a fence a case created: signal it first (a no-op if
 * that already happened), so nobody is left waiting on it, then drop the
 * case's reference. A NULL @data is ignored.
 */
static inline void dmabuf_kunit_fence_retire(void *data)
{
	struct dma_fence *fence = data;

	if (!fence)
		return;
	dma_fence_signal(fence);
	dma_fence_put(fence);
}

/*
 * Hand the case's reference to @fence over to @action, which runs when the
 * case ends. Fails the case if @fence is NULL (an allocation failed).
 */
static inline struct dma_fence *
dmabuf_kunit_fence_hand_over(struct kunit *test, struct dma_fence *fence,
			     kunit_action_t *action)
{
	int err;

	KUNIT_ASSERT_NOT_NULL(test, fence);
	err = kunit_add_action_or_reset(test, action, fence);
	KUNIT_ASSERT_EQ(test, err, 0);
	return fence;
}

/* The case drops its reference to @fence when it ends. */
static inline struct dma_fence *dmabuf_kunit_fence_own(struct kunit *test,
						       struct dma_fence *fence)
{
	return dmabuf_kunit_fence_hand_over(test, fence, dmabuf_kunit_fence_put);
}

/* The case signals @fence, if need be, and drops it when it ends. */
static inline struct dma_fence *
dmabuf_kunit_fence_adopt(struct kunit *test, struct dma_fence *fence)
{
	return dmabuf_kunit_fence_hand_over(test, fence,
					    dmabuf_kunit_fence_retire);
}

/*
 * A plain driver fence with a lock of its own, counting the optional hooks
 * the core calls. The default release frees it, hence @base comes first.
 */
struct dmabuf_kunit_leaf {
	struct dma_fence base;
	spinlock_t lock;	/* fence lock of @base */
	atomic_t enables;	/* calls of ->enable_signaling */
	atomic_t deadlines;	/* calls of ->set_deadline */
	ktime_t deadline;	/* the latest deadline hint */
};

static_assert(offsetof(struct dmabuf_kunit_leaf, base) == 0);

static inline struct dmabuf_kunit_leaf *
dmabuf_kunit_to_leaf(struct dma_fence *fence)
{
	return container_of(fence, struct dmabuf_kunit_leaf, base);
}

static inline const char *dmabuf_kunit_leaf_name(struct dma_fence *fence)
{
	return "dmabuf-kunit-leaf";
}

static inline bool dmabuf_kunit_leaf_enable(struct dma_fence *fence)
{
	atomic_inc(&dmabuf_kunit_to_leaf(fence)->enables);
	return true;
}

static inline void dmabuf_kunit_leaf_deadline(struct dma_fence *fence,
					      ktime_t deadline)
{
	struct dmabuf_kunit_leaf *leaf = dmabuf_kunit_to_leaf(fence);

	leaf->deadline = deadline;
	atomic_inc(&leaf->deadlines);
}

/* How often the core called ->enable_signaling of the leaf @fence. */
static inline int dmabuf_kunit_leaf_enables(struct dma_fence *fence)
{
	return atomic_read(&dmabuf_kunit_to_leaf(fence)->enables);
}

/* How often the core called ->set_deadline of the leaf @fence. */
static inline int dmabuf_kunit_leaf_deadlines(struct dma_fence *fence)
{
	return atomic_read(&dmabuf_kunit_to_leaf(fence)->deadlines);
}

/*
 * A new pending leaf on @context, or NULL when memory runs out; the
 * caller owns the only reference.
 */
static inline struct dma_fence *dmabuf_kunit_leaf_alloc(u64 context,
							u64 seqno)
{
	/* Inside the function, so a suite without leaves carries no copy. */
	static const struct dma_fence_ops ops = {
		.get_driver_name = dmabuf_kunit_leaf_name,
		.get_timeline_name = dmabuf_kunit_leaf_name,
		.enable_signaling = dmabuf_kunit_leaf_enable,
		.set_deadline = dmabuf_kunit_leaf_deadline,
	};
	struct dmabuf_kunit_leaf *leaf = kzalloc(sizeof(*leaf), GFP_KERNEL);

	if (!leaf)
		return NULL;
	spin_lock_init(&leaf->lock);
	dma_fence_init(&leaf->base, &ops, &leaf->lock, context, seqno);
	return &leaf->base;
}

/*
 * Wait up to @timeout for @fence, then for the callbacks of its
 * signalling: they run under the fence lock once the signalled bit is
 * set, so taking and dropping the lock orders them before what follows.
 */
static inline void dmabuf_kunit_wait_signalled(struct kunit *test,
					       struct dma_fence *fence,
					       signed long timeout)
{
	unsigned long flags;

	KUNIT_ASSERT_GT_MSG(test, dma_fence_wait_timeout(fence, false, timeout),
			    0, "fence never signalled");
	spin_lock_irqsave(fence->lock, flags);
	spin_unlock_irqrestore(fence->lock, flags);
}

/* A callback that records its deliveries; may be embedded in a larger one. */
struct dmabuf_kunit_probe {
	struct dma_fence_cb cb;
	struct dma_fence *fence;	/* the case's reference */
	int added;		/* what dma_fence_add_callback() returned */
	atomic_t calls;
	int error;		/* the fence's error at the latest delivery */
};

/* The callback a probe installs unless the suite brings its own. */
static inline void dmabuf_kunit_probe_fired(struct dma_fence *fence,
					    struct dma_fence_cb *cb)
{
	struct dmabuf_kunit_probe *probe =
		container_of(cb, struct dmabuf_kunit_probe, cb);

	probe->error = fence->error;
	atomic_inc(&probe->calls);
}

/* Cleanup action: the probe's memory is freed only after this has run. */
static inline void dmabuf_kunit_probe_detach(void *data)
{
	struct dmabuf_kunit_probe *probe = data;

	dma_fence_remove_callback(probe->fence, &probe->cb);
	dma_fence_put(probe->fence);
}

/*
 * Attach @probe, zeroed memory that lives as long as the case, to @fence
 * with @fired as callback; this enables signalling on @fence. The probe is
 * detached when the case ends.
 */
static inline void dmabuf_kunit_probe_add(struct kunit *test,
					  struct dmabuf_kunit_probe *probe,
					  struct dma_fence *fence,
					  dma_fence_func_t fired)
{
	int err;

	probe->fence = dma_fence_get(fence);
	probe->added = dma_fence_add_callback(fence, &probe->cb, fired);
	err = kunit_add_action_or_reset(test, dmabuf_kunit_probe_detach, probe);
	KUNIT_ASSERT_EQ(test, err, 0);
}

/* A new probe on @fence with the plain callback. */
static inline struct dmabuf_kunit_probe *
dmabuf_kunit_probe_attach(struct kunit *test, struct dma_fence *fence)
{
	struct dmabuf_kunit_probe *probe;

	probe = kunit_kzalloc(test, sizeof(*probe), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, probe);
	dmabuf_kunit_probe_add(test, probe, fence, dmabuf_kunit_probe_fired);
	return probe;
}

/* Cleanup action: stop the pinned kernel thread @data and unpin it. */
static inline void dmabuf_kunit_thread_stop(void *data)
{
	struct task_struct *task = data;

	kthread_stop(task);
	put_task_struct(task);
}

/*
 * Run @fn(@data) in a kernel thread called "@prefix-@name", which the case
 * stops when it ends. The task is pinned, so stopping it is safe even
 * after @fn has returned.
 */
static inline struct task_struct *
dmabuf_kunit_thread_start(struct kunit *test, const char *prefix,
			  int (*fn)(void *), void *data, const char *name)
{
	struct task_struct *task;
	int err;

	task = kthread_create(fn, data, "%s-%s", prefix, name);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(task), "kthread_create: %ld",
			       PTR_ERR(task));
	get_task_struct(task);
	err = kunit_add_action_or_reset(test, dmabuf_kunit_thread_stop, task);
	KUNIT_ASSERT_EQ(test, err, 0);
	wake_up_process(task);
	return task;
}

/* Wait up to @timeout for a thread of the case to complete @done. */
static inline void dmabuf_kunit_thread_wait(struct kunit *test,
					    struct completion *done,
					    unsigned long timeout,
					    const char *what)
{
	unsigned long left = wait_for_completion_timeout(done, timeout);

	KUNIT_ASSERT_NE_MSG(test, left, 0, "%s never finished", what);
}

#endif /* DMABUF_KUNIT_H */

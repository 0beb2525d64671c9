// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_fence_driver_patterns": the fence core as in-tree
 * drivers use it, including the places where they reach past the API into
 * &struct dma_fence itself.
 *
 * Each case replays one driver's pattern, in the driver's order of
 * operations, and asserts what that driver relies on. The patterns were
 * collected by reading every user of the fence internals under drivers/
 * and elsewhere in the tree; the ones replayed (here, or for 2, 3, 5 and
 * 6, which need two CPUs, in dma_fence_driver_patterns_smp) are:
 *
 *  1. i915_active.c, __i915_active_fence_set() and i915_active_fence_set():
 *     the retire callback is put straight onto &dma_fence.cb_list with
 *     list_add_tail() under &dma_fence.lock, without arming signalling.
 *     Assumes: every completion detaches and runs the whole list, armed or
 *     not.
 *  2. amdgpu_fence.c, amdgpu_fence_driver_set_error() and
 *     amdgpu_fence_driver_force_completion(); nouveau_fence.c,
 *     nouveau_fence_context_kill(): under the timeline lock,
 *     "if (!dma_fence_is_signaled_locked(f)) dma_fence_set_error(f, e)".
 *     Assumes: while the lock is held no one else can complete the fence,
 *     whether through dma_fence_signal() or by polling &dma_fence_ops.signaled
 *     through dma_fence_is_signaled().
 *  3. Every &dma_fence_ops.enable_signaling (amdgpu, nouveau, radeon,
 *     i915 ...) runs under the fence lock and may look at the fence.
 *     Assumes: the fence stays pending for as long as the hook runs, and
 *     dma_fence_enable_sw_signaling() only returns once the hook has.
 *  4. intel_breadcrumbs.c, signal_irq_work(): i915 sets
 *     %DMA_FENCE_FLAG_SIGNALED_BIT itself, outside the fence lock, and only
 *     later detaches and runs &dma_fence.cb_list under the lock.
 *     Assumes: a waiter that gives up unlinks its own callback, judged by
 *     the callback's node and not by the signalled bit.
 *  5. drm_sched_main.c, drm_sched_job_done() and the scheduler's timestamp
 *     readers; sync_file.c and dma-fence-unwrap.c, dma_fence_timestamp():
 *     read &dma_fence.timestamp once the fence is signalled.
 *     Assumes: whoever holds the fence lock and sees the fence signalled
 *     also sees its timestamp published.
 *  6. Waiters that free what a callback touches as soon as the wait
 *     returns (the waiter's and the callback's objects share a lifetime in
 *     drm_sched_entity.c, dma-fence-array.c and many drivers' job code).
 *     Assumes: dma_fence_wait() passes through the fence lock, so it
 *     returns only after the callbacks of the signalling have finished.
 *     The instances: amdgpu_vm.c, amdgpu_vm_fini() (wait, then frees the
 *     VM its TLB callback increments); sched_main.c, drm_sched_stop()
 *     (remove_callback() false, wait on the finished fence, free_job());
 *     xe_gt_tlb_invalidation.c (fences on the stack, reused once
 *     dma_fence_wait() returns); host1x job.c, job_free(), and
 *     sync_file.c, sync_file_release() (dma_fence_remove_callback() as the
 *     barrier before kfree()).
 *  7. Drivers that signal a whole timeline under its shared lock with
 *     dma_fence_signal_locked() (nouveau_fence_update(), radeon, vmwgfx,
 *     virtio, lima ...) and callbacks that signal another fence from
 *     inside a callback (drm_sched_job_done() from the hardware fence's
 *     callback); amdgpu_fence_driver_force_completion() setting the error
 *     first and signalling after.
 *  8. intel_breadcrumbs.c, i915_request_enable_breadcrumb(): the
 *     enable_signaling hook may mark the fence signalled itself and still
 *     return true. Assumes: the core does not look at the bit again and
 *     queues the callback, which the driver's irq work then runs.
 *  9. intel_reset.c, __intel_gt_unset_wedged(): dma_fence_default_wait()
 *     called directly, without dma_fence_wait_timeout(). Assumes: the
 *     default wait does not arm signalling itself, and is woken by a
 *     fence that signals unarmed.
 * 10. radeon_fence.c, radeon_fence_enable_signaling(): the hook signals
 *     other fences of the ring, which share its lock, with
 *     dma_fence_signal_locked().
 * 11. xe_bo.c, xe_ttm_bo_release_notify(), and amdgpu_amdkfd_gpuvm.c,
 *     amdgpu_amdkfd_remove_all_eviction_fences(): dma_resv_replace_fences()
 *     inside a locked dma_resv_for_each_fence() walk of the same object.
 *
 * Seen in the audit and relied upon, but covered elsewhere: the
 * dma_fence_array and dma_fence_chain patterns (their own suites); no
 * driver touches &dma_resv.fences directly or adds a container to
 * a &dma_resv (dma-buf's IMPORT_SYNC_FILE unwraps, see the dma-buf suite);
 * kernel/, fs/, mm/, io_uring/ and drivers/media have no fence users.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "dma-fence-driver-patterns-kunit.h"

/* ------------------------------------------------------------------ */
/* Pattern 1: i915_active queues on cb_list without arming             */
/* ------------------------------------------------------------------ */

/* Every way to complete a fence. */
static const int all_completions[] = {
	BY_SIGNAL, BY_SIGNAL_TIMESTAMP, BY_SIGNAL_LOCKED, BY_POLLING,
	BY_POLLING_LOCKED,
};

KUNIT_ARRAY_PARAM(all_completions, all_completions, completion_desc);

/*
 * i915_active.c, __i915_active_fence_set(): under the fence lock, the
 * active tracker's callback goes onto cb_list directly; nobody calls
 * enable_signaling. The request is then signalled like any other.
 */
static void unarmed_callback_on_cb_list_runs_on_completion(struct kunit *test)
{
	const int *how = test->param_value;
	struct dma_fence *fence = hw_fence_create(test, NULL, 1, 1);
	struct retire_cb *rc = kunit_kzalloc(test, sizeof(*rc), GFP_KERNEL);
	unsigned long flags;

	KUNIT_ASSERT_NOT_NULL(test, rc);
	spin_lock_irqsave(fence->lock, flags);
	rc->cb.func = retire_cb_fn;
	list_add_tail(&rc->cb.node, &fence->cb_list);
	spin_unlock_irqrestore(fence->lock, flags);

	complete_fence(fence, *how);

	KUNIT_EXPECT_TRUE(test, fence_bit(fence, DMA_FENCE_FLAG_SIGNALED_BIT));
	KUNIT_EXPECT_FALSE(test, fence_bit(fence,
					   DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&rc->calls), 1,
			    "a callback queued without arming was dropped");
	KUNIT_EXPECT_TRUE(test, rc->saw_signalled);
	KUNIT_EXPECT_TRUE(test, list_empty(&rc->cb.node));
	KUNIT_EXPECT_EQ(test, atomic_read(&to_hw(fence)->enables), 0);
}

/*
 * i915_active.c again: the tracker swaps its callback from the previous
 * fence to the next one, list_move under both locks, without arming
 * either. Only the fence it ends up on runs it.
 */
static void unarmed_callback_moved_between_fences_runs_once(struct kunit *test)
{
	static DEFINE_SPINLOCK(timeline);
	struct dma_fence *prev = hw_fence_create(test, &timeline, 2, 1);
	struct dma_fence *next = hw_fence_create(test, &timeline, 2, 2);
	struct retire_cb *rc = kunit_kzalloc(test, sizeof(*rc), GFP_KERNEL);
	unsigned long flags;

	KUNIT_ASSERT_NOT_NULL(test, rc);
	spin_lock_irqsave(&timeline, flags);
	rc->cb.func = retire_cb_fn;
	list_add_tail(&rc->cb.node, &prev->cb_list);
	list_move_tail(&rc->cb.node, &next->cb_list);
	spin_unlock_irqrestore(&timeline, flags);

	dma_fence_signal(prev);
	KUNIT_EXPECT_EQ(test, atomic_read(&rc->calls), 0);
	dma_fence_signal(next);
	KUNIT_EXPECT_EQ(test, atomic_read(&rc->calls), 1);
}

/* ------------------------------------------------------------------ */
/* Pattern 4: i915 sets SIGNALED itself, detaches the list later       */
/* ------------------------------------------------------------------ */

/* Is a sleeper queued on @fence? Looked at under the lock. */
static bool cb_list_busy(struct dma_fence *fence)
{
	unsigned long flags;
	bool busy;

	spin_lock_irqsave(fence->lock, flags);
	busy = !fence_bit(fence, DMA_FENCE_FLAG_SIGNALED_BIT) &&
	       !list_empty(&fence->cb_list);
	spin_unlock_irqrestore(fence->lock, flags);
	return busy;
}

/* A thread in dma_fence_default_wait(), called directly as drivers do. */
struct default_waiter {
	struct dma_fence *fence;
	signed long timeout;
	struct completion done;
	signed long ret;
};

static int default_waiter_fn(void *data)
{
	struct default_waiter *w = data;

	w->ret = dma_fence_default_wait(w->fence, false, w->timeout);
	complete(&w->done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

/* Start a default waiter on @fence and return once it is queued. */
static struct default_waiter *
default_waiter_start(struct kunit *test, struct dma_fence *fence,
		     signed long timeout)
{
	struct default_waiter *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	unsigned long until;

	KUNIT_ASSERT_NOT_NULL(test, w);
	w->fence = fence;
	w->timeout = timeout;
	init_completion(&w->done);
	dmabuf_kunit_thread_start(test, "kunit-pattern", default_waiter_fn, w,
				  "waiter");

	until = jiffies + THREAD_GRACE;
	while (!cb_list_busy(fence) && time_before(jiffies, until))
		usleep_range(1000, 2000);
	KUNIT_ASSERT_TRUE_MSG(test, cb_list_busy(fence), "waiter never queued");
	return w;
}

/*
 * intel_breadcrumbs.c, signal_irq_work(): "__dma_fence_signal()" is a
 * bare test_and_set_bit() of the signalled bit; the list is detached and
 * run later, under the lock, with the timestamp set just before. A waiter
 * whose timeout expires in between must take its on-stack callback off
 * the list, or the signaller calls into a dead stack frame.
 */
static void waiter_unlinks_itself_when_bit_is_set_early(struct kunit *test)
{
	struct dma_fence *fence = hw_fence_create(test, NULL, 7, 1);
	struct default_waiter *w;
	struct list_head detached;
	struct dma_fence_cb *cur, *tmp;
	unsigned long flags;
	bool stale;

	w = default_waiter_start(test, fence, msecs_to_jiffies(50));

	/* The driver's interrupt work: the bit now, the list later. */
	KUNIT_ASSERT_FALSE(test, test_and_set_bit(DMA_FENCE_FLAG_SIGNALED_BIT,
						  &fence->flags));
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&w->done,
							  THREAD_GRACE), 0);

	spin_lock_irqsave(fence->lock, flags);
	stale = !list_empty(&fence->cb_list);
	if (stale) {
		/* Never call what is left: it lives on a dead stack. */
		INIT_LIST_HEAD(&fence->cb_list);
	}
	list_replace(&fence->cb_list, &detached);
	fence->timestamp = ktime_get();
	set_bit(DMA_FENCE_FLAG_TIMESTAMP_BIT, &fence->flags);
	list_for_each_entry_safe(cur, tmp, &detached, node) {
		INIT_LIST_HEAD(&cur->node);
		cur->func(fence, cur);
	}
	spin_unlock_irqrestore(fence->lock, flags);

	KUNIT_EXPECT_FALSE_MSG(test, stale,
			       "the waiter left its callback on cb_list");
	KUNIT_EXPECT_GE(test, w->ret, 0);
}

/* ------------------------------------------------------------------ */
/* Pattern 7: whole timelines under one lock, and chained signalling   */
/* ------------------------------------------------------------------ */

#define TIMELINE_FENCES	8

/*
 * nouveau_fence_update() and radeon_fence_process(): the interrupt
 * handler walks its pending list under the shared lock and completes, in
 * seqno order, everything the hardware has passed, with
 * dma_fence_signal_locked(). Callbacks of each fence run in that same
 * critical section, in the order the fences complete.
 */
struct order_cb {
	struct dma_fence_cb cb;
	atomic_t *ticket;
	int order;
};

static void order_cb_fn(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	struct order_cb *oc = container_of(cb, struct order_cb, cb);

	lockdep_assert_held(fence->lock);
	oc->order = atomic_inc_return(oc->ticket);
}

static void timeline_signalled_under_shared_lock_in_order(struct kunit *test)
{
	static DEFINE_SPINLOCK(timeline);
	struct dma_fence *fences[TIMELINE_FENCES];
	struct order_cb *cbs;
	atomic_t ticket = ATOMIC_INIT(0);
	unsigned long flags;
	int i;

	cbs = kunit_kcalloc(test, TIMELINE_FENCES, sizeof(*cbs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cbs);
	for (i = 0; i < TIMELINE_FENCES; i++) {
		fences[i] = hw_fence_create(test, &timeline, 11, i + 1);
		cbs[i].ticket = &ticket;
		/* Half armed through the API, half queued like i915_active. */
		if (i & 1) {
			int err = dma_fence_add_callback(fences[i], &cbs[i].cb,
							 order_cb_fn);

			KUNIT_ASSERT_EQ(test, err, 0);
		} else {
			spin_lock_irqsave(&timeline, flags);
			cbs[i].cb.func = order_cb_fn;
			list_add_tail(&cbs[i].cb.node, &fences[i]->cb_list);
			spin_unlock_irqrestore(&timeline, flags);
		}
	}

	spin_lock_irqsave(&timeline, flags);
	for (i = 0; i < TIMELINE_FENCES; i++)
		KUNIT_EXPECT_EQ(test, dma_fence_signal_locked(fences[i]), 0);
	spin_unlock_irqrestore(&timeline, flags);

	for (i = 0; i < TIMELINE_FENCES; i++)
		KUNIT_EXPECT_EQ(test, cbs[i].order, i + 1);
}

/*
 * drm_sched_job_done() runs from the hardware fence's callback and
 * signals the scheduler's finished fence, which has a lock of its own,
 * while the hardware fence's lock is held. Waiters on the finished fence
 * wake up, and its own callbacks run.
 */
struct chain_cb {
	struct dma_fence_cb cb;
	struct dma_fence *next;
};

static void chain_cb_fn(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	struct chain_cb *cc = container_of(cb, struct chain_cb, cb);

	dma_fence_signal(cc->next);
}

static void callback_signals_next_fence_under_first_lock(struct kunit *test)
{
	/* The scheduler's fences have a lock (and lock class) of their own. */
	static DEFINE_SPINLOCK(sched_lock);
	struct dma_fence *hw = hw_fence_create(test, NULL, 12, 1);
	struct dma_fence *finished = hw_fence_create(test, &sched_lock, 13, 1);
	struct chain_cb *cc = kunit_kzalloc(test, sizeof(*cc), GFP_KERNEL);
	struct dmabuf_kunit_probe *probe;

	KUNIT_ASSERT_NOT_NULL(test, cc);
	cc->next = finished;
	probe = dmabuf_kunit_probe_attach(test, finished);
	KUNIT_ASSERT_EQ(test, dma_fence_add_callback(hw, &cc->cb, chain_cb_fn),
			0);

	complete_fence(hw, BY_POLLING);

	KUNIT_EXPECT_TRUE(test, fence_bit(finished,
					  DMA_FENCE_FLAG_SIGNALED_BIT));
	KUNIT_EXPECT_EQ(test, atomic_read(&probe->calls), 1);
	KUNIT_EXPECT_EQ(test, dma_fence_wait_timeout(finished, false, 1), 1);
}

/*
 * amdgpu_fence_driver_force_completion(): error first, then the fence is
 * completed, and every callback and waiter sees the error.
 */
static void error_set_before_completion_reaches_callbacks(struct kunit *test)
{
	const int *how = test->param_value;
	struct dma_fence *fence = hw_fence_create(test, NULL, 14, 1);
	struct retire_cb *rc = kunit_kzalloc(test, sizeof(*rc), GFP_KERNEL);
	struct dmabuf_kunit_probe *probe;
	unsigned long flags;

	KUNIT_ASSERT_NOT_NULL(test, rc);
	probe = dmabuf_kunit_probe_attach(test, fence);
	spin_lock_irqsave(fence->lock, flags);
	if (!dma_fence_is_signaled_locked(fence))
		dma_fence_set_error(fence, -ETIME);
	rc->cb.func = retire_cb_fn;
	list_add_tail(&rc->cb.node, &fence->cb_list);
	spin_unlock_irqrestore(fence->lock, flags);

	complete_fence(fence, *how);

	KUNIT_EXPECT_EQ(test, probe->error, -ETIME);
	KUNIT_EXPECT_EQ(test, atomic_read(&rc->calls), 1);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), -ETIME);
}

/* ------------------------------------------------------------------ */
/* Pattern 8: enable_signaling marks the fence signalled (i915)        */
/* ------------------------------------------------------------------ */

/*
 * Run the list of a fence whose signalled bit a driver set by hand, the
 * way intel_breadcrumbs.c, signal_irq_work(), does later: under the lock,
 * timestamp first, then every callback with its node re-initialised.
 */
static void driver_runs_detached_list(struct dma_fence *fence)
{
	struct dma_fence_cb *cur, *tmp;
	struct list_head detached;
	unsigned long flags;

	spin_lock_irqsave(fence->lock, flags);
	list_replace(&fence->cb_list, &detached);
	fence->timestamp = ktime_get();
	set_bit(DMA_FENCE_FLAG_TIMESTAMP_BIT, &fence->flags);
	list_for_each_entry_safe(cur, tmp, &detached, node) {
		INIT_LIST_HEAD(&cur->node);
		cur->func(fence, cur);
	}
	spin_unlock_irqrestore(fence->lock, flags);
}

/* The hook of i915_request_enable_breadcrumb() on a completed request. */
static void mark_signalled(struct dmabuf_kunit_leaf *leaf)
{
	set_bit(DMA_FENCE_FLAG_SIGNALED_BIT, &leaf->base.flags);
}

/*
 * i915_request_enable_breadcrumb() finds the request complete, sets the
 * signalled bit itself and still returns true; the callback being added
 * goes onto cb_list regardless, and the driver's irq work runs it.
 */
static void enable_hook_that_marks_signalled_still_queues(struct kunit *test)
{
	struct dma_fence *fence = hw_fence_create(test, NULL, 15, 1);
	struct retire_cb *rc = kunit_kzalloc(test, sizeof(*rc), GFP_KERNEL);
	struct retire_cb *late = kunit_kzalloc(test, sizeof(*late), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, rc);
	KUNIT_ASSERT_NOT_NULL(test, late);
	to_hw(fence)->on_enable = mark_signalled;

	KUNIT_ASSERT_EQ(test, dma_fence_add_callback(fence, &rc->cb,
						     retire_cb_fn), 0);
	KUNIT_EXPECT_TRUE(test, fence_bit(fence, DMA_FENCE_FLAG_SIGNALED_BIT));
	KUNIT_EXPECT_EQ(test, atomic_read(&rc->calls), 0);

	/* A later registration sees the bit: nothing queued, -ENOENT. */
	KUNIT_EXPECT_EQ(test, dma_fence_add_callback(fence, &late->cb,
						     retire_cb_fn), -ENOENT);
	KUNIT_EXPECT_TRUE(test, list_empty(&late->cb.node));

	driver_runs_detached_list(fence);
	KUNIT_EXPECT_EQ(test, atomic_read(&rc->calls), 1);
	KUNIT_EXPECT_TRUE(test, list_empty(&rc->cb.node));
	KUNIT_EXPECT_FALSE(test, dma_fence_remove_callback(fence, &rc->cb));
}

/* ------------------------------------------------------------------ */
/* Pattern 9: dma_fence_default_wait() called directly (i915 reset)    */
/* ------------------------------------------------------------------ */

/*
 * intel_reset.c, __intel_gt_unset_wedged(): the default wait is called
 * directly on a request fence, bypassing dma_fence_wait_timeout(), so
 * nothing arms signalling; the request signals at retire anyway. The
 * wait must neither arm the fence itself nor miss the wake-up.
 */
static void direct_default_wait_does_not_arm(struct kunit *test)
{
	struct dma_fence *fence = hw_fence_create(test, NULL, 16, 1);
	struct default_waiter *w = default_waiter_start(test, fence,
							 THREAD_GRACE);

	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&to_hw(fence)->enables), 0,
			    "dma_fence_default_wait() armed signalling");
	KUNIT_EXPECT_FALSE(test, fence_bit(fence,
					   DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT));

	/* Retire: i915_request_retire() signals under the request lock. */
	complete_fence(fence, BY_SIGNAL_LOCKED);
	KUNIT_ASSERT_NE(test, wait_for_completion_timeout(&w->done,
							  THREAD_GRACE), 0);
	KUNIT_EXPECT_GT(test, w->ret, 0);
}

/* ------------------------------------------------------------------ */
/* Pattern 10: enable_signaling completes siblings (radeon)            */
/* ------------------------------------------------------------------ */

/* The older fences of the ring that the hook completes. */
struct siblings {
	struct dma_fence *fences[2];
};

static void complete_siblings(struct dmabuf_kunit_leaf *leaf)
{
	struct siblings *older = leaf->priv;
	int i;

	for (i = 0; i < ARRAY_SIZE(older->fences); i++)
		dma_fence_signal_locked(older->fences[i]);
}

/*
 * radeon_fence_enable_signaling() runs under the shared fence_queue lock
 * and, through wake_up_all_locked(), signals other fences of the ring
 * with dma_fence_signal_locked() before it returns.
 */
static void enable_hook_signals_siblings_on_shared_lock(struct kunit *test)
{
	static DEFINE_SPINLOCK(ring);
	struct siblings *older = kunit_kzalloc(test, sizeof(*older),
					       GFP_KERNEL);
	struct dma_fence *fence;
	struct dmabuf_kunit_probe *probes[2];
	int i;

	KUNIT_ASSERT_NOT_NULL(test, older);
	for (i = 0; i < 2; i++) {
		older->fences[i] = hw_fence_create(test, &ring, 17, i + 1);
		probes[i] = dmabuf_kunit_probe_attach(test, older->fences[i]);
	}
	fence = hw_fence_create(test, &ring, 17, 3);
	to_hw(fence)->priv = older;
	to_hw(fence)->on_enable = complete_siblings;

	dma_fence_enable_sw_signaling(fence);

	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_TRUE(test,
				  dma_fence_is_signaled(older->fences[i]));
		KUNIT_EXPECT_EQ(test, atomic_read(&probes[i]->calls), 1);
	}
	KUNIT_EXPECT_FALSE(test, fence_bit(fence, DMA_FENCE_FLAG_SIGNALED_BIT));
}

/* ------------------------------------------------------------------ */
/* Pattern 11: replacing fences inside a locked resv walk (xe, amdkfd) */
/* ------------------------------------------------------------------ */

#define RESV_FENCES	6

/*
 * xe_bo.c, xe_ttm_bo_release_notify(), and amdgpu_amdkfd_gpuvm.c,
 * amdgpu_amdkfd_remove_all_eviction_fences(): while walking the locked
 * resv with dma_resv_for_each_fence(), each pending preempt fence's
 * context is replaced with a stub through dma_resv_replace_fences(). The
 * walk goes on over the slots that follow, and every other fence stays.
 */
static void resv_replace_inside_locked_walk(struct kunit *test)
{
	u64 base = dma_fence_context_alloc(RESV_FENCES);
	struct dma_fence *fences[RESV_FENCES];
	struct dma_fence *stub = dma_fence_get_stub();
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	struct dma_resv resv;
	int i, visited = 0, stubs = 0, kept = 0;

	dma_resv_init(&resv);
	KUNIT_ASSERT_EQ(test, dma_resv_lock(&resv, NULL), 0);
	KUNIT_ASSERT_EQ(test, dma_resv_reserve_fences(&resv, RESV_FENCES), 0);
	for (i = 0; i < RESV_FENCES; i++) {
		fences[i] = hw_fence_create(test, NULL, base + i, 1);
		dma_resv_add_fence(&resv, fences[i], DMA_RESV_USAGE_BOOKKEEP);
	}

	dma_resv_for_each_fence(&cursor, &resv, DMA_RESV_USAGE_BOOKKEEP, fence) {
		visited++;
		/* The "preempt fences" are the even contexts. */
		if (((fence->context - base) & 1) || dma_fence_is_signaled(fence))
			continue;
		dma_resv_replace_fences(&resv, fence->context, stub,
					DMA_RESV_USAGE_BOOKKEEP);
	}

	dma_resv_for_each_fence(&cursor, &resv, DMA_RESV_USAGE_BOOKKEEP, fence) {
		if (fence == stub)
			stubs++;
		else
			kept++;
	}
	dma_resv_unlock(&resv);
	dma_resv_fini(&resv);
	dma_fence_put(stub);

	KUNIT_EXPECT_EQ(test, visited, RESV_FENCES);
	KUNIT_EXPECT_EQ(test, stubs, RESV_FENCES / 2);
	KUNIT_EXPECT_EQ(test, kept, RESV_FENCES / 2);
}

/* ------------------------------------------------------------------ */

static struct kunit_case dma_fence_driver_patterns_cases[] = {
	KUNIT_CASE_PARAM(unarmed_callback_on_cb_list_runs_on_completion,
			 all_completions_gen_params),
	KUNIT_CASE(unarmed_callback_moved_between_fences_runs_once),
	KUNIT_CASE(waiter_unlinks_itself_when_bit_is_set_early),
	KUNIT_CASE(timeline_signalled_under_shared_lock_in_order),
	KUNIT_CASE(callback_signals_next_fence_under_first_lock),
	KUNIT_CASE_PARAM(error_set_before_completion_reaches_callbacks,
			 all_completions_gen_params),
	KUNIT_CASE(enable_hook_that_marks_signalled_still_queues),
	KUNIT_CASE(direct_default_wait_does_not_arm),
	KUNIT_CASE(enable_hook_signals_siblings_on_shared_lock),
	KUNIT_CASE(resv_replace_inside_locked_walk),
	{}
};

static struct kunit_suite dma_fence_driver_patterns_suite = {
	.name = "dma_fence_driver_patterns",
	.test_cases = dma_fence_driver_patterns_cases,
};

kunit_test_suite(dma_fence_driver_patterns_suite);

MODULE_DESCRIPTION("KUnit replay of how in-tree drivers use dma_fence");
MODULE_LICENSE("GPL");

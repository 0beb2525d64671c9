// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_fence_driver_patterns": the fence core as in-tree
 * drivers of Linux 6.12 use it, including the places where they reach
 * past the API into &struct dma_fence itself.
 *
 * Each case replays one driver's pattern, in the driver's order of
 * operations, and asserts what that driver relies on. The patterns were
 * collected by reading every user of the fence internals under drivers/
 * and elsewhere in the 6.12 tree; the ones replayed here are:
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
 * driver in 6.12 touches &dma_resv.fences directly or adds a container to
 * a &dma_resv (dma-buf's IMPORT_SYNC_FILE unwraps, see the dma-buf suite);
 * kernel/, fs/, mm/, io_uring/ and drivers/media have no fence users.
 *
 * The concurrency cases pin two kernel threads to two CPUs and widen the
 * window a driver leaves between two steps with a bounded busy-wait: one
 * thread holds the lock, or sits inside a callback or a hook, while the
 * other signals, waits, or arms. They are skipped with fewer than two
 * CPUs (UML).
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "dmabuf-kunit.h"

/* How long one side keeps the window open for the other. */
#define WINDOW_US		2000
/* Upper bound on waiting for the other thread to reach a step. */
#define MEET_TIMEOUT_US		(2 * USEC_PER_SEC)
/* Upper bound on waiting for a thread of the case to finish. */
#define THREAD_GRACE		(30 * HZ)
/* Rounds of the stress cases. */
#define STRESS_ROUNDS		2000

struct two_cpu;

/* What one of the two pinned threads of a case does. */
typedef void (*two_cpu_fn)(struct two_cpu *tc);

/* A driver fence with a hardware seqno that ops->signaled polls. */
struct hw_fence {
	struct dma_fence base;	/* first: the default release frees us */
	spinlock_t lock;
	bool hw_done;		/* what ops->signaled reports */
	/* When set, ops->enable_signaling holds the window open. */
	struct two_cpu *slow_enable;
	/* i915: a request found complete is marked signalled by the hook. */
	bool enable_marks_signalled;
	/* radeon: the hook completes these siblings on the shared lock. */
	struct dma_fence **enable_completes;
	int enable_completes_count;
	atomic_t enables;
};

static_assert(offsetof(struct hw_fence, base) == 0);

static struct hw_fence *to_hw(struct dma_fence *fence)
{
	return container_of(fence, struct hw_fence, base);
}

static const char *hw_fence_name(struct dma_fence *fence)
{
	return "kunit-pattern";
}

static bool hw_fence_signaled(struct dma_fence *fence)
{
	return READ_ONCE(to_hw(fence)->hw_done);
}

static bool hw_fence_enable(struct dma_fence *fence);

static const struct dma_fence_ops hw_fence_ops = {
	.get_driver_name = hw_fence_name,
	.get_timeline_name = hw_fence_name,
	.enable_signaling = hw_fence_enable,
	.signaled = hw_fence_signaled,
};

static struct dma_fence *hw_fence_create(struct kunit *test,
					 spinlock_t *shared_lock, u64 context,
					 u64 seqno)
{
	struct hw_fence *hw = kzalloc(sizeof(*hw), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, hw);
	spin_lock_init(&hw->lock);
	dma_fence_init(&hw->base, &hw_fence_ops,
		       shared_lock ? shared_lock : &hw->lock, context, seqno);
	return dmabuf_kunit_fence_adopt(test, &hw->base);
}

static bool fence_bit(struct dma_fence *fence, int bit)
{
	return test_bit(bit, &fence->flags);
}

/* ------------------------------------------------------------------ */
/* Two pinned threads that meet at steps                               */
/* ------------------------------------------------------------------ */

/*
 * Two kernel threads, "a" on one CPU and "b" on another. Each runs its own
 * function; they synchronise through @step, which only ever grows.
 */
struct two_cpu {
	struct kunit *test;
	struct dma_fence *fence;
	atomic_t step;
	bool timed_out;		/* a meeting never happened */
	bool violated;		/* what the case watches for was seen */
	long result;		/* what the watched call returned */
	int param;
	struct completion go;	/* both threads exist: start */
	struct completion done[2];
	two_cpu_fn fn[2];
	/* What each thread is handed: the pair and which side it is. */
	struct two_cpu_side {
		struct two_cpu *tc;
		unsigned int index;
	} side[2];
};

/*
 * Spin (interrupts may be off) until @tc reaches @step; false on timeout.
 * Every bounded spin here counts udelay(1) steps rather than reading the
 * clock: a guest without a usable TSC keeps time in jiffies, which stop
 * while the CPU that runs the tick has interrupts off.
 */
static bool two_cpu_meet(struct two_cpu *tc, int step)
{
	unsigned long us;

	for (us = 0; atomic_read(&tc->step) < step; us++) {
		if (us == MEET_TIMEOUT_US) {
			WRITE_ONCE(tc->timed_out, true);
			return false;
		}
		udelay(1);
	}
	return true;
}

static void two_cpu_reach(struct two_cpu *tc, int step)
{
	atomic_set(&tc->step, step);
}

/* Burn @us microseconds where sleeping is not allowed (a lock is held). */
static void busy_wait_us(unsigned int us)
{
	while (us--)
		udelay(1);
}

/*
 * Keep the window open for WINDOW_US while watching @fence: returns true
 * if the signalled bit was, or became, set meanwhile.
 */
static bool hold_window_watching(struct dma_fence *fence)
{
	bool seen = false;
	unsigned int us;

	for (us = 0; us < WINDOW_US; us++) {
		seen |= fence_bit(fence, DMA_FENCE_FLAG_SIGNALED_BIT);
		udelay(1);
	}
	return seen | fence_bit(fence, DMA_FENCE_FLAG_SIGNALED_BIT);
}

static int two_cpu_thread(void *data)
{
	struct two_cpu_side *side = data;
	struct two_cpu *tc = side->tc;

	wait_for_completion(&tc->go);
	tc->fn[side->index](tc);
	complete(&tc->done[side->index]);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static void two_cpu_stop(void *data)
{
	struct task_struct *task = data;

	kthread_stop(task);
	put_task_struct(task);
}

static void two_cpu_spawn(struct kunit *test, struct two_cpu *tc,
			  unsigned int index, unsigned int cpu)
{
	struct two_cpu_side *side = &tc->side[index];
	struct task_struct *task;

	side->tc = tc;
	side->index = index;
	task = kthread_create(two_cpu_thread, side, "kunit-pattern-%c",
			      'a' + index);
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	kthread_bind(task, cpu);
	get_task_struct(task);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, two_cpu_stop,
							task), 0);
	wake_up_process(task);
}

/* Set up @tc, zeroed memory, for a case on @fence; skips with one CPU. */
static void two_cpu_prepare(struct kunit *test, struct two_cpu *tc,
			    struct dma_fence *fence)
{
	if (num_online_cpus() < 2)
		kunit_skip(test, "needs two CPUs");
	tc->test = test;
	tc->fence = fence;
	init_completion(&tc->go);
	init_completion(&tc->done[0]);
	init_completion(&tc->done[1]);
}

static struct two_cpu *two_cpu_new(struct kunit *test, struct dma_fence *fence)
{
	struct two_cpu *tc = kunit_kzalloc(test, sizeof(*tc), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, tc);
	two_cpu_prepare(test, tc, fence);
	return tc;
}

/* Start both sides on two different CPUs and wait for both to finish. */
static void two_cpu_run(struct kunit *test, struct two_cpu *tc,
			two_cpu_fn a, two_cpu_fn b)
{
	unsigned int cpu_a = cpumask_first(cpu_online_mask);
	unsigned int cpu_b = cpumask_next(cpu_a, cpu_online_mask);

	tc->fn[0] = a;
	tc->fn[1] = b;
	/*
	 * Both threads exist and sit on their CPUs before either starts:
	 * one of them may spin with interrupts off, and a thread still being
	 * created could otherwise wait behind it.
	 */
	two_cpu_spawn(test, tc, 0, cpu_a);
	two_cpu_spawn(test, tc, 1, cpu_b);
	complete_all(&tc->go);
	KUNIT_ASSERT_NE_MSG(test, wait_for_completion_timeout(&tc->done[0],
							      THREAD_GRACE),
			    0, "thread a never finished");
	KUNIT_ASSERT_NE_MSG(test, wait_for_completion_timeout(&tc->done[1],
							      THREAD_GRACE),
			    0, "thread b never finished");
	KUNIT_EXPECT_FALSE_MSG(test, tc->timed_out,
			       "the two threads never met");
}

/* ------------------------------------------------------------------ */
/* Pattern 1: i915_active queues on cb_list without arming             */
/* ------------------------------------------------------------------ */

/* The ways a driver or the core completes a fence. */
enum completion_kind {
	BY_SIGNAL,
	BY_SIGNAL_TIMESTAMP,
	BY_SIGNAL_LOCKED,
	BY_POLLING,		/* dma_fence_is_signaled() finds hw_done */
	BY_POLLING_LOCKED,	/* dma_fence_is_signaled_locked() does */
	COMPLETION_KINDS,
};

static const char *const completion_names[] = {
	[BY_SIGNAL] = "dma_fence_signal",
	[BY_SIGNAL_TIMESTAMP] = "dma_fence_signal_timestamp",
	[BY_SIGNAL_LOCKED] = "dma_fence_signal_locked",
	[BY_POLLING] = "dma_fence_is_signaled",
	[BY_POLLING_LOCKED] = "dma_fence_is_signaled_locked",
};

static void complete_fence(struct dma_fence *fence, enum completion_kind how)
{
	unsigned long flags;

	switch (how) {
	case BY_SIGNAL:
		dma_fence_signal(fence);
		break;
	case BY_SIGNAL_TIMESTAMP:
		dma_fence_signal_timestamp(fence, ktime_get());
		break;
	case BY_SIGNAL_LOCKED:
		spin_lock_irqsave(fence->lock, flags);
		dma_fence_signal_locked(fence);
		spin_unlock_irqrestore(fence->lock, flags);
		break;
	case BY_POLLING:
		WRITE_ONCE(to_hw(fence)->hw_done, true);
		dma_fence_is_signaled(fence);
		break;
	case BY_POLLING_LOCKED:
		WRITE_ONCE(to_hw(fence)->hw_done, true);
		spin_lock_irqsave(fence->lock, flags);
		dma_fence_is_signaled_locked(fence);
		spin_unlock_irqrestore(fence->lock, flags);
		break;
	default:
		break;
	}
}

static void completion_desc(const int *how, char *desc)
{
	strscpy(desc, completion_names[*how], KUNIT_PARAM_DESC_SIZE);
}

static const int all_completions[] = {
	BY_SIGNAL, BY_SIGNAL_TIMESTAMP, BY_SIGNAL_LOCKED, BY_POLLING,
	BY_POLLING_LOCKED,
};

KUNIT_ARRAY_PARAM(all_completions, all_completions, completion_desc);

/* Completions that do not start with the caller holding the lock. */
static const int unlocked_completions[] = {
	BY_SIGNAL, BY_SIGNAL_TIMESTAMP, BY_POLLING,
};

KUNIT_ARRAY_PARAM(unlocked_completions, unlocked_completions, completion_desc);

struct retire_cb {
	struct dma_fence_cb cb;
	atomic_t calls;
	bool saw_signalled;
};

static void retire_cb_fn(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	struct retire_cb *rc = container_of(cb, struct retire_cb, cb);

	rc->saw_signalled = fence_bit(fence, DMA_FENCE_FLAG_SIGNALED_BIT);
	atomic_inc(&rc->calls);
}

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
/* Pattern 2: the lock freezes the fence (amdgpu, nouveau)             */
/* ------------------------------------------------------------------ */

/*
 * amdgpu_fence_driver_set_error(): for each pending fence, under the
 * lock, "if (!dma_fence_is_signaled_locked(f)) dma_fence_set_error(f, e)".
 * Side a does that with the window between check and store held open;
 * side b completes the fence meanwhile.
 */
static void set_error_side(struct two_cpu *tc)
{
	struct dma_fence *fence = tc->fence;
	unsigned long flags;

	spin_lock_irqsave(fence->lock, flags);
	if (!dma_fence_is_signaled_locked(fence)) {
		two_cpu_reach(tc, 1);
		if (two_cpu_meet(tc, 2))
			tc->violated = hold_window_watching(fence);
		dma_fence_set_error(fence, -ECANCELED);
	}
	spin_unlock_irqrestore(fence->lock, flags);
}

static void complete_side(struct two_cpu *tc)
{
	if (!two_cpu_meet(tc, 1))
		return;
	two_cpu_reach(tc, 2);
	complete_fence(tc->fence, tc->param);
}

static void lock_holder_sees_fence_stay_pending(struct kunit *test)
{
	const int *how = test->param_value;
	struct dma_fence *fence = hw_fence_create(test, NULL, 3, 1);
	struct two_cpu *tc = two_cpu_new(test, fence);

	tc->param = *how;
	two_cpu_run(test, tc, set_error_side, complete_side);

	KUNIT_EXPECT_FALSE_MSG(test, tc->violated,
			       "%s completed the fence while another CPU held its lock",
			       completion_names[*how]);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(fence));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), -ECANCELED);
}

/*
 * nouveau_fence_context_kill(): under the shared timeline lock, every
 * pending fence gets an error and is signalled with
 * dma_fence_signal_locked(), while the interrupt handler of another CPU
 * may be signalling the same fences with dma_fence_signal(). Each fence
 * ends up either killed (with the error) or signalled cleanly first, and
 * no error is ever stored after completion.
 */
#define KILL_FENCES	64

struct kill_race {
	struct two_cpu tc;
	spinlock_t lock;	/* the channel's lock, shared by its fences */
	struct dma_fence *fences[KILL_FENCES];
	atomic_t late_errors;
};

static void context_kill_side(struct two_cpu *tc)
{
	struct kill_race *kr = container_of(tc, struct kill_race, tc);
	unsigned long flags;
	int i;

	two_cpu_reach(tc, 1);
	spin_lock_irqsave(&kr->lock, flags);
	for (i = 0; i < KILL_FENCES; i++) {
		struct dma_fence *fence = kr->fences[i];

		if (dma_fence_is_signaled_locked(fence))
			continue;
		busy_wait_us(20);
		if (fence_bit(fence, DMA_FENCE_FLAG_SIGNALED_BIT)) {
			atomic_inc(&kr->late_errors);
			continue;
		}
		dma_fence_set_error(fence, -ENODEV);
		dma_fence_signal_locked(fence);
	}
	spin_unlock_irqrestore(&kr->lock, flags);
}

static void irq_signal_side(struct two_cpu *tc)
{
	struct kill_race *kr = container_of(tc, struct kill_race, tc);
	int i;

	if (!two_cpu_meet(tc, 1))
		return;
	/* One interrupt per fence, at the pace the other side kills them. */
	for (i = KILL_FENCES - 1; i >= 0; i--) {
		dma_fence_signal(kr->fences[i]);
		busy_wait_us(10);
	}
}

static void context_kill_races_interrupt_signalling(struct kunit *test)
{
	struct kill_race *kr = kunit_kzalloc(test, sizeof(*kr), GFP_KERNEL);
	struct two_cpu *tc;
	int i, killed = 0;

	KUNIT_ASSERT_NOT_NULL(test, kr);
	spin_lock_init(&kr->lock);
	for (i = 0; i < KILL_FENCES; i++)
		kr->fences[i] = hw_fence_create(test, &kr->lock, 4, i + 1);
	tc = &kr->tc;
	two_cpu_prepare(test, tc, NULL);
	two_cpu_run(test, tc, context_kill_side, irq_signal_side);

	for (i = 0; i < KILL_FENCES; i++) {
		int status = dma_fence_get_status(kr->fences[i]);

		KUNIT_EXPECT_TRUE(test, status == 1 || status == -ENODEV);
		killed += status == -ENODEV;
	}
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&kr->late_errors), 0,
			    "fences completed under the timeline lock of another CPU");
	kunit_info(test, "%d of %d fences killed", killed, KILL_FENCES);
}

/* ------------------------------------------------------------------ */
/* Pattern 3: enable_signaling runs under the lock                     */
/* ------------------------------------------------------------------ */

static bool hw_fence_enable(struct dma_fence *fence)
{
	struct hw_fence *hw = to_hw(fence);
	struct two_cpu *tc = hw->slow_enable;

	int i;

	atomic_inc(&hw->enables);
	for (i = 0; i < hw->enable_completes_count; i++)
		dma_fence_signal_locked(hw->enable_completes[i]);
	if (hw->enable_marks_signalled)
		set_bit(DMA_FENCE_FLAG_SIGNALED_BIT, &fence->flags);
	if (!tc)
		return true;
	/* Like a driver's hook that programs an interrupt: it takes time. */
	two_cpu_reach(tc, 1);
	if (two_cpu_meet(tc, 2))
		tc->violated |= hold_window_watching(fence);
	/* Release ordering: the other side reads @step after it returns. */
	atomic_set_release(&tc->step, 3);
	return true;
}

static void arm_side(struct two_cpu *tc)
{
	dma_fence_enable_sw_signaling(tc->fence);
}

/* Side b: complete the fence while side a is inside the hook. */
static void complete_during_enable_side(struct two_cpu *tc)
{
	if (!two_cpu_meet(tc, 1))
		return;
	two_cpu_reach(tc, 2);
	complete_fence(tc->fence, tc->param);
}

static void enable_signaling_sees_fence_stay_pending(struct kunit *test)
{
	const int *how = test->param_value;
	struct dma_fence *fence = hw_fence_create(test, NULL, 5, 1);
	struct two_cpu *tc = two_cpu_new(test, fence);

	to_hw(fence)->slow_enable = tc;
	tc->param = *how;
	two_cpu_run(test, tc, arm_side, complete_during_enable_side);

	KUNIT_EXPECT_FALSE_MSG(test, tc->violated,
			       "%s completed the fence inside enable_signaling",
			       completion_names[*how]);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(fence));
	KUNIT_EXPECT_EQ(test, atomic_read(&to_hw(fence)->enables), 1);
}

/* The ways a second user asks for signalling while the hook runs. */
enum arm_kind {
	ARM_ENABLE_SW_SIGNALING,
	ARM_ADD_CALLBACK,
	ARM_WAIT_TIMEOUT_ZERO,
	ARM_KINDS,
};

static const char *const arm_names[] = {
	[ARM_ENABLE_SW_SIGNALING] = "dma_fence_enable_sw_signaling",
	[ARM_ADD_CALLBACK] = "dma_fence_add_callback",
	[ARM_WAIT_TIMEOUT_ZERO] = "dma_fence_wait_timeout_0",
};

static void arm_desc(const int *kind, char *desc)
{
	strscpy(desc, arm_names[*kind], KUNIT_PARAM_DESC_SIZE);
}

static const int all_arms[] = {
	ARM_ENABLE_SW_SIGNALING, ARM_ADD_CALLBACK, ARM_WAIT_TIMEOUT_ZERO,
};

KUNIT_ARRAY_PARAM(all_arms, all_arms, arm_desc);

static void second_arm_side(struct two_cpu *tc)
{
	struct retire_cb *rc;

	if (!two_cpu_meet(tc, 2))
		return;
	switch (tc->param) {
	case ARM_ENABLE_SW_SIGNALING:
		dma_fence_enable_sw_signaling(tc->fence);
		break;
	case ARM_ADD_CALLBACK:
		rc = kunit_kzalloc(tc->test, sizeof(*rc), GFP_KERNEL);
		if (rc && !dma_fence_add_callback(tc->fence, &rc->cb,
						  retire_cb_fn))
			dma_fence_remove_callback(tc->fence, &rc->cb);
		break;
	case ARM_WAIT_TIMEOUT_ZERO:
		dma_fence_wait_timeout(tc->fence, false, 0);
		break;
	}
	/* Acquire: pairs with the release at the end of the hook. */
	tc->result = atomic_read_acquire(&tc->step);
}

/* Side b of the second-arm case reaches step 2 only through a: let a know. */
static void first_arm_side(struct two_cpu *tc)
{
	dma_fence_enable_sw_signaling(tc->fence);
}

static void go_side(struct two_cpu *tc)
{
	if (!two_cpu_meet(tc, 1))
		return;
	two_cpu_reach(tc, 2);
	second_arm_side(tc);
}

/*
 * While one CPU is inside enable_signaling, a second user of the fence
 * asks for signalling too. It must not return before the driver has
 * finished arming: under 6.12 every such call takes the fence lock.
 */
static void second_arm_returns_after_enable_signaling(struct kunit *test)
{
	const int *kind = test->param_value;
	struct dma_fence *fence = hw_fence_create(test, NULL, 6, 1);
	struct two_cpu *tc = two_cpu_new(test, fence);

	to_hw(fence)->slow_enable = tc;
	tc->param = *kind;
	two_cpu_run(test, tc, first_arm_side, go_side);

	KUNIT_EXPECT_EQ_MSG(test, tc->result, 3,
			    "%s returned while enable_signaling still ran",
			    arm_names[*kind]);
	KUNIT_EXPECT_EQ(test, atomic_read(&to_hw(fence)->enables), 1);
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
/* Pattern 5: the timestamp is published with the bit                  */
/* ------------------------------------------------------------------ */

struct stamp_race {
	struct two_cpu tc;
	struct dma_fence *fences[STRESS_ROUNDS];
	atomic_t index;		/* fence side b is signalling */
	atomic_t gaps;
};

static void stamp_signal_side(struct two_cpu *tc)
{
	struct stamp_race *sr = container_of(tc, struct stamp_race, tc);
	int i;

	two_cpu_reach(tc, 1);
	for (i = 0; i < STRESS_ROUNDS; i++) {
		atomic_set(&sr->index, i);
		dma_fence_signal(sr->fences[i]);
	}
	atomic_set(&sr->index, STRESS_ROUNDS);
}

/* drm_sched reads timestamps under a spinlock; here, the fence lock. */
static void stamp_reader_side(struct two_cpu *tc)
{
	struct stamp_race *sr = container_of(tc, struct stamp_race, tc);
	int i;

	if (!two_cpu_meet(tc, 1))
		return;
	while ((i = atomic_read(&sr->index)) < STRESS_ROUNDS) {
		struct dma_fence *fence = sr->fences[i];
		unsigned long flags;

		spin_lock_irqsave(fence->lock, flags);
		if (fence_bit(fence, DMA_FENCE_FLAG_SIGNALED_BIT) &&
		    !fence_bit(fence, DMA_FENCE_FLAG_TIMESTAMP_BIT))
			atomic_inc(&sr->gaps);
		spin_unlock_irqrestore(fence->lock, flags);
	}
}

static void lock_holder_never_sees_signalled_without_timestamp(struct kunit *test)
{
	struct stamp_race *sr = kunit_kzalloc(test, sizeof(*sr), GFP_KERNEL);
	static DEFINE_SPINLOCK(timeline);
	struct two_cpu *tc;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, sr);
	tc = &sr->tc;
	two_cpu_prepare(test, tc, NULL);
	for (i = 0; i < STRESS_ROUNDS; i++)
		sr->fences[i] = hw_fence_create(test, &timeline, 8, i + 1);
	two_cpu_run(test, tc, stamp_signal_side, stamp_reader_side);

	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&sr->gaps), 0,
			    "a lock holder saw a signalled fence without its timestamp");
	for (i = 0; i < STRESS_ROUNDS; i++)
		KUNIT_EXPECT_TRUE(test, fence_bit(sr->fences[i],
						  DMA_FENCE_FLAG_TIMESTAMP_BIT));
}

/* ------------------------------------------------------------------ */
/* Pattern 6: a wait returns after the callbacks have run              */
/* ------------------------------------------------------------------ */

struct slow_cb {
	struct dma_fence_cb cb;
	struct two_cpu *tc;
	atomic_t finished;
};

static void slow_cb_fn(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	struct slow_cb *sc = container_of(cb, struct slow_cb, cb);
	struct two_cpu *tc = sc->tc;

	two_cpu_reach(tc, 1);
	/* The other side waits from here on; give it time to get in. */
	if (two_cpu_meet(tc, 2))
		hold_window_watching(fence);
	atomic_set_release(&sc->finished, 1);
}

/* The ways a waiter finds out that a signalled fence is done. */
enum wait_kind {
	WAIT_WAIT,
	WAIT_TIMEOUT,
	WAIT_DEFAULT_WAIT,
	WAIT_ENABLE_SW_SIGNALING,
	WAIT_GET_STATUS,
	WAIT_KINDS,
};

static const char *const wait_names[] = {
	[WAIT_WAIT] = "dma_fence_wait",
	[WAIT_TIMEOUT] = "dma_fence_wait_timeout",
	[WAIT_DEFAULT_WAIT] = "dma_fence_default_wait",
	[WAIT_ENABLE_SW_SIGNALING] = "dma_fence_enable_sw_signaling",
	[WAIT_GET_STATUS] = "dma_fence_get_status",
};

static void wait_desc(const int *kind, char *desc)
{
	strscpy(desc, wait_names[*kind], KUNIT_PARAM_DESC_SIZE);
}

static const int all_waits[] = {
	WAIT_WAIT, WAIT_TIMEOUT, WAIT_DEFAULT_WAIT, WAIT_ENABLE_SW_SIGNALING,
	WAIT_GET_STATUS,
};

KUNIT_ARRAY_PARAM(all_waits, all_waits, wait_desc);

struct handoff {
	struct two_cpu tc;
	struct slow_cb sc;
};

/*
 * A fence whose only callback holds the window open when it runs, and the
 * pair of threads that will signal it and look at it.
 */
static struct handoff *handoff_new(struct kunit *test, u64 context)
{
	struct dma_fence *fence = hw_fence_create(test, NULL, context, 1);
	struct handoff *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, h);
	two_cpu_prepare(test, &h->tc, fence);
	h->sc.tc = &h->tc;
	KUNIT_ASSERT_EQ(test, dma_fence_add_callback(fence, &h->sc.cb,
						     slow_cb_fn), 0);
	return h;
}

static void handoff_signal_side(struct two_cpu *tc)
{
	dma_fence_signal(tc->fence);
}

static void handoff_wait_side(struct two_cpu *tc)
{
	struct handoff *h = container_of(tc, struct handoff, tc);

	if (!two_cpu_meet(tc, 1))
		return;
	two_cpu_reach(tc, 2);
	switch (tc->param) {
	case WAIT_WAIT:
		dma_fence_wait(tc->fence, false);
		break;
	case WAIT_TIMEOUT:
		dma_fence_wait_timeout(tc->fence, false, THREAD_GRACE);
		break;
	case WAIT_DEFAULT_WAIT:
		dma_fence_default_wait(tc->fence, false, THREAD_GRACE);
		break;
	case WAIT_ENABLE_SW_SIGNALING:
		dma_fence_enable_sw_signaling(tc->fence);
		break;
	case WAIT_GET_STATUS:
		dma_fence_get_status(tc->fence);
		break;
	}
	/* What the waiter would free next must be done with. */
	tc->result = atomic_read_acquire(&h->sc.finished);
}

static void wait_returns_after_callbacks_have_run(struct kunit *test)
{
	const int *kind = test->param_value;
	struct handoff *h = handoff_new(test, 9);
	struct two_cpu *tc = &h->tc;

	tc->param = *kind;
	two_cpu_run(test, tc, handoff_signal_side, handoff_wait_side);

	KUNIT_EXPECT_EQ_MSG(test, tc->result, 1,
			    "%s returned while a callback was still running",
			    wait_names[*kind]);
}

/*
 * The other half of the same guarantee: dma_fence_remove_callback()
 * returning false means the callback has finished, not merely started.
 */
static void remove_side(struct two_cpu *tc)
{
	struct handoff *h = container_of(tc, struct handoff, tc);

	if (!two_cpu_meet(tc, 1))
		return;
	two_cpu_reach(tc, 2);
	if (!dma_fence_remove_callback(tc->fence, &h->sc.cb))
		tc->result = atomic_read_acquire(&h->sc.finished);
	else
		tc->result = -1;
}

static void remove_callback_false_means_callback_finished(struct kunit *test)
{
	struct handoff *h = handoff_new(test, 10);
	struct two_cpu *tc = &h->tc;

	two_cpu_run(test, tc, handoff_signal_side, remove_side);

	KUNIT_EXPECT_EQ(test, tc->result, 1);
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
	to_hw(fence)->enable_marks_signalled = true;

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

/*
 * radeon_fence_enable_signaling() runs under the shared fence_queue lock
 * and, through wake_up_all_locked(), signals other fences of the ring
 * with dma_fence_signal_locked() before it returns.
 */
static void enable_hook_signals_siblings_on_shared_lock(struct kunit *test)
{
	static DEFINE_SPINLOCK(ring);
	struct dma_fence *older[2];
	struct dma_fence *fence;
	struct dmabuf_kunit_probe *probes[2];
	int i;

	for (i = 0; i < 2; i++) {
		older[i] = hw_fence_create(test, &ring, 17, i + 1);
		probes[i] = dmabuf_kunit_probe_attach(test, older[i]);
	}
	fence = hw_fence_create(test, &ring, 17, 3);
	to_hw(fence)->enable_completes = older;
	to_hw(fence)->enable_completes_count = 2;

	dma_fence_enable_sw_signaling(fence);

	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(older[i]));
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

static struct kunit_case dma_fence_driver_pattern_cases[] = {
	KUNIT_CASE_PARAM(unarmed_callback_on_cb_list_runs_on_completion,
			 all_completions_gen_params),
	KUNIT_CASE(unarmed_callback_moved_between_fences_runs_once),
	KUNIT_CASE_PARAM(lock_holder_sees_fence_stay_pending,
			 unlocked_completions_gen_params),
	KUNIT_CASE_SLOW(context_kill_races_interrupt_signalling),
	KUNIT_CASE_PARAM(enable_signaling_sees_fence_stay_pending,
			 unlocked_completions_gen_params),
	KUNIT_CASE_PARAM(second_arm_returns_after_enable_signaling,
			 all_arms_gen_params),
	KUNIT_CASE(waiter_unlinks_itself_when_bit_is_set_early),
	KUNIT_CASE_SLOW(lock_holder_never_sees_signalled_without_timestamp),
	KUNIT_CASE_PARAM(wait_returns_after_callbacks_have_run,
			 all_waits_gen_params),
	KUNIT_CASE(remove_callback_false_means_callback_finished),
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
	.test_cases = dma_fence_driver_pattern_cases,
};

kunit_test_suite(dma_fence_driver_patterns_suite);

MODULE_DESCRIPTION("KUnit replay of how in-tree drivers use dma_fence");
MODULE_LICENSE("GPL");

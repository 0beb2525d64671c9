// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_fence_driver_patterns_smp": the patterns of in-tree
 * drivers (numbered as in the list in dma-fence-driver-patterns-kunit.c)
 * whose assumption only a second CPU can break.
 *
 * Each case pins two kernel threads to two CPUs and widens the window a
 * driver leaves between two steps with a bounded busy-wait: one thread
 * holds the lock, or sits inside a callback or a hook, while the other
 * signals, waits, or arms. All of them are races, hence slow cases; they
 * are skipped with fewer than two CPUs (UML).
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/dma-fence.h>
#include <linux/kthread.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "dma-fence-driver-patterns-kunit.h"

/* How long one side keeps the window open for the other. */
#define WINDOW_US		2000
/* Upper bound on waiting for the other thread to reach a step. */
#define MEET_TIMEOUT_US		(2 * USEC_PER_SEC)
/* Rounds of the stress cases. */
#define STRESS_ROUNDS		2000

struct two_cpu;

/* What one of the two pinned threads of a case does. */
typedef void (*two_cpu_fn)(struct two_cpu *tc);

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

/* Completions that do not start with the caller holding the lock. */
static const int unlocked_completions[] = {
	BY_SIGNAL, BY_SIGNAL_TIMESTAMP, BY_POLLING,
};

KUNIT_ARRAY_PARAM(unlocked_completions, unlocked_completions, completion_desc);

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
			       completion_name(*how));
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

/*
 * The fence's enable_signaling hook, made slow: like a driver's hook that
 * programs an interrupt, it takes time, during which the other side acts.
 */
static void slow_enable(struct dmabuf_kunit_leaf *leaf)
{
	struct two_cpu *tc = leaf->priv;

	two_cpu_reach(tc, 1);
	if (two_cpu_meet(tc, 2))
		tc->violated |= hold_window_watching(&leaf->base);
	/* Release ordering: the other side reads @step after it returns. */
	atomic_set_release(&tc->step, 3);
}

/* Make the enable_signaling hook of @fence hold the window open for @tc. */
static void enable_slowly(struct dma_fence *fence, struct two_cpu *tc)
{
	to_hw(fence)->priv = tc;
	to_hw(fence)->on_enable = slow_enable;
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

	enable_slowly(fence, tc);
	tc->param = *how;
	two_cpu_run(test, tc, arm_side, complete_during_enable_side);

	KUNIT_EXPECT_FALSE_MSG(test, tc->violated,
			       "%s completed the fence inside enable_signaling",
			       completion_name(*how));
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
 * finished arming, or it would act on a fence the driver has not set up
 * yet: every such call waits for the fence lock, which the hook holds.
 */
static void second_arm_returns_after_enable_signaling(struct kunit *test)
{
	const int *kind = test->param_value;
	struct dma_fence *fence = hw_fence_create(test, NULL, 6, 1);
	struct two_cpu *tc = two_cpu_new(test, fence);

	enable_slowly(fence, tc);
	tc->param = *kind;
	two_cpu_run(test, tc, first_arm_side, go_side);

	KUNIT_EXPECT_EQ_MSG(test, tc->result, 3,
			    "%s returned while enable_signaling still ran",
			    arm_names[*kind]);
	KUNIT_EXPECT_EQ(test, atomic_read(&to_hw(fence)->enables), 1);
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

#define SLOW	{ .speed = KUNIT_SPEED_SLOW }

static struct kunit_case dma_fence_driver_patterns_smp_cases[] = {
	KUNIT_CASE_PARAM_ATTR(lock_holder_sees_fence_stay_pending,
			      unlocked_completions_gen_params, SLOW),
	KUNIT_CASE_SLOW(context_kill_races_interrupt_signalling),
	KUNIT_CASE_PARAM_ATTR(enable_signaling_sees_fence_stay_pending,
			      unlocked_completions_gen_params, SLOW),
	KUNIT_CASE_PARAM_ATTR(second_arm_returns_after_enable_signaling,
			      all_arms_gen_params, SLOW),
	KUNIT_CASE_SLOW(lock_holder_never_sees_signalled_without_timestamp),
	KUNIT_CASE_PARAM_ATTR(wait_returns_after_callbacks_have_run,
			      all_waits_gen_params, SLOW),
	KUNIT_CASE_SLOW(remove_callback_false_means_callback_finished),
	{}
};

static struct kunit_suite dma_fence_driver_patterns_smp_suite = {
	.name = "dma_fence_driver_patterns_smp",
	.test_cases = dma_fence_driver_patterns_smp_cases,
};

kunit_test_suite(dma_fence_driver_patterns_smp_suite);

MODULE_DESCRIPTION("KUnit replay of driver uses of dma_fence on two CPUs");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_fence_wait": waiting for a struct dma_fence. Covered:
 * every wait flavour, its return values and timeouts, interrupted waits,
 * many threads on one fence, a driver's own ->wait, waiting for any of
 * several fences, and deadline hints.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/debug_locks.h>
#include <linux/delay.h>
#include <linux/dma-fence.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "dma-fence-kunit.h"

#define WAITERS			4

/* An hrtimer that signals a fence from interrupt context. */
struct timed_signal {
	struct hrtimer timer;
	struct dma_fence *fence;
	int ret;
	bool in_hardirq;
};

static enum hrtimer_restart timed_signal_fire(struct hrtimer *timer)
{
	struct timed_signal *ts = container_of(timer, struct timed_signal,
					       timer);

	ts->in_hardirq = in_hardirq();
	ts->ret = dma_fence_signal(ts->fence);
	return HRTIMER_NORESTART;
}

static void timed_signal_cancel(void *data)
{
	struct timed_signal *ts = data;

	hrtimer_cancel(&ts->timer);
	dma_fence_put(ts->fence);
}

static struct timed_signal *signal_later(struct kunit *test,
					 struct dma_fence *fence,
					 unsigned int delay_ms)
{
	struct timed_signal *ts = kunit_kzalloc(test, sizeof(*ts), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ts);
	ts->fence = dma_fence_get(fence);
	ts->ret = 1;
	hrtimer_init(&ts->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	ts->timer.function = timed_signal_fire;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							timed_signal_cancel,
							ts), 0);
	hrtimer_start(&ts->timer, ms_to_ktime(delay_ms), HRTIMER_MODE_REL);
	return ts;
}

/* Wait for the timer callback to be over, so that its results are final. */
static void signal_later_sync(struct timed_signal *ts)
{
	hrtimer_cancel(&ts->timer);
}

/* What a waiter thread calls, and how. */
enum wait_kind {
	WAIT_TIMEOUT,
	WAIT_FOREVER,
	WAIT_ANY,
};

struct waiter {
	struct dma_fence *fences[2];
	u32 count;
	enum wait_kind kind;
	bool intr;
	bool raise_first;	/* make a signal pending before waiting */
	signed long timeout;
	signed long ret;
	u32 idx;
	struct completion ready;
	struct completion done;
	struct task_struct *task;
};

static int waiter_fn(void *data)
{
	struct waiter *w = data;

	/* Kernel threads ignore signals unless they ask for them. */
	allow_signal(SIGUSR1);
	if (w->raise_first)
		send_sig(SIGUSR1, current, 1);
	complete(&w->ready);

	switch (w->kind) {
	case WAIT_TIMEOUT:
		w->ret = dma_fence_wait_timeout(w->fences[0], w->intr,
						w->timeout);
		break;
	case WAIT_FOREVER:
		w->ret = dma_fence_wait(w->fences[0], w->intr);
		break;
	case WAIT_ANY:
		w->ret = dma_fence_wait_any_timeout(w->fences, w->count,
						    w->intr, w->timeout,
						    &w->idx);
		break;
	}

	flush_signals(current);
	complete(&w->done);
	return 0;
}

/* Runs before the thread is stopped: a blocked waiter must come back. */
static void waiter_unblock(void *data)
{
	struct waiter *w = data;
	u32 i;

	for (i = 0; i < w->count; i++)
		dma_fence_signal(w->fences[i]);
}

static struct waiter *waiter_start(struct kunit *test, enum wait_kind kind,
				   struct dma_fence **fences, u32 count,
				   bool intr, signed long timeout,
				   bool raise_first)
{
	struct waiter *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, w);
	KUNIT_ASSERT_LE(test, count, ARRAY_SIZE(w->fences));
	for (i = 0; i < count; i++)
		w->fences[i] = fences[i];
	w->count = count;
	w->kind = kind;
	w->intr = intr;
	w->timeout = timeout;
	w->raise_first = raise_first;
	w->ret = LONG_MIN;
	init_completion(&w->ready);
	init_completion(&w->done);
	w->task = dmabuf_kunit_thread_start(test, "dmaf", waiter_fn, w,
					    "waiter");
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, waiter_unblock,
							w), 0);
	dmabuf_kunit_thread_wait(test, &w->ready, THREAD_GRACE,
				 "waiter start-up");
	return w;
}

/* ------------------------------------------------------------------ */
/* Waiting                                                              */
/* ------------------------------------------------------------------ */

static void wait_timeout_expires_with_zero_on_pending_fence(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);

	KUNIT_EXPECT_EQ(test, dma_fence_wait_timeout(fence, false, SHORT_WAIT),
			0);
	KUNIT_EXPECT_EQ(test, dma_fence_wait_timeout(fence, true, SHORT_WAIT),
			0);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), 0);
}

static void wait_timeout_returns_remaining_jiffies_when_signalled(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct timed_signal *ts;
	signed long ret;

	ts = signal_later(test, fence, SIGNAL_DELAY_MS);
	ret = dma_fence_wait_timeout(fence, true, LONG_WAIT);
	signal_later_sync(ts);

	KUNIT_EXPECT_GT(test, ret, 0);
	KUNIT_EXPECT_LE(test, ret, LONG_WAIT);
	KUNIT_EXPECT_EQ(test, ts->ret, 0);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(fence));
}

enum zero_wait_how {
	ZERO_WAIT_TIMEOUT,
	ZERO_DEFAULT_WAIT,
};

struct zero_wait_case {
	const char *desc;
	enum zero_wait_how how;
	bool signalled;
	signed long expect;
};

static const struct zero_wait_case zero_wait_cases[] = {
	{ "wait_timeout on signalled fence returns 1",
	  ZERO_WAIT_TIMEOUT, true, 1 },
	{ "wait_timeout on pending fence returns 0",
	  ZERO_WAIT_TIMEOUT, false, 0 },
	{ "default_wait on signalled fence returns 1",
	  ZERO_DEFAULT_WAIT, true, 1 },
	{ "default_wait on pending fence returns 0",
	  ZERO_DEFAULT_WAIT, false, 0 },
};

KUNIT_ARRAY_PARAM_DESC(zero_wait_cases, zero_wait_cases, desc);

static void wait_with_zero_timeout_only_polls(struct kunit *test)
{
	const struct zero_wait_case *zc = test->param_value;
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	signed long ret;

	if (zc->signalled)
		KUNIT_ASSERT_EQ(test, dma_fence_signal(fence), 0);
	if (zc->how == ZERO_WAIT_TIMEOUT)
		ret = dma_fence_wait_timeout(fence, true, 0);
	else
		ret = dma_fence_default_wait(fence, true, 0);

	KUNIT_EXPECT_EQ(test, ret, zc->expect);
	KUNIT_EXPECT_EQ(test, dma_fence_is_signaled(fence), zc->signalled);
}

static void wait_on_signalled_fence_returns_at_once(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct dma_fence *failed = fence_new(test, MOCK, 2);
	signed long ret;

	KUNIT_ASSERT_EQ(test, dma_fence_signal(fence), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_wait(fence, true), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_wait(fence, false), 0);
	ret = dma_fence_wait_timeout(fence, false, LONG_WAIT);
	KUNIT_EXPECT_GT(test, ret, 0);
	KUNIT_EXPECT_LE(test, ret, LONG_WAIT);
	ret = dma_fence_default_wait(fence, true, LONG_WAIT);
	KUNIT_EXPECT_GT(test, ret, 0);
	KUNIT_EXPECT_LE(test, ret, LONG_WAIT);

	/* Waits report completion, not the error the fence completed with. */
	dma_fence_set_error(failed, -EIO);
	KUNIT_ASSERT_EQ(test, dma_fence_signal(failed), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_wait(failed, true), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(failed), -EIO);
}

static void wait_blocks_until_hrtimer_signals(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct timed_signal *ts;

	ts = signal_later(test, fence, SIGNAL_DELAY_MS);
	KUNIT_EXPECT_EQ(test, dma_fence_wait(fence, false), 0);
	signal_later_sync(ts);

	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(fence));
	KUNIT_EXPECT_EQ(test, ts->ret, 0);
	KUNIT_EXPECT_TRUE(test, ts->in_hardirq);
}

static void wait_enables_signaling(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);

	KUNIT_EXPECT_EQ(test, dma_fence_wait_timeout(fence, false, 0), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&to_mock(fence)->enables), 1);
	KUNIT_EXPECT_TRUE(test,
			  fence_flag(fence, DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT));
}

struct intr_case {
	const char *desc;
	enum wait_kind kind;
	bool intr;
	bool raise_first;
	signed long timeout;
	signed long expect;
};

static const struct intr_case intr_cases[] = {
	{ "wait_timeout with a signal already pending",
	  WAIT_TIMEOUT, true, true, LONG_WAIT, -ERESTARTSYS },
	{ "wait_timeout interrupted while blocked",
	  WAIT_TIMEOUT, true, false, LONG_WAIT, -ERESTARTSYS },
	{ "dma_fence_wait interrupted while blocked",
	  WAIT_FOREVER, true, false, 0, -ERESTARTSYS },
	{ "wait_any_timeout interrupted while blocked",
	  WAIT_ANY, true, false, LONG_WAIT, -ERESTARTSYS },
	{ "uninterruptible wait_timeout ignores the signal",
	  WAIT_TIMEOUT, false, true, DIV_ROUND_UP(HZ, 20), 0 },
};

KUNIT_ARRAY_PARAM_DESC(intr_cases, intr_cases, desc);

static void signal_pending_interrupts_only_interruptible_waits(struct kunit *test)
{
	const struct intr_case *ic = test->param_value;
	struct dma_fence *fences[2];
	struct waiter *w;

	fences[0] = fence_new(test, MOCK, 1);
	fences[1] = fence_new(test, MOCK, 2);
	w = waiter_start(test, ic->kind, fences, ic->kind == WAIT_ANY ? 2 : 1,
			 ic->intr, ic->timeout, ic->raise_first);
	if (!ic->raise_first) {
		/* Give the waiter time to block; it has nothing to return on. */
		msleep(20);
		KUNIT_EXPECT_FALSE(test, completion_done(&w->done));
		send_sig(SIGUSR1, w->task, 1);
	}
	dmabuf_kunit_thread_wait(test, &w->done, THREAD_GRACE,
				 "interrupted waiter");

	KUNIT_EXPECT_EQ(test, w->ret, ic->expect);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fences[0]));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fences[1]));
}

static void signal_wakes_every_waiting_thread(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct waiter *w[WAITERS];
	int i;

	for (i = 0; i < WAITERS; i++)
		w[i] = waiter_start(test, WAIT_TIMEOUT, &fence, 1, i & 1,
				    LONG_WAIT, false);
	msleep(20);
	for (i = 0; i < WAITERS; i++)
		KUNIT_EXPECT_FALSE(test, completion_done(&w[i]->done));

	KUNIT_EXPECT_EQ(test, dma_fence_signal(fence), 0);
	for (i = 0; i < WAITERS; i++) {
		dmabuf_kunit_thread_wait(test, &w[i]->done, THREAD_GRACE,
					 "woken waiter");
		KUNIT_EXPECT_GT_MSG(test, w[i]->ret, 0, "waiter %d", i);
		KUNIT_EXPECT_LE_MSG(test, w[i]->ret, LONG_WAIT, "waiter %d", i);
	}
}

/*
 * The whole hand-off at once: a thread blocks on a fence that also has a
 * callback, and a timer interrupt completes it. The callback runs once, in
 * hard irq context, and the thread wakes with part of its budget left.
 */
static void hrtimer_signal_runs_callback_and_wakes_waiting_thread(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct cb_probe *probe = probe_new(test);
	struct timed_signal *ts;
	struct waiter *w;

	KUNIT_ASSERT_EQ(test, probe_attach(fence, probe), 0);
	w = waiter_start(test, WAIT_TIMEOUT, &fence, 1, true, LONG_WAIT, false);
	msleep(20);
	KUNIT_EXPECT_FALSE(test, completion_done(&w->done));
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 0);

	ts = signal_later(test, fence, SIGNAL_DELAY_MS);
	dmabuf_kunit_thread_wait(test, &w->done, THREAD_GRACE, "woken waiter");
	signal_later_sync(ts);

	KUNIT_EXPECT_EQ(test, ts->ret, 0);
	KUNIT_EXPECT_TRUE(test, ts->in_hardirq);
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
	KUNIT_EXPECT_TRUE(test, probe->in_hardirq);
	KUNIT_EXPECT_GT(test, w->ret, 0);
	KUNIT_EXPECT_LE(test, w->ret, LONG_WAIT);
}

static void custom_wait_op_serves_waits(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK_WAIT, 1);
	struct dmabuf_kunit_leaf *mf = to_mock(fence);

	mf->wait_ret = 17;
	KUNIT_EXPECT_EQ(test, dma_fence_wait_timeout(fence, true, 33), 17);
	KUNIT_EXPECT_EQ(test, atomic_read(&mf->waits), 1);
	KUNIT_EXPECT_TRUE(test, mf->wait_intr);
	KUNIT_EXPECT_EQ(test, mf->wait_timeout, 33);

	/* dma_fence_wait() maps success to 0 and passes errors through. */
	mf->wait_ret = 5;
	KUNIT_EXPECT_EQ(test, dma_fence_wait(fence, false), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&mf->waits), 2);
	KUNIT_EXPECT_FALSE(test, mf->wait_intr);
	KUNIT_EXPECT_EQ(test, mf->wait_timeout, MAX_SCHEDULE_TIMEOUT);

	mf->wait_ret = -EIO;
	KUNIT_EXPECT_EQ(test, dma_fence_wait(fence, true), -EIO);
	KUNIT_EXPECT_EQ(test, atomic_read(&mf->waits), 3);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));
}

static void wait_any_reports_index_of_signalled_fence(struct kunit *test)
{
	struct dma_fence *fences[3];
	struct timed_signal *ts;
	signed long ret;
	u32 idx = U32_MAX;
	int i;

	for (i = 0; i < ARRAY_SIZE(fences); i++)
		fences[i] = fence_new(test, MOCK, i + 1);
	ts = signal_later(test, fences[2], SIGNAL_DELAY_MS);
	ret = dma_fence_wait_any_timeout(fences, ARRAY_SIZE(fences), true,
					 LONG_WAIT, &idx);
	signal_later_sync(ts);

	KUNIT_EXPECT_GT(test, ret, 0);
	KUNIT_EXPECT_LE(test, ret, LONG_WAIT);
	KUNIT_EXPECT_EQ(test, idx, 2U);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fences[0]));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fences[1]));
	/* The wait left nothing behind that these signals could trip on. */
	KUNIT_EXPECT_EQ(test, dma_fence_signal(fences[0]), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_signal(fences[1]), 0);
}

static void wait_any_returns_already_signalled_member(struct kunit *test)
{
	struct dma_fence *fences[3];
	signed long ret;
	u32 idx = U32_MAX;
	int i;

	for (i = 0; i < ARRAY_SIZE(fences); i++)
		fences[i] = fence_new(test, MOCK, i + 1);
	KUNIT_ASSERT_EQ(test, dma_fence_signal(fences[1]), 0);

	ret = dma_fence_wait_any_timeout(fences, ARRAY_SIZE(fences), false,
					 LONG_WAIT, &idx);
	KUNIT_EXPECT_GT(test, ret, 0);
	KUNIT_EXPECT_LE(test, ret, LONG_WAIT);
	KUNIT_EXPECT_EQ(test, idx, 1U);

	idx = U32_MAX;
	ret = dma_fence_wait_any_timeout(fences, ARRAY_SIZE(fences), true, 0,
					 &idx);
	KUNIT_EXPECT_GT(test, ret, 0);
	KUNIT_EXPECT_EQ(test, idx, 1U);

	KUNIT_EXPECT_EQ(test, dma_fence_signal(fences[0]), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_signal(fences[2]), 0);
}

static void wait_any_times_out_with_zero(struct kunit *test)
{
	struct dma_fence *fences[2];
	u32 idx = U32_MAX;
	int i;

	for (i = 0; i < ARRAY_SIZE(fences); i++)
		fences[i] = fence_new(test, MOCK, i + 1);

	KUNIT_EXPECT_EQ(test, dma_fence_wait_any_timeout(fences, 2, true,
							 SHORT_WAIT, &idx), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_wait_any_timeout(fences, 2, false, 0,
							 &idx), 0);
	for (i = 0; i < ARRAY_SIZE(fences); i++) {
		KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fences[i]));
		KUNIT_EXPECT_EQ(test, dma_fence_signal(fences[i]), 0);
	}
}

/* ------------------------------------------------------------------ */
/* Deadline hints                                                      */
/* ------------------------------------------------------------------ */

static void set_deadline_forwards_each_deadline_to_driver(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct dma_fence *plain = fence_new(test, MOCK_BARE, 2);
	struct dmabuf_kunit_leaf *mf = to_mock(fence);
	ktime_t soon = ktime_add_ms(ktime_get(), 16);
	ktime_t sooner = ktime_add_ms(ktime_get(), 4);

	dma_fence_set_deadline(fence, soon);
	KUNIT_EXPECT_EQ(test, atomic_read(&mf->deadlines), 1);
	KUNIT_EXPECT_EQ(test, ktime_to_ns(mf->deadline), ktime_to_ns(soon));

	dma_fence_set_deadline(fence, sooner);
	KUNIT_EXPECT_EQ(test, atomic_read(&mf->deadlines), 2);
	KUNIT_EXPECT_EQ(test, ktime_to_ns(mf->deadline), ktime_to_ns(sooner));

	if (IS_ENABLED(CONFIG_LOCKDEP) && debug_locks)
		KUNIT_EXPECT_FALSE_MSG(test, mf->deadline_under_lock,
				       "set_deadline ran under the fence lock");

	/* The hook is optional. */
	dma_fence_set_deadline(plain, soon);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));
}

static void set_deadline_after_signal_is_ignored(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct dmabuf_kunit_leaf *mf = to_mock(fence);

	KUNIT_ASSERT_EQ(test, dma_fence_signal(fence), 0);
	dma_fence_set_deadline(fence, ktime_get());
	KUNIT_EXPECT_EQ(test, atomic_read(&mf->deadlines), 0);
}

/* ------------------------------------------------------------------ */

static struct kunit_case dma_fence_wait_cases[] = {
	KUNIT_CASE(wait_timeout_expires_with_zero_on_pending_fence),
	KUNIT_CASE(wait_timeout_returns_remaining_jiffies_when_signalled),
	KUNIT_CASE_PARAM(wait_with_zero_timeout_only_polls,
			 zero_wait_cases_gen_params),
	KUNIT_CASE(wait_on_signalled_fence_returns_at_once),
	KUNIT_CASE(wait_blocks_until_hrtimer_signals),
	KUNIT_CASE(wait_enables_signaling),
	KUNIT_CASE_PARAM(signal_pending_interrupts_only_interruptible_waits,
			 intr_cases_gen_params),
	KUNIT_CASE(signal_wakes_every_waiting_thread),
	KUNIT_CASE(hrtimer_signal_runs_callback_and_wakes_waiting_thread),
	KUNIT_CASE(custom_wait_op_serves_waits),
	KUNIT_CASE(wait_any_reports_index_of_signalled_fence),
	KUNIT_CASE(wait_any_returns_already_signalled_member),
	KUNIT_CASE(wait_any_times_out_with_zero),
	KUNIT_CASE(set_deadline_forwards_each_deadline_to_driver),
	KUNIT_CASE(set_deadline_after_signal_is_ignored),
	{}
};

static struct kunit_suite dma_fence_wait_suite = {
	.name = "dma_fence_wait",
	.init = fence_fixture_init,
	.test_cases = dma_fence_wait_cases,
};

kunit_test_suite(dma_fence_wait_suite);

MODULE_DESCRIPTION("KUnit tests for waiting on a dma_fence");
MODULE_LICENSE("GPL");

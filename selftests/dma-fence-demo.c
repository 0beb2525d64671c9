// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma-fence-demo": the kernel half of the end-to-end demo.
 *
 * A single case tells the life of three fences on one timeline, one
 * kunit_info() line per step, in words a newcomer can follow. Userspace
 * triggers it through debugfs and prints the log. Every sentence the story
 * prints is also checked with a KUnit expectation, so a wrong story fails.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dma-fence.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#define STORY_DRIVER		"kunit-demo"
#define STORY_TIMELINE		"story-timeline"
#define STORY_FENCES		3
/* The waiter's budget: far more than the story ever needs. */
#define STORY_BUDGET_MS		5000
/* When the timer signals fence 1. */
#define STORY_TIMER_MS		20
/* The wait that is meant to give up. */
#define STORY_GIVE_UP_MS	30
/* How long the story waits for its helper thread before calling it stuck. */
#define STORY_GRACE		(30 * HZ)

struct story {
	spinlock_t lock;	/* the timeline lock shared by the fences */
	u64 context;
	struct dma_fence *fence[STORY_FENCES];

	struct dma_fence_cb cb;
	atomic_t cb_calls;
	bool cb_in_hardirq;
	ktime_t cb_at;

	struct hrtimer timer;
	bool timer_armed;
	ktime_t armed_at;

	struct task_struct *waiter;
	struct completion waiter_ready;
	struct completion waiter_done;
	signed long waiter_budget;
	signed long waiter_ret;
	ktime_t waiter_start;
	ktime_t waiter_end;
};

static const char *story_driver_name(struct dma_fence *fence)
{
	return STORY_DRIVER;
}

static const char *story_timeline_name(struct dma_fence *fence)
{
	return STORY_TIMELINE;
}

/* No release hook: the core frees the fences after an RCU grace period. */
static const struct dma_fence_ops story_ops = {
	.get_driver_name = story_driver_name,
	.get_timeline_name = story_timeline_name,
};

static void story_callback(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	struct story *s = container_of(cb, struct story, cb);

	s->cb_in_hardirq = in_hardirq();
	s->cb_at = ktime_get();
	atomic_inc(&s->cb_calls);
}

static enum hrtimer_restart story_timer_fire(struct hrtimer *timer)
{
	struct story *s = container_of(timer, struct story, timer);

	dma_fence_signal(s->fence[0]);
	return HRTIMER_NORESTART;
}

static int story_waiter(void *data)
{
	struct story *s = data;

	s->waiter_start = ktime_get();
	complete(&s->waiter_ready);
	s->waiter_ret = dma_fence_wait_timeout(s->fence[0], true,
					       s->waiter_budget);
	s->waiter_end = ktime_get();
	complete(&s->waiter_done);
	return 0;
}

/*
 * Whatever happened, end the story cleanly: no timer left armed, no thread
 * left waiting, every fence signalled and its reference dropped.
 */
static void story_cleanup(void *data)
{
	struct story *s = data;
	int i;

	if (s->timer_armed)
		hrtimer_cancel(&s->timer);
	for (i = 0; i < STORY_FENCES; i++)
		if (s->fence[i])
			dma_fence_signal(s->fence[i]);
	if (s->waiter) {
		kthread_stop(s->waiter);
		put_task_struct(s->waiter);
	}
	for (i = 0; i < STORY_FENCES; i++)
		dma_fence_put(s->fence[i]);
}

static struct dma_fence *story_fence(struct kunit *test, struct story *s,
				     int i)
{
	s->fence[i] = kzalloc(sizeof(*s->fence[i]), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s->fence[i]);
	dma_fence_init(s->fence[i], &story_ops, &s->lock, s->context, i + 1);
	return s->fence[i];
}

static void story_wait_for(struct kunit *test, struct completion *done,
			   const char *what)
{
	unsigned long left = wait_for_completion_timeout(done, STORY_GRACE);

	KUNIT_ASSERT_NE_MSG(test, left, 0, "%s never happened", what);
}

static void fence_lifecycle_story(struct kunit *test)
{
	struct story *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct dma_fence *first, *second, *third;
	struct task_struct *waiter;
	struct seq_file *seq;
	char *text, *cursor, *line;
	signed long ret;
	ktime_t start;
	int status;

	KUNIT_ASSERT_NOT_NULL(test, s);
	spin_lock_init(&s->lock);
	init_completion(&s->waiter_ready);
	init_completion(&s->waiter_done);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, story_cleanup,
							s), 0);

	/* Step 1: a timeline of our own. */
	s->context = dma_fence_context_alloc(1);
	KUNIT_EXPECT_NE(test, s->context, dma_fence_context_alloc(1));
	kunit_info(test, "step 1: allocated fence context %llu, a timeline no other driver shares\n",
		   s->context);

	/* Step 2: two fences, in order. */
	first = story_fence(test, s, 0);
	second = story_fence(test, s, 1);
	KUNIT_EXPECT_EQ(test, first->seqno, 1ULL);
	KUNIT_EXPECT_EQ(test, second->seqno, 2ULL);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(first));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(second));
	KUNIT_EXPECT_TRUE(test, dma_fence_is_later(second, first));
	kunit_info(test, "step 2: created fence 1 (seqno 1) and fence 2 (seqno 2) on that timeline; both are pending and fence 2 orders after fence 1\n");

	/* Step 3: somebody wants to hear about fence 1. */
	KUNIT_ASSERT_EQ(test, dma_fence_add_callback(first, &s->cb,
						     story_callback), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->cb_calls), 0);
	kunit_info(test, "step 3: added a callback to fence 1; it has not run yet\n");

	/* Step 4: and somebody else blocks on it. */
	s->waiter_budget = msecs_to_jiffies(STORY_BUDGET_MS);
	waiter = kthread_create(story_waiter, s, "story-waiter");
	KUNIT_ASSERT_FALSE(test, IS_ERR(waiter));
	s->waiter = get_task_struct(waiter);
	wake_up_process(waiter);
	story_wait_for(test, &s->waiter_ready, "the waiter's start");
	msleep(20);
	KUNIT_EXPECT_FALSE(test, completion_done(&s->waiter_done));
	kunit_info(test, "step 4: started waiter thread %s; it is blocked in dma_fence_wait_timeout() on fence 1 with a %d ms budget\n",
		   waiter->comm, STORY_BUDGET_MS);

	/* Step 5: nothing has happened yet. */
	status = dma_fence_get_status(first);
	KUNIT_EXPECT_EQ(test, status, 0);
	kunit_info(test, "step 5: dma_fence_get_status(fence 1) = %d, which means still pending\n",
		   status);

	/* Step 6: the "hardware" finishes, in interrupt context. */
	hrtimer_init(&s->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	s->timer.function = story_timer_fire;
	s->timer_armed = true;
	s->armed_at = ktime_get();
	hrtimer_start(&s->timer, ms_to_ktime(STORY_TIMER_MS), HRTIMER_MODE_REL);
	kunit_info(test, "step 6: armed an hrtimer that signals fence 1 from interrupt context in %d ms\n",
		   STORY_TIMER_MS);

	/* Step 7: the callback ran, from the timer interrupt. */
	story_wait_for(test, &s->waiter_done, "the waiter's wake-up");
	hrtimer_cancel(&s->timer);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->cb_calls), 1);
	KUNIT_EXPECT_TRUE(test, s->cb_in_hardirq);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(first));
	kunit_info(test, "step 7: the callback ran exactly once (count %d), in hard interrupt context, %lld us after the timer was armed\n",
		   atomic_read(&s->cb_calls),
		   ktime_us_delta(s->cb_at, s->armed_at));

	/* Step 8: the waiter woke up with time to spare. */
	KUNIT_EXPECT_GT(test, s->waiter_ret, 0);
	KUNIT_EXPECT_LE(test, s->waiter_ret, s->waiter_budget);
	kunit_info(test, "step 8: the waiter woke up after %lld us; dma_fence_wait_timeout() returned %ld, the jiffies left of its %ld-jiffy budget\n",
		   ktime_us_delta(s->waiter_end, s->waiter_start),
		   s->waiter_ret, s->waiter_budget);

	/* Step 9: fence 2 completes, but with an error. */
	dma_fence_set_error(second, -ECANCELED);
	KUNIT_EXPECT_EQ(test, dma_fence_signal(second), 0);
	status = dma_fence_get_status(second);
	KUNIT_EXPECT_EQ(test, status, -ECANCELED);
	kunit_info(test, "step 9: set error -ECANCELED on fence 2 and signalled it; dma_fence_get_status(fence 2) = %d\n",
		   status);

	/* Step 10: nobody signals fence 3, so waiting for it gives up. */
	third = story_fence(test, s, 2);
	start = ktime_get();
	ret = dma_fence_wait_timeout(third, true,
				     msecs_to_jiffies(STORY_GIVE_UP_MS));
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(third));
	kunit_info(test, "step 10: waited %d ms for fence 3, which nobody signals: dma_fence_wait_timeout() returned %ld (timed out) after %lld us\n",
		   STORY_GIVE_UP_MS, ret, ktime_us_delta(ktime_get(), start));

	/* Step 11: what debugfs would show for the timeline. */
	seq = kunit_kzalloc(test, sizeof(*seq), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seq);
	seq->size = 512;
	seq->buf = kunit_kzalloc(test, seq->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seq->buf);
	dma_fence_describe(first, seq);
	dma_fence_describe(second, seq);
	dma_fence_describe(third, seq);
	KUNIT_ASSERT_LT(test, seq->count, seq->size);
	text = seq->buf;
	text[seq->count] = '\0';
	KUNIT_EXPECT_STREQ(test, text,
			   STORY_DRIVER " " STORY_TIMELINE " seq 1 signalled\n"
			   STORY_DRIVER " " STORY_TIMELINE " seq 2 signalled\n"
			   STORY_DRIVER " " STORY_TIMELINE " seq 3 unsignalled\n");
	kunit_info(test, "step 11: dma_fence_describe() prints one line per fence:\n");
	cursor = text;
	while ((line = strsep(&cursor, "\n")) && *line)
		kunit_info(test, "    %s\n", line);

	/* Step 12: the end. */
	KUNIT_EXPECT_EQ(test, dma_fence_signal(third), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_signal(first), -EINVAL);
	kunit_release_action(test, story_cleanup, s);
	kunit_info(test, "step 12: signalled fence 3 (a second signal of fence 1 is refused with -EINVAL) and dropped every reference\n");
}

static struct kunit_case dma_fence_demo_cases[] = {
	KUNIT_CASE(fence_lifecycle_story),
	{}
};

static struct kunit_suite dma_fence_demo_suite = {
	.name = "dma-fence-demo",
	.test_cases = dma_fence_demo_cases,
};

kunit_test_suite(dma_fence_demo_suite);

MODULE_DESCRIPTION("Narrated dma_fence walk-through for the end-to-end demo");
MODULE_LICENSE("GPL");

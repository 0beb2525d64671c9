// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma-fence": the documented contract of struct dma_fence.
 *
 * Covered: context allocation, reference counting and release, RCU lookups,
 * the four signalling entry points and their timestamps, error status,
 * callbacks, software signalling, every wait flavour (including interrupted
 * ones), deadline hints, stub fences, seqno ordering, the debugfs line
 * format and the lockdep signalling annotations, plus races between
 * signalling and the other operations.
 *
 * Two runtimes shape the helpers. UML never preempts a kernel thread, so any
 * loop that waits for another thread sleeps or reschedules. The x86_64 guest
 * is an emulated SMP machine with KASAN and lockdep, so races are bounded in
 * time and no check ever puts an upper bound on how long something took.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/debug_locks.h>
#include <linux/delay.h>
#include <linux/dma-fence.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/poison.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>

#include "dmabuf-kunit.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

#define DRIVER_NAME		"kunit-fence"
#define TIMELINE_NAME		"kunit-timeline"

/* Budget of waits that a timer or a thread is expected to cut short. */
#define LONG_WAIT		(10 * HZ)
/* Budget of waits that are expected to run out. */
#define SHORT_WAIT		msecs_to_jiffies(30)
/* Delay before a timer signals a fence somebody is waiting for. */
#define SIGNAL_DELAY_MS		10
/* How long the case waits for one of its threads before declaring it stuck. */
#define THREAD_GRACE		(30 * HZ)

#define FIXTURE_PROBES		8
#define RACE_SLOTS		1024
#define RACE_BUDGET		HZ
#define RACE_SPINS		1000
#define RACE_STAMP		ns_to_ktime(424242)
#define SWAP_LIMIT		20000
#define CLAIMS_PER_THREAD	512
#define WAITERS			4

/*
 * A callback that remembers how, where and in which order it was delivered.
 */
struct cb_probe {
	struct dma_fence_cb cb;
	atomic_t calls;
	atomic_t *ticket;	/* shared delivery counter, or NULL */
	int order;		/* value taken from @ticket on delivery */
	struct dma_fence *seen;
	bool saw_signalled;
	int saw_error;
	bool in_hardirq;
	bool in_task;
};

/*
 * Per-case state, allocated before anything else the case creates and
 * therefore freed after every cleanup action has run.
 */
struct fence_fixture {
	spinlock_t lock;	/* timeline lock of every fence of the case */
	u64 context;
	atomic_t releases;
	atomic_t hardirq_releases;
	atomic_t deliveries;
	unsigned int nprobes;
	struct cb_probe probes[FIXTURE_PROBES];
};

/* A driver fence whose hooks count their calls and obey the case. */
struct mock_fence {
	struct dma_fence base;	/* first member: dma_fence_free() frees it */
	struct fence_fixture *fx;
	bool hw_done;		/* what ops->signaled reports */
	int hw_error;		/* error ops->signaled attaches when done */
	bool refuse_enable;	/* ops->enable_signaling returns false */
	int enable_error;	/* error attached when refusing */
	atomic_t enable_calls;
	atomic_t deadline_calls;
	ktime_t deadline;
	bool deadline_under_lock;
	atomic_t wait_calls;
	bool wait_intr;
	signed long wait_timeout;
	signed long wait_ret;	/* what ops->wait returns */
};

static_assert(offsetof(struct mock_fence, base) == 0);

static struct mock_fence *to_mock(struct dma_fence *fence)
{
	return container_of(fence, struct mock_fence, base);
}

static bool fence_flag(struct dma_fence *fence, int bit)
{
	return test_bit(bit, &fence->flags);
}

static const char *mock_driver_name(struct dma_fence *fence)
{
	return DRIVER_NAME;
}

static const char *mock_timeline_name(struct dma_fence *fence)
{
	return TIMELINE_NAME;
}

static bool mock_enable_signaling(struct dma_fence *fence)
{
	struct mock_fence *mf = to_mock(fence);

	atomic_inc(&mf->enable_calls);
	if (!mf->refuse_enable)
		return true;
	if (mf->enable_error)
		dma_fence_set_error(fence, mf->enable_error);
	return false;
}

static bool mock_signaled(struct dma_fence *fence)
{
	struct mock_fence *mf = to_mock(fence);

	if (!READ_ONCE(mf->hw_done))
		return false;
	if (mf->hw_error && !fence->error)
		dma_fence_set_error(fence, mf->hw_error);
	return true;
}

static void mock_release(struct dma_fence *fence)
{
	struct fence_fixture *fx = to_mock(fence)->fx;

	if (in_hardirq())
		atomic_inc(&fx->hardirq_releases);
	atomic_inc(&fx->releases);
	dma_fence_free(fence);
}

static void mock_set_deadline(struct dma_fence *fence, ktime_t deadline)
{
	struct mock_fence *mf = to_mock(fence);

	if (IS_ENABLED(CONFIG_LOCKDEP))
		mf->deadline_under_lock = lockdep_is_held(fence->lock);
	mf->deadline = deadline;
	atomic_inc(&mf->deadline_calls);
}

static signed long mock_wait(struct dma_fence *fence, bool intr,
			     signed long timeout)
{
	struct mock_fence *mf = to_mock(fence);

	mf->wait_intr = intr;
	mf->wait_timeout = timeout;
	atomic_inc(&mf->wait_calls);
	return mf->wait_ret;
}

/* 32-bit seqnos, every optional hook but ->wait. */
static const struct dma_fence_ops mock_ops = {
	.get_driver_name = mock_driver_name,
	.get_timeline_name = mock_timeline_name,
	.enable_signaling = mock_enable_signaling,
	.signaled = mock_signaled,
	.release = mock_release,
	.set_deadline = mock_set_deadline,
};

/* The same driver with 64-bit seqnos. */
static const struct dma_fence_ops mock_ops_64 = {
	.use_64bit_seqno = true,
	.get_driver_name = mock_driver_name,
	.get_timeline_name = mock_timeline_name,
	.enable_signaling = mock_enable_signaling,
	.signaled = mock_signaled,
	.release = mock_release,
	.set_deadline = mock_set_deadline,
};

/* A driver that brings its own (deprecated) wait implementation. */
static const struct dma_fence_ops mock_wait_ops = {
	.get_driver_name = mock_driver_name,
	.get_timeline_name = mock_timeline_name,
	.wait = mock_wait,
	.release = mock_release,
};

/* Only the two mandatory hooks: the core's defaults do the rest. */
static const struct dma_fence_ops bare_ops = {
	.get_driver_name = mock_driver_name,
	.get_timeline_name = mock_timeline_name,
};

static struct dma_fence *mock_fence_alloc(struct fence_fixture *fx,
					  const struct dma_fence_ops *ops,
					  u64 seqno)
{
	struct mock_fence *mf = kzalloc(sizeof(*mf), GFP_KERNEL);

	if (!mf)
		return NULL;
	mf->fx = fx;
	dma_fence_init(&mf->base, ops, &fx->lock, fx->context, seqno);
	return &mf->base;
}

/* A fence whose reference belongs to the case until it ends. */
static struct dma_fence *fence_new(struct kunit *test,
				   const struct dma_fence_ops *ops, u64 seqno)
{
	return dmabuf_kunit_fence_adopt(test, mock_fence_alloc(test->priv, ops,
								seqno));
}

/* A fence whose last reference the case drops itself. */
static struct dma_fence *fence_raw(struct kunit *test,
				   const struct dma_fence_ops *ops, u64 seqno)
{
	struct dma_fence *fence = mock_fence_alloc(test->priv, ops, seqno);

	KUNIT_ASSERT_NOT_NULL(test, fence);
	return fence;
}

static void probe_hit(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	struct cb_probe *probe = container_of(cb, struct cb_probe, cb);

	probe->seen = fence;
	probe->saw_signalled = fence_flag(fence, DMA_FENCE_FLAG_SIGNALED_BIT);
	probe->saw_error = fence->error;
	probe->in_hardirq = in_hardirq();
	probe->in_task = in_task();
	if (probe->ticket)
		probe->order = atomic_inc_return(probe->ticket);
	atomic_inc(&probe->calls);
}

static void probe_init(struct cb_probe *probe, atomic_t *ticket)
{
	memset(probe, 0, sizeof(*probe));
	INIT_LIST_HEAD(&probe->cb.node);
	probe->ticket = ticket;
}

static struct cb_probe *probe_new(struct kunit *test)
{
	struct fence_fixture *fx = test->priv;
	struct cb_probe *probe;

	KUNIT_ASSERT_LT(test, fx->nprobes, FIXTURE_PROBES);
	probe = &fx->probes[fx->nprobes++];
	probe_init(probe, &fx->deliveries);
	return probe;
}

static int probe_attach(struct dma_fence *fence, struct cb_probe *probe)
{
	return dma_fence_add_callback(fence, &probe->cb, probe_hit);
}

static int probe_calls(struct cb_probe *probe)
{
	return atomic_read(&probe->calls);
}

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

/* An irq_work that signals a fence, or drops a reference, in hard irq. */
struct irq_signal {
	struct irq_work work;
	struct dma_fence *fence;
	bool put_only;
	int ret;
	bool in_hardirq;
};

static void irq_signal_run(struct irq_work *work)
{
	struct irq_signal *is = container_of(work, struct irq_signal, work);
	bool cookie;

	is->in_hardirq = in_hardirq();
	if (is->put_only) {
		dma_fence_put(is->fence);
		return;
	}
	cookie = dma_fence_begin_signalling();
	is->ret = dma_fence_signal(is->fence);
	dma_fence_end_signalling(cookie);
}

static void irq_signal_sync(void *data)
{
	struct irq_signal *is = data;

	irq_work_sync(&is->work);
}

static struct irq_signal *irq_signal_queue(struct kunit *test,
					   struct dma_fence *fence,
					   bool put_only)
{
	struct irq_signal *is = kunit_kzalloc(test, sizeof(*is), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, is);
	is->fence = fence;
	is->put_only = put_only;
	is->ret = 1;
	init_irq_work(&is->work, irq_signal_run);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, irq_signal_sync,
							is), 0);
	KUNIT_ASSERT_TRUE(test, irq_work_queue(&is->work));
	return is;
}

/* A timer_list that signals a fence from the timer softirq. */
struct soft_signal {
	struct timer_list timer;
	struct dma_fence *fence;
	int ret;
	bool in_task;
};

static void soft_signal_fire(struct timer_list *timer)
{
	struct soft_signal *ss = from_timer(ss, timer, timer);

	ss->in_task = in_task();
	ss->ret = dma_fence_signal(ss->fence);
}

static void soft_signal_cancel(void *data)
{
	struct soft_signal *ss = data;

	timer_shutdown_sync(&ss->timer);
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

/* A seq_file writing into a plain buffer, for dma_fence_describe(). */
static struct seq_file *seq_new(struct kunit *test, size_t size)
{
	struct seq_file *seq = kunit_kzalloc(test, sizeof(*seq), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, seq);
	seq->buf = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seq->buf);
	seq->size = size;
	return seq;
}

static const char *seq_text(struct kunit *test, struct seq_file *seq)
{
	KUNIT_ASSERT_LT_MSG(test, seq->count, seq->size, "seq_file overflow");
	seq->buf[seq->count] = '\0';
	return seq->buf;
}

static int fence_fixture_init(struct kunit *test)
{
	struct fence_fixture *fx;

	fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	if (!fx)
		return -ENOMEM;
	spin_lock_init(&fx->lock);
	fx->context = dma_fence_context_alloc(1);
	test->priv = fx;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Contexts, references and release                                    */
/* ------------------------------------------------------------------ */

static void init_records_identity_and_pending_state(struct kunit *test)
{
	struct fence_fixture *fx = test->priv;
	struct dma_fence *fence = fence_new(test, &mock_ops, 42);

	KUNIT_EXPECT_PTR_EQ(test, fence->ops, &mock_ops);
	KUNIT_EXPECT_PTR_EQ(test, fence->lock, &fx->lock);
	KUNIT_EXPECT_EQ(test, fence->context, fx->context);
	KUNIT_EXPECT_EQ(test, fence->seqno, 42ULL);
	KUNIT_EXPECT_EQ(test, fence->error, 0);
	KUNIT_EXPECT_EQ(test, kref_read(&fence->refcount), 1U);
	KUNIT_EXPECT_FALSE(test, fence_flag(fence, DMA_FENCE_FLAG_SIGNALED_BIT));
	KUNIT_EXPECT_FALSE(test, fence_flag(fence, DMA_FENCE_FLAG_TIMESTAMP_BIT));
	KUNIT_EXPECT_FALSE(test,
			   fence_flag(fence, DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), 0);
}

static void context_alloc_returns_distinct_contexts(struct kunit *test)
{
	struct fence_fixture *fx = test->priv;
	u64 first = dma_fence_context_alloc(1);
	u64 second = dma_fence_context_alloc(1);

	KUNIT_EXPECT_NE(test, first, second);
	KUNIT_EXPECT_NE(test, first, fx->context);
	KUNIT_EXPECT_NE(test, second, fx->context);
}

static bool context_in_range(u64 context, u64 base, unsigned int count)
{
	return context >= base && context - base < count;
}

static void context_alloc_reserves_requested_range(struct kunit *test)
{
	struct fence_fixture *fx = test->priv;
	u64 base = dma_fence_context_alloc(5);
	u64 next = dma_fence_context_alloc(1);
	u64 wide = dma_fence_context_alloc(3);

	KUNIT_EXPECT_FALSE(test, context_in_range(next, base, 5));
	KUNIT_EXPECT_FALSE(test, context_in_range(fx->context, base, 5));
	KUNIT_EXPECT_FALSE(test, context_in_range(base, wide, 3));
	KUNIT_EXPECT_FALSE(test, context_in_range(base + 4, wide, 3));
	KUNIT_EXPECT_FALSE(test, context_in_range(next, wide, 3));
	KUNIT_EXPECT_FALSE(test, context_in_range(wide, base, 5));
	KUNIT_EXPECT_FALSE(test, context_in_range(wide + 2, base, 5));
}

struct ctx_claim {
	u64 base;
	u32 count;
};

struct ctx_claimer {
	struct completion *go;
	struct completion done;
	u32 made;
	struct ctx_claim claims[CLAIMS_PER_THREAD];
};

static int ctx_claimer_fn(void *data)
{
	struct ctx_claimer *c = data;
	u32 i;

	if (!wait_for_completion_interruptible(c->go)) {
		for (i = 0; i < CLAIMS_PER_THREAD; i++) {
			c->claims[i].count = 1 + i % 4;
			c->claims[i].base =
				dma_fence_context_alloc(c->claims[i].count);
			c->made = i + 1;
			if (i % 32 == 31)
				cond_resched();
		}
	}
	complete(&c->done);
	return 0;
}

static int ctx_claim_cmp(const void *a, const void *b)
{
	const struct ctx_claim *x = a, *y = b;

	if (x->base == y->base)
		return 0;
	return x->base < y->base ? -1 : 1;
}

static void context_alloc_concurrent_ranges_never_overlap(struct kunit *test)
{
	struct ctx_claimer *claimer[2];
	struct ctx_claim *all;
	struct completion *go;
	u32 i, n = 0, overlaps = 0, first_bad = 0;

	go = kunit_kzalloc(test, sizeof(*go), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, go);
	init_completion(go);
	all = kunit_kcalloc(test, 2 * CLAIMS_PER_THREAD, sizeof(*all),
			    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, all);
	for (i = 0; i < 2; i++) {
		claimer[i] = kunit_kzalloc(test, sizeof(*claimer[i]),
					   GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, claimer[i]);
		claimer[i]->go = go;
		init_completion(&claimer[i]->done);
		dmabuf_kunit_thread_start(test, "dmaf", ctx_claimer_fn,
					  claimer[i], "ctx-claim");
	}
	complete_all(go);
	for (i = 0; i < 2; i++)
		dmabuf_kunit_thread_wait(test, &claimer[i]->done, THREAD_GRACE,
					 "context claimer");

	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, claimer[i]->made, CLAIMS_PER_THREAD);
		memcpy(all + n, claimer[i]->claims,
		       claimer[i]->made * sizeof(*all));
		n += claimer[i]->made;
	}
	sort(all, n, sizeof(*all), ctx_claim_cmp, NULL);
	for (i = 1; i < n; i++) {
		if (all[i - 1].base + all[i - 1].count <= all[i].base)
			continue;
		if (!overlaps++)
			first_bad = i;
	}
	KUNIT_EXPECT_EQ_MSG(test, overlaps, 0,
			    "range at %llu (+%u) overlaps the one at %llu",
			    all[first_bad ? first_bad - 1 : 0].base,
			    all[first_bad ? first_bad - 1 : 0].count,
			    all[first_bad].base);
}

static void get_and_put_track_refcount_and_release_once(struct kunit *test)
{
	struct fence_fixture *fx = test->priv;
	struct dma_fence *fence = fence_raw(test, &mock_ops, 1);

	KUNIT_EXPECT_EQ(test, kref_read(&fence->refcount), 1U);
	KUNIT_EXPECT_PTR_EQ(test, dma_fence_get(fence), fence);
	KUNIT_EXPECT_EQ(test, kref_read(&fence->refcount), 2U);
	dma_fence_put(fence);
	KUNIT_EXPECT_EQ(test, kref_read(&fence->refcount), 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->releases), 0);
	dma_fence_put(fence);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->releases), 1);
}

static void get_and_put_accept_null(struct kunit *test)
{
	struct fence_fixture *fx = test->priv;

	KUNIT_EXPECT_NULL(test, dma_fence_get(NULL));
	dma_fence_put(NULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->releases), 0);
}

static void final_put_without_release_op_frees_after_grace_period(struct kunit *test)
{
	struct fence_fixture *fx = test->priv;
	struct dma_fence *fence = fence_raw(test, &bare_ops, 77);
	u64 seqno, context;

	/*
	 * The default release hands the fence to RCU, so readers inside a
	 * read-side section may still look at it. KASAN flags the reads
	 * below if the memory went back to the allocator at once.
	 */
	rcu_read_lock();
	dma_fence_put(fence);
	seqno = READ_ONCE(fence->seqno);
	context = READ_ONCE(fence->context);
	rcu_read_unlock();

	KUNIT_EXPECT_EQ(test, seqno, 77ULL);
	KUNIT_EXPECT_EQ(test, context, fx->context);
}

static void final_put_from_hardirq_runs_release(struct kunit *test)
{
	struct fence_fixture *fx = test->priv;
	struct dma_fence *fence = fence_raw(test, &mock_ops, 1);
	struct irq_signal *is;

	dma_fence_signal(fence);
	/* The irq_work owns the only reference from here on. */
	is = irq_signal_queue(test, fence, true);
	irq_work_sync(&is->work);

	KUNIT_EXPECT_TRUE(test, is->in_hardirq);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->releases), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->hardirq_releases), 1);
}

static void get_rcu_takes_reference_on_live_fence(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	struct dma_fence *got;

	rcu_read_lock();
	got = dma_fence_get_rcu(fence);
	rcu_read_unlock();

	KUNIT_EXPECT_PTR_EQ(test, got, fence);
	KUNIT_EXPECT_EQ(test, kref_read(&fence->refcount), 2U);
	dma_fence_put(got);
}

static void get_rcu_fails_on_zero_refcount_during_grace_period(struct kunit *test)
{
	struct fence_fixture *fx = test->priv;
	struct dma_fence *fence = fence_raw(test, &mock_ops, 1);
	struct dma_fence *got;
	int released;

	/*
	 * mock_release frees through dma_fence_free(), so the memory stays
	 * valid until the read-side section ends, while the fence is dead.
	 */
	rcu_read_lock();
	dma_fence_put(fence);
	released = atomic_read(&fx->releases);
	got = dma_fence_get_rcu(fence);
	rcu_read_unlock();

	KUNIT_EXPECT_EQ(test, released, 1);
	KUNIT_EXPECT_NULL(test, got);
}

static void get_rcu_safe_follows_replaced_pointer(struct kunit *test)
{
	struct dma_fence *first = fence_new(test, &mock_ops, 1);
	struct dma_fence *second = fence_new(test, &mock_ops, 2);
	struct dma_fence __rcu *slot;
	struct dma_fence *got;

	RCU_INIT_POINTER(slot, first);
	rcu_read_lock();
	got = dma_fence_get_rcu_safe(&slot);
	rcu_read_unlock();
	KUNIT_EXPECT_PTR_EQ(test, got, first);
	KUNIT_EXPECT_EQ(test, kref_read(&first->refcount), 2U);
	dma_fence_put(got);

	rcu_assign_pointer(slot, second);
	rcu_read_lock();
	got = dma_fence_get_rcu_safe(&slot);
	rcu_read_unlock();
	KUNIT_EXPECT_PTR_EQ(test, got, second);
	KUNIT_EXPECT_EQ(test, kref_read(&first->refcount), 1U);
	KUNIT_EXPECT_EQ(test, kref_read(&second->refcount), 2U);
	dma_fence_put(got);

	RCU_INIT_POINTER(slot, NULL);
	rcu_read_lock();
	got = dma_fence_get_rcu_safe(&slot);
	rcu_read_unlock();
	KUNIT_EXPECT_NULL(test, got);
}

/*
 * One thread keeps publishing a fresh fence and dropping the previous one
 * (freed through RCU) while another looks the slot up. The lookup must
 * always come back with a live fence of ours, never a dead or freed one.
 */
struct swap_race {
	struct fence_fixture *fx;
	struct dma_fence __rcu *slot;
	unsigned long deadline;
	atomic_t stop;
	u32 swaps;
	u32 alloc_failures;
	u32 lookups;
	u32 misses;
	u32 corrupt;
	struct completion writer_done;
	struct completion reader_done;
};

static int swap_writer_fn(void *data)
{
	struct swap_race *sr = data;
	struct dma_fence *next, *old;

	while (sr->swaps < SWAP_LIMIT && !time_after(jiffies, sr->deadline) &&
	       !kthread_should_stop()) {
		next = mock_fence_alloc(sr->fx, &mock_ops, sr->swaps + 2);
		if (!next) {
			sr->alloc_failures++;
			break;
		}
		old = rcu_replace_pointer(sr->slot, next, true);
		dma_fence_signal(old);
		dma_fence_put(old);
		sr->swaps++;
		cond_resched();
	}
	atomic_set(&sr->stop, 1);
	complete(&sr->writer_done);
	return 0;
}

static int swap_reader_fn(void *data)
{
	struct swap_race *sr = data;
	struct dma_fence *fence;

	while (!atomic_read(&sr->stop) && !kthread_should_stop()) {
		rcu_read_lock();
		fence = dma_fence_get_rcu_safe(&sr->slot);
		rcu_read_unlock();
		if (!fence) {
			sr->misses++;
		} else {
			if (fence->ops != &mock_ops ||
			    fence->context != sr->fx->context ||
			    kref_read(&fence->refcount) < 1)
				sr->corrupt++;
			dma_fence_put(fence);
		}
		sr->lookups++;
		cond_resched();
	}
	complete(&sr->reader_done);
	return 0;
}

static void swap_race_drain(void *data)
{
	struct swap_race *sr = data;

	dma_fence_put(rcu_replace_pointer(sr->slot, NULL, true));
}

static void race_get_rcu_safe_vs_replacement_never_sees_freed_fence(struct kunit *test)
{
	struct fence_fixture *fx = test->priv;
	struct swap_race *sr = kunit_kzalloc(test, sizeof(*sr), GFP_KERNEL);
	struct dma_fence *first;

	KUNIT_ASSERT_NOT_NULL(test, sr);
	sr->fx = fx;
	init_completion(&sr->writer_done);
	init_completion(&sr->reader_done);
	first = mock_fence_alloc(fx, &mock_ops, 1);
	KUNIT_ASSERT_NOT_NULL(test, first);
	RCU_INIT_POINTER(sr->slot, first);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, swap_race_drain,
							sr), 0);

	sr->deadline = jiffies + RACE_BUDGET;
	dmabuf_kunit_thread_start(test, "dmaf", swap_writer_fn, sr,
				  "rcu-writer");
	dmabuf_kunit_thread_start(test, "dmaf", swap_reader_fn, sr,
				  "rcu-reader");
	dmabuf_kunit_thread_wait(test, &sr->writer_done, THREAD_GRACE,
				 "fence publisher");
	dmabuf_kunit_thread_wait(test, &sr->reader_done, THREAD_GRACE,
				 "fence reader");
	kunit_release_action(test, swap_race_drain, sr);

	kunit_info(test, "%u replacements, %u lookups\n", sr->swaps,
		   sr->lookups);
	KUNIT_EXPECT_EQ(test, sr->alloc_failures, 0U);
	KUNIT_EXPECT_GT(test, sr->swaps, 0U);
	KUNIT_EXPECT_GT(test, sr->lookups, 0U);
	KUNIT_EXPECT_EQ(test, sr->misses, 0U);
	KUNIT_EXPECT_EQ(test, sr->corrupt, 0U);
	/* Every fence published, the first one included, was released. */
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->releases), sr->swaps + 1);
}

/* ------------------------------------------------------------------ */
/* Signalling, timestamps and status                                   */
/* ------------------------------------------------------------------ */

enum signal_way {
	SIGNAL_PLAIN,
	SIGNAL_LOCKED,
	SIGNAL_STAMPED,
	SIGNAL_STAMPED_LOCKED,
};

static bool signal_way_stamped(enum signal_way way)
{
	return way == SIGNAL_STAMPED || way == SIGNAL_STAMPED_LOCKED;
}

static int signal_by(struct dma_fence *fence, enum signal_way way,
		     ktime_t stamp)
{
	unsigned long flags;
	int ret;

	switch (way) {
	case SIGNAL_PLAIN:
		return dma_fence_signal(fence);
	case SIGNAL_STAMPED:
		return dma_fence_signal_timestamp(fence, stamp);
	case SIGNAL_LOCKED:
		spin_lock_irqsave(fence->lock, flags);
		ret = dma_fence_signal_locked(fence);
		spin_unlock_irqrestore(fence->lock, flags);
		return ret;
	case SIGNAL_STAMPED_LOCKED:
		spin_lock_irqsave(fence->lock, flags);
		ret = dma_fence_signal_timestamp_locked(fence, stamp);
		spin_unlock_irqrestore(fence->lock, flags);
		return ret;
	}
	return -EINVAL;
}

struct signal_case {
	const char *desc;
	enum signal_way first;
	enum signal_way again;
};

static const struct signal_case signal_cases[] = {
	{ "signal, then signal again", SIGNAL_PLAIN, SIGNAL_PLAIN },
	{ "signal_locked, then signal", SIGNAL_LOCKED, SIGNAL_PLAIN },
	{ "signal_timestamp, then signal_locked",
	  SIGNAL_STAMPED, SIGNAL_LOCKED },
	{ "signal_timestamp_locked, then signal_timestamp",
	  SIGNAL_STAMPED_LOCKED, SIGNAL_STAMPED },
	{ "signal, then signal_timestamp_locked",
	  SIGNAL_PLAIN, SIGNAL_STAMPED_LOCKED },
};

KUNIT_ARRAY_PARAM_DESC(signal_cases, signal_cases, desc);

static void signal_records_timestamp_once_and_rejects_repeats(struct kunit *test)
{
	const struct signal_case *sc = test->param_value;
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	struct cb_probe *probe = probe_new(test);
	ktime_t stamp = ktime_set(1, 500), later = ktime_set(2, 600);
	ktime_t before, after, recorded;

	KUNIT_ASSERT_EQ(test, probe_attach(fence, probe), 0);
	KUNIT_EXPECT_FALSE(test, fence_flag(fence, DMA_FENCE_FLAG_TIMESTAMP_BIT));

	before = ktime_get();
	KUNIT_EXPECT_EQ(test, signal_by(fence, sc->first, stamp), 0);
	after = ktime_get();

	KUNIT_EXPECT_TRUE(test, fence_flag(fence, DMA_FENCE_FLAG_SIGNALED_BIT));
	KUNIT_ASSERT_TRUE(test, fence_flag(fence, DMA_FENCE_FLAG_TIMESTAMP_BIT));
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
	recorded = dma_fence_timestamp(fence);
	KUNIT_EXPECT_EQ(test, ktime_to_ns(recorded),
			ktime_to_ns(fence->timestamp));
	if (signal_way_stamped(sc->first)) {
		KUNIT_EXPECT_EQ(test, ktime_to_ns(recorded), ktime_to_ns(stamp));
	} else {
		KUNIT_EXPECT_GE(test, ktime_to_ns(recorded), ktime_to_ns(before));
		KUNIT_EXPECT_LE(test, ktime_to_ns(recorded), ktime_to_ns(after));
	}

	/* Only the first signal counts: no new time, no second delivery. */
	KUNIT_EXPECT_EQ(test, signal_by(fence, sc->again, later), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktime_to_ns(dma_fence_timestamp(fence)),
			ktime_to_ns(recorded));
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), 1);
}

static void status_stays_pending_until_signalled_even_with_error(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	unsigned long flags;
	int locked;

	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), 0);
	dma_fence_set_error(fence, -EIO);
	KUNIT_EXPECT_EQ(test, fence->error, -EIO);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), 0);
	spin_lock_irqsave(fence->lock, flags);
	locked = dma_fence_get_status_locked(fence);
	spin_unlock_irqrestore(fence->lock, flags);
	KUNIT_EXPECT_EQ(test, locked, 0);

	KUNIT_EXPECT_EQ(test, dma_fence_signal(fence), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), -EIO);
}

struct status_case {
	const char *desc;
	int error;
	int status;
};

static const struct status_case status_cases[] = {
	{ "no error reports 1", 0, 1 },
	{ "-EIO", -EIO, -EIO },
	{ "-ETIMEDOUT", -ETIMEDOUT, -ETIMEDOUT },
	{ "-ECANCELED", -ECANCELED, -ECANCELED },
	{ "-MAX_ERRNO", -MAX_ERRNO, -MAX_ERRNO },
};

KUNIT_ARRAY_PARAM_DESC(status_cases, status_cases, desc);

static void status_after_signal_reports_error_or_one(struct kunit *test)
{
	const struct status_case *sc = test->param_value;
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	unsigned long flags;
	int locked;

	if (sc->error)
		dma_fence_set_error(fence, sc->error);
	KUNIT_EXPECT_EQ(test, dma_fence_signal(fence), 0);

	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), sc->status);
	spin_lock_irqsave(fence->lock, flags);
	locked = dma_fence_get_status_locked(fence);
	spin_unlock_irqrestore(fence->lock, flags);
	KUNIT_EXPECT_EQ(test, locked, sc->status);
}

static void is_signaled_polls_driver_and_signals(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	struct cb_probe *probe = probe_new(test);

	KUNIT_ASSERT_EQ(test, probe_attach(fence, probe), 0);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 0);

	WRITE_ONCE(to_mock(fence)->hw_done, true);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(fence));
	KUNIT_EXPECT_TRUE(test, fence_flag(fence, DMA_FENCE_FLAG_SIGNALED_BIT));
	KUNIT_EXPECT_TRUE(test, fence_flag(fence, DMA_FENCE_FLAG_TIMESTAMP_BIT));
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), 1);
}

static void is_signaled_locked_polls_driver_under_lock(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	struct cb_probe *probe = probe_new(test);
	bool before, after;
	unsigned long flags;
	int status;

	KUNIT_ASSERT_EQ(test, probe_attach(fence, probe), 0);
	spin_lock_irqsave(fence->lock, flags);
	before = dma_fence_is_signaled_locked(fence);
	WRITE_ONCE(to_mock(fence)->hw_done, true);
	after = dma_fence_is_signaled_locked(fence);
	status = dma_fence_get_status_locked(fence);
	spin_unlock_irqrestore(fence->lock, flags);

	KUNIT_EXPECT_FALSE(test, before);
	KUNIT_EXPECT_TRUE(test, after);
	KUNIT_EXPECT_EQ(test, status, 1);
	KUNIT_EXPECT_TRUE(test, fence_flag(fence, DMA_FENCE_FLAG_SIGNALED_BIT));
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
}

static void signaled_op_may_attach_error(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	struct mock_fence *mf = to_mock(fence);

	mf->hw_error = -ETIMEDOUT;
	WRITE_ONCE(mf->hw_done, true);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), -ETIMEDOUT);
	KUNIT_EXPECT_TRUE(test, fence_flag(fence, DMA_FENCE_FLAG_SIGNALED_BIT));
}

/* ------------------------------------------------------------------ */
/* Callbacks and software signalling                                   */
/* ------------------------------------------------------------------ */

static void callbacks_run_once_in_registration_order(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	struct cb_probe *probe[3];
	int i;

	for (i = 0; i < ARRAY_SIZE(probe); i++) {
		probe[i] = probe_new(test);
		KUNIT_ASSERT_EQ(test, probe_attach(fence, probe[i]), 0);
	}
	for (i = 0; i < ARRAY_SIZE(probe); i++)
		KUNIT_EXPECT_EQ(test, probe_calls(probe[i]), 0);

	KUNIT_EXPECT_EQ(test, dma_fence_signal(fence), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_signal(fence), -EINVAL);

	for (i = 0; i < ARRAY_SIZE(probe); i++) {
		KUNIT_EXPECT_EQ(test, probe_calls(probe[i]), 1);
		KUNIT_EXPECT_EQ_MSG(test, probe[i]->order, i + 1,
				    "callback %d delivered out of order", i);
	}
}

static void callback_sees_signalled_fence_and_its_error(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	struct cb_probe *probe = probe_new(test);

	KUNIT_ASSERT_EQ(test, probe_attach(fence, probe), 0);
	dma_fence_set_error(fence, -ENOSPC);
	KUNIT_EXPECT_EQ(test, dma_fence_signal(fence), 0);

	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
	KUNIT_EXPECT_PTR_EQ(test, probe->seen, fence);
	KUNIT_EXPECT_TRUE(test, probe->saw_signalled);
	KUNIT_EXPECT_EQ(test, probe->saw_error, -ENOSPC);
	KUNIT_EXPECT_TRUE(test, list_empty(&probe->cb.node));
}

static void add_callback_on_signalled_fence_returns_enoent(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	struct cb_probe *probe = probe_new(test);

	KUNIT_ASSERT_EQ(test, dma_fence_signal(fence), 0);
	/* Garbage in the node: the core must initialise it anyway. */
	probe->cb.node.next = LIST_POISON1;
	probe->cb.node.prev = LIST_POISON2;

	KUNIT_EXPECT_EQ(test, probe_attach(fence, probe), -ENOENT);
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 0);
	KUNIT_ASSERT_TRUE(test, list_empty(&probe->cb.node));
	/* An initialised node makes a later removal a harmless no-op. */
	KUNIT_EXPECT_FALSE(test, dma_fence_remove_callback(fence, &probe->cb));
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 0);
}

static void signal_after_callback_removed_is_not_delivered(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	struct cb_probe *kept = probe_new(test);
	struct cb_probe *gone = probe_new(test);

	KUNIT_ASSERT_EQ(test, probe_attach(fence, gone), 0);
	KUNIT_ASSERT_EQ(test, probe_attach(fence, kept), 0);
	KUNIT_EXPECT_TRUE(test, dma_fence_remove_callback(fence, &gone->cb));

	KUNIT_EXPECT_EQ(test, dma_fence_signal(fence), 0);
	KUNIT_EXPECT_EQ(test, probe_calls(gone), 0);
	KUNIT_EXPECT_EQ(test, probe_calls(kept), 1);
}

static void remove_callback_after_signal_returns_false(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	struct cb_probe *probe = probe_new(test);

	KUNIT_ASSERT_EQ(test, probe_attach(fence, probe), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_signal(fence), 0);
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
	KUNIT_EXPECT_FALSE(test, dma_fence_remove_callback(fence, &probe->cb));
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
}

static void callback_moves_to_another_fence_after_removal(struct kunit *test)
{
	struct dma_fence *first = fence_new(test, &mock_ops, 1);
	struct dma_fence *second = fence_new(test, &mock_ops, 2);
	struct cb_probe *probe = probe_new(test);

	KUNIT_ASSERT_EQ(test, probe_attach(first, probe), 0);
	KUNIT_ASSERT_TRUE(test, dma_fence_remove_callback(first, &probe->cb));
	KUNIT_ASSERT_EQ(test, probe_attach(second, probe), 0);

	KUNIT_EXPECT_EQ(test, dma_fence_signal(first), 0);
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_signal(second), 0);
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
	KUNIT_EXPECT_PTR_EQ(test, probe->seen, second);
}

static void add_callback_enables_signaling(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	struct cb_probe *probe = probe_new(test);

	KUNIT_EXPECT_EQ(test, atomic_read(&to_mock(fence)->enable_calls), 0);
	KUNIT_ASSERT_EQ(test, probe_attach(fence, probe), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&to_mock(fence)->enable_calls), 1);
	KUNIT_EXPECT_TRUE(test,
			  fence_flag(fence, DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));
}

static void enable_sw_signaling_calls_enable_signaling_once(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	struct cb_probe *probe = probe_new(test);

	dma_fence_enable_sw_signaling(fence);
	dma_fence_enable_sw_signaling(fence);
	KUNIT_ASSERT_EQ(test, probe_attach(fence, probe), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_wait_timeout(fence, false, 0), 0);

	KUNIT_EXPECT_EQ(test, atomic_read(&to_mock(fence)->enable_calls), 1);
	KUNIT_EXPECT_TRUE(test,
			  fence_flag(fence, DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));
}

static void enable_signaling_is_not_called_once_signalled(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	struct cb_probe *probe = probe_new(test);

	KUNIT_ASSERT_EQ(test, dma_fence_signal(fence), 0);
	dma_fence_enable_sw_signaling(fence);
	KUNIT_EXPECT_EQ(test, probe_attach(fence, probe), -ENOENT);
	KUNIT_EXPECT_GT(test, dma_fence_wait_timeout(fence, false, 1), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&to_mock(fence)->enable_calls), 0);
}

static void enable_signaling_refusal_signals_fence(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	struct mock_fence *mf = to_mock(fence);
	struct cb_probe *probe = probe_new(test);

	mf->refuse_enable = true;
	mf->enable_error = -ENODEV;
	dma_fence_enable_sw_signaling(fence);

	KUNIT_EXPECT_EQ(test, atomic_read(&mf->enable_calls), 1);
	KUNIT_EXPECT_TRUE(test, fence_flag(fence, DMA_FENCE_FLAG_SIGNALED_BIT));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), -ENODEV);
	KUNIT_EXPECT_EQ(test, probe_attach(fence, probe), -ENOENT);
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 0);
}

static void add_callback_after_refused_enable_returns_enoent(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	struct dma_fence *waited = fence_new(test, &mock_ops, 2);
	struct cb_probe *probe = probe_new(test);
	signed long ret;

	to_mock(fence)->refuse_enable = true;
	probe->cb.node.next = LIST_POISON1;
	probe->cb.node.prev = LIST_POISON2;
	KUNIT_EXPECT_EQ(test, probe_attach(fence, probe), -ENOENT);
	KUNIT_EXPECT_TRUE(test, list_empty(&probe->cb.node));
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), 1);

	/* A wait on such a fence has nothing to wait for. */
	to_mock(waited)->refuse_enable = true;
	ret = dma_fence_wait_timeout(waited, false, LONG_WAIT);
	KUNIT_EXPECT_GT(test, ret, 0);
	KUNIT_EXPECT_LE(test, ret, LONG_WAIT);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(waited));
}

/*
 * Lock-step races. Two threads walk the same array of fences; before each
 * slot they meet, then both act on that slot at once. Meeting spins briefly
 * (so both CPUs of an SMP machine really collide) and then sleeps, so that
 * a single non-preemptive CPU (UML) lets the other side run.
 */
struct race_slot {
	struct dma_fence *fence;
	struct cb_probe probe;
	int res[2];
	bool acted[2];
};

struct race;

struct race_worker {
	struct race *race;
	int side;
	struct completion finished;
};

struct race {
	void (*step[2])(struct race_slot *slot, int side);
	struct race_slot *slots;
	u32 nslots;
	unsigned long deadline;
	atomic_t reached[2];
	atomic_t stop;
	struct race_worker worker[2];
};

static bool race_meet(struct race *race, int side, int ticket)
{
	unsigned int spins = 0;

	if (atomic_read(&race->stop))
		return false;
	atomic_set(&race->reached[side], ticket);
	while (atomic_read(&race->reached[!side]) < ticket) {
		if (atomic_read(&race->stop) || kthread_should_stop())
			return false;
		if (++spins < RACE_SPINS)
			cpu_relax();
		else
			usleep_range(20, 50);
	}
	return true;
}

static int race_worker_fn(void *data)
{
	struct race_worker *w = data;
	struct race *race = w->race;
	u32 i;

	for (i = 0; i < race->nslots; i++) {
		if (time_after(jiffies, race->deadline))
			atomic_set(&race->stop, 1);
		if (!race_meet(race, w->side, i + 1))
			break;
		race->step[w->side](&race->slots[i], w->side);
		race->slots[i].acted[w->side] = true;
		cond_resched();
	}
	complete(&w->finished);
	return 0;
}

static void race_release_fences(void *data)
{
	struct race *race = data;
	u32 i;

	for (i = 0; i < race->nslots; i++) {
		if (!race->slots[i].fence)
			continue;
		dma_fence_signal(race->slots[i].fence);
		dma_fence_put(race->slots[i].fence);
	}
}

KUNIT_DEFINE_ACTION_WRAPPER(kvfree_action, kvfree, const void *);

static struct race *race_prepare(struct kunit *test, bool attach)
{
	struct race *race = kunit_kzalloc(test, sizeof(*race), GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, race);
	race->slots = kvcalloc(RACE_SLOTS, sizeof(*race->slots), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, race->slots);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kvfree_action,
							race->slots), 0);
	race->nslots = RACE_SLOTS;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							race_release_fences,
							race), 0);
	for (i = 0; i < race->nslots; i++) {
		struct race_slot *slot = &race->slots[i];

		slot->fence = mock_fence_alloc(test->priv, &mock_ops, i + 1);
		KUNIT_ASSERT_NOT_NULL(test, slot->fence);
		probe_init(&slot->probe, NULL);
		if (attach)
			KUNIT_ASSERT_EQ(test,
					probe_attach(slot->fence, &slot->probe),
					0);
	}
	return race;
}

/* Returns how many slots both sides acted on. */
static u32 race_run(struct kunit *test, struct race *race)
{
	u32 i, both = 0;
	int side;

	race->deadline = jiffies + RACE_BUDGET;
	for (side = 0; side < 2; side++) {
		race->worker[side].race = race;
		race->worker[side].side = side;
		init_completion(&race->worker[side].finished);
	}
	for (side = 0; side < 2; side++)
		dmabuf_kunit_thread_start(test, "dmaf", race_worker_fn,
					  &race->worker[side],
					  side ? "race-b" : "race-a");
	for (side = 0; side < 2; side++)
		dmabuf_kunit_thread_wait(test, &race->worker[side].finished,
					 THREAD_GRACE, "race worker");

	for (i = 0; i < race->nslots; i++)
		if (race->slots[i].acted[0] && race->slots[i].acted[1])
			both++;
	return both;
}

static void step_add_callback(struct race_slot *slot, int side)
{
	slot->res[side] = probe_attach(slot->fence, &slot->probe);
}

static void step_remove_callback(struct race_slot *slot, int side)
{
	slot->res[side] = dma_fence_remove_callback(slot->fence,
						    &slot->probe.cb);
}

static void step_signal(struct race_slot *slot, int side)
{
	slot->res[side] = dma_fence_signal(slot->fence);
}

static void step_signal_stamped(struct race_slot *slot, int side)
{
	slot->res[side] = dma_fence_signal_timestamp(slot->fence, RACE_STAMP);
}

/*
 * The verdict of a race: both sides must have met on at least one slot,
 * and no slot may break the contract. The first bad slot is reported.
 */
static void race_expect_clean(struct kunit *test, struct race *race, u32 raced,
			      u32 bad, u32 first_bad, const char *op0,
			      const char *op1)
{
	struct race_slot *slot = &race->slots[first_bad];

	KUNIT_EXPECT_GT(test, raced, 0U);
	KUNIT_EXPECT_EQ_MSG(test, bad, 0U,
			    "slot %u: %s %d, %s %d, delivered %d times",
			    first_bad, op0, slot->res[0], op1, slot->res[1],
			    probe_calls(&slot->probe));
}

static void race_add_callback_vs_signal_delivers_exactly_once(struct kunit *test)
{
	struct race *race = race_prepare(test, false);
	u32 i, raced, attached = 0, late = 0, bad = 0, first_bad = 0;

	race->step[0] = step_add_callback;
	race->step[1] = step_signal;
	raced = race_run(test, race);

	for (i = 0; i < race->nslots; i++) {
		struct race_slot *slot = &race->slots[i];
		bool ok;

		if (!slot->acted[0] || !slot->acted[1])
			continue;
		if (slot->res[0] == 0) {
			attached++;
			ok = probe_calls(&slot->probe) == 1 &&
			     slot->probe.saw_signalled;
		} else {
			late++;
			ok = slot->res[0] == -ENOENT &&
			     probe_calls(&slot->probe) == 0 &&
			     list_empty(&slot->probe.cb.node);
		}
		ok = ok && slot->res[1] == 0;
		if (!ok && !bad++)
			first_bad = i;
	}

	kunit_info(test, "%u slots: %u callbacks registered in time, %u too late\n",
		   raced, attached, late);
	race_expect_clean(test, race, raced, bad, first_bad, "add_callback", "signal");
}

static void race_remove_callback_vs_signal_delivers_iff_kept(struct kunit *test)
{
	struct race *race = race_prepare(test, true);
	u32 i, raced, removed = 0, delivered = 0, bad = 0, first_bad = 0;

	race->step[0] = step_remove_callback;
	race->step[1] = step_signal;
	raced = race_run(test, race);

	for (i = 0; i < race->nslots; i++) {
		struct race_slot *slot = &race->slots[i];
		int expect;

		if (!slot->acted[0] || !slot->acted[1])
			continue;
		if (slot->res[0])
			removed++;
		else
			delivered++;
		expect = slot->res[0] ? 0 : 1;
		if ((probe_calls(&slot->probe) != expect || slot->res[1]) &&
		    !bad++)
			first_bad = i;
	}

	kunit_info(test, "%u slots: %u callbacks removed, %u delivered\n",
		   raced, removed, delivered);
	race_expect_clean(test, race, raced, bad, first_bad, "remove_callback", "signal");
}

static void race_concurrent_signals_have_one_winner(struct kunit *test)
{
	struct race *race = race_prepare(test, true);
	u32 i, raced, wins[2] = { 0, 0 }, bad = 0, first_bad = 0;

	race->step[0] = step_signal;
	race->step[1] = step_signal_stamped;
	raced = race_run(test, race);

	for (i = 0; i < race->nslots; i++) {
		struct race_slot *slot = &race->slots[i];
		int winner = slot->res[0] == 0 ? 0 : 1;
		bool ok;

		if (!slot->acted[0] || !slot->acted[1])
			continue;
		wins[winner]++;
		ok = slot->res[winner] == 0 && slot->res[!winner] == -EINVAL &&
		     probe_calls(&slot->probe) == 1;
		/* The timestamp is the winner's: RACE_STAMP or the clock. */
		if (ok)
			ok = (ktime_to_ns(dma_fence_timestamp(slot->fence)) ==
			      ktime_to_ns(RACE_STAMP)) == (winner == 1);
		if (!ok && !bad++)
			first_bad = i;
	}

	kunit_info(test, "%u slots: plain signal won %u, timestamped won %u\n",
		   raced, wins[0], wins[1]);
	race_expect_clean(test, race, raced, bad, first_bad, "signal", "signal_timestamp");
}

/* ------------------------------------------------------------------ */
/* Signalling from interrupt context                                   */
/* ------------------------------------------------------------------ */

static void signal_from_irq_work_runs_callbacks_in_hardirq(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	struct cb_probe *probe = probe_new(test);
	struct irq_signal *is;
	signed long ret;

	KUNIT_ASSERT_EQ(test, probe_attach(fence, probe), 0);
	is = irq_signal_queue(test, fence, false);
	ret = dma_fence_wait_timeout(fence, false, LONG_WAIT);
	irq_work_sync(&is->work);

	KUNIT_EXPECT_GT(test, ret, 0);
	KUNIT_EXPECT_EQ(test, is->ret, 0);
	KUNIT_EXPECT_TRUE(test, is->in_hardirq);
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
	KUNIT_EXPECT_TRUE(test, probe->in_hardirq);
}

static void signal_from_timer_wakes_interruptible_waiter(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	struct cb_probe *probe = probe_new(test);
	struct soft_signal *ss = kunit_kzalloc(test, sizeof(*ss), GFP_KERNEL);
	signed long ret;

	KUNIT_ASSERT_NOT_NULL(test, ss);
	KUNIT_ASSERT_EQ(test, probe_attach(fence, probe), 0);
	ss->fence = fence;
	ss->ret = 1;
	ss->in_task = true;
	timer_setup(&ss->timer, soft_signal_fire, 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							soft_signal_cancel,
							ss), 0);
	mod_timer(&ss->timer, jiffies + msecs_to_jiffies(SIGNAL_DELAY_MS));

	ret = dma_fence_wait_timeout(fence, true, LONG_WAIT);
	timer_delete_sync(&ss->timer);

	KUNIT_EXPECT_GT(test, ret, 0);
	KUNIT_EXPECT_LE(test, ret, LONG_WAIT);
	KUNIT_EXPECT_EQ(test, ss->ret, 0);
	KUNIT_EXPECT_FALSE(test, ss->in_task);
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
	KUNIT_EXPECT_FALSE(test, probe->in_task);
}

/* ------------------------------------------------------------------ */
/* Waiting                                                              */
/* ------------------------------------------------------------------ */

static void wait_timeout_expires_with_zero_on_pending_fence(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);

	KUNIT_EXPECT_EQ(test, dma_fence_wait_timeout(fence, false, SHORT_WAIT),
			0);
	KUNIT_EXPECT_EQ(test, dma_fence_wait_timeout(fence, true, SHORT_WAIT),
			0);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), 0);
}

static void wait_timeout_returns_remaining_jiffies_when_signalled(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
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
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
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
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	struct dma_fence *failed = fence_new(test, &mock_ops, 2);
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
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
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
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);

	KUNIT_EXPECT_EQ(test, dma_fence_wait_timeout(fence, false, 0), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&to_mock(fence)->enable_calls), 1);
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

	fences[0] = fence_new(test, &mock_ops, 1);
	fences[1] = fence_new(test, &mock_ops, 2);
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
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
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

static void custom_wait_op_serves_waits(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, &mock_wait_ops, 1);
	struct mock_fence *mf = to_mock(fence);

	mf->wait_ret = 17;
	KUNIT_EXPECT_EQ(test, dma_fence_wait_timeout(fence, true, 33), 17);
	KUNIT_EXPECT_EQ(test, atomic_read(&mf->wait_calls), 1);
	KUNIT_EXPECT_TRUE(test, mf->wait_intr);
	KUNIT_EXPECT_EQ(test, mf->wait_timeout, 33);

	/* dma_fence_wait() maps success to 0 and passes errors through. */
	mf->wait_ret = 5;
	KUNIT_EXPECT_EQ(test, dma_fence_wait(fence, false), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&mf->wait_calls), 2);
	KUNIT_EXPECT_FALSE(test, mf->wait_intr);
	KUNIT_EXPECT_EQ(test, mf->wait_timeout, MAX_SCHEDULE_TIMEOUT);

	mf->wait_ret = -EIO;
	KUNIT_EXPECT_EQ(test, dma_fence_wait(fence, true), -EIO);
	KUNIT_EXPECT_EQ(test, atomic_read(&mf->wait_calls), 3);
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
		fences[i] = fence_new(test, &mock_ops, i + 1);
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
		fences[i] = fence_new(test, &mock_ops, i + 1);
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
		fences[i] = fence_new(test, &mock_ops, i + 1);

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
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	struct dma_fence *plain = fence_new(test, &bare_ops, 2);
	struct mock_fence *mf = to_mock(fence);
	ktime_t soon = ktime_add_ms(ktime_get(), 16);
	ktime_t sooner = ktime_add_ms(ktime_get(), 4);

	dma_fence_set_deadline(fence, soon);
	KUNIT_EXPECT_EQ(test, atomic_read(&mf->deadline_calls), 1);
	KUNIT_EXPECT_EQ(test, ktime_to_ns(mf->deadline), ktime_to_ns(soon));

	dma_fence_set_deadline(fence, sooner);
	KUNIT_EXPECT_EQ(test, atomic_read(&mf->deadline_calls), 2);
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
	struct dma_fence *fence = fence_new(test, &mock_ops, 1);
	struct mock_fence *mf = to_mock(fence);

	KUNIT_ASSERT_EQ(test, dma_fence_signal(fence), 0);
	dma_fence_set_deadline(fence, ktime_get());
	KUNIT_EXPECT_EQ(test, atomic_read(&mf->deadline_calls), 0);
}

/* ------------------------------------------------------------------ */
/* Stub fences                                                         */
/* ------------------------------------------------------------------ */

static void stub_fence_is_signalled_and_shared(struct kunit *test)
{
	struct dma_fence *first = dma_fence_get_stub();
	struct dma_fence *second = dma_fence_get_stub();
	struct cb_probe *probe = probe_new(test);

	KUNIT_EXPECT_PTR_EQ(test, first, second);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(first));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(first), 1);
	if (fence_flag(first, DMA_FENCE_FLAG_TIMESTAMP_BIT))
		KUNIT_EXPECT_LE(test, ktime_to_ns(dma_fence_timestamp(first)),
				ktime_to_ns(ktime_get()));
	else
		KUNIT_FAIL(test, "the stub fence carries no timestamp");
	KUNIT_EXPECT_GE(test, kref_read(&first->refcount), 2U);
	KUNIT_EXPECT_EQ(test, probe_attach(first, probe), -ENOENT);
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 0);
	KUNIT_EXPECT_GT(test, dma_fence_wait_timeout(first, true, 1), 0);

	dma_fence_put(second);
	dma_fence_put(first);
}

static void private_stub_carries_requested_timestamp(struct kunit *test)
{
	ktime_t stamp = ktime_set(3, 14159);
	struct dma_fence *stub = dma_fence_get_stub();
	struct dma_fence *mine = dma_fence_allocate_private_stub(stamp);
	struct dma_fence *other = dma_fence_allocate_private_stub(ktime_get());

	if (mine && other) {
		KUNIT_EXPECT_PTR_NE(test, mine, stub);
		KUNIT_EXPECT_PTR_NE(test, mine, other);
		KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(mine));
		if (fence_flag(mine, DMA_FENCE_FLAG_TIMESTAMP_BIT))
			KUNIT_EXPECT_EQ(test,
					ktime_to_ns(dma_fence_timestamp(mine)),
					ktime_to_ns(stamp));
		else
			KUNIT_FAIL(test, "the private stub has no timestamp");
		KUNIT_EXPECT_EQ(test, dma_fence_get_status(mine), 1);
		KUNIT_EXPECT_EQ(test, kref_read(&mine->refcount), 1U);
		KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(other));
	} else {
		KUNIT_FAIL(test, "allocate_private_stub returned NULL");
	}

	dma_fence_put(other);
	dma_fence_put(mine);
	dma_fence_put(stub);
}

/* ------------------------------------------------------------------ */
/* Seqno ordering                                                      */
/* ------------------------------------------------------------------ */

struct order_case {
	const char *desc;
	bool wide;		/* ops->use_64bit_seqno */
	u64 a;
	u64 b;
	bool a_later;		/* dma_fence_is_later(a, b) */
	bool b_later;		/* dma_fence_is_later(b, a) */
};

static const struct order_case order_cases[] = {
	{ "32-bit: 2 comes after 1", false, 2, 1, true, false },
	{ "32-bit: equal seqnos, neither later", false, 5, 5, false, false },
	{ "32-bit: 1 follows 0xffffffff across the wrap",
	  false, 1, 0xffffffffULL, true, false },
	{ "32-bit: 0 follows 0xffffffff across the wrap",
	  false, 0, 0xffffffffULL, true, false },
	{ "32-bit: 0x7fffffff is still ahead of 0",
	  false, 0x7fffffffULL, 0, true, false },
	{ "32-bit: upper 32 bits are ignored",
	  false, 0x100000001ULL, 2, false, true },
	{ "64-bit: 0x100000001 comes after 2",
	  true, 0x100000001ULL, 2, true, false },
	{ "64-bit: 0xffffffff comes after 1, no wrap",
	  true, 0xffffffffULL, 1, true, false },
	{ "64-bit: U64_MAX comes after 0", true, U64_MAX, 0, true, false },
	{ "64-bit: equal seqnos, neither later", true, 9, 9, false, false },
};

KUNIT_ARRAY_PARAM_DESC(order_cases, order_cases, desc);

static void is_later_compares_seqnos_per_ops_width(struct kunit *test)
{
	const struct order_case *oc = test->param_value;
	const struct dma_fence_ops *ops = oc->wide ? &mock_ops_64 : &mock_ops;
	struct dma_fence *a = fence_new(test, ops, oc->a);
	struct dma_fence *b = fence_new(test, ops, oc->b);
	struct dma_fence *later, *earlier;

	KUNIT_EXPECT_EQ(test, dma_fence_is_later(a, b), oc->a_later);
	KUNIT_EXPECT_EQ(test, dma_fence_is_later(b, a), oc->b_later);
	KUNIT_EXPECT_EQ(test, __dma_fence_is_later(oc->a, oc->b, ops),
			oc->a_later);
	KUNIT_EXPECT_EQ(test, dma_fence_is_later_or_same(a, b), oc->a_later);
	KUNIT_EXPECT_EQ(test, dma_fence_is_later_or_same(b, a), oc->b_later);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_later_or_same(a, a));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_later(a, a));

	if (!oc->a_later && !oc->b_later)
		return;

	/* dma_fence_later() picks the later one while it is pending. */
	later = oc->a_later ? a : b;
	earlier = oc->a_later ? b : a;
	KUNIT_EXPECT_PTR_EQ(test, dma_fence_later(a, b), later);
	KUNIT_EXPECT_PTR_EQ(test, dma_fence_later(b, a), later);
	KUNIT_ASSERT_EQ(test, dma_fence_signal(earlier), 0);
	KUNIT_EXPECT_PTR_EQ(test, dma_fence_later(a, b), later);
	KUNIT_ASSERT_EQ(test, dma_fence_signal(later), 0);
	KUNIT_EXPECT_NULL(test, dma_fence_later(a, b));
	KUNIT_EXPECT_NULL(test, dma_fence_later(b, a));
}

/* ------------------------------------------------------------------ */
/* Debug output                                                        */
/* ------------------------------------------------------------------ */

enum describe_state {
	DESCRIBE_PENDING,
	DESCRIBE_SIGNALLED,
	DESCRIBE_FAILED,
};

struct describe_case {
	const char *desc;
	u64 seqno;
	enum describe_state state;
	const char *expect;
};

#define DESCRIBED(tail)	DRIVER_NAME " " TIMELINE_NAME " seq " tail "\n"

static const struct describe_case describe_cases[] = {
	{ "pending fence", 7, DESCRIBE_PENDING, DESCRIBED("7 unsignalled") },
	{ "signalled fence", 8, DESCRIBE_SIGNALLED, DESCRIBED("8 signalled") },
	{ "fence signalled with an error", 9, DESCRIBE_FAILED,
	  DESCRIBED("9 signalled") },
	{ "largest 64-bit seqno", U64_MAX, DESCRIBE_PENDING,
	  DESCRIBED("18446744073709551615 unsignalled") },
};

KUNIT_ARRAY_PARAM_DESC(describe_cases, describe_cases, desc);

static void describe_prints_one_line_per_fence(struct kunit *test)
{
	const struct describe_case *dc = test->param_value;
	struct dma_fence *fence = fence_new(test, &mock_ops_64, dc->seqno);
	struct seq_file *seq = seq_new(test, 256);

	if (dc->state == DESCRIBE_FAILED)
		dma_fence_set_error(fence, -EIO);
	if (dc->state != DESCRIBE_PENDING)
		KUNIT_ASSERT_EQ(test, dma_fence_signal(fence), 0);

	dma_fence_describe(fence, seq);
	KUNIT_EXPECT_STREQ(test, seq_text(test, seq), dc->expect);
}

static void describe_appends_to_existing_output(struct kunit *test)
{
	struct dma_fence *first = fence_new(test, &mock_ops, 1);
	struct dma_fence *second = fence_new(test, &mock_ops, 2);
	struct seq_file *seq = seq_new(test, 256);

	seq_puts(seq, "fences:\n");
	KUNIT_ASSERT_EQ(test, dma_fence_signal(first), 0);
	dma_fence_describe(first, seq);
	dma_fence_describe(second, seq);

	KUNIT_EXPECT_STREQ(test, seq_text(test, seq),
			   "fences:\n" DESCRIBED("1 signalled")
			   DESCRIBED("2 unsignalled"));
}

/* ------------------------------------------------------------------ */
/* Lockdep signalling annotations                                      */
/* ------------------------------------------------------------------ */

static void skip_without_lockdep(struct kunit *test)
{
	if (!IS_ENABLED(CONFIG_LOCKDEP))
		kunit_skip(test, "needs CONFIG_LOCKDEP");
	if (!debug_locks)
		kunit_skip(test, "lockdep is off after an earlier report");
}

static void signalling_sections_nest_and_balance(struct kunit *test)
{
	int base, outer_depth, inner_depth, after_inner, after_outer;
	bool outer, inner;

	skip_without_lockdep(test);

	base = lockdep_depth(current);
	outer = dma_fence_begin_signalling();
	outer_depth = lockdep_depth(current);
	inner = dma_fence_begin_signalling();
	inner_depth = lockdep_depth(current);
	dma_fence_end_signalling(inner);
	after_inner = lockdep_depth(current);
	dma_fence_end_signalling(outer);
	after_outer = lockdep_depth(current);

	/* The outermost section is what lockdep tracks. */
	KUNIT_EXPECT_GT(test, outer_depth, base);
	KUNIT_EXPECT_GE(test, inner_depth, outer_depth);
	KUNIT_EXPECT_EQ(test, after_inner, outer_depth);
	KUNIT_EXPECT_EQ(test, after_outer, base);
}

static void signalling_section_may_wait_for_completed_dependency(struct kunit *test)
{
	struct dma_fence *dependency = fence_new(test, &mock_ops, 1);
	struct dma_fence *job = fence_new(test, &mock_ops, 2);
	int base, inside, after_wait, after;
	signed long waited;
	bool cookie;
	int signalled;

	skip_without_lockdep(test);
	KUNIT_ASSERT_EQ(test, dma_fence_signal(dependency), 0);

	/*
	 * The path that completes @job waits for its (already complete)
	 * dependency and holds no lock while doing so: a legal section.
	 */
	base = lockdep_depth(current);
	cookie = dma_fence_begin_signalling();
	inside = lockdep_depth(current);
	waited = dma_fence_wait_timeout(dependency, false, LONG_WAIT);
	after_wait = lockdep_depth(current);
	signalled = dma_fence_signal(job);
	dma_fence_end_signalling(cookie);
	after = lockdep_depth(current);

	KUNIT_EXPECT_GT(test, waited, 0);
	KUNIT_EXPECT_EQ(test, signalled, 0);
	KUNIT_EXPECT_GT(test, inside, base);
	/* The wait sets the section aside only while it checks itself. */
	KUNIT_EXPECT_EQ(test, after_wait, inside);
	KUNIT_EXPECT_EQ(test, after, base);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(job));
}

/* ------------------------------------------------------------------ */

static struct kunit_case dma_fence_cases[] = {
	KUNIT_CASE(init_records_identity_and_pending_state),
	KUNIT_CASE(context_alloc_returns_distinct_contexts),
	KUNIT_CASE(context_alloc_reserves_requested_range),
	KUNIT_CASE(context_alloc_concurrent_ranges_never_overlap),
	KUNIT_CASE(get_and_put_track_refcount_and_release_once),
	KUNIT_CASE(get_and_put_accept_null),
	KUNIT_CASE(final_put_without_release_op_frees_after_grace_period),
	KUNIT_CASE(final_put_from_hardirq_runs_release),
	KUNIT_CASE(get_rcu_takes_reference_on_live_fence),
	KUNIT_CASE(get_rcu_fails_on_zero_refcount_during_grace_period),
	KUNIT_CASE(get_rcu_safe_follows_replaced_pointer),
	KUNIT_CASE(race_get_rcu_safe_vs_replacement_never_sees_freed_fence),
	KUNIT_CASE_PARAM(signal_records_timestamp_once_and_rejects_repeats,
			 signal_cases_gen_params),
	KUNIT_CASE(status_stays_pending_until_signalled_even_with_error),
	KUNIT_CASE_PARAM(status_after_signal_reports_error_or_one,
			 status_cases_gen_params),
	KUNIT_CASE(is_signaled_polls_driver_and_signals),
	KUNIT_CASE(is_signaled_locked_polls_driver_under_lock),
	KUNIT_CASE(signaled_op_may_attach_error),
	KUNIT_CASE(callbacks_run_once_in_registration_order),
	KUNIT_CASE(callback_sees_signalled_fence_and_its_error),
	KUNIT_CASE(add_callback_on_signalled_fence_returns_enoent),
	KUNIT_CASE(signal_after_callback_removed_is_not_delivered),
	KUNIT_CASE(remove_callback_after_signal_returns_false),
	KUNIT_CASE(callback_moves_to_another_fence_after_removal),
	KUNIT_CASE(add_callback_enables_signaling),
	KUNIT_CASE(enable_sw_signaling_calls_enable_signaling_once),
	KUNIT_CASE(enable_signaling_is_not_called_once_signalled),
	KUNIT_CASE(enable_signaling_refusal_signals_fence),
	KUNIT_CASE(add_callback_after_refused_enable_returns_enoent),
	KUNIT_CASE(race_add_callback_vs_signal_delivers_exactly_once),
	KUNIT_CASE(race_remove_callback_vs_signal_delivers_iff_kept),
	KUNIT_CASE(race_concurrent_signals_have_one_winner),
	KUNIT_CASE(signal_from_irq_work_runs_callbacks_in_hardirq),
	KUNIT_CASE(signal_from_timer_wakes_interruptible_waiter),
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
	KUNIT_CASE(custom_wait_op_serves_waits),
	KUNIT_CASE(wait_any_reports_index_of_signalled_fence),
	KUNIT_CASE(wait_any_returns_already_signalled_member),
	KUNIT_CASE(wait_any_times_out_with_zero),
	KUNIT_CASE(set_deadline_forwards_each_deadline_to_driver),
	KUNIT_CASE(set_deadline_after_signal_is_ignored),
	KUNIT_CASE(stub_fence_is_signalled_and_shared),
	KUNIT_CASE(private_stub_carries_requested_timestamp),
	KUNIT_CASE_PARAM(is_later_compares_seqnos_per_ops_width,
			 order_cases_gen_params),
	KUNIT_CASE_PARAM(describe_prints_one_line_per_fence,
			 describe_cases_gen_params),
	KUNIT_CASE(describe_appends_to_existing_output),
	KUNIT_CASE(signalling_sections_nest_and_balance),
	KUNIT_CASE(signalling_section_may_wait_for_completed_dependency),
	{}
};

static struct kunit_suite dma_fence_suite = {
	.name = "dma-fence",
	.init = fence_fixture_init,
	.test_cases = dma_fence_cases,
};

kunit_test_suite(dma_fence_suite);

MODULE_DESCRIPTION("KUnit tests for the dma_fence synchronisation primitive");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_resv": the documented contract of struct dma_resv,
 * apart from what the other dma_resv suites cover.
 *
 * Covered: set-up and tear-down, the locking helpers (acquire contexts,
 * the -EDEADLK back-off, trylock), waits, polling, deadlines and the
 * debugfs text. The iterators are in dma_resv_iter, which entries a new
 * fence takes over and reserving in dma_resv_add, snapshots and copies in
 * dma_resv_snapshot, races in dma_resv_race and allocation failures in
 * dma_resv_faults. Shared helpers are in dma-resv-kunit.h.
 */

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/ww_mutex.h>

#include "dma-resv-kunit.h"

static const bool intr_cases[] = { false, true };

static void intr_desc(const bool *intr, char *desc)
{
	strscpy(desc, *intr ? "interruptible" : "uninterruptible",
		KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(intr, intr_cases, intr_desc);

/* Acquire context without the debug build's injected -EDEADLK. */
static void ctx_init(struct ww_acquire_ctx *ctx)
{
	ww_acquire_init(ctx, &reservation_ww_class);
#ifdef CONFIG_DEBUG_WW_MUTEX_SLOWPATH
	ctx->deadlock_inject_countdown = ~0U;
#endif
}

/* ------------------------------------------------------------------ */
/* Set-up and locking                                                  */
/* ------------------------------------------------------------------ */

static void init_leaves_object_unlocked_and_empty(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_resv_iter cursor;
	struct dma_fence **fences;
	struct dma_fence *fence;
	unsigned int n = 42;

	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(obj));
	KUNIT_EXPECT_NULL(test, dma_resv_locking_ctx(obj));
	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(obj,
						       DMA_RESV_USAGE_BOOKKEEP));
	KUNIT_EXPECT_EQ(test, count_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP),
			0U);

	dma_resv_iter_begin(&cursor, obj, DMA_RESV_USAGE_BOOKKEEP);
	fence = dma_resv_iter_first_unlocked(&cursor);
	dma_resv_iter_end(&cursor);
	KUNIT_EXPECT_NULL(test, fence);

	fences = (struct dma_fence **)test;	/* must be overwritten */
	KUNIT_EXPECT_EQ(test, dma_resv_get_fences(obj, DMA_RESV_USAGE_BOOKKEEP,
						  &n, &fences), 0);
	KUNIT_EXPECT_EQ(test, n, 0U);
	KUNIT_EXPECT_NULL(test, fences);
}

static void fini_drops_the_references_it_holds(struct kunit *test)
{
	struct dma_fence *f = fence_solo(test);
	struct dma_resv obj;

	dma_resv_init(&obj);
	KUNIT_ASSERT_EQ(test, dma_resv_lock(&obj, NULL), 0);
	KUNIT_EXPECT_EQ(test, dma_resv_reserve_fences(&obj, 2), 0);
	dma_resv_add_fence(&obj, f, DMA_RESV_USAGE_READ);
	dma_resv_unlock(&obj);
	KUNIT_EXPECT_EQ(test, refs(f), 2U);

	dma_resv_fini(&obj);
	KUNIT_EXPECT_EQ(test, refs(f), 1U);
}

static void lock_without_context_is_held_until_unlock(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);

	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	KUNIT_EXPECT_TRUE(test, dma_resv_is_locked(obj));
	KUNIT_EXPECT_NULL(test, dma_resv_locking_ctx(obj));
	if (IS_ENABLED(CONFIG_LOCKDEP))
		KUNIT_EXPECT_TRUE(test, dma_resv_held(obj));
	dma_resv_assert_held(obj);
	dma_resv_unlock(obj);
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(obj));

	KUNIT_ASSERT_EQ(test, dma_resv_lock_interruptible(obj, NULL), 0);
	KUNIT_EXPECT_TRUE(test, dma_resv_is_locked(obj));
	dma_resv_unlock(obj);
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(obj));
}

static void lock_with_context_reports_it_and_refuses_relock(struct kunit *test)
{
	struct dma_resv *a = resv_new(test);
	struct dma_resv *b = resv_new(test);
	struct ww_acquire_ctx ctx;
	int again, second;

	ctx_init(&ctx);
	if (dma_resv_lock(a, &ctx)) {
		ww_acquire_fini(&ctx);
		KUNIT_FAIL(test, "first lock of a context failed");
		return;
	}
	second = dma_resv_lock_interruptible(b, &ctx);
	again = dma_resv_lock(a, &ctx);

	KUNIT_EXPECT_PTR_EQ(test, dma_resv_locking_ctx(a), &ctx);
	KUNIT_EXPECT_EQ(test, second, 0);
	if (!second)
		KUNIT_EXPECT_PTR_EQ(test, dma_resv_locking_ctx(b), &ctx);
	KUNIT_EXPECT_EQ(test, again, -EALREADY);

	ww_acquire_done(&ctx);
	if (!second)
		dma_resv_unlock(b);
	dma_resv_unlock(a);
	ww_acquire_fini(&ctx);
	KUNIT_EXPECT_NULL(test, dma_resv_locking_ctx(a));
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(b));
}

struct try_probe {
	struct dma_resv *obj;
	bool got;
	struct completion go;
	struct completion done;
};

static int try_probe_fn(void *data)
{
	struct try_probe *p = data;

	if (gate_pass(&p->go))
		p->got = dma_resv_trylock(p->obj);
	if (p->got)
		dma_resv_unlock(p->obj);
	complete(&p->done);
	return 0;
}

/* A thread that tries the lock once it is told to. */
static struct try_probe *try_probe_start(struct kunit *test,
					 struct dma_resv *obj)
{
	struct try_probe *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->obj = obj;
	init_completion(&p->go);
	init_completion(&p->done);
	dmabuf_kunit_thread_start(test, "resv", try_probe_fn, p, "trylock");
	return p;
}

static void trylock_fails_only_while_someone_holds_the_lock(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct try_probe *before = try_probe_start(test, obj);
	struct try_probe *during = try_probe_start(test, obj);
	struct try_probe *after = try_probe_start(test, obj);
	unsigned long left;
	bool is_locked;

	complete(&before->go);
	dmabuf_kunit_thread_wait(test, &before->done, THREAD_GRACE,
				 "trylock probe");

	KUNIT_ASSERT_TRUE(test, dma_resv_trylock(obj));
	/*
	 * No assertion while locked: a case that dies here would leave the
	 * lock held for good.
	 */
	is_locked = dma_resv_is_locked(obj);
	KUNIT_EXPECT_NULL(test, dma_resv_locking_ctx(obj));
	complete(&during->go);
	left = wait_for_completion_timeout(&during->done, THREAD_GRACE);
	dma_resv_unlock(obj);
	KUNIT_ASSERT_NE(test, left, 0);

	complete(&after->go);
	dmabuf_kunit_thread_wait(test, &after->done, THREAD_GRACE,
				 "trylock probe");

	KUNIT_EXPECT_TRUE(test, before->got);
	KUNIT_EXPECT_TRUE(test, is_locked);
	KUNIT_EXPECT_FALSE(test, during->got);
	KUNIT_EXPECT_TRUE(test, after->got);
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(obj));
}

/*
 * The younger of two acquire contexts runs into a lock of the older one
 * while holding another lock, backs off, and then takes the contended lock
 * first with the slow path.
 */
struct backoff {
	struct dma_resv *held_by_old;
	struct dma_resv *held_by_young;
	bool interruptible;
	int first, contended, slow, relock;
	struct ww_acquire_ctx *slow_owner;
	struct completion go;
	struct completion backed_off;
	struct completion done;
};

static int backoff_young_fn(void *data)
{
	struct backoff *b = data;
	struct ww_acquire_ctx young;

	/* Initialised after the case's context, so younger than it. */
	if (!gate_pass(&b->go)) {
		complete(&b->done);
		return 0;
	}
	ctx_init(&young);
	b->first = dma_resv_lock(b->held_by_young, &young);
	if (b->first) {
		complete(&b->backed_off);
		goto out;
	}

	if (b->interruptible)
		b->contended = dma_resv_lock_interruptible(b->held_by_old,
							   &young);
	else
		b->contended = dma_resv_lock(b->held_by_old, &young);
	if (b->contended != -EDEADLK) {
		if (!b->contended)
			dma_resv_unlock(b->held_by_old);
		dma_resv_unlock(b->held_by_young);
		complete(&b->backed_off);
		goto out;
	}

	/* Back off completely, then wait for the contended lock alone. */
	dma_resv_unlock(b->held_by_young);
	complete(&b->backed_off);
	if (b->interruptible) {
		b->slow = dma_resv_lock_slow_interruptible(b->held_by_old,
							   &young);
	} else {
		dma_resv_lock_slow(b->held_by_old, &young);
		b->slow = 0;
	}
	if (b->slow)
		goto out;
	b->slow_owner = dma_resv_locking_ctx(b->held_by_old);
	b->relock = dma_resv_lock(b->held_by_young, &young);
	if (!b->relock)
		dma_resv_unlock(b->held_by_young);
	dma_resv_unlock(b->held_by_old);
out:
	ww_acquire_fini(&young);
	complete(&b->done);
	return 0;
}

static void younger_context_backs_off_with_edeadlk_then_locks_slow(struct kunit *test)
{
	struct backoff *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	const bool *intr = test->param_value;
	struct ww_acquire_ctx old;
	struct ww_acquire_ctx *owner_meanwhile;
	unsigned long left;

	KUNIT_ASSERT_NOT_NULL(test, b);
	b->held_by_old = resv_new(test);
	b->held_by_young = resv_new(test);
	b->interruptible = *intr;
	init_completion(&b->go);
	init_completion(&b->backed_off);
	init_completion(&b->done);
	dmabuf_kunit_thread_start(test, "resv", backoff_young_fn, b, "young");

	ctx_init(&old);
	if (dma_resv_lock(b->held_by_old, &old)) {
		ww_acquire_fini(&old);
		complete(&b->go);
		KUNIT_FAIL(test, "old context could not lock");
		return;
	}
	complete(&b->go);
	/* No assertions while holding the lock the thread waits for. */
	left = wait_for_completion_timeout(&b->backed_off, THREAD_GRACE);
	owner_meanwhile = dma_resv_locking_ctx(b->held_by_old);
	dma_resv_unlock(b->held_by_old);
	ww_acquire_fini(&old);

	KUNIT_ASSERT_NE(test, left, 0);
	dmabuf_kunit_thread_wait(test, &b->done, THREAD_GRACE,
				 "younger context");
	KUNIT_EXPECT_PTR_EQ(test, owner_meanwhile, &old);
	KUNIT_EXPECT_EQ(test, b->first, 0);
	KUNIT_EXPECT_EQ(test, b->contended, -EDEADLK);
	KUNIT_EXPECT_EQ(test, b->slow, 0);
	KUNIT_EXPECT_NOT_NULL(test, b->slow_owner);
	KUNIT_EXPECT_PTR_NE(test, b->slow_owner, &old);
	KUNIT_EXPECT_EQ(test, b->relock, 0);
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(b->held_by_old));
	KUNIT_EXPECT_FALSE(test, dma_resv_is_locked(b->held_by_young));
}

/* ------------------------------------------------------------------ */
/* Waiting, polling and deadlines                                      */
/* ------------------------------------------------------------------ */

static void wait_times_out_with_zero_on_pending_fence(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f = fence_solo(test);

	resv_add(test, obj, f, DMA_RESV_USAGE_WRITE);
	KUNIT_EXPECT_EQ(test, dma_resv_wait_timeout(obj, DMA_RESV_USAGE_WRITE,
						    false, SHORT_WAIT), 0L);
	KUNIT_EXPECT_EQ(test, dma_resv_wait_timeout(obj, DMA_RESV_USAGE_WRITE,
						    true, SHORT_WAIT), 0L);
}

static void wait_with_zero_budget_only_polls(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f = fence_solo(test);

	KUNIT_EXPECT_EQ(test, dma_resv_wait_timeout(obj, DMA_RESV_USAGE_READ,
						    false, 0), 1L);
	resv_add(test, obj, f, DMA_RESV_USAGE_READ);
	KUNIT_EXPECT_EQ(test, dma_resv_wait_timeout(obj, DMA_RESV_USAGE_READ,
						    false, 0), 0L);
	/* A class above the one asked for does not count. */
	KUNIT_EXPECT_EQ(test, dma_resv_wait_timeout(obj, DMA_RESV_USAGE_WRITE,
						    false, 0), 1L);
	dma_fence_signal(f);
	KUNIT_EXPECT_EQ(test, dma_resv_wait_timeout(obj, DMA_RESV_USAGE_READ,
						    false, 0), 1L);
}

static void wait_on_idle_object_returns_whole_budget(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f = fence_solo(test);

	resv_add(test, obj, f, DMA_RESV_USAGE_KERNEL);
	dma_fence_signal(f);
	KUNIT_EXPECT_EQ(test, dma_resv_wait_timeout(obj, DMA_RESV_USAGE_KERNEL,
						    true, MAX_SCHEDULE_TIMEOUT),
			(long)MAX_SCHEDULE_TIMEOUT);
	KUNIT_EXPECT_EQ(test, dma_resv_wait_timeout(obj, DMA_RESV_USAGE_KERNEL,
						    false, 1234), 1234L);
}

struct late_signal {
	struct dma_fence *fence[2];
	struct completion done;
};

static int late_signal_fn(void *data)
{
	struct late_signal *ls = data;

	msleep(20);
	dma_fence_signal(ls->fence[0]);
	msleep(20);
	dma_fence_signal(ls->fence[1]);
	complete(&ls->done);
	return 0;
}

static void wait_returns_remaining_budget_once_all_signal(struct kunit *test)
{
	struct late_signal *ls = kunit_kzalloc(test, sizeof(*ls), GFP_KERNEL);
	struct dma_resv *obj = resv_new(test);
	long ret;

	KUNIT_ASSERT_NOT_NULL(test, ls);
	ls->fence[0] = fence_solo(test);
	ls->fence[1] = fence_solo(test);
	init_completion(&ls->done);
	resv_add(test, obj, ls->fence[0], DMA_RESV_USAGE_KERNEL);
	resv_add(test, obj, ls->fence[1], DMA_RESV_USAGE_READ);

	dmabuf_kunit_thread_start(test, "resv", late_signal_fn, ls,
				  "late-signal");
	ret = dma_resv_wait_timeout(obj, DMA_RESV_USAGE_READ, true, LONG_WAIT);
	KUNIT_EXPECT_GT(test, ret, 0L);
	KUNIT_EXPECT_LE(test, ret, (long)LONG_WAIT);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(ls->fence[0]));
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(ls->fence[1]));
	dmabuf_kunit_thread_wait(test, &ls->done, THREAD_GRACE, "signaller");
}

struct sig_waiter {
	struct dma_resv *obj;
	bool intr;
	long ret;
	struct completion done;
};

static int sig_waiter_fn(void *data)
{
	struct sig_waiter *w = data;

	/* Kernel threads ignore signals unless they ask for them. */
	allow_signal(SIGUSR1);
	send_sig(SIGUSR1, current, 1);
	w->ret = dma_resv_wait_timeout(w->obj, DMA_RESV_USAGE_WRITE, w->intr,
				       w->intr ? LONG_WAIT : SHORT_WAIT);
	flush_signals(current);
	complete(&w->done);
	return 0;
}

static void pending_signal_interrupts_only_interruptible_wait(struct kunit *test)
{
	struct sig_waiter *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	const bool *intr = test->param_value;
	struct dma_fence *f = fence_solo(test);

	KUNIT_ASSERT_NOT_NULL(test, w);
	w->obj = resv_new(test);
	w->intr = *intr;
	init_completion(&w->done);
	resv_add(test, w->obj, f, DMA_RESV_USAGE_WRITE);

	dmabuf_kunit_thread_start(test, "resv", sig_waiter_fn, w, "sig-waiter");
	dmabuf_kunit_thread_wait(test, &w->done, THREAD_GRACE, "waiter");
	KUNIT_EXPECT_EQ(test, w->ret, *intr ? (long)-ERESTARTSYS : 0L);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(f));
}

static void test_signaled_follows_fences_of_requested_classes(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *write = fence_solo(test);
	struct dma_fence *book = fence_solo(test);

	resv_add(test, obj, write, DMA_RESV_USAGE_WRITE);
	resv_add(test, obj, book, DMA_RESV_USAGE_BOOKKEEP);

	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(obj,
						       DMA_RESV_USAGE_KERNEL));
	KUNIT_EXPECT_FALSE(test, dma_resv_test_signaled(obj,
							DMA_RESV_USAGE_WRITE));
	KUNIT_EXPECT_FALSE(test, dma_resv_test_signaled(obj,
							DMA_RESV_USAGE_READ));
	dma_fence_signal(write);
	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(obj,
						       DMA_RESV_USAGE_READ));
	KUNIT_EXPECT_FALSE(test, dma_resv_test_signaled(obj,
							DMA_RESV_USAGE_BOOKKEEP));
	dma_fence_signal(book);
	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(obj,
						       DMA_RESV_USAGE_BOOKKEEP));
}

static void set_deadline_reaches_unsignalled_fences_of_classes(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f[ALL_USAGES];
	struct dma_fence *done = fence_solo(test);
	ktime_t when = ktime_add_ms(ktime_get(), 5);
	enum dma_resv_usage u;

	for (u = DMA_RESV_USAGE_KERNEL; u <= DMA_RESV_USAGE_BOOKKEEP; u++) {
		f[u] = fence_solo(test);
		resv_add(test, obj, f[u], u);
	}
	resv_add(test, obj, done, DMA_RESV_USAGE_KERNEL);
	dma_fence_signal(done);

	dma_resv_set_deadline(obj, DMA_RESV_USAGE_WRITE, when);

	for (u = DMA_RESV_USAGE_KERNEL; u <= DMA_RESV_USAGE_BOOKKEEP; u++) {
		struct dmabuf_kunit_leaf *leaf = dmabuf_kunit_to_leaf(f[u]);

		KUNIT_EXPECT_EQ(test, atomic_read(&leaf->deadlines),
				u <= DMA_RESV_USAGE_WRITE ? 1 : 0);
		if (u <= DMA_RESV_USAGE_WRITE)
			KUNIT_EXPECT_EQ(test,
					ktime_compare(leaf->deadline, when), 0);
	}
	KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_deadlines(done), 0);
}

/* ------------------------------------------------------------------ */
/* Debugfs text                                                        */
/* ------------------------------------------------------------------ */

static struct seq_file *seq_new(struct kunit *test, size_t size)
{
	struct seq_file *seq = kunit_kzalloc(test, sizeof(*seq), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, seq);
	seq->buf = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, seq->buf);
	seq->size = size;
	return seq;
}

static void describe_prints_a_line_per_fence_up_to_read(struct kunit *test)
{
	static const char expected[] =
		"\tkernel fence:" DMABUF_KUNIT_LEAF_DRIVER " "
		DMABUF_KUNIT_LEAF_TIMELINE " seq 11 unsignalled\n"
		"\twrite fence:" DMABUF_KUNIT_LEAF_DRIVER " "
		DMABUF_KUNIT_LEAF_TIMELINE " seq 12 signalled\n"
		"\tread fence:" DMABUF_KUNIT_LEAF_DRIVER " "
		DMABUF_KUNIT_LEAF_TIMELINE " seq 13 unsignalled\n";
	struct dma_resv *obj = resv_new(test);
	struct seq_file *seq = seq_new(test, 512);
	enum dma_resv_usage u;
	struct dma_fence *f[ALL_USAGES];

	for (u = DMA_RESV_USAGE_KERNEL; u <= DMA_RESV_USAGE_BOOKKEEP; u++) {
		f[u] = fence_new(test, dma_fence_context_alloc(1), 11 + u);
		resv_add(test, obj, f[u], u);
	}
	dma_fence_signal(f[DMA_RESV_USAGE_WRITE]);

	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	dma_resv_describe(obj, seq);
	dma_resv_unlock(obj);

	KUNIT_ASSERT_LT(test, seq->count, seq->size);
	seq->buf[seq->count] = '\0';
	KUNIT_EXPECT_STREQ(test, seq->buf, expected);
}

static struct kunit_case dma_resv_cases[] = {
	KUNIT_CASE(init_leaves_object_unlocked_and_empty),
	KUNIT_CASE(fini_drops_the_references_it_holds),
	KUNIT_CASE(lock_without_context_is_held_until_unlock),
	KUNIT_CASE(lock_with_context_reports_it_and_refuses_relock),
	KUNIT_CASE(trylock_fails_only_while_someone_holds_the_lock),
	KUNIT_CASE_PARAM(younger_context_backs_off_with_edeadlk_then_locks_slow,
			 intr_gen_params),
	KUNIT_CASE(wait_times_out_with_zero_on_pending_fence),
	KUNIT_CASE(wait_with_zero_budget_only_polls),
	KUNIT_CASE(wait_on_idle_object_returns_whole_budget),
	KUNIT_CASE(wait_returns_remaining_budget_once_all_signal),
	KUNIT_CASE_PARAM(pending_signal_interrupts_only_interruptible_wait,
			 intr_gen_params),
	KUNIT_CASE(test_signaled_follows_fences_of_requested_classes),
	KUNIT_CASE(set_deadline_reaches_unsignalled_fences_of_classes),
	KUNIT_CASE(describe_prints_a_line_per_fence_up_to_read),
	{}
};

static struct kunit_suite dma_resv_suite = {
	.name = "dma_resv",
	.test_cases = dma_resv_cases,
};

kunit_test_suite(dma_resv_suite);

MODULE_DESCRIPTION("KUnit tests for dma_resv reservation objects");
MODULE_LICENSE("GPL");

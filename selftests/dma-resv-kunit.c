// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma-resv": the documented contract of struct dma_resv.
 *
 * Covered: set-up and tear-down, the locking helpers (acquire contexts,
 * the -EDEADLK back-off, trylock), reserving and adding fences in every
 * usage class, which entries a new fence takes over and which it leaves
 * alone, replace_fences, both iterators and the restart of the unlocked
 * one, the snapshot and merge helpers, their failure when memory runs out
 * (allocations redirected by KUnit static stubs), waits, deadlines, the
 * debugfs text, and races between writers, readers and signallers,
 * including regression cases for CVE-2025-38095 (count published before
 * the slot) and CVE-2022-49935 (an older fence replacing a newer one).
 *
 * UML never preempts kernel code, so every loop that runs alongside other
 * threads sleeps or reschedules. The x86_64 guest is an emulated SMP
 * machine with KASAN and lockdep, so races are bounded in time and nothing
 * checks how long something took.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dma-fence-array.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/ww_mutex.h>

#include "dmabuf-kunit.h"
#ifndef DMABUF_KUNIT_ON_STOCK
#include "../dma-buf-kunit-hooks.h"
#endif

/* ------------------------------------------------------------------ */
/* Test fences                                                         */
/* ------------------------------------------------------------------ */

#define DRIVER_NAME		"resv-kunit"
#define TIMELINE_NAME		"resv-tl"

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

struct rt_fence {
	struct dma_fence base;	/* first: dma_fence_free() frees the whole */
	spinlock_t lock;
	atomic_t deadline_calls;
	ktime_t deadline;
};

static_assert(offsetof(struct rt_fence, base) == 0);

static struct rt_fence *to_rt(struct dma_fence *fence)
{
	return container_of(fence, struct rt_fence, base);
}

static const char *rt_driver_name(struct dma_fence *fence)
{
	return DRIVER_NAME;
}

static const char *rt_timeline_name(struct dma_fence *fence)
{
	return TIMELINE_NAME;
}

static void rt_set_deadline(struct dma_fence *fence, ktime_t deadline)
{
	struct rt_fence *rf = to_rt(fence);

	WRITE_ONCE(rf->deadline, deadline);
	atomic_inc(&rf->deadline_calls);
}

/* 32 bit seqnos that wrap, the legacy default. */
static const struct dma_fence_ops rt_ops = {
	.get_driver_name = rt_driver_name,
	.get_timeline_name = rt_timeline_name,
	.set_deadline = rt_set_deadline,
};

static const struct dma_fence_ops rt_ops64 = {
	.use_64bit_seqno = true,
	.get_driver_name = rt_driver_name,
	.get_timeline_name = rt_timeline_name,
	.set_deadline = rt_set_deadline,
};

/* Whether @fence looks like a live fence made by this suite. */
static bool rt_fence_sane(struct dma_fence *fence)
{
	if (!fence)
		return false;
	if (fence->ops != &rt_ops && fence->ops != &rt_ops64)
		return false;
	return kref_read(&fence->refcount) > 0;
}

/* A fence nobody else knows about; the caller owns the one reference. */
static struct dma_fence *rt_fence_alloc(const struct dma_fence_ops *ops,
					u64 context, u64 seqno)
{
	struct rt_fence *rf = kzalloc(sizeof(*rf), GFP_KERNEL);

	if (!rf)
		return NULL;
	spin_lock_init(&rf->lock);
	atomic_set(&rf->deadline_calls, 0);
	dma_fence_init(&rf->base, ops, &rf->lock, context, seqno);
	return &rf->base;
}

/* A fence whose reference the case drops (after signalling) at its end. */
static struct dma_fence *fence_new_ops(struct kunit *test,
				       const struct dma_fence_ops *ops,
				       u64 context, u64 seqno)
{
	return dmabuf_kunit_fence_adopt(test,
					rt_fence_alloc(ops, context, seqno));
}

static struct dma_fence *fence_new(struct kunit *test, u64 context, u64 seqno)
{
	return fence_new_ops(test, &rt_ops, context, seqno);
}

/* A fence on a timeline of its own. */
static struct dma_fence *fence_solo(struct kunit *test)
{
	return fence_new(test, dma_fence_context_alloc(1), 1);
}

/* Many fences, each on its own timeline, retired together. */
struct fence_pool {
	unsigned int count;
	struct dma_fence *fence[];
};

static void fence_pool_retire(void *data)
{
	struct fence_pool *pool = data;
	unsigned int i;

	for (i = 0; i < pool->count; i++)
		dmabuf_kunit_fence_retire(pool->fence[i]);
	kvfree(pool);
}

static struct fence_pool *fence_pool_new(struct kunit *test, u64 base,
					 unsigned int count, u64 seqno)
{
	struct fence_pool *pool;
	unsigned int i;

	pool = kvzalloc(struct_size(pool, fence, count), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pool);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							fence_pool_retire,
							pool), 0);
	for (i = 0; i < count; i++) {
		pool->fence[i] = rt_fence_alloc(&rt_ops, base + i, seqno);
		KUNIT_ASSERT_NOT_NULL(test, pool->fence[i]);
		pool->count = i + 1;
	}
	return pool;
}

static unsigned int refs(struct dma_fence *fence)
{
	return kref_read(&fence->refcount);
}

/* ------------------------------------------------------------------ */
/* Reservation objects                                                 */
/* ------------------------------------------------------------------ */

static void resv_release(void *data)
{
	dma_resv_fini(data);
}

static struct dma_resv *resv_new(struct kunit *test)
{
	struct dma_resv *obj = kunit_kzalloc(test, sizeof(*obj), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, obj);
	dma_resv_init(obj);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, resv_release,
							obj), 0);
	return obj;
}

/* Lock, reserve one slot, add, unlock: what a well-behaved driver does. */
static void resv_add(struct kunit *test, struct dma_resv *obj,
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

static struct snap *snap_locked(struct kunit *test, struct dma_resv *obj,
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
static struct snap *snap_unlocked(struct kunit *test, struct dma_resv *obj,
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
static unsigned int snap_find(struct snap *s, struct dma_fence *fence,
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

static unsigned int count_locked(struct kunit *test, struct dma_resv *obj,
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

static const bool intr_cases[] = { false, true };

static void intr_desc(const bool *intr, char *desc)
{
	strscpy(desc, *intr ? "interruptible" : "uninterruptible",
		KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(intr, intr_cases, intr_desc);

static const char * const usage_names[] = {
	"kernel", "write", "read", "bookkeep",
};

static void usage_desc(const enum dma_resv_usage *usage, char *desc)
{
	strscpy(desc, usage_names[*usage], KUNIT_PARAM_DESC_SIZE);
}

static const enum dma_resv_usage usage_cases[] = {
	DMA_RESV_USAGE_KERNEL, DMA_RESV_USAGE_WRITE,
	DMA_RESV_USAGE_READ, DMA_RESV_USAGE_BOOKKEEP,
};

KUNIT_ARRAY_PARAM(usage, usage_cases, usage_desc);

/* ------------------------------------------------------------------ */
/* Threads                                                             */
/* ------------------------------------------------------------------ */

/*
 * Wait until the case opens @gate; false if the thread is being stopped
 * instead, for example because the case failed before opening it.
 */
static bool gate_pass(struct completion *gate)
{
	while (!wait_for_completion_timeout(gate, HZ / 10))
		if (kthread_should_stop())
			return false;
	return true;
}

/*
 * Give other threads a chance to run in the middle of a race, also on UML,
 * where a kernel thread is never preempted and cond_resched() rarely
 * switches.
 */
static void race_pause(void)
{
	usleep_range(5, 20);
}

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
/* Usage classes and iteration                                         */
/* ------------------------------------------------------------------ */

static void usage_rw_asks_writers_for_reads_and_everyone_for_writes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, dma_resv_usage_rw(false), DMA_RESV_USAGE_WRITE);
	KUNIT_EXPECT_EQ(test, dma_resv_usage_rw(true), DMA_RESV_USAGE_READ);
	KUNIT_EXPECT_LT(test, DMA_RESV_USAGE_KERNEL, DMA_RESV_USAGE_WRITE);
	KUNIT_EXPECT_LT(test, DMA_RESV_USAGE_WRITE, DMA_RESV_USAGE_READ);
	KUNIT_EXPECT_LT(test, DMA_RESV_USAGE_READ, DMA_RESV_USAGE_BOOKKEEP);
}

static void walks_return_classes_up_to_requested_usage(struct kunit *test)
{
	const enum dma_resv_usage *asked = test->param_value;
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f[ALL_USAGES];
	struct snap *locked, *unlocked;
	enum dma_resv_usage u, got;

	for (u = DMA_RESV_USAGE_KERNEL; u <= DMA_RESV_USAGE_BOOKKEEP; u++) {
		f[u] = fence_solo(test);
		resv_add(test, obj, f[u], u);
	}

	locked = snap_locked(test, obj, *asked);
	unlocked = snap_unlocked(test, obj, *asked);
	KUNIT_EXPECT_EQ(test, locked->count, (unsigned int)*asked + 1);
	KUNIT_EXPECT_EQ(test, unlocked->count, (unsigned int)*asked + 1);

	for (u = DMA_RESV_USAGE_KERNEL; u <= DMA_RESV_USAGE_BOOKKEEP; u++) {
		unsigned int want = u <= *asked;

		got = ALL_USAGES;
		KUNIT_EXPECT_EQ(test, snap_find(locked, f[u], &got), want);
		if (want)
			KUNIT_EXPECT_EQ(test, got, u);
		got = ALL_USAGES;
		KUNIT_EXPECT_EQ(test, snap_find(unlocked, f[u], &got), want);
		if (want)
			KUNIT_EXPECT_EQ(test, got, u);
	}

	KUNIT_EXPECT_TRUE(test, locked->restarted[0]);
	KUNIT_EXPECT_TRUE(test, unlocked->restarted[0]);
	if (locked->count > 1)
		KUNIT_EXPECT_FALSE(test, locked->restarted[1]);
	if (unlocked->count > 1)
		KUNIT_EXPECT_FALSE(test, unlocked->restarted[1]);
}

static void locked_walk_reports_signalled_fences_unlocked_walk_skips_them(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *done = fence_solo(test);
	struct dma_fence *busy = fence_solo(test);
	struct snap *locked, *unlocked;

	resv_add(test, obj, done, DMA_RESV_USAGE_WRITE);
	resv_add(test, obj, busy, DMA_RESV_USAGE_WRITE);
	dma_fence_signal(done);

	locked = snap_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP);
	unlocked = snap_unlocked(test, obj, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_EQ(test, snap_find(locked, done, NULL), 1U);
	KUNIT_EXPECT_EQ(test, snap_find(locked, busy, NULL), 1U);
	KUNIT_EXPECT_EQ(test, snap_find(unlocked, done, NULL), 0U);
	KUNIT_EXPECT_EQ(test, snap_find(unlocked, busy, NULL), 1U);
}

static void locked_walk_takes_no_references(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f = fence_solo(test);
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	unsigned int during = 0;

	resv_add(test, obj, f, DMA_RESV_USAGE_KERNEL);
	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	dma_resv_for_each_fence(&cursor, obj, DMA_RESV_USAGE_KERNEL, fence)
		during = refs(fence);
	dma_resv_iter_end(&cursor);	/* allowed, and a no-op here */
	dma_resv_unlock(obj);

	KUNIT_EXPECT_EQ(test, during, 2U);
	KUNIT_EXPECT_EQ(test, refs(f), 2U);
}

static void unlocked_walk_holds_one_reference_until_end(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *a = fence_solo(test);
	struct dma_fence *b = fence_solo(test);
	struct dma_resv_iter cursor;
	struct dma_fence *fence;

	resv_add(test, obj, a, DMA_RESV_USAGE_READ);
	resv_add(test, obj, b, DMA_RESV_USAGE_READ);

	dma_resv_iter_begin(&cursor, obj, DMA_RESV_USAGE_READ);
	fence = dma_resv_iter_first_unlocked(&cursor);
	KUNIT_EXPECT_PTR_EQ(test, fence, a);
	KUNIT_EXPECT_EQ(test, refs(a), 3U);
	fence = dma_resv_iter_next_unlocked(&cursor);
	KUNIT_EXPECT_PTR_EQ(test, fence, b);
	KUNIT_EXPECT_EQ(test, refs(a), 2U);
	KUNIT_EXPECT_EQ(test, refs(b), 3U);
	/* Abandon the walk half way: end must drop the reference. */
	dma_resv_iter_end(&cursor);
	KUNIT_EXPECT_EQ(test, refs(b), 2U);
}

/* ------------------------------------------------------------------ */
/* Adding: which entry a fence takes over                              */
/* ------------------------------------------------------------------ */

static void add_replaces_older_fence_of_same_context(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	u64 ctx = dma_fence_context_alloc(1);
	struct dma_fence *old = fence_new(test, ctx, 1);
	struct dma_fence *new = fence_new(test, ctx, 2);
	struct snap *s;

	resv_add(test, obj, old, DMA_RESV_USAGE_WRITE);
	resv_add(test, obj, new, DMA_RESV_USAGE_WRITE);

	s = snap_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_EQ(test, s->count, 1U);
	KUNIT_EXPECT_EQ(test, snap_find(s, new, NULL), 1U);
	KUNIT_EXPECT_EQ(test, refs(old), 1U);
	KUNIT_EXPECT_EQ(test, refs(new), 2U);
}

static void add_keeps_fences_of_other_contexts(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *a = fence_solo(test);
	struct dma_fence *b = fence_solo(test);
	struct snap *s;

	resv_add(test, obj, a, DMA_RESV_USAGE_WRITE);
	resv_add(test, obj, b, DMA_RESV_USAGE_WRITE);

	s = snap_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_EQ(test, s->count, 2U);
	KUNIT_EXPECT_EQ(test, snap_find(s, a, NULL), 1U);
	KUNIT_EXPECT_EQ(test, snap_find(s, b, NULL), 1U);
}

/* CVE-2022-49935: an older fence must never hide a newer one. */
static void add_of_older_seqno_keeps_newer_fence(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	u64 ctx = dma_fence_context_alloc(1);
	struct dma_fence *newer = fence_new(test, ctx, 10);
	struct dma_fence *older = fence_new(test, ctx, 9);
	struct snap *s;

	resv_add(test, obj, newer, DMA_RESV_USAGE_WRITE);
	resv_add(test, obj, older, DMA_RESV_USAGE_WRITE);

	s = snap_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_EQ(test, snap_find(s, newer, NULL), 1U);
	KUNIT_EXPECT_EQ(test, refs(newer), 2U);

	/* The object is busy for as long as the newer fence is. */
	dma_fence_signal(older);
	KUNIT_EXPECT_FALSE(test, dma_resv_test_signaled(obj,
							DMA_RESV_USAGE_WRITE));
	KUNIT_EXPECT_EQ(test, dma_resv_wait_timeout(obj, DMA_RESV_USAGE_WRITE,
						    false, 0), 0);
	dma_fence_signal(newer);
	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(obj,
						       DMA_RESV_USAGE_WRITE));
}

static void add_of_same_fence_twice_keeps_one_entry(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f = fence_solo(test);
	struct snap *s;

	resv_add(test, obj, f, DMA_RESV_USAGE_READ);
	resv_add(test, obj, f, DMA_RESV_USAGE_READ);

	s = snap_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_EQ(test, s->count, 1U);
	KUNIT_EXPECT_EQ(test, refs(f), 2U);
}

static void add_with_lower_class_promotes_the_entry(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f = fence_solo(test);
	enum dma_resv_usage got = ALL_USAGES;
	struct snap *s;

	resv_add(test, obj, f, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(obj,
						       DMA_RESV_USAGE_READ));
	resv_add(test, obj, f, DMA_RESV_USAGE_READ);

	s = snap_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_EQ(test, s->count, 1U);
	KUNIT_EXPECT_EQ(test, snap_find(s, f, &got), 1U);
	KUNIT_EXPECT_EQ(test, got, DMA_RESV_USAGE_READ);
	KUNIT_EXPECT_FALSE(test, dma_resv_test_signaled(obj,
							DMA_RESV_USAGE_READ));
}

static void add_with_higher_class_never_demotes_the_entry(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f = fence_solo(test);
	enum dma_resv_usage got = ALL_USAGES;
	struct snap *s;

	resv_add(test, obj, f, DMA_RESV_USAGE_WRITE);
	resv_add(test, obj, f, DMA_RESV_USAGE_READ);

	/* Writers still see it, with its original class. */
	s = snap_locked(test, obj, DMA_RESV_USAGE_WRITE);
	KUNIT_EXPECT_EQ(test, snap_find(s, f, &got), 1U);
	KUNIT_EXPECT_EQ(test, got, DMA_RESV_USAGE_WRITE);
	KUNIT_EXPECT_FALSE(test, dma_resv_test_signaled(obj,
							DMA_RESV_USAGE_WRITE));
}

static void add_of_newer_fence_with_higher_class_keeps_both(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	u64 ctx = dma_fence_context_alloc(1);
	struct dma_fence *write = fence_new(test, ctx, 1);
	struct dma_fence *read = fence_new(test, ctx, 2);
	struct snap *s;

	resv_add(test, obj, write, DMA_RESV_USAGE_WRITE);
	resv_add(test, obj, read, DMA_RESV_USAGE_READ);

	s = snap_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_EQ(test, s->count, 2U);
	KUNIT_EXPECT_EQ(test, snap_find(s, write, NULL), 1U);
	KUNIT_EXPECT_EQ(test, snap_find(s, read, NULL), 1U);
}

static void add_reuses_entry_of_signalled_fence(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *done = fence_solo(test);
	struct dma_fence *next = fence_solo(test);
	struct snap *s;

	resv_add(test, obj, done, DMA_RESV_USAGE_KERNEL);
	dma_fence_signal(done);
	resv_add(test, obj, next, DMA_RESV_USAGE_BOOKKEEP);

	s = snap_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_EQ(test, s->count, 1U);
	KUNIT_EXPECT_EQ(test, snap_find(s, next, NULL), 1U);
	KUNIT_EXPECT_EQ(test, refs(done), 1U);
}

struct order_case {
	const char *name;
	bool wide;		/* 64 bit seqnos */
	u64 first, second;	/* added in this order, same context */
	bool replaced;		/* whether second takes over first's entry */
};

static const struct order_case order_cases[] = {
	{ "32bit-later", false, 1, 2, true },
	{ "32bit-earlier", false, 2, 1, false },
	{ "32bit-wraps-forward", false, 0xfffffff0ULL, 0x10, true },
	{ "32bit-wraps-backward", false, 0x10, 0xfffffff0ULL, false },
	{ "64bit-later-high-word", true, 0xffffffffULL, 0x100000000ULL, true },
	{ "64bit-earlier-low-word", true, 0x100000000ULL, 5, false },
	/* Same seqno, but another fence: only identity counts as same. */
	{ "64bit-equal-seqno-other-fence", true, 7, 7, false },
};

static void order_desc(const struct order_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(order, order_cases, order_desc);

static void add_takes_over_only_when_seqno_is_later_for_ops_width(struct kunit *test)
{
	const struct order_case *c = test->param_value;
	const struct dma_fence_ops *ops = c->wide ? &rt_ops64 : &rt_ops;
	struct dma_resv *obj = resv_new(test);
	u64 ctx = dma_fence_context_alloc(1);
	struct dma_fence *first = fence_new_ops(test, ops, ctx, c->first);
	struct dma_fence *second = fence_new_ops(test, ops, ctx, c->second);
	struct snap *s;

	resv_add(test, obj, first, DMA_RESV_USAGE_READ);
	resv_add(test, obj, second, DMA_RESV_USAGE_READ);

	s = snap_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_EQ(test, snap_find(s, second, NULL), 1U);
	KUNIT_EXPECT_EQ(test, snap_find(s, first, NULL), c->replaced ? 0U : 1U);
	KUNIT_EXPECT_EQ(test, s->count, c->replaced ? 1U : 2U);
}

/* ------------------------------------------------------------------ */
/* Reserving and replacing                                             */
/* ------------------------------------------------------------------ */

static void reserved_slots_take_that_many_adds(struct kunit *test)
{
	u64 base = dma_fence_context_alloc(SNAP_MAX);
	struct fence_pool *pool = fence_pool_new(test, base, SNAP_MAX, 1);
	struct dma_resv *obj = resv_new(test);
	unsigned int i;
	int err;

	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	err = dma_resv_reserve_fences(obj, 3);
	if (!err)
		err = dma_resv_reserve_fences(obj, SNAP_MAX);	/* superset */
	for (i = 0; !err && i < SNAP_MAX; i++)
		dma_resv_add_fence(obj, pool->fence[i], i % ALL_USAGES);
	dma_resv_unlock(obj);

	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, count_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP),
			(unsigned int)SNAP_MAX);
	KUNIT_EXPECT_EQ(test, count_locked(test, obj, DMA_RESV_USAGE_KERNEL),
			(unsigned int)SNAP_MAX / ALL_USAGES);
}

/*
 * No list can hold UINT_MAX fences, nor one more than it already has.
 * Both requests must fail cleanly. (Linux 6.12 itself truncates such
 * counts and reports success, and larger-than-kmalloc requests that do
 * not truncate warn in the page allocator, so this case documents a
 * deliberate difference and is expected to fail against upstream.)
 */
static void reserve_of_absurd_count_fails_with_enomem(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f = fence_solo(test);
	struct dma_fence *g = fence_solo(test);
	int too_big, wraps, sane_first, sane_second;

	dmabuf_kunit_ours_only(test, "6.12 truncates huge counts or lets the page allocator warn");
	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	too_big = dma_resv_reserve_fences(obj, UINT_MAX);
	sane_first = dma_resv_reserve_fences(obj, 1);
	if (!sane_first)
		dma_resv_add_fence(obj, f, DMA_RESV_USAGE_WRITE);
	dma_resv_unlock(obj);

	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	wraps = dma_resv_reserve_fences(obj, UINT_MAX);
	sane_second = dma_resv_reserve_fences(obj, 1);
	if (!sane_second)
		dma_resv_add_fence(obj, g, DMA_RESV_USAGE_READ);
	dma_resv_unlock(obj);

	KUNIT_EXPECT_EQ(test, too_big, -ENOMEM);
	KUNIT_EXPECT_EQ(test, wraps, -ENOMEM);
	KUNIT_EXPECT_EQ(test, sane_first, 0);
	KUNIT_EXPECT_EQ(test, sane_second, 0);
	/* Nothing was lost on the way. */
	KUNIT_EXPECT_EQ(test, count_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP),
			2U);
	KUNIT_EXPECT_EQ(test, refs(f), 2U);
	KUNIT_EXPECT_EQ(test, refs(g), 2U);
}

static void growing_the_list_drops_signalled_fences(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *done = fence_solo(test);
	struct dma_fence *busy = fence_solo(test);
	int err;

	resv_add(test, obj, done, DMA_RESV_USAGE_READ);
	resv_add(test, obj, busy, DMA_RESV_USAGE_READ);
	dma_fence_signal(done);

	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	err = dma_resv_reserve_fences(obj, 64);
	dma_resv_unlock(obj);

	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, refs(done), 1U);
	KUNIT_EXPECT_EQ(test, refs(busy), 2U);
	KUNIT_EXPECT_EQ(test, count_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP),
			1U);
}

static void reset_max_fences_keeps_fences_and_allows_new_reservations(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *a = fence_solo(test);
	struct dma_fence *b = fence_solo(test);
	int first, again;

	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	first = dma_resv_reserve_fences(obj, 8);
	if (!first)
		dma_resv_add_fence(obj, a, DMA_RESV_USAGE_WRITE);
	dma_resv_reset_max_fences(obj);
	again = dma_resv_reserve_fences(obj, 1);
	if (!again)
		dma_resv_add_fence(obj, b, DMA_RESV_USAGE_WRITE);
	dma_resv_unlock(obj);

	KUNIT_EXPECT_EQ(test, first, 0);
	KUNIT_EXPECT_EQ(test, again, 0);
	KUNIT_EXPECT_EQ(test, count_locked(test, obj, DMA_RESV_USAGE_WRITE),
			2U);
}

static void replace_fences_swaps_every_entry_of_the_context(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	u64 ctx = dma_fence_context_alloc(1);
	struct dma_fence *a1 = fence_new(test, ctx, 1);
	struct dma_fence *a2 = fence_new(test, ctx, 2);
	struct dma_fence *other = fence_solo(test);
	struct dma_fence *with = fence_solo(test);
	enum dma_resv_usage got;
	struct snap *s;
	unsigned int i;

	resv_add(test, obj, a1, DMA_RESV_USAGE_WRITE);
	resv_add(test, obj, a2, DMA_RESV_USAGE_BOOKKEEP);	/* 2nd entry */
	resv_add(test, obj, other, DMA_RESV_USAGE_READ);

	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	dma_resv_replace_fences(obj, ctx, with, DMA_RESV_USAGE_KERNEL);
	dma_resv_unlock(obj);

	s = snap_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_EQ(test, s->count, 3U);
	KUNIT_EXPECT_EQ(test, snap_find(s, a1, NULL), 0U);
	KUNIT_EXPECT_EQ(test, snap_find(s, a2, NULL), 0U);
	KUNIT_EXPECT_EQ(test, snap_find(s, with, NULL), 2U);
	got = ALL_USAGES;
	KUNIT_EXPECT_EQ(test, snap_find(s, other, &got), 1U);
	KUNIT_EXPECT_EQ(test, got, DMA_RESV_USAGE_READ);
	for (i = 0; i < s->count; i++)
		if (s->fence[i] == with)
			KUNIT_EXPECT_EQ(test, s->usage[i],
					DMA_RESV_USAGE_KERNEL);

	KUNIT_EXPECT_EQ(test, refs(a1), 1U);
	KUNIT_EXPECT_EQ(test, refs(a2), 1U);
	KUNIT_EXPECT_EQ(test, refs(with), 3U);
}

static void replace_fences_on_empty_object_changes_nothing(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *with = fence_solo(test);

	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	dma_resv_replace_fences(obj, with->context, with,
				DMA_RESV_USAGE_KERNEL);
	dma_resv_unlock(obj);

	KUNIT_EXPECT_EQ(test, count_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP),
			0U);
	KUNIT_EXPECT_EQ(test, refs(with), 1U);
}

/* ------------------------------------------------------------------ */
/* Snapshots, merging and copying                                      */
/* ------------------------------------------------------------------ */

static void put_array(struct dma_fence **fences, unsigned int n)
{
	while (n--)
		dma_fence_put(fences[n]);
	kfree(fences);
}

static bool array_has(struct dma_fence **fences, unsigned int n,
		      struct dma_fence *fence)
{
	while (n--)
		if (fences[n] == fence)
			return true;
	return false;
}

static void get_fences_returns_referenced_unsignalled_fences(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *kernel = fence_solo(test);
	struct dma_fence *write = fence_solo(test);
	struct dma_fence *done = fence_solo(test);
	struct dma_fence *book = fence_solo(test);
	struct dma_fence **fences;
	unsigned int n;

	resv_add(test, obj, kernel, DMA_RESV_USAGE_KERNEL);
	resv_add(test, obj, write, DMA_RESV_USAGE_WRITE);
	resv_add(test, obj, done, DMA_RESV_USAGE_WRITE);
	resv_add(test, obj, book, DMA_RESV_USAGE_BOOKKEEP);
	dma_fence_signal(done);

	KUNIT_ASSERT_EQ(test, dma_resv_get_fences(obj, DMA_RESV_USAGE_READ,
						  &n, &fences), 0);
	KUNIT_EXPECT_EQ(test, n, 2U);
	KUNIT_EXPECT_TRUE(test, array_has(fences, n, kernel));
	KUNIT_EXPECT_TRUE(test, array_has(fences, n, write));
	KUNIT_EXPECT_EQ(test, refs(kernel), 3U);
	put_array(fences, n);
	KUNIT_EXPECT_EQ(test, refs(kernel), 2U);

	KUNIT_ASSERT_EQ(test, dma_resv_get_fences(obj, DMA_RESV_USAGE_BOOKKEEP,
						  &n, &fences), 0);
	KUNIT_EXPECT_EQ(test, n, 3U);
	KUNIT_EXPECT_TRUE(test, array_has(fences, n, book));
	put_array(fences, n);
}

static void get_singleton_without_fences_returns_null(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *done = fence_solo(test);
	struct dma_fence *fence = done;

	resv_add(test, obj, done, DMA_RESV_USAGE_WRITE);
	dma_fence_signal(done);
	KUNIT_EXPECT_EQ(test, dma_resv_get_singleton(obj, DMA_RESV_USAGE_READ,
						     &fence), 0);
	KUNIT_EXPECT_NULL(test, fence);
}

static void get_singleton_of_one_fence_returns_that_fence(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f = fence_solo(test);
	struct dma_fence *other = fence_solo(test);
	struct dma_fence *fence = NULL;

	resv_add(test, obj, f, DMA_RESV_USAGE_WRITE);
	resv_add(test, obj, other, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_ASSERT_EQ(test, dma_resv_get_singleton(obj, DMA_RESV_USAGE_READ,
						     &fence), 0);
	KUNIT_EXPECT_PTR_EQ(test, fence, f);
	KUNIT_EXPECT_EQ(test, refs(f), 3U);
	dma_fence_put(fence);
}

static void get_singleton_of_many_fences_signals_after_all(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f[3];
	struct dma_fence *single = NULL;
	struct dma_fence_array *array;
	unsigned int i;
	long ret;

	for (i = 0; i < ARRAY_SIZE(f); i++) {
		f[i] = fence_solo(test);
		resv_add(test, obj, f[i], i);
	}

	KUNIT_ASSERT_EQ(test, dma_resv_get_singleton(obj, DMA_RESV_USAGE_READ,
						     &single), 0);
	KUNIT_ASSERT_NOT_NULL(test, single);
	dmabuf_kunit_fence_own(test, single);

	KUNIT_EXPECT_TRUE(test, dma_fence_is_array(single));
	array = to_dma_fence_array(single);
	KUNIT_ASSERT_NOT_NULL(test, array);
	KUNIT_EXPECT_EQ(test, array->num_fences, 3U);
	for (i = 0; i < ARRAY_SIZE(f); i++)
		KUNIT_EXPECT_TRUE(test, array_has(array->fences,
						  array->num_fences, f[i]));
	for (i = 0; i < ARRAY_SIZE(f); i++)
		KUNIT_EXPECT_NE(test, single->context, f[i]->context);

	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(single));
	dma_fence_signal(f[0]);
	dma_fence_signal(f[2]);
	KUNIT_EXPECT_EQ(test, dma_fence_wait_timeout(single, false, 0), 0);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(single));
	dma_fence_signal(f[1]);
	ret = dma_fence_wait_timeout(single, false, LONG_WAIT);
	KUNIT_EXPECT_GT(test, ret, 0L);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(single));
}

static void copy_fences_replaces_destination_with_unsignalled_source(struct kunit *test)
{
	struct dma_resv *src = resv_new(test);
	struct dma_resv *dst = resv_new(test);
	struct dma_fence *f[ALL_USAGES];
	struct dma_fence *done = fence_solo(test);
	struct dma_fence *stale = fence_solo(test);
	enum dma_resv_usage u, got;
	struct snap *s;
	int err;

	for (u = DMA_RESV_USAGE_KERNEL; u <= DMA_RESV_USAGE_BOOKKEEP; u++) {
		f[u] = fence_solo(test);
		resv_add(test, src, f[u], u);
	}
	resv_add(test, src, done, DMA_RESV_USAGE_READ);
	dma_fence_signal(done);
	resv_add(test, dst, stale, DMA_RESV_USAGE_KERNEL);

	KUNIT_ASSERT_EQ(test, dma_resv_lock(dst, NULL), 0);
	err = dma_resv_copy_fences(dst, src);
	dma_resv_unlock(dst);
	KUNIT_ASSERT_EQ(test, err, 0);

	s = snap_locked(test, dst, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_EQ(test, s->count, (unsigned int)ALL_USAGES);
	for (u = DMA_RESV_USAGE_KERNEL; u <= DMA_RESV_USAGE_BOOKKEEP; u++) {
		got = ALL_USAGES;
		KUNIT_EXPECT_EQ(test, snap_find(s, f[u], &got), 1U);
		KUNIT_EXPECT_EQ(test, got, u);
		KUNIT_EXPECT_EQ(test, refs(f[u]), 3U);
	}
	KUNIT_EXPECT_EQ(test, snap_find(s, done, NULL), 0U);
	KUNIT_EXPECT_EQ(test, refs(stale), 1U);
}

static void copy_fences_from_empty_source_empties_destination(struct kunit *test)
{
	struct dma_resv *src = resv_new(test);
	struct dma_resv *dst = resv_new(test);
	struct dma_fence *stale = fence_solo(test);
	int err;

	resv_add(test, dst, stale, DMA_RESV_USAGE_WRITE);
	KUNIT_ASSERT_EQ(test, dma_resv_lock(dst, NULL), 0);
	err = dma_resv_copy_fences(dst, src);
	dma_resv_unlock(dst);

	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, count_locked(test, dst, DMA_RESV_USAGE_BOOKKEEP),
			0U);
	KUNIT_EXPECT_EQ(test, refs(stale), 1U);
}

/* ------------------------------------------------------------------ */
/* Running out of memory                                               */
/* ------------------------------------------------------------------ */

struct refusal_row {
	const char *name;
	bool at_array;	/* refuse the merged array, else the snapshot */
};

static const struct refusal_row refusal_rows[] = {
	{ "snapshot refused", false },
	{ "fence array refused", true },
};

KUNIT_ARRAY_PARAM_DESC(refusal, refusal_rows, name);

#ifndef DMABUF_KUNIT_ON_STOCK

/* Allocations the stand-ins below refused during the running case. */
static unsigned int refused;

/* Replaces the fence lists: there is no memory left. */
static struct dma_resv_list *list_refused(unsigned int want, gfp_t gfp)
{
	refused++;
	return NULL;
}

/* Replaces the array of dma_resv_get_fences(); krealloc() keeps the old. */
static struct dma_fence **snapshot_refused(struct dma_fence **fences,
					   unsigned int count)
{
	refused++;
	return NULL;
}

/* Replaces the memory of every fence array. */
static void *array_mem_refused(size_t bytes)
{
	refused++;
	return NULL;
}

static void refuse_lists(struct kunit *test)
{
	refused = 0;
	kunit_activate_static_stub(test, dma_resv_list_new, list_refused);
}

static void reserve_without_memory_keeps_the_fences_it_has(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *w = fence_solo(test);
	struct dma_fence *r = fence_solo(test);
	struct dma_fence *late = fence_solo(test);
	enum dma_resv_usage got;
	struct snap *s;
	int failed, again;

	resv_add(test, obj, w, DMA_RESV_USAGE_WRITE);
	resv_add(test, obj, r, DMA_RESV_USAGE_READ);

	refuse_lists(test);
	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	failed = dma_resv_reserve_fences(obj, 64);	/* must grow */
	dma_resv_unlock(obj);
	kunit_deactivate_static_stub(test, dma_resv_list_new);

	KUNIT_EXPECT_EQ(test, failed, -ENOMEM);
	KUNIT_EXPECT_GE(test, refused, 1U);
	s = snap_unlocked(test, obj, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_EQ(test, s->count, 2U);
	got = ALL_USAGES;
	KUNIT_EXPECT_EQ(test, snap_find(s, w, &got), 1U);
	KUNIT_EXPECT_EQ(test, got, DMA_RESV_USAGE_WRITE);
	got = ALL_USAGES;
	KUNIT_EXPECT_EQ(test, snap_find(s, r, &got), 1U);
	KUNIT_EXPECT_EQ(test, got, DMA_RESV_USAGE_READ);
	KUNIT_EXPECT_EQ(test, refs(w), 2U);
	KUNIT_EXPECT_EQ(test, refs(r), 2U);

	/* With memory back, the same object reserves and adds as usual. */
	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	again = dma_resv_reserve_fences(obj, 64);
	if (!again)
		dma_resv_add_fence(obj, late, DMA_RESV_USAGE_KERNEL);
	dma_resv_unlock(obj);

	KUNIT_EXPECT_EQ(test, again, 0);
	KUNIT_EXPECT_EQ(test, count_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP),
			3U);
	KUNIT_EXPECT_EQ(test, count_locked(test, obj, DMA_RESV_USAGE_KERNEL),
			1U);
	KUNIT_EXPECT_EQ(test, refs(late), 2U);
	KUNIT_EXPECT_EQ(test, refs(w), 2U);
}

static void reserve_without_memory_leaves_new_object_empty(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f = fence_solo(test);
	int failed;

	refuse_lists(test);
	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	failed = dma_resv_reserve_fences(obj, 1);
	dma_resv_unlock(obj);
	kunit_deactivate_static_stub(test, dma_resv_list_new);

	KUNIT_EXPECT_EQ(test, failed, -ENOMEM);
	KUNIT_EXPECT_EQ(test, refused, 1U);
	KUNIT_EXPECT_EQ(test, count_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP),
			0U);
	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(obj,
						       DMA_RESV_USAGE_BOOKKEEP));

	resv_add(test, obj, f, DMA_RESV_USAGE_WRITE);
	KUNIT_EXPECT_EQ(test, count_locked(test, obj, DMA_RESV_USAGE_WRITE),
			1U);
	KUNIT_EXPECT_EQ(test, refs(f), 2U);
}

static void get_fences_without_memory_hands_out_nothing(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *a = fence_solo(test);
	struct dma_fence *b = fence_solo(test);
	struct dma_fence **fences = NULL;
	unsigned int n = 0;
	int err;

	resv_add(test, obj, a, DMA_RESV_USAGE_WRITE);
	resv_add(test, obj, b, DMA_RESV_USAGE_READ);

	refused = 0;
	kunit_activate_static_stub(test, dma_resv_fences_resize,
				   snapshot_refused);
	err = dma_resv_get_fences(obj, DMA_RESV_USAGE_READ, &n, &fences);

	KUNIT_EXPECT_EQ(test, err, -ENOMEM);
	KUNIT_EXPECT_EQ(test, refused, 1U);
	KUNIT_EXPECT_EQ(test, n, 0U);
	KUNIT_EXPECT_NULL(test, fences);
	if (fences)	/* keep a broken implementation from leaking */
		put_array(fences, n);
	KUNIT_EXPECT_EQ(test, refs(a), 2U);
	KUNIT_EXPECT_EQ(test, refs(b), 2U);
}

/*
 * dma_resv_get_singleton() of three fences allocates twice: the snapshot,
 * then the array that stands for it. Either failing must leave no
 * reference behind.
 */
static void get_singleton_without_memory_drops_what_it_took(struct kunit *test)
{
	const struct refusal_row *row = test->param_value;
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *single = NULL;
	struct dma_fence *f[3];
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(f); i++) {
		f[i] = fence_solo(test);
		resv_add(test, obj, f[i], i);
	}

	refused = 0;
	if (row->at_array)
		kunit_activate_static_stub(test, dma_fence_array_alloc_mem,
					   array_mem_refused);
	else
		kunit_activate_static_stub(test, dma_resv_fences_resize,
					   snapshot_refused);
	err = dma_resv_get_singleton(obj, DMA_RESV_USAGE_READ, &single);
	if (!err && single)	/* keep a broken implementation from leaking */
		dma_fence_put(single);

	KUNIT_EXPECT_EQ(test, err, -ENOMEM);
	KUNIT_EXPECT_EQ(test, refused, 1U);
	for (i = 0; i < ARRAY_SIZE(f); i++)
		KUNIT_EXPECT_EQ_MSG(test, refs(f[i]), 2U, "fence %u", i);
}

static void copy_without_memory_leaves_destination_unchanged(struct kunit *test)
{
	struct dma_resv *src = resv_new(test);
	struct dma_resv *dst = resv_new(test);
	struct dma_fence *a = fence_solo(test);
	struct dma_fence *b = fence_solo(test);
	struct dma_fence *stale = fence_solo(test);
	enum dma_resv_usage got;
	struct snap *s;
	int err;

	resv_add(test, src, a, DMA_RESV_USAGE_WRITE);
	resv_add(test, src, b, DMA_RESV_USAGE_BOOKKEEP);
	resv_add(test, dst, stale, DMA_RESV_USAGE_KERNEL);

	refuse_lists(test);
	KUNIT_ASSERT_EQ(test, dma_resv_lock(dst, NULL), 0);
	err = dma_resv_copy_fences(dst, src);
	dma_resv_unlock(dst);
	kunit_deactivate_static_stub(test, dma_resv_list_new);

	KUNIT_EXPECT_EQ(test, err, -ENOMEM);
	KUNIT_EXPECT_EQ(test, refused, 1U);
	s = snap_locked(test, dst, DMA_RESV_USAGE_BOOKKEEP);
	KUNIT_EXPECT_EQ(test, s->count, 1U);
	got = ALL_USAGES;
	KUNIT_EXPECT_EQ(test, snap_find(s, stale, &got), 1U);
	KUNIT_EXPECT_EQ(test, got, DMA_RESV_USAGE_KERNEL);
	KUNIT_EXPECT_EQ(test, refs(stale), 2U);
	KUNIT_EXPECT_EQ(test, refs(a), 2U);
	KUNIT_EXPECT_EQ(test, refs(b), 2U);
	KUNIT_EXPECT_EQ(test, count_locked(test, src, DMA_RESV_USAGE_BOOKKEEP),
			2U);

	/* With memory back the copy goes through. */
	KUNIT_ASSERT_EQ(test, dma_resv_lock(dst, NULL), 0);
	err = dma_resv_copy_fences(dst, src);
	dma_resv_unlock(dst);
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, count_locked(test, dst, DMA_RESV_USAGE_BOOKKEEP),
			2U);
	KUNIT_EXPECT_EQ(test, refs(stale), 1U);
}

#else /* upstream has no allocation hooks to redirect */

static void fault_hooks_absent(struct kunit *test)
{
	dmabuf_kunit_ours_only(test, "fault-injection hooks are ours");
}

#define reserve_without_memory_keeps_the_fences_it_has	fault_hooks_absent
#define reserve_without_memory_leaves_new_object_empty	fault_hooks_absent
#define get_fences_without_memory_hands_out_nothing	fault_hooks_absent
#define get_singleton_without_memory_drops_what_it_took	fault_hooks_absent
#define copy_without_memory_leaves_destination_unchanged fault_hooks_absent

#endif /* DMABUF_KUNIT_ON_STOCK */

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
		struct rt_fence *rf = to_rt(f[u]);

		KUNIT_EXPECT_EQ(test, atomic_read(&rf->deadline_calls),
				u <= DMA_RESV_USAGE_WRITE ? 1 : 0);
		if (u <= DMA_RESV_USAGE_WRITE)
			KUNIT_EXPECT_EQ(test, ktime_compare(rf->deadline, when),
					0);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&to_rt(done)->deadline_calls), 0);
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
		"\tkernel fence:" DRIVER_NAME " " TIMELINE_NAME
		" seq 11 unsignalled\n"
		"\twrite fence:" DRIVER_NAME " " TIMELINE_NAME
		" seq 12 signalled\n"
		"\tread fence:" DRIVER_NAME " " TIMELINE_NAME
		" seq 13 unsignalled\n";
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

/* ------------------------------------------------------------------ */
/* Restarts of the unlocked walk                                       */
/* ------------------------------------------------------------------ */

static void unlocked_walk_restarts_when_the_list_is_replaced(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f[4];
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	unsigned int i, seen = 0, restarts = 0, steps = 0;
	int err;

	for (i = 0; i < 3; i++) {
		f[i] = fence_solo(test);
		resv_add(test, obj, f[i], DMA_RESV_USAGE_READ);
	}
	f[3] = fence_solo(test);

	dma_resv_iter_begin(&cursor, obj, DMA_RESV_USAGE_READ);
	dma_resv_for_each_fence_unlocked(&cursor, fence) {
		if (dma_resv_iter_is_restarted(&cursor)) {
			restarts++;
			seen = 0;
		}
		for (i = 0; i < ARRAY_SIZE(f); i++)
			if (fence == f[i])
				seen |= BIT(i);
		if (++steps != 2)
			continue;
		/* Mid-walk, make the writer publish a bigger list. */
		err = dma_resv_lock(obj, NULL);
		if (!err) {
			err = dma_resv_reserve_fences(obj, 32);
			if (!err)
				dma_resv_add_fence(obj, f[3],
						   DMA_RESV_USAGE_READ);
			dma_resv_unlock(obj);
		}
		KUNIT_EXPECT_EQ(test, err, 0);
	}
	dma_resv_iter_end(&cursor);

	KUNIT_EXPECT_EQ(test, restarts, 2U);
	KUNIT_EXPECT_EQ(test, seen, 0xfU);
	KUNIT_EXPECT_EQ(test, steps, 2U + 4U);
}

static void unlocked_walk_continues_across_in_place_appends(struct kunit *test)
{
	struct dma_resv *obj = resv_new(test);
	struct dma_fence *f[3];
	struct dma_resv_iter cursor;
	struct dma_fence *first, *second, *third;
	bool restarted = true;
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(f); i++)
		f[i] = fence_solo(test);

	/* Hold the lock so that the room reserved stays available. */
	KUNIT_ASSERT_EQ(test, dma_resv_lock(obj, NULL), 0);
	err = dma_resv_reserve_fences(obj, 8);
	if (!err) {
		dma_resv_add_fence(obj, f[0], DMA_RESV_USAGE_WRITE);
		dma_resv_add_fence(obj, f[1], DMA_RESV_USAGE_WRITE);
	}
	dma_resv_iter_begin(&cursor, obj, DMA_RESV_USAGE_WRITE);
	first = dma_resv_iter_first_unlocked(&cursor);
	if (!err)
		dma_resv_add_fence(obj, f[2], DMA_RESV_USAGE_WRITE);
	second = dma_resv_iter_next_unlocked(&cursor);
	if (second)
		restarted = dma_resv_iter_is_restarted(&cursor);
	third = dma_resv_iter_next_unlocked(&cursor);
	dma_resv_iter_end(&cursor);
	dma_resv_unlock(obj);

	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_PTR_EQ(test, first, f[0]);
	KUNIT_EXPECT_PTR_EQ(test, second, f[1]);
	KUNIT_EXPECT_FALSE(test, restarted);
	/* The walk covers what was there when it started. */
	KUNIT_EXPECT_NULL(test, third);
	KUNIT_EXPECT_EQ(test, snap_unlocked(test, obj,
					    DMA_RESV_USAGE_WRITE)->count, 3U);
}

/* ------------------------------------------------------------------ */
/* Races                                                               */
/* ------------------------------------------------------------------ */

#define GROW_BASELINE		6
#define GROW_WRITER_FENCES	512
#define GROW_LAG		24
#define GROW_READERS		2

/*
 * Regression test for CVE-2025-38095: a writer appends fences, growing
 * the list both in place and by publishing bigger ones, while readers walk
 * it without the lock. Every fence a reader gets must be a live fence of
 * this suite, and every walk that completes must have seen all the fences
 * that were there throughout. The writer gives up its own references, so
 * the object holds the last one and freed fences are caught by KASAN.
 */
struct grow_race {
	struct dma_resv *obj;
	struct dma_fence *baseline[GROW_BASELINE];
	u64 ctx_base;
	unsigned long deadline;
	atomic_t writer_done;
	atomic_t added;
	atomic_t writer_errors;
	atomic_t bad_fences;
	atomic_t missed;
	atomic_t walks;
	atomic_t restarts;
	atomic_t snapshots;
	struct completion writer_exit;
	struct completion reader_exit[GROW_READERS];
};

static int grow_writer_fn(void *data)
{
	struct grow_race *race = data;
	struct dma_fence *live[GROW_LAG + 4];
	unsigned int made = 0, nlive = 0, i;

	while (made < GROW_WRITER_FENCES && !kthread_should_stop() &&
	       time_before(jiffies, race->deadline)) {
		unsigned int batch = 1 + made % 4;

		if (dma_resv_lock(race->obj, NULL) ||
		    dma_resv_reserve_fences(race->obj, batch)) {
			atomic_inc(&race->writer_errors);
			if (dma_resv_is_locked(race->obj))
				dma_resv_unlock(race->obj);
			break;
		}
		for (i = 0; i < batch; i++) {
			struct dma_fence *f;

			f = rt_fence_alloc(&rt_ops, race->ctx_base + made, 1);
			if (!f) {
				atomic_inc(&race->writer_errors);
				break;
			}
			dma_resv_add_fence(race->obj, f, made % ALL_USAGES);
			/* Still alive: unsignalled fences stay in the list. */
			live[nlive++] = f;
			dma_fence_put(f);
			made++;
			/* Let readers see the list half way through. */
			race_pause();
		}
		dma_resv_unlock(race->obj);

		/* Completed fences get pruned or replaced, then freed. */
		while (nlive > GROW_LAG) {
			dma_fence_signal(live[0]);
			memmove(live, live + 1, --nlive * sizeof(live[0]));
		}
		race_pause();
	}

	for (i = 0; i < nlive; i++)
		dma_fence_signal(live[i]);
	atomic_set(&race->added, made);
	atomic_set(&race->writer_done, 1);
	complete(&race->writer_exit);
	return 0;
}

static unsigned long grow_baseline_bit(struct grow_race *race,
				       struct dma_fence *fence)
{
	unsigned int i;

	for (i = 0; i < GROW_BASELINE; i++)
		if (fence == race->baseline[i])
			return BIT(i);
	return 0;
}

static void grow_walk(struct grow_race *race)
{
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	unsigned int starts = 0, steps = 0;
	unsigned long seen = 0;

	dma_resv_iter_begin(&cursor, race->obj, DMA_RESV_USAGE_BOOKKEEP);
	dma_resv_for_each_fence_unlocked(&cursor, fence) {
		if (dma_resv_iter_is_restarted(&cursor)) {
			starts++;
			seen = 0;
		}
		if (!rt_fence_sane(fence))
			atomic_inc(&race->bad_fences);
		seen |= grow_baseline_bit(race, fence);
		/* Often enough to get overtaken, rarely enough to finish. */
		if (++steps % 4 == 0)
			race_pause();
	}
	dma_resv_iter_end(&cursor);

	if (starts > 1)
		atomic_add(starts - 1, &race->restarts);

	if (seen != GENMASK(GROW_BASELINE - 1, 0))
		atomic_inc(&race->missed);
	atomic_inc(&race->walks);
}

static void grow_snapshot(struct grow_race *race)
{
	struct dma_fence **fences;
	unsigned long seen = 0;
	unsigned int n, i;

	if (dma_resv_get_fences(race->obj, DMA_RESV_USAGE_BOOKKEEP, &n,
				&fences))
		return;	/* -ENOMEM is allowed, just not useful here */
	for (i = 0; i < n; i++) {
		if (!rt_fence_sane(fences[i]))
			atomic_inc(&race->bad_fences);
		seen |= grow_baseline_bit(race, fences[i]);
	}
	put_array(fences, n);
	if (seen != GENMASK(GROW_BASELINE - 1, 0))
		atomic_inc(&race->missed);
	atomic_inc(&race->snapshots);
}

struct grow_reader {
	struct grow_race *race;
	unsigned int id;
};

static int grow_reader_fn(void *data)
{
	struct grow_reader *r = data;
	struct grow_race *race = r->race;

	while (!atomic_read(&race->writer_done) && !kthread_should_stop()) {
		grow_walk(race);
		grow_snapshot(race);
		race_pause();
	}
	/* One quiet pass that is sure to complete. */
	grow_walk(race);
	complete(&race->reader_exit[r->id]);
	return 0;
}

static void readers_never_see_a_hole_while_writer_grows_list(struct kunit *test)
{
	struct grow_race *race = kunit_kzalloc(test, sizeof(*race), GFP_KERNEL);
	struct grow_reader *readers;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, race);
	readers = kunit_kcalloc(test, GROW_READERS, sizeof(*readers),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, readers);

	race->obj = resv_new(test);
	for (i = 0; i < GROW_BASELINE; i++) {
		race->baseline[i] = fence_solo(test);
		resv_add(test, race->obj, race->baseline[i], i % ALL_USAGES);
	}
	race->ctx_base = dma_fence_context_alloc(GROW_WRITER_FENCES);
	race->deadline = jiffies + RACE_BUDGET;
	init_completion(&race->writer_exit);

	for (i = 0; i < GROW_READERS; i++) {
		readers[i].race = race;
		readers[i].id = i;
		init_completion(&race->reader_exit[i]);
		dmabuf_kunit_thread_start(test, "resv", grow_reader_fn,
					  &readers[i], "reader");
	}
	dmabuf_kunit_thread_start(test, "resv", grow_writer_fn, race, "writer");

	dmabuf_kunit_thread_wait(test, &race->writer_exit, THREAD_GRACE,
				 "writer");
	for (i = 0; i < GROW_READERS; i++)
		dmabuf_kunit_thread_wait(test, &race->reader_exit[i],
					 THREAD_GRACE, "reader");

	kunit_info(test, "%d fences added, %d walks, %d restarts, %d snapshots\n",
		   atomic_read(&race->added), atomic_read(&race->walks),
		   atomic_read(&race->restarts),
		   atomic_read(&race->snapshots));
	KUNIT_EXPECT_EQ(test, atomic_read(&race->writer_errors), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&race->added), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&race->bad_fences), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&race->missed), 0);
	KUNIT_EXPECT_GE(test, atomic_read(&race->walks), GROW_READERS);
	/* Everything the writer added has signalled by now. */
	KUNIT_EXPECT_GE(test, count_locked(test, race->obj,
					   DMA_RESV_USAGE_BOOKKEEP),
			(unsigned int)GROW_BASELINE);
	for (i = 0; i < GROW_BASELINE; i++)
		dma_fence_signal(race->baseline[i]);
	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(race->obj,
						       DMA_RESV_USAGE_BOOKKEEP));
}

#define MIX_ADDERS		2
#define MIX_WALKERS		2
#define MIX_LAG			8
#define MIX_PER_ADDER		400

/*
 * Adders attach fences (mostly newer fences of their own timeline, now and
 * then one on a fresh timeline) and signal them a little later; walkers
 * use every read-side helper, and one of them keeps copying the object.
 */
struct mix_race {
	struct dma_resv *obj;
	struct dma_resv *copy;
	u64 fresh_base;
	atomic_t fresh_next;
	unsigned long deadline;
	atomic_t adders_left;
	atomic_t errors;
	atomic_t bad_fences;
	atomic_t loops;
	struct completion go;
	struct completion exit[MIX_ADDERS + MIX_WALKERS];
};

struct mix_thread {
	struct mix_race *race;
	unsigned int id;
};

static bool mix_running(struct mix_race *race)
{
	return !kthread_should_stop() && time_before(jiffies, race->deadline);
}

static int mix_adder_fn(void *data)
{
	struct mix_thread *t = data;
	struct mix_race *race = t->race;
	struct dma_fence *live[MIX_LAG + 1];
	u64 own = dma_fence_context_alloc(1);
	unsigned int n, nlive = 0;

	if (!gate_pass(&race->go))
		goto out;
	for (n = 1; n <= MIX_PER_ADDER && mix_running(race); n++) {
		u64 ctx = own;
		struct dma_fence *f;

		if (n % 8 == 0)
			ctx = race->fresh_base +
			      atomic_inc_return(&race->fresh_next) - 1;
		f = rt_fence_alloc(&rt_ops, ctx, n);
		if (!f) {
			atomic_inc(&race->errors);
			break;
		}
		if (dma_resv_lock(race->obj, NULL) ||
		    dma_resv_reserve_fences(race->obj, 1)) {
			atomic_inc(&race->errors);
			if (dma_resv_is_locked(race->obj))
				dma_resv_unlock(race->obj);
			dma_fence_put(f);
			break;
		}
		dma_resv_add_fence(race->obj, f, (n + t->id) % ALL_USAGES);
		dma_resv_unlock(race->obj);

		live[nlive++] = f;	/* keeps our reference */
		if (nlive > MIX_LAG) {
			dmabuf_kunit_fence_retire(live[0]);
			memmove(live, live + 1, --nlive * sizeof(live[0]));
		}
		race_pause();
	}

	while (nlive)
		dmabuf_kunit_fence_retire(live[--nlive]);
out:
	atomic_dec(&race->adders_left);
	complete(&race->exit[t->id]);
	return 0;
}

static void mix_walk_once(struct mix_thread *t)
{
	struct mix_race *race = t->race;
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	long ret;

	if (!dma_resv_get_singleton(race->obj, DMA_RESV_USAGE_READ, &fence) &&
	    fence) {
		if (!dma_fence_is_array(fence) && !rt_fence_sane(fence))
			atomic_inc(&race->bad_fences);
		dma_fence_put(fence);
	}

	dma_resv_test_signaled(race->obj, DMA_RESV_USAGE_BOOKKEEP);
	dma_resv_set_deadline(race->obj, DMA_RESV_USAGE_WRITE, ktime_get());
	ret = dma_resv_wait_timeout(race->obj, DMA_RESV_USAGE_KERNEL, true, 0);
	if (ret < 0)
		atomic_inc(&race->errors);

	if (t->id == MIX_ADDERS) {
		/* The copier: the destination is locked, the source not. */
		if (dma_resv_lock(race->copy, NULL)) {
			atomic_inc(&race->errors);
			return;
		}
		if (dma_resv_copy_fences(race->copy, race->obj))
			atomic_inc(&race->errors);
		dma_resv_for_each_fence(&cursor, race->copy,
					DMA_RESV_USAGE_BOOKKEEP, fence)
			if (!rt_fence_sane(fence))
				atomic_inc(&race->bad_fences);
		dma_resv_unlock(race->copy);
	} else if (dma_resv_trylock(race->obj)) {
		dma_resv_for_each_fence(&cursor, race->obj,
					DMA_RESV_USAGE_BOOKKEEP, fence)
			if (!rt_fence_sane(fence))
				atomic_inc(&race->bad_fences);
		dma_resv_unlock(race->obj);
	}
}

static int mix_walker_fn(void *data)
{
	struct mix_thread *t = data;
	struct mix_race *race = t->race;
	bool last;

	if (!gate_pass(&race->go))
		goto out;
	do {
		/* Make sure one pass sees the end state. */
		last = !atomic_read(&race->adders_left);
		mix_walk_once(t);
		atomic_inc(&race->loops);
		race_pause();
	} while (!last && !kthread_should_stop());
out:
	complete(&race->exit[t->id]);
	return 0;
}

static void adders_walkers_and_signallers_run_concurrently(struct kunit *test)
{
	struct mix_race *race = kunit_kzalloc(test, sizeof(*race), GFP_KERNEL);
	unsigned int nthreads = MIX_ADDERS + MIX_WALKERS;
	struct mix_thread *threads;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, race);
	threads = kunit_kcalloc(test, nthreads, sizeof(*threads), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, threads);

	race->obj = resv_new(test);
	race->copy = resv_new(test);
	race->fresh_base = dma_fence_context_alloc(MIX_ADDERS * MIX_PER_ADDER);
	atomic_set(&race->adders_left, MIX_ADDERS);

	init_completion(&race->go);
	for (i = 0; i < nthreads; i++) {
		threads[i].race = race;
		threads[i].id = i;
		init_completion(&race->exit[i]);
	}
	for (i = 0; i < nthreads; i++)
		dmabuf_kunit_thread_start(test, "resv",
					  i < MIX_ADDERS ? mix_adder_fn : mix_walker_fn,
					  &threads[i],
					  i < MIX_ADDERS ? "adder" : "walker");
	race->deadline = jiffies + RACE_BUDGET;
	complete_all(&race->go);
	for (i = 0; i < nthreads; i++)
		dmabuf_kunit_thread_wait(test, &race->exit[i], THREAD_GRACE,
					 "race thread");

	kunit_info(test, "%d walker loops\n", atomic_read(&race->loops));
	KUNIT_EXPECT_GE(test, atomic_read(&race->loops), MIX_WALKERS);
	KUNIT_EXPECT_EQ(test, atomic_read(&race->errors), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&race->bad_fences), 0);
	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(race->obj,
						       DMA_RESV_USAGE_BOOKKEEP));
	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(race->copy,
						       DMA_RESV_USAGE_BOOKKEEP));
}

/* ------------------------------------------------------------------ */
/* Many contexts                                                       */
/* ------------------------------------------------------------------ */

#define MANY_CONTEXTS		1024

static int add_pool(struct dma_resv *obj, struct fence_pool *pool,
		    enum dma_resv_usage usage)
{
	unsigned int i;
	int err;

	err = dma_resv_lock(obj, NULL);
	if (err)
		return err;
	err = dma_resv_reserve_fences(obj, pool->count);
	for (i = 0; !err && i < pool->count; i++)
		dma_resv_add_fence(obj, pool->fence[i], usage);
	dma_resv_unlock(obj);
	return err;
}

static void thousand_contexts_keep_one_entry_each(struct kunit *test)
{
	u64 base = dma_fence_context_alloc(MANY_CONTEXTS);
	struct fence_pool *old = fence_pool_new(test, base, MANY_CONTEXTS, 1);
	struct fence_pool *new = fence_pool_new(test, base, MANY_CONTEXTS, 2);
	struct dma_resv *obj = resv_new(test);
	struct dma_fence **fences;
	unsigned int n, i;

	KUNIT_ASSERT_EQ(test, add_pool(obj, old, DMA_RESV_USAGE_READ), 0);
	KUNIT_EXPECT_EQ(test, count_locked(test, obj, DMA_RESV_USAGE_READ),
			(unsigned int)MANY_CONTEXTS);

	KUNIT_ASSERT_EQ(test, dma_resv_get_fences(obj, DMA_RESV_USAGE_READ,
						  &n, &fences), 0);
	KUNIT_EXPECT_EQ(test, n, (unsigned int)MANY_CONTEXTS);
	put_array(fences, n);

	/* Newer fences on the same timelines take over every entry. */
	KUNIT_ASSERT_EQ(test, add_pool(obj, new, DMA_RESV_USAGE_WRITE), 0);
	KUNIT_EXPECT_EQ(test, count_locked(test, obj, DMA_RESV_USAGE_BOOKKEEP),
			(unsigned int)MANY_CONTEXTS);
	KUNIT_EXPECT_EQ(test, count_locked(test, obj, DMA_RESV_USAGE_WRITE),
			(unsigned int)MANY_CONTEXTS);
	for (i = 0; i < MANY_CONTEXTS; i++) {
		if (refs(old->fence[i]) != 1 || refs(new->fence[i]) != 2) {
			KUNIT_FAIL(test, "references of context %u are off", i);
			break;
		}
	}

	for (i = 0; i < MANY_CONTEXTS - 1; i++)
		dma_fence_signal(new->fence[i]);
	KUNIT_EXPECT_FALSE(test, dma_resv_test_signaled(obj,
							DMA_RESV_USAGE_WRITE));
	dma_fence_signal(new->fence[MANY_CONTEXTS - 1]);
	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(obj,
						       DMA_RESV_USAGE_BOOKKEEP));
	KUNIT_EXPECT_EQ(test, dma_resv_wait_timeout(obj,
						    DMA_RESV_USAGE_BOOKKEEP,
						    false, 0), 1L);
}

static struct kunit_case dma_resv_cases[] = {
	KUNIT_CASE(init_leaves_object_unlocked_and_empty),
	KUNIT_CASE(fini_drops_the_references_it_holds),
	KUNIT_CASE(lock_without_context_is_held_until_unlock),
	KUNIT_CASE(lock_with_context_reports_it_and_refuses_relock),
	KUNIT_CASE(trylock_fails_only_while_someone_holds_the_lock),
	KUNIT_CASE_PARAM(younger_context_backs_off_with_edeadlk_then_locks_slow,
			 intr_gen_params),
	KUNIT_CASE(usage_rw_asks_writers_for_reads_and_everyone_for_writes),
	KUNIT_CASE_PARAM(walks_return_classes_up_to_requested_usage,
			 usage_gen_params),
	KUNIT_CASE(locked_walk_reports_signalled_fences_unlocked_walk_skips_them),
	KUNIT_CASE(locked_walk_takes_no_references),
	KUNIT_CASE(unlocked_walk_holds_one_reference_until_end),
	KUNIT_CASE(add_replaces_older_fence_of_same_context),
	KUNIT_CASE(add_keeps_fences_of_other_contexts),
	KUNIT_CASE(add_of_older_seqno_keeps_newer_fence),
	KUNIT_CASE(add_of_same_fence_twice_keeps_one_entry),
	KUNIT_CASE(add_with_lower_class_promotes_the_entry),
	KUNIT_CASE(add_with_higher_class_never_demotes_the_entry),
	KUNIT_CASE(add_of_newer_fence_with_higher_class_keeps_both),
	KUNIT_CASE(add_reuses_entry_of_signalled_fence),
	KUNIT_CASE_PARAM(add_takes_over_only_when_seqno_is_later_for_ops_width,
			 order_gen_params),
	KUNIT_CASE(reserved_slots_take_that_many_adds),
	KUNIT_CASE(reserve_of_absurd_count_fails_with_enomem),
	KUNIT_CASE(growing_the_list_drops_signalled_fences),
	KUNIT_CASE(reset_max_fences_keeps_fences_and_allows_new_reservations),
	KUNIT_CASE(replace_fences_swaps_every_entry_of_the_context),
	KUNIT_CASE(replace_fences_on_empty_object_changes_nothing),
	KUNIT_CASE(get_fences_returns_referenced_unsignalled_fences),
	KUNIT_CASE(get_singleton_without_fences_returns_null),
	KUNIT_CASE(get_singleton_of_one_fence_returns_that_fence),
	KUNIT_CASE(get_singleton_of_many_fences_signals_after_all),
	KUNIT_CASE(copy_fences_replaces_destination_with_unsignalled_source),
	KUNIT_CASE(copy_fences_from_empty_source_empties_destination),
	KUNIT_CASE(reserve_without_memory_keeps_the_fences_it_has),
	KUNIT_CASE(reserve_without_memory_leaves_new_object_empty),
	KUNIT_CASE(get_fences_without_memory_hands_out_nothing),
	KUNIT_CASE_PARAM(get_singleton_without_memory_drops_what_it_took,
			 refusal_gen_params),
	KUNIT_CASE(copy_without_memory_leaves_destination_unchanged),
	KUNIT_CASE(wait_times_out_with_zero_on_pending_fence),
	KUNIT_CASE(wait_with_zero_budget_only_polls),
	KUNIT_CASE(wait_on_idle_object_returns_whole_budget),
	KUNIT_CASE(wait_returns_remaining_budget_once_all_signal),
	KUNIT_CASE_PARAM(pending_signal_interrupts_only_interruptible_wait,
			 intr_gen_params),
	KUNIT_CASE(test_signaled_follows_fences_of_requested_classes),
	KUNIT_CASE(set_deadline_reaches_unsignalled_fences_of_classes),
	KUNIT_CASE(describe_prints_a_line_per_fence_up_to_read),
	KUNIT_CASE(unlocked_walk_restarts_when_the_list_is_replaced),
	KUNIT_CASE(unlocked_walk_continues_across_in_place_appends),
	KUNIT_CASE(readers_never_see_a_hole_while_writer_grows_list),
	KUNIT_CASE(adders_walkers_and_signallers_run_concurrently),
	KUNIT_CASE(thousand_contexts_keep_one_entry_each),
	{}
};

static struct kunit_suite dma_resv_suite = {
	.name = "dma-resv",
	.test_cases = dma_resv_cases,
};

kunit_test_suite(dma_resv_suite);

MODULE_DESCRIPTION("KUnit tests for dma_resv reservation objects");
MODULE_LICENSE("GPL");
#ifndef DMABUF_KUNIT_ON_STOCK
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
#endif

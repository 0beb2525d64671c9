// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmark cases of the synchronisation half: dma_fence, its chain and
 * unwrap helpers, and dma_resv. Each operation is one a driver performs
 * on every submission or every buffer it hands on.
 */

#include <linux/dma-fence.h>
#include <linux/dma-fence-chain.h>
#include <linux/dma-fence-unwrap.h>
#include <linux/dma-resv.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "bench.h"

#define CHAIN_LINKS	1024

static DEFINE_SPINLOCK(bench_fence_lock);

static const char *bench_driver_name(struct dma_fence *fence)
{
	return "dma_buf_bench";
}

static const char *bench_timeline_name(struct dma_fence *fence)
{
	return "bench";
}

/* Fences a driver allocates per job: freed by the core's default release. */
static const struct dma_fence_ops bench_fence_ops = {
	.get_driver_name = bench_driver_name,
	.get_timeline_name = bench_timeline_name,
};

static void bench_keep_release(struct dma_fence *fence)
{
	/* The memory belongs to a case's pool, which outlives the fence. */
}

/* Fences that live in a pool, so that a case measures no allocator. */
static const struct dma_fence_ops bench_pool_fence_ops = {
	.get_driver_name = bench_driver_name,
	.get_timeline_name = bench_timeline_name,
	.release = bench_keep_release,
};

static struct dma_fence *bench_fence_alloc(u64 context, u64 seqno)
{
	struct dma_fence *fence = kzalloc(sizeof(*fence), GFP_KERNEL);

	if (fence)
		dma_fence_init(fence, &bench_fence_ops, &bench_fence_lock,
			       context, seqno);
	return fence;
}

/* A set of unsignalled fences, on one context or on one context each. */
struct fence_set {
	unsigned int count;
	struct dma_fence *fences[];
};

static void fence_set_free(struct fence_set *set)
{
	unsigned int i;

	for (i = 0; i < set->count; i++) {
		dma_fence_signal(set->fences[i]);
		dma_fence_put(set->fences[i]);
	}
	kfree(set);
}

static struct fence_set *fence_set_alloc(unsigned int count, bool distinct)
{
	struct fence_set *set;
	u64 context;
	unsigned int i;

	set = kzalloc(struct_size(set, fences, count), GFP_KERNEL);
	if (!set)
		return NULL;
	context = dma_fence_context_alloc(distinct ? count : 1);
	for (i = 0; i < count; i++) {
		set->fences[i] = distinct ? bench_fence_alloc(context + i, 1) :
					    bench_fence_alloc(context, i + 1);
		if (!set->fences[i]) {
			fence_set_free(set);
			return NULL;
		}
		set->count++;
	}
	return set;
}

static void bench_cb_count(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	/* Nothing to do: the case measures the core's dispatch. */
}

/* ---- dma_fence ------------------------------------------------------- */

/* Allocate, initialise, arm @arg callbacks, signal and drop a fence. */
static s64 run_fence_lifecycle(const struct bench_case *bc, void *state,
			       unsigned long ops)
{
	struct dma_fence_cb cbs[8];
	u64 context = dma_fence_context_alloc(1);
	u64 start = ktime_get_ns();
	struct dma_fence *fence;
	unsigned long i;
	unsigned int c;

	for (i = 0; i < ops; i++) {
		fence = bench_fence_alloc(context, i + 1);
		if (!fence)
			return -ENOMEM;
		for (c = 0; c < bc->arg; c++)
			dma_fence_add_callback(fence, &cbs[c], bench_cb_count);
		dma_fence_signal(fence);
		dma_fence_put(fence);
	}
	return ktime_get_ns() - start;
}

static int setup_signalled_fence(const struct bench_case *bc, void **state)
{
	struct dma_fence *fence = bench_fence_alloc(dma_fence_context_alloc(1), 1);

	if (!fence)
		return -ENOMEM;
	dma_fence_signal(fence);
	*state = fence;
	return 0;
}

static void teardown_fence(const struct bench_case *bc, void *state)
{
	dma_fence_put(state);
}

static s64 run_is_signaled(const struct bench_case *bc, void *state,
			   unsigned long ops)
{
	u64 start = ktime_get_ns();
	struct dma_fence *fence;
	unsigned long i, seen = 0;

	for (i = 0; i < ops; i++) {
		fence = state;
		/* Make the compiler ask again on every pass. */
		OPTIMIZER_HIDE_VAR(fence);
		seen += dma_fence_is_signaled(fence);
	}
	if (seen != ops)
		return -EIO;
	return ktime_get_ns() - start;
}

static s64 run_wait_signalled(const struct bench_case *bc, void *state,
			      unsigned long ops)
{
	u64 start = ktime_get_ns();
	unsigned long i;

	for (i = 0; i < ops; i++)
		dma_fence_wait(state, true);
	return ktime_get_ns() - start;
}

/*
 * Signal-to-wake latency: a waiter thread on another CPU waits on ping[i]
 * and answers by signalling pong[i], which this thread waits on. One
 * operation is one such round trip, that is two wake-ups.
 */
struct ping_pong {
	unsigned long ops;
	struct dma_fence **ping, **pong;
};

static int ping_pong_waiter(void *data)
{
	struct ping_pong *pp = data;
	unsigned long i;

	for (i = 0; i < pp->ops; i++) {
		dma_fence_wait(pp->ping[i], false);
		dma_fence_signal(pp->pong[i]);
	}
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static void ping_pong_free(struct ping_pong *pp)
{
	unsigned long i;

	for (i = 0; i < pp->ops; i++) {
		if (pp->ping[i]) {
			dma_fence_signal(pp->ping[i]);
			dma_fence_put(pp->ping[i]);
		}
		if (pp->pong[i]) {
			dma_fence_signal(pp->pong[i]);
			dma_fence_put(pp->pong[i]);
		}
	}
	kvfree(pp->ping);
	kvfree(pp->pong);
}

static int ping_pong_alloc(struct ping_pong *pp, unsigned long ops)
{
	u64 context = dma_fence_context_alloc(2);
	unsigned long i;

	pp->ops = ops;
	pp->ping = kvcalloc(ops, sizeof(*pp->ping), GFP_KERNEL);
	pp->pong = kvcalloc(ops, sizeof(*pp->pong), GFP_KERNEL);
	if (!pp->ping || !pp->pong)
		goto fail;
	for (i = 0; i < ops; i++) {
		pp->ping[i] = bench_fence_alloc(context, i + 1);
		pp->pong[i] = bench_fence_alloc(context + 1, i + 1);
		if (!pp->ping[i] || !pp->pong[i])
			goto fail;
	}
	return 0;
fail:
	ping_pong_free(pp);
	return -ENOMEM;
}

static s64 run_wake_round_trip(const struct bench_case *bc, void *state,
			       unsigned long ops)
{
	unsigned int self = smp_processor_id(), other;
	struct task_struct *waiter;
	struct ping_pong pp = {};
	unsigned long i;
	u64 start, ns;

	if (ping_pong_alloc(&pp, ops))
		return -ENOMEM;
	waiter = kthread_create(ping_pong_waiter, &pp, "dma_buf_bench_wait");
	if (IS_ERR(waiter)) {
		ping_pong_free(&pp);
		return PTR_ERR(waiter);
	}
	other = cpumask_any_but(cpu_online_mask, self);
	if (other < nr_cpu_ids)
		kthread_bind(waiter, other);
	get_task_struct(waiter);
	wake_up_process(waiter);

	start = ktime_get_ns();
	for (i = 0; i < ops; i++) {
		dma_fence_signal(pp.ping[i]);
		dma_fence_wait(pp.pong[i], false);
	}
	ns = ktime_get_ns() - start;

	kthread_stop(waiter);
	put_task_struct(waiter);
	ping_pong_free(&pp);
	return ns;
}

/* ---- dma_fence_chain ------------------------------------------------- */

/* Chain the (unsignalled) fences of @set in order; returns the head. */
static struct dma_fence *chain_build(struct fence_set *set)
{
	struct dma_fence *head = NULL;
	struct dma_fence_chain *link;
	unsigned int i;

	for (i = 0; i < set->count; i++) {
		link = dma_fence_chain_alloc();
		if (!link) {
			dma_fence_put(head);
			return NULL;
		}
		dma_fence_chain_init(link, head, dma_fence_get(set->fences[i]),
				     i + 1);
		head = &link->base;
	}
	return head;
}

static int setup_chain_fences(const struct bench_case *bc, void **state)
{
	*state = fence_set_alloc(CHAIN_LINKS, true);
	return *state ? 0 : -ENOMEM;
}

static void teardown_fence_set(const struct bench_case *bc, void *state)
{
	fence_set_free(state);
}

/*
 * Build a 1k-link chain, walk it from head to tail, drop it. The links go
 * through kfree_rcu(); a thread that never schedules between such jobs
 * holds up the grace period on a non-preemptible kernel (UML), and the
 * case would then measure the allocator's growth, not the chain code.
 * Drivers schedule between jobs, so the loop does too.
 */
static s64 run_chain_build_walk(const struct bench_case *bc, void *state,
				unsigned long ops)
{
	u64 start = ktime_get_ns();
	struct dma_fence *head, *iter;
	unsigned long i, links = 0;

	for (i = 0; i < ops; i++) {
		head = chain_build(state);
		if (!head)
			return -ENOMEM;
		dma_fence_chain_for_each(iter, head)
			links++;
		dma_fence_put(head);
		cond_resched();
	}
	if (links != ops * CHAIN_LINKS)
		return -EIO;
	return ktime_get_ns() - start;
}

struct chain_state {
	struct fence_set *set;
	struct dma_fence *head;
};

static int setup_chain(const struct bench_case *bc, void **state)
{
	struct chain_state *cs = kzalloc(sizeof(*cs), GFP_KERNEL);

	if (!cs)
		return -ENOMEM;
	cs->set = fence_set_alloc(CHAIN_LINKS, true);
	if (cs->set)
		cs->head = chain_build(cs->set);
	if (!cs->head) {
		if (cs->set)
			fence_set_free(cs->set);
		kfree(cs);
		return -ENOMEM;
	}
	*state = cs;
	return 0;
}

static void teardown_chain(const struct bench_case *bc, void *state)
{
	struct chain_state *cs = state;

	dma_fence_put(cs->head);
	fence_set_free(cs->set);
	kfree(cs);
}

static s64 run_chain_find_middle(const struct bench_case *bc, void *state,
				 unsigned long ops)
{
	struct chain_state *cs = state;
	u64 start = ktime_get_ns();
	struct dma_fence *fence;
	unsigned long i;
	int err;

	for (i = 0; i < ops; i++) {
		fence = dma_fence_get(cs->head);
		err = dma_fence_chain_find_seqno(&fence, CHAIN_LINKS / 2);
		dma_fence_put(fence);
		if (err)
			return err;
	}
	return ktime_get_ns() - start;
}

/* ---- dma_fence_unwrap_merge ------------------------------------------ */

struct merge_state {
	struct fence_set *set;
	struct dma_fence_unwrap cursors[];
};

static int setup_merge(const struct bench_case *bc, void **state,
		       bool distinct)
{
	struct merge_state *ms;

	ms = kzalloc(struct_size(ms, cursors, bc->arg), GFP_KERNEL);
	if (!ms)
		return -ENOMEM;
	ms->set = fence_set_alloc(bc->arg, distinct);
	if (!ms->set) {
		kfree(ms);
		return -ENOMEM;
	}
	*state = ms;
	return 0;
}

/* One fence per context: the merge keeps them all, in a fence array. */
static int setup_merge_distinct(const struct bench_case *bc, void **state)
{
	return setup_merge(bc, state, true);
}

/* One context: the merge keeps only the latest fence. */
static int setup_merge_same(const struct bench_case *bc, void **state)
{
	return setup_merge(bc, state, false);
}

static void teardown_merge(const struct bench_case *bc, void *state)
{
	struct merge_state *ms = state;

	fence_set_free(ms->set);
	kfree(ms);
}

static s64 run_merge(const struct bench_case *bc, void *state,
		     unsigned long ops)
{
	struct merge_state *ms = state;
	u64 start = ktime_get_ns();
	struct dma_fence *merged;
	unsigned long i;

	for (i = 0; i < ops; i++) {
		merged = __dma_fence_unwrap_merge(ms->set->count,
						  ms->set->fences, ms->cursors);
		if (!merged)
			return -ENOMEM;
		dma_fence_put(merged);
	}
	return ktime_get_ns() - start;
}

/* ---- dma_resv --------------------------------------------------------- */

/* The life of a buffer's reservation: fill it with @arg fences, drop it. */
static s64 run_resv_fill(const struct bench_case *bc, void *state,
			 unsigned long ops)
{
	struct fence_set *set = state;
	u64 start = ktime_get_ns();
	struct dma_resv resv;
	unsigned long i;
	unsigned int f;

	for (i = 0; i < ops; i++) {
		dma_resv_init(&resv);
		dma_resv_lock(&resv, NULL);
		if (!dma_resv_reserve_fences(&resv, set->count)) {
			for (f = 0; f < set->count; f++)
				dma_resv_add_fence(&resv, set->fences[f],
						   DMA_RESV_USAGE_READ);
		}
		dma_resv_unlock(&resv);
		dma_resv_fini(&resv);
	}
	return ktime_get_ns() - start;
}

static int setup_fence_set(const struct bench_case *bc, void **state)
{
	*state = fence_set_alloc(bc->arg, true);
	return *state ? 0 : -ENOMEM;
}

/*
 * One engine submitting again and again to the same buffer: each new
 * fence of the context replaces the previous one. The fences come from a
 * pool of two, re-initialised in turn, so no allocator is measured: the
 * one the reservation does not hold has been released by then.
 */
struct replace_state {
	struct dma_resv resv;
	struct dma_fence pool[2];
	u64 context, seqno;
};

static int setup_replace(const struct bench_case *bc, void **state)
{
	struct replace_state *rs = kzalloc(sizeof(*rs), GFP_KERNEL);

	if (!rs)
		return -ENOMEM;
	dma_resv_init(&rs->resv);
	rs->context = dma_fence_context_alloc(1);
	*state = rs;
	return 0;
}

static void teardown_replace(const struct bench_case *bc, void *state)
{
	struct replace_state *rs = state;

	dma_resv_fini(&rs->resv);
	kfree(rs);
}

static s64 run_resv_replace(const struct bench_case *bc, void *state,
			    unsigned long ops)
{
	struct replace_state *rs = state;
	u64 start = ktime_get_ns();
	struct dma_fence *fence;
	unsigned long i;

	for (i = 0; i < ops; i++) {
		fence = &rs->pool[rs->seqno & 1];
		dma_fence_init(fence, &bench_pool_fence_ops, &bench_fence_lock,
			       rs->context, ++rs->seqno);
		dma_resv_lock(&rs->resv, NULL);
		if (!dma_resv_reserve_fences(&rs->resv, 1))
			dma_resv_add_fence(&rs->resv, fence,
					   DMA_RESV_USAGE_WRITE);
		dma_resv_unlock(&rs->resv);
		dma_fence_put(fence);
	}
	return ktime_get_ns() - start;
}

/* A reservation holding one fence of each context of a set. */
struct filled_resv {
	struct fence_set *set;
	struct dma_resv resv;
};

static void teardown_filled_resv(const struct bench_case *bc, void *state)
{
	struct filled_resv *fr = state;

	dma_resv_fini(&fr->resv);
	fence_set_free(fr->set);
	kfree(fr);
}

static int setup_filled_resv(const struct bench_case *bc, void **state,
			     bool signalled)
{
	struct filled_resv *fr = kzalloc(sizeof(*fr), GFP_KERNEL);
	unsigned int f;
	int err;

	if (!fr)
		return -ENOMEM;
	fr->set = fence_set_alloc(bc->arg, true);
	if (!fr->set) {
		kfree(fr);
		return -ENOMEM;
	}
	dma_resv_init(&fr->resv);
	dma_resv_lock(&fr->resv, NULL);
	err = dma_resv_reserve_fences(&fr->resv, bc->arg);
	for (f = 0; !err && f < bc->arg; f++) {
		dma_resv_add_fence(&fr->resv, fr->set->fences[f],
				   DMA_RESV_USAGE_READ);
		/* An idle buffer: its fences all signalled, none pruned yet. */
		if (signalled)
			dma_fence_signal(fr->set->fences[f]);
	}
	dma_resv_unlock(&fr->resv);
	if (err)
		teardown_filled_resv(bc, fr);
	else
		*state = fr;
	return err;
}

static int setup_busy_resv(const struct bench_case *bc, void **state)
{
	return setup_filled_resv(bc, state, false);
}

static int setup_idle_resv(const struct bench_case *bc, void **state)
{
	return setup_filled_resv(bc, state, true);
}

static s64 run_resv_iterate(const struct bench_case *bc, void *state,
			    unsigned long ops)
{
	struct filled_resv *fr = state;
	u64 start = ktime_get_ns();
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	unsigned long i, seen = 0;

	for (i = 0; i < ops; i++) {
		dma_resv_iter_begin(&cursor, &fr->resv, DMA_RESV_USAGE_READ);
		dma_resv_for_each_fence_unlocked(&cursor, fence)
			seen++;
		dma_resv_iter_end(&cursor);
	}
	if (seen != ops * bc->arg)
		return -EIO;
	return ktime_get_ns() - start;
}

static s64 run_resv_singleton(const struct bench_case *bc, void *state,
			      unsigned long ops)
{
	struct filled_resv *fr = state;
	u64 start = ktime_get_ns();
	struct dma_fence *fence;
	unsigned long i;
	int err;

	for (i = 0; i < ops; i++) {
		err = dma_resv_get_singleton(&fr->resv, DMA_RESV_USAGE_READ,
					     &fence);
		if (err)
			return err;
		dma_fence_put(fence);
	}
	return ktime_get_ns() - start;
}

static s64 run_resv_test_signaled(const struct bench_case *bc, void *state,
				  unsigned long ops)
{
	struct filled_resv *fr = state;
	u64 start = ktime_get_ns();
	unsigned long i, idle = 0;

	for (i = 0; i < ops; i++)
		idle += dma_resv_test_signaled(&fr->resv, DMA_RESV_USAGE_READ);
	if (idle != ops)
		return -EIO;
	return ktime_get_ns() - start;
}

#define LIFECYCLE(_name, _cbs) \
	{ .name = _name, .run = run_fence_lifecycle, .arg = _cbs }
#define MERGE(_name, _setup, _count) \
	{ .name = _name, .setup = _setup, .run = run_merge, \
	  .teardown = teardown_merge, .arg = _count }
#define FILLED(_name, _setup, _run, _count) \
	{ .name = _name, .setup = _setup, .run = _run, \
	  .teardown = teardown_filled_resv, .arg = _count }
#define RESV_FILL(_name, _count) \
	{ .name = _name, .setup = setup_fence_set, .run = run_resv_fill, \
	  .teardown = teardown_fence_set, .arg = _count }

const struct bench_case bench_fence_cases[] = {
	LIFECYCLE("fence_init_signal_put", 0),
	LIFECYCLE("fence_init_signal_put_1cb", 1),
	LIFECYCLE("fence_init_signal_put_8cb", 8),
	{ .name = "fence_is_signaled", .setup = setup_signalled_fence,
	  .run = run_is_signaled, .teardown = teardown_fence },
	{ .name = "fence_wait_signalled", .setup = setup_signalled_fence,
	  .run = run_wait_signalled, .teardown = teardown_fence },
	{ .name = "fence_wake_round_trip", .run = run_wake_round_trip,
	  .max_ops = 1 << 16 },
	{ .name = "chain_build_walk_1k", .setup = setup_chain_fences,
	  .run = run_chain_build_walk, .teardown = teardown_fence_set },
	{ .name = "chain_find_seqno_middle_1k", .setup = setup_chain,
	  .run = run_chain_find_middle, .teardown = teardown_chain },
	MERGE("unwrap_merge_1", setup_merge_distinct, 1),
	MERGE("unwrap_merge_2_same", setup_merge_same, 2),
	MERGE("unwrap_merge_2_distinct", setup_merge_distinct, 2),
	MERGE("unwrap_merge_16_same", setup_merge_same, 16),
	MERGE("unwrap_merge_16_distinct", setup_merge_distinct, 16),
	MERGE("unwrap_merge_256_same", setup_merge_same, 256),
	MERGE("unwrap_merge_256_distinct", setup_merge_distinct, 256),
	RESV_FILL("resv_fill_1", 1),
	RESV_FILL("resv_fill_8", 8),
	RESV_FILL("resv_fill_64", 64),
	{ .name = "resv_add_replace", .setup = setup_replace,
	  .run = run_resv_replace, .teardown = teardown_replace },
	FILLED("resv_iterate_unlocked_64", setup_busy_resv, run_resv_iterate, 64),
	FILLED("resv_get_singleton_1", setup_busy_resv, run_resv_singleton, 1),
	FILLED("resv_get_singleton_8", setup_busy_resv, run_resv_singleton, 8),
	FILLED("resv_test_signaled_16", setup_idle_resv, run_resv_test_signaled, 16),
};

const unsigned int bench_fence_case_count = ARRAY_SIZE(bench_fence_cases);

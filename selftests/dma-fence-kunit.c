// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_fence": the documented contract of struct dma_fence
 * itself. Covered: context allocation, reference counting and release,
 * RCU lookups, seqno ordering, stub fences and the debugfs line format.
 * Signalling and callbacks are in dma_fence_signal, waits and deadlines in
 * dma_fence_wait (dma-fence-signal-kunit.c, dma-fence-wait-kunit.c).
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/dma-fence.h>
#include <linux/irq_work.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "dma-fence-kunit.h"

#define SWAP_LIMIT		20000
#define CLAIMS_PER_THREAD	512

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

/* ------------------------------------------------------------------ */
/* Contexts, references and release                                    */
/* ------------------------------------------------------------------ */

static void init_records_identity_and_pending_state(struct kunit *test)
{
	struct fence_fixture *fx = test->priv;
	struct dma_fence *fence = fence_new(test, MOCK, 42);

	KUNIT_EXPECT_PTR_EQ(test, fence->ops, dmabuf_kunit_leaf_ops(MOCK));
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
	struct dma_fence *fence = fence_raw(test, MOCK, 1);

	KUNIT_EXPECT_EQ(test, kref_read(&fence->refcount), 1U);
	KUNIT_EXPECT_PTR_EQ(test, dma_fence_get(fence), fence);
	KUNIT_EXPECT_EQ(test, kref_read(&fence->refcount), 2U);
	dma_fence_put(fence);
	KUNIT_EXPECT_EQ(test, kref_read(&fence->refcount), 1U);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->released.count), 0);
	dma_fence_put(fence);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->released.count), 1);
}

static void get_and_put_accept_null(struct kunit *test)
{
	struct fence_fixture *fx = test->priv;

	KUNIT_EXPECT_NULL(test, dma_fence_get(NULL));
	dma_fence_put(NULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->released.count), 0);
}

static void final_put_without_release_op_frees_after_grace_period(struct kunit *test)
{
	struct fence_fixture *fx = test->priv;
	struct dma_fence *fence = fence_raw(test, MOCK_BARE, 77);
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
	struct dma_fence *fence = fence_raw(test, MOCK, 1);
	struct irq_signal *is;

	dma_fence_signal(fence);
	/* The irq_work owns the only reference from here on. */
	is = irq_signal_queue(test, fence, true);
	irq_work_sync(&is->work);

	KUNIT_EXPECT_TRUE(test, is->in_hardirq);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->released.count), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->released.in_hardirq), 1);
}

static void get_rcu_takes_reference_on_live_fence(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
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
	struct dma_fence *fence = fence_raw(test, MOCK, 1);
	struct dma_fence *got;
	int released;

	/*
	 * The leaves' release frees through dma_fence_free(), so the memory
	 * stays valid until the read-side section ends, while the fence is
	 * dead.
	 */
	rcu_read_lock();
	dma_fence_put(fence);
	released = atomic_read(&fx->released.count);
	got = dma_fence_get_rcu(fence);
	rcu_read_unlock();

	KUNIT_EXPECT_EQ(test, released, 1);
	KUNIT_EXPECT_NULL(test, got);
}

static void get_rcu_safe_follows_replaced_pointer(struct kunit *test)
{
	struct dma_fence *first = fence_new(test, MOCK, 1);
	struct dma_fence *second = fence_new(test, MOCK, 2);
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
		next = mock_fence_alloc(sr->fx, MOCK, sr->swaps + 2);
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
			if (fence->ops != dmabuf_kunit_leaf_ops(MOCK) ||
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
	first = mock_fence_alloc(fx, MOCK, 1);
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
	KUNIT_EXPECT_EQ(test, atomic_read(&fx->released.count), sr->swaps + 1);
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
	unsigned int flags = oc->wide ? MOCK_64 : MOCK;
	const struct dma_fence_ops *ops = dmabuf_kunit_leaf_ops(flags);
	struct dma_fence *a = fence_new(test, flags, oc->a);
	struct dma_fence *b = fence_new(test, flags, oc->b);
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

#define DESCRIBED(tail)	\
	DMABUF_KUNIT_LEAF_DRIVER " " DMABUF_KUNIT_LEAF_TIMELINE " seq " tail "\n"

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
	struct dma_fence *fence = fence_new(test, MOCK_64, dc->seqno);
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
	struct dma_fence *first = fence_new(test, MOCK, 1);
	struct dma_fence *second = fence_new(test, MOCK, 2);
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

static struct kunit_case dma_fence_cases[] = {
	KUNIT_CASE(init_records_identity_and_pending_state),
	KUNIT_CASE(context_alloc_returns_distinct_contexts),
	KUNIT_CASE(context_alloc_reserves_requested_range),
	KUNIT_CASE_SLOW(context_alloc_concurrent_ranges_never_overlap),
	KUNIT_CASE(get_and_put_track_refcount_and_release_once),
	KUNIT_CASE(get_and_put_accept_null),
	KUNIT_CASE(final_put_without_release_op_frees_after_grace_period),
	KUNIT_CASE(final_put_from_hardirq_runs_release),
	KUNIT_CASE(get_rcu_takes_reference_on_live_fence),
	KUNIT_CASE(get_rcu_fails_on_zero_refcount_during_grace_period),
	KUNIT_CASE(get_rcu_safe_follows_replaced_pointer),
	KUNIT_CASE_SLOW(race_get_rcu_safe_vs_replacement_never_sees_freed_fence),
	KUNIT_CASE_PARAM(is_later_compares_seqnos_per_ops_width,
			 order_cases_gen_params),
	KUNIT_CASE(stub_fence_is_signalled_and_shared),
	KUNIT_CASE(private_stub_carries_requested_timestamp),
	KUNIT_CASE_PARAM(describe_prints_one_line_per_fence,
			 describe_cases_gen_params),
	KUNIT_CASE(describe_appends_to_existing_output),
	{}
};

static struct kunit_suite dma_fence_suite = {
	.name = "dma_fence",
	.init = fence_fixture_init,
	.test_cases = dma_fence_cases,
};

kunit_test_suite(dma_fence_suite);

MODULE_DESCRIPTION("KUnit tests for dma_fence objects and references");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_resv_add": which fences a struct dma_resv keeps.
 *
 * Covered: reserving and adding fences in every usage class, which entry
 * a new fence takes over and which it leaves alone (by context, seqno
 * order in both seqno widths, identity and class), slots reserved ahead,
 * pruning of signalled fences when the list grows, resetting the
 * reservation, replace_fences, and an object holding a thousand contexts.
 * Includes the regression case for CVE-2022-49935 (an older fence
 * replacing a newer one).
 */

#include <kunit/test.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "dma-resv-kunit.h"

/* ------------------------------------------------------------------ */
/* Fence pools                                                         */
/* ------------------------------------------------------------------ */

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
		pool->fence[i] = dmabuf_kunit_leaf_alloc(base + i, seqno);
		KUNIT_ASSERT_NOT_NULL(test, pool->fence[i]);
		pool->count = i + 1;
	}
	return pool;
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
	unsigned int flags = c->wide ? DMABUF_KUNIT_LEAF_SEQNO64 : 0;
	struct dma_resv *obj = resv_new(test);
	u64 ctx = dma_fence_context_alloc(1);
	struct dma_fence *first = fence_new_flags(test, flags, ctx, c->first);
	struct dma_fence *second = fence_new_flags(test, flags, ctx, c->second);
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

static struct kunit_case dma_resv_add_cases[] = {
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
	KUNIT_CASE(growing_the_list_drops_signalled_fences),
	KUNIT_CASE(reset_max_fences_keeps_fences_and_allows_new_reservations),
	KUNIT_CASE(replace_fences_swaps_every_entry_of_the_context),
	KUNIT_CASE(replace_fences_on_empty_object_changes_nothing),
	KUNIT_CASE_SLOW(thousand_contexts_keep_one_entry_each),
	{}
};

static struct kunit_suite dma_resv_add_suite = {
	.name = "dma_resv_add",
	.test_cases = dma_resv_add_cases,
};

kunit_test_suite(dma_resv_add_suite);

MODULE_DESCRIPTION("KUnit tests for adding fences to dma_resv reservation objects");
MODULE_LICENSE("GPL");

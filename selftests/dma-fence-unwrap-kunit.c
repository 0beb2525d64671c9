// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_fence_unwrap": walking fence containers with
 * dma_fence_unwrap_first() and dma_fence_unwrap_next(), and flattening them
 * with dma_fence_unwrap_merge() / __dma_fence_unwrap_merge().
 *
 * The leaves are bare fences on mock timelines, some with 32-bit and some
 * with 64-bit seqnos. A merge that runs out of memory is in
 * dma_fence_unwrap_faults; shared helpers are in dma-fence-unwrap-kunit.h.
 */

#include <kunit/test.h>
#include <linux/dma-fence.h>
#include <linux/dma-fence-array.h>
#include <linux/dma-fence-chain.h>
#include <linux/dma-fence-unwrap.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "dma-fence-unwrap-kunit.h"

/* Budget for a wait that is expected to end early. */
#define SETTLE_TIMEOUT		(10 * HZ)
/* A prime: i * SHUFFLE_STEP % n permutes 0..n-1 for every n used here. */
#define SHUFFLE_STEP		7919u
/* Most leaves a walk records before it only counts. */
#define WALK_MAX		16

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/*
 * Many leaves under one cleanup action. Leaf i is on context
 * base + i % contexts with seqno 1 + i / contexts, so with a count that is
 * a multiple of @contexts the last @contexts leaves are the latest of
 * their timelines.
 */
struct leaf_batch {
	unsigned int count;
	u64 base;
	struct dma_fence **fences;
};

static void batch_retire(void *arg)
{
	struct leaf_batch *batch = arg;
	unsigned int i;

	for (i = 0; i < batch->count; i++)
		dmabuf_kunit_fence_retire(batch->fences[i]);
	kvfree(batch->fences);
	kfree(batch);
}

static struct leaf_batch *leaf_batch(struct kunit *test, unsigned int count,
				     unsigned int contexts)
{
	struct leaf_batch *batch;
	unsigned int i;

	batch = kzalloc(sizeof(*batch), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, batch);
	/* Owned by the retire action from here on, even if the table fails. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, batch_retire,
							batch), 0);
	batch->fences = kvcalloc(count, sizeof(*batch->fences), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, batch->fences);
	batch->count = count;

	batch->base = dma_fence_context_alloc(contexts);
	for (i = 0; i < count; i++) {
		batch->fences[i] = mock_alloc(BARE32, batch->base + i % contexts,
					      1 + i / contexts);
		KUNIT_ASSERT_NOT_NULL(test, batch->fences[i]);
	}
	return batch;
}

/* Walk @head; the first WALK_MAX leaves land in @seen. Returns the total. */
static unsigned int walk(struct dma_fence *head, struct dma_fence **seen)
{
	struct dma_fence_unwrap cursor;
	struct dma_fence *fence;
	unsigned int count = 0;

	dma_fence_unwrap_for_each(fence, &cursor, head) {
		if (count < WALK_MAX)
			seen[count] = fence;
		count++;
	}
	return count;
}

static void expect_walk(struct kunit *test, struct dma_fence *head,
			struct dma_fence **want, unsigned int count)
{
	struct dma_fence *seen[WALK_MAX];
	unsigned int i;

	KUNIT_ASSERT_LE(test, count, WALK_MAX);
	KUNIT_ASSERT_EQ(test, walk(head, seen), count);
	for (i = 0; i < count; i++)
		KUNIT_EXPECT_PTR_EQ_MSG(test, seen[i], want[i], "leaf %u", i);
}

/* ------------------------------------------------------------------ */
/* Walking containers                                                  */
/* ------------------------------------------------------------------ */

static void unwrap_plain_fence_yields_only_itself(struct kunit *test)
{
	struct dma_fence *fence = solo(test);
	unsigned int before = refs(fence);
	struct dma_fence_unwrap cursor;

	KUNIT_EXPECT_PTR_EQ(test, dma_fence_unwrap_first(fence, &cursor), fence);
	/* The cursor pins the head while the walk is on. */
	KUNIT_EXPECT_EQ(test, refs(fence), before + 1);
	KUNIT_EXPECT_NULL(test, dma_fence_unwrap_next(&cursor));
	KUNIT_EXPECT_NULL(test, cursor.chain);
	KUNIT_EXPECT_EQ(test, refs(fence), before);
}

static void unwrap_null_head_yields_nothing(struct kunit *test)
{
	struct dma_fence_unwrap cursor;

	KUNIT_EXPECT_NULL(test, dma_fence_unwrap_first(NULL, &cursor));
	KUNIT_EXPECT_NULL(test, cursor.chain);
}

static void unwrap_next_after_the_end_keeps_returning_null(struct kunit *test)
{
	struct dma_fence *fence = solo(test);
	unsigned int before = refs(fence);
	struct dma_fence_unwrap cursor;

	dma_fence_unwrap_first(fence, &cursor);
	KUNIT_EXPECT_NULL(test, dma_fence_unwrap_next(&cursor));
	KUNIT_EXPECT_NULL(test, dma_fence_unwrap_next(&cursor));
	KUNIT_EXPECT_NULL(test, dma_fence_unwrap_next(&cursor));
	KUNIT_EXPECT_EQ(test, refs(fence), before);
}

static void unwrap_array_yields_members_in_order(struct kunit *test)
{
	struct dma_fence *leaves[] = {
		solo(test), solo(test), solo(test), solo(test),
	};
	struct dma_fence *array = array_of(test, ARRAY_SIZE(leaves), leaves);

	expect_walk(test, array, leaves, ARRAY_SIZE(leaves));
}

static void unwrap_array_yields_completed_members_too(struct kunit *test)
{
	struct dma_fence *leaves[] = { solo_done(test), solo(test) };
	struct dma_fence *array = array_of(test, ARRAY_SIZE(leaves), leaves);

	expect_walk(test, array, leaves, ARRAY_SIZE(leaves));
}

static void unwrap_chain_yields_link_fences_newest_first(struct kunit *test)
{
	struct dma_fence *a = solo(test), *b = solo(test), *c = solo(test);
	struct dma_fence *chain;
	struct dma_fence *want[] = { c, b, a };

	chain = link_onto(test, NULL, a, 1);
	chain = link_onto(test, chain, b, 2);
	chain = link_onto(test, chain, c, 3);

	expect_walk(test, chain, want, ARRAY_SIZE(want));
}

static void unwrap_chain_of_arrays_yields_every_leaf(struct kunit *test)
{
	struct dma_fence *old[] = { solo(test), solo(test) };
	struct dma_fence *mid = solo(test);
	struct dma_fence *new[] = { solo(test), solo(test), solo(test) };
	struct dma_fence *want[] = { new[0], new[1], new[2], mid, old[0], old[1] };
	struct dma_fence *chain;

	chain = link_onto(test, NULL, array_of(test, 2, old), 1);
	chain = link_onto(test, chain, mid, 2);
	chain = link_onto(test, chain, array_of(test, 3, new), 3);

	expect_walk(test, chain, want, ARRAY_SIZE(want));
}

/*
 * What a merge returns is flat, whatever it was given: merging two
 * arrays, and wrapping the result into a chain link, must still walk as
 * plain leaves.
 */
static void unwrap_chain_of_merged_arrays_yields_flat_leaves(struct kunit *test)
{
	struct dma_fence *x[] = { solo(test), solo(test) };
	struct dma_fence *y[] = { solo(test), solo(test) };
	struct dma_fence *z = solo(test);
	struct dma_fence *want[] = { x[0], x[1], y[0], y[1], z };
	struct dma_fence *seen[WALK_MAX];
	struct dma_fence *merged, *chain;
	unsigned int count, i, nested = 0;

	merged = owned(test, dma_fence_unwrap_merge(array_of(test, 2, x),
						    array_of(test, 2, y)));
	KUNIT_EXPECT_TRUE(test, dma_fence_is_array(merged));

	chain = link_onto(test, NULL, z, 1);
	chain = link_onto(test, chain, merged, 2);

	count = walk(chain, seen);
	KUNIT_ASSERT_EQ(test, count, ARRAY_SIZE(want));
	for (i = 0; i < count; i++)
		nested += dma_fence_is_container(seen[i]);
	KUNIT_EXPECT_EQ(test, nested, 0);
	/* The newer link comes first; inside it the order is unspecified. */
	KUNIT_EXPECT_PTR_EQ(test, seen[4], z);
	expect_same_set(test, seen, want, count);
}

static void unwrap_full_walk_leaves_refcounts_unchanged(struct kunit *test)
{
	struct dma_fence *leaves[] = {
		solo(test), solo(test), solo(test), solo(test),
	};
	struct dma_fence *nodes[3];
	unsigned int before[ARRAY_SIZE(nodes) + ARRAY_SIZE(leaves)];
	struct dma_fence *seen[WALK_MAX];
	unsigned int i;

	nodes[0] = link_onto(test, NULL, leaves[0], 1);
	nodes[1] = link_onto(test, nodes[0], array_of(test, 2, &leaves[1]), 2);
	nodes[2] = link_onto(test, nodes[1], leaves[3], 3);

	for (i = 0; i < ARRAY_SIZE(nodes); i++)
		before[i] = refs(nodes[i]);
	for (i = 0; i < ARRAY_SIZE(leaves); i++)
		before[ARRAY_SIZE(nodes) + i] = refs(leaves[i]);

	KUNIT_EXPECT_EQ(test, walk(nodes[2], seen), ARRAY_SIZE(leaves));

	for (i = 0; i < ARRAY_SIZE(nodes); i++)
		KUNIT_EXPECT_EQ_MSG(test, refs(nodes[i]), before[i],
				    "link %u", i);
	for (i = 0; i < ARRAY_SIZE(leaves); i++)
		KUNIT_EXPECT_EQ_MSG(test, refs(leaves[i]),
				    before[ARRAY_SIZE(nodes) + i], "leaf %u", i);
}

/*
 * Callers that leave the loop early drop the one reference the cursor
 * holds with dma_fence_put(cursor.chain); that has to be all it takes.
 */
static void unwrap_early_exit_leaves_one_reference_in_cursor(struct kunit *test)
{
	struct dma_fence *a = solo(test), *b = solo(test);
	struct dma_fence *pair[] = { solo(test), solo(test) };
	struct dma_fence *l1, *l2, *l3, *fence;
	unsigned int r1, r2, r3, steps;
	struct dma_fence_unwrap cursor;

	l1 = link_onto(test, NULL, a, 1);
	l2 = link_onto(test, l1, b, 2);
	l3 = link_onto(test, l2, array_of(test, 2, pair), 3);
	r1 = refs(l1);
	r2 = refs(l2);
	r3 = refs(l3);

	/* Stop inside the newest link's array. */
	steps = 0;
	dma_fence_unwrap_for_each(fence, &cursor, l3)
		if (++steps == 2)
			break;
	KUNIT_EXPECT_PTR_EQ(test, fence, pair[1]);
	KUNIT_EXPECT_PTR_EQ(test, cursor.chain, l3);
	KUNIT_EXPECT_EQ(test, refs(l3), r3 + 1);
	dma_fence_put(cursor.chain);
	KUNIT_EXPECT_EQ(test, refs(l3), r3);

	/* Stop one link further down. */
	steps = 0;
	dma_fence_unwrap_for_each(fence, &cursor, l3)
		if (++steps == 3)
			break;
	KUNIT_EXPECT_PTR_EQ(test, fence, b);
	KUNIT_EXPECT_PTR_EQ(test, cursor.chain, l2);
	KUNIT_EXPECT_EQ(test, refs(l2), r2 + 1);
	dma_fence_put(cursor.chain);

	KUNIT_EXPECT_EQ(test, refs(l1), r1);
	KUNIT_EXPECT_EQ(test, refs(l2), r2);
	KUNIT_EXPECT_EQ(test, refs(l3), r3);
}

/* ------------------------------------------------------------------ */
/* Merging: what comes out                                             */
/* ------------------------------------------------------------------ */

/* Fills up to three inputs around the pending fence @p; returns how many. */
typedef unsigned int (*single_builder)(struct kunit *test,
				       struct dma_fence *p,
				       struct dma_fence **in);

static unsigned int single_plain(struct kunit *test, struct dma_fence *p,
				 struct dma_fence **in)
{
	in[0] = p;
	return 1;
}

static unsigned int single_twice(struct kunit *test, struct dma_fence *p,
				 struct dma_fence **in)
{
	in[0] = p;
	in[1] = p;
	return 2;
}

static unsigned int single_with_nulls(struct kunit *test, struct dma_fence *p,
				      struct dma_fence **in)
{
	in[0] = NULL;
	in[1] = p;
	in[2] = NULL;
	return 3;
}

static unsigned int single_in_array(struct kunit *test, struct dma_fence *p,
				    struct dma_fence **in)
{
	struct dma_fence *members[] = { solo_done(test), p, solo_done(test) };

	in[0] = array_of(test, ARRAY_SIZE(members), members);
	return 1;
}

static unsigned int single_in_chain(struct kunit *test, struct dma_fence *p,
				    struct dma_fence **in)
{
	struct dma_fence *chain = link_onto(test, NULL, solo_done(test), 1);

	chain = link_onto(test, chain, p, 2);
	in[0] = link_onto(test, chain, solo_done(test), 3);
	return 1;
}

static unsigned int single_beside_earlier(struct kunit *test,
					  struct dma_fence *p,
					  struct dma_fence **in)
{
	/* The same kind of leaf as @p, told apart by its ops. */
	unsigned int flags = p->ops == dmabuf_kunit_leaf_ops(BARE64) ?
			     BARE64 : BARE32;
	struct dma_fence *earlier = leaf(test, flags, p->context,
					 p->seqno - 1);
	struct dma_fence *member[] = { earlier };

	in[0] = array_of(test, 1, member);
	in[1] = p;
	in[2] = earlier;
	return 3;
}

struct single_case {
	const char *desc;
	single_builder build;
};

static const struct single_case single_cases[] = {
	{ "a plain fence", single_plain },
	{ "the same fence twice", single_twice },
	{ "NULL entries around the fence", single_with_nulls },
	{ "an array whose other members completed", single_in_array },
	{ "a chain whose other links completed", single_in_chain },
	{ "beside earlier fences of its context", single_beside_earlier },
};

KUNIT_ARRAY_PARAM_DESC(single_cases, single_cases, desc);

static void merge_of_one_pending_fence_returns_that_fence(struct kunit *test)
{
	const struct single_case *param = test->param_value;
	struct dma_fence *p = leaf(test, BARE32, dma_fence_context_alloc(1), 10);
	struct dma_fence_unwrap cursors[3];
	struct dma_fence *in[3], *merged;
	unsigned int count, before;

	count = param->build(test, p, in);
	before = refs(p);

	merged = __dma_fence_unwrap_merge(count, in, cursors);
	KUNIT_ASSERT_NOT_NULL(test, merged);
	KUNIT_EXPECT_PTR_EQ(test, merged, p);
	KUNIT_EXPECT_EQ(test, refs(p), before + 1);

	dma_fence_put(merged);
	KUNIT_EXPECT_EQ(test, refs(p), before);
}

static void merge_of_completed_fences_returns_private_stub(struct kunit *test)
{
	struct dma_fence *a = solo(test), *b = solo(test), *c = solo(test);
	struct dma_fence *array, *merged, *stub;
	unsigned int ra, rb;

	dma_fence_signal_timestamp(a, ns_to_ktime(100));
	dma_fence_signal_timestamp(b, ns_to_ktime(300));
	dma_fence_signal_timestamp(c, ns_to_ktime(200));
	array = array_of(test, 1, &c);
	ra = refs(a);
	rb = refs(b);

	merged = dma_fence_unwrap_merge(a, array, b);
	KUNIT_ASSERT_NOT_NULL(test, merged);
	stub = dma_fence_get_stub();

	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(merged));
	/* A fence of its own, carrying the newest completion time. */
	KUNIT_EXPECT_PTR_NE(test, merged, stub);
	KUNIT_EXPECT_PTR_NE(test, merged, a);
	KUNIT_EXPECT_PTR_NE(test, merged, b);
	KUNIT_EXPECT_PTR_NE(test, merged, c);
	KUNIT_EXPECT_EQ(test, refs(merged), 1);
	KUNIT_EXPECT_EQ(test, ktime_to_ns(dma_fence_timestamp(merged)), 300);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(merged), 1);

	dma_fence_put(stub);
	dma_fence_put(merged);
	KUNIT_EXPECT_EQ(test, refs(a), ra);
	KUNIT_EXPECT_EQ(test, refs(b), rb);
}

static void merge_of_no_fences_returns_signalled_stub(struct kunit *test)
{
	struct dma_fence *merged = __dma_fence_unwrap_merge(0, NULL, NULL);

	KUNIT_ASSERT_NOT_NULL(test, merged);
	owned(test, merged);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(merged));
	KUNIT_EXPECT_EQ(test, ktime_to_ns(dma_fence_timestamp(merged)), 0);
}

static void merge_drops_completed_fences(struct kunit *test)
{
	struct dma_fence *a = solo_done(test), *b = solo(test);
	struct dma_fence *members[] = { solo_done(test), solo(test) };
	struct dma_fence *want[] = { b, members[1] };
	struct dma_fence *merged;

	merged = owned(test, dma_fence_unwrap_merge(a, b,
						    array_of(test, 2, members)));
	expect_members(test, merged, want, ARRAY_SIZE(want));
}

struct later_case {
	const char *desc;
	bool use_64bit;
	u64 first;
	u64 second;
	bool second_wins;
};

static const struct later_case later_cases[] = {
	{ "32-bit, plain order", false, 1, 2, true },
	{ "32-bit, 0x10 follows 0xfffffff0 across the wrap",
	  false, 0xfffffff0, 0x10, true },
	{ "32-bit, 2^31-1 ahead is later", false, 5, 5 + 0x7fffffffull, true },
	{ "32-bit, 2^31+1 ahead counts as behind",
	  false, 5, 5 + 0x80000001ull, false },
	{ "32-bit, only the low word counts", false, 2, 0x100000001ull, false },
	{ "64-bit, the whole word counts", true, 2, 0x100000001ull, true },
	{ "64-bit, no wrap at 2^32", true, 0xfffffff0, 0x10, false },
	{ "64-bit, above 2^63", true, 1ull << 63, (1ull << 63) + 1, true },
};

KUNIT_ARRAY_PARAM_DESC(later_cases, later_cases, desc);

static void merge_keeps_later_fence_of_context_in_any_order(struct kunit *test)
{
	const struct later_case *param = test->param_value;
	unsigned int flags = param->use_64bit ? BARE64 : BARE32;
	u64 context = dma_fence_context_alloc(1);
	struct dma_fence *a = leaf(test, flags, context, param->first);
	struct dma_fence *b = leaf(test, flags, context, param->second);
	struct dma_fence *winner = param->second_wins ? b : a;
	struct dma_fence *other = solo(test);
	struct dma_fence *want[2];

	KUNIT_EXPECT_PTR_EQ(test, owned(test, dma_fence_unwrap_merge(a, b)),
			    winner);
	KUNIT_EXPECT_PTR_EQ(test, owned(test, dma_fence_unwrap_merge(b, a)),
			    winner);

	/* With a second context in between, through the array path. */
	want[0] = winner;
	want[1] = other;
	expect_members(test, owned(test, dma_fence_unwrap_merge(a, other, b)),
		       want, 2);
	want[0] = winner;
	want[1] = other;
	expect_members(test, owned(test, dma_fence_unwrap_merge(b, other, a)),
		       want, 2);
}

static void merge_of_equal_seqnos_keeps_one_of_them(struct kunit *test)
{
	u64 context = dma_fence_context_alloc(1);
	struct dma_fence *a = leaf(test, BARE32, context, 7);
	struct dma_fence *b = leaf(test, BARE32, context, 7);
	struct dma_fence *merged;

	merged = owned(test, dma_fence_unwrap_merge(a, b));
	KUNIT_EXPECT_TRUE(test, merged == a || merged == b);
}

static void merge_flattens_chains_and_arrays_per_context(struct kunit *test)
{
	u64 ctx = dma_fence_context_alloc(3);
	struct dma_fence *a1 = leaf(test, BARE32, ctx, 1);
	struct dma_fence *a2 = leaf(test, BARE32, ctx, 2);
	struct dma_fence *b1 = leaf(test, BARE64, ctx + 1, 1);
	struct dma_fence *b3 = leaf(test, BARE64, ctx + 1, 3);
	struct dma_fence *c0 = leaf(test, BARE32, ctx + 2, 0);
	struct dma_fence *c1 = leaf(test, BARE32, ctx + 2, 1);
	struct dma_fence *newest[] = { a2, b1 };
	struct dma_fence *loose[] = { b3, c0 };
	struct dma_fence *want[] = { a2, b3, c1 };
	struct dma_fence *chain;

	chain = link_onto(test, NULL, a1, 1);
	chain = link_onto(test, chain, c1, 2);
	chain = link_onto(test, chain, array_of(test, 2, newest), 3);

	expect_members(test,
		       owned(test, dma_fence_unwrap_merge(chain,
							  array_of(test, 2, loose))),
		       want, ARRAY_SIZE(want));
}

struct size_case {
	const char *desc;
	unsigned int fences;
	unsigned int contexts;
	bool in_one_array;	/* wrap all inputs in one array first */
};

static const struct size_case size_cases[] = {
	{ "2 fences, 1 context", 2, 1, false },
	{ "2 fences, 2 contexts", 2, 2, false },
	{ "16 fences, 1 context", 16, 1, false },
	{ "16 fences, 4 contexts", 16, 4, false },
	{ "16 fences, 16 contexts", 16, 16, false },
	{ "256 fences, 1 context", 256, 1, false },
	{ "256 fences, 16 contexts", 256, 16, false },
	{ "256 fences, 256 contexts", 256, 256, false },
	{ "256 fences in one array, 16 contexts", 256, 16, true },
	{ "10000 fences in one array, 1000 contexts", 10000, 1000, true },
	{ "10000 fences in one array, 10000 contexts", 10000, 10000, true },
};

KUNIT_ARRAY_PARAM_DESC(size_cases, size_cases, desc);

/*
 * Merges @fences shuffled leaves. Also checks the references: the result
 * owns one to each fence it keeps, and dropping it restores every count.
 */
static void merge_keeps_latest_fence_of_each_context(struct kunit *test)
{
	const struct size_case *param = test->param_value;
	unsigned int n = param->fences, contexts = param->contexts;
	struct leaf_batch *batch = leaf_batch(test, n, contexts);
	struct dma_fence **inputs, **want, *merged;
	struct dma_fence_unwrap *cursors;
	unsigned int i, held, unbalanced = 0;

	inputs = kunit_kmalloc_array(test, n, sizeof(*inputs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, inputs);
	for (i = 0; i < n; i++)
		inputs[i] = batch->fences[i * SHUFFLE_STEP % n];

	want = kunit_kmalloc_array(test, contexts, sizeof(*want), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, want);
	memcpy(want, &batch->fences[n - contexts], contexts * sizeof(*want));

	if (param->in_one_array) {
		merged = dma_fence_unwrap_merge(array_of(test, n, inputs));
		held = 2;
	} else {
		cursors = kunit_kcalloc(test, n, sizeof(*cursors), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, cursors);
		merged = __dma_fence_unwrap_merge(n, inputs, cursors);
		held = 1;
	}
	KUNIT_ASSERT_NOT_NULL(test, merged);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(merged));

	if (contexts == 1)
		KUNIT_EXPECT_PTR_EQ(test, merged, want[0]);
	else
		expect_members(test, merged, want, contexts);

	dma_fence_put(merged);
	for (i = 0; i < n; i++)
		unbalanced += refs(batch->fences[i]) != held;
	KUNIT_EXPECT_EQ(test, unbalanced, 0);
}

/* ------------------------------------------------------------------ */
/* Merging: how the result behaves                                     */
/* ------------------------------------------------------------------ */

static void merge_result_is_a_new_all_of_fence(struct kunit *test)
{
	struct dma_fence *a = solo(test), *b = solo(test);
	struct dma_fence *m1, *m2;

	m1 = owned(test, dma_fence_unwrap_merge(a, b));
	m2 = owned(test, dma_fence_unwrap_merge(a, b));

	KUNIT_EXPECT_TRUE(test, dma_fence_is_array(m1));
	KUNIT_EXPECT_PTR_NE(test, m1, m2);
	KUNIT_EXPECT_NE(test, m1->context, m2->context);
	KUNIT_EXPECT_NE(test, m1->context, a->context);
	KUNIT_EXPECT_NE(test, m1->context, b->context);

	/* Not signal-on-any: one member is not enough. */
	dma_fence_signal(a);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(m1));
	dma_fence_signal(b);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(m1));
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(m2));
}

static void merge_result_signals_after_all_with_first_error(struct kunit *test)
{
	struct dma_fence *a = solo(test), *b = solo(test), *c = solo(test);
	struct dma_fence *merged;

	merged = owned(test, dma_fence_unwrap_merge(a, b, c));
	dma_fence_enable_sw_signaling(merged);

	dma_fence_signal(a);
	dma_fence_set_error(b, -EIO);
	dma_fence_signal(b);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(merged));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(merged), 0);

	dma_fence_set_error(c, -ENODEV);
	dma_fence_signal(c);
	KUNIT_EXPECT_GT(test, dma_fence_wait_timeout(merged, false,
						     SETTLE_TIMEOUT), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(merged), -EIO);
}

static void merge_result_ignores_dropped_earlier_fence(struct kunit *test)
{
	u64 context = dma_fence_context_alloc(1);
	struct dma_fence *early = leaf(test, BARE32, context, 1);
	struct dma_fence *late = leaf(test, BARE32, context, 2);
	struct dma_fence *other = solo(test);
	struct dma_fence *merged;

	merged = owned(test, dma_fence_unwrap_merge(early, other, late));
	dma_fence_enable_sw_signaling(merged);

	dma_fence_signal(other);
	dma_fence_signal(late);
	KUNIT_EXPECT_GT(test, dma_fence_wait_timeout(merged, false,
						     SETTLE_TIMEOUT), 0);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(early));
}

static struct kunit_case dma_fence_unwrap_cases[] = {
	KUNIT_CASE(unwrap_plain_fence_yields_only_itself),
	KUNIT_CASE(unwrap_null_head_yields_nothing),
	KUNIT_CASE(unwrap_next_after_the_end_keeps_returning_null),
	KUNIT_CASE(unwrap_array_yields_members_in_order),
	KUNIT_CASE(unwrap_array_yields_completed_members_too),
	KUNIT_CASE(unwrap_chain_yields_link_fences_newest_first),
	KUNIT_CASE(unwrap_chain_of_arrays_yields_every_leaf),
	KUNIT_CASE(unwrap_chain_of_merged_arrays_yields_flat_leaves),
	KUNIT_CASE(unwrap_full_walk_leaves_refcounts_unchanged),
	KUNIT_CASE(unwrap_early_exit_leaves_one_reference_in_cursor),
	KUNIT_CASE_PARAM(merge_of_one_pending_fence_returns_that_fence,
			 single_cases_gen_params),
	KUNIT_CASE(merge_of_completed_fences_returns_private_stub),
	KUNIT_CASE(merge_of_no_fences_returns_signalled_stub),
	KUNIT_CASE(merge_drops_completed_fences),
	KUNIT_CASE_PARAM(merge_keeps_later_fence_of_context_in_any_order,
			 later_cases_gen_params),
	KUNIT_CASE(merge_of_equal_seqnos_keeps_one_of_them),
	KUNIT_CASE(merge_flattens_chains_and_arrays_per_context),
	KUNIT_CASE_PARAM(merge_keeps_latest_fence_of_each_context,
			 size_cases_gen_params),
	KUNIT_CASE(merge_result_is_a_new_all_of_fence),
	KUNIT_CASE(merge_result_signals_after_all_with_first_error),
	KUNIT_CASE(merge_result_ignores_dropped_earlier_fence),
	{}
};

static struct kunit_suite dma_fence_unwrap_suite = {
	.name = "dma_fence_unwrap",
	.test_cases = dma_fence_unwrap_cases,
};

kunit_test_suite(dma_fence_unwrap_suite);

MODULE_DESCRIPTION("KUnit tests for dma_fence_unwrap iteration and merging");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_fence_chain": timelines built from chain links.
 *
 * Covered: link set-up and the seqno/context rules, allocation helpers,
 * casts, walking with pruning of signalled links, seqno lookup (in the
 * middle, past the end, in gaps, for completed points), completion of a
 * link only after its own and all older fences, polling, waiting,
 * deadlines, chains of arrays, a chain of 100k links (built, walked,
 * signalled, pruned and freed without deep recursion) and races between
 * walkers, adders and signallers.
 *
 * UML never preempts kernel threads and runs irq_work from the timer
 * tick, so every loop that waits for another thread sleeps or reschedules,
 * and no case asserts how long anything took.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dma-fence.h>
#include <linux/dma-fence-array.h>
#include <linux/dma-fence-chain.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "dmabuf-kunit.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* Budget of waits that are expected to end. */
#define WAIT_BUDGET		(10 * HZ)
/* How long a case waits for one of its threads before calling it stuck. */
#define THREAD_GRACE		(3 * WAIT_BUDGET)
/* Wall time a race case lets its threads run before wrapping up. */
#define RACE_BUDGET		HZ
#define HUGE_CHAIN		100000
#define SHORT_CHAIN		8
#define WALK_CHAIN		4096
#define WALKERS			4
#define TIMELINE_ADDERS		2
#define TIMELINE_POINTS		512
#define TIMELINE_READERS	2

/* A leaf (see dmabuf-kunit.h) on a timeline of its own. */
static struct dma_fence *leaf_alloc(u64 seqno)
{
	return dmabuf_kunit_leaf_alloc(dma_fence_context_alloc(1), seqno);
}

/* A leaf the case holds until it ends (then it is signalled and put). */
static struct dma_fence *leaf_new(struct kunit *test, u64 seqno)
{
	return dmabuf_kunit_fence_adopt(test, leaf_alloc(seqno));
}

/* A new link over @fence after @prev (both references are consumed). */
static struct dma_fence *link_make(struct dma_fence *prev,
				   struct dma_fence *fence, u64 seqno)
{
	struct dma_fence_chain *link = dma_fence_chain_alloc();

	if (!link) {
		dma_fence_put(prev);
		dma_fence_put(fence);
		return NULL;
	}
	dma_fence_chain_init(link, prev, fence, seqno);
	return &link->base;
}

/* Like link_make(), the case dropping its reference when it ends. */
static struct dma_fence *link_new(struct kunit *test, struct dma_fence *prev,
				  struct dma_fence *fence, u64 seqno)
{
	struct dma_fence *link = link_make(prev, fence, seqno);

	KUNIT_ASSERT_NOT_NULL(test, link);
	dmabuf_kunit_fence_own(test, link);
	return link;
}

/*
 * A chain of @length links over fresh leaves, link i wrapping fence[i]
 * with seqno seqno_step * (i + 1). The case keeps a reference to every
 * leaf, to the head and, with @keep_links, to every link.
 */
struct chain {
	unsigned int length;
	struct dma_fence **fence;
	struct dma_fence **link;	/* NULL unless links are kept */
	struct dma_fence *head;
};

static void chain_release(void *data)
{
	struct chain *chain = data;
	unsigned int i;

	/* Links before leaves: the leaves' final puts then free them. */
	dma_fence_put(chain->head);
	for (i = 0; chain->link && i < chain->length; i++)
		dma_fence_put(chain->link[i]);
	for (i = 0; i < chain->length; i++) {
		if (chain->fence[i]) {
			dma_fence_signal(chain->fence[i]);
			dma_fence_put(chain->fence[i]);
		}
		if (!(i % 1024))
			cond_resched();
	}
	kvfree(chain->link);
	kvfree(chain->fence);
	kfree(chain);
}

static struct chain *chain_build(struct kunit *test, unsigned int length,
				 u64 seqno_step, bool keep_links)
{
	struct chain *chain = kzalloc(sizeof(*chain), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, chain);
	chain->fence = kvcalloc(length, sizeof(*chain->fence), GFP_KERNEL);
	if (chain->fence && keep_links)
		chain->link = kvcalloc(length, sizeof(*chain->link), GFP_KERNEL);
	chain->length = length;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, chain_release,
							chain), 0);
	KUNIT_ASSERT_NOT_NULL(test, chain->fence);
	KUNIT_ASSERT_TRUE(test, !keep_links || chain->link);

	for (i = 0; i < length; i++) {
		chain->fence[i] = leaf_alloc(i + 1);
		KUNIT_ASSERT_NOT_NULL(test, chain->fence[i]);
		/* The reference to the old head moves into the new link. */
		chain->head = link_make(chain->head,
					dma_fence_get(chain->fence[i]),
					seqno_step * (i + 1));
		KUNIT_ASSERT_NOT_NULL(test, chain->head);
		if (keep_links)
			chain->link[i] = dma_fence_get(chain->head);
		if (!(i % 1024))
			cond_resched();
	}
	return chain;
}

static struct dma_fence_chain *link_of(struct dma_fence *fence)
{
	return to_dma_fence_chain(fence);
}

static struct dma_fence *prev_of(struct dma_fence *fence)
{
	return rcu_access_pointer(link_of(fence)->prev);
}

/* Links visited by a walk from @head; seqnos must go strictly down. */
static unsigned int walk_count(struct dma_fence *head, bool *ordered)
{
	struct dma_fence *pos;
	unsigned int visits = 0;
	u64 last = U64_MAX;

	*ordered = true;
	dma_fence_chain_for_each(pos, head) {
		if (pos->seqno >= last && to_dma_fence_chain(pos))
			*ordered = false;
		last = pos->seqno;
		if (!(++visits % 4096))
			cond_resched();
	}
	return visits;
}

/* ------------------------------------------------------------------ */
/* Set-up, seqnos, casts                                               */
/* ------------------------------------------------------------------ */

static void init_links_onto_previous_link(struct kunit *test)
{
	struct dma_fence *a = leaf_new(test, 1), *b = leaf_new(test, 2);
	struct dma_fence *first = link_new(test, NULL, dma_fence_get(a), 1);
	struct dma_fence *second = link_new(test, dma_fence_get(first),
					    dma_fence_get(b), 2);

	KUNIT_EXPECT_TRUE(test, dma_fence_is_chain(second));
	KUNIT_EXPECT_TRUE(test, dma_fence_is_container(second));
	KUNIT_EXPECT_PTR_EQ(test, &link_of(second)->base, second);
	KUNIT_EXPECT_PTR_EQ(test, link_of(second)->fence, b);
	KUNIT_EXPECT_PTR_EQ(test, prev_of(second), first);
	KUNIT_EXPECT_NULL(test, prev_of(first));

	KUNIT_EXPECT_EQ(test, second->context, first->context);
	KUNIT_EXPECT_NE(test, first->context, a->context);
	KUNIT_EXPECT_EQ(test, second->seqno, 2);
	KUNIT_EXPECT_EQ(test, link_of(second)->prev_seqno, 1);
	KUNIT_EXPECT_EQ(test, link_of(first)->prev_seqno, 0);

	KUNIT_EXPECT_TRUE(test, second->ops->use_64bit_seqno);
	KUNIT_EXPECT_STREQ(test, second->ops->get_driver_name(second),
			   "dma_fence_chain");
	KUNIT_EXPECT_STREQ(test, second->ops->get_timeline_name(second),
			   "unbound");
	KUNIT_EXPECT_EQ(test, kref_read(&first->refcount), 2);
	KUNIT_EXPECT_EQ(test, kref_read(&b->refcount), 2);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(second));
}

static void casts_tell_links_from_plain_fences(struct kunit *test)
{
	struct dma_fence *plain = leaf_new(test, 1);
	struct dma_fence *link = link_new(test, NULL, dma_fence_get(plain), 1);

	KUNIT_EXPECT_NULL(test, to_dma_fence_chain(plain));
	KUNIT_EXPECT_NULL(test, to_dma_fence_chain(NULL));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_chain(plain));
	KUNIT_EXPECT_PTR_EQ(test, to_dma_fence_chain(link), link_of(link));
	KUNIT_EXPECT_PTR_EQ(test, dma_fence_chain_contained(link), plain);
	KUNIT_EXPECT_PTR_EQ(test, dma_fence_chain_contained(plain), plain);
}

static void alloc_and_free_without_init(struct kunit *test)
{
	struct dma_fence_chain *link = dma_fence_chain_alloc();

	KUNIT_ASSERT_NOT_NULL(test, link);
	dma_fence_chain_free(link);
	dma_fence_chain_free(NULL);
}

enum prev_kind { PREV_NONE, PREV_PLAIN, PREV_LINK };

struct seqno_row {
	const char *name;
	enum prev_kind prev;
	u64 prev_seqno;
	u64 seqno;
	bool continues;		/* keeps the previous link's context */
	u64 expect_seqno;
};

static const struct seqno_row seqno_rows[] = {
	{ "later seqno continues the timeline", PREV_LINK, 5, 7, true, 7 },
	{ "equal seqno falls back to a new context", PREV_LINK, 5, 5,
	  false, 5 },
	{ "lower seqno falls back and keeps prev's seqno", PREV_LINK, 9, 3,
	  false, 9 },
	{ "seqnos compare in 64 bits", PREV_LINK, 0xffffffffull,
	  0x100000000ull, true, 0x100000000ull },
	{ "64-bit lower seqno falls back", PREV_LINK, 1ull << 40, 1, false,
	  1ull << 40 },
	{ "plain prev always starts a new context", PREV_PLAIN, 9, 3,
	  false, 3 },
	{ "no prev starts a new chain", PREV_NONE, 0, 4, false, 4 },
};

KUNIT_ARRAY_PARAM_DESC(seqno, seqno_rows, name);

static void init_applies_seqno_and_context_rules(struct kunit *test)
{
	const struct seqno_row *row = test->param_value;
	struct dma_fence *prev = NULL, *link;

	if (row->prev == PREV_PLAIN)
		prev = leaf_new(test, row->prev_seqno);
	else if (row->prev == PREV_LINK)
		prev = link_new(test, NULL, dma_fence_get(leaf_new(test, 1)),
				row->prev_seqno);
	link = link_new(test, dma_fence_get(prev),
			dma_fence_get(leaf_new(test, 2)), row->seqno);

	KUNIT_EXPECT_EQ(test, link->seqno, row->expect_seqno);
	if (row->continues) {
		KUNIT_EXPECT_EQ(test, link->context, prev->context);
		KUNIT_EXPECT_EQ(test, link_of(link)->prev_seqno, row->prev_seqno);
	} else {
		KUNIT_EXPECT_TRUE(test, !prev || link->context != prev->context);
		KUNIT_EXPECT_EQ(test, link_of(link)->prev_seqno, 0);
	}
	KUNIT_EXPECT_PTR_EQ(test, prev_of(link), prev);
}

/* ------------------------------------------------------------------ */
/* Walking and pruning                                                 */
/* ------------------------------------------------------------------ */

static void walk_on_plain_fence_ends_and_drops_reference(struct kunit *test)
{
	struct dma_fence *plain = leaf_new(test, 1);

	KUNIT_EXPECT_NULL(test, dma_fence_chain_walk(dma_fence_get(plain)));
	KUNIT_EXPECT_EQ(test, kref_read(&plain->refcount), 1);
}

static void iteration_visits_links_newest_first(struct kunit *test)
{
	struct chain *chain = chain_build(test, SHORT_CHAIN, 1, true);
	struct dma_fence *tail = leaf_new(test, 1);
	struct dma_fence *pos, *head;
	unsigned int i = SHORT_CHAIN;

	dma_fence_chain_for_each(pos, chain->head) {
		KUNIT_ASSERT_GT(test, i, 0);
		KUNIT_EXPECT_PTR_EQ(test, pos, chain->link[--i]);
	}
	KUNIT_EXPECT_EQ(test, i, 0);
	for (i = 0; i < SHORT_CHAIN - 1; i++)
		KUNIT_EXPECT_EQ(test, kref_read(&chain->link[i]->refcount), 2);

	/* The cursor may be the very variable the walk starts from. */
	pos = chain->head;
	i = 0;
	dma_fence_chain_for_each(pos, pos)
		i++;
	KUNIT_EXPECT_EQ(test, i, SHORT_CHAIN);
	KUNIT_EXPECT_NULL(test, pos);

	/* A plain fence at the end is visited last. */
	head = link_new(test, dma_fence_get(tail),
			dma_fence_get(leaf_new(test, 2)), 1);
	i = 0;
	dma_fence_chain_for_each(pos, head)
		KUNIT_EXPECT_PTR_EQ(test, pos, i++ ? tail : head);
	KUNIT_EXPECT_EQ(test, i, 2);
}

static void walk_unlinks_signalled_links_and_keeps_prev_seqno(struct kunit *test)
{
	struct chain *chain = chain_build(test, 5, 1, true);
	struct dma_fence *next;

	dma_fence_signal(chain->fence[1]);
	dma_fence_signal(chain->fence[2]);
	dma_fence_signal(chain->fence[3]);

	next = dma_fence_chain_walk(dma_fence_get(chain->link[4]));
	KUNIT_EXPECT_PTR_EQ(test, next, chain->link[0]);
	dma_fence_put(next);

	KUNIT_EXPECT_PTR_EQ(test, prev_of(chain->link[4]), chain->link[0]);
	KUNIT_EXPECT_EQ(test, link_of(chain->link[4])->prev_seqno, 4);
	KUNIT_EXPECT_EQ(test, kref_read(&chain->link[3]->refcount), 1);
	/* The case, link 1 and now link 4 hold link 0. */
	KUNIT_EXPECT_EQ(test, kref_read(&chain->link[0]->refcount), 3);
	/* The link itself stays, whatever its own fence does. */
	KUNIT_EXPECT_PTR_EQ(test, prev_of(chain->link[3]), chain->link[2]);
}

static void walk_cuts_signalled_plain_fence_at_the_end(struct kunit *test)
{
	struct dma_fence *tail = leaf_new(test, 1);
	struct dma_fence *link = link_new(test, dma_fence_get(tail),
					  dma_fence_get(leaf_new(test, 2)), 1);

	KUNIT_EXPECT_PTR_EQ(test, prev_of(link), tail);
	dma_fence_signal(tail);
	KUNIT_EXPECT_NULL(test, dma_fence_chain_walk(dma_fence_get(link)));
	KUNIT_EXPECT_NULL(test, prev_of(link));
	KUNIT_EXPECT_EQ(test, kref_read(&tail->refcount), 1);
}

/* ------------------------------------------------------------------ */
/* Seqno lookup                                                        */
/* ------------------------------------------------------------------ */

struct find_row {
	const char *name;
	int start;		/* link to start from, -1 for a plain fence */
	u64 seqno;
	int expect_ret;
	int expect;		/* link expected afterwards */
};

static const struct find_row find_rows[] = {
	{ "seqno 0 leaves the fence alone", 7, 0, 0, 7 },
	{ "seqno in the middle", 7, 4, 0, 3 },
	{ "first seqno of the chain", 7, 1, 0, 0 },
	{ "own seqno finds the start itself", 3, 4, 0, 3 },
	{ "older seqno from a middle link", 5, 2, 0, 1 },
	{ "seqno past the start is rejected", 3, 5, -EINVAL, 3 },
	{ "seqno past the end of the chain", 7, 9, -EINVAL, 7 },
	{ "plain fence is rejected", -1, 1, -EINVAL, -1 },
};

KUNIT_ARRAY_PARAM_DESC(find, find_rows, name);

static void find_seqno_returns_covering_link(struct kunit *test)
{
	const struct find_row *row = test->param_value;
	struct chain *chain = chain_build(test, 8, 1, true);
	struct dma_fence *plain = leaf_new(test, 1);
	struct dma_fence *fence, *expect;

	fence = dma_fence_get(row->start < 0 ? plain : chain->link[row->start]);
	expect = row->expect < 0 ? plain : chain->link[row->expect];
	KUNIT_EXPECT_EQ(test, dma_fence_chain_find_seqno(&fence, row->seqno),
			row->expect_ret);
	KUNIT_EXPECT_PTR_EQ(test, fence, expect);
	dma_fence_put(fence);
}

static void find_seqno_in_gap_returns_next_later_link(struct kunit *test)
{
	struct chain *chain = chain_build(test, 6, 2, true);
	struct dma_fence *fence;
	int i;

	for (i = 0; i < 6; i++) {
		fence = dma_fence_get(chain->head);
		KUNIT_EXPECT_EQ(test, dma_fence_chain_find_seqno(&fence, 2 * i + 1), 0);
		KUNIT_EXPECT_PTR_EQ(test, fence, chain->link[i]);
		dma_fence_put(fence);
	}
}

static void find_seqno_of_completed_point_finds_nothing_to_wait_for(struct kunit *test)
{
	struct chain *chain = chain_build(test, 2, 1, true);
	struct dma_fence *fence = dma_fence_get(chain->head);

	dma_fence_signal(chain->fence[0]);
	KUNIT_EXPECT_EQ(test, dma_fence_chain_find_seqno(&fence, 1), 0);
	KUNIT_EXPECT_TRUE(test, !fence || dma_fence_is_signaled(fence));
	dma_fence_put(fence);
}

static void find_seqno_waits_for_older_pending_point(struct kunit *test)
{
	struct chain *chain = chain_build(test, 3, 1, true);
	struct dma_fence *fence = dma_fence_get(chain->head);

	/* 2 is done but 1 is not: point 2 is reached only with 1. */
	dma_fence_signal(chain->fence[1]);
	KUNIT_EXPECT_EQ(test, dma_fence_chain_find_seqno(&fence, 2), 0);
	KUNIT_EXPECT_PTR_EQ(test, fence, chain->link[0]);
	dma_fence_put(fence);
}

/* ------------------------------------------------------------------ */
/* Completion                                                          */
/* ------------------------------------------------------------------ */

struct order_row {
	const char *name;
	int order[4];
};

static const struct order_row order_rows[] = {
	{ "oldest first", { 0, 1, 2, 3 } },
	{ "newest first", { 3, 2, 1, 0 } },
	{ "middle out", { 2, 1, 3, 0 } },
	{ "oldest last but one", { 3, 1, 0, 2 } },
};

KUNIT_ARRAY_PARAM_DESC(order, order_rows, name);

static void link_signals_after_own_and_all_older_fences(struct kunit *test)
{
	const struct order_row *row = test->param_value;
	struct chain *chain = chain_build(test, 4, 1, true);
	struct dmabuf_kunit_probe *probe[4];
	bool done[4] = {};
	int i, j, ready;

	for (i = 0; i < 4; i++) {
		probe[i] = dmabuf_kunit_probe_attach(test, chain->link[i]);
		KUNIT_ASSERT_EQ(test, probe[i]->added, 0);
	}

	for (i = 0; i < 4; i++) {
		dma_fence_signal(chain->fence[row->order[i]]);
		done[row->order[i]] = true;
		for (ready = 0; ready < 4 && done[ready]; ready++)
			;
		for (j = 0; j < 4; j++)
			KUNIT_EXPECT_EQ_MSG(test, dma_fence_is_signaled(chain->link[j]),
					    j < ready, "link %d after %d fences", j, i + 1);
	}

	for (i = 0; i < 4; i++) {
		dmabuf_kunit_wait_signalled(test, chain->link[i], WAIT_BUDGET);
		KUNIT_EXPECT_EQ(test, atomic_read(&probe[i]->calls), 1);
	}
}

static void is_signaled_polls_without_enabling(struct kunit *test)
{
	struct chain *chain = chain_build(test, 3, 1, true);
	int i;

	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(chain->head));
	for (i = 0; i < 3; i++)
		dma_fence_signal(chain->fence[i]);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(chain->head));

	KUNIT_EXPECT_FALSE(test, test_bit(DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT,
					  &chain->head->flags));
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_enables(chain->fence[i]), 0);
}

struct feeder {
	struct dma_fence **fence;
	unsigned int count;
	struct completion done;
};

static int feeder_fn(void *data)
{
	struct feeder *feeder = data;
	unsigned int i;

	for (i = 0; i < feeder->count && !kthread_should_stop(); i++) {
		usleep_range(200, 400);
		dma_fence_signal(feeder->fence[i]);
	}
	complete(&feeder->done);
	return 0;
}

static void wait_blocks_until_whole_chain_signalled(struct kunit *test)
{
	struct chain *chain = chain_build(test, SHORT_CHAIN, 1, false);
	struct feeder *feeder = kunit_kzalloc(test, sizeof(*feeder), GFP_KERNEL);
	int i;

	KUNIT_ASSERT_NOT_NULL(test, feeder);
	feeder->fence = chain->fence;
	feeder->count = SHORT_CHAIN;
	init_completion(&feeder->done);
	dmabuf_kunit_thread_start(test, "dfc", feeder_fn, feeder, "kunit");

	dmabuf_kunit_wait_signalled(test, chain->head, WAIT_BUDGET);
	for (i = 0; i < SHORT_CHAIN; i++)
		KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(chain->fence[i]));
	dmabuf_kunit_thread_wait(test, &feeder->done, THREAD_GRACE,
				 "a thread of the case");
}

static void set_deadline_reaches_every_wrapped_fence(struct kunit *test)
{
	struct chain *chain = chain_build(test, 3, 1, true);
	int i;

	dma_fence_set_deadline(chain->head, ktime_add_ms(ktime_get(), 100));
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_deadlines(chain->fence[i]), 1);
}

static void link_over_array_signals_with_the_array(struct kunit *test)
{
	struct dma_fence *leaf[2] = { leaf_new(test, 1), leaf_new(test, 2) };
	struct dma_fence **table = kmalloc_array(2, sizeof(*table), GFP_KERNEL);
	struct dma_fence_array *array;
	struct dma_fence *link;

	KUNIT_ASSERT_NOT_NULL(test, table);
	table[0] = dma_fence_get(leaf[0]);
	table[1] = dma_fence_get(leaf[1]);
	array = dma_fence_array_create(2, table, dma_fence_context_alloc(1),
				       1, false);
	if (!array) {
		dma_fence_put(table[0]);
		dma_fence_put(table[1]);
		kfree(table);
	}
	KUNIT_ASSERT_NOT_NULL(test, array);
	link = link_new(test, NULL, &array->base, 1);

	dma_fence_enable_sw_signaling(link);
	dma_fence_signal(leaf[1]);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(link));
	dma_fence_signal(leaf[0]);
	dmabuf_kunit_wait_signalled(test, link, WAIT_BUDGET);
	KUNIT_EXPECT_PTR_EQ(test, dma_fence_chain_contained(link), &array->base);
}

/* ------------------------------------------------------------------ */
/* Size                                                                */
/* ------------------------------------------------------------------ */

static void hundred_thousand_links_are_freed_iteratively(struct kunit *test)
{
	struct dma_fence *head = NULL;
	unsigned int i;
	bool ordered;

	for (i = 0; i < HUGE_CHAIN; i++) {
		/* Each link owns its leaf: freeing the chain frees them all. */
		struct dma_fence *leaf = leaf_alloc(i + 1);

		head = leaf ? link_make(head, leaf, i + 1) : NULL;
		if (!head)
			break;
		if (!(i % 1024))
			cond_resched();
	}
	KUNIT_ASSERT_NOT_NULL(test, head);
	dmabuf_kunit_fence_own(test, head);

	KUNIT_EXPECT_EQ(test, walk_count(head, &ordered), HUGE_CHAIN);
	KUNIT_EXPECT_TRUE(test, ordered);
	KUNIT_EXPECT_EQ(test, head->seqno, HUGE_CHAIN);

	/* Dropping the only reference frees 100k links and their leaves. */
	kunit_release_action(test, dmabuf_kunit_fence_put, head);
}

static void hundred_thousand_links_signal_and_prune(struct kunit *test)
{
	struct chain *chain = chain_build(test, HUGE_CHAIN, 1, false);
	struct dmabuf_kunit_probe *probe = dmabuf_kunit_probe_attach(test, chain->head);
	struct dma_fence *fence;
	unsigned int i;
	bool ordered;

	KUNIT_ASSERT_EQ(test, probe->added, 0);
	fence = dma_fence_get(chain->head);
	KUNIT_EXPECT_EQ(test, dma_fence_chain_find_seqno(&fence, HUGE_CHAIN / 2), 0);
	KUNIT_EXPECT_EQ(test, fence ? fence->seqno : 0, HUGE_CHAIN / 2);
	dma_fence_put(fence);

	for (i = 0; i < HUGE_CHAIN - 1; i++) {
		dma_fence_signal(chain->fence[i]);
		if (!(i % 1024))
			cond_resched();
	}
	/* Prune here rather than in the irq_work that the last fence kicks. */
	KUNIT_EXPECT_NULL(test, dma_fence_chain_walk(dma_fence_get(chain->head)));
	KUNIT_EXPECT_NULL(test, prev_of(chain->head));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(chain->head));

	dma_fence_signal(chain->fence[HUGE_CHAIN - 1]);
	dmabuf_kunit_wait_signalled(test, chain->head, WAIT_BUDGET);
	KUNIT_EXPECT_EQ(test, atomic_read(&probe->calls), 1);
	KUNIT_EXPECT_EQ(test, walk_count(chain->head, &ordered), 1);
}

/* ------------------------------------------------------------------ */
/* Races                                                               */
/* ------------------------------------------------------------------ */

struct walk_race {
	struct chain *chain;
	atomic_t next_id;
	atomic_t all_signalled;
	atomic_t disorder;
	atomic_t overlong;
	atomic_t bad_finds;
	atomic_t walks;
	struct completion done[WALKERS];
};

/*
 * A lookup ends at a link built on top of a point older than @seqno (the
 * points between it and @seqno have signalled), or finds nothing left to
 * wait for.
 */
static bool find_is_consistent(struct dma_fence *found, u64 seqno)
{
	struct dma_fence_chain *link = to_dma_fence_chain(found);

	return !found || (link && link->prev_seqno < seqno);
}

static int walker_fn(void *data)
{
	struct walk_race *race = data;
	int id = atomic_inc_return(&race->next_id) - 1;
	struct dma_fence *head = race->chain->head, *found;
	unsigned int visits;
	bool ordered, settled = false;
	u64 seqno;

	while (!settled && !kthread_should_stop()) {
		/* Once everything signalled, one more walk must see the head only. */
		settled = atomic_read_acquire(&race->all_signalled);
		visits = walk_count(head, &ordered);
		if (!ordered)
			atomic_inc(&race->disorder);
		if (visits > WALK_CHAIN || (settled && visits != 1))
			atomic_inc(&race->overlong);

		seqno = get_random_u32_inclusive(1, WALK_CHAIN);
		found = dma_fence_get(head);
		if (dma_fence_chain_find_seqno(&found, seqno) ||
		    !find_is_consistent(found, seqno))
			atomic_inc(&race->bad_finds);
		dma_fence_put(found);
		atomic_inc(&race->walks);
		cond_resched();
	}
	complete(&race->done[id]);
	return 0;
}

static void concurrent_walkers_prune_consistently(struct kunit *test)
{
	struct walk_race *race = kunit_kzalloc(test, sizeof(*race), GFP_KERNEL);
	unsigned int *order, i, j;

	KUNIT_ASSERT_NOT_NULL(test, race);
	race->chain = chain_build(test, WALK_CHAIN, 1, false);
	order = kunit_kmalloc_array(test, WALK_CHAIN, sizeof(*order), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, order);
	for (i = 0; i < WALK_CHAIN; i++)
		order[i] = i;
	for (i = WALK_CHAIN - 1; i > 0; i--) {
		j = get_random_u32_below(i + 1);
		swap(order[i], order[j]);
	}
	for (i = 0; i < WALKERS; i++) {
		init_completion(&race->done[i]);
		dmabuf_kunit_thread_start(test, "dfc", walker_fn, race,
					  "kunit");
	}

	/* Signal in random order so that walkers prune all over the chain. */
	for (i = 0; i < WALK_CHAIN; i++) {
		dma_fence_signal(race->chain->fence[order[i]]);
		if (!(i % 64))
			usleep_range(100, 200);
	}
	atomic_set_release(&race->all_signalled, 1);
	for (i = 0; i < WALKERS; i++)
		dmabuf_kunit_thread_wait(test, &race->done[i], THREAD_GRACE,
					 "a thread of the case");

	KUNIT_EXPECT_EQ(test, atomic_read(&race->disorder), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&race->overlong), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&race->bad_finds), 0);
	KUNIT_EXPECT_GE(test, atomic_read(&race->walks), WALKERS);
	KUNIT_EXPECT_NULL(test, prev_of(race->chain->head));
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(race->chain->head));
}

/*
 * A timeline as a driver keeps one: adders append points under a mutex
 * and publish the new head with RCU, readers walk from whatever head they
 * find, and a signaller completes the points in order.
 */
struct timeline {
	struct mutex lock;	/* serialises adders */
	struct dma_fence __rcu *head;
	struct dma_fence *point[TIMELINE_POINTS];	/* by seqno - 1 */
	atomic_t published;
	atomic_t readers_stop;
	atomic_t next_adder;
	atomic_t next_reader;
	atomic_t bad;
	atomic_t reads;
	/* adders first, then the signaller, then the readers */
	struct completion done[TIMELINE_ADDERS + 1 + TIMELINE_READERS];
};

/*
 * Completion slots go by role, not by start order: the case waits for
 * the adders and the signaller before it stops the readers, and threads
 * need not start running in the order they were created.
 */
#define TIMELINE_SIGNALLER	TIMELINE_ADDERS

static int timeline_adder_id(struct timeline *tl)
{
	return atomic_inc_return(&tl->next_adder) - 1;
}

static int timeline_reader_id(struct timeline *tl)
{
	return TIMELINE_SIGNALLER + atomic_inc_return(&tl->next_reader);
}

static int timeline_adder(void *data)
{
	struct timeline *tl = data;
	int id = timeline_adder_id(tl), n;
	struct dma_fence *leaf, *head;

	for (n = 0; n < TIMELINE_POINTS / TIMELINE_ADDERS; n++) {
		if (kthread_should_stop())
			break;
		leaf = leaf_alloc(n);
		if (!leaf) {
			atomic_inc(&tl->bad);
			break;
		}
		mutex_lock(&tl->lock);
		head = rcu_dereference_protected(tl->head,
						 lockdep_is_held(&tl->lock));
		tl->point[atomic_read(&tl->published)] = dma_fence_get(leaf);
		head = link_make(head, leaf,
				 atomic_read(&tl->published) + 1);
		/* On failure the old head went with the failed link. */
		rcu_assign_pointer(tl->head, head);
		if (head)	/* pairs with the ACQUIRE in timeline_signaller() */
			atomic_inc_return_release(&tl->published);
		else
			atomic_inc(&tl->bad);
		mutex_unlock(&tl->lock);
		cond_resched();
	}
	complete(&tl->done[id]);
	return 0;
}

static int timeline_reader(void *data)
{
	struct timeline *tl = data;
	int id = timeline_reader_id(tl);
	struct dma_fence *head, *found;
	unsigned int visits;
	bool ordered;
	u64 seqno;

	while (!atomic_read(&tl->readers_stop) && !kthread_should_stop()) {
		rcu_read_lock();
		head = dma_fence_get_rcu_safe(&tl->head);
		rcu_read_unlock();
		if (head) {
			visits = walk_count(head, &ordered);
			if (!ordered || visits > head->seqno)
				atomic_inc(&tl->bad);
			seqno = get_random_u32_inclusive(1, head->seqno);
			found = head;	/* the lookup consumes this reference */
			if (dma_fence_chain_find_seqno(&found, seqno) ||
			    !find_is_consistent(found, seqno))
				atomic_inc(&tl->bad);
			dma_fence_put(found);
			atomic_inc(&tl->reads);
		}
		usleep_range(50, 100);
	}
	complete(&tl->done[id]);
	return 0;
}

static int timeline_signaller(void *data)
{
	struct timeline *tl = data;
	int id = TIMELINE_SIGNALLER, i;

	for (i = 0; i < TIMELINE_POINTS && !kthread_should_stop(); i++) {
		while (atomic_read_acquire(&tl->published) <= i &&
		       !kthread_should_stop())
			usleep_range(50, 100);
		if (atomic_read_acquire(&tl->published) > i)
			dma_fence_signal(tl->point[i]);
	}
	complete(&tl->done[id]);
	return 0;
}

static void timeline_release(void *data)
{
	struct timeline *tl = data;
	int i;

	dma_fence_put(rcu_dereference_protected(tl->head, true));
	for (i = 0; i < TIMELINE_POINTS; i++) {
		if (tl->point[i]) {
			dma_fence_signal(tl->point[i]);
			dma_fence_put(tl->point[i]);
		}
	}
	kfree(tl);
}

static void adders_readers_and_signaller_share_a_timeline(struct kunit *test)
{
	struct timeline *tl = kzalloc(sizeof(*tl), GFP_KERNEL);
	struct dma_fence *head;
	bool ordered;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, tl);
	mutex_init(&tl->lock);
	for (i = 0; i < ARRAY_SIZE(tl->done); i++)
		init_completion(&tl->done[i]);
	/* Registered first, so it runs after every thread has stopped. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, timeline_release,
							tl), 0);

	for (i = 0; i < TIMELINE_ADDERS; i++)
		dmabuf_kunit_thread_start(test, "dfc", timeline_adder, tl,
					  "kunit");
	dmabuf_kunit_thread_start(test, "dfc", timeline_signaller, tl, "kunit");
	for (i = 0; i < TIMELINE_READERS; i++)
		dmabuf_kunit_thread_start(test, "dfc", timeline_reader, tl,
					  "kunit");

	for (i = 0; i < TIMELINE_ADDERS + 1; i++)
		dmabuf_kunit_thread_wait(test, &tl->done[i], THREAD_GRACE,
					 "a thread of the case");
	atomic_set(&tl->readers_stop, 1);
	for (; i < ARRAY_SIZE(tl->done); i++)
		dmabuf_kunit_thread_wait(test, &tl->done[i], THREAD_GRACE,
					 "a thread of the case");

	KUNIT_EXPECT_EQ(test, atomic_read(&tl->bad), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&tl->published), TIMELINE_POINTS);
	head = rcu_dereference_protected(tl->head, true);
	KUNIT_ASSERT_NOT_NULL(test, head);
	KUNIT_EXPECT_EQ(test, head->seqno, TIMELINE_POINTS);
	dmabuf_kunit_wait_signalled(test, head, WAIT_BUDGET);
	KUNIT_EXPECT_EQ(test, walk_count(head, &ordered), 1);
}

static struct kunit_case dma_fence_chain_cases[] = {
	KUNIT_CASE(init_links_onto_previous_link),
	KUNIT_CASE(casts_tell_links_from_plain_fences),
	KUNIT_CASE(alloc_and_free_without_init),
	KUNIT_CASE_PARAM(init_applies_seqno_and_context_rules,
			 seqno_gen_params),
	KUNIT_CASE(walk_on_plain_fence_ends_and_drops_reference),
	KUNIT_CASE(iteration_visits_links_newest_first),
	KUNIT_CASE(walk_unlinks_signalled_links_and_keeps_prev_seqno),
	KUNIT_CASE(walk_cuts_signalled_plain_fence_at_the_end),
	KUNIT_CASE_PARAM(find_seqno_returns_covering_link, find_gen_params),
	KUNIT_CASE(find_seqno_in_gap_returns_next_later_link),
	KUNIT_CASE(find_seqno_of_completed_point_finds_nothing_to_wait_for),
	KUNIT_CASE(find_seqno_waits_for_older_pending_point),
	KUNIT_CASE_PARAM(link_signals_after_own_and_all_older_fences,
			 order_gen_params),
	KUNIT_CASE(is_signaled_polls_without_enabling),
	KUNIT_CASE(wait_blocks_until_whole_chain_signalled),
	KUNIT_CASE(set_deadline_reaches_every_wrapped_fence),
	KUNIT_CASE(link_over_array_signals_with_the_array),
	/*
	 * 100k links and leaves are minutes of work for an emulated debug
	 * kernel (KASAN, kmemleak); guests under emulation may filter out
	 * very slow cases, native runs keep them.
	 */
	KUNIT_CASE_ATTR(hundred_thousand_links_are_freed_iteratively,
			{ .speed = KUNIT_SPEED_VERY_SLOW }),
	KUNIT_CASE_ATTR(hundred_thousand_links_signal_and_prune,
			{ .speed = KUNIT_SPEED_VERY_SLOW }),
	KUNIT_CASE_SLOW(concurrent_walkers_prune_consistently),
	KUNIT_CASE_SLOW(adders_readers_and_signaller_share_a_timeline),
	{}
};

static struct kunit_suite dma_fence_chain_suite = {
	.name = "dma_fence_chain",
	.test_cases = dma_fence_chain_cases,
};

kunit_test_suite(dma_fence_chain_suite);

MODULE_DESCRIPTION("KUnit tests for dma_fence_chain");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Taking fence containers apart, and putting several of them back together
 * as one flat fence.
 */

#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <linux/dma-fence.h>
#include <linux/dma-fence-array.h>
#include <linux/dma-fence-chain.h>
#include <linux/dma-fence-unwrap.h>
#include <linux/export.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "dma-buf-kunit-hooks.h"

/**
 * DOC: fence unwrapping
 *
 * The walk looks two levels deep: through a &struct dma_fence_chain and,
 * where the fence a link wraps is a &struct dma_fence_array, through that
 * array's members. So a &struct dma_fence_unwrap needs one position per
 * level and no stack, and the walk is the chain walk with an array walk
 * nested inside:
 *
 * - &dma_fence_unwrap.chain is the link being visited (or the starting
 *   fence when it is not a link). It is the only reference the cursor owns.
 *   dma_fence_chain_walk() trades it for one on the next older link and
 *   drops it after the last one, so a complete walk is balanced, and an
 *   abandoned walk is cleaned up with a single dma_fence_put().
 * - &dma_fence_unwrap.array is the fence wrapped by that link and
 *   &dma_fence_unwrap.index the member of it handed out last. Both are
 *   borrowed from the link, which is why the fences handed out need no
 *   reference while the walk is on.
 *
 * Walking a chain prunes older links whose fence has signalled, so leaves
 * that have completed may or may not be seen.
 *
 * Containers can nest deeper than that: dma_fence_array_create() accepts
 * arrays and chains as members, and a link may wrap another chain. The
 * walk hands such a fence out like any other, without looking inside, so
 * what it yields is a plain fence only for the usual shapes (a plain
 * fence, an array of plain fences, a chain of those). A caller that must
 * end up with plain fences only takes any container it is handed apart
 * with a walk of its own, as DMA_BUF_IOCTL_IMPORT_SYNC_FILE does before
 * filling a reservation object. Arrays made by merging are flat for the
 * usual shapes only, for the same reason.
 *
 * Merging collects the pending leaves of all inputs and keeps one fence per
 * context. On a timeline the later fence completes only after the earlier
 * one, so waiting for the latest fence of each context is enough. The rules
 * the merge keeps:
 *
 * - the result holds no two fences of one context, and no container
 *   unless an input nests containers deeper than the walk looks;
 * - "latest" is what dma_fence_is_later() says, so 32-bit timelines are
 *   compared modulo wrap-around and 64-bit ones as plain numbers;
 * - the work is O(n log n) in the number of leaves: they are sorted by
 *   context with sort(), after which each context is a run of neighbours
 *   and one linear pass picks its latest fence;
 * - the inputs keep their references; the result owns its own, one per
 *   fence it holds, and failure leaves no reference behind.
 */

/*
 * Settle the cursor on the first leaf at or after its chain position. A
 * link normally always yields at least one fence; should one not, the walk
 * must still go on down the chain, as stopping there would end the loop
 * while the cursor holds a reference nobody drops.
 */
static struct dma_fence *unwrap_settle(struct dma_fence_unwrap *cursor)
{
	struct dma_fence *leaf;

	while (cursor->chain) {
		cursor->array = dma_fence_chain_contained(cursor->chain);
		cursor->index = 0;
		leaf = dma_fence_array_first(cursor->array);
		if (leaf)
			return leaf;
		cursor->chain = dma_fence_chain_walk(cursor->chain);
	}

	cursor->array = NULL;
	cursor->index = 0;
	return NULL;
}

/**
 * dma_fence_unwrap_first - start a walk over the leaves of a fence
 * @head: fence to take apart; may be NULL, which yields nothing
 * @cursor: walk state to initialise
 *
 * Looks through a chain, each link's fence and, where that fence is an
 * array, its members. A plain @head is its own and only leaf. @cursor takes
 * a reference to @head that it keeps until the walk ends.
 *
 * Return: the first leaf, borrowed (no reference taken), or NULL if there
 * is none.
 */
struct dma_fence *dma_fence_unwrap_first(struct dma_fence *head,
					 struct dma_fence_unwrap *cursor)
{
	cursor->chain = dma_fence_get(head);
	return unwrap_settle(cursor);
}
EXPORT_SYMBOL_GPL(dma_fence_unwrap_first);

/**
 * dma_fence_unwrap_next - continue a walk started by dma_fence_unwrap_first()
 * @cursor: walk state
 *
 * Steps to the next member of the current array, or else to the next older
 * chain link. When nothing is left the cursor drops its reference and any
 * further call keeps returning NULL.
 *
 * Return: the next leaf, borrowed (no reference taken), or NULL at the end.
 */
struct dma_fence *dma_fence_unwrap_next(struct dma_fence_unwrap *cursor)
{
	struct dma_fence *leaf;

	if (!cursor->chain)
		return NULL;

	leaf = dma_fence_array_next(cursor->array, ++cursor->index);
	if (leaf)
		return leaf;

	cursor->chain = dma_fence_chain_walk(cursor->chain);
	return unwrap_settle(cursor);
}
EXPORT_SYMBOL_GPL(dma_fence_unwrap_next);

/* The pending leaves of a merge, and what is known about the others. */
struct unwrap_leaves {
	struct dma_fence **fences;	/* referenced pending leaves */
	unsigned int count;		/* pending leaves seen */
	unsigned int room;		/* slots in @fences, 0 when only counting */
	bool mixed;			/* counted leaves of several contexts */
	bool unsorted;			/* listed contexts not strictly rising */
	struct dma_fence *latest;	/* referenced; while !@mixed, the latest */
	ktime_t newest;			/* latest completion among the others */
};

/*
 * Counting pass: besides the count, follow the latest leaf for as long as
 * every pending leaf is on one context. Merging the fences of a single
 * timeline is common (a job's dependencies on one engine), and then that
 * leaf is the whole answer: no list, no sort, no array.
 */
static void unwrap_count(struct unwrap_leaves *set, struct dma_fence *leaf)
{
	set->count++;
	if (set->mixed)
		return;
	if (set->latest && set->latest->context != leaf->context) {
		set->mixed = true;
		dma_fence_put(set->latest);
		set->latest = NULL;
	} else if (!set->latest || dma_fence_is_later(leaf, set->latest)) {
		dma_fence_put(set->latest);
		set->latest = dma_fence_get(leaf);
	}
}

/*
 * Listing pass. Inputs are often already in context order (the arrays a
 * merge makes are), and then there is nothing to sort or to deduplicate.
 */
static void unwrap_list(struct unwrap_leaves *set, struct dma_fence *leaf)
{
	/*
	 * Between the counting pass and this one, leaves can only complete
	 * or be pruned, never appear, so the room counted is enough. Should
	 * that ever break, a dropped fence would be a silent sync bug: shout.
	 */
	if (WARN_ON_ONCE(set->count >= set->room))
		return;
	if (set->count &&
	    set->fences[set->count - 1]->context >= leaf->context)
		set->unsorted = true;
	set->fences[set->count++] = dma_fence_get(leaf);
}

/*
 * One pass over every leaf of every input. Completed leaves only add their
 * timestamp: if nothing is pending, the merged fence is a stub carrying the
 * most recent of them, which is what waiters comparing timestamps expect.
 */
static void unwrap_gather(struct unwrap_leaves *set, unsigned int num_fences,
			  struct dma_fence **fences,
			  struct dma_fence_unwrap *cursors)
{
	struct dma_fence *leaf;
	unsigned int i;

	set->count = 0;
	for (i = 0; i < num_fences; i++) {
		dma_fence_unwrap_for_each(leaf, &cursors[i], fences[i]) {
			if (dma_fence_is_signaled(leaf)) {
				set->newest = max(set->newest,
						  dma_fence_timestamp(leaf));
				continue;
			}
			if (set->room)
				unwrap_list(set, leaf);
			else
				unwrap_count(set, leaf);
		}
	}
}

static int unwrap_by_context(const void *a, const void *b)
{
	const struct dma_fence *fa = *(struct dma_fence * const *)a;
	const struct dma_fence *fb = *(struct dma_fence * const *)b;

	if (fa->context == fb->context)
		return 0;
	return fa->context < fb->context ? -1 : 1;
}

/*
 * @fences holds @count references, sorted so that equal contexts are
 * neighbours. Compact it to the latest fence of each context, dropping the
 * references to the rest, and return how many are left. Ordering inside a
 * context is left to dma_fence_is_later() rather than to the sort, because
 * wrap-around makes 32-bit seqnos a poor fit for a sort key.
 */
static unsigned int unwrap_keep_latest(struct dma_fence **fences,
				       unsigned int count)
{
	struct dma_fence *best, *other;
	unsigned int in = 0, out = 0;

	while (in < count) {
		best = fences[in++];
		for (; in < count && fences[in]->context == best->context; in++) {
			other = fences[in];
			if (dma_fence_is_later(other, best))
				swap(best, other);
			dma_fence_put(other);
		}
		fences[out++] = best;
	}

	return out;
}

/**
 * dma_fence_unwrap_alloc_list - room for the leaves of a merge
 * @count: number of fence pointers needed
 *
 * Kept apart so that KUnit suites can make a merge run out of memory (see
 * kunit_activate_static_stub()); static to this file in kernels without
 * KUnit.
 *
 * Return: an uninitialised kmalloc()ed array of @count fence pointers, or
 * NULL.
 */
VISIBLE_IF_KUNIT struct dma_fence **
dma_fence_unwrap_alloc_list(unsigned int count)
{
	KUNIT_STATIC_STUB_REDIRECT(dma_fence_unwrap_alloc_list, count);
	return kmalloc_array(count, sizeof(struct dma_fence *), GFP_KERNEL);
}
EXPORT_SYMBOL_IF_KUNIT(dma_fence_unwrap_alloc_list);

/**
 * __dma_fence_unwrap_merge - merge the leaves of several fences
 * @num_fences: number of entries in @fences and @cursors
 * @fences: the fences to merge; NULL entries are skipped
 * @cursors: scratch space, one walk state per entry of @fences
 *
 * The work behind dma_fence_unwrap_merge(), which supplies @cursors on the
 * caller's stack; call the macro instead.
 *
 * Every input is taken apart as by dma_fence_unwrap_for_each(). Leaves that
 * have already signalled are left out, and of the leaves sharing a context
 * only the latest, by dma_fence_is_later(), is kept. Then:
 *
 * - with nothing left, the result is a freshly allocated stub fence, already
 *   signalled, whose timestamp is the latest of the signalled leaves (see
 *   dma_fence_allocate_private_stub());
 * - with a single fence left, the result is that fence itself, with an
 *   extra reference;
 * - otherwise the result is a new &struct dma_fence_array on a context of
 *   its own that holds a reference to each kept fence and signals once all
 *   of them have; the first error among them becomes its error.
 *
 * The references held by @fences are not touched.
 *
 * Return: a new reference to the merged fence, or NULL when memory ran out.
 */
struct dma_fence *__dma_fence_unwrap_merge(unsigned int num_fences,
					   struct dma_fence **fences,
					   struct dma_fence_unwrap *cursors)
{
	struct unwrap_leaves set = { .newest = 0 };
	struct dma_fence_array *array;
	struct dma_fence *merged;
	unsigned int i;

	/* Count first so that the list is allocated once, at its final size. */
	unwrap_gather(&set, num_fences, fences, cursors);
	if (!set.count)
		return dma_fence_allocate_private_stub(set.newest);
	if (!set.mixed)
		return set.latest;

	set.fences = dma_fence_unwrap_alloc_list(set.count);
	if (!set.fences)
		return NULL;
	set.room = set.count;
	unwrap_gather(&set, num_fences, fences, cursors);

	if (set.unsorted) {
		sort(set.fences, set.count, sizeof(*set.fences),
		     unwrap_by_context, NULL);
		set.count = unwrap_keep_latest(set.fences, set.count);
	}

	switch (set.count) {
	case 0:
		/* Everything completed since it was counted. */
		kfree(set.fences);
		return dma_fence_allocate_private_stub(set.newest);
	case 1:
		/* The one fence left says all there is to say; no wrapper. */
		merged = set.fences[0];
		kfree(set.fences);
		return merged;
	}

	/* On success the array takes over the list and its references. */
	array = dma_fence_array_create(set.count, set.fences,
				       dma_fence_context_alloc(1), 1, false);
	if (array)
		return &array->base;

	for (i = 0; i < set.count; i++)
		dma_fence_put(set.fences[i]);
	kfree(set.fences);
	return NULL;
}
EXPORT_SYMBOL_GPL(__dma_fence_unwrap_merge);

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fence chains: a timeline of 64-bit points, each point a fence of its own
 * that completes once the fence it wraps and all older points have.
 */

#include <linux/dma-fence-chain.h>
#include <linux/export.h>
#include <linux/minmax.h>
#include <linux/refcount.h>

/**
 * DOC: fence chain invariants
 *
 * A chain is a singly linked list of &struct dma_fence_chain links, newest
 * first. Each link owns a reference to the fence it wraps
 * (&dma_fence_chain.fence) and one to the next older entry
 * (&dma_fence_chain.prev), which is another link or, at the very end, an
 * arbitrary fence. A link signals once its own fence and every older one
 * have signalled; that completion state is all a link stands for, so
 * older entries whose fences have signalled carry no information and may
 * be cut out.
 *
 * Cutting happens lock-free in dma_fence_chain_walk(). A walker holds a
 * reference to the link it stands on and takes references to the entries
 * it looks at through dma_fence_get_rcu_safe(). To drop a signalled
 * entry it swings the ->prev pointer from that entry to the entry's own
 * predecessor with cmpxchg(), which succeeds for exactly one of several
 * walkers trying the same swing; the winner drops the reference the
 * pointer held, the losers drop the one they took for the replacement.
 * The fully ordered cmpxchg() publishes the replacement like
 * rcu_assign_pointer() would, and readers dereference ->prev under RCU;
 * since fences are freed only after a grace period, a reader holding a
 * stale pointer finds the memory intact and dma_fence_get_rcu_safe()
 * either pins the fence or notices the change and retries. Pruning never
 * changes &dma_fence_chain.prev_seqno, so seqno lookups keep working on a
 * pruned chain.
 *
 * Signalling a link never recurses through older links. Enabling
 * signalling parks the link's own callback (&dma_fence_chain.cb) on the
 * first fence, walking towards older points, that has not signalled yet.
 * When it fires, under that fence's lock, the callback only queues
 * &dma_fence_chain.work, which shares storage with the callback; the work
 * then parks the callback again further down or, with nothing left to
 * wait for, signals the link. Every link therefore waits on one fence at a
 * time and costs one irq_work run per fence it waited on. Re-parking from
 * inside the work is fine: the core has finished with the callback before
 * it fires, and once the work function has started, irq_work itself only
 * updates the work's state word with a compare-and-exchange that cannot
 * match the list pointer now stored over it.
 *
 * While parked, the callback holds a reference to its link and one to the
 * fence it waits on; the first passes to the work, the second is dropped
 * by the callback itself, under a lock the signaller already keeps alive.
 *
 * Releasing a link frees, in a loop, the older links for which it holds
 * the only reference. A link being freed is first taken from one to zero
 * references with an atomic compare-and-exchange, so no concurrent
 * dma_fence_get_rcu_safe() can revive it, and it is detached from its own
 * predecessor before it goes; the release of a chain of any length thus
 * needs constant stack.
 */

static struct dma_fence *chain_prev(struct dma_fence_chain *link)
{
	struct dma_fence *prev;

	rcu_read_lock();
	prev = dma_fence_get_rcu_safe(&link->prev);
	rcu_read_unlock();
	return prev;
}

/*
 * Whether @entry, the entry behind some link, may be cut out: for a link,
 * its wrapped fence has signalled; for the plain fence at the end of a
 * chain, that fence itself has.
 */
static bool chain_entry_settled(struct dma_fence *entry)
{
	return dma_fence_is_signaled(dma_fence_chain_contained(entry));
}

/*
 * Try to replace @old, which @link points to and which has settled, by
 * whatever @old points to. Fails harmlessly if another walker changed
 * @link->prev first.
 */
static void chain_cut(struct dma_fence_chain *link, struct dma_fence *old)
{
	struct dma_fence_chain *old_link = to_dma_fence_chain(old);
	struct dma_fence *next = old_link ? chain_prev(old_link) : NULL;
	struct dma_fence *seen;

	seen = unrcu_pointer(cmpxchg(&link->prev, RCU_INITIALIZER(old),
				     RCU_INITIALIZER(next)));
	/* Winner: the pointer's reference to @old goes. Loser: ours to @next. */
	dma_fence_put(seen == old ? old : next);
}

/**
 * dma_fence_chain_walk - step from a chain link to the next older entry
 * @fence: the current position; the reference to it is consumed
 *
 * Looks at the entry behind @fence, cutting it out of the chain and
 * looking further as long as it has signalled (see the DOC section on
 * pruning). Safe against concurrent walkers of the same chain.
 *
 * Return: a new reference to the first older entry that has not signalled,
 * or NULL when there is none or @fence is not a chain link.
 */
struct dma_fence *dma_fence_chain_walk(struct dma_fence *fence)
{
	struct dma_fence_chain *link = to_dma_fence_chain(fence);
	struct dma_fence *prev = NULL;

	while (link) {
		prev = chain_prev(link);
		if (!prev || !chain_entry_settled(prev))
			break;
		chain_cut(link, prev);
		dma_fence_put(prev);
	}

	dma_fence_put(fence);
	return prev;
}
EXPORT_SYMBOL(dma_fence_chain_walk);

/**
 * dma_fence_chain_find_seqno - find the link that covers a timeline point
 * @pfence: in: a reference to a chain link; out: a reference to the
 *	oldest link whose completion implies @seqno, or NULL
 * @seqno: the point looked for; 0 means "no point" and leaves @pfence alone
 *
 * Walks from *@pfence towards older links (pruning signalled ones) and
 * stops at the first link that is on a different timeline or that was
 * created on top of a point older than @seqno. Waiting for the link found
 * is enough to know that @seqno has completed. A result of NULL means that
 * everything up to @seqno has signalled already. The reference passed in
 * is consumed in either case.
 *
 * Return: 0 on success; -EINVAL, with *@pfence untouched, if *@pfence is
 * not a chain link or @seqno lies beyond it.
 */
int dma_fence_chain_find_seqno(struct dma_fence **pfence, uint64_t seqno)
{
	struct dma_fence_chain *start, *link;
	struct dma_fence *pos;

	if (!seqno)
		return 0;

	start = to_dma_fence_chain(*pfence);
	if (!start || seqno > start->base.seqno)
		return -EINVAL;

	dma_fence_chain_for_each(pos, &start->base) {
		link = to_dma_fence_chain(pos);
		if (!link || pos->context != start->base.context ||
		    link->prev_seqno < seqno)
			break;
	}

	*pfence = pos;
	dma_fence_put(&start->base);
	return 0;
}
EXPORT_SYMBOL(dma_fence_chain_find_seqno);

static const char *chain_driver_name(struct dma_fence *fence)
{
	return "dma_fence_chain";
}

static const char *chain_timeline_name(struct dma_fence *fence)
{
	return "unbound";
}

/*
 * New reference to the first fence, walking from @link towards older
 * points, that has not signalled; NULL if all have. Prunes on the way.
 */
static struct dma_fence *chain_first_pending(struct dma_fence_chain *link)
{
	struct dma_fence *pos, *pending;

	dma_fence_chain_for_each(pos, &link->base) {
		pending = dma_fence_chain_contained(pos);
		if (!dma_fence_is_signaled(pending)) {
			dma_fence_get(pending);
			dma_fence_put(pos);	/* kept @pending alive so far */
			return pending;
		}
	}
	return NULL;
}

static void chain_work(struct irq_work *work);

/* Runs under the lock of the fence it was parked on. */
static void chain_parked_fired(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	struct dma_fence_chain *link = container_of(cb, struct dma_fence_chain, cb);

	/* @cb is finished with; its storage becomes the irq_work. */
	init_irq_work(&link->work, chain_work);
	irq_work_queue(&link->work);
	dma_fence_put(fence);
}

/*
 * Park @link->cb on the first pending fence. Returns false, holding no
 * new reference, when nothing is left to wait for.
 */
static bool chain_park(struct dma_fence_chain *link)
{
	struct dma_fence *pending;

	/* The callback may fire at once: its reference comes first. */
	dma_fence_get(&link->base);
	while ((pending = chain_first_pending(link))) {
		if (!dma_fence_add_callback(pending, &link->cb,
					    chain_parked_fired))
			return true;
		/* It signalled just now; the next search passes over it. */
		dma_fence_put(pending);
	}
	dma_fence_put(&link->base);
	return false;
}

/* Hard interrupt context, no fence lock held; owns a link reference. */
static void chain_work(struct irq_work *work)
{
	struct dma_fence_chain *link =
		container_of(work, struct dma_fence_chain, work);

	if (!chain_park(link))
		dma_fence_signal(&link->base);
	dma_fence_put(&link->base);
}

/* Called once, with the link's lock held. */
static bool chain_enable_signaling(struct dma_fence *fence)
{
	return chain_park(to_dma_fence_chain(fence));
}

static bool chain_signaled(struct dma_fence *fence)
{
	struct dma_fence *pending = chain_first_pending(to_dma_fence_chain(fence));

	dma_fence_put(pending);
	return !pending;
}

static void chain_release(struct dma_fence *fence)
{
	struct dma_fence_chain *link = to_dma_fence_chain(fence);
	struct dma_fence *prev = rcu_dereference_protected(link->prev, true);
	struct dma_fence_chain *older;

	/*
	 * Free the older links that only we keep alive here, one by one,
	 * instead of letting each release trigger the next.
	 */
	while ((older = to_dma_fence_chain(prev)) &&
	       refcount_dec_if_one(&prev->refcount.refcount)) {
		/* Pairs with the RELEASE of the other holders' final puts. */
		smp_acquire__after_ctrl_dep();
		prev = rcu_dereference_protected(older->prev, true);
		RCU_INIT_POINTER(older->prev, NULL);
		dma_fence_release(&older->base.refcount);
	}
	dma_fence_put(prev);

	dma_fence_put(link->fence);
	dma_fence_free(fence);
}

static void chain_set_deadline(struct dma_fence *fence, ktime_t deadline)
{
	struct dma_fence *pos;

	dma_fence_chain_for_each(pos, fence)
		dma_fence_set_deadline(dma_fence_chain_contained(pos), deadline);
}

/*
 * The implementation behind every chain link; exported because
 * dma_fence_is_chain() compares against its address. Chain seqnos use all
 * 64 bits.
 */
const struct dma_fence_ops dma_fence_chain_ops = {
	.use_64bit_seqno = true,
	.get_driver_name = chain_driver_name,
	.get_timeline_name = chain_timeline_name,
	.enable_signaling = chain_enable_signaling,
	.signaled = chain_signaled,
	.release = chain_release,
	.set_deadline = chain_set_deadline,
};
EXPORT_SYMBOL(dma_fence_chain_ops);

/**
 * dma_fence_chain_init - set up a link and put it in front of a chain
 * @chain: memory for the link, e.g. from dma_fence_chain_alloc()
 * @prev: the current newest entry of the chain (a link or any fence), or
 *	NULL to start a new chain
 * @fence: the fence this timeline point stands for; must not be a chain
 *	link itself (flatten such cases into a fence array instead)
 * @seqno: the timeline point
 *
 * The link takes over the caller's references to @prev and @fence and
 * starts out with one reference of its own, for the caller.
 *
 * When @prev is a link with a lower seqno than @seqno, the new link
 * continues @prev's timeline: it gets @prev's fence context and remembers
 * @prev's seqno in &dma_fence_chain.prev_seqno. Otherwise (no @prev, a
 * plain fence as @prev, or a @seqno not after @prev's) the link starts a
 * fresh fence context with &dma_fence_chain.prev_seqno 0; in the last
 * case its seqno is raised to @prev's so that it never claims an earlier
 * point than the link it follows.
 */
void dma_fence_chain_init(struct dma_fence_chain *chain,
			  struct dma_fence *prev,
			  struct dma_fence *fence,
			  uint64_t seqno)
{
	struct dma_fence_chain *prev_link = to_dma_fence_chain(prev);
	u64 context;

	spin_lock_init(&chain->lock);
	RCU_INIT_POINTER(chain->prev, prev);
	chain->fence = fence;

	if (prev_link && __dma_fence_is_later(seqno, prev->seqno, prev->ops)) {
		context = prev->context;
		chain->prev_seqno = prev->seqno;
	} else {
		context = dma_fence_context_alloc(1);
		chain->prev_seqno = 0;
		if (prev_link)
			seqno = max(seqno, prev->seqno);
	}

	/* Its smp_wmb() orders the stores above before the link can be found. */
	dma_fence_init(&chain->base, &dma_fence_chain_ops, &chain->lock,
		       context, seqno);

	/* Chains nest through @prev only, never through the wrapped fence. */
	WARN_ON(dma_fence_is_chain(fence));
}
EXPORT_SYMBOL(dma_fence_chain_init);

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Timeline built from a singly linked list of fences, newest first, each
 * link carrying a 64-bit point on the timeline.
 */

#ifndef __LINUX_DMA_FENCE_CHAIN_H
#define __LINUX_DMA_FENCE_CHAIN_H

#include <linux/dma-fence.h>
#include <linux/irq_work.h>
#include <linux/slab.h>

/**
 * struct dma_fence_chain - one link (timeline point) of a fence chain
 * @base: the embedded fence; signals when this point and all older
 *	points have completed
 * @prev: the next older link (or plain fence), NULL at the tail; cut
 *	short under RCU when older links have signalled
 * @prev_seqno: seqno @prev had when this link was created, kept so that
 *	later pruning of @prev does not change what this link reports
 * @fence: the fence this point wraps
 * @lock: spinlock handed to @base as its fence lock
 */
struct dma_fence_chain {
	struct dma_fence base;
	struct dma_fence __rcu *prev;
	u64 prev_seqno;
	struct dma_fence *fence;
	union {
		/**
		 * @cb: callback parked on the oldest pending fence of the
		 * chain while waiting for it to complete. Only in use while
		 * @work is idle.
		 */
		struct dma_fence_cb cb;

		/**
		 * @work: irq work that (re)arms @cb from a clean context, so
		 * callbacks never have to be added from inside another
		 * fence's signalling path. Only in use while @cb is idle.
		 */
		struct irq_work work;
	};
	spinlock_t lock;	/* fence lock of @base */
};

/**
 * to_dma_fence_chain - downcast a fence to its containing chain link
 * @fence: fence to inspect, may be NULL
 *
 * Return: the &struct dma_fence_chain embedding @fence, or NULL when
 * @fence is NULL or is not a chain link.
 */
static inline struct dma_fence_chain *to_dma_fence_chain(struct dma_fence *fence)
{
	if (fence && dma_fence_is_chain(fence))
		return container_of(fence, struct dma_fence_chain, base);

	return NULL;
}

/**
 * dma_fence_chain_contained - the fence a chain link stands for
 * @fence: fence to inspect
 *
 * Return: the wrapped fence when @fence is a chain link, otherwise @fence
 * unchanged. No reference is taken.
 */
static inline struct dma_fence *dma_fence_chain_contained(struct dma_fence *fence)
{
	struct dma_fence_chain *link = to_dma_fence_chain(fence);

	if (!link)
		return fence;

	return link->fence;
}

/**
 * dma_fence_chain_alloc - allocate memory for one chain link
 *
 * A macro rather than a function so that the allocation is accounted to
 * the caller's site. The memory is uninitialised; pass it to
 * dma_fence_chain_init() or give it back with dma_fence_chain_free().
 *
 * Return: the new link, or NULL when out of memory.
 */
#define dma_fence_chain_alloc()						\
	({								\
		struct dma_fence_chain *__new_link =			\
			kmalloc(sizeof(*__new_link), GFP_KERNEL);	\
		__new_link;						\
	})

/**
 * dma_fence_chain_free - give back a link that was never initialised
 * @chain: memory from dma_fence_chain_alloc(), or NULL
 *
 * Only for links that dma_fence_chain_init() has not seen: nobody else
 * can hold a pointer to them, so no RCU grace period is needed. Once
 * initialised, a link is a refcounted fence and goes with dma_fence_put().
 */
static inline void dma_fence_chain_free(struct dma_fence_chain *chain)
{
	kfree(chain);
}

/**
 * dma_fence_chain_for_each - walk a chain from @head towards older links
 * @iter: loop cursor; holds a reference to the current link
 * @head: where to start; may be a plain fence (one iteration)
 *
 * Signalled links are pruned while walking, see dma_fence_chain_walk().
 * The loop owns the reference in @iter, so a caller leaving the loop
 * early must dma_fence_put(@iter). @head is evaluated once, and the walk
 * continues from the entry the loop last stored in @iter, whatever the
 * body assigns to it; @iter is NULL after a complete walk.
 */
#define dma_fence_chain_for_each(iter, head)				\
	for (struct dma_fence *__dfc_pos = dma_fence_get(head);	\
	     ((iter) = __dfc_pos);					\
	     __dfc_pos = dma_fence_chain_walk(__dfc_pos))

struct dma_fence *dma_fence_chain_walk(struct dma_fence *fence);
int dma_fence_chain_find_seqno(struct dma_fence **pfence, uint64_t seqno);
void dma_fence_chain_init(struct dma_fence_chain *chain,
			  struct dma_fence *prev,
			  struct dma_fence *fence,
			  uint64_t seqno);

#endif /* __LINUX_DMA_FENCE_CHAIN_H */

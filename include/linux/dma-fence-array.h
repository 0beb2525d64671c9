/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Container fence that completes once a set of member fences has
 * completed (or, optionally, as soon as any one of them has).
 */

#ifndef __LINUX_DMA_FENCE_ARRAY_H
#define __LINUX_DMA_FENCE_ARRAY_H

#include <linux/dma-fence.h>
#include <linux/irq_work.h>

/**
 * struct dma_fence_array_cb - per-member callback slot of a fence array
 * @cb: node hooked onto the member fence's callback list
 * @array: the array this slot belongs to
 */
struct dma_fence_array_cb {
	struct dma_fence_cb cb;
	struct dma_fence_array *array;
};

/**
 * struct dma_fence_array - one fence standing for many
 * @base: the embedded fence that users wait on
 * @lock: spinlock handed to @base as its fence lock
 * @num_fences: how many member fences @fences holds
 * @num_pending: members still to complete before @base signals
 * @fences: the member fences; the array owns one reference to each
 * @work: deferred signalling of @base, run outside member callbacks
 * @callbacks: one callback slot per member, @num_fences entries
 */
struct dma_fence_array {
	struct dma_fence base;

	spinlock_t lock;	/* fence lock of @base */
	unsigned int num_fences;
	atomic_t num_pending;
	struct dma_fence **fences;

	struct irq_work work;

	struct dma_fence_array_cb callbacks[] __counted_by(num_fences);
};

/**
 * to_dma_fence_array - downcast a fence to its containing fence array
 * @fence: fence to inspect, may be NULL
 *
 * Return: the &struct dma_fence_array embedding @fence, or NULL when
 * @fence is NULL or was not created by the fence array code.
 */
static inline struct dma_fence_array *to_dma_fence_array(struct dma_fence *fence)
{
	if (fence && dma_fence_is_array(fence))
		return container_of(fence, struct dma_fence_array, base);

	return NULL;
}

/**
 * dma_fence_array_for_each - walk the members of a fence array
 * @fence: loop cursor, set to each member in turn
 * @index: loop counter, the position of @fence in the array
 * @head: the fence to walk
 *
 * When @head is a fence array the body runs once per member. Any other
 * fence is treated as an array of one and the body runs once with @head
 * itself. No references are taken. Nested containers are not entered;
 * dma_fence_unwrap_for_each() does that.
 *
 * @head is evaluated once and the position is kept privately, so the body
 * cannot steer the walk by assigning to @fence or @index. After a complete
 * walk @fence is NULL and @index holds the number of fences visited.
 */
#define dma_fence_array_for_each(fence, index, head)			\
	for (struct { struct dma_fence *walked; unsigned int at; }	\
	     __dfa_it = { (head), 0 };					\
	     ((fence) = ((index) = __dfa_it.at) ?			\
			dma_fence_array_next(__dfa_it.walked, __dfa_it.at) : \
			dma_fence_array_first(__dfa_it.walked));	\
	     __dfa_it.at++)

struct dma_fence_array *dma_fence_array_alloc(int num_fences);
void dma_fence_array_init(struct dma_fence_array *array,
			  int num_fences, struct dma_fence **fences,
			  u64 context, unsigned int seqno,
			  bool signal_on_any);

struct dma_fence_array *dma_fence_array_create(int num_fences,
					       struct dma_fence **fences,
					       u64 context, unsigned int seqno,
					       bool signal_on_any);

bool dma_fence_match_context(struct dma_fence *fence, u64 context);

struct dma_fence *dma_fence_array_first(struct dma_fence *head);
struct dma_fence *dma_fence_array_next(struct dma_fence *head,
				       unsigned int index);

#endif /* __LINUX_DMA_FENCE_ARRAY_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Iterating over the plain fences hidden in chains and arrays, and merging
 * several such fences into one flat fence.
 */

#ifndef __LINUX_DMA_FENCE_UNWRAP_H
#define __LINUX_DMA_FENCE_UNWRAP_H

#include <linux/array_size.h>

struct dma_fence;

/**
 * struct dma_fence_unwrap - position of a walk through fence containers
 *
 * Filled in by dma_fence_unwrap_first() and advanced by
 * dma_fence_unwrap_next(); normally used through
 * dma_fence_unwrap_for_each(). While the walk is in progress the cursor
 * owns one reference, the one in @chain. A walk that runs to its end drops
 * it by itself; a caller leaving the walk early has to release it with
 * dma_fence_put() on @chain.
 */
struct dma_fence_unwrap {
	/**
	 * @chain: the &struct dma_fence_chain link being visited, or the
	 * starting fence itself when that is not a chain link. Holds a
	 * reference; NULL once the walk is over.
	 */
	struct dma_fence *chain;
	/**
	 * @array: the fence wrapped by @chain. When it is a
	 * &struct dma_fence_array its members are visited one by one,
	 * otherwise it is visited as it is. Borrowed from @chain.
	 */
	struct dma_fence *array;
	/**
	 * @index: position inside @array of the fence returned last
	 */
	unsigned int index;
};

struct dma_fence *dma_fence_unwrap_first(struct dma_fence *head,
					 struct dma_fence_unwrap *cursor);
struct dma_fence *dma_fence_unwrap_next(struct dma_fence_unwrap *cursor);

/**
 * dma_fence_unwrap_for_each - visit every plain fence behind a fence
 * @fence: loop variable, set to each fence found in turn
 * @cursor: a &struct dma_fence_unwrap keeping the position of the walk
 * @head: fence to take apart; a chain, an array, a chain of arrays, or a
 *	plain fence, which is then the only one visited
 *
 * The fences handed out in @fence carry no reference of their own; they
 * stay valid while the walk goes on, because @cursor pins the container
 * they come from. Use dma_fence_get() to keep one past the current
 * iteration. Breaking out of the loop leaves @cursor holding a reference,
 * see &struct dma_fence_unwrap.
 *
 * A member of an array that is itself an array or a chain, or a link
 * wrapping another chain, is visited as it is rather than taken apart;
 * see "fence unwrapping" in dma-fence-unwrap.c.
 *
 * @cursor and @head are evaluated only once; a second loop-local pointer
 * remembers whether the walk still has to be started.
 */
#define dma_fence_unwrap_for_each(fence, cursor, head)			\
	for (struct dma_fence_unwrap *__dfu_pos = (cursor),		\
	     *__dfu_start = __dfu_pos;					\
	     ((fence) = __dfu_start ?					\
		dma_fence_unwrap_first((head), __dfu_pos) :		\
		dma_fence_unwrap_next(__dfu_pos));			\
	     __dfu_start = NULL)

struct dma_fence *__dma_fence_unwrap_merge(unsigned int num_fences,
					   struct dma_fence **fences,
					   struct dma_fence_unwrap *cursors);

/**
 * dma_fence_unwrap_merge - combine fences into a single flat fence
 * @...: the fences to combine; each may be a plain fence or a container
 *
 * Takes all arguments apart with dma_fence_unwrap_for_each() and returns a
 * fence that completes once every fence found in them has completed: a
 * single fence or a &struct dma_fence_array, with at most one fence per
 * context. For the usual inputs (plain fences, arrays of them, chains of
 * those) the result holds plain fences only; containers nested deeper are
 * kept whole (see the DOC section on unwrapping). The arguments keep their
 * references.
 *
 * This is a macro so that the argument list and the per-argument cursors
 * live in the caller's stack frame, sized at compile time; see
 * __dma_fence_unwrap_merge() for the details of the result.
 *
 * Return: a new reference to the combined fence, or NULL when memory ran
 * out.
 */
#define dma_fence_unwrap_merge(...)					\
	({								\
		struct dma_fence *__dfu_in[] = { __VA_ARGS__ };	\
		struct dma_fence_unwrap __dfu_pos[ARRAY_SIZE(__dfu_in)];\
									\
		__dma_fence_unwrap_merge(ARRAY_SIZE(__dfu_in), __dfu_in, \
					 __dfu_pos);			\
	})

#endif /* __LINUX_DMA_FENCE_UNWRAP_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dma-buf heaps: named allocators that user space reaches through
 * /dev/dma_heap/NAME and that hand out dma-buf file descriptors.
 *
 * A heap driver fills in a &struct dma_heap_export_info and registers it
 * with dma_heap_add() once, at boot. Heaps live as long as the kernel
 * does: there is no way to remove one.
 */
#ifndef _DMA_HEAPS_H
#define _DMA_HEAPS_H

#include <linux/types.h>

struct dma_buf;
struct dma_heap;

/**
 * struct dma_heap_ops - what a heap driver implements
 * @allocate: create a new dma-buf of @len bytes.
 *
 * @allocate is called from the %DMA_HEAP_IOCTL_ALLOC ioctl, in the
 * context of the allocating process, with no lock held; it may sleep and
 * runs concurrently with itself. The framework has already checked the
 * request: @len is a non-zero multiple of PAGE_SIZE, @fd_flags is a
 * subset of %DMA_HEAP_VALID_FD_FLAGS and @heap_flags of
 * %DMA_HEAP_VALID_HEAP_FLAGS. The heap exports the buffer with @fd_flags
 * as the file flags; the framework then installs the descriptor. It must
 * return the new &struct dma_buf, holding the only reference, or an
 * ERR_PTR() (-ENOMEM when memory runs out, -EINTR when a fatal signal cut
 * a long allocation short), having freed everything it allocated.
 *
 * Memory accounting: when mem_accounting is set, a heap charges its pages
 * by allocating them with __GFP_ACCOUNT. If the request named another
 * process with charge_pid_fd, @allocate runs with that process's memory
 * cgroup as the active memcg (set_active_memcg()), so the same flag
 * charges the right cgroup without the heap knowing who asked.
 */
struct dma_heap_ops {
	struct dma_buf *(*allocate)(struct dma_heap *heap,
				    unsigned long len,
				    u32 fd_flags,
				    u64 heap_flags);
};

/**
 * struct dma_heap_export_info - what dma_heap_add() needs to know
 * @name: the heap's name, unique among heaps: the device node is
 *	/dev/dma_heap/@name. The string is not copied and must stay valid
 *	for as long as the kernel runs.
 * @ops: the heap's operations; @ops->allocate is mandatory
 * @priv: the driver's data, returned by dma_heap_get_drvdata()
 */
struct dma_heap_export_info {
	const char *name;
	const struct dma_heap_ops *ops;
	void *priv;
};

/*
 * The dma_heap.mem_accounting parameter (Linux 7.0): whether heaps charge
 * the pages of their buffers to the allocating task's memory cgroup, with
 * __GFP_ACCOUNT. Fixed at boot. Ours defaults to on
 * (CONFIG_DMABUF_HEAPS_MEM_ACCOUNTING); upstream's to off.
 */
extern bool mem_accounting;

void *dma_heap_get_drvdata(struct dma_heap *heap);

const char *dma_heap_get_name(struct dma_heap *heap);

struct dma_heap *dma_heap_add(const struct dma_heap_export_info *exp_info);

#endif /* _DMA_HEAPS_H */

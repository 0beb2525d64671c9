/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The buffer plumbing that the system and CMA heaps share: attachments
 * with a private copy of the buffer's scatterlist each, their DMA mapping,
 * the CPU access brackets and a reference-counted kernel mapping. A heap
 * embeds a &struct dma_heap_buffer in its own buffer, points &dma_buf.priv
 * at it and uses the functions below as its &dma_buf_ops; what differs
 * between heaps (how the pages are found) comes in through
 * &struct dma_heap_buffer_ops.
 */
#ifndef DMA_BUF_HEAP_HELPERS_H
#define DMA_BUF_HEAP_HELPERS_H

#include <linux/dma-direction.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

struct dma_buf;
struct dma_buf_attachment;
struct dma_heap_buffer;
struct iosys_map;
struct sg_table;

/**
 * struct dma_heap_buffer_ops - what a heap tells the helpers of its buffers
 * @fill_table: allocate @table and describe every page of the buffer in
 *	it, in order; the table is not DMA-mapped. Returns 0 or an error.
 *	Called for every new attachment, without the buffer lock.
 * @map_kernel: a new kernel mapping of the whole buffer, or NULL when
 *	there is no memory for it. Called under the buffer lock.
 */
struct dma_heap_buffer_ops {
	int (*fill_table)(struct dma_heap_buffer *buf, struct sg_table *table);
	void *(*map_kernel)(struct dma_heap_buffer *buf);
};

/**
 * struct dma_heap_buffer - the part of a heap's buffer the helpers manage
 * @ops: the heap's callbacks
 * @lock: guards @attachments, their mapped flags, @vmap_count and @vaddr;
 *	nests inside the dma-buf's reservation lock, which the core holds
 *	around map_dma_buf and vmap
 * @attachments: the buffer's attachments, each with its own scatterlist
 * @len: size in bytes, a multiple of PAGE_SIZE
 * @vmap_count: users of @vaddr
 * @vaddr: the kernel mapping while @vmap_count is not zero
 */
struct dma_heap_buffer {
	const struct dma_heap_buffer_ops *ops;
	struct mutex lock;	/* attachments and kernel mapping */
	struct list_head attachments;
	unsigned long len;
	unsigned int vmap_count;
	void *vaddr;
};

void dma_heap_buffer_init(struct dma_heap_buffer *buf,
			  const struct dma_heap_buffer_ops *ops,
			  unsigned long len);
void dma_heap_buffer_fini(struct dma_heap_buffer *buf);

int dma_heap_buffer_attach(struct dma_buf *dmabuf,
			   struct dma_buf_attachment *attachment);
void dma_heap_buffer_detach(struct dma_buf *dmabuf,
			    struct dma_buf_attachment *attachment);
struct sg_table *dma_heap_buffer_map(struct dma_buf_attachment *attachment,
				     enum dma_data_direction dir);
void dma_heap_buffer_unmap(struct dma_buf_attachment *attachment,
			   struct sg_table *table,
			   enum dma_data_direction dir);
int dma_heap_buffer_begin_cpu_access(struct dma_buf *dmabuf,
				     enum dma_data_direction dir);
int dma_heap_buffer_end_cpu_access(struct dma_buf *dmabuf,
				   enum dma_data_direction dir);
int dma_heap_buffer_vmap(struct dma_buf *dmabuf, struct iosys_map *map);
void dma_heap_buffer_vunmap(struct dma_buf *dmabuf, struct iosys_map *map);

#endif /* DMA_BUF_HEAP_HELPERS_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "system" dma-buf heap: buffers made of ordinary pages from the buddy
 * allocator, zeroed, cached, and mapped for devices through the DMA API.
 *
 * A buffer is a list of chunks of 1 MiB, 64 KiB or 4 KiB (orders 8, 4 and
 * 0), taken largest first: big chunks mean short scatterlists, fewer IOMMU
 * TLB entries and fast mmap()s. Only the smallest order may reclaim or
 * warn; a larger chunk that is not at hand right away is simply given up
 * for smaller ones, and once an order failed the rest of the buffer does
 * not try it again.
 *
 * The chunks are recorded in the buffer's own sg_table, which is never
 * DMA-mapped. Every attachment gets a copy to map, since a mapping writes
 * device addresses into the table it is given. The buffer's mutex guards
 * the attachment list, the mapped flags and the kernel mapping; it nests
 * inside the dma-buf's reservation lock, which the core holds around
 * map_dma_buf and vmap.
 *
 * The buffer is static: its pages never move, so importers need no
 * pin/unpin or move_notify.
 */

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/iosys-map.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

/**
 * struct system_heap_buffer - one buffer of the system heap
 * @heap: the heap it came from
 * @lock: guards @attachments, their mapped flags, @vmap_count and @vaddr
 * @attachments: every &struct system_heap_attachment of the buffer
 * @len: size in bytes, a multiple of PAGE_SIZE
 * @chunks: the pages, one entry per chunk; never DMA-mapped
 * @vmap_count: users of @vaddr
 * @vaddr: the kernel mapping while @vmap_count is not zero
 */
struct system_heap_buffer {
	struct dma_heap *heap;
	struct mutex lock;	/* attachments and kernel mapping */
	struct list_head attachments;
	unsigned long len;
	struct sg_table chunks;
	unsigned int vmap_count;
	void *vaddr;
};

/**
 * struct system_heap_attachment - a device's view of a buffer
 * @dev: the attached device
 * @table: this device's copy of the chunk list, DMA-mapped while @mapped
 * @link: entry in &system_heap_buffer.attachments
 * @mapped: whether @table holds a live DMA mapping, under the buffer lock
 */
struct system_heap_attachment {
	struct device *dev;
	struct sg_table table;
	struct list_head link;
	bool mapped;
};

/* Chunk orders, tried from the first: 1 MiB, 64 KiB, 4 KiB (4K pages). */
static const unsigned int system_heap_orders[] = { 8, 4, 0 };

/*
 * A chunk above order 0 is an opportunistic bonus: fail fast, without
 * reclaim or an allocation-failure warning, and fall back to smaller
 * ones. Only order 0 may work hard for its page. Every chunk is zeroed,
 * and higher orders are compound so that the pages know their chunk.
 */
static gfp_t system_heap_gfp(unsigned int order)
{
	gfp_t gfp = GFP_HIGHUSER | __GFP_ZERO;

	if (!order)
		return gfp;
	return (gfp & ~__GFP_RECLAIM) | __GFP_NORETRY | __GFP_NOWARN |
	       __GFP_COMP;
}

static void system_heap_free_chunk(struct page *page, unsigned int bytes)
{
	__free_pages(page, get_order(bytes));
}

/* Duplicate the chunk list of @buf into @table, unmapped. */
static int system_heap_copy_chunks(struct system_heap_buffer *buf,
				   struct sg_table *table)
{
	struct scatterlist *from, *to;
	unsigned int i;
	int err;

	err = sg_alloc_table(table, buf->chunks.orig_nents, GFP_KERNEL);
	if (err)
		return err;

	to = table->sgl;
	for_each_sgtable_sg(&buf->chunks, from, i) {
		sg_set_page(to, sg_page(from), from->length, from->offset);
		to = sg_next(to);
	}
	return 0;
}

static int system_heap_attach(struct dma_buf *dmabuf,
			      struct dma_buf_attachment *attachment)
{
	struct system_heap_buffer *buf = dmabuf->priv;
	struct system_heap_attachment *a;
	int err;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;

	err = system_heap_copy_chunks(buf, &a->table);
	if (err) {
		kfree(a);
		return err;
	}
	a->dev = attachment->dev;
	attachment->priv = a;

	mutex_lock(&buf->lock);
	list_add(&a->link, &buf->attachments);
	mutex_unlock(&buf->lock);
	return 0;
}

static void system_heap_detach(struct dma_buf *dmabuf,
			       struct dma_buf_attachment *attachment)
{
	struct system_heap_buffer *buf = dmabuf->priv;
	struct system_heap_attachment *a = attachment->priv;

	mutex_lock(&buf->lock);
	list_del(&a->link);
	mutex_unlock(&buf->lock);

	sg_free_table(&a->table);
	kfree(a);
}

static struct sg_table *
system_heap_map_dma_buf(struct dma_buf_attachment *attachment,
			enum dma_data_direction dir)
{
	struct system_heap_buffer *buf = attachment->dmabuf->priv;
	struct system_heap_attachment *a = attachment->priv;
	int err;

	err = dma_map_sgtable(a->dev, &a->table, dir, 0);
	if (err)
		return ERR_PTR(err);

	mutex_lock(&buf->lock);
	a->mapped = true;
	mutex_unlock(&buf->lock);
	return &a->table;
}

static void system_heap_unmap_dma_buf(struct dma_buf_attachment *attachment,
				      struct sg_table *table,
				      enum dma_data_direction dir)
{
	struct system_heap_buffer *buf = attachment->dmabuf->priv;
	struct system_heap_attachment *a = attachment->priv;

	mutex_lock(&buf->lock);
	a->mapped = false;
	mutex_unlock(&buf->lock);

	dma_unmap_sgtable(a->dev, table, dir, 0);
}

/*
 * CPU access brackets: make the caches right for the CPU at the start and
 * for the devices at the end, both through the kernel mapping, if any, and
 * through the DMA mappings of every mapped attachment.
 */
static int system_heap_begin_cpu_access(struct dma_buf *dmabuf,
					enum dma_data_direction dir)
{
	struct system_heap_buffer *buf = dmabuf->priv;
	struct system_heap_attachment *a;

	mutex_lock(&buf->lock);
	if (buf->vmap_count)
		invalidate_kernel_vmap_range(buf->vaddr, buf->len);
	list_for_each_entry(a, &buf->attachments, link)
		if (a->mapped)
			dma_sync_sgtable_for_cpu(a->dev, &a->table, dir);
	mutex_unlock(&buf->lock);
	return 0;
}

static int system_heap_end_cpu_access(struct dma_buf *dmabuf,
				      enum dma_data_direction dir)
{
	struct system_heap_buffer *buf = dmabuf->priv;
	struct system_heap_attachment *a;

	mutex_lock(&buf->lock);
	if (buf->vmap_count)
		flush_kernel_vmap_range(buf->vaddr, buf->len);
	list_for_each_entry(a, &buf->attachments, link)
		if (a->mapped)
			dma_sync_sgtable_for_device(a->dev, &a->table, dir);
	mutex_unlock(&buf->lock);
	return 0;
}

/*
 * Map the whole VMA up front, one remap_pfn_range() per chunk rather than
 * per page: a chunk is physically contiguous, and a 1 MiB chunk is then a
 * single page-table walk instead of 256. The core has already checked that
 * the VMA, from its page offset on, lies within the buffer.
 *
 * Which mappings succeed is part of the ABI and must not depend on how the
 * pages were allocated. remap_pfn_range() accepts a copy-on-write (private,
 * possibly writable) mapping only in one call covering the whole VMA, and
 * the ABI is that of mapping page by page: a private mapping of a single
 * page works, any longer one fails with -EINVAL, even where one chunk
 * would cover it.
 */
static int system_heap_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct system_heap_buffer *buf = dmabuf->priv;
	unsigned long skip = vma->vm_pgoff;	/* pages before the VMA */
	unsigned long addr = vma->vm_start;
	struct scatterlist *sg;
	unsigned int i;
	int err;

	if (is_cow_mapping(vma->vm_flags) && vma_pages(vma) > 1)
		return -EINVAL;

	for_each_sgtable_sg(&buf->chunks, sg, i) {
		unsigned long pages = sg->length >> PAGE_SHIFT;
		unsigned long bytes;

		if (skip >= pages) {
			skip -= pages;
			continue;
		}
		bytes = min((pages - skip) << PAGE_SHIFT, vma->vm_end - addr);
		err = remap_pfn_range(vma, addr, page_to_pfn(sg_page(sg)) + skip,
				      bytes, vma->vm_page_prot);
		if (err)
			return err;
		addr += bytes;
		skip = 0;
		if (addr >= vma->vm_end)
			break;
	}
	return 0;
}

/* A new kernel mapping of every page of @buf, in order. */
static void *system_heap_map_kernel(struct system_heap_buffer *buf)
{
	unsigned long count = buf->len >> PAGE_SHIFT, n = 0, j;
	struct scatterlist *sg;
	struct page **pages;
	unsigned int i;
	void *vaddr;

	pages = kvmalloc_array(count, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;

	for_each_sgtable_sg(&buf->chunks, sg, i)
		for (j = 0; j < sg->length >> PAGE_SHIFT; j++)
			pages[n++] = nth_page(sg_page(sg), j);

	/* vmap() keeps the pages, not the array. */
	vaddr = vmap(pages, count, VM_MAP, PAGE_KERNEL);
	kvfree(pages);
	return vaddr;
}

static int system_heap_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct system_heap_buffer *buf = dmabuf->priv;
	int err = 0;

	mutex_lock(&buf->lock);
	if (!buf->vmap_count) {
		buf->vaddr = system_heap_map_kernel(buf);
		if (!buf->vaddr)
			err = -ENOMEM;
	}
	if (!err) {
		buf->vmap_count++;
		iosys_map_set_vaddr(map, buf->vaddr);
	}
	mutex_unlock(&buf->lock);
	return err;
}

static void system_heap_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct system_heap_buffer *buf = dmabuf->priv;

	mutex_lock(&buf->lock);
	if (!WARN_ON(!buf->vmap_count) && !--buf->vmap_count) {
		vunmap(buf->vaddr);
		buf->vaddr = NULL;
	}
	mutex_unlock(&buf->lock);
	iosys_map_clear(map);
}

static void system_heap_free_chunks(struct sg_table *chunks)
{
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_sg(chunks, sg, i)
		system_heap_free_chunk(sg_page(sg), sg->length);
	sg_free_table(chunks);
}

static void system_heap_release(struct dma_buf *dmabuf)
{
	struct system_heap_buffer *buf = dmabuf->priv;

	/* An importer that forgot its vunmap(): do not leak the mapping. */
	if (WARN_ON(buf->vmap_count))
		vunmap(buf->vaddr);
	system_heap_free_chunks(&buf->chunks);
	mutex_destroy(&buf->lock);
	kfree(buf);
}

static const struct dma_buf_ops system_heap_buf_ops = {
	.release = system_heap_release,
	.mmap = system_heap_mmap,
	.begin_cpu_access = system_heap_begin_cpu_access,
	.end_cpu_access = system_heap_end_cpu_access,
	.vmap = system_heap_vmap,
	.vunmap = system_heap_vunmap,
	.attach = system_heap_attach,
	.map_dma_buf = system_heap_map_dma_buf,
	.unmap_dma_buf = system_heap_unmap_dma_buf,
	.detach = system_heap_detach,
};

/*
 * The largest chunk that fits in @left bytes, of an order no larger than
 * *@max_order, which is lowered to the order obtained so that orders that
 * already failed are not tried again.
 */
static struct page *system_heap_get_chunk(unsigned long left,
					  unsigned int *max_order)
{
	unsigned int i, order;
	struct page *page;

	for (i = 0; i < ARRAY_SIZE(system_heap_orders); i++) {
		order = system_heap_orders[i];
		if (order > *max_order || left < (PAGE_SIZE << order))
			continue;
		page = alloc_pages(system_heap_gfp(order), order);
		if (page) {
			*max_order = order;
			return page;
		}
	}
	return NULL;
}

/*
 * Fill @chunks with zeroed pages for @len bytes. The chunks are gathered
 * on a list threaded through their first page's lru field, as the table
 * can only be sized once their number is known. A fatal signal stops the
 * gathering: a process being killed must not first eat all memory.
 */
static int system_heap_get_pages(struct sg_table *chunks, unsigned long len)
{
	unsigned int max_order = system_heap_orders[0], count = 0;
	struct page *page, *next;
	struct scatterlist *sg;
	unsigned long left = len;
	LIST_HEAD(pages);
	int err = 0;

	while (left) {
		if (fatal_signal_pending(current)) {
			err = -EINTR;
			break;
		}
		page = system_heap_get_chunk(left, &max_order);
		if (!page) {
			err = -ENOMEM;
			break;
		}
		list_add_tail(&page->lru, &pages);
		left -= PAGE_SIZE << max_order;
		count++;
	}

	if (!err)
		err = sg_alloc_table(chunks, count, GFP_KERNEL);

	sg = err ? NULL : chunks->sgl;
	list_for_each_entry_safe(page, next, &pages, lru) {
		list_del(&page->lru);
		if (err) {
			__free_pages(page, compound_order(page));
			continue;
		}
		sg_set_page(sg, page, page_size(page), 0);
		sg = sg_next(sg);
	}
	return err;
}

static struct dma_buf *system_heap_allocate(struct dma_heap *heap,
					    unsigned long len, u32 fd_flags,
					    u64 heap_flags)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct system_heap_buffer *buf;
	struct dma_buf *dmabuf;
	int err;

	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	buf->heap = heap;
	buf->len = len;
	mutex_init(&buf->lock);
	INIT_LIST_HEAD(&buf->attachments);

	err = system_heap_get_pages(&buf->chunks, len);
	if (err)
		goto free_buffer;

	exp_info.priv = buf;
	exp_info.ops = &system_heap_buf_ops;
	exp_info.size = len;
	exp_info.flags = fd_flags;
	exp_info.exp_name = dma_heap_get_name(heap);
	dmabuf = dma_buf_export(&exp_info);
	if (IS_ERR(dmabuf)) {
		err = PTR_ERR(dmabuf);
		system_heap_free_chunks(&buf->chunks);
		goto free_buffer;
	}
	return dmabuf;

free_buffer:
	mutex_destroy(&buf->lock);
	kfree(buf);
	return ERR_PTR(err);
}

static const struct dma_heap_ops system_heap_ops = {
	.allocate = system_heap_allocate,
};

static int __init system_heap_init(void)
{
	static const struct dma_heap_export_info info = {
		.name = "system",
		.ops = &system_heap_ops,
	};

	return PTR_ERR_OR_ZERO(dma_heap_add(&info));
}
module_init(system_heap_init);

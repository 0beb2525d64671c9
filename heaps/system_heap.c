// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "system" dma-buf heap: buffers made of ordinary pages from the buddy
 * allocator, zeroed, cached, and mapped for devices through the DMA API.
 *
 * A buffer is a list of chunks of 1 MiB, 64 KiB or one page, taken
 * largest first: big chunks mean short scatterlists, fewer IOMMU TLB
 * entries and fast mmap()s. The sizes are in bytes, whatever the page
 * size: 1 MiB and 64 KiB are block sizes IOMMUs map well, and 6.12's
 * orders 8, 4 and 0 (the same sizes with 4K pages) would mean 16 MiB
 * chunks with 64K pages, where 64 KiB is the page itself. Only the
 * smallest order may reclaim or warn; a larger chunk that is not at hand
 * right away is simply given up for smaller ones, and once an order
 * failed the rest of the buffer does not try it again.
 *
 * The chunks are recorded in the buffer's own sg_table, which is never
 * DMA-mapped: every attachment maps a copy of it. Attachments, their DMA
 * mappings, the CPU access brackets and the kernel mapping are the heap
 * helpers' (heap-helpers.h), which the CMA heap shares.
 *
 * The buffer is static: its pages never move, so importers need no
 * pin/unpin or move_notify.
 *
 * With mem_accounting set (our default) every chunk is allocated with
 * __GFP_ACCOUNT, so the page allocator charges it to the memory cgroup of
 * the allocating task, or of the task a charge_pid_fd named (dma-heap.c
 * makes that cgroup the active one), and uncharges it when it is freed:
 * one charge per chunk, made by the page allocator, that lives exactly as
 * long as the pages. (The dma-buf's file, like every file, is charged by
 * the slab allocator.)
 */

#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <linux/container_of.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/err.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "../dma-buf-internal.h"
#include "../dma-buf-kunit-hooks.h"
#include "heap-helpers.h"

/**
 * struct system_heap_buffer - one buffer of the system heap
 * @hb: attachments, size and kernel mapping; &dma_buf.priv points here
 * @heap: the heap it came from
 * @chunks: the pages, one entry per chunk; never DMA-mapped
 */
struct system_heap_buffer {
	struct dma_heap_buffer hb;
	struct dma_heap *heap;
	struct sg_table chunks;
};

static struct system_heap_buffer *to_system_buffer(struct dma_heap_buffer *hb)
{
	return container_of(hb, struct system_heap_buffer, hb);
}

/* The order of a chunk of @bytes, a power of two of at least a page. */
#define SYSTEM_HEAP_ORDER(bytes)	(ilog2(bytes) - PAGE_SHIFT)
static_assert(PAGE_SHIFT < 20, "pages as large as the largest chunk");

/* Chunk orders, tried from the first: 1 MiB, 64 KiB, a page. */
static const unsigned int system_heap_orders[] = {
	SYSTEM_HEAP_ORDER(SZ_1M),
#if PAGE_SHIFT < 16
	SYSTEM_HEAP_ORDER(SZ_64K),
#endif
	0,
};

/*
 * A chunk above order 0 is an opportunistic bonus: fail fast, without
 * reclaim or an allocation-failure warning, and fall back to smaller
 * ones. Only order 0 may work hard for its page. Every chunk is zeroed,
 * and higher orders are compound so that the pages know their chunk.
 *
 * Charged chunks: one that does not fit under the cgroup's memory.max
 * fails its charge. Above order 0 that is at once (no reclaim), and the
 * next order down is tried. Order 0 reclaims in the cgroup first and,
 * with __GFP_RETRY_MAYFAIL, then fails instead of calling the OOM
 * killer: a buffer too large for its cgroup is the caller's -ENOMEM,
 * not the death of a process. The same flag keeps an order-0 page that
 * the whole system lacks from OOM-killing anyone.
 */
VISIBLE_IF_KUNIT gfp_t system_heap_gfp(unsigned int order)
{
	gfp_t gfp = GFP_HIGHUSER | __GFP_ZERO;

	if (mem_accounting)
		gfp |= __GFP_ACCOUNT | (order ? 0 : __GFP_RETRY_MAYFAIL);
	if (!order)
		return gfp;
	return (gfp & ~__GFP_RECLAIM) | __GFP_NORETRY | __GFP_NOWARN |
	       __GFP_COMP;
}
EXPORT_SYMBOL_IF_KUNIT(system_heap_gfp);

static void system_heap_free_chunk(struct page *page, unsigned int bytes)
{
	__free_pages(page, get_order(bytes));
}

/* Duplicate the chunk list of the buffer into @table, unmapped. */
static int system_heap_copy_chunks(struct dma_heap_buffer *hb,
				   struct sg_table *table)
{
	struct system_heap_buffer *buf = to_system_buffer(hb);
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
	struct system_heap_buffer *buf = to_system_buffer(dmabuf->priv);
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

/* A new kernel mapping of every page of the buffer, in order. */
static void *system_heap_map_kernel(struct dma_heap_buffer *hb)
{
	struct system_heap_buffer *buf = to_system_buffer(hb);
	unsigned long count = hb->len >> PAGE_SHIFT, n = 0, j;
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
	struct system_heap_buffer *buf = to_system_buffer(dmabuf->priv);

	dma_heap_buffer_fini(&buf->hb);
	system_heap_free_chunks(&buf->chunks);
	kfree(buf);
}

static const struct dma_heap_buffer_ops system_heap_buffer_ops = {
	.fill_table = system_heap_copy_chunks,
	.map_kernel = system_heap_map_kernel,
};

static const struct dma_buf_ops system_heap_buf_ops = {
	.release = system_heap_release,
	.mmap = system_heap_mmap,
	.begin_cpu_access = dma_heap_buffer_begin_cpu_access,
	.end_cpu_access = dma_heap_buffer_end_cpu_access,
	.vmap = dma_heap_buffer_vmap,
	.vunmap = dma_heap_buffer_vunmap,
	.attach = dma_heap_buffer_attach,
	.map_dma_buf = dma_heap_buffer_map,
	.unmap_dma_buf = dma_heap_buffer_unmap,
	.detach = dma_heap_buffer_detach,
};

/* One zeroed chunk of 2^@order pages, or NULL. */
VISIBLE_IF_KUNIT struct page *system_heap_alloc_chunk(unsigned int order)
{
	KUNIT_STATIC_STUB_REDIRECT(system_heap_alloc_chunk, order);
	return alloc_pages(system_heap_gfp(order), order);
}
EXPORT_SYMBOL_IF_KUNIT(system_heap_alloc_chunk);

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
		page = system_heap_alloc_chunk(order);
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

/*
 * The buffer is exported before its pages are gathered, and dropped again
 * if they cannot be. The export allocates a file, an inode and a dentry,
 * all charged to the memory cgroup like the pages; made after the pages,
 * they could find the cgroup filled to its memory.max by them, and an
 * ordinary small allocation at the limit calls the cgroup's OOM killer,
 * where the pages themselves would only have failed. Until the pages are
 * there nothing can reach the buffer: it has no descriptor yet, and its
 * release frees whatever chunk table it has, empty or not.
 */
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
	dma_heap_buffer_init(&buf->hb, &system_heap_buffer_ops, len);
	buf->heap = heap;

	exp_info.priv = &buf->hb;
	exp_info.ops = &system_heap_buf_ops;
	exp_info.size = len;
	exp_info.flags = fd_flags;
	exp_info.exp_name = dma_heap_get_name(heap);
	dmabuf = dma_buf_export(&exp_info);
	if (IS_ERR(dmabuf)) {
		dma_heap_buffer_fini(&buf->hb);
		kfree(buf);
		return dmabuf;
	}

	err = system_heap_get_pages(&buf->chunks, len);
	if (err) {
		dma_buf_put(dmabuf);
		return ERR_PTR(err);
	}
	if (mem_accounting)
		dma_buf_note_charge(dmabuf, sg_page(buf->chunks.sgl), len);
	return dmabuf;
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
MODULE_IMPORT_NS(DMA_BUF);
MODULE_IMPORT_NS(DMA_BUF_HEAP);

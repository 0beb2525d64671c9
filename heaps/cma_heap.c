// SPDX-License-Identifier: GPL-2.0-only
/*
 * CMA dma-buf heaps: physically contiguous buffers from the Contiguous
 * Memory Allocator.
 *
 * One heap serves the default CMA area (cma=, CMA_SIZE_* or a
 * reserved-memory node with linux,cma-default), named after the area.
 * ABI: userspace sees "reserved" for an area from the command line or
 * Kconfig, the node name for one from the device tree. Every other
 * reusable "shared-dma-pool" reserved-memory region that became a CMA area
 * gets a heap of its own, named after its full node name (say
 * "framebuffer@80000000"), so that user space can allocate from memory set
 * aside for a purpose.
 *
 * A buffer is one run of pages, so it is described by its first page and
 * its length: no page array is kept. User mappings are filled page by
 * page from the fault handler; kernel mappings and scatterlists are built
 * from the run when asked for. Attachments, their DMA mappings, the CPU
 * access brackets and the kernel mapping are the heap helpers'
 * (heap-helpers.h), which the system heap shares.
 */

#include <linux/cma.h>
#include <linux/container_of.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/dma-map-ops.h>
#include <linux/err.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_reserved_mem.h>
#include <linux/scatterlist.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "heap-helpers.h"

/**
 * struct cma_heap - a heap and the CMA area it allocates from
 * @heap: the registered heap
 * @cma: its area
 */
struct cma_heap {
	struct dma_heap *heap;
	struct cma *cma;
};

/**
 * struct cma_heap_buffer - one buffer of a CMA heap
 * @hb: attachments, size and kernel mapping; &dma_buf.priv points here
 * @heap: the heap it came from, to give the pages back to its area
 * @first: the first page of the run
 * @pagecount: length of the run in pages
 */
struct cma_heap_buffer {
	struct dma_heap_buffer hb;
	struct cma_heap *heap;
	struct page *first;
	pgoff_t pagecount;
};

static struct cma_heap_buffer *to_cma_buffer(struct dma_heap_buffer *hb)
{
	return container_of(hb, struct cma_heap_buffer, hb);
}

/* The largest page-aligned length a scatterlist entry can hold. */
#define CMA_HEAP_MAX_SEGMENT	((unsigned long)(UINT_MAX & PAGE_MASK))

/* Describe the run of the buffer in @table, in as few entries as fit. */
static int cma_heap_fill_table(struct dma_heap_buffer *hb,
			       struct sg_table *table)
{
	struct cma_heap_buffer *buf = to_cma_buffer(hb);
	unsigned long size = hb->len, done = 0;
	struct scatterlist *sg;
	unsigned int i;
	int err;

	err = sg_alloc_table(table, DIV_ROUND_UP(size, CMA_HEAP_MAX_SEGMENT),
			     GFP_KERNEL);
	if (err)
		return err;

	for_each_sgtable_sg(table, sg, i) {
		unsigned long bytes = min(size - done, CMA_HEAP_MAX_SEGMENT);

		sg_set_page(sg, nth_page(buf->first, done >> PAGE_SHIFT),
			    bytes, 0);
		done += bytes;
	}
	return 0;
}

/*
 * The helpers' map, with one difference: importers see any mapping failure
 * of this heap as -ENOMEM.
 */
static struct sg_table *
cma_heap_map_dma_buf(struct dma_buf_attachment *attachment,
		     enum dma_data_direction dir)
{
	struct sg_table *table = dma_heap_buffer_map(attachment, dir);

	return IS_ERR(table) ? ERR_PTR(-ENOMEM) : table;
}

/*
 * A user touched a page of the mapping that is not there yet. The page
 * offset counts from the start of the buffer and must name one of its
 * pages: offset == pagecount is already past the end, and letting it
 * through would map the page after the buffer. The core refuses mappings
 * that reach past the buffer and the VMA cannot grow, so this is a last
 * line of defence.
 */
static vm_fault_t cma_heap_fault(struct vm_fault *vmf)
{
	struct cma_heap_buffer *buf = vmf->vma->vm_private_data;

	if (vmf->pgoff >= buf->pagecount)
		return VM_FAULT_SIGBUS;
	return vmf_insert_pfn(vmf->vma, vmf->address,
			      page_to_pfn(buf->first) + vmf->pgoff);
}

static const struct vm_operations_struct cma_heap_vm_ops = {
	.fault = cma_heap_fault,
};

static int cma_heap_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	/* Private copies of PFN-mapped pages cannot work: shared only. */
	if (!(vma->vm_flags & (VM_SHARED | VM_MAYSHARE)))
		return -EINVAL;

	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &cma_heap_vm_ops;
	vma->vm_private_data = to_cma_buffer(dmabuf->priv);
	return 0;
}

/* A new kernel mapping of the run of the buffer. */
static void *cma_heap_map_kernel(struct dma_heap_buffer *hb)
{
	struct cma_heap_buffer *buf = to_cma_buffer(hb);
	struct page **pages;
	void *vaddr;
	pgoff_t i;

	pages = kvmalloc_array(buf->pagecount, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < buf->pagecount; i++)
		pages[i] = nth_page(buf->first, i);

	/* vmap() keeps the pages, not the array. */
	vaddr = vmap(pages, buf->pagecount, VM_MAP, PAGE_KERNEL);
	kvfree(pages);
	return vaddr;
}

static void cma_heap_release(struct dma_buf *dmabuf)
{
	struct cma_heap_buffer *buf = to_cma_buffer(dmabuf->priv);

	dma_heap_buffer_fini(&buf->hb);
	cma_release(buf->heap->cma, buf->first, buf->pagecount);
	kfree(buf);
}

static const struct dma_heap_buffer_ops cma_heap_buffer_ops = {
	.fill_table = cma_heap_fill_table,
	.map_kernel = cma_heap_map_kernel,
};

static const struct dma_buf_ops cma_heap_buf_ops = {
	.release = cma_heap_release,
	.mmap = cma_heap_mmap,
	.begin_cpu_access = dma_heap_buffer_begin_cpu_access,
	.end_cpu_access = dma_heap_buffer_end_cpu_access,
	.vmap = dma_heap_buffer_vmap,
	.vunmap = dma_heap_buffer_vunmap,
	.attach = dma_heap_buffer_attach,
	.map_dma_buf = cma_heap_map_dma_buf,
	.unmap_dma_buf = dma_heap_buffer_unmap,
	.detach = dma_heap_buffer_detach,
};

/*
 * Zero the run of @buf a page at a time through a temporary mapping,
 * which also works for highmem pages that have no permanent one. Large
 * runs take a while: yield now and then, and give up if the allocating
 * process is being killed.
 */
static int cma_heap_clear(struct cma_heap_buffer *buf)
{
	pgoff_t i;

	for (i = 0; i < buf->pagecount; i++) {
		clear_highpage(nth_page(buf->first, i));
		if ((i + 1) % 256)
			continue;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

static struct dma_buf *cma_heap_allocate(struct dma_heap *heap,
					 unsigned long len, u32 fd_flags,
					 u64 heap_flags)
{
	struct cma_heap *cma_heap = dma_heap_get_drvdata(heap);
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct cma_heap_buffer *buf;
	unsigned int align;
	struct dma_buf *dmabuf;
	int err = -ENOMEM;

	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	buf->heap = cma_heap;
	buf->pagecount = PAGE_ALIGN(len) >> PAGE_SHIFT;
	dma_heap_buffer_init(&buf->hb, &cma_heap_buffer_ops,
			     (unsigned long)buf->pagecount << PAGE_SHIFT);

	/* Naturally aligned up to the largest alignment CMA promises. */
	align = min_t(unsigned int, get_order(PAGE_ALIGN(len)),
		      CONFIG_CMA_ALIGNMENT);
	/* No warning: a full area is the caller's -ENOMEM, not our bug. */
	buf->first = cma_alloc(cma_heap->cma, buf->pagecount, align, true);
	if (!buf->first)
		goto free_buffer;

	err = cma_heap_clear(buf);
	if (err)
		goto free_pages;

	exp_info.priv = &buf->hb;
	exp_info.ops = &cma_heap_buf_ops;
	exp_info.size = buf->hb.len;
	exp_info.flags = fd_flags;
	exp_info.exp_name = dma_heap_get_name(heap);
	dmabuf = dma_buf_export(&exp_info);
	if (IS_ERR(dmabuf)) {
		err = PTR_ERR(dmabuf);
		goto free_pages;
	}
	return dmabuf;

free_pages:
	cma_release(cma_heap->cma, buf->first, buf->pagecount);
free_buffer:
	dma_heap_buffer_fini(&buf->hb);
	kfree(buf);
	return ERR_PTR(err);
}

static const struct dma_heap_ops cma_heap_ops = {
	.allocate = cma_heap_allocate,
};

/* Register a heap for @cma, named after the area. */
static int __init cma_heap_add(struct cma *cma)
{
	struct dma_heap_export_info info = {
		.name = cma_get_name(cma),
		.ops = &cma_heap_ops,
	};
	struct cma_heap *ch = kzalloc(sizeof(*ch), GFP_KERNEL);
	struct dma_heap *heap;

	if (!ch)
		return -ENOMEM;
	ch->cma = cma;
	info.priv = ch;

	heap = dma_heap_add(&info);
	if (IS_ERR(heap)) {
		kfree(ch);
		return PTR_ERR(heap);
	}
	ch->heap = heap;
	return 0;
}

/* cma_for_each_area() callback: stop (1) at the area @data points to. */
static int __init cma_heap_is_area(struct cma *cma, void *data)
{
	return cma == data;
}

/*
 * The CMA area made from the reserved-memory node @np, or NULL if it is
 * not a reusable shared-dma-pool or did not become a CMA area (a bad
 * alignment, or a default region overridden by cma=). The region's private
 * data is trusted only if it really is one of the CMA areas.
 */
static struct cma *__init cma_heap_area_of(struct device_node *np)
{
	struct reserved_mem *rmem;

	if (!of_device_is_compatible(np, "shared-dma-pool") ||
	    !of_property_read_bool(np, "reusable"))
		return NULL;
	rmem = of_reserved_mem_lookup(np);
	if (!rmem || !rmem->priv)
		return NULL;
	if (cma_for_each_area(cma_heap_is_area, rmem->priv) != 1)
		return NULL;
	return rmem->priv;
}

/*
 * A heap for every CMA region of the device tree other than @def, which
 * has one already. A region that fails is reported and skipped: the others
 * are still worth having. Without a device tree there is nothing to do.
 */
static void __init cma_heap_add_regions(struct cma *def)
{
	struct device_node *parent, *np;
	struct cma *cma;
	int err;

	parent = of_find_node_by_path("/reserved-memory");
	if (!parent)
		return;

	for_each_available_child_of_node(parent, np) {
		cma = cma_heap_area_of(np);
		if (!cma || cma == def)
			continue;
		err = cma_heap_add(cma);
		if (err)
			pr_warn("cma_heap: no heap for region %s: %d\n",
				cma_get_name(cma), err);
	}
	of_node_put(parent);
}

static int __init cma_heaps_init(void)
{
	struct cma *def = dev_get_cma_area(NULL);
	int err = 0;

	if (def)
		err = cma_heap_add(def);
	cma_heap_add_regions(def);
	return err;
}
module_init(cma_heaps_init);
MODULE_DESCRIPTION("DMA-BUF CMA Heap");
MODULE_IMPORT_NS(DMA_BUF);

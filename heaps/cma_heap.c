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
 * from the run when asked for. The buffer's mutex guards the attachment
 * list, the mapped flags and the kernel mapping, and nests inside the
 * dma-buf's reservation lock.
 */

#include <linux/cma.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/iosys-map.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/of.h>
#include <linux/of_reserved_mem.h>
#include <linux/scatterlist.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

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
 * @heap: the heap it came from, to give the pages back to its area
 * @lock: guards @attachments, their mapped flags, @vmap_count and @vaddr
 * @attachments: every &struct cma_heap_attachment of the buffer
 * @first: the first page of the run
 * @pagecount: length of the run in pages
 * @vmap_count: users of @vaddr
 * @vaddr: the kernel mapping while @vmap_count is not zero
 */
struct cma_heap_buffer {
	struct cma_heap *heap;
	struct mutex lock;	/* attachments and kernel mapping */
	struct list_head attachments;
	struct page *first;
	pgoff_t pagecount;
	unsigned int vmap_count;
	void *vaddr;
};

/**
 * struct cma_heap_attachment - a device's view of a buffer
 * @dev: the attached device
 * @table: the run as a scatterlist, DMA-mapped while @mapped
 * @link: entry in &cma_heap_buffer.attachments
 * @mapped: whether @table holds a live DMA mapping, under the buffer lock
 */
struct cma_heap_attachment {
	struct device *dev;
	struct sg_table table;
	struct list_head link;
	bool mapped;
};

/* The largest page-aligned length a scatterlist entry can hold. */
#define CMA_HEAP_MAX_SEGMENT	((unsigned long)(UINT_MAX & PAGE_MASK))

static unsigned long cma_heap_size(const struct cma_heap_buffer *buf)
{
	return (unsigned long)buf->pagecount << PAGE_SHIFT;
}

/* Describe the run of @buf in @table, in as few entries as fit. */
static int cma_heap_fill_table(struct cma_heap_buffer *buf,
			       struct sg_table *table)
{
	unsigned long size = cma_heap_size(buf), done = 0;
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

static int cma_heap_attach(struct dma_buf *dmabuf,
			   struct dma_buf_attachment *attachment)
{
	struct cma_heap_buffer *buf = dmabuf->priv;
	struct cma_heap_attachment *a;
	int err;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;

	err = cma_heap_fill_table(buf, &a->table);
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

static void cma_heap_detach(struct dma_buf *dmabuf,
			    struct dma_buf_attachment *attachment)
{
	struct cma_heap_buffer *buf = dmabuf->priv;
	struct cma_heap_attachment *a = attachment->priv;

	mutex_lock(&buf->lock);
	list_del(&a->link);
	mutex_unlock(&buf->lock);

	sg_free_table(&a->table);
	kfree(a);
}

static struct sg_table *
cma_heap_map_dma_buf(struct dma_buf_attachment *attachment,
		     enum dma_data_direction dir)
{
	struct cma_heap_buffer *buf = attachment->dmabuf->priv;
	struct cma_heap_attachment *a = attachment->priv;

	/* Importers see any mapping failure of this heap as -ENOMEM. */
	if (dma_map_sgtable(a->dev, &a->table, dir, 0))
		return ERR_PTR(-ENOMEM);

	mutex_lock(&buf->lock);
	a->mapped = true;
	mutex_unlock(&buf->lock);
	return &a->table;
}

static void cma_heap_unmap_dma_buf(struct dma_buf_attachment *attachment,
				   struct sg_table *table,
				   enum dma_data_direction dir)
{
	struct cma_heap_buffer *buf = attachment->dmabuf->priv;
	struct cma_heap_attachment *a = attachment->priv;

	mutex_lock(&buf->lock);
	a->mapped = false;
	mutex_unlock(&buf->lock);

	dma_unmap_sgtable(a->dev, table, dir, 0);
}

/*
 * CPU access brackets: caches made right for the CPU at the start and for
 * the devices at the end, through the kernel mapping and every live DMA
 * mapping.
 */
static int cma_heap_begin_cpu_access(struct dma_buf *dmabuf,
				     enum dma_data_direction dir)
{
	struct cma_heap_buffer *buf = dmabuf->priv;
	struct cma_heap_attachment *a;

	mutex_lock(&buf->lock);
	if (buf->vmap_count)
		invalidate_kernel_vmap_range(buf->vaddr,
					     cma_heap_size(buf));
	list_for_each_entry(a, &buf->attachments, link)
		if (a->mapped)
			dma_sync_sgtable_for_cpu(a->dev, &a->table, dir);
	mutex_unlock(&buf->lock);
	return 0;
}

static int cma_heap_end_cpu_access(struct dma_buf *dmabuf,
				   enum dma_data_direction dir)
{
	struct cma_heap_buffer *buf = dmabuf->priv;
	struct cma_heap_attachment *a;

	mutex_lock(&buf->lock);
	if (buf->vmap_count)
		flush_kernel_vmap_range(buf->vaddr, cma_heap_size(buf));
	list_for_each_entry(a, &buf->attachments, link)
		if (a->mapped)
			dma_sync_sgtable_for_device(a->dev, &a->table, dir);
	mutex_unlock(&buf->lock);
	return 0;
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
	vma->vm_private_data = dmabuf->priv;
	return 0;
}

/* A new kernel mapping of the run of @buf. */
static void *cma_heap_map_kernel(struct cma_heap_buffer *buf)
{
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

static int cma_heap_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct cma_heap_buffer *buf = dmabuf->priv;
	int err = 0;

	mutex_lock(&buf->lock);
	if (!buf->vmap_count) {
		buf->vaddr = cma_heap_map_kernel(buf);
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

static void cma_heap_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct cma_heap_buffer *buf = dmabuf->priv;

	mutex_lock(&buf->lock);
	if (!WARN_ON(!buf->vmap_count) && !--buf->vmap_count) {
		vunmap(buf->vaddr);
		buf->vaddr = NULL;
	}
	mutex_unlock(&buf->lock);
	iosys_map_clear(map);
}

static void cma_heap_release(struct dma_buf *dmabuf)
{
	struct cma_heap_buffer *buf = dmabuf->priv;

	/* An importer that forgot its vunmap(): do not leak the mapping. */
	if (WARN_ON(buf->vmap_count))
		vunmap(buf->vaddr);
	cma_release(buf->heap->cma, buf->first, buf->pagecount);
	mutex_destroy(&buf->lock);
	kfree(buf);
}

static const struct dma_buf_ops cma_heap_buf_ops = {
	.release = cma_heap_release,
	.mmap = cma_heap_mmap,
	.begin_cpu_access = cma_heap_begin_cpu_access,
	.end_cpu_access = cma_heap_end_cpu_access,
	.vmap = cma_heap_vmap,
	.vunmap = cma_heap_vunmap,
	.attach = cma_heap_attach,
	.map_dma_buf = cma_heap_map_dma_buf,
	.unmap_dma_buf = cma_heap_unmap_dma_buf,
	.detach = cma_heap_detach,
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
	mutex_init(&buf->lock);
	INIT_LIST_HEAD(&buf->attachments);
	buf->pagecount = PAGE_ALIGN(len) >> PAGE_SHIFT;

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

	exp_info.priv = buf;
	exp_info.ops = &cma_heap_buf_ops;
	exp_info.size = cma_heap_size(buf);
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
	mutex_destroy(&buf->lock);
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

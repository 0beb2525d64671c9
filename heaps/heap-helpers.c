// SPDX-License-Identifier: GPL-2.0-only
/*
 * Buffer plumbing shared by the heaps whose buffers are plain pages that
 * never move: see heap-helpers.h.
 *
 * Every attachment gets its own copy of the buffer's scatterlist, since a
 * DMA mapping writes device addresses into the table it is given and two
 * devices must not share one. Such buffers are static, so importers need
 * no pin/unpin or move_notify.
 *
 * The functions are exported in the DMA_BUF namespace for heaps built as
 * modules. No such heap can register yet: dma_heap_add() is exported for
 * KUnit only, as 6.12 exports no heap interface at all; the heaps here are
 * built in and do not need the exports.
 */

#include <linux/bug.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/highmem.h>
#include <linux/iosys-map.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "heap-helpers.h"

/**
 * struct dma_heap_attachment - a device's view of a heap buffer
 * @dev: the attached device
 * @table: this device's copy of the buffer's pages, DMA-mapped while
 *	@mapped
 * @link: entry in &dma_heap_buffer.attachments
 * @mapped: whether @table holds a live DMA mapping, under the buffer lock
 */
struct dma_heap_attachment {
	struct device *dev;
	struct sg_table table;
	struct list_head link;
	bool mapped;
};

/**
 * dma_heap_buffer_init() - set up the shared part of a new heap buffer
 * @buf: the part to set up, embedded in the heap's zeroed buffer
 * @ops: the heap's callbacks
 * @len: the buffer's size in bytes, a multiple of PAGE_SIZE
 *
 * The heap then points &dma_buf_export_info.priv at @buf.
 */
void dma_heap_buffer_init(struct dma_heap_buffer *buf,
			  const struct dma_heap_buffer_ops *ops,
			  unsigned long len)
{
	buf->ops = ops;
	buf->len = len;
	mutex_init(&buf->lock);
	INIT_LIST_HEAD(&buf->attachments);
}
EXPORT_SYMBOL_NS_GPL(dma_heap_buffer_init, DMA_BUF);

/**
 * dma_heap_buffer_fini() - tear down the shared part of a heap buffer
 * @buf: the part set up by dma_heap_buffer_init()
 *
 * Called from the heap's &dma_buf_ops.release, or when an allocation fails
 * after dma_heap_buffer_init(). A kernel mapping that an importer forgot
 * to give back is reported and removed rather than leaked.
 */
void dma_heap_buffer_fini(struct dma_heap_buffer *buf)
{
	if (WARN_ON(buf->vmap_count))
		vunmap(buf->vaddr);
	mutex_destroy(&buf->lock);
}
EXPORT_SYMBOL_NS_GPL(dma_heap_buffer_fini, DMA_BUF);

/**
 * dma_heap_buffer_attach() - &dma_buf_ops.attach of a heap buffer
 * @dmabuf: the buffer; its priv is the &struct dma_heap_buffer
 * @attachment: the new attachment
 *
 * Gives the attachment its own, unmapped scatterlist of the buffer.
 *
 * Return: 0, -ENOMEM, or the error of &dma_heap_buffer_ops.fill_table.
 */
int dma_heap_buffer_attach(struct dma_buf *dmabuf,
			   struct dma_buf_attachment *attachment)
{
	struct dma_heap_buffer *buf = dmabuf->priv;
	struct dma_heap_attachment *a;
	int err;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;

	err = buf->ops->fill_table(buf, &a->table);
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
EXPORT_SYMBOL_NS_GPL(dma_heap_buffer_attach, DMA_BUF);

/**
 * dma_heap_buffer_detach() - &dma_buf_ops.detach of a heap buffer
 * @dmabuf: the buffer
 * @attachment: an attachment made by dma_heap_buffer_attach(), unmapped
 */
void dma_heap_buffer_detach(struct dma_buf *dmabuf,
			    struct dma_buf_attachment *attachment)
{
	struct dma_heap_buffer *buf = dmabuf->priv;
	struct dma_heap_attachment *a = attachment->priv;

	mutex_lock(&buf->lock);
	list_del(&a->link);
	mutex_unlock(&buf->lock);

	sg_free_table(&a->table);
	kfree(a);
}
EXPORT_SYMBOL_NS_GPL(dma_heap_buffer_detach, DMA_BUF);

/**
 * dma_heap_buffer_map() - &dma_buf_ops.map_dma_buf of a heap buffer
 * @attachment: the attachment to map
 * @dir: the direction of the device's accesses
 *
 * Maps the attachment's own scatterlist for its device. From then on the
 * CPU access brackets keep that mapping's caches in step.
 *
 * Return: the mapped table, or the ERR_PTR() of dma_map_sgtable()'s error.
 */
struct sg_table *dma_heap_buffer_map(struct dma_buf_attachment *attachment,
				     enum dma_data_direction dir)
{
	struct dma_heap_buffer *buf = attachment->dmabuf->priv;
	struct dma_heap_attachment *a = attachment->priv;
	int err;

	err = dma_map_sgtable(a->dev, &a->table, dir, 0);
	if (err)
		return ERR_PTR(err);

	mutex_lock(&buf->lock);
	a->mapped = true;
	mutex_unlock(&buf->lock);
	return &a->table;
}
EXPORT_SYMBOL_NS_GPL(dma_heap_buffer_map, DMA_BUF);

/**
 * dma_heap_buffer_unmap() - &dma_buf_ops.unmap_dma_buf of a heap buffer
 * @attachment: the attachment
 * @table: the table dma_heap_buffer_map() returned for it
 * @dir: the direction it was mapped with
 */
void dma_heap_buffer_unmap(struct dma_buf_attachment *attachment,
			   struct sg_table *table,
			   enum dma_data_direction dir)
{
	struct dma_heap_buffer *buf = attachment->dmabuf->priv;
	struct dma_heap_attachment *a = attachment->priv;

	mutex_lock(&buf->lock);
	a->mapped = false;
	mutex_unlock(&buf->lock);

	dma_unmap_sgtable(a->dev, table, dir, 0);
}
EXPORT_SYMBOL_NS_GPL(dma_heap_buffer_unmap, DMA_BUF);

/**
 * dma_heap_buffer_begin_cpu_access() - &dma_buf_ops.begin_cpu_access
 * @dmabuf: the buffer
 * @dir: the direction of the CPU's accesses
 *
 * Makes the caches right for the CPU, through the kernel mapping, if any,
 * and through the DMA mapping of every mapped attachment.
 *
 * Return: 0.
 */
int dma_heap_buffer_begin_cpu_access(struct dma_buf *dmabuf,
				     enum dma_data_direction dir)
{
	struct dma_heap_buffer *buf = dmabuf->priv;
	struct dma_heap_attachment *a;

	mutex_lock(&buf->lock);
	if (buf->vmap_count)
		invalidate_kernel_vmap_range(buf->vaddr, buf->len);
	list_for_each_entry(a, &buf->attachments, link)
		if (a->mapped)
			dma_sync_sgtable_for_cpu(a->dev, &a->table, dir);
	mutex_unlock(&buf->lock);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(dma_heap_buffer_begin_cpu_access, DMA_BUF);

/**
 * dma_heap_buffer_end_cpu_access() - &dma_buf_ops.end_cpu_access
 * @dmabuf: the buffer
 * @dir: the direction of the CPU's accesses
 *
 * Makes the caches right for the devices again, through the same mappings
 * as dma_heap_buffer_begin_cpu_access().
 *
 * Return: 0.
 */
int dma_heap_buffer_end_cpu_access(struct dma_buf *dmabuf,
				   enum dma_data_direction dir)
{
	struct dma_heap_buffer *buf = dmabuf->priv;
	struct dma_heap_attachment *a;

	mutex_lock(&buf->lock);
	if (buf->vmap_count)
		flush_kernel_vmap_range(buf->vaddr, buf->len);
	list_for_each_entry(a, &buf->attachments, link)
		if (a->mapped)
			dma_sync_sgtable_for_device(a->dev, &a->table, dir);
	mutex_unlock(&buf->lock);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(dma_heap_buffer_end_cpu_access, DMA_BUF);

/**
 * dma_heap_buffer_vmap() - &dma_buf_ops.vmap of a heap buffer
 * @dmabuf: the buffer
 * @map: set to the kernel mapping
 *
 * The first user gets a new mapping from &dma_heap_buffer_ops.map_kernel;
 * later ones share it until the last dma_heap_buffer_vunmap().
 *
 * Return: 0, or -ENOMEM when the mapping could not be made.
 */
int dma_heap_buffer_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct dma_heap_buffer *buf = dmabuf->priv;
	int err = 0;

	mutex_lock(&buf->lock);
	if (!buf->vmap_count) {
		buf->vaddr = buf->ops->map_kernel(buf);
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
EXPORT_SYMBOL_NS_GPL(dma_heap_buffer_vmap, DMA_BUF);

/**
 * dma_heap_buffer_vunmap() - &dma_buf_ops.vunmap of a heap buffer
 * @dmabuf: the buffer
 * @map: a mapping dma_heap_buffer_vmap() set; cleared
 *
 * The last user's call removes the kernel mapping.
 */
void dma_heap_buffer_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct dma_heap_buffer *buf = dmabuf->priv;

	mutex_lock(&buf->lock);
	if (!WARN_ON(!buf->vmap_count) && !--buf->vmap_count) {
		vunmap(buf->vaddr);
		buf->vaddr = NULL;
	}
	mutex_unlock(&buf->lock);
	iosys_map_clear(map);
}
EXPORT_SYMBOL_NS_GPL(dma_heap_buffer_vunmap, DMA_BUF);

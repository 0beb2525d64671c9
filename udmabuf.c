// SPDX-License-Identifier: GPL-2.0
/*
 * udmabuf: dma-bufs made of the pages of a memfd.
 *
 * /dev/udmabuf takes one or more page-aligned ranges of shmem or hugetlbfs
 * memfds and exports their pages, back to back, as one dma-buf. The pages
 * stay pinned for the lifetime of the dma-buf, so a device, the CPU through
 * the dma-buf and the CPU through the memfd all see the same memory. QEMU
 * uses it to hand guest framebuffers, which live in a memfd, to host GPUs.
 */

#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <linux/device.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/init.h>
#include <linux/iosys-map.h>
#include <linux/limits.h>
#include <linux/memfd.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/scatterlist.h>
#include <linux/shmem_fs.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <uapi/linux/udmabuf.h>

#include "dma-buf-kunit-hooks.h"

/**
 * DOC: udmabuf from memfd ranges
 *
 * %UDMABUF_CREATE exports one range of a memfd, %UDMABUF_CREATE_LIST up to
 * ``list_limit`` ranges of one or several memfds, concatenated in the order
 * given. Both return the new dma-buf's descriptor, opened close-on-exec if
 * %UDMABUF_FLAGS_CLOEXEC is set; other flag bits are ignored, as they
 * always were.
 *
 * Every range must be page aligned in offset and size, lie inside its
 * memfd and be non-empty; together the ranges may not exceed
 * ``size_limit_mb`` MiB. Each memfd must be shmem or hugetlbfs backed
 * (else -EBADFD, as for a descriptor that is not open) and sealed with
 * F_SEAL_SHRINK, so its pages cannot be cut away under the device, but
 * with neither F_SEAL_WRITE nor F_SEAL_FUTURE_WRITE, because the dma-buf
 * gives write access to the pages (-EINVAL otherwise). The seals are read
 * with the memfd's inode lock held and the pages pinned before it is
 * dropped: F_ADD_SEALS takes the same lock exclusively, so no write seal
 * can slip in between the check and the pin. Once pinned, the pages keep a
 * later F_SEAL_WRITE from succeeding until the dma-buf is gone.
 *
 * All arithmetic on the ranges is done in pages, in 64 bits, and checked
 * for overflow before anything is allocated or pinned.
 */

static int list_limit = 1024;
module_param(list_limit, int, 0644);
MODULE_PARM_DESC(list_limit,
		 "Most ranges one UDMABUF_CREATE_LIST may name (default 1024)");

static int size_limit_mb = 64;
module_param(size_limit_mb, int, 0644);
MODULE_PARM_DESC(size_limit_mb,
		 "Largest udmabuf, in MiB, all ranges together (default 64)");

/**
 * struct udmabuf - the exporter's side of one dma-buf
 * @pages: page i of the buffer for every i below @pagecount; each belongs
 *	to a folio in @pinned
 * @pagecount: length of the buffer in pages, never zero
 * @pinned: every pin taken for the buffer, one per folio and range (a
 *	folio that two ranges share is pinned twice); dropped on release
 * @nr_pinned: used entries of @pinned
 * @dev: the device CPU access is synced against (the misc device)
 * @cpu_lock: serialises the creation and use of @cpu_sgt
 * @cpu_sgt: the buffer mapped for @dev, made by the first
 *	begin_cpu_access and kept until release
 *
 * Both arrays have room for one entry per page, which is the most @pinned
 * can need; they are allocated with kvmalloc because user space chooses
 * their length.
 */
struct udmabuf {
	struct page **pages;
	pgoff_t pagecount;
	struct folio **pinned;
	pgoff_t nr_pinned;
	struct device *dev;
	struct mutex cpu_lock;	/* guards @cpu_sgt */
	struct sg_table *cpu_sgt;
};

/* ------------------------------------------------------------------ */
/* Checking what user space asks for                                   */
/* ------------------------------------------------------------------ */

/**
 * udmabuf_max_pages - the largest buffer allowed, in pages
 * @limit_mb: the value of the size_limit_mb parameter
 *
 * A negative limit allows nothing. The result is also capped so that a
 * page count always fits an int and a byte size always fits a size_t,
 * which the scatterlist, vmap and dma-buf interfaces below rely on; no
 * shift can overflow on the way.
 *
 * Return: the number of pages a buffer may have.
 */
VISIBLE_IF_KUNIT u64 udmabuf_max_pages(int limit_mb)
{
	u64 pages;

	if (limit_mb <= 0)
		return 0;
	/* A MiB is a whole number of pages on every architecture. */
	pages = (u64)limit_mb * (SZ_1M >> PAGE_SHIFT);
	pages = min_t(u64, pages, INT_MAX);
	return min_t(u64, pages, SIZE_MAX >> PAGE_SHIFT);
}
EXPORT_SYMBOL_IF_KUNIT(udmabuf_max_pages);

/**
 * udmabuf_count_pages - validate the ranges of a request
 * @items: the ranges, as user space gave them
 * @count: number of @items, not zero
 * @max_pages: the most pages the whole buffer may have
 * @total: set to the buffer's length in pages on success
 *
 * Every range must be page aligned, non-empty and end at or before the
 * largest file offset (so that offset plus size neither wraps nor turns
 * negative as a loff_t). The sum of the sizes is compared with @max_pages
 * as it grows, in pages, so it cannot wrap either. Whether a range lies
 * inside its memfd is checked later, under the memfd's lock.
 *
 * Return: 0, or -EINVAL for a bad range or a buffer that is too large.
 */
VISIBLE_IF_KUNIT int udmabuf_count_pages(const struct udmabuf_create_item *items,
					 u32 count, u64 max_pages, pgoff_t *total)
{
	u64 pages = 0, end;
	u32 i;

	if (!count)
		return -EINVAL;
	for (i = 0; i < count; i++) {
		u64 offset = items[i].offset, size = items[i].size;

		if (!PAGE_ALIGNED(offset) || !PAGE_ALIGNED(size) || !size)
			return -EINVAL;
		if (check_add_overflow(offset, size, &end) ||
		    end > (u64)MAX_LFS_FILESIZE)
			return -EINVAL;
		if (size >> PAGE_SHIFT > max_pages - pages)
			return -EINVAL;
		pages += size >> PAGE_SHIFT;
	}
	*total = pages;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(udmabuf_count_pages);

#define UDMABUF_SEALS_NEEDED	F_SEAL_SHRINK
#define UDMABUF_SEALS_REFUSED	(F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)

/**
 * udmabuf_check_memfd - may this file's pages back a udmabuf?
 * @memfd: the file
 *
 * The caller holds the inode lock of @memfd (shared is enough) and keeps
 * it until the pages are pinned, so the seals cannot change in between.
 *
 * Return: 0; -EBADFD if @memfd is neither shmem nor hugetlbfs or cannot
 * carry seals; -EINVAL if F_SEAL_SHRINK is missing or a write seal is set.
 */
VISIBLE_IF_KUNIT int udmabuf_check_memfd(struct file *memfd)
{
	long seals;

	if (!shmem_file(memfd) && !is_file_hugepages(memfd))
		return -EBADFD;
	seals = memfd_fcntl(memfd, F_GET_SEALS, 0);
	if (seals < 0)
		return -EBADFD;
	if ((seals & UDMABUF_SEALS_NEEDED) != UDMABUF_SEALS_NEEDED ||
	    (seals & UDMABUF_SEALS_REFUSED))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(udmabuf_check_memfd);

/* ------------------------------------------------------------------ */
/* Pinning                                                             */
/* ------------------------------------------------------------------ */

/*
 * Record the pages of one freshly pinned range. memfd_pin_folios() gave
 * @nr folios in file order and the byte offset of the range's start in the
 * first one; later folios are used from their beginning. Asking for no
 * more folios than the range has pages guarantees that they cover it, but
 * a short answer is refused rather than trusted.
 */
static int udmabuf_take_pages(struct udmabuf *ubuf, struct folio **folios,
			      long nr, size_t first_offset, pgoff_t want)
{
	pgoff_t done = 0;
	long i;

	for (i = 0; i < nr && done < want; i++) {
		unsigned long idx = i ? 0 : first_offset >> PAGE_SHIFT;

		for (; idx < folio_nr_pages(folios[i]) && done < want; idx++)
			ubuf->pages[ubuf->pagecount + done++] =
				folio_page(folios[i], idx);
	}
	if (done != want)
		return -EINVAL;
	ubuf->pagecount += want;
	return 0;
}

/*
 * Pin the pages of one range of @memfd and append them to @ubuf. The pins
 * are recorded before anything else can fail, so that releasing @ubuf
 * drops them whatever happens next.
 */
static int udmabuf_pin_range(struct udmabuf *ubuf, struct file *memfd,
			     u64 offset, u64 size)
{
	pgoff_t want = size >> PAGE_SHIFT;
	struct folio **slots = ubuf->pinned + ubuf->nr_pinned;
	pgoff_t first_offset = 0;
	long nr;

	/* Only offset and size are known good so far, not the memfd's size. */
	if (offset + size > (u64)i_size_read(file_inode(memfd)))
		return -EINVAL;
	nr = memfd_pin_folios(memfd, offset, offset + size - 1, slots, want,
			      &first_offset);
	if (nr <= 0)
		return nr ? nr : -EINVAL;
	ubuf->nr_pinned += nr;
	return udmabuf_take_pages(ubuf, slots, nr, first_offset, want);
}

/* Check one memfd and pin one of its ranges, with its seals held still. */
static int udmabuf_add_range(struct udmabuf *ubuf,
			     const struct udmabuf_create_item *item)
{
	struct file *memfd = fget(item->memfd);
	struct inode *inode;
	int ret;

	if (!memfd)
		return -EBADFD;
	inode = file_inode(memfd);
	inode_lock_shared(inode);
	ret = udmabuf_check_memfd(memfd);
	if (!ret)
		ret = udmabuf_pin_range(ubuf, memfd, item->offset, item->size);
	inode_unlock_shared(inode);
	fput(memfd);
	return ret;
}

/* Undo everything of @ubuf; used on failure and by the dma-buf's release. */
static void udmabuf_free(struct udmabuf *ubuf)
{
	if (ubuf->cpu_sgt) {
		dma_unmap_sgtable(ubuf->dev, ubuf->cpu_sgt, DMA_BIDIRECTIONAL,
				  DMA_ATTR_SKIP_CPU_SYNC);
		sg_free_table(ubuf->cpu_sgt);
		kfree(ubuf->cpu_sgt);
	}
	if (ubuf->nr_pinned)
		unpin_folios(ubuf->pinned, ubuf->nr_pinned);
	kvfree(ubuf->pinned);
	kvfree(ubuf->pages);
	mutex_destroy(&ubuf->cpu_lock);
	kfree(ubuf);
}

static struct udmabuf *udmabuf_alloc(pgoff_t pagecount, struct device *dev)
{
	struct udmabuf *ubuf = kzalloc(sizeof(*ubuf), GFP_KERNEL);

	if (!ubuf)
		return NULL;
	mutex_init(&ubuf->cpu_lock);
	ubuf->dev = dev;
	ubuf->pages = kvmalloc_array(pagecount, sizeof(*ubuf->pages),
				     GFP_KERNEL);
	ubuf->pinned = kvmalloc_array(pagecount, sizeof(*ubuf->pinned),
				      GFP_KERNEL);
	if (!ubuf->pages || !ubuf->pinned) {
		udmabuf_free(ubuf);
		return NULL;
	}
	return ubuf;
}

/* ------------------------------------------------------------------ */
/* dma-buf operations                                                  */
/* ------------------------------------------------------------------ */

/*
 * The longest scatterlist entry to build for @dev. Neighbouring pages are
 * merged up to the device's segment limit. The table builder cannot go
 * below one page per entry (it warns and fails if asked to), so a device
 * whose limit is smaller than a page, as happens with 64 KiB pages, gets
 * one entry per page: the layout that never merges anything.
 */
static unsigned int udmabuf_segment_limit(struct device *dev)
{
	unsigned int limit = dma_get_max_seg_size(dev);

	return limit < PAGE_SIZE ? PAGE_SIZE : limit;
}

/* A new scatterlist over the whole buffer, mapped for @dev. */
static struct sg_table *udmabuf_map_for(struct udmabuf *ubuf,
					struct device *dev,
					enum dma_data_direction dir)
{
	struct sg_table *sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	int ret;

	if (!sgt)
		return ERR_PTR(-ENOMEM);
	ret = sg_alloc_table_from_pages_segment(sgt, ubuf->pages,
						ubuf->pagecount, 0,
						(size_t)ubuf->pagecount << PAGE_SHIFT,
						udmabuf_segment_limit(dev),
						GFP_KERNEL);
	if (ret)
		goto free_sgt;
	ret = dma_map_sgtable(dev, sgt, dir, DMA_ATTR_SKIP_CPU_SYNC);
	if (ret)
		goto free_table;
	return sgt;

free_table:
	sg_free_table(sgt);
free_sgt:
	kfree(sgt);
	return ERR_PTR(ret);
}

static void udmabuf_unmap_for(struct device *dev, struct sg_table *sgt,
			      enum dma_data_direction dir)
{
	dma_unmap_sgtable(dev, sgt, dir, DMA_ATTR_SKIP_CPU_SYNC);
	sg_free_table(sgt);
	kfree(sgt);
}

/**
 * udmabuf_map_dma_buf - &dma_buf_ops.map_dma_buf: map for an importer
 * @attach: the importer's attachment
 * @dir: direction of the transfers the importer will do
 *
 * Called by the dma-buf core for a static attachment; the core caches
 * the result (&dma_buf_ops.cache_sgt_mapping) until the attachment goes.
 * The pages are pinned, so the mapping never has to move.
 *
 * Return: the mapped table, or an ERR_PTR().
 */
static struct sg_table *udmabuf_map_dma_buf(struct dma_buf_attachment *attach,
					    enum dma_data_direction dir)
{
	return udmabuf_map_for(attach->dmabuf->priv, attach->dev, dir);
}

/**
 * udmabuf_unmap_dma_buf - &dma_buf_ops.unmap_dma_buf: undo a mapping
 * @attach: the attachment that was mapped
 * @sgt: what udmabuf_map_dma_buf() returned for it
 * @dir: the direction it was mapped with
 */
static void udmabuf_unmap_dma_buf(struct dma_buf_attachment *attach,
				  struct sg_table *sgt,
				  enum dma_data_direction dir)
{
	udmabuf_unmap_for(attach->dev, sgt, dir);
}

/**
 * udmabuf_release - &dma_buf_ops.release: the dma-buf is gone
 * @dmabuf: the buffer
 *
 * Called by the core once the last reference is dropped, including when
 * the buffer never got a descriptor. No attachment, mapping or CPU access
 * is left; unmap the CPU-access mapping, unpin every page and free.
 */
static void udmabuf_release(struct dma_buf *dmabuf)
{
	udmabuf_free(dmabuf->priv);
}

/**
 * udmabuf_begin_cpu_access - &dma_buf_ops.begin_cpu_access
 * @dmabuf: the buffer
 * @dir: what the CPU is about to do
 *
 * Called by dma_buf_begin_cpu_access(), e.g. for DMA_BUF_IOCTL_SYNC, with
 * no lock held. Devices may have written the pages, so they are synced
 * for the CPU through a mapping for the misc device, made the first time
 * and kept. It is mapped bidirectionally, so that syncs in either
 * direction match it.
 *
 * Return: 0, or the error of making the mapping.
 */
static int udmabuf_begin_cpu_access(struct dma_buf *dmabuf,
				    enum dma_data_direction dir)
{
	struct udmabuf *ubuf = dmabuf->priv;
	struct sg_table *sgt;
	int ret = 0;

	mutex_lock(&ubuf->cpu_lock);
	if (!ubuf->cpu_sgt) {
		sgt = udmabuf_map_for(ubuf, ubuf->dev, DMA_BIDIRECTIONAL);
		if (IS_ERR(sgt)) {
			ret = PTR_ERR(sgt);
			goto unlock;
		}
		ubuf->cpu_sgt = sgt;
	}
	dma_sync_sgtable_for_cpu(ubuf->dev, ubuf->cpu_sgt, dir);
unlock:
	mutex_unlock(&ubuf->cpu_lock);
	return ret;
}

/**
 * udmabuf_end_cpu_access - &dma_buf_ops.end_cpu_access
 * @dmabuf: the buffer
 * @dir: what the CPU did
 *
 * Called by dma_buf_end_cpu_access() with no lock held: hand the pages
 * back to devices.
 *
 * Return: 0, or -EINVAL if CPU access never began.
 */
static int udmabuf_end_cpu_access(struct dma_buf *dmabuf,
				  enum dma_data_direction dir)
{
	struct udmabuf *ubuf = dmabuf->priv;
	int ret = 0;

	mutex_lock(&ubuf->cpu_lock);
	if (ubuf->cpu_sgt)
		dma_sync_sgtable_for_device(ubuf->dev, ubuf->cpu_sgt, dir);
	else
		ret = -EINVAL;
	mutex_unlock(&ubuf->cpu_lock);
	return ret;
}

/*
 * Fault in one page of a user mapping. The core refuses mappings that
 * reach past the buffer, but the offset is checked again here: it indexes
 * an array.
 */
static vm_fault_t udmabuf_fault(struct vm_fault *vmf)
{
	struct udmabuf *ubuf = vmf->vma->vm_private_data;

	if (vmf->pgoff >= ubuf->pagecount)
		return VM_FAULT_SIGBUS;
	return vmf_insert_pfn(vmf->vma, vmf->address,
			      page_to_pfn(ubuf->pages[vmf->pgoff]));
}

static const struct vm_operations_struct udmabuf_vm_ops = {
	.fault = udmabuf_fault,
};

/**
 * udmabuf_mmap - &dma_buf_ops.mmap: map the buffer into user space
 * @dmabuf: the buffer
 * @vma: the new mapping; the core has checked that it lies inside
 *	@dmabuf
 *
 * Called by the core for mmap() of the dma-buf descriptor (and
 * dma_buf_mmap()), with the mmap lock held. Only shared mappings are
 * allowed: a private one would copy pages on write and quietly stop
 * sharing them. Pages are inserted by pfn on first touch, so the mapping
 * takes no page references of its own; the pin holds the pages until the
 * dma-buf, which the mapping keeps open, is released.
 *
 * Return: 0, or -EINVAL for a private mapping.
 */
static int udmabuf_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & (VM_SHARED | VM_MAYSHARE)))
		return -EINVAL;
	vma->vm_ops = &udmabuf_vm_ops;
	vma->vm_private_data = dmabuf->priv;
	vm_flags_set(vma, VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	return 0;
}

/**
 * udmabuf_vmap - &dma_buf_ops.vmap: map the buffer into kernel space
 * @dmabuf: the buffer
 * @map: receives the address
 *
 * Called by the core with the buffer's reservation lock held, only when
 * the buffer is not mapped yet (the core counts the users).
 *
 * Return: 0, or -ENOMEM.
 */
static int udmabuf_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct udmabuf *ubuf = dmabuf->priv;
	void *vaddr;

	dma_resv_assert_held(dmabuf->resv);
	vaddr = vmap(ubuf->pages, ubuf->pagecount, VM_MAP, PAGE_KERNEL);
	if (!vaddr)
		return -ENOMEM;
	iosys_map_set_vaddr(map, vaddr);
	return 0;
}

/**
 * udmabuf_vunmap - &dma_buf_ops.vunmap: undo udmabuf_vmap()
 * @dmabuf: the buffer
 * @map: what udmabuf_vmap() set
 *
 * Called by the core with the reservation lock held, when its last user
 * of the kernel mapping is done.
 */
static void udmabuf_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	dma_resv_assert_held(dmabuf->resv);
	vunmap(map->vaddr);
}

static const struct dma_buf_ops udmabuf_ops = {
	.cache_sgt_mapping = true,
	.map_dma_buf = udmabuf_map_dma_buf,
	.unmap_dma_buf = udmabuf_unmap_dma_buf,
	.release = udmabuf_release,
	.mmap = udmabuf_mmap,
	.vmap = udmabuf_vmap,
	.vunmap = udmabuf_vunmap,
	.begin_cpu_access = udmabuf_begin_cpu_access,
	.end_cpu_access = udmabuf_end_cpu_access,
};

/* ------------------------------------------------------------------ */
/* Creation                                                            */
/* ------------------------------------------------------------------ */

/**
 * udmabuf_install_fd - give a new udmabuf its descriptor
 * @dmabuf: the exported buffer
 * @flags: O_CLOEXEC or 0
 *
 * dma_buf_fd(), kept apart so that KUnit suites can make it fail; static
 * in kernels without KUnit.
 *
 * Return: the descriptor, or a negative errno.
 */
VISIBLE_IF_KUNIT int udmabuf_install_fd(struct dma_buf *dmabuf, int flags)
{
	KUNIT_STATIC_STUB_REDIRECT(udmabuf_install_fd, dmabuf, flags);
	return dma_buf_fd(dmabuf, flags);
}
EXPORT_SYMBOL_IF_KUNIT(udmabuf_install_fd);

static struct dma_buf *udmabuf_export(struct udmabuf *ubuf)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);

	exp_info.ops = &udmabuf_ops;
	exp_info.size = (size_t)ubuf->pagecount << PAGE_SHIFT;
	exp_info.flags = O_RDWR;
	exp_info.priv = ubuf;
	return dma_buf_export(&exp_info);
}

/**
 * udmabuf_create - make a udmabuf and a descriptor for it
 * @dev: the device CPU access is synced against
 * @flags: the request's flags; only %UDMABUF_FLAGS_CLOEXEC has a meaning
 * @items: the ranges, in the order the buffer holds them
 * @count: number of @items
 *
 * The body of both ioctls, with the request already in kernel memory.
 * Whatever fails, nothing stays pinned or allocated: until the export,
 * udmabuf_free() undoes the work; after it, the dma-buf owns @ubuf and
 * dropping the dma-buf undoes it through udmabuf_release().
 *
 * Return: the new descriptor, or a negative errno.
 */
VISIBLE_IF_KUNIT long udmabuf_create(struct device *dev, u32 flags,
				     const struct udmabuf_create_item *items,
				     u32 count)
{
	struct udmabuf *ubuf;
	struct dma_buf *dmabuf;
	pgoff_t pagecount;
	int ret, fd;
	u32 i;

	ret = udmabuf_count_pages(items, count,
				  udmabuf_max_pages(READ_ONCE(size_limit_mb)),
				  &pagecount);
	if (ret)
		return ret;
	ubuf = udmabuf_alloc(pagecount, dev);
	if (!ubuf)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		ret = udmabuf_add_range(ubuf, &items[i]);
		if (ret)
			goto fail;
	}
	dmabuf = udmabuf_export(ubuf);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		goto fail;
	}
	fd = udmabuf_install_fd(dmabuf,
				flags & UDMABUF_FLAGS_CLOEXEC ? O_CLOEXEC : 0);
	if (fd < 0)
		dma_buf_put(dmabuf);	/* releases @ubuf too */
	return fd;

fail:
	udmabuf_free(ubuf);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(udmabuf_create);

/* ------------------------------------------------------------------ */
/* The misc device                                                     */
/* ------------------------------------------------------------------ */

static struct miscdevice udmabuf_misc;

static long udmabuf_ioctl_create(void __user *arg)
{
	struct udmabuf_create req;
	struct udmabuf_create_item item = {};

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	item.memfd = req.memfd;
	item.offset = req.offset;
	item.size = req.size;
	return udmabuf_create(udmabuf_misc.this_device, req.flags, &item, 1);
}

static long udmabuf_ioctl_create_list(void __user *arg)
{
	struct udmabuf_create_list __user *uhead = arg;
	struct udmabuf_create_list head;
	struct udmabuf_create_item *items;
	int limit = READ_ONCE(list_limit);
	long ret;

	if (copy_from_user(&head, uhead, sizeof(head)))
		return -EFAULT;
	if (!head.count || limit < 0 || head.count > (u32)limit)
		return -EINVAL;
	items = memdup_array_user(uhead->list, head.count, sizeof(*items));
	if (IS_ERR(items))
		return PTR_ERR(items);
	ret = udmabuf_create(udmabuf_misc.this_device, head.flags, items,
			     head.count);
	kfree(items);
	return ret;
}

static long udmabuf_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	switch (cmd) {
	case UDMABUF_CREATE:
		return udmabuf_ioctl_create((void __user *)arg);
	case UDMABUF_CREATE_LIST:
		return udmabuf_ioctl_create_list((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations udmabuf_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = udmabuf_ioctl,
	/* The structs have the same layout for 32-bit callers. */
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice udmabuf_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "udmabuf",
	.fops = &udmabuf_fops,
};

static int __init udmabuf_init(void)
{
	int ret = misc_register(&udmabuf_misc);

	if (ret) {
		pr_err("udmabuf: registering /dev/udmabuf failed: %d\n", ret);
		return ret;
	}
	/* The pages may sit anywhere in memory. */
	ret = dma_coerce_mask_and_coherent(udmabuf_misc.this_device,
					   DMA_BIT_MASK(64));
	if (ret) {
		pr_err("udmabuf: no 64-bit DMA mask for the device: %d\n", ret);
		misc_deregister(&udmabuf_misc);
	}
	return ret;
}
module_init(udmabuf_init);

static void __exit udmabuf_exit(void)
{
	misc_deregister(&udmabuf_misc);
}
module_exit(udmabuf_exit);

MODULE_DESCRIPTION("dma-bufs backed by memfd pages");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dma-buf: one driver's buffer, shared with other devices and with user
 * space through a file descriptor.
 *
 * The driver that owns the memory is the exporter: it fills in a
 * &struct dma_buf_ops and calls dma_buf_export(). Every other driver that
 * wants the memory is an importer: it attaches its device with
 * dma_buf_attach() or dma_buf_dynamic_attach() and asks for a DMA mapping
 * with dma_buf_map_attachment(). The rules that tie the two together
 * (locking, pinning, move notification, CPU access) are written down in
 * drivers/dma-buf/dma-buf.c and in the callback descriptions below.
 */
#ifndef __DMA_BUF_H__
#define __DMA_BUF_H__

#include <linux/iosys-map.h>
#include <linux/file.h>
#include <linux/err.h>
#include <linux/scatterlist.h>
#include <linux/list.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/dma-fence.h>
#include <linux/wait.h>

struct device;
struct dma_buf;
struct dma_buf_attachment;

/**
 * struct dma_buf_ops - what an exporter implements for its buffers
 *
 * The core calls these callbacks; importers never call them directly. A
 * buffer is *dynamic* when @pin is set: its backing storage may move while
 * it is not pinned, and @map_dma_buf and @unmap_dma_buf then run with the
 * buffer's &dma_buf.resv lock held. Without @pin the buffer is static and
 * must stay where it is for as long as any mapping exists.
 *
 * dma_buf_export() rejects with -EINVAL an ops table that lacks
 * @map_dma_buf, @unmap_dma_buf or @release, that sets only one of @pin and
 * @unpin, or that combines @pin with @cache_sgt_mapping.
 */
struct dma_buf_ops {
	/**
	 * @cache_sgt_mapping:
	 *
	 * Ask the core to keep the first &sg_table that @map_dma_buf returns
	 * for an attachment and to hand it out again on later maps of that
	 * attachment, instead of calling @map_dma_buf each time. The cached
	 * table is given back through @unmap_dma_buf only when the attachment
	 * is detached. A cached table cannot follow a moving buffer, so this
	 * flag and @pin exclude each other.
	 */
	bool cache_sgt_mapping;

	/**
	 * @attach:
	 *
	 * Optional. Called by dma_buf_attach() and dma_buf_dynamic_attach()
	 * when a device asks to share the buffer, before the attachment is
	 * visible on &dma_buf.attachments and without the reservation lock
	 * held. The exporter decides whether &dma_buf_attachment.dev can
	 * reach the memory where it is, or where it could be moved to, and
	 * whether the allocation meets the device's DMA constraints; if not
	 * it fails the attach. It may keep private per-attachment state in
	 * &dma_buf_attachment.priv, and it should clear
	 * &dma_buf_attachment.peer2peer if it cannot serve peer-to-peer
	 * access to this device.
	 *
	 * Return: 0 on success or a negative errno, which is passed on to
	 * the importer. -EBUSY conventionally means the storage already
	 * exists in a place the new device cannot use.
	 */
	int (*attach)(struct dma_buf *dmabuf,
		      struct dma_buf_attachment *attach);

	/**
	 * @detach:
	 *
	 * Optional. Called by dma_buf_detach() after the attachment has been
	 * taken off &dma_buf.attachments and any cached mapping or pin the
	 * core held for it has been dropped, without the reservation lock
	 * held. The exporter frees whatever @attach set up.
	 */
	void (*detach)(struct dma_buf *dmabuf,
		       struct dma_buf_attachment *attach);

	/**
	 * @pin:
	 *
	 * Marks the exporter as dynamic; when set, @unpin must be set too.
	 * Called by dma_buf_pin(), and by the core itself when a static
	 * (non-dynamic) importer attaches and, without
	 * CONFIG_DMABUF_MOVE_NOTIFY, around every mapping of a dynamic
	 * importer (unpinned on unmap), with &dma_buf.resv held. From now
	 * until the matching @unpin the backing storage must not move, and
	 * it should sit where every attached device can reach it. Like a
	 * static exporter's @map_dma_buf, @pin must not return before the
	 * memory is usable: any pending move or clear has to be complete,
	 * because the pinned user will not wait on fences.
	 *
	 * Return: 0 on success or a negative errno.
	 */
	int (*pin)(struct dma_buf_attachment *attach);

	/**
	 * @unpin:
	 *
	 * Undoes one @pin. Called by dma_buf_unpin(), and by the core when a
	 * static importer detaches or, without CONFIG_DMABUF_MOVE_NOTIFY, a
	 * dynamic importer unmaps, with &dma_buf.resv held. Set exactly when
	 * @pin is set.
	 */
	void (*unpin)(struct dma_buf_attachment *attach);

	/**
	 * @map_dma_buf:
	 *
	 * Mandatory. Called by dma_buf_map_attachment(), and by the core
	 * when it maps at attach time, to map the buffer into the address
	 * space of the attached device; always with &dma_buf.resv held. The
	 * callback may sleep, for instance to allocate or move the storage;
	 * the first map is a good moment to look at every attachment on
	 * &dma_buf.attachments and pick a placement that suits them all.
	 *
	 * A static exporter must return memory that is ready: allocated,
	 * cleared of stale data, with no move still in flight. A dynamic
	 * exporter may return before that, because static importers were
	 * pinned through @pin (which waits) and dynamic importers must wait
	 * for the fences in &dma_buf.resv themselves.
	 *
	 * The exporter must not cache the table or return the same one
	 * twice: ownership passes to the caller and comes back through
	 * @unmap_dma_buf. Caching, where wanted, is done by the core (see
	 * @cache_sgt_mapping) or by the importer.
	 *
	 * Return: an &sg_table whose DMA addresses and lengths are
	 * PAGE_SIZE aligned and valid for &dma_buf_attachment.dev, or an
	 * ERR_PTR(); -EINTR or -ERESTARTSYS if a signal interrupted a wait.
	 */
	struct sg_table *(*map_dma_buf)(struct dma_buf_attachment *attach,
					enum dma_data_direction dir);
	/**
	 * @unmap_dma_buf:
	 *
	 * Mandatory. Called by dma_buf_unmap_attachment(), or at detach time
	 * for a table cached under @cache_sgt_mapping, with the same locking
	 * as @map_dma_buf. It unmaps and frees a table that @map_dma_buf
	 * returned; a static exporter may also release the backing storage
	 * once the last mapping is gone.
	 */
	void (*unmap_dma_buf)(struct dma_buf_attachment *attach,
			      struct sg_table *sgt,
			      enum dma_data_direction dir);

	/**
	 * @release:
	 *
	 * Mandatory. Called once, when the last reference to the buffer's
	 * file is dropped, with no locks held. Every attachment has been
	 * detached by then. The exporter frees the backing storage and
	 * whatever &dma_buf.priv points to; the core then frees the
	 * &struct dma_buf itself and drops its reference on the owner
	 * module.
	 */
	void (*release)(struct dma_buf *dmabuf);

	/**
	 * @begin_cpu_access:
	 *
	 * Optional. Called by dma_buf_begin_cpu_access(), which also serves
	 * the DMA_BUF_SYNC_START flavour of DMA_BUF_IOCTL_SYNC, without the
	 * reservation lock held and before the core waits for the implicit
	 * fences that conflict with the access (an exporter may wait for
	 * them itself, more cheaply; the core's wait then finds them
	 * signalled). The exporter makes
	 * the memory coherent for the CPU in the given direction, whether
	 * the CPU reaches it through a user mapping from @mmap or a kernel
	 * mapping from @vmap. Access in another direction than announced
	 * may see stale data.
	 *
	 * Return: 0 on success or a negative errno, for instance when
	 * backing storage could not be allocated; -EINTR or -ERESTARTSYS
	 * when interrupted.
	 */
	int (*begin_cpu_access)(struct dma_buf *dmabuf,
				enum dma_data_direction dir);

	/**
	 * @end_cpu_access:
	 *
	 * Optional. Called by dma_buf_end_cpu_access(), which also serves
	 * DMA_BUF_SYNC_END, without the reservation lock held, when the CPU
	 * is done. The exporter flushes what the CPU wrote and undoes
	 * whatever @begin_cpu_access set up.
	 *
	 * Return: 0 on success or a negative errno; -EINTR or -ERESTARTSYS
	 * when interrupted.
	 */
	int (*end_cpu_access)(struct dma_buf *dmabuf,
			      enum dma_data_direction dir);

	/**
	 * @mmap:
	 *
	 * Optional; without it mmap() of the fd and dma_buf_mmap() fail
	 * with -EINVAL. Called from mmap() on the dma-buf fd and from
	 * dma_buf_mmap(), without the reservation lock held. The core has
	 * already checked that the range fits in the buffer, so the
	 * exporter does not need to. The mapping is allowed to be
	 * incoherent: user space brackets its accesses with
	 * DMA_BUF_IOCTL_SYNC.
	 *
	 * The dma-buf file's address_space is the core's, not the
	 * exporter's to zap user PTEs through. An exporter that has to (for
	 * instance to fake coherency) replaces vma->vm_file with a file of
	 * its own, such as
	 * a GEM object's shmem file, adjusting vma->vm_pgoff to match, and
	 * later unmaps through that file's mapping.
	 *
	 * Return: 0 on success or a negative errno.
	 */
	int (*mmap)(struct dma_buf *dmabuf, struct vm_area_struct *vma);

	/**
	 * @vmap:
	 *
	 * Optional. Called by dma_buf_vmap() with &dma_buf.resv held, only
	 * when no kernel mapping exists yet: further dma_buf_vmap() calls
	 * share the first one through &dma_buf.vmapping_counter. The
	 * exporter maps the whole buffer contiguously into the kernel's
	 * address space and describes it in @map (system memory or I/O
	 * memory).
	 *
	 * Return: 0 on success or a negative errno.
	 */
	int (*vmap)(struct dma_buf *dmabuf, struct iosys_map *map);

	/**
	 * @vunmap:
	 *
	 * Optional. Called by dma_buf_vunmap() with &dma_buf.resv held when
	 * the last user of the kernel mapping made by @vmap goes away.
	 */
	void (*vunmap)(struct dma_buf *dmabuf, struct iosys_map *map);
};

/**
 * struct dma_buf - a shared buffer
 *
 * Created by dma_buf_export(); handed to user space as a file descriptor
 * by dma_buf_fd(). The buffer lives as long as its &file: references are
 * taken with get_dma_buf() or dma_buf_get() and dropped with
 * dma_buf_put(), and the last one calls &dma_buf_ops.release.
 *
 * Devices reach the memory through a &struct dma_buf_attachment each.
 *
 * @cb_out: fence callback state for EPOLLOUT (writable: no kernel, write
 *	or read fence pending; bookkeeping fences are not waited for); see
 *	@cb_in.
 */
struct dma_buf {
	/**
	 * @size: size of the buffer in bytes, fixed for its whole life.
	 */
	size_t size;

	/**
	 * @file: the file that backs the fd and carries the reference
	 * count.
	 */
	struct file *file;

	/**
	 * @attachments: every &dma_buf_attachment of this buffer, linked
	 * through &dma_buf_attachment.node; changed and walked with @resv
	 * held.
	 */
	struct list_head attachments;

	/** @ops: the exporter's callbacks. */
	const struct dma_buf_ops *ops;

	/**
	 * @vmapping_counter: how many dma_buf_vmap() calls share the
	 * kernel mapping in @vmap_ptr. Protected by @resv.
	 */
	unsigned int vmapping_counter;

	/**
	 * @vmap_ptr: the kernel mapping made by &dma_buf_ops.vmap while
	 * @vmapping_counter is non-zero. Protected by @resv.
	 */
	struct iosys_map vmap_ptr;

	/**
	 * @exp_name: name of the exporter, for debugging. Usually the
	 * module name (see DEFINE_DMA_BUF_EXPORT_INFO()).
	 */
	const char *exp_name;

	/**
	 * @name: name user space gave the buffer with DMA_BUF_SET_NAME, or
	 * NULL. Shown in debugfs, fdinfo and the file's dentry name.
	 * Replaced and read under @name_lock.
	 */
	const char *name;

	/** @name_lock: protects @name. */
	spinlock_t name_lock;

	/**
	 * @owner: the exporter's module; the buffer holds a reference on
	 * it until &dma_buf_ops.release has returned.
	 */
	struct module *owner;

#if IS_ENABLED(CONFIG_DEBUG_FS)
	/**
	 * @list_node: links the buffer into the core's list of live
	 * buffers, which debugfs walks. Private to the core.
	 */
	struct list_head list_node;
#endif

	/** @priv: the exporter's private data for this buffer. */
	void *priv;

	/**
	 * @resv: the reservation object holding the buffer's implicit
	 * fences and the lock that serialises dynamic mapping. Either the
	 * exporter passes its own in &dma_buf_export_info.resv, or the core
	 * allocates one together with the &struct dma_buf.
	 *
	 * A driver that implements implicit synchronisation adds a
	 * DMA_RESV_USAGE_WRITE fence for work that writes the buffer and a
	 * DMA_RESV_USAGE_READ fence for work that only reads it, and before
	 * starting new work waits for the fences the new access conflicts
	 * with: writers wait for everything, readers only for writers
	 * (dma_resv_usage_rw() gives the class to wait for). Fences a driver
	 * tracks only for itself go in as DMA_RESV_USAGE_BOOKKEEP, and
	 * memory management work as DMA_RESV_USAGE_KERNEL.
	 *
	 * Drivers whose user space API is explicit only should still publish
	 * their fences here, at least as WRITE when they write, so that
	 * implicitly synchronised consumers such as the display or another
	 * process do not read half-written data. User space can also move
	 * fences in and out explicitly through
	 * DMA_BUF_IOCTL_EXPORT_SYNC_FILE and DMA_BUF_IOCTL_IMPORT_SYNC_FILE.
	 */
	struct dma_resv *resv;

	/** @poll: wait queue for poll() on the fd. */
	wait_queue_head_t poll;

	/**
	 * @cb_in: fence callback state for EPOLLIN (readable: no write
	 * fence pending). Like @cb_out it is armed on at most one fence at
	 * a time; its fields change under @poll's lock.
	 */
	struct dma_buf_poll_cb_t {
		/** @cb_in.cb: the callback registered on a fence. */
		struct dma_fence_cb cb;
		/** @cb_in.poll: the wait queue to wake, @poll. */
		wait_queue_head_t *poll;
		/** @cb_in.active: events still pending; 0 when idle. */
		__poll_t active;
	} cb_in, cb_out;
};

/**
 * struct dma_buf_attach_ops - what a dynamic importer implements
 *
 * Passing this to dma_buf_dynamic_attach() makes the attachment dynamic:
 * the importer takes the reservation lock around its maps, obeys the
 * fences in &dma_buf.resv, and accepts that the exporter may move the
 * buffer whenever it is not pinned, being told so through @move_notify.
 */
struct dma_buf_attach_ops {
	/**
	 * @allow_peer2peer: the importer can cope with an &sg_table whose
	 * entries have DMA addresses but no struct page behind them (memory
	 * of another PCIe device, for instance). The exporter sees this
	 * through &dma_buf_attachment.peer2peer and may veto it in
	 * &dma_buf_ops.attach.
	 */
	bool allow_peer2peer;

	/**
	 * @move_notify:
	 *
	 * Called by dma_buf_move_notify() with &dma_buf.resv held, when the
	 * exporter is about to move the buffer. Mandatory: a dynamic
	 * importer without it is refused by dma_buf_dynamic_attach(), with
	 * or without CONFIG_DMABUF_MOVE_NOTIFY.
	 *
	 * The importer must treat every mapping it got from
	 * dma_buf_map_attachment() as stale: it may not start new DMA
	 * through it, and must unmap it (from here or later) before mapping
	 * again. DMA already submitted is fenced by the fences in
	 * &dma_buf.resv, which the exporter waits for before the storage
	 * really goes away; the importer does not have to wait here.
	 *
	 * Attachments that have pinned the buffer are notified too, though
	 * a pinned buffer does not actually move.
	 */
	void (*move_notify)(struct dma_buf_attachment *attach);
};

/**
 * struct dma_buf_attachment - one device's hold on a &struct dma_buf
 * @dmabuf: the buffer.
 * @dev: the device that will access the buffer.
 * @node: entry in &dma_buf.attachments, protected by &dma_buf.resv.
 * @sgt: the mapping cached for this attachment, or NULL: the first one
 *	under &dma_buf_ops.cache_sgt_mapping, or the one made at attach time
 *	when importer and exporter disagree about dynamic mapping.
 * @dir: the direction @sgt was mapped with.
 * @peer2peer: the importer allows peer-to-peer mappings and the exporter
 *	has not refused them in &dma_buf_ops.attach.
 * @importer_ops: the importer's callbacks; non-NULL exactly for dynamic
 *	attachments.
 * @importer_priv: the importer's private data, passed to
 *	dma_buf_dynamic_attach().
 * @priv: the exporter's private data for this attachment.
 *
 * Returned by dma_buf_attach() or dma_buf_dynamic_attach() and given back
 * with dma_buf_detach(). The attachment is what dma_buf_map_attachment()
 * maps: exporters see the device and constraints of every importer
 * through the list of attachments before deciding where the memory goes.
 */
struct dma_buf_attachment {
	struct dma_buf *dmabuf;
	struct device *dev;
	struct list_head node;
	struct sg_table *sgt;
	enum dma_data_direction dir;
	bool peer2peer;
	const struct dma_buf_attach_ops *importer_ops;
	void *importer_priv;
	void *priv;
};

/**
 * struct dma_buf_export_info - arguments of dma_buf_export()
 * @exp_name: name of the exporter, kept for debugging output.
 * @owner: module that provides @ops; pinned while the buffer exists.
 * @ops: the exporter's callbacks.
 * @size: size of the buffer in bytes.
 * @flags: open flags of the file that will back the buffer, such as
 *	O_RDWR; O_CLOEXEC belongs to dma_buf_fd() instead.
 * @resv: the exporter's own reservation object, or NULL to have the core
 *	embed one in the buffer.
 * @priv: the exporter's private data, stored in &dma_buf.priv; must not
 *	be NULL.
 *
 * Declare and initialise it with DEFINE_DMA_BUF_EXPORT_INFO(), which
 * fills in @exp_name and @owner.
 */
struct dma_buf_export_info {
	const char *exp_name;
	struct module *owner;
	const struct dma_buf_ops *ops;
	size_t size;
	int flags;
	struct dma_resv *resv;
	void *priv;
};

/**
 * DEFINE_DMA_BUF_EXPORT_INFO - declare a &struct dma_buf_export_info
 * @name: name of the variable
 *
 * Sets &dma_buf_export_info.exp_name to the module's name and
 * &dma_buf_export_info.owner to the module, and zeroes the rest.
 */
#define DEFINE_DMA_BUF_EXPORT_INFO(name)				\
	struct dma_buf_export_info name = {				\
		.exp_name = KBUILD_MODNAME,				\
		.owner = THIS_MODULE,					\
	}

/**
 * get_dma_buf - take another reference on a buffer
 * @dmabuf: the buffer, which the caller already holds a reference on
 *
 * The buffer is counted through &dma_buf.file, so this is a get_file()
 * on it; drop the reference again with dma_buf_put().
 */
static inline void get_dma_buf(struct dma_buf *dmabuf)
{
	get_file(dmabuf->file);
}

/**
 * dma_buf_is_dynamic - whether the exporter may move the buffer
 * @dmabuf: the buffer to check
 *
 * Return: true if the exporter implements &dma_buf_ops.pin, i.e. maps
 * are made under the reservation lock and the storage can move while
 * unpinned.
 */
static inline bool dma_buf_is_dynamic(struct dma_buf *dmabuf)
{
	return dmabuf->ops->pin;
}

/**
 * dma_buf_attachment_is_dynamic - whether the importer handles moves
 * @attach: the attachment to check
 *
 * Return: true if the attachment was made with dma_buf_dynamic_attach()
 * and &dma_buf_attach_ops, i.e. the importer follows the fences and the
 * move notifications itself.
 */
static inline bool dma_buf_attachment_is_dynamic(struct dma_buf_attachment *attach)
{
	return attach->importer_ops;
}

/* Exporter side: creating a buffer and handing out references to it. */
struct dma_buf *dma_buf_export(const struct dma_buf_export_info *exp_info);
int dma_buf_fd(struct dma_buf *dmabuf, int flags);
struct dma_buf *dma_buf_get(int fd);
void dma_buf_put(struct dma_buf *dmabuf);
void dma_buf_move_notify(struct dma_buf *dma_buf);

/* Importer side: attaching a device and mapping the buffer for DMA. */
struct dma_buf_attachment *dma_buf_attach(struct dma_buf *dmabuf, struct device *dev);
struct dma_buf_attachment *dma_buf_dynamic_attach(struct dma_buf *dmabuf, struct device *dev,
						  const struct dma_buf_attach_ops *importer_ops,
						  void *importer_priv);
void dma_buf_detach(struct dma_buf *dmabuf, struct dma_buf_attachment *attach);
int dma_buf_pin(struct dma_buf_attachment *attach);
void dma_buf_unpin(struct dma_buf_attachment *attach);
struct sg_table *dma_buf_map_attachment(struct dma_buf_attachment *attach,
					enum dma_data_direction direction);
struct sg_table *dma_buf_map_attachment_unlocked(struct dma_buf_attachment *attach,
						 enum dma_data_direction direction);
void dma_buf_unmap_attachment(struct dma_buf_attachment *attach, struct sg_table *sg_table,
			      enum dma_data_direction direction);
void dma_buf_unmap_attachment_unlocked(struct dma_buf_attachment *attach,
				       struct sg_table *sg_table,
				       enum dma_data_direction direction);

/* CPU access: coherency brackets, user mappings and kernel mappings. */
int dma_buf_begin_cpu_access(struct dma_buf *dma_buf, enum dma_data_direction dir);
int dma_buf_end_cpu_access(struct dma_buf *dma_buf, enum dma_data_direction dir);
int dma_buf_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma, unsigned long pgoff);
int dma_buf_vmap(struct dma_buf *dmabuf, struct iosys_map *map);
int dma_buf_vmap_unlocked(struct dma_buf *dmabuf, struct iosys_map *map);
void dma_buf_vunmap(struct dma_buf *dmabuf, struct iosys_map *map);
void dma_buf_vunmap_unlocked(struct dma_buf *dmabuf, struct iosys_map *map);

#endif /* __DMA_BUF_H__ */

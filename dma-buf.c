// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma-buf: buffers shared between drivers, and with user space as fds.
 *
 * This file is the in-kernel half of the core: creating a buffer and
 * counting references to it, attaching devices and mapping the buffer for
 * them, CPU access from the kernel, and the debugfs listing of every live
 * buffer. The file that user space holds, with its mmap, poll and ioctls,
 * is in dma-buf-file.c.
 */

#include <linux/debugfs.h>
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/init.h>
#include <linux/iosys-map.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include <uapi/linux/dma-buf.h>

#include "dma-buf-internal.h"

/**
 * DOC: dma buf device access
 *
 * A buffer travels from its exporter to a device in a few steps:
 *
 * 1. The exporter describes the buffer in a &struct dma_buf_export_info,
 *    best declared with DEFINE_DMA_BUF_EXPORT_INFO(), and turns it into a
 *    &struct dma_buf with dma_buf_export(). dma_buf_fd() then gives user
 *    space a file descriptor for it.
 *
 * 2. User space passes the descriptor to every driver that should use the
 *    buffer. Each one looks the buffer up with dma_buf_get() and attaches
 *    its device with dma_buf_attach() (or dma_buf_dynamic_attach(), see
 *    below). Attaching announces the device, so that the exporter can take
 *    every importer's constraints into account; until the first mapping
 *    the exporter is free to place, move or reallocate the storage.
 *
 * 3. When the device is about to do DMA, the importer asks for the bus
 *    addresses with dma_buf_map_attachment() and gives them back with
 *    dma_buf_unmap_attachment() when the DMA is done.
 *
 * 4. When it no longer needs the buffer, the importer unmaps what it still
 *    has mapped, detaches with dma_buf_detach() and drops its reference
 *    with dma_buf_put().
 *
 * Static and dynamic sides. An exporter that implements
 * &dma_buf_ops.pin is dynamic: while nobody has pinned it, it may move the
 * buffer, after telling the dynamic importers through
 * dma_buf_move_notify(). A dynamic importer passes &dma_buf_attach_ops to
 * dma_buf_dynamic_attach(), maps under the reservation lock, waits for
 * the buffer's fences itself and re-maps after a move notification. Mixed
 * pairs are bridged by the core at attach time: a static importer of a
 * dynamic exporter gets the buffer pinned and mapped once, for
 * DMA_BIDIRECTIONAL, and that mapping is what dma_buf_map_attachment()
 * returns until the detach; a dynamic importer of a static exporter gets a
 * mapping made and cached the same way. Without
 * CONFIG_DMABUF_MOVE_NOTIFY, moving is off altogether: every mapping of a
 * dynamic exporter pins the buffer until it is unmapped.
 *
 * With CONFIG_DMABUF_DEBUG the core scrambles the struct page pointers of
 * every table it hands to an importer (and restores them before the table
 * goes back to the exporter). Importers may only use the DMA addresses;
 * one that looks at the pages crashes early instead of corrupting memory
 * later.
 *
 * The callbacks an exporter implements, and what each must guarantee, are
 * described with &dma_buf_ops.
 */

/**
 * DOC: locking convention
 *
 * One lock orders all dma-buf work: the buffer's reservation lock,
 * &dma_buf.resv. Exporters and importers deadlock unless everybody agrees
 * on who takes it, so these are the rules.
 *
 * Importers call these with the reservation lock held (lockdep checks):
 *
 *  - dma_buf_pin() and dma_buf_unpin()
 *  - dma_buf_map_attachment() and dma_buf_unmap_attachment()
 *  - dma_buf_vmap() and dma_buf_vunmap()
 *
 * and these without it, because they take it themselves or call exporter
 * code that may:
 *
 *  - dma_buf_attach(), dma_buf_dynamic_attach() and dma_buf_detach()
 *  - dma_buf_export(), dma_buf_fd(), dma_buf_get() and dma_buf_put()
 *  - dma_buf_mmap()
 *  - dma_buf_begin_cpu_access() and dma_buf_end_cpu_access()
 *  - dma_buf_map_attachment_unlocked() and
 *    dma_buf_unmap_attachment_unlocked()
 *  - dma_buf_vmap_unlocked() and dma_buf_vunmap_unlocked()
 *
 * Exporters are called without the lock, and may take it, in
 * &dma_buf_ops.attach, &dma_buf_ops.detach, &dma_buf_ops.release,
 * &dma_buf_ops.begin_cpu_access, &dma_buf_ops.end_cpu_access and
 * &dma_buf_ops.mmap. They are called with it held, and must not take it
 * again, in &dma_buf_ops.pin, &dma_buf_ops.unpin,
 * &dma_buf_ops.map_dma_buf, &dma_buf_ops.unmap_dma_buf,
 * &dma_buf_ops.vmap and &dma_buf_ops.vunmap. An exporter must hold the
 * lock itself when it calls dma_buf_move_notify().
 */

/**
 * DOC: cpu access
 *
 * Devices are not the only users of a buffer; the CPU needs it too, from
 * the kernel and from user space. As CPU caches need not be coherent with
 * device DMA, every CPU access is bracketed: dma_buf_begin_cpu_access()
 * before it and dma_buf_end_cpu_access() after, with the direction of the
 * access. Beginning also waits for the implicit fences in &dma_buf.resv
 * that the access conflicts with (a reader waits for writers, a writer
 * for everybody); explicitly synchronised work is the caller's business.
 *
 * Kernel code usually wants the whole buffer at once and maps it with
 * dma_buf_vmap(), which describes the mapping with a &struct iosys_map
 * since it may be I/O memory. The core counts the users of the mapping in
 * &dma_buf.vmapping_counter and calls the exporter only for the first
 * dma_buf_vmap() and the last dma_buf_vunmap(); the reservation lock
 * protects the count. A vmap can fail, because the exporter does not
 * implement it or because the kernel's vmalloc space runs out (a real
 * concern on 32-bit machines).
 *
 * User space maps the buffer with mmap() on the dma-buf fd, or through an
 * importer's own mmap that forwards to dma_buf_mmap(). Such mappings need
 * not be coherent either, so user space brackets each access with
 * DMA_BUF_IOCTL_SYNC: DMA_BUF_SYNC_START before touching the memory,
 * DMA_BUF_SYNC_END when done, both or'ed with the direction. The pair may
 * be repeated as often as needed on one mapping. Code must always use it,
 * even where the hardware happens to be coherent; and it must restart the
 * ioctl when it fails with -EAGAIN or -EINTR.
 *
 * A mapping is set up once, at mmap() time: the core offers no hooks for
 * page faults or for tearing down user PTEs. An exporter that needs to
 * shoot down PTEs replaces the VMA's file with one it controls, as
 * described for &dma_buf_ops.mmap.
 */

/**
 * DOC: implicit fence polling
 *
 * The fences in &dma_buf.resv tell when device work on the buffer is
 * done. User space can wait for them with poll(), select() or epoll on the
 * dma-buf fd:
 *
 * - EPOLLIN (the buffer may be read) is reported once every fence of a
 *   writer has signalled, i.e. those of usage %DMA_RESV_USAGE_WRITE and
 *   %DMA_RESV_USAGE_KERNEL.
 *
 * - EPOLLOUT (the buffer may be written) is reported once every reader
 *   and writer fence has signalled, %DMA_RESV_USAGE_READ included.
 *
 * Fences of usage %DMA_RESV_USAGE_BOOKKEEP are never waited for. Waiting
 * takes no CPU: the core arms a callback on the first unsignalled fence
 * (&dma_buf.cb_in for EPOLLIN, &dma_buf.cb_out for EPOLLOUT), the callback
 * wakes the pollers, and they look again, arming on the next fence if
 * there is one.
 *
 * A reported event only means the DMA has finished. CPU access still has
 * to be bracketed as described under "cpu access" above. The same fences
 * can also be taken out as a sync_file with DMA_BUF_IOCTL_EXPORT_SYNC_FILE
 * instead of being polled.
 */

/* ------------------------------------------------------------------ */
/* The list of live buffers                                            */
/* ------------------------------------------------------------------ */

/*
 * debugfs has to list every buffer, but one list behind one lock would
 * make every export and every release in the system queue up on that
 * lock. The list is therefore split into shards, each with its own mutex;
 * a buffer joins the shard of the CPU that exports it and leaves it from
 * whichever CPU releases it. Only the debugfs reader looks at all shards,
 * one after the other.
 *
 * A buffer leaves its shard in the file's ->release(), before the file is
 * freed, so a reader that holds the shard's mutex can use the file of
 * every buffer it finds there.
 */
#define DMA_BUF_LIST_SHARDS 16

struct dma_buf_list_shard {
	struct mutex lock;		/* protects @buffers */
	struct list_head buffers;
} ____cacheline_aligned_in_smp;

#if IS_ENABLED(CONFIG_DEBUG_FS)
static struct dma_buf_list_shard dma_buf_shards[DMA_BUF_LIST_SHARDS];

static void dma_buf_shards_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dma_buf_shards); i++) {
		mutex_init(&dma_buf_shards[i].lock);
		INIT_LIST_HEAD(&dma_buf_shards[i].buffers);
	}
}

static void dma_buf_list_add(struct dma_buf *dmabuf)
{
	struct dma_buf_container *c = to_dma_buf_container(dmabuf);
	struct dma_buf_list_shard *shard;

	c->shard = raw_smp_processor_id() % DMA_BUF_LIST_SHARDS;
	shard = &dma_buf_shards[c->shard];

	mutex_lock(&shard->lock);
	list_add(&dmabuf->list_node, &shard->buffers);
	mutex_unlock(&shard->lock);
}

/**
 * dma_buf_list_del() - take a buffer off the debugfs list
 * @dmabuf: the buffer, whose file is being released
 */
void dma_buf_list_del(struct dma_buf *dmabuf)
{
	struct dma_buf_list_shard *shard =
		&dma_buf_shards[to_dma_buf_container(dmabuf)->shard];

	mutex_lock(&shard->lock);
	list_del(&dmabuf->list_node);
	mutex_unlock(&shard->lock);
}
#else
static void dma_buf_shards_init(void)
{
}

static void dma_buf_list_add(struct dma_buf *dmabuf)
{
}

void dma_buf_list_del(struct dma_buf *dmabuf)
{
}
#endif /* CONFIG_DEBUG_FS */

/* ------------------------------------------------------------------ */
/* Creating, sharing and destroying buffers                            */
/* ------------------------------------------------------------------ */

/*
 * Why dma_buf_export() would refuse @info, or NULL if it is fine. Each
 * case is an exporter bug, but one that the -EINVAL already reports to
 * the caller; a one-line message (no backtrace) names the culprit.
 */
static const char *dma_buf_export_info_problem(const struct dma_buf_export_info *info)
{
	const struct dma_buf_ops *ops = info->ops;

	if (!info->priv)
		return "no private data";
	if (!ops)
		return "no ops";
	if (!ops->map_dma_buf || !ops->unmap_dma_buf)
		return "map_dma_buf and unmap_dma_buf are mandatory";
	if (!ops->release)
		return "release is mandatory";
	if (!ops->pin != !ops->unpin)
		return "pin and unpin come as a pair";
	/* A cached mapping cannot follow a buffer that moves. */
	if (ops->cache_sgt_mapping && ops->pin)
		return "cache_sgt_mapping and pin exclude each other";
	return NULL;
}

static bool dma_buf_export_info_valid(const struct dma_buf_export_info *info)
{
	const char *problem;

	if (!info) {
		pr_warn_ratelimited("dma-buf: export without export info\n");
		return false;
	}
	problem = dma_buf_export_info_problem(info);
	if (problem)
		pr_warn_ratelimited("dma-buf: export by %s refused: %s\n",
				    info->exp_name ?: "(unnamed)", problem);
	return !problem;
}

/*
 * The buffer object, not yet backed by a file. The reservation object is
 * the exporter's, or else one allocated with the buffer.
 */
static struct dma_buf *dma_buf_alloc(const struct dma_buf_export_info *info)
{
	bool embed = !info->resv;
	struct dma_buf_container *c;
	struct dma_buf *dmabuf;

	c = kzalloc(struct_size(c, embedded_resv, embed ? 1 : 0), GFP_KERNEL);
	if (!c)
		return NULL;

	dmabuf = &c->base;
	dmabuf->size = info->size;
	dmabuf->ops = info->ops;
	dmabuf->priv = info->priv;
	dmabuf->exp_name = info->exp_name;
	dmabuf->owner = info->owner;
	INIT_LIST_HEAD(&dmabuf->attachments);
	spin_lock_init(&dmabuf->name_lock);
	init_waitqueue_head(&dmabuf->poll);
	dmabuf->cb_in.poll = &dmabuf->poll;
	dmabuf->cb_out.poll = &dmabuf->poll;

	c->owns_resv = embed;
	if (embed) {
		dma_resv_init(c->embedded_resv);
		dmabuf->resv = c->embedded_resv;
	} else {
		dmabuf->resv = info->resv;
	}
	return dmabuf;
}

/* Undo dma_buf_alloc(), and the allocation half of dma_buf_destroy(). */
static void dma_buf_free(struct dma_buf *dmabuf)
{
	struct dma_buf_container *c = to_dma_buf_container(dmabuf);

	if (c->owns_resv)
		dma_resv_fini(dmabuf->resv);
	kfree(dmabuf->name);
	kfree(c);
}

/**
 * dma_buf_export() - wrap an exporter's buffer into a new &struct dma_buf
 * @exp_info: what the buffer is and who provides it; see
 *	&struct dma_buf_export_info and DEFINE_DMA_BUF_EXPORT_INFO()
 *
 * Creates the buffer and the file behind it, takes a reference on
 * &dma_buf_export_info.owner, and sets up the buffer's reservation object:
 * the exporter's own if it passed one, otherwise one embedded in the
 * buffer and finalised with it. The caller holds the only reference;
 * dma_buf_fd() hands it to user space, dma_buf_put() drops it.
 *
 * The info is checked first: &dma_buf_export_info.priv,
 * &dma_buf_ops.map_dma_buf, &dma_buf_ops.unmap_dma_buf and
 * &dma_buf_ops.release are mandatory, &dma_buf_ops.pin and
 * &dma_buf_ops.unpin come as a pair, and neither goes with
 * &dma_buf_ops.cache_sgt_mapping.
 *
 * Must be called without the buffer's reservation lock held.
 *
 * Return: the new buffer, or an ERR_PTR(): -EINVAL for an invalid
 * @exp_info (with a one-line message in the kernel log), -ENOENT if the
 * owner module is going away, -ENOMEM or another errno if an allocation
 * fails.
 */
struct dma_buf *dma_buf_export(const struct dma_buf_export_info *exp_info)
{
	struct dma_buf *dmabuf;
	struct file *file;

	if (!dma_buf_export_info_valid(exp_info))
		return ERR_PTR(-EINVAL);
	if (!try_module_get(exp_info->owner))
		return ERR_PTR(-ENOENT);

	dmabuf = dma_buf_alloc(exp_info);
	if (!dmabuf) {
		file = ERR_PTR(-ENOMEM);
		goto fail;
	}

	file = dma_buf_file_create(dmabuf, exp_info->flags);
	if (IS_ERR(file)) {
		dma_buf_free(dmabuf);
		goto fail;
	}

	/* From here on, the file's last reference destroys the buffer. */
	dmabuf->file = file;
	dma_buf_list_add(dmabuf);
	return dmabuf;

fail:
	module_put(exp_info->owner);
	return ERR_CAST(file);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_export, DMA_BUF);

/**
 * dma_buf_destroy() - free a buffer whose last reference is gone
 * @dmabuf: the buffer
 *
 * Called when the buffer's dentry is released, after its file. By then
 * nothing can reach the buffer any more: not an fd, not a fence callback
 * (each armed poll callback holds a file reference) and not the debugfs
 * list.
 */
void dma_buf_destroy(struct dma_buf *dmabuf)
{
	struct module *owner = dmabuf->owner;

	/* Importer bugs: a kernel mapping or an attachment was leaked. */
	WARN_ON(dmabuf->vmapping_counter);
	WARN_ON(!list_empty(&dmabuf->attachments));
	/* Only possible if a poll callback lost its file reference. */
	WARN_ON(dmabuf->cb_in.active || dmabuf->cb_out.active);

	dmabuf->ops->release(dmabuf);
	dma_buf_forget_charge(dmabuf);
	dma_buf_free(dmabuf);
	module_put(owner);
}

/**
 * dma_buf_put() - drop a reference on a buffer
 * @dmabuf: the buffer
 *
 * Drops a reference taken by dma_buf_export(), dma_buf_get() or
 * get_dma_buf(). When the last one goes, &dma_buf_ops.release is called
 * and the buffer is freed; the final release of a file is deferred, so
 * this may happen a little later and from another context.
 */
void dma_buf_put(struct dma_buf *dmabuf)
{
	if (WARN_ON(!dmabuf || !dmabuf->file))
		return;

	fput(dmabuf->file);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_put, DMA_BUF);

/**
 * dma_buf_fd() - give user space a file descriptor for a buffer
 * @dmabuf: the buffer
 * @flags: flags for the new descriptor, such as O_CLOEXEC
 *
 * The descriptor takes over the caller's reference: on success the caller
 * must not dma_buf_put() it (unless it took another one first).
 *
 * Return: the new fd, -EINVAL for a NULL or half-made buffer, or the
 * error of get_unused_fd_flags() (-EMFILE when the table is full).
 */
int dma_buf_fd(struct dma_buf *dmabuf, int flags)
{
	struct file *file = dmabuf ? dmabuf->file : NULL;
	int fd;

	if (!file)
		return -EINVAL;

	fd = get_unused_fd_flags(flags);
	if (fd >= 0)
		fd_install(fd, file);
	return fd;
}
EXPORT_SYMBOL_NS_GPL(dma_buf_fd, DMA_BUF);

/**
 * dma_buf_get() - look up the buffer behind a file descriptor
 * @fd: a descriptor of the current process
 *
 * Takes a reference on the buffer, which the caller drops again with
 * dma_buf_put().
 *
 * Return: the buffer; ERR_PTR(-EBADF) if @fd is not open, or
 * ERR_PTR(-EINVAL) if it is open on something that is not a dma-buf.
 */
struct dma_buf *dma_buf_get(int fd)
{
	struct file *file = fget(fd);

	if (!file)
		return ERR_PTR(-EBADF);

	if (!dma_buf_file_is_ours(file)) {
		fput(file);
		return ERR_PTR(-EINVAL);
	}
	return file->private_data;
}
EXPORT_SYMBOL_NS_GPL(dma_buf_get, DMA_BUF);

/* ------------------------------------------------------------------ */
/* Mapping for devices                                                 */
/* ------------------------------------------------------------------ */

/*
 * With CONFIG_DMABUF_DEBUG, flip the page bits of each entry's page link
 * (everything from PAGE_SHIFT up) so that an importer calling sg_page()
 * gets a pointer that faults. The low bits, which mark chain links and the
 * last entry, stay intact, so the table can still be walked. The flip is
 * its own inverse and is applied again before the exporter sees the table.
 */
static void dma_buf_sgt_scramble(struct sg_table *sgt)
{
#if IS_ENABLED(CONFIG_DMABUF_DEBUG)
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_sg(sgt, sg, i)
		sg->page_link ^= PAGE_MASK;
#endif
}

/* Tell the developer about entries a device may not be able to use. */
static void dma_buf_sgt_check_alignment(struct sg_table *sgt)
{
#if IS_ENABLED(CONFIG_DMA_API_DEBUG)
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_dma_sg(sgt, sg, i) {
		dma_addr_t addr = sg_dma_address(sg);
		unsigned int len = sg_dma_len(sg);

		if (!PAGE_ALIGNED(addr) || !PAGE_ALIGNED(len))
			pr_debug("%s: entry %u (%pad + %#x) is not page aligned\n",
				 __func__, i, &addr, len);
	}
#endif
}

/*
 * Ask the exporter for a new mapping. A static importer does not look at
 * the fences, so it must not see the table before the exporter's own
 * kernel work on the buffer (a move, a clear) is done.
 */
static struct sg_table *dma_buf_map_new(struct dma_buf_attachment *attach,
					enum dma_data_direction dir)
{
	const struct dma_buf_ops *ops = attach->dmabuf->ops;
	struct dma_resv *resv = attach->dmabuf->resv;
	struct sg_table *sgt;
	long ret = 0;

	sgt = ops->map_dma_buf(attach, dir);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	if (IS_ERR(sgt))
		return sgt;

	if (!dma_buf_attachment_is_dynamic(attach))
		ret = dma_resv_wait_timeout(resv, DMA_RESV_USAGE_KERNEL, true,
					    MAX_SCHEDULE_TIMEOUT);
	if (ret < 0) {
		ops->unmap_dma_buf(attach, sgt, dir);
		return ERR_PTR(ret);
	}

	dma_buf_sgt_scramble(sgt);
	return sgt;
}

/* Give a table from dma_buf_map_new() back to the exporter. */
static void dma_buf_unmap_old(struct dma_buf_attachment *attach,
			      struct sg_table *sgt, enum dma_data_direction dir)
{
	dma_buf_sgt_scramble(sgt);
	attach->dmabuf->ops->unmap_dma_buf(attach, sgt, dir);
}

/*
 * Without move notification every mapping of a dynamic exporter holds a
 * pin, so that the buffer cannot move under an importer that would not
 * hear about it.
 */
static bool dma_buf_map_pins(struct dma_buf *dmabuf)
{
	return dma_buf_is_dynamic(dmabuf) &&
	       !IS_ENABLED(CONFIG_DMABUF_MOVE_NOTIFY);
}

/*
 * Bridge an importer and an exporter that disagree about dynamic mapping:
 * map once now, pinning the buffer first if the exporter is the dynamic
 * one, and serve every later dma_buf_map_attachment() from that mapping.
 * Doing it here rather than on the first map means the mapping is made
 * under a reservation lock the importer certainly does not hold.
 */
static int dma_buf_attach_premap(struct dma_buf_attachment *attach)
{
	struct dma_buf *dmabuf = attach->dmabuf;
	struct sg_table *sgt;
	int ret = 0;

	dma_resv_lock(dmabuf->resv, NULL);

	if (dma_buf_is_dynamic(dmabuf)) {
		ret = dmabuf->ops->pin(attach);
		if (ret)
			goto out_unlock;
	}

	sgt = dma_buf_map_new(attach, DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		if (dma_buf_is_dynamic(dmabuf))
			dmabuf->ops->unpin(attach);
		goto out_unlock;
	}
	attach->sgt = sgt;
	attach->dir = DMA_BIDIRECTIONAL;

out_unlock:
	dma_resv_unlock(dmabuf->resv);
	return ret;
}

/* Make a new attachment visible to the exporter and to debugfs. */
static void dma_buf_attachment_link(struct dma_buf_attachment *attach)
{
	struct dma_resv *resv = attach->dmabuf->resv;

	dma_resv_lock(resv, NULL);
	list_add(&attach->node, &attach->dmabuf->attachments);
	dma_resv_unlock(resv);
}

/**
 * dma_buf_dynamic_attach() - attach a device to a buffer
 * @dmabuf: the buffer
 * @dev: the device that will access it
 * @importer_ops: for a dynamic importer, its callbacks, of which
 *	&dma_buf_attach_ops.move_notify is mandatory; NULL for a static one
 * @importer_priv: the importer's data, kept in
 *	&dma_buf_attachment.importer_priv
 *
 * Creates an attachment, lets the exporter accept or refuse the device in
 * &dma_buf_ops.attach, and links it on &dma_buf.attachments. If exactly
 * one of the two sides is dynamic, the buffer is also mapped right away
 * (and pinned first, for a dynamic exporter); see "dma buf device access"
 * for why. A dynamic importer asks for peer-to-peer mappings through
 * &dma_buf_attach_ops.allow_peer2peer.
 *
 * Must be called without the buffer's reservation lock held.
 *
 * Return: the attachment, to be given back with dma_buf_detach(), or an
 * ERR_PTR(): -EINVAL (with a warning) for NULL arguments or a dynamic
 * importer without move_notify, -ENOMEM, or whatever the exporter's
 * attach, pin or map_dma_buf returned.
 */
struct dma_buf_attachment *dma_buf_dynamic_attach(struct dma_buf *dmabuf, struct device *dev,
						  const struct dma_buf_attach_ops *importer_ops,
						  void *importer_priv)
{
	bool dynamic = importer_ops;
	struct dma_buf_attachment *attach;
	int ret = 0;

	/* Both are importer bugs; a dynamic importer must hear of moves. */
	if (WARN_ON(!dmabuf || !dev) ||
	    WARN_ON(dynamic && !importer_ops->move_notify))
		return ERR_PTR(-EINVAL);

	/* Zeroed: no cached mapping, no exporter data, new fields start 0. */
	attach = kzalloc(sizeof(*attach), GFP_KERNEL);
	if (!attach)
		return ERR_PTR(-ENOMEM);

	attach->dmabuf = dmabuf;
	attach->dev = dev;
	INIT_LIST_HEAD(&attach->node);
	attach->peer2peer = dynamic && importer_ops->allow_peer2peer;
	attach->importer_ops = importer_ops;
	attach->importer_priv = importer_priv;

	if (dmabuf->ops->attach)
		ret = dmabuf->ops->attach(dmabuf, attach);
	if (ret) {
		kfree(attach);
		return ERR_PTR(ret);
	}

	dma_buf_attachment_link(attach);

	if (dynamic != dma_buf_is_dynamic(dmabuf))
		ret = dma_buf_attach_premap(attach);
	if (ret) {
		dma_buf_detach(dmabuf, attach);
		attach = ERR_PTR(ret);
	}
	return attach;
}
EXPORT_SYMBOL_NS_GPL(dma_buf_dynamic_attach, DMA_BUF);

/**
 * dma_buf_attach() - attach a device to a buffer, as a static importer
 * @dmabuf: the buffer
 * @dev: the device that will access it
 *
 * dma_buf_dynamic_attach() without importer callbacks: the importer does
 * not handle moves, so a dynamic exporter's buffer is pinned for as long
 * as the attachment exists.
 *
 * Must be called without the buffer's reservation lock held.
 *
 * Return: the attachment or an ERR_PTR(), as for dma_buf_dynamic_attach().
 */
struct dma_buf_attachment *dma_buf_attach(struct dma_buf *dmabuf,
					  struct device *dev)
{
	return dma_buf_dynamic_attach(dmabuf, dev, NULL, NULL);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_attach, DMA_BUF);

/**
 * dma_buf_detach() - give back an attachment
 * @dmabuf: the buffer
 * @attach: an attachment of @dmabuf
 *
 * Drops the mapping the core cached for the attachment, and the pin it
 * took for a static importer of a dynamic exporter, unlinks the
 * attachment, calls &dma_buf_ops.detach and frees it. Mappings the
 * importer made itself must have been unmapped before.
 *
 * Must be called without the buffer's reservation lock held.
 */
void dma_buf_detach(struct dma_buf *dmabuf, struct dma_buf_attachment *attach)
{
	const struct dma_buf_ops *ops;
	struct dma_resv *resv;

	if (WARN_ON(!dmabuf || !attach || attach->dmabuf != dmabuf))
		return;
	ops = dmabuf->ops;
	resv = dmabuf->resv;

	dma_resv_lock(resv, NULL);
	if (attach->sgt) {
		dma_buf_unmap_old(attach, attach->sgt, attach->dir);
		/* Only a static importer of a dynamic exporter is pinned. */
		if (ops->unpin)
			ops->unpin(attach);
	}
	/* Still listed above: the exporter may look for it while unmapping. */
	list_del(&attach->node);
	dma_resv_unlock(resv);

	if (ops->detach)
		ops->detach(dmabuf, attach);
	kfree(attach);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_detach, DMA_BUF);

/**
 * dma_buf_pin() - keep a buffer from moving
 * @attach: a dynamic attachment of the buffer
 *
 * For dynamic importers that need the buffer to stay put for a while,
 * for instance because the device cannot stop its DMA on a move
 * notification. Pinning is a big hammer (a pinned buffer may keep the
 * exporter from managing its memory), so it should be short-lived. A
 * static exporter's buffers never move, and this does nothing for them.
 *
 * Must be called with the buffer's reservation lock held.
 *
 * Return: 0 or the error from &dma_buf_ops.pin.
 */
int dma_buf_pin(struct dma_buf_attachment *attach)
{
	const struct dma_buf_ops *ops = attach->dmabuf->ops;

	dma_resv_assert_held(attach->dmabuf->resv);
	/* Static importers are pinned by the core already. */
	WARN_ON(!attach->importer_ops);

	return ops->pin ? ops->pin(attach) : 0;
}
EXPORT_SYMBOL_NS_GPL(dma_buf_pin, DMA_BUF);

/**
 * dma_buf_unpin() - let a buffer move again
 * @attach: the dynamic attachment that pinned it with dma_buf_pin()
 *
 * Must be called with the buffer's reservation lock held.
 */
void dma_buf_unpin(struct dma_buf_attachment *attach)
{
	const struct dma_buf_ops *ops = attach->dmabuf->ops;

	dma_resv_assert_held(attach->dmabuf->resv);
	WARN_ON(!attach->importer_ops);

	if (ops->unpin)
		ops->unpin(attach);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_unpin, DMA_BUF);

/**
 * dma_buf_map_attachment() - map a buffer for the attached device
 * @attach: the attachment
 * @direction: direction of the DMA
 *
 * Returns the bus addresses of the buffer as the attached device sees
 * them. Only the DMA addresses and lengths of the table may be used: the
 * pages behind it belong to the exporter (and are scrambled with
 * CONFIG_DMABUF_DEBUG).
 *
 * If the attachment has a cached mapping (made at attach time, or the
 * first one under &dma_buf_ops.cache_sgt_mapping), that mapping is
 * returned, provided @direction matches the cached one or that one is
 * DMA_BIDIRECTIONAL. A static importer gets the table only once the
 * exporter's kernel fences have signalled; a dynamic importer must wait
 * for the fences in &dma_buf.resv itself. A dynamic exporter's buffer is
 * pinned by each mapping while CONFIG_DMABUF_MOVE_NOTIFY is off.
 *
 * Must be called with the buffer's reservation lock held; may sleep.
 *
 * Return: the table, to be given back with dma_buf_unmap_attachment(), or
 * an ERR_PTR(): -EINVAL for a NULL attachment, -EBUSY for a direction the
 * cached mapping does not cover, -ENOMEM if the exporter returned NULL,
 * -EINTR or -ERESTARTSYS if a wait was interrupted, or the exporter's
 * error.
 */
struct sg_table *dma_buf_map_attachment(struct dma_buf_attachment *attach,
					enum dma_data_direction direction)
{
	struct dma_buf *dmabuf;
	struct sg_table *sgt;
	int ret;

	might_sleep();
	if (WARN_ON(!attach || !attach->dmabuf))
		return ERR_PTR(-EINVAL);
	dmabuf = attach->dmabuf;
	dma_resv_assert_held(dmabuf->resv);

	if (attach->sgt) {
		if (attach->dir != direction && attach->dir != DMA_BIDIRECTIONAL)
			return ERR_PTR(-EBUSY);
		return attach->sgt;
	}

	if (dma_buf_map_pins(dmabuf)) {
		ret = dmabuf->ops->pin(attach);
		if (ret)
			return ERR_PTR(ret);
	}

	sgt = dma_buf_map_new(attach, direction);
	if (IS_ERR(sgt)) {
		if (dma_buf_map_pins(dmabuf))
			dmabuf->ops->unpin(attach);
		return sgt;
	}

	if (dmabuf->ops->cache_sgt_mapping) {
		attach->sgt = sgt;
		attach->dir = direction;
	}

	dma_buf_sgt_check_alignment(sgt);
	return sgt;
}
EXPORT_SYMBOL_NS_GPL(dma_buf_map_attachment, DMA_BUF);

/**
 * dma_buf_map_attachment_unlocked() - dma_buf_map_attachment(), locking
 * @attach: the attachment
 * @direction: direction of the DMA
 *
 * Takes and releases the reservation lock around
 * dma_buf_map_attachment(); for static importers that do not otherwise
 * deal with the lock. Must be called without it held.
 *
 * Return: as for dma_buf_map_attachment().
 */
struct sg_table *dma_buf_map_attachment_unlocked(struct dma_buf_attachment *attach,
						 enum dma_data_direction direction)
{
	struct sg_table *sgt;
	struct dma_resv *resv;

	might_sleep();
	if (WARN_ON(!attach || !attach->dmabuf))
		return ERR_PTR(-EINVAL);
	resv = attach->dmabuf->resv;

	dma_resv_lock(resv, NULL);
	sgt = dma_buf_map_attachment(attach, direction);
	dma_resv_unlock(resv);
	return sgt;
}
EXPORT_SYMBOL_NS_GPL(dma_buf_map_attachment_unlocked, DMA_BUF);

/**
 * dma_buf_unmap_attachment() - give back a mapping
 * @attach: the attachment it was made for
 * @sg_table: the table dma_buf_map_attachment() returned
 * @direction: the direction it was mapped with
 *
 * A cached mapping stays until the detach, so for it this does nothing;
 * any other table goes back to the exporter, and the pin that came with
 * it (see dma_buf_map_attachment()) is dropped.
 *
 * Must be called with the buffer's reservation lock held; may sleep.
 */
void dma_buf_unmap_attachment(struct dma_buf_attachment *attach,
			      struct sg_table *sg_table,
			      enum dma_data_direction direction)
{
	struct dma_buf *dmabuf;

	might_sleep();
	if (WARN_ON(!attach || !attach->dmabuf || !sg_table))
		return;
	dmabuf = attach->dmabuf;
	dma_resv_assert_held(dmabuf->resv);

	/* The cached mapping lives until the detach. */
	if (sg_table == attach->sgt)
		return;

	dma_buf_unmap_old(attach, sg_table, direction);
	if (dma_buf_map_pins(dmabuf))
		dmabuf->ops->unpin(attach);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_unmap_attachment, DMA_BUF);

/**
 * dma_buf_unmap_attachment_unlocked() - dma_buf_unmap_attachment(), locking
 * @attach: the attachment the mapping was made for
 * @sg_table: the table dma_buf_map_attachment() returned
 * @direction: the direction it was mapped with
 *
 * Takes and releases the reservation lock around
 * dma_buf_unmap_attachment(). Must be called without it held.
 */
void dma_buf_unmap_attachment_unlocked(struct dma_buf_attachment *attach,
				       struct sg_table *sg_table,
				       enum dma_data_direction direction)
{
	struct dma_resv *resv;

	might_sleep();
	if (WARN_ON(!attach || !attach->dmabuf || !sg_table))
		return;
	resv = attach->dmabuf->resv;

	dma_resv_lock(resv, NULL);
	dma_buf_unmap_attachment(attach, sg_table, direction);
	dma_resv_unlock(resv);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_unmap_attachment_unlocked, DMA_BUF);

/**
 * dma_buf_move_notify() - tell the importers the buffer is about to move
 * @dmabuf: the buffer
 *
 * Called by a dynamic exporter before it moves the buffer. Every dynamic
 * attachment's &dma_buf_attach_ops.move_notify is called, so that its
 * importer drops its mappings; static attachments are pinned and need not
 * hear about it.
 *
 * Must be called with the buffer's reservation lock held.
 */
void dma_buf_move_notify(struct dma_buf *dmabuf)
{
	struct dma_buf_attachment *attach;

	dma_resv_assert_held(dmabuf->resv);

	list_for_each_entry(attach, &dmabuf->attachments, node) {
		if (dma_buf_attachment_is_dynamic(attach))
			attach->importer_ops->move_notify(attach);
	}
}
EXPORT_SYMBOL_NS_GPL(dma_buf_move_notify, DMA_BUF);

/* ------------------------------------------------------------------ */
/* CPU access                                                          */
/* ------------------------------------------------------------------ */

/**
 * dma_buf_begin_cpu_access() - prepare a buffer for access by the CPU
 * @dmabuf: the buffer
 * @direction: DMA_FROM_DEVICE to read what devices wrote,
 *	DMA_TO_DEVICE to write for devices, DMA_BIDIRECTIONAL for both
 *
 * First gives the exporter the chance to make the memory coherent (and to
 * wait for its devices more cleverly than the core can) through
 * &dma_buf_ops.begin_cpu_access; then waits, interruptibly, for the
 * implicit fences of &dma_buf.resv that the access conflicts with: a
 * reader waits for writers, a writer for readers and writers. If the
 * exporter waited already, this second wait returns at once. Work that is
 * synchronised explicitly is not waited for.
 *
 * Coherency holds only for the given direction, and only until the
 * matching dma_buf_end_cpu_access(). Also reached from user space through
 * DMA_BUF_IOCTL_SYNC with DMA_BUF_SYNC_START.
 *
 * Must be called without the buffer's reservation lock held.
 *
 * Return: 0; -EINVAL for a NULL buffer; the exporter's error; or
 * -ERESTARTSYS if a signal interrupted the wait.
 */
int dma_buf_begin_cpu_access(struct dma_buf *dmabuf,
			     enum dma_data_direction direction)
{
	bool write = direction == DMA_TO_DEVICE ||
		     direction == DMA_BIDIRECTIONAL;
	long ret;

	if (WARN_ON(!dmabuf))
		return -EINVAL;

	might_lock(&dmabuf->resv->lock.base);

	if (dmabuf->ops->begin_cpu_access) {
		ret = dmabuf->ops->begin_cpu_access(dmabuf, direction);
		if (ret)
			return ret;
	}

	ret = dma_resv_wait_timeout(dmabuf->resv, dma_resv_usage_rw(write),
				    true, MAX_SCHEDULE_TIMEOUT);
	return ret < 0 ? ret : 0;
}
EXPORT_SYMBOL_NS_GPL(dma_buf_begin_cpu_access, DMA_BUF);

/**
 * dma_buf_end_cpu_access() - hand a buffer back to the devices
 * @dmabuf: the buffer
 * @direction: the direction given to dma_buf_begin_cpu_access()
 *
 * Lets the exporter flush what the CPU wrote, through
 * &dma_buf_ops.end_cpu_access. Also reached from user space through
 * DMA_BUF_IOCTL_SYNC with DMA_BUF_SYNC_END.
 *
 * Must be called without the buffer's reservation lock held.
 *
 * Return: 0, -EINVAL for a NULL buffer, or the exporter's error.
 */
int dma_buf_end_cpu_access(struct dma_buf *dmabuf,
			   enum dma_data_direction direction)
{
	if (WARN_ON(!dmabuf))
		return -EINVAL;

	might_lock(&dmabuf->resv->lock.base);

	if (!dmabuf->ops->end_cpu_access)
		return 0;
	return dmabuf->ops->end_cpu_access(dmabuf, direction);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_end_cpu_access, DMA_BUF);

/**
 * dma_buf_mmap() - map a buffer into user space on behalf of an importer
 * @dmabuf: the buffer
 * @vma: the importer's VMA, which the buffer's mapping replaces
 * @pgoff: offset in the buffer, in pages, where the mapping starts
 *
 * For importers whose own mmap hands the request on to the exporter. The
 * VMA's file becomes the dma-buf's (with the references moved
 * accordingly) and its page offset @pgoff, then &dma_buf_ops.mmap is
 * called. The range must lie inside the buffer.
 *
 * Must be called without the buffer's reservation lock held.
 *
 * Return: 0; -EINVAL for NULL arguments, an exporter without mmap or a
 * range past the end of the buffer; -EOVERFLOW if @pgoff plus the VMA's
 * length overflows; or the exporter's error.
 */
int dma_buf_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma,
		 unsigned long pgoff)
{
	int (*mmap)(struct dma_buf *dmabuf, struct vm_area_struct *vma);
	unsigned long pages, end;

	if (WARN_ON(!dmabuf || !vma))
		return -EINVAL;
	mmap = dmabuf->ops->mmap;
	if (!mmap)
		return -EINVAL;

	pages = vma_pages(vma);
	if (check_add_overflow(pgoff, pages, &end))
		return -EOVERFLOW;
	if (end > dmabuf->size >> PAGE_SHIFT)
		return -EINVAL;

	/* The VMA now maps the dma-buf file, at the buffer's offset. */
	vma_set_file(vma, dmabuf->file);
	vma->vm_pgoff = pgoff;
	return mmap(dmabuf, vma);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_mmap, DMA_BUF);

/**
 * dma_buf_vmap() - map a whole buffer into the kernel's address space
 * @dmabuf: the buffer
 * @map: set to the mapping, or cleared on failure
 *
 * All users share one mapping, made by &dma_buf_ops.vmap for the first
 * of them and counted in &dma_buf.vmapping_counter. Each successful call
 * needs a matching dma_buf_vunmap(). CPU access through the mapping must
 * still be bracketed with dma_buf_begin_cpu_access() and
 * dma_buf_end_cpu_access().
 *
 * Must be called with the buffer's reservation lock held.
 *
 * Return: 0; -EINVAL for a NULL buffer or an exporter without vmap; or
 * the exporter's error.
 */
int dma_buf_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct iosys_map mapping = IOSYS_MAP_INIT_VADDR(NULL);
	int ret;

	/* The caller sees a cleared map on every failure. */
	*map = mapping;
	if (WARN_ON(!dmabuf))
		return -EINVAL;
	dma_resv_assert_held(dmabuf->resv);

	if (!dmabuf->ops->vmap)
		return -EINVAL;

	if (!dmabuf->vmapping_counter) {
		ret = dmabuf->ops->vmap(dmabuf, &mapping);
		if (ret)
			return ret;
		if (WARN_ON(iosys_map_is_null(&mapping))) {
			/* Undo whatever the exporter set up for the map. */
			if (dmabuf->ops->vunmap)
				dmabuf->ops->vunmap(dmabuf, &mapping);
			return -EINVAL;
		}
		dmabuf->vmap_ptr = mapping;
	}

	dmabuf->vmapping_counter++;
	*map = dmabuf->vmap_ptr;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(dma_buf_vmap, DMA_BUF);

/**
 * dma_buf_vmap_unlocked() - dma_buf_vmap(), locking
 * @dmabuf: the buffer
 * @map: set to the mapping, or cleared on failure
 *
 * Takes and releases the reservation lock around dma_buf_vmap(). Must be
 * called without it held.
 *
 * Return: as for dma_buf_vmap().
 */
int dma_buf_vmap_unlocked(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct dma_resv *resv;
	int ret;

	iosys_map_clear(map);
	if (WARN_ON(!dmabuf))
		return -EINVAL;
	resv = dmabuf->resv;

	dma_resv_lock(resv, NULL);
	ret = dma_buf_vmap(dmabuf, map);
	dma_resv_unlock(resv);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(dma_buf_vmap_unlocked, DMA_BUF);

/**
 * dma_buf_vunmap() - drop a use of the kernel mapping
 * @dmabuf: the buffer
 * @map: the mapping dma_buf_vmap() returned
 *
 * The last user's call removes the mapping through &dma_buf_ops.vunmap.
 * Unbalanced calls, or a @map that is not the buffer's mapping, are
 * caller bugs: they are warned about and ignored.
 *
 * Must be called with the buffer's reservation lock held.
 */
void dma_buf_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	void (*vunmap)(struct dma_buf *dmabuf, struct iosys_map *map);

	if (WARN_ON(!dmabuf))
		return;
	dma_resv_assert_held(dmabuf->resv);

	if (WARN_ON(!dmabuf->vmapping_counter ||
		    !iosys_map_is_equal(&dmabuf->vmap_ptr, map)))
		return;
	if (--dmabuf->vmapping_counter)
		return;

	vunmap = dmabuf->ops->vunmap;
	if (vunmap)
		vunmap(dmabuf, &dmabuf->vmap_ptr);
	iosys_map_clear(&dmabuf->vmap_ptr);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_vunmap, DMA_BUF);

/**
 * dma_buf_vunmap_unlocked() - dma_buf_vunmap(), locking
 * @dmabuf: the buffer
 * @map: the mapping dma_buf_vmap() returned
 *
 * Takes and releases the reservation lock around dma_buf_vunmap(). Must
 * be called without it held.
 */
void dma_buf_vunmap_unlocked(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct dma_resv *resv;

	if (WARN_ON(!dmabuf))
		return;
	resv = dmabuf->resv;

	dma_resv_lock(resv, NULL);
	dma_buf_vunmap(dmabuf, map);
	dma_resv_unlock(resv);
}
EXPORT_SYMBOL_NS_GPL(dma_buf_vunmap_unlocked, DMA_BUF);

/* ------------------------------------------------------------------ */
/* debugfs: /sys/kernel/debug/dma_buf/bufinfo                          */
/* ------------------------------------------------------------------ */

#if IS_ENABLED(CONFIG_DEBUG_FS)
struct dma_buf_debug_totals {
	unsigned int buffers;
	size_t bytes;
};

/* One buffer: its summary line, its fences, its devices. */
static int dma_buf_debug_show_one(struct seq_file *s, struct dma_buf *dmabuf)
{
	struct dma_buf_attachment *attach;
	struct file *file = dmabuf->file;
	unsigned int devices = 0;
	int ret;

	ret = dma_resv_lock_interruptible(dmabuf->resv, NULL);
	if (ret)
		return ret;

	spin_lock(&dmabuf->name_lock);
	seq_printf(s, "%08zu\t%08x\t%08x\t%08ld\t%s\t%08lu\t%s\n",
		   dmabuf->size, file->f_flags, (__force unsigned int)file->f_mode,
		   file_count(file), dmabuf->exp_name, file_inode(file)->i_ino,
		   dmabuf->name ?: "<none>");
	spin_unlock(&dmabuf->name_lock);

	dma_resv_describe(dmabuf->resv, s);

	seq_puts(s, "\tAttached Devices:\n");
	list_for_each_entry(attach, &dmabuf->attachments, node) {
		seq_printf(s, "\t%s\n", dev_name(attach->dev));
		devices++;
	}
	dma_resv_unlock(dmabuf->resv);

	seq_printf(s, "Total %u devices attached\n", devices);
	dma_buf_show_charge(s, dmabuf, "\tMemcg charged: %zu bytes to %s\n",
			    false);
	seq_putc(s, '\n');
	return 0;
}

static int dma_buf_debug_show_shard(struct seq_file *s,
				    struct dma_buf_list_shard *shard,
				    struct dma_buf_debug_totals *totals)
{
	struct dma_buf *dmabuf;
	int ret;

	ret = mutex_lock_interruptible(&shard->lock);
	if (ret)
		return ret;

	list_for_each_entry(dmabuf, &shard->buffers, list_node) {
		ret = dma_buf_debug_show_one(s, dmabuf);
		if (ret)
			break;
		totals->buffers++;
		totals->bytes += dmabuf->size;
	}

	mutex_unlock(&shard->lock);
	return ret;
}

static int dma_buf_debug_show(struct seq_file *s, void *unused)
{
	struct dma_buf_debug_totals totals = {};
	unsigned int i;
	int ret;

	seq_printf(s, "\nDma-buf Objects:\n%-8s\t%-8s\t%-8s\t%-8s\texp_name\t%-8s\tname\n",
		   "size", "flags", "mode", "count", "ino");

	for (i = 0; i < ARRAY_SIZE(dma_buf_shards); i++) {
		ret = dma_buf_debug_show_shard(s, &dma_buf_shards[i], &totals);
		if (ret)
			return ret;
	}

	seq_printf(s, "\nTotal %u objects, %zu bytes\n", totals.buffers,
		   totals.bytes);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dma_buf_debug);

static struct dentry *dma_buf_debugfs_dir;

static void dma_buf_debugfs_init(void)
{
	dma_buf_debugfs_dir = debugfs_create_dir("dma_buf", NULL);
	debugfs_create_file("bufinfo", 0444, dma_buf_debugfs_dir, NULL,
			    &dma_buf_debug_fops);
}

static void dma_buf_debugfs_exit(void)
{
	debugfs_remove_recursive(dma_buf_debugfs_dir);
}
#else
static void dma_buf_debugfs_init(void)
{
}

static void dma_buf_debugfs_exit(void)
{
}
#endif /* CONFIG_DEBUG_FS */

/*
 * At subsys_initcall level, so that exporters registering from later
 * initcalls (heaps, udmabuf, drivers) find the filesystem mounted.
 */
static int __init dma_buf_init(void)
{
	int ret;

	dma_buf_shards_init();

	ret = dma_buf_fs_init();
	if (ret)
		return ret;

	dma_buf_debugfs_init();
	return 0;
}
subsys_initcall(dma_buf_init);

static void __exit dma_buf_deinit(void)
{
	dma_buf_debugfs_exit();
	dma_buf_fs_exit();
}

__exitcall(dma_buf_deinit);

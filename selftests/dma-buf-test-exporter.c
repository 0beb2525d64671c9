// SPDX-License-Identifier: GPL-2.0-only
/*
 * The test exporter: a pretend device driver that exports zeroed system
 * pages as dma-bufs, for the KUnit suites (dma-buf-test-exporter.h) and,
 * through a debugfs control file (dmabuf-test-ctl.h), for the
 * userspace kselftests.
 *
 * It uses only the core's exported interface, nothing of its internals,
 * so it builds and behaves the same on any core that keeps the documented
 * contract. It is not a model exporter: it never moves its storage and it
 * has no real device behind its mappings. What it does do is watch the
 * core. Each callback counts its calls, can be told to fail, and checks
 * what the core promises an exporter: the reservation lock held where it
 * must be, sg_tables handed back exactly as they were handed out, pins
 * and mappings undone before an attachment goes and everything undone
 * before the buffer goes.
 */

#include <linux/anon_inodes.h>
#include <linux/compat.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/iosys-map.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pfn_t.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "dma-buf-test-exporter.h"
#include "dmabuf-test-ctl.h"

#define IMPORTER_NAME		"dma_buf_test_importer"
#define CONTROL_NAME		"dma_buf_test_exporter"
#define MAX_EXPORT_BYTES	SZ_256M
#define SGT_MAGIC		0x64627367UL	/* "dbsg" */

/* ------------------------------------------------------------------ */
/* Bookkeeping                                                         */
/* ------------------------------------------------------------------ */

/* Per attachment, in &dma_buf_attachment.priv while the attach op exists. */
struct test_attachment {
	atomic_t pins;
	atomic_t maps;
};

/* What map_dma_buf hands out; unmap_dma_buf checks it came back intact. */
struct test_sgt {
	struct sg_table table;
	unsigned long magic;
	struct dmabuf_test_buffer *buf;
	struct dma_buf_attachment *attach;
	enum dma_data_direction dir;
};

static struct dmabuf_test_buffer *to_buf(struct dma_buf *dmabuf)
{
	return dmabuf->priv;
}

/* Record that the core broke a promise; the first reason is kept. */
static void breach(struct dmabuf_test_buffer *buf, const char *what)
{
	cmpxchg(&buf->violation, NULL, what);
	atomic_inc(&buf->violations);
	pr_debug("dma-buf test exporter: %s\n", what);
}

/*
 * Whether this thread holds the reservation lock. With lockdep we know
 * who holds it; without, that somebody does is the best we can tell.
 */
static bool resv_held(struct dma_buf *dmabuf)
{
	if (IS_ENABLED(CONFIG_LOCKDEP) && !dma_resv_held(dmabuf->resv))
		return false;
	return ww_mutex_is_locked(&dmabuf->resv->lock);
}

static void expect_resv_held(struct dmabuf_test_buffer *buf,
			     struct dma_buf *dmabuf, const char *what)
{
	if (!resv_held(dmabuf))
		breach(buf, what);
}

/*
 * Count one call of @call and say whether it must fail; the injected
 * errno is returned, 0 means carry on.
 */
static int enter(struct dmabuf_test_buffer *buf, enum dmabuf_test_call call)
{
	int err = READ_ONCE(buf->fail[call]);

	atomic_inc(&buf->calls[call]);
	if (err)
		atomic_inc(&buf->failed[call]);
	return err;
}

/* ------------------------------------------------------------------ */
/* Attachments                                                         */
/* ------------------------------------------------------------------ */

static int test_attach(struct dma_buf *dmabuf,
		       struct dma_buf_attachment *attach)
{
	struct dmabuf_test_buffer *buf = to_buf(dmabuf);
	struct test_attachment *ta;
	int err = enter(buf, DMABUF_TEST_ATTACH);

	if (err)
		return err;
	if (attach->dmabuf != dmabuf)
		breach(buf, "attach: attachment of another buffer");
	ta = kzalloc(sizeof(*ta), GFP_KERNEL);
	if (!ta)
		return -ENOMEM;
	attach->priv = ta;
	WRITE_ONCE(buf->last_attach, attach);
	return 0;
}

static void test_detach(struct dma_buf *dmabuf,
			struct dma_buf_attachment *attach)
{
	struct dmabuf_test_buffer *buf = to_buf(dmabuf);
	struct test_attachment *ta = attach->priv;

	atomic_inc(&buf->calls[DMABUF_TEST_DETACH]);
	if (!ta) {
		breach(buf, "detach: attachment the exporter never accepted");
		return;
	}
	if (atomic_read(&ta->pins))
		breach(buf, "detach: attachment still pinned");
	if (atomic_read(&ta->maps))
		breach(buf, "detach: attachment still mapped");
	attach->priv = NULL;
	kfree(ta);
}

static int test_pin(struct dma_buf_attachment *attach)
{
	struct dmabuf_test_buffer *buf = to_buf(attach->dmabuf);
	struct test_attachment *ta = attach->priv;
	int err = enter(buf, DMABUF_TEST_PIN);

	expect_resv_held(buf, attach->dmabuf, "pin: reservation not held");
	if (err)
		return err;
	if (ta)
		atomic_inc(&ta->pins);
	atomic_inc(&buf->pinned);
	WRITE_ONCE(buf->last_attach, attach);
	return 0;
}

static void test_unpin(struct dma_buf_attachment *attach)
{
	struct dmabuf_test_buffer *buf = to_buf(attach->dmabuf);
	struct test_attachment *ta = attach->priv;

	atomic_inc(&buf->calls[DMABUF_TEST_UNPIN]);
	expect_resv_held(buf, attach->dmabuf, "unpin: reservation not held");
	if (ta && atomic_dec_return(&ta->pins) < 0)
		breach(buf, "unpin: attachment was not pinned");
	if (atomic_dec_return(&buf->pinned) < 0)
		breach(buf, "unpin: buffer was not pinned");
}

/* ------------------------------------------------------------------ */
/* Device mappings                                                     */
/* ------------------------------------------------------------------ */

/*
 * A fresh table with one page per entry. Its "device addresses" are the
 * pages' physical addresses: there is no device, and no DMA API on UML.
 */
static struct test_sgt *sgt_new(struct dmabuf_test_buffer *buf)
{
	struct test_sgt *ts = kzalloc(sizeof(*ts), GFP_KERNEL);
	struct scatterlist *sg;
	unsigned int i;

	if (!ts)
		return NULL;
	if (sg_alloc_table(&ts->table, buf->npages, GFP_KERNEL)) {
		kfree(ts);
		return NULL;
	}
	for_each_sgtable_sg(&ts->table, sg, i) {
		sg_set_page(sg, buf->pages[i], PAGE_SIZE, 0);
		sg_dma_address(sg) = page_to_phys(buf->pages[i]);
		sg_dma_len(sg) = PAGE_SIZE;
	}
	ts->magic = SGT_MAGIC;
	ts->buf = buf;
	return ts;
}

/* Whether the core gave back the pages exactly as map_dma_buf built them. */
static bool sgt_intact(struct test_sgt *ts)
{
	struct scatterlist *sg;
	unsigned int i;

	if (ts->table.orig_nents != ts->buf->npages)
		return false;
	for_each_sgtable_sg(&ts->table, sg, i)
		if (sg_page(sg) != ts->buf->pages[i] ||
		    sg_dma_address(sg) != page_to_phys(ts->buf->pages[i]))
			return false;
	return true;
}

static void sgt_free(struct test_sgt *ts)
{
	ts->magic = 0;
	sg_free_table(&ts->table);
	kfree(ts);
}

static struct sg_table *test_map(struct dma_buf_attachment *attach,
				 enum dma_data_direction dir)
{
	struct dmabuf_test_buffer *buf = to_buf(attach->dmabuf);
	struct test_attachment *ta = attach->priv;
	int err = enter(buf, DMABUF_TEST_MAP);
	struct test_sgt *ts;

	expect_resv_held(buf, attach->dmabuf, "map: reservation not held");
	WRITE_ONCE(buf->last_dir[DMABUF_TEST_MAP], dir);
	WRITE_ONCE(buf->last_attach, attach);
	if (err)
		return ERR_PTR(err);
	/* A static importer of a dynamic exporter relies on the pin. */
	if (buf->ops.pin && !dma_buf_attachment_is_dynamic(attach) &&
	    ta && !atomic_read(&ta->pins))
		breach(buf, "map: static importer's attachment is not pinned");
	ts = sgt_new(buf);
	if (!ts)
		return ERR_PTR(-ENOMEM);
	ts->attach = attach;
	ts->dir = dir;
	if (ta)
		atomic_inc(&ta->maps);
	atomic_inc(&buf->live_sgts);
	return &ts->table;
}

static void test_unmap(struct dma_buf_attachment *attach,
		       struct sg_table *sgt, enum dma_data_direction dir)
{
	struct dmabuf_test_buffer *buf = to_buf(attach->dmabuf);
	struct test_attachment *ta = attach->priv;
	struct test_sgt *ts = container_of(sgt, struct test_sgt, table);

	atomic_inc(&buf->calls[DMABUF_TEST_UNMAP]);
	WRITE_ONCE(buf->last_dir[DMABUF_TEST_UNMAP], dir);
	expect_resv_held(buf, attach->dmabuf, "unmap: reservation not held");
	if (ts->magic != SGT_MAGIC || ts->buf != buf) {
		/* Not ours: touching it further could only make things worse. */
		breach(buf, "unmap: sg_table the exporter never handed out");
		return;
	}
	if (ts->attach != attach)
		breach(buf, "unmap: sg_table of another attachment");
	if (ts->dir != dir)
		breach(buf, "unmap: direction differs from the map's");
	if (!sgt_intact(ts))
		breach(buf, "unmap: sg_table came back altered");
	if (ta && atomic_dec_return(&ta->maps) < 0)
		breach(buf, "unmap: attachment had no mapping");
	atomic_dec(&buf->live_sgts);
	sgt_free(ts);
}

/* ------------------------------------------------------------------ */
/* CPU access                                                          */
/* ------------------------------------------------------------------ */

static int test_begin_cpu(struct dma_buf *dmabuf, enum dma_data_direction dir)
{
	struct dmabuf_test_buffer *buf = to_buf(dmabuf);

	WRITE_ONCE(buf->last_dir[DMABUF_TEST_BEGIN_CPU], dir);
	return enter(buf, DMABUF_TEST_BEGIN_CPU);
}

static int test_end_cpu(struct dma_buf *dmabuf, enum dma_data_direction dir)
{
	struct dmabuf_test_buffer *buf = to_buf(dmabuf);

	WRITE_ONCE(buf->last_dir[DMABUF_TEST_END_CPU], dir);
	return enter(buf, DMABUF_TEST_END_CPU);
}

static int test_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct dmabuf_test_buffer *buf = to_buf(dmabuf);
	int err = enter(buf, DMABUF_TEST_VMAP);
	void *vaddr;

	expect_resv_held(buf, dmabuf, "vmap: reservation not held");
	if (err)
		return err;
	/* The core counts kernel mappings; the exporter makes only one. */
	if (buf->vaddr) {
		breach(buf, "vmap: buffer is already mapped");
		return -EBUSY;
	}
	vaddr = vmap(buf->pages, buf->npages, VM_MAP, PAGE_KERNEL);
	if (!vaddr)
		return -ENOMEM;
	buf->vaddr = vaddr;
	iosys_map_set_vaddr(map, vaddr);
	return 0;
}

static void test_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct dmabuf_test_buffer *buf = to_buf(dmabuf);

	atomic_inc(&buf->calls[DMABUF_TEST_VUNMAP]);
	expect_resv_held(buf, dmabuf, "vunmap: reservation not held");
	if (!buf->vaddr || map->is_iomem || map->vaddr != buf->vaddr) {
		breach(buf, "vunmap: not the mapping vmap made");
		return;
	}
	vunmap(buf->vaddr);
	buf->vaddr = NULL;
}

/* ------------------------------------------------------------------ */
/* User mappings                                                       */
/* ------------------------------------------------------------------ */

/*
 * Pages go in as the CPU touches them, so the mmap op itself maps none
 * and works the same on a vma that an importer forwards.
 */
static vm_fault_t test_fault(struct vm_fault *vmf)
{
	struct dmabuf_test_buffer *buf = vmf->vma->vm_private_data;

	atomic_inc(&buf->calls[DMABUF_TEST_FAULT]);
	if (vmf->pgoff >= buf->npages)
		return VM_FAULT_SIGBUS;
	return vmf_insert_mixed(vmf->vma, vmf->address,
				page_to_pfn_t(buf->pages[vmf->pgoff]));
}

static const struct vm_operations_struct test_vm_ops = {
	.fault = test_fault,
};

static int test_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	struct dmabuf_test_buffer *buf = to_buf(dmabuf);
	int err = enter(buf, DMABUF_TEST_MMAP);

	if (err)
		return err;
	/*
	 * A private copy of a shared buffer makes no sense, and the heaps
	 * refuse it too; the kselftests rely on this -EINVAL.
	 */
	if (is_cow_mapping(vma->vm_flags))
		return -EINVAL;
	/* The core checks the range; an exporter must not rely on it alone. */
	if (vma->vm_pgoff > buf->npages ||
	    vma_pages(vma) > buf->npages - vma->vm_pgoff) {
		breach(buf, "mmap: range beyond the buffer reached the exporter");
		return -EINVAL;
	}
	if (vma->vm_file != dmabuf->file)
		breach(buf, "mmap: vma does not map the buffer's file");
	vm_flags_set(vma, VM_MIXEDMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &test_vm_ops;
	vma->vm_private_data = buf;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Buffers                                                             */
/* ------------------------------------------------------------------ */

static void buffer_free_pages(struct dmabuf_test_buffer *buf)
{
	unsigned int i;

	if (!buf->pages)
		return;
	for (i = 0; i < buf->npages; i++)
		if (buf->pages[i])
			__free_page(buf->pages[i]);
	kvfree(buf->pages);
	buf->pages = NULL;
}

static void buffer_free(struct kref *ref)
{
	struct dmabuf_test_buffer *buf =
		container_of(ref, struct dmabuf_test_buffer, ref);

	buffer_free_pages(buf);
	kfree(buf);
}

/* Whatever the core left behind is a breach; clean it up regardless. */
static void test_release(struct dma_buf *dmabuf)
{
	struct dmabuf_test_buffer *buf = to_buf(dmabuf);

	atomic_inc(&buf->calls[DMABUF_TEST_RELEASE]);
	if (atomic_read(&buf->calls[DMABUF_TEST_RELEASE]) > 1)
		breach(buf, "release: called more than once");
	if (atomic_read(&buf->live_sgts))
		breach(buf, "release: sg_tables still mapped");
	if (atomic_read(&buf->pinned))
		breach(buf, "release: buffer still pinned");
	if (buf->vaddr) {
		breach(buf, "release: buffer still vmapped");
		vunmap(buf->vaddr);
		buf->vaddr = NULL;
	}
	buffer_free_pages(buf);
	complete_all(&buf->released);
	kref_put(&buf->ref, buffer_free);
}

/* Every callback: the ops of a fully featured static exporter. */
static const struct dma_buf_ops test_full_ops = {
	.attach = test_attach,
	.detach = test_detach,
	.map_dma_buf = test_map,
	.unmap_dma_buf = test_unmap,
	.release = test_release,
	.begin_cpu_access = test_begin_cpu,
	.end_cpu_access = test_end_cpu,
	.mmap = test_mmap,
	.vmap = test_vmap,
	.vunmap = test_vunmap,
};

/* The same without mmap, for DMABUF_TEST_EXPORT_NO_MMAP. */
static const struct dma_buf_ops test_nommap_ops = {
	.attach = test_attach,
	.detach = test_detach,
	.map_dma_buf = test_map,
	.unmap_dma_buf = test_unmap,
	.release = test_release,
	.begin_cpu_access = test_begin_cpu,
	.end_cpu_access = test_end_cpu,
	.vmap = test_vmap,
	.vunmap = test_vunmap,
};

static void ops_from_flags(struct dma_buf_ops *ops, unsigned int flags)
{
	*ops = test_full_ops;
	if (flags & DMABUF_TEST_DYNAMIC) {
		ops->pin = test_pin;
		ops->unpin = test_unpin;
	}
	ops->cache_sgt_mapping = !!(flags & DMABUF_TEST_CACHE_SGT);
	if (flags & DMABUF_TEST_NO_MMAP)
		ops->mmap = NULL;
	if (flags & DMABUF_TEST_NO_VMAP) {
		ops->vmap = NULL;
		ops->vunmap = NULL;
	}
	if (flags & DMABUF_TEST_NO_CPU_ACCESS) {
		ops->begin_cpu_access = NULL;
		ops->end_cpu_access = NULL;
	}
	if (flags & DMABUF_TEST_NO_ATTACH_OPS) {
		ops->attach = NULL;
		ops->detach = NULL;
	}
}

static int buffer_alloc_pages(struct dmabuf_test_buffer *buf)
{
	unsigned int i;

	buf->pages = kvcalloc(buf->npages, sizeof(*buf->pages), GFP_KERNEL);
	if (!buf->pages)
		return -ENOMEM;
	for (i = 0; i < buf->npages; i++) {
		buf->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!buf->pages[i])
			return -ENOMEM;
	}
	return 0;
}

/**
 * dmabuf_test_prepare() - make a test buffer without exporting it yet
 * @params: what kind of buffer; see struct dmabuf_test_params
 *
 * Allocates the backing pages and fills &dmabuf_test_buffer.ops from
 * @params->flags. The caller may then edit the ops before it calls
 * dmabuf_test_export(), and owns one reference, dropped with
 * dmabuf_test_put().
 *
 * Return: the buffer, or an ERR_PTR: -EINVAL for a size of 0 or one that
 * does not fit in a page count, -ENOMEM when memory runs out.
 */
struct dmabuf_test_buffer *
dmabuf_test_prepare(const struct dmabuf_test_params *params)
{
	struct dmabuf_test_buffer *buf;
	size_t pages;
	int err;

	if (!params->size || params->size > SIZE_MAX - PAGE_SIZE)
		return ERR_PTR(-EINVAL);
	pages = DIV_ROUND_UP(params->size, PAGE_SIZE);
	if (pages > UINT_MAX)
		return ERR_PTR(-EINVAL);

	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	kref_init(&buf->ref);
	init_completion(&buf->released);
	buf->params = *params;
	buf->params.size = pages << PAGE_SHIFT;
	buf->npages = pages;
	buf->priv = buf;
	ops_from_flags(&buf->ops, params->flags);
	err = buffer_alloc_pages(buf);
	if (err) {
		dmabuf_test_put(buf);
		return ERR_PTR(err);
	}
	return buf;
}
EXPORT_SYMBOL_GPL(dmabuf_test_prepare);

/* Export @buf with @ops, which must outlive the exported buffer. */
static int buffer_export(struct dmabuf_test_buffer *buf,
			 const struct dma_buf_ops *ops)
{
	DEFINE_DMA_BUF_EXPORT_INFO(info);
	struct dma_buf *dmabuf;

	if (buf->dmabuf)
		return -EBUSY;
	info.exp_name = DMABUF_TEST_EXPORTER_NAME;
	info.ops = ops;
	info.size = buf->params.size;
	info.flags = buf->params.file_flags;
	info.resv = buf->params.resv;
	info.priv = buf->priv;
	/* The exported buffer holds a reference until its release. */
	kref_get(&buf->ref);
	dmabuf = dma_buf_export(&info);
	if (IS_ERR(dmabuf)) {
		kref_put(&buf->ref, buffer_free);
		return PTR_ERR(dmabuf);
	}
	buf->dmabuf = dmabuf;
	return 0;
}

/**
 * dmabuf_test_export() - export a prepared test buffer
 * @buf: from dmabuf_test_prepare(), not exported yet
 *
 * Calls dma_buf_export() with &dmabuf_test_buffer.ops, which the buffer
 * keeps alive at least until the core released it. On success the caller
 * owns the reference to &dmabuf_test_buffer.dmabuf that the export made,
 * besides its reference to @buf.
 *
 * Return: 0, -EBUSY if @buf was exported already, or what dma_buf_export()
 * failed with.
 */
int dmabuf_test_export(struct dmabuf_test_buffer *buf)
{
	return buffer_export(buf, &buf->ops);
}
EXPORT_SYMBOL_GPL(dmabuf_test_export);

/**
 * dmabuf_test_create() - make and export a test buffer
 * @params: what kind of buffer; see struct dmabuf_test_params
 *
 * dmabuf_test_prepare() and dmabuf_test_export() in one. The caller owns a
 * reference to the test buffer (dmabuf_test_put()) and one to its dma_buf
 * (dma_buf_put()).
 *
 * Return: the buffer or an ERR_PTR.
 */
struct dmabuf_test_buffer *
dmabuf_test_create(const struct dmabuf_test_params *params)
{
	struct dmabuf_test_buffer *buf = dmabuf_test_prepare(params);
	int err;

	if (IS_ERR(buf))
		return buf;
	err = dmabuf_test_export(buf);
	if (err) {
		dmabuf_test_put(buf);
		return ERR_PTR(err);
	}
	return buf;
}
EXPORT_SYMBOL_GPL(dmabuf_test_create);

/**
 * dmabuf_test_put() - drop a reference to a test buffer
 * @buf: the buffer; NULL is ignored
 *
 * The structure, and its counters, go once the creator has dropped its
 * reference and the core has released the exported buffer. This does not
 * drop any reference to &dmabuf_test_buffer.dmabuf.
 */
void dmabuf_test_put(struct dmabuf_test_buffer *buf)
{
	if (buf)
		kref_put(&buf->ref, buffer_free);
}
EXPORT_SYMBOL_GPL(dmabuf_test_put);

/* ------------------------------------------------------------------ */
/* The debugfs control file                                            */
/* ------------------------------------------------------------------ */

static struct device *importer_dev;
static struct dentry *control_dentry;

/* One ATTACH of a control fd; it lives until that fd is closed. */
struct control_import {
	struct list_head node;
	struct dma_buf *dmabuf;		/* the reference dma_buf_get() took */
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;		/* under the buffer's reservation lock */
};

struct control {
	struct mutex lock;		/* protects @imports */
	struct list_head imports;
};

/*
 * A dynamic importer must stop using its mapping when the exporter moves
 * the buffer; the core calls this with the reservation lock held, which
 * is also what guards &control_import.sgt.
 */
static void control_move_notify(struct dma_buf_attachment *attach)
{
	struct control_import *imp = attach->importer_priv;

	if (imp->sgt) {
		dma_buf_unmap_attachment(attach, imp->sgt, DMA_BIDIRECTIONAL);
		imp->sgt = NULL;
	}
}

static const struct dma_buf_attach_ops control_importer_ops = {
	.move_notify = control_move_notify,
};

static void control_import_free(struct control_import *imp)
{
	struct dma_buf *dmabuf = imp->dmabuf;

	dma_resv_lock(dmabuf->resv, NULL);
	if (imp->sgt)
		dma_buf_unmap_attachment(imp->attach, imp->sgt,
					 DMA_BIDIRECTIONAL);
	imp->sgt = NULL;
	dma_resv_unlock(dmabuf->resv);
	dma_buf_detach(dmabuf, imp->attach);
	dma_buf_put(dmabuf);
	kfree(imp);
}

static long control_export(void __user *uarg)
{
	struct dmabuf_test_params params = { };
	struct dmabuf_test_export arg;
	struct dmabuf_test_buffer *buf;
	struct dma_buf *dmabuf;
	int err, fd;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (!arg.size || arg.size > MAX_EXPORT_BYTES || arg.pad ||
	    (arg.fd_flags & ~(O_CLOEXEC | O_ACCMODE)) ||
	    (arg.flags & ~DMABUF_TEST_EXPORT_VALID_FLAGS))
		return -EINVAL;

	params.size = arg.size;
	params.file_flags = arg.fd_flags & O_ACCMODE;
	buf = dmabuf_test_prepare(&params);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	/* Static ops: nothing here outlives the buffer's release. */
	err = buffer_export(buf, arg.flags & DMABUF_TEST_EXPORT_NO_MMAP ?
				 &test_nommap_ops : &test_full_ops);
	dmabuf = buf->dmabuf;
	/* From here on only the exported buffer keeps @buf. */
	dmabuf_test_put(buf);
	if (err)
		return err;

	fd = dma_buf_fd(dmabuf, arg.fd_flags);
	if (fd < 0) {
		dma_buf_put(dmabuf);
		return fd;
	}
	arg.fd = fd;
	if (copy_to_user(uarg, &arg, sizeof(arg))) {
		/* The table owns the reference now; closing drops it. */
		close_fd(fd);
		return -EFAULT;
	}
	return 0;
}

static struct dma_buf_attachment *control_attach(struct control_import *imp,
						 unsigned int flags)
{
	if (flags & DMABUF_TEST_ATTACH_DYNAMIC)
		return dma_buf_dynamic_attach(imp->dmabuf, importer_dev,
					      &control_importer_ops, imp);
	return dma_buf_attach(imp->dmabuf, importer_dev);
}

static long control_attach_ioctl(struct control *ctl, void __user *uarg)
{
	struct dmabuf_test_attach arg;
	struct control_import *imp;
	struct sg_table *sgt;
	long err;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags & ~DMABUF_TEST_ATTACH_VALID_FLAGS)
		return -EINVAL;

	imp = kzalloc(sizeof(*imp), GFP_KERNEL);
	if (!imp)
		return -ENOMEM;
	imp->dmabuf = dma_buf_get(arg.fd);
	if (IS_ERR(imp->dmabuf)) {
		err = PTR_ERR(imp->dmabuf);
		goto free;
	}
	imp->attach = control_attach(imp, arg.flags);
	if (IS_ERR(imp->attach)) {
		err = PTR_ERR(imp->attach);
		goto put;
	}
	if (arg.flags & DMABUF_TEST_ATTACH_MAP) {
		dma_resv_lock(imp->dmabuf->resv, NULL);
		sgt = dma_buf_map_attachment(imp->attach, DMA_BIDIRECTIONAL);
		if (!IS_ERR(sgt))
			imp->sgt = sgt;
		dma_resv_unlock(imp->dmabuf->resv);
		if (IS_ERR(sgt)) {
			err = PTR_ERR(sgt);
			goto detach;
		}
	}
	mutex_lock(&ctl->lock);
	list_add_tail(&imp->node, &ctl->imports);
	mutex_unlock(&ctl->lock);
	return 0;

detach:
	dma_buf_detach(imp->dmabuf, imp->attach);
put:
	dma_buf_put(imp->dmabuf);
free:
	kfree(imp);
	return err;
}

/*
 * Copy @len bytes at @offset of @dmabuf to @dst through a kernel mapping.
 * CPU access is bracketed inside the mapping's lifetime, so an exporter
 * that keeps its vmap coherent in begin/end_cpu_access sees the mapping.
 */
static int control_copy_vmap(struct dma_buf *dmabuf, void __user *dst,
			     u64 offset, u64 len)
{
	struct iosys_map map;
	int err, end_err;

	err = dma_buf_vmap_unlocked(dmabuf, &map);
	if (err)
		return err;
	if (map.is_iomem) {
		err = -EOPNOTSUPP;
		goto unmap;
	}
	err = dma_buf_begin_cpu_access(dmabuf, DMA_FROM_DEVICE);
	if (err)
		goto unmap;
	if (copy_to_user(dst, map.vaddr + offset, len))
		err = -EFAULT;
	end_err = dma_buf_end_cpu_access(dmabuf, DMA_FROM_DEVICE);
	if (!err)
		err = end_err;
unmap:
	dma_buf_vunmap_unlocked(dmabuf, &map);
	return err;
}

static long control_vmap_read(void __user *uarg)
{
	struct dmabuf_test_vmap_read arg;
	struct dma_buf *dmabuf;
	long err;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.pad || arg.len > DMABUF_TEST_VMAP_READ_MAX)
		return -EINVAL;
	dmabuf = dma_buf_get(arg.fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);

	err = -EINVAL;
	if (arg.offset <= dmabuf->size && arg.len <= dmabuf->size - arg.offset)
		err = control_copy_vmap(dmabuf, u64_to_user_ptr(arg.data),
					arg.offset, arg.len);
	dma_buf_put(dmabuf);
	return err;
}

static long control_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case DMABUF_TEST_IOCTL_EXPORT:
		return control_export(uarg);
	case DMABUF_TEST_IOCTL_ATTACH:
		return control_attach_ioctl(file->private_data, uarg);
	case DMABUF_TEST_IOCTL_VMAP_READ:
		return control_vmap_read(uarg);
	default:
		return -ENOTTY;
	}
}

static struct control *control_new(void)
{
	struct control *ctl = kzalloc(sizeof(*ctl), GFP_KERNEL);

	if (!ctl)
		return NULL;
	mutex_init(&ctl->lock);
	INIT_LIST_HEAD(&ctl->imports);
	return ctl;
}

/* Undo every ATTACH of @ctl, then free it. */
static void control_free(struct control *ctl)
{
	struct control_import *imp, *next;

	list_for_each_entry_safe(imp, next, &ctl->imports, node) {
		list_del(&imp->node);
		control_import_free(imp);
	}
	mutex_destroy(&ctl->lock);
	kfree(ctl);
}

static int control_open(struct inode *inode, struct file *file)
{
	struct control *ctl = control_new();

	if (!ctl)
		return -ENOMEM;
	file->private_data = ctl;
	return nonseekable_open(inode, file);
}

/* The last reference to the file went: nobody else can reach the list. */
static int control_release(struct inode *inode, struct file *file)
{
	control_free(file->private_data);
	return 0;
}

static const struct file_operations control_fops = {
	.owner = THIS_MODULE,
	.open = control_open,
	.release = control_release,
	.unlocked_ioctl = control_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/**
 * dmabuf_test_control_file() - open a control file without debugfs
 *
 * The KUnit suites check the ioctls of the debugfs control file through
 * this, since debugfs need not be mounted while they run. The file
 * behaves exactly like an open of DMABUF_TEST_EXPORTER_PATH.
 *
 * Return: a new file, whose only reference the caller owns, or an ERR_PTR.
 */
struct file *dmabuf_test_control_file(void)
{
	struct control *ctl = control_new();
	struct file *file;

	if (!ctl)
		return ERR_PTR(-ENOMEM);
	file = anon_inode_getfile(CONTROL_NAME, &control_fops, ctl, O_RDWR);
	if (IS_ERR(file))
		control_free(ctl);
	return file;
}
EXPORT_SYMBOL_GPL(dmabuf_test_control_file);

static int __init test_exporter_init(void)
{
	importer_dev = root_device_register(IMPORTER_NAME);
	if (IS_ERR(importer_dev))
		return PTR_ERR(importer_dev);
	/*
	 * Importing another exporter's buffer may take its mapping through
	 * the DMA API, which refuses devices without a mask.
	 */
	importer_dev->coherent_dma_mask = DMA_BIT_MASK(64);
	importer_dev->dma_mask = &importer_dev->coherent_dma_mask;

	/* Without debugfs the KUnit interface still works. */
	control_dentry = debugfs_create_file(CONTROL_NAME, 0600, NULL, NULL,
					     &control_fops);
	return 0;
}

static void __exit test_exporter_exit(void)
{
	debugfs_remove(control_dentry);
	root_device_unregister(importer_dev);
}

module_init(test_exporter_init);
module_exit(test_exporter_exit);

MODULE_DESCRIPTION("dma-buf test exporter for the KUnit suites and kselftests");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);

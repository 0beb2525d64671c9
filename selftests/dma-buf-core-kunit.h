/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the KUnit suites of the dma-buf core, one module each (see
 * dma-buf-kunit.c for what the suites have in common). Everything here is
 * static inline, so each suite carries only what it uses.
 *
 * Every buffer comes from the test exporter (dma-buf-test-exporter.c). A
 * case that makes one with new_buf() ends by dropping its last reference
 * and checking that the exporter was released exactly once with every
 * attach, pin, map and vmap undone.
 */
#ifndef DMA_BUF_CORE_KUNIT_H
#define DMA_BUF_CORE_KUNIT_H

#include <kunit/device.h>
#include <kunit/test-bug.h>
#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/dma-buf.h>
#include <linux/dma-fence-array.h>
#include <linux/dma-fence-chain.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iosys-map.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/lockdep.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sync_file.h>
#include <linux/uaccess.h>
#include <uapi/linux/dma-buf.h>

#include "dmabuf-kunit.h"
#include "dma-buf-test-exporter.h"

#define NPAGES			4
#define BUF_SIZE		(NPAGES * PAGE_SIZE)
/* Budget of waits that are expected to run out. */
#define SHORT_WAIT		msecs_to_jiffies(20)
/* How long a case waits for one of its threads before calling it stuck. */
#define THREAD_GRACE		(60 * HZ)

/* ------------------------------------------------------------------ */
/* Params                                                              */
/* ------------------------------------------------------------------ */

/* The flags of static, dynamic and caching exporters, as params. */
struct exporter_kind {
	unsigned int flags;
	const char *name;
};

/* Param generator over the exporter kinds, for KUNIT_CASE_PARAM(). */
static inline const void *exporter_kind_gen_params(const void *prev, char *desc)
{
	static const struct exporter_kind kinds[] = {
		{ 0, "static" },
		{ DMABUF_TEST_CACHE_SGT, "static caching" },
		{ DMABUF_TEST_DYNAMIC, "dynamic" },
	};
	const struct exporter_kind *next = prev;

	next = next ? next + 1 : kinds;
	if (next >= kinds + ARRAY_SIZE(kinds))
		return NULL;
	strscpy(desc, next->name, KUNIT_PARAM_DESC_SIZE);
	return next;
}

/* Param generator: false for the unlocked calls, true for the locked. */
static inline const void *lock_variant_gen_params(const void *prev, char *desc)
{
	static const bool variants[] = { false, true };
	const bool *next = prev;

	next = next ? next + 1 : variants;
	if (next >= variants + ARRAY_SIZE(variants))
		return NULL;
	strscpy(desc, *next ? "locked" : "unlocked", KUNIT_PARAM_DESC_SIZE);
	return next;
}

/* ------------------------------------------------------------------ */
/* Buffers, devices, attachments and fds                               */
/* ------------------------------------------------------------------ */

static inline void buf_unref(void *data)
{
	dmabuf_test_put(data);
}

/* Drop a reference to the dma_buf @data and let its release run now.  */
static inline void dmabuf_unref(void *data)
{
	dma_buf_put(data);
	flush_delayed_fput();
}

/*
 * The verdict every case ends with, once its last reference went: the
 * exporter was released once, everything it handed out came back, and no
 * callback saw the core break its rules.
 */
static inline void buf_verdict(void *data)
{
	struct dmabuf_test_buffer *buf = data;
	struct kunit *test = kunit_get_current_test();

	if (!test)
		return;
	KUNIT_EXPECT_NE_MSG(test, wait_for_completion_timeout(&buf->released,
							      THREAD_GRACE),
			    0, "the exporter was never released");
	KUNIT_EXPECT_EQ(test, dmabuf_test_calls(buf, DMABUF_TEST_RELEASE), 1);
	KUNIT_EXPECT_EQ(test, dmabuf_test_succeeded(buf, DMABUF_TEST_ATTACH),
			dmabuf_test_calls(buf, DMABUF_TEST_DETACH));
	KUNIT_EXPECT_EQ(test, dmabuf_test_succeeded(buf, DMABUF_TEST_PIN),
			dmabuf_test_calls(buf, DMABUF_TEST_UNPIN));
	KUNIT_EXPECT_EQ(test, dmabuf_test_succeeded(buf, DMABUF_TEST_MAP),
			dmabuf_test_calls(buf, DMABUF_TEST_UNMAP));
	KUNIT_EXPECT_EQ(test, dmabuf_test_succeeded(buf, DMABUF_TEST_VMAP),
			dmabuf_test_calls(buf, DMABUF_TEST_VUNMAP));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&buf->violations), 0,
			    "first breach: %s", buf->violation);
}

/*
 * A buffer of @size bytes the case owns, exported with @flags. Cleanup
 * drops the case's dma_buf reference, then checks the verdict.
 */
static inline struct dmabuf_test_buffer *new_buf_sized(struct kunit *test,
						       unsigned int flags,
						       size_t size,
						       struct dma_resv *resv)
{
	struct dmabuf_test_params params = {
		.size = size,
		.flags = flags,
		.resv = resv,
		.file_flags = O_RDWR,
	};
	struct dmabuf_test_buffer *buf = dmabuf_test_create(&params);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(buf), "export failed: %ld",
			       PTR_ERR(buf));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, buf_unref, buf),
			0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, buf_verdict,
							buf), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, dmabuf_unref,
							buf->dmabuf), 0);
	return buf;
}

static inline struct dmabuf_test_buffer *new_buf(struct kunit *test,
						 unsigned int flags)
{
	return new_buf_sized(test, flags, BUF_SIZE, NULL);
}

/* Drop the case's own dma_buf reference now rather than at the end. */
static inline void drop_buf(struct kunit *test, struct dmabuf_test_buffer *buf)
{
	kunit_release_action(test, dmabuf_unref, buf->dmabuf);
}

static inline struct device *new_dev(struct kunit *test, const char *name)
{
	struct device *dev = kunit_device_register(test, name);

	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	return dev;
}

static inline int calls(struct dmabuf_test_buffer *buf,
			enum dmabuf_test_call call)
{
	return dmabuf_test_calls(buf, call);
}

static inline bool dmabuf_listed(struct dma_buf *dmabuf,
				 struct dma_buf_attachment *attach)
{
	struct dma_buf_attachment *pos;
	bool found = false;

	dma_resv_lock(dmabuf->resv, NULL);
	list_for_each_entry(pos, &dmabuf->attachments, node)
		found |= pos == attach;
	dma_resv_unlock(dmabuf->resv);
	return found;
}

static inline bool no_attachments(struct dma_buf *dmabuf)
{
	bool empty;

	dma_resv_lock(dmabuf->resv, NULL);
	empty = list_empty(&dmabuf->attachments);
	dma_resv_unlock(dmabuf->resv);
	return empty;
}

/* A dynamic importer: counts the move notifications it is sent. */
struct importer {
	atomic_t moves;
	atomic_t unlocked_moves;
};

/* Whether this thread holds @resv, as far as the kernel can tell. */
static inline bool resv_is_held(struct dma_resv *resv)
{
	if (IS_ENABLED(CONFIG_LOCKDEP) && !dma_resv_held(resv))
		return false;
	return ww_mutex_is_locked(&resv->lock);
}

static inline void importer_move_notify(struct dma_buf_attachment *attach)
{
	struct importer *imp = attach->importer_priv;

	if (!resv_is_held(attach->dmabuf->resv))
		atomic_inc(&imp->unlocked_moves);
	atomic_inc(&imp->moves);
}

/* The callbacks of every dynamic importer of the suites. */
static inline const struct dma_buf_attach_ops *importer_ops(void)
{
	static const struct dma_buf_attach_ops ops = {
		.move_notify = importer_move_notify,
	};

	return &ops;
}

static inline void detach_action(void *data)
{
	struct dma_buf_attachment *attach = data;

	dma_buf_detach(attach->dmabuf, attach);
}

/* Attach @dev statically (@imp NULL) or as dynamic importer @imp. */
static inline struct dma_buf_attachment *
attach_as(struct kunit *test, struct dmabuf_test_buffer *buf,
	  struct device *dev, struct importer *imp)
{
	struct dma_buf_attachment *attach;

	if (imp)
		attach = dma_buf_dynamic_attach(buf->dmabuf, dev,
						importer_ops(), imp);
	else
		attach = dma_buf_attach(buf->dmabuf, dev);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(attach), "attach failed: %ld",
			       PTR_ERR(attach));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, detach_action,
							attach), 0);
	return attach;
}

static inline struct dma_buf_attachment *
attach_static(struct kunit *test, struct dmabuf_test_buffer *buf,
	      struct device *dev)
{
	return attach_as(test, buf, dev, NULL);
}

static inline struct importer *new_importer(struct kunit *test)
{
	struct importer *imp = kunit_kzalloc(test, sizeof(*imp), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, imp);
	return imp;
}

static inline void detach(struct kunit *test, struct dma_buf_attachment *attach)
{
	kunit_release_action(test, detach_action, attach);
}

static inline struct sg_table *map_locked(struct dma_buf_attachment *attach,
					  enum dma_data_direction dir)
{
	struct sg_table *sgt;

	dma_resv_lock(attach->dmabuf->resv, NULL);
	sgt = dma_buf_map_attachment(attach, dir);
	dma_resv_unlock(attach->dmabuf->resv);
	return sgt;
}

static inline void unmap_locked(struct dma_buf_attachment *attach,
				struct sg_table *sgt,
				enum dma_data_direction dir)
{
	dma_resv_lock(attach->dmabuf->resv, NULL);
	dma_buf_unmap_attachment(attach, sgt, dir);
	dma_resv_unlock(attach->dmabuf->resv);
}

static inline struct sg_table *map_either(struct dma_buf_attachment *attach,
					  enum dma_data_direction dir,
					  bool locked)
{
	if (locked)
		return map_locked(attach, dir);
	return dma_buf_map_attachment_unlocked(attach, dir);
}

static inline void unmap_either(struct dma_buf_attachment *attach,
				struct sg_table *sgt,
				enum dma_data_direction dir, bool locked)
{
	if (locked)
		unmap_locked(attach, sgt, dir);
	else
		dma_buf_unmap_attachment_unlocked(attach, sgt, dir);
}

/* The table covers the buffer's pages at the exporter's fake addresses. */
static inline void expect_sgt_of(struct kunit *test, struct sg_table *sgt,
				 struct dmabuf_test_buffer *buf)
{
	struct scatterlist *sg;
	size_t bytes = 0;
	int i;

	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	KUNIT_EXPECT_EQ(test, sgt->nents, buf->npages);
	/* The pages may be scrambled for importers: look at DMA fields only. */
	for_each_sgtable_dma_sg(sgt, sg, i) {
		if (i >= buf->npages)
			break;
		KUNIT_EXPECT_EQ(test, sg_dma_address(sg),
				(dma_addr_t)page_to_phys(buf->pages[i]));
		bytes += sg_dma_len(sg);
	}
	KUNIT_EXPECT_EQ(test, bytes, buf->params.size);
}

/* A pending fence of the case, added to @resv with @usage. */
static inline struct dma_fence *add_pending_fence(struct kunit *test,
						  struct dma_resv *resv,
						  enum dma_resv_usage usage)
{
	u64 context = dma_fence_context_alloc(1);
	struct dma_fence *fence;

	fence = dmabuf_kunit_leaf_alloc(context, 1);
	dmabuf_kunit_fence_adopt(test, fence);
	KUNIT_ASSERT_EQ(test, dma_resv_lock(resv, NULL), 0);
	KUNIT_ASSERT_EQ(test, dma_resv_reserve_fences(resv, 1), 0);
	dma_resv_add_fence(resv, fence, usage);
	dma_resv_unlock(resv);
	return fence;
}

/* Start @fn(@data) in a thread of the case, on CPU @cpu modulo online. */
static inline void start_thread_on(struct kunit *test, int (*fn)(void *),
				   void *data, const char *name,
				   unsigned int cpu)
{
	struct task_struct *task;

	task = kthread_create(fn, data, "dmabuf-%s", name);
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	kthread_bind(task, cpumask_nth(cpu % num_online_cpus(),
				       cpu_online_mask));
	get_task_struct(task);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							dmabuf_kunit_thread_stop,
							task), 0);
	wake_up_process(task);
}

/* Install @file (a new reference) as an fd the cleanup closes. */
static inline void fd_close_action(void *data)
{
	close_fd((unsigned long)data);
	flush_delayed_fput();
}

static inline int install_fd(struct kunit *test, struct dma_buf *dmabuf,
			     int flags)
{
	int fd;

	get_dma_buf(dmabuf);
	fd = dma_buf_fd(dmabuf, flags);
	if (fd < 0)
		dma_buf_put(dmabuf);
	KUNIT_ASSERT_GE(test, fd, 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fd_close_action,
							(void *)(long)fd), 0);
	return fd;
}

static inline void close_fd_now(struct kunit *test, int fd)
{
	kunit_release_action(test, fd_close_action, (void *)(long)fd);
}

/* ------------------------------------------------------------------ */
/* Implicit waits                                                      */
/* ------------------------------------------------------------------ */

/* Something a thread does that may have to wait for a fence. */
struct waiter {
	struct completion done;
	struct dma_buf_attachment *attach;
	struct dmabuf_test_buffer *buf;
	enum dma_data_direction dir;
	struct sg_table *sgt;
	int ret;
};

static inline int map_waiter_fn(void *data)
{
	struct waiter *w = data;

	w->sgt = map_locked(w->attach, w->dir);
	complete(&w->done);
	return 0;
}

static inline int begin_waiter_fn(void *data)
{
	struct waiter *w = data;

	w->ret = dma_buf_begin_cpu_access(w->buf->dmabuf, w->dir);
	complete(&w->done);
	return 0;
}

/*
 * Run @fn on @w in a thread while @fence is pending. If @blocks, the
 * thread must still be waiting a while later and finish once the fence
 * signals; otherwise it must finish with the fence still pending.
 */
static inline void run_waiter(struct kunit *test, int (*fn)(void *),
			      struct waiter *w, struct dma_fence *fence,
			      bool blocks)
{
	init_completion(&w->done);
	start_thread_on(test, fn, w, "waiter", 1);
	if (blocks) {
		KUNIT_EXPECT_EQ_MSG(test, wait_for_completion_timeout(&w->done,
								      SHORT_WAIT),
				    0, "did not wait for the fence");
		dma_fence_signal(fence);
	}
	dmabuf_kunit_thread_wait(test, &w->done, THREAD_GRACE, "waiter");
	if (!blocks)
		KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));
	else
		KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(fence));
}

/* ------------------------------------------------------------------ */
/* User mappings                                                       */
/* ------------------------------------------------------------------ */

/*
 * A file of a pretend importing driver whose mmap hands the vma to
 * dma_buf_mmap(), as drivers that import a buffer do.
 */
struct forwarder {
	struct dma_buf *dmabuf;
	unsigned long pgoff;
	int ret;
};

static inline int forwarder_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct forwarder *fw = file->private_data;

	fw->ret = dma_buf_mmap(fw->dmabuf, vma, fw->pgoff);
	return fw->ret;
}

static inline void file_unref(void *data)
{
	fput(data);
	flush_delayed_fput();
}

static inline struct file *new_forwarder(struct kunit *test,
					 struct dma_buf *dmabuf,
					 unsigned long pgoff)
{
	static const struct file_operations fops = {
		.owner = THIS_MODULE,
		.mmap = forwarder_mmap,
	};
	struct forwarder *fw = kunit_kzalloc(test, sizeof(*fw), GFP_KERNEL);
	struct file *file;

	KUNIT_ASSERT_NOT_NULL(test, fw);
	fw->dmabuf = dmabuf;
	fw->pgoff = pgoff;
	file = anon_inode_getfile("dmabuf-kunit-fwd", &fops, fw,
				  O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, file_unref, file),
			0);
	return file;
}

/*
 * mmap() @pages pages of @file at page offset @pgoff into the case's own
 * address space. Returns the address or an errno as unsigned long.
 */
static inline unsigned long map_user(struct kunit *test, struct file *file,
				     unsigned long pgoff, unsigned long pages)
{
	return dmabuf_kunit_vm_mmap(test, file, pages << PAGE_SHIFT,
				    PROT_READ | PROT_WRITE, MAP_SHARED,
				    pgoff << PAGE_SHIFT);
}

static inline void unmap_user(unsigned long addr, unsigned long pages)
{
	vm_munmap(addr, pages << PAGE_SHIFT);
	/* The vma's file reference goes now, not when the case ends. */
	flush_delayed_fput();
}

/* Mark every page of @buf with its index, through the kernel. */
static inline void mark_pages(struct dmabuf_test_buffer *buf)
{
	unsigned int i;

	for (i = 0; i < buf->npages; i++)
		memset(page_address(buf->pages[i]), 0x10 + i, PAGE_SIZE);
}

/* Read one byte of each of @pages pages at user address @addr. */
static inline void expect_user_marks(struct kunit *test, unsigned long addr,
				     unsigned long pages, unsigned int first)
{
	unsigned long i;
	u8 byte;

	for (i = 0; i < pages; i++) {
		void __user *at = (void __user *)(addr + i * PAGE_SIZE + 7);

		KUNIT_ASSERT_EQ(test, copy_from_user(&byte, at, 1), 0UL);
		KUNIT_EXPECT_EQ(test, byte, 0x10 + first + i);
	}
}

/* ------------------------------------------------------------------ */
/* Failing exporter callbacks                                          */
/* ------------------------------------------------------------------ */

/*
 * A whole life of an attachment, a kernel mapping and a CPU access, to
 * show that a buffer whose callback failed earlier still works.
 */
static inline void expect_buffer_works(struct kunit *test,
				       struct dmabuf_test_buffer *buf)
{
	struct device *dev = new_dev(test, "dmabuf-kunit-after");
	struct dma_buf_attachment *attach;
	struct iosys_map map;
	struct sg_table *sgt;

	KUNIT_EXPECT_TRUE(test, no_attachments(buf->dmabuf));
	KUNIT_EXPECT_EQ(test, atomic_read(&buf->live_sgts), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&buf->pinned), 0);
	KUNIT_EXPECT_EQ(test, buf->dmabuf->vmapping_counter, 0U);

	attach = attach_static(test, buf, dev);
	sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	expect_sgt_of(test, sgt, buf);
	if (!IS_ERR_OR_NULL(sgt))
		dma_buf_unmap_attachment_unlocked(attach, sgt,
						  DMA_BIDIRECTIONAL);
	detach(test, attach);

	KUNIT_EXPECT_EQ(test, dma_buf_vmap_unlocked(buf->dmabuf, &map), 0);
	if (!iosys_map_is_null(&map))
		dma_buf_vunmap_unlocked(buf->dmabuf, &map);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(buf->dmabuf,
						       DMA_FROM_DEVICE), 0);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(buf->dmabuf,
						     DMA_FROM_DEVICE), 0);
}

struct injection {
	const char *name;
	unsigned int flags;
	enum dmabuf_test_call call;
	int err;
	void (*run)(struct kunit *test, struct dmabuf_test_buffer *buf,
		    int err);
};

/*
 * Make the callback of @inj fail on a new buffer and run its scenario;
 * then everything done before the failure must have been undone, and the
 * buffer must work as if nothing had happened.
 */
static inline void run_injection(struct kunit *test,
				 const struct injection *inj)
{
	struct dmabuf_test_buffer *buf;

	buf = new_buf(test, inj->flags);
	dmabuf_test_fail(buf, inj->call, inj->err);
	inj->run(test, buf, inj->err);
	KUNIT_EXPECT_GT_MSG(test, atomic_read(&buf->failed[inj->call]), 0,
			    "the failing callback was never called");
	dmabuf_test_fail(buf, inj->call, 0);

	/* Everything done before the failure was undone. */
	KUNIT_EXPECT_EQ(test, dmabuf_test_succeeded(buf, DMABUF_TEST_ATTACH),
			calls(buf, DMABUF_TEST_DETACH));
	KUNIT_EXPECT_EQ(test, dmabuf_test_succeeded(buf, DMABUF_TEST_PIN),
			calls(buf, DMABUF_TEST_UNPIN));
	KUNIT_EXPECT_EQ(test, dmabuf_test_succeeded(buf, DMABUF_TEST_MAP),
			calls(buf, DMABUF_TEST_UNMAP));
	expect_buffer_works(test, buf);
}

/* ------------------------------------------------------------------ */
/* Importing a sync_file                                               */
/* ------------------------------------------------------------------ */

/* A pending leaf of a context of its own, signalled when the case ends. */
static inline struct dma_fence *new_leaf(struct kunit *test)
{
	struct dma_fence *leaf;

	leaf = dmabuf_kunit_leaf_alloc(dma_fence_context_alloc(1), 1);
	return dma_fence_get(dmabuf_kunit_fence_adopt(test, leaf));
}

/* An array of @n fences whose references it takes over. */
static inline struct dma_fence *new_array(struct kunit *test, unsigned int n,
					  struct dma_fence **members)
{
	struct dma_fence **fences = kmalloc_array(n, sizeof(*fences),
						  GFP_KERNEL);
	struct dma_fence_array *array;

	KUNIT_ASSERT_NOT_NULL(test, fences);
	memcpy(fences, members, n * sizeof(*fences));
	array = dma_fence_array_create(n, fences, dma_fence_context_alloc(1),
				       1, false);
	if (!array)
		kfree(fences);
	KUNIT_ASSERT_NOT_NULL(test, array);
	return &array->base;
}

/* A chain link on @prev wrapping @fence; takes over both references.  */
static inline struct dma_fence *new_link(struct kunit *test,
					 struct dma_fence *prev,
					 struct dma_fence *fence, u64 seqno)
{
	struct dma_fence_chain *link = dma_fence_chain_alloc();

	KUNIT_ASSERT_NOT_NULL(test, link);
	dma_fence_chain_init(link, prev, fence, seqno);
	return &link->base;
}

/*
 * DMA_BUF_IOCTL_IMPORT_SYNC_FILE of a sync_file for @fence (the case's
 * reference is handed to the cleanup) as writes on a new buffer. The
 * reservation object must then hold @leaves fences, none a container.
 */
static inline void expect_import_adds_leaves(struct kunit *test,
					     struct dma_fence *fence,
					     unsigned int leaves)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct dma_buf_import_sync_file arg = { .flags = DMA_BUF_SYNC_WRITE };
	void __user *uarg = dmabuf_kunit_user_pages(test, 1);
	struct file *file = buf->dmabuf->file;
	struct dma_resv_iter cursor;
	struct sync_file *sync_file;
	unsigned int count = 0;
	struct dma_fence *f;

	dmabuf_kunit_fence_own(test, fence);
	sync_file = sync_file_create(fence);
	KUNIT_ASSERT_NOT_NULL(test, sync_file);
	arg.fd = get_unused_fd_flags(O_CLOEXEC);
	if ((int)arg.fd < 0)
		fput(sync_file->file);
	KUNIT_ASSERT_GE(test, (int)arg.fd, 0);
	fd_install(arg.fd, sync_file->file);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fd_close_action,
							(void *)(long)arg.fd),
			0);

	KUNIT_ASSERT_EQ(test, copy_to_user(uarg, &arg, sizeof(arg)), 0UL);
	KUNIT_ASSERT_EQ(test,
			file->f_op->unlocked_ioctl(file,
						   DMA_BUF_IOCTL_IMPORT_SYNC_FILE,
						   (unsigned long)uarg), 0L);

	KUNIT_ASSERT_EQ(test, dma_resv_lock(buf->dmabuf->resv, NULL), 0);
	dma_resv_for_each_fence(&cursor, buf->dmabuf->resv,
				DMA_RESV_USAGE_BOOKKEEP, f) {
		KUNIT_EXPECT_FALSE_MSG(test, dma_fence_is_container(f),
				       "fence %u is a container", count);
		KUNIT_EXPECT_EQ(test, dma_resv_iter_usage(&cursor),
				DMA_RESV_USAGE_WRITE);
		count++;
	}
	dma_resv_unlock(buf->dmabuf->resv);
	KUNIT_EXPECT_EQ(test, count, leaves);
}

#endif /* DMA_BUF_CORE_KUNIT_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the heap framework's KUnit suites (dma-heap-kunit.c has the
 * details): mock heaps, their device nodes in a private devtmpfs mount,
 * and user memory for ioctl arguments. Static inline, and the state is
 * per module, so each suite has its own mount and its own heap names.
 */
#ifndef DMA_HEAP_KUNIT_H
#define DMA_HEAP_KUNIT_H

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "dmabuf-kunit.h"

/* The devtmpfs superblock, mounted for the suite; NULL without devtmpfs. */
static struct vfsmount *heap_devfs;

/* Numbers the mock heaps of this boot, so that every name is new. */
static atomic_t heap_serial = ATOMIC_INIT(0);

/* ------------------------------------------------------------------ */
/* Mock heaps                                                          */
/* ------------------------------------------------------------------ */

/*
 * A heap that records its calls and exports an empty dma-buf (or fails as
 * told). It is never freed: the framework keeps pointing at it.
 */
struct mock_heap {
	struct dma_heap *heap;
	const char *name;
	atomic_t calls;		/* allocate calls */
	atomic_t released;	/* buffers released */
	unsigned long len;	/* arguments of the latest allocate */
	u32 fd_flags;
	u64 heap_flags;
	int fail;		/* errno the next allocates return */
	bool saw_active_memcg;	/* the latest ran with a memcg to charge */
	bool retired;		/* its case is over: refuse everything */
};

static inline struct sg_table *mock_map(struct dma_buf_attachment *attachment,
					enum dma_data_direction dir)
{
	return ERR_PTR(-ENODEV);
}

static inline void mock_unmap(struct dma_buf_attachment *attachment,
			      struct sg_table *table,
			      enum dma_data_direction dir)
{
}

static inline void mock_release(struct dma_buf *dmabuf)
{
	struct mock_heap *mh = dmabuf->priv;

	atomic_inc(&mh->released);
}

static inline struct dma_buf *mock_allocate(struct dma_heap *heap,
					    unsigned long len, u32 fd_flags,
					    u64 heap_flags)
{
	struct mock_heap *mh = dma_heap_get_drvdata(heap);
	static const struct dma_buf_ops ops = {
		.map_dma_buf = mock_map,
		.unmap_dma_buf = mock_unmap,
		.release = mock_release,
	};
	DEFINE_DMA_BUF_EXPORT_INFO(info);

	if (READ_ONCE(mh->retired))
		return ERR_PTR(-ENODEV);
	mh->len = len;
	mh->fd_flags = fd_flags;
	mh->heap_flags = heap_flags;
#ifdef CONFIG_MEMCG
	mh->saw_active_memcg = current->active_memcg;
#endif
	atomic_inc(&mh->calls);
	if (mh->fail)
		return ERR_PTR(mh->fail);

	info.ops = &ops;
	info.size = len;
	info.flags = fd_flags;
	info.priv = mh;
	return dma_buf_export(&info);
}

/* The operations of every mock heap. */
static inline const struct dma_heap_ops *mock_heap_ops(void)
{
	static const struct dma_heap_ops ops = {
		.allocate = mock_allocate,
	};

	return &ops;
}

/* Unlink devtmpfs's node of the heap called @name, if there is one. */
static inline void heap_node_unlink(const char *name)
{
	struct dentry *dentry;
	struct inode *dir;
	struct path path;

	if (!heap_devfs || vfs_path_lookup(heap_devfs->mnt_root, heap_devfs,
					   "dma_heap", 0, &path))
		return;
	dir = d_inode(path.dentry);
	inode_lock_nested(dir, I_MUTEX_PARENT);
	dentry = lookup_one_len(name, path.dentry, strlen(name));
	if (!IS_ERR(dentry)) {
		if (d_really_is_positive(dentry))
			vfs_unlink(&nop_mnt_idmap, dir, dentry, NULL);
		dput(dentry);
	}
	inode_unlock(dir);
	path_put(&path);
}

/* Cleanup action: the case is over, hide and disable its mock heap. */
static inline void mock_heap_retire(void *data)
{
	struct mock_heap *mh = data;

	WRITE_ONCE(mh->retired, true);
	heap_node_unlink(mh->name);
}

/* A new name, never registered before in this boot; lives forever. */
static inline const char *heap_new_name(struct kunit *test)
{
	char *name = kasprintf(GFP_KERNEL, "%s-%d", KBUILD_MODNAME,
			       atomic_inc_return(&heap_serial));

	KUNIT_ASSERT_NOT_NULL(test, name);
	return name;
}

/* Register a mock heap for the case, under a new name. */
static inline struct mock_heap *mock_heap_add(struct kunit *test)
{
	struct dma_heap_export_info info = { .ops = mock_heap_ops() };
	struct mock_heap *mh = kzalloc(sizeof(*mh), GFP_KERNEL);
	struct dma_heap *heap;

	KUNIT_ASSERT_NOT_NULL(test, mh);
	info.name = heap_new_name(test);
	info.priv = mh;
	heap = dma_heap_add(&info);
	if (IS_ERR(heap)) {
		kfree(info.name);
		kfree(mh);
		KUNIT_FAIL_AND_ABORT(test, "dma_heap_add: %ld", PTR_ERR(heap));
	}
	mh->heap = heap;
	mh->name = info.name;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, mock_heap_retire,
							mh), 0);
	return mh;
}

/* ------------------------------------------------------------------ */
/* Nodes, descriptors and user memory                                  */
/* ------------------------------------------------------------------ */

static inline void file_drop(void *arg)
{
	fput(arg);
	/* Run the release now rather than from the delayed work. */
	flush_delayed_fput();
}

static inline void need_devtmpfs(struct kunit *test)
{
	if (!heap_devfs)
		kunit_skip(test, "needs CONFIG_DEVTMPFS to reach the nodes");
}

/* Look up /dev/dma_heap/@name in devtmpfs; false if it is not there. */
static inline bool heap_node(const char *name, struct path *path)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "dma_heap/%s", name);
	return heap_devfs && !vfs_path_lookup(heap_devfs->mnt_root, heap_devfs,
					      rel, 0, path);
}

/* Open /dev/dma_heap/@name for the case, or skip if there is none. */
static inline struct file *heap_open(struct kunit *test, const char *name)
{
	struct file *file;
	struct path path;

	need_devtmpfs(test);
	if (!heap_node(name, &path))
		kunit_skip(test, "no heap %s", name);
	file = dentry_open(&path, O_RDWR, current_cred());
	path_put(&path);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(file), "open: %ld", PTR_ERR(file));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, file_drop, file),
			0);
	return file;
}

/*
 * Set the KUnit thread's soft RLIMIT_NOFILE to @cur; returns the old one.
 * The thread has a signal struct of its own, so only it is affected.
 */
static inline unsigned long set_nofile(unsigned long cur)
{
	struct rlimit *rlim = current->signal->rlim + RLIMIT_NOFILE;
	unsigned long old;

	task_lock(current->group_leader);
	old = rlim->rlim_cur;
	rlim->rlim_cur = cur;
	task_unlock(current->group_leader);
	return old;
}

static inline long heap_ioctl(struct file *file, unsigned int cmd,
			      void __user *arg)
{
	return file->f_op->unlocked_ioctl(file, cmd, (unsigned long)arg);
}

/* suite_init: mount devtmpfs, where it exists, for the nodes. */
static inline int dma_heap_kunit_mount(struct kunit_suite *suite)
{
	struct file_system_type *devtmpfs = get_fs_type("devtmpfs");
	struct vfsmount *mnt;

	if (!devtmpfs)
		return 0;
	mnt = kern_mount(devtmpfs);
	module_put(devtmpfs->owner);
	heap_devfs = IS_ERR(mnt) ? NULL : mnt;
	return 0;
}

/* suite_exit: undo dma_heap_kunit_mount(). */
static inline void dma_heap_kunit_unmount(struct kunit_suite *suite)
{
	if (heap_devfs)
		kern_unmount(heap_devfs);
	heap_devfs = NULL;
}

#endif /* DMA_HEAP_KUNIT_H */

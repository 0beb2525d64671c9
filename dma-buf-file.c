// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dma-buf file: what user space holds in its hand.
 *
 * Every buffer is backed by a file on a small internal pseudo filesystem,
 * "dmabuf", whose dentries all carry the name "dmabuf" and print as
 * "/dmabuf:<name>" once user space has named the buffer. The file's
 * reference count is the buffer's: the dentry's last dput() destroys the
 * buffer. This file implements the file operations (mmap, llseek, poll,
 * the ioctls and fdinfo); the in-kernel API lives in dma-buf.c.
 */

#include <linux/dma-buf.h>
#include <linux/dma-fence.h>
#include <linux/dma-fence-unwrap.h>
#include <linux/dma-resv.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mount.h>
#include <linux/poll.h>
#include <linux/pseudo_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/sync_file.h>
#include <linux/uaccess.h>

#include <uapi/linux/dma-buf.h>
#include <uapi/linux/magic.h>

#include "dma-buf-internal.h"

static struct vfsmount *dma_buf_mnt;

/* ------------------------------------------------------------------ */
/* The pseudo filesystem                                               */
/* ------------------------------------------------------------------ */

/*
 * The path of a dma-buf file, as /proc/<pid>/fd and friends print it. The
 * name may be replaced at any time by DMA_BUF_SET_NAME, hence the lock.
 * The dentry keeps the buffer alive (it is freed from ->d_release), so
 * d_fsdata is valid for as long as anybody can ask.
 */
static char *dma_buf_d_dname(struct dentry *dentry, char *buffer, int buflen)
{
	struct dma_buf *dmabuf = dentry->d_fsdata;
	char *path;

	spin_lock(&dmabuf->name_lock);
	path = dynamic_dname(buffer, buflen, "/%s:%s", dentry->d_name.name,
			     dmabuf->name ?: "");
	spin_unlock(&dmabuf->name_lock);

	return path;
}

static void dma_buf_d_release(struct dentry *dentry)
{
	struct dma_buf *dmabuf = dentry->d_fsdata;

	if (dmabuf)
		dma_buf_destroy(dmabuf);
}

static const struct dentry_operations dma_buf_dentry_ops = {
	.d_dname = dma_buf_d_dname,
	.d_release = dma_buf_d_release,
};

static int dma_buf_fs_init_context(struct fs_context *fc)
{
	struct pseudo_fs_context *ctx = init_pseudo(fc, DMA_BUF_MAGIC);

	if (!ctx)
		return -ENOMEM;
	ctx->dops = &dma_buf_dentry_ops;
	return 0;
}

static struct file_system_type dma_buf_fs_type = {
	.name		 = "dmabuf",
	.kill_sb	 = kill_anon_super,
	.init_fs_context = dma_buf_fs_init_context,
};

/* ------------------------------------------------------------------ */
/* mmap and llseek                                                     */
/* ------------------------------------------------------------------ */

/* Does [pgoff, pgoff + pages) lie inside the buffer? Cannot overflow. */
static bool dma_buf_range_fits(struct dma_buf *dmabuf, unsigned long pgoff,
			       unsigned long pages)
{
	unsigned long total = dmabuf->size >> PAGE_SHIFT;

	return pages <= total && pgoff <= total - pages;
}

static int dma_buf_fop_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct dma_buf *dmabuf = file->private_data;

	if (!dmabuf->ops->mmap)
		return -EINVAL;
	if (!dma_buf_range_fits(dmabuf, vma->vm_pgoff, vma_pages(vma)))
		return -EINVAL;

	return dmabuf->ops->mmap(dmabuf, vma);
}

/*
 * The only use of lseek() on a dma-buf is to learn its size:
 * lseek(fd, 0, SEEK_END). lseek(fd, 0, SEEK_SET) is accepted too so that
 * the usual "remember the position, seek to the end, seek back" idiom
 * works. The file position is never changed.
 */
static loff_t dma_buf_fop_llseek(struct file *file, loff_t offset, int whence)
{
	struct dma_buf *dmabuf = file->private_data;

	if (offset)
		return -EINVAL;

	switch (whence) {
	case SEEK_SET:
		return 0;
	case SEEK_END:
		return dmabuf->size;
	default:
		return -EINVAL;
	}
}

/* ------------------------------------------------------------------ */
/* poll: see "implicit fence polling" in dma-buf.c                     */
/* ------------------------------------------------------------------ */

/* Report the pending events of @dcb to the waiters and disarm it. */
static void dma_buf_poll_fire(struct dma_buf_poll_cb_t *dcb)
{
	unsigned long irqflags;

	spin_lock_irqsave(&dcb->poll->lock, irqflags);
	wake_up_locked_poll(dcb->poll, dcb->active);
	dcb->active = 0;
	spin_unlock_irqrestore(&dcb->poll->lock, irqflags);
}

static void dma_buf_poll_fence_cb(struct dma_fence *fence,
				  struct dma_fence_cb *cb)
{
	struct dma_buf_poll_cb_t *dcb =
		container_of(cb, struct dma_buf_poll_cb_t, cb);
	struct dma_buf *dmabuf = container_of(dcb->poll, struct dma_buf, poll);

	dma_buf_poll_fire(dcb);
	dma_fence_put(fence);
	/* The file reference that kept the buffer alive while armed. */
	fput(dmabuf->file);
}

/*
 * Is @event ready, i.e. are all fences of class @usage signalled? If not,
 * arm @dcb on the first unsignalled one so that the waiters are woken when
 * it signals; they will then poll again, and re-arm on the next fence if
 * there is one. A @dcb armed by an earlier call stays armed and the event
 * is reported as not ready. Called with the reservation lock held.
 */
static bool dma_buf_poll_ready(struct dma_buf *dmabuf,
			       struct dma_buf_poll_cb_t *dcb, __poll_t event,
			       enum dma_resv_usage usage)
{
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	bool armed;

	spin_lock_irq(&dmabuf->poll.lock);
	armed = dcb->active;
	if (!armed)
		dcb->active = event;
	spin_unlock_irq(&dmabuf->poll.lock);
	if (armed)
		return false;

	/*
	 * The callback may run, and drop this reference, as soon as it has
	 * been added, so the reference is taken first.
	 */
	get_file(dmabuf->file);
	dma_resv_for_each_fence(&cursor, dmabuf->resv, usage, fence) {
		dma_fence_get(fence);
		if (!dma_fence_add_callback(fence, &dcb->cb,
					    dma_buf_poll_fence_cb))
			return false;
		/* Already signalled: try the next one. */
		dma_fence_put(fence);
	}

	/* Nothing to wait for; other pollers may be waiting for this too. */
	dma_buf_poll_fire(dcb);
	fput(dmabuf->file);
	return true;
}

static __poll_t dma_buf_fop_poll(struct file *file, poll_table *wait)
{
	struct dma_buf *dmabuf = file->private_data;
	__poll_t events;

	poll_wait(file, &dmabuf->poll, wait);

	events = poll_requested_events(wait) & (EPOLLIN | EPOLLOUT);
	if (!events)
		return 0;

	dma_resv_lock(dmabuf->resv, NULL);
	/* Writing has to wait for readers and writers alike... */
	if ((events & EPOLLOUT) &&
	    !dma_buf_poll_ready(dmabuf, &dmabuf->cb_out, EPOLLOUT,
				dma_resv_usage_rw(true)))
		events &= ~EPOLLOUT;
	/* ...reading only for writers. */
	if ((events & EPOLLIN) &&
	    !dma_buf_poll_ready(dmabuf, &dmabuf->cb_in, EPOLLIN,
				dma_resv_usage_rw(false)))
		events &= ~EPOLLIN;
	dma_resv_unlock(dmabuf->resv);

	return events;
}

/* ------------------------------------------------------------------ */
/* ioctls                                                              */
/* ------------------------------------------------------------------ */

static long dma_buf_ioctl_sync(struct dma_buf *dmabuf,
			       struct dma_buf_sync __user *uarg)
{
	enum dma_data_direction dir;
	struct dma_buf_sync sync;

	if (copy_from_user(&sync, uarg, sizeof(sync)))
		return -EFAULT;
	if (sync.flags & ~DMA_BUF_SYNC_VALID_FLAGS_MASK)
		return -EINVAL;

	/* The CPU reads what a device wrote, or writes for a device. */
	if ((sync.flags & DMA_BUF_SYNC_RW) == DMA_BUF_SYNC_RW)
		dir = DMA_BIDIRECTIONAL;
	else if (sync.flags & DMA_BUF_SYNC_WRITE)
		dir = DMA_TO_DEVICE;
	else if (sync.flags & DMA_BUF_SYNC_READ)
		dir = DMA_FROM_DEVICE;
	else
		return -EINVAL;

	if (sync.flags & DMA_BUF_SYNC_END)
		return dma_buf_end_cpu_access(dmabuf, dir);
	return dma_buf_begin_cpu_access(dmabuf, dir);
}

/*
 * Give the buffer a name for debugging output. The name, NUL included,
 * must fit in DMA_BUF_NAME_LEN bytes; strndup_user() fails a longer one
 * with -EINVAL. Readers copy the name under name_lock, so the old one can
 * be freed as soon as it has been swapped out.
 */
static long dma_buf_ioctl_set_name(struct dma_buf *dmabuf,
				   const char __user *uname)
{
	const char *name = strndup_user(uname, DMA_BUF_NAME_LEN);

	if (IS_ERR(name))
		return PTR_ERR(name);

	spin_lock(&dmabuf->name_lock);
	swap(name, dmabuf->name);
	spin_unlock(&dmabuf->name_lock);

	kfree(name);
	return 0;
}

#if IS_ENABLED(CONFIG_SYNC_FILE)
/* The sync_file ioctls take a direction and nothing else. */
static bool dma_buf_sync_file_flags_ok(__u32 flags)
{
	return !(flags & ~DMA_BUF_SYNC_RW) && (flags & DMA_BUF_SYNC_RW);
}

/*
 * Snapshot the implicit fences that an access in the given direction
 * would wait for into a new sync_file, and return it as an fd. With no
 * such fence the sync_file holds an already signalled stub.
 */
static long dma_buf_ioctl_export_sync_file(struct dma_buf *dmabuf,
					   struct dma_buf_export_sync_file __user *uarg)
{
	struct dma_buf_export_sync_file arg;
	struct dma_fence *fence = NULL;
	struct sync_file *sync_file;
	enum dma_resv_usage usage;
	int fd, ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (!dma_buf_sync_file_flags_ok(arg.flags))
		return -EINVAL;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;

	/* What a new access in this direction would have to wait for. */
	usage = dma_resv_usage_rw(arg.flags & DMA_BUF_SYNC_WRITE);
	ret = dma_resv_get_singleton(dmabuf->resv, usage, &fence);
	if (ret)
		goto out_fd;

	/* Nothing pending: an already signalled fence stands in. */
	if (!fence)
		fence = dma_fence_get_stub();
	sync_file = sync_file_create(fence);
	dma_fence_put(fence);
	if (!sync_file) {
		ret = -ENOMEM;
		goto out_fd;
	}

	arg.fd = fd;
	if (copy_to_user(uarg, &arg, sizeof(arg))) {
		fput(sync_file->file);
		ret = -EFAULT;
		goto out_fd;
	}

	fd_install(fd, sync_file->file);
	return 0;

out_fd:
	put_unused_fd(fd);
	return ret;
}

/* Cursors for a walk through nested containers, one per level. */
struct dma_buf_leaf_walk {
	struct dma_fence_unwrap *stack;
	unsigned int room;
};

typedef void (*dma_buf_leaf_fn)(struct dma_fence *leaf, void *arg);

/*
 * Call @fn on every plain fence inside @head, however deeply containers
 * nest. dma_fence_unwrap_for_each() looks through a chain and the arrays
 * its links wrap, but our arrays may also hold arrays and chains, which it
 * then hands out as if they were leaves. Each such fence is taken apart
 * in turn on @walk's stack of cursors, grown as needed and kept for the
 * next walk: walking the same fence again then allocates nothing, since
 * containers never change what they contain (a chain can only lose
 * links). A cursor holds a reference to the fence it walks, so nothing
 * goes away under the walk.
 *
 * Return: the number of leaves visited, or -ENOMEM.
 */
static long dma_buf_visit_leaves(struct dma_buf_leaf_walk *walk,
				 struct dma_fence *head,
				 dma_buf_leaf_fn fn, void *arg)
{
	struct dma_fence_unwrap *bigger;
	unsigned int depth = 0;
	struct dma_fence *fence;
	long leaves = 0;

	fence = dma_fence_unwrap_first(head, &walk->stack[0]);
	for (;;) {
		if (!fence) {
			if (!depth)
				return leaves;
			fence = dma_fence_unwrap_next(&walk->stack[--depth]);
		} else if (!dma_fence_is_container(fence)) {
			if (fn)
				fn(fence, arg);
			leaves++;
			fence = dma_fence_unwrap_next(&walk->stack[depth]);
		} else {
			if (depth + 1 == walk->room) {
				bigger = krealloc_array(walk->stack,
							walk->room * 2,
							sizeof(*bigger),
							GFP_KERNEL);
				if (!bigger)
					break;
				walk->stack = bigger;
				walk->room *= 2;
			}
			fence = dma_fence_unwrap_first(fence,
						       &walk->stack[++depth]);
		}
	}

	/* An abandoned cursor lets go of its fence with one put. */
	do {
		dma_fence_put(walk->stack[depth].chain);
	} while (depth--);
	return -ENOMEM;
}

struct dma_buf_import {
	struct dma_resv *resv;
	enum dma_resv_usage usage;
};

static void dma_buf_import_leaf(struct dma_fence *leaf, void *arg)
{
	struct dma_buf_import *import = arg;

	dma_resv_add_fence(import->resv, leaf, import->usage);
}

/*
 * Add the fences of a sync_file to the buffer's implicit fences, as
 * writers if DMA_BUF_SYNC_WRITE is set and as readers otherwise. Fence
 * containers, nested ones included, are taken apart first: a reservation
 * object holds only plain fences. The walk that adds them sees no more
 * leaves than the one that counted them and needs no memory of its own.
 */
static long dma_buf_ioctl_import_sync_file(struct dma_buf *dmabuf,
					   const struct dma_buf_import_sync_file __user *uarg)
{
	struct dma_buf_import import = { .resv = dmabuf->resv };
	struct dma_buf_leaf_walk walk = { .room = 4 };
	struct dma_buf_import_sync_file arg;
	struct dma_fence *fence;
	long leaves;
	int ret = 0;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (!dma_buf_sync_file_flags_ok(arg.flags))
		return -EINVAL;

	fence = sync_file_get_fence(arg.fd);
	if (!fence)
		return -EINVAL;

	import.usage = DMA_RESV_USAGE_READ;
	if (arg.flags & DMA_BUF_SYNC_WRITE)
		import.usage = DMA_RESV_USAGE_WRITE;

	walk.stack = kmalloc_array(walk.room, sizeof(*walk.stack), GFP_KERNEL);
	if (!walk.stack) {
		ret = -ENOMEM;
		goto put;
	}
	leaves = dma_buf_visit_leaves(&walk, fence, NULL, NULL);
	if (leaves < 0) {
		ret = leaves;
	} else if (leaves) {
		dma_resv_lock(dmabuf->resv, NULL);
		ret = dma_resv_reserve_fences(dmabuf->resv, leaves);
		if (!ret)
			dma_buf_visit_leaves(&walk, fence, dma_buf_import_leaf,
					     &import);
		dma_resv_unlock(dmabuf->resv);
	}
	kfree(walk.stack);
put:
	dma_fence_put(fence);
	return ret;
}
#endif /* CONFIG_SYNC_FILE */

static long dma_buf_fop_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	struct dma_buf *dmabuf = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case DMA_BUF_IOCTL_SYNC:
		return dma_buf_ioctl_sync(dmabuf, uarg);
	/* The name ioctl was once defined with a pointer-sized argument. */
	case DMA_BUF_SET_NAME_A:
	case DMA_BUF_SET_NAME_B:
		return dma_buf_ioctl_set_name(dmabuf, uarg);
#if IS_ENABLED(CONFIG_SYNC_FILE)
	case DMA_BUF_IOCTL_EXPORT_SYNC_FILE:
		return dma_buf_ioctl_export_sync_file(dmabuf, uarg);
	case DMA_BUF_IOCTL_IMPORT_SYNC_FILE:
		return dma_buf_ioctl_import_sync_file(dmabuf, uarg);
#endif
	default:
		return -ENOTTY;
	}
}

/* ------------------------------------------------------------------ */
/* fdinfo, release and creation                                        */
/* ------------------------------------------------------------------ */

static void dma_buf_fop_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct dma_buf *dmabuf = file->private_data;
	const char *name;

	/* procfs holds a file reference of its own while it prints this. */
	seq_printf(m, "size:\t%zu\ncount:\t%ld\nexp_name:\t%s\n",
		   dmabuf->size, file_count(file) - 1, dmabuf->exp_name);

	spin_lock(&dmabuf->name_lock);
	name = dmabuf->name;
	if (name)
		seq_printf(m, "name:\t%s\n", name);
	spin_unlock(&dmabuf->name_lock);

	dma_buf_show_charge(m, dmabuf, "memcg_charged:\t%zu\nmemcg:\t%s\n",
			    true);
}

/*
 * The file is going away but the dentry, and with it the buffer, may
 * outlive it for a moment (a path reference taken by procfs, say). The
 * buffer leaves the debugfs list now, while the file it prints from is
 * still valid, and is destroyed when the dentry goes.
 */
static int dma_buf_fop_release(struct inode *inode, struct file *file)
{
	dma_buf_list_del(file->private_data);
	return 0;
}

static const struct file_operations dma_buf_fops = {
	.release	= dma_buf_fop_release,
	.mmap		= dma_buf_fop_mmap,
	.llseek		= dma_buf_fop_llseek,
	.poll		= dma_buf_fop_poll,
	.unlocked_ioctl	= dma_buf_fop_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.show_fdinfo	= dma_buf_fop_show_fdinfo,
};

/**
 * dma_buf_file_is_ours() - is @file a dma-buf?
 * @file: any open file
 *
 * Return: true if @file was made by dma_buf_file_create().
 */
bool dma_buf_file_is_ours(struct file *file)
{
	return file->f_op == &dma_buf_fops;
}

/**
 * dma_buf_file_create() - make the file that backs a new buffer
 * @dmabuf: the buffer, fully initialised; its size becomes the inode's
 * @flags: the exporter's open flags; only the access mode and O_NONBLOCK
 *	are kept
 *
 * Each buffer gets an inode of its own, numbered from a private counter
 * so that the numbers shown in debugfs are unique for the system's
 * lifetime. Once this succeeds, the file's last reference destroys
 * @dmabuf, so it must be the export's last step that can fail.
 *
 * Return: the new file, or an ERR_PTR().
 */
struct file *dma_buf_file_create(struct dma_buf *dmabuf, int flags)
{
	static atomic64_t last_ino = ATOMIC64_INIT(0);
	struct inode *inode;
	struct file *file;

	inode = alloc_anon_inode(dma_buf_mnt->mnt_sb);
	if (IS_ERR(inode))
		return ERR_CAST(inode);

	inode->i_ino = atomic64_inc_return(&last_ino);
	inode->i_size = dmabuf->size;
	inode_set_bytes(inode, dmabuf->size);

	file = alloc_file_pseudo(inode, dma_buf_mnt, "dmabuf",
				 flags & (O_ACCMODE | O_NONBLOCK), &dma_buf_fops);
	if (IS_ERR(file)) {
		iput(inode);
		return file;
	}

	file->private_data = dmabuf;
	file->f_path.dentry->d_fsdata = dmabuf;
	return file;
}

/**
 * dma_buf_fs_init() - mount the dmabuf pseudo filesystem
 *
 * Return: 0 or a negative errno.
 */
int dma_buf_fs_init(void)
{
	dma_buf_mnt = kern_mount(&dma_buf_fs_type);
	return PTR_ERR_OR_ZERO(dma_buf_mnt);
}

/**
 * dma_buf_fs_exit() - unmount the dmabuf pseudo filesystem
 */
void dma_buf_fs_exit(void)
{
	kern_unmount(dma_buf_mnt);
}

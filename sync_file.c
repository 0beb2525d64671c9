// SPDX-License-Identifier: GPL-2.0-only
/*
 * sync_file: a dma_fence wrapped in an anonymous file, so that user space
 * can hold it as a descriptor, poll it, pass it between processes and give
 * it back to a driver as an in-fence.
 *
 * The file owns one fence reference for its whole life and never swaps the
 * fence, so nothing here needs a lock: the fence is written before the file
 * exists and only read afterwards. Merging makes a new file; it never
 * changes an existing one.
 */

#include <linux/anon_inodes.h>
#include <linux/cleanup.h>
#include <linux/dma-fence-unwrap.h>
#include <linux/err.h>
#include <linux/export.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sync_file.h>
#include <linux/uaccess.h>
#include <uapi/linux/sync_file.h>

static const struct file_operations sync_file_fops;

/*
 * Build a sync_file around @fence, whose reference passes to the file on
 * success and stays with the caller on failure. The fence is stored before
 * the file is created so that release never sees a sync_file without one.
 */
static struct sync_file *sync_file_wrap(struct dma_fence *fence,
					const char *name)
{
	struct sync_file *sf;
	struct file *file;

	sf = kzalloc(sizeof(*sf), GFP_KERNEL);
	if (!sf)
		return NULL;

	sf->fence = fence;
	if (name)
		strscpy(sf->user_name, name);
	init_waitqueue_head(&sf->wq);
	INIT_LIST_HEAD(&sf->cb.node);

	/* ABI: userspace sees a read-only file; it can poll and ioctl. */
	file = anon_inode_getfile("sync_file", &sync_file_fops, sf, 0);
	if (IS_ERR(file)) {
		kfree(sf);
		return NULL;
	}
	sf->file = file;
	return sf;
}

/**
 * sync_file_create() - wrap a fence in a new sync_file
 * @fence: the fence to hand out; must not be NULL
 *
 * The new &struct sync_file takes a reference of its own to @fence; the
 * caller's reference is left alone. No descriptor is allocated: the
 * caller installs sync_file->file with get_unused_fd_flags() and
 * fd_install(), or drops it with fput() if it changes its mind. The
 * fence's signalling is not enabled until someone polls the file.
 *
 * Return: the new sync_file, or NULL when memory or the anonymous file
 * could not be allocated.
 */
struct sync_file *sync_file_create(struct dma_fence *fence)
{
	struct sync_file *sf;

	sf = sync_file_wrap(dma_fence_get(fence), NULL);
	if (!sf)
		dma_fence_put(fence);
	return sf;
}
EXPORT_SYMBOL(sync_file_create);

/*
 * The sync_file behind @file, or NULL if @file is some other kind of file:
 * only our own fops guarantee what private_data points to.
 */
static struct sync_file *file_to_sync_file(struct file *file)
{
	if (!file || file->f_op != &sync_file_fops)
		return NULL;
	return file->private_data;
}

/**
 * sync_file_get_fence() - take the fence out of a sync_file descriptor
 * @fd: descriptor, in the current task's file table, that should refer to
 *	a sync_file
 *
 * Lets a driver accept an in-fence from user space. The descriptor and
 * its file are left as they were.
 *
 * Return: a new reference to the sync_file's fence, which the caller
 * releases with dma_fence_put(); NULL if @fd is not open or is not a
 * sync_file.
 */
struct dma_fence *sync_file_get_fence(int fd)
{
	CLASS(fd, f)(fd);
	struct sync_file *sf;

	if (fd_empty(f))
		return NULL;
	sf = file_to_sync_file(fd_file(f));
	if (!sf)
		return NULL;
	/* Taken before the descriptor reference goes away at scope end. */
	return dma_fence_get(sf->fence);
}
EXPORT_SYMBOL(sync_file_get_fence);

/**
 * sync_file_get_name() - the name a sync_file reports to user space
 * @sync_file: the sync_file to describe
 * @buf: where to write the NUL-terminated name
 * @len: size of @buf in bytes
 *
 * A sync_file made by %SYNC_IOC_MERGE is called what user space asked
 * for. Any other one has no stored name; it is made up on each call from
 * the fence as "<driver>-<timeline><context>-<seqno>", where the driver
 * and timeline names come from the fence's ops. The result is truncated
 * to fit @buf.
 *
 * Return: @buf.
 */
char *sync_file_get_name(struct sync_file *sync_file, char *buf, int len)
{
	struct dma_fence *fence = sync_file->fence;

	/* A non-positive size would become a huge size_t below. */
	if (len <= 0)
		return buf;

	if (sync_file->user_name[0]) {
		strscpy(buf, sync_file->user_name, len);
		return buf;
	}

	/* ABI: userspace sees the seqno printed as a signed number. */
	snprintf(buf, len, "%s-%s%llu-%lld",
		 fence->ops->get_driver_name(fence),
		 fence->ops->get_timeline_name(fence),
		 fence->context, (long long)fence->seqno);
	return buf;
}

static int sync_file_release(struct inode *inode, struct file *file)
{
	struct sync_file *sf = file->private_data;

	/* A callback still queued would fire into freed memory. */
	if (test_bit(POLL_ENABLED, &sf->flags))
		dma_fence_remove_callback(sf->fence, &sf->cb);
	dma_fence_put(sf->fence);
	kfree(sf);
	return 0;
}

static void sync_file_fence_done(struct dma_fence *fence,
				 struct dma_fence_cb *cb)
{
	struct sync_file *sf = container_of(cb, struct sync_file, cb);

	wake_up_all(&sf->wq);
}

static __poll_t sync_file_poll(struct file *file, poll_table *wait)
{
	struct sync_file *sf = file->private_data;

	poll_wait(file, &sf->wq, wait);

	/*
	 * Hardware signalling can cost interrupts, so it is only asked for
	 * once somebody actually polls, and the callback is armed just once
	 * per file. If the fence completed before the callback went on, no
	 * callback will come: wake the queue ourselves, since a concurrent
	 * poller may have gone to sleep after seeing our bit set.
	 */
	if (!test_and_set_bit(POLL_ENABLED, &sf->flags) &&
	    dma_fence_add_callback(sf->fence, &sf->cb, sync_file_fence_done))
		wake_up_all(&sf->wq);

	return dma_fence_is_signaled(sf->fence) ? EPOLLIN : 0;
}

/*
 * Merge our fence with the one behind descriptor @fd2. The descriptor is
 * only held for the duration of the merge: the result keeps references to
 * the fences themselves.
 */
static struct dma_fence *sync_file_merge_fd(struct sync_file *sf, int fd2)
{
	CLASS(fd, f)(fd2);
	struct sync_file *other;
	struct dma_fence *merged;

	if (fd_empty(f))
		return ERR_PTR(-ENOENT);
	other = file_to_sync_file(fd_file(f));
	if (!other)
		return ERR_PTR(-ENOENT);

	merged = dma_fence_unwrap_merge(sf->fence, other->fence);
	return merged ?: ERR_PTR(-ENOMEM);
}

static long sync_file_ioctl_merge(struct sync_file *sf, void __user *uarg)
{
	struct sync_merge_data data;
	struct sync_file *merged;
	struct dma_fence *fence;

	/*
	 * The descriptor is reserved first and only published once user
	 * space has been told its number: every failure below hands it back
	 * (through the class destructor) and leaves no file behind.
	 */
	CLASS(get_unused_fd, fd)(O_CLOEXEC);
	if (fd < 0)
		return fd;

	if (copy_from_user(&data, uarg, sizeof(data)))
		return -EFAULT;
	if (data.flags || data.pad)
		return -EINVAL;

	fence = sync_file_merge_fd(sf, data.fd2);
	if (IS_ERR(fence))
		return PTR_ERR(fence);

	/* ABI: userspace sees the last byte cut; it need not end the name. */
	data.name[sizeof(data.name) - 1] = '\0';
	merged = sync_file_wrap(fence, data.name);
	if (!merged) {
		dma_fence_put(fence);
		return -ENOMEM;
	}

	data.fence = fd;
	if (copy_to_user(uarg, &data, sizeof(data))) {
		fput(merged->file);
		return -EFAULT;
	}

	fd_install(take_fd(fd), merged->file);
	return 0;
}

static void sync_file_describe_fence(struct dma_fence *fence,
				     struct sync_fence_info *out)
{
	strscpy(out->obj_name, fence->ops->get_timeline_name(fence));
	strscpy(out->driver_name, fence->ops->get_driver_name(fence));
	out->status = dma_fence_get_status(fence);
	/* The timestamp only becomes valid once the fence has signalled. */
	if (dma_fence_is_signaled(fence))
		out->timestamp_ns = ktime_to_ns(dma_fence_timestamp(fence));
}

static long sync_file_ioctl_info(struct sync_file *sf, void __user *uarg)
{
	struct sync_fence_info *entries __free(kfree) = NULL;
	struct sync_file_info info;
	struct dma_fence_unwrap iter;
	struct dma_fence *fence;
	unsigned int count = 0, filled = 0;

	if (copy_from_user(&info, uarg, sizeof(info)))
		return -EFAULT;
	if (info.flags || info.pad)
		return -EINVAL;

	dma_fence_unwrap_for_each(fence, &iter, sf->fence)
		count++;

	if (!info.num_fences) {
		/* First half of the two-call protocol: only the count. */
		info.status = dma_fence_get_status(sf->fence);
		filled = count;
	} else {
		if (info.num_fences < count)
			return -EINVAL;

		entries = kcalloc(count, sizeof(*entries), GFP_KERNEL);
		if (!entries)
			return -ENOMEM;

		/*
		 * The overall status is the first non-positive member status
		 * met (pending or failed), else 1. Chains can only drop links
		 * between the two walks, never gain them, but the bound keeps
		 * the buffer safe regardless.
		 */
		info.status = 1;
		dma_fence_unwrap_for_each(fence, &iter, sf->fence) {
			if (filled == count)
				continue;
			sync_file_describe_fence(fence, &entries[filled]);
			if (info.status > 0)
				info.status = entries[filled].status;
			filled++;
		}

		if (copy_to_user(u64_to_user_ptr(info.sync_fence_info),
				 entries, array_size(count, sizeof(*entries))))
			return -EFAULT;
	}

	sync_file_get_name(sf, info.name, sizeof(info.name));
	info.num_fences = filled;

	if (copy_to_user(uarg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static long sync_file_ioctl_set_deadline(struct sync_file *sf,
					 void __user *uarg)
{
	struct sync_set_deadline args;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.pad)
		return -EINVAL;

	dma_fence_set_deadline(sf->fence, ns_to_ktime(args.deadline_ns));
	return 0;
}

static long sync_file_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct sync_file *sf = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case SYNC_IOC_MERGE:
		return sync_file_ioctl_merge(sf, uarg);
	case SYNC_IOC_FILE_INFO:
		return sync_file_ioctl_info(sf, uarg);
	case SYNC_IOC_SET_DEADLINE:
		return sync_file_ioctl_set_deadline(sf, uarg);
	default:
		return -ENOTTY;
	}
}

/*
 * No read, write or llseek: the VFS then answers read() with EINVAL,
 * write() with EBADF (the file is read-only) and lseek() with ESPIPE. The
 * ioctl structs have the same layout for 32-bit callers, so compat only
 * needs the pointer conversion.
 */
static const struct file_operations sync_file_fops = {
	.release = sync_file_release,
	.poll = sync_file_poll,
	.unlocked_ioctl = sync_file_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

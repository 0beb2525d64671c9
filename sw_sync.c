// SPDX-License-Identifier: GPL-2.0-only
/*
 * sw_sync: timelines that user space drives, for testing sync_file users
 * and the drivers that consume their fences without any hardware.
 */

#include <linux/compiler.h>
#include <linux/dma-fence.h>
#include <linux/errno.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ioctl.h>
#include <linux/limits.h>
#include <linux/rbtree.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sync_file.h>
#include <linux/types.h>
#include <linux/uaccess.h>

#include "sync_debug.h"

#define CREATE_TRACE_POINTS
#include "sync_trace.h"

/**
 * DOC: sw_sync timelines
 *
 * Every open() of /sys/kernel/debug/sync/sw_sync makes a new timeline: a
 * 32-bit counter that starts at zero, named after the command of the
 * opening process. Three ioctls work on it:
 *
 * - %SW_SYNC_IOC_CREATE_FENCE makes a fence (a "point") that completes when
 *   the counter reaches &sw_sync_create_fence_data.value and returns a new
 *   sync_file descriptor for it. A point at a value already reached is
 *   complete from the start. Asking twice for a pending value hands out
 *   the same fence twice.
 * - %SW_SYNC_IOC_INC adds to the counter and completes, in seqno order,
 *   every point the counter has reached.
 * - %SW_SYNC_GET_DEADLINE reports the earliest deadline that a waiter has
 *   requested (e.g. with %SYNC_IOC_SET_DEADLINE) on a point of any sw_sync
 *   timeline.
 *
 * Values compare modulo 2^32: a point counts as reached while it lies less
 * than 2^31 ahead of the counter. For that to stay consistent the counter
 * never moves by more than %INT_MAX in one step; larger increments are
 * applied in several steps.
 *
 * Closing the file completes every point still pending with -ENOENT. The
 * timeline itself lives on until its last point has been released.
 *
 * Anybody allowed to open the file can complete these fences at will, or
 * never, so this is a validation tool and nothing for production systems.
 */

/**
 * struct sw_sync_create_fence_data - argument of %SW_SYNC_IOC_CREATE_FENCE
 * @value: counter value at which the new fence completes
 * @name: ignored
 * @fence: returns the new sync_file descriptor (opened close-on-exec)
 */
struct sw_sync_create_fence_data {
	__u32	value;
	char	name[32];
	__s32	fence;
};

/**
 * struct sw_sync_get_deadline - argument of %SW_SYNC_GET_DEADLINE
 * @deadline_ns: must be zero on entry; returns the earliest deadline
 *	requested on the fence, in CLOCK_MONOTONIC nanoseconds
 * @pad: must be zero
 * @fence_fd: a sync_file whose fence is a sw_sync point
 */
struct sw_sync_get_deadline {
	__u64	deadline_ns;
	__u32	pad;
	__s32	fence_fd;
};

#define SW_SYNC_IOC_MAGIC		'W'
#define SW_SYNC_IOC_CREATE_FENCE	_IOWR(SW_SYNC_IOC_MAGIC, 0, \
					      struct sw_sync_create_fence_data)
#define SW_SYNC_IOC_INC			_IOW(SW_SYNC_IOC_MAGIC, 1, __u32)
#define SW_SYNC_GET_DEADLINE		_IOWR(SW_SYNC_IOC_MAGIC, 2, \
					      struct sw_sync_get_deadline)

/* &dma_fence.flags bit of a point: &sync_pt.deadline holds a value. */
#define SW_PT_HAS_DEADLINE		DMA_FENCE_FLAG_USER_BITS

/* How many points closing a timeline completes per round of its lock. */
#define SW_CANCEL_BATCH			16

static const struct dma_fence_ops sw_pt_ops;

static struct sync_pt *to_sw_pt(struct dma_fence *fence)
{
	if (fence->ops != &sw_pt_ops)
		return NULL;
	return container_of(fence, struct sync_pt, base);
}

static void sw_timeline_free(struct kref *kref)
{
	struct sync_timeline *tl = container_of(kref, struct sync_timeline,
						kref);

	sync_timeline_debug_remove(tl);
	kfree(tl);
}

static void sw_timeline_put(struct sync_timeline *tl)
{
	kref_put(&tl->kref, sw_timeline_free);
}

/* Has the counter of the point's timeline reached the point's value? */
static bool sw_pt_reached(struct sync_pt *pt)
{
	struct sync_timeline *tl = dma_fence_parent(&pt->base);
	u32 now = READ_ONCE(tl->value);

	return !__dma_fence_is_later(pt->base.seqno, now, &sw_pt_ops);
}

/*
 * Takes a point off its timeline; with the timeline's lock held. An empty
 * &sync_pt.link tells sw_pt_release() that this already happened.
 */
static void sw_pt_unlink(struct sync_timeline *tl, struct sync_pt *pt)
{
	rb_erase(&pt->node, &tl->pt_tree);
	list_del_init(&pt->link);
}

/*
 * Adds a point to its timeline; with the timeline's lock held. If a pending
 * point of the same value exists and is not on its way out, a reference to
 * that one is returned instead and @pt is left alone.
 */
static struct sync_pt *sw_pt_link(struct sync_timeline *tl,
				  struct sync_pt *pt)
{
	struct rb_node **slot = &tl->pt_tree.rb_node;
	struct rb_node *above = NULL;
	struct rb_node *succ;

	while (*slot) {
		struct sync_pt *cur = rb_entry(*slot, struct sync_pt, node);
		/* Pending points are all less than 2^31 ahead: no ambiguity. */
		s32 delta = (u32)pt->base.seqno - (u32)cur->base.seqno;

		if (!delta && dma_fence_get_rcu(&cur->base))
			return cur;
		above = *slot;
		slot = delta > 0 ? &above->rb_right : &above->rb_left;
	}
	rb_link_node(&pt->node, above, slot);
	rb_insert_color(&pt->node, &tl->pt_tree);

	/* The list mirrors the tree: go in front of the in-order successor. */
	succ = rb_next(&pt->node);
	if (succ)
		list_add_tail(&pt->link,
			      &rb_entry(succ, struct sync_pt, node)->link);
	else
		list_add_tail(&pt->link, &tl->pt_list);
	return pt;
}

/*
 * Returns a reference to a fence completing at @value on @tl, or NULL when
 * out of memory.
 */
static struct sync_pt *sw_pt_get(struct sync_timeline *tl, u32 value)
{
	struct sync_pt *pt, *found;

	pt = kzalloc(sizeof(*pt), GFP_KERNEL);
	if (!pt)
		return NULL;

	INIT_LIST_HEAD(&pt->link);
	kref_get(&tl->kref);	/* dropped by sw_pt_release() */
	dma_fence_init(&pt->base, &sw_pt_ops, &tl->lock, tl->context, value);

	spin_lock_irq(&tl->lock);
	/* A value already reached needs no bookkeeping: complete it now. */
	if (dma_fence_is_signaled_locked(&pt->base))
		found = pt;
	else
		found = sw_pt_link(tl, pt);
	spin_unlock_irq(&tl->lock);

	/* Lost to an existing twin: the fresh fence was never published. */
	if (found != pt)
		dma_fence_put(&pt->base);
	return found;
}

/*
 * Moves the counter forward by at most INT_MAX and completes the points
 * reached, in order. Their final references, which may belong to us, are
 * only dropped once the lock is released, as sw_pt_release() takes it.
 */
static void sw_timeline_step(struct sync_timeline *tl, u32 step)
{
	struct sync_pt *pt, *tmp;
	LIST_HEAD(reached);

	trace_sync_timeline(tl);

	spin_lock_irq(&tl->lock);
	WRITE_ONCE(tl->value, (int)((u32)tl->value + step));
	list_for_each_entry_safe(pt, tmp, &tl->pt_list, link) {
		if (!sw_pt_reached(pt))
			break;	/* the list is sorted: nothing further either */
		if (!dma_fence_get_rcu(&pt->base)) {
			/* Being freed; sw_pt_release() waits for our lock. */
			sw_pt_unlink(tl, pt);
			continue;
		}
		rb_erase(&pt->node, &tl->pt_tree);
		list_move_tail(&pt->link, &reached);
		dma_fence_signal_locked(&pt->base);
	}
	spin_unlock_irq(&tl->lock);

	list_for_each_entry_safe(pt, tmp, &reached, link) {
		list_del_init(&pt->link);
		dma_fence_put(&pt->base);
	}
}

static void sw_timeline_advance(struct sync_timeline *tl, u32 inc)
{
	while (inc > INT_MAX) {
		sw_timeline_step(tl, INT_MAX);
		inc -= INT_MAX;
	}
	sw_timeline_step(tl, inc);
}

/*
 * Completes every pending point with -ENOENT once the timeline's file is
 * closed. The points stay on &sync_timeline.pt_list, so debugfs keeps
 * showing them, but move behind those still to do. A callback run by the
 * signalling may drop a fence's last reference, and the release would
 * then take the lock we hold: so a few references are collected at a
 * time and dropped with the lock released.
 */
static void sw_timeline_cancel(struct sync_timeline *tl)
{
	struct sync_pt *held[SW_CANCEL_BATCH];
	unsigned int n, i;
	LIST_HEAD(todo);

	spin_lock_irq(&tl->lock);
	list_splice_init(&tl->pt_list, &todo);
	while (!list_empty(&todo)) {
		n = 0;
		while (n < SW_CANCEL_BATCH && !list_empty(&todo)) {
			struct sync_pt *pt = list_first_entry(&todo,
							      struct sync_pt,
							      link);

			if (!dma_fence_get_rcu(&pt->base)) {
				sw_pt_unlink(tl, pt);
				continue;
			}
			list_move_tail(&pt->link, &tl->pt_list);
			if (!dma_fence_is_signaled_locked(&pt->base)) {
				dma_fence_set_error(&pt->base, -ENOENT);
				dma_fence_signal_locked(&pt->base);
			}
			held[n++] = pt;
		}
		spin_unlock_irq(&tl->lock);
		for (i = 0; i < n; i++)
			dma_fence_put(&held[i]->base);
		spin_lock_irq(&tl->lock);
	}
	spin_unlock_irq(&tl->lock);
}

/* &dma_fence_ops of a point. */

static const char *sw_pt_driver_name(struct dma_fence *fence)
{
	return "sw_sync";
}

static const char *sw_pt_timeline_name(struct dma_fence *fence)
{
	return dma_fence_parent(fence)->name;
}

static bool sw_pt_signaled(struct dma_fence *fence)
{
	return sw_pt_reached(to_sw_pt(fence));
}

static void sw_pt_release(struct dma_fence *fence)
{
	struct sync_timeline *tl = dma_fence_parent(fence);
	struct sync_pt *pt = to_sw_pt(fence);
	unsigned long flags;

	spin_lock_irqsave(&tl->lock, flags);
	if (!list_empty(&pt->link))
		sw_pt_unlink(tl, pt);
	spin_unlock_irqrestore(&tl->lock, flags);

	sw_timeline_put(tl);
	dma_fence_free(fence);
}

static void sw_pt_value_str(struct dma_fence *fence, char *str, int size)
{
	snprintf(str, size, "%llu", fence->seqno);
}

static void sw_pt_timeline_value_str(struct dma_fence *fence, char *str,
				     int size)
{
	snprintf(str, size, "%d", READ_ONCE(dma_fence_parent(fence)->value));
}

static void sw_pt_set_deadline(struct dma_fence *fence, ktime_t deadline)
{
	struct sync_pt *pt = to_sw_pt(fence);
	unsigned long flags;

	spin_lock_irqsave(fence->lock, flags);
	if (!test_bit(SW_PT_HAS_DEADLINE, &fence->flags) ||
	    ktime_before(deadline, pt->deadline)) {
		pt->deadline = deadline;
		__set_bit(SW_PT_HAS_DEADLINE, &fence->flags);
	}
	spin_unlock_irqrestore(fence->lock, flags);
}

/*
 * No &dma_fence_ops.enable_signaling: the timeline signals every point on
 * its own, whether anybody waits or not.
 */
static const struct dma_fence_ops sw_pt_ops = {
	.get_driver_name	= sw_pt_driver_name,
	.get_timeline_name	= sw_pt_timeline_name,
	.signaled		= sw_pt_signaled,
	.release		= sw_pt_release,
	.fence_value_str	= sw_pt_value_str,
	.timeline_value_str	= sw_pt_timeline_value_str,
	.set_deadline		= sw_pt_set_deadline,
};

/* The ioctls. */

static long sw_sync_create_fence(struct sync_timeline *tl, void __user *uarg)
{
	struct sw_sync_create_fence_data req;
	struct sync_file *sfile;
	struct sync_pt *pt;
	int fd, err;

	/* Reserved first, so a full table fails before anything else. */
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;

	if (copy_from_user(&req, uarg, sizeof(req))) {
		err = -EFAULT;
		goto out_fd;
	}

	pt = sw_pt_get(tl, req.value);
	if (!pt) {
		err = -ENOMEM;
		goto out_fd;
	}
	sfile = sync_file_create(&pt->base);
	dma_fence_put(&pt->base);	/* the sync_file holds its own */
	if (!sfile) {
		err = -ENOMEM;
		goto out_fd;
	}

	req.fence = fd;
	if (copy_to_user(uarg, &req, sizeof(req))) {
		fput(sfile->file);
		err = -EFAULT;
		goto out_fd;
	}

	/* Nothing can fail past this point: only now does @fd become real. */
	fd_install(fd, sfile->file);
	return 0;

out_fd:
	put_unused_fd(fd);
	return err;
}

static long sw_sync_inc(struct sync_timeline *tl, u32 __user *uarg)
{
	u32 inc;

	if (get_user(inc, uarg))
		return -EFAULT;

	sw_timeline_advance(tl, inc);
	return 0;
}

static long sw_sync_get_deadline(void __user *uarg)
{
	struct sw_sync_get_deadline req;
	struct dma_fence *fence;
	unsigned long flags;
	struct sync_pt *pt;
	int err = 0;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.deadline_ns || req.pad)
		return -EINVAL;

	fence = sync_file_get_fence(req.fence_fd);
	if (!fence)
		return -EINVAL;

	pt = to_sw_pt(fence);
	if (pt) {
		spin_lock_irqsave(fence->lock, flags);
		if (test_bit(SW_PT_HAS_DEADLINE, &fence->flags))
			req.deadline_ns = ktime_to_ns(pt->deadline);
		else
			err = -ENOENT;
		spin_unlock_irqrestore(fence->lock, flags);
	} else {
		err = -EINVAL;	/* not a sw_sync point, e.g. a merged fence */
	}
	dma_fence_put(fence);

	if (!err && copy_to_user(uarg, &req, sizeof(req)))
		err = -EFAULT;
	return err;
}

static long sw_sync_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct sync_timeline *tl = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case SW_SYNC_IOC_CREATE_FENCE:
		return sw_sync_create_fence(tl, uarg);
	case SW_SYNC_IOC_INC:
		return sw_sync_inc(tl, uarg);
	case SW_SYNC_GET_DEADLINE:
		return sw_sync_get_deadline(uarg);
	default:
		return -ENOTTY;
	}
}

/* The debugfs file: one timeline per open. */

static int sw_sync_open(struct inode *inode, struct file *file)
{
	char comm[TASK_COMM_LEN];
	struct sync_timeline *tl;

	tl = kzalloc(sizeof(*tl), GFP_KERNEL);
	if (!tl)
		return -ENOMEM;

	get_task_comm(comm, current);
	strscpy(tl->name, comm, sizeof(tl->name));
	kref_init(&tl->kref);	/* the file's reference */
	tl->context = dma_fence_context_alloc(1);
	tl->pt_tree = RB_ROOT;
	INIT_LIST_HEAD(&tl->pt_list);
	spin_lock_init(&tl->lock);
	sync_timeline_debug_add(tl);

	file->private_data = tl;
	return 0;
}

static int sw_sync_release(struct inode *inode, struct file *file)
{
	struct sync_timeline *tl = file->private_data;

	sw_timeline_cancel(tl);
	sw_timeline_put(tl);
	return 0;
}

const struct file_operations sw_sync_debugfs_fops = {
	.owner		= THIS_MODULE,
	.open		= sw_sync_open,
	.release	= sw_sync_release,
	.unlocked_ioctl	= sw_sync_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

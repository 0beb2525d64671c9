/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Objects shared by the sw_sync test driver and the debugfs view of it
 * (/sys/kernel/debug/sync/).
 */

#ifndef _DMA_BUF_SYNC_DEBUG_H
#define _DMA_BUF_SYNC_DEBUG_H

#include <linux/container_of.h>
#include <linux/dma-fence.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/sync_file.h>

/**
 * struct sync_timeline - one software timeline: a counter and its points
 * @kref: one reference for the sw_sync file that created the timeline,
 *	plus one for every point that still exists
 * @name: label for debugfs and &dma_fence_ops.get_timeline_name; the
 *	command name of the process that opened the file
 * @context: fence context shared by every point of this timeline
 * @value: the counter; a point has completed once the counter reached its
 *	seqno, compared modulo 2^32. Written under @lock only
 * @pt_tree: pending points keyed by seqno, for finding where a new point
 *	goes in O(log n)
 * @pt_list: the same points in ascending seqno order, so that advancing the
 *	counter only ever looks at the head
 * @lock: guards @value, @pt_tree and @pt_list, and is also the
 *	&dma_fence.lock of every point
 * @sync_timeline_list: link in the list that /sys/kernel/debug/sync/info
 *	walks
 *
 * While the file that created the timeline is open, @pt_tree and @pt_list
 * hold exactly the points that have not completed yet. Closing the file
 * completes them all with an error; they then stay on @pt_list, for the
 * debugfs listing, until their last reference is dropped.
 */
struct sync_timeline {
	struct kref		kref;
	char			name[32];

	u64			context;
	int			value;

	struct rb_root		pt_tree;
	struct list_head	pt_list;
	spinlock_t		lock;	/* also each point's fence lock */

	struct list_head	sync_timeline_list;
};

/**
 * dma_fence_parent - the timeline a sw_sync point belongs to
 * @fence: &sync_pt.base of a point made by sw_sync
 *
 * Every point uses its timeline's lock as its fence lock, which is how the
 * timeline is found. Only valid for fences that sw_sync created.
 *
 * Return: the owning &struct sync_timeline.
 */
static inline struct sync_timeline *dma_fence_parent(struct dma_fence *fence)
{
	return container_of(fence->lock, struct sync_timeline, lock);
}

/**
 * struct sync_pt - a fence at a fixed value of a &struct sync_timeline
 * @base: the fence; its seqno is the value at which it completes
 * @link: position in &sync_timeline.pt_list; empty once the point has been
 *	taken off the timeline
 * @node: position in &sync_timeline.pt_tree
 * @deadline: earliest deadline requested through
 *	&dma_fence_ops.set_deadline, valid once one was requested
 */
struct sync_pt {
	struct dma_fence	base;
	struct list_head	link;
	struct rb_node		node;
	ktime_t			deadline;
};

extern const struct file_operations sw_sync_debugfs_fops;

void sync_timeline_debug_add(struct sync_timeline *obj);
void sync_timeline_debug_remove(struct sync_timeline *obj);
void sync_file_debug_add(struct sync_file *fence);
void sync_file_debug_remove(struct sync_file *fence);

#endif /* _DMA_BUF_SYNC_DEBUG_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/sync/: the sw_sync control file, and "info", a text
 * dump of every sw_sync timeline with its points and of every registered
 * sync_file.
 */

#include <linux/cleanup.h>
#include <linux/debugfs.h>
#include <linux/dma-fence-array.h>
#include <linux/init.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/time64.h>

#include "sync_debug.h"

/**
 * DOC: sync debugfs listing
 *
 * Reading /sys/kernel/debug/sync/info prints two sections. "objs" has one
 * paragraph per sw_sync timeline that still exists (its file may already
 * be closed): a "name: counter" line, then one line per point on the
 * timeline. "fences" has one paragraph per sync_file registered with
 * sync_file_debug_add(): its name and state, then one line per fence in
 * it. A fence line reads "fence STATE[@SEC.NSEC][: SEQNO / COUNTER]",
 * where STATE is active, signaled or error and the time is when it
 * completed; in the "fences" section it is prefixed with the fence's
 * timeline name and an underscore.
 *
 * Both lists are guarded by spinlocks that are taken with interrupts
 * disabled, because the last reference to a timeline may go away in any
 * context. While holding the timeline list lock, the listing takes each
 * timeline's own lock in turn, never the other way round.
 */

static LIST_HEAD(sync_timelines);
static DEFINE_SPINLOCK(sync_timelines_lock);
static LIST_HEAD(sync_files);
static DEFINE_SPINLOCK(sync_files_lock);

/**
 * sync_timeline_debug_add - list a timeline in the debugfs info file
 * @obj: the new timeline
 */
void sync_timeline_debug_add(struct sync_timeline *obj)
{
	guard(spinlock_irqsave)(&sync_timelines_lock);
	list_add_tail(&obj->sync_timeline_list, &sync_timelines);
}

/**
 * sync_timeline_debug_remove - drop a timeline from the debugfs info file
 * @obj: a timeline passed to sync_timeline_debug_add() before
 *
 * Must be called before @obj is freed.
 */
void sync_timeline_debug_remove(struct sync_timeline *obj)
{
	guard(spinlock_irqsave)(&sync_timelines_lock);
	list_del(&obj->sync_timeline_list);
}

/**
 * sync_file_debug_add - list a sync_file in the debugfs info file
 * @fence: the sync_file; its fence must be set
 */
void sync_file_debug_add(struct sync_file *fence)
{
	guard(spinlock_irqsave)(&sync_files_lock);
	list_add_tail(&fence->sync_file_list, &sync_files);
}

/**
 * sync_file_debug_remove - drop a sync_file from the debugfs info file
 * @fence: a sync_file passed to sync_file_debug_add() before
 */
void sync_file_debug_remove(struct sync_file *fence)
{
	guard(spinlock_irqsave)(&sync_files_lock);
	list_del(&fence->sync_file_list);
}

static const char *sync_state_name(int status)
{
	if (status > 0)
		return "signaled";
	return status ? "error" : "active";
}

/*
 * One fence line. @status is the caller's dma_fence_get_status*() result;
 * @timeline, if not NULL, is printed in front to tell fences apart.
 */
static void sync_show_fence(struct seq_file *s, struct dma_fence *fence,
			    int status, const char *timeline)
{
	const struct dma_fence_ops *ops = fence->ops;
	char seqno[64], counter[64];

	seq_puts(s, "  ");
	if (timeline)
		seq_printf(s, "%s_", timeline);
	seq_printf(s, "fence %s", sync_state_name(status));

	/*
	 * Members of a sync_file are shown without their lock held, and the
	 * timestamp shares its storage with the callback list: only a load
	 * ordered after seeing the bit is sure to find the time, not a list
	 * pointer. Pairs with the signaller's barrier before setting the bit.
	 */
	if (test_bit_acquire(DMA_FENCE_FLAG_TIMESTAMP_BIT, &fence->flags)) {
		struct timespec64 at = ktime_to_timespec64(fence->timestamp);

		seq_printf(s, "@%lld.%09ld", (long long)at.tv_sec, at.tv_nsec);
	}

	if (ops->fence_value_str && ops->timeline_value_str) {
		ops->fence_value_str(fence, seqno, sizeof(seqno));
		if (seqno[0]) {
			seq_printf(s, ": %s", seqno);
			ops->timeline_value_str(fence, counter,
						sizeof(counter));
			if (counter[0])
				seq_printf(s, " / %s", counter);
		}
	}
	seq_putc(s, '\n');
}

/* Called with interrupts disabled. */
static void sync_show_timeline(struct seq_file *s, struct sync_timeline *obj)
{
	struct sync_pt *pt;

	seq_printf(s, "%s: %d\n", obj->name, READ_ONCE(obj->value));

	spin_lock(&obj->lock);
	list_for_each_entry(pt, &obj->pt_list, link)
		sync_show_fence(s, &pt->base,
				dma_fence_get_status_locked(&pt->base), NULL);
	spin_unlock(&obj->lock);
}

static void sync_show_member(struct seq_file *s, struct dma_fence *fence)
{
	sync_show_fence(s, fence, dma_fence_get_status(fence),
			fence->ops->get_timeline_name(fence));
}

static void sync_show_file(struct seq_file *s, struct sync_file *sync_file)
{
	struct dma_fence *fence = sync_file->fence;
	struct dma_fence_array *array = to_dma_fence_array(fence);
	char name[128];
	unsigned int i;

	seq_printf(s, "[%p] %s: %s\n", sync_file,
		   sync_file_get_name(sync_file, name, sizeof(name)),
		   sync_state_name(dma_fence_get_status(fence)));

	if (!array) {
		sync_show_member(s, fence);
		return;
	}
	for (i = 0; i < array->num_fences; i++)
		sync_show_member(s, array->fences[i]);
}

static int sync_info_show(struct seq_file *s, void *unused)
{
	struct sync_timeline *obj;
	struct sync_file *sync_file;

	seq_puts(s, "objs:\n--------------\n");
	scoped_guard(spinlock_irq, &sync_timelines_lock) {
		list_for_each_entry(obj, &sync_timelines, sync_timeline_list) {
			sync_show_timeline(s, obj);
			seq_putc(s, '\n');
		}
	}

	seq_puts(s, "fences:\n--------------\n");
	scoped_guard(spinlock_irq, &sync_files_lock) {
		list_for_each_entry(sync_file, &sync_files, sync_file_list) {
			sync_show_file(s, sync_file);
			seq_putc(s, '\n');
		}
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sync_info);

static int __init sync_debugfs_init(void)
{
	struct dentry *dir = debugfs_create_dir("sync", NULL);

	/*
	 * Neither file is ever removed, so debugfs need not guard each call
	 * against removal and the _unsafe variant is fine. It also leaves
	 * our own file_operations on the open files.
	 */
	debugfs_create_file_unsafe("info", 0444, dir, NULL, &sync_info_fops);
	debugfs_create_file_unsafe("sw_sync", 0644, dir, NULL,
				   &sw_sync_debugfs_fops);
	return 0;
}
late_initcall(sync_debugfs_init);

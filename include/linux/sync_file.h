/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sync_file: hands a dma_fence to user space as a file descriptor and
 * takes it back. See Documentation/driver-api/sync_file.rst for the
 * driver's side of the protocol.
 */

#ifndef _LINUX_SYNC_FILE_H
#define _LINUX_SYNC_FILE_H

#include <linux/types.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/dma-fence.h>
#include <linux/dma-fence-array.h>

struct file;

/**
 * struct sync_file - a fence published through an anonymous file
 * @file: the file user space holds a descriptor to; its private data
 *	points back here and its release frees this structure
 * @sync_file_list: link for debugfs listings of live sync_files
 * @wq: where poll() sleeps until @fence signals
 * @flags: atomic bits; %POLL_ENABLED records that @cb has been armed
 * @fence: the fence the file stands for, merged into one when the file
 *	came from combining several; the file owns one reference
 * @cb: callback on @fence that wakes @wq, armed by the first poll()
 */
struct sync_file {
	struct file		*file;
	/**
	 * @user_name:
	 *
	 * Name chosen by user space when the file was made by merging. All
	 * zero otherwise; sync_file_get_name() then derives one from @fence
	 * each time it is asked, since the driver's names may change.
	 */
	char			user_name[32];
#ifdef CONFIG_DEBUG_FS
	struct list_head	sync_file_list;
#endif

	wait_queue_head_t	wq;
	unsigned long		flags;

	struct dma_fence	*fence;
	struct dma_fence_cb	cb;
};

/* Bit in &sync_file.flags: the poll callback has been added to the fence. */
#define POLL_ENABLED 0

struct sync_file *sync_file_create(struct dma_fence *fence);
struct dma_fence *sync_file_get_fence(int fd);
char *sync_file_get_name(struct sync_file *sync_file, char *buf, int len);

#endif /* _LINUX_SYNC_FILE_H */

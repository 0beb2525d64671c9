/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sw_sync has no UAPI header: its ABI lives in drivers/dma-buf/sw_sync.c.
 * Spelled out once here for our kselftests; dmabuf-sync.c pins the numbers.
 */
#ifndef SW_SYNC_ABI_H
#define SW_SYNC_ABI_H

#include <linux/ioctl.h>
#include <linux/types.h>

struct sw_sync_create_fence_data {
	__u32 value;
	char name[32];
	__s32 fence;
};

#define SW_SYNC_IOC_MAGIC	'W'
#define SW_SYNC_IOC_CREATE_FENCE \
	_IOWR(SW_SYNC_IOC_MAGIC, 0, struct sw_sync_create_fence_data)
#define SW_SYNC_IOC_INC		_IOW(SW_SYNC_IOC_MAGIC, 1, __u32)

#define SW_SYNC_PATH	"/sys/kernel/debug/sync/sw_sync"

#endif /* SW_SYNC_ABI_H */

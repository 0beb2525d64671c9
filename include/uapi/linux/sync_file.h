/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * sync_file: a dma_fence carried in a file descriptor.
 *
 * User space receives such descriptors from drivers (out-fences), hands
 * them back to drivers (in-fences), polls them for completion and uses the
 * ioctls below to combine and inspect them. The layouts and numbers here
 * are ABI shared by 32-bit and 64-bit callers: every struct is padded by
 * hand so that no compat translation is needed.
 */

#ifndef _UAPI_LINUX_SYNC_H
#define _UAPI_LINUX_SYNC_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * struct sync_merge_data - argument of %SYNC_IOC_MERGE
 * @name: name given to the resulting sync_file; a string the kernel
 *	truncates to fit if it lacks a terminating NUL
 * @fd2: descriptor of the sync_file to combine with the one the ioctl is
 *	issued on
 * @fence: set by the kernel to the new descriptor (opened close-on-exec);
 *	its fence completes once every fence of both inputs has
 * @flags: no flags are defined; must be zero
 * @pad: keeps the struct a multiple of 64 bits; must be zero
 *
 * Both input descriptors stay open and unchanged.
 */
struct sync_merge_data {
	char	name[32];
	__s32	fd2;
	__s32	fence;
	__u32	flags;
	__u32	pad;
};

/**
 * struct sync_fence_info - state of one fence inside a sync_file
 * @obj_name: name of the timeline the fence belongs to
 * @driver_name: name of the driver that issued the fence
 * @status: 1 once signalled, 0 while still pending, or a negative errno
 *	when it completed with an error
 * @flags: no flags are defined; reported as zero
 * @timestamp_ns: CLOCK_MONOTONIC time of completion in nanoseconds, or
 *	zero while the fence is pending
 */
struct sync_fence_info {
	char	obj_name[32];
	char	driver_name[32];
	__s32	status;
	__u32	flags;
	__u64	timestamp_ns;
};

/**
 * struct sync_file_info - argument of %SYNC_IOC_FILE_INFO
 * @name: set to the sync_file's name: the one chosen at merge time, or
 *	one made up from its fence
 * @status: set to 1 when everything in the file has signalled, 0 while
 *	something is pending, or a negative errno for a failed fence
 * @flags: no flags are defined; must be zero
 * @num_fences: in: capacity of the @sync_fence_info array, or zero to ask
 *	only for the count; out: the number of fences in the sync_file
 * @pad: keeps @sync_fence_info 64-bit aligned; must be zero
 * @sync_fence_info: user address, as a 64-bit integer, of an array of
 *	&struct sync_fence_info with room for @num_fences entries
 *
 * The query is meant to be made twice: once with @num_fences zero to learn
 * how many entries are needed, then with an array that large. An array
 * too small for the fences in the file is refused with EINVAL.
 */
struct sync_file_info {
	char	name[32];
	__s32	status;
	__u32	flags;
	__u32	num_fences;
	__u32	pad;

	__u64	sync_fence_info;
};

/**
 * struct sync_set_deadline - argument of %SYNC_IOC_SET_DEADLINE
 * @deadline_ns: CLOCK_MONOTONIC time, in nanoseconds, by which the caller
 *	would like the fences to have signalled
 * @pad: reserved for extensions; must be zero
 *
 * The deadline is a hint that lets a driver raise clocks or reorder work
 * (see dma_fence_set_deadline()); it changes nothing about when the
 * sync_file counts as signalled.
 */
struct sync_set_deadline {
	__u64	deadline_ns;
	__u64	pad;
};

#define SYNC_IOC_MAGIC		'>'

/*
 * Numbers 0 to 2 belonged to the pre-mainline Android interface, whose
 * structs differ; they stay unused so that an old binary gets ENOTTY
 * instead of having its arguments misread.
 */
#define SYNC_IOC_MERGE		_IOWR(SYNC_IOC_MAGIC, 3, struct sync_merge_data)
#define SYNC_IOC_FILE_INFO	_IOWR(SYNC_IOC_MAGIC, 4, struct sync_file_info)
#define SYNC_IOC_SET_DEADLINE	_IOW(SYNC_IOC_MAGIC, 5, struct sync_set_deadline)

#endif /* _UAPI_LINUX_SYNC_H */

/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * udmabuf: turn ranges of a sealed memfd into a dma-buf.
 *
 * The ioctls below are issued on /dev/udmabuf. Each returns a new dma-buf
 * file descriptor whose pages are the memfd's own pages, pinned for as long
 * as the dma-buf exists: writes through either side are seen by the other.
 * The memfd must be backed by shmem or hugetlbfs, carry F_SEAL_SHRINK and
 * must carry neither F_SEAL_WRITE nor F_SEAL_FUTURE_WRITE.
 *
 * The layouts are the same for 32-bit and 64-bit callers.
 */

#ifndef _UAPI_LINUX_UDMABUF_H
#define _UAPI_LINUX_UDMABUF_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Open the new dma-buf descriptor close-on-exec. */
#define UDMABUF_FLAGS_CLOEXEC	0x01

/**
 * struct udmabuf_create - argument of %UDMABUF_CREATE
 * @memfd: descriptor of the memfd that holds the pages
 * @flags: %UDMABUF_FLAGS_CLOEXEC or zero
 * @offset: where the range starts in the memfd, in bytes, page aligned
 * @size: length of the range in bytes, page aligned and not zero
 */
struct udmabuf_create {
	__u32 memfd;
	__u32 flags;
	__u64 offset;
	__u64 size;
};

/**
 * struct udmabuf_create_item - one range of %UDMABUF_CREATE_LIST
 * @memfd: descriptor of the memfd that holds the range's pages
 * @__pad: unused
 * @offset: where the range starts in that memfd, in bytes, page aligned
 * @size: length of the range in bytes, page aligned
 */
struct udmabuf_create_item {
	__u32 memfd;
	__u32 __pad;
	__u64 offset;
	__u64 size;
};

/**
 * struct udmabuf_create_list - argument of %UDMABUF_CREATE_LIST
 * @flags: %UDMABUF_FLAGS_CLOEXEC or zero
 * @count: number of entries in @list
 * @list: the ranges; the dma-buf holds them back to back, in this order
 */
struct udmabuf_create_list {
	__u32 flags;
	__u32 count;
	struct udmabuf_create_item list[];
};

#define UDMABUF_CREATE		_IOW('u', 0x42, struct udmabuf_create)
#define UDMABUF_CREATE_LIST	_IOW('u', 0x43, struct udmabuf_create_list)

#endif /* _UAPI_LINUX_UDMABUF_H */

/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The dma-buf file descriptor as user space sees it.
 *
 * A dma-buf fd names a buffer that one driver (the exporter) owns and
 * any number of devices and processes share. Besides mmap(), poll() and
 * an llseek() that reports the size, the fd takes the ioctls below: CPU
 * access brackets, a debugging name, and the bridge between the
 * buffer's implicit fences and explicit sync_file fds.
 *
 * Every layout and number here is ABI and must never change.
 */
#ifndef _DMA_BUF_UAPI_H_
#define _DMA_BUF_UAPI_H_

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * struct dma_buf_sync - argument of DMA_BUF_IOCTL_SYNC
 * @flags: one of %DMA_BUF_SYNC_START or %DMA_BUF_SYNC_END, or'ed with the
 *	direction of the access (%DMA_BUF_SYNC_READ, %DMA_BUF_SYNC_WRITE or
 *	both, %DMA_BUF_SYNC_RW).
 *
 * CPU access through an mmap() of the fd is bracketed: a START before
 * the first touch lets the exporter wait for device work and make its
 * caches coherent for the CPU, an END with the same direction after the
 * last touch hands the memory back to devices. A process may hold
 * several brackets at once, but each START needs its matching END, and
 * the directions should not be wider than the access really is.
 *
 * Bits outside %DMA_BUF_SYNC_VALID_FLAGS_MASK, or a zero direction, make
 * the ioctl fail with -EINVAL.
 */
struct dma_buf_sync {
	__u64 flags;
};

#define DMA_BUF_SYNC_READ      (1 << 0)
#define DMA_BUF_SYNC_WRITE     (2 << 0)
#define DMA_BUF_SYNC_RW        (DMA_BUF_SYNC_READ | DMA_BUF_SYNC_WRITE)
#define DMA_BUF_SYNC_START     (0 << 2)
#define DMA_BUF_SYNC_END       (1 << 2)
#define DMA_BUF_SYNC_VALID_FLAGS_MASK \
	(DMA_BUF_SYNC_RW | DMA_BUF_SYNC_END)

/* Longest name DMA_BUF_SET_NAME stores, its terminating NUL included. */
#define DMA_BUF_NAME_LEN	32

/**
 * struct dma_buf_export_sync_file - argument of DMA_BUF_IOCTL_EXPORT_SYNC_FILE
 * @flags: which implicit fences to take, %DMA_BUF_SYNC_READ and/or
 *	%DMA_BUF_SYNC_WRITE (in): a reader must wait for writers only, a
 *	writer for every fence on the buffer.
 * @fd: the new sync_file (out).
 *
 * Snapshots the buffer's implicit fences into an explicit sync_file that
 * signals once all of them have, so that an explicit-sync API (Vulkan,
 * for one) can wait on work submitted through an implicit-sync one.
 */
struct dma_buf_export_sync_file {
	__u32 flags;
	__s32 fd;
};

/**
 * struct dma_buf_import_sync_file - argument of DMA_BUF_IOCTL_IMPORT_SYNC_FILE
 * @flags: %DMA_BUF_SYNC_WRITE to add the fence as a write (later readers
 *	and writers wait for it), %DMA_BUF_SYNC_READ alone to add it as a
 *	read (only later writers wait) (in).
 * @fd: the sync_file whose fences are added to the buffer (in).
 *
 * The converse of the export: explicitly synchronised work becomes an
 * implicit fence on the buffer, which every implicit-sync user honours.
 */
struct dma_buf_import_sync_file {
	__u32 flags;
	__s32 fd;
};

#define DMA_BUF_BASE		'b'
#define DMA_BUF_IOCTL_SYNC	_IOW(DMA_BUF_BASE, 0, struct dma_buf_sync)

/*
 * DMA_BUF_SET_NAME takes a pointer to a NUL-terminated string (at most
 * DMA_BUF_NAME_LEN bytes with the NUL). Its number encodes the size of a
 * pointer, which differs between 32- and 64-bit user space, so both
 * encodings are spelled out and the kernel accepts either.
 */
#define DMA_BUF_SET_NAME	_IOW(DMA_BUF_BASE, 1, const char *)
#define DMA_BUF_SET_NAME_A	_IOW(DMA_BUF_BASE, 1, __u32)
#define DMA_BUF_SET_NAME_B	_IOW(DMA_BUF_BASE, 1, __u64)
#define DMA_BUF_IOCTL_EXPORT_SYNC_FILE	_IOWR(DMA_BUF_BASE, 2, struct dma_buf_export_sync_file)
#define DMA_BUF_IOCTL_IMPORT_SYNC_FILE	_IOW(DMA_BUF_BASE, 3, struct dma_buf_import_sync_file)

#endif /* _DMA_BUF_UAPI_H_ */

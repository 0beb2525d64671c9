/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * dma-buf heaps as user space sees them.
 *
 * Every heap the kernel offers is a character device, /dev/dma_heap/NAME.
 * Opening it and issuing %DMA_HEAP_IOCTL_ALLOC returns a new dma-buf file
 * descriptor backed by memory of that heap's kind (scattered pages for
 * "system", one physically contiguous range for a CMA heap, ...). The
 * buffer is then shared with devices and processes like any other dma-buf.
 *
 * Every layout and number here is ABI and must never change.
 */
#ifndef _UAPI_LINUX_DMABUF_POOL_H
#define _UAPI_LINUX_DMABUF_POOL_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * The flags of the new descriptor that a caller may ask for: the access
 * mode (O_RDONLY, O_WRONLY or O_RDWR) and close-on-exec. The O_* values
 * come from <fcntl.h>, which user space includes itself.
 */
#define DMA_HEAP_VALID_FD_FLAGS (O_CLOEXEC | O_ACCMODE)

/* No heap flags are defined yet: heap_flags must be zero. */
#define DMA_HEAP_VALID_HEAP_FLAGS (0ULL)

/**
 * struct dma_heap_allocation_data - argument of %DMA_HEAP_IOCTL_ALLOC
 * @len: requested size in bytes; rounded up to whole pages by the kernel,
 *	which rejects 0 and sizes that overflow when rounded
 * @fd: must be zero on entry; set to the new dma-buf descriptor on success
 * @fd_flags: flags of the new descriptor, a subset of
 *	%DMA_HEAP_VALID_FD_FLAGS
 * @heap_flags: flags for the heap, a subset of %DMA_HEAP_VALID_HEAP_FLAGS
 * @charge_pid_fd: 0, or a pidfd (from pidfd_open() or clone3()) of the
 *	process whose memory cgroup is charged for the buffer instead of the
 *	caller's. Zero means "the caller", so a pidfd numbered 0 cannot be
 *	passed (dup() it first).
 * @__padding: reserved, must be zero
 *
 * The layout has no implicit padding and is the same for 32-bit and 64-bit
 * callers. Its first 24 bytes are the whole struct of Linux 6.12. The
 * kernel reads @charge_pid_fd and @__padding only from a request of
 * exactly this size; one of any other size (6.12's 24 bytes, or a longer
 * struct) is read as 6.12 reads it, its first 24 bytes.
 */
struct dma_heap_allocation_data {
	__u64 len;
	__u32 fd;
	__u32 fd_flags;
	__u64 heap_flags;
	__u32 charge_pid_fd;
	__u32 __padding;
};

#define DMA_HEAP_IOC_MAGIC		'H'

/**
 * DOC: DMA_HEAP_IOCTL_ALLOC - allocate a dma-buf from a heap
 *
 * Takes a &struct dma_heap_allocation_data and, on success, returns it with
 * @fd filled in. The buffer's contents start out zeroed.
 */
#define DMA_HEAP_IOCTL_ALLOC	_IOWR(DMA_HEAP_IOC_MAGIC, 0x0,\
				      struct dma_heap_allocation_data)

#endif /* _UAPI_LINUX_DMABUF_POOL_H */

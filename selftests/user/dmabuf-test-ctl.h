/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The control file of the test exporter module (dma-buf-test-exporter.c
 * under drivers/dma-buf/selftests/), for the kselftests of this directory
 * and for the module itself, which includes this header from here.
 *
 * This is a test-only interface, not UAPI: it lives in debugfs, exists
 * only in kernels built with the test exporter, and may change with the
 * tests. Nothing outside these tests may rely on it. It gives userspace
 * tests of the dma-buf fd a buffer to work on, on any kernel the module
 * builds for.
 *
 * Open DMABUF_TEST_EXPORTER_PATH and issue the ioctls on that fd. An
 * attachment made through DMABUF_TEST_IOCTL_ATTACH lives until the
 * control fd that made it is closed.
 */
#ifndef DMABUF_TEST_EXPORTER_H
#define DMABUF_TEST_EXPORTER_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define DMABUF_TEST_EXPORTER_PATH "/sys/kernel/debug/dma_buf_test_exporter"

/* The exporter's name as fdinfo and bufinfo print it (exp_name). */
#define DMABUF_TEST_EXPORTER_NAME "dma_buf_test_exporter"

/*
 * The buffer supports no mmap: mmap() of its fd fails with -EINVAL.
 * Without this flag only MAP_SHARED mappings work; MAP_PRIVATE ones fail
 * with -EINVAL.
 */
#define DMABUF_TEST_EXPORT_NO_MMAP	0x1u
#define DMABUF_TEST_EXPORT_VALID_FLAGS	DMABUF_TEST_EXPORT_NO_MMAP

/**
 * struct dmabuf_test_export - argument of DMABUF_TEST_IOCTL_EXPORT
 * @size: bytes; rounded up to whole pages; 0 or more than 256 MiB is
 *	-EINVAL (in).
 * @fd_flags: O_CLOEXEC and O_ACCMODE bits for the new fd; anything else
 *	is -EINVAL (in).
 * @flags: DMABUF_TEST_EXPORT_* bits; anything else is -EINVAL (in).
 * @fd: the new dma-buf fd (out).
 * @pad: must be zero (-EINVAL otherwise).
 *
 * The buffer is zeroed system memory, one page per scatterlist entry.
 */
struct dmabuf_test_export {
	__u64 size;
	__u32 fd_flags;
	__u32 flags;
	__s32 fd;
	__u32 pad;
};

/* The attachment is dynamic (has move_notify) rather than static (pinned). */
#define DMABUF_TEST_ATTACH_DYNAMIC	0x1u
/* Also map the attachment (DMA_BIDIRECTIONAL) until the control fd closes. */
#define DMABUF_TEST_ATTACH_MAP		0x2u
#define DMABUF_TEST_ATTACH_VALID_FLAGS \
	(DMABUF_TEST_ATTACH_DYNAMIC | DMABUF_TEST_ATTACH_MAP)

/**
 * struct dmabuf_test_attach - argument of DMABUF_TEST_IOCTL_ATTACH
 * @fd: any dma-buf fd, from this exporter or another (in); a non-dma-buf
 *	fd is -EINVAL, a closed one -EBADF.
 * @flags: DMABUF_TEST_ATTACH_* bits; anything else is -EINVAL (in).
 *
 * Attaches the test importer device (named "dma_buf_test_importer" in
 * bufinfo) to the buffer, as a driver importing it would.
 */
struct dmabuf_test_attach {
	__s32 fd;
	__u32 flags;
};

/**
 * struct dmabuf_test_vmap_read - argument of DMABUF_TEST_IOCTL_VMAP_READ
 * @fd: any dma-buf fd, from this exporter or another (in); a non-dma-buf
 *	fd is -EINVAL, a closed one -EBADF.
 * @pad: must be zero, or -EINVAL (in).
 * @offset: the first byte to read, from the start of the buffer (in).
 * @len: how many bytes to read, at most DMABUF_TEST_VMAP_READ_MAX; a
 *	longer read, or a range that does not lie within the buffer, is
 *	-EINVAL (in).
 * @data: the user address the bytes are copied to (in); -EFAULT if it
 *	cannot take them.
 *
 * Reads the buffer the way a driver does through a kernel mapping:
 * dma_buf_vmap_unlocked(), CPU access begun for DMA_FROM_DEVICE, a copy,
 * then the CPU access and the mapping ended. Whatever the exporter's vmap,
 * begin_cpu_access or end_cpu_access returns is passed on; a mapping of
 * I/O memory, which cannot be copied from directly, is -EOPNOTSUPP. The
 * length limit keeps each copy short enough to run without a reschedule.
 */
struct dmabuf_test_vmap_read {
	__s32 fd;
	__u32 pad;
	__u64 offset;
	__u64 len;
	__u64 data;
};

/* The longest read DMABUF_TEST_IOCTL_VMAP_READ takes: 16 MiB. */
#define DMABUF_TEST_VMAP_READ_MAX	(16ULL * 1024 * 1024)

#define DMABUF_TEST_IOCTL_BASE		'T'
#define DMABUF_TEST_IOCTL_EXPORT \
	_IOWR(DMABUF_TEST_IOCTL_BASE, 0x40, struct dmabuf_test_export)
#define DMABUF_TEST_IOCTL_ATTACH \
	_IOW(DMABUF_TEST_IOCTL_BASE, 0x41, struct dmabuf_test_attach)
#define DMABUF_TEST_IOCTL_VMAP_READ \
	_IOW(DMABUF_TEST_IOCTL_BASE, 0x42, struct dmabuf_test_vmap_read)

#endif /* DMABUF_TEST_EXPORTER_H */

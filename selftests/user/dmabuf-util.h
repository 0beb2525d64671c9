/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by our dma-buf kselftests: fd bookkeeping, sw_sync
 * timelines and sync_file queries, the CPU access bracket of a dma-buf,
 * descriptor passing, the test exporter's control calls and the mmap()
 * matrix. None of them fails a case on
 * its own: each returns what it found, for the case to assert on. A test
 * includes this after the libc headers it uses and kselftest_harness.h.
 * mmap_matrix() reports through ksft_print_msg(), on stdout, which is not
 * flushed when a case's process ends in _exit(): a case that calls it
 * flushes stdout before it ends.
 */
#ifndef DMABUF_UTIL_H
#define DMABUF_UTIL_H

#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <linux/dma-buf.h>
#include <linux/sync_file.h>

#include "dmabuf-test-ctl.h"
#include "sw-sync-abi.h"

#define NSEC_PER_SEC	1000000000ull

static inline __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static inline void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* The timeline name sw_sync gives us: our command name. */
static inline const char *my_comm(void)
{
	static char comm[32];
	FILE *f;

	if (comm[0])
		return comm;
	f = fopen("/proc/self/comm", "r");
	if (!f || !fgets(comm, sizeof(comm), f))
		snprintf(comm, sizeof(comm), "?");
	if (f)
		fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	return comm;
}

/* The number the next open() gets: to spot leaked descriptors. */
static inline int next_fd(void)
{
	int fd = open("/dev/null", O_RDONLY);

	if (fd >= 0)
		close(fd);
	return fd;
}

/* A sync_file for a point at @value of timeline @tl, or -1. */
static inline int point(int tl, __u32 value)
{
	struct sw_sync_create_fence_data req = { .value = value };

	snprintf(req.name, sizeof(req.name), "pt%u", value);
	if (ioctl(tl, SW_SYNC_IOC_CREATE_FENCE, &req))
		return -1;
	return req.fence;
}

static inline int advance(int tl, __u32 by)
{
	return ioctl(tl, SW_SYNC_IOC_INC, &by);
}

static inline int file_info(int fd, struct sync_file_info *info,
			    struct sync_fence_info *fences, unsigned int n)
{
	memset(info, 0, sizeof(*info));
	info->num_fences = n;
	info->sync_fence_info = (uintptr_t)fences;
	return ioctl(fd, SYNC_IOC_FILE_INFO, info);
}

/* Status of the file as a whole (the num_fences == 0 query), or INT_MIN. */
static inline int file_status(int fd)
{
	struct sync_file_info info;

	if (file_info(fd, &info, NULL, 0))
		return INT_MIN;
	return info.status;
}

/* How many fences the file holds, or -1. */
static inline int file_count(int fd)
{
	struct sync_file_info info;

	if (file_info(fd, &info, NULL, 0))
		return -1;
	return info.num_fences;
}

static inline bool cloexec(int fd)
{
	int flags = fcntl(fd, F_GETFD);

	return flags >= 0 && (flags & FD_CLOEXEC);
}

/* The whole of a (pseudo) file; free() it. NULL on failure. */
static inline char *read_whole(const char *path)
{
	size_t size = 0, cap = 4096;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (!buf || fd < 0)
		goto fail;
	while ((n = read(fd, buf + size, cap - size - 1)) > 0) {
		size += n;
		if (cap - size < 2) {
			char *bigger = realloc(buf, cap * 2);

			if (!bigger)
				goto fail;
			buf = bigger;
			cap *= 2;
		}
	}
	if (n < 0)
		goto fail;
	buf[size] = '\0';
	close(fd);
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

static inline int sync_buf(int fd, __u64 flags)
{
	struct dma_buf_sync req = { .flags = flags };

	return ioctl(fd, DMA_BUF_IOCTL_SYNC, &req);
}

/* Attach dma-buf @fd to the importer of test exporter control file @ctl. */
static inline int test_attach(int ctl, int fd, __u32 flags)
{
	struct dmabuf_test_attach req = { .fd = fd, .flags = flags };

	return ioctl(ctl, DMABUF_TEST_IOCTL_ATTACH, &req);
}

/* Read @len bytes at @offset of dma-buf @fd through a kernel mapping. */
static inline int test_vmap_read(int ctl, int fd, __u64 offset, void *dst,
				 __u64 len)
{
	struct dmabuf_test_vmap_read req = {
		.fd = fd,
		.offset = offset,
		.len = len,
		.data = (uintptr_t)dst,
	};

	return ioctl(ctl, DMABUF_TEST_IOCTL_VMAP_READ, &req);
}

/* Pass @fd over the unix socket @sock (SCM_RIGHTS), with one byte. */
static inline int send_fd(int sock, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl = { 0 };
	char byte = 'F';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

/* The descriptor send_fd() passed, close-on-exec; -1 on failure. */
static inline int recv_fd(int sock)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/*
 * How an exporter maps its buffer into user space, which decides which
 * mmap() calls succeed (see mmap_abi_errno()).
 */
enum mmap_model {
	/*
	 * The system heap: every page is inserted with remap_pfn_range() at
	 * mmap() time, one page per call.
	 */
	MMAP_REMAP_EACH_PAGE,
	/* The CMA heap and udmabuf: shared only, pages inserted on fault. */
	MMAP_SHARED_ONLY,
};

/*
 * Minus the errno the ABI fixes for mmap(NULL, @len, @prot, @flags, fd,
 * @off) on a dma-buf of @size bytes whose descriptor has access mode
 * @accmode, or 0 where it succeeds. The checks, in the order the kernel
 * makes them:
 *
 *  - mm: a shared writable mapping needs a descriptor open for writing
 *    (EACCES);
 *  - the dma-buf core: the mapping must lie inside the buffer (EINVAL);
 *  - the exporter. CMA and udmabuf refuse private mappings (EINVAL). The
 *    system heap maps page by page with remap_pfn_range(), which insists
 *    that one call covers the whole VMA of a copy-on-write mapping, and
 *    every private mapping of a dma-buf is one (VM_MAYWRITE is set for a
 *    private mapping whatever the access mode): so a private mapping of
 *    one page works and a longer one fails with EINVAL.
 */
static inline int mmap_abi_errno(enum mmap_model model, size_t size,
				 int accmode, int prot, int flags, size_t len,
				 off_t off, size_t page)
{
	size_t pages = (len + page - 1) / page, total = size / page;
	bool shared = flags & MAP_SHARED;

	if (shared && (prot & PROT_WRITE) && accmode == O_RDONLY)
		return -EACCES;
	if (off / page + pages > total)
		return -EINVAL;
	if (shared)
		return 0;
	if (model == MMAP_SHARED_ONLY)
		return -EINVAL;
	return pages > 1 ? -EINVAL : 0;
}

/*
 * Try every combination of shared or private, read-only or read-write,
 * lengths of one page, two pages, the whole buffer and one page more, at
 * offsets 0, one page, the last page and the end, on the dma-buf @fd of
 * @size bytes (at least two pages). Each mmap() must give what the ABI
 * fixes; a mapping that works must show the buffer's pages from @off on:
 * @tags, if not NULL, holds the first 64-bit word of every page. Reports
 * every mismatch; returns how many there were.
 */
static inline unsigned int mmap_matrix(int fd, size_t size, int accmode,
				       enum mmap_model model,
				       const __u64 *tags, size_t page)
{
	const size_t lens[] = { page, 2 * page, size, size + page };
	const off_t offs[] = { 0, page, size - page, size };
	const int protections[] = { PROT_READ, PROT_READ | PROT_WRITE };
	const int types[] = { MAP_SHARED, MAP_PRIVATE };
	unsigned int n, bad = 0;

	/* n counts through types x protections x lengths x offsets. */
	for (n = 0; n < 2 * 2 * 4 * 4; n++) {
		unsigned int t = n / 32, p = n / 16 % 2;
		size_t len = lens[n / 4 % 4], i;
		off_t off = offs[n % 4];
		int want = mmap_abi_errno(model, size, accmode, protections[p],
					  types[t], len, off, page);
		char *mem = mmap(NULL, len, protections[p], types[t], fd, off);
		int got = mem == MAP_FAILED ? -errno : 0;

		if (got != want) {
			ksft_print_msg("%s %s len %zu off %lld on %s %zu: %d, not %d\n",
				       types[t] == MAP_SHARED ? "shared" : "private",
				       p ? "rw" : "ro", len, (long long)off,
				       accmode == O_RDONLY ? "O_RDONLY" : "O_RDWR",
				       size, got, want);
			bad++;
		}
		if (got)
			continue;
		for (i = 0; i < len / page; i++) {
			/* An atomic load: the access must really happen. */
			__u64 word = __atomic_load_n((__u64 *)(mem + i * page),
						     __ATOMIC_RELAXED);

			if (tags && word != tags[off / page + i]) {
				ksft_print_msg("page %zu of a mapping at %lld: %#llx, not %#llx\n",
					       i, (long long)off,
					       (unsigned long long)word,
					       (unsigned long long)tags[off / page + i]);
				bad++;
				break;
			}
		}
		munmap(mem, len);
	}
	return bad;
}

#endif /* DMABUF_UTIL_H */

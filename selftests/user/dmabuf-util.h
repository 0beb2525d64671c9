/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by our dma-buf kselftests: kselftest result plumbing,
 * fd bookkeeping, sw_sync timelines and sync_file queries, and the CPU
 * access bracket of a dma-buf. A test includes it after its own
 * case_failed jump buffer, which expect() abandons a failed case through.
 */
#ifndef DMABUF_UTIL_H
#define DMABUF_UTIL_H

#include <sys/socket.h>
#include <sys/uio.h>

#include <linux/dma-buf.h>
#include <linux/sync_file.h>

#include "sw-sync-abi.h"

#define NSEC_PER_SEC	1000000000ull

static inline void expect(bool ok, const char *what, const char *func, int line)
{
	if (ok)
		return;
	ksft_print_msg("%s:%d: expected %s (errno %d: %s)\n",
		       func, line, what, errno, strerror(errno));
	longjmp(case_failed, 1);
}

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

#endif /* DMABUF_UTIL_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * sync-merge: take the implicit fences of a dma-buf out as two sync_files
 * (one for a reader, one for a writer), merge them, inspect the result with
 * SYNC_IOC_FILE_INFO, poll it, give it a deadline and put it back on the
 * buffer. No sw_sync timeline is needed: the buffer comes from the system
 * heap and is idle, so every fence involved is already signalled.
 *
 * Needs only the kernel's UAPI headers; see the dma-buf user-space manual.
 *
 * Exits 0 on success, 4 (the kselftest "skip" code) when the heap or the
 * sync_file support is missing, 1 on any failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/sync_file.h>

#define KSFT_SKIP	4
#define HEAP_NODE	"/dev/dma_heap/system"

static int new_buffer(void)
{
	struct dma_heap_allocation_data req = {
		.len = 4096,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap = open(HEAP_NODE, O_RDONLY | O_CLOEXEC);

	if (heap < 0)
		return -1;
	if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &req) < 0) {
		close(heap);
		return -1;
	}
	close(heap);
	return req.fd;
}

/* The fences a new access in direction @flags would have to wait for. */
static int export_fences(int buf, __u32 flags)
{
	struct dma_buf_export_sync_file req = { .flags = flags };

	if (ioctl(buf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &req) < 0)
		return -1;
	return req.fd;
}

static int merge(int a, int b, const char *name)
{
	struct sync_merge_data req = { .fd2 = b };

	/* At most 31 characters are kept; the rest is cut off. */
	snprintf(req.name, sizeof(req.name), "%s", name);
	if (ioctl(a, SYNC_IOC_MERGE, &req) < 0)
		return -1;
	return req.fence;
}

/* SYNC_IOC_FILE_INFO is asked twice: for the count, then for the fences. */
static int show_info(int sync_file)
{
	struct sync_file_info info = { 0 };
	struct sync_fence_info *fences;
	__u32 i;

	if (ioctl(sync_file, SYNC_IOC_FILE_INFO, &info) < 0)
		return -1;

	fences = calloc(info.num_fences, sizeof(*fences));
	if (!fences)
		return -1;
	info.sync_fence_info = (__u64)(uintptr_t)fences;
	if (ioctl(sync_file, SYNC_IOC_FILE_INFO, &info) < 0) {
		free(fences);
		return -1;
	}

	printf("sync_file \"%s\": status %d, %u fence(s)\n",
	       info.name, info.status, info.num_fences);
	for (i = 0; i < info.num_fences; i++)
		printf("  %s/%s: status %d, signalled at %llu ns\n",
		       fences[i].driver_name, fences[i].obj_name,
		       fences[i].status,
		       (unsigned long long)fences[i].timestamp_ns);
	free(fences);
	return 0;
}

static __u64 monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

int main(void)
{
	struct dma_buf_import_sync_file imp = { .flags = DMA_BUF_SYNC_WRITE };
	struct sync_set_deadline deadline = { 0 };
	struct pollfd pfd = { .events = POLLIN };
	int buf, for_reader, for_writer, merged;

	buf = new_buffer();
	if (buf < 0) {
		if (errno == ENOENT) {
			printf("skip: %s does not exist\n", HEAP_NODE);
			return KSFT_SKIP;
		}
		perror("allocating from " HEAP_NODE);
		return 1;
	}

	for_reader = export_fences(buf, DMA_BUF_SYNC_READ);
	if (for_reader < 0 && errno == ENOTTY) {
		printf("skip: kernel built without CONFIG_SYNC_FILE\n");
		return KSFT_SKIP;
	}
	for_writer = export_fences(buf, DMA_BUF_SYNC_WRITE);
	if (for_reader < 0 || for_writer < 0) {
		perror("DMA_BUF_IOCTL_EXPORT_SYNC_FILE");
		return 1;
	}

	merged = merge(for_reader, for_writer, "example-merge");
	if (merged < 0) {
		perror("SYNC_IOC_MERGE");
		return 1;
	}
	/* The inputs stay valid; the merged file holds its own references. */
	close(for_reader);
	close(for_writer);

	if (show_info(merged) < 0) {
		perror("SYNC_IOC_FILE_INFO");
		return 1;
	}

	/* Signalled fences are readable at once: no need to wait. */
	pfd.fd = merged;
	if (poll(&pfd, 1, 0) != 1 || !(pfd.revents & POLLIN)) {
		fprintf(stderr, "merged fence is not signalled\n");
		return 1;
	}

	/* A hint for the drivers behind the fences; harmless when done. */
	deadline.deadline_ns = monotonic_ns() + 1000000;
	if (ioctl(merged, SYNC_IOC_SET_DEADLINE, &deadline) < 0) {
		perror("SYNC_IOC_SET_DEADLINE");
		return 1;
	}

	/* Back onto the buffer, as if the fence stood for a write. */
	imp.fd = merged;
	if (ioctl(buf, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &imp) < 0) {
		perror("DMA_BUF_IOCTL_IMPORT_SYNC_FILE");
		return 1;
	}
	pfd.fd = buf;
	pfd.events = POLLIN | POLLOUT;
	if (poll(&pfd, 1, 0) != 1 || pfd.revents != (POLLIN | POLLOUT)) {
		fprintf(stderr, "buffer is not idle\n");
		return 1;
	}

	printf("merged, inspected, polled and imported\n");
	close(merged);
	close(buf);
	return 0;
}

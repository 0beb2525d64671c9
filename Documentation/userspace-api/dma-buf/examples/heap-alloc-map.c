// SPDX-License-Identifier: GPL-2.0
/*
 * heap-alloc-map: allocate a buffer from the "system" dma-buf heap, name it,
 * map it, write it and read it back inside DMA_BUF_IOCTL_SYNC brackets, and
 * show what /proc/self/fdinfo says about it.
 *
 * Needs only the kernel's UAPI headers; see the dma-buf user-space manual.
 *
 * Exits 0 on success, 4 (the kselftest "skip" code) when the heap is not
 * there, 1 on any failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>

#define KSFT_SKIP	4
#define HEAP_NODE	"/dev/dma_heap/system"
#define BUF_LEN		(1024 * 1024)

/*
 * The interruptible waits behind DMA_BUF_IOCTL_SYNC end early when a signal
 * arrives; an exporter may also ask to be called again. Both mean "retry".
 */
static int ioctl_retry(int fd, unsigned long request, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, request, arg);
	} while (ret == -1 && (errno == EINTR || errno == EAGAIN));

	return ret;
}

static int cpu_bracket(int buf, __u64 flags)
{
	struct dma_buf_sync sync = { .flags = flags };

	return ioctl_retry(buf, DMA_BUF_IOCTL_SYNC, &sync);
}

static void show_fdinfo(int fd)
{
	char path[64], line[256];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		printf("  %s", line);
	fclose(f);
}

int main(void)
{
	struct dma_heap_allocation_data req = {
		.len = BUF_LEN,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	unsigned char *p;
	off_t size;
	size_t i;
	int heap, buf;

	heap = open(HEAP_NODE, O_RDONLY | O_CLOEXEC);
	if (heap < 0) {
		if (errno == ENOENT) {
			printf("skip: %s does not exist\n", HEAP_NODE);
			return KSFT_SKIP;
		}
		perror(HEAP_NODE);
		return 1;
	}

	/* fd must be zero on entry; the kernel fills it in. */
	if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &req) < 0) {
		perror("DMA_HEAP_IOCTL_ALLOC");
		return 1;
	}
	buf = req.fd;
	close(heap);	/* the buffer does not need the heap's node */

	/* The size of a dma-buf is found by seeking to its end. */
	size = lseek(buf, 0, SEEK_END);
	if (size != BUF_LEN) {
		fprintf(stderr, "unexpected size %lld\n", (long long)size);
		return 1;
	}

	/* A name shows up in fdinfo, in debugfs and in /proc/self/fd. */
	if (ioctl(buf, DMA_BUF_SET_NAME, "heap-example") < 0) {
		perror("DMA_BUF_SET_NAME");
		return 1;
	}

	p = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, buf, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}

	/* Heap memory starts out zeroed. */
	if (cpu_bracket(buf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW) < 0) {
		perror("DMA_BUF_SYNC_START");
		return 1;
	}
	for (i = 0; i < BUF_LEN; i++) {
		if (p[i]) {
			fprintf(stderr, "byte %zu is not zero\n", i);
			return 1;
		}
		p[i] = (unsigned char)(i * 7);
	}
	if (cpu_bracket(buf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW) < 0) {
		perror("DMA_BUF_SYNC_END");
		return 1;
	}

	/* A device could use the buffer here. Then read it back. */
	if (cpu_bracket(buf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ) < 0) {
		perror("DMA_BUF_SYNC_START");
		return 1;
	}
	for (i = 0; i < BUF_LEN; i++) {
		if (p[i] != (unsigned char)(i * 7)) {
			fprintf(stderr, "byte %zu changed\n", i);
			return 1;
		}
	}
	if (cpu_bracket(buf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ) < 0) {
		perror("DMA_BUF_SYNC_END");
		return 1;
	}

	printf("%d bytes allocated, written and read back; fdinfo:\n", BUF_LEN);
	show_fdinfo(buf);

	munmap(p, BUF_LEN);
	close(buf);	/* the last reference: the heap frees the memory */
	return 0;
}

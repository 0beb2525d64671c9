// SPDX-License-Identifier: GPL-2.0
/*
 * udmabuf-create: make a memfd, seal it against shrinking, and turn its
 * pages into dma-bufs with UDMABUF_CREATE (one range) and
 * UDMABUF_CREATE_LIST (two ranges, in reverse order). What is written
 * through the memfd is read back through the dma-buf.
 *
 * Needs only the kernel's UAPI headers; see the dma-buf user-space manual.
 *
 * Exits 0 on success, 4 (the kselftest "skip" code) when /dev/udmabuf is
 * not there, 1 on any failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/udmabuf.h>

#define KSFT_SKIP	4
#define UDMABUF_NODE	"/dev/udmabuf"
#define PAGES		4

static long page;

/* Page @i of the memfd starts with the text "page <i>". */
static int fill_memfd(int memfd)
{
	char text[16];
	int i;

	for (i = 0; i < PAGES; i++) {
		snprintf(text, sizeof(text), "page %d", i);
		if (pwrite(memfd, text, sizeof(text), i * page) != sizeof(text))
			return -1;
	}
	return 0;
}

/* Does page @at of dma-buf @buf begin with "page <want>"? */
static int check_page(int buf, size_t len, int at, int want)
{
	struct dma_buf_sync sync = { DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ };
	char expect[16];
	char *p;
	int ok;

	p = mmap(NULL, len, PROT_READ, MAP_SHARED, buf, 0);
	if (p == MAP_FAILED)
		return 0;
	snprintf(expect, sizeof(expect), "page %d", want);
	ok = !ioctl(buf, DMA_BUF_IOCTL_SYNC, &sync) &&
	     !strcmp(p + at * page, expect);
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ;
	if (ioctl(buf, DMA_BUF_IOCTL_SYNC, &sync))
		ok = 0;
	munmap(p, len);
	return ok;
}

int main(void)
{
	struct udmabuf_create create = { 0 };
	struct udmabuf_create_list *list;
	int dev, memfd, one, two;

	page = sysconf(_SC_PAGESIZE);

	dev = open(UDMABUF_NODE, O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		if (errno == ENOENT) {
			printf("skip: %s does not exist\n", UDMABUF_NODE);
			return KSFT_SKIP;
		}
		perror(UDMABUF_NODE);
		return 1;
	}

	/* Sealing has to be allowed when the memfd is created. */
	memfd = memfd_create("udmabuf-example", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (memfd < 0 || ftruncate(memfd, PAGES * page) < 0 ||
	    fill_memfd(memfd) < 0) {
		perror("memfd");
		return 1;
	}
	/* Required: the pages must not be cut away under a device. */
	if (fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK) < 0) {
		perror("F_ADD_SEALS");
		return 1;
	}

	/* One range: pages 1 and 2 of the memfd. */
	create.memfd = memfd;
	create.flags = UDMABUF_FLAGS_CLOEXEC;
	create.offset = page;
	create.size = 2 * page;
	one = ioctl(dev, UDMABUF_CREATE, &create);
	if (one < 0) {
		perror("UDMABUF_CREATE");
		return 1;
	}
	if (!check_page(one, 2 * page, 0, 1) || !check_page(one, 2 * page, 1, 2)) {
		fprintf(stderr, "UDMABUF_CREATE: wrong pages\n");
		return 1;
	}

	/* While the pages are pinned, the memfd cannot be write-sealed. */
	if (fcntl(memfd, F_ADD_SEALS, F_SEAL_WRITE) == 0 || errno != EBUSY) {
		fprintf(stderr, "F_SEAL_WRITE was not refused with EBUSY\n");
		return 1;
	}

	/* Two ranges, back to back in the order given: page 3, then page 0. */
	list = calloc(1, sizeof(*list) + 2 * sizeof(list->list[0]));
	if (!list)
		return 1;
	list->flags = UDMABUF_FLAGS_CLOEXEC;
	list->count = 2;
	list->list[0].memfd = memfd;
	list->list[0].offset = 3 * page;
	list->list[0].size = page;
	list->list[1].memfd = memfd;
	list->list[1].offset = 0;
	list->list[1].size = page;
	two = ioctl(dev, UDMABUF_CREATE_LIST, list);
	free(list);
	if (two < 0) {
		perror("UDMABUF_CREATE_LIST");
		return 1;
	}
	if (!check_page(two, 2 * page, 0, 3) || !check_page(two, 2 * page, 1, 0)) {
		fprintf(stderr, "UDMABUF_CREATE_LIST: wrong pages\n");
		return 1;
	}

	printf("udmabufs of %ld and %ld bytes share the memfd's pages\n",
	       (long)lseek(one, 0, SEEK_END), (long)lseek(two, 0, SEEK_END));

	/* The memfd may go first: the dma-bufs keep their pages pinned. */
	close(memfd);
	close(one);
	close(two);
	close(dev);
	return 0;
}

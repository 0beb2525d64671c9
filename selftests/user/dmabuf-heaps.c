// SPDX-License-Identifier: GPL-2.0
/*
 * dmabuf-heaps: the user space contract of /dev/dma_heap, as Linux 6.12
 * defines it, checked on every heap present.
 *
 * Every case in the table at the bottom prints one TAP line named after
 * the behaviour it checks. Only what upstream 6.12 does is asserted, so
 * the program passes on a stock kernel as well as on a replacement of
 * drivers/dma-buf. Needs CONFIG_DMABUF_HEAPS_SYSTEM; the CMA cases also
 * need CONFIG_DMABUF_HEAPS_CMA and a CMA area (cma=128M), and skip
 * without. Run as root (it reads debugfs and lowers its file limit).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>

#include "../kselftest.h"

/* The ABI as 6.12 has it, on every architecture. */
static_assert(sizeof(struct dma_heap_allocation_data) == 24, "abi");
static_assert(DMA_HEAP_IOCTL_ALLOC == 0xc0184800, "abi");
static_assert(DMA_HEAP_VALID_FD_FLAGS == (O_CLOEXEC | O_ACCMODE), "abi");
static_assert(DMA_HEAP_VALID_HEAP_FLAGS == 0, "abi");

#define HEAP_DIR	"/dev/dma_heap"
#define MAX_HEAPS	16
#define KiB		1024ul
#define MiB		(1024ul * KiB)
#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

static size_t page_size;

/* The heaps found in HEAP_DIR; the CMA heap is any heap but "system". */
static char heaps[MAX_HEAPS][256];
static unsigned int nr_heaps;

/* A process a case forked; killed and reaped by the runner if still there. */
static pid_t stray_child;

/* Where a failed EXPECT() abandons the running case. */
static jmp_buf case_failed;

#include "dmabuf-util.h"

/* Check @cond; if false, report it and fail the current case. */
#define EXPECT(cond) expect(!!(cond), #cond, __func__, __LINE__)

/* errno of a failed call, 0 for success: EXPECT(fails(ioctl(...)) == X) */
static int fails(long ret)
{
	return ret < 0 ? errno : 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A field of /proc/meminfo in KiB, or -1. */
static long meminfo_kib(const char *field)
{
	char line[128];
	size_t len = strlen(field);
	long kib = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, len) && line[len] == ':') {
			kib = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return kib;
}

static int heap_open(const char *name)
{
	char path[320];

	snprintf(path, sizeof(path), HEAP_DIR "/%s", name);
	return open(path, O_RDWR | O_CLOEXEC);
}

/* A new dma-buf descriptor from heap descriptor @heap, or -1. */
static int heap_alloc_flags(int heap, __u64 len, __u32 fd_flags,
			    __u64 heap_flags)
{
	struct dma_heap_allocation_data req = {
		.len = len,
		.fd_flags = fd_flags,
		.heap_flags = heap_flags,
	};

	if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &req))
		return -1;
	return req.fd;
}

static int heap_alloc(int heap, __u64 len)
{
	return heap_alloc_flags(heap, len, O_RDWR | O_CLOEXEC, 0);
}

/* Allocate from the heap called @name. */
static int alloc_from(const char *name, __u64 len)
{
	int heap = heap_open(name), fd;

	if (heap < 0)
		return -1;
	fd = heap_alloc(heap, len);
	close(heap);
	return fd;
}

static int buf_sync(int fd, __u64 flags)
{
	struct dma_buf_sync sync = { .flags = flags };

	return ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync);
}

static off_t buf_size(int fd)
{
	return lseek(fd, 0, SEEK_END);
}

/* Map all of @fd read-write, or MAP_FAILED. */
static void *map_all(int fd, size_t len)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
}

static bool all_bytes(const void *mem, unsigned char byte, size_t len)
{
	const unsigned char *p = mem;
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != byte)
			return false;
	return true;
}

/* The CMA heap, or NULL; cases that need one skip without it. */
static const char *cma_heap(void)
{
	unsigned int i;

	if (meminfo_kib("CmaTotal") <= 0)
		return NULL;
	for (i = 0; i < nr_heaps; i++)
		if (strcmp(heaps[i], "system"))
			return heaps[i];
	return NULL;
}

static bool have_heap(const char *name)
{
	unsigned int i;

	for (i = 0; i < nr_heaps; i++)
		if (!strcmp(heaps[i], name))
			return true;
	return false;
}

/* ---------------------------------------------------------------------- */
/* The heaps                                                              */
/* ---------------------------------------------------------------------- */

/* Every node is a character device with a device of class dma_heap. */
static int heap_nodes_are_char_devices_in_class(void)
{
	unsigned int i;

	EXPECT(have_heap("system"));
	for (i = 0; i < nr_heaps; i++) {
		char path[320];
		struct stat st;

		snprintf(path, sizeof(path), HEAP_DIR "/%s", heaps[i]);
		EXPECT(stat(path, &st) == 0);
		EXPECT(S_ISCHR(st.st_mode));
		snprintf(path, sizeof(path), "/sys/class/dma_heap/%s/dev",
			 heaps[i]);
		EXPECT(access(path, R_OK) == 0);
	}
	return KSFT_PASS;
}

static int heap_node_is_not_seekable(void)
{
	int heap = heap_open("system");

	EXPECT(heap >= 0);
	EXPECT(fails(lseek(heap, 0, SEEK_SET)) == ESPIPE);
	return KSFT_PASS;
}

/* Sizes from a page to 256 MiB, rounded up to pages, on the system heap. */
static int system_heap_alloc_sizes_1_page_to_256_mib(void)
{
	const __u64 sizes[] = {
		1, page_size, 3 * page_size + 1, 64 * KiB, MiB - 1, MiB,
		MiB + page_size, 16 * MiB + 12345, 64 * MiB, 256 * MiB,
	};
	int heap = heap_open("system");
	unsigned int i;

	EXPECT(heap >= 0);
	for (i = 0; i < ARRAY_LEN(sizes); i++) {
		__u64 want = (sizes[i] + page_size - 1) & ~(page_size - 1);
		double t = now_s();
		int fd = heap_alloc(heap, sizes[i]);

		EXPECT(fd >= 0);
		t = now_s() - t;
		EXPECT((__u64)buf_size(fd) == want);
		if (sizes[i] == 256 * MiB)
			ksft_print_msg("256 MiB from the system heap: %.3f s\n", t);
		close(fd);
	}
	close(heap);
	return KSFT_PASS;
}

/* Touching every page of a big mapping, timed: mmap cost is measured. */
static int system_heap_256_mib_mmap_touch(void)
{
	const size_t len = 256 * MiB;
	int fd = alloc_from("system", len);
	double t_map, t_touch;
	unsigned long sum = 0;
	unsigned char *p;
	size_t off;

	EXPECT(fd >= 0);
	t_map = now_s();
	p = map_all(fd, len);
	EXPECT(p != MAP_FAILED);
	t_map = now_s() - t_map;
	t_touch = now_s();
	for (off = 0; off < len; off += page_size)
		sum += p[off];
	t_touch = now_s() - t_touch;
	EXPECT(sum == 0);
	ksft_print_msg("256 MiB system buffer: mmap %.3f s, touching every page %.3f s\n",
		       t_map, t_touch);
	EXPECT(munmap(p, len) == 0);
	close(fd);
	return KSFT_PASS;
}

/*
 * Every heap: a buffer is zeroed, can be written and read back through
 * a mapping between SYNC brackets, and still holds the data when mapped
 * again.
 */
static int every_heap_mmap_sync_round_trip(void)
{
	const size_t len = MiB + 3 * page_size;
	unsigned int i;

	for (i = 0; i < nr_heaps; i++) {
		int fd = alloc_from(heaps[i], len);
		unsigned char *p;
		size_t off;

		EXPECT(fd >= 0);
		p = map_all(fd, len);
		EXPECT(p != MAP_FAILED);
		EXPECT(buf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW) == 0);
		EXPECT(all_bytes(p, 0, len));
		for (off = 0; off < len; off++)
			p[off] = (unsigned char)(off * 7 + i);
		EXPECT(buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW) == 0);
		EXPECT(munmap(p, len) == 0);

		p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
		EXPECT(p != MAP_FAILED);
		EXPECT(buf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ) == 0);
		for (off = 0; off < len; off++)
			EXPECT(p[off] == (unsigned char)(off * 7 + i));
		EXPECT(buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ) == 0);
		EXPECT(munmap(p, len) == 0);
		close(fd);
	}
	return KSFT_PASS;
}

/*
 * Memory comes back zeroed even right after other buffers of the same
 * heap were filled and freed (upstream's check, on every heap).
 */
static int every_heap_reused_memory_is_zeroed(void)
{
	const size_t len = MiB;
	int fds[16];
	unsigned int i, n, h;

	for (h = 0; h < nr_heaps; h++) {
		for (n = 0; n < ARRAY_LEN(fds); n++) {
			unsigned char *p;

			fds[n] = alloc_from(heaps[h], len);
			EXPECT(fds[n] >= 0);
			p = map_all(fds[n], len);
			EXPECT(p != MAP_FAILED);
			memset(p, 0xff, len);
			EXPECT(munmap(p, len) == 0);
		}
		for (n = 0; n < ARRAY_LEN(fds); n++)
			close(fds[n]);
		for (i = 0; i < ARRAY_LEN(fds); i++) {
			unsigned char *p;

			fds[i] = alloc_from(heaps[h], len);
			EXPECT(fds[i] >= 0);
			p = mmap(NULL, len, PROT_READ, MAP_SHARED, fds[i], 0);
			EXPECT(p != MAP_FAILED);
			EXPECT(all_bytes(p, 0, len));
			EXPECT(munmap(p, len) == 0);
		}
		for (i = 0; i < ARRAY_LEN(fds); i++)
			close(fds[i]);
	}
	return KSFT_PASS;
}

/*
 * A window that starts at a page offset inside the buffer shows exactly
 * those pages, also across the 1 MiB chunks of the system heap.
 */
static int every_heap_mmap_at_page_offsets(void)
{
	const size_t pages = 2 * MiB / page_size + 5;
	const size_t len = pages * page_size;
	const size_t starts[] = { 0, 1, 255, 256, 300, pages - 1 };
	unsigned int h, i;

	for (h = 0; h < nr_heaps; h++) {
		int fd = alloc_from(heaps[h], len);
		unsigned int *p;
		size_t pg;

		EXPECT(fd >= 0);
		p = map_all(fd, len);
		EXPECT(p != MAP_FAILED);
		for (pg = 0; pg < pages; pg++)
			p[pg * page_size / sizeof(*p)] = pg + 1;
		EXPECT(munmap(p, len) == 0);

		for (i = 0; i < ARRAY_LEN(starts); i++) {
			size_t n = pages - starts[i] < 3 ? pages - starts[i] : 3;

			p = mmap(NULL, n * page_size, PROT_READ, MAP_SHARED, fd,
				 starts[i] * page_size);
			EXPECT(p != MAP_FAILED);
			for (pg = 0; pg < n; pg++)
				EXPECT(p[pg * page_size / sizeof(*p)] ==
				       starts[i] + pg + 1);
			EXPECT(munmap(p, n * page_size) == 0);
		}
		close(fd);
	}
	return KSFT_PASS;
}

/*
 * Mappings end at the buffer's end: the last page can be mapped and
 * touched, a mapping that starts at the end or runs past it is refused,
 * and an existing mapping cannot be grown over the end. For the CMA heap
 * this is the regression test of CVE-2024-46852 (a fault at the page
 * offset equal to the page count was let through).
 */
static int every_heap_mmap_stops_at_buffer_end(void)
{
	const size_t len = 4 * page_size;
	unsigned int h;

	for (h = 0; h < nr_heaps; h++) {
		int fd = alloc_from(heaps[h], len);
		unsigned char *p;
		void *q;

		EXPECT(fd >= 0);
		p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, len - page_size);
		EXPECT(p != MAP_FAILED);
		EXPECT(p[0] == 0);
		p[page_size - 1] = 0x5a;
		/* A mapping with the VMA end exactly at the buffer end... */
		q = mremap(p, page_size, 2 * page_size, MREMAP_MAYMOVE);
		/* ...cannot grow past it. */
		EXPECT(q == MAP_FAILED);
		EXPECT(munmap(p, page_size) == 0);
		/* The last byte was written where the whole buffer ends. */
		p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
		EXPECT(p != MAP_FAILED);
		EXPECT(p[len - 1] == 0x5a);
		EXPECT(munmap(p, len) == 0);

		EXPECT(mmap(NULL, page_size, PROT_READ, MAP_SHARED, fd, len) ==
		       MAP_FAILED);
		EXPECT(errno == EINVAL);
		EXPECT(mmap(NULL, 2 * page_size, PROT_READ, MAP_SHARED, fd,
			    len - page_size) == MAP_FAILED);
		EXPECT(errno == EINVAL);
		EXPECT(mmap(NULL, len + page_size, PROT_READ, MAP_SHARED, fd,
			    0) == MAP_FAILED);
		EXPECT(errno == EINVAL);
		close(fd);
	}
	return KSFT_PASS;
}

/*
 * One buffer of @len bytes from @heap through mmap_matrix(): opened
 * read-write with every page tagged, then opened read-only.
 */
static unsigned int heap_mmap_matrix(const char *heap, size_t len,
				     enum mmap_model model)
{
	const size_t pages = len / page_size;
	unsigned int bad;
	__u64 *tags = calloc(pages, sizeof(*tags));
	char *p;
	size_t i;
	int h, fd;

	EXPECT(tags);
	fd = alloc_from(heap, len);
	EXPECT(fd >= 0);
	p = map_all(fd, len);
	EXPECT(p != MAP_FAILED);
	for (i = 0; i < pages; i++) {
		tags[i] = 0x6d6d6170ull << 32 | i;
		*(__u64 *)(p + i * page_size) = tags[i];
	}
	EXPECT(munmap(p, len) == 0);
	bad = mmap_matrix(fd, len, O_RDWR, model, tags, page_size);
	close(fd);
	free(tags);

	h = heap_open(heap);
	EXPECT(h >= 0);
	fd = heap_alloc_flags(h, len, O_RDONLY | O_CLOEXEC, 0);
	close(h);
	EXPECT(fd >= 0);
	bad += mmap_matrix(fd, len, O_RDONLY, model, NULL, page_size);
	close(fd);
	return bad;
}

/*
 * Every mmap() flavour, length and offset gives 6.12's result: the system
 * heap maps a private mapping of one page and refuses a longer one, even
 * where the pages come from one high-order chunk; the CMA heap refuses
 * every private mapping; both refuse a mapping past the end, and a shared
 * writable mapping of a read-only descriptor.
 */
static int every_heap_mmap_matrix_matches_6_12(void)
{
	const size_t system_sizes[] = { 4 * page_size, 1 * MiB, 4 * MiB };
	const char *cma = cma_heap();
	unsigned int i, bad = 0;

	for (i = 0; i < ARRAY_LEN(system_sizes); i++)
		bad += heap_mmap_matrix("system", system_sizes[i],
					MMAP_REMAP_EACH_PAGE);
	if (cma) {
		bad += heap_mmap_matrix(cma, 4 * page_size, MMAP_SHARED_ONLY);
		bad += heap_mmap_matrix(cma, 1 * MiB, MMAP_SHARED_ONLY);
	}
	EXPECT(bad == 0);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* DMA_HEAP_IOCTL_ALLOC                                                   */
/* ---------------------------------------------------------------------- */

/* Each field refused on its own: fd, fd_flags, heap_flags, len. */
static int alloc_bad_fields_einval(void)
{
	const struct dma_heap_allocation_data bad[] = {
		{ .len = page_size, .fd = 1 },
		{ .len = page_size, .fd = 0xffffffff },
		{ .len = page_size, .fd_flags = O_NONBLOCK },
		{ .len = page_size, .fd_flags = O_RDWR | O_APPEND },
		{ .len = page_size, .fd_flags = O_RDWR | O_TRUNC },
		{ .len = page_size, .fd_flags = O_CLOEXEC | O_CREAT },
		{ .len = page_size, .fd_flags = 0x80000000 },
		{ .len = page_size, .heap_flags = 1 },
		{ .len = page_size, .heap_flags = 0x111111 },
		{ .len = page_size, .heap_flags = 1ull << 63 },
		{ .len = 0 },
		{ .len = ~0ull },
		{ .len = ~0ull - page_size + 2 },
	};
	int heap = heap_open("system"), before;
	unsigned int i;

	EXPECT(heap >= 0);
	before = next_fd();
	for (i = 0; i < ARRAY_LEN(bad); i++) {
		struct dma_heap_allocation_data req = bad[i];

		if (fails(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &req)) != EINVAL) {
			ksft_print_msg("case %u not refused\n", i);
			EXPECT(0);
		}
		/* Nothing was written back. */
		EXPECT(!memcmp(&req, &bad[i], sizeof(req)));
	}
	EXPECT(next_fd() == before);
	return KSFT_PASS;
}

/* What the heap leaves of a valid request: len is not rounded in place. */
static int alloc_reports_fd_and_keeps_len(void)
{
	struct dma_heap_allocation_data req = {
		.len = page_size + 1,
		.fd_flags = O_RDWR,
	};
	int heap = heap_open("system");

	EXPECT(heap >= 0);
	EXPECT(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &req) == 0);
	EXPECT(req.len == page_size + 1);
	EXPECT(req.fd_flags == O_RDWR && req.heap_flags == 0);
	EXPECT(buf_size(req.fd) == (off_t)(2 * page_size));
	/* The heap's own descriptor can allocate again and again. */
	close(req.fd);
	req.fd = 0;
	EXPECT(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &req) == 0);
	close(req.fd);
	close(heap);
	return KSFT_PASS;
}

/* fd_flags give the access mode and close-on-exec of the new descriptor. */
static int alloc_fd_flags_set_mode_and_cloexec(void)
{
	const __u32 flags[] = {
		O_RDONLY, O_WRONLY, O_RDWR, O_RDONLY | O_CLOEXEC,
		O_WRONLY | O_CLOEXEC, O_RDWR | O_CLOEXEC,
	};
	int heap = heap_open("system");
	unsigned int i;

	EXPECT(heap >= 0);
	for (i = 0; i < ARRAY_LEN(flags); i++) {
		int fd = heap_alloc_flags(heap, page_size, flags[i], 0);
		int fl, fdfl;
		void *p;

		EXPECT(fd >= 0);
		fl = fcntl(fd, F_GETFL);
		fdfl = fcntl(fd, F_GETFD);
		EXPECT((fl & O_ACCMODE) == (int)(flags[i] & O_ACCMODE));
		EXPECT(!!(fdfl & FD_CLOEXEC) == !!(flags[i] & O_CLOEXEC));
		p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, 0);
		if ((flags[i] & O_ACCMODE) == O_RDWR) {
			EXPECT(p != MAP_FAILED);
			munmap(p, page_size);
		} else {
			EXPECT(p == MAP_FAILED && errno == EACCES);
		}
		close(fd);
	}
	close(heap);
	return KSFT_PASS;
}

static int alloc_bad_pointers_efault_without_fd_leak(void)
{
	struct dma_heap_allocation_data *req;
	int heap = heap_open("system"), before;

	EXPECT(heap >= 0);
	before = next_fd();
	EXPECT(fails(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, NULL)) == EFAULT);
	EXPECT(fails(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, (void *)8)) == EFAULT);

	/* Readable but not writable: allocated, then undone. */
	req = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(req != MAP_FAILED);
	req->len = page_size;
	req->fd_flags = O_RDWR;
	EXPECT(mprotect(req, page_size, PROT_READ) == 0);
	EXPECT(fails(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, req)) == EFAULT);
	EXPECT(req->fd == 0);
	EXPECT(next_fd() == before);
	munmap(req, page_size);
	close(heap);
	return KSFT_PASS;
}

/* An older, shorter struct: what is missing counts as zero. */
static int alloc_shorter_struct_accepted(void)
{
	struct old_req {
		__u64 len;
		__u32 fd;
		__u32 fd_flags;
	} req = { .len = MiB, .fd_flags = O_RDWR | O_CLOEXEC };
	const unsigned int cmd = _IOWR(DMA_HEAP_IOC_MAGIC, 0, struct old_req);
	int heap = heap_open("system");

	EXPECT(heap >= 0);
	EXPECT(ioctl(heap, cmd, &req) == 0);
	EXPECT(buf_size(req.fd) == MiB);
	EXPECT(fcntl(req.fd, F_GETFD) & FD_CLOEXEC);
	close(req.fd);
	close(heap);
	return KSFT_PASS;
}

/* A newer, longer struct: the extra bytes are ignored and left alone. */
static int alloc_longer_struct_accepted(void)
{
	struct new_req {
		struct dma_heap_allocation_data req;
		__u64 extra[3];
	} req = {
		.req = { .len = MiB, .fd_flags = O_RDWR },
		.extra = { 0x1111, ~0ull, 42 },
	};
	const unsigned int cmd = _IOWR(DMA_HEAP_IOC_MAGIC, 0, struct new_req);
	int heap = heap_open("system");

	EXPECT(heap >= 0);
	EXPECT(ioctl(heap, cmd, &req) == 0);
	EXPECT(buf_size(req.req.fd) == MiB);
	EXPECT(req.extra[0] == 0x1111 && req.extra[1] == ~0ull &&
	       req.extra[2] == 42);
	close(req.req.fd);
	close(heap);
	return KSFT_PASS;
}

/* Numbers other than the allocation, and an allocation without input. */
static int alloc_unknown_commands_einval(void)
{
	struct dma_heap_allocation_data req = { .len = page_size };
	const unsigned long cmds[] = {
		_IOWR(DMA_HEAP_IOC_MAGIC, 1, struct dma_heap_allocation_data),
		_IO(DMA_HEAP_IOC_MAGIC, 7),
		_IOR(DMA_HEAP_IOC_MAGIC, 0, struct dma_heap_allocation_data),
		_IO(DMA_HEAP_IOC_MAGIC, 0),
	};
	int heap = heap_open("system"), before;
	unsigned int i;

	EXPECT(heap >= 0);
	before = next_fd();
	for (i = 0; i < ARRAY_LEN(cmds); i++)
		EXPECT(fails(ioctl(heap, cmds[i], &req)) == EINVAL);
	EXPECT(next_fd() == before);
	close(heap);
	return KSFT_PASS;
}

/* Out of descriptors: -EMFILE, and the buffer is freed again. */
static int alloc_without_free_fd_emfile(void)
{
	struct rlimit old, low;
	int heap = heap_open("system"), err;
	long before = meminfo_kib("MemFree");

	EXPECT(heap >= 0);
	EXPECT(getrlimit(RLIMIT_NOFILE, &old) == 0);
	low = old;
	low.rlim_cur = next_fd();
	EXPECT(setrlimit(RLIMIT_NOFILE, &low) == 0);
	err = fails(heap_alloc(heap, 64 * MiB));
	EXPECT(setrlimit(RLIMIT_NOFILE, &old) == 0);
	EXPECT(err == EMFILE);
	EXPECT(meminfo_kib("MemFree") > before - 32 * 1024);
	close(heap);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* Buffers between processes, and memory accounting                       */
/* ---------------------------------------------------------------------- */

/* Child side: exit code says which step went wrong. */
static int receive_check_and_answer(int sock, size_t len)
{
	int fd = recv_fd(sock);
	unsigned char *p;
	size_t off;

	if (fd < 0)
		return 10;
	if (buf_size(fd) != (off_t)len)
		return 11;
	p = map_all(fd, len);
	if (p == MAP_FAILED)
		return 12;
	if (buf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW))
		return 13;
	for (off = 0; off < len; off++)
		if (p[off] != (unsigned char)(off ^ 0x3c))
			return 14;
	memset(p, 0xc3, len);
	if (buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW))
		return 15;
	if (write(sock, "D", 1) != 1)
		return 16;
	return 0;
}

/*
 * The child is forked before the buffer exists, so the descriptor can
 * only reach it over the socket; both sides see each other's writes.
 */
static int buffer_passed_over_unix_socket_to_forked_child(void)
{
	const size_t len = 2 * MiB + page_size;
	unsigned char *p;
	int sv[2], fd, status;
	size_t off;
	char byte;

	EXPECT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	stray_child = fork();
	EXPECT(stray_child >= 0);
	if (!stray_child) {
		close(sv[0]);
		_exit(receive_check_and_answer(sv[1], len));
	}
	close(sv[1]);

	fd = alloc_from("system", len);
	EXPECT(fd >= 0);
	p = map_all(fd, len);
	EXPECT(p != MAP_FAILED);
	EXPECT(buf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE) == 0);
	for (off = 0; off < len; off++)
		p[off] = (unsigned char)(off ^ 0x3c);
	EXPECT(buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE) == 0);
	EXPECT(send_fd(sv[0], fd) == 0);
	EXPECT(read(sv[0], &byte, 1) == 1 && byte == 'D');

	EXPECT(waitpid(stray_child, &status, 0) == stray_child);
	stray_child = 0;
	EXPECT(WIFEXITED(status));
	if (WEXITSTATUS(status))
		ksft_print_msg("child failed at step %d\n", WEXITSTATUS(status));
	EXPECT(WEXITSTATUS(status) == 0);
	EXPECT(buf_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ) == 0);
	EXPECT(all_bytes(p, 0xc3, len));
	EXPECT(buf_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ) == 0);
	munmap(p, len);
	close(fd);
	return KSFT_PASS;
}

/* The exporter name shows in fdinfo and bufinfo while the buffer lives. */
static int system_buffers_show_their_heap_name(void)
{
	char path[64], line[256];
	bool found = false;
	int fd = alloc_from("system", page_size);
	FILE *f;

	EXPECT(fd >= 0);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	EXPECT(f);
	while (fgets(line, sizeof(line), f))
		found |= !strcmp(line, "exp_name:\tsystem\n");
	fclose(f);
	EXPECT(found);
	close(fd);
	return KSFT_PASS;
}

/*
 * 10,000 allocations of mixed sizes, each freed at once, give all their
 * memory back. MemFree is compared net of slab growth (freed objects wait
 * in KASAN's quarantine on debug kernels) and within a few MiB for the
 * page allocator's per-CPU lists: leaking even the smallest buffer of
 * each cycle would cost 40 MiB.
 */
static int ten_thousand_alloc_free_cycles_return_memory(void)
{
	const size_t sizes[] = { 4 * KiB, 64 * KiB, 132 * KiB, 8 * KiB };
	int heap = heap_open("system");
	long free0, slab0, free1, slab1, lost;
	unsigned int i;
	double t;

	EXPECT(heap >= 0);
	free0 = meminfo_kib("MemFree");
	slab0 = meminfo_kib("Slab");
	EXPECT(free0 > 0 && slab0 >= 0);
	t = now_s();
	for (i = 0; i < 10000; i++) {
		size_t len = i % 1000 ? sizes[i % ARRAY_LEN(sizes)] : MiB;
		int fd = heap_alloc(heap, len);

		EXPECT(fd >= 0);
		close(fd);
	}
	t = now_s() - t;
	sleep_ms(200);
	free1 = meminfo_kib("MemFree");
	slab1 = meminfo_kib("Slab");
	lost = (free0 - free1) - (slab1 - slab0);
	ksft_print_msg("10000 cycles: %.2f s, MemFree %ld -> %ld KiB\n",
		       t, free0, free1);
	ksft_print_msg("Slab %ld -> %ld KiB: %ld KiB unaccounted for\n",
		       slab0, slab1, lost);
	EXPECT(lost < 8 * 1024);
	close(heap);
	return KSFT_PASS;
}

/*
 * A process killed while it allocates huge buffers leaves nothing behind:
 * an allocation cut short by the fatal signal frees what it had.
 */
static int killed_allocator_leaks_nothing(void)
{
	long before = meminfo_kib("MemFree"), after;
	int status, tries;

	stray_child = fork();
	EXPECT(stray_child >= 0);
	if (!stray_child) {
		int heap = heap_open("system");

		for (;;)
			close(heap_alloc(heap, 256 * MiB));
	}
	sleep_ms(700);
	EXPECT(kill(stray_child, SIGKILL) == 0);
	EXPECT(waitpid(stray_child, &status, 0) == stray_child);
	stray_child = 0;
	EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* The dead process's last buffer is freed by a deferred fput. */
	for (tries = 0; tries < 20; tries++) {
		sleep_ms(100);
		after = meminfo_kib("MemFree");
		if (after > before - 16 * 1024)
			break;
	}
	ksft_print_msg("MemFree %ld -> %ld KiB\n", before, after);
	EXPECT(after > before - 16 * 1024);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* CMA                                                                    */
/* ---------------------------------------------------------------------- */

/*
 * A CMA buffer comes out of the CMA area (CmaFree drops by its size while
 * it lives) and goes back into it: allocating and freeing it again and
 * again takes more than the whole area, which works only if every buffer
 * is returned. (CmaFree itself may lag behind, as freed pages can sit in
 * the page allocator's per-CPU lists until CMA drains them.)
 */
static int cma_heap_allocates_from_cma_area(void)
{
	const char *cma = cma_heap();
	long before, held, total = meminfo_kib("CmaTotal");
	unsigned int i, rounds;
	unsigned char *p;
	int fd;

	if (!cma)
		return KSFT_SKIP;
	before = meminfo_kib("CmaFree");
	fd = alloc_from(cma, 16 * MiB);
	EXPECT(fd >= 0);
	held = meminfo_kib("CmaFree");
	ksft_print_msg("heap %s: CmaFree %ld -> %ld KiB\n", cma, before, held);
	EXPECT(held <= before - 14 * 1024);
	p = map_all(fd, 16 * MiB);
	EXPECT(p != MAP_FAILED);
	EXPECT(all_bytes(p, 0, 16 * MiB));
	memset(p, 0x77, 16 * MiB);
	munmap(p, 16 * MiB);
	close(fd);

	rounds = total / (16 * 1024) + 4;
	for (i = 0; i < rounds; i++) {
		fd = alloc_from(cma, 16 * MiB);
		EXPECT(fd >= 0);
		close(fd);
	}
	return KSFT_PASS;
}

/* More than the area holds: -ENOMEM, and the heap still works. */
static int cma_heap_larger_than_area_enomem(void)
{
	const char *cma = cma_heap();
	long total = meminfo_kib("CmaTotal");
	int fd;

	if (!cma)
		return KSFT_SKIP;
	EXPECT(fails(alloc_from(cma, (total + 1024) * KiB)) == ENOMEM);
	fd = alloc_from(cma, MiB);
	EXPECT(fd >= 0);
	close(fd);
	return KSFT_PASS;
}

/* CMA buffers are mapped shared only, as 6.12 has it. */
static int cma_heap_private_mapping_einval(void)
{
	const char *cma = cma_heap();
	int fd;

	if (!cma)
		return KSFT_SKIP;
	fd = alloc_from(cma, page_size);
	EXPECT(fd >= 0);
	EXPECT(mmap(NULL, page_size, PROT_READ, MAP_PRIVATE, fd, 0) ==
	       MAP_FAILED);
	EXPECT(errno == EINVAL);
	close(fd);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */

struct test_case {
	const char *name;
	int (*run)(void);
};

#define CASE(fn) { #fn, fn }

static const struct test_case cases[] = {
	CASE(heap_nodes_are_char_devices_in_class),
	CASE(heap_node_is_not_seekable),
	CASE(system_heap_alloc_sizes_1_page_to_256_mib),
	CASE(system_heap_256_mib_mmap_touch),
	CASE(every_heap_mmap_sync_round_trip),
	CASE(every_heap_reused_memory_is_zeroed),
	CASE(every_heap_mmap_at_page_offsets),
	CASE(every_heap_mmap_stops_at_buffer_end),
	CASE(every_heap_mmap_matrix_matches_6_12),
	CASE(alloc_bad_fields_einval),
	CASE(alloc_reports_fd_and_keeps_len),
	CASE(alloc_fd_flags_set_mode_and_cloexec),
	CASE(alloc_bad_pointers_efault_without_fd_leak),
	CASE(alloc_shorter_struct_accepted),
	CASE(alloc_longer_struct_accepted),
	CASE(alloc_unknown_commands_einval),
	CASE(alloc_without_free_fd_emfile),
	CASE(buffer_passed_over_unix_socket_to_forked_child),
	CASE(system_buffers_show_their_heap_name),
	CASE(ten_thousand_alloc_free_cycles_return_memory),
	CASE(killed_allocator_leaks_nothing),
	CASE(cma_heap_allocates_from_cma_area),
	CASE(cma_heap_larger_than_area_enomem),
	CASE(cma_heap_private_mapping_einval),
};

/* Whatever a case left behind: its descriptors and any child. */
static void clean_up(void)
{
	if (stray_child > 0) {
		kill(stray_child, SIGKILL);
		waitpid(stray_child, NULL, 0);
		stray_child = 0;
	}
	close_range(3, ~0U, 0);
}

/* A failed EXPECT() lands here, via longjmp(), with the case abandoned. */
static int run_case(const struct test_case *c)
{
	if (setjmp(case_failed))
		return KSFT_FAIL;
	return c->run();
}

static void find_heaps(void)
{
	DIR *dir = opendir(HEAP_DIR);
	struct dirent *de;

	if (!dir)
		return;
	while ((de = readdir(dir)) && nr_heaps < MAX_HEAPS) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(heaps[nr_heaps++], sizeof(heaps[0]), "%s", de->d_name);
	}
	closedir(dir);
}

int main(void)
{
	unsigned int i;

	ksft_print_header();
	page_size = sysconf(_SC_PAGESIZE);
	find_heaps();
	if (!have_heap("system"))
		ksft_exit_skip("no %s/system (CONFIG_DMABUF_HEAPS_SYSTEM?)\n",
			       HEAP_DIR);
	for (i = 0; i < nr_heaps; i++)
		ksft_print_msg("heap: %s\n", heaps[i]);
	/* output already printed must not be flushed again by children */
	fflush(stdout);

	ksft_set_plan(ARRAY_LEN(cases));
	for (i = 0; i < ARRAY_LEN(cases); i++) {
		int result = run_case(&cases[i]);

		clean_up();
		ksft_test_result_report(result, "%s\n", cases[i].name);
	}
	ksft_finished();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * dmabuf-heaps: the user space contract of /dev/dma_heap, checked on
 * every heap present.
 *
 * Each case is a test of the dma_heap fixture, named after the behaviour
 * it checks, and runs in a process of its own. Only what the ABI promises
 * is asserted, so the program passes on any kernel that keeps it, with
 * one exception: 6.12 makes a heap of the default CMA area only, so
 * device_tree_every_reusable_region_is_a_heap fails there. Needs
 * CONFIG_DMABUF_HEAPS_SYSTEM and root (it reads debugfs and lowers its
 * file limit); without them every case is skipped. The CMA cases run on
 * every CMA heap: the default area's (cma=128M, or a linux,cma-default
 * region of the device tree) and each other reusable region's; they skip
 * without one. The device-tree cases compare /proc/device-tree's
 * reserved-memory regions with the heaps, and skip on machines without.
 * The import cases use the test exporter's importer device (the
 * dma_buf_test_exporter debugfs file) and skip without it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
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

/* kselftest_harness.h's SIGALRM handler leaves a parameter unused. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../kselftest_harness.h"
#pragma GCC diagnostic pop

#include "dmabuf-test-ctl.h"
#include "dmabuf-util.h"

/* The ABI, fixed for user space, the same on every architecture. */
static_assert(sizeof(struct dma_heap_allocation_data) == 32, "abi");
static_assert(offsetof(struct dma_heap_allocation_data, charge_pid_fd) == 24,
	      "abi: 6.12's whole struct comes first");
static_assert(DMA_HEAP_IOCTL_ALLOC == 0xc0204800, "abi");
/* The number of 6.12's 24-byte struct, which every kernel still takes. */
#define DMA_HEAP_IOCTL_ALLOC_6_12	0xc0184800u
static_assert(DMA_HEAP_VALID_FD_FLAGS == (O_CLOEXEC | O_ACCMODE), "abi");
static_assert(DMA_HEAP_VALID_HEAP_FLAGS == 0, "abi");

#define HEAP_DIR	"/dev/dma_heap"
#define MAX_HEAPS	16
#define KiB		1024ul
#define MiB		(1024ul * KiB)
#define NO_CMA		"no CMA heap (CONFIG_DMABUF_HEAPS_CMA and a CMA area; " \
			"with several heaps also CONFIG_CMA_DEBUGFS)"
#define CMA_DEBUGFS	"/sys/kernel/debug/cma"
#define DT_RESERVED	"/proc/device-tree/reserved-memory"

/*
 * Filled in by the fixture's setup, in the process of each case: the page
 * size and the heaps found in HEAP_DIR (the CMA heap is any heap but
 * "system").
 */
static size_t page_size;
static char heaps[MAX_HEAPS][256];
static unsigned int nr_heaps;

/* errno of a failed call, 0 for success: ASSERT_EQ(X, fails(ioctl(...))) */
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

/*
 * The CMA heaps: every heap named after a CMA area, with that area's size
 * (debugfs cma/NAME/count, in pages; CONFIG_CMA_DEBUGFS). Without those
 * files, a single heap besides "system" on a kernel with CMA memory is
 * taken to be the CMA heap of the whole of it.
 */
static char cma_heaps[MAX_HEAPS][256];
static size_t cma_bytes[MAX_HEAPS];
static unsigned int nr_cma;

/*
 * A number of pages from file @what (count: all, used: in use) of the CMA
 * area called @name in debugfs, or -1.
 */
static long cma_area_pages(const char *name, const char *what)
{
	char path[320], line[64];
	long pages = -1;
	FILE *f;

	snprintf(path, sizeof(path), CMA_DEBUGFS "/%s/%s", name, what);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(line, sizeof(line), f))
		pages = strtol(line, NULL, 10);
	fclose(f);
	return pages;
}

static void add_cma_heap(const char *name, size_t bytes)
{
	snprintf(cma_heaps[nr_cma], sizeof(cma_heaps[0]), "%s", name);
	cma_bytes[nr_cma++] = bytes;
}

/*
 * A test buffer's length for CMA heap @h: @want, or a quarter of the area
 * where that is less (in whole pages), so that small areas run the cases.
 */
static size_t cma_test_len(unsigned int h, size_t want)
{
	size_t quarter = cma_bytes[h] / 4 / page_size * page_size;

	return want < quarter ? want : quarter;
}

static void find_cma_heaps(void)
{
	const char *other = NULL;
	unsigned int i, others = 0;
	long pages;

	for (i = 0; i < nr_heaps; i++) {
		if (!strcmp(heaps[i], "system"))
			continue;
		others++;
		other = heaps[i];
		pages = cma_area_pages(heaps[i], "count");
		if (pages > 0)
			add_cma_heap(heaps[i], pages * page_size);
	}
	if (!nr_cma && others == 1 && meminfo_kib("CmaTotal") > 0)
		add_cma_heap(other, meminfo_kib("CmaTotal") * KiB);
}

static bool have_heap(const char *name)
{
	unsigned int i;

	for (i = 0; i < nr_heaps; i++)
		if (!strcmp(heaps[i], name))
			return true;
	return false;
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

/*
 * What every case starts from: the heaps found, the page size, and the
 * system heap open (without it, or without root, the case is skipped);
 * and the slot for a process the case forks, which the teardown kills
 * should the case end before it reaped it.
 */
FIXTURE(dma_heap) {
	int system;
	pid_t child;
};

FIXTURE_SETUP(dma_heap)
{
	self->child = 0;
	page_size = sysconf(_SC_PAGESIZE);
	find_heaps();
	find_cma_heaps();
	if (!have_heap("system"))
		SKIP(return, "no %s/system (CONFIG_DMABUF_HEAPS_SYSTEM?)",
		     HEAP_DIR);
	self->system = heap_open("system");
	if (self->system < 0 && (errno == EACCES || errno == EPERM)) {
		int err = errno;

		SKIP(return, "cannot open %s/system: %s (root?)", HEAP_DIR,
		     strerror(err));
	}
	ASSERT_LE(0, self->system);
}

FIXTURE_TEARDOWN(dma_heap)
{
	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
	}
	/* What mmap_matrix() reported; the case's process ends in _exit(). */
	fflush(stdout);
}

/* ---------------------------------------------------------------------- */
/* The heaps                                                              */
/* ---------------------------------------------------------------------- */

/* Every node is a character device with a device of class dma_heap. */
TEST_F(dma_heap, heap_nodes_are_char_devices_in_class)
{
	unsigned int i;

	ASSERT_TRUE(have_heap("system"));
	for (i = 0; i < nr_heaps; i++) {
		char path[320];
		struct stat st;

		TH_LOG("heap: %s", heaps[i]);
		snprintf(path, sizeof(path), HEAP_DIR "/%s", heaps[i]);
		ASSERT_EQ(0, stat(path, &st));
		ASSERT_TRUE(S_ISCHR(st.st_mode));
		snprintf(path, sizeof(path), "/sys/class/dma_heap/%s/dev",
			 heaps[i]);
		ASSERT_EQ(0, access(path, R_OK));
	}
}

TEST_F(dma_heap, heap_node_is_not_seekable)
{
	int heap = self->system;

	ASSERT_EQ(ESPIPE, fails(lseek(heap, 0, SEEK_SET)));
}

/* Sizes from a page to 256 MiB, rounded up to pages, on the system heap. */
TEST_F(dma_heap, system_heap_alloc_sizes_1_page_to_256_mib)
{
	const __u64 sizes[] = {
		1, page_size, 3 * page_size + 1, 64 * KiB, MiB - 1, MiB,
		MiB + page_size, 16 * MiB + 12345, 64 * MiB, 256 * MiB,
	};
	int heap = self->system;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		__u64 want = (sizes[i] + page_size - 1) & ~(page_size - 1);
		double t = now_s();
		int fd = heap_alloc(heap, sizes[i]);

		ASSERT_LE(0, fd);
		t = now_s() - t;
		ASSERT_EQ(want, (__u64)buf_size(fd));
		if (sizes[i] == 256 * MiB)
			TH_LOG("256 MiB from the system heap: %.3f s", t);
		close(fd);
	}
}

/* Touching every page of a big mapping, timed: mmap cost is measured. */
TEST_F(dma_heap, system_heap_256_mib_mmap_touch)
{
	const size_t len = 256 * MiB;
	int fd = alloc_from("system", len);
	double t_map, t_touch;
	unsigned long sum = 0;
	unsigned char *p;
	size_t off;

	ASSERT_LE(0, fd);
	t_map = now_s();
	p = map_all(fd, len);
	ASSERT_NE(MAP_FAILED, p);
	t_map = now_s() - t_map;
	t_touch = now_s();
	for (off = 0; off < len; off += page_size)
		sum += p[off];
	t_touch = now_s() - t_touch;
	ASSERT_EQ(0ul, sum);
	TH_LOG("256 MiB system buffer: mmap %.3f s, touching every page %.3f s",
	       t_map, t_touch);
	ASSERT_EQ(0, munmap(p, len));
	close(fd);
}

/*
 * Every heap: a buffer is zeroed, can be written and read back through
 * a mapping between SYNC brackets, and still holds the data when mapped
 * again.
 */
TEST_F(dma_heap, every_heap_mmap_sync_round_trip)
{
	const size_t len = MiB + 3 * page_size;
	unsigned int i;

	for (i = 0; i < nr_heaps; i++) {
		int fd = alloc_from(heaps[i], len);
		unsigned char *p;
		size_t off;

		ASSERT_LE(0, fd);
		p = map_all(fd, len);
		ASSERT_NE(MAP_FAILED, p);
		ASSERT_EQ(0,
			  sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW));
		ASSERT_TRUE(all_bytes(p, 0, len));
		for (off = 0; off < len; off++)
			p[off] = (unsigned char)(off * 7 + i);
		ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW));
		ASSERT_EQ(0, munmap(p, len));

		p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
		ASSERT_NE(MAP_FAILED, p);
		ASSERT_EQ(0,
			  sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ));
		for (off = 0; off < len; off++)
			ASSERT_EQ((unsigned char)(off * 7 + i), p[off]);
		ASSERT_EQ(0,
			  sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ));
		ASSERT_EQ(0, munmap(p, len));
		close(fd);
	}
}

/*
 * ABI: user space never sees a previous buffer's data. Memory comes back
 * zeroed even right after other buffers of the same heap were filled and
 * freed; checked on every heap.
 */
TEST_F(dma_heap, every_heap_reused_memory_is_zeroed)
{
	const size_t len = MiB;
	int fds[16];
	unsigned int i, n, h;

	for (h = 0; h < nr_heaps; h++) {
		for (n = 0; n < ARRAY_SIZE(fds); n++) {
			unsigned char *p;

			fds[n] = alloc_from(heaps[h], len);
			ASSERT_LE(0, fds[n]);
			p = map_all(fds[n], len);
			ASSERT_NE(MAP_FAILED, p);
			memset(p, 0xff, len);
			ASSERT_EQ(0, munmap(p, len));
		}
		for (n = 0; n < ARRAY_SIZE(fds); n++)
			close(fds[n]);
		for (i = 0; i < ARRAY_SIZE(fds); i++) {
			unsigned char *p;

			fds[i] = alloc_from(heaps[h], len);
			ASSERT_LE(0, fds[i]);
			p = mmap(NULL, len, PROT_READ, MAP_SHARED, fds[i], 0);
			ASSERT_NE(MAP_FAILED, p);
			ASSERT_TRUE(all_bytes(p, 0, len));
			ASSERT_EQ(0, munmap(p, len));
		}
		for (i = 0; i < ARRAY_SIZE(fds); i++)
			close(fds[i]);
	}
}

/*
 * A window that starts at a page offset inside the buffer shows exactly
 * those pages, also across the 1 MiB chunks of the system heap.
 */
TEST_F(dma_heap, every_heap_mmap_at_page_offsets)
{
	const size_t chunk = MiB / page_size;
	const size_t pages = 2 * chunk + 5;
	const size_t len = pages * page_size;
	/* Either side of the first chunk boundary, whatever the page size. */
	const size_t starts[] = {
		0, 1, chunk - 1, chunk, chunk + chunk / 6, pages - 1,
	};
	unsigned int h, i;

	for (h = 0; h < nr_heaps; h++) {
		int fd = alloc_from(heaps[h], len);
		unsigned int *p;
		size_t pg;

		ASSERT_LE(0, fd);
		p = map_all(fd, len);
		ASSERT_NE(MAP_FAILED, p);
		for (pg = 0; pg < pages; pg++)
			p[pg * page_size / sizeof(*p)] = pg + 1;
		ASSERT_EQ(0, munmap(p, len));

		for (i = 0; i < ARRAY_SIZE(starts); i++) {
			size_t n = pages - starts[i] < 3 ? pages - starts[i] : 3;

			p = mmap(NULL, n * page_size, PROT_READ, MAP_SHARED, fd,
				 starts[i] * page_size);
			ASSERT_NE(MAP_FAILED, p);
			for (pg = 0; pg < n; pg++)
				ASSERT_EQ(starts[i] + pg + 1,
					  p[pg * page_size / sizeof(*p)]);
			ASSERT_EQ(0, munmap(p, n * page_size));
		}
		close(fd);
	}
}

/*
 * Mappings end at the buffer's end: the last page can be mapped and
 * touched, a mapping that starts at the end or runs past it is refused,
 * and an existing mapping cannot be grown over the end. For the CMA heap
 * this is the regression test of CVE-2024-46852 (a fault at the page
 * offset equal to the page count was let through).
 */
TEST_F(dma_heap, every_heap_mmap_stops_at_buffer_end)
{
	const size_t len = 4 * page_size;
	unsigned int h;

	for (h = 0; h < nr_heaps; h++) {
		int fd = alloc_from(heaps[h], len);
		unsigned char *p;
		void *q;

		ASSERT_LE(0, fd);
		p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, len - page_size);
		ASSERT_NE(MAP_FAILED, p);
		ASSERT_EQ(0, p[0]);
		p[page_size - 1] = 0x5a;
		/* A mapping with the VMA end exactly at the buffer end... */
		q = mremap(p, page_size, 2 * page_size, MREMAP_MAYMOVE);
		/* ...cannot grow past it. */
		ASSERT_EQ(MAP_FAILED, q);
		ASSERT_EQ(0, munmap(p, page_size));
		/* The last byte was written where the whole buffer ends. */
		p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
		ASSERT_NE(MAP_FAILED, p);
		ASSERT_EQ(0x5a, p[len - 1]);
		ASSERT_EQ(0, munmap(p, len));

		ASSERT_EQ(MAP_FAILED, mmap(NULL, page_size, PROT_READ,
					   MAP_SHARED, fd, len));
		ASSERT_EQ(EINVAL, errno);
		ASSERT_EQ(MAP_FAILED, mmap(NULL, 2 * page_size, PROT_READ,
					   MAP_SHARED, fd, len - page_size));
		ASSERT_EQ(EINVAL, errno);
		ASSERT_EQ(MAP_FAILED, mmap(NULL, len + page_size, PROT_READ,
					   MAP_SHARED, fd, 0));
		ASSERT_EQ(EINVAL, errno);
		close(fd);
	}
}

/*
 * One buffer of @len bytes from @heap through mmap_matrix(): opened
 * read-write with every page tagged, then opened read-only.
 */
static unsigned int heap_mmap_matrix(struct __test_metadata *const _metadata,
				     const char *heap, size_t len,
				     enum mmap_model model)
{
	const size_t pages = len / page_size;
	unsigned int bad;
	__u64 *tags = calloc(pages, sizeof(*tags));
	char *p;
	size_t i;
	int h, fd;

	ASSERT_NE(NULL, tags);
	fd = alloc_from(heap, len);
	ASSERT_LE(0, fd);
	p = map_all(fd, len);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < pages; i++) {
		tags[i] = 0x6d6d6170ull << 32 | i;
		*(__u64 *)(p + i * page_size) = tags[i];
	}
	ASSERT_EQ(0, munmap(p, len));
	bad = mmap_matrix(fd, len, O_RDWR, model, tags, page_size);
	close(fd);
	free(tags);

	h = heap_open(heap);
	ASSERT_LE(0, h);
	fd = heap_alloc_flags(h, len, O_RDONLY | O_CLOEXEC, 0);
	close(h);
	ASSERT_LE(0, fd);
	bad += mmap_matrix(fd, len, O_RDONLY, model, NULL, page_size);
	close(fd);
	return bad;
}

/*
 * Every mmap() flavour, length and offset gives the result the ABI
 * fixes: the system heap maps a private mapping of one page and refuses
 * a longer one, even where the pages come from one high-order chunk; the
 * CMA heap refuses every private mapping; both refuse a mapping past the
 * end, and a shared writable mapping of a read-only descriptor.
 */
TEST_F(dma_heap, every_heap_mmap_matrix_matches_the_abi)
{
	const size_t system_sizes[] = { 4 * page_size, 1 * MiB, 4 * MiB };
	unsigned int i, bad = 0;

	for (i = 0; i < ARRAY_SIZE(system_sizes); i++)
		bad += heap_mmap_matrix(_metadata, "system", system_sizes[i],
					MMAP_REMAP_EACH_PAGE);
	for (i = 0; i < nr_cma; i++) {
		bad += heap_mmap_matrix(_metadata, cma_heaps[i], 4 * page_size,
					MMAP_SHARED_ONLY);
		bad += heap_mmap_matrix(_metadata, cma_heaps[i], 1 * MiB,
					MMAP_SHARED_ONLY);
	}
	ASSERT_EQ(0u, bad);
}

/* ---------------------------------------------------------------------- */
/* DMA_HEAP_IOCTL_ALLOC                                                   */
/* ---------------------------------------------------------------------- */

/* Each field refused on its own: fd, fd_flags, heap_flags, len. */
TEST_F(dma_heap, alloc_bad_fields_einval)
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
	int heap = self->system, before;
	unsigned int i;

	before = next_fd();
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct dma_heap_allocation_data req = bad[i];

		ASSERT_EQ(EINVAL,
			  fails(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &req)))
			TH_LOG("case %u not refused", i);
		/* Nothing was written back. */
		ASSERT_EQ(0, memcmp(&req, &bad[i], sizeof(req)));
	}
	ASSERT_EQ(before, next_fd());
}

/* What the heap leaves of a valid request: len is not rounded in place. */
TEST_F(dma_heap, alloc_reports_fd_and_keeps_len)
{
	struct dma_heap_allocation_data req = {
		.len = page_size + 1,
		.fd_flags = O_RDWR,
	};
	int heap = self->system;

	ASSERT_EQ(0, ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &req));
	ASSERT_EQ(page_size + 1, req.len);
	ASSERT_EQ((__u32)O_RDWR, req.fd_flags);
	ASSERT_EQ(0ull, req.heap_flags);
	ASSERT_EQ((off_t)(2 * page_size), buf_size(req.fd));
	/* The heap's own descriptor can allocate again and again. */
	close(req.fd);
	req.fd = 0;
	ASSERT_EQ(0, ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &req));
	close(req.fd);
}

/* fd_flags give the access mode and close-on-exec of the new descriptor. */
TEST_F(dma_heap, alloc_fd_flags_set_mode_and_cloexec)
{
	const __u32 flags[] = {
		O_RDONLY, O_WRONLY, O_RDWR, O_RDONLY | O_CLOEXEC,
		O_WRONLY | O_CLOEXEC, O_RDWR | O_CLOEXEC,
	};
	int heap = self->system;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		int fd = heap_alloc_flags(heap, page_size, flags[i], 0);
		int fl, fdfl;
		void *p;

		ASSERT_LE(0, fd);
		fl = fcntl(fd, F_GETFL);
		fdfl = fcntl(fd, F_GETFD);
		ASSERT_EQ((int)(flags[i] & O_ACCMODE), fl & O_ACCMODE);
		ASSERT_EQ(!!(flags[i] & O_CLOEXEC), !!(fdfl & FD_CLOEXEC));
		p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 fd, 0);
		if ((flags[i] & O_ACCMODE) == O_RDWR) {
			ASSERT_NE(MAP_FAILED, p);
			munmap(p, page_size);
		} else {
			ASSERT_EQ(MAP_FAILED, p);
			ASSERT_EQ(EACCES, errno);
		}
		close(fd);
	}
}

TEST_F(dma_heap, alloc_bad_pointers_efault_without_fd_leak)
{
	struct dma_heap_allocation_data *req;
	int heap = self->system, before;

	before = next_fd();
	ASSERT_EQ(EFAULT, fails(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, NULL)));
	ASSERT_EQ(EFAULT, fails(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, (void *)8)));

	/* Readable but not writable: allocated, then undone. */
	req = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, req);
	req->len = page_size;
	req->fd_flags = O_RDWR;
	ASSERT_EQ(0, mprotect(req, page_size, PROT_READ));
	ASSERT_EQ(EFAULT, fails(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, req)));
	ASSERT_EQ(0u, req->fd);
	ASSERT_EQ(before, next_fd());
	munmap(req, page_size);
}

/* An older, shorter struct: what is missing counts as zero. */
TEST_F(dma_heap, alloc_shorter_struct_accepted)
{
	struct old_req {
		__u64 len;
		__u32 fd;
		__u32 fd_flags;
	} req = { .len = MiB, .fd_flags = O_RDWR | O_CLOEXEC };
	const unsigned int cmd = _IOWR(DMA_HEAP_IOC_MAGIC, 0, struct old_req);
	int heap = self->system;

	ASSERT_EQ(0, ioctl(heap, cmd, &req));
	ASSERT_EQ((off_t)MiB, buf_size(req.fd));
	ASSERT_TRUE(fcntl(req.fd, F_GETFD) & FD_CLOEXEC);
	close(req.fd);
}

/* 6.12's struct and command number: the same allocation as ever. */
TEST_F(dma_heap, alloc_6_12_struct_accepted)
{
	struct {
		__u64 len;
		__u32 fd;
		__u32 fd_flags;
		__u64 heap_flags;
	} req = { .len = MiB, .fd_flags = O_RDWR | O_CLOEXEC };
	int heap = self->system;

	static_assert(sizeof(req) == 24, "6.12's struct");
	ASSERT_EQ(0, ioctl(heap, DMA_HEAP_IOCTL_ALLOC_6_12, &req));
	ASSERT_EQ((off_t)MiB, buf_size(req.fd));
	ASSERT_TRUE(fcntl(req.fd, F_GETFD) & FD_CLOEXEC);
	close(req.fd);
}

/* A newer, longer struct: the extra bytes are ignored and left alone. */
TEST_F(dma_heap, alloc_longer_struct_accepted)
{
	struct new_req {
		struct dma_heap_allocation_data req;
		__u64 extra[3];
	} req = {
		.req = { .len = MiB, .fd_flags = O_RDWR },
		.extra = { 0x1111, ~0ull, 42 },
	};
	const unsigned int cmd = _IOWR(DMA_HEAP_IOC_MAGIC, 0, struct new_req);
	int heap = self->system;

	ASSERT_EQ(0, ioctl(heap, cmd, &req));
	ASSERT_EQ((off_t)MiB, buf_size(req.req.fd));
	ASSERT_EQ(0x1111ull, req.extra[0]);
	ASSERT_EQ(~0ull, req.extra[1]);
	ASSERT_EQ(42ull, req.extra[2]);
	close(req.req.fd);
}

/*
 * 6.12's own compatibility test sends 48 bytes, with -1 where charge_pid_fd
 * now is: only a request of exactly 32 bytes has that field, so this one
 * is read as 6.12 reads it.
 */
TEST_F(dma_heap, alloc_longer_struct_tail_ignored)
{
	struct {
		__u64 len;
		__u32 fd;
		__u32 fd_flags;
		__u64 heap_flags;
		__u64 garbage[3];
	} req = {
		.len = MiB,
		.fd_flags = O_RDWR,
		.garbage = { 0xffffffff, 0x88888888, 0x11111111 },
	};
	const unsigned int cmd = _IOWR(DMA_HEAP_IOC_MAGIC, 0, typeof(req));

	ASSERT_EQ(0, ioctl(self->system, cmd, &req));
	ASSERT_EQ((off_t)MiB, buf_size(req.fd));
	ASSERT_EQ(0xffffffffull, req.garbage[0]);
	close(req.fd);
}

/* Numbers other than the allocation, and an allocation without input. */
TEST_F(dma_heap, alloc_unknown_commands_einval)
{
	struct dma_heap_allocation_data req = { .len = page_size };
	const unsigned long cmds[] = {
		_IOWR(DMA_HEAP_IOC_MAGIC, 1, struct dma_heap_allocation_data),
		_IO(DMA_HEAP_IOC_MAGIC, 7),
		_IOR(DMA_HEAP_IOC_MAGIC, 0, struct dma_heap_allocation_data),
		_IO(DMA_HEAP_IOC_MAGIC, 0),
	};
	int heap = self->system, before;
	unsigned int i;

	before = next_fd();
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		ASSERT_EQ(EINVAL, fails(ioctl(heap, cmds[i], &req)));
	ASSERT_EQ(before, next_fd());
}

/* Out of descriptors: -EMFILE, and the buffer is freed again. */
TEST_F(dma_heap, alloc_without_free_fd_emfile)
{
	struct rlimit old, low;
	int heap = self->system, err;
	long before = meminfo_kib("MemFree");

	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	low = old;
	low.rlim_cur = next_fd();
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &low));
	err = fails(heap_alloc(heap, 64 * MiB));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	ASSERT_EQ(EMFILE, err);
	ASSERT_LT(before - 32 * 1024, meminfo_kib("MemFree"));
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
	if (sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW))
		return 13;
	for (off = 0; off < len; off++)
		if (p[off] != (unsigned char)(off ^ 0x3c))
			return 14;
	memset(p, 0xc3, len);
	if (sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW))
		return 15;
	if (write(sock, "D", 1) != 1)
		return 16;
	return 0;
}

/*
 * The child is forked before the buffer exists, so the descriptor can
 * only reach it over the socket; both sides see each other's writes.
 */
TEST_F(dma_heap, buffer_passed_over_unix_socket_to_forked_child)
{
	const size_t len = 2 * MiB + page_size;
	unsigned char *p;
	int sv[2], fd, status;
	size_t off;
	char byte;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	self->child = fork();
	ASSERT_LE(0, self->child);
	if (!self->child) {
		close(sv[0]);
		_exit(receive_check_and_answer(sv[1], len));
	}
	close(sv[1]);

	fd = alloc_from("system", len);
	ASSERT_LE(0, fd);
	p = map_all(fd, len);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE));
	for (off = 0; off < len; off++)
		p[off] = (unsigned char)(off ^ 0x3c);
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE));
	ASSERT_EQ(0, send_fd(sv[0], fd));
	ASSERT_EQ(1, read(sv[0], &byte, 1));
	ASSERT_EQ('D', byte);

	ASSERT_EQ(self->child, waitpid(self->child, &status, 0));
	self->child = 0;
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status))
		TH_LOG("child failed at step %d", WEXITSTATUS(status));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ));
	ASSERT_TRUE(all_bytes(p, 0xc3, len));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ));
	munmap(p, len);
	close(fd);
}

/* The exporter name shows in fdinfo and bufinfo while the buffer lives. */
TEST_F(dma_heap, system_buffers_show_their_heap_name)
{
	char path[64], line[256];
	bool found = false;
	int fd = alloc_from("system", page_size);
	FILE *f;

	ASSERT_LE(0, fd);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	while (fgets(line, sizeof(line), f))
		found |= !strcmp(line, "exp_name:\tsystem\n");
	fclose(f);
	ASSERT_TRUE(found);
	close(fd);
}

/*
 * 10,000 allocations of mixed sizes, each freed at once, give all their
 * memory back. MemFree is compared net of slab growth (freed objects wait
 * in KASAN's quarantine on debug kernels) and within a few MiB for the
 * page allocator's per-CPU lists: leaking even the smallest buffer of
 * each cycle would cost 40 MiB. It takes over 20 s on a KASAN kernel
 * under TCG, close to the default limit of 30 s per case: it gets 300.
 */
TEST_F_TIMEOUT(dma_heap, ten_thousand_alloc_free_cycles_return_memory, 300)
{
	const size_t sizes[] = { 4 * KiB, 64 * KiB, 132 * KiB, 8 * KiB };
	int heap = self->system;
	long free0, slab0, free1, slab1, lost;
	unsigned int i;
	double t;

	free0 = meminfo_kib("MemFree");
	slab0 = meminfo_kib("Slab");
	ASSERT_LT(0, free0);
	ASSERT_LE(0, slab0);
	t = now_s();
	for (i = 0; i < 10000; i++) {
		size_t len = i % 1000 ? sizes[i % ARRAY_SIZE(sizes)] : MiB;
		int fd = heap_alloc(heap, len);

		ASSERT_LE(0, fd);
		close(fd);
	}
	t = now_s() - t;
	sleep_ms(200);
	free1 = meminfo_kib("MemFree");
	slab1 = meminfo_kib("Slab");
	lost = (free0 - free1) - (slab1 - slab0);
	TH_LOG("10000 cycles: %.2f s, MemFree %ld -> %ld KiB", t, free0, free1);
	TH_LOG("Slab %ld -> %ld KiB: %ld KiB unaccounted for", slab0, slab1,
	       lost);
	ASSERT_GT(8 * 1024, lost);
}

/*
 * A process killed while it allocates huge buffers leaves nothing behind:
 * an allocation cut short by the fatal signal frees what it had.
 */
TEST_F(dma_heap, killed_allocator_leaks_nothing)
{
	long before = meminfo_kib("MemFree"), after;
	int status, tries;

	self->child = fork();
	ASSERT_LE(0, self->child);
	if (!self->child) {
		int heap = self->system;

		for (;;)
			close(heap_alloc(heap, 256 * MiB));
	}
	sleep_ms(700);
	ASSERT_EQ(0, kill(self->child, SIGKILL));
	ASSERT_EQ(self->child, waitpid(self->child, &status, 0));
	self->child = 0;
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(SIGKILL, WTERMSIG(status));
	/* The dead process's last buffer is freed by a deferred fput. */
	for (tries = 0; tries < 20; tries++) {
		sleep_ms(100);
		after = meminfo_kib("MemFree");
		if (after > before - 16 * 1024)
			break;
	}
	TH_LOG("MemFree %ld -> %ld KiB", before, after);
	ASSERT_LT(before - 16 * 1024, after);
}

/* ---------------------------------------------------------------------- */
/* CMA                                                                    */
/* ---------------------------------------------------------------------- */

/*
 * On every CMA heap, a buffer comes out of the heap's CMA area and goes
 * back into it: allocating and freeing it again and again takes more
 * than the whole area, which works only if every buffer is returned.
 * The area's own count of used pages (debugfs cma/NAME/used) grows by
 * the buffer's size while it lives. Without that file, the global CmaFree
 * must drop by most of it; it is only a hint with several areas, as
 * freed pages of another can reach it from the per-CPU lists meanwhile.
 * Cycling zeroes more than every area's size, which can take minutes on
 * an emulated debug kernel that shares its CPUs: hence the timeout.
 */
TEST_F_TIMEOUT(dma_heap, every_cma_heap_allocates_from_its_area, 300)
{
	unsigned int h, i, rounds;
	long before, held;
	unsigned char *p;
	int fd;

	if (!nr_cma)
		SKIP(return, NO_CMA);
	for (h = 0; h < nr_cma; h++) {
		const char *cma = cma_heaps[h];
		bool exact = cma_area_pages(cma, "used") >= 0;
		size_t len = cma_test_len(h, 16 * MiB);

		before = exact ? cma_area_pages(cma, "used") :
				 meminfo_kib("CmaFree");
		fd = alloc_from(cma, len);
		ASSERT_LE(0, fd);
		held = exact ? cma_area_pages(cma, "used") :
			       meminfo_kib("CmaFree");
		TH_LOG("heap %s (%zu MiB): %s %ld -> %ld", cma,
		       cma_bytes[h] / MiB, exact ? "used pages" : "CmaFree KiB",
		       before, held);
		/*
		 * The buffer's pages at least (a driver may allocate from the
		 * area meanwhile), or most of its KiB.
		 */
		ASSERT_TRUE(exact ? held - before >= (long)(len / page_size) :
			    before - (long)(len / KiB * 7 / 8) >= held);
		p = map_all(fd, len);
		ASSERT_NE(MAP_FAILED, p);
		ASSERT_TRUE(all_bytes(p, 0, len));
		memset(p, 0x77, len);
		munmap(p, len);
		close(fd);

		rounds = cma_bytes[h] / len + 4;
		for (i = 0; i < rounds; i++) {
			fd = alloc_from(cma, len);
			ASSERT_LE(0, fd);
			close(fd);
		}
	}
}

/* More than an area holds: -ENOMEM, and the heap still works. */
TEST_F(dma_heap, every_cma_heap_larger_than_its_area_enomem)
{
	unsigned int h;
	int fd;

	if (!nr_cma)
		SKIP(return, NO_CMA);
	for (h = 0; h < nr_cma; h++) {
		ASSERT_EQ(ENOMEM, fails(alloc_from(cma_heaps[h],
						   cma_bytes[h] + MiB)));
		fd = alloc_from(cma_heaps[h], MiB);
		ASSERT_LE(0, fd);
		close(fd);
	}
}

/* ABI: CMA buffers are mapped shared only; a private mapping fails. */
TEST_F(dma_heap, every_cma_heap_private_mapping_einval)
{
	unsigned int h;
	int fd;

	if (!nr_cma)
		SKIP(return, NO_CMA);
	for (h = 0; h < nr_cma; h++) {
		fd = alloc_from(cma_heaps[h], page_size);
		ASSERT_LE(0, fd);
		ASSERT_EQ(MAP_FAILED, mmap(NULL, page_size, PROT_READ,
					   MAP_PRIVATE, fd, 0));
		ASSERT_EQ(EINVAL, errno);
		close(fd);
	}
}

/* ---------------------------------------------------------------------- */
/* Heap buffers in a driver's hands                                       */
/* ---------------------------------------------------------------------- */

/*
 * Every heap's buffer is imported the way a driver does it: attached to
 * the test exporter's importer device and DMA-mapped, then read through
 * a kernel mapping (vmap), which must see what user space wrote through
 * mmap: the whole buffer at once, and a run across the boundary of two
 * pages read from inside it.
 */
TEST_F(dma_heap, every_heap_imported_by_a_device_maps_and_vmaps)
{
	const size_t len = 2 * MiB + 5 * page_size;
	unsigned char *p, *all, got[64];
	unsigned int i;
	size_t off;
	int ctl, fd;

	ctl = open(DMABUF_TEST_EXPORTER_PATH, O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		SKIP(return, "no %s (CONFIG_DMABUF_KUNIT_TEST?)",
		     DMABUF_TEST_EXPORTER_PATH);
	all = malloc(len);
	ASSERT_NE(NULL, all);
	for (i = 0; i < nr_heaps; i++) {
		TH_LOG("heap: %s", heaps[i]);
		fd = alloc_from(heaps[i], len);
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, test_attach(ctl, fd, DMABUF_TEST_ATTACH_MAP));
		p = map_all(fd, len);
		ASSERT_NE(MAP_FAILED, p);
		ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE));
		for (off = 0; off < len; off++)
			p[off] = (unsigned char)(off / page_size * 13 + off + i);
		ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE));

		memset(all, 0, len);
		ASSERT_EQ(0, test_vmap_read(ctl, fd, 0, all, len));
		ASSERT_EQ(0, memcmp(p, all, len));
		off = len / 2 / page_size * page_size - sizeof(got) / 2;
		ASSERT_EQ(0, test_vmap_read(ctl, fd, off, got, sizeof(got)));
		ASSERT_EQ(0, memcmp(p + off, got, sizeof(got)));
		ASSERT_EQ(0, munmap(p, len));
		close(fd);
	}
	free(all);
	close(ctl);
}

/* The test exporter's VMAP_READ refuses what lies outside the buffer. */
TEST_F(dma_heap, vmap_read_outside_the_buffer_einval)
{
	struct dmabuf_test_vmap_read req = { .len = 1 };
	unsigned char byte;
	int ctl, fd;

	ctl = open(DMABUF_TEST_EXPORTER_PATH, O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		SKIP(return, "no %s", DMABUF_TEST_EXPORTER_PATH);
	fd = heap_alloc(self->system, page_size);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, test_vmap_read(ctl, fd, page_size - 1, &byte, 1));
	ASSERT_EQ(EINVAL, fails(test_vmap_read(ctl, fd, page_size, &byte, 1)));
	ASSERT_EQ(EINVAL, fails(test_vmap_read(ctl, fd, 1, &byte, page_size)));
	ASSERT_EQ(EINVAL, fails(test_vmap_read(ctl, fd, ~0ull, &byte, 2)));
	ASSERT_EQ(EFAULT, fails(test_vmap_read(ctl, fd, 0, NULL, 1)));
	req.fd = fd;
	req.pad = 1;
	req.data = (uintptr_t)&byte;
	ASSERT_EQ(EINVAL, fails(ioctl(ctl, DMABUF_TEST_IOCTL_VMAP_READ, &req)));
	ASSERT_EQ(EINVAL, fails(test_vmap_read(ctl, ctl, 0, &byte, 1)));
	close(fd);
	ASSERT_EQ(EBADF, fails(test_vmap_read(ctl, fd, 0, &byte, 1)));
	close(ctl);
}

/*
 * VMAP_READ copies at most DMABUF_TEST_VMAP_READ_MAX bytes per call, even
 * from a buffer that has more, so no user can hold a CPU in one copy.
 */
TEST_F(dma_heap, vmap_read_longer_than_its_limit_einval)
{
	const size_t len = DMABUF_TEST_VMAP_READ_MAX + page_size;
	unsigned char *dst;
	int ctl, fd;

	ctl = open(DMABUF_TEST_EXPORTER_PATH, O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		SKIP(return, "no %s", DMABUF_TEST_EXPORTER_PATH);
	dst = malloc(len);
	ASSERT_NE(NULL, dst);
	fd = heap_alloc(self->system, len);
	ASSERT_LE(0, fd);
	ASSERT_EQ(EINVAL, fails(test_vmap_read(ctl, fd, 0, dst, len)));
	ASSERT_EQ(EINVAL, fails(test_vmap_read(ctl, fd, 0, dst,
					       DMABUF_TEST_VMAP_READ_MAX + 1)));
	ASSERT_EQ(0, test_vmap_read(ctl, fd, page_size, dst,
				    DMABUF_TEST_VMAP_READ_MAX));
	close(fd);
	free(dst);
	close(ctl);
}

/* ---------------------------------------------------------------------- */
/* CMA regions of the device tree                                         */
/* ---------------------------------------------------------------------- */

/* Does reserved-memory node @node have property @prop? */
static bool dt_has(const char *node, const char *prop)
{
	char path[512];

	snprintf(path, sizeof(path), DT_RESERVED "/%s/%s", node, prop);
	return access(path, F_OK) == 0;
}

/* Is reserved-memory node @node compatible with "shared-dma-pool"? */
static bool dt_shared_dma_pool(const char *node)
{
	char path[512], compat[256] = "";
	size_t len, at;
	FILE *f;

	snprintf(path, sizeof(path), DT_RESERVED "/%s/compatible", node);
	f = fopen(path, "r");
	if (!f)
		return false;
	len = fread(compat, 1, sizeof(compat) - 1, f);
	fclose(f);
	/* A list of NUL-terminated strings. */
	for (at = 0; at < len; at += strlen(compat + at) + 1)
		if (!strcmp(compat + at, "shared-dma-pool"))
			return true;
	return false;
}

enum dt_region { DT_DEFAULT_CMA, DT_OTHER_CMA, DT_NO_MAP };

/* Is reserved-memory node @node enabled (no status, or "okay")? */
static bool dt_enabled(const char *node)
{
	char path[512], status[16] = "";
	FILE *f;

	snprintf(path, sizeof(path), DT_RESERVED "/%s/status", node);
	f = fopen(path, "r");
	if (!f)
		return true;
	if (!fgets(status, sizeof(status), f))
		status[0] = 0;
	fclose(f);
	return !strcmp(status, "okay") || !strcmp(status, "ok");
}

/* What @node is, or -1 for anything else. */
static int dt_region_kind(const char *node)
{
	if (!dt_shared_dma_pool(node) || !dt_enabled(node))
		return -1;
	if (dt_has(node, "no-map"))
		return DT_NO_MAP;
	if (!dt_has(node, "reusable"))
		return -1;
	return dt_has(node, "linux,cma-default") ? DT_DEFAULT_CMA : DT_OTHER_CMA;
}

/*
 * Check the heap of every reserved-memory region of kind @kind: a heap
 * named after the node, a CMA heap of the region's size, that allocates,
 * maps and frees (or, for DT_NO_MAP, no heap at all). A reusable region
 * that did not become a CMA area (misaligned, or a default region that
 * cma= overrode) is passed over. Returns how many regions were checked.
 */
static unsigned int check_dt_regions(struct __test_metadata *const _metadata,
				     enum dt_region kind)
{
	unsigned int found = 0, h;
	struct dirent *de;
	DIR *dir = opendir(DT_RESERVED);
	unsigned char *p;
	size_t len;
	int fd;

	if (!dir)
		return 0;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || dt_region_kind(de->d_name) != (int)kind)
			continue;
		if (kind != DT_NO_MAP && cma_area_pages(de->d_name, "count") <= 0) {
			TH_LOG("region %s is no CMA area", de->d_name);
			continue;
		}
		found++;
		TH_LOG("region %s", de->d_name);
		if (kind == DT_NO_MAP) {
			EXPECT_FALSE(have_heap(de->d_name));
			continue;
		}
		EXPECT_TRUE(have_heap(de->d_name));
		for (h = 0; h < nr_cma; h++)
			if (!strcmp(cma_heaps[h], de->d_name))
				break;
		EXPECT_GT(nr_cma, h);
		if (h == nr_cma)
			continue;
		len = cma_test_len(h, 4 * MiB);
		fd = alloc_from(de->d_name, len);
		EXPECT_LE(0, fd);
		if (fd < 0)
			continue;
		p = map_all(fd, len);
		EXPECT_NE(MAP_FAILED, p);
		if (p != MAP_FAILED) {
			EXPECT_TRUE(all_bytes(p, 0, len));
			munmap(p, len);
		}
		close(fd);
	}
	closedir(dir);
	return found;
}

/*
 * 6.12's rule: the default CMA area (linux,cma-default) is a heap named
 * after its node.
 */
TEST_F(dma_heap, device_tree_default_cma_region_is_a_heap)
{
	unsigned int found;

	if (access(DT_RESERVED, F_OK) || access(CMA_DEBUGFS, F_OK))
		SKIP(return, "no reserved-memory node, or no " CMA_DEBUGFS);
	found = check_dt_regions(_metadata, DT_DEFAULT_CMA);
	if (!found)
		SKIP(return, "no default CMA region that became a CMA area");
	ASSERT_EQ(1u, found);
}

/*
 * Every other reusable shared-dma-pool region is a heap of its own,
 * named after its full node name (upstream from 6.17; 6.12 has none).
 */
TEST_F(dma_heap, device_tree_every_reusable_region_is_a_heap)
{
	if (access(DT_RESERVED, F_OK) || access(CMA_DEBUGFS, F_OK))
		SKIP(return, "no reserved-memory node, or no " CMA_DEBUGFS);
	if (!check_dt_regions(_metadata, DT_OTHER_CMA))
		SKIP(return, "no reusable region besides the default");
}

/* A no-map region is the device's alone: never a heap. */
TEST_F(dma_heap, device_tree_no_map_region_is_not_a_heap)
{
	if (access(DT_RESERVED, F_OK))
		SKIP(return, "no device tree reserved-memory node");
	if (!check_dt_regions(_metadata, DT_NO_MAP))
		SKIP(return, "no no-map shared-dma-pool region");
}

TEST_HARNESS_MAIN

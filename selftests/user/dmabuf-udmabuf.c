// SPDX-License-Identifier: GPL-2.0
/*
 * dmabuf-udmabuf: the user space contract of /dev/udmabuf, as Linux 6.12
 * defines it.
 *
 * Every case in the table at the bottom prints one TAP line named after
 * the behaviour it checks. Only what upstream 6.12 does is asserted, so the
 * program passes on a stock kernel as well as on a replacement of
 * drivers/dma-buf. Needs CONFIG_UDMABUF and root (module parameters in
 * sysfs, file limits). Cases on hugetlbfs memfds skip themselves when no
 * huge pages are free; cases that change a module parameter skip when it
 * cannot be written, and restore it afterwards.
 *
 * Whether a buffer still pins its memfd's pages is seen from user space
 * through F_SEAL_WRITE: the kernel refuses that seal with EBUSY while any
 * page of the memfd is pinned, so succeeding in adding it proves that
 * every pin is gone.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <assert.h>
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
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/magic.h>
#include <linux/udmabuf.h>

#include "dmabuf-test-exporter.h"
#include "../kselftest.h"

/* The ABI as 6.12 has it, the same on 32-bit and 64-bit architectures. */
static_assert(sizeof(struct udmabuf_create) == 24, "abi");
static_assert(sizeof(struct udmabuf_create_item) == 24, "abi");
static_assert(sizeof(struct udmabuf_create_list) == 8, "abi");
static_assert(UDMABUF_CREATE == 0x40187542, "abi");
static_assert(UDMABUF_CREATE_LIST == 0x40087543, "abi");
static_assert(UDMABUF_FLAGS_CLOEXEC == 1, "abi");

#ifndef MFD_HUGETLB
#define MFD_HUGETLB		0x0004U
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE	0x0010
#endif

#define DEV_PATH	"/dev/udmabuf"
#define PARAM_DIR	"/sys/module/udmabuf/parameters/"
#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define MIB		(1024 * 1024ull)

/* 6.12's defaults of the module parameters. */
#define DEFAULT_LIST_LIMIT	1024
#define DEFAULT_SIZE_LIMIT_MB	64

static size_t page;		/* the page size */
static int dev = -1;		/* /dev/udmabuf, open for the whole run */

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

/* ---------------------------------------------------------------------- */
/* Module parameters, restored by the runner after every case */

struct param {
	const char *name;
	char saved[32];
	bool changed;
};

static struct param params[] = {
	{ .name = "list_limit" },
	{ .name = "size_limit_mb" },
};

static bool param_write(const char *name, const char *value)
{
	char path[128];
	ssize_t len = strlen(value);
	int fd;
	bool ok;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return false;
	ok = write(fd, value, len) == len;
	close(fd);
	return ok;
}

/* The parameter's current value, or -1 if it cannot be read. */
static long param_read(const char *name)
{
	char path[128], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

/* Set a parameter for the rest of the case; false if that is impossible. */
static bool param_set(const char *name, long value)
{
	char text[32];
	unsigned int i;
	long old;

	for (i = 0; i < ARRAY_LEN(params); i++) {
		if (strcmp(params[i].name, name))
			continue;
		old = param_read(name);
		if (old < 0)
			return false;
		if (!params[i].changed)
			snprintf(params[i].saved, sizeof(params[i].saved), "%ld",
				 old);
		snprintf(text, sizeof(text), "%ld", value);
		if (!param_write(name, text))
			return false;
		params[i].changed = true;
		return true;
	}
	return false;
}

static void params_restore(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(params); i++) {
		if (params[i].changed && !param_write(params[i].name,
						      params[i].saved))
			ksft_print_msg("could not restore %s to %s\n",
				       params[i].name, params[i].saved);
		params[i].changed = false;
	}
}

/* ---------------------------------------------------------------------- */
/* memfds and udmabufs */

/* A sealable memfd of @size bytes with @seals added, or -1. */
static int memfd_sealed(size_t size, unsigned int seals, unsigned int flags)
{
	int fd = memfd_create("udmabuf-test", MFD_ALLOW_SEALING | flags);

	if (fd < 0)
		return -1;
	if (ftruncate(fd, size) || (seals && fcntl(fd, F_ADD_SEALS, seals))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The usual memfd: @pages pages, sealed against shrinking only. */
static int memfd_of(size_t pages)
{
	return memfd_sealed(pages * page, F_SEAL_SHRINK, 0);
}

/* UDMABUF_CREATE: the new descriptor, or -1 with errno set. */
static int create(__u32 memfd, __u64 offset, __u64 size, __u32 flags)
{
	struct udmabuf_create req = {
		.memfd = memfd,
		.flags = flags,
		.offset = offset,
		.size = size,
	};

	return ioctl(dev, UDMABUF_CREATE, &req);
}

/* UDMABUF_CREATE_LIST with @count copies of @items: as create(). */
static int create_list(const struct udmabuf_create_item *items, __u32 count,
		       __u32 flags)
{
	struct udmabuf_create_list *req;
	int ret, err;

	req = calloc(1, sizeof(*req) + (size_t)count * sizeof(*items));
	if (!req)
		return -1;
	req->flags = flags;
	req->count = count;
	if (count)
		memcpy(req->list, items, count * sizeof(*items));
	ret = ioctl(dev, UDMABUF_CREATE_LIST, req);
	err = errno;
	free(req);
	errno = err;
	return ret;
}

static struct udmabuf_create_item item(int memfd, size_t first_page,
				       size_t pages)
{
	struct udmabuf_create_item it = {
		.memfd = memfd,
		.offset = first_page * page,
		.size = pages * page,
	};

	return it;
}

/* The 64-bit tag written at the start of page @index of a memfd. */
static __u64 tag(int seed, size_t index)
{
	return 0x7564000000000000ull | (__u64)seed << 32 | index;
}

/* Tag every page of @memfd's first @pages pages, through write(). */
static bool tag_pages(int memfd, int seed, size_t pages)
{
	size_t i;

	for (i = 0; i < pages; i++) {
		__u64 t = tag(seed, i);

		if (pwrite(memfd, &t, sizeof(t), i * page) != sizeof(t))
			return false;
	}
	return true;
}

static __u64 read_tag(int fd, size_t index)
{
	__u64 t = 0;

	if (pread(fd, &t, sizeof(t), index * page) != sizeof(t))
		return ~0ull;
	return t;
}

/* A shared read-write mapping of @len bytes of @fd, or NULL. */
static void *map(int fd, size_t len, off_t offset)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		       offset);

	return p == MAP_FAILED ? NULL : p;
}

static __u64 word_at(const void *base, size_t index)
{
	return *(const __u64 *)((const char *)base + index * page);
}

/* The size of a dma-buf, as lseek(SEEK_END) reports it; -1 on error. */
static off_t dmabuf_size(int fd)
{
	return lseek(fd, 0, SEEK_END);
}

/*
 * True if no page of @memfd is pinned any more: F_SEAL_WRITE succeeds
 * only then (and only without writable mappings of the memfd). Seals the
 * memfd for good, so it is the last thing a case does with it.
 */
static bool unpinned(int memfd)
{
	return fcntl(memfd, F_ADD_SEALS, F_SEAL_WRITE) == 0;
}

/* A field of /proc/meminfo in kB, or -1. */
static long mem_kb(const char *field)
{
	char line[128];
	size_t len = strlen(field);
	long value = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, len) && line[len] == ':') {
			value = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return value;
}

/* ---------------------------------------------------------------------- */
/* Creating buffers */

static int create_returns_rdwr_dmabuf_of_range_size(void)
{
	int memfd = memfd_of(8), fd;

	EXPECT(memfd >= 0);
	fd = create(memfd, 2 * page, 3 * page, 0);
	EXPECT(fd >= 0);
	EXPECT(dmabuf_size(fd) == (off_t)(3 * page));
	EXPECT((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
	EXPECT(!cloexec(fd));
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ) == 0);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ) == 0);
	return KSFT_PASS;
}

static int cloexec_flag_gives_cloexec_fd(void)
{
	struct udmabuf_create_item it;
	int memfd = memfd_of(2), fd;

	EXPECT(memfd >= 0);
	fd = create(memfd, 0, page, UDMABUF_FLAGS_CLOEXEC);
	EXPECT(fd >= 0 && cloexec(fd));
	it = item(memfd, 1, 1);
	fd = create_list(&it, 1, UDMABUF_FLAGS_CLOEXEC);
	EXPECT(fd >= 0 && cloexec(fd));
	fd = create_list(&it, 1, 0);
	EXPECT(fd >= 0 && !cloexec(fd));
	return KSFT_PASS;
}

/* 6.12 never checked the other bits; rejecting them now would break ABI. */
static int unknown_flag_bits_are_ignored(void)
{
	struct udmabuf_create_item it;
	int memfd = memfd_of(1), fd;

	EXPECT(memfd >= 0);
	fd = create(memfd, 0, page, 0xfffffffe);
	EXPECT(fd >= 0 && !cloexec(fd));
	fd = create(memfd, 0, page, ~0u);
	EXPECT(fd >= 0 && cloexec(fd));
	it = item(memfd, 0, 1);
	fd = create_list(&it, 1, 0x80000000);
	EXPECT(fd >= 0 && !cloexec(fd));
	return KSFT_PASS;
}

static int data_written_to_memfd_is_seen_in_udmabuf(void)
{
	int memfd = memfd_of(16), fd;
	__u64 *p;
	size_t i;

	EXPECT(memfd >= 0);
	EXPECT(tag_pages(memfd, 1, 16));
	fd = create(memfd, 4 * page, 8 * page, 0);
	EXPECT(fd >= 0);
	p = map(fd, 8 * page, 0);
	EXPECT(p);
	for (i = 0; i < 8; i++)
		EXPECT(word_at(p, i) == tag(1, i + 4));
	/* Written after the buffer was made: still the same pages. */
	EXPECT(tag_pages(memfd, 2, 16));
	for (i = 0; i < 8; i++)
		EXPECT(word_at(p, i) == tag(2, i + 4));
	EXPECT(munmap(p, 8 * page) == 0);
	return KSFT_PASS;
}

/* Also for a memfd whose pages did not exist yet: the pin makes them. */
static int data_written_to_udmabuf_is_seen_in_memfd(void)
{
	int memfd = memfd_of(8), fd;
	char *p;
	size_t i;

	EXPECT(memfd >= 0);
	fd = create(memfd, 0, 8 * page, 0);
	EXPECT(fd >= 0);
	p = map(fd, 8 * page, 0);
	EXPECT(p);
	for (i = 0; i < 8; i++) {
		EXPECT(word_at(p, i) == 0);
		*(__u64 *)(p + i * page) = tag(3, i);
		*(__u64 *)(p + (i + 1) * page - 8) = ~tag(3, i);
	}
	for (i = 0; i < 8; i++) {
		__u64 last = 0;

		EXPECT(read_tag(memfd, i) == tag(3, i));
		EXPECT(pread(memfd, &last, 8, (i + 1) * page - 8) == 8);
		EXPECT(last == ~tag(3, i));
	}
	EXPECT(munmap(p, 8 * page) == 0);
	return KSFT_PASS;
}

static int memfd_mapping_and_udmabuf_mapping_share_pages(void)
{
	int memfd = memfd_of(4), fd;
	char *a, *b;

	EXPECT(memfd >= 0);
	a = map(memfd, 4 * page, 0);
	EXPECT(a);
	fd = create(memfd, page, 2 * page, 0);
	EXPECT(fd >= 0);
	b = map(fd, 2 * page, 0);
	EXPECT(b);
	snprintf(a + page + 100, 32, "through the memfd");
	EXPECT(!strcmp(b + 100, "through the memfd"));
	snprintf(b + page + 200, 32, "through the udmabuf");
	EXPECT(!strcmp(a + 2 * page + 200, "through the udmabuf"));
	EXPECT(munmap(a, 4 * page) == 0);
	EXPECT(munmap(b, 2 * page) == 0);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* Which memfds are accepted */

static int unsealed_memfd_einval(void)
{
	int memfd = memfd_sealed(4 * page, 0, 0);

	EXPECT(memfd >= 0);
	EXPECT(fails(create(memfd, 0, page, 0)) == EINVAL);
	/* Growing is no substitute for shrinking. */
	EXPECT(fcntl(memfd, F_ADD_SEALS, F_SEAL_GROW) == 0);
	EXPECT(fails(create(memfd, 0, page, 0)) == EINVAL);
	return KSFT_PASS;
}

/* Without MFD_ALLOW_SEALING a memfd only ever has F_SEAL_SEAL. */
static int memfd_without_sealing_einval(void)
{
	int memfd = memfd_create("udmabuf-test", 0);

	EXPECT(memfd >= 0);
	EXPECT(ftruncate(memfd, 4 * page) == 0);
	EXPECT(fails(create(memfd, 0, page, 0)) == EINVAL);
	return KSFT_PASS;
}

static int write_sealed_memfd_einval(void)
{
	int memfd = memfd_sealed(4 * page, F_SEAL_SHRINK | F_SEAL_WRITE, 0);

	EXPECT(memfd >= 0);
	EXPECT(fails(create(memfd, 0, page, 0)) == EINVAL);
	return KSFT_PASS;
}

static int future_write_sealed_memfd_einval(void)
{
	int memfd = memfd_sealed(4 * page, F_SEAL_SHRINK | F_SEAL_FUTURE_WRITE,
				 0);
	struct udmabuf_create_item it;

	EXPECT(memfd >= 0);
	EXPECT(fails(create(memfd, 0, page, 0)) == EINVAL);
	it = item(memfd, 0, 1);
	EXPECT(fails(create_list(&it, 1, 0)) == EINVAL);
	return KSFT_PASS;
}

static int other_seals_besides_shrink_accepted(void)
{
	int memfd = memfd_sealed(4 * page,
				 F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL, 0);

	EXPECT(memfd >= 0);
	EXPECT(create(memfd, 0, 4 * page, 0) >= 0);
	return KSFT_PASS;
}

/*
 * A file created on tmpfs is shmem like a memfd but can never be sealed
 * (it carries F_SEAL_SEAL), so it lacks F_SEAL_SHRINK.
 */
static int tmpfs_file_not_memfd_einval(void)
{
	char path[] = "/tmp/udmabuf-XXXXXX";
	struct statfs fs;
	int fd;

	if (statfs("/tmp", &fs) || fs.f_type != TMPFS_MAGIC) {
		ksft_print_msg("/tmp is not tmpfs\n");
		return KSFT_SKIP;
	}
	fd = mkstemp(path);
	EXPECT(fd >= 0);
	unlink(path);
	EXPECT(ftruncate(fd, 4 * page) == 0);
	EXPECT(fails(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK)) == EPERM);
	EXPECT(fails(create(fd, 0, page, 0)) == EINVAL);
	return KSFT_PASS;
}

/* Files of other kinds read as a bad descriptor: EBADFD, not EBADF. */
static int non_shmem_file_ebadfd(void)
{
	int null = open("/dev/null", O_RDWR), pipes[2], memfd, fd;

	EXPECT(null >= 0);
	EXPECT(fails(create(null, 0, page, 0)) == EBADFD);
	EXPECT(pipe(pipes) == 0);
	EXPECT(fails(create(pipes[0], 0, page, 0)) == EBADFD);
	memfd = memfd_of(1);
	EXPECT(memfd >= 0);
	fd = create(memfd, 0, page, 0);
	EXPECT(fd >= 0);
	/* A udmabuf is no memfd either. */
	EXPECT(fails(create(fd, 0, page, 0)) == EBADFD);
	return KSFT_PASS;
}

static int closed_or_invalid_fd_ebadfd(void)
{
	int memfd = memfd_of(1);

	EXPECT(memfd >= 0);
	EXPECT(close(memfd) == 0);
	EXPECT(fails(create(memfd, 0, page, 0)) == EBADFD);
	EXPECT(fails(create(~0u, 0, page, 0)) == EBADFD);
	EXPECT(fails(create(INT_MAX, 0, page, 0)) == EBADFD);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* Which ranges are accepted */

static int unaligned_offset_einval(void)
{
	int memfd = memfd_of(4);

	EXPECT(memfd >= 0);
	EXPECT(fails(create(memfd, page / 2, page, 0)) == EINVAL);
	EXPECT(fails(create(memfd, 1, page, 0)) == EINVAL);
	EXPECT(fails(create(memfd, page + 8, page, 0)) == EINVAL);
	return KSFT_PASS;
}

static int unaligned_size_einval(void)
{
	int memfd = memfd_of(4);

	EXPECT(memfd >= 0);
	EXPECT(fails(create(memfd, 0, page / 2, 0)) == EINVAL);
	EXPECT(fails(create(memfd, 0, page + 1, 0)) == EINVAL);
	EXPECT(fails(create(memfd, 0, 1, 0)) == EINVAL);
	return KSFT_PASS;
}

static int zero_size_einval(void)
{
	int memfd = memfd_of(4);

	EXPECT(memfd >= 0);
	EXPECT(fails(create(memfd, 0, 0, 0)) == EINVAL);
	EXPECT(fails(create(memfd, page, 0, 0)) == EINVAL);
	return KSFT_PASS;
}

static int range_past_end_einval(void)
{
	int memfd = memfd_of(4);

	EXPECT(memfd >= 0);
	EXPECT(fails(create(memfd, 4 * page, page, 0)) == EINVAL);
	EXPECT(fails(create(memfd, 3 * page, 2 * page, 0)) == EINVAL);
	EXPECT(fails(create(memfd, 0, 5 * page, 0)) == EINVAL);
	EXPECT(fails(create(memfd, 1024 * page, page, 0)) == EINVAL);
	/* The memfd still works: nothing was left pinned. */
	EXPECT(create(memfd, 3 * page, page, 0) >= 0);
	return KSFT_PASS;
}

/* Offsets whose sum with the size wraps, or that are negative as loff_t. */
static int offset_near_u64_max_einval(void)
{
	__u64 top = ~0ull & ~(__u64)(page - 1);
	int memfd = memfd_of(4);

	EXPECT(memfd >= 0);
	EXPECT(fails(create(memfd, top, page, 0)) == EINVAL);
	EXPECT(fails(create(memfd, top - page, 2 * page, 0)) == EINVAL);
	EXPECT(fails(create(memfd, top, 4 * page, 0)) == EINVAL);
	EXPECT(fails(create(memfd, 1ull << 63, page, 0)) == EINVAL);
	EXPECT(fails(create(memfd, (1ull << 63) - page, page, 0)) == EINVAL);
	EXPECT(fails(create(memfd, (1ull << 63) - page, 2 * page, 0)) ==
	       EINVAL);
	EXPECT(fails(create(memfd, page, top, 0)) == EINVAL);
	EXPECT(create(memfd, 0, 4 * page, 0) >= 0);
	return KSFT_PASS;
}

/* Checked before the memfd is even looked at: no memory is needed. */
static int size_over_default_limit_einval(void)
{
	int memfd = memfd_of(1);
	long limit = param_read("size_limit_mb");

	if (limit < 0)
		limit = DEFAULT_SIZE_LIMIT_MB;
	EXPECT(memfd >= 0);
	EXPECT(fails(create(memfd, 0, limit * MIB + page, 0)) == EINVAL);
	EXPECT(fails(create(memfd, 0, ~0ull & ~(__u64)(page - 1), 0)) ==
	       EINVAL);
	return KSFT_PASS;
}

static int size_limit_mb_is_enforced(void)
{
	struct udmabuf_create_item two[2];
	int memfd = memfd_of(3 * MIB / page);

	EXPECT(memfd >= 0);
	EXPECT(param_read("size_limit_mb") == DEFAULT_SIZE_LIMIT_MB);
	if (!param_set("size_limit_mb", 1))
		return KSFT_SKIP;
	EXPECT(create(memfd, 0, MIB, 0) >= 0);
	EXPECT(fails(create(memfd, 0, MIB + page, 0)) == EINVAL);
	/* The limit is on the sum of the ranges. */
	two[0] = item(memfd, 0, MIB / page / 2);
	two[1] = item(memfd, MIB / page, MIB / page / 2);
	EXPECT(create_list(two, 2, 0) >= 0);
	two[1].size += page;
	EXPECT(fails(create_list(two, 2, 0)) == EINVAL);
	EXPECT(param_set("size_limit_mb", 0));
	EXPECT(fails(create(memfd, 0, page, 0)) == EINVAL);
	EXPECT(param_set("size_limit_mb", 3));
	EXPECT(create(memfd, 0, 3 * MIB, 0) >= 0);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* UDMABUF_CREATE_LIST */

static int list_concatenates_ranges_in_order(void)
{
	static const size_t first[] = { 5, 0, 9, 2 };
	static const size_t len[] = { 3, 2, 1, 1 };
	struct udmabuf_create_item items[ARRAY_LEN(first)];
	int memfd = memfd_of(10), fd;
	size_t i, j, at = 0;
	__u64 *p;

	EXPECT(memfd >= 0);
	EXPECT(tag_pages(memfd, 4, 10));
	for (i = 0; i < ARRAY_LEN(first); i++)
		items[i] = item(memfd, first[i], len[i]);
	fd = create_list(items, ARRAY_LEN(items), 0);
	EXPECT(fd >= 0);
	EXPECT(dmabuf_size(fd) == (off_t)(7 * page));
	p = map(fd, 7 * page, 0);
	EXPECT(p);
	for (i = 0; i < ARRAY_LEN(first); i++)
		for (j = 0; j < len[i]; j++)
			EXPECT(word_at(p, at++) == tag(4, first[i] + j));
	EXPECT(munmap(p, 7 * page) == 0);
	return KSFT_PASS;
}

static int list_of_several_memfds(void)
{
	struct udmabuf_create_item items[3];
	int a = memfd_of(4), b = memfd_of(4), fd;
	__u64 *p;

	EXPECT(a >= 0 && b >= 0);
	EXPECT(tag_pages(a, 5, 4) && tag_pages(b, 6, 4));
	items[0] = item(b, 3, 1);
	items[1] = item(a, 1, 2);
	items[2] = item(b, 0, 1);
	fd = create_list(items, 3, 0);
	EXPECT(fd >= 0);
	p = map(fd, 4 * page, 0);
	EXPECT(p);
	EXPECT(word_at(p, 0) == tag(6, 3));
	EXPECT(word_at(p, 1) == tag(5, 1));
	EXPECT(word_at(p, 2) == tag(5, 2));
	EXPECT(word_at(p, 3) == tag(6, 0));
	EXPECT(munmap(p, 4 * page) == 0);
	return KSFT_PASS;
}

/* The same pages twice: pinned twice, released twice. */
static int list_may_repeat_a_range(void)
{
	struct udmabuf_create_item items[2];
	int memfd = memfd_of(2), fd;
	char *p;

	EXPECT(memfd >= 0);
	items[0] = item(memfd, 0, 2);
	items[1] = items[0];
	fd = create_list(items, 2, 0);
	EXPECT(fd >= 0);
	p = map(fd, 4 * page, 0);
	EXPECT(p);
	snprintf(p + page, 16, "twice");
	EXPECT(!strcmp(p + 3 * page, "twice"));
	EXPECT(munmap(p, 4 * page) == 0);
	EXPECT(close(fd) == 0);
	EXPECT(unpinned(memfd));
	return KSFT_PASS;
}

static int list_count_zero_einval(void)
{
	struct udmabuf_create_item it;
	int memfd = memfd_of(1);

	EXPECT(memfd >= 0);
	it = item(memfd, 0, 1);
	EXPECT(fails(create_list(&it, 0, 0)) == EINVAL);
	return KSFT_PASS;
}

static int list_count_over_list_limit_einval(void)
{
	long limit = param_read("list_limit");
	struct udmabuf_create_item *items;
	int memfd = memfd_of(1);
	unsigned int i;

	if (limit < 0)
		limit = DEFAULT_LIST_LIMIT;
	EXPECT(memfd >= 0);
	items = calloc(limit + 1, sizeof(*items));
	EXPECT(items);
	for (i = 0; i <= limit; i++)
		items[i] = item(memfd, 0, 1);
	EXPECT(fails(create_list(items, limit + 1, 0)) == EINVAL);
	/* Refused before the entries are read: no valid memory needed. */
	{
		struct udmabuf_create_list head = { .count = ~0u };

		EXPECT(fails(ioctl(dev, UDMABUF_CREATE_LIST, &head)) == EINVAL);
	}
	/* The limit itself is allowed (the default is small enough). */
	if (limit <= DEFAULT_LIST_LIMIT)
		EXPECT(create_list(items, limit, 0) >= 0);
	free(items);
	return KSFT_PASS;
}

static int list_limit_is_enforced(void)
{
	struct udmabuf_create_item items[5];
	int memfd = memfd_of(5);
	unsigned int i;

	EXPECT(memfd >= 0);
	EXPECT(param_read("list_limit") == DEFAULT_LIST_LIMIT);
	if (!param_set("list_limit", 4))
		return KSFT_SKIP;
	for (i = 0; i < 5; i++)
		items[i] = item(memfd, i, 1);
	EXPECT(create_list(items, 4, 0) >= 0);
	EXPECT(fails(create_list(items, 5, 0)) == EINVAL);
	EXPECT(param_set("list_limit", 0));
	EXPECT(fails(create_list(items, 1, 0)) == EINVAL);
	/* UDMABUF_CREATE is a single range and knows no list limit. */
	EXPECT(create(memfd, 0, page, 0) >= 0);
	return KSFT_PASS;
}

static int list_with_a_bad_entry_fails_and_unpins(void)
{
	struct udmabuf_create_item items[3];
	int memfd = memfd_of(4), other = memfd_of(1), sealed;

	EXPECT(memfd >= 0 && other >= 0);
	items[0] = item(memfd, 0, 2);
	items[1] = item(memfd, 2, 1);
	items[2] = item(other, 0, 1);
	/* Each bad last entry, after the earlier ones have been pinned. */
	items[2].memfd = 9999;
	EXPECT(fails(create_list(items, 3, 0)) == EBADFD);
	items[2] = item(other, 1, 1);
	EXPECT(fails(create_list(items, 3, 0)) == EINVAL);
	sealed = memfd_sealed(page, F_SEAL_SHRINK | F_SEAL_WRITE, 0);
	EXPECT(sealed >= 0);
	items[2] = item(sealed, 0, 1);
	EXPECT(fails(create_list(items, 3, 0)) == EINVAL);
	items[2] = item(memfd, 0, 0);
	EXPECT(fails(create_list(items, 3, 0)) == EINVAL);
	items[2] = item(memfd, 0, 1);
	items[2].offset += 1;
	EXPECT(fails(create_list(items, 3, 0)) == EINVAL);
	EXPECT(unpinned(memfd));
	EXPECT(unpinned(other));
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* The device itself */

static int unknown_ioctl_enotty(void)
{
	int arg = 0;

	EXPECT(fails(ioctl(dev, _IOW('u', 0x44, int), &arg)) == ENOTTY);
	EXPECT(fails(ioctl(dev, _IO('u', 0x42), 0)) == ENOTTY);
	EXPECT(fails(ioctl(dev, DMA_BUF_IOCTL_SYNC, &arg)) == ENOTTY);
	return KSFT_PASS;
}

static int bad_argument_pointer_efault(void)
{
	int before = next_fd();
	void *gone = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	struct udmabuf_create_list *head;

	EXPECT(gone != MAP_FAILED);
	EXPECT(munmap(gone, page) == 0);
	EXPECT(fails(ioctl(dev, UDMABUF_CREATE, NULL)) == EFAULT);
	EXPECT(fails(ioctl(dev, UDMABUF_CREATE, gone)) == EFAULT);
	EXPECT(fails(ioctl(dev, UDMABUF_CREATE_LIST, NULL)) == EFAULT);
	/* The head readable, the entries behind it not. */
	head = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(head != MAP_FAILED);
	EXPECT(munmap((char *)head + page, page) == 0);
	head = (void *)((char *)head + page - sizeof(*head));
	head->count = 1;
	EXPECT(fails(ioctl(dev, UDMABUF_CREATE_LIST, head)) == EFAULT);
	EXPECT(next_fd() == before);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* Pins */

static int write_seal_refused_while_pinned(void)
{
	int memfd = memfd_of(2), fd;

	EXPECT(memfd >= 0);
	fd = create(memfd, page, page, 0);
	EXPECT(fd >= 0);
	EXPECT(fails(fcntl(memfd, F_ADD_SEALS, F_SEAL_WRITE)) == EBUSY);
	EXPECT(close(fd) == 0);
	EXPECT(unpinned(memfd));
	/* Sealed now: no new buffer. */
	EXPECT(fails(create(memfd, 0, page, 0)) == EINVAL);
	return KSFT_PASS;
}

/* The mapping keeps the buffer, and with it the pins, after close(). */
static int mapping_outlives_descriptor(void)
{
	int memfd = memfd_of(2), fd;
	char *p, text[16] = "";

	EXPECT(memfd >= 0);
	fd = create(memfd, 0, 2 * page, 0);
	EXPECT(fd >= 0);
	p = map(fd, 2 * page, 0);
	EXPECT(p);
	EXPECT(close(fd) == 0);
	snprintf(p + page, 16, "still here");
	EXPECT(fails(fcntl(memfd, F_ADD_SEALS, F_SEAL_WRITE)) == EBUSY);
	EXPECT(munmap(p, 2 * page) == 0);
	EXPECT(unpinned(memfd));
	EXPECT(pread(memfd, text, 11, page) == 11);
	EXPECT(!strcmp(text, "still here"));
	return KSFT_PASS;
}

/*
 * With the descriptor table full, the buffer is made and exported but
 * gets no descriptor: it must be released with everything it pinned.
 */
static int full_fd_table_emfile_and_unpins(void)
{
	struct udmabuf_create_item items[2];
	struct rlimit old, low;
	int memfd = memfd_of(4), err, err2;

	EXPECT(memfd >= 0);
	items[0] = item(memfd, 0, 2);
	items[1] = item(memfd, 2, 2);
	EXPECT(getrlimit(RLIMIT_NOFILE, &old) == 0);
	low = old;
	low.rlim_cur = next_fd();
	EXPECT(setrlimit(RLIMIT_NOFILE, &low) == 0);
	err = fails(create(memfd, 0, 4 * page, 0));
	err2 = fails(create_list(items, 2, UDMABUF_FLAGS_CLOEXEC));
	EXPECT(setrlimit(RLIMIT_NOFILE, &old) == 0);
	EXPECT(err == EMFILE);
	EXPECT(err2 == EMFILE);
	EXPECT(unpinned(memfd));
	return KSFT_PASS;
}

/*
 * F_SEAL_WRITE and a new buffer race: one of them may win, never both.
 * If both did, a writable dma-buf would alias a write-sealed memfd.
 */
static int write_seal_and_create_never_both_succeed(void)
{
	int round, both = 0, sealed_first = 0, created_first = 0;

	for (round = 0; round < 40; round++) {
		int memfd = memfd_of(64), fd, status;
		pid_t pid;

		EXPECT(memfd >= 0);
		pid = fork();
		EXPECT(pid >= 0);
		if (!pid)
			_exit(fcntl(memfd, F_ADD_SEALS, F_SEAL_WRITE) ? 1 : 0);
		fd = create(memfd, 0, 64 * page, 0);
		EXPECT(waitpid(pid, &status, 0) == pid && WIFEXITED(status));
		if (fd >= 0 && WEXITSTATUS(status) == 0)
			both++;
		else if (fd >= 0)
			created_first++;
		else
			sealed_first++;
		if (fd >= 0)
			close(fd);
		close(memfd);
	}
	ksft_print_msg("seal won %d, create won %d, both %d\n",
		       sealed_first, created_first, both);
	EXPECT(both == 0);
	return KSFT_PASS;
}

/*
 * 10000 buffers made and closed, 100 on each of 100 fresh memfds: every
 * memfd must be free of pins once its buffers are gone (else F_SEAL_WRITE
 * fails), and the memory of all of it must come back.
 */
static int create_close_10k_cycles_return_memory(void)
{
	struct timespec t0, t1;
	long before, after;
	int m, i, memfd, fd;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	before = mem_kb("MemFree");
	EXPECT(before > 0);
	for (m = 0; m < 100; m++) {
		memfd = memfd_of(16);
		EXPECT(memfd >= 0);
		for (i = 0; i < 100; i++) {
			fd = create(memfd, 0, 16 * page,
				    i & 1 ? UDMABUF_FLAGS_CLOEXEC : 0);
			EXPECT(fd >= 0);
			EXPECT(close(fd) == 0);
		}
		EXPECT(unpinned(memfd));
		EXPECT(close(memfd) == 0);
	}
	after = mem_kb("MemFree");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ksft_print_msg("MemFree %ld kB before, %ld kB after 10000 cycles (%ld s)\n",
		       before, after, (long)(t1.tv_sec - t0.tv_sec));
	/* Allow for caches and for KASAN's quarantine of freed objects. */
	EXPECT(before - after < 64 * 1024);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* mmap and CPU access through the dma-buf */

static int private_mapping_einval(void)
{
	int memfd = memfd_of(1), fd;

	EXPECT(memfd >= 0);
	fd = create(memfd, 0, page, 0);
	EXPECT(fd >= 0);
	EXPECT(mmap(NULL, page, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED);
	EXPECT(errno == EINVAL);
	return KSFT_PASS;
}

static int mapping_past_end_einval(void)
{
	int memfd = memfd_of(4), fd;

	EXPECT(memfd >= 0);
	fd = create(memfd, 0, 2 * page, 0);
	EXPECT(fd >= 0);
	EXPECT(!map(fd, 3 * page, 0) && errno == EINVAL);
	EXPECT(!map(fd, page, 2 * page) && errno == EINVAL);
	EXPECT(!map(fd, 2 * page, page) && errno == EINVAL);
	return KSFT_PASS;
}

static int mapping_at_offset_sees_later_pages(void)
{
	int memfd = memfd_of(6), fd;
	__u64 *p;

	EXPECT(memfd >= 0);
	EXPECT(tag_pages(memfd, 8, 6));
	fd = create(memfd, page, 4 * page, 0);
	EXPECT(fd >= 0);
	p = map(fd, 2 * page, 2 * page);
	EXPECT(p);
	EXPECT(word_at(p, 0) == tag(8, 3));
	EXPECT(word_at(p, 1) == tag(8, 4));
	EXPECT(munmap(p, 2 * page) == 0);
	return KSFT_PASS;
}

/*
 * Every mmap() flavour, length and offset gives 6.12's result: shared
 * mappings inside the buffer work and show the right pages, private ones
 * and any reaching past the end fail with EINVAL. The buffer starts one
 * page into its memfd, so the pages shown are checked against the range.
 */
static int mmap_matrix_matches_6_12(void)
{
	const size_t sizes[] = { 2, 4, 1 * MIB / page, 4 * MIB / page };
	unsigned int s, bad = 0;

	for (s = 0; s < ARRAY_LEN(sizes); s++) {
		const size_t pages = sizes[s];
		__u64 *tags = calloc(pages, sizeof(*tags));
		int memfd = memfd_of(pages + 1), fd;
		size_t i;

		EXPECT(tags);
		EXPECT(memfd >= 0);
		EXPECT(tag_pages(memfd, 9, pages + 1));
		for (i = 0; i < pages; i++)
			tags[i] = tag(9, i + 1);
		fd = create(memfd, page, pages * page, 0);
		EXPECT(fd >= 0);
		bad += mmap_matrix(fd, pages * page, O_RDWR, MMAP_SHARED_ONLY,
				   tags, page);
		close(fd);
		close(memfd);
		free(tags);
	}
	EXPECT(bad == 0);
	return KSFT_PASS;
}

static int sync_ioctl_round_trip(void)
{
	static const __u64 dirs[] = {
		DMA_BUF_SYNC_READ, DMA_BUF_SYNC_WRITE, DMA_BUF_SYNC_RW,
	};
	int memfd = memfd_of(4), fd;
	unsigned int i;
	char *p;

	EXPECT(memfd >= 0);
	fd = create(memfd, 0, 4 * page, 0);
	EXPECT(fd >= 0);
	p = map(fd, 4 * page, 0);
	EXPECT(p);
	for (i = 0; i < ARRAY_LEN(dirs); i++) {
		EXPECT(sync_buf(fd, DMA_BUF_SYNC_START | dirs[i]) == 0);
		sprintf(p + 3 * page, "round %u", i);
		EXPECT(sync_buf(fd, DMA_BUF_SYNC_END | dirs[i]) == 0);
	}
	/* Nested and repeated brackets are fine as well. */
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ) == 0);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE) == 0);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE) == 0);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ) == 0);
	EXPECT(fails(sync_buf(fd, DMA_BUF_SYNC_START)) == EINVAL);
	{
		char text[16] = "";

		EXPECT(pread(memfd, text, sizeof(text) - 1, 3 * page) > 0);
		EXPECT(!strcmp(text, "round 2"));
	}
	EXPECT(munmap(p, 4 * page) == 0);
	return KSFT_PASS;
}

/* 6.12 keeps no CPU mapping until the first START; END alone fails. */
static int sync_end_before_any_start_einval(void)
{
	int memfd = memfd_of(1), fd;

	EXPECT(memfd >= 0);
	fd = create(memfd, 0, page, 0);
	EXPECT(fd >= 0);
	EXPECT(fails(sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW)) ==
	       EINVAL);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW) == 0);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW) == 0);
	return KSFT_PASS;
}

/* A device (the test exporter's importer) attaches and maps the buffer. */
static int importer_attaches_and_maps(void)
{
	struct dmabuf_test_attach req = { .flags = DMABUF_TEST_ATTACH_MAP };
	int memfd = memfd_of(8), fd, ctl;

	ctl = open(DMABUF_TEST_EXPORTER_PATH, O_RDWR);
	if (ctl < 0) {
		ksft_print_msg("no test exporter at %s\n",
			       DMABUF_TEST_EXPORTER_PATH);
		return KSFT_SKIP;
	}
	EXPECT(memfd >= 0);
	EXPECT(tag_pages(memfd, 9, 8));
	fd = create(memfd, 0, 8 * page, 0);
	EXPECT(fd >= 0);
	req.fd = fd;
	EXPECT(ioctl(ctl, DMABUF_TEST_IOCTL_ATTACH, &req) == 0);
	req.flags = 0;
	EXPECT(ioctl(ctl, DMABUF_TEST_IOCTL_ATTACH, &req) == 0);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW) == 0);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW) == 0);
	/* The importer keeps the buffer alive after our close(). */
	EXPECT(close(fd) == 0);
	EXPECT(fails(fcntl(memfd, F_ADD_SEALS, F_SEAL_WRITE)) == EBUSY);
	EXPECT(close(ctl) == 0);
	EXPECT(unpinned(memfd));
	EXPECT(read_tag(memfd, 7) == tag(9, 7));
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* hugetlbfs memfds */

/* Size of a huge page in bytes, 0 if fewer than @want are free. */
static size_t huge_pages_free(long want)
{
	long size = mem_kb("Hugepagesize");

	if (size <= 0 || mem_kb("HugePages_Free") < want) {
		ksft_print_msg("fewer than %ld free huge pages\n", want);
		return 0;
	}
	return size * 1024;
}

/*
 * A hugetlbfs memfd of @n huge pages, every 4 KiB-page tagged through a
 * mapping (which also faults the huge pages in), sealed against
 * shrinking. -1 if that is not possible here; *@hp is the huge page size.
 */
static int huge_memfd(int n, int seed, size_t *hp)
{
	int memfd;
	char *p;
	size_t i;

	*hp = huge_pages_free(n);
	if (!*hp)
		return -1;
	memfd = memfd_create("udmabuf-huge", MFD_ALLOW_SEALING | MFD_HUGETLB);
	if (memfd < 0) {
		ksft_print_msg("no hugetlbfs memfd: %s\n", strerror(errno));
		return -1;
	}
	if (ftruncate(memfd, n * *hp))
		goto fail;
	p = map(memfd, n * *hp, 0);
	if (!p)
		goto fail;
	for (i = 0; i < n * *hp / page; i++)
		*(__u64 *)(p + i * page) = tag(seed, i);
	munmap(p, n * *hp);
	if (fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK))
		goto fail;
	return memfd;
fail:
	ksft_print_msg("hugetlbfs memfd set-up failed: %s\n", strerror(errno));
	close(memfd);
	return -1;
}

/* Ranges inside one huge page, and across the boundary of two. */
static int hugetlb_ranges_inside_and_across_huge_pages(void)
{
	size_t hp, per, i;
	int memfd = huge_memfd(2, 10, &hp), fd;
	__u64 *p;

	if (memfd < 0)
		return KSFT_SKIP;
	per = hp / page;
	fd = create(memfd, 3 * page, 4 * page, 0);
	EXPECT(fd >= 0);
	p = map(fd, 4 * page, 0);
	EXPECT(p);
	for (i = 0; i < 4; i++)
		EXPECT(word_at(p, i) == tag(10, 3 + i));
	EXPECT(munmap(p, 4 * page) == 0);
	EXPECT(close(fd) == 0);

	fd = create(memfd, hp - 2 * page, 4 * page, 0);
	EXPECT(fd >= 0);
	p = map(fd, 4 * page, 0);
	EXPECT(p);
	for (i = 0; i < 4; i++)
		EXPECT(word_at(p, i) == tag(10, per - 2 + i));
	/* And back: written through the udmabuf, read through the memfd. */
	p[page / 8 * 3] = 0x1234;
	EXPECT(read_tag(memfd, per + 1) == 0x1234);
	EXPECT(munmap(p, 4 * page) == 0);
	EXPECT(close(fd) == 0);

	fd = create(memfd, 0, 2 * hp, 0);
	EXPECT(fd >= 0);
	EXPECT(dmabuf_size(fd) == (off_t)(2 * hp));
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW) == 0);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW) == 0);
	EXPECT(fails(create(memfd, hp, hp + page, 0)) == EINVAL);
	EXPECT(fails(create(memfd, page / 2, page, 0)) == EINVAL);
	return KSFT_PASS;
}

static int hugetlb_list_concatenates_in_order(void)
{
	struct udmabuf_create_item items[3];
	size_t hp, per;
	int memfd = huge_memfd(2, 11, &hp), small = memfd_of(2), fd;
	__u64 *p;

	if (memfd < 0)
		return KSFT_SKIP;
	EXPECT(small >= 0 && tag_pages(small, 12, 2));
	per = hp / page;
	items[0] = item(memfd, per + 5, 2);
	items[1] = item(small, 1, 1);
	items[2] = item(memfd, 7, 1);
	fd = create_list(items, 3, 0);
	EXPECT(fd >= 0);
	p = map(fd, 4 * page, 0);
	EXPECT(p);
	EXPECT(word_at(p, 0) == tag(11, per + 5));
	EXPECT(word_at(p, 1) == tag(11, per + 6));
	EXPECT(word_at(p, 2) == tag(12, 1));
	EXPECT(word_at(p, 3) == tag(11, 7));
	EXPECT(munmap(p, 4 * page) == 0);
	return KSFT_PASS;
}

static int hugetlb_write_sealed_memfd_einval(void)
{
	size_t hp;
	int memfd = huge_memfd(1, 13, &hp);

	if (memfd < 0)
		return KSFT_SKIP;
	EXPECT(fcntl(memfd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE) == 0);
	EXPECT(fails(create(memfd, 0, page, 0)) == EINVAL);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */

struct test_case {
	const char *name;
	int (*run)(void);
};

#define CASE(fn) { #fn, fn }

static const struct test_case cases[] = {
	CASE(create_returns_rdwr_dmabuf_of_range_size),
	CASE(cloexec_flag_gives_cloexec_fd),
	CASE(unknown_flag_bits_are_ignored),
	CASE(data_written_to_memfd_is_seen_in_udmabuf),
	CASE(data_written_to_udmabuf_is_seen_in_memfd),
	CASE(memfd_mapping_and_udmabuf_mapping_share_pages),
	CASE(unsealed_memfd_einval),
	CASE(memfd_without_sealing_einval),
	CASE(write_sealed_memfd_einval),
	CASE(future_write_sealed_memfd_einval),
	CASE(other_seals_besides_shrink_accepted),
	CASE(tmpfs_file_not_memfd_einval),
	CASE(non_shmem_file_ebadfd),
	CASE(closed_or_invalid_fd_ebadfd),
	CASE(unaligned_offset_einval),
	CASE(unaligned_size_einval),
	CASE(zero_size_einval),
	CASE(range_past_end_einval),
	CASE(offset_near_u64_max_einval),
	CASE(size_over_default_limit_einval),
	CASE(size_limit_mb_is_enforced),
	CASE(list_concatenates_ranges_in_order),
	CASE(list_of_several_memfds),
	CASE(list_may_repeat_a_range),
	CASE(list_count_zero_einval),
	CASE(list_count_over_list_limit_einval),
	CASE(list_limit_is_enforced),
	CASE(list_with_a_bad_entry_fails_and_unpins),
	CASE(unknown_ioctl_enotty),
	CASE(bad_argument_pointer_efault),
	CASE(write_seal_refused_while_pinned),
	CASE(mapping_outlives_descriptor),
	CASE(full_fd_table_emfile_and_unpins),
	CASE(write_seal_and_create_never_both_succeed),
	CASE(private_mapping_einval),
	CASE(mapping_past_end_einval),
	CASE(mapping_at_offset_sees_later_pages),
	CASE(mmap_matrix_matches_6_12),
	CASE(sync_ioctl_round_trip),
	CASE(sync_end_before_any_start_einval),
	CASE(importer_attaches_and_maps),
	CASE(hugetlb_ranges_inside_and_across_huge_pages),
	CASE(hugetlb_list_concatenates_in_order),
	CASE(hugetlb_write_sealed_memfd_einval),
	CASE(create_close_10k_cycles_return_memory),
};

/* Whatever a case left behind: its descriptors and parameters. */
static void clean_up(void)
{
	params_restore();
	close_range(4, ~0U, 0);
}

/* A failed EXPECT() lands here, via longjmp(), with the case abandoned. */
static int run_case(const struct test_case *c)
{
	if (setjmp(case_failed))
		return KSFT_FAIL;
	return c->run();
}

int main(void)
{
	unsigned int i;

	ksft_print_header();
	page = sysconf(_SC_PAGESIZE);
	/* Descriptor 3, below what clean_up() closes after each case. */
	dev = open(DEV_PATH, O_RDWR);
	if (dev < 0)
		ksft_exit_skip("cannot open %s: %s (CONFIG_UDMABUF?)\n",
			       DEV_PATH, strerror(errno));
	if (dev != 3 && (dup2(dev, 3) != 3 || close(dev)))
		ksft_exit_fail_msg("cannot move %s to descriptor 3\n", DEV_PATH);
	dev = 3;
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

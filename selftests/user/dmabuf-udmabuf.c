// SPDX-License-Identifier: GPL-2.0
/*
 * dmabuf-udmabuf: the user space contract of /dev/udmabuf.
 *
 * Each case is named after the behaviour it checks. Only what the ABI
 * gives user space is asserted (ABI: user space sees exactly this), so the
 * program passes on any kernel that keeps that ABI. Needs CONFIG_UDMABUF
 * and root (module parameters in sysfs, file limits); without /dev/udmabuf
 * every case skips. Cases on hugetlbfs memfds skip themselves when no huge
 * pages are free; cases that change a module parameter skip when it cannot
 * be written, and the fixture restores it after the case.
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

/* Its SIGALRM handler leaves an argument unused, which -Wextra reports. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../kselftest_harness.h"
#pragma GCC diagnostic pop

#include "dmabuf-test-ctl.h"
#include "dmabuf-util.h"

/* The ABI, fixed for user space, the same on 32-bit and 64-bit architectures. */
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
#define MIB		(1024 * 1024ull)

/* ABI: the module parameters' defaults, as user space sees them in sysfs. */
#define DEFAULT_LIST_LIMIT	1024
#define DEFAULT_SIZE_LIMIT_MB	64

/* The module parameters a case may change; see param_set(). */
static const char * const param_names[] = { "list_limit", "size_limit_mb" };

/* What a case changed of one of them, and the value it had before. */
struct param {
	char saved[32];
	bool changed;
};

/*
 * The fixture is shared with the process that runs the teardown (see
 * FIXTURE_TEARDOWN_PARENT() below), so that a case that dies still has
 * its parameters put back.
 */
FIXTURE(udmabuf) {
	int dev;		/* /dev/udmabuf */
	size_t page;
	struct param params[ARRAY_SIZE(param_names)];
};

/*
 * Helpers that need the case's fixture take it as the struct that
 * FIXTURE_DATA(udmabuf) names; checkpatch reads the macro form in a
 * parameter list as a multiplication.
 */

/* errno of a failed call, 0 for success: ASSERT_EQ(X, fails(ioctl(...))) */
static int fails(long ret)
{
	return ret < 0 ? errno : 0;
}

/* ---------------------------------------------------------------------- */
/* Module parameters, restored by the fixture after every case */

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
static bool param_set(struct _test_data_udmabuf *self, const char *name,
		      long value)
{
	struct param *param;
	char text[32];
	unsigned int i;
	long old;

	for (i = 0; i < ARRAY_SIZE(param_names); i++) {
		if (strcmp(param_names[i], name))
			continue;
		param = &self->params[i];
		old = param_read(name);
		if (old < 0)
			return false;
		if (!param->changed)
			snprintf(param->saved, sizeof(param->saved), "%ld",
				 old);
		snprintf(text, sizeof(text), "%ld", value);
		if (!param_write(name, text))
			return false;
		param->changed = true;
		return true;
	}
	return false;
}

/* ---------------------------------------------------------------------- */
/* every case: the device, and the parameters it changed */

FIXTURE_SETUP(udmabuf)
{
	self->dev = open(DEV_PATH, O_RDWR | O_CLOEXEC);
	if (self->dev < 0)
		SKIP(return, "cannot open %s: %s (CONFIG_UDMABUF? root?)",
		     DEV_PATH, strerror(errno));
	self->page = sysconf(_SC_PAGESIZE);
}

/*
 * Runs in the parent of the case's process, after that process ended
 * however it did; its descriptors, the device's among them, closed with
 * it.
 */
FIXTURE_TEARDOWN_PARENT(udmabuf)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(param_names); i++) {
		struct param *param = &self->params[i];

		if (param->changed && !param_write(param_names[i],
						   param->saved))
			TH_LOG("could not restore %s to %s", param_names[i],
			       param->saved);
		param->changed = false;
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
static int memfd_of(const struct _test_data_udmabuf *self, size_t pages)
{
	return memfd_sealed(pages * self->page, F_SEAL_SHRINK, 0);
}

/* UDMABUF_CREATE: the new descriptor, or -1 with errno set. */
static int create(const struct _test_data_udmabuf *self, __u32 memfd,
		  __u64 offset, __u64 size, __u32 flags)
{
	struct udmabuf_create req = {
		.memfd = memfd,
		.flags = flags,
		.offset = offset,
		.size = size,
	};

	return ioctl(self->dev, UDMABUF_CREATE, &req);
}

/* UDMABUF_CREATE_LIST with @count copies of @items: as create(). */
static int create_list(const struct _test_data_udmabuf *self,
		       const struct udmabuf_create_item *items, __u32 count,
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
	ret = ioctl(self->dev, UDMABUF_CREATE_LIST, req);
	err = errno;
	free(req);
	errno = err;
	return ret;
}

static struct udmabuf_create_item item(const struct _test_data_udmabuf *self,
				       int memfd, size_t first_page,
				       size_t pages)
{
	struct udmabuf_create_item it = {
		.memfd = memfd,
		.offset = first_page * self->page,
		.size = pages * self->page,
	};

	return it;
}

/* The 64-bit tag written at the start of page @index of a memfd. */
static __u64 tag(int seed, size_t index)
{
	return 0x7564000000000000ull | (__u64)seed << 32 | index;
}

/* Tag every page of @memfd's first @pages pages, through write(). */
static bool tag_pages(const struct _test_data_udmabuf *self, int memfd,
		      int seed, size_t pages)
{
	size_t i;

	for (i = 0; i < pages; i++) {
		__u64 t = tag(seed, i);

		if (pwrite(memfd, &t, sizeof(t), i * self->page) != sizeof(t))
			return false;
	}
	return true;
}

static __u64 read_tag(const struct _test_data_udmabuf *self, int fd,
		      size_t index)
{
	__u64 t = 0;

	if (pread(fd, &t, sizeof(t), index * self->page) != sizeof(t))
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

static __u64 word_at(const struct _test_data_udmabuf *self, const void *base,
		     size_t index)
{
	return *(const __u64 *)((const char *)base + index * self->page);
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

TEST_F(udmabuf, create_returns_rdwr_dmabuf_of_range_size)
{
	int memfd = memfd_of(self, 8), fd;

	ASSERT_LE(0, memfd);
	fd = create(self, memfd, 2 * self->page, 3 * self->page, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ((off_t)(3 * self->page), dmabuf_size(fd));
	ASSERT_EQ(O_RDWR, (fcntl(fd, F_GETFL) & O_ACCMODE));
	ASSERT_FALSE(cloexec(fd));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ));
}

TEST_F(udmabuf, cloexec_flag_gives_cloexec_fd)
{
	struct udmabuf_create_item it;
	int memfd = memfd_of(self, 2), fd;

	ASSERT_LE(0, memfd);
	fd = create(self, memfd, 0, self->page, UDMABUF_FLAGS_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_TRUE(cloexec(fd));
	it = item(self, memfd, 1, 1);
	fd = create_list(self, &it, 1, UDMABUF_FLAGS_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_TRUE(cloexec(fd));
	fd = create_list(self, &it, 1, 0);
	ASSERT_LE(0, fd);
	ASSERT_FALSE(cloexec(fd));
}

/* Older kernels ignore the other flag bits, so rejecting them would break userspace. */
TEST_F(udmabuf, unknown_flag_bits_are_ignored)
{
	struct udmabuf_create_item it;
	int memfd = memfd_of(self, 1), fd;

	ASSERT_LE(0, memfd);
	fd = create(self, memfd, 0, self->page, 0xfffffffe);
	ASSERT_LE(0, fd);
	ASSERT_FALSE(cloexec(fd));
	fd = create(self, memfd, 0, self->page, ~0u);
	ASSERT_LE(0, fd);
	ASSERT_TRUE(cloexec(fd));
	it = item(self, memfd, 0, 1);
	fd = create_list(self, &it, 1, 0x80000000);
	ASSERT_LE(0, fd);
	ASSERT_FALSE(cloexec(fd));
}

TEST_F(udmabuf, data_written_to_memfd_is_seen_in_udmabuf)
{
	int memfd = memfd_of(self, 16), fd;
	__u64 *p;
	size_t i;

	ASSERT_LE(0, memfd);
	ASSERT_TRUE(tag_pages(self, memfd, 1, 16));
	fd = create(self, memfd, 4 * self->page, 8 * self->page, 0);
	ASSERT_LE(0, fd);
	p = map(fd, 8 * self->page, 0);
	ASSERT_NE(NULL, p);
	for (i = 0; i < 8; i++)
		ASSERT_EQ(tag(1, i + 4), word_at(self, p, i));
	/* Written after the buffer was made: still the same pages. */
	ASSERT_TRUE(tag_pages(self, memfd, 2, 16));
	for (i = 0; i < 8; i++)
		ASSERT_EQ(tag(2, i + 4), word_at(self, p, i));
	ASSERT_EQ(0, munmap(p, 8 * self->page));
}

/* Also for a memfd whose pages did not exist yet: the pin makes them. */
TEST_F(udmabuf, data_written_to_udmabuf_is_seen_in_memfd)
{
	int memfd = memfd_of(self, 8), fd;
	char *p;
	size_t i;

	ASSERT_LE(0, memfd);
	fd = create(self, memfd, 0, 8 * self->page, 0);
	ASSERT_LE(0, fd);
	p = map(fd, 8 * self->page, 0);
	ASSERT_NE(NULL, p);
	for (i = 0; i < 8; i++) {
		ASSERT_EQ(0ull, word_at(self, p, i));
		*(__u64 *)(p + i * self->page) = tag(3, i);
		*(__u64 *)(p + (i + 1) * self->page - 8) = ~tag(3, i);
	}
	for (i = 0; i < 8; i++) {
		__u64 last = 0;

		ASSERT_EQ(tag(3, i), read_tag(self, memfd, i));
		ASSERT_EQ(8, pread(memfd, &last, 8, (i + 1) * self->page - 8));
		ASSERT_EQ(~tag(3, i), last);
	}
	ASSERT_EQ(0, munmap(p, 8 * self->page));
}

TEST_F(udmabuf, memfd_mapping_and_udmabuf_mapping_share_pages)
{
	int memfd = memfd_of(self, 4), fd;
	char *a, *b;

	ASSERT_LE(0, memfd);
	a = map(memfd, 4 * self->page, 0);
	ASSERT_NE(NULL, a);
	fd = create(self, memfd, self->page, 2 * self->page, 0);
	ASSERT_LE(0, fd);
	b = map(fd, 2 * self->page, 0);
	ASSERT_NE(NULL, b);
	snprintf(a + self->page + 100, 32, "through the memfd");
	ASSERT_STREQ("through the memfd", b + 100);
	snprintf(b + self->page + 200, 32, "through the udmabuf");
	ASSERT_STREQ("through the udmabuf", a + 2 * self->page + 200);
	ASSERT_EQ(0, munmap(a, 4 * self->page));
	ASSERT_EQ(0, munmap(b, 2 * self->page));
}

/* ---------------------------------------------------------------------- */
/* Which memfds are accepted */

TEST_F(udmabuf, unsealed_memfd_einval)
{
	int memfd = memfd_sealed(4 * self->page, 0, 0);

	ASSERT_LE(0, memfd);
	ASSERT_EQ(EINVAL, fails(create(self, memfd, 0, self->page, 0)));
	/* Growing is no substitute for shrinking. */
	ASSERT_EQ(0, fcntl(memfd, F_ADD_SEALS, F_SEAL_GROW));
	ASSERT_EQ(EINVAL, fails(create(self, memfd, 0, self->page, 0)));
}

/* Without MFD_ALLOW_SEALING a memfd only ever has F_SEAL_SEAL. */
TEST_F(udmabuf, memfd_without_sealing_einval)
{
	int memfd = memfd_create("udmabuf-test", 0);

	ASSERT_LE(0, memfd);
	ASSERT_EQ(0, ftruncate(memfd, 4 * self->page));
	ASSERT_EQ(EINVAL, fails(create(self, memfd, 0, self->page, 0)));
}

TEST_F(udmabuf, write_sealed_memfd_einval)
{
	int memfd = memfd_sealed(4 * self->page,
				 F_SEAL_SHRINK | F_SEAL_WRITE, 0);

	ASSERT_LE(0, memfd);
	ASSERT_EQ(EINVAL, fails(create(self, memfd, 0, self->page, 0)));
}

TEST_F(udmabuf, future_write_sealed_memfd_einval)
{
	int memfd = memfd_sealed(4 * self->page,
				 F_SEAL_SHRINK | F_SEAL_FUTURE_WRITE, 0);
	struct udmabuf_create_item it;

	ASSERT_LE(0, memfd);
	ASSERT_EQ(EINVAL, fails(create(self, memfd, 0, self->page, 0)));
	it = item(self, memfd, 0, 1);
	ASSERT_EQ(EINVAL, fails(create_list(self, &it, 1, 0)));
}

TEST_F(udmabuf, other_seals_besides_shrink_accepted)
{
	int memfd = memfd_sealed(4 * self->page,
				 F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL, 0);

	ASSERT_LE(0, memfd);
	ASSERT_LE(0, create(self, memfd, 0, 4 * self->page, 0));
}

/*
 * A file created on tmpfs is shmem like a memfd but can never be sealed
 * (it carries F_SEAL_SEAL), so it lacks F_SEAL_SHRINK.
 */
TEST_F(udmabuf, tmpfs_file_not_memfd_einval)
{
	char path[] = "/tmp/udmabuf-XXXXXX";
	struct statfs fs;
	int fd;

	if (statfs("/tmp", &fs) || fs.f_type != TMPFS_MAGIC)
		SKIP(return, "/tmp is not tmpfs");
	fd = mkstemp(path);
	ASSERT_LE(0, fd);
	unlink(path);
	ASSERT_EQ(0, ftruncate(fd, 4 * self->page));
	ASSERT_EQ(EPERM, fails(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK)));
	ASSERT_EQ(EINVAL, fails(create(self, fd, 0, self->page, 0)));
}

/* Files of other kinds read as a bad descriptor: EBADFD, not EBADF. */
TEST_F(udmabuf, non_shmem_file_ebadfd)
{
	int null = open("/dev/null", O_RDWR), pipes[2], memfd, fd;

	ASSERT_LE(0, null);
	ASSERT_EQ(EBADFD, fails(create(self, null, 0, self->page, 0)));
	ASSERT_EQ(0, pipe(pipes));
	ASSERT_EQ(EBADFD, fails(create(self, pipes[0], 0, self->page, 0)));
	memfd = memfd_of(self, 1);
	ASSERT_LE(0, memfd);
	fd = create(self, memfd, 0, self->page, 0);
	ASSERT_LE(0, fd);
	/* A udmabuf is no memfd either. */
	ASSERT_EQ(EBADFD, fails(create(self, fd, 0, self->page, 0)));
}

TEST_F(udmabuf, closed_or_invalid_fd_ebadfd)
{
	int memfd = memfd_of(self, 1);

	ASSERT_LE(0, memfd);
	ASSERT_EQ(0, close(memfd));
	ASSERT_EQ(EBADFD, fails(create(self, memfd, 0, self->page, 0)));
	ASSERT_EQ(EBADFD, fails(create(self, ~0u, 0, self->page, 0)));
	ASSERT_EQ(EBADFD, fails(create(self, INT_MAX, 0, self->page, 0)));
}

/* ---------------------------------------------------------------------- */
/* Which ranges are accepted */

TEST_F(udmabuf, unaligned_offset_einval)
{
	int memfd = memfd_of(self, 4);

	ASSERT_LE(0, memfd);
	ASSERT_EQ(EINVAL,
		  fails(create(self, memfd, self->page / 2, self->page, 0)));
	ASSERT_EQ(EINVAL, fails(create(self, memfd, 1, self->page, 0)));
	ASSERT_EQ(EINVAL,
		  fails(create(self, memfd, self->page + 8, self->page, 0)));
}

TEST_F(udmabuf, unaligned_size_einval)
{
	int memfd = memfd_of(self, 4);

	ASSERT_LE(0, memfd);
	ASSERT_EQ(EINVAL, fails(create(self, memfd, 0, self->page / 2, 0)));
	ASSERT_EQ(EINVAL, fails(create(self, memfd, 0, self->page + 1, 0)));
	ASSERT_EQ(EINVAL, fails(create(self, memfd, 0, 1, 0)));
}

TEST_F(udmabuf, zero_size_einval)
{
	int memfd = memfd_of(self, 4);

	ASSERT_LE(0, memfd);
	ASSERT_EQ(EINVAL, fails(create(self, memfd, 0, 0, 0)));
	ASSERT_EQ(EINVAL, fails(create(self, memfd, self->page, 0, 0)));
}

TEST_F(udmabuf, range_past_end_einval)
{
	int memfd = memfd_of(self, 4);

	ASSERT_LE(0, memfd);
	ASSERT_EQ(EINVAL,
		  fails(create(self, memfd, 4 * self->page, self->page, 0)));
	ASSERT_EQ(EINVAL, fails(create(self, memfd, 3 * self->page,
				       2 * self->page, 0)));
	ASSERT_EQ(EINVAL, fails(create(self, memfd, 0, 5 * self->page, 0)));
	ASSERT_EQ(EINVAL,
		  fails(create(self, memfd, 1024 * self->page, self->page, 0)));
	/* The memfd still works: nothing was left pinned. */
	ASSERT_LE(0, create(self, memfd, 3 * self->page, self->page, 0));
}

/* Offsets whose sum with the size wraps, or that are negative as loff_t. */
TEST_F(udmabuf, offset_near_u64_max_einval)
{
	__u64 top = ~0ull & ~(__u64)(self->page - 1);
	int memfd = memfd_of(self, 4);

	ASSERT_LE(0, memfd);
	ASSERT_EQ(EINVAL, fails(create(self, memfd, top, self->page, 0)));
	ASSERT_EQ(EINVAL, fails(create(self, memfd, top - self->page,
				       2 * self->page, 0)));
	ASSERT_EQ(EINVAL, fails(create(self, memfd, top, 4 * self->page, 0)));
	ASSERT_EQ(EINVAL,
		  fails(create(self, memfd, 1ull << 63, self->page, 0)));
	ASSERT_EQ(EINVAL, fails(create(self, memfd, (1ull << 63) - self->page,
				       self->page, 0)));
	ASSERT_EQ(EINVAL, fails(create(self, memfd, (1ull << 63) - self->page,
				       2 * self->page, 0)));
	ASSERT_EQ(EINVAL, fails(create(self, memfd, self->page, top, 0)));
	ASSERT_LE(0, create(self, memfd, 0, 4 * self->page, 0));
}

/* Checked before the memfd is even looked at: no memory is needed. */
TEST_F(udmabuf, size_over_default_limit_einval)
{
	int memfd = memfd_of(self, 1);
	long limit = param_read("size_limit_mb");

	if (limit < 0)
		limit = DEFAULT_SIZE_LIMIT_MB;
	ASSERT_LE(0, memfd);
	ASSERT_EQ(EINVAL,
		  fails(create(self, memfd, 0, limit * MIB + self->page, 0)));
	ASSERT_EQ(EINVAL, fails(create(self, memfd, 0,
				       ~0ull & ~(__u64)(self->page - 1), 0)));
}

TEST_F(udmabuf, size_limit_mb_is_enforced)
{
	struct udmabuf_create_item two[2];
	int memfd = memfd_of(self, 3 * MIB / self->page);

	ASSERT_LE(0, memfd);
	ASSERT_EQ(DEFAULT_SIZE_LIMIT_MB, param_read("size_limit_mb"));
	if (!param_set(self, "size_limit_mb", 1))
		SKIP(return, "cannot set size_limit_mb");
	ASSERT_LE(0, create(self, memfd, 0, MIB, 0));
	ASSERT_EQ(EINVAL, fails(create(self, memfd, 0, MIB + self->page, 0)));
	/* The limit is on the sum of the ranges. */
	two[0] = item(self, memfd, 0, MIB / self->page / 2);
	two[1] = item(self, memfd, MIB / self->page, MIB / self->page / 2);
	ASSERT_LE(0, create_list(self, two, 2, 0));
	two[1].size += self->page;
	ASSERT_EQ(EINVAL, fails(create_list(self, two, 2, 0)));
	ASSERT_TRUE(param_set(self, "size_limit_mb", 0));
	ASSERT_EQ(EINVAL, fails(create(self, memfd, 0, self->page, 0)));
	ASSERT_TRUE(param_set(self, "size_limit_mb", 3));
	ASSERT_LE(0, create(self, memfd, 0, 3 * MIB, 0));
}

/* ---------------------------------------------------------------------- */
/* UDMABUF_CREATE_LIST */

TEST_F(udmabuf, list_concatenates_ranges_in_order)
{
	static const size_t first[] = { 5, 0, 9, 2 };
	static const size_t len[] = { 3, 2, 1, 1 };
	struct udmabuf_create_item items[ARRAY_SIZE(first)];
	int memfd = memfd_of(self, 10), fd;
	size_t i, j, at = 0;
	__u64 *p;

	ASSERT_LE(0, memfd);
	ASSERT_TRUE(tag_pages(self, memfd, 4, 10));
	for (i = 0; i < ARRAY_SIZE(first); i++)
		items[i] = item(self, memfd, first[i], len[i]);
	fd = create_list(self, items, ARRAY_SIZE(items), 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ((off_t)(7 * self->page), dmabuf_size(fd));
	p = map(fd, 7 * self->page, 0);
	ASSERT_NE(NULL, p);
	for (i = 0; i < ARRAY_SIZE(first); i++)
		for (j = 0; j < len[i]; j++)
			ASSERT_EQ(tag(4, first[i] + j), word_at(self, p, at++));
	ASSERT_EQ(0, munmap(p, 7 * self->page));
}

TEST_F(udmabuf, list_of_several_memfds)
{
	struct udmabuf_create_item items[3];
	int a = memfd_of(self, 4), b = memfd_of(self, 4), fd;
	__u64 *p;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_TRUE(tag_pages(self, a, 5, 4));
	ASSERT_TRUE(tag_pages(self, b, 6, 4));
	items[0] = item(self, b, 3, 1);
	items[1] = item(self, a, 1, 2);
	items[2] = item(self, b, 0, 1);
	fd = create_list(self, items, 3, 0);
	ASSERT_LE(0, fd);
	p = map(fd, 4 * self->page, 0);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(tag(6, 3), word_at(self, p, 0));
	ASSERT_EQ(tag(5, 1), word_at(self, p, 1));
	ASSERT_EQ(tag(5, 2), word_at(self, p, 2));
	ASSERT_EQ(tag(6, 0), word_at(self, p, 3));
	ASSERT_EQ(0, munmap(p, 4 * self->page));
}

/* The same pages twice: pinned twice, released twice. */
TEST_F(udmabuf, list_may_repeat_a_range)
{
	struct udmabuf_create_item items[2];
	int memfd = memfd_of(self, 2), fd;
	char *p;

	ASSERT_LE(0, memfd);
	items[0] = item(self, memfd, 0, 2);
	items[1] = items[0];
	fd = create_list(self, items, 2, 0);
	ASSERT_LE(0, fd);
	p = map(fd, 4 * self->page, 0);
	ASSERT_NE(NULL, p);
	snprintf(p + self->page, 16, "twice");
	ASSERT_STREQ("twice", p + 3 * self->page);
	ASSERT_EQ(0, munmap(p, 4 * self->page));
	ASSERT_EQ(0, close(fd));
	ASSERT_TRUE(unpinned(memfd));
}

TEST_F(udmabuf, list_count_zero_einval)
{
	struct udmabuf_create_item it;
	int memfd = memfd_of(self, 1);

	ASSERT_LE(0, memfd);
	it = item(self, memfd, 0, 1);
	ASSERT_EQ(EINVAL, fails(create_list(self, &it, 0, 0)));
}

TEST_F(udmabuf, list_count_over_list_limit_einval)
{
	struct udmabuf_create_list head = { .count = ~0u };
	long limit = param_read("list_limit");
	struct udmabuf_create_item *items;
	int memfd = memfd_of(self, 1);
	unsigned int i;

	if (limit < 0)
		limit = DEFAULT_LIST_LIMIT;
	ASSERT_LE(0, memfd);
	items = calloc(limit + 1, sizeof(*items));
	ASSERT_NE(NULL, items);
	for (i = 0; i <= limit; i++)
		items[i] = item(self, memfd, 0, 1);
	ASSERT_EQ(EINVAL, fails(create_list(self, items, limit + 1, 0)));
	/* Refused before the entries are read: no valid memory needed. */
	ASSERT_EQ(EINVAL, fails(ioctl(self->dev, UDMABUF_CREATE_LIST, &head)));
	/* The limit itself is allowed (the default is small enough). */
	if (limit <= DEFAULT_LIST_LIMIT)
		ASSERT_LE(0, create_list(self, items, limit, 0));
	free(items);
}

TEST_F(udmabuf, list_limit_is_enforced)
{
	struct udmabuf_create_item items[5];
	int memfd = memfd_of(self, 5);
	unsigned int i;

	ASSERT_LE(0, memfd);
	ASSERT_EQ(DEFAULT_LIST_LIMIT, param_read("list_limit"));
	if (!param_set(self, "list_limit", 4))
		SKIP(return, "cannot set list_limit");
	for (i = 0; i < 5; i++)
		items[i] = item(self, memfd, i, 1);
	ASSERT_LE(0, create_list(self, items, 4, 0));
	ASSERT_EQ(EINVAL, fails(create_list(self, items, 5, 0)));
	ASSERT_TRUE(param_set(self, "list_limit", 0));
	ASSERT_EQ(EINVAL, fails(create_list(self, items, 1, 0)));
	/* UDMABUF_CREATE is a single range and knows no list limit. */
	ASSERT_LE(0, create(self, memfd, 0, self->page, 0));
}

TEST_F(udmabuf, list_with_a_bad_entry_fails_and_unpins)
{
	struct udmabuf_create_item items[3];
	int memfd = memfd_of(self, 4), other = memfd_of(self, 1), sealed;

	ASSERT_LE(0, memfd);
	ASSERT_LE(0, other);
	items[0] = item(self, memfd, 0, 2);
	items[1] = item(self, memfd, 2, 1);
	items[2] = item(self, other, 0, 1);
	/* Each bad last entry, after the earlier ones have been pinned. */
	items[2].memfd = 9999;
	ASSERT_EQ(EBADFD, fails(create_list(self, items, 3, 0)));
	items[2] = item(self, other, 1, 1);
	ASSERT_EQ(EINVAL, fails(create_list(self, items, 3, 0)));
	sealed = memfd_sealed(self->page, F_SEAL_SHRINK | F_SEAL_WRITE, 0);
	ASSERT_LE(0, sealed);
	items[2] = item(self, sealed, 0, 1);
	ASSERT_EQ(EINVAL, fails(create_list(self, items, 3, 0)));
	items[2] = item(self, memfd, 0, 0);
	ASSERT_EQ(EINVAL, fails(create_list(self, items, 3, 0)));
	items[2] = item(self, memfd, 0, 1);
	items[2].offset += 1;
	ASSERT_EQ(EINVAL, fails(create_list(self, items, 3, 0)));
	ASSERT_TRUE(unpinned(memfd));
	ASSERT_TRUE(unpinned(other));
}

/* ---------------------------------------------------------------------- */
/* The device itself */

TEST_F(udmabuf, unknown_ioctl_enotty)
{
	int arg = 0;

	ASSERT_EQ(ENOTTY, fails(ioctl(self->dev, _IOW('u', 0x44, int), &arg)));
	ASSERT_EQ(ENOTTY, fails(ioctl(self->dev, _IO('u', 0x42), 0)));
	ASSERT_EQ(ENOTTY, fails(ioctl(self->dev, DMA_BUF_IOCTL_SYNC, &arg)));
}

TEST_F(udmabuf, bad_argument_pointer_efault)
{
	int before = next_fd();
	void *gone = mmap(NULL, self->page, PROT_READ,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct udmabuf_create_list *head;

	ASSERT_NE(MAP_FAILED, gone);
	ASSERT_EQ(0, munmap(gone, self->page));
	ASSERT_EQ(EFAULT, fails(ioctl(self->dev, UDMABUF_CREATE, NULL)));
	ASSERT_EQ(EFAULT, fails(ioctl(self->dev, UDMABUF_CREATE, gone)));
	ASSERT_EQ(EFAULT, fails(ioctl(self->dev, UDMABUF_CREATE_LIST, NULL)));
	/* The head readable, the entries behind it not. */
	head = mmap(NULL, 2 * self->page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, head);
	ASSERT_EQ(0, munmap((char *)head + self->page, self->page));
	head = (void *)((char *)head + self->page - sizeof(*head));
	head->count = 1;
	ASSERT_EQ(EFAULT, fails(ioctl(self->dev, UDMABUF_CREATE_LIST, head)));
	ASSERT_EQ(before, next_fd());
}

/* ---------------------------------------------------------------------- */
/* Pins */

TEST_F(udmabuf, write_seal_refused_while_pinned)
{
	int memfd = memfd_of(self, 2), fd;

	ASSERT_LE(0, memfd);
	fd = create(self, memfd, self->page, self->page, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(EBUSY, fails(fcntl(memfd, F_ADD_SEALS, F_SEAL_WRITE)));
	ASSERT_EQ(0, close(fd));
	ASSERT_TRUE(unpinned(memfd));
	/* Sealed now: no new buffer. */
	ASSERT_EQ(EINVAL, fails(create(self, memfd, 0, self->page, 0)));
}

/* The mapping keeps the buffer, and with it the pins, after close(). */
TEST_F(udmabuf, mapping_outlives_descriptor)
{
	int memfd = memfd_of(self, 2), fd;
	char *p, text[16] = "";

	ASSERT_LE(0, memfd);
	fd = create(self, memfd, 0, 2 * self->page, 0);
	ASSERT_LE(0, fd);
	p = map(fd, 2 * self->page, 0);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, close(fd));
	snprintf(p + self->page, 16, "still here");
	ASSERT_EQ(EBUSY, fails(fcntl(memfd, F_ADD_SEALS, F_SEAL_WRITE)));
	ASSERT_EQ(0, munmap(p, 2 * self->page));
	ASSERT_TRUE(unpinned(memfd));
	ASSERT_EQ(11, pread(memfd, text, 11, self->page));
	ASSERT_STREQ("still here", text);
}

/*
 * With the descriptor table full, the buffer is made and exported but
 * gets no descriptor: it must be released with everything it pinned.
 */
TEST_F(udmabuf, full_fd_table_emfile_and_unpins)
{
	struct udmabuf_create_item items[2];
	struct rlimit old, low;
	int memfd = memfd_of(self, 4), err, err2;

	ASSERT_LE(0, memfd);
	items[0] = item(self, memfd, 0, 2);
	items[1] = item(self, memfd, 2, 2);
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	low = old;
	low.rlim_cur = next_fd();
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &low));
	err = fails(create(self, memfd, 0, 4 * self->page, 0));
	err2 = fails(create_list(self, items, 2, UDMABUF_FLAGS_CLOEXEC));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	ASSERT_EQ(EMFILE, err);
	ASSERT_EQ(EMFILE, err2);
	ASSERT_TRUE(unpinned(memfd));
}

/*
 * F_SEAL_WRITE and a new buffer race: one of them may win, never both.
 * If both did, a writable dma-buf would alias a write-sealed memfd.
 */
TEST_F(udmabuf, write_seal_and_create_never_both_succeed)
{
	int round, both = 0, sealed_first = 0, created_first = 0;

	for (round = 0; round < 40; round++) {
		int memfd = memfd_of(self, 64), fd, status;
		pid_t pid;

		ASSERT_LE(0, memfd);
		pid = fork();
		ASSERT_LE(0, pid);
		if (!pid)
			_exit(fcntl(memfd, F_ADD_SEALS, F_SEAL_WRITE) ? 1 : 0);
		fd = create(self, memfd, 0, 64 * self->page, 0);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
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
	TH_LOG("seal won %d, create won %d, both %d", sealed_first,
	       created_first, both);
	ASSERT_EQ(0, both);
}

/* ---------------------------------------------------------------------- */
/* mmap and CPU access through the dma-buf */

TEST_F(udmabuf, private_mapping_einval)
{
	int memfd = memfd_of(self, 1), fd;

	ASSERT_LE(0, memfd);
	fd = create(self, memfd, 0, self->page, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(MAP_FAILED,
		  mmap(NULL, self->page, PROT_READ, MAP_PRIVATE, fd, 0));
	ASSERT_EQ(EINVAL, errno);
}

TEST_F(udmabuf, mapping_past_end_einval)
{
	int memfd = memfd_of(self, 4), fd;

	ASSERT_LE(0, memfd);
	fd = create(self, memfd, 0, 2 * self->page, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(NULL, map(fd, 3 * self->page, 0));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(NULL, map(fd, self->page, 2 * self->page));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(NULL, map(fd, 2 * self->page, self->page));
	ASSERT_EQ(EINVAL, errno);
}

TEST_F(udmabuf, mapping_at_offset_sees_later_pages)
{
	int memfd = memfd_of(self, 6), fd;
	__u64 *p;

	ASSERT_LE(0, memfd);
	ASSERT_TRUE(tag_pages(self, memfd, 8, 6));
	fd = create(self, memfd, self->page, 4 * self->page, 0);
	ASSERT_LE(0, fd);
	p = map(fd, 2 * self->page, 2 * self->page);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(tag(8, 3), word_at(self, p, 0));
	ASSERT_EQ(tag(8, 4), word_at(self, p, 1));
	ASSERT_EQ(0, munmap(p, 2 * self->page));
}

/*
 * Every mmap() flavour, length and offset gives the result the ABI
 * fixes: shared mappings inside the buffer work and show the right pages,
 * private ones and any reaching past the end fail with EINVAL. The buffer
 * starts one page into its memfd, so the pages shown are checked against
 * the range.
 */
TEST_F(udmabuf, mmap_matrix_matches_the_abi)
{
	const size_t sizes[] = { 2, 4, 1 * MIB / self->page,
				 4 * MIB / self->page };
	unsigned int s, bad = 0;

	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		const size_t pages = sizes[s];
		__u64 *tags = calloc(pages, sizeof(*tags));
		int memfd = memfd_of(self, pages + 1), fd;
		size_t i;

		ASSERT_NE(NULL, tags);
		ASSERT_LE(0, memfd);
		ASSERT_TRUE(tag_pages(self, memfd, 9, pages + 1));
		for (i = 0; i < pages; i++)
			tags[i] = tag(9, i + 1);
		fd = create(self, memfd, self->page, pages * self->page, 0);
		ASSERT_LE(0, fd);
		bad += mmap_matrix(fd, pages * self->page, O_RDWR,
				   MMAP_SHARED_ONLY, tags, self->page);
		/* its reports go to stdout, which _exit() does not flush */
		fflush(stdout);
		close(fd);
		close(memfd);
		free(tags);
	}
	ASSERT_EQ(0u, bad);
}

TEST_F(udmabuf, sync_ioctl_round_trip)
{
	static const __u64 dirs[] = {
		DMA_BUF_SYNC_READ, DMA_BUF_SYNC_WRITE, DMA_BUF_SYNC_RW,
	};
	int memfd = memfd_of(self, 4), fd;
	char text[16] = "";
	unsigned int i;
	char *p;

	ASSERT_LE(0, memfd);
	fd = create(self, memfd, 0, 4 * self->page, 0);
	ASSERT_LE(0, fd);
	p = map(fd, 4 * self->page, 0);
	ASSERT_NE(NULL, p);
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_START | dirs[i]));
		sprintf(p + 3 * self->page, "round %u", i);
		ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | dirs[i]));
	}
	/* Nested and repeated brackets are fine as well. */
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ));
	ASSERT_EQ(EINVAL, fails(sync_buf(fd, DMA_BUF_SYNC_START)));
	ASSERT_LT(0, pread(memfd, text, sizeof(text) - 1, 3 * self->page));
	ASSERT_STREQ("round 2", text);
	ASSERT_EQ(0, munmap(p, 4 * self->page));
}

/* ABI: no CPU mapping exists until the first START, so END alone fails. */
TEST_F(udmabuf, sync_end_before_any_start_einval)
{
	int memfd = memfd_of(self, 1), fd;

	ASSERT_LE(0, memfd);
	fd = create(self, memfd, 0, self->page, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(EINVAL,
		  fails(sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW)));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW));
}

/* A device (the test exporter's importer) attaches and maps the buffer. */
TEST_F(udmabuf, importer_attaches_and_maps)
{
	struct dmabuf_test_attach req = { .flags = DMABUF_TEST_ATTACH_MAP };
	int memfd = memfd_of(self, 8), fd, ctl;

	ctl = open(DMABUF_TEST_EXPORTER_PATH, O_RDWR);
	if (ctl < 0)
		SKIP(return, "no test exporter at %s",
		     DMABUF_TEST_EXPORTER_PATH);
	ASSERT_LE(0, memfd);
	ASSERT_TRUE(tag_pages(self, memfd, 9, 8));
	fd = create(self, memfd, 0, 8 * self->page, 0);
	ASSERT_LE(0, fd);
	req.fd = fd;
	ASSERT_EQ(0, ioctl(ctl, DMABUF_TEST_IOCTL_ATTACH, &req));
	req.flags = 0;
	ASSERT_EQ(0, ioctl(ctl, DMABUF_TEST_IOCTL_ATTACH, &req));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW));
	/* The importer keeps the buffer alive after our close(). */
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(EBUSY, fails(fcntl(memfd, F_ADD_SEALS, F_SEAL_WRITE)));
	ASSERT_EQ(0, close(ctl));
	ASSERT_TRUE(unpinned(memfd));
	ASSERT_EQ(tag(9, 7), read_tag(self, memfd, 7));
}

/* ---------------------------------------------------------------------- */
/* hugetlbfs memfds */

/*
 * A hugetlbfs memfd of @n huge pages, every page of the memfd tagged
 * through a mapping (which also faults the huge pages in), sealed against
 * shrinking; *@hp is the huge page size. If that is not possible here,
 * the case skips and -1 is returned.
 */
static int huge_memfd(struct __test_metadata *const _metadata,
		      const struct _test_data_udmabuf *self, int n, int seed,
		      size_t *hp)
{
	long size = mem_kb("Hugepagesize");
	int memfd;
	char *p;
	size_t i;

	if (size <= 0 || mem_kb("HugePages_Free") < n)
		SKIP(return -1, "fewer than %d free huge pages", n);
	*hp = size * 1024;
	memfd = memfd_create("udmabuf-huge", MFD_ALLOW_SEALING | MFD_HUGETLB);
	if (memfd < 0)
		SKIP(return -1, "no hugetlbfs memfd: %s", strerror(errno));
	if (ftruncate(memfd, n * *hp))
		goto fail;
	p = map(memfd, n * *hp, 0);
	if (!p)
		goto fail;
	for (i = 0; i < n * *hp / self->page; i++)
		*(__u64 *)(p + i * self->page) = tag(seed, i);
	munmap(p, n * *hp);
	if (fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK))
		goto fail;
	return memfd;
fail:
	close(memfd);
	SKIP(return -1, "hugetlbfs memfd set-up failed: %s", strerror(errno));
}

/* Ranges inside one huge page, and across the boundary of two. */
TEST_F(udmabuf, hugetlb_ranges_inside_and_across_huge_pages)
{
	size_t hp, per, i;
	int memfd = huge_memfd(_metadata, self, 2, 10, &hp), fd;
	__u64 *p;

	if (memfd < 0)
		return;
	per = hp / self->page;
	fd = create(self, memfd, 3 * self->page, 4 * self->page, 0);
	ASSERT_LE(0, fd);
	p = map(fd, 4 * self->page, 0);
	ASSERT_NE(NULL, p);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(tag(10, 3 + i), word_at(self, p, i));
	ASSERT_EQ(0, munmap(p, 4 * self->page));
	ASSERT_EQ(0, close(fd));

	fd = create(self, memfd, hp - 2 * self->page, 4 * self->page, 0);
	ASSERT_LE(0, fd);
	p = map(fd, 4 * self->page, 0);
	ASSERT_NE(NULL, p);
	for (i = 0; i < 4; i++)
		ASSERT_EQ(tag(10, per - 2 + i), word_at(self, p, i));
	/* And back: written through the udmabuf, read through the memfd. */
	p[self->page / 8 * 3] = 0x1234;
	ASSERT_EQ(0x1234ull, read_tag(self, memfd, per + 1));
	ASSERT_EQ(0, munmap(p, 4 * self->page));
	ASSERT_EQ(0, close(fd));

	fd = create(self, memfd, 0, 2 * hp, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ((off_t)(2 * hp), dmabuf_size(fd));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW));
	ASSERT_EQ(EINVAL, fails(create(self, memfd, hp, hp + self->page, 0)));
	ASSERT_EQ(EINVAL,
		  fails(create(self, memfd, self->page / 2, self->page, 0)));
}

TEST_F(udmabuf, hugetlb_list_concatenates_in_order)
{
	struct udmabuf_create_item items[3];
	size_t hp, per;
	int memfd = huge_memfd(_metadata, self, 2, 11, &hp);
	int small = memfd_of(self, 2), fd;
	__u64 *p;

	if (memfd < 0)
		return;
	ASSERT_LE(0, small);
	ASSERT_TRUE(tag_pages(self, small, 12, 2));
	per = hp / self->page;
	items[0] = item(self, memfd, per + 5, 2);
	items[1] = item(self, small, 1, 1);
	items[2] = item(self, memfd, 7, 1);
	fd = create_list(self, items, 3, 0);
	ASSERT_LE(0, fd);
	p = map(fd, 4 * self->page, 0);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(tag(11, per + 5), word_at(self, p, 0));
	ASSERT_EQ(tag(11, per + 6), word_at(self, p, 1));
	ASSERT_EQ(tag(12, 1), word_at(self, p, 2));
	ASSERT_EQ(tag(11, 7), word_at(self, p, 3));
	ASSERT_EQ(0, munmap(p, 4 * self->page));
}

TEST_F(udmabuf, hugetlb_write_sealed_memfd_einval)
{
	size_t hp;
	int memfd = huge_memfd(_metadata, self, 1, 13, &hp);

	if (memfd < 0)
		return;
	ASSERT_EQ(0, fcntl(memfd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE));
	ASSERT_EQ(EINVAL, fails(create(self, memfd, 0, self->page, 0)));
}

/* ---------------------------------------------------------------------- */
/* Memory */

/*
 * 10000 buffers made and closed, 100 on each of 100 fresh memfds: every
 * memfd must be free of pins once its buffers are gone (else F_SEAL_WRITE
 * fails), and the memory of all of it must come back. Half a minute on
 * an emulated, KASAN-instrumented guest: hence its own timeout.
 */
TEST_F_TIMEOUT(udmabuf, create_close_10k_cycles_return_memory, 300)
{
	struct timespec t0, t1;
	long before, after;
	int m, i, memfd, fd;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	before = mem_kb("MemFree");
	ASSERT_LT(0, before);
	for (m = 0; m < 100; m++) {
		memfd = memfd_of(self, 16);
		ASSERT_LE(0, memfd);
		for (i = 0; i < 100; i++) {
			fd = create(self, memfd, 0, 16 * self->page,
				    i & 1 ? UDMABUF_FLAGS_CLOEXEC : 0);
			ASSERT_LE(0, fd);
			ASSERT_EQ(0, close(fd));
		}
		ASSERT_TRUE(unpinned(memfd));
		ASSERT_EQ(0, close(memfd));
	}
	after = mem_kb("MemFree");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	TH_LOG("MemFree %ld kB before, %ld kB after 10000 cycles (%ld s)",
	       before, after, (long)(t1.tv_sec - t0.tv_sec));
	/* Allow for caches and for KASAN's quarantine of freed objects. */
	ASSERT_GT(64 * 1024, before - after);
}

TEST_HARNESS_MAIN

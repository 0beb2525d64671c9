// SPDX-License-Identifier: GPL-2.0
/*
 * dmabuf-fd: the user space contract of a dma-buf file descriptor, as
 * Linux 6.12 defines it: mmap, llseek, the DMA_BUF_* ioctls, poll on the
 * buffer's implicit fences, fdinfo, the debugfs bufinfo file and the
 * lifetime of the descriptor across dup, fork and SCM_RIGHTS.
 *
 * Buffers come from the test exporter's debugfs control file (see
 * dmabuf-test-exporter.h), fences from sw_sync. Every case in the
 * table at the bottom prints one TAP line named after the behaviour it
 * checks. Only what upstream 6.12 does is asserted, so the program passes
 * on a stock kernel as well as on a replacement of drivers/dma-buf. Needs
 * the test exporter, CONFIG_SW_SYNC, debugfs at /sys/kernel/debug and root.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/sync_file.h>

#include "dmabuf-test-exporter.h"
#include "../kselftest.h"

#include "sw-sync-abi.h"

/* The dma-buf ABI as 6.12 has it on x86_64 (and every other LP64 arch). */
static_assert(sizeof(struct dma_buf_sync) == 8, "abi");
static_assert(sizeof(struct dma_buf_export_sync_file) == 8, "abi");
static_assert(sizeof(struct dma_buf_import_sync_file) == 8, "abi");
static_assert(DMA_BUF_NAME_LEN == 32, "abi");
static_assert(DMA_BUF_SYNC_READ == 1 && DMA_BUF_SYNC_WRITE == 2, "abi");
static_assert(DMA_BUF_SYNC_START == 0 && DMA_BUF_SYNC_END == 4, "abi");
static_assert(DMA_BUF_SYNC_VALID_FLAGS_MASK == 7, "abi");
static_assert(DMA_BUF_IOCTL_SYNC == 0x40086200, "abi");
static_assert(DMA_BUF_SET_NAME_A == 0x40046201, "abi");
static_assert(DMA_BUF_SET_NAME_B == 0x40086201, "abi");
static_assert(DMA_BUF_IOCTL_EXPORT_SYNC_FILE == 0xc0086202, "abi");
static_assert(DMA_BUF_IOCTL_IMPORT_SYNC_FILE == 0x40086203, "abi");
/* The native encoding carries a pointer's size: _B on 64-bit. */
static_assert(sizeof(void *) != 8 || DMA_BUF_SET_NAME == DMA_BUF_SET_NAME_B,
	      "abi");
static_assert(DMABUF_TEST_IOCTL_EXPORT == 0xc0185440, "test abi");
static_assert(DMABUF_TEST_IOCTL_ATTACH == 0x40085441, "test abi");

#define BUFINFO_PATH	"/sys/kernel/debug/dma_buf/bufinfo"
#define DMA_BUF_MAGIC	0x444d4142	/* "DMAB", include/uapi/linux/magic.h */
#define IMPORTER_NAME	"dma_buf_test_importer"
#define NSEC_PER_MSEC	1000000ull
#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* Most cases work on a buffer of this many pages. */
#define BUF_PAGES	4

/* fmode_t bits bufinfo prints: the VFS sets them for a pseudo file. */
#define FMODE_READ	0x1
#define FMODE_WRITE	0x2
#define FMODE_LSEEK	0x4
#define FMODE_OPENED	0x80000

static size_t page;
static size_t buf_len;
static pthread_t main_thread;

/* The test exporter's control file, opened afresh for every case. */
static int ctl_fd = -1;

/* A process a case forked; killed and reaped by the runner if still there. */
static pid_t stray_child;

/* Where a failed EXPECT() abandons the running case. */
static jmp_buf case_failed;

#include "dmabuf-util.h"

/* Exit code of a child, or -1 if it did not exit normally. */
static int reap(pid_t pid)
{
	int status;

	if (pid == stray_child)
		stray_child = 0;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Check @cond; if false, report it and fail the current case. */
#define EXPECT(cond) expect(!!(cond), #cond, __func__, __LINE__)

/* errno of a failed call, 0 for success: EXPECT(fails(ioctl(...)) == X) */
static int fails(long ret)
{
	return ret < 0 ? errno : 0;
}

/* CPU time this thread has used, in ns. */
static __u64 thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/* A descriptor of an unlinked regular file, or -1. */
static int regular_file(void)
{
	char path[] = "/tmp/dmabuf-fd-XXXXXX";
	int fd = mkstemp(path);

	if (fd >= 0)
		unlink(path);
	return fd;
}

/* Where /proc/self/fd/@fd points, in @out; false on failure. */
static bool fd_link(int fd, char *out, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, out, len - 1);
	if (n < 0)
		return false;
	out[n] = '\0';
	return true;
}

static unsigned long ino_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) ? 0 : st.st_ino;
}

/* ---------------------------------------------------------------------- */
/* mappings, undone by the runner when a case fails half way */

static struct {
	void *addr;
	size_t len;
} maps[16];

/* mmap() of @len bytes of @fd at @off; NULL (errno set) on failure. */
static void *map(int fd, size_t len, off_t off, int prot, int flags)
{
	void *addr = mmap(NULL, len, prot, flags, fd, off);
	unsigned int i;

	if (addr == MAP_FAILED)
		return NULL;
	for (i = 0; i < ARRAY_LEN(maps); i++) {
		if (!maps[i].addr) {
			maps[i].addr = addr;
			maps[i].len = len;
			return addr;
		}
	}
	munmap(addr, len);
	errno = ENOSPC;
	return NULL;
}

static void unmap(void *addr)
{
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(maps); i++) {
		if (maps[i].addr == addr) {
			munmap(addr, maps[i].len);
			maps[i].addr = NULL;
		}
	}
}

static void unmap_all(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(maps); i++)
		if (maps[i].addr)
			unmap(maps[i].addr);
}

/* A byte pattern that differs per page and per @seed. */
static unsigned char pattern(size_t i, unsigned int seed)
{
	return (unsigned char)(i * 7 + i / page * 13 + seed * 29 + 1);
}

static void fill(unsigned char *p, size_t len, size_t start, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = pattern(start + i, seed);
}

/* Does @p hold the pattern of @seed for bytes @start on? */
static bool holds(const unsigned char *p, size_t len, size_t start,
		  unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != pattern(start + i, seed))
			return false;
	return true;
}

static bool all_zero(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/* ---------------------------------------------------------------------- */
/* the test exporter */

static int ctl_open(void)
{
	return open(DMABUF_TEST_EXPORTER_PATH, O_RDWR | O_CLOEXEC);
}

/* A new dma-buf fd of @size bytes, or -1 with errno set. */
static int export_buf(__u64 size, __u32 fd_flags, __u32 flags)
{
	struct dmabuf_test_export req = {
		.size = size, .fd_flags = fd_flags, .flags = flags, .fd = -1,
	};

	if (ioctl(ctl_fd, DMABUF_TEST_IOCTL_EXPORT, &req))
		return -1;
	return req.fd;
}

/* The usual buffer: BUF_PAGES pages, read-write, close-on-exec. */
static int new_buf(void)
{
	return export_buf(buf_len, O_RDWR | O_CLOEXEC, 0);
}

static int attach(int ctl, int fd, __u32 flags)
{
	struct dmabuf_test_attach req = { .fd = fd, .flags = flags };

	return ioctl(ctl, DMABUF_TEST_IOCTL_ATTACH, &req);
}

/* ---------------------------------------------------------------------- */
/* sw_sync and sync_file */

static int timeline_open(void)
{
	return open(SW_SYNC_PATH, O_RDWR | O_CLOEXEC);
}

static int merge(int a, int b)
{
	struct sync_merge_data req = { .fd2 = b, .name = "merged" };

	if (ioctl(a, SYNC_IOC_MERGE, &req))
		return -1;
	return req.fence;
}

static bool is_sync_file(int fd)
{
	char target[64];

	return fd_link(fd, target, sizeof(target)) &&
	       !strcmp(target, "anon_inode:sync_file");
}

/* ---------------------------------------------------------------------- */
/* the dma-buf ioctls */

static int set_name(int fd, const char *name)
{
	return ioctl(fd, DMA_BUF_SET_NAME, name);
}

static int import_fence(int buf, int sync_file, __u32 flags)
{
	struct dma_buf_import_sync_file req = { .flags = flags, .fd = sync_file };

	return ioctl(buf, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &req);
}

/* A sync_file of the buffer's fences, or -1 with errno set. */
static int export_fence(int buf, __u32 flags)
{
	struct dma_buf_export_sync_file req = { .flags = flags, .fd = -1 };

	if (ioctl(buf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &req))
		return -1;
	return req.fd;
}

/* poll() one descriptor; returns poll's result, events in @revents. */
static int poll_one(int fd, short events, int timeout_ms, short *revents)
{
	struct pollfd p = { .fd = fd, .events = events };
	int ret = poll(&p, 1, timeout_ms);

	*revents = p.revents;
	return ret;
}

/* The events a zero-timeout poll() for @events reports, or -1. */
static int ready(int fd, short events)
{
	short revents;
	int ret = poll_one(fd, events, 0, &revents);

	return ret < 0 ? -1 : revents;
}

/* ---------------------------------------------------------------------- */
/* fdinfo and bufinfo */

static char *read_fdinfo(int fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	return read_whole(path);
}

/* Copy the value of the "@key:\t" line of @text to @out. */
static bool field(const char *text, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key), n;
	const char *at = text;

	while (at && *at) {
		if (!strncmp(at, key, klen) && !strncmp(at + klen, ":\t", 2)) {
			at += klen + 2;
			n = strcspn(at, "\n");
			if (n >= len || at[n] != '\n')
				return false;
			memcpy(out, at, n);
			out[n] = '\0';
			return true;
		}
		at = strchr(at, '\n');
		if (at)
			at++;
	}
	return false;
}

/* The value of fdinfo line @key of @fd, in @out; false if absent. */
static bool fdinfo_field(int fd, const char *key, char *out, size_t len)
{
	char *text = read_fdinfo(fd);
	bool found = text && field(text, key, out, len);

	free(text);
	return found;
}

/* A numeric fdinfo line, or -1. */
static long fdinfo_num(int fd, const char *key)
{
	char value[32], *end;
	long n;

	if (!fdinfo_field(fd, key, value, sizeof(value)))
		return -1;
	n = strtol(value, &end, 10);
	return *end ? -1 : n;
}

static char *bufinfo(void)
{
	return read_whole(BUFINFO_PATH);
}

/*
 * The lines bufinfo prints for the buffer with inode @ino, from its object
 * line to its "Total N devices attached" line; NULL if not listed.
 */
static char *entry_in(const char *info, unsigned long ino)
{
	const char *at, *start, *end;
	char key[96];

	snprintf(key, sizeof(key), "\t%s\t%08lu\t", DMABUF_TEST_EXPORTER_NAME,
		 ino);
	at = strstr(info, key);
	if (!at)
		return NULL;
	for (start = at; start > info && start[-1] != '\n'; start--)
		;
	end = strstr(at, "\nTotal ");
	end = end ? strchr(end + 1, '\n') : NULL;
	if (!end)
		return NULL;
	return strndup(start, end + 1 - start);
}

static char *entry(unsigned long ino)
{
	char *info = bufinfo();
	char *found = info ? entry_in(info, ino) : NULL;

	free(info);
	return found;
}

static bool listed(unsigned long ino)
{
	char *found = entry(ino);

	free(found);
	return found;
}

/* Is the buffer gone from bufinfo within a couple of seconds? */
static bool unlisted_soon(unsigned long ino)
{
	int i;

	for (i = 0; i < 200; i++) {
		if (!listed(ino))
			return true;
		sleep_ms(10);
	}
	return false;
}

/* The fields of a bufinfo object line. */
struct obj_line {
	unsigned long size, flags, mode, ino;
	long count;
	char exp_name[64];
	char name[64];
};

/*
 * Parse the object line at the start of @text into @o and check that
 * printing the values back in 6.12's format gives the very same line.
 */
static bool parse_obj(const char *text, struct obj_line *o)
{
	char line[256], again[256];
	const char *tab;
	size_t n = strcspn(text, "\n");
	int i;

	if (n >= sizeof(line) || text[n] != '\n')
		return false;
	memcpy(line, text, n);
	line[n] = '\0';
	if (sscanf(line, "%lu\t%lx\t%lx\t%ld\t%63[^\t]\t%lu\t", &o->size,
		   &o->flags, &o->mode, &o->count, o->exp_name, &o->ino) != 6)
		return false;
	for (tab = line, i = 0; i < 6; i++) {
		tab = strchr(tab, '\t');
		if (!tab)
			return false;
		tab++;
	}
	n = strlen(tab);
	if (n >= sizeof(o->name))
		return false;
	memcpy(o->name, tab, n + 1);
	snprintf(again, sizeof(again), "%08lu\t%08lx\t%08lx\t%08ld\t%s\t%08lu\t%s",
		 o->size, o->flags, o->mode, o->count, o->exp_name, o->ino,
		 o->name);
	return !strcmp(line, again);
}

/* The parsed object line of buffer @ino. */
static bool obj_of(unsigned long ino, struct obj_line *o)
{
	char *found = entry(ino);
	bool ok = found && parse_obj(found, o);

	free(found);
	return ok;
}

/* "Total N objects, B bytes", which ends bufinfo. */
static bool totals(int *objects, size_t *bytes)
{
	char *info = bufinfo();
	const char *at, *last = NULL;
	int used = 0;
	bool ok;

	for (at = info; at && (at = strstr(at, "\nTotal ")); at++)
		last = at;
	ok = last && sscanf(last, "\nTotal %d objects, %zu bytes\n%n",
			    objects, bytes, &used) == 2 &&
	     used && !last[used];
	free(info);
	return ok;
}

/* ---------------------------------------------------------------------- */
/* the helper thread: signals a timeline, kicks us with signals, renames */

enum helper_job { HELPER_ADVANCE, HELPER_KICK, HELPER_RENAME };

/* Names the renaming helper cycles through: 1, 13 and 31 characters. */
static const char * const race_names[] = {
	"x", "medium-length", "thirty-one-characters-long-name",
};

static struct {
	pthread_t thread;
	bool running;
	int stop;		/* set (atomically) when the case is done */
	enum helper_job job;
	int fd;			/* the timeline, or the dma-buf to rename */
	unsigned int ms;	/* delay before the advance, or between kicks */
	long count;		/* renames done */
	int error;		/* errno of a failed step, or 0 */
} helper;

static bool helper_stopping(void)
{
	return __atomic_load_n(&helper.stop, __ATOMIC_ACQUIRE);
}

/* Sleep @ms in short steps; false if told to stop meanwhile. */
static bool helper_nap(unsigned int ms)
{
	while (ms) {
		unsigned int step = ms < 5 ? ms : 5;

		if (helper_stopping())
			return false;
		sleep_ms(step);
		ms -= step;
	}
	return !helper_stopping();
}

static void *helper_main(void *unused)
{
	unsigned int i;

	(void)unused;
	switch (helper.job) {
	case HELPER_ADVANCE:
		if (helper_nap(helper.ms) && advance(helper.fd, 1))
			helper.error = errno;
		break;
	case HELPER_KICK:
		while (helper_nap(helper.ms))
			pthread_kill(main_thread, SIGUSR1);
		break;
	case HELPER_RENAME:
		for (i = 0; !helper_stopping(); i++) {
			if (set_name(helper.fd,
				     race_names[i % ARRAY_LEN(race_names)])) {
				helper.error = errno;
				break;
			}
			helper.count++;
		}
		break;
	}
	return NULL;
}

/*
 * HELPER_ADVANCE: advance timeline @fd by one after @ms (unless stopped
 * first: then it is a safety net that need never fire). HELPER_KICK: send
 * SIGUSR1 to the main thread every @ms. HELPER_RENAME: rename dma-buf @fd
 * through race_names until stopped.
 */
static bool helper_start(enum helper_job job, int fd, unsigned int ms)
{
	helper.job = job;
	helper.fd = fd;
	helper.ms = ms;
	helper.count = 0;
	helper.error = 0;
	__atomic_store_n(&helper.stop, 0, __ATOMIC_RELEASE);
	helper.running = !pthread_create(&helper.thread, NULL, helper_main,
					 NULL);
	return helper.running;
}

/* Stop the helper and wait for it; the errno of its failure, or 0. */
static int helper_stop(void)
{
	if (!helper.running)
		return 0;
	__atomic_store_n(&helper.stop, 1, __ATOMIC_RELEASE);
	pthread_join(helper.thread, NULL);
	helper.running = false;
	return helper.error;
}

/* Wait for an HELPER_ADVANCE to have fired; its errno, or 0. */
static int helper_join(void)
{
	if (!helper.running)
		return 0;
	pthread_join(helper.thread, NULL);
	helper.running = false;
	return helper.error;
}

static void on_sigusr1(int sig)
{
	(void)sig;
}

/* ---------------------------------------------------------------------- */
/* the test exporter's own input checks */

static int exporter_rejects_bad_size(void)
{
	EXPECT(fails(export_buf(0, O_RDWR, 0)) == EINVAL);
	EXPECT(fails(export_buf((256ull << 20) + 1, O_RDWR, 0)) == EINVAL);
	EXPECT(fails(export_buf(~0ull, O_RDWR, 0)) == EINVAL);
	return KSFT_PASS;
}

static int exporter_rejects_bad_flags_and_pad(void)
{
	struct dmabuf_test_export req = { .size = 4096 };
	int before = next_fd();

	EXPECT(fails(export_buf(page, O_RDWR | O_NONBLOCK, 0)) == EINVAL);
	EXPECT(fails(export_buf(page, O_RDWR | O_APPEND, 0)) == EINVAL);
	EXPECT(fails(export_buf(page, O_RDWR | O_CREAT, 0)) == EINVAL);
	EXPECT(fails(export_buf(page, O_RDWR, 2)) == EINVAL);
	EXPECT(fails(export_buf(page, O_RDWR, 1u << 31)) == EINVAL);
	req.fd_flags = O_RDWR;
	req.pad = 1;
	EXPECT(fails(ioctl(ctl_fd, DMABUF_TEST_IOCTL_EXPORT, &req)) == EINVAL);
	EXPECT(next_fd() == before);
	return KSFT_PASS;
}

static int exporter_rounds_size_up_to_pages(void)
{
	int one = export_buf(1, O_RDWR, 0);
	int more = export_buf(page + 1, O_RDWR, 0);

	EXPECT(one >= 0 && more >= 0);
	EXPECT(lseek(one, 0, SEEK_END) == (off_t)page);
	EXPECT(fdinfo_num(one, "size") == (long)page);
	EXPECT(lseek(more, 0, SEEK_END) == (off_t)(2 * page));
	EXPECT(fdinfo_num(more, "size") == (long)(2 * page));
	return KSFT_PASS;
}

static int exporter_fd_flags_reach_the_fd(void)
{
	int rw_cloexec = export_buf(page, O_RDWR | O_CLOEXEC, 0);
	int rw = export_buf(page, O_RDWR, 0);
	int ro = export_buf(page, O_RDONLY, 0);
	int wo = export_buf(page, O_WRONLY, 0);

	EXPECT(rw_cloexec >= 0 && rw >= 0 && ro >= 0 && wo >= 0);
	EXPECT(cloexec(rw_cloexec) && !cloexec(rw) && !cloexec(ro));
	EXPECT((fcntl(rw_cloexec, F_GETFL) & O_ACCMODE) == O_RDWR);
	EXPECT((fcntl(rw, F_GETFL) & O_ACCMODE) == O_RDWR);
	EXPECT((fcntl(ro, F_GETFL) & O_ACCMODE) == O_RDONLY);
	EXPECT((fcntl(wo, F_GETFL) & O_ACCMODE) == O_WRONLY);
	return KSFT_PASS;
}

static int exporter_attach_rejects_bad_input(void)
{
	int fd = new_buf(), tl = timeline_open(), pipefd[2];
	int sync_file = point(tl, 1);
	int closed;

	EXPECT(fd >= 0 && sync_file >= 0 && pipe(pipefd) == 0);
	closed = next_fd();
	EXPECT(fails(attach(ctl_fd, pipefd[0], 0)) == EINVAL);
	EXPECT(fails(attach(ctl_fd, sync_file, 0)) == EINVAL);
	EXPECT(fails(attach(ctl_fd, ctl_fd, 0)) == EINVAL);
	EXPECT(fails(attach(ctl_fd, closed, 0)) == EBADF);
	EXPECT(fails(attach(ctl_fd, -1, 0)) == EBADF);
	EXPECT(fails(attach(ctl_fd, fd, 4)) == EINVAL);
	EXPECT(fails(attach(ctl_fd, fd, 1u << 31)) == EINVAL);
	EXPECT(attach(ctl_fd, fd, 0) == 0);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* the file itself */

static int fd_is_anon_dmabuf_file(void)
{
	int fd = new_buf();
	struct statfs sfs;
	struct stat st;
	char link[64];

	EXPECT(fd >= 0);
	EXPECT(fd_link(fd, link, sizeof(link)));
	EXPECT(!strcmp(link, "/dmabuf:"));
	EXPECT(fstat(fd, &st) == 0);
	EXPECT(st.st_size == (off_t)buf_len);
	EXPECT(st.st_blocks == (blkcnt_t)(buf_len / 512));
	EXPECT(st.st_mode == 0600);
	EXPECT(st.st_uid == getuid() && st.st_gid == getgid());
	EXPECT(fstatfs(fd, &sfs) == 0);
	EXPECT(sfs.f_type == DMA_BUF_MAGIC);
	return KSFT_PASS;
}

static int every_buffer_has_its_own_inode(void)
{
	int a = new_buf(), b = new_buf();
	struct stat sa, sb;

	EXPECT(a >= 0 && b >= 0);
	EXPECT(fstat(a, &sa) == 0 && fstat(b, &sb) == 0);
	EXPECT(sa.st_ino != sb.st_ino);
	EXPECT(sa.st_dev == sb.st_dev);
	return KSFT_PASS;
}

/* No read or write in 6.12's file_operations. */
static int read_and_write_fail(void)
{
	int fd = new_buf(), ro = export_buf(page, O_RDONLY, 0);
	char c = 0;

	EXPECT(fd >= 0 && ro >= 0);
	EXPECT(fails(read(fd, &c, 1)) == EINVAL);
	EXPECT(fails(write(fd, &c, 1)) == EINVAL);
	EXPECT(fails(write(ro, &c, 1)) == EBADF);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* llseek */

static int llseek_end_zero_is_size_set_zero_is_zero(void)
{
	int fd = new_buf();

	EXPECT(fd >= 0);
	EXPECT(lseek(fd, 0, SEEK_END) == (off_t)buf_len);
	EXPECT(lseek(fd, 0, SEEK_SET) == 0);
	EXPECT(lseek(fd, 0, SEEK_END) == (off_t)buf_len);
	EXPECT(lseek(fd, 0, SEEK_END) == (off_t)buf_len);
	return KSFT_PASS;
}

static int llseek_anything_else_einval(void)
{
	static const struct {
		off_t offset;
		int whence;
	} bad[] = {
		{ 0, SEEK_CUR }, { 0, SEEK_DATA }, { 0, SEEK_HOLE }, { 0, 5 },
		{ 1, SEEK_END }, { -1, SEEK_END }, { 1, SEEK_SET },
		{ 4096, SEEK_SET }, { 1, SEEK_CUR }, { -4096, SEEK_END },
	};
	unsigned int i;
	int fd = new_buf();

	EXPECT(fd >= 0);
	for (i = 0; i < ARRAY_LEN(bad); i++) {
		errno = 0;
		if (lseek(fd, bad[i].offset, bad[i].whence) != -1 ||
		    errno != EINVAL)
			ksft_print_msg("lseek(%lld, %d)\n",
				       (long long)bad[i].offset, bad[i].whence);
		EXPECT(errno == EINVAL);
	}
	return KSFT_PASS;
}

/* 6.12 reports the position without storing it: fdinfo pos stays 0. */
static int llseek_leaves_file_position_alone(void)
{
	int fd = new_buf();

	EXPECT(fd >= 0);
	EXPECT(lseek(fd, 0, SEEK_END) == (off_t)buf_len);
	EXPECT(fdinfo_num(fd, "pos") == 0);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* mmap */

static int mmap_new_buffer_reads_zero(void)
{
	int fd = new_buf();
	unsigned char *p;

	EXPECT(fd >= 0);
	p = map(fd, buf_len, 0, PROT_READ, MAP_SHARED);
	EXPECT(p);
	EXPECT(all_zero(p, buf_len));
	return KSFT_PASS;
}

static int mmap_writes_reach_every_mapping(void)
{
	int fd = new_buf();
	unsigned char *a, *b;

	EXPECT(fd >= 0);
	a = map(fd, buf_len, 0, PROT_READ | PROT_WRITE, MAP_SHARED);
	b = map(fd, buf_len, 0, PROT_READ, MAP_SHARED);
	EXPECT(a && b);
	fill(a, buf_len, 0, 1);
	EXPECT(holds(b, buf_len, 0, 1));
	unmap(a);
	unmap(b);
	/* and they stay in the buffer once no mapping is left */
	b = map(fd, buf_len, 0, PROT_READ, MAP_SHARED);
	EXPECT(b && holds(b, buf_len, 0, 1));
	return KSFT_PASS;
}

static int mmap_offset_selects_pages(void)
{
	int fd = new_buf();
	unsigned char *all, *mid, *last;

	EXPECT(fd >= 0);
	all = map(fd, buf_len, 0, PROT_READ | PROT_WRITE, MAP_SHARED);
	EXPECT(all);
	fill(all, buf_len, 0, 2);
	mid = map(fd, 2 * page, page, PROT_READ | PROT_WRITE, MAP_SHARED);
	last = map(fd, page, buf_len - page, PROT_READ, MAP_SHARED);
	EXPECT(mid && last);
	EXPECT(holds(mid, 2 * page, page, 2));
	EXPECT(holds(last, page, buf_len - page, 2));
	fill(mid, 2 * page, page, 3);
	EXPECT(holds(all, page, 0, 2));
	EXPECT(holds(all + page, 2 * page, page, 3));
	EXPECT(holds(all + 3 * page, page, 3 * page, 2));
	return KSFT_PASS;
}

static int mmap_beyond_size_einval(void)
{
	int fd = new_buf();

	EXPECT(fd >= 0);
	EXPECT(!map(fd, buf_len + page, 0, PROT_READ, MAP_SHARED));
	EXPECT(errno == EINVAL);
	EXPECT(!map(fd, buf_len + 1, 0, PROT_READ, MAP_SHARED));
	EXPECT(errno == EINVAL);
	EXPECT(!map(fd, page, buf_len, PROT_READ, MAP_SHARED));
	EXPECT(errno == EINVAL);
	EXPECT(!map(fd, 2 * page, buf_len - page, PROT_READ, MAP_SHARED));
	EXPECT(errno == EINVAL);
	EXPECT(!map(fd, page, 64 * buf_len, PROT_READ, MAP_SHARED));
	EXPECT(errno == EINVAL);
	/* exactly up to the end is fine, a partial last page too */
	EXPECT(map(fd, buf_len - 1, 0, PROT_READ, MAP_SHARED));
	EXPECT(map(fd, page, buf_len - page, PROT_READ, MAP_SHARED));
	return KSFT_PASS;
}

/* The VFS checks the fd's access mode before dma-buf sees the mmap. */
static int mmap_follows_fd_access_mode(void)
{
	int ro = export_buf(buf_len, O_RDONLY, 0);
	int wo = export_buf(buf_len, O_WRONLY, 0);
	unsigned char *p;

	EXPECT(ro >= 0 && wo >= 0);
	p = map(ro, buf_len, 0, PROT_READ, MAP_SHARED);
	EXPECT(p && all_zero(p, buf_len));
	EXPECT(fails(mprotect(p, buf_len, PROT_READ | PROT_WRITE)) == EACCES);
	EXPECT(!map(ro, buf_len, 0, PROT_READ | PROT_WRITE, MAP_SHARED));
	EXPECT(errno == EACCES);
	EXPECT(!map(wo, buf_len, 0, PROT_WRITE, MAP_SHARED));
	EXPECT(errno == EACCES);
	EXPECT(!map(wo, buf_len, 0, PROT_READ, MAP_SHARED));
	EXPECT(errno == EACCES);
	return KSFT_PASS;
}

static int mmap_of_no_mmap_buffer_einval(void)
{
	int fd = export_buf(buf_len, O_RDWR, DMABUF_TEST_EXPORT_NO_MMAP);

	EXPECT(fd >= 0);
	EXPECT(!map(fd, buf_len, 0, PROT_READ | PROT_WRITE, MAP_SHARED));
	EXPECT(errno == EINVAL);
	EXPECT(!map(fd, page, 0, PROT_READ, MAP_SHARED));
	EXPECT(errno == EINVAL);
	EXPECT(!map(fd, page, 0, PROT_READ, MAP_PRIVATE));
	EXPECT(errno == EINVAL);
	/* the rest of the fd works as usual */
	EXPECT(lseek(fd, 0, SEEK_END) == (off_t)buf_len);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW) == 0);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW) == 0);
	return KSFT_PASS;
}

/*
 * The 6.12 core leaves private mappings to the exporter. The test
 * exporter maps the buffer's pages as PFNs, which cannot be copied on
 * write, so it must refuse them. Never touched here: if the mmap went
 * through, the first fault would hit a BUG_ON in vmf_insert_pfn().
 */
static int mmap_private_refused_by_exporter(void)
{
	int fd = new_buf(), ro = export_buf(buf_len, O_RDONLY, 0);

	EXPECT(fd >= 0 && ro >= 0);
	EXPECT(!map(fd, buf_len, 0, PROT_READ | PROT_WRITE, MAP_PRIVATE));
	EXPECT(errno == EINVAL);
	EXPECT(!map(fd, page, 0, PROT_READ, MAP_PRIVATE));
	EXPECT(errno == EINVAL);
	EXPECT(!map(ro, page, 0, PROT_READ, MAP_PRIVATE));
	EXPECT(errno == EINVAL);
	return KSFT_PASS;
}

/* A mapping holds a reference: the buffer outlives its last fd. */
static int mapping_keeps_buffer_after_close(void)
{
	int fd = new_buf();
	unsigned long ino = ino_of(fd);
	unsigned char *p;

	EXPECT(fd >= 0);
	p = map(fd, buf_len, 0, PROT_READ | PROT_WRITE, MAP_SHARED);
	EXPECT(p);
	EXPECT(fdinfo_num(fd, "count") == 2);
	fill(p, buf_len, 0, 4);
	EXPECT(close(fd) == 0);
	EXPECT(listed(ino));
	EXPECT(holds(p, buf_len, 0, 4));
	fill(p, buf_len, 0, 5);
	EXPECT(holds(p, buf_len, 0, 5));
	unmap(p);
	EXPECT(unlisted_soon(ino));
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* DMA_BUF_IOCTL_SYNC */

static int sync_every_valid_flag_combination(void)
{
	static const __u64 dirs[] = {
		DMA_BUF_SYNC_READ, DMA_BUF_SYNC_WRITE, DMA_BUF_SYNC_RW,
	};
	int fd = new_buf();
	unsigned int i;

	EXPECT(fd >= 0);
	for (i = 0; i < ARRAY_LEN(dirs); i++) {
		EXPECT(sync_buf(fd, DMA_BUF_SYNC_START | dirs[i]) == 0);
		EXPECT(sync_buf(fd, DMA_BUF_SYNC_END | dirs[i]) == 0);
	}
	/* 6.12 keeps no count: brackets may nest or be left unbalanced */
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ) == 0);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE) == 0);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE) == 0);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ) == 0);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW) == 0);
	return KSFT_PASS;
}

static int sync_invalid_flags_einval(void)
{
	static const __u64 bad[] = {
		0, DMA_BUF_SYNC_END, 8, DMA_BUF_SYNC_RW | 8,
		DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ | 16,
		DMA_BUF_SYNC_READ | (1ull << 32), DMA_BUF_SYNC_WRITE | (1ull << 63),
		~0ull,
	};
	int fd = new_buf();
	unsigned int i;

	EXPECT(fd >= 0);
	for (i = 0; i < ARRAY_LEN(bad); i++) {
		if (fails(sync_buf(fd, bad[i])) != EINVAL)
			ksft_print_msg("flags %#llx\n",
				       (unsigned long long)bad[i]);
		EXPECT(errno == EINVAL);
	}
	return KSFT_PASS;
}

static int sync_bad_pointer_efault(void)
{
	int fd = new_buf();

	EXPECT(fd >= 0);
	EXPECT(fails(ioctl(fd, DMA_BUF_IOCTL_SYNC, NULL)) == EFAULT);
	EXPECT(fails(ioctl(fd, DMA_BUF_IOCTL_SYNC, (void *)8)) == EFAULT);
	return KSFT_PASS;
}

static int sync_brackets_cpu_access_through_mmap(void)
{
	int fd = new_buf();
	unsigned char *w, *r;

	EXPECT(fd >= 0);
	w = map(fd, buf_len, 0, PROT_READ | PROT_WRITE, MAP_SHARED);
	r = map(fd, buf_len, 0, PROT_READ, MAP_SHARED);
	EXPECT(w && r);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE) == 0);
	fill(w, buf_len, 0, 6);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE) == 0);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ) == 0);
	EXPECT(holds(r, buf_len, 0, 6));
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ) == 0);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW) == 0);
	EXPECT(holds(w, buf_len, 0, 6));
	fill(w + page, page, page, 7);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW) == 0);
	EXPECT(holds(r, page, 0, 6) && holds(r + page, page, page, 7));
	return KSFT_PASS;
}

/*
 * Have the helper advance @tl after @ms, run SYNC with @flags meanwhile,
 * and say how long that blocked (its result in @ret). The advance is the
 * only wake-up: an ioctl that returned before it did not wait.
 */
static __u64 timed_sync(int fd, __u64 flags, int tl, unsigned int ms,
			int *ret)
{
	__u64 t0;

	if (!helper_start(HELPER_ADVANCE, tl, ms)) {
		*ret = -1;
		return 0;
	}
	t0 = now_ns();
	*ret = sync_buf(fd, flags);
	return now_ns() - t0;
}

static int sync_start_read_waits_for_write_fences_only(void)
{
	int fd = new_buf(), tl_r = timeline_open(), tl_w = timeline_open();
	int rf = point(tl_r, 1), wf = point(tl_w, 1);
	__u64 took;
	int ret;

	EXPECT(fd >= 0 && rf >= 0 && wf >= 0);
	EXPECT(import_fence(fd, rf, DMA_BUF_SYNC_READ) == 0);
	/* a reader does not wait for readers; the net fires only if it did */
	timed_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ, tl_r, 10000,
		   &ret);
	EXPECT(ret == 0);
	EXPECT(file_status(rf) == 0);
	EXPECT(helper_stop() == 0);

	EXPECT(import_fence(fd, wf, DMA_BUF_SYNC_WRITE) == 0);
	took = timed_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ, tl_w,
			  300, &ret);
	EXPECT(helper_join() == 0);
	EXPECT(ret == 0);
	EXPECT(took >= 250 * NSEC_PER_MSEC);
	EXPECT(file_status(wf) == 1 && file_status(rf) == 0);
	return KSFT_PASS;
}

static int sync_start_write_waits_for_all_fences(void)
{
	int fd = new_buf(), tl = timeline_open();
	int rf = point(tl, 1), rf2 = point(tl, 2);
	__u64 took;
	int ret;

	EXPECT(fd >= 0 && rf >= 0 && rf2 >= 0);
	EXPECT(import_fence(fd, rf, DMA_BUF_SYNC_READ) == 0);
	took = timed_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE, tl,
			  300, &ret);
	EXPECT(helper_join() == 0);
	EXPECT(ret == 0);
	EXPECT(took >= 250 * NSEC_PER_MSEC);
	EXPECT(file_status(rf) == 1);

	EXPECT(import_fence(fd, rf2, DMA_BUF_SYNC_READ) == 0);
	took = timed_sync(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW, tl, 300,
			  &ret);
	EXPECT(helper_join() == 0);
	EXPECT(ret == 0);
	EXPECT(took >= 250 * NSEC_PER_MSEC);
	EXPECT(file_status(rf2) == 1);
	return KSFT_PASS;
}

static int sync_end_never_waits(void)
{
	int fd = new_buf(), tl = timeline_open();
	int wf = point(tl, 1);
	int ret;

	EXPECT(fd >= 0 && wf >= 0);
	EXPECT(import_fence(fd, wf, DMA_BUF_SYNC_WRITE) == 0);
	timed_sync(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ, tl, 10000, &ret);
	EXPECT(ret == 0);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE) == 0);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW) == 0);
	EXPECT(file_status(wf) == 0);
	EXPECT(helper_stop() == 0);
	return KSFT_PASS;
}

/* The wait is interruptible: a signal without SA_RESTART ends it. */
static int sync_wait_interrupted_by_signal_eintr(void)
{
	int fd = new_buf(), tl = timeline_open();
	int rf = point(tl, 1);
	int err;

	EXPECT(fd >= 0 && rf >= 0);
	EXPECT(import_fence(fd, rf, DMA_BUF_SYNC_READ) == 0);
	EXPECT(helper_start(HELPER_KICK, -1, 100));
	err = fails(sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE));
	helper_stop();
	EXPECT(err == EINTR);
	EXPECT(file_status(rf) == 0);
	EXPECT(advance(tl, 1) == 0);
	EXPECT(sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE) == 0);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* DMA_BUF_SET_NAME */

/*
 * Does every place that shows a buffer's name show @name (NULL: none)?
 * fdinfo's name: line, the bufinfo name column and the fd's link.
 */
static bool name_is(int fd, const char *name)
{
	char value[64] = "", link[96] = "", want[96];
	struct obj_line o = { .name = "" };
	bool has_line = fdinfo_field(fd, "name", value, sizeof(value));

	if (name ? !has_line || strcmp(value, name) : has_line) {
		ksft_print_msg("fdinfo name %s\n", has_line ? value : "absent");
		return false;
	}
	if (!obj_of(ino_of(fd), &o) || strcmp(o.name, name ?: "<none>")) {
		ksft_print_msg("bufinfo name %s\n", o.name);
		return false;
	}
	snprintf(want, sizeof(want), "/dmabuf:%s", name ?: "");
	if (!fd_link(fd, link, sizeof(link)) || strcmp(link, want)) {
		ksft_print_msg("link %s\n", link);
		return false;
	}
	return true;
}

static int set_name_shows_in_fdinfo_bufinfo_and_link(void)
{
	int fd = new_buf();

	EXPECT(fd >= 0);
	EXPECT(name_is(fd, NULL));
	EXPECT(set_name(fd, "scanout-0") == 0);
	EXPECT(name_is(fd, "scanout-0"));
	/* renaming replaces, shorter or longer */
	EXPECT(set_name(fd, "y") == 0);
	EXPECT(name_is(fd, "y"));
	EXPECT(set_name(fd, "a-rather-longer-name") == 0);
	EXPECT(name_is(fd, "a-rather-longer-name"));
	return KSFT_PASS;
}

/* Both encodings of the command (_A, _B) are accepted on 64-bit too. */
static int set_name_a_and_b_encodings(void)
{
	int fd = new_buf();

	EXPECT(fd >= 0);
	EXPECT(ioctl(fd, DMA_BUF_SET_NAME_A, "by-a") == 0);
	EXPECT(name_is(fd, "by-a"));
	EXPECT(ioctl(fd, DMA_BUF_SET_NAME_B, "by-b") == 0);
	EXPECT(name_is(fd, "by-b"));
	EXPECT(ioctl(fd, DMA_BUF_SET_NAME, "native") == 0);
	EXPECT(name_is(fd, "native"));
	return KSFT_PASS;
}

/* DMA_BUF_NAME_LEN counts the NUL: 31 characters fit, 32 do not. */
static int set_name_length_limit(void)
{
	char name[DMA_BUF_NAME_LEN + 64];
	int fd = new_buf();

	EXPECT(fd >= 0);
	memset(name, 'n', sizeof(name));
	name[DMA_BUF_NAME_LEN - 1] = '\0';
	EXPECT(set_name(fd, name) == 0);
	EXPECT(name_is(fd, name));
	name[DMA_BUF_NAME_LEN - 1] = 'm';
	name[DMA_BUF_NAME_LEN] = '\0';
	EXPECT(fails(set_name(fd, name)) == EINVAL);
	name[sizeof(name) - 1] = '\0';
	name[DMA_BUF_NAME_LEN] = 'o';
	EXPECT(fails(set_name(fd, name)) == EINVAL);
	/* a failed rename keeps the old name */
	name[DMA_BUF_NAME_LEN - 1] = '\0';
	EXPECT(name_is(fd, name));
	return KSFT_PASS;
}

/* An empty name is a name: fdinfo prints the line, bufinfo no <none>. */
static int set_name_empty_string(void)
{
	int fd = new_buf();

	EXPECT(fd >= 0);
	EXPECT(set_name(fd, "") == 0);
	EXPECT(name_is(fd, ""));
	return KSFT_PASS;
}

static int set_name_bad_pointer_efault(void)
{
	int fd = new_buf();
	char *two;

	EXPECT(fd >= 0);
	EXPECT(set_name(fd, "kept") == 0);
	EXPECT(fails(set_name(fd, NULL)) == EFAULT);
	EXPECT(fails(set_name(fd, (char *)8)) == EFAULT);
	/* a string that runs into an inaccessible page */
	two = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(two != MAP_FAILED);
	EXPECT(mprotect(two + page, page, PROT_NONE) == 0);
	memcpy(two + page - 3, "abc", 3);
	EXPECT(fails(set_name(fd, two + page - 3)) == EFAULT);
	EXPECT(name_is(fd, "kept"));
	/* ending right at the edge is fine */
	memcpy(two + page - 4, "abc", 4);
	EXPECT(set_name(fd, two + page - 4) == 0);
	munmap(two, 2 * page);
	EXPECT(name_is(fd, "abc"));
	return KSFT_PASS;
}

/* The name belongs to the buffer; 6.12 allows renaming while attached. */
static int set_name_shared_by_dups_and_allowed_when_attached(void)
{
	int fd = new_buf();
	int dup_fd;

	EXPECT(fd >= 0);
	EXPECT(set_name(fd, "first") == 0);
	dup_fd = dup(fd);
	EXPECT(dup_fd >= 0);
	EXPECT(name_is(dup_fd, "first"));
	EXPECT(attach(ctl_fd, fd, 0) == 0);
	EXPECT(set_name(dup_fd, "second") == 0);
	EXPECT(name_is(fd, "second"));
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* DMA_BUF_IOCTL_EXPORT_SYNC_FILE and DMA_BUF_IOCTL_IMPORT_SYNC_FILE */

static const __u32 bad_sync_file_flags[] = {
	0, DMA_BUF_SYNC_END, 8, DMA_BUF_SYNC_RW | DMA_BUF_SYNC_END,
	DMA_BUF_SYNC_READ | (1u << 31),
};

static int export_sync_file_bad_flags_einval(void)
{
	int fd = new_buf();
	unsigned int i;
	int before;

	EXPECT(fd >= 0);
	before = next_fd();
	for (i = 0; i < ARRAY_LEN(bad_sync_file_flags); i++)
		EXPECT(fails(export_fence(fd, bad_sync_file_flags[i])) ==
		       EINVAL);
	EXPECT(next_fd() == before);
	return KSFT_PASS;
}

/* The copy back fails after the sync_file was made: nothing may leak. */
static int export_sync_file_bad_pointer_efault(void)
{
	struct dma_buf_export_sync_file *req;
	int fd = new_buf();
	int before, err;

	EXPECT(fd >= 0);
	before = next_fd();
	EXPECT(fails(ioctl(fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, NULL)) ==
	       EFAULT);
	req = mmap(NULL, page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(req != MAP_FAILED);
	req->flags = DMA_BUF_SYNC_RW;
	EXPECT(mprotect(req, page, PROT_READ) == 0);
	err = fails(ioctl(fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, req));
	munmap(req, page);
	EXPECT(err == EFAULT);
	EXPECT(next_fd() == before);
	return KSFT_PASS;
}

/* With no fences, the file holds the signalled stub fence. */
static int export_sync_file_of_idle_buffer_is_signalled(void)
{
	static const __u32 flags[] = {
		DMA_BUF_SYNC_READ, DMA_BUF_SYNC_WRITE, DMA_BUF_SYNC_RW,
	};
	struct sync_fence_info fence;
	struct sync_file_info info;
	int fd = new_buf();
	unsigned int i;
	int sf;

	EXPECT(fd >= 0);
	for (i = 0; i < ARRAY_LEN(flags); i++) {
		sf = export_fence(fd, flags[i]);
		EXPECT(sf >= 0);
		EXPECT(is_sync_file(sf) && cloexec(sf));
		EXPECT(file_info(sf, &info, &fence, 1) == 0);
		EXPECT(info.status == 1 && info.num_fences == 1);
		EXPECT(!strcmp(fence.driver_name, "stub"));
		EXPECT(close(sf) == 0);
	}
	return KSFT_PASS;
}

static int import_sync_file_bad_flags_einval(void)
{
	int fd = new_buf(), tl = timeline_open();
	int f = point(tl, 1);
	unsigned int i;

	EXPECT(fd >= 0 && f >= 0);
	for (i = 0; i < ARRAY_LEN(bad_sync_file_flags); i++)
		EXPECT(fails(import_fence(fd, f, bad_sync_file_flags[i])) ==
		       EINVAL);
	/* and nothing was added */
	EXPECT(ready(fd, POLLIN | POLLOUT) == (POLLIN | POLLOUT));
	return KSFT_PASS;
}

static int import_of_non_sync_file_einval(void)
{
	int fd = new_buf(), other = new_buf(), tl = timeline_open();
	int file = regular_file(), pipefd[2], closed;

	EXPECT(fd >= 0 && other >= 0 && file >= 0 && pipe(pipefd) == 0);
	closed = next_fd();
	EXPECT(fails(import_fence(fd, pipefd[0], DMA_BUF_SYNC_READ)) == EINVAL);
	EXPECT(fails(import_fence(fd, file, DMA_BUF_SYNC_WRITE)) == EINVAL);
	EXPECT(fails(import_fence(fd, fd, DMA_BUF_SYNC_RW)) == EINVAL);
	EXPECT(fails(import_fence(fd, other, DMA_BUF_SYNC_RW)) == EINVAL);
	EXPECT(fails(import_fence(fd, tl, DMA_BUF_SYNC_RW)) == EINVAL);
	EXPECT(fails(import_fence(fd, closed, DMA_BUF_SYNC_READ)) == EINVAL);
	EXPECT(fails(import_fence(fd, -1, DMA_BUF_SYNC_READ)) == EINVAL);
	return KSFT_PASS;
}

static int import_sync_file_bad_pointer_efault(void)
{
	int fd = new_buf();

	EXPECT(fd >= 0);
	EXPECT(fails(ioctl(fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, NULL)) ==
	       EFAULT);
	EXPECT(fails(ioctl(fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, (void *)8)) ==
	       EFAULT);
	return KSFT_PASS;
}

/* A read fence: writers must wait for it, readers need not. */
static int import_read_fence_exports_to_writers_only(void)
{
	int fd = new_buf(), tl = timeline_open();
	int f = point(tl, 1);
	int r, w, rw;

	EXPECT(fd >= 0 && f >= 0);
	EXPECT(import_fence(fd, f, DMA_BUF_SYNC_READ) == 0);
	/* the buffer holds its own reference to the fence */
	EXPECT(close(f) == 0);
	r = export_fence(fd, DMA_BUF_SYNC_READ);
	w = export_fence(fd, DMA_BUF_SYNC_WRITE);
	rw = export_fence(fd, DMA_BUF_SYNC_RW);
	EXPECT(r >= 0 && w >= 0 && rw >= 0);
	EXPECT(file_status(r) == 1);
	EXPECT(file_status(w) == 0 && file_count(w) == 1);
	EXPECT(file_status(rw) == 0 && file_count(rw) == 1);
	EXPECT(advance(tl, 1) == 0);
	EXPECT(file_status(w) == 1 && file_status(rw) == 1);
	return KSFT_PASS;
}

/* A write fence: everybody waits for it. */
static int import_write_fence_exports_to_everyone(void)
{
	int fd = new_buf(), tl = timeline_open();
	int f = point(tl, 1);
	int r, w;
	short ev;

	EXPECT(fd >= 0 && f >= 0);
	EXPECT(import_fence(fd, f, DMA_BUF_SYNC_WRITE) == 0);
	r = export_fence(fd, DMA_BUF_SYNC_READ);
	w = export_fence(fd, DMA_BUF_SYNC_WRITE);
	EXPECT(r >= 0 && w >= 0);
	EXPECT(file_status(r) == 0 && file_count(r) == 1);
	EXPECT(file_status(w) == 0 && file_count(w) == 1);
	/* the exported file can be waited on like any other */
	EXPECT(helper_start(HELPER_ADVANCE, tl, 200));
	EXPECT(poll_one(r, POLLIN, 20000, &ev) == 1 && ev == POLLIN);
	EXPECT(helper_join() == 0);
	EXPECT(file_status(w) == 1);
	return KSFT_PASS;
}

/* READ|WRITE imports as a write fence. */
static int import_rw_counts_as_write(void)
{
	int fd = new_buf(), tl = timeline_open();
	int f = point(tl, 1);
	int r;

	EXPECT(fd >= 0 && f >= 0);
	EXPECT(import_fence(fd, f, DMA_BUF_SYNC_RW) == 0);
	r = export_fence(fd, DMA_BUF_SYNC_READ);
	EXPECT(r >= 0 && file_status(r) == 0);
	EXPECT(ready(fd, POLLIN) == 0);
	EXPECT(advance(tl, 1) == 0);
	EXPECT(file_status(r) == 1);
	return KSFT_PASS;
}

/* Which fences an exported file waits for, told apart by signalling. */
static int export_collects_fences_by_usage(void)
{
	int fd = new_buf(), tl_r = timeline_open(), tl_w = timeline_open();
	int rf = point(tl_r, 1), wf = point(tl_w, 1);
	struct sync_fence_info fences[2];
	struct sync_file_info info;
	int r, w;

	EXPECT(fd >= 0 && rf >= 0 && wf >= 0);
	EXPECT(import_fence(fd, rf, DMA_BUF_SYNC_READ) == 0);
	EXPECT(import_fence(fd, wf, DMA_BUF_SYNC_WRITE) == 0);
	r = export_fence(fd, DMA_BUF_SYNC_READ);
	w = export_fence(fd, DMA_BUF_SYNC_WRITE);
	EXPECT(r >= 0 && w >= 0);
	EXPECT(file_count(r) == 1 && file_status(r) == 0);
	EXPECT(file_info(w, &info, fences, 2) == 0);
	EXPECT(info.num_fences == 2 && info.status == 0);
	EXPECT(!strcmp(fences[0].driver_name, "sw_sync"));
	EXPECT(!strcmp(fences[1].driver_name, "sw_sync"));
	EXPECT(!strcmp(fences[0].obj_name, my_comm()));
	/* the write fence is all a reader waits for */
	EXPECT(advance(tl_w, 1) == 0);
	EXPECT(file_status(r) == 1);
	EXPECT(file_status(w) == 0);
	EXPECT(advance(tl_r, 1) == 0);
	EXPECT(file_status(w) == 1);
	return KSFT_PASS;
}

/* A merged sync_file brings every fence it holds. */
static int import_merged_sync_file_adds_every_fence(void)
{
	int fd = new_buf(), tl = timeline_open(), tl2 = timeline_open();
	int m = merge(point(tl, 1), point(tl2, 1));
	int r;

	EXPECT(fd >= 0 && m >= 0 && file_count(m) == 2);
	EXPECT(import_fence(fd, m, DMA_BUF_SYNC_WRITE) == 0);
	EXPECT(close(m) == 0);
	r = export_fence(fd, DMA_BUF_SYNC_READ);
	EXPECT(r >= 0 && file_count(r) == 2);
	EXPECT(advance(tl, 1) == 0);
	EXPECT(file_status(r) == 0 && ready(fd, POLLIN) == 0);
	EXPECT(advance(tl2, 1) == 0);
	EXPECT(file_status(r) == 1 && ready(fd, POLLIN) == POLLIN);
	return KSFT_PASS;
}

/* bufinfo lists the buffer's fences with their usage and state. */
static int imported_fences_show_in_bufinfo(void)
{
	int fd = new_buf(), tl_r = timeline_open(), tl_w = timeline_open();
	int rf = point(tl_r, 7), wf = point(tl_w, 5);
	char want_w[128], want_r[128];
	char *e;

	EXPECT(fd >= 0 && rf >= 0 && wf >= 0);
	EXPECT(import_fence(fd, wf, DMA_BUF_SYNC_WRITE) == 0);
	EXPECT(import_fence(fd, rf, DMA_BUF_SYNC_READ) == 0);
	snprintf(want_w, sizeof(want_w),
		 "\n\twrite fence:sw_sync %s seq 5 unsignalled\n", my_comm());
	snprintf(want_r, sizeof(want_r),
		 "\n\tread fence:sw_sync %s seq 7 unsignalled\n", my_comm());
	e = entry(ino_of(fd));
	EXPECT(e);
	if (!strstr(e, want_w) || !strstr(e, want_r))
		ksft_print_msg("bufinfo entry:\n%s", e);
	EXPECT(strstr(e, want_w) && strstr(e, want_r));
	EXPECT(strstr(e, want_r) < strstr(e, "\tAttached Devices:\n"));
	free(e);
	EXPECT(advance(tl_w, 5) == 0);
	snprintf(want_w, sizeof(want_w),
		 "\n\twrite fence:sw_sync %s seq 5 signalled\n", my_comm());
	e = entry(ino_of(fd));
	EXPECT(e && strstr(e, want_w) && strstr(e, want_r));
	free(e);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* poll */

static int poll_idle_buffer_is_ready(void)
{
	int fd = new_buf();
	short ev;

	EXPECT(fd >= 0);
	EXPECT(poll_one(fd, POLLIN | POLLOUT, 0, &ev) == 1);
	EXPECT(ev == (POLLIN | POLLOUT));
	EXPECT(ready(fd, POLLIN) == POLLIN);
	EXPECT(ready(fd, POLLOUT) == POLLOUT);
	/* no events asked for, none reported */
	EXPECT(poll_one(fd, 0, 0, &ev) == 0 && ev == 0);
	return KSFT_PASS;
}

/* EPOLLIN waits for write fences only, EPOLLOUT for all of them. */
static int poll_read_fence_blocks_pollout_only(void)
{
	int fd = new_buf(), tl = timeline_open();
	int f = point(tl, 1);

	EXPECT(fd >= 0 && f >= 0);
	EXPECT(import_fence(fd, f, DMA_BUF_SYNC_READ) == 0);
	EXPECT(ready(fd, POLLIN) == POLLIN);
	EXPECT(ready(fd, POLLOUT) == 0);
	EXPECT(ready(fd, POLLIN | POLLOUT) == POLLIN);
	EXPECT(advance(tl, 1) == 0);
	EXPECT(ready(fd, POLLIN | POLLOUT) == (POLLIN | POLLOUT));
	return KSFT_PASS;
}

static int poll_write_fence_blocks_both(void)
{
	int fd = new_buf(), tl = timeline_open();
	int f = point(tl, 1);

	EXPECT(fd >= 0 && f >= 0);
	EXPECT(import_fence(fd, f, DMA_BUF_SYNC_WRITE) == 0);
	EXPECT(ready(fd, POLLIN) == 0);
	EXPECT(ready(fd, POLLOUT) == 0);
	EXPECT(ready(fd, POLLIN | POLLOUT) == 0);
	EXPECT(advance(tl, 1) == 0);
	EXPECT(ready(fd, POLLIN | POLLOUT) == (POLLIN | POLLOUT));
	EXPECT(ready(fd, POLLIN) == POLLIN);
	return KSFT_PASS;
}

/* A signalled fence does not hold anyone up. */
static int poll_signalled_fence_is_ready(void)
{
	int fd = new_buf(), tl = timeline_open();
	int f = point(tl, 0);

	EXPECT(fd >= 0 && f >= 0 && file_status(f) == 1);
	EXPECT(import_fence(fd, f, DMA_BUF_SYNC_WRITE) == 0);
	EXPECT(ready(fd, POLLIN | POLLOUT) == (POLLIN | POLLOUT));
	return KSFT_PASS;
}

static int poll_timeout_returns_zero_while_unsignalled(void)
{
	int fd = new_buf(), tl = timeline_open();
	int f = point(tl, 1);
	__u64 t0, took;
	short ev;

	EXPECT(fd >= 0 && f >= 0);
	EXPECT(import_fence(fd, f, DMA_BUF_SYNC_WRITE) == 0);
	t0 = now_ns();
	EXPECT(poll_one(fd, POLLIN, 300, &ev) == 0 && ev == 0);
	EXPECT(poll_one(fd, POLLOUT, 300, &ev) == 0 && ev == 0);
	took = now_ns() - t0;
	EXPECT(took >= 550 * NSEC_PER_MSEC);
	return KSFT_PASS;
}

/* Blocked in poll, woken by another thread signalling, without spinning. */
static int poll_woken_by_signal_from_other_thread(void)
{
	int fd = new_buf(), tl = timeline_open(), tl2 = timeline_open();
	int f = point(tl, 1), f2 = point(tl2, 1);
	__u64 t0, cpu0, took, cpu;
	short ev;
	int ret;

	EXPECT(fd >= 0 && f >= 0 && f2 >= 0);
	EXPECT(import_fence(fd, f, DMA_BUF_SYNC_WRITE) == 0);
	EXPECT(helper_start(HELPER_ADVANCE, tl, 500));
	t0 = now_ns();
	cpu0 = thread_cpu_ns();
	ret = poll_one(fd, POLLIN, 20000, &ev);
	cpu = thread_cpu_ns() - cpu0;
	took = now_ns() - t0;
	EXPECT(helper_join() == 0);
	EXPECT(ret == 1 && ev == POLLIN);
	EXPECT(took >= 450 * NSEC_PER_MSEC);
	if (cpu > took / 4)
		ksft_print_msg("poll used %llu of %llu ns\n",
			       (unsigned long long)cpu,
			       (unsigned long long)took);
	EXPECT(cpu <= took / 4);

	/* the same for EPOLLOUT behind a read fence */
	EXPECT(import_fence(fd, f2, DMA_BUF_SYNC_READ) == 0);
	EXPECT(helper_start(HELPER_ADVANCE, tl2, 300));
	ret = poll_one(fd, POLLOUT, 20000, &ev);
	EXPECT(helper_join() == 0);
	EXPECT(ret == 1 && ev == POLLOUT);
	return KSFT_PASS;
}

static int epoll_woken_by_signal(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int fd = new_buf(), tl = timeline_open();
	int f = point(tl, 1);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int ret;

	EXPECT(fd >= 0 && f >= 0 && ep >= 0);
	EXPECT(import_fence(fd, f, DMA_BUF_SYNC_WRITE) == 0);
	EXPECT(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0);
	EXPECT(epoll_wait(ep, &ev, 1, 0) == 0);
	EXPECT(helper_start(HELPER_ADVANCE, tl, 200));
	ret = epoll_wait(ep, &ev, 1, 20000);
	EXPECT(helper_join() == 0);
	EXPECT(ret == 1 && ev.events == EPOLLIN);
	return KSFT_PASS;
}

/* The pending poll callback must not outlive the buffer it points to. */
static int close_while_poll_pending_then_signal(void)
{
	int fd = new_buf(), tl = timeline_open();
	int f = point(tl, 1);
	unsigned long ino = ino_of(fd);

	EXPECT(fd >= 0 && f >= 0);
	EXPECT(import_fence(fd, f, DMA_BUF_SYNC_WRITE) == 0);
	EXPECT(ready(fd, POLLIN | POLLOUT) == 0);
	EXPECT(close(fd) == 0);
	EXPECT(advance(tl, 1) == 0);
	EXPECT(unlisted_soon(ino));
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* unknown ioctls and wrong descriptors */

static int unknown_ioctl_enotty(void)
{
	static const unsigned long cmds[] = {
		_IO(DMA_BUF_BASE, 4),
		_IOW(DMA_BUF_BASE, 4, __u64),
		_IOWR(DMA_BUF_BASE, 0, struct dma_buf_sync),
		_IOR(DMA_BUF_BASE, 0, struct dma_buf_sync),
		_IOW(DMA_BUF_BASE, 0, __u32),
		_IOW(DMA_BUF_BASE, 1, __u16),
		_IOW(DMA_BUF_BASE, 1, char[DMA_BUF_NAME_LEN]),
		_IOW(DMA_BUF_BASE, 2, struct dma_buf_export_sync_file),
		_IOWR(DMA_BUF_BASE, 3, struct dma_buf_import_sync_file),
		_IOW(DMA_BUF_BASE, 0xff, __u64),
		SYNC_IOC_FILE_INFO, SW_SYNC_IOC_INC, DMABUF_TEST_IOCTL_EXPORT,
		0,
	};
	__u64 arg[8] = { DMA_BUF_SYNC_READ };
	int fd = new_buf();
	unsigned int i;

	EXPECT(fd >= 0);
	for (i = 0; i < ARRAY_LEN(cmds); i++) {
		if (fails(ioctl(fd, cmds[i], arg)) != ENOTTY)
			ksft_print_msg("cmd %#lx\n", cmds[i]);
		EXPECT(errno == ENOTTY);
	}
	EXPECT(name_is(fd, NULL));
	return KSFT_PASS;
}

/* Every dma-buf ioctl on @fd fails with @err. */
static bool dmabuf_ioctls_fail(int fd, int err)
{
	struct dma_buf_export_sync_file exp = { .flags = DMA_BUF_SYNC_RW };
	struct dma_buf_import_sync_file imp = { .flags = DMA_BUF_SYNC_RW };
	struct dma_buf_sync sync = { .flags = DMA_BUF_SYNC_READ };

	return fails(ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync)) == err &&
	       fails(ioctl(fd, DMA_BUF_SET_NAME, "name")) == err &&
	       fails(ioctl(fd, DMA_BUF_SET_NAME_A, "name")) == err &&
	       fails(ioctl(fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &exp)) == err &&
	       fails(ioctl(fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &imp)) == err;
}

static int dmabuf_ioctls_on_other_files_enotty(void)
{
	int tl = timeline_open(), file = regular_file(), pipefd[2];
	int sync_file = point(tl, 1);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	EXPECT(tl >= 0 && file >= 0 && sync_file >= 0 && null >= 0);
	EXPECT(pipe(pipefd) == 0);
	EXPECT(dmabuf_ioctls_fail(pipefd[0], ENOTTY));
	EXPECT(dmabuf_ioctls_fail(file, ENOTTY));
	EXPECT(dmabuf_ioctls_fail(null, ENOTTY));
	EXPECT(dmabuf_ioctls_fail(sync_file, ENOTTY));
	EXPECT(dmabuf_ioctls_fail(tl, ENOTTY));
	return KSFT_PASS;
}

static int dmabuf_calls_on_closed_fd_ebadf(void)
{
	int fd = new_buf();
	short ev;

	EXPECT(fd >= 0);
	EXPECT(close(fd) == 0);
	EXPECT(dmabuf_ioctls_fail(fd, EBADF));
	EXPECT(dmabuf_ioctls_fail(-1, EBADF));
	EXPECT(fails(lseek(fd, 0, SEEK_END)) == EBADF);
	EXPECT(!map(fd, page, 0, PROT_READ, MAP_SHARED) && errno == EBADF);
	EXPECT(poll_one(fd, POLLIN, 0, &ev) == 1 && ev == POLLNVAL);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* /proc/self/fdinfo */

/* The whole of fdinfo, line by line: the VFS's four, then dma-buf's. */
static int fdinfo_format(void)
{
	char want[512], mnt_id[32], *text;
	int fd = new_buf(), other = export_buf(page, O_RDWR, 0);

	EXPECT(fd >= 0 && other >= 0);
	text = read_fdinfo(fd);
	EXPECT(text && field(text, "mnt_id", mnt_id, sizeof(mnt_id)));
	snprintf(want, sizeof(want),
		 "pos:\t0\nflags:\t02000002\nmnt_id:\t%s\nino:\t%lu\n"
		 "size:\t%zu\ncount:\t1\nexp_name:\t%s\n",
		 mnt_id, ino_of(fd), buf_len, DMABUF_TEST_EXPORTER_NAME);
	if (strcmp(text, want))
		ksft_print_msg("fdinfo:\n%s", text);
	EXPECT(!strcmp(text, want));
	free(text);

	EXPECT(set_name(fd, "named") == 0);
	strcat(want, "name:\tnamed\n");
	text = read_fdinfo(fd);
	EXPECT(text && !strcmp(text, want));
	free(text);

	/* all dma-bufs live on one internal mount */
	EXPECT(fdinfo_num(other, "mnt_id") == strtol(mnt_id, NULL, 10));
	return KSFT_PASS;
}

/* flags: is the file's f_flags in octal, plus O_CLOEXEC of the fd. */
static int fdinfo_flags_follow_the_fd(void)
{
	int ro = export_buf(page, O_RDONLY, 0);
	int wo = export_buf(page, O_WRONLY | O_CLOEXEC, 0);
	int rw = export_buf(page, O_RDWR, 0);
	char value[32];

	EXPECT(ro >= 0 && wo >= 0 && rw >= 0);
	EXPECT(fdinfo_field(ro, "flags", value, sizeof(value)));
	EXPECT(!strcmp(value, "00"));
	EXPECT(fdinfo_field(wo, "flags", value, sizeof(value)));
	EXPECT(!strcmp(value, "02000001"));
	EXPECT(fdinfo_field(rw, "flags", value, sizeof(value)));
	EXPECT(!strcmp(value, "02"));
	EXPECT(fcntl(rw, F_SETFL, O_NONBLOCK) == 0);
	EXPECT(fdinfo_field(rw, "flags", value, sizeof(value)));
	EXPECT(!strcmp(value, "04002"));
	EXPECT(fcntl(rw, F_SETFD, FD_CLOEXEC) == 0);
	EXPECT(fdinfo_field(rw, "flags", value, sizeof(value)));
	EXPECT(!strcmp(value, "02004002"));
	return KSFT_PASS;
}

/* count: is the file's references, less the one fdinfo itself holds. */
static int fdinfo_count_tracks_references(void)
{
	int fd = new_buf();
	int copy;
	void *p;

	EXPECT(fd >= 0);
	EXPECT(fdinfo_num(fd, "count") == 1);
	copy = dup(fd);
	EXPECT(copy >= 0);
	EXPECT(fdinfo_num(fd, "count") == 2 && fdinfo_num(copy, "count") == 2);
	p = map(fd, page, 0, PROT_READ, MAP_SHARED);
	EXPECT(p);
	EXPECT(fdinfo_num(fd, "count") == 3);
	unmap(p);
	EXPECT(fdinfo_num(fd, "count") == 2);
	EXPECT(close(copy) == 0);
	EXPECT(fdinfo_num(fd, "count") == 1);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* /sys/kernel/debug/dma_buf/bufinfo */

static int bufinfo_format(void)
{
	static const char header[] =
		"\nDma-buf Objects:\n"
		"size    \tflags   \tmode    \tcount   \texp_name\tino     \tname\n";
	int fd = new_buf(), ro = export_buf(page, O_RDONLY, 0);
	struct obj_line o;
	char *info, *e;
	char want[256];

	EXPECT(fd >= 0 && ro >= 0);
	info = bufinfo();
	EXPECT(info);
	EXPECT(!strncmp(info, header, strlen(header)));
	e = entry_in(info, ino_of(fd));
	free(info);
	EXPECT(e);
	EXPECT(parse_obj(e, &o));
	EXPECT(o.size == buf_len);
	/* f_flags holds no O_CLOEXEC: that is the fd's, not the file's */
	EXPECT(o.flags == O_RDWR);
	EXPECT(o.mode == (FMODE_READ | FMODE_WRITE | FMODE_LSEEK |
			  FMODE_OPENED));
	EXPECT(o.count == 1);
	EXPECT(!strcmp(o.exp_name, DMABUF_TEST_EXPORTER_NAME));
	EXPECT(o.ino == ino_of(fd));
	EXPECT(!strcmp(o.name, "<none>"));
	snprintf(want, sizeof(want), "%08zu\t%08x\t%08x\t%08d\t%s\t%08lu\t<none>\n"
		 "\tAttached Devices:\nTotal 0 devices attached\n",
		 buf_len, O_RDWR, FMODE_READ | FMODE_WRITE | FMODE_LSEEK |
		 FMODE_OPENED, 1, DMABUF_TEST_EXPORTER_NAME, ino_of(fd));
	if (strcmp(e, want))
		ksft_print_msg("bufinfo entry:\n%s", e);
	EXPECT(!strcmp(e, want));
	free(e);

	EXPECT(obj_of(ino_of(ro), &o));
	EXPECT(o.flags == O_RDONLY);
	EXPECT(o.mode == (FMODE_READ | FMODE_LSEEK | FMODE_OPENED));
	EXPECT(o.size == page);
	return KSFT_PASS;
}

static int bufinfo_totals_count_live_buffers(void)
{
	int objects, objects2, a, b;
	size_t bytes, bytes2;

	EXPECT(totals(&objects, &bytes));
	a = new_buf();
	b = export_buf(page, O_RDWR, 0);
	EXPECT(a >= 0 && b >= 0);
	EXPECT(totals(&objects2, &bytes2));
	EXPECT(objects2 == objects + 2 && bytes2 == bytes + buf_len + page);
	EXPECT(close(a) == 0);
	EXPECT(totals(&objects2, &bytes2));
	EXPECT(objects2 == objects + 1 && bytes2 == bytes + page);
	EXPECT(close(b) == 0);
	EXPECT(totals(&objects2, &bytes2));
	EXPECT(objects2 == objects && bytes2 == bytes);
	return KSFT_PASS;
}

/* The block of an entry from "\tAttached Devices:" on. */
static const char *devices_of(const char *e)
{
	const char *at = e ? strstr(e, "\tAttached Devices:\n") : NULL;

	return at ?: "";
}

static int bufinfo_lists_attachments(void)
{
	int fd = new_buf(), ctl = ctl_open(), ctl2 = ctl_open();
	unsigned long ino = ino_of(fd);
	char *e;

	EXPECT(fd >= 0 && ctl >= 0 && ctl2 >= 0);
	EXPECT(attach(ctl, fd, 0) == 0);
	e = entry(ino);
	EXPECT(!strcmp(devices_of(e), "\tAttached Devices:\n\t" IMPORTER_NAME
		       "\nTotal 1 devices attached\n"));
	free(e);
	EXPECT(attach(ctl, fd, DMABUF_TEST_ATTACH_MAP) == 0);
	EXPECT(attach(ctl2, fd, DMABUF_TEST_ATTACH_DYNAMIC) == 0);
	EXPECT(attach(ctl2, fd, DMABUF_TEST_ATTACH_DYNAMIC |
		      DMABUF_TEST_ATTACH_MAP) == 0);
	e = entry(ino);
	EXPECT(!strcmp(devices_of(e), "\tAttached Devices:\n"
		       "\t" IMPORTER_NAME "\n\t" IMPORTER_NAME "\n"
		       "\t" IMPORTER_NAME "\n\t" IMPORTER_NAME "\n"
		       "Total 4 devices attached\n"));
	free(e);
	/* attachments end with the control fd that made them */
	EXPECT(close(ctl) == 0);
	e = entry(ino);
	EXPECT(!strcmp(devices_of(e), "\tAttached Devices:\n"
		       "\t" IMPORTER_NAME "\n\t" IMPORTER_NAME "\n"
		       "Total 2 devices attached\n"));
	free(e);
	EXPECT(close(ctl2) == 0);
	e = entry(ino);
	EXPECT(!strcmp(devices_of(e),
		       "\tAttached Devices:\nTotal 0 devices attached\n"));
	free(e);
	return KSFT_PASS;
}

/* An importer's reference keeps the buffer after its last fd closed. */
static int attachment_keeps_buffer_after_close(void)
{
	int fd = new_buf(), ctl = ctl_open();
	unsigned long ino = ino_of(fd);
	char *e;

	EXPECT(fd >= 0 && ctl >= 0);
	EXPECT(set_name(fd, "still-here") == 0);
	EXPECT(attach(ctl, fd, DMABUF_TEST_ATTACH_MAP) == 0);
	EXPECT(close(fd) == 0);
	e = entry(ino);
	EXPECT(e && strstr(e, "\tstill-here\n"));
	EXPECT(strstr(e, "Total 1 devices attached\n"));
	free(e);
	EXPECT(close(ctl) == 0);
	EXPECT(unlisted_soon(ino));
	return KSFT_PASS;
}

static int bufinfo_entry_gone_after_close(void)
{
	int fd = new_buf();
	unsigned long ino = ino_of(fd);

	EXPECT(fd >= 0);
	EXPECT(listed(ino));
	EXPECT(close(fd) == 0);
	EXPECT(!listed(ino));
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* the fd's lifetime: dup, SCM_RIGHTS, fork */

static int dup_shares_the_buffer(void)
{
	int fd = new_buf();
	unsigned long ino = ino_of(fd);
	unsigned char *p;
	int copy, copy2;

	EXPECT(fd >= 0);
	p = map(fd, buf_len, 0, PROT_READ | PROT_WRITE, MAP_SHARED);
	EXPECT(p);
	fill(p, buf_len, 0, 8);
	unmap(p);
	copy = dup(fd);
	copy2 = fcntl(fd, F_DUPFD_CLOEXEC, 100);
	EXPECT(copy >= 0 && copy2 >= 100);
	EXPECT(!cloexec(copy) && cloexec(copy2));
	EXPECT(close(fd) == 0);
	EXPECT(ino_of(copy) == ino && listed(ino));
	EXPECT(fdinfo_num(copy, "count") == 2);
	p = map(copy2, buf_len, 0, PROT_READ, MAP_SHARED);
	EXPECT(p && holds(p, buf_len, 0, 8));
	unmap(p);
	EXPECT(close(copy) == 0 && close(copy2) == 0);
	EXPECT(!listed(ino));
	return KSFT_PASS;
}

/* Child: take the buffer, check and rewrite it, hand it back. */
static int receive_rewrite_return(int sock, unsigned long ino)
{
	unsigned char *p;
	char name[64];
	int fd = recv_fd(sock);

	if (fd < 0)
		return 10;
	if (ino_of(fd) != ino)
		return 11;
	if (!fdinfo_field(fd, "name", name, sizeof(name)) ||
	    strcmp(name, "passed"))
		return 12;
	p = mmap(NULL, buf_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 13;
	if (!holds(p, buf_len, 0, 9))
		return 14;
	fill(p, buf_len, 0, 10);
	munmap(p, buf_len);
	if (send_fd(sock, fd))
		return 15;
	return 0;
}

static int fd_passed_over_unix_socket_and_back(void)
{
	int fd = new_buf();
	unsigned long ino = ino_of(fd);
	unsigned char *p;
	int sv[2], back;
	pid_t pid;

	EXPECT(fd >= 0);
	EXPECT(set_name(fd, "passed") == 0);
	p = map(fd, buf_len, 0, PROT_READ | PROT_WRITE, MAP_SHARED);
	EXPECT(p);
	fill(p, buf_len, 0, 9);
	unmap(p);
	EXPECT(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
	fflush(stdout);
	pid = fork();
	EXPECT(pid >= 0);
	if (!pid)
		_exit(receive_rewrite_return(sv[1], ino));
	stray_child = pid;
	EXPECT(send_fd(sv[0], fd) == 0);
	/* from here on, only the message and the child hold the buffer */
	EXPECT(close(fd) == 0);
	back = recv_fd(sv[0]);
	EXPECT(reap(pid) == 0);
	EXPECT(back >= 0 && ino_of(back) == ino);
	EXPECT(fdinfo_num(back, "count") == 1);
	p = map(back, buf_len, 0, PROT_READ, MAP_SHARED);
	EXPECT(p && holds(p, buf_len, 0, 10));
	unmap(p);
	EXPECT(close(back) == 0);
	EXPECT(unlisted_soon(ino));
	return KSFT_PASS;
}

/* Child: wait for the go, then check the inherited fd and mapping. */
static int check_inherited(int fd, int go, unsigned char *shared)
{
	unsigned char *p;
	char c;

	if (read(go, &c, 1) != 1)
		return 20;
	if (!holds(shared, buf_len, 0, 11))
		return 21;
	p = mmap(NULL, buf_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 22;
	if (!holds(p, buf_len, 0, 11))
		return 23;
	fill(p, page, 0, 12);
	if (!holds(shared, page, 0, 12))
		return 24;
	if (lseek(fd, 0, SEEK_END) != (off_t)buf_len)
		return 25;
	munmap(p, buf_len);
	return 0;
}

static int fork_child_keeps_buffer_alive(void)
{
	int fd = new_buf();
	unsigned long ino = ino_of(fd);
	unsigned char *p;
	int go[2];
	pid_t pid;

	EXPECT(fd >= 0);
	p = map(fd, buf_len, 0, PROT_READ | PROT_WRITE, MAP_SHARED);
	EXPECT(p);
	fill(p, buf_len, 0, 11);
	EXPECT(pipe(go) == 0);
	fflush(stdout);
	pid = fork();
	EXPECT(pid >= 0);
	if (!pid)
		_exit(check_inherited(fd, go[0], p));
	stray_child = pid;
	/* the parent lets go of everything before the child looks */
	unmap(p);
	EXPECT(close(fd) == 0);
	EXPECT(listed(ino));
	EXPECT(write(go[1], "g", 1) == 1);
	EXPECT(reap(pid) == 0);
	EXPECT(unlisted_soon(ino));
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* renaming races with readers of the name */

/* Is @name one that the renaming helper sets? */
static bool race_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_LEN(race_names); i++)
		if (!strcmp(name, race_names[i]))
			return true;
	return false;
}

static int name_race_readers_see_whole_names(void)
{
	unsigned long reads = 0, ino;
	char value[64] = "", link[96] = "";
	struct obj_line o = { .name = "" };
	__u64 end;
	int fd = new_buf();
	bool ok = true;

	EXPECT(fd >= 0);
	ino = ino_of(fd);
	EXPECT(set_name(fd, race_names[0]) == 0);
	EXPECT(helper_start(HELPER_RENAME, fd, 0));
	end = now_ns() + 1500 * NSEC_PER_MSEC;
	while (ok && now_ns() < end) {
		ok = fdinfo_field(fd, "name", value, sizeof(value)) &&
		     race_name(value);
		if (!ok) {
			ksft_print_msg("fdinfo name '%s'\n", value);
			break;
		}
		ok = obj_of(ino, &o) && race_name(o.name);
		if (!ok) {
			ksft_print_msg("bufinfo name '%s'\n", o.name);
			break;
		}
		ok = fd_link(fd, link, sizeof(link)) &&
		     !strncmp(link, "/dmabuf:", 8) && race_name(link + 8);
		if (!ok)
			ksft_print_msg("link '%s'\n", link);
		reads++;
	}
	EXPECT(helper_stop() == 0);
	EXPECT(ok);
	ksft_print_msg("name race: %lu reads, %ld renames\n", reads,
		       helper.count);
	EXPECT(reads >= 10 && helper.count >= 10);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */

struct test_case {
	const char *name;
	int (*run)(void);
};

#define CASE(fn) { #fn, fn }

static const struct test_case cases[] = {
	CASE(exporter_rejects_bad_size),
	CASE(exporter_rejects_bad_flags_and_pad),
	CASE(exporter_rounds_size_up_to_pages),
	CASE(exporter_fd_flags_reach_the_fd),
	CASE(exporter_attach_rejects_bad_input),
	CASE(fd_is_anon_dmabuf_file),
	CASE(every_buffer_has_its_own_inode),
	CASE(read_and_write_fail),
	CASE(llseek_end_zero_is_size_set_zero_is_zero),
	CASE(llseek_anything_else_einval),
	CASE(llseek_leaves_file_position_alone),
	CASE(mmap_new_buffer_reads_zero),
	CASE(mmap_writes_reach_every_mapping),
	CASE(mmap_offset_selects_pages),
	CASE(mmap_beyond_size_einval),
	CASE(mmap_follows_fd_access_mode),
	CASE(mmap_of_no_mmap_buffer_einval),
	CASE(mmap_private_refused_by_exporter),
	CASE(mapping_keeps_buffer_after_close),
	CASE(sync_every_valid_flag_combination),
	CASE(sync_invalid_flags_einval),
	CASE(sync_bad_pointer_efault),
	CASE(sync_brackets_cpu_access_through_mmap),
	CASE(sync_start_read_waits_for_write_fences_only),
	CASE(sync_start_write_waits_for_all_fences),
	CASE(sync_end_never_waits),
	CASE(sync_wait_interrupted_by_signal_eintr),
	CASE(set_name_shows_in_fdinfo_bufinfo_and_link),
	CASE(set_name_a_and_b_encodings),
	CASE(set_name_length_limit),
	CASE(set_name_empty_string),
	CASE(set_name_bad_pointer_efault),
	CASE(set_name_shared_by_dups_and_allowed_when_attached),
	CASE(export_sync_file_bad_flags_einval),
	CASE(export_sync_file_bad_pointer_efault),
	CASE(export_sync_file_of_idle_buffer_is_signalled),
	CASE(import_sync_file_bad_flags_einval),
	CASE(import_of_non_sync_file_einval),
	CASE(import_sync_file_bad_pointer_efault),
	CASE(import_read_fence_exports_to_writers_only),
	CASE(import_write_fence_exports_to_everyone),
	CASE(import_rw_counts_as_write),
	CASE(export_collects_fences_by_usage),
	CASE(import_merged_sync_file_adds_every_fence),
	CASE(imported_fences_show_in_bufinfo),
	CASE(poll_idle_buffer_is_ready),
	CASE(poll_read_fence_blocks_pollout_only),
	CASE(poll_write_fence_blocks_both),
	CASE(poll_signalled_fence_is_ready),
	CASE(poll_timeout_returns_zero_while_unsignalled),
	CASE(poll_woken_by_signal_from_other_thread),
	CASE(epoll_woken_by_signal),
	CASE(close_while_poll_pending_then_signal),
	CASE(unknown_ioctl_enotty),
	CASE(dmabuf_ioctls_on_other_files_enotty),
	CASE(dmabuf_calls_on_closed_fd_ebadf),
	CASE(fdinfo_format),
	CASE(fdinfo_flags_follow_the_fd),
	CASE(fdinfo_count_tracks_references),
	CASE(bufinfo_format),
	CASE(bufinfo_totals_count_live_buffers),
	CASE(bufinfo_lists_attachments),
	CASE(attachment_keeps_buffer_after_close),
	CASE(bufinfo_entry_gone_after_close),
	CASE(dup_shares_the_buffer),
	CASE(fd_passed_over_unix_socket_and_back),
	CASE(fork_child_keeps_buffer_alive),
	CASE(name_race_readers_see_whole_names),
};

/* Whatever a case left behind: its thread, child, mappings and fds. */
static void clean_up(void)
{
	helper_stop();
	if (stray_child > 0) {
		kill(stray_child, SIGKILL);
		waitpid(stray_child, NULL, 0);
		stray_child = 0;
	}
	unmap_all();
	close_range(3, ~0U, 0);
	ctl_fd = -1;
}

/* A failed EXPECT() lands here, via longjmp(), with the case abandoned. */
static int run_case(const struct test_case *c)
{
	if (setjmp(case_failed))
		return KSFT_FAIL;
	ctl_fd = ctl_open();
	EXPECT(ctl_fd >= 0);
	return c->run();
}

int main(void)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	unsigned int i;
	int fd;

	ksft_print_header();
	fd = ctl_open();
	if (fd < 0)
		ksft_exit_skip("cannot open %s: %s (test exporter, debugfs, root?)\n",
			       DMABUF_TEST_EXPORTER_PATH, strerror(errno));
	close(fd);
	fd = open(SW_SYNC_PATH, O_RDWR);
	if (fd < 0)
		ksft_exit_skip("cannot open %s: %s (CONFIG_SW_SYNC?)\n",
			       SW_SYNC_PATH, strerror(errno));
	close(fd);
	if (access(BUFINFO_PATH, R_OK))
		ksft_exit_skip("cannot read %s: %s\n", BUFINFO_PATH,
			       strerror(errno));

	page = sysconf(_SC_PAGESIZE);
	buf_len = BUF_PAGES * page;
	main_thread = pthread_self();
	/* no SA_RESTART: a signal must end an interruptible wait */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
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

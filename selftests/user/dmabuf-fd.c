// SPDX-License-Identifier: GPL-2.0
/*
 * dmabuf-fd: the user space contract of a dma-buf file descriptor: mmap,
 * llseek, the DMA_BUF_* ioctls, poll on the buffer's implicit fences,
 * fdinfo, the debugfs bufinfo file and the lifetime of the descriptor
 * across dup, fork and SCM_RIGHTS.
 *
 * Buffers come from the test exporter's debugfs control file (see
 * dmabuf-test-ctl.h), fences from sw_sync. Each case is named after
 * the behaviour it checks. Only what the ABI gives user space is asserted
 * (ABI: user space sees exactly this), so the program passes on any kernel
 * that keeps that ABI. Needs the test exporter, CONFIG_SW_SYNC, debugfs at
 * /sys/kernel/debug and root; without them every case skips.
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

/* Its SIGALRM handler leaves an argument unused, which -Wextra reports. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../kselftest_harness.h"
#pragma GCC diagnostic pop

#include "dmabuf-test-ctl.h"
#include "dmabuf-util.h"
#include "sw-sync-abi.h"

/* The dma-buf ABI, fixed for user space on x86_64 and every other LP64 arch. */
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
static_assert(DMABUF_TEST_IOCTL_VMAP_READ == 0x40205442, "test abi");

#define BUFINFO_PATH	"/sys/kernel/debug/dma_buf/bufinfo"
#define DMA_BUF_MAGIC	0x444d4142	/* "DMAB", include/uapi/linux/magic.h */
#define IMPORTER_NAME	"dma_buf_test_importer"
#define NSEC_PER_MSEC	1000000ull

/* Most cases work on a buffer of this many pages. */
#define BUF_PAGES	4

/* fmode_t bits bufinfo prints: the VFS sets them for a pseudo file. */
#define FMODE_READ	0x1
#define FMODE_WRITE	0x2
#define FMODE_LSEEK	0x4
#define FMODE_OPENED	0x80000

/* What a case's helper thread does; see helper_start(). */
enum helper_job { HELPER_ADVANCE, HELPER_KICK, HELPER_RENAME };

struct helper {
	pthread_t thread;
	pthread_t kicked;	/* the thread HELPER_KICK signals */
	bool running;
	int stop;		/* set (atomically) when the case is done */
	enum helper_job job;
	int fd;			/* the timeline, or the dma-buf to rename */
	unsigned int ms;	/* delay before the advance, or between kicks */
	long count;		/* renames done */
	int error;		/* errno of a failed step, or 0 */
};

FIXTURE(dmabuf_fd) {
	int ctl;		/* the test exporter's control file */
	size_t page;
	size_t buf_len;		/* the usual buffer's: BUF_PAGES pages */
	pid_t child;		/* a process the case forked, until reaped */
	struct helper helper;
	bool sigusr1_set;	/* the case installed on_sigusr1() */
	struct sigaction old_sigusr1;
};

/*
 * Helpers that need the case's fixture take it as the struct that
 * FIXTURE_DATA(dmabuf_fd) names; checkpatch reads the macro form in a
 * parameter list as a multiplication.
 */

/* Exit code of a child, or -1 if it did not exit normally. */
static int reap(struct _test_data_dmabuf_fd *self, pid_t pid)
{
	int status;

	if (pid == self->child)
		self->child = 0;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* errno of a failed call, 0 for success: ASSERT_EQ(X, fails(ioctl(...))) */
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
/* mappings and their contents */

/* mmap() of @len bytes of @fd at @off; NULL (errno set) on failure. */
static void *map(int fd, size_t len, off_t off, int prot, int flags)
{
	void *addr = mmap(NULL, len, prot, flags, fd, off);

	return addr == MAP_FAILED ? NULL : addr;
}

/* A byte pattern that differs per page and per @seed. */
static unsigned char pattern(const struct _test_data_dmabuf_fd *self,
			     size_t i, unsigned int seed)
{
	return (unsigned char)(i * 7 + i / self->page * 13 + seed * 29 + 1);
}

static void fill(const struct _test_data_dmabuf_fd *self, unsigned char *p,
		 size_t len, size_t start, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = pattern(self, start + i, seed);
}

/* Does @p hold the pattern of @seed for bytes @start on? */
static bool holds(const struct _test_data_dmabuf_fd *self,
		  const unsigned char *p, size_t len, size_t start,
		  unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != pattern(self, start + i, seed))
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
static int export_buf(const struct _test_data_dmabuf_fd *self, __u64 size,
		      __u32 fd_flags, __u32 flags)
{
	struct dmabuf_test_export req = {
		.size = size, .fd_flags = fd_flags, .flags = flags, .fd = -1,
	};

	if (ioctl(self->ctl, DMABUF_TEST_IOCTL_EXPORT, &req))
		return -1;
	return req.fd;
}

/* The usual buffer: BUF_PAGES pages, read-write, close-on-exec. */
static int new_buf(const struct _test_data_dmabuf_fd *self)
{
	return export_buf(self, self->buf_len, O_RDWR | O_CLOEXEC, 0);
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
 * printing the values back in the layout the ABI fixes gives the very
 * same line.
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

/* Names the renaming helper cycles through: 1, 13 and 31 characters. */
static const char * const race_names[] = {
	"x", "medium-length", "thirty-one-characters-long-name",
};

static bool helper_stopping(struct helper *h)
{
	return __atomic_load_n(&h->stop, __ATOMIC_ACQUIRE);
}

/* Sleep @ms in short steps; false if told to stop meanwhile. */
static bool helper_nap(struct helper *h, unsigned int ms)
{
	while (ms) {
		unsigned int step = ms < 5 ? ms : 5;

		if (helper_stopping(h))
			return false;
		sleep_ms(step);
		ms -= step;
	}
	return !helper_stopping(h);
}

static void *helper_main(void *arg)
{
	struct helper *h = arg;
	unsigned int i;

	switch (h->job) {
	case HELPER_ADVANCE:
		if (helper_nap(h, h->ms) && advance(h->fd, 1))
			h->error = errno;
		break;
	case HELPER_KICK:
		while (helper_nap(h, h->ms))
			pthread_kill(h->kicked, SIGUSR1);
		break;
	case HELPER_RENAME:
		for (i = 0; !helper_stopping(h); i++) {
			if (set_name(h->fd,
				     race_names[i % ARRAY_SIZE(race_names)])) {
				h->error = errno;
				break;
			}
			h->count++;
		}
		break;
	}
	return NULL;
}

/*
 * HELPER_ADVANCE: advance timeline @fd by one after @ms (unless stopped
 * first: then it is a safety net that need never fire). HELPER_KICK: send
 * SIGUSR1 to the calling thread every @ms. HELPER_RENAME: rename dma-buf
 * @fd through race_names until stopped.
 */
static bool helper_start(struct helper *h, enum helper_job job, int fd,
			 unsigned int ms)
{
	h->job = job;
	h->fd = fd;
	h->ms = ms;
	h->count = 0;
	h->error = 0;
	h->kicked = pthread_self();
	__atomic_store_n(&h->stop, 0, __ATOMIC_RELEASE);
	h->running = !pthread_create(&h->thread, NULL, helper_main, h);
	return h->running;
}

/* Stop the helper and wait for it; the errno of its failure, or 0. */
static int helper_stop(struct helper *h)
{
	if (!h->running)
		return 0;
	__atomic_store_n(&h->stop, 1, __ATOMIC_RELEASE);
	pthread_join(h->thread, NULL);
	h->running = false;
	return h->error;
}

/* Wait for an HELPER_ADVANCE to have fired; its errno, or 0. */
static int helper_join(struct helper *h)
{
	if (!h->running)
		return 0;
	pthread_join(h->thread, NULL);
	h->running = false;
	return h->error;
}

static void on_sigusr1(int sig)
{
	(void)sig;
}

/* ---------------------------------------------------------------------- */
/* every case: its control file, and what it may leave behind */

FIXTURE_SETUP(dmabuf_fd)
{
	int fd;

	self->ctl = ctl_open();
	if (self->ctl < 0)
		SKIP(return, "cannot open %s: %s (test exporter, debugfs, root?)",
		     DMABUF_TEST_EXPORTER_PATH, strerror(errno));
	fd = timeline_open();
	if (fd < 0)
		SKIP(return, "cannot open %s: %s (CONFIG_SW_SYNC?)",
		     SW_SYNC_PATH, strerror(errno));
	close(fd);
	if (access(BUFINFO_PATH, R_OK))
		SKIP(return, "cannot read %s: %s", BUFINFO_PATH,
		     strerror(errno));
	self->page = sysconf(_SC_PAGESIZE);
	self->buf_len = BUF_PAGES * self->page;
}

/*
 * The case's process ends after this, which closes its descriptors and
 * unmaps its mappings; what outlives it or must end in order is undone
 * here. The helper thread goes first, so that no SIGUSR1 it sends finds
 * the default action back in place; a forked child is killed and reaped,
 * so that its references to buffers are gone before the next case looks
 * at bufinfo's totals.
 */
FIXTURE_TEARDOWN(dmabuf_fd)
{
	helper_stop(&self->helper);
	if (self->sigusr1_set)
		sigaction(SIGUSR1, &self->old_sigusr1, NULL);
	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
		self->child = 0;
	}
	close(self->ctl);
}

/* ---------------------------------------------------------------------- */
/* the test exporter's own input checks */

TEST_F(dmabuf_fd, exporter_rejects_bad_size)
{
	ASSERT_EQ(EINVAL, fails(export_buf(self, 0, O_RDWR, 0)));
	ASSERT_EQ(EINVAL,
		  fails(export_buf(self, (256ull << 20) + 1, O_RDWR, 0)));
	ASSERT_EQ(EINVAL, fails(export_buf(self, ~0ull, O_RDWR, 0)));
}

TEST_F(dmabuf_fd, exporter_rejects_bad_flags_and_pad)
{
	struct dmabuf_test_export req = { .size = 4096 };
	int before = next_fd();

	ASSERT_EQ(EINVAL,
		  fails(export_buf(self, self->page, O_RDWR | O_NONBLOCK, 0)));
	ASSERT_EQ(EINVAL,
		  fails(export_buf(self, self->page, O_RDWR | O_APPEND, 0)));
	ASSERT_EQ(EINVAL,
		  fails(export_buf(self, self->page, O_RDWR | O_CREAT, 0)));
	ASSERT_EQ(EINVAL, fails(export_buf(self, self->page, O_RDWR, 2)));
	ASSERT_EQ(EINVAL,
		  fails(export_buf(self, self->page, O_RDWR, 1u << 31)));
	req.fd_flags = O_RDWR;
	req.pad = 1;
	ASSERT_EQ(EINVAL,
		  fails(ioctl(self->ctl, DMABUF_TEST_IOCTL_EXPORT, &req)));
	ASSERT_EQ(before, next_fd());
}

TEST_F(dmabuf_fd, exporter_rounds_size_up_to_pages)
{
	int one = export_buf(self, 1, O_RDWR, 0);
	int more = export_buf(self, self->page + 1, O_RDWR, 0);

	ASSERT_LE(0, one);
	ASSERT_LE(0, more);
	ASSERT_EQ((off_t)self->page, lseek(one, 0, SEEK_END));
	ASSERT_EQ((long)self->page, fdinfo_num(one, "size"));
	ASSERT_EQ((off_t)(2 * self->page), lseek(more, 0, SEEK_END));
	ASSERT_EQ((long)(2 * self->page), fdinfo_num(more, "size"));
}

TEST_F(dmabuf_fd, exporter_fd_flags_reach_the_fd)
{
	int rw_cloexec = export_buf(self, self->page, O_RDWR | O_CLOEXEC, 0);
	int rw = export_buf(self, self->page, O_RDWR, 0);
	int ro = export_buf(self, self->page, O_RDONLY, 0);
	int wo = export_buf(self, self->page, O_WRONLY, 0);

	ASSERT_LE(0, rw_cloexec);
	ASSERT_LE(0, rw);
	ASSERT_LE(0, ro);
	ASSERT_LE(0, wo);
	ASSERT_TRUE(cloexec(rw_cloexec));
	ASSERT_FALSE(cloexec(rw));
	ASSERT_FALSE(cloexec(ro));
	ASSERT_EQ(O_RDWR, (fcntl(rw_cloexec, F_GETFL) & O_ACCMODE));
	ASSERT_EQ(O_RDWR, (fcntl(rw, F_GETFL) & O_ACCMODE));
	ASSERT_EQ(O_RDONLY, (fcntl(ro, F_GETFL) & O_ACCMODE));
	ASSERT_EQ(O_WRONLY, (fcntl(wo, F_GETFL) & O_ACCMODE));
}

TEST_F(dmabuf_fd, exporter_attach_rejects_bad_input)
{
	int fd = new_buf(self), tl = timeline_open(), pipefd[2];
	int sync_file = point(tl, 1);
	int closed;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, sync_file);
	ASSERT_EQ(0, pipe(pipefd));
	closed = next_fd();
	ASSERT_EQ(EINVAL, fails(test_attach(self->ctl, pipefd[0], 0)));
	ASSERT_EQ(EINVAL, fails(test_attach(self->ctl, sync_file, 0)));
	ASSERT_EQ(EINVAL, fails(test_attach(self->ctl, self->ctl, 0)));
	ASSERT_EQ(EBADF, fails(test_attach(self->ctl, closed, 0)));
	ASSERT_EQ(EBADF, fails(test_attach(self->ctl, -1, 0)));
	ASSERT_EQ(EINVAL, fails(test_attach(self->ctl, fd, 4)));
	ASSERT_EQ(EINVAL, fails(test_attach(self->ctl, fd, 1u << 31)));
	ASSERT_EQ(0, test_attach(self->ctl, fd, 0));
}

/* ---------------------------------------------------------------------- */
/* the file itself */

TEST_F(dmabuf_fd, fd_is_anon_dmabuf_file)
{
	int fd = new_buf(self);
	struct statfs sfs;
	struct stat st;
	char link[64];

	ASSERT_LE(0, fd);
	ASSERT_TRUE(fd_link(fd, link, sizeof(link)));
	ASSERT_STREQ("/dmabuf:", link);
	ASSERT_EQ(0, fstat(fd, &st));
	ASSERT_EQ((off_t)self->buf_len, st.st_size);
	ASSERT_EQ((blkcnt_t)(self->buf_len / 512), st.st_blocks);
	ASSERT_EQ((mode_t)0600, st.st_mode);
	ASSERT_EQ(getuid(), st.st_uid);
	ASSERT_EQ(getgid(), st.st_gid);
	ASSERT_EQ(0, fstatfs(fd, &sfs));
	ASSERT_EQ(DMA_BUF_MAGIC, sfs.f_type);
}

TEST_F(dmabuf_fd, every_buffer_has_its_own_inode)
{
	int a = new_buf(self), b = new_buf(self);
	struct stat sa, sb;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, fstat(a, &sa));
	ASSERT_EQ(0, fstat(b, &sb));
	ASSERT_NE(sb.st_ino, sa.st_ino);
	ASSERT_EQ(sb.st_dev, sa.st_dev);
}

/* ABI: a dma-buf has no read or write; user space sees both fail. */
TEST_F(dmabuf_fd, read_and_write_fail)
{
	int fd = new_buf(self), ro = export_buf(self, self->page, O_RDONLY, 0);
	char c = 0;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, ro);
	ASSERT_EQ(EINVAL, fails(read(fd, &c, 1)));
	ASSERT_EQ(EINVAL, fails(write(fd, &c, 1)));
	ASSERT_EQ(EBADF, fails(write(ro, &c, 1)));
}

/* ---------------------------------------------------------------------- */
/* llseek */

TEST_F(dmabuf_fd, llseek_end_zero_is_size_set_zero_is_zero)
{
	int fd = new_buf(self);

	ASSERT_LE(0, fd);
	ASSERT_EQ((off_t)self->buf_len, lseek(fd, 0, SEEK_END));
	ASSERT_EQ(0, lseek(fd, 0, SEEK_SET));
	ASSERT_EQ((off_t)self->buf_len, lseek(fd, 0, SEEK_END));
	ASSERT_EQ((off_t)self->buf_len, lseek(fd, 0, SEEK_END));
}

TEST_F(dmabuf_fd, llseek_anything_else_einval)
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
	int fd = new_buf(self);

	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		off_t ret = lseek(fd, bad[i].offset, bad[i].whence);

		ASSERT_EQ(EINVAL, fails(ret)) {
			TH_LOG("lseek(%lld, %d)", (long long)bad[i].offset,
			       bad[i].whence);
		}
	}
}

/* ABI: llseek reports the position without storing it, so fdinfo's pos stays 0. */
TEST_F(dmabuf_fd, llseek_leaves_file_position_alone)
{
	int fd = new_buf(self);

	ASSERT_LE(0, fd);
	ASSERT_EQ((off_t)self->buf_len, lseek(fd, 0, SEEK_END));
	ASSERT_EQ(0, fdinfo_num(fd, "pos"));
}

/* ---------------------------------------------------------------------- */
/* mmap */

TEST_F(dmabuf_fd, mmap_new_buffer_reads_zero)
{
	int fd = new_buf(self);
	unsigned char *p;

	ASSERT_LE(0, fd);
	p = map(fd, self->buf_len, 0, PROT_READ, MAP_SHARED);
	ASSERT_NE(NULL, p);
	ASSERT_TRUE(all_zero(p, self->buf_len));
}

TEST_F(dmabuf_fd, mmap_writes_reach_every_mapping)
{
	int fd = new_buf(self);
	unsigned char *a, *b;

	ASSERT_LE(0, fd);
	a = map(fd, self->buf_len, 0, PROT_READ | PROT_WRITE, MAP_SHARED);
	b = map(fd, self->buf_len, 0, PROT_READ, MAP_SHARED);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	fill(self, a, self->buf_len, 0, 1);
	ASSERT_TRUE(holds(self, b, self->buf_len, 0, 1));
	munmap(a, self->buf_len);
	munmap(b, self->buf_len);
	/* and they stay in the buffer once no mapping is left */
	b = map(fd, self->buf_len, 0, PROT_READ, MAP_SHARED);
	ASSERT_NE(NULL, b);
	ASSERT_TRUE(holds(self, b, self->buf_len, 0, 1));
}

TEST_F(dmabuf_fd, mmap_offset_selects_pages)
{
	int fd = new_buf(self);
	unsigned char *all, *mid, *last;

	ASSERT_LE(0, fd);
	all = map(fd, self->buf_len, 0, PROT_READ | PROT_WRITE, MAP_SHARED);
	ASSERT_NE(NULL, all);
	fill(self, all, self->buf_len, 0, 2);
	mid = map(fd, 2 * self->page, self->page, PROT_READ | PROT_WRITE,
		  MAP_SHARED);
	last = map(fd, self->page, self->buf_len - self->page, PROT_READ,
		   MAP_SHARED);
	ASSERT_NE(NULL, mid);
	ASSERT_NE(NULL, last);
	ASSERT_TRUE(holds(self, mid, 2 * self->page, self->page, 2));
	ASSERT_TRUE(holds(self, last, self->page, self->buf_len - self->page,
			  2));
	fill(self, mid, 2 * self->page, self->page, 3);
	ASSERT_TRUE(holds(self, all, self->page, 0, 2));
	ASSERT_TRUE(holds(self, all + self->page, 2 * self->page, self->page,
			  3));
	ASSERT_TRUE(holds(self, all + 3 * self->page, self->page,
			  3 * self->page, 2));
}

TEST_F(dmabuf_fd, mmap_beyond_size_einval)
{
	int fd = new_buf(self);

	ASSERT_LE(0, fd);
	ASSERT_EQ(NULL, map(fd, self->buf_len + self->page, 0, PROT_READ,
			    MAP_SHARED));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(NULL, map(fd, self->buf_len + 1, 0, PROT_READ, MAP_SHARED));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(NULL,
		  map(fd, self->page, self->buf_len, PROT_READ, MAP_SHARED));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(NULL, map(fd, 2 * self->page, self->buf_len - self->page,
			    PROT_READ, MAP_SHARED));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(NULL, map(fd, self->page, 64 * self->buf_len, PROT_READ,
			    MAP_SHARED));
	ASSERT_EQ(EINVAL, errno);
	/* exactly up to the end is fine, a partial last page too */
	ASSERT_NE(NULL, map(fd, self->buf_len - 1, 0, PROT_READ, MAP_SHARED));
	ASSERT_NE(NULL, map(fd, self->page, self->buf_len - self->page,
			    PROT_READ, MAP_SHARED));
}

/* The VFS checks the fd's access mode before dma-buf sees the mmap. */
TEST_F(dmabuf_fd, mmap_follows_fd_access_mode)
{
	int ro = export_buf(self, self->buf_len, O_RDONLY, 0);
	int wo = export_buf(self, self->buf_len, O_WRONLY, 0);
	unsigned char *p;

	ASSERT_LE(0, ro);
	ASSERT_LE(0, wo);
	p = map(ro, self->buf_len, 0, PROT_READ, MAP_SHARED);
	ASSERT_NE(NULL, p);
	ASSERT_TRUE(all_zero(p, self->buf_len));
	ASSERT_EQ(EACCES,
		  fails(mprotect(p, self->buf_len, PROT_READ | PROT_WRITE)));
	ASSERT_EQ(NULL, map(ro, self->buf_len, 0, PROT_READ | PROT_WRITE,
			    MAP_SHARED));
	ASSERT_EQ(EACCES, errno);
	ASSERT_EQ(NULL, map(wo, self->buf_len, 0, PROT_WRITE, MAP_SHARED));
	ASSERT_EQ(EACCES, errno);
	ASSERT_EQ(NULL, map(wo, self->buf_len, 0, PROT_READ, MAP_SHARED));
	ASSERT_EQ(EACCES, errno);
}

TEST_F(dmabuf_fd, mmap_of_no_mmap_buffer_einval)
{
	int fd = export_buf(self, self->buf_len, O_RDWR,
			    DMABUF_TEST_EXPORT_NO_MMAP);

	ASSERT_LE(0, fd);
	ASSERT_EQ(NULL, map(fd, self->buf_len, 0, PROT_READ | PROT_WRITE,
			    MAP_SHARED));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(NULL, map(fd, self->page, 0, PROT_READ, MAP_SHARED));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(NULL, map(fd, self->page, 0, PROT_READ, MAP_PRIVATE));
	ASSERT_EQ(EINVAL, errno);
	/* the rest of the fd works as usual */
	ASSERT_EQ((off_t)self->buf_len, lseek(fd, 0, SEEK_END));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW));
}

/*
 * The dma-buf core leaves private mappings to the exporter. The test
 * exporter maps the buffer's pages as PFNs, which cannot be copied on
 * write, so it must refuse them. Never touched here: if the mmap went
 * through, the first fault would hit a BUG_ON in vmf_insert_pfn().
 */
TEST_F(dmabuf_fd, mmap_private_refused_by_exporter)
{
	int fd = new_buf(self);
	int ro = export_buf(self, self->buf_len, O_RDONLY, 0);

	ASSERT_LE(0, fd);
	ASSERT_LE(0, ro);
	ASSERT_EQ(NULL, map(fd, self->buf_len, 0, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(NULL, map(fd, self->page, 0, PROT_READ, MAP_PRIVATE));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(NULL, map(ro, self->page, 0, PROT_READ, MAP_PRIVATE));
	ASSERT_EQ(EINVAL, errno);
}

/* A mapping holds a reference: the buffer outlives its last fd. */
TEST_F(dmabuf_fd, mapping_keeps_buffer_after_close)
{
	int fd = new_buf(self);
	unsigned long ino = ino_of(fd);
	unsigned char *p;

	ASSERT_LE(0, fd);
	p = map(fd, self->buf_len, 0, PROT_READ | PROT_WRITE, MAP_SHARED);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(2, fdinfo_num(fd, "count"));
	fill(self, p, self->buf_len, 0, 4);
	ASSERT_EQ(0, close(fd));
	ASSERT_TRUE(listed(ino));
	ASSERT_TRUE(holds(self, p, self->buf_len, 0, 4));
	fill(self, p, self->buf_len, 0, 5);
	ASSERT_TRUE(holds(self, p, self->buf_len, 0, 5));
	munmap(p, self->buf_len);
	ASSERT_TRUE(unlisted_soon(ino));
}

/* ---------------------------------------------------------------------- */
/* DMA_BUF_IOCTL_SYNC */

TEST_F(dmabuf_fd, sync_every_valid_flag_combination)
{
	static const __u64 dirs[] = {
		DMA_BUF_SYNC_READ, DMA_BUF_SYNC_WRITE, DMA_BUF_SYNC_RW,
	};
	int fd = new_buf(self);
	unsigned int i;

	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_START | dirs[i]));
		ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | dirs[i]));
	}
	/* ABI: no count is kept, so brackets may nest or be left unbalanced */
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW));
}

TEST_F(dmabuf_fd, sync_invalid_flags_einval)
{
	static const __u64 bad[] = {
		0, DMA_BUF_SYNC_END, 8, DMA_BUF_SYNC_RW | 8,
		DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ | 16,
		DMA_BUF_SYNC_READ | (1ull << 32), DMA_BUF_SYNC_WRITE | (1ull << 63),
		~0ull,
	};
	int fd = new_buf(self);
	unsigned int i;

	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ASSERT_EQ(EINVAL, fails(sync_buf(fd, bad[i]))) {
			TH_LOG("flags %#llx", (unsigned long long)bad[i]);
		}
	}
}

TEST_F(dmabuf_fd, sync_bad_pointer_efault)
{
	int fd = new_buf(self);

	ASSERT_LE(0, fd);
	ASSERT_EQ(EFAULT, fails(ioctl(fd, DMA_BUF_IOCTL_SYNC, NULL)));
	ASSERT_EQ(EFAULT, fails(ioctl(fd, DMA_BUF_IOCTL_SYNC, (void *)8)));
}

TEST_F(dmabuf_fd, sync_brackets_cpu_access_through_mmap)
{
	int fd = new_buf(self);
	unsigned char *w, *r;

	ASSERT_LE(0, fd);
	w = map(fd, self->buf_len, 0, PROT_READ | PROT_WRITE, MAP_SHARED);
	r = map(fd, self->buf_len, 0, PROT_READ, MAP_SHARED);
	ASSERT_NE(NULL, w);
	ASSERT_NE(NULL, r);
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE));
	fill(self, w, self->buf_len, 0, 6);
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ));
	ASSERT_TRUE(holds(self, r, self->buf_len, 0, 6));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW));
	ASSERT_TRUE(holds(self, w, self->buf_len, 0, 6));
	fill(self, w + self->page, self->page, self->page, 7);
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW));
	ASSERT_TRUE(holds(self, r, self->page, 0, 6));
	ASSERT_TRUE(holds(self, r + self->page, self->page, self->page, 7));
}

/*
 * Have the helper advance @tl after @ms, run SYNC with @flags meanwhile,
 * and say how long that blocked (its result in @ret). The advance is the
 * only wake-up: an ioctl that returned before it did not wait.
 */
static __u64 timed_sync(struct helper *h, int fd, __u64 flags, int tl,
			unsigned int ms, int *ret)
{
	__u64 t0;

	if (!helper_start(h, HELPER_ADVANCE, tl, ms)) {
		*ret = -1;
		return 0;
	}
	t0 = now_ns();
	*ret = sync_buf(fd, flags);
	return now_ns() - t0;
}

TEST_F(dmabuf_fd, sync_start_read_waits_for_write_fences_only)
{
	int fd = new_buf(self), tl_r = timeline_open(), tl_w = timeline_open();
	int rf = point(tl_r, 1), wf = point(tl_w, 1);
	__u64 took;
	int ret;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, rf);
	ASSERT_LE(0, wf);
	ASSERT_EQ(0, import_fence(fd, rf, DMA_BUF_SYNC_READ));
	/* a reader does not wait for readers; the net fires only if it did */
	timed_sync(&self->helper, fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ,
		   tl_r, 10000, &ret);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, file_status(rf));
	ASSERT_EQ(0, helper_stop(&self->helper));

	ASSERT_EQ(0, import_fence(fd, wf, DMA_BUF_SYNC_WRITE));
	took = timed_sync(&self->helper, fd,
			  DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ, tl_w, 300,
			  &ret);
	ASSERT_EQ(0, helper_join(&self->helper));
	ASSERT_EQ(0, ret);
	ASSERT_LE(250 * NSEC_PER_MSEC, took);
	ASSERT_EQ(1, file_status(wf));
	ASSERT_EQ(0, file_status(rf));
}

TEST_F(dmabuf_fd, sync_start_write_waits_for_all_fences)
{
	int fd = new_buf(self), tl = timeline_open();
	int rf = point(tl, 1), rf2 = point(tl, 2);
	__u64 took;
	int ret;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, rf);
	ASSERT_LE(0, rf2);
	ASSERT_EQ(0, import_fence(fd, rf, DMA_BUF_SYNC_READ));
	took = timed_sync(&self->helper, fd,
			  DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE, tl, 300,
			  &ret);
	ASSERT_EQ(0, helper_join(&self->helper));
	ASSERT_EQ(0, ret);
	ASSERT_LE(250 * NSEC_PER_MSEC, took);
	ASSERT_EQ(1, file_status(rf));

	ASSERT_EQ(0, import_fence(fd, rf2, DMA_BUF_SYNC_READ));
	took = timed_sync(&self->helper, fd,
			  DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW, tl, 300, &ret);
	ASSERT_EQ(0, helper_join(&self->helper));
	ASSERT_EQ(0, ret);
	ASSERT_LE(250 * NSEC_PER_MSEC, took);
	ASSERT_EQ(1, file_status(rf2));
}

TEST_F(dmabuf_fd, sync_end_never_waits)
{
	int fd = new_buf(self), tl = timeline_open();
	int wf = point(tl, 1);
	int ret;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, wf);
	ASSERT_EQ(0, import_fence(fd, wf, DMA_BUF_SYNC_WRITE));
	timed_sync(&self->helper, fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ, tl,
		   10000, &ret);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW));
	ASSERT_EQ(0, file_status(wf));
	ASSERT_EQ(0, helper_stop(&self->helper));
}

/* The wait is interruptible: a signal without SA_RESTART ends it. */
TEST_F(dmabuf_fd, sync_wait_interrupted_by_signal_eintr)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	int fd = new_buf(self), tl = timeline_open();
	int rf = point(tl, 1);
	int err;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, rf);
	ASSERT_EQ(0, import_fence(fd, rf, DMA_BUF_SYNC_READ));
	/* no SA_RESTART: the signal must end the interruptible wait */
	sigemptyset(&sa.sa_mask);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, &self->old_sigusr1));
	self->sigusr1_set = true;
	ASSERT_TRUE(helper_start(&self->helper, HELPER_KICK, -1, 100));
	err = fails(sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE));
	helper_stop(&self->helper);
	ASSERT_EQ(EINTR, err);
	ASSERT_EQ(0, file_status(rf));
	ASSERT_EQ(0, advance(tl, 1));
	ASSERT_EQ(0, sync_buf(fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE));
}

/* ---------------------------------------------------------------------- */
/* DMA_BUF_SET_NAME */

/*
 * Does every place that shows a buffer's name show @name (NULL: none)?
 * fdinfo's name: line, the bufinfo name column and the fd's link.
 */
static bool name_is(struct __test_metadata *const _metadata, int fd,
		    const char *name)
{
	char value[64] = "", link[96] = "", want[96];
	struct obj_line o = { .name = "" };
	bool has_line = fdinfo_field(fd, "name", value, sizeof(value));

	if (name ? !has_line || strcmp(value, name) : has_line) {
		TH_LOG("fdinfo name %s", has_line ? value : "absent");
		return false;
	}
	if (!obj_of(ino_of(fd), &o) || strcmp(o.name, name ?: "<none>")) {
		TH_LOG("bufinfo name %s", o.name);
		return false;
	}
	snprintf(want, sizeof(want), "/dmabuf:%s", name ?: "");
	if (!fd_link(fd, link, sizeof(link)) || strcmp(link, want)) {
		TH_LOG("link %s", link);
		return false;
	}
	return true;
}

TEST_F(dmabuf_fd, set_name_shows_in_fdinfo_bufinfo_and_link)
{
	int fd = new_buf(self);

	ASSERT_LE(0, fd);
	ASSERT_TRUE(name_is(_metadata, fd, NULL));
	ASSERT_EQ(0, set_name(fd, "scanout-0"));
	ASSERT_TRUE(name_is(_metadata, fd, "scanout-0"));
	/* renaming replaces, shorter or longer */
	ASSERT_EQ(0, set_name(fd, "y"));
	ASSERT_TRUE(name_is(_metadata, fd, "y"));
	ASSERT_EQ(0, set_name(fd, "a-rather-longer-name"));
	ASSERT_TRUE(name_is(_metadata, fd, "a-rather-longer-name"));
}

/* Both encodings of the command (_A, _B) are accepted on 64-bit too. */
TEST_F(dmabuf_fd, set_name_a_and_b_encodings)
{
	int fd = new_buf(self);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, DMA_BUF_SET_NAME_A, "by-a"));
	ASSERT_TRUE(name_is(_metadata, fd, "by-a"));
	ASSERT_EQ(0, ioctl(fd, DMA_BUF_SET_NAME_B, "by-b"));
	ASSERT_TRUE(name_is(_metadata, fd, "by-b"));
	ASSERT_EQ(0, ioctl(fd, DMA_BUF_SET_NAME, "native"));
	ASSERT_TRUE(name_is(_metadata, fd, "native"));
}

/* DMA_BUF_NAME_LEN counts the NUL: 31 characters fit, 32 do not. */
TEST_F(dmabuf_fd, set_name_length_limit)
{
	char name[DMA_BUF_NAME_LEN + 64];
	int fd = new_buf(self);

	ASSERT_LE(0, fd);
	memset(name, 'n', sizeof(name));
	name[DMA_BUF_NAME_LEN - 1] = '\0';
	ASSERT_EQ(0, set_name(fd, name));
	ASSERT_TRUE(name_is(_metadata, fd, name));
	name[DMA_BUF_NAME_LEN - 1] = 'm';
	name[DMA_BUF_NAME_LEN] = '\0';
	ASSERT_EQ(EINVAL, fails(set_name(fd, name)));
	name[sizeof(name) - 1] = '\0';
	name[DMA_BUF_NAME_LEN] = 'o';
	ASSERT_EQ(EINVAL, fails(set_name(fd, name)));
	/* a failed rename keeps the old name */
	name[DMA_BUF_NAME_LEN - 1] = '\0';
	ASSERT_TRUE(name_is(_metadata, fd, name));
}

/* An empty name is a name: fdinfo prints the line, bufinfo no <none>. */
TEST_F(dmabuf_fd, set_name_empty_string)
{
	int fd = new_buf(self);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_name(fd, ""));
	ASSERT_TRUE(name_is(_metadata, fd, ""));
}

TEST_F(dmabuf_fd, set_name_bad_pointer_efault)
{
	int fd = new_buf(self);
	char *two;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_name(fd, "kept"));
	ASSERT_EQ(EFAULT, fails(set_name(fd, NULL)));
	ASSERT_EQ(EFAULT, fails(set_name(fd, (char *)8)));
	/* a string that runs into an inaccessible page */
	two = mmap(NULL, 2 * self->page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, two);
	ASSERT_EQ(0, mprotect(two + self->page, self->page, PROT_NONE));
	memcpy(two + self->page - 3, "abc", 3);
	ASSERT_EQ(EFAULT, fails(set_name(fd, two + self->page - 3)));
	ASSERT_TRUE(name_is(_metadata, fd, "kept"));
	/* ending right at the edge is fine */
	memcpy(two + self->page - 4, "abc", 4);
	ASSERT_EQ(0, set_name(fd, two + self->page - 4));
	munmap(two, 2 * self->page);
	ASSERT_TRUE(name_is(_metadata, fd, "abc"));
}

/* The name belongs to the buffer; ABI: renaming while attached is allowed. */
TEST_F(dmabuf_fd, set_name_shared_by_dups_and_allowed_when_attached)
{
	int fd = new_buf(self);
	int dup_fd;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_name(fd, "first"));
	dup_fd = dup(fd);
	ASSERT_LE(0, dup_fd);
	ASSERT_TRUE(name_is(_metadata, dup_fd, "first"));
	ASSERT_EQ(0, test_attach(self->ctl, fd, 0));
	ASSERT_EQ(0, set_name(dup_fd, "second"));
	ASSERT_TRUE(name_is(_metadata, fd, "second"));
}

/* ---------------------------------------------------------------------- */
/* DMA_BUF_IOCTL_EXPORT_SYNC_FILE and DMA_BUF_IOCTL_IMPORT_SYNC_FILE */

static const __u32 bad_sync_file_flags[] = {
	0, DMA_BUF_SYNC_END, 8, DMA_BUF_SYNC_RW | DMA_BUF_SYNC_END,
	DMA_BUF_SYNC_READ | (1u << 31),
};

TEST_F(dmabuf_fd, export_sync_file_bad_flags_einval)
{
	int fd = new_buf(self);
	unsigned int i;
	int before;

	ASSERT_LE(0, fd);
	before = next_fd();
	for (i = 0; i < ARRAY_SIZE(bad_sync_file_flags); i++)
		ASSERT_EQ(EINVAL,
			  fails(export_fence(fd, bad_sync_file_flags[i])));
	ASSERT_EQ(before, next_fd());
}

/* The copy back fails after the sync_file was made: nothing may leak. */
TEST_F(dmabuf_fd, export_sync_file_bad_pointer_efault)
{
	struct dma_buf_export_sync_file *req;
	int fd = new_buf(self);
	int before, err;

	ASSERT_LE(0, fd);
	before = next_fd();
	ASSERT_EQ(EFAULT,
		  fails(ioctl(fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, NULL)));
	req = mmap(NULL, self->page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, req);
	req->flags = DMA_BUF_SYNC_RW;
	ASSERT_EQ(0, mprotect(req, self->page, PROT_READ));
	err = fails(ioctl(fd, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, req));
	munmap(req, self->page);
	ASSERT_EQ(EFAULT, err);
	ASSERT_EQ(before, next_fd());
}

/* With no fences, the file holds the signalled stub fence. */
TEST_F(dmabuf_fd, export_sync_file_of_idle_buffer_is_signalled)
{
	static const __u32 flags[] = {
		DMA_BUF_SYNC_READ, DMA_BUF_SYNC_WRITE, DMA_BUF_SYNC_RW,
	};
	struct sync_fence_info fence;
	struct sync_file_info info;
	int fd = new_buf(self);
	unsigned int i;
	int sf;

	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		sf = export_fence(fd, flags[i]);
		ASSERT_LE(0, sf);
		ASSERT_TRUE(is_sync_file(sf));
		ASSERT_TRUE(cloexec(sf));
		ASSERT_EQ(0, file_info(sf, &info, &fence, 1));
		ASSERT_EQ(1, info.status);
		ASSERT_EQ(1u, info.num_fences);
		ASSERT_STREQ("stub", fence.driver_name);
		ASSERT_EQ(0, close(sf));
	}
}

TEST_F(dmabuf_fd, import_sync_file_bad_flags_einval)
{
	int fd = new_buf(self), tl = timeline_open();
	int f = point(tl, 1);
	unsigned int i;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, f);
	for (i = 0; i < ARRAY_SIZE(bad_sync_file_flags); i++)
		ASSERT_EQ(EINVAL,
			  fails(import_fence(fd, f, bad_sync_file_flags[i])));
	/* and nothing was added */
	ASSERT_EQ((POLLIN | POLLOUT), ready(fd, POLLIN | POLLOUT));
}

TEST_F(dmabuf_fd, import_of_non_sync_file_einval)
{
	int fd = new_buf(self), other = new_buf(self), tl = timeline_open();
	int file = regular_file(), pipefd[2], closed;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, other);
	ASSERT_LE(0, file);
	ASSERT_EQ(0, pipe(pipefd));
	closed = next_fd();
	ASSERT_EQ(EINVAL,
		  fails(import_fence(fd, pipefd[0], DMA_BUF_SYNC_READ)));
	ASSERT_EQ(EINVAL, fails(import_fence(fd, file, DMA_BUF_SYNC_WRITE)));
	ASSERT_EQ(EINVAL, fails(import_fence(fd, fd, DMA_BUF_SYNC_RW)));
	ASSERT_EQ(EINVAL, fails(import_fence(fd, other, DMA_BUF_SYNC_RW)));
	ASSERT_EQ(EINVAL, fails(import_fence(fd, tl, DMA_BUF_SYNC_RW)));
	ASSERT_EQ(EINVAL, fails(import_fence(fd, closed, DMA_BUF_SYNC_READ)));
	ASSERT_EQ(EINVAL, fails(import_fence(fd, -1, DMA_BUF_SYNC_READ)));
}

TEST_F(dmabuf_fd, import_sync_file_bad_pointer_efault)
{
	int fd = new_buf(self);

	ASSERT_LE(0, fd);
	ASSERT_EQ(EFAULT,
		  fails(ioctl(fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, NULL)));
	ASSERT_EQ(EFAULT,
		  fails(ioctl(fd, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, (void *)8)));
}

/* A read fence: writers must wait for it, readers need not. */
TEST_F(dmabuf_fd, import_read_fence_exports_to_writers_only)
{
	int fd = new_buf(self), tl = timeline_open();
	int f = point(tl, 1);
	int r, w, rw;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, f);
	ASSERT_EQ(0, import_fence(fd, f, DMA_BUF_SYNC_READ));
	/* the buffer holds its own reference to the fence */
	ASSERT_EQ(0, close(f));
	r = export_fence(fd, DMA_BUF_SYNC_READ);
	w = export_fence(fd, DMA_BUF_SYNC_WRITE);
	rw = export_fence(fd, DMA_BUF_SYNC_RW);
	ASSERT_LE(0, r);
	ASSERT_LE(0, w);
	ASSERT_LE(0, rw);
	ASSERT_EQ(1, file_status(r));
	ASSERT_EQ(0, file_status(w));
	ASSERT_EQ(1, file_count(w));
	ASSERT_EQ(0, file_status(rw));
	ASSERT_EQ(1, file_count(rw));
	ASSERT_EQ(0, advance(tl, 1));
	ASSERT_EQ(1, file_status(w));
	ASSERT_EQ(1, file_status(rw));
}

/* A write fence: everybody waits for it. */
TEST_F(dmabuf_fd, import_write_fence_exports_to_everyone)
{
	int fd = new_buf(self), tl = timeline_open();
	int f = point(tl, 1);
	int r, w;
	short ev;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, f);
	ASSERT_EQ(0, import_fence(fd, f, DMA_BUF_SYNC_WRITE));
	r = export_fence(fd, DMA_BUF_SYNC_READ);
	w = export_fence(fd, DMA_BUF_SYNC_WRITE);
	ASSERT_LE(0, r);
	ASSERT_LE(0, w);
	ASSERT_EQ(0, file_status(r));
	ASSERT_EQ(1, file_count(r));
	ASSERT_EQ(0, file_status(w));
	ASSERT_EQ(1, file_count(w));
	/* the exported file can be waited on like any other */
	ASSERT_TRUE(helper_start(&self->helper, HELPER_ADVANCE, tl, 200));
	ASSERT_EQ(1, poll_one(r, POLLIN, 20000, &ev));
	ASSERT_EQ(POLLIN, ev);
	ASSERT_EQ(0, helper_join(&self->helper));
	ASSERT_EQ(1, file_status(w));
}

/* READ|WRITE imports as a write fence. */
TEST_F(dmabuf_fd, import_rw_counts_as_write)
{
	int fd = new_buf(self), tl = timeline_open();
	int f = point(tl, 1);
	int r;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, f);
	ASSERT_EQ(0, import_fence(fd, f, DMA_BUF_SYNC_RW));
	r = export_fence(fd, DMA_BUF_SYNC_READ);
	ASSERT_LE(0, r);
	ASSERT_EQ(0, file_status(r));
	ASSERT_EQ(0, ready(fd, POLLIN));
	ASSERT_EQ(0, advance(tl, 1));
	ASSERT_EQ(1, file_status(r));
}

/* Which fences an exported file waits for, told apart by signalling. */
TEST_F(dmabuf_fd, export_collects_fences_by_usage)
{
	int fd = new_buf(self), tl_r = timeline_open(), tl_w = timeline_open();
	int rf = point(tl_r, 1), wf = point(tl_w, 1);
	struct sync_fence_info fences[2];
	struct sync_file_info info;
	int r, w;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, rf);
	ASSERT_LE(0, wf);
	ASSERT_EQ(0, import_fence(fd, rf, DMA_BUF_SYNC_READ));
	ASSERT_EQ(0, import_fence(fd, wf, DMA_BUF_SYNC_WRITE));
	r = export_fence(fd, DMA_BUF_SYNC_READ);
	w = export_fence(fd, DMA_BUF_SYNC_WRITE);
	ASSERT_LE(0, r);
	ASSERT_LE(0, w);
	ASSERT_EQ(1, file_count(r));
	ASSERT_EQ(0, file_status(r));
	ASSERT_EQ(0, file_info(w, &info, fences, 2));
	ASSERT_EQ(2u, info.num_fences);
	ASSERT_EQ(0, info.status);
	ASSERT_STREQ("sw_sync", fences[0].driver_name);
	ASSERT_STREQ("sw_sync", fences[1].driver_name);
	ASSERT_STREQ(my_comm(), fences[0].obj_name);
	/* the write fence is all a reader waits for */
	ASSERT_EQ(0, advance(tl_w, 1));
	ASSERT_EQ(1, file_status(r));
	ASSERT_EQ(0, file_status(w));
	ASSERT_EQ(0, advance(tl_r, 1));
	ASSERT_EQ(1, file_status(w));
}

/* A merged sync_file brings every fence it holds. */
TEST_F(dmabuf_fd, import_merged_sync_file_adds_every_fence)
{
	int fd = new_buf(self), tl = timeline_open(), tl2 = timeline_open();
	int m = merge(point(tl, 1), point(tl2, 1));
	int r;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, m);
	ASSERT_EQ(2, file_count(m));
	ASSERT_EQ(0, import_fence(fd, m, DMA_BUF_SYNC_WRITE));
	ASSERT_EQ(0, close(m));
	r = export_fence(fd, DMA_BUF_SYNC_READ);
	ASSERT_LE(0, r);
	ASSERT_EQ(2, file_count(r));
	ASSERT_EQ(0, advance(tl, 1));
	ASSERT_EQ(0, file_status(r));
	ASSERT_EQ(0, ready(fd, POLLIN));
	ASSERT_EQ(0, advance(tl2, 1));
	ASSERT_EQ(1, file_status(r));
	ASSERT_EQ(POLLIN, ready(fd, POLLIN));
}

/* bufinfo lists the buffer's fences with their usage and state. */
TEST_F(dmabuf_fd, imported_fences_show_in_bufinfo)
{
	int fd = new_buf(self), tl_r = timeline_open(), tl_w = timeline_open();
	int rf = point(tl_r, 7), wf = point(tl_w, 5);
	char want_w[128], want_r[128];
	char *e;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, rf);
	ASSERT_LE(0, wf);
	ASSERT_EQ(0, import_fence(fd, wf, DMA_BUF_SYNC_WRITE));
	ASSERT_EQ(0, import_fence(fd, rf, DMA_BUF_SYNC_READ));
	snprintf(want_w, sizeof(want_w),
		 "\n\twrite fence:sw_sync %s seq 5 unsignalled\n", my_comm());
	snprintf(want_r, sizeof(want_r),
		 "\n\tread fence:sw_sync %s seq 7 unsignalled\n", my_comm());
	e = entry(ino_of(fd));
	ASSERT_NE(NULL, e);
	if (!strstr(e, want_w) || !strstr(e, want_r))
		TH_LOG("bufinfo entry:\n%s", e);
	ASSERT_NE(NULL, strstr(e, want_w));
	ASSERT_NE(NULL, strstr(e, want_r));
	ASSERT_GT(strstr(e, "\tAttached Devices:\n"), strstr(e, want_r));
	free(e);
	ASSERT_EQ(0, advance(tl_w, 5));
	snprintf(want_w, sizeof(want_w),
		 "\n\twrite fence:sw_sync %s seq 5 signalled\n", my_comm());
	e = entry(ino_of(fd));
	ASSERT_NE(NULL, e);
	ASSERT_NE(NULL, strstr(e, want_w));
	ASSERT_NE(NULL, strstr(e, want_r));
	free(e);
}

/* ---------------------------------------------------------------------- */
/* poll */

TEST_F(dmabuf_fd, poll_idle_buffer_is_ready)
{
	int fd = new_buf(self);
	short ev;

	ASSERT_LE(0, fd);
	ASSERT_EQ(1, poll_one(fd, POLLIN | POLLOUT, 0, &ev));
	ASSERT_EQ((POLLIN | POLLOUT), ev);
	ASSERT_EQ(POLLIN, ready(fd, POLLIN));
	ASSERT_EQ(POLLOUT, ready(fd, POLLOUT));
	/* no events asked for, none reported */
	ASSERT_EQ(0, poll_one(fd, 0, 0, &ev));
	ASSERT_EQ(0, ev);
}

/* EPOLLIN waits for write fences only, EPOLLOUT for all of them. */
TEST_F(dmabuf_fd, poll_read_fence_blocks_pollout_only)
{
	int fd = new_buf(self), tl = timeline_open();
	int f = point(tl, 1);

	ASSERT_LE(0, fd);
	ASSERT_LE(0, f);
	ASSERT_EQ(0, import_fence(fd, f, DMA_BUF_SYNC_READ));
	ASSERT_EQ(POLLIN, ready(fd, POLLIN));
	ASSERT_EQ(0, ready(fd, POLLOUT));
	ASSERT_EQ(POLLIN, ready(fd, POLLIN | POLLOUT));
	ASSERT_EQ(0, advance(tl, 1));
	ASSERT_EQ((POLLIN | POLLOUT), ready(fd, POLLIN | POLLOUT));
}

TEST_F(dmabuf_fd, poll_write_fence_blocks_both)
{
	int fd = new_buf(self), tl = timeline_open();
	int f = point(tl, 1);

	ASSERT_LE(0, fd);
	ASSERT_LE(0, f);
	ASSERT_EQ(0, import_fence(fd, f, DMA_BUF_SYNC_WRITE));
	ASSERT_EQ(0, ready(fd, POLLIN));
	ASSERT_EQ(0, ready(fd, POLLOUT));
	ASSERT_EQ(0, ready(fd, POLLIN | POLLOUT));
	ASSERT_EQ(0, advance(tl, 1));
	ASSERT_EQ((POLLIN | POLLOUT), ready(fd, POLLIN | POLLOUT));
	ASSERT_EQ(POLLIN, ready(fd, POLLIN));
}

/* A signalled fence does not hold anyone up. */
TEST_F(dmabuf_fd, poll_signalled_fence_is_ready)
{
	int fd = new_buf(self), tl = timeline_open();
	int f = point(tl, 0);

	ASSERT_LE(0, fd);
	ASSERT_LE(0, f);
	ASSERT_EQ(1, file_status(f));
	ASSERT_EQ(0, import_fence(fd, f, DMA_BUF_SYNC_WRITE));
	ASSERT_EQ((POLLIN | POLLOUT), ready(fd, POLLIN | POLLOUT));
}

TEST_F(dmabuf_fd, poll_timeout_returns_zero_while_unsignalled)
{
	int fd = new_buf(self), tl = timeline_open();
	int f = point(tl, 1);
	__u64 t0, took;
	short ev;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, f);
	ASSERT_EQ(0, import_fence(fd, f, DMA_BUF_SYNC_WRITE));
	t0 = now_ns();
	ASSERT_EQ(0, poll_one(fd, POLLIN, 300, &ev));
	ASSERT_EQ(0, ev);
	ASSERT_EQ(0, poll_one(fd, POLLOUT, 300, &ev));
	ASSERT_EQ(0, ev);
	took = now_ns() - t0;
	ASSERT_LE(550 * NSEC_PER_MSEC, took);
}

/* Blocked in poll, woken by another thread signalling, without spinning. */
TEST_F(dmabuf_fd, poll_woken_by_signal_from_other_thread)
{
	int fd = new_buf(self), tl = timeline_open(), tl2 = timeline_open();
	int f = point(tl, 1), f2 = point(tl2, 1);
	__u64 t0, cpu0, took, cpu;
	short ev;
	int ret;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, f);
	ASSERT_LE(0, f2);
	ASSERT_EQ(0, import_fence(fd, f, DMA_BUF_SYNC_WRITE));
	ASSERT_TRUE(helper_start(&self->helper, HELPER_ADVANCE, tl, 500));
	t0 = now_ns();
	cpu0 = thread_cpu_ns();
	ret = poll_one(fd, POLLIN, 20000, &ev);
	cpu = thread_cpu_ns() - cpu0;
	took = now_ns() - t0;
	ASSERT_EQ(0, helper_join(&self->helper));
	ASSERT_EQ(1, ret);
	ASSERT_EQ(POLLIN, ev);
	ASSERT_LE(450 * NSEC_PER_MSEC, took);
	/* poll() slept: it used at most a quarter of the time on the CPU */
	ASSERT_GE(took / 4, cpu);

	/* the same for EPOLLOUT behind a read fence */
	ASSERT_EQ(0, import_fence(fd, f2, DMA_BUF_SYNC_READ));
	ASSERT_TRUE(helper_start(&self->helper, HELPER_ADVANCE, tl2, 300));
	ret = poll_one(fd, POLLOUT, 20000, &ev);
	ASSERT_EQ(0, helper_join(&self->helper));
	ASSERT_EQ(1, ret);
	ASSERT_EQ(POLLOUT, ev);
}

TEST_F(dmabuf_fd, epoll_woken_by_signal)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int fd = new_buf(self), tl = timeline_open();
	int f = point(tl, 1);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int ret;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, f);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, import_fence(fd, f, DMA_BUF_SYNC_WRITE));
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	ASSERT_EQ(0, epoll_wait(ep, &ev, 1, 0));
	ASSERT_TRUE(helper_start(&self->helper, HELPER_ADVANCE, tl, 200));
	ret = epoll_wait(ep, &ev, 1, 20000);
	ASSERT_EQ(0, helper_join(&self->helper));
	ASSERT_EQ(1, ret);
	ASSERT_EQ((uint32_t)EPOLLIN, ev.events);
}

/* The pending poll callback must not outlive the buffer it points to. */
TEST_F(dmabuf_fd, close_while_poll_pending_then_signal)
{
	int fd = new_buf(self), tl = timeline_open();
	int f = point(tl, 1);
	unsigned long ino = ino_of(fd);

	ASSERT_LE(0, fd);
	ASSERT_LE(0, f);
	ASSERT_EQ(0, import_fence(fd, f, DMA_BUF_SYNC_WRITE));
	ASSERT_EQ(0, ready(fd, POLLIN | POLLOUT));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(0, advance(tl, 1));
	ASSERT_TRUE(unlisted_soon(ino));
}

/* ---------------------------------------------------------------------- */
/* unknown ioctls and wrong descriptors */

TEST_F(dmabuf_fd, unknown_ioctl_enotty)
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
	int fd = new_buf(self);
	unsigned int i;

	ASSERT_LE(0, fd);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		ASSERT_EQ(ENOTTY, fails(ioctl(fd, cmds[i], arg))) {
			TH_LOG("cmd %#lx", cmds[i]);
		}
	}
	ASSERT_TRUE(name_is(_metadata, fd, NULL));
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

TEST_F(dmabuf_fd, dmabuf_ioctls_on_other_files_enotty)
{
	int tl = timeline_open(), file = regular_file(), pipefd[2];
	int sync_file = point(tl, 1);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	ASSERT_LE(0, tl);
	ASSERT_LE(0, file);
	ASSERT_LE(0, sync_file);
	ASSERT_LE(0, null);
	ASSERT_EQ(0, pipe(pipefd));
	ASSERT_TRUE(dmabuf_ioctls_fail(pipefd[0], ENOTTY));
	ASSERT_TRUE(dmabuf_ioctls_fail(file, ENOTTY));
	ASSERT_TRUE(dmabuf_ioctls_fail(null, ENOTTY));
	ASSERT_TRUE(dmabuf_ioctls_fail(sync_file, ENOTTY));
	ASSERT_TRUE(dmabuf_ioctls_fail(tl, ENOTTY));
}

TEST_F(dmabuf_fd, dmabuf_calls_on_closed_fd_ebadf)
{
	int fd = new_buf(self);
	short ev;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, close(fd));
	ASSERT_TRUE(dmabuf_ioctls_fail(fd, EBADF));
	ASSERT_TRUE(dmabuf_ioctls_fail(-1, EBADF));
	ASSERT_EQ(EBADF, fails(lseek(fd, 0, SEEK_END)));
	ASSERT_EQ(NULL, map(fd, self->page, 0, PROT_READ, MAP_SHARED));
	ASSERT_EQ(EBADF, errno);
	ASSERT_EQ(1, poll_one(fd, POLLIN, 0, &ev));
	ASSERT_EQ(POLLNVAL, ev);
}

/* ---------------------------------------------------------------------- */
/* /proc/self/fdinfo */

/* The whole of fdinfo, line by line: the VFS's four, then dma-buf's. */
TEST_F(dmabuf_fd, fdinfo_format)
{
	char want[512], mnt_id[32], *text;
	int fd = new_buf(self), other = export_buf(self, self->page, O_RDWR, 0);

	ASSERT_LE(0, fd);
	ASSERT_LE(0, other);
	text = read_fdinfo(fd);
	ASSERT_NE(NULL, text);
	ASSERT_TRUE(field(text, "mnt_id", mnt_id, sizeof(mnt_id)));
	snprintf(want, sizeof(want),
		 "pos:\t0\nflags:\t02000002\nmnt_id:\t%s\nino:\t%lu\n"
		 "size:\t%zu\ncount:\t1\nexp_name:\t%s\n",
		 mnt_id, ino_of(fd), self->buf_len, DMABUF_TEST_EXPORTER_NAME);
	ASSERT_STREQ(want, text);
	free(text);

	ASSERT_EQ(0, set_name(fd, "named"));
	strcat(want, "name:\tnamed\n");
	text = read_fdinfo(fd);
	ASSERT_NE(NULL, text);
	ASSERT_STREQ(want, text);
	free(text);

	/* all dma-bufs live on one internal mount */
	ASSERT_EQ(strtol(mnt_id, NULL, 10), fdinfo_num(other, "mnt_id"));
}

/* flags: is the file's f_flags in octal, plus O_CLOEXEC of the fd. */
TEST_F(dmabuf_fd, fdinfo_flags_follow_the_fd)
{
	int ro = export_buf(self, self->page, O_RDONLY, 0);
	int wo = export_buf(self, self->page, O_WRONLY | O_CLOEXEC, 0);
	int rw = export_buf(self, self->page, O_RDWR, 0);
	char value[32];

	ASSERT_LE(0, ro);
	ASSERT_LE(0, wo);
	ASSERT_LE(0, rw);
	ASSERT_TRUE(fdinfo_field(ro, "flags", value, sizeof(value)));
	ASSERT_STREQ("00", value);
	ASSERT_TRUE(fdinfo_field(wo, "flags", value, sizeof(value)));
	ASSERT_STREQ("02000001", value);
	ASSERT_TRUE(fdinfo_field(rw, "flags", value, sizeof(value)));
	ASSERT_STREQ("02", value);
	ASSERT_EQ(0, fcntl(rw, F_SETFL, O_NONBLOCK));
	ASSERT_TRUE(fdinfo_field(rw, "flags", value, sizeof(value)));
	ASSERT_STREQ("04002", value);
	ASSERT_EQ(0, fcntl(rw, F_SETFD, FD_CLOEXEC));
	ASSERT_TRUE(fdinfo_field(rw, "flags", value, sizeof(value)));
	ASSERT_STREQ("02004002", value);
}

/* count: is the file's references, less the one fdinfo itself holds. */
TEST_F(dmabuf_fd, fdinfo_count_tracks_references)
{
	int fd = new_buf(self);
	int copy;
	void *p;

	ASSERT_LE(0, fd);
	ASSERT_EQ(1, fdinfo_num(fd, "count"));
	copy = dup(fd);
	ASSERT_LE(0, copy);
	ASSERT_EQ(2, fdinfo_num(fd, "count"));
	ASSERT_EQ(2, fdinfo_num(copy, "count"));
	p = map(fd, self->page, 0, PROT_READ, MAP_SHARED);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(3, fdinfo_num(fd, "count"));
	munmap(p, self->page);
	ASSERT_EQ(2, fdinfo_num(fd, "count"));
	ASSERT_EQ(0, close(copy));
	ASSERT_EQ(1, fdinfo_num(fd, "count"));
}

/* ---------------------------------------------------------------------- */
/* /sys/kernel/debug/dma_buf/bufinfo */

TEST_F(dmabuf_fd, bufinfo_format)
{
	static const char header[] =
		"\nDma-buf Objects:\n"
		"size    \tflags   \tmode    \tcount   \texp_name\tino     \tname\n";
	int fd = new_buf(self), ro = export_buf(self, self->page, O_RDONLY, 0);
	struct obj_line o;
	char *info, *e;
	char want[256];

	ASSERT_LE(0, fd);
	ASSERT_LE(0, ro);
	info = bufinfo();
	ASSERT_NE(NULL, info);
	ASSERT_FALSE(strncmp(info, header, strlen(header)));
	e = entry_in(info, ino_of(fd));
	free(info);
	ASSERT_NE(NULL, e);
	ASSERT_TRUE(parse_obj(e, &o));
	ASSERT_EQ(self->buf_len, o.size);
	/* f_flags holds no O_CLOEXEC: that is the fd's, not the file's */
	ASSERT_EQ((unsigned long)O_RDWR, o.flags);
	ASSERT_EQ((unsigned long)(FMODE_READ | FMODE_WRITE | FMODE_LSEEK |
				  FMODE_OPENED), o.mode);
	ASSERT_EQ(1, o.count);
	ASSERT_STREQ(DMABUF_TEST_EXPORTER_NAME, o.exp_name);
	ASSERT_EQ(ino_of(fd), o.ino);
	ASSERT_STREQ("<none>", o.name);
	snprintf(want, sizeof(want), "%08zu\t%08x\t%08x\t%08d\t%s\t%08lu\t<none>\n"
		 "\tAttached Devices:\nTotal 0 devices attached\n",
		 self->buf_len, O_RDWR, FMODE_READ | FMODE_WRITE | FMODE_LSEEK |
		 FMODE_OPENED, 1, DMABUF_TEST_EXPORTER_NAME, ino_of(fd));
	ASSERT_STREQ(want, e);
	free(e);

	ASSERT_TRUE(obj_of(ino_of(ro), &o));
	ASSERT_EQ((unsigned long)O_RDONLY, o.flags);
	ASSERT_EQ((unsigned long)(FMODE_READ | FMODE_LSEEK | FMODE_OPENED),
		  o.mode);
	ASSERT_EQ(self->page, o.size);
}

TEST_F(dmabuf_fd, bufinfo_totals_count_live_buffers)
{
	int objects, objects2, a, b;
	size_t bytes, bytes2;

	ASSERT_TRUE(totals(&objects, &bytes));
	a = new_buf(self);
	b = export_buf(self, self->page, O_RDWR, 0);
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_TRUE(totals(&objects2, &bytes2));
	ASSERT_EQ(objects + 2, objects2);
	ASSERT_EQ(bytes + self->buf_len + self->page, bytes2);
	ASSERT_EQ(0, close(a));
	ASSERT_TRUE(totals(&objects2, &bytes2));
	ASSERT_EQ(objects + 1, objects2);
	ASSERT_EQ(bytes + self->page, bytes2);
	ASSERT_EQ(0, close(b));
	ASSERT_TRUE(totals(&objects2, &bytes2));
	ASSERT_EQ(objects, objects2);
	ASSERT_EQ(bytes, bytes2);
}

/* The block of an entry from "\tAttached Devices:" on. */
static const char *devices_of(const char *e)
{
	const char *at = e ? strstr(e, "\tAttached Devices:\n") : NULL;

	return at ?: "";
}

TEST_F(dmabuf_fd, bufinfo_lists_attachments)
{
	int fd = new_buf(self), ctl = ctl_open(), ctl2 = ctl_open();
	unsigned long ino = ino_of(fd);
	char *e;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, ctl);
	ASSERT_LE(0, ctl2);
	ASSERT_EQ(0, test_attach(ctl, fd, 0));
	e = entry(ino);
	ASSERT_STREQ("\tAttached Devices:\n\t" IMPORTER_NAME
		     "\nTotal 1 devices attached\n", devices_of(e));
	free(e);
	ASSERT_EQ(0, test_attach(ctl, fd, DMABUF_TEST_ATTACH_MAP));
	ASSERT_EQ(0, test_attach(ctl2, fd, DMABUF_TEST_ATTACH_DYNAMIC));
	ASSERT_EQ(0, test_attach(ctl2, fd, DMABUF_TEST_ATTACH_DYNAMIC |
			    DMABUF_TEST_ATTACH_MAP));
	e = entry(ino);
	ASSERT_STREQ("\tAttached Devices:\n"
		     "\t" IMPORTER_NAME "\n\t" IMPORTER_NAME "\n"
		     "\t" IMPORTER_NAME "\n\t" IMPORTER_NAME "\n"
		     "Total 4 devices attached\n", devices_of(e));
	free(e);
	/* attachments end with the control fd that made them */
	ASSERT_EQ(0, close(ctl));
	e = entry(ino);
	ASSERT_STREQ("\tAttached Devices:\n"
		     "\t" IMPORTER_NAME "\n\t" IMPORTER_NAME "\n"
		     "Total 2 devices attached\n", devices_of(e));
	free(e);
	ASSERT_EQ(0, close(ctl2));
	e = entry(ino);
	ASSERT_STREQ("\tAttached Devices:\nTotal 0 devices attached\n",
		     devices_of(e));
	free(e);
}

/* An importer's reference keeps the buffer after its last fd closed. */
TEST_F(dmabuf_fd, attachment_keeps_buffer_after_close)
{
	int fd = new_buf(self), ctl = ctl_open();
	unsigned long ino = ino_of(fd);
	char *e;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, ctl);
	ASSERT_EQ(0, set_name(fd, "still-here"));
	ASSERT_EQ(0, test_attach(ctl, fd, DMABUF_TEST_ATTACH_MAP));
	ASSERT_EQ(0, close(fd));
	e = entry(ino);
	ASSERT_NE(NULL, e);
	ASSERT_NE(NULL, strstr(e, "\tstill-here\n"));
	ASSERT_NE(NULL, strstr(e, "Total 1 devices attached\n"));
	free(e);
	ASSERT_EQ(0, close(ctl));
	ASSERT_TRUE(unlisted_soon(ino));
}

TEST_F(dmabuf_fd, bufinfo_entry_gone_after_close)
{
	int fd = new_buf(self);
	unsigned long ino = ino_of(fd);

	ASSERT_LE(0, fd);
	ASSERT_TRUE(listed(ino));
	ASSERT_EQ(0, close(fd));
	ASSERT_FALSE(listed(ino));
}

/* ---------------------------------------------------------------------- */
/* the fd's lifetime: dup, SCM_RIGHTS, fork */

TEST_F(dmabuf_fd, dup_shares_the_buffer)
{
	int fd = new_buf(self);
	unsigned long ino = ino_of(fd);
	unsigned char *p;
	int copy, copy2;

	ASSERT_LE(0, fd);
	p = map(fd, self->buf_len, 0, PROT_READ | PROT_WRITE, MAP_SHARED);
	ASSERT_NE(NULL, p);
	fill(self, p, self->buf_len, 0, 8);
	munmap(p, self->buf_len);
	copy = dup(fd);
	copy2 = fcntl(fd, F_DUPFD_CLOEXEC, 100);
	ASSERT_LE(0, copy);
	ASSERT_LE(100, copy2);
	ASSERT_FALSE(cloexec(copy));
	ASSERT_TRUE(cloexec(copy2));
	ASSERT_EQ(0, close(fd));
	ASSERT_EQ(ino, ino_of(copy));
	ASSERT_TRUE(listed(ino));
	ASSERT_EQ(2, fdinfo_num(copy, "count"));
	p = map(copy2, self->buf_len, 0, PROT_READ, MAP_SHARED);
	ASSERT_NE(NULL, p);
	ASSERT_TRUE(holds(self, p, self->buf_len, 0, 8));
	munmap(p, self->buf_len);
	ASSERT_EQ(0, close(copy));
	ASSERT_EQ(0, close(copy2));
	ASSERT_FALSE(listed(ino));
}

/* Child: take the buffer, check and rewrite it, hand it back. */
static int receive_rewrite_return(const struct _test_data_dmabuf_fd *self,
				  int sock, unsigned long ino)
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
	p = mmap(NULL, self->buf_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	if (p == MAP_FAILED)
		return 13;
	if (!holds(self, p, self->buf_len, 0, 9))
		return 14;
	fill(self, p, self->buf_len, 0, 10);
	munmap(p, self->buf_len);
	if (send_fd(sock, fd))
		return 15;
	return 0;
}

TEST_F(dmabuf_fd, fd_passed_over_unix_socket_and_back)
{
	int fd = new_buf(self);
	unsigned long ino = ino_of(fd);
	unsigned char *p;
	int sv[2], back;
	pid_t pid;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_name(fd, "passed"));
	p = map(fd, self->buf_len, 0, PROT_READ | PROT_WRITE, MAP_SHARED);
	ASSERT_NE(NULL, p);
	fill(self, p, self->buf_len, 0, 9);
	munmap(p, self->buf_len);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	fflush(stdout);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(receive_rewrite_return(self, sv[1], ino));
	self->child = pid;
	ASSERT_EQ(0, send_fd(sv[0], fd));
	/* from here on, only the message and the child hold the buffer */
	ASSERT_EQ(0, close(fd));
	back = recv_fd(sv[0]);
	ASSERT_EQ(0, reap(self, pid));
	ASSERT_LE(0, back);
	ASSERT_EQ(ino, ino_of(back));
	ASSERT_EQ(1, fdinfo_num(back, "count"));
	p = map(back, self->buf_len, 0, PROT_READ, MAP_SHARED);
	ASSERT_NE(NULL, p);
	ASSERT_TRUE(holds(self, p, self->buf_len, 0, 10));
	munmap(p, self->buf_len);
	ASSERT_EQ(0, close(back));
	ASSERT_TRUE(unlisted_soon(ino));
}

/* Child: wait for the go, then check the inherited fd and mapping. */
static int check_inherited(const struct _test_data_dmabuf_fd *self, int fd,
			   int go, unsigned char *shared)
{
	unsigned char *p;
	char c;

	if (read(go, &c, 1) != 1)
		return 20;
	if (!holds(self, shared, self->buf_len, 0, 11))
		return 21;
	p = mmap(NULL, self->buf_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	if (p == MAP_FAILED)
		return 22;
	if (!holds(self, p, self->buf_len, 0, 11))
		return 23;
	fill(self, p, self->page, 0, 12);
	if (!holds(self, shared, self->page, 0, 12))
		return 24;
	if (lseek(fd, 0, SEEK_END) != (off_t)self->buf_len)
		return 25;
	munmap(p, self->buf_len);
	return 0;
}

TEST_F(dmabuf_fd, fork_child_keeps_buffer_alive)
{
	int fd = new_buf(self);
	unsigned long ino = ino_of(fd);
	unsigned char *p;
	int go[2];
	pid_t pid;

	ASSERT_LE(0, fd);
	p = map(fd, self->buf_len, 0, PROT_READ | PROT_WRITE, MAP_SHARED);
	ASSERT_NE(NULL, p);
	fill(self, p, self->buf_len, 0, 11);
	ASSERT_EQ(0, pipe(go));
	fflush(stdout);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(check_inherited(self, fd, go[0], p));
	self->child = pid;
	/* the parent lets go of everything before the child looks */
	munmap(p, self->buf_len);
	ASSERT_EQ(0, close(fd));
	ASSERT_TRUE(listed(ino));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(0, reap(self, pid));
	ASSERT_TRUE(unlisted_soon(ino));
}

/* ---------------------------------------------------------------------- */
/* renaming races with readers of the name */

/* Is @name one that the renaming helper sets? */
static bool race_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(race_names); i++)
		if (!strcmp(name, race_names[i]))
			return true;
	return false;
}

TEST_F(dmabuf_fd, name_race_readers_see_whole_names)
{
	unsigned long reads = 0, ino;
	char value[64] = "", link[96] = "";
	struct obj_line o = { .name = "" };
	__u64 end;
	int fd = new_buf(self);
	bool ok = true;

	ASSERT_LE(0, fd);
	ino = ino_of(fd);
	ASSERT_EQ(0, set_name(fd, race_names[0]));
	ASSERT_TRUE(helper_start(&self->helper, HELPER_RENAME, fd, 0));
	end = now_ns() + 1500 * NSEC_PER_MSEC;
	while (ok && now_ns() < end) {
		ok = fdinfo_field(fd, "name", value, sizeof(value)) &&
		     race_name(value);
		if (!ok) {
			TH_LOG("fdinfo name '%s'", value);
			break;
		}
		ok = obj_of(ino, &o) && race_name(o.name);
		if (!ok) {
			TH_LOG("bufinfo name '%s'", o.name);
			break;
		}
		ok = fd_link(fd, link, sizeof(link)) &&
		     !strncmp(link, "/dmabuf:", 8) && race_name(link + 8);
		if (!ok)
			TH_LOG("link '%s'", link);
		reads++;
	}
	ASSERT_EQ(0, helper_stop(&self->helper));
	ASSERT_TRUE(ok);
	TH_LOG("name race: %lu reads, %ld renames", reads, self->helper.count);
	ASSERT_LE(10ul, reads);
	ASSERT_LE(10, self->helper.count);
}

TEST_HARNESS_MAIN

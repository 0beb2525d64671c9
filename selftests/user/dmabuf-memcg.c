// SPDX-License-Identifier: GPL-2.0
/*
 * Heap memory and memory cgroups: DMA_HEAP_IOCTL_ALLOC charges the system
 * heap's pages to the allocating process's cgroup (or, with
 * charge_pid_fd, to another process's), memory.max holds for them, and
 * the charge goes when the last reference to the buffer does (a
 * descriptor, a mapping, a kernel importer, another process's reference).
 *
 * Each case runs in a cgroup of its own, made under a cgroup2 mount (the
 * fixture mounts one at /sys/fs/cgroup if there is none) with the memory
 * controller enabled. A kernel that does not charge heap memory (6.12,
 * or ours booted with dma_heap.mem_accounting=0) is told by the missing
 * or unset parameter: the cases that need a charge then report what they
 * saw instead (no charge) and skip, and those that test charge_pid_fd
 * report that it was ignored. CMA heaps and udmabuf charge nothing
 * themselves, on every kernel.
 *
 * Sizes: memory.current counts pages the cgroup has charged in advance
 * for each CPU (up to 64 pages each), so every comparison allows that
 * much, plus a little for the page tables and files of the case.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
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
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-heap.h>
#include <linux/udmabuf.h>

/* kselftest_harness.h's SIGALRM handler leaves a parameter unused. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../kselftest_harness.h"
#pragma GCC diagnostic pop

#include "dmabuf-test-ctl.h"
#include "dmabuf-util.h"

#define MiB		(1024l * 1024)
#define CGROUP2_MAGIC	0x63677270	/* CGROUP2_SUPER_MAGIC */
#define CGROOT		"/sys/fs/cgroup"
#define HEAPS		"/dev/dma_heap"
#define ACCOUNTING	"/sys/module/dma_heap/parameters/mem_accounting"
#define BUFINFO		"/sys/kernel/debug/dma_buf/bufinfo"

/* How far memory.current may be off: per-CPU stock and small change. */
static long slack(void)
{
	return 2 * 64 * sysconf(_SC_PAGESIZE) * sysconf(_SC_NPROCESSORS_ONLN) +
	       2 * MiB;
}

/*
 * The buffer size of the cases: large enough that the slack is small
 * beside it, whatever the page size and number of CPUs.
 */
static long buf_len;

/* The parameter is set, and kernel memory is charged at all. */
static bool accounting_on(void)
{
	char *v = read_whole(ACCOUNTING), *cmdline = read_whole("/proc/cmdline");
	bool on = v && v[0] == 'Y' &&
		  !(cmdline && strstr(cmdline, "cgroup.memory=nokmem"));

	free(v);
	free(cmdline);
	return on;
}

static int write_str(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -1;
	if (write(fd, value, strlen(value)) < 0)
		ret = -1;
	close(fd);
	return ret;
}

/* The number in @group's @file (memory.current), or -1. */
static long cg_read(const char *group, const char *file)
{
	char path[PATH_MAX], *v;
	long n;

	snprintf(path, sizeof(path), "%s/%s", group, file);
	v = read_whole(path);
	n = v ? atol(v) : -1;
	free(v);
	return n;
}

/* The value of @key in a flat keyed file such as memory.stat, or -1. */
static long cg_key(const char *group, const char *file, const char *key)
{
	char path[PATH_MAX], *v, *line, *save;
	size_t len = strlen(key);
	long n = -1;

	snprintf(path, sizeof(path), "%s/%s", group, file);
	v = read_whole(path);
	for (line = v ? strtok_r(v, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, key, len) && line[len] == ' ') {
			n = atol(line + len + 1);
			break;
		}
	}
	free(v);
	return n;
}

static int cg_write(const char *group, const char *file, const char *value)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", group, file);
	return write_str(path, value);
}

static int cg_enter(const char *group, pid_t pid)
{
	char num[16];

	snprintf(num, sizeof(num), "%d", pid);
	return cg_write(group, "cgroup.procs", num);
}

/* A value of @fd's fdinfo line @key, or -1. */
static long fdinfo_num(int fd, const char *key)
{
	char path[64];
	long n = -1;
	char *v, *at;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	v = read_whole(path);
	at = v ? strstr(v, key) : NULL;
	if (at)
		n = atol(at + strlen(key));
	free(v);
	return n;
}

/* Whether @fd's fdinfo has the line "memcg:\t@path". */
static bool fdinfo_has(int fd, const char *path)
{
	char name[64], line[PATH_MAX + 8];
	bool found;
	char *v;

	snprintf(name, sizeof(name), "/proc/self/fdinfo/%d", fd);
	snprintf(line, sizeof(line), "memcg:\t%s\n", path);
	v = read_whole(name);
	found = v && strstr(v, line);
	free(v);
	return found;
}

/* Whether bufinfo lists a buffer of @bytes charged to cgroup @path. */
static bool bufinfo_has(long bytes, const char *path)
{
	char line[PATH_MAX + 64];
	bool found;
	char *v;

	snprintf(line, sizeof(line), "\tMemcg charged: %ld bytes to %s\n",
		 bytes, path);
	v = read_whole(BUFINFO);
	found = v && strstr(v, line);
	free(v);
	return found;
}

static int alloc_req(int heap, struct dma_heap_allocation_data *req)
{
	req->fd = 0;
	if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, req))
		return -errno;
	return req->fd;
}

static int alloc_for(int heap, long len, int pidfd)
{
	struct dma_heap_allocation_data req = {
		.len = len,
		.fd_flags = O_RDWR | O_CLOEXEC,
		.charge_pid_fd = pidfd,
	};

	return alloc_req(heap, &req);
}

static int pidfd_open(pid_t pid)
{
	return syscall(SYS_pidfd_open, pid, 0);
}

/*
 * fork(), with the child killed when its parent exits: a case that fails
 * or skips half-way leaves no process behind to hold the output pipe.
 */
static pid_t fork_tied(void)
{
	pid_t pid = fork();

	if (!pid && prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0))
		_exit(126);
	return pid;
}

/* A child that waits to be killed; in @group when that is not NULL. */
static pid_t idle_child(const char *group)
{
	pid_t pid = fork_tied();

	if (!pid) {
		if (group && cg_enter(group, getpid()))
			_exit(1);
		for (;;)
			pause();
	}
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

FIXTURE(memcg) {
	char group[PATH_MAX];	/* the case's cgroup, the process is in it */
	char other[PATH_MAX];	/* a second one, for the other party */
	bool charging;		/* the kernel charges heap memory */
	int system;		/* /dev/dma_heap/system */
};

/* Whether @dir is empty, so that a mount there hides nothing. */
static bool empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool empty = true;

	if (!d)
		return false;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			empty = false;
	closedir(d);
	return empty;
}

/*
 * cgroup2 at CGROOT with the memory controller enabled for children.
 * It is mounted only where nothing is (an initramfs guest); a host with
 * cgroup v1 or a hybrid layout there is left alone, and the cases skip.
 */
static bool cgroup2_ready(void)
{
	struct statfs fs;
	char *ctl;
	bool ok;

	if (statfs(CGROOT, &fs))
		return false;
	if (fs.f_type != CGROUP2_MAGIC &&
	    (!empty_dir(CGROOT) || mount("none", CGROOT, "cgroup2", 0, NULL)))
		return false;
	ctl = read_whole(CGROOT "/cgroup.controllers");
	ok = ctl && strstr(ctl, "memory");
	free(ctl);
	return ok && !write_str(CGROOT "/cgroup.subtree_control", "+memory");
}

FIXTURE_SETUP(memcg)
{
	if (!cgroup2_ready())
		SKIP(return, "no cgroup2 with the memory controller at " CGROOT);
	self->system = open(HEAPS "/system", O_RDONLY | O_CLOEXEC);
	if (self->system < 0)
		SKIP(return, "no %s/system", HEAPS);
	snprintf(self->group, sizeof(self->group), CGROOT "/dmabuf-%d-a",
		 getpid());
	snprintf(self->other, sizeof(self->other), CGROOT "/dmabuf-%d-b",
		 getpid());
	ASSERT_EQ(0, mkdir(self->group, 0755));
	ASSERT_EQ(0, mkdir(self->other, 0755));
	ASSERT_EQ(0, cg_enter(self->group, getpid()));
	self->charging = accounting_on();
	buf_len = 4 * slack() > 32 * MiB ? 4 * slack() : 32 * MiB;
}

FIXTURE_TEARDOWN(memcg)
{
	if (!self->group[0])
		return;
	cg_enter(CGROOT, getpid());
	rmdir(self->group);
	rmdir(self->other);
}

/* What a kernel that does not charge did: skips say it. */
#define NO_CHARGE	"kernel without heap accounting: memory.current rose by %ld KiB for a %ld KiB buffer"
#define NO_LIMIT	"kernel without heap accounting: a %ld KiB buffer was allocated over a %ld KiB memory.max"
#define PIDFD_IGNORED	"charge_pid_fd ignored: %s"

/* Charged while the buffer lives, to memory.current and "kernel". */
TEST_F(memcg, charge_and_uncharge)
{
	long before = cg_read(self->group, "memory.current");
	long kernel = cg_key(self->group, "memory.stat", "kernel");
	long rose;
	int fd = alloc_for(self->system, buf_len, 0);

	ASSERT_LE(0, fd);
	rose = cg_read(self->group, "memory.current") - before;
	if (!self->charging)
		SKIP(return, NO_CHARGE, rose / 1024, buf_len / 1024);
	ASSERT_LE(buf_len - slack(), rose);
	ASSERT_GE(buf_len + slack(), rose);
	ASSERT_LE(buf_len - slack(),
		  cg_key(self->group, "memory.stat", "kernel") - kernel);
	/* fdinfo: the bytes, and the group's path below the root. */
	ASSERT_EQ(buf_len, fdinfo_num(fd, "memcg_charged:\t"));
	ASSERT_TRUE(fdinfo_has(fd, strrchr(self->group, '/')));
	/* bufinfo, where debugfs is mounted: the same, absolute. */
	if (!access(BUFINFO, R_OK))
		ASSERT_TRUE(bufinfo_has(buf_len, strrchr(self->group, '/')));
	close(fd);
	ASSERT_GE(slack(), cg_read(self->group, "memory.current") - before);
}

/* Over memory.max: -ENOMEM, nothing left charged, nobody killed. */
TEST_F(memcg, limit_holds)
{
	long before = cg_read(self->group, "memory.current");
	char max[32];
	int fd;

	snprintf(max, sizeof(max), "%ld", before + buf_len);
	ASSERT_EQ(0, cg_write(self->group, "memory.max", max));
	fd = alloc_for(self->system, 2 * buf_len, 0);
	if (!self->charging) {
		ASSERT_LE(0, fd);
		close(fd);
		SKIP(return, NO_LIMIT, 2 * buf_len / 1024, (before + buf_len) / 1024);
	}
	ASSERT_EQ(-ENOMEM, fd);
	ASSERT_GE(slack(), cg_read(self->group, "memory.current") - before);
	ASSERT_EQ(0, cg_key(self->group, "memory.events", "oom_kill"));
	/* What fits still does. */
	fd = alloc_for(self->system, buf_len / 2, 0);
	ASSERT_LE(0, fd);
	close(fd);
}

/* A mapping keeps the buffer, and its charge, after close(). */
TEST_F(memcg, mmap_kept_after_close)
{
	long before = cg_read(self->group, "memory.current");
	int fd = alloc_for(self->system, buf_len, 0);
	char *map;

	ASSERT_LE(0, fd);
	map = mmap(NULL, buf_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, map);
	close(fd);
	memset(map, 0x5a, buf_len);
	if (!self->charging)
		SKIP(return, NO_CHARGE,
		     (cg_read(self->group, "memory.current") - before) / 1024,
		     buf_len / 1024);
	ASSERT_LE(buf_len - slack(), cg_read(self->group, "memory.current") - before);
	munmap(map, buf_len);
	ASSERT_GE(slack(), cg_read(self->group, "memory.current") - before);
}

/* A kernel importer's reference keeps the buffer, and its charge. */
TEST_F(memcg, kernel_import_keeps_the_charge)
{
	long before = cg_read(self->group, "memory.current");
	int ctl = open(DMABUF_TEST_EXPORTER_PATH, O_RDWR | O_CLOEXEC);
	long rose;
	int fd;

	if (ctl < 0)
		SKIP(return, "no test exporter at %s", DMABUF_TEST_EXPORTER_PATH);
	fd = alloc_for(self->system, buf_len, 0);
	ASSERT_LE(0, fd);
	/* The attachment, and its reference, last until ctl is closed. */
	ASSERT_EQ(0, test_attach(ctl, fd, 0));
	close(fd);
	rose = cg_read(self->group, "memory.current") - before;
	if (!self->charging) {
		close(ctl);
		SKIP(return, NO_CHARGE, rose / 1024, buf_len / 1024);
	}
	ASSERT_LE(buf_len - slack(), rose);
	close(ctl);
	ASSERT_GE(slack(), cg_read(self->group, "memory.current") - before);
}

/*
 * Passed to a process in another cgroup: the allocator's cgroup keeps the
 * charge until the receiver lets go, and the receiver's is not charged.
 */
TEST_F(memcg, fd_passing_charges_the_allocator)
{
	long before = cg_read(self->group, "memory.current");
	long other = cg_read(self->other, "memory.current");
	int sv[2], fd, status;
	char c;
	pid_t pid;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork_tied();
	ASSERT_LE(0, pid);
	if (!pid) {
		int got;

		if (cg_enter(self->other, getpid()))
			_exit(1);
		got = recv_fd(sv[1]);
		if (got < 0 || write(sv[1], "r", 1) != 1)
			_exit(2);
		/* Hold the buffer until told to drop it. */
		if (read(sv[1], &c, 1) != 1)
			_exit(3);
		close(got);
		_exit(write(sv[1], "d", 1) == 1 ? 0 : 4);
	}
	fd = alloc_for(self->system, buf_len, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, send_fd(sv[0], fd));
	ASSERT_EQ(1, read(sv[0], &c, 1));
	close(fd);
	if (!self->charging) {
		long rose = cg_read(self->group, "memory.current") - before;

		reap(pid);
		SKIP(return, NO_CHARGE, rose / 1024, buf_len / 1024);
	}
	ASSERT_LE(buf_len - slack(), cg_read(self->group, "memory.current") - before);
	ASSERT_GE(slack(), cg_read(self->other, "memory.current") - other);
	ASSERT_EQ(1, write(sv[0], "x", 1));
	ASSERT_EQ(1, read(sv[0], &c, 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_EQ(0, status);
	ASSERT_GE(slack(), cg_read(self->group, "memory.current") - before);
}

/* charge_pid_fd: the client's cgroup pays, the allocator's does not. */
TEST_F(memcg, charge_client_by_pidfd)
{
	long before = cg_read(self->group, "memory.current");
	long other = cg_read(self->other, "memory.current");
	pid_t client = idle_child(self->other);
	int pidfd, fd;
	long rose;

	ASSERT_LE(0, client);
	pidfd = pidfd_open(client);
	ASSERT_LE(0, pidfd);
	/* The child may not have moved itself yet. */
	ASSERT_EQ(0, cg_enter(self->other, client));
	fd = alloc_for(self->system, buf_len, pidfd);
	ASSERT_LE(0, fd);
	rose = cg_read(self->other, "memory.current") - other;
	if (!self->charging) {
		close(fd);
		reap(client);
		SKIP(return, PIDFD_IGNORED " (the client's cgroup rose by %ld KiB)",
		     "a pidfd", rose / 1024);
	}
	ASSERT_LE(buf_len - slack(), rose);
	ASSERT_GE(slack(), cg_read(self->group, "memory.current") - before);
	ASSERT_EQ(buf_len, fdinfo_num(fd, "memcg_charged:\t"));
	ASSERT_TRUE(fdinfo_has(fd, strrchr(self->other, '/')));
	/* The charge stays with the client's group after the client. */
	reap(client);
	ASSERT_LE(buf_len - slack(), cg_read(self->other, "memory.current") - other);
	close(fd);
	close(pidfd);
	ASSERT_GE(slack(), cg_read(self->other, "memory.current") - other);
}

/* Each bad charge_pid_fd: its errno, and no descriptor, no charge. */
TEST_F(memcg, bad_charge_pid_fd)
{
	long before = cg_read(self->group, "memory.current");
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	pid_t gone = fork_tied();
	int pidfd, closed, next;
	struct {
		const char *what;
		int fd;
		int err;
	} bad[4];
	unsigned int i;

	ASSERT_LE(0, null);
	ASSERT_LE(0, gone);
	if (!gone)
		_exit(0);
	pidfd = pidfd_open(gone);
	ASSERT_LE(0, pidfd);
	ASSERT_EQ(gone, waitpid(gone, NULL, 0));
	closed = dup(null);
	ASSERT_LE(0, closed);
	close(closed);

	bad[0] = (typeof(bad[0])){ "not a pidfd", null, -EBADF };
	bad[1] = (typeof(bad[0])){ "an exited process", pidfd, -ESRCH };
	bad[2] = (typeof(bad[0])){ "a closed descriptor", closed, -EBADF };
	bad[3] = (typeof(bad[0])){ "a negative descriptor", -1, -EBADF };
	next = next_fd();
	for (i = 0; i < 4; i++) {
		int fd = alloc_for(self->system, buf_len, bad[i].fd);

		if (!self->charging && fd >= 0) {
			close(fd);
			SKIP(return, PIDFD_IGNORED " allocated", bad[i].what);
		}
		EXPECT_EQ(bad[i].err, fd) TH_LOG("%s", bad[i].what);
	}
	ASSERT_EQ(next, next_fd());
	ASSERT_GE(slack(), cg_read(self->group, "memory.current") - before);
	close(null);
	close(pidfd);
}

/* The reserved word, and a length that overflows, with a good pidfd. */
TEST_F(memcg, bad_request_with_pidfd)
{
	int pidfd = pidfd_open(getpid());
	struct dma_heap_allocation_data req = {
		.len = buf_len,
		.fd_flags = O_RDWR,
		.charge_pid_fd = pidfd,
		.__padding = 1,
	};

	ASSERT_LE(0, pidfd);
	if (!self->charging) {
		int fd = alloc_req(self->system, &req);

		if (fd >= 0) {
			close(fd);
			SKIP(return, "__padding ignored: allocated");
		}
	}
	ASSERT_EQ(-EINVAL, alloc_req(self->system, &req));
	req.__padding = 0;
	req.len = ~0ull;
	ASSERT_EQ(-EINVAL, alloc_req(self->system, &req));
	ASSERT_EQ(0u, req.fd);
	/* Its own pidfd is the caller itself: allowed. */
	req.len = MiB;
	ASSERT_LE(0, alloc_req(self->system, &req));
	close(req.fd);
	close(pidfd);
}

/* A child that becomes user 65534, moves to @group, and says so. */
static pid_t nobody_in(const char *group)
{
	int ready[2];
	pid_t pid;
	char c;

	if (pipe(ready))
		return -1;
	pid = fork_tied();
	if (!pid) {
		close(ready[0]);
		/*
		 * Changing credentials made it undumpable and cleared its
		 * parent-death signal: undo both.
		 */
		if (cg_enter(group, getpid()) || setgid(65534) ||
		    setuid(65534) || prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) ||
		    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) ||
		    write(ready[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	if (pid > 0 && read(ready[0], &c, 1) != 1) {
		reap(pid);
		pid = -1;
	}
	close(ready[0]);
	return pid;
}

/*
 * Who may charge whom, for an unprivileged caller (user 65534, in the
 * case's group): a process of its own user in its own cgroup, yes; one
 * of its own user in another cgroup, no (it would escape its limit); one
 * of another user (root) in its own cgroup, no. Exit status: 0, or the
 * first check that went wrong.
 */
static int unprivileged_charges(int heap, pid_t same, pid_t elsewhere,
				pid_t root)
{
	int fd;

	if (setgid(65534) || setuid(65534))
		return 1;
	fd = alloc_for(heap, MiB, pidfd_open(same));
	if (fd < 0)
		return 2;
	fd = alloc_for(heap, MiB, pidfd_open(elsewhere));
	if (fd != -EPERM)
		return fd >= 0 ? 10 : 3;
	fd = alloc_for(heap, MiB, pidfd_open(root));
	if (fd != -EPERM)
		return fd >= 0 ? 10 : 4;
	return 0;
}

TEST_F(memcg, who_may_charge_whom)
{
	pid_t same, elsewhere, pid;
	int status;

	if (getuid())
		SKIP(return, "needs root to make unprivileged processes");
	same = nobody_in(self->group);
	ASSERT_LT(0, same);
	elsewhere = nobody_in(self->other);
	ASSERT_LT(0, elsewhere);
	pid = fork_tied();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(unprivileged_charges(self->system, same, elsewhere,
					   getppid()));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	reap(same);
	reap(elsewhere);
	if (!self->charging && WEXITSTATUS(status) == 10)
		SKIP(return, PIDFD_IGNORED, "a pidfd it may not charge allocated");
	ASSERT_EQ(0, WEXITSTATUS(status));
}

/* CMA heaps charge nothing: their memory was set aside at boot. */
TEST_F(memcg, cma_heaps_not_charged)
{
	long before = cg_read(self->group, "memory.current");
	DIR *dir = opendir(HEAPS);
	struct dirent *de;
	unsigned int heaps = 0;

	ASSERT_NE(NULL, dir);
	while ((de = readdir(dir))) {
		int heap, fd;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "system"))
			continue;
		heap = openat(dirfd(dir), de->d_name, O_RDONLY | O_CLOEXEC);
		ASSERT_LE(0, heap);
		fd = alloc_for(heap, 4 * MiB, 0);
		close(heap);
		if (fd < 0)	/* a region smaller than 4 MiB */
			continue;
		EXPECT_GE(slack(), cg_read(self->group, "memory.current") -
				   before) TH_LOG("heap %s", de->d_name);
		close(fd);
		heaps++;
	}
	closedir(dir);
	if (!heaps)
		SKIP(return, "no CMA heap with 4 MiB free");
}

/* udmabuf: the memfd's pages are charged once, when they are touched. */
TEST_F(memcg, udmabuf_charged_once)
{
	/* Within udmabuf's default size limit (64 MiB). */
	const long len = 32 * MiB;
	struct udmabuf_create create = { .size = len };
	int memfd, dev, buf;
	long before, touched;
	char *map;

	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		SKIP(return, "no /dev/udmabuf");
	before = cg_read(self->group, "memory.current");
	memfd = memfd_create("memcg", MFD_ALLOW_SEALING);
	ASSERT_LE(0, memfd);
	ASSERT_EQ(0, ftruncate(memfd, len));
	map = mmap(NULL, len, PROT_WRITE, MAP_SHARED, memfd, 0);
	ASSERT_NE(MAP_FAILED, map);
	memset(map, 1, len);
	munmap(map, len);
	touched = cg_read(self->group, "memory.current");
	ASSERT_LE(len - slack(), touched - before);
	ASSERT_EQ(0, fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK));
	create.memfd = memfd;
	buf = ioctl(dev, UDMABUF_CREATE, &create);
	ASSERT_LE(0, buf);
	ASSERT_GE(slack(), cg_read(self->group, "memory.current") - touched);
	close(buf);
	close(memfd);
	close(dev);
}

TEST_HARNESS_MAIN

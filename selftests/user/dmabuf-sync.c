// SPDX-License-Identifier: GPL-2.0
/*
 * dmabuf-sync: the user space contract of sync_file and sw_sync.
 *
 * Each case is a test of the sw_sync fixture, named after the behaviour
 * it checks, and runs in a process of its own with a timeline of its own.
 * Only what the ABI promises is asserted, so the program passes on any
 * kernel that keeps it. Needs CONFIG_SW_SYNC, debugfs at /sys/kernel/debug
 * and root (to open the debugfs files and raise the file limit); without
 * them every case is skipped.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>

/* kselftest_harness.h's SIGALRM handler leaves a parameter unused. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "../kselftest_harness.h"
#pragma GCC diagnostic pop

#include "sw-sync-abi.h"
#include "dmabuf-util.h"

struct sw_sync_get_deadline {
	__u64 deadline_ns;
	__u32 pad;
	__s32 fence_fd;
};

#define SW_SYNC_GET_DEADLINE \
	_IOWR(SW_SYNC_IOC_MAGIC, 2, struct sw_sync_get_deadline)

/* The ABI, fixed for user space on x86_64 and every other 64-bit arch. */
static_assert(sizeof(struct sw_sync_create_fence_data) == 40, "abi");
static_assert(sizeof(struct sw_sync_get_deadline) == 16, "abi");
static_assert(sizeof(struct sync_merge_data) == 48, "abi");
static_assert(sizeof(struct sync_fence_info) == 80, "abi");
static_assert(sizeof(struct sync_file_info) == 56, "abi");
static_assert(sizeof(struct sync_set_deadline) == 16, "abi");
static_assert(SW_SYNC_IOC_CREATE_FENCE == 0xc0285700, "abi");
static_assert(SW_SYNC_IOC_INC == 0x40045701, "abi");
static_assert(SW_SYNC_GET_DEADLINE == 0xc0105702, "abi");
static_assert(SYNC_IOC_MERGE == 0xc0303e03, "abi");
static_assert(SYNC_IOC_FILE_INFO == 0xc0383e04, "abi");
static_assert(SYNC_IOC_SET_DEADLINE == 0x40103e05, "abi");

#define SYNC_INFO_PATH	"/sys/kernel/debug/sync/info"

/* errno of a failed call, 0 for success: ASSERT_EQ(X, fails(ioctl(...))) */
static int fails(long ret)
{
	return ret < 0 ? errno : 0;
}

static int timeline_open(void)
{
	return open(SW_SYNC_PATH, O_RDWR);
}

/*
 * What every case starts from: a timeline of its own (without one, sw_sync
 * is missing or we are not root, and the case is skipped), and the slot
 * for a process the case forks, which the teardown kills should the case
 * end before it reaped it.
 */
FIXTURE(sw_sync) {
	int tl;
	pid_t child;
};

FIXTURE_SETUP(sw_sync)
{
	self->child = 0;
	self->tl = timeline_open();
	if (self->tl < 0) {
		int err = errno;

		SKIP(return, "%s: %s (CONFIG_SW_SYNC, debugfs, root?)",
		     SW_SYNC_PATH, strerror(err));
	}
}

FIXTURE_TEARDOWN(sw_sync)
{
	if (self->child > 0) {
		kill(self->child, SIGKILL);
		waitpid(self->child, NULL, 0);
	}
}

/*
 * Reap the case's child: its exit code, or -1 if it did not exit
 * normally. The slot is cleared once the child is gone.
 */
static int reap(pid_t *child)
{
	int status;

	if (waitpid(*child, &status, 0) != *child)
		return -1;
	*child = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int merge(int a, int b, const char *name)
{
	struct sync_merge_data req = { .fd2 = b };

	snprintf(req.name, sizeof(req.name), "%s", name);
	if (ioctl(a, SYNC_IOC_MERGE, &req))
		return -1;
	return req.fence;
}

/* The one fence of a single-fence file, or a status of INT_MIN. */
static struct sync_fence_info only_fence(int fd)
{
	struct sync_fence_info fence = { .status = INT_MIN };
	struct sync_file_info info;

	if (file_info(fd, &info, &fence, 1) || info.num_fences != 1)
		fence.status = INT_MIN;
	return fence;
}

static int set_deadline(int fd, __u64 ns)
{
	struct sync_set_deadline req = { .deadline_ns = ns };

	return ioctl(fd, SYNC_IOC_SET_DEADLINE, &req);
}

/* 0 with the deadline in @ns, or the errno of SW_SYNC_GET_DEADLINE. */
static int get_deadline(int tl, int fence, __u64 *ns)
{
	struct sw_sync_get_deadline req = { .fence_fd = fence };

	if (ioctl(tl, SW_SYNC_GET_DEADLINE, &req))
		return errno;
	*ns = req.deadline_ns;
	return 0;
}

/* poll() one descriptor; returns poll's result, events in @revents. */
static int poll_one(int fd, int timeout_ms, short *revents)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int ret = poll(&p, 1, timeout_ms);

	*revents = p.revents;
	return ret;
}

static bool is_sync_file(int fd)
{
	char path[64], target[64];
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	len = readlink(path, target, sizeof(target) - 1);
	if (len < 0)
		return false;
	target[len] = '\0';
	return !strcmp(target, "anon_inode:sync_file");
}

/* A descriptor of an unlinked regular file, or -1. */
static int regular_file(void)
{
	char path[] = "/tmp/dmabuf-sync-XXXXXX";
	int fd = mkstemp(path);

	if (fd >= 0)
		unlink(path);
	return fd;
}

static char *read_info(void)
{
	return read_whole(SYNC_INFO_PATH);
}

static bool write_whole(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	close(fd);
	return ok;
}

/* Does info contain @needle? */
static bool info_has(const char *needle)
{
	char *info = read_info();
	bool found = info && strstr(info, needle);

	free(info);
	return found;
}

/* Single-letter process state from /proc/PID/stat, or '?'. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *paren;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	paren = strrchr(buf, ')');
	return paren && paren[1] == ' ' ? paren[2] : '?';
}

/*
 * Fork a child that waits until this process sleeps (so it is blocked in
 * poll), then advances @tl by @by. Returns the child's pid, or -1.
 */
static pid_t advance_once_parent_sleeps(int tl, __u32 by)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	int i;

	if (pid)
		return pid;
	for (i = 0; i < 1000 && proc_state(parent) != 'S'; i++)
		sleep_ms(10);
	sleep_ms(50);
	_exit(advance(tl, by) ? 1 : 0);
}

/* ---------------------------------------------------------------------- */
/* sw_sync: timelines and points */

TEST_F(sw_sync, timeline_is_named_after_opener_comm)
{
	int tl = self->tl;
	int fd = point(tl, 1);
	struct sync_fence_info f = only_fence(fd);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, f.status);
	ASSERT_STREQ(my_comm(), f.obj_name);
	ASSERT_STREQ("sw_sync", f.driver_name);
	ASSERT_EQ(0u, f.flags);
}

TEST_F(sw_sync, create_fence_returns_cloexec_sync_file)
{
	struct sw_sync_create_fence_data req = { .value = 3, .name = "kept" };
	int tl = self->tl;

	ASSERT_EQ(0, ioctl(tl, SW_SYNC_IOC_CREATE_FENCE, &req));
	ASSERT_LT(2, req.fence);
	ASSERT_TRUE(is_sync_file(req.fence));
	ASSERT_TRUE(cloexec(req.fence));
	ASSERT_EQ(3u, req.value);
	ASSERT_STREQ("kept", req.name);
}

TEST_F(sw_sync, create_fence_bad_pointer_efault_without_fd_leak)
{
	int tl = self->tl;
	int before = next_fd();

	ASSERT_EQ(EFAULT, fails(ioctl(tl, SW_SYNC_IOC_CREATE_FENCE, NULL)));
	ASSERT_EQ(EFAULT,
		  fails(ioctl(tl, SW_SYNC_IOC_CREATE_FENCE, (void *)8)));
	ASSERT_EQ(before, next_fd());
}

/* The copy back fails after the point and its file were made. */
TEST_F(sw_sync, create_fence_readonly_arg_efault_without_leak)
{
	struct sw_sync_create_fence_data *req;
	char line[64];
	int tl = self->tl;
	int before = next_fd();
	int err;

	req = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, req);
	req->value = 777001;
	ASSERT_EQ(0, mprotect(req, 4096, PROT_READ));
	err = fails(ioctl(tl, SW_SYNC_IOC_CREATE_FENCE, req));
	munmap(req, 4096);
	ASSERT_EQ(EFAULT, err);
	ASSERT_EQ(before, next_fd());
	/* and the point went away with the file */
	snprintf(line, sizeof(line), "  fence active: %d /", 777001);
	ASSERT_FALSE(info_has(line));
}

TEST_F(sw_sync, point_at_reached_value_is_signaled_at_once)
{
	int tl = self->tl;
	__u64 t0 = now_ns();
	int fd = point(tl, 0);
	struct sync_fence_info f = only_fence(fd);

	ASSERT_LE(0, fd);
	ASSERT_EQ(1, f.status);
	ASSERT_LE(t0, f.timestamp_ns);
	ASSERT_GE(now_ns(), f.timestamp_ns);
	ASSERT_EQ(1, file_status(fd));
}

/* Values compare modulo 2^32: 2^31 or more ahead counts as passed. */
TEST_F(sw_sync, point_2_31_or_more_ahead_counts_as_passed)
{
	int tl = self->tl;
	int near = point(tl, 0x7fffffff);
	int far = point(tl, 0x80000000);
	int last = point(tl, 0xffffffff);

	ASSERT_LE(0, near);
	ASSERT_LE(0, far);
	ASSERT_LE(0, last);
	ASSERT_EQ(0, file_status(near));
	ASSERT_EQ(1, file_status(far));
	ASSERT_EQ(1, file_status(last));
}

/* A pending value asked for twice is one fence: deadlines show it. */
TEST_F(sw_sync, same_pending_value_shares_one_fence)
{
	int tl = self->tl;
	int a = point(tl, 9);
	int b = point(tl, 9);
	__u64 ns = 0;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_NE(b, a);
	ASSERT_EQ(0, set_deadline(a, 123456789));
	ASSERT_EQ(0, get_deadline(tl, b, &ns));
	ASSERT_EQ(123456789ull, ns);
}

TEST_F(sw_sync, inc_signals_points_up_to_counter)
{
	int tl = self->tl;
	int one = point(tl, 1), two = point(tl, 2), three = point(tl, 3);
	__u64 t0, t1;
	struct sync_fence_info f;

	ASSERT_LE(0, one);
	ASSERT_LE(0, two);
	ASSERT_LE(0, three);
	ASSERT_EQ(0, file_status(one));
	ASSERT_EQ(0ull, only_fence(one).timestamp_ns);
	t0 = now_ns();
	ASSERT_EQ(0, advance(tl, 2));
	t1 = now_ns();
	f = only_fence(two);
	ASSERT_EQ(1, f.status);
	ASSERT_LE(t0, f.timestamp_ns);
	ASSERT_GE(t1, f.timestamp_ns);
	ASSERT_EQ(1, file_status(one));
	ASSERT_EQ(0, file_status(three));
	ASSERT_EQ(0ull, only_fence(three).timestamp_ns);
	ASSERT_EQ(0, advance(tl, 1));
	ASSERT_EQ(1, file_status(three));
}

TEST_F(sw_sync, inc_by_zero_signals_nothing)
{
	int tl = self->tl;
	int fd = point(tl, 1);

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, advance(tl, 0));
	ASSERT_EQ(0, file_status(fd));
}

TEST_F(sw_sync, inc_bad_pointer_efault)
{
	int tl = self->tl;

	ASSERT_EQ(EFAULT, fails(ioctl(tl, SW_SYNC_IOC_INC, NULL)));
}

/*
 * Older kernels accept increments above INT_MAX, so rejecting them would
 * break userspace. They are applied in INT_MAX-sized steps, so that no
 * point is jumped over.
 */
TEST_F(sw_sync, inc_above_int_max_is_applied_in_steps)
{
	int tl = self->tl;
	int low = point(tl, 1);
	int high = point(tl, 0x7fffffff);
	int mid;

	ASSERT_LE(0, low);
	ASSERT_LE(0, high);
	ASSERT_EQ(0, advance(tl, 0x7fffffff));	/* counter 0x7fffffff */
	ASSERT_EQ(1, file_status(high));
	mid = point(tl, 0x80000000);
	ASSERT_LE(0, mid);
	ASSERT_EQ(0, file_status(mid));
	ASSERT_EQ(0, advance(tl, 0xffffffff));	/* counter 0x7ffffffe */
	ASSERT_EQ(1, file_status(mid));
	ASSERT_EQ(1, file_status(low));

	close(tl);
	tl = timeline_open();
	ASSERT_LE(0, tl);
	low = point(tl, 1);
	mid = point(tl, 0x40000000);
	ASSERT_LE(0, low);
	ASSERT_LE(0, mid);
	ASSERT_EQ(0, advance(tl, 0xffffffff));
	ASSERT_EQ(1, file_status(low));
	ASSERT_EQ(1, file_status(mid));
}

TEST_F(sw_sync, inc_across_2_32_wraps_around)
{
	int tl = self->tl;
	int before, after;

	ASSERT_EQ(0, advance(tl, 0xfffffff0));
	before = point(tl, 0xfffffff8);
	after = point(tl, 8);	/* 24 ahead, past the wrap */
	ASSERT_LE(0, before);
	ASSERT_LE(0, after);
	ASSERT_EQ(0, file_status(before));
	ASSERT_EQ(0, file_status(after));
	ASSERT_EQ(0, advance(tl, 0x10));	/* counter 0 */
	ASSERT_EQ(1, file_status(before));
	ASSERT_EQ(0, file_status(after));
	ASSERT_EQ(0, advance(tl, 8));
	ASSERT_EQ(1, file_status(after));
}

TEST_F(sw_sync, timeline_unknown_ioctl_enotty)
{
	struct sync_file_info info = { 0 };
	struct sync_merge_data merge = { .fd2 = -1 };
	int tl = self->tl;

	ASSERT_EQ(ENOTTY, fails(ioctl(tl, _IO(SW_SYNC_IOC_MAGIC, 3))));
	ASSERT_EQ(ENOTTY,
		  fails(ioctl(tl, _IOWR(SW_SYNC_IOC_MAGIC, 0, __u32), NULL)));
	/* a timeline is not a sync_file */
	ASSERT_EQ(ENOTTY, fails(ioctl(tl, SYNC_IOC_FILE_INFO, &info)));
	ASSERT_EQ(ENOTTY, fails(ioctl(tl, SYNC_IOC_MERGE, &merge)));
}

/* A small xorshift: the same shuffles on every run. */
static __u32 rnd(void)
{
	static __u32 x = 2463534242u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

static void shuffle(__u32 *v, unsigned int n)
{
	unsigned int i;

	for (i = n - 1; i > 0; i--) {
		unsigned int j = rnd() % (i + 1);
		__u32 t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
}

/* Points made in random order; random steps complete exactly a prefix. */
TEST_F(sw_sync, inc_signals_exactly_the_reached_points)
{
	enum { N = 256 };
	__u32 values[N];
	int fds[N + 1];
	__u32 counter = 0, v;
	int tl = self->tl;

	for (v = 0; v < N; v++)
		values[v] = v + 1;
	shuffle(values, N);
	for (v = 0; v < N; v++) {
		fds[values[v]] = point(tl, values[v]);
		ASSERT_LE(0, fds[values[v]]);
	}
	while (counter < N) {
		__u32 step = 1 + rnd() % 40;

		ASSERT_EQ(0, advance(tl, step));
		counter += step;
		for (v = 1; v <= N; v++)
			ASSERT_EQ(v <= counter, file_status(fds[v]));
	}
}

/*
 * Many pending points, made in random order, completed by one increment:
 * completion times must not go backwards along the seqnos.
 */
#define MANY_POINTS 20000
static __u32 many_values[MANY_POINTS];
static int many_fds[MANY_POINTS + 1];

/* Some 12 s on a KASAN kernel under TCG: a margin over the default 30 s. */
TEST_F_TIMEOUT(sw_sync, inc_over_many_points_signals_in_seqno_order, 180)
{
	unsigned int n = MANY_POINTS, i;
	__u64 t0, t1, prev = 0;
	struct rlimit lim;
	int tl = self->tl;

	/* one descriptor per point */
	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < n + 64) {
		struct rlimit want = { n + 64, n + 64 };

		if (lim.rlim_max > want.rlim_max)
			want.rlim_max = lim.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &want))
			n = lim.rlim_cur > 128 ? lim.rlim_cur - 64 : 64;
	}
	for (i = 0; i < n; i++)
		many_values[i] = i + 1;
	shuffle(many_values, n);

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		many_fds[many_values[i]] = point(tl, many_values[i]);
		ASSERT_LE(0, many_fds[many_values[i]]);
	}
	t1 = now_ns();
	TH_LOG("%u points made in %llu ms", n,
	       (unsigned long long)(t1 - t0) / 1000000);

	t0 = now_ns();
	ASSERT_EQ(0, advance(tl, n));
	t1 = now_ns();
	TH_LOG("%u points signalled in %llu ms", n,
	       (unsigned long long)(t1 - t0) / 1000000);

	for (i = 1; i <= n; i++) {
		struct sync_fence_info f = only_fence(many_fds[i]);

		ASSERT_EQ(1, f.status);
		ASSERT_LE(t0, f.timestamp_ns);
		ASSERT_GE(t1, f.timestamp_ns);
		ASSERT_LE(prev, f.timestamp_ns);
		prev = f.timestamp_ns;
	}
}

TEST_F(sw_sync, closing_timeline_signals_pending_with_enoent)
{
	int tl = self->tl;
	int done = point(tl, 1), pending = point(tl, 5);
	struct sync_fence_info f;
	__u64 t0;
	short ev;

	ASSERT_LE(0, done);
	ASSERT_LE(0, pending);
	ASSERT_EQ(0, advance(tl, 1));
	t0 = now_ns();
	ASSERT_EQ(0, close(tl));
	ASSERT_EQ(-ENOENT, file_status(pending));
	f = only_fence(pending);
	ASSERT_EQ(-ENOENT, f.status);
	ASSERT_LE(t0, f.timestamp_ns);
	ASSERT_GE(now_ns(), f.timestamp_ns);
	ASSERT_EQ(1, poll_one(pending, 0, &ev));
	ASSERT_EQ(POLLIN, ev);
	ASSERT_EQ(1, file_status(done));
}

/* ---------------------------------------------------------------------- */
/* deadlines */

TEST_F(sw_sync, get_deadline_without_one_set_enoent)
{
	int tl = self->tl;
	int fd = point(tl, 1);
	__u64 ns;

	ASSERT_LE(0, fd);
	ASSERT_EQ(ENOENT, get_deadline(tl, fd, &ns));
}

TEST_F(sw_sync, get_deadline_reports_earliest_set)
{
	int tl = self->tl;
	int fd = point(tl, 1);
	__u64 base = now_ns(), ns = 0;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_deadline(fd, base + 3 * NSEC_PER_SEC));
	ASSERT_EQ(0, get_deadline(tl, fd, &ns));
	ASSERT_EQ(base + 3 * NSEC_PER_SEC, ns);
	ASSERT_EQ(0, set_deadline(fd, base + 5 * NSEC_PER_SEC));
	ASSERT_EQ(0, get_deadline(tl, fd, &ns));
	ASSERT_EQ(base + 3 * NSEC_PER_SEC, ns);
	ASSERT_EQ(0, set_deadline(fd, base + NSEC_PER_SEC));
	ASSERT_EQ(0, get_deadline(tl, fd, &ns));
	ASSERT_EQ(base + NSEC_PER_SEC, ns);
	/* one in the past is kept as it is */
	ASSERT_EQ(0, set_deadline(fd, 1000));
	ASSERT_EQ(0, get_deadline(tl, fd, &ns));
	ASSERT_EQ(1000ull, ns);
}

TEST_F(sw_sync, get_deadline_works_through_any_timeline)
{
	int tl = self->tl, other = timeline_open();
	int fd = point(tl, 1);
	__u64 ns = 0;

	ASSERT_LE(0, fd);
	ASSERT_LE(0, other);
	ASSERT_EQ(0, set_deadline(fd, 42));
	ASSERT_EQ(0, get_deadline(other, fd, &ns));
	ASSERT_EQ(42ull, ns);
}

TEST_F(sw_sync, get_deadline_nonzero_input_einval)
{
	int tl = self->tl;
	int fd = point(tl, 1);
	struct sw_sync_get_deadline req = { .fence_fd = fd };

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, set_deadline(fd, 42));
	req.deadline_ns = 1;
	ASSERT_EQ(EINVAL, fails(ioctl(tl, SW_SYNC_GET_DEADLINE, &req)));
	req.deadline_ns = 0;
	req.pad = 1;
	ASSERT_EQ(EINVAL, fails(ioctl(tl, SW_SYNC_GET_DEADLINE, &req)));
}

TEST_F(sw_sync, get_deadline_of_non_sw_sync_fd_einval)
{
	int tl = self->tl, tl2 = timeline_open();
	int a = point(tl, 1), b = point(tl2, 1);
	int merged = merge(a, b, "pair");
	int file = regular_file();
	int pipefd[2];
	__u64 ns;

	ASSERT_LE(0, merged);
	ASSERT_LE(0, file);
	ASSERT_EQ(0, pipe(pipefd));
	ASSERT_EQ(0, set_deadline(merged, 42));
	ASSERT_EQ(EINVAL, get_deadline(tl, merged, &ns));
	ASSERT_EQ(EINVAL, get_deadline(tl, pipefd[0], &ns));
	ASSERT_EQ(EINVAL, get_deadline(tl, file, &ns));
	ASSERT_EQ(EINVAL, get_deadline(tl, tl2, &ns));
	ASSERT_EQ(EINVAL, get_deadline(tl, -1, &ns));
	ASSERT_EQ(EINVAL, get_deadline(tl, 100000, &ns));
}

TEST_F(sw_sync, get_deadline_bad_pointer_efault)
{
	int tl = self->tl;

	ASSERT_EQ(EFAULT, fails(ioctl(tl, SW_SYNC_GET_DEADLINE, NULL)));
}

TEST_F(sw_sync, set_deadline_on_signaled_fence_is_ignored)
{
	int tl = self->tl;
	int fd = point(tl, 1);
	__u64 ns;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, advance(tl, 1));
	ASSERT_EQ(0, set_deadline(fd, 42));
	ASSERT_EQ(ENOENT, get_deadline(tl, fd, &ns));
}

TEST_F(sw_sync, set_deadline_on_merged_fence_reaches_members)
{
	int tl = self->tl, tl2 = timeline_open();
	int a = point(tl, 1), b = point(tl2, 1);
	int merged = merge(a, b, "pair");
	__u64 ns = 0;

	ASSERT_LE(0, merged);
	ASSERT_EQ(0, set_deadline(merged, 4242));
	ASSERT_EQ(0, get_deadline(tl, a, &ns));
	ASSERT_EQ(4242ull, ns);
	ASSERT_EQ(0, get_deadline(tl, b, &ns));
	ASSERT_EQ(4242ull, ns);
}

TEST_F(sw_sync, set_deadline_bad_input)
{
	int tl = self->tl;
	int fd = point(tl, 1);
	struct sync_set_deadline req = { .deadline_ns = 1, .pad = 1 };

	ASSERT_LE(0, fd);
	ASSERT_EQ(EINVAL, fails(ioctl(fd, SYNC_IOC_SET_DEADLINE, &req)));
	ASSERT_EQ(EFAULT, fails(ioctl(fd, SYNC_IOC_SET_DEADLINE, NULL)));
}

/* ---------------------------------------------------------------------- */
/* SYNC_IOC_FILE_INFO */

TEST_F(sw_sync, file_info_count_query_reports_name_and_count)
{
	int tl = self->tl;
	int fd = point(tl, 5);
	struct sync_file_info info;
	char prefix[64];
	size_t len;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, file_info(fd, &info, NULL, 0));
	ASSERT_EQ(1u, info.num_fences);
	ASSERT_EQ(0, info.status);
	ASSERT_EQ(0u, info.flags);
	/* "driver-timeline" then the fence context, "-", the seqno */
	snprintf(prefix, sizeof(prefix), "sw_sync-%s", my_comm());
	ASSERT_FALSE(strncmp(info.name, prefix, strlen(prefix)));
	len = strlen(info.name);
	ASSERT_LT(2u, len);
	ASSERT_STREQ("-5", info.name + len - 2);
}

/* Ask for the count, then fetch that many entries. */
TEST_F(sw_sync, file_info_two_calls_fill_every_fence)
{
	int tl = self->tl, tl2 = timeline_open();
	int a = point(tl, 1), b = point(tl2, 2);
	int merged = merge(a, b, "two-calls");
	struct sync_fence_info fences[2];
	struct sync_file_info info;
	__u64 t0, t1;
	unsigned int i;

	ASSERT_LE(0, merged);
	ASSERT_EQ(0, file_info(merged, &info, NULL, 0));
	ASSERT_EQ(2u, info.num_fences);
	ASSERT_EQ(0, info.status);
	ASSERT_STREQ("two-calls", info.name);

	memset(fences, 0xa5, sizeof(fences));
	ASSERT_EQ(0, file_info(merged, &info, fences, info.num_fences));
	ASSERT_EQ(2u, info.num_fences);
	ASSERT_EQ(0, info.status);
	for (i = 0; i < 2; i++) {
		ASSERT_STREQ(my_comm(), fences[i].obj_name);
		ASSERT_STREQ("sw_sync", fences[i].driver_name);
		ASSERT_EQ(0, fences[i].status);
		ASSERT_EQ(0u, fences[i].flags);
		ASSERT_EQ(0ull, fences[i].timestamp_ns);
	}

	t0 = now_ns();
	ASSERT_EQ(0, advance(tl, 1));
	ASSERT_EQ(0, advance(tl2, 2));
	t1 = now_ns();
	ASSERT_EQ(0, file_info(merged, &info, fences, 2));
	ASSERT_EQ(1, info.status);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(1, fences[i].status);
		ASSERT_LE(t0, fences[i].timestamp_ns);
		ASSERT_GE(t1, fences[i].timestamp_ns);
	}
}

TEST_F(sw_sync, file_info_bigger_buffer_reports_real_count)
{
	int tl = self->tl;
	int fd = point(tl, 1);
	struct sync_fence_info fences[8];
	struct sync_file_info info;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, file_info(fd, &info, fences, 8));
	ASSERT_EQ(1u, info.num_fences);
}

TEST_F(sw_sync, file_info_short_buffer_einval)
{
	int t1 = self->tl, t2 = timeline_open(), t3 = timeline_open();
	int ab = merge(point(t1, 1), point(t2, 1), "ab");
	int abc = merge(ab, point(t3, 1), "abc");
	struct sync_fence_info fences[3];
	struct sync_file_info info;

	ASSERT_LE(0, abc);
	ASSERT_EQ(3, file_count(abc));
	ASSERT_EQ(EINVAL, fails(file_info(abc, &info, fences, 2)));
	ASSERT_EQ(EINVAL, fails(file_info(abc, &info, fences, 1)));
	ASSERT_EQ(0, file_info(abc, &info, fences, 3));
}

TEST_F(sw_sync, file_info_nonzero_flags_or_pad_einval)
{
	int tl = self->tl;
	int fd = point(tl, 1);
	struct sync_file_info info = { .flags = 1 };

	ASSERT_LE(0, fd);
	ASSERT_EQ(EINVAL, fails(ioctl(fd, SYNC_IOC_FILE_INFO, &info)));
	memset(&info, 0, sizeof(info));
	info.pad = 1;
	ASSERT_EQ(EINVAL, fails(ioctl(fd, SYNC_IOC_FILE_INFO, &info)));
}

TEST_F(sw_sync, file_info_bad_pointers_efault)
{
	int tl = self->tl;
	int fd = point(tl, 1);
	struct sync_file_info info;

	ASSERT_LE(0, fd);
	ASSERT_EQ(EFAULT, fails(ioctl(fd, SYNC_IOC_FILE_INFO, NULL)));
	ASSERT_EQ(EFAULT, fails(file_info(fd, &info, NULL, 1)));
	ASSERT_EQ(EFAULT, fails(file_info(fd, &info, (void *)8, 1)));
}

/*
 * The whole-file status (num_fences == 0) is that of the merged fence,
 * pending while any member is. ABI: with entries requested, user space
 * sees the member states folded in order instead: the first member at or
 * below zero sets it. Members are ordered by fence context, i.e. by
 * timeline age.
 */
TEST_F(sw_sync, file_info_status_of_errored_merge)
{
	int older = self->tl, newer = timeline_open();
	int a = point(older, 1), b = point(newer, 1);
	int merged = merge(a, b, "err");
	struct sync_fence_info fences[2];
	struct sync_file_info info;

	ASSERT_LE(0, merged);
	ASSERT_EQ(0, close(older));
	ASSERT_EQ(0, file_status(merged));
	ASSERT_EQ(0, file_info(merged, &info, fences, 2));
	ASSERT_EQ(-ENOENT, fences[0].status);
	ASSERT_EQ(0, fences[1].status);
	ASSERT_EQ(-ENOENT, info.status);
}

/* ---------------------------------------------------------------------- */
/* SYNC_IOC_MERGE */

TEST_F(sw_sync, merge_returns_named_cloexec_sync_file)
{
	int tl = self->tl, tl2 = timeline_open();
	int a = point(tl, 1), b = point(tl2, 1);
	struct sync_merge_data req = { .name = "joined", .fd2 = b };
	struct sync_file_info info;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, ioctl(a, SYNC_IOC_MERGE, &req));
	ASSERT_LT(2, req.fence);
	ASSERT_NE(a, req.fence);
	ASSERT_NE(b, req.fence);
	ASSERT_TRUE(is_sync_file(req.fence));
	ASSERT_TRUE(cloexec(req.fence));
	ASSERT_EQ(0, file_info(req.fence, &info, NULL, 0));
	ASSERT_STREQ("joined", info.name);
	ASSERT_EQ(2u, info.num_fences);
	/* the inputs stay valid on their own */
	ASSERT_EQ(1, file_count(a));
	ASSERT_EQ(1, file_count(b));
}

TEST_F(sw_sync, merge_name_is_truncated_to_31_chars)
{
	int tl = self->tl;
	int a = point(tl, 1);
	struct sync_merge_data req = { .fd2 = a };
	struct sync_file_info info;

	memset(req.name, 'x', sizeof(req.name));
	ASSERT_EQ(0, ioctl(a, SYNC_IOC_MERGE, &req));
	ASSERT_EQ(0, file_info(req.fence, &info, NULL, 0));
	ASSERT_EQ(31u, strlen(info.name));
}

TEST_F(sw_sync, merge_nonzero_flags_or_pad_einval)
{
	int tl = self->tl;
	int a = point(tl, 1);
	struct sync_merge_data req = { .fd2 = a, .flags = 1 };
	int before = next_fd();

	ASSERT_EQ(EINVAL, fails(ioctl(a, SYNC_IOC_MERGE, &req)));
	req.flags = 0;
	req.pad = 1;
	ASSERT_EQ(EINVAL, fails(ioctl(a, SYNC_IOC_MERGE, &req)));
	ASSERT_EQ(before, next_fd());
}

TEST_F(sw_sync, merge_with_non_sync_file_enoent)
{
	int tl = self->tl;
	int a = point(tl, 1);
	int file = regular_file();
	int before, pipefd[2];

	ASSERT_LE(0, a);
	ASSERT_LE(0, file);
	ASSERT_EQ(0, pipe(pipefd));
	before = next_fd();
	ASSERT_EQ(ENOENT, fails(merge(a, pipefd[0], "m")));
	ASSERT_EQ(ENOENT, fails(merge(a, file, "m")));
	ASSERT_EQ(ENOENT, fails(merge(a, tl, "m")));
	ASSERT_EQ(ENOENT, fails(merge(a, -1, "m")));
	ASSERT_EQ(ENOENT, fails(merge(a, 100000, "m")));
	ASSERT_EQ(before, next_fd());
}

TEST_F(sw_sync, merge_bad_pointer_efault_without_fd_leak)
{
	int tl = self->tl;
	int a = point(tl, 1);
	struct sync_merge_data *req;
	int before = next_fd(), err;

	ASSERT_EQ(EFAULT, fails(ioctl(a, SYNC_IOC_MERGE, NULL)));
	ASSERT_EQ(before, next_fd());

	/* readable but not writable: fails copying the result back */
	req = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, req);
	req->fd2 = a;
	ASSERT_EQ(0, mprotect(req, 4096, PROT_READ));
	err = fails(ioctl(a, SYNC_IOC_MERGE, req));
	munmap(req, 4096);
	ASSERT_EQ(EFAULT, err);
	ASSERT_EQ(before, next_fd());
}

TEST_F(sw_sync, merge_same_timeline_keeps_later_point)
{
	int tl = self->tl;
	int early = point(tl, 5), late = point(tl, 10);
	int m1 = merge(early, late, "el"), m2 = merge(late, early, "le");

	ASSERT_LE(0, m1);
	ASSERT_LE(0, m2);
	ASSERT_EQ(1, file_count(m1));
	ASSERT_EQ(1, file_count(m2));
	ASSERT_EQ(0, advance(tl, 5));
	ASSERT_EQ(1, file_status(early));
	ASSERT_EQ(0, file_status(m1));
	ASSERT_EQ(0, file_status(m2));
	ASSERT_EQ(0, advance(tl, 5));
	ASSERT_EQ(1, file_status(m1));
	ASSERT_EQ(1, file_status(m2));
}

TEST_F(sw_sync, merge_with_itself_is_one_fence)
{
	int tl = self->tl;
	int a = point(tl, 1);
	int m = merge(a, a, "self");

	ASSERT_LE(0, m);
	ASSERT_EQ(1, file_count(m));
}

/* Merging merged files gives a flat set, one fence per timeline. */
TEST_F(sw_sync, merge_of_merges_flattens)
{
	int ta = self->tl, tb = timeline_open(), tc = timeline_open();
	int m1 = merge(point(ta, 1), point(tb, 1), "ab");
	int m2 = merge(point(tb, 2), point(tc, 1), "bc");
	int all = merge(m1, m2, "abc");
	struct sync_fence_info fences[3];
	struct sync_file_info info;

	ASSERT_LE(0, all);
	ASSERT_EQ(0, file_info(all, &info, fences, 3));
	ASSERT_EQ(3u, info.num_fences);
	/* the later point of tb is the one kept */
	ASSERT_EQ(0, advance(ta, 1));
	ASSERT_EQ(0, advance(tc, 1));
	ASSERT_EQ(0, advance(tb, 1));
	ASSERT_EQ(1, file_status(m1));
	ASSERT_EQ(0, file_status(all));
	ASSERT_EQ(0, advance(tb, 1));
	ASSERT_EQ(1, file_status(all));
}

TEST_F(sw_sync, merge_leaves_out_signaled_fences)
{
	int tl = self->tl, tl2 = timeline_open();
	int done = point(tl, 0), pending = point(tl2, 1);
	int m = merge(done, pending, "m");

	ASSERT_LE(0, m);
	ASSERT_EQ(1, file_count(m));
	ASSERT_EQ(0, file_status(m));
}

/* Nothing pending: a signalled stub with the latest completion time. */
TEST_F(sw_sync, merge_of_signaled_fences_is_stub_with_latest_time)
{
	int tl = self->tl, tl2 = timeline_open();
	int a = point(tl, 1), b = point(tl2, 1);
	struct sync_fence_info f;
	__u64 latest;
	int m;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	ASSERT_EQ(0, advance(tl2, 1));
	sleep_ms(2);
	ASSERT_EQ(0, advance(tl, 1));
	latest = only_fence(a).timestamp_ns;
	ASSERT_GT(latest, only_fence(b).timestamp_ns);
	m = merge(b, a, "stub");
	ASSERT_LE(0, m);
	f = only_fence(m);
	ASSERT_EQ(1, f.status);
	ASSERT_STREQ("stub", f.driver_name);
	ASSERT_STREQ("stub", f.obj_name);
	ASSERT_EQ(latest, f.timestamp_ns);
}

TEST_F(sw_sync, merged_fence_signals_when_all_members_have)
{
	int tl = self->tl, tl2 = timeline_open();
	int m = merge(point(tl, 1), point(tl2, 1), "both");
	short ev;

	ASSERT_LE(0, m);
	ASSERT_EQ(0, poll_one(m, 0, &ev));
	ASSERT_EQ(0, advance(tl, 1));
	ASSERT_EQ(0, file_status(m));
	ASSERT_EQ(0, poll_one(m, 0, &ev));
	ASSERT_EQ(0, advance(tl2, 1));
	ASSERT_EQ(1, file_status(m));
	ASSERT_EQ(1, poll_one(m, 0, &ev));
	ASSERT_EQ(POLLIN, ev);
}

/* ---------------------------------------------------------------------- */
/* the sync_file as a file */

TEST_F(sw_sync, sync_file_unknown_ioctl_enotty)
{
	int tl = self->tl;
	int fd = point(tl, 1);
	__u32 one = 1;

	ASSERT_LE(0, fd);
	/* 0 to 2 were the pre-mainline numbers, never reused */
	ASSERT_EQ(ENOTTY,
		  fails(ioctl(fd, _IOWR(SYNC_IOC_MAGIC, 0, __u32), &one)));
	ASSERT_EQ(ENOTTY,
		  fails(ioctl(fd, _IOWR(SYNC_IOC_MAGIC, 2, __u32), &one)));
	ASSERT_EQ(ENOTTY,
		  fails(ioctl(fd, _IOWR(SYNC_IOC_MAGIC, 6, __u64), &one)));
	/* timeline ioctls do not apply to fences */
	ASSERT_EQ(ENOTTY, fails(ioctl(fd, SW_SYNC_IOC_INC, &one)));
	ASSERT_EQ(0, file_status(fd));
}

TEST_F(sw_sync, sync_file_ioctls_on_other_files_enotty)
{
	struct sync_file_info info = { 0 };
	int file = regular_file();
	int pipefd[2];

	ASSERT_LE(0, file);
	ASSERT_EQ(0, pipe(pipefd));
	ASSERT_EQ(ENOTTY, fails(ioctl(pipefd[0], SYNC_IOC_FILE_INFO, &info)));
	ASSERT_EQ(ENOTTY, fails(ioctl(file, SYNC_IOC_FILE_INFO, &info)));
}

TEST_F(sw_sync, sync_file_proc_link_is_anon_inode)
{
	int tl = self->tl;
	int fd = point(tl, 1);

	ASSERT_LE(0, fd);
	ASSERT_TRUE(is_sync_file(fd));
	ASSERT_FALSE(is_sync_file(tl));
}

/* ABI: a sync_file has no read, write, llseek or mmap; user space sees them fail. */
TEST_F(sw_sync, sync_file_read_einval)
{
	int tl = self->tl;
	int fd = point(tl, 0);
	char c;

	ASSERT_LE(0, fd);
	ASSERT_EQ(O_RDONLY, (fcntl(fd, F_GETFL) & O_ACCMODE));
	ASSERT_EQ(EINVAL, fails(read(fd, &c, 1)));
}

TEST_F(sw_sync, sync_file_write_ebadf)
{
	int tl = self->tl;
	int fd = point(tl, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(EBADF, fails(write(fd, "x", 1)));
}

TEST_F(sw_sync, sync_file_lseek_espipe)
{
	int tl = self->tl;
	int fd = point(tl, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(ESPIPE, fails(lseek(fd, 0, SEEK_SET)));
	ASSERT_EQ(ESPIPE, fails(lseek(fd, 0, SEEK_CUR)));
}

TEST_F(sw_sync, sync_file_mmap_enodev)
{
	int tl = self->tl;
	int fd = point(tl, 0);

	ASSERT_LE(0, fd);
	ASSERT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0));
	ASSERT_EQ(ENODEV, errno);
}

/* ---------------------------------------------------------------------- */
/* poll, and fences crossing process boundaries */

TEST_F(sw_sync, poll_without_waiting)
{
	int tl = self->tl;
	int fd = point(tl, 1);
	short ev;

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, poll_one(fd, 0, &ev));
	ASSERT_EQ(0, ev);
	ASSERT_EQ(0, advance(tl, 1));
	ASSERT_EQ(1, poll_one(fd, 0, &ev));
	ASSERT_EQ(POLLIN, ev);
	/* and again, once the callback has been used up */
	ASSERT_EQ(1, poll_one(fd, 0, &ev));
	ASSERT_EQ(POLLIN, ev);
}

TEST_F(sw_sync, blocking_poll_woken_by_inc_in_other_process)
{
	int tl = self->tl;
	int fd = point(tl, 1);
	short ev;
	int ret;

	ASSERT_LE(0, fd);
	self->child = advance_once_parent_sleeps(tl, 1);
	ASSERT_LT(0, self->child);
	ret = poll_one(fd, 20000, &ev);
	ASSERT_EQ(0, reap(&self->child));
	ASSERT_EQ(1, ret);
	ASSERT_EQ(POLLIN, ev);
	ASSERT_EQ(1, file_status(fd));
}

TEST_F(sw_sync, blocking_poll_on_merged_fence_woken)
{
	int tl = self->tl, tl2 = timeline_open();
	int m = merge(point(tl, 1), point(tl2, 1), "pm");
	short ev;
	int ret;

	ASSERT_LE(0, m);
	ASSERT_EQ(0, advance(tl, 1));
	self->child = advance_once_parent_sleeps(tl2, 1);
	ASSERT_LT(0, self->child);
	ret = poll_one(m, 20000, &ev);
	ASSERT_EQ(0, reap(&self->child));
	ASSERT_EQ(1, ret);
	ASSERT_EQ(POLLIN, ev);
}

/* Child side: exit code says which step went wrong. */
static int receive_and_wait(int sock, const char *name)
{
	struct sync_file_info info;
	short ev;
	int fd = recv_fd(sock);

	if (fd < 0)
		return 10;
	if (!is_sync_file(fd))
		return 11;
	if (file_info(fd, &info, NULL, 0) || strcmp(info.name, name) ||
	    info.status != 0)
		return 12;
	if (write(sock, "R", 1) != 1)
		return 13;
	if (poll_one(fd, 20000, &ev) != 1 || ev != POLLIN)
		return 14;
	if (file_status(fd) != 1)
		return 15;
	return 0;
}

TEST_F(sw_sync, fence_passed_over_unix_socket_works_in_receiver)
{
	int tl = self->tl;
	int fd = point(tl, 1);
	int m = merge(fd, fd, "passed");
	int sv[2];
	char c;

	ASSERT_LE(0, m);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	self->child = fork();
	ASSERT_LE(0, self->child);
	if (!self->child)
		_exit(receive_and_wait(sv[1], "passed"));
	ASSERT_EQ(0, send_fd(sv[0], m));
	/* only the receiver's copy keeps the file alive now */
	close(m);
	close(fd);
	ASSERT_EQ(1, read(sv[0], &c, 1));
	ASSERT_EQ('R', c);
	sleep_ms(50);
	ASSERT_EQ(0, advance(tl, 1));
	ASSERT_EQ(0, reap(&self->child));
}

/* ---------------------------------------------------------------------- */
/* /sys/kernel/debug/sync/info */

TEST_F(sw_sync, info_lists_timeline_with_pending_points)
{
	static const char fences[] = "\nfences:\n--------------\n";
	int tl = self->tl;
	int fd, fd2;
	char want[128];
	char *info;

	ASSERT_EQ(0, advance(tl, 424242));
	fd = point(tl, 424250);
	fd2 = point(tl, 424245);
	ASSERT_LE(0, fd);
	ASSERT_LE(0, fd2);
	info = read_info();
	ASSERT_NE(NULL, info);
	ASSERT_EQ(0, strncmp(info, "objs:\n--------------\n", 21));
	/* points in seqno order, whatever the order they were made in */
	snprintf(want, sizeof(want),
		 "\n%s: 424242\n  fence active: 424245 / 424242\n"
		 "  fence active: 424250 / 424242\n\n", my_comm());
	ASSERT_NE(NULL, strstr(info, want));
	/* ABI: sync_files are never registered there, so that section stays empty */
	ASSERT_NE(NULL, strstr(info, fences));
	ASSERT_STREQ(fences, strstr(info, fences));
	free(info);
}

TEST_F(sw_sync, info_shows_errored_points_of_closed_timeline)
{
	int tl = self->tl;
	int fd;
	char want[128];
	char *info, *at;

	ASSERT_EQ(0, advance(tl, 434343));
	fd = point(tl, 434350);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, close(tl));

	info = read_info();
	ASSERT_NE(NULL, info);
	snprintf(want, sizeof(want), "\n%s: 434343\n  fence error@", my_comm());
	at = strstr(info, want);
	ASSERT_NE(NULL, at);
	at = strchr(at + strlen(want), ':');
	ASSERT_NE(NULL, at);
	ASSERT_EQ(0, strncmp(at, ": 434350 / 434343\n", 18));
	free(info);

	/* the timeline goes away with its last point */
	ASSERT_EQ(0, close(fd));
	snprintf(want, sizeof(want), "\n%s: 434343\n", my_comm());
	ASSERT_FALSE(info_has(want));
}

/* ---------------------------------------------------------------------- */
/* the sync_timeline trace event */

#define EVENT_DIR "events/sync_trace/sync_timeline"

static char trace_dir[64];

/* Where tracefs is, mounting it if need be; NULL without one. */
static const char *tracefs(void)
{
	static const char * const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[128];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s/format", dirs[i],
			 EVENT_DIR);
		if (i == 0 && access(path, R_OK))
			mount("tracefs", dirs[0], "tracefs", 0, NULL);
		if (!access(path, R_OK)) {
			snprintf(trace_dir, sizeof(trace_dir), "%s", dirs[i]);
			return trace_dir;
		}
	}
	return NULL;
}

static bool trace_write(const char *file, const char *text)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", trace_dir, file);
	return write_whole(path, text);
}

static char *trace_read(const char *file)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", trace_dir, file);
	return read_whole(path);
}

/* The record layout and the printed line are what trace tools parse. */
TEST_F(sw_sync, trace_event_format)
{
	char *fmt;

	if (!tracefs())
		SKIP(return, "no %s in tracefs", EVENT_DIR);
	fmt = trace_read(EVENT_DIR "/format");
	ASSERT_NE(NULL, fmt);
	ASSERT_NE(NULL, strstr(fmt, "name: sync_timeline\n"));
	ASSERT_NE(NULL, strstr(fmt,
			       "\tfield:__data_loc char[] name;\toffset:8;\tsize:4;"));
	ASSERT_NE(NULL, strstr(fmt,
			       "\tfield:u32 value;\toffset:12;\tsize:4;\tsigned:0;"));
	ASSERT_NE(NULL, strstr(fmt,
			       "print fmt: \"name=%s value=%d\", __get_str(name), REC->value\n"));
	free(fmt);
}

/*
 * One record per step of the counter, with the value before the step: a
 * step larger than INT_MAX shows up as several.
 */
TEST_F(sw_sync, trace_event_per_counter_step)
{
	static const char * const values[] = { "0", "5", "-2147483644", "3" };
	char want[64], *trace, *at;
	unsigned int i;
	int tl = self->tl;

	if (!tracefs())
		SKIP(return, "no %s in tracefs", EVENT_DIR);
	ASSERT_TRUE(trace_write("trace", ""));
	ASSERT_TRUE(trace_write(EVENT_DIR "/enable", "1"));
	ASSERT_EQ(0, advance(tl, 5));
	ASSERT_EQ(0, advance(tl, 0xffffffff));
	ASSERT_TRUE(trace_write(EVENT_DIR "/enable", "0"));
	trace = trace_read("trace");
	ASSERT_NE(NULL, trace);
	at = trace;
	for (i = 0; i < ARRAY_SIZE(values); i++) {
		snprintf(want, sizeof(want), "sync_timeline: name=%s value=%s\n",
			 my_comm(), values[i]);
		at = strstr(at, want);
		ASSERT_NE(NULL, at);
		at += strlen(want);
	}
	free(trace);
}

TEST_HARNESS_MAIN

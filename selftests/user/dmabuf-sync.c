// SPDX-License-Identifier: GPL-2.0
/*
 * dmabuf-sync: the user space contract of sync_file and sw_sync, as
 * Linux 6.12 defines it.
 *
 * Every case in the table at the bottom prints one TAP line named after
 * the behaviour it checks. Only what upstream 6.12 does is asserted, so the
 * program passes on a stock kernel as well as on a replacement of
 * drivers/dma-buf. Needs CONFIG_SW_SYNC, debugfs at /sys/kernel/debug and
 * root (to open the debugfs files and raise the file limit).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
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

#include "../kselftest.h"

#include "sw-sync-abi.h"

struct sw_sync_get_deadline {
	__u64 deadline_ns;
	__u32 pad;
	__s32 fence_fd;
};

#define SW_SYNC_GET_DEADLINE \
	_IOWR(SW_SYNC_IOC_MAGIC, 2, struct sw_sync_get_deadline)

/* The ABI as 6.12 has it on x86_64 (and every other 64-bit arch). */
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
#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

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
static int fails(int ret)
{
	return ret < 0 ? errno : 0;
}

static int timeline_open(void)
{
	return open(SW_SYNC_PATH, O_RDWR);
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
 * Fork a child that waits until @parent sleeps (so it is blocked in poll),
 * then advances @tl by @by. Returns the child's pid, or -1.
 */
static pid_t advance_once_parent_sleeps(int tl, __u32 by)
{
	pid_t parent = getpid();
	pid_t pid = fork();
	int i;

	if (pid)
		return stray_child = pid;
	for (i = 0; i < 1000 && proc_state(parent) != 'S'; i++)
		sleep_ms(10);
	sleep_ms(50);
	_exit(advance(tl, by) ? 1 : 0);
}

/* ---------------------------------------------------------------------- */
/* sw_sync: timelines and points */

static int timeline_is_named_after_opener_comm(void)
{
	int tl = timeline_open();
	int fd = point(tl, 1);
	struct sync_fence_info f = only_fence(fd);

	EXPECT(fd >= 0);
	EXPECT(f.status == 0);
	EXPECT(!strcmp(f.obj_name, my_comm()));
	EXPECT(!strcmp(f.driver_name, "sw_sync"));
	EXPECT(f.flags == 0);
	return KSFT_PASS;
}

static int create_fence_returns_cloexec_sync_file(void)
{
	struct sw_sync_create_fence_data req = { .value = 3, .name = "kept" };
	int tl = timeline_open();

	EXPECT(ioctl(tl, SW_SYNC_IOC_CREATE_FENCE, &req) == 0);
	EXPECT(req.fence > 2);
	EXPECT(is_sync_file(req.fence));
	EXPECT(cloexec(req.fence));
	EXPECT(req.value == 3 && !strcmp(req.name, "kept"));
	return KSFT_PASS;
}

static int create_fence_bad_pointer_efault_without_fd_leak(void)
{
	int tl = timeline_open();
	int before = next_fd();

	EXPECT(fails(ioctl(tl, SW_SYNC_IOC_CREATE_FENCE, NULL)) == EFAULT);
	EXPECT(fails(ioctl(tl, SW_SYNC_IOC_CREATE_FENCE, (void *)8)) == EFAULT);
	EXPECT(next_fd() == before);
	return KSFT_PASS;
}

/* The copy back fails after the point and its file were made. */
static int create_fence_readonly_arg_efault_without_leak(void)
{
	struct sw_sync_create_fence_data *req;
	char line[64];
	int tl = timeline_open();
	int before = next_fd();
	int err;

	req = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(req != MAP_FAILED);
	req->value = 777001;
	EXPECT(mprotect(req, 4096, PROT_READ) == 0);
	err = fails(ioctl(tl, SW_SYNC_IOC_CREATE_FENCE, req));
	munmap(req, 4096);
	EXPECT(err == EFAULT);
	EXPECT(next_fd() == before);
	/* and the point went away with the file */
	snprintf(line, sizeof(line), "  fence active: %d /", 777001);
	EXPECT(!info_has(line));
	return KSFT_PASS;
}

static int point_at_reached_value_is_signaled_at_once(void)
{
	int tl = timeline_open();
	__u64 t0 = now_ns();
	int fd = point(tl, 0);
	struct sync_fence_info f = only_fence(fd);

	EXPECT(fd >= 0);
	EXPECT(f.status == 1);
	EXPECT(f.timestamp_ns >= t0 && f.timestamp_ns <= now_ns());
	EXPECT(file_status(fd) == 1);
	return KSFT_PASS;
}

/* Values compare modulo 2^32: 2^31 or more ahead counts as passed. */
static int point_2_31_or_more_ahead_counts_as_passed(void)
{
	int tl = timeline_open();
	int near = point(tl, 0x7fffffff);
	int far = point(tl, 0x80000000);
	int last = point(tl, 0xffffffff);

	EXPECT(near >= 0 && far >= 0 && last >= 0);
	EXPECT(file_status(near) == 0);
	EXPECT(file_status(far) == 1);
	EXPECT(file_status(last) == 1);
	return KSFT_PASS;
}

/* A pending value asked for twice is one fence: deadlines show it. */
static int same_pending_value_shares_one_fence(void)
{
	int tl = timeline_open();
	int a = point(tl, 9);
	int b = point(tl, 9);
	__u64 ns = 0;

	EXPECT(a >= 0 && b >= 0 && a != b);
	EXPECT(set_deadline(a, 123456789) == 0);
	EXPECT(get_deadline(tl, b, &ns) == 0);
	EXPECT(ns == 123456789);
	return KSFT_PASS;
}

static int inc_signals_points_up_to_counter(void)
{
	int tl = timeline_open();
	int one = point(tl, 1), two = point(tl, 2), three = point(tl, 3);
	__u64 t0, t1;
	struct sync_fence_info f;

	EXPECT(one >= 0 && two >= 0 && three >= 0);
	EXPECT(file_status(one) == 0 && only_fence(one).timestamp_ns == 0);
	t0 = now_ns();
	EXPECT(advance(tl, 2) == 0);
	t1 = now_ns();
	f = only_fence(two);
	EXPECT(f.status == 1);
	EXPECT(f.timestamp_ns >= t0 && f.timestamp_ns <= t1);
	EXPECT(file_status(one) == 1);
	EXPECT(file_status(three) == 0);
	EXPECT(only_fence(three).timestamp_ns == 0);
	EXPECT(advance(tl, 1) == 0);
	EXPECT(file_status(three) == 1);
	return KSFT_PASS;
}

static int inc_by_zero_signals_nothing(void)
{
	int tl = timeline_open();
	int fd = point(tl, 1);

	EXPECT(fd >= 0);
	EXPECT(advance(tl, 0) == 0);
	EXPECT(file_status(fd) == 0);
	return KSFT_PASS;
}

static int inc_bad_pointer_efault(void)
{
	int tl = timeline_open();

	EXPECT(fails(ioctl(tl, SW_SYNC_IOC_INC, NULL)) == EFAULT);
	return KSFT_PASS;
}

/*
 * 6.12 does not reject increments above INT_MAX: it applies them in
 * INT_MAX-sized steps, so that no point is jumped over.
 */
static int inc_above_int_max_is_applied_in_steps(void)
{
	int tl = timeline_open();
	int low = point(tl, 1);
	int high = point(tl, 0x7fffffff);
	int mid;

	EXPECT(low >= 0 && high >= 0);
	EXPECT(advance(tl, 0x7fffffff) == 0);	/* counter 0x7fffffff */
	EXPECT(file_status(high) == 1);
	mid = point(tl, 0x80000000);
	EXPECT(mid >= 0 && file_status(mid) == 0);
	EXPECT(advance(tl, 0xffffffff) == 0);	/* counter 0x7ffffffe */
	EXPECT(file_status(mid) == 1);
	EXPECT(file_status(low) == 1);

	close(tl);
	tl = timeline_open();
	low = point(tl, 1);
	mid = point(tl, 0x40000000);
	EXPECT(low >= 0 && mid >= 0);
	EXPECT(advance(tl, 0xffffffff) == 0);
	EXPECT(file_status(low) == 1);
	EXPECT(file_status(mid) == 1);
	return KSFT_PASS;
}

static int inc_across_2_32_wraps_around(void)
{
	int tl = timeline_open();
	int before, after;

	EXPECT(advance(tl, 0xfffffff0) == 0);
	before = point(tl, 0xfffffff8);
	after = point(tl, 8);	/* 24 ahead, past the wrap */
	EXPECT(before >= 0 && after >= 0);
	EXPECT(file_status(before) == 0 && file_status(after) == 0);
	EXPECT(advance(tl, 0x10) == 0);	/* counter 0 */
	EXPECT(file_status(before) == 1);
	EXPECT(file_status(after) == 0);
	EXPECT(advance(tl, 8) == 0);
	EXPECT(file_status(after) == 1);
	return KSFT_PASS;
}

static int timeline_unknown_ioctl_enotty(void)
{
	struct sync_file_info info = { 0 };
	struct sync_merge_data merge = { .fd2 = -1 };
	int tl = timeline_open();

	EXPECT(fails(ioctl(tl, _IO(SW_SYNC_IOC_MAGIC, 3))) == ENOTTY);
	EXPECT(fails(ioctl(tl, _IOWR(SW_SYNC_IOC_MAGIC, 0, __u32), NULL)) ==
	       ENOTTY);
	/* a timeline is not a sync_file */
	EXPECT(fails(ioctl(tl, SYNC_IOC_FILE_INFO, &info)) == ENOTTY);
	EXPECT(fails(ioctl(tl, SYNC_IOC_MERGE, &merge)) == ENOTTY);
	return KSFT_PASS;
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
static int inc_signals_exactly_the_reached_points(void)
{
	enum { N = 256 };
	__u32 values[N];
	int fds[N + 1];
	__u32 counter = 0, v;
	int tl = timeline_open();

	EXPECT(tl >= 0);
	for (v = 0; v < N; v++)
		values[v] = v + 1;
	shuffle(values, N);
	for (v = 0; v < N; v++) {
		fds[values[v]] = point(tl, values[v]);
		EXPECT(fds[values[v]] >= 0);
	}
	while (counter < N) {
		__u32 step = 1 + rnd() % 40;

		EXPECT(advance(tl, step) == 0);
		counter += step;
		for (v = 1; v <= N; v++)
			EXPECT(file_status(fds[v]) == (v <= counter));
	}
	return KSFT_PASS;
}

/*
 * Many pending points, made in random order, completed by one increment:
 * completion times must not go backwards along the seqnos.
 */
#define MANY_POINTS 20000
static __u32 many_values[MANY_POINTS];
static int many_fds[MANY_POINTS + 1];

static int inc_over_many_points_signals_in_seqno_order(void)
{
	unsigned int n = MANY_POINTS, i;
	__u64 t0, t1, prev = 0;
	struct rlimit lim;
	int tl;

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

	tl = timeline_open();
	EXPECT(tl >= 0);
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		many_fds[many_values[i]] = point(tl, many_values[i]);
		EXPECT(many_fds[many_values[i]] >= 0);
	}
	t1 = now_ns();
	ksft_print_msg("%u points made in %llu ms\n", n,
		       (unsigned long long)(t1 - t0) / 1000000);

	t0 = now_ns();
	EXPECT(advance(tl, n) == 0);
	t1 = now_ns();
	ksft_print_msg("%u points signalled in %llu ms\n", n,
		       (unsigned long long)(t1 - t0) / 1000000);

	for (i = 1; i <= n; i++) {
		struct sync_fence_info f = only_fence(many_fds[i]);

		EXPECT(f.status == 1);
		EXPECT(f.timestamp_ns >= t0 && f.timestamp_ns <= t1);
		EXPECT(f.timestamp_ns >= prev);
		prev = f.timestamp_ns;
	}
	return KSFT_PASS;
}

static int closing_timeline_signals_pending_with_enoent(void)
{
	int tl = timeline_open();
	int done = point(tl, 1), pending = point(tl, 5);
	struct sync_fence_info f;
	__u64 t0;
	short ev;

	EXPECT(done >= 0 && pending >= 0);
	EXPECT(advance(tl, 1) == 0);
	t0 = now_ns();
	EXPECT(close(tl) == 0);
	EXPECT(file_status(pending) == -ENOENT);
	f = only_fence(pending);
	EXPECT(f.status == -ENOENT);
	EXPECT(f.timestamp_ns >= t0 && f.timestamp_ns <= now_ns());
	EXPECT(poll_one(pending, 0, &ev) == 1 && ev == POLLIN);
	EXPECT(file_status(done) == 1);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* deadlines */

static int get_deadline_without_one_set_enoent(void)
{
	int tl = timeline_open();
	int fd = point(tl, 1);
	__u64 ns;

	EXPECT(fd >= 0);
	EXPECT(get_deadline(tl, fd, &ns) == ENOENT);
	return KSFT_PASS;
}

static int get_deadline_reports_earliest_set(void)
{
	int tl = timeline_open();
	int fd = point(tl, 1);
	__u64 base = now_ns(), ns = 0;

	EXPECT(fd >= 0);
	EXPECT(set_deadline(fd, base + 3 * NSEC_PER_SEC) == 0);
	EXPECT(get_deadline(tl, fd, &ns) == 0 &&
	       ns == base + 3 * NSEC_PER_SEC);
	EXPECT(set_deadline(fd, base + 5 * NSEC_PER_SEC) == 0);
	EXPECT(get_deadline(tl, fd, &ns) == 0 &&
	       ns == base + 3 * NSEC_PER_SEC);
	EXPECT(set_deadline(fd, base + NSEC_PER_SEC) == 0);
	EXPECT(get_deadline(tl, fd, &ns) == 0 && ns == base + NSEC_PER_SEC);
	/* one in the past is kept as it is */
	EXPECT(set_deadline(fd, 1000) == 0);
	EXPECT(get_deadline(tl, fd, &ns) == 0 && ns == 1000);
	return KSFT_PASS;
}

static int get_deadline_works_through_any_timeline(void)
{
	int tl = timeline_open(), other = timeline_open();
	int fd = point(tl, 1);
	__u64 ns = 0;

	EXPECT(fd >= 0 && other >= 0);
	EXPECT(set_deadline(fd, 42) == 0);
	EXPECT(get_deadline(other, fd, &ns) == 0 && ns == 42);
	return KSFT_PASS;
}

static int get_deadline_nonzero_input_einval(void)
{
	int tl = timeline_open();
	int fd = point(tl, 1);
	struct sw_sync_get_deadline req = { .fence_fd = fd };

	EXPECT(fd >= 0 && set_deadline(fd, 42) == 0);
	req.deadline_ns = 1;
	EXPECT(fails(ioctl(tl, SW_SYNC_GET_DEADLINE, &req)) == EINVAL);
	req.deadline_ns = 0;
	req.pad = 1;
	EXPECT(fails(ioctl(tl, SW_SYNC_GET_DEADLINE, &req)) == EINVAL);
	return KSFT_PASS;
}

static int get_deadline_of_non_sw_sync_fd_einval(void)
{
	int tl = timeline_open(), tl2 = timeline_open();
	int a = point(tl, 1), b = point(tl2, 1);
	int merged = merge(a, b, "pair");
	int file = regular_file();
	int pipefd[2];
	__u64 ns;

	EXPECT(merged >= 0 && file >= 0 && pipe(pipefd) == 0);
	EXPECT(set_deadline(merged, 42) == 0);
	EXPECT(get_deadline(tl, merged, &ns) == EINVAL);
	EXPECT(get_deadline(tl, pipefd[0], &ns) == EINVAL);
	EXPECT(get_deadline(tl, file, &ns) == EINVAL);
	EXPECT(get_deadline(tl, tl2, &ns) == EINVAL);
	EXPECT(get_deadline(tl, -1, &ns) == EINVAL);
	EXPECT(get_deadline(tl, 100000, &ns) == EINVAL);
	return KSFT_PASS;
}

static int get_deadline_bad_pointer_efault(void)
{
	int tl = timeline_open();

	EXPECT(fails(ioctl(tl, SW_SYNC_GET_DEADLINE, NULL)) == EFAULT);
	return KSFT_PASS;
}

static int set_deadline_on_signaled_fence_is_ignored(void)
{
	int tl = timeline_open();
	int fd = point(tl, 1);
	__u64 ns;

	EXPECT(fd >= 0 && advance(tl, 1) == 0);
	EXPECT(set_deadline(fd, 42) == 0);
	EXPECT(get_deadline(tl, fd, &ns) == ENOENT);
	return KSFT_PASS;
}

static int set_deadline_on_merged_fence_reaches_members(void)
{
	int tl = timeline_open(), tl2 = timeline_open();
	int a = point(tl, 1), b = point(tl2, 1);
	int merged = merge(a, b, "pair");
	__u64 ns = 0;

	EXPECT(merged >= 0);
	EXPECT(set_deadline(merged, 4242) == 0);
	EXPECT(get_deadline(tl, a, &ns) == 0 && ns == 4242);
	EXPECT(get_deadline(tl, b, &ns) == 0 && ns == 4242);
	return KSFT_PASS;
}

static int set_deadline_bad_input(void)
{
	int tl = timeline_open();
	int fd = point(tl, 1);
	struct sync_set_deadline req = { .deadline_ns = 1, .pad = 1 };

	EXPECT(fd >= 0);
	EXPECT(fails(ioctl(fd, SYNC_IOC_SET_DEADLINE, &req)) == EINVAL);
	EXPECT(fails(ioctl(fd, SYNC_IOC_SET_DEADLINE, NULL)) == EFAULT);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* SYNC_IOC_FILE_INFO */

static int file_info_count_query_reports_name_and_count(void)
{
	int tl = timeline_open();
	int fd = point(tl, 5);
	struct sync_file_info info;
	char prefix[64];
	size_t len;

	EXPECT(fd >= 0);
	EXPECT(file_info(fd, &info, NULL, 0) == 0);
	EXPECT(info.num_fences == 1);
	EXPECT(info.status == 0);
	EXPECT(info.flags == 0);
	/* "driver-timeline" then the fence context, "-", the seqno */
	snprintf(prefix, sizeof(prefix), "sw_sync-%s", my_comm());
	EXPECT(!strncmp(info.name, prefix, strlen(prefix)));
	len = strlen(info.name);
	EXPECT(len > 2 && !strcmp(info.name + len - 2, "-5"));
	return KSFT_PASS;
}

/* Ask for the count, then fetch that many entries. */
static int file_info_two_calls_fill_every_fence(void)
{
	int tl = timeline_open(), tl2 = timeline_open();
	int a = point(tl, 1), b = point(tl2, 2);
	int merged = merge(a, b, "two-calls");
	struct sync_fence_info fences[2];
	struct sync_file_info info;
	__u64 t0, t1;
	unsigned int i;

	EXPECT(merged >= 0);
	EXPECT(file_info(merged, &info, NULL, 0) == 0);
	EXPECT(info.num_fences == 2 && info.status == 0);
	EXPECT(!strcmp(info.name, "two-calls"));

	memset(fences, 0xa5, sizeof(fences));
	EXPECT(file_info(merged, &info, fences, info.num_fences) == 0);
	EXPECT(info.num_fences == 2 && info.status == 0);
	for (i = 0; i < 2; i++) {
		EXPECT(!strcmp(fences[i].obj_name, my_comm()));
		EXPECT(!strcmp(fences[i].driver_name, "sw_sync"));
		EXPECT(fences[i].status == 0);
		EXPECT(fences[i].flags == 0);
		EXPECT(fences[i].timestamp_ns == 0);
	}

	t0 = now_ns();
	EXPECT(advance(tl, 1) == 0 && advance(tl2, 2) == 0);
	t1 = now_ns();
	EXPECT(file_info(merged, &info, fences, 2) == 0);
	EXPECT(info.status == 1);
	for (i = 0; i < 2; i++) {
		EXPECT(fences[i].status == 1);
		EXPECT(fences[i].timestamp_ns >= t0 &&
		       fences[i].timestamp_ns <= t1);
	}
	return KSFT_PASS;
}

static int file_info_bigger_buffer_reports_real_count(void)
{
	int tl = timeline_open();
	int fd = point(tl, 1);
	struct sync_fence_info fences[8];
	struct sync_file_info info;

	EXPECT(fd >= 0);
	EXPECT(file_info(fd, &info, fences, 8) == 0);
	EXPECT(info.num_fences == 1);
	return KSFT_PASS;
}

static int file_info_short_buffer_einval(void)
{
	int t1 = timeline_open(), t2 = timeline_open(), t3 = timeline_open();
	int ab = merge(point(t1, 1), point(t2, 1), "ab");
	int abc = merge(ab, point(t3, 1), "abc");
	struct sync_fence_info fences[3];
	struct sync_file_info info;

	EXPECT(abc >= 0);
	EXPECT(file_count(abc) == 3);
	EXPECT(fails(file_info(abc, &info, fences, 2)) == EINVAL);
	EXPECT(fails(file_info(abc, &info, fences, 1)) == EINVAL);
	EXPECT(file_info(abc, &info, fences, 3) == 0);
	return KSFT_PASS;
}

static int file_info_nonzero_flags_or_pad_einval(void)
{
	int tl = timeline_open();
	int fd = point(tl, 1);
	struct sync_file_info info = { .flags = 1 };

	EXPECT(fd >= 0);
	EXPECT(fails(ioctl(fd, SYNC_IOC_FILE_INFO, &info)) == EINVAL);
	memset(&info, 0, sizeof(info));
	info.pad = 1;
	EXPECT(fails(ioctl(fd, SYNC_IOC_FILE_INFO, &info)) == EINVAL);
	return KSFT_PASS;
}

static int file_info_bad_pointers_efault(void)
{
	int tl = timeline_open();
	int fd = point(tl, 1);
	struct sync_file_info info;

	EXPECT(fd >= 0);
	EXPECT(fails(ioctl(fd, SYNC_IOC_FILE_INFO, NULL)) == EFAULT);
	EXPECT(fails(file_info(fd, &info, NULL, 1)) == EFAULT);
	EXPECT(fails(file_info(fd, &info, (void *)8, 1)) == EFAULT);
	return KSFT_PASS;
}

/*
 * The whole-file status (num_fences == 0) is that of the merged fence,
 * pending while any member is. With entries requested, 6.12 folds the
 * member states in order instead: the first member at or below zero sets
 * it. Members are ordered by fence context, i.e. by timeline age.
 */
static int file_info_status_of_errored_merge(void)
{
	int older = timeline_open(), newer = timeline_open();
	int a = point(older, 1), b = point(newer, 1);
	int merged = merge(a, b, "err");
	struct sync_fence_info fences[2];
	struct sync_file_info info;

	EXPECT(merged >= 0);
	EXPECT(close(older) == 0);
	EXPECT(file_status(merged) == 0);
	EXPECT(file_info(merged, &info, fences, 2) == 0);
	EXPECT(fences[0].status == -ENOENT && fences[1].status == 0);
	EXPECT(info.status == -ENOENT);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* SYNC_IOC_MERGE */

static int merge_returns_named_cloexec_sync_file(void)
{
	int tl = timeline_open(), tl2 = timeline_open();
	int a = point(tl, 1), b = point(tl2, 1);
	struct sync_merge_data req = { .name = "joined", .fd2 = b };
	struct sync_file_info info;

	EXPECT(a >= 0 && b >= 0);
	EXPECT(ioctl(a, SYNC_IOC_MERGE, &req) == 0);
	EXPECT(req.fence > 2 && req.fence != a && req.fence != b);
	EXPECT(is_sync_file(req.fence));
	EXPECT(cloexec(req.fence));
	EXPECT(file_info(req.fence, &info, NULL, 0) == 0);
	EXPECT(!strcmp(info.name, "joined") && info.num_fences == 2);
	/* the inputs stay valid on their own */
	EXPECT(file_count(a) == 1 && file_count(b) == 1);
	return KSFT_PASS;
}

static int merge_name_is_truncated_to_31_chars(void)
{
	int tl = timeline_open();
	int a = point(tl, 1);
	struct sync_merge_data req = { .fd2 = a };
	struct sync_file_info info;

	memset(req.name, 'x', sizeof(req.name));
	EXPECT(ioctl(a, SYNC_IOC_MERGE, &req) == 0);
	EXPECT(file_info(req.fence, &info, NULL, 0) == 0);
	EXPECT(strlen(info.name) == 31);
	return KSFT_PASS;
}

static int merge_nonzero_flags_or_pad_einval(void)
{
	int tl = timeline_open();
	int a = point(tl, 1);
	struct sync_merge_data req = { .fd2 = a, .flags = 1 };
	int before = next_fd();

	EXPECT(fails(ioctl(a, SYNC_IOC_MERGE, &req)) == EINVAL);
	req.flags = 0;
	req.pad = 1;
	EXPECT(fails(ioctl(a, SYNC_IOC_MERGE, &req)) == EINVAL);
	EXPECT(next_fd() == before);
	return KSFT_PASS;
}

static int merge_with_non_sync_file_enoent(void)
{
	int tl = timeline_open();
	int a = point(tl, 1);
	int file = regular_file();
	int before, pipefd[2];

	EXPECT(a >= 0 && file >= 0 && pipe(pipefd) == 0);
	before = next_fd();
	EXPECT(merge(a, pipefd[0], "m") < 0 && errno == ENOENT);
	EXPECT(merge(a, file, "m") < 0 && errno == ENOENT);
	EXPECT(merge(a, tl, "m") < 0 && errno == ENOENT);
	EXPECT(merge(a, -1, "m") < 0 && errno == ENOENT);
	EXPECT(merge(a, 100000, "m") < 0 && errno == ENOENT);
	EXPECT(next_fd() == before);
	return KSFT_PASS;
}

static int merge_bad_pointer_efault_without_fd_leak(void)
{
	int tl = timeline_open();
	int a = point(tl, 1);
	struct sync_merge_data *req;
	int before = next_fd(), err;

	EXPECT(fails(ioctl(a, SYNC_IOC_MERGE, NULL)) == EFAULT);
	EXPECT(next_fd() == before);

	/* readable but not writable: fails copying the result back */
	req = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT(req != MAP_FAILED);
	req->fd2 = a;
	EXPECT(mprotect(req, 4096, PROT_READ) == 0);
	err = fails(ioctl(a, SYNC_IOC_MERGE, req));
	munmap(req, 4096);
	EXPECT(err == EFAULT);
	EXPECT(next_fd() == before);
	return KSFT_PASS;
}

static int merge_same_timeline_keeps_later_point(void)
{
	int tl = timeline_open();
	int early = point(tl, 5), late = point(tl, 10);
	int m1 = merge(early, late, "el"), m2 = merge(late, early, "le");

	EXPECT(m1 >= 0 && m2 >= 0);
	EXPECT(file_count(m1) == 1 && file_count(m2) == 1);
	EXPECT(advance(tl, 5) == 0);
	EXPECT(file_status(early) == 1);
	EXPECT(file_status(m1) == 0 && file_status(m2) == 0);
	EXPECT(advance(tl, 5) == 0);
	EXPECT(file_status(m1) == 1 && file_status(m2) == 1);
	return KSFT_PASS;
}

static int merge_with_itself_is_one_fence(void)
{
	int tl = timeline_open();
	int a = point(tl, 1);
	int m = merge(a, a, "self");

	EXPECT(m >= 0);
	EXPECT(file_count(m) == 1);
	return KSFT_PASS;
}

/* Merging merged files gives a flat set, one fence per timeline. */
static int merge_of_merges_flattens(void)
{
	int ta = timeline_open(), tb = timeline_open(), tc = timeline_open();
	int m1 = merge(point(ta, 1), point(tb, 1), "ab");
	int m2 = merge(point(tb, 2), point(tc, 1), "bc");
	int all = merge(m1, m2, "abc");
	struct sync_fence_info fences[3];
	struct sync_file_info info;

	EXPECT(all >= 0);
	EXPECT(file_info(all, &info, fences, 3) == 0);
	EXPECT(info.num_fences == 3);
	/* the later point of tb is the one kept */
	EXPECT(advance(ta, 1) == 0 && advance(tc, 1) == 0);
	EXPECT(advance(tb, 1) == 0);
	EXPECT(file_status(m1) == 1);
	EXPECT(file_status(all) == 0);
	EXPECT(advance(tb, 1) == 0);
	EXPECT(file_status(all) == 1);
	return KSFT_PASS;
}

static int merge_leaves_out_signaled_fences(void)
{
	int tl = timeline_open(), tl2 = timeline_open();
	int done = point(tl, 0), pending = point(tl2, 1);
	int m = merge(done, pending, "m");

	EXPECT(m >= 0);
	EXPECT(file_count(m) == 1);
	EXPECT(file_status(m) == 0);
	return KSFT_PASS;
}

/* Nothing pending: a signalled stub with the latest completion time. */
static int merge_of_signaled_fences_is_stub_with_latest_time(void)
{
	int tl = timeline_open(), tl2 = timeline_open();
	int a = point(tl, 1), b = point(tl2, 1);
	struct sync_fence_info f;
	__u64 latest;
	int m;

	EXPECT(a >= 0 && b >= 0);
	EXPECT(advance(tl2, 1) == 0);
	sleep_ms(2);
	EXPECT(advance(tl, 1) == 0);
	latest = only_fence(a).timestamp_ns;
	EXPECT(latest > only_fence(b).timestamp_ns);
	m = merge(b, a, "stub");
	EXPECT(m >= 0);
	f = only_fence(m);
	EXPECT(f.status == 1);
	EXPECT(!strcmp(f.driver_name, "stub") && !strcmp(f.obj_name, "stub"));
	EXPECT(f.timestamp_ns == latest);
	return KSFT_PASS;
}

static int merged_fence_signals_when_all_members_have(void)
{
	int tl = timeline_open(), tl2 = timeline_open();
	int m = merge(point(tl, 1), point(tl2, 1), "both");
	short ev;

	EXPECT(m >= 0);
	EXPECT(poll_one(m, 0, &ev) == 0);
	EXPECT(advance(tl, 1) == 0);
	EXPECT(file_status(m) == 0 && poll_one(m, 0, &ev) == 0);
	EXPECT(advance(tl2, 1) == 0);
	EXPECT(file_status(m) == 1);
	EXPECT(poll_one(m, 0, &ev) == 1 && ev == POLLIN);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* the sync_file as a file */

static int sync_file_unknown_ioctl_enotty(void)
{
	int tl = timeline_open();
	int fd = point(tl, 1);
	__u32 one = 1;

	EXPECT(fd >= 0);
	/* 0 to 2 were the pre-mainline numbers, never reused */
	EXPECT(fails(ioctl(fd, _IOWR(SYNC_IOC_MAGIC, 0, __u32), &one)) ==
	       ENOTTY);
	EXPECT(fails(ioctl(fd, _IOWR(SYNC_IOC_MAGIC, 2, __u32), &one)) ==
	       ENOTTY);
	EXPECT(fails(ioctl(fd, _IOWR(SYNC_IOC_MAGIC, 6, __u64), &one)) ==
	       ENOTTY);
	/* timeline ioctls do not apply to fences */
	EXPECT(fails(ioctl(fd, SW_SYNC_IOC_INC, &one)) == ENOTTY);
	EXPECT(file_status(fd) == 0);
	return KSFT_PASS;
}

static int sync_file_ioctls_on_other_files_enotty(void)
{
	struct sync_file_info info = { 0 };
	int file = regular_file();
	int pipefd[2];

	EXPECT(file >= 0 && pipe(pipefd) == 0);
	EXPECT(fails(ioctl(pipefd[0], SYNC_IOC_FILE_INFO, &info)) == ENOTTY);
	EXPECT(fails(ioctl(file, SYNC_IOC_FILE_INFO, &info)) == ENOTTY);
	return KSFT_PASS;
}

static int sync_file_proc_link_is_anon_inode(void)
{
	int tl = timeline_open();
	int fd = point(tl, 1);

	EXPECT(fd >= 0 && is_sync_file(fd));
	EXPECT(!is_sync_file(tl));
	return KSFT_PASS;
}

/* No read, write, llseek or mmap in 6.12's file_operations. */
static int sync_file_read_einval(void)
{
	int tl = timeline_open();
	int fd = point(tl, 0);
	char c;

	EXPECT(fd >= 0);
	EXPECT((fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDONLY);
	EXPECT(fails(read(fd, &c, 1)) == EINVAL);
	return KSFT_PASS;
}

static int sync_file_write_ebadf(void)
{
	int tl = timeline_open();
	int fd = point(tl, 0);

	EXPECT(fd >= 0);
	EXPECT(fails(write(fd, "x", 1)) == EBADF);
	return KSFT_PASS;
}

static int sync_file_lseek_espipe(void)
{
	int tl = timeline_open();
	int fd = point(tl, 0);

	EXPECT(fd >= 0);
	EXPECT(lseek(fd, 0, SEEK_SET) < 0 && errno == ESPIPE);
	EXPECT(lseek(fd, 0, SEEK_CUR) < 0 && errno == ESPIPE);
	return KSFT_PASS;
}

static int sync_file_mmap_enodev(void)
{
	int tl = timeline_open();
	int fd = point(tl, 0);

	EXPECT(fd >= 0);
	EXPECT(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED);
	EXPECT(errno == ENODEV);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* poll, and fences crossing process boundaries */

static int poll_without_waiting(void)
{
	int tl = timeline_open();
	int fd = point(tl, 1);
	short ev;

	EXPECT(fd >= 0);
	EXPECT(poll_one(fd, 0, &ev) == 0 && ev == 0);
	EXPECT(advance(tl, 1) == 0);
	EXPECT(poll_one(fd, 0, &ev) == 1 && ev == POLLIN);
	/* and again, once the callback has been used up */
	EXPECT(poll_one(fd, 0, &ev) == 1 && ev == POLLIN);
	return KSFT_PASS;
}

static int blocking_poll_woken_by_inc_in_other_process(void)
{
	int tl = timeline_open();
	int fd = point(tl, 1);
	pid_t child;
	short ev;
	int ret;

	EXPECT(fd >= 0);
	child = advance_once_parent_sleeps(tl, 1);
	EXPECT(child > 0);
	ret = poll_one(fd, 20000, &ev);
	EXPECT(reap(child) == 0);
	EXPECT(ret == 1 && ev == POLLIN);
	EXPECT(file_status(fd) == 1);
	return KSFT_PASS;
}

static int blocking_poll_on_merged_fence_woken(void)
{
	int tl = timeline_open(), tl2 = timeline_open();
	int m = merge(point(tl, 1), point(tl2, 1), "pm");
	pid_t child;
	short ev;
	int ret;

	EXPECT(m >= 0);
	EXPECT(advance(tl, 1) == 0);
	child = advance_once_parent_sleeps(tl2, 1);
	EXPECT(child > 0);
	ret = poll_one(m, 20000, &ev);
	EXPECT(reap(child) == 0);
	EXPECT(ret == 1 && ev == POLLIN);
	return KSFT_PASS;
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

static int fence_passed_over_unix_socket_works_in_receiver(void)
{
	int tl = timeline_open();
	int fd = point(tl, 1);
	int m = merge(fd, fd, "passed");
	int sv[2];
	pid_t pid;
	char c;

	EXPECT(m >= 0);
	EXPECT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	pid = fork();
	EXPECT(pid >= 0);
	if (!pid)
		_exit(receive_and_wait(sv[1], "passed"));
	stray_child = pid;
	EXPECT(send_fd(sv[0], m) == 0);
	/* only the receiver's copy keeps the file alive now */
	close(m);
	close(fd);
	EXPECT(read(sv[0], &c, 1) == 1 && c == 'R');
	sleep_ms(50);
	EXPECT(advance(tl, 1) == 0);
	EXPECT(reap(pid) == 0);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */
/* /sys/kernel/debug/sync/info */

static int info_lists_timeline_with_pending_points(void)
{
	int tl = timeline_open();
	int fd, fd2;
	char want[128];
	char *info;

	EXPECT(advance(tl, 424242) == 0);
	fd = point(tl, 424250);
	fd2 = point(tl, 424245);
	EXPECT(fd >= 0 && fd2 >= 0);
	info = read_info();
	EXPECT(info);
	EXPECT(!strncmp(info, "objs:\n--------------\n", 21));
	/* points in seqno order, whatever the order they were made in */
	snprintf(want, sizeof(want),
		 "\n%s: 424242\n  fence active: 424245 / 424242\n"
		 "  fence active: 424250 / 424242\n\n", my_comm());
	EXPECT(strstr(info, want));
	/* 6.12 never registers sync_files, so that section stays empty */
	EXPECT(strstr(info, "\nfences:\n--------------\n"));
	EXPECT(!strcmp(strstr(info, "\nfences:\n--------------\n"),
		       "\nfences:\n--------------\n"));
	free(info);
	return KSFT_PASS;
}

static int info_shows_errored_points_of_closed_timeline(void)
{
	int tl = timeline_open();
	int fd;
	char want[128];
	char *info, *at;

	EXPECT(advance(tl, 434343) == 0);
	fd = point(tl, 434350);
	EXPECT(fd >= 0);
	EXPECT(close(tl) == 0);

	info = read_info();
	EXPECT(info);
	snprintf(want, sizeof(want), "\n%s: 434343\n  fence error@", my_comm());
	at = strstr(info, want);
	EXPECT(at);
	at = strchr(at + strlen(want), ':');
	EXPECT(at && !strncmp(at, ": 434350 / 434343\n", 18));
	free(info);

	/* the timeline goes away with its last point */
	EXPECT(close(fd) == 0);
	snprintf(want, sizeof(want), "\n%s: 434343\n", my_comm());
	EXPECT(!info_has(want));
	return KSFT_PASS;
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

	for (i = 0; i < ARRAY_LEN(dirs); i++) {
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
static int trace_event_format(void)
{
	char *fmt;

	if (!tracefs())
		return KSFT_SKIP;
	fmt = trace_read(EVENT_DIR "/format");
	EXPECT(fmt);
	EXPECT(strstr(fmt, "name: sync_timeline\n"));
	EXPECT(strstr(fmt, "\tfield:__data_loc char[] name;\toffset:8;\tsize:4;"));
	EXPECT(strstr(fmt, "\tfield:u32 value;\toffset:12;\tsize:4;\tsigned:0;"));
	EXPECT(strstr(fmt, "print fmt: \"name=%s value=%d\", __get_str(name), REC->value\n"));
	free(fmt);
	return KSFT_PASS;
}

/*
 * One record per step of the counter, with the value before the step: a
 * step larger than INT_MAX shows up as several.
 */
static int trace_event_per_counter_step(void)
{
	static const char * const values[] = { "0", "5", "-2147483644", "3" };
	char want[64], *trace, *at;
	unsigned int i;
	int tl;

	if (!tracefs())
		return KSFT_SKIP;
	EXPECT(trace_write("trace", ""));
	EXPECT(trace_write(EVENT_DIR "/enable", "1"));
	tl = timeline_open();
	EXPECT(advance(tl, 5) == 0);
	EXPECT(advance(tl, 0xffffffff) == 0);
	EXPECT(trace_write(EVENT_DIR "/enable", "0"));
	trace = trace_read("trace");
	EXPECT(trace);
	at = trace;
	for (i = 0; i < ARRAY_LEN(values); i++) {
		snprintf(want, sizeof(want), "sync_timeline: name=%s value=%s\n",
			 my_comm(), values[i]);
		at = strstr(at, want);
		EXPECT(at);
		at += strlen(want);
	}
	free(trace);
	return KSFT_PASS;
}

/* ---------------------------------------------------------------------- */

struct test_case {
	const char *name;
	int (*run)(void);
};

#define CASE(fn) { #fn, fn }

static const struct test_case cases[] = {
	CASE(timeline_is_named_after_opener_comm),
	CASE(create_fence_returns_cloexec_sync_file),
	CASE(create_fence_bad_pointer_efault_without_fd_leak),
	CASE(create_fence_readonly_arg_efault_without_leak),
	CASE(point_at_reached_value_is_signaled_at_once),
	CASE(point_2_31_or_more_ahead_counts_as_passed),
	CASE(same_pending_value_shares_one_fence),
	CASE(inc_signals_points_up_to_counter),
	CASE(inc_by_zero_signals_nothing),
	CASE(inc_bad_pointer_efault),
	CASE(inc_above_int_max_is_applied_in_steps),
	CASE(inc_across_2_32_wraps_around),
	CASE(timeline_unknown_ioctl_enotty),
	CASE(inc_signals_exactly_the_reached_points),
	CASE(inc_over_many_points_signals_in_seqno_order),
	CASE(closing_timeline_signals_pending_with_enoent),
	CASE(get_deadline_without_one_set_enoent),
	CASE(get_deadline_reports_earliest_set),
	CASE(get_deadline_works_through_any_timeline),
	CASE(get_deadline_nonzero_input_einval),
	CASE(get_deadline_of_non_sw_sync_fd_einval),
	CASE(get_deadline_bad_pointer_efault),
	CASE(set_deadline_on_signaled_fence_is_ignored),
	CASE(set_deadline_on_merged_fence_reaches_members),
	CASE(set_deadline_bad_input),
	CASE(file_info_count_query_reports_name_and_count),
	CASE(file_info_two_calls_fill_every_fence),
	CASE(file_info_bigger_buffer_reports_real_count),
	CASE(file_info_short_buffer_einval),
	CASE(file_info_nonzero_flags_or_pad_einval),
	CASE(file_info_bad_pointers_efault),
	CASE(file_info_status_of_errored_merge),
	CASE(merge_returns_named_cloexec_sync_file),
	CASE(merge_name_is_truncated_to_31_chars),
	CASE(merge_nonzero_flags_or_pad_einval),
	CASE(merge_with_non_sync_file_enoent),
	CASE(merge_bad_pointer_efault_without_fd_leak),
	CASE(merge_same_timeline_keeps_later_point),
	CASE(merge_with_itself_is_one_fence),
	CASE(merge_of_merges_flattens),
	CASE(merge_leaves_out_signaled_fences),
	CASE(merge_of_signaled_fences_is_stub_with_latest_time),
	CASE(merged_fence_signals_when_all_members_have),
	CASE(sync_file_unknown_ioctl_enotty),
	CASE(sync_file_ioctls_on_other_files_enotty),
	CASE(sync_file_proc_link_is_anon_inode),
	CASE(sync_file_read_einval),
	CASE(sync_file_write_ebadf),
	CASE(sync_file_lseek_espipe),
	CASE(sync_file_mmap_enodev),
	CASE(poll_without_waiting),
	CASE(blocking_poll_woken_by_inc_in_other_process),
	CASE(blocking_poll_on_merged_fence_woken),
	CASE(fence_passed_over_unix_socket_works_in_receiver),
	CASE(info_lists_timeline_with_pending_points),
	CASE(info_shows_errored_points_of_closed_timeline),
	CASE(trace_event_format),
	CASE(trace_event_per_counter_step),
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

int main(void)
{
	unsigned int i;
	int tl;

	ksft_print_header();
	tl = timeline_open();
	if (tl < 0)
		ksft_exit_skip("cannot open %s: %s (CONFIG_SW_SYNC, debugfs, root?)\n",
			       SW_SYNC_PATH, strerror(errno));
	close(tl);
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

// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmabuf-bench: the user space half of `make bench`.
 *
 * Runs the in-kernel cases (through debugfs) and then a fixed list of
 * user space cases that each repeat one thing a driver or a compositor
 * really does with dma-buf, sync_file, sw_sync and udmabuf. The same
 * static binary runs on any kernel that implements this ABI, so every
 * case uses only what the ABI gives user space.
 *
 * Default output is one "BENCH <case> <ns_per_op> <ops>" line per case.
 * --smoke runs one operation per case and prints kselftest TAP instead,
 * which is what `make test` uses on the debug kernels.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/sync_file.h>
#include <linux/udmabuf.h>

#include "sw-sync-abi.h"

/* Fail the build, not the benchmark, if a header drifted from the ABI. */
/* The 32-byte struct with charge_pid_fd; 6.12 takes it too. */
static_assert(DMA_HEAP_IOCTL_ALLOC == 0xc0204800, "abi");
static_assert(DMA_BUF_IOCTL_SYNC == 0x40086200, "abi");
static_assert(SYNC_IOC_MERGE == 0xc0303e03, "abi");
static_assert(SYNC_IOC_FILE_INFO == 0xc0383e04, "abi");
static_assert(SW_SYNC_IOC_CREATE_FENCE == 0xc0285700, "abi");
static_assert(SW_SYNC_IOC_INC == 0x40045701, "abi");
static_assert(UDMABUF_CREATE == 0x40187542, "abi");

#define KERNEL_DIR	"/sys/kernel/debug/dma_buf_bench"
#define TARGET_PARAM	"/sys/module/dma_buf_bench/parameters/target_us"
#define SYSTEM_HEAP	"/dev/dma_heap/system"
#define UDMABUF_DEV	"/dev/udmabuf"
#define CGROOT		"/sys/fs/cgroup"
#define BENCH_CGROUP	CGROOT "/dmabuf-bench"

#define KiB		1024ul
#define MiB		(1024ul * KiB)
#define TOUCH_STRIDE	(4 * KiB)
/* 2^24: the batch cap, the same in the kernel half. */
#define MAX_OPS		(16ull * 1024 * 1024)
#define MERGE_FENCES	32
#define KERNEL_BUF_SIZE	(64 * KiB)
#define NSEC_PER_MSEC	1000000ull
#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* Batch length to reach; 0 in smoke mode, so each case runs one op. */
static __u64 target_ns = 200 * NSEC_PER_MSEC;
static bool smoke;

/* Result numbering for TAP and the count of cases that did not run. */
static unsigned int tap_number;
static unsigned int failures;

/* Why the last setup or op failed; filled in by fail(). */
static char why[160];

/**
 * struct bench_ctx - everything a case keeps open across its operations
 * @dev: the device the op talks to (heap, udmabuf) or the sw_sync timeline
 * @buf: a dma-buf allocated once for the mmap and sync cases
 * @memfd: the sealed memfd behind udmabuf_create_close_1m
 * @map: a mapping made during setup (memset target), or MAP_FAILED
 * @size: the size the case works on
 * @point: last sw_sync point handed out on @dev
 * @seq: changes every op so memset cannot be folded into the previous one
 * @timeline: sw_sync timelines whose unsignalled fences the merges use
 * @fence: one unsignalled fence on each of @timeline
 * @merged: sync_files built by merging during setup (A, B, A+B)
 * @info: room for what SYNC_IOC_FILE_INFO reports about 32 fences
 * @in_cgroup: the process moved to BENCH_CGROUP for the case
 *
 * Every descriptor starts as -1; ctx_release() closes whatever setup
 * opened, so a case needs no teardown of its own.
 */
struct bench_ctx {
	int dev;
	int buf;
	int memfd;
	void *map;
	size_t size;
	__u32 point;
	__u8 seq;
	int timeline[MERGE_FENCES];
	int fence[MERGE_FENCES];
	int merged[3];
	struct sync_fence_info info[MERGE_FENCES];
	bool in_cgroup;
};

/**
 * struct bench_case - one user space case
 * @name: name printed on the BENCH or TAP line
 * @size: buffer size the case works on, copied into &bench_ctx.size
 * @setup: opens and prepares what every op reuses; outside the timing
 * @op: one timed operation; returns 0, or -1 after calling fail()
 */
struct bench_case {
	const char *name;
	size_t size;
	int (*setup)(struct bench_ctx *ctx);
	int (*op)(struct bench_ctx *ctx);
};

/* Record which call failed and its errno for the report; returns -1. */
static int fail(const char *what)
{
	int err = errno;

	snprintf(why, sizeof(why), "%s: errno %d (%s)", what, err,
		 strerror(err));
	return -1;
}

/* A failure that has no errno behind it, such as a wrong result. */
static int fail_msg(const char *msg)
{
	snprintf(why, sizeof(why), "%s", msg);
	return -1;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* One result line, in whichever format the mode asks for. */
static void report_ok(const char *name, const char *ns_per_op, const char *ops)
{
	if (smoke)
		printf("ok %u %s\n", ++tap_number, name);
	else
		printf("BENCH %s %s %s\n", name, ns_per_op, ops);
}

static void report_fail(const char *name, const char *reason)
{
	failures++;
	if (smoke)
		printf("not ok %u %s # %s\n", ++tap_number, name, reason);
	else
		fprintf(stderr, "dmabuf-bench: %s: %s\n", name, reason);
}

/* Closes a descriptor the caller owns; a failing close is a failed op. */
static int close_fd(int fd)
{
	return close(fd) ? fail("close") : 0;
}

/* ---------------------------------------------------------------------
 * The in-kernel cases: debugfs runs them and hands back finished lines.
 */

static char kernel_out[KERNEL_BUF_SIZE];

static int write_target_us(void)
{
	char text[32];
	int len, fd;
	ssize_t ret;

	fd = open(TARGET_PARAM, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("open " TARGET_PARAM);
	len = snprintf(text, sizeof(text), "%llu", target_ns / 1000);
	ret = write(fd, text, len);
	if (ret != len) {
		if (ret >= 0)
			errno = EIO;
		fail("write target_us");
		close(fd);
		return -1;
	}
	return close_fd(fd);
}

/*
 * The kernel runs every case during the read, so the output is read to
 * EOF into one buffer rather than parsed as it trickles in.
 */
static int read_kernel_run(void)
{
	size_t len = 0;
	ssize_t ret;
	int fd;

	fd = open(KERNEL_DIR "/run", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail("open " KERNEL_DIR "/run");
	for (;;) {
		ret = read(fd, kernel_out + len, sizeof(kernel_out) - 1 - len);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret <= 0)
			break;
		len += ret;
		if (len == sizeof(kernel_out) - 1) {
			close(fd);
			return fail_msg("run: more than 64 KiB of output");
		}
	}
	if (ret < 0) {
		fail("read run");
		close(fd);
		return -1;
	}
	kernel_out[len] = '\0';
	return close_fd(fd);
}

/* Split "<case> <ns_per_op> <ops>"; false if the line is not that. */
static bool parse_kernel_line(char *line, char **name, char **ns, char **ops)
{
	char *end, *extra;

	*name = strtok_r(line, " \t", &end);
	*ns = strtok_r(NULL, " \t", &end);
	*ops = strtok_r(NULL, " \t", &end);
	extra = strtok_r(NULL, " \t", &end);
	if (!*name || !*ns || !*ops || extra)
		return false;
	strtod(*ns, &end);
	if (*end)
		return false;
	strtoull(*ops, &end, 10);
	return !*end && **ops != '-';
}

/* Number of non-empty lines, so smoke mode can print the TAP plan first. */
static unsigned int count_kernel_lines(void)
{
	unsigned int n = 0;
	const char *p;

	for (p = kernel_out; *p; p++)
		if (*p != '\n' && (p[1] == '\n' || p[1] == '\0'))
			n++;
	return n;
}

static void report_kernel_lines(void)
{
	char *line, *save, *name, *ns, *ops;
	char label[96], reason[96];

	for (line = strtok_r(kernel_out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		/* Quoted before parsing, which cuts the line into words. */
		snprintf(reason, sizeof(reason), "malformed line in run: %.60s",
			 line);
		if (!parse_kernel_line(line, &name, &ns, &ops)) {
			report_fail("kernel", reason);
			continue;
		}
		snprintf(label, sizeof(label), "kernel.%s", name);
		report_ok(label, ns, ops);
	}
}

/*
 * Runs the kernel cases. Returns how many results they give, so smoke
 * mode can print the TAP plan before any result, or -1 with why[] set if
 * there is nothing to report but one failure (no benchmark in this
 * kernel, or its run failed).
 */
static int run_kernel(void)
{
	unsigned int n;

	if (access(KERNEL_DIR, F_OK))
		return fail_msg("no " KERNEL_DIR);
	if (write_target_us() || read_kernel_run())
		return -1;
	n = count_kernel_lines();
	if (!n)
		return fail_msg("run printed no cases");
	return n;
}

/* ---------------------------------------------------------------------
 * Helpers for the user space cases.
 */

static int open_dev(const char *path, int *fd)
{
	char what[64];

	*fd = open(path, O_RDWR | O_CLOEXEC);
	if (*fd < 0) {
		snprintf(what, sizeof(what), "open %s", path);
		return fail(what);
	}
	return 0;
}

static int heap_alloc(int heap, size_t size, int *fd)
{
	struct dma_heap_allocation_data data = {
		.len = size,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};

	if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &data))
		return fail("DMA_HEAP_IOCTL_ALLOC");
	*fd = data.fd;
	return 0;
}

/*
 * Writes one byte per 4 KiB page. The stores cannot be optimised away:
 * munmap(), which every caller calls next, is opaque to the compiler.
 */
static void touch_pages(void *addr, size_t size, __u8 value)
{
	__u8 *p = addr;
	size_t off;

	for (off = 0; off < size; off += TOUCH_STRIDE)
		p[off] = value;
}

static int sw_fence(int timeline, __u32 value, int *fence)
{
	struct sw_sync_create_fence_data data = {
		.value = value,
		.name = "bench",
	};

	if (ioctl(timeline, SW_SYNC_IOC_CREATE_FENCE, &data))
		return fail("SW_SYNC_IOC_CREATE_FENCE");
	*fence = data.fence;
	return 0;
}

static int sync_merge(int a, int b, int *out)
{
	struct sync_merge_data data = {
		.name = "bench",
		.fd2 = b,
	};

	if (ioctl(a, SYNC_IOC_MERGE, &data))
		return fail("SYNC_IOC_MERGE");
	*out = data.fence;
	return 0;
}

/*
 * Opens @count timelines and puts one unsignalled fence (point 1, the
 * timeline stays at 0) on each, so the merges cannot take the shortcut
 * for already signalled fences.
 */
static int open_fences(struct bench_ctx *ctx, unsigned int count)
{
	unsigned int i;

	for (i = 0; i < count; i++) {
		if (open_dev(SW_SYNC_PATH, &ctx->timeline[i]) ||
		    sw_fence(ctx->timeline[i], 1, &ctx->fence[i]))
			return -1;
	}
	return 0;
}

/* Folds fence[first..first+count-1] into one sync_file. */
static int merge_range(struct bench_ctx *ctx, unsigned int first,
		       unsigned int count, int *out)
{
	int acc = ctx->fence[first], next;
	unsigned int i;

	for (i = first + 1; i < first + count; i++) {
		if (sync_merge(acc, ctx->fence[i], &next))
			goto err;
		if (acc != ctx->fence[first] && close_fd(acc))
			goto err;
		acc = next;
	}
	*out = acc;
	return 0;
err:
	if (acc != ctx->fence[first])
		close(acc);
	return -1;
}

/* ---------------------------------------------------------------------
 * Setup of each case: everything here is outside the timing.
 */

static int setup_heap(struct bench_ctx *ctx)
{
	return open_dev(SYSTEM_HEAP, &ctx->dev);
}

static int write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, value, strlen(value));
	close(fd);
	return n < 0 ? -1 : 0;
}

/* Move this process into @group (its cgroup.procs); 0 or -1. */
static int enter_cgroup(const char *group)
{
	char path[128], pid[16];

	snprintf(path, sizeof(path), "%s/cgroup.procs", group);
	snprintf(pid, sizeof(pid), "%d", getpid());
	return write_file(path, pid);
}

/*
 * The heap, allocated from a memory cgroup of the benchmark's own (not
 * the root, which is never charged): what heap memory accounting costs,
 * where the kernel has it, against the plain cases.
 */
static int setup_heap_memcg(struct bench_ctx *ctx)
{
	if (access(CGROOT "/cgroup.controllers", F_OK) &&
	    mount("none", CGROOT, "cgroup2", 0, NULL))
		return fail("mount cgroup2");
	if (write_file(CGROOT "/cgroup.subtree_control", "+memory"))
		return fail("enable the memory controller");
	if (mkdir(BENCH_CGROUP, 0755) && errno != EEXIST)
		return fail("mkdir " BENCH_CGROUP);
	if (enter_cgroup(BENCH_CGROUP))
		return fail("enter " BENCH_CGROUP);
	ctx->in_cgroup = true;
	return setup_heap(ctx);
}

static int setup_heap_buf(struct bench_ctx *ctx)
{
	if (open_dev(SYSTEM_HEAP, &ctx->dev))
		return -1;
	return heap_alloc(ctx->dev, ctx->size, &ctx->buf);
}

static int setup_merge_2(struct bench_ctx *ctx)
{
	return open_fences(ctx, 2);
}

/* A = fences 0..15 and B = fences 16..31, as two sync_files. */
static int setup_merge_32(struct bench_ctx *ctx)
{
	const unsigned int half = MERGE_FENCES / 2;

	if (open_fences(ctx, MERGE_FENCES))
		return -1;
	if (merge_range(ctx, 0, half, &ctx->merged[0]))
		return -1;
	return merge_range(ctx, half, half, &ctx->merged[1]);
}

/* The 32-fence file, checked once to really hold 32 fences. */
static int setup_file_info_32(struct bench_ctx *ctx)
{
	struct sync_file_info info = { .num_fences = 0 };

	if (setup_merge_32(ctx) ||
	    sync_merge(ctx->merged[0], ctx->merged[1], &ctx->merged[2]))
		return -1;
	if (ioctl(ctx->merged[2], SYNC_IOC_FILE_INFO, &info))
		return fail("SYNC_IOC_FILE_INFO");
	if (info.num_fences != MERGE_FENCES)
		return fail_msg("merged sync_file does not hold 32 fences");
	return 0;
}

static int setup_sw_sync(struct bench_ctx *ctx)
{
	return open_dev(SW_SYNC_PATH, &ctx->dev);
}

/*
 * A sealed (against shrinking) memfd with every page already allocated,
 * so the op measures udmabuf itself, not shmem faulting pages in.
 */
static int setup_udmabuf(struct bench_ctx *ctx)
{
	void *map;

	if (open_dev(UDMABUF_DEV, &ctx->dev))
		return -1;
	ctx->memfd = memfd_create("dmabuf-bench", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (ctx->memfd < 0)
		return fail("memfd_create");
	if (ftruncate(ctx->memfd, ctx->size))
		return fail("ftruncate");
	if (fcntl(ctx->memfd, F_ADD_SEALS, F_SEAL_SHRINK))
		return fail("F_ADD_SEALS");
	map = mmap(NULL, ctx->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   ctx->memfd, 0);
	if (map == MAP_FAILED)
		return fail("mmap memfd");
	touch_pages(map, ctx->size, 1);
	if (munmap(map, ctx->size))
		return fail("munmap memfd");
	return 0;
}

/* Touched once so the timed memsets never take a page fault. */
static int setup_memset(struct bench_ctx *ctx)
{
	ctx->map = mmap(NULL, ctx->size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ctx->map == MAP_FAILED)
		return fail("mmap anonymous");
	memset(ctx->map, 0, ctx->size);
	return 0;
}

/* ---------------------------------------------------------------------
 * The timed operations.
 */

static int op_heap_alloc_free(struct bench_ctx *ctx)
{
	int fd;

	if (heap_alloc(ctx->dev, ctx->size, &fd))
		return -1;
	return close_fd(fd);
}

static int op_mmap_touch(struct bench_ctx *ctx)
{
	void *map;

	map = mmap(NULL, ctx->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   ctx->buf, 0);
	if (map == MAP_FAILED)
		return fail("mmap dma-buf");
	touch_pages(map, ctx->size, ++ctx->seq);
	if (munmap(map, ctx->size))
		return fail("munmap dma-buf");
	return 0;
}

static int op_sync_start_end(struct bench_ctx *ctx)
{
	struct dma_buf_sync sync = {
		.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW,
	};

	if (ioctl(ctx->buf, DMA_BUF_IOCTL_SYNC, &sync))
		return fail("DMA_BUF_IOCTL_SYNC start");
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
	if (ioctl(ctx->buf, DMA_BUF_IOCTL_SYNC, &sync))
		return fail("DMA_BUF_IOCTL_SYNC end");
	return 0;
}

static int merge_and_close(int a, int b)
{
	int fd;

	if (sync_merge(a, b, &fd))
		return -1;
	return close_fd(fd);
}

static int op_merge_2(struct bench_ctx *ctx)
{
	return merge_and_close(ctx->fence[0], ctx->fence[1]);
}

static int op_merge_32(struct bench_ctx *ctx)
{
	return merge_and_close(ctx->merged[0], ctx->merged[1]);
}

static int op_file_info_32(struct bench_ctx *ctx)
{
	struct sync_file_info info = {
		.num_fences = MERGE_FENCES,
		.sync_fence_info = (uintptr_t)ctx->info,
	};

	if (ioctl(ctx->merged[2], SYNC_IOC_FILE_INFO, &info))
		return fail("SYNC_IOC_FILE_INFO");
	return 0;
}

static int op_sw_sync_create_inc(struct bench_ctx *ctx)
{
	__u32 one = 1;
	int fence;

	if (sw_fence(ctx->dev, ++ctx->point, &fence))
		return -1;
	if (ioctl(ctx->dev, SW_SYNC_IOC_INC, &one)) {
		fail("SW_SYNC_IOC_INC");
		close(fence);
		return -1;
	}
	return close_fd(fence);
}

static int op_udmabuf_create_close(struct bench_ctx *ctx)
{
	struct udmabuf_create create = {
		.memfd = ctx->memfd,
		.flags = UDMABUF_FLAGS_CLOEXEC,
		.offset = 0,
		.size = ctx->size,
	};
	int fd;

	fd = ioctl(ctx->dev, UDMABUF_CREATE, &create);
	if (fd < 0)
		return fail("UDMABUF_CREATE");
	return close_fd(fd);
}

/* The atomic read back keeps the compiler from dropping the memset. */
static int op_memset(struct bench_ctx *ctx)
{
	__u8 *last = (__u8 *)ctx->map + ctx->size - 1;

	memset(ctx->map, ++ctx->seq, ctx->size);
	if (__atomic_load_n(last, __ATOMIC_RELAXED) != ctx->seq)
		return fail_msg("memset did not reach the end of the buffer");
	return 0;
}

static const struct bench_case cases[] = {
	{ "user.heap_alloc_free_4k", 4 * KiB, setup_heap, op_heap_alloc_free },
	{ "user.heap_alloc_free_64k", 64 * KiB, setup_heap, op_heap_alloc_free },
	{ "user.heap_alloc_free_1m", MiB, setup_heap, op_heap_alloc_free },
	{ "user.heap_alloc_free_64m", 64 * MiB, setup_heap, op_heap_alloc_free },
	{ "user.heap_alloc_free_4k_memcg", 4 * KiB, setup_heap_memcg,
	  op_heap_alloc_free },
	{ "user.heap_alloc_free_64k_memcg", 64 * KiB, setup_heap_memcg,
	  op_heap_alloc_free },
	{ "user.heap_alloc_free_1m_memcg", MiB, setup_heap_memcg,
	  op_heap_alloc_free },
	{ "user.heap_alloc_free_64m_memcg", 64 * MiB, setup_heap_memcg,
	  op_heap_alloc_free },
	{ "user.mmap_touch_64m", 64 * MiB, setup_heap_buf, op_mmap_touch },
	{ "user.mmap_touch_256m", 256 * MiB, setup_heap_buf, op_mmap_touch },
	{ "user.sync_start_end", MiB, setup_heap_buf, op_sync_start_end },
	{ "user.sync_merge_2", 0, setup_merge_2, op_merge_2 },
	{ "user.sync_merge_32", 0, setup_merge_32, op_merge_32 },
	{ "user.sync_file_info_32", 0, setup_file_info_32, op_file_info_32 },
	{ "user.sw_sync_create_inc", 0, setup_sw_sync, op_sw_sync_create_inc },
	{ "user.udmabuf_create_close_1m", MiB, setup_udmabuf,
	  op_udmabuf_create_close },
	{ "user.memset_64m", 64 * MiB, setup_memset, op_memset },
};

#define NR_CASES	ARRAY_LEN(cases)

/* ---------------------------------------------------------------------
 * The runner.
 */

static void ctx_init(struct bench_ctx *ctx, size_t size)
{
	unsigned int i;

	memset(ctx, 0, sizeof(*ctx));
	ctx->dev = -1;
	ctx->buf = -1;
	ctx->memfd = -1;
	ctx->map = MAP_FAILED;
	ctx->size = size;
	for (i = 0; i < MERGE_FENCES; i++) {
		ctx->timeline[i] = -1;
		ctx->fence[i] = -1;
	}
	for (i = 0; i < 3; i++)
		ctx->merged[i] = -1;
}

static void close_if_open(int *fd)
{
	if (*fd >= 0 && close(*fd))
		fprintf(stderr, "dmabuf-bench: close: %s\n", strerror(errno));
	*fd = -1;
}

/* Undoes whatever setup got to, and nothing a passing op left behind. */
static void ctx_release(struct bench_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < 3; i++)
		close_if_open(&ctx->merged[i]);
	for (i = 0; i < MERGE_FENCES; i++)
		close_if_open(&ctx->fence[i]);
	for (i = 0; i < MERGE_FENCES; i++)
		close_if_open(&ctx->timeline[i]);
	close_if_open(&ctx->buf);
	close_if_open(&ctx->memfd);
	close_if_open(&ctx->dev);
	if (ctx->in_cgroup && enter_cgroup(CGROOT))
		fprintf(stderr, "dmabuf-bench: back to the root cgroup: %s\n",
			strerror(errno));
	ctx->in_cgroup = false;
	if (ctx->map != MAP_FAILED && munmap(ctx->map, ctx->size))
		fprintf(stderr, "dmabuf-bench: munmap: %s\n", strerror(errno));
	ctx->map = MAP_FAILED;
}

/*
 * Size of the next batch: at least twice the last one, or enough to fill
 * the target with 20% to spare judging by the last batch's pace.
 */
static __u64 next_batch(__u64 n, __u64 t)
{
	double want = (double)n * target_ns / (t ? t : 1) * 1.2;
	__u64 next = 2 * n;

	/* At most 16 times larger: a first op can be unrepresentatively fast. */
	if (want > 16.0 * n)
		want = 16.0 * n;
	if (want > next)
		next = want;
	return next < MAX_OPS ? next : MAX_OPS;
}

/*
 * Grows the batch until one takes at least the target; only the last
 * batch counts, the earlier ones warm caches and allocators up.
 */
static int time_case(const struct bench_case *c, struct bench_ctx *ctx,
		     double *ns_per_op, __u64 *ops)
{
	__u64 n = 1, i, start, t;

	for (;;) {
		start = now_ns();
		for (i = 0; i < n; i++)
			if (c->op(ctx))
				return -1;
		t = now_ns() - start;
		if (t >= target_ns || n >= MAX_OPS)
			break;
		n = next_batch(n, t);
	}
	*ns_per_op = (double)t / n;
	*ops = n;
	return 0;
}

static void run_case(const struct bench_case *c)
{
	char ns_text[32], ops_text[32];
	struct bench_ctx ctx;
	double ns_per_op = 0;
	__u64 ops = 0;
	int ret;

	ctx_init(&ctx, c->size);
	ret = c->setup(&ctx);
	if (!ret)
		ret = time_case(c, &ctx, &ns_per_op, &ops);
	ctx_release(&ctx);
	if (ret) {
		report_fail(c->name, why);
		return;
	}
	snprintf(ns_text, sizeof(ns_text), "%.3f", ns_per_op);
	snprintf(ops_text, sizeof(ops_text), "%llu", ops);
	report_ok(c->name, ns_text, ops_text);
}

static void print_help(FILE *out)
{
	fprintf(out,
		"usage: dmabuf-bench [--smoke] [--target-ms N]\n"
		"  --smoke        one op per case, kselftest TAP output\n"
		"  --target-ms N  shortest batch that counts (default 200)\n");
}

static int parse_args(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "smoke", no_argument, NULL, 's' },
		{ "target-ms", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ }
	};
	unsigned long ms;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			smoke = true;
			break;
		case 't':
			errno = 0;
			ms = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg || ms > 3600000) {
				fprintf(stderr, "dmabuf-bench: bad --target-ms\n");
				return -1;
			}
			target_ns = ms * NSEC_PER_MSEC;
			break;
		case 'h':
			print_help(stdout);
			exit(0);
		default:
			print_help(stderr);
			return -1;
		}
	}
	if (optind != argc) {
		print_help(stderr);
		return -1;
	}
	if (smoke)
		target_ns = 0;
	return 0;
}

/*
 * A kernel without a high-resolution clocksource (under TCG, one whose TSC
 * calibration failed) ticks in jiffies: every timing, ours and the
 * kernel's, would be noise. Refuse to measure with such a clock.
 */
static int check_clock(void)
{
	struct timespec res;

	if (clock_getres(CLOCK_MONOTONIC, &res))
		return fail("clock_getres");
	if (res.tv_sec || res.tv_nsec > 1000)
		return fail_msg("CLOCK_MONOTONIC is low resolution: no usable clocksource");
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int i;
	int kernel;

	if (parse_args(argc, argv))
		return 2;
	/* Line buffered, so BENCH lines and stderr interleave in order. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!smoke && check_clock()) {
		fprintf(stderr, "dmabuf-bench: %s\n", why);
		return 1;
	}

	kernel = run_kernel();
	if (smoke) {
		printf("TAP version 13\n");
		printf("1..%zu\n", (kernel > 0 ? kernel : 1) + NR_CASES);
	}
	if (kernel > 0)
		report_kernel_lines();
	else
		report_fail("kernel", why);
	for (i = 0; i < NR_CASES; i++)
		run_case(&cases[i]);
	return failures ? 1 : 0;
}

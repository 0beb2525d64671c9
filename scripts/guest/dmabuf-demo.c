// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmabuf-demo: the end-to-end demo that "make run" boots into.
 *
 * Chapter 1 is a fence's life as user space sees it: a sw_sync timeline,
 * two fences on it as sync_files, a process blocked on the first until the
 * timeline reaches it, a wait on the second that gives up, and what
 * debugfs says meanwhile. Every sentence is checked as it is told, so a
 * wrong story fails the demo.
 * Chapter 2 is what user space sees of containers: fences from two sw_sync
 * timelines, merged into one sync_file, watched with poll and
 * SYNC_IOC_FILE_INFO while each timeline is signalled in turn.
 * Chapter 3 shares a frame: a buffer from the system dma-buf heap, filled
 * by one process and handed to another over a unix socket, which reads it
 * only once the producer signals the fence it put into the buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/sync_file.h>

/* sw_sync is a debugfs test driver: its ioctls are not UAPI headers. */
struct sw_sync_create_fence_data {
	__u32 value;
	char name[32];
	__s32 fence;
};

#define SW_SYNC_IOC_MAGIC 'W'
#define SW_SYNC_IOC_CREATE_FENCE \
	_IOWR(SW_SYNC_IOC_MAGIC, 0, struct sw_sync_create_fence_data)
#define SW_SYNC_IOC_INC _IOW(SW_SYNC_IOC_MAGIC, 1, __u32)
#define SW_SYNC_PATH "/sys/kernel/debug/sync/sw_sync"

static void narrate(const char *line)
{
	printf("dmabuf-demo: %s\n", line);
	fflush(stdout);
}

/* Print a debugging view of the kernel's, indented. */
static void show_file(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f) {
		printf("  (cannot read %s: %s)\n", path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f))
		printf("  %s", line);
	fclose(f);
}

static int fail(const char *what)
{
	fprintf(stderr, "dmabuf-demo: %s: %s\n", what, strerror(errno));
	return -1;
}

static int create_point(int timeline, __u32 value, const char *name)
{
	struct sw_sync_create_fence_data data = { .value = value };

	snprintf(data.name, sizeof(data.name), "%s", name);
	if (ioctl(timeline, SW_SYNC_IOC_CREATE_FENCE, &data))
		return fail("SW_SYNC_IOC_CREATE_FENCE");
	return data.fence;
}

static const char *status_word(int status)
{
	if (status > 0)
		return "signalled";
	return status ? "error" : "active";
}

/* SYNC_IOC_FILE_INFO's two calls: first the count, then the fences. */
static int show_info(int fd)
{
	struct sync_file_info info = { 0 };
	struct sync_fence_info *fences;
	__u32 i;

	if (ioctl(fd, SYNC_IOC_FILE_INFO, &info))
		return fail("SYNC_IOC_FILE_INFO (count)");
	fences = calloc(info.num_fences, sizeof(*fences));
	if (!fences)
		return fail("calloc");
	info.sync_fence_info = (uintptr_t)fences;
	if (ioctl(fd, SYNC_IOC_FILE_INFO, &info)) {
		free(fences);
		return fail("SYNC_IOC_FILE_INFO (fences)");
	}
	printf("  sync_file \"%s\": %s, %u fences\n", info.name,
	       status_word(info.status), info.num_fences);
	for (i = 0; i < info.num_fences; i++)
		printf("    fence %u: timeline \"%s\" of driver %s, %s%s\n", i,
		       fences[i].obj_name, fences[i].driver_name,
		       status_word(fences[i].status),
		       fences[i].timestamp_ns ? " (timestamped)" : "");
	free(fences);
	return 0;
}

static void show_poll(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n = poll(&p, 1, 0);

	printf("  poll(merged, POLLIN, 0 ms) = %d: %s\n", n,
	       n == 1 && (p.revents & POLLIN) ? "readable, all work is done" :
	       "not ready, something is still running");
}

static int advance(int timeline, const char *name)
{
	__u32 step = 1;

	printf("dmabuf-demo: advancing timeline %s by 1 (SW_SYNC_IOC_INC)\n", name);
	if (ioctl(timeline, SW_SYNC_IOC_INC, &step))
		return fail("SW_SYNC_IOC_INC");
	return 0;
}

/* sw_sync names a timeline after the task that opens it. */
static int open_timeline(const char *name)
{
	char own[16] = "";
	int fd;

	prctl(PR_GET_NAME, own);
	prctl(PR_SET_NAME, name);
	fd = open(SW_SYNC_PATH, O_RDWR);
	prctl(PR_SET_NAME, own);
	return fd;
}

/* A story line that must hold: say it, or say why the story is wrong. */
static int claim(int holds, const char *line)
{
	if (!holds) {
		fprintf(stderr, "dmabuf-demo: the story went wrong: it is not true that %s\n",
			line);
		return -1;
	}
	printf("dmabuf-demo: %s\n", line);
	fflush(stdout);
	return 0;
}

/* The status of the sync_file @fd, as SYNC_IOC_FILE_INFO reports it. */
static int file_status(int fd)
{
	struct sync_file_info info = { 0 };

	if (ioctl(fd, SYNC_IOC_FILE_INFO, &info))
		return fail("SYNC_IOC_FILE_INFO");
	return info.status;
}

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

#define STORY_BUDGET_MS		5000
#define STORY_GIVE_UP_MS	30

/* The waiter: poll @fd, then tell @report what poll said and how long it took. */
static void story_waiter(int fd, int report)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	long long start = now_us(), took;
	int n = poll(&p, 1, STORY_BUDGET_MS);

	took = now_us() - start;
	if (n == 1 && !(p.revents & POLLIN))
		n = -1;
	if (write(report, &n, sizeof(n)) != sizeof(n) ||
	    write(report, &took, sizeof(took)) != sizeof(took))
		_exit(1);
	_exit(0);
}

static int fence_chapter(void)
{
	int timeline, first, second, report[2], woke, status;
	struct pollfd p = { .events = POLLIN };
	char line[160];
	long long took;
	pid_t waiter;

	narrate("chapter 1: a fence's life.");
	timeline = open_timeline("story");
	if (timeline < 0)
		return fail("open " SW_SYNC_PATH);
	narrate("opened a sw_sync timeline, 'story': a fence context no other");
	narrate("driver shares, at value 0.");

	first = create_point(timeline, 1, "first");
	second = create_point(timeline, 2, "second");
	if (first < 0 || second < 0)
		return -1;
	if (claim(!file_status(first) && !file_status(second),
		  "fence 1 (point 1) and fence 2 (point 2) were created on it, as sync_file fds;\n"
		  "  both are pending."))
		return -1;
	if (show_info(first))
		return -1;

	if (pipe(report))
		return fail("pipe");
	fflush(stdout);
	waiter = fork();
	if (waiter < 0)
		return fail("fork");
	if (!waiter) {
		close(report[0]);
		story_waiter(first, report[1]);
	}
	close(report[1]);
	usleep(20000);
	snprintf(line, sizeof(line),
		 "process %d waits in poll() on fence 1, with a %d ms budget; it is still blocked.",
		 waiter, STORY_BUDGET_MS);
	if (claim(waitpid(waiter, &status, WNOHANG) == 0, line))
		return -1;
	if (claim(file_status(first) == 0,
		  "nothing has happened yet: SYNC_IOC_FILE_INFO reports fence 1 active."))
		return -1;

	if (advance(timeline, "story"))
		return -1;
	if (read(report[0], &woke, sizeof(woke)) != sizeof(woke) ||
	    read(report[0], &took, sizeof(took)) != sizeof(took))
		return fail("read from the waiter");
	close(report[0]);
	if (waitpid(waiter, &status, 0) != waiter || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return fail("the waiter failed");
	snprintf(line, sizeof(line),
		 "the timeline reached 1, so fence 1 signalled: the waiter's poll() returned %d (readable) after %lld us.",
		 woke, took);
	if (claim(woke == 1, line))
		return -1;
	if (claim(file_status(first) == 1 && file_status(second) == 0,
		  "fence 1 is signalled now; fence 2 comes later on the same timeline\n"
		  "  and is still pending:"))
		return -1;
	if (show_info(first) || show_info(second))
		return -1;

	p.fd = second;
	took = now_us();
	woke = poll(&p, 1, STORY_GIVE_UP_MS);
	took = now_us() - took;
	snprintf(line, sizeof(line),
		 "waited %d ms for fence 2, which nobody signals: poll() returned %d (timed out) after %lld us.",
		 STORY_GIVE_UP_MS, woke, took);
	if (claim(woke == 0, line))
		return -1;

	narrate("what debugfs shows meanwhile, /sys/kernel/debug/sync/info:");
	show_file("/sys/kernel/debug/sync/info");

	if (advance(timeline, "story"))
		return -1;
	if (claim(file_status(second) == 1,
		  "the timeline reached 2: fence 2 signalled too, and the story ends."))
		return -1;
	close(first);
	close(second);
	close(timeline);
	return 0;
}

static int sync_file_chapter(void)
{
	struct sync_merge_data merge = { .name = "render+scanout" };
	int render, scanout, a, b;

	narrate("chapter 2: one sync_file for fences of two timelines.");
	render = open_timeline("render");
	scanout = open_timeline("scanout");
	if (render < 0 || scanout < 0)
		return fail("open " SW_SYNC_PATH);
	narrate("opened two sw_sync timelines: 'render' and 'scanout'.");
	a = create_point(render, 1, "frame-rendered");
	b = create_point(scanout, 1, "frame-shown");
	if (a < 0 || b < 0)
		return -1;
	narrate("created a fence at point 1 on each, as sync_file fds.");
	merge.fd2 = b;
	if (ioctl(a, SYNC_IOC_MERGE, &merge))
		return fail("SYNC_IOC_MERGE");
	narrate("merged them (SYNC_IOC_MERGE) into one sync_file that signals when both do:");
	if (show_info(merge.fence))
		return -1;
	show_poll(merge.fence);
	if (advance(render, "render") || show_info(merge.fence))
		return -1;
	show_poll(merge.fence);
	if (advance(scanout, "scanout") || show_info(merge.fence))
		return -1;
	show_poll(merge.fence);
	close(merge.fence);
	close(a);
	close(b);
	close(render);
	close(scanout);
	return 0;
}

/* Chapter 3: a frame in a dma-buf from the system heap, shared. */

#define FRAME_W		256
#define FRAME_H		256
#define FRAME_BYTES	(FRAME_W * FRAME_H * 4)
#define FRAME_NAME	"demo-frame"

/* The pixel at (x, y) of the frame: a gradient with a checksum-able twist. */
static __u32 pixel(unsigned int x, unsigned int y)
{
	return 0xff000000u | (x << 16) | (y << 8) | ((x ^ y) & 0xff);
}

static int cpu_access(int buf, __u64 flags)
{
	struct dma_buf_sync sync = { .flags = flags };

	return ioctl(buf, DMA_BUF_IOCTL_SYNC, &sync);
}

static int send_fd(int sock, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	char byte = 'F';
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cmsg = CMSG_FIRSTHDR(&msg);

	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	char byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *cmsg;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	return fd;
}

/* Step 1: a named buffer from the system heap, with a frame in it. */
static int produce_frame(void)
{
	struct dma_heap_allocation_data req = {
		.len = FRAME_BYTES,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	unsigned int x, y;
	__u32 *frame;
	int heap;

	heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		return fail("open /dev/dma_heap/system");
	if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &req))
		return fail("DMA_HEAP_IOCTL_ALLOC");
	close(heap);
	printf("dmabuf-demo: producer (pid %d): %d KiB from /dev/dma_heap/system, fd %u\n",
	       getpid(), FRAME_BYTES / 1024, req.fd);
	if (ioctl(req.fd, DMA_BUF_SET_NAME, FRAME_NAME))
		return fail("DMA_BUF_SET_NAME");
	narrate("producer: named it \"" FRAME_NAME "\" (DMA_BUF_SET_NAME).");
	frame = mmap(NULL, FRAME_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED,
		     req.fd, 0);
	if (frame == MAP_FAILED)
		return fail("mmap");
	if (cpu_access(req.fd, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE))
		return fail("DMA_BUF_IOCTL_SYNC start");
	for (y = 0; y < FRAME_H; y++)
		for (x = 0; x < FRAME_W; x++)
			frame[y * FRAME_W + x] = pixel(x, y);
	if (cpu_access(req.fd, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE))
		return fail("DMA_BUF_IOCTL_SYNC end");
	munmap(frame, FRAME_BYTES);
	printf("dmabuf-demo: producer: drew a %dx%d frame via mmap, inside SYNC START/END\n",
	       FRAME_W, FRAME_H);
	return req.fd;
}

/* Step 2: a write fence from a sw_sync timeline, imported into the buffer. */
static int fence_frame(int buf, int *timeline)
{
	struct dma_buf_import_sync_file import = { .flags = DMA_BUF_SYNC_WRITE };

	*timeline = open_timeline("producer");
	if (*timeline < 0)
		return fail("open " SW_SYNC_PATH);
	import.fd = create_point(*timeline, 1, "frame-final");
	if (import.fd < 0)
		return -1;
	if (ioctl(buf, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &import))
		return fail("DMA_BUF_IOCTL_IMPORT_SYNC_FILE");
	close(import.fd);
	narrate("producer: imported a pending sw_sync write fence (IMPORT_SYNC_FILE).");
	return 0;
}

/* Steps 3 and 4, in the consumer: wait for the fence, check the frame. */
static int consume_frame(int sock)
{
	struct pollfd p = { .events = POLLIN };
	unsigned int x, y, bad = 0;
	const __u32 *frame;
	int buf;

	buf = recv_fd(sock);
	if (buf < 0)
		return fail("recvmsg");
	printf("dmabuf-demo: consumer (pid %d): received the buffer over a unix socket as fd %d\n",
	       getpid(), buf);
	p.fd = buf;
	printf("dmabuf-demo: consumer: poll(POLLIN, 0 ms) = %d: the fence is pending\n",
	       poll(&p, 1, 0));
	narrate("consumer: waiting in poll() for the producer's write fence...");
	if (write(sock, "W", 1) != 1)
		return fail("write");
	if (poll(&p, 1, 20000) != 1 || !(p.revents & POLLIN)) {
		fprintf(stderr, "dmabuf-demo: the fence never signalled\n");
		return -1;
	}
	narrate("consumer: woken: the fence signalled, the frame is final.");
	frame = mmap(NULL, FRAME_BYTES, PROT_READ, MAP_SHARED, buf, 0);
	if (frame == MAP_FAILED)
		return fail("mmap");
	if (cpu_access(buf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ))
		return fail("DMA_BUF_IOCTL_SYNC start");
	for (y = 0; y < FRAME_H; y++)
		for (x = 0; x < FRAME_W; x++)
			bad += frame[y * FRAME_W + x] != pixel(x, y);
	if (cpu_access(buf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ))
		return fail("DMA_BUF_IOCTL_SYNC end");
	munmap((void *)frame, FRAME_BYTES);
	printf("dmabuf-demo: consumer: read it inside SYNC START/END: %u of %d pixels wrong\n",
	       bad, FRAME_W * FRAME_H);
	return bad ? -1 : 0;
}

static int heap_chapter(void)
{
	int sv[2], buf, timeline, status;
	char path[64], byte;
	__u32 step = 1;
	pid_t child;

	narrate("chapter 3: a frame shared through a dma-buf heap.");
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return fail("socketpair");
	fflush(stdout);
	child = fork();
	if (child < 0)
		return fail("fork");
	if (!child) {
		close(sv[0]);
		_exit(consume_frame(sv[1]) ? 1 : 0);
	}
	close(sv[1]);

	buf = produce_frame();
	if (buf < 0 || fence_frame(buf, &timeline))
		return -1;
	if (send_fd(sv[0], buf))
		return fail("sendmsg");
	narrate("producer: sent the fd to the consumer process over a unix socket (SCM_RIGHTS).");
	if (read(sv[0], &byte, 1) != 1)
		return fail("read");
	narrate("producer: the consumer waits; signalling the fence (SW_SYNC_IOC_INC)...");
	if (ioctl(timeline, SW_SYNC_IOC_INC, &step))
		return fail("SW_SYNC_IOC_INC");
	if (waitpid(child, &status, 0) != child || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		fprintf(stderr, "dmabuf-demo: the consumer failed\n");
		return -1;
	}
	narrate("producer: the consumer checked the frame and exited.");
	narrate("the kernel's view of the buffer, /sys/kernel/debug/dma_buf/bufinfo:");
	show_file("/sys/kernel/debug/dma_buf/bufinfo");
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", buf);
	printf("dmabuf-demo: and the producer's fd, %s:\n", path);
	show_file(path);
	close(buf);
	close(timeline);
	close(sv[0]);
	return 0;
}

int main(void)
{
	narrate("this kernel runs our clean-room dma-buf subsystem.");
	if (fence_chapter() || sync_file_chapter() || heap_chapter())
		return 1;
	narrate("done: fences were created, merged, waited on and signalled.");
	return 0;
}

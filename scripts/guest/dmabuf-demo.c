// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmabuf-demo: the end-to-end demo that "make run" boots into.
 *
 * Chapter 1 is the kernel's side of a fence's life: the "dma-fence-demo"
 * KUnit suite, which this program runs through debugfs and retells.
 * Chapter 2 is what user space sees: fences from two sw_sync timelines,
 * merged into one sync_file, watched with poll and SYNC_IOC_FILE_INFO
 * while each timeline is signalled in turn.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <unistd.h>

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

#define SUITE_DIR "/sys/kernel/debug/kunit/dma-fence-demo"

static void narrate(const char *line)
{
	printf("dmabuf-demo: %s\n", line);
	fflush(stdout);
}

static int trigger_suite(void)
{
	FILE *run = fopen(SUITE_DIR "/run", "w");

	if (!run) {
		fprintf(stderr, "dmabuf-demo: cannot open %s/run: %s\n",
			SUITE_DIR, strerror(errno));
		return -1;
	}
	fputs("run\n", run);
	return fclose(run);
}

/*
 * The results file is KTAP: "# text" lines are the story, "ok N" or
 * "not ok N" lines are verdicts.
 */
static int retell_results(void)
{
	FILE *results = fopen(SUITE_DIR "/results", "r");
	char line[512];
	int failed = 0, cases = 0;

	if (!results) {
		fprintf(stderr, "dmabuf-demo: cannot read results: %s\n", strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), results)) {
		char *text = line + strspn(line, " \t");

		text[strcspn(text, "\n")] = '\0';
		if (!strncmp(text, "# ", 2) && strncmp(text, "# Subtest:", 10) &&
		    strncmp(text, "# module:", 9) && !strstr(text, "pass:")) {
			printf("  kernel: %s\n", text + 2);
		} else if (!strncmp(text, "not ok ", 7)) {
			printf("  verdict: FAILED (%s)\n", text + 7);
			failed++;
			cases++;
		} else if (!strncmp(text, "ok ", 3) && line[0] == ' ') {
			printf("  verdict: every claim above was checked (%s)\n", text + 3);
			cases++;
		}
	}
	fclose(results);
	if (!cases) {
		fprintf(stderr, "dmabuf-demo: the suite reported no result\n");
		return -1;
	}
	return failed ? -1 : 0;
}

static int kernel_chapter(void)
{
	narrate("chapter 1: a fence's life, told by the kernel.");
	narrate("asking the kernel to run the dma-fence story (" SUITE_DIR "/run)...");
	if (trigger_suite())
		return -1;
	narrate("the kernel told this story; each line was asserted as it happened:");
	return retell_results();
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

static int sync_file_chapter(void)
{
	struct sync_merge_data merge = { .name = "render+scanout" };
	int render, scanout, a, b;

	narrate("chapter 2: explicit fences in user space (sync_file and sw_sync).");
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

int main(void)
{
	narrate("this kernel runs our clean-room dma-buf subsystem.");
	if (kernel_chapter() || sync_file_chapter())
		return 1;
	narrate("done: fences were created, merged, waited on and signalled.");
	return 0;
}

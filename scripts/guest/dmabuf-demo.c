// SPDX-License-Identifier: GPL-2.0-only
/*
 * dmabuf-demo: the end-to-end demo that "make run" boots into.
 *
 * For now the subsystem has only its fence core, which userspace cannot
 * reach directly. The kernel side of the story is the "dma-fence-demo"
 * KUnit suite: this program asks the kernel to run it through debugfs,
 * then retells its narrated log one line at a time.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

int main(void)
{
	narrate("this kernel runs our clean-room dma-buf subsystem.");
	narrate("asking the kernel to run the dma-fence story (" SUITE_DIR "/run)...");
	if (trigger_suite())
		return 1;
	narrate("the kernel told this story; each line was asserted as it happened:");
	if (retell_results())
		return 1;
	narrate("done: fences were created, waited on and signalled in the kernel.");
	return 0;
}

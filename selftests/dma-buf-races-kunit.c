// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_buf_races": attach and detach against mappings on
 * other attachments, closing a buffer's fd while importers look it up,
 * and kernel mappings taken and dropped on several CPUs at once. Each
 * race runs for a fixed time; errors are counted by the threads and
 * checked once they stopped. See dma-buf-kunit.c for how the suites work.
 *
 * UML never preempts kernel code, so every loop that runs alongside other
 * threads reschedules. Nothing checks how long something took.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/dma-buf.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/iosys-map.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/string.h>

#include "dma-buf-core-kunit.h"

/* Time budget of each race. */
#define RACE_BUDGET		(HZ / 4)

#define RACE_MAPPERS		2
#define RACE_CHURNERS		2
#define RACE_THREADS		(RACE_MAPPERS + RACE_CHURNERS)

struct race {
	struct dmabuf_test_buffer *buf;
	struct dma_buf *dmabuf;
	struct device *dev;
	struct completion go;
	struct completion done[RACE_THREADS];
	unsigned long deadline;
	atomic_t errors;
	atomic_t loops;
	int fd;
	int last_err;
};

struct race_thread {
	struct race *race;
	unsigned int id;
	struct dma_buf_attachment *attach;
	struct importer imp;
};

static bool race_on(struct race *race)
{
	return time_before(jiffies, race->deadline) && !kthread_should_stop();
}

static void race_error(struct race *race, int err)
{
	WRITE_ONCE(race->last_err, err);
	atomic_inc(&race->errors);
}

/* One map and unmap of @attach; an error is counted, never asserted. */
static void race_map_once(struct race *race, struct dma_buf_attachment *attach,
			  bool locked)
{
	struct sg_table *sgt = map_either(attach, DMA_BIDIRECTIONAL, locked);

	if (IS_ERR_OR_NULL(sgt)) {
		race_error(race, sgt ? PTR_ERR(sgt) : -ENOMEM);
		return;
	}
	if (sgt->nents != NPAGES)
		race_error(race, -EFAULT);
	unmap_either(attach, sgt, DMA_BIDIRECTIONAL, locked);
}

/* Maps and unmaps its own long-lived attachment, over and over. */
static int mapper_fn(void *data)
{
	struct race_thread *t = data;
	struct race *race = t->race;

	wait_for_completion(&race->go);
	while (race_on(race)) {
		race_map_once(race, t->attach, !t->attach->importer_ops);
		atomic_inc(&race->loops);
		cond_resched();
	}
	complete(&race->done[t->id]);
	return 0;
}

/* Attaches, maps, unmaps and detaches again, alternating importer kinds. */
static int churner_fn(void *data)
{
	struct race_thread *t = data;
	struct race *race = t->race;
	struct dma_buf_attachment *attach;
	unsigned int n = 0;

	wait_for_completion(&race->go);
	while (race_on(race)) {
		if (n++ & 1)
			attach = dma_buf_dynamic_attach(race->dmabuf, race->dev,
							importer_ops(), &t->imp);
		else
			attach = dma_buf_attach(race->dmabuf, race->dev);
		if (IS_ERR(attach)) {
			race_error(race, PTR_ERR(attach));
		} else {
			race_map_once(race, attach, true);
			dma_buf_detach(race->dmabuf, attach);
		}
		atomic_inc(&race->loops);
		cond_resched();
	}
	complete(&race->done[t->id]);
	return 0;
}

static struct race *new_race(struct kunit *test, struct dmabuf_test_buffer *buf)
{
	struct race *race = kunit_kzalloc(test, sizeof(*race), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, race);
	race->buf = buf;
	race->dmabuf = buf->dmabuf;
	race->dev = new_dev(test, "dmabuf-kunit-race");
	init_completion(&race->go);
	for (i = 0; i < RACE_THREADS; i++)
		init_completion(&race->done[i]);
	return race;
}

static void race_run(struct kunit *test, struct race *race,
		     unsigned int nthreads)
{
	unsigned int i;

	race->deadline = jiffies + RACE_BUDGET;
	complete_all(&race->go);
	for (i = 0; i < nthreads; i++)
		dmabuf_kunit_thread_wait(test, &race->done[i], THREAD_GRACE,
					 "race thread");
	kunit_info(test, "%d loops\n", atomic_read(&race->loops));
	KUNIT_EXPECT_EQ_MSG(test, atomic_read(&race->errors), 0,
			    "last error %d", race->last_err);
}

static void attach_and_detach_race_with_maps_elsewhere(struct kunit *test)
{
	const struct exporter_kind *kind = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, kind->flags);
	struct race *race = new_race(test, buf);
	struct race_thread *threads;
	unsigned int i;

	threads = kunit_kcalloc(test, RACE_THREADS, sizeof(*threads),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, threads);
	for (i = 0; i < RACE_THREADS; i++) {
		threads[i].race = race;
		threads[i].id = i;
		if (i >= RACE_MAPPERS)
			continue;
		/* One static and one dynamic long-lived importer. */
		threads[i].attach = attach_as(test, buf, race->dev,
					      i ? &threads[i].imp : NULL);
	}
	for (i = 0; i < RACE_THREADS; i++)
		start_thread_on(test, i < RACE_MAPPERS ? mapper_fn : churner_fn,
				&threads[i], i < RACE_MAPPERS ? "mapper" :
				"churner", i);
	race_run(test, race, RACE_THREADS);

	/* Only the mappers' attachments are left, and nothing is mapped. */
	for (i = 0; i < RACE_MAPPERS; i++) {
		KUNIT_EXPECT_TRUE(test, dmabuf_listed(buf->dmabuf,
						      threads[i].attach));
		detach(test, threads[i].attach);
	}
	KUNIT_EXPECT_TRUE(test, no_attachments(buf->dmabuf));
	KUNIT_EXPECT_EQ(test, atomic_read(&buf->live_sgts), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&buf->pinned), 0);
}

/* Imports the buffer by fd until the fd is gone. */
static int fd_importer_fn(void *data)
{
	struct race_thread *t = data;
	struct race *race = t->race;
	struct dma_buf_attachment *attach;
	struct dma_buf *dmabuf;

	wait_for_completion(&race->go);
	while (!kthread_should_stop()) {
		dmabuf = dma_buf_get(race->fd);
		if (IS_ERR(dmabuf)) {
			/* The only acceptable failure: the fd was closed. */
			if (PTR_ERR(dmabuf) != -EBADF)
				race_error(race, PTR_ERR(dmabuf));
			break;
		}
		attach = dma_buf_attach(dmabuf, race->dev);
		if (IS_ERR(attach)) {
			race_error(race, PTR_ERR(attach));
		} else {
			race_map_once(race, attach, false);
			dma_buf_detach(dmabuf, attach);
		}
		get_dma_buf(dmabuf);
		dma_buf_put(dmabuf);
		dma_buf_put(dmabuf);
		atomic_inc(&race->loops);
		cond_resched();
	}
	complete(&race->done[t->id]);
	return 0;
}

/* Closes the fd once the importers are under way. */
static int fd_closer_fn(void *data)
{
	struct race_thread *t = data;
	struct race *race = t->race;

	wait_for_completion(&race->go);
	while (race_on(race) && atomic_read(&race->loops) < 16)
		schedule_timeout_uninterruptible(1);
	close_fd(race->fd);
	complete(&race->done[t->id]);
	return 0;
}

static const bool keep_ref_variants[] = { true, false };

static void keep_ref_desc(const bool *keep, char *desc)
{
	strscpy(desc, *keep ? "kernel reference kept" : "fd is the last",
		KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(keep_ref, keep_ref_variants, keep_ref_desc);

static void fd_close_races_with_importers_and_loses_no_reference(struct kunit *test)
{
	const bool *keep = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct race *race = new_race(test, buf);
	struct race_thread *threads;
	unsigned int i, nthreads = RACE_CHURNERS + 1;

	threads = kunit_kcalloc(test, nthreads, sizeof(*threads), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, threads);
	get_dma_buf(buf->dmabuf);
	race->fd = dma_buf_fd(buf->dmabuf, O_CLOEXEC);
	if (race->fd < 0)
		dma_buf_put(buf->dmabuf);
	KUNIT_ASSERT_GE(test, race->fd, 0);
	if (!*keep)
		drop_buf(test, buf);

	for (i = 0; i < nthreads; i++) {
		threads[i].race = race;
		threads[i].id = i;
		start_thread_on(test, i ? fd_importer_fn : fd_closer_fn,
				&threads[i], i ? "importer" : "closer", i);
	}
	race_run(test, race, nthreads);
	flush_delayed_fput();

	KUNIT_EXPECT_PTR_EQ(test, dma_buf_get(race->fd), ERR_PTR(-EBADF));
	if (*keep) {
		/* Only the case's own reference is left. */
		KUNIT_EXPECT_EQ(test, file_count(buf->dmabuf->file), 1L);
		KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_RELEASE), 0);
		KUNIT_EXPECT_TRUE(test, no_attachments(buf->dmabuf));
	} else {
		KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_RELEASE), 1);
	}
}

#define VMAP_THREADS		3

/* Takes and drops kernel mappings, checking they all agree. */
static int vmapper_fn(void *data)
{
	struct race_thread *t = data;
	struct race *race = t->race;
	struct iosys_map map;
	int err;

	wait_for_completion(&race->go);
	while (race_on(race)) {
		err = dma_buf_vmap_unlocked(race->dmabuf, &map);
		if (err) {
			race_error(race, err);
		} else {
			if (*(u8 *)map.vaddr != 0x10)
				race_error(race, -EFAULT);
			cond_resched();
			dma_buf_vunmap_unlocked(race->dmabuf, &map);
		}
		atomic_inc(&race->loops);
		cond_resched();
	}
	complete(&race->done[t->id]);
	return 0;
}

static void concurrent_vmaps_share_one_exporter_mapping(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct race *race = new_race(test, buf);
	struct race_thread *threads;
	unsigned int i;

	static_assert(VMAP_THREADS <= RACE_THREADS);
	mark_pages(buf);
	threads = kunit_kcalloc(test, VMAP_THREADS, sizeof(*threads),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, threads);
	for (i = 0; i < VMAP_THREADS; i++) {
		threads[i].race = race;
		threads[i].id = i;
		start_thread_on(test, vmapper_fn, &threads[i], "vmapper", i);
	}
	race_run(test, race, VMAP_THREADS);
	KUNIT_EXPECT_EQ(test, buf->dmabuf->vmapping_counter, 0U);
	KUNIT_EXPECT_NULL(test, buf->vaddr);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_VMAP),
			calls(buf, DMABUF_TEST_VUNMAP));
}

static struct kunit_case dma_buf_races_cases[] = {
	KUNIT_CASE_PARAM_ATTR(attach_and_detach_race_with_maps_elsewhere,
			      exporter_kind_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE_PARAM_ATTR(fd_close_races_with_importers_and_loses_no_reference,
			      keep_ref_gen_params,
			      { .speed = KUNIT_SPEED_SLOW }),
	KUNIT_CASE_SLOW(concurrent_vmaps_share_one_exporter_mapping),
	{}
};

static struct kunit_suite dma_buf_races_suite = {
	.name = "dma_buf_races",
	.test_cases = dma_buf_races_cases,
};

kunit_test_suite(dma_buf_races_suite);

MODULE_DESCRIPTION("KUnit tests of the dma-buf core: races");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);

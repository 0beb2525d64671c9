// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_resv_race": a struct dma_resv used by several threads
 * at once, each case bounded in time.
 *
 * Covered: unlocked readers walking and snapshotting the list while a
 * writer grows it, in place and by publishing bigger lists (the
 * regression case for CVE-2025-38095, the count published before the
 * slot), and adders, signallers and users of every read-side helper,
 * copying included, running together.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/dma-fence-array.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "dma-resv-kunit.h"

/*
 * Give other threads a chance to run in the middle of a race, also on UML,
 * where a kernel thread is never preempted and cond_resched() rarely
 * switches.
 */
static void race_pause(void)
{
	usleep_range(5, 20);
}

/* ------------------------------------------------------------------ */
/* Races                                                               */
/* ------------------------------------------------------------------ */

#define GROW_BASELINE		6
#define GROW_WRITER_FENCES	512
#define GROW_LAG		24
#define GROW_READERS		2

/*
 * Regression test for CVE-2025-38095: a writer appends fences, growing
 * the list both in place and by publishing bigger ones, while readers walk
 * it without the lock. Every fence a reader gets must be a live fence of
 * this suite, and every walk that completes must have seen all the fences
 * that were there throughout. The writer gives up its own references, so
 * the object holds the last one and freed fences are caught by KASAN.
 */
struct grow_race {
	struct dma_resv *obj;
	struct dma_fence *baseline[GROW_BASELINE];
	u64 ctx_base;
	unsigned long deadline;
	atomic_t writer_done;
	atomic_t added;
	atomic_t writer_errors;
	atomic_t bad_fences;
	atomic_t missed;
	atomic_t walks;
	atomic_t restarts;
	atomic_t snapshots;
	struct completion writer_exit;
	struct completion reader_exit[GROW_READERS];
};

static int grow_writer_fn(void *data)
{
	struct grow_race *race = data;
	struct dma_fence *live[GROW_LAG + 4];
	unsigned int made = 0, nlive = 0, i;

	while (made < GROW_WRITER_FENCES && !kthread_should_stop() &&
	       time_before(jiffies, race->deadline)) {
		unsigned int batch = 1 + made % 4;

		if (dma_resv_lock(race->obj, NULL) ||
		    dma_resv_reserve_fences(race->obj, batch)) {
			atomic_inc(&race->writer_errors);
			if (dma_resv_is_locked(race->obj))
				dma_resv_unlock(race->obj);
			break;
		}
		for (i = 0; i < batch; i++) {
			struct dma_fence *f;

			f = dmabuf_kunit_leaf_alloc(race->ctx_base + made, 1);
			if (!f) {
				atomic_inc(&race->writer_errors);
				break;
			}
			dma_resv_add_fence(race->obj, f, made % ALL_USAGES);
			/* Still alive: unsignalled fences stay in the list. */
			live[nlive++] = f;
			dma_fence_put(f);
			made++;
			/* Let readers see the list half way through. */
			race_pause();
		}
		dma_resv_unlock(race->obj);

		/* Completed fences get pruned or replaced, then freed. */
		while (nlive > GROW_LAG) {
			dma_fence_signal(live[0]);
			memmove(live, live + 1, --nlive * sizeof(live[0]));
		}
		race_pause();
	}

	for (i = 0; i < nlive; i++)
		dma_fence_signal(live[i]);
	atomic_set(&race->added, made);
	atomic_set(&race->writer_done, 1);
	complete(&race->writer_exit);
	return 0;
}

static unsigned long grow_baseline_bit(struct grow_race *race,
				       struct dma_fence *fence)
{
	unsigned int i;

	for (i = 0; i < GROW_BASELINE; i++)
		if (fence == race->baseline[i])
			return BIT(i);
	return 0;
}

static void grow_walk(struct grow_race *race)
{
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	unsigned int starts = 0, steps = 0;
	unsigned long seen = 0;

	dma_resv_iter_begin(&cursor, race->obj, DMA_RESV_USAGE_BOOKKEEP);
	dma_resv_for_each_fence_unlocked(&cursor, fence) {
		if (dma_resv_iter_is_restarted(&cursor)) {
			starts++;
			seen = 0;
		}
		if (!fence_sane(fence))
			atomic_inc(&race->bad_fences);
		seen |= grow_baseline_bit(race, fence);
		/* Often enough to get overtaken, rarely enough to finish. */
		if (++steps % 4 == 0)
			race_pause();
	}
	dma_resv_iter_end(&cursor);

	if (starts > 1)
		atomic_add(starts - 1, &race->restarts);

	if (seen != GENMASK(GROW_BASELINE - 1, 0))
		atomic_inc(&race->missed);
	atomic_inc(&race->walks);
}

static void grow_snapshot(struct grow_race *race)
{
	struct dma_fence **fences;
	unsigned long seen = 0;
	unsigned int n, i;

	if (dma_resv_get_fences(race->obj, DMA_RESV_USAGE_BOOKKEEP, &n,
				&fences))
		return;	/* -ENOMEM is allowed, just not useful here */
	for (i = 0; i < n; i++) {
		if (!fence_sane(fences[i]))
			atomic_inc(&race->bad_fences);
		seen |= grow_baseline_bit(race, fences[i]);
	}
	put_array(fences, n);
	if (seen != GENMASK(GROW_BASELINE - 1, 0))
		atomic_inc(&race->missed);
	atomic_inc(&race->snapshots);
}

struct grow_reader {
	struct grow_race *race;
	unsigned int id;
};

static int grow_reader_fn(void *data)
{
	struct grow_reader *r = data;
	struct grow_race *race = r->race;

	while (!atomic_read(&race->writer_done) && !kthread_should_stop()) {
		grow_walk(race);
		grow_snapshot(race);
		race_pause();
	}
	/* One quiet pass that is sure to complete. */
	grow_walk(race);
	complete(&race->reader_exit[r->id]);
	return 0;
}

static void readers_never_see_a_hole_while_writer_grows_list(struct kunit *test)
{
	struct grow_race *race = kunit_kzalloc(test, sizeof(*race), GFP_KERNEL);
	struct grow_reader *readers;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, race);
	readers = kunit_kcalloc(test, GROW_READERS, sizeof(*readers),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, readers);

	race->obj = resv_new(test);
	for (i = 0; i < GROW_BASELINE; i++) {
		race->baseline[i] = fence_solo(test);
		resv_add(test, race->obj, race->baseline[i], i % ALL_USAGES);
	}
	race->ctx_base = dma_fence_context_alloc(GROW_WRITER_FENCES);
	race->deadline = jiffies + RACE_BUDGET;
	init_completion(&race->writer_exit);

	for (i = 0; i < GROW_READERS; i++) {
		readers[i].race = race;
		readers[i].id = i;
		init_completion(&race->reader_exit[i]);
		dmabuf_kunit_thread_start(test, "resv", grow_reader_fn,
					  &readers[i], "reader");
	}
	dmabuf_kunit_thread_start(test, "resv", grow_writer_fn, race, "writer");

	dmabuf_kunit_thread_wait(test, &race->writer_exit, THREAD_GRACE,
				 "writer");
	for (i = 0; i < GROW_READERS; i++)
		dmabuf_kunit_thread_wait(test, &race->reader_exit[i],
					 THREAD_GRACE, "reader");

	kunit_info(test, "%d fences added, %d walks, %d restarts, %d snapshots\n",
		   atomic_read(&race->added), atomic_read(&race->walks),
		   atomic_read(&race->restarts),
		   atomic_read(&race->snapshots));
	KUNIT_EXPECT_EQ(test, atomic_read(&race->writer_errors), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&race->added), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&race->bad_fences), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&race->missed), 0);
	KUNIT_EXPECT_GE(test, atomic_read(&race->walks), GROW_READERS);
	/* Everything the writer added has signalled by now. */
	KUNIT_EXPECT_GE(test, count_locked(test, race->obj,
					   DMA_RESV_USAGE_BOOKKEEP),
			(unsigned int)GROW_BASELINE);
	for (i = 0; i < GROW_BASELINE; i++)
		dma_fence_signal(race->baseline[i]);
	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(race->obj,
						       DMA_RESV_USAGE_BOOKKEEP));
}

#define MIX_ADDERS		2
#define MIX_WALKERS		2
#define MIX_LAG			8
#define MIX_PER_ADDER		400

/*
 * Adders attach fences (mostly newer fences of their own timeline, now and
 * then one on a fresh timeline) and signal them a little later; walkers
 * use every read-side helper, and one of them keeps copying the object.
 */
struct mix_race {
	struct dma_resv *obj;
	struct dma_resv *copy;
	u64 fresh_base;
	atomic_t fresh_next;
	unsigned long deadline;
	atomic_t adders_left;
	atomic_t errors;
	atomic_t bad_fences;
	atomic_t loops;
	struct completion go;
	struct completion exit[MIX_ADDERS + MIX_WALKERS];
};

struct mix_thread {
	struct mix_race *race;
	unsigned int id;
};

static bool mix_running(struct mix_race *race)
{
	return !kthread_should_stop() && time_before(jiffies, race->deadline);
}

static int mix_adder_fn(void *data)
{
	struct mix_thread *t = data;
	struct mix_race *race = t->race;
	struct dma_fence *live[MIX_LAG + 1];
	u64 own = dma_fence_context_alloc(1);
	unsigned int n, nlive = 0;

	if (!gate_pass(&race->go))
		goto out;
	for (n = 1; n <= MIX_PER_ADDER && mix_running(race); n++) {
		u64 ctx = own;
		struct dma_fence *f;

		if (n % 8 == 0)
			ctx = race->fresh_base +
			      atomic_inc_return(&race->fresh_next) - 1;
		f = dmabuf_kunit_leaf_alloc(ctx, n);
		if (!f) {
			atomic_inc(&race->errors);
			break;
		}
		if (dma_resv_lock(race->obj, NULL) ||
		    dma_resv_reserve_fences(race->obj, 1)) {
			atomic_inc(&race->errors);
			if (dma_resv_is_locked(race->obj))
				dma_resv_unlock(race->obj);
			dma_fence_put(f);
			break;
		}
		dma_resv_add_fence(race->obj, f, (n + t->id) % ALL_USAGES);
		dma_resv_unlock(race->obj);

		live[nlive++] = f;	/* keeps our reference */
		if (nlive > MIX_LAG) {
			dmabuf_kunit_fence_retire(live[0]);
			memmove(live, live + 1, --nlive * sizeof(live[0]));
		}
		race_pause();
	}

	while (nlive)
		dmabuf_kunit_fence_retire(live[--nlive]);
out:
	atomic_dec(&race->adders_left);
	complete(&race->exit[t->id]);
	return 0;
}

static void mix_walk_once(struct mix_thread *t)
{
	struct mix_race *race = t->race;
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	long ret;

	if (!dma_resv_get_singleton(race->obj, DMA_RESV_USAGE_READ, &fence) &&
	    fence) {
		if (!dma_fence_is_array(fence) && !fence_sane(fence))
			atomic_inc(&race->bad_fences);
		dma_fence_put(fence);
	}

	dma_resv_test_signaled(race->obj, DMA_RESV_USAGE_BOOKKEEP);
	dma_resv_set_deadline(race->obj, DMA_RESV_USAGE_WRITE, ktime_get());
	ret = dma_resv_wait_timeout(race->obj, DMA_RESV_USAGE_KERNEL, true, 0);
	if (ret < 0)
		atomic_inc(&race->errors);

	if (t->id == MIX_ADDERS) {
		/* The copier: the destination is locked, the source not. */
		if (dma_resv_lock(race->copy, NULL)) {
			atomic_inc(&race->errors);
			return;
		}
		if (dma_resv_copy_fences(race->copy, race->obj))
			atomic_inc(&race->errors);
		dma_resv_for_each_fence(&cursor, race->copy,
					DMA_RESV_USAGE_BOOKKEEP, fence)
			if (!fence_sane(fence))
				atomic_inc(&race->bad_fences);
		dma_resv_unlock(race->copy);
	} else if (dma_resv_trylock(race->obj)) {
		dma_resv_for_each_fence(&cursor, race->obj,
					DMA_RESV_USAGE_BOOKKEEP, fence)
			if (!fence_sane(fence))
				atomic_inc(&race->bad_fences);
		dma_resv_unlock(race->obj);
	}
}

static int mix_walker_fn(void *data)
{
	struct mix_thread *t = data;
	struct mix_race *race = t->race;
	bool last;

	if (!gate_pass(&race->go))
		goto out;
	do {
		/* Make sure one pass sees the end state. */
		last = !atomic_read(&race->adders_left);
		mix_walk_once(t);
		atomic_inc(&race->loops);
		race_pause();
	} while (!last && !kthread_should_stop());
out:
	complete(&race->exit[t->id]);
	return 0;
}

static void adders_walkers_and_signallers_run_concurrently(struct kunit *test)
{
	struct mix_race *race = kunit_kzalloc(test, sizeof(*race), GFP_KERNEL);
	unsigned int nthreads = MIX_ADDERS + MIX_WALKERS;
	struct mix_thread *threads;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, race);
	threads = kunit_kcalloc(test, nthreads, sizeof(*threads), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, threads);

	race->obj = resv_new(test);
	race->copy = resv_new(test);
	race->fresh_base = dma_fence_context_alloc(MIX_ADDERS * MIX_PER_ADDER);
	atomic_set(&race->adders_left, MIX_ADDERS);

	init_completion(&race->go);
	for (i = 0; i < nthreads; i++) {
		threads[i].race = race;
		threads[i].id = i;
		init_completion(&race->exit[i]);
	}
	for (i = 0; i < nthreads; i++)
		dmabuf_kunit_thread_start(test, "resv",
					  i < MIX_ADDERS ? mix_adder_fn : mix_walker_fn,
					  &threads[i],
					  i < MIX_ADDERS ? "adder" : "walker");
	race->deadline = jiffies + RACE_BUDGET;
	complete_all(&race->go);
	for (i = 0; i < nthreads; i++)
		dmabuf_kunit_thread_wait(test, &race->exit[i], THREAD_GRACE,
					 "race thread");

	kunit_info(test, "%d walker loops\n", atomic_read(&race->loops));
	KUNIT_EXPECT_GE(test, atomic_read(&race->loops), MIX_WALKERS);
	KUNIT_EXPECT_EQ(test, atomic_read(&race->errors), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&race->bad_fences), 0);
	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(race->obj,
						       DMA_RESV_USAGE_BOOKKEEP));
	KUNIT_EXPECT_TRUE(test, dma_resv_test_signaled(race->copy,
						       DMA_RESV_USAGE_BOOKKEEP));
}

static struct kunit_case dma_resv_race_cases[] = {
	KUNIT_CASE_SLOW(readers_never_see_a_hole_while_writer_grows_list),
	KUNIT_CASE_SLOW(adders_walkers_and_signallers_run_concurrently),
	{}
};

static struct kunit_suite dma_resv_race_suite = {
	.name = "dma_resv_race",
	.test_cases = dma_resv_race_cases,
};

kunit_test_suite(dma_resv_race_suite);

MODULE_DESCRIPTION("KUnit tests for concurrent use of dma_resv reservation objects");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_fence_array": fences that stand for a set of fences.
 *
 * Covered: creation in one step and in two (alloc, then init), the
 * iterators and downcasts, context matching, all-of and any-of completion,
 * error propagation (first error wins), members that completed before
 * creation or before signalling was enabled, lazy enabling, reference
 * ownership, deadline forwarding, a 10k-member array, and races between
 * signalling, enabling, polling and iterating. Running out of memory is in
 * dma_fence_array_faults, arrays holding containers in
 * dma_fence_array_nesting, and which member fixes the status in
 * dma_fence_array_status. Shared helpers are in dma-fence-array-kunit.h.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/dma-fence.h>
#include <linux/dma-fence-array.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/wait.h>

#include "dma-fence-array-kunit.h"

#define BIG_ARRAY		10000
#define STORM_MEMBERS		2048
#define STORM_SIGNALLERS	4
#define STORM_READERS		2

/* ------------------------------------------------------------------ */
/* Creation, iteration, casts                                          */
/* ------------------------------------------------------------------ */

static void create_takes_member_references_and_lists_them(struct kunit *test)
{
	struct dma_fence **leaf = leaves_new(test, 3, 0);
	struct dma_fence_array *array = array_new(test, leaf, 3, false);
	struct dma_fence *fence = &array->base, *member;
	unsigned int i, visits = 0;
	int count;

	KUNIT_EXPECT_TRUE(test, dma_fence_is_array(fence));
	KUNIT_EXPECT_TRUE(test, dma_fence_is_container(fence));
	KUNIT_EXPECT_PTR_EQ(test, to_dma_fence_array(fence), array);
	KUNIT_EXPECT_EQ(test, array->num_fences, 3);
	KUNIT_EXPECT_EQ(test, atomic_read(&array->num_pending), 3);
	KUNIT_EXPECT_EQ(test, fence->seqno, 1);
	KUNIT_EXPECT_STREQ(test, fence->ops->get_driver_name(fence),
			   "dma_fence_array");
	KUNIT_EXPECT_STREQ(test, fence->ops->get_timeline_name(fence),
			   "unbound");
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));

	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_PTR_EQ(test, array->fences[i], leaf[i]);
		KUNIT_EXPECT_EQ(test, kref_read(&leaf[i]->refcount), 2);
	}
	KUNIT_EXPECT_PTR_EQ(test, dma_fence_array_first(fence), leaf[0]);
	KUNIT_EXPECT_PTR_EQ(test, dma_fence_array_next(fence, 2), leaf[2]);
	KUNIT_EXPECT_NULL(test, dma_fence_array_next(fence, 3));

	dma_fence_array_for_each(member, i, fence) {
		KUNIT_EXPECT_PTR_EQ(test, member, leaf[i]);
		visits++;
	}
	KUNIT_EXPECT_EQ(test, visits, 3);
	KUNIT_EXPECT_EQ(test, i, 3);

	/* Counting idiom: a signed index left at the member count. */
	dma_fence_array_for_each(member, count, fence)
		KUNIT_EXPECT_PTR_EQ(test, member, leaf[count]);
	KUNIT_EXPECT_EQ(test, count, 3);
}

static void iterators_treat_plain_fence_as_array_of_one(struct kunit *test)
{
	struct dma_fence *plain = leaves_new(test, 1, 0)[0];
	struct dma_fence *member;
	unsigned int i, visits = 0;

	KUNIT_EXPECT_NULL(test, to_dma_fence_array(plain));
	KUNIT_EXPECT_NULL(test, to_dma_fence_array(NULL));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_array(plain));
	KUNIT_EXPECT_PTR_EQ(test, dma_fence_array_first(plain), plain);
	KUNIT_EXPECT_NULL(test, dma_fence_array_first(NULL));
	KUNIT_EXPECT_NULL(test, dma_fence_array_next(plain, 0));
	KUNIT_EXPECT_NULL(test, dma_fence_array_next(plain, 1));

	dma_fence_array_for_each(member, i, plain) {
		KUNIT_EXPECT_PTR_EQ(test, member, plain);
		KUNIT_EXPECT_EQ(test, i, 0);
		visits++;
	}
	KUNIT_EXPECT_EQ(test, visits, 1);

	dma_fence_array_for_each(member, i, NULL)
		visits++;
	KUNIT_EXPECT_EQ(test, visits, 1);
}

struct match_row {
	const char *name;
	bool array;		/* test an array of three, else one plain fence */
	bool stranger;		/* one fence is on another timeline */
	bool expect;
};

static const struct match_row match_rows[] = {
	{ "plain fence on the context", false, false, true },
	{ "plain fence on another context", false, true, false },
	{ "array entirely on the context", true, false, true },
	{ "array with one member elsewhere", true, true, false },
};

KUNIT_ARRAY_PARAM_DESC(match, match_rows, name);

static void match_context_checks_every_member(struct kunit *test)
{
	const struct match_row *row = test->param_value;
	u64 context = dma_fence_context_alloc(1);
	struct dma_fence **own = leaves_new(test, 3, context);
	struct dma_fence *stranger = leaves_new(test, 1, 0)[0];
	struct dma_fence *leaf[3] = { own[0], own[1], own[2] };
	struct dma_fence *tested;

	if (row->stranger)
		leaf[row->array ? 1 : 0] = stranger;
	tested = row->array ? &array_new(test, leaf, 3, false)->base : leaf[0];

	KUNIT_EXPECT_EQ(test, dma_fence_match_context(tested, context),
			row->expect);
}

static void alloc_then_init_builds_working_array(struct kunit *test)
{
	struct dma_fence **leaf = leaves_new(test, 2, 0);
	struct dma_fence_array *array = dma_fence_array_alloc(2);
	u64 context = dma_fence_context_alloc(1);
	struct probe *probe;

	KUNIT_ASSERT_NOT_NULL(test, array);
	dma_fence_array_init(array, 2, table_of(test, leaf, 2), context, 7,
			     false);
	dmabuf_kunit_fence_own(test, &array->base);

	KUNIT_EXPECT_EQ(test, array->base.context, context);
	KUNIT_EXPECT_EQ(test, array->base.seqno, 7);
	KUNIT_EXPECT_EQ(test, array->num_fences, 2);
	KUNIT_EXPECT_PTR_EQ(test, to_dma_fence_array(&array->base), array);

	probe = probe_attach(test, &array->base);
	KUNIT_EXPECT_EQ(test, probe->base.added, 0);
	dma_fence_signal(leaf[1]);
	dma_fence_signal(leaf[0]);
	dmabuf_kunit_wait_signalled(test, &array->base, WAIT_BUDGET);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&array->base), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&probe->base.calls), 1);
}

/* ------------------------------------------------------------------ */
/* Completion and errors                                               */
/* ------------------------------------------------------------------ */

static void array_signals_only_after_every_member(struct kunit *test)
{
	struct dma_fence **leaf = leaves_new(test, 4, 0);
	struct dma_fence_array *array = array_new(test, leaf, 4, false);
	struct probe *probe = probe_attach(test, &array->base);
	int i;

	KUNIT_ASSERT_EQ(test, probe->base.added, 0);
	for (i = 0; i < 3; i++) {
		dma_fence_signal(leaf[i]);
		KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(&array->base));
		KUNIT_EXPECT_EQ(test, atomic_read(&probe->base.calls), 0);
	}
	dma_fence_signal(leaf[3]);
	dmabuf_kunit_wait_signalled(test, &array->base, WAIT_BUDGET);

	KUNIT_EXPECT_EQ(test, atomic_read(&probe->base.calls), 1);
	KUNIT_EXPECT_EQ(test, probe->members_done, 4);
	KUNIT_EXPECT_EQ(test, probe->base.error, 0);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&array->base), 1);
}

static void signal_on_any_signals_after_first_member(struct kunit *test)
{
	struct dma_fence **leaf = leaves_new(test, 3, 0);
	struct dma_fence_array *array = array_new(test, leaf, 3, true);
	struct probe *probe = probe_attach(test, &array->base);

	KUNIT_ASSERT_EQ(test, probe->base.added, 0);
	dma_fence_signal(leaf[1]);
	dmabuf_kunit_wait_signalled(test, &array->base, WAIT_BUDGET);

	KUNIT_EXPECT_EQ(test, atomic_read(&probe->base.calls), 1);
	KUNIT_EXPECT_EQ(test, probe->members_done, 1);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(leaf[0]));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(leaf[2]));

	dma_fence_signal(leaf[0]);
	dma_fence_signal(leaf[2]);
	KUNIT_EXPECT_EQ(test, atomic_read(&probe->base.calls), 1);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&array->base), 1);
}

struct error_row {
	const char *name;
	bool any;
	int early;		/* members completing before signalling is enabled */
	int order[3];		/* order in which the members complete */
	int error[3];		/* error each member completes with */
	int expect;		/* the array's final dma_fence_get_status() */
};

static const struct error_row error_rows[] = {
	{ "first of two errors wins", false, 0, { 1, 2, 0 },
	  { 0, -EIO, -EINVAL }, -EIO },
	{ "completion order decides, not index", false, 0, { 2, 1, 0 },
	  { 0, -EIO, -EINVAL }, -EINVAL },
	{ "no error gives success", false, 0, { 0, 1, 2 },
	  { 0, 0, 0 }, 1 },
	{ "error of a member done before enabling", false, 1, { 0, 2, 1 },
	  { -ENODEV, 0, -EIO }, -ENODEV },
	{ "late error after an early success", false, 2, { 0, 1, 2 },
	  { 0, 0, -ETIME }, -ETIME },
	{ "any: first member's error", true, 0, { 2, 0, 1 },
	  { -EIO, 0, -EBUSY }, -EBUSY },
	{ "any: errors after the array signalled are ignored", true, 0,
	  { 0, 1, 2 }, { 0, -EIO, -EINVAL }, 1 },
};

KUNIT_ARRAY_PARAM_DESC(error, error_rows, name);

static void array_reports_first_member_error(struct kunit *test)
{
	const struct error_row *row = test->param_value;
	struct dma_fence **leaf = leaves_new(test, 3, 0);
	struct dma_fence_array *array = array_new(test, leaf, 3, row->any);
	struct probe *probe = NULL;
	int i;

	for (i = 0; i < 3; i++) {
		if (i == row->early)
			probe = probe_attach(test, &array->base);
		signal_with(leaf[row->order[i]], row->error[row->order[i]]);
		/* any: the array must have signalled before the rest follow */
		if (row->any && i == 0)
			dmabuf_kunit_wait_signalled(test, &array->base,
						    WAIT_BUDGET);
	}
	dmabuf_kunit_wait_signalled(test, &array->base, WAIT_BUDGET);

	KUNIT_ASSERT_NOT_NULL(test, probe);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&array->base), row->expect);
	KUNIT_EXPECT_EQ(test, atomic_read(&probe->base.calls), 1);
	KUNIT_EXPECT_EQ(test, probe->base.error, min(row->expect, 0));
}

static void array_over_signalled_members_is_signalled_at_once(struct kunit *test)
{
	struct dma_fence **leaf = leaves_new(test, 3, 0);
	struct dma_fence_array *array;
	struct probe *probe;
	int i;

	for (i = 0; i < 3; i++)
		dma_fence_signal(leaf[i]);
	array = array_new(test, leaf, 3, false);

	probe = probe_attach(test, &array->base);
	KUNIT_EXPECT_EQ(test, probe->base.added, -ENOENT);
	KUNIT_EXPECT_TRUE(test, signalled_bit(&array->base));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&array->base), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&probe->base.calls), 0);
}

static void enabling_counts_members_that_already_completed(struct kunit *test)
{
	struct dma_fence **leaf = leaves_new(test, 4, 0);
	struct dma_fence_array *array = array_new(test, leaf, 4, false);
	struct probe *probe;

	dma_fence_signal(leaf[0]);
	dma_fence_signal(leaf[2]);
	probe = probe_attach(test, &array->base);
	KUNIT_ASSERT_EQ(test, probe->base.added, 0);

	dma_fence_signal(leaf[1]);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(&array->base));
	dma_fence_signal(leaf[3]);
	dmabuf_kunit_wait_signalled(test, &array->base, WAIT_BUDGET);
	KUNIT_EXPECT_EQ(test, atomic_read(&probe->base.calls), 1);
	KUNIT_EXPECT_EQ(test, probe->members_done, 4);
}

static void array_hooks_nothing_until_signalling_is_enabled(struct kunit *test)
{
	struct dma_fence **leaf = leaves_new(test, 3, 0);
	struct dma_fence_array *array = array_new(test, leaf, 3, false);
	int i;

	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(&array->base));
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_enables(leaf[i]), 0);
		KUNIT_EXPECT_TRUE(test, list_empty(&leaf[i]->cb_list));
	}

	dma_fence_enable_sw_signaling(&array->base);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_enables(leaf[i]), 1);
		KUNIT_EXPECT_FALSE(test, list_empty(&leaf[i]->cb_list));
	}

	for (i = 0; i < 3; i++)
		dma_fence_signal(leaf[i]);
	dmabuf_kunit_wait_signalled(test, &array->base, WAIT_BUDGET);
}

static void poll_sees_completed_members_without_enabling(struct kunit *test)
{
	struct dma_fence **leaf = leaves_new(test, 2, 0);
	struct dma_fence_array *array = array_new(test, leaf, 2, false);

	dma_fence_signal(leaf[0]);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(&array->base));
	dma_fence_signal(leaf[1]);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(&array->base));

	KUNIT_EXPECT_FALSE(test, test_bit(DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT,
					  &array->base.flags));
	KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_enables(leaf[0]), 0);
	KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_enables(leaf[1]), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&array->base), 1);
}

/* ------------------------------------------------------------------ */
/* Ownership and hints                                                 */
/* ------------------------------------------------------------------ */

static void release_drops_member_references(struct kunit *test)
{
	struct dma_fence **leaf = leaves_new(test, 3, 0);
	struct dma_fence_array *idle = array_raw(test, leaf, 3, false);
	struct dma_fence_array *used = array_raw(test, leaf, 3, false);
	int i;

	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, kref_read(&leaf[i]->refcount), 3);

	/* Never enabled: the last put frees it there and then. */
	dma_fence_put(&idle->base);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, kref_read(&leaf[i]->refcount), 2);

	/* Enabled: its callbacks keep it alive until the members are done. */
	dma_fence_enable_sw_signaling(&used->base);
	dma_fence_put(&used->base);
	KUNIT_EXPECT_EQ(test, kref_read(&leaf[0]->refcount), 2);
	for (i = 0; i < 3; i++)
		dma_fence_signal(leaf[i]);
	for (i = 0; i < 3; i++)
		wait_refcount(test, leaf[i], 1);
}

static void set_deadline_reaches_every_member(struct kunit *test)
{
	struct dma_fence **leaf = leaves_new(test, 3, 0);
	struct dma_fence_array *array = array_new(test, leaf, 3, false);
	ktime_t when = ktime_add_ms(ktime_get(), 5000);
	int i;

	dma_fence_set_deadline(&array->base, when);
	for (i = 0; i < 3; i++) {
		ktime_t hint = dmabuf_kunit_to_leaf(leaf[i])->deadline;

		KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_deadlines(leaf[i]), 1);
		KUNIT_EXPECT_EQ(test, ktime_compare(hint, when), 0);
	}
}

/* ------------------------------------------------------------------ */
/* ------------------------------------------------------------------ */
/* Size                                                                */
/* ------------------------------------------------------------------ */

static void array_of_ten_thousand_members(struct kunit *test)
{
	struct dma_fence **leaf = leaves_new(test, BIG_ARRAY, 0);
	struct dma_fence_array *array = array_new(test, leaf, BIG_ARRAY, false);
	struct probe *probe = probe_attach(test, &array->base);
	struct dma_fence *member;
	unsigned int i, visits = 0;

	KUNIT_ASSERT_EQ(test, probe->base.added, 0);
	for (i = 0; i < BIG_ARRAY - 1; i++) {
		dma_fence_signal(leaf[i]);
		if (!(i % 1024))
			cond_resched();
	}
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(&array->base));
	dma_fence_signal(leaf[BIG_ARRAY - 1]);
	dmabuf_kunit_wait_signalled(test, &array->base, WAIT_BUDGET);

	KUNIT_EXPECT_EQ(test, atomic_read(&probe->base.calls), 1);
	KUNIT_EXPECT_EQ(test, probe->members_done, BIG_ARRAY);
	dma_fence_array_for_each(member, i, &array->base)
		visits++;
	KUNIT_EXPECT_EQ(test, visits, BIG_ARRAY);
}

/* ------------------------------------------------------------------ */
/* Races                                                               */
/* ------------------------------------------------------------------ */

struct storm {
	struct dma_fence_array *array;
	struct dma_fence **leaf;
	u64 context;
	wait_queue_head_t gate_wq;
	bool gate_open;
	struct completion done[STORM_SIGNALLERS + STORM_READERS + 1];
	atomic_t next_signaller;
	atomic_t next_watcher;
	atomic_t bad_walks;
	atomic_t polls;
};

/*
 * Each thread's slot in storm->done. Threads run in no particular order, so
 * signallers count apart from the others: signaller n must own members
 * n, n + STORM_SIGNALLERS, ... whichever thread got to run first.
 */
static int storm_signaller_id(struct storm *storm)
{
	return atomic_inc_return(&storm->next_signaller) - 1;
}

static int storm_watcher_id(struct storm *storm)
{
	return STORM_SIGNALLERS + atomic_inc_return(&storm->next_watcher) - 1;
}

static bool storm_gate_passable(struct storm *storm)
{
	return READ_ONCE(storm->gate_open) || kthread_should_stop();
}

/* False when the case is being torn down instead. */
static bool storm_start(struct storm *storm)
{
	wait_event(storm->gate_wq, storm_gate_passable(storm));
	return !kthread_should_stop();
}

/* Signal every STORM_SIGNALLERS-th member, two of them with errors. */
static int storm_signaller(void *data)
{
	struct storm *storm = data;
	int id = storm_signaller_id(storm);
	unsigned int i;

	if (!storm_start(storm))
		return 0;
	for (i = id; i < STORM_MEMBERS; i += STORM_SIGNALLERS) {
		signal_with(storm->leaf[i], i == 7 ? -EIO :
					    i == 1000 ? -EINVAL : 0);
		cond_resched();
	}
	complete(&storm->done[id]);
	return 0;
}

/* Walk the members and match their context while they complete. */
static int storm_reader(void *data)
{
	struct storm *storm = data;
	int id = storm_watcher_id(storm);
	struct dma_fence *member;
	unsigned int i, seen;

	if (!storm_start(storm))
		return 0;
	while (!signalled_bit(&storm->array->base) && !kthread_should_stop()) {
		seen = 0;
		dma_fence_array_for_each(member, i, &storm->array->base)
			seen += member == storm->leaf[i];
		if (seen != STORM_MEMBERS ||
		    !dma_fence_match_context(&storm->array->base, storm->context))
			atomic_inc(&storm->bad_walks);
		cond_resched();
	}
	complete(&storm->done[id]);
	return 0;
}

/* Poll the array the way waiters do, until it reports completion. */
static int storm_poller(void *data)
{
	struct storm *storm = data;
	int id = storm_watcher_id(storm);

	if (!storm_start(storm))
		return 0;
	while (!dma_fence_is_signaled(&storm->array->base) &&
	       !kthread_should_stop()) {
		dma_fence_get_status(&storm->array->base);
		atomic_inc(&storm->polls);
		cond_resched();
	}
	complete(&storm->done[id]);
	return 0;
}

static void concurrent_signallers_complete_array_exactly_once(struct kunit *test)
{
	struct storm *storm = kunit_kzalloc(test, sizeof(*storm), GFP_KERNEL);
	struct probe *probe;
	int i, status;

	KUNIT_ASSERT_NOT_NULL(test, storm);
	storm->context = dma_fence_context_alloc(1);
	storm->leaf = leaves_new(test, STORM_MEMBERS, storm->context);
	storm->array = array_new(test, storm->leaf, STORM_MEMBERS, false);
	init_waitqueue_head(&storm->gate_wq);
	for (i = 0; i < ARRAY_SIZE(storm->done); i++)
		init_completion(&storm->done[i]);
	probe = probe_attach(test, &storm->array->base);
	KUNIT_ASSERT_EQ(test, probe->base.added, 0);

	for (i = 0; i < STORM_SIGNALLERS; i++)
		dmabuf_kunit_thread_start(test, "dfa", storm_signaller, storm,
					  "kunit");
	for (i = 0; i < STORM_READERS; i++)
		dmabuf_kunit_thread_start(test, "dfa", storm_reader, storm,
					  "kunit");
	dmabuf_kunit_thread_start(test, "dfa", storm_poller, storm, "kunit");
	WRITE_ONCE(storm->gate_open, true);
	wake_up_all(&storm->gate_wq);

	dmabuf_kunit_wait_signalled(test, &storm->array->base, WAIT_BUDGET);
	for (i = 0; i < ARRAY_SIZE(storm->done); i++)
		dmabuf_kunit_thread_wait(test, &storm->done[i], THREAD_GRACE,
					 "a thread of the case");

	status = dma_fence_get_status(&storm->array->base);
	KUNIT_EXPECT_TRUE_MSG(test, status == -EIO || status == -EINVAL,
			      "status %d", status);
	KUNIT_EXPECT_EQ(test, atomic_read(&probe->base.calls), 1);
	KUNIT_EXPECT_EQ(test, probe->members_done, STORM_MEMBERS);
	KUNIT_EXPECT_EQ(test, probe->base.error, status);
	KUNIT_EXPECT_EQ(test, atomic_read(&storm->bad_walks), 0);
}

/*
 * Members complete, two of them with errors, while the case enables
 * signalling on an all-of array, which ends with the first of the errors.
 */
static void enabling_races_member_completion(struct kunit *test)
{
	duel_run(test, false);
}

static struct kunit_case dma_fence_array_cases[] = {
	KUNIT_CASE(create_takes_member_references_and_lists_them),
	KUNIT_CASE(iterators_treat_plain_fence_as_array_of_one),
	KUNIT_CASE_PARAM(match_context_checks_every_member, match_gen_params),
	KUNIT_CASE(alloc_then_init_builds_working_array),
	KUNIT_CASE(array_signals_only_after_every_member),
	KUNIT_CASE(signal_on_any_signals_after_first_member),
	KUNIT_CASE_PARAM(array_reports_first_member_error, error_gen_params),
	KUNIT_CASE(array_over_signalled_members_is_signalled_at_once),
	KUNIT_CASE(enabling_counts_members_that_already_completed),
	KUNIT_CASE(array_hooks_nothing_until_signalling_is_enabled),
	KUNIT_CASE(poll_sees_completed_members_without_enabling),
	KUNIT_CASE(release_drops_member_references),
	KUNIT_CASE(set_deadline_reaches_every_member),
	KUNIT_CASE_SLOW(array_of_ten_thousand_members),
	KUNIT_CASE_SLOW(concurrent_signallers_complete_array_exactly_once),
	KUNIT_CASE_SLOW(enabling_races_member_completion),
	{}
};

static struct kunit_suite dma_fence_array_suite = {
	.name = "dma_fence_array",
	.test_cases = dma_fence_array_cases,
};

kunit_test_suite(dma_fence_array_suite);

MODULE_DESCRIPTION("KUnit tests for dma_fence_array");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_fence_array_status": the status an array completes
 * with is fixed by the members that complete it, whichever path notices.
 *
 * A signal_on_any array takes the status of the member that decided it,
 * even when later members complete, with errors, before the array itself
 * gets signalled from its irq_work. A poll that finds every member of an
 * all-of array complete gives the array the first error among them, as
 * the callbacks would have.
 */

#include <kunit/test.h>
#include <linux/dma-fence.h>
#include <linux/dma-fence-array.h>
#include <linux/module.h>

#include "dma-fence-array-kunit.h"

/* The member that completes a signal_on_any array first decides it. */
static void signal_on_any_outcome_is_fixed_by_deciding_member(struct kunit *test)
{
	struct dma_fence **leaf = leaves_new(test, 2, 0);
	struct dma_fence_array *array = array_new(test, leaf, 2, true);

	dma_fence_enable_sw_signaling(&array->base);
	dma_fence_signal(leaf[0]);
	/* No wait: the irq_work may not have signalled the array yet. */
	signal_with(leaf[1], -EIO);
	dmabuf_kunit_wait_signalled(test, &array->base, WAIT_BUDGET);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&array->base), 1);
}

/* Polling completes an all-of array with its members' first error. */
static void poll_carries_member_error(struct kunit *test)
{
	struct dma_fence **leaf = leaves_new(test, 2, 0);
	struct dma_fence_array *array = array_new(test, leaf, 2, false);

	signal_with(leaf[1], -ENODEV);
	signal_with(leaf[0], 0);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(&array->base));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(&array->base), -ENODEV);
}

/*
 * Members complete while the case enables signalling on a signal_on_any
 * array: member 0 completes first and without error, so the array
 * succeeds, whatever the members after it bring and however far the
 * array had got with enabling when they did.
 */
static void enabling_races_member_completion_on_any(struct kunit *test)
{
	duel_run(test, true);
}

static struct kunit_case dma_fence_array_status_cases[] = {
	KUNIT_CASE(signal_on_any_outcome_is_fixed_by_deciding_member),
	KUNIT_CASE(poll_carries_member_error),
	KUNIT_CASE_SLOW(enabling_races_member_completion_on_any),
	{}
};

static struct kunit_suite dma_fence_array_status_suite = {
	.name = "dma_fence_array_status",
	.test_cases = dma_fence_array_status_cases,
};

kunit_test_suite(dma_fence_array_status_suite);

MODULE_DESCRIPTION("KUnit tests for the status a dma_fence_array completes with");
MODULE_LICENSE("GPL");

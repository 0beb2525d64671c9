// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_fence_array_faults": fence arrays that cannot get their
 * memory.
 *
 * Covered: counts no allocation can satisfy, which fail without a
 * warning, and running out of memory, the allocation redirected by
 * a KUnit static stub (see ../dma-buf-kunit-hooks.h): a failed create
 * leaves the members and their references to the caller.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/dma-fence.h>
#include <linux/dma-fence-array.h>
#include <linux/limits.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "dma-fence-array-kunit.h"
#include "../dma-buf-kunit-hooks.h"

/* ------------------------------------------------------------------ */
/* Counts no allocation can satisfy                                    */
/* ------------------------------------------------------------------ */

struct alloc_row {
	const char *name;
	int count;
};

static const struct alloc_row alloc_rows[] = {
	{ "negative count", -1 },
	{ "most negative count", INT_MIN },
	{ "count beyond any allocation", INT_MAX },
	{ "count of gigabytes", 1 << 28 },
};

KUNIT_ARRAY_PARAM_DESC(alloc, alloc_rows, name);

/*
 * A negative count fails at once, and a count whose array no allocation
 * can hold fails quietly: NULL, and no warning from the allocator.
 */
static void alloc_fails_cleanly_for_impossible_counts(struct kunit *test)
{
	const struct alloc_row *row = test->param_value;
	struct dma_fence_array *array;

	array = dma_fence_array_alloc(row->count);
	KUNIT_EXPECT_NULL(test, array);
	kfree(array);
}

/* ------------------------------------------------------------------ */
/* Running out of memory                                               */
/* ------------------------------------------------------------------ */

struct refusal_row {
	const char *name;
	bool any;
};

static const struct refusal_row refusal_rows[] = {
	{ "all-of array", false },
	{ "any-of array", true },
};

KUNIT_ARRAY_PARAM_DESC(refusal, refusal_rows, name);

/* Allocations the stand-in below refused during the running case. */
static unsigned int refused;

/* Replaces the array's allocation: there is no memory left. */
static void *array_mem_refused(size_t bytes)
{
	refused++;
	return NULL;
}

/* From here to the end of the case (or a deactivation), arrays fail. */
static void refuse_array_memory(struct kunit *test)
{
	refused = 0;
	kunit_activate_static_stub(test, dma_fence_array_alloc_mem,
				   array_mem_refused);
}

static void alloc_returns_null_when_memory_runs_out(struct kunit *test)
{
	struct dma_fence_array *array;

	refuse_array_memory(test);
	KUNIT_EXPECT_NULL(test, dma_fence_array_alloc(1));
	KUNIT_EXPECT_NULL(test, dma_fence_array_alloc(64));
	KUNIT_EXPECT_EQ(test, refused, 2U);

	/* The refusal was the stand-in's doing, nothing else's. */
	kunit_deactivate_static_stub(test, dma_fence_array_alloc_mem);
	array = dma_fence_array_alloc(64);
	KUNIT_EXPECT_NOT_NULL(test, array);
	kfree(array);
}

/*
 * A failed create leaves the member list and its references with the
 * caller, untouched, and takes none of its own.
 */
static void create_without_memory_leaves_members_to_caller(struct kunit *test)
{
	const struct refusal_row *row = test->param_value;
	struct dma_fence **leaf = leaves_new(test, 3, 0);
	struct dma_fence **table = table_of(test, leaf, 3);
	struct dma_fence_array *array;
	unsigned int i;

	refuse_array_memory(test);
	array = dma_fence_array_create(3, table, dma_fence_context_alloc(1), 1,
				       row->any);
	KUNIT_EXPECT_NULL(test, array);
	KUNIT_EXPECT_EQ(test, refused, 1U);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_PTR_EQ(test, table[i], leaf[i]);
		KUNIT_EXPECT_EQ(test, kref_read(&leaf[i]->refcount), 2);
		KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_enables(leaf[i]), 0);
	}

	if (array)	/* keep a broken implementation from leaking */
		dma_fence_put(&array->base);
	else
		table_drop(table, 3);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, kref_read(&leaf[i]->refcount), 1);
}

static struct kunit_case dma_fence_array_faults_cases[] = {
	KUNIT_CASE_PARAM(alloc_fails_cleanly_for_impossible_counts,
			 alloc_gen_params),
	KUNIT_CASE(alloc_returns_null_when_memory_runs_out),
	KUNIT_CASE_PARAM(create_without_memory_leaves_members_to_caller,
			 refusal_gen_params),
	{}
};

static struct kunit_suite dma_fence_array_faults_suite = {
	.name = "dma_fence_array_faults",
	.test_cases = dma_fence_array_faults_cases,
};

kunit_test_suite(dma_fence_array_faults_suite);

MODULE_DESCRIPTION("KUnit tests for dma_fence_array running out of memory");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

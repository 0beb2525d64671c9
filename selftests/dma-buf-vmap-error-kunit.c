// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_buf_vmap_error": an exporter's vmap that fails. The
 * core hands the error back to the caller without a warning: running out
 * of memory or address space is no bug of anyone's, and a kernel booted
 * with panic_on_warn must survive it. Nothing is left mapped or counted,
 * and the buffer still works. See dma-buf-kunit.c for how the suites work.
 */

#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/iosys-map.h>
#include <linux/module.h>

#include "dma-buf-core-kunit.h"

static void inject_vmap(struct kunit *test, struct dmabuf_test_buffer *buf,
			int err)
{
	struct iosys_map map;

	KUNIT_EXPECT_EQ(test, dma_buf_vmap_unlocked(buf->dmabuf, &map), err);
	KUNIT_EXPECT_TRUE(test, iosys_map_is_null(&map));
	KUNIT_EXPECT_EQ(test, buf->dmabuf->vmapping_counter, 0U);
}

static void failing_vmap_leaves_nothing_behind(struct kunit *test)
{
	static const struct injection inj = {
		.name = "vmap",
		.call = DMABUF_TEST_VMAP,
		.err = -ENOMEM,
		.run = inject_vmap,
	};

	run_injection(test, &inj);
}

static struct kunit_case dma_buf_vmap_error_cases[] = {
	KUNIT_CASE(failing_vmap_leaves_nothing_behind),
	{}
};

static struct kunit_suite dma_buf_vmap_error_suite = {
	.name = "dma_buf_vmap_error",
	.test_cases = dma_buf_vmap_error_cases,
};

kunit_test_suite(dma_buf_vmap_error_suite);

MODULE_DESCRIPTION("KUnit tests of the dma-buf core: a failing exporter vmap");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_buf_export_checks": exports the core refuses. An
 * exporter without map_dma_buf, unmap_dma_buf, release or a private
 * pointer, with only one of pin and unpin, or caching its mappings while
 * it can be pinned, gets -EINVAL and no buffer, and no callback of it is
 * ever called. Each is an exporter bug, but one that the -EINVAL already
 * reports to the caller, so the core names the culprit in one line and
 * leaves out the backtrace of a warning. See dma-buf-kunit.c for how the
 * suites work.
 */

#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/module.h>
#include <linux/string.h>

#include "dma-buf-core-kunit.h"

/* Exports the core must refuse, each by breaking one rule. */
struct bad_export {
	const char *name;
	void (*spoil)(struct dmabuf_test_buffer *buf);
};

static void spoil_map(struct dmabuf_test_buffer *buf)
{
	buf->ops.map_dma_buf = NULL;
}

static void spoil_unmap(struct dmabuf_test_buffer *buf)
{
	buf->ops.unmap_dma_buf = NULL;
}

static void spoil_release(struct dmabuf_test_buffer *buf)
{
	buf->ops.release = NULL;
}

static void spoil_priv(struct dmabuf_test_buffer *buf)
{
	buf->priv = NULL;
}

static void spoil_unpin(struct dmabuf_test_buffer *buf)
{
	buf->ops.unpin = NULL;
}

static void spoil_pin(struct dmabuf_test_buffer *buf)
{
	buf->ops.pin = NULL;
}

static void spoil_cache(struct dmabuf_test_buffer *buf)
{
	buf->ops.cache_sgt_mapping = true;
}

static const struct bad_export bad_exports[] = {
	{ "no map_dma_buf", spoil_map },
	{ "no unmap_dma_buf", spoil_unmap },
	{ "no release", spoil_release },
	{ "no priv", spoil_priv },
	{ "pin without unpin", spoil_unpin },
	{ "unpin without pin", spoil_pin },
	{ "cache_sgt_mapping with pin", spoil_cache },
};

static void bad_export_desc(const struct bad_export *bad, char *desc)
{
	strscpy(desc, bad->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_export, bad_exports, bad_export_desc);

static void export_without_mandatory_parts_is_einval(struct kunit *test)
{
	const struct bad_export *bad = test->param_value;
	struct dmabuf_test_params params = {
		.size = BUF_SIZE,
		.flags = DMABUF_TEST_DYNAMIC,
		.file_flags = O_RDWR,
	};
	struct dmabuf_test_buffer *buf;
	int i;

	buf = dmabuf_test_prepare(&params);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buf));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, buf_unref, buf),
			0);
	bad->spoil(buf);
	KUNIT_EXPECT_EQ(test, dmabuf_test_export(buf), -EINVAL);
	KUNIT_EXPECT_NULL(test, buf->dmabuf);
	for (i = 0; i < DMABUF_TEST_NR_CALLS; i++)
		KUNIT_EXPECT_EQ_MSG(test, calls(buf, i), 0, "callback %d", i);
}

static struct kunit_case dma_buf_export_checks_cases[] = {
	KUNIT_CASE_PARAM(export_without_mandatory_parts_is_einval,
			 bad_export_gen_params),
	{}
};

static struct kunit_suite dma_buf_export_checks_suite = {
	.name = "dma_buf_export_checks",
	.test_cases = dma_buf_export_checks_cases,
};

kunit_test_suite(dma_buf_export_checks_suite);

MODULE_DESCRIPTION("KUnit tests of the dma-buf core: exports it refuses");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);

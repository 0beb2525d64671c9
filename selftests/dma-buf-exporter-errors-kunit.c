// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_buf_exporter_errors": every exporter callback that may
 * fail, made to fail by the test exporter. The core must pass the error
 * on, undo whatever it did before the failure, cache nothing of it, and
 * leave the buffer as good as new. See dma-buf-kunit.c for how the suites
 * work.
 */

#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/module.h>
#include <linux/string.h>

#include "dma-buf-core-kunit.h"

static void inject_static_attach(struct kunit *test,
				 struct dmabuf_test_buffer *buf, int err)
{
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");

	KUNIT_EXPECT_PTR_EQ(test, dma_buf_attach(buf->dmabuf, dev),
			    ERR_PTR(err));
}

static void inject_dynamic_attach(struct kunit *test,
				  struct dmabuf_test_buffer *buf, int err)
{
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct importer *imp = new_importer(test);

	KUNIT_EXPECT_PTR_EQ(test, dma_buf_dynamic_attach(buf->dmabuf, dev,
							 importer_ops(), imp),
			    ERR_PTR(err));
	KUNIT_EXPECT_EQ(test, atomic_read(&imp->moves), 0);
}

static void inject_explicit_pin(struct kunit *test,
				struct dmabuf_test_buffer *buf, int err)
{
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct importer *imp = new_importer(test);
	struct dma_buf_attachment *attach = attach_as(test, buf, dev, imp);

	dma_resv_lock(buf->dmabuf->resv, NULL);
	KUNIT_EXPECT_EQ(test, dma_buf_pin(attach), err);
	dma_resv_unlock(buf->dmabuf->resv);
	detach(test, attach);
}

static void inject_static_map(struct kunit *test,
			      struct dmabuf_test_buffer *buf, int err)
{
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct dma_buf_attachment *attach = attach_static(test, buf, dev);
	struct sg_table *sgt;

	KUNIT_EXPECT_PTR_EQ(test,
			    dma_buf_map_attachment_unlocked(attach,
							    DMA_TO_DEVICE),
			    ERR_PTR(err));
	KUNIT_EXPECT_PTR_EQ(test, map_locked(attach, DMA_FROM_DEVICE),
			    ERR_PTR(err));
	/* A failed mapping is not cached: the next request asks again. */
	dmabuf_test_fail(buf, DMABUF_TEST_MAP, 0);
	sgt = dma_buf_map_attachment_unlocked(attach, DMA_FROM_DEVICE);
	expect_sgt_of(test, sgt, buf);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MAP), 3);
	if (!IS_ERR_OR_NULL(sgt))
		dma_buf_unmap_attachment_unlocked(attach, sgt,
						  DMA_FROM_DEVICE);
	detach(test, attach);
}

static void inject_dynamic_map(struct kunit *test,
			       struct dmabuf_test_buffer *buf, int err)
{
	struct device *dev = new_dev(test, "dmabuf-kunit-imp");
	struct importer *imp = new_importer(test);
	struct dma_buf_attachment *attach = attach_as(test, buf, dev, imp);

	KUNIT_EXPECT_PTR_EQ(test, map_locked(attach, DMA_TO_DEVICE),
			    ERR_PTR(err));
	KUNIT_EXPECT_EQ(test, atomic_read(&buf->pinned), 0);
	detach(test, attach);
}

static void inject_begin_cpu(struct kunit *test,
			     struct dmabuf_test_buffer *buf, int err)
{
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(buf->dmabuf,
						       DMA_TO_DEVICE), err);
}

static void inject_end_cpu(struct kunit *test, struct dmabuf_test_buffer *buf,
			   int err)
{
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(buf->dmabuf,
						       DMA_TO_DEVICE), 0);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(buf->dmabuf,
						     DMA_TO_DEVICE), err);
}

static void inject_mmap(struct kunit *test, struct dmabuf_test_buffer *buf,
			int err)
{
	struct file *file = new_forwarder(test, buf->dmabuf, 0);

	KUNIT_EXPECT_EQ(test, (long)map_user(test, buf->dmabuf->file, 0, 1),
			(long)err);
	KUNIT_EXPECT_EQ(test, (long)map_user(test, file, 0, 1), (long)err);
	/* The failed vma may have held the buffer's file for a moment. */
	flush_delayed_fput();
	KUNIT_EXPECT_EQ(test, file_count(buf->dmabuf->file), 1L);
}

static const struct injection injections[] = {
	{ "attach of static importer", 0, DMABUF_TEST_ATTACH, -ENODEV,
	  inject_static_attach },
	{ "attach of dynamic importer", DMABUF_TEST_DYNAMIC,
	  DMABUF_TEST_ATTACH, -EBUSY, inject_dynamic_attach },
	{ "pin at static attach", DMABUF_TEST_DYNAMIC, DMABUF_TEST_PIN,
	  -ENOMEM, inject_static_attach },
	{ "explicit pin", DMABUF_TEST_DYNAMIC, DMABUF_TEST_PIN, -ENOSPC,
	  inject_explicit_pin },
	{ "map of static importer", 0, DMABUF_TEST_MAP, -ENOMEM,
	  inject_static_map },
	{ "map of static importer, caching", DMABUF_TEST_CACHE_SGT,
	  DMABUF_TEST_MAP, -EIO, inject_static_map },
	{ "map at static attach to dynamic", DMABUF_TEST_DYNAMIC,
	  DMABUF_TEST_MAP, -ENOMEM, inject_static_attach },
	{ "map at dynamic attach to static", 0, DMABUF_TEST_MAP, -EIO,
	  inject_dynamic_attach },
	{ "map of dynamic importer", DMABUF_TEST_DYNAMIC, DMABUF_TEST_MAP,
	  -EINTR, inject_dynamic_map },
	{ "begin_cpu_access", 0, DMABUF_TEST_BEGIN_CPU, -EIO,
	  inject_begin_cpu },
	{ "end_cpu_access", 0, DMABUF_TEST_END_CPU, -ERESTARTSYS,
	  inject_end_cpu },
	{ "mmap", 0, DMABUF_TEST_MMAP, -ENOMEM, inject_mmap },
};

static void injection_desc(const struct injection *inj, char *desc)
{
	strscpy(desc, inj->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(injection, injections, injection_desc);

static void failing_callback_leaves_nothing_behind(struct kunit *test)
{
	run_injection(test, test->param_value);
}

static struct kunit_case dma_buf_exporter_errors_cases[] = {
	KUNIT_CASE_PARAM(failing_callback_leaves_nothing_behind,
			 injection_gen_params),
	{}
};

static struct kunit_suite dma_buf_exporter_errors_suite = {
	.name = "dma_buf_exporter_errors",
	.test_cases = dma_buf_exporter_errors_cases,
};

kunit_test_suite(dma_buf_exporter_errors_suite);

MODULE_DESCRIPTION("KUnit tests of the dma-buf core: failing exporter callbacks");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

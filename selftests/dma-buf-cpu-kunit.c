// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_buf_cpu": the dma-buf core's CPU side. Kernel mappings
 * (shared and counted, and refused without exporter support), CPU access
 * with the implicit waits of each direction, and user mappings, of the
 * buffer's own fd or forwarded by an importing driver, with their range
 * and offset checks. See dma-buf-kunit.c for how the suites work.
 */

#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/err.h>
#include <linux/file.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/string.h>

#include "dma-buf-core-kunit.h"

/* ------------------------------------------------------------------ */
/* Kernel mappings                                                     */
/* ------------------------------------------------------------------ */

static int vmap_either(struct dma_buf *dmabuf, struct iosys_map *map,
		       bool locked)
{
	int ret;

	if (!locked)
		return dma_buf_vmap_unlocked(dmabuf, map);
	dma_resv_lock(dmabuf->resv, NULL);
	ret = dma_buf_vmap(dmabuf, map);
	dma_resv_unlock(dmabuf->resv);
	return ret;
}

static void vunmap_either(struct dma_buf *dmabuf, struct iosys_map *map,
			  bool locked)
{
	if (!locked) {
		dma_buf_vunmap_unlocked(dmabuf, map);
		return;
	}
	dma_resv_lock(dmabuf->resv, NULL);
	dma_buf_vunmap(dmabuf, map);
	dma_resv_unlock(dmabuf->resv);
}

static void vmap_is_shared_and_counted(struct kunit *test)
{
	const bool *locked = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct dma_buf *dmabuf = buf->dmabuf;
	struct iosys_map a, b, c;

	KUNIT_ASSERT_EQ(test, vmap_either(dmabuf, &a, *locked), 0);
	KUNIT_ASSERT_EQ(test, vmap_either(dmabuf, &b, *locked), 0);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_VMAP), 1);
	KUNIT_EXPECT_FALSE(test, a.is_iomem);
	KUNIT_EXPECT_PTR_EQ(test, a.vaddr, buf->vaddr);
	KUNIT_EXPECT_TRUE(test, iosys_map_is_equal(&a, &b));

	vunmap_either(dmabuf, &b, *locked);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_VUNMAP), 0);
	vunmap_either(dmabuf, &a, *locked);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_VUNMAP), 1);
	KUNIT_EXPECT_NULL(test, buf->vaddr);

	/* Mapping again asks the exporter again. */
	KUNIT_ASSERT_EQ(test, vmap_either(dmabuf, &c, *locked), 0);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_VMAP), 2);
	vunmap_either(dmabuf, &c, *locked);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_VUNMAP), 2);
}

static void vmap_shows_the_buffer_pages(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct iosys_map map;
	unsigned int i;
	u8 *bytes;

	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(buf->dmabuf, &map), 0);
	bytes = map.vaddr;
	KUNIT_EXPECT_TRUE(test, !memchr_inv(bytes, 0, BUF_SIZE));
	for (i = 0; i < NPAGES; i++)
		bytes[i * PAGE_SIZE + i] = 0xa0 + i;
	for (i = 0; i < NPAGES; i++) {
		u8 *page = page_address(buf->pages[i]);

		KUNIT_EXPECT_EQ(test, page[i], 0xa0 + i);
	}
	dma_buf_vunmap_unlocked(buf->dmabuf, &map);
}

static void vmap_without_exporter_support_is_einval(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, DMABUF_TEST_NO_VMAP);
	struct iosys_map map;

	iosys_map_set_vaddr(&map, buf);
	KUNIT_EXPECT_EQ(test, dma_buf_vmap_unlocked(buf->dmabuf, &map),
			-EINVAL);
	KUNIT_EXPECT_TRUE(test, iosys_map_is_null(&map));
	KUNIT_EXPECT_EQ(test, buf->dmabuf->vmapping_counter, 0U);
}

/* ------------------------------------------------------------------ */
/* CPU access                                                          */
/* ------------------------------------------------------------------ */

static const enum dma_data_direction cpu_dirs[] = {
	DMA_BIDIRECTIONAL, DMA_TO_DEVICE, DMA_FROM_DEVICE,
};

static void cpu_dir_desc(const enum dma_data_direction *dir, char *desc)
{
	static const char * const names[] = {
		[DMA_BIDIRECTIONAL] = "bidirectional",
		[DMA_TO_DEVICE] = "to device",
		[DMA_FROM_DEVICE] = "from device",
	};

	strscpy(desc, names[*dir], KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cpu_dir, cpu_dirs, cpu_dir_desc);

static void cpu_access_passes_the_direction_to_exporter(struct kunit *test)
{
	const enum dma_data_direction *dir = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);

	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(buf->dmabuf, *dir), 0);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_BEGIN_CPU), 1);
	KUNIT_EXPECT_EQ(test, buf->last_dir[DMABUF_TEST_BEGIN_CPU], *dir);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_END_CPU), 0);

	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(buf->dmabuf, *dir), 0);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_END_CPU), 1);
	KUNIT_EXPECT_EQ(test, buf->last_dir[DMABUF_TEST_END_CPU], *dir);
}

struct cpu_wait {
	enum dma_data_direction dir;
	enum dma_resv_usage usage;
	bool blocks;
	bool exporter_hooks;
	const char *name;
};

static const struct cpu_wait cpu_waits[] = {
	{ DMA_FROM_DEVICE, DMA_RESV_USAGE_WRITE, true, true,
	  "read waits for writer" },
	{ DMA_FROM_DEVICE, DMA_RESV_USAGE_KERNEL, true, true,
	  "read waits for kernel" },
	{ DMA_FROM_DEVICE, DMA_RESV_USAGE_READ, false, true,
	  "read ignores reader" },
	{ DMA_TO_DEVICE, DMA_RESV_USAGE_READ, true, true,
	  "write waits for reader" },
	{ DMA_BIDIRECTIONAL, DMA_RESV_USAGE_READ, true, true,
	  "bidirectional waits for reader" },
	{ DMA_TO_DEVICE, DMA_RESV_USAGE_BOOKKEEP, false, true,
	  "write ignores bookkeeping" },
	{ DMA_TO_DEVICE, DMA_RESV_USAGE_WRITE, true, false,
	  "write waits without exporter hooks" },
};

static void cpu_wait_desc(const struct cpu_wait *row, char *desc)
{
	strscpy(desc, row->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cpu_wait, cpu_waits, cpu_wait_desc);

static void begin_cpu_access_waits_for_fences_of_its_direction(struct kunit *test)
{
	const struct cpu_wait *row = test->param_value;
	struct dmabuf_test_buffer *buf =
		new_buf(test, row->exporter_hooks ? 0 :
			DMABUF_TEST_NO_CPU_ACCESS);
	struct waiter *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	struct dma_fence *fence;

	KUNIT_ASSERT_NOT_NULL(test, w);
	w->buf = buf;
	w->dir = row->dir;
	fence = add_pending_fence(test, buf->dmabuf->resv, row->usage);

	run_waiter(test, begin_waiter_fn, w, fence, row->blocks);
	KUNIT_EXPECT_EQ(test, w->ret, 0);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_BEGIN_CPU),
			row->exporter_hooks ? 1 : 0);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(buf->dmabuf, row->dir), 0);
}

static void end_cpu_access_does_not_wait(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);

	add_pending_fence(test, buf->dmabuf->resv, DMA_RESV_USAGE_KERNEL);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(buf->dmabuf,
						     DMA_BIDIRECTIONAL), 0);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_END_CPU), 1);
}

/* ------------------------------------------------------------------ */
/* User mappings                                                       */
/* ------------------------------------------------------------------ */

static void mmap_of_fd_maps_the_buffer_pages(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	unsigned long addr;
	u8 byte = 0x5a;

	mark_pages(buf);
	addr = map_user(test, buf->dmabuf->file, 0, NPAGES);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(addr), "mmap: %ld",
			       (long)addr);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MMAP), 1);
	expect_user_marks(test, addr, NPAGES, 0);
	KUNIT_EXPECT_EQ(test, copy_to_user((void __user *)(addr + PAGE_SIZE),
					   &byte, 1), 0UL);
	KUNIT_EXPECT_EQ(test, *(u8 *)page_address(buf->pages[1]), 0x5a);
	unmap_user(addr, NPAGES);
}

struct mmap_range {
	unsigned long pgoff, pages;
	int err;
	const char *name;
};

static const struct mmap_range fd_mmap_ranges[] = {
	{ 0, NPAGES, 0, "whole buffer" },
	{ NPAGES - 1, 1, 0, "last page" },
	{ 1, NPAGES - 2, 0, "middle" },
	{ 0, NPAGES + 1, -EINVAL, "one page too long" },
	{ 1, NPAGES, -EINVAL, "offset plus length too long" },
	{ NPAGES, 1, -EINVAL, "offset at the end" },
	{ 1UL << 30, 1, -EINVAL, "offset far beyond" },
};

static void mmap_range_desc(const struct mmap_range *range, char *desc)
{
	strscpy(desc, range->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(fd_mmap_range, fd_mmap_ranges, mmap_range_desc);

static void mmap_of_fd_stays_within_the_buffer(struct kunit *test)
{
	const struct mmap_range *range = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	unsigned long addr;

	mark_pages(buf);
	addr = map_user(test, buf->dmabuf->file, range->pgoff, range->pages);
	if (range->err) {
		KUNIT_EXPECT_EQ(test, (long)addr, (long)range->err);
		/* The exporter never saw a range it could not serve. */
		KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MMAP), 0);
		return;
	}
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(addr), "mmap: %ld",
			       (long)addr);
	expect_user_marks(test, addr, range->pages, range->pgoff);
	unmap_user(addr, range->pages);
}

static const struct mmap_range fwd_mmap_ranges[] = {
	{ 0, NPAGES, 0, "whole buffer" },
	{ 2, NPAGES - 2, 0, "tail" },
	{ NPAGES - 1, 1, 0, "last page" },
	{ 1, NPAGES, -EINVAL, "offset plus length too long" },
	{ NPAGES, 1, -EINVAL, "offset at the end" },
	{ ULONG_MAX, 1, -EOVERFLOW, "offset plus length wraps" },
	{ ULONG_MAX - 1, 4, -EOVERFLOW, "offset plus length wraps later" },
};

KUNIT_ARRAY_PARAM(fwd_mmap_range, fwd_mmap_ranges, mmap_range_desc);

static void mmap_forwarded_by_importer_checks_its_offset(struct kunit *test)
{
	const struct mmap_range *range = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct file *file = new_forwarder(test, buf->dmabuf, range->pgoff);
	struct forwarder *fw = file->private_data;
	unsigned long addr;

	mark_pages(buf);
	/* The importer's own offset is 0: only the forwarded one counts. */
	addr = map_user(test, file, 0, range->pages);
	KUNIT_EXPECT_EQ(test, fw->ret, range->err);
	if (range->err) {
		KUNIT_EXPECT_EQ(test, (long)addr, (long)range->err);
		KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MMAP), 0);
		return;
	}
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(addr), "mmap: %ld",
			       (long)addr);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_MMAP), 1);
	/* The vma now maps the buffer's file, holding a reference to it. */
	KUNIT_EXPECT_EQ(test, file_count(buf->dmabuf->file), 2L);
	expect_user_marks(test, addr, range->pages, range->pgoff);
	unmap_user(addr, range->pages);
	KUNIT_EXPECT_EQ(test, file_count(buf->dmabuf->file), 1L);
}

static void mmap_without_exporter_support_is_einval(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, DMABUF_TEST_NO_MMAP);
	struct file *file = new_forwarder(test, buf->dmabuf, 0);
	unsigned long addr;

	addr = map_user(test, buf->dmabuf->file, 0, 1);
	KUNIT_EXPECT_EQ(test, (long)addr, (long)-EINVAL);
	addr = map_user(test, file, 0, 1);
	KUNIT_EXPECT_EQ(test, (long)addr, (long)-EINVAL);
	flush_delayed_fput();
	KUNIT_EXPECT_EQ(test, file_count(buf->dmabuf->file), 1L);
}

static struct kunit_case dma_buf_cpu_cases[] = {
	KUNIT_CASE_PARAM(vmap_is_shared_and_counted, lock_variant_gen_params),
	KUNIT_CASE(vmap_shows_the_buffer_pages),
	KUNIT_CASE(vmap_without_exporter_support_is_einval),
	KUNIT_CASE_PARAM(cpu_access_passes_the_direction_to_exporter,
			 cpu_dir_gen_params),
	KUNIT_CASE_PARAM(begin_cpu_access_waits_for_fences_of_its_direction,
			 cpu_wait_gen_params),
	KUNIT_CASE(end_cpu_access_does_not_wait),
	KUNIT_CASE(mmap_of_fd_maps_the_buffer_pages),
	KUNIT_CASE_PARAM(mmap_of_fd_stays_within_the_buffer,
			 fd_mmap_range_gen_params),
	KUNIT_CASE_PARAM(mmap_forwarded_by_importer_checks_its_offset,
			 fwd_mmap_range_gen_params),
	KUNIT_CASE(mmap_without_exporter_support_is_einval),
	{}
};

static struct kunit_suite dma_buf_cpu_suite = {
	.name = "dma_buf_cpu",
	.test_cases = dma_buf_cpu_cases,
};

kunit_test_suite(dma_buf_cpu_suite);

MODULE_DESCRIPTION("KUnit tests of the dma-buf core: CPU access and mappings");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

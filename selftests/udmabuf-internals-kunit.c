// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "udmabuf_internals": the in-kernel side of /dev/udmabuf.
 *
 * Covered: the size limit in pages, the checks of a request's ranges
 * (alignment, empty ranges, offset plus size wrapping or leaving the
 * loff_t range, the sum against the limit), which files and seals are
 * accepted, and whole creations on shmem files: the pages pinned in
 * order, a failing later range or a failing dma_buf_fd() (redirected by a
 * KUnit static stub) leaving nothing pinned, vmap, and where the
 * architecture has a DMA API, attachment mapping (within the importer's
 * segment limit) and CPU access, also from two threads at once.
 *
 * The ioctls themselves are the "udmabuf" suite's (udmabuf-kunit.c) and
 * the userspace kselftest's (dmabuf-udmabuf). Here udmabuf_create() is
 * called directly, on the memfds of udmabuf-kunit.h.
 *
 * Everything here calls into udmabuf.c's internals, which it declares in
 * ../dma-buf-kunit-hooks.h and exports, in kernels with KUnit only, to
 * the EXPORTED_FOR_KUNIT_TESTING namespace.
 */

#include <kunit/device.h>
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/device.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/iosys-map.h>
#include <linux/kthread.h>
#include <linux/limits.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/rcupdate.h>
#include <linux/scatterlist.h>
#include <linux/shmem_fs.h>
#include <linux/sizes.h>
#include <uapi/linux/udmabuf.h>

#include "dmabuf-kunit.h"
#include "udmabuf-kunit.h"
#include "../dma-buf-kunit-hooks.h"

#define SEAL_BITS	(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | \
			 F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* udmabuf_count_pages() of @n ranges under @max pages; @pages gets the sum. */
static int count(const struct udmabuf_create_item *items, u32 n, u64 max,
		 pgoff_t *pages)
{
	*pages = 0;
	return udmabuf_count_pages(items, n, max, pages);
}

/* Is page @index of @file pinned (FOLL_PIN) by anyone? */
static bool pinned(struct file *file, pgoff_t index)
{
	struct folio *folio = filemap_get_folio(file->f_mapping, index);
	bool ret;

	if (IS_ERR(folio))
		return false;
	ret = folio_maybe_dma_pinned(folio);
	folio_put(folio);
	return ret;
}

static unsigned int pinned_pages(struct file *file, pgoff_t pages)
{
	unsigned int n = 0;
	pgoff_t i;

	for (i = 0; i < pages; i++)
		n += pinned(file, i);
	return n;
}

/* A device with a 64-bit DMA mask, or a skip where there is no DMA API. */
static struct device *dma_device(struct kunit *test)
{
	struct device *dev = kunit_device_register(test, "udmabuf-kunit");
	int ret;

	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	ret = dma_coerce_mask_and_coherent(dev, DMA_BIT_MASK(64));
	if (ret)
		kunit_skip(test, "no DMA API here (%d)", ret);
	return dev;
}

/* ------------------------------------------------------------------ */
/* The size limit and the ranges                                       */
/* ------------------------------------------------------------------ */

static void limit_is_counted_in_pages(struct kunit *test)
{
	const u64 per_mb = SZ_1M >> PAGE_SHIFT;

	KUNIT_EXPECT_EQ(test, udmabuf_max_pages(64), 64 * per_mb);
	KUNIT_EXPECT_EQ(test, udmabuf_max_pages(1), per_mb);
	KUNIT_EXPECT_EQ(test, udmabuf_max_pages(0), 0);
	KUNIT_EXPECT_EQ(test, udmabuf_max_pages(-1), 0);
	KUNIT_EXPECT_EQ(test, udmabuf_max_pages(INT_MIN), 0);
	/* Capped where the page count stops fitting an int. */
	KUNIT_EXPECT_LE(test, udmabuf_max_pages(INT_MAX), (u64)INT_MAX);
	KUNIT_EXPECT_LE(test, udmabuf_max_pages(INT_MAX),
			(u64)(SIZE_MAX >> PAGE_SHIFT));
	KUNIT_EXPECT_EQ(test, udmabuf_max_pages(INT_MAX),
			min_t(u64, (u64)INT_MAX * per_mb,
			      min_t(u64, INT_MAX, SIZE_MAX >> PAGE_SHIFT)));
}

static void ranges_are_summed_in_pages(struct kunit *test)
{
	struct udmabuf_create_item items[] = {
		range(3, 0, 2 * PAGE_SIZE),
		range(4, 7 * PAGE_SIZE, PAGE_SIZE),
		range(3, PAGE_SIZE, 5 * PAGE_SIZE),
	};
	pgoff_t pages;

	KUNIT_EXPECT_EQ(test, count(items, 1, 100, &pages), 0);
	KUNIT_EXPECT_EQ(test, pages, 2);
	KUNIT_EXPECT_EQ(test, count(items, 3, 100, &pages), 0);
	KUNIT_EXPECT_EQ(test, pages, 8);
	KUNIT_EXPECT_EQ(test, count(items, 0, 100, &pages), -EINVAL);
}

static void misaligned_or_empty_ranges_are_refused(struct kunit *test)
{
	static const u64 bad[][2] = {
		{ 1, PAGE_SIZE },
		{ PAGE_SIZE / 2, PAGE_SIZE },
		{ PAGE_SIZE + 8, PAGE_SIZE },
		{ 0, 1 },
		{ 0, PAGE_SIZE / 2 },
		{ 0, PAGE_SIZE + 1 },
		{ 0, 0 },
		{ PAGE_SIZE, 0 },
	};
	struct udmabuf_create_item items[2];
	pgoff_t pages;
	unsigned int i;

	items[0] = range(3, 0, PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		items[1] = range(3, bad[i][0], bad[i][1]);
		KUNIT_EXPECT_EQ_MSG(test, count(items, 2, 100, &pages), -EINVAL,
				    "offset %llu size %llu", bad[i][0],
				    bad[i][1]);
		KUNIT_EXPECT_EQ(test, count(&items[1], 1, 100, &pages),
				-EINVAL);
	}
}

/* Offset plus size must neither wrap nor pass the largest loff_t. */
static void wrapping_ranges_are_refused(struct kunit *test)
{
	const u64 top = U64_MAX & PAGE_MASK;
	const u64 lfs = (u64)MAX_LFS_FILESIZE & PAGE_MASK;
	static const u64 max = U64_MAX;
	const u64 bad[][2] = {
		{ top, PAGE_SIZE },
		{ top - PAGE_SIZE, 2 * PAGE_SIZE },
		{ PAGE_SIZE, top },
		{ top, top },
		{ 1ull << 63, PAGE_SIZE },
		{ lfs, 2 * PAGE_SIZE },
		{ 0, lfs + 2 * PAGE_SIZE },
	};
	struct udmabuf_create_item item;
	pgoff_t pages;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		item = range(3, bad[i][0], bad[i][1]);
		KUNIT_EXPECT_EQ_MSG(test, count(&item, 1, max, &pages), -EINVAL,
				    "offset %#llx size %#llx", bad[i][0],
				    bad[i][1]);
	}
	/* Right up to the end of the file range is fine. */
	item = range(3, lfs - PAGE_SIZE, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, count(&item, 1, max, &pages), 0);
	KUNIT_EXPECT_EQ(test, pages, 1);
}

/*
 * The limit holds for the sum, exactly, and however large the sizes are:
 * the comparison is in pages and cannot wrap (CVE-2025-37803 was a size
 * check that could).
 */
static void the_limit_holds_for_the_sum(struct kunit *test)
{
	struct udmabuf_create_item items[3];
	pgoff_t pages;

	items[0] = range(3, 0, 6 * PAGE_SIZE);
	items[1] = range(3, 0, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, count(items, 2, 10, &pages), 0);
	KUNIT_EXPECT_EQ(test, pages, 10);
	KUNIT_EXPECT_EQ(test, count(items, 2, 9, &pages), -EINVAL);
	KUNIT_EXPECT_EQ(test, count(items, 1, 5, &pages), -EINVAL);
	KUNIT_EXPECT_EQ(test, count(items, 1, 0, &pages), -EINVAL);

	/* Each range alone is fine; their sum is not. */
	items[0] = range(3, 0, 1ull << 62);
	items[1] = range(3, 0, 1ull << 62);
	items[2] = range(3, 0, 1ull << 62);
	KUNIT_EXPECT_EQ(test, count(items, 1, (1ull << 62) >> PAGE_SHIFT,
				    &pages), 0);
	KUNIT_EXPECT_EQ(test, count(items, 3, (1ull << 62) >> PAGE_SHIFT,
				    &pages), -EINVAL);
	KUNIT_EXPECT_EQ(test, count(items, 3, udmabuf_max_pages(INT_MAX),
				    &pages), -EINVAL);
	/* Without a limit at all, the page count still comes out right. */
	KUNIT_EXPECT_EQ(test, count(items, 3, U64_MAX, &pages), 0);
	KUNIT_EXPECT_EQ(test, (u64)pages, 3 * ((1ull << 62) >> PAGE_SHIFT));
}

/* ------------------------------------------------------------------ */
/* Files and seals                                                     */
/* ------------------------------------------------------------------ */

struct seal_case {
	unsigned int seals;
	int want;
};

static const struct seal_case seal_cases[] = {
	{ 0, -EINVAL },
	{ F_SEAL_SEAL, -EINVAL },
	{ F_SEAL_GROW, -EINVAL },
	{ F_SEAL_SHRINK, 0 },
	{ F_SEAL_SHRINK | F_SEAL_GROW, 0 },
	{ F_SEAL_SHRINK | F_SEAL_SEAL, 0 },
	{ F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL, 0 },
	{ F_SEAL_SHRINK | F_SEAL_WRITE, -EINVAL },
	{ F_SEAL_SHRINK | F_SEAL_FUTURE_WRITE, -EINVAL },
	{ F_SEAL_SHRINK | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE, -EINVAL },
	{ F_SEAL_WRITE, -EINVAL },
	{ SEAL_BITS, -EINVAL },
};

static void seal_case_name(const struct seal_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "seals %#x", c->seals);
}

KUNIT_ARRAY_PARAM(seal, seal_cases, seal_case_name);

static void seals_decide(struct kunit *test)
{
	const struct seal_case *c = test->param_value;
	struct file *file = shmem_new(test, 1, c->seals);
	struct inode *inode = file_inode(file);
	int ret;

	inode_lock_shared(inode);
	ret = udmabuf_check_memfd(file);
	inode_unlock_shared(inode);
	KUNIT_EXPECT_EQ(test, ret, c->want);
}

static const struct file_operations plain_fops = {
	.owner = THIS_MODULE,
};

/* Not shmem, not hugetlbfs: -EBADFD, as for a descriptor that is closed. */
static void other_files_are_bad_descriptors(struct kunit *test)
{
	struct file *file;
	struct udmabuf_create_item item;
	int fd;

	file = anon_inode_getfile("udmabuf-kunit", &plain_fops, NULL, O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, file_drop, file),
			0);
	KUNIT_EXPECT_EQ(test, udmabuf_check_memfd(file), -EBADFD);

	fd = install(test, file);
	item = range(fd, 0, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, udmabuf_create(NULL, 0, &item, 1), -EBADFD);
	fd_close_now(test, fd);
	/* Now nothing is open there at all. */
	KUNIT_EXPECT_EQ(test, udmabuf_create(NULL, 0, &item, 1), -EBADFD);
}

/* ------------------------------------------------------------------ */
/* Creation                                                            */
/* ------------------------------------------------------------------ */

/* The buffer's pages are the file's, pinned exactly while it exists. */
static void pins_live_as_long_as_the_buffer(struct kunit *test)
{
	struct udmabuf_create_item item;
	struct dma_buf *dmabuf;
	struct file *file;
	u64 want[4];
	int memfd, fd, i;

	memfd = memfd_new(test, 8, &file);
	tag_pages(test, file, 8, 1);
	item = range(memfd, 2 * PAGE_SIZE, 4 * PAGE_SIZE);
	fd = fd_own(test, udmabuf_create(NULL, 0, &item, 1));
	KUNIT_EXPECT_EQ(test, pinned_pages(file, 8), 4);
	KUNIT_EXPECT_FALSE(test, pinned(file, 1));
	KUNIT_EXPECT_TRUE(test, pinned(file, 2));
	KUNIT_EXPECT_TRUE(test, pinned(file, 5));
	KUNIT_EXPECT_FALSE(test, pinned(file, 6));

	dmabuf = dmabuf_of(test, fd);
	for (i = 0; i < 4; i++)
		want[i] = tag(1, 2 + i);
	expect_tags(test, dmabuf, want, 4);
	KUNIT_EXPECT_EQ(test, dmabuf->file->f_flags & O_ACCMODE, O_RDWR);

	/* The case's own reference keeps it after the descriptor is gone. */
	fd_close_now(test, fd);
	KUNIT_EXPECT_EQ(test, pinned_pages(file, 8), 4);
	kunit_release_action(test, dmabuf_drop, dmabuf);
	KUNIT_EXPECT_EQ(test, pinned_pages(file, 8), 0);
}

static void flags_only_pick_cloexec(struct kunit *test)
{
	struct udmabuf_create_item item;
	struct file *file;
	int memfd, fd;

	memfd = memfd_new(test, 1, &file);
	item = range(memfd, 0, PAGE_SIZE);
	fd = fd_own(test, udmabuf_create(NULL, UDMABUF_FLAGS_CLOEXEC, &item, 1));
	KUNIT_EXPECT_TRUE(test, cloexec(fd));
	fd = fd_own(test, udmabuf_create(NULL, ~UDMABUF_FLAGS_CLOEXEC, &item,
					 1));
	KUNIT_EXPECT_FALSE(test, cloexec(fd));
}

static void list_is_concatenated_in_order(struct kunit *test)
{
	struct udmabuf_create_item items[4];
	struct file *a, *b;
	int fa, fb, fd;
	const u64 want[] = { tag(2, 5), tag(2, 6), tag(3, 0), tag(2, 0),
			     tag(2, 1), tag(3, 3) };

	fa = memfd_new(test, 8, &a);
	fb = memfd_new(test, 4, &b);
	tag_pages(test, a, 8, 2);
	tag_pages(test, b, 4, 3);
	items[0] = range(fa, 5 * PAGE_SIZE, 2 * PAGE_SIZE);
	items[1] = range(fb, 0, PAGE_SIZE);
	items[2] = range(fa, 0, 2 * PAGE_SIZE);
	items[3] = range(fb, 3 * PAGE_SIZE, PAGE_SIZE);
	fd = fd_own(test, udmabuf_create(NULL, 0, items, 4));
	expect_tags(test, dmabuf_of(test, fd), want, ARRAY_SIZE(want));
	/* Page 5 of @a once, 6, 0 and 1: four pins; two of @b. */
	KUNIT_EXPECT_EQ(test, pinned_pages(a, 8), 4);
	KUNIT_EXPECT_EQ(test, pinned_pages(b, 4), 2);
}

/*
 * A later range that fails leaves nothing of the earlier ones pinned,
 * whatever the reason: a bad descriptor, a range past the end of its file,
 * or a write seal.
 */
static void failing_range_unpins_the_earlier_ones(struct kunit *test)
{
	struct udmabuf_create_item items[3];
	struct file *a, *b, *sealed;
	int fa, fb;

	fa = memfd_new(test, 4, &a);
	fb = memfd_new(test, 2, &b);
	sealed = shmem_new(test, 1, F_SEAL_SHRINK | F_SEAL_WRITE);
	items[0] = range(fa, 0, 3 * PAGE_SIZE);
	items[1] = range(fb, 0, 2 * PAGE_SIZE);

	items[2] = range(fb, PAGE_SIZE, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, udmabuf_create(NULL, 0, items, 3), -EINVAL);
	items[2] = range(install(test, sealed), 0, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, udmabuf_create(NULL, 0, items, 3), -EINVAL);
	items[2] = range(INT_MAX, 0, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, udmabuf_create(NULL, 0, items, 3), -EBADFD);
	KUNIT_EXPECT_EQ(test, pinned_pages(a, 4), 0);
	KUNIT_EXPECT_EQ(test, pinned_pages(b, 2), 0);
}

/* The default limit of 64 MiB, checked before any page is touched. */
static void default_size_limit_applies(struct kunit *test)
{
	struct udmabuf_create_item items[2];
	struct file *file;
	int memfd = memfd_new(test, 1, &file);

	items[0] = range(memfd, 0, SZ_64M + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, udmabuf_create(NULL, 0, items, 1), -EINVAL);
	items[0] = range(memfd, 0, SZ_32M);
	items[1] = range(memfd, 0, SZ_32M + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, udmabuf_create(NULL, 0, items, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, pinned_pages(file, 1), 0);
}

static int fd_refused(struct dma_buf *dmabuf, int flags)
{
	return -EMFILE;
}

/*
 * dma_buf_fd() failing after the export: the dma-buf already owns the
 * pages, and dropping it must release them, exactly once.
 */
static void fd_failure_after_export_releases_everything(struct kunit *test)
{
	struct udmabuf_create_item items[2];
	struct file *file;
	int memfd = memfd_new(test, 4, &file);

	items[0] = range(memfd, 0, 2 * PAGE_SIZE);
	items[1] = range(memfd, PAGE_SIZE, 3 * PAGE_SIZE);
	kunit_activate_static_stub(test, udmabuf_install_fd, fd_refused);
	KUNIT_EXPECT_EQ(test, udmabuf_create(NULL, 0, items, 2), -EMFILE);
	kunit_deactivate_static_stub(test, udmabuf_install_fd);
	/* The put may have left the final release to the delayed work. */
	flush_delayed_fput();
	KUNIT_EXPECT_EQ(test, pinned_pages(file, 4), 0);

	/* And the file is as good as before. */
	fd_own(test, udmabuf_create(NULL, 0, items, 2));
	KUNIT_EXPECT_EQ(test, pinned_pages(file, 4), 4);
}

/* ------------------------------------------------------------------ */
/* Devices                                                             */
/* ------------------------------------------------------------------ */

static void cpu_access_needs_a_begin(struct kunit *test)
{
	struct device *dev = dma_device(test);
	struct udmabuf_create_item item;
	struct dma_buf *dmabuf;
	struct file *file;
	int memfd;

	memfd = memfd_new(test, 4, &file);
	item = range(memfd, 0, 4 * PAGE_SIZE);
	dmabuf = dmabuf_of(test, fd_own(test, udmabuf_create(dev, 0, &item, 1)));
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(dmabuf, DMA_TO_DEVICE),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(dmabuf, DMA_FROM_DEVICE),
			0);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(dmabuf, DMA_FROM_DEVICE),
			0);
	/* Any direction after that, in any order. */
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(dmabuf, DMA_TO_DEVICE),
			0);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(dmabuf,
						       DMA_BIDIRECTIONAL), 0);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(dmabuf, DMA_BIDIRECTIONAL),
			0);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(dmabuf, DMA_TO_DEVICE), 0);
}

/* An importer maps the whole buffer; the mapping covers every byte. */
static void attachment_maps_every_page(struct kunit *test)
{
	struct device *dev = dma_device(test);
	struct dma_buf_attachment *attach;
	struct udmabuf_create_item items[2];
	struct dma_buf *dmabuf;
	struct scatterlist *sg;
	struct sg_table *sgt;
	struct file *file;
	size_t mapped = 0;
	int memfd, i;

	memfd = memfd_new(test, 8, &file);
	items[0] = range(memfd, 4 * PAGE_SIZE, 4 * PAGE_SIZE);
	items[1] = range(memfd, 0, 3 * PAGE_SIZE);
	dmabuf = dmabuf_of(test, fd_own(test, udmabuf_create(dev, 0, items, 2)));
	attach = dma_buf_attach(dmabuf, dev);
	KUNIT_ASSERT_FALSE(test, IS_ERR(attach));
	sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(sgt));
	for_each_sgtable_dma_sg(sgt, sg, i)
		mapped += sg_dma_len(sg);
	KUNIT_EXPECT_EQ(test, mapped, dmabuf->size);
	KUNIT_EXPECT_EQ(test, dmabuf->size, 7 * PAGE_SIZE);
	dma_buf_unmap_attachment_unlocked(attach, sgt, DMA_BIDIRECTIONAL);
	dma_buf_detach(dmabuf, attach);
}

/*
 * Importers whose DMA segments are short: 64 KiB (the default of a device
 * without DMA parameters), one page, and less than a page, which the sg
 * table builder cannot honour and which then gets one entry per page.
 */
static const unsigned int segment_limits[] = {
	SZ_64K, PAGE_SIZE, PAGE_SIZE / 2, 3 * PAGE_SIZE + 1,
};

static void segment_limit_name(const unsigned int *limit, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "max segment %u", *limit);
}

KUNIT_ARRAY_PARAM(segment_limit, segment_limits, segment_limit_name);

/* Every entry of the mapping fits the importer's segment limit. */
static void mapping_respects_max_segment_size(struct kunit *test)
{
	const unsigned int limit = *(const unsigned int *)test->param_value;
	/* An entry can never be shorter than a page. */
	const unsigned int longest = max_t(unsigned int, limit, PAGE_SIZE);
	const pgoff_t pages = 512;
	struct device_dma_parameters *parms;
	struct dma_buf_attachment *attach;
	struct udmabuf_create_item item;
	struct device *dev = dma_device(test);
	size_t cpu_len = 0, dma_len = 0;
	unsigned int cpu_entries = 0;
	struct dma_buf *dmabuf;
	struct scatterlist *sg;
	struct sg_table *sgt;
	struct file *file;
	int memfd, i;

	/* dma-debug reports entries over the limit, as no table can avoid. */
	if (limit < PAGE_SIZE && IS_ENABLED(CONFIG_DMA_API_DEBUG))
		kunit_skip(test, "a sub-page limit trips dma-debug");
	parms = kunit_kzalloc(test, sizeof(*parms), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, parms);
	dev->dma_parms = parms;
	dma_set_max_seg_size(dev, limit);
	KUNIT_ASSERT_EQ(test, dma_get_max_seg_size(dev), limit);

	memfd = memfd_new(test, pages, &file);
	item = range(memfd, 0, pages * PAGE_SIZE);
	dmabuf = dmabuf_of(test, fd_own(test, udmabuf_create(dev, 0, &item, 1)));
	attach = dma_buf_attach(dmabuf, dev);
	KUNIT_ASSERT_FALSE(test, IS_ERR(attach));
	sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_OR_NULL(sgt), "map: %ld",
			       PTR_ERR(sgt));

	for_each_sgtable_sg(sgt, sg, i) {
		KUNIT_EXPECT_LE_MSG(test, sg->length, longest, "entry %d", i);
		KUNIT_EXPECT_EQ_MSG(test, sg->offset, 0, "entry %d", i);
		KUNIT_EXPECT_TRUE_MSG(test, PAGE_ALIGNED(sg->length),
				      "entry %d", i);
		cpu_len += sg->length;
		cpu_entries++;
	}
	for_each_sgtable_dma_sg(sgt, sg, i) {
		KUNIT_EXPECT_LE_MSG(test, sg_dma_len(sg), longest,
				    "DMA segment %d", i);
		dma_len += sg_dma_len(sg);
	}
	KUNIT_EXPECT_EQ(test, cpu_len, dmabuf->size);
	KUNIT_EXPECT_EQ(test, dma_len, dmabuf->size);
	KUNIT_EXPECT_EQ(test, dmabuf->size, pages * PAGE_SIZE);
	if (limit <= PAGE_SIZE)
		KUNIT_EXPECT_EQ(test, cpu_entries, pages);

	dma_buf_unmap_attachment_unlocked(attach, sgt, DMA_BIDIRECTIONAL);
	dma_buf_detach(dmabuf, attach);
}

struct cpu_racer {
	struct dma_buf *dmabuf;
	struct completion done;
	atomic_t *errors;
};

static int cpu_racer_fn(void *data)
{
	struct cpu_racer *r = data;
	int i;

	for (i = 0; i < 200; i++) {
		if (dma_buf_begin_cpu_access(r->dmabuf, DMA_BIDIRECTIONAL) ||
		    dma_buf_end_cpu_access(r->dmabuf, DMA_BIDIRECTIONAL))
			atomic_inc(r->errors);
		cond_resched();
	}
	complete(&r->done);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

/* The first begins of two threads race to make the CPU mapping. */
static void cpu_access_from_two_threads(struct kunit *test)
{
	struct device *dev = dma_device(test);
	struct udmabuf_create_item item;
	struct cpu_racer racer[2];
	struct dma_buf *dmabuf;
	atomic_t errors = ATOMIC_INIT(0);
	struct file *file;
	int memfd, i;

	memfd = memfd_new(test, 16, &file);
	item = range(memfd, 0, 16 * PAGE_SIZE);
	dmabuf = dmabuf_of(test, fd_own(test, udmabuf_create(dev, 0, &item, 1)));
	for (i = 0; i < 2; i++) {
		racer[i].dmabuf = dmabuf;
		racer[i].errors = &errors;
		init_completion(&racer[i].done);
		dmabuf_kunit_thread_start(test, "udmabuf-kunit", cpu_racer_fn,
					  &racer[i], i ? "b" : "a");
	}
	for (i = 0; i < 2; i++)
		dmabuf_kunit_thread_wait(test, &racer[i].done, 30 * HZ,
					 "cpu access thread");
	KUNIT_EXPECT_EQ(test, atomic_read(&errors), 0);
}

static struct kunit_case udmabuf_internals_cases[] = {
	KUNIT_CASE(limit_is_counted_in_pages),
	KUNIT_CASE(ranges_are_summed_in_pages),
	KUNIT_CASE(misaligned_or_empty_ranges_are_refused),
	KUNIT_CASE(wrapping_ranges_are_refused),
	KUNIT_CASE(the_limit_holds_for_the_sum),
	KUNIT_CASE_PARAM(seals_decide, seal_gen_params),
	KUNIT_CASE(other_files_are_bad_descriptors),
	KUNIT_CASE(pins_live_as_long_as_the_buffer),
	KUNIT_CASE(flags_only_pick_cloexec),
	KUNIT_CASE(list_is_concatenated_in_order),
	KUNIT_CASE(failing_range_unpins_the_earlier_ones),
	KUNIT_CASE(default_size_limit_applies),
	KUNIT_CASE(fd_failure_after_export_releases_everything),
	KUNIT_CASE(cpu_access_needs_a_begin),
	KUNIT_CASE(attachment_maps_every_page),
	KUNIT_CASE_PARAM(mapping_respects_max_segment_size,
			 segment_limit_gen_params),
	KUNIT_CASE_SLOW(cpu_access_from_two_threads),
	{}
};

static struct kunit_suite udmabuf_internals_suite = {
	.name = "udmabuf_internals",
	.test_cases = udmabuf_internals_cases,
};

kunit_test_suite(udmabuf_internals_suite);

MODULE_DESCRIPTION("KUnit tests of udmabuf's internals");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

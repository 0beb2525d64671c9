// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "udmabuf_mappings": how a udmabuf reaches user space and
 * what it does for importers where there is no DMA API.
 *
 * Covered: shared user mappings from any page offset, whose pages are
 * faulted in one by one and are the memfd's own (writes go both ways); a
 * private mapping refused with -EINVAL; the fault handler refusing page
 * offsets at and past the end; and, on architectures without a DMA API,
 * CPU access and attachment mapping failing cleanly instead of handing
 * out a table no device could use.
 *
 * Like the "udmabuf_internals" suite, this one creates its buffers with
 * udmabuf_create() from ../dma-buf-kunit-hooks.h on the shmem files of
 * udmabuf-kunit.h, so it needs no /dev/udmabuf (which cannot exist
 * without a DMA API).
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/device.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/pagemap.h>
#include <linux/rcupdate.h>
#include <linux/shmem_fs.h>
#include <linux/uaccess.h>
#include <uapi/linux/udmabuf.h>

#include "udmabuf-kunit.h"
#include "../dma-buf-kunit-hooks.h"

/*
 * A udmabuf of 7 pages: pages 4..7 of a tagged 8-page memfd, then pages
 * 0..2. *@want gets the tag of each buffer page.
 */
static struct dma_buf *two_range_buffer(struct kunit *test,
					struct device *dev, u64 *want)
{
	struct udmabuf_create_item items[2];
	struct file *file;
	int memfd, i;

	memfd = memfd_new(test, 8, &file);
	tag_pages(test, file, 8, 3);
	items[0] = range(memfd, 4 * PAGE_SIZE, 4 * PAGE_SIZE);
	items[1] = range(memfd, 0, 3 * PAGE_SIZE);
	for (i = 0; i < 7; i++)
		want[i] = tag(3, i < 4 ? 4 + i : i - 4);
	return dmabuf_of(test, fd_own(test, udmabuf_create(dev, 0, items, 2)));
}

/* A shared mapping of @pages pages of @dmabuf from page @first. */
static unsigned long map_shared(struct kunit *test, struct dma_buf *dmabuf,
				unsigned long first, unsigned long pages)
{
	unsigned long u = dmabuf_kunit_vm_mmap(test, dmabuf->file,
					       pages * PAGE_SIZE,
					       PROT_READ | PROT_WRITE, MAP_SHARED,
					       first * PAGE_SIZE);

	KUNIT_ASSERT_FALSE_MSG(test, !u || IS_ERR_VALUE(u),
			       "mmap of %lu pages from %lu", pages, first);
	return u;
}

/* The first word of page @n of the user mapping at @u. */
static u64 user_word(struct kunit *test, unsigned long u, unsigned long n)
{
	u64 word = 0;

	KUNIT_EXPECT_EQ(test, copy_from_user(&word, (void __user *)u +
					     n * PAGE_SIZE, sizeof(word)), 0);
	return word;
}

static void mmap_shared_shows_the_memfd_pages(struct kunit *test)
{
	const unsigned long firsts[] = { 0, 3, 4, 6 };
	struct iosys_map map;
	struct dma_buf *dmabuf;
	unsigned long u, n;
	unsigned int i;
	u64 want[7];

	dmabuf = two_range_buffer(test, NULL, want);
	for (i = 0; i < ARRAY_SIZE(firsts); i++) {
		u = map_shared(test, dmabuf, firsts[i], 7 - firsts[i]);
		for (n = 0; n < 7 - firsts[i]; n++)
			KUNIT_EXPECT_EQ_MSG(test, user_word(test, u, n),
					    want[firsts[i] + n],
					    "page %lu from %lu", n, firsts[i]);
	}

	/* A write through the mapping lands in the buffer's page. */
	u = map_shared(test, dmabuf, 5, 1);
	KUNIT_EXPECT_EQ(test, put_user(0x1122334455667788ull,
				       (u64 __user *)(u + 8)), 0);
	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(dmabuf, &map), 0);
	KUNIT_EXPECT_EQ(test, *(u64 *)(map.vaddr + 5 * PAGE_SIZE + 8),
			0x1122334455667788ull);
	/* And a write to the buffer shows through the mapping. */
	*(u64 *)(map.vaddr + 5 * PAGE_SIZE) = 0xabcdefull;
	dma_buf_vunmap_unlocked(dmabuf, &map);
	KUNIT_EXPECT_EQ(test, user_word(test, u, 0), 0xabcdefull);
}

static void mmap_private_einval(struct kunit *test)
{
	const unsigned long pages[] = { 1, 7 };
	struct dma_buf *dmabuf;
	unsigned long u;
	unsigned int i;
	u64 want[7];

	dmabuf = two_range_buffer(test, NULL, want);
	/* A shared mapping first: it also gives the case its mm. */
	map_shared(test, dmabuf, 0, 1);
	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		u = vm_mmap(dmabuf->file, 0, pages[i] * PAGE_SIZE, PROT_READ,
			    MAP_PRIVATE, 0);
		KUNIT_EXPECT_EQ_MSG(test, (long)u, (long)-EINVAL, "%lu pages",
				    pages[i]);
		if (!IS_ERR_VALUE(u))
			vm_munmap(u, pages[i] * PAGE_SIZE);
	}
}

/*
 * The fault handler, called directly with page offsets no mapping the
 * core allows can produce: at the end of the buffer and beyond it.
 */
static void fault_past_end_sigbus(struct kunit *test)
{
	const pgoff_t offsets[] = { 7, 8, 1 << 20 };
	struct vm_area_struct *vma;
	struct dma_buf *dmabuf;
	unsigned long u;
	unsigned int i;
	u64 want[7];

	dmabuf = two_range_buffer(test, NULL, want);
	u = map_shared(test, dmabuf, 0, 7);
	KUNIT_EXPECT_EQ(test, user_word(test, u, 6), want[6]);

	mmap_read_lock(current->mm);
	vma = find_vma(current->mm, u);
	if (!vma || !vma->vm_ops || !vma->vm_ops->fault) {
		mmap_read_unlock(current->mm);
		KUNIT_FAIL_AND_ABORT(test, "no faulting VMA at %#lx", u);
	}
	for (i = 0; i < ARRAY_SIZE(offsets); i++) {
		struct vm_fault vmf = {
			.vma = vma,
			.address = vma->vm_start,
			.pgoff = offsets[i],
			.flags = FAULT_FLAG_WRITE,
			.gfp_mask = GFP_KERNEL,
		};

		/* __force: KUnit cannot compare the restricted vm_fault_t */
		KUNIT_EXPECT_EQ_MSG(test,
				    (__force unsigned int)vma->vm_ops->fault(&vmf),
				    (__force unsigned int)VM_FAULT_SIGBUS,
				    "page offset %lu", offsets[i]);
	}
	mmap_read_unlock(current->mm);
}

/*
 * Without a DMA API nothing can be mapped for a device: CPU access and
 * an importer's mapping fail, and the buffer is released as usual. Where
 * there is one, "udmabuf_internals" covers the working mappings.
 */
static void no_dma_api_mappings_fail(struct kunit *test)
{
	struct device *dev = kunit_device_register(test, "udmabuf-nodma");
	struct dma_buf_attachment *attach;
	struct sg_table *sgt;
	struct dma_buf *dmabuf;
	u64 want[7];

	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	if (!dma_coerce_mask_and_coherent(dev, DMA_BIT_MASK(64)))
		kunit_skip(test, "there is a DMA API here");

	dmabuf = two_range_buffer(test, dev, want);
	KUNIT_EXPECT_LT(test, dma_buf_begin_cpu_access(dmabuf, DMA_FROM_DEVICE),
			0);
	/* Still nothing begun, so nothing to end. */
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(dmabuf, DMA_FROM_DEVICE),
			-EINVAL);

	attach = dma_buf_attach(dmabuf, dev);
	KUNIT_ASSERT_FALSE(test, IS_ERR(attach));
	sgt = dma_buf_map_attachment_unlocked(attach, DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_TRUE(test, IS_ERR(sgt));
	if (!IS_ERR(sgt))
		dma_buf_unmap_attachment_unlocked(attach, sgt,
						  DMA_BIDIRECTIONAL);
	dma_buf_detach(dmabuf, attach);

	/* The pages are still there for the CPU. */
	expect_tags(test, dmabuf, want, 7);
}

static struct kunit_case udmabuf_mappings_cases[] = {
	KUNIT_CASE(mmap_shared_shows_the_memfd_pages),
	KUNIT_CASE(mmap_private_einval),
	KUNIT_CASE(fault_past_end_sigbus),
	KUNIT_CASE(no_dma_api_mappings_fail),
	{}
};

static struct kunit_suite udmabuf_mappings_suite = {
	.name = "udmabuf_mappings",
	.test_cases = udmabuf_mappings_cases,
};

kunit_test_suite(udmabuf_mappings_suite);

MODULE_DESCRIPTION("KUnit tests for udmabuf: user mappings, no DMA API");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

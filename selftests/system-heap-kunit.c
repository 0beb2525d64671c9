// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "system_heap": the buffers of the "system" heap as importers
 * and user space use them.
 *
 * Covered: sizes from one page to more than a megabyte (so that every
 * chunk order is used, and the page order survives the chunking), chunks
 * of at most 1 MiB whatever the page size, a
 * pending fatal signal stopping an allocation, several attachments at
 * once, their DMA mappings where the architecture has a DMA API, the CPU
 * access brackets with and without a kernel mapping or mapped
 * attachments, the reference-counted kernel mapping, and user mappings:
 * shared ones from any page offset, private ones of a single page only.
 *
 * Buffers come from the heap's device node, opened through the private
 * devtmpfs mount of dma-heap-kunit.h; each case skips where there is no
 * system heap. The descriptor the ioctl installs is closed at once, and
 * the case keeps a reference to the dma-buf until it ends.
 */

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/dma-direction.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iosys-map.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/sched/signal.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <uapi/linux/dma-heap.h>

#include "dma-heap-kunit.h"

/*
 * Pages in a chunk of each size the heap uses: 1 MiB, 64 KiB (a page
 * itself with 64K pages) and one page.
 */
#define SZ_1M_PAGES	(SZ_1M >> PAGE_SHIFT)
#define SZ_64K_PAGES	(SZ_64K >> PAGE_SHIFT)

/* The allocation request for @len bytes, in user memory at @u. */
static void put_request(struct kunit *test, void __user *u, u64 len)
{
	struct dma_heap_allocation_data req = {
		.len = len,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};

	KUNIT_ASSERT_EQ(test, copy_to_user(u, &req, sizeof(req)), 0);
}

/* The descriptor field of the request at @u. */
static int get_fd(struct kunit *test, void __user *u)
{
	struct dma_heap_allocation_data req;

	KUNIT_ASSERT_EQ(test, copy_from_user(&req, u, sizeof(req)), 0);
	return req.fd;
}

/* Allocate @len bytes on @heap; *@fd gets the descriptor on success. */
static long system_alloc_ioctl(struct kunit *test, struct file *heap,
			       u64 len, int *fd)
{
	void __user *u = dmabuf_kunit_user_pages(test, 1);
	long ret;

	put_request(test, u, len);
	ret = heap_ioctl(heap, DMA_HEAP_IOCTL_ALLOC, u);
	*fd = get_fd(test, u);
	return ret;
}

/*
 * A buffer of @len bytes from the system heap, or a skip without one. The
 * case holds the only reference; it is dropped when the case ends.
 */
static struct dma_buf *system_buffer(struct kunit *test, struct file *heap,
				     u64 len)
{
	struct dma_buf *dmabuf;
	int fd;

	KUNIT_ASSERT_EQ(test, system_alloc_ioctl(test, heap, len, &fd), 0);
	dmabuf = dma_buf_get(fd);
	close_fd(fd);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(dmabuf), "fd %d: %ld", fd,
			       PTR_ERR(dmabuf));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, file_drop,
							dmabuf->file), 0);
	return dmabuf;
}

static struct file *system_heap(struct kunit *test)
{
	return heap_open(test, "system");
}

/* Write byte (@seed + page number) over every page of @dmabuf. */
static void fill_pages(struct kunit *test, struct dma_buf *dmabuf, u8 seed)
{
	struct iosys_map map;
	size_t i;

	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(dmabuf, &map), 0);
	for (i = 0; i < dmabuf->size >> PAGE_SHIFT; i++)
		memset(map.vaddr + i * PAGE_SIZE, (u8)(seed + i), PAGE_SIZE);
	dma_buf_vunmap_unlocked(dmabuf, &map);
}

/* Does page @n of user mapping @u hold only byte @want? */
static bool user_page_is(struct kunit *test, unsigned long u, size_t n,
			 u8 want)
{
	u8 *page = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	bool ret;

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_ASSERT_EQ(test, copy_from_user(page, (void __user *)u +
					     n * PAGE_SIZE, PAGE_SIZE), 0);
	ret = !memchr_inv(page, want, PAGE_SIZE);
	kunit_kfree(test, page);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Sizes                                                               */
/* ------------------------------------------------------------------ */

/*
 * Sizes just below, at and just above each chunk size, and one that needs
 * a chunk of every order: each buffer is as long as asked (in pages),
 * zeroed, and its pages keep their order through vmap and mmap alike.
 */
static void buffers_of_every_order_zeroed_in_order(struct kunit *test)
{
	const size_t pages[] = {
		1, 2, SZ_64K_PAGES + 1,
		SZ_1M_PAGES - 1, SZ_1M_PAGES, SZ_1M_PAGES + SZ_64K_PAGES + 1,
#if PAGE_SHIFT < 16
		/* Just below and at a 64 KiB chunk, when it is not a page. */
		SZ_64K_PAGES - 1, SZ_64K_PAGES,
#endif
	};
	struct file *heap = system_heap(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		size_t len = pages[i] * PAGE_SIZE, n;
		struct dma_buf *dmabuf = system_buffer(test, heap, len);
		struct iosys_map map;
		unsigned long u;

		KUNIT_EXPECT_EQ_MSG(test, dmabuf->size, len, "%zu pages",
				    pages[i]);
		KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(dmabuf, &map), 0);
		KUNIT_EXPECT_NULL_MSG(test, memchr_inv(map.vaddr, 0, len),
				      "%zu pages", pages[i]);
		dma_buf_vunmap_unlocked(dmabuf, &map);

		fill_pages(test, dmabuf, i);
		u = dmabuf_kunit_vm_mmap(test, dmabuf->file, len, PROT_READ,
					 MAP_SHARED, 0);
		KUNIT_ASSERT_FALSE(test, !u || IS_ERR_VALUE(u));
		for (n = 0; n < pages[i]; n++)
			if (!user_page_is(test, u, n, (u8)(i + n)))
				break;
		KUNIT_EXPECT_EQ_MSG(test, n, pages[i],
				    "%zu pages: first wrong page", pages[i]);
	}
}

/*
 * A process being killed gets no buffer: the allocation stops with -EINTR
 * and installs no descriptor. The KUnit thread lets SIGKILL in only for
 * the one call, and drops it again before anything else can see it.
 */
static void fatal_signal_stops_allocation(struct kunit *test)
{
	struct file *heap = system_heap(test);
	void __user *u = dmabuf_kunit_user_pages(test, 1);
	long ret;

	/*
	 * The request is in place (and its page present) before the signal
	 * is pending: mmap and page faults give up on a fatal signal too.
	 */
	put_request(test, u, 4 * PAGE_SIZE);
	allow_signal(SIGKILL);
	send_sig(SIGKILL, current, 1);
	KUNIT_EXPECT_TRUE(test, fatal_signal_pending(current));
	ret = heap_ioctl(heap, DMA_HEAP_IOCTL_ALLOC, u);
	flush_signals(current);
	disallow_signal(SIGKILL);

	KUNIT_EXPECT_EQ(test, ret, -EINTR);
	KUNIT_EXPECT_EQ(test, get_fd(test, u), 0);
	/* The heap still works once the signal is gone. */
	KUNIT_EXPECT_EQ(test, system_buffer(test, heap, PAGE_SIZE)->size,
			PAGE_SIZE);
}

/* ------------------------------------------------------------------ */
/* Attachments                                                         */
/* ------------------------------------------------------------------ */

#define NR_DEVICES	3

static struct device *new_device(struct kunit *test, unsigned int i)
{
	char name[32];
	struct device *dev;

	snprintf(name, sizeof(name), "system-heap-kunit-%u", i);
	dev = kunit_device_register(test, name);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(dev), "device %u: %ld", i,
			       PTR_ERR(dev));
	return dev;
}

/*
 * Attachments come and go in any order, and CPU access works with any
 * number of them, none mapped: nothing needs a DMA API.
 */
static void attachments_in_any_order(struct kunit *test)
{
	struct dma_buf *dmabuf = system_buffer(test, system_heap(test),
					       3 * PAGE_SIZE);
	struct dma_buf_attachment *att[NR_DEVICES];
	unsigned int i;

	for (i = 0; i < NR_DEVICES; i++) {
		att[i] = dma_buf_attach(dmabuf, new_device(test, i));
		KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(att[i]), "attach %u: %ld",
				       i, PTR_ERR(att[i]));
		KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(dmabuf,
							       DMA_FROM_DEVICE),
				0);
		KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(dmabuf,
							     DMA_TO_DEVICE), 0);
	}
	/* The middle one first, then the newest, then the oldest. */
	dma_buf_detach(dmabuf, att[1]);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(dmabuf, DMA_BIDIRECTIONAL),
			0);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(dmabuf, DMA_BIDIRECTIONAL),
			0);
	dma_buf_detach(dmabuf, att[2]);
	dma_buf_detach(dmabuf, att[0]);

	/* A new attachment after all that still works. */
	att[0] = dma_buf_attach(dmabuf, new_device(test, NR_DEVICES));
	KUNIT_ASSERT_FALSE(test, IS_ERR(att[0]));
	dma_buf_detach(dmabuf, att[0]);
}

/* Sum of the DMA lengths of a mapped table. */
static size_t dma_bytes(struct sg_table *sgt)
{
	struct scatterlist *sg;
	size_t bytes = 0;
	unsigned int i;

	for_each_sgtable_dma_sg(sgt, sg, i)
		bytes += sg_dma_len(sg);
	return bytes;
}

/*
 * Where there is a DMA API: every attachment maps the whole buffer, in a
 * table of its own, and CPU access works while they are mapped. The
 * buffer has no chunk above 64 KiB, the segment limit of a device that
 * does not set one, which DMA API debugging would otherwise report.
 */
static void attachments_map_whole_buffer_each(struct kunit *test)
{
	const size_t len = (SZ_64K_PAGES + 3) * PAGE_SIZE;
	struct dma_buf *dmabuf = system_buffer(test, system_heap(test), len);
	struct dma_buf_attachment *att[NR_DEVICES];
	struct sg_table *sgt[NR_DEVICES];
	struct device *dev[NR_DEVICES];
	unsigned int i;
	int ret = 0;

	for (i = 0; i < NR_DEVICES; i++) {
		dev[i] = new_device(test, i);
		ret = dma_coerce_mask_and_coherent(dev[i], DMA_BIT_MASK(64));
		if (ret)
			break;
	}
	if (ret) {
		/* No DMA API: the importer gets an error, never a table. */
		att[0] = dma_buf_attach(dmabuf, dev[0]);
		KUNIT_ASSERT_FALSE(test, IS_ERR(att[0]));
		sgt[0] = dma_buf_map_attachment_unlocked(att[0],
							 DMA_BIDIRECTIONAL);
		KUNIT_EXPECT_TRUE(test, IS_ERR(sgt[0]));
		if (!IS_ERR(sgt[0]))
			dma_buf_unmap_attachment_unlocked(att[0], sgt[0],
							  DMA_BIDIRECTIONAL);
		dma_buf_detach(dmabuf, att[0]);
		kunit_skip(test, "no DMA API here (%d)", ret);
	}

	for (i = 0; i < NR_DEVICES; i++) {
		att[i] = dma_buf_attach(dmabuf, dev[i]);
		KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(att[i]), "attach %u: %ld",
				       i, PTR_ERR(att[i]));
		sgt[i] = dma_buf_map_attachment_unlocked(att[i],
							 DMA_BIDIRECTIONAL);
		KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(sgt[i]), "map %u: %ld", i,
				       PTR_ERR(sgt[i]));
		KUNIT_EXPECT_EQ_MSG(test, dma_bytes(sgt[i]), len, "map %u", i);
		if (i)
			KUNIT_EXPECT_PTR_NE(test, sgt[i], sgt[i - 1]);
	}

	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(dmabuf, DMA_BIDIRECTIONAL),
			0);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(dmabuf, DMA_BIDIRECTIONAL),
			0);

	/* One unmapped in the middle: CPU access skips it. */
	dma_buf_unmap_attachment_unlocked(att[1], sgt[1], DMA_BIDIRECTIONAL);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(dmabuf, DMA_FROM_DEVICE),
			0);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(dmabuf, DMA_TO_DEVICE), 0);

	/* Mapped again, then everything undone. */
	sgt[1] = dma_buf_map_attachment_unlocked(att[1], DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sgt[1]));
	KUNIT_EXPECT_EQ(test, dma_bytes(sgt[1]), len);
	for (i = 0; i < NR_DEVICES; i++) {
		dma_buf_unmap_attachment_unlocked(att[i], sgt[i],
						  i == 1 ? DMA_TO_DEVICE :
						  DMA_BIDIRECTIONAL);
		dma_buf_detach(dmabuf, att[i]);
	}
}

/* ------------------------------------------------------------------ */
/* Kernel mapping                                                      */
/* ------------------------------------------------------------------ */

/*
 * The kernel mapping is shared: a second vmap gets the same address, and
 * it stays usable until the last vunmap. CPU access works around it.
 */
static void vmap_is_shared_until_last_vunmap(struct kunit *test)
{
	struct dma_buf *dmabuf = system_buffer(test, system_heap(test),
					       4 * PAGE_SIZE);
	struct iosys_map a, b, c;

	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(dmabuf, &a), 0);
	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(dmabuf, &b), 0);
	KUNIT_EXPECT_FALSE(test, a.is_iomem);
	KUNIT_EXPECT_PTR_EQ(test, a.vaddr, b.vaddr);

	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(dmabuf, DMA_BIDIRECTIONAL),
			0);
	memset(a.vaddr, 0x5a, dmabuf->size);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(dmabuf, DMA_BIDIRECTIONAL),
			0);

	/* The first user leaves; the second still sees the buffer. */
	dma_buf_vunmap_unlocked(dmabuf, &a);
	KUNIT_EXPECT_NULL(test, memchr_inv(b.vaddr, 0x5a, dmabuf->size));
	memset(b.vaddr + PAGE_SIZE, 0xc3, PAGE_SIZE);
	dma_buf_vunmap_unlocked(dmabuf, &b);

	/* A mapping made afresh shows what the old one wrote. */
	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(dmabuf, &c), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(c.vaddr, 0x5a, PAGE_SIZE));
	KUNIT_EXPECT_NULL(test, memchr_inv(c.vaddr + PAGE_SIZE, 0xc3,
					   PAGE_SIZE));
	KUNIT_EXPECT_NULL(test, memchr_inv(c.vaddr + 2 * PAGE_SIZE, 0x5a,
					   2 * PAGE_SIZE));
	dma_buf_vunmap_unlocked(dmabuf, &c);
}

/* ------------------------------------------------------------------ */
/* User mappings                                                       */
/* ------------------------------------------------------------------ */

/*
 * A shared mapping may start at any page and end before the buffer does,
 * across the chunk boundaries: the pages seen are the buffer's, in order.
 * Writes through it reach the kernel mapping.
 */
static void mmap_shared_from_any_page(struct kunit *test)
{
	/* A 64 KiB chunk, or four single pages where a page is 64 KiB. */
	const size_t small = max_t(size_t, SZ_64K_PAGES, 4);
	const size_t pages = SZ_1M_PAGES + small + 2;
	const struct {
		size_t first, count;
	} windows[] = {
		{ 0, 1 },
		{ 1, 2 },
		{ SZ_1M_PAGES - 1, 2 },
		{ SZ_1M_PAGES, small },
		{ SZ_1M_PAGES + 3, small - 1 },
		{ SZ_1M_PAGES + small + 1, 1 },
		{ 5, pages - 5 },
	};
	struct dma_buf *dmabuf = system_buffer(test, system_heap(test),
					       pages * PAGE_SIZE);
	struct iosys_map map;
	unsigned int i;

	fill_pages(test, dmabuf, 7);
	for (i = 0; i < ARRAY_SIZE(windows); i++) {
		size_t first = windows[i].first, n;
		unsigned long u;

		u = dmabuf_kunit_vm_mmap(test, dmabuf->file,
					 windows[i].count * PAGE_SIZE,
					 PROT_READ | PROT_WRITE, MAP_SHARED,
					 first * PAGE_SIZE);
		KUNIT_ASSERT_FALSE_MSG(test, !u || IS_ERR_VALUE(u),
				       "window %u: %ld", i, (long)u);
		for (n = 0; n < windows[i].count; n++)
			if (!user_page_is(test, u, n, (u8)(7 + first + n)))
				break;
		KUNIT_EXPECT_EQ_MSG(test, n, windows[i].count,
				    "window %u: first wrong page", i);
	}

	/* A write through a user mapping is a write to the buffer. */
	{
		unsigned long u = dmabuf_kunit_vm_mmap(test, dmabuf->file,
						       PAGE_SIZE,
						       PROT_READ | PROT_WRITE,
						       MAP_SHARED,
						       SZ_1M_PAGES * PAGE_SIZE);

		KUNIT_ASSERT_FALSE(test, !u || IS_ERR_VALUE(u));
		KUNIT_EXPECT_EQ(test, put_user((u8)0xee, (u8 __user *)u + 9),
				0);
		KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(dmabuf, &map), 0);
		KUNIT_EXPECT_EQ(test,
				((u8 *)map.vaddr)[SZ_1M_PAGES * PAGE_SIZE + 9],
				0xee);
		dma_buf_vunmap_unlocked(dmabuf, &map);
	}
}

/*
 * ABI: userspace sees a private mapping of one page work, and one of two
 * pages or more fail with -EINVAL, readable only or not. The buffer has
 * at least four pages whatever the page size.
 */
static void mmap_private_single_page_only(struct kunit *test)
{
	const size_t pages = max_t(size_t, SZ_64K_PAGES, 4);
	struct dma_buf *dmabuf = system_buffer(test, system_heap(test),
					       pages * PAGE_SIZE);
	const size_t counts[] = { 2, 3, pages };
	unsigned long u;
	unsigned int i;

	fill_pages(test, dmabuf, 0x40);
	u = dmabuf_kunit_vm_mmap(test, dmabuf->file, PAGE_SIZE, PROT_READ,
				 MAP_PRIVATE, 2 * PAGE_SIZE);
	KUNIT_ASSERT_FALSE_MSG(test, !u || IS_ERR_VALUE(u), "%ld", (long)u);
	KUNIT_EXPECT_TRUE(test, user_page_is(test, u, 0, 0x42));

	/* vm_mmap() itself, for the errno: the mm is the case's by now. */
	for (i = 0; i < ARRAY_SIZE(counts); i++) {
		u = vm_mmap(dmabuf->file, 0, counts[i] * PAGE_SIZE,
			    i ? PROT_READ : PROT_READ | PROT_WRITE, MAP_PRIVATE,
			    0);
		KUNIT_EXPECT_EQ_MSG(test, (long)u, (long)-EINVAL, "%zu pages",
				    counts[i]);
		if (!IS_ERR_VALUE(u))
			vm_munmap(u, counts[i] * PAGE_SIZE);
	}
}

/*
 * No chunk is larger than 1 MiB, whatever the page size: the heap's chunk
 * sizes are bytes, not orders (with 64K pages 6.12's order 8 is a chunk
 * of 16 MiB). Chunks above a page are compound pages, so every page of
 * the kernel mapping tells the order of the chunk it belongs to.
 */
static void chunks_at_most_1_mib_on_any_page_size(struct kunit *test)
{
	const unsigned int order_1m = ilog2(SZ_1M) - PAGE_SHIFT;
	const size_t len = 16 * SZ_1M + SZ_64K + PAGE_SIZE;
	struct dma_buf *dmabuf = system_buffer(test, system_heap(test), len);
	unsigned int order, largest = 0;
	struct iosys_map map;
	size_t off;

	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(dmabuf, &map), 0);
	for (off = 0; off < len; off += PAGE_SIZE) {
		struct page *page = vmalloc_to_page(map.vaddr + off);

		order = compound_order(compound_head(page));
		largest = max(largest, order);
	}
	dma_buf_vunmap_unlocked(dmabuf, &map);
	KUNIT_EXPECT_LE_MSG(test, largest, order_1m,
			    "a chunk of %lu KiB", (PAGE_SIZE << largest) / SZ_1K);
}

static struct kunit_case system_heap_cases[] = {
	KUNIT_CASE(buffers_of_every_order_zeroed_in_order),
	KUNIT_CASE(chunks_at_most_1_mib_on_any_page_size),
	KUNIT_CASE(fatal_signal_stops_allocation),
	KUNIT_CASE(attachments_in_any_order),
	KUNIT_CASE(attachments_map_whole_buffer_each),
	KUNIT_CASE(vmap_is_shared_until_last_vunmap),
	KUNIT_CASE(mmap_shared_from_any_page),
	KUNIT_CASE(mmap_private_single_page_only),
	{}
};

static struct kunit_suite system_heap_suite = {
	.name = "system_heap",
	.suite_init = dma_heap_kunit_mount,
	.suite_exit = dma_heap_kunit_unmount,
	.test_cases = system_heap_cases,
};

kunit_test_suite(system_heap_suite);

MODULE_DESCRIPTION("KUnit tests for the system dma-buf heap");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the udmabuf KUnit suites: memfds, descriptors and the pages
 * of a buffer. A memfd here is a shmem file given its seals by hand, as
 * memfd_create() with MFD_ALLOW_SEALING and F_ADD_SEALS would, and put in
 * the descriptor table the KUnit threads share. Every file and descriptor
 * is dropped by a cleanup action, which also runs the deferred releases,
 * so that nothing of a case outlives it. Static inline: each suite is a
 * module of its own.
 */
#ifndef UDMABUF_KUNIT_H
#define UDMABUF_KUNIT_H

#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/rcupdate.h>
#include <linux/shmem_fs.h>
#include <uapi/linux/udmabuf.h>

#include "dmabuf-kunit.h"

static inline struct udmabuf_create_item range(unsigned int fd, u64 offset,
					       u64 size)
{
	struct udmabuf_create_item item = {
		.memfd = fd,
		.offset = offset,
		.size = size,
	};

	return item;
}

static inline void file_drop(void *arg)
{
	fput(arg);
	/* Run the release now rather than from the delayed work. */
	flush_delayed_fput();
}

static inline void fd_drop(void *arg)
{
	close_fd((unsigned long)arg);
	flush_delayed_fput();
}

/* Close the descriptor @fd that a cleanup action owns, now. */
static inline void fd_close_now(struct kunit *test, int fd)
{
	kunit_release_action(test, fd_drop, (void *)(unsigned long)fd);
}

/* Let the cleanup close @fd, a new udmabuf, or fail the case on an error. */
static inline int fd_own(struct kunit *test, long fd)
{
	KUNIT_ASSERT_GE_MSG(test, fd, 0, "udmabuf_create: %ld", fd);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fd_drop,
							(void *)(unsigned long)fd),
			0);
	return fd;
}

/* A shmem file of @pages pages carrying @seals, as a memfd would. */
static inline struct file *shmem_new(struct kunit *test, pgoff_t pages,
				     unsigned int seals)
{
	struct file *file;

	file = shmem_file_setup("udmabuf-kunit", (loff_t)pages << PAGE_SHIFT,
				VM_NORESERVE);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(file), "shmem_file_setup: %ld",
			       PTR_ERR(file));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, file_drop, file),
			0);
	SHMEM_I(file_inode(file))->seals = seals;
	return file;
}

/* Install @file in the shared descriptor table; the cleanup closes it. */
static inline int install(struct kunit *test, struct file *file)
{
	int fd = get_unused_fd_flags(O_CLOEXEC);

	KUNIT_ASSERT_GE(test, fd, 0);
	fd_install(fd, get_file(file));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fd_drop,
							(void *)(unsigned long)fd),
			0);
	return fd;
}

/* A sealable shmem file, sealed against shrinking, in the table. */
static inline int memfd_new(struct kunit *test, pgoff_t pages,
			    struct file **file)
{
	*file = shmem_new(test, pages, F_SEAL_SHRINK);
	return install(test, *file);
}

static inline u64 tag(int seed, pgoff_t index)
{
	return 0x75646b0000000000ull | (u64)seed << 32 | index;
}

/* Write a tag at the start of each of the file's first @pages pages. */
static inline void tag_pages(struct kunit *test, struct file *file,
			     pgoff_t pages, int seed)
{
	pgoff_t i;

	for (i = 0; i < pages; i++) {
		struct folio *folio = shmem_read_folio(file->f_mapping, i);
		u64 *p;

		KUNIT_ASSERT_FALSE(test, IS_ERR(folio));
		p = kmap_local_folio(folio, offset_in_folio(folio,
							    (loff_t)i << PAGE_SHIFT));
		*p = tag(seed, i);
		kunmap_local(p);
		folio_mark_dirty(folio);
		folio_put(folio);
	}
}

static inline void dmabuf_drop(void *arg)
{
	dma_buf_put(arg);
	flush_delayed_fput();
}

/* The dma-buf behind @fd; the case's reference is dropped by the cleanup. */
static inline struct dma_buf *dmabuf_of(struct kunit *test, int fd)
{
	struct dma_buf *dmabuf = dma_buf_get(fd);

	KUNIT_ASSERT_FALSE(test, IS_ERR(dmabuf));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, dmabuf_drop,
							dmabuf), 0);
	return dmabuf;
}

/* The first word of every page of @dmabuf, through a kernel mapping. */
static inline void expect_tags(struct kunit *test, struct dma_buf *dmabuf,
			       const u64 *want, unsigned int n)
{
	struct iosys_map map;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, dmabuf->size, (size_t)n << PAGE_SHIFT);
	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(dmabuf, &map), 0);
	KUNIT_ASSERT_FALSE(test, map.is_iomem);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    *(u64 *)(map.vaddr + ((size_t)i << PAGE_SHIFT)),
				    want[i], "page %u", i);
	dma_buf_vunmap_unlocked(dmabuf, &map);
}

static inline bool cloexec(int fd)
{
	bool ret;

	rcu_read_lock();
	ret = close_on_exec(fd, current->files);
	rcu_read_unlock();
	return ret;
}

#endif /* UDMABUF_KUNIT_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_heap": the heap framework as heap drivers and user
 * space see it. Registration and its refusals, the accessors, the device
 * node, and every rule of DMA_HEAP_IOCTL_ALLOC: field checks, length
 * rounding, descriptor flags, argument structs shorter or longer than
 * today's, directions, unknown commands, errors of the heap and of the
 * copy back. Where the system and CMA heaps exist, a few cases also check
 * their buffers: zeroed, mappable from any page offset, and a CMA fault
 * handler that refuses the page just past the end (CVE-2024-46852).
 *
 * Heaps cannot be removed, so every case registers mock heaps under
 * names never used before in this boot ("dma_heap_kunit-N", after the
 * module); they stay registered after the case, refusing to allocate. Their device nodes
 * are unlinked from devtmpfs when the case ends, so that user space (the
 * kselftests that walk /dev/dma_heap later in the same boot) never sees
 * them.
 *
 * Nodes are opened through a private mount of devtmpfs, and ioctl
 * arguments live in user memory from kunit_vm_mmap(); descriptors land
 * in the table the KUnit threads share and are closed by cleanup actions.
 * The heap core exports what the suite needs from it (registration and
 * the accessors) to EXPORTED_FOR_KUNIT_TESTING, so it builds as a module
 * too. The check of the ioctl type is a suite of its own,
 * dma-heap-ioctl-type-kunit.c.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <uapi/linux/dma-heap.h>

#include "dma-heap-kunit.h"

static void fd_drop(void *arg)
{
	close_fd((unsigned long)arg);
	flush_delayed_fput();
}

/* The descriptor the next installation would get: to spot leaks. */
static int next_fd(struct kunit *test)
{
	int fd = get_unused_fd_flags(0);

	KUNIT_ASSERT_GE(test, fd, 0);
	put_unused_fd(fd);
	return fd;
}

/* Close @fd, a descriptor an ioctl installed, when the case ends. */
static void own_fd(struct kunit *test, int fd)
{
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fd_drop,
							(void *)(long)fd), 0);
}

/* The allocation command with an argument of @size bytes. */
static unsigned int alloc_cmd(size_t size)
{
	return _IOC(_IOC_READ | _IOC_WRITE, DMA_HEAP_IOC_MAGIC, 0, size);
}

/*
 * Issue the standard allocation with @req, copied to user memory, on
 * @file. On success the descriptor is checked to be a dma-buf and closed
 * when the case ends; *@req is updated from user memory either way.
 */
static long heap_alloc(struct kunit *test, struct file *file,
		       struct dma_heap_allocation_data *req)
{
	void __user *u = dmabuf_kunit_user_pages(test, 1);
	long ret;

	KUNIT_ASSERT_EQ(test, copy_to_user(u, req, sizeof(*req)), 0);
	ret = heap_ioctl(file, DMA_HEAP_IOCTL_ALLOC, u);
	KUNIT_ASSERT_EQ(test, copy_from_user(req, u, sizeof(*req)), 0);
	if (!ret)
		own_fd(test, req->fd);
	return ret;
}

/* The dma-buf behind @fd, released when the case ends. */
static struct dma_buf *fd_dmabuf(struct kunit *test, int fd)
{
	struct dma_buf *dmabuf = dma_buf_get(fd);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(dmabuf), "fd %d: %ld", fd,
			       PTR_ERR(dmabuf));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, file_drop,
							dmabuf->file), 0);
	return dmabuf;
}

/* ------------------------------------------------------------------ */
/* Registration                                                        */
/* ------------------------------------------------------------------ */

static void heap_add_keeps_name_and_drvdata(struct kunit *test)
{
	struct mock_heap *mh = mock_heap_add(test);

	/* The name is the caller's string itself, not a copy. */
	KUNIT_EXPECT_PTR_EQ(test, dma_heap_get_name(mh->heap), mh->name);
	KUNIT_EXPECT_PTR_EQ(test, dma_heap_get_drvdata(mh->heap), (void *)mh);
}

static struct dma_buf *null_allocate(struct dma_heap *heap, unsigned long len,
				     u32 fd_flags, u64 heap_flags)
{
	return ERR_PTR(-ENODEV);
}

static void heap_add_null_drvdata(struct kunit *test)
{
	static const struct dma_heap_ops ops = { .allocate = null_allocate };
	struct dma_heap_export_info info = { .ops = &ops };
	struct dma_heap *heap;

	info.name = heap_new_name(test);
	heap = dma_heap_add(&info);
	KUNIT_ASSERT_FALSE(test, IS_ERR(heap));
	heap_node_unlink(info.name);
	KUNIT_EXPECT_NULL(test, dma_heap_get_drvdata(heap));
	KUNIT_EXPECT_STREQ(test, dma_heap_get_name(heap), info.name);
}

static void heap_add_refuses_bad_info(struct kunit *test)
{
	static const struct dma_heap_ops no_allocate = {};
	const struct {
		const char *name;
		const struct dma_heap_ops *ops;
	} bad[] = {
		{ NULL, mock_heap_ops() },
		{ "", mock_heap_ops() },
		{ "kunit-heap-no-ops", NULL },
		{ "kunit-heap-no-allocate", &no_allocate },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct dma_heap_export_info info = {
			.name = bad[i].name,
			.ops = bad[i].ops,
		};

		KUNIT_EXPECT_PTR_EQ_MSG(test, dma_heap_add(&info),
					ERR_PTR(-EINVAL), "case %u", i);
	}
}

static void heap_add_duplicate_name_eexist(struct kunit *test)
{
	struct mock_heap *mh = mock_heap_add(test);
	struct dma_heap_export_info info = {
		.name = mh->name,
		.ops = mock_heap_ops(),
		.priv = NULL,
	};
	struct dma_heap_allocation_data req = { .len = PAGE_SIZE };
	struct file *file;

	/* A name that is taken already is -EEXIST, whoever holds it. */
	KUNIT_EXPECT_PTR_EQ(test, dma_heap_add(&info), ERR_PTR(-EEXIST));

	/* A copy of the string is the same name. */
	info.name = kstrdup(mh->name, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, info.name);
	KUNIT_EXPECT_PTR_EQ(test, dma_heap_add(&info), ERR_PTR(-EEXIST));
	kfree(info.name);

	/* The first heap is untouched, node and all. */
	file = heap_open(test, mh->name);
	KUNIT_EXPECT_EQ(test, heap_alloc(test, file, &req), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&mh->calls), 1);
}

static void heap_node_is_char_device(struct kunit *test)
{
	struct mock_heap *a = mock_heap_add(test), *b = mock_heap_add(test);
	struct path pa, pb;
	dev_t da, db;

	need_devtmpfs(test);
	KUNIT_ASSERT_TRUE(test, heap_node(a->name, &pa));
	KUNIT_EXPECT_TRUE(test, S_ISCHR(d_inode(pa.dentry)->i_mode));
	da = d_inode(pa.dentry)->i_rdev;
	path_put(&pa);

	KUNIT_ASSERT_TRUE(test, heap_node(b->name, &pb));
	db = d_inode(pb.dentry)->i_rdev;
	path_put(&pb);

	/* One region for every heap, a minor each. */
	KUNIT_EXPECT_EQ(test, MAJOR(da), MAJOR(db));
	KUNIT_EXPECT_NE(test, MINOR(da), MINOR(db));
}

static void heap_node_not_seekable(struct kunit *test)
{
	struct file *file = heap_open(test, mock_heap_add(test)->name);

	KUNIT_EXPECT_EQ(test, vfs_llseek(file, 0, SEEK_SET), (loff_t)-ESPIPE);
}

/* ------------------------------------------------------------------ */
/* DMA_HEAP_IOCTL_ALLOC                                                */
/* ------------------------------------------------------------------ */

static void alloc_rounds_len_to_pages(struct kunit *test)
{
	struct mock_heap *mh = mock_heap_add(test);
	struct file *file = heap_open(test, mh->name);
	const u64 lens[] = { 1, PAGE_SIZE - 1, PAGE_SIZE, PAGE_SIZE + 1,
			     5 * PAGE_SIZE + 17 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		struct dma_heap_allocation_data req = { .len = lens[i] };
		u64 want = PAGE_ALIGN(lens[i]);

		KUNIT_ASSERT_EQ(test, heap_alloc(test, file, &req), 0);
		KUNIT_EXPECT_EQ(test, mh->len, want);
		KUNIT_EXPECT_EQ(test, fd_dmabuf(test, req.fd)->size, want);
		/* User space gets its own length back, not the rounded one. */
		KUNIT_EXPECT_EQ(test, req.len, lens[i]);
		KUNIT_EXPECT_EQ(test, req.heap_flags, 0);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&mh->calls), ARRAY_SIZE(lens));
}

static void alloc_passes_fd_flags(struct kunit *test)
{
	struct mock_heap *mh = mock_heap_add(test);
	struct file *file = heap_open(test, mh->name);
	const u32 flags[] = { O_RDONLY, O_WRONLY, O_RDWR, O_RDONLY | O_CLOEXEC,
			      O_RDWR | O_CLOEXEC };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		struct dma_heap_allocation_data req = {
			.len = PAGE_SIZE,
			.fd_flags = flags[i],
		};
		struct dma_buf *dmabuf;
		bool cloexec;

		KUNIT_ASSERT_EQ(test, heap_alloc(test, file, &req), 0);
		KUNIT_EXPECT_EQ(test, mh->fd_flags, flags[i]);
		dmabuf = fd_dmabuf(test, req.fd);
		KUNIT_EXPECT_EQ_MSG(test, !!(dmabuf->file->f_mode & FMODE_WRITE),
				    (flags[i] & O_ACCMODE) != O_RDONLY,
				    "flags %#x", flags[i]);
		rcu_read_lock();
		cloexec = close_on_exec(req.fd, current->files);
		rcu_read_unlock();
		KUNIT_EXPECT_EQ_MSG(test, cloexec, !!(flags[i] & O_CLOEXEC),
				    "flags %#x", flags[i]);
	}
}

static void alloc_rejects_bad_fields(struct kunit *test)
{
	struct mock_heap *mh = mock_heap_add(test);
	struct file *file = heap_open(test, mh->name);
	const struct dma_heap_allocation_data bad[] = {
		{ .len = PAGE_SIZE, .fd = 3 },
		{ .len = PAGE_SIZE, .fd_flags = O_NONBLOCK },
		{ .len = PAGE_SIZE, .fd_flags = O_RDWR | O_APPEND },
		{ .len = PAGE_SIZE, .fd_flags = 0x80000000 },
		{ .len = PAGE_SIZE, .heap_flags = 1 },
		{ .len = PAGE_SIZE, .heap_flags = 1ULL << 63 },
		{ .len = 0 },
		{ .len = ~0ULL },
		{ .len = (ULONG_MAX & PAGE_MASK) + 1 },
	};
	int before = next_fd(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct dma_heap_allocation_data req = bad[i];

		KUNIT_EXPECT_EQ_MSG(test, heap_alloc(test, file, &req),
				    -EINVAL, "case %u", i);
		/* Nothing was written back. */
		KUNIT_EXPECT_EQ_MSG(test, req.fd, bad[i].fd, "case %u", i);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&mh->calls), 0);
	KUNIT_EXPECT_EQ(test, next_fd(test), before);
}

static void alloc_heap_error_passes_through(struct kunit *test)
{
	struct mock_heap *mh = mock_heap_add(test);
	struct file *file = heap_open(test, mh->name);
	struct dma_heap_allocation_data req = { .len = PAGE_SIZE };
	int before = next_fd(test);

	mh->fail = -ENOSPC;
	KUNIT_EXPECT_EQ(test, heap_alloc(test, file, &req), -ENOSPC);
	KUNIT_EXPECT_EQ(test, atomic_read(&mh->calls), 1);
	KUNIT_EXPECT_EQ(test, req.fd, 0);
	KUNIT_EXPECT_EQ(test, next_fd(test), before);
}

/* An older caller: the struct ends before heap_flags, or even before it. */
static void alloc_shorter_struct_zero_filled(struct kunit *test)
{
	struct mock_heap *mh = mock_heap_add(test);
	struct file *file = heap_open(test, mh->name);
	const size_t sizes[] = { 12, 16 };
	void __user *u = dmabuf_kunit_user_pages(test, 1);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct dma_heap_allocation_data req = {
			.len = 3 * PAGE_SIZE,
			.fd_flags = O_CLOEXEC,
			/* beyond the struct: must not be read */
			.heap_flags = 0xdead,
		};
		u32 fd;

		KUNIT_ASSERT_EQ(test, copy_to_user(u, &req, sizeof(req)), 0);
		KUNIT_ASSERT_EQ(test, heap_ioctl(file, alloc_cmd(sizes[i]), u),
				0);
		KUNIT_ASSERT_EQ(test, get_user(fd, (u32 __user *)(u + 8)), 0);
		own_fd(test, fd);
		KUNIT_EXPECT_EQ(test, fd_dmabuf(test, fd)->size, 3 * PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, mh->heap_flags, 0);
		KUNIT_EXPECT_EQ(test, mh->fd_flags, sizes[i] > 12 ? O_CLOEXEC : 0);
	}
}

/*
 * A newer caller: the extra bytes are read (and written back unchanged)
 * but do not matter, up to sizes that do not fit on the stack.
 */
static void alloc_longer_struct_tail_ignored(struct kunit *test)
{
	struct mock_heap *mh = mock_heap_add(test);
	struct file *file = heap_open(test, mh->name);
	const size_t sizes[] = { 32, 200, 4096 };
	struct dma_heap_allocation_data req = { .len = PAGE_SIZE };
	void __user *u = dmabuf_kunit_user_pages(test, 2);
	u8 *tail = kunit_kmalloc(test, 4096, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, tail);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		size_t extra = sizes[i] - sizeof(req);
		u32 fd;

		memset(tail, 0xa5, extra);
		KUNIT_ASSERT_EQ(test, copy_to_user(u, &req, sizeof(req)), 0);
		KUNIT_ASSERT_EQ(test, copy_to_user(u + sizeof(req), tail, extra),
				0);
		KUNIT_ASSERT_EQ(test, heap_ioctl(file, alloc_cmd(sizes[i]), u),
				0);
		KUNIT_ASSERT_EQ(test, get_user(fd, (u32 __user *)(u + 8)), 0);
		own_fd(test, fd);
		KUNIT_EXPECT_EQ(test, fd_dmabuf(test, fd)->size, PAGE_SIZE);

		memset(tail, 0, extra);
		KUNIT_ASSERT_EQ(test, copy_from_user(tail, u + sizeof(req),
						     extra), 0);
		KUNIT_EXPECT_NULL(test, memchr_inv(tail, 0xa5, extra));
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&mh->calls), ARRAY_SIZE(sizes));
}

/* An argument that runs into an unmapped page: nothing happens. */
static void alloc_unreadable_argument_efault(struct kunit *test)
{
	struct mock_heap *mh = mock_heap_add(test);
	struct file *file = heap_open(test, mh->name);
	struct dma_heap_allocation_data req = { .len = PAGE_SIZE };
	void __user *u = dmabuf_kunit_user_pages(test, 2);
	void __user *end = u + PAGE_SIZE;
	int before = next_fd(test);

	vm_munmap((unsigned long)end, PAGE_SIZE);
	/* The standard struct cut short by the hole... */
	KUNIT_ASSERT_EQ(test, copy_to_user(end - 16, &req, 16), 0);
	KUNIT_EXPECT_EQ(test, heap_ioctl(file, DMA_HEAP_IOCTL_ALLOC, end - 16),
			-EFAULT);
	/* ...and a longer one whose tail lies there. */
	KUNIT_ASSERT_EQ(test, copy_to_user(end - sizeof(req), &req,
					   sizeof(req)), 0);
	KUNIT_EXPECT_EQ(test, heap_ioctl(file, alloc_cmd(sizeof(req) + 8),
					 end - sizeof(req)), -EFAULT);

	KUNIT_EXPECT_EQ(test, atomic_read(&mh->calls), 0);
	KUNIT_EXPECT_EQ(test, next_fd(test), before);
}

/* Without _IOC_WRITE nothing is read: the request is all zeroes. */
static void alloc_without_input_einval(struct kunit *test)
{
	struct mock_heap *mh = mock_heap_add(test);
	struct file *file = heap_open(test, mh->name);
	struct dma_heap_allocation_data req = { .len = PAGE_SIZE };
	void __user *u = dmabuf_kunit_user_pages(test, 1);
	const unsigned int cmds[] = {
		_IOR(DMA_HEAP_IOC_MAGIC, 0, struct dma_heap_allocation_data),
		_IO(DMA_HEAP_IOC_MAGIC, 0),
	};
	unsigned int i;

	KUNIT_ASSERT_EQ(test, copy_to_user(u, &req, sizeof(req)), 0);
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		KUNIT_EXPECT_EQ_MSG(test, heap_ioctl(file, cmds[i], u), -EINVAL,
				    "cmd %#x", cmds[i]);
	KUNIT_EXPECT_EQ(test, atomic_read(&mh->calls), 0);
}

/* ABI: numbers past the allocation are -EINVAL, not -ENOTTY. */
static void alloc_unknown_number_einval(struct kunit *test)
{
	struct mock_heap *mh = mock_heap_add(test);
	struct file *file = heap_open(test, mh->name);
	struct dma_heap_allocation_data req = { .len = PAGE_SIZE };
	void __user *u = dmabuf_kunit_user_pages(test, 1);
	const unsigned int cmds[] = {
		_IOWR(DMA_HEAP_IOC_MAGIC, 1, struct dma_heap_allocation_data),
		_IO(DMA_HEAP_IOC_MAGIC, 2),
		_IOWR(DMA_HEAP_IOC_MAGIC, 0xff, struct dma_heap_allocation_data),
	};
	unsigned int i;

	KUNIT_ASSERT_EQ(test, copy_to_user(u, &req, sizeof(req)), 0);
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		KUNIT_EXPECT_EQ_MSG(test, heap_ioctl(file, cmds[i], u), -EINVAL,
				    "cmd %#x", cmds[i]);
	KUNIT_EXPECT_EQ(test, atomic_read(&mh->calls), 0);
}

/* ------------------------------------------------------------------ */
/* The system and CMA heaps, where present                             */
/* ------------------------------------------------------------------ */

/* Allocate @len bytes from the heap called @name, or skip without it. */
static struct dma_buf *heap_buffer(struct kunit *test, const char *name,
				   u64 len)
{
	struct file *file = heap_open(test, name);
	struct dma_heap_allocation_data req = {
		.len = len,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};

	KUNIT_ASSERT_EQ(test, heap_alloc(test, file, &req), 0);
	return fd_dmabuf(test, req.fd);
}

/*
 * A copy back that fails: the descriptor is never installed and the
 * buffer is freed. The argument sits in a read-only user mapping of a
 * system heap buffer, which is as good as any read-only memory.
 */
static void alloc_unwritable_argument_efault(struct kunit *test)
{
	struct dma_buf *ro = heap_buffer(test, "system", PAGE_SIZE);
	struct mock_heap *mh = mock_heap_add(test);
	struct file *file = heap_open(test, mh->name);
	struct dma_heap_allocation_data req = { .len = PAGE_SIZE };
	struct iosys_map map;
	unsigned long u;
	int before;

	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(ro, &map), 0);
	memcpy(map.vaddr, &req, sizeof(req));
	dma_buf_vunmap_unlocked(ro, &map);
	u = dmabuf_kunit_vm_mmap(test, ro->file, PAGE_SIZE, PROT_READ, MAP_SHARED,
				 0);
	KUNIT_ASSERT_FALSE(test, !u || IS_ERR_VALUE(u));

	before = next_fd(test);
	KUNIT_EXPECT_EQ(test, heap_ioctl(file, DMA_HEAP_IOCTL_ALLOC,
					 (void __user *)u), -EFAULT);
	flush_delayed_fput();
	KUNIT_EXPECT_EQ(test, atomic_read(&mh->calls), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&mh->released), 1);
	KUNIT_EXPECT_EQ(test, next_fd(test), before);
}

static void system_heap_buffer_zeroed_and_mappable(struct kunit *test)
{
	const unsigned long pages = 6;
	struct dma_buf *dmabuf = heap_buffer(test, "system",
					     5 * PAGE_SIZE + 1);
	u8 *page = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct iosys_map map;
	unsigned long u, i;

	KUNIT_ASSERT_NOT_NULL(test, page);
	KUNIT_EXPECT_EQ(test, dmabuf->size, pages * PAGE_SIZE);
	KUNIT_EXPECT_STREQ(test, dmabuf->exp_name, "system");

	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(dmabuf, &map), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(map.vaddr, 0, dmabuf->size));
	for (i = 0; i < pages; i++)
		memset(map.vaddr + i * PAGE_SIZE, 0x10 + i, PAGE_SIZE);
	dma_buf_vunmap_unlocked(dmabuf, &map);

	/* Mapped from page 2 on: the user sees pages 2..5. */
	u = dmabuf_kunit_vm_mmap(test, dmabuf->file, 4 * PAGE_SIZE, PROT_READ,
				 MAP_SHARED, 2 * PAGE_SIZE);
	KUNIT_ASSERT_FALSE(test, !u || IS_ERR_VALUE(u));
	for (i = 0; i < 4; i++) {
		KUNIT_ASSERT_EQ(test, copy_from_user(page, (void __user *)u +
						     i * PAGE_SIZE, PAGE_SIZE),
				0);
		KUNIT_EXPECT_NULL_MSG(test, memchr_inv(page, 0x12 + i, PAGE_SIZE),
				      "page %lu", i + 2);
	}
}

/*
 * The CMA heap's fault handler, called directly with offsets that no
 * mapping the core allows can produce: exactly at the end of the buffer
 * (the off-by-one of CVE-2024-46852) and beyond it.
 */
static void cma_heap_fault_past_end_sigbus(struct kunit *test)
{
	struct dma_buf *dmabuf = heap_buffer(test, "reserved", 4 * PAGE_SIZE);
	const pgoff_t offsets[] = { 4, 5, 1000 };
	struct vm_area_struct *vma;
	unsigned long u;
	unsigned int i;
	u8 byte;

	u = dmabuf_kunit_vm_mmap(test, dmabuf->file, 4 * PAGE_SIZE,
				 PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	KUNIT_ASSERT_FALSE(test, !u || IS_ERR_VALUE(u));
	/* The last page is there, and zeroed. */
	KUNIT_ASSERT_EQ(test, get_user(byte, (u8 __user *)u + 4 * PAGE_SIZE - 1),
			0);
	KUNIT_EXPECT_EQ(test, byte, 0);

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

static struct kunit_case dma_heap_cases[] = {
	KUNIT_CASE(heap_add_keeps_name_and_drvdata),
	KUNIT_CASE(heap_add_null_drvdata),
	KUNIT_CASE(heap_add_refuses_bad_info),
	KUNIT_CASE(heap_add_duplicate_name_eexist),
	KUNIT_CASE(heap_node_is_char_device),
	KUNIT_CASE(heap_node_not_seekable),
	KUNIT_CASE(alloc_rounds_len_to_pages),
	KUNIT_CASE(alloc_passes_fd_flags),
	KUNIT_CASE(alloc_rejects_bad_fields),
	KUNIT_CASE(alloc_heap_error_passes_through),
	KUNIT_CASE(alloc_shorter_struct_zero_filled),
	KUNIT_CASE(alloc_longer_struct_tail_ignored),
	KUNIT_CASE(alloc_unreadable_argument_efault),
	KUNIT_CASE(alloc_without_input_einval),
	KUNIT_CASE(alloc_unknown_number_einval),
	KUNIT_CASE(alloc_unwritable_argument_efault),
	KUNIT_CASE(system_heap_buffer_zeroed_and_mappable),
	KUNIT_CASE(cma_heap_fault_past_end_sigbus),
	{}
};

static struct kunit_suite dma_heap_suite = {
	.name = "dma_heap",
	.suite_init = dma_heap_kunit_mount,
	.suite_exit = dma_heap_kunit_unmount,
	.test_cases = dma_heap_cases,
};

kunit_test_suite(dma_heap_suite);

MODULE_DESCRIPTION("KUnit tests for the dma-buf heap framework");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

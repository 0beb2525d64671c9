// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_heap_memcg": how the heap core and the system heap
 * decide what to charge, and that a failure at any step of a charged
 * allocation leaves nothing behind.
 *
 * The suites run in the root memory cgroup, which is never charged, so
 * the charge itself (memory.current, memory.max) is the memcg kselftest's
 * business. What is checked here:
 *  - the system heap's allocation flags with mem_accounting on and off:
 *    __GFP_ACCOUNT on every order, and order 0 failing instead of OOM
 *    killing; off, exactly 6.12's flags;
 *  - charge_pid_fd: 0 is the caller, a descriptor that is not an open
 *    pidfd is -EBADF, and a bad one fails the ioctl before the heap is
 *    asked, with nothing written back; __padding must be zero;
 *  - a request naming a process runs the heap with that process's cgroup
 *    as the active memcg, restored afterwards, and only with accounting
 *    on (the pidfd lookup is stubbed: KUnit cannot make pidfds);
 *  - a 6.12 caller (the 24-byte struct) allocates with no active memcg,
 *    and so does one with a longer struct, whatever its bytes 24 to 31;
 *  - the system heap failing its Nth chunk, for the first, a middle and
 *    the last chunk: -ENOMEM, and every chunk already taken is freed (the
 *    case holds an extra reference on each and finds it the last one);
 *    and a whole buffer made but left without a descriptor: -EMFILE, and
 *    every chunk freed with it.
 */

#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/dma-heap.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/resource.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/uaccess.h>
#include <uapi/linux/dma-heap.h>

#include "../dma-buf-kunit-hooks.h"
#include "dma-heap-kunit.h"

/* The ioctl number of 6.12's 24-byte struct. */
#define DMA_HEAP_IOCTL_ALLOC_6_12	0xc0184800u

/* Cleanup action: put mem_accounting back as the case found it. */
static void accounting_restore(void *old)
{
	mem_accounting = (bool)(long)old;
}

static void accounting_set(struct kunit *test, bool on)
{
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, accounting_restore,
							(void *)(long)mem_accounting), 0);
	mem_accounting = on;
}

#if IS_ENABLED(CONFIG_DMABUF_HEAPS_SYSTEM)
static void gfp_with_accounting(struct kunit *test)
{
	unsigned int order;

	accounting_set(test, true);
	for (order = 0; order <= get_order(SZ_1M); order++) {
		gfp_t gfp = system_heap_gfp(order);

		KUNIT_EXPECT_TRUE_MSG(test, gfp & __GFP_ACCOUNT, "order %u",
				      order);
		KUNIT_EXPECT_TRUE(test, gfp & __GFP_ZERO);
	}
	/* Order 0 reclaims, then fails rather than OOM-killing. */
	KUNIT_EXPECT_TRUE(test, system_heap_gfp(0) & __GFP_RETRY_MAYFAIL);
	KUNIT_EXPECT_TRUE(test, system_heap_gfp(0) & __GFP_DIRECT_RECLAIM);
	/* Higher orders give up at once, charged or not. */
	KUNIT_EXPECT_FALSE(test, system_heap_gfp(1) & __GFP_DIRECT_RECLAIM);
	KUNIT_EXPECT_TRUE(test, system_heap_gfp(1) & __GFP_NORETRY);
}

static void gfp_without_accounting_is_6_12s(struct kunit *test)
{
	gfp_t high = ((GFP_HIGHUSER | __GFP_ZERO) & ~__GFP_RECLAIM) |
		     __GFP_NORETRY | __GFP_NOWARN | __GFP_COMP;

	accounting_set(test, false);
	KUNIT_EXPECT_TRUE(test, system_heap_gfp(0) == (GFP_HIGHUSER | __GFP_ZERO));
	KUNIT_EXPECT_TRUE(test, system_heap_gfp(4) == high);
	KUNIT_EXPECT_TRUE(test, system_heap_gfp(get_order(SZ_1M)) == high);
}
#endif

static void charge_target_zero_is_the_caller(struct kunit *test)
{
	KUNIT_EXPECT_NULL(test, dma_heap_charge_target(0));
}

/* Closed, impossible and negative descriptors, and a non-pidfd. */
static void charge_target_needs_a_pidfd(struct kunit *test)
{
	struct file *heap = heap_open(test, mock_heap_add(test)->name);
	int fd = get_unused_fd_flags(O_CLOEXEC), zero = -1;

	KUNIT_ASSERT_GE(test, fd, 0);
	/* Descriptor 0 would mean "the caller": keep it reserved meanwhile. */
	if (!fd) {
		zero = fd;
		fd = get_unused_fd_flags(O_CLOEXEC);
		KUNIT_ASSERT_GT(test, fd, 0);
	}
	/* Reserved but not installed: not an open descriptor yet. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(dma_heap_charge_target(fd)), -EBADF);
	get_file(heap);
	fd_install(fd, heap);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dma_heap_charge_target(fd)), -EBADF);
	close_fd(fd);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dma_heap_charge_target(fd)), -EBADF);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dma_heap_charge_target(-1)), -EBADF);
	KUNIT_EXPECT_EQ(test, PTR_ERR(dma_heap_charge_target(INT_MAX)),
			-EBADF);
	if (!zero)
		put_unused_fd(zero);
}

/*
 * The heap a case allocates from (a mock heap of its own, or the system
 * heap), its node opened, and user memory for the request.
 */
struct mock_case {
	struct mock_heap *mh;
	struct file *heap;
	void __user *u;
};

static struct mock_case mock_case(struct kunit *test)
{
	struct mock_case c = { .mh = mock_heap_add(test) };

	c.heap = heap_open(test, c.mh->name);
	c.u = dmabuf_kunit_user_pages(test, 1);
	return c;
}

/* The ioctl @cmd with @req in the case's user memory; its result. */
static long alloc_request(struct kunit *test, const struct mock_case *c,
			  const struct dma_heap_allocation_data *req,
			  unsigned int cmd)
{
	KUNIT_ASSERT_EQ(test, copy_to_user(c->u, req, sizeof(*req)), 0);
	return heap_ioctl(c->heap, cmd, c->u);
}

/* A bad charge_pid_fd or __padding: refused before the heap is asked. */
static void bad_charge_fields_fail_early(struct kunit *test)
{
	struct mock_case c = mock_case(test);
	struct dma_heap_allocation_data req = {
		.len = PAGE_SIZE,
		.fd_flags = O_RDWR,
		.charge_pid_fd = INT_MAX,
	};
	struct dma_heap_allocation_data back;

	KUNIT_EXPECT_EQ(test, alloc_request(test, &c, &req,
					    DMA_HEAP_IOCTL_ALLOC), -EBADF);
	req.charge_pid_fd = 0;
	req.__padding = 1;
	KUNIT_EXPECT_EQ(test, alloc_request(test, &c, &req,
					    DMA_HEAP_IOCTL_ALLOC), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.mh->calls), 0);
	KUNIT_ASSERT_EQ(test, copy_from_user(&back, c.u, sizeof(back)), 0);
	KUNIT_EXPECT_EQ(test, back.fd, 0);
}

/*
 * 6.12's struct: the missing charge_pid_fd is zero, the caller's own
 * cgroup, and the heap runs without an active memcg.
 */
static void old_struct_charges_the_caller(struct kunit *test)
{
	struct mock_case c = mock_case(test);
	struct dma_heap_allocation_data req = {
		.len = PAGE_SIZE,
		.fd_flags = O_RDWR | O_CLOEXEC,
		/* Beyond the 24 bytes the kernel reads: never seen. */
		.charge_pid_fd = INT_MAX,
	};

	KUNIT_ASSERT_EQ(test, alloc_request(test, &c, &req,
					    DMA_HEAP_IOCTL_ALLOC_6_12), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.mh->calls), 1);
	KUNIT_EXPECT_FALSE(test, c.mh->saw_active_memcg);
	KUNIT_ASSERT_EQ(test, copy_from_user(&req, c.u, sizeof(req)), 0);
	/* The bytes past 6.12's struct were neither read nor written. */
	KUNIT_EXPECT_EQ(test, req.charge_pid_fd, INT_MAX);
	close_fd(req.fd);
}

/* Stands in for dma_heap_charge_target(): some pidfd named the root. */
static struct mem_cgroup *root_is_the_target(u32 pidfd)
{
	return pidfd ? get_mem_cgroup_from_mm(NULL) : NULL;
}

/*
 * A request that names a process: the heap's allocate runs with that
 * process's memory cgroup active, and only while accounting is on (off,
 * nothing is charged, not even the dma-buf's file). The KUnit thread has
 * no mm, so the stub's cgroup is the root.
 */
static void named_process_is_the_active_memcg(struct kunit *test)
{
	struct mock_case c = mock_case(test);
	struct dma_heap_allocation_data req = {
		.len = PAGE_SIZE,
		.fd_flags = O_RDWR | O_CLOEXEC,
		.charge_pid_fd = INT_MAX,
	};
	struct dma_heap_allocation_data back;
	struct mem_cgroup *root = get_mem_cgroup_from_mm(NULL);

	mem_cgroup_put(root);
	if (!IS_ENABLED(CONFIG_MEMCG) || !root)
		kunit_skip(test, "no memory cgroups");
	kunit_activate_static_stub(test, dma_heap_charge_target,
				   root_is_the_target);

	accounting_set(test, true);
	KUNIT_ASSERT_EQ(test, alloc_request(test, &c, &req,
					    DMA_HEAP_IOCTL_ALLOC), 0);
	KUNIT_EXPECT_TRUE(test, c.mh->saw_active_memcg);
	KUNIT_ASSERT_EQ(test, copy_from_user(&back, c.u, sizeof(back)), 0);
	close_fd(back.fd);
#ifdef CONFIG_MEMCG
	/* And it is restored: the KUnit thread had none before. */
	KUNIT_EXPECT_NULL(test, current->active_memcg);
#endif

	mem_accounting = false;
	KUNIT_ASSERT_EQ(test, alloc_request(test, &c, &req,
					    DMA_HEAP_IOCTL_ALLOC), 0);
	KUNIT_EXPECT_FALSE(test, c.mh->saw_active_memcg);
	KUNIT_ASSERT_EQ(test, copy_from_user(&back, c.u, sizeof(back)), 0);
	close_fd(back.fd);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.mh->calls), 2);
}

/*
 * A longer struct than ours, as 6.12's compatibility test sends: the
 * bytes where charge_pid_fd and __padding would be are not read.
 */
static void longer_struct_has_no_charge_fields(struct kunit *test)
{
	struct mock_case c = mock_case(test);
	struct {
		struct dma_heap_allocation_data req;
		u64 more;
	} big = {
		.req = {
			.len = PAGE_SIZE,
			.fd_flags = O_RDWR | O_CLOEXEC,
			.charge_pid_fd = INT_MAX,
			.__padding = 1,
		},
	};

	KUNIT_ASSERT_EQ(test, copy_to_user(c.u, &big, sizeof(big)), 0);
	KUNIT_ASSERT_EQ(test, heap_ioctl(c.heap, _IOWR(DMA_HEAP_IOC_MAGIC, 0,
						       typeof(big)), c.u), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&c.mh->calls), 1);
	KUNIT_EXPECT_FALSE(test, c.mh->saw_active_memcg);
	KUNIT_ASSERT_EQ(test, copy_from_user(&big, c.u, sizeof(big)), 0);
	KUNIT_EXPECT_EQ(test, big.req.charge_pid_fd, INT_MAX);
	KUNIT_EXPECT_EQ(test, big.req.__padding, 1);
	close_fd(big.req.fd);
}

#if IS_ENABLED(CONFIG_DMABUF_HEAPS_SYSTEM)
/*
 * The chunks a failing allocator handed out, each with a reference: room
 * for the largest buffer below in single pages.
 */
#define MAX_CHUNKS	((SZ_1M >> PAGE_SHIFT) + 8)

struct chunk_log {
	unsigned int calls;	/* allocation attempts so far */
	unsigned int fail_from;	/* first attempt that fails */
	unsigned int count;
	struct page *pages[MAX_CHUNKS];
};

static struct chunk_log *chunk_log;

/* Stands in for system_heap_alloc_chunk() on the KUnit thread. */
static struct page *failing_alloc_chunk(unsigned int order)
{
	struct chunk_log *log = chunk_log;
	struct page *page;

	if (log->calls++ >= log->fail_from || log->count == MAX_CHUNKS)
		return NULL;
	page = alloc_pages(system_heap_gfp(order), order);
	if (page) {
		get_page(page);
		log->pages[log->count++] = page;
	}
	return page;
}

/*
 * Allocate a buffer of @pages pages from the system heap with the chunk
 * allocator failing from attempt @fail_from on, and no more than @nofile
 * descriptors; expect @err and check that no chunk is left behind.
 */
static void fail_at(struct kunit *test, unsigned long pages,
		    unsigned int fail_from, unsigned long nofile, int err)
{
	struct mock_case c = {
		.heap = heap_open(test, "system"),
		.u = dmabuf_kunit_user_pages(test, 1),
	};
	struct dma_heap_allocation_data req = {
		.len = pages * PAGE_SIZE,
		.fd_flags = O_RDWR,
	};
	struct chunk_log *log;
	unsigned int i;
	long ret;

	log = kunit_kzalloc(test, sizeof(*log), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, log);
	log->fail_from = fail_from;
	chunk_log = log;

	accounting_set(test, true);
	kunit_activate_static_stub(test, system_heap_alloc_chunk,
				   failing_alloc_chunk);
	nofile = set_nofile(nofile);
	ret = alloc_request(test, &c, &req, DMA_HEAP_IOCTL_ALLOC);
	set_nofile(nofile);
	kunit_deactivate_static_stub(test, system_heap_alloc_chunk);
	/* A buffer made and then dropped is released by delayed fput. */
	flush_delayed_fput();

	KUNIT_EXPECT_EQ(test, ret, err);
	KUNIT_ASSERT_EQ(test, copy_from_user(&req, c.u, sizeof(req)), 0);
	KUNIT_EXPECT_EQ(test, req.fd, 0);
	for (i = 0; i < log->count; i++) {
		KUNIT_EXPECT_EQ_MSG(test, page_ref_count(log->pages[i]), 1,
				    "chunk %u of %u kept", i, log->count);
		put_page(log->pages[i]);
	}
}

/* Three single pages: fail the first, the second, the third. */
static void failed_chunk_frees_the_others(struct kunit *test)
{
	heap_open(test, "system");	/* or skip */
	fail_at(test, 3, 0, RLIM_INFINITY, -ENOMEM);
	fail_at(test, 3, 1, RLIM_INFINITY, -ENOMEM);
	fail_at(test, 3, 2, RLIM_INFINITY, -ENOMEM);
	/* 1 MiB and a page: the large chunk (where one is free) taken first. */
	fail_at(test, (SZ_1M >> PAGE_SHIFT) + 1, 1, RLIM_INFINITY, -ENOMEM);
}

/* Every chunk charged and exported, then no descriptor: all freed. */
static void no_descriptor_frees_every_chunk(struct kunit *test)
{
	heap_open(test, "system");	/* or skip */
	fail_at(test, 3, UINT_MAX, 0, -EMFILE);
	fail_at(test, (SZ_1M >> PAGE_SHIFT) + 1, UINT_MAX, 0, -EMFILE);
}
#endif

static struct kunit_case dma_heap_memcg_cases[] = {
#if IS_ENABLED(CONFIG_DMABUF_HEAPS_SYSTEM)
	KUNIT_CASE(gfp_with_accounting),
	KUNIT_CASE(gfp_without_accounting_is_6_12s),
#endif
	KUNIT_CASE(charge_target_zero_is_the_caller),
	KUNIT_CASE(charge_target_needs_a_pidfd),
	KUNIT_CASE(bad_charge_fields_fail_early),
	KUNIT_CASE(old_struct_charges_the_caller),
	KUNIT_CASE(longer_struct_has_no_charge_fields),
	KUNIT_CASE(named_process_is_the_active_memcg),
#if IS_ENABLED(CONFIG_DMABUF_HEAPS_SYSTEM)
	KUNIT_CASE(failed_chunk_frees_the_others),
	KUNIT_CASE(no_descriptor_frees_every_chunk),
#endif
	{}
};

static struct kunit_suite dma_heap_memcg_suite = {
	.name = "dma_heap_memcg",
	.suite_init = dma_heap_kunit_mount,
	.suite_exit = dma_heap_kunit_unmount,
	.test_cases = dma_heap_memcg_cases,
};

kunit_test_suite(dma_heap_memcg_suite);

MODULE_DESCRIPTION("KUnit tests of the dma-buf heaps' memory cgroup charging");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
MODULE_IMPORT_NS(DMA_BUF_HEAP);
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "sync_file_ioctl": the ioctls of a sync_file as user space
 * calls them. SYNC_IOC_MERGE, SYNC_IOC_FILE_INFO in both halves of its
 * two-call protocol, SYNC_IOC_SET_DEADLINE, and the errors of each for
 * bad arguments and for user memory that cannot be read or written.
 *
 * The arguments live in user memory from kunit_vm_mmap(), as a program's
 * would. Descriptors are installed in the table the KUnit threads share
 * and closed by cleanup actions, which also run the deferred final
 * fput(), so a released file is gone by the next line of the case.
 */

#include <kunit/test.h>
#include <linux/dma-fence.h>
#include <linux/dma-fence-array.h>
#include <linux/dma-fence-unwrap.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sync_file.h>
#include <linux/uaccess.h>
#include <uapi/linux/sync_file.h>

#include "dmabuf-kunit.h"

/* ------------------------------------------------------------------ */
/* Files, descriptors and user memory                                  */
/* ------------------------------------------------------------------ */

static void fd_drop(void *arg)
{
	close_fd((unsigned long)arg);
	flush_delayed_fput();
}

static void adopt_fd(struct kunit *test, int fd)
{
	KUNIT_ASSERT_GE(test, fd, 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fd_drop,
							(void *)(long)fd), 0);
}

/* A pending leaf fence on a context of its own, retired with the case. */
static struct dma_fence *leaf(struct kunit *test)
{
	return dmabuf_kunit_fence_adopt(test,
		dmabuf_kunit_leaf_alloc(dma_fence_context_alloc(1), 1));
}

/* A descriptor of a new sync_file on @fence, closed with the case. */
static int sync_fd(struct kunit *test, struct dma_fence *fence)
{
	struct sync_file *sf = sync_file_create(fence);
	int fd;

	KUNIT_ASSERT_NOT_NULL(test, sf);
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		fput(sf->file);
	KUNIT_ASSERT_GE(test, fd, 0);
	fd_install(fd, sf->file);
	adopt_fd(test, fd);
	return fd;
}

/* Issue @cmd on the file of @fd with @uarg as the argument. */
static long ioctl_at(struct kunit *test, int fd, unsigned int cmd,
		     void __user *uarg)
{
	struct file *file = fget(fd);
	long ret;

	KUNIT_ASSERT_NOT_NULL(test, file);
	ret = file->f_op->unlocked_ioctl(file, cmd, (unsigned long)uarg);
	fput(file);
	return ret;
}

/* Issue @cmd on @fd with @arg copied through user memory and back. */
static long call(struct kunit *test, int fd, unsigned int cmd, void *arg,
		 size_t size)
{
	void __user *uarg = dmabuf_kunit_user_pages(test, 1);
	long ret;

	KUNIT_ASSERT_EQ(test, copy_to_user(uarg, arg, size), 0UL);
	ret = ioctl_at(test, fd, cmd, uarg);
	KUNIT_ASSERT_EQ(test, copy_from_user(arg, uarg, size), 0UL);
	return ret;
}

/* SYNC_IOC_MERGE of @fd and @fd2 into a new sync_file called @name. */
static long merge(struct kunit *test, int fd, int fd2, const char *name,
		  int *merged)
{
	struct sync_merge_data req = { .fd2 = fd2, .fence = -1 };
	long ret;

	strscpy(req.name, name);
	ret = call(test, fd, SYNC_IOC_MERGE, &req, sizeof(req));
	if (!ret)
		adopt_fd(test, req.fence);
	*merged = req.fence;
	return ret;
}

static int merged_fd(struct kunit *test, int fd, int fd2, const char *name)
{
	int merged;

	KUNIT_ASSERT_EQ(test, merge(test, fd, fd2, name, &merged), 0L);
	return merged;
}

/* The fence behind @fd, dropped with the case. */
static struct dma_fence *fence_of(struct kunit *test, int fd)
{
	return dmabuf_kunit_fence_own(test, sync_file_get_fence(fd));
}

static unsigned int leaves(struct dma_fence *fence)
{
	struct dma_fence_unwrap iter;
	struct dma_fence *f;
	unsigned int n = 0;

	dma_fence_unwrap_for_each(f, &iter, fence)
		n++;
	return n;
}

/*
 * The last leaf of @fence. The walk runs to its end, where the iterator
 * drops the reference it holds on @fence.
 */
static struct dma_fence *last_leaf(struct dma_fence *fence)
{
	struct dma_fence *f, *last = NULL;
	struct dma_fence_unwrap iter;

	dma_fence_unwrap_for_each(f, &iter, fence)
		last = f;
	return last;
}

/* SYNC_IOC_FILE_INFO of @fd with room for @room entries at @entries. */
static long file_info(struct kunit *test, int fd, struct sync_file_info *info,
		      struct sync_fence_info *entries, unsigned int room)
{
	void __user *uentries = dmabuf_kunit_user_pages(test, 1);
	long ret;

	KUNIT_ASSERT_LE(test, room * sizeof(*entries), PAGE_SIZE);
	info->num_fences = room;
	info->sync_fence_info = (u64)(uintptr_t)uentries;
	ret = call(test, fd, SYNC_IOC_FILE_INFO, info, sizeof(*info));
	if (entries && room)
		KUNIT_ASSERT_EQ(test, copy_from_user(entries, uentries,
						     room * sizeof(*entries)),
				0UL);
	return ret;
}

/* ------------------------------------------------------------------ */
/* SYNC_IOC_MERGE                                                      */
/* ------------------------------------------------------------------ */

static void merge_makes_a_new_file_of_both(struct kunit *test)
{
	struct dma_fence *a = leaf(test), *b = leaf(test);
	int fa = sync_fd(test, a), fb = sync_fd(test, b);
	struct sync_file_info info = { };
	struct dma_fence *fence;
	bool cloexec;
	int fd;

	fd = merged_fd(test, fa, fb, "kunit-merged");
	KUNIT_EXPECT_NE(test, fd, fa);
	KUNIT_EXPECT_NE(test, fd, fb);
	rcu_read_lock();
	cloexec = close_on_exec(fd, current->files);
	rcu_read_unlock();
	KUNIT_EXPECT_TRUE(test, cloexec);

	fence = fence_of(test, fd);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_array(fence));
	KUNIT_EXPECT_EQ(test, leaves(fence), 2U);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));

	/* The inputs are left as they were. */
	KUNIT_EXPECT_PTR_EQ(test, fence_of(test, fa), a);
	KUNIT_EXPECT_PTR_EQ(test, fence_of(test, fb), b);

	KUNIT_ASSERT_EQ(test, file_info(test, fd, &info, NULL, 0), 0L);
	KUNIT_EXPECT_STREQ(test, info.name, "kunit-merged");
	KUNIT_EXPECT_EQ(test, info.num_fences, 2U);
	KUNIT_EXPECT_EQ(test, info.status, 0);

	dma_fence_signal(a);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));
	dma_fence_signal(b);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(fence));
}

static void merge_keeps_the_later_of_one_context(struct kunit *test)
{
	u64 context = dma_fence_context_alloc(1);
	struct dma_fence *one, *two;
	struct dma_fence *fence;
	int fd;

	one = dmabuf_kunit_fence_adopt(test,
				       dmabuf_kunit_leaf_alloc(context, 1));
	two = dmabuf_kunit_fence_adopt(test,
				       dmabuf_kunit_leaf_alloc(context, 2));
	fd = merged_fd(test, sync_fd(test, two), sync_fd(test, one), "later");
	fence = fence_of(test, fd);
	KUNIT_EXPECT_EQ(test, leaves(fence), 1U);
	KUNIT_EXPECT_PTR_EQ(test, last_leaf(fence), two);
}

static void merge_with_itself(struct kunit *test)
{
	struct dma_fence *a = leaf(test);
	int fa = sync_fd(test, a);
	struct sync_file_info info = { };
	int fd = merged_fd(test, fa, fa, "self");

	KUNIT_EXPECT_EQ(test, leaves(fence_of(test, fd)), 1U);
	KUNIT_ASSERT_EQ(test, file_info(test, fd, &info, NULL, 0), 0L);
	KUNIT_EXPECT_STREQ(test, info.name, "self");
}

static void merge_name_loses_its_last_byte(struct kunit *test)
{
	struct sync_merge_data req = { .fence = -1 };
	struct sync_file_info info = { };
	int fa = sync_fd(test, leaf(test));
	char want[sizeof(req.name)];

	/* ABI: a name filling the field loses its last byte to the NUL. */
	memset(req.name, 'n', sizeof(req.name));
	req.fd2 = sync_fd(test, leaf(test));
	KUNIT_ASSERT_EQ(test, call(test, fa, SYNC_IOC_MERGE, &req, sizeof(req)),
			0L);
	adopt_fd(test, req.fence);

	memset(want, 'n', sizeof(want) - 1);
	want[sizeof(want) - 1] = '\0';
	KUNIT_ASSERT_EQ(test, file_info(test, req.fence, &info, NULL, 0), 0L);
	KUNIT_EXPECT_STREQ(test, info.name, want);
}

static void merge_rejects_bad_requests(struct kunit *test)
{
	int fa = sync_fd(test, leaf(test));
	int fb = sync_fd(test, leaf(test));
	struct sync_merge_data req = { .fd2 = fb, .fence = -1 };
	struct file *other;
	int fd, merged;

	req.flags = 1;
	KUNIT_EXPECT_EQ(test, call(test, fa, SYNC_IOC_MERGE, &req, sizeof(req)),
			(long)-EINVAL);
	req.flags = 0;
	req.pad = 1;
	KUNIT_EXPECT_EQ(test, call(test, fa, SYNC_IOC_MERGE, &req, sizeof(req)),
			(long)-EINVAL);
	KUNIT_EXPECT_EQ(test, req.fence, -1);

	KUNIT_EXPECT_EQ(test, merge(test, fa, -1, "bad", &merged),
			(long)-ENOENT);
	KUNIT_EXPECT_EQ(test, merge(test, fa, INT_MAX, "bad", &merged),
			(long)-ENOENT);

	/* An open file, but no sync_file. */
	other = shmem_file_setup("sync-file-ioctl-kunit", PAGE_SIZE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(other));
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		fput(other);
	KUNIT_ASSERT_GE(test, fd, 0);
	fd_install(fd, other);
	adopt_fd(test, fd);
	KUNIT_EXPECT_EQ(test, merge(test, fa, fd, "bad", &merged),
			(long)-ENOENT);

	KUNIT_EXPECT_EQ(test, ioctl_at(test, fa, SYNC_IOC_MERGE, NULL),
			(long)-EFAULT);
}

static void merge_answer_cannot_be_written(struct kunit *test)
{
	struct sync_merge_data req = { .fence = -1 };
	int fa = sync_fd(test, leaf(test));
	int fd, next;

	req.fd2 = sync_fd(test, leaf(test));
	strscpy(req.name, "unseen");
	KUNIT_EXPECT_EQ(test, ioctl_at(test, fa, SYNC_IOC_MERGE,
				       dmabuf_kunit_read_only_user(test, &req, sizeof(req))),
			(long)-EFAULT);

	/* The descriptor it had reserved is free again. */
	fd = get_unused_fd_flags(O_CLOEXEC);
	KUNIT_ASSERT_GE(test, fd, 0);
	put_unused_fd(fd);
	next = merged_fd(test, fa, req.fd2, "seen");
	KUNIT_EXPECT_EQ(test, next, fd);
}

/* ------------------------------------------------------------------ */
/* SYNC_IOC_FILE_INFO                                                  */
/* ------------------------------------------------------------------ */

static void info_count_only(struct kunit *test)
{
	struct dma_fence *a = leaf(test);
	int fd = sync_fd(test, a);
	struct sync_file_info info = { };
	char want[sizeof(info.name)], full[2 * sizeof(info.name)];

	KUNIT_ASSERT_EQ(test, file_info(test, fd, &info, NULL, 0), 0L);
	KUNIT_EXPECT_EQ(test, info.num_fences, 1U);
	KUNIT_EXPECT_EQ(test, info.status, 0);
	/* Cut to the size of the field. */
	snprintf(full, sizeof(full),
		 DMABUF_KUNIT_LEAF_DRIVER "-" DMABUF_KUNIT_LEAF_TIMELINE "%llu-1",
		 a->context);
	strscpy(want, full, sizeof(want));
	KUNIT_EXPECT_STREQ(test, info.name, want);

	dma_fence_set_error(a, -EIO);
	dma_fence_signal(a);
	memset(&info, 0, sizeof(info));
	KUNIT_ASSERT_EQ(test, file_info(test, fd, &info, NULL, 0), 0L);
	KUNIT_EXPECT_EQ(test, info.status, -EIO);
}

static void info_describes_each_fence(struct kunit *test)
{
	struct dma_fence *a = leaf(test), *b = leaf(test);
	int fd = merged_fd(test, sync_fd(test, a), sync_fd(test, b), "pair");
	struct sync_fence_info entries[3] = { };
	struct sync_file_info info = { };
	struct sync_fence_info *done, *pending;

	dma_fence_signal(a);
	/* More room than needed is fine; only two entries are written. */
	KUNIT_ASSERT_EQ(test, file_info(test, fd, &info, entries, 3), 0L);
	KUNIT_EXPECT_EQ(test, info.num_fences, 2U);
	KUNIT_EXPECT_EQ(test, info.status, 0);
	KUNIT_EXPECT_STREQ(test, info.name, "pair");
	KUNIT_EXPECT_EQ(test, entries[2].status, 0);
	KUNIT_EXPECT_EQ(test, entries[2].obj_name[0], 0);

	done = entries[0].status ? &entries[0] : &entries[1];
	pending = entries[0].status ? &entries[1] : &entries[0];
	KUNIT_EXPECT_EQ(test, done->status, 1);
	KUNIT_EXPECT_EQ(test, done->timestamp_ns,
			(u64)ktime_to_ns(a->timestamp));
	KUNIT_EXPECT_STREQ(test, done->obj_name, DMABUF_KUNIT_LEAF_TIMELINE);
	KUNIT_EXPECT_STREQ(test, done->driver_name, DMABUF_KUNIT_LEAF_DRIVER);
	KUNIT_EXPECT_EQ(test, pending->status, 0);
	KUNIT_EXPECT_EQ(test, pending->timestamp_ns, 0ULL);
	KUNIT_EXPECT_STREQ(test, pending->obj_name, DMABUF_KUNIT_LEAF_TIMELINE);

	/* One member failed, the other completed: the file failed. */
	dma_fence_set_error(b, -EIO);
	dma_fence_signal(b);
	memset(entries, 0, sizeof(entries));
	KUNIT_ASSERT_EQ(test, file_info(test, fd, &info, entries, 2), 0L);
	KUNIT_EXPECT_EQ(test, info.status, -EIO);
	KUNIT_EXPECT_EQ(test, entries[0].status + entries[1].status, 1 - EIO);
}

static void info_rejects_bad_requests(struct kunit *test)
{
	int fd = merged_fd(test, sync_fd(test, leaf(test)),
			   sync_fd(test, leaf(test)), "pair");
	struct sync_file_info info = { };

	info.flags = 1;
	KUNIT_EXPECT_EQ(test, file_info(test, fd, &info, NULL, 2),
			(long)-EINVAL);
	info.flags = 0;
	info.pad = 1;
	KUNIT_EXPECT_EQ(test, file_info(test, fd, &info, NULL, 2),
			(long)-EINVAL);
	info.pad = 0;
	/* Too little room for the two fences. */
	KUNIT_EXPECT_EQ(test, file_info(test, fd, &info, NULL, 1),
			(long)-EINVAL);

	KUNIT_EXPECT_EQ(test, ioctl_at(test, fd, SYNC_IOC_FILE_INFO, NULL),
			(long)-EFAULT);
	info.num_fences = 2;
	info.sync_fence_info = 0;
	KUNIT_EXPECT_EQ(test, call(test, fd, SYNC_IOC_FILE_INFO, &info,
				   sizeof(info)), (long)-EFAULT);
}

static void info_answer_cannot_be_written(struct kunit *test)
{
	int fd = sync_fd(test, leaf(test));
	struct sync_file_info info = { };
	struct sync_fence_info entry = { };

	/* Count only: the info itself cannot be written back. */
	KUNIT_EXPECT_EQ(test, ioctl_at(test, fd, SYNC_IOC_FILE_INFO,
				       dmabuf_kunit_read_only_user(test, &info, sizeof(info))),
			(long)-EFAULT);

	/* The entries' buffer is read-only. */
	info.num_fences = 1;
	info.sync_fence_info = (u64)(uintptr_t)dmabuf_kunit_read_only_user(test, &entry,
							      sizeof(entry));
	KUNIT_EXPECT_EQ(test, call(test, fd, SYNC_IOC_FILE_INFO, &info,
				   sizeof(info)), (long)-EFAULT);

	/* The entries could be written, the info cannot. */
	info.sync_fence_info = (u64)(uintptr_t)dmabuf_kunit_user_pages(test, 1);
	KUNIT_EXPECT_EQ(test, ioctl_at(test, fd, SYNC_IOC_FILE_INFO,
				       dmabuf_kunit_read_only_user(test, &info, sizeof(info))),
			(long)-EFAULT);
}

/* ------------------------------------------------------------------ */
/* SYNC_IOC_SET_DEADLINE                                               */
/* ------------------------------------------------------------------ */

static void set_deadline_reaches_the_fence(struct kunit *test)
{
	struct dma_fence *a = leaf(test);
	int fd = sync_fd(test, a);
	struct sync_set_deadline req = { .deadline_ns = 123456789 };

	KUNIT_EXPECT_EQ(test, call(test, fd, SYNC_IOC_SET_DEADLINE, &req,
				   sizeof(req)), 0L);
	KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_deadlines(a), 1);
	KUNIT_EXPECT_EQ(test, ktime_to_ns(dmabuf_kunit_to_leaf(a)->deadline),
			123456789LL);
	/* A hint only: nothing completes or arms the fence. */
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(a));
	KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_enables(a), 0);
}

static void set_deadline_rejects_bad_requests(struct kunit *test)
{
	struct dma_fence *a = leaf(test);
	int fd = sync_fd(test, a);
	struct sync_set_deadline req = { .deadline_ns = 1, .pad = 1 };

	KUNIT_EXPECT_EQ(test, call(test, fd, SYNC_IOC_SET_DEADLINE, &req,
				   sizeof(req)), (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, ioctl_at(test, fd, SYNC_IOC_SET_DEADLINE, NULL),
			(long)-EFAULT);
	KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_deadlines(a), 0);
}

static struct kunit_case sync_file_ioctl_cases[] = {
	KUNIT_CASE(merge_makes_a_new_file_of_both),
	KUNIT_CASE(merge_keeps_the_later_of_one_context),
	KUNIT_CASE(merge_with_itself),
	KUNIT_CASE(merge_name_loses_its_last_byte),
	KUNIT_CASE(merge_rejects_bad_requests),
	KUNIT_CASE(merge_answer_cannot_be_written),
	KUNIT_CASE(info_count_only),
	KUNIT_CASE(info_describes_each_fence),
	KUNIT_CASE(info_rejects_bad_requests),
	KUNIT_CASE(info_answer_cannot_be_written),
	KUNIT_CASE(set_deadline_reaches_the_fence),
	KUNIT_CASE(set_deadline_rejects_bad_requests),
	{}
};

static struct kunit_suite sync_file_ioctl_suite = {
	.name = "sync_file_ioctl",
	.test_cases = sync_file_ioctl_cases,
};

kunit_test_suite(sync_file_ioctl_suite);

MODULE_DESCRIPTION("KUnit tests for the sync_file ioctls");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

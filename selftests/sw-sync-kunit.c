// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "sw_sync": the sw_sync timelines through their debugfs
 * control file, as the kselftests drive them, and the text of
 * /sys/kernel/debug/sync/info that lists them.
 *
 * debugfs is mounted privately for the suite, and both files are opened
 * through that mount, so every open goes through the same file operations
 * a program's would. The ioctl arguments live in user memory from
 * kunit_vm_mmap(). Descriptors are installed in the table the KUnit
 * threads share and closed again by cleanup actions; each action that
 * drops a file also runs the deferred final fput(), so a release has
 * happened by the time the next line of the case runs.
 */

#include <kunit/test.h>
#include <linux/dma-fence.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ioctl.h>
#include <linux/limits.h>
#include <linux/mman.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sync_file.h>
#include <linux/uaccess.h>
#include <uapi/linux/sync_file.h>

#include "../sync_debug.h"
#include "dmabuf-kunit.h"

/* ABI: the control file's ioctls, as the kselftests spell them. */
struct sw_sync_kunit_create {
	__u32	value;
	char	name[32];
	__s32	fence;
};

struct sw_sync_kunit_deadline {
	__u64	deadline_ns;
	__u32	pad;
	__s32	fence_fd;
};

#define SW_SYNC_KUNIT_CREATE	_IOWR('W', 0, struct sw_sync_kunit_create)
#define SW_SYNC_KUNIT_INC	_IOW('W', 1, __u32)
#define SW_SYNC_KUNIT_DEADLINE	_IOWR('W', 2, struct sw_sync_kunit_deadline)

/* What the info file may grow to in a case; it is one page in practice. */
#define INFO_MAX		(4 * PAGE_SIZE)

/* The debugfs superblock, mounted for the suite; NULL without debugfs. */
static struct vfsmount *sw_sync_debugfs;

/* ------------------------------------------------------------------ */
/* Files, descriptors and user memory                                  */
/* ------------------------------------------------------------------ */

static void file_drop(void *arg)
{
	fput(arg);
	flush_delayed_fput();
}

static void fd_drop(void *arg)
{
	close_fd((unsigned long)arg);
	flush_delayed_fput();
}

/* Open @name below the debugfs root for the case, or skip without it. */
static struct file *debugfs_open(struct kunit *test, const char *name,
				 int flags)
{
	struct file *file;
	struct path path;

	if (!sw_sync_debugfs)
		kunit_skip(test, "debugfs cannot be mounted");
	if (vfs_path_lookup(sw_sync_debugfs->mnt_root, sw_sync_debugfs, name,
			    0, &path))
		kunit_skip(test, "no %s in debugfs", name);
	file = dentry_open(&path, flags, current_cred());
	path_put(&path);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(file), "open %s: %ld", name,
			       PTR_ERR(file));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, file_drop, file),
			0);
	return file;
}

/* A new timeline: an open of the control file. */
static struct file *timeline_open(struct kunit *test)
{
	return debugfs_open(test, "sync/sw_sync", O_RDWR);
}

static void timeline_close(struct kunit *test, struct file *tl)
{
	kunit_release_action(test, file_drop, tl);
}

/* The descriptor @fd, handed out by an ioctl, is closed with the case. */
static void adopt_fd(struct kunit *test, int fd)
{
	KUNIT_ASSERT_GE(test, fd, 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fd_drop,
							(void *)(long)fd), 0);
}

static void close_fd_now(struct kunit *test, int fd)
{
	kunit_release_action(test, fd_drop, (void *)(long)fd);
}

static long raw_call(struct file *file, unsigned int cmd, void __user *uarg)
{
	return file->f_op->unlocked_ioctl(file, cmd, (unsigned long)uarg);
}

/* Issue @cmd on @file with @arg copied through user memory and back. */
static long call(struct kunit *test, struct file *file, unsigned int cmd,
		 void *arg, size_t size)
{
	void __user *uarg = dmabuf_kunit_user_pages(test, 1);
	long ret;

	KUNIT_ASSERT_EQ(test, copy_to_user(uarg, arg, size), 0UL);
	ret = file->f_op->unlocked_ioctl(file, cmd, (unsigned long)uarg);
	KUNIT_ASSERT_EQ(test, copy_from_user(arg, uarg, size), 0UL);
	return ret;
}

/* A point at @value on @tl; its descriptor is closed with the case. */
static int create_fence(struct kunit *test, struct file *tl, u32 value)
{
	struct sw_sync_kunit_create req = { .value = value, .fence = -1 };

	strscpy(req.name, "kunit-pt");
	KUNIT_ASSERT_EQ(test, call(test, tl, SW_SYNC_KUNIT_CREATE, &req,
				   sizeof(req)), 0L);
	adopt_fd(test, req.fence);
	return req.fence;
}

static void inc(struct kunit *test, struct file *tl, u32 step)
{
	KUNIT_ASSERT_EQ(test, call(test, tl, SW_SYNC_KUNIT_INC, &step,
				   sizeof(step)), 0L);
}

/* The fence behind @fd, dropped with the case. */
static struct dma_fence *fence_of(struct kunit *test, int fd)
{
	return dmabuf_kunit_fence_own(test, sync_file_get_fence(fd));
}

static long get_deadline(struct kunit *test, struct file *tl, int fd,
			 u64 *deadline_ns)
{
	struct sw_sync_kunit_deadline req = { .fence_fd = fd };
	long ret;

	ret = call(test, tl, SW_SYNC_KUNIT_DEADLINE, &req, sizeof(req));
	*deadline_ns = req.deadline_ns;
	return ret;
}

/* SYNC_IOC_SET_DEADLINE on the sync_file behind @fd. */
static void set_deadline(struct kunit *test, int fd, u64 ns)
{
	struct sync_set_deadline req = { .deadline_ns = ns };
	struct file *file = fget(fd);
	long ret;

	KUNIT_ASSERT_NOT_NULL(test, file);
	ret = call(test, file, SYNC_IOC_SET_DEADLINE, &req, sizeof(req));
	fput(file);
	KUNIT_ASSERT_EQ(test, ret, 0L);
}

static char *value_str(struct dma_fence *fence, char *buf, int len)
{
	fence->ops->fence_value_str(fence, buf, len);
	return buf;
}

static char *counter_str(struct dma_fence *fence, char *buf, int len)
{
	fence->ops->timeline_value_str(fence, buf, len);
	return buf;
}

/* The whole text of /sys/kernel/debug/sync/info, freed with the case. */
static char *read_info(struct kunit *test)
{
	struct file *file = debugfs_open(test, "sync/info", O_RDONLY);
	unsigned long addr;
	size_t len = 0;
	loff_t pos = 0;
	char *text;
	ssize_t n;

	KUNIT_ASSERT_NOT_NULL(test, file->f_op->read);
	text = kunit_kzalloc(test, INFO_MAX + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, text);
	addr = dmabuf_kunit_vm_mmap(test, NULL, INFO_MAX, PROT_READ | PROT_WRITE,
				    MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr) || !addr);

	do {
		n = file->f_op->read(file, (char __user *)addr + len,
				     INFO_MAX - len, &pos);
		KUNIT_ASSERT_GE(test, n, 0L);
		len += n;
	} while (n && len < INFO_MAX);
	KUNIT_ASSERT_LT_MSG(test, len, INFO_MAX, "info is too long to check");
	KUNIT_ASSERT_EQ(test, copy_from_user(text, (void __user *)addr, len),
			0UL);
	kunit_release_action(test, file_drop, file);
	return text;
}

/* The timeline name: the command of whoever opened the control file. */
static const char *comm(char *buf)
{
	return __get_task_comm(buf, TASK_COMM_LEN, current);
}

/* ------------------------------------------------------------------ */
/* Points and the counter                                              */
/* ------------------------------------------------------------------ */

static void sw_create_pending_point(struct kunit *test)
{
	struct file *tl = timeline_open(test);
	char name[TASK_COMM_LEN], buf[64];
	struct dma_fence *fence;
	bool cloexec;
	int fd;

	fd = create_fence(test, tl, 1);
	rcu_read_lock();
	cloexec = close_on_exec(fd, current->files);
	rcu_read_unlock();
	KUNIT_EXPECT_TRUE(test, cloexec);

	fence = fence_of(test, fd);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));
	KUNIT_EXPECT_EQ(test, fence->seqno, 1ULL);
	KUNIT_EXPECT_STREQ(test, fence->ops->get_driver_name(fence),
			   "sw_sync");
	KUNIT_EXPECT_STREQ(test, fence->ops->get_timeline_name(fence),
			   comm(name));
	KUNIT_EXPECT_STREQ(test, value_str(fence, buf, sizeof(buf)), "1");
	KUNIT_EXPECT_STREQ(test, counter_str(fence, buf, sizeof(buf)), "0");
}

static void sw_points_share_a_context_per_timeline(struct kunit *test)
{
	struct file *tl = timeline_open(test);
	struct file *other = timeline_open(test);
	struct dma_fence *a = fence_of(test, create_fence(test, tl, 1));
	struct dma_fence *b = fence_of(test, create_fence(test, tl, 2));
	struct dma_fence *c = fence_of(test, create_fence(test, other, 1));

	KUNIT_EXPECT_EQ(test, a->context, b->context);
	KUNIT_EXPECT_NE(test, a->context, c->context);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_later(b, a));
}

static void sw_inc_signals_in_order(struct kunit *test)
{
	struct file *tl = timeline_open(test);
	/* Made out of order: each goes in front of its successor. */
	struct dma_fence *three = fence_of(test, create_fence(test, tl, 3));
	struct dma_fence *one = fence_of(test, create_fence(test, tl, 1));
	struct dma_fence *two = fence_of(test, create_fence(test, tl, 2));
	char buf[16];

	inc(test, tl, 1);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(one), 1);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(two), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(three), 0);
	KUNIT_EXPECT_STREQ(test, counter_str(one, buf, sizeof(buf)), "1");

	inc(test, tl, 0);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(two), 0);

	inc(test, tl, 5);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(two), 1);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(three), 1);
	KUNIT_EXPECT_STREQ(test, counter_str(three, buf, sizeof(buf)), "6");
}

static void sw_point_already_reached_is_signaled(struct kunit *test)
{
	struct file *tl = timeline_open(test);
	struct dma_fence *past, *now, *next;

	inc(test, tl, 5);
	past = fence_of(test, create_fence(test, tl, 3));
	now = fence_of(test, create_fence(test, tl, 5));
	next = fence_of(test, create_fence(test, tl, 6));

	KUNIT_EXPECT_EQ(test, dma_fence_get_status(past), 1);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(now), 1);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(next), 0);
}

static void sw_same_pending_value_same_fence(struct kunit *test)
{
	struct file *tl = timeline_open(test);
	int a = create_fence(test, tl, 7);
	int b = create_fence(test, tl, 7);
	struct dma_fence *fa = fence_of(test, a);
	struct dma_fence *fb = fence_of(test, b);

	/* Two descriptors, one point. */
	KUNIT_EXPECT_NE(test, a, b);
	KUNIT_EXPECT_PTR_EQ(test, fa, fb);

	inc(test, tl, 7);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(fa));
}

static void sw_inc_beyond_int_max(struct kunit *test)
{
	struct file *tl = timeline_open(test);
	struct dma_fence *fence = fence_of(test, create_fence(test, tl, 50));
	char buf[16];

	/* Applied in steps no larger than INT_MAX; the counter wraps. */
	inc(test, tl, U32_MAX);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), 1);
	KUNIT_EXPECT_STREQ(test, counter_str(fence, buf, sizeof(buf)), "-1");

	inc(test, tl, 2);
	KUNIT_EXPECT_STREQ(test, counter_str(fence, buf, sizeof(buf)), "1");
}

static void sw_dropped_point_leaves_timeline(struct kunit *test)
{
	struct file *tl = timeline_open(test);
	int gone = create_fence(test, tl, 2);
	struct dma_fence *kept = fence_of(test, create_fence(test, tl, 4));

	/* The last reference to a pending point goes with its descriptor. */
	close_fd_now(test, gone);
	inc(test, tl, 3);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(kept), 0);
	inc(test, tl, 1);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(kept), 1);
}

static void sw_release_cancels_pending_points(struct kunit *test)
{
	struct file *tl = timeline_open(test);
	struct dma_fence *done = fence_of(test, create_fence(test, tl, 1));
	struct dma_fence *pending[20];
	unsigned int i;

	/* More than one batch of the cancellation. */
	for (i = 0; i < ARRAY_SIZE(pending); i++)
		pending[i] = fence_of(test, create_fence(test, tl, 2 + i));
	inc(test, tl, 1);
	KUNIT_ASSERT_EQ(test, dma_fence_get_status(done), 1);

	timeline_close(test, tl);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(done), 1);
	for (i = 0; i < ARRAY_SIZE(pending); i++)
		KUNIT_EXPECT_EQ_MSG(test, dma_fence_get_status(pending[i]),
				    -ENOENT, "point %u", 2 + i);
}

static void sw_point_outlives_timeline_file(struct kunit *test)
{
	struct file *tl = timeline_open(test);
	int fd = create_fence(test, tl, 9);
	char name[TASK_COMM_LEN], buf[16];
	struct dma_fence *fence;

	timeline_close(test, tl);
	fence = fence_of(test, fd);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), -ENOENT);
	KUNIT_EXPECT_STREQ(test, fence->ops->get_timeline_name(fence),
			   comm(name));
	KUNIT_EXPECT_STREQ(test, counter_str(fence, buf, sizeof(buf)), "0");
}

/* ------------------------------------------------------------------ */
/* Deadlines                                                           */
/* ------------------------------------------------------------------ */

static void sw_get_deadline_reports_earliest(struct kunit *test)
{
	struct file *tl = timeline_open(test);
	int fd = create_fence(test, tl, 1);
	u64 ns = 0;

	KUNIT_EXPECT_EQ(test, get_deadline(test, tl, fd, &ns), (long)-ENOENT);

	set_deadline(test, fd, 1000);
	KUNIT_EXPECT_EQ(test, get_deadline(test, tl, fd, &ns), 0L);
	KUNIT_EXPECT_EQ(test, ns, 1000ULL);

	set_deadline(test, fd, 5000);
	KUNIT_EXPECT_EQ(test, get_deadline(test, tl, fd, &ns), 0L);
	KUNIT_EXPECT_EQ(test, ns, 1000ULL);

	set_deadline(test, fd, 500);
	KUNIT_EXPECT_EQ(test, get_deadline(test, tl, fd, &ns), 0L);
	KUNIT_EXPECT_EQ(test, ns, 500ULL);
}

static void sw_get_deadline_any_timeline(struct kunit *test)
{
	struct file *tl = timeline_open(test);
	struct file *other = timeline_open(test);
	int fd = create_fence(test, tl, 1);
	u64 ns = 0;

	set_deadline(test, fd, 42);
	KUNIT_EXPECT_EQ(test, get_deadline(test, other, fd, &ns), 0L);
	KUNIT_EXPECT_EQ(test, ns, 42ULL);
}

static void sw_get_deadline_rejects_bad_requests(struct kunit *test)
{
	struct file *tl = timeline_open(test);
	struct file *other = timeline_open(test);
	int fd = create_fence(test, tl, 1);
	int fd2 = create_fence(test, other, 2);
	struct sw_sync_kunit_deadline req = { .fence_fd = fd };
	struct sync_merge_data merge = { .fd2 = fd2 };
	struct file *file;
	u64 ns;
	long ret;

	set_deadline(test, fd, 10);
	req.deadline_ns = 1;
	KUNIT_EXPECT_EQ(test, call(test, tl, SW_SYNC_KUNIT_DEADLINE, &req,
				   sizeof(req)), (long)-EINVAL);
	req.deadline_ns = 0;
	req.pad = 1;
	KUNIT_EXPECT_EQ(test, call(test, tl, SW_SYNC_KUNIT_DEADLINE, &req,
				   sizeof(req)), (long)-EINVAL);

	KUNIT_EXPECT_EQ(test, get_deadline(test, tl, -1, &ns), (long)-EINVAL);
	/* The timeline's own file is no sync_file. */
	req.fence_fd = get_unused_fd_flags(O_CLOEXEC);
	KUNIT_ASSERT_GE(test, req.fence_fd, 0);
	fd_install(req.fence_fd, get_file(tl));
	adopt_fd(test, req.fence_fd);
	KUNIT_EXPECT_EQ(test, get_deadline(test, tl, req.fence_fd, &ns),
			(long)-EINVAL);

	/* Points of two timelines merge into a fence of no timeline. */
	strscpy(merge.name, "merged");
	file = fget(fd);
	KUNIT_ASSERT_NOT_NULL(test, file);
	ret = call(test, file, SYNC_IOC_MERGE, &merge, sizeof(merge));
	fput(file);
	KUNIT_ASSERT_EQ(test, ret, 0L);
	adopt_fd(test, merge.fence);
	KUNIT_EXPECT_EQ(test, get_deadline(test, tl, merge.fence, &ns),
			(long)-EINVAL);

	KUNIT_EXPECT_EQ(test, raw_call(tl, SW_SYNC_KUNIT_DEADLINE, NULL),
			(long)-EFAULT);

	/* Read, found, but the answer cannot be written back. */
	req.fence_fd = fd;
	req.pad = 0;
	KUNIT_EXPECT_EQ(test, raw_call(tl, SW_SYNC_KUNIT_DEADLINE,
				       dmabuf_kunit_read_only_user(test, &req, sizeof(req))),
			(long)-EFAULT);
}

/* ------------------------------------------------------------------ */
/* Bad requests                                                        */
/* ------------------------------------------------------------------ */

static void sw_unknown_ioctl(struct kunit *test)
{
	struct file *tl = timeline_open(test);
	const unsigned int cmds[] = {
		_IO('W', 3), _IOW('W', 1, __u64), _IO('X', 0), 0,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		KUNIT_EXPECT_EQ_MSG(test, raw_call(tl, cmds[i], NULL),
				    (long)-ENOTTY, "cmd %#x", cmds[i]);
}

static void sw_bad_user_memory(struct kunit *test)
{
	struct file *tl = timeline_open(test);
	struct sw_sync_kunit_create req = { .value = 1, .fence = -1 };
	int fd, next;

	/* NULL is then an unmapped address of the case's own memory. */
	dmabuf_kunit_user_pages(test, 1);
	KUNIT_EXPECT_EQ(test, raw_call(tl, SW_SYNC_KUNIT_CREATE, NULL),
			(long)-EFAULT);
	KUNIT_EXPECT_EQ(test, raw_call(tl, SW_SYNC_KUNIT_INC, NULL),
			(long)-EFAULT);
	KUNIT_EXPECT_EQ(test, raw_call(tl, SW_SYNC_KUNIT_CREATE,
				       dmabuf_kunit_read_only_user(test, &req, sizeof(req))),
			(long)-EFAULT);

	/* No descriptor stays behind; the counter did not move. */
	fd = get_unused_fd_flags(O_CLOEXEC);
	KUNIT_ASSERT_GE(test, fd, 0);
	put_unused_fd(fd);
	next = create_fence(test, tl, 1);
	KUNIT_EXPECT_EQ(test, next, fd);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence_of(test, next)));
}

/* ------------------------------------------------------------------ */
/* /sys/kernel/debug/sync/info                                         */
/* ------------------------------------------------------------------ */

static void sw_info_lists_timeline_and_points(struct kunit *test)
{
	struct file *tl = timeline_open(test);
	char name[TASK_COMM_LEN], want[128];
	char *text, *at;

	inc(test, tl, 123455);
	create_fence(test, tl, 123458);
	create_fence(test, tl, 123457);
	create_fence(test, tl, 123456);
	inc(test, tl, 1);

	text = read_info(test);
	KUNIT_EXPECT_TRUE(test, str_has_prefix(text,
					       "objs:\n--------------\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "fences:\n--------------\n"));
	/* The signalled point has left; the others are shown in order. */
	snprintf(want, sizeof(want),
		 "\n%s: 123456\n  fence active: 123457 / 123456\n"
		 "  fence active: 123458 / 123456\n\n", comm(name));
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(text, want), "%s", text);

	/* Closed: the points fail, and show when; the timeline stays. */
	timeline_close(test, tl);
	text = read_info(test);
	snprintf(want, sizeof(want), "\n%s: 123456\n  fence error@", name);
	at = strstr(text, want);
	KUNIT_ASSERT_NOT_NULL_MSG(test, at, "%s", text);
	at = strchr(at + strlen(want), '\n');
	KUNIT_ASSERT_NOT_NULL(test, at);
	KUNIT_EXPECT_TRUE(test, str_has_prefix(at, "\n  fence error@"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, ": 123457 / 123456\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, ": 123458 / 123456\n"));
}

/*
 * Closes every descriptor the case still has, after which no point of the
 * case is left: only the text read afterwards is checked.
 */
static void sw_info_forgets_freed_timeline(struct kunit *test)
{
	struct file *tl = timeline_open(test);
	char name[TASK_COMM_LEN], want[64];
	struct file *file;
	char *text;
	int fd;

	inc(test, tl, 654321);
	fd = create_fence(test, tl, 654322);
	/* Only this reference keeps the point, and so the timeline. */
	file = fget(fd);
	KUNIT_ASSERT_NOT_NULL(test, file);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, file_drop, file),
			0);
	close_fd_now(test, fd);
	timeline_close(test, tl);

	snprintf(want, sizeof(want), "\n%s: 654321\n", comm(name));
	text = read_info(test);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(text, want), "%s", text);

	kunit_release_action(test, file_drop, file);
	text = read_info(test);
	KUNIT_EXPECT_NULL_MSG(test, strstr(text, want), "%s", text);
}

static void debug_remove(void *arg)
{
	if (IS_BUILTIN(CONFIG_SW_SYNC_KUNIT_TEST))
		sync_file_debug_remove(arg);
}

/* List the sync_file behind @fd, which the case keeps open, in info. */
static struct sync_file *debug_add(struct kunit *test, int fd)
{
	struct sync_file *sf;
	struct file *file;

	if (!IS_BUILTIN(CONFIG_SW_SYNC_KUNIT_TEST))
		kunit_skip(test, "sync_file_debug_add() is built-in only");
	file = fget(fd);
	KUNIT_ASSERT_NOT_NULL(test, file);
	sf = file->private_data;
	fput(file);
	sync_file_debug_add(sf);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, debug_remove,
							sf), 0);
	return sf;
}

static void sw_info_lists_sync_files(struct kunit *test)
{
	struct file *tl = timeline_open(test);
	struct file *other = timeline_open(test);
	int a = create_fence(test, tl, 3);
	int b = create_fence(test, other, 4);
	struct sync_merge_data merge = { .fd2 = b };
	char name[TASK_COMM_LEN], want[256];
	struct dma_fence *fence = fence_of(test, a);
	struct sync_file *one, *both;
	struct file *file;
	char *text, *at;
	long ret;

	strscpy(merge.name, "kunit-merged");
	file = fget(a);
	KUNIT_ASSERT_NOT_NULL(test, file);
	ret = call(test, file, SYNC_IOC_MERGE, &merge, sizeof(merge));
	fput(file);
	KUNIT_ASSERT_EQ(test, ret, 0L);
	adopt_fd(test, merge.fence);

	one = debug_add(test, a);
	both = debug_add(test, merge.fence);
	inc(test, other, 4);

	text = read_info(test);
	snprintf(want, sizeof(want),
		 "\n[%p] sw_sync-%s%llu-3: active\n  %s_fence active: 3 / 0\n\n",
		 one, comm(name), fence->context, name);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(text, want), "%s", text);

	snprintf(want, sizeof(want), "\n[%p] kunit-merged: active\n", both);
	at = strstr(text, want);
	KUNIT_ASSERT_NOT_NULL_MSG(test, at, "%s", text);
	at += strlen(want);
	snprintf(want, sizeof(want), "  %s_fence active: 3 / 0\n", name);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(at, want), "%s", text);
	snprintf(want, sizeof(want), "  %s_fence signaled@", name);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(at, want), "%s", text);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(at, ": 4 / 4\n"), "%s", text);

	inc(test, tl, 3);
	text = read_info(test);
	snprintf(want, sizeof(want), "\n[%p] kunit-merged: signaled\n", both);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(text, want), "%s", text);
}

static int sw_sync_suite_init(struct kunit_suite *suite)
{
	struct file_system_type *debugfs = get_fs_type("debugfs");
	struct vfsmount *mnt;

	if (!debugfs)
		return 0;
	mnt = kern_mount(debugfs);
	module_put(debugfs->owner);
	sw_sync_debugfs = IS_ERR(mnt) ? NULL : mnt;
	return 0;
}

static void sw_sync_suite_exit(struct kunit_suite *suite)
{
	if (sw_sync_debugfs)
		kern_unmount(sw_sync_debugfs);
	sw_sync_debugfs = NULL;
}

static struct kunit_case sw_sync_cases[] = {
	KUNIT_CASE(sw_create_pending_point),
	KUNIT_CASE(sw_points_share_a_context_per_timeline),
	KUNIT_CASE(sw_inc_signals_in_order),
	KUNIT_CASE(sw_point_already_reached_is_signaled),
	KUNIT_CASE(sw_same_pending_value_same_fence),
	KUNIT_CASE(sw_inc_beyond_int_max),
	KUNIT_CASE(sw_dropped_point_leaves_timeline),
	KUNIT_CASE(sw_release_cancels_pending_points),
	KUNIT_CASE(sw_point_outlives_timeline_file),
	KUNIT_CASE(sw_get_deadline_reports_earliest),
	KUNIT_CASE(sw_get_deadline_any_timeline),
	KUNIT_CASE(sw_get_deadline_rejects_bad_requests),
	KUNIT_CASE(sw_unknown_ioctl),
	KUNIT_CASE(sw_bad_user_memory),
	KUNIT_CASE(sw_info_lists_timeline_and_points),
	KUNIT_CASE(sw_info_forgets_freed_timeline),
	KUNIT_CASE(sw_info_lists_sync_files),
	{}
};

static struct kunit_suite sw_sync_suite = {
	.name = "sw_sync",
	.suite_init = sw_sync_suite_init,
	.suite_exit = sw_sync_suite_exit,
	.test_cases = sw_sync_cases,
};

kunit_test_suite(sw_sync_suite);

MODULE_DESCRIPTION("KUnit tests for sw_sync and the sync debugfs files");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

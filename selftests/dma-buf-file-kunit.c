// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_buf_file": the dma-buf file as user space sees it
 * through its fd. Its llseek, poll and ioctls (DMA_BUF_IOCTL_SYNC,
 * DMA_BUF_SET_NAME, DMA_BUF_IOCTL_EXPORT_SYNC_FILE and
 * DMA_BUF_IOCTL_IMPORT_SYNC_FILE) with their errnos, its fdinfo, the path
 * its dentry prints as, and the debugfs listing of every buffer.
 *
 * The cases call the file's operations directly, as the VFS would for a
 * system call on the fd; ioctl arguments live in user memory from
 * kunit_vm_mmap(), as a real caller's would. See dma-buf-kunit.c for what
 * the dma-buf suites have in common.
 */

#include <kunit/test.h>
#include <linux/dcache.h>
#include <linux/debugfs.h>
#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/mman.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sync_file.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <uapi/linux/dma-buf.h>
#include <uapi/linux/sync_file.h>

#include "dmabuf-kunit.h"
#include "dma-buf-test-exporter.h"
#include "dma-buf-core-kunit.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* Issue @cmd on @buf's file with @arg copied through user memory. */
static long buf_ioctl(struct kunit *test, struct dmabuf_test_buffer *buf,
		      unsigned int cmd, void *arg, size_t size)
{
	struct file *file = buf->dmabuf->file;
	void __user *uarg = dmabuf_kunit_user_pages(test, 1);
	long ret;

	KUNIT_ASSERT_EQ(test, copy_to_user(uarg, arg, size), 0UL);
	ret = file->f_op->unlocked_ioctl(file, cmd, (unsigned long)uarg);
	KUNIT_ASSERT_EQ(test, copy_from_user(arg, uarg, size), 0UL);
	return ret;
}

/* DMA_BUF_SET_NAME (either encoding) of the string @name. */
static long set_name(struct kunit *test, struct dmabuf_test_buffer *buf,
		     unsigned int cmd, const char *name)
{
	struct file *file = buf->dmabuf->file;
	char __user *uname = dmabuf_kunit_user_pages(test, 1);

	KUNIT_ASSERT_EQ(test, copy_to_user(uname, name, strlen(name) + 1), 0UL);
	return file->f_op->unlocked_ioctl(file, cmd, (unsigned long)uname);
}

static __poll_t poll_for(struct dmabuf_test_buffer *buf, __poll_t events)
{
	struct file *file = buf->dmabuf->file;
	poll_table pt;

	init_poll_funcptr(&pt, NULL);
	pt._key = events;
	return file->f_op->poll(file, &pt);
}

/*
 * A poller that stays on the buffer's wait queue and records the events
 * it is woken with, as a task sleeping in poll() would be woken.
 */
struct poll_probe {
	poll_table pt;
	wait_queue_entry_t entry;
	wait_queue_head_t *head;
	unsigned int wakes;
	__poll_t woken_with;
};

static int poll_probe_wake(wait_queue_entry_t *entry, unsigned int mode,
			   int sync, void *key)
{
	struct poll_probe *probe = container_of(entry, struct poll_probe,
						entry);

	probe->wakes++;
	probe->woken_with |= key_to_poll(key);
	return 0;
}

static void poll_probe_queue(struct file *file, wait_queue_head_t *head,
			     poll_table *pt)
{
	struct poll_probe *probe = container_of(pt, struct poll_probe, pt);

	if (probe->head)
		return;
	init_waitqueue_func_entry(&probe->entry, poll_probe_wake);
	add_wait_queue(head, &probe->entry);
	probe->head = head;
}

static void poll_probe_remove(void *data)
{
	struct poll_probe *probe = data;

	if (probe->head)
		remove_wait_queue(probe->head, &probe->entry);
}

/* A probe the case ends by taking off the wait queue it joined. */
static struct poll_probe *new_poll_probe(struct kunit *test)
{
	struct poll_probe *probe = kunit_kzalloc(test, sizeof(*probe),
						 GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, probe);
	init_poll_funcptr(&probe->pt, poll_probe_queue);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, poll_probe_remove,
							probe), 0);
	return probe;
}

static __poll_t probe_poll(struct poll_probe *probe,
			   struct dmabuf_test_buffer *buf, __poll_t events)
{
	struct file *file = buf->dmabuf->file;

	probe->pt._key = events;
	return file->f_op->poll(file, &probe->pt);
}

/* What show_fdinfo prints for @buf, into @out of @size bytes. */
static void read_fdinfo(struct dmabuf_test_buffer *buf, char *out,
			size_t size)
{
	struct file *file = buf->dmabuf->file;
	struct seq_file m = { .buf = out, .size = size - 1 };

	/* procfs holds a reference of its own while it prints. */
	get_file(file);
	file->f_op->show_fdinfo(&m, file);
	fput(file);
	out[m.count] = '\0';
}

static const char *buf_path(struct kunit *test, struct dmabuf_test_buffer *buf)
{
	char *page = kunit_kzalloc(test, PATH_MAX, GFP_KERNEL);
	char *path;

	KUNIT_ASSERT_NOT_NULL(test, page);
	path = d_path(&buf->dmabuf->file->f_path, page, PATH_MAX);
	KUNIT_ASSERT_FALSE(test, IS_ERR(path));
	return path;
}

/* ------------------------------------------------------------------ */
/* llseek                                                              */
/* ------------------------------------------------------------------ */

static void llseek_tells_only_the_size(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct file *file = buf->dmabuf->file;
	loff_t (*llseek)(struct file *file, loff_t offset, int whence) =
		file->f_op->llseek;

	KUNIT_EXPECT_EQ(test, llseek(file, 0, SEEK_END), (loff_t)BUF_SIZE);
	KUNIT_EXPECT_EQ(test, llseek(file, 0, SEEK_SET), (loff_t)0);
	/* The position never moves, so there is nothing to seek from. */
	KUNIT_EXPECT_EQ(test, file->f_pos, (loff_t)0);
	KUNIT_EXPECT_EQ(test, llseek(file, 0, SEEK_CUR), (loff_t)-EINVAL);
	KUNIT_EXPECT_EQ(test, llseek(file, 0, SEEK_DATA), (loff_t)-EINVAL);
	KUNIT_EXPECT_EQ(test, llseek(file, 0, SEEK_HOLE), (loff_t)-EINVAL);
	KUNIT_EXPECT_EQ(test, llseek(file, 1, SEEK_END), (loff_t)-EINVAL);
	KUNIT_EXPECT_EQ(test, llseek(file, -1, SEEK_END), (loff_t)-EINVAL);
	KUNIT_EXPECT_EQ(test, llseek(file, PAGE_SIZE, SEEK_SET),
			(loff_t)-EINVAL);
	KUNIT_EXPECT_EQ(test, vfs_llseek(file, 0, SEEK_END), (loff_t)BUF_SIZE);
}

/* ------------------------------------------------------------------ */
/* poll                                                                */
/* ------------------------------------------------------------------ */

static void poll_of_an_idle_buffer_is_ready_for_what_was_asked(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct file *file = buf->dmabuf->file;
	long refs = file_count(file);

	KUNIT_EXPECT_EQ(test, (__force unsigned int)file->f_op->poll(file, NULL),
			(__force unsigned int)(EPOLLIN | EPOLLOUT));
	KUNIT_EXPECT_EQ(test, (__force unsigned int)poll_for(buf, EPOLLIN),
			(__force unsigned int)EPOLLIN);
	KUNIT_EXPECT_EQ(test, (__force unsigned int)poll_for(buf, EPOLLOUT),
			(__force unsigned int)EPOLLOUT);
	KUNIT_EXPECT_EQ(test, (__force unsigned int)poll_for(buf, EPOLLPRI), 0U);
	KUNIT_EXPECT_EQ(test, (__force unsigned int)poll_for(buf, 0), 0U);
	KUNIT_EXPECT_EQ(test, file_count(file), refs);
}

struct poll_fence {
	enum dma_resv_usage usage;
	__poll_t ready;
	const char *name;
};

static const struct poll_fence poll_fences[] = {
	{ DMA_RESV_USAGE_READ, EPOLLIN, "read fence" },
	{ DMA_RESV_USAGE_WRITE, 0, "write fence" },
	{ DMA_RESV_USAGE_KERNEL, 0, "kernel fence" },
	{ DMA_RESV_USAGE_BOOKKEEP, EPOLLIN | EPOLLOUT, "bookkeep fence" },
};

static void poll_fence_desc(const struct poll_fence *pf, char *desc)
{
	strscpy(desc, pf->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(poll_fence, poll_fences, poll_fence_desc);

/*
 * Reading waits for writers, writing for readers and writers; a waiter
 * is woken with the events that became ready once the fence signals,
 * and the buffer is kept alive meanwhile.
 */
static void poll_waits_for_the_fences_of_its_direction(struct kunit *test)
{
	const struct poll_fence *pf = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct poll_probe *probe = new_poll_probe(test);
	struct file *file = buf->dmabuf->file;
	long refs = file_count(file);
	__poll_t waiting = (EPOLLIN | EPOLLOUT) & ~pf->ready, ready;
	struct dma_fence *fence;

	fence = add_pending_fence(test, buf->dmabuf->resv, pf->usage);

	ready = probe_poll(probe, buf, EPOLLIN | EPOLLOUT);
	KUNIT_EXPECT_EQ(test, (__force unsigned int)ready,
			(__force unsigned int)pf->ready);
	KUNIT_EXPECT_PTR_EQ(test, probe->head, &buf->dmabuf->poll);
	/* Each event still waited for holds the file. */
	KUNIT_EXPECT_EQ(test, file_count(file),
			refs + hweight32((__force u32)waiting));
	/* Asking again while armed changes nothing. */
	KUNIT_EXPECT_EQ(test, (__force unsigned int)poll_for(buf, EPOLLIN | EPOLLOUT),
			(__force unsigned int)pf->ready);
	KUNIT_EXPECT_EQ(test, file_count(file),
			refs + hweight32((__force u32)waiting));

	probe->wakes = 0;
	probe->woken_with = 0;
	dma_fence_signal(fence);
	KUNIT_EXPECT_EQ(test, (__force unsigned int)probe->woken_with,
			(__force unsigned int)waiting);
	KUNIT_EXPECT_EQ(test, file_count(file), refs);

	/* The fence stays in the object, signalled: nothing to wait for. */
	KUNIT_EXPECT_EQ(test, (__force unsigned int)poll_for(buf, EPOLLIN | EPOLLOUT),
			(__force unsigned int)(EPOLLIN | EPOLLOUT));
	KUNIT_EXPECT_EQ(test, file_count(file), refs);
}

/* A waiter armed on one fence moves on to the next one still pending. */
static void poll_rearms_on_the_next_pending_fence(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct dma_resv *resv = buf->dmabuf->resv;
	struct dma_fence *first, *second;

	first = add_pending_fence(test, resv, DMA_RESV_USAGE_WRITE);
	second = add_pending_fence(test, resv, DMA_RESV_USAGE_WRITE);

	KUNIT_EXPECT_EQ(test, (__force unsigned int)poll_for(buf, EPOLLIN), 0U);
	dma_fence_signal(first);
	KUNIT_EXPECT_EQ(test, (__force unsigned int)poll_for(buf, EPOLLIN), 0U);
	dma_fence_signal(second);
	KUNIT_EXPECT_EQ(test, (__force unsigned int)poll_for(buf, EPOLLIN),
			(__force unsigned int)EPOLLIN);
}

/* ------------------------------------------------------------------ */
/* DMA_BUF_IOCTL_SYNC                                                  */
/* ------------------------------------------------------------------ */

struct sync_dir {
	__u64 flags;
	enum dma_data_direction dir;
	const char *name;
};

static const struct sync_dir sync_dirs[] = {
	{ DMA_BUF_SYNC_READ, DMA_FROM_DEVICE, "read" },
	{ DMA_BUF_SYNC_WRITE, DMA_TO_DEVICE, "write" },
	{ DMA_BUF_SYNC_RW, DMA_BIDIRECTIONAL, "read and write" },
};

static void sync_dir_desc(const struct sync_dir *sd, char *desc)
{
	strscpy(desc, sd->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(sync_dir, sync_dirs, sync_dir_desc);

static void sync_ioctl_brackets_cpu_access_in_its_direction(struct kunit *test)
{
	const struct sync_dir *sd = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct dma_buf_sync sync = { .flags = sd->flags | DMA_BUF_SYNC_START };

	KUNIT_EXPECT_EQ(test, buf_ioctl(test, buf, DMA_BUF_IOCTL_SYNC, &sync,
					sizeof(sync)), 0L);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_BEGIN_CPU), 1);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_END_CPU), 0);
	KUNIT_EXPECT_EQ(test, buf->last_dir[DMABUF_TEST_BEGIN_CPU], sd->dir);

	sync.flags = sd->flags | DMA_BUF_SYNC_END;
	KUNIT_EXPECT_EQ(test, buf_ioctl(test, buf, DMA_BUF_IOCTL_SYNC, &sync,
					sizeof(sync)), 0L);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_BEGIN_CPU), 1);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_END_CPU), 1);
	KUNIT_EXPECT_EQ(test, buf->last_dir[DMABUF_TEST_END_CPU], sd->dir);
}

struct bad_flags {
	__u64 flags;
	const char *name;
};

static const struct bad_flags bad_sync_flags[] = {
	{ 0, "no direction" },
	{ DMA_BUF_SYNC_END, "end without direction" },
	{ DMA_BUF_SYNC_READ | 8, "unknown flag 8" },
	{ DMA_BUF_SYNC_RW | BIT_ULL(63), "unknown flag 63" },
	{ ~0ULL, "all bits" },
};

static void bad_flags_desc(const struct bad_flags *bad, char *desc)
{
	strscpy(desc, bad->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_sync_flags, bad_sync_flags, bad_flags_desc);

static void sync_ioctl_rejects_bad_flags(struct kunit *test)
{
	const struct bad_flags *bad = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct dma_buf_sync sync = { .flags = bad->flags };

	KUNIT_EXPECT_EQ(test, buf_ioctl(test, buf, DMA_BUF_IOCTL_SYNC, &sync,
					sizeof(sync)), (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_BEGIN_CPU), 0);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_END_CPU), 0);
}

static void sync_ioctl_passes_on_the_exporters_error(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct dma_buf_sync sync = { .flags = DMA_BUF_SYNC_RW };

	dmabuf_test_fail(buf, DMABUF_TEST_BEGIN_CPU, -EIO);
	KUNIT_EXPECT_EQ(test, buf_ioctl(test, buf, DMA_BUF_IOCTL_SYNC, &sync,
					sizeof(sync)), (long)-EIO);
	dmabuf_test_fail(buf, DMABUF_TEST_BEGIN_CPU, 0);

	sync.flags = DMA_BUF_SYNC_RW | DMA_BUF_SYNC_END;
	dmabuf_test_fail(buf, DMABUF_TEST_END_CPU, -EBUSY);
	KUNIT_EXPECT_EQ(test, buf_ioctl(test, buf, DMA_BUF_IOCTL_SYNC, &sync,
					sizeof(sync)), (long)-EBUSY);
	dmabuf_test_fail(buf, DMABUF_TEST_END_CPU, 0);
}

/* An exporter without CPU access callbacks has nothing to do. */
static void sync_ioctl_without_exporter_callbacks_succeeds(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, DMABUF_TEST_NO_CPU_ACCESS);
	struct dma_buf_sync sync = { .flags = DMA_BUF_SYNC_READ };

	KUNIT_EXPECT_EQ(test, buf_ioctl(test, buf, DMA_BUF_IOCTL_SYNC, &sync,
					sizeof(sync)), 0L);
	sync.flags |= DMA_BUF_SYNC_END;
	KUNIT_EXPECT_EQ(test, buf_ioctl(test, buf, DMA_BUF_IOCTL_SYNC, &sync,
					sizeof(sync)), 0L);
}

/* ------------------------------------------------------------------ */
/* Arguments the ioctls cannot read, and unknown commands              */
/* ------------------------------------------------------------------ */

struct efault_cmd {
	unsigned int cmd;
	const char *name;
};

static const struct efault_cmd efault_cmds[] = {
	{ DMA_BUF_IOCTL_SYNC, "SYNC" },
	{ DMA_BUF_SET_NAME_A, "SET_NAME_A" },
	{ DMA_BUF_SET_NAME_B, "SET_NAME_B" },
#if IS_ENABLED(CONFIG_SYNC_FILE)
	{ DMA_BUF_IOCTL_EXPORT_SYNC_FILE, "EXPORT_SYNC_FILE" },
	{ DMA_BUF_IOCTL_IMPORT_SYNC_FILE, "IMPORT_SYNC_FILE" },
#endif
};

static void efault_cmd_desc(const struct efault_cmd *ec, char *desc)
{
	strscpy(desc, ec->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(efault_cmd, efault_cmds, efault_cmd_desc);

static void ioctl_of_unreadable_argument_is_efault(struct kunit *test)
{
	const struct efault_cmd *ec = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct file *file = buf->dmabuf->file;

	/* The case gets an address space; page 0 is never mapped in it. */
	dmabuf_kunit_user_pages(test, 1);
	KUNIT_EXPECT_EQ(test, file->f_op->unlocked_ioctl(file, ec->cmd, 0),
			(long)-EFAULT);
	KUNIT_EXPECT_EQ(test, calls(buf, DMABUF_TEST_BEGIN_CPU), 0);
	KUNIT_EXPECT_NULL(test, buf->dmabuf->name);
}

static void unknown_ioctl_is_enotty(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct file *file = buf->dmabuf->file;
	static const unsigned int cmds[] = {
		_IO(DMA_BUF_BASE, 0x7f),
		_IOW(DMA_BUF_BASE, 0, __u32),
		_IOW('x', 0, struct dma_buf_sync),
		SYNC_IOC_MERGE,
		0,
	};
	unsigned int i;

	dmabuf_kunit_user_pages(test, 1);
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		KUNIT_EXPECT_EQ_MSG(test, file->f_op->unlocked_ioctl(file,
								     cmds[i],
								     0),
				    (long)-ENOTTY, "command %#x", cmds[i]);
}

/* ------------------------------------------------------------------ */
/* Names: DMA_BUF_SET_NAME, the dentry's path and fdinfo               */
/* ------------------------------------------------------------------ */

static const unsigned int set_name_cmds[] = {
	DMA_BUF_SET_NAME_A, DMA_BUF_SET_NAME_B,
};

static const void *set_name_cmd_gen_params(const void *prev, char *desc)
{
	const unsigned int *next = prev;

	next = next ? next + 1 : set_name_cmds;
	if (next >= set_name_cmds + ARRAY_SIZE(set_name_cmds))
		return NULL;
	strscpy(desc, *next == DMA_BUF_SET_NAME_A ? "SET_NAME_A" : "SET_NAME_B",
		KUNIT_PARAM_DESC_SIZE);
	return next;
}

static void set_name_names_the_buffer_and_renames_it(struct kunit *test)
{
	const unsigned int *cmd = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);

	KUNIT_EXPECT_NULL(test, buf->dmabuf->name);
	KUNIT_ASSERT_EQ(test, set_name(test, buf, *cmd, "first"), 0L);
	KUNIT_ASSERT_NOT_NULL(test, buf->dmabuf->name);
	KUNIT_EXPECT_STREQ(test, buf->dmabuf->name, "first");
	KUNIT_ASSERT_EQ(test, set_name(test, buf, *cmd, "second"), 0L);
	KUNIT_EXPECT_STREQ(test, buf->dmabuf->name, "second");
	KUNIT_ASSERT_EQ(test, set_name(test, buf, *cmd, ""), 0L);
	KUNIT_EXPECT_STREQ(test, buf->dmabuf->name, "");
}

/* ABI: a name takes at most DMA_BUF_NAME_LEN bytes, its NUL included. */
static void set_name_of_a_too_long_name_is_einval(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	char name[DMA_BUF_NAME_LEN + 1];

	memset(name, 'n', DMA_BUF_NAME_LEN - 1);
	name[DMA_BUF_NAME_LEN - 1] = '\0';
	KUNIT_ASSERT_EQ(test, set_name(test, buf, DMA_BUF_SET_NAME_B, name),
			0L);
	KUNIT_EXPECT_STREQ(test, buf->dmabuf->name, name);

	name[DMA_BUF_NAME_LEN - 1] = 'x';
	name[DMA_BUF_NAME_LEN] = '\0';
	KUNIT_EXPECT_EQ(test, set_name(test, buf, DMA_BUF_SET_NAME_B, name),
			(long)-EINVAL);
	/* The old name stays. */
	name[DMA_BUF_NAME_LEN - 1] = '\0';
	KUNIT_EXPECT_STREQ(test, buf->dmabuf->name, name);
}

static void path_of_the_file_shows_the_name(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);

	KUNIT_EXPECT_STREQ(test, buf_path(test, buf), "/dmabuf:");
	KUNIT_ASSERT_EQ(test, set_name(test, buf, DMA_BUF_SET_NAME_B,
				       "kunit-path"), 0L);
	KUNIT_EXPECT_STREQ(test, buf_path(test, buf), "/dmabuf:kunit-path");
	KUNIT_ASSERT_EQ(test, set_name(test, buf, DMA_BUF_SET_NAME_B, ""), 0L);
	KUNIT_EXPECT_STREQ(test, buf_path(test, buf), "/dmabuf:");
}

static void fdinfo_shows_size_references_exporter_and_name(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct file *file = buf->dmabuf->file;
	char *out = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	char *want = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_ASSERT_NOT_NULL(test, want);

	read_fdinfo(buf, out, PAGE_SIZE);
	snprintf(want, PAGE_SIZE, "size:\t%lu\ncount:\t%ld\nexp_name:\t%s\n",
		 (unsigned long)BUF_SIZE, file_count(file),
		 buf->dmabuf->exp_name);
	KUNIT_EXPECT_STREQ(test, out, want);

	/* Another holder of the file is counted. */
	get_file(file);
	read_fdinfo(buf, out, PAGE_SIZE);
	snprintf(want, PAGE_SIZE, "size:\t%lu\ncount:\t%ld\nexp_name:\t%s\n",
		 (unsigned long)BUF_SIZE, file_count(file),
		 buf->dmabuf->exp_name);
	fput(file);
	KUNIT_EXPECT_STREQ(test, out, want);

	KUNIT_ASSERT_EQ(test, set_name(test, buf, DMA_BUF_SET_NAME_A,
				       "kunit-fdinfo"), 0L);
	read_fdinfo(buf, out, PAGE_SIZE);
	snprintf(want, PAGE_SIZE,
		 "size:\t%lu\ncount:\t%ld\nexp_name:\t%s\nname:\tkunit-fdinfo\n",
		 (unsigned long)BUF_SIZE, file_count(file),
		 buf->dmabuf->exp_name);
	KUNIT_EXPECT_STREQ(test, out, want);
}

/* ------------------------------------------------------------------ */
/* debugfs: dma_buf/bufinfo                                            */
/* ------------------------------------------------------------------ */

struct bufinfo_reader {
	struct vfsmount *mnt;
	struct dentry *dir;
	struct dentry *bufinfo;
};

static void bufinfo_reader_close(void *data)
{
	struct bufinfo_reader *r = data;

	dput(r->bufinfo);
	dput(r->dir);
	kern_unmount(r->mnt);
}

/*
 * A mount of debugfs of the case's own: KUnit may run before anybody
 * mounted it. debugfs is built in, so looking its type up pins nothing.
 */
static struct bufinfo_reader *open_bufinfo(struct kunit *test)
{
	struct file_system_type *type;
	struct bufinfo_reader *r;

	if (!IS_ENABLED(CONFIG_DEBUG_FS))
		kunit_skip(test, "no debugfs");
	r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	type = get_fs_type("debugfs");
	KUNIT_ASSERT_NOT_NULL(test, type);
	r->mnt = kern_mount(type);
	if (IS_ERR(r->mnt))
		kunit_skip(test, "debugfs cannot be mounted: %ld",
			   PTR_ERR(r->mnt));
	r->dir = debugfs_lookup("dma_buf", NULL);
	if (r->dir)
		r->bufinfo = debugfs_lookup("bufinfo", r->dir);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							bufinfo_reader_close,
							r), 0);
	KUNIT_ASSERT_NOT_NULL(test, r->bufinfo);
	return r;
}

/*
 * The whole of bufinfo, NUL terminated, in memory the case owns. It is
 * read as user space reads it, into user memory: debugfs files have no
 * read_iter for kernel_read().
 */
static char *read_bufinfo(struct kunit *test, struct bufinfo_reader *r)
{
	const size_t size = 128 * 1024;
	struct path path = { .mnt = r->mnt, .dentry = r->bufinfo };
	char *text = kunit_kzalloc(test, size, GFP_KERNEL);
	unsigned long ubuf;
	struct file *file;
	loff_t pos = 0;
	ssize_t n;

	KUNIT_ASSERT_NOT_NULL(test, text);
	ubuf = dmabuf_kunit_vm_mmap(test, NULL, size, PROT_READ | PROT_WRITE,
				    MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(ubuf) || !ubuf,
			       "no user memory: %ld", (long)ubuf);
	file = dentry_open(&path, O_RDONLY, current_cred());
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	if (!file->f_op->read) {
		fput(file);
		KUNIT_FAIL_AND_ABORT(test, "bufinfo has no read");
	}
	do {
		n = file->f_op->read(file, (char __user *)ubuf + pos,
				     size - 1 - pos, &pos);
	} while (n > 0 && pos < size - 1);
	fput(file);
	flush_delayed_fput();
	KUNIT_ASSERT_GE(test, n, 0L);
	KUNIT_ASSERT_LT(test, pos, (loff_t)(size - 1));
	KUNIT_ASSERT_EQ(test, copy_from_user(text, (char __user *)ubuf, pos),
			0UL);
	vm_munmap(ubuf, size);
	return text;
}

static void kfree_action(void *data)
{
	kfree(data);
}

/* kasprintf() into memory the case frees when it ends. */
static __printf(2, 3) char *case_sprintf(struct kunit *test,
					  const char *fmt, ...)
{
	va_list args;
	char *text;

	va_start(args, fmt);
	text = kvasprintf(GFP_KERNEL, fmt, args);
	va_end(args);
	KUNIT_ASSERT_NOT_NULL(test, text);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kfree_action,
							text), 0);
	return text;
}

/* The summary line bufinfo prints for @buf. */
static char *bufinfo_line(struct kunit *test, struct dmabuf_test_buffer *buf,
			  const char *name)
{
	struct file *file = buf->dmabuf->file;

	return case_sprintf(test, "%08zu\t%08x\t%08x\t%08ld\t%s\t%08lu\t%s\n",
			    buf->dmabuf->size, file->f_flags,
			    (__force unsigned int)file->f_mode,
			    file_count(file), buf->dmabuf->exp_name,
			    file_inode(file)->i_ino, name);
}

static const char bufinfo_head[] =
	"\nDma-buf Objects:\n"
	"size    \tflags   \tmode    \tcount   \texp_name\tino     \tname\n";

static void bufinfo_lists_each_buffer_with_its_devices(struct kunit *test)
{
	struct bufinfo_reader *r = open_bufinfo(test);
	struct dmabuf_test_buffer *named = new_buf(test, 0);
	struct dmabuf_test_buffer *unnamed = new_buf_sized(test, 0, PAGE_SIZE,
							   NULL);
	struct device *dev = new_dev(test, "dmabuf-file-kunit-dev");
	char *text, *at, *block;

	attach_static(test, named, dev);
	KUNIT_ASSERT_EQ(test, set_name(test, named, DMA_BUF_SET_NAME_B,
				       "kunit-bufinfo"), 0L);

	text = read_bufinfo(test, r);
	KUNIT_EXPECT_TRUE_MSG(test, str_has_prefix(text, bufinfo_head),
			      "%.200s", text);
	block = case_sprintf(test,
			     "%s\tAttached Devices:\n\t%s\nTotal 1 devices attached\n\n",
			     bufinfo_line(test, named, "kunit-bufinfo"),
			     dev_name(dev));
	KUNIT_ASSERT_NOT_NULL(test, block);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(text, block), "%.512s", text);
	block = case_sprintf(test, "%s\tAttached Devices:\nTotal 0 devices attached\n\n",
			     bufinfo_line(test, unnamed, "<none>"));
	KUNIT_ASSERT_NOT_NULL(test, block);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(text, block), "%.512s", text);
	at = strstr(text, "\nTotal ");
	while (at && strstr(at + 1, "\nTotal "))
		at = strstr(at + 1, "\nTotal ");
	KUNIT_ASSERT_NOT_NULL(test, at);
	KUNIT_EXPECT_TRUE_MSG(test, str_has_prefix(at, "\nTotal ") &&
			      strstr(at, " objects, ") && strstr(at, " bytes\n"),
			      "%s", at);

	/* A buffer whose last reference went is no longer listed. */
	drop_buf(test, unnamed);
	text = read_bufinfo(test, r);
	KUNIT_EXPECT_NULL_MSG(test, strstr(text, block), "%.512s", text);
}

/* The implicit fences of a buffer are listed under it. */
static void bufinfo_describes_the_fences(struct kunit *test)
{
	struct bufinfo_reader *r = open_bufinfo(test);
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	char *text, *line, *devices;

	add_pending_fence(test, buf->dmabuf->resv, DMA_RESV_USAGE_WRITE);
	text = read_bufinfo(test, r);
	line = strstr(text, bufinfo_line(test, buf, "<none>"));
	KUNIT_ASSERT_NOT_NULL_MSG(test, line, "%.512s", text);
	devices = strstr(line, "\tAttached Devices:\n");
	KUNIT_ASSERT_NOT_NULL(test, devices);
	*devices = '\0';
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(line, "\twrite fence:"), "%s",
				  line);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(line, "unsignalled"), "%s",
				  line);
}

/* ------------------------------------------------------------------ */
/* sync_file export and import                                         */
/* ------------------------------------------------------------------ */

#if IS_ENABLED(CONFIG_SYNC_FILE)

/* The fence of sync_file fd @fd, which the case then closes. */
static struct dma_fence *take_sync_file(struct kunit *test, int fd)
{
	struct dma_fence *fence;

	KUNIT_ASSERT_GE(test, fd, 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fd_close_action,
							(void *)(long)fd), 0);
	fence = sync_file_get_fence(fd);
	KUNIT_ASSERT_NOT_NULL(test, fence);
	return dmabuf_kunit_fence_own(test, fence);
}

struct export_case {
	__u32 flags;
	int fence;		/* -1: none, else its dma_resv_usage */
	bool pending;
	const char *name;
};

static const struct export_case export_cases[] = {
	{ DMA_BUF_SYNC_READ, -1, false, "read, no fence" },
	{ DMA_BUF_SYNC_WRITE, -1, false, "write, no fence" },
	{ DMA_BUF_SYNC_READ, DMA_RESV_USAGE_READ, false, "read, read fence" },
	{ DMA_BUF_SYNC_WRITE, DMA_RESV_USAGE_READ, true, "write, read fence" },
	{ DMA_BUF_SYNC_RW, DMA_RESV_USAGE_READ, true, "rw, read fence" },
	{ DMA_BUF_SYNC_READ, DMA_RESV_USAGE_WRITE, true, "read, write fence" },
	{ DMA_BUF_SYNC_WRITE, DMA_RESV_USAGE_WRITE, true, "write, write fence" },
	{ DMA_BUF_SYNC_READ, DMA_RESV_USAGE_BOOKKEEP, false,
	  "read, bookkeep fence" },
};

static void export_case_desc(const struct export_case *ec, char *desc)
{
	strscpy(desc, ec->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(export_case, export_cases, export_case_desc);

/*
 * The exported sync_file stands for what an access in the given
 * direction would wait for: pending until that fence signals, or
 * signalled from the start when there is nothing to wait for.
 */
static void export_sync_file_snapshots_the_fences_to_wait_for(struct kunit *test)
{
	const struct export_case *ec = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct dma_buf_export_sync_file arg = { .flags = ec->flags, .fd = -1 };
	struct dma_fence *fence = NULL, *exported;
	bool cloexec;

	if (ec->fence >= 0)
		fence = add_pending_fence(test, buf->dmabuf->resv, ec->fence);

	KUNIT_ASSERT_EQ(test, buf_ioctl(test, buf,
					DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &arg,
					sizeof(arg)), 0L);
	rcu_read_lock();
	cloexec = close_on_exec(arg.fd, current->files);
	rcu_read_unlock();
	KUNIT_EXPECT_TRUE(test, cloexec);
	exported = take_sync_file(test, arg.fd);
	KUNIT_EXPECT_EQ(test, dma_fence_is_signaled(exported), !ec->pending);
	if (fence) {
		dma_fence_signal(fence);
		KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(exported));
	}
}

static const struct bad_flags bad_sync_file_flags[] = {
	{ 0, "no direction" },
	{ DMA_BUF_SYNC_END, "end without direction" },
	{ DMA_BUF_SYNC_READ | DMA_BUF_SYNC_END, "read with end" },
	{ DMA_BUF_SYNC_WRITE | 8, "unknown flag 8" },
	{ DMA_BUF_SYNC_RW | BIT(31), "unknown flag 31" },
};

KUNIT_ARRAY_PARAM(bad_sync_file_flags, bad_sync_file_flags, bad_flags_desc);

static void export_sync_file_rejects_bad_flags(struct kunit *test)
{
	const struct bad_flags *bad = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct dma_buf_export_sync_file arg = { .flags = bad->flags, .fd = -1 };

	KUNIT_EXPECT_EQ(test, buf_ioctl(test, buf,
					DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &arg,
					sizeof(arg)), (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, arg.fd, -1);
}

/*
 * The fd cannot be handed back through read-only memory (the buffer's
 * own pages, mapped read-only): -EFAULT, and the buffer is left as it
 * was.
 */
static void export_sync_file_into_read_only_memory_is_efault(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct dmabuf_test_buffer *args = new_buf(test, 0);
	struct dma_buf_export_sync_file arg = { .flags = DMA_BUF_SYNC_RW,
						.fd = -1 };
	struct file *file = buf->dmabuf->file;
	unsigned long addr;

	memcpy(page_address(args->pages[0]), &arg, sizeof(arg));
	addr = dmabuf_kunit_vm_mmap(test, args->dmabuf->file, PAGE_SIZE, PROT_READ,
				    MAP_SHARED, 0);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(addr), "mmap: %ld",
			       (long)addr);
	KUNIT_EXPECT_EQ(test, file->f_op->unlocked_ioctl(file,
							 DMA_BUF_IOCTL_EXPORT_SYNC_FILE,
							 addr), (long)-EFAULT);
	memcpy(&arg, page_address(args->pages[0]), sizeof(arg));
	KUNIT_EXPECT_EQ(test, arg.fd, -1);
	unmap_user(addr, 1);
}

struct import_case {
	__u32 flags;
	enum dma_resv_usage usage;
	__poll_t ready;
	const char *name;
};

static const struct import_case import_cases[] = {
	{ DMA_BUF_SYNC_READ, DMA_RESV_USAGE_READ, EPOLLIN, "read" },
	{ DMA_BUF_SYNC_WRITE, DMA_RESV_USAGE_WRITE, 0, "write" },
	{ DMA_BUF_SYNC_RW, DMA_RESV_USAGE_WRITE, 0, "read and write" },
};

static void import_case_desc(const struct import_case *ic, char *desc)
{
	strscpy(desc, ic->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(import_case, import_cases, import_case_desc);

/* A sync_file fd for a new pending leaf, both of which the case owns. */
static int new_sync_file_fd(struct kunit *test, struct dma_fence **leaf)
{
	struct sync_file *sync_file;
	int fd;

	*leaf = new_leaf(test);
	dmabuf_kunit_fence_own(test, *leaf);
	sync_file = sync_file_create(*leaf);
	KUNIT_ASSERT_NOT_NULL(test, sync_file);
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		fput(sync_file->file);
	KUNIT_ASSERT_GE(test, fd, 0);
	fd_install(fd, sync_file->file);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fd_close_action,
							(void *)(long)fd), 0);
	return fd;
}

/*
 * An imported fence joins the implicit fences as a reader or a writer,
 * and poll and the CPU access that follow wait for it accordingly.
 */
static void import_sync_file_adds_a_reader_or_a_writer(struct kunit *test)
{
	const struct import_case *ic = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct dma_buf_import_sync_file arg = { .flags = ic->flags };
	struct dma_resv *resv = buf->dmabuf->resv;
	struct dma_resv_iter cursor;
	struct dma_fence *leaf, *f;
	unsigned int count = 0;

	arg.fd = new_sync_file_fd(test, &leaf);
	KUNIT_ASSERT_EQ(test, buf_ioctl(test, buf,
					DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &arg,
					sizeof(arg)), 0L);

	KUNIT_ASSERT_EQ(test, dma_resv_lock(resv, NULL), 0);
	dma_resv_for_each_fence(&cursor, resv, DMA_RESV_USAGE_BOOKKEEP, f) {
		KUNIT_EXPECT_PTR_EQ(test, f, leaf);
		KUNIT_EXPECT_EQ(test, dma_resv_iter_usage(&cursor), ic->usage);
		count++;
	}
	dma_resv_unlock(resv);
	KUNIT_EXPECT_EQ(test, count, 1U);

	KUNIT_EXPECT_EQ(test, (__force unsigned int)poll_for(buf, EPOLLIN | EPOLLOUT),
			(__force unsigned int)ic->ready);
	dma_fence_signal(leaf);
	KUNIT_EXPECT_EQ(test, (__force unsigned int)poll_for(buf, EPOLLIN | EPOLLOUT),
			(__force unsigned int)(EPOLLIN | EPOLLOUT));
}

/* Exporting what was imported gives back a fence that waits for it. */
static void import_then_export_round_trips_the_fence(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct dma_buf_import_sync_file in = { .flags = DMA_BUF_SYNC_WRITE };
	struct dma_buf_export_sync_file out = { .flags = DMA_BUF_SYNC_READ,
						.fd = -1 };
	struct dma_fence *leaf, *exported;

	in.fd = new_sync_file_fd(test, &leaf);
	KUNIT_ASSERT_EQ(test, buf_ioctl(test, buf,
					DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &in,
					sizeof(in)), 0L);
	KUNIT_ASSERT_EQ(test, buf_ioctl(test, buf,
					DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &out,
					sizeof(out)), 0L);
	exported = take_sync_file(test, out.fd);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(exported));
	dma_fence_signal(leaf);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(exported));
}

static void import_sync_file_rejects_bad_flags(struct kunit *test)
{
	const struct bad_flags *bad = test->param_value;
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct dma_buf_import_sync_file arg = { .flags = bad->flags };
	struct dma_fence *leaf;

	arg.fd = new_sync_file_fd(test, &leaf);
	KUNIT_EXPECT_EQ(test, buf_ioctl(test, buf,
					DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &arg,
					sizeof(arg)), (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, (__force unsigned int)poll_for(buf, EPOLLIN | EPOLLOUT),
			(__force unsigned int)(EPOLLIN | EPOLLOUT));
}

/* Only the fd of a sync_file will do: not a closed one, not a dma-buf. */
static void import_sync_file_of_a_bad_fd_is_einval(struct kunit *test)
{
	struct dmabuf_test_buffer *buf = new_buf(test, 0);
	struct dma_buf_import_sync_file arg = { .flags = DMA_BUF_SYNC_RW };
	int fd = install_fd(test, buf->dmabuf, O_CLOEXEC);
	static const int bad_fds[] = { -1, -EBADF, INT_MAX };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_fds); i++) {
		arg.fd = bad_fds[i];
		KUNIT_EXPECT_EQ_MSG(test, buf_ioctl(test, buf,
						    DMA_BUF_IOCTL_IMPORT_SYNC_FILE,
						    &arg, sizeof(arg)),
				    (long)-EINVAL, "fd %d", bad_fds[i]);
	}
	arg.fd = fd;
	KUNIT_EXPECT_EQ(test, buf_ioctl(test, buf,
					DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &arg,
					sizeof(arg)), (long)-EINVAL);
	close_fd_now(test, fd);
	KUNIT_EXPECT_EQ(test, buf_ioctl(test, buf,
					DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &arg,
					sizeof(arg)), (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, (__force unsigned int)poll_for(buf, EPOLLIN | EPOLLOUT),
			(__force unsigned int)(EPOLLIN | EPOLLOUT));
}

#endif /* CONFIG_SYNC_FILE */

static struct kunit_case dma_buf_file_cases[] = {
	KUNIT_CASE(llseek_tells_only_the_size),
	KUNIT_CASE(poll_of_an_idle_buffer_is_ready_for_what_was_asked),
	KUNIT_CASE_PARAM(poll_waits_for_the_fences_of_its_direction,
			 poll_fence_gen_params),
	KUNIT_CASE(poll_rearms_on_the_next_pending_fence),
	KUNIT_CASE_PARAM(sync_ioctl_brackets_cpu_access_in_its_direction,
			 sync_dir_gen_params),
	KUNIT_CASE_PARAM(sync_ioctl_rejects_bad_flags,
			 bad_sync_flags_gen_params),
	KUNIT_CASE(sync_ioctl_passes_on_the_exporters_error),
	KUNIT_CASE(sync_ioctl_without_exporter_callbacks_succeeds),
	KUNIT_CASE_PARAM(ioctl_of_unreadable_argument_is_efault,
			 efault_cmd_gen_params),
	KUNIT_CASE(unknown_ioctl_is_enotty),
	KUNIT_CASE_PARAM(set_name_names_the_buffer_and_renames_it,
			 set_name_cmd_gen_params),
	KUNIT_CASE(set_name_of_a_too_long_name_is_einval),
	KUNIT_CASE(path_of_the_file_shows_the_name),
	KUNIT_CASE(fdinfo_shows_size_references_exporter_and_name),
	KUNIT_CASE(bufinfo_lists_each_buffer_with_its_devices),
	KUNIT_CASE(bufinfo_describes_the_fences),
#if IS_ENABLED(CONFIG_SYNC_FILE)
	KUNIT_CASE_PARAM(export_sync_file_snapshots_the_fences_to_wait_for,
			 export_case_gen_params),
	KUNIT_CASE_PARAM(export_sync_file_rejects_bad_flags,
			 bad_sync_file_flags_gen_params),
	KUNIT_CASE(export_sync_file_into_read_only_memory_is_efault),
	KUNIT_CASE_PARAM(import_sync_file_adds_a_reader_or_a_writer,
			 import_case_gen_params),
	KUNIT_CASE(import_then_export_round_trips_the_fence),
	KUNIT_CASE_PARAM(import_sync_file_rejects_bad_flags,
			 bad_sync_file_flags_gen_params),
	KUNIT_CASE(import_sync_file_of_a_bad_fd_is_einval),
#endif
	{}
};

static struct kunit_suite dma_buf_file_suite = {
	.name = "dma_buf_file",
	.test_cases = dma_buf_file_cases,
};

kunit_test_suite(dma_buf_file_suite);

MODULE_DESCRIPTION("KUnit tests of the dma-buf file: poll, llseek, ioctls, fdinfo, debugfs");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

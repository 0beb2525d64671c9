// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "sync_file": the in-kernel side of sync_file. Creating a
 * file around a fence, getting the fence back from a descriptor, naming,
 * polling (with signalling enabled only on the first poll) and releasing.
 *
 * The ioctls copy their arguments from user memory, which a KUnit thread
 * does not have; they are covered by the userspace kselftests. Only the
 * path that copies nothing, an unknown command, is checked here.
 *
 * Descriptors are installed in the table the KUnit threads share and are
 * closed again by cleanup actions. A kernel thread's final fput() is
 * deferred to a work item, so every action that drops a file also flushes
 * the deferred releases: a case can then count fence references right
 * after a file went away, and nothing of a case outlives it.
 */

#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/dcache.h>
#include <linux/dma-fence.h>
#include <linux/dma-fence-array.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/sync_file.h>
#include <linux/wait.h>
#include <uapi/linux/sync_file.h>

#include "dmabuf-kunit.h"

/* ------------------------------------------------------------------ */
/* Mock fences                                                         */
/* ------------------------------------------------------------------ */

/* A pending leaf of @flags that the case signals and drops when it ends. */
static struct dma_fence *mock_fence_on(struct kunit *test, unsigned int flags,
				       u64 context, u64 seqno)
{
	struct dma_fence *fence = dmabuf_kunit_leaf_create(flags, NULL, context,
							   seqno);

	return dmabuf_kunit_fence_adopt(test, fence);
}

/* A pending fence on a timeline of its own. */
static struct dma_fence *mock_fence(struct kunit *test)
{
	return mock_fence_on(test, 0, dma_fence_context_alloc(1), 1);
}

static unsigned int refs(struct dma_fence *fence)
{
	return kref_read(&fence->refcount);
}

/*
 * The poll mask of @file as a plain integer: KUnit's comparisons widen both
 * sides, which a restricted __poll_t does not allow.
 */
static unsigned int poll_bits(struct file *file, poll_table *pt)
{
	return (__force unsigned int)vfs_poll(file, pt);
}

#define READABLE ((__force unsigned int)EPOLLIN)

/* ------------------------------------------------------------------ */
/* Files and descriptors                                               */
/* ------------------------------------------------------------------ */

static void file_drop(void *arg)
{
	fput(arg);
	/* Run the release now rather than from the delayed work. */
	flush_delayed_fput();
}

static void fd_drop(void *arg)
{
	close_fd((unsigned long)arg);
	flush_delayed_fput();
}

/* A sync_file on @fence whose file reference the cleanup drops. */
static struct sync_file *new_sync_file(struct kunit *test,
				       struct dma_fence *fence)
{
	struct sync_file *sf = sync_file_create(fence);

	KUNIT_ASSERT_NOT_NULL(test, sf);
	KUNIT_ASSERT_NOT_NULL(test, sf->file);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, file_drop,
							sf->file), 0);
	return sf;
}

/*
 * Install @file in the current task's table. The table gets a reference
 * of its own; the cleanup closes the descriptor.
 */
static int install(struct kunit *test, struct file *file)
{
	int fd = get_unused_fd_flags(O_CLOEXEC);

	KUNIT_ASSERT_GE(test, fd, 0);
	fd_install(fd, get_file(file));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fd_drop,
							(void *)(unsigned long)fd),
			0);
	return fd;
}

static void release_fd(struct kunit *test, int fd)
{
	kunit_release_action(test, fd_drop, (void *)(unsigned long)fd);
}

static void release_sync_file(struct kunit *test, struct sync_file *sf)
{
	kunit_release_action(test, file_drop, sf->file);
}

/*
 * sync_file_get_name() is not exported: a modular build of this suite
 * cannot link to it, and skips the cases that need it.
 */
static char *name_of(struct kunit *test, struct sync_file *sf, char *buf,
		     int len)
{
	if (!IS_BUILTIN(CONFIG_SYNC_FILE_KUNIT_TEST))
		kunit_skip(test, "sync_file_get_name() is built-in only");
	return sync_file_get_name(sf, buf, len);
}

/* ------------------------------------------------------------------ */
/* Poll probes                                                         */
/* ------------------------------------------------------------------ */

/*
 * A poll_table that records which waitqueue poll() registers on and
 * counts the wake-ups delivered to it, like a sleeping poll() would see.
 */
struct poll_probe {
	poll_table pt;
	wait_queue_entry_t entry;
	wait_queue_head_t *head;
	unsigned int wakeups;	/* under head->lock */
};

static int probe_wake(wait_queue_entry_t *entry, unsigned int mode,
		      int sync, void *key)
{
	struct poll_probe *probe = container_of(entry, struct poll_probe,
						entry);

	probe->wakeups++;
	return 0;
}

static void probe_queue(struct file *file, wait_queue_head_t *head,
			poll_table *pt)
{
	struct poll_probe *probe = container_of(pt, struct poll_probe, pt);

	/* One registration per probe keeps the detach simple. */
	if (probe->head)
		return;
	probe->head = head;
	init_waitqueue_func_entry(&probe->entry, probe_wake);
	add_wait_queue(head, &probe->entry);
}

static void probe_detach(void *arg)
{
	struct poll_probe *probe = arg;

	if (probe->head)
		remove_wait_queue(probe->head, &probe->entry);
	probe->head = NULL;
}

/*
 * Must be made after the file it will poll: cleanup runs in reverse, so
 * the probe leaves the waitqueue before the file (and queue) is freed.
 */
static struct poll_probe *new_probe(struct kunit *test)
{
	struct poll_probe *probe;

	probe = kunit_kzalloc(test, sizeof(*probe), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, probe);
	init_poll_funcptr(&probe->pt, probe_queue);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, probe_detach,
							probe), 0);
	return probe;
}

static unsigned int probe_wakeups(struct poll_probe *probe)
{
	unsigned int n;

	spin_lock_irq(&probe->head->lock);
	n = probe->wakeups;
	spin_unlock_irq(&probe->head->lock);
	return n;
}

/* ------------------------------------------------------------------ */
/* Creation and release                                                */
/* ------------------------------------------------------------------ */

static void sf_create_takes_reference(struct kunit *test)
{
	struct dma_fence *fence = mock_fence(test);
	struct sync_file *sf;

	KUNIT_EXPECT_EQ(test, refs(fence), 1);
	sf = new_sync_file(test, fence);

	KUNIT_EXPECT_PTR_EQ(test, sf->fence, fence);
	KUNIT_EXPECT_EQ(test, refs(fence), 2);
	KUNIT_EXPECT_PTR_EQ(test, sf->file->private_data, (void *)sf);
	/* Nothing was named at creation: the name is derived on demand. */
	KUNIT_EXPECT_EQ(test, sf->user_name[0], 0);
	/* Wrapping a fence does not complete or arm it. */
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));
	KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_enables(fence), 0);
}

static void sf_release_drops_reference(struct kunit *test)
{
	struct dma_fence *fence = mock_fence(test);
	struct sync_file *a = new_sync_file(test, fence);
	struct sync_file *b = new_sync_file(test, fence);

	KUNIT_EXPECT_EQ(test, refs(fence), 3);
	release_sync_file(test, a);
	KUNIT_EXPECT_EQ(test, refs(fence), 2);
	release_sync_file(test, b);
	KUNIT_EXPECT_EQ(test, refs(fence), 1);
	/* Dropping the file is not a reason to signal. */
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));
}

static void sf_file_identity(struct kunit *test)
{
	struct sync_file *sf = new_sync_file(test, mock_fence(test));
	struct file *file = sf->file;
	char *path, *buf;
	loff_t pos = 0;
	char byte;

	buf = kunit_kzalloc(test, PATH_MAX, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	/* What /proc/<pid>/fd/<n> links to. */
	path = d_path(&file->f_path, buf, PATH_MAX);
	KUNIT_ASSERT_FALSE(test, IS_ERR(path));
	KUNIT_EXPECT_STREQ(test, path, "anon_inode:sync_file");

	KUNIT_EXPECT_EQ(test, file->f_flags & O_ACCMODE, O_RDONLY);
	KUNIT_EXPECT_TRUE(test, file->f_mode & FMODE_READ);
	KUNIT_EXPECT_FALSE(test, file->f_mode & FMODE_WRITE);

	/* Not a stream of bytes: read() and lseek() are refused. */
	KUNIT_EXPECT_EQ(test, kernel_read(file, &byte, 1, &pos), -EINVAL);
	KUNIT_EXPECT_EQ(test, vfs_llseek(file, 0, SEEK_SET), -ESPIPE);
	KUNIT_EXPECT_FALSE(test, file->f_mode & FMODE_CAN_WRITE);
}

static void sf_unknown_ioctl(struct kunit *test)
{
	struct sync_file *sf = new_sync_file(test, mock_fence(test));
	/* 0..2 are the pre-mainline Android numbers, 6 is past the end. */
	const unsigned int cmds[] = {
		_IOW('>', 0, __s32), _IOWR('>', 1, struct sync_merge_data),
		_IOWR('>', 2, struct sync_file_info), _IO('>', 6),
		_IO('X', 3), 0,
	};
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, sf->file->f_op->unlocked_ioctl);
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		KUNIT_EXPECT_EQ_MSG(test,
				    sf->file->f_op->unlocked_ioctl(sf->file,
								   cmds[i], 0),
				    -ENOTTY, "cmd %#x", cmds[i]);
}

/* ------------------------------------------------------------------ */
/* Descriptors                                                         */
/* ------------------------------------------------------------------ */

static void sf_get_fence_from_fd(struct kunit *test)
{
	struct dma_fence *fence = mock_fence(test);
	struct sync_file *sf = new_sync_file(test, fence);
	struct dma_fence *got, *again;
	int fd = install(test, sf->file);

	got = sync_file_get_fence(fd);
	KUNIT_ASSERT_PTR_EQ(test, got, fence);
	KUNIT_EXPECT_EQ(test, refs(fence), 3);

	again = sync_file_get_fence(fd);
	KUNIT_EXPECT_PTR_EQ(test, again, fence);
	KUNIT_EXPECT_EQ(test, refs(fence), 4);

	/* The references are the caller's; the file and fd keep theirs. */
	dma_fence_put(again);
	dma_fence_put(got);
	KUNIT_EXPECT_EQ(test, refs(fence), 2);
	KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_enables(fence), 0);
}

static void sf_fd_holds_the_file(struct kunit *test)
{
	struct dma_fence *fence = mock_fence(test);
	struct sync_file *sf = new_sync_file(test, fence);
	struct dma_fence *got;
	int fd = install(test, sf->file);

	/* With only the descriptor left, the fence is still reachable. */
	release_sync_file(test, sf);
	KUNIT_EXPECT_EQ(test, refs(fence), 2);
	got = sync_file_get_fence(fd);
	KUNIT_EXPECT_PTR_EQ(test, got, fence);
	dma_fence_put(got);

	/* Closing it releases the file and with it the fence. */
	release_fd(test, fd);
	KUNIT_EXPECT_EQ(test, refs(fence), 1);
	KUNIT_EXPECT_NULL(test, sync_file_get_fence(fd));
}

static const struct file_operations other_fops = {
	.owner = THIS_MODULE,
};

static void sf_get_fence_rejects_other_fds(struct kunit *test)
{
	struct file *other;
	int fd;

	KUNIT_EXPECT_NULL(test, sync_file_get_fence(-1));
	KUNIT_EXPECT_NULL(test, sync_file_get_fence(INT_MAX));

	/* An anonymous file too, but not one of sync_file's. */
	other = anon_inode_getfile("sync_file", &other_fops, NULL, O_RDONLY);
	KUNIT_ASSERT_FALSE(test, IS_ERR(other));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, file_drop, other),
			0);
	fd = install(test, other);
	KUNIT_EXPECT_NULL(test, sync_file_get_fence(fd));
}

/* ------------------------------------------------------------------ */
/* Names                                                               */
/* ------------------------------------------------------------------ */

static void sf_name_generated(struct kunit *test)
{
	u64 context = dma_fence_context_alloc(1);
	struct dma_fence *fence = mock_fence_on(test, 0, context, 42);
	struct sync_file *sf = new_sync_file(test, fence);
	char buf[64], want[64];

	snprintf(want, sizeof(want), "%s-%s%llu-42", DMABUF_KUNIT_LEAF_DRIVER,
		 DMABUF_KUNIT_LEAF_TIMELINE, context);
	KUNIT_EXPECT_PTR_EQ(test, name_of(test, sf, buf, sizeof(buf)), &buf[0]);
	KUNIT_EXPECT_STREQ(test, buf, want);
	/* Asking for the name does not arm the fence. */
	KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_enables(fence), 0);
}

static void sf_name_truncated(struct kunit *test)
{
	struct sync_file *sf = new_sync_file(test, mock_fence(test));
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	name_of(test, sf, buf, 5);
	/* The first four bytes of DMABUF_KUNIT_LEAF_DRIVER. */
	KUNIT_EXPECT_STREQ(test, buf, "dmab");
	KUNIT_EXPECT_EQ(test, buf[5], 'x');

	strscpy(sf->user_name, "a-long-user-name");
	memset(buf, 'x', sizeof(buf));
	name_of(test, sf, buf, 5);
	KUNIT_EXPECT_STREQ(test, buf, "a-lo");
	KUNIT_EXPECT_EQ(test, buf[5], 'x');
}

static void sf_name_user(struct kunit *test)
{
	struct sync_file *sf = new_sync_file(test, mock_fence(test));
	char buf[32];

	/* Looked up at each call: a stored name wins over the fence's. */
	strscpy(sf->user_name, "merged-by-user");
	KUNIT_EXPECT_STREQ(test, name_of(test, sf, buf, sizeof(buf)),
			   "merged-by-user");

	memset(sf->user_name, 0, sizeof(sf->user_name));
	name_of(test, sf, buf, sizeof(buf));
	KUNIT_EXPECT_TRUE(test,
			  str_has_prefix(buf, DMABUF_KUNIT_LEAF_DRIVER "-"));
}

static void sf_name_seqno_signed(struct kunit *test)
{
	u64 context = dma_fence_context_alloc(1);
	struct dma_fence *fence = mock_fence_on(test, DMABUF_KUNIT_LEAF_SEQNO64,
						context, U64_MAX);
	struct sync_file *sf = new_sync_file(test, fence);
	char buf[64], want[64];

	/*
	 * ABI: user space has always read the seqno as signed (%lld), so
	 * the top half of the range prints negative.
	 */
	snprintf(want, sizeof(want), "%s-%s%llu--1", DMABUF_KUNIT_LEAF_DRIVER,
		 DMABUF_KUNIT_LEAF_TIMELINE, context);
	KUNIT_EXPECT_STREQ(test, name_of(test, sf, buf, sizeof(buf)), want);
}

/* ------------------------------------------------------------------ */
/* Poll                                                                */
/* ------------------------------------------------------------------ */

static void sf_poll_enables_signaling_lazily(struct kunit *test)
{
	struct dma_fence *fence = mock_fence(test);
	struct sync_file *sf = new_sync_file(test, fence);
	struct dma_fence *got;
	int fd = install(test, sf->file);

	got = sync_file_get_fence(fd);
	KUNIT_EXPECT_PTR_EQ(test, got, fence);
	dma_fence_put(got);
	KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_enables(fence), 0);
	KUNIT_EXPECT_FALSE(test, test_bit(DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT,
					  &fence->flags));

	KUNIT_EXPECT_EQ(test, poll_bits(sf->file, NULL), 0);
	KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_enables(fence), 1);
	KUNIT_EXPECT_TRUE(test, test_bit(DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT,
					 &fence->flags));

	KUNIT_EXPECT_EQ(test, poll_bits(sf->file, NULL), 0);
	KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_enables(fence), 1);
}

static void sf_poll_reports_signal(struct kunit *test)
{
	struct dma_fence *fence = mock_fence(test);
	struct sync_file *sf = new_sync_file(test, fence);

	KUNIT_EXPECT_EQ(test, poll_bits(sf->file, NULL), 0);
	dma_fence_signal(fence);
	KUNIT_EXPECT_EQ(test, poll_bits(sf->file, NULL), READABLE);
	KUNIT_EXPECT_EQ(test, poll_bits(sf->file, NULL), READABLE);
}

static void sf_poll_signaled_before_first_poll(struct kunit *test)
{
	struct dma_fence *fence = mock_fence(test);
	struct sync_file *sf = new_sync_file(test, fence);
	struct poll_probe *probe = new_probe(test);

	dma_fence_signal(fence);
	KUNIT_EXPECT_EQ(test, poll_bits(sf->file, &probe->pt), READABLE);
	KUNIT_ASSERT_PTR_EQ(test, probe->head, &sf->wq);
	/* Completed fences have nothing left to enable. */
	KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_enables(fence), 0);

	/* Off the waitqueue first: it goes away with the sync_file. */
	kunit_release_action(test, probe_detach, probe);
	release_sync_file(test, sf);
	KUNIT_EXPECT_EQ(test, refs(fence), 1);
}

static void sf_poll_error_is_signaled(struct kunit *test)
{
	struct dma_fence *fence = mock_fence(test);
	struct sync_file *sf = new_sync_file(test, fence);

	KUNIT_EXPECT_EQ(test, poll_bits(sf->file, NULL), 0);
	dma_fence_set_error(fence, -EIO);
	dma_fence_signal(fence);
	KUNIT_EXPECT_EQ(test, poll_bits(sf->file, NULL), READABLE);
}

static void sf_poll_stub_fence(struct kunit *test)
{
	struct dma_fence *stub = dma_fence_get_stub();
	struct sync_file *sf = sync_file_create(stub);

	dma_fence_put(stub);
	KUNIT_ASSERT_NOT_NULL(test, sf);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, file_drop,
							sf->file), 0);
	KUNIT_EXPECT_EQ(test, poll_bits(sf->file, NULL), READABLE);
}

static void sf_poll_wakes_waitqueue(struct kunit *test)
{
	struct dma_fence *fence = mock_fence(test);
	struct sync_file *sf = new_sync_file(test, fence);
	struct poll_probe *probe = new_probe(test);

	KUNIT_EXPECT_EQ(test, poll_bits(sf->file, &probe->pt), 0);
	KUNIT_ASSERT_PTR_EQ(test, probe->head, &sf->wq);
	KUNIT_EXPECT_EQ(test, probe_wakeups(probe), 0);

	/* The callback armed by the poll runs inside dma_fence_signal(). */
	dma_fence_signal(fence);
	KUNIT_EXPECT_GE(test, probe_wakeups(probe), 1);
	KUNIT_EXPECT_EQ(test, poll_bits(sf->file, NULL), READABLE);
}

static void sf_poll_wakes_every_poller(struct kunit *test)
{
	struct dma_fence *fence = mock_fence(test);
	struct sync_file *a = new_sync_file(test, fence);
	struct sync_file *b = new_sync_file(test, fence);
	struct poll_probe *pa1 = new_probe(test);
	struct poll_probe *pa2 = new_probe(test);
	struct poll_probe *pb = new_probe(test);

	/* Two waiters on one file, one on another file of the same fence. */
	KUNIT_EXPECT_EQ(test, poll_bits(a->file, &pa1->pt), 0);
	KUNIT_EXPECT_EQ(test, poll_bits(a->file, &pa2->pt), 0);
	KUNIT_EXPECT_EQ(test, poll_bits(b->file, &pb->pt), 0);
	KUNIT_ASSERT_PTR_EQ(test, pa1->head, &a->wq);
	KUNIT_ASSERT_PTR_EQ(test, pa2->head, &a->wq);
	KUNIT_ASSERT_PTR_EQ(test, pb->head, &b->wq);
	KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_enables(fence), 1);

	dma_fence_signal(fence);
	KUNIT_EXPECT_GE(test, probe_wakeups(pa1), 1);
	KUNIT_EXPECT_GE(test, probe_wakeups(pa2), 1);
	KUNIT_EXPECT_GE(test, probe_wakeups(pb), 1);
}

static void sf_release_after_poll(struct kunit *test)
{
	struct dma_fence *fence = mock_fence(test);
	struct sync_file *gone = new_sync_file(test, fence);
	struct sync_file *kept = new_sync_file(test, fence);
	struct poll_probe *probe = new_probe(test);

	KUNIT_EXPECT_EQ(test, poll_bits(gone->file, NULL), 0);
	KUNIT_EXPECT_EQ(test, poll_bits(kept->file, &probe->pt), 0);
	KUNIT_ASSERT_PTR_EQ(test, probe->head, &kept->wq);

	/*
	 * The released file's callback must be gone before its memory is:
	 * signalling afterwards would otherwise write into freed memory.
	 */
	release_sync_file(test, gone);
	KUNIT_EXPECT_EQ(test, refs(fence), 2);

	dma_fence_signal(fence);
	KUNIT_EXPECT_GE(test, probe_wakeups(probe), 1);
	KUNIT_EXPECT_EQ(test, poll_bits(kept->file, NULL), READABLE);
}

static void sf_release_pending_after_poll(struct kunit *test)
{
	struct dma_fence *fence = mock_fence(test);
	struct sync_file *sf = new_sync_file(test, fence);
	unsigned long flags;

	KUNIT_EXPECT_EQ(test, poll_bits(sf->file, NULL), 0);
	release_sync_file(test, sf);
	KUNIT_EXPECT_EQ(test, refs(fence), 1);

	/* No callback of the freed file stays queued on the fence. */
	spin_lock_irqsave(fence->lock, flags);
	KUNIT_EXPECT_TRUE(test, list_empty(&fence->cb_list));
	spin_unlock_irqrestore(fence->lock, flags);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));
}

/* ------------------------------------------------------------------ */
/* Containers                                                          */
/* ------------------------------------------------------------------ */

static void sf_array_fence(struct kunit *test)
{
	struct dma_fence *a = mock_fence(test);
	struct dma_fence *b = mock_fence(test);
	struct dma_fence_array *array;
	struct dma_fence **members;
	struct sync_file *sf;
	struct dma_fence *got;
	int fd;

	members = kmalloc_array(2, sizeof(*members), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, members);
	members[0] = dma_fence_get(a);
	members[1] = dma_fence_get(b);
	array = dma_fence_array_create(2, members, dma_fence_context_alloc(1),
				       1, false);
	if (!array) {
		dma_fence_put(b);
		dma_fence_put(a);
		kfree(members);
	}
	KUNIT_ASSERT_NOT_NULL(test, array);
	dmabuf_kunit_fence_adopt(test, &array->base);

	/* The file carries the container itself, not its members. */
	sf = new_sync_file(test, &array->base);
	fd = install(test, sf->file);
	got = sync_file_get_fence(fd);
	KUNIT_EXPECT_PTR_EQ(test, got, &array->base);
	dma_fence_put(got);

	/* Polling the container arms its members, and only then. */
	KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_enables(a), 0);
	KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_enables(b), 0);
	KUNIT_EXPECT_EQ(test, poll_bits(sf->file, NULL), 0);
	KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_enables(a), 1);
	KUNIT_EXPECT_EQ(test, dmabuf_kunit_leaf_enables(b), 1);

	dma_fence_signal(a);
	KUNIT_EXPECT_EQ(test, poll_bits(sf->file, NULL), 0);
	dma_fence_signal(b);
	KUNIT_EXPECT_EQ(test, poll_bits(sf->file, NULL), READABLE);
}

static struct kunit_case sync_file_cases[] = {
	KUNIT_CASE(sf_create_takes_reference),
	KUNIT_CASE(sf_release_drops_reference),
	KUNIT_CASE(sf_file_identity),
	KUNIT_CASE(sf_unknown_ioctl),
	KUNIT_CASE(sf_get_fence_from_fd),
	KUNIT_CASE(sf_fd_holds_the_file),
	KUNIT_CASE(sf_get_fence_rejects_other_fds),
	KUNIT_CASE(sf_name_generated),
	KUNIT_CASE(sf_name_truncated),
	KUNIT_CASE(sf_name_user),
	KUNIT_CASE(sf_name_seqno_signed),
	KUNIT_CASE(sf_poll_enables_signaling_lazily),
	KUNIT_CASE(sf_poll_reports_signal),
	KUNIT_CASE(sf_poll_signaled_before_first_poll),
	KUNIT_CASE(sf_poll_error_is_signaled),
	KUNIT_CASE(sf_poll_stub_fence),
	KUNIT_CASE(sf_poll_wakes_waitqueue),
	KUNIT_CASE(sf_poll_wakes_every_poller),
	KUNIT_CASE(sf_release_after_poll),
	KUNIT_CASE(sf_release_pending_after_poll),
	KUNIT_CASE(sf_array_fence),
	{}
};

static struct kunit_suite sync_file_suite = {
	.name = "sync_file",
	.test_cases = sync_file_cases,
};

kunit_test_suite(sync_file_suite);

MODULE_DESCRIPTION("KUnit tests for sync_file");
MODULE_LICENSE("GPL");

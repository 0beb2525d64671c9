/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers the DMA-BUF KUnit suites have in common: cleanup actions for
 * fences, the mock driver fence ("leaf"), callback probes and kernel
 * threads that a case stops when it ends.
 *
 * Every suite is a module of its own, so everything here is static inline
 * (constant tables live inside the functions that return them) rather
 * than one object linked into, or exported to, each of them: the modules
 * load in any order, and a suite that uses none of it pays nothing.
 */
#ifndef DMABUF_KUNIT_H
#define DMABUF_KUNIT_H

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/completion.h>
#include <linux/dma-fence.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/mman.h>
#include <linux/shmem_fs.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/types.h>

/* Cleanup action: drop one reference to the fence passed as @data. */
static inline void dmabuf_kunit_fence_put(void *data)
{
	dma_fence_put(data);
}

/*
 * Cleanup action for a fence a case created: signal it first (a no-op if
 * that already happened), so nobody is left waiting on it, then drop the
 * case's reference. A NULL @data is ignored.
 */
static inline void dmabuf_kunit_fence_retire(void *data)
{
	struct dma_fence *fence = data;

	if (!fence)
		return;
	dma_fence_signal(fence);
	dma_fence_put(fence);
}

/*
 * Hand the case's reference to @fence over to @action, which runs when the
 * case ends. Fails the case if @fence is NULL (an allocation failed).
 */
static inline struct dma_fence *
dmabuf_kunit_fence_hand_over(struct kunit *test, struct dma_fence *fence,
			     kunit_action_t *action)
{
	int err;

	KUNIT_ASSERT_NOT_NULL(test, fence);
	err = kunit_add_action_or_reset(test, action, fence);
	KUNIT_ASSERT_EQ(test, err, 0);
	return fence;
}

/* The case drops its reference to @fence when it ends. */
static inline struct dma_fence *dmabuf_kunit_fence_own(struct kunit *test,
						       struct dma_fence *fence)
{
	return dmabuf_kunit_fence_hand_over(test, fence, dmabuf_kunit_fence_put);
}

/* The case signals @fence, if need be, and drops it when it ends. */
static inline struct dma_fence *
dmabuf_kunit_fence_adopt(struct kunit *test, struct dma_fence *fence)
{
	return dmabuf_kunit_fence_hand_over(test, fence,
					    dmabuf_kunit_fence_retire);
}

/*
 * The mock driver fence (a "leaf": a fence that is not a container) that
 * every suite builds on. One structure serves all of them; what differs
 * between suites is chosen per fence:
 *
 *  - which hooks its ops provide, by the DMABUF_KUNIT_LEAF_* flags below:
 *    by default every optional hook but ->wait, with 32-bit seqnos;
 *  - what those hooks answer, by the fields a case sets ("driver state");
 *  - where its lock is: its own, or one the creator shares between fences;
 *  - where its releases are counted, if anywhere.
 *
 * The hooks count their calls ("what the core did"). With the default
 * flags and nothing set, a leaf behaves as a driver fence without any
 * optional hook: ->signaled reports "not yet", ->enable_signaling agrees
 * and ->release frees the fence after a grace period as the core would.
 *
 * The default release frees the memory @base lives in, hence @base comes
 * first; a suite that embeds a leaf in a larger structure puts the leaf
 * first too, and calls dmabuf_kunit_leaf_init() on zeroed memory.
 */
#define DMABUF_KUNIT_LEAF_DRIVER	"dmabuf-kunit"
#define DMABUF_KUNIT_LEAF_TIMELINE	"dmabuf-kunit-leaf"

/* 64-bit seqnos (&dma_fence_ops.use_64bit_seqno). */
#define DMABUF_KUNIT_LEAF_SEQNO64	BIT(0)
/* Only the two mandatory name hooks: the core's defaults do the rest. */
#define DMABUF_KUNIT_LEAF_BARE		BIT(1)
/* A ->wait of its own, answering @wait_ret; ignored with BARE. */
#define DMABUF_KUNIT_LEAF_WAIT		BIT(2)

/* Where a case counts the releases of its leaves (see @released). */
struct dmabuf_kunit_releases {
	atomic_t count;
	atomic_t in_hardirq;	/* those of @count made in hard irq context */
};

struct dmabuf_kunit_leaf;

/* Runs first in ->enable_signaling, under the fence lock. */
typedef void (*dmabuf_kunit_leaf_hook)(struct dmabuf_kunit_leaf *leaf);

struct dmabuf_kunit_leaf {
	struct dma_fence base;
	spinlock_t lock;	/* fence lock of @base unless one was shared */

	/* Driver state, set by the case before the core can look. */
	bool hw_done;		/* what ->signaled reports */
	int hw_error;		/* error ->signaled attaches once done */
	bool refuse_enable;	/* ->enable_signaling answers false */
	int enable_error;	/* error attached when refusing, or 0 */
	dmabuf_kunit_leaf_hook on_enable;	/* extra work of the hook */
	void *priv;		/* the case's data for @on_enable */
	signed long wait_ret;	/* what the custom ->wait returns */
	struct dmabuf_kunit_releases *released;	/* counted if set */

	/* What the core did. */
	atomic_t enables;	/* calls of ->enable_signaling */
	atomic_t deadlines;	/* calls of ->set_deadline */
	ktime_t deadline;	/* the latest deadline hint */
	bool deadline_under_lock;	/* the latest call held the lock */
	atomic_t waits;		/* calls of the custom ->wait */
	bool wait_intr;		/* its latest arguments */
	signed long wait_timeout;
};

static_assert(offsetof(struct dmabuf_kunit_leaf, base) == 0);

static inline struct dmabuf_kunit_leaf *
dmabuf_kunit_to_leaf(struct dma_fence *fence)
{
	return container_of(fence, struct dmabuf_kunit_leaf, base);
}

static inline const char *dmabuf_kunit_leaf_driver(struct dma_fence *fence)
{
	return DMABUF_KUNIT_LEAF_DRIVER;
}

/* Kept under its old name: it was the one hook for both names. */
static inline const char *dmabuf_kunit_leaf_name(struct dma_fence *fence)
{
	return DMABUF_KUNIT_LEAF_TIMELINE;
}

static inline bool dmabuf_kunit_leaf_enable(struct dma_fence *fence)
{
	struct dmabuf_kunit_leaf *leaf = dmabuf_kunit_to_leaf(fence);

	atomic_inc(&leaf->enables);
	if (leaf->on_enable)
		leaf->on_enable(leaf);
	if (!leaf->refuse_enable)
		return true;
	if (leaf->enable_error)
		dma_fence_set_error(fence, leaf->enable_error);
	return false;
}

static inline bool dmabuf_kunit_leaf_signaled(struct dma_fence *fence)
{
	struct dmabuf_kunit_leaf *leaf = dmabuf_kunit_to_leaf(fence);

	if (!READ_ONCE(leaf->hw_done))
		return false;
	if (leaf->hw_error && !fence->error)
		dma_fence_set_error(fence, leaf->hw_error);
	return true;
}

static inline void dmabuf_kunit_leaf_deadline(struct dma_fence *fence,
					      ktime_t deadline)
{
	struct dmabuf_kunit_leaf *leaf = dmabuf_kunit_to_leaf(fence);

	if (IS_ENABLED(CONFIG_LOCKDEP))
		WRITE_ONCE(leaf->deadline_under_lock,
			   lockdep_is_held(fence->lock));
	WRITE_ONCE(leaf->deadline, deadline);
	atomic_inc(&leaf->deadlines);
}

static inline signed long dmabuf_kunit_leaf_wait(struct dma_fence *fence,
						 bool intr, signed long timeout)
{
	struct dmabuf_kunit_leaf *leaf = dmabuf_kunit_to_leaf(fence);

	leaf->wait_intr = intr;
	leaf->wait_timeout = timeout;
	atomic_inc(&leaf->waits);
	return leaf->wait_ret;
}

/* Frees like the core's default release, counting first if asked to. */
static inline void dmabuf_kunit_leaf_release(struct dma_fence *fence)
{
	struct dmabuf_kunit_releases *released =
		dmabuf_kunit_to_leaf(fence)->released;

	if (released) {
		if (in_hardirq())
			atomic_inc(&released->in_hardirq);
		atomic_inc(&released->count);
	}
	dma_fence_free(fence);
}

/* Three sets of hooks (all but ->wait, none, all), each for 32 and 64 bits. */
#define DMABUF_KUNIT_LEAF_KINDS		6

/*
 * The table of all leaf ops. It lives inside the function, so a suite
 * without leaves carries none, and each suite (one module, one object
 * file) has exactly one copy: comparing fence->ops with its entries tells
 * the suite's leaves from other fences.
 */
static inline const struct dma_fence_ops *dmabuf_kunit_leaf_ops_table(void)
{
	static const struct dma_fence_ops ops[DMABUF_KUNIT_LEAF_KINDS] = {
		{
			.get_driver_name = dmabuf_kunit_leaf_driver,
			.get_timeline_name = dmabuf_kunit_leaf_name,
			.enable_signaling = dmabuf_kunit_leaf_enable,
			.signaled = dmabuf_kunit_leaf_signaled,
			.release = dmabuf_kunit_leaf_release,
			.set_deadline = dmabuf_kunit_leaf_deadline,
		},
		{
			.use_64bit_seqno = true,
			.get_driver_name = dmabuf_kunit_leaf_driver,
			.get_timeline_name = dmabuf_kunit_leaf_name,
			.enable_signaling = dmabuf_kunit_leaf_enable,
			.signaled = dmabuf_kunit_leaf_signaled,
			.release = dmabuf_kunit_leaf_release,
			.set_deadline = dmabuf_kunit_leaf_deadline,
		},
		{
			.get_driver_name = dmabuf_kunit_leaf_driver,
			.get_timeline_name = dmabuf_kunit_leaf_name,
		},
		{
			.use_64bit_seqno = true,
			.get_driver_name = dmabuf_kunit_leaf_driver,
			.get_timeline_name = dmabuf_kunit_leaf_name,
		},
		{
			.get_driver_name = dmabuf_kunit_leaf_driver,
			.get_timeline_name = dmabuf_kunit_leaf_name,
			.enable_signaling = dmabuf_kunit_leaf_enable,
			.signaled = dmabuf_kunit_leaf_signaled,
			.wait = dmabuf_kunit_leaf_wait,
			.release = dmabuf_kunit_leaf_release,
			.set_deadline = dmabuf_kunit_leaf_deadline,
		},
		{
			.use_64bit_seqno = true,
			.get_driver_name = dmabuf_kunit_leaf_driver,
			.get_timeline_name = dmabuf_kunit_leaf_name,
			.enable_signaling = dmabuf_kunit_leaf_enable,
			.signaled = dmabuf_kunit_leaf_signaled,
			.wait = dmabuf_kunit_leaf_wait,
			.release = dmabuf_kunit_leaf_release,
			.set_deadline = dmabuf_kunit_leaf_deadline,
		},
	};

	return ops;
}

/* The ops of leaves made with @flags. */
static inline const struct dma_fence_ops *
dmabuf_kunit_leaf_ops(unsigned int flags)
{
	unsigned int kind = 0;

	if (flags & DMABUF_KUNIT_LEAF_BARE)
		kind = 1;
	else if (flags & DMABUF_KUNIT_LEAF_WAIT)
		kind = 2;
	return &dmabuf_kunit_leaf_ops_table()[2 * kind +
					      !!(flags & DMABUF_KUNIT_LEAF_SEQNO64)];
}

/* Whether @fence is a leaf of this suite, whatever its flags. */
static inline bool dmabuf_kunit_is_leaf(const struct dma_fence *fence)
{
	const struct dma_fence_ops *ops = dmabuf_kunit_leaf_ops_table();
	unsigned int i;

	for (i = 0; i < DMABUF_KUNIT_LEAF_KINDS; i++)
		if (fence->ops == &ops[i])
			return true;
	return false;
}

/*
 * Make the zeroed @leaf a pending fence on @context with the ops of
 * @flags, on @lock if not NULL, else on a lock of its own. The fields the
 * hooks read are the case's to set before anybody else sees the fence.
 */
static inline void dmabuf_kunit_leaf_init(struct dmabuf_kunit_leaf *leaf,
					  unsigned int flags, spinlock_t *lock,
					  u64 context, u64 seqno)
{
	spin_lock_init(&leaf->lock);
	dma_fence_init(&leaf->base, dmabuf_kunit_leaf_ops(flags),
		       lock ?: &leaf->lock, context, seqno);
}

/*
 * A new pending leaf as dmabuf_kunit_leaf_init() makes it, or NULL when
 * memory runs out; the caller owns the only reference.
 */
static inline struct dma_fence *dmabuf_kunit_leaf_create(unsigned int flags,
							 spinlock_t *lock,
							 u64 context, u64 seqno)
{
	struct dmabuf_kunit_leaf *leaf = kzalloc(sizeof(*leaf), GFP_KERNEL);

	if (!leaf)
		return NULL;
	dmabuf_kunit_leaf_init(leaf, flags, lock, context, seqno);
	return &leaf->base;
}

/* A default leaf with a lock of its own, or NULL. */
static inline struct dma_fence *dmabuf_kunit_leaf_alloc(u64 context,
							u64 seqno)
{
	return dmabuf_kunit_leaf_create(0, NULL, context, seqno);
}

/* How often the core called ->enable_signaling of the leaf @fence. */
static inline int dmabuf_kunit_leaf_enables(struct dma_fence *fence)
{
	return atomic_read(&dmabuf_kunit_to_leaf(fence)->enables);
}

/* How often the core called ->set_deadline of the leaf @fence. */
static inline int dmabuf_kunit_leaf_deadlines(struct dma_fence *fence)
{
	return atomic_read(&dmabuf_kunit_to_leaf(fence)->deadlines);
}

/*
 * Wait up to @timeout for @fence, then for the callbacks of its
 * signalling: they run under the fence lock once the signalled bit is
 * set, so taking and dropping the lock orders them before what follows.
 */
static inline void dmabuf_kunit_wait_signalled(struct kunit *test,
					       struct dma_fence *fence,
					       signed long timeout)
{
	unsigned long flags;

	KUNIT_ASSERT_GT_MSG(test, dma_fence_wait_timeout(fence, false, timeout),
			    0, "fence never signalled");
	spin_lock_irqsave(fence->lock, flags);
	spin_unlock_irqrestore(fence->lock, flags);
}

/* A callback that records its deliveries; may be embedded in a larger one. */
struct dmabuf_kunit_probe {
	struct dma_fence_cb cb;
	struct dma_fence *fence;	/* the case's reference */
	int added;		/* what dma_fence_add_callback() returned */
	atomic_t calls;
	int error;		/* the fence's error at the latest delivery */
};

/* The callback a probe installs unless the suite brings its own. */
static inline void dmabuf_kunit_probe_fired(struct dma_fence *fence,
					    struct dma_fence_cb *cb)
{
	struct dmabuf_kunit_probe *probe =
		container_of(cb, struct dmabuf_kunit_probe, cb);

	probe->error = fence->error;
	atomic_inc(&probe->calls);
}

/* Cleanup action: the probe's memory is freed only after this has run. */
static inline void dmabuf_kunit_probe_detach(void *data)
{
	struct dmabuf_kunit_probe *probe = data;

	dma_fence_remove_callback(probe->fence, &probe->cb);
	dma_fence_put(probe->fence);
}

/*
 * Attach @probe, zeroed memory that lives as long as the case, to @fence
 * with @fired as callback; this enables signalling on @fence. The probe is
 * detached when the case ends.
 */
static inline void dmabuf_kunit_probe_add(struct kunit *test,
					  struct dmabuf_kunit_probe *probe,
					  struct dma_fence *fence,
					  dma_fence_func_t fired)
{
	int err;

	probe->fence = dma_fence_get(fence);
	probe->added = dma_fence_add_callback(fence, &probe->cb, fired);
	err = kunit_add_action_or_reset(test, dmabuf_kunit_probe_detach, probe);
	KUNIT_ASSERT_EQ(test, err, 0);
}

/* A new probe on @fence with the plain callback. */
static inline struct dmabuf_kunit_probe *
dmabuf_kunit_probe_attach(struct kunit *test, struct dma_fence *fence)
{
	struct dmabuf_kunit_probe *probe;

	probe = kunit_kzalloc(test, sizeof(*probe), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, probe);
	dmabuf_kunit_probe_add(test, probe, fence, dmabuf_kunit_probe_fired);
	return probe;
}

/* Cleanup action: stop the pinned kernel thread @data and unpin it. */
static inline void dmabuf_kunit_thread_stop(void *data)
{
	struct task_struct *task = data;

	kthread_stop(task);
	put_task_struct(task);
}

/*
 * Run @fn(@data) in a kernel thread called "@prefix-@name", which the case
 * stops when it ends. The task is pinned, so stopping it is safe even
 * after @fn has returned.
 */
static inline struct task_struct *
dmabuf_kunit_thread_start(struct kunit *test, const char *prefix,
			  int (*fn)(void *), void *data, const char *name)
{
	struct task_struct *task;
	int err;

	task = kthread_create(fn, data, "%s-%s", prefix, name);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(task), "kthread_create: %ld",
			       PTR_ERR(task));
	get_task_struct(task);
	err = kunit_add_action_or_reset(test, dmabuf_kunit_thread_stop, task);
	KUNIT_ASSERT_EQ(test, err, 0);
	wake_up_process(task);
	return task;
}

/* Wait up to @timeout for a thread of the case to complete @done. */
static inline void dmabuf_kunit_thread_wait(struct kunit *test,
					    struct completion *done,
					    unsigned long timeout,
					    const char *what)
{
	unsigned long left = wait_for_completion_timeout(done, timeout);

	KUNIT_ASSERT_NE_MSG(test, left, 0, "%s never finished", what);
}

/*
 * Give the case's thread an mm before kunit_vm_mmap() makes one. 6.12's
 * kunit_attach_mm() keeps the reference kthread_use_mm() takes and never
 * drops it, so every case's mm would outlive the case (kmemleak reports
 * them on arm64, where nothing else points at an mm). This mm is set up
 * the same way, and that reference is dropped at once: from then on the
 * thread's use of the mm (mm_users) keeps it, and exit_mm() lets go of
 * both when the thread ends. kunit_vm_mmap() then uses it as it is.
 * Needs the EXPORTED_FOR_KUNIT_TESTING namespace (mm_alloc()).
 */
static inline int dmabuf_kunit_attach_mm(void)
{
	struct mm_struct *mm;

	if (current->mm)
		return 0;
	mm = mm_alloc();
	if (!mm)
		return -ENOMEM;
	mm->task_size = TASK_SIZE;
	arch_pick_mmap_layout(mm, &current->signal->rlim[RLIMIT_STACK]);
	kthread_use_mm(mm);
	mmdrop(mm);
	return 0;
}

/* kunit_vm_mmap() at no fixed address, in an mm that does not leak. */
static inline unsigned long dmabuf_kunit_vm_mmap(struct kunit *test,
						 struct file *file,
						 unsigned long len,
						 unsigned long prot,
						 unsigned long flags,
						 unsigned long offset)
{
	int err = dmabuf_kunit_attach_mm();

	if (err)
		return err;
	return kunit_vm_mmap(test, file, 0, len, prot, flags, offset);
}

/* @pages pages of fresh, writable user memory, unmapped when the case ends. */
static inline void __user *dmabuf_kunit_user_pages(struct kunit *test,
						   unsigned long pages)
{
	unsigned long addr = dmabuf_kunit_vm_mmap(test, NULL, pages * PAGE_SIZE,
						  PROT_READ | PROT_WRITE,
						  MAP_ANONYMOUS | MAP_PRIVATE, 0);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(addr) || !addr,
			       "no user memory: %ld", (long)addr);
	return (void __user *)addr;
}

/*
 * A page of user memory that reads as the @size bytes at @data but cannot be
 * written: an ioctl then gets its argument and fails to answer.
 */
static inline void __user *dmabuf_kunit_read_only_user(struct kunit *test,
						       const void *data,
						       size_t size)
{
	struct file *file;
	unsigned long addr;
	loff_t pos = 0;

	file = shmem_file_setup("dmabuf-kunit", PAGE_SIZE, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	if (kernel_write(file, data, size, &pos) != size) {
		fput(file);
		KUNIT_FAIL_AND_ABORT(test, "cannot fill the page");
	}
	addr = dmabuf_kunit_vm_mmap(test, file, PAGE_SIZE, PROT_READ, MAP_SHARED,
				    0);
	fput(file);	/* the mapping holds its own reference */
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_VALUE(addr) || !addr,
			       "no user memory: %ld", (long)addr);
	return (void __user *)addr;
}

#endif /* DMABUF_KUNIT_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the two driver-pattern suites share: dma_fence_driver_patterns,
 * which lists what in-tree drivers rely on and replays what one thread
 * can, and dma_fence_driver_patterns_smp, which replays the patterns that
 * take two CPUs racing. Each is a module of its own, hence everything here
 * is static inline.
 *
 * The drivers' fences are leaves (see dmabuf-kunit.h): a hardware seqno,
 * @hw_done, that ->signaled polls, and an ->enable_signaling hook that a
 * case may give extra work through @on_enable.
 */
#ifndef DMA_FENCE_DRIVER_PATTERNS_KUNIT_H
#define DMA_FENCE_DRIVER_PATTERNS_KUNIT_H

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/dma-fence.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "dmabuf-kunit.h"

/* Upper bound on waiting for a thread of the case to finish. */
#define THREAD_GRACE		(30 * HZ)

static inline struct dmabuf_kunit_leaf *to_hw(struct dma_fence *fence)
{
	return dmabuf_kunit_to_leaf(fence);
}

/*
 * A pending driver fence on @shared_lock, or on a lock of its own if that
 * is NULL; the case signals and drops it when it ends.
 */
static inline struct dma_fence *hw_fence_create(struct kunit *test,
						spinlock_t *shared_lock,
						u64 context, u64 seqno)
{
	return dmabuf_kunit_fence_adopt(test,
					dmabuf_kunit_leaf_create(0, shared_lock,
								 context, seqno));
}

static inline bool fence_bit(struct dma_fence *fence, int bit)
{
	return test_bit(bit, &fence->flags);
}

/* The ways a driver or the core completes a fence. */
enum completion_kind {
	BY_SIGNAL,
	BY_SIGNAL_TIMESTAMP,
	BY_SIGNAL_LOCKED,
	BY_POLLING,		/* dma_fence_is_signaled() finds hw_done */
	BY_POLLING_LOCKED,	/* dma_fence_is_signaled_locked() does */
	COMPLETION_KINDS,
};

static inline const char *completion_name(int how)
{
	static const char *const names[COMPLETION_KINDS] = {
		[BY_SIGNAL] = "dma_fence_signal",
		[BY_SIGNAL_TIMESTAMP] = "dma_fence_signal_timestamp",
		[BY_SIGNAL_LOCKED] = "dma_fence_signal_locked",
		[BY_POLLING] = "dma_fence_is_signaled",
		[BY_POLLING_LOCKED] = "dma_fence_is_signaled_locked",
	};

	return names[how];
}

static inline void complete_fence(struct dma_fence *fence,
				  enum completion_kind how)
{
	unsigned long flags;

	switch (how) {
	case BY_SIGNAL:
		dma_fence_signal(fence);
		break;
	case BY_SIGNAL_TIMESTAMP:
		dma_fence_signal_timestamp(fence, ktime_get());
		break;
	case BY_SIGNAL_LOCKED:
		spin_lock_irqsave(fence->lock, flags);
		dma_fence_signal_locked(fence);
		spin_unlock_irqrestore(fence->lock, flags);
		break;
	case BY_POLLING:
		WRITE_ONCE(to_hw(fence)->hw_done, true);
		dma_fence_is_signaled(fence);
		break;
	case BY_POLLING_LOCKED:
		WRITE_ONCE(to_hw(fence)->hw_done, true);
		spin_lock_irqsave(fence->lock, flags);
		dma_fence_is_signaled_locked(fence);
		spin_unlock_irqrestore(fence->lock, flags);
		break;
	default:
		break;
	}
}

static inline void completion_desc(const int *how, char *desc)
{
	strscpy(desc, completion_name(*how), KUNIT_PARAM_DESC_SIZE);
}

/* A callback of the kind drivers queue to retire their own objects. */
struct retire_cb {
	struct dma_fence_cb cb;
	atomic_t calls;
	bool saw_signalled;
};

static inline void retire_cb_fn(struct dma_fence *fence,
				struct dma_fence_cb *cb)
{
	struct retire_cb *rc = container_of(cb, struct retire_cb, cb);

	rc->saw_signalled = fence_bit(fence, DMA_FENCE_FLAG_SIGNALED_BIT);
	atomic_inc(&rc->calls);
}

#endif /* DMA_FENCE_DRIVER_PATTERNS_KUNIT_H */

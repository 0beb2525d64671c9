/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dma_fence: one-shot completion events shared between drivers.
 *
 * The locking and memory ordering rules behind the inline helpers in this
 * file are written down once, in the DOC sections at the top of
 * drivers/dma-buf/dma-fence.c.
 */

#ifndef __LINUX_DMA_FENCE_H
#define __LINUX_DMA_FENCE_H

#include <linux/err.h>
#include <linux/wait.h>
#include <linux/list.h>
#include <linux/bitops.h>
#include <linux/kref.h>
#include <linux/sched.h>
#include <linux/printk.h>
#include <linux/rcupdate.h>
#include <linux/timekeeping.h>

struct dma_fence;
struct dma_fence_ops;
struct dma_fence_cb;
struct seq_file;

/**
 * struct dma_fence - a point on a timeline that completes exactly once
 * @lock: spinlock shared with the issuer; it serialises signalling against
 *	callback list changes and must be taken with interrupts disabled
 * @ops: the issuing driver's implementation, see &struct dma_fence_ops
 * @cb_list: callbacks still waiting for completion, changed only under
 *	@lock; valid until the signaller detaches it, which the core does in
 *	the same critical section that sets %DMA_FENCE_FLAG_SIGNALED_BIT
 * @timestamp: completion time, meaningful once
 *	%DMA_FENCE_FLAG_TIMESTAMP_BIT is set (use dma_fence_timestamp())
 * @rcu: head for the grace period that dma_fence_free() waits out
 * @context: timeline identifier obtained from dma_fence_context_alloc()
 * @seqno: position on that timeline; fences of one context complete in
 *	seqno order, so seqnos can be compared with dma_fence_is_later()
 * @flags: &enum dma_fence_flag_bits, always accessed with atomic bitops
 * @refcount: reference count, see dma_fence_get() and dma_fence_put()
 * @error: zero, or a negative errno recorded with dma_fence_set_error()
 *	before signalling to report that the work failed
 *
 * @cb_list, @timestamp and @rcu share storage because each one is only
 * needed during one phase of the fence's life: the list until the fence
 * signals, the timestamp from signalling until the last reference is
 * dropped, and the RCU head afterwards. Reading @cb_list or @timestamp
 * therefore requires a reference; rcu_read_lock() alone is not enough.
 *
 * Most queries only need a bit test on @flags, which is why the flags are
 * atomic and the lock can often be skipped.
 */
struct dma_fence {
	spinlock_t *lock;	/* owned by the issuing driver */
	const struct dma_fence_ops *ops;
	/*
	 * The members of this union are listed in the order in which they
	 * take over the storage.
	 */
	union {
		struct list_head cb_list;
		/* takes over from @cb_list in dma_fence_signal() */
		ktime_t timestamp;
		/* takes over from @timestamp in dma_fence_release() */
		struct rcu_head rcu;
	};
	u64 context;
	u64 seqno;
	unsigned long flags;
	struct kref refcount;
	int error;
};

/**
 * enum dma_fence_flag_bits - bit numbers used in &dma_fence.flags
 * @DMA_FENCE_FLAG_SIGNALED_BIT: the fence has completed; set once and
 *	never cleared. The core sets it under &dma_fence.lock, in the critical
 *	section that also detaches and runs the callbacks; an issuer that
 *	signals its fences by hand (i915) may set it before taking the lock
 * @DMA_FENCE_FLAG_TIMESTAMP_BIT: &dma_fence.timestamp holds the completion
 *	time; set right after %DMA_FENCE_FLAG_SIGNALED_BIT, in the same
 *	critical section when the core signals
 * @DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT: somebody asked for software
 *	signalling, so &dma_fence_ops.enable_signaling has been (or is being)
 *	called. Set under &dma_fence.lock just before the hook would run, and
 *	never cleared; while it is clear, the hook has not run.
 * @DMA_FENCE_FLAG_USER_BITS: first bit that the issuing driver may use for
 *	its own bookkeeping. Other code must not interpret those bits.
 */
enum dma_fence_flag_bits {
	DMA_FENCE_FLAG_SIGNALED_BIT = 0,
	DMA_FENCE_FLAG_TIMESTAMP_BIT = 1,
	DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT = 2,
	DMA_FENCE_FLAG_USER_BITS = 3, /* keep last: drivers allocate from here */
};

/**
 * typedef dma_fence_func_t - completion callback
 * @fence: the fence that signalled
 * @cb: the &struct dma_fence_cb that was registered
 *
 * Runs with &dma_fence.lock held and interrupts disabled, so it must not
 * sleep and must not take the fence lock again.
 */
typedef void (*dma_fence_func_t)(struct dma_fence *fence, struct dma_fence_cb *cb);

/**
 * struct dma_fence_cb - a registration made with dma_fence_add_callback()
 * @node: link in &dma_fence.cb_list; an empty list once the callback has
 *	run, was removed, or could not be registered
 * @func: the function to run on completion
 *
 * Embed this in a larger structure and use container_of() in @func to
 * reach any private data.
 */
struct dma_fence_cb {
	struct list_head node;
	dma_fence_func_t func;
};

/**
 * struct dma_fence_ops - driver hooks behind a &struct dma_fence
 *
 * Only @get_driver_name and @get_timeline_name are required.
 */
struct dma_fence_ops {
	/**
	 * @use_64bit_seqno:
	 *
	 * Set when &dma_fence.seqno uses all 64 bits. When clear, only the
	 * low 32 bits are compared, and they are allowed to wrap around.
	 */
	bool use_64bit_seqno;

	/**
	 * @get_driver_name:
	 *
	 * Required. Names the driver that issued the fence. The name is
	 * produced on demand, for debugging and tracing, so that no string
	 * has to be kept in every fence.
	 */
	const char *(*get_driver_name)(struct dma_fence *fence);

	/**
	 * @get_timeline_name:
	 *
	 * Required. Names the timeline (&dma_fence.context) the fence belongs
	 * to, again produced on demand.
	 */
	const char *(*get_timeline_name)(struct dma_fence *fence);

	/**
	 * @enable_signaling:
	 *
	 * Optional. Called, with &dma_fence.lock held, the first time a
	 * waiter or callback needs the CPU to learn about completion. Hardware
	 * that can synchronise with other hardware on its own uses this to
	 * arm the interrupt (or whatever else is costly) only once software
	 * actually cares. It runs with the lock held and interrupts off, from
	 * whatever context asked for signalling, which can be an irq_work (the
	 * fence containers arm their members from one).
	 *
	 * Return false when the fence has already completed or signalling
	 * could not be armed; the core then signals the fence itself. Only
	 * in that case may &dma_fence.error be set from here.
	 *
	 * Completion may race with this hook, and the last reference may be
	 * dropped as soon as the fence signals, so an implementation that
	 * keeps using the fence afterwards (an interrupt handler, say) should
	 * take its own reference with dma_fence_get() here and drop it after
	 * signalling.
	 *
	 * Leaving this NULL means the driver always signals its fences.
	 */
	bool (*enable_signaling)(struct dma_fence *fence);

	/**
	 * @signaled:
	 *
	 * Optional. A cheap poll of the hardware state, used by
	 * dma_fence_is_signaled() and friends. It may lag behind reality and
	 * report false for work that just finished, but once it has reported
	 * true it must keep doing so. It may set &dma_fence.error when it
	 * returns true.
	 */
	bool (*signaled)(struct dma_fence *fence);

	/**
	 * @wait:
	 *
	 * Optional and deprecated; new drivers must leave it NULL so that
	 * dma_fence_default_wait() is used. It is kept for the few drivers
	 * whose wait has to cooperate with hardware reset.
	 *
	 * Return the remaining timeout in jiffies once the fence signalled,
	 * 0 if time ran out, or -ERESTARTSYS if @intr was set and a signal
	 * arrived. Other negative values (such as a detected lockup) are
	 * allowed; dma_fence_wait_timeout() and dma_resv_wait_timeout() pass
	 * them on to their callers as errors.
	 */
	signed long (*wait)(struct dma_fence *fence, bool intr, signed long timeout);

	/**
	 * @release:
	 *
	 * Optional. Frees the fence once the last reference is gone; when
	 * NULL, dma_fence_free() is used. May be called in interrupt
	 * context.
	 */
	void (*release)(struct dma_fence *fence);

	/**
	 * @fence_value_str:
	 *
	 * Optional. Writes a short, driver defined description of this fence
	 * (typically its seqno) into @str, at most @size bytes, for debug
	 * output.
	 */
	void (*fence_value_str)(struct dma_fence *fence, char *str, int size);

	/**
	 * @timeline_value_str:
	 *
	 * Optional. Writes the current position of the fence's timeline into
	 * @str, at most @size bytes, for debug output. The fence only serves
	 * to find the timeline; the result must not depend on which fence of
	 * that timeline is passed.
	 */
	void (*timeline_value_str)(struct dma_fence *fence, char *str, int size);

	/**
	 * @set_deadline:
	 *
	 * Optional. Tells the issuer that a waiter would like the fence to be
	 * complete by @deadline (CLOCK_MONOTONIC), so that it can, say, raise
	 * clocks. It is called without &dma_fence.lock, from any context,
	 * possibly many times and concurrently; the driver keeps the earliest
	 * deadline and does its own locking. A deadline already in the past
	 * means "as soon as possible".
	 */
	void (*set_deadline)(struct dma_fence *fence, ktime_t deadline);
};

void dma_fence_init(struct dma_fence *fence,
		    const struct dma_fence_ops *ops, spinlock_t *lock,
		    u64 context, u64 seqno);

void dma_fence_release(struct kref *kref);
void dma_fence_free(struct dma_fence *fence);
void dma_fence_describe(struct dma_fence *fence, struct seq_file *seq);

/**
 * dma_fence_put - drop a reference
 * @fence: the fence, or NULL (then nothing happens)
 *
 * Dropping the last reference calls dma_fence_release().
 */
static inline void dma_fence_put(struct dma_fence *fence)
{
	if (!fence)
		return;
	kref_put(&fence->refcount, dma_fence_release);
}

/**
 * dma_fence_get - take a reference
 * @fence: the fence, or NULL
 *
 * The caller must already own a reference (directly or through a lock
 * that keeps the fence alive). For RCU protected pointers use
 * dma_fence_get_rcu() or dma_fence_get_rcu_safe() instead.
 *
 * Return: @fence, so that the call can be used in an assignment.
 */
static inline struct dma_fence *dma_fence_get(struct dma_fence *fence)
{
	if (!fence)
		return NULL;
	kref_get(&fence->refcount);
	return fence;
}

/**
 * dma_fence_get_rcu - take a reference on a fence found under RCU
 * @fence: fence whose memory is kept valid by rcu_read_lock()
 *
 * The fence may be on its way out; the reference is only taken while the
 * count is still above zero.
 *
 * Return: @fence on success, NULL if it was already being released.
 */
static inline struct dma_fence *dma_fence_get_rcu(struct dma_fence *fence)
{
	return kref_get_unless_zero(&fence->refcount) ? fence : NULL;
}

/**
 * dma_fence_get_rcu_safe - take a reference on the fence behind an RCU pointer
 * @fencep: RCU protected location holding the fence pointer
 *
 * Unlike dma_fence_get_rcu(), this copes with fence memory that can be
 * recycled for a different fence before a grace period has passed (for
 * example a SLAB_TYPESAFE_BY_RCU cache): after the reference is taken the
 * pointer is read again, and the attempt is repeated unless it still
 * designates the same fence. Users that protect a set of fences with a
 * seqcount instead (as &struct dma_resv does) must likewise read the
 * seqcount before and validate it after taking the reference.
 *
 * Must be called under rcu_read_lock().
 *
 * Return: a new reference to the fence stored at @fencep, or NULL if the
 * location holds no fence.
 */
static inline struct dma_fence *
dma_fence_get_rcu_safe(struct dma_fence __rcu **fencep)
{
	struct dma_fence *fence;

	while ((fence = rcu_dereference(*fencep))) {
		/* Zero count: being freed, the slot will be updated soon. */
		if (!dma_fence_get_rcu(fence))
			continue;

		/*
		 * A successful increment only orders later stores (through a
		 * control dependency); upgrade it to ACQUIRE so that the
		 * re-read of *fencep below, and the caller's reads of the
		 * fence, happen after the count was seen non-zero. This pairs
		 * with the smp_wmb() in dma_fence_init() that publishes a
		 * recycled fence's fields before its count, and with the
		 * release ordering of the final dma_fence_put() that follows
		 * unpublishing the previous occupant. While our reference is
		 * held the memory cannot be recycled again, so an unchanged
		 * pointer proves that we pinned the fence stored there.
		 */
		smp_acquire__after_ctrl_dep();
		if (likely(fence == rcu_access_pointer(*fencep)))
			return rcu_pointer_handoff(fence);

		dma_fence_put(fence);
	}

	return NULL;
}

#ifdef CONFIG_LOCKDEP
bool dma_fence_begin_signalling(void);
void dma_fence_end_signalling(bool cookie);
void __dma_fence_might_wait(void);
#else
static inline bool dma_fence_begin_signalling(void)
{
	return true;
}

static inline void dma_fence_end_signalling(bool cookie) {}
static inline void __dma_fence_might_wait(void) {}
#endif

int dma_fence_signal(struct dma_fence *fence);
int dma_fence_signal_locked(struct dma_fence *fence);
int dma_fence_signal_timestamp(struct dma_fence *fence, ktime_t timestamp);
int dma_fence_signal_timestamp_locked(struct dma_fence *fence, ktime_t timestamp);
signed long dma_fence_default_wait(struct dma_fence *fence, bool intr,
				   signed long timeout);
int dma_fence_add_callback(struct dma_fence *fence, struct dma_fence_cb *cb,
			   dma_fence_func_t func);
bool dma_fence_remove_callback(struct dma_fence *fence, struct dma_fence_cb *cb);
void dma_fence_enable_sw_signaling(struct dma_fence *fence);

/*
 * Lock-free test of the signalled bit. The ACQUIRE pairs with the fully
 * ordered test_and_set_bit() in dma_fence_signal_timestamp_locked(): a
 * caller that sees the bit also sees every store the signaller made
 * before it, &dma_fence.error in particular.
 */
static inline bool __dma_fence_test_signaled(struct dma_fence *fence)
{
	return test_bit_acquire(DMA_FENCE_FLAG_SIGNALED_BIT, &fence->flags);
}

/* Ask the driver to poll its hardware, if it offers that. */
static inline bool __dma_fence_poll_signaled(struct dma_fence *fence)
{
	return fence->ops->signaled && fence->ops->signaled(fence);
}

/**
 * dma_fence_is_signaled_locked - check for completion, lock held
 * @fence: the fence to check
 *
 * Like dma_fence_is_signaled(), for callers that already hold
 * &dma_fence.lock.
 *
 * Return: true if the fence has completed.
 */
static inline bool
dma_fence_is_signaled_locked(struct dma_fence *fence)
{
	if (__dma_fence_test_signaled(fence))
		return true;
	if (!__dma_fence_poll_signaled(fence))
		return false;

	/* The hardware is done; make the software state catch up. */
	dma_fence_signal_locked(fence);
	return true;
}

/**
 * dma_fence_is_signaled - check for completion
 * @fence: the fence to check
 *
 * Looks at the signalled bit first and, if that is clear, asks
 * &dma_fence_ops.signaled; when the driver reports completion, the fence
 * is signalled on the spot. Nothing here arms signalling, so a fence whose
 * driver relies on &dma_fence_ops.enable_signaling may keep reporting
 * false until somebody waits on it, adds a callback or calls
 * dma_fence_enable_sw_signaling().
 *
 * Checking this before programming a hardware wait on a seqno also guards
 * against the seqno having wrapped in the meantime.
 *
 * Return: true if the fence has completed.
 */
static inline bool
dma_fence_is_signaled(struct dma_fence *fence)
{
	if (__dma_fence_test_signaled(fence))
		return true;
	if (!__dma_fence_poll_signaled(fence))
		return false;

	dma_fence_signal(fence);
	return true;
}

/**
 * __dma_fence_is_later - compare two seqnos of one timeline
 * @f1: seqno that might be the later one
 * @f2: seqno to compare against
 * @ops: implementation the seqnos belong to; selects 32 or 64 bit rules
 *
 * Seqnos only have an order inside a single &dma_fence.context.
 *
 * Return: true if @f1 completes after @f2.
 */
static inline bool __dma_fence_is_later(u64 f1, u64 f2,
					const struct dma_fence_ops *ops)
{
	if (!ops->use_64bit_seqno) {
		/*
		 * Legacy 32 bit timelines wrap; a forward distance of less
		 * than 2^31 counts as later.
		 */
		s32 delta = (u32)f1 - (u32)f2;

		return delta > 0;
	}

	return f1 > f2;
}

/**
 * dma_fence_is_later - compare the order of two fences of one timeline
 * @f1: fence that might complete later
 * @f2: fence to compare against, same &dma_fence.context as @f1
 *
 * Return: true if @f1 completes after @f2; false otherwise, including the
 * (buggy) case of fences from different contexts, which also warns.
 */
static inline bool dma_fence_is_later(struct dma_fence *f1,
				      struct dma_fence *f2)
{
	if (WARN_ON(f1->context != f2->context))
		return false;

	return __dma_fence_is_later(f1->seqno, f2->seqno, f1->ops);
}

/**
 * dma_fence_is_later_or_same - like dma_fence_is_later(), but reflexive
 * @f1: fence that might complete later
 * @f2: fence to compare against, same &dma_fence.context as @f1
 *
 * Return: true if @f1 is @f2 or completes after it.
 */
static inline bool dma_fence_is_later_or_same(struct dma_fence *f1,
					      struct dma_fence *f2)
{
	if (f1 == f2)
		return true;
	return dma_fence_is_later(f1, f2);
}

/**
 * dma_fence_later - pick the fence of one timeline that completes last
 * @f1: a fence
 * @f2: a fence with the same &dma_fence.context as @f1
 *
 * Only the later fence needs checking: on one timeline, if it is complete
 * then so is the other. The check goes through dma_fence_is_signaled()
 * rather than the bare bit, since signalling may never have been armed.
 *
 * Return: the later of the two fences, or NULL if it has already
 * completed (or if the contexts differ, which also warns).
 */
static inline struct dma_fence *dma_fence_later(struct dma_fence *f1,
						struct dma_fence *f2)
{
	struct dma_fence *last;

	if (WARN_ON(f1->context != f2->context))
		return NULL;

	last = dma_fence_is_later(f1, f2) ? f1 : f2;
	if (dma_fence_is_signaled(last))
		return NULL;
	return last;
}

/**
 * dma_fence_get_status_locked - completion status, lock held
 * @fence: the fence to query
 *
 * &dma_fence.error is only final once the fence has signalled, so it is
 * reported only then. The caller holds &dma_fence.lock.
 *
 * Return: 0 while pending, 1 when completed successfully, or the negative
 * error code the fence completed with.
 */
static inline int dma_fence_get_status_locked(struct dma_fence *fence)
{
	if (!dma_fence_is_signaled_locked(fence))
		return 0;
	if (fence->error)
		return fence->error;
	return 1;
}

int dma_fence_get_status(struct dma_fence *fence);

/**
 * dma_fence_set_error - record that the work behind a fence failed
 * @fence: the fence, not yet signalled
 * @error: negative errno to report
 *
 * Must happen before the fence is signalled, so that everybody who
 * observes completion also observes the error. Storing the error through
 * this helper lets misuse (setting it late, or a value that is not an
 * errno) show up as a warning.
 */
static inline void dma_fence_set_error(struct dma_fence *fence,
				       int error)
{
	bool is_errno = error < 0 && error >= -MAX_ERRNO;

	WARN_ON(!is_errno);
	WARN_ON(test_bit(DMA_FENCE_FLAG_SIGNALED_BIT, &fence->flags));
	fence->error = error;
}

/**
 * dma_fence_timestamp - completion time of a signalled fence
 * @fence: a fence that has signalled
 *
 * The signaller stores the timestamp just after setting the signalled
 * bit, so a reader can briefly get ahead of it; this helper spins until
 * the timestamp is published. The ACQUIRE bit test pairs with the barrier
 * in front of set_bit(%DMA_FENCE_FLAG_TIMESTAMP_BIT) in the signal path,
 * so the value read is the one stored.
 *
 * Return: the completion time, or the current time (with a warning) if
 * the fence has not signalled.
 */
static inline ktime_t dma_fence_timestamp(struct dma_fence *fence)
{
	if (WARN_ON(!__dma_fence_test_signaled(fence)))
		return ktime_get();

	while (!test_bit_acquire(DMA_FENCE_FLAG_TIMESTAMP_BIT, &fence->flags))
		cpu_relax();

	return fence->timestamp;
}

signed long dma_fence_wait_timeout(struct dma_fence *fence, bool intr,
				   signed long timeout);
signed long dma_fence_wait_any_timeout(struct dma_fence **fences, u32 count,
				       bool intr, signed long timeout, u32 *idx);

/**
 * dma_fence_wait - sleep until a fence completes
 * @fence: the fence; the caller must hold a reference for the duration
 * @intr: whether a signal may interrupt the sleep
 *
 * dma_fence_wait_timeout() without a time limit.
 *
 * Return: 0 once the fence has completed, -ERESTARTSYS if interrupted, or
 * another negative error from a driver's custom &dma_fence_ops.wait.
 */
static inline signed long dma_fence_wait(struct dma_fence *fence, bool intr)
{
	signed long ret;

	/* An unbounded wait cannot time out; success leaves a positive value. */
	ret = dma_fence_wait_timeout(fence, intr, MAX_SCHEDULE_TIMEOUT);
	if (ret > 0)
		ret = 0;
	return ret;
}

void dma_fence_set_deadline(struct dma_fence *fence, ktime_t deadline);

struct dma_fence *dma_fence_get_stub(void);
struct dma_fence *dma_fence_allocate_private_stub(ktime_t timestamp);
u64 dma_fence_context_alloc(unsigned int num);

extern const struct dma_fence_ops dma_fence_array_ops;
extern const struct dma_fence_ops dma_fence_chain_ops;

/**
 * dma_fence_is_array - is this a &struct dma_fence_array?
 * @fence: fence to classify
 *
 * Return: true if @fence was created by dma_fence_array_create().
 */
static inline bool dma_fence_is_array(struct dma_fence *fence)
{
	return fence->ops == &dma_fence_array_ops;
}

/**
 * dma_fence_is_chain - is this a &struct dma_fence_chain?
 * @fence: fence to classify
 *
 * Return: true if @fence is a node of a fence chain.
 */
static inline bool dma_fence_is_chain(struct dma_fence *fence)
{
	return fence->ops == &dma_fence_chain_ops;
}

/**
 * dma_fence_is_container - does this fence wrap other fences?
 * @fence: fence to classify
 *
 * Containers must not be nested arbitrarily, as walking them recurses;
 * code that builds fence structures uses this to flatten them first.
 *
 * Return: true for arrays and chains.
 */
static inline bool dma_fence_is_container(struct dma_fence *fence)
{
	/* Chains are the more common kind, so test for them first. */
	return dma_fence_is_chain(fence) || dma_fence_is_array(fence);
}

#endif /* __LINUX_DMA_FENCE_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dma_resv: the set of fences that guards one shared buffer, plus the
 * ww_mutex that serialises everybody who changes that set.
 *
 * Readers may walk the set under RCU alone; the publication rules that make
 * this safe are written down once, in the "Reservation Object Overview"
 * section at the top of drivers/dma-buf/dma-resv.c.
 */

#ifndef __LINUX_DMA_RESV_H
#define __LINUX_DMA_RESV_H

#include <linux/dma-fence.h>
#include <linux/rcupdate.h>
#include <linux/seqlock.h>
#include <linux/slab.h>
#include <linux/ww_mutex.h>

struct dma_resv_list;
struct seq_file;

extern struct ww_class reservation_ww_class;

/**
 * enum dma_resv_usage - what the operation behind a fence does to the buffer
 *
 * Every fence in a &struct dma_resv is tagged with one of these classes.
 * The classes are ordered, KERNEL < WRITE < READ < BOOKKEEP, and a query
 * for one class always includes all classes below it: asking for READ
 * fences yields the READ, WRITE and KERNEL ones, asking for BOOKKEEP yields
 * everything.
 *
 * Adding a fence that is already present again with a lower class moves it
 * down (a BOOKKEEP fence re-added as READ becomes visible to implicit
 * readers); re-adding it with a higher class never moves it up, so a fence
 * once published for WRITE keeps being reported to WRITE queries.
 */
enum dma_resv_usage {
	/**
	 * @DMA_RESV_USAGE_KERNEL: the kernel's own memory management, such
	 * as a DMA engine moving or clearing the buffer on behalf of the
	 * memory manager. Every access to the buffer has to wait for these,
	 * unless the buffer was pinned in place beforehand.
	 */
	DMA_RESV_USAGE_KERNEL = 0,

	/**
	 * @DMA_RESV_USAGE_WRITE: a userspace submission that writes the
	 * buffer and takes part in implicit synchronisation.
	 */
	DMA_RESV_USAGE_WRITE = 1,

	/**
	 * @DMA_RESV_USAGE_READ: a userspace submission that reads the
	 * buffer and takes part in implicit synchronisation.
	 */
	DMA_RESV_USAGE_READ = 2,

	/**
	 * @DMA_RESV_USAGE_BOOKKEEP: tracked for the owner's bookkeeping only,
	 * invisible to implicit synchronisation: preemption fences, page
	 * table updates, TLB flushes and explicitly synchronised submissions.
	 * The last kind can still be lowered to READ or WRITE later, for
	 * instance through dma_buf_import_sync_file(), if implicit
	 * synchronisation turns out to be needed.
	 */
	DMA_RESV_USAGE_BOOKKEEP = 3,
};

/**
 * dma_resv_usage_rw - usage class an implicitly synchronised access waits for
 * @write: whether the new access writes the buffer
 *
 * A new writer has to wait for every earlier reader and writer, which is
 * what a READ query returns. A new reader only conflicts with earlier
 * writers, which is what a WRITE query returns. The mapping therefore looks
 * crossed over but is intended; see enum dma_resv_usage and &dma_buf.resv.
 *
 * Return: the class to pass to the query functions.
 */
static inline enum dma_resv_usage dma_resv_usage_rw(bool write)
{
	if (!write)
		return DMA_RESV_USAGE_WRITE;
	return DMA_RESV_USAGE_READ;
}

/**
 * struct dma_resv - the fences guarding one buffer
 *
 * A reservation object tracks the outstanding operations on a resource,
 * typically a &struct dma_buf shared between drivers or a buffer object of
 * a driver's memory manager (TTM buffer objects and GEM objects embed one).
 * Drivers use it both for implicit synchronisation between users of a
 * shared buffer and for dynamic memory management, where the lock also
 * protects the buffer's placement.
 */
struct dma_resv {
	/**
	 * @lock:
	 *
	 * Serialises all changes of @fences. Drivers managing memory
	 * dynamically also protect placement and other buffer state with it.
	 * Only take it through dma_resv_lock() and its variants; it belongs
	 * to &reservation_ww_class, so several objects can be locked in any
	 * order with one &struct ww_acquire_ctx.
	 */
	struct ww_mutex lock;

	/**
	 * @fences:
	 *
	 * The fences themselves, each with its &enum dma_resv_usage. Writers
	 * hold @lock; readers either hold @lock too or use RCU through the
	 * unlocked iterators. Because a fence is normally added after the
	 * point of no return of a submission, dma_resv_add_fence() cannot
	 * fail: room for it has to be set aside beforehand with
	 * dma_resv_reserve_fences().
	 */
	struct dma_resv_list __rcu *fences;
};

/**
 * struct dma_resv_iter - cursor over the fences of a &struct dma_resv
 *
 * Only the iterator functions and the accessors below look inside; drivers
 * must not.
 *
 * The unlocked walk (dma_resv_for_each_fence_unlocked()) runs concurrently
 * with writers and starts over from the beginning whenever the object
 * changed underneath it, so a fence may be returned more than once. Code
 * that accumulates something across the walk has to discard its partial
 * result when dma_resv_iter_is_restarted() says so.
 */
struct dma_resv_iter {
	/** @obj: the object being walked */
	struct dma_resv *obj;

	/** @usage: highest usage class to return */
	enum dma_resv_usage usage;

	/**
	 * @fence: the fence last returned by an unlocked walk; the cursor
	 * holds a reference to it
	 */
	struct dma_fence *fence;

	/** @fence_usage: usage class of the fence last returned */
	enum dma_resv_usage fence_usage;

	/** @index: next slot of @fences to look at */
	unsigned int index;

	/**
	 * @fences: the fence list the walk started on; only compared, never
	 * dereferenced outside the iterator functions
	 */
	struct dma_resv_list *fences;

	/** @num_fences: number of slots of @fences the walk covers */
	unsigned int num_fences;

	/**
	 * @is_restarted: set while the current fence is the first one after
	 * the walk (re)started
	 */
	bool is_restarted;
};

struct dma_fence *dma_resv_iter_first_unlocked(struct dma_resv_iter *cursor);
struct dma_fence *dma_resv_iter_next_unlocked(struct dma_resv_iter *cursor);
struct dma_fence *dma_resv_iter_first(struct dma_resv_iter *cursor);
struct dma_fence *dma_resv_iter_next(struct dma_resv_iter *cursor);

/**
 * dma_resv_iter_begin - prepare a cursor for a walk
 * @cursor: the cursor
 * @obj: the reservation object to walk
 * @usage: highest usage class to return, see enum dma_resv_usage
 *
 * Needed before dma_resv_for_each_fence_unlocked(); a matching
 * dma_resv_iter_end() must follow the walk.
 */
static inline void dma_resv_iter_begin(struct dma_resv_iter *cursor,
				       struct dma_resv *obj,
				       enum dma_resv_usage usage)
{
	*cursor = (struct dma_resv_iter) {
		.obj = obj,
		.usage = usage,
	};
}

/**
 * dma_resv_iter_end - finish a walk
 * @cursor: the cursor
 *
 * Drops the reference an unlocked walk may still hold on its last fence.
 */
static inline void dma_resv_iter_end(struct dma_resv_iter *cursor)
{
	struct dma_fence *last = cursor->fence;

	cursor->fence = NULL;
	dma_fence_put(last);
}

/**
 * dma_resv_iter_is_restarted - whether the walk just (re)started
 * @cursor: the cursor
 *
 * Return: true when the current fence is the first one since the walk
 * began or since an unlocked walk noticed a concurrent change and started
 * over; anything gathered before it must then be thrown away.
 */
static inline bool dma_resv_iter_is_restarted(struct dma_resv_iter *cursor)
{
	return cursor->is_restarted;
}

/**
 * dma_resv_iter_usage - usage class of the current fence
 * @cursor: the cursor
 *
 * Return: the &enum dma_resv_usage the current fence was added with.
 */
static inline enum dma_resv_usage
dma_resv_iter_usage(struct dma_resv_iter *cursor)
{
	return cursor->fence_usage;
}

/**
 * struct dma_resv_iter_loop - state of one dma_resv_for_each_fence*() loop
 * @iter: the cursor the loop advances
 * @started: whether the first fence has been asked for yet
 *
 * Lets the iteration macros evaluate each of their arguments only once.
 * Internal to those macros; drivers never use it directly.
 */
struct dma_resv_iter_loop {
	struct dma_resv_iter *iter;
	bool started;
};

/* Loop step of dma_resv_for_each_fence_unlocked(). */
static inline bool dma_resv_iter_loop_unlocked(struct dma_resv_iter_loop *loop,
					       struct dma_fence **fence)
{
	struct dma_resv_iter *cursor = loop->iter;

	*fence = loop->started ? dma_resv_iter_next_unlocked(cursor) :
				 dma_resv_iter_first_unlocked(cursor);
	loop->started = true;
	return *fence;
}

/* Loop set-up of dma_resv_for_each_fence(). */
static inline struct dma_resv_iter_loop
dma_resv_iter_loop_begin(struct dma_resv_iter *cursor, struct dma_resv *obj,
			 enum dma_resv_usage usage)
{
	dma_resv_iter_begin(cursor, obj, usage);
	return (struct dma_resv_iter_loop) { .iter = cursor };
}

/* Loop step of dma_resv_for_each_fence(). */
static inline bool dma_resv_iter_loop_locked(struct dma_resv_iter_loop *loop,
					     struct dma_fence **fence)
{
	struct dma_resv_iter *cursor = loop->iter;

	*fence = loop->started ? dma_resv_iter_next(cursor) :
				 dma_resv_iter_first(cursor);
	loop->started = true;
	return *fence;
}

/**
 * dma_resv_for_each_fence_unlocked - walk the fences under RCU
 * @cursor: a &struct dma_resv_iter set up with dma_resv_iter_begin()
 * @fence: loop variable, the current fence
 *
 * Walks the unsignalled fences of the cursor's usage classes without
 * taking &dma_resv.lock. The loop body runs outside the RCU read section
 * with a reference held on @fence, so it may sleep. The walk can restart,
 * see dma_resv_iter_is_restarted(); when the lock is held anyway,
 * dma_resv_for_each_fence() is simpler. End with dma_resv_iter_end().
 */
#define dma_resv_for_each_fence_unlocked(cursor, fence)			\
	for (struct dma_resv_iter_loop __dma_resv_loop =		\
		(struct dma_resv_iter_loop) { .iter = (cursor) };	\
	     dma_resv_iter_loop_unlocked(&__dma_resv_loop, &(fence));)

/**
 * dma_resv_for_each_fence - walk the fences with the lock held
 * @cursor: a &struct dma_resv_iter, set up by the macro itself
 * @obj: the reservation object, locked by the caller
 * @usage: highest usage class to return
 * @fence: loop variable, the current fence
 *
 * Walks every fence of the requested classes, signalled or not. No
 * reference is taken: @fence stays valid while &dma_resv.lock is held.
 * There is no restart and no dma_resv_iter_end() is needed.
 */
#define dma_resv_for_each_fence(cursor, obj, usage, fence)		\
	for (struct dma_resv_iter_loop __dma_resv_loop =		\
		dma_resv_iter_loop_begin((cursor), (obj), (usage));	\
	     dma_resv_iter_loop_locked(&__dma_resv_loop, &(fence));)

/**
 * dma_resv_held - whether the current task holds the lock, for lockdep
 * @obj: the reservation object
 *
 * Only meaningful with CONFIG_LOCKDEP; meant for conditions such as those
 * of rcu_dereference_protected().
 */
#define dma_resv_held(obj) lockdep_is_held(&(obj)->lock.base)

/**
 * dma_resv_assert_held - complain (with lockdep) unless the lock is held
 * @obj: the reservation object
 */
#define dma_resv_assert_held(obj) lockdep_assert_held(&(obj)->lock.base)

#ifdef CONFIG_DEBUG_MUTEXES
void dma_resv_reset_max_fences(struct dma_resv *obj);
#else
static inline void dma_resv_reset_max_fences(struct dma_resv *obj) {}
#endif

/**
 * dma_resv_trylock - lock a reservation object if that is possible at once
 * @obj: the reservation object
 *
 * Takes the lock without an acquire context and without sleeping. As with
 * dma_resv_lock(), the lock only excludes other writers; RCU readers carry
 * on. No deadlock avoidance is needed since nothing ever waits.
 *
 * Return: true if the lock was taken.
 */
static inline bool __must_check dma_resv_trylock(struct dma_resv *obj)
{
	struct ww_mutex *mutex = &obj->lock;

	return ww_mutex_trylock(mutex, NULL);
}

/**
 * dma_resv_lock - lock a reservation object
 * @obj: the reservation object
 * @ctx: acquire context shared by all objects locked together, or NULL
 *
 * Takes the lock that serialises changes of @obj; lockless readers carry
 * on concurrently under RCU. When a set of objects is locked in no
 * particular order, pass the same &struct ww_acquire_ctx (see
 * ww_acquire_init()) for all of them; with NULL only @obj can be held.
 *
 * On -EDEADLK (never returned for a NULL @ctx) the caller has to drop every
 * lock held through @ctx and then wait for @obj with dma_resv_lock_slow()
 * before taking the others again. See dma_resv_lock_interruptible() for a
 * variant that signals can interrupt; release with dma_resv_unlock().
 *
 * Return: 0, -EDEADLK, or -EALREADY if @ctx already holds @obj.
 */
static inline int dma_resv_lock(struct dma_resv *obj,
				struct ww_acquire_ctx *ctx)
{
	struct ww_mutex *mutex = &obj->lock;

	return ww_mutex_lock(mutex, ctx);
}

/**
 * dma_resv_lock_interruptible - lock a reservation object, interruptibly
 * @obj: the reservation object
 * @ctx: acquire context shared by all objects locked together, or NULL
 *
 * Like dma_resv_lock(), but a pending signal aborts the wait. After
 * -EDEADLK, drop everything held through @ctx and continue with
 * dma_resv_lock_slow_interruptible() on @obj.
 *
 * Return: 0, -EDEADLK, -EALREADY or -EINTR.
 */
static inline int dma_resv_lock_interruptible(struct dma_resv *obj,
					      struct ww_acquire_ctx *ctx)
{
	struct ww_mutex *mutex = &obj->lock;

	return ww_mutex_lock_interruptible(mutex, ctx);
}

/**
 * dma_resv_lock_slow - take the contended lock after backing off
 * @obj: the object whose locking returned -EDEADLK
 * @ctx: the acquire context that received -EDEADLK, holding no locks now
 *
 * Sleeps until @obj is free; it cannot fail, since @ctx holds nothing
 * that could be part of a cycle. See dma_resv_lock() and, for the variant
 * that signals can interrupt, dma_resv_lock_slow_interruptible().
 */
static inline void dma_resv_lock_slow(struct dma_resv *obj,
				      struct ww_acquire_ctx *ctx)
{
	struct ww_mutex *mutex = &obj->lock;

	ww_mutex_lock_slow(mutex, ctx);
}

/**
 * dma_resv_lock_slow_interruptible - take the contended lock, interruptibly
 * @obj: the object whose locking returned -EDEADLK
 * @ctx: the acquire context that received -EDEADLK, holding no locks now
 *
 * Like dma_resv_lock_slow(), except that a pending signal aborts the wait.
 * See dma_resv_lock_interruptible().
 *
 * Return: 0, or -EINTR if interrupted.
 */
static inline int dma_resv_lock_slow_interruptible(struct dma_resv *obj,
						   struct ww_acquire_ctx *ctx)
{
	struct ww_mutex *mutex = &obj->lock;

	return ww_mutex_lock_slow_interruptible(mutex, ctx);
}

/**
 * dma_resv_is_locked - whether anybody holds the lock
 * @obj: the reservation object
 *
 * Return: true while some task holds &dma_resv.lock.
 */
static inline bool dma_resv_is_locked(struct dma_resv *obj)
{
	struct ww_mutex *mutex = &obj->lock;

	return ww_mutex_is_locked(mutex);
}

/**
 * dma_resv_locking_ctx - acquire context the lock is held with
 * @obj: the reservation object
 *
 * Mainly for TTM, which does not hand the acquire context down its long
 * call chains; other users only check whether they hold a reservation.
 * Please do not build new designs on it.
 *
 * Return: the context the current holder passed, or NULL if the lock is
 * free or was taken without a context.
 */
static inline struct ww_acquire_ctx *dma_resv_locking_ctx(struct dma_resv *obj)
{
	struct ww_mutex *mutex = &obj->lock;

	return READ_ONCE(mutex->ctx);
}

/**
 * dma_resv_unlock - release a reservation object
 * @obj: the reservation object
 *
 * Ends the exclusive access begun by one of the lock functions. Fence slots
 * reserved but not used are given up (debug kernels check that).
 */
static inline void dma_resv_unlock(struct dma_resv *obj)
{
	struct ww_mutex *mutex = &obj->lock;

	/* Forget unused reservations while the lock is still held. */
	dma_resv_reset_max_fences(obj);
	ww_mutex_unlock(mutex);
}

/* Life cycle */
void dma_resv_init(struct dma_resv *obj);
void dma_resv_fini(struct dma_resv *obj);

/* Changing the fences; all of these need the lock */
int dma_resv_reserve_fences(struct dma_resv *obj, unsigned int num_fences);
void dma_resv_add_fence(struct dma_resv *obj, struct dma_fence *fence,
			enum dma_resv_usage usage);
void dma_resv_replace_fences(struct dma_resv *obj, uint64_t context,
			     struct dma_fence *fence, enum dma_resv_usage usage);
int dma_resv_copy_fences(struct dma_resv *dst, struct dma_resv *src);

/* Queries; these work with or without the lock, except describe */
bool dma_resv_test_signaled(struct dma_resv *obj, enum dma_resv_usage usage);
long dma_resv_wait_timeout(struct dma_resv *obj, enum dma_resv_usage usage,
			   bool intr, unsigned long timeout);
void dma_resv_set_deadline(struct dma_resv *obj, enum dma_resv_usage usage,
			   ktime_t deadline);
int dma_resv_get_singleton(struct dma_resv *obj, enum dma_resv_usage usage,
			   struct dma_fence **fence);
int dma_resv_get_fences(struct dma_resv *obj, enum dma_resv_usage usage,
			unsigned int *num_fences, struct dma_fence ***fences);
void dma_resv_describe(struct dma_resv *obj, struct seq_file *seq);

#endif /* __LINUX_DMA_RESV_H */

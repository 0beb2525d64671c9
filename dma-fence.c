// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma_fence core: creation, reference counting, signalling, callbacks,
 * waiting and debug output for struct dma_fence.
 */

#include <linux/atomic.h>
#include <linux/dma-fence.h>
#include <linux/export.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#define CREATE_TRACE_POINTS
#include <trace/events/dma_fence.h>

/*
 * The core fires these itself, but drivers that arm or complete fences on
 * paths of their own fire them too ...
 */
EXPORT_TRACEPOINT_SYMBOL(dma_fence_enable_signal);
EXPORT_TRACEPOINT_SYMBOL(dma_fence_signaled);
/* ... while this one is only ever fired by drivers. */
EXPORT_TRACEPOINT_SYMBOL(dma_fence_emit);

/**
 * DOC: DMA fences overview
 *
 * A &struct dma_fence stands for a piece of asynchronous work, typically
 * submitted to a device: a GPU batch, a video decode, a display flip, a
 * copy engine transfer. It starts out pending and is completed exactly
 * once, by dma_fence_signal() or one of its variants, optionally carrying
 * an error code set beforehand with dma_fence_set_error(). Other drivers,
 * other processes and the CPU can hold on to the fence, ask whether it has
 * completed, sleep until it does, or have a function called when it does.
 *
 * Every fence belongs to a timeline, identified by &dma_fence.context.
 * Drivers reserve timeline numbers with dma_fence_context_alloc(), usually
 * one per hardware queue or per engine that makes progress independently.
 * Along one timeline the fences complete in the order of their
 * &dma_fence.seqno, so of two fences sharing a context the later one
 * implies the earlier one; dma_fence_is_later() and dma_fence_later() rely
 * on this. Fences of different timelines have no order.
 *
 * Fences travel between users in several ways:
 *
 * - Explicitly, one fence at a time: sync_file_create() wraps a fence in a
 *   &sync_file that user space passes around as a file descriptor.
 *
 * - Explicitly, through a subsystem specific container whose fence may be
 *   swapped over time, such as &drm_syncobj.
 *
 * - Implicitly, attached to a buffer: every &dma_buf carries a
 *   &struct dma_resv (&dma_buf.resv) that collects the fences of all work
 *   still using the buffer, and importers wait on those.
 *
 * A fence is reference counted (dma_fence_get(), dma_fence_put()) and, by
 * default, freed through RCU, which lets lookups such as the ones in
 * &struct dma_resv run under rcu_read_lock() alone.
 */

/**
 * DOC: fence locking and memory ordering
 *
 * Every fence points to a spinlock, &dma_fence.lock, which the issuing
 * driver provides and often shares between all fences of a timeline. It
 * is taken with interrupts disabled, because fences commonly complete from
 * interrupt handlers. The core changes the state of a fence only under it:
 *
 * - Completion is one critical section. %DMA_FENCE_FLAG_SIGNALED_BIT goes
 *   from clear to set, the callback list is detached, the timestamp is
 *   stored and %DMA_FENCE_FLAG_TIMESTAMP_BIT set, and then every callback
 *   runs, in the order the callbacks were added, before the lock is
 *   dropped. This holds for every way of signalling, whether signalling
 *   was armed or not: callbacks that a driver put on &dma_fence.cb_list
 *   itself, under the lock, run too.
 * - Callbacks are added and removed under it.
 * - &dma_fence_ops.enable_signaling runs under it, at most once per fence.
 *
 * What holding the lock therefore guarantees:
 *
 * - The fence cannot complete through the core while the lock is held: a
 *   caller of dma_fence_signal() or of dma_fence_is_signaled() (which may
 *   signal after polling &dma_fence_ops.signaled) spins on the lock until
 *   it is released. Code that checks dma_fence_is_signaled_locked() and
 *   then calls dma_fence_set_error() under the lock, as amdgpu and nouveau
 *   do, can rely on the fence still being pending at the store; an
 *   enable_signaling hook likewise sees the fence pending while it runs.
 * - A holder that sees the signalled bit set by the core also sees the
 *   timestamp.
 * - The default wait, dma_fence_remove_callback(),
 *   dma_fence_enable_sw_signaling() and dma_fence_get_status() all take
 *   the lock, so when they find a fence complete that the core signalled,
 *   the callbacks of that completion have finished: an object that a
 *   callback uses may be freed once the wait returns. A driver's own
 *   &dma_fence_ops.wait gives whatever guarantee that driver gives, and
 *   dma_fence_is_signaled(), dma_fence_wait_any_timeout() with a zero
 *   timeout and the early -%ENOENT return of dma_fence_add_callback() look
 *   at the bit alone and give none.
 *
 * One issuer reaches past this: i915 sets the signalled bit of its own
 * fences with an atomic bit operation outside the lock, and detaches and
 * runs the list later, under the lock. The core copes: a waiter decides
 * whether its callback is still queued by looking at the callback's own
 * list node, never at the bit.
 *
 * Reading the state does not need the lock. The flags are only changed
 * with atomic bit operations, so a single bit test answers "has this fence
 * completed?", and queries such as dma_fence_is_signaled() only take the
 * lock when a driver's poll reports completion and they signal. What such
 * a lock-free reader may conclude is fixed by these pairings:
 *
 * - Completion is published by the fully ordered test_and_set_bit() on
 *   %DMA_FENCE_FLAG_SIGNALED_BIT. Lock-free readers test the bit with
 *   test_bit_acquire(); a reader that sees it set therefore also sees
 *   everything the signaller wrote before, notably &dma_fence.error. This
 *   is why the error must be set before signalling.
 *
 * - The completion time shares storage with the callback list and is only
 *   written after the list has been detached, i.e. after the signalled bit
 *   is set. It is then published by smp_mb__before_atomic() followed by
 *   set_bit(%DMA_FENCE_FLAG_TIMESTAMP_BIT), and dma_fence_timestamp() spins
 *   on that bit with test_bit_acquire() before loading the value. The spin
 *   is short: the core sets both bits in one critical section of the
 *   fence lock (i915, which signals by hand, in its signalling irq work).
 *
 * - A sleeping waiter is a callback like any other. Because callbacks run
 *   under the lock and the waiter sets its task state under the same lock
 *   before it sleeps, the wake-up cannot be lost. dma_fence_wait_any_timeout()
 *   waits without the lock; there the full barrier in set_current_state()
 *   orders the task state against the flag tests, and pairs with the
 *   ordering of test_and_set_bit() and of wake_up_state() on the signal side.
 *   It then takes each fence's lock to remove its callbacks.
 *
 * - Fences looked up under RCU may be recycled (SLAB_TYPESAFE_BY_RCU) by
 *   their issuer. dma_fence_init() therefore writes all fields before it
 *   sets the reference count, separated by smp_wmb(), and
 *   dma_fence_get_rcu_safe() upgrades its successful reference grab to an
 *   ACQUIRE before it checks that the pointer still designates that fence.
 *
 * The lock is also what callbacks run under. A callback must not sleep,
 * must not take &dma_fence.lock of the same fence (nor of any fence that
 * shares it), and has to be careful with any other lock, because the
 * signaller may hold arbitrary locks of its own when it signals. It may
 * signal other fences with locks of their own, drop references, and free
 * the memory its &struct dma_fence_cb lives in.
 */

/**
 * DOC: fence cross-driver contract
 *
 * A fence issued by one driver is routinely waited upon by another: the
 * display driver waits for a render driver, the memory manager waits for
 * all of them before it can evict or free a buffer. These waits only work
 * if every driver plays by the same rules, and the rules cannot be checked
 * by testing every pairing of drivers, so they are spelled out here:
 *
 * - A fence must complete in bounded time. If it depends on something that
 *   can run indefinitely, such as a user supplied shader, the driver needs
 *   a timeout and a recovery path (reset the engine, or at least stop new
 *   submissions and force every outstanding fence to complete, with an
 *   error). What "bounded" means is up to the issuer; waiters must not
 *   second guess it with timeouts of their own.
 *
 * - Signalling must never depend on anything that can itself wait for a
 *   fence. Everything needed to reach dma_fence_signal() is therefore
 *   annotated with dma_fence_begin_signalling() and
 *   dma_fence_end_signalling(), so that lockdep checks this rule (see the
 *   next section).
 *
 * - dma_fence_wait() may be called with dma_resv_lock() held, so the path
 *   to signalling may not take any &dma_resv lock, nor anything ordered
 *   inside one.
 *
 * - dma_fence_wait() may be called from &shrinker callbacks and from
 *   &mmu_notifier and &mmu_interval_notifier callbacks. Consequently the
 *   path to signalling must not allocate memory with GFP_KERNEL (which
 *   could enter reclaim), nor take locks that are held around such
 *   allocations or around notifier invalidation.
 *
 * - Every fence must eventually be signalled, also when its work is
 *   cancelled, the device is unplugged, or the issuer hits an error;
 *   dma_fence_set_error() reports the failure.
 *
 * Part of this is checked at run time. With CONFIG_LOCKDEP,
 * dma_fence_wait_timeout() tells lockdep about every wait, and the
 * &dma_resv code teaches lockdep the reservation, reclaim and notifier
 * lock order at boot, so a single driver exercising its own paths is
 * enough to find violations against all the others.
 */

/**
 * DOC: fence signalling annotation
 *
 * Lockdep cannot see that dma_fence_wait() depends on some other thread
 * reaching dma_fence_signal(): there is no lock the waiter and the
 * signaller both take. A classic deadlock therefore goes unreported. One
 * thread does::
 *
 *	mutex_lock(&obj->lock);
 *	dma_fence_wait(fence, false);
 *	mutex_unlock(&obj->lock);
 *
 * while the thread that is supposed to complete that fence does::
 *
 *	mutex_lock(&obj->lock);
 *	...
 *	mutex_unlock(&obj->lock);
 *	dma_fence_signal(fence);
 *
 * To make such cycles visible, the code between the moment a fence becomes
 * reachable by others and the moment it is signalled is bracketed as a
 * signalling critical section::
 *
 *	bool cookie = dma_fence_begin_signalling();
 *
 *	... everything that is needed to complete the fence ...
 *
 *	dma_fence_end_signalling(cookie);
 *
 * Internally the section holds a lockdep map as a reader, while every wait
 * acquires the same map as a writer. Any lock that is held around a wait
 * and also taken within a section then closes a cycle lockdep reports,
 * whether or not the deadlock actually happened.
 *
 * Guidelines for placing the annotations:
 *
 * - Cover the whole path: from publishing the fence (installing it in a
 *   &dma_resv, a &sync_file, a syncobj ...) through scheduler, interrupt and
 *   completion worker, up to dma_fence_signal(). Publishing into a
 *   &dma_resv already starts the section, since readers only need RCU to
 *   find the fence, even before dma_resv_unlock() is called.
 *
 * - Paths that signal only opportunistically, where some other guaranteed
 *   path would complete the fence anyway, need not be annotated.
 *
 * - Sections nest freely and may be used in any context; the cookie
 *   returned by dma_fence_begin_signalling() records whether this call
 *   actually entered the section, and must be handed back to
 *   dma_fence_end_signalling().
 *
 * - dma_fence_signal() annotates itself, so signalling outside of a
 *   section still checks the callbacks it runs.
 */

/**
 * DOC: deadline hints
 *
 * Devices whose clocks follow their own load make bad choices for some
 * workloads. When the CPU and the device take turns waiting for each other,
 * both appear partly idle and both slow down. When a GPU renders for a
 * display that flips on vblank, a missed vblank makes the GPU sit idle for
 * a whole frame, which looks like a reason to lower its clock when raising
 * it is what would help.
 *
 * A waiter can therefore tell the issuer by when it would like a fence to
 * complete, with dma_fence_set_deadline() (user space reaches it through
 * the sync_file and syncobj interfaces). The deadline is an absolute
 * CLOCK_MONOTONIC time; one that has already passed means "now". Several
 * waiters may set deadlines, concurrently even, and the issuer should honour
 * the earliest. See &dma_fence_ops.set_deadline.
 *
 * A deadline is advice only. The issuer may raise clocks, reorder work, or
 * ignore it entirely, and waiters must not rely on any of these.
 */

/* ---------------------------------------------------------------------- */
/* Timelines */

/*
 * Timeline numbers handed out so far. Zero is never handed out: it is the
 * timeline of the stub fences below.
 */
static atomic64_t dma_fence_next_context = ATOMIC64_INIT(1);

/**
 * dma_fence_context_alloc - reserve timeline numbers
 * @num: how many consecutive numbers to reserve, at least one
 *
 * Fences that share a context must complete in seqno order. Drivers reserve
 * one context per independent queue, typically at initialisation.
 *
 * Return: the first of @num consecutive, never before used context numbers.
 */
u64 dma_fence_context_alloc(unsigned int num)
{
	WARN_ON(!num);
	return atomic64_add_return(num, &dma_fence_next_context) - num;
}
EXPORT_SYMBOL(dma_fence_context_alloc);

/* ---------------------------------------------------------------------- */
/* Stub fences: already complete when handed out */

static DEFINE_SPINLOCK(dma_fence_stub_lock);
static struct dma_fence dma_fence_stub;
static bool dma_fence_stub_ready;

static const char *dma_fence_stub_name(struct dma_fence *fence)
{
	return "stub";
}

static const struct dma_fence_ops dma_fence_stub_ops = {
	.get_driver_name = dma_fence_stub_name,
	.get_timeline_name = dma_fence_stub_name,
};

/* Turn @fence into a completed stub; dma_fence_stub_lock must be held. */
static void dma_fence_make_stub(struct dma_fence *fence, ktime_t timestamp)
{
	dma_fence_init(fence, &dma_fence_stub_ops, &dma_fence_stub_lock, 0, 0);
	/* Nothing to arm; flag it so the enable path never runs. */
	set_bit(DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT, &fence->flags);
	dma_fence_signal_timestamp_locked(fence, timestamp);
}

/**
 * dma_fence_allocate_private_stub - allocate a completed fence of one's own
 * @timestamp: completion time to record in the fence
 *
 * Like dma_fence_get_stub(), but the fence is freshly allocated, so that
 * callers which compare fence pointers or timestamps can tell it apart.
 *
 * Return: the new fence, holding one reference, or NULL when out of
 * memory.
 */
struct dma_fence *dma_fence_allocate_private_stub(ktime_t timestamp)
{
	struct dma_fence *fence = kzalloc(sizeof(*fence), GFP_KERNEL);

	if (fence) {
		guard(spinlock_irqsave)(&dma_fence_stub_lock);
		dma_fence_make_stub(fence, timestamp);
	}

	return fence;
}
EXPORT_SYMBOL(dma_fence_allocate_private_stub);

/**
 * dma_fence_get_stub - a reference to the shared, completed fence
 *
 * For callers that need some fence but have no work to wait for. The stub
 * lives forever, is on context 0 and was signalled when first requested.
 *
 * Return: a new reference to the stub fence.
 */
struct dma_fence *dma_fence_get_stub(void)
{
	/*
	 * Fast path once the stub exists. The ACQUIRE pairs with the
	 * RELEASE below, so the stub is seen initialised and signalled.
	 */
	if (!smp_load_acquire(&dma_fence_stub_ready)) {
		guard(spinlock_irqsave)(&dma_fence_stub_lock);

		/* Somebody else may have won the race for the lock. */
		if (!dma_fence_stub_ready) {
			dma_fence_make_stub(&dma_fence_stub, ktime_get());
			/* Pairs with the smp_load_acquire() above. */
			smp_store_release(&dma_fence_stub_ready, true);
		}
	}

	return dma_fence_get(&dma_fence_stub);
}
EXPORT_SYMBOL(dma_fence_get_stub);

/* ---------------------------------------------------------------------- */
/* Lockdep annotations, see "fence signalling annotation" above */

#ifdef CONFIG_LOCKDEP
static struct lockdep_map dma_fence_lockdep_map = {
	.name = "dma_fence_map"
};

/* Is the current context inside a signalling section (map held as reader)? */
static bool dma_fence_in_signalling(void)
{
	return lock_is_held_type(&dma_fence_lockdep_map, 1);
}

/*
 * A signalling section holds the map as a non-recursive reader: readers do
 * not conflict with each other, but any writer (a wait) does.
 */
static void dma_fence_signalling_enter(unsigned long ip)
{
	lock_acquire_shared(&dma_fence_lockdep_map, 0, 0, NULL, ip);
}

static void dma_fence_signalling_leave(unsigned long ip)
{
	lock_release(&dma_fence_lockdep_map, ip);
}

/**
 * dma_fence_begin_signalling - enter a signalling critical section
 *
 * Marks the start of code that some fence's completion depends on. See the
 * "fence signalling annotation" overview for where to place it.
 *
 * Return: an opaque cookie for dma_fence_end_signalling().
 */
bool dma_fence_begin_signalling(void)
{
	/*
	 * An enclosing section already covers nested ones. In atomic
	 * context (a non-zero preempt count: interrupt, softirq, spinlock
	 * held) nothing may wait, which might_sleep() enforces already;
	 * taking the map from an interrupt would moreover make lockdep flag
	 * every ordinary wait, done with interrupts on, as irq-unsafe.
	 * A true cookie tells the end call that nothing was acquired.
	 */
	if (dma_fence_in_signalling() || preempt_count())
		return true;

	dma_fence_signalling_enter(_RET_IP_);
	return false;
}
EXPORT_SYMBOL(dma_fence_begin_signalling);

/**
 * dma_fence_end_signalling - leave a signalling critical section
 * @cookie: what the matching dma_fence_begin_signalling() returned
 */
void dma_fence_end_signalling(bool cookie)
{
	if (!cookie)
		dma_fence_signalling_leave(_RET_IP_);
}
EXPORT_SYMBOL(dma_fence_end_signalling);

/*
 * Record "this context may wait for a fence": acquire the map as a writer,
 * so lockdep learns that every lock held right now is held around a wait.
 * A caller inside a signalling section would trip over its own reader
 * hold, so that hold is set aside for the moment and taken again after.
 */
void __dma_fence_might_wait(void)
{
	bool nested = dma_fence_in_signalling();

	if (nested)
		dma_fence_signalling_leave(_THIS_IP_);

	lock_map_acquire(&dma_fence_lockdep_map);
	lock_map_release(&dma_fence_lockdep_map);

	if (nested)
		dma_fence_signalling_enter(_THIS_IP_);
}
#endif

/* ---------------------------------------------------------------------- */
/* Signalling */

/*
 * The callback list and the timestamp share storage, so the timestamp can
 * only be written after the list has been detached.
 */
static void dma_fence_publish_timestamp(struct dma_fence *fence,
					ktime_t timestamp)
{
	fence->timestamp = timestamp;
	/* Value before bit: pairs with test_bit_acquire() in dma_fence_timestamp(). */
	smp_mb__before_atomic();
	set_bit(DMA_FENCE_FLAG_TIMESTAMP_BIT, &fence->flags);
}

/* Run the detached callbacks; fence->lock is still held. */
static void dma_fence_run_callbacks(struct dma_fence *fence,
				    struct list_head *pending)
{
	struct dma_fence_cb *cb, *next;

	list_for_each_entry_safe(cb, next, pending, node) {
		/*
		 * Unlink before the call: the callback may free @cb, and a
		 * later dma_fence_remove_callback() must find it detached.
		 */
		INIT_LIST_HEAD(&cb->node);
		cb->func(fence, cb);
	}
}

/* Everything after the transition to "signalled"; fence->lock held. */
static void dma_fence_finish_locked(struct dma_fence *fence, ktime_t timestamp)
{
	LIST_HEAD(pending);

	list_splice_init(&fence->cb_list, &pending);
	dma_fence_publish_timestamp(fence, timestamp);
	trace_dma_fence_signaled(fence);
	dma_fence_run_callbacks(fence, &pending);
}

/**
 * dma_fence_signal_timestamp_locked - complete a fence, lock held, given time
 * @fence: the fence to complete
 * @timestamp: completion time to record, in the CLOCK_MONOTONIC domain
 *
 * Marks @fence as completed, records @timestamp and then runs all callbacks
 * in the order they were added. The caller holds &dma_fence.lock, with
 * interrupts disabled; the callbacks run under it.
 *
 * Return: 0 on success, -EINVAL if the fence had already completed (in
 * which case nothing changes).
 */
int dma_fence_signal_timestamp_locked(struct dma_fence *fence,
				      ktime_t timestamp)
{
	lockdep_assert_held(fence->lock);

	/*
	 * The one transition to "signalled". The RMW is fully ordered, which
	 * is what lock-free readers of the bit rely on (see the overview).
	 */
	if (unlikely(test_and_set_bit(DMA_FENCE_FLAG_SIGNALED_BIT, &fence->flags)))
		return -EINVAL;

	dma_fence_finish_locked(fence, timestamp);
	return 0;
}
EXPORT_SYMBOL(dma_fence_signal_timestamp_locked);

/**
 * dma_fence_signal_locked - complete a fence, lock held
 * @fence: the fence to complete
 *
 * dma_fence_signal() for callers that already hold &dma_fence.lock, e.g.
 * because they complete a whole timeline's worth of fences at once.
 *
 * Return: 0 on success, -EINVAL if the fence had already completed.
 */
int dma_fence_signal_locked(struct dma_fence *fence)
{
	return dma_fence_signal_timestamp_locked(fence, ktime_get());
}
EXPORT_SYMBOL(dma_fence_signal_locked);

/**
 * dma_fence_signal_timestamp - complete a fence with a given time
 * @fence: the fence to complete, may be NULL
 * @timestamp: completion time to record, in the CLOCK_MONOTONIC domain
 *
 * Like dma_fence_signal(), for drivers that know when the hardware actually
 * finished, e.g. from a timestamp written by the device.
 *
 * Return: 0 on success, -EINVAL if @fence is NULL or had already completed.
 */
int dma_fence_signal_timestamp(struct dma_fence *fence, ktime_t timestamp)
{
	unsigned long flags;
	int ret;

	if (!fence)
		return -EINVAL;

	spin_lock_irqsave(fence->lock, flags);
	ret = dma_fence_signal_timestamp_locked(fence, timestamp);
	spin_unlock_irqrestore(fence->lock, flags);

	return ret;
}
EXPORT_SYMBOL(dma_fence_signal_timestamp);

/**
 * dma_fence_signal - complete a fence
 * @fence: the fence to complete, may be NULL
 *
 * Records the current time as completion time, wakes all waiters and runs
 * all callbacks, in the order they were added. Safe to call from any
 * context, including hard interrupts. Completing a fence twice is a no-op
 * that reports an error.
 *
 * Return: 0 on success, -EINVAL if @fence is NULL or had already completed.
 */
int dma_fence_signal(struct dma_fence *fence)
{
	unsigned long flags;
	bool cookie;
	int ret;

	if (!fence)
		return -EINVAL;

	/* Whatever the callbacks do is part of completing the fence. */
	cookie = dma_fence_begin_signalling();
	spin_lock_irqsave(fence->lock, flags);
	ret = dma_fence_signal_timestamp_locked(fence, ktime_get());
	spin_unlock_irqrestore(fence->lock, flags);
	dma_fence_end_signalling(cookie);

	return ret;
}
EXPORT_SYMBOL(dma_fence_signal);

/* ---------------------------------------------------------------------- */
/* Arming signalling and callbacks */

/*
 * Make sure that the driver will signal @fence, calling its
 * enable_signaling hook the first time only. Called with fence->lock held.
 * Returns false if the fence has completed, possibly right here because the
 * driver declined to arm signalling; true otherwise, which includes a hook
 * that marked the fence signalled itself and still returned true (i915
 * does, and then runs the list from its own irq work).
 *
 * The enable bit goes up before the signalled bit is looked at, with a
 * fully ordered RMW on every call, even when it is set already, so that
 * each caller's test of the signalled bit is ordered after its own earlier
 * stores. Lock-free readers of the enable bit, such as dma_fence_array's
 * poll, rely on the hook not having run yet while it is clear.
 */
static bool dma_fence_arm_signaling(struct dma_fence *fence)
{
	const struct dma_fence_ops *ops = fence->ops;
	bool armed_before;

	lockdep_assert_held(fence->lock);

	armed_before = test_and_set_bit(DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT,
					&fence->flags);
	if (test_bit(DMA_FENCE_FLAG_SIGNALED_BIT, &fence->flags))
		return false;
	if (armed_before || !ops->enable_signaling)
		return true;

	trace_dma_fence_enable_signal(fence);
	if (ops->enable_signaling(fence))
		return true;

	dma_fence_signal_locked(fence);
	return false;
}

/**
 * dma_fence_enable_sw_signaling - make sure a fence will be signalled
 * @fence: the fence
 *
 * Calls &dma_fence_ops.enable_signaling unless that already happened (or
 * the fence already completed), so that dma_fence_is_signaled() eventually
 * reports completion without anybody waiting. Waiting and adding callbacks
 * do this implicitly.
 */
void dma_fence_enable_sw_signaling(struct dma_fence *fence)
{
	/*
	 * Always through the lock, even when the enable bit is already set:
	 * the bit goes up before &dma_fence_ops.enable_signaling runs, and
	 * callers rely on the hook having finished, and on the callbacks of
	 * a concurrent signalling having run, once this returns.
	 */
	guard(spinlock_irqsave)(fence->lock);
	dma_fence_arm_signaling(fence);
}
EXPORT_SYMBOL(dma_fence_enable_sw_signaling);

/**
 * dma_fence_add_callback - run a function when a fence completes
 * @fence: the fence to watch
 * @cb: caller owned registration, usually embedded in a larger structure
 * @func: the function to run
 *
 * Arms signalling (see dma_fence_enable_sw_signaling()) and queues @cb.
 * @func later runs from dma_fence_signal(), possibly in interrupt context
 * and always with &dma_fence.lock held, so it must not sleep or take that
 * lock. Callbacks run in the order they were added. @cb must stay valid
 * until it has run or dma_fence_remove_callback() has taken it back.
 *
 * If the fence has already completed nothing is queued, but @cb->node is
 * still initialised, so a later dma_fence_remove_callback() is harmless.
 *
 * Return: 0 if @cb was queued, -ENOENT if the fence had already completed,
 * -EINVAL if @fence or @func is NULL.
 */
int dma_fence_add_callback(struct dma_fence *fence, struct dma_fence_cb *cb,
			   dma_fence_func_t func)
{
	if (WARN_ON(!fence || !func))
		return -EINVAL;

	/* Completed fences never need the lock. */
	if (!__dma_fence_test_signaled(fence)) {
		guard(spinlock_irqsave)(fence->lock);

		if (dma_fence_arm_signaling(fence)) {
			cb->func = func;
			list_add_tail(&cb->node, &fence->cb_list);
			return 0;
		}
	}

	/* Nothing queued: leave @cb safe for dma_fence_remove_callback(). */
	INIT_LIST_HEAD(&cb->node);
	return -ENOENT;
}
EXPORT_SYMBOL(dma_fence_add_callback);

/**
 * dma_fence_remove_callback - take back a callback that has not run yet
 * @fence: the fence @cb was added to
 * @cb: the registration
 *
 * After this returns, @func of @cb is not running and will not run (if it
 * already ran, it ran to completion under the fence lock), so @cb may be
 * freed. The decision is made by looking at @cb's own list node, never at
 * the signalled bit, which a driver may set before detaching the list.
 * Typical use is a waiter giving up on a timeout or signal.
 *
 * Return: true if @cb was still queued and has been removed, false if it
 * already ran or was never queued.
 */
bool dma_fence_remove_callback(struct dma_fence *fence,
			       struct dma_fence_cb *cb)
{
	guard(spinlock_irqsave)(fence->lock);

	/* Run callbacks and failed registrations have an empty node. */
	if (list_empty(&cb->node))
		return false;

	list_del_init(&cb->node);
	return true;
}
EXPORT_SYMBOL(dma_fence_remove_callback);

/* ---------------------------------------------------------------------- */
/* Waiting */

/* A task sleeping on one or more fences, woken from their callbacks. */
struct dma_fence_sleeper {
	struct dma_fence_cb cb;
	struct task_struct *task;
};

static void dma_fence_wake_sleeper(struct dma_fence *fence,
				   struct dma_fence_cb *cb)
{
	struct dma_fence_sleeper *sleeper =
		container_of(cb, struct dma_fence_sleeper, cb);

	wake_up_state(sleeper->task, TASK_NORMAL);
}

static unsigned int dma_fence_sleep_state(bool intr)
{
	return intr ? TASK_INTERRUPTIBLE : TASK_UNINTERRUPTIBLE;
}

/* Did a signal cut short a sleep that still had time left? */
static bool dma_fence_sleep_interrupted(bool intr, signed long left)
{
	return intr && left > 0 && signal_pending(current);
}

/*
 * Sleep until @fence completes, @timeout jiffies pass or (with @intr) a
 * signal arrives. Entered and left with fence->lock held (irqsave, state in
 * @flags); the fence is known to be pending and @timeout to be positive.
 */
static signed long dma_fence_sleep_locked(struct dma_fence *fence, bool intr,
					  signed long timeout,
					  unsigned long *flags)
{
	struct dma_fence_sleeper sleeper = {
		.cb.func = dma_fence_wake_sleeper,
		.task = current,
	};

	/*
	 * Go to the front of the list: waking a task is quick, while the
	 * callbacks queued so far may not be.
	 */
	list_add(&sleeper.cb.node, &fence->cb_list);

	while (timeout > 0 &&
	       !test_bit(DMA_FENCE_FLAG_SIGNALED_BIT, &fence->flags)) {
		/*
		 * The wake-up can only come from a callback, which runs under
		 * fence->lock; setting the state before dropping the lock
		 * means it cannot slip in between check and sleep.
		 */
		__set_current_state(dma_fence_sleep_state(intr));
		spin_unlock_irqrestore(fence->lock, *flags);

		timeout = schedule_timeout(timeout);

		spin_lock_irqsave(fence->lock, *flags);
		if (dma_fence_sleep_interrupted(intr, timeout))
			timeout = -ERESTARTSYS;
	}
	__set_current_state(TASK_RUNNING);

	/*
	 * Judge by our own node, not by the signalled bit: i915 sets the bit
	 * before it detaches the list, and a sleeper that left its on-stack
	 * node queued would be called after its frame is gone. A node that
	 * was run or detached has been re-initialised, empty.
	 */
	if (!list_empty(&sleeper.cb.node))
		list_del(&sleeper.cb.node);

	return timeout;
}

/*
 * The default wait, from the first look at the fence to the end of the
 * sleep, inside one critical section of fence->lock (irqsave, state in
 * @flags). Taking the lock is what makes the waiter return only after the
 * signaller has left its critical section, i.e. after every callback of
 * the signalling has finished: callers free objects those callbacks use
 * as soon as the wait returns.
 */
static signed long dma_fence_wait_locked(struct dma_fence *fence, bool intr,
					 signed long timeout,
					 unsigned long *flags)
{
	if (test_bit(DMA_FENCE_FLAG_SIGNALED_BIT, &fence->flags))
		return timeout ? timeout : 1;
	if (intr && signal_pending(current))
		return -ERESTARTSYS;
	if (!timeout)
		return 0;
	return dma_fence_sleep_locked(fence, intr, timeout, flags);
}

/**
 * dma_fence_default_wait - the standard way of sleeping on a fence
 * @fence: the fence to wait for
 * @intr: whether a signal may interrupt the sleep
 * @timeout: upper bound in jiffies, or MAX_SCHEDULE_TIMEOUT
 *
 * Used by dma_fence_wait_timeout() for every fence without its own
 * &dma_fence_ops.wait, and called directly by a few drivers (i915's reset
 * path, for instance). It does not arm signalling: dma_fence_wait_timeout() has done that, and a
 * driver calling it directly decides for itself. It always takes
 * &dma_fence.lock, also for a fence that has completed, so that it
 * returns only after the callbacks of that completion have run.
 *
 * Return: the remaining jiffies (at least 1) once the fence has completed,
 * 1 for a completed fence and a zero @timeout, 0 if the time ran out, or
 * -ERESTARTSYS if @intr was set and a signal arrived.
 */
signed long dma_fence_default_wait(struct dma_fence *fence, bool intr,
				   signed long timeout)
{
	unsigned long flags;
	signed long ret;

	spin_lock_irqsave(fence->lock, flags);
	ret = dma_fence_wait_locked(fence, intr, timeout, &flags);
	spin_unlock_irqrestore(fence->lock, flags);

	return ret;
}
EXPORT_SYMBOL(dma_fence_default_wait);

/* Waiting sleeps and, for the signalling annotations, is a fence wait. */
static void dma_fence_annotate_wait(void)
{
	might_sleep();
	__dma_fence_might_wait();
}

/*
 * Arm, trace, then wait through the driver's own (deprecated) wait or the
 * default one, as separate steps: the driver's wait expects to be called
 * without the lock, and so does a probe on the wait_start tracepoint.
 */
static signed long dma_fence_two_step_wait(struct dma_fence *fence, bool intr,
					   signed long timeout)
{
	const struct dma_fence_ops *ops = fence->ops;
	signed long ret;

	dma_fence_enable_sw_signaling(fence);
	trace_dma_fence_wait_start(fence);
	if (ops->wait)
		ret = ops->wait(fence, intr, timeout);
	else
		ret = dma_fence_default_wait(fence, intr, timeout);
	trace_dma_fence_wait_end(fence);

	return ret;
}

/**
 * dma_fence_wait_timeout - sleep until a fence completes, with a time limit
 * @fence: the fence; the caller must hold a reference for the duration
 * @intr: whether a signal may interrupt the sleep
 * @timeout: upper bound in jiffies, or MAX_SCHEDULE_TIMEOUT; not negative
 *
 * Arms signalling and sleeps, using the driver's &dma_fence_ops.wait if it
 * has one and dma_fence_default_wait() otherwise. This may sleep, and is
 * recorded as a wait for the signalling annotations.
 *
 * Return: the remaining jiffies (at least 1) once the fence has completed,
 * 0 if the time ran out, -ERESTARTSYS if @intr was set and a signal
 * arrived, -EINVAL for a negative @timeout. Custom wait implementations
 * may return other negative errors.
 */
signed long dma_fence_wait_timeout(struct dma_fence *fence, bool intr,
				   signed long timeout)
{
	unsigned long flags;
	signed long ret;

	if (WARN_ON(timeout < 0))
		return -EINVAL;

	dma_fence_annotate_wait();
	if (fence->ops->wait || trace_dma_fence_wait_start_enabled())
		return dma_fence_two_step_wait(fence, intr, timeout);

	/*
	 * Arming and the default wait share one critical section, where
	 * dma_fence_enable_sw_signaling() followed by dma_fence_default_wait()
	 * would take the lock twice. Nobody can tell: the hook and the checks
	 * run in the same order, in the same context and under the same lock,
	 * and the merged section is simply the interleaving in which nobody
	 * else took the lock in between. The one thing that would differ is
	 * the context of the wait_start tracepoint, whose probes expect to run
	 * without the lock, between the two sections; while it is enabled,
	 * the two-step path above keeps it there.
	 */
	spin_lock_irqsave(fence->lock, flags);
	dma_fence_arm_signaling(fence);
	trace_dma_fence_wait_start(fence);
	ret = dma_fence_wait_locked(fence, intr, timeout, &flags);
	spin_unlock_irqrestore(fence->lock, flags);
	trace_dma_fence_wait_end(fence);

	return ret;
}
EXPORT_SYMBOL(dma_fence_wait_timeout);

/*
 * Find the first completed fence in @fences and store its index in @idx
 * (if given). With @poll the drivers are asked as well (which can complete
 * fences); without, only the signalled bits are looked at.
 */
static bool dma_fence_find_signaled(struct dma_fence **fences, u32 count,
				    bool poll, u32 *idx)
{
	u32 i;

	for (i = 0; i < count; i++) {
		struct dma_fence *fence = fences[i];
		bool done;

		if (poll)
			done = dma_fence_is_signaled(fence);
		else
			done = __dma_fence_test_signaled(fence);
		if (!done)
			continue;

		if (idx)
			*idx = i;
		return true;
	}

	return false;
}

/*
 * Sleep until any of @fences completes. A sleeper is queued on every fence,
 * so all of them know to wake us; here no fence lock is held.
 */
static signed long dma_fence_sleep_any(struct dma_fence **fences, u32 count,
				       bool intr, signed long timeout,
				       u32 *idx)
{
	while (timeout > 0) {
		/*
		 * set_current_state() orders the state store before the flag
		 * tests; a signaller sets the bit before it wakes us, so
		 * either we see the bit or the wake-up makes us runnable.
		 */
		set_current_state(dma_fence_sleep_state(intr));
		if (dma_fence_find_signaled(fences, count, false, idx))
			break;

		timeout = schedule_timeout(timeout);
		if (dma_fence_sleep_interrupted(intr, timeout))
			timeout = -ERESTARTSYS;
	}
	__set_current_state(TASK_RUNNING);

	return timeout;
}

/**
 * dma_fence_wait_any_timeout - sleep until one of several fences completes
 * @fences: array of fences to wait for
 * @count: number of entries in @fences, at least one
 * @intr: whether a signal may interrupt the sleep
 * @timeout: upper bound in jiffies, or MAX_SCHEDULE_TIMEOUT; not negative
 * @idx: if not NULL, receives the index of a completed fence
 *
 * Custom &dma_fence_ops.wait implementations are bypassed: this waits via
 * callbacks, which also arms signalling on each fence. With a zero
 * @timeout it only checks, without arming anything. @idx is only written
 * when a completed fence was found.
 *
 * Return: the remaining jiffies (at least 1) once a fence has completed,
 * 1 if a fence had completed and @timeout was 0, 0 if the time ran out,
 * -ERESTARTSYS if @intr was set and a signal arrived, -ENOMEM if the
 * wait could not be set up, -EINVAL for bad arguments.
 */
signed long dma_fence_wait_any_timeout(struct dma_fence **fences, u32 count,
				       bool intr, signed long timeout, u32 *idx)
{
	struct dma_fence_sleeper *sleepers;
	signed long ret = timeout;
	u32 queued;

	if (WARN_ON(!fences || !count || timeout < 0))
		return -EINVAL;

	if (!timeout)
		return dma_fence_find_signaled(fences, count, true, idx) ? 1 : 0;

	sleepers = kcalloc(count, sizeof(*sleepers), GFP_KERNEL);
	if (!sleepers)
		return -ENOMEM;

	for (queued = 0; queued < count; queued++) {
		sleepers[queued].task = current;
		if (dma_fence_add_callback(fences[queued], &sleepers[queued].cb,
					   dma_fence_wake_sleeper))
			break;
	}

	if (queued < count) {
		/* That fence had completed already: no need to sleep. */
		if (idx)
			*idx = queued;
	} else {
		ret = dma_fence_sleep_any(fences, count, intr, timeout, idx);
	}

	while (queued--)
		dma_fence_remove_callback(fences[queued], &sleepers[queued].cb);
	kfree(sleepers);

	return ret;
}
EXPORT_SYMBOL(dma_fence_wait_any_timeout);

/* ---------------------------------------------------------------------- */
/* Release */

/**
 * dma_fence_free - default way of freeing a fence
 * @fence: a kmalloc()ed fence without references left
 *
 * The memory is returned only after an RCU grace period, since lookups
 * under rcu_read_lock() may still be looking at it. Custom
 * &dma_fence_ops.release implementations for fences embedded in a larger
 * structure must provide the same guarantee for that structure.
 */
void dma_fence_free(struct dma_fence *fence)
{
	kfree_rcu(fence, rcu);
}
EXPORT_SYMBOL(dma_fence_free);

/*
 * A fence that dies unsignalled while callbacks still wait for it points to
 * a reference counting bug in its issuer. Complete it with an error rather
 * than leaving the callbacks (and whoever waits behind them) hanging.
 */
static void dma_fence_abandon(struct dma_fence *fence)
{
	const struct dma_fence_ops *ops = fence->ops;

	/* Once signalled, the list storage holds the timestamp: test first. */
	if (test_bit(DMA_FENCE_FLAG_SIGNALED_BIT, &fence->flags) ||
	    list_empty(&fence->cb_list))
		return;

	WARN(1, "dma_fence %s:%s:%llx:%llx freed with callbacks pending\n",
	     ops->get_driver_name(fence), ops->get_timeline_name(fence),
	     fence->context, fence->seqno);

	guard(spinlock_irqsave)(fence->lock);
	fence->error = -EDEADLK;
	dma_fence_signal_locked(fence);
}

/**
 * dma_fence_release - free a fence whose last reference is gone
 * @kref: &dma_fence.refcount of the fence
 *
 * Called by dma_fence_put(), not directly. Hands the fence to
 * &dma_fence_ops.release, or to dma_fence_free() if there is none.
 */
void dma_fence_release(struct kref *kref)
{
	struct dma_fence *fence = container_of(kref, struct dma_fence,
					       refcount);
	const struct dma_fence_ops *ops = fence->ops;

	trace_dma_fence_destroy(fence);
	dma_fence_abandon(fence);

	if (!ops->release) {
		dma_fence_free(fence);
		return;
	}
	ops->release(fence);
}
EXPORT_SYMBOL(dma_fence_release);

/* ---------------------------------------------------------------------- */
/* Queries and hints */

/**
 * dma_fence_get_status - completion status of a fence
 * @fence: the fence to query
 *
 * Return: 0 while the fence is pending, 1 if it completed successfully, or
 * the negative error code it completed with.
 */
int dma_fence_get_status(struct dma_fence *fence)
{
	/*
	 * Under the lock even once signalled: like a wait, the answer comes
	 * only after the callbacks of the completion have run.
	 */
	guard(spinlock_irqsave)(fence->lock);
	return dma_fence_get_status_locked(fence);
}
EXPORT_SYMBOL(dma_fence_get_status);

/**
 * dma_fence_set_deadline - tell the issuer when the fence is needed
 * @fence: the fence
 * @deadline: CLOCK_MONOTONIC time by which completion is wanted
 *
 * Passed on to &dma_fence_ops.set_deadline unless the fence has already
 * completed or the driver does not care. See "deadline hints" above.
 */
void dma_fence_set_deadline(struct dma_fence *fence, ktime_t deadline)
{
	const struct dma_fence_ops *ops = fence->ops;

	if (!ops->set_deadline || dma_fence_is_signaled(fence))
		return;
	ops->set_deadline(fence, deadline);
}
EXPORT_SYMBOL(dma_fence_set_deadline);

/**
 * dma_fence_describe - print a one line summary of a fence
 * @fence: the fence
 * @seq: where to print
 *
 * Prints driver name, timeline name, seqno and completion state, for
 * debugfs files. The format is relied upon by readers of those files.
 */
void dma_fence_describe(struct dma_fence *fence, struct seq_file *seq)
{
	const char *state = dma_fence_is_signaled(fence) ?
			    "signalled" : "unsignalled";

	seq_printf(seq, "%s %s seq %llu %s\n",
		   fence->ops->get_driver_name(fence),
		   fence->ops->get_timeline_name(fence),
		   fence->seqno, state);
}
EXPORT_SYMBOL(dma_fence_describe);

/* ---------------------------------------------------------------------- */
/* Initialisation */

/**
 * dma_fence_init - set up a new fence
 * @fence: the fence, embedded in driver memory
 * @ops: the driver's implementation; names are mandatory
 * @lock: spinlock protecting the fence, often shared by a whole timeline
 * @context: timeline from dma_fence_context_alloc()
 * @seqno: position on that timeline
 *
 * The fence starts out pending, without error, holding one reference that
 * belongs to the caller.
 */
void dma_fence_init(struct dma_fence *fence, const struct dma_fence_ops *ops,
		    spinlock_t *lock, u64 context, u64 seqno)
{
	/* Driver bugs: the fence could neither be locked nor named. */
	WARN_ON(!lock);
	WARN_ON(!ops || !ops->get_driver_name || !ops->get_timeline_name);

	fence->lock = lock;
	fence->ops = ops;
	INIT_LIST_HEAD(&fence->cb_list);
	fence->context = context;
	fence->seqno = seqno;
	fence->flags = 0;
	fence->error = 0;

	/*
	 * The memory may be a recycled fence that RCU readers still probe.
	 * Their reference grab only succeeds once the count is non-zero, so
	 * make the fields visible first; pairs with the ACQUIRE in
	 * dma_fence_get_rcu_safe().
	 */
	smp_wmb();
	kref_init(&fence->refcount);

	trace_dma_fence_init(fence);
}
EXPORT_SYMBOL(dma_fence_init);

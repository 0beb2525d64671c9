// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fence arrays: one &struct dma_fence that completes when all (or any) of
 * a fixed set of member fences have completed.
 */

#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <linux/atomic.h>
#include <linux/dma-fence-array.h>
#include <linux/export.h>
#include <linux/overflow.h>
#include <linux/slab.h>

#include "dma-buf-kunit-hooks.h"

/**
 * DOC: fence array invariants
 *
 * A &struct dma_fence_array owns one reference to each of its members and
 * signals once &dma_fence_array.num_pending members have completed: all of
 * them, or just one when created with signal_on_any. Nothing is hooked onto
 * the members until somebody needs the array to signal on its own (a
 * waiter, a callback, dma_fence_enable_sw_signaling()); before that,
 * dma_fence_is_signaled() answers by looking at the members directly.
 *
 * Once signalling is enabled the following holds:
 *
 * - Every member callback that is registered holds one reference to the
 *   array, so the array outlives all callbacks that can still run. So does
 *   every queued run of &dma_fence_array.work; a kick that finds a run
 *   already queued drops its own reference instead (see array_kick()).
 *
 * - Each completed member decrements @num_pending exactly once. The
 *   decrement that reaches zero, and only that one, settles the array and
 *   arranges for it to signal; with signal_on_any the counter starts at one
 *   and later completions take it below zero, which is harmless.
 *
 * - While the array is unsettled, &dma_fence.error holds a positive
 *   placeholder that no real error code can take. A member's error is
 *   offered before its decrement and replaces the placeholder with a
 *   compare-and-exchange, so the first error wins and later ones are
 *   dropped. The completion that settles the array then turns a surviving
 *   placeholder into 0, again with a compare-and-exchange. From then on the
 *   field never matches the placeholder, so members completing later
 *   (signal_on_any) cannot change the outcome, not even before the irq_work
 *   got round to signalling. All these atomics are fully ordered, so the
 *   settling completion sees every error offered before it.
 *
 * - "First" means first noticed: callbacks notice completions in the order
 *   they happen, while members found completed when signalling is enabled,
 *   or by a poll before that, are noticed in index order.
 *
 * The array itself is never signalled from inside a member's callback.
 * That callback runs with the member's lock held, possibly deep inside
 * another array's signalling; it only counts, and the signalling proper
 * runs from &dma_fence_array.work. A stack of nested arrays therefore
 * completes one irq_work run per level instead of one stack frame per
 * level.
 *
 * Members that are themselves containers (arrays or chains) get the same
 * treatment at the other two places where nesting could recurse: their
 * callbacks are installed from the irq_work rather than under our own fence
 * lock (installing one calls into the member's enable_signaling with its
 * lock held, and all arrays share one lock class), and an array holding
 * such members is freed from the irq_work too, so dropping the last
 * reference to a deep nest does not release it recursively. Polling looks
 * at a container member's signalled bit only and never calls into it, and
 * deadline hints are passed to plain members only. Arrays of plain fences
 * take none of these detours.
 */

/*
 * Private bits in &dma_fence.flags; this file is the "driver" of the
 * array fence, so the user bits are ours.
 */
enum {
	/* some member is an array or a chain */
	ARRAY_HAS_CONTAINERS = DMA_FENCE_FLAG_USER_BITS,
	/* the irq_work still has to hook onto the container members */
	ARRAY_HOOK_CONTAINERS,
	/* the last reference is gone, the irq_work frees the array */
	ARRAY_FREE_DEFERRED,
};

/* Placeholder in &dma_fence.error while no member has failed yet. */
#define ARRAY_NO_ERROR_YET	1

static struct dma_fence_array *array_of(struct dma_fence *fence)
{
	return container_of(fence, struct dma_fence_array, base);
}

static bool array_flag(struct dma_fence_array *array, int bit)
{
	return test_bit(bit, &array->base.flags);
}

/* First error wins; a zero @error and a closed error field change nothing. */
static void array_note_error(struct dma_fence_array *array, int error)
{
	if (error)
		cmpxchg(&array->base.error, ARRAY_NO_ERROR_YET, error);
}

/* Freeze the error field right before the array signals. */
static void array_close_error(struct dma_fence_array *array)
{
	cmpxchg(&array->base.error, ARRAY_NO_ERROR_YET, 0);
}

/*
 * Hand one reference on the array to its irq_work. A queueing attempt
 * fails only while a run is already queued and not yet started; that run
 * holds a reference of its own and, since irq_work guarantees that a run
 * starting after a failed attempt observes everything stored before the
 * attempt, it will act on whatever made us kick. Our reference is then
 * surplus.
 */
static void array_kick(struct dma_fence_array *array)
{
	if (!irq_work_queue(&array->work))
		dma_fence_put(&array->base);
}

/*
 * Account for one completed member; true for the completion that settles
 * the array, which also closes the error field.
 */
static bool array_count_member(struct dma_fence_array *array, int error)
{
	array_note_error(array, error);
	if (!atomic_dec_and_test(&array->num_pending))
		return false;

	array_close_error(array);
	return true;
}

/* A member completed and its callback ran (under the member's lock). */
static void array_member_done(struct dma_fence *member, struct dma_fence_cb *cb)
{
	struct dma_fence_array_cb *slot =
		container_of(cb, struct dma_fence_array_cb, cb);
	struct dma_fence_array *array = slot->array;

	if (array_count_member(array, member->error))
		array_kick(array);	/* the slot's reference moves on */
	else
		dma_fence_put(&array->base);
}

/*
 * Register the callback for member @i, backed by a new reference on the
 * array. If the member has already completed, account for it here and
 * return true when that used up the last pending count.
 */
static bool array_hook_member(struct dma_fence_array *array, unsigned int i)
{
	struct dma_fence *member = array->fences[i];
	struct dma_fence_array_cb *slot = &array->callbacks[i];

	slot->array = array;
	dma_fence_get(&array->base);
	if (!dma_fence_add_callback(member, &slot->cb, array_member_done))
		return false;

	/*
	 * -ENOENT: the member completed. The add saw its signalled bit with
	 * ACQUIRE (or under its lock), pairing with the signaller's fully
	 * ordered test_and_set_bit(), so the member's error is final here.
	 */
	dma_fence_put(&array->base);	/* never the last: the caller has one */
	return array_count_member(array, member->error);
}

static void array_free_now(struct dma_fence_array *array)
{
	unsigned int i;

	for (i = 0; i < array->num_fences; i++)
		dma_fence_put(array->fences[i]);
	kfree(array->fences);
	/* RCU-delayed: lockless readers may still look at the fence. */
	dma_fence_free(&array->base);
}

/*
 * The array's irq_work, run in hard interrupt context without any fence
 * lock held. It holds one reference on the array, except in the final
 * freeing run, which owns what is left of it.
 */
static void array_work(struct irq_work *work)
{
	struct dma_fence_array *array =
		container_of(work, struct dma_fence_array, work);
	unsigned int i;

	if (array_flag(array, ARRAY_FREE_DEFERRED)) {
		array_free_now(array);
		return;
	}

	if (test_and_clear_bit(ARRAY_HOOK_CONTAINERS, &array->base.flags)) {
		/*
		 * Stop once settled (signal_on_any); counting down to zero
		 * here is caught by the test below.
		 */
		for (i = 0; i < array->num_fences; i++) {
			if (atomic_read(&array->num_pending) <= 0)
				break;
			if (dma_fence_is_container(array->fences[i]))
				array_hook_member(array, i);
		}
	}

	/* Settled (the error is closed already): a repeat is a no-op. */
	if (atomic_read(&array->num_pending) <= 0)
		dma_fence_signal(&array->base);
	dma_fence_put(&array->base);
}

static const char *array_driver_name(struct dma_fence *fence)
{
	return "dma_fence_array";
}

static const char *array_timeline_name(struct dma_fence *fence)
{
	return "unbound";
}

/*
 * Called once, with our fence lock held. Plain members are hooked right
 * away; if some of them have already completed and that settles the
 * array, returning false makes the core signal it on the spot. Container
 * members are left to the irq_work, see the DOC section above.
 */
static bool array_enable_signaling(struct dma_fence *fence)
{
	struct dma_fence_array *array = array_of(fence);
	unsigned int i;

	for (i = 0; i < array->num_fences; i++) {
		if (dma_fence_is_container(array->fences[i]))
			continue;
		if (array_hook_member(array, i))
			return false;	/* settled: the core signals us */
	}

	if (array_flag(array, ARRAY_HAS_CONTAINERS)) {
		set_bit(ARRAY_HOOK_CONTAINERS, &array->base.flags);
		dma_fence_get(&array->base);
		array_kick(array);
	}
	return true;
}

static bool array_member_signaled(struct dma_fence *member)
{
	if (dma_fence_is_container(member))
		return test_bit_acquire(DMA_FENCE_FLAG_SIGNALED_BIT,
					&member->flags);
	return dma_fence_is_signaled(member);
}

/*
 * Polled by dma_fence_is_signaled(), possibly with our fence lock held.
 *
 * The counter is read before the enable bit. Once the enable bit is set
 * the callbacks do the counting and the counter alone is the answer. If
 * the bit is still clear, no callback has been registered yet, so nothing
 * has decremented the counter we read (the core sets the bit before
 * calling array_enable_signaling(), and the ACQUIRE keeps the bit test
 * after the read), and we count completed members against that value on a
 * local copy. Only a poll that finds the array settled offers member
 * errors, in index order.
 */
static bool array_signaled(struct dma_fence *fence)
{
	struct dma_fence_array *array = array_of(fence);
	int left = atomic_read_acquire(&array->num_pending);
	unsigned int i, seen;

	if (array_flag(array, DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT)) {
		if (left > 0)
			return false;
		goto settled;
	}

	for (seen = 0; seen < array->num_fences && left > 0; seen++) {
		if (array_member_signaled(array->fences[seen]))
			left--;
	}
	if (left > 0)
		return false;

	for (i = 0; i < seen; i++) {
		struct dma_fence *member = array->fences[i];

		/* ACQUIRE: the error is final once the bit is seen. */
		if (test_bit_acquire(DMA_FENCE_FLAG_SIGNALED_BIT, &member->flags))
			array_note_error(array, member->error);
	}
settled:
	array_close_error(array);
	return true;
}

static void array_release(struct dma_fence *fence)
{
	struct dma_fence_array *array = array_of(fence);

	if (!array_flag(array, ARRAY_HAS_CONTAINERS)) {
		array_free_now(array);
		return;
	}

	/*
	 * No reference is left, and every queued run of the irq_work holds
	 * one, so the work is idle or finishing the run that dropped the last
	 * reference; either way it can be queued once more, to free us.
	 */
	set_bit(ARRAY_FREE_DEFERRED, &array->base.flags);
	irq_work_queue(&array->work);
}

/*
 * Only plain members get the hint: forwarding into a container would
 * recurse once per nesting level.
 */
static void array_set_deadline(struct dma_fence *fence, ktime_t deadline)
{
	struct dma_fence_array *array = array_of(fence);
	unsigned int i;

	for (i = 0; i < array->num_fences; i++) {
		if (!dma_fence_is_container(array->fences[i]))
			dma_fence_set_deadline(array->fences[i], deadline);
	}
}

/*
 * The implementation behind every fence array; exported because
 * dma_fence_is_array() compares against its address.
 */
const struct dma_fence_ops dma_fence_array_ops = {
	.get_driver_name = array_driver_name,
	.get_timeline_name = array_timeline_name,
	.enable_signaling = array_enable_signaling,
	.signaled = array_signaled,
	.release = array_release,
	.set_deadline = array_set_deadline,
};
EXPORT_SYMBOL(dma_fence_array_ops);

/**
 * dma_fence_array_alloc_mem - the memory behind every fence array
 * @bytes: size wanted, SIZE_MAX for a request that overflowed
 *
 * The one place where fence arrays get their memory, kept apart so that
 * KUnit suites can make it fail (see kunit_activate_static_stub()); static
 * to this file in kernels without KUnit. Never warns, not even for sizes
 * no allocator could satisfy.
 *
 * Return: @bytes of zeroed memory, or NULL.
 */
VISIBLE_IF_KUNIT void *dma_fence_array_alloc_mem(size_t bytes)
{
	KUNIT_STATIC_STUB_REDIRECT(dma_fence_array_alloc_mem, bytes);
	return kzalloc(bytes, GFP_KERNEL | __GFP_NOWARN);
}
EXPORT_SYMBOL_IF_KUNIT(dma_fence_array_alloc_mem);

/**
 * dma_fence_array_alloc - allocate an uninitialised fence array
 * @num_fences: number of member fences the array will hold
 *
 * Memory only; dma_fence_array_init() turns it into a fence. Splitting the
 * two lets a caller allocate up front and initialise later on a path that
 * must not allocate, such as fence signalling or memory reclaim. Memory
 * that never gets initialised is released with kfree().
 *
 * Return: the zeroed allocation, or NULL when @num_fences is negative or
 * the memory is not available.
 */
struct dma_fence_array *dma_fence_array_alloc(int num_fences)
{
	struct dma_fence_array *array;

	if (num_fences < 0)
		return NULL;

	/* Saturates on overflow; huge requests fail quietly. */
	return dma_fence_array_alloc_mem(struct_size(array, callbacks,
						     num_fences));
}
EXPORT_SYMBOL(dma_fence_array_alloc);

/**
 * dma_fence_array_init - turn preallocated memory into a fence array
 * @array: memory from dma_fence_array_alloc() for at least @num_fences
 * @num_fences: number of entries in @fences, at least one
 * @fences: kmalloc()ed array of member fences
 * @context: fence context for the array, see dma_fence_context_alloc()
 * @seqno: sequence number of the array within @context
 * @signal_on_any: signal as soon as one member completes, instead of
 *	waiting for all of them
 *
 * The allocation-free half of dma_fence_array_create(); the rules given
 * there apply. Does not allocate memory.
 */
void dma_fence_array_init(struct dma_fence_array *array,
			  int num_fences, struct dma_fence **fences,
			  u64 context, unsigned int seqno,
			  bool signal_on_any)
{
	int i;

	/* An empty array is a caller bug; it then counts as complete. */
	WARN_ON(num_fences <= 0 || !fences);

	array->num_fences = num_fences;
	array->fences = fences;
	spin_lock_init(&array->lock);
	init_irq_work(&array->work, array_work);
	atomic_set(&array->num_pending, signal_on_any ? 1 : num_fences);

	dma_fence_init(&array->base, &dma_fence_array_ops, &array->lock,
		       context, seqno);
	array->base.error = ARRAY_NO_ERROR_YET;

	for (i = 0; fences && i < num_fences; i++) {
		if (dma_fence_is_container(fences[i]))
			set_bit(ARRAY_HAS_CONTAINERS, &array->base.flags);
	}
}
EXPORT_SYMBOL(dma_fence_array_init);

/**
 * dma_fence_array_create - build a fence standing for a set of fences
 * @num_fences: number of entries in @fences, at least one
 * @fences: kmalloc()ed array of member fences
 * @context: fence context for the array, see dma_fence_context_alloc()
 * @seqno: sequence number of the array within @context
 * @signal_on_any: signal as soon as one member completes, instead of
 *	waiting for all of them
 *
 * On success the array takes over @fences together with the reference to
 * each fence in it: it drops those references and kfree()s @fences when
 * its own last reference goes. On failure both stay with the caller.
 *
 * The array completes with the error of the member that failed first, or
 * successfully if none did. Members may already be signalled, and may be
 * arrays or chains themselves, although flattening them out (see
 * dma_fence_unwrap_merge()) gives cheaper fences.
 *
 * Return: the new array holding one reference for the caller, or NULL if
 * memory ran out.
 */
struct dma_fence_array *dma_fence_array_create(int num_fences,
					       struct dma_fence **fences,
					       u64 context, unsigned int seqno,
					       bool signal_on_any)
{
	struct dma_fence_array *array = dma_fence_array_alloc(num_fences);

	if (array)
		dma_fence_array_init(array, num_fences, fences, context, seqno,
				     signal_on_any);
	return array;
}
EXPORT_SYMBOL(dma_fence_array_create);

/**
 * dma_fence_match_context - whether a fence lies entirely on one timeline
 * @fence: a fence, possibly a fence array
 * @context: the fence context to compare with
 *
 * For a fence array every member is compared (one level deep), for any
 * other fence the fence itself.
 *
 * Return: true if all fences compared belong to @context.
 */
bool dma_fence_match_context(struct dma_fence *fence, u64 context)
{
	struct dma_fence_array *array = to_dma_fence_array(fence);
	unsigned int i;

	if (!array)
		return fence->context == context;

	for (i = 0; i < array->num_fences; i++) {
		if (array->fences[i]->context != context)
			return false;
	}
	return true;
}
EXPORT_SYMBOL(dma_fence_match_context);

/**
 * dma_fence_array_first - start of a dma_fence_array_for_each() walk
 * @head: a fence array, any other fence, or NULL
 *
 * Return: the first member when @head is a fence array (NULL for an empty
 * one), @head itself for any other fence, NULL for NULL. No reference is
 * taken.
 */
struct dma_fence *dma_fence_array_first(struct dma_fence *head)
{
	struct dma_fence_array *array = to_dma_fence_array(head);

	if (!array)
		return head;

	return array->num_fences ? array->fences[0] : NULL;
}
EXPORT_SYMBOL(dma_fence_array_first);

/**
 * dma_fence_array_next - step of a dma_fence_array_for_each() walk
 * @head: the fence given to dma_fence_array_first()
 * @index: position of the member wanted
 *
 * Return: member @index of @head when @head is a fence array with more
 * than @index members, NULL otherwise (a plain fence has nothing after
 * position 0). No reference is taken.
 */
struct dma_fence *dma_fence_array_next(struct dma_fence *head,
				       unsigned int index)
{
	struct dma_fence_array *array = to_dma_fence_array(head);

	if (array && index < array->num_fences)
		return array->fences[index];

	return NULL;
}
EXPORT_SYMBOL(dma_fence_array_next);

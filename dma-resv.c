// SPDX-License-Identifier: GPL-2.0-only
/*
 * dma_resv: the fences that guard a shared buffer.
 *
 * Writers serialise on a ww_mutex; readers walk the fence list under RCU
 * without taking any lock. How the two sides stay coherent is explained in
 * the overview below, and every barrier in this file refers back to it.
 */

#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <linux/dma-fence-array.h>
#include <linux/dma-resv.h>
#include <linux/export.h>
#include <linux/fs.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>

#include "dma-buf-kunit-hooks.h"

/**
 * DOC: Reservation Object Overview
 *
 * A reservation object (&struct dma_resv) records which operations are
 * still using a resource, normally a buffer: each operation is a
 * &struct dma_fence, stored together with an &enum dma_resv_usage that
 * says how the operation uses the resource. There is no limit on the
 * number of fences, but at most one entry per fence context is kept where
 * possible: a newer fence of a timeline takes over the entry of an older
 * one.
 *
 * Changing the set of fences requires &dma_resv.lock, a ww_mutex of
 * &reservation_ww_class, so that many objects can be locked together
 * without ordering rules. Room for new fences is set aside first with
 * dma_resv_reserve_fences(), which may allocate and fail; the fences are
 * then added with dma_resv_add_fence(), which cannot fail and may be used
 * after the point of no return of a submission.
 *
 * Readers do not need the lock. dma_resv_for_each_fence_unlocked() and the
 * helpers built on it (dma_resv_get_fences(), dma_resv_wait_timeout(),
 * dma_resv_test_signaled(), ...) look at the fences under RCU and take a
 * reference on each fence they hand out; when they notice a concurrent
 * change they start over, as dma_resv_iter_is_restarted() reports.
 *
 * The fences live in a private array, the list, that is published through
 * &dma_resv.fences. Each entry (a slot) holds a fence pointer with the
 * usage class in its two low bits, so that a reader always sees a fence
 * together with its own class. Next to the slots the list keeps the number
 * of slots in use (count) and, for the writer only, how many fit (room).
 * These invariants hold at all times:
 *
 * I1. Only the holder of &dma_resv.lock changes the list or replaces it.
 *
 * I2. A list is complete before it becomes visible: every slot below count
 *     is filled and count is set, and only then is the pointer stored with
 *     rcu_assign_pointer() (or rcu_replace_pointer()). Readers load it with
 *     rcu_dereference(), which pairs with that release store, so they see
 *     the initialised contents.
 *
 * I3. Once published, the count of a list never decreases, and every slot
 *     below it holds a non-NULL fence on which the list owns a reference.
 *     Fences are dropped only by overwriting their slot or by retiring the
 *     whole list after a successor has been published.
 *
 * I4. Appending fills slot[count] first and then raises count with a
 *     store-release. Readers load count with a load-acquire before they
 *     read any slot. The pair guarantees that a reader which sees the new
 *     count also sees the new slot; with a plain store a reader could see
 *     the count first, load the slot's old contents (even NULL) and use a
 *     fence that was never put there.
 *
 * I5. A slot that readers may already see is overwritten with a
 *     store-release, so that everything the writer did to the incoming
 *     fence (taking its reference, and whatever its issuer did before
 *     handing it over) is visible before the pointer. Only afterwards is the
 *     reference on the outgoing fence dropped. A reader that still loaded
 *     the outgoing pointer is covered by RCU: fence memory is freed after a
 *     grace period at the earliest (see dma_fence_free()). The reader then
 *     takes a reference only if the count is not zero yet, and reloads the
 *     slot after an smp_rmb(): if it changed, the reference may be on a
 *     fence already dead or, with SLAB_TYPESAFE_BY_RCU fences, on a
 *     recycled one, so it is dropped and the slot read again. The smp_rmb()
 *     pairs with the release store of the slot, which the final put of the
 *     outgoing fence (and so any recycling) follows in the writer.
 *
 * I6. Room is written and read by the lock holder only; readers never look
 *     past count. Growing therefore always builds a new list (I2); it never
 *     reallocates one in place.
 *
 * I7. A fence replaces the entry of another one only if both belong to the
 *     same context, the new class is not higher than the old one, and the
 *     new fence is the same or completes later according to
 *     dma_fence_is_later(), which honours 32 bit wraparound and
 *     &dma_fence_ops.use_64bit_seqno. Replacing on context alone would let
 *     an older fence hide a newer one, so that waiters could go ahead
 *     before the newer operation finished. The entry of a fence that has
 *     already signalled may be reused for any new fence.
 *
 * Unlocked walks remember which list they started on, and how many slots
 * it had then. Whenever the list pointer no longer matches, the walk starts
 * over on the current list. By I3 to I5, a walk that does not start over
 * reports each of those slots once, with the fence it holds when the walk
 * gets there, unless that fence has signalled or is of a class not asked
 * for. Slots appended meanwhile are left to the next walk.
 */

/*
 * The lock class of every reservation object. It is a wait-die class, as
 * DEFINE_WD_CLASS() would declare it: a younger acquire context that runs
 * into a lock held by an older one backs off with -EDEADLK.
 */
struct ww_class reservation_ww_class =
	__WW_CLASS_INITIALIZER(reservation_ww_class, 1);
EXPORT_SYMBOL(reservation_ww_class);

/* The low bits of a slot that carry the usage class. */
#define DMA_RESV_SLOT_USAGE	3UL

/*
 * Fences are at least 4 byte aligned (they hold pointers and are allocated
 * or embedded accordingly), which leaves the two low bits free.
 */
static_assert(DMA_RESV_USAGE_BOOKKEEP <= DMA_RESV_SLOT_USAGE);

/*
 * The fence list. @count is what readers may look at (I3, I4); @room is
 * the writer's business alone (I6). Retired lists go through @rcu.
 */
struct dma_resv_list {
	struct rcu_head rcu;
	u32 count;
	u32 room;
	unsigned long slot[];
};

static unsigned long dma_resv_slot_pack(struct dma_fence *fence,
					enum dma_resv_usage usage)
{
	return (unsigned long)fence | (unsigned long)usage;
}

static struct dma_fence *dma_resv_slot_fence(unsigned long slot)
{
	return (struct dma_fence *)(slot & ~DMA_RESV_SLOT_USAGE);
}

static enum dma_resv_usage dma_resv_slot_usage(unsigned long slot)
{
	return (enum dma_resv_usage)(slot & DMA_RESV_SLOT_USAGE);
}

/* The current list, for the lock holder (I1). */
static struct dma_resv_list *dma_resv_writer_list(struct dma_resv *obj)
{
	return rcu_dereference_protected(obj->fences, dma_resv_held(obj));
}

/**
 * dma_resv_list_new - allocate a fence list
 * @want: how many fences the list must have room for, at least
 * @gfp: allocation flags
 *
 * The list comes back empty and unpublished. Requests that no kmalloc()
 * bucket could hold fail here, quietly, rather than in the page allocator
 * with a warning. Every fence list is made here, which is why KUnit suites
 * redirect this function (see kunit_activate_static_stub()) to make
 * reserving or copying fail; it is static to this file in kernels without
 * KUnit.
 *
 * Return: the new list, or NULL.
 */
VISIBLE_IF_KUNIT struct dma_resv_list *dma_resv_list_new(unsigned int want,
							 gfp_t gfp)
{
	struct dma_resv_list *list;
	size_t bytes = struct_size(list, slot, want);
	size_t fits;

	KUNIT_STATIC_STUB_REDIRECT(dma_resv_list_new, want, gfp);
	if (bytes > KMALLOC_MAX_SIZE)
		return NULL;

	/* Whatever the bucket has to spare becomes extra room. */
	bytes = kmalloc_size_roundup(bytes);
	list = kmalloc(bytes, gfp);
	if (!list)
		return NULL;

	fits = (bytes - offsetof(struct dma_resv_list, slot)) /
	       sizeof(list->slot[0]);
	list->room = min_t(size_t, fits, U32_MAX);
	list->count = 0;
	return list;
}
EXPORT_SYMBOL_IF_KUNIT(dma_resv_list_new);

/*
 * Drop every reference @list holds and free it once RCU readers are done
 * with it. For lists that are unreachable or about to become so.
 */
static void dma_resv_list_release(struct dma_resv_list *list)
{
	u32 n;

	if (!list)
		return;

	for (n = list->count; n; n--)
		dma_fence_put(dma_resv_slot_fence(list->slot[n - 1]));
	kfree_rcu(list, rcu);
}

/*
 * @old has just been replaced by @heir, which took over a subset of its
 * slots in their original order; the others held signalled fences. Put
 * the references that were not carried over and free @old after a grace
 * period. A greedy in-order match is enough even if a fence occupies
 * several slots: whichever of equal slots is matched, the number of
 * references put per fence comes out right.
 */
static void dma_resv_list_retire(struct dma_resv_list *old,
				 struct dma_resv_list *heir)
{
	u32 kept = 0, n;

	for (n = 0; n < old->count; n++) {
		if (kept < heir->count && heir->slot[kept] == old->slot[n]) {
			kept++;
			continue;
		}
		dma_fence_put(dma_resv_slot_fence(old->slot[n]));
	}
	kfree_rcu(old, rcu);
}

/*
 * Publish a list with room for at least @want fences in place of the
 * current one. Signalled fences are left behind on the way, which keeps
 * busy objects from accumulating dead entries.
 */
static int dma_resv_grow(struct dma_resv *obj, unsigned int want, gfp_t gfp)
{
	struct dma_resv_list *cur = dma_resv_writer_list(obj);
	struct dma_resv_list *heir = NULL;
	unsigned int target = max(want, 4U);
	u32 n;

	/* Grow geometrically where possible, so that appends amortise. */
	if (cur && cur->room < U32_MAX / 2)
		heir = dma_resv_list_new(max(target, 2 * cur->room), gfp);
	if (!heir)
		heir = dma_resv_list_new(target, gfp);
	if (!heir)
		return -ENOMEM;

	for (n = 0; cur && n < cur->count; n++) {
		unsigned long slot = cur->slot[n];

		if (!dma_fence_is_signaled(dma_resv_slot_fence(slot)))
			heir->slot[heir->count++] = slot;
	}

	/* I2: the release store makes the copied slots and count visible. */
	rcu_assign_pointer(obj->fences, heir);
	if (cur)
		dma_resv_list_retire(cur, heir);
	return 0;
}

/**
 * dma_resv_init - set up a reservation object
 * @obj: the reservation object
 *
 * Initialises the lock and starts out with no fences.
 */
void dma_resv_init(struct dma_resv *obj)
{
	RCU_INIT_POINTER(obj->fences, NULL);
	ww_mutex_init(&obj->lock, &reservation_ww_class);
}
EXPORT_SYMBOL(dma_resv_init);

/**
 * dma_resv_fini - tear down a reservation object
 * @obj: the reservation object
 *
 * Drops the references on all remaining fences. Nobody may use @obj any
 * more, neither with the lock nor through the unlocked iterators.
 */
void dma_resv_fini(struct dma_resv *obj)
{
	/* Unreachable now, so neither the lock nor RCU is needed. */
	dma_resv_list_release(rcu_dereference_protected(obj->fences, 1));
	RCU_INIT_POINTER(obj->fences, NULL);
	ww_mutex_destroy(&obj->lock);
}
EXPORT_SYMBOL(dma_resv_fini);

/**
 * dma_resv_reserve_fences - make room for fences about to be added
 * @obj: the reservation object, locked with dma_resv_lock()
 * @num_fences: how many dma_resv_add_fence() calls have to succeed
 *
 * Afterwards @num_fences fences can be added to @obj without allocating.
 * The room lasts only while the lock is held: after dma_resv_unlock() it
 * has to be reserved again, which kernels with CONFIG_DEBUG_MUTEXES
 * enforce. Asking for no room at all is a caller bug and warns.
 *
 * Return: 0 on success, -EINVAL for @num_fences == 0, or -ENOMEM, also
 * when the request is larger than any list could be.
 */
int dma_resv_reserve_fences(struct dma_resv *obj, unsigned int num_fences)
{
	struct dma_resv_list *cur;
	unsigned int want;

	dma_resv_assert_held(obj);

	/* Zero usually means the caller got its count wrong. */
	if (WARN_ON(!num_fences))
		return -EINVAL;

	cur = dma_resv_writer_list(obj);
	if (check_add_overflow(cur ? cur->count : 0, num_fences, &want))
		return -ENOMEM;
	if (cur && want <= cur->room)
		return 0;

	return dma_resv_grow(obj, want, GFP_KERNEL);
}
EXPORT_SYMBOL(dma_resv_reserve_fences);

#ifdef CONFIG_DEBUG_MUTEXES
/**
 * dma_resv_reset_max_fences - forget reserved but unused room
 * @obj: the reservation object, locked
 *
 * Called by dma_resv_unlock() in debug kernels, so that a driver adding a
 * fence without dma_resv_reserve_fences() in the same locked section gets
 * caught even when earlier room happened to be left over.
 */
void dma_resv_reset_max_fences(struct dma_resv *obj)
{
	struct dma_resv_list *list;

	dma_resv_assert_held(obj);

	list = dma_resv_writer_list(obj);
	if (list)
		list->room = list->count;	/* writer-only field, I6 */
}
EXPORT_SYMBOL(dma_resv_reset_max_fences);
#endif

/*
 * Whether the entry @slot may be taken over by @fence with @usage (I7).
 * The context test comes first: seqnos of different timelines do not
 * compare.
 */
static bool dma_resv_slot_yields(unsigned long slot, struct dma_fence *fence,
				 enum dma_resv_usage usage)
{
	struct dma_fence *held = dma_resv_slot_fence(slot);

	if (held->context == fence->context &&
	    dma_resv_slot_usage(slot) >= usage &&
	    dma_fence_is_later_or_same(fence, held))
		return true;

	return dma_fence_is_signaled(held);
}

/*
 * Last resort for a caller that did not reserve room: warn, and try to
 * grow without sleeping. If even that fails, the only way to keep the
 * dependency is to let @fence complete before returning.
 */
static bool dma_resv_add_unreserved(struct dma_resv *obj,
				    struct dma_fence *fence)
{
	struct dma_resv_list *cur = dma_resv_writer_list(obj);

	WARN_ONCE(1, "dma_resv_add_fence() without a reserved slot\n");
	if (!dma_resv_grow(obj, (cur ? cur->count : 0) + 1,
			   GFP_NOWAIT | __GFP_NOWARN))
		return true;

	dma_fence_wait(fence, false);
	dma_fence_put(fence);
	return false;
}

/**
 * dma_resv_add_fence - add a fence to a reservation object
 * @obj: the reservation object, locked with dma_resv_lock()
 * @fence: the fence; @obj takes its own reference
 * @usage: how the operation behind @fence uses the resource
 *
 * Records @fence in @obj. An entry of an older fence of the same context
 * whose class is not lower than @usage is taken over, as is the entry of
 * any fence that has signalled already; otherwise one of the slots set
 * aside by dma_resv_reserve_fences() in this locked section is used.
 *
 * Containers (&dma_fence_array, &dma_fence_chain) must not be added: add
 * the fences they contain one by one instead.
 */
void dma_resv_add_fence(struct dma_resv *obj, struct dma_fence *fence,
			enum dma_resv_usage usage)
{
	unsigned long packed = dma_resv_slot_pack(fence, usage);
	struct dma_resv_list *list;
	u32 n, used;

	dma_resv_assert_held(obj);
	WARN_ON(dma_fence_is_container(fence));

	dma_fence_get(fence);

	list = dma_resv_writer_list(obj);
	used = list ? list->count : 0;
	for (n = 0; n < used; n++) {
		unsigned long slot = list->slot[n];

		if (!dma_resv_slot_yields(slot, fence, usage))
			continue;

		/* I5: publish the new fence, then let go of the old one. */
		smp_store_release(&list->slot[n], packed);
		dma_fence_put(dma_resv_slot_fence(slot));
		return;
	}

	if (unlikely(!list || used >= list->room)) {
		if (!dma_resv_add_unreserved(obj, fence))
			return;
		list = dma_resv_writer_list(obj);
		used = list->count;
	}

	WRITE_ONCE(list->slot[used], packed);
	/* I4: readers only look at the slot once the count covers it. */
	smp_store_release(&list->count, used + 1);
}
EXPORT_SYMBOL(dma_resv_add_fence);

/**
 * dma_resv_replace_fences - substitute the fences of one context
 * @obj: the reservation object, locked with dma_resv_lock()
 * @context: the context whose fences are replaced
 * @fence: the fence taking their place
 * @usage: the class the entries get
 *
 * Every entry of @obj that belongs to @context is pointed at @fence
 * instead; entries of other contexts stay as they are. No room needs to be
 * reserved since no entry is added. This is only correct if whatever the
 * old fences stood for can no longer touch the resource once @fence has
 * signalled, for instance when a preemption fence gives way to the page
 * table update that unmaps the resource.
 */
void dma_resv_replace_fences(struct dma_resv *obj, uint64_t context,
			     struct dma_fence *fence,
			     enum dma_resv_usage usage)
{
	unsigned long packed = dma_resv_slot_pack(fence, usage);
	struct dma_resv_list *list;
	u32 n, used;

	dma_resv_assert_held(obj);

	list = dma_resv_writer_list(obj);
	used = list ? list->count : 0;
	for (n = 0; n < used; n++) {
		struct dma_fence *gone = dma_resv_slot_fence(list->slot[n]);

		if (gone->context != context)
			continue;

		dma_fence_get(fence);	/* one reference per entry */
		/* I5, as in dma_resv_add_fence(): publish, then put. */
		smp_store_release(&list->slot[n], packed);
		dma_fence_put(gone);
	}
}
EXPORT_SYMBOL(dma_resv_replace_fences);

/* Forget the fence an unlocked walk handed out last. */
static void dma_resv_iter_drop(struct dma_resv_iter *cursor)
{
	struct dma_fence *fence = cursor->fence;

	cursor->fence = NULL;
	dma_fence_put(fence);
}

/* Start an unlocked walk (over) on the current list. Under RCU. */
static void dma_resv_iter_rewind(struct dma_resv_iter *cursor)
{
	struct dma_resv_list *list = rcu_dereference(cursor->obj->fences);

	cursor->fences = list;
	cursor->index = 0;
	/* I4: pairs with the store-release of the count in add_fence. */
	cursor->num_fences = list ? smp_load_acquire(&list->count) : 0;
	cursor->is_restarted = true;
}

static bool dma_resv_iter_stale(struct dma_resv_iter *cursor)
{
	return rcu_access_pointer(cursor->obj->fences) != cursor->fences;
}

/*
 * Advance an unlocked walk to the next unsignalled fence of a wanted class
 * and take a reference on it; cursor->fence is NULL at the end. Under RCU.
 *
 * Return: false if the walk has to start over.
 */
static bool dma_resv_iter_scan(struct dma_resv_iter *cursor)
{
	struct dma_resv_list *list = cursor->fences;

	while (cursor->index < cursor->num_fences) {
		unsigned long slot = READ_ONCE(list->slot[cursor->index]);
		struct dma_fence *fence;

		if (dma_resv_slot_usage(slot) > cursor->usage) {
			cursor->index++;
			continue;
		}

		fence = dma_fence_get_rcu(dma_resv_slot_fence(slot));
		/* I5: reload the slot only after the reference attempt. */
		smp_rmb();
		if (!fence || READ_ONCE(list->slot[cursor->index]) != slot) {
			/*
			 * The slot was overwritten under us. On a retired list
			 * it never will be, so give up on that list; on the
			 * current one look at the slot's new contents.
			 */
			dma_fence_put(fence);
			if (dma_resv_iter_stale(cursor))
				return false;
			continue;
		}

		cursor->index++;
		if (dma_fence_is_signaled(fence)) {
			dma_fence_put(fence);
			continue;
		}

		cursor->fence = fence;
		cursor->fence_usage = dma_resv_slot_usage(slot);
		return true;
	}

	cursor->fence = NULL;
	return true;
}

/*
 * Find the next fence, starting over until a whole step happened on a list
 * that is still the current one. Under RCU; every pass either finishes or
 * was caused by a writer that made progress.
 */
static void dma_resv_iter_settle(struct dma_resv_iter *cursor)
{
	while (!dma_resv_iter_scan(cursor) || dma_resv_iter_stale(cursor)) {
		dma_resv_iter_drop(cursor);
		dma_resv_iter_rewind(cursor);
	}
}

/**
 * dma_resv_iter_first_unlocked - start an unlocked walk
 * @cursor: cursor prepared with dma_resv_iter_begin()
 *
 * Returns the first unsignalled fence of the cursor's classes, with a
 * reference the cursor owns until the next step or dma_resv_iter_end().
 * Continue with dma_resv_iter_next_unlocked(). The walk may restart, see
 * dma_resv_iter_is_restarted(); prefer dma_resv_iter_first() when holding
 * the lock.
 *
 * Return: the first fence, or NULL if there is none.
 */
struct dma_fence *dma_resv_iter_first_unlocked(struct dma_resv_iter *cursor)
{
	dma_resv_iter_drop(cursor);

	rcu_read_lock();
	dma_resv_iter_rewind(cursor);
	dma_resv_iter_settle(cursor);
	rcu_read_unlock();

	return cursor->fence;
}
EXPORT_SYMBOL(dma_resv_iter_first_unlocked);

/**
 * dma_resv_iter_next_unlocked - continue an unlocked walk
 * @cursor: cursor of a walk begun with dma_resv_iter_first_unlocked()
 *
 * Drops the reference on the previous fence and returns the next one, like
 * dma_resv_iter_first_unlocked(). If the object changed since the walk
 * began, the walk starts over and dma_resv_iter_is_restarted() becomes
 * true; whatever the caller gathered so far is then out of date.
 *
 * Return: the next fence, or NULL at the end.
 */
struct dma_fence *dma_resv_iter_next_unlocked(struct dma_resv_iter *cursor)
{
	dma_resv_iter_drop(cursor);

	rcu_read_lock();
	cursor->is_restarted = false;
	/* Only compared: the cursor's old list may already be gone. */
	if (dma_resv_iter_stale(cursor))
		dma_resv_iter_rewind(cursor);
	dma_resv_iter_settle(cursor);
	rcu_read_unlock();

	return cursor->fence;
}
EXPORT_SYMBOL(dma_resv_iter_next_unlocked);

/**
 * dma_resv_iter_first - start a walk with the lock held
 * @cursor: cursor prepared with dma_resv_iter_begin()
 *
 * The locked walk sees signalled fences too, takes no references and never
 * restarts. Continue with dma_resv_iter_next().
 *
 * Return: the first fence of the cursor's classes, or NULL.
 */
struct dma_fence *dma_resv_iter_first(struct dma_resv_iter *cursor)
{
	struct dma_fence *fence;

	dma_resv_assert_held(cursor->obj);

	cursor->fences = dma_resv_writer_list(cursor->obj);
	cursor->index = 0;
	fence = dma_resv_iter_next(cursor);
	cursor->is_restarted = true;
	return fence;
}
EXPORT_SYMBOL_GPL(dma_resv_iter_first);

/**
 * dma_resv_iter_next - continue a walk with the lock held
 * @cursor: cursor of a walk begun with dma_resv_iter_first()
 *
 * Return: the next fence of the cursor's classes, or NULL at the end.
 */
struct dma_fence *dma_resv_iter_next(struct dma_resv_iter *cursor)
{
	struct dma_resv_list *list = cursor->fences;

	dma_resv_assert_held(cursor->obj);

	cursor->is_restarted = false;
	cursor->num_fences = list ? list->count : 0;
	while (cursor->index < cursor->num_fences) {
		unsigned long slot = list->slot[cursor->index++];

		if (dma_resv_slot_usage(slot) <= cursor->usage) {
			cursor->fence_usage = dma_resv_slot_usage(slot);
			return dma_resv_slot_fence(slot);
		}
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(dma_resv_iter_next);

/**
 * dma_resv_copy_fences - give one object the fences of another
 * @dst: the destination, locked by the caller
 * @src: the source, read without its lock
 *
 * Replaces all fences of @dst by the unsignalled fences of @src, each with
 * its usage class. Nothing in @dst changes on failure.
 *
 * Return: 0, or -ENOMEM.
 */
int dma_resv_copy_fences(struct dma_resv *dst, struct dma_resv *src)
{
	struct dma_resv_list *staged = NULL;
	struct dma_resv_iter cursor;
	struct dma_fence *fence;

	dma_resv_assert_held(dst);

	dma_resv_iter_begin(&cursor, src, DMA_RESV_USAGE_BOOKKEEP);
	dma_resv_for_each_fence_unlocked(&cursor, fence) {
		if (dma_resv_iter_is_restarted(&cursor)) {
			/* Never published, but freeing via RCU is harmless. */
			dma_resv_list_release(staged);
			staged = dma_resv_list_new(cursor.num_fences,
						   GFP_KERNEL);
			if (!staged) {
				dma_resv_iter_end(&cursor);
				return -ENOMEM;
			}
		}

		/* A walk yields at most one fence per slot it covers. */
		if (WARN_ON_ONCE(staged->count >= staged->room))
			continue;
		staged->slot[staged->count++] =
			dma_resv_slot_pack(dma_fence_get(fence),
					   dma_resv_iter_usage(&cursor));
	}
	/*
	 * A walk that started over on a list without any fence left for
	 * us ends without running the body: what was staged is stale.
	 */
	if (dma_resv_iter_is_restarted(&cursor)) {
		dma_resv_list_release(staged);
		staged = NULL;
	}
	dma_resv_iter_end(&cursor);

	/* I2: @staged is complete; the release store publishes it. */
	dma_resv_list_release(rcu_replace_pointer(dst->fences, staged,
						  dma_resv_held(dst)));
	return 0;
}
EXPORT_SYMBOL(dma_resv_copy_fences);

static void dma_resv_put_fences(struct dma_fence **fences, unsigned int n)
{
	while (n)
		dma_fence_put(fences[--n]);
}

/**
 * dma_resv_fences_resize - size the array of a dma_resv_get_fences() snapshot
 * @fences: the current array, or NULL
 * @count: number of fence pointers needed
 *
 * krealloc() semantics: on failure @fences stays allocated and unchanged.
 * Kept apart so that KUnit suites can make snapshots fail (see
 * kunit_activate_static_stub()); static to this file in kernels without
 * KUnit.
 *
 * Return: the resized array, or NULL.
 */
VISIBLE_IF_KUNIT struct dma_fence **
dma_resv_fences_resize(struct dma_fence **fences, unsigned int count)
{
	KUNIT_STATIC_STUB_REDIRECT(dma_resv_fences_resize, fences, count);
	return krealloc_array(fences, count, sizeof(*fences), GFP_KERNEL);
}
EXPORT_SYMBOL_IF_KUNIT(dma_resv_fences_resize);

/*
 * A snapshot being taken. Up to one fence it needs no memory: objects
 * often hold a single fence of the classes asked for, and
 * dma_resv_get_singleton() can then hand out that fence as it is.
 */
struct dma_resv_snapshot {
	struct dma_fence *one;		/* the fence, while there is no array */
	struct dma_fence **fences;	/* every fence, from the second on */
	unsigned int count;
	unsigned int room;
};

/* Forget what was gathered (the walk restarted); keep the array. */
static void dma_resv_snapshot_drop(struct dma_resv_snapshot *snap)
{
	if (snap->fences)
		dma_resv_put_fences(snap->fences, snap->count);
	else
		dma_fence_put(snap->one);
	snap->one = NULL;
	snap->count = 0;
}

/*
 * Add @fence, whose reference the snapshot takes over (it stays with the
 * caller on failure); @bound is the size of the list walked.
 */
static int dma_resv_snapshot_add(struct dma_resv_snapshot *snap,
				 struct dma_fence *fence, unsigned int bound)
{
	struct dma_fence **resized;
	unsigned int room;

	if (!snap->fences && !snap->count) {
		snap->one = fence;
		snap->count = 1;
		return 0;
	}

	if (!snap->fences || snap->count == snap->room) {
		room = max(bound, snap->count + 1);
		resized = dma_resv_fences_resize(snap->fences, room);
		if (!resized)
			return -ENOMEM;
		if (!snap->fences)
			resized[0] = snap->one;	/* count is 1 here */
		snap->fences = resized;
		snap->room = room;
	}
	snap->fences[snap->count++] = fence;
	return 0;
}

/* The unsignalled fences of @obj's classes up to @usage, referenced. */
static int dma_resv_snapshot_take(struct dma_resv *obj,
				  enum dma_resv_usage usage,
				  struct dma_resv_snapshot *snap)
{
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	int err = 0;

	*snap = (struct dma_resv_snapshot) {};
	dma_resv_iter_begin(&cursor, obj, usage);
	dma_resv_for_each_fence_unlocked(&cursor, fence) {
		if (dma_resv_iter_is_restarted(&cursor))
			dma_resv_snapshot_drop(snap);
		/*
		 * Take over the walk's reference instead of taking one more
		 * and letting the walk drop its own: two atomics per fence.
		 * The next step finds nothing to drop.
		 */
		cursor.fence = NULL;
		err = dma_resv_snapshot_add(snap, fence, cursor.num_fences);
		if (err) {
			dma_fence_put(fence);
			break;
		}
	}
	/* Restarted onto nothing: the fences gathered before are stale. */
	if (err || dma_resv_iter_is_restarted(&cursor))
		dma_resv_snapshot_drop(snap);
	dma_resv_iter_end(&cursor);

	if (err || !snap->count) {
		kfree(snap->fences);
		snap->fences = NULL;
	}
	return err;
}

/**
 * dma_resv_get_fences - take a snapshot of the fences of an object
 * @obj: the reservation object; its lock is not needed
 * @usage: highest usage class to include, see enum dma_resv_usage
 * @num_fences: set to the number of fences returned
 * @fences: set to a kmalloc()ed array of the fences, or NULL if there are
 *	none; the caller puts every fence and kfree()s the array
 *
 * Collects the unsignalled fences of the requested classes, with a
 * reference on each.
 *
 * Return: 0, or -ENOMEM (then *@num_fences is 0 and *@fences is NULL).
 */
int dma_resv_get_fences(struct dma_resv *obj, enum dma_resv_usage usage,
			unsigned int *num_fences, struct dma_fence ***fences)
{
	struct dma_resv_snapshot snap;
	int err;

	*num_fences = 0;
	*fences = NULL;
	err = dma_resv_snapshot_take(obj, usage, &snap);
	if (err)
		return err;

	/* The caller wants an array even for a single fence. */
	if (snap.count && !snap.fences) {
		snap.fences = dma_resv_fences_resize(NULL, 1);
		if (!snap.fences) {
			dma_fence_put(snap.one);
			return -ENOMEM;
		}
		snap.fences[0] = snap.one;
	}

	*num_fences = snap.count;
	*fences = snap.fences;
	return 0;
}
EXPORT_SYMBOL_GPL(dma_resv_get_fences);

/**
 * dma_resv_get_singleton - one fence standing for several
 * @obj: the reservation object; its lock is not needed
 * @usage: highest usage class to include, see enum dma_resv_usage
 * @fence: set to the result, with a reference for the caller
 *
 * Without any unsignalled fence of the requested classes, *@fence is set
 * to NULL; with exactly one, to that fence; otherwise to a new
 * &dma_fence_array on a context of its own that signals once all of them
 * have. Do not add the array back to a reservation object: containers are
 * not allowed there, and tearing down nested arrays can overflow the stack.
 *
 * Return: 0, or -ENOMEM.
 */
int dma_resv_get_singleton(struct dma_resv *obj, enum dma_resv_usage usage,
			   struct dma_fence **fence)
{
	struct dma_resv_snapshot snap;
	struct dma_fence_array *merged;
	int err;

	err = dma_resv_snapshot_take(obj, usage, &snap);
	if (err)
		return err;

	/* None or one, and nothing allocated: the common case. */
	if (!snap.fences) {
		*fence = snap.one;
		return 0;
	}

	/* A restart can leave a single fence in an array. */
	if (snap.count == 1) {
		*fence = snap.fences[0];
		kfree(snap.fences);
		return 0;
	}

	/* On success the array owns both the list and the references in it. */
	merged = dma_fence_array_create(snap.count, snap.fences,
					dma_fence_context_alloc(1), 1, false);
	if (!merged) {
		dma_resv_put_fences(snap.fences, snap.count);
		kfree(snap.fences);
		return -ENOMEM;
	}

	*fence = &merged->base;
	return 0;
}
EXPORT_SYMBOL_GPL(dma_resv_get_singleton);

/**
 * dma_resv_wait_timeout - wait for the fences of an object
 * @obj: the reservation object; the caller may or may not hold its lock
 * @usage: highest usage class to wait for, see enum dma_resv_usage
 * @intr: whether a signal may interrupt the wait
 * @timeout: budget in jiffies, shared by all fences; 0 only checks
 *
 * Return: the remaining budget (at least 1, also when @timeout is 0) once
 * every fence has signalled, 0 if the budget ran out, -ERESTARTSYS if
 * interrupted, or another negative error reported by a fence's wait.
 */
long dma_resv_wait_timeout(struct dma_resv *obj, enum dma_resv_usage usage,
			   bool intr, unsigned long timeout)
{
	long budget = timeout;
	struct dma_resv_iter cursor;
	struct dma_fence *fence;
	long status = 1;

	dma_resv_iter_begin(&cursor, obj, usage);
	dma_resv_for_each_fence_unlocked(&cursor, fence) {
		status = dma_fence_wait_timeout(fence, intr, budget);
		if (status <= 0)
			break;
		/* A poll (budget 0) stays a poll for the other fences. */
		if (budget)
			budget = status;
	}
	dma_resv_iter_end(&cursor);

	if (status <= 0)
		return status;
	return budget ? budget : 1;
}
EXPORT_SYMBOL_GPL(dma_resv_wait_timeout);

/**
 * dma_resv_set_deadline - pass a deadline hint on to the fences
 * @obj: the reservation object; its lock is not needed
 * @usage: highest usage class concerned, see enum dma_resv_usage
 * @deadline: CLOCK_MONOTONIC time by which completion is wanted
 *
 * Calls dma_fence_set_deadline() for every unsignalled fence of the
 * requested classes.
 */
void dma_resv_set_deadline(struct dma_resv *obj, enum dma_resv_usage usage,
			   ktime_t deadline)
{
	struct dma_resv_iter cursor;
	struct dma_fence *fence;

	dma_resv_iter_begin(&cursor, obj, usage);
	dma_resv_for_each_fence_unlocked(&cursor, fence)
		dma_fence_set_deadline(fence, deadline);
	dma_resv_iter_end(&cursor);
}
EXPORT_SYMBOL_GPL(dma_resv_set_deadline);

/**
 * dma_resv_test_signaled - check whether an object is idle
 * @obj: the reservation object; the caller may or may not hold its lock
 * @usage: highest usage class to check, see enum dma_resv_usage
 *
 * Return: true if every fence of the requested classes has signalled.
 */
bool dma_resv_test_signaled(struct dma_resv *obj, enum dma_resv_usage usage)
{
	struct dma_resv_iter cursor;
	bool idle;

	dma_resv_iter_begin(&cursor, obj, usage);
	idle = !dma_resv_iter_first_unlocked(&cursor);
	dma_resv_iter_end(&cursor);
	return idle;
}
EXPORT_SYMBOL_GPL(dma_resv_test_signaled);

/**
 * dma_resv_describe - print the fences of an object, for debugfs
 * @obj: the reservation object, locked by the caller
 * @seq: where to print
 *
 * Prints one line per fence up to class READ: a tab, the class ("kernel",
 * "write" or "read"), " fence:" and the line of dma_fence_describe().
 * Tools parse this format.
 */
void dma_resv_describe(struct dma_resv *obj, struct seq_file *seq)
{
	static const char * const names[] = {
		[DMA_RESV_USAGE_KERNEL] = "kernel",
		[DMA_RESV_USAGE_WRITE] = "write",
		[DMA_RESV_USAGE_READ] = "read",
		[DMA_RESV_USAGE_BOOKKEEP] = "bookkeep",
	};
	struct dma_resv_iter cursor;
	struct dma_fence *fence;

	dma_resv_for_each_fence(&cursor, obj, DMA_RESV_USAGE_READ, fence) {
		enum dma_resv_usage class = dma_resv_iter_usage(&cursor);

		seq_printf(seq, "\t%s fence:", names[class]);
		dma_fence_describe(fence, seq);
	}
}
EXPORT_SYMBOL_GPL(dma_resv_describe);

#ifdef CONFIG_LOCKDEP
/*
 * What drivers may wait for with a reservation held: fences (whose
 * signalling must never need memory reclaim), including from inside MMU
 * notifiers.
 */
static void __init dma_resv_prime_waits(void)
{
#ifdef CONFIG_MMU_NOTIFIER
	lock_map_acquire(&__mmu_notifier_invalidate_range_start_map);
#endif
	__dma_fence_might_wait();
#ifdef CONFIG_MMU_NOTIFIER
	lock_map_release(&__mmu_notifier_invalidate_range_start_map);
#endif
}

/*
 * Record the lock order every user of reservation objects has to follow
 * once at boot, instead of waiting for two drivers to take two of these
 * locks in opposite order on some rare path:
 *
 *   mmap_lock -> reservation acquire context -> dma_resv.lock
 *             -> fs_reclaim (memory may be allocated under a reservation)
 *             -> i_mmap_rwsem (shrinkers unmap trylocked buffers)
 *
 * together with the fence waits of dma_resv_prime_waits(). Faults thus may
 * lock reservations, and reservations must never be locked (other than by
 * trylock) from reclaim.
 */
static int __init dma_resv_prime_lockdep(void)
{
	struct address_space scratch_mapping;
	struct ww_acquire_ctx acquire;
	struct dma_resv resv;
	struct mm_struct *mm;

	mm = mm_alloc();
	if (!mm)
		return -ENOMEM;
	dma_resv_init(&resv);
	address_space_init_once(&scratch_mapping);

	mmap_read_lock(mm);
	ww_acquire_init(&acquire, &reservation_ww_class);
	/* Nothing else is held through @acquire, so this cannot back off. */
	WARN_ON(dma_resv_lock(&resv, &acquire));

	fs_reclaim_acquire(GFP_KERNEL);
	i_mmap_lock_write(&scratch_mapping);
	i_mmap_unlock_write(&scratch_mapping);
	dma_resv_prime_waits();
	fs_reclaim_release(GFP_KERNEL);

	dma_resv_unlock(&resv);
	ww_acquire_fini(&acquire);
	mmap_read_unlock(mm);

	mmput(mm);
	dma_resv_fini(&resv);
	return 0;
}
subsys_initcall(dma_resv_prime_lockdep);
#endif

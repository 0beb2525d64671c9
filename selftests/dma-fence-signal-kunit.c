// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "dma_fence_signal": how struct dma_fence completes. Covered:
 * the four signalling entry points and their timestamps, error status,
 * callbacks, software signalling and the driver's enable_signaling hook,
 * signalling from interrupt context, the lockdep signalling annotations,
 * and races between signalling and callbacks being added or removed.
 */

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/debug_locks.h>
#include <linux/delay.h>
#include <linux/dma-fence.h>
#include <linux/irq_work.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/lockdep.h>
#include <linux/module.h>
#include <linux/poison.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timer.h>

#include "dma-fence-kunit.h"

#define RACE_SLOTS		1024
#define RACE_SPINS		1000
#define RACE_STAMP		ns_to_ktime(424242)

/* A timer_list that signals a fence from the timer softirq. */
struct soft_signal {
	struct timer_list timer;
	struct dma_fence *fence;
	int ret;
	bool in_task;
};

static void soft_signal_fire(struct timer_list *timer)
{
	struct soft_signal *ss = from_timer(ss, timer, timer);

	ss->in_task = in_task();
	ss->ret = dma_fence_signal(ss->fence);
}

static void soft_signal_cancel(void *data)
{
	struct soft_signal *ss = data;

	timer_shutdown_sync(&ss->timer);
}

/* ------------------------------------------------------------------ */
/* Signalling, timestamps and status                                   */
/* ------------------------------------------------------------------ */

enum signal_way {
	SIGNAL_PLAIN,
	SIGNAL_LOCKED,
	SIGNAL_STAMPED,
	SIGNAL_STAMPED_LOCKED,
};

static bool signal_way_stamped(enum signal_way way)
{
	return way == SIGNAL_STAMPED || way == SIGNAL_STAMPED_LOCKED;
}

static int signal_by(struct dma_fence *fence, enum signal_way way,
		     ktime_t stamp)
{
	unsigned long flags;
	int ret;

	switch (way) {
	case SIGNAL_PLAIN:
		return dma_fence_signal(fence);
	case SIGNAL_STAMPED:
		return dma_fence_signal_timestamp(fence, stamp);
	case SIGNAL_LOCKED:
		spin_lock_irqsave(fence->lock, flags);
		ret = dma_fence_signal_locked(fence);
		spin_unlock_irqrestore(fence->lock, flags);
		return ret;
	case SIGNAL_STAMPED_LOCKED:
		spin_lock_irqsave(fence->lock, flags);
		ret = dma_fence_signal_timestamp_locked(fence, stamp);
		spin_unlock_irqrestore(fence->lock, flags);
		return ret;
	}
	return -EINVAL;
}

struct signal_case {
	const char *desc;
	enum signal_way first;
	enum signal_way again;
};

static const struct signal_case signal_cases[] = {
	{ "signal, then signal again", SIGNAL_PLAIN, SIGNAL_PLAIN },
	{ "signal_locked, then signal", SIGNAL_LOCKED, SIGNAL_PLAIN },
	{ "signal_timestamp, then signal_locked",
	  SIGNAL_STAMPED, SIGNAL_LOCKED },
	{ "signal_timestamp_locked, then signal_timestamp",
	  SIGNAL_STAMPED_LOCKED, SIGNAL_STAMPED },
	{ "signal, then signal_timestamp_locked",
	  SIGNAL_PLAIN, SIGNAL_STAMPED_LOCKED },
};

KUNIT_ARRAY_PARAM_DESC(signal_cases, signal_cases, desc);

static void signal_records_timestamp_once_and_rejects_repeats(struct kunit *test)
{
	const struct signal_case *sc = test->param_value;
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct cb_probe *probe = probe_new(test);
	ktime_t stamp = ktime_set(1, 500), later = ktime_set(2, 600);
	ktime_t before, after, recorded;

	KUNIT_ASSERT_EQ(test, probe_attach(fence, probe), 0);
	KUNIT_EXPECT_FALSE(test, fence_flag(fence, DMA_FENCE_FLAG_TIMESTAMP_BIT));

	before = ktime_get();
	KUNIT_EXPECT_EQ(test, signal_by(fence, sc->first, stamp), 0);
	after = ktime_get();

	KUNIT_EXPECT_TRUE(test, fence_flag(fence, DMA_FENCE_FLAG_SIGNALED_BIT));
	KUNIT_ASSERT_TRUE(test, fence_flag(fence, DMA_FENCE_FLAG_TIMESTAMP_BIT));
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
	recorded = dma_fence_timestamp(fence);
	KUNIT_EXPECT_EQ(test, ktime_to_ns(recorded),
			ktime_to_ns(fence->timestamp));
	if (signal_way_stamped(sc->first)) {
		KUNIT_EXPECT_EQ(test, ktime_to_ns(recorded), ktime_to_ns(stamp));
	} else {
		KUNIT_EXPECT_GE(test, ktime_to_ns(recorded), ktime_to_ns(before));
		KUNIT_EXPECT_LE(test, ktime_to_ns(recorded), ktime_to_ns(after));
	}

	/* Only the first signal counts: no new time, no second delivery. */
	KUNIT_EXPECT_EQ(test, signal_by(fence, sc->again, later), -EINVAL);
	KUNIT_EXPECT_EQ(test, ktime_to_ns(dma_fence_timestamp(fence)),
			ktime_to_ns(recorded));
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), 1);
}

static void status_stays_pending_until_signalled_even_with_error(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	unsigned long flags;
	int locked;

	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), 0);
	dma_fence_set_error(fence, -EIO);
	KUNIT_EXPECT_EQ(test, fence->error, -EIO);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), 0);
	spin_lock_irqsave(fence->lock, flags);
	locked = dma_fence_get_status_locked(fence);
	spin_unlock_irqrestore(fence->lock, flags);
	KUNIT_EXPECT_EQ(test, locked, 0);

	KUNIT_EXPECT_EQ(test, dma_fence_signal(fence), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), -EIO);
}

struct status_case {
	const char *desc;
	int error;
	int status;
};

static const struct status_case status_cases[] = {
	{ "no error reports 1", 0, 1 },
	{ "-EIO", -EIO, -EIO },
	{ "-ETIMEDOUT", -ETIMEDOUT, -ETIMEDOUT },
	{ "-ECANCELED", -ECANCELED, -ECANCELED },
	{ "-MAX_ERRNO", -MAX_ERRNO, -MAX_ERRNO },
};

KUNIT_ARRAY_PARAM_DESC(status_cases, status_cases, desc);

static void status_after_signal_reports_error_or_one(struct kunit *test)
{
	const struct status_case *sc = test->param_value;
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	unsigned long flags;
	int locked;

	if (sc->error)
		dma_fence_set_error(fence, sc->error);
	KUNIT_EXPECT_EQ(test, dma_fence_signal(fence), 0);

	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), sc->status);
	spin_lock_irqsave(fence->lock, flags);
	locked = dma_fence_get_status_locked(fence);
	spin_unlock_irqrestore(fence->lock, flags);
	KUNIT_EXPECT_EQ(test, locked, sc->status);
}

static void is_signaled_polls_driver_and_signals(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct cb_probe *probe = probe_new(test);

	KUNIT_ASSERT_EQ(test, probe_attach(fence, probe), 0);
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 0);

	WRITE_ONCE(to_mock(fence)->hw_done, true);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(fence));
	KUNIT_EXPECT_TRUE(test, fence_flag(fence, DMA_FENCE_FLAG_SIGNALED_BIT));
	KUNIT_EXPECT_TRUE(test, fence_flag(fence, DMA_FENCE_FLAG_TIMESTAMP_BIT));
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), 1);
}

static void is_signaled_locked_polls_driver_under_lock(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct cb_probe *probe = probe_new(test);
	bool before, after;
	unsigned long flags;
	int status;

	KUNIT_ASSERT_EQ(test, probe_attach(fence, probe), 0);
	spin_lock_irqsave(fence->lock, flags);
	before = dma_fence_is_signaled_locked(fence);
	WRITE_ONCE(to_mock(fence)->hw_done, true);
	after = dma_fence_is_signaled_locked(fence);
	status = dma_fence_get_status_locked(fence);
	spin_unlock_irqrestore(fence->lock, flags);

	KUNIT_EXPECT_FALSE(test, before);
	KUNIT_EXPECT_TRUE(test, after);
	KUNIT_EXPECT_EQ(test, status, 1);
	KUNIT_EXPECT_TRUE(test, fence_flag(fence, DMA_FENCE_FLAG_SIGNALED_BIT));
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
}

static void signaled_op_may_attach_error(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct dmabuf_kunit_leaf *mf = to_mock(fence);

	mf->hw_error = -ETIMEDOUT;
	WRITE_ONCE(mf->hw_done, true);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), -ETIMEDOUT);
	KUNIT_EXPECT_TRUE(test, fence_flag(fence, DMA_FENCE_FLAG_SIGNALED_BIT));
}

/* ------------------------------------------------------------------ */
/* Callbacks and software signalling                                   */
/* ------------------------------------------------------------------ */

static void callbacks_run_once_in_registration_order(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct cb_probe *probe[3];
	int i;

	for (i = 0; i < ARRAY_SIZE(probe); i++) {
		probe[i] = probe_new(test);
		KUNIT_ASSERT_EQ(test, probe_attach(fence, probe[i]), 0);
	}
	for (i = 0; i < ARRAY_SIZE(probe); i++)
		KUNIT_EXPECT_EQ(test, probe_calls(probe[i]), 0);

	KUNIT_EXPECT_EQ(test, dma_fence_signal(fence), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_signal(fence), -EINVAL);

	for (i = 0; i < ARRAY_SIZE(probe); i++) {
		KUNIT_EXPECT_EQ(test, probe_calls(probe[i]), 1);
		KUNIT_EXPECT_EQ_MSG(test, probe[i]->order, i + 1,
				    "callback %d delivered out of order", i);
	}
}

static void callback_sees_signalled_fence_and_its_error(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct cb_probe *probe = probe_new(test);

	KUNIT_ASSERT_EQ(test, probe_attach(fence, probe), 0);
	dma_fence_set_error(fence, -ENOSPC);
	KUNIT_EXPECT_EQ(test, dma_fence_signal(fence), 0);

	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
	KUNIT_EXPECT_PTR_EQ(test, probe->seen, fence);
	KUNIT_EXPECT_TRUE(test, probe->saw_signalled);
	KUNIT_EXPECT_EQ(test, probe->saw_error, -ENOSPC);
	KUNIT_EXPECT_TRUE(test, list_empty(&probe->cb.node));
}

static void add_callback_on_signalled_fence_returns_enoent(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct cb_probe *probe = probe_new(test);

	KUNIT_ASSERT_EQ(test, dma_fence_signal(fence), 0);
	/* Garbage in the node: the core must initialise it anyway. */
	probe->cb.node.next = LIST_POISON1;
	probe->cb.node.prev = LIST_POISON2;

	KUNIT_EXPECT_EQ(test, probe_attach(fence, probe), -ENOENT);
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 0);
	KUNIT_ASSERT_TRUE(test, list_empty(&probe->cb.node));
	/* An initialised node makes a later removal a harmless no-op. */
	KUNIT_EXPECT_FALSE(test, dma_fence_remove_callback(fence, &probe->cb));
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 0);
}

static void signal_after_callback_removed_is_not_delivered(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct cb_probe *kept = probe_new(test);
	struct cb_probe *gone = probe_new(test);

	KUNIT_ASSERT_EQ(test, probe_attach(fence, gone), 0);
	KUNIT_ASSERT_EQ(test, probe_attach(fence, kept), 0);
	KUNIT_EXPECT_TRUE(test, dma_fence_remove_callback(fence, &gone->cb));

	KUNIT_EXPECT_EQ(test, dma_fence_signal(fence), 0);
	KUNIT_EXPECT_EQ(test, probe_calls(gone), 0);
	KUNIT_EXPECT_EQ(test, probe_calls(kept), 1);
}

static void remove_callback_after_signal_returns_false(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct cb_probe *probe = probe_new(test);

	KUNIT_ASSERT_EQ(test, probe_attach(fence, probe), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_signal(fence), 0);
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
	KUNIT_EXPECT_FALSE(test, dma_fence_remove_callback(fence, &probe->cb));
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
}

static void callback_moves_to_another_fence_after_removal(struct kunit *test)
{
	struct dma_fence *first = fence_new(test, MOCK, 1);
	struct dma_fence *second = fence_new(test, MOCK, 2);
	struct cb_probe *probe = probe_new(test);

	KUNIT_ASSERT_EQ(test, probe_attach(first, probe), 0);
	KUNIT_ASSERT_TRUE(test, dma_fence_remove_callback(first, &probe->cb));
	KUNIT_ASSERT_EQ(test, probe_attach(second, probe), 0);

	KUNIT_EXPECT_EQ(test, dma_fence_signal(first), 0);
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_signal(second), 0);
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
	KUNIT_EXPECT_PTR_EQ(test, probe->seen, second);
}

static void add_callback_enables_signaling(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct cb_probe *probe = probe_new(test);

	KUNIT_EXPECT_EQ(test, atomic_read(&to_mock(fence)->enables), 0);
	KUNIT_ASSERT_EQ(test, probe_attach(fence, probe), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&to_mock(fence)->enables), 1);
	KUNIT_EXPECT_TRUE(test,
			  fence_flag(fence, DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));
}

static void enable_sw_signaling_calls_enable_signaling_once(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct cb_probe *probe = probe_new(test);

	dma_fence_enable_sw_signaling(fence);
	dma_fence_enable_sw_signaling(fence);
	KUNIT_ASSERT_EQ(test, probe_attach(fence, probe), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_wait_timeout(fence, false, 0), 0);

	KUNIT_EXPECT_EQ(test, atomic_read(&to_mock(fence)->enables), 1);
	KUNIT_EXPECT_TRUE(test,
			  fence_flag(fence, DMA_FENCE_FLAG_ENABLE_SIGNAL_BIT));
	KUNIT_EXPECT_FALSE(test, dma_fence_is_signaled(fence));
}

static void enable_signaling_is_not_called_once_signalled(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct cb_probe *probe = probe_new(test);

	KUNIT_ASSERT_EQ(test, dma_fence_signal(fence), 0);
	dma_fence_enable_sw_signaling(fence);
	KUNIT_EXPECT_EQ(test, probe_attach(fence, probe), -ENOENT);
	KUNIT_EXPECT_GT(test, dma_fence_wait_timeout(fence, false, 1), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&to_mock(fence)->enables), 0);
}

static void enable_signaling_refusal_signals_fence(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct dmabuf_kunit_leaf *mf = to_mock(fence);
	struct cb_probe *probe = probe_new(test);

	mf->refuse_enable = true;
	mf->enable_error = -ENODEV;
	dma_fence_enable_sw_signaling(fence);

	KUNIT_EXPECT_EQ(test, atomic_read(&mf->enables), 1);
	KUNIT_EXPECT_TRUE(test, fence_flag(fence, DMA_FENCE_FLAG_SIGNALED_BIT));
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), -ENODEV);
	KUNIT_EXPECT_EQ(test, probe_attach(fence, probe), -ENOENT);
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 0);
}

static void add_callback_after_refused_enable_returns_enoent(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct dma_fence *waited = fence_new(test, MOCK, 2);
	struct cb_probe *probe = probe_new(test);
	signed long ret;

	to_mock(fence)->refuse_enable = true;
	probe->cb.node.next = LIST_POISON1;
	probe->cb.node.prev = LIST_POISON2;
	KUNIT_EXPECT_EQ(test, probe_attach(fence, probe), -ENOENT);
	KUNIT_EXPECT_TRUE(test, list_empty(&probe->cb.node));
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 0);
	KUNIT_EXPECT_EQ(test, dma_fence_get_status(fence), 1);

	/* A wait on such a fence has nothing to wait for. */
	to_mock(waited)->refuse_enable = true;
	ret = dma_fence_wait_timeout(waited, false, LONG_WAIT);
	KUNIT_EXPECT_GT(test, ret, 0);
	KUNIT_EXPECT_LE(test, ret, LONG_WAIT);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(waited));
}

/*
 * Lock-step races. Two threads walk the same array of fences; before each
 * slot they meet, then both act on that slot at once. Meeting spins briefly
 * (so both CPUs of an SMP machine really collide) and then sleeps, so that
 * a single non-preemptive CPU (UML) lets the other side run.
 */
struct race_slot {
	struct dma_fence *fence;
	struct cb_probe probe;
	int res[2];
	bool acted[2];
};

struct race;

struct race_worker {
	struct race *race;
	int side;
	struct completion finished;
};

struct race {
	void (*step[2])(struct race_slot *slot, int side);
	struct race_slot *slots;
	u32 nslots;
	unsigned long deadline;
	atomic_t reached[2];
	atomic_t stop;
	struct race_worker worker[2];
};

static bool race_meet(struct race *race, int side, int ticket)
{
	unsigned int spins = 0;

	if (atomic_read(&race->stop))
		return false;
	atomic_set(&race->reached[side], ticket);
	while (atomic_read(&race->reached[!side]) < ticket) {
		if (atomic_read(&race->stop) || kthread_should_stop())
			return false;
		if (++spins < RACE_SPINS)
			cpu_relax();
		else
			usleep_range(20, 50);
	}
	return true;
}

static int race_worker_fn(void *data)
{
	struct race_worker *w = data;
	struct race *race = w->race;
	u32 i;

	for (i = 0; i < race->nslots; i++) {
		if (time_after(jiffies, race->deadline))
			atomic_set(&race->stop, 1);
		if (!race_meet(race, w->side, i + 1))
			break;
		race->step[w->side](&race->slots[i], w->side);
		race->slots[i].acted[w->side] = true;
		cond_resched();
	}
	complete(&w->finished);
	return 0;
}

static void race_release_fences(void *data)
{
	struct race *race = data;
	u32 i;

	for (i = 0; i < race->nslots; i++) {
		if (!race->slots[i].fence)
			continue;
		dma_fence_signal(race->slots[i].fence);
		dma_fence_put(race->slots[i].fence);
	}
}

KUNIT_DEFINE_ACTION_WRAPPER(kvfree_action, kvfree, const void *);

static struct race *race_prepare(struct kunit *test, bool attach)
{
	struct race *race = kunit_kzalloc(test, sizeof(*race), GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, race);
	race->slots = kvcalloc(RACE_SLOTS, sizeof(*race->slots), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, race->slots);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, kvfree_action,
							race->slots), 0);
	race->nslots = RACE_SLOTS;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							race_release_fences,
							race), 0);
	for (i = 0; i < race->nslots; i++) {
		struct race_slot *slot = &race->slots[i];

		slot->fence = mock_fence_alloc(test->priv, MOCK, i + 1);
		KUNIT_ASSERT_NOT_NULL(test, slot->fence);
		probe_init(&slot->probe, NULL);
		if (attach)
			KUNIT_ASSERT_EQ(test,
					probe_attach(slot->fence, &slot->probe),
					0);
	}
	return race;
}

/* Returns how many slots both sides acted on. */
static u32 race_run(struct kunit *test, struct race *race)
{
	u32 i, both = 0;
	int side;

	race->deadline = jiffies + RACE_BUDGET;
	for (side = 0; side < 2; side++) {
		race->worker[side].race = race;
		race->worker[side].side = side;
		init_completion(&race->worker[side].finished);
	}
	for (side = 0; side < 2; side++)
		dmabuf_kunit_thread_start(test, "dmaf", race_worker_fn,
					  &race->worker[side],
					  side ? "race-b" : "race-a");
	for (side = 0; side < 2; side++)
		dmabuf_kunit_thread_wait(test, &race->worker[side].finished,
					 THREAD_GRACE, "race worker");

	for (i = 0; i < race->nslots; i++)
		if (race->slots[i].acted[0] && race->slots[i].acted[1])
			both++;
	return both;
}

static void step_add_callback(struct race_slot *slot, int side)
{
	slot->res[side] = probe_attach(slot->fence, &slot->probe);
}

static void step_remove_callback(struct race_slot *slot, int side)
{
	slot->res[side] = dma_fence_remove_callback(slot->fence,
						    &slot->probe.cb);
}

static void step_signal(struct race_slot *slot, int side)
{
	slot->res[side] = dma_fence_signal(slot->fence);
}

static void step_signal_stamped(struct race_slot *slot, int side)
{
	slot->res[side] = dma_fence_signal_timestamp(slot->fence, RACE_STAMP);
}

/*
 * The verdict of a race: both sides must have met on at least one slot,
 * and no slot may break the contract. The first bad slot is reported.
 */
static void race_expect_clean(struct kunit *test, struct race *race, u32 raced,
			      u32 bad, u32 first_bad, const char *op0,
			      const char *op1)
{
	struct race_slot *slot = &race->slots[first_bad];

	KUNIT_EXPECT_GT(test, raced, 0U);
	KUNIT_EXPECT_EQ_MSG(test, bad, 0U,
			    "slot %u: %s %d, %s %d, delivered %d times",
			    first_bad, op0, slot->res[0], op1, slot->res[1],
			    probe_calls(&slot->probe));
}

static void race_add_callback_vs_signal_delivers_exactly_once(struct kunit *test)
{
	struct race *race = race_prepare(test, false);
	u32 i, raced, attached = 0, late = 0, bad = 0, first_bad = 0;

	race->step[0] = step_add_callback;
	race->step[1] = step_signal;
	raced = race_run(test, race);

	for (i = 0; i < race->nslots; i++) {
		struct race_slot *slot = &race->slots[i];
		bool ok;

		if (!slot->acted[0] || !slot->acted[1])
			continue;
		if (slot->res[0] == 0) {
			attached++;
			ok = probe_calls(&slot->probe) == 1 &&
			     slot->probe.saw_signalled;
		} else {
			late++;
			ok = slot->res[0] == -ENOENT &&
			     probe_calls(&slot->probe) == 0 &&
			     list_empty(&slot->probe.cb.node);
		}
		ok = ok && slot->res[1] == 0;
		if (!ok && !bad++)
			first_bad = i;
	}

	kunit_info(test, "%u slots: %u callbacks registered in time, %u too late\n",
		   raced, attached, late);
	race_expect_clean(test, race, raced, bad, first_bad, "add_callback", "signal");
}

static void race_remove_callback_vs_signal_delivers_iff_kept(struct kunit *test)
{
	struct race *race = race_prepare(test, true);
	u32 i, raced, removed = 0, delivered = 0, bad = 0, first_bad = 0;

	race->step[0] = step_remove_callback;
	race->step[1] = step_signal;
	raced = race_run(test, race);

	for (i = 0; i < race->nslots; i++) {
		struct race_slot *slot = &race->slots[i];
		int expect;

		if (!slot->acted[0] || !slot->acted[1])
			continue;
		if (slot->res[0])
			removed++;
		else
			delivered++;
		expect = slot->res[0] ? 0 : 1;
		if ((probe_calls(&slot->probe) != expect || slot->res[1]) &&
		    !bad++)
			first_bad = i;
	}

	kunit_info(test, "%u slots: %u callbacks removed, %u delivered\n",
		   raced, removed, delivered);
	race_expect_clean(test, race, raced, bad, first_bad, "remove_callback", "signal");
}

static void race_concurrent_signals_have_one_winner(struct kunit *test)
{
	struct race *race = race_prepare(test, true);
	u32 i, raced, wins[2] = { 0, 0 }, bad = 0, first_bad = 0;

	race->step[0] = step_signal;
	race->step[1] = step_signal_stamped;
	raced = race_run(test, race);

	for (i = 0; i < race->nslots; i++) {
		struct race_slot *slot = &race->slots[i];
		int winner = slot->res[0] == 0 ? 0 : 1;
		bool ok;

		if (!slot->acted[0] || !slot->acted[1])
			continue;
		wins[winner]++;
		ok = slot->res[winner] == 0 && slot->res[!winner] == -EINVAL &&
		     probe_calls(&slot->probe) == 1;
		/* The timestamp is the winner's: RACE_STAMP or the clock. */
		if (ok)
			ok = (ktime_to_ns(dma_fence_timestamp(slot->fence)) ==
			      ktime_to_ns(RACE_STAMP)) == (winner == 1);
		if (!ok && !bad++)
			first_bad = i;
	}

	kunit_info(test, "%u slots: plain signal won %u, timestamped won %u\n",
		   raced, wins[0], wins[1]);
	race_expect_clean(test, race, raced, bad, first_bad, "signal", "signal_timestamp");
}

/* ------------------------------------------------------------------ */
/* Signalling from interrupt context                                   */
/* ------------------------------------------------------------------ */

static void signal_from_irq_work_runs_callbacks_in_hardirq(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct cb_probe *probe = probe_new(test);
	struct irq_signal *is;
	signed long ret;

	KUNIT_ASSERT_EQ(test, probe_attach(fence, probe), 0);
	is = irq_signal_queue(test, fence, false);
	ret = dma_fence_wait_timeout(fence, false, LONG_WAIT);
	irq_work_sync(&is->work);

	KUNIT_EXPECT_GT(test, ret, 0);
	KUNIT_EXPECT_EQ(test, is->ret, 0);
	KUNIT_EXPECT_TRUE(test, is->in_hardirq);
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
	KUNIT_EXPECT_TRUE(test, probe->in_hardirq);
}

static void signal_from_timer_wakes_interruptible_waiter(struct kunit *test)
{
	struct dma_fence *fence = fence_new(test, MOCK, 1);
	struct cb_probe *probe = probe_new(test);
	struct soft_signal *ss = kunit_kzalloc(test, sizeof(*ss), GFP_KERNEL);
	signed long ret;

	KUNIT_ASSERT_NOT_NULL(test, ss);
	KUNIT_ASSERT_EQ(test, probe_attach(fence, probe), 0);
	ss->fence = fence;
	ss->ret = 1;
	ss->in_task = true;
	timer_setup(&ss->timer, soft_signal_fire, 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							soft_signal_cancel,
							ss), 0);
	mod_timer(&ss->timer, jiffies + msecs_to_jiffies(SIGNAL_DELAY_MS));

	ret = dma_fence_wait_timeout(fence, true, LONG_WAIT);
	timer_delete_sync(&ss->timer);

	KUNIT_EXPECT_GT(test, ret, 0);
	KUNIT_EXPECT_LE(test, ret, LONG_WAIT);
	KUNIT_EXPECT_EQ(test, ss->ret, 0);
	KUNIT_EXPECT_FALSE(test, ss->in_task);
	KUNIT_EXPECT_EQ(test, probe_calls(probe), 1);
	KUNIT_EXPECT_FALSE(test, probe->in_task);
}

/* ------------------------------------------------------------------ */
/* Lockdep signalling annotations                                      */
/* ------------------------------------------------------------------ */

static void skip_without_lockdep(struct kunit *test)
{
	if (!IS_ENABLED(CONFIG_LOCKDEP))
		kunit_skip(test, "needs CONFIG_LOCKDEP");
	if (!debug_locks)
		kunit_skip(test, "lockdep is off after an earlier report");
}

static void signalling_sections_nest_and_balance(struct kunit *test)
{
	int base, outer_depth, inner_depth, after_inner, after_outer;
	bool outer, inner;

	skip_without_lockdep(test);

	base = lockdep_depth(current);
	outer = dma_fence_begin_signalling();
	outer_depth = lockdep_depth(current);
	inner = dma_fence_begin_signalling();
	inner_depth = lockdep_depth(current);
	dma_fence_end_signalling(inner);
	after_inner = lockdep_depth(current);
	dma_fence_end_signalling(outer);
	after_outer = lockdep_depth(current);

	/* The outermost section is what lockdep tracks. */
	KUNIT_EXPECT_GT(test, outer_depth, base);
	KUNIT_EXPECT_GE(test, inner_depth, outer_depth);
	KUNIT_EXPECT_EQ(test, after_inner, outer_depth);
	KUNIT_EXPECT_EQ(test, after_outer, base);
}

static void signalling_section_may_wait_for_completed_dependency(struct kunit *test)
{
	struct dma_fence *dependency = fence_new(test, MOCK, 1);
	struct dma_fence *job = fence_new(test, MOCK, 2);
	int base, inside, after_wait, after;
	signed long waited;
	bool cookie;
	int signalled;

	skip_without_lockdep(test);
	KUNIT_ASSERT_EQ(test, dma_fence_signal(dependency), 0);

	/*
	 * The path that completes @job waits for its (already complete)
	 * dependency and holds no lock while doing so: a legal section.
	 */
	base = lockdep_depth(current);
	cookie = dma_fence_begin_signalling();
	inside = lockdep_depth(current);
	waited = dma_fence_wait_timeout(dependency, false, LONG_WAIT);
	after_wait = lockdep_depth(current);
	signalled = dma_fence_signal(job);
	dma_fence_end_signalling(cookie);
	after = lockdep_depth(current);

	KUNIT_EXPECT_GT(test, waited, 0);
	KUNIT_EXPECT_EQ(test, signalled, 0);
	KUNIT_EXPECT_GT(test, inside, base);
	/* The wait sets the section aside only while it checks itself. */
	KUNIT_EXPECT_EQ(test, after_wait, inside);
	KUNIT_EXPECT_EQ(test, after, base);
	KUNIT_EXPECT_TRUE(test, dma_fence_is_signaled(job));
}

/* ------------------------------------------------------------------ */

static struct kunit_case dma_fence_signal_cases[] = {
	KUNIT_CASE_PARAM(signal_records_timestamp_once_and_rejects_repeats,
			 signal_cases_gen_params),
	KUNIT_CASE(status_stays_pending_until_signalled_even_with_error),
	KUNIT_CASE_PARAM(status_after_signal_reports_error_or_one,
			 status_cases_gen_params),
	KUNIT_CASE(is_signaled_polls_driver_and_signals),
	KUNIT_CASE(is_signaled_locked_polls_driver_under_lock),
	KUNIT_CASE(signaled_op_may_attach_error),
	KUNIT_CASE(callbacks_run_once_in_registration_order),
	KUNIT_CASE(callback_sees_signalled_fence_and_its_error),
	KUNIT_CASE(add_callback_on_signalled_fence_returns_enoent),
	KUNIT_CASE(signal_after_callback_removed_is_not_delivered),
	KUNIT_CASE(remove_callback_after_signal_returns_false),
	KUNIT_CASE(callback_moves_to_another_fence_after_removal),
	KUNIT_CASE(add_callback_enables_signaling),
	KUNIT_CASE(enable_sw_signaling_calls_enable_signaling_once),
	KUNIT_CASE(enable_signaling_is_not_called_once_signalled),
	KUNIT_CASE(enable_signaling_refusal_signals_fence),
	KUNIT_CASE(add_callback_after_refused_enable_returns_enoent),
	KUNIT_CASE_SLOW(race_add_callback_vs_signal_delivers_exactly_once),
	KUNIT_CASE_SLOW(race_remove_callback_vs_signal_delivers_iff_kept),
	KUNIT_CASE_SLOW(race_concurrent_signals_have_one_winner),
	KUNIT_CASE(signal_from_irq_work_runs_callbacks_in_hardirq),
	KUNIT_CASE(signal_from_timer_wakes_interruptible_waiter),
	KUNIT_CASE(signalling_sections_nest_and_balance),
	KUNIT_CASE(signalling_section_may_wait_for_completed_dependency),
	{}
};

static struct kunit_suite dma_fence_signal_suite = {
	.name = "dma_fence_signal",
	.init = fence_fixture_init,
	.test_cases = dma_fence_signal_cases,
};

kunit_test_suite(dma_fence_signal_suite);

MODULE_DESCRIPTION("KUnit tests for dma_fence signalling and callbacks");
MODULE_LICENSE("GPL");

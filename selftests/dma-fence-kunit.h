/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the dma_fence suites share: dma_fence (objects, references,
 * ordering, stubs, debug output), dma_fence_signal (signalling, callbacks,
 * the lockdep annotations) and dma_fence_wait (waits and deadlines). Each
 * is a module of its own, hence everything here is static inline.
 *
 * Every fence of a case is a leaf (see dmabuf-kunit.h) on the case's one
 * timeline, whose lock and context the fixture holds, and whose releases
 * the fixture counts.
 *
 * Two runtimes shape the helpers. UML never preempts a kernel thread, so any
 * loop that waits for another thread sleeps or reschedules. The x86_64 guest
 * is an emulated SMP machine with KASAN and lockdep, so races are bounded in
 * time and no check ever puts an upper bound on how long something took.
 */
#ifndef DMA_FENCE_KUNIT_H
#define DMA_FENCE_KUNIT_H

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/dma-fence.h>
#include <linux/irq_work.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "dmabuf-kunit.h"

/* The drivers the cases choose from, as leaf flags. */
#define MOCK		0	/* 32-bit seqnos, every optional hook but ->wait */
#define MOCK_64		DMABUF_KUNIT_LEAF_SEQNO64
#define MOCK_WAIT	DMABUF_KUNIT_LEAF_WAIT	/* brings its own ->wait */
#define MOCK_BARE	DMABUF_KUNIT_LEAF_BARE	/* only the mandatory hooks */

/* Budget of waits that a timer or a thread is expected to cut short. */
#define LONG_WAIT		(10 * HZ)
/* Budget of waits that are expected to run out. */
#define SHORT_WAIT		msecs_to_jiffies(30)
/* Delay before a timer signals a fence somebody is waiting for. */
#define SIGNAL_DELAY_MS		10
/* How long the case waits for one of its threads before declaring it stuck. */
#define THREAD_GRACE		(30 * HZ)
/* Wall time a race may take. */
#define RACE_BUDGET		HZ

#define FIXTURE_PROBES		8

/*
 * A callback that remembers how, where and in which order it was delivered.
 */
struct cb_probe {
	struct dma_fence_cb cb;
	atomic_t calls;
	atomic_t *ticket;	/* shared delivery counter, or NULL */
	int order;		/* value taken from @ticket on delivery */
	struct dma_fence *seen;
	bool saw_signalled;
	int saw_error;
	bool in_hardirq;
	bool in_task;
};

/*
 * Per-case state, allocated before anything else the case creates and
 * therefore freed after every cleanup action has run.
 */
struct fence_fixture {
	spinlock_t lock;	/* timeline lock of every fence of the case */
	u64 context;
	struct dmabuf_kunit_releases released;	/* of the case's leaves */
	atomic_t deliveries;
	unsigned int nprobes;
	struct cb_probe probes[FIXTURE_PROBES];
};

static inline struct dmabuf_kunit_leaf *to_mock(struct dma_fence *fence)
{
	return dmabuf_kunit_to_leaf(fence);
}

static inline bool fence_flag(struct dma_fence *fence, int bit)
{
	return test_bit(bit, &fence->flags);
}

/* A pending fence of the case's driver @flags; NULL without memory. */
static inline struct dma_fence *mock_fence_alloc(struct fence_fixture *fx,
						 unsigned int flags, u64 seqno)
{
	struct dma_fence *fence = dmabuf_kunit_leaf_create(flags, &fx->lock,
							   fx->context, seqno);

	if (fence)
		to_mock(fence)->released = &fx->released;
	return fence;
}

/* A fence whose reference belongs to the case until it ends. */
static inline struct dma_fence *fence_new(struct kunit *test,
					  unsigned int flags, u64 seqno)
{
	return dmabuf_kunit_fence_adopt(test, mock_fence_alloc(test->priv,
								flags, seqno));
}

/* A fence whose last reference the case drops itself. */
static inline struct dma_fence *fence_raw(struct kunit *test,
					  unsigned int flags, u64 seqno)
{
	struct dma_fence *fence = mock_fence_alloc(test->priv, flags, seqno);

	KUNIT_ASSERT_NOT_NULL(test, fence);
	return fence;
}

static inline void probe_hit(struct dma_fence *fence, struct dma_fence_cb *cb)
{
	struct cb_probe *probe = container_of(cb, struct cb_probe, cb);

	probe->seen = fence;
	probe->saw_signalled = fence_flag(fence, DMA_FENCE_FLAG_SIGNALED_BIT);
	probe->saw_error = fence->error;
	probe->in_hardirq = in_hardirq();
	probe->in_task = in_task();
	if (probe->ticket)
		probe->order = atomic_inc_return(probe->ticket);
	atomic_inc(&probe->calls);
}

static inline void probe_init(struct cb_probe *probe, atomic_t *ticket)
{
	memset(probe, 0, sizeof(*probe));
	INIT_LIST_HEAD(&probe->cb.node);
	probe->ticket = ticket;
}

static inline struct cb_probe *probe_new(struct kunit *test)
{
	struct fence_fixture *fx = test->priv;
	struct cb_probe *probe;

	KUNIT_ASSERT_LT(test, fx->nprobes, FIXTURE_PROBES);
	probe = &fx->probes[fx->nprobes++];
	probe_init(probe, &fx->deliveries);
	return probe;
}

static inline int probe_attach(struct dma_fence *fence, struct cb_probe *probe)
{
	return dma_fence_add_callback(fence, &probe->cb, probe_hit);
}

static inline int probe_calls(struct cb_probe *probe)
{
	return atomic_read(&probe->calls);
}

/* An irq_work that signals a fence, or drops a reference, in hard irq. */
struct irq_signal {
	struct irq_work work;
	struct dma_fence *fence;
	bool put_only;
	int ret;
	bool in_hardirq;
};

static inline void irq_signal_run(struct irq_work *work)
{
	struct irq_signal *is = container_of(work, struct irq_signal, work);
	bool cookie;

	is->in_hardirq = in_hardirq();
	if (is->put_only) {
		dma_fence_put(is->fence);
		return;
	}
	cookie = dma_fence_begin_signalling();
	is->ret = dma_fence_signal(is->fence);
	dma_fence_end_signalling(cookie);
}

static inline void irq_signal_sync(void *data)
{
	struct irq_signal *is = data;

	irq_work_sync(&is->work);
}

static inline struct irq_signal *irq_signal_queue(struct kunit *test,
						  struct dma_fence *fence,
						  bool put_only)
{
	struct irq_signal *is = kunit_kzalloc(test, sizeof(*is), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, is);
	is->fence = fence;
	is->put_only = put_only;
	is->ret = 1;
	init_irq_work(&is->work, irq_signal_run);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, irq_signal_sync,
							is), 0);
	KUNIT_ASSERT_TRUE(test, irq_work_queue(&is->work));
	return is;
}

static inline int fence_fixture_init(struct kunit *test)
{
	struct fence_fixture *fx;

	fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	if (!fx)
		return -ENOMEM;
	spin_lock_init(&fx->lock);
	fx->context = dma_fence_context_alloc(1);
	test->priv = fx;
	return 0;
}

#endif /* DMA_FENCE_KUNIT_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints for the life cycle of a struct dma_fence.
 *
 * All events share one class, so their records look alike. The record
 * layout and the printed line are user space ABI (trace tools parse
 * them): keep the fields, their order and the format string unchanged.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM dma_fence

#if !defined(_TRACE_DMA_FENCE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_DMA_FENCE_H

#include <linux/tracepoint.h>

struct dma_fence;

/* Every event takes just the fence; spell the boilerplate out once. */
#define DEFINE_DMA_FENCE_EVENT(event)					\
	DEFINE_EVENT(dma_fence, event,					\
		     TP_PROTO(struct dma_fence *fence), TP_ARGS(fence))

/*
 * The names are strings the driver computes on demand; context and seqno
 * are recorded truncated to 32 bits.
 */
DECLARE_EVENT_CLASS(dma_fence,
		    TP_PROTO(struct dma_fence *fence), TP_ARGS(fence),

		    TP_STRUCT__entry(__string(driver, fence->ops->get_driver_name(fence))
				     __string(timeline, fence->ops->get_timeline_name(fence))
				     __field(unsigned int, context)
				     __field(unsigned int, seqno)),

		    TP_fast_assign(__entry->seqno = fence->seqno;
				   __entry->context = fence->context;
				   __assign_str(timeline);
				   __assign_str(driver);),

		    TP_printk("driver=%s timeline=%s context=%u seqno=%u",
			      __get_str(driver), __get_str(timeline),
			      __entry->context, __entry->seqno)
);

/* dma_fence_init() has set the fence up */
DEFINE_DMA_FENCE_EVENT(dma_fence_init);
/* a driver handed the fence to its hardware (emitted by drivers) */
DEFINE_DMA_FENCE_EVENT(dma_fence_emit);
/* about to call &dma_fence_ops.enable_signaling */
DEFINE_DMA_FENCE_EVENT(dma_fence_enable_signal);
/* the fence completed; its callbacks run next */
DEFINE_DMA_FENCE_EVENT(dma_fence_signaled);
/* dma_fence_wait_timeout() goes to sleep on the fence ... */
DEFINE_DMA_FENCE_EVENT(dma_fence_wait_start);
/* ... and returned, for whatever reason */
DEFINE_DMA_FENCE_EVENT(dma_fence_wait_end);
/* the last reference is gone */
DEFINE_DMA_FENCE_EVENT(dma_fence_destroy);

#endif /* _TRACE_DMA_FENCE_H */

/* Outside the guard: define_trace.h reads this file several times. */
#include <trace/define_trace.h>

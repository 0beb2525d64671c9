/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoint of the sw_sync test driver (sw_sync.c).
 *
 * sync_timeline is recorded each time a timeline's counter is about to be
 * moved forward, with the value it has before the move. The event name,
 * its fields and the printed line are what trace tools parse: keep them.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM sync_trace

#if !defined(_DMA_BUF_SYNC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _DMA_BUF_SYNC_TRACE_H

#include <linux/tracepoint.h>

#include "sync_debug.h"

TRACE_EVENT(sync_timeline,
	    TP_PROTO(struct sync_timeline *timeline), TP_ARGS(timeline),

	    TP_STRUCT__entry(__string(name, timeline->name)
			     __field(u32, value)),

	    TP_fast_assign(__assign_str(name);
			   __entry->value = READ_ONCE(timeline->value);),

	    TP_printk("name=%s value=%d", __get_str(name), __entry->value)
);

#endif /* _DMA_BUF_SYNC_TRACE_H */

/*
 * Outside the guard: define_trace.h includes this file again by name.
 * "." resolves through the -I$(src) that the Makefile gives sw_sync.o.
 */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE sync_trace
#include <trace/define_trace.h>

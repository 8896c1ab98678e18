/* SPDX-License-Identifier: GPL-2.0 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM modemline

#if !defined(_MODEMLINE_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MODEMLINE_TRACE_H

#include <linux/tracepoint.h>

#define modemline_show_state(s)						\
	__print_symbolic(s,						\
			 { MODEMLINE_STATE_DIALING, "dialing" },	\
			 { MODEMLINE_STATE_ANSWERING, "answering" },	\
			 { MODEMLINE_STATE_CONNECTED, "connected" },	\
			 { MODEMLINE_STATE_DISCONNECTING, "disconnecting" }, \
			 { MODEMLINE_STATE_DISCONNECTED, "disconnected" }, \
			 { MODEMLINE_STATE_RINGBACK, "ringback" })

TRACE_EVENT(modemline_call_state,
	    TP_PROTO(u32 line_id, u32 handle, u32 old_state, u32 new_state,
		     u32 origin, u32 reason),
	    TP_ARGS(line_id, handle, old_state, new_state, origin, reason),
	    TP_STRUCT__entry(__field(u32, line_id)
			     __field(u32, handle)
			     __field(u32, old_state)
			     __field(u32, new_state)
			     __field(u32, origin)
			     __field(u32, reason)),
	    TP_fast_assign(__entry->line_id = line_id;
			   __entry->handle = handle;
			   __entry->old_state = old_state;
			   __entry->new_state = new_state;
			   __entry->origin = origin;
			   __entry->reason = reason;),
	    TP_printk("line=%u call=%u %s -> %s origin=%u reason=%u",
		      __entry->line_id, __entry->handle,
		      modemline_show_state(__entry->old_state),
		      modemline_show_state(__entry->new_state),
		      __entry->origin, __entry->reason)
);

#endif /* _MODEMLINE_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>

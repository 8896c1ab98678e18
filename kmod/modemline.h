/* SPDX-License-Identifier: GPL-2.0 */
/*
 * modemline core internals, shared by the core's files and its KUnit
 * suites. Transports include line.h only.
 *
 * Lock order (outermost first):
 *   line->ctl                 mutex, serialises the ops of one line
 *   modemline_monitors_lock   mutex, the monitoring files (monitor.c)
 *   client->calls (xa_lock)   a file's handle table; a handoff holds
 *                             two, the one at the lower address first
 *   modemline_lines (xa_lock) the line registry
 *   line->lock                a line and the records of its calls
 *   modemline_subs_lock       the subscription list
 *   evq->lock                 a file's event queue
 *   line->tx_lock             irq-safe, innermost: the connected call's
 *                             transmit side; also taken alone, under a
 *                             tty driver's port lock (write_wakeup)
 *
 * The end of a connected call: whatever ends it (local drop, a result or
 * carrier loss reported by the transport, line removal, a timeout), the
 * call leaves CONNECTED in modemline_call_input() and nowhere else, and
 * there modemline_data_call_left() returns the line's receive and
 * transmit sides to idle: a transport that was refused room is owed an
 * rx_resume (line->rx_resume), and no writer waits for room any more.
 * Every caller of modemline_call_input() drops line->lock with
 * modemline_line_unlock(), which pays that debt outside the lock.
 */
#ifndef _MODEMLINE_H
#define _MODEMLINE_H

#include <linux/kfifo.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <kunit/visibility.h>
#include <linux/modemline.h>

#include "compat.h"
#include "deadline.h"
#include "line.h"

struct mem_cgroup;
struct modemline_client;

struct modemline_line {
	struct kref ref;
	/*
	 * Freed after a grace period: a call's record is read under RCU
	 * alone (modemline_client_info()), @id with it.
	 */
	struct rcu_head rcu;
	u32 id;				/* set once by register, 0 before */
	u32 transport;			/* MODEMLINE_TRANSPORT_*, constant */
	char name[MODEMLINE_NAME_LEN];	/* constant */
	const struct modemline_line_ops *ops;
	void *priv;
	/*
	 * Held around every ops call and every state change an ioctl or
	 * the timeout starts, so that a drop's hang-up cannot hit a newer
	 * call, and so that no op runs once remove() has marked the line
	 * dead.
	 */
	struct mutex ctl;
	/*
	 * Protects the fields below and the record of every call on this
	 * line (the fields of struct modemline_call marked "line->lock").
	 */
	spinlock_t lock;
	bool dead;
	/* The transport is owed an rx_resume, see modemline_line_unlock(). */
	bool rx_resume;
	struct modemline_call *active;	/* not yet ended; holds a reference */
	/*
	 * The receive ring of the last call that shed its live part, empty,
	 * lent to the next call: a call cycle allocates (and, with
	 * init_on_alloc, zeroes) no 4 KiB. It stays charged to the memory
	 * cgroup of the call that allocated it, and is not counted in the
	 * retained bytes (fdinfo, sysfs). It goes when the line is removed.
	 */
	struct kfifo rx_spare;
	bool offering;
	bool offered_voice;		/* the offered call is a voice call */
	u32 rings;
	char offered_number[MODEMLINE_NUMBER_LEN];
	u32 dialect;			/* MODEMLINE_DIALECT_*, set by the transport */
	u64 calls;
	u64 calls_connected;
	u64 calls_failed;
	unsigned int dial_timeout_ms;	/* 0: the module parameter */
	unsigned int hangup_ms;		/* the transport's hang-up budget, 0: none */
	struct modemline_deadline timeout; /* dial/answer timeout, hangup guard */
	/*
	 * Taken with interrupts off, inside @lock where both are, so that
	 * modemline_line_tx_ready() may run from a tty driver's interrupt
	 * handler. Protects @tx_live and the tx fields of its live part.
	 */
	spinlock_t tx_lock;
	/*
	 * The active call's live part while it is CONNECTED, else NULL. It
	 * holds no reference: the call keeps its live part at least until
	 * it has left CONNECTED, and modemline_data_call_left() clears this
	 * first.
	 */
	struct modemline_call_live *tx_live;
};

/*
 * What only a call that has not ended needs. It goes back once the call
 * has ended, its data file is closed and its received bytes are read
 * (modemline_call_shed()), so that a retained call pins its record only.
 */
struct modemline_call_live {
	/* The call's, while call->live points here, and each waiter's. */
	struct kref ref;
	/*
	 * Woken at every state change, when received data arrives and when
	 * the transport takes more data (see data.c).
	 */
	wait_queue_head_t wait;
	/* The owner's memory cgroup, charged for the record's texts. */
	struct mem_cgroup *memcg;
	/* line->lock: */
	u32 pending_origin;		/* what ends a DISCONNECTING call */
	u32 pending_reason;
	char number[MODEMLINE_NUMBER_LEN];
	char result[MODEMLINE_RESULT_LEN];
	char cause[MODEMLINE_CAUSE_LEN];	/* 3GPP: +CEER at the end */
	/*
	 * The data stream (data.c), line->lock too, except that the data
	 * file's reader takes bytes out of @rx without it (a kfifo with one
	 * writer and one reader needs no lock between the two).
	 */
	struct kfifo rx;		/* received bytes */
	bool data_open;			/* a data file is open */
	bool rx_stalled;		/* the transport was refused room */
	/* line->tx_lock; @tx_seq is also read with READ_ONCE() alone: */
	bool tx_blocked;		/* the last write was not taken whole */
	u32 tx_seq;			/* bumped when a writer should retry */
};

/* The texts of a record: number, result and cause. */
#define MODEMLINE_TEXTS		3

/* A call: its record, and its live part until that is shed. */
struct modemline_call {
	/* One per handle (owner or monitor), line->active and user. */
	struct kref ref;
	u32 handle;			/* the owner's handle, line->lock */
	struct modemline_line *line;	/* holds a reference, constant */
	/*
	 * line->lock; the record (all but @client, @handle and @monitors)
	 * no longer changes once @live is NULL, and is read without it then
	 * (modemline_call_is_shed()):
	 */
	union {
		struct {
			/* owner, NULL once released */
			struct modemline_client *client;
			/* struct modemline_watch.node */
			struct hlist_head monitors;
		};
		/*
		 * The record is freed after a grace period, as RCU readers
		 * may still read it (modemline_client_info()); those never
		 * read the two fields above, unused once the last reference
		 * is gone.
		 */
		struct rcu_head rcu;
	};
	struct modemline_call_live *live;	/* NULL once shed */
	/* Once shed: number, result and cause, each NUL-terminated. */
	const char *text;
	u32 direction;			/* constant */
	u32 state;
	u32 origin;
	u32 reason;
	u32 rate;
	/*
	 * A voice call: no data. Set before the call is visible, or (under
	 * line->lock) when a 3GPP modem answers a plain RING as voice.
	 */
	bool voice;
	u8 text_len[MODEMLINE_TEXTS];	/* once shed: @text's, NULs included */
	u64 created_ns;
	u64 connected_ns;
	u64 disconnected_ns;
	u64 rx_bytes;
	u64 tx_bytes;
};

/*
 * Whether @call has shed its live part. Its record no longer changes
 * then (it ended, no data file can count bytes any more, the texts are
 * final), so it may be read without the line's lock.
 */
static inline bool modemline_call_is_shed(struct modemline_call *call)
{
	/* Pairs with the release in modemline_call_shed(). */
	return !smp_load_acquire(&call->live);
}

/*
 * A monitor handle: another file's view of a call. Its handle table holds
 * it (tagged MODEMLINE_ENTRY_MONITOR), and it holds a reference on @call.
 */
struct modemline_watch {
	struct hlist_node node;		/* in call->monitors, line->lock */
	struct modemline_client *client;	/* constant */
	struct modemline_call *call;	/* constant */
	u32 handle;			/* constant */
	/* Freed after a grace period: CALL_INFO looks it up under RCU. */
	struct rcu_head rcu;
};

/*
 * What a handle table entry is: an owner's entry is the call itself, a
 * monitor's the struct modemline_watch, tagged (see xa_tag_pointer()).
 */
#define MODEMLINE_ENTRY_MONITOR	1

/* One line of a subset (line id 0 is kept as modemline_subset.all). */
struct modemline_sub {
	struct list_head node;
	u32 line_id;
};

/* A set of lines a file subscribed to, for events or to monitor. */
struct modemline_subset {
	struct list_head lines;		/* struct modemline_sub.node */
	bool all;			/* every line, present and future */
};

/* Received bytes a call buffers for its data file. */
#define MODEMLINE_DATA_RX_SIZE	4096

/* A bounded queue of events for one open file. */
struct modemline_evq {
	spinlock_t lock;		/* protects the fields below */
	struct modemline_event *ring;
	u32 cap;
	u32 head;
	u32 count;
	u32 lost;			/* dropped since the last OVERFLOW */
	u64 lost_total;			/* dropped since the queue was made */
	u64 seq;			/* last sequence number assigned */
	wait_queue_head_t wait;		/* readers and pollers */
	struct mutex read_mutex;	/* one reader consumes at a time */
};

/* The state of one open /dev/modemline. */
struct modemline_client {
	/* Handle -> call; xa_lock also protects @next_handle, @ncalls, @released. */
	struct xarray calls;
	u32 next_handle;
	u32 ncalls;
	/*
	 * The last released handle, left as a reserved slot until the next
	 * handle is allocated (0: none): a file that dials and releases one
	 * call at a time would otherwise empty the table each time, and the
	 * xarray would free its nodes only to allocate them again.
	 */
	u32 released;
	u32 max_calls;			/* max_calls when the file was opened */
	u32 api;			/* MODEMLINE_API_*, read without a lock */
	struct modemline_evq events;
	/* Subscriptions, under modemline_subs_lock (line.c): */
	struct list_head sub_node;	/* in the list of subscribed files */
	struct modemline_subset subs;
	/* Monitoring, under modemline_monitors_lock (monitor.c): */
	struct list_head mon_node;	/* in the list of monitoring files */
	struct modemline_subset mons;
	u32 missed;			/* calls it could hold no handle to */
};

/* What happens to a call; the table in call.c says what each does. */
enum modemline_call_input {
	MODEMLINE_IN_CONNECT,		/* the modem connected */
	MODEMLINE_IN_END,		/* the modem or the line ended it */
	MODEMLINE_IN_DROP,		/* local drop or release */
	MODEMLINE_IN_TIMEOUT,		/* dial timeout or hangup guard */
	MODEMLINE_IN_ALERTING,		/* the remote party is being alerted */
	MODEMLINE_IN_COUNT,
};

extern unsigned int modemline_dial_timeout_ms;
extern unsigned int modemline_hangup_timeout_ms;

/*
 * What the core adds to a transport's own hang-up budget before it ends
 * the call itself: the transport's timers run late under load, and its
 * own end, which leaves the line ready for the next call, must come first.
 */
#define MODEMLINE_HANGUP_MARGIN_MS	2000

/* What one open file holds, for its fdinfo. */
struct modemline_client_stats {
	u32 calls_live;
	u32 calls_ended;
	u32 monitor_handles;
	u64 oldest_ended_ns;		/* disconnected_ns of the oldest, 0: none */
	u64 kernel_bytes;
};

/* call.c */
u32 modemline_call_next_state(u32 state, enum modemline_call_input in);
struct modemline_call *modemline_call_alloc(struct modemline_line *line,
					    u32 direction, const char *number,
					    bool voice);
void modemline_call_put(struct modemline_call *call);
struct modemline_call_live *modemline_call_live_get(struct modemline_call *call);
void modemline_call_live_put(struct modemline_call_live *live);
void modemline_call_shed(struct modemline_call *call);
void modemline_call_event(struct modemline_call *call, u32 type, u32 handle,
			  u64 now, struct modemline_event *ev);
struct modemline_call *modemline_call_input(struct modemline_call *call,
					    enum modemline_call_input in,
					    u32 origin, u32 reason, u32 rate,
					    const char *result);
int modemline_call_start(struct modemline_call *call,
			 struct modemline_client *client, u32 timeout_ms);
void modemline_call_drop(struct modemline_call *call);
void modemline_call_disown(struct modemline_call *call);
bool modemline_call_ended(struct modemline_call *call);
void modemline_call_fill_info(struct modemline_call *call,
			      struct modemline_call_info *info);
size_t modemline_call_bytes(struct modemline_call *call);
long modemline_calls_retained(void);
size_t modemline_calls_retained_bytes(void);
int modemline_calls_init(void);
void modemline_calls_exit(void);

/* subset.c */
void modemline_subset_init(struct modemline_subset *set);
bool modemline_subset_match(struct modemline_subset *set, u32 line_id,
			    bool spend);
void modemline_subset_add(struct modemline_subset *set, u32 line_id,
			  struct modemline_sub **sub);
int modemline_subset_del(struct modemline_subset *set, u32 line_id,
			 struct modemline_sub **found);
bool modemline_subset_empty(const struct modemline_subset *set);
void modemline_subset_clear(struct modemline_subset *set);

/* monitor.c */
int modemline_monitor(struct modemline_client *client, u32 line_id);
int modemline_unmonitor(struct modemline_client *client, u32 line_id);
void modemline_unmonitor_all(struct modemline_client *client);
void modemline_monitors_line_removed(u32 line_id);
void modemline_monitors_attach(struct modemline_call *call);

/* line.c */
struct modemline_line *modemline_line_get_by_id(u32 id);
bool modemline_line_registered(u32 line_id);
void modemline_line_unlock(struct modemline_line *line)
	__releases(&line->lock);
void modemline_line_arm_timeout_locked(struct modemline_line *line,
				       unsigned int ms);
unsigned int modemline_line_hangup_timeout(struct modemline_line *line);
u32 modemline_line_list(u32 *ids, u32 max);
void modemline_line_fill_info(struct modemline_line *line,
			      struct modemline_line_info *info);
int modemline_subscribe(struct modemline_client *client, u32 line_id);
int modemline_unsubscribe(struct modemline_client *client, u32 line_id);
void modemline_unsubscribe_all(struct modemline_client *client);

/* event.c */
int modemline_evq_init(struct modemline_evq *q, u32 cap);
void modemline_evq_destroy(struct modemline_evq *q);
void modemline_evq_push(struct modemline_evq *q,
			const struct modemline_event *ev);
bool modemline_evq_peek(struct modemline_evq *q, struct modemline_event *ev);
void modemline_evq_consume(struct modemline_evq *q);
bool modemline_evq_empty(struct modemline_evq *q);
void modemline_evq_stats(struct modemline_evq *q, u32 *queued, u64 *lost);
void modemline_client_event(struct modemline_client *client,
			    struct modemline_event *ev);

/* data.c */
long modemline_ioc_call_data(struct modemline_client *client,
			     void __user *argp);
void modemline_data_call_left(struct modemline_call *call);
void modemline_data_call_ended(struct modemline_call *call);
void modemline_data_call_changed(struct modemline_call *call);

/* ldisc.c */
int modemline_ldisc_init(void);
void modemline_ldisc_exit(void);

/* client.c */
struct modemline_client *modemline_client_create(u32 max_calls, u32 max_events);
void modemline_client_destroy(struct modemline_client *client);
int modemline_client_reserve(struct modemline_client *client, u32 *handle);
void modemline_client_unreserve(struct modemline_client *client, u32 handle);
void modemline_client_publish(struct modemline_client *client, u32 handle,
			      struct modemline_call *call);
struct modemline_call *modemline_client_get_owned(struct modemline_client *client,
						  u32 handle);
void *modemline_client_take(struct modemline_client *client, u32 handle,
			    void *entry);
void modemline_client_let_go(void *entry, bool drop);
int modemline_client_release(struct modemline_client *client, u32 handle,
			     bool drop);
int modemline_client_handoff(struct modemline_client *client, u32 handle,
			     struct modemline_call *call,
			     struct modemline_client *to, u32 new_handle);
void modemline_client_watch(struct modemline_client *client,
			    struct modemline_call *call);
int modemline_client_info(struct modemline_client *client, u32 handle,
			  struct modemline_call_info *info);
u32 modemline_client_list(struct modemline_client *client, u32 *ids, u32 max);
void modemline_client_stats(struct modemline_client *client,
			    struct modemline_client_stats *st);

#endif /* _MODEMLINE_H */

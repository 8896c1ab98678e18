// SPDX-License-Identifier: GPL-2.0
/*
 * modemline call object: its state machine, its retained record and the
 * operations that move it, for a line's one call that has not ended.
 *
 * The record of a call is protected by its line's lock (see modemline.h
 * for the lock order). A call is referenced by the owner's handle table
 * and each monitor's, by its line while it has not ended (line->active),
 * by its data file, and by anyone working on it; the last reference frees
 * it and drops its line.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/error-injection.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "modemline.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static struct kmem_cache *modemline_call_cache;

/* Calls that ended and are not freed yet: sysfs retained_calls. */
static atomic_long_t modemline_retained = ATOMIC_LONG_INIT(0);

#define DIALING		MODEMLINE_STATE_DIALING
#define ANSWERING	MODEMLINE_STATE_ANSWERING
#define CONNECTED	MODEMLINE_STATE_CONNECTED
#define DISCONNECTING	MODEMLINE_STATE_DISCONNECTING
#define DISCONNECTED	MODEMLINE_STATE_DISCONNECTED
#define RINGBACK	MODEMLINE_STATE_RINGBACK

/*
 * The whole state machine. An input that a state does not expect (a late
 * CONNECT during our own hang-up, a timeout after connecting, anything
 * after the end) leaves the state unchanged: modems race with us, and
 * such races are not errors.
 */
static const u8 modemline_call_table[RINGBACK + 1][MODEMLINE_IN_COUNT] = {
	[DIALING] = {
		[MODEMLINE_IN_CONNECT] = CONNECTED,
		[MODEMLINE_IN_END] = DISCONNECTED,
		[MODEMLINE_IN_DROP] = DISCONNECTING,
		[MODEMLINE_IN_TIMEOUT] = DISCONNECTING,
		[MODEMLINE_IN_ALERTING] = RINGBACK,
	},
	[ANSWERING] = {
		[MODEMLINE_IN_CONNECT] = CONNECTED,
		[MODEMLINE_IN_END] = DISCONNECTED,
		[MODEMLINE_IN_DROP] = DISCONNECTING,
		[MODEMLINE_IN_TIMEOUT] = DISCONNECTING,
		[MODEMLINE_IN_ALERTING] = ANSWERING,
	},
	[CONNECTED] = {
		[MODEMLINE_IN_CONNECT] = CONNECTED,
		[MODEMLINE_IN_END] = DISCONNECTED,
		[MODEMLINE_IN_DROP] = DISCONNECTING,
		[MODEMLINE_IN_TIMEOUT] = CONNECTED,
		[MODEMLINE_IN_ALERTING] = CONNECTED,
	},
	[DISCONNECTING] = {
		[MODEMLINE_IN_CONNECT] = DISCONNECTING,
		[MODEMLINE_IN_END] = DISCONNECTED,
		[MODEMLINE_IN_DROP] = DISCONNECTING,
		[MODEMLINE_IN_TIMEOUT] = DISCONNECTED,
		[MODEMLINE_IN_ALERTING] = DISCONNECTING,
	},
	[DISCONNECTED] = {
		[MODEMLINE_IN_CONNECT] = DISCONNECTED,
		[MODEMLINE_IN_END] = DISCONNECTED,
		[MODEMLINE_IN_DROP] = DISCONNECTED,
		[MODEMLINE_IN_TIMEOUT] = DISCONNECTED,
		[MODEMLINE_IN_ALERTING] = DISCONNECTED,
	},
	/* A dialing voice call whose remote party is being alerted. */
	[RINGBACK] = {
		[MODEMLINE_IN_CONNECT] = CONNECTED,
		[MODEMLINE_IN_END] = DISCONNECTED,
		[MODEMLINE_IN_DROP] = DISCONNECTING,
		[MODEMLINE_IN_TIMEOUT] = DISCONNECTING,
		[MODEMLINE_IN_ALERTING] = RINGBACK,
	},
};

/* Returns the state @in leads to from @state, 0 if either is invalid. */
u32 modemline_call_next_state(u32 state, enum modemline_call_input in)
{
	if (state < DIALING || state > RINGBACK || in >= MODEMLINE_IN_COUNT)
		return 0;
	return modemline_call_table[state][in];
}
EXPORT_SYMBOL_IF_KUNIT(modemline_call_next_state);

struct modemline_call *modemline_call_alloc(struct modemline_line *line,
					    u32 direction, const char *number,
					    bool voice)
{
	struct modemline_call *call;

	call = kmem_cache_zalloc(modemline_call_cache, GFP_KERNEL);
	if (!call)
		return NULL;
	/* Allocated here, charged to the caller, so DIAL can fail cleanly. */
	if (kfifo_alloc(&call->rx, MODEMLINE_DATA_RX_SIZE, GFP_KERNEL_ACCOUNT)) {
		kmem_cache_free(modemline_call_cache, call);
		return NULL;
	}
	kref_init(&call->ref);
	kref_get(&line->ref);
	call->line = line;
	call->direction = direction;
	call->voice = voice;
	INIT_LIST_HEAD(&call->monitors);
	init_waitqueue_head(&call->wait);
	strscpy_pad(call->number, number, sizeof(call->number));
	return call;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_call_alloc);
ALLOW_ERROR_INJECTION(modemline_call_alloc, NULL);

static void modemline_call_release(struct kref *ref)
{
	struct modemline_call *call = container_of(ref, struct modemline_call, ref);

	/*
	 * Nobody else holds it, so no lock. disconnected_ns is set exactly
	 * when the call reached DISCONNECTED and was counted.
	 */
	if (call->disconnected_ns)
		atomic_long_dec(&modemline_retained);
	kfifo_free(&call->rx);
	modemline_line_put(call->line);
	kmem_cache_free(modemline_call_cache, call);
}

void modemline_call_put(struct modemline_call *call)
{
	kref_put(&call->ref, modemline_call_release);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_call_put);

/**
 * modemline_call_event - an event about @call, as one file sees it
 * @call:   the call; its line's lock is held
 * @type:   MODEMLINE_EVENT_*
 * @handle: the file's handle to the call, 0 if it has none
 * @now:    when it happened
 * @ev:     filled, every byte
 */
void modemline_call_event(struct modemline_call *call, u32 type, u32 handle,
			  u64 now, struct modemline_event *ev)
{
	lockdep_assert_held(&call->line->lock);
	memset(ev, 0, sizeof(*ev));
	ev->timestamp_ns = now;
	ev->type = type;
	ev->line_id = call->line->id;
	ev->call = handle;
	ev->state = call->state;
	ev->origin = call->origin;
	ev->reason = call->reason;
	if (call->state == CONNECTED)
		ev->rate = call->rate;
	/*
	 * CALL_STATE never carried it: the owner has it from DIAL or
	 * ANSWER, a monitor from CALL_NEW, a new owner from CALL_HANDOFF.
	 */
	if (type != MODEMLINE_EVENT_CALL_STATE)
		memcpy(ev->number, call->number, sizeof(ev->number));
}
EXPORT_SYMBOL_IF_KUNIT(modemline_call_event);

/* Tell the owner and every monitor; the line's lock is held. */
static void modemline_call_notify(struct modemline_call *call, u64 now)
{
	struct modemline_watch *watch;
	struct modemline_event ev;

	modemline_call_event(call, MODEMLINE_EVENT_CALL_STATE, call->handle,
			     now, &ev);
	if (call->client)
		modemline_client_event(call->client, &ev);
	list_for_each_entry(watch, &call->monitors, node) {
		ev.call = watch->handle;
		modemline_client_event(watch->client, &ev);
	}
}

/**
 * modemline_call_input - apply one input to a call's record
 * @call:   a call; its line's lock must be held
 * @in:     what happened
 * @origin: for MODEMLINE_IN_END/DROP/TIMEOUT, who ends the call
 * @reason: and why
 * @rate:   for MODEMLINE_IN_CONNECT, the connect rate
 * @result: the modem's result text, or NULL
 *
 * Records the transition, traces it and queues the owner's event. A call
 * that reaches DISCONNECTED leaves its line; the line's reference on it
 * is then returned, for the caller to put once it has dropped the lock
 * with modemline_line_unlock().
 *
 * Return: the call to put after unlocking, or NULL.
 */
struct modemline_call *modemline_call_input(struct modemline_call *call,
					    enum modemline_call_input in,
					    u32 origin, u32 reason, u32 rate,
					    const char *result)
{
	struct modemline_line *line = call->line;
	u32 old = call->state;
	u32 next = modemline_call_next_state(old, in);
	u64 now;

	lockdep_assert_held(&line->lock);
	if (WARN_ON_ONCE(!next) || old == DISCONNECTED)
		return NULL;
	if (result)
		strscpy_pad(call->result, result, sizeof(call->result));
	if (next == old)
		return NULL;

	now = ktime_get_boottime_ns();
	if (old == CONNECTED)
		modemline_data_call_left(call);
	switch (next) {
	case CONNECTED:
		call->connected_ns = now;
		call->rate = rate;
		line->calls_connected++;
		modemline_deadline_disarm(&line->timeout);
		break;
	case DISCONNECTING:
		call->pending_origin = origin;
		call->pending_reason = reason;
		modemline_line_arm_timeout_locked(line,
						  modemline_line_hangup_timeout(line));
		break;
	case DISCONNECTED:
		if (old == DISCONNECTING) {
			origin = call->pending_origin;
			reason = call->pending_reason;
		}
		call->origin = origin;
		call->reason = reason;
		call->disconnected_ns = now;
		if (!call->connected_ns)
			line->calls_failed++;
		atomic_long_inc(&modemline_retained);
		modemline_deadline_disarm(&line->timeout);
		modemline_data_call_ended(call);
		break;
	}
	/* Read without the lock by modemline_call_ended(). */
	WRITE_ONCE(call->state, next);
	modemline_data_call_changed(call);
	trace_modemline_call_state(line->id, call->handle, old, next,
				   call->origin, call->reason);
	pr_debug("line %u call %u: state %u -> %u (origin %u reason %u)\n",
		 line->id, call->handle, old, next, call->origin, call->reason);
	modemline_call_notify(call, now);
	wake_up_all(&call->wait);

	if (next != DISCONNECTED)
		return NULL;
	line->active = NULL;
	return call;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_call_input);

/**
 * modemline_call_start - make @call the line's call and dial or answer
 * @call:       a new call, its handle already reserved in @client
 * @client:     the owner, to receive the call's events
 * @timeout_ms: how long the modem may take to connect
 *
 * If the transport's op fails before the transport reported anything on
 * the call, the call is taken back as if it never was (and an answered
 * offer is offered again). If the transport already reported (its receive
 * side does not wait for the op), that report stands and the call stays.
 *
 * Return: 0, or -ENOENT (line gone), -EBUSY (line has a call), -ESRCH
 * (nothing to answer), -EOPNOTSUPP (a voice call on a line that is not
 * 3GPP), or the transport's error; on error the call was never visible
 * to anyone.
 */
int modemline_call_start(struct modemline_call *call,
			 struct modemline_client *client, u32 timeout_ms)
{
	struct modemline_line *line = call->line;
	bool incoming = call->direction == MODEMLINE_DIR_INCOMING;
	u32 state = incoming ? ANSWERING : DIALING;
	u32 rings = 0;
	int err = 0;

	mutex_lock(&line->ctl);
	spin_lock(&line->lock);
	if (line->dead)
		err = -ENOENT;
	else if (line->active)
		err = -EBUSY;
	else if (incoming && !line->offering)
		err = -ESRCH;
	else if (call->voice && line->dialect != MODEMLINE_DIALECT_3GPP)
		err = -EOPNOTSUPP;
	if (err) {
		spin_unlock(&line->lock);
		goto out;
	}
	if (incoming) {
		strscpy_pad(call->number, line->offered_number, sizeof(call->number));
		/* Not seen by anyone yet: set once, then constant. */
		call->voice = line->offered_voice;
		rings = line->rings;
		line->offering = false;
		line->rings = 0;
		memset(line->offered_number, 0, sizeof(line->offered_number));
	}
	kref_get(&call->ref);
	line->active = call;
	line->calls++;
	call->client = client;
	call->state = state;
	call->created_ns = ktime_get_boottime_ns();
	modemline_line_arm_timeout_locked(line, timeout_ms);
	spin_unlock(&line->lock);

	trace_modemline_call_state(line->id, call->handle, 0, state, 0, 0);
	err = incoming ? line->ops->answer(line) :
			 line->ops->dial(line, call->number, call->voice);
	if (!err)
		goto out;

	spin_lock(&line->lock);
	if (line->active != call || call->state != state) {
		spin_unlock(&line->lock);
		err = 0;
		goto out;
	}
	line->active = NULL;
	line->calls--;
	call->client = NULL;
	modemline_deadline_disarm(&line->timeout);
	if (incoming && !line->offering && !line->dead) {
		line->offering = true;
		line->rings = rings;
		line->offered_voice = call->voice;
		memcpy(line->offered_number, call->number, sizeof(line->offered_number));
	}
	spin_unlock(&line->lock);
	modemline_call_put(call);
out:
	/*
	 * Under ctl: a removal of the line, which spends its monitors'
	 * subscriptions, comes wholly before or after.
	 */
	if (!err)
		modemline_monitors_attach(call);
	mutex_unlock(&line->ctl);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_call_start);

/* Drop @call from this side (origin LOCAL, reason NORMAL), asynchronously. */
void modemline_call_drop(struct modemline_call *call)
{
	struct modemline_line *line = call->line;
	bool hangup;
	u32 old;

	/*
	 * DISCONNECTED is final, so a call seen in it has nothing to drop:
	 * closing a file that keeps many ended records takes no lock each.
	 */
	if (modemline_call_ended(call))
		return;
	mutex_lock(&line->ctl);
	spin_lock(&line->lock);
	old = call->state;
	modemline_call_input(call, MODEMLINE_IN_DROP, MODEMLINE_ORIGIN_LOCAL,
			     MODEMLINE_REASON_NORMAL, 0, NULL);
	hangup = old != DISCONNECTING && call->state == DISCONNECTING;
	modemline_line_unlock(line);
	/* The line's ctl mutex keeps it alive and this call its active one. */
	if (hangup)
		line->ops->hangup(line);
	mutex_unlock(&line->ctl);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_call_drop);

/* The owner lets go of @call: no more events for it. */
void modemline_call_disown(struct modemline_call *call)
{
	spin_lock(&call->line->lock);
	call->client = NULL;
	spin_unlock(&call->line->lock);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_call_disown);

bool modemline_call_ended(struct modemline_call *call)
{
	return READ_ONCE(call->state) == DISCONNECTED;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_call_ended);

/* Copy the record; the line's lock must be held. */
void modemline_call_fill_info(struct modemline_call *call,
			      struct modemline_call_info *info)
{
	u64 end;

	lockdep_assert_held(&call->line->lock);
	info->line_id = call->line->id;
	info->direction = call->direction;
	info->state = call->state;
	info->origin = call->origin;
	info->reason = call->reason;
	info->rate = call->rate;
	info->created_ns = call->created_ns;
	info->connected_ns = call->connected_ns;
	info->disconnected_ns = call->disconnected_ns;
	if (call->connected_ns) {
		end = call->disconnected_ns ?: ktime_get_boottime_ns();
		info->duration_ns = end - call->connected_ns;
	}
	info->rx_bytes = call->rx_bytes;
	info->tx_bytes = call->tx_bytes;
	memcpy(info->number, call->number, sizeof(info->number));
	memcpy(info->result, call->result, sizeof(info->result));
	memcpy(info->cause, call->cause, sizeof(info->cause));
	if (call->voice)
		info->flags |= MODEMLINE_CALL_INFO_VOICE;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_call_fill_info);

/*
 * The kernel memory @call pins: its record, and its receive buffer while
 * it has one. The line's lock must be held.
 */
size_t modemline_call_bytes(struct modemline_call *call)
{
	lockdep_assert_held(&call->line->lock);
	return kmem_cache_size(modemline_call_cache) +
	       (call->rx.kfifo.data ? kfifo_size(&call->rx) : 0);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_call_bytes);

/* The memory of one retained record, once its buffer is given back. */
size_t modemline_call_record_bytes(void)
{
	return kmem_cache_size(modemline_call_cache);
}

long modemline_calls_retained(void)
{
	return atomic_long_read(&modemline_retained);
}

int modemline_calls_init(void)
{
	modemline_call_cache = KMEM_CACHE(modemline_call, SLAB_ACCOUNT);
	return modemline_call_cache ? 0 : -ENOMEM;
}

void modemline_calls_exit(void)
{
	kmem_cache_destroy(modemline_call_cache);
}

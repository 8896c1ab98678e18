// SPDX-License-Identifier: GPL-2.0
/*
 * modemline call object: its state machine, its retained record and the
 * operations that move it, for a line's one call that has not ended.
 *
 * The record of a call is protected by its line's lock (see modemline.h
 * for the lock order). A call is referenced by the owner's handle table
 * and each monitor's, by its line while it has not ended (line->active),
 * by its data file, and by anyone working on it; the last reference drops
 * its line and frees it after an RCU grace period, since handle lookups
 * and CALL_INFO of an ended call read it under rcu_read_lock() alone.
 *
 * What only a live call needs (wait queue, receive ring, the data
 * stream's state and the texts at their full size) is its live part,
 * shed once the call has ended and its data stream is done with: a file
 * that keeps many ended calls for accounting pins their records only.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/error-injection.h>
#include <linux/memcontrol.h>
#include <linux/rcupdate.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "modemline.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

static struct kmem_cache *modemline_call_cache;

/* Calls that ended and are not freed yet: sysfs retained_calls. */
static atomic_long_t modemline_retained = ATOMIC_LONG_INIT(0);
/* The bytes their shed texts take: part of sysfs retained_bytes. */
static atomic_long_t modemline_retained_text = ATOMIC_LONG_INIT(0);

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
	struct modemline_call_live *live;
	struct modemline_call *call;

	call = kmem_cache_zalloc(modemline_call_cache, GFP_KERNEL);
	if (!call)
		return NULL;
	/*
	 * Allocated here, charged to the caller, so DIAL can fail cleanly;
	 * the receive ring is the line's spare if it has one (see
	 * modemline_call_lend_ring()), which a failed start gives back.
	 */
	live = kzalloc_obj(*live, GFP_KERNEL_ACCOUNT);
	if (!live)
		goto fail;
	spin_lock(&line->lock);
	swap(live->rx, line->rx_spare);
	spin_unlock(&line->lock);
	if (!kfifo_initialized(&live->rx) &&
	    kfifo_alloc(&live->rx, MODEMLINE_DATA_RX_SIZE, GFP_KERNEL_ACCOUNT))
		goto fail;
	kref_init(&live->ref);
	init_waitqueue_head(&live->wait);
	live->memcg = get_mem_cgroup_from_mm(current->mm);
	strscpy_pad(live->number, number, sizeof(live->number));
	kref_init(&call->ref);
	kref_get(&line->ref);
	call->line = line;
	call->live = live;
	call->direction = direction;
	call->voice = voice;
	return call;
fail:
	kfree(live);
	kmem_cache_free(modemline_call_cache, call);
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_call_alloc);
ALLOW_ERROR_INJECTION(modemline_call_alloc, NULL);

/*
 * The three texts a call keeps, wherever they are, and the bytes of each
 * to copy: the whole zero-padded field of the live part, or the text and
 * its NUL once shed.
 */
struct modemline_call_texts {
	const char *number;
	const char *result;
	const char *cause;
	u8 len[MODEMLINE_TEXTS];
};

/*
 * @call's texts; the line's lock is held, or the call is shed (and so no
 * longer changes), or nobody else has it.
 */
static void modemline_call_texts(struct modemline_call *call,
				 struct modemline_call_texts *t)
{
	const u8 *len = call->text_len;

	if (call->live) {
		t->number = call->live->number;
		t->result = call->live->result;
		t->cause = call->live->cause;
		t->len[0] = sizeof(call->live->number);
		t->len[1] = sizeof(call->live->result);
		t->len[2] = sizeof(call->live->cause);
		return;
	}
	t->number = call->text;
	t->result = t->number + len[0];
	t->cause = t->result + len[1];
	memcpy(t->len, len, sizeof(t->len));
}

/* What the texts of a shed call take from the heap. */
static size_t modemline_call_text_bytes(struct modemline_call *call)
{
	return kmalloc_size_roundup(call->text_len[0] + call->text_len[1] +
				    call->text_len[2]);
}

static void modemline_call_live_release(struct kref *ref)
{
	struct modemline_call_live *live =
		container_of(ref, struct modemline_call_live, ref);

	kfifo_free(&live->rx);
	mem_cgroup_put(live->memcg);
	kfree(live);
}

/*
 * The live part of @call, to wait on its queue whatever the call does
 * meanwhile, or NULL if the call has shed it (it has ended then).
 */
struct modemline_call_live *modemline_call_live_get(struct modemline_call *call)
{
	struct modemline_call_live *live;

	spin_lock(&call->line->lock);
	live = call->live;
	if (live)
		kref_get(&live->ref);
	spin_unlock(&call->line->lock);
	return live;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_call_live_get);

void modemline_call_live_put(struct modemline_call_live *live)
{
	kref_put(&live->ref, modemline_call_live_release);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_call_live_put);

/* After a grace period: no RCU reader reads @call or its texts any more. */
static void modemline_call_free(struct rcu_head *rcu)
{
	struct modemline_call *call = container_of(rcu, struct modemline_call, rcu);

	kfree(call->text);
	kmem_cache_free(modemline_call_cache, call);
}

static void modemline_call_release(struct kref *ref)
{
	struct modemline_call *call = container_of(ref, struct modemline_call, ref);

	/*
	 * No reference is left, so no lock: RCU readers only read it.
	 * disconnected_ns is set exactly when the call reached DISCONNECTED
	 * and was counted.
	 */
	if (call->disconnected_ns)
		atomic_long_dec(&modemline_retained);
	if (call->live)
		modemline_call_live_put(call->live);
	if (call->text)
		atomic_long_sub(modemline_call_text_bytes(call),
				&modemline_retained_text);
	/* Its line is freed after a grace period too: no RCU reader waits. */
	modemline_line_put(call->line);
	call_rcu(&call->rcu, modemline_call_free);
}

void modemline_call_put(struct modemline_call *call)
{
	kref_put(&call->ref, modemline_call_release);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_call_put);

/*
 * The ring of @call, empty, goes to its line for the next call, unless
 * the line holds one already or is removed (it takes no other call, and
 * the spare would stay until its last record is released); the line's
 * lock is held.
 */
static void modemline_call_lend_ring(struct modemline_call *call)
{
	struct modemline_line *line = call->line;
	struct kfifo *rx = &call->live->rx;

	if (!line->dead && !kfifo_initialized(&line->rx_spare))
		swap(*rx, line->rx_spare);
	kfifo_free(rx);
}

/**
 * modemline_call_shed - keep only the record of an ended call
 * @call: a call that has ended and whose data stream is done with; its
 *        line's lock is held
 *
 * The texts move into one allocation of their size, charged to the
 * owner's memory cgroup, and the live part goes (once the last waiter on
 * its queue lets go). If that allocation fails, the call keeps its live
 * part, without its ring, until it is released: the record stays whole
 * either way, and no data file can claim the call any more.
 */
void modemline_call_shed(struct modemline_call *call)
{
	struct modemline_call_live *live = call->live;
	struct modemline_call_texts t;
	size_t n, r, c;
	struct mem_cgroup *old;
	char *text;

	lockdep_assert_held(&call->line->lock);
	if (WARN_ON_ONCE(call->state != DISCONNECTED))
		return;
	modemline_call_texts(call, &t);
	/* The fields are NUL-terminated: strscpy_pad() wrote each. */
	n = strlen(t.number) + 1;
	r = strlen(t.result) + 1;
	c = strlen(t.cause) + 1;
	old = set_active_memcg(live->memcg);
	text = kmalloc(n + r + c, GFP_NOWAIT | __GFP_ACCOUNT | __GFP_NOWARN);
	set_active_memcg(old);
	if (!text) {
		/* The texts stay in the live part; its ring goes all the same. */
		modemline_call_lend_ring(call);
		return;
	}
	memcpy(text, t.number, n);
	memcpy(text + n, t.result, r);
	memcpy(text + n + r, t.cause, c);
	call->text = text;
	call->text_len[0] = n;
	call->text_len[1] = r;
	call->text_len[2] = c;
	atomic_long_add(modemline_call_text_bytes(call), &modemline_retained_text);
	modemline_call_lend_ring(call);
	/* Last: from here on the record is read without the lock. */
	smp_store_release(&call->live, NULL);
	modemline_call_live_put(live);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_call_shed);

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
	struct modemline_call_texts t;

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
	if (type != MODEMLINE_EVENT_CALL_STATE) {
		modemline_call_texts(call, &t);
		memcpy(ev->number, t.number, t.len[0]);
	}
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
	hlist_for_each_entry(watch, &call->monitors, node) {
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
		strscpy_pad(call->live->result, result,
			    sizeof(call->live->result));
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
		call->live->pending_origin = origin;
		call->live->pending_reason = reason;
		modemline_line_arm_timeout_locked(line,
						  modemline_line_hangup_timeout(line));
		break;
	case DISCONNECTED:
		if (old == DISCONNECTING) {
			origin = call->live->pending_origin;
			reason = call->live->pending_reason;
		}
		call->origin = origin;
		call->reason = reason;
		call->disconnected_ns = now;
		if (!call->connected_ns)
			line->calls_failed++;
		atomic_long_inc(&modemline_retained);
		modemline_deadline_disarm(&line->timeout);
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
	/*
	 * Waiters check the state under the line's lock (the data file's
	 * poll), or after set_current_state(): nobody asleep, no wake-up.
	 */
	if (wq_has_sleeper(&call->live->wait))
		wake_up_all(&call->live->wait);

	if (next != DISCONNECTED)
		return NULL;
	/* Last: it may shed the live part. */
	modemline_data_call_ended(call);
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
	char number[MODEMLINE_NUMBER_LEN];
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
		modemline_call_lend_ring(call);
		spin_unlock(&line->lock);
		goto out;
	}
	if (incoming) {
		strscpy_pad(call->live->number, line->offered_number,
			    sizeof(call->live->number));
		/* Not seen by anyone yet: set once, then constant. */
		call->voice = line->offered_voice;
		rings = line->rings;
		line->offering = false;
		line->rings = 0;
		memset(line->offered_number, 0, sizeof(line->offered_number));
	}
	/*
	 * The op's copy: an end the transport reports while it dials may
	 * shed the live part before the op reads the number.
	 */
	memcpy(number, call->live->number, sizeof(number));
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
			 line->ops->dial(line, number, call->voice);
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
		strscpy_pad(line->offered_number, call->live->number,
			    sizeof(line->offered_number));
	}
	modemline_call_lend_ring(call);
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

/*
 * Copy the record into @info, zeroed but for @call and @flags; the line's
 * lock must be held, unless the call is shed (modemline_call_is_shed()).
 */
void modemline_call_fill_info(struct modemline_call *call,
			      struct modemline_call_info *info)
{
	struct modemline_call_texts t;
	u64 end;

	lockdep_assert(lockdep_is_held(&call->line->lock) ||
		       modemline_call_is_shed(call));
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
	modemline_call_texts(call, &t);
	memcpy(info->number, t.number, t.len[0]);
	memcpy(info->result, t.result, t.len[1]);
	memcpy(info->cause, t.cause, t.len[2]);
	if (call->voice)
		info->flags |= MODEMLINE_CALL_INFO_VOICE;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_call_fill_info);

/*
 * The kernel memory @call pins: its record, and its live part and
 * receive ring, or its shed texts. The line's lock must be held.
 */
size_t modemline_call_bytes(struct modemline_call *call)
{
	size_t bytes = kmem_cache_size(modemline_call_cache);

	lockdep_assert_held(&call->line->lock);
	if (call->live)
		bytes += kmalloc_size_roundup(sizeof(*call->live)) +
			 (kfifo_initialized(&call->live->rx) ?
			  kfifo_size(&call->live->rx) : 0);
	else
		bytes += modemline_call_text_bytes(call);
	return bytes;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_call_bytes);

/* The memory the retained records take, once their live parts are shed. */
size_t modemline_calls_retained_bytes(void)
{
	return atomic_long_read(&modemline_retained) *
	       kmem_cache_size(modemline_call_cache) +
	       atomic_long_read(&modemline_retained_text);
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
	/* The records still waiting for their grace period. */
	rcu_barrier();
	kmem_cache_destroy(modemline_call_cache);
}

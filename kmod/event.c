// SPDX-License-Identifier: GPL-2.0
/*
 * modemline event queue: a bounded ring of records per open file. When it
 * is full new events are counted as lost, and one OVERFLOW record with the
 * count takes the first free slot, ahead of any newer event.
 */
#include <linux/error-injection.h>
#include <linux/poll.h>
#include <linux/wait.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "modemline.h"

int modemline_evq_init(struct modemline_evq *q, u32 cap)
{
	q->ring = kvcalloc(cap, sizeof(*q->ring), GFP_KERNEL_ACCOUNT);
	if (!q->ring)
		return -ENOMEM;
	q->cap = cap;
	q->head = 0;
	q->count = 0;
	q->lost = 0;
	q->lost_total = 0;
	q->seq = 0;
	spin_lock_init(&q->lock);
	init_waitqueue_head(&q->wait);
	mutex_init(&q->read_mutex);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_evq_init);
ALLOW_ERROR_INJECTION(modemline_evq_init, ERRNO);

void modemline_evq_destroy(struct modemline_evq *q)
{
	mutex_destroy(&q->read_mutex);
	kvfree(q->ring);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_evq_destroy);

static void modemline_evq_append_locked(struct modemline_evq *q,
					const struct modemline_event *ev)
{
	struct modemline_event *slot = &q->ring[(q->head + q->count) % q->cap];

	*slot = *ev;
	slot->seq = ++q->seq;
	/* Read without the lock by modemline_evq_empty(). */
	WRITE_ONCE(q->count, q->count + 1);
}

/* Queue the OVERFLOW record if events were lost and there is room now. */
static void modemline_evq_flush_lost_locked(struct modemline_evq *q)
{
	struct modemline_event ev;

	if (!q->lost || q->count >= q->cap)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.timestamp_ns = ktime_get_boottime_ns();
	ev.type = MODEMLINE_EVENT_OVERFLOW;
	ev.lost = q->lost;
	q->lost = 0;
	modemline_evq_append_locked(q, &ev);
}

void modemline_evq_push(struct modemline_evq *q,
			const struct modemline_event *ev)
{
	spin_lock(&q->lock);
	modemline_evq_flush_lost_locked(q);
	if (q->count < q->cap) {
		modemline_evq_append_locked(q, ev);
	} else {
		q->lost++;
		q->lost_total++;
	}
	spin_unlock(&q->lock);
	/*
	 * Most records find nobody asleep: skip the wake-up's lock then.
	 * The barrier in wq_has_sleeper() pairs with set_current_state()'s
	 * in a sleeping reader and with the one in modemline_poll().
	 */
	if (wq_has_sleeper(&q->wait))
		wake_up_interruptible_poll(&q->wait, EPOLLIN | EPOLLRDNORM);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_evq_push);

/*
 * Copy the oldest record without removing it: a reader removes it with
 * modemline_evq_consume() only once it reached userspace, so a fault
 * loses nothing. Readers serialise on read_mutex.
 */
bool modemline_evq_peek(struct modemline_evq *q, struct modemline_event *ev)
{
	bool found;

	spin_lock(&q->lock);
	found = q->count > 0;
	if (found)
		*ev = q->ring[q->head];
	spin_unlock(&q->lock);
	return found;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_evq_peek);

void modemline_evq_consume(struct modemline_evq *q)
{
	spin_lock(&q->lock);
	if (!WARN_ON_ONCE(!q->count)) {
		q->head = (q->head + 1) % q->cap;
		WRITE_ONCE(q->count, q->count - 1);
		modemline_evq_flush_lost_locked(q);
	}
	spin_unlock(&q->lock);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_evq_consume);

bool modemline_evq_empty(struct modemline_evq *q)
{
	return !READ_ONCE(q->count);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_evq_empty);

/*
 * Queue @ev for @client, as the file's API version shows it: to a file
 * of API 1 a RINGBACK call is still DIALING, and the change to RINGBACK
 * is no event at all.
 */
void modemline_client_event(struct modemline_client *client,
			    struct modemline_event *ev)
{
	struct modemline_event shown;

	if (ev->state != MODEMLINE_STATE_RINGBACK ||
	    READ_ONCE(client->api) >= MODEMLINE_API_2) {
		modemline_evq_push(&client->events, ev);
		return;
	}
	if (ev->type == MODEMLINE_EVENT_CALL_STATE)
		return;
	shown = *ev;
	shown.state = MODEMLINE_STATE_DIALING;
	modemline_evq_push(&client->events, &shown);
}

/* For fdinfo: events waiting to be read, and all ever dropped. */
void modemline_evq_stats(struct modemline_evq *q, u32 *queued, u64 *lost)
{
	spin_lock(&q->lock);
	*queued = q->count;
	*lost = q->lost_total;
	spin_unlock(&q->lock);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The per-descriptor state of the event calls (queue.h): a list of
 * descriptors, each with its waiters and the ring of events set aside
 * for ml_next_event().
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "queue.h"

/* Few descriptors take events: a list. */
static pthread_mutex_t list_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ml_fdq *fdqs;

static struct ml_fdq **find(int fd)
{
	struct ml_fdq **q;

	for (q = &fdqs; *q && (*q)->fd != fd; q = &(*q)->next)
		;
	return q;
}

static struct ml_fdq *fdq_new(int fd)
{
	struct ml_fdq *n = aligned_alloc(_Alignof(struct ml_fdq), sizeof(*n));
	pthread_condattr_t a;

	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	/* Deadlines are CLOCK_MONOTONIC: a clock change must not move them. */
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&n->changed, &a);
	pthread_condattr_destroy(&a);
	pthread_mutex_init(&n->lock, NULL);
	n->fd = fd;
	return n;
}

static void fdq_free(struct ml_fdq *q)
{
	pthread_cond_destroy(&q->changed);
	pthread_mutex_destroy(&q->lock);
	free(q->ring);
	free(q);
}

struct ml_fdq *ml_fdq_get(int fd)
{
	struct ml_fdq **q, *n;

	pthread_mutex_lock(&list_lock);
	q = find(fd);
	n = *q ? *q : (*q = fdq_new(fd));
	/* Counted while listed: ml_queue_forget() cannot free it under us. */
	if (n)
		atomic_fetch_add(&n->users, 1);
	pthread_mutex_unlock(&list_lock);
	if (n)
		pthread_mutex_lock(&n->lock);
	return n;
}

/*
 * Kept until ml_close(), or until ml_open() returns its number again
 * (allocating it for every event call would cost more than the call).
 * Whichever of the last user and ml_queue_forget() comes second frees
 * it: the users and the FORGOTTEN bit share one atomic word.
 */
#define FORGOTTEN	(1u << 31)

void ml_fdq_put(struct ml_fdq *q)
{
	pthread_mutex_unlock(&q->lock);
	if (atomic_fetch_sub(&q->users, 1) == (FORGOTTEN | 1))
		fdq_free(q);
}

void ml_queue_forget(int fd)
{
	struct ml_fdq **p, *q;

	pthread_mutex_lock(&list_lock);
	p = find(fd);
	q = *p;
	/* Unlisted, it gets no new user. */
	if (q)
		*p = q->next;
	pthread_mutex_unlock(&list_lock);
	if (q && atomic_fetch_or(&q->users, FORGOTTEN) == 0)
		fdq_free(q);
}

bool ml_event_ends(const struct modemline_event *ev, uint32_t call, uint32_t state)
{
	return ev->type == MODEMLINE_EVENT_CALL_STATE && ev->call == call &&
	       (ev->state == state || ev->state == MODEMLINE_STATE_DISCONNECTED);
}

static void push(struct ml_fdq *q, const struct modemline_event *ev)
{
	/* Most descriptors never need one: the ring comes with the first event. */
	if (!q->ring)
		q->ring = malloc(ML_QUEUE_MAX * sizeof(*q->ring));
	/* Without memory, the event is lost as if the ring were full. */
	if (!q->ring || q->count == ML_QUEUE_MAX)
		q->lost++;
	else
		q->ring[(q->head + q->count++) % ML_QUEUE_MAX] = *ev;
}

bool ml_fdq_route(struct ml_fdq *q, const struct modemline_event *ev, struct modemline_event *mine)
{
	struct ml_waiter *w;
	bool taken = false;

	/* Every wait it ends gets it: two threads may wait for one call. */
	for (w = q->waiters; w; w = w->next) {
		if (!w->got && ml_event_ends(ev, w->call, w->state)) {
			w->ev = *ev;
			w->got = true;
			taken = true;
		}
	}
	/* The kernel dropped events: a waiter's may be among them. */
	if (ev->type == MODEMLINE_EVENT_OVERFLOW)
		q->overflows++;
	if (taken)
		return false;
	/* Straight to the reader when nothing queued comes before it. */
	if (mine && !q->count && !q->lost) {
		*mine = *ev;
		return true;
	}
	push(q, ev);
	return false;
}

bool ml_fdq_pop(struct ml_fdq *q, struct modemline_event *ev)
{
	if (q->count) {
		*ev = q->ring[q->head];
		q->head = (q->head + 1) % ML_QUEUE_MAX;
		q->count--;
		return true;
	}
	if (!q->lost)
		return false;
	/* The ring overflowed: a marker after the events it kept. */
	memset(ev, 0, sizeof(*ev));
	ev->type = MODEMLINE_EVENT_OVERFLOW;
	ev->lost = q->lost;
	q->lost = 0;
	return true;
}

void ml_fdq_take(struct ml_fdq *q, struct ml_waiter *w)
{
	unsigned int i, j;

	for (i = 0; i < q->count; i++) {
		if (!ml_event_ends(&q->ring[(q->head + i) % ML_QUEUE_MAX], w->call, w->state))
			continue;
		w->ev = q->ring[(q->head + i) % ML_QUEUE_MAX];
		w->got = true;
		/* Close the gap, keeping the others in order. */
		for (j = i; j + 1 < q->count; j++)
			q->ring[(q->head + j) % ML_QUEUE_MAX] = q->ring[(q->head + j + 1) % ML_QUEUE_MAX];
		q->count--;
		return;
	}
}

int ml_pending(int fd)
{
	struct ml_fdq *q;
	int n = 0;

	pthread_mutex_lock(&list_lock);
	q = *find(fd);
	if (q) {
		pthread_mutex_lock(&q->lock);
		n = (int)q->count + (q->lost ? 1 : 0);
		pthread_mutex_unlock(&q->lock);
	}
	pthread_mutex_unlock(&list_lock);
	return n;
}

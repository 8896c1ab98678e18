// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The per-descriptor state of the event calls (queue.h): a list of
 * descriptors, each with its waiters and the ring of events set aside
 * for ml_next_event().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "queue.h"

/* Few descriptors wait at once: a list, under one lock. */
pthread_mutex_t ml_fdq_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ml_fdq *fdqs;

static struct ml_fdq **find(int fd)
{
	struct ml_fdq **q;

	for (q = &fdqs; *q && (*q)->fd != fd; q = &(*q)->next)
		;
	return q;
}

struct ml_fdq *ml_fdq_get(int fd)
{
	struct ml_fdq **q = find(fd), *n = *q;
	pthread_condattr_t a;

	if (!n) {
		n = calloc(1, sizeof(*n));
		if (!n)
			return NULL;
		/* Deadlines are CLOCK_MONOTONIC: a clock change must not move them. */
		pthread_condattr_init(&a);
		pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
		pthread_cond_init(&n->changed, &a);
		pthread_condattr_destroy(&a);
		n->fd = fd;
		*q = n;
	}
	n->users++;
	return n;
}

static void fdq_free(struct ml_fdq *q)
{
	pthread_cond_destroy(&q->changed);
	free(q);
}

void ml_fdq_put(struct ml_fdq *q)
{
	struct ml_fdq **p;

	if (--q->users)
		return;
	if (q->forgotten) {
		fdq_free(q);
		return;
	}
	/* Queued events keep the state alive until ml_next_event() takes them. */
	if (q->count || q->lost)
		return;
	p = find(q->fd);
	*p = q->next;
	fdq_free(q);
}

void ml_queue_forget(int fd)
{
	struct ml_fdq **p, *q;

	pthread_mutex_lock(&ml_fdq_lock);
	p = find(fd);
	q = *p;
	if (q) {
		*p = q->next;
		/* A thread still inside an event call on it frees it when it leaves. */
		if (q->users)
			q->forgotten = true;
		else
			fdq_free(q);
	}
	pthread_mutex_unlock(&ml_fdq_lock);
}

bool ml_event_ends(const struct modemline_event *ev, uint32_t call, uint32_t state)
{
	return ev->type == MODEMLINE_EVENT_CALL_STATE && ev->call == call &&
	       (ev->state == state || ev->state == MODEMLINE_STATE_DISCONNECTED);
}

static void push(struct ml_fdq *q, const struct modemline_event *ev)
{
	if (q->count == ML_QUEUE_MAX)
		q->lost++;
	else
		q->ev[(q->head + q->count++) % ML_QUEUE_MAX] = *ev;
}

void ml_fdq_route(struct ml_fdq *q, const struct modemline_event *ev)
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
	if (!taken)
		push(q, ev);
}

bool ml_fdq_pop(struct ml_fdq *q, struct modemline_event *ev)
{
	if (q->count) {
		*ev = q->ev[q->head];
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
		if (!ml_event_ends(&q->ev[(q->head + i) % ML_QUEUE_MAX], w->call, w->state))
			continue;
		w->ev = q->ev[(q->head + i) % ML_QUEUE_MAX];
		w->got = true;
		/* Close the gap, keeping the others in order. */
		for (j = i; j + 1 < q->count; j++)
			q->ev[(q->head + j) % ML_QUEUE_MAX] = q->ev[(q->head + j + 1) % ML_QUEUE_MAX];
		q->count--;
		return;
	}
}

int ml_pending(int fd)
{
	struct ml_fdq **q;
	int n = 0;

	pthread_mutex_lock(&ml_fdq_lock);
	q = find(fd);
	if (*q)
		n = (int)(*q)->count + ((*q)->lost ? 1 : 0);
	pthread_mutex_unlock(&ml_fdq_lock);
	return n;
}

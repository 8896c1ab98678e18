// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Events: reading them with a timeout, waiting for a call's state, and
 * the queue that keeps the events such a wait reads past, so that a
 * caller of ml_wait_state() loses nothing (see libmodemline.h).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libmodemline.h"
#include "queue.h"

/* One descriptor's queue: a ring of ML_QUEUE_MAX events. */
struct queue {
	struct queue *next;
	int fd;
	unsigned int head, count;
	uint32_t lost;		/* dropped because the ring was full */
	struct modemline_event ev[ML_QUEUE_MAX];
};

/* Few descriptors wait at once: a list, under one lock. */
static struct queue *queues;
static pthread_mutex_t queues_lock = PTHREAD_MUTEX_INITIALIZER;

static struct queue **find(int fd)
{
	struct queue **q;

	for (q = &queues; *q && (*q)->fd != fd; q = &(*q)->next)
		;
	return q;
}

int ml_queue_push(int fd, const struct modemline_event *ev)
{
	struct queue **q, *n;
	int ret = 0;

	pthread_mutex_lock(&queues_lock);
	q = find(fd);
	if (!*q) {
		n = calloc(1, sizeof(*n));
		if (!n) {
			ret = -ENOMEM;
			goto out;
		}
		n->fd = fd;
		*q = n;
	}
	n = *q;
	if (n->count == ML_QUEUE_MAX)
		n->lost++;
	else
		n->ev[(n->head + n->count++) % ML_QUEUE_MAX] = *ev;
out:
	pthread_mutex_unlock(&queues_lock);
	return ret;
}

bool ml_queue_pop(int fd, struct modemline_event *ev)
{
	struct queue **q, *n;
	bool got = false;

	pthread_mutex_lock(&queues_lock);
	q = find(fd);
	n = *q;
	if (!n)
		goto out;
	got = true;
	if (n->count) {
		*ev = n->ev[n->head];
		n->head = (n->head + 1) % ML_QUEUE_MAX;
		n->count--;
	} else {
		/* Only the overflow marker is left (a queue is never empty otherwise). */
		memset(ev, 0, sizeof(*ev));
		ev->type = MODEMLINE_EVENT_OVERFLOW;
		ev->lost = n->lost;
		n->lost = 0;
	}
	if (!n->count && !n->lost) {
		*q = n->next;
		free(n);
	}
out:
	pthread_mutex_unlock(&queues_lock);
	return got;
}

void ml_queue_forget(int fd)
{
	struct queue **q, *n;

	pthread_mutex_lock(&queues_lock);
	q = find(fd);
	n = *q;
	if (n) {
		*q = n->next;
		free(n);
	}
	pthread_mutex_unlock(&queues_lock);
}

int ml_pending(int fd)
{
	struct queue **q;
	int n = 0;

	pthread_mutex_lock(&queues_lock);
	q = find(fd);
	if (*q)
		n = (int)(*q)->count + ((*q)->lost ? 1 : 0);
	pthread_mutex_unlock(&queues_lock);
	return n;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read one record from the kernel until @deadline (ms, -1: none). */
static int read_event(int fd, struct modemline_event *ev, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int left, ret;
	ssize_t n;

	for (;;) {
		left = -1;
		if (deadline >= 0) {
			int64_t d = deadline - now_ms();

			left = d > 0 ? (int)d : 0;
		}
		ret = poll(&p, 1, left);
		if (ret < 0)
			return -errno;
		if (ret == 0)
			return -ETIMEDOUT;
		if (p.revents & (POLLERR | POLLNVAL))
			return p.revents & POLLNVAL ? -EBADF : -EIO;
		n = read(fd, ev, sizeof(*ev));
		if (n == (ssize_t)sizeof(*ev))
			return 0;
		if (n >= 0)
			return -EIO;	/* the ABI promises whole records */
		/* Another reader of a shared descriptor was faster. */
		if (errno != EAGAIN)
			return -errno;
	}
}

static int64_t deadline_of(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
}

int ml_next_event(int fd, struct modemline_event *ev, int timeout_ms)
{
	if (!ev)
		return -EINVAL;
	if (ml_queue_pop(fd, ev))
		return 0;
	return read_event(fd, ev, deadline_of(timeout_ms));
}

static bool reached(uint32_t now, uint32_t want)
{
	return now == want || now == MODEMLINE_STATE_DISCONNECTED;
}

int ml_wait_state(int fd, uint32_t call, uint32_t state, int timeout_ms,
		  struct modemline_event *last)
{
	int64_t deadline = deadline_of(timeout_ms);
	struct modemline_call_info info;
	struct modemline_event ev;
	int ret;

	if (state < MODEMLINE_STATE_DIALING || state > MODEMLINE_STATE_DISCONNECTED)
		return -EINVAL;
	ret = ml_call_info(fd, call, &info);
	if (ret)
		return ret;
	if (reached(info.state, state)) {
		if (last) {
			memset(last, 0, sizeof(*last));
			last->type = MODEMLINE_EVENT_CALL_STATE;
			last->line_id = info.line_id;
			last->call = call;
			last->state = info.state;
			last->origin = info.origin;
			last->reason = info.reason;
			last->rate = info.rate;
			last->timestamp_ns = info.state == MODEMLINE_STATE_DISCONNECTED ?
					     info.disconnected_ns : info.state == MODEMLINE_STATE_CONNECTED ?
					     info.connected_ns : info.created_ns;
		}
		return (int)info.state;
	}
	for (;;) {
		/* Only new events: the queued ones were read before the check. */
		ret = read_event(fd, &ev, deadline);
		if (ret)
			return ret;
		if (ev.type == MODEMLINE_EVENT_CALL_STATE && ev.call == call &&
		    reached(ev.state, state)) {
			if (last)
				*last = ev;
			return (int)ev.state;
		}
		ret = ml_queue_push(fd, &ev);
		if (ret)
			return ret;
		/* The kernel dropped events: the one we wait for may be among them. */
		if (ev.type == MODEMLINE_EVENT_OVERFLOW) {
			ret = ml_call_info(fd, call, &info);
			if (ret)
				return ret;
			if (reached(info.state, state))
				return ml_wait_state(fd, call, state, 0, last);
		}
	}
}

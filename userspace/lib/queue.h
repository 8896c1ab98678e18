/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal: what the library keeps per descriptor between event calls,
 * so that several threads can wait on one descriptor (libmodemline.h,
 * "Threads"). Everything here is under ml_fdq_lock.
 *
 * One thread at a time reads the kernel (@reading); the others sleep on
 * @changed until it has handed out what it read or given up, each no
 * longer than its own deadline. An event read goes to every
 * ml_wait_state() it ends (@waiters), else to the queue that
 * ml_next_event() takes from, so no thread's event lands in another's
 * hands.
 */
#ifndef LIBMODEMLINE_QUEUE_H
#define LIBMODEMLINE_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/modemline.h>

#include "libmodemline.h"
#include "private.h"

/* An ml_wait_state() in progress, on its caller's stack. */
struct ml_waiter {
	struct ml_waiter *next;
	uint32_t call, state;
	bool got;			/* @ev is the event that ends the wait */
	struct modemline_event ev;
};

struct ml_fdq {
	struct ml_fdq *next;
	int fd;
	unsigned int users;		/* threads inside an event call on @fd */
	bool reading;			/* one of them is in poll()/read() */
	bool forgotten;			/* closed while used: freed by the last user */
	unsigned int overflows;		/* OVERFLOW records read from the kernel */
	pthread_cond_t changed;		/* an event was handed out, or @reading ended */
	struct ml_waiter *waiters;
	unsigned int head, count;	/* ring of events for ml_next_event() */
	uint32_t lost;			/* dropped because the ring was full */
	struct modemline_event ev[ML_QUEUE_MAX];
};

ML_HIDDEN extern pthread_mutex_t ml_fdq_lock;

/* @fd's state, created if needed, with a user counted; NULL: no memory. */
ML_HIDDEN struct ml_fdq *ml_fdq_get(int fd);
/* Uncount a user; frees the state once nobody needs it. */
ML_HIDDEN void ml_fdq_put(struct ml_fdq *q);
/* Hand @ev, just read from the kernel, to its waiters or the queue. */
ML_HIDDEN void ml_fdq_route(struct ml_fdq *q, const struct modemline_event *ev);
/* Take the oldest queued event into @ev; false if none. */
ML_HIDDEN bool ml_fdq_pop(struct ml_fdq *q, struct modemline_event *ev);
/* Take the first queued event that ends @w's wait into @w. */
ML_HIDDEN void ml_fdq_take(struct ml_fdq *q, struct ml_waiter *w);
/* true if @ev ends a wait of @call for @state. */
ML_HIDDEN bool ml_event_ends(const struct modemline_event *ev, uint32_t call, uint32_t state);

/* Forget @fd's queued events (it was closed, or its number reused). */
ML_HIDDEN void ml_queue_forget(int fd);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal: what the library keeps per descriptor between event calls,
 * so that several threads can wait on one descriptor (libmodemline.h,
 * "Threads").
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
#include <stdatomic.h>
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

/*
 * The list of these (@next) is under a lock of its own, held only to
 * find, add and remove one; @users is atomic; the rest is under @lock,
 * so that threads on different descriptors hardly wait for each other.
 */
struct ml_fdq {
	struct ml_fdq *next;
	int fd;
	/*
	 * From here on a cache line of its own: every lookup reads @next
	 * and @fd of the entries before its own, which must not bounce
	 * with another thread's writes to these.
	 */
	_Alignas(64) atomic_uint users;	/* threads inside an event call; bit 31: forgotten */
	pthread_mutex_t lock;
	pthread_cond_t changed;		/* an event was handed out, or @reading ended */
	bool reading;			/* a user is in poll()/read() */
	unsigned int overflows;		/* OVERFLOW records read from the kernel */
	struct ml_waiter *waiters;
	struct modemline_event *ring;	/* ML_QUEUE_MAX events, once one is set aside */
	unsigned int head, count;	/* the events for ml_next_event() */
	uint32_t lost;			/* dropped because the ring was full */
};

/* @fd's state, created if needed, a user counted, @lock held; NULL: no memory. */
ML_HIDDEN struct ml_fdq *ml_fdq_get(int fd);
/* Drop @lock and the user; frees the state if it was forgotten meanwhile. */
ML_HIDDEN void ml_fdq_put(struct ml_fdq *q);
/*
 * Hand @ev, just read from the kernel, to the waits it ends, else to
 * @mine (if not NULL: the reader's own, from ml_next_event()) when the
 * queue is empty, else to the queue; true if @mine got it. @lock held.
 */
ML_HIDDEN bool ml_fdq_route(struct ml_fdq *q, const struct modemline_event *ev,
			    struct modemline_event *mine);
/* Take the oldest queued event into @ev; false if none. */
ML_HIDDEN bool ml_fdq_pop(struct ml_fdq *q, struct modemline_event *ev);
/* Take the first queued event that ends @w's wait into @w. */
ML_HIDDEN void ml_fdq_take(struct ml_fdq *q, struct ml_waiter *w);
/* true if @ev ends a wait of @call for @state. */
ML_HIDDEN bool ml_event_ends(const struct modemline_event *ev, uint32_t call, uint32_t state);

/* Free @fd's state (it was closed, or its number reused). */
ML_HIDDEN void ml_queue_forget(int fd);

#endif

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Events: reading them with a deadline, and waiting for a call's state,
 * from any number of threads on one descriptor (queue.h says how the
 * events are shared out; libmodemline.h what a caller may rely on).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libmodemline.h"
#include "queue.h"

#define NS	1000000000LL

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * NS + ts.tv_nsec;
}

/* -1: none (a negative timeout waits forever, as poll() does). */
static int64_t deadline_of(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : now_ns() + (int64_t)timeout_ms * 1000000;
}

/* poll()'s timeout for @deadline, rounded up so as not to wake early. */
static int poll_ms(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = deadline - now_ns();
	return left > 0 ? (int)((left + 999999) / 1000000) : 0;
}

/*
 * Read one record from the kernel by @deadline. Only the thread that set
 * @reading gets here, so poll() reporting a record means read() finds it
 * and a blocking descriptor cannot leave read() asleep past the deadline.
 */
static int read_kernel(int fd, struct modemline_event *ev, int64_t deadline)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int ret;

	for (;;) {
		ret = poll(&p, 1, poll_ms(deadline));
		if (ret < 0)
			return -errno;
		if (ret == 0)
			return -ETIMEDOUT;
		if (p.revents & POLLNVAL)
			return -EBADF;
		if (p.revents & POLLERR)
			return -EIO;
		n = read(fd, ev, sizeof(*ev));
		if (n == (ssize_t)sizeof(*ev))
			return 0;
		if (n >= 0)
			return -EIO;	/* the ABI promises whole records */
		/* A reader outside the library took it (O_NONBLOCK descriptor). */
		if (errno != EAGAIN)
			return -errno;
	}
}

/*
 * One step of a wait, with @q->lock held (dropped meanwhile): read one
 * record and hand it out (to @mine, see ml_fdq_route()) if no other
 * thread is reading, else sleep until that thread has handed one out or
 * stopped. 1: @mine got it; 0: look again; -ETIMEDOUT at @deadline;
 * -EINTR when a signal interrupted this thread's poll().
 */
static int wait_step(struct ml_fdq *q, int64_t deadline, struct modemline_event *mine)
{
	struct modemline_event ev;
	struct timespec ts;
	int ret;

	if (!q->reading) {
		q->reading = true;
		pthread_mutex_unlock(&q->lock);
		ret = read_kernel(q->fd, &ev, deadline);
		pthread_mutex_lock(&q->lock);
		q->reading = false;
		if (!ret && ml_fdq_route(q, &ev, mine))
			ret = 1;
		/* Whether it read or gave up, another thread may go on. */
		pthread_cond_broadcast(&q->changed);
		return ret;
	}
	if (deadline < 0)
		return -pthread_cond_wait(&q->changed, &q->lock);
	ts.tv_sec = deadline / NS;
	ts.tv_nsec = deadline % NS;
	return -pthread_cond_timedwait(&q->changed, &q->lock, &ts);
}

int ml_next_event(int fd, struct modemline_event *ev, int timeout_ms)
{
	int64_t deadline = deadline_of(timeout_ms);
	struct ml_fdq *q;
	int ret;

	if (!ev)
		return -EINVAL;
	q = ml_fdq_get(fd);
	if (!q)
		return -ENOMEM;
	do {
		if (ml_fdq_pop(q, ev)) {
			ret = 1;
			break;
		}
		ret = wait_step(q, deadline, ev);
	} while (!ret);
	ml_fdq_put(q);
	return ret < 0 ? ret : 0;
}

/* The record's word on the call's state, as the event that said it. */
static void from_record(struct modemline_event *last, uint32_t call,
			const struct modemline_call_info *info)
{
	memset(last, 0, sizeof(*last));
	last->type = MODEMLINE_EVENT_CALL_STATE;
	last->line_id = info->line_id;
	last->call = call;
	last->state = info->state;
	last->origin = info->origin;
	last->reason = info->reason;
	last->rate = info->rate;
	last->timestamp_ns = info->state == MODEMLINE_STATE_DISCONNECTED ? info->disconnected_ns :
			     info->state == MODEMLINE_STATE_CONNECTED ? info->connected_ns :
			     info->created_ns;
}

/*
 * CALL_INFO, without @q->lock (no place to hold it): if @w's call is
 * there already, its wait ends with an event made from the record (seq
 * 0), and the real one, still to be read, goes to ml_next_event().
 */
static int check_record(struct ml_fdq *q, struct ml_waiter *w)
{
	struct modemline_call_info info;
	int ret;

	pthread_mutex_unlock(&q->lock);
	ret = ml_call_info_sz(q->fd, w->call, &info, sizeof(info));
	pthread_mutex_lock(&q->lock);
	if (ret)
		return ret;
	if (!w->got && (info.state == w->state || info.state == MODEMLINE_STATE_DISCONNECTED)) {
		from_record(&w->ev, w->call, &info);
		w->got = true;
	}
	return 0;
}

static void unlink_waiter(struct ml_fdq *q, struct ml_waiter *w)
{
	struct ml_waiter **p;

	for (p = &q->waiters; *p != w; p = &(*p)->next)
		;
	*p = w->next;
}

int ml_wait_state(int fd, uint32_t call, uint32_t state, int timeout_ms,
		  struct modemline_event *last)
{
	int64_t deadline = deadline_of(timeout_ms);
	struct ml_waiter w = { .call = call, .state = state };
	unsigned int overflows;
	struct ml_fdq *q;
	int ret;

	if (state < MODEMLINE_STATE_DIALING || state > MODEMLINE_STATE_RINGBACK)
		return -EINVAL;
	q = ml_fdq_get(fd);
	if (!q)
		return -ENOMEM;
	/*
	 * Listed before the record is read: an event read from now on comes
	 * here, one read before is in the queue or shows in the record.
	 */
	w.next = q->waiters;
	q->waiters = &w;
	ml_fdq_take(q, &w);
	overflows = q->overflows;
	ret = w.got ? 0 : check_record(q, &w);
	while (!ret && !w.got) {
		ret = wait_step(q, deadline, NULL);
		/* Lost events may include this one: the record knows. */
		if (!ret && !w.got && q->overflows != overflows) {
			overflows = q->overflows;
			ret = check_record(q, &w);
		}
	}
	unlink_waiter(q, &w);
	ml_fdq_put(q);
	/* Got is got, even if the deadline passed while the lock was taken back. */
	if (!w.got)
		return ret;
	if (last)
		*last = w.ev;
	return (int)w.ev.state;
}

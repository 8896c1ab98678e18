// SPDX-License-Identifier: GPL-2.0
/*
 * The call cycle every figure runs, one copy: DIAL, wait for CONNECTED,
 * DROP, wait for DISCONNECTED, DEALLOCATE. Waits go through
 * ml_wait_state(), as an application's would; figure 2 also runs them
 * with bare read()s, the ABI's minimum, and counts the system calls of
 * both ways for its divisor.
 */
#include <errno.h>
#include <unistd.h>

#include "bench.h"

int cycle_dial(struct cycle *c, uint32_t *call)
{
	int ret, ms = 0;

	for (;;) {
		c->syscalls++;
		ret = ml_dial(c->fd, c->line, NUMBER, 0, call);
		/* A tty line takes DIAL again once its modem has hung up. */
		if (ret != -EBUSY || ms++ >= c->busy_ms)
			return ret;
		usleep(1000);
	}
}

/* Bare blocking read()s until @call reaches @state (or ends). */
static int wait_bare(struct cycle *c, uint32_t call, uint32_t state,
		     struct modemline_event *ev)
{
	for (;;) {
		c->syscalls++;
		if (read(c->fd, ev, sizeof(*ev)) != (ssize_t)sizeof(*ev))
			return -EIO;
		if (ev->type == MODEMLINE_EVENT_CALL_STATE && ev->call == call &&
		    (ev->state == state || ev->state == MODEMLINE_STATE_DISCONNECTED))
			return 0;
	}
}

/*
 * Take what ml_wait_state() set aside (no system call: it is in the
 * library's queue); each was read by poll() and read(). Returns how many.
 */
static long drop_queued(int fd)
{
	struct modemline_event ev;
	long n = 0;

	while (ml_pending(fd) > 0 && !ml_next_event(fd, &ev, 0))
		n++;
	return n;
}

int cycle_wait(struct cycle *c, uint32_t call, uint32_t state)
{
	struct modemline_event ev;
	int ret;

	if (c->bare) {
		ret = wait_bare(c, call, state, &ev);
	} else {
		/*
		 * CALL_INFO, then poll() and read() per event read: the
		 * one that ended the wait (seq 0 if the record showed the
		 * state already, and none was read) and those set aside.
		 */
		ev.seq = 0;
		ret = ml_wait_state(c->fd, call, state, c->timeout_ms, &ev);
		c->syscalls += 1 + 2 * ((ret >= 0 && ev.seq) + drop_queued(c->fd));
		ret = ret < 0 ? ret : 0;
	}
	if (ret)
		return ret;
	return ev.state == state ? 0 : -ECONNRESET;
}

int cycle_run(struct cycle *c)
{
	uint32_t call;
	int ret;

	ret = cycle_dial(c, &call);
	if (ret)
		return ret;
	ret = cycle_wait(c, call, MODEMLINE_STATE_CONNECTED);
	if (!ret) {
		c->syscalls++;
		ret = ml_drop(c->fd, call, false);
	}
	if (!ret)
		ret = cycle_wait(c, call, MODEMLINE_STATE_DISCONNECTED);
	c->syscalls++;
	/* A call that failed half way is released all the same. */
	if (ret)
		ml_deallocate(c->fd, call, true);
	else
		ret = ml_deallocate(c->fd, call, false);
	/*
	 * The events no wait needed (ml_wait_state() ends on the record when
	 * the state is there before its event is read): read, as an
	 * application that takes every event would, so that the kernel's
	 * queue stays short. Each is poll() and read(), and one poll() finds
	 * none (the library's queue is empty: see cycle_wait()).
	 */
	if (!ret && !c->bare)
		c->syscalls += 2L * drain_events(c->fd) + 1;
	return ret;
}

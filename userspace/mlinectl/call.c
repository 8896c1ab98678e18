// SPDX-License-Identifier: GPL-2.0
/*
 * call: one call in the foreground, the shape DESIGN §3a gives the CLI
 * because a handle cannot outlive its process. stdin and stdout are the
 * data stream, so narration, events and the record go to stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "mlinectl.h"

struct session {
	struct ctx *c;
	uint32_t call;
	int data;		/* data descriptor, -1 until connected */
	bool connected, ended, stdin_open, dropped;
};

static int drop(struct session *s, const char *why)
{
	int ret;

	if (s->dropped || s->ended)
		return 0;
	note(s->c, "%s: dropping call %u", why, s->call);
	s->dropped = true;
	ret = ml_drop(s->c->fd, s->call, false);
	return ret ? fail(s->c, ML_OP_DROP, ret, "drop") : 0;
}

static int on_event(struct session *s, const struct modemline_event *ev)
{
	int fd;

	print_event(s->c, ev);
	if (ev->type != MODEMLINE_EVENT_CALL_STATE || ev->call != s->call)
		return 0;
	if (ev->state == MODEMLINE_STATE_DISCONNECTED)
		s->ended = true;
	if (ev->state != MODEMLINE_STATE_CONNECTED)
		return 0;
	s->connected = true;
	fd = ml_call_data(s->c->fd, s->call, true);
	if (fd < 0) {
		/* The call goes on without data; end of input still drops it. */
		fail(s->c, ML_OP_CALL_DATA, fd, "data stream");
		return 0;
	}
	s->data = fd;
	note(s->c, "connected: stdin goes to the call, the call comes to stdout");
	return 0;
}

/* Copy stdin to the data stream; end of input drops the call. */
static int from_stdin(struct session *s)
{
	char buf[4096];
	ssize_t n = read(0, buf, sizeof(buf)), w, off;

	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 0 : -errno;
	if (n == 0) {
		s->stdin_open = false;
		return drop(s, "end of input");
	}
	for (off = 0; off < n && s->data >= 0; off += w) {
		w = write(s->data, buf + off, (size_t)(n - off));
		if (w < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = s->data, .events = POLLOUT };

			poll(&p, 1, 1000);
			w = 0;
		} else if (w < 0) {
			/* The call ended under us: the event follows. */
			return errno == EPIPE ? 0 : fail(s->c, ML_OP_DATA_WRITE, -errno, "send");
		}
	}
	return 0;
}

static int to_stdout(struct session *s)
{
	char buf[4096];
	ssize_t n = read(s->data, buf, sizeof(buf));

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : fail(s->c, ML_OP_DATA_READ, -errno, "receive");
	if (n == 0) {
		close(s->data);
		s->data = -1;
		return 0;
	}
	if (write(1, buf, (size_t)n) != n)
		return -errno;
	return 0;
}

static void keep(struct session *s)
{
	char ch;

	note(s->c, "--keep: call %u kept; Enter or Ctrl-C releases it", s->call);
	while (!got_signal && read(0, &ch, 1) == 1 && ch != '\n')
		;
}

int cmd_call(struct ctx *c, int argc, char **argv)
{
	bool keep_opt = false;
	struct session s = { .c = c, .data = -1, .stdin_open = true };
	struct modemline_call_info info;
	struct modemline_event ev;
	struct pollfd p[3];
	uint32_t line;
	int n, ms, ret, signals = 0;

	ret = dial_args(c, argc, argv, "--keep", &keep_opt, &line, &ms);
	if (ret)
		return ret;
	out = stderr;
	catch_signals();
	ret = ml_dial(c->fd, line, argv[2], (uint32_t)ms, &s.call);
	if (ret)
		return fail(c, ML_OP_DIAL, ret, "dial %s on line %u", argv[2], line);
	note(c, "dialing %s on line %u: call %u", argv[2], line, s.call);
	while (!s.ended || s.data >= 0) {
		if (got_signal) {
			/* A second signal leaves at once: closing the file ends the call. */
			if (++signals > 1)
				return -EINTR;
			got_signal = 0;
			ret = drop(&s, "interrupted");
			if (ret)
				return ret;
		}
		p[0] = (struct pollfd){ .fd = c->fd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = s.data, .events = POLLIN };
		/* Input waits for the connection (without a data stream it only ends the call). */
		p[2] = (struct pollfd){ .fd = s.stdin_open && s.connected && !s.ended ? 0 : -1,
					.events = POLLIN };
		/* Events ml_wait_state() set aside are not visible to poll(). */
		if (ml_pending(c->fd)) {
			n = 1;
			p[0].revents = POLLIN;
			p[1].revents = p[2].revents = 0;
		} else {
			n = poll(p, 3, -1);
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (p[0].revents & POLLIN) {
			ret = ml_next_event(c->fd, &ev, 0);
			if (ret && ret != -ETIMEDOUT && ret != -EINTR)
				return fail(c, ML_OP_EVENT, ret, "events");
			if (!ret)
				on_event(&s, &ev);
		}
		if (p[1].revents & (POLLIN | POLLHUP))
			ret = to_stdout(&s);
		if (!ret && p[2].revents & (POLLIN | POLLHUP))
			ret = from_stdin(&s);
		if (ret)
			return ret;
	}
	ret = ml_call_info(c->fd, s.call, &info);
	if (ret)
		return fail(c, ML_OP_CALL_INFO, ret, "record");
	note(c, "call %u ended; its record:", s.call);
	print_call(c, &info);
	if (keep_opt)
		keep(&s);
	ret = ml_deallocate(c->fd, s.call, false);
	if (ret)
		return fail(c, ML_OP_DEALLOCATE, ret, "release");
	note(c, "call %u released", s.call);
	return s.connected ? 0 : -ECONNREFUSED;
}

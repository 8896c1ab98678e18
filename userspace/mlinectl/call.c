// SPDX-License-Identifier: GPL-2.0
/*
 * call: one call in the foreground, the shape DESIGN §3a gives the CLI
 * because a handle cannot outlive its process. stdin and stdout are the
 * data stream, so narration, events and the record go to stderr.
 * 'call --answer LINE' waits for the line to ring and answers, for the
 * dial-in end of a link (pppd's pty option runs either form).
 *
 * stdin and stdout are byte streams whatever they are (pipe, socket,
 * file, a pty set raw by pppd): read() and write() only, never stdio,
 * and a short write is carried on. stdin is read only once the call is
 * connected: what a program writes before CONNECT waits where it wrote
 * it (the pipe or pty buffer is the bound; past it the writer blocks)
 * and goes to the call first. A terminal hung up under us (EIO, as when
 * pppd closes its pty) is the end of input or output, not an error; on
 * a terminal it is watched for before the connection too, so that a
 * pppd that gave up does not leave a dial or an answer behind it (a
 * pipe's writer that went away may have left bytes that are still to
 * go: it is not looked at until then).
 *
 * One ppoll() loop moves the bytes through two buffers, stdin to the call
 * and the call to stdout, and never blocks anywhere else: a slow reader
 * of stdout or a full call only hold their own direction back, and the
 * first Ctrl-C is acted on at once (drop, then the record, then the
 * release, then exit 130) however stuck either side is, but for a
 * write to a terminal stopped by Ctrl-S: stdout is not ours to make
 * non-blocking, and a terminal takes a write whole. A second Ctrl-C
 * leaves at once; closing the file ends the call.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "mlinectl.h"

struct buf {
	char b[4096];
	size_t off, len;
};

struct session {
	struct ctx *c;
	uint32_t call;
	int data;		/* data descriptor, -1 until connected and after its end */
	bool voice;		/* --voice: no data stream */
	bool connected, ended, dropped, stdin_open, stdout_open;
	bool stdin_tty;		/* its hang-up is watched for before CONNECT */
	int signals;		/* caught signals acted on */
	struct buf tx;		/* stdin -> call */
	struct buf rx;		/* call -> stdout */
};

static int drop(struct session *s, const char *why)
{
	int ret;

	/* Nothing more goes to the call: a modem hangs up only after a silence. */
	s->tx.len = 0;
	if (s->dropped || s->ended)
		return 0;
	note(s->c, "%s: dropping call %u", why, s->call);
	s->dropped = true;
	ret = ml_drop(s->c->fd, s->call, false);
	return ret ? fail(s->c, ML_OP_DROP, ret, "drop") : 0;
}

static void on_event(struct session *s, const struct modemline_event *ev)
{
	int fd;

	print_event(s->c, ev);
	if (ev->type != MODEMLINE_EVENT_CALL_STATE || ev->call != s->call)
		return;
	if (ev->state == MODEMLINE_STATE_DISCONNECTED)
		s->ended = true;
	if (ev->state != MODEMLINE_STATE_CONNECTED)
		return;
	s->connected = true;
	if (s->voice) {
		note(s->c, "connected: a voice call, no data; end of input hangs up");
		return;
	}
	fd = ml_call_data(s->c->fd, s->call, true);
	if (fd < 0) {
		/* The call goes on without data; end of input still drops it. */
		fail(s->c, ML_OP_CALL_DATA, fd, "data stream");
		return;
	}
	s->data = fd;
	note(s->c, "connected: stdin goes to the call, the call comes to stdout");
}

static int events(struct session *s)
{
	struct modemline_event ev;
	int ret = ml_next_event(s->c->fd, &ev, 0);

	if (ret == -ETIMEDOUT)
		return 0;
	if (ret)
		return fail(s->c, ML_OP_EVENT, ret, "events");
	on_event(s, &ev);
	return 0;
}

static int from_stdin(struct session *s)
{
	ssize_t n = read(0, s->tx.b, sizeof(s->tx.b));

	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n < 0 && errno != EIO)
		return fail_msg(s->c, errno, "stdin: %s", strerror(errno));
	if (n <= 0) {
		s->stdin_open = false;
		return drop(s, "end of input");
	}
	/* Without a data stream input only ends the call. */
	s->tx.off = 0;
	s->tx.len = s->data >= 0 ? (size_t)n : 0;
	return 0;
}

static int to_call(struct session *s)
{
	ssize_t n = write(s->data, s->tx.b + s->tx.off, s->tx.len);

	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n < 0) {
		s->tx.len = 0;
		/* The call ended under us: its event follows. */
		return errno == EPIPE ? 0 : fail(s->c, ML_OP_DATA_WRITE, -errno, "send");
	}
	s->tx.off += (size_t)n;
	s->tx.len -= (size_t)n;
	return 0;
}

static int from_call(struct session *s)
{
	ssize_t n = read(s->data, s->rx.b, sizeof(s->rx.b));

	if (n < 0)
		return errno == EAGAIN ? 0 : fail(s->c, ML_OP_DATA_READ, -errno, "receive");
	if (n == 0) {
		close(s->data);
		s->data = -1;
		return 0;
	}
	/* With stdout gone the call's bytes have nowhere to go. */
	s->rx.off = 0;
	s->rx.len = s->stdout_open ? (size_t)n : 0;
	return 0;
}

static int to_stdout(struct session *s)
{
	ssize_t n = write(1, s->rx.b + s->rx.off, s->rx.len);

	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n < 0) {
		s->rx.len = 0;
		s->stdout_open = false;
		if (errno != EPIPE && errno != EIO)
			fail_msg(s->c, errno, "stdout: %s", strerror(errno));
		return drop(s, "output closed");
	}
	s->rx.off += (size_t)n;
	s->rx.len -= (size_t)n;
	return 0;
}

enum { P_DEV, P_DATA, P_IN, P_OUT, P_N };

/* Until the call has ended and everything it sent is on stdout. */
static int run(struct session *s)
{
	struct pollfd p[P_N];
	int n, ret;

	while (!s->ended || s->data >= 0 || s->rx.len) {
		if (caught_count > s->signals) {
			if (s->signals++)
				return -EINTR;
			ret = drop(s, "interrupted");
			if (ret)
				return ret;
		}
		p[P_DEV] = (struct pollfd){ .fd = s->c->fd, .events = POLLIN };
		/* Read the call only when its bytes have somewhere to go. */
		p[P_DATA] = (struct pollfd){
			.fd = s->data,
			.events = (s->rx.len ? 0 : POLLIN) | (s->tx.len ? POLLOUT : 0),
		};
		if (!p[P_DATA].events)
			p[P_DATA].fd = -1;
		/*
		 * Input waits for the connection (without a data stream it
		 * only ends the call); until then a terminal's hang-up ends it.
		 */
		p[P_IN] = (struct pollfd){
			.fd = s->stdin_open && (s->connected || s->stdin_tty) && !s->dropped &&
			      !s->ended && !s->tx.len ? 0 : -1,
			.events = s->connected ? POLLIN : 0,
		};
		p[P_OUT] = (struct pollfd){ .fd = s->rx.len ? 1 : -1, .events = POLLOUT };
		/* Events ml_wait_state() set aside are not visible to poll(). */
		n = wait_ready(p, P_N, ml_pending(s->c->fd) ? 0 : -1);
		if (n == -EINTR)
			continue;
		if (n < 0)
			return fail_msg(s->c, -n, "poll: %s", strerror(-n));
		ret = 0;
		if (p[P_DEV].revents || ml_pending(s->c->fd))
			ret = events(s);
		if (!ret && s->tx.len && p[P_DATA].revents & (POLLOUT | POLLHUP | POLLERR))
			ret = to_call(s);
		if (!ret && !s->rx.len && p[P_DATA].revents & (POLLIN | POLLHUP | POLLERR))
			ret = from_call(s);
		if (!ret && p[P_IN].revents && !s->connected) {
			s->stdin_open = false;
			ret = drop(s, "input hung up before the connection");
		} else if (!ret && p[P_IN].revents) {
			ret = from_stdin(s);
		}
		if (!ret && p[P_OUT].revents)
			ret = to_stdout(s);
		if (ret)
			return ret;
	}
	return 0;
}

/* --keep: until Enter, end of input or a signal. */
static void keep(struct session *s)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	char ch = 0;

	note(s->c, "--keep: call %u kept; Enter or Ctrl-C releases it", s->call);
	while (caught_count == s->signals && ch != '\n') {
		if (wait_ready(&p, 1, -1) == 1 && read(0, &ch, 1) != 1)
			break;
	}
}

/*
 * --answer: 0 once the line offers a call (now or later), -EINTR on a
 * signal, -ENODEV when the line goes away. Subscribed before the line is
 * looked at, so a ring between the two is an event.
 */
static int wait_offer(struct session *s, uint32_t line)
{
	struct modemline_line_info li;
	struct modemline_event ev;
	struct pollfd p[2];
	struct ctx *c = s->c;
	int ret;

	ret = ml_subscribe(c->fd, line);
	if (ret)
		return fail(c, ML_OP_SUBSCRIBE, ret, "line %u", line);
	ret = ml_line_info(c->fd, line, &li);
	if (ret)
		return fail(c, ML_OP_LINE_INFO, ret, "line %u", line);
	if (li.flags & MODEMLINE_LINE_OFFERING)
		return 0;
	note(c, "waiting for a call on line %u", line);
	for (;;) {
		if (caught_count > s->signals)
			return -EINTR;
		p[0] = (struct pollfd){ .fd = c->fd, .events = POLLIN };
		/* A terminal's hang-up only: its bytes wait for the call. */
		p[1] = (struct pollfd){ .fd = s->stdin_tty ? 0 : -1 };
		if (!ml_pending(c->fd)) {
			ret = wait_ready(p, 2, -1);
			if (ret == -EINTR)
				continue;
			if (ret < 0)
				return fail_msg(c, -ret, "poll: %s", strerror(-ret));
			if (p[1].revents)
				return fail_msg(c, EPIPE, "input hung up while waiting for a call "
						"on line %u", line);
		}
		ret = ml_next_event(c->fd, &ev, 0);
		if (ret == -ETIMEDOUT)
			continue;
		if (ret)
			return fail(c, ML_OP_EVENT, ret, "events");
		print_event(c, &ev);
		if (ev.line_id != line)
			continue;
		if (ev.type == MODEMLINE_EVENT_CALL_OFFERED)
			return 0;
		if (ev.type == MODEMLINE_EVENT_LINE_REMOVED)
			return fail_msg(c, ENODEV, "line %u went away", line);
	}
}

/* --answer: wait for a ring and answer it; a caller who gave up is waited past. */
static int answer(struct session *s, uint32_t line)
{
	struct ctx *c = s->c;
	int ret;

	do {
		ret = wait_offer(s, line);
		if (ret)
			return ret;
		ret = ml_answer(c->fd, line, &s->call);
		if (ret == -ESRCH)
			note(c, "the caller gave up before the answer");
	} while (ret == -ESRCH);
	if (ret)
		return fail(c, ML_OP_ANSWER, ret, "answer on line %u", line);
	note(c, "answering on line %u: call %u", line, s->call);
	return 0;
}

/* Dial (or with @number NULL answer), run the call, print its record, release it. */
static int session(struct session *s, uint32_t line, const char *number, int ms, bool keep_opt)
{
	struct modemline_call_info info;
	struct ctx *c = s->c;
	int ret;

	if (!number)
		ret = answer(s, line);
	else if (s->voice)
		ret = ml_dial_voice(c->fd, line, number, (uint32_t)ms, &s->call);
	else
		ret = ml_dial(c->fd, line, number, (uint32_t)ms, &s->call);
	if (ret && !number)
		return ret;	/* answer() said why */
	if (ret)
		return fail(c, ML_OP_DIAL, ret, "dial %s on line %u", number, line);
	if (number)
		note(c, "dialing %s on line %u: call %u", number, line, s->call);
	ret = run(s);
	if (s->data >= 0)
		close(s->data);
	if (ret)
		return ret;
	ret = ml_call_info(c->fd, s->call, &info);
	if (ret)
		return fail(c, ML_OP_CALL_INFO, ret, "record");
	note(c, "call %u ended; its record:", s->call);
	print_call(c, &info);
	if (keep_opt)
		keep(s);
	ret = ml_deallocate(c->fd, s->call, false);
	if (ret)
		return fail(c, ML_OP_DEALLOCATE, ret, "release");
	note(c, "call %u released", s->call);
	if (s->signals || caught_count)
		return -EINTR;
	return s->connected ? 0 : -ECONNREFUSED;
}

int cmd_call(struct ctx *c, const struct args *a)
{
	struct session s = { .c = c, .data = -1, .stdin_open = true, .stdout_open = true };
	struct sigaction ign = { .sa_handler = SIG_IGN }, pipe_old;
	FILE *saved = out;
	uint32_t line;
	int ms, ret;

	bool answering = opt(a, "answer");

	if (!answering && a->n != 2)
		return usage_error(c, a->cmd, "wants LINE and NUMBER");
	if (answering && a->n != 1)
		return usage_error(c, a->cmd, "--answer wants LINE only");
	if (answering && opt(a, "voice"))
		return usage_error(c, a->cmd, "--voice is for dialing");
	if (parse_u32(c, "LINE", a->pos[0], &line) ||
	    (!answering && parse_number(c, a->pos[1])) || timeout_opt(c, a, 0, &ms))
		return -EINVAL;
	ret = dev(c);
	if (ret < 0)
		return ret;
	/* stdout closed by its reader is EPIPE, which drops the call, not SIGPIPE. */
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &pipe_old);
	out = stderr;
	s.voice = opt(a, "voice");
	s.stdin_tty = isatty(0);
	ret = session(&s, line, answering ? NULL : a->pos[1], ms, opt(a, "keep"));
	out = saved;
	sigaction(SIGPIPE, &pipe_old, NULL);
	return ret;
}

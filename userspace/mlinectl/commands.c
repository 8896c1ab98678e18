// SPDX-License-Identifier: GPL-2.0
/*
 * The commands that map onto one or two library calls each. They run
 * alone (`mlinectl info 1`) or as lines of a batch; both print the same.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mlinectl.h"

/* Wait given by --timeout, else forever (-1). */
static int timeout_opt(const char *s, int *ms)
{
	*ms = -1;
	return s ? parse_ms("--timeout", s, ms) : 0;
}

static int cmd_lines(struct ctx *c, int argc, char **argv)
{
	struct modemline_line_info info;
	uint32_t ids[256], id;
	int fd, n, i, ret;

	n = parse_opts(c, find_cmd(argv[0]), argc, argv, NULL);
	if (n < 0)
		return n;
	if (n > 1)
		return usage_error(find_cmd(argv[0]), "too many arguments");
	fd = dev(c);
	if (fd < 0)
		return fd;
	if (n == 1) {
		if (parse_u32("LINE", argv[1], &id))
			return -EINVAL;
		ret = ml_line_info(fd, id, &info);
		if (ret)
			return fail(c, ML_OP_LINE_INFO, ret, "line %u", id);
		print_line(c, &info);
		return 0;
	}
	n = ml_line_list(fd, ids, 256);
	if (n < 0)
		return fail(c, ML_OP_LINE_LIST, n, "list lines");
	if (n > 256)
		n = 256;
	if (!n)
		note(c, "no lines (attach a modem with 'mlinectl attach TTY')");
	for (i = 0; i < n; i++) {
		/* A line can go away between the list and its info. */
		if (!ml_line_info(fd, ids[i], &info))
			print_line(c, &info);
	}
	return 0;
}

/*
 * Wait until @call is @state; print the event. A call that ends instead
 * fails with -ECONNREFUSED (it never got there) and prints its record.
 */
static int wait_for(struct ctx *c, uint32_t call, uint32_t state, int timeout_ms)
{
	struct modemline_call_info info;
	struct modemline_event ev;
	int ret;

	ret = ml_wait_state(dev(c), call, state, timeout_ms, &ev);
	if (ret < 0)
		return fail(c, ML_OP_EVENT, ret, "waiting for call %u to be %s", call,
			    ml_state_name(state));
	/* seq 0: the call was there already; the event is made from its record. */
	print_event(c, &ev);
	if ((uint32_t)ret == state)
		return 0;
	if (!ml_call_info(dev(c), call, &info)) {
		note(c, "call %u ended before it was %s:", call, ml_state_name(state));
		print_call(c, &info);
	}
	return -ECONNREFUSED;
}

/*
 * The call dial or answer made: the default CALL of the batch's next
 * commands, announced, and with --wait waited for until it is connected.
 * (@number NULL: answered.)
 */
static int call_made(struct ctx *c, uint32_t call, uint32_t line, const char *number,
		     bool wait)
{
	const char *state = number ? "dialing" : "answering";

	c->last_call = call;
	if (c->json) {
		j_begin();
		j_u64("call", call);
		j_u64("line", line);
		if (number)
			j_str("number", number);
		j_str("state", state);
		j_end();
	} else if (number) {
		note(c, "dialing %s on line %u: call %u", number, line, call);
	} else {
		note(c, "answering on line %u: call %u", line, call);
	}
	if (!wait) {
		if (!c->batch)
			fprintf(stderr, "mlinectl: note: call %u ends and is released when mlinectl"
				" exits (its handle belongs to this process)\n", call);
		return 0;
	}
	/* The kernel ends a call not connected by the line's dial timeout: this cannot hang. */
	return wait_for(c, call, MODEMLINE_STATE_CONNECTED, -1);
}

static int cmd_dial(struct ctx *c, int argc, char **argv)
{
	bool wait = false;
	uint32_t line, call;
	int ms, ret;

	ret = dial_args(c, argc, argv, "--wait", &wait, &line, &ms);
	if (ret)
		return ret;
	ret = ml_dial(c->fd, line, argv[2], (uint32_t)ms, &call);
	if (ret)
		return fail(c, ML_OP_DIAL, ret, "dial %s on line %u", argv[2], line);
	return call_made(c, call, line, argv[2], wait);
}

static int cmd_answer(struct ctx *c, int argc, char **argv)
{
	const struct cmd *cmd = find_cmd(argv[0]);
	bool wait = false;
	const struct opt opts[] = { { "--wait", NULL, &wait }, { NULL, NULL, NULL } };
	uint32_t line, call;
	int n, fd, ret;

	n = parse_opts(c, cmd, argc, argv, opts);
	if (n < 0)
		return n;
	if (n != 1)
		return usage_error(cmd, "wants LINE");
	if (parse_u32("LINE", argv[1], &line))
		return -EINVAL;
	fd = dev(c);
	if (fd < 0)
		return fd;
	ret = ml_answer(fd, line, &call);
	if (ret)
		return fail(c, ML_OP_ANSWER, ret, "answer on line %u", line);
	return call_made(c, call, line, NULL, wait);
}

/* Commands of the form NAME [CALL] [flags]: the CALL, or -errno. */
static int one_call(struct ctx *c, int argc, char **argv, const struct opt *opts,
		    uint32_t *call)
{
	const struct cmd *cmd = find_cmd(argv[0]);
	int n = parse_opts(c, cmd, argc, argv, opts);

	if (n < 0)
		return n;
	if (n > 1)
		return usage_error(cmd, "too many arguments");
	if (parse_call(c, n ? argv[1] : NULL, call))
		return -EINVAL;
	return dev(c) < 0 ? c->fd_err : 0;
}

/*
 * drop and release: NAME [CALL] [@flag], then @fn on the call with the
 * flag's value; its failure is reported as "NAME call N".
 */
static int end_call(struct ctx *c, int argc, char **argv, const char *flag, bool *set,
		    int (*fn)(int fd, uint32_t call, bool flag), int op, uint32_t *call)
{
	const struct opt opts[] = { { flag, NULL, set }, { NULL, NULL, NULL } };
	int ret = one_call(c, argc, argv, opts, call);

	if (ret)
		return ret;
	ret = fn(c->fd, *call, *set);
	return ret ? fail(c, op, ret, "%s call %u", argv[0], *call) : 0;
}

static int cmd_drop(struct ctx *c, int argc, char **argv)
{
	bool wait = false;
	uint32_t call;
	int ret = end_call(c, argc, argv, "--wait", &wait, ml_drop, ML_OP_DROP, &call);

	if (ret)
		return ret;
	if (c->json) {
		j_begin();
		j_u64("call", call);
		j_str("dropped", wait ? "disconnected" : "requested");
		j_end();
	} else {
		note(c, wait ? "call %u dropped: disconnected" : "call %u: drop requested", call);
	}
	return 0;
}

static int cmd_release(struct ctx *c, int argc, char **argv)
{
	bool drop = false;
	uint32_t call;
	int ret = end_call(c, argc, argv, "--drop", &drop, ml_deallocate, ML_OP_DEALLOCATE, &call);

	if (ret)
		return ret;
	data_forget(c, call);
	if (c->json) {
		j_begin();
		j_u64("call", call);
		j_bool("released", true);
		j_end();
	} else {
		note(c, "call %u released: its handle and record are gone", call);
	}
	return 0;
}

static int cmd_info(struct ctx *c, int argc, char **argv)
{
	struct modemline_call_info info;
	uint32_t call;
	int ret;

	ret = one_call(c, argc, argv, NULL, &call);
	if (ret)
		return ret;
	ret = ml_call_info(c->fd, call, &info);
	if (ret)
		return fail(c, ML_OP_CALL_INFO, ret, "info of call %u", call);
	print_call(c, &info);
	return 0;
}

static int cmd_list(struct ctx *c, int argc, char **argv)
{
	struct modemline_call_info info;
	uint32_t ids[256];
	int n, i;

	n = parse_opts(c, find_cmd(argv[0]), argc, argv, NULL);
	if (n < 0)
		return n;
	if (n)
		return usage_error(find_cmd(argv[0]), "takes no arguments");
	if (dev(c) < 0)
		return c->fd_err;
	n = ml_call_list(c->fd, ids, 256);
	if (n < 0)
		return fail(c, ML_OP_CALL_LIST, n, "list calls");
	if (!n)
		note(c, "no calls in this file");
	for (i = 0; i < n && i < 256; i++)
		if (!ml_call_info(c->fd, ids[i], &info))
			print_call(c, &info);
	return 0;
}

static int subscribe_args(struct ctx *c, int n, char **argv, bool on)
{
	uint32_t line;
	int i, ret;

	for (i = 1; i <= n || (n == 0 && i == 1); i++) {
		line = 0;
		if (n && parse_u32("LINE", argv[i], &line))
			return -EINVAL;
		ret = on ? ml_subscribe(c->fd, line) : ml_unsubscribe(c->fd, line);
		if (ret)
			return fail(c, on ? ML_OP_SUBSCRIBE : ML_OP_UNSUBSCRIBE, ret,
				    "%ssubscribe to %s %u", on ? "" : "un",
				    line ? "line" : "all lines", line);
	}
	return 0;
}

static int cmd_subscribe(struct ctx *c, int argc, char **argv)
{
	int n = parse_opts(c, find_cmd(argv[0]), argc, argv, NULL);

	if (n < 0)
		return n;
	if (dev(c) < 0)
		return c->fd_err;
	return subscribe_args(c, n, argv, strcmp(argv[0], "unsubscribe"));
}

static int cmd_watch(struct ctx *c, int argc, char **argv)
{
	const char *tmo = NULL, *count_s = NULL;
	const struct opt opts[] = {
		{ "--timeout", &tmo, NULL }, { "--count", &count_s, NULL }, { NULL, NULL, NULL }
	};
	struct timespec t0, t;
	struct modemline_event ev;
	uint32_t count = 0, seen = 0;
	int n, ms, left, ret;

	n = parse_opts(c, find_cmd(argv[0]), argc, argv, opts);
	if (n < 0)
		return n;
	if (timeout_opt(tmo, &ms) || (count_s && parse_u32("--count", count_s, &count)))
		return -EINVAL;
	if (dev(c) < 0)
		return c->fd_err;
	ret = subscribe_args(c, n, argv, true);
	if (ret)
		return ret;
	note(c, "watching %s (Ctrl-C to stop)", n ? "the lines given" : "every line");
	catch_signals();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!count || seen < count) {
		left = -1;
		if (ms >= 0) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			left = ms - (int)((t.tv_sec - t0.tv_sec) * 1000 +
					  (t.tv_nsec - t0.tv_nsec) / 1000000);
			if (left < 0)
				left = 0;
		}
		ret = ml_next_event(c->fd, &ev, left);
		if (ret == -EINTR && got_signal)
			return 0;
		/* --timeout bounds the watch; it is a failure only if --count is unmet. */
		if (ret == -ETIMEDOUT && !count)
			return 0;
		if (ret)
			return fail(c, ML_OP_EVENT, ret, "watch");
		print_event(c, &ev);
		seen++;
	}
	return 0;
}

static int cmd_wait_event(struct ctx *c, int argc, char **argv)
{
	const char *tmo = NULL;
	const struct opt opts[] = { { "--timeout", &tmo, NULL }, { NULL, NULL, NULL } };
	struct modemline_event ev;
	int n, ms, ret;

	n = parse_opts(c, find_cmd(argv[0]), argc, argv, opts);
	if (n < 0)
		return n;
	if (n)
		return usage_error(find_cmd(argv[0]), "takes no arguments");
	if (timeout_opt(tmo, &ms))
		return -EINVAL;
	if (dev(c) < 0)
		return c->fd_err;
	ret = ml_next_event(c->fd, &ev, ms);
	if (ret)
		return fail(c, ML_OP_EVENT, ret, "wait-event");
	print_event(c, &ev);
	return 0;
}

static int state_of(const char *s, uint32_t *state)
{
	uint32_t i;

	for (i = MODEMLINE_STATE_DIALING; i <= MODEMLINE_STATE_DISCONNECTED; i++) {
		if (!strcmp(s, ml_state_name(i))) {
			*state = i;
			return 0;
		}
	}
	fprintf(stderr, "mlinectl: unknown state '%s' (dialing, answering, connected,"
		" disconnecting, disconnected)\n", s);
	return -EINVAL;
}

static int cmd_wait(struct ctx *c, int argc, char **argv)
{
	const struct cmd *cmd = find_cmd(argv[0]);
	const char *tmo = NULL;
	const struct opt opts[] = { { "--timeout", &tmo, NULL }, { NULL, NULL, NULL } };
	uint32_t call, state;
	int n, ms;

	n = parse_opts(c, cmd, argc, argv, opts);
	if (n < 0)
		return n;
	if (n < 1 || n > 2)
		return usage_error(cmd, "wants [CALL] STATE");
	if (parse_call(c, n == 2 ? argv[1] : NULL, &call) || state_of(argv[n], &state) ||
	    timeout_opt(tmo, &ms))
		return -EINVAL;
	if (dev(c) < 0)
		return c->fd_err;
	return wait_for(c, call, state, ms);
}

/* "\r", "\n", "\t", "\\", "\xHH" decoded in place; returns the length. */
static size_t unescape(char *s)
{
	char *o = s, *i = s;

	while (*i) {
		if (*i != '\\' || !i[1]) {
			*o++ = *i++;
			continue;
		}
		i++;
		switch (*i) {
		case 'r': *o++ = '\r'; i++; break;
		case 'n': *o++ = '\n'; i++; break;
		case 't': *o++ = '\t'; i++; break;
		case 'x': {
			char hex[3] = { i[1], i[1] ? i[2] : 0, 0 };

			*o++ = (char)strtoul(hex, NULL, 16);
			i += 1 + strlen(hex);
			break;
		}
		default: *o++ = *i++;
		}
	}
	return (size_t)(o - s);
}

static int cmd_send(struct ctx *c, int argc, char **argv)
{
	const struct cmd *cmd = find_cmd(argv[0]);
	const char *call_s = NULL;
	const struct opt opts[] = { { "--call", &call_s, NULL }, { NULL, NULL, NULL } };
	char buf[4096];
	size_t len = 0, l, off;
	uint32_t call;
	ssize_t w;
	int n, i, fd;

	n = parse_opts(c, cmd, argc, argv, opts);
	if (n < 0)
		return n;
	if (n < 1)
		return usage_error(cmd, "wants TEXT");
	for (i = 1; i <= n; i++) {
		l = strlen(argv[i]);
		if (len + l + 2 > sizeof(buf))
			return usage_error(cmd, "TEXT longer than %zu bytes", sizeof(buf) - 2);
		if (i > 1)
			buf[len++] = ' ';
		memcpy(buf + len, argv[i], l + 1);
		len += l;
	}
	len = unescape(buf);
	if (parse_call(c, call_s, &call))
		return -EINVAL;
	fd = data_fd(c, call);
	if (fd < 0)
		return fd;
	for (off = 0; off < len; off += (size_t)w) {
		w = write(fd, buf + off, len - off);
		if (w < 0)
			return fail(c, ML_OP_DATA_WRITE, -errno, "send on call %u", call);
	}
	if (c->json) {
		j_begin();
		j_u64("call", call);
		j_u64("sent", len);
		j_strn("data", buf, len);
		j_end();
	} else {
		fprintf(out, "sent %zu bytes on call %u: \"", len, call);
		print_escaped(out, buf, len);
		fprintf(out, "\"\n");
		fflush(out);
	}
	return 0;
}

static int cmd_recv(struct ctx *c, int argc, char **argv)
{
	const struct cmd *cmd = find_cmd(argv[0]);
	const char *call_s = NULL, *tmo = NULL, *bytes_s = NULL, *until = NULL;
	const struct opt opts[] = {
		{ "--call", &call_s, NULL }, { "--timeout", &tmo, NULL },
		{ "--bytes", &bytes_s, NULL }, { "--until", &until, NULL },
		{ NULL, NULL, NULL }
	};
	struct timespec t0, t;
	char buf[4096], until_buf[256];
	uint32_t call, want = 0;
	size_t len = 0, ulen = 0;
	bool eof = false;
	int n, fd, ms = 5000, left, ret = 0;
	ssize_t r;

	n = parse_opts(c, cmd, argc, argv, opts);
	if (n < 0)
		return n;
	if (n)
		return usage_error(cmd, "takes no arguments (see --bytes, --until)");
	if (parse_call(c, call_s, &call) || (tmo && parse_ms("--timeout", tmo, &ms)) ||
	    (bytes_s && parse_u32("--bytes", bytes_s, &want)))
		return -EINVAL;
	if (want >= sizeof(buf))
		return usage_error(cmd, "--bytes at most %zu", sizeof(buf) - 1);
	if (until) {
		snprintf(until_buf, sizeof(until_buf), "%s", until);
		ulen = unescape(until_buf);
	}
	fd = data_fd(c, call);
	if (fd < 0)
		return fd;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		if (want ? len >= want : ulen ? memmem(buf, len, until_buf, ulen) != NULL : len > 0)
			break;
		if (len == sizeof(buf) - 1) {
			ret = -ENOBUFS;
			break;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = ms - (int)((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0 || poll(&p, 1, left) == 0) {
			ret = -ETIMEDOUT;
			break;
		}
		r = read(fd, buf + len, (want ? want : sizeof(buf) - 1) - len);
		if (r < 0 && errno != EINTR && errno != EAGAIN)
			return fail(c, ML_OP_DATA_READ, -errno, "receive on call %u", call);
		if (r == 0) {
			eof = true;
			break;
		}
		if (r > 0)
			len += (size_t)r;
	}
	if (c->json) {
		j_begin();
		j_u64("call", call);
		j_u64("received", len);
		j_strn("data", buf, len);
		j_bool("eof", eof);
		j_end();
	} else {
		fprintf(out, "received %zu bytes on call %u: \"", len, call);
		print_escaped(out, buf, len);
		fprintf(out, "\"%s\n", eof ? " (call ended: end of stream)" : "");
		fflush(out);
	}
	if (ret == -ETIMEDOUT || (eof && (want || ulen)))
		return fail_msg(c, ret ? ETIMEDOUT : ENODATA, "receive on call %u: %s", call,
				ret ? "timed out before the data expected arrived" :
				"the call ended before the data expected arrived");
	return ret ? fail_msg(c, ENOBUFS, "receive on call %u: more than %zu bytes",
			      call, sizeof(buf) - 1) : 0;
}

static int cmd_sleep(struct ctx *c, int argc, char **argv)
{
	struct timespec ts;
	int ms;

	(void)c;
	if (argc != 2)
		return usage_error(find_cmd(argv[0]), "wants DURATION");
	if (parse_ms("DURATION", argv[1], &ms))
		return -EINVAL;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	return nanosleep(&ts, NULL) ? -errno : 0;
}

static int cmd_echo(struct ctx *c, int argc, char **argv)
{
	int i;

	if (c->json)
		return 0;
	for (i = 1; i < argc; i++)
		fprintf(out, "%s%s", i > 1 ? " " : "", argv[i]);
	fputc('\n', out);
	fflush(out);
	return 0;
}

int cmd_attach(struct ctx *c, int argc, char **argv);
int cmd_detach(struct ctx *c, int argc, char **argv);
int cmd_call(struct ctx *c, int argc, char **argv);
int cmd_batch(struct ctx *c, int argc, char **argv);

const struct cmd commands[] = {
	{ "attach", "TTY [--speed BAUD] [--daemon] [--pidfile FILE] [--guard MS] [--init AT...]",
	  "Make the modem on TTY a line: put the tty in raw mode, attach the modemline\n"
	  "line discipline (29) and print the line id. The line lives while mlinectl keeps\n"
	  "the tty open: in the foreground until Ctrl-C, SIGTERM or the line's removal, or\n"
	  "in the background with --daemon (the parent exits once the line exists).\n"
	  "Needs CAP_NET_ADMIN. --guard sets the modem's escape guard time, --init the\n"
	  "init string sent before every call.", cmd_attach, false },
	{ "detach", "TTY",
	  "Detach the line discipline from TTY (back to N_TTY): the line goes away, its\n"
	  "calls end (origin system, reason line-removed) and 'attach' exits.",
	  cmd_detach, false },
	{ "lines", "[LINE]", "List the lines (or one line): name, transport, busy or ringing, counters.",
	  cmd_lines, false },
	{ "dial", "LINE NUMBER [--wait] [--timeout DURATION]",
	  "Dial NUMBER on LINE and print the call handle. --wait waits until the call\n"
	  "is connected (exit 0) or ends first (its record is printed, exit ECONNREFUSED).\n"
	  "--timeout is the dial timeout (seconds, or e.g. 500ms; default: the line's).\n"
	  "As a one-shot command the call ends when mlinectl exits: use 'call' or 'batch'.",
	  cmd_dial, false },
	{ "answer", "LINE [--wait]",
	  "Answer the call LINE is offering (ringing). --wait as for dial.", cmd_answer, false },
	{ "drop", "[CALL] [--wait]",
	  "End the call from this side (origin local). --wait returns once it is\n"
	  "disconnected. CALL defaults to the last call dialed or answered.", cmd_drop, true },
	{ "release", "[CALL] [--drop]",
	  "Release (deallocate) an ended call: its handle and record are gone. --drop\n"
	  "ends it first if it has not ended.", cmd_release, true },
	{ "info", "[CALL]",
	  "Print the call's record: state, origin and reason of its end, result, rate,\n"
	  "duration and bytes.", cmd_info, true },
	{ "list", "", "List the calls this file holds, live and retained.", cmd_list, true },
	{ "subscribe", "[LINE...]",
	  "Receive events of these lines (none given: every line, present and future).",
	  cmd_subscribe, true },
	{ "unsubscribe", "[LINE...]", "Stop receiving the lines' events.", cmd_subscribe, true },
	{ "watch", "[LINE...] [--count N] [--timeout DURATION]",
	  "Subscribe to the lines (default: every line) and print events as they happen,\n"
	  "until Ctrl-C, N events, or the timeout.", cmd_watch, false },
	{ "wait-event", "[--timeout DURATION]", "Wait for the next event and print it.",
	  cmd_wait_event, true },
	{ "wait", "[CALL] STATE [--timeout DURATION]",
	  "Wait until the call is in STATE (dialing, answering, connected, disconnecting,\n"
	  "disconnected). A call that ends first fails with ECONNREFUSED.", cmd_wait, true },
	{ "send", "[--call CALL] TEXT...",
	  "Send TEXT (arguments joined by spaces; \\r \\n \\t \\xHH decoded) on the call's\n"
	  "data stream.", cmd_send, true },
	{ "recv", "[--call CALL] [--bytes N | --until TEXT] [--timeout DURATION]",
	  "Receive from the call's data stream: what has arrived (at least one byte), N\n"
	  "bytes, or up to and including TEXT; waits up to the timeout (default 5 s).",
	  cmd_recv, true },
	{ "call", "LINE NUMBER [--keep] [--timeout DURATION]",
	  "A call in the foreground: dial, print each event, copy stdin to the call and\n"
	  "the call to stdout, drop on end of input or Ctrl-C, print the retained record\n"
	  "and release the call. --keep waits for Enter (or a signal) before releasing.",
	  cmd_call, false },
	{ "batch", "FILE|- [--keep-going]",
	  "Run the commands of FILE (or stdin), one per line, on one open /dev/modemline,\n"
	  "so that the calls they make stay valid from line to line. '#' starts a comment;\n"
	  "a '-' before a command ignores its failure. Stops at the first failure (exit\n"
	  "status: its errno) unless --keep-going.", cmd_batch, false },
	{ "shell", "", "Like 'batch -', with a prompt, going on after failures.", cmd_batch, false },
	{ "sleep", "DURATION", "Pause (for batches).", cmd_sleep, false },
	{ "echo", "TEXT...", "Print TEXT (for batches; nothing with --json).", cmd_echo, false },
	{ NULL, NULL, NULL, NULL, false }
};

const struct cmd *find_cmd(const char *name)
{
	const struct cmd *cmd;

	for (cmd = commands; cmd->name; cmd++)
		if (!strcmp(cmd->name, name))
			return cmd;
	return NULL;
}

int run_cmd(struct ctx *c, int argc, char **argv)
{
	const struct cmd *cmd = find_cmd(argv[0]);
	bool json = c->json;
	int i, ret;

	if (!cmd) {
		fprintf(stderr, "mlinectl: unknown command '%s' (see mlinectl --help)\n", argv[0]);
		return -EINVAL;
	}
	/* Help is asked for among the options: not in the words after "--". */
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			print_cmd_help(cmd, stdout);
			return 0;
		}
	}
	ret = cmd->run(c, argc, argv);
	/* A --json among the command's options was for it alone (one line of a batch). */
	c->json = json;
	return ret;
}

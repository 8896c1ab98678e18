// SPDX-License-Identifier: GPL-2.0
/*
 * modemsim: the control socket.
 *
 * A unix stream socket; any number of clients (up to CTL_CLIENTS) at
 * once. Each line is one command; each command gets exactly one reply
 * line, "ok[ ...]" or "error: ...". Empty lines and lines starting with
 * '#' are ignored (no reply). The command-line setting options go
 * through control_exec() too, so both accept the same values.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "modemsim.h"
#include "unescape.h"

#define CTL_CLIENTS 16
#define CTL_LINE 1024
#define CTL_OUT 65536
#define GARBAGE_MAX (1024 * 1024)

struct client {
	int fd;
	char in[CTL_LINE];
	size_t ilen;
	bool discard;		/* rest of an over-long line */
	char out[CTL_OUT];
	size_t olen;
};

static int listen_fd = -1;
static char *ctl_path;
static struct client *clients[CTL_CLIENTS];

/* ---- commands ---------------------------------------------------------- */

static bool parse_long(const char *s, long min, long max, long *v)
{
	char *end;

	if (!s || !*s)
		return false;
	errno = 0;
	*v = strtol(s, &end, 10);
	return !errno && !*end && *v >= min && *v <= max;
}

static bool parse_bool(const char *s, int *v)
{
	long l;

	if (!parse_long(s, 0, 1, &l))
		return false;
	*v = l;
	return true;
}

static void garbage(long n)
{
	static const char *const frags[] = {
		"CONN", "CONNECT", "CONNECT 96", "NO CARR", "NO CARRIER",
		"RIN", "RING", "OK", "ER", "ERROR", "BUSY", "+CLIP: \"",
		"NMBR = ", "DATE", "\r", "\n", "\r\n", "\r\r\n", "AT", "+++",
		"0\r", "3\r",
	};
	char buf[512];
	size_t len = 0;

	while (n > 0) {
		long r = random() % 10;

		if (len + 16 > sizeof(buf)) {
			modem_send_data(buf, len);
			len = 0;
		}
		if (r < 3) {
			const char *f = frags[random() %
					      (sizeof(frags) / sizeof(*frags))];
			size_t fl = strlen(f);

			if ((long)fl > n)
				fl = n;
			memcpy(buf + len, f, fl);
			len += fl;
			n -= fl;
		} else {
			buf[len++] = r == 3 ? 0x00 : r == 4 ? (char)0xff :
				     (char)(random() & 0xff);
			n--;
		}
	}
	modem_send_data(buf, len);
}

static const char *const data_names[] = {
	[DATA_ECHO] = "echo",
	[DATA_SINK] = "sink",
	[DATA_EXEC] = "exec",
};

/*
 * One line of key=value words; new keys go at the end, so that parsers
 * of the older line keep working. No value has a blank in it (so the
 * exec command is not here: "data" alone shows it).
 */
static void status(char *reply, size_t len)
{
	snprintf(reply, len,
		 "ok mode=%s call=%d number=%s caller=%s echo=%d verbose=%d "
		 "quiet=%d bytes_in=%llu bytes_out=%llu calls=%lu rings=%d "
		 "result=%s rate=%ld data=%s peer=%d "
		 "lines=%d dtr=%d dcd=%d cts=%d carrier=%d amp_c=%d amp_d=%d "
		 "dtr_drops=%lu escapes=%lu held=%llu "
		 "dialect=%s voice=%d clcc_stat=%d chup=%lu clcc=%lu noise=%lu "
		 "last_call=%lu last_call_in=%llu last_call_out=%llu "
		 "exec_pid=%ld exec_queued=%zu",
		 modem_mode_name(), S.call_up, S.last_number, S.caller,
		 S.cur.echo, S.cur.verbose, S.cur.quiet,
		 (unsigned long long)S.bytes_in,
		 (unsigned long long)S.bytes_out, S.calls, S.rings_sent,
		 outcome_name(S.script.result), S.script.rate,
		 data_names[S.script.data], peer_present(),
		 lines_present(), S.dtr, S.dcd, lines_cts(), !S.carrier_off,
		 S.cur.amp_c, S.cur.amp_d, S.dtr_drops, S.escapes,
		 (unsigned long long)S.held, dialect_name(S.script.dialect),
		 S.voice, (int)clcc_stat(), S.chup, S.clcc, S.noise,
		 S.last_call, (unsigned long long)S.last_call_in,
		 (unsigned long long)S.last_call_out, exec_pid(),
		 exec_queued());
}

/*
 * The commands: one table row each, with the number of arguments it
 * takes, its usage and the function that does it. A function sees the
 * arguments split at blanks and, for send and sendraw, the raw rest of
 * the line; it writes an error with ctl_err() or leaves the reply "ok"
 * (or writes its own "ok ...").
 */
struct ctl_req {
	int argc;
	char **argv;		/* argv[0] is the command */
	char *rest;		/* the line after the command, as is; or NULL */
	char *reply;
	size_t len;
};

#define ARGS_ANY (-1)		/* the function checks its arguments */

struct ctl_cmd {
	const char *name;
	int min_args, max_args;	/* or ARGS_ANY */
	const char *usage;
	void (*fn)(struct ctl_req *r, const struct ctl_cmd *cmd);
	size_t field;		/* ctl_setting: the setting in struct profile */
};

static void ctl_err(struct ctl_req *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ctl_err(struct ctl_req *r, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(r->reply, r->len, "error: ");

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < r->len)
		vsnprintf(r->reply + n, r->len - n, fmt, ap);
	va_end(ap);
}

static void ctl_usage(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	ctl_err(r, "usage: %s", cmd->usage);
}

static void ctl_result(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	int o = outcome_parse(r->argv[1]);

	(void)cmd;
	if (o < 0)
		ctl_err(r, "unknown result '%s'", r->argv[1]);
	else
		S.script.result = o;
}

static void ctl_answer_delay(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	long v;

	(void)cmd;
	if (!parse_long(r->argv[1], 0, 86400000, &v))
		ctl_err(r, "bad delay '%s'", r->argv[1]);
	else
		S.script.answer_delay_ms = v;
}

static void ctl_escape_delay(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	long v;

	(void)cmd;
	if (!parse_long(r->argv[1], 0, 60000, &v))
		ctl_err(r, "bad delay '%s'", r->argv[1]);
	else
		S.script.escape_delay_ms = v;
}

static void ctl_rate(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	long v;

	(void)cmd;
	if (!parse_long(r->argv[1], 0, 1000000000, &v))
		ctl_err(r, "bad rate '%s'", r->argv[1]);
	else
		S.script.rate = v;
}

static void ctl_connect_suffix(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	const char *s = r->argc == 2 ? r->argv[1] : "";

	(void)cmd;
	if (strlen(s) >= sizeof(S.script.connect_suffix))
		ctl_err(r, "suffix too long");
	else
		snprintf(S.script.connect_suffix,
			 sizeof(S.script.connect_suffix), "%s", s);
}

static void ctl_hangup_after(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	long v;

	(void)cmd;
	if (!parse_long(r->argv[1], 0, 86400000, &v))
		ctl_err(r, "bad time '%s'", r->argv[1]);
	else
		S.script.hangup_after_ms = v;
}

/* "hangup silent": the call just ends, as a 3gpp call leaves +CLCC. */
static void ctl_hangup(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	bool silent = r->argc == 2;

	if (silent && strcmp(r->argv[1], "silent"))
		ctl_usage(r, cmd);
	else if (modem_remote_hangup(silent))
		ctl_err(r, "no call");
}

/*
 * "exec CMD" or "exec:CMD" (the --data form): CMD, the rest of the line
 * as is, but for the blanks before it; NULL if rest is not exec.
 */
static const char *exec_arg(const char *rest)
{
	if (!rest)
		return NULL;
	rest += strspn(rest, " \t");
	if (strncmp(rest, "exec", 4) || !strchr(" \t:", rest[4]))
		return NULL;
	if (!rest[4])
		return "";
	return rest + 5 + strspn(rest + 5, " \t");
}

/* The command runs for the calls that connect from now on. */
static void ctl_data_exec(struct ctl_req *r, const struct ctl_cmd *cmd,
			  const char *cmdline)
{
	if (!*cmdline) {
		ctl_usage(r, cmd);
	} else if (strlen(cmdline) > EXEC_CMD_MAX) {
		ctl_err(r, "command too long (at most %d bytes)", EXEC_CMD_MAX);
	} else {
		snprintf(S.script.exec_cmd, sizeof(S.script.exec_cmd), "%s",
			 cmdline);
		S.script.data = DATA_EXEC;
	}
}

/* "data" alone: "ok echo", "ok sink" or "ok exec CMD". */
static void ctl_data(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	const char *cmdline = exec_arg(r->rest);

	if (r->argc == 1)
		snprintf(r->reply, r->len, "ok %s%s%s",
			 data_names[S.script.data],
			 S.script.data == DATA_EXEC ? " " : "",
			 S.script.data == DATA_EXEC ? S.script.exec_cmd : "");
	else if (cmdline)
		ctl_data_exec(r, cmd, cmdline);
	else if (r->argc == 2 && !strcmp(r->argv[1], "echo"))
		S.script.data = DATA_ECHO;
	else if (r->argc == 2 && !strcmp(r->argv[1], "sink"))
		S.script.data = DATA_SINK;
	else
		ctl_usage(r, cmd);
}

/* "on" or "off"; -1 for anything else. */
static int on_off(const char *s)
{
	return !strcmp(s, "on") ? 1 : !strcmp(s, "off") ? 0 : -1;
}

/* A voice or a data call; by default, the dialect's kind of call. */
static int ring_kind(const char *s)
{
	if (!s)
		return S.script.dialect == DIALECT_3GPP;
	return !strcmp(s, "voice") ? 1 : !strcmp(s, "data") ? 0 : -1;
}

static void ctl_ring(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	long count = 5, iv = 2000;
	int voice = ring_kind(r->argc > 4 ? r->argv[4] : NULL);
	const char *err;

	if (r->argc > 2 && !parse_long(r->argv[2], 1, 100000, &count))
		ctl_err(r, "bad count '%s'", r->argv[2]);
	else if (r->argc > 3 && !parse_long(r->argv[3], 1, 86400000, &iv))
		ctl_err(r, "bad interval '%s'", r->argv[3]);
	else if (voice < 0)
		ctl_usage(r, cmd);
	else if (modem_ring_start(r->argv[1], count, iv, voice, &err))
		ctl_err(r, "%s", err);
}

static void ctl_dialect(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	int d = dialect_parse(r->argv[1]);

	if (d < 0)
		ctl_usage(r, cmd);
	else if (S.voice || (S.ringing && S.ring_voice))
		ctl_err(r, "voice call in progress");
	else
		S.script.dialect = d;
}

static void ctl_alert_delay(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	long v;

	(void)cmd;
	if (!parse_long(r->argv[1], 0, 86400000, &v))
		ctl_err(r, "bad delay '%s'", r->argv[1]);
	else
		S.script.alert_delay_ms = v;
}

/* TEXT, the rest of the line, is +CEER's after the next end, once. */
static void ctl_ceer(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	(void)cmd;
	if (!r->rest || !*r->rest) {
		S.ceer_set = false;	/* back to the end's own cause */
	} else if (strlen(r->rest) > CEER_MAX) {
		ctl_err(r, "text too long (at most %d)", CEER_MAX);
	} else {
		snprintf(S.ceer_next, sizeof(S.ceer_next), "%s", r->rest);
		S.ceer_set = true;
	}
}

static void ctl_noise(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	int on = on_off(r->argv[1]);
	long mean = 300;

	if (on < 0 || (!on && r->argc > 2))
		ctl_usage(r, cmd);
	else if (r->argc > 2 && !parse_long(r->argv[2], 2, 3600000, &mean))
		ctl_err(r, "bad mean '%s' (2..3600000 ms)", r->argv[2]);
	else if (on)
		noise_start(mean);
	else
		noise_stop();
}

static void ctl_ring_stop(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	(void)r, (void)cmd;
	modem_ring_stop();
}

static void ctl_garbage(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	long v;

	(void)cmd;
	if (!parse_long(r->argv[1], 0, GARBAGE_MAX, &v))
		ctl_err(r, "bad count '%s' (0..%d)", r->argv[1], GARBAGE_MAX);
	else
		garbage(v);
}

/* TEXT is the rest of the line as is, then CR LF. */
static void ctl_send(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	(void)cmd;
	if (r->rest)
		modem_send_data(r->rest, strlen(r->rest));
	modem_send_data("\r\n", 2);
}

static void ctl_sendraw(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	const char *bad;
	long n;

	if (!r->rest) {
		ctl_usage(r, cmd);
		return;
	}
	/* Decoded in place: nothing of a bad TEXT is sent. */
	n = unescape(r->rest, r->rest, &bad);
	if (n < 0)
		ctl_err(r, "bad escape '%.4s' (escapes: " UNESCAPE_KNOWN ")",
			bad);
	else
		modem_send_data(r->rest, (size_t)n);
}

/* echo verbose quiet cid clip: the current value and the profile. */
static void ctl_setting(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	int b;

	if (!parse_bool(r->argv[1], &b)) {
		ctl_usage(r, cmd);
		return;
	}
	*(int *)((char *)&S.cur + cmd->field) = b;
	*(int *)((char *)&S.profile + cmd->field) = b;
}

static void ctl_guard(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	long v;

	(void)cmd;
	if (!parse_long(r->argv[1], 1, 5100, &v)) {
		ctl_err(r, "bad guard time '%s' (1..5100 ms)", r->argv[1]);
		return;
	}
	modem_set_guard(v);
	S.profile.guard_ms = S.cur.guard_ms;
	S.profile.sreg[12] = S.cur.sreg[12];
}

static void ctl_status(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	(void)cmd;
	status(r->reply, r->len);
}

static void ctl_reset(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	(void)r, (void)cmd;
	modem_reset();
}

static void ctl_quit(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	(void)r, (void)cmd;
	S.quit = true;
}

static void ctl_carrier(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	int on = on_off(r->argv[1]);

	if (on < 0)
		ctl_usage(r, cmd);
	else
		modem_carrier(on);
}

/* The DTE's DTR, played by the control client where there are no lines. */
static void ctl_dtr(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	int on = on_off(r->argv[1]);

	if (on < 0)
		ctl_usage(r, cmd);
	else if (lines_present())
		ctl_err(r, "the DTE drives DTR on this tty");
	else
		modem_dtr(on);
}

static void ctl_help(struct ctl_req *r, const struct ctl_cmd *cmd);

#define SETTING(f) offsetof(struct profile, f)
#define BOOL_USAGE "echo|verbose|quiet|cid|clip 0|1"

static const struct ctl_cmd ctl_cmds[] = {
	{ "result", 1, 1,
	  "result connect|busy|noanswer|nocarrier|nodialtone|error|silent|"
	  "rejected|released", ctl_result, 0 },
	{ "answer-delay", 1, 1, "answer-delay MS", ctl_answer_delay, 0 },
	{ "alert-delay", 1, 1, "alert-delay MS", ctl_alert_delay, 0 },
	{ "dialect", 1, 1, "dialect v250|3gpp", ctl_dialect, 0 },
	{ "escape-delay", 1, 1, "escape-delay MS", ctl_escape_delay, 0 },
	{ "rate", 1, 1, "rate N", ctl_rate, 0 },
	{ "connect-suffix", 0, 1, "connect-suffix [TEXT]",
	  ctl_connect_suffix, 0 },
	{ "hangup-after", 1, 1, "hangup-after MS", ctl_hangup_after, 0 },
	{ "hangup", 0, 1, "hangup [silent]", ctl_hangup, 0 },
	{ "data", ARGS_ANY, ARGS_ANY, "data [echo|sink|exec CMD]", ctl_data,
	  0 },
	{ "ring", 1, 4, "ring NUMBER [COUNT] [INTERVAL_MS] [voice|data]",
	  ctl_ring, 0 },
	{ "ring-stop", 0, 0, "ring-stop", ctl_ring_stop, 0 },
	{ "ceer", ARGS_ANY, ARGS_ANY, "ceer [TEXT]", ctl_ceer, 0 },
	{ "noise", 1, 2, "noise on [MEAN_MS] | noise off", ctl_noise, 0 },
	{ "garbage", 1, 1, "garbage N", ctl_garbage, 0 },
	{ "send", ARGS_ANY, ARGS_ANY, "send TEXT", ctl_send, 0 },
	{ "sendraw", ARGS_ANY, ARGS_ANY,
	  "sendraw TEXT (escapes: " UNESCAPE_KNOWN ")", ctl_sendraw, 0 },
	{ "echo", 1, 1, BOOL_USAGE, ctl_setting, SETTING(echo) },
	{ "verbose", 1, 1, BOOL_USAGE, ctl_setting, SETTING(verbose) },
	{ "quiet", 1, 1, BOOL_USAGE, ctl_setting, SETTING(quiet) },
	{ "cid", 1, 1, BOOL_USAGE, ctl_setting, SETTING(cid) },
	{ "clip", 1, 1, BOOL_USAGE, ctl_setting, SETTING(clip) },
	{ "guard", 1, 1, "guard MS", ctl_guard, 0 },
	{ "carrier", 1, 1, "carrier on|off", ctl_carrier, 0 },
	{ "dtr", 1, 1, "dtr on|off", ctl_dtr, 0 },
	{ "status", 0, 0, "status", ctl_status, 0 },
	{ "reset", 0, 0, "reset", ctl_reset, 0 },
	{ "quit", 0, 0, "quit", ctl_quit, 0 },
	{ "help", ARGS_ANY, ARGS_ANY, "help", ctl_help, 0 },
};

#define NCMDS (sizeof(ctl_cmds) / sizeof(ctl_cmds[0]))

/* "ok" and the command names, in table order. */
static void ctl_help(struct ctl_req *r, const struct ctl_cmd *cmd)
{
	size_t n = snprintf(r->reply, r->len, "ok");

	(void)cmd;
	for (size_t i = 0; i < NCMDS && n < r->len; i++)
		n += snprintf(r->reply + n, r->len - n, " %s",
			      ctl_cmds[i].name);
}

/*
 * Execute one command line (modified in place). Always writes a reply;
 * returns 0 (a reply was produced) or -1 for "no reply" (blank/comment).
 */
int control_exec(char *line, char *reply, size_t len)
{
	char *argv[8], *p = line;
	char restbuf[CTL_LINE];
	struct ctl_req r = { .argv = argv, .reply = reply, .len = len };

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#')
		return -1;
	argv[r.argc++] = p;
	p += strcspn(p, " \t");
	if (*p) {
		*p++ = 0;
		/* raw remainder, for send */
		snprintf(restbuf, sizeof(restbuf), "%s", p);
		r.rest = restbuf;
	}
	while (*p && r.argc < 8) {
		p += strspn(p, " \t");
		if (!*p)
			break;
		argv[r.argc++] = p;
		p += strcspn(p, " \t");
		if (*p)
			*p++ = 0;
	}
	snprintf(reply, len, "ok");

	for (size_t i = 0; i < NCMDS; i++) {
		const struct ctl_cmd *cmd = &ctl_cmds[i];

		if (strcmp(argv[0], cmd->name))
			continue;
		modem_sync_lines();	/* status sees what the DTE sees */
		if (cmd->min_args != ARGS_ANY &&
		    (r.argc - 1 < cmd->min_args || r.argc - 1 > cmd->max_args))
			ctl_usage(&r, cmd);
		else
			cmd->fn(&r, cmd);
		/* DCD has followed before the reply goes out. */
		modem_sync_lines();
		return 0;
	}
	ctl_err(&r, "unknown command '%s' (try help)", argv[0]);
	return 0;
}

/* ---- socket ------------------------------------------------------------ */

int control_open(const char *path)
{
	listen_fd = unix_listen(path);
	ctl_path = strdup(path);
	return ctl_path ? 0 : -1;
}

static void client_close(int i)
{
	close(clients[i]->fd);
	free(clients[i]);
	clients[i] = NULL;
}

void control_close(void)
{
	for (int i = 0; i < CTL_CLIENTS; i++)
		if (clients[i])
			client_close(i);
	if (listen_fd >= 0)
		close(listen_fd);
	listen_fd = -1;
	if (ctl_path)
		unlink(ctl_path);
	free(ctl_path);
	ctl_path = NULL;
}

/* Returns false if the client was closed. */
static bool client_flush(int i)
{
	struct client *c = clients[i];

	while (c->olen) {
		ssize_t n = write(c->fd, c->out, c->olen);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return true;
		if (n <= 0) {
			client_close(i);
			return false;
		}
		memmove(c->out, c->out + n, c->olen - n);
		c->olen -= n;
	}
	return true;
}

static void client_reply(int i, const char *reply)
{
	struct client *c = clients[i];
	size_t n = strlen(reply);

	logmsg("control> %s", reply);
	if (c->olen + n + 1 > sizeof(c->out)) {
		/* The client does not read its replies. */
		client_close(i);
		return;
	}
	memcpy(c->out + c->olen, reply, n);
	c->out[c->olen + n] = '\n';
	c->olen += n + 1;
}

static void client_read(int i)
{
	struct client *c = clients[i];
	char buf[4096], reply[1024];
	ssize_t n = read(c->fd, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(i);
		return;
	}
	for (ssize_t k = 0; k < n && clients[i]; k++) {
		char ch = buf[k];

		if (ch != '\n') {
			if (c->ilen < sizeof(c->in) - 1)
				c->in[c->ilen++] = ch;
			else
				c->discard = true;
			continue;
		}
		if (c->discard) {
			c->discard = false;
			c->ilen = 0;
			client_reply(i, "error: line too long");
			continue;
		}
		if (c->ilen && c->in[c->ilen - 1] == '\r')
			c->ilen--;
		c->in[c->ilen] = 0;
		c->ilen = 0;
		logmsg("control< %s", c->in);
		if (!control_exec(c->in, reply, sizeof(reply)))
			client_reply(i, reply);
	}
	if (clients[i])
		client_flush(i);
}

static void client_accept(void)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	for (int i = 0; i < CTL_CLIENTS; i++) {
		if (clients[i])
			continue;
		clients[i] = calloc(1, sizeof(*clients[i]));
		if (!clients[i])
			break;
		clients[i]->fd = fd;
		return;
	}
	static const char full[] = "error: too many control clients\n";

	if (write(fd, full, sizeof(full) - 1) < 0)
		logmsg("control: %s", strerror(errno));
	close(fd);
}

/* Fills pfd[] (listen socket first, then clients in slot order). */
int control_pollfds(struct pollfd *pfd, int max)
{
	int n = 0;

	if (listen_fd < 0 || max < 1 + CTL_CLIENTS)
		return 0;
	pfd[n].fd = listen_fd;
	pfd[n++].events = POLLIN;
	for (int i = 0; i < CTL_CLIENTS; i++) {
		pfd[n].fd = clients[i] ? clients[i]->fd : -1;
		pfd[n++].events = POLLIN |
			(clients[i] && clients[i]->olen ? POLLOUT : 0);
	}
	return n;
}

void control_handle(struct pollfd *pfd, int n)
{
	if (n < 1 + CTL_CLIENTS)
		return;
	for (int i = 0; i < CTL_CLIENTS; i++) {
		short ev = pfd[1 + i].revents;

		if (!clients[i] || pfd[1 + i].fd != clients[i]->fd || !ev)
			continue;
		if (ev & (POLLIN | POLLHUP | POLLERR))
			client_read(i);
		if (clients[i] && (ev & POLLOUT))
			client_flush(i);
	}
	if (pfd[0].revents & POLLIN)
		client_accept();
}

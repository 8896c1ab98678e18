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

static void status(char *reply, size_t len)
{
	snprintf(reply, len,
		 "ok mode=%s call=%d number=%s caller=%s echo=%d verbose=%d "
		 "quiet=%d bytes_in=%llu bytes_out=%llu calls=%lu rings=%d "
		 "result=%s rate=%ld data=%s peer=%d",
		 modem_mode_name(), S.call_up, S.last_number, S.caller,
		 S.cur.echo, S.cur.verbose, S.cur.quiet,
		 (unsigned long long)S.bytes_in,
		 (unsigned long long)S.bytes_out, S.calls, S.rings_sent,
		 outcome_name(S.script.result), S.script.rate,
		 S.script.data_sink ? "sink" : "echo", peer_present());
}

#define ERR(...) do { snprintf(reply, len, "error: " __VA_ARGS__); return 0; } while (0)
#define NEED_ARGS(n) do { if (argc != (n) + 1) ERR("usage: %s", usage); } while (0)

static const char cmd_list[] =
	"result answer-delay escape-delay rate connect-suffix hangup-after hangup data "
	"ring ring-stop garbage send sendraw echo verbose quiet cid clip "
	"guard status reset quit help";

/*
 * Execute one command line (modified in place). Always writes a reply;
 * returns 0 (a reply was produced) or -1 for "no reply" (blank/comment).
 */
int control_exec(char *line, char *reply, size_t len)
{
	char *argv[8], *rest = NULL, *p = line, *cmd;
	char restbuf[CTL_LINE];
	const char *usage = "";
	int argc = 0, b;
	long v;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#')
		return -1;
	cmd = p;
	p += strcspn(p, " \t");
	if (*p) {
		*p++ = 0;
		/* raw remainder, for send */
		snprintf(restbuf, sizeof(restbuf), "%s", p);
		rest = restbuf;
	}
	argv[argc++] = cmd;
	while (p && *p && argc < 8) {
		p += strspn(p, " \t");
		if (!*p)
			break;
		argv[argc++] = p;
		p += strcspn(p, " \t");
		if (*p)
			*p++ = 0;
	}
	snprintf(reply, len, "ok");

	if (!strcmp(cmd, "result")) {
		usage = "result connect|busy|noanswer|nocarrier|nodialtone|error|silent";
		NEED_ARGS(1);
		b = outcome_parse(argv[1]);
		if (b < 0)
			ERR("unknown result '%s'", argv[1]);
		S.script.result = b;
	} else if (!strcmp(cmd, "answer-delay")) {
		usage = "answer-delay MS";
		NEED_ARGS(1);
		if (!parse_long(argv[1], 0, 86400000, &v))
			ERR("bad delay '%s'", argv[1]);
		S.script.answer_delay_ms = v;
	} else if (!strcmp(cmd, "escape-delay")) {
		usage = "escape-delay MS";
		NEED_ARGS(1);
		if (!parse_long(argv[1], 0, 60000, &v))
			ERR("bad delay '%s'", argv[1]);
		S.script.escape_delay_ms = v;
	} else if (!strcmp(cmd, "rate")) {
		usage = "rate N";
		NEED_ARGS(1);
		if (!parse_long(argv[1], 0, 1000000000, &v))
			ERR("bad rate '%s'", argv[1]);
		S.script.rate = v;
	} else if (!strcmp(cmd, "connect-suffix")) {
		usage = "connect-suffix [TEXT]";
		if (argc > 2)
			ERR("usage: %s", usage);
		if (argc == 2 && strlen(argv[1]) >= sizeof(S.script.connect_suffix))
			ERR("suffix too long");
		snprintf(S.script.connect_suffix,
			 sizeof(S.script.connect_suffix), "%s",
			 argc == 2 ? argv[1] : "");
	} else if (!strcmp(cmd, "hangup-after")) {
		usage = "hangup-after MS";
		NEED_ARGS(1);
		if (!parse_long(argv[1], 0, 86400000, &v))
			ERR("bad time '%s'", argv[1]);
		S.script.hangup_after_ms = v;
	} else if (!strcmp(cmd, "hangup")) {
		usage = "hangup";
		NEED_ARGS(0);
		if (modem_remote_hangup())
			ERR("no call");
	} else if (!strcmp(cmd, "data")) {
		usage = "data echo|sink";
		NEED_ARGS(1);
		if (!strcmp(argv[1], "echo"))
			S.script.data_sink = false;
		else if (!strcmp(argv[1], "sink"))
			S.script.data_sink = true;
		else
			ERR("usage: %s", usage);
	} else if (!strcmp(cmd, "ring")) {
		long count = 5, iv = 2000;
		const char *err;

		usage = "ring NUMBER [COUNT] [INTERVAL_MS]";
		if (argc < 2 || argc > 4)
			ERR("usage: %s", usage);
		if (argc > 2 && !parse_long(argv[2], 1, 100000, &count))
			ERR("bad count '%s'", argv[2]);
		if (argc > 3 && !parse_long(argv[3], 1, 86400000, &iv))
			ERR("bad interval '%s'", argv[3]);
		if (modem_ring_start(argv[1], count, iv, &err))
			ERR("%s", err);
	} else if (!strcmp(cmd, "ring-stop")) {
		usage = "ring-stop";
		NEED_ARGS(0);
		modem_ring_stop();
	} else if (!strcmp(cmd, "garbage")) {
		usage = "garbage N";
		NEED_ARGS(1);
		if (!parse_long(argv[1], 0, GARBAGE_MAX, &v))
			ERR("bad count '%s' (0..%d)", argv[1], GARBAGE_MAX);
		garbage(v);
	} else if (!strcmp(cmd, "send")) {
		/* TEXT is the rest of the line as is, then CR LF. */
		if (rest)
			modem_send_data(rest, strlen(rest));
		modem_send_data("\r\n", 2);
	} else if (!strcmp(cmd, "sendraw")) {
		const char *bad;
		long n;

		if (!rest)
			ERR("usage: sendraw TEXT (escapes: " UNESCAPE_KNOWN ")");
		/* Decoded in place: nothing of a bad TEXT is sent. */
		n = unescape(rest, rest, &bad);
		if (n < 0)
			ERR("bad escape '%.4s' (escapes: " UNESCAPE_KNOWN ")", bad);
		modem_send_data(rest, (size_t)n);
	} else if (!strcmp(cmd, "echo") || !strcmp(cmd, "verbose") ||
		   !strcmp(cmd, "quiet") || !strcmp(cmd, "cid") ||
		   !strcmp(cmd, "clip")) {
		/* Current value and the ATZ/AT&F profile. */
		usage = "echo|verbose|quiet|cid|clip 0|1";
		NEED_ARGS(1);
		if (!parse_bool(argv[1], &b))
			ERR("usage: %s", usage);
		if (!strcmp(cmd, "echo"))
			S.cur.echo = S.profile.echo = b;
		else if (!strcmp(cmd, "verbose"))
			S.cur.verbose = S.profile.verbose = b;
		else if (!strcmp(cmd, "quiet"))
			S.cur.quiet = S.profile.quiet = b;
		else if (!strcmp(cmd, "cid"))
			S.cur.cid = S.profile.cid = b;
		else
			S.cur.clip = S.profile.clip = b;
	} else if (!strcmp(cmd, "guard")) {
		usage = "guard MS";
		NEED_ARGS(1);
		if (!parse_long(argv[1], 1, 5100, &v))
			ERR("bad guard time '%s' (1..5100 ms)", argv[1]);
		modem_set_guard(v);
		S.profile.guard_ms = S.cur.guard_ms;
		S.profile.sreg[12] = S.cur.sreg[12];
	} else if (!strcmp(cmd, "status")) {
		usage = "status";
		NEED_ARGS(0);
		status(reply, len);
	} else if (!strcmp(cmd, "reset")) {
		usage = "reset";
		NEED_ARGS(0);
		modem_reset();
	} else if (!strcmp(cmd, "quit")) {
		usage = "quit";
		NEED_ARGS(0);
		S.quit = true;
	} else if (!strcmp(cmd, "help")) {
		snprintf(reply, len, "ok %s", cmd_list);
	} else {
		ERR("unknown command '%s' (try help)", cmd);
	}
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
	char buf[4096], reply[512];
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

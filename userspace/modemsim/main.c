// SPDX-License-Identifier: GPL-2.0
/*
 * modemsim: a Hayes-compatible modem simulator for tests, demos and
 * benchmarks of the modemline line discipline.
 *
 *   modemsim [--pty | --unix PATH | --tty PATH | --stdio] [--control PATH]
 *            [settings]
 *
 * This file: options, the transports, the output buffer and the single
 * poll() loop with its timers. See usage() for the interface and
 * modemsim(1) or README.md next to this file for the control protocol.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/serial.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "modemsim.h"

/* Stop reading the DTE while this much output is unsent (flow control). */
#define OUT_HIGH_WATER (64 * 1024)
/* Hard cap on buffered output; beyond it output is dropped and logged. */
#define OUT_MAX (8 * 1024 * 1024)
/* pty: how often to look whether the slave was reopened. */
#define PEER_CHECK_MS 20
/* --tty: how often to look at the modem-control lines (TIOCMGET). */
#define LINES_POLL_MS 2
#define POLL_MAX 64
/* On quit or end of input: how long to try flushing output. */
#define LEAVE_FLUSH_MS 1000

enum transport { TR_STDIO, TR_PTY, TR_UNIX, TR_TTY };

static struct {
	enum transport kind;
	int rfd, wfd;		/* the DTE, -1 when absent */
	bool present;
	int master;		/* pty */
	int listen_fd;		/* unix */
	char *unix_path;
	char *tty_path;		/* --tty */
	bool lines;		/* --tty: use its modem-control lines */
	bool no_lines;		/* --no-lines */
	bool cts;		/* the DTE's RTS as last seen */
	bool have_icount;	/* TIOCGICOUNT works */
	struct serial_icounter_struct icount;
	bool stdin_eof;
	/* stdio: what to restore at exit */
	bool tty_saved;
	struct termios tty;
	int fl0, fl1;

	unsigned char *obuf;
	size_t ooff, olen, ocap;
	bool dropping;
	uint64_t queued;	/* bytes ever queued to the DTE */
	uint64_t held_upto;	/* ... of which counted in S.held so far */
} T = { .rfd = -1, .wfd = -1, .master = -1, .listen_fd = -1 };

static volatile sig_atomic_t got_signal;
static volatile sig_atomic_t got_chld;	/* a data exec command ended */

/* ---- time, timers, logging --------------------------------------------- */

int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#define TIMER_OFF INT64_MAX

void timer_arm(enum timer_id id, int64_t delay_ms)
{
	S.timers[id] = now_ms() + delay_ms;
}

void timer_cancel(enum timer_id id)
{
	S.timers[id] = TIMER_OFF;
}

static int timers_timeout(void)
{
	int64_t first = TIMER_OFF, now = now_ms();

	for (int i = 0; i < T_COUNT; i++)
		if (S.timers[i] < first)
			first = S.timers[i];
	if (first == TIMER_OFF)
		return -1;
	if (first <= now)
		return 0;
	return first - now > 3600000 ? 3600000 : (int)(first - now);
}

void logmsg(const char *fmt, ...)
{
	va_list ap;

	if (!S.log)
		return;
	va_start(ap, fmt);
	fputs("modemsim: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void logbytes(const char *dir, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	if (!S.log)
		return;
	fprintf(stderr, "modemsim: %s \"", dir);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];

		if (c == '\r')
			fputs("\\r", stderr);
		else if (c == '\n')
			fputs("\\n", stderr);
		else if (c == '"' || c == '\\')
			fprintf(stderr, "\\%c", c);
		else if (c >= 0x20 && c < 0x7f)
			fputc(c, stderr);
		else
			fprintf(stderr, "\\x%02x", c);
	}
	fputs("\"\n", stderr);
}

/* ---- the DTE: presence, output ----------------------------------------- */

/* pty: the master reports POLLHUP while no slave fd is open. */
static bool pty_slave_open(void)
{
	struct pollfd p = { .fd = T.master, .events = POLLIN };

	if (poll(&p, 1, 0) < 0)
		return false;
	return !(p.revents & POLLHUP);
}

static void peer_up(void)
{
	T.present = true;
	T.dropping = false;
	timer_cancel(T_PEER);
	modem_peer_connected();
}

static void peer_lost(const char *why)
{
	if (!T.present)
		return;
	logmsg("DTE disconnected (%s)", why);
	T.present = false;
	T.ooff = T.olen = 0;
	switch (T.kind) {
	case TR_UNIX:
		close(T.rfd);
		T.rfd = T.wfd = -1;
		break;
	case TR_PTY:
		timer_arm(T_PEER, PEER_CHECK_MS);
		break;
	case TR_TTY:
		/* Hung up or gone (a USB gadget unbound): open it again. */
		close(T.rfd);
		T.rfd = T.wfd = -1;
		timer_cancel(T_LINES);
		timer_arm(T_PEER, PEER_CHECK_MS);
		break;
	case TR_STDIO:
		T.stdin_eof = true;
		S.quit = true;
		break;
	}
	modem_peer_gone();
}

bool peer_present(void)
{
	if (!T.present && T.kind == TR_PTY && pty_slave_open())
		peer_up();
	return T.present;
}

size_t out_pending(void)
{
	return T.olen - T.ooff;
}

/*
 * Append @len bytes to the byte queue *@buf (@off..@len in use, @cap
 * allocated): the consumed head is moved out first if that makes room,
 * else the queue grows by doubling. Out of memory ends modemsim.
 */
void queue_append(unsigned char **buf, size_t *off, size_t *len, size_t *cap,
		  const void *src, size_t n)
{
	if (*off && *len + n > *cap) {
		memmove(*buf, *buf + *off, *len - *off);
		*len -= *off;
		*off = 0;
	}
	if (*len + n > *cap) {
		size_t c = *cap ? *cap : 4096;
		unsigned char *nb;

		while (c < *len + n)
			c *= 2;
		nb = realloc(*buf, c);
		if (!nb) {
			fprintf(stderr, "modemsim: out of memory\n");
			exit(1);
		}
		*buf = nb;
		*cap = c;
	}
	memcpy(*buf + *len, src, n);
	*len += n;
}

void out_write(const void *buf, size_t len)
{
	if (!len)
		return;
	if (!peer_present()) {
		logbytes("dropped (no DTE)", buf, len);
		return;
	}
	if (out_pending() + len > OUT_MAX) {
		if (!T.dropping)
			fprintf(stderr,
				"modemsim: DTE not reading, output dropped\n");
		T.dropping = true;
		return;
	}
	T.dropping = false;
	queue_append(&T.obuf, &T.ooff, &T.olen, &T.ocap, buf, len);
	T.queued += len;
}

/* ---- the modem-control lines (--tty) ----------------------------------- */

bool lines_present(void)
{
	return T.kind == TR_TTY && T.lines;
}

bool lines_cts(void)
{
	return !lines_present() || T.cts;
}

void lines_set_dcd(bool on)
{
	int bit = TIOCM_DTR;

	if (!lines_present() || T.rfd < 0)
		return;
	if (ioctl(T.rfd, on ? TIOCMBIS : TIOCMBIC, &bit))
		fprintf(stderr, "modemsim: %s: DTR %s: %s\n", T.tty_path,
			on ? "on" : "off", strerror(errno));
}

/*
 * Read the lines: the DTE's DTR (our DSR, and DCD) goes to the modem, the
 * DTE's RTS (our CTS) gates our output. TIOCGICOUNT, where the driver has
 * it, shows a DTR pulse shorter than LINES_POLL_MS as a drop too.
 */
static void lines_poll(void)
{
	struct serial_icounter_struct ic;
	bool dtr;
	int m;

	if (!lines_present() || T.rfd < 0)
		return;
	if (ioctl(T.rfd, TIOCMGET, &m)) {
		logmsg("TIOCMGET: %s", strerror(errno));
		return;
	}
	dtr = m & (TIOCM_DSR | TIOCM_CAR);
	if (T.have_icount && !ioctl(T.rfd, TIOCGICOUNT, &ic)) {
		if (dtr && S.dtr && (ic.dsr - T.icount.dsr >= 2 ||
				     ic.dcd - T.icount.dcd >= 2))
			modem_dtr(false);
		T.icount = ic;
	}
	modem_dtr(dtr);
	if (T.cts != !!(m & TIOCM_CTS))
		logmsg("CTS %s", m & TIOCM_CTS ? "on" : "off");
	T.cts = m & TIOCM_CTS;
	modem_sync_lines();
}

/* CTS is low: count the unsent bytes not counted yet as held. */
static void count_held(void)
{
	uint64_t from = T.queued - out_pending();

	if (from < T.held_upto)
		from = T.held_upto;
	if (T.queued <= from)
		return;
	logmsg("CTS low: %llu bytes held",
	       (unsigned long long)(T.queued - from));
	S.held += T.queued - from;
	T.held_upto = T.queued;
}

static void out_flush(void)
{
	modem_sync_lines();
	if (T.present && lines_present() && out_pending()) {
		lines_poll();		/* CTS now, not 2 ms ago */
		if (!T.cts) {
			count_held();
			return;
		}
	}
	while (T.present && out_pending()) {
		ssize_t n = write(T.wfd, T.obuf + T.ooff, out_pending());

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN)
				peer_lost(strerror(errno));
			break;
		}
		logbytes("tx", T.obuf + T.ooff, n);
		T.ooff += n;
	}
	if (T.ooff == T.olen)
		T.ooff = T.olen = 0;
}

static void peer_read(void)
{
	unsigned char buf[4096];
	ssize_t n = read(T.rfd, buf, sizeof(buf));

	if (n > 0) {
		logbytes("rx", buf, n);
		modem_input(buf, n);
	} else if (n == 0 && T.kind == TR_STDIO) {
		/* No more input: end like a closed DTE, but flush output. */
		logmsg("end of input");
		T.stdin_eof = true;
		modem_peer_gone();
	} else if (n == 0) {
		peer_lost("end of file");
	} else if (errno != EAGAIN && errno != EINTR) {
		peer_lost(errno != EIO ? strerror(errno) :
			  T.kind == TR_PTY ? "pty slave closed" : "hung up");
	}
}

/* ---- transports -------------------------------------------------------- */

static void die(const char *what)
{
	fprintf(stderr, "modemsim: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		die("fcntl");
}

static void open_pty(void)
{
	struct termios t;
	char *name;
	int s;

	T.master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (T.master < 0 || grantpt(T.master) || unlockpt(T.master))
		die("posix_openpt");
	name = ptsname(T.master);
	if (!name)
		die("ptsname");
	/* Raw slave: no echo or line editing between DTE and us. The pty
	 * keeps its termios while the master is open, across slave reopens.
	 */
	s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (s < 0 || tcgetattr(s, &t))
		die(name);
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(s, TCSANOW, &t))
		die("tcsetattr");
	close(s);
	set_nonblock(T.master);
	T.rfd = T.wfd = T.master;
	printf("PTY %s\n", name);
	fflush(stdout);
	if (pty_slave_open())
		peer_up();
	else
		timer_arm(T_PEER, PEER_CHECK_MS);
}

/*
 * --tty: the modem's side of a serial line. Raw and CLOCAL (the modem
 * does not wait for carrier nor gets hung up), CRTSCTS with lines. Returns
 * false if it cannot be opened now; at start (first) that is fatal.
 */
static bool open_tty(bool first)
{
	const char *path = T.tty_path;
	struct termios t;
	int fd, m = 0;

	fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || tcgetattr(fd, &t)) {
		if (first) {
			fprintf(stderr, "modemsim: --tty %s: %s\n", path,
				fd < 0 ? strerror(errno) : "not a tty");
			exit(1);
		}
		if (fd >= 0)
			close(fd);
		return false;
	}
	if (T.lines && ioctl(fd, TIOCMGET, &m)) {
		if (first) {
			fprintf(stderr,
				"modemsim: --tty %s: no modem-control lines "
				"(TIOCMGET: %s); --no-lines serves it without "
				"them\n", path, strerror(errno));
			exit(1);
		}
		close(fd);
		return false;
	}
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	if (T.lines)
		t.c_cflag |= CRTSCTS;
	else
		t.c_cflag &= ~CRTSCTS;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSANOW, &t)) {
		if (first)
			die(path);
		close(fd);
		return false;
	}
	T.rfd = T.wfd = fd;
	if (T.lines) {
		int rts = TIOCM_RTS;

		/* Our RTS is the DTE's CTS: it may send. */
		if (ioctl(fd, TIOCMBIS, &rts))
			logmsg("RTS on: %s", strerror(errno));
		/* The DTE's DTR as it is now: a level, not a drop. */
		S.dtr = m & (TIOCM_DSR | TIOCM_CAR);
		T.cts = m & TIOCM_CTS;
		T.have_icount = !ioctl(fd, TIOCGICOUNT, &T.icount);
		lines_set_dcd(S.dcd);	/* open() may have raised our DTR */
		timer_arm(T_LINES, LINES_POLL_MS);
	}
	if (T.lines)
		logmsg("%s open: DTE's DTR %d, RTS %d", path, S.dtr, T.cts);
	else
		logmsg("%s open, without modem-control lines", path);
	peer_up();
	return true;
}

/* Listen on PATH; it appears (by rename) only once listening. */
int unix_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char tmp[sizeof(sa.sun_path)];
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid()) >=
	    (int)sizeof(tmp)) {
		fprintf(stderr, "modemsim: socket path too long: %s\n", path);
		exit(2);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket");
	memcpy(sa.sun_path, tmp, strlen(tmp) + 1);
	unlink(tmp);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8))
		die(tmp);
	if (rename(tmp, path)) {
		unlink(tmp);
		die(path);
	}
	return fd;
}

static void unix_accept(void)
{
	int fd = accept4(T.listen_fd, NULL, NULL,
			 SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	T.rfd = T.wfd = fd;
	peer_up();
}

static void open_stdio(void)
{
	T.rfd = 0;
	T.wfd = 1;
	if (isatty(0) && !tcgetattr(0, &T.tty)) {
		/* Interactive: Enter sends CR, no local echo, ^C still works. */
		struct termios t = T.tty;

		t.c_iflag &= ~(ICRNL | INLCR | IGNCR | IXON);
		t.c_lflag &= ~(ICANON | ECHO | ECHONL | IEXTEN);
		t.c_oflag &= ~OPOST;
		t.c_cc[VMIN] = 1;
		t.c_cc[VTIME] = 0;
		T.tty_saved = !tcsetattr(0, TCSANOW, &t);
	}
	T.fl0 = fcntl(0, F_GETFL);
	T.fl1 = fcntl(1, F_GETFL);
	set_nonblock(0);
	set_nonblock(1);
	peer_up();
}

static void cleanup(void)
{
	if (T.kind == TR_STDIO) {
		if (T.fl0 >= 0)
			fcntl(0, F_SETFL, T.fl0);
		if (T.fl1 >= 0)
			fcntl(1, F_SETFL, T.fl1);
		if (T.tty_saved)
			tcsetattr(0, TCSANOW, &T.tty);
	}
	if (T.listen_fd >= 0)		/* only what we created */
		unlink(T.unix_path);
	control_close();
	exec_cleanup();
}

/* ---- options ----------------------------------------------------------- */

static void usage(FILE *f)
{
	fputs(
"usage: modemsim [--pty | --unix PATH | --tty PATH | --stdio] [--control PATH]\n"
"                [options]\n"
"A Hayes-compatible (AT) modem simulator.\n"
"\n"
"Transport (one; default --stdio):\n"
"  --pty                 serve a new pty; prints \"PTY /dev/pts/N\" first\n"
"  --unix PATH           listen on a unix stream socket, one DTE at a time\n"
"  --tty PATH            serve a serial tty, with its modem-control lines\n"
"  --no-lines            with --tty: a tty without them (a pty, ttyGS0)\n"
"  --stdio               stdin/stdout\n"
"  --control PATH        control socket (line commands, see modemsim(1))\n"
"\n"
"Scripted behaviour (also control commands of the same name):\n"
"  --dialect D           v250 (dial-up) or 3gpp (cellular, TS 27.007) (v250)\n"
"  --result R            connect|busy|noanswer|nocarrier|nodialtone|error|silent\n"
"                        |rejected|released\n"
"  --answer-delay MS     delay before a dial result / ATA's CONNECT (0)\n"
"  --alert-delay MS      3gpp voice dial: dialing to alerting (200)\n"
"  --escape-delay MS     extra delay before the OK to +++ (0)\n"
"  --rate N              CONNECT N; 0: plain CONNECT (33600)\n"
"  --connect-suffix S    appended to CONNECT N, e.g. /ARQ/V34/LAPM (none)\n"
"  --hangup-after MS     remote hangs up MS after connecting (0: never)\n"
"  --data echo|sink|exec:CMD\n"
"                        data mode: echo bytes back, swallow them, or run\n"
"                        sh -c CMD per call as the far end (echo)\n"
"  --ring NUMBER         ring once the DTE is connected, with this caller\n"
"  --rings COUNT         number of RINGs (5)\n"
"  --ring-interval MS    between RINGs (2000)\n"
"\n"
"Initial AT settings (restored by ATZ and AT&F):\n"
"  --echo 0|1            ATE (1)\n"
"  --verbose 0|1         ATV (1)\n"
"  --quiet 0|1           ATQ (0)\n"
"  --cid                 AT#CID=1\n"
"  --clip                AT+CLIP=1\n"
"  --guard MS            +++ guard time (1000, i.e. S12=50)\n"
"\n"
"  --seed N              random seed for 'garbage' and 'noise'\n"
"  -v                    log every byte and event to stderr\n"
"  -h, --help            this text\n"
"  -V, --version         modemsim's version\n"
"\n"
"Exit status: 0; 1 when a system call fails (transport, control socket);\n"
"2 for bad usage or a bad value. See modemsim(1).\n", f);
}

enum {
	O_PTY = 256, O_UNIX, O_STDIO, O_CONTROL, O_RESULT, O_DELAY, O_ESCDELAY, O_RATE,
	O_SUFFIX, O_HANGUP, O_DATA, O_RING, O_RINGS, O_RINGIV, O_ECHO,
	O_VERBOSE, O_QUIET, O_CID, O_CLIP, O_GUARD, O_SEED, O_TTY, O_NOLINES,
	O_DIALECT, O_ALERT,
};

static const struct option long_opts[] = {
	{ "pty", no_argument, NULL, O_PTY },
	{ "unix", required_argument, NULL, O_UNIX },
	{ "stdio", no_argument, NULL, O_STDIO },
	{ "tty", required_argument, NULL, O_TTY },
	{ "no-lines", no_argument, NULL, O_NOLINES },
	{ "control", required_argument, NULL, O_CONTROL },
	{ "result", required_argument, NULL, O_RESULT },
	{ "answer-delay", required_argument, NULL, O_DELAY },
	{ "dialect", required_argument, NULL, O_DIALECT },
	{ "alert-delay", required_argument, NULL, O_ALERT },
	{ "escape-delay", required_argument, NULL, O_ESCDELAY },
	{ "rate", required_argument, NULL, O_RATE },
	{ "connect-suffix", required_argument, NULL, O_SUFFIX },
	{ "hangup-after", required_argument, NULL, O_HANGUP },
	{ "data", required_argument, NULL, O_DATA },
	{ "ring", required_argument, NULL, O_RING },
	{ "rings", required_argument, NULL, O_RINGS },
	{ "ring-interval", required_argument, NULL, O_RINGIV },
	{ "echo", required_argument, NULL, O_ECHO },
	{ "verbose", required_argument, NULL, O_VERBOSE },
	{ "quiet", required_argument, NULL, O_QUIET },
	{ "cid", no_argument, NULL, O_CID },
	{ "clip", no_argument, NULL, O_CLIP },
	{ "guard", required_argument, NULL, O_GUARD },
	{ "seed", required_argument, NULL, O_SEED },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* A setting option is the control command of the same name. */
static void setting(const char *cmd, const char *arg)
{
	char line[EXEC_CMD_MAX + 24], reply[256];

	if (snprintf(line, sizeof(line), "%s %s", cmd, arg ? arg : "") >=
	    (int)sizeof(line)) {
		fprintf(stderr, "modemsim: --%s: value too long\n", cmd);
		exit(2);
	}
	if (control_exec(line, reply, sizeof(reply)) || strncmp(reply, "ok", 2)) {
		fprintf(stderr, "modemsim: --%s: %s\n", cmd, reply);
		exit(2);
	}
}

static long int_arg(const char *opt, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "modemsim: --%s: bad value '%s' (%ld..%ld)\n",
			opt, s, min, max);
		exit(2);
	}
	return v;
}

static void defaults(void)
{
	static const unsigned char sreg[] = {
		[0] = 0, [1] = 0, [2] = '+', [3] = '\r', [4] = '\n',
		[5] = '\b', [6] = 2, [7] = 50, [8] = 2, [9] = 6, [10] = 14,
		[11] = 95, [12] = 50,
	};
	struct profile *p = &S.profile;

	for (int i = 0; i < T_COUNT; i++)
		S.timers[i] = TIMER_OFF;
	p->echo = 1;
	p->verbose = 1;
	p->xlevel = 4;
	p->speaker = 1;
	p->volume = 2;
	p->amp_c = 1;
	p->amp_d = 2;
	p->guard_ms = 1000;
	memcpy(p->sreg, sreg, sizeof(sreg));
	S.script.result = OUT_CONNECT;
	S.script.rate = 33600;
	S.script.alert_delay_ms = 200;
	S.cli_rings = 5;
	S.cli_ring_interval_ms = 2000;
	S.seed = (unsigned int)(now_ms() ^ getpid());
}

/* ---- main loop --------------------------------------------------------- */

static void on_signal(int sig)
{
	got_signal = sig;
}

static void on_sigchld(int sig)
{
	(void)sig;
	got_chld = 1;
}

static void run_timers(void)
{
	for (;;) {
		int64_t now = now_ms(), best_t = TIMER_OFF;
		int best = -1;

		for (int i = 0; i < T_COUNT; i++)
			if (S.timers[i] <= now && S.timers[i] < best_t) {
				best_t = S.timers[i];
				best = i;
			}
		if (best < 0)
			return;
		S.timers[best] = TIMER_OFF;
		if (best == T_PEER && T.kind == TR_TTY) {
			if (!open_tty(false))
				timer_arm(T_PEER, PEER_CHECK_MS);
		} else if (best == T_PEER) {
			if (pty_slave_open())
				peer_up();
			else
				timer_arm(T_PEER, PEER_CHECK_MS);
		} else if (best == T_LINES) {
			lines_poll();
			timer_arm(T_LINES, LINES_POLL_MS);
		} else {
			modem_timer(best);
		}
	}
}

static void loop(void)
{
	struct pollfd pfd[POLL_MAX];
	int64_t leave_by = 0;
	sigset_t empty;

	sigemptyset(&empty);
	while (!got_signal) {
		int n = 0, rx = -1, tx = -1, lst = -1, nctl, nexec, timeout, r;
		bool want_in, want_out;

		if (S.quit || T.stdin_eof) {
			/* Leaving: flush what is queued, but not forever. */
			if (!leave_by)
				leave_by = now_ms() + LEAVE_FLUSH_MS;
			if (!T.present || !out_pending() || now_ms() >= leave_by)
				break;
		}
		/* Nor while the call's command has not taken what it got. */
		want_in = T.present && !T.stdin_eof && !S.quit &&
			  out_pending() < OUT_HIGH_WATER && !exec_input_full();
		/* CTS low: T_LINES looks again, no POLLOUT meanwhile. */
		want_out = out_pending() && lines_cts();
		if (T.present) {
			if (T.rfd == T.wfd) {
				rx = tx = n;
				pfd[n].fd = T.rfd;
				pfd[n].events = (want_in ? POLLIN : 0) |
						(want_out ? POLLOUT : 0);
				n++;
			} else {
				if (want_in) {
					rx = n;
					pfd[n].fd = T.rfd;
					pfd[n++].events = POLLIN;
				}
				if (want_out) {
					tx = n;
					pfd[n].fd = T.wfd;
					pfd[n++].events = POLLOUT;
				}
			}
		} else if (T.kind == TR_UNIX) {
			lst = n;
			pfd[n].fd = T.listen_fd;
			pfd[n++].events = POLLIN;
		}
		nctl = control_pollfds(pfd + n, POLL_MAX - n);
		nexec = exec_pollfds(pfd + n + nctl, POLL_MAX - n - nctl);

		timeout = timers_timeout();
		if (leave_by && (timeout < 0 || timeout > 100))
			timeout = 100;
		if (timeout < 0) {
			r = ppoll(pfd, n + nctl + nexec, NULL, &empty);
		} else {
			struct timespec ts = {
				.tv_sec = timeout / 1000,
				.tv_nsec = (long)(timeout % 1000) * 1000000,
			};

			r = ppoll(pfd, n + nctl + nexec, &ts, &empty);
		}
		if (r < 0 && errno != EINTR)
			die("poll");

		if (got_chld) {
			got_chld = 0;
			exec_reap();
		}
		run_timers();
		if (r > 0) {
			exec_handle(pfd + n + nctl, nexec);
			if (lst >= 0 && (pfd[lst].revents & POLLIN))
				unix_accept();
			if (rx >= 0 && T.present) {
				short ev = pfd[rx].revents;

				if (ev & POLLIN || (T.kind == TR_STDIO &&
						    ev & (POLLHUP | POLLERR)))
					peer_read();
				else if (ev & (POLLHUP | POLLERR))
					peer_lost(ev & POLLHUP ? "hangup" :
						  "error");
			}
			if (tx >= 0 && tx != rx && T.present &&
			    (pfd[tx].revents & (POLLERR | POLLHUP)))
				peer_lost("output closed");
			control_handle(pfd + n, nctl);
		}
		exec_service();
		out_flush();
	}
	out_flush();
}

int main(int argc, char **argv)
{
	const char *control_path = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	struct sigaction chld = { .sa_handler = on_sigchld,
				  .sa_flags = SA_NOCLDSTOP };
	sigset_t block;
	int kind = -1, opt;

	defaults();
	while ((opt = getopt_long(argc, argv, "vhV", long_opts, NULL)) != -1) {
		int k = -1;

		switch (opt) {
		case O_PTY:
			k = TR_PTY;
			break;
		case O_UNIX:
			k = TR_UNIX;
			T.unix_path = optarg;
			break;
		case O_STDIO:
			k = TR_STDIO;
			break;
		case O_TTY:
			k = TR_TTY;
			T.tty_path = optarg;
			break;
		case O_NOLINES:
			T.no_lines = true;
			break;
		case O_CONTROL:
			control_path = optarg;
			break;
		case O_RESULT:
			setting("result", optarg);
			break;
		case O_DELAY:
			setting("answer-delay", optarg);
			break;
		case O_DIALECT:
			setting("dialect", optarg);
			break;
		case O_ALERT:
			setting("alert-delay", optarg);
			break;
		case O_ESCDELAY:
			setting("escape-delay", optarg);
			break;
		case O_RATE:
			setting("rate", optarg);
			break;
		case O_SUFFIX:
			setting("connect-suffix", optarg);
			break;
		case O_HANGUP:
			setting("hangup-after", optarg);
			break;
		case O_DATA:
			setting("data", optarg);
			break;
		case O_RING:
			if (strlen(optarg) > NUMBER_MAX || strchr(optarg, ' ')) {
				fprintf(stderr, "modemsim: --ring: bad number\n");
				exit(2);
			}
			S.cli_ring = true;
			snprintf(S.cli_ring_number, sizeof(S.cli_ring_number),
				 "%s", optarg);
			break;
		case O_RINGS:
			S.cli_rings = int_arg("rings", optarg, 1, 100000);
			break;
		case O_RINGIV:
			S.cli_ring_interval_ms =
				int_arg("ring-interval", optarg, 1, 86400000);
			break;
		case O_ECHO:
			setting("echo", optarg);
			break;
		case O_VERBOSE:
			setting("verbose", optarg);
			break;
		case O_QUIET:
			setting("quiet", optarg);
			break;
		case O_CID:
			setting("cid", "1");
			break;
		case O_CLIP:
			setting("clip", "1");
			break;
		case O_GUARD:
			setting("guard", optarg);
			break;
		case O_SEED:
			S.seed = int_arg("seed", optarg, 0, 0x7fffffff);
			break;
		case 'v':
			S.log++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			puts("modemsim " MODEMSIM_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
		if (k >= 0) {
			if (kind >= 0 && kind != k) {
				fprintf(stderr,
					"modemsim: only one of --pty, --unix, --tty, --stdio\n");
				return 2;
			}
			kind = k;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	T.kind = kind < 0 ? TR_STDIO : kind;
	if (T.no_lines && T.kind != TR_TTY) {
		fprintf(stderr, "modemsim: --no-lines goes with --tty\n");
		return 2;
	}
	T.lines = T.kind == TR_TTY && !T.no_lines;
	srandom(S.seed);
	modem_init();

	signal(SIGPIPE, SIG_IGN);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGCHLD, &chld, NULL);
	/* All four arrive only inside ppoll(): the loop sees each at once. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGCHLD);
	sigprocmask(SIG_BLOCK, &block, NULL);
	atexit(cleanup);

	/* Control first: once the DTE side exists, control is ready too. */
	if (control_path && control_open(control_path))
		return 1;
	switch (T.kind) {
	case TR_PTY:
		open_pty();
		break;
	case TR_UNIX:
		T.listen_fd = unix_listen(T.unix_path);
		break;
	case TR_TTY:
		open_tty(true);
		break;
	case TR_STDIO:
		open_stdio();
		break;
	}
	loop();
	if (got_signal)
		logmsg("signal %d, exiting", (int)got_signal);
	return 0;
}

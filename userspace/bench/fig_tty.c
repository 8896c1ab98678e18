// SPDX-License-Identifier: GPL-2.0
/*
 * Figures on tty lines (the line discipline on a pty):
 *   3 pty_cycle_vs_userspace  modemsim on a pty, through the kernel against
 *                             a plain program doing the same AT dialog
 *   6 data_vs_raw_pty         a call's data descriptor against a raw pty
 *   7 event_latency_vs_pty    remote hang-up to event against a pty read()
 *   9 nm_cycle_vs_userspace   modemsim --tty on a null-modem pair, hang-up
 *                             by DTR, through the kernel against a plain
 *                             program doing the same dialog and DTR toggle
 *
 * Figures 6 and 7 play the modem themselves on the master side of a pty
 * (they must know when the hang-up byte is written); figure 3 uses
 * modemsim, started as the README says:
 *   modemsim --pty --control PATH --guard 100 --answer-delay 0
 *
 * The dialog, the same on both sides of figure 3 (kmod/at.c): the init
 * string ATE0V1Q0X4&C1&D2S0=0 and OK, ATD5551234 and CONNECT; the local
 * hang-up of a pty (no DTR) is guard time of silence, "+++", OK (after the
 * modem's guard time), ATH and OK. Guard time 100 ms on both the line and
 * modemsim, so about 200 ms of each cycle is the escape's silence on both
 * sides: the ratio measures our overhead on a realistic dialog.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "bench.h"

#define GUARD_MS	100
#define INIT		"ATE0V1Q0X4&C1&D2S0=0"
#define WAIT_MS		20000
#define VLOG(...) do { if (verbose) blog(__VA_ARGS__); } while (0)

/* ------------------------------------------------------------------ */
/* modemsim                                                            */

/*
 * One command to modemsim's control socket at @path; its reply line
 * (without the newline) in @reply, or with @len 0 only its first byte
 * read. 0, or -errno (-ETIMEDOUT after WAIT_MS without the reply).
 */
int msim_ctl(const char *path, const char *cmd, char *reply, size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct pollfd pf = { .events = POLLIN };
	uint64_t deadline = now_ns() + WAIT_MS * 1000000ULL;
	char line[1100], c;
	size_t have = 0;
	int n, err = 0;

	n = snprintf(line, sizeof(line), "%s\n", cmd);
	if (strlen(path) >= sizeof(sa.sun_path) || n >= (int)sizeof(line))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	pf.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (pf.fd < 0)
		return -errno;
	if (connect(pf.fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    send(pf.fd, line, n, MSG_NOSIGNAL) != n)
		err = -errno;
	while (!err) {
		uint64_t now = now_ns();

		if (now >= deadline ||
		    poll(&pf, 1, (int)((deadline - now) / 1000000ULL) + 1) != 1) {
			err = -ETIMEDOUT;
			break;
		}
		if (read(pf.fd, &c, 1) != 1) {
			err = -EPIPE;
			break;
		}
		if (!len || c == '\n')
			break;
		if (have < len - 1)
			reply[have++] = c;
	}
	if (len)
		reply[have] = '\0';
	close(pf.fd);
	return err;
}

/*
 * Ask modemsim's control socket for its status: 0 once it answers, or
 * -errno. The socket listens before the tty is set up; only the answer,
 * from the main loop, says the tty is open and its lines settled.
 */
static int msim_ctl_ready(const char *path)
{
	/* The reply's first byte is enough: it is sent after the set-up. */
	return msim_ctl(path, "status", NULL, 0);
}

/*
 * Start modemsim on a pty of its own (@tty NULL: it prints "PTY <path>"),
 * or serving @tty, one end of a null-modem pair, where it prints nothing
 * and is ready once its control socket answers. @data: its --data (NULL:
 * the default, echo).
 */
int msim_start_on(struct msim *m, const char *tty, const char *guard, const char *data)
{
	static int counter;
	char buf[128];
	const char *argv[12];
	size_t have = 0;
	int p[2], argc = 0;
	pid_t parent = getpid();

	memset(m, 0, sizeof(*m));
	snprintf(m->ctl, sizeof(m->ctl), "/tmp/ml_bench.%d.%d.ctl", (int)parent, ++counter);
	unlink(m->ctl);
	argv[argc++] = "modemsim";
	if (tty) {
		argv[argc++] = "--tty";
		argv[argc++] = tty;
	} else {
		argv[argc++] = "--pty";
	}
	argv[argc++] = "--control";
	argv[argc++] = m->ctl;
	argv[argc++] = "--guard";
	argv[argc++] = guard;
	argv[argc++] = "--answer-delay";
	argv[argc++] = "0";
	if (data) {
		argv[argc++] = "--data";
		argv[argc++] = data;
	}
	argv[argc] = NULL;
	if (pipe2(p, O_CLOEXEC))
		return -errno;
	m->pid = fork();
	if (m->pid < 0)
		return -errno;
	if (!m->pid) {
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent || dup2(p[1], STDOUT_FILENO) < 0)
			_exit(127);
		execvp(modemsim_path, (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	m->out = p[0];
	if (tty) {
		uint64_t deadline = now_ns() + WAIT_MS * 1000000ULL;

		if (strlen(tty) >= sizeof(m->pty))
			return -ENAMETOOLONG;
		strcpy(m->pty, tty);
		while (msim_ctl_ready(m->ctl)) {
			if (now_ns() >= deadline)
				return -ETIMEDOUT;
			if (waitpid(m->pid, NULL, WNOHANG) == m->pid) {
				m->pid = 0;
				return -ECHILD;
			}
			sleep_ms(10);
		}
		return 0;
	}
	while (have < sizeof(buf) - 1) {
		struct pollfd pf = { .fd = m->out, .events = POLLIN };
		ssize_t n;

		if (poll(&pf, 1, WAIT_MS) <= 0)
			return -ETIMEDOUT;
		n = read(m->out, buf + have, 1);
		if (n <= 0)
			return -EPIPE;
		if (buf[have] == '\n') {
			buf[have] = '\0';
			if (strncmp(buf, "PTY ", 4) || strlen(buf + 4) >= sizeof(m->pty))
				return -EPROTO;
			strcpy(m->pty, buf + 4);
			return 0;
		}
		have++;
	}
	return -E2BIG;
}

static int msim_start(struct msim *m)
{
	return msim_start_on(m, NULL, "100", NULL);
}

void msim_stop(struct msim *m)
{
	if (m->pid > 0) {
		kill(m->pid, SIGTERM);
		waitpid(m->pid, NULL, 0);
	}
	if (m->out > 0)
		close(m->out);
	m->pid = 0;
}

/* ------------------------------------------------------------------ */
/* a tty line                                                          */

/* The line on @tty, with guard time @guard_ms and init string @init (NULL: the default). */
int attach_line(int tty, uint32_t *line, uint32_t guard_ms, const char *init)
{
	struct modemline_tty_config cfg;
	int ret;

	ret = ml_tty_attach(tty, line);
	if (ret)
		return ret;
	ret = ml_tty_get_config(tty, &cfg);
	if (!ret) {
		cfg.guard_ms = guard_ms;
		if (init)
			snprintf(cfg.init, sizeof(cfg.init), "%s", init);
		ret = ml_tty_set_config(tty, &cfg);
	}
	return ret;
}

/* DIAL again while the modem still finishes the last hang-up, this long. */
#define BUSY_MS		5000

/* ------------------------------------------------------------------ */
/* figure 3                                                            */

static int kernel_cycle(void *p, long iters)
{
	int ret;

	for (long i = 0; i < iters; i++) {
		ret = cycle_run(p);
		VLOG("kernel cycle: %d", ret);
		if (ret)
			return ret;
	}
	return 0;
}

/* The plain program: AT dialog on the tty, line by line. */
struct ucycle {
	int tty;
	int timeouts;		/* hang-up steps that timed out */
	char buf[512];
	size_t len;
};

static int uwrite(int fd, const char *s)
{
	size_t len = strlen(s);
	ssize_t n = write(fd, s, len);

	return n == (ssize_t)len ? 0 : n < 0 ? -errno : -EIO;
}

/* The first CR or LF in @buf, or NULL. */
static char *line_end(char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\r' || buf[i] == '\n')
			return buf + i;
	return NULL;
}

/*
 * Read lines until one starts with @want; echoes and others are skipped.
 * -ETIMEDOUT after @timeout_ms (-1: none).
 */
static int uexpect(struct ucycle *u, const char *want, int timeout_ms)
{
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000ULL;

	for (;;) {
		char *cr;
		ssize_t n;

		while ((cr = line_end(u->buf, u->len))) {
			size_t l = (size_t)(cr - u->buf);
			bool hit = l >= strlen(want) && !strncmp(u->buf, want, strlen(want));
			bool bad = (l == 5 && !strncmp(u->buf, "ERROR", 5)) ||
				   (l == 10 && !strncmp(u->buf, "NO CARRIER", 10) &&
				    strcmp(want, "NO CARRIER"));

			VLOG("user cycle: line \"%.*s\"", (int)l, u->buf);
			memmove(u->buf, cr + 1, u->len - l - 1);
			u->len -= l + 1;
			if (hit)
				return 0;
			if (bad)
				return -ECONNREFUSED;
		}
		if (u->len == sizeof(u->buf))
			u->len = 0;
		if (timeout_ms >= 0) {
			struct pollfd pf = { .fd = u->tty, .events = POLLIN };
			uint64_t now = now_ns();
			int r;

			if (now >= deadline)
				return -ETIMEDOUT;
			r = poll(&pf, 1, (int)((deadline - now) / 1000000ULL) + 1);
			if (r < 0)
				return -errno;
			if (!r)
				return -ETIMEDOUT;
		}
		n = read(u->tty, u->buf + u->len, sizeof(u->buf) - u->len);
		if (n < 0)
			return -errno;
		if (!n)
			return -EPIPE;
		u->len += (size_t)n;
	}
}

static int user_cycle(void *p, long iters)
{
	struct ucycle *u = p;
	int ret;

	for (long i = 0; i < iters; i++) {
		ret = uwrite(u->tty, INIT "\r");
		if (!ret)
			ret = uexpect(u, "OK", -1);
		VLOG("user cycle: init %d", ret);
		if (!ret)
			ret = uwrite(u->tty, "ATD" NUMBER "\r");
		if (!ret)
			ret = uexpect(u, "CONNECT", -1);
		VLOG("user cycle: connect %d", ret);
		if (ret)
			return ret;
		/*
		 * Hang up as the line discipline does on a tty without DTR
		 * (kmod/at.c), with its time-outs: no OK to the escape within
		 * guard + 1 s, ATH anyway; no reply to ATH within 1 s, done.
		 */
		sleep_ms(GUARD_MS);
		ret = uwrite(u->tty, "+++");
		if (!ret)
			ret = uexpect(u, "OK", GUARD_MS + 1000);
		VLOG("user cycle: escape %d", ret);
		if (ret == -ETIMEDOUT)
			u->timeouts++;
		if (!ret || ret == -ETIMEDOUT)
			ret = uwrite(u->tty, "ATH\r");
		if (!ret)
			ret = uexpect(u, "OK", 1000);
		if (ret == -ETIMEDOUT) {
			u->timeouts++;
			ret = 0;
		}
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Figures 3 and 9: @rounds rounds of @n cycles on each side, alternating
 * which goes first, after a warm-up cycle each; one ratio (kernel ÷
 * userspace) per round. Returns 0 or the error that stopped it.
 */
static int tty_rounds(struct figure *f, struct cycle *k, struct ucycle *u,
		      loop_fn ufn, long n, int rounds, int *retries)
{
	double a = 0, b = 0;
	int err = 0;

	time_loop(kernel_cycle, k, &(long){ 1 }, 0, &err);
	if (!err)
		time_loop(ufn, u, &(long){ 1 }, 0, &err);
	for (int r = 0; r < rounds && !err; r++) {
		if (0) {
retry:
			/*
			 * A dial ended before CONNECT, or the modem answered
			 * ERROR: on a starved host a reply came after the time
			 * the dialog waits for it and was taken for the next
			 * one's. The round is done again once the modem has
			 * settled, and counted.
			 */
			if (++*retries > 5)
				break;
			blog("%s: round %d again (%s)", f->name, r, strerror(-err));
			err = 0;
			sleep_ms(3000);
			u->len = 0;
			tcflush(u->tty, TCIFLUSH);
		}
		if (r % 2) {
			a = time_loop(ufn, u, &n, 0, &err);
			if (!err)
				b = time_loop(kernel_cycle, k, &n, 0, &err);
		} else {
			b = time_loop(kernel_cycle, k, &n, 0, &err);
			if (!err)
				a = time_loop(ufn, u, &n, 0, &err);
		}
		if (err == -ECONNRESET || err == -ECONNREFUSED || err == -ETIMEDOUT)
			goto retry;
		if (err)
			break;
		fig_abs(f, "kernel_cycle", "ns", b);
		fig_abs(f, "userspace_cycle", "ns", a);
		fig_add(f, b / a);
	}
	return err;
}

void fig_pty_cycle(struct figure *f)
{
	struct msim mk, mu;
	struct cycle k = { .fd = -1, .timeout_ms = -1, .busy_ms = BUSY_MS };
	struct ucycle u = { .tty = -1 };
	int tty = -1, ret, err = 0, retries = 0;
	long n = 3;

	ret = msim_start(&mk);
	if (!ret)
		ret = msim_start(&mu);
	if (ret) {
		fig_fail(f, "modemsim (%s): %s", modemsim_path, strerror(-ret));
		goto out;
	}
	tty = ml_tty_open(mk.pty, 0);
	if (tty < 0 || (ret = attach_line(tty, &k.line, GUARD_MS, NULL))) {
		fig_fail(f, "attach to %s: %s", mk.pty, strerror(tty < 0 ? -tty : -ret));
		goto out;
	}
	k.fd = ml_open(0);
	u.tty = ml_tty_open(mu.pty, 0);
	if (k.fd < 0 || u.tty < 0) {
		fig_fail(f, "open: %s", strerror(k.fd < 0 ? -k.fd : -u.tty));
		goto out;
	}
	err = tty_rounds(f, &k, &u, user_cycle, n, 7, &retries);
	if (err)
		fig_fail(f, "cycle: %s", strerror(-err));
	fig_extra(f, ", \"userspace_hangup_timeouts\": %d, \"rounds_redone\": %d",
		  u.timeouts, retries);
	fig_extra(f, ", \"cycles_per_round\": %ld, \"guard_ms\": %d, \"dialog\": "
		  "\"init+OK, ATD+CONNECT, guard silence, +++ then OK after the modem's "
		  "guard, ATH+OK\"", n, GUARD_MS);
out:
	if (k.fd >= 0)
		ml_close(k.fd);
	if (tty >= 0)
		close(tty);
	if (u.tty >= 0)
		close(u.tty);
	msim_stop(&mk);
	msim_stop(&mu);
}

/* ------------------------------------------------------------------ */
/* figure 9                                                            */

/*
 * Null-modem pairs of modemline_nullmodem (loaded by scripts/bench.sh):
 * ours on the A end of one pair, the plain program's on another, modemsim
 * on each B end. Short guard time: with DTR the escape is never used.
 */
#define NM_KERNEL_A	"/dev/ttyNMA1"
#define NM_KERNEL_B	"/dev/ttyNMB1"
#define NM_USER_A	"/dev/ttyNMA2"
#define NM_USER_B	"/dev/ttyNMB2"
#define NM_GUARD	"20"
#define NM_GUARD_MS	20
#define DTR_DROP_MS	500	/* kmod/at.h MODEMLINE_AT_DTR_DROP_MS */
#define DTR_REPLY_MS	1000	/* kmod/at.h MODEMLINE_AT_DTR_REPLY_MS */

static int set_dtr(int tty, bool on)
{
	int bit = TIOCM_DTR;

	return ioctl(tty, on ? TIOCMBIS : TIOCMBIC, &bit) ? -errno : 0;
}

/*
 * The plain program on a tty with DTR: the dialog of user_cycle(), then
 * the hang-up the line discipline does where the tty has DTR (kmod/at.c):
 * DTR low until the modem's OK (&D2) or 500 ms, then DTR up; without an OK
 * by then, another second for one.
 */
static int user_cycle_dtr(void *p, long iters)
{
	struct ucycle *u = p;
	int ret;

	for (long i = 0; i < iters; i++) {
		ret = uwrite(u->tty, INIT "\r");
		if (!ret)
			ret = uexpect(u, "OK", -1);
		if (!ret)
			ret = uwrite(u->tty, "ATD" NUMBER "\r");
		if (!ret)
			ret = uexpect(u, "CONNECT", -1);
		VLOG("user dtr cycle: connect %d", ret);
		if (!ret)
			ret = set_dtr(u->tty, false);
		if (ret)
			return ret;
		ret = uexpect(u, "OK", DTR_DROP_MS);
		if (!ret || ret == -ETIMEDOUT) {
			int up = set_dtr(u->tty, true);

			if (ret == -ETIMEDOUT) {
				u->timeouts++;
				ret = uexpect(u, "OK", DTR_REPLY_MS);
				if (ret == -ETIMEDOUT) {
					u->timeouts++;
					ret = 0;
				}
			}
			if (!ret)
				ret = up;
		}
		VLOG("user dtr cycle: hang-up %d", ret);
		if (ret)
			return ret;
	}
	return 0;
}

void fig_nm_cycle(struct figure *f)
{
	struct msim mk = { 0 }, mu = { 0 };
	struct cycle k = { .fd = -1, .timeout_ms = -1, .busy_ms = BUSY_MS };
	struct ucycle u = { .tty = -1 };
	int tty = -1, ret, err = 0, retries = 0;
	long n = 8;

	if (access(NM_KERNEL_A, R_OK | W_OK) || access(NM_USER_A, R_OK | W_OK)) {
		fig_fail(f, "no null-modem pair %s, %s (modemline_nullmodem not loaded?)",
			 NM_KERNEL_A, NM_USER_A);
		return;
	}
	ret = msim_start_on(&mk, NM_KERNEL_B, NM_GUARD, NULL);
	if (!ret)
		ret = msim_start_on(&mu, NM_USER_B, NM_GUARD, NULL);
	if (ret) {
		fig_fail(f, "modemsim (%s) --tty: %s", modemsim_path, strerror(-ret));
		goto out;
	}
	tty = ml_tty_open(NM_KERNEL_A, 0);
	if (tty < 0 || (ret = attach_line(tty, &k.line, NM_GUARD_MS, INIT))) {
		fig_fail(f, "attach to %s: %s", NM_KERNEL_A, strerror(tty < 0 ? -tty : -ret));
		goto out;
	}
	k.fd = ml_open(0);
	u.tty = ml_tty_open(NM_USER_A, 0);
	if (k.fd < 0 || u.tty < 0) {
		fig_fail(f, "open: %s", strerror(k.fd < 0 ? -k.fd : -u.tty));
		goto out;
	}
	err = tty_rounds(f, &k, &u, user_cycle_dtr, n, 9, &retries);
	if (err)
		fig_fail(f, "cycle: %s", strerror(-err));
	fig_extra(f, ", \"userspace_hangup_timeouts\": %d, \"rounds_redone\": %d",
		  u.timeouts, retries);
	fig_extra(f, ", \"cycles_per_round\": %ld, \"guard_ms\": %d, \"dialog\": "
		  "\"" INIT "+OK, ATD+CONNECT, DTR low until OK (or 500 ms), DTR up\"",
		  n, NM_GUARD_MS);
out:
	if (k.fd >= 0)
		ml_close(k.fd);
	if (tty >= 0)
		close(tty);
	if (u.tty >= 0)
		close(u.tty);
	msim_stop(&mk);
	msim_stop(&mu);
}

/* ------------------------------------------------------------------ */
/* our own modem on a pty master (figures 6 and 7)                     */

struct pty {
	int master, slave;
};

static int pty_open(struct pty *p)
{
	char *name;
	int err;

	p->slave = -1;
	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->master < 0)
		return -errno;
	if (grantpt(p->master) || unlockpt(p->master) || !(name = ptsname(p->master)))
		err = -errno;
	else
		err = p->slave = ml_tty_open(name, 0);
	if (err >= 0)
		return 0;
	/* pty_close() after a failure must not close these numbers again. */
	close(p->master);
	p->slave = p->master = -1;
	return err;
}

static void pty_close(struct pty *p)
{
	if (p->slave >= 0)
		close(p->slave);
	if (p->master >= 0)
		close(p->master);
	p->slave = p->master = -1;
}

/*
 * What figures 6 and 7 compare: a line on pty @p, whose master plays the
 * modem, against the raw pty @r. Returns a /dev/modemline file, or -1
 * after fig_fail(); the caller pty_close()s both ptys either way.
 */
static int line_and_raw_pty(struct figure *f, struct pty *p, struct pty *r,
			    uint32_t *line)
{
	int ret, fd;

	ret = pty_open(p);
	if (!ret)
		ret = pty_open(r);
	if (!ret)
		ret = attach_line(p->slave, line, GUARD_MS, NULL);
	if (ret) {
		fig_fail(f, "pty: %s", strerror(-ret));
		return -1;
	}
	fd = ml_open(0);
	if (fd < 0) {
		fig_fail(f, "open: %s", strerror(-fd));
		return -1;
	}
	return fd;
}

/* Read from the master until a CR: one command of the line discipline. */
static int modem_command(int master)
{
	char c[256];
	ssize_t n;

	for (;;) {
		n = read(master, c, sizeof(c));
		if (n < 0)
			return -errno;
		if (!n)
			return -EPIPE;
		if (memchr(c, '\r', (size_t)n))
			return 0;
	}
}

/* Dial on @line and play the modem until CONNECTED. */
static int modem_connect(int fd, uint32_t line, int master, uint32_t *call)
{
	struct cycle c = { .fd = fd, .line = line, .timeout_ms = -1, .busy_ms = BUSY_MS };
	int ret = cycle_dial(&c, call);

	if (!ret)
		ret = modem_command(master);		/* the init string */
	if (!ret)
		ret = uwrite(master, "\r\nOK\r\n");
	if (!ret)
		ret = modem_command(master);		/* ATD */
	if (!ret)
		ret = uwrite(master, "\r\nCONNECT 33600\r\n");
	if (!ret)
		ret = cycle_wait(&c, *call, MODEMLINE_STATE_CONNECTED);
	return ret;
}

/*
 * The remote hang-up, after the guard time of silence; *@latency is the
 * time from the write() of its last byte until the event was read (with
 * ml_wait_state(), or by a bare blocking read() when @bare).
 */
static int modem_hangup_how(int fd, int master, uint32_t call, uint64_t *latency,
			    bool bare)
{
	struct cycle c = { .fd = fd, .timeout_ms = -1, .bare = bare };
	uint64_t t0;
	int ret;

	/* Nothing stale to read first once the clock runs (CONNECTED, say). */
	drain_events(fd);
	sleep_ms(GUARD_MS + 30);
	ret = uwrite(master, "\r\nNO CARRIER\r");
	if (ret)
		return ret;
	sleep_ms(5);
	t0 = now_ns();
	ret = uwrite(master, "\n");
	if (!ret)
		ret = cycle_wait(&c, call, MODEMLINE_STATE_DISCONNECTED);
	if (latency)
		*latency = now_ns() - t0;
	return ret;
}

static int modem_hangup(int fd, int master, uint32_t call, uint64_t *latency)
{
	return modem_hangup_how(fd, master, call, latency, false);
}

/* ------------------------------------------------------------------ */
/* one CPU for figures 6 and 7                                         */

#define WQ_CPUMASK	"/sys/devices/virtual/workqueue/cpumask"

/* Save the unbound workqueues' cpumask to @old (if not NULL), set @mask. */
static int wq_cpumask(char *old, size_t len, const char *mask)
{
	FILE *fp;
	int ret = 0;

	if (old) {
		fp = fopen(WQ_CPUMASK, "re");
		if (!fp)
			return -errno;
		if (!fgets(old, (int)len, fp))
			ret = -EIO;
		fclose(fp);
		if (ret)
			return ret;
		old[strcspn(old, "\n")] = '\0';
	}
	fp = fopen(WQ_CPUMASK, "we");
	if (!fp)
		return -errno;
	if (fputs(mask, fp) < 0)
		ret = -EIO;
	if (fclose(fp))
		ret = -errno;
	return ret;
}

/*
 * Everything on CPU 0, the ttys' flush work (unbound workqueue) included:
 * under TCG a wake-up across vCPUs is so costly, and so irregular on a
 * loaded host, that unpinned throughputs and latencies are bimodal on
 * both sides. BENCH_UNPINNED=1 leaves the CPUs alone. (struct pin: bench.h)
 */
void pin_one_cpu(struct pin *p)
{
	cpu_set_t one;

	memset(p, 0, sizeof(*p));
	sched_getaffinity(0, sizeof(p->all), &p->all);
	if (getenv("BENCH_UNPINNED"))
		return;
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	p->cpu = !sched_setaffinity(0, sizeof(one), &one);
	p->wq = !wq_cpumask(p->wq_mask, sizeof(p->wq_mask), "1");
}

void unpin(struct pin *p)
{
	sched_setaffinity(0, sizeof(p->all), &p->all);
	if (p->wq)
		wq_cpumask(NULL, 0, p->wq_mask);
}

/* ------------------------------------------------------------------ */
/* figure 7                                                            */

#define LAT_PER_ROUND	7
#define PTY_PER_ROUND	50

void fig_event_latency(struct figure *f)
{
	struct pty p = { -1, -1 }, r = { -1, -1 };
	double ks[LAT_PER_ROUND], kb[LAT_PER_ROUND], us[PTY_PER_ROUND],
	       ut[PTY_PER_ROUND];
	uint32_t line, call;
	uint64_t lat, t0;
	int fd = -1, ret;
	struct pin pin = { .cpu = false };
	char c;

	fd = line_and_raw_pty(f, &p, &r, &line);
	if (fd < 0)
		goto out;
	pin_one_cpu(&pin);
	for (int round = -1; round < 9; round++) {
		for (int i = 0; i < 2 * LAT_PER_ROUND; i++) {
			ret = modem_connect(fd, line, p.master, &call);
			if (!ret)
				ret = modem_hangup_how(fd, p.master, call, &lat, i % 2);
			if (!ret)
				ret = ml_deallocate(fd, call, false);
			if (ret) {
				fig_fail(f, "call: %s", strerror(-ret));
				goto out;
			}
			(i % 2 ? kb : ks)[i / 2] = (double)lat;
			VLOG("event latency %llu ns", (unsigned long long)lat);
		}
		for (int i = 0; i < PTY_PER_ROUND; i++) {
			/* Paced like the hang-ups: the byte comes after a pause. */
			sleep_ms(5);
			t0 = now_ns();
			if (write(r.master, "\n", 1) != 1 || read(r.slave, &c, 1) != 1) {
				fig_fail(f, "raw pty: %s", strerror(errno));
				goto out;
			}
			us[i] = (double)(now_ns() - t0);
			/* And back to back, for reference. */
			t0 = now_ns();
			if (write(r.master, "\n", 1) != 1 || read(r.slave, &c, 1) != 1) {
				fig_fail(f, "raw pty: %s", strerror(errno));
				goto out;
			}
			ut[i] = (double)(now_ns() - t0);
		}
		if (round < 0)
			continue;	/* warm-up */
		fig_abs(f, "event_latency", "ns", median(ks, LAT_PER_ROUND));
		fig_abs(f, "event_latency_bare_read", "ns", median(kb, LAT_PER_ROUND));
		fig_abs(f, "pty_read_latency", "ns", median(us, PTY_PER_ROUND));
		fig_abs(f, "pty_read_back_to_back", "ns", median(ut, PTY_PER_ROUND));
		fig_add(f, median(ks, LAT_PER_ROUND) / median(us, PTY_PER_ROUND));
	}
	fig_extra(f, ", \"per_round\": {\"hangups\": %d, \"pty_reads\": %d}, \"method\": "
		  "\"t0 before write() of the last byte of \\\\r\\\\nNO CARRIER\\\\r\\\\n to "
		  "the master (after the guard silence), t1 when read() of /dev/modemline "
		  "returns DISCONNECTED (libmodemline: poll + read); reference: write() of "
		  "one byte to a raw N_TTY pty master, 5 ms after the last, until read() on "
		  "the slave returns it; per-round medians\"",
		  LAT_PER_ROUND, PTY_PER_ROUND);
	fig_extra(f, ", \"pinned_to_one_cpu\": %s, \"unbound_workqueues_on_cpu0\": %s",
		  pin.cpu ? "true" : "false", pin.wq ? "true" : "false");
out:
	unpin(&pin);
	if (fd >= 0)
		ml_close(fd);
	pty_close(&p);
	pty_close(&r);
}

/* ------------------------------------------------------------------ */
/* figure 6                                                            */

#define CHUNK		4096
#define XFER_BYTES	(512L << 10)
#define XFER_TRIES	4

struct xfer {
	int wfd;
	long total;
	int err;
};

static void *writer(void *p)
{
	struct xfer *x = p;
	char buf[CHUNK];
	long done = 0;
	ssize_t n;

	memset(buf, 'x', sizeof(buf));
	while (done < x->total) {
		n = write(x->wfd, buf, (size_t)(x->total - done < CHUNK ? x->total - done : CHUNK));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			x->err = n < 0 ? -errno : -EIO;
			return NULL;
		}
		done += n;
	}
	return NULL;
}

/* MB/s from @wfd to @rfd, @total bytes in writes and reads of CHUNK. */
static double transfer1(int wfd, int rfd, long total, int *err)
{
	struct xfer x = { .wfd = wfd, .total = total };
	char buf[CHUNK];
	pthread_t t;
	uint64_t t0;
	long got = 0;
	ssize_t n;

	t0 = now_ns();
	pthread_create(&t, NULL, writer, &x);
	while (got < total) {
		n = read(rfd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR) {
			*err = -EINTR;
			break;
		}
		if (n <= 0) {
			*err = n < 0 ? -errno : -EPIPE;
			break;
		}
		got += n;
	}
	pthread_join(t, NULL);
	if (!*err && x.err)
		*err = x.err;
	return (double)total / 1e6 / ((double)(now_ns() - t0) / 1e9);
}

/*
 * A throughput on a machine shared with others is what the path can do
 * when nothing else gets in the way: each side keeps its best transfer.
 */
static double max_d(double a, double b)
{
	return a > b ? a : b;
}

void fig_data(struct figure *f)
{
	struct pty p = { -1, -1 }, r = { -1, -1 };
	uint32_t line, call = 0;
	int fd = -1, dfd = -1, ret, err = 0;
	double krx, ktx, urx, utx;
	char buf[CHUNK];
	struct pin pin;

	fd = line_and_raw_pty(f, &p, &r, &line);
	if (fd < 0)
		goto out;
	ret = modem_connect(fd, line, p.master, &call);
	if (ret) {
		fig_fail(f, "call: %s", strerror(-ret));
		goto out;
	}
	dfd = ml_call_data(fd, call, false);
	if (dfd == -ENOTTY) {
		fig_na(f, "MODEMLINE_IOC_CALL_DATA returns ENOTTY: this kernel module has "
		       "no data path yet (issue 5)");
		dfd = -1;
		goto hangup;
	}
	if (dfd < 0) {
		fig_fail(f, "CALL_DATA: %s", strerror(-dfd));
		dfd = -1;
		goto hangup;
	}
	pin_one_cpu(&pin);
	/* Warm-up, then rounds alternating the order of the two sides. */
	transfer1(p.master, dfd, XFER_BYTES / 4, &err);
	transfer1(r.master, r.slave, XFER_BYTES / 4, &err);
	for (int round = 0; round < 9 && !err; round++) {
		krx = ktx = urx = utx = 0;
		/* The sides interleave transfer by transfer; each keeps its best. */
		for (int t = 0; t < XFER_TRIES && !err; t++) {
			bool kfirst = (round + t) % 2;

			if (!kfirst) {
				urx = max_d(urx, transfer1(r.master, r.slave, XFER_BYTES, &err));
				utx = max_d(utx, transfer1(r.slave, r.master, XFER_BYTES, &err));
			}
			krx = max_d(krx, transfer1(p.master, dfd, XFER_BYTES, &err));
			ktx = max_d(ktx, transfer1(dfd, p.master, XFER_BYTES, &err));
			if (kfirst) {
				urx = max_d(urx, transfer1(r.master, r.slave, XFER_BYTES, &err));
				utx = max_d(utx, transfer1(r.slave, r.master, XFER_BYTES, &err));
			}
		}
		if (err)
			break;
		fig_abs(f, "data_rx", "MB/s", krx);
		fig_abs(f, "data_tx", "MB/s", ktx);
		fig_abs(f, "pty_rx", "MB/s", urx);
		fig_abs(f, "pty_tx", "MB/s", utx);
		/* The worse direction counts. */
		fig_add(f, krx / urx < ktx / utx ? krx / urx : ktx / utx);
	}
	if (err)
		fig_fail(f, "transfer: %s", strerror(-err));
	fig_extra(f, ", \"chunk\": %d, \"bytes_per_transfer\": %ld, \"method\": \"rx: "
		  "pty master -> data fd against raw pty master -> slave; tx: data fd -> "
		  "master against slave -> master; a writer thread and a reader; each "
		  "side and direction best of 4 transfers per round, the sides interleaved "
		  "transfer by transfer; each "
		  "round's ratio is the worse direction's\", \"pinned_to_one_cpu\": %s, "
		  "\"unbound_workqueues_on_cpu0\": %s",
		  CHUNK, XFER_BYTES, pin.cpu ? "true" : "false", pin.wq ? "true" : "false");
	unpin(&pin);
hangup:
	if (modem_hangup(fd, p.master, call, NULL) == 0)
		ml_deallocate(fd, call, false);
out:
	if (dfd >= 0) {
		while (read(dfd, buf, sizeof(buf)) > 0)
			;
		close(dfd);
	}
	if (fd >= 0)
		ml_close(fd);
	pty_close(&p);
	pty_close(&r);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * modemsim: data exec, a command as the far end of each call.
 *
 * With "data exec CMD" every call that connects (after ATD or ATA, in
 * both dialects) runs /bin/sh -c CMD in a process group of its own, with
 * MODEMSIM_NUMBER and MODEMSIM_DIRECTION in its environment, its stdin
 * and stdout pipes to us and its stderr ours. In data mode the DTE's
 * bytes go to its stdin and its stdout goes to the DTE, so the command
 * can be an ISP: pppd notty.
 *
 * Nothing blocks and nothing is dropped. The DTE's bytes wait in a buffer
 * while the command does not read them, and the DTE is not read while
 * that buffer is full (exec_input_full()). The command's output is read
 * only in data mode, while little output to the DTE is unsent; in online
 * command mode it waits in the pipe, so it never mixes with result codes.
 *
 * The command closing its stdout, or exiting, is the remote side hanging
 * up, once everything it wrote has gone to the DTE. Any other end of the
 * call ends the command: its pipes are closed and its process group gets
 * SIGHUP, and SIGKILL EXEC_KILL_MS later if it is still there. Ended
 * commands are reaped from the loop after SIGCHLD (exec_reap()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "modemsim.h"

/* DTE bytes buffered for the command's stdin before the DTE is held. */
#define EXEC_IN_HIGH (64 * 1024)
/*
 * Read the command's stdout while less than this is unsent to the DTE:
 * below main.c's OUT_HIGH_WATER, so the command's output alone never
 * stops modemsim reading the DTE.
 */
#define EXEC_OUT_HIGH (32 * 1024)
#define EXEC_READ 4096
/* From SIGHUP to SIGKILL, for a command that does not end on SIGHUP. */
#define EXEC_KILL_MS 2000
/* Process groups of ended commands that get their SIGKILL in time. */
#define DYING_MAX 16

/* The command of the call that is up. */
static struct {
	pid_t pid;		/* sh, the leader of its group; 0: none */
	int in_fd, out_fd;	/* our ends of its stdin, stdout; or -1 */
	bool exited;		/* reaped: its last output, then hang up */
	unsigned long gen;	/* which command exec_pollfds() saw */
	unsigned char *buf;	/* DTE bytes its stdin has not taken yet */
	size_t off, len, cap;
} X = { .in_fd = -1, .out_fd = -1 };

static unsigned long polled_gen;

/*
 * Process groups of commands whose call ended, still there: SIGKILL at
 * kill_at. A group outlives its leader (sh) when something it started
 * ignores SIGHUP, so a slot is kept until the group is gone, not until
 * the leader is reaped; what the group left behind is not our child and
 * is reaped by init.
 */
static struct dying {
	pid_t pgid;		/* 0: a free slot */
	int64_t kill_at;
} dying[DYING_MAX];

/* ---- starting ---------------------------------------------------------- */

/* A descriptor above 0-2, so that dup2() onto 0 and 1 cannot clobber it. */
static int above_stdio(int fd)
{
	return fd > 2 ? fd : fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

/*
 * In the child: stdin and stdout are the pipes, stderr stays ours. What
 * modemsim blocks (SIGCHLD, SIGTERM, ...) and ignores (SIGPIPE) would be
 * inherited through exec, and is not the command's business.
 */
static void __attribute__((noreturn))
child(const char *cmd, const char *number, bool incoming, int in, int out)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	setpgid(0, 0);
	in = above_stdio(in);
	out = above_stdio(out);
	if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0) {
		fprintf(stderr, "modemsim: data exec: dup2: %s\n",
			strerror(errno));
		_exit(127);
	}
	setenv("MODEMSIM_NUMBER", number, 1);
	setenv("MODEMSIM_DIRECTION", incoming ? "incoming" : "outgoing", 1);
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	fprintf(stderr, "modemsim: data exec: /bin/sh: %s\n", strerror(errno));
	_exit(127);		/* not exit(): modemsim's atexit() is not ours */
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static bool set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0;
}

/*
 * Start the command of a call that connects; false (and a message) if it
 * cannot be, and then the call does not connect. Both pipes are made
 * close-on-exec: the child's ends lose that in dup2(), ours keep it.
 */
bool exec_start(const char *cmd, const char *number, bool incoming)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 };
	const char *what = "pipe";
	pid_t pid = -1;

	if (!pipe2(in, O_CLOEXEC) && !pipe2(out, O_CLOEXEC)) {
		what = "fork";
		pid = fork();
	}
	if (pid == 0)
		child(cmd, number, incoming, in[0], out[1]);
	if (pid > 0) {
		what = "fcntl";
		/* As the child does: killpg() must work from now on. */
		setpgid(pid, pid);
	}
	close_fd(&in[0]);
	close_fd(&out[1]);
	if (pid < 0 || !set_nonblock(in[1]) || !set_nonblock(out[0])) {
		fprintf(stderr, "modemsim: data exec: %s: %s\n", what,
			strerror(errno));
		close_fd(&in[1]);
		close_fd(&out[0]);
		if (pid > 0)		/* only fcntl() failed: end it */
			kill(pid, SIGKILL);
		return false;
	}
	X.pid = pid;
	X.in_fd = in[1];
	X.out_fd = out[0];
	X.exited = false;
	X.off = X.len = 0;
	X.gen++;
	logmsg("data exec: pid %ld: sh -c '%s' (%s, number \"%s\")", (long)pid,
	       cmd, incoming ? "incoming" : "outgoing", number);
	return true;
}

/* ---- ending ------------------------------------------------------------ */

/* Free the slots whose group has no process left, and time the next kill. */
static void arm_kill_timer(void)
{
	int64_t first = INT64_MAX;

	for (int i = 0; i < DYING_MAX; i++) {
		if (dying[i].pgid && killpg(dying[i].pgid, 0) && errno == ESRCH)
			dying[i].pgid = 0;
		if (dying[i].pgid && dying[i].kill_at < first)
			first = dying[i].kill_at;
	}
	if (first == INT64_MAX)
		timer_cancel(T_EXEC);
	else
		timer_arm(T_EXEC, first > now_ms() ? first - now_ms() : 0);
}

/* An ended command's group, just sent SIGHUP; with no slot free, SIGKILL at once. */
static void dying_add(pid_t pgid)
{
	for (int i = 0; i < DYING_MAX; i++) {
		if (dying[i].pgid)
			continue;
		dying[i].pgid = pgid;
		dying[i].kill_at = now_ms() + EXEC_KILL_MS;
		arm_kill_timer();
		return;
	}
	logmsg("data exec: group %ld: too many ended commands alive: SIGKILL",
	       (long)pgid);
	killpg(pgid, SIGKILL);
}

/*
 * The call ended, whatever ended it: close the pipes (the command sees
 * EOF and EPIPE) and SIGHUP its process group, as a modem's hang-up
 * does to a dial-in server. The group gets it even when its leader has
 * exited: what it left behind belongs to the call too.
 */
void exec_stop(void)
{
	if (!X.pid)
		return;
	close_fd(&X.in_fd);
	close_fd(&X.out_fd);
	if (X.len > X.off)
		logmsg("data exec: %zu bytes from the DTE never taken",
		       X.len - X.off);
	X.off = X.len = 0;
	if (killpg(X.pid, SIGHUP) == 0) {
		logmsg("data exec: pid %ld: SIGHUP to its process group",
		       (long)X.pid);
		dying_add(X.pid);
	}
	X.pid = 0;
}

/* The command hung up: the remote side of the call did. */
static void ended(const char *why)
{
	logmsg("data exec: pid %ld %s: remote hangup", (long)X.pid, why);
	modem_remote_hangup(false);
}

/* How a reaped command ended, for -v. */
static void log_status(pid_t pid, int st)
{
	if (WIFEXITED(st))
		logmsg("data exec: pid %ld exited with status %d", (long)pid,
		       WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		logmsg("data exec: pid %ld killed by signal %d (%s)",
		       (long)pid, WTERMSIG(st), strsignal(WTERMSIG(st)));
}

/* After SIGCHLD: reap every child that ended, without waiting. */
void exec_reap(void)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		log_status(pid, st);
		if (pid == X.pid)
			X.exited = true;	/* exec_service() ends the call */
	}
	arm_kill_timer();
}

/* T_EXEC: SIGKILL the groups still there EXEC_KILL_MS after their SIGHUP. */
void exec_timer(void)
{
	int64_t now = now_ms();

	for (int i = 0; i < DYING_MAX; i++) {
		if (!dying[i].pgid || dying[i].kill_at > now)
			continue;
		if (killpg(dying[i].pgid, SIGKILL) == 0)
			logmsg("data exec: group %ld still there %d ms after SIGHUP: SIGKILL",
			       (long)dying[i].pgid, EXEC_KILL_MS);
		dying[i].pgid = 0;	/* SIGKILL is the last word */
	}
	arm_kill_timer();
}

/*
 * At exit: the call's command is ended as by a hang-up, and the groups
 * still there get their SIGKILL on time, since nothing will be left
 * to send it: modemsim waits up to EXEC_KILL_MS for them.
 */
void exec_cleanup(void)
{
	int64_t end = now_ms() + EXEC_KILL_MS;
	bool left;

	exec_stop();
	for (;;) {
		exec_reap();	/* a zombie leader keeps its group there */
		left = false;
		for (int i = 0; i < DYING_MAX; i++)
			left |= dying[i].pgid != 0;
		if (!left || now_ms() >= end)
			break;
		usleep(20 * 1000);
	}
	for (int i = 0; i < DYING_MAX; i++)
		if (dying[i].pgid)
			killpg(dying[i].pgid, SIGKILL);
}

/* ---- data -------------------------------------------------------------- */

bool exec_running(void)
{
	return X.pid != 0;
}

long exec_pid(void)
{
	return X.pid;
}

size_t exec_queued(void)
{
	return X.len - X.off;
}

/* In data mode with a full buffer the DTE waits: backpressure, no loss. */
bool exec_input_full(void)
{
	return X.pid && S.mode == MODE_DATA && exec_queued() >= EXEC_IN_HIGH;
}

/*
 * The command closed its stdin (or died): nobody takes the DTE's bytes
 * any more. They are still counted as received; the call goes on until
 * its stdout ends.
 */
static void stdin_gone(const char *why)
{
	logmsg("data exec: pid %ld: stdin gone (%s): DTE bytes discarded from now on",
	       (long)X.pid, why);
	if (exec_queued())
		logmsg("data exec: %zu bytes from the DTE never taken",
		       exec_queued());
	close_fd(&X.in_fd);
	X.off = X.len = 0;
}

/* Give the command's stdin as much of the buffer as it takes now. */
static void flush_in(void)
{
	while (X.in_fd >= 0 && X.len > X.off) {
		ssize_t n = write(X.in_fd, X.buf + X.off, X.len - X.off);

		if (n > 0)
			X.off += n;
		else if (n < 0 && errno == EAGAIN)
			break;
		else if (n < 0 && errno != EINTR)
			stdin_gone(strerror(errno));	/* EPIPE: it closed it */
		else if (n == 0)
			stdin_gone("no progress");
	}
	if (X.off == X.len)
		X.off = X.len = 0;
}

/*
 * Append to the buffer. Its size stays bounded without a check here:
 * the DTE is not read once it holds EXEC_IN_HIGH bytes, so it grows by at
 * most one read (and a held-back "++") beyond that.
 */
static void queue_in(const void *buf, size_t len)
{
	queue_append(&X.buf, &X.off, &X.len, &X.cap, buf, len);
}

/* Data-mode bytes from the DTE (after the escape handling). */
void exec_input(const void *buf, size_t len)
{
	if (!X.pid || X.in_fd < 0)
		return;
	queue_in(buf, len);
	flush_in();
}

/*
 * The command's output to the DTE, while little is unsent there. Its end
 * (EOF; or, once it has exited, an empty pipe) is the remote hang-up,
 * after everything before it.
 */
static void read_out(void)
{
	unsigned char b[EXEC_READ];

	while (X.out_fd >= 0 && S.mode == MODE_DATA &&
	       out_pending() < EXEC_OUT_HIGH) {
		ssize_t n = read(X.out_fd, b, sizeof(b));

		if (n > 0) {
			modem_send_data(b, n);
		} else if (n < 0 && errno == EAGAIN) {
			if (X.exited)
				ended("exited");
			return;
		} else if (n == 0) {
			ended("closed its stdout");
			return;
		} else if (errno != EINTR) {
			ended(strerror(errno));
			return;
		}
	}
}

/* Unread output of a command that ends in online command mode. */
static int unread(void)
{
	int n = 0;

	if (X.out_fd < 0 || ioctl(X.out_fd, FIONREAD, &n))
		return 0;
	return n;
}

/*
 * Every turn of the loop: a command that exited ends the call. In data
 * mode once its output is all sent (a child of it may still hold the
 * pipe open, so its EOF is not awaited); in online command mode at once,
 * as any remote hang-up, and output it left in the pipe is dropped.
 */
void exec_service(void)
{
	if (!X.pid || !X.exited || !S.call_up)
		return;
	if (S.mode == MODE_DATA) {
		read_out();
		return;
	}
	if (unread())
		logmsg("data exec: %d bytes of its output unsent", unread());
	ended("exited");
}

/* ---- poll -------------------------------------------------------------- */

/*
 * pfd[0]: its stdin, while bytes wait for it. pfd[1]: its stdout, read
 * in data mode while the DTE keeps up; in online command mode watched
 * for POLLHUP only (events 0), so that it closing its stdout still ends
 * the call.
 */
int exec_pollfds(struct pollfd *pfd, int max)
{
	bool data = S.mode == MODE_DATA;

	if (!X.pid || max < 2)
		return 0;
	polled_gen = X.gen;
	pfd[0].fd = exec_queued() ? X.in_fd : -1;
	pfd[0].events = POLLOUT;
	pfd[1].fd = !data || out_pending() < EXEC_OUT_HIGH ? X.out_fd : -1;
	pfd[1].events = data ? POLLIN : 0;
	return 2;
}

void exec_handle(struct pollfd *pfd, int n)
{
	/* The events are of another command's pipes if the call changed. */
	if (n < 2 || !X.pid || polled_gen != X.gen)
		return;
	if (pfd[0].fd >= 0 && pfd[0].revents)
		flush_in();
	if (!X.pid || pfd[1].fd < 0 || !pfd[1].revents)
		return;
	if (S.mode == MODE_DATA)
		read_out();
	else if (S.call_up)
		ended("closed its stdout");
}

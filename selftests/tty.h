/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the selftests of the modemline line discipline: putting a
 * tty in raw mode and attaching the discipline, its tty ioctls, and
 * running userspace/modemsim (the Hayes modem simulator) on a pty with
 * its control socket.
 *
 * A tty is opened raw with libmodemline's ml_tty_open(), the one copy of
 * that code.
 *
 * Like sim.h: every helper returns 0 (or a count) on success and -errno
 * on failure, prints nothing and asserts nothing, so teardowns can use
 * them. Linked only into tty_test and serial/serial_test.
 */
#ifndef MODEMLINE_SELFTEST_TTY_H
#define MODEMLINE_SELFTEST_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <termios.h>
#include <linux/types.h>
#include <linux/modemline.h>
#include <libmodemline.h>

#include "kselftest.h"	/* __printf() */

#define N_TTY_LDISC	0	/* N_TTY, to detach */

/* ------------------------------------------------------------------ */
/* ttys                                                                */

/* TIOCSETD with @ldisc. */
int tty_set_ldisc(int fd, int ldisc);
/* TIOCGETD into *@ldisc. */
int tty_get_ldisc(int fd, int *ldisc);
/* MODEMLINE_TIOCGLINE. */
int tty_line_id(int fd, __u32 *line_id);
/* MODEMLINE_TIOCGCONFIG into @cfg, which is poisoned first. */
int tty_get_config(int fd, struct modemline_tty_config *cfg);
/* MODEMLINE_TIOCSCONFIG. */
int tty_set_config(int fd, const struct modemline_tty_config *cfg);
/*
 * Read the config, change guard_ms (and init when @init is not NULL) and
 * write it back.
 */
int tty_set_guard(int fd, __u32 guard_ms, const char *init);
/*
 * Attach the discipline to an open tty, read its line id and set
 * guard_ms (and init when not NULL). On failure the tty is detached
 * again.
 */
int tty_attach_line(int fd, __u32 guard_ms, const char *init, __u32 *line_id);

/* ------------------------------------------------------------------ */
/* modemsim                                                            */

#define MSIM_MAX_ARGS	24

struct msim {
	pid_t pid;			/* 0: not running */
	int out;			/* modemsim's stdout (pipe), or -1 */
	int ctl;			/* connection to its control socket, or -1 */
	char pty[64];			/* "/dev/pts/N", or the --tty path */
	int pty_index;			/* N, or -1 */
	char ctl_path[108];
	char reply[512];		/* the last control reply, "\n" removed */
};

/*
 * The modemsim binary: $MODEMSIM if set, else
 * <directory of /proc/self/exe>/../userspace/modemsim. Returns 0 and the
 * path in @buf if it is executable, else -errno.
 */
int msim_find(char *buf, size_t len);

/*
 * Start modemsim on a new pty: `modemsim --pty --control <unique path>
 * [args...]` (@args is NULL-terminated, may be NULL), wait for its
 * "PTY /dev/pts/N" line and connect to the control socket. modemsim dies
 * with the calling process (PR_SET_PDEATHSIG). @m is initialised here;
 * on failure everything started is stopped again.
 */
int msim_start(struct msim *m, const char *const *args);
/*
 * The same on the tty @tty (`modemsim --tty @tty`, e.g. one end of a
 * null-modem pair), or on a new pty when @tty is NULL. m->pty is then
 * @tty and m->pty_index -1.
 */
int msim_start_on(struct msim *m, const char *tty, const char *const *args);

/*
 * One control command, formatted like printf(). Waits for the reply
 * (kept in m->reply). Returns 0 for "ok...", -EPROTO for "error: ...",
 * other -errno if modemsim cannot be reached.
 */
__printf(2, 3)
int msim_ctl(struct msim *m, const char *fmt, ...);

/*
 * `status` and pick field @key (e.g. "mode") into @val. Returns 0 or
 * -errno (-ENOENT: no such field).
 */
int msim_status(struct msim *m, const char *key, char *val, size_t len);

/* Poll `status` until field @key is @want (up to @timeout_ms). */
int msim_wait_status(struct msim *m, const char *key, const char *want,
		     int timeout_ms);

/* Send @sig to modemsim (if it runs). */
int msim_kill(struct msim *m, int sig);

/*
 * Stop modemsim: SIGTERM, wait up to a few seconds, then SIGKILL; reap
 * it and close its pipe and control connection. Safe to call twice.
 * Returns its wait status, or -errno.
 */
int msim_stop(struct msim *m);

/* Wait for modemsim to exit by itself (after a kill); its wait status. */
int msim_reap(struct msim *m, int timeout_ms);

/* ------------------------------------------------------------------ */
/* processes                                                           */

/* waitpid(@pid) for up to @timeout_ms: the wait status, or -ETIMEDOUT. */
int wait_child(pid_t pid, int timeout_ms);

/* Sleep @ms milliseconds (restarted after signals). */
void sleep_ms(int ms);

#endif /* MODEMLINE_SELFTEST_TTY_H */

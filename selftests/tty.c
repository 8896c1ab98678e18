// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers for the line discipline selftests; see tty.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"
#include "tty.h"

/* How long modemsim may take to start or to answer a control command. */
#define MSIM_WAIT_MS	ML_WAIT_MS

static __u64 now_ms(void)
{
	return mls_now_ns() / 1000000ULL;
}

void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ------------------------------------------------------------------ */
/* ttys                                                                */

int tty_set_ldisc(int fd, int ldisc)
{
	return ioctl(fd, TIOCSETD, &ldisc) < 0 ? -errno : 0;
}

int tty_get_ldisc(int fd, int *ldisc)
{
	return ioctl(fd, TIOCGETD, ldisc) < 0 ? -errno : 0;
}

int tty_line_id(int fd, __u32 *line_id)
{
	return ioctl(fd, MODEMLINE_TIOCGLINE, line_id) < 0 ? -errno : 0;
}

int tty_get_config(int fd, struct modemline_tty_config *cfg)
{
	memset(cfg, ML_POISON, sizeof(*cfg));
	return ioctl(fd, MODEMLINE_TIOCGCONFIG, cfg) < 0 ? -errno : 0;
}

int tty_set_config(int fd, const struct modemline_tty_config *cfg)
{
	return ioctl(fd, MODEMLINE_TIOCSCONFIG, cfg) < 0 ? -errno : 0;
}

int tty_set_guard(int fd, __u32 guard_ms, const char *init)
{
	struct modemline_tty_config cfg;
	int ret;

	ret = tty_get_config(fd, &cfg);
	if (ret)
		return ret;
	cfg.guard_ms = guard_ms;
	if (init) {
		if (strlen(init) >= sizeof(cfg.init))
			return -E2BIG;
		memset(cfg.init, 0, sizeof(cfg.init));
		snprintf(cfg.init, sizeof(cfg.init), "%s", init);
	}
	return tty_set_config(fd, &cfg);
}

int tty_attach_line(int fd, __u32 guard_ms, const char *init, __u32 *line_id)
{
	int ret;

	ret = tty_set_ldisc(fd, MODEMLINE_LDISC);
	if (ret)
		return ret;
	ret = tty_line_id(fd, line_id);
	if (!ret)
		ret = tty_set_guard(fd, guard_ms, init);
	if (ret)
		tty_set_ldisc(fd, N_TTY_LDISC);
	return ret;
}

/* ------------------------------------------------------------------ */
/* processes                                                           */

int wait_child(pid_t pid, int timeout_ms)
{
	__u64 deadline = now_ms() + (__u64)timeout_ms;
	int status;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -errno;
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		sleep_ms(5);
	}
}

/* ------------------------------------------------------------------ */
/* modemsim                                                            */

int msim_find(char *buf, size_t len)
{
	const char *env = getenv("MODEMSIM");
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	if (env && *env) {
		if ((size_t)snprintf(buf, len, "%s", env) >= len)
			return -ENAMETOOLONG;
	} else {
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		if (n < 0)
			return -errno;
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (!slash)
			return -ENOENT;
		*slash = '\0';
		if ((size_t)snprintf(buf, len, "%s/../userspace/modemsim", exe) >= len)
			return -ENAMETOOLONG;
	}
	return access(buf, X_OK) ? -errno : 0;
}

/* Read a line (without its '\n') from @fd into @buf, waiting @timeout_ms. */
static int read_line(int fd, char *buf, size_t len, int timeout_ms)
{
	__u64 deadline = now_ms() + (__u64)timeout_ms;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t have = 0;
	ssize_t n;
	__u64 now;
	int ret;

	while (have < len - 1) {
		now = now_ms();
		if (now >= deadline)
			return -ETIMEDOUT;
		ret = poll(&p, 1, (int)(deadline - now));
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -errno;
		if (!ret)
			return -ETIMEDOUT;
		/* One byte at a time: nothing after the line is consumed. */
		n = read(fd, buf + have, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return -EPIPE;
		if (buf[have] == '\n') {
			buf[have] = '\0';
			if (have && buf[have - 1] == '\r')
				buf[have - 1] = '\0';
			return 0;
		}
		have++;
	}
	return -E2BIG;
}

static int unix_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/*
 * modemsim --tty prints nothing. Its control socket listens before the
 * tty is opened, so a connect() alone proves nothing: the caller must
 * wait for an answer, which comes only from the main loop, once the tty
 * is set up and its lines are where the profile puts them.
 */
static int msim_ctl_connect(struct msim *m)
{
	__u64 deadline = now_ms() + MSIM_WAIT_MS;
	int fd;

	for (;;) {
		fd = unix_connect(m->ctl_path);
		if (fd >= 0 || now_ms() >= deadline)
			return fd;
		if (waitpid(m->pid, NULL, WNOHANG) == m->pid) {
			m->pid = 0;
			return -ECHILD;
		}
		sleep_ms(10);
	}
}

int msim_start(struct msim *m, const char *const *args)
{
	return msim_start_on(m, NULL, args);
}

int msim_start_on(struct msim *m, const char *tty, const char *const *args)
{
	static unsigned int counter;
	const char *argv[MSIM_MAX_ARGS + 8];
	char path[PATH_MAX], line[128];
	int pipefd[2], argc = 0, ret, i;
	pid_t parent = getpid();

	memset(m, 0, sizeof(*m));
	m->out = -1;
	m->ctl = -1;
	ret = msim_find(path, sizeof(path));
	if (ret)
		return ret;
	snprintf(m->ctl_path, sizeof(m->ctl_path), "/tmp/ml_tty.%d.%u.ctl",
		 (int)parent, ++counter);
	unlink(m->ctl_path);

	argv[argc++] = path;
	if (tty) {
		argv[argc++] = "--tty";
		argv[argc++] = tty;
	} else {
		argv[argc++] = "--pty";
	}
	argv[argc++] = "--control";
	argv[argc++] = m->ctl_path;
	for (i = 0; args && args[i]; i++) {
		if (i == MSIM_MAX_ARGS)
			return -E2BIG;
		argv[argc++] = args[i];
	}
	argv[argc] = NULL;

	if (pipe2(pipefd, O_CLOEXEC))
		return -errno;
	m->pid = fork();
	if (m->pid < 0) {
		ret = -errno;
		m->pid = 0;
		close(pipefd[0]);
		close(pipefd[1]);
		return ret;
	}
	if (!m->pid) {
		/* modemsim must not outlive the test process. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			_exit(127);
		if (dup2(pipefd[1], STDOUT_FILENO) < 0)
			_exit(127);
		execv(path, (char *const *)argv);
		_exit(127);
	}
	close(pipefd[1]);
	m->out = pipefd[0];

	if (tty) {
		if (strlen(tty) >= sizeof(m->pty)) {
			ret = -ENAMETOOLONG;
			goto fail;
		}
		snprintf(m->pty, sizeof(m->pty), "%s", tty);
		m->pty_index = -1;
		m->ctl = msim_ctl_connect(m);
		goto connected;
	}
	ret = read_line(m->out, line, sizeof(line), MSIM_WAIT_MS);
	if (ret)
		goto fail;
	if (strncmp(line, "PTY /dev/pts/", 13) ||
	    sscanf(line + 13, "%d", &m->pty_index) != 1 ||
	    strlen(line + 4) >= sizeof(m->pty)) {
		ret = -EPROTO;
		goto fail;
	}
	snprintf(m->pty, sizeof(m->pty), "%s", line + 4);
	m->ctl = unix_connect(m->ctl_path);
connected:
	if (m->ctl < 0) {
		ret = m->ctl;
		m->ctl = -1;
		goto fail;
	}
	/*
	 * Opening a tty raises modemsim's DTR, the DTE's DCD, and the
	 * profile (&C1) drops it again: a DTE opened in between without
	 * CLOCAL would be hung up. The first answer comes after that.
	 */
	if (tty) {
		ret = msim_ctl(m, "status");
		/* It died setting the tty up (it says why on stderr). */
		if (ret && waitpid(m->pid, NULL, WNOHANG) == m->pid) {
			m->pid = 0;
			ret = -ECHILD;
		}
		if (ret)
			goto fail;
	}
	return 0;
fail:
	msim_stop(m);
	return ret;
}

int msim_ctl(struct msim *m, const char *fmt, ...)
{
	char cmd[600];
	va_list ap;
	size_t off = 0;
	ssize_t n;
	int len, ret;

	if (m->ctl < 0)
		return -ENOTCONN;
	va_start(ap, fmt);
	len = vsnprintf(cmd, sizeof(cmd) - 1, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(cmd) - 1)
		return -E2BIG;
	cmd[len++] = '\n';
	while (off < (size_t)len) {
		n = send(m->ctl, cmd + off, (size_t)len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		off += (size_t)n;
	}
	ret = read_line(m->ctl, m->reply, sizeof(m->reply), MSIM_WAIT_MS);
	if (ret)
		return ret;
	if (!strncmp(m->reply, "ok", 2) && (!m->reply[2] || m->reply[2] == ' '))
		return 0;
	return -EPROTO;
}

int msim_status(struct msim *m, const char *key, char *val, size_t len)
{
	size_t klen = strlen(key);
	const char *p;
	size_t n;
	int ret;

	ret = msim_ctl(m, "status");
	if (ret)
		return ret;
	for (p = m->reply; (p = strstr(p, key)); p += klen) {
		if ((p != m->reply && p[-1] != ' ') || p[klen] != '=')
			continue;
		p += klen + 1;
		n = strcspn(p, " ");
		if (n >= len)
			return -E2BIG;
		memcpy(val, p, n);
		val[n] = '\0';
		return 0;
	}
	return -ENOENT;
}

int msim_wait_status(struct msim *m, const char *key, const char *want,
		     int timeout_ms)
{
	__u64 deadline = now_ms() + (__u64)timeout_ms;
	char val[128];
	int ret;

	for (;;) {
		ret = msim_status(m, key, val, sizeof(val));
		if (ret)
			return ret;
		if (!strcmp(val, want))
			return 0;
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		sleep_ms(5);
	}
}

int msim_kill(struct msim *m, int sig)
{
	if (m->pid <= 0)
		return -ESRCH;
	return kill(m->pid, sig) ? -errno : 0;
}

static void msim_close_fds(struct msim *m)
{
	if (m->ctl >= 0)
		close(m->ctl);
	if (m->out >= 0)
		close(m->out);
	m->ctl = -1;
	m->out = -1;
}

int msim_reap(struct msim *m, int timeout_ms)
{
	int status;

	if (m->pid <= 0)
		return -ESRCH;
	status = wait_child(m->pid, timeout_ms);
	if (status != -ETIMEDOUT) {
		m->pid = 0;
		msim_close_fds(m);
	}
	return status;
}

int msim_stop(struct msim *m)
{
	int status = 0;

	if (m->pid > 0) {
		kill(m->pid, SIGTERM);
		status = wait_child(m->pid, 5000);
		if (status == -ETIMEDOUT) {
			kill(m->pid, SIGKILL);
			status = wait_child(m->pid, MSIM_WAIT_MS);
		}
		m->pid = 0;
	}
	msim_close_fds(m);
	/* modemsim removes its socket on SIGTERM; not after SIGKILL. */
	if (m->ctl_path[0])
		unlink(m->ctl_path);
	return status;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * attach --daemon and --pidfile. The parent returns only once the child
 * has its line (and its pidfile) or has failed, which it learns through
 * a pipe: a script that runs 'attach --daemon --pidfile F' finds the line
 * and F there as soon as attach returns, and gets attach's own exit
 * status when it failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon.h"

int daemon_start(struct ctx *c, int *report, int *status)
{
	int p[2], err = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return fail_msg(c, errno, "--daemon: pipe: %s", strerror(errno));
	/* Nothing buffered may be written twice. */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		err = errno;
		close(p[0]);
		close(p[1]);
		return fail_msg(c, err, "--daemon: fork: %s", strerror(err));
	}
	if (pid == 0) {
		close(p[0]);
		/* Away from the terminal's session: its Ctrl-C and hang-up are not ours. */
		setsid();
		*report = p[1];
		return 0;
	}
	close(p[1]);
	do
		n = read(p[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	/* The child said why it failed, on stderr, before it reported. */
	if (n == sizeof(err))
		*status = -err;
	else
		*status = fail_msg(c, EIO, "--daemon: the background mlinectl ended before its"
				   " line existed");
	return 1;
}

void daemon_ready(int report, int status)
{
	int err = -status, fd;

	if (!status) {
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
	}
	if (write(report, &err, sizeof(err)) != sizeof(err)) {
		/* The parent is gone (killed): nobody is left to tell. */
	}
	close(report);
}

int pidfile_path(struct ctx *c, const char *arg, char *path, size_t len)
{
	char cwd[PATH_MAX];

	/* Absolute: the daemon removes it after its chdir("/"). */
	if (arg[0] == '/') {
		if (strlen(arg) >= len)
			return fail_msg(c, ENAMETOOLONG, "--pidfile: path too long");
		strcpy(path, arg);
		return 0;
	}
	if (!getcwd(cwd, sizeof(cwd)))
		return fail_msg(c, errno, "--pidfile: the current directory: %s", strerror(errno));
	if ((size_t)snprintf(path, len, "%s/%s", cwd, arg) >= len)
		return fail_msg(c, ENAMETOOLONG, "--pidfile: path too long");
	return 0;
}

int pidfile_write(struct ctx *c, const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), err = 0;

	if (fd < 0)
		return fail_msg(c, errno, "--pidfile %s: %s", path, strerror(errno));
	if (dprintf(fd, "%d\n", (int)getpid()) < 0)
		err = errno;
	if (close(fd) && !err)
		err = errno;
	if (err) {
		unlink(path);
		return fail_msg(c, err, "--pidfile %s: %s", path, strerror(err));
	}
	return 0;
}

/*
 * The sd_notify() protocol, which is a datagram to the unix socket
 * $NOTIFY_SOCKET names ('@': the abstract namespace): no libsystemd for
 * one sendto(). modemline-attach@.service waits for READY=1.
 */
void notify_service(const char *state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *path = getenv("NOTIFY_SOCKET");
	size_t len;
	int fd;

	if (!path || (*path != '/' && *path != '@'))
		return;
	len = strlen(path);
	if (len >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, len);
	if (*path == '@')
		sa.sun_path[0] = '\0';
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	/* Best effort, as sd_notify(): the service manager may be gone. */
	sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa,
	       (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len));
	close(fd);
}

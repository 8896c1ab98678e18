/* SPDX-License-Identifier: GPL-2.0 */
/* attach --daemon, --pidfile, and systemd's readiness protocol (daemon.c). */
#ifndef MLINECTL_DAEMON_H
#define MLINECTL_DAEMON_H

#include "mlinectl.h"

/*
 * Fork. The child (in a new session) gets 0 and, in *@report, the pipe
 * to hand to daemon_ready(). The parent gets 1 once the child has
 * reported, with *@status the child's result (0 or -errno, reported by
 * the child); -errno (reported) if there is no child.
 */
int daemon_start(struct ctx *c, int *report, int *status);
/*
 * The child: tell the parent @status (0 or -errno); on success first
 * point stdin, stdout and stderr at /dev/null.
 */
void daemon_ready(int report, int status);
/* The absolute path of --pidfile @arg into @path. 0 or -errno (reported). */
int pidfile_path(struct ctx *c, const char *arg, char *path, size_t len);
/* Write this process's pid to @path. 0 or -errno (reported). */
int pidfile_write(struct ctx *c, const char *path);
/*
 * Tell the service manager @state ("READY=1\nSTATUS=...") if it asked
 * (Type=notify sets $NOTIFY_SOCKET); nothing otherwise.
 */
void notify_service(const char *state);

#endif

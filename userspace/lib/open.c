// SPDX-License-Identifier: LGPL-2.1-or-later
/* Opening and closing /dev/modemline, and the library's own version. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "libmodemline.h"
#include "queue.h"

const char *ml_version(void)
{
	/* The Makefile's VERSION, which modemline.pc carries too. */
	return ML_PKG_VERSION;
}

int ml_open_path(const char *path, int flags)
{
	int fd;

	/* O_RDWR is ours; creation or truncation flags make no sense here. */
	if (!path || (flags & ~(O_NONBLOCK | O_CLOEXEC)))
		return -EINVAL;
	fd = open(path, O_RDWR | O_CLOEXEC | flags);
	if (fd < 0)
		return -errno;
	/* A number reused after a plain close() must not inherit old events. */
	ml_queue_forget(fd);
	return fd;
}

int ml_open(int flags)
{
	const char *path = getenv("MODEMLINE_DEV");

	return ml_open_path(path && *path ? path : ML_DEVICE, flags);
}

int ml_close(int fd)
{
	ml_queue_forget(fd);
	return close(fd) < 0 ? -errno : 0;
}

// SPDX-License-Identifier: GPL-2.0
/* modemline_sim's debugfs, module parameters, and emptying an event queue. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

#define SIM_ROOT	"/sys/kernel/debug/modemline_sim"
#define ML_PARAMS	"/sys/module/modemline/parameters"

static int write_file(const char *path, const char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	close(fd);
	return err;
}

static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

int sim_new_line(const char *name, uint32_t *id)
{
	char path[256], buf[32];
	int ret;

	ret = write_file(SIM_ROOT "/new_line", name, strlen(name));
	if (ret)
		return ret;
	snprintf(path, sizeof(path), SIM_ROOT "/lines/%s/id", name);
	ret = read_file(path, buf, sizeof(buf));
	if (ret)
		return ret;
	*id = (uint32_t)strtoul(buf, NULL, 10);
	return *id ? 0 : -EPROTO;
}

int sim_ctl(const char *name, const char *fmt, ...)
{
	char path[256], cmd[128];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(cmd))
		return -E2BIG;
	snprintf(path, sizeof(path), SIM_ROOT "/lines/%s/control", name);
	return write_file(path, cmd, (size_t)len);
}

int sim_remove_line(const char *name)
{
	char path[256];
	struct stat st;
	int ret, i;

	ret = sim_ctl(name, "remove");
	if (ret)
		return ret;
	snprintf(path, sizeof(path), SIM_ROOT "/lines/%s", name);
	for (i = 0; i < 5000; i++) {
		if (stat(path, &st))
			return 0;
		usleep(1000);
	}
	return -ETIMEDOUT;
}

int param_get(const char *name, long *val)
{
	char path[256], buf[32];
	int ret;

	snprintf(path, sizeof(path), ML_PARAMS "/%s", name);
	ret = read_file(path, buf, sizeof(buf));
	if (!ret)
		*val = strtol(buf, NULL, 10);
	return ret;
}

int param_set(const char *name, long val)
{
	char path[256], buf[32];

	snprintf(path, sizeof(path), ML_PARAMS "/%s", name);
	snprintf(buf, sizeof(buf), "%ld", val);
	return write_file(path, buf, strlen(buf));
}

int drain_events(int fd)
{
	struct modemline_event ev;
	int n = 0;

	while (!ml_next_event(fd, &ev, 0))
		n++;
	return n;
}

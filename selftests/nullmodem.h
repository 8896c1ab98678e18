/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test null-modem pairs (kmod/tests/nullmodem): what the selftests
 * set on the module itself.
 */
#ifndef MODEMLINE_SELFTEST_NULLMODEM_H
#define MODEMLINE_SELFTEST_NULLMODEM_H

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define NM_PARAM_PACED	"/sys/module/modemline_nullmodem/parameters/paced"

/* Pace every pair to its termios speed ("Y") or not ("N"); 0 or -1. */
static inline int nm_paced_set(const char *val)
{
	int fd = open(NM_PARAM_PACED, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

#endif /* MODEMLINE_SELFTEST_NULLMODEM_H */

// SPDX-License-Identifier: GPL-2.0
/* See ml_local.h: a stand-in for libmodemline until issue 6 is merged. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "ml_local.h"

static int ioc(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

int ml_open(int flags)
{
	int fd = open("/dev/modemline", O_RDWR | O_CLOEXEC | flags);

	return fd < 0 ? -errno : fd;
}

int ml_close(int fd)
{
	return close(fd) ? -errno : 0;
}

int ml_dial(int fd, uint32_t line_id, const char *number, uint32_t timeout_ms,
	    uint32_t *call)
{
	struct modemline_dial d;
	int ret;

	memset(&d, 0, sizeof(d));
	if (strlen(number) >= sizeof(d.number))
		return -EINVAL;
	d.line_id = line_id;
	d.timeout_ms = timeout_ms;
	strcpy(d.number, number);
	ret = ioc(fd, MODEMLINE_IOC_DIAL, &d);
	if (!ret && call)
		*call = d.call;
	return ret;
}

int ml_drop(int fd, uint32_t call, bool wait)
{
	struct modemline_call_op op = { .call = call,
					.flags = wait ? MODEMLINE_DROP_WAIT : 0 };

	return ioc(fd, MODEMLINE_IOC_DROP, &op);
}

int ml_deallocate(int fd, uint32_t call, bool drop)
{
	struct modemline_call_op op = { .call = call,
					.flags = drop ? MODEMLINE_DEALLOCATE_DROP : 0 };

	return ioc(fd, MODEMLINE_IOC_DEALLOCATE, &op);
}

int ml_call_info(int fd, uint32_t call, struct modemline_call_info *out)
{
	memset(out, 0, sizeof(*out));
	out->call = call;
	return ioc(fd, MODEMLINE_IOC_CALL_INFO, out);
}

int ml_call_data(int fd, uint32_t call, bool nonblock)
{
	struct modemline_call_data d;
	int ret;

	memset(&d, 0, sizeof(d));
	d.call = call;
	d.flags = nonblock ? MODEMLINE_DATA_NONBLOCK : 0;
	ret = ioc(fd, MODEMLINE_IOC_CALL_DATA, &d);
	return ret ? ret : d.fd;
}

int ml_next_event(int fd, struct modemline_event *ev, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int r;

	for (;;) {
		if (timeout_ms >= 0) {
			r = poll(&p, 1, timeout_ms);
			if (r < 0)
				return -errno;
			if (!r)
				return -ETIMEDOUT;
		}
		n = read(fd, ev, sizeof(*ev));
		if (n == (ssize_t)sizeof(*ev))
			return 0;
		if (n < 0 && errno == EINTR)
			return -EINTR;
		if (n < 0 && errno != EAGAIN)
			return -errno;
		if (n >= 0)
			return -EPROTO;
	}
}

int ml_tty_open(const char *path, speed_t speed)
{
	struct termios t;
	int fd, fl, err;

	fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (tcgetattr(fd, &t))
		goto fail;
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (speed && cfsetspeed(&t, speed))
		goto fail;
	if (tcsetattr(fd, TCSANOW, &t))
		goto fail;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK))
		goto fail;
	return fd;
fail:
	err = -errno;
	close(fd);
	return err;
}

int ml_tty_attach(int tty_fd, uint32_t *line_id)
{
	int ld = MODEMLINE_LDISC, ret;

	if (ioctl(tty_fd, TIOCSETD, &ld) < 0)
		return -errno;
	ret = ioc(tty_fd, MODEMLINE_TIOCGLINE, line_id);
	if (ret)
		ml_tty_detach(tty_fd);
	return ret;
}

int ml_tty_detach(int tty_fd)
{
	int ld = 0;

	return ioctl(tty_fd, TIOCSETD, &ld) < 0 ? -errno : 0;
}

int ml_tty_get_config(int tty_fd, struct modemline_tty_config *cfg)
{
	return ioc(tty_fd, MODEMLINE_TIOCGCONFIG, cfg);
}

int ml_tty_set_config(int tty_fd, const struct modemline_tty_config *cfg)
{
	return ioc(tty_fd, MODEMLINE_TIOCSCONFIG, (void *)cfg);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The line discipline side: a modem's tty, put in raw mode, becomes a
 * line when discipline 29 is attached to it, and stays one while the
 * descriptor stays open (as with ldattach).
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libmodemline.h"
#include "sized.h"

int ml_tty_open(const char *path, speed_t speed)
{
	struct termios t;
	int fd, fl, err;

	if (!path)
		return -EINVAL;
	/* O_NONBLOCK: a UART without CLOCAL would wait for carrier. */
	fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (tcgetattr(fd, &t))
		goto fail;
	cfmakeraw(&t);
	t.c_cflag &= ~(CSIZE | PARENB | CSTOPB);
	t.c_cflag |= CS8 | CLOCAL | CREAD;
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

int ml_tty_line_id(int tty_fd, uint32_t *line_id)
{
	__u32 id;

	if (!line_id)
		return -EINVAL;
	if (ioctl(tty_fd, MODEMLINE_TIOCGLINE, &id) < 0)
		return -errno;
	*line_id = id;
	return 0;
}

int ml_tty_attach(int tty_fd, uint32_t *line_id)
{
	int ldisc = MODEMLINE_LDISC, ret;

	/* Checked before the line appears, not after. */
	if (!line_id)
		return -EINVAL;
	if (ioctl(tty_fd, TIOCSETD, &ldisc) < 0)
		return -errno;
	ret = ml_tty_line_id(tty_fd, line_id);
	if (ret)
		ml_tty_detach(tty_fd);
	return ret;
}

int ml_tty_detach(int tty_fd)
{
	int ldisc = N_TTY;

	return ioctl(tty_fd, TIOCSETD, &ldisc) < 0 ? -errno : 0;
}

/* As the *_sz calls of calls.c: the ioctl's struct is this library's. */
int ml_tty_get_config_sz(int tty_fd, struct modemline_tty_config *cfg, size_t size)
{
	struct modemline_tty_config c;
	int ret = ml_sized_check(cfg, size, ML_TTY_CONFIG_SIZE_0_1);

	if (ret)
		return ret;
	if (ioctl(tty_fd, MODEMLINE_TIOCGCONFIG, &c) < 0)
		return -errno;
	ml_copy_out(cfg, size, &c, sizeof(c));
	return 0;
}

int ml_tty_set_config_sz(int tty_fd, const struct modemline_tty_config *cfg, size_t size)
{
	struct modemline_tty_config c;
	int ret = ml_sized_check(cfg, size, ML_TTY_CONFIG_SIZE_0_1);

	if (!ret)
		ret = ml_copy_in(&c, sizeof(c), cfg, size);
	if (ret)
		return ret;
	return ioctl(tty_fd, MODEMLINE_TIOCSCONFIG, &c) < 0 ? -errno : 0;
}

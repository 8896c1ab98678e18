// SPDX-License-Identifier: GPL-2.0
/*
 * attach and detach: like ldattach, mlinectl keeps the tty open for as
 * long as the line should exist, because the line discipline (and so the
 * line) goes away when the last descriptor of the tty is closed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "mlinectl.h"

static speed_t baud(uint32_t b)
{
	static const struct { uint32_t b; speed_t s; } t[] = {
		{ 1200, B1200 }, { 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 },
		{ 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 },
		{ 115200, B115200 }, { 230400, B230400 }, { 460800, B460800 },
		{ 921600, B921600 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].b == b)
			return t[i].s;
	return 0;
}

static int configure(struct ctx *c, int tty, const char *guard, const char *init)
{
	struct modemline_tty_config cfg;
	uint32_t g;
	int ret;

	if (!guard && !init)
		return 0;
	ret = ml_tty_get_config(tty, &cfg);
	if (ret)
		return fail(c, ML_OP_TTY_CONFIG, ret, "read the line's settings");
	if (guard) {
		if (parse_u32("--guard", guard, &g))
			return -EINVAL;
		cfg.guard_ms = g;
	}
	if (init) {
		if (strlen(init) >= sizeof(cfg.init))
			return fail_msg(c, EINVAL, "--init: longer than %zu characters",
					sizeof(cfg.init) - 1);
		memset(cfg.init, 0, sizeof(cfg.init));
		strcpy(cfg.init, init);
	}
	ret = ml_tty_set_config(tty, &cfg);
	return ret ? fail(c, ML_OP_TTY_CONFIG, ret, "change the line's settings") : 0;
}

/* Detach the discipline and leave the process: the background child's way out. */
static int wait_removed(struct ctx *c, int tty, uint32_t line)
{
	struct modemline_event ev;
	int ret;

	catch_signals();
	/* Without /dev/modemline only a signal ends the wait. */
	if (c->fd < 0 || ml_subscribe(c->fd, line)) {
		while (!got_signal)
			pause();
	}
	while (!got_signal) {
		ret = ml_next_event(c->fd, &ev, -1);
		if (ret == -EINTR)
			continue;
		if (ret)
			return fail(c, ML_OP_EVENT, ret, "waiting for the line");
		if (ev.type == MODEMLINE_EVENT_LINE_REMOVED && ev.line_id == line) {
			note(c, "line %u went away (%s)", line, ml_reason_name(ev.reason));
			if (c->json) {
				j_begin();
				j_u64("line", line);
				j_str("removed", ml_reason_name(ev.reason));
				j_end();
			}
			return 0;
		}
	}
	ml_tty_detach(tty);
	note(c, "line %u detached", line);
	if (c->json) {
		j_begin();
		j_u64("line", line);
		j_bool("detached", true);
		j_end();
	}
	return 0;
}

static int daemonize(const char *pidfile)
{
	FILE *f;
	int fd;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	setsid();
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	if (pidfile) {
		f = fopen(pidfile, "w");
		if (f) {
			fprintf(f, "%d\n", getpid());
			fclose(f);
		}
	}
	return 0;
}

int cmd_attach(struct ctx *c, int argc, char **argv)
{
	const struct cmd *cmd = find_cmd(argv[0]);
	const char *speed_s = NULL, *pidfile = NULL, *guard = NULL, *init = NULL;
	bool daemon = false;
	const struct opt opts[] = {
		{ "--speed", &speed_s, NULL }, { "--daemon", NULL, &daemon },
		{ "--pidfile", &pidfile, NULL }, { "--guard", &guard, NULL },
		{ "--init", &init, NULL }, { NULL, NULL, NULL }
	};
	struct modemline_line_info info;
	uint32_t line, b = 0;
	speed_t speed = 0;
	int n, tty, ret;
	char what[300];

	n = parse_opts(c, cmd, argc, argv, opts);
	if (n < 0)
		return n;
	if (n != 1)
		return usage_error(cmd, "wants TTY");
	if (speed_s && (parse_u32("--speed", speed_s, &b) || !(speed = baud(b))))
		return fail_msg(c, EINVAL, "--speed: unsupported rate '%s'", speed_s);
	if (c->batch)
		return fail_msg(c, EINVAL, "attach keeps running: not inside a batch");
	tty = ml_tty_open(argv[1], speed);
	if (tty < 0)
		return fail(c, ML_OP_TTY_OPEN, tty, "open %s", argv[1]);
	ret = ml_tty_attach(tty, &line);
	if (ret) {
		close(tty);
		return fail(c, ML_OP_TTY_ATTACH, ret, "attach line discipline %d to %s",
			    MODEMLINE_LDISC, argv[1]);
	}
	ret = configure(c, tty, guard, init);
	if (ret) {
		ml_tty_detach(tty);
		return ret;
	}
	/* For the name and to hear of the line's removal; optional. */
	c->fd = ml_open(0);
	if (c->fd >= 0 && !ml_line_info(c->fd, line, &info))
		snprintf(what, sizeof(what), "%s", info.name);
	else
		snprintf(what, sizeof(what), "%s", argv[1]);
	if (c->json) {
		j_begin();
		j_u64("line", line);
		j_str("tty", argv[1]);
		j_str("name", what);
		j_end();
	} else {
		fprintf(out, "line %u on %s (%s)%s\n", line, argv[1], what,
			daemon ? ", in the background" : "; Ctrl-C detaches");
		fflush(out);
	}
	if (daemon) {
		ret = daemonize(pidfile);
		if (ret) {
			ml_tty_detach(tty);
			return fail_msg(c, -ret, "--daemon: fork failed: %s", strerror(-ret));
		}
	}
	return wait_removed(c, tty, line);
}

int cmd_detach(struct ctx *c, int argc, char **argv)
{
	const struct cmd *cmd = find_cmd(argv[0]);
	uint32_t line;
	int n, tty, ret;

	n = parse_opts(c, cmd, argc, argv, NULL);
	if (n < 0)
		return n;
	if (n != 1)
		return usage_error(cmd, "wants TTY");
	tty = open(argv[1], O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (tty < 0)
		return fail(c, ML_OP_TTY_OPEN, -errno, "open %s", argv[1]);
	ret = ml_tty_line_id(tty, &line);
	if (!ret)
		ret = ml_tty_detach(tty);
	close(tty);
	if (ret)
		return fail(c, ML_OP_TTY_LINE, ret, "%s", argv[1]);
	if (c->json) {
		j_begin();
		j_u64("line", line);
		j_str("tty", argv[1]);
		j_bool("detached", true);
		j_end();
	} else {
		note(c, "line %u on %s detached", line, argv[1]);
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * attach and detach: like ldattach, mlinectl keeps the tty open for as
 * long as the line should exist, because the line discipline (and so the
 * line) goes away when the last descriptor of the tty is closed.
 *
 * Every argument of attach is checked before anything is attached: a bad
 * --guard or --init must not make a line appear and vanish (watchers see
 * both events) nor leave half a set-up behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "attach_conf.h"
#include "daemon.h"

/* The kernel's bounds (MODEMLINE_TIOCSCONFIG): guard time, +CLCC poll. */
#define GUARD_MAX_MS	10000
#define CLCC_MIN_MS	100
#define CLCC_MAX_MS	10000
#define DIALECT_AUTO	-2	/* --dialect auto: ask the modem */
#define DIALECT_KEEP	-1	/* no --dialect */

struct attach {
	const char *tty;
	speed_t speed;			/* 0: keep the tty's */
	int guard_ms;			/* 0: unchanged */
	const char *init;		/* NULL: unchanged */
	int dialect;			/* MODEMLINE_DIALECT_*, or the two above */
	int clcc_ms;			/* 0: unchanged */
	char pidfile[PATH_MAX];		/* "": none */
	bool daemon;
};

/* The init string as the kernel takes it: "AT...", printable, fits. */
static bool init_ok(const char *s)
{
	size_t len = strlen(s), i;

	if (len < 2 || len >= sizeof(((struct modemline_tty_config *)0)->init) ||
	    strncasecmp(s, "AT", 2))
		return false;
	for (i = 0; i < len; i++)
		if (s[i] < 0x20 || s[i] >= 0x7f)
			return false;
	return true;
}

/* Option @name's value, else the --config file's @key; *@what says which. */
static const char *setting(const struct args *a, const struct attach_conf *conf, int key,
			   const char *name, const char **what)
{
	const char *v = opt(a, name + 2);

	*what = name;
	if (v || !*conf->where[key])
		return v;
	*what = conf->where[key];
	return conf->value[key];
}

static int attach_args(struct ctx *c, const struct args *a, struct attach *at,
		       struct attach_conf *conf)
{
	const char *speed, *guard, *dialect, *clcc, *pidfile = opt(a, "pidfile");
	const char *w_speed, *w_guard, *w_dialect, *w_clcc, *w_init;
	uint32_t b;
	int ret;

	if (a->n != 1)
		return usage_error(c, a->cmd, "wants TTY");
	at->tty = a->pos[0];
	at->daemon = opt(a, "daemon");
	memset(conf, 0, sizeof(*conf));
	if (opt(a, "config")) {
		ret = attach_conf_load(c, opt(a, "config"), at->tty, conf);
		if (ret)
			return ret;
	}
	speed = setting(a, conf, CONF_SPEED, "--speed", &w_speed);
	guard = setting(a, conf, CONF_GUARD, "--guard", &w_guard);
	dialect = setting(a, conf, CONF_DIALECT, "--dialect", &w_dialect);
	clcc = setting(a, conf, CONF_CLCC, "--clcc", &w_clcc);
	at->init = setting(a, conf, CONF_INIT, "--init", &w_init);
	if (speed) {
		ret = parse_u32(c, w_speed, speed, &b);
		if (ret)
			return ret;
		ret = ml_speed(b);
		if (ret < 0)
			return fail_msg(c, EINVAL,
					"%s: %s bit/s is no termios rate (50 to 4000000)",
					w_speed, speed);
		at->speed = (speed_t)ret;
	}
	if (guard && parse_ms(c, w_guard, guard, &at->guard_ms))
		return -EINVAL;
	if (guard && (at->guard_ms < 1 || at->guard_ms > GUARD_MAX_MS))
		return fail_msg(c, EINVAL, "%s: '%s' is not 1ms to 10s", w_guard, guard);
	at->dialect = DIALECT_KEEP;
	if (dialect && !strcmp(dialect, "v250"))
		at->dialect = MODEMLINE_DIALECT_V250;
	else if (dialect && !strcmp(dialect, "3gpp"))
		at->dialect = MODEMLINE_DIALECT_3GPP;
	else if (dialect && !strcmp(dialect, "auto"))
		at->dialect = DIALECT_AUTO;
	else if (dialect)
		return fail_msg(c, EINVAL, "%s: '%s' is not v250, 3gpp or auto", w_dialect, dialect);
	if (clcc && parse_ms(c, w_clcc, clcc, &at->clcc_ms))
		return -EINVAL;
	if (clcc && (at->clcc_ms < CLCC_MIN_MS || at->clcc_ms > CLCC_MAX_MS))
		return fail_msg(c, EINVAL, "%s: '%s' is not 100ms to 10s", w_clcc, clcc);
	if (at->init && !init_ok(at->init))
		return fail_msg(c, EINVAL, "%s: '%s' is not an AT command line of 2 to %zu"
				" printable characters", w_init, at->init,
				sizeof(((struct modemline_tty_config *)0)->init) - 1);
	if (pidfile) {
		ret = pidfile_path(c, pidfile, at->pidfile, sizeof(at->pidfile));
		if (ret)
			return ret;
	}
	if (c->batch)
		return fail_msg(c, EINVAL, "attach keeps running: not inside a batch");
	return 0;
}

static int configure(struct ctx *c, int tty, const struct attach *at)
{
	struct modemline_tty_config cfg;
	int ret;

	if (!at->guard_ms && !at->init && at->dialect == DIALECT_KEEP && !at->clcc_ms)
		return 0;
	ret = ml_tty_get_config(tty, &cfg);
	if (ret)
		return fail(c, ML_OP_TTY_CONFIG, ret, "read the line's settings");
	if (at->guard_ms)
		cfg.guard_ms = (uint32_t)at->guard_ms;
	if (at->dialect >= 0)
		cfg.dialect = (uint32_t)at->dialect;
	if (at->clcc_ms)
		cfg.clcc_poll_ms = (uint32_t)at->clcc_ms;
	/* A cellular modem must say which rings are voice calls (+CRC=1). */
	if (!at->init && at->dialect == MODEMLINE_DIALECT_3GPP) {
		memset(cfg.init, 0, sizeof(cfg.init));
		strcpy(cfg.init, ML_INIT_3GPP);
	}
	if (at->init) {
		memset(cfg.init, 0, sizeof(cfg.init));
		strcpy(cfg.init, at->init);
	}
	ret = ml_tty_set_config(tty, &cfg);
	return ret ? fail(c, ML_OP_TTY_CONFIG, ret, "change the line's settings") : 0;
}

/* Open TTY and make it a line: the tty fd (to keep open) or -errno (reported). */
static int bring_up(struct ctx *c, struct attach *at, uint32_t *line)
{
	uint32_t dialect;
	int tty, ret;

	tty = ml_tty_open(at->tty, at->speed);
	if (tty < 0)
		return fail(c, ML_OP_TTY_OPEN, tty, "open %s", at->tty);
	if (at->dialect == DIALECT_AUTO) {
		ret = dialect_probe(c, tty, at->tty, &dialect);
		if (ret) {
			close(tty);
			return ret;
		}
		at->dialect = (int)dialect;
	}
	ret = ml_tty_attach(tty, line);
	if (ret) {
		close(tty);
		return fail(c, ML_OP_TTY_ATTACH, ret, "attach line discipline %d to %s",
			    MODEMLINE_LDISC, at->tty);
	}
	ret = configure(c, tty, at);
	if (ret) {
		ml_tty_detach(tty);
		close(tty);
		return ret;
	}
	return tty;
}

static void print_attached(struct ctx *c, const struct attach *at, uint32_t line)
{
	struct modemline_line_info info;
	char name[MODEMLINE_NAME_LEN + 1];

	/* The line's own name, if /dev/modemline is there to say it. */
	memset(&info, 0, sizeof(info));
	if (c->fd >= 0 && !ml_line_info(c->fd, line, &info))
		snprintf(name, sizeof(name), "%s", info.name);
	else
		snprintf(name, sizeof(name), "%s", at->tty);
	/* What the line speaks: as set, else the kernel's word for it. */
	if (at->dialect >= 0)
		info.dialect = (uint32_t)at->dialect;
	if (c->json) {
		j_begin(out, "attach");
		j_u64("line", line);
		j_str("tty", at->tty);
		j_str("name", name);
		j_str("dialect", ml_dialect_name(info.dialect));
		j_u64("pid", (uint64_t)getpid());
		j_end();
	} else if (at->daemon) {
		fprintf(out, "line %u on %s (%s%s), in the background (pid %d)\n", line,
			at->tty, name, info.dialect ? ", 3gpp" : "", (int)getpid());
	} else {
		fprintf(out, "line %u on %s (%s%s); Ctrl-C detaches\n", line, at->tty, name,
			info.dialect ? ", 3gpp" : "");
	}
	fflush(out);
}

/*
 * Until the line goes away (0) or a signal: then detach it, and end
 * cleanly (0) for SIGTERM and SIGHUP, as interrupted for SIGINT.
 */
static int wait_removed(struct ctx *c, int tty, const char *path, uint32_t line)
{
	struct modemline_event ev;
	struct pollfd p;
	int ret;

	/* Without /dev/modemline nothing tells of the removal: only a signal ends the wait. */
	if (c->fd < 0 || ml_subscribe(c->fd, line)) {
		while (!caught_signal)
			wait_signal();
	}
	while (!caught_signal) {
		if (!ml_pending(c->fd)) {
			p = (struct pollfd){ .fd = c->fd, .events = POLLIN };
			ret = wait_ready(&p, 1, -1);
			if (ret == -EINTR)
				continue;
			if (ret < 0)
				return fail(c, ML_OP_EVENT, ret, "waiting for the line");
		}
		ret = ml_next_event(c->fd, &ev, 0);
		if (ret == -ETIMEDOUT)
			continue;
		if (ret)
			return fail(c, ML_OP_EVENT, ret, "waiting for the line");
		if (ev.type == MODEMLINE_EVENT_LINE_REMOVED && ev.line_id == line) {
			print_event(c, &ev);
			return 0;
		}
	}
	ml_tty_detach(tty);
	if (c->json) {
		j_begin(out, "detach");
		j_u64("line", line);
		j_str("tty", path);
		j_end();
	} else {
		note(c, "line %u on %s detached", line, path);
	}
	return signal_is_stop() ? 0 : -EINTR;
}

int cmd_attach(struct ctx *c, const struct args *a)
{
	struct attach at = { 0 };
	/* at.init may point into it. */
	struct attach_conf conf;
	char state[PATH_MAX + 64];
	int report = -1, tty = -1, ret, status;
	bool pidfile = false;
	uint32_t line;

	ret = attach_args(c, a, &at, &conf);
	if (ret)
		return ret;
	if (at.daemon) {
		ret = daemon_start(c, &report, &status);
		if (ret)
			return ret > 0 ? status : ret;
	}
	if (*at.pidfile) {
		ret = pidfile_write(c, at.pidfile);
		pidfile = !ret;
	}
	if (!ret)
		ret = tty = bring_up(c, &at, &line);
	/* Optional: for the line's name and to hear of its removal. */
	if (ret >= 0)
		c->fd = dev_open(c);
	if (ret >= 0 && at.daemon && chdir("/"))
		ret = fail_msg(c, errno, "--daemon: chdir /: %s", strerror(errno));
	if (ret >= 0) {
		print_attached(c, &at, line);
		snprintf(state, sizeof(state), "READY=1\nSTATUS=line %u on %s", line, at.tty);
		notify_service(state);
		ret = 0;
	}
	if (at.daemon)
		daemon_ready(report, ret);
	if (!ret) {
		ret = wait_removed(c, tty, at.tty, line);
		notify_service("STOPPING=1");
	}
	if (tty >= 0)
		close(tty);
	if (pidfile)
		unlink(at.pidfile);
	return ret;
}

int cmd_detach(struct ctx *c, const struct args *a)
{
	uint32_t line;
	int tty, ret;

	if (a->n != 1)
		return usage_error(c, a->cmd, "wants TTY");
	tty = open(a->pos[0], O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (tty < 0)
		return fail(c, ML_OP_TTY_OPEN, -errno, "open %s", a->pos[0]);
	/* Else ENOTTY would read as a tty without the line discipline. */
	if (!isatty(tty)) {
		close(tty);
		return fail(c, ML_OP_TTY_OPEN, -ENOTTY, "open %s", a->pos[0]);
	}
	ret = ml_tty_line_id(tty, &line);
	if (!ret)
		ret = ml_tty_detach(tty);
	close(tty);
	if (ret)
		return fail(c, ML_OP_TTY_LINE, ret, "%s", a->pos[0]);
	if (c->json) {
		j_begin(out, "detach");
		j_u64("line", line);
		j_str("tty", a->pos[0]);
		j_end();
	} else {
		note(c, "line %u on %s detached", line, a->pos[0]);
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Option parsing, argument parsers and error reporting shared by the
 * commands. Errors are reported where they are found, so callers only
 * pass the negative errno up; it becomes the exit status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mlinectl.h"

volatile int got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

/* No SA_RESTART: a blocking read or poll returns EINTR and the command ends cleanly. */
void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int dev(struct ctx *c)
{
	int fd;

	if (c->fd >= 0)
		return c->fd;
	fd = ml_open(0);
	if (fd < 0) {
		const char *p = getenv("MODEMLINE_DEV");

		c->fd_err = fail(c, ML_OP_OPEN, fd, "%s", p && *p ? p : ML_DEVICE);
		return c->fd_err;
	}
	c->fd = fd;
	return fd;
}

void print_cmd_help(const struct cmd *cmd, FILE *f)
{
	fprintf(f, "usage: mlinectl [--json] %s%s%s\n\n%s\n", cmd->name,
		*cmd->usage ? " " : "", cmd->usage, cmd->help);
	if (cmd->oneshot_pointless)
		fprintf(f, "\nCall handles belong to the open /dev/modemline file that made them:\n"
			"use this inside 'mlinectl batch' or 'mlinectl shell'.\n");
}

int usage_error(const struct cmd *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mlinectl %s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: mlinectl %s %s (see mlinectl %s --help)\n",
		cmd->name, cmd->usage, cmd->name);
	return -EINVAL;
}

int global_opt(struct ctx *c, int argc, char **argv, int *i)
{
	if (!strcmp(argv[*i], "--json")) {
		c->json = true;
		return 1;
	}
	if (strcmp(argv[*i], "--dev"))
		return 0;
	if (*i + 1 >= argc)
		return fail_msg(c, EINVAL, "--dev needs a value (the device's path)");
	/* The batch's commands share its one open device: a line cannot switch it. */
	if (c->batch)
		return fail_msg(c, EINVAL, "--dev: not inside a batch");
	setenv("MODEMLINE_DEV", argv[++*i], 1);
	return 1;
}

int parse_opts(struct ctx *c, const struct cmd *cmd, int argc, char **argv,
	       const struct opt *opts)
{
	const struct opt *o;
	int i, npos = 0, ret;
	bool only_pos = false;

	for (i = 1; i < argc; i++) {
		char *a = argv[i];

		if (only_pos || a[0] != '-' || !a[1] || (a[1] >= '0' && a[1] <= '9')) {
			argv[++npos] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_pos = true;
			continue;
		}
		for (o = opts; o && o->name; o++)
			if (!strcmp(a, o->name))
				break;
		if (!o || !o->name) {
			ret = global_opt(c, argc, argv, &i);
			if (ret < 0)
				return ret;
			if (!ret)
				return usage_error(cmd, "unknown option %s", a);
			continue;
		}
		if (o->arg) {
			if (i + 1 >= argc)
				return usage_error(cmd, "%s needs a value", a);
			*o->arg = argv[++i];
		}
		if (o->set)
			*o->set = true;
	}
	return npos;
}

int parse_u32(const char *what, const char *s, uint32_t *v)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (!*s || *end || errno || n > UINT32_MAX || s[0] == '-') {
		fprintf(stderr, "mlinectl: %s: not a number: '%s'\n", what, s);
		return -EINVAL;
	}
	*v = (uint32_t)n;
	return 0;
}

int parse_ms(const char *what, const char *s, int *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (!strcmp(end, "ms"))
		;
	else if (!*end || !strcmp(end, "s"))
		v *= 1000;
	else
		end = NULL;
	if (!end || errno || end == s || !(v >= 0) || v > 86400000.0 * 24) {
		fprintf(stderr, "mlinectl: %s: not a duration: '%s' (seconds, or e.g. 500ms)\n",
			what, s);
		return -EINVAL;
	}
	*ms = (int)(v + 0.5);
	return 0;
}

int parse_call(struct ctx *c, const char *s, uint32_t *call)
{
	if (s)
		return parse_u32("CALL", s, call);
	if (!c->last_call) {
		fprintf(stderr, "mlinectl: no CALL given and no call made yet\n");
		return -EINVAL;
	}
	*call = c->last_call;
	return 0;
}

int dial_args(struct ctx *c, int argc, char **argv, const char *flag, bool *set,
	      uint32_t *line, int *ms)
{
	const struct cmd *cmd = find_cmd(argv[0]);
	const char *tmo = NULL;
	const struct opt opts[] = {
		{ flag, NULL, set }, { "--timeout", &tmo, NULL }, { NULL, NULL, NULL }
	};
	int n = parse_opts(c, cmd, argc, argv, opts);

	if (n < 0)
		return n;
	if (n != 2)
		return usage_error(cmd, "wants LINE and NUMBER");
	*ms = 0;
	if (parse_u32("LINE", argv[1], line) || (tmo && parse_ms("--timeout", tmo, ms)))
		return -EINVAL;
	return dev(c) < 0 ? c->fd_err : 0;
}

static const char *errname(int err)
{
	const char *n = strerrorname_np(abs(err));

	return n ? n : "E?";
}

/* What every reported failure looks like; @what NULL: @msg says it all. */
static int report(struct ctx *c, int err, const char *what, const char *msg)
{
	if (c->json) {
		j_begin();
		j_str("error", errname(err));
		j_u64("errno", (uint64_t)abs(err));
		if (what)
			j_str("what", what);
		j_str("message", msg);
		j_end();
	} else if (what) {
		fprintf(stderr, "mlinectl: %s: %s (%s)\n", what, msg, errname(err));
	} else {
		fprintf(stderr, "mlinectl: %s\n", msg);
	}
	return -abs(err);
}

int fail(struct ctx *c, int op, int err, const char *fmt, ...)
{
	char what[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	report(c, err, what, ml_strerror(op, err));
	if (abs(err) == ENOENT && !c->batch &&
	    (op == ML_OP_DROP || op == ML_OP_DEALLOCATE || op == ML_OP_CALL_INFO ||
	     op == ML_OP_CALL_DATA))
		fprintf(stderr, "mlinectl: a call handle lives only in the process that made it:"
			" use 'mlinectl call' or 'mlinectl batch'\n");
	return -abs(err);
}

int fail_msg(struct ctx *c, int err, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return report(c, err, NULL, msg);
}

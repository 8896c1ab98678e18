// SPDX-License-Identifier: GPL-2.0
/*
 * Reporting failures. Every error goes to stderr, whatever produced it
 * (the kernel, a bad argument, a usage error), as a line of text or,
 * with --json, as one {"type":"error",...} object, so that stdout holds
 * results only. Errors are reported where they are found; callers pass
 * the negative errno up and it becomes the exit status.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mlinectl.h"

static const char *errname(int err)
{
	const char *n = strerrorname_np(abs(err));

	return n ? n : "E?";
}

/*
 * The one shape of every error. @what: the operation that failed (NULL:
 * @msg says it all); @cmd: for usage errors, the command whose usage
 * follows (NULL with @usage true: mlinectl's own).
 */
static int report(struct ctx *c, int err, const char *what, const char *msg,
		  const char *hint, const struct cmd *cmd, bool usage)
{
	char line[256];

	if (usage && cmd)
		snprintf(line, sizeof(line), "mlinectl %s%s%s", cmd->name, *cmd->usage ? " " : "",
			 cmd->usage);
	else if (usage)
		snprintf(line, sizeof(line), "mlinectl [OPTIONS] COMMAND [ARGS...]");
	if (c->json) {
		j_begin(stderr, "error");
		j_str("error", errname(err));
		j_u64("errno", (uint64_t)abs(err));
		if (what)
			j_str("what", what);
		j_str("message", msg);
		if (hint)
			j_str("hint", hint);
		if (usage)
			j_str("usage", line);
		j_end();
		return -abs(err);
	}
	if (what)
		fprintf(stderr, "mlinectl: %s: %s (%s)\n", what, msg, errname(err));
	else
		fprintf(stderr, "mlinectl%s%s: %s\n", cmd ? " " : "", cmd ? cmd->name : "", msg);
	if (hint)
		fprintf(stderr, "mlinectl: %s\n", hint);
	if (usage)
		fprintf(stderr, "usage: %s (see mlinectl help%s%s)\n", line, cmd ? " " : "",
			cmd ? cmd->name : "");
	return -abs(err);
}

int fail(struct ctx *c, int op, int err, const char *fmt, ...)
{
	char what[320];
	const char *hint = NULL;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (abs(err) == ENOENT && !c->batch &&
	    (op == ML_OP_DROP || op == ML_OP_DEALLOCATE || op == ML_OP_CALL_INFO ||
	     op == ML_OP_CALL_DATA))
		hint = "a call handle lives only in the process that made it:"
		       " use 'mlinectl call' or 'mlinectl batch'";
	return report(c, err, what, ml_strerror(op, err), hint, NULL, false);
}

int fail_msg(struct ctx *c, int err, const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return report(c, err, NULL, msg, NULL, NULL, false);
}

int report_usage(struct ctx *c, const struct cmd *cmd, const char *msg)
{
	return report(c, EINVAL, NULL, msg, NULL, cmd, true);
}

int dev_open(const struct ctx *c)
{
	int fd = c->dev ? ml_open_path(c->dev, 0) : ml_open(0);

	/*
	 * mlinectl knows every state, RINGBACK too; a module that predates
	 * API versions (-ENOTTY) shows it none it does not know anyway.
	 */
	if (fd >= 0)
		ml_api(fd, MODEMLINE_API_LATEST);
	return fd;
}

const char *dev_path(const struct ctx *c)
{
	const char *p = c->dev ? c->dev : getenv("MODEMLINE_DEV");

	return p && *p ? p : ML_DEVICE;
}

int dev_new(struct ctx *c)
{
	int fd = dev_open(c);

	return fd < 0 ? fail(c, ML_OP_OPEN, fd, "%s", dev_path(c)) : fd;
}

int dev(struct ctx *c)
{
	int fd;

	if (c->fd >= 0)
		return c->fd;
	fd = dev_new(c);
	if (fd >= 0)
		c->fd = fd;
	return fd;
}

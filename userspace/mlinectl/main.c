// SPDX-License-Identifier: GPL-2.0
/*
 * mlinectl: control modem lines and calls of /dev/modemline.
 *
 *   mlinectl [-j|--json] [--dev PATH] COMMAND [ARGS]     see mlinectl(8)
 *   mlinectl -h|--help | -V|--version | help [COMMAND]
 *
 * The global options may also follow the command, among its own options,
 * for that command alone. A line of a batch has the same shape as the
 * command line, so run_line() serves both.
 *
 * The exit status is 0, or the errno of the failure (EINVAL for bad
 * usage), so that scripts can tell "no such line" (ENOENT) from "line
 * busy" (EBUSY) without parsing messages; after a signal it is the
 * shell's 128 + signal (signals.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>

#include "mlinectl.h"

void print_usage(FILE *f)
{
	const struct cmd *cmd;

	fprintf(f, "usage: mlinectl [OPTIONS] COMMAND [ARGS...]\n"
		"       mlinectl COMMAND [ARGS...] [OPTIONS]\n"
		"       mlinectl help [COMMAND]\n\n"
		"Commands (mlinectl help COMMAND, or COMMAND --help, for each):\n");
	for (cmd = commands; cmd->name; cmd++)
		fprintf(f, "  %-*s%s%s\n", *cmd->usage ? 12 : 0, cmd->name, cmd->usage,
			cmd->flags & CMD_BATCH ? "   (batch)" : "");
	fprintf(f, "\nA call handle belongs to the open /dev/modemline that made it and is\n"
		"released when mlinectl exits: 'call' runs a whole call in the foreground,\n"
		"'batch' and 'shell' run several commands on one open file. Commands\n"
		"marked (batch) are for those.\n\n"
		"Options:\n"
		"  -j, --json     results as JSON Lines on stdout, each object with a \"type\";\n"
		"                 errors as JSON objects on stderr\n"
		"  --dev PATH     the device (default /dev/modemline, or $MODEMLINE_DEV)\n"
		"  -h, --help     this text\n"
		"  -V, --version  mlinectl's version\n"
		"-j, --json and --dev also work after the command, for it alone (not after\n"
		"'--', nor among the words of echo); --dev not inside a batch. Every option\n"
		"takes --opt=value or --opt value. A DURATION is seconds (30, 1.5) or has a\n"
		"unit (1.5s, 500ms).\n\n"
		"Exit status: 0, or the errno of what failed (e.g. 2 ENOENT, 16 EBUSY,\n"
		"22 EINVAL); 130 after Ctrl-C. See mlinectl(8).\n");
}

static int print_version(struct ctx *c)
{
	if (c->json) {
		j_begin(stdout, "version");
		j_str("version", MLINECTL_VERSION);
		j_end();
	} else {
		puts("mlinectl " MLINECTL_VERSION);
	}
	return 0;
}

static const struct option main_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "dev", required_argument, NULL, OPT_DEV },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

int run_line(struct ctx *c, int argc, char **argv)
{
	bool json = c->json;
	struct scan sc;
	int i, ret;

	/* '+': the options end at the command, whose own options follow it. */
	i = scan_opts(c, argc, argv, "+:jhV", main_opts, &sc);
	if (*sc.err) {
		ret = report_usage(c, NULL, sc.err);
	} else if (sc.help) {
		print_usage(stdout);
		ret = 0;
	} else if (sc.version) {
		ret = print_version(c);
	} else if (sc.dev && use_dev(c, sc.dev)) {
		ret = -EINVAL;
	} else if (i == argc) {
		ret = report_usage(c, NULL, "no command given");
	} else {
		ret = run_cmd(c, argc - i, argv + i);
	}
	c->json = json;
	return ret;
}

int main(int argc, char **argv)
{
	struct ctx c = { .fd = -1 };
	int ret;

	out = stdout;
	ret = run_line(&c, argc, argv);
	if (c.fd >= 0)
		ml_close(c.fd);
	return exit_status(ret);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * mlinectl: control modem lines and calls of /dev/modemline.
 *
 *   mlinectl [--json] [--dev PATH] COMMAND [ARGS]     see mlinectl(8)
 *
 * The global options may also follow the command, among its own options
 * (parse_opts() takes them there), for that command alone.
 *
 * The exit status is 0, or the errno of the failure (EINVAL for bad
 * usage), so that scripts can tell "no such line" (ENOENT) from "line
 * busy" (EBUSY) without parsing messages.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "mlinectl.h"

#define VERSION "0.1.0"

static void usage(FILE *f)
{
	const struct cmd *cmd;

	fprintf(f, "usage: mlinectl [--json] [--dev PATH] COMMAND [ARGS...]\n"
		"       mlinectl COMMAND [ARGS...] [--json] [--dev PATH]\n\n"
		"Commands (mlinectl COMMAND --help for each):\n");
	for (cmd = commands; cmd->name; cmd++)
		fprintf(f, "  %-11s %s%s\n", cmd->name, cmd->usage,
			cmd->oneshot_pointless ? "   (batch)" : "");
	fprintf(f, "\nA call handle belongs to the open /dev/modemline that made it and is\n"
		"released when mlinectl exits: 'call' runs a whole call in the foreground,\n"
		"'batch' and 'shell' run several commands on one open file. Commands\n"
		"marked (batch) are for those.\n\n"
		"  --json       one JSON object per line on stdout, errors included\n"
		"  --dev PATH   the device (default /dev/modemline, or $MODEMLINE_DEV)\n"
		"They also work after the command, among its options ('mlinectl lines --json'),\n"
		"but not after '--' nor in the words of echo and sleep. On a line of a batch\n"
		"they are for that line alone, and --dev is refused (a batch has one device).\n\n"
		"Exit status: 0, or the errno of what failed (e.g. 2 ENOENT, 16 EBUSY).\n");
}

int main(int argc, char **argv)
{
	struct ctx c = { .fd = -1 };
	int i = 1, ret;

	out = stdout;
	for (; i < argc && argv[i][0] == '-'; i++) {
		ret = global_opt(&c, argc, argv, &i);
		if (ret < 0)
			return EINVAL;
		if (ret)
			continue;
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			puts("mlinectl " VERSION);
			return 0;
		} else {
			fprintf(stderr, "mlinectl: unknown option %s\n", argv[i]);
			usage(stderr);
			return EINVAL;
		}
	}
	if (i == argc) {
		usage(stderr);
		return EINVAL;
	}
	ret = run_cmd(&c, argc - i, argv + i);
	if (c.fd >= 0)
		ml_close(c.fd);
	ret = -ret;
	return ret > 0 && ret < 256 ? ret : ret ? 1 : 0;
}

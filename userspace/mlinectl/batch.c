// SPDX-License-Identifier: GPL-2.0
/*
 * batch and shell: many commands on one open /dev/modemline, so that the
 * call a 'dial' line makes can be dropped, inspected and released by the
 * lines after it (handles belong to the open file).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mlinectl.h"

#define MAX_ARGS	32

/*
 * Split @line in place into words: blanks separate, '...' and "..."
 * quote (backslashes stay for the commands that decode them), '#' at the
 * start of a word ends the line. Returns the count, -E2BIG, -EINVAL.
 */
static int split(char *line, char **argv)
{
	char *r = line, *w;
	int n = 0;

	for (;;) {
		while (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r')
			r++;
		if (!*r || *r == '#')
			return n;
		if (n == MAX_ARGS)
			return -E2BIG;
		argv[n++] = w = r;
		while (*r && *r != ' ' && *r != '\t' && *r != '\n' && *r != '\r') {
			if (*r == '"' || *r == '\'') {
				char q = *r++;

				while (*r && *r != q)
					*w++ = *r++;
				if (!*r)
					return -EINVAL;
				r++;
			} else {
				*w++ = *r++;
			}
		}
		if (*r)
			r++;
		*w = '\0';
	}
}

int cmd_batch(struct ctx *c, int argc, char **argv)
{
	const struct cmd *cmd = find_cmd(argv[0]);
	bool shell = !strcmp(argv[0], "shell"), keep_going = shell;
	const struct opt opts[] = { { "--keep-going", NULL, &keep_going }, { NULL, NULL, NULL } };
	bool prompt, ignore;
	char *line = NULL, *args[MAX_ARGS];
	size_t cap = 0;
	unsigned int lineno = 0;
	int n, ret, last = 0;
	FILE *in;

	n = parse_opts(c, cmd, argc, argv, opts);
	if (n < 0)
		return n;
	if (n != (shell ? 0 : 1))
		return usage_error(cmd, shell ? "takes no arguments" : "wants FILE or -");
	if (c->batch)
		return fail_msg(c, EINVAL, "%s: not inside a batch", argv[0]);
	in = shell || !strcmp(argv[1], "-") ? stdin : fopen(argv[1], "r");
	if (!in)
		return fail_msg(c, errno, "%s: %s", argv[1], strerror(errno));
	c->batch = true;
	prompt = shell && isatty(0);
	for (;;) {
		if (prompt) {
			fputs("mlinectl> ", stderr);
			fflush(stderr);
		}
		if (getline(&line, &cap, in) < 0)
			break;
		lineno++;
		n = split(line, args);
		if (n == 0)
			continue;
		ret = n < 0 ? -EINVAL : 0;
		if (n < 0)
			fprintf(stderr, "mlinectl: line %u: %s\n", lineno,
				n == -E2BIG ? "too many words" : "unterminated quote");
		ignore = n > 0 && args[0][0] == '-' && args[0][1];
		if (ignore)
			args[0]++;
		/* Show each command before its output; 'echo' lines are narration. */
		if (n > 0 && !c->json && !prompt && strcmp(args[0], "echo")) {
			int i;

			fputs("> ", out);
			for (i = 0; i < n; i++)
				fprintf(out, "%s%s", i ? " " : "", args[i]);
			fputc('\n', out);
			fflush(out);
		}
		if (!ret)
			ret = run_cmd(c, n, args);
		if (!ret || ignore)
			continue;
		last = ret;
		if (!keep_going) {
			fprintf(stderr, "mlinectl: stopped at line %u of %s\n", lineno,
				shell ? "input" : argv[1]);
			break;
		}
	}
	free(line);
	if (in != stdin)
		fclose(in);
	c->batch = false;
	return last;
}

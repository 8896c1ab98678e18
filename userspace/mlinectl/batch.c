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

/*
 * A '-' before a command ignores its failure: "-dial ...". A word that
 * starts with '-' and is not one of that form is an option ("--json",
 * "-j"): no command is named like a short option.
 */
static bool ignore_marker(const char *word)
{
	return word[0] == '-' && find_cmd(word + 1);
}

int cmd_batch(struct ctx *c, const struct args *a)
{
	bool shell = !strcmp(a->cmd->name, "shell"), keep_going = shell || opt(a, "keep-going");
	const char *name = shell ? "input" : NULL;
	bool prompt, ignore;
	/* args[0] stands for the program name, as argv[0] does for run_line(). */
	static char argv0[] = "mlinectl";
	char *line = NULL, *args[MAX_ARGS + 2] = { argv0 }, **w = args + 1;
	size_t cap = 0;
	unsigned int lineno = 0;
	int n, i, ret, last = 0;
	FILE *in;

	if (a->n != (shell ? 0 : 1))
		return usage_error(c, a->cmd, shell ? "takes no arguments" : "wants FILE or -");
	if (c->batch)
		return fail_msg(c, EINVAL, "%s: not inside a batch", a->cmd->name);
	if (!shell)
		name = a->pos[0];
	in = shell || !strcmp(name, "-") ? stdin : fopen(name, "r");
	if (!in)
		return fail_msg(c, errno, "%s: %s", name, strerror(errno));
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
		n = split(line, w);
		if (n == 0)
			continue;
		if (n < 0) {
			ret = fail_msg(c, EINVAL, "line %u: %s", lineno,
				       n == -E2BIG ? "too many words" : "unterminated quote");
			ignore = false;
		} else {
			ignore = ignore_marker(w[0]);
			if (ignore)
				w[0]++;
			/* Show each command before its output; 'echo' lines are narration. */
			if (!c->json && !prompt && strcmp(w[0], "echo")) {
				fputs(">", out);
				for (i = 0; i < n; i++)
					fprintf(out, " %s", w[i]);
				fputc('\n', out);
				fflush(out);
			}
			w[n] = NULL;
			ret = run_line(c, n + 1, args);
		}
		/* A signal ends the batch after the command it ended, whatever -/--keep-going say. */
		if (caught_signal) {
			last = ret;
			break;
		}
		if (!ret || ignore)
			continue;
		last = ret;
		if (!keep_going) {
			/* Narration: under --json the failure's own error object says it. */
			if (!c->json)
				fprintf(stderr, "mlinectl: stopped at line %u of %s\n", lineno, name);
			break;
		}
	}
	free(line);
	if (in != stdin)
		fclose(in);
	c->batch = false;
	return last;
}

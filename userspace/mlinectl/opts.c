// SPDX-License-Identifier: GPL-2.0
/*
 * Options and arguments of the commands, parsed by getopt_long(3) from
 * each command's own option table plus the global options that may
 * follow the command (-j/--json, --dev PATH, -h/--help). So every option
 * takes --opt=value and --opt value, long options may be abbreviated to
 * a unique prefix, options and arguments mix freely, and '--' ends the
 * options.
 *
 * Parsing goes on after the first error so that a --json further right
 * still decides how the error is reported.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "mlinectl.h"

static const struct option global_opts[] = {
	{ "json", no_argument, NULL, 'j' },
	{ "dev", required_argument, NULL, OPT_DEV },
	{ "help", no_argument, NULL, 'h' },
};
#define N_GLOBAL	(sizeof(global_opts) / sizeof(global_opts[0]))

/* The long name of the option whose getopt_long() value is @val, or NULL. */
static const char *long_name(const struct option *lo, int val)
{
	int i;

	for (i = 0; lo[i].name; i++)
		if (lo[i].val == val)
			return lo[i].name;
	return NULL;
}

/*
 * The message for getopt_long()'s @o ':' (a value missing) or '?' (an
 * unknown or ambiguous option, or a value given to a flag).
 */
static void opt_error(char *msg, size_t len, int o, char **argv, const struct option *lo)
{
	const char *known = long_name(lo, optopt), *name;
	size_t n, i, matches = 0;

	if (o == ':') {
		snprintf(msg, len, "--%s needs a value", known);
	} else if (optopt && !known) {
		snprintf(msg, len, "unknown option -%c", optopt);
	} else if (optopt) {
		snprintf(msg, len, "--%s takes no value", known);
	} else {
		/* An unknown long option: getopt_long() has moved optind past it. */
		name = argv[optind - 1] + 2;
		n = strcspn(name, "=");
		for (i = 0; lo[i].name; i++)
			matches += !strncmp(lo[i].name, name, n);
		snprintf(msg, len, "%s option --%.*s", n && matches > 1 ? "ambiguous" : "unknown",
			 (int)n, name);
	}
}

int scan_opts(struct ctx *c, int argc, char **argv, const char *shortopts,
	      const struct option *lo, struct scan *sc)
{
	int o;

	memset(sc, 0, sizeof(*sc));
	optind = 0;	/* glibc: start afresh (a batch parses many lines) */
	opterr = 0;
	while ((o = getopt_long(argc, argv, shortopts, lo, NULL)) != -1) {
		switch (o) {
		case 'j':
			c->json = true;
			break;
		case 'h':
			sc->help = true;
			break;
		case 'V':
			sc->version = true;
			break;
		case OPT_DEV:
			sc->dev = optarg;
			break;
		case ':':
		case '?':
			if (!*sc->err)
				opt_error(sc->err, sizeof(sc->err), o, argv, lo);
			break;
		default:
			sc->val[o - OPT_CMD] = optarg ? optarg : lo[o - OPT_CMD].name;
		}
	}
	return optind;
}

int use_dev(struct ctx *c, const char *path)
{
	/* The batch's commands share its one open device: a line cannot switch it. */
	if (c->batch)
		return fail_msg(c, EINVAL, "--dev: not inside a batch");
	c->dev = path;
	return 0;
}

int parse_args(struct ctx *c, const struct cmd *cmd, int argc, char **argv,
	       struct args *a)
{
	struct option lo[MAX_OPTS + N_GLOBAL + 1];
	struct scan sc;
	int i, n = 0;

	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	if (cmd->flags & CMD_WORDS) {
		/* Like echo(1): only a lone --help is an option. */
		if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
			print_cmd_help(cmd, stdout);
			return 1;
		}
		a->n = argc - 1;
		a->pos = argv + 1;
		return 0;
	}
	for (i = 0; cmd->opts && cmd->opts[i].name; i++)
		lo[n++] = (struct option){ cmd->opts[i].name,
					   cmd->opts[i].arg ? required_argument : no_argument,
					   NULL, OPT_CMD + i };
	for (i = 0; i < (int)N_GLOBAL; i++)
		lo[n++] = global_opts[i];
	lo[n] = (struct option){ NULL, 0, NULL, 0 };

	n = scan_opts(c, argc, argv, ":jh", lo, &sc);
	/* A bad option is an error even next to --help. */
	if (*sc.err)
		return usage_error(c, cmd, "%s", sc.err);
	if (sc.help) {
		print_cmd_help(cmd, stdout);
		return 1;
	}
	if (sc.dev && use_dev(c, sc.dev))
		return -EINVAL;
	memcpy(a->val, sc.val, sizeof(a->val));
	a->n = argc - n;
	a->pos = argv + n;
	return 0;
}

const char *opt(const struct args *a, const char *name)
{
	int i;

	for (i = 0; a->cmd->opts && a->cmd->opts[i].name; i++)
		if (!strcmp(a->cmd->opts[i].name, name))
			return a->val[i];
	/* A name not in the command's table is a bug here, not bad input. */
	abort();
}

int usage_error(struct ctx *c, const struct cmd *cmd, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return report_usage(c, cmd, msg);
}

void print_cmd_help(const struct cmd *cmd, FILE *f)
{
	fprintf(f, "usage: mlinectl [--json] %s%s%s\n\n%s\n", cmd->name,
		*cmd->usage ? " " : "", cmd->usage, cmd->help);
	if (cmd->flags & CMD_BATCH)
		fprintf(f, "\nCall handles belong to the open /dev/modemline file that made them:\n"
			"use this inside 'mlinectl batch' or 'mlinectl shell'.\n");
}

int parse_u32(struct ctx *c, const char *what, const char *s, uint32_t *v)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (!*s || *end || errno || n > UINT32_MAX || s[0] == '-' || s[0] == '+' ||
	    s[0] == ' ')
		return fail_msg(c, EINVAL, "%s: not a number: '%s'", what, s);
	*v = (uint32_t)n;
	return 0;
}

/* The module's rule (MODEMLINE_IOC_DIAL): Hayes digits, tone keys, pauses and modifiers. */
#define DIAL_CHARS	"0123456789*#+,;!@ABCDPTWpw"
#define DIAL_CHARS_SAID	"0-9 * # + , ; ! @ A-D P T W p w"

int parse_number(struct ctx *c, const char *s)
{
	size_t len = strlen(s), good = strspn(s, DIAL_CHARS);
	unsigned char bad = (unsigned char)s[good];

	if (!len || len >= MODEMLINE_NUMBER_LEN)
		return fail_msg(c, EINVAL, "NUMBER: 1 to %d characters, not %zu",
				MODEMLINE_NUMBER_LEN - 1, len);
	if (good == len)
		return 0;
	if (bad >= 0x20 && bad < 0x7f)
		return fail_msg(c, EINVAL, "NUMBER: '%c' is not a dial character (allowed: %s)",
				bad, DIAL_CHARS_SAID);
	return fail_msg(c, EINVAL, "NUMBER: byte 0x%02x is not a dial character (allowed: %s)",
			bad, DIAL_CHARS_SAID);
}

int parse_ms(struct ctx *c, const char *what, const char *s, int *ms)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || (*s != '.' && (*s < '0' || *s > '9')))
		end = NULL;
	else if (!strcmp(end, "ms"))
		;
	else if (!*end || !strcmp(end, "s"))
		v *= 1000;
	else
		end = NULL;
	/* At most 24 days: what an int of milliseconds holds. */
	if (!end || errno || !(v >= 0) || v > 86400000.0 * 24)
		return fail_msg(c, EINVAL, "%s: not a duration: '%s' (seconds, or e.g. 1.5s, 500ms)",
				what, s);
	*ms = (int)(v + 0.5);
	return 0;
}

int timeout_opt(struct ctx *c, const struct args *a, int dflt, int *ms)
{
	const char *s = opt(a, "timeout");

	*ms = dflt;
	return s ? parse_ms(c, "--timeout", s, ms) : 0;
}

int parse_call(struct ctx *c, const char *s, uint32_t *call)
{
	if (s)
		return parse_u32(c, "CALL", s, call);
	if (!c->last_call)
		return fail_msg(c, EINVAL, "no CALL given and no call made yet");
	*call = c->last_call;
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mlinectl: the modemline command line tool. Shared state and helpers of
 * the commands; see mlinectl(8) for the user's side.
 */
#ifndef MLINECTL_H
#define MLINECTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "libmodemline.h"

#define MAX_DATA_FDS	16

/* What the commands of one process (or one batch) share. */
struct ctx {
	int fd;			/* /dev/modemline, opened on first use; -1 */
	int fd_err;		/* why opening it failed (-errno) */
	bool json;		/* --json: one JSON object per line on stdout */
	bool batch;		/* in batch/shell: calls outlive one command */
	uint32_t last_call;	/* default CALL of batch commands; 0: none */
	struct { uint32_t call; int fd; } data[MAX_DATA_FDS];
};

struct cmd {
	const char *name;
	const char *usage;	/* arguments, after the name */
	const char *help;	/* what it does, one paragraph */
	int (*run)(struct ctx *c, int argc, char **argv);
	bool oneshot_pointless;	/* needs a handle: only useful in batch */
};

/* The command table (commands.c); NULL-terminated. */
extern const struct cmd commands[];
const struct cmd *find_cmd(const char *name);
/* Run one command line (argv[0] is the command); returns 0 or -errno. */
int run_cmd(struct ctx *c, int argc, char **argv);

/* /dev/modemline, opened once per ctx; -errno reported already. */
int dev(struct ctx *c);

/*
 * Options of one command: fills the values of the options in @opts
 * (NULL-terminated by name), applies the global options found among them
 * and moves the positional arguments to the front of argv; returns their
 * count, or -EINVAL (reported).
 */
struct opt {
	const char *name;	/* "--wait" */
	const char **arg;	/* option takes a value; else NULL */
	bool *set;		/* set to true when present; may be NULL */
};
int parse_opts(struct ctx *c, const struct cmd *cmd, int argc, char **argv,
	       const struct opt *opts);
/*
 * The global options (--json, --dev PATH), before the command or among its
 * options: 1 if argv[*i] is one (applied; *i moves past its value), 0 if
 * not, -EINVAL (reported) for --dev without a value or inside a batch.
 */
int global_opt(struct ctx *c, int argc, char **argv, int *i);
int usage_error(const struct cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void print_cmd_help(const struct cmd *cmd, FILE *f);

/* Parsers; each reports its own error and returns -EINVAL. */
int parse_u32(const char *what, const char *s, uint32_t *v);
/* "30" (seconds), "1.5s", "500ms" into milliseconds. */
int parse_ms(const char *what, const char *s, int *ms);
/* CALL argument, or the last call of the batch when @s is NULL. */
int parse_call(struct ctx *c, const char *s, uint32_t *call);
/*
 * LINE NUMBER [@flag] [--timeout DURATION], what dial and call take: fills
 * @line, @ms (0: the line's dial timeout) and @set, and opens the device.
 * NUMBER is argv[2]. Returns 0 or -errno (reported).
 */
int dial_args(struct ctx *c, int argc, char **argv, const char *flag, bool *set,
	      uint32_t *line, int *ms);

/*
 * Report a failure of @op: "mlinectl: WHAT: meaning (ENAME)" on stderr,
 * or {"error": ...} on stdout with --json; WHAT is formatted from @fmt.
 * Returns @err (negative).
 */
int fail(struct ctx *c, int op, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The same for failures that are the user's (message given). */
int fail_msg(struct ctx *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Output (output.c), to @out: stdout unless a command sets it. */
extern FILE *out;
void print_call(struct ctx *c, const struct modemline_call_info *i);
void print_line(struct ctx *c, const struct modemline_line_info *i);
void print_event(struct ctx *c, const struct modemline_event *e);
/* Narration of what a command did ("dialing 555 on line 3: call 1"). */
void note(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Minimal JSON writer: one object per line. */
void j_begin(void);
void j_str(const char *key, const char *val);
void j_strn(const char *key, const char *val, size_t len);
void j_u64(const char *key, uint64_t val);
void j_bool(const char *key, bool val);
void j_end(void);

/* The data stream of @call, opened once and kept (data.c). */
int data_fd(struct ctx *c, uint32_t call);
void data_forget(struct ctx *c, uint32_t call);
/* Escaped text for humans: "ab\r\n" -> ab\r\n. */
void print_escaped(FILE *f, const char *buf, size_t len);

/* Set by SIGINT/SIGTERM/SIGHUP when a command catches them. */
extern volatile int got_signal;
void catch_signals(void);

#endif

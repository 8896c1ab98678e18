/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mlinectl: the modemline command line tool. Shared state and helpers of
 * the commands; see mlinectl(8) for the user's side.
 */
#ifndef MLINECTL_H
#define MLINECTL_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "libmodemline.h"

#define MLINECTL_VERSION	"0.1.0"

/* Data streams a batch keeps open at once, and what recv can hold of each. */
#define MAX_STREAMS	16
/* The init string of a 3gpp line without --init: ring kinds and caller id on. */
#define ML_INIT_3GPP	"ATE0V1Q0&C1&D2S0=0+CRC=1;+CLIP=1"
#define STREAM_BUF	4096

/*
 * A call's data stream, opened once by send/recv and kept until the call
 * is released (CALL_DATA gives one descriptor per call at a time). Bytes
 * read past what a recv asked for wait here for the next recv.
 */
struct stream {
	uint32_t call;		/* 0: slot free */
	int fd;			/* non-blocking */
	bool eof;		/* read() returned 0: the call's data ended */
	size_t len;		/* received, not yet handed out */
	char buf[STREAM_BUF];
};

/* What the commands of one process (or one batch) share. */
struct ctx {
	int fd;			/* /dev/modemline, opened on first use; -1 */
	const char *dev;	/* --dev PATH; NULL: ml_open()'s choice */
	bool json;		/* --json: JSON Lines on stdout, errors on stderr */
	bool batch;		/* in batch/shell: calls outlive one command */
	uint32_t last_call;	/* default CALL of batch commands; 0: none */
	struct stream streams[MAX_STREAMS];
};

/* An option of a command: --NAME, --NAME=VALUE or --NAME VALUE. */
struct optdef {
	const char *name;
	bool arg;		/* takes a value */
};

#define MAX_OPTS	10

/* What the option parser hands a command. */
struct args {
	const struct cmd *cmd;
	int n;			/* positional arguments, in pos[0..n) */
	char **pos;
	const char *val[MAX_OPTS];	/* by index in cmd->opts; NULL: absent */
};

enum {
	CMD_BATCH = 1,		/* needs a handle: only useful in batch/shell */
	CMD_SIGNALS = 2,	/* catches SIGINT/SIGTERM/SIGHUP to clean up */
	CMD_WORDS = 4,		/* echo: every word is text, none an option */
};

struct cmd {
	const char *name;
	const char *usage;	/* arguments, after the name */
	const char *help;	/* what it does */
	const struct optdef *opts;	/* {NULL}-terminated; NULL: none */
	int (*run)(struct ctx *c, const struct args *a);
	unsigned int flags;
};

/* commands.c: the table ({NULL}-terminated) and running one command. */
extern const struct cmd commands[];
const struct cmd *find_cmd(const char *name);
/* argv[0] is the command; returns 0 or -errno (reported). */
int run_cmd(struct ctx *c, int argc, char **argv);

/* main.c: global options, then a command; main and batch lines alike. */
int run_line(struct ctx *c, int argc, char **argv);
void print_usage(FILE *f);

/* opts.c */
/* getopt_long() values of --dev (no short form) and of a command's options (+ index). */
#define OPT_DEV	1
#define OPT_CMD	256
struct option;
/* What scan_opts() found besides -j/--json, which it applies at once. */
struct scan {
	bool help, version;
	const char *dev;
	const char *val[MAX_OPTS];	/* a command's options, by index */
	char err[128];			/* the first bad option: what was wrong */
};
/*
 * getopt_long() over @argv with @shortopts (a subset of "+:jhV") and @lo.
 * Goes on after a bad option so that a --json further right still decides
 * how the error is reported. Returns the index of the first argument.
 */
int scan_opts(struct ctx *c, int argc, char **argv, const char *shortopts,
	      const struct option *lo, struct scan *sc);
/* --dev PATH: refused inside a batch. 0 or -EINVAL (reported). */
int use_dev(struct ctx *c, const char *path);
int parse_args(struct ctx *c, const struct cmd *cmd, int argc, char **argv,
	       struct args *a);
/* The value of option @name (NULL: not given); a flag's is non-NULL. */
const char *opt(const struct args *a, const char *name);
int usage_error(struct ctx *c, const struct cmd *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void print_cmd_help(const struct cmd *cmd, FILE *f);
/* Parsers: 0, or -EINVAL with the error reported. */
int parse_u32(struct ctx *c, const char *what, const char *s, uint32_t *v);
/* A dial string, checked as the module will, before the device is opened. */
int parse_number(struct ctx *c, const char *s);
/* A duration: "30" (seconds), "1.5s", "500ms", into milliseconds. */
int parse_ms(struct ctx *c, const char *what, const char *s, int *ms);
/* --timeout if given (else @dflt) */
int timeout_opt(struct ctx *c, const struct args *a, int dflt, int *ms);
/* CALL: @s, or the last call of the batch when @s is NULL. */
int parse_call(struct ctx *c, const char *s, uint32_t *call);

/* report.c: failures, each reported where found; returns -errno. */
int fail(struct ctx *c, int op, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int fail_msg(struct ctx *c, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The usage error of @cmd (NULL: of mlinectl itself). */
int report_usage(struct ctx *c, const struct cmd *cmd, const char *msg);
/* --dev's path, else ml_open()'s ($MODEMLINE_DEV or ML_DEVICE): fd or -errno. */
int dev_open(const struct ctx *c);
/* The path dev_open() opens. */
const char *dev_path(const struct ctx *c);
/* A new open file of the device, apart from the ctx's: fd or -errno (reported). */
int dev_new(struct ctx *c);
/* /dev/modemline, opened once per ctx: the fd or -errno (reported). */
int dev(struct ctx *c);

/* output.c: results and narration go to @out (stdout unless in 'call'). */
extern FILE *out;
void print_call(struct ctx *c, const struct modemline_call_info *i);
/* The record's fields, into the JSON object being written. */
void j_call(const struct modemline_call_info *i);
void print_line(struct ctx *c, const struct modemline_line_info *i);
void print_event(struct ctx *c, const struct modemline_event *e);
/* Narration for humans; nothing with --json. */
void note(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON Lines writer: one object per line, "type" first. */
void j_begin(FILE *f, const char *type);
void j_str(const char *key, const char *val);
void j_strn(const char *key, const char *val, size_t len);
void j_u64(const char *key, uint64_t val);
void j_bool(const char *key, bool val);
void j_end(void);
/* Bytes for humans: "ab\r\n" -> ab\r\n. */
void print_escaped(FILE *f, const char *buf, size_t len);

/* calls.c: every id of ml_line_list() or ml_call_list(), however many (free *@ids). */
int all_ids(int fd, int (*list)(int, uint32_t *, uint32_t), uint32_t **ids);

/* events.c: the LINE arguments, or 0 (every line) if none; see there. */
uint32_t *line_args(struct ctx *c, const struct args *a, int *n);

/* data.c */
void stream_forget(struct ctx *c, uint32_t call);

/* signals.c; see there. */
extern volatile sig_atomic_t caught_signal, caught_count;
struct sigsave {
	struct sigaction old[3];
	sigset_t mask;
};
void signals_catch(struct sigsave *s);
void signals_restore(const struct sigsave *s);
int wait_ready(struct pollfd *p, nfds_t n, int timeout_ms);
void wait_signal(void);
/* The caught signal asks for a clean stop (SIGTERM, SIGHUP), not an interrupt. */
bool signal_is_stop(void);
/* Exit status for -errno @ret; ends the process by the signal that interrupted it. */
int exit_status(int ret);

/* The command functions of the table, in their files. */
int cmd_lines(struct ctx *c, const struct args *a);
int cmd_dial(struct ctx *c, const struct args *a);
int cmd_answer(struct ctx *c, const struct args *a);
int cmd_drop(struct ctx *c, const struct args *a);
int cmd_release(struct ctx *c, const struct args *a);
int cmd_info(struct ctx *c, const struct args *a);
int cmd_list(struct ctx *c, const struct args *a);
int cmd_wait(struct ctx *c, const struct args *a);
int cmd_subscribe(struct ctx *c, const struct args *a);
int cmd_watch(struct ctx *c, const struct args *a);
int cmd_wait_event(struct ctx *c, const struct args *a);
int cmd_send(struct ctx *c, const struct args *a);
int cmd_recv(struct ctx *c, const struct args *a);
int cmd_attach(struct ctx *c, const struct args *a);
/* dialect.c: attach --dialect auto, before the discipline takes @tty. */
int dialect_probe(struct ctx *c, int tty, const char *path, uint32_t *dialect);
int cmd_detach(struct ctx *c, const struct args *a);
int cmd_call(struct ctx *c, const struct args *a);
int cmd_batch(struct ctx *c, const struct args *a);
int cmd_monitor(struct ctx *c, const struct args *a);
int cmd_ps(struct ctx *c, const struct args *a);

#endif

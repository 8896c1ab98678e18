/* SPDX-License-Identifier: GPL-2.0 */
/*
 * modemline benchmarks (make bench, issue 7): shared harness.
 *
 * Every figure is a ratio of two costs measured side by side in the same
 * boot: the two sides alternate round by round, each round gives one
 * ratio, and a figure reports the median, min and max of its rounds.
 * Absolute times are kept for reference only.
 *
 * The calls go through libmodemline (userspace/lib); the timing loops of
 * the null ioctl and of CALL_INFO use ioctl() directly, as bare as the
 * round trip they measure.
 */
#ifndef MODEMLINE_BENCH_H
#define MODEMLINE_BENCH_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "libmodemline.h"

#define MAX_ROUNDS	64
#define NUMBER		"5551234"	/* what every benchmark dials */
#define MAX_ABS		8

/* One absolute quantity a figure is computed from (per round). */
struct absq {
	const char *name;	/* e.g. "info_ns" */
	const char *unit;	/* "ns", "MB/s", ... */
	double v[MAX_ROUNDS];
	int n;
};

struct figure {
	const char *name;
	const char *unit;
	bool higher_better;	/* target is a minimum (>=) */
	double target;
	double r[MAX_ROUNDS];	/* one ratio per round */
	int n;
	struct absq abs[MAX_ABS];
	int nabs;
	bool na;		/* not available (the feature is missing) */
	bool failed;		/* could not measure */
	char note[512];		/* why n/a or failed; method notes */
	char extra[1024];	/* more JSON members, ",\"k\":v" form */
};

extern int verbose;
extern const char *modemsim_path;

uint64_t now_ns(void);
void sleep_ms(int ms);
void blog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void fig_add(struct figure *f, double ratio);
/* Absolute quantity @name of @f (created on first use): append @v. */
void fig_abs(struct figure *f, const char *name, const char *unit, double v);
void fig_fail(struct figure *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fig_na(struct figure *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fig_extra(struct figure *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
double median(const double *v, int n);
double vmin(const double *v, int n);
double vmax(const double *v, int n);

/*
 * Run @fn(@ctx, iters) and return ns per iteration; @iters is chosen on
 * the first call (*@iters == 0) so that one run takes about @target_ms.
 */
typedef int (*loop_fn)(void *ctx, long iters);
double time_loop(loop_fn fn, void *ctx, long *iters, int target_ms, int *err);

/* modemline_sim and module parameters */
int sim_new_line(const char *name, uint32_t *id);
int sim_ctl(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int sim_remove_line(const char *name);
int param_get(const char *name, long *val);
int param_set(const char *name, long val);

/*
 * The call cycle (cycle.c): DIAL, CONNECTED, DROP, DISCONNECTED,
 * DEALLOCATE on @line, waiting with ml_wait_state() (or bare read()s),
 * counting the system calls made.
 */
struct cycle {
	int fd;
	uint32_t line;
	int timeout_ms;		/* of each wait; -1: none */
	int busy_ms;		/* retry DIAL's -EBUSY this long (tty lines) */
	bool bare;		/* wait by bare blocking read()s, the ABI's minimum */
	long syscalls;		/* made so far */
};
/* DIAL, retrying -EBUSY for up to busy_ms. */
int cycle_dial(struct cycle *c, uint32_t *call);
/* Until @call is @state: 0, -ECONNRESET if it ended first, or -errno. */
int cycle_wait(struct cycle *c, uint32_t call, uint32_t state);
/* One whole cycle; a call that failed is released all the same. */
int cycle_run(struct cycle *c);

/* Read (without blocking) and drop every queued event. */
int drain_events(int fd);

/* modemsim (fig_tty.c), started as its README says */
struct msim {
	pid_t pid;
	int out;
	char pty[64];		/* the DTE's tty: the pty slave, or --tty */
	char ctl[108];		/* the control socket */
};
/* On a pty of its own (@tty NULL) or on @tty; @data its --data or NULL. */
int msim_start_on(struct msim *m, const char *tty, const char *guard, const char *data);
void msim_stop(struct msim *m);
/* One control command; the reply line in @reply (@len 0: first byte only). */
int msim_ctl(const char *path, const char *cmd, char *reply, size_t len);
/* The line discipline's line on @tty, guard time @guard_ms, @init or NULL. */
int attach_line(int tty, uint32_t *line, uint32_t guard_ms, const char *init);

#ifdef _GNU_SOURCE
#include <sched.h>
/*
 * The calling thread (and what it starts from then on) and the unbound
 * workqueues on CPU 0, unless BENCH_UNPINNED is set (fig_tty.c); unpin()
 * restores both.
 */
struct pin {
	cpu_set_t all;
	bool cpu, wq;
	char wq_mask[64];
};
void pin_one_cpu(struct pin *p);
void unpin(struct pin *p);
#endif

/* The figures */
void fig_info_vs_null(struct figure *f);
void fig_sim_cycle(struct figure *f);
void fig_pty_cycle(struct figure *f);
void fig_memory(struct figure *f4, struct figure *f5);
void fig_data(struct figure *f);
void fig_event_latency(struct figure *f);
void fig_bank(struct figure *f);
void fig_nm_cycle(struct figure *f);
void fig_ppp(struct figure *f, struct figure *f_relay);
void fig_retained(struct figure *f);

/*
 * Retained calls made fast (fig_mem.c): FILL_LINES simulated lines that
 * answer every dial BUSY, so many dials are in flight at once.
 */
#define FILL_LINES	64
struct filler {
	char name[FILL_LINES][32];
	uint32_t id[FILL_LINES];
	int n;
};
int filler_setup(struct filler *fl);
void filler_teardown(struct filler *fl);
/* @n retained calls (dialed, ended BUSY) on @fd; their handles to @h. */
int fill(int fd, struct filler *fl, uint32_t *h, long n);
/* A file of /dev/modemline allowed to hold @max calls, or -errno. */
int open_big(long max);

/* Null ioctl: a command of our magic that the dispatch does not know. */
#define NULL_IOCTL	_IO(MODEMLINE_IOC_MAGIC, 0xff)
int null_loop(void *ctx, long iters);	/* ctx: int *fd */

/* CALL_INFO by bare ioctl on @handles in turn (figures 1 and 5). */
struct info_ctx {
	int fd;
	const uint32_t *handles;
	long nhandles;
};
int info_loop(void *ctx, long iters);	/* ctx: struct info_ctx * */

#endif

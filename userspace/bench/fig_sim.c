// SPDX-License-Identifier: GPL-2.0
/*
 * Figures on simulated lines: 1 info_vs_null_ioctl, 2 sim_cycle_vs_null_ioctl
 * (with cycles/s for 1 and 2 threads), 8 cycle_1000_lines_vs_1 and 12
 * cycle_10000_retained_vs_0.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bench.h"

#define WAIT_MS		20000	/* setup waits; timing loops block */
#define LOOP_MS		100	/* one timed run */

struct cycle_ctx {
	struct cycle c;
	int err;
	long iters;
	pthread_barrier_t *start;
	uint64_t ns;
};

static int cycle_loop(void *p, long iters)
{
	struct cycle_ctx *c = p;
	int ret;

	for (long i = 0; i < iters; i++) {
		ret = cycle_run(&c->c);
		if (ret)
			return ret;
	}
	return 0;
}

/* A line of its own and a file of its own for one cycling thread. */
static int cycle_setup(struct cycle_ctx *c, const char *name)
{
	int ret;

	memset(c, 0, sizeof(*c));
	c->c.timeout_ms = -1;
	c->c.fd = ml_open(0);
	if (c->c.fd < 0)
		return c->c.fd;
	ret = sim_new_line(name, &c->c.line);
	if (ret) {
		ml_close(c->c.fd);
		return ret;
	}
	return 0;
}

static void cycle_teardown(struct cycle_ctx *c, const char *name)
{
	ml_close(c->c.fd);
	sim_remove_line(name);
}

/*
 * Probes that take CALL_INFO apart: EINVAL (a flag bit the header does
 * not define; its own CALL_INFO bits are ignored on input) stops after the
 * copy in and the checks; ENOENT (a handle never issued) after the table
 * lookup too. Together with the null ioctl and the full CALL_INFO they
 * show where the cost of figure 1 goes.
 */
struct probe_ctx {
	int fd;
	uint32_t call, flags;
	int want;
};

static int probe_loop(void *p, long iters)
{
	struct probe_ctx *c = p;
	struct modemline_call_info info;

	memset(&info, 0, sizeof(info));
	for (long i = 0; i < iters; i++) {
		info.call = c->call;
		info.flags = c->flags;
		if (ioctl(c->fd, MODEMLINE_IOC_CALL_INFO, &info) != -1 || errno != c->want)
			return -EPROTO;
	}
	return 0;
}

/* A DISCONNECTED call, kept: a retained record. */
static int retained_call(struct cycle *c, uint32_t *call)
{
	struct cycle setup = *c;
	int ret;

	setup.timeout_ms = WAIT_MS;
	ret = cycle_dial(&setup, call);
	if (!ret)
		ret = cycle_wait(&setup, *call, MODEMLINE_STATE_CONNECTED);
	if (!ret)
		ret = ml_drop(c->fd, *call, true);
	if (!ret)
		ret = cycle_wait(&setup, *call, MODEMLINE_STATE_DISCONNECTED);
	return ret;
}

void fig_info_vs_null(struct figure *f)
{
	struct cycle_ctx c;
	struct info_ctx ic;
	long ni = 0, nn = 0;
	uint32_t call;
	double a, b;
	int ret, err;

	ret = cycle_setup(&c, "bench_info");
	if (ret) {
		fig_fail(f, "setup: %s", strerror(-ret));
		return;
	}
	ret = retained_call(&c.c, &call);
	if (ret) {
		fig_fail(f, "retained call: %s", strerror(-ret));
		goto out;
	}
	ic.fd = c.c.fd;
	ic.handles = &call;
	ic.nhandles = 1;
	/* Warm-up, which also calibrates both loops. */
	time_loop(null_loop, &c.c.fd, &nn, LOOP_MS, &err);
	time_loop(info_loop, &ic, &ni, LOOP_MS, &err);
	for (int r = 0; r < 15 && !err; r++) {
		if (r % 2) {
			b = time_loop(info_loop, &ic, &ni, LOOP_MS, &err);
			a = time_loop(null_loop, &c.c.fd, &nn, LOOP_MS, &err);
		} else {
			a = time_loop(null_loop, &c.c.fd, &nn, LOOP_MS, &err);
			b = time_loop(info_loop, &ic, &ni, LOOP_MS, &err);
		}
		fig_abs(f, "call_info", "ns", b);
		fig_abs(f, "null_ioctl", "ns", a);
		fig_add(f, b / a);
	}
	if (err)
		fig_fail(f, "timing loop: %s", strerror(-err));
	for (int r = 0; r < 5 && !err; r++) {
		struct probe_ctx einval = { c.c.fd, call, 1u << 31, EINVAL };
		struct probe_ctx enoent = { c.c.fd, 0x7fffffff, 0, ENOENT };

		fig_abs(f, "probe_einval_copy_in", "ns",
			time_loop(probe_loop, &einval, &nn, LOOP_MS, &err));
		if (!err)
			fig_abs(f, "probe_enoent_lookup", "ns",
				time_loop(probe_loop, &enoent, &nn, LOOP_MS, &err));
	}
	if (err)
		fig_fail(f, "probe loop: %s", strerror(-err));
	fig_extra(f, ", \"iterations\": {\"call_info\": %ld, \"null_ioctl\": %ld}", ni, nn);
out:
	cycle_teardown(&c, "bench_info");
}

static void *cycle_thread(void *p)
{
	struct cycle_ctx *c = p;
	uint64_t t0;

	pthread_barrier_wait(c->start);
	t0 = now_ns();
	c->err = cycle_loop(c, c->iters);
	c->ns = now_ns() - t0;
	return NULL;
}

/* Cycles per second of @n threads, each on its line, running together. */
static double cycles_per_s(struct cycle_ctx *c, int n, long iters, int *err)
{
	pthread_barrier_t b;
	pthread_t t[2];
	uint64_t t0, ns;

	pthread_barrier_init(&b, NULL, (unsigned int)n + 1);
	for (int i = 0; i < n; i++) {
		c[i].iters = iters;
		c[i].start = &b;
		pthread_create(&t[i], NULL, cycle_thread, &c[i]);
	}
	pthread_barrier_wait(&b);
	t0 = now_ns();
	for (int i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	ns = now_ns() - t0;
	pthread_barrier_destroy(&b);
	*err = 0;
	for (int i = 0; i < n; i++)
		if (c[i].err)
			*err = c[i].err;
	return (double)n * (double)iters * 1e9 / (double)ns;
}

void fig_sim_cycle(struct figure *f)
{
	struct cycle_ctx c[2];
	long nc = 0, nn = 0;
	double a, b, per, braw, perraw, t1[8], t2[8];
	long sys0, cycles = 0, sys = 0;
	int ret, err = 0, i;

	ret = cycle_setup(&c[0], "bench_cyc0");
	if (ret) {
		fig_fail(f, "setup: %s", strerror(-ret));
		return;
	}
	ret = cycle_setup(&c[1], "bench_cyc1");
	if (ret) {
		fig_fail(f, "setup: %s", strerror(-ret));
		cycle_teardown(&c[0], "bench_cyc0");
		return;
	}
	time_loop(null_loop, &c[0].c.fd, &nn, LOOP_MS, &err);
	time_loop(cycle_loop, &c[0], &nc, LOOP_MS, &err);
	fig_extra(f, ", \"cycle\": \"ml_dial, ml_wait_state until CONNECTED, ml_drop, "
		  "ml_wait_state until DISCONNECTED, ml_deallocate, ml_next_event for the "
		  "events left; divisor: as many null ioctls as the cycle made syscalls "
		  "(ml_wait_state = CALL_INFO + poll and read per event read)\"");
	for (int r = 0; r < 11 && !err; r++) {
		a = time_loop(null_loop, &c[0].c.fd, &nn, LOOP_MS, &err);
		if (err)
			break;
		sys0 = c[0].c.syscalls;
		b = time_loop(cycle_loop, &c[0], &nc, LOOP_MS, &err);
		per = (double)(c[0].c.syscalls - sys0) / (double)nc;
		sys += c[0].c.syscalls - sys0;
		cycles += nc;
		if (err)
			break;
		/* The same cycle with bare read()s, for reference. */
		c[0].c.bare = true;
		sys0 = c[0].c.syscalls;
		braw = time_loop(cycle_loop, &c[0], &nc, LOOP_MS, &err);
		perraw = (double)(c[0].c.syscalls - sys0) / (double)nc;
		c[0].c.bare = false;
		fig_abs(f, "cycle", "ns", b);
		fig_abs(f, "null_ioctl", "ns", a);
		fig_abs(f, "syscalls_per_cycle", "", per);
		fig_abs(f, "cycle_bare_read", "ns", braw);
		fig_abs(f, "ratio_bare_read", "", braw / (perraw * a));
		fig_add(f, b / (per * a));
	}
	if (err) {
		fig_fail(f, "timing loop: %s", strerror(-err));
		goto out;
	}
	/* Throughput, 1 and 2 threads, alternating. */
	for (i = 0; i < 5 && !err; i++) {
		t1[i] = cycles_per_s(c, 1, nc, &err);
		if (!err)
			t2[i] = cycles_per_s(c, 2, nc, &err);
	}
	if (err) {
		fig_fail(f, "threads: %s", strerror(-err));
		goto out;
	}
	for (int j = 0; j < i; j++) {
		fig_abs(f, "cycles_per_s_1thread", "/s", t1[j]);
		fig_abs(f, "cycles_per_s_2threads", "/s", t2[j]);
	}
	fig_extra(f, ", \"cycles_per_s\": {\"1\": %.1f, \"2\": %.1f}, "
		  "\"syscalls_per_cycle\": %.3f, \"iterations\": %ld",
		  median(t1, i), median(t2, i), (double)sys / (double)cycles, nc);
	printf("info  sim_cycles_per_s_1_thread  %.0f  (min %.0f max %.0f)\n",
	       median(t1, i), vmin(t1, i), vmax(t1, i));
	printf("info  sim_cycles_per_s_2_threads %.0f  (min %.0f max %.0f)\n",
	       median(t2, i), vmin(t2, i), vmax(t2, i));
out:
	cycle_teardown(&c[0], "bench_cyc0");
	cycle_teardown(&c[1], "bench_cyc1");
}

/* ------------------------------------------------------------------ */
/* figure 8: a bank of 1000 lines, each with a connected call           */

#define BANK	1000
#define BATCH	100	/* dials in flight: their events fit max_events */
#define BANK_ROUNDS	5	/* baseline rounds before and after */

static int bank_up(int fd)
{
	char name[32];
	uint32_t id, call;
	int ret, b, j;

	for (b = 0; b < BANK; b += BATCH) {
		for (j = 0; j < BATCH; j++) {
			snprintf(name, sizeof(name), "bench_bank%d", b + j);
			ret = sim_new_line(name, &id);
			if (!ret)
				ret = ml_dial(fd, id, NUMBER, 0, &call);
			if (ret)
				return ret;
		}
		/* The lines connect in any order: count the batch's events. */
		for (j = 0; j < BATCH;) {
			struct modemline_event ev;

			ret = ml_next_event(fd, &ev, WAIT_MS);
			if (ret)
				return ret;
			if (ev.type == MODEMLINE_EVENT_OVERFLOW)
				return -EOVERFLOW;
			if (ev.type != MODEMLINE_EVENT_CALL_STATE)
				continue;
			if (ev.state == MODEMLINE_STATE_DISCONNECTED)
				return -ECONNRESET;
			if (ev.state == MODEMLINE_STATE_CONNECTED)
				j++;
		}
	}
	return 0;
}

static void bank_down(int fd)
{
	char name[32];

	if (fd >= 0)
		ml_close(fd);
	for (int i = 0; i < BANK; i++) {
		snprintf(name, sizeof(name), "bench_bank%d", i);
		sim_remove_line(name);
	}
}

/* A warm-up run of the cycle, then @n timed runs, appended to @v at *@k. */
static void cycle_rounds(struct cycle_ctx *c, double *v, int *k, int n,
			 long *nc, int *err)
{
	time_loop(cycle_loop, c, nc, LOOP_MS, err);
	for (int r = 0; r < n && !*err; r++)
		v[(*k)++] = time_loop(cycle_loop, c, nc, LOOP_MS, err);
}

/*
 * Figures 8 and 12: each loaded round against a baseline round, the
 * first half of the loaded rounds paired with the baseline before the
 * load, the rest with the baseline after it.
 */
static void bracket_ratios(struct figure *f, const char *base_name,
			   const double *base, int nb, const char *load_name,
			   const double *load, int nl)
{
	for (int r = 0; r < nl && r < nb; r++) {
		fig_abs(f, base_name, "ns", base[r]);
		fig_abs(f, load_name, "ns", load[r]);
		fig_add(f, load[r] / base[r]);
	}
}

void fig_bank(struct figure *f)
{
	struct cycle_ctx c;
	double base[2 * BANK_ROUNDS], load[2 * BANK_ROUNDS];
	long nc = 0;
	int ret, err = 0, bank, nb = 0, nl = 0;

	ret = cycle_setup(&c, "bench_probe");
	if (ret) {
		fig_fail(f, "setup: %s", strerror(-ret));
		return;
	}
	cycle_rounds(&c, base, &nb, BANK_ROUNDS, &nc, &err);
	if (err)
		goto fail;
	bank = ml_open(0);
	if (bank < 0) {
		err = bank;
		goto fail;
	}
	blog("cycle_1000_lines_vs_1: connecting %d calls", BANK);
	err = bank_up(bank);
	if (err) {
		bank_down(bank);
		goto fail;
	}
	drain_events(bank);
	cycle_rounds(&c, load, &nl, 2 * BANK_ROUNDS, &nc, &err);
	blog("cycle_1000_lines_vs_1: removing the bank");
	bank_down(bank);
	if (err)
		goto fail;
	cycle_rounds(&c, base, &nb, BANK_ROUNDS, &nc, &err);
	if (err)
		goto fail;
	bracket_ratios(f, "cycle_1_line", base, nb, "cycle_1000_lines", load, nl);
	fig_extra(f, ", \"iterations\": %ld, \"order\": \"%d baseline rounds, "
		  "%d with the bank, %d baseline rounds after removing it\"", nc,
		  BANK_ROUNDS, 2 * BANK_ROUNDS, BANK_ROUNDS);
	cycle_teardown(&c, "bench_probe");
	return;
fail:
	fig_fail(f, "%s", strerror(-err));
	cycle_teardown(&c, "bench_probe");
}

/* ------------------------------------------------------------------ */
/* figure 12                                                           */

#define RETAINED	10000

/*
 * The cycle on a file that holds RETAINED ended calls (a modem bank that
 * keeps its records for accounting) against the same file holding none,
 * in the same order as figure 8: before, with them, after releasing them.
 */
void fig_retained(struct figure *f)
{
	double base[2 * BANK_ROUNDS], load[2 * BANK_ROUNDS];
	struct filler fl = { .n = 0 };
	struct cycle_ctx c;
	uint32_t *h = NULL;
	int ret, err = 0, fd, nb = 0, nl = 0;
	long nc = 0;

	ret = cycle_setup(&c, "bench_retained");
	if (ret) {
		fig_fail(f, "setup: %s", strerror(-ret));
		return;
	}
	/* The cycle's own file, big enough for the records and its call. */
	fd = open_big(RETAINED + 1);
	h = calloc(RETAINED, sizeof(*h));
	if (fd < 0 || !h) {
		err = fd < 0 ? fd : -ENOMEM;
		if (fd >= 0)
			ml_close(fd);
		goto out;
	}
	ml_close(c.c.fd);
	c.c.fd = fd;
	err = filler_setup(&fl);
	if (!err)
		cycle_rounds(&c, base, &nb, BANK_ROUNDS, &nc, &err);
	if (err)
		goto out;
	blog("cycle_10000_retained_vs_0: retaining %d calls", RETAINED);
	err = fill(fd, &fl, h, RETAINED);
	drain_events(fd);
	if (!err)
		cycle_rounds(&c, load, &nl, 2 * BANK_ROUNDS, &nc, &err);
	for (int i = 0; i < RETAINED && !err; i++)
		err = ml_deallocate(fd, h[i], false);
	if (!err)
		cycle_rounds(&c, base, &nb, BANK_ROUNDS, &nc, &err);
	if (err)
		goto out;
	bracket_ratios(f, "cycle_0_retained", base, nb, "cycle_10000_retained",
		       load, nl);
	fig_extra(f, ", \"iterations\": %ld, \"order\": \"%d baseline rounds, "
		  "%d with %d retained calls on the cycle's file, %d baseline rounds "
		  "after releasing them\"", nc, BANK_ROUNDS, 2 * BANK_ROUNDS,
		  RETAINED, BANK_ROUNDS);
out:
	if (err)
		fig_fail(f, "%s", strerror(-err));
	filler_teardown(&fl);
	free(h);
	cycle_teardown(&c, "bench_retained");
}

// SPDX-License-Identifier: GPL-2.0
/*
 * modemline benchmarks: the harness, the table and results.json.
 *
 *   bench [--out FILE] [--modemsim PATH] [--only NAME[,NAME...]] [-v]
 *
 * Runs as root in the test VM with modemline and modemline_sim loaded.
 * Exit status: 0 when every figure was measured (or is not available
 * because the kernel lacks the feature), 1 when a measurement failed.
 * A missed target never fails.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

#define FIG_TIMEOUT_S	300

int verbose;
const char *modemsim_path = "modemsim";

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

void blog(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "[bench %7.1fs] ", (double)now_ns() / 1e9);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void fig_add(struct figure *f, double ratio)
{
	if (f->n < MAX_ROUNDS)
		f->r[f->n++] = ratio;
}

void fig_abs(struct figure *f, const char *name, const char *unit, double v)
{
	int i;

	for (i = 0; i < f->nabs; i++)
		if (!strcmp(f->abs[i].name, name))
			break;
	if (i == f->nabs) {
		if (f->nabs == MAX_ABS)
			return;
		f->abs[f->nabs].name = name;
		f->abs[f->nabs].unit = unit;
		f->abs[f->nabs].n = 0;
		f->nabs++;
	}
	if (f->abs[i].n < MAX_ROUNDS)
		f->abs[i].v[f->abs[i].n++] = v;
}

static void vnote(struct figure *f, const char *fmt, va_list ap)
{
	size_t len = strlen(f->note);

	if (len && len < sizeof(f->note) - 2) {
		strcat(f->note, "; ");
		len += 2;
	}
	vsnprintf(f->note + len, sizeof(f->note) - len, fmt, ap);
}

void fig_fail(struct figure *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(f, fmt, ap);
	va_end(ap);
	f->failed = true;
	blog("%s: FAILED: %s", f->name, f->note);
}

void fig_na(struct figure *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vnote(f, fmt, ap);
	va_end(ap);
	f->na = true;
	blog("%s: not available: %s", f->name, f->note);
}

void fig_extra(struct figure *f, const char *fmt, ...)
{
	size_t len = strlen(f->extra);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->extra + len, sizeof(f->extra) - len, fmt, ap);
	va_end(ap);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double median(const double *v, int n)
{
	double s[MAX_ROUNDS * 4];

	if (n <= 0)
		return 0;
	if (n > (int)(sizeof(s) / sizeof(s[0])))
		n = sizeof(s) / sizeof(s[0]);
	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

double vmin(const double *v, int n)
{
	double m = n ? v[0] : 0;

	for (int i = 1; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}

double vmax(const double *v, int n)
{
	double m = n ? v[0] : 0;

	for (int i = 1; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

double time_loop(loop_fn fn, void *ctx, long *iters, int target_ms, int *err)
{
	uint64_t t0, dt;
	long n;

	*err = 0;
	if (!*iters) {
		/* Calibrate: double until a run takes a tenth of the target. */
		for (n = 16;; n *= 2) {
			t0 = now_ns();
			*err = fn(ctx, n);
			dt = now_ns() - t0;
			if (*err)
				return 0;
			if (dt >= (uint64_t)target_ms * 100000ULL || n >= (1L << 30))
				break;
		}
		*iters = (long)((double)n * target_ms * 1e6 / (double)(dt ? dt : 1));
		if (*iters < 4)
			*iters = 4;
	}
	t0 = now_ns();
	*err = fn(ctx, *iters);
	dt = now_ns() - t0;
	return (double)dt / (double)*iters;
}

int null_loop(void *ctx, long iters)
{
	int fd = *(int *)ctx;

	for (long i = 0; i < iters; i++)
		if (ioctl(fd, NULL_IOCTL, NULL) != -1 || errno != ENOTTY)
			return -EPROTO;
	return 0;
}

int info_loop(void *ctx, long iters)
{
	struct info_ctx *c = ctx;
	struct modemline_call_info info;
	long j = 0;

	memset(&info, 0, sizeof(info));
	for (long i = 0; i < iters; i++) {
		info.call = c->handles[j];
		info.flags = 0;
		if (++j == c->nhandles)
			j = 0;
		if (ioctl(c->fd, MODEMLINE_IOC_CALL_INFO, &info))
			return -errno;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* the table and results.json                                          */

static bool fig_ok(const struct figure *f, double v)
{
	return f->higher_better ? v >= f->target : v <= f->target;
}

static void json_str(FILE *o, const char *s)
{
	fputc('"', o);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(o, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(o, "\\u%04x", *s);
		else
			fputc(*s, o);
	}
	fputc('"', o);
}

static void json_num(FILE *o, double v)
{
	if (v != v)
		fputs("null", o);
	else
		fprintf(o, "%.6g", v);
}

static char clocksource[64] = "unknown";

/* The guest's clocksource: jiffies-based ones tick every few ms. */
static void read_clocksource(void)
{
	FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "re");

	if (f) {
		if (fgets(clocksource, sizeof(clocksource), f))
			clocksource[strcspn(clocksource, "\n")] = '\0';
		fclose(f);
	}
	if (strstr(clocksource, "jiffies"))
		blog("warning: clocksource %s: CLOCK_MONOTONIC advances in ticks; "
		     "boot with tsc=reliable (scripts/bench.sh does)", clocksource);
}

static void write_json(FILE *o, struct figure *figs, int n, double secs)
{
	struct utsname u;

	uname(&u);
	fprintf(o, "{\n  \"_meta\": {\"kernel\": ");
	json_str(o, u.release);
	fprintf(o, ", \"clocksource\": ");
	json_str(o, clocksource);
	fprintf(o, ", \"seconds\": %.1f, \"clock\": \"CLOCK_MONOTONIC\", "
		"\"value\": \"median of the per-round ratios\"},\n", secs);
	for (int i = 0; i < n; i++) {
		struct figure *f = &figs[i];
		bool have = !f->na && !f->failed && f->n;

		fprintf(o, "  ");
		json_str(o, f->name);
		fprintf(o, ": {\"value\": ");
		json_num(o, have ? median(f->r, f->n) : NAN);
		fprintf(o, ", \"min\": ");
		json_num(o, have ? vmin(f->r, f->n) : NAN);
		fprintf(o, ", \"max\": ");
		json_num(o, have ? vmax(f->r, f->n) : NAN);
		fprintf(o, ", \"target\": %g, \"target_op\": \"%s\", \"unit\": \"%s\"",
			f->target, f->higher_better ? ">=" : "<=", f->unit);
		fprintf(o, ", \"available\": %s", f->na || f->failed ? "false" : "true");
		if (have)
			fprintf(o, ", \"met\": %s", fig_ok(f, median(f->r, f->n)) ? "true" : "false");
		fprintf(o, ", \"rounds\": [");
		for (int j = 0; j < f->n; j++) {
			fprintf(o, j ? ", " : "");
			json_num(o, f->r[j]);
		}
		fprintf(o, "], \"absolute\": {");
		for (int a = 0; a < f->nabs; a++) {
			struct absq *q = &f->abs[a];

			fprintf(o, "%s\"%s\": {\"unit\": \"%s\", \"median\": ", a ? ", " : "",
				q->name, q->unit);
			json_num(o, median(q->v, q->n));
			fprintf(o, ", \"min\": ");
			json_num(o, vmin(q->v, q->n));
			fprintf(o, ", \"max\": ");
			json_num(o, vmax(q->v, q->n));
			fprintf(o, ", \"samples\": [");
			for (int j = 0; j < q->n; j++) {
				fprintf(o, j ? ", " : "");
				json_num(o, q->v[j]);
			}
			fprintf(o, "]}");
		}
		fprintf(o, "}");
		if (f->note[0]) {
			fprintf(o, ", \"note\": ");
			json_str(o, f->note);
		}
		fprintf(o, "%s}%s\n", f->extra, i == n - 1 ? "" : ",");
	}
	fprintf(o, "}\n");
}

static void print_table(FILE *o, struct figure *figs, int n)
{
	fprintf(o, "%-26s %9s %7s %-6s %9s %9s  %-6s %s\n", "name", "value",
		"target", "unit", "min", "max", "", "absolute (median)");
	for (int i = 0; i < n; i++) {
		struct figure *f = &figs[i];
		char tgt[32], absbuf[400] = "";
		size_t len = 0;

		snprintf(tgt, sizeof(tgt), "%s%g", f->higher_better ? ">=" : "<=", f->target);
		for (int a = 0; a < f->nabs && len < sizeof(absbuf) - 1; a++)
			len += snprintf(absbuf + len, sizeof(absbuf) - len, "%s%s=%.4g%s",
					a ? " " : "", f->abs[a].name,
					median(f->abs[a].v, f->abs[a].n), f->abs[a].unit);
		if (f->na || f->failed || !f->n) {
			fprintf(o, "%-26s %9s %7s %-6s %9s %9s  %-6s %s\n", f->name, "n/a",
				tgt, f->unit, "-", "-", f->failed ? "FAILED" : "n/a",
				f->note);
			continue;
		}
		fprintf(o, "%-26s %9.3f %7s %-6s %9.3f %9.3f  %-6s %s\n", f->name,
			median(f->r, f->n), tgt, f->unit, vmin(f->r, f->n),
			vmax(f->r, f->n), fig_ok(f, median(f->r, f->n)) ? "ok" : "MISSED",
			absbuf);
	}
}

/* A figure that blocks for too long gets EINTR and fails, not the run. */
static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * --tsc-khz, run on the host: the TSC's rate, measured against
 * CLOCK_MONOTONIC_RAW over 200 ms. Under TCG the guest's TSC is the
 * host's, and passing its rate (tsc_early_khz=) spares the guest a PIT
 * calibration that fails on a loaded host, which leaves it on jiffies.
 */
static int print_tsc_khz(void)
{
#if defined(__x86_64__) || defined(__i386__)
	struct timespec a, b;
	uint64_t t0, t1;
	double ns;

	clock_gettime(CLOCK_MONOTONIC_RAW, &a);
	t0 = __builtin_ia32_rdtsc();
	sleep_ms(200);
	clock_gettime(CLOCK_MONOTONIC_RAW, &b);
	t1 = __builtin_ia32_rdtsc();
	ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
	printf("%.0f\n", (double)(t1 - t0) / ns * 1e6);
	return 0;
#else
	return 1;
#endif
}

static bool wanted(const char *only, const char *name)
{
	const char *p;
	size_t len = strlen(name);

	if (!only)
		return true;
	for (p = only; (p = strstr(p, name)); p += len)
		if ((p == only || p[-1] == ',') && (p[len] == ',' || !p[len]))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	struct figure figs[] = {
		{ .name = "info_vs_null_ioctl", .unit = "ratio", .target = 1.5 },
		{ .name = "sim_cycle_vs_null_ioctl", .unit = "ratio", .target = 3 },
		{ .name = "pty_cycle_vs_userspace", .unit = "ratio", .target = 1.1 },
		{ .name = "bytes_per_retained_call", .unit = "bytes", .target = 384 },
		{ .name = "info_100k_vs_10", .unit = "ratio", .target = 1.3 },
		{ .name = "data_vs_raw_pty", .unit = "ratio", .target = 0.9,
		  .higher_better = true },
		{ .name = "event_latency_vs_pty", .unit = "ratio", .target = 1.5 },
		{ .name = "cycle_1000_lines_vs_1", .unit = "ratio", .target = 1.2 },
		{ .name = "nm_cycle_vs_userspace", .unit = "ratio", .target = 1.2 },
		{ .name = "ppp_vs_pty", .unit = "ratio", .target = 0.9,
		  .higher_better = true },
		{ .name = "ppp_vs_pty_relay", .unit = "ratio", .target = 0.9,
		  .higher_better = true },
		{ .name = "cycle_10000_retained_vs_0", .unit = "ratio", .target = 1.1 },
	};
	int n = sizeof(figs) / sizeof(figs[0]);
	const char *out = "results.json", *only = NULL;
	char tmp[4096];
	uint64_t t0 = now_ns();
	int status = 0;
	FILE *o;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else if (!strcmp(argv[i], "--modemsim") && i + 1 < argc)
			modemsim_path = argv[++i];
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--tsc-khz"))
			return print_tsc_khz();
		else if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else {
			fprintf(stderr, "usage: bench [--out FILE] [--modemsim PATH] "
				"[--only NAME,...] [-v]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	read_clocksource();
	sigaction(SIGALRM, &(struct sigaction){ .sa_handler = on_alarm }, NULL);

#define RUN(idx, call) do { \
		if (wanted(only, figs[idx].name)) { \
			uint64_t s = now_ns(); \
			blog("%s ...", figs[idx].name); \
			alarm(FIG_TIMEOUT_S); \
			call; \
			alarm(0); \
			blog("%s done in %.1fs", figs[idx].name, (now_ns() - s) / 1e9); \
		} else { \
			fig_na(&figs[idx], "not run (--only)"); \
		} \
	} while (0)

	RUN(0, fig_info_vs_null(&figs[0]));
	RUN(1, fig_sim_cycle(&figs[1]));
	RUN(7, fig_bank(&figs[7]));
	RUN(11, fig_retained(&figs[11]));
	if (wanted(only, figs[3].name) || wanted(only, figs[4].name)) {
		uint64_t s = now_ns();

		blog("bytes_per_retained_call, info_100k_vs_10 ...");
		alarm(FIG_TIMEOUT_S);
		fig_memory(&figs[3], &figs[4]);
		alarm(0);
		blog("memory figures done in %.1fs", (now_ns() - s) / 1e9);
	} else {
		fig_na(&figs[3], "not run (--only)");
		fig_na(&figs[4], "not run (--only)");
	}
	RUN(2, fig_pty_cycle(&figs[2]));
	RUN(8, fig_nm_cycle(&figs[8]));
	RUN(6, fig_event_latency(&figs[6]));
	RUN(5, fig_data(&figs[5]));
	/* One run measures both PPP figures. */
	if (wanted(only, figs[9].name) || wanted(only, figs[10].name)) {
		uint64_t s = now_ns();

		blog("ppp_vs_pty, ppp_vs_pty_relay ...");
		alarm(FIG_TIMEOUT_S);
		fig_ppp(&figs[9], &figs[10]);
		alarm(0);
		blog("PPP figures done in %.1fs", (now_ns() - s) / 1e9);
	} else {
		fig_na(&figs[9], "not run (--only)");
		fig_na(&figs[10], "not run (--only)");
	}

	print_table(stdout, figs, n);
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	o = fopen(tmp, "w");
	if (!o) {
		perror(tmp);
		return 1;
	}
	write_json(o, figs, n, (now_ns() - t0) / 1e9);
	if (fclose(o) || rename(tmp, out)) {
		perror(out);
		return 1;
	}
	for (int i = 0; i < n; i++)
		if (figs[i].failed)
			status = 1;
	return status;
}

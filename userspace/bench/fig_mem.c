// SPDX-License-Identifier: GPL-2.0
/*
 * Figures 4 bytes_per_retained_call and 5 info_100k_vs_10.
 *
 * Kernel memory is measured, not computed: the benchmark moves itself
 * into a cgroup of its own (cgroup2, mounted if the VM has none) and
 * reads that cgroup's "kernel" (else "slab") counter of memory.stat
 * before and after creating 100,000 retained calls; the call cache is
 * SLAB_ACCOUNT and the handle table's nodes GFP_KERNEL_ACCOUNT, so both
 * are charged to the caller. /proc/meminfo's Slab is recorded too (it is
 * global), with the slab caches that grew the most (/proc/slabinfo).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"

#define NCALLS		100000
#define NSMALL		10
#define REPS		3
#define CG_ROOT		"/sys/fs/cgroup"
#define CG		CG_ROOT "/modemline_bench"
#define LOOP_MS_MEM	100

static bool have_cg;
static const char *cg_key = "kernel";

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		err = -errno;
	close(fd);
	return err;
}

static void cg_setup(void)
{
	char pid[32];

	if (access(CG_ROOT "/cgroup.controllers", F_OK) &&
	    mount("cgroup2", CG_ROOT, "cgroup2", 0, NULL))
		return;
	write_str(CG_ROOT "/cgroup.subtree_control", "+memory");
	if (mkdir(CG, 0755) && errno != EEXIST)
		return;
	if (access(CG "/memory.stat", R_OK))
		return;
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	have_cg = !write_str(CG "/cgroup.procs", pid);
}

static void cg_teardown(void)
{
	char pid[32];

	if (!have_cg)
		return;
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	write_str(CG_ROOT "/cgroup.procs", pid);
	rmdir(CG);
}

/* A "key value" line of a stat file, or -1. */
static long long stat_field(const char *path, const char *key, long long mult)
{
	char line[256];
	size_t klen = strlen(key);
	long long v = -1;
	FILE *f = fopen(path, "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, key, klen) && (line[klen] == ' ' || line[klen] == ':')) {
			v = strtoll(line + klen + 1, NULL, 10) * mult;
			break;
		}
	}
	fclose(f);
	return v;
}

struct memsnap {
	long long cg;		/* memcg kernel (or slab) bytes, -1 if none */
	long long slab;		/* /proc/meminfo Slab, bytes */
};

#define MAX_CACHES	512
struct slabsnap {
	int n;
	char name[MAX_CACHES][64];
	long long bytes[MAX_CACHES];
};

static void slab_snap(struct slabsnap *s)
{
	char line[512], name[48];
	long long act, num, size;
	FILE *f = fopen("/proc/slabinfo", "re");

	s->n = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f) && s->n < MAX_CACHES) {
		if (sscanf(line, "%47s %lld %lld %lld", name, &act, &num, &size) != 4)
			continue;
		snprintf(s->name[s->n], sizeof(s->name[0]), "%s", name);
		s->bytes[s->n++] = num * size;
	}
	fclose(f);
}

/* Slab moving less than this between two reads 100 ms apart is still. */
#define SETTLED_BYTES	(64 << 10)

static void mem_snap(struct memsnap *m)
{
	long long prev;

	/*
	 * Let per-cpu stat batches and RCU-freed objects settle (a released
	 * call is freed after a grace period; 100,000 of them take several):
	 * wait until Slab holds still, for at most 5 s.
	 */
	m->slab = stat_field("/proc/meminfo", "Slab", 1024);
	for (int i = 0; i < 50; i++) {
		sleep_ms(100);
		prev = m->slab;
		m->slab = stat_field("/proc/meminfo", "Slab", 1024);
		if (i >= 2 && llabs(m->slab - prev) < SETTLED_BYTES)
			break;
	}
	m->cg = have_cg ? stat_field(CG "/memory.stat", cg_key, 1) : -1;
}

/* The three caches that grew the most from @a to @b, as JSON. */
static void slab_growth(const struct slabsnap *a, const struct slabsnap *b,
			char *out, size_t len)
{
	long long d[MAX_CACHES];
	size_t off = 0;
	int k;

	for (int i = 0; i < b->n; i++) {
		d[i] = b->bytes[i];
		for (int j = 0; j < a->n; j++)
			if (!strcmp(a->name[j], b->name[i]))
				d[i] -= a->bytes[j];
	}
	off += snprintf(out + off, len - off, "{");
	for (k = 0; k < 3; k++) {
		int best = -1;

		for (int i = 0; i < b->n; i++)
			if (d[i] > 0 && (best < 0 || d[i] > d[best]))
				best = i;
		if (best < 0)
			break;
		off += snprintf(out + off, len - off, "%s\"%s\": %.1f", k ? ", " : "",
				b->name[best], (double)d[best] / NCALLS);
		d[best] = 0;
	}
	snprintf(out + off, len - off, "}");
}

int filler_setup(struct filler *fl)
{
	int ret;

	fl->n = 0;
	for (int i = 0; i < FILL_LINES; i++) {
		snprintf(fl->name[i], sizeof(fl->name[i]), "bench_mem%d", i);
		ret = sim_new_line(fl->name[i], &fl->id[i]);
		if (!ret)
			ret = sim_ctl(fl->name[i], "dial busy 0");
		if (ret)
			return ret;
		fl->n++;
	}
	return 0;
}

void filler_teardown(struct filler *fl)
{
	for (int i = 0; i < fl->n; i++)
		sim_remove_line(fl->name[i]);
}

int fill(int fd, struct filler *fl, uint32_t *h, long n)
{
	struct modemline_event ev[FILL_LINES * 2];
	long done = 0;
	int ret, k, ended;
	ssize_t r;

	while (done < n) {
		for (k = 0; k < fl->n && done + k < n; k++) {
			ret = ml_dial(fd, fl->id[k], NUMBER, 0, &h[done + k]);
			if (ret)
				return ret;
		}
		for (ended = 0; ended < k;) {
			r = read(fd, ev, sizeof(ev));
			if (r < 0)
				return -errno;
			for (int i = 0; i < r / (ssize_t)sizeof(ev[0]); i++) {
				if (ev[i].type == MODEMLINE_EVENT_OVERFLOW)
					return -EOVERFLOW;
				if (ev[i].type == MODEMLINE_EVENT_CALL_STATE &&
				    ev[i].state == MODEMLINE_STATE_DISCONNECTED)
					ended++;
			}
		}
		done += k;
	}
	return 0;
}

int open_big(long max)
{
	long old;
	int fd, ret;

	ret = param_get("max_calls", &old);
	if (ret)
		return ret;
	ret = param_set("max_calls", max);
	if (ret)
		return ret;
	fd = ml_open(0);
	param_set("max_calls", old);
	return fd;
}

static void shuffle(uint32_t *v, long n)
{
	srandom(7);
	for (long i = n - 1; i > 0; i--) {
		long j = random() % (i + 1);
		uint32_t t = v[i];

		v[i] = v[j];
		v[j] = t;
	}
}

/* Figure 5 on the big file @big (NCALLS retained) and a small one. */
static void info_scaling(struct figure *f, int big, uint32_t *hbig,
			 struct filler *fl)
{
	uint32_t hsmall[NSMALL], *seq;
	struct info_ctx cb, cs;
	long nb = 0, ns = 0;
	double a, b;
	int small, ret, err = 0;

	small = ml_open(0);
	if (small < 0) {
		fig_fail(f, "open: %s", strerror(-small));
		return;
	}
	ret = fill(small, fl, hsmall, NSMALL);
	if (ret) {
		fig_fail(f, "10 calls: %s", strerror(-ret));
		ml_close(small);
		return;
	}
	/* The same access pattern on both: NCALLS lookups in random order. */
	seq = malloc(NCALLS * sizeof(*seq));
	if (!seq) {
		fig_fail(f, "out of memory");
		ml_close(small);
		return;
	}
	for (long i = 0; i < NCALLS; i++)
		seq[i] = hsmall[random() % NSMALL];
	shuffle(hbig, NCALLS);
	cb = (struct info_ctx){ big, hbig, NCALLS };
	cs = (struct info_ctx){ small, seq, NCALLS };
	time_loop(info_loop, &cs, &ns, LOOP_MS_MEM, &err);
	time_loop(info_loop, &cb, &nb, LOOP_MS_MEM, &err);
	for (int r = 0; r < 11 && !err; r++) {
		if (r % 2) {
			b = time_loop(info_loop, &cb, &nb, LOOP_MS_MEM, &err);
			a = time_loop(info_loop, &cs, &ns, LOOP_MS_MEM, &err);
		} else {
			a = time_loop(info_loop, &cs, &ns, LOOP_MS_MEM, &err);
			b = time_loop(info_loop, &cb, &nb, LOOP_MS_MEM, &err);
		}
		fig_abs(f, "info_100k", "ns", b);
		fig_abs(f, "info_10", "ns", a);
		fig_add(f, b / a);
	}
	if (err)
		fig_fail(f, "timing loop: %s", strerror(-err));
	/* One handle over and over: the lookup's depth without cache misses. */
	cb.nhandles = cs.nhandles = 1;
	for (int r = 0; r < 5 && !err; r++) {
		fig_abs(f, "info_100k_one_handle", "ns",
			time_loop(info_loop, &cb, &nb, LOOP_MS_MEM, &err));
		fig_abs(f, "info_10_one_handle", "ns",
			time_loop(info_loop, &cs, &nb, LOOP_MS_MEM, &err));
	}
	if (err)
		fig_fail(f, "timing loop: %s", strerror(-err));
	fig_extra(f, ", \"iterations\": %ld, \"access\": \"random order over all "
		  "handles of the file (the *_one_handle times repeat one handle)\"", nb);
	free(seq);
	ml_close(small);
}

void fig_memory(struct figure *f4, struct figure *f5)
{
	struct memsnap a, b, c;
	struct slabsnap *sa, *sb;
	struct filler fl;
	uint32_t *h;
	char growth[512] = "{}";
	double cgv[REPS], slabv[REPS], freed[REPS];
	int ret, fd, reps = 0;

	h = malloc(NCALLS * sizeof(*h));
	sa = malloc(sizeof(*sa));
	sb = malloc(sizeof(*sb));
	if (!h || !sa || !sb) {
		fig_fail(f4, "out of memory");
		fig_fail(f5, "out of memory");
		goto out_free;
	}
	/* Touch everything this process will use before the first snapshot. */
	memset(h, 0, NCALLS * sizeof(*h));
	cg_setup();
	if (have_cg && stat_field(CG "/memory.stat", "kernel", 1) < 0)
		cg_key = "slab";
	ret = filler_setup(&fl);
	if (ret) {
		fig_fail(f4, "lines: %s", strerror(-ret));
		fig_fail(f5, "lines: %s", strerror(-ret));
		goto out;
	}
	for (int rep = 0; rep < REPS; rep++) {
		fd = open_big(2 * NCALLS);
		if (fd < 0) {
			fig_fail(f4, "open: %s", strerror(-fd));
			break;
		}
		mem_snap(&a);
		if (!rep)
			slab_snap(sa);
		ret = fill(fd, &fl, h, NCALLS);
		if (ret) {
			fig_fail(f4, "%d calls: %s", NCALLS, strerror(-ret));
			ml_close(fd);
			break;
		}
		mem_snap(&b);
		if (!rep) {
			slab_snap(sb);
			slab_growth(sa, sb, growth, sizeof(growth));
		}
		cgv[reps] = a.cg >= 0 && b.cg >= 0 ? (double)(b.cg - a.cg) / NCALLS : -1;
		slabv[reps] = (double)(b.slab - a.slab) / NCALLS;
		blog("bytes_per_retained_call: rep %d: memcg %s %.1f, meminfo Slab %.1f",
		     rep, cg_key, cgv[reps], slabv[reps]);
		if (!rep)
			info_scaling(f5, fd, h, &fl);
		ml_close(fd);
		mem_snap(&c);
		freed[reps] = (double)(b.slab - c.slab) / NCALLS;
		reps++;
	}
	for (int i = 0; i < reps; i++) {
		fig_add(f4, have_cg ? cgv[i] : slabv[i]);
		if (have_cg)
			fig_abs(f4, "memcg_bytes_per_call", "B", cgv[i]);
		fig_abs(f4, "meminfo_slab_per_call", "B", slabv[i]);
		fig_abs(f4, "freed_on_close_per_call", "B", freed[i]);
	}
	fig_extra(f4, ", \"calls\": %d, \"method\": \"%s\", \"slab_growth_per_call\": %s",
		  NCALLS, have_cg ? (strcmp(cg_key, "kernel") ? "memcg memory.stat slab delta" :
				     "memcg memory.stat kernel delta") :
		  "/proc/meminfo Slab delta (no memcg)", growth);
	filler_teardown(&fl);
out:
	cg_teardown();
out_free:
	free(h);
	free(sa);
	free(sb);
}

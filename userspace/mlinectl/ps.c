// SPDX-License-Identifier: GPL-2.0
/*
 * ps: every open /dev/modemline on the system and what it pins, for
 * hunting the process that keeps ended calls (DESIGN §3b). The files are
 * found as lsof finds them, through /proc/PID/fd, and their figures come
 * from /proc/PID/fdinfo/FD (ml_fdinfo_sz()). Rows are sorted by the age
 * of the oldest ended call each holds, oldest first: a leak is a file
 * whose ended calls only ever get older.
 *
 * /proc changes under our feet: a process that ends mid-scan, or whose
 * descriptors this user may not read (EACCES: not root), is skipped
 * without a word, as ps(1) would.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mlinectl.h"

struct row {
	pid_t pid;
	int fd;
	char comm[32];
	struct ml_fdinfo fi;	/* fi.have 0: the module shows no figures */
};

struct scan_state {
	const char *path;	/* the device, as a descriptor's link shows it */
	dev_t rdev;		/* its device number; 0: unknown */
	struct row *rows;
	size_t n, cap;
};

/* Does the descriptor whose link is @link refer to the device? */
static bool is_dev(const struct scan_state *st, int dirfd, const char *name, const char *link)
{
	struct stat sb;

	if (!strcmp(link, st->path))
		return true;
	/*
	 * Another node of the same device (a container's /dev, a renamed
	 * node): its number says. Only /dev paths are stat()ed, so no file
	 * of any other kind, on NFS say, is touched.
	 */
	return st->rdev && !strncmp(link, "/dev/", 5) && !fstatat(dirfd, name, &sb, 0) &&
	       S_ISCHR(sb.st_mode) && sb.st_rdev == st->rdev;
}

static void read_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (!f || !fgets(buf, (int)len, f))
		snprintf(buf, len, "?");
	buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
}

static int add_row(struct scan_state *st, pid_t pid, int fd)
{
	struct row *r;
	size_t cap;
	int ret;

	if (st->n == st->cap) {
		cap = st->cap ? st->cap * 2 : 32;
		r = realloc(st->rows, cap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		st->rows = r;
		st->cap = cap;
	}
	r = &st->rows[st->n];
	memset(r, 0, sizeof(*r));
	ret = ml_fdinfo(pid, fd, &r->fi);
	/* Gone, closed or not ours to see: skipped. No figures: listed anyway. */
	if (ret && ret != -ENODATA)
		return 0;
	r->pid = pid;
	r->fd = fd;
	read_comm(pid, r->comm, sizeof(r->comm));
	st->n++;
	return 0;
}

/* The device's descriptors of process @pid. */
static int scan_pid(struct scan_state *st, pid_t pid)
{
	char path[64], link[256];
	struct dirent *d;
	DIR *dir;
	ssize_t len;
	int ret = 0;
	long fd;
	char *end;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while (!ret && (d = readdir(dir))) {
		fd = strtol(d->d_name, &end, 10);
		if (*end || end == d->d_name)
			continue;
		len = readlinkat(dirfd(dir), d->d_name, link, sizeof(link) - 1);
		if (len < 0)
			continue;
		link[len] = '\0';
		if (is_dev(st, dirfd(dir), d->d_name, link))
			ret = add_row(st, pid, (int)fd);
	}
	closedir(dir);
	return ret;
}

static int scan_all(struct scan_state *st)
{
	struct dirent *d;
	DIR *proc = opendir("/proc");
	int ret = 0;
	long pid;
	char *end;

	if (!proc)
		return -errno;
	while (!ret && (d = readdir(proc))) {
		pid = strtol(d->d_name, &end, 10);
		if (!*end && end != d->d_name && pid > 0)
			ret = scan_pid(st, (pid_t)pid);
	}
	closedir(proc);
	return ret;
}

static uint64_t age_of(const struct row *r)
{
	return r->fi.have & ML_FDINFO_OLDEST_ENDED_MS ? r->fi.oldest_ended_ms : 0;
}

static int by_age(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (age_of(x) != age_of(y))
		return age_of(x) > age_of(y) ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->fd < y->fd ? -1 : x->fd > y->fd;
}

/* "12.3s", "5m02s", "3h04m", "2d03h"; "-" for none. */
static void fmt_age(uint64_t ms, char *buf, size_t len)
{
	uint64_t s = ms / 1000;

	if (!ms)
		snprintf(buf, len, "-");
	else if (s < 60)
		snprintf(buf, len, "%.1fs", ms / 1000.0);
	else if (s < 3600)
		snprintf(buf, len, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%" PRIu64 "h%02" PRIu64 "m", s / 3600, s / 60 % 60);
	else
		snprintf(buf, len, "%" PRIu64 "d%02" PRIu64 "h", s / 86400, s / 3600 % 24);
}

/* A figure of @fi for the table: "-" when the module did not show it. */
static const char *fig(const struct ml_fdinfo *fi, uint64_t bit, uint64_t v, char *buf,
		       size_t len)
{
	if (fi->have & bit)
		snprintf(buf, len, "%" PRIu64, v);
	else
		snprintf(buf, len, "-");
	return buf;
}

static void j_fig(const struct ml_fdinfo *fi, uint64_t bit, const char *key, uint64_t v)
{
	if (fi->have & bit)
		j_u64(key, v);
}

static void print_row(struct ctx *c, const struct row *r)
{
	const struct ml_fdinfo *fi = &r->fi;
	char b[8][24], age[24];

	if (c->json) {
		j_begin(out, "file");
		j_u64("pid", (uint64_t)r->pid);
		j_str("command", r->comm);
		j_u64("fd", (uint64_t)r->fd);
		j_fig(fi, ML_FDINFO_CALLS_LIVE, "calls_live", fi->calls_live);
		j_fig(fi, ML_FDINFO_CALLS_ENDED, "calls_ended", fi->calls_ended);
		j_fig(fi, ML_FDINFO_MONITOR_HANDLES, "monitor_handles", fi->monitor_handles);
		j_fig(fi, ML_FDINFO_OLDEST_ENDED_MS, "oldest_ended_ms", fi->oldest_ended_ms);
		j_fig(fi, ML_FDINFO_EVENTS_QUEUED, "events_queued", fi->events_queued);
		j_fig(fi, ML_FDINFO_EVENTS_LOST, "events_lost", fi->events_lost);
		j_fig(fi, ML_FDINFO_CALLS_MISSED, "calls_missed", fi->calls_missed);
		j_fig(fi, ML_FDINFO_KERNEL_BYTES, "kernel_bytes", fi->kernel_bytes);
		j_end();
		return;
	}
	if (fi->have & ML_FDINFO_OLDEST_ENDED_MS)
		fmt_age(fi->oldest_ended_ms, age, sizeof(age));
	else
		snprintf(age, sizeof(age), "?");
	fprintf(out, "%7d %-15s %4d %5s %6s %7s %7s %6s %5s %6s %8s\n", (int)r->pid, r->comm, r->fd,
		fig(fi, ML_FDINFO_CALLS_LIVE, fi->calls_live, b[0], sizeof(b[0])),
		fig(fi, ML_FDINFO_CALLS_ENDED, fi->calls_ended, b[1], sizeof(b[1])),
		fig(fi, ML_FDINFO_MONITOR_HANDLES, fi->monitor_handles, b[2], sizeof(b[2])),
		age,
		fig(fi, ML_FDINFO_EVENTS_QUEUED, fi->events_queued, b[3], sizeof(b[3])),
		fig(fi, ML_FDINFO_EVENTS_LOST, fi->events_lost, b[4], sizeof(b[4])),
		fig(fi, ML_FDINFO_CALLS_MISSED, fi->calls_missed, b[5], sizeof(b[5])),
		fig(fi, ML_FDINFO_KERNEL_BYTES, fi->kernel_bytes, b[6], sizeof(b[6])));
}

/* The module-wide figures of sysfs, under the table; nothing if absent. */
static void print_retained(struct ctx *c)
{
	const char *dir = "/sys/class/misc/modemline";
	unsigned long long calls, bytes;
	char path[96];
	FILE *f;
	int got;

	snprintf(path, sizeof(path), "%s/retained_calls", dir);
	f = fopen(path, "re");
	got = f && fscanf(f, "%llu", &calls) == 1;
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "%s/retained_bytes", dir);
	f = got ? fopen(path, "re") : NULL;
	got = f && fscanf(f, "%llu", &bytes) == 1;
	if (f)
		fclose(f);
	if (got)
		note(c, "all files: %llu ended call%s retained, %llu bytes (%s)", calls,
		     calls == 1 ? "" : "s", bytes, dir);
}

int cmd_ps(struct ctx *c, const struct args *a)
{
	struct scan_state st = { .path = dev_path(c) };
	struct stat sb;
	size_t i;
	int ret;

	if (a->n)
		return usage_error(c, a->cmd, "takes no arguments");
	if (!stat(st.path, &sb) && S_ISCHR(sb.st_mode))
		st.rdev = sb.st_rdev;
	ret = scan_all(&st);
	if (ret) {
		free(st.rows);
		return fail_msg(c, -ret, "scanning /proc: %s", strerror(-ret));
	}
	qsort(st.rows, st.n, sizeof(*st.rows), by_age);
	if (!st.n)
		note(c, "no process has %s open (or none this user may see: root sees all)",
		     st.path);
	else if (!c->json)
		fprintf(out, "%7s %-15s %4s %5s %6s %7s %7s %6s %5s %6s %8s\n", "PID", "COMMAND", "FD",
			"LIVE", "ENDED", "MONITOR", "OLDEST", "QUEUED", "LOST", "MISSED", "BYTES");
	for (i = 0; i < st.n; i++)
		print_row(c, &st.rows[i]);
	fflush(out);
	print_retained(c);
	free(st.rows);
	return 0;
}

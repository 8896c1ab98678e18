// SPDX-License-Identifier: GPL-2.0
/*
 * monitor: a call logger, the use DESIGN §3b makes of monitor handles.
 * On an open /dev/modemline of its own it monitors the lines given
 * (none: every line), so every call made there, by whatever process,
 * gets a monitor handle here (CALL_NEW). When the call ends, its record
 * becomes one call detail record, a JSON object on one line of stdout or
 * appended to --output FILE, and the handle is released at once: the
 * monitor pins only the records of calls in progress, never a growing
 * pile of ended ones.
 *
 * Records are JSON Lines whatever --json says: they are for programs.
 * Narration, missed calls (CALL_MISSED: this file was at max_calls) and
 * lost events (OVERFLOW) go to stderr, and are counted. After lost
 * events the handles held are read back from the kernel (CALL_LIST),
 * since a CALL_NEW or the end of a call may have been among them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mlinectl.h"

/* A monitor handle held until its call ends. */
struct held {
	uint32_t call, line;
	char name[MODEMLINE_NAME_LEN];	/* the line's, "" until known */
};

struct monitor {
	struct ctx *c;
	int fd;
	FILE *rec;		/* where the records go */
	const char *rec_name;	/* for errors: "stdout" or the --output FILE */
	struct held *held;
	size_t n, cap;
	uint32_t count;		/* --count: stop after so many records; 0: never */
	uint64_t recorded, missed, lost;
};

static struct held *find(struct monitor *m, uint32_t call)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->held[i].call == call)
			return &m->held[i];
	return NULL;
}

/* The line's name, while the line exists: a record outlives its line. */
static void learn_name(struct monitor *m, struct held *h)
{
	struct modemline_line_info li;

	if (!*h->name && !ml_line_info(m->fd, h->line, &li))
		memcpy(h->name, li.name, sizeof(h->name));
}

static struct held *track(struct monitor *m, uint32_t call, uint32_t line)
{
	struct held *h = find(m, call), *nh;
	size_t cap;

	if (h)
		return h;
	if (m->n == m->cap) {
		cap = m->cap ? m->cap * 2 : 16;
		nh = realloc(m->held, cap * sizeof(*nh));
		if (!nh)
			return NULL;
		m->held = nh;
		m->cap = cap;
	}
	h = &m->held[m->n++];
	*h = (struct held){ .call = call, .line = line };
	learn_name(m, h);
	return h;
}

/* CLOCK_BOOTTIME @ns as UTC wall-clock time, which a log outlives a boot with. */
static void wall_time(uint64_t ns, char *buf, size_t len)
{
	struct timespec boot, real;
	int64_t ago_ms, ms;
	struct tm tm;
	time_t t;

	clock_gettime(CLOCK_BOOTTIME, &boot);
	clock_gettime(CLOCK_REALTIME, &real);
	ago_ms = ((int64_t)boot.tv_sec * 1000000000 + boot.tv_nsec - (int64_t)ns) / 1000000;
	ms = (int64_t)real.tv_sec * 1000 + real.tv_nsec / 1000000 - ago_ms;
	t = (time_t)(ms / 1000);
	gmtime_r(&t, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

/*
 * The call of @h ended: its record, then the handle released. A record
 * that cannot be written stops the monitor (a logger that silently loses
 * records is worse than one that stops); one that cannot be read is
 * reported and skipped.
 */
static int record(struct monitor *m, struct held *h)
{
	struct modemline_call_info info;
	char when[80];
	int ret;

	ret = ml_call_info(m->fd, h->call, &info);
	if (ret) {
		fail(m->c, ML_OP_CALL_INFO, ret, "record of monitor handle %u", h->call);
	} else {
		learn_name(m, h);
		wall_time(info.disconnected_ns, when, sizeof(when));
		j_begin(m->rec, "cdr");
		j_call(&info);
		if (*h->name)
			j_str("line_name", h->name);
		j_str("ended_at", when);
		j_end();
		if (ferror(m->rec))
			return fail_msg(m->c, errno ? errno : EIO, "%s: cannot write the record: %s",
					m->rec_name, strerror(errno ? errno : EIO));
		m->recorded++;
	}
	ret = ml_deallocate(m->fd, h->call, false);
	if (ret)
		fail(m->c, ML_OP_DEALLOCATE, ret, "release monitor handle %u", h->call);
	*h = m->held[--m->n];
	return 0;
}

/*
 * After lost events: every handle the kernel says this file holds is
 * tracked, and those whose call has ended are recorded now.
 */
static int resync(struct monitor *m)
{
	struct modemline_call_info info;
	struct held *h;
	uint32_t *ids;
	int n, i, ret = 0;

	n = all_ids(m->fd, ml_call_list, &ids);
	if (n < 0)
		return fail(m->c, ML_OP_CALL_LIST, n, "list monitor handles");
	for (i = 0; i < n && !ret; i++) {
		if (ml_call_info(m->fd, ids[i], &info))
			continue;
		h = track(m, ids[i], info.line_id);
		if (!h)
			ret = fail_msg(m->c, ENOMEM, "out of memory");
		else if (info.state == MODEMLINE_STATE_DISCONNECTED)
			ret = record(m, h);
	}
	free(ids);
	return ret;
}

static int on_event(struct monitor *m, const struct modemline_event *ev)
{
	bool ended = ev->state == MODEMLINE_STATE_DISCONNECTED;
	struct held *h;

	switch (ev->type) {
	case MODEMLINE_EVENT_CALL_NEW:
		h = track(m, ev->call, ev->line_id);
		if (!h)
			return fail_msg(m->c, ENOMEM, "out of memory");
		/* Announced after it ended: no CALL_STATE follows, record it now. */
		return ended ? record(m, h) : 0;
	case MODEMLINE_EVENT_CALL_STATE:
		h = find(m, ev->call);
		return h && ended ? record(m, h) : 0;
	case MODEMLINE_EVENT_CALL_MISSED:
		m->missed++;
		print_event(m->c, ev);
		return 0;
	case MODEMLINE_EVENT_OVERFLOW:
		m->lost += ev->lost;
		print_event(m->c, ev);
		return resync(m);
	}
	return 0;
}

/* Until a signal or --count records: SIGTERM/SIGHUP are a clean stop (0). */
static int run(struct monitor *m)
{
	struct modemline_event ev;
	struct pollfd p;
	int ret;

	while (!m->count || m->recorded < m->count) {
		if (caught_signal)
			return signal_is_stop() ? 0 : -EINTR;
		/* Events ml_wait_state() set aside are not visible to poll(). */
		if (!ml_pending(m->fd)) {
			p = (struct pollfd){ .fd = m->fd, .events = POLLIN };
			ret = wait_ready(&p, 1, -1);
			if (ret == -EINTR)
				continue;
			if (ret < 0)
				return fail(m->c, ML_OP_EVENT, ret, "monitor");
		}
		ret = ml_next_event(m->fd, &ev, 0);
		if (ret == -ETIMEDOUT)
			continue;
		if (ret)
			return fail(m->c, ML_OP_EVENT, ret, "monitor");
		ret = on_event(m, &ev);
		if (ret)
			return ret;
	}
	return 0;
}

/* Monitor @lines; on a failure, the ones done so far are undone by the close. */
static int start(struct monitor *m, const uint32_t *lines, int n)
{
	int i, ret;

	for (i = 0; i < n; i++) {
		ret = ml_monitor(m->fd, lines[i]);
		if (ret) {
			if (lines[i])
				return fail(m->c, ML_OP_MONITOR, ret, "monitor line %u", lines[i]);
			return fail(m->c, ML_OP_MONITOR, ret, "monitor all lines");
		}
	}
	return 0;
}

/*
 * The end: no new handles, then the held ones released (their calls go
 * on, unrecorded: they have not ended), then the file closed.
 */
static void stop(struct monitor *m, const uint32_t *lines, int n)
{
	size_t left = m->n, i;
	int j;

	for (j = 0; j < n; j++)
		ml_unmonitor(m->fd, lines[j]);
	for (i = 0; i < m->n; i++)
		ml_deallocate(m->fd, m->held[i].call, false);
	m->n = 0;
	ml_close(m->fd);
	if (m->c->json) {
		j_begin(stderr, "monitor");
		j_u64("recorded", m->recorded);
		j_u64("missed", m->missed);
		j_u64("lost", m->lost);
		j_u64("unfinished", left);
		j_end();
	} else {
		note(m->c, "monitor: %llu call%s recorded, %llu missed, %llu events lost;"
		     " %zu call%s in progress left unrecorded",
		     (unsigned long long)m->recorded, m->recorded == 1 ? "" : "s",
		     (unsigned long long)m->missed, (unsigned long long)m->lost, left,
		     left == 1 ? "" : "s");
	}
}

/*
 * --output FILE: appended to (O_APPEND: each record one write at the
 * end, even with another writer or logrotate's copytruncate), created
 * 0640 since it lists every number dialed.
 */
static int open_output(struct ctx *c, const char *path, FILE **f)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	*f = fd < 0 ? NULL : fdopen(fd, "a");
	if (*f)
		return 0;
	if (fd >= 0)
		close(fd);
	return fail_msg(c, errno, "--output %s: %s", path, strerror(errno));
}

int cmd_monitor(struct ctx *c, const struct args *a)
{
	struct monitor m = { .c = c, .rec = stdout, .rec_name = "stdout" };
	const char *path = opt(a, "output"), *count_s = opt(a, "count");
	FILE *saved = out;
	uint32_t *lines;
	int n, ret;

	if (count_s && parse_u32(c, "--count", count_s, &m.count))
		return -EINVAL;
	lines = line_args(c, a, &n);
	if (!lines)
		return n;
	if (path) {
		m.rec_name = path;
		ret = open_output(c, path, &m.rec);
		if (ret)
			goto out_free;
	}
	ret = dev_new(c);
	if (ret < 0)
		goto out_free;
	m.fd = ret;
	/* stdout may carry the records: everything else goes to stderr. */
	out = stderr;
	ret = start(&m, lines, n);
	if (ret) {
		ml_close(m.fd);
	} else {
		note(c, "monitoring %s: a record per call to %s (Ctrl-C to stop)",
		     a->n ? "the lines given" : "every line", m.rec_name);
		ret = run(&m);
		stop(&m, lines, n);
	}
	out = saved;
out_free:
	if (m.rec && m.rec != stdout && fclose(m.rec) && !ret)
		ret = fail_msg(c, errno, "%s: %s", path, strerror(errno));
	free(m.held);
	free(lines);
	return ret;
}

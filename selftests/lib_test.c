// SPDX-License-Identifier: GPL-2.0
/*
 * libmodemline's error paths and its event queue, against the real
 * module (root, modemline and modemline_sim loaded): every wrapper
 * returns the kernel's -errno (not -1), the library's own checks, the
 * documented messages, timeouts, and that ml_wait_state() keeps the
 * events it reads past for ml_next_event(). Links libmodemline only: what
 * it tests is the library's own way to the kernel.
 */
#define _GNU_SOURCE	/* pthread_timedjoin_np */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "libmodemline.h"

#define SIM "/sys/kernel/debug/modemline_sim"

static int n, failed;

static void check(int cond, const char *name, long got)
{
	n++;
	printf("%sok %d %s\n", cond ? "" : "not ", n, name);
	if (!cond) {
		printf("# got %ld\n", got);
		failed++;
	}
}

static int write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int ret;

	if (!f)
		return -errno;
	ret = fputs(s, f) < 0 ? -EIO : 0;
	return fclose(f) ? -errno : ret;
}

/* A new simulated line NAME; its id, or 0. */
static uint32_t sim_line(const char *name)
{
	char path[128];
	unsigned int id = 0;
	FILE *f;

	if (write_file(SIM "/new_line", name))
		return 0;
	snprintf(path, sizeof(path), SIM "/lines/%s/id", name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%u", &id) != 1)
		id = 0;
	fclose(f);
	return id;
}

/* Write @cmd to the control file of simulated line @name. */
static int sim_ctl(const char *name, const char *cmd)
{
	char path[128];

	if ((size_t)snprintf(path, sizeof(path), SIM "/lines/%s/control", name) >= sizeof(path))
		return -ENAMETOOLONG;
	return write_file(path, cmd);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * Several threads on one descriptor (issue 21, item 1). Each round, every
 * waiter dials on its own line and waits with ml_wait_state() for its own
 * call to connect, the lines connecting a few tens of milliseconds apart;
 * a short waiter waits SHORT_MS for a call that never connects; a reader
 * takes whatever ml_next_event() gives meanwhile. No waiter may miss its
 * event, and no wait may end past its deadline: a library whose threads
 * read the kernel each for itself loses events to the others, and a
 * read() that another thread's poll() left blocking sleeps until the
 * next event (here the silent call's dial timeout, seconds later).
 */
#define WAITERS		3
#define ROUNDS		50
#define WAIT_MS		3000	/* for a call that connects within 200 ms */
#define SHORT_MS	300	/* for the call that never connects */
#define SILENT_MS	3000	/* its dial timeout: the next event after the others */
#define LATE_MS		700	/* scheduling allowance of a TCG guest on a loaded host */

struct waiter {
	char name[32];		/* its simulated line */
	uint32_t line;
	int timeout_ms;
	bool connects;		/* else the short waiter */
	uint32_t call;
	int ret;
	long ms;
	struct modemline_event ev;
};

static int tfd;
static pthread_barrier_t dialed;
static atomic_bool round_over;

static void nothing(int sig)
{
	(void)sig;
}

/*
 * Join @t, which should have ended by @deadline (CLOCK_REALTIME, as
 * pthread_timedjoin_np() wants) plus LATE_MS. A thread that is still in
 * a system call by then (a read() that blocks past its deadline) is
 * interrupted by SIGUSR1, so the test reports instead of hanging; true
 * if that was needed.
 */
static bool join_by(pthread_t t, struct timespec deadline)
{
	deadline.tv_sec += LATE_MS / 1000;
	deadline.tv_nsec += (LATE_MS % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	if (!pthread_timedjoin_np(t, NULL, &deadline))
		return false;
	pthread_kill(t, SIGUSR1);
	pthread_join(t, NULL);
	return true;
}

static struct timespec after_ms(long ms)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000L;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/* DIAL, retrying while the line still hangs up the last round's call. */
static int dial_retry(uint32_t line, uint32_t timeout_ms, uint32_t *call)
{
	int ret, i;

	for (i = 0; i < 2000; i++) {
		ret = ml_dial(tfd, line, "5551234", timeout_ms, call);
		if (ret != -EBUSY)
			break;
		usleep(1000);
	}
	return ret;
}

static void *waiter_thread(void *p)
{
	struct waiter *w = p;
	struct timespec t0;

	w->ret = dial_retry(w->line, w->connects ? 0 : SILENT_MS, &w->call);
	/* All calls are in flight before anyone waits. */
	pthread_barrier_wait(&dialed);
	if (w->ret)
		return NULL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&w->ev, 0, sizeof(w->ev));
	w->ret = ml_wait_state(tfd, w->call, MODEMLINE_STATE_CONNECTED, w->timeout_ms, &w->ev);
	w->ms = ms_since(&t0);
	return NULL;
}

/*
 * Competes for the events with the waiters, as a watch loop would, and
 * counts the LINE_ADDED events, which are for it alone: once the round
 * is over it takes what is left without waiting.
 */
static void *reader_thread(void *p)
{
	struct modemline_event ev;
	long *added = p;
	bool over;

	pthread_barrier_wait(&dialed);
	do {
		over = atomic_load(&round_over);
		while (!ml_next_event(tfd, &ev, over ? 0 : 20))
			*added += ev.type == MODEMLINE_EVENT_LINE_ADDED;
	} while (!over);
	return NULL;
}

static void threads_test(void)
{
	struct sigaction sa = { .sa_handler = nothing };	/* no SA_RESTART */
	struct waiter w[WAITERS + 1];
	pthread_t t[WAITERS + 1], rt;
	struct timespec by;
	int i, r, lost = 0, late = 0, short_ok = 0, setup = 0;
	long added = 0;
	char extra[32];

	sigaction(SIGUSR1, &sa, NULL);
	tfd = ml_open(0);
	memset(w, 0, sizeof(w));
	for (i = 0; i <= WAITERS; i++) {
		snprintf(w[i].name, sizeof(w[i].name), "libw%d_%d", getpid(), i);
		w[i].line = sim_line(w[i].name);
		w[i].connects = i < WAITERS;
		w[i].timeout_ms = w[i].connects ? WAIT_MS : SHORT_MS;
		if (!w[i].line)
			setup++;
	}
	if (tfd < 0 || setup || sim_ctl(w[WAITERS].name, "dial silent") || ml_subscribe(tfd, 0))
		setup++;
	for (r = 0; r < ROUNDS && !setup; r++) {
		for (i = 0; i < WAITERS; i++) {
			char cmd[64];

			/* 40..190 ms apart, shifting from round to round. */
			snprintf(cmd, sizeof(cmd), "dial connect %d 33600",
				 40 + 50 * i + (r * 7) % 30);
			if (sim_ctl(w[i].name, cmd))
				setup++;
		}
		/* An event for the reader among the waiters' own. */
		snprintf(extra, sizeof(extra), "libx%d_%d", getpid(), r);
		if (!sim_line(extra))
			setup++;
		pthread_barrier_init(&dialed, NULL, WAITERS + 2);
		atomic_store(&round_over, false);
		for (i = 0; i <= WAITERS; i++)
			pthread_create(&t[i], NULL, waiter_thread, &w[i]);
		pthread_create(&rt, NULL, reader_thread, &added);
		/* Dials take a moment more under TCG: 1 s for them. */
		by = after_ms(WAIT_MS + 1000);
		for (i = 0; i <= WAITERS; i++)
			join_by(t[i], by);
		atomic_store(&round_over, true);
		if (join_by(rt, after_ms(20))) {
			printf("# round %d: ml_next_event(20 ms) still blocked %d ms later\n",
			       r, LATE_MS);
			late++;
		}
		pthread_barrier_destroy(&dialed);
		for (i = 0; i <= WAITERS; i++) {
			struct waiter *x = &w[i];

			if (x->ms > x->timeout_ms + LATE_MS) {
				printf("# round %d: waiter %d returned %d after %ld ms (timeout %d)\n",
				       r, i, x->ret, x->ms, x->timeout_ms);
				late++;
			}
			if (!x->connects) {
				short_ok += x->ret == -ETIMEDOUT && x->ms >= x->timeout_ms - 1;
			} else if (x->ret != MODEMLINE_STATE_CONNECTED || x->ev.call != x->call ||
				   x->ev.state != MODEMLINE_STATE_CONNECTED) {
				printf("# round %d: waiter %d: %d (%s), event of call %u state %u\n",
				       r, i, x->ret, x->ret < 0 ? strerror(-x->ret) : "state",
				       x->ev.call, x->ev.state);
				lost++;
			}
			ml_deallocate(tfd, x->call, true);
		}
		sim_ctl(extra, "remove");
	}
	check(!setup, "threads: simulated lines and a descriptor", setup);
	check(!setup && !lost,
	      "threads: 50 rounds, 3 waiters on one descriptor: each saw its own call connect",
	      lost);
	check(!setup && short_ok == ROUNDS,
	      "threads: the short waiter timed out (-ETIMEDOUT) in every round", short_ok);
	check(!setup && !late, "threads: no wait ended past its deadline", late);
	check(!setup && added == ROUNDS,
	      "threads: ml_next_event in a fifth thread got each round's LINE_ADDED", added);
	for (i = 0; i <= WAITERS; i++)
		if (w[i].line)
			sim_ctl(w[i].name, "remove");
	ml_close(tfd);
}

/*
 * What version 0.2 added (issue 21, item 11): ml_version(), ml_speed(),
 * ml_open_path() and the library's own argument checks, which must fail
 * before anything reaches the kernel.
 */
static void api_test(int fd, uint32_t line)
{
	struct modemline_tty_config cfg;
	struct modemline_event ev;
	const char *v = ml_version();
	unsigned int a, b, c;
	uint32_t call = 0;
	char end;
	int ret;

	check(v && sscanf(v, "%u.%u.%u%c", &a, &b, &c, &end) == 3 && (a || b >= 2),
	      "ml_version: MAJOR.MINOR.PATCH, at least 0.2", 0);
	check(ml_speed(115200) == B115200 && ml_speed(300) == B300 && ml_speed(4000000) == B4000000,
	      "ml_speed: bit/s to B*", ml_speed(115200));
	check(ml_speed(0) == -EINVAL && ml_speed(12345) == -EINVAL,
	      "ml_speed: 0 and a rate termios lacks are -EINVAL", ml_speed(12345));
	check(ml_open_path(NULL, 0) == -EINVAL && ml_open_path(ML_DEVICE, O_TRUNC) == -EINVAL &&
	      ml_open_path(ML_DEVICE, O_WRONLY) == -EINVAL,
	      "ml_open_path: NULL path, a flag other than O_NONBLOCK/O_CLOEXEC: -EINVAL", 0);
	check(ml_open_path("/nonexistent/modemline", 0) == -ENOENT,
	      "ml_open_path: a missing path is -ENOENT", 0);
	ret = ml_open_path(ML_DEVICE, O_NONBLOCK);
	check(ret >= 0 &&
	      (fcntl(ret, F_GETFL) & (O_NONBLOCK | O_ACCMODE)) == (O_NONBLOCK | O_RDWR) &&
	      (fcntl(ret, F_GETFD) & FD_CLOEXEC),
	      "ml_open_path: O_RDWR, O_CLOEXEC and the flags given", ret);
	if (ret >= 0)
		ml_close(ret);
	check(ml_dial(fd, line, NULL, 0, &call) == -EINVAL &&
	      ml_dial(fd, line, "5551234", 0, NULL) == -EINVAL &&
	      ml_answer(fd, line, NULL) == -EINVAL &&
	      ml_call_list(fd, NULL, 0) == 0,
	      "ml_dial/ml_answer: NULL number or handle pointer -EINVAL, and no call made", 0);
	check(ml_call_list(fd, NULL, 4) == -EINVAL && ml_line_list(fd, NULL, 4) == -EINVAL,
	      "ml_call_list/ml_line_list: NULL array with room for 4: -EINVAL", 0);
	check(ml_next_event(fd, NULL, 0) == -EINVAL, "ml_next_event: NULL event -EINVAL", 0);
	check(ml_wait_state(fd, 4242, 0, 0, &ev) == -EINVAL &&
	      ml_wait_state(fd, 4242, MODEMLINE_STATE_RINGBACK + 1, 0, &ev) == -EINVAL,
	      "ml_wait_state: a state the ABI lacks is -EINVAL", 0);
	check(ml_tty_open(NULL, 0) == -EINVAL && ml_tty_line_id(0, NULL) == -EINVAL &&
	      ml_tty_attach(0, NULL) == -EINVAL &&
	      ml_tty_get_config_sz(-1, NULL, sizeof(cfg)) == -EINVAL,
	      "ml_tty_*: NULL path or out pointer -EINVAL", 0);
}

/* The structs' sizes in version 0.1: the least the *_sz calls take, forever. */
#define CALL_INFO_0_1	160
#define LINE_INFO_0_1	136
#define TTY_CONFIG_0_1	80

/* A struct of <linux/modemline.h> as a newer header might have it. */
#define GROWN(type) struct { type s; unsigned char more[40]; }

static bool all_bytes(const unsigned char *p, size_t len, unsigned char b)
{
	while (len--)
		if (*p++ != b)
			return false;
	return true;
}

/*
 * The size-aware calls (0.2) on a live @call on @line: the 0.1 size and
 * larger ones work, the tail the library does not know comes back
 * zeroed, anything smaller than 0.1 is -EINVAL; the 0.1 entry points
 * still answer (a program linked against 0.1 calls them).
 */
static void sized_test(int fd, uint32_t line, uint32_t call)
{
	int (*call_info_0_1)(int, uint32_t, struct modemline_call_info *) = ml_call_info;
	struct modemline_call_info info, info1;
	GROWN(struct modemline_call_info) ci;
	GROWN(struct modemline_line_info) li;
	GROWN(struct modemline_tty_config) tc;
	int ret;

	memset(&ci, 0xAA, sizeof(ci));
	ret = ml_call_info_sz(fd, call, &ci.s, sizeof(ci));
	check(ret == 0 && ci.s.call == call && ci.s.line_id == line &&
	      all_bytes(ci.more, sizeof(ci.more), 0),
	      "ml_call_info_sz: a larger struct gets the record, its unknown tail zeroed", ret);
	ret = ml_call_info_sz(fd, call, &ci.s, CALL_INFO_0_1 - 1);
	check(ret == -EINVAL, "ml_call_info_sz: smaller than in 0.1 is -EINVAL", ret);
	ret = ml_call_info_sz(fd, call, NULL, sizeof(ci.s));
	check(ret == -EINVAL, "ml_call_info_sz: NULL is -EINVAL", ret);
	memset(&li, 0xAA, sizeof(li));
	ret = ml_line_info_sz(fd, line, &li.s, sizeof(li));
	check(ret == 0 && li.s.line_id == line && all_bytes(li.more, sizeof(li.more), 0) &&
	      ml_line_info_sz(fd, line, &li.s, LINE_INFO_0_1 - 1) == -EINVAL,
	      "ml_line_info_sz: larger struct zero-tailed, smaller than 0.1 -EINVAL", ret);
	ret = ml_call_info(fd, call, &info);
	check(ret == 0 && call_info_0_1(fd, call, &info1) == 0 && info1.call == call &&
	      info1.created_ns == info.created_ns,
	      "ml_call_info: the macro and the 0.1 entry point give the same record", ret);
	/* Argument checks come first: descriptor -1 shows they did not reach ioctl(). */
	memset(&tc, 0, sizeof(tc));
	tc.more[3] = 1;
	ret = ml_tty_set_config_sz(-1, &tc.s, sizeof(tc));
	check(ret == -E2BIG,
	      "ml_tty_set_config_sz: a field past what the library knows set: -E2BIG", ret);
	tc.more[3] = 0;
	ret = ml_tty_set_config_sz(-1, &tc.s, sizeof(tc));
	check(ret == -EBADF && ml_tty_get_config_sz(-1, &tc.s, TTY_CONFIG_0_1 - 1) == -EINVAL,
	      "ml_tty_*_config_sz: a zero tail passes, smaller than 0.1 is -EINVAL", ret);
}

/*
 * 0.3: a monitor's handle (ml_monitor), a handoff (ml_call_handoff) and
 * what each file holds (ml_fdinfo) on a call dialed on @line.
 */
static void monitor_handoff_test(int fd, uint32_t line, const char *ctl)
{
	int mon = ml_open(0), to = ml_open(0), ret;
	struct modemline_call_info info;
	struct modemline_event ev = { 0 };
	struct ml_fdinfo fi;
	uint32_t call, moved = 0, dummy, watched;

	ret = ml_monitor(mon, line);
	check(ret == 0, "ml_monitor", ret);
	write_file(ctl, "dial connect 300 33600");
	ret = ml_dial(fd, line, "5550303", 0, &call);
	ret = ret ?: ml_next_event(mon, &ev, 5000);
	check(ret == 0 && ev.type == MODEMLINE_EVENT_CALL_NEW && ev.line_id == line &&
	      !strcmp(ev.number, "5550303"), "ml_monitor: CALL_NEW for the call", ev.type);
	watched = ev.call;
	ret = ml_call_handoff(mon, ev.call, to, &dummy);
	check(ret == -EPERM, "ml_call_handoff of a monitor's handle: -EPERM", ret);
	ret = ml_call_handoff(fd, call, fd, &dummy);
	check(ret == -EINVAL, "ml_call_handoff to the same file: -EINVAL", ret);
	ret = ml_call_handoff(fd, call, to, &moved);
	check(ret == 0 && ml_call_info(fd, call, &info) == -ENOENT &&
	      ml_call_info(to, moved, &info) == 0 && !strcmp(info.number, "5550303"),
	      "ml_call_handoff: the call moves to the other file", ret);
	ret = ml_next_event(to, &ev, 5000);
	check(ret == 0 && ev.type == MODEMLINE_EVENT_CALL_HANDOFF && ev.call == moved &&
	      !strcmp(ml_event_name(ev.type), "call-handoff"),
	      "ml_call_handoff: the new owner hears of its handle (call-handoff)", ev.type);
	ret = ml_call_info(mon, watched, &info);
	check(ret == 0 && info.flags == MODEMLINE_CALL_INFO_MONITOR,
	      "ml_call_info: a monitor's handle is marked MODEMLINE_CALL_INFO_MONITOR", ret);
	ret = ml_fdinfo(0, to, &fi);
	check(ret == 0 && fi.calls_live + fi.calls_ended == 1 && fi.monitor_handles == 0,
	      "ml_fdinfo: the new owner holds the call", ret);
	ret = ml_fdinfo(0, mon, &fi);
	check(ret == 0 && fi.monitor_handles == 1 && fi.calls_live + fi.calls_ended == 0,
	      "ml_fdinfo: the monitor holds its handle", ret);
	ml_deallocate(to, moved, true);
	ml_close(to);
	ml_close(mon);
}

/* 0.4: the API version, voice dials and the dialect's name, on @line. */
static void voice_test(uint32_t line, const char *ctl)
{
	int fd = ml_open(0), ret;
	uint32_t call = 0;

	ret = ml_api(fd, 1000);
	check(ret == MODEMLINE_API_LATEST, "ml_api: the newest version the module knows", ret);
	ret = ml_dial_voice(fd, line, "5550404", 0, &call);
	check(ret == -EOPNOTSUPP && strstr(ml_strerror(ML_OP_DIAL, ret), "3GPP"),
	      "ml_dial_voice on a V.250 line: -EOPNOTSUPP, explained", ret);
	write_file(ctl, "dialect 3gpp");
	write_file(ctl, "dial silent");
	ret = ml_dial_voice(fd, line, "5550404", 0, &call);
	check(ret == 0 && ml_call_data(fd, call, false) == -EOPNOTSUPP,
	      "ml_dial_voice on a 3GPP line: a call without data", ret);
	check(!strcmp(ml_dialect_name(MODEMLINE_DIALECT_3GPP), "3gpp") &&
	      !strcmp(ml_state_name(MODEMLINE_STATE_RINGBACK), "ringback"),
	      "ml_dialect_name, ml_state_name know the 3GPP values", 0);
	ml_deallocate(fd, call, true);
	write_file(ctl, "dialect v250");
	ml_close(fd);
}

int main(void)
{
	struct modemline_call_info info;
	struct modemline_line_info li;
	struct modemline_event ev;
	char name[32], path[128], longnum[80];
	struct timespec t0;
	uint32_t line, line2, call;
	int fd, ret;

	/* Each result as it comes, even if a hang gets the test killed. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("1..58\n");
	setenv("MODEMLINE_DEV", "/nonexistent/modemline", 1);
	ret = ml_open(0);
	check(ret == -ENOENT, "ml_open: MODEMLINE_DEV is used, -ENOENT", ret);
	check(strstr(ml_strerror(ML_OP_OPEN, ret), "module loaded") != NULL,
	      "ml_strerror(OPEN, -ENOENT) points at the module", 0);
	unsetenv("MODEMLINE_DEV");
	fd = ml_open(0);
	check(fd >= 0, "ml_open", fd);
	if (fd < 0)
		return 1;

	check(ml_call_info(fd, 4242, &info) == -ENOENT, "ml_call_info: unknown handle -ENOENT", 0);
	check(ml_drop(fd, 4242, true) == -ENOENT, "ml_drop: unknown handle -ENOENT", 0);
	check(ml_deallocate(fd, 4242, false) == -ENOENT,
	      "ml_deallocate: unknown handle -ENOENT", 0);
	check(ml_call_data(fd, 4242, false) == -ENOENT, "ml_call_data: unknown handle -ENOENT", 0);
	ret = ml_wait_state(fd, 4242, MODEMLINE_STATE_CONNECTED, 100, NULL);
	check(ret == -ENOENT, "ml_wait_state: unknown handle -ENOENT", ret);
	check(ml_line_info(fd, 0xfffffff0, &li) == -ENOENT,
	      "ml_line_info: unknown line -ENOENT", 0);
	check(ml_unsubscribe(fd, 0xfffffff0) == -ENOENT, "ml_unsubscribe: unknown line -ENOENT", 0);
	memset(longnum, '5', sizeof(longnum) - 1);
	longnum[sizeof(longnum) - 1] = '\0';
	check(ml_dial(fd, 1, longnum, 0, &call) == -EINVAL, "ml_dial: over-long number -EINVAL", 0);
	ret = ml_call_list(fd, NULL, 0);
	check(ret == 0, "ml_call_list(NULL, 0): no calls, count 0", ret);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = ml_next_event(fd, &ev, 150);
	check(ret == -ETIMEDOUT && ms_since(&t0) >= 140,
	      "ml_next_event: -ETIMEDOUT after the timeout", ret);
	check(!strcmp(ml_strerror(ML_OP_DIAL, -EBUSY),
		      "the line already has a call in progress (or its modem is still hanging up)"),
	      "ml_strerror(DIAL, -EBUSY): the documented meaning", 0);
	check(!strcmp(ml_strerror(ML_OP_DIAL, E2BIG), strerror(E2BIG)),
	      "ml_strerror: strerror() for an undocumented errno", 0);
	check(!strcmp(ml_state_name(99), "unknown") && !strcmp(ml_reason_name(2), "busy"),
	      "names: defined and unknown values", 0);
	api_test(fd, 1);

	snprintf(name, sizeof(name), "libt%d", getpid());
	line = sim_line(name);
	check(line > 0, "a simulated line", line);
	snprintf(path, sizeof(path), SIM "/lines/%s/control", name);
	write_file(path, "dial connect 300 33600");
	ret = ml_dial(fd, line, "5551234", 0, &call);
	check(ret == 0, "ml_dial", ret);
	ret = ml_deallocate(fd, call, false);
	check(ret == -EBUSY, "ml_deallocate of a live call: -EBUSY", ret);
	sized_test(fd, line, call);

	/* An event that arrives during the wait is kept for ml_next_event(). */
	ml_subscribe(fd, 0);
	snprintf(name, sizeof(name), "libu%d", getpid());
	line2 = sim_line(name);
	ret = ml_wait_state(fd, call, MODEMLINE_STATE_CONNECTED, 5000, &ev);
	check(ret == MODEMLINE_STATE_CONNECTED && ev.call == call && ev.rate == 33600,
	      "ml_wait_state: the call connects", ret);
	ret = ml_pending(fd);
	check(ret >= 1, "ml_wait_state queued the event it read past", ret);
	ret = ml_next_event(fd, &ev, 0);
	check(ret == 0 && ev.type == MODEMLINE_EVENT_LINE_ADDED && ev.line_id == line2,
	      "ml_next_event returns the queued LINE_ADDED first", ev.type);
	ml_deallocate(fd, call, true);
	snprintf(path, sizeof(path), SIM "/lines/libt%d/control", getpid());
	monitor_handoff_test(fd, line, path);
	voice_test(line, path);
	write_file(path, "remove");
	snprintf(path, sizeof(path), SIM "/lines/libu%d/control", getpid());
	write_file(path, "remove");
	ml_close(fd);
	threads_test();
	return failed ? 1 : 0;
}

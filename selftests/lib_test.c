// SPDX-License-Identifier: GPL-2.0
/*
 * libmodemline's error paths and its event queue, against the real
 * module (root, modemline and modemline_sim loaded): every wrapper
 * returns the kernel's -errno (not -1), the library's own checks, the
 * documented messages, timeouts, and that ml_wait_state() keeps the
 * events it reads past for ml_next_event(). Links libmodemline only (the
 * other tests' sim.c has its own ml_* helpers).
 */
#include <errno.h>
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

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
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

	printf("1..22\n");
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
	check(ml_deallocate(fd, 4242, false) == -ENOENT, "ml_deallocate: unknown handle -ENOENT", 0);
	check(ml_call_data(fd, 4242, false) == -ENOENT, "ml_call_data: unknown handle -ENOENT", 0);
	ret = ml_wait_state(fd, 4242, MODEMLINE_STATE_CONNECTED, 100, NULL);
	check(ret == -ENOENT, "ml_wait_state: unknown handle -ENOENT", ret);
	check(ml_line_info(fd, 0xfffffff0, &li) == -ENOENT, "ml_line_info: unknown line -ENOENT", 0);
	check(ml_unsubscribe(fd, 0xfffffff0) == -ENOENT, "ml_unsubscribe: unknown line -ENOENT", 0);
	memset(longnum, '5', sizeof(longnum) - 1);
	longnum[sizeof(longnum) - 1] = '\0';
	check(ml_dial(fd, 1, longnum, 0, &call) == -EINVAL, "ml_dial: over-long number -EINVAL", 0);
	ret = ml_call_list(fd, NULL, 0);
	check(ret == 0, "ml_call_list(NULL, 0): no calls, count 0", ret);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = ml_next_event(fd, &ev, 150);
	check(ret == -ETIMEDOUT && ms_since(&t0) >= 140, "ml_next_event: -ETIMEDOUT after the timeout",
	      ret);
	check(!strcmp(ml_strerror(ML_OP_DIAL, -EBUSY),
		      "the line already has a call in progress (or its modem is still hanging up)"),
	      "ml_strerror(DIAL, -EBUSY): the documented meaning", 0);
	check(!strcmp(ml_strerror(ML_OP_DIAL, E2BIG), strerror(E2BIG)),
	      "ml_strerror: strerror() for an undocumented errno", 0);
	check(!strcmp(ml_state_name(99), "unknown") && !strcmp(ml_reason_name(2), "busy"),
	      "names: defined and unknown values", 0);

	snprintf(name, sizeof(name), "libt%d", getpid());
	line = sim_line(name);
	check(line > 0, "a simulated line", line);
	snprintf(path, sizeof(path), SIM "/lines/%s/control", name);
	write_file(path, "dial connect 300 33600");
	ret = ml_dial(fd, line, "5551234", 0, &call);
	check(ret == 0, "ml_dial", ret);
	ret = ml_deallocate(fd, call, false);
	check(ret == -EBUSY, "ml_deallocate of a live call: -EBUSY", ret);

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
	write_file(path, "remove");
	snprintf(path, sizeof(path), SIM "/lines/libu%d/control", getpid());
	write_file(path, "remove");
	ml_close(fd);
	return failed ? 1 : 0;
}

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
#include <fcntl.h>
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

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
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
	check(ret >= 0 && (fcntl(ret, F_GETFL) & (O_NONBLOCK | O_ACCMODE)) == (O_NONBLOCK | O_RDWR) &&
	      (fcntl(ret, F_GETFD) & FD_CLOEXEC), "ml_open_path: O_RDWR, O_CLOEXEC and the flags given",
	      ret);
	if (ret >= 0)
		ml_close(ret);
	check(ml_dial(fd, line, NULL, 0, &call) == -EINVAL &&
	      ml_dial(fd, line, "5551234", 0, NULL) == -EINVAL && ml_answer(fd, line, NULL) == -EINVAL &&
	      ml_call_list(fd, NULL, 0) == 0,
	      "ml_dial/ml_answer: NULL number or handle pointer -EINVAL, and no call made", 0);
	check(ml_call_list(fd, NULL, 4) == -EINVAL && ml_line_list(fd, NULL, 4) == -EINVAL,
	      "ml_call_list/ml_line_list: NULL array with room for 4: -EINVAL", 0);
	check(ml_next_event(fd, NULL, 0) == -EINVAL, "ml_next_event: NULL event -EINVAL", 0);
	check(ml_wait_state(fd, 4242, 0, 0, &ev) == -EINVAL &&
	      ml_wait_state(fd, 4242, MODEMLINE_STATE_DISCONNECTED + 1, 0, &ev) == -EINVAL,
	      "ml_wait_state: a state the ABI lacks is -EINVAL", 0);
	check(ml_tty_open(NULL, 0) == -EINVAL && ml_tty_line_id(0, NULL) == -EINVAL &&
	      ml_tty_attach(0, NULL) == -EINVAL && ml_tty_get_config_sz(-1, NULL, sizeof(cfg)) == -EINVAL,
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
	check(ret == -E2BIG, "ml_tty_set_config_sz: a field past what the library knows set: -E2BIG",
	      ret);
	tc.more[3] = 0;
	ret = ml_tty_set_config_sz(-1, &tc.s, sizeof(tc));
	check(ret == -EBADF && ml_tty_get_config_sz(-1, &tc.s, TTY_CONFIG_0_1 - 1) == -EINVAL,
	      "ml_tty_*_config_sz: a zero tail passes, smaller than 0.1 is -EINVAL", ret);
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
	printf("1..40\n");
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
	write_file(path, "remove");
	snprintf(path, sizeof(path), SIM "/lines/libu%d/control", getpid());
	write_file(path, "remove");
	ml_close(fd);
	return failed ? 1 : 0;
}

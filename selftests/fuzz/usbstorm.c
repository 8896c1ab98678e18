// SPDX-License-Identifier: GPL-2.0
/*
 * USB unplug/replug storm, the guest half (make stress runs it in a VM
 * with a USB serial adapter wired to modemsim on the host):
 *
 *   usbstorm CYCLES CTLDIR
 *
 * Each cycle: wait for /dev/ttyUSB0, attach the line discipline, dial,
 * wait for CONNECTED, start writing data, then ask the host to unplug
 * the adapter (CTLDIR/unplug.request, answered in CTLDIR/unplug.ack)
 * while the writer runs; the call must end SYSTEM / LINE_REMOVED, the
 * writer must stop with EPIPE, the data descriptor read end of file and
 * the record stay readable. Then ask for the replug (replug.request /
 * replug.ack) and go again. Prints "usb cycles N of M" and exits 0 only
 * if every cycle did all that.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/ioctl.h>

#include "hard.h"

#define USB	"/dev/ttyUSB0"

static const char *ctl;

static bool wait_path(const char *p, bool present, int ms)
{
	__u64 end = hard_now_ms() + ms;

	while (hard_now_ms() < end) {
		if ((access(p, F_OK) == 0) == present)
			return true;
		usleep(50000);
	}
	return false;
}

/* Ask the host for @what ("unplug" or "replug"); true if it said ok. */
static bool host(const char *what)
{
	char req[512], tmp[520], ack[512], answer[128] = "";
	FILE *f;

	snprintf(req, sizeof(req), "%s/%s.request", ctl, what);
	snprintf(tmp, sizeof(tmp), "%s.tmp", req);
	snprintf(ack, sizeof(ack), "%s/%s.ack", ctl, what);
	unlink(ack);
	f = fopen(tmp, "w");
	if (!f)
		return false;
	fprintf(f, "%s\n", what);
	fclose(f);
	if (rename(tmp, req) || !wait_path(ack, true, 60000))
		return false;
	f = fopen(ack, "r");
	if (!f)
		return false;
	if (!fgets(answer, sizeof(answer), f))
		answer[0] = 0;
	fclose(f);
	unlink(ack);
	return !strncmp(answer, "ok", 2);
}

struct writer {
	pthread_t t;
	int fd, err;
	long done;
};

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	char buf[512];
	ssize_t n;

	memset(buf, 'U', sizeof(buf));
	for (;;) {
		n = write(w->fd, buf, sizeof(buf));
		if (n < 0) {
			w->err = errno;
			return NULL;
		}
		w->done += n;
	}
}

static int call_info(int ml, __u32 call, struct modemline_call_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	ci->call = call;
	return ioctl(ml, MODEMLINE_IOC_CALL_INFO, ci) ? -errno : 0;
}

static int wait_state(int ml, __u32 call, __u32 state, struct modemline_call_info *ci)
{
	__u64 end = hard_now_ms() + 30000;

	while (hard_now_ms() < end) {
		if (call_info(ml, call, ci))
			return -errno;
		if (ci->state == state)
			return 0;
		usleep(20000);
	}
	return -ETIMEDOUT;
}

#define FAIL(...) do { fprintf(stderr, "usbstorm: cycle %d: ", i); \
	fprintf(stderr, __VA_ARGS__); fprintf(stderr, "\n"); goto out; } while (0)

int main(int argc, char **argv)
{
	int cycles, i, ok = 0, ld = MODEMLINE_LDISC, fd = -1, ml = -1, data = -1;
	struct modemline_call_info ci;
	struct modemline_dial dial;
	struct writer w;
	struct termios t;
	char c;

	if (argc != 3) {
		fprintf(stderr, "usage: usbstorm CYCLES CTLDIR\n");
		return 2;
	}
	cycles = atoi(argv[1]);
	ctl = argv[2];
	for (i = 1; i <= cycles; i++) {
		if (!wait_path(USB, true, 60000))
			FAIL(USB " did not appear");
		fd = open(USB, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			FAIL("open: %s", strerror(errno));
		tcgetattr(fd, &t);
		cfmakeraw(&t);
		t.c_cflag |= CLOCAL | CREAD;
		cfsetspeed(&t, B115200);
		tcsetattr(fd, TCSANOW, &t);
		if (ioctl(fd, TIOCSETD, &ld))
			FAIL("TIOCSETD: %s", strerror(errno));
		memset(&dial, 0, sizeof(dial));
		if (ioctl(fd, MODEMLINE_TIOCGLINE, &dial.line_id))
			FAIL("TIOCGLINE: %s", strerror(errno));
		ml = open("/dev/modemline", O_RDWR | O_CLOEXEC);
		if (ml < 0)
			FAIL("/dev/modemline: %s", strerror(errno));
		strcpy(dial.number, "5551234");
		dial.timeout_ms = 20000;
		if (ioctl(ml, MODEMLINE_IOC_DIAL, &dial))
			FAIL("DIAL: %s", strerror(errno));
		if (wait_state(ml, dial.call, MODEMLINE_STATE_CONNECTED, &ci))
			FAIL("not connected (state %u result '%s')", ci.state, ci.result);
		struct modemline_call_data cd = { .call = dial.call };

		if (ioctl(ml, MODEMLINE_IOC_CALL_DATA, &cd))
			FAIL("CALL_DATA: %s", strerror(errno));
		data = cd.fd;
		memset(&w, 0, sizeof(w));
		w.fd = data;
		pthread_create(&w.t, NULL, writer_main, &w);
		usleep(100000 * (i % 5));
		if (!host("unplug"))
			FAIL("the host did not unplug");
		pthread_join(w.t, NULL);
		if (w.err != EPIPE)
			FAIL("writer: %s after %ld bytes", strerror(w.err), w.done);
		if (wait_state(ml, dial.call, MODEMLINE_STATE_DISCONNECTED, &ci) ||
		    ci.origin != MODEMLINE_ORIGIN_SYSTEM || ci.reason != MODEMLINE_REASON_LINE_REMOVED)
			FAIL("record: state %u origin %u reason %u", ci.state, ci.origin, ci.reason);
		if ((long)ci.tx_bytes != w.done)
			FAIL("tx_bytes %llu, writer %ld", (unsigned long long)ci.tx_bytes, w.done);
		while (read(data, &c, 1) > 0)
			;
		if (read(data, &c, 1) != 0)
			FAIL("data descriptor does not read end of file");
		if (ioctl(ml, MODEMLINE_IOC_DEALLOCATE, &(struct modemline_call_op){ .call = dial.call }))
			FAIL("DEALLOCATE: %s", strerror(errno));
		close(data);
		close(ml);
		close(fd);
		data = ml = fd = -1;
		if (!wait_path(USB, false, 30000))
			FAIL(USB " still there");
		ok++;
		if (i < cycles && !host("replug"))
			FAIL("the host did not replug");
	}
out:
	if (data >= 0)
		close(data);
	if (ml >= 0)
		close(ml);
	if (fd >= 0)
		close(fd);
	printf("usb cycles %d of %d\n", ok, cycles);
	return ok == cycles ? 0 : 1;
}

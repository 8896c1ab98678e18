// SPDX-License-Identifier: GPL-2.0
/*
 * The modemline line discipline on real serial hardware, in the VM that
 * scripts/check-serial.sh boots: guest /dev/ttyS1 (a 16550 UART) and
 * /dev/ttyUSB0 (an FTDI USB serial adapter on xHCI) are wired to two
 * modemsim instances on the host (--guard 100, default behaviour: every
 * dial connects at 33600).
 *
 * USB unplugs and replugs are done by the host: the test creates
 * $ML_SERIAL_CTL/unplug.request or replug.request (check-serial.sh passes
 * $ML_BUILD/serial-run/KERNEL; without it: $MODEMLINE_BUILD/serial-run,
 * a directory shared with the host), the host sends 'device_del
 * usbserial0' or 'device_add usb-serial,...' to qemu's monitor, checks
 * 'info usb', and answers with unplug.ack or replug.ack ("ok" or
 * "error: ..."). Without that directory those tests are skipped.
 *
 * The USB modem swallows call data (modemsim --data sink): qemu's
 * usb-serial writes to its chardev with qemu_chr_fe_write_all(), so a
 * modem that stops reading while its echo waits for a guest that does
 * not read freezes the whole VM.
 *
 * Not run by the generic selftest runner (it lives in $(O)/serial/).
 */
#include "ml_test.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "stream.h"
#include "tty.h"

#define NUMBER		"5551234"
#define GUARD_MS	100
#define RATE		33600
#define UART		"/dev/ttyS1"
#define USB		"/dev/ttyUSB0"
/*
 * A UART has DTR: a local drop first holds DTR low (qemu's socket
 * chardev ignores it), waits for the modem, then escapes with +++ and
 * ATH. And everything is slower in a TCG guest.
 */
#define SERIAL_WAIT_MS	30000
#define USB_APPEAR_MS	60000	/* xHCI enumeration under TCG is slow */
#define UNPLUG_ACK_MS	60000
#define MS		1000000ULL

static bool wait_path(const char *path, bool present, int timeout_ms)
{
	__u64 deadline = mls_now_ns() + (__u64)timeout_ms * MS;
	struct stat st;

	for (;;) {
		if ((stat(path, &st) == 0) == present)
			return true;
		if (mls_now_ns() >= deadline)
			return false;
		sleep_ms(100);
	}
}

/* The directory shared with check-serial.sh, or NULL. */
static const char *ctl_dir(char *buf, size_t len)
{
	const char *dir = getenv("ML_SERIAL_CTL");
	const char *build = getenv("MODEMLINE_BUILD");
	struct stat st;

	if (dir && *dir)
		snprintf(buf, len, "%s", dir);
	else if (build && *build)
		snprintf(buf, len, "%s/serial-run", build);
	else
		return NULL;
	if (stat(buf, &st) || !S_ISDIR(st.st_mode))
		return NULL;
	return buf;
}

/*
 * Ask the host for @what ("unplug" or "replug") through @dir and wait for
 * its answer (atomically: write, rename); true if it answered "ok".
 */
static bool host_ask(struct __test_metadata *_metadata, const char *dir,
		     const char *what)
{
	char req[600], ack[600], tmp[620], answer[256] = "";
	FILE *f;

	snprintf(req, sizeof(req), "%s/%s.request", dir, what);
	snprintf(ack, sizeof(ack), "%s/%s.ack", dir, what);
	snprintf(tmp, sizeof(tmp), "%s.tmp", req);
	unlink(ack);
	f = fopen(tmp, "w");
	if (!f || fprintf(f, "%s\n", what) < 0 || fclose(f) ||
	    rename(tmp, req)) {
		TH_LOG("%s: %s", tmp, strerror(errno));
		return false;
	}
	if (!wait_path(ack, true, UNPLUG_ACK_MS)) {
		TH_LOG("the host did not answer %s", req);
		return false;
	}
	f = fopen(ack, "r");
	if (!f)
		return false;
	if (!fgets(answer, sizeof(answer), f))
		answer[0] = '\0';
	fclose(f);
	unlink(ack);
	answer[strcspn(answer, "\n")] = '\0';
	if (strcmp(answer, "ok"))
		TH_LOG("host, to %s: %s", what, answer);
	return !strcmp(answer, "ok");
}

struct serial_line {
	int ml;
	int fd;
	__u32 line;
	char name[MODEMLINE_NAME_LEN];
};

/* Open @dev raw at 115200 with CLOCAL, attach, set guard_ms 100. */
static void serial_up(struct __test_metadata *_metadata,
		      struct serial_line *s, const char *dev)
{
	struct modemline_line_info li;
	int ret;

	s->ml = -1;
	s->fd = -1;
	snprintf(s->name, sizeof(s->name), "%s", strrchr(dev, '/') + 1);
	ML_OPEN(s->ml, 0);
	s->fd = ml_tty_open(dev, B115200);
	ASSERT_LE(0, s->fd) TH_LOG("open %s: %s", dev, strerror(-s->fd));
	ret = tty_attach_line(s->fd, GUARD_MS, NULL, &s->line);
	ASSERT_EQ(0, ret) TH_LOG("attaching to %s: %s", dev, strerror(-ret));
	ASSERT_EQ(0, mls_line_info(s->ml, s->line, &li));
	ASSERT_EQ(U32(MODEMLINE_TRANSPORT_TTY), li.transport);
	ASSERT_STR_FIELD(s->name, li.name);
	ASSERT_EQ(0U, li.flags);
}

static void serial_down(struct serial_line *s)
{
	if (s->fd >= 0)
		close(s->fd);
	if (s->ml >= 0)
		close(s->ml);
	s->fd = -1;
	s->ml = -1;
}

static struct rec_expect rec_out(__u32 line_id)
{
	struct rec_expect e = {
		.line_id = line_id,
		.direction = MODEMLINE_DIR_OUTGOING,
		.number = NUMBER,
	};
	return e;
}

static __u32 serial_connect(struct __test_metadata *_metadata,
			    struct serial_line *s)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	struct rec_expect e = rec_out(s->line);
	__u32 call = 0;
	int ret;

	ret = mls_dial(s->ml, s->line, NUMBER, 0, &call);
	ASSERT_EQ(0, ret) TH_LOG("DIAL on %s: %s", s->name, strerror(-ret));
	ret = mls_wait_state(s->ml, call, MODEMLINE_STATE_CONNECTED, &ev,
			     SERIAL_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("no CONNECTED on %s: %s", s->name,
				 strerror(-ret));
	check_state_event(_metadata, &ev, s->line, call,
			  MODEMLINE_STATE_CONNECTED, 0, 0, RATE);
	ASSERT_EQ(0, mls_call_info(s->ml, call, &ci));
	e.state = MODEMLINE_STATE_CONNECTED;
	e.rate = RATE;
	e.result = "CONNECT 33600";
	e.connected = true;
	check_record(_metadata, &ci, call, &e);
	return call;
}

static void dial_drop(struct __test_metadata *_metadata, struct serial_line *s)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	struct rec_expect e = rec_out(s->line);
	__u64 t0;
	__u32 call;
	int ret;

	call = serial_connect(_metadata, s);
	t0 = mls_now_ns();
	ret = mls_drop(s->ml, call, 0);
	ASSERT_EQ(0, ret) TH_LOG("DROP: %s", strerror(-ret));
	ret = mls_wait_state(s->ml, call, MODEMLINE_STATE_DISCONNECTED, &ev,
			     SERIAL_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("the drop did not finish on %s: %s", s->name,
				 strerror(-ret));
	check_state_event(_metadata, &ev, s->line, call,
			  MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_LOCAL,
			  MODEMLINE_REASON_NORMAL, 0);
	TH_LOG("%s: local drop took %llu ms", s->name,
	       (unsigned long long)((mls_now_ns() - t0) / MS));
	ASSERT_EQ(0, mls_call_info(s->ml, call, &ci));
	e.state = MODEMLINE_STATE_DISCONNECTED;
	e.origin = MODEMLINE_ORIGIN_LOCAL;
	e.reason = MODEMLINE_REASON_NORMAL;
	e.rate = RATE;
	/* The modem's answer to ATH (modemsim ignores DTR). */
	e.result = "OK";
	e.connected = true;
	e.ended = true;
	check_record(_metadata, &ci, call, &e);
	ASSERT_LT(0ULL, ci.duration_ns);
	ASSERT_EQ(0, mls_deallocate(s->ml, call, 0));

	/* The modem is usable again: a second call. */
	call = serial_connect(_metadata, s);
	ASSERT_EQ(0, mls_drop(s->ml, call, MODEMLINE_DROP_WAIT));
	ASSERT_EQ(0, mls_call_info(s->ml, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_DISCONNECTED), ci.state);
	ASSERT_EQ(U32(MODEMLINE_ORIGIN_LOCAL), ci.origin);
}

/* 1 MiB through the call's data descriptor and back, checked byte by byte. */
static void echo_one_mib(struct __test_metadata *_metadata,
			 struct serial_line *s)
{
	const size_t mib = 1024 * 1024;
	struct modemline_call_info ci;
	struct stream rd, wr;
	__u32 call;
	int dfd;

	call = serial_connect(_metadata, s);
	dfd = mls_call_data(s->ml, call, 0);
	ASSERT_LE(0, dfd) TH_LOG("CALL_DATA: %s", strerror(-dfd));
	ASSERT_EQ(0, stream_start(&rd, dfd, mib, false));
	ASSERT_EQ(0, stream_start(&wr, dfd, mib, true));
	ASSERT_EQ(0, pthread_join(wr.thread, NULL));
	ASSERT_EQ(0, pthread_join(rd.thread, NULL));
	EXPECT_EQ(0, wr.err);
	EXPECT_EQ(0, rd.err);
	EXPECT_EQ(mib, wr.done);
	EXPECT_EQ(mib, rd.done);
	EXPECT_EQ(-1, rd.bad) TH_LOG("first wrong byte at %ld", rd.bad);
	ASSERT_EQ(0, mls_drop(s->ml, call, MODEMLINE_DROP_WAIT));
	ASSERT_EQ(0, mls_call_info(s->ml, call, &ci));
	EXPECT_EQ(mib, ci.rx_bytes);
	EXPECT_EQ(mib, ci.tx_bytes);
	EXPECT_EQ(U32(MODEMLINE_ORIGIN_LOCAL), ci.origin);
	close(dfd);
}

FIXTURE(serial) {
	struct serial_line s;
};

FIXTURE_SETUP(serial)
{
	self->s.ml = -1;
	self->s.fd = -1;
}

FIXTURE_TEARDOWN(serial)
{
	serial_down(&self->s);
}

TEST_F_TIMEOUT(serial, uart_dial_drop, 180)
{
	if (access(UART, F_OK))
		SKIP(return, UART " missing (boot with vm.sh --uart)");
	serial_up(_metadata, &self->s, UART);
	dial_drop(_metadata, &self->s);
}

TEST_F_TIMEOUT(serial, uart_echo_one_mib, 600)
{
	if (access(UART, F_OK))
		SKIP(return, UART " missing (boot with vm.sh --uart)");
	serial_up(_metadata, &self->s, UART);
	echo_one_mib(_metadata, &self->s);
}

TEST_F_TIMEOUT(serial, usb_dial_drop, 240)
{
	if (!wait_path(USB, true, USB_APPEAR_MS))
		SKIP(return, USB " did not appear within %d s (vm.sh --usb)",
		     USB_APPEAR_MS / 1000);
	serial_up(_metadata, &self->s, USB);
	dial_drop(_metadata, &self->s);
}

/* The adapter is gone afterwards: only the replug storm may follow. */
TEST_F_TIMEOUT(serial, usb_unplug_mid_call, 300)
{
	struct serial_line *s = &self->s;
	struct modemline_call_info ci;
	struct modemline_event ev;
	struct rec_expect e;
	__u32 call, count;
	char dir[512];
	int ret;

	if (!ctl_dir(dir, sizeof(dir)))
		SKIP(return,
		     "no unplug helper ($ML_SERIAL_CTL, $MODEMLINE_BUILD/serial-run: run scripts/check-serial.sh)");
	if (!wait_path(USB, true, USB_APPEAR_MS))
		SKIP(return, USB " did not appear (vm.sh --usb)");

	serial_up(_metadata, s, USB);
	ASSERT_EQ(0, mls_subscribe(s->ml, s->line));
	call = serial_connect(_metadata, s);
	ASSERT_TRUE(host_ask(_metadata, dir, "unplug"));

	ret = mls_wait_state(s->ml, call, MODEMLINE_STATE_DISCONNECTED, &ev,
			     SERIAL_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("the unplug did not end the call: %s",
				 strerror(-ret));
	check_state_event(_metadata, &ev, s->line, call,
			  MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_SYSTEM,
			  MODEMLINE_REASON_LINE_REMOVED, 0);
	ret = mls_wait_event(s->ml, MODEMLINE_EVENT_LINE_REMOVED, s->line, &ev,
			     SERIAL_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("no LINE_REMOVED event: %s", strerror(-ret));
	check_line_event(_metadata, &ev, MODEMLINE_EVENT_LINE_REMOVED, s->line,
			 MODEMLINE_REASON_LINE_REMOVED, "");

	/* The record survives the modem. */
	ASSERT_EQ(0, mls_call_info(s->ml, call, &ci));
	e = rec_out(s->line);
	e.state = MODEMLINE_STATE_DISCONNECTED;
	e.origin = MODEMLINE_ORIGIN_SYSTEM;
	e.reason = MODEMLINE_REASON_LINE_REMOVED;
	e.rate = RATE;
	e.result = "CONNECT 33600";
	e.connected = true;
	e.ended = true;
	check_record(_metadata, &ci, call, &e);
	ASSERT_LT(0ULL, ci.duration_ns);

	wait_line_gone(_metadata, s->ml, s->line);
	ASSERT_TRUE(wait_path(USB, false, SERIAL_WAIT_MS))
		TH_LOG(USB " still there after the unplug");
	/* The line id is not handed out again; the call list still has it. */
	ASSERT_EQ(0, mls_call_list(s->ml, NULL, 0, &count));
	ASSERT_EQ(1U, count);
	ASSERT_EQ(0, mls_deallocate(s->ml, call, 0));
	ASSERT_EQ(-ENOENT, mls_call_info(s->ml, call, &ci));
	ASSERT_EQ(0, mls_call_list(s->ml, NULL, 0, &count));
	ASSERT_EQ(0U, count);
	/* The hung-up tty fd and the file close cleanly (teardown). */
}

/*
 * Unplug and replug, again and again, each time in the middle of a
 * connected call with a writer streaming into the modem and a reader
 * blocked on the data descriptor: the call ends SYSTEM / LINE_REMOVED,
 * the writer stops with EPIPE, the reader sees end of file, the counters
 * equal what moved, and the record outlives the line. ML_USB_CYCLES
 * cycles (default 3, at most USB_CYCLES_MAX); make stress raises it.
 */
#define USB_CYCLES_MAX	60

TEST_F_TIMEOUT(serial, usb_unplug_replug_storm, USB_CYCLES_MAX * 60)
{
	const char *env = getenv("ML_USB_CYCLES");
	struct serial_line *s = &self->s;
	struct modemline_call_info ci;
	struct modemline_event ev;
	int cycles = 3, i, dfd, ret;
	struct stream rd, wr;
	size_t written = 0;
	char dir[512];
	__u32 call;

	if (env && *env)
		cycles = atoi(env);
	ASSERT_TRUE(cycles >= 1 && cycles <= USB_CYCLES_MAX)
		TH_LOG("ML_USB_CYCLES=%s: want 1 to %d", env, USB_CYCLES_MAX);
	if (!ctl_dir(dir, sizeof(dir)))
		SKIP(return,
		     "no plug helper ($ML_SERIAL_CTL, $MODEMLINE_BUILD/serial-run: run scripts/check-serial.sh)");

	for (i = 1; i <= cycles; i++) {
		if (access(USB, F_OK))
			ASSERT_TRUE(host_ask(_metadata, dir, "replug"))
				TH_LOG("cycle %d", i);
		ASSERT_TRUE(wait_path(USB, true, USB_APPEAR_MS))
			TH_LOG("cycle %d: " USB " did not appear", i);
		serial_up(_metadata, s, USB);
		call = serial_connect(_metadata, s);
		dfd = mls_call_data(s->ml, call, 0);
		ASSERT_LE(0, dfd) TH_LOG("CALL_DATA: %s", strerror(-dfd));
		STREAM_START(&rd, dfd, 0, false);
		STREAM_START(&wr, dfd, 0, true);
		/* Pull the plug at a different point of the flow each time. */
		sleep_ms(100 * (i % 5));
		ASSERT_TRUE(host_ask(_metadata, dir, "unplug"))
			TH_LOG("cycle %d", i);
		STREAM_JOIN(&wr);
		STREAM_JOIN(&rd);
		ASSERT_EQ(EPIPE, wr.err) TH_LOG("cycle %d: writer: %s",
						i, strerror(wr.err));
		ASSERT_EQ(0, rd.err) TH_LOG("cycle %d: reader: %s",
					    i, strerror(rd.err));
		ASSERT_LT(0UL, wr.done);

		ret = mls_wait_state(s->ml, call, MODEMLINE_STATE_DISCONNECTED,
				     &ev, SERIAL_WAIT_MS);
		ASSERT_EQ(0, ret) TH_LOG("cycle %d: the unplug did not end the call: %s",
					 i, strerror(-ret));
		check_state_event(_metadata, &ev, s->line, call,
				  MODEMLINE_STATE_DISCONNECTED,
				  MODEMLINE_ORIGIN_SYSTEM,
				  MODEMLINE_REASON_LINE_REMOVED, 0);
		ASSERT_EQ(0, mls_call_info(s->ml, call, &ci));
		ASSERT_EQ(wr.done, ci.tx_bytes) TH_LOG("cycle %d", i);
		ASSERT_EQ(rd.done, ci.rx_bytes) TH_LOG("cycle %d", i);
		ASSERT_EQ(U32(MODEMLINE_STATE_DISCONNECTED), ci.state);
		ASSERT_EQ(0, mls_deallocate(s->ml, call, 0));
		ASSERT_EQ(0, close(dfd));
		written += wr.done;
		serial_down(s);
		ASSERT_TRUE(wait_path(USB, false, SERIAL_WAIT_MS))
			TH_LOG("cycle %d: " USB " still there", i);
	}
	TH_LOG("usb cycles %d, %zu bytes written", cycles, written);
}

TEST_HARNESS_MAIN

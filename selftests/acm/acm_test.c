// SPDX-License-Identifier: GPL-2.0
/*
 * The line discipline on a real USB CDC-ACM tty (issue 14.4): in a debug
 * kernel VM, scripts/check-acm.sh builds a configfs ACM gadget (g1,
 * functions/acm.usb0) on dummy_udc.0, so that dummy_hcd's host side
 * enumerates it and the cdc-acm driver makes /dev/ttyACM0, while the
 * gadget's u_serial port is /dev/ttyGS0. modemsim serves /dev/ttyGS0
 * (--tty --no-lines: a gadget tty has no modem-control lines) and our
 * line is /dev/ttyACM0.
 *
 *   acm.dial_and_local_drop          CONNECT, then DROP: LOCAL / NORMAL
 *   acm.data_both_ways               8 KiB echoed, byte-exact both ways
 *   acm.gadget_close_is_carrier_loss modemsim closes ttyGS0, CLOCAL on:
 *                                    REMOTE / CARRIER_LOST
 *   acm.gadget_close_without_clocal_is_carrier_loss
 *                                    the same with CLOCAL off: still
 *                                    CARRIER_LOST, then LINE_REMOVED
 *   acm.unbind_mid_call              echo "" > UDC: LINE_REMOVED, the
 *                                    record readable, data fd at EOF
 *
 * What carries DCD here (6.12): f_acm's serial_state has DCD|DSR set by
 * acm_connect() and cleared by acm_disconnect(), the gserial callbacks
 * u_serial calls from gs_open() and gs_close() of /dev/ttyGS0 (and from
 * gserial_connect()/gserial_disconnect() while it is open). Each change
 * goes to the host as a SERIAL_STATE notification; cdc-acm's
 * acm_process_notification() then calls the line discipline's
 * dcd_change(), after tty_port_tty_hangup() when CLOCAL is off (the hang-up
 * itself runs later, from a work item). So DCD falls exactly when the
 * gadget tty's last opener closes it; our DTR does not reach the gadget
 * tty at all (f_acm keeps SET_CONTROL_LINE_STATE to itself), so a local
 * DROP ends with the +++/ATH fallback.
 *
 * Environment: ML_ACM_UDC (the gadget's UDC file; unbind_mid_call skips
 * without it) and MODEMSIM. Skipped without /dev/ttyACM0 and /dev/ttyGS0.
 * Not run by the generic selftest runner (it lives in $(O)/acm/).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/serial.h>
#include <termios.h>
#include <unistd.h>

#include "ml_test.h"
#include "tty.h"
#include "ttyline.h"
#include "stream.h"

#define NUMBER		"5551234"
#define DTE_TTY		"/dev/ttyACM0"
#define MODEM_TTY	"/dev/ttyGS0"
#define ACM_WAIT_MS	30000		/* TCG guest, KASAN */
#define DATA_LEN	(8 * 1024)

FIXTURE(acm) {
	struct ttyline t;
};

FIXTURE_SETUP(acm)
{
	if (access(DTE_TTY, R_OK | W_OK) || access(MODEM_TTY, R_OK | W_OK))
		SKIP(return, "no CDC-ACM gadget loop (" DTE_TTY ", " MODEM_TTY
		     ": run scripts/check-acm.sh)");
}

FIXTURE_TEARDOWN(acm)
{
	line_down(&self->t);
}

static void acm_up(struct __test_metadata *_metadata, struct ttyline *t,
		   const char *data)
{
	const char *args[] = { "--no-lines", "--data", data, NULL };

	line_up_on(_metadata, t, DTE_TTY, MODEM_TTY, args, NULL);
}

static __u32 acm_dial(struct __test_metadata *_metadata, struct ttyline *t)
{
	struct modemline_event ev;

	return dial_wait(_metadata, t->ml, t->line, NUMBER,
			 MODEMLINE_STATE_CONNECTED, &ev);
}

static void expect_end(struct __test_metadata *_metadata, struct ttyline *t,
		       __u32 call, __u32 origin, __u32 reason)
{
	struct modemline_call_info ci;

	ASSERT_EQ(0, mls_call_info(t->ml, call, &ci));
	EXPECT_EQ(U32(MODEMLINE_STATE_DISCONNECTED), ci.state);
	EXPECT_EQ(origin, ci.origin);
	EXPECT_EQ(reason, ci.reason);
	EXPECT_NE(0ULL, ci.connected_ns);
	EXPECT_LE(ci.connected_ns, ci.disconnected_ns);
	EXPECT_EQ(ci.disconnected_ns - ci.connected_ns, ci.duration_ns);
}

TEST_F_TIMEOUT(acm, dial_and_local_drop, 120)
{
	__u32 call;
	int ret;

	acm_up(_metadata, &self->t, "echo");
	call = acm_dial(_metadata, &self->t);
	MSIM_WAIT(&self->t, "mode", "data");
	ret = mls_drop(self->t.ml, call, MODEMLINE_DROP_WAIT);
	ASSERT_EQ(0, ret) TH_LOG("DROP WAIT: %s", strerror(-ret));
	expect_end(_metadata, &self->t, call, MODEMLINE_ORIGIN_LOCAL,
		   MODEMLINE_REASON_NORMAL);
	MSIM_WAIT(&self->t, "mode", "command");
	ASSERT_EQ(0, mls_deallocate(self->t.ml, call, 0));
}

TEST_F_TIMEOUT(acm, data_both_ways, 120)
{
	static unsigned char out[DATA_LEN], in[DATA_LEN];
	struct modemline_call_info ci;
	char want[32];
	size_t got = 0;
	long bad;
	ssize_t n;
	__u32 call;
	int dfd;

	acm_up(_metadata, &self->t, "echo");
	call = acm_dial(_metadata, &self->t);
	dfd = mls_call_data(self->t.ml, call, 0);
	ASSERT_LE(0, dfd) TH_LOG("CALL_DATA: %s", strerror(-dfd));
	pattern_fill(out, 0, sizeof(out));
	/* In pieces, reading the echo as it comes: nothing waits on a full buffer. */
	for (size_t sent = 0; sent < sizeof(out); ) {
		size_t len = sizeof(out) - sent < 1000 ? sizeof(out) - sent : 1000;

		n = write(dfd, out + sent, len);
		ASSERT_LT(0, n) TH_LOG("write: %s", strerror(errno));
		sent += n;
		while (got < sent && mls_poll_in(dfd, 0) > 0) {
			n = read(dfd, in + got, sizeof(in) - got);
			ASSERT_LT(0, n) TH_LOG("read: %s", n ? strerror(errno) : "EOF");
			got += n;
		}
	}
	while (got < sizeof(in)) {
		ASSERT_LT(0, mls_poll_in(dfd, ACM_WAIT_MS))
			TH_LOG("echo stopped after %zu of %zu bytes", got, sizeof(in));
		n = read(dfd, in + got, sizeof(in) - got);
		ASSERT_LT(0, n) TH_LOG("read: %s", n ? strerror(errno) : "EOF");
		got += n;
	}
	bad = pattern_check(in, 0, sizeof(in));
	ASSERT_EQ(-1, bad) TH_LOG("echo differs at byte %ld", bad);
	ASSERT_EQ(0, mls_call_info(self->t.ml, call, &ci));
	EXPECT_EQ((__u64)DATA_LEN, ci.tx_bytes);
	EXPECT_EQ((__u64)DATA_LEN, ci.rx_bytes);
	snprintf(want, sizeof(want), "%d", DATA_LEN);
	MSIM_WAIT(&self->t, "bytes_in", want);
	MSIM_WAIT(&self->t, "bytes_out", want);
	close(dfd);
	ASSERT_EQ(0, mls_drop(self->t.ml, call, MODEMLINE_DROP_WAIT));
	ASSERT_EQ(0, mls_deallocate(self->t.ml, call, 0));
}

/* Log what cdc-acm reports of the gadget's lines. */
static void acm_lines(struct __test_metadata *_metadata, int fd, const char *when)
{
	struct serial_icounter_struct ic = { 0 };
	int bits = 0;

	ioctl(fd, TIOCMGET, &bits);
	ioctl(fd, TIOCGICOUNT, &ic);
	TH_LOG("%s: DCD %d DSR %d, dcd changes %d", when, !!(bits & TIOCM_CD),
	       !!(bits & TIOCM_DSR), ic.dcd);
}

/*
 * Dial, then the modem closes /dev/ttyGS0: f_acm clears DCD, and cdc-acm
 * calls dcd_change (after queueing its hang-up when CLOCAL is off). The
 * call must have ended for the carrier's loss. Returns the call.
 */
static __u32 dial_then_gadget_close(struct __test_metadata *_metadata,
				    struct ttyline *t)
{
	struct modemline_event ev;
	__u32 call;

	call = acm_dial(_metadata, t);
	/*
	 * The gadget's DCD-up notification must have reached cdc-acm first:
	 * f_acm sends only the latest serial_state, so an up still queued
	 * when the close clears DCD would never be seen as a change.
	 */
	for (int i = 0, bits = 0; !(bits & TIOCM_CD); i++) {
		ASSERT_GT(ACM_WAIT_MS / 10, i) TH_LOG("cdc-acm never saw DCD");
		ASSERT_EQ(0, ioctl(t->fd, TIOCMGET, &bits));
		if (!(bits & TIOCM_CD))
			sleep_ms(10);
	}
	acm_lines(_metadata, t->fd, "before the close");
	/* SIGKILL: modemsim says nothing more, it only closes the tty. */
	ASSERT_EQ(0, msim_kill(&t->sim, SIGKILL));
	msim_reap(&t->sim, ACM_WAIT_MS);
	sleep_ms(500);
	acm_lines(_metadata, t->fd, "after the close");
	check_ended_event(_metadata, t->ml, t->line, call,
			  MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_CARRIER_LOST,
			  &ev);
	expect_end(_metadata, t, call, MODEMLINE_ORIGIN_REMOTE,
		   MODEMLINE_REASON_CARRIER_LOST);
	return call;
}

TEST_F_TIMEOUT(acm, gadget_close_is_carrier_loss, 120)
{
	struct modemline_line_info li;
	struct termios tio;
	__u32 call;

	acm_up(_metadata, &self->t, "echo");
	ASSERT_EQ(0, tcgetattr(self->t.fd, &tio));
	ASSERT_NE(0U, tio.c_cflag & CLOCAL);
	call = dial_then_gadget_close(_metadata, &self->t);
	/* CLOCAL: no hang-up, the line stays. */
	EXPECT_EQ(0, mls_line_info(self->t.ml, self->t.line, &li));
	ASSERT_EQ(0, mls_deallocate(self->t.ml, call, 0));
}

/*
 * CLOCAL off: cdc-acm queues the tty's hang-up before it reports DCD, so
 * the hang-up may come first; the call still ends for the carrier's loss,
 * and then the line goes with the tty.
 */
TEST_F_TIMEOUT(acm, gadget_close_without_clocal_is_carrier_loss, 120)
{
	struct termios tio;
	__u32 call;

	acm_up(_metadata, &self->t, "echo");
	ASSERT_EQ(0, tcgetattr(self->t.fd, &tio));
	tio.c_cflag &= ~CLOCAL;
	ASSERT_EQ(0, tcsetattr(self->t.fd, TCSANOW, &tio));
	call = dial_then_gadget_close(_metadata, &self->t);
	wait_line_gone(_metadata, self->t.ml, self->t.line);
	ASSERT_EQ(0, mls_deallocate(self->t.ml, call, 0));
}

static bool wait_path(const char *path, bool present, int timeout_ms)
{
	__u64 deadline = mls_now_ns() + (__u64)timeout_ms * 1000000ULL;
	struct stat st;

	for (;;) {
		if ((stat(path, &st) == 0) == present)
			return true;
		if (mls_now_ns() >= deadline)
			return false;
		sleep_ms(100);
	}
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

/* Last: the gadget is bound again afterwards, as a new ttyACM0. */
TEST_F_TIMEOUT(acm, unbind_mid_call, 180)
{
	const char *udc = getenv("ML_ACM_UDC");
	struct modemline_call_info ci;
	struct modemline_event ev;
	char buf[64];
	__u32 call;
	int dfd, ret;
	ssize_t n;

	if (!udc || !*udc)
		SKIP(return, "no $ML_ACM_UDC (run scripts/check-acm.sh)");
	acm_up(_metadata, &self->t, "echo");
	ASSERT_EQ(0, mls_subscribe(self->t.ml, self->t.line));
	call = acm_dial(_metadata, &self->t);
	dfd = mls_call_data(self->t.ml, call, 0);
	ASSERT_LE(0, dfd) TH_LOG("CALL_DATA: %s", strerror(-dfd));

	ret = write_file(udc, "\n");
	ASSERT_EQ(0, ret) TH_LOG("unbinding (%s): %s", udc, strerror(-ret));

	ret = mls_wait_state(self->t.ml, call, MODEMLINE_STATE_DISCONNECTED,
			     &ev, ACM_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("the unbind did not end the call: %s",
				 strerror(-ret));
	/*
	 * Either the unbind's hang-up (SYSTEM / LINE_REMOVED) or, first, the
	 * DCD drop of the gadget's disconnect (REMOTE / CARRIER_LOST) ends it.
	 */
	TH_LOG("unbind ended the call: origin %u reason %u", ev.origin, ev.reason);
	EXPECT_TRUE((ev.origin == MODEMLINE_ORIGIN_SYSTEM &&
		     ev.reason == MODEMLINE_REASON_LINE_REMOVED) ||
		    (ev.origin == MODEMLINE_ORIGIN_REMOTE &&
		     ev.reason == MODEMLINE_REASON_CARRIER_LOST));
	ret = mls_wait_event(self->t.ml, MODEMLINE_EVENT_LINE_REMOVED,
			     self->t.line, &ev, ACM_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("no LINE_REMOVED event: %s", strerror(-ret));
	check_line_event(_metadata, &ev, MODEMLINE_EVENT_LINE_REMOVED,
			 self->t.line, MODEMLINE_REASON_LINE_REMOVED, "");

	/* The record outlives the line; the data descriptor is at EOF. */
	ASSERT_EQ(0, mls_call_info(self->t.ml, call, &ci));
	EXPECT_EQ(U32(MODEMLINE_STATE_DISCONNECTED), ci.state);
	EXPECT_EQ(self->t.line, ci.line_id);
	EXPECT_NE(0ULL, ci.connected_ns);
	n = read(dfd, buf, sizeof(buf));
	EXPECT_EQ(0, n) TH_LOG("read after the unbind: %zd (%s)", n,
			       n < 0 ? strerror(errno) : "data");
	close(dfd);
	wait_line_gone(_metadata, self->t.ml, self->t.line);
	ASSERT_EQ(0, mls_deallocate(self->t.ml, call, 0));

	/* Bind again, for whatever runs after us. */
	line_down(&self->t);
	ret = write_file(udc, "dummy_udc.0\n");
	ASSERT_EQ(0, ret) TH_LOG("binding again: %s", strerror(-ret));
	EXPECT_TRUE(wait_path(DTE_TTY, true, ACM_WAIT_MS));
}

TEST_HARNESS_MAIN

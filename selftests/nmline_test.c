// SPDX-License-Identifier: GPL-2.0
/*
 * The line discipline on a tty that has modem-control lines: one end of
 * a null-modem pair (kmod/tests/nullmodem, /dev/ttyNMA1), with modemsim
 * serving the other end (--tty /dev/ttyNMB1) as a modem that obeys DTR
 * (&D) and drives DCD (&C). Our DTR is modemsim's DSR/DCD, its DTR our
 * DCD, our RTS its CTS. Skipped without the null-modem module.
 *
 *   nm.local_drop_hangs_up_by_dtr            DROP drops DTR, sends no +++
 *   nm.dial_right_after_dtr_hangup_connects  the hang-up's OK is not taken
 *                                            for the next init's reply
 *   nm.amp_d0_modem_falls_back_to_the_escape a modem ignoring DTR: +++ ATH
 *   nm.carrier_loss_with_clocal_ends_the_call  DCD falls, no result code
 *   nm.carrier_loss_without_clocal_hangs_up_the_line  ... and the tty
 *   nm.stalled_reader_then_carrier_loss_leaves_the_line_usable
 *                                   (issue 20.1, with RTS/CTS flow control)
 *   nm.writer_held_by_cts_loses_nothing  CTS low holds a writer, exact bytes
 *   nm.drop_while_dialing_abandons_the_dial  the modem idle, the line ready
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "ml_test.h"
#include "tty.h"
#include "ttyline.h"
#include "stream.h"

#define NUMBER		"5551234"
#define DTE_TTY		"/dev/ttyNMA1"
#define MODEM_TTY	"/dev/ttyNMB1"
/*
 * Long enough that an escape (guard, "+++", guard) could never pass for
 * a DTR hang-up, even on a slow machine.
 */
#define LONG_GUARD_MS	5000ULL
#define INIT_AMP_D0	"ATE0V1Q0X4&C1&D0S0=0"

FIXTURE(nm) {
	struct ttyline t;
};

FIXTURE_SETUP(nm)
{
	if (access(DTE_TTY, R_OK | W_OK) || access(MODEM_TTY, R_OK | W_OK))
		SKIP(return, "no null-modem pair (modemline_nullmodem not loaded)");
}

FIXTURE_TEARDOWN(nm)
{
	line_down(&self->t);
}

/* modemline and modemsim on the pair, modemsim given @args. */
static void nm_up(struct __test_metadata *_metadata, struct ttyline *t,
		  const char *const *args, const char *init)
{
	line_up_on(_metadata, t, DTE_TTY, MODEM_TTY, args, init);
}

/* modemsim's status field @key as a number. */
static long msim_num(struct __test_metadata *_metadata, struct ttyline *t,
		     const char *key)
{
	char val[32];
	int ret;

	ret = msim_status(&t->sim, key, val, sizeof(val));
	EXPECT_EQ(0, ret) TH_LOG("modemsim status %s: %s", key, strerror(-ret));
	return ret ? -1 : strtol(val, NULL, 10);
}

static __u32 nm_dial(struct __test_metadata *_metadata, struct ttyline *t)
{
	struct modemline_event ev;

	return dial_wait(_metadata, t->ml, t->line, NUMBER,
			 MODEMLINE_STATE_CONNECTED, &ev);
}

/* DROP with WAIT; its duration in ms. */
static __u64 drop_wait_ms(struct __test_metadata *_metadata, struct ttyline *t,
			  __u32 call)
{
	__u64 t0 = mls_now_ns();
	int ret;

	ret = mls_drop(t->ml, call, MODEMLINE_DROP_WAIT);
	EXPECT_EQ(0, ret) TH_LOG("DROP WAIT: %s", strerror(-ret));
	return (mls_now_ns() - t0) / 1000000ULL;
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

TEST_F(nm, local_drop_hangs_up_by_dtr)
{
	const char *args[] = { "--guard", "5000", NULL };
	long drops, escapes;
	__u64 ms;
	__u32 call;

	nm_up(_metadata, &self->t, args, NULL);
	ASSERT_EQ(0, tty_set_guard(self->t.fd, LONG_GUARD_MS, NULL));
	call = nm_dial(_metadata, &self->t);
	MSIM_WAIT(&self->t, "dcd", "1");
	drops = msim_num(_metadata, &self->t, "dtr_drops");
	escapes = msim_num(_metadata, &self->t, "escapes");
	ms = drop_wait_ms(_metadata, &self->t, call);
	TH_LOG("DTR hang-up took %llu ms (guard time %llu ms)",
	       (unsigned long long)ms, LONG_GUARD_MS);
	EXPECT_GT(LONG_GUARD_MS, ms);
	expect_end(_metadata, &self->t, call, MODEMLINE_ORIGIN_LOCAL,
		   MODEMLINE_REASON_NORMAL);
	EXPECT_EQ(drops + 1, msim_num(_metadata, &self->t, "dtr_drops"));
	EXPECT_EQ(escapes, msim_num(_metadata, &self->t, "escapes"));
	MSIM_WAIT(&self->t, "mode", "command");
	MSIM_WAIT(&self->t, "dcd", "0");
}

/*
 * With &C1 the modem drops carrier before its OK to the DTR drop: a
 * DIAL made as soon as DROP WAIT returns must not meet that OK.
 */
TEST_F(nm, dial_right_after_dtr_hangup_connects)
{
	struct modemline_event ev;
	__u32 call;
	int round;

	nm_up(_metadata, &self->t, NULL, NULL);
	for (round = 0; round < 5; round++) {
		call = nm_dial(_metadata, &self->t);
		ASSERT_EQ(0, mls_drop(self->t.ml, call, MODEMLINE_DROP_WAIT));
		expect_end(_metadata, &self->t, call, MODEMLINE_ORIGIN_LOCAL,
			   MODEMLINE_REASON_NORMAL);
		ASSERT_EQ(0, mls_deallocate(self->t.ml, call, 0));
		ASSERT_LE(0, mls_drain_events(self->t.ml));
	}
	call = dial_wait(_metadata, self->t.ml, self->t.line, NUMBER,
			 MODEMLINE_STATE_CONNECTED, &ev);
	EXPECT_NE(0U, call);
}

TEST_F(nm, amp_d0_modem_falls_back_to_the_escape)
{
	long drops, escapes;
	__u64 ms;
	__u32 call;

	nm_up(_metadata, &self->t, NULL, INIT_AMP_D0);
	call = nm_dial(_metadata, &self->t);
	drops = msim_num(_metadata, &self->t, "dtr_drops");
	escapes = msim_num(_metadata, &self->t, "escapes");
	ms = drop_wait_ms(_metadata, &self->t, call);
	TH_LOG("DTR tried, then the escape: %llu ms (guard time %d ms)",
	       (unsigned long long)ms, GUARD_MS);
	expect_end(_metadata, &self->t, call, MODEMLINE_ORIGIN_LOCAL,
		   MODEMLINE_REASON_NORMAL);
	EXPECT_EQ(drops + 1, msim_num(_metadata, &self->t, "dtr_drops"));
	EXPECT_EQ(escapes + 1, msim_num(_metadata, &self->t, "escapes"));
	MSIM_WAIT(&self->t, "mode", "command");
}

TEST_F(nm, carrier_loss_with_clocal_ends_the_call)
{
	struct modemline_event ev;
	__u32 call;

	nm_up(_metadata, &self->t, NULL, NULL);
	call = nm_dial(_metadata, &self->t);
	MSIM(&self->t, "carrier off");
	check_ended_event(_metadata, self->t.ml, self->t.line, call,
			  MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_CARRIER_LOST,
			  &ev);
	expect_end(_metadata, &self->t, call, MODEMLINE_ORIGIN_REMOTE,
		   MODEMLINE_REASON_CARRIER_LOST);
	/* CLOCAL: the tty stays, and so does the line. */
	ASSERT_EQ(0, mls_deallocate(self->t.ml, call, 0));
	MSIM(&self->t, "carrier on");
	call = nm_dial(_metadata, &self->t);
	EXPECT_NE(0U, call);
}

TEST_F(nm, carrier_loss_without_clocal_hangs_up_the_line)
{
	struct modemline_event ev;
	struct termios tio;
	__u32 call;

	nm_up(_metadata, &self->t, NULL, NULL);
	call = nm_dial(_metadata, &self->t);
	ASSERT_EQ(0, tcgetattr(self->t.fd, &tio));
	tio.c_cflag &= ~CLOCAL;
	ASSERT_EQ(0, tcsetattr(self->t.fd, TCSANOW, &tio));
	MSIM(&self->t, "carrier off");
	/* The carrier loss is reported before the hang-up removes the line. */
	check_ended_event(_metadata, self->t.ml, self->t.line, call,
			  MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_CARRIER_LOST,
			  &ev);
	wait_line_gone(_metadata, self->t.ml, self->t.line);
	expect_end(_metadata, &self->t, call, MODEMLINE_ORIGIN_REMOTE,
		   MODEMLINE_REASON_CARRIER_LOST);
	ASSERT_EQ(0, mls_deallocate(self->t.ml, call, 0));
}

/*
 * Issue 20.1 end to end: RTS/CTS on, the reader stalls until the modem
 * is held by our RTS, then carrier drops. The line must take the next
 * call: before the fix its receive side stayed throttled and every later
 * init string went unanswered.
 */
TEST_F(nm, stalled_reader_then_carrier_loss_leaves_the_line_usable)
{
	const char *args[] = { "--data", "echo", NULL };
	static char buf[64 * 1024];
	struct modemline_event ev;
	struct termios tio;
	__u32 call;
	int dfd;

	nm_up(_metadata, &self->t, args, NULL);
	ASSERT_EQ(0, tcgetattr(self->t.fd, &tio));
	tio.c_cflag |= CRTSCTS;
	ASSERT_EQ(0, tcsetattr(self->t.fd, TCSANOW, &tio));
	call = nm_dial(_metadata, &self->t);
	dfd = mls_call_data(self->t.ml, call, 0);
	ASSERT_LE(0, dfd) TH_LOG("CALL_DATA: %s", strerror(-dfd));
	/* 64 KiB echoed, unread: more than the call's ring holds. */
	memset(buf, 'x', sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf), write(dfd, buf, sizeof(buf)));
	/* modemsim is held once its output waits for our RTS. */
	MSIM_WAIT(&self->t, "cts", "0");
	MSIM(&self->t, "carrier off");
	check_ended_event(_metadata, self->t.ml, self->t.line, call,
			  MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_CARRIER_LOST,
			  &ev);
	close(dfd);
	ASSERT_EQ(0, mls_deallocate(self->t.ml, call, 0));
	MSIM(&self->t, "carrier on");
	call = nm_dial(_metadata, &self->t);
	EXPECT_NE(0U, call);
}

/* Our CTS (modemsim's RTS) low: a writer is held, then nothing is lost. */
TEST_F(nm, writer_held_by_cts_loses_nothing)
{
	const char *args[] = { "--data", "sink", NULL };
	static char buf[16 * 1024];
	struct modemline_call_info ci;
	struct termios tio;
	int dfd, mfd, bits = TIOCM_RTS;
	ssize_t n;
	__u32 call;

	nm_up(_metadata, &self->t, args, NULL);
	ASSERT_EQ(0, tcgetattr(self->t.fd, &tio));
	tio.c_cflag |= CRTSCTS;
	ASSERT_EQ(0, tcsetattr(self->t.fd, TCSANOW, &tio));
	call = nm_dial(_metadata, &self->t);
	dfd = mls_call_data(self->t.ml, call, MODEMLINE_DATA_NONBLOCK);
	ASSERT_LE(0, dfd) TH_LOG("CALL_DATA: %s", strerror(-dfd));
	/* The modem's side drops its RTS, as a modem with full buffers does. */
	mfd = open(MODEM_TTY, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, mfd);
	ASSERT_EQ(0, ioctl(mfd, TIOCMBIC, &bits));
	memset(buf, 'y', sizeof(buf));
	n = write(dfd, buf, sizeof(buf));
	ASSERT_LT(0, n);
	/* The driver's buffer fills, then the writer is refused. */
	while (n > 0)
		n = write(dfd, buf, sizeof(buf));
	EXPECT_EQ(-1, n);
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, msim_num(_metadata, &self->t, "bytes_in"));
	ASSERT_EQ(0, mls_call_info(self->t.ml, call, &ci));
	ASSERT_EQ(0, ioctl(mfd, TIOCMBIS, &bits));
	close(mfd);
	{
		char want[32];

		snprintf(want, sizeof(want), "%llu", (unsigned long long)ci.tx_bytes);
		MSIM_WAIT(&self->t, "bytes_in", want);
	}
	close(dfd);
}

/*
 * A DROP while the modem is still dialing abandons the dial (a character
 * aborts it, V.250 6.3.1) well before the modem would have answered, and
 * the next dial on the line connects.
 */
TEST_F(nm, drop_while_dialing_abandons_the_dial)
{
	const char *args[] = { "--answer-delay", "8000", NULL };
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call = 0;
	__u64 ms;

	nm_up(_metadata, &self->t, args, NULL);
	ASSERT_EQ(0, mls_dial(self->t.ml, self->t.line, NUMBER, 0, &call));
	MSIM_WAIT(&self->t, "mode", "dialing");
	ms = drop_wait_ms(_metadata, &self->t, call);
	TH_LOG("dial abandoned in %llu ms", (unsigned long long)ms);
	EXPECT_GT(8000ULL, ms);
	ASSERT_EQ(0, mls_call_info(self->t.ml, call, &ci));
	EXPECT_EQ(U32(MODEMLINE_STATE_DISCONNECTED), ci.state);
	EXPECT_EQ(U32(MODEMLINE_ORIGIN_LOCAL), ci.origin);
	EXPECT_EQ(U32(MODEMLINE_REASON_NORMAL), ci.reason);
	EXPECT_EQ(0ULL, ci.connected_ns);
	MSIM_WAIT(&self->t, "mode", "command");
	ASSERT_EQ(0, mls_deallocate(self->t.ml, call, 0));
	MSIM(&self->t, "answer-delay 0");
	call = dial_wait(_metadata, self->t.ml, self->t.line, NUMBER,
			 MODEMLINE_STATE_CONNECTED, &ev);
	EXPECT_NE(0U, call);
}

TEST_HARNESS_MAIN

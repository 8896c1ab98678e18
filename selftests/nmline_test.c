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
 *   nm.carrier_loss_without_clocal_on_a_3gpp_line_hangs_up_the_line
 *                                   the end held for AT+CEER is reported
 *   nm.stalled_reader_then_carrier_loss_leaves_the_line_usable
 *                                   (issue 20.1, with RTS/CTS flow control)
 *   nm.writer_held_by_cts_loses_nothing  CTS low holds a writer, exact bytes
 *   nm.drop_while_dialing_abandons_the_dial  the modem idle, the line ready
 *   nm.closing_the_tty_while_dialing_drops_dtr_and_the_dial
 *                                   HUPCL: the modem (&D2) abandons it
 *   nm.paced_115200_one_mib_each_way_is_byte_exact  real serial timing
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
#include "nullmodem.h"

#define NUMBER		"5551234"
#define DTE_TTY		"/dev/ttyNMA1"
#define MODEM_TTY	"/dev/ttyNMB1"
/*
 * Long enough that an escape (guard, "+++", guard) could never pass for
 * a DTR hang-up, even on a slow machine.
 */
#define LONG_GUARD_MS	5000ULL
#define INIT_AMP_D0	"ATE0V1Q0X4&C1&D0S0=0"
#define INIT_3GPP	"ATE0V1Q0&C1&D2S0=0"

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
	nm_paced_set("N");
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
	static const char *const args[] = { "--guard", "5000", NULL };
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

/*
 * CLOCAL off, the carrier drops during @call: the driver hangs the tty
 * up, and the call must have ended for the carrier's loss, not for the
 * line's removal that follows.
 */
static void carrier_loss_hangs_up(struct __test_metadata *_metadata,
				  struct ttyline *t, __u32 call)
{
	struct modemline_event ev;
	struct termios tio;

	ASSERT_EQ(0, tcgetattr(t->fd, &tio));
	tio.c_cflag &= ~CLOCAL;
	ASSERT_EQ(0, tcsetattr(t->fd, TCSANOW, &tio));
	MSIM(t, "carrier off");
	check_ended_event(_metadata, t->ml, t->line, call,
			  MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_CARRIER_LOST,
			  &ev);
	wait_line_gone(_metadata, t->ml, t->line);
	expect_end(_metadata, t, call, MODEMLINE_ORIGIN_REMOTE,
		   MODEMLINE_REASON_CARRIER_LOST);
}

TEST_F(nm, carrier_loss_without_clocal_hangs_up_the_line)
{
	__u32 call;

	nm_up(_metadata, &self->t, NULL, NULL);
	call = nm_dial(_metadata, &self->t);
	carrier_loss_hangs_up(_metadata, &self->t, call);
	ASSERT_EQ(0, mls_deallocate(self->t.ml, call, 0));
}

/*
 * A 3GPP line asks the modem why a call ended (AT+CEER) before it
 * reports the end. When the carrier's loss also hangs the tty up, no
 * answer can come: the call ends for the carrier's loss all the same.
 */
TEST_F(nm, carrier_loss_without_clocal_on_a_3gpp_line_hangs_up_the_line)
{
	static const char *const args[] = { "--dialect", "3gpp", NULL };
	struct modemline_tty_config cfg;
	struct modemline_call_info ci;
	__u32 call;

	nm_up(_metadata, &self->t, args, INIT_3GPP);
	ASSERT_EQ(0, tty_get_config(self->t.fd, &cfg));
	cfg.dialect = MODEMLINE_DIALECT_3GPP;
	ASSERT_EQ(0, tty_set_config(self->t.fd, &cfg));
	call = nm_dial(_metadata, &self->t);
	carrier_loss_hangs_up(_metadata, &self->t, call);
	/* Ended by the hang-up, not by an answer to AT+CEER. */
	ASSERT_EQ(0, mls_call_info(self->t.ml, call, &ci));
	EXPECT_STREQ("", ci.cause);
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
	static const char *const args[] = { "--data", "echo", NULL };
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
	DATA_OPEN(dfd, self->t.ml, call, 0);
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
	static const char *const args[] = { "--data", "sink", NULL };
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
	DATA_OPEN(dfd, self->t.ml, call, MODEMLINE_DATA_NONBLOCK);
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
	static const char *const args[] = { "--answer-delay", "8000", NULL };
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

/*
 * The program holding the tty goes away while the modem is still
 * dialing: closing the tty drops DTR (HUPCL), and a modem that obeys it
 * (&D2, the default init string) abandons the dial at once instead of
 * connecting later to nobody. The record says the line went away.
 */
TEST_F(nm, closing_the_tty_while_dialing_drops_dtr_and_the_dial)
{
	static const char *const args[] = { "--answer-delay", "30000", NULL };
	struct modemline_call_info ci;
	__u32 call = 0;
	long drops;
	__u64 t0;

	nm_up(_metadata, &self->t, args, NULL);
	ASSERT_EQ(0, mls_dial(self->t.ml, self->t.line, NUMBER, 0, &call));
	MSIM_WAIT(&self->t, "mode", "dialing");
	drops = msim_num(_metadata, &self->t, "dtr_drops");
	t0 = mls_now_ns();
	ASSERT_EQ(0, close(self->t.fd));
	self->t.fd = -1;
	MSIM_WAIT(&self->t, "mode", "command");
	TH_LOG("the modem left the dial %llu ms after the close",
	       (unsigned long long)((mls_now_ns() - t0) / 1000000ULL));
	EXPECT_EQ(drops + 1, msim_num(_metadata, &self->t, "dtr_drops"));
	EXPECT_EQ(0, msim_num(_metadata, &self->t, "escapes"));
	ASSERT_EQ(0, mls_call_info(self->t.ml, call, &ci));
	EXPECT_EQ(U32(MODEMLINE_STATE_DISCONNECTED), ci.state);
	EXPECT_EQ(U32(MODEMLINE_ORIGIN_SYSTEM), ci.origin);
	EXPECT_EQ(U32(MODEMLINE_REASON_LINE_REMOVED), ci.reason);
	EXPECT_EQ(0ULL, ci.connected_ns);
}

/* Set @path's speed: the pair keeps a tty's termios from one open to the next. */
static int nm_speed_set(const char *path, speed_t speed)
{
	int fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	struct termios tio;
	int ret = 0;

	if (fd < 0)
		return -errno;
	if (tcgetattr(fd, &tio) || cfsetspeed(&tio, speed) ||
	    tcsetattr(fd, TCSANOW, &tio))
		ret = -errno;
	close(fd);
	return ret;
}

/*
 * A call on a line paced like a real serial port at 115200 bit/s (11520
 * bytes/s each way): 1 MiB out and the same MiB echoed back at the same
 * time, byte-exact, counted exactly in the record. About 91 s.
 */
TEST_F_TIMEOUT(nm, paced_115200_one_mib_each_way_is_byte_exact, 400)
{
	static const char *const args[] = { "--data", "echo", NULL };
	double wire_s = MIB * 10.0 / 115200;
	__u64 t0, took_ms;
	__u32 call;
	int dfd;

	if (nm_paced_set("Y"))
		SKIP(return, "cannot set %s", NM_PARAM_PACED);
	ASSERT_EQ(0, nm_speed_set(DTE_TTY, B115200));
	ASSERT_EQ(0, nm_speed_set(MODEM_TTY, B115200));
	nm_up(_metadata, &self->t, args, NULL);
	call = nm_dial(_metadata, &self->t);
	DATA_OPEN(dfd, self->t.ml, call, 0);
	t0 = mls_now_ns();
	stream_exchange(_metadata, dfd, MIB, true);
	took_ms = (mls_now_ns() - t0) / 1000000ULL;
	TH_LOG("1 MiB each way at 115200 bit/s: %llu ms (wire time %.0f ms)",
	       (unsigned long long)took_ms, wire_s * 1000);
	/* Faster than the wire would mean the pacing is not there. */
	EXPECT_LE(wire_s * 900, (double)took_ms);
	wait_modem_bytes_in(_metadata, &self->t, MIB);
	check_bytes(_metadata, self->t.ml, call, MIB, MIB);
	close(dfd);
}

TEST_HARNESS_MAIN

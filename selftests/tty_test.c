// SPDX-License-Identifier: GPL-2.0
/*
 * The modemline line discipline on a pty, with userspace/modemsim as the
 * modem: dial, answer and every way a call ends, the modem habits the AT
 * engine must cope with (echo, numeric results, CONNECT suffixes,
 * garbage, unsolicited lines), the line going away under a call (pty
 * master closed, discipline detached), the tty ioctls, the CAP_NET_ADMIN
 * check, and util-linux ldattach.
 *
 * modemsim is found next to this binary (../userspace/modemsim) or in
 * $MODEMSIM. Runs as root with modemline loaded.
 */
#include "ml_test.h"

#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "tty.h"
#include "ttyline.h"

#define NUMBER		"5551234"
#define CALLER_ID	"5551234"
#define RATE		33600	/* modemsim's default CONNECT rate */
#define INIT_DEFAULT	"ATE0V1Q0X4&C1&D2S0=0"
#define MS		1000000ULL	/* ns */
#define LDATTACH	"/usr/sbin/ldattach"
/*
 * modemsim's 'garbage' is random() output from --seed: fragments such as
 * "CONN", "NO CARR", "RIN", "+CLIP: \"" and whole words ("ERROR", "OK",
 * "BUSY") between random bytes. With this seed neither of the first two
 * 'garbage 200' holds a line that any modem parser could take for a
 * result (no "OK", "ERROR", "CONNECT", "RING", ... alone on a line), so a
 * failing dial is the engine's fault, not an ambiguous input.
 */
#define GARBAGE_SEED	"17"

static struct rec_expect rec_out(__u32 line_id)
{
	struct rec_expect e = {
		.line_id = line_id,
		.direction = MODEMLINE_DIR_OUTGOING,
		.number = NUMBER,
	};
	return e;
}

/*
 * The data-mode end-of-call line is recognised only after guard_ms of
 * silence from the modem (see kmod/at.c). Waiting longer than that
 * after the last thing the modem sent can only make the gap longer on
 * a slow machine, never shorter.
 */
static void quiet_period(void)
{
	sleep_ms(3 * GUARD_MS);
}

/* Dial on the line and wait for CONNECTED; check the event. */
static __u32 connect_call(struct __test_metadata *_metadata,
			  struct ttyline *t, __u32 rate)
{
	struct modemline_event ev;
	__u32 call;

	call = dial_wait(_metadata, t->ml, t->line, NUMBER,
			 MODEMLINE_STATE_CONNECTED, &ev);
	check_state_event(_metadata, &ev, t->line, call,
			  MODEMLINE_STATE_CONNECTED, 0, 0, rate);
	return call;
}

/* DROP with DROP_WAIT, then check the DISCONNECTING/DISCONNECTED events. */
static void drop_call(struct __test_metadata *_metadata, struct ttyline *t,
		      __u32 call)
{
	struct modemline_event ev;
	int ret;

	ret = mls_drop(t->ml, call, MODEMLINE_DROP_WAIT);
	ASSERT_EQ(0, ret) TH_LOG("DROP: %s", strerror(-ret));
	ASSERT_EQ(0, mls_read_event(t->ml, &ev, ML_WAIT_MS));
	check_state_event(_metadata, &ev, t->line, call,
			  MODEMLINE_STATE_DISCONNECTING, 0, 0, 0);
	ASSERT_EQ(0, mls_read_event(t->ml, &ev, ML_WAIT_MS));
	check_state_event(_metadata, &ev, t->line, call,
			  MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_LOCAL,
			  MODEMLINE_REASON_NORMAL, 0);
}

/* Is @id in LINE_LIST? 1, 0, or -errno. */
static int line_listed(int fd, __u32 id)
{
	__u32 ids[1024], count = 0, i;
	int ret;

	ret = mls_line_list(fd, ids, 1024, &count);
	if (ret)
		return ret;
	for (i = 0; i < count && i < 1024; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/*
 * After the line went away under a connected call: the call's end
 * (SYSTEM / LINE_REMOVED), the subscribers' LINE_REMOVED event, the
 * record unchanged otherwise, the line gone from LINE_INFO and LINE_LIST.
 */
static void check_removed_under_call(struct __test_metadata *_metadata,
				     struct ttyline *t, __u32 call)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	struct rec_expect e = rec_out(t->line);
	int ret;

	ret = mls_wait_state(t->ml, call, MODEMLINE_STATE_DISCONNECTED, &ev,
			     ML_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("the call did not end: %s", strerror(-ret));
	check_state_event(_metadata, &ev, t->line, call,
			  MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_SYSTEM,
			  MODEMLINE_REASON_LINE_REMOVED, 0);
	ret = mls_wait_event(t->ml, MODEMLINE_EVENT_LINE_REMOVED, t->line, &ev,
			     ML_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("no LINE_REMOVED event: %s", strerror(-ret));
	check_line_event(_metadata, &ev, MODEMLINE_EVENT_LINE_REMOVED, t->line,
			 MODEMLINE_REASON_LINE_REMOVED, "");

	ASSERT_EQ(0, mls_call_info(t->ml, call, &ci));
	e.state = MODEMLINE_STATE_DISCONNECTED;
	e.origin = MODEMLINE_ORIGIN_SYSTEM;
	e.reason = MODEMLINE_REASON_LINE_REMOVED;
	e.rate = RATE;
	e.result = "CONNECT 33600";
	e.connected = true;
	e.ended = true;
	check_record(_metadata, &ci, call, &e);
	ASSERT_LT(0ULL, ci.duration_ns);

	wait_line_gone(_metadata, t->ml, t->line);
	ASSERT_EQ(0, line_listed(t->ml, t->line));
	/* The record outlives the line until it is released. */
	ASSERT_EQ(0, mls_deallocate(t->ml, call, 0));
	ASSERT_EQ(-ENOENT, mls_call_info(t->ml, call, &ci));
}

/* ------------------------------------------------------------------ */
/* The default modem (connects at 33600, caller id on)                 */

FIXTURE(tty) {
	struct ttyline t;
};

FIXTURE_SETUP(tty)
{
	static const char *const args[] = { "--cid", NULL };

	line_up(_metadata, &self->t, args, NULL);
}

FIXTURE_TEARDOWN(tty)
{
	line_down(&self->t);
}

#define T (&self->t)

TEST_F(tty, line_info_describes_tty_line)
{
	char name[MODEMLINE_NAME_LEN];

	snprintf(name, sizeof(name), "pts%d", T->sim.pty_index);
	ASSERT_EQ(1, line_listed(T->ml, T->line));
	check_new_line_info(_metadata, T->ml, T->line, MODEMLINE_TRANSPORT_TTY,
			    name, 0, 0, "");
}

TEST_F(tty, dial_connect_local_drop)
{
	struct modemline_call_info ci;
	struct modemline_line_info li;
	struct rec_expect e = rec_out(T->line);
	__u64 t0 = mls_now_ns();
	__u32 call;

	call = connect_call(_metadata, T, RATE);
	ASSERT_EQ(0, mls_call_info(T->ml, call, &ci));
	e.state = MODEMLINE_STATE_CONNECTED;
	e.rate = RATE;
	e.result = "CONNECT 33600";
	e.connected = true;
	check_record(_metadata, &ci, call, &e);
	ASSERT_LE(t0, ci.created_ns);
	MSIM_WAIT(T, "mode", "data");

	ASSERT_EQ(0, mls_line_info(T->ml, T->line, &li));
	ASSERT_EQ(U32(MODEMLINE_LINE_BUSY), li.flags);

	/* No DTR on a pty: the engine escapes with +++ and sends ATH. */
	drop_call(_metadata, T, call);
	ASSERT_EQ(0, mls_call_info(T->ml, call, &ci));
	e.state = MODEMLINE_STATE_DISCONNECTED;
	e.origin = MODEMLINE_ORIGIN_LOCAL;
	e.reason = MODEMLINE_REASON_NORMAL;
	e.result = "OK";		/* the modem's answer to ATH */
	e.ended = true;
	check_record(_metadata, &ci, call, &e);
	/* Guard time, "+++", guard time, ATH: at least two guard times. */
	ASSERT_LE(2 * GUARD_MS * MS, ci.duration_ns);

	/* The modem really hung up, and the line is free again. */
	MSIM_WAIT(T, "mode", "command");
	MSIM_WAIT(T, "call", "0");
	MSIM_WAIT(T, "number", NUMBER);
	ASSERT_EQ(0, mls_line_info(T->ml, T->line, &li));
	ASSERT_EQ(0U, li.flags);
	ASSERT_EQ(1ULL, li.calls);
	ASSERT_EQ(1ULL, li.calls_connected);
	ASSERT_EQ(0ULL, li.calls_failed);
	ASSERT_EQ(0, mls_deallocate(T->ml, call, 0));
}

TEST_F(tty, second_call_after_drop)
{
	__u32 call;

	call = connect_call(_metadata, T, RATE);
	drop_call(_metadata, T, call);
	ASSERT_EQ(0, mls_deallocate(T->ml, call, 0));
	call = connect_call(_metadata, T, RATE);
	drop_call(_metadata, T, call);
	MSIM_WAIT(T, "calls", "2");
}

TEST_F(tty, remote_hangup)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	struct rec_expect e = rec_out(T->line);
	__u32 call;
	int ret;

	call = connect_call(_metadata, T, RATE);
	quiet_period();
	MSIM(T, "hangup");
	ret = mls_wait_state(T->ml, call, MODEMLINE_STATE_DISCONNECTED, &ev,
			     ML_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("NO CARRIER did not end the call: %s",
				 strerror(-ret));
	check_state_event(_metadata, &ev, T->line, call,
			  MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_REMOTE,
			  MODEMLINE_REASON_NORMAL, 0);
	ASSERT_EQ(0, mls_call_info(T->ml, call, &ci));
	e.state = MODEMLINE_STATE_DISCONNECTED;
	e.origin = MODEMLINE_ORIGIN_REMOTE;
	e.reason = MODEMLINE_REASON_NORMAL;
	e.rate = RATE;
	e.result = "NO CARRIER";
	e.connected = true;
	e.ended = true;
	check_record(_metadata, &ci, call, &e);
	ASSERT_LE(3 * GUARD_MS * MS, ci.duration_ns);
}

/* NO CARRIER inside a flowing data stream is data, not the end. */
TEST_F(tty, no_carrier_inside_data_is_data)
{
	struct modemline_call_info ci;
	__u32 call;

	call = connect_call(_metadata, T, RATE);
	quiet_period();
	/* No silence before it: "x" runs straight into the line. */
	MSIM(T, "sendraw x\\r\\nNO CARRIER\\r\\n");
	/* Give it time to be (mis)taken, then see the call still up. */
	quiet_period();
	ASSERT_EQ(0, mls_call_info(T->ml, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_CONNECTED), ci.state);
	drop_call(_metadata, T, call);
}

TEST_F(tty, dial_timeout)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	struct rec_expect e = rec_out(T->line);
	__u32 call;
	int ret;

	MSIM(T, "result silent");
	ASSERT_EQ(0, mls_dial(T->ml, T->line, NUMBER, 1000, &call));
	ret = mls_wait_state(T->ml, call, MODEMLINE_STATE_DISCONNECTED, &ev,
			     ML_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("dial timeout did not end the call: %s",
				 strerror(-ret));
	check_state_event(_metadata, &ev, T->line, call,
			  MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_SYSTEM,
			  MODEMLINE_REASON_DIAL_TIMEOUT, 0);
	ASSERT_EQ(0, mls_call_info(T->ml, call, &ci));
	e.state = MODEMLINE_STATE_DISCONNECTED;
	e.origin = MODEMLINE_ORIGIN_SYSTEM;
	e.reason = MODEMLINE_REASON_DIAL_TIMEOUT;
	e.result = NULL;	/* whatever the modem said to the abort */
	e.ended = true;
	check_record(_metadata, &ci, call, &e);
	ASSERT_LE(1000 * MS, ci.disconnected_ns - ci.created_ns);
	/* The engine aborted the dial: the modem is back in command mode. */
	MSIM_WAIT(T, "mode", "command");
}

TEST_F(tty, incoming_call_answered)
{
	struct modemline_call_info ci;
	struct modemline_line_info li;
	struct modemline_event ev;
	struct rec_expect e = {
		.line_id = T->line,
		.direction = MODEMLINE_DIR_INCOMING,
		.state = MODEMLINE_STATE_CONNECTED,
		.rate = RATE,
		.number = CALLER_ID,
		.result = "CONNECT 33600",
		.connected = true,
	};
	__u32 call;
	int ret;

	ASSERT_EQ(0, mls_subscribe(T->ml, T->line));
	MSIM(T, "ring " CALLER_ID " 5 500");
	/* The first RING offers the call; caller id follows it (#CID). */
	ret = mls_wait_event(T->ml, MODEMLINE_EVENT_CALL_OFFERED, T->line, &ev,
			     ML_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("no CALL_OFFERED on RING: %s", strerror(-ret));
	check_line_event(_metadata, &ev, MODEMLINE_EVENT_CALL_OFFERED, T->line,
			 0, "");
	/* The second RING brings the number. */
	ret = mls_wait_event(T->ml, MODEMLINE_EVENT_CALL_OFFERED, T->line, &ev,
			     ML_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("no CALL_OFFERED with the caller id: %s",
				 strerror(-ret));
	check_line_event(_metadata, &ev, MODEMLINE_EVENT_CALL_OFFERED, T->line,
			 0, CALLER_ID);
	ASSERT_EQ(0, mls_line_info(T->ml, T->line, &li));
	ASSERT_EQ(U32(MODEMLINE_LINE_OFFERING),
		  li.flags & MODEMLINE_LINE_OFFERING);
	ASSERT_LE(2U, li.rings);
	ASSERT_STR_FIELD(CALLER_ID, li.offered_number);

	call = answer_wait(_metadata, T->ml, T->line, MODEMLINE_STATE_CONNECTED,
			   &ev);
	check_state_event(_metadata, &ev, T->line, call,
			  MODEMLINE_STATE_CONNECTED, 0, 0, RATE);
	ASSERT_EQ(0, mls_call_info(T->ml, call, &ci));
	check_record(_metadata, &ci, call, &e);
	MSIM_WAIT(T, "mode", "data");
	MSIM_WAIT(T, "caller", CALLER_ID);
	ASSERT_EQ(0, mls_line_info(T->ml, T->line, &li));
	ASSERT_EQ(U32(MODEMLINE_LINE_BUSY), li.flags);
	ASSERT_STR_FIELD("", li.offered_number);

	drop_call(_metadata, T, call);
	ASSERT_EQ(0, mls_call_info(T->ml, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_DIR_INCOMING), ci.direction);
	ASSERT_STR_FIELD(CALLER_ID, ci.number);
	MSIM_WAIT(T, "mode", "command");
}

/*
 * The caller gives up: once no RING came for the ring gap (8 s in
 * kmod/at.h), the offer is withdrawn.
 */
TEST_F_TIMEOUT(tty, offer_withdrawn_when_ringing_stops, 60)
{
	struct modemline_line_info li;
	struct modemline_event ev;
	__u64 deadline;

	ASSERT_EQ(0, mls_subscribe(T->ml, T->line));
	MSIM(T, "ring " CALLER_ID " 1 500");
	ASSERT_EQ(0, mls_wait_event(T->ml, MODEMLINE_EVENT_CALL_OFFERED,
				    T->line, &ev, ML_WAIT_MS));
	/* Ring gap 8 s (kmod/at.h) plus a margin. */
	deadline = mls_now_ns() + 16000 * MS;
	do {
		ASSERT_EQ(0, mls_line_info(T->ml, T->line, &li));
		if (!(li.flags & MODEMLINE_LINE_OFFERING))
			break;
		sleep_ms(50);
	} while (mls_now_ns() < deadline);
	ASSERT_EQ(0U, li.flags);
	ASSERT_EQ(0U, li.rings);
	ASSERT_STR_FIELD("", li.offered_number);
	ASSERT_EQ(-ESRCH, mls_answer(T->ml, T->line, NULL));
}

/*
 * Dialing on a ringing line is allowed (uapi DIAL) and the modem stops
 * ringing when it dials. The offer must not outlive the ringing: after
 * the call, once the ring gap has passed with no RING, the line must not
 * be offering any more and ANSWER must say -ESRCH.
 */
TEST_F_TIMEOUT(tty, offer_ends_after_dial_on_ringing_line, 60)
{
	struct modemline_line_info li;
	struct modemline_event ev;
	__u64 deadline;
	__u32 call;

	ASSERT_EQ(0, mls_subscribe(T->ml, T->line));
	MSIM(T, "ring " CALLER_ID " 1 500");
	ASSERT_EQ(0, mls_wait_event(T->ml, MODEMLINE_EVENT_CALL_OFFERED,
				    T->line, &ev, ML_WAIT_MS));
	call = connect_call(_metadata, T, RATE);
	drop_call(_metadata, T, call);
	MSIM_WAIT(T, "mode", "command");

	/* Ring gap 8 s (kmod/at.h) plus a margin. */
	deadline = mls_now_ns() + 16000 * MS;
	do {
		ASSERT_EQ(0, mls_line_info(T->ml, T->line, &li));
		if (!(li.flags & MODEMLINE_LINE_OFFERING))
			break;
		sleep_ms(50);
	} while (mls_now_ns() < deadline);
	ASSERT_EQ(0U, li.flags & MODEMLINE_LINE_OFFERING)
		TH_LOG("line still offering a call 16 s after the last RING (rings %u, number '%s')",
		       li.rings, li.offered_number);
	ASSERT_EQ(-ESRCH, mls_answer(T->ml, T->line, NULL));
}

TEST_F(tty, pty_master_closed_mid_call)
{
	__u32 call;
	int status;

	ASSERT_EQ(0, mls_subscribe(T->ml, T->line));
	call = connect_call(_metadata, T, RATE);
	/* Let the call last: the VM's clock may tick only every 4 ms. */
	quiet_period();
	/* modemsim dies: the pty master closes, the slave hangs up. */
	ASSERT_EQ(0, msim_kill(&T->sim, SIGKILL));
	status = msim_reap(&T->sim, ML_WAIT_MS);
	ASSERT_LE(0, status);
	check_removed_under_call(_metadata, T, call);
	/* The discipline is gone with the hang-up: nothing answers here. */
	ASSERT_NE(0, tty_line_id(T->fd, &(__u32){ 0 }));
}

TEST_F(tty, detach_mid_call)
{
	__u32 call, id2 = 0;
	int ld = -1;

	ASSERT_EQ(0, mls_subscribe(T->ml, T->line));
	call = connect_call(_metadata, T, RATE);
	quiet_period();		/* a measurable duration */
	ASSERT_EQ(0, tty_set_ldisc(T->fd, N_TTY_LDISC));
	ASSERT_EQ(0, tty_get_ldisc(T->fd, &ld));
	ASSERT_EQ(N_TTY_LDISC, ld);
	check_removed_under_call(_metadata, T, call);
	/* Without the discipline the tty ioctls are not ours. */
	ASSERT_EQ(-ENOTTY, tty_line_id(T->fd, &id2));

	/* Attaching again makes a new line; ids are never reused. */
	ASSERT_EQ(0, tty_set_ldisc(T->fd, MODEMLINE_LDISC));
	ASSERT_EQ(0, tty_line_id(T->fd, &id2));
	ASSERT_LT(T->line, id2);
	ASSERT_EQ(1, line_listed(T->ml, id2));
}

/*
 * A pty slave's last close does not release its tty while the master is
 * open (tty_release: not final), so the discipline and the line stay:
 * reopening the slave finds them, with the call still up.
 */
TEST_F(tty, slave_reopened_mid_call)
{
	struct modemline_call_info ci;
	__u32 call, id = 0;
	int ld = -1;

	call = connect_call(_metadata, T, RATE);
	ASSERT_EQ(0, close(T->fd));
	T->fd = ml_tty_open(T->sim.pty, 0);
	ASSERT_LE(0, T->fd);
	ASSERT_EQ(0, tty_get_ldisc(T->fd, &ld));
	ASSERT_EQ(MODEMLINE_LDISC, ld);
	ASSERT_EQ(0, tty_line_id(T->fd, &id));
	ASSERT_EQ(T->line, id);
	ASSERT_EQ(0, mls_call_info(T->ml, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_CONNECTED), ci.state);
	drop_call(_metadata, T, call);
	MSIM_WAIT(T, "mode", "command");
}

TEST_F(tty, drop_while_dialing)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	MSIM(T, "result silent");
	ASSERT_EQ(0, mls_dial(T->ml, T->line, NUMBER, 0, &call));
	MSIM_WAIT(T, "mode", "dialing");
	ASSERT_EQ(0, mls_drop(T->ml, call, MODEMLINE_DROP_WAIT));
	ASSERT_EQ(0, mls_wait_state(T->ml, call, MODEMLINE_STATE_DISCONNECTED,
				    &ev, ML_WAIT_MS));
	check_state_event(_metadata, &ev, T->line, call,
			  MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_LOCAL,
			  MODEMLINE_REASON_NORMAL, 0);
	ASSERT_EQ(0, mls_call_info(T->ml, call, &ci));
	ASSERT_EQ(0ULL, ci.connected_ns);
	/* A character aborts the dial: the modem is in command mode again. */
	MSIM_WAIT(T, "mode", "command");
	MSIM(T, "result connect");
	ASSERT_EQ(0, mls_deallocate(T->ml, call, 0));
	call = connect_call(_metadata, T, RATE);
	drop_call(_metadata, T, call);
}

/* Garbage from the modem while idle, then while dialing. */
FIXTURE(garbage) {
	struct ttyline t;
};

FIXTURE_SETUP(garbage)
{
	static const char *const args[] = { "--seed", GARBAGE_SEED,
					    "--answer-delay", "3000", NULL };

	line_up(_metadata, &self->t, args, NULL);
}

FIXTURE_TEARDOWN(garbage)
{
	line_down(&self->t);
}

TEST_F(garbage, idle_and_dialing_garbage_ignored)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;
	int ret;

	MSIM(T, "garbage 200");
	ASSERT_EQ(0, mls_dial(T->ml, T->line, NUMBER, 0, &call));
	/* answer-delay 3000: the dial is pending for three seconds. */
	MSIM_WAIT(T, "mode", "dialing");
	MSIM(T, "garbage 200");
	ret = mls_wait_state(T->ml, call, MODEMLINE_STATE_CONNECTED, &ev,
			     ML_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("no CONNECTED after garbage (seed " GARBAGE_SEED "): %s",
				 strerror(-ret));
	check_state_event(_metadata, &ev, T->line, call,
			  MODEMLINE_STATE_CONNECTED, 0, 0, RATE);
	ASSERT_EQ(0, mls_call_info(T->ml, call, &ci));
	ASSERT_EQ(U32(RATE), ci.rate);
	ASSERT_STR_FIELD("CONNECT 33600", ci.result);
	drop_call(_metadata, T, call);
}

TEST_F(garbage, unsolicited_lines_ignored)
{
	struct modemline_line_info li;
	struct modemline_event ev;
	__u32 call;
	int ret;

	/* Idle, and while dialing: neither is a result. */
	MSIM(T, "send +CREG: 1");
	MSIM(T, "send +CSQ: 17,99");
	ASSERT_EQ(0, mls_dial(T->ml, T->line, NUMBER, 0, &call));
	MSIM_WAIT(T, "mode", "dialing");
	MSIM(T, "send +CREG: 1");
	MSIM(T, "send CARRIER 33600");
	MSIM(T, "send PROTOCOL: LAPM");
	ret = mls_wait_state(T->ml, call, MODEMLINE_STATE_CONNECTED, &ev,
			     ML_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("no CONNECTED: %s", strerror(-ret));
	check_state_event(_metadata, &ev, T->line, call,
			  MODEMLINE_STATE_CONNECTED, 0, 0, RATE);
	drop_call(_metadata, T, call);
	ASSERT_EQ(0, mls_line_info(T->ml, T->line, &li));
	ASSERT_EQ(0U, li.flags);
	ASSERT_EQ(0ULL, li.calls_failed);
}

/* ------------------------------------------------------------------ */
/* A modem with a long escape guard time that answers the escape late  */

#define SLOW_GUARD_MS	3000
#define SLOW_ESCAPE_MS	"800"

FIXTURE(slowguard) {
	struct ttyline t;
};

FIXTURE_SETUP(slowguard)
{
	static const char *const args[] = {
		"--guard", "3000", "--escape-delay", SLOW_ESCAPE_MS, NULL
	};

	line_up(_metadata, &self->t, args, NULL);
	ASSERT_EQ(0, tty_set_guard(self->t.fd, SLOW_GUARD_MS, NULL));
}

FIXTURE_TEARDOWN(slowguard)
{
	line_down(&self->t);
}

/*
 * Issue 20.7: a local hang-up on a line without DTR (a pty, like a modem
 * set to &D0) takes guard time, "+++", the modem's guard time and its
 * late OK, then ATH: about 7 s here, longer than the module's default
 * hangup_timeout_ms. The core must not end the call before the engine
 * has the modem back in command mode: DROP with WAIT returns when the
 * line can place the next call, and a DIAL right after it is accepted
 * and connects, every time.
 */
TEST_F_TIMEOUT(slowguard, dial_right_after_drop_wait, 180)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	char mode[32] = "?";
	__u32 call;
	int ret, round;

	struct timespec t0, t1;

	call = connect_call(_metadata, T, RATE);
	for (round = 0; round < 3; round++) {
		clock_gettime(CLOCK_BOOTTIME, &t0);
		ASSERT_EQ(0, mls_drop(T->ml, call, MODEMLINE_DROP_WAIT));
		clock_gettime(CLOCK_BOOTTIME, &t1);
		ASSERT_EQ(0, mls_call_info(T->ml, call, &ci));
		ASSERT_EQ(U32(MODEMLINE_STATE_DISCONNECTED), ci.state);
		EXPECT_EQ(U32(MODEMLINE_ORIGIN_LOCAL), ci.origin);
		TH_LOG("round %d: DROP WAIT took %lld ms", round,
		       (long long)((t1.tv_sec - t0.tv_sec) * 1000 +
				   (t1.tv_nsec - t0.tv_nsec) / 1000000));
		ASSERT_EQ(0, mls_deallocate(T->ml, call, 0));
		ret = mls_dial(T->ml, T->line, NUMBER, 0, &call);
		if (ret)
			msim_status(&T->sim, "mode", mode, sizeof(mode));
		ASSERT_EQ(0, ret)
			TH_LOG("round %d: DIAL right after DROP WAIT: %s (modemsim mode=%s)",
			       round, strerror(-ret), mode);
		ret = mls_wait_state(T->ml, call, MODEMLINE_STATE_CONNECTED, &ev, 15000);
		ASSERT_EQ(0, ret) TH_LOG("round %d: the redial did not connect: %s",
					 round, strerror(-ret));
	}
	drop_call(_metadata, T, call);
}

/* ------------------------------------------------------------------ */
/* Dial results that end the call before it connects                   */

FIXTURE(dialfail) {
	struct ttyline t;
};

FIXTURE_VARIANT(dialfail) {
	const struct dial_failure *dial;
};

FIXTURE_VARIANT_ADD(dialfail, busy) { .dial = &dial_busy };
FIXTURE_VARIANT_ADD(dialfail, noanswer) { .dial = &dial_noanswer };
FIXTURE_VARIANT_ADD(dialfail, nocarrier) { .dial = &dial_nocarrier };
FIXTURE_VARIANT_ADD(dialfail, nodialtone) { .dial = &dial_nodialtone };
FIXTURE_VARIANT_ADD(dialfail, error) { .dial = &dial_error };

FIXTURE_SETUP(dialfail)
{
	const char *const args[] = { "--result", variant->dial->mode, NULL };

	line_up(_metadata, &self->t, args, NULL);
}

FIXTURE_TEARDOWN(dialfail)
{
	line_down(&self->t);
}

TEST_F(dialfail, dial_ends_with_reason)
{
	struct modemline_call_info ci;
	struct modemline_line_info li;
	struct modemline_event ev;
	struct rec_expect e = rec_out(T->line);
	__u32 call;

	call = dial_wait(_metadata, T->ml, T->line, NUMBER,
			 MODEMLINE_STATE_DISCONNECTED, &ev);
	check_state_event(_metadata, &ev, T->line, call,
			  MODEMLINE_STATE_DISCONNECTED, variant->dial->origin,
			  variant->dial->reason, 0);
	ASSERT_EQ(0, mls_call_info(T->ml, call, &ci));
	e.state = MODEMLINE_STATE_DISCONNECTED;
	e.origin = variant->dial->origin;
	e.reason = variant->dial->reason;
	e.result = variant->dial->result;
	e.ended = true;
	check_record(_metadata, &ci, call, &e);
	ASSERT_EQ(0, mls_line_info(T->ml, T->line, &li));
	ASSERT_EQ(0U, li.flags);
	ASSERT_EQ(1ULL, li.calls);
	ASSERT_EQ(0ULL, li.calls_connected);
	ASSERT_EQ(1ULL, li.calls_failed);
	MSIM_WAIT(T, "mode", "command");
}

/* ------------------------------------------------------------------ */
/* Modem habits: echo, numeric results, CONNECT suffixes               */

FIXTURE(quirk) {
	struct ttyline t;
};

FIXTURE_VARIANT(quirk) {
	const char *args[4];	/* extra modemsim options */
	const char *init;	/* our init string, NULL: the default */
	__u32 rate;		/* expected rate */
	const char *connect;	/* expected result text at CONNECTED */
	bool numeric;		/* NO CARRIER is never seen in data mode */
};

/* Echo on for every command: the init string has no E0. */
FIXTURE_VARIANT_ADD(quirk, echo) {
	.args = { "--echo", "1" },
	.init = "ATV1Q0X4",
	.rate = RATE,
	.connect = "CONNECT 33600",
};

/* Numeric results: "0\r" for OK, "1\r" for CONNECT (no rate). */
FIXTURE_VARIANT_ADD(quirk, numeric) {
	.init = "ATE0V0Q0",
	.rate = 0,
	.connect = "CONNECT",
	.numeric = true,
};

/* The record keeps MODEMLINE_RESULT_LEN - 1 characters of the text. */
FIXTURE_VARIANT_ADD(quirk, suffix) {
	.args = { "--connect-suffix", "/ARQ/V34/LAPM/V42BIS" },
	.rate = RATE,
	.connect = "CONNECT 33600/ARQ/V34/LAPM/V42B",
};

FIXTURE_VARIANT_ADD(quirk, plain_connect) {
	.args = { "--rate", "0" },
	.rate = 0,
	.connect = "CONNECT",
};

FIXTURE_SETUP(quirk)
{
	line_up(_metadata, &self->t, variant->args, variant->init);
}

FIXTURE_TEARDOWN(quirk)
{
	line_down(&self->t);
}

TEST_F(quirk, dial_and_drop)
{
	struct modemline_call_info ci;
	struct rec_expect e = rec_out(T->line);
	__u32 call;

	call = connect_call(_metadata, T, variant->rate);
	ASSERT_EQ(0, mls_call_info(T->ml, call, &ci));
	e.state = MODEMLINE_STATE_CONNECTED;
	e.rate = variant->rate;
	e.result = variant->connect;
	e.connected = true;
	check_record(_metadata, &ci, call, &e);
	MSIM_WAIT(T, "mode", "data");

	drop_call(_metadata, T, call);
	ASSERT_EQ(0, mls_call_info(T->ml, call, &ci));
	e.state = MODEMLINE_STATE_DISCONNECTED;
	e.origin = MODEMLINE_ORIGIN_LOCAL;
	e.reason = MODEMLINE_REASON_NORMAL;
	e.result = "OK";
	e.ended = true;
	check_record(_metadata, &ci, call, &e);
	MSIM_WAIT(T, "mode", "command");
	MSIM_WAIT(T, "call", "0");
}

TEST_F(quirk, remote_hangup)
{
	struct modemline_event ev;
	__u32 call;
	int ret;

	if (variant->numeric)
		SKIP(return, "numeric NO CARRIER (\"3\") is data in data mode (kmod/at.c)");
	call = connect_call(_metadata, T, variant->rate);
	quiet_period();
	MSIM(T, "hangup");
	ret = mls_wait_state(T->ml, call, MODEMLINE_STATE_DISCONNECTED, &ev,
			     ML_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("NO CARRIER did not end the call: %s",
				 strerror(-ret));
	check_state_event(_metadata, &ev, T->line, call,
			  MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_REMOTE,
			  MODEMLINE_REASON_NORMAL, 0);
}

/* ------------------------------------------------------------------ */
/* The tty ioctls                                                      */

static void config_init(struct modemline_tty_config *cfg, const char *init,
			__u32 guard_ms)
{
	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->init, sizeof(cfg->init), "%s", init);
	cfg->guard_ms = guard_ms;
}

TEST_F(tty, config_defaults)
{
	struct modemline_tty_config cfg;

	/* As attached, before the fixture set guard_ms. */
	ASSERT_STR_FIELD(INIT_DEFAULT, T->initial.init);
	ASSERT_EQ(1000U, T->initial.guard_ms);
	ASSERT_EQ(0U, T->initial.dial_timeout_ms);
	ASSERT_EQ(U32(MODEMLINE_DIALECT_V250), T->initial.dialect);
	ASSERT_EQ(0U, T->initial.clcc_poll_ms);
	/* And after it. */
	ASSERT_EQ(0, tty_get_config(T->fd, &cfg));
	ASSERT_STR_FIELD(INIT_DEFAULT, cfg.init);
	ASSERT_EQ(U32(GUARD_MS), cfg.guard_ms);
	ASSERT_EQ(0U, cfg.dial_timeout_ms);
	ASSERT_EQ(U32(MODEMLINE_DIALECT_V250), cfg.dialect);
	ASSERT_EQ(0U, cfg.clcc_poll_ms);
}

TEST_F(tty, config_set_and_get)
{
	struct modemline_tty_config cfg, got;

	config_init(&cfg, "ATZ", 1);
	cfg.dial_timeout_ms = 12345;
	/* Bytes after the NUL are ignored on input, zero on output. */
	memset(cfg.init + 4, 'x', sizeof(cfg.init) - 4);
	ASSERT_EQ(0, tty_set_config(T->fd, &cfg));
	ASSERT_EQ(0, tty_get_config(T->fd, &got));
	ASSERT_STR_FIELD("ATZ", got.init);
	ASSERT_EQ(1U, got.guard_ms);
	ASSERT_EQ(12345U, got.dial_timeout_ms);
	ASSERT_EQ(U32(MODEMLINE_DIALECT_V250), got.dialect);
	ASSERT_EQ(0U, got.clcc_poll_ms);

	/* A 3GPP line, its +CLCC poll interval at both ends of its range. */
	config_init(&cfg, "ATZ", 1);
	cfg.dialect = MODEMLINE_DIALECT_3GPP;
	cfg.clcc_poll_ms = 100;
	ASSERT_EQ(0, tty_set_config(T->fd, &cfg));
	ASSERT_EQ(0, tty_get_config(T->fd, &got));
	ASSERT_EQ(U32(MODEMLINE_DIALECT_3GPP), got.dialect);
	ASSERT_EQ(100U, got.clcc_poll_ms);
	cfg.clcc_poll_ms = 10000;
	ASSERT_EQ(0, tty_set_config(T->fd, &cfg));
	ASSERT_EQ(0, tty_get_config(T->fd, &got));
	ASSERT_EQ(10000U, got.clcc_poll_ms);

	/* The longest init (63 characters) and the longest guard time. */
	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.init, "AT", 2);
	memset(cfg.init + 2, 'E', sizeof(cfg.init) - 3);
	cfg.guard_ms = 10000;
	ASSERT_EQ(0, tty_set_config(T->fd, &cfg));
	ASSERT_EQ(0, tty_get_config(T->fd, &got));
	ASSERT_EQ(0, memcmp(cfg.init, got.init, sizeof(cfg.init)));
	ASSERT_EQ(10000U, got.guard_ms);
	ASSERT_EQ(0U, got.dial_timeout_ms);
}

TEST_F(tty, config_rejects_bad_input)
{
	static const char *const bad_init[] = {
		"", "A", "XTZ", " ATZ", "ATZ\r", "AT\tZ", "ATZ\x7f", "ATZ\x80",
		"ATD\n", "AT\x1b",
	};
	struct modemline_tty_config good, cfg, got;
	size_t i;

	config_init(&good, "ATQ0", 250);
	good.dial_timeout_ms = 777;
	ASSERT_EQ(0, tty_set_config(T->fd, &good));

	for (i = 0; i < ARRAY_SIZE(bad_init); i++) {
		config_init(&cfg, bad_init[i], 100);
		ASSERT_EQ(-EINVAL, tty_set_config(T->fd, &cfg))
			TH_LOG("init \"%s\" (#%zu) accepted", bad_init[i], i);
	}
	/* No NUL in the array. */
	memset(&cfg, 0, sizeof(cfg));
	memcpy(cfg.init, "AT", 2);
	memset(cfg.init + 2, 'E', sizeof(cfg.init) - 2);
	cfg.guard_ms = 100;
	ASSERT_EQ(-EINVAL, tty_set_config(T->fd, &cfg));
	/* guard_ms out of 1..10000. */
	config_init(&cfg, "ATZ", 0);
	ASSERT_EQ(-EINVAL, tty_set_config(T->fd, &cfg));
	config_init(&cfg, "ATZ", 10001);
	ASSERT_EQ(-EINVAL, tty_set_config(T->fd, &cfg));
	config_init(&cfg, "ATZ", 0xffffffffU);
	ASSERT_EQ(-EINVAL, tty_set_config(T->fd, &cfg));
	/* An unknown dialect; a +CLCC interval out of 100..10000. */
	config_init(&cfg, "ATZ", 100);
	cfg.dialect = MODEMLINE_DIALECT_3GPP + 1;
	ASSERT_EQ(-EINVAL, tty_set_config(T->fd, &cfg));
	config_init(&cfg, "ATZ", 100);
	cfg.dialect = 1U << 31;
	ASSERT_EQ(-EINVAL, tty_set_config(T->fd, &cfg));
	config_init(&cfg, "ATZ", 100);
	cfg.clcc_poll_ms = 99;
	ASSERT_EQ(-EINVAL, tty_set_config(T->fd, &cfg));
	cfg.clcc_poll_ms = 10001;
	ASSERT_EQ(-EINVAL, tty_set_config(T->fd, &cfg));
	/* Unreadable / unwritable argument. */
	ASSERT_EQ(-1, ioctl(T->fd, MODEMLINE_TIOCSCONFIG, mls_unmapped_addr()));
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(-1, ioctl(T->fd, MODEMLINE_TIOCGCONFIG, mls_unmapped_addr()));
	ASSERT_EQ(EFAULT, errno);
	ASSERT_EQ(-1, ioctl(T->fd, MODEMLINE_TIOCGLINE, mls_unmapped_addr()));
	ASSERT_EQ(EFAULT, errno);

	/* Nothing of it changed the config. */
	ASSERT_EQ(0, tty_get_config(T->fd, &got));
	ASSERT_STR_FIELD("ATQ0", got.init);
	ASSERT_EQ(250U, got.guard_ms);
	ASSERT_EQ(777U, got.dial_timeout_ms);
	ASSERT_EQ(U32(MODEMLINE_DIALECT_V250), got.dialect);
	ASSERT_EQ(0U, got.clcc_poll_ms);
}

TEST_F(tty, config_line_dial_timeout)
{
	struct modemline_tty_config cfg;
	struct modemline_call_info ci;
	struct modemline_event ev;
	long module_default = 0;
	__u32 call;
	int ret;

	ASSERT_EQ(0, mls_param_get("dial_timeout_ms", &module_default));
	ASSERT_LT(3000, module_default) TH_LOG("module dial_timeout_ms %ld too short to tell apart",
					       module_default);
	ASSERT_EQ(0, tty_get_config(T->fd, &cfg));
	cfg.dial_timeout_ms = 1000;
	ASSERT_EQ(0, tty_set_config(T->fd, &cfg));
	ASSERT_EQ(0, tty_get_config(T->fd, &cfg));
	ASSERT_EQ(1000U, cfg.dial_timeout_ms);

	MSIM(T, "result silent");
	/* timeout_ms 0: the line's default, not the module's. */
	ASSERT_EQ(0, mls_dial(T->ml, T->line, NUMBER, 0, &call));
	ret = mls_wait_state(T->ml, call, MODEMLINE_STATE_DISCONNECTED, &ev,
			     ML_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("the line's dial timeout did not end the call: %s",
				 strerror(-ret));
	check_state_event(_metadata, &ev, T->line, call,
			  MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_SYSTEM,
			  MODEMLINE_REASON_DIAL_TIMEOUT, 0);
	ASSERT_EQ(0, mls_call_info(T->ml, call, &ci));
	ASSERT_LE(1000 * MS, ci.disconnected_ns - ci.created_ns);
	ASSERT_GT((__u64)module_default * MS, ci.disconnected_ns - ci.created_ns);
}

/*
 * "a change applies from the next call" (uapi TIOCSCONFIG): a guard time
 * set while connected must not change how this call's end is recognised.
 * With guard_ms 10000 taking effect at once, the modem's NO CARRIER
 * 300 ms after its last byte would pass for data and the call would
 * never end.
 */
TEST_F(tty, config_change_applies_from_next_call)
{
	struct modemline_tty_config cfg;
	struct modemline_event ev;
	__u32 call;
	int ret;

	call = connect_call(_metadata, T, RATE);
	ASSERT_EQ(0, tty_get_config(T->fd, &cfg));
	cfg.guard_ms = 10000;
	ASSERT_EQ(0, tty_set_config(T->fd, &cfg));
	ASSERT_EQ(0, tty_get_config(T->fd, &cfg));
	ASSERT_EQ(10000U, cfg.guard_ms);
	quiet_period();
	MSIM(T, "hangup");
	ret = mls_wait_state(T->ml, call, MODEMLINE_STATE_DISCONNECTED, &ev,
			     ML_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("the modem's NO CARRIER did not end the call: the new guard time applied to the call in progress");
	check_state_event(_metadata, &ev, T->line, call,
			  MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_REMOTE,
			  MODEMLINE_REASON_NORMAL, 0);
}

TEST_F(tty, unknown_tty_ioctl)
{
	struct termios t;

	/* Not ours, not the tty layer's. */
	ASSERT_EQ(-1, ioctl(T->fd, _IOR(MODEMLINE_IOC_MAGIC, 0x4f, __u32),
			    &(__u32){ 0 }));
	ASSERT_EQ(ENOTTY, errno);
	/* The tty layer's own ioctls still work with the discipline on. */
	ASSERT_EQ(0, tcgetattr(T->fd, &t));
	ASSERT_EQ(0, tcsetattr(T->fd, TCSANOW, &t));
}

/* ------------------------------------------------------------------ */
/* The discipline on a bare pty: the bytes on the wire                 */

struct bare_pty {
	int master;
	int slave;
	int index;
	char path[64];
};

static int bare_pty_open(struct bare_pty *p)
{
	char *name;

	p->slave = -1;
	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->master < 0)
		return -errno;
	if (grantpt(p->master) || unlockpt(p->master))
		return -errno;
	name = ptsname(p->master);
	if (!name || strlen(name) >= sizeof(p->path) ||
	    sscanf(name, "/dev/pts/%d", &p->index) != 1)
		return -EINVAL;
	snprintf(p->path, sizeof(p->path), "%s", name);
	return 0;
}

/* A pty of our own, no modemsim: the test is the modem, or no one is. */
FIXTURE(pty) {
	struct bare_pty p;
	int ml;
};

FIXTURE_SETUP(pty)
{
	int ret;

	self->p.master = -1;
	self->p.slave = -1;
	self->ml = -1;
	ret = bare_pty_open(&self->p);
	ASSERT_EQ(0, ret) TH_LOG("posix_openpt: %s", strerror(-ret));
	ML_OPEN(self->ml, 0);
}

FIXTURE_TEARDOWN(pty)
{
	if (self->p.slave >= 0)
		close(self->p.slave);
	if (self->p.master >= 0)
		close(self->p.master);
	if (self->ml >= 0)
		close(self->ml);
}

/* Read exactly @want from @fd (the master), waiting up to ML_WAIT_MS. */
static int read_expect(int fd, const char *want, char *got, size_t size)
{
	size_t len = strlen(want), have = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	got[0] = '\0';
	while (have < len && have < size - 1) {
		if (poll(&p, 1, ML_WAIT_MS) <= 0)
			break;
		n = read(fd, got + have, len - have);
		if (n <= 0)
			break;
		have += (size_t)n;
		got[have] = '\0';
	}
	return have == len && !memcmp(got, want, len) ? 0 : -EPROTO;
}

#define EXPECT_WIRE(fd, want) do { \
	const char *__want = (want); \
	char __got[256]; \
	ASSERT_EQ(0, read_expect((fd), __want, __got, sizeof(__got))) \
		TH_LOG("modem got \"%s\" instead of \"%s\"", __got, __want); \
} while (0)

#define MODEM_SAYS(fd, text) do { \
	const char *__text = (text); \
	ASSERT_EQ((ssize_t)strlen(__text), write((fd), __text, strlen(__text))); \
} while (0)

/* The line on the slave, and the master raw: the test is the modem. */
static __u32 be_the_modem(struct __test_metadata *_metadata, struct bare_pty *p)
{
	struct termios t;
	__u32 line = 0;
	int ret;

	p->slave = ml_tty_open(p->path, 0);
	ASSERT_LE(0, p->slave);
	ASSERT_EQ(0, tcgetattr(p->master, &t));
	cfmakeraw(&t);
	ASSERT_EQ(0, tcsetattr(p->master, TCSANOW, &t));
	ret = tty_attach_line(p->slave, GUARD_MS, NULL, &line);
	ASSERT_EQ(0, ret) TH_LOG("attach: %s", strerror(-ret));
	return line;
}

TEST_F(pty, wire_bytes_of_dial_and_drop)
{
	struct bare_pty *p = &self->p;
	struct modemline_event ev;
	__u32 line, call;
	int ml = self->ml;

	line = be_the_modem(_metadata, p);
	ASSERT_EQ(0, mls_dial(ml, line, NUMBER, 0, &call));
	EXPECT_WIRE(p->master, INIT_DEFAULT "\r");
	MODEM_SAYS(p->master, "\r\nOK\r\n");
	EXPECT_WIRE(p->master, "ATD" NUMBER "\r");
	MODEM_SAYS(p->master, "\r\nCONNECT 33600\r\n");
	ASSERT_EQ(0, mls_wait_state(ml, call, MODEMLINE_STATE_CONNECTED, &ev,
				    ML_WAIT_MS));
	ASSERT_EQ(U32(RATE), ev.rate);

	/* A pty has no DTR: guard time, "+++", the modem's OK, ATH. */
	ASSERT_EQ(0, mls_drop(ml, call, 0));
	EXPECT_WIRE(p->master, "+++");
	MODEM_SAYS(p->master, "\r\nOK\r\n");
	EXPECT_WIRE(p->master, "ATH\r");
	MODEM_SAYS(p->master, "\r\nOK\r\n");
	ASSERT_EQ(0, mls_wait_state(ml, call, MODEMLINE_STATE_DISCONNECTED, &ev,
				    ML_WAIT_MS));
	ASSERT_EQ(U32(MODEMLINE_ORIGIN_LOCAL), ev.origin);
	ASSERT_EQ(U32(MODEMLINE_REASON_NORMAL), ev.reason);
}

/*
 * Dial, and leave the init string unanswered: after its reply window
 * and the guard time the engine escapes (a pty has no DTR). The call.
 */
static __u32 dial_init_unanswered(struct __test_metadata *_metadata,
				  struct bare_pty *p, int ml)
{
	__u32 line, call = 0;

	line = be_the_modem(_metadata, p);
	ASSERT_EQ(0, mls_dial(ml, line, NUMBER, 0, &call));
	EXPECT_WIRE(p->master, INIT_DEFAULT "\r");
	EXPECT_WIRE(p->master, "+++");
	return call;
}

/*
 * A modem still online from a call we never saw end takes the init
 * string for data and says nothing: it is hung up ("+++" and ATH),
 * given the init string again, and then dials.
 */
TEST_F(pty, online_modem_hung_up_then_dialed)
{
	struct bare_pty *p = &self->p;
	struct modemline_call_info ci;
	struct modemline_event ev;
	int ml = self->ml;
	__u32 call;

	call = dial_init_unanswered(_metadata, p, ml);
	MODEM_SAYS(p->master, "\r\nOK\r\n");
	EXPECT_WIRE(p->master, "ATH\r");
	MODEM_SAYS(p->master, "\r\nOK\r\n");
	EXPECT_WIRE(p->master, INIT_DEFAULT "\r");
	MODEM_SAYS(p->master, "\r\nOK\r\n");
	EXPECT_WIRE(p->master, "ATD" NUMBER "\r");
	MODEM_SAYS(p->master, "\r\nCONNECT 33600\r\n");
	ASSERT_EQ(0, mls_wait_state(ml, call, MODEMLINE_STATE_CONNECTED, &ev,
				    ML_WAIT_MS));
	ASSERT_EQ(U32(RATE), ev.rate);
	ASSERT_EQ(0, mls_call_info(ml, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_CONNECTED), ci.state);
}

/* A modem that answers nothing at all: the dial ends with MODEM_ERROR. */
TEST_F(pty, silent_modem_dial_ends_modem_error)
{
	struct bare_pty *p = &self->p;
	struct modemline_call_info ci;
	struct modemline_event ev;
	int ml = self->ml;
	__u32 call;

	call = dial_init_unanswered(_metadata, p, ml);
	EXPECT_WIRE(p->master, "ATH\r");
	EXPECT_WIRE(p->master, INIT_DEFAULT "\r");
	ASSERT_EQ(0, mls_wait_state(ml, call, MODEMLINE_STATE_DISCONNECTED, &ev,
				    ML_WAIT_MS));
	ASSERT_EQ(U32(MODEMLINE_ORIGIN_SYSTEM), ev.origin);
	ASSERT_EQ(U32(MODEMLINE_REASON_MODEM_ERROR), ev.reason);
	ASSERT_EQ(0, mls_call_info(ml, call, &ci));
	ASSERT_EQ(0ULL, ci.connected_ns);
	/* Nothing more was sent: ATD never went out. */
	ASSERT_EQ(0, poll(&(struct pollfd){ .fd = p->master, .events = POLLIN }, 1, 0))
		TH_LOG("the modem got more after the second init string");
}

/* The kernel's taint flags, or -errno. */
static long read_taint(void)
{
	char buf[32];
	long v = -EIO;
	FILE *f = fopen("/proc/sys/kernel/tainted", "r");

	if (!f)
		return -errno;
	if (fgets(buf, sizeof(buf), f))
		v = strtol(buf, NULL, 10);
	fclose(f);
	return v;
}

#define TAINT_WARN_BIT	(1L << 9)	/* 'W': a WARN() fired */

/*
 * A modem that does not take our bytes (flow control held, a wedged
 * adapter): here the pty's buffer towards the master is full and nobody
 * reads it. The call still ends, later dials are refused with -EBUSY
 * rather than queueing commands behind the stuck ones, nothing WARNs.
 */
/*
 * Open the slave and fill everything between it and the master, which
 * nobody reads, then attach the line: the modem takes none of our bytes.
 */
static __u32 stalled_modem(struct __test_metadata *_metadata, struct bare_pty *p)
{
	char junk[4096];
	__u32 line = 0;
	int ret, fl, round;
	ssize_t n;

	memset(junk, 'j', sizeof(junk));
	p->slave = ml_tty_open(p->path, 0);
	ASSERT_LE(0, p->slave);
	/*
	 * The master's own n_tty takes a few KiB off the flip buffers
	 * behind our back: fill again until it stops doing so.
	 */
	fl = fcntl(p->slave, F_GETFL);
	ASSERT_EQ(0, fcntl(p->slave, F_SETFL, fl | O_NONBLOCK));
	for (round = 0; round < 5; round++) {
		size_t total = 0;

		while ((n = write(p->slave, junk, sizeof(junk))) > 0)
			total += (size_t)n;
		ASSERT_EQ(EAGAIN, errno);
		if (round && !total)
			break;
		sleep_ms(50);
	}
	ASSERT_EQ(0, fcntl(p->slave, F_SETFL, fl));
	ret = tty_attach_line(p->slave, GUARD_MS, NULL, &line);
	ASSERT_EQ(0, ret) TH_LOG("attach: %s", strerror(-ret));
	return line;
}

/* A first DIAL whose init string never leaves, dropped and released. */
static void dial_into_stalled_modem(struct __test_metadata *_metadata, int ml,
				    __u32 line)
{
	struct modemline_event ev;
	__u32 call;
	int ret;

	ret = mls_dial(ml, line, NUMBER, 0, &call);
	ASSERT_EQ(0, ret) TH_LOG("first dial: %s", strerror(-ret));
	ASSERT_EQ(0, mls_drop(ml, call, MODEMLINE_DROP_WAIT));
	ASSERT_EQ(0, mls_wait_state(ml, call, MODEMLINE_STATE_DISCONNECTED,
				    &ev, ML_WAIT_MS));
	ASSERT_EQ(0, mls_deallocate(ml, call, 0));
}

TEST_F_TIMEOUT(pty, stalled_modem_refuses_dials, 120)
{
	struct bare_pty *p = &self->p;
	__u32 line, call;
	int ml = self->ml, ret, i;
	long taint_before, taint_after;

	line = stalled_modem(_metadata, p);
	taint_before = read_taint();
	/*
	 * The first DIAL queues its init string, which never leaves: the
	 * drop then ends the call (the engine gives up waiting for the
	 * init's reply). While those bytes sit unsent the modem has not
	 * taken our last commands, so every later DIAL is refused with
	 * -EBUSY instead of piling more commands up behind them.
	 */
	dial_into_stalled_modem(_metadata, ml, line);
	for (i = 0; i < 16; i++) {
		ret = mls_dial(ml, line, NUMBER, 0, &call);
		ASSERT_EQ(-EBUSY, ret) TH_LOG("dial #%d: %s", i, strerror(-ret));
	}
	taint_after = read_taint();
	if (taint_before >= 0 && !(taint_before & TAINT_WARN_BIT)) {
		ASSERT_EQ(0L, taint_after & TAINT_WARN_BIT)
			TH_LOG("the kernel WARNed while the modem did not read (see dmesg: mlt_at_send)");
	} else {
		TH_LOG("kernel already tainted W: only the log scan can tell");
	}
}

/*
 * Issue 20.6: the tty's flush and flow ioctls work on an attached line,
 * as they do under N_TTY, and an output flush lets a line whose modem
 * stopped draining dial again: our queued commands go with the tty's.
 */
TEST_F_TIMEOUT(pty, output_flush_unwedges_a_stalled_modem, 120)
{
	struct bare_pty *p = &self->p;
	__u32 line, call;
	int ret;

	line = stalled_modem(_metadata, p);
	dial_into_stalled_modem(_metadata, self->ml, line);
	ASSERT_EQ(-EBUSY, mls_dial(self->ml, line, NUMBER, 0, &call));
	ASSERT_EQ(0, tcflush(p->slave, TCOFLUSH)) TH_LOG("tcflush: %s", strerror(errno));
	ret = mls_dial(self->ml, line, NUMBER, 0, &call);
	ASSERT_EQ(0, ret) TH_LOG("dial after TCOFLUSH: %s", strerror(-ret));
	ASSERT_EQ(0, mls_deallocate(self->ml, call, MODEMLINE_DEALLOCATE_DROP));
}

TEST_F(pty, flush_and_flow_ioctls_work_on_an_attached_line)
{
	struct bare_pty *p = &self->p;
	struct modemline_event ev;
	__u32 line, call;

	line = be_the_modem(_metadata, p);
	ASSERT_EQ(0, tcflush(p->slave, TCIOFLUSH)) TH_LOG("TCIOFLUSH: %s", strerror(errno));
	ASSERT_EQ(0, tcflush(p->slave, TCIFLUSH)) TH_LOG("TCIFLUSH: %s", strerror(errno));
	ASSERT_EQ(0, tcflow(p->slave, TCOOFF)) TH_LOG("TCOOFF: %s", strerror(errno));
	ASSERT_EQ(0, tcflow(p->slave, TCOON)) TH_LOG("TCOON: %s", strerror(errno));
	ASSERT_EQ(0, tcflow(p->slave, TCIOFF)) TH_LOG("TCIOFF: %s", strerror(errno));
	ASSERT_EQ(0, tcflow(p->slave, TCION)) TH_LOG("TCION: %s", strerror(errno));
	/* TCIOFF and TCION send the STOP and START characters to the modem. */
	EXPECT_WIRE(p->master, "\x13\x11");
	ASSERT_EQ(-1, tcflow(p->slave, 42));
	ASSERT_EQ(EINVAL, errno);
	/* The line still works: a dial's init string reaches the modem. */
	ASSERT_EQ(0, mls_dial(self->ml, line, NUMBER, 0, &call));
	EXPECT_WIRE(p->master, INIT_DEFAULT "\r");
	MODEM_SAYS(p->master, "\r\nOK\r\n");
	EXPECT_WIRE(p->master, "ATD" NUMBER "\r");
	MODEM_SAYS(p->master, "\r\nBUSY\r\n");
	ASSERT_EQ(0, mls_wait_state(self->ml, call, MODEMLINE_STATE_DISCONNECTED,
				    &ev, ML_WAIT_MS));
	EXPECT_EQ(U32(MODEMLINE_REASON_BUSY), ev.reason);
}

/* ------------------------------------------------------------------ */
/* Who may attach                                                      */

TEST_F(pty, attach_needs_cap_net_admin)
{
	struct bare_pty *p = &self->p;
	__u32 line;
	pid_t pid;
	int status, ld = -1, ret;

	if (geteuid() != 0)
		SKIP(return, "needs root to drop privileges from");
	p->slave = ml_tty_open(p->path, 0);
	ASSERT_LE(0, p->slave);

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int d = MODEMLINE_LDISC;

		/* Leaving uid 0 clears every capability. */
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(100);
		if (!ioctl(p->slave, TIOCSETD, &d))
			_exit(101);
		_exit(errno == EPERM ? 0 : 102);
	}
	status = wait_child(pid, ML_WAIT_MS);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status))
		TH_LOG("as uid 65534: %s", WEXITSTATUS(status) == 101 ?
		       "TIOCSETD succeeded" : WEXITSTATUS(status) == 100 ?
		       "could not drop privileges" : "not -EPERM");
	ASSERT_EQ(0, tty_get_ldisc(p->slave, &ld));
	ASSERT_EQ(N_TTY_LDISC, ld);

	/* root can. */
	ret = tty_attach_line(p->slave, GUARD_MS, NULL, &line);
	ASSERT_EQ(0, ret);
}

/* ------------------------------------------------------------------ */
/* util-linux ldattach                                                 */

TEST_F(pty, ldattach_attaches_and_detaches)
{
	struct bare_pty *p = &self->p;
	struct modemline_line_info li;
	struct modemline_event ev;
	char name[MODEMLINE_NAME_LEN];
	__u32 before = 0, after = 0, line = 0;
	pid_t pid;
	int ml = self->ml, ret, status, fd, ld = -1;

	if (access(LDATTACH, X_OK))
		SKIP(return, LDATTACH " not found (util-linux)");
	ASSERT_EQ(0, mls_subscribe(ml, 0));
	snprintf(name, sizeof(name), "pts%d", p->index);
	ASSERT_EQ(0, mls_line_list(ml, NULL, 0, &before));

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int null = open("/dev/null", O_WRONLY);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (null >= 0)
			dup2(null, STDOUT_FILENO);
		/* -d: stay in the foreground, so that we know its pid. */
		execl(LDATTACH, "ldattach", "-d", "29", p->path, (char *)NULL);
		_exit(127);
	}
	/* LINE_ADDED, for the subscription to every line. */
	for (;;) {
		ret = mls_wait_event(ml, MODEMLINE_EVENT_LINE_ADDED, 0, &ev,
				     ML_WAIT_MS);
		if (ret) {
			kill(pid, SIGKILL);
			wait_child(pid, ML_WAIT_MS);
		}
		ASSERT_EQ(0, ret) TH_LOG("ldattach made no line: %s", strerror(-ret));
		if (!mls_line_info(ml, ev.line_id, &li) && !strcmp(li.name, name))
			break;
	}
	line = ev.line_id;
	check_line_event(_metadata, &ev, MODEMLINE_EVENT_LINE_ADDED, line, 0, "");
	/* ldattach keeps the tty open and stays. */
	ASSERT_EQ(0, waitpid(pid, &status, WNOHANG));
	ASSERT_EQ(0, mls_line_list(ml, NULL, 0, &after));
	ASSERT_EQ(before + 1, after);
	ASSERT_EQ(1, line_listed(ml, line));
	ASSERT_EQ(U32(MODEMLINE_TRANSPORT_TTY), li.transport);
	ASSERT_STR_FIELD(name, li.name);
	ASSERT_EQ(0U, li.flags);
	ASSERT_EQ(0ULL, li.calls);
	fd = open(p->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, tty_get_ldisc(fd, &ld));
	ASSERT_EQ(MODEMLINE_LDISC, ld);
	ASSERT_EQ(0, tty_line_id(fd, &after));
	ASSERT_EQ(line, after);
	close(fd);

	/*
	 * Killing ldattach closes its fd, the last one of the slave. A pty
	 * tty is released only once both sides are closed (tty_release()),
	 * and only then is the discipline closed: the line goes when our
	 * master closes too. (On a UART or USB tty ldattach's exit is
	 * the final close.)
	 */
	ASSERT_EQ(0, kill(pid, SIGTERM));
	status = wait_child(pid, ML_WAIT_MS);
	ASSERT_TRUE(WIFSIGNALED(status));
	ASSERT_EQ(0, close(p->master));
	p->master = -1;
	ret = mls_wait_event(ml, MODEMLINE_EVENT_LINE_REMOVED, line, &ev,
			     ML_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("no LINE_REMOVED after ldattach died and the master closed: %s",
				 strerror(-ret));
	check_line_event(_metadata, &ev, MODEMLINE_EVENT_LINE_REMOVED, line,
			 MODEMLINE_REASON_LINE_REMOVED, "");
	wait_line_gone(_metadata, ml, line);
	ASSERT_EQ(0, mls_line_list(ml, NULL, 0, &after));
	ASSERT_EQ(before, after);
}

TEST_HARNESS_MAIN

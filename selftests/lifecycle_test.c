// SPDX-License-Identifier: GPL-2.0
/*
 * Success paths of every ioctl on simulated lines, and the retained record
 * after each way a call can end: local (DROP), remote (the other side or
 * the network) and system (timeouts, modem errors, the line going away).
 * Also deallocation, handle validity after release, and close().
 */
#include "ml_test.h"

#include <stdlib.h>
#include <sys/mman.h>

#define NUMBER		"5551234"
#define CALLER_ID	"0301234567"
#define MS		1000000ULL	/* ns */

/* Local record expectations, filled in per test. */
static struct rec_expect outgoing(__u32 line_id)
{
	return rec_call(line_id, MODEMLINE_DIR_OUTGOING, NUMBER);
}

static struct rec_expect incoming(__u32 line_id, const char *number)
{
	return rec_call(line_id, MODEMLINE_DIR_INCOMING, number);
}

/* ------------------------------------------------------------------ */
/* One file, two simulated lines.                                      */

FIXTURE(lc) {
	int fd;
	struct sim_line line[2];
	struct sim_line extra;	/* created by a test, removed in teardown */
};

FIXTURE_SETUP(lc)
{
	ML_OPEN(self->fd, 0);
	SIM_CREATE_LINES(self->line, 2);
}

FIXTURE_TEARDOWN_PARENT(lc)
{
	sim_lines_remove(self->line, 2);
	sim_line_remove(&self->extra);
}

#define L0 (self->line[0])
#define L1 (self->line[1])

/*
 * The helpers below take the file and the line they work on, @fd and
 * @line (L0 or L1), rather than the fixture: its type is the harness's.
 */

/*
 * Run @cmd on @line's sim (NULL: none), DIAL on @line and wait for
 * @state. Returns the handle; the event is left in @ev.
 */
static __u32 dial_on(struct __test_metadata *_metadata, int fd,
		     const struct sim_line *line, const char *cmd,
		     __u32 state, struct modemline_event *ev)
{
	if (cmd)
		SIM_CTL(line, "%s", cmd);
	return dial_wait(_metadata, fd, line->id, NUMBER, state, ev);
}

/* A call on L0 that connects (the sim set up by @cmd first). */
#define CONNECT_L0(cmd, ev) \
	dial_on(_metadata, self->fd, &L0, (cmd), MODEMLINE_STATE_CONNECTED, \
		(ev))

/* A call on L0 that the far end ends at once: BUSY. */
#define FAILED_L0(ev) \
	dial_on(_metadata, self->fd, &L0, "dial busy 0", \
		MODEMLINE_STATE_DISCONNECTED, (ev))

/* A call on @line in DISCONNECTING: dropped, the sim slow to hang up. */
static __u32 disconnecting_call(struct __test_metadata *_metadata, int fd,
				const struct sim_line *line,
				struct modemline_event *ev)
{
	__u32 call = dial_on(_metadata, fd, line, "hangup_delay 5000",
			     MODEMLINE_STATE_CONNECTED, ev);

	ASSERT_EQ(0, mls_drop(fd, call, 0));
	return call;
}

/* An incoming call on @line in ANSWERING: offered, the sim never answers. */
static __u32 answering_call(struct __test_metadata *_metadata, int fd,
			    const struct sim_line *line,
			    struct modemline_event *ev)
{
	__u32 call = 0;

	ring_offer(_metadata, fd, line, CALLER_ID, ev);
	SIM_CTL(line, "answer silent");
	ASSERT_EQ(0, mls_answer(fd, line->id, &call));
	return call;
}

/*
 * The far end ends a connected outgoing call on @line with sim command
 * @cmd: the DISCONNECTED event and the record say REMOTE and @reason, and
 * the record keeps the modem's last text @result (NULL: not specified).
 */
static void check_remote_end(struct __test_metadata *_metadata, int fd,
			     const struct sim_line *line, const char *cmd,
			     __u32 reason, const char *result)
{
	struct rec_expect e = outgoing(line->id);
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	call = dial_on(_metadata, fd, line, NULL, MODEMLINE_STATE_CONNECTED,
		       &ev);
	SIM_CTL(line, "%s", cmd);
	check_ended_event(_metadata, fd, line->id, call,
			  MODEMLINE_ORIGIN_REMOTE, reason, &ev);
	expect_connected(&e, 33600, NULL);
	check_ended_info(_metadata, fd, call, &e, MODEMLINE_ORIGIN_REMOTE,
			 reason, result, &ci);
}

/* -- lines ---------------------------------------------------------- */

TEST_F(lc, line_list_includes_sim_lines_ascending)
{
	__u32 ids[1024], count = 0, i;
	int found = 0;

	ASSERT_EQ(0, mls_line_list(self->fd, NULL, 0, &count));
	ASSERT_LE(2U, count);
	ASSERT_GT(1024U, count);

	memset(ids, ML_POISON, sizeof(ids));
	ASSERT_EQ(0, mls_line_list(self->fd, ids, 1024, &count));
	/* Each id valid and above the one before it (count is 2 or more). */
	ASSERT_NE(0U, ids[0]);
	for (i = 1; i < count; i++) {
		ASSERT_NE(0U, ids[i]);
		ASSERT_LT(ids[i - 1], ids[i]);
	}
	for (i = 0; i < count; i++) {
		if (ids[i] == L0.id || ids[i] == L1.id)
			found++;
	}
	ASSERT_EQ(2, found);
	ASSERT_EQ(0xAAAAAAAAU, ids[count]) TH_LOG("slot past count written");
}

TEST_F(lc, line_list_short_array_gets_full_count)
{
	__u32 ids[4], count = 0;

	memset(ids, ML_POISON, sizeof(ids));
	ASSERT_EQ(0, mls_line_list(self->fd, ids, 1, &count));
	ASSERT_LE(2U, count);
	ASSERT_NE(0xAAAAAAAAU, ids[0]);
	ASSERT_LE(ids[0], L0.id < L1.id ? L0.id : L1.id);
	ASSERT_EQ(0xAAAAAAAAU, ids[1]) TH_LOG("more slots written than given");
}

TEST_F(lc, line_info_describes_sim_line)
{
	check_new_line_info(_metadata, self->fd, L0.id, MODEMLINE_TRANSPORT_SIM,
			    L0.name, 0, 0, "");
}

TEST_F(lc, line_counters_count_calls)
{
	struct modemline_line_info li;
	struct modemline_event ev;
	__u32 call;

	/* Connected then dropped, failed, answered then hung up remotely. */
	call = CONNECT_L0(NULL, &ev);
	ASSERT_EQ(0, mls_drop(self->fd, call, MODEMLINE_DROP_WAIT));
	FAILED_L0(&ev);
	call = ring_answer(_metadata, self->fd, &L0, CALLER_ID, &ev);
	SIM_CTL(&L0, "hangup");
	WAIT_ENDED(self->fd, call, &ev);

	ASSERT_EQ(0, mls_line_info(self->fd, L0.id, &li));
	ASSERT_EQ(3ULL, li.calls);
	ASSERT_EQ(2ULL, li.calls_connected);
	ASSERT_EQ(1ULL, li.calls_failed);
	ASSERT_EQ(0U, li.flags & MODEMLINE_LINE_BUSY);
	/* The other line saw none of it. */
	ASSERT_EQ(0, mls_line_info(self->fd, L1.id, &li));
	ASSERT_EQ(0ULL, li.calls);
}

/* -- DIAL ----------------------------------------------------------- */

TEST_F(lc, dial_creates_call_in_dialing_state)
{
	struct rec_expect e = outgoing(L0.id);
	struct modemline_call_info ci;
	__u64 before, after;
	__u32 call = 0;

	SIM_CTL(&L0, "dial silent");
	before = mls_now_ns();
	ASSERT_EQ(0, mls_dial(self->fd, L0.id, NUMBER, 0, &call));
	after = mls_now_ns();
	ASSERT_NE(0U, call);

	e.state = MODEMLINE_STATE_DIALING;
	e.result = "";
	check_call_info(_metadata, self->fd, call, &e, &ci);
	ASSERT_LE(before, ci.created_ns);
	ASSERT_LE(ci.created_ns, after);
}

TEST_F(lc, dial_connect_event)
{
	struct modemline_event ev;
	__u32 call;

	call = CONNECT_L0("dial connect 0 33600", &ev);
	check_state_event(_metadata, &ev, L0.id, call,
			  MODEMLINE_STATE_CONNECTED, 0, 0, 33600);
}

/*
 * Dial on L0 with the sim's "dial connect DELAY RATE" @mode: the record
 * says CONNECTED at @rate, the modem's text @result. The record and
 * the CONNECTED event are left in @ci and @ev.
 */
static __u32 check_connected_record(struct __test_metadata *_metadata,
				    int fd, const struct sim_line *line,
				    const char *mode, __u32 rate,
				    const char *result,
				    struct modemline_call_info *ci,
				    struct modemline_event *ev)
{
	struct rec_expect e = outgoing(line->id);
	__u32 call = dial_on(_metadata, fd, line, mode,
			     MODEMLINE_STATE_CONNECTED, ev);

	expect_connected(&e, rate, result);
	check_call_info(_metadata, fd, call, &e, ci);
	return call;
}

TEST_F(lc, connected_call_record)
{
	struct modemline_call_info ci;
	struct modemline_event ev;

	check_connected_record(_metadata, self->fd, &L0, "dial connect 0 33600",
			       33600, "CONNECT 33600", &ci, &ev);
}

TEST_F(lc, connect_without_rate_record)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	call = check_connected_record(_metadata, self->fd, &L0,
				      "dial connect 0 0", 0, "CONNECT", &ci,
				      &ev);
	check_state_event(_metadata, &ev, L0.id, call,
			  MODEMLINE_STATE_CONNECTED, 0, 0, 0);
}

TEST_F(lc, connect_delay_shows_in_timestamps)
{
	struct modemline_call_info ci;
	struct modemline_event ev;

	check_connected_record(_metadata, self->fd, &L0,
			       "dial connect 500 9600", 9600, "CONNECT 9600",
			       &ci, &ev);
	/* Timers never fire early; leave room for jiffy rounding. */
	ASSERT_LE(ci.created_ns + 450 * MS, ci.connected_ns);
	ASSERT_LE(ci.created_ns + 450 * MS, ev.timestamp_ns);
}

TEST_F(lc, connected_call_marks_line_busy)
{
	struct modemline_line_info li;
	struct modemline_event ev;

	ASSERT_EQ(0, mls_line_info(self->fd, L0.id, &li));
	ASSERT_EQ(0U, li.flags & MODEMLINE_LINE_BUSY);
	CONNECT_L0(NULL, &ev);
	ASSERT_EQ(0, mls_line_info(self->fd, L0.id, &li));
	ASSERT_EQ(U32(MODEMLINE_LINE_BUSY), li.flags);
	ASSERT_EQ(1ULL, li.calls);
}

TEST_F(lc, dial_on_connected_line_is_ebusy)
{
	struct modemline_event ev;
	__u32 call2 = 0;

	CONNECT_L0(NULL, &ev);
	ASSERT_EQ(-EBUSY, mls_dial(self->fd, L0.id, NUMBER, 0, &call2));
	ASSERT_EQ(1, mls_call_count(self->fd));
	/* The other line is free. */
	ASSERT_EQ(0, mls_dial(self->fd, L1.id, NUMBER, 0, &call2));
}

TEST_F(lc, dial_on_dialing_line_is_ebusy)
{
	__u32 call2 = 0;

	dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	ASSERT_EQ(-EBUSY, mls_dial(self->fd, L0.id, NUMBER, 0, &call2));
	ASSERT_EQ(1, mls_call_count(self->fd));
}

TEST_F(lc, dial_after_call_ended_succeeds)
{
	struct modemline_event ev;
	__u32 call, call2 = 0;

	call = FAILED_L0(&ev);
	/* The ended call is retained, but the line is free. */
	ASSERT_EQ(0, mls_dial(self->fd, L0.id, NUMBER, 0, &call2));
	ASSERT_NE(call, call2);
	ASSERT_EQ(2, mls_call_count(self->fd));
}

/* -- local: DROP ---------------------------------------------------- */

TEST_F(lc, local_drop_events_in_order)
{
	struct modemline_event ev, ev2, ev3;
	__u32 call;

	call = CONNECT_L0(NULL, &ev);
	ASSERT_EQ(0, mls_drop(self->fd, call, 0));
	ASSERT_EQ(0, mls_read_event(self->fd, &ev2, ML_WAIT_MS));
	check_state_event(_metadata, &ev2, L0.id, call,
			  MODEMLINE_STATE_DISCONNECTING, 0, 0, 0);
	ASSERT_EQ(0, mls_read_event(self->fd, &ev3, ML_WAIT_MS));
	check_state_event(_metadata, &ev3, L0.id, call,
			  MODEMLINE_STATE_DISCONNECTED,
			  MODEMLINE_ORIGIN_LOCAL, MODEMLINE_REASON_NORMAL, 0);
	ASSERT_EQ(ev.seq + 1, ev2.seq);
	ASSERT_EQ(ev2.seq + 1, ev3.seq);
	ASSERT_LE(ev.timestamp_ns, ev2.timestamp_ns);
	ASSERT_LE(ev2.timestamp_ns, ev3.timestamp_ns);
}

TEST_F(lc, local_drop_record)
{
	struct rec_expect e = outgoing(L0.id);
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	call = CONNECT_L0("dial connect 0 33600", &ev);
	ASSERT_EQ(0, mls_drop(self->fd, call, 0));
	WAIT_ENDED(self->fd, call, &ev);
	expect_connected(&e, 33600, NULL);
	check_ended_info(_metadata, self->fd, call, &e, MODEMLINE_ORIGIN_LOCAL,
			 MODEMLINE_REASON_NORMAL, "OK", &ci);
}

TEST_F(lc, drop_wait_returns_when_disconnected)
{
	struct rec_expect e = outgoing(L0.id);
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u64 before;
	__u32 call;

	call = CONNECT_L0("hangup_delay 300", &ev);
	before = mls_now_ns();
	ASSERT_EQ(0, mls_drop(self->fd, call, MODEMLINE_DROP_WAIT));
	/* No waiting here: DROP_WAIT returned, so it is over. */
	expect_connected(&e, 33600, NULL);
	check_ended_info(_metadata, self->fd, call, &e, MODEMLINE_ORIGIN_LOCAL,
			 MODEMLINE_REASON_NORMAL, "OK", &ci);
	ASSERT_LE(before + 250 * MS, ci.disconnected_ns)
		TH_LOG("hangup_delay 300 not honoured");
}

TEST_F(lc, drop_returns_before_hangup_completes)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	call = disconnecting_call(_metadata, self->fd, &L0, &ev);
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_DISCONNECTING), ci.state);
	ASSERT_EQ(0ULL, ci.disconnected_ns);
	ASSERT_EQ(0, mls_wait_state(self->fd, call,
				    MODEMLINE_STATE_DISCONNECTED, &ev,
				   2 * ML_WAIT_MS));
	check_state_event(_metadata, &ev, L0.id, call,
			  MODEMLINE_STATE_DISCONNECTED,
			  MODEMLINE_ORIGIN_LOCAL, MODEMLINE_REASON_NORMAL, 0);
}

TEST_F(lc, drop_of_dialing_call_record)
{
	struct rec_expect e = outgoing(L0.id);
	struct modemline_call_info ci;
	__u32 call;

	call = dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	ASSERT_EQ(0, mls_drop(self->fd, call, MODEMLINE_DROP_WAIT));
	check_ended_info(_metadata, self->fd, call, &e, MODEMLINE_ORIGIN_LOCAL,
			 MODEMLINE_REASON_NORMAL, NULL, &ci);
}

TEST_F(lc, drop_of_ended_call_changes_nothing)
{
	struct modemline_call_info ci, ci2;
	struct modemline_event ev;
	__u32 call;

	call = FAILED_L0(&ev);
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(0, mls_drop(self->fd, call, 0));
	ASSERT_EQ(0, mls_drop(self->fd, call, MODEMLINE_DROP_WAIT));
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci2));
	ASSERT_EQ(0, memcmp(&ci, &ci2, sizeof(ci))) TH_LOG("record changed");
	ASSERT_EQ(-ETIMEDOUT, mls_read_event(self->fd, &ev, 0))
		TH_LOG("DROP of an ended call queued an event");
}

/* -- remote --------------------------------------------------------- */

TEST_F(lc, remote_hangup_record)
{
	check_remote_end(_metadata, self->fd, &L0, "hangup",
			 MODEMLINE_REASON_NORMAL, "NO CARRIER");
}

TEST_F(lc, remote_hangup_has_no_disconnecting_event)
{
	struct modemline_event ev, ev2;
	__u32 call;

	call = CONNECT_L0(NULL, &ev);
	SIM_CTL(&L0, "hangup");
	ASSERT_EQ(0, mls_read_event(self->fd, &ev2, ML_WAIT_MS));
	check_state_event(_metadata, &ev2, L0.id, call,
			  MODEMLINE_STATE_DISCONNECTED,
			  MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_NORMAL, 0);
}

TEST_F(lc, carrier_lost_record)
{
	/* No result code: the text is not specified. */
	check_remote_end(_metadata, self->fd, &L0, "carrier_lost",
			 MODEMLINE_REASON_CARRIER_LOST, NULL);
}

TEST_F(lc, remote_hangup_without_call_does_nothing)
{
	struct modemline_line_info li;
	struct modemline_event ev;

	SIM_CTL(&L0, "hangup");
	SIM_CTL(&L0, "carrier_lost");
	ASSERT_EQ(0, mls_line_info(self->fd, L0.id, &li));
	ASSERT_EQ(0U, li.flags);
	ASSERT_EQ(-ETIMEDOUT, mls_read_event(self->fd, &ev, 0));
	CONNECT_L0(NULL, &ev);
}

/* -- system --------------------------------------------------------- */

TEST_F(lc, dial_timeout_record)
{
	struct rec_expect e = outgoing(L0.id);
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	call = dialing_call(_metadata, self->fd, &L0, NUMBER, 300);
	check_ended_event(_metadata, self->fd, L0.id, call,
			  MODEMLINE_ORIGIN_SYSTEM,
			  MODEMLINE_REASON_DIAL_TIMEOUT, &ev);
	/* The text is whatever aborting the dial gave. */
	check_ended_info(_metadata, self->fd, call, &e, MODEMLINE_ORIGIN_SYSTEM,
			 MODEMLINE_REASON_DIAL_TIMEOUT, NULL, &ci);
	ASSERT_LE(ci.created_ns + 250 * MS, ci.disconnected_ns)
		TH_LOG("timeout_ms 300 ended the call too early");
}

TEST_F(lc, line_removed_while_connected_record)
{
	struct rec_expect e = outgoing(L0.id);
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	call = CONNECT_L0(NULL, &ev);
	SIM_REMOVE(&L0);
	check_ended_event(_metadata, self->fd, L0.id, call,
			  MODEMLINE_ORIGIN_SYSTEM,
			  MODEMLINE_REASON_LINE_REMOVED, &ev);
	wait_line_gone(_metadata, self->fd, L0.id);
	expect_connected(&e, 33600, NULL);
	check_ended_info(_metadata, self->fd, call, &e, MODEMLINE_ORIGIN_SYSTEM,
			 MODEMLINE_REASON_LINE_REMOVED, NULL, &ci);
	ASSERT_EQ(1, mls_call_listed(self->fd, call));
}

TEST_F(lc, line_removed_while_dialing_record)
{
	struct rec_expect e = outgoing(L0.id);
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	call = dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	SIM_REMOVE(&L0);
	WAIT_ENDED(self->fd, call, &ev);
	check_ended_info(_metadata, self->fd, call, &e, MODEMLINE_ORIGIN_SYSTEM,
			 MODEMLINE_REASON_LINE_REMOVED, NULL, &ci);
}

TEST_F(lc, line_removed_event_for_subscriber)
{
	struct modemline_event ev;
	bool got_state = false, got_removed = false;
	__u32 call;
	int ret;

	ASSERT_EQ(0, mls_subscribe(self->fd, L0.id));
	call = CONNECT_L0(NULL, &ev);
	SIM_REMOVE(&L0);
	/* Both arrive; their order is not specified. */
	while (!got_state || !got_removed) {
		ret = mls_read_event(self->fd, &ev, ML_WAIT_MS);
		ASSERT_EQ(0, ret) TH_LOG("state event %d, LINE_REMOVED %d",
					 got_state, got_removed);
		if (ev.type == MODEMLINE_EVENT_LINE_REMOVED) {
			ASSERT_FALSE(got_removed);
			check_line_event(_metadata, &ev,
					 MODEMLINE_EVENT_LINE_REMOVED, L0.id,
					 MODEMLINE_REASON_LINE_REMOVED, "");
			got_removed = true;
		} else {
			ASSERT_FALSE(got_state);
			check_state_event(_metadata, &ev, L0.id, call,
					  MODEMLINE_STATE_DISCONNECTED,
					  MODEMLINE_ORIGIN_SYSTEM,
					  MODEMLINE_REASON_LINE_REMOVED, 0);
			got_state = true;
		}
	}
}

TEST_F(lc, removed_line_is_unknown)
{
	__u32 ids[1024], count = 0, i, call = 0;

	SIM_REMOVE(&L0);
	wait_line_gone(_metadata, self->fd, L0.id);
	ASSERT_FALSE(sim_line_exists(L0.name));
	ASSERT_EQ(-ENOENT, mls_dial(self->fd, L0.id, NUMBER, 0, &call));
	ASSERT_EQ(-ENOENT, mls_answer(self->fd, L0.id, &call));
	ASSERT_EQ(-ENOENT, mls_subscribe(self->fd, L0.id));
	ASSERT_EQ(0, mls_line_list(self->fd, ids, 1024, &count));
	ASSERT_GT(1024U, count);
	for (i = 0; i < count; i++) {
		ASSERT_NE(L0.id, ids[i])
			TH_LOG("the removed line still listed, slot %u of %u",
			       i, count);
	}
	ASSERT_EQ(0, mls_call_count(self->fd));
}

TEST_F(lc, record_of_removed_line_can_be_deallocated)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	call = CONNECT_L0(NULL, &ev);
	SIM_REMOVE(&L0);
	WAIT_ENDED(self->fd, call, &ev);
	wait_line_gone(_metadata, self->fd, L0.id);
	ASSERT_EQ(0, mls_deallocate(self->fd, call, 0));
	ASSERT_EQ(-ENOENT, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(0, mls_call_count(self->fd));
}

/* -- ANSWER --------------------------------------------------------- */

TEST_F(lc, ring_marks_line_offering)
{
	struct modemline_line_info li;
	struct modemline_event ev;

	ring_offer(_metadata, self->fd, &L0, CALLER_ID, &ev);
	check_line_event(_metadata, &ev, MODEMLINE_EVENT_CALL_OFFERED, L0.id,
			 0, CALLER_ID);
	ASSERT_EQ(0, mls_line_info(self->fd, L0.id, &li));
	ASSERT_EQ(U32(MODEMLINE_LINE_OFFERING), li.flags);
	ASSERT_EQ(1U, li.rings);
	ASSERT_STR_FIELD(CALLER_ID, li.offered_number);
	ASSERT_EQ(0ULL, li.calls);
}

TEST_F(lc, rings_are_counted)
{
	struct modemline_line_info li;
	struct modemline_event ev;
	__u64 deadline;

	ring_offer(_metadata, self->fd, &L0, CALLER_ID, &ev);
	SIM_CTL(&L0, "ring " CALLER_ID);
	SIM_CTL(&L0, "ring " CALLER_ID);
	deadline = mls_now_ns() + ML_WAIT_MS * MS;
	do {
		ASSERT_EQ(0, mls_line_info(self->fd, L0.id, &li));
		if (li.rings >= 3)
			break;
		usleep(2000);
	} while (mls_now_ns() < deadline);
	ASSERT_EQ(3U, li.rings);
	ASSERT_EQ(U32(MODEMLINE_LINE_OFFERING), li.flags);
}

TEST_F(lc, answer_connect_event)
{
	struct modemline_event ev;
	__u32 call;

	ring_offer(_metadata, self->fd, &L0, CALLER_ID, &ev);
	SIM_CTL(&L0, "answer connect 0 14400");
	call = answer_wait(_metadata, self->fd, L0.id,
			   MODEMLINE_STATE_CONNECTED, &ev);
	check_state_event(_metadata, &ev, L0.id, call,
			  MODEMLINE_STATE_CONNECTED, 0, 0, 14400);
}

TEST_F(lc, answered_call_record)
{
	struct rec_expect e = incoming(L0.id, CALLER_ID);
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	call = ring_answer(_metadata, self->fd, &L0, CALLER_ID, &ev);
	expect_connected(&e, 33600, "CONNECT 33600");
	check_call_info(_metadata, self->fd, call, &e, &ci);
}

TEST_F(lc, answer_without_caller_id_record)
{
	struct rec_expect e = incoming(L0.id, "");
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	ring_offer(_metadata, self->fd, &L0, NULL, &ev);
	check_line_event(_metadata, &ev, MODEMLINE_EVENT_CALL_OFFERED, L0.id,
			 0, "");
	call = answer_wait(_metadata, self->fd, L0.id,
			   MODEMLINE_STATE_CONNECTED, &ev);
	expect_connected(&e, 33600, "CONNECT 33600");
	check_call_info(_metadata, self->fd, call, &e, &ci);
}

TEST_F(lc, answer_ends_offering)
{
	struct modemline_line_info li;
	struct modemline_event ev;

	ring_offer(_metadata, self->fd, &L0, CALLER_ID, &ev);
	answer_wait(_metadata, self->fd, L0.id, MODEMLINE_STATE_CONNECTED,
		    &ev);
	ASSERT_EQ(0, mls_line_info(self->fd, L0.id, &li));
	ASSERT_EQ(U32(MODEMLINE_LINE_BUSY), li.flags);
	ASSERT_EQ(1ULL, li.calls);
}

TEST_F(lc, answered_call_local_drop_record)
{
	struct rec_expect e = incoming(L0.id, CALLER_ID);
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	call = ring_answer(_metadata, self->fd, &L0, CALLER_ID, &ev);
	ASSERT_EQ(0, mls_drop(self->fd, call, MODEMLINE_DROP_WAIT));
	expect_connected(&e, 33600, NULL);
	check_ended_info(_metadata, self->fd, call, &e, MODEMLINE_ORIGIN_LOCAL,
			 MODEMLINE_REASON_NORMAL, "OK", &ci);
}

TEST_F(lc, answered_call_remote_hangup_record)
{
	struct rec_expect e = incoming(L0.id, CALLER_ID);
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	call = ring_answer(_metadata, self->fd, &L0, CALLER_ID, &ev);
	SIM_CTL(&L0, "hangup");
	WAIT_ENDED(self->fd, call, &ev);
	expect_connected(&e, 33600, NULL);
	check_ended_info(_metadata, self->fd, call, &e, MODEMLINE_ORIGIN_REMOTE,
			 MODEMLINE_REASON_NORMAL, "NO CARRIER", &ci);
}

TEST_F(lc, answer_nocarrier_record)
{
	struct rec_expect e = incoming(L0.id, CALLER_ID);
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	ring_offer(_metadata, self->fd, &L0, CALLER_ID, &ev);
	SIM_CTL(&L0, "answer nocarrier 0");
	call = answer_wait(_metadata, self->fd, L0.id,
			   MODEMLINE_STATE_DISCONNECTED, &ev);
	check_state_event(_metadata, &ev, L0.id, call,
			  MODEMLINE_STATE_DISCONNECTED,
			  MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_NO_CARRIER,
			  0);
	check_ended_info(_metadata, self->fd, call, &e, MODEMLINE_ORIGIN_REMOTE,
			 MODEMLINE_REASON_NO_CARRIER, "NO CARRIER", &ci);
}

TEST_F(lc, answering_call_state)
{
	struct rec_expect e = incoming(L0.id, CALLER_ID);
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	call = answering_call(_metadata, self->fd, &L0, &ev);
	ASSERT_NE(0U, call);
	e.state = MODEMLINE_STATE_ANSWERING;
	e.result = NULL;
	check_call_info(_metadata, self->fd, call, &e, &ci);
}

TEST_F(lc, caller_gives_up_while_answering_record)
{
	struct rec_expect e = incoming(L0.id, CALLER_ID);
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	call = answering_call(_metadata, self->fd, &L0, &ev);
	SIM_CTL(&L0, "ring_stop");
	check_ended_event(_metadata, self->fd, L0.id, call,
			  MODEMLINE_ORIGIN_REMOTE,
			  MODEMLINE_REASON_REJECTED, &ev);
	check_ended_info(_metadata, self->fd, call, &e, MODEMLINE_ORIGIN_REMOTE,
			 MODEMLINE_REASON_REJECTED, NULL, &ci);
}

TEST_F(lc, answer_after_caller_gave_up_is_esrch)
{
	struct modemline_line_info li;
	struct modemline_event ev;
	__u64 deadline;
	__u32 call = 0;

	ring_offer(_metadata, self->fd, &L0, CALLER_ID, &ev);
	SIM_CTL(&L0, "ring_stop");
	deadline = mls_now_ns() + ML_WAIT_MS * MS;
	do {
		ASSERT_EQ(0, mls_line_info(self->fd, L0.id, &li));
		if (!(li.flags & MODEMLINE_LINE_OFFERING))
			break;
		usleep(2000);
	} while (mls_now_ns() < deadline);
	ASSERT_EQ(0U, li.flags);
	ASSERT_EQ(-ESRCH, mls_answer(self->fd, L0.id, &call));
	ASSERT_EQ(0, mls_call_count(self->fd));
}

TEST_F(lc, answer_without_offer_is_esrch)
{
	__u32 call = 0;

	ASSERT_EQ(-ESRCH, mls_answer(self->fd, L0.id, &call));
	ASSERT_EQ(0, mls_call_count(self->fd));
}

/* -- SUBSCRIBE / UNSUBSCRIBE --------------------------------------- */

/* Queue a CALL_STATE event on @line that marks "everything before is in". */
static __u32 marker(struct __test_metadata *_metadata, int fd,
		    const struct sim_line *line)
{
	__u32 call = 0;

	ASSERT_EQ(0, sim_ctl(line, "dial busy 0"));
	ASSERT_EQ(0, mls_dial(fd, line->id, NUMBER, 0, &call));
	return call;
}

TEST_F(lc, subscribe_twice_gives_one_event)
{
	struct modemline_event ev;
	__u32 call;

	ASSERT_EQ(0, mls_subscribe(self->fd, L0.id));
	ring_offer(_metadata, self->fd, &L0, CALLER_ID, &ev);
	call = marker(_metadata, self->fd, &L1);
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	check_state_event(_metadata, &ev, L1.id, call,
			  MODEMLINE_STATE_DISCONNECTED,
			  MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_BUSY, 0);
}

TEST_F(lc, unsubscribe_stops_line_events)
{
	struct modemline_event ev;
	__u32 call;

	ASSERT_EQ(0, mls_subscribe(self->fd, L0.id));
	ASSERT_EQ(0, mls_unsubscribe(self->fd, L0.id));
	SIM_CTL(&L0, "ring " CALLER_ID);
	call = marker(_metadata, self->fd, &L1);
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	check_state_event(_metadata, &ev, L1.id, call,
			  MODEMLINE_STATE_DISCONNECTED,
			  MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_BUSY, 0);
}

TEST_F(lc, unsubscribe_not_subscribed_is_enoent)
{
	ASSERT_EQ(-ENOENT, mls_unsubscribe(self->fd, L0.id));
	ASSERT_EQ(0, mls_subscribe(self->fd, L0.id));
	ASSERT_EQ(0, mls_unsubscribe(self->fd, L0.id));
	ASSERT_EQ(-ENOENT, mls_unsubscribe(self->fd, L0.id));
}

TEST_F(lc, subscribe_all_reports_line_added)
{
	struct modemline_event ev;

	ASSERT_EQ(0, mls_subscribe(self->fd, 0));
	ASSERT_EQ(0, sim_line_create(&self->extra));
	ASSERT_EQ(0, mls_wait_event(self->fd, MODEMLINE_EVENT_LINE_ADDED,
				    self->extra.id, &ev, ML_WAIT_MS));
	check_line_event(_metadata, &ev, MODEMLINE_EVENT_LINE_ADDED,
			 self->extra.id, 0, "");
}

TEST_F(lc, subscribe_all_reports_offered_calls)
{
	struct modemline_event ev;

	ASSERT_EQ(0, mls_subscribe(self->fd, 0));
	SIM_CTL(&L1, "ring " CALLER_ID);
	ASSERT_EQ(0, mls_wait_event(self->fd, MODEMLINE_EVENT_CALL_OFFERED,
				    L1.id, &ev, ML_WAIT_MS));
	check_line_event(_metadata, &ev, MODEMLINE_EVENT_CALL_OFFERED, L1.id,
			 0, CALLER_ID);
}

TEST_F(lc, subscribe_all_reports_line_removed)
{
	struct modemline_event ev;

	ASSERT_EQ(0, mls_subscribe(self->fd, 0));
	SIM_REMOVE(&L1);
	ASSERT_EQ(0, mls_wait_event(self->fd, MODEMLINE_EVENT_LINE_REMOVED,
				    L1.id, &ev, ML_WAIT_MS));
	check_line_event(_metadata, &ev, MODEMLINE_EVENT_LINE_REMOVED, L1.id,
			 MODEMLINE_REASON_LINE_REMOVED, "");
}

/* -- DEALLOCATE, CALL_LIST, handles -------------------------------- */

TEST_F(lc, released_handle_is_enoent_everywhere)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	call = FAILED_L0(&ev);
	ASSERT_EQ(1, mls_call_listed(self->fd, call));
	ASSERT_EQ(0, mls_deallocate(self->fd, call, 0));

	ASSERT_EQ(-ENOENT, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(-ENOENT, mls_drop(self->fd, call, 0));
	ASSERT_EQ(-ENOENT, mls_drop(self->fd, call, MODEMLINE_DROP_WAIT));
	ASSERT_EQ(-ENOENT, mls_deallocate(self->fd, call, 0));
	ASSERT_EQ(-ENOENT, mls_deallocate(self->fd, call,
					  MODEMLINE_DEALLOCATE_DROP));
	ASSERT_EQ(0, mls_call_listed(self->fd, call));
	ASSERT_EQ(0, mls_call_count(self->fd));
}

TEST_F(lc, deallocate_connected_call_is_ebusy)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	call = CONNECT_L0(NULL, &ev);
	ASSERT_EQ(-EBUSY, mls_deallocate(self->fd, call, 0));
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_CONNECTED), ci.state);
	ASSERT_EQ(U32(MODEMLINE_ORIGIN_NONE), ci.origin);
	ASSERT_EQ(1, mls_call_listed(self->fd, call));
}

TEST_F(lc, deallocate_dialing_call_is_ebusy)
{
	struct modemline_call_info ci;
	__u32 call;

	call = dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	ASSERT_EQ(-EBUSY, mls_deallocate(self->fd, call, 0));
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_DIALING), ci.state);
}

TEST_F(lc, deallocate_disconnecting_call_is_ebusy)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	call = disconnecting_call(_metadata, self->fd, &L0, &ev);
	ASSERT_EQ(-EBUSY, mls_deallocate(self->fd, call, 0));
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_DISCONNECTING), ci.state);
}

TEST_F(lc, deallocate_drop_releases_connected_call_at_once)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	call = CONNECT_L0("hangup_delay 2000", &ev);
	ASSERT_EQ(0, mls_deallocate(self->fd, call, MODEMLINE_DEALLOCATE_DROP));
	ASSERT_EQ(-ENOENT, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(-ENOENT, mls_drop(self->fd, call, 0));
	ASSERT_EQ(0, mls_call_listed(self->fd, call));
	ASSERT_EQ(0, mls_call_count(self->fd));
}

TEST_F(lc, deallocate_drop_releases_dialing_call_at_once)
{
	struct modemline_call_info ci;
	__u32 call;

	call = dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	ASSERT_EQ(0, mls_deallocate(self->fd, call, MODEMLINE_DEALLOCATE_DROP));
	ASSERT_EQ(-ENOENT, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(0, mls_call_count(self->fd));
}

TEST_F(lc, deallocate_drop_releases_disconnecting_call)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	call = disconnecting_call(_metadata, self->fd, &L0, &ev);
	ASSERT_EQ(0, mls_deallocate(self->fd, call, MODEMLINE_DEALLOCATE_DROP));
	ASSERT_EQ(-ENOENT, mls_call_info(self->fd, call, &ci));
}

TEST_F(lc, deallocate_drop_frees_the_line)
{
	struct modemline_event ev;
	__u32 call;

	call = CONNECT_L0(NULL, &ev);
	ASSERT_EQ(0, mls_deallocate(self->fd, call, MODEMLINE_DEALLOCATE_DROP));
	ASSERT_EQ(0, mls_wait_line_idle(self->fd, L0.id, ML_WAIT_MS));
	ASSERT_EQ(0, mls_dial_retry(self->fd, L0.id, NUMBER, 0, &call,
				    ML_WAIT_MS));
}

TEST_F(lc, deallocate_drop_of_ended_call)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	call = FAILED_L0(&ev);
	ASSERT_EQ(0, mls_deallocate(self->fd, call, MODEMLINE_DEALLOCATE_DROP));
	ASSERT_EQ(-ENOENT, mls_call_info(self->fd, call, &ci));
}

/* @n calls on @line that ended (BUSY), handles in the order made. */
static void failed_calls(struct __test_metadata *_metadata, int fd,
			 const struct sim_line *line, __u32 *calls, int n)
{
	struct modemline_event ev;
	int i;

	SIM_CTL(line, "dial busy 0");
	for (i = 0; i < n; i++)
		calls[i] = dial_on(_metadata, fd, line, NULL,
				   MODEMLINE_STATE_DISCONNECTED, &ev);
}

TEST_F(lc, call_list_lists_handles_ascending)
{
	__u32 calls[3], ids[8], count = 0;

	failed_calls(_metadata, self->fd, &L0, calls, 3);
	ASSERT_EQ(0, mls_call_list(self->fd, NULL, 0, &count));
	ASSERT_EQ(3U, count);
	memset(ids, ML_POISON, sizeof(ids));
	ASSERT_EQ(0, mls_call_list(self->fd, ids, 8, &count));
	ASSERT_EQ(3U, count);
	/* Handles of one file, made one after the other, ascend too. */
	ASSERT_LT(calls[0], calls[1]);
	ASSERT_LT(calls[1], calls[2]);
	ASSERT_EQ(calls[0], ids[0]);
	ASSERT_EQ(calls[1], ids[1]);
	ASSERT_EQ(calls[2], ids[2]);
	ASSERT_EQ(0xAAAAAAAAU, ids[3]);
}

TEST_F(lc, call_list_short_array_gets_full_count)
{
	__u32 calls[3], ids[4], count = 0;

	failed_calls(_metadata, self->fd, &L0, calls, 3);
	memset(ids, ML_POISON, sizeof(ids));
	ASSERT_EQ(0, mls_call_list(self->fd, ids, 2, &count));
	ASSERT_EQ(3U, count);
	ASSERT_EQ(calls[0], ids[0]);
	ASSERT_EQ(calls[1], ids[1]);
	ASSERT_EQ(0xAAAAAAAAU, ids[2]) TH_LOG("more slots written than given");
}

TEST_F(lc, released_handle_is_not_reused_at_once)
{
	struct modemline_event ev;
	__u32 call, call2;

	call = FAILED_L0(&ev);
	ASSERT_EQ(0, mls_deallocate(self->fd, call, 0));
	call2 = dial_wait(_metadata, self->fd, L0.id, NUMBER,
			  MODEMLINE_STATE_DISCONNECTED, &ev);
	ASSERT_NE(call, call2);
}

/* ------------------------------------------------------------------ */
/* close(): four lines, a second file.                                 */

#define NLINES 4

FIXTURE(closing) {
	struct sim_line line[NLINES];
};

FIXTURE_SETUP(closing)
{
	SIM_CREATE_LINES(self->line, NLINES);
}

FIXTURE_TEARDOWN_PARENT(closing)
{
	sim_lines_remove(self->line, NLINES);
}

TEST_F_TIMEOUT(closing, close_releases_100_calls, 300)
{
	struct modemline_line_info li;
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 calls[100], n = 0, h;
	int fd, fd2, i, j, ret;

	ML_OPEN(fd, 0);
	/* 24 ended calls and one connected call on each line. */
	for (i = 0; i < NLINES; i++) {
		SIM_CTL(&self->line[i], "dial busy 0");
		for (j = 0; j < 24; j++)
			calls[n++] = dial_wait(_metadata, fd,
					       self->line[i].id, NUMBER,
					       MODEMLINE_STATE_DISCONNECTED,
					       &ev);
		SIM_CTL(&self->line[i], "dial connect 0 33600");
		calls[n++] = dial_wait(_metadata, fd, self->line[i].id, NUMBER,
				       MODEMLINE_STATE_CONNECTED, &ev);
	}
	ASSERT_EQ(100, mls_call_count(fd));
	ASSERT_EQ(0, close(fd));

	ML_OPEN(fd2, 0);
	ASSERT_EQ(0, mls_call_count(fd2));
	for (i = 0; i < 100; i++) {
		ret = mls_call_info(fd2, calls[i], &ci);
		ASSERT_EQ(-ENOENT, ret) TH_LOG("call %u (%d of 100)", calls[i],
					       i + 1);
	}
	/* The live calls were terminated: every line is free again. */
	for (i = 0; i < NLINES; i++) {
		ASSERT_EQ(0, mls_wait_line_idle(fd2, self->line[i].id,
						ML_WAIT_MS));
		ASSERT_EQ(0, mls_line_info(fd2, self->line[i].id, &li));
		ASSERT_EQ(25ULL, li.calls);
		ASSERT_EQ(1ULL, li.calls_connected);
		ASSERT_EQ(24ULL, li.calls_failed);
		ASSERT_EQ(0, mls_dial_retry(fd2, self->line[i].id, NUMBER, 0,
					    &h, ML_WAIT_MS));
	}
	ASSERT_EQ(NLINES, mls_call_count(fd2));
}

TEST_F(closing, close_with_calls_in_every_state)
{
	struct modemline_event ev;
	__u32 call, h;
	int fd, fd2, i;

	ML_OPEN(fd, 0);
	/* dialing, answering, connected, disconnecting. */
	call = dialing_call(_metadata, fd, &self->line[0], NUMBER, 0);
	ring_offer(_metadata, fd, &self->line[1], CALLER_ID, &ev);
	SIM_CTL(&self->line[1], "answer silent");
	ASSERT_EQ(0, mls_answer(fd, self->line[1].id, &call));
	dial_wait(_metadata, fd, self->line[2].id, NUMBER,
		  MODEMLINE_STATE_CONNECTED, &ev);
	SIM_CTL(&self->line[3], "hangup_delay 5000");
	call = dial_wait(_metadata, fd, self->line[3].id, NUMBER,
			 MODEMLINE_STATE_CONNECTED, &ev);
	ASSERT_EQ(0, mls_drop(fd, call, 0));
	ASSERT_EQ(0, close(fd));

	ML_OPEN(fd2, 0);
	ASSERT_EQ(0, mls_call_count(fd2));
	SIM_CTL(&self->line[0], "dial connect 0 33600");
	for (i = 0; i < NLINES; i++) {
		ASSERT_EQ(0, mls_wait_line_idle(fd2, self->line[i].id,
						2 * ML_WAIT_MS));
		ASSERT_EQ(0, mls_dial_retry(fd2, self->line[i].id, NUMBER, 0,
					    &h, ML_WAIT_MS));
	}
}

/* ------------------------------------------------------------------ */
/* Module parameters for timeouts; restored in the teardown.           */

FIXTURE(tmo) {
	int fd;
	struct sim_line line;
	struct mls_param_save dial_timeout, hangup_timeout;
};

FIXTURE_SETUP(tmo)
{
	ASSERT_EQ(0, mls_param_save(&self->dial_timeout, "dial_timeout_ms"));
	ASSERT_EQ(0, mls_param_save(&self->hangup_timeout,
				    "hangup_timeout_ms"));
	ML_OPEN(self->fd, 0);
	SIM_CREATE_LINES(&self->line, 1);
}

FIXTURE_TEARDOWN_PARENT(tmo)
{
	sim_line_remove(&self->line);
	EXPECT_EQ(0, mls_param_restore(&self->dial_timeout));
	EXPECT_EQ(0, mls_param_restore(&self->hangup_timeout));
}

TEST_F(tmo, dial_timeout_zero_uses_module_default)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	ASSERT_EQ(0, mls_param_set("dial_timeout_ms", 300));
	call = dialing_call(_metadata, self->fd, &self->line, NUMBER, 0);
	check_ended_event(_metadata, self->fd, self->line.id, call,
			  MODEMLINE_ORIGIN_SYSTEM,
			  MODEMLINE_REASON_DIAL_TIMEOUT, &ev);
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_LE(ci.created_ns + 250 * MS, ci.disconnected_ns);
}

TEST_F(tmo, dial_timeout_ms_overrides_module_default)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	ASSERT_EQ(0, mls_param_set("dial_timeout_ms", 120000));
	call = dialing_call(_metadata, self->fd, &self->line, NUMBER, 300);
	WAIT_ENDED(self->fd, call, &ev);
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_REASON_DIAL_TIMEOUT), ci.reason);
}

TEST_F(tmo, answer_silent_ends_by_dial_timeout)
{
	struct rec_expect e = incoming(self->line.id, CALLER_ID);
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	ASSERT_EQ(0, mls_param_set("dial_timeout_ms", 300));
	ring_offer(_metadata, self->fd, &self->line, CALLER_ID, &ev);
	SIM_CTL(&self->line, "answer silent");
	call = answer_wait(_metadata, self->fd, self->line.id,
			   MODEMLINE_STATE_DISCONNECTED, &ev);
	check_state_event(_metadata, &ev, self->line.id, call,
			  MODEMLINE_STATE_DISCONNECTED,
			  MODEMLINE_ORIGIN_SYSTEM,
			  MODEMLINE_REASON_DIAL_TIMEOUT, 0);
	check_ended_info(_metadata, self->fd, call, &e, MODEMLINE_ORIGIN_SYSTEM,
			 MODEMLINE_REASON_DIAL_TIMEOUT, NULL, &ci);
	ASSERT_LE(ci.created_ns + 250 * MS, ci.disconnected_ns);
}

TEST_F(tmo, hangup_timeout_forces_disconnect)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u64 before;
	__u32 call;

	ASSERT_EQ(0, mls_param_set("hangup_timeout_ms", 300));
	SIM_CTL(&self->line, "hangup_delay 600000");
	call = dial_wait(_metadata, self->fd, self->line.id, NUMBER,
			 MODEMLINE_STATE_CONNECTED, &ev);
	before = mls_now_ns();
	ASSERT_EQ(0, mls_drop(self->fd, call, 0));
	check_ended_event(_metadata, self->fd, self->line.id, call,
			  MODEMLINE_ORIGIN_LOCAL, MODEMLINE_REASON_NORMAL, &ev);
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_DISCONNECTED), ci.state);
	ASSERT_LE(before + 250 * MS, ci.disconnected_ns);
}

/* ------------------------------------------------------------------ */
/* Every way a dial can fail, one variant each.                        */

FIXTURE(fail) {
	int fd;
	struct sim_line line;
};

FIXTURE_VARIANT(fail) {
	const struct dial_failure *dial;
};

FIXTURE_VARIANT_ADD(fail, busy) { .dial = &dial_busy };
FIXTURE_VARIANT_ADD(fail, noanswer) { .dial = &dial_noanswer };
FIXTURE_VARIANT_ADD(fail, nocarrier) { .dial = &dial_nocarrier };
FIXTURE_VARIANT_ADD(fail, nodialtone) { .dial = &dial_nodialtone };
FIXTURE_VARIANT_ADD(fail, error) { .dial = &dial_error };

FIXTURE_SETUP(fail)
{
	ML_OPEN(self->fd, 0);
	SIM_CREATE_LINES(&self->line, 1);
}

FIXTURE_TEARDOWN_PARENT(fail)
{
	sim_line_remove(&self->line);
}

TEST_F(fail, failed_dial_event)
{
	struct modemline_event ev;
	__u32 call = 0;

	SIM_CTL(&self->line, "dial %s 0", variant->dial->mode);
	ASSERT_EQ(0, mls_dial(self->fd, self->line.id, NUMBER, 0, &call));
	/* The first event: DIALING is not one, and nothing else happens. */
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	check_state_event(_metadata, &ev, self->line.id, call,
			  MODEMLINE_STATE_DISCONNECTED, variant->dial->origin,
			  variant->dial->reason, 0);
}

TEST_F(fail, failed_dial_record)
{
	struct rec_expect e = outgoing(self->line.id);
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	SIM_CTL(&self->line, "dial %s 0", variant->dial->mode);
	call = dial_wait(_metadata, self->fd, self->line.id, NUMBER,
			 MODEMLINE_STATE_DISCONNECTED, &ev);
	check_ended_info(_metadata, self->fd, call, &e, variant->dial->origin,
			 variant->dial->reason, variant->dial->result, &ci);
}

TEST_F(fail, failed_dial_after_delay)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call = 0;

	SIM_CTL(&self->line, "dial %s 2000", variant->dial->mode);
	ASSERT_EQ(0, mls_dial(self->fd, self->line.id, NUMBER, 0, &call));
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_DIALING), ci.state);
	ASSERT_EQ(0, mls_wait_state(self->fd, call,
				    MODEMLINE_STATE_DISCONNECTED, &ev,
				   2 * ML_WAIT_MS));
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(variant->dial->reason, ci.reason);
	ASSERT_LE(ci.created_ns + 1950 * MS, ci.disconnected_ns);
}

TEST_F(fail, failed_dial_counts_on_line)
{
	struct modemline_line_info li;
	struct modemline_event ev;

	SIM_CTL(&self->line, "dial %s 0", variant->dial->mode);
	dial_wait(_metadata, self->fd, self->line.id, NUMBER,
		  MODEMLINE_STATE_DISCONNECTED, &ev);
	ASSERT_EQ(0, mls_line_info(self->fd, self->line.id, &li));
	ASSERT_EQ(0U, li.flags);
	ASSERT_EQ(1ULL, li.calls);
	ASSERT_EQ(0ULL, li.calls_connected);
	ASSERT_EQ(1ULL, li.calls_failed);
}

TEST_HARNESS_MAIN

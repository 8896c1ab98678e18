// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the retained record of a call, driven through the fake transport
 * of rec_fixture.h. Each test checks the record modemline_call_fill_info()
 * gives (direction, state, origin, reason, rate, number, result text,
 * timestamps, duration), the events the owner was sent, and the line's
 * counters.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/jiffies.h>
#include <linux/string.h>
#include <linux/workqueue.h>

#include "rec_fixture.h"

static void rec_line_info(struct kunit *test, struct modemline_line_info *info)
{
	struct rec_fixture *f = test->priv;

	memset(info, 0, sizeof(*info));
	modemline_line_fill_info(f->line, info);
}

/* The ended call's record: who and why, with ordered timestamps. */
static void rec_expect_ended(struct kunit *test, struct modemline_call *call,
			     u32 origin, u32 reason, bool connected)
{
	struct modemline_call_info info = {};

	rec_info(call, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)MODEMLINE_STATE_DISCONNECTED);
	KUNIT_EXPECT_EQ(test, info.origin, origin);
	KUNIT_EXPECT_EQ(test, info.reason, reason);
	KUNIT_EXPECT_NE(test, info.created_ns, 0ULL);
	KUNIT_EXPECT_GE(test, info.disconnected_ns, info.created_ns);
	if (connected) {
		KUNIT_EXPECT_GE(test, info.connected_ns, info.created_ns);
		KUNIT_EXPECT_GE(test, info.disconnected_ns, info.connected_ns);
		KUNIT_EXPECT_EQ(test, info.duration_ns,
				info.disconnected_ns - info.connected_ns);
	} else {
		KUNIT_EXPECT_EQ(test, info.connected_ns, 0ULL);
		KUNIT_EXPECT_EQ(test, info.duration_ns, 0ULL);
	}
	KUNIT_EXPECT_TRUE(test, modemline_call_ended(call));
}

static void rec_next_event(struct kunit *test, struct modemline_event *ev)
{
	struct rec_fixture *f = test->priv;

	KUNIT_ASSERT_TRUE_MSG(test, modemline_evq_peek(&f->client->events, ev),
			      "an event was expected");
	modemline_evq_consume(&f->client->events);
}

static void rec_expect_no_event(struct kunit *test)
{
	struct rec_fixture *f = test->priv;

	KUNIT_EXPECT_TRUE(test, modemline_evq_empty(&f->client->events));
}

/*
 * Make the line's pending dial timeout or hang-up guard run now. Whether
 * it was armed shows in what the caller checks next: the flush itself may
 * find the work already done when the guest's clock jumped (seen under
 * qemu TCG on 7.3), so its result proves nothing.
 */
static void rec_fire_timeout(struct kunit *test)
{
	struct rec_fixture *f = test->priv;

	spin_lock(&f->line->lock);
	f->line->timeout.expires = jiffies;
	spin_unlock(&f->line->lock);
	flush_delayed_work(&f->line->timeout.work);
}

/* -------------------------------------------------------------------- */

static void rec_dialing_record_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial(test);
	struct modemline_call_info info = {};

	rec_info(call, &info);
	KUNIT_EXPECT_EQ(test, info.line_id, modemline_line_id(f->line));
	KUNIT_EXPECT_EQ(test, info.direction, (u32)MODEMLINE_DIR_OUTGOING);
	KUNIT_EXPECT_EQ(test, info.state, (u32)MODEMLINE_STATE_DIALING);
	KUNIT_EXPECT_EQ(test, info.origin, (u32)MODEMLINE_ORIGIN_NONE);
	KUNIT_EXPECT_EQ(test, info.reason, (u32)MODEMLINE_REASON_NONE);
	KUNIT_EXPECT_EQ(test, info.rate, 0U);
	KUNIT_EXPECT_NE(test, info.created_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, info.connected_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, info.disconnected_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, info.duration_ns, 0ULL);
	KUNIT_EXPECT_STREQ(test, info.number, REC_NUMBER);
	KUNIT_EXPECT_STREQ(test, info.result, "");
}

static void rec_dial_passes_number_to_transport_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;

	rec_dial(test);
	KUNIT_EXPECT_EQ(test, f->fake.dials, 1U);
	KUNIT_EXPECT_STREQ(test, f->fake.number, REC_NUMBER);
	KUNIT_EXPECT_EQ(test, f->fake.answers, 0U);
	KUNIT_EXPECT_EQ(test, f->fake.hangups, 0U);
}

static void rec_connected_record_test(struct kunit *test)
{
	struct modemline_call *call = rec_dial_connected(test);
	struct modemline_call_info info = {};

	rec_info(call, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)MODEMLINE_STATE_CONNECTED);
	KUNIT_EXPECT_EQ(test, info.origin, (u32)MODEMLINE_ORIGIN_NONE);
	KUNIT_EXPECT_EQ(test, info.rate, (u32)REC_RATE);
	KUNIT_EXPECT_STREQ(test, info.result, REC_CONNECT);
	KUNIT_EXPECT_GE(test, info.connected_ns, info.created_ns);
	KUNIT_EXPECT_NE(test, info.connected_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, info.disconnected_ns, 0ULL);
}

/* A result text longer than the field is cut and stays NUL-terminated. */
static void rec_result_text_truncated_test(struct kunit *test)
{
	static const char longtext[] = "CONNECT 33600/V42BIS/LAPM/COMPRESSION";
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial(test);
	struct modemline_call_info info = {};

	BUILD_BUG_ON(sizeof(longtext) <= MODEMLINE_RESULT_LEN);
	modemline_line_connected(f->line, REC_RATE, longtext);
	rec_info(call, &info);
	KUNIT_EXPECT_EQ(test, strnlen(info.result, sizeof(info.result)),
			sizeof(info.result) - 1);
	KUNIT_EXPECT_EQ(test, strncmp(info.result, longtext, sizeof(info.result) - 1), 0);
}

static void rec_local_drop_disconnecting_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);
	struct modemline_call_info info = {};

	modemline_call_drop(call);
	KUNIT_EXPECT_EQ(test, f->fake.hangups, 1U);
	rec_info(call, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)MODEMLINE_STATE_DISCONNECTING);
	/* Who ended it is known once it has ended. */
	KUNIT_EXPECT_EQ(test, info.origin, (u32)MODEMLINE_ORIGIN_NONE);
	KUNIT_EXPECT_EQ(test, info.reason, (u32)MODEMLINE_REASON_NONE);
	KUNIT_EXPECT_EQ(test, info.disconnected_ns, 0ULL);
	KUNIT_EXPECT_FALSE(test, modemline_call_ended(call));
}

/* The modem's end of our hang-up does not change who ended the call. */
static void rec_local_drop_connected_record_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);
	struct modemline_call_info info = {};

	modemline_call_drop(call);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NO_CARRIER, "NO CARRIER");
	rec_expect_ended(test, call, MODEMLINE_ORIGIN_LOCAL, MODEMLINE_REASON_NORMAL, true);
	rec_info(call, &info);
	KUNIT_EXPECT_EQ(test, info.rate, (u32)REC_RATE);
	KUNIT_EXPECT_STREQ(test, info.result, "NO CARRIER");
	KUNIT_EXPECT_STREQ(test, info.number, REC_NUMBER);
}

static void rec_local_drop_dialing_record_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial(test);

	modemline_call_drop(call);
	KUNIT_EXPECT_EQ(test, f->fake.hangups, 1U);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_SYSTEM,
			     MODEMLINE_REASON_MODEM_ERROR, "ERROR");
	rec_expect_ended(test, call, MODEMLINE_ORIGIN_LOCAL, MODEMLINE_REASON_NORMAL, false);
}

/* A transport may complete the hang-up from inside its hangup op. */
static void rec_local_drop_sync_hangup_record_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);

	f->fake.hangup_completes = true;
	modemline_call_drop(call);
	rec_expect_ended(test, call, MODEMLINE_ORIGIN_LOCAL, MODEMLINE_REASON_NORMAL, true);
}

static void rec_drop_twice_hangs_up_once_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);

	modemline_call_drop(call);
	modemline_call_drop(call);
	KUNIT_EXPECT_EQ(test, f->fake.hangups, 1U);
}

static void rec_drop_after_end_changes_nothing_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);
	struct modemline_call_info before, after;

	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NORMAL, "NO CARRIER");
	rec_info(call, &before);
	modemline_call_drop(call);
	rec_info(call, &after);
	KUNIT_EXPECT_MEMEQ(test, &before, &after, sizeof(before));
	KUNIT_EXPECT_EQ(test, f->fake.hangups, 0U);
}

/* The modem never finishes our hang-up: the guard ends the call, still LOCAL. */
static void rec_hangup_guard_ends_drop_as_local_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);

	modemline_call_drop(call);
	rec_fire_timeout(test);
	rec_expect_ended(test, call, MODEMLINE_ORIGIN_LOCAL, MODEMLINE_REASON_NORMAL, true);
	KUNIT_EXPECT_EQ(test, f->fake.hangups, 1U);
}

/*
 * Issue 20.7: the hang-up guard outlasts the transport's own worst case
 * (its budget and a margin), so the transport's end, which leaves the
 * line ready for the next call, comes first.
 */
#define REC_HANGUP_BUDGET_MS	60000

static void rec_hangup_guard_outlasts_the_transport_budget_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);
	unsigned long before;

	modemline_line_set_hangup_ms(f->line, REC_HANGUP_BUDGET_MS);
	KUNIT_EXPECT_EQ(test, modemline_line_hangup_timeout(f->line),
			REC_HANGUP_BUDGET_MS + MODEMLINE_HANGUP_MARGIN_MS);
	before = jiffies;
	modemline_call_drop(call);
	spin_lock(&f->line->lock);
	KUNIT_EXPECT_TRUE(test, f->line->timeout.armed);
	KUNIT_EXPECT_TRUE(test, time_after_eq(f->line->timeout.expires, before +
			  msecs_to_jiffies(REC_HANGUP_BUDGET_MS + MODEMLINE_HANGUP_MARGIN_MS)));
	spin_unlock(&f->line->lock);
}

/* Without a budget from the transport, the module parameter alone applies. */
static void rec_hangup_guard_without_a_budget_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	unsigned int param = modemline_line_hangup_timeout(f->line);

	modemline_line_set_hangup_ms(f->line, REC_HANGUP_BUDGET_MS);
	modemline_line_set_hangup_ms(f->line, 0);
	KUNIT_EXPECT_EQ(test, modemline_line_hangup_timeout(f->line), param);
	KUNIT_EXPECT_LT(test, param, REC_HANGUP_BUDGET_MS);
}

/* A connect that races with our hang-up changes nothing but the text. */
static void rec_late_connect_while_disconnecting_ignored_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial(test);
	struct modemline_call_info info = {};
	struct modemline_line_info li;

	modemline_call_drop(call);
	modemline_line_connected(f->line, REC_RATE, REC_CONNECT);
	rec_info(call, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)MODEMLINE_STATE_DISCONNECTING);
	KUNIT_EXPECT_EQ(test, info.connected_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, info.rate, 0U);
	rec_line_info(test, &li);
	KUNIT_EXPECT_EQ(test, li.calls_connected, 0ULL);
}

struct rec_end_case {
	const char *name;
	bool connected;		/* the call connected before it ended */
	u32 origin;
	u32 reason;
	const char *result;
};

static const struct rec_end_case rec_end_cases[] = {
	{ "busy", false, MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_BUSY, "BUSY" },
	{ "no answer", false, MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_NO_ANSWER,
	  "NO ANSWER" },
	{ "no carrier", false, MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_NO_CARRIER,
	  "NO CARRIER" },
	{ "no dialtone", false, MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_NO_DIALTONE,
	  "NO DIALTONE" },
	{ "modem error", false, MODEMLINE_ORIGIN_SYSTEM, MODEMLINE_REASON_MODEM_ERROR,
	  "ERROR" },
	{ "remote hang-up", true, MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_NORMAL,
	  "NO CARRIER" },
};

static void rec_end_case_desc(const struct rec_end_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rec_end, rec_end_cases, rec_end_case_desc);

/* The transport ends the call: its origin, reason and text are recorded. */
static void rec_transport_end_record_test(struct kunit *test)
{
	const struct rec_end_case *c = test->param_value;
	struct rec_fixture *f = test->priv;
	struct modemline_call *call;
	struct modemline_call_info info = {};

	call = c->connected ? rec_dial_connected(test) : rec_dial(test);
	modemline_line_ended(f->line, c->origin, c->reason, c->result);
	rec_expect_ended(test, call, c->origin, c->reason, c->connected);
	rec_info(call, &info);
	KUNIT_EXPECT_STREQ(test, info.result, c->result);
	KUNIT_EXPECT_EQ(test, info.rate, c->connected ? (u32)REC_RATE : 0U);
	KUNIT_EXPECT_EQ(test, f->fake.hangups, 0U);
}

/* Carrier loss has no result code: the last one the modem gave stays. */
static void rec_carrier_lost_keeps_last_result_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);
	struct modemline_call_info info = {};

	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_CARRIER_LOST, NULL);
	rec_expect_ended(test, call, MODEMLINE_ORIGIN_REMOTE,
			 MODEMLINE_REASON_CARRIER_LOST, true);
	rec_info(call, &info);
	KUNIT_EXPECT_STREQ(test, info.result, REC_CONNECT);
}

/* Nothing the modem says after the end changes the record. */
static void rec_record_frozen_after_end_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial(test);
	struct modemline_call_info before, after;

	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_BUSY, "BUSY");
	rec_info(call, &before);
	modemline_line_connected(f->line, REC_RATE, REC_CONNECT);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_SYSTEM,
			     MODEMLINE_REASON_MODEM_ERROR, "ERROR");
	rec_info(call, &after);
	KUNIT_EXPECT_MEMEQ(test, &before, &after, sizeof(before));
}

/* No result within the dial timeout: hang up, and the end is SYSTEM's. */
static void rec_dial_timeout_record_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial(test);
	struct modemline_call_info info = {};

	rec_fire_timeout(test);
	KUNIT_EXPECT_EQ(test, f->fake.hangups, 1U);
	rec_info(call, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)MODEMLINE_STATE_DISCONNECTING);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NO_CARRIER, "NO CARRIER");
	rec_expect_ended(test, call, MODEMLINE_ORIGIN_SYSTEM,
			 MODEMLINE_REASON_DIAL_TIMEOUT, false);
}

/* The dial timeout stops mattering once the call connected. */
static void rec_dial_timeout_after_connect_ignored_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial(test);
	struct modemline_call_info info = {};

	/* Connecting disarms the timeout; a run of its work does nothing. */
	modemline_line_connected(f->line, REC_RATE, REC_CONNECT);
	spin_lock(&f->line->lock);
	f->line->timeout.expires = jiffies;
	spin_unlock(&f->line->lock);
	mod_delayed_work(system_wq, &f->line->timeout.work, 0);
	flush_delayed_work(&f->line->timeout.work);
	rec_info(call, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)MODEMLINE_STATE_CONNECTED);
	KUNIT_EXPECT_EQ(test, f->fake.hangups, 0U);
}

struct rec_remove_case {
	const char *name;
	u32 state;		/* how far the call got when the line went */
	u32 reason;		/* what the transport gives as the reason */
	u32 origin;		/* what the record must say */
	u32 expect_reason;
};

static const struct rec_remove_case rec_remove_cases[] = {
	{ "dialing, removed", MODEMLINE_STATE_DIALING, MODEMLINE_REASON_LINE_REMOVED,
	  MODEMLINE_ORIGIN_SYSTEM, MODEMLINE_REASON_LINE_REMOVED },
	{ "connected, removed", MODEMLINE_STATE_CONNECTED, MODEMLINE_REASON_LINE_REMOVED,
	  MODEMLINE_ORIGIN_SYSTEM, MODEMLINE_REASON_LINE_REMOVED },
	{ "connected, shutdown", MODEMLINE_STATE_CONNECTED, MODEMLINE_REASON_SHUTDOWN,
	  MODEMLINE_ORIGIN_SYSTEM, MODEMLINE_REASON_SHUTDOWN },
	/* Dropped first: the application ended it, the line only went away. */
	{ "disconnecting, removed", MODEMLINE_STATE_DISCONNECTING,
	  MODEMLINE_REASON_LINE_REMOVED, MODEMLINE_ORIGIN_LOCAL, MODEMLINE_REASON_NORMAL },
};

static void rec_remove_case_desc(const struct rec_remove_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rec_remove, rec_remove_cases, rec_remove_case_desc);

/* The line goes while the call is on it: SYSTEM ends it, the record stays. */
static void rec_line_removed_record_test(struct kunit *test)
{
	const struct rec_remove_case *c = test->param_value;
	struct modemline_call *call;

	call = c->state == MODEMLINE_STATE_DIALING ? rec_dial(test) :
						     rec_dial_connected(test);
	if (c->state == MODEMLINE_STATE_DISCONNECTING)
		modemline_call_drop(call);
	rec_remove_line(test, c->reason);
	rec_expect_ended(test, call, c->origin, c->expect_reason,
			 c->state != MODEMLINE_STATE_DIALING);
}

/* After the modem is gone the handle still gives the whole record. */
static void rec_record_readable_after_remove_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);
	u32 line_id = modemline_line_id(f->line);
	struct modemline_call_info info = {};

	rec_remove_line(test, MODEMLINE_REASON_LINE_REMOVED);
	memset(&info, 0, sizeof(info));
	KUNIT_ASSERT_EQ(test, modemline_client_info(f->client, call->handle, &info), 0);
	KUNIT_EXPECT_EQ(test, info.line_id, line_id);
	KUNIT_EXPECT_EQ(test, info.direction, (u32)MODEMLINE_DIR_OUTGOING);
	KUNIT_EXPECT_EQ(test, info.state, (u32)MODEMLINE_STATE_DISCONNECTED);
	KUNIT_EXPECT_EQ(test, info.origin, (u32)MODEMLINE_ORIGIN_SYSTEM);
	KUNIT_EXPECT_EQ(test, info.reason, (u32)MODEMLINE_REASON_LINE_REMOVED);
	KUNIT_EXPECT_EQ(test, info.rate, (u32)REC_RATE);
	KUNIT_EXPECT_STREQ(test, info.number, REC_NUMBER);
	KUNIT_EXPECT_STREQ(test, info.result, REC_CONNECT);
}

/* Once removed, the line's ops are never called again, not even by a drop. */
static void rec_drop_after_remove_no_hangup_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);

	rec_remove_line(test, MODEMLINE_REASON_LINE_REMOVED);
	modemline_call_drop(call);
	KUNIT_EXPECT_EQ(test, f->fake.hangups, 0U);
}

static void rec_answer_record_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call;
	struct modemline_call_info info = {};

	modemline_line_offer(f->line, NULL);
	modemline_line_offer(f->line, REC_CALLER_ID);
	KUNIT_ASSERT_EQ(test, rec_start(test, MODEMLINE_DIR_INCOMING, REC_TIMEOUT_MS,
					&call), 0);
	KUNIT_EXPECT_EQ(test, f->fake.answers, 1U);
	KUNIT_EXPECT_EQ(test, f->fake.dials, 0U);
	rec_info(call, &info);
	KUNIT_EXPECT_EQ(test, info.direction, (u32)MODEMLINE_DIR_INCOMING);
	KUNIT_EXPECT_EQ(test, info.state, (u32)MODEMLINE_STATE_ANSWERING);
	KUNIT_EXPECT_STREQ(test, info.number, REC_CALLER_ID);
	KUNIT_EXPECT_NE(test, info.created_ns, 0ULL);

	modemline_line_connected(f->line, 0, "CONNECT");
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NORMAL, "NO CARRIER");
	rec_expect_ended(test, call, MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_NORMAL, true);
	rec_info(call, &info);
	KUNIT_EXPECT_EQ(test, info.rate, 0U);
	KUNIT_EXPECT_STREQ(test, info.number, REC_CALLER_ID);
}

static void rec_answer_takes_the_offer_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call;
	struct modemline_line_info li;

	modemline_line_offer(f->line, REC_CALLER_ID);
	KUNIT_ASSERT_EQ(test, rec_start(test, MODEMLINE_DIR_INCOMING, REC_TIMEOUT_MS,
					&call), 0);
	rec_line_info(test, &li);
	KUNIT_EXPECT_EQ(test, li.flags, (u32)MODEMLINE_LINE_BUSY);
	KUNIT_EXPECT_EQ(test, li.rings, 0U);
	KUNIT_EXPECT_STREQ(test, li.offered_number, "");
}

/* The caller gives up while we answer. */
static void rec_answer_rejected_record_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call;

	modemline_line_offer(f->line, REC_CALLER_ID);
	KUNIT_ASSERT_EQ(test, rec_start(test, MODEMLINE_DIR_INCOMING, REC_TIMEOUT_MS,
					&call), 0);
	modemline_line_offer_end(f->line);
	rec_expect_ended(test, call, MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_REJECTED,
			 false);
}

static struct kunit_case rec_test_cases[] = {
	KUNIT_CASE(rec_dialing_record_test),
	KUNIT_CASE(rec_dial_passes_number_to_transport_test),
	KUNIT_CASE(rec_connected_record_test),
	KUNIT_CASE(rec_result_text_truncated_test),
	KUNIT_CASE(rec_local_drop_disconnecting_test),
	KUNIT_CASE(rec_local_drop_connected_record_test),
	KUNIT_CASE(rec_local_drop_dialing_record_test),
	KUNIT_CASE(rec_local_drop_sync_hangup_record_test),
	KUNIT_CASE(rec_drop_twice_hangs_up_once_test),
	KUNIT_CASE(rec_drop_after_end_changes_nothing_test),
	KUNIT_CASE(rec_hangup_guard_ends_drop_as_local_test),
	KUNIT_CASE(rec_hangup_guard_outlasts_the_transport_budget_test),
	KUNIT_CASE(rec_hangup_guard_without_a_budget_test),
	KUNIT_CASE(rec_late_connect_while_disconnecting_ignored_test),
	KUNIT_CASE_PARAM(rec_transport_end_record_test, rec_end_gen_params),
	KUNIT_CASE(rec_carrier_lost_keeps_last_result_test),
	KUNIT_CASE(rec_record_frozen_after_end_test),
	KUNIT_CASE(rec_dial_timeout_record_test),
	KUNIT_CASE(rec_dial_timeout_after_connect_ignored_test),
	KUNIT_CASE_PARAM(rec_line_removed_record_test, rec_remove_gen_params),
	KUNIT_CASE(rec_record_readable_after_remove_test),
	KUNIT_CASE(rec_drop_after_remove_no_hangup_test),
	KUNIT_CASE(rec_answer_record_test),
	KUNIT_CASE(rec_answer_takes_the_offer_test),
	KUNIT_CASE(rec_answer_rejected_record_test),
	{}
};

static struct kunit_suite rec_test_suite = {
	.name = "modemline_record",
	.init = rec_init,
	.test_cases = rec_test_cases,
};

/* -------------------------------------------------------------------- */

static void start_busy_line_ebusy_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *first = rec_dial(test), *second;
	struct modemline_call_info info = {};
	struct modemline_line_info li;

	KUNIT_EXPECT_EQ(test, rec_start(test, MODEMLINE_DIR_OUTGOING, REC_TIMEOUT_MS,
					&second), -EBUSY);
	KUNIT_EXPECT_EQ(test, f->fake.dials, 1U);
	rec_line_info(test, &li);
	KUNIT_EXPECT_EQ(test, li.calls, 1ULL);
	/* The call in progress is untouched. */
	rec_info(first, &info);
	KUNIT_EXPECT_EQ(test, info.state, (u32)MODEMLINE_STATE_DIALING);
	KUNIT_EXPECT_EQ(test, f->client->ncalls, 1U);
}

static void start_answer_busy_line_ebusy_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call;

	rec_dial(test);
	modemline_line_offer(f->line, REC_CALLER_ID);
	KUNIT_EXPECT_EQ(test, rec_start(test, MODEMLINE_DIR_INCOMING, REC_TIMEOUT_MS,
					&call), -EBUSY);
	KUNIT_EXPECT_EQ(test, f->fake.answers, 0U);
}

/* Once its call ended the line takes a new one. */
static void start_after_end_succeeds_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *first = rec_dial(test), *second;

	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_BUSY, "BUSY");
	second = rec_dial(test);
	KUNIT_EXPECT_NE(test, second->handle, first->handle);
	KUNIT_EXPECT_EQ(test, f->fake.dials, 2U);
}

static void start_removed_line_enoent_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call;

	rec_remove_line(test, MODEMLINE_REASON_LINE_REMOVED);
	KUNIT_EXPECT_EQ(test, rec_start(test, MODEMLINE_DIR_OUTGOING, REC_TIMEOUT_MS,
					&call), -ENOENT);
	KUNIT_EXPECT_EQ(test, f->fake.dials, 0U);
}

static void start_answer_removed_line_enoent_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call;

	modemline_line_offer(f->line, REC_CALLER_ID);
	rec_remove_line(test, MODEMLINE_REASON_LINE_REMOVED);
	KUNIT_EXPECT_EQ(test, rec_start(test, MODEMLINE_DIR_INCOMING, REC_TIMEOUT_MS,
					&call), -ENOENT);
	KUNIT_EXPECT_EQ(test, f->fake.answers, 0U);
}

static void start_answer_without_offer_esrch_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call;

	KUNIT_EXPECT_EQ(test, rec_start(test, MODEMLINE_DIR_INCOMING, REC_TIMEOUT_MS,
					&call), -ESRCH);
	KUNIT_EXPECT_EQ(test, f->fake.answers, 0U);
}

static void start_answer_after_offer_end_esrch_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call;

	modemline_line_offer(f->line, REC_CALLER_ID);
	modemline_line_offer_end(f->line);
	KUNIT_EXPECT_EQ(test, rec_start(test, MODEMLINE_DIR_INCOMING, REC_TIMEOUT_MS,
					&call), -ESRCH);
	KUNIT_EXPECT_EQ(test, f->fake.answers, 0U);
}

/* The transport refuses: the line is as if nothing had been asked. */
static void start_dial_error_leaves_no_trace_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call;
	struct modemline_line_info li;
	unsigned int refs;

	f->fake.dial_err = -EIO;
	call = modemline_call_alloc(f->line, MODEMLINE_DIR_OUTGOING, REC_NUMBER,
				    false);
	KUNIT_ASSERT_NOT_NULL(test, call);
	refs = kref_read(&call->ref);
	KUNIT_EXPECT_EQ(test, modemline_call_start(call, f->client, REC_TIMEOUT_MS), -EIO);
	KUNIT_EXPECT_EQ(test, f->fake.dials, 1U);
	KUNIT_EXPECT_EQ(test, kref_read(&call->ref), refs);
	KUNIT_EXPECT_NULL(test, call->client);
	KUNIT_EXPECT_NULL(test, f->line->active);
	KUNIT_EXPECT_FALSE(test, f->line->timeout.armed);
	modemline_call_put(call);

	rec_line_info(test, &li);
	KUNIT_EXPECT_EQ(test, li.flags, 0U);
	KUNIT_EXPECT_EQ(test, li.calls, 0ULL);
	KUNIT_EXPECT_EQ(test, li.calls_failed, 0ULL);
	rec_expect_no_event(test);
}

static void start_dial_error_returns_transport_errno_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call;

	f->fake.dial_err = -EPIPE;
	KUNIT_EXPECT_EQ(test, rec_start(test, MODEMLINE_DIR_OUTGOING, REC_TIMEOUT_MS,
					&call), -EPIPE);
	KUNIT_EXPECT_EQ(test, f->client->ncalls, 0U);
}

static void start_after_dial_error_succeeds_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call;
	struct modemline_line_info li;

	f->fake.dial_err = -EIO;
	KUNIT_EXPECT_EQ(test, rec_start(test, MODEMLINE_DIR_OUTGOING, REC_TIMEOUT_MS,
					&call), -EIO);
	f->fake.dial_err = 0;
	rec_dial(test);
	rec_line_info(test, &li);
	KUNIT_EXPECT_EQ(test, li.flags, (u32)MODEMLINE_LINE_BUSY);
	KUNIT_EXPECT_EQ(test, li.calls, 1ULL);
}

/*
 * A transport's RX side may report an end while its dial() is still
 * running, and dial() then fail all the same (a stale NO CARRIER racing a
 * failed write). The caller must still own its reference. An extra one
 * guards the call here, so that a put too many shows as a count instead
 * of a use-after-free.
 */
/* The transport reported the end before its op failed: the report stands. */
static void start_dial_error_after_end_keeps_report_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call;
	struct modemline_line_info li;
	unsigned int refs;

	f->fake.dial_err = -EIO;
	f->fake.dial_ends = true;
	call = modemline_call_alloc(f->line, MODEMLINE_DIR_OUTGOING, REC_NUMBER,
				    false);
	KUNIT_ASSERT_NOT_NULL(test, call);
	kref_get(&call->ref);
	KUNIT_EXPECT_EQ(test, modemline_call_start(call, f->client, REC_TIMEOUT_MS), 0);
	KUNIT_EXPECT_TRUE(test, modemline_call_ended(call));
	KUNIT_EXPECT_EQ(test, kref_read(&call->ref), 2U);
	rec_line_info(test, &li);
	KUNIT_EXPECT_LE(test, li.calls_failed, li.calls);
	/* Put what is left, the guard included: the call is freed once. */
	for (refs = kref_read(&call->ref); refs; refs--)
		modemline_call_put(call);
}

static void start_answer_error_leaves_no_call_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call;
	struct modemline_line_info li;

	f->fake.answer_err = -EIO;
	modemline_line_offer(f->line, REC_CALLER_ID);
	KUNIT_EXPECT_EQ(test, rec_start(test, MODEMLINE_DIR_INCOMING, REC_TIMEOUT_MS,
					&call), -EIO);
	KUNIT_EXPECT_EQ(test, f->fake.answers, 1U);
	rec_line_info(test, &li);
	KUNIT_EXPECT_EQ(test, li.flags & MODEMLINE_LINE_BUSY, 0U);
	KUNIT_EXPECT_EQ(test, li.calls, 0ULL);
	rec_expect_no_event(test);
}

/* The modem still rings after a failed answer: the offer must survive it. */
static void start_answer_error_keeps_offer_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call;
	struct modemline_line_info li;

	f->fake.answer_err = -EIO;
	modemline_line_offer(f->line, REC_CALLER_ID);
	modemline_line_offer(f->line, NULL);
	KUNIT_EXPECT_EQ(test, rec_start(test, MODEMLINE_DIR_INCOMING, REC_TIMEOUT_MS,
					&call), -EIO);
	rec_line_info(test, &li);
	KUNIT_EXPECT_EQ(test, li.flags, (u32)MODEMLINE_LINE_OFFERING);
	KUNIT_EXPECT_EQ(test, li.rings, 2U);
	KUNIT_EXPECT_STREQ(test, li.offered_number, REC_CALLER_ID);

	/* So answering again works at once, without waiting for a RING. */
	f->fake.answer_err = 0;
	KUNIT_EXPECT_EQ(test, rec_start(test, MODEMLINE_DIR_INCOMING, REC_TIMEOUT_MS,
					&call), 0);
}

static struct kunit_case start_test_cases[] = {
	KUNIT_CASE(start_busy_line_ebusy_test),
	KUNIT_CASE(start_answer_busy_line_ebusy_test),
	KUNIT_CASE(start_after_end_succeeds_test),
	KUNIT_CASE(start_removed_line_enoent_test),
	KUNIT_CASE(start_answer_removed_line_enoent_test),
	KUNIT_CASE(start_answer_without_offer_esrch_test),
	KUNIT_CASE(start_answer_after_offer_end_esrch_test),
	KUNIT_CASE(start_dial_error_leaves_no_trace_test),
	KUNIT_CASE(start_dial_error_returns_transport_errno_test),
	KUNIT_CASE(start_after_dial_error_succeeds_test),
	KUNIT_CASE(start_dial_error_after_end_keeps_report_test),
	KUNIT_CASE(start_answer_error_leaves_no_call_test),
	KUNIT_CASE(start_answer_error_keeps_offer_test),
	{}
};

static struct kunit_suite start_test_suite = {
	.name = "modemline_call_start",
	.init = rec_init,
	.test_cases = start_test_cases,
};

/* -------------------------------------------------------------------- */

/* One CALL_STATE event of @call's, as the owner reads it. */
static void rec_expect_state_event(struct kunit *test, struct modemline_call *call,
				   u64 seq, u32 state, u32 origin, u32 reason,
				   u32 rate)
{
	struct rec_fixture *f = test->priv;
	struct modemline_event ev;

	rec_next_event(test, &ev);
	KUNIT_EXPECT_EQ(test, ev.seq, seq);
	KUNIT_EXPECT_EQ(test, ev.type, (u32)MODEMLINE_EVENT_CALL_STATE);
	KUNIT_EXPECT_EQ(test, ev.line_id, modemline_line_id(f->line));
	KUNIT_EXPECT_EQ(test, ev.call, call->handle);
	KUNIT_EXPECT_EQ(test, ev.state, state);
	KUNIT_EXPECT_EQ(test, ev.origin, origin);
	KUNIT_EXPECT_EQ(test, ev.reason, reason);
	KUNIT_EXPECT_EQ(test, ev.rate, rate);
	KUNIT_EXPECT_NE(test, ev.timestamp_ns, 0ULL);
}

/* The call's own start is the ioctl's answer, not an event. */
static void events_none_for_start_test(struct kunit *test)
{
	rec_dial(test);
	rec_expect_no_event(test);
}

static void events_dial_connect_drop_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);

	modemline_call_drop(call);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NO_CARRIER, "NO CARRIER");
	rec_expect_state_event(test, call, 1, MODEMLINE_STATE_CONNECTED, 0, 0, REC_RATE);
	rec_expect_state_event(test, call, 2, MODEMLINE_STATE_DISCONNECTING, 0, 0, 0);
	rec_expect_state_event(test, call, 3, MODEMLINE_STATE_DISCONNECTED,
			       MODEMLINE_ORIGIN_LOCAL, MODEMLINE_REASON_NORMAL, 0);
	rec_expect_no_event(test);
}

/* An event carries the very time the record got for the same change. */
static void events_timestamps_match_record_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);
	struct modemline_call_info info = {};
	struct modemline_event ev;

	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NORMAL, "NO CARRIER");
	rec_info(call, &info);
	rec_next_event(test, &ev);
	KUNIT_EXPECT_EQ(test, ev.timestamp_ns, info.connected_ns);
	rec_next_event(test, &ev);
	KUNIT_EXPECT_EQ(test, ev.timestamp_ns, info.disconnected_ns);
}

static void events_remote_end_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial(test);

	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_BUSY, "BUSY");
	rec_expect_state_event(test, call, 1, MODEMLINE_STATE_DISCONNECTED,
			       MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_BUSY, 0);
	rec_expect_no_event(test);
}

static void events_line_removed_test(struct kunit *test)
{
	struct modemline_call *call = rec_dial_connected(test);

	rec_remove_line(test, MODEMLINE_REASON_LINE_REMOVED);
	rec_expect_state_event(test, call, 1, MODEMLINE_STATE_CONNECTED, 0, 0, REC_RATE);
	rec_expect_state_event(test, call, 2, MODEMLINE_STATE_DISCONNECTED,
			       MODEMLINE_ORIGIN_SYSTEM, MODEMLINE_REASON_LINE_REMOVED, 0);
	rec_expect_no_event(test);
}

static void events_dial_timeout_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial(test);

	rec_fire_timeout(test);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NO_CARRIER, "NO CARRIER");
	rec_expect_state_event(test, call, 1, MODEMLINE_STATE_DISCONNECTING, 0, 0, 0);
	rec_expect_state_event(test, call, 2, MODEMLINE_STATE_DISCONNECTED,
			       MODEMLINE_ORIGIN_SYSTEM, MODEMLINE_REASON_DIAL_TIMEOUT, 0);
	rec_expect_no_event(test);
}

/* A repeated CONNECT or drop is no state change and no event. */
static void events_none_without_state_change_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);
	struct modemline_event ev;

	modemline_line_connected(f->line, REC_RATE, REC_CONNECT);
	modemline_call_drop(call);
	modemline_call_drop(call);
	rec_next_event(test, &ev);
	rec_next_event(test, &ev);
	KUNIT_EXPECT_EQ(test, ev.state, (u32)MODEMLINE_STATE_DISCONNECTING);
	rec_expect_no_event(test);
}

/* A released call tells its former owner nothing more. */
static void events_none_after_disown_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial(test);

	modemline_call_disown(call);
	modemline_line_connected(f->line, REC_RATE, REC_CONNECT);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NORMAL, "NO CARRIER");
	rec_expect_no_event(test);
	rec_expect_ended(test, call, MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_NORMAL, true);
}

static struct kunit_case events_test_cases[] = {
	KUNIT_CASE(events_none_for_start_test),
	KUNIT_CASE(events_dial_connect_drop_test),
	KUNIT_CASE(events_timestamps_match_record_test),
	KUNIT_CASE(events_remote_end_test),
	KUNIT_CASE(events_line_removed_test),
	KUNIT_CASE(events_dial_timeout_test),
	KUNIT_CASE(events_none_without_state_change_test),
	KUNIT_CASE(events_none_after_disown_test),
	{}
};

static struct kunit_suite events_test_suite = {
	.name = "modemline_call_events",
	.init = rec_init,
	.test_cases = events_test_cases,
};

/* -------------------------------------------------------------------- */

static void counters_busy_while_call_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_line_info li;

	rec_line_info(test, &li);
	KUNIT_EXPECT_EQ(test, li.flags, 0U);
	rec_dial(test);
	rec_line_info(test, &li);
	KUNIT_EXPECT_EQ(test, li.flags, (u32)MODEMLINE_LINE_BUSY);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_BUSY, "BUSY");
	rec_line_info(test, &li);
	KUNIT_EXPECT_EQ(test, li.flags, 0U);
}

static void counters_connected_call_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_line_info li;

	rec_dial_connected(test);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NORMAL, "NO CARRIER");
	rec_line_info(test, &li);
	KUNIT_EXPECT_EQ(test, li.calls, 1ULL);
	KUNIT_EXPECT_EQ(test, li.calls_connected, 1ULL);
	KUNIT_EXPECT_EQ(test, li.calls_failed, 0ULL);
}

static void counters_failed_call_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_line_info li;

	rec_dial(test);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NO_ANSWER, "NO ANSWER");
	rec_line_info(test, &li);
	KUNIT_EXPECT_EQ(test, li.calls, 1ULL);
	KUNIT_EXPECT_EQ(test, li.calls_connected, 0ULL);
	KUNIT_EXPECT_EQ(test, li.calls_failed, 1ULL);
}

/* A call counts as connected or failed once it ended, not before. */
static void counters_live_call_neither_failed_test(struct kunit *test)
{
	struct modemline_line_info li;

	rec_dial(test);
	rec_line_info(test, &li);
	KUNIT_EXPECT_EQ(test, li.calls, 1ULL);
	KUNIT_EXPECT_EQ(test, li.calls_connected, 0ULL);
	KUNIT_EXPECT_EQ(test, li.calls_failed, 0ULL);
}

static void counters_mixed_calls_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call;
	struct modemline_line_info li;

	/* Connected, then ended by the other side. */
	rec_dial_connected(test);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NORMAL, "NO CARRIER");
	/* Busy. */
	rec_dial(test);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_BUSY, "BUSY");
	/* Dropped while dialing. */
	call = rec_dial(test);
	modemline_call_drop(call);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NO_CARRIER, "NO CARRIER");
	/* Refused by the transport: not a call at all. */
	f->fake.dial_err = -EIO;
	KUNIT_EXPECT_EQ(test, rec_start(test, MODEMLINE_DIR_OUTGOING, REC_TIMEOUT_MS,
					&call), -EIO);
	f->fake.dial_err = 0;
	/* Answered and connected, then the line went. */
	modemline_line_offer(f->line, REC_CALLER_ID);
	KUNIT_ASSERT_EQ(test, rec_start(test, MODEMLINE_DIR_INCOMING, REC_TIMEOUT_MS,
					&call), 0);
	modemline_line_connected(f->line, REC_RATE, REC_CONNECT);
	rec_remove_line(test, MODEMLINE_REASON_LINE_REMOVED);

	rec_line_info(test, &li);
	KUNIT_EXPECT_EQ(test, li.calls, 4ULL);
	KUNIT_EXPECT_EQ(test, li.calls_connected, 2ULL);
	KUNIT_EXPECT_EQ(test, li.calls_failed, 2ULL);
	KUNIT_EXPECT_EQ(test, f->client->ncalls, 4U);
}

static struct kunit_case counters_test_cases[] = {
	KUNIT_CASE(counters_busy_while_call_test),
	KUNIT_CASE(counters_connected_call_test),
	KUNIT_CASE(counters_failed_call_test),
	KUNIT_CASE(counters_live_call_neither_failed_test),
	KUNIT_CASE(counters_mixed_calls_test),
	{}
};

static struct kunit_suite counters_test_suite = {
	.name = "modemline_line_counters",
	.init = rec_init,
	.test_cases = counters_test_cases,
};

kunit_test_suites(&rec_test_suite, &start_test_suite, &events_test_suite,
		  &counters_test_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the AT engine on a 3GPP (TS 27.007) line: the result and
 * unsolicited lines a cellular modem adds, voice calls followed with
 * +CLCC, hung up with +CHUP, and the network's cause (+CEER) asked for
 * at every end. The fake transport is at_fake.h's.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "at_fake.h"

#define AT3_CLCC_MS	300	/* unlike any other delay, to tell them apart */
#define AT3_REPLY	MODEMLINE_AT_REPLY_MS

/* ------------------------------------------------------------------ */
/* Parsing                                                             */

struct at3_parse_case {
	const char *line;
	enum modemline_at_code code;
	bool voice;
	bool incoming;
	u8 stat;
	const char *cause;
};

static const struct at3_parse_case at3_parse_cases[] = {
	{ "+CRING: VOICE", MODEMLINE_AT_RING, true },
	{ "+cring: voice", MODEMLINE_AT_RING, true },
	{ "+CRING: REL ASYNC", MODEMLINE_AT_RING, false },
	{ "+CRING: ASYNC", MODEMLINE_AT_RING, false },
	{ "+CLCC: 1,0,2,0,0,\"5551234\",129", MODEMLINE_AT_CLCC, true, false,
	  MODEMLINE_AT_CLCC_DIALING },
	{ "+CLCC: 1,0,3,0,0", MODEMLINE_AT_CLCC, true, false,
	  MODEMLINE_AT_CLCC_ALERTING },
	{ "+CLCC: 2,1,4,0,0,\"+4930123\",145", MODEMLINE_AT_CLCC, true, true,
	  MODEMLINE_AT_CLCC_INCOMING },
	{ "+CLCC: 1, 0, 0, 1, 0", MODEMLINE_AT_CLCC, false, false,
	  MODEMLINE_AT_CLCC_ACTIVE },
	{ "+CLCC: 1,1,5,0,0", MODEMLINE_AT_CLCC, true, true,
	  MODEMLINE_AT_CLCC_WAITING },
	/* Not a call list line we understand: nothing. */
	{ "+CLCC: 1,0,6,0,0", MODEMLINE_AT_NONE },
	{ "+CLCC: 1,2,0,0,0", MODEMLINE_AT_NONE },
	{ "+CLCC: 1,0", MODEMLINE_AT_NONE },
	{ "+CLCC:", MODEMLINE_AT_NONE },
	{ "+CLCC: x,0,0,0,0", MODEMLINE_AT_NONE },
	{ "+CLCC: 1,0,0,0,0 junk", MODEMLINE_AT_NONE },
	{ "+CEER: User busy", MODEMLINE_AT_CEER, .cause = "User busy" },
	{ "+CEER:   Normal call clearing", MODEMLINE_AT_CEER,
	  .cause = "Normal call clearing" },
	{ "+CEER: CC setup error 277", MODEMLINE_AT_CEER,
	  .cause = "CC setup error 277" },
	{ "+CEER:", MODEMLINE_AT_CEER, .cause = "" },
	/* A long cause is cut at the record's bound. */
	{ "+CEER: 0123456789012345678901234567890123456789012345678901234567890123456789",
	  MODEMLINE_AT_CEER,
	  .cause = "012345678901234567890123456789012345678901234567890123456789012" },
	/* With +CMEE=1 or 2 an error is numbered or worded: still ERROR. */
	{ "+CME ERROR: 30", MODEMLINE_AT_ERROR },
	{ "+CME ERROR: no network service", MODEMLINE_AT_ERROR },
	{ "+CMS ERROR: 500", MODEMLINE_AT_ERROR },
	/* Unsolicited lines of other kinds are noise. */
	{ "+CREG: 1", MODEMLINE_AT_NONE },
	{ "+CGREG: 5", MODEMLINE_AT_NONE },
	{ "+CMTI: \"SM\",3", MODEMLINE_AT_NONE },
	{ "+CIEV: 2,3", MODEMLINE_AT_NONE },
	{ "^RSSI: 15", MODEMLINE_AT_NONE },
	{ "^BOOT: 1234,0,0,0,75", MODEMLINE_AT_NONE },
	{ "*EMRDY: 1", MODEMLINE_AT_NONE },
	{ "+CUSD: 0", MODEMLINE_AT_NONE },
};

static void at3_parse_case_desc(const struct at3_parse_case *c, char *desc)
{
	scnprintf(desc, KUNIT_PARAM_DESC_SIZE, "[%s] -> %s", c->line,
		  at_name(at_code_names, ARRAY_SIZE(at_code_names), c->code));
}

KUNIT_ARRAY_PARAM(at3_parse, at3_parse_cases, at3_parse_case_desc);

static void at3_parse_test(struct kunit *test)
{
	const struct at3_parse_case *c = test->param_value;
	struct modemline_at_line l;

	modemline_at_parse(c->line, &l);
	KUNIT_EXPECT_EQ(test, l.code, c->code);
	if (c->code == MODEMLINE_AT_NONE)
		return;
	if (c->code != MODEMLINE_AT_CEER)
		KUNIT_EXPECT_EQ(test, l.voice, c->voice);
	if (c->code == MODEMLINE_AT_CLCC) {
		KUNIT_EXPECT_EQ(test, l.incoming, c->incoming);
		KUNIT_EXPECT_EQ(test, l.stat, c->stat);
	}
	if (c->code == MODEMLINE_AT_CEER)
		KUNIT_EXPECT_STREQ(test, l.cause, c->cause);
}

static struct kunit_case at3_parse_test_cases[] = {
	KUNIT_CASE_PARAM(at3_parse_test, at3_parse_gen_params),
	{}
};

static struct kunit_suite at3_parse_test_suite = {
	.name = "modemline_at_3gpp_parse",
	.test_cases = at3_parse_test_cases,
};

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static struct at_fake *at3_new(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	f->at.dialect = MODEMLINE_AT_3GPP;
	f->at.clcc_ms = AT3_CLCC_MS;
	return f;
}

/* A voice dial: the init string taken, "ATD<number>;" sent. */
static struct at_fake *at3_voice_dialing(struct kunit *test)
{
	struct at_fake *f = at3_new(test);

	modemline_at_dial(&f->at, AT_NUMBER, true);
	at_feed(f, "\r\nOK\r\n");
	KUNIT_ASSERT_STREQ(test, f->sent,
			   MODEMLINE_AT_INIT_DEFAULT "\rATD" AT_NUMBER ";\r");
	KUNIT_ASSERT_EQ(test, f->at.phase, MODEMLINE_AT_DIALING);
	at_forget(f);
	return f;
}

/* The modem took the voice dial: the call is followed with +CLCC. */
static struct at_fake *at3_voice(struct kunit *test)
{
	struct at_fake *f = at3_voice_dialing(test);

	at_feed(f, "\r\nOK\r\n");
	KUNIT_ASSERT_STREQ(test, f->log, at_fmt(f, "timer(%u)", AT3_CLCC_MS));
	KUNIT_ASSERT_EQ(test, f->at.phase, MODEMLINE_AT_VOICE);
	at_forget(f);
	return f;
}

/* The poll is due: AT+CLCC goes out. */
static void at3_poll(struct kunit *test, struct at_fake *f)
{
	at_timeout(f);
	KUNIT_ASSERT_STREQ(test, f->sent, "AT+CLCC\r");
	at_forget(f);
}

/* The voice call, active after a +CLCC answer. */
static struct at_fake *at3_active(struct kunit *test)
{
	struct at_fake *f = at3_voice(test);

	at3_poll(test, f);
	at_feed(f, "\r\n+CLCC: 1,0,0,0,0,\"" AT_NUMBER "\",129\r\n\r\nOK\r\n");
	KUNIT_ASSERT_STREQ(test, f->log, "connected(0, OK)");
	at_forget(f);
	return f;
}

/*
 * The call ended and AT+CEER went out: the modem answers @reply, after
 * which the engine must have logged @log.
 */
static void at3_ceer(struct kunit *test, struct at_fake *f, const char *reply,
		     const char *log)
{
	KUNIT_EXPECT_STREQ(test, f->sent, "AT+CEER\r");
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_ASK_CAUSE);
	KUNIT_EXPECT_EQ(test, f->ends, 0U);
	at_forget(f);
	at_feed(f, reply);
	KUNIT_EXPECT_STREQ(test, f->log, log);
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_IDLE);
}

/* ------------------------------------------------------------------ */
/* Voice calls                                                         */

static void at3_voice_dial_ok_starts_polling_test(struct kunit *test)
{
	struct at_fake *f = at3_voice(test);

	KUNIT_EXPECT_EQ(test, f->ends, 0U);
	at3_poll(test, f);
	KUNIT_EXPECT_EQ(test, f->timer_ms, AT3_CLCC_MS);
}

static void at3_clcc_dialing_reports_nothing_test(struct kunit *test)
{
	struct at_fake *f = at3_voice(test);

	at3_poll(test, f);
	at_feed(f, "\r\n+CLCC: 1,0,2,0,0,\"" AT_NUMBER "\",129\r\n\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, "");
}

static void at3_clcc_alerting_reported_once_test(struct kunit *test)
{
	struct at_fake *f = at3_voice(test);

	at3_poll(test, f);
	at_feed(f, "\r\n+CLCC: 1,0,3,0,0,\"" AT_NUMBER "\",129\r\n\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, "alerting");
	at_forget(f);
	at3_poll(test, f);
	at_feed(f, "\r\n+CLCC: 1,0,3,0,0,\"" AT_NUMBER "\",129\r\n\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, "");
}

static void at3_clcc_active_connects_once_test(struct kunit *test)
{
	struct at_fake *f = at3_active(test);

	at3_poll(test, f);
	at_feed(f, "\r\n+CLCC: 1,0,0,0,0\r\n\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, "");
	KUNIT_EXPECT_EQ(test, f->ends, 0U);
}

/* A call waiting for us, or an incoming one, is not the call dialed. */
static void at3_clcc_other_calls_ignored_test(struct kunit *test)
{
	struct at_fake *f = at3_active(test);

	at3_poll(test, f);
	at_feed(f, "\r\n+CLCC: 2,1,5,0,0,\"5550000\",129\r\n"
		   "\r\n+CLCC: 1,0,0,0,0\r\n\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, "");
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_VOICE);
}

/* The modem released the call without a word: gone from +CLCC. */
static void at3_vanished_active_call_ends_remote_normal_test(struct kunit *test)
{
	struct at_fake *f = at3_active(test);

	at3_poll(test, f);
	at_feed(f, "\r\nOK\r\n");
	at3_ceer(test, f, "\r\n+CEER: Normal call clearing\r\n\r\nOK\r\n",
		 "timer(0); cause(Normal call clearing); ended(REMOTE, NORMAL, -)");
}

static void at3_vanished_unanswered_call_ends_no_carrier_test(struct kunit *test)
{
	struct at_fake *f = at3_voice(test);

	at3_poll(test, f);
	at_feed(f, "\r\nOK\r\n");
	at3_ceer(test, f, "\r\n+CEER: No route to destination\r\n\r\nOK\r\n",
		 "timer(0); cause(No route to destination); ended(REMOTE, NO_CARRIER, -)");
}

/* What an unsolicited result does to a voice call, cause included. */
struct at3_end_case {
	const char *name;
	bool active;
	const char *result;
	const char *cause;
	const char *log;
};

static const struct at3_end_case at3_end_cases[] = {
	{ "busy", false, "BUSY", "User busy",
	  "timer(0); cause(User busy); ended(REMOTE, BUSY, BUSY)" },
	{ "no answer", false, "NO ANSWER", "No user responding",
	  "timer(0); cause(No user responding); ended(REMOTE, NO_ANSWER, NO ANSWER)" },
	{ "rejected", false, "NO CARRIER", "Call rejected",
	  "timer(0); cause(Call rejected); ended(REMOTE, NO_CARRIER, NO CARRIER)" },
	{ "remote hang-up", true, "NO CARRIER", "Normal call clearing",
	  "timer(0); cause(Normal call clearing); ended(REMOTE, NORMAL, NO CARRIER)" },
	{ "numeric busy", false, "7", "User busy",
	  "timer(0); cause(User busy); ended(REMOTE, BUSY, BUSY)" },
};

static void at3_end_case_desc(const struct at3_end_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(at3_end, at3_end_cases, at3_end_case_desc);

static void at3_unsolicited_end_asks_cause_test(struct kunit *test)
{
	const struct at3_end_case *c = test->param_value;
	struct at_fake *f = c->active ? at3_active(test) : at3_voice(test);
	char reply[96];

	at_feed(f, "\r\n");
	at_feed(f, c->result);
	at_feed(f, "\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, at_fmt(f, "timer(%u)", AT3_REPLY));
	snprintf(reply, sizeof(reply), "\r\n+CEER: %s\r\n\r\nOK\r\n", c->cause);
	at3_ceer(test, f, reply, c->log);
}

/* An OK that comes before the +CEER line answered an earlier command. */
static void at3_ceer_ignores_an_earlier_ok_test(struct kunit *test)
{
	struct at_fake *f = at3_voice(test);

	at3_poll(test, f);
	at_feed(f, "\r\nBUSY\r\n");
	at3_ceer(test, f, "\r\nOK\r\n\r\n+CEER: User busy\r\n\r\nOK\r\n",
		 "timer(0); cause(User busy); ended(REMOTE, BUSY, BUSY)");
}

static void at3_ceer_refused_ends_without_cause_test(struct kunit *test)
{
	struct at_fake *f = at3_active(test);

	at_feed(f, "\r\nNO CARRIER\r\n");
	at3_ceer(test, f, "\r\nERROR\r\n",
		 "timer(0); ended(REMOTE, NORMAL, NO CARRIER)");
	KUNIT_EXPECT_STREQ(test, f->cause, "");
}

static void at3_ceer_unanswered_ends_at_timeout_test(struct kunit *test)
{
	struct at_fake *f = at3_active(test);

	at_feed(f, "\r\nNO CARRIER\r\n");
	KUNIT_EXPECT_EQ(test, f->timer_ms, AT3_REPLY);
	at_forget(f);
	at_timeout(f);
	KUNIT_EXPECT_STREQ(test, f->log, "timer(0); ended(REMOTE, NORMAL, NO CARRIER)");
}

/* One +CLCC question at a time; one the modem dropped is asked again. */
static void at3_poll_waits_for_the_answer_test(struct kunit *test)
{
	struct at_fake *f = at3_voice(test);
	int i;

	at3_poll(test, f);
	for (i = 0; i < 3; i++) {
		at_timeout(f);
		KUNIT_EXPECT_STREQ(test, f->sent, "");
		KUNIT_EXPECT_EQ(test, f->timer_ms, AT3_CLCC_MS);
	}
	at_timeout(f);
	KUNIT_EXPECT_STREQ(test, f->sent, "AT+CLCC\r");
}

/* Registration, SMS and vendor lines change nothing, in any phase. */
static void at3_noise_ignored_while_voice_test(struct kunit *test)
{
	static const char noise[] = "\r\n+CREG: 1\r\n\r\n^RSSI: 15\r\n"
				    "\r\n+CMTI: \"SM\",3\r\n\r\n*EMRDY: 1\r\n";
	struct at_fake *f = at3_voice_dialing(test);

	at_feed(f, noise);
	KUNIT_EXPECT_STREQ(test, f->log, "");
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_DIALING);
	at_feed(f, "\r\nOK\r\n");
	at_forget(f);
	at3_poll(test, f);
	at_feed(f, noise);
	at_feed(f, "\r\n+CLCC: 1,0,3,0,0\r\n");
	at_feed(f, noise);
	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, "alerting");
	at_forget(f);
	at_feed(f, "\r\nBUSY\r\n");
	at_forget(f);
	at_feed(f, noise);
	at_feed(f, "\r\n+CEER: User busy\r\n");
	at_feed(f, noise);
	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->log,
			   "timer(0); cause(User busy); ended(REMOTE, BUSY, BUSY)");
}

static void at3_voice_dial_error_fails_test(struct kunit *test)
{
	struct at_fake *f = at3_voice_dialing(test);

	at_feed(f, "\r\nERROR\r\n");
	at3_ceer(test, f, "\r\n+CEER: No cause information\r\n\r\nOK\r\n",
		 "timer(0); cause(No cause information); "
		 "ended(SYSTEM, MODEM_ERROR, ERROR)");
}

/* ------------------------------------------------------------------ */
/* Hang-up                                                             */

static void at3_drop_sends_chup_test(struct kunit *test)
{
	struct at_fake *f = at3_active(test);

	modemline_at_hangup(&f->at);
	KUNIT_EXPECT_STREQ(test, f->sent, "AT+CHUP\r");
	KUNIT_EXPECT_EQ(test, f->timer_ms, AT3_REPLY);
	at_forget(f);
	at_feed(f, "\r\nOK\r\n");
	at3_ceer(test, f, "\r\n+CEER: Normal call clearing\r\n\r\nOK\r\n",
		 "timer(0); cause(Normal call clearing); ended(LOCAL, NORMAL, OK)");
}

static void at3_chup_refused_falls_back_to_ath_test(struct kunit *test)
{
	struct at_fake *f = at3_active(test);

	modemline_at_hangup(&f->at);
	at_forget(f);
	at_feed(f, "\r\nERROR\r\n");
	KUNIT_EXPECT_STREQ(test, f->sent, "ATH\r");
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_HANGUP_WAIT);
	at_forget(f);
	at_feed(f, "\r\nOK\r\n");
	at3_ceer(test, f, "\r\n+CEER: Normal call clearing\r\n\r\nOK\r\n",
		 "timer(0); cause(Normal call clearing); ended(LOCAL, NORMAL, OK)");
}

static void at3_chup_unanswered_falls_back_to_ath_test(struct kunit *test)
{
	struct at_fake *f = at3_active(test);

	modemline_at_hangup(&f->at);
	at_forget(f);
	at_timeout(f);
	KUNIT_EXPECT_STREQ(test, f->sent, "ATH\r");
	at_forget(f);
	/* Nothing answers ATH either: ended, and the modem is not asked. */
	at_timeout(f);
	KUNIT_EXPECT_STREQ(test, f->sent, "");
	KUNIT_EXPECT_STREQ(test, f->log, "timer(0); ended(LOCAL, NORMAL, -)");
}

/* Dropped before the dial's OK: AT+CHUP goes out after it, not before. */
static void at3_drop_while_dialing_waits_for_ok_test(struct kunit *test)
{
	struct at_fake *f = at3_voice_dialing(test);

	modemline_at_hangup(&f->at);
	KUNIT_EXPECT_STREQ(test, f->sent, "");
	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->sent, "AT+CHUP\r");
	at_forget(f);
	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->sent, "AT+CEER\r");
}

/* The dial failed before the drop came to anything: it simply ends. */
static void at3_drop_while_dialing_then_error_ends_test(struct kunit *test)
{
	struct at_fake *f = at3_voice_dialing(test);

	modemline_at_hangup(&f->at);
	at_feed(f, "\r\nERROR\r\n");
	at3_ceer(test, f, "\r\nERROR\r\n", "timer(0); ended(LOCAL, NORMAL, ERROR)");
}

/* A drop while the cause is asked for changes nothing: it ended. */
static void at3_drop_during_ceer_is_ignored_test(struct kunit *test)
{
	struct at_fake *f = at3_voice(test);

	at_feed(f, "\r\nBUSY\r\n");
	modemline_at_hangup(&f->at);
	at3_ceer(test, f, "\r\n+CEER: User busy\r\n\r\nOK\r\n",
		 "timer(0); cause(User busy); ended(REMOTE, BUSY, BUSY)");
}

static void at3_hangup_budget_covers_ceer_test(struct kunit *test)
{
	struct at_fake *v = at_fake_new(test), *g = at3_new(test);

	KUNIT_EXPECT_EQ(test, modemline_at_hangup_ms(&g->at),
			modemline_at_hangup_ms(&v->at) + AT3_REPLY);
	/* A voice hang-up: the dial's OK, AT+CHUP, ATH and AT+CEER. */
	KUNIT_EXPECT_GE(test, modemline_at_hangup_ms(&g->at), 4 * AT3_REPLY);
}

/* ------------------------------------------------------------------ */
/* Incoming calls, data calls                                          */

static void at3_voice_ring_answered_with_ok_test(struct kunit *test)
{
	struct at_fake *f = at3_new(test);

	at_feed(f, "\r\n+CRING: VOICE\r\n\r\n+CLIP: \"" AT_NUMBER "\",129\r\n");
	at_feed(f, "\r\n+CRING: VOICE\r\n\r\n+CLIP: \"" AT_NUMBER "\",129\r\n");
	KUNIT_EXPECT_STREQ(test, f->log,
			   at_fmt(f, "timer(%u); offer(-, voice); timer(%u); offer(%s, voice)",
				  MODEMLINE_AT_RING_GAP_MS, MODEMLINE_AT_RING_GAP_MS,
				  AT_NUMBER));
	at_forget(f);
	modemline_at_answer(&f->at);
	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->sent, MODEMLINE_AT_INIT_DEFAULT "\rATA\r");
	at_forget(f);
	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->log,
			   at_fmt(f, "connected(0, OK); timer(%u)", AT3_CLCC_MS));
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_VOICE);
	/* It is the incoming call that +CLCC must list. */
	at_forget(f);
	at3_poll(test, f);
	at_feed(f, "\r\n+CLCC: 1,1,0,0,0,\"" AT_NUMBER "\",129\r\n\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, "");
}

/* A plain RING (+CRC=0) answered with OK was a voice call after all. */
static void at3_plain_ring_answered_with_ok_is_voice_test(struct kunit *test)
{
	struct at_fake *f = at3_new(test);

	at_feed(f, "\r\nRING\r\n");
	at_forget(f);
	modemline_at_answer(&f->at);
	at_feed(f, "\r\nOK\r\n");
	at_forget(f);
	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->log,
			   at_fmt(f, "connected(0, OK); timer(%u)", AT3_CLCC_MS));
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_VOICE);
	modemline_at_hangup(&f->at);
	KUNIT_EXPECT_STREQ(test, f->sent, "AT+CHUP\r");
}

static void at3_data_ring_answered_with_connect_test(struct kunit *test)
{
	struct at_fake *f = at3_new(test);

	at_feed(f, "\r\n+CRING: REL ASYNC\r\n");
	at_forget(f);
	modemline_at_answer(&f->at);
	at_feed(f, "\r\nOK\r\n");
	at_forget(f);
	at_feed(f, "\r\nCONNECT 9600\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, "connected(9600, CONNECT 9600)");
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_DATA);
}

/* A 3GPP data call online: V.250's dial and CONNECT. */
static struct at_fake *at3_data_online(struct kunit *test)
{
	struct at_fake *f = at3_new(test);

	f->at.guard_ms = 100;
	modemline_at_dial(&f->at, AT_NUMBER, false);
	at_feed(f, "\r\nOK\r\n");
	KUNIT_ASSERT_STREQ(test, f->sent,
			   MODEMLINE_AT_INIT_DEFAULT "\rATD" AT_NUMBER "\r");
	at_feed(f, "\r\nCONNECT 9600\r\n");
	KUNIT_ASSERT_EQ(test, f->at.phase, MODEMLINE_AT_DATA);
	at_forget(f);
	return f;
}

/* A circuit-switched data call: V.250's dial, then the cause at its end. */
static void at3_data_call_end_asks_cause_test(struct kunit *test)
{
	struct at_fake *f = at3_data_online(test);

	f->now += 1000;
	at_feed(f, "\r\nNO CARRIER\r\n");
	at3_ceer(test, f, "\r\n+CEER: Normal call clearing\r\n\r\nOK\r\n",
		 "timer(0); cause(Normal call clearing); ended(REMOTE, NORMAL, NO CARRIER)");
}

/* The data call's carrier dropped: its end waits for AT+CEER's reply. */
static struct at_fake *at3_data_carrier_lost(struct kunit *test)
{
	struct at_fake *f = at3_data_online(test);

	modemline_at_carrier_lost(&f->at);
	KUNIT_ASSERT_STREQ(test, f->sent, "AT+CEER\r");
	KUNIT_ASSERT_EQ(test, f->ends, 0U);
	at_forget(f);
	return f;
}

/*
 * Carrier lost, AT+CEER out, then the tty hangs up (CLOCAL off): no
 * reply can come, and the end is reported at once, its reason kept.
 */
static void at3_transport_gone_reports_the_end_held_for_the_cause_test(struct kunit *test)
{
	struct at_fake *f = at3_data_carrier_lost(test);

	modemline_at_transport_gone(&f->at);
	KUNIT_EXPECT_STREQ(test, f->log, "timer(0); ended(REMOTE, CARRIER_LOST, -)");
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_IDLE);
}

/* A cause that came before the tty hung up, without its OK, is kept. */
static void at3_transport_gone_keeps_a_cause_already_read_test(struct kunit *test)
{
	struct at_fake *f = at3_data_carrier_lost(test);

	at_feed(f, "\r\n+CEER: Normal call clearing\r\n");
	KUNIT_ASSERT_EQ(test, f->ends, 0U);
	modemline_at_transport_gone(&f->at);
	KUNIT_EXPECT_STREQ(test, f->log,
			   "timer(0); cause(Normal call clearing); ended(REMOTE, CARRIER_LOST, -)");
}

/* Without an end waiting for its cause, the transport's going reports nothing. */
static void at3_transport_gone_online_reports_nothing_test(struct kunit *test)
{
	struct at_fake *f = at3_data_online(test);

	modemline_at_transport_gone(&f->at);
	KUNIT_EXPECT_STREQ(test, f->log, "");
	KUNIT_EXPECT_EQ(test, f->ends, 0U);
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_DATA);
}

/* ------------------------------------------------------------------ */
/* Replies that are still on their way                                 */

/* A drop while a +CLCC poll is out: AT+CHUP waits for the poll's reply. */
static void at3_drop_during_a_poll_waits_for_its_reply_test(struct kunit *test)
{
	struct at_fake *f = at3_active(test);

	at3_poll(test, f);
	modemline_at_hangup(&f->at);
	KUNIT_EXPECT_STREQ(test, f->sent, "");
	at_feed(f, "\r\n+CLCC: 1,0,0,0,0\r\n\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->sent, "AT+CHUP\r");
	at_forget(f);
	/* CHUP's own ERROR now means ATH, not the end. */
	at_feed(f, "\r\nERROR\r\n");
	KUNIT_EXPECT_STREQ(test, f->sent, "ATH\r");
	KUNIT_EXPECT_EQ(test, f->ends, 0U);
}

static void at3_drop_during_a_refused_poll_sends_chup_test(struct kunit *test)
{
	struct at_fake *f = at3_active(test);

	at3_poll(test, f);
	modemline_at_hangup(&f->at);
	at_feed(f, "\r\nERROR\r\n");
	KUNIT_EXPECT_STREQ(test, f->sent, "AT+CHUP\r");
	KUNIT_EXPECT_EQ(test, f->ends, 0U);
}

/* A refused poll's ERROR that comes while the cause is asked is the poll's. */
static void at3_ceer_skips_an_outstanding_poll_error_test(struct kunit *test)
{
	struct at_fake *f = at3_voice(test);

	at3_poll(test, f);
	at_feed(f, "\r\nBUSY\r\n");
	at3_ceer(test, f, "\r\nERROR\r\n\r\n+CEER: User busy\r\n\r\nOK\r\n",
		 "timer(0); cause(User busy); ended(REMOTE, BUSY, BUSY)");
}

/* Dropped while ATA of a plain RING is out: CHUP after its OK. */
static void at3_drop_while_answering_a_plain_ring_test(struct kunit *test)
{
	struct at_fake *f = at3_new(test);

	at_feed(f, "\r\nRING\r\n");
	modemline_at_answer(&f->at);
	at_feed(f, "\r\nOK\r\n");
	at_forget(f);
	modemline_at_hangup(&f->at);
	KUNIT_EXPECT_STREQ(test, f->sent, "");
	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->sent, "AT+CHUP\r");
}

/* ...and if it was a data call after all, it is hung up as one. */
static void at3_drop_while_answering_then_connect_test(struct kunit *test)
{
	struct at_fake *f = at3_new(test);

	f->at.guard_ms = 100;
	at_feed(f, "\r\nRING\r\n");
	modemline_at_answer(&f->at);
	at_feed(f, "\r\nOK\r\n");
	modemline_at_hangup(&f->at);
	at_forget(f);
	at_feed(f, "\r\nCONNECT 9600\r\n");
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_GUARD_BEFORE);
	KUNIT_EXPECT_EQ(test, f->ends, 0U);
}

static void at3_cme_error_fails_a_voice_dial_test(struct kunit *test)
{
	struct at_fake *f = at3_voice_dialing(test);

	at_feed(f, "\r\n+CME ERROR: 30\r\n");
	at3_ceer(test, f, "\r\nERROR\r\n",
		 "timer(0); ended(SYSTEM, MODEM_ERROR, +CME ERROR: 30)");
}

/* Nothing dialed yet: +CEER would tell of an earlier call, so no asking. */
static void at3_hangup_before_the_dial_asks_no_cause_test(struct kunit *test)
{
	struct at_fake *f = at3_new(test);

	modemline_at_dial(&f->at, AT_NUMBER, true);
	modemline_at_hangup(&f->at);
	at_forget(f);
	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->sent, "");
	KUNIT_EXPECT_STREQ(test, f->log, "timer(0); ended(LOCAL, NORMAL, OK)");
}

/* One call's cause is not the next one's. */
static void at3_cause_is_not_carried_to_the_next_call_test(struct kunit *test)
{
	struct at_fake *f = at3_voice(test);

	at_feed(f, "\r\nBUSY\r\n");
	at_feed(f, "\r\n+CEER: User busy\r\n\r\nOK\r\n");
	KUNIT_ASSERT_EQ(test, f->ends, 1U);
	modemline_at_dial(&f->at, AT_NUMBER, true);
	at_feed(f, "\r\nOK\r\n\r\nOK\r\n");
	at_forget(f);
	at_feed(f, "\r\nNO ANSWER\r\n");
	at_feed(f, "\r\nERROR\r\n");
	KUNIT_EXPECT_STREQ(test, f->log,
			   at_fmt(f, "timer(%u); timer(0); ended(REMOTE, NO_ANSWER, NO ANSWER)",
				  AT3_REPLY));
}

/* A carrier drop during a voice hang-up leaves AT+CHUP to come. */
static void at3_carrier_loss_during_chup_changes_nothing_test(struct kunit *test)
{
	struct at_fake *f = at3_voice_dialing(test);

	modemline_at_hangup(&f->at);
	modemline_at_carrier_lost(&f->at);
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_CHUP);
	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->sent, "AT+CHUP\r");
}

/* A V.250 line is never asked for a cause. */
static void at3_v250_line_asks_no_cause_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	modemline_at_dial(&f->at, AT_NUMBER, false);
	at_feed(f, "\r\nOK\r\n");
	at_forget(f);
	at_feed(f, "\r\nBUSY\r\n");
	KUNIT_EXPECT_STREQ(test, f->sent, "");
	KUNIT_EXPECT_STREQ(test, f->log, "timer(0); ended(REMOTE, BUSY, BUSY)");
}

static struct kunit_case at3_call_test_cases[] = {
	KUNIT_CASE(at3_voice_dial_ok_starts_polling_test),
	KUNIT_CASE(at3_clcc_dialing_reports_nothing_test),
	KUNIT_CASE(at3_clcc_alerting_reported_once_test),
	KUNIT_CASE(at3_clcc_active_connects_once_test),
	KUNIT_CASE(at3_clcc_other_calls_ignored_test),
	KUNIT_CASE(at3_vanished_active_call_ends_remote_normal_test),
	KUNIT_CASE(at3_vanished_unanswered_call_ends_no_carrier_test),
	KUNIT_CASE_PARAM(at3_unsolicited_end_asks_cause_test, at3_end_gen_params),
	KUNIT_CASE(at3_ceer_ignores_an_earlier_ok_test),
	KUNIT_CASE(at3_ceer_refused_ends_without_cause_test),
	KUNIT_CASE(at3_ceer_unanswered_ends_at_timeout_test),
	KUNIT_CASE(at3_poll_waits_for_the_answer_test),
	KUNIT_CASE(at3_noise_ignored_while_voice_test),
	KUNIT_CASE(at3_voice_dial_error_fails_test),
	KUNIT_CASE(at3_drop_sends_chup_test),
	KUNIT_CASE(at3_chup_refused_falls_back_to_ath_test),
	KUNIT_CASE(at3_chup_unanswered_falls_back_to_ath_test),
	KUNIT_CASE(at3_drop_while_dialing_waits_for_ok_test),
	KUNIT_CASE(at3_drop_while_dialing_then_error_ends_test),
	KUNIT_CASE(at3_drop_during_ceer_is_ignored_test),
	KUNIT_CASE(at3_hangup_budget_covers_ceer_test),
	KUNIT_CASE(at3_voice_ring_answered_with_ok_test),
	KUNIT_CASE(at3_plain_ring_answered_with_ok_is_voice_test),
	KUNIT_CASE(at3_data_ring_answered_with_connect_test),
	KUNIT_CASE(at3_data_call_end_asks_cause_test),
	KUNIT_CASE(at3_transport_gone_reports_the_end_held_for_the_cause_test),
	KUNIT_CASE(at3_transport_gone_keeps_a_cause_already_read_test),
	KUNIT_CASE(at3_transport_gone_online_reports_nothing_test),
	KUNIT_CASE(at3_v250_line_asks_no_cause_test),
	KUNIT_CASE(at3_drop_during_a_poll_waits_for_its_reply_test),
	KUNIT_CASE(at3_drop_during_a_refused_poll_sends_chup_test),
	KUNIT_CASE(at3_ceer_skips_an_outstanding_poll_error_test),
	KUNIT_CASE(at3_drop_while_answering_a_plain_ring_test),
	KUNIT_CASE(at3_drop_while_answering_then_connect_test),
	KUNIT_CASE(at3_cme_error_fails_a_voice_dial_test),
	KUNIT_CASE(at3_hangup_before_the_dial_asks_no_cause_test),
	KUNIT_CASE(at3_cause_is_not_carried_to_the_next_call_test),
	KUNIT_CASE(at3_carrier_loss_during_chup_changes_nothing_test),
	{}
};

static struct kunit_suite at3_call_test_suite = {
	.name = "modemline_at_3gpp",
	.test_cases = at3_call_test_cases,
};

kunit_test_suites(&at3_parse_test_suite, &at3_call_test_suite);

// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest: a 3GPP (TS 27.007) line, the line discipline on a pty
 * driven by modemsim --dialect 3gpp: voice calls dialed with "ATD<n>;",
 * followed with +CLCC (RINGBACK while alerted, CONNECTED when active, an
 * end seen only as the call vanishing from the list), hung up with
 * AT+CHUP; busy, no answer and rejected calls with the network's cause
 * (+CEER) in the record; an incoming "+CRING: VOICE" answered; a
 * circuit-switched data call carrying data; and unsolicited lines of
 * other kinds injected throughout without a misparse.
 */
#include "ml_test.h"

#include <unistd.h>

#include "tty.h"
#include "ttyline.h"

#define NUMBER		"5551234"
#define INIT_3GPP	"ATE0V1Q0&C1&D2S0=0+CRC=1;+CLIP=1"
#define CLCC_MS		100

FIXTURE(gsm) {
	struct ttyline t;
};

FIXTURE_VARIANT(gsm) {
	bool noise;	/* unsolicited lines all the time */
};

FIXTURE_VARIANT_ADD(gsm, quiet) {
	.noise = false,
};

FIXTURE_VARIANT_ADD(gsm, noisy) {
	.noise = true,
};

FIXTURE_SETUP(gsm)
{
	static const char *const args[] = {
		"--dialect", "3gpp", "--seed", "22", "--alert-delay", "0", NULL,
	};
	struct modemline_tty_config cfg;
	struct modemline_api api = { .version = MODEMLINE_API_2 };

	line_up(_metadata, &self->t, args, INIT_3GPP);
	ASSERT_EQ(0, tty_get_config(self->t.fd, &cfg));
	cfg.dialect = MODEMLINE_DIALECT_3GPP;
	cfg.clcc_poll_ms = CLCC_MS;
	ASSERT_EQ(0, tty_set_config(self->t.fd, &cfg));
	ASSERT_EQ(0, mls_ioctl(self->t.ml, MODEMLINE_IOC_API, &api));
	if (variant->noise)
		MSIM(&self->t, "noise on 30");
}

FIXTURE_TEARDOWN(gsm)
{
	line_down(&self->t);
}

#define T (&self->t)

static __u32 voice_dial(struct __test_metadata *_metadata, struct ttyline *t)
{
	struct modemline_dial d = {
		.line_id = t->line, .flags = MODEMLINE_DIAL_VOICE,
	};
	int ret;

	snprintf(d.number, sizeof(d.number), "%s", NUMBER);
	ret = mls_ioctl(t->ml, MODEMLINE_IOC_DIAL, &d);
	ASSERT_EQ(0, ret) TH_LOG("voice DIAL: %s", strerror(-ret));
	return d.call;
}

/* Wait for @call to reach @state, or fail. */
static void wait_state(struct __test_metadata *_metadata, struct ttyline *t,
		       __u32 call, __u32 state)
{
	struct modemline_event ev;
	int ret = mls_wait_state(t->ml, call, state, &ev, ML_WAIT_MS);

	ASSERT_EQ(0, ret) TH_LOG("call %u never reached state %u: %s", call,
				 state, strerror(-ret));
}

/* The record of an ended voice call: who, why, the cause, the result. */
static void check_end(struct __test_metadata *_metadata, struct ttyline *t,
		      __u32 call, __u32 origin, __u32 reason, const char *cause,
		      const char *result, bool connected)
{
	struct modemline_call_info ci;

	ASSERT_EQ(0, mls_call_info(t->ml, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_DISCONNECTED), ci.state);
	ASSERT_EQ(U32(MODEMLINE_CALL_INFO_VOICE), ci.flags);
	ASSERT_EQ(origin, ci.origin);
	ASSERT_EQ(reason, ci.reason);
	ASSERT_STR_FIELD(cause, ci.cause);
	ASSERT_STR_FIELD(result, ci.result);
	ASSERT_STR_FIELD(NUMBER, ci.number);
	ASSERT_NE(0ULL, ci.disconnected_ns);
	ASSERT_EQ(connected, ci.connected_ns != 0);
	/* A quick test may end it within one tick of the clock: 0 is fine. */
	if (connected) {
		ASSERT_LE(ci.connected_ns, ci.disconnected_ns);
		ASSERT_EQ(ci.disconnected_ns - ci.connected_ns, ci.duration_ns);
	}
	ASSERT_EQ(0ULL, ci.rx_bytes);
	ASSERT_EQ(0ULL, ci.tx_bytes);
}

TEST_F(gsm, voice_call_rings_back_while_alerted)
{
	struct modemline_call_info ci;
	__u32 call;

	MSIM(T, "result silent");
	call = voice_dial(_metadata, T);
	wait_state(_metadata, T, call, MODEMLINE_STATE_RINGBACK);
	ASSERT_EQ(0, mls_call_info(T->ml, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_RINGBACK), ci.state);
	ASSERT_EQ(0ULL, ci.connected_ns);
	ASSERT_EQ(-EOPNOTSUPP, mls_call_data(T->ml, call, 0));
	/* Hung up before the answer: AT+CHUP, then the cause. */
	ASSERT_EQ(0, mls_drop(T->ml, call, MODEMLINE_DROP_WAIT));
	MSIM_WAIT(T, "chup", "1");
	check_end(_metadata, T, call, MODEMLINE_ORIGIN_LOCAL, MODEMLINE_REASON_NORMAL,
		  "Normal call clearing", "OK", false);
	MSIM_WAIT(T, "voice", "0");
}

TEST_F(gsm, voice_call_connects_and_is_hung_up_with_chup)
{
	__u32 call;

	MSIM(T, "result connect");
	MSIM(T, "answer-delay 300");
	call = voice_dial(_metadata, T);
	wait_state(_metadata, T, call, MODEMLINE_STATE_CONNECTED);
	MSIM_WAIT(T, "clcc_stat", "0");
	ASSERT_EQ(0, mls_drop(T->ml, call, MODEMLINE_DROP_WAIT));
	MSIM_WAIT(T, "chup", "1");
	MSIM_WAIT(T, "voice", "0");
	check_end(_metadata, T, call, MODEMLINE_ORIGIN_LOCAL, MODEMLINE_REASON_NORMAL,
		  "Normal call clearing", "OK", true);
}

/* Some modems report a remote release only by dropping the call from +CLCC. */
TEST_F(gsm, remote_release_seen_only_through_clcc)
{
	__u32 call;

	MSIM(T, "result connect");
	MSIM(T, "answer-delay 0");
	call = voice_dial(_metadata, T);
	wait_state(_metadata, T, call, MODEMLINE_STATE_CONNECTED);
	MSIM(T, "hangup silent");
	wait_state(_metadata, T, call, MODEMLINE_STATE_DISCONNECTED);
	check_end(_metadata, T, call, MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_NORMAL,
		  "Normal call clearing", "OK", true);
	MSIM_WAIT(T, "chup", "0");
}

TEST_F(gsm, remote_hangup_by_no_carrier)
{
	__u32 call;

	MSIM(T, "result connect");
	MSIM(T, "answer-delay 0");
	call = voice_dial(_metadata, T);
	wait_state(_metadata, T, call, MODEMLINE_STATE_CONNECTED);
	MSIM(T, "ceer Normal, unspecified");
	MSIM(T, "hangup");
	wait_state(_metadata, T, call, MODEMLINE_STATE_DISCONNECTED);
	check_end(_metadata, T, call, MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_NORMAL,
		  "Normal, unspecified", "NO CARRIER", true);
}

/* Each failed voice call: its reason from the result, its cause from +CEER. */
struct voice_failure {
	const char *result;
	__u32 reason;
	const char *text;
	const char *cause;
};

static const struct voice_failure failures[] = {
	{ "busy", MODEMLINE_REASON_BUSY, "BUSY", "User busy" },
	{ "noanswer", MODEMLINE_REASON_NO_ANSWER, "NO ANSWER", "No user responding" },
	{ "rejected", MODEMLINE_REASON_NO_CARRIER, "NO CARRIER", "Call rejected" },
	{ "released", MODEMLINE_REASON_NO_CARRIER, "NO CARRIER", "Network out of order" },
};

TEST_F(gsm, failed_voice_calls_keep_reason_and_cause)
{
	unsigned int i;
	__u32 call;

	for (i = 0; i < ARRAY_SIZE(failures); i++) {
		MSIM(T, "result %s", failures[i].result);
		MSIM(T, "answer-delay 200");
		call = voice_dial(_metadata, T);
		wait_state(_metadata, T, call, MODEMLINE_STATE_DISCONNECTED);
		check_end(_metadata, T, call, MODEMLINE_ORIGIN_REMOTE, failures[i].reason,
			  failures[i].cause, failures[i].text, false);
		ASSERT_EQ(0, mls_deallocate(T->ml, call, 0));
		ASSERT_EQ(0, mls_wait_line_idle(T->ml, T->line, ML_WAIT_MS));
	}
}

TEST_F(gsm, incoming_voice_call_answered_and_dropped)
{
	struct modemline_line_info li;
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call = 0;
	int ret;

	/*
	 * The init string, whose +CRC=1 makes a ring say "voice", reaches
	 * the modem with the line's first call: make one.
	 */
	MSIM(T, "result busy");
	call = voice_dial(_metadata, T);
	wait_state(_metadata, T, call, MODEMLINE_STATE_DISCONNECTED);
	ASSERT_EQ(0, mls_deallocate(T->ml, call, 0));
	ASSERT_EQ(0, mls_wait_line_idle(T->ml, T->line, ML_WAIT_MS));
	ASSERT_EQ(0, mls_subscribe(T->ml, T->line));
	MSIM(T, "ring " NUMBER " 100 1000 voice");
	ret = mls_wait_event(T->ml, MODEMLINE_EVENT_CALL_OFFERED, T->line, &ev,
			     ML_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("no CALL_OFFERED: %s", strerror(-ret));
	ASSERT_EQ(0, mls_line_info(T->ml, T->line, &li));
	ASSERT_NE(0U, li.flags & MODEMLINE_LINE_OFFERING_VOICE);
	ASSERT_EQ(0, mls_answer(T->ml, T->line, &call));
	wait_state(_metadata, T, call, MODEMLINE_STATE_CONNECTED);
	MSIM_WAIT(T, "voice", "1");
	ASSERT_EQ(0, mls_call_info(T->ml, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_CALL_INFO_VOICE), ci.flags);
	ASSERT_EQ(U32(MODEMLINE_DIR_INCOMING), ci.direction);
	ASSERT_EQ(0, mls_drop(T->ml, call, MODEMLINE_DROP_WAIT));
	MSIM_WAIT(T, "chup", "1");
	ASSERT_EQ(0, mls_call_info(T->ml, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_ORIGIN_LOCAL), ci.origin);
	ASSERT_STR_FIELD("Normal call clearing", ci.cause);
}

/* Circuit-switched data: V.250's dial and data mode, then the cause. */
TEST_F(gsm, data_call_on_a_3gpp_line_carries_data)
{
	static const char msg[] = "hello over CSD\r\n";
	struct modemline_call_info ci;
	struct modemline_event ev;
	char buf[sizeof(msg)];
	size_t got = 0;
	__u32 call;
	ssize_t n;
	int dfd;

	MSIM(T, "result connect");
	MSIM(T, "answer-delay 0");
	MSIM(T, "data echo");
	call = dial_wait(_metadata, T->ml, T->line, NUMBER, MODEMLINE_STATE_CONNECTED,
			 &ev);
	dfd = mls_call_data(T->ml, call, 0);
	ASSERT_LE(0, dfd) TH_LOG("CALL_DATA: %s", strerror(-dfd));
	ASSERT_EQ((ssize_t)strlen(msg), write(dfd, msg, strlen(msg)));
	while (got < strlen(msg)) {
		n = read(dfd, buf + got, strlen(msg) - got);
		ASSERT_LT(0, n);
		got += (size_t)n;
	}
	ASSERT_EQ(0, memcmp(msg, buf, strlen(msg)));
	close(dfd);
	ASSERT_EQ(0, mls_drop(T->ml, call, MODEMLINE_DROP_WAIT));
	ASSERT_EQ(0, mls_call_info(T->ml, call, &ci));
	ASSERT_EQ(0U, ci.flags);
	ASSERT_EQ(U32(MODEMLINE_ORIGIN_LOCAL), ci.origin);
	ASSERT_EQ((__u64)strlen(msg), ci.tx_bytes);
	ASSERT_EQ((__u64)strlen(msg), ci.rx_bytes);
	ASSERT_STR_FIELD("Normal call clearing", ci.cause);
}

TEST_F(gsm, line_info_says_3gpp)
{
	struct modemline_line_info li;

	ASSERT_EQ(0, mls_line_info(T->ml, T->line, &li));
	ASSERT_EQ(U32(MODEMLINE_DIALECT_3GPP), li.dialect);
}

TEST_HARNESS_MAIN

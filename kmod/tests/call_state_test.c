// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the call state machine, as a table of every (state, input) pair
 * and the state it must lead to.
 */
#include <kunit/test.h>

#include "modemline.h"

struct call_state_case {
	u32 state;
	enum modemline_call_input in;
	u32 next;
};

#define S(x) MODEMLINE_STATE_##x
#define I(x) MODEMLINE_IN_##x

static const struct call_state_case call_state_cases[] = {
	{ S(DIALING), I(CONNECT), S(CONNECTED) },
	{ S(DIALING), I(END), S(DISCONNECTED) },
	{ S(DIALING), I(DROP), S(DISCONNECTING) },
	{ S(DIALING), I(TIMEOUT), S(DISCONNECTING) },
	{ S(DIALING), I(ALERTING), S(RINGBACK) },
	{ S(ANSWERING), I(CONNECT), S(CONNECTED) },
	{ S(ANSWERING), I(END), S(DISCONNECTED) },
	{ S(ANSWERING), I(DROP), S(DISCONNECTING) },
	{ S(ANSWERING), I(TIMEOUT), S(DISCONNECTING) },
	{ S(ANSWERING), I(ALERTING), S(ANSWERING) },
	{ S(CONNECTED), I(CONNECT), S(CONNECTED) },
	{ S(CONNECTED), I(END), S(DISCONNECTED) },
	{ S(CONNECTED), I(DROP), S(DISCONNECTING) },
	{ S(CONNECTED), I(TIMEOUT), S(CONNECTED) },
	{ S(CONNECTED), I(ALERTING), S(CONNECTED) },
	{ S(DISCONNECTING), I(CONNECT), S(DISCONNECTING) },
	{ S(DISCONNECTING), I(END), S(DISCONNECTED) },
	{ S(DISCONNECTING), I(DROP), S(DISCONNECTING) },
	{ S(DISCONNECTING), I(TIMEOUT), S(DISCONNECTED) },
	{ S(DISCONNECTING), I(ALERTING), S(DISCONNECTING) },
	{ S(DISCONNECTED), I(CONNECT), S(DISCONNECTED) },
	{ S(DISCONNECTED), I(END), S(DISCONNECTED) },
	{ S(DISCONNECTED), I(DROP), S(DISCONNECTED) },
	{ S(DISCONNECTED), I(TIMEOUT), S(DISCONNECTED) },
	{ S(DISCONNECTED), I(ALERTING), S(DISCONNECTED) },
	/* A voice call being alerted goes on as a dialing one would. */
	{ S(RINGBACK), I(CONNECT), S(CONNECTED) },
	{ S(RINGBACK), I(END), S(DISCONNECTED) },
	{ S(RINGBACK), I(DROP), S(DISCONNECTING) },
	{ S(RINGBACK), I(TIMEOUT), S(DISCONNECTING) },
	{ S(RINGBACK), I(ALERTING), S(RINGBACK) },
};

static void call_state_case_desc(const struct call_state_case *c, char *desc)
{
	static const char * const inputs[] = {
		"connect", "end", "drop", "timeout", "alerting",
	};

	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "state %u + %s -> %u",
		 c->state, inputs[c->in], c->next);
}

KUNIT_ARRAY_PARAM(call_state, call_state_cases, call_state_case_desc);

static void call_state_transition_test(struct kunit *test)
{
	const struct call_state_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, modemline_call_next_state(c->state, c->in), c->next);
}

/* The table above must cover the whole machine: 6 states x every input. */
static void call_state_table_complete_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, ARRAY_SIZE(call_state_cases),
			(size_t)MODEMLINE_STATE_RINGBACK * MODEMLINE_IN_COUNT);
}

static void call_state_invalid_input_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, modemline_call_next_state(0, I(CONNECT)), 0U);
	KUNIT_EXPECT_EQ(test, modemline_call_next_state(S(RINGBACK) + 1,
							I(END)), 0U);
	KUNIT_EXPECT_EQ(test, modemline_call_next_state(S(DIALING),
							MODEMLINE_IN_COUNT), 0U);
}

static struct kunit_case call_state_test_cases[] = {
	KUNIT_CASE_PARAM(call_state_transition_test, call_state_gen_params),
	KUNIT_CASE(call_state_table_complete_test),
	KUNIT_CASE(call_state_invalid_input_test),
	{}
};

static struct kunit_suite call_state_test_suite = {
	.name = "modemline_call_state",
	.test_cases = call_state_test_cases,
};

kunit_test_suite(call_state_test_suite);

MODULE_DESCRIPTION("KUnit tests for the modemline call state machine");
MODULE_LICENSE("GPL");
MODEMLINE_IMPORT_KUNIT_NS();

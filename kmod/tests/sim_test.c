// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: modemline_sim's scripted outcome belongs to the attempt that
 * queued it. An attempt the remote side ends first (the "hangup" and
 * "carrier_lost" commands) takes its outcome with it, and a silent modem
 * stays silent: a stale outcome must never connect the next call. The
 * outcome's delay is skipped by flushing its work, so nothing here waits.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/err.h>

#include "rec_fixture.h"
#include "sim.h"

KUNIT_DEFINE_ACTION_WRAPPER(sim_test_destroy_action, sim_line_destroy,
			    struct sim_line *);

static struct sim_line *sim_test_line(struct kunit *test)
{
	static atomic_t seq = ATOMIC_INIT(0);
	struct sim_line *sim;
	char name[MODEMLINE_NAME_LEN];

	snprintf(name, sizeof(name), "kunit-sim-%d", atomic_inc_return(&seq));
	sim = sim_line_create(name);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sim);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, sim_test_destroy_action,
							sim), 0);
	return sim;
}

static void sim_test_cmd(struct kunit *test, struct sim_line *sim,
			 const char *cmd)
{
	char buf[80];

	strscpy(buf, cmd, sizeof(buf));
	KUNIT_ASSERT_EQ_MSG(test, sim_command(sim, buf), 0, "command '%s'", cmd);
}

static u32 sim_test_state(struct modemline_call *call)
{
	return READ_ONCE(call->state);
}

/* A dial the remote side ends, then a silent one: the first's CONNECT must not come. */
static void sim_test_silent_dial_after(struct kunit *test, const char *end)
{
	struct sim_line *sim = sim_test_line(test);
	struct modemline_call *first, *second;

	sim_test_cmd(test, sim, "dial connect 60000 2400");
	KUNIT_ASSERT_EQ(test, rec_start_on(test, sim_line_line(sim),
					   MODEMLINE_DIR_OUTGOING, REC_TIMEOUT_MS,
					   &first), 0);
	sim_test_cmd(test, sim, end);
	KUNIT_ASSERT_EQ(test, sim_test_state(first), MODEMLINE_STATE_DISCONNECTED);

	sim_test_cmd(test, sim, "dial silent");
	KUNIT_ASSERT_EQ(test, rec_start_on(test, sim_line_line(sim),
					   MODEMLINE_DIR_OUTGOING, REC_TIMEOUT_MS,
					   &second), 0);
	sim_line_flush_outcome(sim);
	KUNIT_EXPECT_EQ(test, sim_test_state(second), MODEMLINE_STATE_DIALING);
	KUNIT_EXPECT_EQ(test, sim_test_state(first), MODEMLINE_STATE_DISCONNECTED);
}

static void sim_remote_hangup_takes_the_pending_outcome_test(struct kunit *test)
{
	sim_test_silent_dial_after(test, "hangup");
}

static void sim_carrier_loss_takes_the_pending_outcome_test(struct kunit *test)
{
	sim_test_silent_dial_after(test, "carrier_lost");
}

static struct kunit_case sim_test_cases[] = {
	KUNIT_CASE(sim_remote_hangup_takes_the_pending_outcome_test),
	KUNIT_CASE(sim_carrier_loss_takes_the_pending_outcome_test),
	{}
};

static struct kunit_suite sim_test_suite = {
	.name = "modemline_sim",
	.init = rec_init,
	.test_cases = sim_test_cases,
};

kunit_test_suites(&sim_test_suite);

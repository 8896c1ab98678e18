// SPDX-License-Identifier: GPL-2.0
/*
 * Per-file limits: max_calls (DIAL/ANSWER fail with -EMFILE once the file
 * holds that many calls, live or retained) and max_events, both read when
 * the file is opened. The module parameters are restored in the teardown.
 */
#include "ml_test.h"

#define NUMBER		"5551234"
#define CALLER_ID	"0301234567"

FIXTURE(lim) {
	int fd;
	struct sim_line line[2];
	struct mls_param_save max_calls, max_events;
};

FIXTURE_SETUP(lim)
{
	self->fd = -1;
	ASSERT_EQ(0, mls_param_save(&self->max_calls, "max_calls"));
	ASSERT_EQ(0, mls_param_save(&self->max_events, "max_events"));
	SIM_CREATE_LINES(self->line, 2);
}

FIXTURE_TEARDOWN_PARENT(lim)
{
	sim_lines_remove(self->line, 2);
	EXPECT_EQ(0, mls_param_restore(&self->max_calls));
	EXPECT_EQ(0, mls_param_restore(&self->max_events));
}

#define L0 (self->line[0])
#define L1 (self->line[1])

/* Set max_calls, then open a file (the limit is read at open). */
static int open_limited(struct __test_metadata *_metadata, long max_calls)
{
	int fd;

	ASSERT_EQ(0, mls_param_set("max_calls", max_calls));
	ML_OPEN(fd, 0);
	return fd;
}

/* @n calls that end at once (BUSY) on @line; handles into @calls. */
static void ended_calls(struct __test_metadata *_metadata, int fd,
			const struct sim_line *line, int n, __u32 *calls)
{
	struct modemline_event ev;
	int i;

	ASSERT_EQ(0, sim_ctl(line, "dial busy 0"));
	for (i = 0; i < n; i++) {
		__u32 c = dial_wait(_metadata, fd, line->id, NUMBER,
				    MODEMLINE_STATE_DISCONNECTED, &ev);

		if (calls)
			calls[i] = c;
	}
}

TEST_F(lim, call_over_max_calls_is_emfile)
{
	__u32 call;

	self->fd = open_limited(_metadata, 4);
	ended_calls(_metadata, self->fd, &L0, 4, NULL);
	ASSERT_EQ(-EMFILE, mls_dial(self->fd, L0.id, NUMBER, 0, &call));
	ASSERT_EQ(4, mls_call_count(self->fd));
}

TEST_F(lim, emfile_dial_leaves_line_untouched)
{
	struct modemline_line_info li;
	__u32 call;

	self->fd = open_limited(_metadata, 4);
	ended_calls(_metadata, self->fd, &L0, 4, NULL);
	ASSERT_EQ(-EMFILE, mls_dial(self->fd, L1.id, NUMBER, 0, &call));
	ASSERT_EQ(0, mls_line_info(self->fd, L1.id, &li));
	ASSERT_EQ(0U, li.flags);
	ASSERT_EQ(0ULL, li.calls);
}

TEST_F(lim, deallocate_makes_room)
{
	struct modemline_event ev;
	__u32 calls[4], call;

	self->fd = open_limited(_metadata, 4);
	ended_calls(_metadata, self->fd, &L0, 4, calls);
	ASSERT_EQ(-EMFILE, mls_dial(self->fd, L0.id, NUMBER, 0, &call));
	ASSERT_EQ(0, mls_deallocate(self->fd, calls[2], 0));
	call = dial_wait(_metadata, self->fd, L0.id, NUMBER,
			 MODEMLINE_STATE_DISCONNECTED, &ev);
	ASSERT_EQ(4, mls_call_count(self->fd));
	ASSERT_EQ(-EMFILE, mls_dial(self->fd, L0.id, NUMBER, 0, &call));
}

TEST_F(lim, live_calls_count_toward_max_calls)
{
	struct modemline_event ev;
	__u32 call;

	self->fd = open_limited(_metadata, 4);
	ended_calls(_metadata, self->fd, &L0, 3, NULL);
	dial_wait(_metadata, self->fd, L1.id, NUMBER,
		  MODEMLINE_STATE_CONNECTED, &ev);
	ASSERT_EQ(-EMFILE, mls_dial(self->fd, L0.id, NUMBER, 0, &call));
}

TEST_F(lim, deallocate_drop_of_live_call_makes_room)
{
	struct modemline_event ev;
	__u32 live, call;

	self->fd = open_limited(_metadata, 4);
	ended_calls(_metadata, self->fd, &L0, 3, NULL);
	live = dial_wait(_metadata, self->fd, L1.id, NUMBER,
			 MODEMLINE_STATE_CONNECTED, &ev);
	ASSERT_EQ(-EMFILE, mls_dial(self->fd, L0.id, NUMBER, 0, &call));
	ASSERT_EQ(0, mls_deallocate(self->fd, live, MODEMLINE_DEALLOCATE_DROP));
	dial_wait(_metadata, self->fd, L0.id, NUMBER,
		  MODEMLINE_STATE_DISCONNECTED, &ev);
}

TEST_F(lim, answer_over_max_calls_is_emfile)
{
	struct modemline_line_info li;
	struct modemline_event ev;
	__u32 call;

	self->fd = open_limited(_metadata, 4);
	ended_calls(_metadata, self->fd, &L0, 4, NULL);
	ring_offer(_metadata, self->fd, &L1, CALLER_ID, &ev);
	ASSERT_EQ(-EMFILE, mls_answer(self->fd, L1.id, &call));
	ASSERT_EQ(4, mls_call_count(self->fd));
	/* The offer is still there for someone else. */
	ASSERT_EQ(0, mls_line_info(self->fd, L1.id, &li));
	ASSERT_EQ(U32(MODEMLINE_LINE_OFFERING), li.flags);
}

TEST_F(lim, max_calls_is_per_file)
{
	__u32 call;
	int fd2;

	self->fd = open_limited(_metadata, 2);
	ML_OPEN(fd2, 0);
	ended_calls(_metadata, self->fd, &L0, 2, NULL);
	ended_calls(_metadata, fd2, &L0, 2, NULL);
	ASSERT_EQ(-EMFILE, mls_dial(self->fd, L1.id, NUMBER, 0, &call));
	ASSERT_EQ(-EMFILE, mls_dial(fd2, L1.id, NUMBER, 0, &call));
	ASSERT_EQ(2, mls_call_count(self->fd));
	ASSERT_EQ(2, mls_call_count(fd2));
}

TEST_F(lim, max_calls_is_read_at_open)
{
	__u32 call;
	int fd2;

	self->fd = open_limited(_metadata, 4);
	ASSERT_EQ(0, mls_param_set("max_calls", 2));
	ML_OPEN(fd2, 0);
	/* The first file keeps its 4, the new one has 2. */
	ended_calls(_metadata, self->fd, &L0, 4, NULL);
	ASSERT_EQ(-EMFILE, mls_dial(self->fd, L0.id, NUMBER, 0, &call));
	ended_calls(_metadata, fd2, &L0, 2, NULL);
	ASSERT_EQ(-EMFILE, mls_dial(fd2, L0.id, NUMBER, 0, &call));
}

TEST_F(lim, max_calls_one)
{
	struct modemline_event ev;
	__u32 call;

	self->fd = open_limited(_metadata, 1);
	call = dial_wait(_metadata, self->fd, L0.id, NUMBER,
			 MODEMLINE_STATE_CONNECTED, &ev);
	ASSERT_EQ(-EMFILE, mls_dial(self->fd, L1.id, NUMBER, 0, &call));
	ASSERT_EQ(0, mls_drop(self->fd, call, MODEMLINE_DROP_WAIT));
	ASSERT_EQ(-EMFILE, mls_dial(self->fd, L1.id, NUMBER, 0, &call))
		TH_LOG("an ended, retained call still counts");
}

TEST_F(lim, max_events_is_read_at_open)
{
	struct modemline_event ev;
	int i;

	ASSERT_EQ(0, mls_param_set("max_events", 256));
	ML_OPEN(self->fd, 0);
	/* Lowering it now does not affect the open file: 5 events fit. */
	ASSERT_EQ(0, mls_param_set("max_events", 2));
	ASSERT_EQ(0, sim_ctl(&L0, "dial busy 0"));
	for (i = 0; i < 5; i++) {
		struct modemline_call_info ci;
		__u32 call = 0;

		ASSERT_EQ(0, mls_dial(self->fd, L0.id, NUMBER, 0, &call));
		ASSERT_EQ(0, mls_wait_info_state(self->fd, call,
						 MODEMLINE_STATE_DISCONNECTED,
						&ci, ML_WAIT_MS));
	}
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
		ASSERT_EQ(U32(MODEMLINE_EVENT_CALL_STATE), ev.type);
		ASSERT_EQ((__u64)i + 1, ev.seq);
	}
	ASSERT_EQ(-ETIMEDOUT, mls_read_event(self->fd, &ev, 0));
}

TEST_F(lim, small_max_events_overflows)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	int i;

	ASSERT_EQ(0, mls_param_set("max_events", 2));
	ML_OPEN(self->fd, 0);
	ASSERT_EQ(0, sim_ctl(&L0, "dial busy 0"));
	for (i = 0; i < 5; i++) {
		__u32 call = 0;

		ASSERT_EQ(0, mls_dial(self->fd, L0.id, NUMBER, 0, &call));
		ASSERT_EQ(0, mls_wait_info_state(self->fd, call,
						 MODEMLINE_STATE_DISCONNECTED,
						&ci, ML_WAIT_MS));
	}
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	ASSERT_EQ(U32(MODEMLINE_EVENT_OVERFLOW), ev.type);
	ASSERT_EQ(3U, ev.lost);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * Call handles belong to the open file: a second file can neither see nor
 * act on the first file's calls, gets none of their events, and has its
 * own handle space and sequence numbers. A forked child or a dup()ed
 * descriptor shares the file, and with it the handles.
 */
#include "ml_test.h"

#include <sys/wait.h>

#define NUMBER		"5551234"
#define CALLER_ID	"0301234567"

FIXTURE(iso) {
	int a, b;		/* two files */
	struct sim_line line[2];
	__u32 call;		/* A's connected call on L0 */
};

FIXTURE_SETUP(iso)
{
	ML_OPEN(self->a, 0);
	ML_OPEN(self->b, 0);
	SIM_CREATE_LINES(self->line, 2);
}

FIXTURE_TEARDOWN_PARENT(iso)
{
	sim_lines_remove(self->line, 2);
}

#define L0 (self->line[0])
#define L1 (self->line[1])

/* File @a connects a call on @line; returns its handle. */
static __u32 a_connects(struct __test_metadata *_metadata, int a,
			const struct sim_line *line)
{
	struct modemline_event ev;

	return dial_wait(_metadata, a, line->id, NUMBER,
			 MODEMLINE_STATE_CONNECTED, &ev);
}

/* A's @call is still there, connected, untouched. */
static void a_call_intact(struct __test_metadata *_metadata, int a,
			  __u32 call)
{
	struct modemline_call_info ci;

	ASSERT_EQ(0, mls_call_info(a, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_CONNECTED), ci.state);
	ASSERT_EQ(0U, ci.origin);
	ASSERT_EQ(1, mls_call_listed(a, call));
}

TEST_F(iso, other_file_call_info_is_enoent)
{
	struct modemline_call_info ci;

	self->call = a_connects(_metadata, self->a, &L0);
	ASSERT_EQ(-ENOENT, mls_call_info(self->b, self->call, &ci));
}

TEST_F(iso, other_file_drop_is_enoent)
{
	self->call = a_connects(_metadata, self->a, &L0);
	ASSERT_EQ(-ENOENT, mls_drop(self->b, self->call, 0));
	ASSERT_EQ(-ENOENT, mls_drop(self->b, self->call, MODEMLINE_DROP_WAIT));
	a_call_intact(_metadata, self->a, self->call);
}

TEST_F(iso, other_file_deallocate_is_enoent)
{
	self->call = a_connects(_metadata, self->a, &L0);
	ASSERT_EQ(-ENOENT, mls_deallocate(self->b, self->call, 0));
	ASSERT_EQ(-ENOENT, mls_deallocate(self->b, self->call,
					  MODEMLINE_DEALLOCATE_DROP));
	a_call_intact(_metadata, self->a, self->call);
}

TEST_F(iso, other_file_deallocate_of_ended_call_is_enoent)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	SIM_CTL(&L0, "dial busy 0");
	call = dial_wait(_metadata, self->a, L0.id, NUMBER,
			 MODEMLINE_STATE_DISCONNECTED, &ev);
	ASSERT_EQ(-ENOENT, mls_deallocate(self->b, call, 0));
	ASSERT_EQ(0, mls_call_info(self->a, call, &ci));
}

TEST_F(iso, other_file_call_list_is_empty)
{
	__u32 ids[4], count = 99;

	self->call = a_connects(_metadata, self->a, &L0);
	memset(ids, ML_POISON, sizeof(ids));
	ASSERT_EQ(0, mls_call_list(self->b, ids, 4, &count));
	ASSERT_EQ(0U, count);
	ASSERT_EQ(0xAAAAAAAAU, ids[0]);
}

TEST_F(iso, other_file_gets_no_call_events)
{
	struct modemline_event ev;
	__u32 marker = 0;

	/* Even subscribed to the line, B hears nothing of A's call. */
	ASSERT_EQ(0, mls_subscribe(self->b, L0.id));
	self->call = a_connects(_metadata, self->a, &L0);
	ASSERT_EQ(0, mls_drop(self->a, self->call, MODEMLINE_DROP_WAIT));
	SIM_CTL(&L1, "dial busy 0");
	ASSERT_EQ(0, mls_dial(self->b, L1.id, NUMBER, 0, &marker));
	ASSERT_EQ(0, mls_read_event(self->b, &ev, ML_WAIT_MS));
	check_state_event(_metadata, &ev, L1.id, marker,
			  MODEMLINE_STATE_DISCONNECTED,
			  MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_BUSY, 0);
}

TEST_F(iso, other_file_cannot_dial_busy_line)
{
	__u32 call;

	self->call = a_connects(_metadata, self->a, &L0);
	ASSERT_EQ(-EBUSY, mls_dial(self->b, L0.id, NUMBER, 0, &call));
	ASSERT_EQ(0, mls_call_count(self->b));
	a_call_intact(_metadata, self->a, self->call);
}

TEST_F(iso, each_file_resolves_handles_in_its_own_table)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 b_call;

	self->call = a_connects(_metadata, self->a, &L0);
	b_call = dial_wait(_metadata, self->b, L1.id, NUMBER,
			   MODEMLINE_STATE_CONNECTED, &ev);
	/* The values may well be equal; each names its own file's call. */
	ASSERT_EQ(0, mls_call_info(self->a, self->call, &ci));
	ASSERT_EQ(L0.id, ci.line_id);
	ASSERT_EQ(0, mls_call_info(self->b, b_call, &ci));
	ASSERT_EQ(L1.id, ci.line_id);
	if (b_call != self->call) {
		ASSERT_EQ(-ENOENT, mls_call_info(self->a, b_call, &ci));
		ASSERT_EQ(-ENOENT, mls_call_info(self->b, self->call, &ci));
	}
}

TEST_F(iso, deallocate_in_one_file_leaves_other_files_call)
{
	struct modemline_event ev;
	__u32 b_call;

	self->call = a_connects(_metadata, self->a, &L0);
	SIM_CTL(&L1, "dial busy 0");
	b_call = dial_wait(_metadata, self->b, L1.id, NUMBER,
			   MODEMLINE_STATE_DISCONNECTED, &ev);
	ASSERT_EQ(0, mls_deallocate(self->b, b_call, 0));
	a_call_intact(_metadata, self->a, self->call);
}

TEST_F(iso, seq_numbers_are_per_file)
{
	struct modemline_event ev;

	self->call = a_connects(_metadata, self->a, &L0);
	dial_wait(_metadata, self->b, L1.id, NUMBER,
		  MODEMLINE_STATE_CONNECTED, &ev);
	ASSERT_EQ(1ULL, ev.seq);
}

TEST_F(iso, both_files_see_all_lines)
{
	struct modemline_line_info li;

	ASSERT_EQ(0, mls_line_info(self->a, L0.id, &li));
	ASSERT_EQ(0, mls_line_info(self->b, L0.id, &li));
	self->call = a_connects(_metadata, self->a, &L0);
	/* Line state is global: B sees the line busy. */
	ASSERT_EQ(0, mls_line_info(self->b, L0.id, &li));
	ASSERT_EQ(U32(MODEMLINE_LINE_BUSY), li.flags);
}

TEST_F(iso, subscription_is_per_file)
{
	struct modemline_event ev;
	__u32 marker = 0;

	ring_offer(_metadata, self->a, &L1, CALLER_ID, &ev);
	SIM_CTL(&L0, "dial busy 0");
	ASSERT_EQ(0, mls_dial(self->b, L0.id, NUMBER, 0, &marker));
	ASSERT_EQ(0, mls_read_event(self->b, &ev, ML_WAIT_MS));
	check_state_event(_metadata, &ev, L0.id, marker,
			  MODEMLINE_STATE_DISCONNECTED,
			  MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_BUSY, 0);
}

TEST_F(iso, every_subscriber_gets_the_offer)
{
	struct modemline_event ev;

	ASSERT_EQ(0, mls_subscribe(self->b, L1.id));
	ring_offer(_metadata, self->a, &L1, CALLER_ID, &ev);
	ASSERT_EQ(0, mls_wait_event(self->b, MODEMLINE_EVENT_CALL_OFFERED,
				    L1.id, &ev, ML_WAIT_MS));
	check_line_event(_metadata, &ev, MODEMLINE_EVENT_CALL_OFFERED, L1.id,
			 0, CALLER_ID);
}

TEST_F(iso, offer_answered_once)
{
	struct modemline_event ev;
	__u32 call;
	int ret;

	ASSERT_EQ(0, mls_subscribe(self->b, L1.id));
	ring_offer(_metadata, self->a, &L1, CALLER_ID, &ev);
	ASSERT_EQ(0, mls_answer(self->a, L1.id, &call));
	/* Taken: the line is busy, and it offers nothing any more. */
	ret = mls_answer(self->b, L1.id, &call);
	ASSERT_TRUE(ret == -EBUSY || ret == -ESRCH) TH_LOG("ANSWER: %d", ret);
	ASSERT_EQ(0, mls_call_count(self->b));
}

TEST_F(iso, closing_one_file_leaves_other_files_calls)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 b_call;

	self->call = a_connects(_metadata, self->a, &L0);
	b_call = dial_wait(_metadata, self->b, L1.id, NUMBER,
			   MODEMLINE_STATE_CONNECTED, &ev);
	ASSERT_EQ(0, close(self->a));
	ASSERT_EQ(0, mls_wait_line_idle(self->b, L0.id, ML_WAIT_MS));
	ASSERT_EQ(0, mls_call_info(self->b, b_call, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_CONNECTED), ci.state);
	ASSERT_EQ(1, mls_call_count(self->b));
	/* And B gets no event about A's call going away. */
	ASSERT_EQ(-ETIMEDOUT, mls_read_event(self->b, &ev, 0));
}

TEST_F(iso, forked_child_shares_the_file)
{
	int status;
	pid_t pid;

	self->call = a_connects(_metadata, self->a, &L0);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct modemline_call_info ci;
		int fd;

		/* Same open file: the handle works. */
		if (mls_call_info(self->a, self->call, &ci) ||
		    ci.state != MODEMLINE_STATE_CONNECTED)
			_exit(1);
		/* A file the child opens itself does not have it. */
		fd = mls_open(0);
		if (fd < 0 || mls_call_info(fd, self->call, &ci) != -ENOENT)
			_exit(2);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* The child's exit closed only its reference: the call lives on. */
	a_call_intact(_metadata, self->a, self->call);
}

TEST_F(iso, dup_shares_handles_and_close_of_dup_keeps_them)
{
	struct modemline_call_info ci;
	int fd;

	self->call = a_connects(_metadata, self->a, &L0);
	fd = dup(self->a);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, mls_call_info(fd, self->call, &ci));
	ASSERT_EQ(0, close(fd));
	a_call_intact(_metadata, self->a, self->call);
}

TEST_HARNESS_MAIN

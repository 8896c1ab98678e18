// SPDX-License-Identifier: GPL-2.0
/*
 * The event queue: read() semantics (whole records, -EINVAL for a short
 * buffer, -EAGAIN with O_NONBLOCK, blocking), poll()/epoll readiness,
 * sequence numbers and timestamps, line events, and overflow with its
 * OVERFLOW record.
 */
#include "ml_test.h"

#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/epoll.h>

#define NUMBER		"5551234"
#define CALLER_ID	"0301234567"
#define REC		sizeof(struct modemline_event)

FIXTURE(ev) {
	int fd;
	struct sim_line line[2];
};

FIXTURE_SETUP(ev)
{
	ML_OPEN(self->fd, 0);
	SIM_CREATE_LINES(self->line, 2);
}

FIXTURE_TEARDOWN_PARENT(ev)
{
	sim_lines_remove(self->line, 2);
}

#define L0 (self->line[0])
#define L1 (self->line[1])

/*
 * Make one call that fails at once (one CALL_STATE event, DISCONNECTED),
 * without reading events: wait for the state through CALL_INFO. The
 * event is queued when the state changes.
 */
static __u32 one_event(struct __test_metadata *_metadata, int fd,
		       const struct sim_line *line)
{
	struct modemline_call_info ci;
	__u32 call = 0;
	int ret;

	ASSERT_EQ(0, sim_ctl(line, "dial busy 0"));
	ret = mls_dial(fd, line->id, NUMBER, 0, &call);
	ASSERT_EQ(0, ret) TH_LOG("DIAL: %s", strerror(-ret));
	ret = mls_wait_info_state(fd, call, MODEMLINE_STATE_DISCONNECTED, &ci,
				  ML_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("call %u never ended: %s", call,
				 strerror(-ret));
	return call;
}

static void check_busy_event(struct __test_metadata *_metadata,
			     const struct modemline_event *ev, __u32 line,
			     __u32 call)
{
	check_state_event(_metadata, ev, line, call,
			  MODEMLINE_STATE_DISCONNECTED,
			  MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_BUSY, 0);
}

/* -- read() --------------------------------------------------------- */

TEST_F(ev, nonblocking_read_of_empty_queue_is_eagain)
{
	struct modemline_event ev;
	int fd;

	ML_OPEN(fd, O_NONBLOCK);
	ASSERT_EQ(-1, read(fd, &ev, sizeof(ev)));
	ASSERT_EQ(EAGAIN, errno);
	/* Also when switched on later with fcntl(). */
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	ASSERT_EQ(-1, read(self->fd, &ev, sizeof(ev)));
	ASSERT_EQ(EAGAIN, errno);
}

TEST_F(ev, nonblocking_read_after_last_event_is_eagain)
{
	struct modemline_event ev;

	one_event(_metadata, self->fd, &L0);
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	ASSERT_EQ((ssize_t)REC, read(self->fd, &ev, sizeof(ev)));
	ASSERT_EQ(-1, read(self->fd, &ev, sizeof(ev)));
	ASSERT_EQ(EAGAIN, errno);
}

TEST_F(ev, read_smaller_than_a_record_is_einval)
{
	struct modemline_event ev;
	__u32 call;

	call = one_event(_metadata, self->fd, &L0);
	ASSERT_EQ(1, mls_poll_in(self->fd, ML_WAIT_MS));
	ASSERT_EQ(-1, read(self->fd, &ev, REC - 1));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-1, read(self->fd, &ev, 1));
	ASSERT_EQ(EINVAL, errno);
	/* The record is still there, whole. */
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, 0));
	check_busy_event(_metadata, &ev, L0.id, call);
	ASSERT_EQ(1ULL, ev.seq);
}

TEST_F(ev, read_smaller_than_a_record_on_empty_queue_fails)
{
	struct modemline_event ev;

	/* -EINVAL (size checked first) or -EAGAIN; never a partial record. */
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	ASSERT_EQ(-1, read(self->fd, &ev, REC - 1));
	ASSERT_TRUE(errno == EINVAL || errno == EAGAIN)
		TH_LOG("errno %d", errno);
}

TEST_F(ev, read_returns_all_queued_records_that_fit)
{
	struct modemline_event evs[8];
	__u32 calls[3];
	int i;

	for (i = 0; i < 3; i++)
		calls[i] = one_event(_metadata, self->fd, &L0);
	memset(evs, ML_POISON, sizeof(evs));
	ASSERT_EQ((ssize_t)(3 * REC), read(self->fd, evs, sizeof(evs)));
	for (i = 0; i < 3; i++) {
		check_busy_event(_metadata, &evs[i], L0.id, calls[i]);
		ASSERT_EQ((__u64)i + 1, evs[i].seq);
	}
	/* Bytes past the records are untouched. */
	ASSERT_EQ(0xAAU, ((unsigned char *)&evs[3])[0]);
}

TEST_F(ev, read_returns_only_whole_records)
{
	struct modemline_event evs[3];
	__u32 calls[3];
	int i;

	for (i = 0; i < 3; i++)
		calls[i] = one_event(_metadata, self->fd, &L0);
	/* Room for two and a half records: two come back. */
	memset(evs, ML_POISON, sizeof(evs));
	ASSERT_EQ((ssize_t)(2 * REC), read(self->fd, evs, 2 * REC + REC / 2));
	check_busy_event(_metadata, &evs[0], L0.id, calls[0]);
	check_busy_event(_metadata, &evs[1], L0.id, calls[1]);
	ASSERT_EQ(0xAAU, ((unsigned char *)&evs[2])[0])
		TH_LOG("part of a third record was written");
	/* The third one is next. */
	ASSERT_EQ((ssize_t)REC, read(self->fd, evs, 2 * REC - 1));
	check_busy_event(_metadata, &evs[0], L0.id, calls[2]);
	ASSERT_EQ(3ULL, evs[0].seq);
}

struct trigger {
	const struct sim_line *line;
	int delay_ms;
	int ret;
};

/* After a while, make the (subscribed) line ring. */
static void *ring_later(void *arg)
{
	struct trigger *t = arg;

	usleep(t->delay_ms * 1000);
	t->ret = sim_ctl(t->line, "ring %s", CALLER_ID);
	return NULL;
}

TEST_F(ev, blocking_read_waits_for_event)
{
	struct trigger t = { .line = &L0, .delay_ms = 200 };
	struct modemline_event ev;
	pthread_t th;

	ASSERT_EQ(0, mls_subscribe(self->fd, L0.id));
	ASSERT_EQ(0, pthread_create(&th, NULL, ring_later, &t));
	memset(&ev, ML_POISON, sizeof(ev));
	ASSERT_EQ((ssize_t)REC, read(self->fd, &ev, sizeof(ev)));
	pthread_join(th, NULL);
	ASSERT_EQ(0, t.ret);
	check_line_event(_metadata, &ev, MODEMLINE_EVENT_CALL_OFFERED, L0.id,
			 0, CALLER_ID);
}

/* Issue 20.4: a waiting reader does not make a non-blocking one wait. */
TEST_F(ev, nonblocking_read_beside_a_blocked_reader_is_eagain)
{
	struct io_thread waiter, try;
	int ret;

	ASSERT_EQ(0, mls_subscribe(self->fd, L0.id));
	ASSERT_EQ(0, io_thread_start(&waiter, self->fd, false, REC));
	ret = try_nonblock_beside(_metadata, self->fd, false, REC, &waiter, &try);
	/* An event for the waiter, which lets a stuck try go too. */
	ASSERT_EQ(0, sim_ctl(&L0, "ring " CALLER_ID));
	io_thread_join(&waiter);
	io_thread_join(&try);
	EXPECT_PROMPT_EAGAIN(ret, try);
	EXPECT_EQ((ssize_t)REC, waiter.ret);
}

/* -- poll() --------------------------------------------------------- */

TEST_F(ev, poll_empty_queue_is_not_readable)
{
	struct pollfd p = { .fd = self->fd, .events = POLLIN };

	ASSERT_EQ(0, poll(&p, 1, 0));
	ASSERT_EQ(0, p.revents);
}

TEST_F(ev, poll_readable_while_records_queued)
{
	struct pollfd p = { .fd = self->fd, .events = POLLIN | POLLRDNORM };
	struct modemline_event ev;

	one_event(_metadata, self->fd, &L0);
	one_event(_metadata, self->fd, &L0);
	ASSERT_EQ(1, poll(&p, 1, 0));
	ASSERT_TRUE(p.revents & POLLIN);
	ASSERT_FALSE(p.revents & (POLLERR | POLLHUP | POLLNVAL));
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, 0));
	ASSERT_EQ(1, poll(&p, 1, 0)) TH_LOG("one record left");
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, 0));
	ASSERT_EQ(0, poll(&p, 1, 0)) TH_LOG("queue empty");
}

TEST_F(ev, poll_wakes_when_event_arrives)
{
	struct trigger t = { .line = &L0, .delay_ms = 200 };
	struct pollfd p = { .fd = self->fd, .events = POLLIN };
	pthread_t th;
	int ret;

	ASSERT_EQ(0, mls_subscribe(self->fd, L0.id));
	ASSERT_EQ(0, pthread_create(&th, NULL, ring_later, &t));
	ret = poll(&p, 1, ML_WAIT_MS);
	pthread_join(th, NULL);
	ASSERT_EQ(0, t.ret);
	ASSERT_EQ(1, ret);
	ASSERT_TRUE(p.revents & POLLIN);
}

TEST_F(ev, epoll_wakes_when_event_arrives)
{
	struct trigger t = { .line = &L0, .delay_ms = 200 };
	struct epoll_event ee = { .events = EPOLLIN }, out;
	pthread_t th;
	int ep, ret;

	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->fd, &ee));
	ASSERT_EQ(0, epoll_wait(ep, &out, 1, 0));
	ASSERT_EQ(0, mls_subscribe(self->fd, L0.id));
	ASSERT_EQ(0, pthread_create(&th, NULL, ring_later, &t));
	ret = epoll_wait(ep, &out, 1, ML_WAIT_MS);
	pthread_join(th, NULL);
	ASSERT_EQ(0, t.ret);
	ASSERT_EQ(1, ret);
	ASSERT_NE(0U, out.events & (__u32)EPOLLIN);
	close(ep);
}

TEST_F(ev, epoll_edge_triggered_reports_each_new_event)
{
	struct epoll_event ee = { .events = EPOLLIN | EPOLLET }, out;
	int ep;

	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->fd, &ee));
	one_event(_metadata, self->fd, &L0);
	ASSERT_EQ(1, epoll_wait(ep, &out, 1, ML_WAIT_MS));
	ASSERT_EQ(0, epoll_wait(ep, &out, 1, 0)) TH_LOG("edge reported twice");
	one_event(_metadata, self->fd, &L0);
	ASSERT_EQ(1, epoll_wait(ep, &out, 1, ML_WAIT_MS))
		TH_LOG("a new event did not wake epoll");
	close(ep);
}

/* -- records -------------------------------------------------------- */

TEST_F(ev, seq_starts_at_one_without_gaps)
{
	struct modemline_event ev;
	__u32 call;
	int i;

	call = dial_wait(_metadata, self->fd, L0.id, NUMBER,
			 MODEMLINE_STATE_CONNECTED, &ev);
	ASSERT_EQ(1ULL, ev.seq);
	ASSERT_EQ(0, mls_drop(self->fd, call, 0));
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	ASSERT_EQ(2ULL, ev.seq);
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	ASSERT_EQ(3ULL, ev.seq);
	for (i = 0; i < 5; i++) {
		one_event(_metadata, self->fd, &L1);
		ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
		ASSERT_EQ((__u64)i + 4, ev.seq);
	}
}

TEST_F(ev, timestamps_are_boottime_and_ordered)
{
	struct modemline_event ev[3];
	__u64 before, after;
	__u32 call;
	int i;

	before = mls_now_ns();
	call = dial_wait(_metadata, self->fd, L0.id, NUMBER,
			 MODEMLINE_STATE_CONNECTED, &ev[0]);
	ASSERT_EQ(0, mls_drop(self->fd, call, 0));
	ASSERT_EQ(0, mls_read_event(self->fd, &ev[1], ML_WAIT_MS));
	ASSERT_EQ(0, mls_read_event(self->fd, &ev[2], ML_WAIT_MS));
	after = mls_now_ns();
	/* Each within [before, after], and none before the one before it. */
	ASSERT_LE(before, ev[0].timestamp_ns);
	ASSERT_LE(ev[0].timestamp_ns, after);
	for (i = 1; i < 3; i++) {
		ASSERT_LE(before, ev[i].timestamp_ns);
		ASSERT_LE(ev[i].timestamp_ns, after);
		ASSERT_LE(ev[i - 1].timestamp_ns, ev[i].timestamp_ns);
	}
}

TEST_F(ev, first_event_of_a_call_is_its_first_transition)
{
	struct modemline_event ev;
	__u32 call = 0;

	/* DIALING is where a call starts, not an event. */
	ASSERT_EQ(0, mls_dial(self->fd, L0.id, NUMBER, 0, &call));
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	check_state_event(_metadata, &ev, L0.id, call,
			  MODEMLINE_STATE_CONNECTED, 0, 0, 33600);
}

TEST_F(ev, no_answering_event)
{
	struct modemline_event ev;
	__u32 call = 0;

	ring_offer(_metadata, self->fd, &L0, CALLER_ID, &ev);
	ASSERT_EQ(0, mls_answer(self->fd, L0.id, &call));
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	check_state_event(_metadata, &ev, L0.id, call,
			  MODEMLINE_STATE_CONNECTED, 0, 0, 33600);
}

TEST_F(ev, call_offered_fills_every_byte)
{
	struct modemline_event ev;

	/* mls_read_event() fills the record with 0xAA first. */
	ring_offer(_metadata, self->fd, &L0, "12", &ev);
	check_line_event(_metadata, &ev, MODEMLINE_EVENT_CALL_OFFERED, L0.id,
			 0, "12");
}

/* Queue a CALL_STATE event on @line: everything queued before it is in. */
static __u32 marker(struct __test_metadata *_metadata, int fd,
		    const struct sim_line *line)
{
	__u32 call = 0;

	ASSERT_EQ(0, sim_ctl(line, "dial busy 0"));
	ASSERT_EQ(0, mls_dial(fd, line->id, NUMBER, 0, &call));
	return call;
}

TEST_F(ev, call_offered_again_when_caller_id_known)
{
	struct modemline_event ev;
	__u32 call;

	ring_offer(_metadata, self->fd, &L0, NULL, &ev);
	check_line_event(_metadata, &ev, MODEMLINE_EVENT_CALL_OFFERED, L0.id,
			 0, "");
	SIM_CTL(&L0, "ring %s", CALLER_ID);
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	check_line_event(_metadata, &ev, MODEMLINE_EVENT_CALL_OFFERED, L0.id,
			 0, CALLER_ID);
	/* Further rings with the same caller id add nothing. */
	SIM_CTL(&L0, "ring %s", CALLER_ID);
	call = marker(_metadata, self->fd, &L1);
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	check_busy_event(_metadata, &ev, L1.id, call);
}

TEST_F(ev, further_rings_add_no_event)
{
	struct modemline_event ev;
	__u32 call;

	ring_offer(_metadata, self->fd, &L0, CALLER_ID, &ev);
	SIM_CTL(&L0, "ring %s", CALLER_ID);
	SIM_CTL(&L0, "ring %s", CALLER_ID);
	call = marker(_metadata, self->fd, &L1);
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	check_busy_event(_metadata, &ev, L1.id, call);
}

TEST_F(ev, new_offer_after_ring_stop_is_reported)
{
	struct modemline_event ev;

	ring_offer(_metadata, self->fd, &L0, CALLER_ID, &ev);
	SIM_CTL(&L0, "ring_stop");
	SIM_CTL(&L0, "ring 999");
	ASSERT_EQ(0, mls_wait_event(self->fd, MODEMLINE_EVENT_CALL_OFFERED,
				    L0.id, &ev, ML_WAIT_MS));
	check_line_event(_metadata, &ev, MODEMLINE_EVENT_CALL_OFFERED, L0.id,
			 0, "999");
}

TEST_F(ev, no_line_events_without_subscription)
{
	struct modemline_event ev;
	__u32 call;

	SIM_CTL(&L0, "ring %s", CALLER_ID);
	call = marker(_metadata, self->fd, &L1);
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	check_busy_event(_metadata, &ev, L1.id, call);
}

TEST_F(ev, own_call_events_without_subscription)
{
	struct modemline_event ev;
	__u32 call;

	/* Not subscribed to anything, still told about its own calls. */
	SIM_CTL(&L0, "dial nocarrier 0");
	call = dial_wait(_metadata, self->fd, L0.id, NUMBER,
			 MODEMLINE_STATE_DISCONNECTED, &ev);
	check_state_event(_metadata, &ev, L0.id, call,
			  MODEMLINE_STATE_DISCONNECTED,
			  MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_NO_CARRIER,
			  0);
}

/* ------------------------------------------------------------------ */
/* Overflow: a small max_events, restored in the teardown.             */

FIXTURE(ovf) {
	int fd;
	struct sim_line line;
	struct mls_param_save max_events;
	__u32 calls[64];
};

FIXTURE_VARIANT(ovf) {
	int max;	/* max_events for the file */
	int extra;	/* events beyond it */
};

FIXTURE_VARIANT_ADD(ovf, max4) { .max = 4, .extra = 6 };
FIXTURE_VARIANT_ADD(ovf, max16) { .max = 16, .extra = 9 };

FIXTURE_SETUP(ovf)
{
	ASSERT_EQ(0, mls_param_save(&self->max_events, "max_events"));
	SIM_CREATE_LINES(&self->line, 1);
}

FIXTURE_TEARDOWN_PARENT(ovf)
{
	sim_line_remove(&self->line);
	EXPECT_EQ(0, mls_param_restore(&self->max_events));
}

/*
 * Open the file, *@fd, with max_events = @max, then queue @n events on
 * @line; their calls go to @calls (64 at most).
 */
static void ovf_fill(struct __test_metadata *_metadata, int max, int *fd,
		     const struct sim_line *line, __u32 *calls, int n)
{
	int i;

	ASSERT_EQ(0, mls_param_set("max_events", max));
	ML_OPEN(*fd, 0);
	ASSERT_GE(64, n);
	for (i = 0; i < n; i++)
		calls[i] = one_event(_metadata, *fd, line);
}

/*
 * Read @n events, each within ML_WAIT_MS; the last is left in @ev. The
 * overflow tests read past those they do not look at.
 */
static void read_events(struct __test_metadata *_metadata, int fd, int n,
			struct modemline_event *ev)
{
	int i, ret;

	for (i = 0; i < n; i++) {
		ret = mls_read_event(fd, ev, ML_WAIT_MS);
		ASSERT_EQ(0, ret) TH_LOG("event %d of %d: %s", i + 1, n,
					 strerror(-ret));
	}
}

static void check_overflow(struct __test_metadata *_metadata,
			   const struct modemline_event *ev, __u64 seq,
			   __u32 lost)
{
	ASSERT_EQ(U32(MODEMLINE_EVENT_OVERFLOW), ev->type);
	ASSERT_EQ(seq, ev->seq);
	ASSERT_EQ(lost, ev->lost);
	ASSERT_NE(0ULL, ev->timestamp_ns);
	ASSERT_EQ(0U, ev->line_id);
	ASSERT_EQ(0U, ev->call);
	ASSERT_EQ(0U, ev->state);
	ASSERT_EQ(0U, ev->origin);
	ASSERT_EQ(0U, ev->reason);
	ASSERT_EQ(0U, ev->rate);
	ASSERT_TRUE(mls_all_zero(ev->number, sizeof(ev->number)));
}

TEST_F(ovf, full_queue_keeps_oldest_events)
{
	struct modemline_event ev;
	int i;

	ovf_fill(_metadata, variant->max, &self->fd, &self->line, self->calls,
		 variant->max + variant->extra);
	for (i = 0; i < variant->max; i++) {
		ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
		check_busy_event(_metadata, &ev, self->line.id,
				 self->calls[i]);
		ASSERT_EQ((__u64)i + 1, ev.seq);
	}
}

TEST_F(ovf, overflow_record_counts_lost_events)
{
	struct modemline_event ev;

	ovf_fill(_metadata, variant->max, &self->fd, &self->line, self->calls,
		 variant->max + variant->extra);
	read_events(_metadata, self->fd, variant->max, &ev);
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS))
		TH_LOG("no OVERFLOW record");
	check_overflow(_metadata, &ev, (__u64)variant->max + 1,
		       (__u32)variant->extra);
	ASSERT_EQ(-ETIMEDOUT, mls_read_event(self->fd, &ev, 0))
		TH_LOG("more than one OVERFLOW record (type %u)", ev.type);
}

TEST_F(ovf, newer_events_follow_overflow_record)
{
	struct modemline_event ev;
	__u32 call;
	int i;

	ovf_fill(_metadata, variant->max, &self->fd, &self->line, self->calls,
		 variant->max + variant->extra);
	/* Make room for the OVERFLOW record and one new event. */
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	call = one_event(_metadata, self->fd, &self->line);
	for (i = 2; i < variant->max; i++) {
		ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
		check_busy_event(_metadata, &ev, self->line.id,
				 self->calls[i]);
		ASSERT_EQ((__u64)i + 1, ev.seq);
	}
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	check_overflow(_metadata, &ev, (__u64)variant->max + 1,
		       (__u32)variant->extra);
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	check_busy_event(_metadata, &ev, self->line.id, call);
	ASSERT_EQ((__u64)variant->max + 2, ev.seq);
}

TEST_F(ovf, lost_count_restarts_after_overflow_record)
{
	struct modemline_event ev;
	int i;

	ovf_fill(_metadata, variant->max, &self->fd, &self->line, self->calls,
		 variant->max + variant->extra);
	read_events(_metadata, self->fd, variant->max + 1, &ev);
	check_overflow(_metadata, &ev, (__u64)variant->max + 1,
		       (__u32)variant->extra);
	/* Overflow again, by 3. */
	for (i = 0; i < variant->max + 3; i++)
		self->calls[i] = one_event(_metadata, self->fd, &self->line);
	for (i = 0; i < variant->max; i++) {
		ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
		check_busy_event(_metadata, &ev, self->line.id,
				 self->calls[i]);
		ASSERT_EQ((__u64)variant->max + 2 + i, ev.seq);
	}
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	check_overflow(_metadata, &ev, 2ULL * variant->max + 2, 3);
}

TEST_F(ovf, exactly_full_queue_has_no_overflow_record)
{
	struct modemline_event ev;
	__u32 call;

	ovf_fill(_metadata, variant->max, &self->fd, &self->line, self->calls,
		 variant->max);
	read_events(_metadata, self->fd, variant->max, &ev);
	ASSERT_EQ(-ETIMEDOUT, mls_read_event(self->fd, &ev, 0))
		TH_LOG("unexpected record of type %u", ev.type);
	call = one_event(_metadata, self->fd, &self->line);
	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	check_busy_event(_metadata, &ev, self->line.id, call);
	ASSERT_EQ((__u64)variant->max + 1, ev.seq);
}

TEST_F(ovf, full_queue_is_readable)
{
	struct pollfd p;

	ovf_fill(_metadata, variant->max, &self->fd, &self->line, self->calls,
		 variant->max + variant->extra);
	p.fd = self->fd;
	p.events = POLLIN;
	p.revents = 0;
	ASSERT_EQ(1, poll(&p, 1, 0));
	ASSERT_TRUE(p.revents & POLLIN);
}

TEST_HARNESS_MAIN

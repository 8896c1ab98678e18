// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the per-file event queue. Records come out in the order they
 * went in, numbered from 1 without gaps; a full queue drops and counts new
 * records, and once there is room again a single OVERFLOW record with the
 * exact count is queued ahead of anything newer.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "modemline.h"

/* The largest queue core.c lets a file have (max_events is clamped to it). */
#define EVQ_MAX_CAP	65536

KUNIT_DEFINE_ACTION_WRAPPER(evq_destroy_action, modemline_evq_destroy,
			    struct modemline_evq *);

/* A queue of @cap records, destroyed when the test ends. */
static struct modemline_evq *evq_new(struct kunit *test, u32 cap)
{
	struct modemline_evq *q;

	q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_ASSERT_EQ(test, modemline_evq_init(q, cap), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, evq_destroy_action, q), 0);
	return q;
}

/* Queue a CALL_STATE record told apart from the others by @tag. */
static void evq_push_tag(struct modemline_evq *q, u32 tag)
{
	struct modemline_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = MODEMLINE_EVENT_CALL_STATE;
	ev.line_id = tag;
	ev.call = tag;
	modemline_evq_push(q, &ev);
}

/* Take the oldest record out, as read() does. */
static void evq_pop(struct kunit *test, struct modemline_evq *q,
		    struct modemline_event *ev)
{
	KUNIT_ASSERT_TRUE(test, modemline_evq_peek(q, ev));
	modemline_evq_consume(q);
}

/* Take the oldest record out and check it is the one tagged @tag. */
static void evq_expect_pop_tag(struct kunit *test, struct modemline_evq *q,
			       u32 tag, u64 seq)
{
	struct modemline_event ev;

	evq_pop(test, q, &ev);
	KUNIT_EXPECT_EQ(test, ev.type, (u32)MODEMLINE_EVENT_CALL_STATE);
	KUNIT_EXPECT_EQ(test, ev.line_id, tag);
	KUNIT_EXPECT_EQ(test, ev.seq, seq);
}

/* Take the oldest record out and check it is OVERFLOW for @lost records. */
static void evq_expect_pop_overflow(struct kunit *test,
				    struct modemline_evq *q, u32 lost, u64 seq)
{
	struct modemline_event ev;

	evq_pop(test, q, &ev);
	KUNIT_EXPECT_EQ(test, ev.type, (u32)MODEMLINE_EVENT_OVERFLOW);
	KUNIT_EXPECT_EQ(test, ev.lost, lost);
	KUNIT_EXPECT_EQ(test, ev.seq, seq);
}

static void evq_new_queue_is_empty_test(struct kunit *test)
{
	struct modemline_evq *q = evq_new(test, 4);

	KUNIT_EXPECT_TRUE(test, modemline_evq_empty(q));
}

static void evq_peek_empty_leaves_buffer_test(struct kunit *test)
{
	struct modemline_evq *q = evq_new(test, 4);
	struct modemline_event ev, orig;

	memset(&ev, 0xa5, sizeof(ev));
	orig = ev;
	KUNIT_EXPECT_FALSE(test, modemline_evq_peek(q, &ev));
	KUNIT_EXPECT_MEMEQ(test, &ev, &orig, sizeof(ev));
}

static void evq_push_makes_nonempty_test(struct kunit *test)
{
	struct modemline_evq *q = evq_new(test, 4);

	evq_push_tag(q, 1);
	KUNIT_EXPECT_FALSE(test, modemline_evq_empty(q));
}

static void evq_peek_does_not_consume_test(struct kunit *test)
{
	struct modemline_evq *q = evq_new(test, 4);
	struct modemline_event a, b;

	evq_push_tag(q, 7);
	KUNIT_ASSERT_TRUE(test, modemline_evq_peek(q, &a));
	KUNIT_ASSERT_TRUE(test, modemline_evq_peek(q, &b));
	KUNIT_EXPECT_MEMEQ(test, &a, &b, sizeof(a));
	KUNIT_EXPECT_FALSE(test, modemline_evq_empty(q));
}

static void evq_consume_last_empties_test(struct kunit *test)
{
	struct modemline_evq *q = evq_new(test, 4);
	struct modemline_event ev;

	evq_push_tag(q, 1);
	evq_pop(test, q, &ev);
	KUNIT_EXPECT_TRUE(test, modemline_evq_empty(q));
	KUNIT_EXPECT_FALSE(test, modemline_evq_peek(q, &ev));
}

static void evq_fifo_order_test(struct kunit *test)
{
	struct modemline_evq *q = evq_new(test, 8);
	u32 i;

	for (i = 1; i <= 5; i++)
		evq_push_tag(q, 100 + i);
	for (i = 1; i <= 5; i++)
		evq_expect_pop_tag(test, q, 100 + i, i);
	KUNIT_EXPECT_TRUE(test, modemline_evq_empty(q));
}

/* The queue numbers records itself; whatever seq the pusher left is replaced. */
static void evq_seq_from_one_ignores_caller_seq_test(struct kunit *test)
{
	struct modemline_evq *q = evq_new(test, 4);
	struct modemline_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.seq = 1000;
	ev.type = MODEMLINE_EVENT_LINE_ADDED;
	modemline_evq_push(q, &ev);
	modemline_evq_push(q, &ev);
	evq_pop(test, q, &ev);
	KUNIT_EXPECT_EQ(test, ev.seq, 1ULL);
	evq_pop(test, q, &ev);
	KUNIT_EXPECT_EQ(test, ev.seq, 2ULL);
}

static void evq_push_copies_every_field_test(struct kunit *test)
{
	struct modemline_evq *q = evq_new(test, 4);
	struct modemline_event in, out;

	memset(&in, 0, sizeof(in));
	in.timestamp_ns = 123456789ULL;
	in.type = MODEMLINE_EVENT_CALL_OFFERED;
	in.line_id = 3;
	in.call = 4;
	in.state = MODEMLINE_STATE_CONNECTED;
	in.origin = MODEMLINE_ORIGIN_REMOTE;
	in.reason = MODEMLINE_REASON_BUSY;
	in.lost = 9;
	in.rate = 33600;
	strscpy(in.number, "5551234", sizeof(in.number));
	modemline_evq_push(q, &in);
	/* The queue holds a copy: the pusher's buffer may be reused. */
	memset(in.number, 'x', sizeof(in.number) - 1);

	evq_pop(test, q, &out);
	KUNIT_EXPECT_EQ(test, out.seq, 1ULL);
	KUNIT_EXPECT_EQ(test, out.timestamp_ns, 123456789ULL);
	KUNIT_EXPECT_EQ(test, out.type, (u32)MODEMLINE_EVENT_CALL_OFFERED);
	KUNIT_EXPECT_EQ(test, out.line_id, 3U);
	KUNIT_EXPECT_EQ(test, out.call, 4U);
	KUNIT_EXPECT_EQ(test, out.state, (u32)MODEMLINE_STATE_CONNECTED);
	KUNIT_EXPECT_EQ(test, out.origin, (u32)MODEMLINE_ORIGIN_REMOTE);
	KUNIT_EXPECT_EQ(test, out.reason, (u32)MODEMLINE_REASON_BUSY);
	KUNIT_EXPECT_EQ(test, out.lost, 9U);
	KUNIT_EXPECT_EQ(test, out.rate, 33600U);
	KUNIT_EXPECT_STREQ(test, out.number, "5551234");
}

/* Pushing and consuming far more records than fit goes round the ring. */
static void evq_ring_wraps_in_order_test(struct kunit *test)
{
	struct modemline_evq *q = evq_new(test, 3);
	u32 round, tag = 0;
	u64 seq = 0;

	for (round = 0; round < 10; round++) {
		evq_push_tag(q, ++tag);
		evq_push_tag(q, ++tag);
		evq_expect_pop_tag(test, q, tag - 1, ++seq);
		evq_expect_pop_tag(test, q, tag, ++seq);
	}
	KUNIT_EXPECT_TRUE(test, modemline_evq_empty(q));
	KUNIT_EXPECT_EQ(test, q->lost, 0U);
}

static void evq_full_queue_holds_cap_records_test(struct kunit *test)
{
	struct modemline_evq *q = evq_new(test, 4);
	u32 i;

	for (i = 1; i <= 4; i++)
		evq_push_tag(q, i);
	KUNIT_EXPECT_EQ(test, q->count, 4U);
	KUNIT_EXPECT_EQ(test, q->lost, 0U);
	for (i = 1; i <= 4; i++)
		evq_expect_pop_tag(test, q, i, i);
	KUNIT_EXPECT_TRUE(test, modemline_evq_empty(q));
}

static void evq_full_queue_drops_and_counts_test(struct kunit *test)
{
	struct modemline_evq *q = evq_new(test, 4);
	u32 i;

	for (i = 1; i <= 7; i++)
		evq_push_tag(q, i);
	KUNIT_EXPECT_EQ(test, q->count, 4U);
	KUNIT_EXPECT_EQ(test, q->lost, 3U);
	/* Dropped records take no sequence number. */
	KUNIT_EXPECT_EQ(test, q->seq, 4ULL);
}

static void evq_full_queue_keeps_oldest_test(struct kunit *test)
{
	struct modemline_evq *q = evq_new(test, 4);
	struct modemline_event ev;
	u32 i;

	for (i = 1; i <= 7; i++)
		evq_push_tag(q, i);
	KUNIT_ASSERT_TRUE(test, modemline_evq_peek(q, &ev));
	KUNIT_EXPECT_EQ(test, ev.line_id, 1U);
	KUNIT_EXPECT_EQ(test, ev.seq, 1ULL);
}

/* Consuming makes room: the OVERFLOW record takes the slot at once. */
static void evq_overflow_queued_on_consume_test(struct kunit *test)
{
	struct modemline_evq *q = evq_new(test, 4);
	struct modemline_event ev;
	u32 i;

	for (i = 1; i <= 7; i++)
		evq_push_tag(q, i);
	evq_pop(test, q, &ev);
	KUNIT_EXPECT_EQ(test, q->count, 4U);
	KUNIT_EXPECT_EQ(test, q->lost, 0U);
	evq_expect_pop_tag(test, q, 2, 2);
	evq_expect_pop_tag(test, q, 3, 3);
	evq_expect_pop_tag(test, q, 4, 4);
	evq_expect_pop_overflow(test, q, 3, 5);
	KUNIT_EXPECT_TRUE(test, modemline_evq_empty(q));
}

static void evq_overflow_record_fields_test(struct kunit *test)
{
	struct modemline_evq *q = evq_new(test, 1);
	struct modemline_event ev, zero;

	evq_push_tag(q, 1);
	evq_push_tag(q, 2);
	evq_pop(test, q, &ev);
	evq_pop(test, q, &ev);
	KUNIT_EXPECT_EQ(test, ev.type, (u32)MODEMLINE_EVENT_OVERFLOW);
	KUNIT_EXPECT_EQ(test, ev.seq, 2ULL);
	KUNIT_EXPECT_EQ(test, ev.lost, 1U);
	KUNIT_EXPECT_NE(test, ev.timestamp_ns, 0ULL);
	/* Nothing of the dropped records leaks into it. */
	memset(&zero, 0, sizeof(zero));
	KUNIT_EXPECT_EQ(test, ev.line_id, 0U);
	KUNIT_EXPECT_EQ(test, ev.call, 0U);
	KUNIT_EXPECT_EQ(test, ev.state, 0U);
	KUNIT_EXPECT_EQ(test, ev.origin, 0U);
	KUNIT_EXPECT_EQ(test, ev.reason, 0U);
	KUNIT_EXPECT_EQ(test, ev.rate, 0U);
	KUNIT_EXPECT_MEMEQ(test, ev.number, zero.number, sizeof(ev.number));
}

static void evq_overflow_ahead_of_newer_events_test(struct kunit *test)
{
	struct modemline_evq *q = evq_new(test, 4);
	struct modemline_event ev;
	u32 i;

	for (i = 1; i <= 6; i++)
		evq_push_tag(q, i);
	evq_pop(test, q, &ev);
	evq_pop(test, q, &ev);
	evq_push_tag(q, 100);
	evq_expect_pop_tag(test, q, 3, 3);
	evq_expect_pop_tag(test, q, 4, 4);
	evq_expect_pop_overflow(test, q, 2, 5);
	evq_expect_pop_tag(test, q, 100, 6);
	KUNIT_EXPECT_TRUE(test, modemline_evq_empty(q));
}

/* Drops after an OVERFLOW record was queued are counted afresh. */
static void evq_overflow_count_restarts_test(struct kunit *test)
{
	struct modemline_evq *q = evq_new(test, 2);
	struct modemline_event ev;

	evq_push_tag(q, 1);
	evq_push_tag(q, 2);
	evq_push_tag(q, 3);		/* lost: 1 */
	evq_pop(test, q, &ev);		/* queue: 2, OVERFLOW(1) */
	evq_push_tag(q, 4);
	evq_push_tag(q, 5);		/* lost: 2 */
	evq_expect_pop_tag(test, q, 2, 2);	/* queue: OVERFLOW(1), OVERFLOW(2) */
	evq_expect_pop_overflow(test, q, 1, 3);
	evq_expect_pop_overflow(test, q, 2, 4);
	KUNIT_EXPECT_TRUE(test, modemline_evq_empty(q));
}

static void evq_overflow_cap_one_test(struct kunit *test)
{
	struct modemline_evq *q = evq_new(test, 1);

	evq_push_tag(q, 1);
	evq_push_tag(q, 2);
	evq_push_tag(q, 3);
	KUNIT_EXPECT_EQ(test, q->lost, 2U);
	evq_expect_pop_tag(test, q, 1, 1);
	/* The OVERFLOW record fills the only slot: the next push is lost. */
	evq_push_tag(q, 4);
	evq_expect_pop_overflow(test, q, 2, 2);
	evq_expect_pop_overflow(test, q, 1, 3);
	KUNIT_EXPECT_TRUE(test, modemline_evq_empty(q));
	evq_push_tag(q, 5);
	evq_expect_pop_tag(test, q, 5, 4);
}

/*
 * The largest queue does not fit kmalloc: the ring comes from vmalloc and
 * destroy must kvfree it (kmemleak checks the harness run for leaks).
 */
static void evq_max_cap_fills_and_frees_test(struct kunit *test)
{
	struct modemline_evq *q = evq_new(test, EVQ_MAX_CAP);
	u32 i;

	KUNIT_EXPECT_TRUE(test, is_vmalloc_addr(q->ring));
	for (i = 1; i <= EVQ_MAX_CAP + 1; i++)
		evq_push_tag(q, i);
	KUNIT_EXPECT_EQ(test, q->count, (u32)EVQ_MAX_CAP);
	KUNIT_EXPECT_EQ(test, q->lost, 1U);
	KUNIT_EXPECT_EQ(test, q->ring[(q->head + q->count - 1) % q->cap].line_id,
			(u32)EVQ_MAX_CAP);
}

static struct kunit_case evq_basic_test_cases[] = {
	KUNIT_CASE(evq_new_queue_is_empty_test),
	KUNIT_CASE(evq_peek_empty_leaves_buffer_test),
	KUNIT_CASE(evq_push_makes_nonempty_test),
	KUNIT_CASE(evq_peek_does_not_consume_test),
	KUNIT_CASE(evq_consume_last_empties_test),
	KUNIT_CASE(evq_fifo_order_test),
	KUNIT_CASE(evq_seq_from_one_ignores_caller_seq_test),
	KUNIT_CASE(evq_push_copies_every_field_test),
	KUNIT_CASE(evq_ring_wraps_in_order_test),
	{}
};

static struct kunit_suite evq_basic_test_suite = {
	.name = "modemline_event_queue",
	.test_cases = evq_basic_test_cases,
};

static struct kunit_case evq_overflow_test_cases[] = {
	KUNIT_CASE(evq_full_queue_holds_cap_records_test),
	KUNIT_CASE(evq_full_queue_drops_and_counts_test),
	KUNIT_CASE(evq_full_queue_keeps_oldest_test),
	KUNIT_CASE(evq_overflow_queued_on_consume_test),
	KUNIT_CASE(evq_overflow_record_fields_test),
	KUNIT_CASE(evq_overflow_ahead_of_newer_events_test),
	KUNIT_CASE(evq_overflow_count_restarts_test),
	KUNIT_CASE(evq_overflow_cap_one_test),
	KUNIT_CASE(evq_max_cap_fills_and_frees_test),
	{}
};

static struct kunit_suite evq_overflow_test_suite = {
	.name = "modemline_event_queue_overflow",
	.test_cases = evq_overflow_test_cases,
};

kunit_test_suites(&evq_basic_test_suite, &evq_overflow_test_suite);

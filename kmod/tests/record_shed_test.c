// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: what an ended call keeps (call.c, modemline_call_shed()). Once
 * the call has ended and its data stream is done with, only the record is
 * left: the live part goes, the texts move into one allocation of their
 * size, and CALL_INFO reads the same record as before. A waiter's
 * reference keeps the live part's queue after the call let go of it.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/string.h>
#include <linux/wait.h>

#include "rec_fixture.h"

/* A 47-byte caller id, 31-byte result and 63-byte cause: each at its limit. */
#define SHED_LONG_NUMBER	"+4930123456789012345678901234567890123456789012"
#define SHED_LONG_RESULT	"NO CARRIER 0123456789ABCDEFGHIJ"
#define SHED_LONG_CAUSE \
	"CC-CAUSE: Normal call clearing, 0123456789abcdefghijklmnopqrstu"

static_assert(sizeof(SHED_LONG_NUMBER) == MODEMLINE_NUMBER_LEN);
static_assert(sizeof(SHED_LONG_RESULT) == MODEMLINE_RESULT_LEN);
static_assert(sizeof(SHED_LONG_CAUSE) == MODEMLINE_CAUSE_LEN);

static bool shed_has_live(struct modemline_call *call)
{
	bool live;

	spin_lock(&call->line->lock);
	live = call->live;
	spin_unlock(&call->line->lock);
	return live;
}

static size_t shed_call_bytes(struct modemline_call *call)
{
	size_t bytes;

	spin_lock(&call->line->lock);
	bytes = modemline_call_bytes(call);
	spin_unlock(&call->line->lock);
	return bytes;
}

/* The record as CALL_INFO reads it, into a struct of stale bytes. */
static void shed_info(struct modemline_call *call,
		      struct modemline_call_info *info)
{
	/* As CALL_INFO hands it over: zeroed. */
	memset(info, 0, sizeof(*info));
	spin_lock(&call->line->lock);
	modemline_call_fill_info(call, info);
	spin_unlock(&call->line->lock);
}

/* A data file's hold on the call's live part (data.c's claim), or its end. */
static void shed_hold(struct modemline_call *call, bool hold)
{
	spin_lock(&call->line->lock);
	call->live->data_open = hold;
	if (!hold)
		modemline_data_call_ended(call);
	spin_unlock(&call->line->lock);
}

static void shed_ended_call_keeps_the_record_only_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);
	struct modemline_call_info before, after;

	/* A long cause replaced by a shorter one: stale bytes behind it. */
	modemline_line_cause(f->line, SHED_LONG_CAUSE);
	modemline_line_cause(f->line, "Normal call clearing");
	shed_hold(call, true);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NORMAL, "NO CARRIER");
	KUNIT_ASSERT_TRUE(test, shed_has_live(call));
	shed_info(call, &before);
	shed_hold(call, false);
	KUNIT_EXPECT_FALSE(test, shed_has_live(call));
	shed_info(call, &after);
	KUNIT_EXPECT_STREQ(test, after.number, REC_NUMBER);
	KUNIT_EXPECT_STREQ(test, after.result, "NO CARRIER");
	KUNIT_EXPECT_STREQ(test, after.cause, "Normal call clearing");
	KUNIT_EXPECT_EQ(test, after.rate, (u32)REC_RATE);
	/* Byte for byte what the live record gave, zero padding included. */
	KUNIT_EXPECT_MEMEQ(test, &before, &after, sizeof(before));
	/* Immutable now: CALL_INFO reads it without the line's lock. */
	KUNIT_ASSERT_TRUE(test, modemline_call_is_shed(call));
	memset(&after, 0, sizeof(after));
	modemline_call_fill_info(call, &after);
	KUNIT_EXPECT_MEMEQ(test, &before, &after, sizeof(before));
}

/* Texts that fill the uapi's fields survive the move whole. */
static void shed_texts_at_their_limits_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call_info info = {};
	struct modemline_call *call;

	modemline_line_offer(f->line, SHED_LONG_NUMBER);
	KUNIT_ASSERT_EQ(test, rec_start(test, MODEMLINE_DIR_INCOMING,
					REC_TIMEOUT_MS, &call), 0);
	modemline_line_cause(f->line, SHED_LONG_CAUSE);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NORMAL, SHED_LONG_RESULT);
	KUNIT_ASSERT_FALSE(test, shed_has_live(call));
	shed_info(call, &info);
	KUNIT_EXPECT_MEMEQ(test, info.number, SHED_LONG_NUMBER, sizeof(info.number));
	KUNIT_EXPECT_MEMEQ(test, info.result, SHED_LONG_RESULT, sizeof(info.result));
	KUNIT_EXPECT_MEMEQ(test, info.cause, SHED_LONG_CAUSE, sizeof(info.cause));
}

/*
 * Issue 15's bound for a retained call of short texts (a BUSY record):
 * the record and its texts in at most 160 bytes, far less than live.
 */
static void shed_busy_record_pins_at_most_160_bytes_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial(test);
	size_t live_bytes = shed_call_bytes(call);

	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_BUSY, "BUSY");
	KUNIT_EXPECT_LE(test, shed_call_bytes(call), 160);
	KUNIT_EXPECT_LT(test, shed_call_bytes(call), live_bytes);
}

/* A data file open at the end keeps the live part until it closes. */
static void shed_waits_for_the_data_file_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);

	shed_hold(call, true);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NORMAL, "NO CARRIER");
	KUNIT_EXPECT_TRUE(test, shed_has_live(call));
	shed_hold(call, false);
	KUNIT_EXPECT_FALSE(test, shed_has_live(call));
}

struct shed_waiter {
	struct modemline_call *call;
	struct modemline_call_live *live;
	struct completion done;
};

static int shed_waiter_fn(void *data)
{
	struct shed_waiter *w = data;

	wait_event(w->live->wait, modemline_call_ended(w->call));
	complete(&w->done);
	return 0;
}

/*
 * DROP_WAIT's waiter holds the live part: the call sheds it while the
 * waiter sleeps on its queue, and the queue is still there to leave
 * (KASAN reports it if it is not).
 */
static void shed_waiter_keeps_the_queue_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct shed_waiter w = { .call = rec_dial(test) };
	struct task_struct *task;
	bool asleep = false;
	int i;

	w.live = modemline_call_live_get(w.call);
	KUNIT_ASSERT_NOT_NULL(test, w.live);
	init_completion(&w.done);
	task = kthread_run(shed_waiter_fn, &w, "shed_waiter");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	for (i = 0; i < 500; i++) {
		/* Unlocked: only a poll until the thread is on the queue. */
		asleep = waitqueue_active(&w.live->wait);
		if (asleep)
			break;
		msleep(20);
	}
	KUNIT_EXPECT_TRUE(test, asleep);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_BUSY, "BUSY");
	KUNIT_EXPECT_FALSE(test, shed_has_live(w.call));
	wait_for_completion(&w.done);
	KUNIT_EXPECT_EQ(test, kref_read(&w.live->ref), 1U);
	modemline_call_live_put(w.live);
	KUNIT_EXPECT_NULL(test, modemline_call_live_get(w.call));
}

/*
 * The empty ring of a shed call serves the line's next call: a call
 * cycle allocates no 4 KiB ring, and the next call finds it empty.
 */
static void shed_lends_the_ring_to_the_next_call_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial(test);
	void *ring = call->live->rx.kfifo.data;

	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_BUSY, "BUSY");
	KUNIT_ASSERT_FALSE(test, shed_has_live(call));
	KUNIT_EXPECT_PTR_EQ(test, f->line->rx_spare.kfifo.data, ring);
	call = rec_dial(test);
	KUNIT_EXPECT_PTR_EQ(test, call->live->rx.kfifo.data, ring);
	KUNIT_EXPECT_TRUE(test, kfifo_is_empty(&call->live->rx));
	KUNIT_EXPECT_FALSE(test, kfifo_initialized(&f->line->rx_spare));
}

/* A start that fails gives the line's ring back: a busy line keeps it. */
static void shed_failed_start_gives_the_ring_back_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial(test), *second;
	void *ring = call->live->rx.kfifo.data;

	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_BUSY, "BUSY");
	KUNIT_ASSERT_PTR_EQ(test, f->line->rx_spare.kfifo.data, ring);
	f->fake.dial_err = -EIO;
	KUNIT_EXPECT_EQ(test, rec_start(test, MODEMLINE_DIR_OUTGOING,
					REC_TIMEOUT_MS, &second), -EIO);
	KUNIT_EXPECT_PTR_EQ(test, f->line->rx_spare.kfifo.data, ring);
	f->fake.dial_err = 0;
	call = rec_dial(test);
	KUNIT_EXPECT_EQ(test, rec_start(test, MODEMLINE_DIR_OUTGOING,
					REC_TIMEOUT_MS, &second), -EBUSY);
	KUNIT_EXPECT_PTR_EQ(test, call->live->rx.kfifo.data, ring);
	KUNIT_EXPECT_TRUE(test, kfifo_initialized(&f->line->rx_spare));
}

/*
 * A removed line takes no call any more: its spare ring goes at once,
 * and an ending call's ring is freed, not lent, though the records keep
 * the line object.
 */
static void shed_removed_line_keeps_no_ring_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial(test);

	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_BUSY, "BUSY");
	KUNIT_ASSERT_TRUE(test, kfifo_initialized(&f->line->rx_spare));
	call = rec_dial(test);
	KUNIT_ASSERT_FALSE(test, kfifo_initialized(&f->line->rx_spare));
	rec_remove_line(test, MODEMLINE_REASON_LINE_REMOVED);
	KUNIT_EXPECT_FALSE(test, shed_has_live(call));
	KUNIT_EXPECT_FALSE(test, kfifo_initialized(&f->line->rx_spare));
}

static struct kunit_case record_shed_test_cases[] = {
	KUNIT_CASE(shed_ended_call_keeps_the_record_only_test),
	KUNIT_CASE(shed_texts_at_their_limits_test),
	KUNIT_CASE(shed_busy_record_pins_at_most_160_bytes_test),
	KUNIT_CASE(shed_waits_for_the_data_file_test),
	KUNIT_CASE(shed_waiter_keeps_the_queue_test),
	KUNIT_CASE(shed_lends_the_ring_to_the_next_call_test),
	KUNIT_CASE(shed_failed_start_gives_the_ring_back_test),
	KUNIT_CASE(shed_removed_line_keeps_no_ring_test),
	{}
};

static struct kunit_suite record_shed_test_suite = {
	.name = "modemline_record_shed",
	.init = rec_init,
	.test_cases = record_shed_test_cases,
};

kunit_test_suites(&record_shed_test_suite);

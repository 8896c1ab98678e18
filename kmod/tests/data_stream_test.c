// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the transport side of a call's data stream (data.c), through the
 * fake transport of rec_fixture.h: how much room a line offers for
 * received bytes and when, what happens to bytes nobody can take, when
 * the transport is told to deliver again, and when the call's receive
 * ring is given back.
 */
#include <kunit/test.h>
#include <linux/irq_work.h>
#include <linux/kfifo.h>

#include "rec_fixture.h"

static u8 data_bytes[MODEMLINE_DATA_RX_SIZE + 100];

static unsigned int data_queued(struct modemline_call *call)
{
	unsigned int n;

	spin_lock(&call->line->lock);
	n = kfifo_len(&call->live->rx);
	spin_unlock(&call->line->lock);
	return n;
}

/* A write was not taken whole: what modemline_data_send() records. */
static u32 data_set_blocked(struct modemline_call *call)
{
	u32 seq;

	spin_lock_irq(&call->line->tx_lock);
	call->live->tx_blocked = true;
	seq = call->live->tx_seq;
	spin_unlock_irq(&call->line->tx_lock);
	return seq;
}

static bool data_blocked(struct modemline_call *call)
{
	bool blocked;

	spin_lock_irq(&call->line->tx_lock);
	blocked = call->live->tx_blocked;
	spin_unlock_irq(&call->line->tx_lock);
	return blocked;
}

static bool data_has_ring(struct modemline_call *call)
{
	bool has;

	spin_lock(&call->line->lock);
	has = call->live;
	spin_unlock(&call->line->lock);
	return has;
}

static void data_no_call_takes_everything_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;

	KUNIT_EXPECT_EQ(test, modemline_line_rx_room(f->line, 1), SIZE_MAX);
	KUNIT_EXPECT_EQ(test, modemline_line_data(f->line, data_bytes, 100), 100);
}

static void data_dialing_call_discards_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial(test);

	KUNIT_EXPECT_EQ(test, modemline_line_rx_room(f->line, 1), SIZE_MAX);
	KUNIT_EXPECT_EQ(test, modemline_line_data(f->line, data_bytes, 100), 100);
	KUNIT_EXPECT_EQ(test, data_queued(call), 0U);
}

static void data_connected_room_is_the_ring_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);

	KUNIT_EXPECT_EQ(test, modemline_line_rx_room(f->line, 1),
			(size_t)MODEMLINE_DATA_RX_SIZE);
	KUNIT_EXPECT_EQ(test, modemline_line_data(f->line, data_bytes, 1000), 1000);
	KUNIT_EXPECT_EQ(test, modemline_line_rx_room(f->line, 1),
			(size_t)MODEMLINE_DATA_RX_SIZE - 1000);
	KUNIT_EXPECT_EQ(test, data_queued(call), 1000U);
	KUNIT_EXPECT_FALSE(test, call->live->rx_stalled);
}

static void data_full_ring_takes_part_and_stalls_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);

	KUNIT_EXPECT_EQ(test, modemline_line_data(f->line, data_bytes,
						  sizeof(data_bytes)),
			(size_t)MODEMLINE_DATA_RX_SIZE);
	KUNIT_EXPECT_TRUE(test, call->live->rx_stalled);
	KUNIT_EXPECT_EQ(test, modemline_line_rx_room(f->line, 1), 0);
}

static void data_room_below_need_stalls_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);

	modemline_line_data(f->line, data_bytes, MODEMLINE_DATA_RX_SIZE - 10);
	KUNIT_EXPECT_FALSE(test, call->live->rx_stalled);
	KUNIT_EXPECT_EQ(test, modemline_line_rx_room(f->line, 10), 10);
	KUNIT_EXPECT_FALSE(test, call->live->rx_stalled);
	KUNIT_EXPECT_EQ(test, modemline_line_rx_room(f->line, 11), 10);
	KUNIT_EXPECT_TRUE(test, call->live->rx_stalled);
}

static void data_drop_resumes_a_stalled_transport_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);

	modemline_line_data(f->line, data_bytes, sizeof(data_bytes));
	modemline_call_drop(call);
	KUNIT_EXPECT_EQ(test, f->fake.rx_resumes, 1U);
	KUNIT_EXPECT_FALSE(test, call->live->rx_stalled);
	/* What the modem sends while hanging up is discarded, not queued. */
	KUNIT_EXPECT_EQ(test, modemline_line_rx_room(f->line, 1), SIZE_MAX);
	KUNIT_EXPECT_EQ(test, data_queued(call), (unsigned int)MODEMLINE_DATA_RX_SIZE);
}

static void data_drop_without_stall_does_not_resume_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);

	modemline_line_data(f->line, data_bytes, 10);
	modemline_call_drop(call);
	KUNIT_EXPECT_EQ(test, f->fake.rx_resumes, 0U);
}

/* Issue 20.1: a remote end or carrier loss must not leave the line wedged. */
static void data_remote_end_resumes_a_stalled_transport_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);

	modemline_line_data(f->line, data_bytes, sizeof(data_bytes));
	KUNIT_ASSERT_TRUE(test, call->live->rx_stalled);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NO_CARRIER, "NO CARRIER");
	KUNIT_EXPECT_EQ(test, f->fake.rx_resumes, 1U);
	KUNIT_EXPECT_FALSE(test, call->live->rx_stalled);
	KUNIT_EXPECT_EQ(test, modemline_line_rx_room(f->line, 1), SIZE_MAX);
}

static void data_carrier_loss_resumes_a_stalled_transport_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);

	modemline_line_data(f->line, data_bytes, sizeof(data_bytes));
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_CARRIER_LOST, NULL);
	KUNIT_EXPECT_EQ(test, f->fake.rx_resumes, 1U);
	KUNIT_EXPECT_FALSE(test, call->live->rx_stalled);
}

/* A removed line's transport is going away: it is owed nothing. */
static void data_removal_clears_the_stall_without_resume_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);

	modemline_line_data(f->line, data_bytes, sizeof(data_bytes));
	rec_remove_line(test, MODEMLINE_REASON_LINE_REMOVED);
	KUNIT_EXPECT_EQ(test, f->fake.rx_resumes, 0U);
	KUNIT_EXPECT_FALSE(test, call->live->rx_stalled);
	KUNIT_EXPECT_FALSE(test, f->line->rx_resume);
}

static void data_end_unblocks_a_blocked_writer_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);

	/* The writer's data file keeps the live part past the end. */
	spin_lock(&f->line->lock);
	call->live->data_open = true;
	spin_unlock(&f->line->lock);
	data_set_blocked(call);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NORMAL, "NO CARRIER");
	KUNIT_EXPECT_FALSE(test, data_blocked(call));
	KUNIT_EXPECT_EQ(test, f->fake.rx_resumes, 0U);
	spin_lock(&f->line->lock);
	call->live->data_open = false;
	spin_unlock(&f->line->lock);
}

static void data_ring_given_back_at_an_empty_end_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);

	KUNIT_EXPECT_TRUE(test, data_has_ring(call));
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NORMAL, "NO CARRIER");
	KUNIT_EXPECT_FALSE(test, data_has_ring(call));
}

static void data_ring_kept_with_unread_bytes_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);

	modemline_line_data(f->line, data_bytes, 10);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NORMAL, "NO CARRIER");
	KUNIT_EXPECT_TRUE(test, data_has_ring(call));
	KUNIT_EXPECT_EQ(test, data_queued(call), 10U);
}

static void data_ring_kept_while_a_file_is_open_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);

	spin_lock(&f->line->lock);
	call->live->data_open = true;
	spin_unlock(&f->line->lock);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NORMAL, "NO CARRIER");
	KUNIT_EXPECT_TRUE(test, data_has_ring(call));
	spin_lock(&f->line->lock);
	call->live->data_open = false;
	spin_unlock(&f->line->lock);
}

static void data_ring_never_needed_by_a_failed_dial_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial(test);

	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_BUSY, "BUSY");
	KUNIT_EXPECT_FALSE(test, data_has_ring(call));
}

static void data_every_state_change_wakes_writers_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial(test);
	u32 seq = READ_ONCE(call->live->tx_seq);

	modemline_line_connected(f->line, REC_RATE, REC_CONNECT);
	KUNIT_EXPECT_NE(test, READ_ONCE(call->live->tx_seq), seq);
	seq = READ_ONCE(call->live->tx_seq);
	modemline_call_drop(call);
	KUNIT_EXPECT_NE(test, READ_ONCE(call->live->tx_seq), seq);
}

static void data_tx_ready_unblocks_writers_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);
	u32 seq = data_set_blocked(call);

	modemline_line_tx_ready(f->line);
	KUNIT_EXPECT_FALSE(test, data_blocked(call));
	KUNIT_EXPECT_NE(test, READ_ONCE(call->live->tx_seq), seq);
}

struct data_irq_ready {
	struct irq_work work;
	struct modemline_line *line;
	bool hardirq;
};

static void data_irq_ready_fn(struct irq_work *work)
{
	struct data_irq_ready *r = container_of(work, struct data_irq_ready, work);

	r->hardirq = in_hardirq();
	modemline_line_tx_ready(r->line);
}

/*
 * A UART reports room from its interrupt handler: the same wake-up from
 * an interrupt (an irq_work, which runs there unless PREEMPT_RT threads
 * it, as it would the handler), checked by lockdep on a debug kernel.
 */
static void data_tx_ready_from_an_interrupt_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);
	struct data_irq_ready r = {
		.work = IRQ_WORK_INIT(data_irq_ready_fn),
		.line = f->line,
	};
	u32 seq = data_set_blocked(call);

	KUNIT_ASSERT_TRUE(test, irq_work_queue(&r.work));
	irq_work_sync(&r.work);
	if (!IS_ENABLED(CONFIG_PREEMPT_RT))
		KUNIT_EXPECT_TRUE(test, r.hardirq);
	KUNIT_EXPECT_FALSE(test, data_blocked(call));
	KUNIT_EXPECT_NE(test, READ_ONCE(call->live->tx_seq), seq);
}

/* Leaving CONNECTED takes the transmit side out of the wake-up's reach. */
static void data_drop_ends_tx_ready_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);

	KUNIT_EXPECT_PTR_EQ(test, f->line->tx_live, call->live);
	modemline_call_drop(call);
	KUNIT_EXPECT_NULL(test, f->line->tx_live);
}

/* Room reported after the end reaches nothing of the ended call. */
static void data_tx_ready_after_the_end_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial_connected(test);
	u32 seq;

	/* A data file keeps the live part past the end. */
	spin_lock(&f->line->lock);
	call->live->data_open = true;
	spin_unlock(&f->line->lock);
	modemline_line_ended(f->line, MODEMLINE_ORIGIN_REMOTE,
			     MODEMLINE_REASON_NORMAL, "NO CARRIER");
	KUNIT_EXPECT_NULL(test, f->line->tx_live);
	seq = READ_ONCE(call->live->tx_seq);
	modemline_line_tx_ready(f->line);
	KUNIT_EXPECT_EQ(test, READ_ONCE(call->live->tx_seq), seq);
	spin_lock(&f->line->lock);
	call->live->data_open = false;
	spin_unlock(&f->line->lock);
}

static void data_tx_ready_without_a_connected_call_test(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial(test);
	u32 seq = READ_ONCE(call->live->tx_seq);

	modemline_line_tx_ready(f->line);
	KUNIT_EXPECT_EQ(test, READ_ONCE(call->live->tx_seq), seq);
}

static struct kunit_case data_stream_test_cases[] = {
	KUNIT_CASE(data_no_call_takes_everything_test),
	KUNIT_CASE(data_dialing_call_discards_test),
	KUNIT_CASE(data_connected_room_is_the_ring_test),
	KUNIT_CASE(data_full_ring_takes_part_and_stalls_test),
	KUNIT_CASE(data_room_below_need_stalls_test),
	KUNIT_CASE(data_drop_resumes_a_stalled_transport_test),
	KUNIT_CASE(data_drop_without_stall_does_not_resume_test),
	KUNIT_CASE(data_remote_end_resumes_a_stalled_transport_test),
	KUNIT_CASE(data_carrier_loss_resumes_a_stalled_transport_test),
	KUNIT_CASE(data_removal_clears_the_stall_without_resume_test),
	KUNIT_CASE(data_end_unblocks_a_blocked_writer_test),
	KUNIT_CASE(data_ring_given_back_at_an_empty_end_test),
	KUNIT_CASE(data_ring_kept_with_unread_bytes_test),
	KUNIT_CASE(data_ring_kept_while_a_file_is_open_test),
	KUNIT_CASE(data_ring_never_needed_by_a_failed_dial_test),
	KUNIT_CASE(data_every_state_change_wakes_writers_test),
	KUNIT_CASE(data_tx_ready_unblocks_writers_test),
	KUNIT_CASE(data_tx_ready_from_an_interrupt_test),
	KUNIT_CASE(data_drop_ends_tx_ready_test),
	KUNIT_CASE(data_tx_ready_after_the_end_test),
	KUNIT_CASE(data_tx_ready_without_a_connected_call_test),
	{}
};

static struct kunit_suite data_stream_test_suite = {
	.name = "modemline_data_stream",
	.init = rec_init,
	.test_cases = data_stream_test_cases,
};

kunit_test_suites(&data_stream_test_suite);

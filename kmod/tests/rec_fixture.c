// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the fixture of rec_fixture.h. Calls are started with a long
 * timeout so that the line's delayed work never fires on its own; the
 * tests that need it make it run. Everything is torn down when a test
 * ends: the line is removed (which ends its call and cancels the work),
 * the client is destroyed (which releases its calls) and the transport's
 * reference on the line is dropped.
 */
#include <kunit/resource.h>
#include <linux/string.h>

#include "rec_fixture.h"

static int rec_fake_dial(struct modemline_line *line, const char *number,
			 bool voice)
{
	struct rec_fake *fake = modemline_line_priv(line);

	fake->dials++;
	strscpy(fake->number, number, sizeof(fake->number));
	if (fake->dial_ends)
		modemline_line_ended(line, MODEMLINE_ORIGIN_REMOTE,
				     MODEMLINE_REASON_NO_CARRIER, "NO CARRIER");
	return fake->dial_err;
}

static int rec_fake_answer(struct modemline_line *line)
{
	struct rec_fake *fake = modemline_line_priv(line);

	fake->answers++;
	return fake->answer_err;
}

static void rec_fake_hangup(struct modemline_line *line)
{
	struct rec_fake *fake = modemline_line_priv(line);

	fake->hangups++;
	/* What the modem says is ignored: the drop decides origin and reason. */
	if (fake->hangup_completes)
		modemline_line_ended(line, MODEMLINE_ORIGIN_REMOTE,
				     MODEMLINE_REASON_NO_CARRIER, "OK");
}

static ssize_t rec_fake_write(struct modemline_line *line, const u8 *buf,
			      size_t len)
{
	struct rec_fake *fake = modemline_line_priv(line);
	ssize_t n = fake->write_take;

	if (n == -1 || (n >= 0 && (size_t)n > len))
		n = len;
	if (n > 0)
		fake->written += n;
	return n;
}

static void rec_fake_rx_resume(struct modemline_line *line)
{
	struct rec_fake *fake = modemline_line_priv(line);

	fake->rx_resumes++;
}

static const struct modemline_line_ops rec_fake_ops = {
	.dial = rec_fake_dial,
	.answer = rec_fake_answer,
	.hangup = rec_fake_hangup,
	.write = rec_fake_write,
	.rx_resume = rec_fake_rx_resume,
};

KUNIT_DEFINE_ACTION_WRAPPER(rec_client_destroy_action, modemline_client_destroy,
			    struct modemline_client *);
KUNIT_DEFINE_ACTION_WRAPPER(rec_line_put_action, modemline_line_put,
			    struct modemline_line *);

static void rec_line_remove_action(void *line)
{
	modemline_line_remove(line, MODEMLINE_REASON_SHUTDOWN);
}

/*
 * The actions run in reverse: remove the line (its call ends), destroy the
 * client (its calls are released), drop the transport's line reference.
 */
int rec_init(struct kunit *test)
{
	struct rec_fixture *f;
	int err;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->fake.write_take = -1;
	f->line = modemline_line_create(&rec_fake_ops, MODEMLINE_TRANSPORT_SIM,
					"kunit-rec", &f->fake);
	if (!f->line)
		return -ENOMEM;
	err = kunit_add_action_or_reset(test, rec_line_put_action, f->line);
	if (err)
		return err;
	f->client = modemline_client_create(REC_MAX_CALLS, REC_MAX_EVENTS);
	if (!f->client)
		return -ENOMEM;
	err = kunit_add_action_or_reset(test, rec_client_destroy_action, f->client);
	if (err)
		return err;
	err = modemline_line_register(f->line);
	if (err)
		return err;
	err = kunit_add_action_or_reset(test, rec_line_remove_action, f->line);
	if (err)
		return err;
	test->priv = f;
	return 0;
}

/* The transport reports the modem gone; the test's teardown no longer has to. */
void rec_remove_line(struct kunit *test, u32 reason)
{
	struct rec_fixture *f = test->priv;

	kunit_remove_action(test, rec_line_remove_action, f->line);
	modemline_line_remove(f->line, reason);
}

/*
 * What DIAL and ANSWER do in core.c: reserve a handle, start the call,
 * publish it. On success the client's table owns the returned call.
 */
int rec_start(struct kunit *test, u32 direction, u32 timeout_ms,
	      struct modemline_call **out)
{
	struct rec_fixture *f = test->priv;

	return rec_start_on(test, f->line, direction, timeout_ms, out);
}

/* rec_start() on another transport's @line, still owned by the fixture's client. */
int rec_start_on(struct kunit *test, struct modemline_line *line, u32 direction,
		 u32 timeout_ms, struct modemline_call **out)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call;
	u32 handle;
	int err;

	*out = NULL;
	call = modemline_call_alloc(line, direction,
				    direction == MODEMLINE_DIR_OUTGOING ? REC_NUMBER : "",
				    false);
	KUNIT_ASSERT_NOT_NULL(test, call);
	err = modemline_client_reserve(f->client, &handle);
	if (err) {
		modemline_call_put(call);
		KUNIT_FAIL_AND_ABORT(test, "reserving a handle: %d", err);
	}
	call->handle = handle;
	err = modemline_call_start(call, f->client, timeout_ms);
	if (err) {
		modemline_client_unreserve(f->client, handle);
		modemline_call_put(call);
		return err;
	}
	modemline_client_publish(f->client, handle, call);
	*out = call;
	return 0;
}

struct modemline_call *rec_dial(struct kunit *test)
{
	struct modemline_call *call;

	KUNIT_ASSERT_EQ(test, rec_start(test, MODEMLINE_DIR_OUTGOING, REC_TIMEOUT_MS,
					&call), 0);
	return call;
}

struct modemline_call *rec_dial_connected(struct kunit *test)
{
	struct rec_fixture *f = test->priv;
	struct modemline_call *call = rec_dial(test);

	modemline_line_connected(f->line, REC_RATE, REC_CONNECT);
	return call;
}

/* The record as CALL_INFO reads it. */
void rec_info(struct modemline_call *call, struct modemline_call_info *info)
{
	memset(info, 0, sizeof(*info));
	spin_lock(&call->line->lock);
	modemline_call_fill_info(call, info);
	spin_unlock(&call->line->lock);
}


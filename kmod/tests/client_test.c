// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: a file's handle table. Handles start at 1 and are allocated
 * cyclically; a file holds at most max_calls of them; a reserved handle
 * names nothing until it is published; a handle is released exactly once.
 *
 * The calls put in the table here are retained records (DISCONNECTED) on
 * a line that is never registered, so that releasing them needs no
 * transport.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/limits.h>
#include <linux/rcupdate.h>

#include "modemline.h"

#define CLIENT_MAX_EVENTS	16

static int client_no_dial(struct modemline_line *line, const char *number,
			  bool voice)
{
	return -EOPNOTSUPP;
}

static int client_no_answer(struct modemline_line *line)
{
	return -EOPNOTSUPP;
}

static void client_no_hangup(struct modemline_line *line)
{
}

static const struct modemline_line_ops client_line_ops = {
	.dial = client_no_dial,
	.answer = client_no_answer,
	.hangup = client_no_hangup,
};

KUNIT_DEFINE_ACTION_WRAPPER(client_line_put_action, modemline_line_put,
			    struct modemline_line *);
KUNIT_DEFINE_ACTION_WRAPPER(client_destroy_action, modemline_client_destroy,
			    struct modemline_client *);

struct client_fixture {
	struct modemline_line *line;
	struct modemline_client *client;
};

/* A client allowed @max_calls calls, destroyed when the test ends. */
static struct client_fixture *client_new(struct kunit *test, u32 max_calls)
{
	struct client_fixture *f;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	f->line = modemline_line_create(&client_line_ops, MODEMLINE_TRANSPORT_SIM,
					"kunit-client", NULL);
	KUNIT_ASSERT_NOT_NULL(test, f->line);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, client_line_put_action,
							f->line), 0);
	f->client = modemline_client_create(max_calls, CLIENT_MAX_EVENTS);
	KUNIT_ASSERT_NOT_NULL(test, f->client);
	/* Runs first: the table's calls hold references on the line. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, client_destroy_action,
							f->client), 0);
	return f;
}

static u32 client_reserve(struct kunit *test, struct client_fixture *f)
{
	u32 handle = 0;

	KUNIT_ASSERT_EQ(test, modemline_client_reserve(f->client, &handle), 0);
	return handle;
}

/* Reserve a handle and publish a retained call in it; the table owns it. */
static struct modemline_call *client_add_call(struct kunit *test,
					      struct client_fixture *f,
					      u32 *handle)
{
	struct modemline_call *call;

	*handle = client_reserve(test, f);
	call = modemline_call_alloc(f->line, MODEMLINE_DIR_OUTGOING, "5551234", false);
	KUNIT_ASSERT_NOT_NULL(test, call);
	call->handle = *handle;
	call->state = MODEMLINE_STATE_DISCONNECTED;
	modemline_client_publish(f->client, *handle, call);
	return call;
}

static void client_reserve_first_handle_is_one_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);

	KUNIT_EXPECT_EQ(test, client_reserve(test, f), 1U);
}

static void client_reserve_handles_ascend_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);

	KUNIT_EXPECT_EQ(test, client_reserve(test, f), 1U);
	KUNIT_EXPECT_EQ(test, client_reserve(test, f), 2U);
	KUNIT_EXPECT_EQ(test, client_reserve(test, f), 3U);
}

static void client_reserve_after_unreserve_gives_new_handle_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	u32 first = client_reserve(test, f);

	modemline_client_unreserve(f->client, first);
	KUNIT_EXPECT_EQ(test, client_reserve(test, f), first + 1);
}

static void client_reserve_after_take_gives_new_handle_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_call *call;
	u32 handle;

	call = client_add_call(test, f, &handle);
	KUNIT_ASSERT_PTR_EQ(test, modemline_client_take(f->client, handle, call), call);
	modemline_call_put(call);
	KUNIT_EXPECT_EQ(test, client_reserve(test, f), handle + 1);
}

/* After the largest handle the allocation wraps to 1, skipping held ones. */
static void client_reserve_wraps_skipping_held_handles_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);

	KUNIT_ASSERT_EQ(test, client_reserve(test, f), 1U);
	xa_lock(&f->client->calls);
	f->client->next_handle = U32_MAX;
	xa_unlock(&f->client->calls);
	KUNIT_EXPECT_EQ(test, client_reserve(test, f), U32_MAX);
	KUNIT_EXPECT_EQ(test, client_reserve(test, f), 2U);
}

static void client_reserve_limit_emfile_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 4);
	u32 i, handle = 0xdead;

	for (i = 1; i <= 4; i++)
		KUNIT_EXPECT_EQ(test, client_reserve(test, f), i);
	KUNIT_EXPECT_EQ(test, modemline_client_reserve(f->client, &handle), -EMFILE);
	KUNIT_EXPECT_EQ(test, handle, 0xdeadU);
	KUNIT_EXPECT_EQ(test, f->client->ncalls, 4U);
}

static void client_reserve_limit_counts_published_calls_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 2);
	u32 handle;

	client_add_call(test, f, &handle);
	client_add_call(test, f, &handle);
	KUNIT_EXPECT_EQ(test, modemline_client_reserve(f->client, &handle), -EMFILE);
}

static void client_reserve_limit_zero_refuses_all_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 0);
	u32 handle;

	KUNIT_EXPECT_EQ(test, modemline_client_reserve(f->client, &handle), -EMFILE);
}

static void client_unreserve_frees_slot_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 2);
	u32 handle;

	client_reserve(test, f);
	handle = client_reserve(test, f);
	modemline_client_unreserve(f->client, handle);
	KUNIT_EXPECT_EQ(test, modemline_client_reserve(f->client, &handle), 0);
	KUNIT_EXPECT_EQ(test, f->client->ncalls, 2U);
}

static void client_take_frees_slot_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 2);
	struct modemline_call *call;
	u32 handle;

	client_add_call(test, f, &handle);
	call = client_add_call(test, f, &handle);
	KUNIT_ASSERT_PTR_EQ(test, modemline_client_take(f->client, handle, call), call);
	modemline_call_put(call);
	KUNIT_EXPECT_EQ(test, modemline_client_reserve(f->client, &handle), 0);
	KUNIT_EXPECT_EQ(test, f->client->ncalls, 2U);
}

/* Is @handle's slot there, reserved? (Only the advanced API sees those.) */
static bool client_slot_reserved(struct client_fixture *f, u32 handle)
{
	XA_STATE(xas, &f->client->calls, handle);
	void *entry;

	rcu_read_lock();
	entry = xas_load(&xas);
	rcu_read_unlock();
	return xa_is_zero(entry);
}

/* A released handle keeps its slot, reserved: gone for every reader. */
static void client_take_leaves_slot_reserved_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_call_info info = {};
	struct modemline_call *call;
	u32 handle;

	call = client_add_call(test, f, &handle);
	KUNIT_ASSERT_PTR_EQ(test, modemline_client_take(f->client, handle, call), call);
	modemline_call_put(call);
	KUNIT_EXPECT_TRUE(test, client_slot_reserved(f, handle));
	KUNIT_EXPECT_EQ(test, f->client->released, handle);
	KUNIT_EXPECT_PTR_EQ(test,
			    modemline_client_get_owned(f->client, handle), ERR_PTR(-ENOENT));
	KUNIT_EXPECT_EQ(test, modemline_client_info(f->client, handle, &info), -ENOENT);
	KUNIT_EXPECT_EQ(test, modemline_client_list(f->client, NULL, 0), 0U);
	KUNIT_EXPECT_EQ(test, f->client->ncalls, 0U);
}

/* The next reservation lets the released slot go. */
static void client_reserve_erases_released_slot_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_call *call;
	u32 handle, next;

	call = client_add_call(test, f, &handle);
	KUNIT_ASSERT_PTR_EQ(test, modemline_client_take(f->client, handle, call), call);
	modemline_call_put(call);
	next = client_reserve(test, f);
	KUNIT_EXPECT_EQ(test, next, handle + 1);
	KUNIT_EXPECT_FALSE(test, client_slot_reserved(f, handle));
	KUNIT_EXPECT_TRUE(test, client_slot_reserved(f, next));
	KUNIT_EXPECT_EQ(test, f->client->released, 0U);
}

/* Of several released handles only the last keeps a slot. */
static void client_take_keeps_one_released_slot_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_call *a, *b;
	u32 ha, hb;

	a = client_add_call(test, f, &ha);
	b = client_add_call(test, f, &hb);
	KUNIT_ASSERT_PTR_EQ(test, modemline_client_take(f->client, ha, a), a);
	KUNIT_ASSERT_PTR_EQ(test, modemline_client_take(f->client, hb, b), b);
	modemline_call_put(a);
	modemline_call_put(b);
	KUNIT_EXPECT_FALSE(test, client_slot_reserved(f, ha));
	KUNIT_EXPECT_TRUE(test, client_slot_reserved(f, hb));
	KUNIT_EXPECT_EQ(test, f->client->released, hb);
	KUNIT_EXPECT_EQ(test, f->client->ncalls, 0U);
}

static struct kunit_case client_handle_test_cases[] = {
	KUNIT_CASE(client_reserve_first_handle_is_one_test),
	KUNIT_CASE(client_reserve_handles_ascend_test),
	KUNIT_CASE(client_reserve_after_unreserve_gives_new_handle_test),
	KUNIT_CASE(client_reserve_after_take_gives_new_handle_test),
	KUNIT_CASE(client_reserve_wraps_skipping_held_handles_test),
	KUNIT_CASE(client_reserve_limit_emfile_test),
	KUNIT_CASE(client_reserve_limit_counts_published_calls_test),
	KUNIT_CASE(client_reserve_limit_zero_refuses_all_test),
	KUNIT_CASE(client_unreserve_frees_slot_test),
	KUNIT_CASE(client_take_frees_slot_test),
	KUNIT_CASE(client_take_leaves_slot_reserved_test),
	KUNIT_CASE(client_reserve_erases_released_slot_test),
	KUNIT_CASE(client_take_keeps_one_released_slot_test),
	{}
};

static struct kunit_suite client_handle_test_suite = {
	.name = "modemline_client_handles",
	.test_cases = client_handle_test_cases,
};

static void client_get_handle_zero_enoent_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	u32 handle;

	client_add_call(test, f, &handle);
	KUNIT_EXPECT_PTR_EQ(test,
			    modemline_client_get_owned(f->client, 0), ERR_PTR(-ENOENT));
}

static void client_get_unknown_handle_enoent_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	u32 handle;

	client_add_call(test, f, &handle);
	KUNIT_EXPECT_PTR_EQ(test,
			    modemline_client_get_owned(f->client, handle + 1), ERR_PTR(-ENOENT));
	KUNIT_EXPECT_PTR_EQ(test,
			    modemline_client_get_owned(f->client, U32_MAX), ERR_PTR(-ENOENT));
}

static void client_get_reserved_unpublished_enoent_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	u32 handle = client_reserve(test, f);

	KUNIT_EXPECT_PTR_EQ(test,
			    modemline_client_get_owned(f->client, handle), ERR_PTR(-ENOENT));
}

static void client_get_published_takes_reference_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_call *call, *got;
	unsigned int refs;
	u32 handle;

	call = client_add_call(test, f, &handle);
	refs = kref_read(&call->ref);
	got = modemline_client_get_owned(f->client, handle);
	KUNIT_ASSERT_PTR_EQ(test, got, call);
	KUNIT_EXPECT_EQ(test, kref_read(&call->ref), refs + 1);
	modemline_call_put(got);
}

static void client_take_returns_call_once_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_call *call, *taken;
	u32 handle;

	call = client_add_call(test, f, &handle);
	taken = modemline_client_take(f->client, handle, call);
	KUNIT_ASSERT_PTR_EQ(test, taken, call);
	KUNIT_EXPECT_NULL(test, modemline_client_take(f->client, handle, call));
	KUNIT_EXPECT_EQ(test, f->client->ncalls, 0U);
	modemline_call_put(taken);
}

static void client_get_after_take_enoent_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_call *call;
	u32 handle;

	call = client_add_call(test, f, &handle);
	KUNIT_ASSERT_PTR_EQ(test, modemline_client_take(f->client, handle, call), call);
	modemline_call_put(call);
	KUNIT_EXPECT_PTR_EQ(test,
			    modemline_client_get_owned(f->client, handle), ERR_PTR(-ENOENT));
}

/* A stale pointer cannot release whatever the handle names now. */
static void client_take_other_call_leaves_handle_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_call *a, *b, *got;
	u32 ha, hb;

	a = client_add_call(test, f, &ha);
	b = client_add_call(test, f, &hb);
	KUNIT_EXPECT_NULL(test, modemline_client_take(f->client, ha, b));
	KUNIT_EXPECT_EQ(test, f->client->ncalls, 2U);
	got = modemline_client_get_owned(f->client, ha);
	KUNIT_EXPECT_PTR_EQ(test, got, a);
	if (!IS_ERR(got))
		modemline_call_put(got);
}

static void client_info_unknown_handle_enoent_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_call_info info = {};

	KUNIT_EXPECT_EQ(test, modemline_client_info(f->client, 0, &info), -ENOENT);
	KUNIT_EXPECT_EQ(test, modemline_client_info(f->client, 1, &info), -ENOENT);
}

static void client_info_reserved_handle_enoent_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_call_info info = {};
	u32 handle = client_reserve(test, f);

	KUNIT_EXPECT_EQ(test, modemline_client_info(f->client, handle, &info), -ENOENT);
}

static void client_info_published_fills_record_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_call_info info = {};
	u32 handle;

	client_add_call(test, f, &handle);
	KUNIT_ASSERT_EQ(test, modemline_client_info(f->client, handle, &info), 0);
	KUNIT_EXPECT_EQ(test, info.direction, (u32)MODEMLINE_DIR_OUTGOING);
	KUNIT_EXPECT_EQ(test, info.state, (u32)MODEMLINE_STATE_DISCONNECTED);
	KUNIT_EXPECT_STREQ(test, info.number, "5551234");
}

/* Closing the file releases every call it holds, and with them the line. */
static void client_destroy_releases_calls_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	unsigned int refs = kref_read(&f->line->ref);
	u32 handle;

	client_add_call(test, f, &handle);
	client_add_call(test, f, &handle);
	client_reserve(test, f);
	KUNIT_EXPECT_EQ(test, kref_read(&f->line->ref), refs + 2);
	kunit_release_action(test, client_destroy_action, f->client);
	KUNIT_EXPECT_EQ(test, kref_read(&f->line->ref), refs);
}

static struct kunit_case client_lookup_test_cases[] = {
	KUNIT_CASE(client_get_handle_zero_enoent_test),
	KUNIT_CASE(client_get_unknown_handle_enoent_test),
	KUNIT_CASE(client_get_reserved_unpublished_enoent_test),
	KUNIT_CASE(client_get_published_takes_reference_test),
	KUNIT_CASE(client_take_returns_call_once_test),
	KUNIT_CASE(client_get_after_take_enoent_test),
	KUNIT_CASE(client_take_other_call_leaves_handle_test),
	KUNIT_CASE(client_info_unknown_handle_enoent_test),
	KUNIT_CASE(client_info_reserved_handle_enoent_test),
	KUNIT_CASE(client_info_published_fills_record_test),
	KUNIT_CASE(client_destroy_releases_calls_test),
	{}
};

static struct kunit_suite client_lookup_test_suite = {
	.name = "modemline_client_lookup",
	.test_cases = client_lookup_test_cases,
};

static void client_list_empty_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	u32 ids[2] = { 0xdead, 0xdead };
	u32 total = 0xdead;

	total = modemline_client_list(f->client, ids, ARRAY_SIZE(ids));
	KUNIT_EXPECT_EQ(test, total, 0U);
	KUNIT_EXPECT_EQ(test, ids[0], 0xdeadU);
}

static void client_list_ascending_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_call *call;
	u32 ids[8], handle, total = 0;

	client_add_call(test, f, &handle);
	call = client_add_call(test, f, &handle);
	client_add_call(test, f, &handle);
	client_add_call(test, f, &handle);
	/* Leave a hole at handle 2. */
	KUNIT_ASSERT_PTR_EQ(test, modemline_client_take(f->client, 2, call), call);
	modemline_call_put(call);

	total = modemline_client_list(f->client, ids, ARRAY_SIZE(ids));
	KUNIT_ASSERT_EQ(test, total, 3U);
	KUNIT_EXPECT_EQ(test, ids[0], 1U);
	KUNIT_EXPECT_EQ(test, ids[1], 3U);
	KUNIT_EXPECT_EQ(test, ids[2], 4U);
}

static void client_list_total_beyond_max_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	u32 ids[3] = { 0, 0, 0xdead };
	u32 i, handle, total = 0;

	for (i = 0; i < 5; i++)
		client_add_call(test, f, &handle);
	total = modemline_client_list(f->client, ids, 2);
	KUNIT_EXPECT_EQ(test, total, 5U);
	KUNIT_EXPECT_EQ(test, ids[0], 1U);
	KUNIT_EXPECT_EQ(test, ids[1], 2U);
	/* Nothing is written past @max. */
	KUNIT_EXPECT_EQ(test, ids[2], 0xdeadU);
}

/* CALL_LIST first asks for the number alone, with no array. */
static void client_list_count_only_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	u32 handle, total = 0;

	client_add_call(test, f, &handle);
	client_add_call(test, f, &handle);
	total = modemline_client_list(f->client, NULL, 0);
	KUNIT_EXPECT_EQ(test, total, 2U);
}

/* A call being started is not listed until it is published. */
static void client_list_omits_reserved_handles_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	u32 ids[4], handle, total = 0;

	client_reserve(test, f);
	client_add_call(test, f, &handle);
	total = modemline_client_list(f->client, ids, ARRAY_SIZE(ids));
	KUNIT_ASSERT_EQ(test, total, 1U);
	KUNIT_EXPECT_EQ(test, ids[0], handle);
}

static struct kunit_case client_list_test_cases[] = {
	KUNIT_CASE(client_list_empty_test),
	KUNIT_CASE(client_list_ascending_test),
	KUNIT_CASE(client_list_total_beyond_max_test),
	KUNIT_CASE(client_list_count_only_test),
	KUNIT_CASE(client_list_omits_reserved_handles_test),
	{}
};

static struct kunit_suite client_list_test_suite = {
	.name = "modemline_client_list",
	.test_cases = client_list_test_cases,
};

/* A second file, destroyed before the fixture's own. */
static struct modemline_client *client_other(struct kunit *test, u32 max_calls)
{
	struct modemline_client *client;

	client = modemline_client_create(max_calls, CLIENT_MAX_EVENTS);
	KUNIT_ASSERT_NOT_NULL(test, client);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, client_destroy_action,
							client), 0);
	return client;
}

/* The oldest event queued for @client; the test fails if there is none. */
static void client_next_event(struct kunit *test, struct modemline_client *client,
			      struct modemline_event *ev)
{
	KUNIT_ASSERT_TRUE(test, modemline_evq_peek(&client->events, ev));
	modemline_evq_consume(&client->events);
}

/* Give @mon a monitor handle to @call and return it. */
static u32 client_watch(struct kunit *test, struct modemline_client *mon,
			struct modemline_call *call)
{
	struct modemline_event ev;

	modemline_client_watch(mon, call);
	client_next_event(test, mon, &ev);
	KUNIT_ASSERT_EQ(test, ev.type, (u32)MODEMLINE_EVENT_CALL_NEW);
	return ev.call;
}

static void client_watch_announces_handle_and_record_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_client *mon = client_other(test, 8);
	struct modemline_call *call;
	struct modemline_event ev;
	u32 handle;

	call = client_add_call(test, f, &handle);
	modemline_client_watch(mon, call);
	client_next_event(test, mon, &ev);
	KUNIT_EXPECT_EQ(test, ev.type, (u32)MODEMLINE_EVENT_CALL_NEW);
	KUNIT_EXPECT_EQ(test, ev.call, 1U);
	KUNIT_EXPECT_EQ(test, ev.state, (u32)MODEMLINE_STATE_DISCONNECTED);
	KUNIT_EXPECT_STREQ(test, ev.number, "5551234");
	KUNIT_EXPECT_PTR_EQ(test,
			    modemline_client_get_owned(mon, ev.call),
			    ERR_PTR(-EPERM));
}

/* Each handle, the owner's and every monitor's, holds its own reference. */
static void client_watch_takes_reference_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_client *mon = client_other(test, 8);
	struct modemline_call *call;
	unsigned int refs;
	u32 handle;

	call = client_add_call(test, f, &handle);
	refs = kref_read(&call->ref);
	client_watch(test, mon, call);
	KUNIT_EXPECT_EQ(test, kref_read(&call->ref), refs + 1);
	KUNIT_EXPECT_EQ(test, mon->ncalls, 1U);
}

static void client_watch_full_monitor_misses_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_client *mon = client_other(test, 0);
	struct modemline_call *call;
	struct modemline_event ev;
	unsigned int refs;
	u32 handle;

	call = client_add_call(test, f, &handle);
	refs = kref_read(&call->ref);
	modemline_client_watch(mon, call);
	modemline_client_watch(mon, call);
	KUNIT_EXPECT_EQ(test, kref_read(&call->ref), refs);
	KUNIT_EXPECT_EQ(test, mon->missed, 2U);
	client_next_event(test, mon, &ev);
	KUNIT_EXPECT_EQ(test, ev.type, (u32)MODEMLINE_EVENT_CALL_MISSED);
	KUNIT_EXPECT_EQ(test, ev.call, 0U);
	KUNIT_EXPECT_EQ(test, ev.state, (u32)MODEMLINE_STATE_DISCONNECTED);
	KUNIT_EXPECT_EQ(test, ev.lost, 1U);
	KUNIT_EXPECT_STREQ(test, ev.number, "5551234");
	client_next_event(test, mon, &ev);
	KUNIT_EXPECT_EQ(test, ev.lost, 2U);
}

/* The owner's release leaves the record to the monitor, which frees it. */
static void client_record_outlives_owner_release_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_client *mon = client_other(test, 8);
	unsigned int line_refs = kref_read(&f->line->ref);
	struct modemline_call_info info = {};
	u32 handle, mh;

	mh = client_watch(test, mon, client_add_call(test, f, &handle));
	KUNIT_ASSERT_EQ(test, modemline_client_release(f->client, handle, false), 0);
	KUNIT_EXPECT_EQ(test, modemline_client_info(mon, mh, &info), 0);
	KUNIT_EXPECT_STREQ(test, info.number, "5551234");
	KUNIT_EXPECT_EQ(test, kref_read(&f->line->ref), line_refs + 1);
	KUNIT_ASSERT_EQ(test, modemline_client_release(mon, mh, false), 0);
	/* The call is freed, and with it its reference on the line. */
	KUNIT_EXPECT_EQ(test, kref_read(&f->line->ref), line_refs);
}

/* Closing the monitor's file lets go of its handles, not of the call. */
static void client_destroy_monitor_leaves_call_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_client *mon = client_other(test, 8);
	struct modemline_call *call;
	unsigned int refs;
	u32 handle;

	call = client_add_call(test, f, &handle);
	refs = kref_read(&call->ref);
	client_watch(test, mon, call);
	kunit_release_action(test, client_destroy_action, mon);
	KUNIT_EXPECT_EQ(test, kref_read(&call->ref), refs);
	KUNIT_EXPECT_TRUE(test, hlist_empty(&call->monitors));
	KUNIT_EXPECT_PTR_EQ(test,
			    modemline_client_get_owned(f->client, handle), call);
	modemline_call_put(call);
}

static void client_release_monitor_with_drop_eperm_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_client *mon = client_other(test, 8);
	u32 handle, mh;

	mh = client_watch(test, mon, client_add_call(test, f, &handle));
	KUNIT_EXPECT_EQ(test, modemline_client_release(mon, mh, true), -EPERM);
	KUNIT_EXPECT_EQ(test, mon->ncalls, 1U);
}

/* A monitor may let go of a call that goes on; the owner may not. */
static void client_release_live_call_monitor_only_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_client *mon = client_other(test, 8);
	struct modemline_call *call;
	u32 handle, mh;

	call = client_add_call(test, f, &handle);
	mh = client_watch(test, mon, call);
	call->state = MODEMLINE_STATE_CONNECTED;
	KUNIT_EXPECT_EQ(test, modemline_client_release(f->client, handle, false), -EBUSY);
	KUNIT_EXPECT_EQ(test, modemline_client_release(mon, mh, false), 0);
	KUNIT_EXPECT_EQ(test, call->state, (u32)MODEMLINE_STATE_CONNECTED);
	KUNIT_EXPECT_EQ(test, mon->ncalls, 0U);
	/* Ended again, so that the fixture releases it without a transport. */
	call->state = MODEMLINE_STATE_DISCONNECTED;
}

/* CALL_INFO says which handles are a monitor's. */
static void client_info_marks_monitor_handles_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_client *mon = client_other(test, 8);
	struct modemline_call_info info = {};
	u32 handle, mh;

	mh = client_watch(test, mon, client_add_call(test, f, &handle));
	info.flags = MODEMLINE_CALL_INFO_MONITOR;
	KUNIT_ASSERT_EQ(test, modemline_client_info(f->client, handle, &info), 0);
	KUNIT_EXPECT_EQ(test, info.flags, 0U);
	info.flags = 0;
	KUNIT_ASSERT_EQ(test, modemline_client_info(mon, mh, &info), 0);
	KUNIT_EXPECT_EQ(test, info.flags, (u32)MODEMLINE_CALL_INFO_MONITOR);
}

/* A monitoring file that monitors nothing any more leaves the list. */
static void client_unmonitor_last_leaves_the_list_test(struct kunit *test)
{
	struct modemline_client *mon = client_other(test, 8);

	KUNIT_ASSERT_EQ(test, modemline_monitor(mon, 0), 0);
	KUNIT_EXPECT_FALSE(test, list_empty(&mon->mon_node));
	KUNIT_ASSERT_EQ(test, modemline_unmonitor(mon, 0), 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&mon->mon_node));
}

/* So does a file subscribed to no line's events any more. */
static void client_unsubscribe_last_leaves_the_list_test(struct kunit *test)
{
	struct modemline_client *client = client_other(test, 8);

	KUNIT_ASSERT_EQ(test, modemline_subscribe(client, 0), 0);
	KUNIT_EXPECT_FALSE(test, list_empty(&client->sub_node));
	KUNIT_ASSERT_EQ(test, modemline_unsubscribe(client, 0), 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&client->sub_node));
}

/* A state change reaches the owner and each monitor, under its own handle. */
static void client_state_event_reaches_every_handle_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_client *mon = client_other(test, 8);
	struct modemline_call *call;
	struct modemline_event ev;
	u32 handle, mh;

	call = client_add_call(test, f, &handle);
	call->client = f->client;
	call->state = MODEMLINE_STATE_DIALING;
	mh = client_watch(test, mon, call);
	spin_lock(&f->line->lock);
	modemline_call_input(call, MODEMLINE_IN_CONNECT, 0, 0, 9600, "CONNECT 9600");
	spin_unlock(&f->line->lock);
	client_next_event(test, f->client, &ev);
	KUNIT_EXPECT_EQ(test, ev.call, handle);
	KUNIT_EXPECT_EQ(test, ev.state, (u32)MODEMLINE_STATE_CONNECTED);
	client_next_event(test, mon, &ev);
	KUNIT_EXPECT_EQ(test, ev.type, (u32)MODEMLINE_EVENT_CALL_STATE);
	KUNIT_EXPECT_EQ(test, ev.call, mh);
	KUNIT_EXPECT_EQ(test, ev.rate, 9600U);
	call->state = MODEMLINE_STATE_DISCONNECTED;
}

static struct kunit_case client_monitor_test_cases[] = {
	KUNIT_CASE(client_watch_announces_handle_and_record_test),
	KUNIT_CASE(client_watch_takes_reference_test),
	KUNIT_CASE(client_watch_full_monitor_misses_test),
	KUNIT_CASE(client_record_outlives_owner_release_test),
	KUNIT_CASE(client_destroy_monitor_leaves_call_test),
	KUNIT_CASE(client_release_monitor_with_drop_eperm_test),
	KUNIT_CASE(client_release_live_call_monitor_only_test),
	KUNIT_CASE(client_state_event_reaches_every_handle_test),
	KUNIT_CASE(client_info_marks_monitor_handles_test),
	KUNIT_CASE(client_unmonitor_last_leaves_the_list_test),
	KUNIT_CASE(client_unsubscribe_last_leaves_the_list_test),
	{}
};

static struct kunit_suite client_monitor_test_suite = {
	.name = "modemline_client_monitor",
	.test_cases = client_monitor_test_cases,
};

/* The handle moves, the reference with it, and the events follow. */
static void client_handoff_moves_owner_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_client *to = client_other(test, 8);
	struct modemline_call *call;
	unsigned int refs;
	u32 handle, nh = 0;

	call = client_add_call(test, f, &handle);
	call->client = f->client;
	refs = kref_read(&call->ref);
	KUNIT_ASSERT_EQ(test, modemline_client_reserve(to, &nh), 0);
	KUNIT_ASSERT_EQ(test, modemline_client_handoff(f->client, handle, call, to, nh), 0);
	KUNIT_EXPECT_PTR_EQ(test,
			    modemline_client_get_owned(f->client, handle), ERR_PTR(-ENOENT));
	KUNIT_EXPECT_EQ(test, f->client->ncalls, 0U);
	KUNIT_EXPECT_PTR_EQ(test,
			    modemline_client_get_owned(to, nh), call);
	modemline_call_put(call);
	KUNIT_EXPECT_PTR_EQ(test, call->client, to);
	KUNIT_EXPECT_EQ(test, call->handle, nh);
	KUNIT_EXPECT_EQ(test, kref_read(&call->ref), refs);
}

/*
 * The new owner hears of its handle first, the call as it is; the old
 * owner hears nothing, and the call's next event goes to the new one.
 */
static void client_handoff_tells_the_new_owner_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_client *to = client_other(test, 8);
	struct modemline_call *call;
	struct modemline_event ev;
	u32 handle, nh = 0;

	call = client_add_call(test, f, &handle);
	call->client = f->client;
	call->state = MODEMLINE_STATE_DIALING;
	KUNIT_ASSERT_EQ(test, modemline_client_reserve(to, &nh), 0);
	KUNIT_ASSERT_EQ(test, modemline_client_handoff(f->client, handle, call, to, nh), 0);
	KUNIT_EXPECT_TRUE(test, modemline_evq_empty(&f->client->events));
	client_next_event(test, to, &ev);
	KUNIT_EXPECT_EQ(test, ev.type, (u32)MODEMLINE_EVENT_CALL_HANDOFF);
	KUNIT_EXPECT_EQ(test, ev.call, nh);
	KUNIT_EXPECT_EQ(test, ev.line_id, f->line->id);
	KUNIT_EXPECT_EQ(test, ev.state, (u32)MODEMLINE_STATE_DIALING);
	KUNIT_EXPECT_STREQ(test, ev.number, "5551234");
	spin_lock(&f->line->lock);
	modemline_call_input(call, MODEMLINE_IN_CONNECT, 0, 0, 9600, "CONNECT 9600");
	spin_unlock(&f->line->lock);
	client_next_event(test, to, &ev);
	KUNIT_EXPECT_EQ(test, ev.type, (u32)MODEMLINE_EVENT_CALL_STATE);
	KUNIT_EXPECT_EQ(test, ev.call, nh);
	KUNIT_EXPECT_TRUE(test, modemline_evq_empty(&f->client->events));
	call->state = MODEMLINE_STATE_DISCONNECTED;
}

/* Released by another thread first: nothing moves. */
static void client_handoff_after_release_enoent_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_client *to = client_other(test, 8);
	struct modemline_call *call;
	u32 handle, nh = 0;

	call = client_add_call(test, f, &handle);
	kref_get(&call->ref);
	KUNIT_ASSERT_EQ(test, modemline_client_release(f->client, handle, false), 0);
	KUNIT_ASSERT_EQ(test, modemline_client_reserve(to, &nh), 0);
	KUNIT_EXPECT_EQ(test, modemline_client_handoff(f->client, handle, call, to, nh),
			-ENOENT);
	KUNIT_EXPECT_PTR_EQ(test,
			    modemline_client_get_owned(to, nh), ERR_PTR(-ENOENT));
	modemline_client_unreserve(to, nh);
	modemline_call_put(call);
}

/* A monitor's handle names the call but is not it: handoff finds nothing. */
static void client_handoff_monitor_handle_moves_nothing_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_client *mon = client_other(test, 8);
	struct modemline_client *to = client_other(test, 8);
	struct modemline_call *call;
	u32 handle, mh, nh = 0;

	call = client_add_call(test, f, &handle);
	mh = client_watch(test, mon, call);
	KUNIT_ASSERT_EQ(test, modemline_client_reserve(to, &nh), 0);
	KUNIT_EXPECT_EQ(test, modemline_client_handoff(mon, mh, call, to, nh), -ENOENT);
	KUNIT_EXPECT_EQ(test, mon->ncalls, 1U);
	modemline_client_unreserve(to, nh);
}

static struct kunit_case client_handoff_test_cases[] = {
	KUNIT_CASE(client_handoff_moves_owner_test),
	KUNIT_CASE(client_handoff_tells_the_new_owner_test),
	KUNIT_CASE(client_handoff_after_release_enoent_test),
	KUNIT_CASE(client_handoff_monitor_handle_moves_nothing_test),
	{}
};

static struct kunit_suite client_handoff_test_suite = {
	.name = "modemline_client_handoff",
	.test_cases = client_handoff_test_cases,
};

/* fdinfo's figures: handles by role and state, and the memory they pin. */
static void client_stats_counts_handles_and_bytes_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_client *mon = client_other(test, 8);
	struct modemline_client_stats st, empty;
	struct modemline_call *live, *ended;
	size_t call_bytes;
	u32 handle;

	modemline_client_stats(mon, &empty);
	ended = client_add_call(test, f, &handle);
	ended->disconnected_ns = 1000;
	live = client_add_call(test, f, &handle);
	live->state = MODEMLINE_STATE_CONNECTED;
	client_watch(test, mon, ended);
	client_watch(test, mon, live);

	modemline_client_stats(f->client, &st);
	KUNIT_EXPECT_EQ(test, st.calls_live, 1U);
	KUNIT_EXPECT_EQ(test, st.calls_ended, 1U);
	KUNIT_EXPECT_EQ(test, st.monitor_handles, 0U);
	KUNIT_EXPECT_EQ(test, st.oldest_ended_ns, 1000ULL);

	spin_lock(&f->line->lock);
	call_bytes = modemline_call_bytes(live);
	spin_unlock(&f->line->lock);
	modemline_client_stats(mon, &st);
	KUNIT_EXPECT_EQ(test, st.monitor_handles, 2U);
	KUNIT_EXPECT_EQ(test, st.calls_live + st.calls_ended, 0U);
	/* Both calls still have their receive buffers: they are equal. */
	KUNIT_EXPECT_EQ(test, st.kernel_bytes, empty.kernel_bytes +
			2 * (call_bytes + sizeof(struct modemline_watch)));
	live->state = MODEMLINE_STATE_DISCONNECTED;
	ended->disconnected_ns = 0;
}

/* The walk lets the table lock go between batches and misses nothing. */
static void client_stats_counts_past_one_batch_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 1000);
	struct modemline_client_stats st;
	u32 handle;
	int i;

	for (i = 0; i < 300; i++)
		client_add_call(test, f, &handle);
	modemline_client_stats(f->client, &st);
	KUNIT_EXPECT_EQ(test, st.calls_ended, 300U);
	KUNIT_EXPECT_EQ(test, st.calls_live + st.monitor_handles, 0U);
}

static struct kunit_case client_stats_test_cases[] = {
	KUNIT_CASE(client_stats_counts_handles_and_bytes_test),
	KUNIT_CASE(client_stats_counts_past_one_batch_test),
	{}
};

static struct kunit_suite client_stats_test_suite = {
	.name = "modemline_client_stats",
	.test_cases = client_stats_test_cases,
};

/* Shed @call, a retained record: it is read without the lock from now on. */
static void client_shed(struct kunit *test, struct client_fixture *f,
			struct modemline_call *call)
{
	spin_lock(&f->line->lock);
	modemline_call_shed(call);
	spin_unlock(&f->line->lock);
	KUNIT_ASSERT_TRUE(test, modemline_call_is_shed(call));
}

/*
 * A record released while an RCU reader has it stays whole until the
 * reader is done: CALL_INFO reads shed records with neither a lock nor a
 * reference (KASAN reports the read if the record is freed at once).
 */
static void client_record_outlives_rcu_reader_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_call *call;
	u32 handle, state, line_id;
	char text[16];
	int err;

	call = client_add_call(test, f, &handle);
	client_shed(test, f, call);
	/* Read inside, checked outside: a failed check may sleep. */
	rcu_read_lock();
	err = modemline_client_release(f->client, handle, false);
	state = READ_ONCE(call->state);
	strscpy(text, call->text, sizeof(text));
	line_id = call->line->id;
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, state, (u32)MODEMLINE_STATE_DISCONNECTED);
	KUNIT_EXPECT_STREQ(test, text, "5551234");
	KUNIT_EXPECT_EQ(test, line_id, f->line->id);
}

/* So does a monitor's handle, through which the reader found the record. */
static void client_watch_outlives_rcu_reader_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_client *mon = client_other(test, 8);
	struct modemline_call *call, *found;
	struct modemline_watch *watch;
	u32 handle, mh;
	char text[16];
	int err;

	call = client_add_call(test, f, &handle);
	client_shed(test, f, call);
	mh = client_watch(test, mon, call);
	KUNIT_ASSERT_EQ(test, modemline_client_release(f->client, handle, false), 0);
	rcu_read_lock();
	watch = xa_untag_pointer(xa_load(&mon->calls, mh));
	err = modemline_client_release(mon, mh, false);
	found = READ_ONCE(watch->call);
	strscpy(text, found->text, sizeof(text));
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_PTR_EQ(test, found, call);
	KUNIT_EXPECT_STREQ(test, text, "5551234");
}

#define CLIENT_CHURN_CALLS	3000
#define CLIENT_CHURN_PAUSE_EVERY	16

/* A thread that publishes and releases calls, one at a time. */
struct client_churn {
	struct client_fixture *f;
	u32 handle;			/* the newest published, READ_ONCE() */
	int err;
	struct completion done;
};

static int client_churn_fn(void *data)
{
	struct client_churn *c = data;
	struct modemline_call *call;
	u32 handle;
	int i;

	for (i = 0; i < CLIENT_CHURN_CALLS && !c->err; i++) {
		c->err = modemline_client_reserve(c->f->client, &handle);
		if (c->err)
			break;
		call = modemline_call_alloc(c->f->line, MODEMLINE_DIR_OUTGOING,
					    "5551234", false);
		if (!call) {
			modemline_client_unreserve(c->f->client, handle);
			c->err = -ENOMEM;
			break;
		}
		call->handle = handle;
		call->state = MODEMLINE_STATE_DISCONNECTED;
		/* Both paths of CALL_INFO: a live record and a shed one. */
		if (i % 2) {
			spin_lock(&c->f->line->lock);
			modemline_call_shed(call);
			spin_unlock(&c->f->line->lock);
		}
		modemline_client_publish(c->f->client, handle, call);
		WRITE_ONCE(c->handle, handle);
		/*
		 * Now and then the reader gets the CPU with the call
		 * published, on one CPU too (UML): found > 0 below.
		 */
		if (!(i % CLIENT_CHURN_PAUSE_EVERY))
			usleep_range(20, 50);
		c->err = modemline_client_release(c->f->client, handle, false);
	}
	complete(&c->done);
	return 0;
}

/*
 * Lookups race the release of the handle they look up: each finds the
 * whole record, with or without a reference, or no handle at all. Run
 * under KASAN, a read of a freed record fails the test.
 */
static void client_lookups_race_release_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct client_churn c = { .f = f };
	struct modemline_call_info info;
	struct modemline_call *call;
	struct task_struct *task;
	unsigned int found = 0;
	u32 handle;
	int err;

	init_completion(&c.done);
	task = kthread_run(client_churn_fn, &c, "client_churn");
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	while (!completion_done(&c.done)) {
		handle = READ_ONCE(c.handle);
		memset(&info, 0, sizeof(info));
		err = modemline_client_info(f->client, handle, &info);
		if (!err) {
			found++;
			KUNIT_EXPECT_EQ(test, info.state, (u32)MODEMLINE_STATE_DISCONNECTED);
			KUNIT_EXPECT_STREQ(test, info.number, "5551234");
		} else {
			KUNIT_EXPECT_EQ(test, err, -ENOENT);
		}
		call = modemline_client_get_owned(f->client, handle);
		if (!IS_ERR(call)) {
			KUNIT_EXPECT_PTR_EQ(test, call->line, f->line);
			modemline_call_put(call);
		} else {
			KUNIT_EXPECT_EQ(test, PTR_ERR(call), -ENOENT);
		}
		cond_resched();
	}
	wait_for_completion(&c.done);
	KUNIT_EXPECT_EQ(test, c.err, 0);
	/* The race ran: some lookups came before their release. */
	KUNIT_EXPECT_GT(test, found, 0U);
}

static struct kunit_case client_rcu_test_cases[] = {
	KUNIT_CASE(client_record_outlives_rcu_reader_test),
	KUNIT_CASE(client_watch_outlives_rcu_reader_test),
	KUNIT_CASE_SLOW(client_lookups_race_release_test),
	{}
};

static struct kunit_suite client_rcu_test_suite = {
	.name = "modemline_client_rcu",
	.test_cases = client_rcu_test_cases,
};

kunit_test_suites(&client_handle_test_suite, &client_lookup_test_suite,
		  &client_list_test_suite, &client_monitor_test_suite,
		  &client_handoff_test_suite, &client_stats_test_suite,
		  &client_rcu_test_suite);

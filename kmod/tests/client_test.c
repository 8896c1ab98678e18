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
#include <linux/kernel.h>
#include <linux/limits.h>

#include "modemline.h"

#define CLIENT_MAX_EVENTS	16

static int client_no_dial(struct modemline_line *line, const char *number)
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
	call = modemline_call_alloc(f->line, MODEMLINE_DIR_OUTGOING, "5551234");
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
	struct modemline_call_info info;
	struct modemline_call *call;
	u32 handle;

	call = client_add_call(test, f, &handle);
	KUNIT_ASSERT_PTR_EQ(test, modemline_client_take(f->client, handle, call), call);
	modemline_call_put(call);
	KUNIT_EXPECT_TRUE(test, client_slot_reserved(f, handle));
	KUNIT_EXPECT_EQ(test, f->client->released, handle);
	KUNIT_EXPECT_NULL(test, modemline_client_get(f->client, handle));
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

static void client_get_handle_zero_is_null_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	u32 handle;

	client_add_call(test, f, &handle);
	KUNIT_EXPECT_NULL(test, modemline_client_get(f->client, 0));
}

static void client_get_unknown_handle_is_null_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	u32 handle;

	client_add_call(test, f, &handle);
	KUNIT_EXPECT_NULL(test, modemline_client_get(f->client, handle + 1));
	KUNIT_EXPECT_NULL(test, modemline_client_get(f->client, U32_MAX));
}

static void client_get_reserved_unpublished_is_null_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	u32 handle = client_reserve(test, f);

	KUNIT_EXPECT_NULL(test, modemline_client_get(f->client, handle));
}

static void client_get_published_takes_reference_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_call *call, *got;
	unsigned int refs;
	u32 handle;

	call = client_add_call(test, f, &handle);
	refs = kref_read(&call->ref);
	got = modemline_client_get(f->client, handle);
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

static void client_get_after_take_is_null_test(struct kunit *test)
{
	struct client_fixture *f = client_new(test, 8);
	struct modemline_call *call;
	u32 handle;

	call = client_add_call(test, f, &handle);
	KUNIT_ASSERT_PTR_EQ(test, modemline_client_take(f->client, handle, call), call);
	modemline_call_put(call);
	KUNIT_EXPECT_NULL(test, modemline_client_get(f->client, handle));
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
	got = modemline_client_get(f->client, ha);
	KUNIT_EXPECT_PTR_EQ(test, got, a);
	if (got)
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
	KUNIT_CASE(client_get_handle_zero_is_null_test),
	KUNIT_CASE(client_get_unknown_handle_is_null_test),
	KUNIT_CASE(client_get_reserved_unpublished_is_null_test),
	KUNIT_CASE(client_get_published_takes_reference_test),
	KUNIT_CASE(client_take_returns_call_once_test),
	KUNIT_CASE(client_get_after_take_is_null_test),
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

kunit_test_suites(&client_handle_test_suite, &client_lookup_test_suite,
		  &client_list_test_suite);

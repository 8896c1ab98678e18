// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the sets of lines a file subscribed to, for events or to
 * monitor: line 0 stands for every line, adding twice keeps one entry,
 * removing what is not there is -ENOENT, and a removed line's entry is
 * spent.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "modemline.h"

KUNIT_DEFINE_ACTION_WRAPPER(subset_clear_action, modemline_subset_clear,
			    struct modemline_subset *);

static struct modemline_subset *subset_new(struct kunit *test)
{
	struct modemline_subset *set;

	set = kunit_kzalloc(test, sizeof(*set), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, set);
	modemline_subset_init(set);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, subset_clear_action,
							set), 0);
	return set;
}

/* Add @line_id, with an entry the set takes or the test frees. */
static void subset_add(struct kunit *test, struct modemline_subset *set,
		       u32 line_id)
{
	struct modemline_sub *sub = kzalloc_obj(*sub, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, sub);
	modemline_subset_add(set, line_id, &sub);
	kfree(sub);
}

static void subset_empty_matches_nothing_test(struct kunit *test)
{
	struct modemline_subset *set = subset_new(test);

	KUNIT_EXPECT_FALSE(test, modemline_subset_match(set, 1, false));
}

static void subset_line_zero_matches_every_line_test(struct kunit *test)
{
	struct modemline_subset *set = subset_new(test);

	subset_add(test, set, 0);
	KUNIT_EXPECT_TRUE(test, modemline_subset_match(set, 1, false));
	KUNIT_EXPECT_TRUE(test, modemline_subset_match(set, U32_MAX, false));
	KUNIT_EXPECT_TRUE(test, list_empty(&set->lines));
}

static void subset_add_twice_keeps_one_entry_test(struct kunit *test)
{
	struct modemline_subset *set = subset_new(test);
	struct modemline_sub *found;

	subset_add(test, set, 7);
	subset_add(test, set, 7);
	KUNIT_EXPECT_TRUE(test, modemline_subset_match(set, 7, false));
	KUNIT_EXPECT_FALSE(test, modemline_subset_match(set, 8, false));
	KUNIT_ASSERT_EQ(test, modemline_subset_del(set, 7, &found), 0);
	kfree(found);
	KUNIT_EXPECT_TRUE(test, list_empty(&set->lines));
}

static void subset_del_absent_enoent_test(struct kunit *test)
{
	struct modemline_subset *set = subset_new(test);
	struct modemline_sub *found;

	subset_add(test, set, 7);
	KUNIT_EXPECT_EQ(test, modemline_subset_del(set, 8, &found), -ENOENT);
	KUNIT_EXPECT_NULL(test, found);
	KUNIT_EXPECT_EQ(test, modemline_subset_del(set, 0, &found), -ENOENT);
}

/* Unsubscribing from every line leaves the lines subscribed one by one. */
static void subset_del_zero_keeps_lines_test(struct kunit *test)
{
	struct modemline_subset *set = subset_new(test);
	struct modemline_sub *found;

	subset_add(test, set, 0);
	subset_add(test, set, 7);
	KUNIT_ASSERT_EQ(test, modemline_subset_del(set, 0, &found), 0);
	KUNIT_EXPECT_NULL(test, found);
	KUNIT_EXPECT_TRUE(test, modemline_subset_match(set, 7, false));
	KUNIT_EXPECT_FALSE(test, modemline_subset_match(set, 8, false));
}

/* Line ids are never reused: a removed line's entry goes. */
static void subset_match_spend_removes_entry_test(struct kunit *test)
{
	struct modemline_subset *set = subset_new(test);

	subset_add(test, set, 7);
	KUNIT_EXPECT_TRUE(test, modemline_subset_match(set, 7, true));
	KUNIT_EXPECT_FALSE(test, modemline_subset_match(set, 7, false));
	KUNIT_EXPECT_TRUE(test, list_empty(&set->lines));
}

/* Empty means no line and not every line: the file can leave its list. */
static void subset_empty_until_a_line_or_zero_test(struct kunit *test)
{
	struct modemline_subset *set = subset_new(test);
	struct modemline_sub *found;

	KUNIT_EXPECT_TRUE(test, modemline_subset_empty(set));
	subset_add(test, set, 0);
	KUNIT_EXPECT_FALSE(test, modemline_subset_empty(set));
	subset_add(test, set, 7);
	KUNIT_ASSERT_EQ(test, modemline_subset_del(set, 0, &found), 0);
	KUNIT_EXPECT_FALSE(test, modemline_subset_empty(set));
	KUNIT_ASSERT_EQ(test, modemline_subset_del(set, 7, &found), 0);
	kfree(found);
	KUNIT_EXPECT_TRUE(test, modemline_subset_empty(set));
}

static struct kunit_case subset_test_cases[] = {
	KUNIT_CASE(subset_empty_matches_nothing_test),
	KUNIT_CASE(subset_line_zero_matches_every_line_test),
	KUNIT_CASE(subset_add_twice_keeps_one_entry_test),
	KUNIT_CASE(subset_del_absent_enoent_test),
	KUNIT_CASE(subset_del_zero_keeps_lines_test),
	KUNIT_CASE(subset_match_spend_removes_entry_test),
	KUNIT_CASE(subset_empty_until_a_line_or_zero_test),
	{}
};

static struct kunit_suite subset_test_suite = {
	.name = "modemline_subset",
	.test_cases = subset_test_cases,
};

kunit_test_suites(&subset_test_suite);

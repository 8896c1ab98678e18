// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the lazily queued deadline of deadline.h. Arming later than the
 * queued run and disarming touch no timer; arming earlier does; a run
 * that comes early queues itself again for the time left; a due deadline
 * acts once. Deadlines are seconds away so that no run comes on its own:
 * the tests make the work run now, as an early timer would.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/mutex.h>

#include "deadline.h"

#define FAR_MS		20000
#define NEAR_MS		10000

struct dl_fixture {
	struct mutex lock;		/* protects @d and @acted */
	struct modemline_deadline d;
	unsigned int acted;
};

static void dl_work(struct work_struct *work)
{
	struct dl_fixture *f = container_of(to_delayed_work(work),
					    struct dl_fixture, d.work);

	mutex_lock(&f->lock);
	if (modemline_deadline_due(&f->d))
		f->acted++;
	mutex_unlock(&f->lock);
}

static int dl_init(struct kunit *test)
{
	struct dl_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	modemline_deadline_init(&f->d, dl_work);
	test->priv = f;
	return 0;
}

static void dl_exit(struct kunit *test)
{
	struct dl_fixture *f = test->priv;

	cancel_delayed_work_sync(&f->d.work);
}

/*
 * The jiffies the clock may show while something runs: a time computed
 * inside it as "now + offset" lies in [@lo, @hi]. The clock may tick in
 * between, more than once in a slow guest, so tests compare with that
 * window and not with one value.
 */
struct dl_window {
	unsigned long lo, hi;
};

static bool dl_in(unsigned long t, struct dl_window w)
{
	return !time_before(t, w.lo) && !time_after(t, w.hi);
}

/* Arm @ms from now; the window of the resulting deadline. */
static struct dl_window dl_arm(struct dl_fixture *f, unsigned int ms)
{
	unsigned long delay = msecs_to_jiffies(ms);
	struct dl_window w = { .lo = jiffies + delay };

	mutex_lock(&f->lock);
	modemline_deadline_arm(&f->d, ms);
	mutex_unlock(&f->lock);
	w.hi = jiffies + delay;
	return w;
}

/* Run the work now, as a timer that fires early would. */
static void dl_run_now(struct dl_fixture *f)
{
	mod_delayed_work(system_wq, &f->d.work, 0);
	flush_delayed_work(&f->d.work);
}

/* Move the deadline to now without touching the work. */
static void dl_expire(struct dl_fixture *f)
{
	mutex_lock(&f->lock);
	f->d.expires = jiffies;
	mutex_unlock(&f->lock);
}

static void dl_first_arming_queues_work_test(struct kunit *test)
{
	struct dl_fixture *f = test->priv;

	struct dl_window w = dl_arm(f, FAR_MS);

	KUNIT_EXPECT_TRUE(test, f->d.armed);
	KUNIT_EXPECT_TRUE(test, f->d.pending);
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&f->d.work));
	KUNIT_EXPECT_TRUE(test, dl_in(f->d.expires, w));
	KUNIT_EXPECT_TRUE(test, dl_in(f->d.work.timer.expires, w));
	KUNIT_EXPECT_TRUE(test, dl_in(f->d.queued, w));
}

static void dl_later_arming_leaves_timer_test(struct kunit *test)
{
	struct dl_fixture *f = test->priv;
	unsigned long queued;

	dl_arm(f, NEAR_MS);
	queued = f->d.work.timer.expires;
	dl_arm(f, FAR_MS);
	KUNIT_EXPECT_EQ(test, f->d.work.timer.expires, queued);
	KUNIT_EXPECT_TRUE(test, time_after(f->d.expires, queued));
}

static void dl_earlier_arming_moves_timer_test(struct kunit *test)
{
	struct dl_fixture *f = test->priv;
	unsigned long queued;
	struct dl_window w;

	dl_arm(f, FAR_MS);
	queued = f->d.work.timer.expires;
	w = dl_arm(f, NEAR_MS);
	KUNIT_EXPECT_TRUE(test, time_before(f->d.work.timer.expires, queued));
	KUNIT_EXPECT_TRUE(test, dl_in(f->d.work.timer.expires, w));
}

static void dl_disarmed_run_does_nothing_test(struct kunit *test)
{
	struct dl_fixture *f = test->priv;

	dl_arm(f, FAR_MS);
	mutex_lock(&f->lock);
	modemline_deadline_disarm(&f->d);
	mutex_unlock(&f->lock);
	/* Disarming leaves the work queued: it is a store. */
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&f->d.work));
	dl_expire(f);
	dl_run_now(f);
	KUNIT_EXPECT_EQ(test, f->acted, 0U);
	KUNIT_EXPECT_FALSE(test, f->d.pending);
	KUNIT_EXPECT_FALSE(test, delayed_work_pending(&f->d.work));
}

static void dl_early_run_requeues_for_rest_test(struct kunit *test)
{
	struct dl_fixture *f = test->priv;
	struct dl_window w;
	unsigned long j0;

	dl_arm(f, FAR_MS);
	j0 = jiffies;
	dl_run_now(f);
	/* Queued for the time left: late by at most the ticks the run took. */
	w.lo = f->d.expires;
	w.hi = f->d.expires + (jiffies - j0);
	KUNIT_EXPECT_EQ(test, f->acted, 0U);
	KUNIT_EXPECT_TRUE(test, f->d.armed);
	KUNIT_EXPECT_TRUE(test, f->d.pending);
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&f->d.work));
	KUNIT_EXPECT_TRUE(test, dl_in(f->d.work.timer.expires, w));
}

static void dl_due_run_acts_once_test(struct kunit *test)
{
	struct dl_fixture *f = test->priv;

	dl_arm(f, FAR_MS);
	dl_expire(f);
	dl_run_now(f);
	KUNIT_EXPECT_EQ(test, f->acted, 1U);
	KUNIT_EXPECT_FALSE(test, f->d.armed);
	dl_run_now(f);
	KUNIT_EXPECT_EQ(test, f->acted, 1U);
}

static void dl_arming_after_run_queues_again_test(struct kunit *test)
{
	struct dl_fixture *f = test->priv;
	struct dl_window w;

	dl_arm(f, FAR_MS);
	dl_expire(f);
	dl_run_now(f);
	KUNIT_ASSERT_FALSE(test, delayed_work_pending(&f->d.work));
	w = dl_arm(f, FAR_MS);
	KUNIT_EXPECT_TRUE(test, delayed_work_pending(&f->d.work));
	KUNIT_EXPECT_TRUE(test, dl_in(f->d.work.timer.expires, w));
}

static struct kunit_case dl_test_cases[] = {
	KUNIT_CASE(dl_first_arming_queues_work_test),
	KUNIT_CASE(dl_later_arming_leaves_timer_test),
	KUNIT_CASE(dl_earlier_arming_moves_timer_test),
	KUNIT_CASE(dl_disarmed_run_does_nothing_test),
	KUNIT_CASE(dl_early_run_requeues_for_rest_test),
	KUNIT_CASE(dl_due_run_acts_once_test),
	KUNIT_CASE(dl_arming_after_run_queues_again_test),
	{}
};

static struct kunit_suite dl_test_suite = {
	.name = "modemline_deadline",
	.init = dl_init,
	.exit = dl_exit,
	.test_cases = dl_test_cases,
};

kunit_test_suite(dl_test_suite);

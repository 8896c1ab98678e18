/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A deadline served by a delayed work that is queued lazily.
 *
 * A call arms and disarms its line's timeout at every step (dial,
 * connect, drop, disconnect), and the AT engine moves its timer on most
 * received lines. Each mod_delayed_work() or cancel_delayed_work() grabs
 * the work's pending bit and the timer base lock. Here, disarming and
 * moving the deadline later are plain stores: the work is queued only
 * when it would otherwise run too late, and a run that comes too early
 * (or finds the deadline disarmed) queues itself again for what is left,
 * or does nothing. A deadline is served no later than a work queued for
 * it alone would serve it.
 *
 * A lock of the owner protects the struct: call every function here with
 * it held, the work function's call of modemline_deadline_due() included.
 * The work function must call modemline_deadline_due() on every run.
 * Teardown: cancel_delayed_work_sync(&d->work) once nothing arms it.
 */
#ifndef _MODEMLINE_DEADLINE_H
#define _MODEMLINE_DEADLINE_H

#include <linux/jiffies.h>
#include <linux/workqueue.h>

struct modemline_deadline {
	struct delayed_work work;
	unsigned long expires;	/* jiffies: when to act, if @armed */
	unsigned long queued;	/* jiffies: when the work runs, if @pending */
	bool armed;
	/* Queued, or running and not yet through modemline_deadline_due(). */
	bool pending;
};

static inline void modemline_deadline_init(struct modemline_deadline *d,
					   work_func_t fn)
{
	INIT_DELAYED_WORK(&d->work, fn);
	d->armed = false;
	d->pending = false;
}

static inline void modemline_deadline_queue(struct modemline_deadline *d,
					    unsigned long delay)
{
	mod_delayed_work(system_wq, &d->work, delay);
	/* Read after the queueing: never earlier than the timer's expiry. */
	d->queued = jiffies + delay;
	d->pending = true;
}

/* Act @ms milliseconds from now; replaces any earlier arming. */
static inline void modemline_deadline_arm(struct modemline_deadline *d,
					  unsigned int ms)
{
	unsigned long delay = msecs_to_jiffies(ms);

	d->expires = jiffies + delay;
	d->armed = true;
	if (!d->pending || time_after(d->queued, d->expires))
		modemline_deadline_queue(d, delay);
}

/* Do not act; a queued run finds nothing to do. */
static inline void modemline_deadline_disarm(struct modemline_deadline *d)
{
	d->armed = false;
}

/*
 * In the work function: true if the deadline has come, which disarms it;
 * false if it is disarmed, or not yet due, in which case the work is
 * queued again for the time left.
 */
static inline bool modemline_deadline_due(struct modemline_deadline *d)
{
	unsigned long now = jiffies;

	d->pending = false;
	if (!d->armed)
		return false;
	/* One read of jiffies: a tick between two would wrap the delay. */
	if (time_before(now, d->expires)) {
		modemline_deadline_queue(d, d->expires - now);
		return false;
	}
	d->armed = false;
	return true;
}

#endif /* _MODEMLINE_DEADLINE_H */

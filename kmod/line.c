// SPDX-License-Identifier: GPL-2.0
/*
 * modemline lines: the registry, the transport interface of line.h, and
 * the subscriptions that carry line events to open files.
 *
 * A line is referenced by its transport, by the registry while it is
 * registered, by every call made on it and by ioctls working on it. When
 * it is removed it is marked dead under its ctl mutex, so no op runs
 * afterwards, its call ends with origin SYSTEM, and it leaves the
 * registry; the object itself lives on until its last call is released.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/error-injection.h>
#include <linux/jiffies.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "modemline.h"

/* Registered lines by id; ids are allocated cyclically, never reused. */
static DEFINE_XARRAY_ALLOC1(modemline_lines);
static u32 modemline_next_line_id;	/* under the xa_lock of modemline_lines */

/* Protects modemline_clients and, in every client on it, client->subs. */
static DEFINE_SPINLOCK(modemline_subs_lock);
static LIST_HEAD(modemline_clients);	/* clients with a subscription */

static void modemline_line_timeout(struct work_struct *work);

/**
 * modemline_line_create - make a line for a transport
 * @ops:       the transport's operations
 * @transport: MODEMLINE_TRANSPORT_*
 * @name:      shown in LINE_INFO, truncated to MODEMLINE_NAME_LEN - 1
 * @priv:      the transport's data, see modemline_line_priv()
 *
 * Return: the line, holding one reference for the caller, or NULL.
 */
struct modemline_line *modemline_line_create(const struct modemline_line_ops *ops,
					     u32 transport, const char *name,
					     void *priv)
{
	struct modemline_line *line;

	line = kzalloc_obj(*line, GFP_KERNEL_ACCOUNT);
	if (!line)
		return NULL;
	kref_init(&line->ref);
	line->ops = ops;
	line->transport = transport;
	line->priv = priv;
	strscpy_pad(line->name, name, sizeof(line->name));
	mutex_init(&line->ctl);
	spin_lock_init(&line->lock);
	spin_lock_init(&line->tx_lock);
	modemline_deadline_init(&line->timeout, modemline_line_timeout);
	return line;
}
EXPORT_SYMBOL_GPL(modemline_line_create);
ALLOW_ERROR_INJECTION(modemline_line_create, NULL);

static void modemline_line_release(struct kref *ref)
{
	struct modemline_line *line = container_of(ref, struct modemline_line, ref);

	mutex_destroy(&line->ctl);
	kfifo_free(&line->rx_spare);
	kfree_rcu(line, rcu);
}

void modemline_line_put(struct modemline_line *line)
{
	kref_put(&line->ref, modemline_line_release);
}
EXPORT_SYMBOL_GPL(modemline_line_put);

void *modemline_line_priv(struct modemline_line *line)
{
	return line->priv;
}
EXPORT_SYMBOL_GPL(modemline_line_priv);

u32 modemline_line_id(struct modemline_line *line)
{
	return line->id;
}
EXPORT_SYMBOL_GPL(modemline_line_id);

/* The default DIAL/ANSWER timeout of this line; 0: the module parameter. */
void modemline_line_set_dial_timeout(struct modemline_line *line,
				     unsigned int ms)
{
	WRITE_ONCE(line->dial_timeout_ms, ms);
}
EXPORT_SYMBOL_GPL(modemline_line_set_dial_timeout);

unsigned int modemline_line_get_dial_timeout(struct modemline_line *line)
{
	return READ_ONCE(line->dial_timeout_ms);
}
EXPORT_SYMBOL_GPL(modemline_line_get_dial_timeout);

/*
 * The longest a local hang-up of the line's current call can take (the
 * transport sets it before each call, from the settings of that call).
 * 0: the transport gives none, and only the module parameter applies.
 */
void modemline_line_set_hangup_ms(struct modemline_line *line, unsigned int ms)
{
	WRITE_ONCE(line->hangup_ms, ms);
}
EXPORT_SYMBOL_GPL(modemline_line_set_hangup_ms);

/*
 * When the core ends a DISCONNECTING call itself: after the transport's
 * budget and a margin, so that the transport's own end (which leaves the
 * line ready for the next call) comes first; never before the module
 * parameter.
 */
unsigned int modemline_line_hangup_timeout(struct modemline_line *line)
{
	unsigned int budget = READ_ONCE(line->hangup_ms);
	unsigned int ms = READ_ONCE(modemline_hangup_timeout_ms);

	return budget ? max(ms, budget + MODEMLINE_HANGUP_MARGIN_MS) : ms;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_line_hangup_timeout);

/* Queue @ev for the files subscribed to @line_id (or to all lines). */
static void modemline_subs_notify(struct modemline_event *ev, bool removed)
{
	struct modemline_client *client, *next;

	spin_lock(&modemline_subs_lock);
	list_for_each_entry_safe(client, next, &modemline_clients, sub_node) {
		if (modemline_subset_match(&client->subs, ev->line_id, removed))
			modemline_client_event(client, ev);
		if (modemline_subset_empty(&client->subs))
			list_del_init(&client->sub_node);
	}
	spin_unlock(&modemline_subs_lock);
}

static void modemline_line_event(struct modemline_line *line, u32 type,
				 u32 reason)
{
	struct modemline_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.timestamp_ns = ktime_get_boottime_ns();
	ev.type = type;
	ev.line_id = line->id;
	ev.reason = reason;
	if (type == MODEMLINE_EVENT_CALL_OFFERED)
		memcpy(ev.number, line->offered_number, sizeof(ev.number));
	modemline_subs_notify(&ev, type == MODEMLINE_EVENT_LINE_REMOVED);
}

/**
 * modemline_line_register - publish a line created by a transport
 * @line: the line, not yet registered
 *
 * Return: 0 or -ENOMEM / -EBUSY (no free id).
 */
int modemline_line_register(struct modemline_line *line)
{
	int err;

	kref_get(&line->ref);
	err = xa_alloc_cyclic(&modemline_lines, &line->id, line, xa_limit_32b,
			      &modemline_next_line_id, GFP_KERNEL);
	if (err < 0) {
		modemline_line_put(line);
		return err;
	}
	pr_debug("line %u (%s) registered\n", line->id, line->name);
	modemline_line_event(line, MODEMLINE_EVENT_LINE_ADDED, 0);
	return 0;
}
EXPORT_SYMBOL_GPL(modemline_line_register);

/**
 * modemline_line_remove - the line's modem is gone
 * @line:   a registered line
 * @reason: MODEMLINE_REASON_LINE_REMOVED or MODEMLINE_REASON_SHUTDOWN
 *
 * Ends the line's call with origin SYSTEM and @reason, tells the
 * subscribers, and unregisters the line. Once this returns no op of the
 * line runs again. Must not be called from inside an op.
 */
void modemline_line_remove(struct modemline_line *line, u32 reason)
{
	struct modemline_call *put = NULL;
	struct kfifo spare = {};

	xa_erase(&modemline_lines, line->id);

	mutex_lock(&line->ctl);
	spin_lock(&line->lock);
	line->dead = true;
	line->offering = false;
	/* No call comes any more: the lent ring goes now, not with the line. */
	swap(spare, line->rx_spare);
	if (line->active)
		put = modemline_call_input(line->active, MODEMLINE_IN_END,
					   MODEMLINE_ORIGIN_SYSTEM, reason, 0,
					   NULL);
	modemline_line_unlock(line);
	mutex_unlock(&line->ctl);
	kfifo_free(&spare);
	/* Nothing re-arms the timeout of a dead line. */
	cancel_delayed_work_sync(&line->timeout.work);

	pr_debug("line %u (%s) removed, reason %u\n", line->id, line->name, reason);
	modemline_line_event(line, MODEMLINE_EVENT_LINE_REMOVED, reason);
	modemline_monitors_line_removed(line->id);
	if (put)
		modemline_call_put(put);
	modemline_line_put(line);
}
EXPORT_SYMBOL_GPL(modemline_line_remove);

/**
 * modemline_line_unlock - drop line->lock after modemline_call_input()
 * @line: the line, its lock held
 *
 * A call that stopped being connected may owe its transport an
 * rx_resume (see modemline_data_call_left()); it is given here, outside
 * the lock, unless the line is dead (its transport stops anyway). The
 * transport is alive: either the caller holds line->ctl or the
 * transport itself is reporting an end.
 */
void modemline_line_unlock(struct modemline_line *line)
	__releases(&line->lock)
{
	bool resume = line->rx_resume && !line->dead;

	line->rx_resume = false;
	spin_unlock(&line->lock);
	if (resume)
		line->ops->rx_resume(line);
}

/* Returns a referenced line, or NULL if @id is not registered. */
struct modemline_line *modemline_line_get_by_id(u32 id)
{
	struct modemline_line *line;

	/* Lines are freed after a grace period (modemline_line_release()). */
	rcu_read_lock();
	line = xa_load(&modemline_lines, id);
	if (line && !kref_get_unless_zero(&line->ref))
		line = NULL;
	rcu_read_unlock();
	return line;
}

void modemline_line_arm_timeout_locked(struct modemline_line *line,
				       unsigned int ms)
{
	lockdep_assert_held(&line->lock);
	if (!line->dead)
		modemline_deadline_arm(&line->timeout, ms);
}

/*
 * The dial/answer timeout and the hang-up guard share one deadline: a
 * line has one call in progress, and each arming replaces the last.
 */
static void modemline_line_timeout(struct work_struct *work)
{
	struct modemline_line *line = container_of(to_delayed_work(work),
						   struct modemline_line,
						   timeout.work);
	struct modemline_call *call, *put = NULL;
	bool hangup = false;
	u32 old;

	mutex_lock(&line->ctl);
	spin_lock(&line->lock);
	call = line->active;
	if (modemline_deadline_due(&line->timeout) && call) {
		old = call->state;
		put = modemline_call_input(call, MODEMLINE_IN_TIMEOUT,
					   MODEMLINE_ORIGIN_SYSTEM,
					   MODEMLINE_REASON_DIAL_TIMEOUT, 0, NULL);
		hangup = old != MODEMLINE_STATE_DISCONNECTING &&
			 call->state == MODEMLINE_STATE_DISCONNECTING;
	}
	modemline_line_unlock(line);
	if (hangup)
		line->ops->hangup(line);
	mutex_unlock(&line->ctl);
	if (put)
		modemline_call_put(put);
}

/* The modem connected the line's call. */
static void modemline_line_connect(struct modemline_line *line, u32 rate,
				   const char *result, bool voice)
{
	spin_lock(&line->lock);
	if (line->active) {
		if (voice)
			line->active->voice = true;
		modemline_call_input(line->active, MODEMLINE_IN_CONNECT, 0, 0,
				     rate, result);
	}
	modemline_line_unlock(line);
}

void modemline_line_connected(struct modemline_line *line, u32 rate,
			      const char *result)
{
	modemline_line_connect(line, rate, result, false);
}
EXPORT_SYMBOL_GPL(modemline_line_connected);

/*
 * As modemline_line_connected(), for a voice call, which carries no
 * data: also one the modem took for voice though its ring did not say so
 * (a 3GPP modem answers a voice call's ATA with OK).
 */
void modemline_line_connected_voice(struct modemline_line *line,
				    const char *result)
{
	modemline_line_connect(line, 0, result, true);
}
EXPORT_SYMBOL_GPL(modemline_line_connected_voice);

/* The remote party of the line's voice call is being alerted. */
void modemline_line_alerting(struct modemline_line *line)
{
	spin_lock(&line->lock);
	if (line->active)
		modemline_call_input(line->active, MODEMLINE_IN_ALERTING, 0, 0,
				     0, NULL);
	modemline_line_unlock(line);
}
EXPORT_SYMBOL_GPL(modemline_line_alerting);

/*
 * The network's reason for the end of the line's call (3GPP +CEER), to
 * keep in its record; reported just before modemline_line_ended().
 */
void modemline_line_cause(struct modemline_line *line, const char *cause)
{
	spin_lock(&line->lock);
	if (line->active)
		strscpy_pad(line->active->live->cause, cause,
			    sizeof(line->active->live->cause));
	spin_unlock(&line->lock);
}
EXPORT_SYMBOL_GPL(modemline_line_cause);

/*
 * What the line's modem speaks (MODEMLINE_DIALECT_*): shown in LINE_INFO,
 * and only a 3GPP line makes voice calls. Takes effect from the next call.
 */
void modemline_line_set_dialect(struct modemline_line *line, u32 dialect)
{
	spin_lock(&line->lock);
	line->dialect = dialect;
	spin_unlock(&line->lock);
}
EXPORT_SYMBOL_GPL(modemline_line_set_dialect);

/* The line's call ended: a failed dial, a remote hang-up, our hang-up done. */
void modemline_line_ended(struct modemline_line *line, u32 origin, u32 reason,
			  const char *result)
{
	struct modemline_call *put = NULL;

	spin_lock(&line->lock);
	if (line->active)
		put = modemline_call_input(line->active, MODEMLINE_IN_END,
					   origin, reason, 0, result);
	modemline_line_unlock(line);
	if (put)
		modemline_call_put(put);
}
EXPORT_SYMBOL_GPL(modemline_line_ended);

/*
 * One RING, with the caller id if known. The first RING offers a call to
 * the subscribers; caller id usually comes between the first and second
 * RING, so they hear again once it is known.
 */
static void modemline_line_offered(struct modemline_line *line,
				   const char *number, bool voice)
{
	bool tell;

	spin_lock(&line->lock);
	if (line->dead || line->active) {
		spin_unlock(&line->lock);
		return;
	}
	tell = !line->offering;
	line->offering = true;
	line->offered_voice = voice;
	line->rings++;
	if (number && *number && !line->offered_number[0]) {
		strscpy_pad(line->offered_number, number,
			    sizeof(line->offered_number));
		tell = true;
	}
	if (tell)
		modemline_line_event(line, MODEMLINE_EVENT_CALL_OFFERED, 0);
	spin_unlock(&line->lock);
}

void modemline_line_offer(struct modemline_line *line, const char *number)
{
	modemline_line_offered(line, number, false);
}
EXPORT_SYMBOL_GPL(modemline_line_offer);

/* As modemline_line_offer(), for a voice call (3GPP "+CRING: VOICE"). */
void modemline_line_offer_voice(struct modemline_line *line, const char *number)
{
	modemline_line_offered(line, number, true);
}
EXPORT_SYMBOL_GPL(modemline_line_offer_voice);

/* The caller gave up before the call was answered. */
void modemline_line_offer_end(struct modemline_line *line)
{
	struct modemline_call *put = NULL;

	spin_lock(&line->lock);
	line->offering = false;
	line->rings = 0;
	memset(line->offered_number, 0, sizeof(line->offered_number));
	if (line->active && line->active->state == MODEMLINE_STATE_ANSWERING)
		put = modemline_call_input(line->active, MODEMLINE_IN_END,
					   MODEMLINE_ORIGIN_REMOTE,
					   MODEMLINE_REASON_REJECTED, 0, NULL);
	modemline_line_unlock(line);
	if (put)
		modemline_call_put(put);
}
EXPORT_SYMBOL_GPL(modemline_line_offer_end);

/* Fill @ids with up to @max line ids; returns how many exist. */
u32 modemline_line_list(u32 *ids, u32 max)
{
	struct modemline_line *line;
	unsigned long id;
	u32 n = 0;

	xa_lock(&modemline_lines);
	xa_for_each(&modemline_lines, id, line) {
		if (n < max)
			ids[n] = id;
		n++;
	}
	xa_unlock(&modemline_lines);
	return n;
}

void modemline_line_fill_info(struct modemline_line *line,
			      struct modemline_line_info *info)
{
	spin_lock(&line->lock);
	info->flags = (line->offering ? MODEMLINE_LINE_OFFERING : 0) |
		      (line->offering && line->offered_voice ?
		       MODEMLINE_LINE_OFFERING_VOICE : 0) |
		      (line->active ? MODEMLINE_LINE_BUSY : 0);
	info->dialect = line->dialect;
	info->transport = line->transport;
	info->rings = line->rings;
	memcpy(info->name, line->name, sizeof(info->name));
	memcpy(info->offered_number, line->offered_number,
	       sizeof(info->offered_number));
	info->calls = line->calls;
	info->calls_connected = line->calls_connected;
	info->calls_failed = line->calls_failed;
	spin_unlock(&line->lock);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_line_fill_info);

int modemline_subscribe(struct modemline_client *client, u32 line_id)
{
	struct modemline_sub *sub;
	int err = 0;

	sub = kzalloc_obj(*sub, GFP_KERNEL_ACCOUNT);
	if (!sub)
		return -ENOMEM;

	spin_lock(&modemline_subs_lock);
	/*
	 * Looked up under the lock that LINE_REMOVED is sent under, after
	 * modemline_line_remove() unregistered the line: a line still
	 * registered here sends its LINE_REMOVED to this subscription too,
	 * and one already unregistered is refused. (xa_load() takes only
	 * RCU, not the registry's xa_lock, which comes before this one.)
	 */
	if (line_id && !modemline_line_registered(line_id)) {
		err = -ENOENT;
		goto out;
	}
	if (list_empty(&client->sub_node))
		list_add_tail(&client->sub_node, &modemline_clients);
	modemline_subset_add(&client->subs, line_id, &sub);
out:
	spin_unlock(&modemline_subs_lock);
	kfree(sub);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_subscribe);

int modemline_unsubscribe(struct modemline_client *client, u32 line_id)
{
	struct modemline_sub *found;
	int err;

	spin_lock(&modemline_subs_lock);
	err = modemline_subset_del(&client->subs, line_id, &found);
	/* Off the list every line event walks once it wants none. */
	if (modemline_subset_empty(&client->subs))
		list_del_init(&client->sub_node);
	spin_unlock(&modemline_subs_lock);
	kfree(found);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_unsubscribe);

/* Called when the file goes: after this no line event reaches @client. */
void modemline_unsubscribe_all(struct modemline_client *client)
{
	spin_lock(&modemline_subs_lock);
	list_del_init(&client->sub_node);
	modemline_subset_clear(&client->subs);
	spin_unlock(&modemline_subs_lock);
}

/* Whether @line_id is registered now; for lookups under a later lock. */
bool modemline_line_registered(u32 line_id)
{
	return xa_load(&modemline_lines, line_id);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * modemline client: the state of one open /dev/modemline, above all its
 * handle table. Handles are allocated cyclically from 1, so a released
 * handle is not handed out again at once, and are reserved (as an empty
 * slot) before a call starts so that its events already carry the handle.
 * The last released handle stays reserved until the next one is allocated
 * (see @released): reserved slots read as absent everywhere.
 *
 * An entry is either the call itself (the owner's handle) or a struct
 * modemline_watch tagged MODEMLINE_ENTRY_MONITOR (a monitor's handle);
 * each holds one reference on the call. The call is freed when the last
 * of them, and of everyone else's references, is put, after an RCU grace
 * period: lookups walk the table under RCU (modemline_client_entry()),
 * and CALL_INFO reads a shed record with no reference at all. The xarray
 * frees its nodes and monitor entries are freed (kfree_rcu()) the same
 * way.
 */
#include <linux/err.h>
#include <linux/error-injection.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "modemline.h"

struct modemline_client *modemline_client_create(u32 max_calls, u32 max_events)
{
	struct modemline_client *client;

	client = kzalloc_obj(*client, GFP_KERNEL_ACCOUNT);
	if (!client)
		return NULL;
	if (modemline_evq_init(&client->events, max_events)) {
		kfree(client);
		return NULL;
	}
	xa_init_flags(&client->calls, XA_FLAGS_ALLOC1);
	client->max_calls = max_calls;
	client->api = MODEMLINE_API_1;
	INIT_LIST_HEAD(&client->sub_node);
	modemline_subset_init(&client->subs);
	INIT_LIST_HEAD(&client->mon_node);
	modemline_subset_init(&client->mons);
	return client;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_client_create);
ALLOW_ERROR_INJECTION(modemline_client_create, NULL);

static bool modemline_entry_is_monitor(void *entry)
{
	return xa_pointer_tag(entry) == MODEMLINE_ENTRY_MONITOR;
}

static struct modemline_call *modemline_entry_call(void *entry)
{
	struct modemline_watch *watch;

	if (!modemline_entry_is_monitor(entry))
		return entry;
	watch = xa_untag_pointer(entry);
	return watch->call;
}

/*
 * Let go of a handle already taken out of its table: an owner's call is
 * dropped first if @drop, and gets no more events; a monitor's handle
 * leaves the call, which goes on.
 */
void modemline_client_let_go(void *entry, bool drop)
{
	struct modemline_call *call = modemline_entry_call(entry);
	struct modemline_watch *watch;

	if (modemline_entry_is_monitor(entry)) {
		watch = xa_untag_pointer(entry);
		spin_lock(&call->line->lock);
		hlist_del(&watch->node);
		spin_unlock(&call->line->lock);
		kfree_rcu(watch, rcu);
	} else {
		modemline_call_disown(call);
		if (drop)
			modemline_call_drop(call);
	}
	modemline_call_put(call);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_client_let_go);

/* The file is closed: terminate and release every call it holds. */
void modemline_client_destroy(struct modemline_client *client)
{
	unsigned long handle;
	void *entry;

	modemline_unsubscribe_all(client);
	modemline_unmonitor_all(client);
	xa_for_each(&client->calls, handle, entry) {
		xa_erase(&client->calls, handle);
		modemline_client_let_go(entry, true);
	}
	xa_destroy(&client->calls);
	modemline_evq_destroy(&client->events);
	kfree(client);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_client_destroy);

/* Reserve a handle: -EMFILE at the file's limit, -ENOMEM, else 0. */
int modemline_client_reserve(struct modemline_client *client, u32 *handle)
{
	int err;

	xa_lock(&client->calls);
	if (client->ncalls >= client->max_calls) {
		xa_unlock(&client->calls);
		return -EMFILE;
	}
	/* Counted first: the allocation may drop the lock to sleep. */
	client->ncalls++;
	err = __xa_alloc_cyclic(&client->calls, handle, NULL, xa_limit_32b,
				&client->next_handle, GFP_KERNEL_ACCOUNT);
	if (err < 0) {
		client->ncalls--;
	} else if (client->released) {
		/* The new slot holds the nodes now: let the old one go. */
		__xa_erase(&client->calls, client->released);
		client->released = 0;
	}
	xa_unlock(&client->calls);
	return err < 0 ? err : 0;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_client_reserve);
ALLOW_ERROR_INJECTION(modemline_client_reserve, ERRNO);

void modemline_client_unreserve(struct modemline_client *client, u32 handle)
{
	xa_lock(&client->calls);
	__xa_erase(&client->calls, handle);
	client->ncalls--;
	xa_unlock(&client->calls);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_client_unreserve);

/* Fill a reserved handle; the table takes over the caller's reference. */
void modemline_client_publish(struct modemline_client *client, u32 handle,
			      struct modemline_call *call)
{
	/* The slot exists since the reservation: storing cannot fail. */
	WARN_ON_ONCE(xa_is_err(xa_store(&client->calls, handle, call,
					GFP_KERNEL_ACCOUNT)));
}
EXPORT_SYMBOL_IF_KUNIT(modemline_client_publish);

/*
 * The entry of @handle, NULL if none; the caller holds rcu_read_lock().
 * xa_load() but for its own rcu_read_lock(), which costs a call each way
 * on the hot path of CALL_INFO.
 */
static void *modemline_client_entry(struct modemline_client *client,
				    u32 handle)
{
	XA_STATE(xas, &client->calls, handle);
	void *entry;

	do {
		entry = xas_load(&xas);
		/* A reserved slot reads as absent (xas_retry() would spin). */
		if (xa_is_zero(entry))
			entry = NULL;
	} while (xas_retry(&xas, entry));
	return entry;
}

/*
 * The call of a table @entry, with a reference; NULL if none is left (it
 * was released after the entry left the table). The caller holds
 * rcu_read_lock(), which keeps the record from being freed meanwhile.
 */
static struct modemline_call *modemline_entry_get(void *entry)
{
	struct modemline_call *call = modemline_entry_call(entry);

	return kref_get_unless_zero(&call->ref) ? call : NULL;
}

/*
 * The call @handle names, with a reference, and in *@entry the table's
 * entry, or an error pointer: -ENOENT, or -EPERM if @owned and the
 * handle is a monitor's.
 */
static struct modemline_call *modemline_client_lookup(struct modemline_client *client,
						      u32 handle, bool owned,
						      void **entry)
{
	struct modemline_call *call = ERR_PTR(-ENOENT);

	rcu_read_lock();
	*entry = modemline_client_entry(client, handle);
	if (*entry && owned && modemline_entry_is_monitor(*entry))
		call = ERR_PTR(-EPERM);
	else if (*entry)
		call = modemline_entry_get(*entry) ?: ERR_PTR(-ENOENT);
	rcu_read_unlock();
	return call;
}

/*
 * The call @handle names, with a reference, if it is the owner's handle;
 * else -ENOENT or -EPERM (a monitor's handle).
 */
struct modemline_call *modemline_client_get_owned(struct modemline_client *client,
						  u32 handle)
{
	void *entry;

	return modemline_client_lookup(client, handle, true, &entry);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_client_get_owned);

/* Empty a published @handle; the table's xa_lock is held. */
static void modemline_client_empty_locked(struct modemline_client *client,
					  u32 handle)
{
	/*
	 * Reserved, not erased: storing NULL in an allocating xarray
	 * reserves, and the slot exists, so storing cannot fail.
	 */
	WARN_ON_ONCE(xa_is_err(__xa_store(&client->calls, handle, NULL, 0)));
	if (client->released)
		__xa_erase(&client->calls, client->released);
	client->released = handle;
	client->ncalls--;
}

/*
 * Remove @handle if it still holds @entry (for an owner's handle, the
 * call) and return it, with the table's reference, for
 * modemline_client_let_go(). Of two threads releasing one handle,
 * exactly one gets the entry; the other gets NULL.
 */
void *modemline_client_take(struct modemline_client *client, u32 handle,
			    void *entry)
{
	void *cur;

	xa_lock(&client->calls);
	cur = xa_load(&client->calls, handle);
	if (cur == entry)
		modemline_client_empty_locked(client, handle);
	xa_unlock(&client->calls);
	return cur == entry ? entry : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_client_take);

/**
 * modemline_client_release - DEALLOCATE: let go of a handle
 * @client: the file
 * @handle: its handle
 * @drop:   drop a call that has not ended (owner only)
 *
 * Return: 0, -ENOENT (no such handle, or another thread released it
 * first), -EPERM (@drop on a monitor's handle) or -EBUSY (an owner's call
 * that has not ended, without @drop).
 */
int modemline_client_release(struct modemline_client *client, u32 handle,
			     bool drop)
{
	struct modemline_call *call;
	bool monitor;
	void *entry;
	int err = 0;

	call = modemline_client_lookup(client, handle, false, &entry);
	if (IS_ERR(call))
		return PTR_ERR(call);
	monitor = modemline_entry_is_monitor(entry);
	if (monitor && drop)
		err = -EPERM;
	else if (!monitor && !drop && !modemline_call_ended(call))
		err = -EBUSY;
	else if (!modemline_client_take(client, handle, entry))
		err = -ENOENT;
	else
		modemline_client_let_go(entry, drop);
	modemline_call_put(call);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_client_release);

/**
 * modemline_client_handoff - CALL_HANDOFF: move an owner's handle
 * @client:     the file that owns the call
 * @handle:     its handle there, as modemline_client_get_owned() found it
 * @call:       the call
 * @to:         another file
 * @new_handle: a handle reserved in @to
 *
 * Under both tables' locks: a concurrent release of @handle (which takes
 * @client's) either wins or finds nothing. Handle lookups take no table
 * lock, so the order is what they see: @new_handle resolves before
 * anything names it; the owner changes and the CALL_HANDOFF event is
 * queued under the line's lock, so @to gets it before any CALL_STATE
 * under @new_handle; and @handle stops resolving only after that, so
 * each CALL_STATE @client got until then names a handle that resolved.
 *
 * Return: 0, or -ENOENT if another thread released @handle meanwhile,
 * in which case @new_handle is still reserved, for the caller to
 * unreserve.
 */
int modemline_client_handoff(struct modemline_client *client, u32 handle,
			     struct modemline_call *call,
			     struct modemline_client *to, u32 new_handle)
{
	/* The tables share one lock class: taken in address order. */
	struct modemline_client *first = client < to ? client : to;
	struct modemline_client *second = client < to ? to : client;
	struct modemline_event ev;
	int err = -ENOENT;

	/* One table lock taken twice would deadlock; the ioctl refuses it. */
	if (WARN_ON_ONCE(client == to))
		return -EINVAL;
	xa_lock(&first->calls);
	xa_lock_nested(&second->calls, SINGLE_DEPTH_NESTING);
	if (xa_load(&client->calls, handle) == call) {
		/*
		 * The table's reference moves with the handle. The slot
		 * exists since the reservation: storing cannot fail.
		 */
		WARN_ON_ONCE(xa_is_err(__xa_store(&to->calls, new_handle, call, 0)));
		spin_lock(&call->line->lock);
		call->client = to;
		call->handle = new_handle;
		modemline_call_event(call, MODEMLINE_EVENT_CALL_HANDOFF,
				     new_handle, ktime_get_boottime_ns(), &ev);
		modemline_client_event(to, &ev);
		spin_unlock(&call->line->lock);
		modemline_client_empty_locked(client, handle);
		err = 0;
	}
	xa_unlock(&second->calls);
	xa_unlock(&first->calls);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_client_handoff);

/* Queue CALL_NEW for a monitor's new handle; the line's lock is held. */
static void modemline_client_announce(struct modemline_watch *watch)
{
	struct modemline_event ev;

	modemline_call_event(watch->call, MODEMLINE_EVENT_CALL_NEW,
			     watch->handle, ktime_get_boottime_ns(), &ev);
	modemline_client_event(watch->client, &ev);
}

/* The monitor could not have a handle: tell it, like lost events. */
static void modemline_client_missed(struct modemline_client *client,
				    struct modemline_call *call)
{
	struct modemline_event ev;

	WRITE_ONCE(client->missed, client->missed + 1);
	spin_lock(&call->line->lock);
	modemline_call_event(call, MODEMLINE_EVENT_CALL_MISSED, 0,
			     ktime_get_boottime_ns(), &ev);
	ev.lost = client->missed;
	modemline_client_event(client, &ev);
	spin_unlock(&call->line->lock);
}

/**
 * modemline_client_watch - give a monitoring file a handle to @call
 * @client: the monitor, on the monitors' list (modemline_monitors_lock)
 * @call:   a call that has started
 *
 * The handle is announced by a CALL_NEW event, queued before any
 * CALL_STATE event of it. A file at its max_calls, or out of memory, gets
 * a CALL_MISSED event instead.
 */
void modemline_client_watch(struct modemline_client *client,
			    struct modemline_call *call)
{
	struct modemline_watch *watch;

	watch = kzalloc_obj(*watch, GFP_KERNEL_ACCOUNT);
	if (!watch || modemline_client_reserve(client, &watch->handle)) {
		kfree(watch);
		modemline_client_missed(client, call);
		return;
	}
	watch->client = client;
	watch->call = call;
	kref_get(&call->ref);
	/*
	 * Published, joined and announced in one step for the table and
	 * the call: CALL_NEW comes before any CALL_STATE of the handle, and
	 * names a handle that resolves (lookups take no table lock, so the
	 * handle is stored first). The slot exists since the reservation:
	 * storing cannot fail.
	 */
	xa_lock(&client->calls);
	WARN_ON_ONCE(xa_is_err(__xa_store(&client->calls, watch->handle,
					  xa_tag_pointer(watch, MODEMLINE_ENTRY_MONITOR),
					  0)));
	spin_lock(&call->line->lock);
	hlist_add_head(&watch->node, &call->monitors);
	modemline_client_announce(watch);
	spin_unlock(&call->line->lock);
	xa_unlock(&client->calls);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_client_watch);

/*
 * The record of @handle. A retained record no longer changes, and RCU
 * keeps it, its texts and its line from being freed: it is read with
 * neither a lock nor a reference, the fast path. A call that has not
 * ended is read under its line's lock, with a reference for the time.
 */
int modemline_client_info(struct modemline_client *client, u32 handle,
			  struct modemline_call_info *info)
{
	struct modemline_call *call;
	void *entry;

	rcu_read_lock();
	entry = modemline_client_entry(client, handle);
	if (!entry)
		goto gone;
	call = modemline_entry_call(entry);
	info->flags = modemline_entry_is_monitor(entry) ?
		      MODEMLINE_CALL_INFO_MONITOR : 0;
	if (modemline_call_is_shed(call)) {
		modemline_call_fill_info(call, info);
		rcu_read_unlock();
	} else {
		call = modemline_entry_get(entry);
		if (!call)
			goto gone;
		rcu_read_unlock();
		spin_lock(&call->line->lock);
		modemline_call_fill_info(call, info);
		spin_unlock(&call->line->lock);
		modemline_call_put(call);
	}
	/*
	 * A file of API 1 knows no voice calls: a RINGBACK call still
	 * dials, and the VOICE flag is not shown.
	 */
	if (READ_ONCE(client->api) < MODEMLINE_API_2) {
		if (info->state == MODEMLINE_STATE_RINGBACK)
			info->state = MODEMLINE_STATE_DIALING;
		info->flags &= ~MODEMLINE_CALL_INFO_VOICE;
	}
	return 0;
gone:
	rcu_read_unlock();
	return -ENOENT;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_client_info);

/*
 * Handles a walk of the whole table reads per hold of its lock: a file
 * may hold 100,000 records, and its DIAL, CALL_INFO and DEALLOCATE must
 * not spin behind a walk of them all, nor the CPU go unscheduled.
 */
#define MODEMLINE_WALK_BATCH	64

/*
 * In an xa_for_each() walk of @client's table, under its lock: let the
 * lock go after every MODEMLINE_WALK_BATCH entries. xa_find_after() goes
 * on from the last index, lock or no lock; a handle made or released
 * meanwhile is seen or not, as if the walk had read it a moment earlier
 * or later.
 */
static void modemline_client_walk_pause(struct modemline_client *client,
					unsigned int *n)
{
	if (++*n % MODEMLINE_WALK_BATCH)
		return;
	xa_unlock(&client->calls);
	cond_resched();
	xa_lock(&client->calls);
}

/* Fill @ids with up to @max handles; returns how many are held. */
u32 modemline_client_list(struct modemline_client *client, u32 *ids, u32 max)
{
	unsigned long handle;
	unsigned int walked = 0;
	void *entry;
	u32 n = 0;

	xa_lock(&client->calls);
	xa_for_each(&client->calls, handle, entry) {
		if (n < max)
			ids[n] = handle;
		n++;
		modemline_client_walk_pause(client, &walked);
	}
	xa_unlock(&client->calls);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_client_list);

/* What @client holds and pins, for its fdinfo; walks the whole table. */
void modemline_client_stats(struct modemline_client *client,
			    struct modemline_client_stats *st)
{
	struct modemline_call *call;
	unsigned long handle;
	unsigned int n = 0;
	bool monitor;
	void *entry;

	memset(st, 0, sizeof(*st));
	st->kernel_bytes = sizeof(*client) +
			   client->events.cap * sizeof(*client->events.ring);
	xa_lock(&client->calls);
	xa_for_each(&client->calls, handle, entry) {
		call = modemline_entry_call(entry);
		monitor = modemline_entry_is_monitor(entry);
		spin_lock(&call->line->lock);
		if (monitor)
			st->monitor_handles++;
		else if (call->state == MODEMLINE_STATE_DISCONNECTED)
			st->calls_ended++;
		else
			st->calls_live++;
		if (call->state == MODEMLINE_STATE_DISCONNECTED &&
		    (!st->oldest_ended_ns || call->disconnected_ns < st->oldest_ended_ns))
			st->oldest_ended_ns = call->disconnected_ns;
		st->kernel_bytes += modemline_call_bytes(call) +
				    (monitor ? sizeof(struct modemline_watch) : 0);
		spin_unlock(&call->line->lock);
		modemline_client_walk_pause(client, &n);
	}
	xa_unlock(&client->calls);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_client_stats);

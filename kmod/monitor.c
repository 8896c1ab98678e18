// SPDX-License-Identifier: GPL-2.0
/*
 * modemline monitors: files that asked (SUBSCRIBE with
 * MODEMLINE_SUBSCRIBE_MONITOR) for a handle of their own to every call
 * created on some lines. The handles are made when a call has started,
 * before its owner's DIAL or ANSWER returns; making one allocates, so
 * the monitoring files are kept under a mutex, not under the spinlock of
 * line event subscriptions.
 */
#include <linux/slab.h>

#include "modemline.h"

/*
 * Protects modemline_monitors and, in every client on it, client->mons
 * and client->missed; modemline_monitors_attach() alone looks at the
 * list without it, to see whether it is empty. A client on the list is
 * alive: its file's release takes it off (modemline_unmonitor_all())
 * before anything else. A client whose set became empty leaves the list.
 */
static DEFINE_MUTEX(modemline_monitors_lock);
static LIST_HEAD(modemline_monitors);

int modemline_monitor(struct modemline_client *client, u32 line_id)
{
	struct modemline_sub *sub;
	int err = 0;

	sub = kzalloc_obj(*sub, GFP_KERNEL_ACCOUNT);
	if (!sub)
		return -ENOMEM;

	mutex_lock(&modemline_monitors_lock);
	/*
	 * A line removed after this check spends the entry in
	 * modemline_monitors_line_removed(), which waits for this lock.
	 */
	if (line_id && !modemline_line_registered(line_id)) {
		err = -ENOENT;
		goto out;
	}
	if (list_empty(&client->mon_node))
		list_add_tail(&client->mon_node, &modemline_monitors);
	modemline_subset_add(&client->mons, line_id, &sub);
out:
	mutex_unlock(&modemline_monitors_lock);
	kfree(sub);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_monitor);

int modemline_unmonitor(struct modemline_client *client, u32 line_id)
{
	struct modemline_sub *found;
	int err;

	mutex_lock(&modemline_monitors_lock);
	err = modemline_subset_del(&client->mons, line_id, &found);
	/* Off the list every new call walks once it monitors nothing. */
	if (modemline_subset_empty(&client->mons))
		list_del_init(&client->mon_node);
	mutex_unlock(&modemline_monitors_lock);
	kfree(found);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_unmonitor);

/* Called when the file goes: after this no call gets a handle in @client. */
void modemline_unmonitor_all(struct modemline_client *client)
{
	mutex_lock(&modemline_monitors_lock);
	list_del_init(&client->mon_node);
	modemline_subset_clear(&client->mons);
	mutex_unlock(&modemline_monitors_lock);
}

/* Line ids are never reused: monitoring a removed line is spent. */
void modemline_monitors_line_removed(u32 line_id)
{
	struct modemline_client *client, *next;

	mutex_lock(&modemline_monitors_lock);
	list_for_each_entry_safe(client, next, &modemline_monitors, mon_node) {
		modemline_subset_match(&client->mons, line_id, true);
		if (modemline_subset_empty(&client->mons))
			list_del_init(&client->mon_node);
	}
	mutex_unlock(&modemline_monitors_lock);
}

/*
 * @call has just started on its line (line->ctl held, so the line is not
 * being removed meanwhile): give every file that monitors the
 * line a handle to it. The owner's file is not skipped: it asked to see
 * every call, its own too.
 */
void modemline_monitors_attach(struct modemline_call *call)
{
	struct modemline_client *client;
	u32 line_id = call->line->id;

	/*
	 * Most systems have no monitoring file: no lock then. A SUBSCRIBE
	 * that returned before this call started (in the same thread, or
	 * ordered before it by anything else: a lock, a pipe) is seen; one
	 * running meanwhile may miss it, as the ABI says.
	 */
	if (list_empty_careful(&modemline_monitors))
		return;
	mutex_lock(&modemline_monitors_lock);
	list_for_each_entry(client, &modemline_monitors, mon_node) {
		if (modemline_subset_match(&client->mons, line_id, false))
			modemline_client_watch(client, call);
	}
	mutex_unlock(&modemline_monitors_lock);
}

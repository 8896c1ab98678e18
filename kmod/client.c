// SPDX-License-Identifier: GPL-2.0
/*
 * modemline client: the state of one open /dev/modemline, above all its
 * handle table. Handles are allocated cyclically from 1, so a released
 * handle is not handed out again at once, and are reserved (as an empty
 * slot) before a call starts so that its events already carry the handle.
 * The last released handle stays reserved until the next one is allocated
 * (see @released): reserved slots read as absent everywhere.
 */
#include <linux/error-injection.h>
#include <linux/slab.h>

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
	INIT_LIST_HEAD(&client->sub_node);
	INIT_LIST_HEAD(&client->subs);
	return client;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_client_create);
ALLOW_ERROR_INJECTION(modemline_client_create, NULL);

/* The file is closed: terminate and release every call it holds. */
void modemline_client_destroy(struct modemline_client *client)
{
	struct modemline_call *call;
	unsigned long handle;

	modemline_unsubscribe_all(client);
	xa_for_each(&client->calls, handle, call) {
		xa_erase(&client->calls, handle);
		modemline_call_disown(call);
		modemline_call_drop(call);
		modemline_call_put(call);
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

/* Returns the call @handle names, with a reference, or NULL. */
struct modemline_call *modemline_client_get(struct modemline_client *client,
					    u32 handle)
{
	struct modemline_call *call;

	xa_lock(&client->calls);
	call = xa_load(&client->calls, handle);
	if (call)
		kref_get(&call->ref);
	xa_unlock(&client->calls);
	return call;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_client_get);

/*
 * Remove @handle if it still names @call. Of two threads releasing one
 * handle, exactly one gets the table's reference; the other gets NULL.
 */
struct modemline_call *modemline_client_take(struct modemline_client *client,
					     u32 handle,
					     struct modemline_call *call)
{
	struct modemline_call *cur;

	xa_lock(&client->calls);
	cur = xa_load(&client->calls, handle);
	if (cur == call) {
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
	xa_unlock(&client->calls);
	return cur == call ? call : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_client_take);

/* The record of @handle, without taking a reference: the fast path. */
int modemline_client_info(struct modemline_client *client, u32 handle,
			  struct modemline_call_info *info)
{
	struct modemline_call *call;
	int err = -ENOENT;

	xa_lock(&client->calls);
	call = xa_load(&client->calls, handle);
	if (call) {
		spin_lock(&call->line->lock);
		modemline_call_fill_info(call, info);
		spin_unlock(&call->line->lock);
		err = 0;
	}
	xa_unlock(&client->calls);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_client_info);

/* Fill @ids with up to @max handles; returns how many are held. */
u32 modemline_client_list(struct modemline_client *client, u32 *ids, u32 max)
{
	struct modemline_call *call;
	unsigned long handle;
	u32 n = 0;

	xa_lock(&client->calls);
	xa_for_each(&client->calls, handle, call) {
		if (n < max)
			ids[n] = handle;
		n++;
	}
	xa_unlock(&client->calls);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_client_list);

// SPDX-License-Identifier: GPL-2.0
/*
 * modemline: call sessions on modem lines.
 *
 * /dev/modemline, its file operations and the ioctl decoding. Every
 * ioctl copies its whole argument in, checks every input field, acts,
 * and copies out a struct built from zero. The ABI is documented in
 * uapi/linux/modemline.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/math64.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "modemline.h"

static unsigned int max_calls = 1024;
module_param(max_calls, uint, 0644);
MODULE_PARM_DESC(max_calls, "Calls, live or retained, one open file may hold (default 1024)");

static unsigned int max_events = 256;
module_param(max_events, uint, 0644);
MODULE_PARM_DESC(max_events, "Events queued per open file before they are dropped (default 256, 1..65536)");

unsigned int modemline_dial_timeout_ms = 60000;
module_param_named(dial_timeout_ms, modemline_dial_timeout_ms, uint, 0644);
MODULE_PARM_DESC(dial_timeout_ms, "Default time a dial or answer may take to connect (default 60000)");

unsigned int modemline_hangup_timeout_ms = 5000;
module_param_named(hangup_timeout_ms, modemline_hangup_timeout_ms, uint, 0644);
MODULE_PARM_DESC(hangup_timeout_ms, "Time after which a local hang-up the modem never completes is forced (default 5000)");

#define MODEMLINE_MAX_EVENTS_LIMIT	65536

/* Hayes dial string characters: digits, tone keys, pauses and modifiers. */
static const char modemline_dial_chars[] = "0123456789*#+,;!@ABCDPTWpw";

static int modemline_check_number(const char *number)
{
	size_t len = strnlen(number, MODEMLINE_NUMBER_LEN);

	if (len == 0 || len == MODEMLINE_NUMBER_LEN)
		return -EINVAL;
	if (strspn(number, modemline_dial_chars) != len)
		return -EINVAL;
	return 0;
}

/*
 * Copy up to @count ids, collected by @fill, to the user's array. @fill
 * stores up to @max ids and returns how many exist.
 */
static long modemline_ioc_id_list(void __user *argp, void *ctx,
				  u32 (*fill)(void *ctx, u32 *ids, u32 max))
{
	struct modemline_id_list list;
	u32 total, n;
	u32 *ids;
	long err = 0;

	if (copy_from_user(&list, argp, sizeof(list)))
		return -EFAULT;
	if (list.flags)
		return -EINVAL;
	/*
	 * Ids that appear between counting and filling must not make the
	 * count returned exceed the ids written (min(in, out) are promised):
	 * when the array was too small for the ids now there, and smaller
	 * than what the caller gave room for, count again.
	 */
	for (;;) {
		n = min(list.count, fill(ctx, NULL, 0));
		ids = kvmalloc_array(n ?: 1, sizeof(*ids), GFP_KERNEL);
		if (!ids)
			return -ENOMEM;
		total = fill(ctx, ids, n);
		if (total <= n || n == list.count)
			break;
		kvfree(ids);
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	n = min(n, total);
	if (n && copy_to_user(u64_to_user_ptr(list.ids), ids, n * sizeof(*ids)))
		err = -EFAULT;
	list.count = total;
	if (!err && copy_to_user(argp, &list, sizeof(list)))
		err = -EFAULT;
	kvfree(ids);
	return err;
}

static u32 modemline_fill_lines(void *ctx, u32 *ids, u32 max)
{
	return modemline_line_list(ids, max);
}

static u32 modemline_fill_calls(void *ctx, u32 *ids, u32 max)
{
	return modemline_client_list(ctx, ids, max);
}

static long modemline_ioc_line_info(struct modemline_client *client,
				    void __user *argp)
{
	struct modemline_line_info in, out;
	struct modemline_line *line;

	if (copy_from_user(&in, argp, sizeof(in)))
		return -EFAULT;
	/* @dialect is output: a struct can be passed again as it came back. */
	if (in.reserved32 || in.reserved)
		return -EINVAL;
	line = modemline_line_get_by_id(in.line_id);
	if (!line)
		return -ENOENT;
	memset(&out, 0, sizeof(out));
	out.line_id = in.line_id;
	modemline_line_fill_info(line, &out);
	modemline_line_put(line);
	/* Programs of API 1 know no voice calls: the flag is not theirs. */
	if (READ_ONCE(client->api) < MODEMLINE_API_2)
		out.flags &= ~MODEMLINE_LINE_OFFERING_VOICE;
	return copy_to_user(argp, &out, sizeof(out)) ? -EFAULT : 0;
}

static long modemline_ioc_subscribe(struct modemline_client *client,
				    void __user *argp, bool subscribe)
{
	struct modemline_subscribe sub;

	if (copy_from_user(&sub, argp, sizeof(sub)))
		return -EFAULT;
	if (sub.flags & ~MODEMLINE_SUBSCRIBE_MONITOR)
		return -EINVAL;
	if (!(sub.flags & MODEMLINE_SUBSCRIBE_MONITOR))
		return subscribe ? modemline_subscribe(client, sub.line_id) :
				   modemline_unsubscribe(client, sub.line_id);
	if (!subscribe)
		return modemline_unmonitor(client, sub.line_id);
	/* A monitor sees every number dialed, by anyone. */
	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	return modemline_monitor(client, sub.line_id);
}

/*
 * Create a call on @line_id and start it. On success the handle is
 * published and stored in *@handle.
 */
static long modemline_new_call(struct modemline_client *client, u32 line_id,
			       u32 direction, const char *number, bool voice,
			       u32 timeout_ms, u32 *handle)
{
	struct modemline_line *line;
	struct modemline_call *call;
	long err;

	line = modemline_line_get_by_id(line_id);
	if (!line)
		return -ENOENT;
	if (!timeout_ms)
		timeout_ms = modemline_line_get_dial_timeout(line) ?:
			     READ_ONCE(modemline_dial_timeout_ms);
	call = modemline_call_alloc(line, direction, number, voice);
	modemline_line_put(line);	/* the call holds its own reference */
	if (!call)
		return -ENOMEM;

	err = modemline_client_reserve(client, handle);
	if (err)
		goto put;
	call->handle = *handle;
	err = modemline_call_start(call, client, timeout_ms);
	if (err) {
		modemline_client_unreserve(client, *handle);
		goto put;
	}
	modemline_client_publish(client, *handle, call);
	return 0;
put:
	modemline_call_put(call);
	return err;
}

static long modemline_ioc_dial(struct modemline_client *client,
			       void __user *argp)
{
	struct modemline_dial dial;
	long err;

	if (copy_from_user(&dial, argp, sizeof(dial)))
		return -EFAULT;
	if ((dial.flags & ~MODEMLINE_DIAL_VOICE) || dial.reserved)
		return -EINVAL;
	if (modemline_check_number(dial.number))
		return -EINVAL;
	err = modemline_new_call(client, dial.line_id, MODEMLINE_DIR_OUTGOING,
				 dial.number, dial.flags & MODEMLINE_DIAL_VOICE,
				 dial.timeout_ms, &dial.call);
	if (err)
		return err;
	if (copy_to_user(argp, &dial, sizeof(dial))) {
		modemline_client_release(client, dial.call, true);
		return -EFAULT;
	}
	return 0;
}

static long modemline_ioc_answer(struct modemline_client *client,
				 void __user *argp)
{
	struct modemline_answer answer;
	long err;

	if (copy_from_user(&answer, argp, sizeof(answer)))
		return -EFAULT;
	if (answer.flags || answer.reserved)
		return -EINVAL;
	/* Whether it is a voice call, the offer says (call_start). */
	err = modemline_new_call(client, answer.line_id, MODEMLINE_DIR_INCOMING,
				 "", false, 0, &answer.call);
	if (err)
		return err;
	if (copy_to_user(argp, &answer, sizeof(answer))) {
		modemline_client_release(client, answer.call, true);
		return -EFAULT;
	}
	return 0;
}

static long modemline_ioc_drop(struct modemline_client *client,
			       void __user *argp)
{
	struct modemline_call_op op;
	struct modemline_call_live *live;
	struct modemline_call *call;
	long err = 0;

	if (copy_from_user(&op, argp, sizeof(op)))
		return -EFAULT;
	if (op.flags & ~MODEMLINE_DROP_WAIT)
		return -EINVAL;
	call = modemline_client_get_owned(client, op.call);
	if (IS_ERR(call))
		return PTR_ERR(call);
	modemline_call_drop(call);
	/*
	 * Restarting repeats a drop that is already under way: harmless.
	 * The live part, its queue, outlives the end while we wait on it;
	 * a call that shed it has ended.
	 */
	live = op.flags & MODEMLINE_DROP_WAIT ? modemline_call_live_get(call) : NULL;
	if (live) {
		err = wait_event_interruptible(live->wait,
					       modemline_call_ended(call));
		modemline_call_live_put(live);
	}
	modemline_call_put(call);
	return err;
}

static long modemline_ioc_deallocate(struct modemline_client *client,
				     void __user *argp)
{
	struct modemline_call_op op;

	if (copy_from_user(&op, argp, sizeof(op)))
		return -EFAULT;
	if (op.flags & ~MODEMLINE_DEALLOCATE_DROP)
		return -EINVAL;
	return modemline_client_release(client, op.call,
					op.flags & MODEMLINE_DEALLOCATE_DROP);
}

/* The version 1 struct ended with @result: what old programs pass. */
static_assert(offsetof(struct modemline_call_info, cause) ==
	      MODEMLINE_CALL_INFO_SIZE_V1);

/* Every byte of it is a field: nothing but the fields reaches the user. */
static_assert(sizeof(struct modemline_call_info) ==
	      offsetofend(struct modemline_call_info, cause));

/*
 * CALL_INFO with the struct of @size bytes: the newest or the first.
 * Inlined in each case of the ioctl, so that @size is a constant; the
 * user's struct is read and written in place (user_*_access_begin()),
 * with neither a call nor a string instruction per copy: this is the
 * hot path of a modem bank that polls its calls.
 */
static __always_inline long modemline_ioc_call_info(struct modemline_client *client,
						    struct modemline_call_info __user *uinfo,
						    size_t size)
{
	struct modemline_call_info info = {};
	long err;

	/* Only @call and @flags are input. */
	if (!user_read_access_begin(uinfo, offsetofend(typeof(info), flags)))
		return -EFAULT;
	unsafe_get_user(info.call, &uinfo->call, fault_in);
	unsafe_get_user(info.flags, &uinfo->flags, fault_in);
	user_read_access_end();
	if (info.flags & ~(MODEMLINE_CALL_INFO_MONITOR | MODEMLINE_CALL_INFO_VOICE))
		return -EINVAL;
	err = modemline_client_info(client, info.call, &info);
	if (err)
		return err;
	if (!user_write_access_begin(uinfo, size))
		return -EFAULT;
	unsafe_copy_to_user((void __user *)uinfo, (const char *)&info, size,
			    fault_out);
	user_write_access_end();
	return 0;
fault_in:
	user_read_access_end();
	return -EFAULT;
fault_out:
	user_write_access_end();
	return -EFAULT;
}

static long modemline_ioc_api(struct modemline_client *client,
			      void __user *argp)
{
	struct modemline_api api;

	if (copy_from_user(&api, argp, sizeof(api)))
		return -EFAULT;
	if (!api.version || api.reserved)
		return -EINVAL;
	api.version = min_t(u32, api.version, MODEMLINE_API_LATEST);
	if (copy_to_user(argp, &api, sizeof(api)))
		return -EFAULT;
	/* Read without a lock where events are queued and records read. */
	WRITE_ONCE(client->api, api.version);
	return 0;
}

static const struct file_operations modemline_fops;

static long modemline_ioc_call_handoff(struct modemline_client *client,
				       void __user *argp)
{
	struct modemline_call_handoff req;
	struct modemline_client *to;
	struct modemline_call *call;
	struct file *target;
	long err;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.flags)
		return -EINVAL;
	/* Held until the end: the target's release cannot run meanwhile. */
	target = fget(req.fd);
	if (!target)
		return -EBADF;
	err = -EBADF;
	if (target->f_op != &modemline_fops)
		goto out;
	to = target->private_data;
	err = -EINVAL;
	if (to == client)
		goto out;
	call = modemline_client_get_owned(client, req.call);
	err = PTR_ERR_OR_ZERO(call);
	if (err)
		goto out;
	err = modemline_client_reserve(to, &req.new_call);
	if (err)
		goto put;
	/* Written before the move, so that a fault leaves the call where it was. */
	if (copy_to_user(argp, &req, sizeof(req)))
		err = -EFAULT;
	else
		err = modemline_client_handoff(client, req.call, call, to,
					       req.new_call);
	if (err)
		modemline_client_unreserve(to, req.new_call);
put:
	modemline_call_put(call);
out:
	fput(target);
	return err;
}

static long modemline_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct modemline_client *client = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case MODEMLINE_IOC_LINE_LIST:
		return modemline_ioc_id_list(argp, NULL, modemline_fill_lines);
	case MODEMLINE_IOC_LINE_INFO:
		return modemline_ioc_line_info(client, argp);
	case MODEMLINE_IOC_SUBSCRIBE:
		return modemline_ioc_subscribe(client, argp, true);
	case MODEMLINE_IOC_UNSUBSCRIBE:
		return modemline_ioc_subscribe(client, argp, false);
	case MODEMLINE_IOC_DIAL:
		return modemline_ioc_dial(client, argp);
	case MODEMLINE_IOC_ANSWER:
		return modemline_ioc_answer(client, argp);
	case MODEMLINE_IOC_DROP:
		return modemline_ioc_drop(client, argp);
	case MODEMLINE_IOC_DEALLOCATE:
		return modemline_ioc_deallocate(client, argp);
	case MODEMLINE_IOC_CALL_INFO:
		return modemline_ioc_call_info(client, argp,
					       sizeof(struct modemline_call_info));
	case MODEMLINE_IOC_CALL_INFO_V1:
		return modemline_ioc_call_info(client, argp,
					       MODEMLINE_CALL_INFO_SIZE_V1);
	case MODEMLINE_IOC_CALL_LIST:
		return modemline_ioc_id_list(argp, client, modemline_fill_calls);
	case MODEMLINE_IOC_CALL_DATA:
		return modemline_ioc_call_data(client, argp);
	case MODEMLINE_IOC_CALL_HANDOFF:
		return modemline_ioc_call_handoff(client, argp);
	case MODEMLINE_IOC_API:
		return modemline_ioc_api(client, argp);
	default:
		return -ENOTTY;
	}
}

static ssize_t modemline_read(struct file *file, char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct modemline_client *client = file->private_data;
	struct modemline_evq *q = &client->events;
	struct modemline_event ev;
	size_t done = 0;
	int err = 0;

	if (count < sizeof(ev))
		return -EINVAL;
	/*
	 * read_mutex is held while events are copied, never while waiting
	 * for one: a non-blocking reader beside a waiting one gets -EAGAIN
	 * at once, not when the waiter's event comes.
	 */
	for (;;) {
		if (mutex_lock_interruptible(&q->read_mutex))
			return -ERESTARTSYS;
		while (count - done >= sizeof(ev) && modemline_evq_peek(q, &ev)) {
			if (copy_to_user(buf + done, &ev, sizeof(ev))) {
				err = -EFAULT;
				break;
			}
			modemline_evq_consume(q);
			done += sizeof(ev);
		}
		mutex_unlock(&q->read_mutex);
		if (done || err)
			break;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		err = wait_event_interruptible(q->wait, !modemline_evq_empty(q));
		if (err)
			break;
	}
	return done ? done : err;
}

static __poll_t modemline_poll(struct file *file, poll_table *wait)
{
	struct modemline_client *client = file->private_data;

	poll_wait(file, &client->events.wait, wait);
	/* Queued, then read empty: pairs with modemline_evq_push()'s. */
	smp_mb();
	return modemline_evq_empty(&client->events) ? 0 : EPOLLIN | EPOLLRDNORM;
}

static int modemline_open(struct inode *inode, struct file *file)
{
	struct modemline_client *client;
	u32 events = clamp_val(READ_ONCE(max_events), 1, MODEMLINE_MAX_EVENTS_LIMIT);

	client = modemline_client_create(READ_ONCE(max_calls), events);
	if (!client)
		return -ENOMEM;
	file->private_data = client;
	return nonseekable_open(inode, file);
}

static int modemline_release(struct inode *inode, struct file *file)
{
	modemline_client_destroy(file->private_data);
	return 0;
}

/* What the file holds and pins, to find the process that leaks records. */
static void modemline_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct modemline_client *client = file->private_data;
	struct modemline_client_stats st;
	u64 lost, age = 0;
	u32 queued;

	modemline_client_stats(client, &st);
	modemline_evq_stats(&client->events, &queued, &lost);
	if (st.oldest_ended_ns)
		age = div_u64(ktime_get_boottime_ns() - st.oldest_ended_ns,
			      NSEC_PER_MSEC);
	seq_printf(m, "ml_calls_live:\t%u\n", st.calls_live);
	seq_printf(m, "ml_calls_ended:\t%u\n", st.calls_ended);
	seq_printf(m, "ml_monitor_handles:\t%u\n", st.monitor_handles);
	seq_printf(m, "ml_oldest_ended_ms:\t%llu\n", age);
	seq_printf(m, "ml_events_queued:\t%u\n", queued);
	seq_printf(m, "ml_events_lost:\t%llu\n", lost);
	seq_printf(m, "ml_calls_missed:\t%u\n", READ_ONCE(client->missed));
	seq_printf(m, "ml_kernel_bytes:\t%llu\n", st.kernel_bytes);
}

static const struct file_operations modemline_fops = {
	.owner = THIS_MODULE,
	.open = modemline_open,
	.release = modemline_release,
	.read = modemline_read,
	.poll = modemline_poll,
	.unlocked_ioctl = modemline_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.show_fdinfo = modemline_show_fdinfo,
};

/* Module-wide, for monitoring systems: ended calls some handle holds. */
static ssize_t retained_calls_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%ld\n", modemline_calls_retained());
}
static DEVICE_ATTR_RO(retained_calls);

static ssize_t retained_bytes_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%zu\n", modemline_calls_retained_bytes());
}
static DEVICE_ATTR_RO(retained_bytes);

static struct attribute *modemline_attrs[] = {
	&dev_attr_retained_calls.attr,
	&dev_attr_retained_bytes.attr,
	NULL
};
ATTRIBUTE_GROUPS(modemline);

static struct miscdevice modemline_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "modemline",
	.fops = &modemline_fops,
	.groups = modemline_groups,
	.mode = 0660,
};

static int __init modemline_init(void)
{
	int err;

	err = modemline_calls_init();
	if (err)
		return err;
	err = modemline_ldisc_init();
	if (err)
		goto calls;
	err = misc_register(&modemline_misc);
	if (err)
		goto ldisc;
	return 0;
ldisc:
	modemline_ldisc_exit();
calls:
	modemline_calls_exit();
	return err;
}
module_init(modemline_init);

static void __exit modemline_exit(void)
{
	misc_deregister(&modemline_misc);
	modemline_ldisc_exit();
	modemline_calls_exit();
}
module_exit(modemline_exit);

MODULE_DESCRIPTION("Call sessions on serial and USB modem lines");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0
/*
 * modemline_sim: simulated modem lines for tests and benchmarks, in the
 * manner of netdevsim. The core does not know these lines are simulated.
 *
 * /sys/kernel/debug/modemline_sim/
 *   new_line             write NAME: create line NAME
 *   lines/NAME/id        the line id
 *   lines/NAME/control   write one command:
 *     dial connect DELAY_MS RATE | dial busy|noanswer|nocarrier|
 *       nodialtone|error DELAY_MS | dial silent
 *     answer connect DELAY_MS RATE | answer nocarrier DELAY_MS |
 *       answer silent
 *     hangup_delay MS      local hang-ups complete after MS
 *     hangup               the remote side hangs up
 *     carrier_lost         carrier drops without a result code
 *     ring [NUMBER]        one RING, with caller id
 *     ring_voice [NUMBER]  the same for a voice call (3GPP "+CRING: VOICE")
 *     ring_stop            the caller gives up
 *     dialect v250|3gpp    what the line says it speaks; 3gpp allows voice
 *                          dials, which the simulated modem treats like
 *                          data dials (the outcome set with "dial")
 *     alerting             a voice call's remote party is being alerted
 *     connect RATE         the remote party answers now (after "dial silent")
 *     cause TEXT           the network's reason for the end of the call in
 *                          progress, kept in its record (3GPP +CEER)
 *     data echo|sink       what the modem does with written data: send it
 *                          back as received data, or swallow it (default)
 *     remove               the modem disappears (later commands: -ENODEV)
 *
 * Unloading the module removes every line with reason SHUTDOWN.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <linux/modemline.h>
#include <kunit/visibility.h>

#include "compat.h"
#include "line.h"
#include "sim.h"

#define SIM_CMD_MAX	80

/* What the simulated modem does with the next dial or answer. */

static struct workqueue_struct *sim_wq;	/* runs removals */
static struct dentry *sim_root;
static struct dentry *sim_lines_dir;
static DEFINE_MUTEX(sim_lock);	/* protects sim_lines */
static LIST_HEAD(sim_lines);

static const struct sim_outcome sim_connect = { .rate = 33600 };

static void sim_outcome_work(struct work_struct *work)
{
	struct sim_line *sim = container_of(to_delayed_work(work),
					    struct sim_line, outcome);
	struct sim_outcome o;
	char text[MODEMLINE_RESULT_LEN];

	spin_lock(&sim->lock);
	o = sim->pending;
	spin_unlock(&sim->lock);
	/* A silent modem never answers, whoever queued this. */
	if (o.silent)
		return;
	if (o.origin) {
		modemline_line_ended(sim->line, o.origin, o.reason, o.result);
		return;
	}
	if (o.rate)
		snprintf(text, sizeof(text), "CONNECT %u", o.rate);
	else
		strscpy(text, "CONNECT", sizeof(text));
	modemline_line_connected(sim->line, o.rate, text);
}

static void sim_hangup_work(struct work_struct *work)
{
	struct sim_line *sim = container_of(to_delayed_work(work),
					    struct sim_line, hangup_done);

	modemline_line_ended(sim->line, MODEMLINE_ORIGIN_LOCAL,
			     MODEMLINE_REASON_NORMAL, "OK");
}

/*
 * Ops run under the line's ctl mutex, so they never overlap. Only they
 * queue work: one that queued none has none to cancel, and a cycle on a
 * line with no delays set costs no cancellation.
 */
static void sim_cancel_outcome(struct sim_line *sim)
{
	if (sim->outcome_queued) {
		cancel_delayed_work_sync(&sim->outcome);
		sim->outcome_queued = false;
	}
}

static void sim_start(struct sim_line *sim, bool answer)
{
	struct sim_outcome o;

	/*
	 * A hang-up still completing, or an outcome still pending (the
	 * remote side ended that attempt first), belongs to the previous
	 * call and must not reach this one.
	 */
	if (sim->hangup_queued) {
		cancel_delayed_work_sync(&sim->hangup_done);
		sim->hangup_queued = false;
	}
	sim_cancel_outcome(sim);
	spin_lock(&sim->lock);
	o = answer ? sim->answer : sim->dial;
	sim->pending = o;
	spin_unlock(&sim->lock);
	if (o.silent)
		return;
	/* No delay: report at once, as a modem answering from its buffer. */
	if (!o.delay_ms) {
		sim_outcome_work(&sim->outcome.work);
		return;
	}
	mod_delayed_work(system_wq, &sim->outcome, msecs_to_jiffies(o.delay_ms));
	sim->outcome_queued = true;
}

/* A voice dial ("dialect 3gpp") gets the outcome set with "dial", too. */
static int sim_dial(struct modemline_line *line, const char *number, bool voice)
{
	sim_start(modemline_line_priv(line), false);
	return 0;
}

static int sim_answer(struct modemline_line *line)
{
	sim_start(modemline_line_priv(line), true);
	return 0;
}

static void sim_hangup(struct modemline_line *line)
{
	struct sim_line *sim = modemline_line_priv(line);
	u32 delay;

	sim_cancel_outcome(sim);
	spin_lock(&sim->lock);
	delay = sim->hangup_delay_ms;
	spin_unlock(&sim->lock);
	if (!delay) {
		sim_hangup_work(&sim->hangup_done.work);
		return;
	}
	mod_delayed_work(system_wq, &sim->hangup_done, msecs_to_jiffies(delay));
	sim->hangup_queued = true;
}

/* An echo takes what the call has room for; the rest waits for rx_resume. */
static ssize_t sim_write(struct modemline_line *line, const u8 *buf, size_t len)
{
	struct sim_line *sim = modemline_line_priv(line);
	bool echo;

	spin_lock(&sim->lock);
	echo = sim->echo;
	spin_unlock(&sim->lock);
	return echo ? modemline_line_data(line, buf, len) : len;
}

/* Room for received bytes is room for the echo: the writer may go on. */
static void sim_rx_resume(struct modemline_line *line)
{
	modemline_line_tx_ready(line);
}

static const struct modemline_line_ops sim_ops = {
	.dial = sim_dial,
	.answer = sim_answer,
	.hangup = sim_hangup,
	.write = sim_write,
	.rx_resume = sim_rx_resume,
};

/* Parse "connect DELAY RATE", "silent" or "<failure> DELAY". */
static int sim_parse_outcome(char *args, struct sim_outcome *o)
{
	static const struct {
		const char *word;
		u32 origin, reason;
		const char *result;
	} failures[] = {
		{ "busy", MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_BUSY, "BUSY" },
		{ "noanswer", MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_NO_ANSWER, "NO ANSWER" },
		{ "nocarrier", MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_NO_CARRIER, "NO CARRIER" },
		{ "nodialtone", MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_NO_DIALTONE,
		  "NO DIALTONE" },
		{ "error", MODEMLINE_ORIGIN_SYSTEM, MODEMLINE_REASON_MODEM_ERROR, "ERROR" },
	};
	char *word = strsep(&args, " ");
	char extra;
	int i;

	memset(o, 0, sizeof(*o));
	if (!word)
		return -EINVAL;
	if (!strcmp(word, "silent")) {
		o->silent = true;
		return args ? -EINVAL : 0;
	}
	if (!strcmp(word, "connect"))
		return args && sscanf(args, "%u %u %c", &o->delay_ms, &o->rate,
				      &extra) == 2 ? 0 : -EINVAL;
	for (i = 0; i < ARRAY_SIZE(failures); i++) {
		if (strcmp(word, failures[i].word))
			continue;
		o->origin = failures[i].origin;
		o->reason = failures[i].reason;
		o->result = failures[i].result;
		return args && sscanf(args, "%u %c", &o->delay_ms, &extra) == 1 ?
		       0 : -EINVAL;
	}
	return -EINVAL;
}

static void sim_remove_work(struct work_struct *work)
{
	struct sim_line *sim = container_of(work, struct sim_line, remove);

	debugfs_remove_recursive(sim->dir);
	modemline_line_put(sim->line);
	kfree(sim);
}

/* End @sim's line: afterwards nothing of it runs, op or work. */
static void sim_stop(struct sim_line *sim, u32 reason)
{
	modemline_line_remove(sim->line, reason);
	/* No op runs any more, and no command (see sim_command): nothing re-queues these. */
	cancel_delayed_work_sync(&sim->outcome);
	cancel_delayed_work_sync(&sim->hangup_done);
}

/* Take @sim off the list and end its line; the caller frees it. */
static void sim_unplug(struct sim_line *sim, u32 reason)
{
	lockdep_assert_held(&sim_lock);
	list_del(&sim->node);
	sim_stop(sim, reason);
}

/* One control command; the commands are listed at the top of this file. */
int sim_command(struct sim_line *sim, char *cmd)
{
	struct sim_outcome o;
	char *word = strsep(&cmd, " ");
	u32 ms, rate;
	int err;

	if (READ_ONCE(sim->gone))
		return -ENODEV;

	if (!strcmp(word, "dial") || !strcmp(word, "answer")) {
		err = sim_parse_outcome(cmd, &o);
		if (err)
			return err;
		spin_lock(&sim->lock);
		if (word[0] == 'd')
			sim->dial = o;
		else
			sim->answer = o;
		spin_unlock(&sim->lock);
		return 0;
	}
	if (!strcmp(word, "hangup_delay")) {
		if (!cmd || kstrtou32(cmd, 10, &ms))
			return -EINVAL;
		spin_lock(&sim->lock);
		sim->hangup_delay_ms = ms;
		spin_unlock(&sim->lock);
		return 0;
	}
	if (!strcmp(word, "data")) {
		if (!cmd || (strcmp(cmd, "echo") && strcmp(cmd, "sink")))
			return -EINVAL;
		spin_lock(&sim->lock);
		sim->echo = !strcmp(cmd, "echo");
		spin_unlock(&sim->lock);
		return 0;
	}
	if (!strcmp(word, "ring") || !strcmp(word, "ring_voice")) {
		if (cmd && (strlen(cmd) >= MODEMLINE_NUMBER_LEN ||
			    strspn(cmd, "0123456789+*#") != strlen(cmd)))
			return -EINVAL;
		if (word[4])
			modemline_line_offer_voice(sim->line, cmd);
		else
			modemline_line_offer(sim->line, cmd);
		return 0;
	}
	if (!strcmp(word, "dialect")) {
		if (!cmd || (strcmp(cmd, "v250") && strcmp(cmd, "3gpp")))
			return -EINVAL;
		modemline_line_set_dialect(sim->line, !strcmp(cmd, "3gpp") ?
					   MODEMLINE_DIALECT_3GPP :
					   MODEMLINE_DIALECT_V250);
		return 0;
	}
	if (!strcmp(word, "connect")) {
		if (!cmd || kstrtou32(cmd, 10, &rate))
			return -EINVAL;
		spin_lock(&sim->lock);
		sim->pending = (struct sim_outcome){ .rate = rate };
		spin_unlock(&sim->lock);
		sim_outcome_work(&sim->outcome.work);
		return 0;
	}
	if (!strcmp(word, "cause")) {
		if (!cmd || strlen(cmd) >= MODEMLINE_CAUSE_LEN)
			return -EINVAL;
		modemline_line_cause(sim->line, cmd);
		return 0;
	}
	if (cmd)
		return -EINVAL;
	if (!strcmp(word, "hangup") || !strcmp(word, "carrier_lost")) {
		/* The attempt this ends must not connect after all. */
		cancel_delayed_work_sync(&sim->outcome);
		if (word[0] == 'h')
			modemline_line_ended(sim->line, MODEMLINE_ORIGIN_REMOTE,
					     MODEMLINE_REASON_NORMAL, "NO CARRIER");
		else
			modemline_line_ended(sim->line, MODEMLINE_ORIGIN_REMOTE,
					     MODEMLINE_REASON_CARRIER_LOST, NULL);
	} else if (!strcmp(word, "ring_stop")) {
		modemline_line_offer_end(sim->line);
	} else if (!strcmp(word, "alerting")) {
		modemline_line_alerting(sim->line);
	} else if (!strcmp(word, "remove")) {
		mutex_lock(&sim_lock);
		/* The control file lives on until the removal work runs. */
		if (sim->gone) {
			mutex_unlock(&sim_lock);
			return -ENODEV;
		}
		/* Read without sim_lock by sim_command(). */
		WRITE_ONCE(sim->gone, true);
		sim_unplug(sim, MODEMLINE_REASON_LINE_REMOVED);
		mutex_unlock(&sim_lock);
		/* Removing our own debugfs file waits for this write. */
		queue_work(sim_wq, &sim->remove);
	} else {
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sim_command);

/* Copy a one-line command from userspace, without its newline. */
static int sim_read_cmd(char *buf, const char __user *ubuf, size_t len)
{
	if (len == 0 || len >= SIM_CMD_MAX)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return 0;
}

static ssize_t sim_control_write(struct file *file, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	struct sim_line *sim = file->private_data;
	char buf[SIM_CMD_MAX];
	int err;

	err = sim_read_cmd(buf, ubuf, len);
	if (!err)
		err = sim_command(sim, buf);
	return err ? err : len;
}

static const struct file_operations sim_control_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = sim_control_write,
};

/* A name is also a debugfs directory name: keep it plain. */
static bool sim_name_valid(const char *name)
{
	size_t len = strlen(name);
	const char *c;

	if (len == 0 || len >= MODEMLINE_NAME_LEN || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return false;
	for (c = name; *c; c++) {
		if (!isalnum(*c) && !strchr("_.-", *c))
			return false;
	}
	return true;
}

/**
 * sim_line_create - a new simulated line, registered, with its files
 * @name: the line's name and directory under lines/
 *
 * Return: the line, or an ERR_PTR: -EINVAL (bad name), -EEXIST, -ENOMEM.
 */
struct sim_line *sim_line_create(const char *name)
{
	struct sim_line *sim, *cur;
	struct dentry *ctl, *id;
	int err;

	if (!sim_name_valid(name))
		return ERR_PTR(-EINVAL);
	sim = kzalloc_obj(*sim, GFP_KERNEL);
	if (!sim)
		return ERR_PTR(-ENOMEM);
	strscpy(sim->name, name, sizeof(sim->name));
	spin_lock_init(&sim->lock);
	sim->dial = sim_connect;
	sim->answer = sim_connect;
	INIT_DELAYED_WORK(&sim->outcome, sim_outcome_work);
	INIT_DELAYED_WORK(&sim->hangup_done, sim_hangup_work);
	INIT_WORK(&sim->remove, sim_remove_work);
	sim->line = modemline_line_create(&sim_ops, MODEMLINE_TRANSPORT_SIM,
					  name, sim);
	if (!sim->line) {
		kfree(sim);
		return ERR_PTR(-ENOMEM);
	}

	mutex_lock(&sim_lock);
	list_for_each_entry(cur, &sim_lines, node) {
		if (!strcmp(cur->name, name)) {
			err = -EEXIST;
			goto fail;
		}
	}
	sim->dir = debugfs_create_dir(name, sim_lines_dir);
	if (IS_ERR(sim->dir)) {
		err = PTR_ERR(sim->dir);
		goto fail;
	}
	err = modemline_line_register(sim->line);
	if (err) {
		debugfs_remove_recursive(sim->dir);
		goto fail;
	}
	sim->id = modemline_line_id(sim->line);
	debugfs_create_u32("id", 0444, sim->dir, &sim->id);
	ctl = debugfs_create_file("control", 0200, sim->dir, sim, &sim_control_fops);
	id = debugfs_lookup("id", sim->dir);
	dput(id);
	/*
	 * Without its files the line could be neither found nor removed.
	 * It was visible meanwhile: a call may have queued work on it.
	 */
	if (IS_ERR(ctl) || !id) {
		debugfs_remove_recursive(sim->dir);
		sim_stop(sim, MODEMLINE_REASON_LINE_REMOVED);
		err = -ENOMEM;
		goto fail;
	}
	list_add_tail(&sim->node, &sim_lines);
	mutex_unlock(&sim_lock);
	return sim;
fail:
	mutex_unlock(&sim_lock);
	modemline_line_put(sim->line);
	kfree(sim);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_IF_KUNIT(sim_line_create);

/*
 * What "remove" does, at once, for callers that do not run in the line's
 * own file. A line already removed by command is freed by its work.
 */
void sim_line_destroy(struct sim_line *sim)
{
	mutex_lock(&sim_lock);
	if (sim->gone) {
		mutex_unlock(&sim_lock);
		return;
	}
	WRITE_ONCE(sim->gone, true);
	sim_unplug(sim, MODEMLINE_REASON_LINE_REMOVED);
	mutex_unlock(&sim_lock);
	sim_remove_work(&sim->remove);
}
EXPORT_SYMBOL_IF_KUNIT(sim_line_destroy);

struct modemline_line *sim_line_line(struct sim_line *sim)
{
	return sim->line;
}
EXPORT_SYMBOL_IF_KUNIT(sim_line_line);

/* Run the pending outcome now, as if its delay had passed. */
void sim_line_flush_outcome(struct sim_line *sim)
{
	flush_delayed_work(&sim->outcome);
}
EXPORT_SYMBOL_IF_KUNIT(sim_line_flush_outcome);

static ssize_t sim_new_line_write(struct file *file, const char __user *ubuf,
				  size_t len, loff_t *ppos)
{
	char buf[SIM_CMD_MAX];

	struct sim_line *sim;
	int err;

	err = sim_read_cmd(buf, ubuf, len);
	if (err)
		return err;
	sim = sim_line_create(buf);
	return IS_ERR(sim) ? PTR_ERR(sim) : len;
}

static const struct file_operations sim_new_line_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = sim_new_line_write,
};

static int __init sim_init(void)
{
	sim_wq = alloc_workqueue("modemline_sim", WQ_UNBOUND, 0);
	if (!sim_wq)
		return -ENOMEM;
	sim_root = debugfs_create_dir("modemline_sim", NULL);
	if (IS_ERR(sim_root)) {
		destroy_workqueue(sim_wq);
		return PTR_ERR(sim_root);
	}
	sim_lines_dir = debugfs_create_dir("lines", sim_root);
	debugfs_create_file("new_line", 0200, sim_root, NULL, &sim_new_line_fops);
	return 0;
}
module_init(sim_init);

static void __exit sim_exit(void)
{
	struct sim_line *sim, *next;

	/*
	 * No new_line or control file is open (they pin the module), so no
	 * command runs and no removal is queued any more: finish those
	 * pending. The id files do not pin the module; removing the tree
	 * waits for their readers, and only then is a line freed.
	 */
	destroy_workqueue(sim_wq);
	debugfs_remove_recursive(sim_root);
	mutex_lock(&sim_lock);
	list_for_each_entry_safe(sim, next, &sim_lines, node) {
		sim_unplug(sim, MODEMLINE_REASON_SHUTDOWN);
		modemline_line_put(sim->line);
		kfree(sim);
	}
	mutex_unlock(&sim_lock);
}
module_exit(sim_exit);

MODULE_DESCRIPTION("Simulated modem lines for modemline tests");
MODULE_LICENSE("GPL");

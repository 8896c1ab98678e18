// SPDX-License-Identifier: GPL-2.0
/*
 * modemline data stream: the bytes a connected call carries, read and
 * written through a file descriptor of its own (CALL_DATA).
 *
 * Received bytes go into the call's bounded ring (live->rx) and wait for
 * the data file's reader. A transport asks for room before it hands bytes
 * over; when there is too little it stops taking bytes from its device
 * and the core calls its rx_resume op once the reader has freed half the
 * ring, so nothing is dropped and nothing grows. Written bytes go to the
 * transport's write op under the line's ctl mutex; a transport that takes
 * fewer than offered calls modemline_line_tx_ready() when it can take
 * more, and the writer tries again.
 *
 * The data file holds a reference on its call and one on the call's
 * live part: both outlive DEALLOCATE and the close of /dev/modemline
 * while the data file is open, and the line object outlives the line's
 * removal.
 * Once the call has ended the file reads what is left, then end of file.
 *
 * The ring is written under line->lock by the transport (one writer at a
 * time) and read without it by the data file's reader (one at a time,
 * under read_lock): a kfifo needs no lock between its one writer and its
 * one reader. The call sheds its live part under line->lock once the
 * call has ended, no data file is open and no unread byte is left, so
 * never under a reader and never with something in it; its empty ring
 * goes to the line for the next call (modemline_call_lend_ring()).
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "modemline.h"

/* Bytes copied from a writer per call into the transport. */
#define MODEMLINE_DATA_TX_CHUNK	2048

/*
 * Neither lock is held while waiting for bytes to read; write_lock is,
 * to keep a blocking write's bytes together, so a non-blocking writer
 * only tries it. Either way O_NONBLOCK never sleeps behind a waiter.
 */
struct modemline_data_file {
	struct modemline_call *call;	/* holds a reference */
	/* call->live when claimed; holds a reference */
	struct modemline_call_live *live;
	struct mutex read_lock;		/* one reader takes bytes at a time */
	struct mutex write_lock;	/* @tx and the order of writes */
	u8 tx[MODEMLINE_DATA_TX_CHUNK];
};

static bool modemline_data_ended_locked(struct modemline_call *call)
{
	return call->state == MODEMLINE_STATE_DISCONNECTING ||
	       call->state == MODEMLINE_STATE_DISCONNECTED;
}

/* The connected call of @line, or NULL; line->lock must be held. */
static struct modemline_call *modemline_data_call_locked(struct modemline_line *line)
{
	struct modemline_call *call = line->active;

	lockdep_assert_held(&line->lock);
	return call && call->state == MODEMLINE_STATE_CONNECTED ? call : NULL;
}

/**
 * modemline_line_rx_room - how many received bytes the line can take
 * @line: the line
 * @need: the least the transport can use
 *
 * Return: the room in the connected call's ring, or SIZE_MAX if there is
 * no connected call (what arrives then is discarded). If the room is less
 * than @need, the core calls the rx_resume op once there is more.
 */
size_t modemline_line_rx_room(struct modemline_line *line, size_t need)
{
	struct modemline_call *call;
	size_t room = SIZE_MAX;

	spin_lock(&line->lock);
	call = modemline_data_call_locked(line);
	if (call) {
		room = kfifo_avail(&call->live->rx);
		if (room < need)
			call->live->rx_stalled = true;
	}
	spin_unlock(&line->lock);
	return room;
}
EXPORT_SYMBOL_GPL(modemline_line_rx_room);

/**
 * modemline_line_data - bytes the modem received from the other side
 * @line: the line
 * @buf:  the bytes
 * @len:  how many
 *
 * Return: how many were taken: all of them when no call is connected
 * (they are discarded); fewer when the ring is full, in which case the
 * core calls the rx_resume op once there is room.
 */
size_t modemline_line_data(struct modemline_line *line, const u8 *buf,
			   size_t len)
{
	struct modemline_call *call;
	size_t n = len;

	spin_lock(&line->lock);
	call = modemline_data_call_locked(line);
	if (call) {
		n = kfifo_in(&call->live->rx, buf, len);
		if (n < len)
			call->live->rx_stalled = true;
		if (n)
			wake_up_interruptible_poll(&call->live->wait,
						   EPOLLIN | EPOLLRDNORM);
	}
	spin_unlock(&line->lock);
	return n;
}
EXPORT_SYMBOL_GPL(modemline_line_data);

/**
 * modemline_line_tx_ready - the transport can take data again
 * @line: the line
 *
 * It may say so while a write is still deciding that it was not taken
 * whole: the new tx_seq tells that write.
 *
 * Context: any that may take a spinlock_t, a tty driver's interrupt
 * handler included (a UART's write_wakeup, under its port lock).
 */
void modemline_line_tx_ready(struct modemline_line *line)
{
	struct modemline_call_live *live;
	unsigned long flags;

	spin_lock_irqsave(&line->tx_lock, flags);
	live = line->tx_live;
	if (live) {
		live->tx_blocked = false;
		WRITE_ONCE(live->tx_seq, live->tx_seq + 1);
		wake_up_interruptible_poll(&live->wait, EPOLLOUT | EPOLLWRNORM);
	}
	spin_unlock_irqrestore(&line->tx_lock, flags);
}
EXPORT_SYMBOL_GPL(modemline_line_tx_ready);

/*
 * The call changed state (line->lock held): writers waiting for it to
 * connect, or to learn that it ended, try again. Once it is connected the
 * transport's modemline_line_tx_ready() reaches its live part; the call
 * holds that until it has left CONNECTED (modemline_data_call_left()).
 */
void modemline_data_call_changed(struct modemline_call *call)
{
	struct modemline_line *line = call->line;
	struct modemline_call_live *live = call->live;
	unsigned long flags;

	lockdep_assert_held(&line->lock);
	spin_lock_irqsave(&line->tx_lock, flags);
	/* Read without the lock by waiting writers, modemline_data_tx_moved(). */
	WRITE_ONCE(live->tx_seq, live->tx_seq + 1);
	if (modemline_data_call_locked(line) == call)
		line->tx_live = live;
	spin_unlock_irqrestore(&line->tx_lock, flags);
}

/*
 * The call leaves CONNECTED (line->lock held), whatever ends it: the one
 * place where the line's data path goes back to idle (see modemline.h).
 * What a stalled transport still holds is discarded from now on, so it
 * is owed an rx_resume; a writer waiting for room learns of the end from
 * the state change.
 */
void modemline_data_call_left(struct modemline_call *call)
{
	unsigned long flags;

	lockdep_assert_held(&call->line->lock);
	if (call->live->rx_stalled) {
		call->live->rx_stalled = false;
		call->line->rx_resume = true;
	}
	spin_lock_irqsave(&call->line->tx_lock, flags);
	call->live->tx_blocked = false;
	call->line->tx_live = NULL;
	spin_unlock_irqrestore(&call->line->tx_lock, flags);
}

/*
 * The call reached DISCONNECTED, or its data file closed after that
 * (line->lock held). Without a data file and without unread bytes its
 * live part is not needed any more.
 */
void modemline_data_call_ended(struct modemline_call *call)
{
	struct modemline_call_live *live = call->live;

	lockdep_assert_held(&call->line->lock);
	if (live && !live->data_open && kfifo_is_empty(&live->rx))
		modemline_call_shed(call);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_data_call_ended);

/* Let the transport deliver again, if @call is still its connected call. */
static void modemline_data_rx_resume(struct modemline_call *call)
{
	struct modemline_line *line = call->line;
	bool resume;

	mutex_lock(&line->ctl);
	spin_lock(&line->lock);
	resume = !line->dead && line->active == call;
	spin_unlock(&line->lock);
	if (resume)
		line->ops->rx_resume(line);
	mutex_unlock(&line->ctl);
}

/*
 * Send up to @len bytes. *@seq gets the call's tx_seq from before the
 * attempt, for the writer to wait on. Returns the bytes taken, 0 if none
 * fit, -EAGAIN if the call has not connected yet, -EPIPE if it ended.
 */
static ssize_t modemline_data_send(struct modemline_data_file *df,
				   const u8 *buf, size_t len, u32 *seq)
{
	struct modemline_call *call = df->call;
	struct modemline_call_live *live = df->live;
	struct modemline_line *line = call->line;
	ssize_t n;
	u32 state;

	/* ctl: the line is not removed, and so its transport alive, meanwhile. */
	mutex_lock(&line->ctl);
	spin_lock(&line->lock);
	state = call->state;
	/*
	 * A state change bumps tx_seq under line->lock too, so the two go
	 * together; modemline_line_tx_ready() may bump it on either side.
	 */
	*seq = READ_ONCE(live->tx_seq);
	spin_unlock(&line->lock);
	if (state != MODEMLINE_STATE_CONNECTED) {
		n = state < MODEMLINE_STATE_CONNECTED ? -EAGAIN : -EPIPE;
		goto out;
	}
	n = line->ops->write(line, buf, len);
	if (n > 0) {
		spin_lock(&line->lock);
		call->tx_bytes += n;
		spin_unlock(&line->lock);
	}
	spin_lock_irq(&line->tx_lock);
	/*
	 * Unless the transport made room meanwhile, wait for it to; a call
	 * that has left CONNECTED meanwhile keeps its transmit side idle.
	 */
	live->tx_blocked = line->tx_live == live && n >= 0 &&
			   (size_t)n < len && live->tx_seq == *seq;
	spin_unlock_irq(&line->tx_lock);
out:
	mutex_unlock(&line->ctl);
	return n;
}

static bool modemline_data_tx_moved(struct modemline_call_live *live, u32 seq)
{
	return READ_ONCE(live->tx_seq) != seq;
}

static ssize_t modemline_data_write(struct file *file, const char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct modemline_data_file *df = file->private_data;
	size_t done = 0, len;
	ssize_t n, err = 0;
	u32 seq;

	if (file->f_flags & O_NONBLOCK) {
		/* The holder is sending, or waiting for the room we would need. */
		if (!mutex_trylock(&df->write_lock))
			return -EAGAIN;
	} else if (mutex_lock_interruptible(&df->write_lock)) {
		return -ERESTARTSYS;
	}
	while (done < count) {
		len = min(count - done, sizeof(df->tx));
		if (copy_from_user(df->tx, ubuf + done, len)) {
			err = -EFAULT;
			break;
		}
		n = modemline_data_send(df, df->tx, len, &seq);
		if (n > 0) {
			done += n;
			continue;
		}
		if (n && n != -EAGAIN) {
			err = n;
			break;
		}
		/* Full, or not connected yet: wait for a change. */
		if (file->f_flags & O_NONBLOCK) {
			err = -EAGAIN;
			break;
		}
		err = wait_event_interruptible(df->live->wait,
					       modemline_data_tx_moved(df->live, seq));
		if (err)
			break;
	}
	mutex_unlock(&df->write_lock);
	return done ? done : err;
}

/* Bytes ready to read, and whether the call has ended, seen together. */
static unsigned int modemline_data_readable(struct modemline_data_file *df,
					    bool *ended)
{
	struct modemline_line *line = df->call->line;
	unsigned int len;

	spin_lock(&line->lock);
	*ended = modemline_data_ended_locked(df->call);
	len = kfifo_len(&df->live->rx);
	spin_unlock(&line->lock);
	return len;
}

static bool modemline_data_can_read(struct modemline_data_file *df)
{
	bool ended;

	return modemline_data_readable(df, &ended) || ended;
}

static ssize_t modemline_data_read(struct file *file, char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct modemline_data_file *df = file->private_data;
	struct modemline_call_live *live = df->live;
	struct modemline_line *line = df->call->line;
	unsigned int copied;
	bool ended, resume;
	int err;

	if (!count)
		return 0;
	for (;;) {
		if (mutex_lock_interruptible(&df->read_lock))
			return -ERESTARTSYS;
		if (modemline_data_readable(df, &ended))
			break;
		mutex_unlock(&df->read_lock);
		if (ended)
			return 0;
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		err = wait_event_interruptible(live->wait,
					       modemline_data_can_read(df));
		if (err)
			return err;
	}
	err = kfifo_to_user(&live->rx, ubuf, count, &copied);
	if (!copied)
		goto out;

	spin_lock(&line->lock);
	df->call->rx_bytes += copied;
	resume = live->rx_stalled &&
		 kfifo_avail(&live->rx) >= MODEMLINE_DATA_RX_SIZE / 2;
	if (resume)
		live->rx_stalled = false;
	spin_unlock(&line->lock);
	if (resume)
		modemline_data_rx_resume(df->call);
	err = copied;
out:
	mutex_unlock(&df->read_lock);
	return err;
}

static __poll_t modemline_data_poll(struct file *file, poll_table *wait)
{
	struct modemline_data_file *df = file->private_data;
	struct modemline_call *call = df->call;
	__poll_t mask = 0;

	poll_wait(file, &df->live->wait, wait);
	spin_lock(&call->line->lock);
	if (!kfifo_is_empty(&df->live->rx))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (modemline_data_ended_locked(call)) {
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP | EPOLLHUP;
	} else if (call->state == MODEMLINE_STATE_CONNECTED) {
		spin_lock_irq(&call->line->tx_lock);
		if (!df->live->tx_blocked)
			mask |= EPOLLOUT | EPOLLWRNORM;
		spin_unlock_irq(&call->line->tx_lock);
	}
	spin_unlock(&call->line->lock);
	return mask;
}

/* Give up the call's data stream; unread bytes stay for the next file. */
static void modemline_data_unclaim(struct modemline_call *call)
{
	spin_lock(&call->line->lock);
	call->live->data_open = false;
	if (call->state == MODEMLINE_STATE_DISCONNECTED)
		modemline_data_call_ended(call);
	spin_unlock(&call->line->lock);
}

static int modemline_data_release(struct inode *inode, struct file *file)
{
	struct modemline_data_file *df = file->private_data;

	modemline_data_unclaim(df->call);
	modemline_call_live_put(df->live);
	modemline_call_put(df->call);
	mutex_destroy(&df->read_lock);
	mutex_destroy(&df->write_lock);
	kfree(df);
	return 0;
}

static const struct file_operations modemline_data_fops = {
	.owner = THIS_MODULE,
	.release = modemline_data_release,
	.read = modemline_data_read,
	.write = modemline_data_write,
	.poll = modemline_data_poll,
};

/*
 * Claim the call's data stream: -EOPNOTSUPP for a voice call, which has
 * none, -EBUSY if claimed, -ENOTCONN if gone (the call shed it).
 */
static int modemline_data_claim(struct modemline_call *call)
{
	int err = 0;

	spin_lock(&call->line->lock);
	if (call->voice)
		err = -EOPNOTSUPP;
	else if (!call->live || !kfifo_initialized(&call->live->rx))
		err = -ENOTCONN;
	else if (call->live->data_open)
		err = -EBUSY;
	else
		call->live->data_open = true;
	spin_unlock(&call->line->lock);
	return err;
}

/* Make the data file of @call; on success it owns @call's reference. */
static struct file *modemline_data_file(struct modemline_call *call, u32 flags)
{
	struct modemline_data_file *df;
	struct file *file;
	int mode = O_RDWR;

	df = kzalloc_obj(*df, GFP_KERNEL_ACCOUNT);
	if (!df)
		return ERR_PTR(-ENOMEM);
	df->call = call;
	/* Claimed (data_open): the call cannot shed its live part meanwhile. */
	df->live = call->live;
	kref_get(&df->live->ref);
	mutex_init(&df->read_lock);
	mutex_init(&df->write_lock);
	if (flags & MODEMLINE_DATA_NONBLOCK)
		mode |= O_NONBLOCK;
	file = anon_inode_getfile("[modemline-data]", &modemline_data_fops, df,
				  mode);
	if (IS_ERR(file)) {
		modemline_call_live_put(df->live);
		mutex_destroy(&df->read_lock);
		mutex_destroy(&df->write_lock);
		kfree(df);
		return file;
	}
	stream_open(file_inode(file), file);
	return file;
}

long modemline_ioc_call_data(struct modemline_client *client,
			     void __user *argp)
{
	struct modemline_call_data req;
	struct modemline_call *call;
	struct file *file;
	int fd, err;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if ((req.flags & ~MODEMLINE_DATA_NONBLOCK) || req.reserved)
		return -EINVAL;
	call = modemline_client_get_owned(client, req.call);
	if (IS_ERR(call))
		return PTR_ERR(call);
	err = modemline_data_claim(call);
	if (err)
		goto put;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		err = fd;
		goto unclaim;
	}
	file = modemline_data_file(call, req.flags);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		put_unused_fd(fd);
		goto unclaim;
	}
	req.fd = fd;
	if (copy_to_user(argp, &req, sizeof(req))) {
		/* The file's release unclaims and puts the call. */
		put_unused_fd(fd);
		fput(file);
		return -EFAULT;
	}
	fd_install(fd, file);
	return 0;
unclaim:
	modemline_data_unclaim(call);
put:
	modemline_call_put(call);
	return err;
}

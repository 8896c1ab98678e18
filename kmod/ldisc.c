// SPDX-License-Identifier: GPL-2.0
/*
 * modemline tty line discipline: an AT modem on a tty becomes a line.
 *
 * Attaching the discipline (MODEMLINE_LDISC, N_DEVELOPMENT) creates and
 * registers a line; hang-up of the tty (carrier loss with CLOCAL off,
 * pty master closed, USB unplug) or detaching removes it. The AT engine
 * (at.c) does the talking; this file moves its bytes and runs its timer.
 *
 * Data mode: received bytes go to the core only as far as the connected
 * call has room (modemline_line_rx_room()); the rest stays in the tty's
 * buffer, which the driver then stops filling (the pty writer blocks; a
 * UART or USB adapter is throttled, RTS or XOFF as its termios say), and
 * the core's rx_resume op lets it flow again. Written bytes go to the
 * tty as far as it has room; write_wakeup tells the core when it has
 * more.
 *
 * Contexts: receive_buf2 runs in the tty's flush work; write_wakeup and
 * dcd_change may run in hard IRQ context: write_wakeup wakes the data
 * writer there (modemline_line_tx_ready() takes an irq-safe lock only)
 * and leaves queued commands to tx_work, dcd_change only schedules work;
 * ops come from the core under the line's ctl mutex. Lock order:
 * line->ctl, then mlt->lock, then the core's spinlocks (the engine's
 * callbacks); the tty's termios_rwsem and throttle_mutex are taken
 * without mlt->lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/tty.h>
#include <linux/tty_ldisc.h>
#include <linux/uaccess.h>

#include "modemline.h"
#include "at.h"

#define MLT_TX_SIZE	256	/* longest command burst: init + ATD + number */
/* Data bytes the engine may hold back and release later, see at.h. */
#define MLT_RX_RESERVE	sizeof_field(struct modemline_at, held)

struct modemline_tty {
	struct tty_struct *tty;
	struct modemline_line *line;
	unsigned long flags;
#define MLT_REMOVED	0		/* the line was removed (once) */
#define MLT_RX_HELD	1		/* bytes left in the tty for want of room */
#define MLT_THROTTLED	2		/* we throttled the tty */
#define MLT_TX_QUEUED	3		/* @txlen is not 0, for write_wakeup */
	/* Protects @at, @config, @tx, @txlen, @timer and @carrier. */
	struct mutex lock;
	struct modemline_at at;
	struct modemline_tty_config config;	/* applied when a call starts */
	u8 tx[MLT_TX_SIZE];
	size_t txlen;
	bool carrier;			/* last DCD state reported */
	struct modemline_deadline timer; /* the engine's timer */
	struct work_struct tx_work;	/* write_wakeup: send the rest */
	struct work_struct dcd_work;	/* dcd_change: tell the engine */
	struct work_struct rx_work;	/* rx_resume: let received bytes flow */
};

/* Write what is queued; the tty calls write_wakeup when it has room. */
static void mlt_tx_flush(struct modemline_tty *mlt)
{
	struct tty_struct *tty = mlt->tty;
	int n;

	lockdep_assert_held(&mlt->lock);
	if (!mlt->txlen)
		return;
	set_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);
	n = tty->ops->write(tty, mlt->tx, mlt->txlen);
	if (n <= 0)
		return;
	mlt->txlen -= n;
	memmove(mlt->tx, mlt->tx + n, mlt->txlen);
	if (!mlt->txlen) {
		clear_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);
		clear_bit(MLT_TX_QUEUED, &mlt->flags);
	}
}

/* Forget the commands not sent yet. */
static void mlt_tx_discard(struct modemline_tty *mlt)
{
	lockdep_assert_held(&mlt->lock);
	mlt->txlen = 0;
	clear_bit(MLT_TX_QUEUED, &mlt->flags);
}

static void mlt_at_send(void *ctx, const char *buf, size_t len)
{
	struct modemline_tty *mlt = ctx;

	/*
	 * A call starts with nothing queued (see mlt_start()) and sends far
	 * less than the buffer holds; only a tty that stopped draining in
	 * the middle of a hang-up gets here.
	 */
	if (len > MLT_TX_SIZE - mlt->txlen) {
		pr_warn_ratelimited("%s: tty not draining, %zu bytes dropped\n",
				    mlt->tty->name, len);
		return;
	}
	memcpy(mlt->tx + mlt->txlen, buf, len);
	mlt->txlen += len;
	/*
	 * Before the write whose room write_wakeup will report: the driver's
	 * own lock orders that write and the report.
	 */
	set_bit(MLT_TX_QUEUED, &mlt->flags);
	mlt_tx_flush(mlt);
}

static void mlt_at_set_dtr(void *ctx, bool on)
{
	struct tty_struct *tty = ((struct modemline_tty *)ctx)->tty;

	tty->ops->tiocmset(tty, on ? TIOCM_DTR : 0, on ? 0 : TIOCM_DTR);
}

static void mlt_at_arm_timer(void *ctx, unsigned int ms)
{
	struct modemline_tty *mlt = ctx;

	lockdep_assert_held(&mlt->lock);
	if (ms)
		modemline_deadline_arm(&mlt->timer, ms);
	else
		modemline_deadline_disarm(&mlt->timer);
}

/* Data-mode bytes; mlt_rx_span() made sure the call has room for them. */
static void mlt_at_data(void *ctx, const u8 *buf, size_t len)
{
	modemline_line_data(((struct modemline_tty *)ctx)->line, buf, len);
}

/* The engine's callbacks run under mlt->lock: its state can be read. */
static void mlt_at_connected(void *ctx, u32 rate, const char *result)
{
	struct modemline_tty *mlt = ctx;

	if (mlt->at.voice)
		modemline_line_connected_voice(mlt->line, result);
	else
		modemline_line_connected(mlt->line, rate, result);
}

static void mlt_at_ended(void *ctx, u32 origin, u32 reason, const char *result)
{
	modemline_line_ended(((struct modemline_tty *)ctx)->line, origin, reason,
			     result);
}

static void mlt_at_offer(void *ctx, const char *number, bool voice)
{
	struct modemline_tty *mlt = ctx;

	/* Only a 3GPP line answers a voice call: elsewhere a ring is data. */
	if (voice && mlt->config.dialect == MODEMLINE_DIALECT_3GPP)
		modemline_line_offer_voice(mlt->line, number);
	else
		modemline_line_offer(mlt->line, number);
}

static void mlt_at_offer_end(void *ctx)
{
	modemline_line_offer_end(((struct modemline_tty *)ctx)->line);
}

static void mlt_at_alerting(void *ctx)
{
	modemline_line_alerting(((struct modemline_tty *)ctx)->line);
}

static void mlt_at_cause(void *ctx, const char *text)
{
	modemline_line_cause(((struct modemline_tty *)ctx)->line, text);
}

static const struct modemline_at_ops mlt_at_ops = {
	.send = mlt_at_send,
	.set_dtr = mlt_at_set_dtr,
	.arm_timer = mlt_at_arm_timer,
	.data = mlt_at_data,
	.connected = mlt_at_connected,
	.ended = mlt_at_ended,
	.offer = mlt_at_offer,
	.offer_end = mlt_at_offer_end,
	.alerting = mlt_at_alerting,
	.cause = mlt_at_cause,
};

static u64 mlt_now_ms(void)
{
	return div_u64(ktime_get_boottime_ns(), NSEC_PER_MSEC);
}

static void mlt_timer_work(struct work_struct *work)
{
	struct modemline_tty *mlt = container_of(to_delayed_work(work),
						 struct modemline_tty,
						 timer.work);

	mutex_lock(&mlt->lock);
	if (modemline_deadline_due(&mlt->timer))
		modemline_at_timeout(&mlt->at);
	mutex_unlock(&mlt->lock);
}

static void mlt_tx_work(struct work_struct *work)
{
	struct modemline_tty *mlt = container_of(work, struct modemline_tty,
						 tx_work);

	mutex_lock(&mlt->lock);
	mlt_tx_flush(mlt);
	mutex_unlock(&mlt->lock);
	/* Data waits while commands are queued (mlt_write()): try again. */
	modemline_line_tx_ready(mlt->line);
}

/*
 * What the tty core's tty_throttle_safe() does for N_TTY, which is not
 * exported (only declared in tty.h): ask the driver to stop the other
 * side sending. Its flow_change check only serves N_TTY's own race
 * between throttling and unthrottling; ours are ordered by MLT_THROTTLED
 * and throttle_mutex.
 */
static void mlt_throttle(struct modemline_tty *mlt)
{
	struct tty_struct *tty = mlt->tty;

	down_read(&tty->termios_rwsem);
	mutex_lock(&tty->throttle_mutex);
	if (!test_and_set_bit(TTY_THROTTLED, &tty->flags)) {
		set_bit(MLT_THROTTLED, &mlt->flags);
		if (tty->ops->throttle)
			tty->ops->throttle(tty);
	}
	mutex_unlock(&tty->throttle_mutex);
	up_read(&tty->termios_rwsem);
}

/*
 * Run the tty's flush work again for the bytes it holds, as N_TTY does
 * with tty_buffer_restart_work(), which is not exported. Not
 * tty_buffer_lock_exclusive() and unlock: that stops a flush which is
 * running, and restarts it only if the head buffer has bytes left, so a
 * flush stopped between two buffers stayed stopped with bytes queued (a
 * 1 MiB echo hung about once in ten runs).
 */
static void mlt_restart_flush(struct tty_struct *tty)
{
	queue_work(MODEMLINE_FLIP_WQ(tty->port), &tty->port->buf.work);
}

static void mlt_rx_work(struct work_struct *work)
{
	struct modemline_tty *mlt = container_of(work, struct modemline_tty,
						 rx_work);
	struct tty_struct *tty = mlt->tty;

	if (test_and_clear_bit(MLT_THROTTLED, &mlt->flags))
		tty_unthrottle(tty);
	mlt_restart_flush(tty);
}

static void mlt_dcd_work(struct work_struct *work)
{
	struct modemline_tty *mlt = container_of(work, struct modemline_tty,
						 dcd_work);
	struct tty_struct *tty = mlt->tty;
	bool carrier;
	int mctrl;

	mctrl = tty->ops->tiocmget(tty);
	/* An error (the device gone, the tty hung up) says nothing of DCD. */
	if (mctrl < 0)
		return;
	carrier = mctrl & TIOCM_CD;
	mutex_lock(&mlt->lock);
	if (mlt->carrier && !carrier)
		modemline_at_carrier_lost(&mlt->at);
	mlt->carrier = carrier;
	mutex_unlock(&mlt->lock);
}

/*
 * Start a call with the current settings. The modem must be idle: the
 * core may have given up on a slow hang-up that the engine is still
 * finishing, and commands of an earlier call may still sit unsent in a
 * tty that stopped draining.
 */
static int mlt_start(struct modemline_line *line, const char *number,
		     bool voice)
{
	struct modemline_tty *mlt = modemline_line_priv(line);
	int err = 0;

	mutex_lock(&mlt->lock);
	if (mlt->at.phase != MODEMLINE_AT_IDLE || mlt->txlen) {
		err = -EBUSY;
	} else if (voice && mlt->config.dialect != MODEMLINE_DIALECT_3GPP) {
		/* The core saw a 3GPP line; a TIOCSCONFIG came in between. */
		err = -EOPNOTSUPP;
	} else {
		strscpy(mlt->at.init, mlt->config.init, sizeof(mlt->at.init));
		mlt->at.guard_ms = mlt->config.guard_ms;
		mlt->at.dialect = mlt->config.dialect;
		mlt->at.clcc_ms = mlt->config.clcc_poll_ms ?:
				  MODEMLINE_AT_CLCC_DEFAULT_MS;
		/* The core's backstop must outlast this call's own hang-up. */
		modemline_line_set_hangup_ms(line, modemline_at_hangup_ms(&mlt->at));
		if (number)
			modemline_at_dial(&mlt->at, number, voice);
		else
			modemline_at_answer(&mlt->at);
	}
	mutex_unlock(&mlt->lock);
	return err;
}

static int mlt_dial(struct modemline_line *line, const char *number, bool voice)
{
	return mlt_start(line, number, voice);
}

static int mlt_answer(struct modemline_line *line)
{
	return mlt_start(line, NULL, false);
}

static void mlt_hangup_call(struct modemline_line *line)
{
	struct modemline_tty *mlt = modemline_line_priv(line);
	bool data;

	mutex_lock(&mlt->lock);
	data = mlt->at.phase == MODEMLINE_AT_DATA;
	mutex_unlock(&mlt->lock);
	/*
	 * Data still queued for the modem would follow us into the hang-up:
	 * the escape needs the line silent, and the call is over anyway.
	 * Not under mlt->lock: a pty's flush takes its peer's flip-buffer
	 * lock, of the class our receive path runs under with mlt->lock
	 * taken after it (lockdep saw the inversion with a null-modem
	 * line). The core stopped new writes before calling us.
	 */
	if (data)
		tty_driver_flush_buffer(mlt->tty);
	mutex_lock(&mlt->lock);
	modemline_at_hangup(&mlt->at);
	mutex_unlock(&mlt->lock);
}

static ssize_t mlt_write(struct modemline_line *line, const u8 *buf,
			 size_t len)
{
	struct modemline_tty *mlt = modemline_line_priv(line);
	struct tty_struct *tty = mlt->tty;
	ssize_t n = -EPIPE;

	mutex_lock(&mlt->lock);
	/* Commands still queued (none in data mode) go first. */
	if (mlt->at.phase == MODEMLINE_AT_DATA && !mlt->txlen) {
		/* Before writing, so that no wake-up for this write is lost. */
		set_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);
		n = tty->ops->write(tty, buf, min_t(size_t, len, INT_MAX));
		n = max_t(ssize_t, n, 0);
		/* All taken: no writer waits for room (and no command does). */
		if (n == len)
			clear_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);
	}
	mutex_unlock(&mlt->lock);
	return n;
}

static void mlt_rx_resume(struct modemline_line *line)
{
	struct modemline_tty *mlt = modemline_line_priv(line);
	struct tty_struct *tty = mlt->tty;

	/*
	 * A driver that cannot stop the other side (a pty) needs no
	 * unthrottle before its bytes flow: the flush restarts at once, as
	 * N_TTY's reader restarts it, and mlt_receive() unthrottles (which
	 * wakes a pty's writer) once it took all. Any other goes through
	 * rx_work: its unthrottle (RTS, XON) must come first, and takes the
	 * tty's termios_rwsem, which must not nest inside mlt->lock, held
	 * when the end of a call calls this op.
	 */
	if (!tty->ops->throttle)
		mlt_restart_flush(tty);
	else
		schedule_work(&mlt->rx_work);
}

static const struct modemline_line_ops mlt_line_ops = {
	.dial = mlt_dial,
	.answer = mlt_answer,
	.hangup = mlt_hangup_call,
	.write = mlt_write,
	.rx_resume = mlt_rx_resume,
};

static int mlt_open(struct tty_struct *tty)
{
	struct modemline_tty *mlt;
	int err;

	/* A line is shared by every user of /dev/modemline. */
	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	if (!tty->ops->write)
		return -EOPNOTSUPP;

	mlt = kzalloc_obj(*mlt, GFP_KERNEL);
	if (!mlt)
		return -ENOMEM;
	mlt->tty = tty;
	mutex_init(&mlt->lock);
	modemline_deadline_init(&mlt->timer, mlt_timer_work);
	INIT_WORK(&mlt->tx_work, mlt_tx_work);
	INIT_WORK(&mlt->dcd_work, mlt_dcd_work);
	INIT_WORK(&mlt->rx_work, mlt_rx_work);
	modemline_at_init(&mlt->at, &mlt_at_ops, mlt);
	mlt->at.has_dtr = !!tty->ops->tiocmset;
	strscpy(mlt->config.init, mlt->at.init, sizeof(mlt->config.init));
	mlt->config.guard_ms = mlt->at.guard_ms;
	if (tty->ops->tiocmget)
		mlt->carrier = tty->ops->tiocmget(tty) & TIOCM_CD;

	mlt->line = modemline_line_create(&mlt_line_ops, MODEMLINE_TRANSPORT_TTY,
					  tty->name, mlt);
	if (!mlt->line) {
		err = -ENOMEM;
		goto free;
	}
	/* Set before the line is visible: ops may run as soon as it is. */
	tty->disc_data = mlt;
	err = modemline_line_register(mlt->line);
	if (err)
		goto put;
	pr_debug("%s: line %u\n", tty->name, modemline_line_id(mlt->line));
	return 0;
put:
	tty->disc_data = NULL;
	modemline_line_put(mlt->line);
free:
	mutex_destroy(&mlt->lock);
	kfree(mlt);
	return err;
}

/*
 * Remove the line once; hangup and close may both get here. A driver
 * that hangs the tty up for a carrier loss also reports the loss: before
 * queueing the hang-up (serial_core), or just after it from the same
 * notification handler (cdc-acm), so dcd_work is queued before the
 * hang-up runs, and the call ends for that reason, not for the line's
 * removal. An end held for the modem's AT+CEER reply, which can no longer
 * come, is reported now.
 */
static void mlt_remove_line(struct modemline_tty *mlt)
{
	if (test_and_set_bit(MLT_REMOVED, &mlt->flags))
		return;
	flush_work(&mlt->dcd_work);
	mutex_lock(&mlt->lock);
	modemline_at_transport_gone(&mlt->at);
	mutex_unlock(&mlt->lock);
	modemline_line_remove(mlt->line, MODEMLINE_REASON_LINE_REMOVED);
}

static void mlt_hangup(struct tty_struct *tty)
{
	struct modemline_tty *mlt = tty->disc_data;

	if (mlt)
		mlt_remove_line(mlt);
}

static void mlt_close(struct tty_struct *tty)
{
	struct modemline_tty *mlt = tty->disc_data;

	if (!mlt)
		return;
	/* No op runs after this: the core stops calling in. */
	mlt_remove_line(mlt);
	mutex_lock(&mlt->lock);
	modemline_at_reset(&mlt->at);
	mlt_tx_discard(mlt);
	mutex_unlock(&mlt->lock);
	clear_bit(TTY_DO_WRITE_WAKEUP, &tty->flags);
	/* The tty no longer calls write_wakeup or dcd_change: drain. */
	cancel_delayed_work_sync(&mlt->timer.work);
	cancel_work_sync(&mlt->tx_work);
	cancel_work_sync(&mlt->dcd_work);
	cancel_work_sync(&mlt->rx_work);
	/* A tty we throttled goes back to its next discipline flowing. */
	if (test_and_clear_bit(MLT_THROTTLED, &mlt->flags))
		tty_unthrottle(tty);
	tty->disc_data = NULL;
	modemline_line_put(mlt->line);
	mutex_destroy(&mlt->lock);
	kfree(mlt);
}

/*
 * How many of the @len bytes at @cp the engine may take in one go: up to
 * the next flagged byte; in command mode up to the end of the line, since
 * a CONNECT turns what follows into data; in data mode as many as the
 * call has room for, keeping room for what the engine holds back. 0 when
 * the call is full.
 */
static size_t mlt_rx_span(struct modemline_tty *mlt, const u8 *cp,
			  const u8 *fp, size_t len)
{
	size_t n, room;

	for (n = 0; n < len && (!fp || fp[n] == TTY_NORMAL); n++) {
		if (mlt->at.phase != MODEMLINE_AT_DATA &&
		    (cp[n] == '\r' || cp[n] == '\n'))
			return n + 1;
	}
	if (mlt->at.phase != MODEMLINE_AT_DATA)
		return n;
	room = modemline_line_rx_room(mlt->line, MLT_RX_RESERVE + 1);
	if (room <= MLT_RX_RESERVE)
		return 0;
	return min(n, room - MLT_RX_RESERVE);
}

static size_t mlt_receive(struct tty_struct *tty, const u8 *cp, const u8 *fp,
			  size_t count)
{
	struct modemline_tty *mlt = tty->disc_data;
	u64 now = mlt_now_ms();
	size_t n, done = 0;

	mutex_lock(&mlt->lock);
	/* Bytes that waited in the tty for room did not follow silence. */
	if (test_and_clear_bit(MLT_RX_HELD, &mlt->flags))
		mlt->at.last_rx_ms = now;
	while (done < count) {
		/* Bytes with a parity, framing or overrun flag are line noise. */
		if (fp && fp[done] != TTY_NORMAL) {
			done++;
			continue;
		}
		n = mlt_rx_span(mlt, cp + done, fp ? fp + done : NULL,
				count - done);
		if (!n) {
			set_bit(MLT_RX_HELD, &mlt->flags);
			break;
		}
		modemline_at_input(&mlt->at, cp + done, n, now);
		done += n;
	}
	mutex_unlock(&mlt->lock);
	if (done < count) {
		mlt_throttle(mlt);
	} else {
		/*
		 * As ppp_async and hci_ldisc do: the driver may send again
		 * (a pty wakes its master's writers only here).
		 */
		clear_bit(MLT_THROTTLED, &mlt->flags);
		tty_unthrottle(tty);
	}
	return done;
}

static MODEMLINE_LDISC_RECEIVE_BUF2(mlt_receive_buf2)
{
	return mlt_receive(tty, cp, MODEMLINE_LDISC_FLAGS(fp), count);
}

static void mlt_write_wakeup(struct tty_struct *tty)
{
	struct modemline_tty *mlt = tty->disc_data;

	/* Any context will do for the data writer's wake-up: no hop. */
	modemline_line_tx_ready(mlt->line);
	/* Queued commands need mlt->lock, a mutex: tx_work sends them. */
	if (test_bit(MLT_TX_QUEUED, &mlt->flags))
		schedule_work(&mlt->tx_work);
}

static void mlt_dcd_change(struct tty_struct *tty, bool active)
{
	struct modemline_tty *mlt = tty->disc_data;

	if (tty->ops->tiocmget)
		schedule_work(&mlt->dcd_work);
}

/*
 * The tty discarded the bytes it had received (TCIFLUSH, hang-up): a line
 * half assembled from them goes too, and nothing is held back any more.
 * Runs under the port's buffer lock, like receive_buf2.
 */
static void mlt_flush_buffer(struct tty_struct *tty)
{
	struct modemline_tty *mlt = tty->disc_data;

	mutex_lock(&mlt->lock);
	modemline_at_flush_input(&mlt->at);
	mutex_unlock(&mlt->lock);
	clear_bit(MLT_RX_HELD, &mlt->flags);
}

/*
 * TCFLSH: the tty's part first (n_tty_ioctl_helper()); then, as ppp_async
 * does with its own queue, an output flush also discards the commands we
 * queued and the tty has not taken: a modem that stopped draining would
 * otherwise keep every DIAL at -EBUSY until detach.
 */
static int mlt_tcflsh(struct modemline_tty *mlt, unsigned long arg)
{
	int err = n_tty_ioctl_helper(mlt->tty, TCFLSH, arg);

	if (err || (arg != TCOFLUSH && arg != TCIOFLUSH))
		return err;
	mutex_lock(&mlt->lock);
	mlt_tx_discard(mlt);
	mutex_unlock(&mlt->lock);
	return 0;
}

static int mlt_check_config(const struct modemline_tty_config *cfg)
{
	size_t len = strnlen(cfg->init, sizeof(cfg->init));
	size_t i;

	if (!cfg->guard_ms || cfg->guard_ms > 10000)
		return -EINVAL;
	if (cfg->dialect != MODEMLINE_DIALECT_V250 &&
	    cfg->dialect != MODEMLINE_DIALECT_3GPP)
		return -EINVAL;
	if (cfg->clcc_poll_ms && (cfg->clcc_poll_ms < 100 || cfg->clcc_poll_ms > 10000))
		return -EINVAL;
	if (len == sizeof(cfg->init) || len < 2 || strncasecmp(cfg->init, "AT", 2))
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (cfg->init[i] < 0x20 || cfg->init[i] >= 0x7f)
			return -EINVAL;
	}
	return 0;
}

static int mlt_ioctl(struct tty_struct *tty, unsigned int cmd,
		     unsigned long arg)
{
	struct modemline_tty *mlt = tty->disc_data;
	void __user *argp = (void __user *)arg;
	struct modemline_tty_config cfg;
	int err;

	switch (cmd) {
	case MODEMLINE_TIOCGLINE:
		return put_user(modemline_line_id(mlt->line), (u32 __user *)argp);
	case MODEMLINE_TIOCGCONFIG:
		memset(&cfg, 0, sizeof(cfg));
		mutex_lock(&mlt->lock);
		strscpy(cfg.init, mlt->config.init, sizeof(cfg.init));
		cfg.guard_ms = mlt->config.guard_ms;
		cfg.dialect = mlt->config.dialect;
		cfg.clcc_poll_ms = mlt->config.clcc_poll_ms;
		mutex_unlock(&mlt->lock);
		cfg.dial_timeout_ms = modemline_line_get_dial_timeout(mlt->line);
		return copy_to_user(argp, &cfg, sizeof(cfg)) ? -EFAULT : 0;
	case MODEMLINE_TIOCSCONFIG:
		if (copy_from_user(&cfg, argp, sizeof(cfg)))
			return -EFAULT;
		err = mlt_check_config(&cfg);
		if (err)
			return err;
		if (test_bit(MLT_REMOVED, &mlt->flags))
			return -ENODEV;
		mutex_lock(&mlt->lock);
		strscpy(mlt->config.init, cfg.init, sizeof(mlt->config.init));
		mlt->config.guard_ms = cfg.guard_ms;
		mlt->config.dialect = cfg.dialect;
		mlt->config.clcc_poll_ms = cfg.clcc_poll_ms;
		mutex_unlock(&mlt->lock);
		modemline_line_set_dial_timeout(mlt->line, cfg.dial_timeout_ms);
		modemline_line_set_dialect(mlt->line, cfg.dialect);
		return 0;
	case TCFLSH:
		return mlt_tcflsh(mlt, arg);
	default:
		/* TCXONC and the termios ioctls, as N_TTY answers them. */
		return n_tty_ioctl_helper(tty, cmd, arg);
	}
}

#ifdef CONFIG_COMPAT
/*
 * A 32-bit process's pointer is widened with compat_ptr(); the structures
 * themselves have one layout on every ABI (the uapi header uses fixed-size
 * types and __aligned_u64 only). Any other request falls back to
 * mlt_ioctl() through the tty core.
 */
static int mlt_compat_ioctl(struct tty_struct *tty, unsigned int cmd,
			    unsigned long arg)
{
	switch (cmd) {
	case MODEMLINE_TIOCGLINE:
	case MODEMLINE_TIOCGCONFIG:
	case MODEMLINE_TIOCSCONFIG:
		return mlt_ioctl(tty, cmd, (unsigned long)compat_ptr(arg));
	default:
		return -ENOIOCTLCMD;
	}
}
#endif

static struct tty_ldisc_ops mlt_ldisc = {
	.owner = THIS_MODULE,
	.num = MODEMLINE_LDISC,
	.name = "modemline",
	.open = mlt_open,
	.close = mlt_close,
	.hangup = mlt_hangup,
	.ioctl = mlt_ioctl,
#ifdef CONFIG_COMPAT
	.compat_ioctl = mlt_compat_ioctl,
#endif
	.receive_buf2 = mlt_receive_buf2,
	.flush_buffer = mlt_flush_buffer,
	.write_wakeup = mlt_write_wakeup,
	.dcd_change = mlt_dcd_change,
};

int modemline_ldisc_init(void)
{
	int err = tty_register_ldisc(&mlt_ldisc);

	if (err)
		pr_err("cannot register line discipline %d: %d (is another module using N_DEVELOPMENT?)\n",
		       MODEMLINE_LDISC, err);
	return err;
}

void modemline_ldisc_exit(void)
{
	tty_unregister_ldisc(&mlt_ldisc);
}

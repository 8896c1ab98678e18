// SPDX-License-Identifier: GPL-2.0
/*
 * modemline_nullmodem - pairs of ttys wired like a null-modem cable, for
 * tests that need real modem-control lines.
 *
 * Pair n is /dev/ttyNMA<n> and /dev/ttyNMB<n>. Each side's DTR is the
 * other side's DCD and DSR, its RTS the other side's CTS; RI is never on.
 * The ttys behave the way serial_core makes a UART behave where the line
 * discipline and a test can see it:
 *
 *  - TIOCMGET/SET/BIS/BIC, TIOCMIWAIT and TIOCGICOUNT;
 *  - a tty_port whose carrier is the peer's DTR, so that a blocking open
 *    without CLOCAL waits for it and a close with HUPCL drops DTR;
 *  - every DCD change goes to the line discipline's dcd_change from
 *    atomic context with the pair's lock held, as uart_handle_dcd_change()
 *    does, and without CLOCAL a drop hangs the tty up;
 *  - with CRTSCTS a side sends only while its CTS is on; throttle and
 *    unthrottle drop and raise RTS;
 *  - bytes wait in a per-side FIFO of NM_FIFO_SIZE (write_room is what is
 *    left of it) until the "wire", a delayed work per pair, moves them into
 *    the peer's flip buffer. What the flip buffer does not take stays
 *    queued. With paced=1 (also writable in sysfs) the wire moves 10 bits
 *    per byte at the sender's termios speed.
 *
 * Bytes sent to a side that is not open are lost, as on a real cable.
 * Test-only: built with MODEMLINE_TESTS=1, never installed.
 */
#include <linux/kfifo.h>
#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/serial.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>
#include <linux/tty_flip.h>
#include <linux/tty_ldisc.h>
#include <linux/tty_port.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "compat.h"

#define NM_FIFO_SIZE		4096	/* bytes written, not yet on the wire */
#define NM_MAX_PAIRS		64
#define NM_TICK			msecs_to_jiffies(10)	/* paced wire */
#define NM_RETRY		msecs_to_jiffies(20)	/* full flip buffer */
#define NM_CREDIT_CAP_NS	(50 * NSEC_PER_MSEC)	/* largest paced burst */
#define NM_CHUNK		256
#define NM_OUTPUTS		(TIOCM_DTR | TIOCM_RTS)

static unsigned int pairs = 4;
module_param(pairs, uint, 0444);
MODULE_PARM_DESC(pairs, "number of tty pairs ttyNMA<n>/ttyNMB<n> (1-64, default 4)");

static bool paced;
module_param(paced, bool, 0644);
MODULE_PARM_DESC(paced, "move bytes at the sender's termios speed, 10 bits a byte (writable)");

struct nm_icount {
	u32 cts, dsr, rng, dcd, rx, tx;
};

struct nm_pair;

struct nm_side {
	struct tty_port port;
	struct nm_pair *pair;
	struct nm_side *peer;
	struct device *dev;		/* registered tty device, or NULL */
	/* Everything below is protected by pair->lock. */
	struct kfifo fifo;		/* written, not yet on the wire */
	unsigned int mctrl;		/* own outputs: TIOCM_DTR, TIOCM_RTS */
	struct nm_icount icount;
	bool active;			/* between activate and shutdown */
	bool clocal, crtscts;		/* termios, cached for atomic context */
	unsigned int baud;
	u64 credit_ns;			/* paced: wire time not used yet */
	ktime_t last;			/* paced: when credit_ns was updated */
};

struct nm_pair {
	/*
	 * Protects both sides' modem lines, counters, FIFOs, active flags
	 * and cached termios (the fields after nm_side.dev). The line
	 * discipline's dcd_change runs under it, as under a UART's port
	 * lock; taken with interrupts off.
	 */
	spinlock_t lock;
	/* Not an array: a tty_port ends in a flexible array (its flip buffer). */
	struct nm_side a, b;
	struct delayed_work wire;	/* moves bytes between the FIFOs and flip buffers */
};

/* Side @i of @pair: 0 is the A end, 1 the B end. */
static struct nm_side *nm_side_n(struct nm_pair *pair, int i)
{
	return i ? &pair->b : &pair->a;
}

static struct tty_driver *nm_driver[2];
static bool nm_driver_registered[2];
static struct nm_pair *nm_pairs;

static struct nm_side *nm_side_of(struct tty_struct *tty)
{
	return container_of(tty->port, struct nm_side, port);
}

static struct nm_side *nm_port_side(struct tty_port *port)
{
	return container_of(port, struct nm_side, port);
}

/* The input lines of @s: what its peer drives. Under pair->lock. */
static unsigned int nm_inputs(const struct nm_side *s)
{
	unsigned int peer = s->peer->mctrl, m = 0;

	if (peer & TIOCM_DTR)
		m |= TIOCM_CAR | TIOCM_DSR;
	if (peer & TIOCM_RTS)
		m |= TIOCM_CTS;
	return m;
}

/* May @s send? Under pair->lock. */
static bool nm_clear_to_send(const struct nm_side *s)
{
	return !s->crtscts || (s->peer->mctrl & TIOCM_RTS);
}

static void nm_kick(struct nm_pair *pair)
{
	mod_delayed_work(system_wq, &pair->wire, 0);
}

/*
 * DCD of @s changed; @tty is its tty or NULL. What uart_handle_dcd_change()
 * does, in the same context: pair->lock held, interrupts off.
 */
static void nm_dcd_change(struct nm_side *s, struct tty_struct *tty, bool active)
{
	struct tty_ldisc *ld;

	lockdep_assert_held(&s->pair->lock);
	if (tty) {
		ld = tty_ldisc_ref(tty);
		if (ld) {
			if (ld->ops->dcd_change)
				ld->ops->dcd_change(tty, active);
			tty_ldisc_deref(ld);
		}
	}
	s->icount.dcd++;
	if (!s->clocal) {
		if (active)
			wake_up_interruptible(&s->port.open_wait);
		else if (tty)
			tty_hangup(tty);
	}
}

/* Set and clear output lines of @s; the peer sees the change at once. */
static void nm_update_mctrl(struct nm_side *s, unsigned int set, unsigned int clear)
{
	struct nm_pair *pair = s->pair;
	struct nm_side *peer = s->peer;
	struct tty_struct *peer_tty = tty_port_tty_get(&peer->port);
	unsigned int old, changed;
	unsigned long flags;
	bool rts_up;

	spin_lock_irqsave(&pair->lock, flags);
	old = s->mctrl;
	s->mctrl = (old & ~clear) | set;
	s->mctrl &= NM_OUTPUTS;
	changed = old ^ s->mctrl;
	if (changed & TIOCM_DTR) {
		peer->icount.dsr++;
		nm_dcd_change(peer, peer_tty, s->mctrl & TIOCM_DTR);
	}
	if (changed & TIOCM_RTS)
		peer->icount.cts++;
	if (changed)
		wake_up_interruptible(&peer->port.delta_msr_wait);
	rts_up = (changed & s->mctrl & TIOCM_RTS) != 0;
	spin_unlock_irqrestore(&pair->lock, flags);

	/* The peer's CTS came on: what it holds may go now. */
	if (rts_up)
		nm_kick(pair);
	tty_kref_put(peer_tty);
}

/*
 * Move what @s has written towards its peer, as far as CTS, pacing and
 * the peer's flip buffer allow. Under pair->lock. Returns the bytes
 * moved; sets *retry to when the wire must run again (0: only when
 * kicked).
 */
static unsigned int nm_move(struct nm_side *s, ktime_t now, unsigned long *retry)
{
	struct nm_side *peer = s->peer;
	unsigned int budget = UINT_MAX, moved = 0, len, got;
	u64 byte_ns = 0;
	u8 buf[NM_CHUNK];

	if (kfifo_is_empty(&s->fifo) || !nm_clear_to_send(s))
		return 0;
	if (READ_ONCE(paced) && s->baud) {
		byte_ns = div_u64(10 * NSEC_PER_SEC, s->baud);
		s->credit_ns = min_t(u64, NM_CREDIT_CAP_NS,
				     s->credit_ns + ktime_to_ns(ktime_sub(now, s->last)));
		s->last = now;
		budget = div64_u64(s->credit_ns, byte_ns);
	}

	while (moved < budget && !kfifo_is_empty(&s->fifo)) {
		len = kfifo_out_peek(&s->fifo, buf, min_t(unsigned int, sizeof(buf),
							  budget - moved));
		/* Nobody listens on a closed side: the bytes are lost. */
		got = peer->active ? tty_insert_flip_string(&peer->port, buf, len) : len;
		if (got)
			got = kfifo_out(&s->fifo, buf, got);
		moved += got;
		if (got < len) {
			/* The receiver's flip buffer is full: try again later. */
			*retry = max(*retry, NM_RETRY);
			break;
		}
	}

	s->icount.tx += moved;
	if (peer->active) {
		peer->icount.rx += moved;
		if (moved)
			tty_flip_buffer_push(&peer->port);
	}
	if (byte_ns) {
		s->credit_ns -= min_t(u64, s->credit_ns, (u64)moved * byte_ns);
		if (!kfifo_is_empty(&s->fifo) && !*retry)
			*retry = NM_TICK;
	}
	return moved;
}

static void nm_wire(struct work_struct *work)
{
	struct nm_pair *pair = container_of(to_delayed_work(work), struct nm_pair, wire);
	unsigned long retry = 0, flags;
	bool wake[2];
	ktime_t now;
	int i;

	spin_lock_irqsave(&pair->lock, flags);
	now = ktime_get();
	for (i = 0; i < 2; i++)
		wake[i] = nm_move(nm_side_n(pair, i), now, &retry) != 0;
	spin_unlock_irqrestore(&pair->lock, flags);

	/* Room came back in the writers' FIFOs. */
	for (i = 0; i < 2; i++)
		if (wake[i])
			tty_port_tty_wakeup(&nm_side_n(pair, i)->port);
	if (retry)
		queue_delayed_work(system_wq, &pair->wire, retry);
}

/* tty_port operations */

static MODEMLINE_PORT_CARRIER_RAISED(nm_carrier_raised)
{
	struct nm_side *s = nm_port_side(port);
	unsigned long flags;
	bool dcd;

	spin_lock_irqsave(&s->pair->lock, flags);
	dcd = nm_inputs(s) & TIOCM_CAR;
	spin_unlock_irqrestore(&s->pair->lock, flags);
	return dcd;
}

static MODEMLINE_PORT_DTR_RTS(nm_dtr_rts)
{
	struct nm_side *s = nm_port_side(port);

	if (active)
		nm_update_mctrl(s, NM_OUTPUTS, 0);
	else
		nm_update_mctrl(s, 0, NM_OUTPUTS);
}

/* Cache what atomic context needs of @tty's termios. */
static void nm_cache_termios(struct nm_side *s, struct tty_struct *tty)
{
	unsigned int baud = tty_get_baud_rate(tty);
	unsigned long flags;

	spin_lock_irqsave(&s->pair->lock, flags);
	s->clocal = C_CLOCAL(tty);
	s->crtscts = C_CRTSCTS(tty);
	s->baud = baud;
	spin_unlock_irqrestore(&s->pair->lock, flags);
}

static int nm_activate(struct tty_port *port, struct tty_struct *tty)
{
	struct nm_side *s = nm_port_side(port);
	unsigned long flags;

	nm_cache_termios(s, tty);
	spin_lock_irqsave(&s->pair->lock, flags);
	kfifo_reset(&s->fifo);
	s->credit_ns = 0;
	s->last = ktime_get();
	s->active = true;
	spin_unlock_irqrestore(&s->pair->lock, flags);
	return 0;
}

static void nm_shutdown(struct tty_port *port)
{
	struct nm_side *s = nm_port_side(port);
	unsigned long flags;

	spin_lock_irqsave(&s->pair->lock, flags);
	s->active = false;
	kfifo_reset(&s->fifo);
	spin_unlock_irqrestore(&s->pair->lock, flags);
}

static const struct tty_port_operations nm_port_ops = {
	.carrier_raised = nm_carrier_raised,
	.dtr_rts = nm_dtr_rts,
	.activate = nm_activate,
	.shutdown = nm_shutdown,
};

/* tty operations */

static int nm_open(struct tty_struct *tty, struct file *filp)
{
	return tty_port_open(tty->port, tty, filp);
}

static void nm_close(struct tty_struct *tty, struct file *filp)
{
	tty_port_close(tty->port, tty, filp);
}

static void nm_hangup(struct tty_struct *tty)
{
	tty_port_hangup(tty->port);
}

static MODEMLINE_TTY_WRITE(nm_write)
{
	struct nm_side *s = nm_side_of(tty);
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&s->pair->lock, flags);
	n = kfifo_in(&s->fifo, buf, min_t(size_t, count, NM_FIFO_SIZE));
	spin_unlock_irqrestore(&s->pair->lock, flags);
	if (n)
		nm_kick(s->pair);
	return n;
}

static unsigned int nm_write_room(struct tty_struct *tty)
{
	struct nm_side *s = nm_side_of(tty);
	unsigned long flags;
	unsigned int room;

	spin_lock_irqsave(&s->pair->lock, flags);
	room = kfifo_avail(&s->fifo);
	spin_unlock_irqrestore(&s->pair->lock, flags);
	return room;
}

static unsigned int nm_chars_in_buffer(struct tty_struct *tty)
{
	struct nm_side *s = nm_side_of(tty);
	unsigned long flags;
	unsigned int len;

	spin_lock_irqsave(&s->pair->lock, flags);
	len = kfifo_len(&s->fifo);
	spin_unlock_irqrestore(&s->pair->lock, flags);
	return len;
}

static void nm_flush_buffer(struct tty_struct *tty)
{
	struct nm_side *s = nm_side_of(tty);
	unsigned long flags;

	spin_lock_irqsave(&s->pair->lock, flags);
	kfifo_reset(&s->fifo);
	spin_unlock_irqrestore(&s->pair->lock, flags);
	tty_port_tty_wakeup(&s->port);
}

static void nm_set_termios(struct tty_struct *tty, const struct ktermios *old)
{
	struct nm_side *s = nm_side_of(tty);
	unsigned int set = TIOCM_DTR;

	nm_cache_termios(s, tty);
	/* B0 hangs up: DTR and RTS drop; leaving B0 raises them again. */
	if (old && (old->c_cflag & CBAUD) && !C_BAUD(tty)) {
		nm_update_mctrl(s, 0, NM_OUTPUTS);
	} else if (old && !(old->c_cflag & CBAUD) && C_BAUD(tty)) {
		if (!C_CRTSCTS(tty) || !tty_throttled(tty))
			set |= TIOCM_RTS;
		nm_update_mctrl(s, set, 0);
	}
	/* CRTSCTS off or a new speed: what waits may go now. */
	nm_kick(s->pair);
}

static void nm_throttle(struct tty_struct *tty)
{
	if (C_CRTSCTS(tty))
		nm_update_mctrl(nm_side_of(tty), 0, TIOCM_RTS);
}

static void nm_unthrottle(struct tty_struct *tty)
{
	struct nm_side *s = nm_side_of(tty);

	if (C_CRTSCTS(tty))
		nm_update_mctrl(s, TIOCM_RTS, 0);
	/* The flip buffer has room again. */
	nm_kick(s->pair);
}

static int nm_tiocmget(struct tty_struct *tty)
{
	struct nm_side *s = nm_side_of(tty);
	unsigned long flags;
	int m;

	spin_lock_irqsave(&s->pair->lock, flags);
	m = s->mctrl | nm_inputs(s);
	spin_unlock_irqrestore(&s->pair->lock, flags);
	return m;
}

static int nm_tiocmset(struct tty_struct *tty, unsigned int set, unsigned int clear)
{
	nm_update_mctrl(nm_side_of(tty), set & NM_OUTPUTS, clear & NM_OUTPUTS);
	return 0;
}

static void nm_counts(struct nm_side *s, struct nm_icount *ic)
{
	unsigned long flags;

	spin_lock_irqsave(&s->pair->lock, flags);
	*ic = s->icount;
	spin_unlock_irqrestore(&s->pair->lock, flags);
}

static int nm_get_icount(struct tty_struct *tty, struct serial_icounter_struct *icount)
{
	struct nm_icount ic;

	nm_counts(nm_side_of(tty), &ic);
	icount->cts = ic.cts;
	icount->dsr = ic.dsr;
	icount->rng = ic.rng;
	icount->dcd = ic.dcd;
	icount->rx = ic.rx;
	icount->tx = ic.tx;
	return 0;
}

static bool nm_hung_up(struct nm_side *s, struct tty_struct *tty)
{
	return tty_io_error(tty) || !tty_port_initialized(&s->port);
}

/* TIOCMIWAIT's wake-up condition: a line in @mask changed since @then. */
static bool nm_msr_changed(struct nm_side *s, struct tty_struct *tty,
			   unsigned long mask, const struct nm_icount *then)
{
	struct nm_icount now;

	if (nm_hung_up(s, tty))
		return true;
	nm_counts(s, &now);
	return ((mask & TIOCM_RNG) && now.rng != then->rng) ||
	       ((mask & TIOCM_DSR) && now.dsr != then->dsr) ||
	       ((mask & TIOCM_CD) && now.dcd != then->dcd) ||
	       ((mask & TIOCM_CTS) && now.cts != then->cts);
}

static int nm_wait_modem_status(struct tty_struct *tty, unsigned long mask)
{
	struct nm_side *s = nm_side_of(tty);
	struct nm_icount then;
	int ret;

	nm_counts(s, &then);
	ret = wait_event_interruptible(s->port.delta_msr_wait,
				       nm_msr_changed(s, tty, mask, &then));
	if (ret)
		return ret;
	return nm_hung_up(s, tty) ? -EIO : 0;
}

static int nm_ioctl(struct tty_struct *tty, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case TIOCMIWAIT:
		return nm_wait_modem_status(tty, arg);
	default:
		return -ENOIOCTLCMD;
	}
}

static const struct tty_operations nm_ops = {
	.open = nm_open,
	.close = nm_close,
	.hangup = nm_hangup,
	.write = nm_write,
	.write_room = nm_write_room,
	.chars_in_buffer = nm_chars_in_buffer,
	.flush_buffer = nm_flush_buffer,
	.set_termios = nm_set_termios,
	.throttle = nm_throttle,
	.unthrottle = nm_unthrottle,
	.tiocmget = nm_tiocmget,
	.tiocmset = nm_tiocmset,
	.get_icount = nm_get_icount,
	.ioctl = nm_ioctl,
};

/* Undo nm_init() as far as it got: devices, drivers, then the ports. */
static void nm_teardown(void)
{
	unsigned int n;
	int i;

	for (n = 0; n < pairs; n++)
		for (i = 0; i < 2; i++)
			if (nm_side_n(&nm_pairs[n], i)->dev)
				tty_unregister_device(nm_driver[i], n);
	for (i = 0; i < 2; i++)
		if (nm_driver_registered[i])
			tty_unregister_driver(nm_driver[i]);
	for (n = 0; n < pairs; n++) {
		/* No tty is open (the tty core holds the module): nothing kicks. */
		cancel_delayed_work_sync(&nm_pairs[n].wire);
		for (i = 0; i < 2; i++) {
			tty_port_destroy(&nm_side_n(&nm_pairs[n], i)->port);
			kfifo_free(&nm_side_n(&nm_pairs[n], i)->fifo);
		}
	}
	for (i = 0; i < 2; i++)
		if (nm_driver[i])
			tty_driver_kref_put(nm_driver[i]);
	kfree(nm_pairs);
}

static struct tty_driver *nm_alloc_driver(int i)
{
	struct tty_driver *drv;

	drv = tty_alloc_driver(pairs, TTY_DRIVER_REAL_RAW | TTY_DRIVER_DYNAMIC_DEV);
	if (IS_ERR(drv))
		return drv;
	drv->driver_name = i ? "nullmodem_b" : "nullmodem_a";
	drv->name = i ? "ttyNMB" : "ttyNMA";
	drv->major = 0;
	drv->type = TTY_DRIVER_TYPE_SERIAL;
	drv->subtype = SERIAL_TYPE_NORMAL;
	/* What serial_core and cdc-acm start with. */
	drv->init_termios = tty_std_termios;
	drv->init_termios.c_cflag = B9600 | CS8 | CREAD | HUPCL | CLOCAL;
	drv->init_termios.c_ispeed = 9600;
	drv->init_termios.c_ospeed = 9600;
	tty_set_operations(drv, &nm_ops);
	return drv;
}

static int __init nm_init(void)
{
	struct nm_side *s;
	unsigned int n;
	int i, err;

	if (!pairs || pairs > NM_MAX_PAIRS)
		return -EINVAL;
	nm_pairs = kcalloc(pairs, sizeof(*nm_pairs), GFP_KERNEL);
	if (!nm_pairs)
		return -ENOMEM;
	for (n = 0; n < pairs; n++) {
		spin_lock_init(&nm_pairs[n].lock);
		INIT_DELAYED_WORK(&nm_pairs[n].wire, nm_wire);
		for (i = 0; i < 2; i++) {
			s = nm_side_n(&nm_pairs[n], i);
			tty_port_init(&s->port);
			s->port.ops = &nm_port_ops;
			s->pair = &nm_pairs[n];
			s->peer = nm_side_n(&nm_pairs[n], !i);
		}
	}
	for (n = 0; n < pairs; n++) {
		for (i = 0; i < 2; i++) {
			s = nm_side_n(&nm_pairs[n], i);
			err = kfifo_alloc(&s->fifo, NM_FIFO_SIZE, GFP_KERNEL);
			if (err)
				goto fail;
		}
	}

	for (i = 0; i < 2; i++) {
		nm_driver[i] = nm_alloc_driver(i);
		if (IS_ERR(nm_driver[i])) {
			err = PTR_ERR(nm_driver[i]);
			nm_driver[i] = NULL;
			goto fail;
		}
		err = tty_register_driver(nm_driver[i]);
		if (err)
			goto fail;
		nm_driver_registered[i] = true;
	}

	for (n = 0; n < pairs; n++) {
		for (i = 0; i < 2; i++) {
			struct device *dev;

			s = nm_side_n(&nm_pairs[n], i);
			dev = tty_port_register_device(&s->port, nm_driver[i], n, NULL);
			if (IS_ERR(dev)) {
				err = PTR_ERR(dev);
				goto fail;
			}
			s->dev = dev;
		}
	}
	return 0;

fail:
	nm_teardown();
	return err;
}

static void __exit nm_exit(void)
{
	nm_teardown();
}

module_init(nm_init);
module_exit(nm_exit);

MODULE_DESCRIPTION("Null-modem tty pairs with modem-control lines, for modemline's tests");
MODULE_LICENSE("GPL");

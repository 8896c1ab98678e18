// SPDX-License-Identifier: GPL-2.0
/*
 * The null-modem tty pairs of modemline_nullmodem (kmod/tests/nullmodem/):
 * /dev/ttyNMA<n> and /dev/ttyNMB<n> must be wired like a null-modem cable
 * and behave like a serial_core UART where our line discipline and the
 * other tests rely on it. Skipped when the module is not loaded.
 *
 * Every test uses pair 0. The tty core keeps a line's termios across
 * opens, so each test sets what it needs; the fixture closes both sides
 * with HUPCL and empty buffers before and after, so DTR and RTS start low.
 */
#include "ml_test.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <termios.h>
#include <time.h>
#include <linux/serial.h>

#include "nullmodem.h"

#define NM_FIFO		4096	/* the driver's per-side transmit FIFO */

enum { CLOCAL_ON = 1, CRTSCTS_ON = 2 };

static void nm_path(char *buf, size_t len, char side)
{
	snprintf(buf, len, "/dev/ttyNM%c0", side);
}

/* Raw 8N1 at @speed, HUPCL, with the @flags given; the fd stays O_NONBLOCK. */
static int nm_setup_fd(int fd, int flags, speed_t speed)
{
	struct termios t;

	if (tcgetattr(fd, &t))
		return -1;
	cfmakeraw(&t);
	t.c_cflag &= ~(CLOCAL | CRTSCTS);
	t.c_cflag |= CREAD | HUPCL;
	if (flags & CLOCAL_ON)
		t.c_cflag |= CLOCAL;
	if (flags & CRTSCTS_ON)
		t.c_cflag |= CRTSCTS;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	cfsetspeed(&t, speed);
	return tcsetattr(fd, TCSANOW, &t);
}

/* Open side 'A' or 'B' of pair 0 without waiting for carrier. */
static int nm_open(char side, int flags, speed_t speed)
{
	char path[32];
	int fd;

	nm_path(path, sizeof(path), side);
	fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (nm_setup_fd(fd, flags, speed)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Close without waiting for queued output (closing_wait is 30 s). */
static void nm_close(int *fd)
{
	if (*fd < 0)
		return;
	tcflush(*fd, TCIOFLUSH);
	close(*fd);
	*fd = -1;
}

/* Both sides closed with HUPCL and nothing queued: DTR and RTS low. */
static void nm_reset(void)
{
	int a = nm_open('A', CLOCAL_ON, B9600);
	int b = nm_open('B', CLOCAL_ON, B9600);

	nm_close(&a);
	nm_close(&b);
}

static int nm_mget(int fd)
{
	int m = -1;

	if (ioctl(fd, TIOCMGET, &m))
		return -1;
	return m;
}

static int nm_mbits(int fd, unsigned long req, int bits)
{
	return ioctl(fd, req, &bits);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Read up to @len bytes from non-blocking @fd within @timeout_ms. */
static int nm_read(int fd, void *buf, size_t len, int timeout_ms)
{
	double end = now_s() + timeout_ms / 1000.0;
	size_t got = 0;

	while (got < len) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int left = (int)((end - now_s()) * 1000);
		ssize_t n;

		if (left <= 0 || poll(&p, 1, left) <= 0)
			break;
		n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n <= 0)
			break;
		got += n;
	}
	return (int)got;
}

static void fill(unsigned char *buf, size_t len, unsigned int seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(i * 31 + seed + (i >> 8));
}

FIXTURE(nm) {
	int a, b;
};

FIXTURE_SETUP(nm)
{
	char path[32];

	self->a = -1;
	self->b = -1;
	nm_path(path, sizeof(path), 'A');
	if (access(path, F_OK))
		SKIP(return, "no %s: modemline_nullmodem not loaded", path);
	nm_reset();
}

FIXTURE_TEARDOWN(nm)
{
	nm_close(&self->a);
	nm_close(&self->b);
	nm_paced_set("N");
	nm_reset();
}

TEST_F(nm, bytes_cross_both_ways)
{
	unsigned char out[1000], in[1000];

	self->a = nm_open('A', CLOCAL_ON, B115200);
	self->b = nm_open('B', CLOCAL_ON, B115200);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);

	fill(out, sizeof(out), 1);
	ASSERT_EQ((ssize_t)sizeof(out), write(self->a, out, sizeof(out)));
	ASSERT_EQ((int)sizeof(in), nm_read(self->b, in, sizeof(in), 5000));
	ASSERT_EQ(0, memcmp(out, in, sizeof(in)));

	fill(out, sizeof(out), 2);
	ASSERT_EQ((ssize_t)sizeof(out), write(self->b, out, sizeof(out)));
	ASSERT_EQ((int)sizeof(in), nm_read(self->a, in, sizeof(in), 5000));
	ASSERT_EQ(0, memcmp(out, in, sizeof(in)));

	/* Nothing else came: no echo, nothing doubled. */
	ASSERT_EQ(0, nm_read(self->a, in, 1, 100));
	ASSERT_EQ(0, nm_read(self->b, in, 1, 100));
}

TEST_F(nm, dtr_is_peer_dcd_and_dsr_rts_is_peer_cts)
{
	int m;

	self->a = nm_open('A', CLOCAL_ON, B9600);
	self->b = nm_open('B', CLOCAL_ON, B9600);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);

	/* The open raised DTR and RTS on both sides. */
	m = nm_mget(self->b);
	ASSERT_EQ(TIOCM_DTR | TIOCM_RTS | TIOCM_CAR | TIOCM_DSR | TIOCM_CTS, m);

	ASSERT_EQ(0, nm_mbits(self->a, TIOCMBIC, TIOCM_DTR));
	m = nm_mget(self->b);
	ASSERT_EQ(0, m & (TIOCM_CAR | TIOCM_DSR));
	ASSERT_EQ(TIOCM_CTS, m & TIOCM_CTS);
	ASSERT_EQ(TIOCM_RTS, nm_mget(self->a) & (TIOCM_DTR | TIOCM_RTS));

	ASSERT_EQ(0, nm_mbits(self->a, TIOCMBIC, TIOCM_RTS));
	ASSERT_EQ(0, nm_mget(self->b) & TIOCM_CTS);

	ASSERT_EQ(0, nm_mbits(self->a, TIOCMSET, TIOCM_DTR));
	m = nm_mget(self->b);
	ASSERT_EQ(TIOCM_CAR | TIOCM_DSR, m & (TIOCM_CAR | TIOCM_DSR | TIOCM_CTS));

	ASSERT_EQ(0, nm_mbits(self->a, TIOCMBIS, TIOCM_RTS));
	ASSERT_EQ(TIOCM_CTS, nm_mget(self->b) & TIOCM_CTS);

	/* The lines cross the other way too; RI is never on. */
	ASSERT_EQ(0, nm_mbits(self->b, TIOCMBIC, TIOCM_DTR | TIOCM_RTS));
	m = nm_mget(self->a);
	ASSERT_EQ(TIOCM_DTR | TIOCM_RTS, m);
	ASSERT_EQ(0, m & TIOCM_RI);
}

struct waiter {
	int fd;
	unsigned long mask;
	atomic_int done;
	int ret, err;
};

static void *miwait_thread(void *arg)
{
	struct waiter *w = arg;

	w->ret = ioctl(w->fd, TIOCMIWAIT, w->mask);
	w->err = errno;
	atomic_store(&w->done, 1);
	return NULL;
}

/* Wait up to @ms for the waiter to return. */
static bool waiter_done(struct waiter *w, int ms)
{
	while (ms > 0 && !atomic_load(&w->done)) {
		usleep(10000);
		ms -= 10;
	}
	return atomic_load(&w->done);
}

TEST_F(nm, tiocmiwait_wakes_on_peer_dtr_and_icount_counts_it)
{
	struct serial_icounter_struct before, after;
	struct waiter w = { .mask = TIOCM_CD };
	pthread_t th;

	self->a = nm_open('A', CLOCAL_ON, B9600);
	self->b = nm_open('B', CLOCAL_ON, B9600);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);
	ASSERT_EQ(0, ioctl(self->b, TIOCGICOUNT, &before));

	w.fd = self->b;
	ASSERT_EQ(0, pthread_create(&th, NULL, miwait_thread, &w));
	/* A change of a line not waited for does not wake it. */
	ASSERT_EQ(0, nm_mbits(self->a, TIOCMBIC, TIOCM_RTS));
	ASSERT_FALSE(waiter_done(&w, 300));

	ASSERT_EQ(0, nm_mbits(self->a, TIOCMBIC, TIOCM_DTR));
	ASSERT_TRUE(waiter_done(&w, 5000));
	pthread_join(th, NULL);
	ASSERT_EQ(0, w.ret) TH_LOG("TIOCMIWAIT: %s", strerror(w.err));

	ASSERT_EQ(0, ioctl(self->b, TIOCGICOUNT, &after));
	ASSERT_EQ(before.dcd + 1, after.dcd);
	ASSERT_EQ(before.dsr + 1, after.dsr);
	ASSERT_EQ(before.cts + 1, after.cts);
	ASSERT_EQ(before.rng, after.rng);
}

static void on_alarm(int sig)
{
	(void)sig;
}

TEST_F(nm, tiocmiwait_is_interrupted_by_a_signal)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct itimerval it = { .it_value = { .tv_usec = 200000 } };
	double t0;
	int ret;

	self->b = nm_open('B', CLOCAL_ON, B9600);
	ASSERT_LE(0, self->b);
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	t0 = now_s();
	ASSERT_EQ(0, setitimer(ITIMER_REAL, &it, NULL));
	ret = ioctl(self->b, TIOCMIWAIT, TIOCM_CD | TIOCM_DSR | TIOCM_CTS | TIOCM_RNG);
	ASSERT_EQ(-1, ret);
	ASSERT_EQ(EINTR, errno);
	ASSERT_LE(0.15, now_s() - t0);
}

TEST_F(nm, tiocmiwait_fails_with_eio_on_hangup)
{
	struct waiter w = { .mask = TIOCM_CTS };
	pthread_t th;

	self->a = nm_open('A', CLOCAL_ON, B9600);
	self->b = nm_open('B', 0, B9600);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);

	/* Waiting for CTS only: the DCD drop wakes it by hanging B up. */
	w.fd = self->b;
	ASSERT_EQ(0, pthread_create(&th, NULL, miwait_thread, &w));
	ASSERT_FALSE(waiter_done(&w, 200));
	ASSERT_EQ(0, nm_mbits(self->a, TIOCMBIC, TIOCM_DTR));
	ASSERT_TRUE(waiter_done(&w, 5000));
	pthread_join(th, NULL);
	ASSERT_EQ(-1, w.ret);
	ASSERT_EQ(EIO, w.err);
}

struct opener {
	char path[32];
	atomic_int done;
	int fd, err;
};

static void *open_thread(void *arg)
{
	struct opener *o = arg;

	o->fd = open(o->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	o->err = errno;
	atomic_store(&o->done, 1);
	return NULL;
}

TEST_F(nm, blocking_open_without_clocal_waits_for_carrier)
{
	struct opener o = { .fd = -1 };
	pthread_t th;
	int i;

	/* The tty core keeps termios: B's next opens are without CLOCAL. */
	self->b = nm_open('B', 0, B9600);
	ASSERT_LE(0, self->b);
	nm_close(&self->b);

	nm_path(o.path, sizeof(o.path), 'B');
	ASSERT_EQ(0, pthread_create(&th, NULL, open_thread, &o));
	for (i = 0; i < 50 && !atomic_load(&o.done); i++)
		usleep(10000);
	ASSERT_FALSE(atomic_load(&o.done)) {
		pthread_join(th, NULL);
		TH_LOG("open returned %d (%s) without carrier", o.fd, strerror(o.err));
		if (o.fd >= 0)
			close(o.fd);
	}

	/* Opening A raises its DTR: B's carrier. */
	self->a = nm_open('A', CLOCAL_ON, B9600);
	ASSERT_LE(0, self->a);
	for (i = 0; i < 500 && !atomic_load(&o.done); i++)
		usleep(10000);
	/* On failure the test's exit ends the opener still in open(). */
	ASSERT_TRUE(atomic_load(&o.done));
	pthread_join(th, NULL);
	self->b = o.fd;
	ASSERT_LE(0, self->b) TH_LOG("open: %s", strerror(o.err));
	ASSERT_EQ(TIOCM_CAR, nm_mget(self->b) & TIOCM_CAR);
}

TEST_F(nm, close_with_hupcl_drops_peer_dcd)
{
	self->a = nm_open('A', CLOCAL_ON, B9600);
	self->b = nm_open('B', CLOCAL_ON, B9600);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);
	ASSERT_EQ(TIOCM_CAR | TIOCM_DSR, nm_mget(self->b) & (TIOCM_CAR | TIOCM_DSR));

	nm_close(&self->a);
	ASSERT_EQ(0, nm_mget(self->b) & (TIOCM_CAR | TIOCM_DSR | TIOCM_CTS));
}

TEST_F(nm, dcd_drop_without_clocal_hangs_up)
{
	char c;

	self->a = nm_open('A', CLOCAL_ON, B9600);
	self->b = nm_open('B', 0, B9600);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);
	ASSERT_EQ(1, write(self->b, "x", 1));
	ASSERT_EQ(1, nm_read(self->a, &c, 1, 5000));

	ASSERT_EQ(0, nm_mbits(self->a, TIOCMBIC, TIOCM_DTR));
	/* The hang-up runs in a work item: a hung-up tty reads EOF. */
	ASSERT_EQ(0, nm_read(self->b, &c, 1, 5000));
	ASSERT_EQ(0, read(self->b, &c, 1));
	ASSERT_EQ(-1, write(self->b, "x", 1));
	ASSERT_EQ(EIO, errno);
	ASSERT_EQ(-1, nm_mget(self->b));
	ASSERT_EQ(EIO, errno);
}

TEST_F(nm, dcd_drop_with_clocal_does_not_hang_up)
{
	char c;

	self->a = nm_open('A', CLOCAL_ON, B9600);
	self->b = nm_open('B', CLOCAL_ON, B9600);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);

	ASSERT_EQ(0, nm_mbits(self->a, TIOCMBIC, TIOCM_DTR));
	usleep(200000);
	ASSERT_EQ(0, nm_mget(self->b) & TIOCM_CAR);
	ASSERT_EQ(1, write(self->b, "y", 1));
	ASSERT_EQ(1, nm_read(self->a, &c, 1, 5000));
	ASSERT_EQ('y', c);
}

TEST_F(nm, crtscts_holds_bytes_until_cts_rises)
{
	static unsigned char out[NM_FIFO + 1000], in[NM_FIFO + 1000];
	struct serial_icounter_struct ta0, ta1, rb0, rb1;
	int queued;

	self->a = nm_open('A', CLOCAL_ON | CRTSCTS_ON, B115200);
	self->b = nm_open('B', CLOCAL_ON, B115200);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);
	ASSERT_EQ(0, ioctl(self->a, TIOCGICOUNT, &ta0));
	ASSERT_EQ(0, ioctl(self->b, TIOCGICOUNT, &rb0));

	ASSERT_EQ(0, nm_mbits(self->b, TIOCMBIC, TIOCM_RTS));
	ASSERT_EQ(0, nm_mget(self->a) & TIOCM_CTS);

	/* The FIFO takes what it has room for, then the writer must wait. */
	fill(out, sizeof(out), 3);
	ASSERT_EQ(NM_FIFO, write(self->a, out, sizeof(out)));
	ASSERT_EQ(-1, write(self->a, out, 1));
	ASSERT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, ioctl(self->a, TIOCOUTQ, &queued));
	ASSERT_EQ(NM_FIFO, queued);

	/* Nothing crosses while CTS is low. */
	ASSERT_EQ(0, nm_read(self->b, in, sizeof(in), 300));

	ASSERT_EQ(0, nm_mbits(self->b, TIOCMBIS, TIOCM_RTS));
	ASSERT_EQ(NM_FIFO, nm_read(self->b, in, NM_FIFO, 5000));
	ASSERT_EQ(0, memcmp(out, in, NM_FIFO));
	ASSERT_EQ(0, nm_read(self->b, in, 1, 100));

	ASSERT_EQ(0, ioctl(self->a, TIOCGICOUNT, &ta1));
	ASSERT_EQ(0, ioctl(self->b, TIOCGICOUNT, &rb1));
	ASSERT_EQ(ta0.tx + NM_FIFO, ta1.tx);
	ASSERT_EQ(rb0.rx + NM_FIFO, rb1.rx);
}

struct writer {
	int fd;
	const unsigned char *buf;
	size_t len, sent;
	atomic_int done;
};

static void *write_thread(void *arg)
{
	struct writer *w = arg;

	while (w->sent < w->len) {
		struct pollfd p = { .fd = w->fd, .events = POLLOUT };
		ssize_t n;

		if (poll(&p, 1, 20000) <= 0)
			break;
		n = write(w->fd, w->buf + w->sent, w->len - w->sent);
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n <= 0)
			break;
		w->sent += n;
	}
	atomic_store(&w->done, 1);
	return NULL;
}

TEST_F_TIMEOUT(nm, receiver_that_stops_reading_drops_rts, 120)
{
	/* More than B's flip buffers take (640 KiB): the writer must wait. */
	static unsigned char out[1024 * 1024], in[1024 * 1024];
	struct writer w = { .buf = out, .len = sizeof(out) };
	pthread_t th;
	int i, m = 0;

	self->a = nm_open('A', CLOCAL_ON | CRTSCTS_ON, B115200);
	self->b = nm_open('B', CLOCAL_ON | CRTSCTS_ON, B115200);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);

	fill(out, sizeof(out), 4);
	w.fd = self->a;
	ASSERT_EQ(0, pthread_create(&th, NULL, write_thread, &w));
	/* B reads nothing: its line discipline throttles, B's RTS drops. */
	for (i = 0; i < 500; i++) {
		m = nm_mget(self->a);
		if (!(m & TIOCM_CTS))
			break;
		usleep(10000);
	}
	ASSERT_EQ(0, m & TIOCM_CTS);
	ASSERT_EQ(0, nm_mget(self->b) & TIOCM_RTS);
	ASSERT_FALSE(atomic_load(&w.done));

	/* Reading unthrottles; everything arrives, in order. */
	ASSERT_EQ((int)sizeof(in), nm_read(self->b, in, sizeof(in), 60000));
	pthread_join(th, NULL);
	ASSERT_EQ(sizeof(out), w.sent);
	ASSERT_EQ(0, memcmp(out, in, sizeof(in)));
	ASSERT_EQ(TIOCM_RTS, nm_mget(self->b) & TIOCM_RTS);
}

TEST_F(nm, paced_line_keeps_to_its_speed)
{
	unsigned char out[3840], in[3840];
	double t0, took;

	if (nm_paced_set("Y"))
		SKIP(return, "cannot set %s", NM_PARAM_PACED);
	self->a = nm_open('A', CLOCAL_ON, B38400);
	self->b = nm_open('B', CLOCAL_ON, B38400);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);

	fill(out, sizeof(out), 5);
	t0 = now_s();
	ASSERT_EQ((ssize_t)sizeof(out), write(self->a, out, sizeof(out)));
	ASSERT_EQ((int)sizeof(in), nm_read(self->b, in, sizeof(in), 30000));
	took = now_s() - t0;
	ASSERT_EQ(0, memcmp(out, in, sizeof(in)));
	/* 3840 bytes at 3840 bytes/s: a lower bound only, machines are slow. */
	ASSERT_LE(0.5, took) TH_LOG("3840 bytes at 38400 bit/s took %.3f s", took);
}

TEST_F(nm, rmmod_refused_while_a_tty_is_open)
{
	long before = -1, during;
	int i;

	/* The ttys closed before are released in a work item: wait for it. */
	for (i = 0; i < 500; i++) {
		ASSERT_EQ(0, mls_module_refcnt("modemline_nullmodem", &before));
		if (!before)
			break;
		usleep(10000);
	}
	ASSERT_EQ(0, before);
	self->a = nm_open('A', CLOCAL_ON, B9600);
	ASSERT_LE(0, self->a);
	ASSERT_EQ(0, mls_module_refcnt("modemline_nullmodem", &during));
	/* Only try when the open tty demonstrably pins the module. */
	ASSERT_LT(before, during);
	ASSERT_EQ(-1, syscall(__NR_delete_module, "modemline_nullmodem", O_NONBLOCK));
	ASSERT_TRUE(errno == EWOULDBLOCK || errno == EBUSY)
		TH_LOG("delete_module: %s", strerror(errno));
	ASSERT_EQ(0, access(NM_PARAM_PACED, F_OK));
}

TEST_HARNESS_MAIN

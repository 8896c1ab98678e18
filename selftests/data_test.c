// SPDX-License-Identifier: GPL-2.0
/*
 * The data stream of a call (CALL_DATA): its descriptor's ABI, exact
 * byte counters, backpressure in both directions, and every way the call
 * or its owner can go away in the middle of a transfer. On simulated
 * lines (modemline_sim "data echo|sink") the ring's size is visible
 * exactly; on a pty with userspace/modemsim the whole tty path is.
 *
 * Runs as root with modemline and modemline_sim loaded; modemsim is found
 * as for tty_test.
 */
#include "ml_test.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>

#include "stream.h"
#include "tty.h"
#include "ttyline.h"

#define NUMBER		"5551234"
#define RING_SIZE	((size_t)4096)	/* the call's receive buffer, per the ABI */
/* Far beyond what the buffers between us and the modem can hold. */
#define BOUNDED		((size_t)512 * 1024)

/* poll() one descriptor: its revents, 0 on time-out, -errno. */
static int poll_one(int fd, short events, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n = poll(&p, 1, timeout_ms);

	if (n < 0)
		return -errno;
	return n ? p.revents : 0;
}

/* Write the pattern from @pos without blocking until the call takes no more. */
static size_t write_until_full(int dfd, size_t pos)
{
	unsigned char buf[1024];
	size_t done = 0;
	ssize_t n;

	for (;;) {
		pattern_fill(buf, pos + done, sizeof(buf));
		n = write(dfd, buf, sizeof(buf));
		if (n <= 0)
			return done;
		done += n;
	}
}

/* Read up to @want bytes, waiting up to ML_WAIT_MS for each; check them. */
static size_t read_pattern(int dfd, size_t pos, size_t want, long *bad)
{
	unsigned char buf[4096];
	size_t got = 0;
	ssize_t n;
	long b;

	*bad = -1;
	while (got < want) {
		if (poll_one(dfd, POLLIN, ML_WAIT_MS) <= 0)
			break;
		n = read(dfd, buf, want - got < sizeof(buf) ? want - got : sizeof(buf));
		if (n < 0 && errno == EAGAIN)
			continue;
		if (n <= 0)
			break;
		b = pattern_check(buf, pos + got, n);
		if (b >= 0 && *bad < 0)
			*bad = b;
		got += n;
	}
	return got;
}

/* After the end: what is left, then EOF; writes -EPIPE; poll says HUP. */
static void check_hung_up(struct __test_metadata *_metadata, int dfd)
{
	char c = 'x';
	int rev;

	rev = poll_one(dfd, POLLIN | POLLOUT, ML_WAIT_MS);
	ASSERT_LT(0, rev);
	EXPECT_TRUE(rev & POLLHUP);
	EXPECT_TRUE(rev & POLLIN);
	EXPECT_FALSE(rev & POLLOUT);
	EXPECT_EQ(-1, write(dfd, &c, 1));
	EXPECT_EQ(EPIPE, errno);
}

/* ------------------------------------------------------------------ */
/* Simulated lines                                                     */

FIXTURE(sim) {
	struct sim_line line;
	int ml;
	__u32 call;
	int dfd;
};

FIXTURE_SETUP(sim)
{
	struct modemline_event ev;

	self->dfd = -1;
	ML_OPEN(self->ml, 0);
	ASSERT_EQ(0, sim_line_create(&self->line));
	SIM_CTL(&self->line, "dial connect 0 33600");
	SIM_CTL(&self->line, "data echo");
	self->call = dial_wait(_metadata, self->ml, self->line.id, NUMBER,
			       MODEMLINE_STATE_CONNECTED, &ev);
	DATA_OPEN(self->dfd, self->ml, self->call, MODEMLINE_DATA_NONBLOCK);
}

FIXTURE_TEARDOWN(sim)
{
	if (self->dfd >= 0)
		close(self->dfd);
	close(self->ml);
	sim_line_remove(&self->line);
}

TEST_F(sim, descriptor_is_cloexec_nonblocking_and_unseekable)
{
	int blocking;

	EXPECT_TRUE(fcntl(self->dfd, F_GETFD) & FD_CLOEXEC);
	EXPECT_TRUE(fcntl(self->dfd, F_GETFL) & O_NONBLOCK);
	EXPECT_EQ(O_RDWR, fcntl(self->dfd, F_GETFL) & O_ACCMODE);
	EXPECT_EQ(-1, lseek(self->dfd, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
	close(self->dfd);
	DATA_OPEN(blocking, self->ml, self->call, 0);
	self->dfd = blocking;
	EXPECT_FALSE(fcntl(self->dfd, F_GETFL) & O_NONBLOCK);
}

TEST_F(sim, bad_arguments_change_nothing)
{
	struct modemline_call_data d;
	int before, after, fd;

	memset(&d, 0, sizeof(d));
	d.call = self->call;
	d.flags = 2;
	EXPECT_EQ(-EINVAL, mls_ioctl(self->ml, MODEMLINE_IOC_CALL_DATA, &d));
	d.flags = 0;
	d.reserved = 1;
	EXPECT_EQ(-EINVAL, mls_ioctl(self->ml, MODEMLINE_IOC_CALL_DATA, &d));
	EXPECT_EQ(-ENOENT, mls_call_data(self->ml, 0, 0));
	EXPECT_EQ(-ENOENT, mls_call_data(self->ml, self->call + 1000, 0));
	/* One data descriptor per call at a time. */
	EXPECT_EQ(-EBUSY, mls_call_data(self->ml, self->call, 0));
	/* A bad pointer creates no descriptor and keeps none busy. */
	close(self->dfd);
	self->dfd = -1;
	before = dup(0);
	close(before);
	EXPECT_EQ(-EFAULT, mls_ioctl(self->ml, MODEMLINE_IOC_CALL_DATA, NULL));
	EXPECT_EQ(-EFAULT, mls_ioctl(self->ml, MODEMLINE_IOC_CALL_DATA,
				     (void *)1));
	after = dup(0);
	close(after);
	EXPECT_EQ(before, after);
	fd = mls_call_data(self->ml, self->call, 0);
	EXPECT_LE(0, fd);
	self->dfd = fd;
}

TEST_F(sim, echo_arrives_whole_and_counters_are_exact)
{
	size_t sent = 0, got = 0, n;
	unsigned char buf[1500];
	long bad = -1, b;
	ssize_t r;

	while (got < 200000) {
		if (sent < 200000) {
			n = sizeof(buf) < 200000 - sent ? sizeof(buf) : 200000 - sent;
			pattern_fill(buf, sent, n);
			r = write(self->dfd, buf, n);
			if (r > 0)
				sent += r;
			else
				ASSERT_EQ(EAGAIN, errno);
		}
		r = read(self->dfd, buf, sizeof(buf));
		if (r < 0) {
			ASSERT_EQ(EAGAIN, errno);
			continue;
		}
		ASSERT_LT(0, r);
		b = pattern_check(buf, got, r);
		if (b >= 0 && bad < 0)
			bad = b;
		got += r;
	}
	EXPECT_EQ(-1, bad) TH_LOG("first wrong byte at offset %ld", bad);
	EXPECT_EQ(200000U, got);
	check_bytes(_metadata, self->ml, self->call, got, sent);
}

TEST_F(sim, reader_that_stops_stops_the_writer_at_the_ring_size)
{
	long bad;
	size_t n;

	n = write_until_full(self->dfd, 0);
	EXPECT_EQ(RING_SIZE, n);
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, poll_one(self->dfd, POLLOUT, 100));
	check_bytes(_metadata, self->ml, self->call, 0, RING_SIZE);
	/* Half the ring read: the writer may go on. */
	EXPECT_EQ(RING_SIZE / 2, read_pattern(self->dfd, 0, RING_SIZE / 2, &bad));
	EXPECT_TRUE(poll_one(self->dfd, POLLOUT, ML_WAIT_MS) & POLLOUT);
	n = write_until_full(self->dfd, RING_SIZE);
	EXPECT_EQ(RING_SIZE / 2, n);
	EXPECT_EQ(RING_SIZE, read_pattern(self->dfd, RING_SIZE / 2, RING_SIZE, &bad));
	EXPECT_EQ(-1, bad);
	check_bytes(_metadata, self->ml, self->call, RING_SIZE + RING_SIZE / 2,
		    RING_SIZE + RING_SIZE / 2);
}

TEST_F(sim, writes_wait_for_connect_and_fail_after_the_end)
{
	struct modemline_event ev;
	__u32 call;
	char c = 'x';
	int dfd;

	ASSERT_EQ(0, mls_deallocate(self->ml, self->call, MODEMLINE_DEALLOCATE_DROP));
	ASSERT_EQ(0, mls_wait_line_idle(self->ml, self->line.id, ML_WAIT_MS));
	SIM_CTL(&self->line, "dial silent");
	ASSERT_EQ(0, mls_dial(self->ml, self->line.id, NUMBER, 0, &call));
	DATA_OPEN(dfd, self->ml, call, MODEMLINE_DATA_NONBLOCK);
	EXPECT_EQ(-1, read(dfd, &c, 1));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(-1, write(dfd, &c, 1));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(0, poll_one(dfd, POLLIN | POLLOUT, 100));
	ASSERT_EQ(0, mls_drop(self->ml, call, MODEMLINE_DROP_WAIT));
	EXPECT_EQ(0, read(dfd, &c, 1));
	check_hung_up(_metadata, dfd);
	check_bytes(_metadata, self->ml, call, 0, 0);
	close(dfd);
	(void)ev;
}

TEST_F(sim, ended_call_without_unread_bytes_has_no_stream)
{
	close(self->dfd);
	self->dfd = -1;
	ASSERT_EQ(0, mls_drop(self->ml, self->call, MODEMLINE_DROP_WAIT));
	EXPECT_EQ(-ENOTCONN, mls_call_data(self->ml, self->call, 0));
}

TEST_F(sim, remote_hangup_drains_then_end_of_file)
{
	struct modemline_event ev;
	long bad;

	ASSERT_EQ(RING_SIZE, write_until_full(self->dfd, 0));
	SIM_CTL(&self->line, "hangup");
	ASSERT_EQ(0, mls_wait_state(self->ml, self->call,
				    MODEMLINE_STATE_DISCONNECTED, &ev, ML_WAIT_MS));
	EXPECT_EQ(U32(MODEMLINE_ORIGIN_REMOTE), ev.origin);
	/* The ring filled before the hang-up is all still there. */
	EXPECT_EQ(RING_SIZE, read_pattern(self->dfd, 0, 2 * RING_SIZE, &bad));
	EXPECT_EQ(-1, bad);
	check_hung_up(_metadata, self->dfd);
	check_bytes(_metadata, self->ml, self->call, RING_SIZE, RING_SIZE);
}

TEST_F(sim, unread_bytes_of_an_ended_call_wait_for_a_new_descriptor)
{
	struct modemline_event ev;
	long bad;

	ASSERT_EQ(RING_SIZE, write_until_full(self->dfd, 0));
	close(self->dfd);
	self->dfd = -1;
	SIM_CTL(&self->line, "hangup");
	ASSERT_EQ(0, mls_wait_state(self->ml, self->call,
				    MODEMLINE_STATE_DISCONNECTED, &ev, ML_WAIT_MS));
	DATA_OPEN(self->dfd, self->ml, self->call, MODEMLINE_DATA_NONBLOCK);
	EXPECT_EQ(RING_SIZE, read_pattern(self->dfd, 0, 2 * RING_SIZE, &bad));
	EXPECT_EQ(-1, bad);
	EXPECT_EQ(0, read(self->dfd, &bad, 1));
}

/* Reopen the data descriptor blocking. */
static int reopen_blocking(struct __test_metadata *_metadata, int ml,
			   __u32 call, int dfd)
{
	close(dfd);
	dfd = mls_call_data(ml, call, 0);
	EXPECT_LE(0, dfd);
	return dfd;
}

TEST_F(sim, local_drop_wakes_a_blocked_reader)
{
	struct stream rd, wr;

	self->dfd = reopen_blocking(_metadata, self->ml, self->call, self->dfd);
	/* The modem swallows everything: nothing ever comes to read. */
	SIM_CTL(&self->line, "data sink");
	STREAM_START(&rd, self->dfd, 0, false);
	STREAM_START(&wr, self->dfd, 0, true);
	usleep(200000);
	ASSERT_EQ(0, mls_drop(self->ml, self->call, MODEMLINE_DROP_WAIT));
	STREAM_JOIN(&wr);
	STREAM_JOIN(&rd);
	EXPECT_EQ(EPIPE, wr.err);
	EXPECT_LT(0U, wr.done);
	EXPECT_EQ(0, rd.err);
	EXPECT_EQ(0U, rd.done);
	check_bytes(_metadata, self->ml, self->call, 0, wr.done);
	check_hung_up(_metadata, self->dfd);
}

TEST_F(sim, local_drop_wakes_a_blocked_writer)
{
	struct stream wr;

	self->dfd = reopen_blocking(_metadata, self->ml, self->call, self->dfd);
	/* Echo that nobody reads: the writer blocks once the ring is full. */
	STREAM_START(&wr, self->dfd, 0, true);
	usleep(200000);
	ASSERT_EQ(0, mls_drop(self->ml, self->call, MODEMLINE_DROP_WAIT));
	STREAM_JOIN(&wr);
	EXPECT_EQ(EPIPE, wr.err);
	EXPECT_EQ(RING_SIZE, wr.done);
	check_bytes(_metadata, self->ml, self->call, 0, RING_SIZE);
	check_hung_up(_metadata, self->dfd);
}

/* Issue 20.4: O_NONBLOCK never waits behind a blocked reader or writer. */
TEST_F(sim, nonblocking_read_beside_a_blocked_reader_is_eagain)
{
	struct io_thread waiter, try;
	int ret;

	self->dfd = reopen_blocking(_metadata, self->ml, self->call, self->dfd);
	SIM_CTL(&self->line, "data sink");
	ASSERT_EQ(0, io_thread_start(&waiter, self->dfd, false, 1));
	ret = try_nonblock_beside(_metadata, self->dfd, false, 1, &waiter, &try);
	ASSERT_EQ(0, mls_drop(self->ml, self->call, MODEMLINE_DROP_WAIT));
	io_thread_join(&waiter);
	io_thread_join(&try);
	EXPECT_PROMPT_EAGAIN(ret, try);
	EXPECT_EQ(0, waiter.ret);
}

TEST_F(sim, nonblocking_write_beside_a_blocked_writer_is_eagain)
{
	struct io_thread waiter, try;
	int ret;

	/* Echo that nobody reads: the ring fills, then writes wait. */
	ASSERT_EQ(RING_SIZE, write_until_full(self->dfd, 0));
	self->dfd = reopen_blocking(_metadata, self->ml, self->call, self->dfd);
	ASSERT_EQ(0, io_thread_start(&waiter, self->dfd, true, 1));
	ret = try_nonblock_beside(_metadata, self->dfd, true, 1, &waiter, &try);
	ASSERT_EQ(0, mls_drop(self->ml, self->call, MODEMLINE_DROP_WAIT));
	io_thread_join(&waiter);
	io_thread_join(&try);
	EXPECT_PROMPT_EAGAIN(ret, try);
	EXPECT_EQ(-1, waiter.ret);
	EXPECT_EQ(EPIPE, waiter.err);
}

TEST_F(sim, deallocate_while_the_descriptor_is_open)
{
	struct modemline_call_info ci;
	long bad;
	size_t n;

	n = write_until_full(self->dfd, 0);
	ASSERT_EQ(RING_SIZE, n);
	ASSERT_EQ(0, mls_deallocate(self->ml, self->call,
				    MODEMLINE_DEALLOCATE_DROP));
	EXPECT_EQ(-ENOENT, mls_call_info(self->ml, self->call, &ci));
	EXPECT_EQ(RING_SIZE, read_pattern(self->dfd, 0, 2 * RING_SIZE, &bad));
	EXPECT_EQ(-1, bad);
	check_hung_up(_metadata, self->dfd);
	EXPECT_EQ(0, mls_wait_line_idle(self->ml, self->line.id, ML_WAIT_MS));
}

TEST_F(sim, closing_the_device_first_leaves_the_descriptor_working)
{
	long bad;

	ASSERT_EQ(RING_SIZE, write_until_full(self->dfd, 0));
	close(self->ml);
	EXPECT_EQ(RING_SIZE, read_pattern(self->dfd, 0, 2 * RING_SIZE, &bad));
	EXPECT_EQ(-1, bad);
	check_hung_up(_metadata, self->dfd);
	ML_OPEN(self->ml, 0);
	EXPECT_EQ(0, mls_wait_line_idle(self->ml, self->line.id, ML_WAIT_MS));
}

TEST_F(sim, closing_the_descriptor_first_then_the_device)
{
	ASSERT_EQ(RING_SIZE, write_until_full(self->dfd, 0));
	close(self->dfd);
	self->dfd = -1;
	close(self->ml);
	ML_OPEN(self->ml, 0);
	EXPECT_EQ(0, mls_wait_line_idle(self->ml, self->line.id, ML_WAIT_MS));
}

TEST_F(sim, line_removal_ends_the_stream)
{
	struct modemline_call_info ci;
	long bad;

	ASSERT_EQ(RING_SIZE, write_until_full(self->dfd, 0));
	SIM_REMOVE(&self->line);
	EXPECT_EQ(RING_SIZE, read_pattern(self->dfd, 0, 2 * RING_SIZE, &bad));
	check_hung_up(_metadata, self->dfd);
	ASSERT_EQ(0, mls_call_info(self->ml, self->call, &ci));
	EXPECT_EQ(U32(MODEMLINE_ORIGIN_SYSTEM), ci.origin);
	EXPECT_EQ(U32(MODEMLINE_REASON_LINE_REMOVED), ci.reason);
}

TEST_F(sim, epoll_reports_input_output_and_hangup)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP };
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct modemline_call_info ci;
	char buf[16];

	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->dfd, &ev));
	ASSERT_EQ(1, epoll_wait(ep, &ev, 1, ML_WAIT_MS));
	EXPECT_EQ(U32(EPOLLOUT), ev.events);
	ASSERT_EQ(5, write(self->dfd, "hello", 5));
	ASSERT_EQ(1, epoll_wait(ep, &ev, 1, ML_WAIT_MS));
	EXPECT_TRUE(!!(ev.events & EPOLLIN));
	ASSERT_EQ(5, read(self->dfd, buf, sizeof(buf)));
	SIM_CTL(&self->line, "hangup");
	ASSERT_EQ(0, mls_wait_info_state(self->ml, self->call,
					 MODEMLINE_STATE_DISCONNECTED, &ci,
					ML_WAIT_MS));
	ASSERT_EQ(1, epoll_wait(ep, &ev, 1, ML_WAIT_MS));
	EXPECT_TRUE(!!(ev.events & EPOLLHUP));
	EXPECT_TRUE(!!(ev.events & EPOLLRDHUP));
	EXPECT_FALSE(!!(ev.events & EPOLLOUT));
	close(ep);
}

/* ------------------------------------------------------------------ */
/* A pty line with modemsim                                            */

FIXTURE(pty) {
	struct ttyline t;
	__u32 call;
	int dfd;
};

FIXTURE_VARIANT(pty) {
	const char *data;	/* modemsim --data */
};

FIXTURE_VARIANT_ADD(pty, echo) { .data = "echo" };
FIXTURE_VARIANT_ADD(pty, sink) { .data = "sink" };

FIXTURE_SETUP(pty)
{
	const char *args[] = { "--data", variant->data, NULL };
	struct modemline_event ev;

	self->dfd = -1;
	line_up(_metadata, &self->t, args, NULL);
	self->call = dial_wait(_metadata, self->t.ml, self->t.line, NUMBER,
			       MODEMLINE_STATE_CONNECTED, &ev);
	DATA_OPEN(self->dfd, self->t.ml, self->call, 0);
}

FIXTURE_TEARDOWN(pty)
{
	if (self->dfd >= 0)
		close(self->dfd);
	line_down(&self->t);
}

/* 1 MiB each way takes about a second; a loaded TCG host is slower. */
TEST_F_TIMEOUT(pty, one_mib_each_way, 120)
{
	bool echo = !strcmp(variant->data, "echo");

	stream_exchange(_metadata, self->dfd, MIB, echo);
	wait_modem_bytes_in(_metadata, &self->t, MIB);
	check_bytes(_metadata, self->t.ml, self->call, echo ? MIB : 0, MIB);
}

TEST_F(pty, writer_faster_than_the_modem_waits)
{
	bool echo = !strcmp(variant->data, "echo");
	struct stream rd, wr;
	size_t n;
	int fl;

	/* A modem that takes nothing: the tty fills, then so does write(). */
	ASSERT_EQ(0, msim_kill(&self->t.sim, SIGSTOP));
	fl = fcntl(self->dfd, F_GETFL);
	ASSERT_EQ(0, fcntl(self->dfd, F_SETFL, fl | O_NONBLOCK));
	n = write_until_full(self->dfd, 0);
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_LT(0U, n);
	EXPECT_GT(BOUNDED, n);
	EXPECT_EQ(0, poll_one(self->dfd, POLLOUT, 200));
	check_bytes(_metadata, self->t.ml, self->call, 0, n);
	/* A blocking writer sleeps until the modem takes bytes again. */
	ASSERT_EQ(0, fcntl(self->dfd, F_SETFL, fl));
	STREAM_START(&wr, self->dfd, 100000, true);
	usleep(300000);
	EXPECT_GT(wr.limit, wr.done);
	ASSERT_EQ(0, msim_kill(&self->t.sim, SIGCONT));
	/* The echo of what the first writes took, then of the second. */
	if (echo)
		STREAM_START(&rd, self->dfd, n + wr.limit, false);
	STREAM_JOIN(&wr);
	EXPECT_EQ(0, wr.err);
	wait_modem_bytes_in(_metadata, &self->t, n + wr.limit);
	if (echo) {
		STREAM_JOIN(&rd);
		EXPECT_EQ(n + wr.limit, rd.done);
	}
	check_bytes(_metadata, self->t.ml, self->call, echo ? n + wr.limit : 0,
		    n + wr.limit);
}

/*
 * Write to the non-blocking @dfd of an echoed call, nobody reading, until
 * nothing moves for a while: every buffer is full. Returns what it took.
 */
static size_t fill_every_buffer(struct __test_metadata *_metadata, int dfd)
{
	size_t n = 0, more;

	do {
		more = write_until_full(dfd, n);
		n += more;
		ASSERT_GT(BOUNDED, n) TH_LOG("%zu bytes taken with nobody reading", n);
	} while (more || poll_one(dfd, POLLOUT, 500) > 0);
	return n;
}

TEST_F(pty, reader_that_stops_stops_the_sender)
{
	long bad;
	size_t n;
	int fl;

	if (strcmp(variant->data, "echo"))
		SKIP(return, "needs the echo");
	fl = fcntl(self->dfd, F_GETFL);
	ASSERT_EQ(0, fcntl(self->dfd, F_SETFL, fl | O_NONBLOCK));
	n = fill_every_buffer(_metadata, self->dfd);
	check_bytes(_metadata, self->t.ml, self->call, 0, n);
	/* Everything comes back, in order, once the reader reads. */
	EXPECT_EQ(n, read_pattern(self->dfd, 0, n, &bad));
	EXPECT_EQ(-1, bad) TH_LOG("first wrong byte at %ld", bad);
	check_bytes(_metadata, self->t.ml, self->call, n, n);
	/* And the sender moves again. */
	EXPECT_LT(0U, write_until_full(self->dfd, n));
}

/*
 * An input flush while everything is full throws the tty's held bytes
 * away: the modem, blocked writing them, must be let go, and what the
 * call sends afterwards comes back again.
 */
TEST_F(pty, input_flush_while_stalled_lets_the_sender_go)
{
	char buf[4096];
	ssize_t r;
	int fl;

	if (strcmp(variant->data, "echo"))
		SKIP(return, "needs the echo");
	fl = fcntl(self->dfd, F_GETFL);
	ASSERT_EQ(0, fcntl(self->dfd, F_SETFL, fl | O_NONBLOCK));
	fill_every_buffer(_metadata, self->dfd);
	ASSERT_EQ(0, tcflush(self->t.fd, TCIFLUSH)) TH_LOG("TCIFLUSH: %s", strerror(errno));
	/* What the call's ring held is still there; the tty's is gone. */
	while ((r = read(self->dfd, buf, sizeof(buf))) > 0)
		;
	ASSERT_EQ(-1, r);
	ASSERT_EQ(EAGAIN, errno);
	/* The modem sends what it still had, and then our new bytes' echo. */
	ASSERT_EQ(0, fcntl(self->dfd, F_SETFL, fl));
	ASSERT_EQ(5, write(self->dfd, "hello", 5));
	ASSERT_LT(0, poll_one(self->dfd, POLLIN, ML_WAIT_MS))
		TH_LOG("nothing came back after the input flush");
}

TEST_F(pty, remote_hangup_in_the_middle)
{
	struct modemline_call_info ci;
	struct stream wr;

	if (strcmp(variant->data, "sink"))
		SKIP(return, "the end line needs a silent modem");
	STREAM_START(&wr, self->dfd, 0, true);
	usleep(500000);
	MSIM(&self->t, "hangup");
	ASSERT_EQ(0, mls_wait_info_state(self->t.ml, self->call,
					 MODEMLINE_STATE_DISCONNECTED, &ci,
					ML_WAIT_MS));
	STREAM_JOIN(&wr);
	EXPECT_EQ(EPIPE, wr.err);
	EXPECT_LT(0U, wr.done);
	EXPECT_EQ(U32(MODEMLINE_ORIGIN_REMOTE), ci.origin);
	EXPECT_EQ(U32(MODEMLINE_REASON_NORMAL), ci.reason);
	check_bytes(_metadata, self->t.ml, self->call, 0, wr.done);
	EXPECT_EQ(0, read(self->dfd, &ci, 1));
	check_hung_up(_metadata, self->dfd);
}

TEST_F(pty, local_drop_in_the_middle)
{
	struct stream rd, wr;
	bool echo = !strcmp(variant->data, "echo");

	STREAM_START(&wr, self->dfd, 0, true);
	if (echo)
		STREAM_START(&rd, self->dfd, 0, false);
	usleep(500000);
	ASSERT_EQ(0, mls_drop(self->t.ml, self->call, MODEMLINE_DROP_WAIT));
	STREAM_JOIN(&wr);
	EXPECT_EQ(EPIPE, wr.err);
	EXPECT_LT(0U, wr.done);
	if (echo) {
		STREAM_JOIN(&rd);
		EXPECT_EQ(0, rd.err);
		EXPECT_EQ(-1, rd.bad);
		EXPECT_GE(wr.done, rd.done);
	}
	check_bytes(_metadata, self->t.ml, self->call, echo ? rd.done : 0,
		    wr.done);
	check_hung_up(_metadata, self->dfd);
}

/* Close both in the order given while bytes are in flight; the line recovers. */
static void close_in_flight(struct __test_metadata *_metadata,
			    struct ttyline *t, int *dfd, bool device_first)
{
	struct modemline_event ev;
	int fl = fcntl(*dfd, F_GETFL);
	__u32 call;

	ASSERT_EQ(0, fcntl(*dfd, F_SETFL, fl | O_NONBLOCK));
	ASSERT_LT(0U, write_until_full(*dfd, 0));
	if (device_first) {
		close(t->ml);
		t->ml = -1;
		check_hung_up(_metadata, *dfd);
	}
	close(*dfd);
	*dfd = -1;
	if (t->ml >= 0)
		close(t->ml);
	ML_OPEN(t->ml, 0);
	ASSERT_EQ(0, mls_wait_line_idle(t->ml, t->line, ML_WAIT_MS));
	ASSERT_EQ(0, mls_dial_retry(t->ml, t->line, NUMBER, 0, &call, ML_WAIT_MS));
	ASSERT_EQ(0, mls_wait_state(t->ml, call, MODEMLINE_STATE_CONNECTED, &ev,
				    ML_WAIT_MS));
}

/*
 * With echo the modem keeps sending during the hang-up, and a pty has no
 * DTR: the "+++" escape cannot be told from an echoed "OK" (see at.c), so
 * these run against the sink.
 */
TEST_F(pty, close_device_then_descriptor_in_the_middle)
{
	if (strcmp(variant->data, "sink"))
		SKIP(return, "the escape needs a modem that stops sending");
	close_in_flight(_metadata, &self->t, &self->dfd, true);
}

TEST_F(pty, close_descriptor_then_device_in_the_middle)
{
	if (strcmp(variant->data, "sink"))
		SKIP(return, "the escape needs a modem that stops sending");
	close_in_flight(_metadata, &self->t, &self->dfd, false);
}

TEST_F(pty, deallocate_while_the_descriptor_is_open)
{
	struct modemline_call_info ci;
	unsigned char buf[4096];
	size_t n;
	ssize_t r;
	int fl;

	fl = fcntl(self->dfd, F_GETFL);
	ASSERT_EQ(0, fcntl(self->dfd, F_SETFL, fl | O_NONBLOCK));
	n = write_until_full(self->dfd, 0);
	ASSERT_LT(0U, n);
	ASSERT_EQ(0, mls_deallocate(self->t.ml, self->call,
				    MODEMLINE_DEALLOCATE_DROP));
	EXPECT_EQ(-ENOENT, mls_call_info(self->t.ml, self->call, &ci));
	/* What had arrived can still be read; then end of file. */
	do {
		r = read(self->dfd, buf, sizeof(buf));
	} while (r > 0 || (r < 0 && errno == EAGAIN &&
			   poll_one(self->dfd, POLLIN, ML_WAIT_MS) > 0));
	EXPECT_EQ(0, r);
	check_hung_up(_metadata, self->dfd);
	EXPECT_EQ(0, mls_wait_line_idle(self->t.ml, self->t.line, ML_WAIT_MS));
}

TEST_HARNESS_MAIN

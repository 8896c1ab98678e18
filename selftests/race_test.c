// SPDX-License-Identifier: GPL-2.0
/*
 * Blocking calls and signals (-EINTR without SA_RESTART, transparent
 * restart with it), and races: several threads dropping, deallocating,
 * inspecting and closing the same handles at once, against remote
 * hangups, line removal and close(); DEALLOCATE against CALL_HANDOFF of
 * one handle, and monitor subscriptions against dials and the monitoring
 * file's close (issue 17). Nothing may crash or hang, and every result
 * must be one of the errnos the ABI documents for that ioctl. The run
 * harness scans the kernel log (KASAN, lockdep, kmemleak) afterwards.
 *
 * HARD_SCALE (as for storm_test, make stress) multiplies the rounds of
 * the issue 17 races.
 */
#include "ml_test.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#define NUMBER		"5551234"
#define CALLER_ID	"0301234567"
#define REC		sizeof(struct modemline_event)

/* ------------------------------------------------------------------ */
/* Signals.                                                            */

/* Bumped by the handler, read by the test: lock-free, so signal safe. */
static atomic_int sig_count;

static void on_sigusr1(int sig)
{
	(void)sig;
	atomic_fetch_add(&sig_count, 1);
}

static int install_handler(bool restart)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigusr1;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = restart ? SA_RESTART : 0;
	atomic_store(&sig_count, 0);
	return sigaction(SIGUSR1, &sa, NULL);
}

/*
 * Sends SIGUSR1 to @target every @interval_us until told to stop, or
 * @count times (then runs @then, if set) when @count is not 0.
 */
struct pelter {
	pthread_t target;
	pthread_t thread;
	int interval_us;
	int count;
	int stop;
	const struct sim_line *ring_line;	/* ring it after @count signals */
	int ring_ret;
};

static void *pelter_fn(void *arg)
{
	struct pelter *p = arg;
	int sent = 0;

	while (!__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE)) {
		if (p->count && sent == p->count) {
			if (p->ring_line)
				p->ring_ret = sim_ctl(p->ring_line, "ring %s",
						      CALLER_ID);
			break;
		}
		pthread_kill(p->target, SIGUSR1);
		sent++;
		usleep(p->interval_us);
	}
	return NULL;
}

static int pelter_start(struct pelter *p)
{
	sigset_t set, old;
	int ret;

	p->target = pthread_self();
	p->stop = 0;
	/* The pelter itself never takes the signal. */
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	ret = pthread_create(&p->thread, NULL, pelter_fn, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return ret;
}

static void pelter_stop(struct pelter *p)
{
	__atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
	pthread_join(p->thread, NULL);
}

FIXTURE(sig) {
	int fd;
	struct sim_line line;
};

FIXTURE_SETUP(sig)
{
	ML_OPEN(self->fd, 0);
	SIM_CREATE_LINES(&self->line, 1);
}

FIXTURE_TEARDOWN_PARENT(sig)
{
	sim_line_remove(&self->line);
}

/*
 * DROP_WAIT a connected call on @line (of file @fd) whose hangup takes
 * 5 s while signals (with or without SA_RESTART, as @restart says) keep
 * arriving; returns what DROP_WAIT returned, the call in *@call.
 */
static int drop_wait_pelted(struct __test_metadata *_metadata, int fd,
			    const struct sim_line *line, bool restart,
			    __u32 *call)
{
	struct pelter p = { .interval_us = 20000 };
	struct modemline_event ev;
	int ret;

	SIM_CTL(line, "hangup_delay 5000");
	*call = dial_wait(_metadata, fd, line->id, NUMBER,
			  MODEMLINE_STATE_CONNECTED, &ev);
	ASSERT_EQ(0, install_handler(restart));
	ASSERT_EQ(0, pelter_start(&p));
	ret = mls_drop(fd, *call, MODEMLINE_DROP_WAIT);
	pelter_stop(&p);
	return ret;
}

TEST_F_TIMEOUT(sig, drop_wait_without_sa_restart_is_eintr, 120)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;
	int ret;

	ret = drop_wait_pelted(_metadata, self->fd, &self->line, false, &call);
	ASSERT_EQ(-EINTR, ret) TH_LOG("DROP_WAIT: %s", strerror(-ret));
	ASSERT_LE(1, atomic_load(&sig_count));
	/* The drop goes on and completes. */
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_TRUE(ci.state == MODEMLINE_STATE_DISCONNECTING ||
		    ci.state == MODEMLINE_STATE_DISCONNECTED);
	ASSERT_EQ(0, mls_wait_state(self->fd, call,
				    MODEMLINE_STATE_DISCONNECTED, &ev,
				   3 * ML_WAIT_MS));
	check_state_event(_metadata, &ev, self->line.id, call,
			  MODEMLINE_STATE_DISCONNECTED,
			  MODEMLINE_ORIGIN_LOCAL, MODEMLINE_REASON_NORMAL, 0);
}

TEST_F_TIMEOUT(sig, drop_wait_with_sa_restart_completes, 120)
{
	struct modemline_call_info ci;
	__u32 call;
	int ret;

	ret = drop_wait_pelted(_metadata, self->fd, &self->line, true, &call);
	ASSERT_EQ(0, ret) TH_LOG("DROP_WAIT: %s", strerror(-ret));
	ASSERT_LE(1, atomic_load(&sig_count));
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_DISCONNECTED), ci.state);
	ASSERT_EQ(U32(MODEMLINE_ORIGIN_LOCAL), ci.origin);
	ASSERT_EQ(U32(MODEMLINE_REASON_NORMAL), ci.reason);
}

TEST_F(sig, blocked_read_without_sa_restart_is_eintr)
{
	struct pelter p = { .interval_us = 20000 };
	struct modemline_event ev;
	ssize_t n;
	int err;

	ASSERT_EQ(0, install_handler(false));
	ASSERT_EQ(0, pelter_start(&p));
	n = read(self->fd, &ev, sizeof(ev));
	err = errno;
	pelter_stop(&p);
	ASSERT_EQ(-1, n);
	ASSERT_EQ(EINTR, err);
	ASSERT_LE(1, atomic_load(&sig_count));
}

TEST_F(sig, blocked_read_with_sa_restart_completes)
{
	struct pelter p = { .interval_us = 20000, .count = 10 };
	struct modemline_event ev;
	ssize_t n;
	int err;

	p.ring_line = &self->line;
	ASSERT_EQ(0, mls_subscribe(self->fd, self->line.id));
	ASSERT_EQ(0, install_handler(true));
	ASSERT_EQ(0, pelter_start(&p));
	memset(&ev, ML_POISON, sizeof(ev));
	n = read(self->fd, &ev, sizeof(ev));
	err = errno;
	pelter_stop(&p);
	ASSERT_EQ((ssize_t)REC, n) TH_LOG("read: %s", strerror(err));
	ASSERT_EQ(0, p.ring_ret);
	ASSERT_LE(1, atomic_load(&sig_count));
	check_line_event(_metadata, &ev, MODEMLINE_EVENT_CALL_OFFERED,
			 self->line.id, 0, CALLER_ID);
}

/* ------------------------------------------------------------------ */
/* Races.                                                              */

#define NLINES		6
#define NTHREADS	6

FIXTURE(race) {
	struct sim_line line[NLINES];
	struct sim_line extra;
};

FIXTURE_SETUP(race)
{
	SIM_CREATE_LINES(self->line, NLINES);
}

FIXTURE_TEARDOWN_PARENT(race)
{
	sim_lines_remove(self->line, NLINES);
	sim_line_remove(&self->extra);
}

/* Line behaviours: connects at once or later, fails, never answers. */
static const char *const line_modes[NLINES][2] = {
	{ "dial connect 0 33600", "hangup_delay 0" },
	{ "dial connect 5 2400", "hangup_delay 3" },
	{ "dial busy 2", "hangup_delay 0" },
	{ "dial connect 0 0", "hangup_delay 20" },
	{ "dial nocarrier 0", "hangup_delay 0" },
	{ "dial silent", "hangup_delay 1" },
};

/* The helpers below work on the fixture's NLINES lines, @lines. */
static void setup_modes(struct __test_metadata *_metadata,
			const struct sim_line *lines)
{
	int i;

	for (i = 0; i < NLINES; i++) {
		SIM_CTL(&lines[i], "%s", line_modes[i][0]);
		SIM_CTL(&lines[i], "%s", line_modes[i][1]);
	}
}

/* One call per line; the silent line's dial times out after 30 ms. */
static void dial_all(struct __test_metadata *_metadata, int fd,
		     const struct sim_line *lines, __u32 *calls)
{
	int i, ret;

	for (i = 0; i < NLINES; i++) {
		ret = mls_dial_retry(fd, lines[i].id, NUMBER,
				     i == NLINES - 1 ? 30 : 0, &calls[i],
				    ML_WAIT_MS);
		ASSERT_EQ(0, ret) TH_LOG("DIAL line %d: %s", i,
					 strerror(-ret));
	}
}

static void wait_all_idle(struct __test_metadata *_metadata,
			  const struct sim_line *lines)
{
	int fd, i, ret;

	ML_OPEN(fd, 0);
	for (i = 0; i < NLINES; i++) {
		/* Withdraw offers the remote thread's rings left behind. */
		SIM_CTL(&lines[i], "ring_stop");
		ret = mls_wait_line_idle(fd, lines[i].id, 2 * ML_WAIT_MS);
		ASSERT_EQ(0, ret) TH_LOG("line %d still busy: %s", i,
					 strerror(-ret));
	}
	close(fd);
}

struct worker {
	pthread_t thread;
	pthread_barrier_t *start;
	int fd;
	const __u32 *calls;
	int ncalls;
	unsigned int seed;
	int ops;
	int close_at;		/* close @closefd before op number close_at */
	int closefd;
	bool ebadf_ok;		/* the fd may be closed under us */
	int bad;		/* results outside the documented set */
	char msg[160];
};

static const char *const op_names[] = {
	"DROP", "DROP_WAIT", "DEALLOCATE", "DEALLOCATE_DROP", "CALL_INFO",
	"CALL_LIST",
};

static bool state_consistent(const struct modemline_call_info *ci, __u32 h)
{
	if (ci->call != h || ci->state < MODEMLINE_STATE_DIALING ||
	    ci->state > MODEMLINE_STATE_DISCONNECTED)
		return false;
	if (ci->state == MODEMLINE_STATE_DISCONNECTED)
		return ci->origin >= MODEMLINE_ORIGIN_LOCAL &&
		       ci->origin <= MODEMLINE_ORIGIN_SYSTEM &&
		       ci->reason >= MODEMLINE_REASON_NORMAL &&
		       ci->reason <= MODEMLINE_REASON_SHUTDOWN &&
		       ci->disconnected_ns != 0;
	if (ci->state != MODEMLINE_STATE_DISCONNECTING)
		return ci->origin == 0 && ci->reason == 0 &&
		       ci->disconnected_ns == 0;
	return true;
}

static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct modemline_call_info ci;
	bool bogus, ok;
	int i, op, idx, ret;
	__u32 h, count;

	pthread_barrier_wait(w->start);
	for (i = 0; i < w->ops; i++) {
		if (i == w->close_at && w->closefd >= 0) {
			if (close(w->closefd)) {
				w->bad++;
				snprintf(w->msg, sizeof(w->msg), "close: %s",
					 strerror(errno));
			}
			w->closefd = -1;
		}
		idx = (int)(rand_r(&w->seed) % (unsigned int)(w->ncalls + 2));
		bogus = idx >= w->ncalls;
		h = !bogus ? w->calls[idx] : idx == w->ncalls ? 0 : 0x7FFFFFF0U;
		op = (int)(rand_r(&w->seed) % 6);
		switch (op) {
		case 0:
			ret = mls_drop(w->fd, h, 0);
			ok = ret == -ENOENT || (!bogus && ret == 0);
			break;
		case 1:
			ret = mls_drop(w->fd, h, MODEMLINE_DROP_WAIT);
			ok = ret == -ENOENT || (!bogus && ret == 0);
			break;
		case 2:
			ret = mls_deallocate(w->fd, h, 0);
			ok = ret == -ENOENT ||
			     (!bogus && (ret == 0 || ret == -EBUSY));
			break;
		case 3:
			ret = mls_deallocate(w->fd, h, MODEMLINE_DEALLOCATE_DROP);
			ok = ret == -ENOENT || (!bogus && ret == 0);
			break;
		case 4:
			ret = mls_call_info(w->fd, h, &ci);
			ok = ret == -ENOENT ||
			     (!bogus && ret == 0 && state_consistent(&ci, h));
			break;
		default:
			ret = mls_call_list(w->fd, NULL, 0, &count);
			ok = ret == 0 && count <= (__u32)w->ncalls;
			break;
		}
		if (ret == -EBADF && w->ebadf_ok)
			ok = true;
		if (!ok) {
			if (!w->bad++)
				snprintf(w->msg, sizeof(w->msg),
					 "%s(%#x) = %d (%s)", op_names[op], h,
					 ret, strerror(-ret));
		}
	}
	return NULL;
}

/* Sim thread: remote hangups, carrier loss and rings on random lines. */
struct remote {
	pthread_t thread;
	pthread_barrier_t *start;
	const struct sim_line *lines;	/* NLINES of them */
	unsigned int seed;
	int ops;
	int bad;
	char msg[160];
};

static void *remote_fn(void *arg)
{
	static const char *const cmds[] = { "hangup", "carrier_lost", "ring" };
	struct remote *r = arg;
	int i, l, c, ret;

	pthread_barrier_wait(r->start);
	for (i = 0; i < r->ops; i++) {
		l = (int)(rand_r(&r->seed) % NLINES);
		c = (int)(rand_r(&r->seed) % 3);
		ret = sim_ctl(&r->lines[l], "%s", cmds[c]);
		if (ret && !r->bad++)
			snprintf(r->msg, sizeof(r->msg), "sim %s: %s", cmds[c],
				 strerror(-ret));
		usleep(rand_r(&r->seed) % 500);
	}
	return NULL;
}

static void run_workers(struct __test_metadata *_metadata,
			struct worker *w, int n, struct remote *r)
{
	pthread_barrier_t start;
	int i;

	ASSERT_EQ(0, pthread_barrier_init(&start, NULL, n + (r ? 1 : 0)));
	for (i = 0; i < n; i++) {
		w[i].start = &start;
		ASSERT_EQ(0, pthread_create(&w[i].thread, NULL, worker_fn,
					    &w[i]));
	}
	if (r) {
		r->start = &start;
		ASSERT_EQ(0, pthread_create(&r->thread, NULL, remote_fn, r));
	}
	/* Each thread's results once joined: EXPECT goes on, all are joined. */
	for (i = 0; i < n; i++) {
		pthread_join(w[i].thread, NULL);
		EXPECT_EQ(0, w[i].bad) TH_LOG("thread %d: %d bad, first: %s",
					      i, w[i].bad, w[i].msg);
	}
	if (r) {
		pthread_join(r->thread, NULL);
		EXPECT_EQ(0, r->bad) TH_LOG("remote: %s", r->msg);
	}
	pthread_barrier_destroy(&start);
}

TEST_F_TIMEOUT(race, threads_share_handles_of_one_file, 600)
{
	struct worker w[NTHREADS];
	struct remote r;
	__u32 calls[NLINES];
	int round, i, fd;

	setup_modes(_metadata, self->line);
	for (round = 0; round < 5; round++) {
		ML_OPEN(fd, 0);
		dial_all(_metadata, fd, self->line, calls);
		memset(w, 0, sizeof(w));
		for (i = 0; i < NTHREADS; i++) {
			w[i].fd = dup(fd);
			ASSERT_LE(0, w[i].fd);
			w[i].calls = calls;
			w[i].ncalls = NLINES;
			w[i].seed = (unsigned int)(round * 100 + i);
			w[i].ops = 300;
			w[i].close_at = -1;
			w[i].closefd = -1;
		}
		/* One thread drops the original descriptor half-way. */
		w[0].close_at = 150;
		w[0].closefd = fd;
		memset(&r, 0, sizeof(r));
		r.lines = self->line;
		r.seed = (unsigned int)round;
		r.ops = 100;
		run_workers(_metadata, w, NTHREADS, &r);
		/* The last descriptor closed releases whatever is left. */
		for (i = 0; i < NTHREADS; i++)
			close(w[i].fd);
		wait_all_idle(_metadata, self->line);
		ASSERT_EQ(0, _metadata->exit_code);
	}
}

TEST_F_TIMEOUT(race, close_while_ioctls_in_flight, 600)
{
	struct worker w[NTHREADS];
	__u32 calls[NLINES];
	int round, i, fd;

	setup_modes(_metadata, self->line);
	for (round = 0; round < 5; round++) {
		ML_OPEN(fd, 0);
		dial_all(_metadata, fd, self->line, calls);
		memset(w, 0, sizeof(w));
		for (i = 0; i < NTHREADS; i++) {
			/* All on the same descriptor, closed under them. */
			w[i].fd = fd;
			w[i].ebadf_ok = true;
			w[i].calls = calls;
			w[i].ncalls = NLINES;
			w[i].seed = (unsigned int)(round * 100 + i + 7);
			w[i].ops = 200;
			w[i].close_at = -1;
			w[i].closefd = -1;
		}
		w[round % NTHREADS].close_at = 20 + round * 30;
		w[round % NTHREADS].closefd = fd;
		run_workers(_metadata, w, NTHREADS, NULL);
		wait_all_idle(_metadata, self->line);
		ASSERT_EQ(0, _metadata->exit_code);
	}
}

TEST_F_TIMEOUT(race, line_removed_during_ops, 300)
{
	struct modemline_call_info ci;
	struct worker w[NTHREADS];
	pthread_barrier_t start;
	__u32 calls[NLINES], ids[NLINES * 2], count = 0, j;
	int i, fd, ret;

	setup_modes(_metadata, self->line);
	ML_OPEN(fd, 0);
	dial_all(_metadata, fd, self->line, calls);
	memset(w, 0, sizeof(w));
	ASSERT_EQ(0, pthread_barrier_init(&start, NULL, NTHREADS + 1));
	for (i = 0; i < NTHREADS; i++) {
		w[i].fd = fd;
		w[i].calls = calls;
		w[i].ncalls = NLINES;
		w[i].seed = (unsigned int)i + 1000;
		w[i].ops = 300;
		w[i].close_at = -1;
		w[i].closefd = -1;
		w[i].start = &start;
		ASSERT_EQ(0, pthread_create(&w[i].thread, NULL, worker_fn,
					    &w[i]));
	}
	pthread_barrier_wait(&start);
	for (i = 0; i < NLINES; i++) {
		ret = sim_line_remove(&self->line[i]);
		EXPECT_EQ(0, ret) TH_LOG("remove line %d: %s", i,
					 strerror(-ret));
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(w[i].thread, NULL);
		EXPECT_EQ(0, w[i].bad) TH_LOG("thread %d: %s", i, w[i].msg);
	}
	pthread_barrier_destroy(&start);
	/* What is left is a record of an ended call. */
	ASSERT_EQ(0, mls_call_list(fd, ids, NLINES * 2, &count));
	ASSERT_GE((__u32)NLINES, count);
	for (j = 0; j < count; j++) {
		ret = mls_wait_info_state(fd, ids[j],
					  MODEMLINE_STATE_DISCONNECTED, &ci,
					 ML_WAIT_MS);
		ASSERT_EQ(0, ret) TH_LOG("call %u: %s", ids[j],
					 strerror(-ret));
		ASSERT_TRUE(state_consistent(&ci, ids[j]));
		ASSERT_EQ(0, mls_deallocate(fd, ids[j], 0));
	}
	ASSERT_EQ(0, mls_call_count(fd));
}

struct hangup_arg {
	const struct sim_line *line;
	const char *cmd;
	int ret;
};

static void *sim_cmd_fn(void *arg)
{
	struct hangup_arg *h = arg;

	h->ret = sim_ctl(h->line, "%s", h->cmd);
	return NULL;
}

TEST_F_TIMEOUT(race, deallocate_drop_races_remote_hangup, 300)
{
	struct hangup_arg h = { .line = &self->line[0] };
	struct modemline_call_info ci;
	struct modemline_event ev;
	pthread_t th;
	__u32 call;
	int i, fd;

	ML_OPEN(fd, 0);
	for (i = 0; i < 30; i++) {
		ASSERT_EQ(0, mls_dial_retry(fd, h.line->id, NUMBER, 0, &call,
					    ML_WAIT_MS));
		ASSERT_EQ(0, mls_wait_state(fd, call, MODEMLINE_STATE_CONNECTED,
					    &ev, ML_WAIT_MS));
		h.cmd = i % 2 ? "hangup" : "carrier_lost";
		ASSERT_EQ(0, pthread_create(&th, NULL, sim_cmd_fn, &h));
		ASSERT_EQ(0, mls_deallocate(fd, call,
					    MODEMLINE_DEALLOCATE_DROP));
		pthread_join(th, NULL);
		ASSERT_EQ(0, h.ret);
		ASSERT_EQ(-ENOENT, mls_call_info(fd, call, &ci));
		ASSERT_LE(0, mls_drain_events(fd));
	}
}

struct drop_arg {
	int fd;
	__u32 call;
	int ret;
};

static void *drop_wait_fn(void *arg)
{
	struct drop_arg *d = arg;

	d->ret = mls_drop(d->fd, d->call, MODEMLINE_DROP_WAIT);
	return NULL;
}

TEST_F_TIMEOUT(race, deallocate_drop_while_drop_waits, 300)
{
	struct modemline_event ev;
	struct drop_arg d;
	unsigned int seed = 1;
	pthread_t th;
	int i, fd;

	ML_OPEN(fd, 0);
	SIM_CTL(&self->line[0], "hangup_delay 50");
	for (i = 0; i < 20; i++) {
		d.fd = fd;
		d.ret = 1;
		ASSERT_EQ(0, mls_dial_retry(fd, self->line[0].id, NUMBER, 0,
					    &d.call, ML_WAIT_MS));
		ASSERT_EQ(0, mls_wait_state(fd, d.call,
					    MODEMLINE_STATE_CONNECTED, &ev,
					   ML_WAIT_MS));
		ASSERT_EQ(0, pthread_create(&th, NULL, drop_wait_fn, &d));
		usleep(rand_r(&seed) % 2000);
		ASSERT_EQ(0, mls_deallocate(fd, d.call,
					    MODEMLINE_DEALLOCATE_DROP));
		/* The waiter must come back, whatever the order. */
		pthread_join(th, NULL);
		ASSERT_TRUE(d.ret == 0 || d.ret == -ENOENT)
			TH_LOG("DROP_WAIT: %d", d.ret);
		ASSERT_LE(0, mls_drain_events(fd));
	}
}

TEST_F_TIMEOUT(race, drop_wait_from_many_threads, 120)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	struct drop_arg d[4];
	pthread_t th[4];
	__u32 call;
	int i, fd;

	ML_OPEN(fd, 0);
	SIM_CTL(&self->line[0], "hangup_delay 200");
	call = dial_wait(_metadata, fd, self->line[0].id, NUMBER,
			 MODEMLINE_STATE_CONNECTED, &ev);
	for (i = 0; i < 4; i++) {
		d[i].fd = fd;
		d[i].call = call;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, drop_wait_fn, &d[i]));
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ASSERT_EQ(0, d[i].ret);
	}
	ASSERT_EQ(0, mls_call_info(fd, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_DISCONNECTED), ci.state);
	ASSERT_EQ(U32(MODEMLINE_ORIGIN_LOCAL), ci.origin);
	/* One drop happened: one DISCONNECTING, one DISCONNECTED. */
	ASSERT_EQ(0, mls_read_event(fd, &ev, ML_WAIT_MS));
	check_state_event(_metadata, &ev, self->line[0].id, call,
			  MODEMLINE_STATE_DISCONNECTING, 0, 0, 0);
	ASSERT_EQ(0, mls_read_event(fd, &ev, ML_WAIT_MS));
	check_state_event(_metadata, &ev, self->line[0].id, call,
			  MODEMLINE_STATE_DISCONNECTED,
			  MODEMLINE_ORIGIN_LOCAL, MODEMLINE_REASON_NORMAL, 0);
	ASSERT_EQ(-ETIMEDOUT, mls_read_event(fd, &ev, 0));
}

struct dial_arg {
	pthread_barrier_t *start;
	int fd;
	__u32 line;
	__u32 call;
	int ret;
};

static void *dial_fn(void *arg)
{
	struct dial_arg *d = arg;

	pthread_barrier_wait(d->start);
	d->ret = mls_dial(d->fd, d->line, NUMBER, 0, &d->call);
	return NULL;
}

TEST_F_TIMEOUT(race, concurrent_dials_on_one_line, 300)
{
	struct dial_arg d[8];
	pthread_barrier_t start;
	pthread_t th[8];
	int round, i, fd, fd2, winners;

	ML_OPEN(fd, 0);
	ML_OPEN(fd2, 0);
	SIM_CTL(&self->line[0], "dial silent");
	for (round = 0; round < 10; round++) {
		ASSERT_EQ(0, pthread_barrier_init(&start, NULL, 8));
		for (i = 0; i < 8; i++) {
			/* From two files: the line is shared. */
			d[i].start = &start;
			d[i].fd = i % 2 ? fd2 : fd;
			d[i].line = self->line[0].id;
			ASSERT_EQ(0, pthread_create(&th[i], NULL, dial_fn,
						    &d[i]));
		}
		/* One dial wins the line, every other finds it busy. */
		winners = 0;
		for (i = 0; i < 8; i++) {
			pthread_join(th[i], NULL);
			if (d[i].ret == 0) {
				winners++;
				continue;
			}
			ASSERT_EQ(-EBUSY, d[i].ret);
		}
		pthread_barrier_destroy(&start);
		ASSERT_EQ(1, winners);
		for (i = 0; i < 8; i++) {
			if (d[i].ret == 0) {
				ASSERT_EQ(0, mls_deallocate(d[i].fd, d[i].call,
							    MODEMLINE_DEALLOCATE_DROP));
			}
		}
		ASSERT_EQ(0, mls_wait_line_idle(fd, self->line[0].id,
						ML_WAIT_MS));
	}
}

struct ring_loop {
	const struct sim_line *line;
	int n;
	int bad;
};

static void *ring_loop_fn(void *arg)
{
	struct ring_loop *r = arg;
	int i;

	for (i = 0; i < r->n; i++) {
		if (sim_ctl(r->line, "ring %d", i))
			r->bad++;
		if (sim_ctl(r->line, "ring_stop"))
			r->bad++;
	}
	return NULL;
}

TEST_F_TIMEOUT(race, close_races_with_line_events, 300)
{
	struct ring_loop r = { .line = &self->line[0], .n = 50 };
	struct modemline_event ev;
	pthread_t th;
	int round, fd;

	for (round = 0; round < 10; round++) {
		ML_OPEN(fd, 0);
		ASSERT_EQ(0, mls_subscribe(fd, self->line[0].id));
		ASSERT_EQ(0, mls_subscribe(fd, 0));
		dial_wait(_metadata, fd, self->line[1].id, NUMBER,
			  MODEMLINE_STATE_CONNECTED, &ev);
		ASSERT_EQ(0, pthread_create(&th, NULL, ring_loop_fn, &r));
		usleep(round * 1000);
		ASSERT_EQ(0, close(fd));
		pthread_join(th, NULL);
		ASSERT_EQ(0, r.bad);
		ML_OPEN(fd, 0);
		ASSERT_EQ(0, mls_wait_line_idle(fd, self->line[1].id,
						ML_WAIT_MS));
		close(fd);
	}
}

struct sub_loop {
	int fd;
	__u32 line;
	int stop;
	int bad;
	int last;
};

static void *sub_loop_fn(void *arg)
{
	struct sub_loop *s = arg;
	int ret;

	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		ret = mls_subscribe(s->fd, s->line);
		if (ret && ret != -ENOENT) {
			s->bad++;
			s->last = ret;
		}
		ret = mls_unsubscribe(s->fd, s->line);
		if (ret && ret != -ENOENT) {
			s->bad++;
			s->last = ret;
		}
	}
	return NULL;
}

TEST_F_TIMEOUT(race, subscribe_races_line_removal, 300)
{
	struct sub_loop s;
	pthread_t th;
	int round, fd;

	ML_OPEN(fd, 0);
	for (round = 0; round < 10; round++) {
		ASSERT_EQ(0, sim_line_create(&self->extra));
		memset(&s, 0, sizeof(s));
		s.fd = fd;
		s.line = self->extra.id;
		ASSERT_EQ(0, pthread_create(&th, NULL, sub_loop_fn, &s));
		usleep(round * 500);
		ASSERT_EQ(0, sim_line_remove(&self->extra));
		wait_line_gone(_metadata, fd, s.line);
		__atomic_store_n(&s.stop, 1, __ATOMIC_RELEASE);
		pthread_join(th, NULL);
		ASSERT_EQ(0, s.bad) TH_LOG("last error %d", s.last);
		ASSERT_EQ(-ENOENT, mls_subscribe(fd, s.line));
	}
}

/*
 * Issue 20.3: SUBSCRIBE racing the line's removal. A subscription that
 * SUBSCRIBE accepted must hear LINE_REMOVED (which also spends it); one
 * made after the removal must be refused with -ENOENT. Eight files, one
 * SUBSCRIBE each, released together against one removal, many rounds.
 */
#define SUB_THREADS	8
#define SUB_ROUNDS	50

struct sub_until {
	pthread_t thread;
	pthread_barrier_t *start;
	int fd;
	__u32 line;
	int accepted;		/* SUBSCRIBEs that returned 0 */
	int ret;		/* the one that did not */
};

/* SUBSCRIBE again and again (each is idempotent) until it is refused. */
static void *sub_until_fn(void *arg)
{
	struct sub_until *s = arg;

	pthread_barrier_wait(s->start);
	while ((s->ret = mls_subscribe(s->fd, s->line)) == 0)
		s->accepted++;
	return NULL;
}

/* Did @fd get LINE_REMOVED for @line (other events are skipped)? */
static bool heard_removal(int fd, __u32 line)
{
	struct modemline_event ev;

	while (mls_read_event(fd, &ev, 0) == 0) {
		if (ev.type == MODEMLINE_EVENT_LINE_REMOVED && ev.line_id == line)
			return true;
	}
	return false;
}

TEST_F_TIMEOUT(race, every_accepted_subscription_hears_the_removal, 300)
{
	struct sub_until s[SUB_THREADS];
	pthread_barrier_t start;
	int round, i, accepted = 0;

	for (i = 0; i < SUB_THREADS; i++)
		ML_OPEN(s[i].fd, O_NONBLOCK);
	for (round = 0; round < SUB_ROUNDS; round++) {
		ASSERT_EQ(0, sim_line_create(&self->extra));
		ASSERT_EQ(0, pthread_barrier_init(&start, NULL, SUB_THREADS + 1));
		for (i = 0; i < SUB_THREADS; i++) {
			s[i].start = &start;
			s[i].line = self->extra.id;
			s[i].accepted = 0;
			ASSERT_EQ(0, pthread_create(&s[i].thread, NULL,
						    sub_until_fn, &s[i]));
		}
		pthread_barrier_wait(&start);
		/* Spread the removal over the subscribers' loops. */
		usleep(round % 10 * 100);
		ASSERT_EQ(0, sim_line_remove(&self->extra));
		for (i = 0; i < SUB_THREADS; i++)
			pthread_join(s[i].thread, NULL);
		pthread_barrier_destroy(&start);
		for (i = 0; i < SUB_THREADS; i++) {
			ASSERT_EQ(-ENOENT, s[i].ret) TH_LOG("SUBSCRIBE: %s", strerror(-s[i].ret));
			if (!s[i].accepted)
				continue;
			accepted += s[i].accepted;
			/* The removal was sent before sim_line_remove() returned. */
			ASSERT_TRUE(heard_removal(s[i].fd, s[i].line))
				TH_LOG("round %d file %d: SUBSCRIBE succeeded, no LINE_REMOVED",
				       round, i);
			ASSERT_EQ(-ENOENT, mls_unsubscribe(s[i].fd, s[i].line))
				TH_LOG("round %d file %d: a subscription outlived its line",
				       round, i);
		}
	}
	TH_LOG("%d subscriptions accepted in %d rounds", accepted, SUB_ROUNDS);
	for (i = 0; i < SUB_THREADS; i++)
		close(s[i].fd);
}

TEST_F_TIMEOUT(race, answer_races_caller_giving_up, 300)
{
	struct hangup_arg h = { .line = &self->line[0], .cmd = "ring_stop" };
	struct modemline_event ev;
	pthread_t th;
	__u32 call;
	int i, fd, ret;

	ML_OPEN(fd, 0);
	for (i = 0; i < 30; i++) {
		ASSERT_EQ(0, mls_wait_line_idle(fd, h.line->id, ML_WAIT_MS));
		SIM_CTL(h.line, "answer connect %d 33600", i % 3);
		ring_offer(_metadata, fd, h.line, CALLER_ID, &ev);
		ASSERT_EQ(0, pthread_create(&th, NULL, sim_cmd_fn, &h));
		ret = mls_answer(fd, h.line->id, &call);
		pthread_join(th, NULL);
		ASSERT_EQ(0, h.ret);
		ASSERT_TRUE(ret == 0 || ret == -ESRCH) TH_LOG("ANSWER: %d", ret);
		if (ret == 0) {
			ASSERT_EQ(0, mls_deallocate(fd, call,
						    MODEMLINE_DEALLOCATE_DROP));
		}
		ASSERT_LE(0, mls_drain_events(fd));
	}
}

/* ------------------------------------------------------------------ */
/* Issue 17: handoff and monitors.                                     */

/* HARD_SCALE from the environment (make stress), at least 1. */
static int race_scale(void)
{
	const char *s = getenv("HARD_SCALE");
	int n = s ? atoi(s) : 1;

	return n < 1 ? 1 : n;
}

static int monitor_ioc(int fd, __u32 line_id, bool on)
{
	struct modemline_subscribe s = {
		.line_id = line_id, .flags = MODEMLINE_SUBSCRIBE_MONITOR,
	};

	return mls_ioctl(fd, on ? MODEMLINE_IOC_SUBSCRIBE :
			 MODEMLINE_IOC_UNSUBSCRIBE, &s);
}

struct release_arg {
	pthread_barrier_t *start;
	int fd;
	int to;			/* handoff only: the target */
	__u32 call;
	__u32 flags;
	__u32 new_call;
	int ret;
};

static void *deallocate_fn(void *arg)
{
	struct release_arg *a = arg;

	pthread_barrier_wait(a->start);
	a->ret = mls_deallocate(a->fd, a->call, a->flags);
	return NULL;
}

static void *handoff_fn(void *arg)
{
	struct release_arg *a = arg;
	struct modemline_call_handoff h = {
		.call = a->call, .flags = 0, .fd = a->to,
	};

	pthread_barrier_wait(a->start);
	a->ret = mls_ioctl(a->fd, MODEMLINE_IOC_CALL_HANDOFF, &h);
	a->new_call = h.new_call;
	return NULL;
}

/*
 * DEALLOCATE and CALL_HANDOFF of one handle at the same moment, on ended
 * calls and on connected ones (DEALLOCATE_DROP): exactly one wins, the
 * other finds the handle gone (-ENOENT); a moved call is in the target
 * and nowhere else, a released one nowhere. No record is left behind.
 */
TEST_F_TIMEOUT(race, deallocate_races_handoff_of_one_handle, 600)
{
	int round, rounds = 100 * race_scale(), fd, to, moved = 0, handed;
	struct release_arg d, h;
	struct modemline_event ev;
	pthread_barrier_t start;
	pthread_t td, th;
	long base;
	bool live;

	ML_OPEN(fd, 0);
	ML_OPEN(to, 0);
	base = mls_retained_calls();
	ASSERT_LE(0L, base);
	for (round = 0; round < rounds; round++) {
		live = round % 2;
		SIM_CTL(&self->line[0], "%s", live ? "dial connect 0 33600" :
						      "dial busy 0");
		memset(&d, 0, sizeof(d));
		ASSERT_EQ(0, mls_dial_retry(fd, self->line[0].id, NUMBER, 0,
					    &d.call, ML_WAIT_MS));
		ASSERT_EQ(0, mls_wait_state(fd, d.call, live ?
					    MODEMLINE_STATE_CONNECTED :
					    MODEMLINE_STATE_DISCONNECTED,
					    &ev, ML_WAIT_MS));
		d.fd = fd;
		d.flags = live ? MODEMLINE_DEALLOCATE_DROP : 0;
		h = d;
		h.to = to;
		ASSERT_EQ(0, pthread_barrier_init(&start, NULL, 2));
		d.start = &start;
		h.start = &start;
		ASSERT_EQ(0, pthread_create(&td, NULL, deallocate_fn, &d));
		ASSERT_EQ(0, pthread_create(&th, NULL, handoff_fn, &h));
		pthread_join(td, NULL);
		pthread_join(th, NULL);
		pthread_barrier_destroy(&start);
		ASSERT_TRUE((d.ret == 0 && h.ret == -ENOENT) ||
			    (h.ret == 0 && d.ret == -ENOENT))
			TH_LOG("round %d: DEALLOCATE %d, CALL_HANDOFF %d",
			       round, d.ret, h.ret);
		ASSERT_EQ(0, mls_call_count(fd));
		if (h.ret == 0) {
			moved++;
			ASSERT_EQ(1, mls_call_count(to));
			ASSERT_EQ(1, mls_call_listed(to, h.new_call));
			ASSERT_EQ(0, mls_deallocate(to, h.new_call,
						    MODEMLINE_DEALLOCATE_DROP));
		}
		ASSERT_EQ(0, mls_call_count(to));
		ASSERT_LE(0, mls_drain_events(fd));
		/* The target heard of the call exactly when it got it. */
		handed = 0;
		while (mls_read_event(to, &ev, 0) == 0)
			handed += ev.type == MODEMLINE_EVENT_CALL_HANDOFF;
		ASSERT_EQ(h.ret == 0, handed) TH_LOG("round %d", round);
		ASSERT_EQ(0, mls_wait_line_idle(fd, self->line[0].id,
						ML_WAIT_MS));
	}
	/* The line scripts/stress.sh collects, as storm_test's. */
	printf("# race iterations deallocate_vs_handoff %d\n", rounds);
	printf("# handoff won %d of %d rounds\n", moved, rounds);
	fflush(stdout);
	close(fd);
	close(to);
	ASSERT_EQ(base, mls_wait_retained_calls(base)) TH_LOG("records left behind");
}

struct resolver {
	pthread_t thread;
	int fd;			/* the handoff target */
	int stop;
	__u32 handed;		/* the handle of the last CALL_HANDOFF */
	int ended;		/* DISCONNECTED events seen */
	int bad;
	char msg[120];
};

/*
 * The handoff target's reader: every handle an event names resolves
 * (CALL_INFO) the moment the event is read, and a handle's CALL_HANDOFF
 * comes before its CALL_STATE events.
 */
static void *resolve_fn(void *arg)
{
	struct resolver *r = arg;
	struct modemline_call_info ci;
	struct modemline_event ev;
	int ret;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		ret = mls_read_event(r->fd, &ev, 20);
		if (ret == -ETIMEDOUT)
			continue;
		if (!ret && ev.type == MODEMLINE_EVENT_CALL_HANDOFF)
			r->handed = ev.call;
		if (!ret && ev.call)
			ret = mls_call_info(r->fd, ev.call, &ci);
		if (!ret && ev.call != r->handed)
			ret = -EPROTO;
		if (ret) {
			if (!r->bad)
				snprintf(r->msg, sizeof(r->msg),
					 "event type %u call %u: %s", ev.type,
					 ev.call, strerror(-ret));
			__atomic_add_fetch(&r->bad, 1, __ATOMIC_RELEASE);
			continue;
		}
		if (ev.type == MODEMLINE_EVENT_CALL_STATE &&
		    ev.state == MODEMLINE_STATE_DISCONNECTED)
			__atomic_add_fetch(&r->ended, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

/*
 * CALL_HANDOFF of a call the modem is connecting at that moment, the
 * target's reader waiting in read(): the target's first event of the
 * call is CALL_HANDOFF, and CALL_INFO of the handle any event names
 * succeeds as soon as the event is read, never -ENOENT.
 */
TEST_F_TIMEOUT(race, handoff_target_resolves_every_handle_it_hears_of, 600)
{
	int round, rounds = 100 * race_scale(), fd, wait, step = 0;
	struct resolver r;
	struct modemline_call_handoff h;
	__u32 call;
	long base;

	ML_OPEN(fd, 0);
	memset(&r, 0, sizeof(r));
	ML_OPEN(r.fd, 0);
	base = mls_retained_calls();
	ASSERT_LE(0L, base);
	ASSERT_EQ(0, pthread_create(&r.thread, NULL, resolve_fn, &r));
	/*
	 * A failed step breaks out: the reader is stopped and joined before
	 * anything is asserted, so that it never outlives this frame.
	 */
	for (round = 0; round < rounds && !step; round++) {
		/* Connecting 1 or 2 ms after the dial: during the handoff. */
		SIM_CTL(&self->line[0], "dial connect %d 33600", 1 + round % 2);
		step = 1;
		if (mls_dial_retry(fd, self->line[0].id, NUMBER, 0, &call,
				   ML_WAIT_MS))
			break;
		memset(&h, 0, sizeof(h));
		h.call = call;
		h.fd = r.fd;
		step = 2;
		if (mls_ioctl(fd, MODEMLINE_IOC_CALL_HANDOFF, &h) ||
		    mls_drop(r.fd, h.new_call, MODEMLINE_DROP_WAIT))
			break;
		/* Released only once the reader has looked at all of it. */
		for (wait = 0; wait < ML_WAIT_MS &&
		     __atomic_load_n(&r.ended, __ATOMIC_ACQUIRE) <= round &&
		     !__atomic_load_n(&r.bad, __ATOMIC_ACQUIRE); wait++)
			usleep(1000);
		step = 3;
		if (__atomic_load_n(&r.ended, __ATOMIC_ACQUIRE) <= round)
			break;
		step = 4;
		if (mls_deallocate(r.fd, h.new_call, 0) ||
		    mls_drain_events(fd) < 0 ||
		    mls_wait_line_idle(fd, self->line[0].id, ML_WAIT_MS))
			break;
		step = 0;
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	pthread_join(r.thread, NULL);
	ASSERT_EQ(0, r.bad) TH_LOG("round %d: %s", round, r.msg);
	/* Steps: 1 dial, 2 handoff or drop, 3 the end heard, 4 release. */
	ASSERT_EQ(0, step) TH_LOG("round %d: step %d failed", round, step);
	printf("# race iterations handoff_vs_target_reader %d\n", rounds);
	fflush(stdout);
	close(fd);
	close(r.fd);
	ASSERT_EQ(base, mls_wait_retained_calls(base)) TH_LOG("records left behind");
}

struct mon_toggler {
	pthread_t thread;
	int fd;			/* its own descriptor of the monitoring file */
	const struct sim_line *lines;
	unsigned int seed;
	int ops;
	int bad;
	char msg[120];
};

/*
 * SUBSCRIBE / UNSUBSCRIBE with MODEMLINE_SUBSCRIBE_MONITOR on random
 * lines and 0, reading and releasing what the monitor got meanwhile;
 * then closes its descriptor, perhaps the file's last.
 */
static void *mon_toggle_fn(void *arg)
{
	struct mon_toggler *t = arg;
	struct modemline_event ev;
	__u32 line;
	int i, k, ret;

	for (i = 0; i < t->ops; i++) {
		k = (int)(rand_r(&t->seed) % (NLINES + 1));
		line = k == NLINES ? 0 : t->lines[k].id;
		ret = monitor_ioc(t->fd, line, rand_r(&t->seed) % 2);
		if (ret && ret != -ENOENT && !t->bad++)
			snprintf(t->msg, sizeof(t->msg), "(UN)MONITOR %u: %s",
				 line, strerror(-ret));
		while (mls_read_event(t->fd, &ev, 0) == 0) {
			if (ev.type != MODEMLINE_EVENT_CALL_NEW)
				continue;
			/* The handle is there, until this thread lets it go. */
			ret = rand_r(&t->seed) % 2 ?
			      mls_deallocate(t->fd, ev.call, 0) : 0;
			if (ret && !t->bad++)
				snprintf(t->msg, sizeof(t->msg),
					 "DEALLOCATE of monitor handle %u: %s",
					 ev.call, strerror(-ret));
		}
	}
	close(t->fd);
	return NULL;
}

struct dialer {
	pthread_t thread;
	int fd;
	const struct sim_line *lines;
	unsigned int seed;
	int stop;
	int dials;
	int bad;
	char msg[120];
};

/* Calls on random lines, ended at once or dropped, and released. */
static void *dialer_fn(void *arg)
{
	struct dialer *d = arg;
	__u32 call;
	int ret;

	while (!__atomic_load_n(&d->stop, __ATOMIC_ACQUIRE)) {
		ret = mls_dial(d->fd, d->lines[rand_r(&d->seed) % NLINES].id,
			       NUMBER, 0, &call);
		if (ret == -EBUSY)
			continue;
		if (ret) {
			if (!d->bad++)
				snprintf(d->msg, sizeof(d->msg), "DIAL: %s",
					 strerror(-ret));
			continue;
		}
		d->dials++;
		ret = mls_deallocate(d->fd, call, MODEMLINE_DEALLOCATE_DROP);
		if (ret && !d->bad++)
			snprintf(d->msg, sizeof(d->msg), "DEALLOCATE_DROP: %s",
				 strerror(-ret));
		mls_drain_events(d->fd);
	}
	return NULL;
}

/*
 * Monitor subscriptions coming and going while two files keep dialing,
 * and the monitoring file closed under it all (its descriptors closed by
 * the togglers themselves, the last close racing the dials that hand out
 * monitor handles). Every result is documented; no record is left.
 */
TEST_F_TIMEOUT(race, monitor_subscription_races_dials_and_close, 600)
{
	static const char *const modes[] = {
		"dial busy 0", "dial connect 0 33600", "dial nocarrier 1",
	};
	int round, rounds = 10 * race_scale(), i, mon, dials = 0;
	struct mon_toggler t[3];
	struct dialer d[2];
	long base;

	for (i = 0; i < NLINES; i++) {
		SIM_CTL(&self->line[i], "%s", modes[i % 3]);
		SIM_CTL(&self->line[i], "hangup_delay 0");
	}
	base = mls_retained_calls();
	ASSERT_LE(0L, base);
	memset(d, 0, sizeof(d));
	for (i = 0; i < 2; i++) {
		ML_OPEN(d[i].fd, 0);
		d[i].lines = self->line;
		d[i].seed = (unsigned int)i + 17;
		ASSERT_EQ(0, pthread_create(&d[i].thread, NULL, dialer_fn,
					    &d[i]));
	}
	for (round = 0; round < rounds; round++) {
		ML_OPEN(mon, O_NONBLOCK);
		ASSERT_EQ(0, monitor_ioc(mon, 0, true));
		memset(t, 0, sizeof(t));
		for (i = 0; i < 3; i++) {
			t[i].fd = dup(mon);
			ASSERT_LE(0, t[i].fd);
			t[i].lines = self->line;
			t[i].seed = (unsigned int)(round * 10 + i);
			t[i].ops = 50 + 40 * i + (round % 5) * 10;
		}
		ASSERT_EQ(0, close(mon));
		for (i = 0; i < 3; i++)
			ASSERT_EQ(0, pthread_create(&t[i].thread, NULL,
						    mon_toggle_fn, &t[i]));
		for (i = 0; i < 3; i++) {
			pthread_join(t[i].thread, NULL);
			EXPECT_EQ(0, t[i].bad) TH_LOG("round %d toggler %d: %s",
						      round, i, t[i].msg);
		}
		ASSERT_EQ(0, _metadata->exit_code);
	}
	for (i = 0; i < 2; i++) {
		__atomic_store_n(&d[i].stop, 1, __ATOMIC_RELEASE);
		pthread_join(d[i].thread, NULL);
		EXPECT_EQ(0, d[i].bad) TH_LOG("dialer %d: %s", i, d[i].msg);
		dials += d[i].dials;
		close(d[i].fd);
	}
	printf("# race iterations monitor_vs_dials_and_close %d\n", rounds);
	printf("# %d dials during the monitor rounds\n", dials);
	fflush(stdout);
	wait_all_idle(_metadata, self->line);
	ASSERT_EQ(base, mls_wait_retained_calls(base)) TH_LOG("records left behind");
}

TEST_HARNESS_MAIN

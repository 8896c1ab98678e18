// SPDX-License-Identifier: GPL-2.0
/*
 * Race loops in the manner of LTP's pty03/pty05: each case repeats one
 * race many times (HARD_SCALE multiplies the count) and prints
 * "race iterations NAME N". Every result must be one the ABI documents;
 * nothing may hang; the kernel log is checked for reports after each
 * case and by the run harness.
 *
 *   hangup_vs_ioctls      tty hang-up (pty master closed) against every
 *                         /dev/modemline ioctl on that line and the tty's
 *                         own ioctls
 *   one_handle_three_ways DEALLOCATE vs DROP vs CALL_INFO (and CALL_DATA)
 *                         on one handle, from three threads at once
 *   close_vs_blocked      close() while other threads sleep in poll(),
 *                         read(), DROP with DROP_WAIT and a data read
 *   setd_vs_flood         TIOCSETD N_TTY / back while the modem floods
 *   removal_vs_dial       sim line removal and pty hang-up against DIAL
 *   rmmod_in_use          delete_module() of both modules while in use
 *   list_vs_growth        LINE_LIST / CALL_LIST while ids keep appearing
 */
#include "hard_test.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>

#define ERRS(...)	((const int[]){ __VA_ARGS__, 0 })

static bool in_set(int ret, const int *set)
{
	if (ret >= 0)
		return true;
	for (; *set; set++)
		if (-ret == *set)
			return true;
	return false;
}

static atomic_long bad_results;
static char bad_what[128];

static void check_ret(const char *what, int ret, const int *set)
{
	if (!in_set(ret, set)) {
		atomic_fetch_add(&bad_results, 1);
		snprintf(bad_what, sizeof(bad_what), "%s: %s", what, strerror(-ret));
	}
}

/* Every result so far was in its set (else: log the last that was not). */
static void check_no_bad(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0L, atomic_load(&bad_results)) TH_LOG("%s", bad_what);
}

/* ------------------------------------------------------------------ */

struct hammer {
	pthread_t thread;
	int ml;
	int tty;
	__u32 line;
	atomic_bool stop;
	long ops;
};

/* Every /dev/modemline ioctl on one line, in a loop. */
static void *ioctl_hammer(void *arg)
{
	struct hammer *h = arg;
	struct modemline_call_info ci;
	struct modemline_line_info li;
	__u32 call = 0, ids[8], n;
	int ret, fd;

	while (!atomic_load(&h->stop)) {
		h->ops++;
		ret = mls_dial(h->ml, h->line, "5551234", 500, &call);
		check_ret("DIAL", ret, ERRS(ENOENT, EBUSY));
		if (ret)
			call = 0;
		ret = mls_line_info(h->ml, h->line, &li);
		check_ret("LINE_INFO", ret, ERRS(ENOENT));
		ret = mls_subscribe(h->ml, h->line);
		check_ret("SUBSCRIBE", ret, ERRS(ENOENT));
		ret = mls_answer(h->ml, h->line, &n);
		check_ret("ANSWER", ret, ERRS(ENOENT, ESRCH, EBUSY));
		if (!ret)
			mls_deallocate(h->ml, n, MODEMLINE_DEALLOCATE_DROP);
		ret = mls_line_list(h->ml, ids, 8, &n);
		check_ret("LINE_LIST", ret, ERRS(0));
		if (!call)
			continue;
		fd = mls_call_data(h->ml, call, MODEMLINE_DATA_NONBLOCK);
		check_ret("CALL_DATA", fd, ERRS(ENOTCONN, EBUSY));
		if (fd >= 0) {
			if (write(fd, "hello", 5) < 0)
				check_ret("data write", -errno, ERRS(EAGAIN, EPIPE));
			close(fd);
		}
		check_ret("CALL_INFO", mls_call_info(h->ml, call, &ci), ERRS(0));
		check_ret("DROP", mls_drop(h->ml, call, 0), ERRS(0));
		check_ret("CALL_LIST", mls_call_list(h->ml, ids, 8, &n), ERRS(0));
		ret = mls_deallocate(h->ml, call, h->ops & 1 ? MODEMLINE_DEALLOCATE_DROP : 0);
		check_ret("DEALLOCATE", ret, ERRS(EBUSY));
		if (ret)
			mls_deallocate(h->ml, call, MODEMLINE_DEALLOCATE_DROP);
		mls_unsubscribe(h->ml, h->line);
		mls_drain_events(h->ml);
	}
	return NULL;
}

/* The tty's own ioctls, in a loop. */
static void *tty_hammer(void *arg)
{
	struct hammer *h = arg;
	struct modemline_tty_config cfg;
	__u32 id;
	int ret;

	while (!atomic_load(&h->stop)) {
		h->ops++;
		ret = ioctl(h->tty, MODEMLINE_TIOCGLINE, &id) ? -errno : 0;
		check_ret("TIOCGLINE", ret, ERRS(EIO, ENOTTY));
		ret = ioctl(h->tty, MODEMLINE_TIOCGCONFIG, &cfg) ? -errno : 0;
		check_ret("TIOCGCONFIG", ret, ERRS(EIO, ENOTTY));
		if (!ret) {
			cfg.guard_ms = 50;
			ret = ioctl(h->tty, MODEMLINE_TIOCSCONFIG, &cfg) ? -errno : 0;
			check_ret("TIOCSCONFIG", ret, ERRS(EIO, ENOTTY, ENODEV));
		}
	}
	return NULL;
}

HARD_TEST(hangup_vs_ioctls)
{
	int i, iters = 90 * hard_scale(), mark = kmsg_mark(), ml;
	__u64 dl = hard_deadline();
	struct hammer h[2];
	struct ptyline p;
	struct modem m;
	struct modemline_line_info li;

	ml = mls_open(O_NONBLOCK);
	ASSERT_LE(0, ml);
	for (i = 0; i < iters && !hard_over(dl); i++) {
		ASSERT_EQ(0, ptyline_open(&p));
		ASSERT_EQ(0, ptyline_guard(&p, 20));
		ASSERT_EQ(0, modem_start(&m, &p));
		memset(h, 0, sizeof(h));
		h[0].ml = ml;
		h[0].line = p.line;
		h[1].tty = p.slave;
		ASSERT_EQ(0, pthread_create(&h[0].thread, NULL, ioctl_hammer, &h[0]));
		ASSERT_EQ(0, pthread_create(&h[1].thread, NULL, tty_hammer, &h[1]));
		usleep(1000 * (i % 20));
		/* Hang up under them: the master goes. */
		modem_stop(&m);
		close(p.master);
		p.master = -1;
		usleep(5000);
		atomic_store(&h[0].stop, true);
		atomic_store(&h[1].stop, true);
		pthread_join(h[0].thread, NULL);
		pthread_join(h[1].thread, NULL);
		check_no_bad(_metadata);
		/* The line is gone; every call the file holds has ended. */
		ASSERT_EQ(-ENOENT, mls_line_info(ml, p.line, &li));
		ASSERT_EQ(0, mls_call_count(ml));
		ptyline_close(&p);
	}
	close(ml);
	HARD_CASE_END("hangup_vs_ioctls", i, mark);
}

/* ------------------------------------------------------------------ */

struct racer {
	pthread_t thread;
	pthread_barrier_t *go;
	int ml, what;
	__u32 call;
	int ret;
};

static void *one_handle(void *arg)
{
	struct racer *r = arg;
	struct modemline_call_info ci;

	pthread_barrier_wait(r->go);
	switch (r->what) {
	case 0:
		r->ret = mls_deallocate(r->ml, r->call, MODEMLINE_DEALLOCATE_DROP);
		break;
	case 1:
		r->ret = mls_drop(r->ml, r->call, MODEMLINE_DROP_WAIT);
		break;
	case 2:
		r->ret = mls_call_info(r->ml, r->call, &ci);
		break;
	default:
		r->ret = mls_call_data(r->ml, r->call, MODEMLINE_DATA_NONBLOCK);
		if (r->ret >= 0) {
			close(r->ret);
			r->ret = 0;
		}
	}
	return NULL;
}

HARD_TEST(one_handle_three_ways)
{
	int i, k, iters = 400 * hard_scale(), mark = kmsg_mark(), ml;
	__u64 dl = hard_deadline();
	struct sim_line line = { 0 };
	pthread_barrier_t go;
	struct racer r[4];
	__u32 call;

	ml = mls_open(0);
	ASSERT_LE(0, ml);
	ASSERT_EQ(0, sim_line_create(&line));
	ASSERT_EQ(0, sim_ctl(&line, "hangup_delay 1"));
	for (i = 0; i < iters && !hard_over(dl); i++) {
		ASSERT_EQ(0, mls_dial_retry(ml, line.id, "5551234", 0, &call, ML_WAIT_MS));
		ASSERT_EQ(0, pthread_barrier_init(&go, NULL, 4));
		for (k = 0; k < 4; k++) {
			r[k] = (struct racer){ .go = &go, .ml = ml, .what = k, .call = call };
			ASSERT_EQ(0, pthread_create(&r[k].thread, NULL, one_handle, &r[k]));
		}
		for (k = 0; k < 4; k++)
			pthread_join(r[k].thread, NULL);
		pthread_barrier_destroy(&go);
		ASSERT_EQ(0, r[0].ret);		/* the only releaser */
		ASSERT_TRUE(in_set(r[1].ret, ERRS(ENOENT))) TH_LOG("DROP: %d", r[1].ret);
		ASSERT_TRUE(in_set(r[2].ret, ERRS(ENOENT))) TH_LOG("INFO: %d", r[2].ret);
		ASSERT_TRUE(in_set(r[3].ret, ERRS(ENOENT, ENOTCONN, EBUSY)))
			TH_LOG("CALL_DATA: %d", r[3].ret);
		ASSERT_EQ(0, mls_call_listed(ml, call));
		mls_drain_events(ml);
	}
	close(ml);
	sim_line_remove(&line);
	HARD_CASE_END("one_handle_three_ways", i, mark);
}

/* ------------------------------------------------------------------ */

struct sleeper {
	pthread_t thread;
	int fd, what;
	__u32 call;
	int ret;
	atomic_bool done;
};

static void *sleeper_main(void *arg)
{
	struct sleeper *s = arg;
	struct modemline_event ev;
	struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
	char buf[64];

	switch (s->what) {
	case 0:
		s->ret = poll(&pfd, 1, 20000) == 1 ? 0 : -ETIMEDOUT;
		break;
	case 1:
		s->ret = read(s->fd, &ev, sizeof(ev)) == sizeof(ev) ? 0 : -errno;
		break;
	case 2:
		s->ret = mls_drop(s->fd, s->call, MODEMLINE_DROP_WAIT);
		break;
	default:
		s->ret = read(s->fd, buf, sizeof(buf)) == 0 ? 0 : -EPROTO;
	}
	atomic_store(&s->done, true);
	return NULL;
}

static void sleeper_start(struct __test_metadata *_metadata, struct sleeper *s,
			  int what, int fd, __u32 call)
{
	memset(s, 0, sizeof(*s));
	s->what = what;
	s->fd = fd;
	s->call = call;
	ASSERT_EQ(0, pthread_create(&s->thread, NULL, sleeper_main, s));
}

HARD_TEST(close_vs_blocked)
{
	int i, k, iters = 100 * hard_scale(), mark = kmsg_mark();
	__u64 dl = hard_deadline();
	struct sim_line line = { 0 }, wake;
	struct sleeper s[4];
	int a, b, c, data;
	__u32 call;

	ASSERT_EQ(0, sim_line_create(&line));
	for (i = 0; i < iters && !hard_over(dl); i++) {
		a = mls_open(0);
		b = mls_open(0);
		c = mls_open(0);
		ASSERT_LE(0, a);
		ASSERT_LE(0, b);
		ASSERT_LE(0, c);
		/* Subscribed to every line: a new line wakes them. */
		ASSERT_EQ(0, mls_subscribe(a, 0));
		ASSERT_EQ(0, mls_subscribe(b, 0));
		ASSERT_EQ(0, sim_ctl(&line, "hangup_delay 300"));
		ASSERT_EQ(0, mls_dial_retry(c, line.id, "5551234", 0, &call, ML_WAIT_MS));
		ASSERT_EQ(0, mls_wait_info_state(c, call, MODEMLINE_STATE_CONNECTED,
						 &(struct modemline_call_info){ 0 }, ML_WAIT_MS));
		data = mls_call_data(c, call, 0);
		ASSERT_LE(0, data);
		sleeper_start(_metadata, &s[0], 0, a, 0);
		sleeper_start(_metadata, &s[1], 1, b, 0);
		sleeper_start(_metadata, &s[3], 3, data, 0);
		usleep(50000);
		/* They sleep: pull their descriptors away. */
		close(a);
		close(b);
		close(data);
		for (k = 0; k < 4; k++) {
			if (k != 2)
				ASSERT_FALSE(atomic_load(&s[k].done))
					TH_LOG("sleeper %d did not sleep", k);
		}
		/* DROP_WAIT sleeps for the 300 ms hang-up (and wakes the data reader). */
		sleeper_start(_metadata, &s[2], 2, c, call);
		usleep(50000);
		close(c);
		ASSERT_FALSE(atomic_load(&s[2].done)) TH_LOG("DROP_WAIT did not sleep");
		/* Now wake them: a line appears (LINE_ADDED); the hang-up completes. */
		memset(&wake, 0, sizeof(wake));
		ASSERT_EQ(0, sim_line_create(&wake));
		for (k = 0; k < 4; k++) {
			pthread_join(s[k].thread, NULL);
			ASSERT_EQ(0, s[k].ret) TH_LOG("sleeper %d: %s", k, strerror(-s[k].ret));
		}
		ASSERT_EQ(0, sim_line_remove(&wake));
	}
	sim_line_remove(&line);
	HARD_CASE_END("close_vs_blocked", i, mark);
}

/* ------------------------------------------------------------------ */

struct flood {
	pthread_t thread;
	struct ptyline *p;
	atomic_bool stop;
	long bytes;
};

static void *flood_main(void *arg)
{
	static const char said[] = "RING\r\nCONNECT 9600\r\nNO CARRIER\r\nOK\r\n"
				   "+CLIP: \"555\",129\r\nGARBAGE\x01\x02\xff\r\n";
	struct flood *f = arg;
	char sink[512];
	ssize_t n;

	while (!atomic_load(&f->stop)) {
		n = write(f->p->master, said, sizeof(said) - 1);
		if (n > 0)
			f->bytes += n;
		else
			usleep(500);
		while (read(f->p->master, sink, sizeof(sink)) > 0)
			;
	}
	return NULL;
}

HARD_TEST(setd_vs_flood)
{
	int i, iters = 300 * hard_scale(), mark = kmsg_mark(), ld, ml, ret;
	__u64 dl = hard_deadline();
	struct ptyline p;
	struct flood f = { 0 };
	__u32 id, n0, n1;

	ml = mls_open(0);
	ASSERT_LE(0, ml);
	ASSERT_EQ(0, mls_line_list(ml, NULL, 0, &n0));
	ASSERT_EQ(0, ptyline_open(&p));
	f.p = &p;
	ASSERT_EQ(0, pthread_create(&f.thread, NULL, flood_main, &f));
	for (i = 0; i < iters && !hard_over(dl); i++) {
		ld = 0;
		ASSERT_EQ(0, ioctl(p.slave, TIOCSETD, &ld));
		tcflush(p.slave, TCIFLUSH);	/* N_TTY would fill and stop the flood */
		ld = MODEMLINE_LDISC;
		ret = ioctl(p.slave, TIOCSETD, &ld) ? -errno : 0;
		ASSERT_EQ(0, ret) TH_LOG("TIOCSETD %d: %s", ld, strerror(-ret));
		ASSERT_EQ(0, ioctl(p.slave, MODEMLINE_TIOCGLINE, &id));
		ASSERT_NE(0U, id);
	}
	atomic_store(&f.stop, true);
	pthread_join(f.thread, NULL);
	ptyline_close(&p);
	/* Every line made on the way is gone again. */
	usleep(100000);
	ASSERT_EQ(0, mls_line_list(ml, NULL, 0, &n1));
	ASSERT_EQ(n0, n1);
	ASSERT_LT(0L, f.bytes);
	close(ml);
	report("setd_vs_flood", i);
	ASSERT_LOG_CLEAN(mark);
}

/* ------------------------------------------------------------------ */

HARD_TEST(removal_vs_dial)
{
	int i, iters = 100 * hard_scale(), mark = kmsg_mark(), ml;
	__u64 dl = hard_deadline();
	struct hammer h;
	struct sim_line line;
	struct ptyline p;
	struct modem m;
	__u32 ids[64], n, k;
	struct modemline_call_info ci;

	ml = mls_open(O_NONBLOCK);
	ASSERT_LE(0, ml);
	for (i = 0; i < iters && !hard_over(dl); i++) {
		bool pty = i & 1;

		memset(&h, 0, sizeof(h));
		memset(&line, 0, sizeof(line));
		h.ml = ml;
		if (pty) {
			ASSERT_EQ(0, ptyline_open(&p));
			ASSERT_EQ(0, ptyline_guard(&p, 20));
			ASSERT_EQ(0, modem_start(&m, &p));
			h.line = p.line;
		} else {
			ASSERT_EQ(0, sim_line_create(&line));
			ASSERT_EQ(0, sim_ctl(&line, i % 4 ? "dial silent" : "dial connect 1 9600"));
			h.line = line.id;
		}
		ASSERT_EQ(0, pthread_create(&h.thread, NULL, ioctl_hammer, &h));
		usleep(1000 * (i % 10));
		if (pty) {
			modem_stop(&m);
			ptyline_close(&p);
		} else {
			ASSERT_EQ(0, sim_line_remove(&line));
		}
		usleep(2000);
		atomic_store(&h.stop, true);
		pthread_join(h.thread, NULL);
		check_no_bad(_metadata);
		/* Whatever the file still holds has ended. */
		ASSERT_EQ(0, mls_call_list(ml, ids, 64, &n));
		for (k = 0; k < n && k < 64; k++) {
			ASSERT_EQ(0, mls_call_info(ml, ids[k], &ci));
			ASSERT_EQ(U32(MODEMLINE_STATE_DISCONNECTED), ci.state);
			mls_deallocate(ml, ids[k], 0);
		}
	}
	close(ml);
	HARD_CASE_END("removal_vs_dial", i, mark);
}

/* ------------------------------------------------------------------ */

static int delete_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

HARD_TEST(rmmod_in_use)
{
	int i, iters = 120 * hard_scale(), mark = kmsg_mark(), ml, ctl, ret;
	__u64 dl = hard_deadline();
	struct sim_line line = { 0 };
	struct ptyline p;
	struct modem m;
	char path[256];
	__u32 call;

	if (access("/sys/module/modemline_sim", F_OK))
		SKIP(return, "modemline_sim not loaded");
	ml = mls_open(0);
	ASSERT_LE(0, ml);
	ASSERT_EQ(0, sim_line_create(&line));
	ASSERT_EQ(0, ptyline_open(&p));
	ASSERT_EQ(0, ptyline_guard(&p, 20));
	ASSERT_EQ(0, modem_start(&m, &p));
	snprintf(path, sizeof(path), SIM_LINES "/%s/control", line.name);
	ctl = open(path, O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, ctl);
	for (i = 0; i < iters && !hard_over(dl); i++) {
		/* In use: by our files, the attached tty and modemline_sim. */
		ret = delete_module("modemline");
		ASSERT_TRUE(ret == -EWOULDBLOCK || ret == -EBUSY) TH_LOG("%s", strerror(-ret));
		/* The open control file pins modemline_sim. */
		ret = delete_module("modemline_sim");
		ASSERT_TRUE(ret == -EWOULDBLOCK || ret == -EBUSY) TH_LOG("%s", strerror(-ret));
		/* And everything still works. */
		ASSERT_EQ(0, mls_dial_retry(ml, i & 1 ? p.line : line.id, "5551234", 0,
					    &call, ML_WAIT_MS));
		ASSERT_EQ(0, mls_deallocate(ml, call, MODEMLINE_DEALLOCATE_DROP));
	}
	close(ctl);
	modem_stop(&m);
	ptyline_close(&p);
	sim_line_remove(&line);
	close(ml);
	HARD_CASE_END("rmmod_in_use", i, mark);
}

/* ------------------------------------------------------------------ */

struct grower {
	pthread_t thread;
	int ml;
	atomic_bool stop;
	long n;
};

/* Lines and handles keep appearing and going. */
static void *grower_main(void *arg)
{
	struct grower *g = arg;
	struct sim_line l;
	__u32 call;

	while (!atomic_load(&g->stop)) {
		memset(&l, 0, sizeof(l));
		if (sim_line_create(&l))
			continue;
		sim_ctl(&l, "dial silent");
		if (!mls_dial(g->ml, l.id, "5551234", 0, &call))
			g->n++;
		sim_line_remove(&l);
	}
	return NULL;
}

/*
 * LINE_LIST and CALL_LIST while ids appear between the kernel's count
 * and its fill: the count returned may grow, but min(in, out) ids must
 * have been written (found by the fuzzer: the kernel returned the new
 * count with only the old number of ids written).
 */
HARD_TEST(list_vs_growth)
{
	int i, k, iters = 1500 * hard_scale(), mark = kmsg_mark(), ml;
	__u64 dl = hard_deadline();
	struct grower g = { 0 };
	__u32 ids[64], count, n;
	bool lines;

	ml = mls_open(O_NONBLOCK);
	ASSERT_LE(0, ml);
	g.ml = ml;
	ASSERT_EQ(0, pthread_create(&g.thread, NULL, grower_main, &g));
	for (i = 0; i < iters && !hard_over(dl); i++) {
		lines = i & 1;
		memset(ids, 0xff, sizeof(ids));
		ASSERT_EQ(0, lines ? mls_line_list(ml, ids, 64, &count) :
			  mls_call_list(ml, ids, 64, &count));
		n = count < 64 ? count : 64;
		for (k = 0; k < (int)n; k++) {
			ASSERT_NE(0xffffffffU, ids[k])
				TH_LOG("%s: count %u but id %d not written", lines ?
				       "LINE_LIST" : "CALL_LIST", count, k);
			if (k)
				ASSERT_LT(ids[k - 1], ids[k]);
		}
	}
	atomic_store(&g.stop, true);
	pthread_join(g.thread, NULL);
	close(ml);
	HARD_CASE_END("list_vs_growth", i, mark);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * One regression test per class of the worst line-discipline bugs, each
 * named after the CVE that made the class known, rebuilt against our
 * discipline and core. KASAN, lockdep and kmemleak see the memory side
 * (the log is checked after each case and by the run harness); the
 * tests assert the behaviour side.
 *
 *   n_hdlc_double_free_cve_2017_2636     close/flush racing the write
 *                                        path: buffers freed twice
 *   n_gsm_uaf_two_ioctls_cve_2023_6546   an ioctl using the discipline's
 *                                        data while another frees it
 *   n_gsm_reconfig_midframe_cve_2024_36016  reconfiguration while a line
 *                                        (frame) is half received
 *   slip_wakeup_after_free_cve_2020_14416  write_wakeup work running
 *                                        after the hang-up freed it
 *   hci_uart_published_before_init_cve_2023_31083  an object reachable
 *                                        before it is initialised
 */
#include "hard_test.h"
#include "stream.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/ioctl.h>

/* A pty line with a modem, and a connected call on it with its data fd. */
struct conn {
	struct ptyline p;
	struct modem m;
	int ml, data;
	__u32 call;
};

static void conn_up(struct __test_metadata *_metadata, struct conn *c, bool nonblock)
{
	struct modemline_call_info ci;

	c->ml = mls_open(0);
	ASSERT_LE(0, c->ml);
	ASSERT_EQ(0, ptyline_open(&c->p));
	ASSERT_EQ(0, ptyline_guard(&c->p, 20));
	ASSERT_EQ(0, modem_start(&c->m, &c->p));
	ASSERT_EQ(0, mls_dial(c->ml, c->p.line, "5551234", 5000, &c->call));
	ASSERT_EQ(0, mls_wait_info_state(c->ml, c->call, MODEMLINE_STATE_CONNECTED, &ci,
					 ML_WAIT_MS));
	ASSERT_EQ(9600U, ci.rate);
	c->data = mls_call_data(c->ml, c->call, nonblock ? MODEMLINE_DATA_NONBLOCK : 0);
	ASSERT_LE(0, c->data);
}

/* The line went: the record says so and the writer did not hang. */
static void conn_check_removed(struct __test_metadata *_metadata, struct conn *c,
			       struct stream *w)
{
	struct modemline_call_info ci;

	ASSERT_EQ(0, mls_wait_info_state(c->ml, c->call, MODEMLINE_STATE_DISCONNECTED,
					 &ci, ML_WAIT_MS));
	ASSERT_EQ(U32(MODEMLINE_ORIGIN_SYSTEM), ci.origin);
	ASSERT_EQ(U32(MODEMLINE_REASON_LINE_REMOVED), ci.reason);
	if (w) {
		ASSERT_EQ(EPIPE, w->err) TH_LOG("writer: %s after %zu bytes",
						strerror(w->err), w->done);
		ASSERT_EQ((__u64)w->done, ci.tx_bytes);
	}
}

static void conn_down(struct conn *c)
{
	modem_stop(&c->m);
	ptyline_close(&c->p);
	if (c->data >= 0)
		close(c->data);
	if (c->ml >= 0)
		close(c->ml);
	c->data = -1;
	c->ml = -1;
}

/* ------------------------------------------------------------------ */

struct flusher {
	pthread_t thread;
	int fd;
	atomic_bool stop;
	long n;
};

static void *flusher_main(void *arg)
{
	struct flusher *f = arg;

	while (!atomic_load(&f->stop)) {
		ioctl(f->fd, TCFLSH, (f->n % 3 == 0) ? TCIOFLUSH : TCOFLUSH);
		f->n++;
		usleep(200);
	}
	return NULL;
}

HARD_TEST(n_hdlc_double_free_cve_2017_2636)
{
	int i, iters = 30 * hard_scale(), mark = kmsg_mark(), ld;
	__u64 dl = hard_deadline();
	long moved = 0;
	struct flusher f;
	struct stream w;
	struct conn c;

	for (i = 0; i < iters && !hard_over(dl); i++) {
		conn_up(_metadata, &c, false);
		STREAM_START(&w, c.data, 0, true);
		memset(&f, 0, sizeof(f));
		f.fd = c.p.slave;
		ASSERT_EQ(0, pthread_create(&f.thread, NULL, flusher_main, &f));
		usleep(1000 * (5 + i % 30));
		/* Detach in the middle of writes and flushes: the close path. */
		ld = 0;
		ASSERT_EQ(0, ioctl(c.p.slave, TIOCSETD, &ld));
		STREAM_JOIN(&w);
		atomic_store(&f.stop, true);
		pthread_join(f.thread, NULL);
		conn_check_removed(_metadata, &c, &w);
		moved += atomic_load(&c.m.data);
		/* The descriptor reads end of file and refuses writes. */
		ASSERT_EQ(-1, write(c.data, "x", 1));
		ASSERT_EQ(EPIPE, errno);
		ASSERT_EQ(0, mls_deallocate(c.ml, c.call, 0));
		conn_down(&c);
	}
	ASSERT_LT(0L, moved);
	HARD_CASE_END("n_hdlc_double_free_cve_2017_2636", i, mark);
}

/* ------------------------------------------------------------------ */

struct tty_racer {
	pthread_t thread;
	int fd;
	atomic_bool stop;
	atomic_long n;		/* loops begun, read by the main thread */
	long bad;
	char what[96];
};

static void *config_ioctls(void *arg)
{
	struct tty_racer *r = arg;
	struct modemline_tty_config cfg;
	__u32 id;

	while (!atomic_load(&r->stop)) {
		r->n++;
		if (!ioctl(r->fd, MODEMLINE_TIOCGLINE, &id)) {
			if (!id) {
				r->bad++;
				snprintf(r->what, sizeof(r->what), "TIOCGLINE gave 0");
			}
		} else if (errno != ENOTTY) {
			r->bad++;
			snprintf(r->what, sizeof(r->what), "TIOCGLINE: %s", strerror(errno));
		}
		memset(&cfg, 0xAA, sizeof(cfg));
		if (!ioctl(r->fd, MODEMLINE_TIOCGCONFIG, &cfg)) {
			if (strncasecmp(cfg.init, "AT", 2) ||
			    !mls_str_tail_zero(cfg.init, sizeof(cfg.init)) ||
			    !cfg.guard_ms || cfg.guard_ms > 10000 ||
			    cfg.dialect > MODEMLINE_DIALECT_3GPP ||
			    (cfg.clcc_poll_ms &&
			     (cfg.clcc_poll_ms < 100 || cfg.clcc_poll_ms > 10000))) {
				r->bad++;
				snprintf(r->what, sizeof(r->what), "TIOCGCONFIG: malformed config");
			}
			snprintf(cfg.init, sizeof(cfg.init), "ATS0=%ld", r->n % 10);
			if (ioctl(r->fd, MODEMLINE_TIOCSCONFIG, &cfg) &&
			    errno != ENOTTY && errno != ENODEV) {
				r->bad++;
				snprintf(r->what, sizeof(r->what), "TIOCSCONFIG: %s",
					 strerror(errno));
			}
		} else if (errno != ENOTTY) {
			r->bad++;
			snprintf(r->what, sizeof(r->what), "TIOCGCONFIG: %s", strerror(errno));
		}
	}
	return NULL;
}

HARD_TEST(n_gsm_uaf_two_ioctls_cve_2023_6546)
{
	int i, iters = 400 * hard_scale(), mark = kmsg_mark(), ld, k;
	__u64 dl = hard_deadline();
	struct tty_racer r[2];
	struct ptyline p;

	ASSERT_EQ(0, ptyline_open(&p));
	for (k = 0; k < 2; k++) {
		memset(&r[k], 0, sizeof(r[k]));
		r[k].fd = p.slave;
		ASSERT_EQ(0, pthread_create(&r[k].thread, NULL, config_ioctls, &r[k]));
	}
	/*
	 * The flips below can all be over before a loaded machine runs a
	 * racer at all: they start once both are in their loops.
	 */
	for (k = 0; k < 2; k++)
		while (!atomic_load(&r[k].n) && !hard_over(dl))
			usleep(1000);
	/* The discipline's data is freed and made anew under their ioctls. */
	for (i = 0; i < iters && !hard_over(dl); i++) {
		ld = i & 1 ? MODEMLINE_LDISC : 0;
		ASSERT_EQ(0, ioctl(p.slave, TIOCSETD, &ld));
		if (i % 10 == 0)
			ptyline_drain(&p);
	}
	for (k = 0; k < 2; k++) {
		atomic_store(&r[k].stop, true);
		pthread_join(r[k].thread, NULL);
		ASSERT_EQ(0L, r[k].bad) TH_LOG("%s", r[k].what);
		ASSERT_LT(0L, r[k].n);
	}
	ptyline_close(&p);
	report("n_gsm_uaf_two_ioctls_cve_2023_6546", i);
	ASSERT_LOG_CLEAN(mark);
}

/* ------------------------------------------------------------------ */

HARD_TEST(n_gsm_reconfig_midframe_cve_2024_36016)
{
	static const char *const partial[] = {
		"CONN", "\r\nNO CARR", "+CLIP: \"0301", "RI", "\r\nCONNECT 12", "3",
	};
	int i, iters = 18 * hard_scale(), mark = kmsg_mark(), ml, ld;
	__u64 dl = hard_deadline();
	struct modemline_tty_config cfg;
	struct modemline_call_info ci;
	char junk[700], want[64];
	struct ptyline p;
	struct modem m;
	__u32 call, len;

	ml = mls_open(0);
	ASSERT_LE(0, ml);
	memset(junk, 'J', sizeof(junk));
	junk[sizeof(junk) - 1] = 0;
	for (i = 0; i < iters && !hard_over(dl); i++) {
		ASSERT_EQ(0, ptyline_open(&p));
		/* Half a result code, and a line longer than the engine keeps. */
		memset(junk, 'J', sizeof(junk));
		junk[sizeof(junk) - 1] = 0;
		ASSERT_EQ(0, ptyline_say(&p, partial[i % 6]));
		ASSERT_EQ(0, ptyline_say(&p, junk));
		/* Reconfigure mid-line: longest init, then shortest, then between. */
		len = i % 3 == 0 ? 63 : i % 3 == 1 ? 2 : 2 + (i * 7) % 61;
		memset(&cfg, 0, sizeof(cfg));
		memset(cfg.init, 'Z', len);
		cfg.init[0] = 'A';
		cfg.init[1] = 'T';
		cfg.guard_ms = 20 + i;
		ASSERT_EQ(0, ioctl(p.slave, MODEMLINE_TIOCSCONFIG, &cfg));
		memcpy(want, cfg.init, sizeof(want));
		/* One byte too long is refused and changes nothing. */
		memset(cfg.init, 'Z', sizeof(cfg.init));
		ASSERT_EQ(-1, ioctl(p.slave, MODEMLINE_TIOCSCONFIG, &cfg));
		ASSERT_EQ(EINVAL, errno);
		if (i & 1) {
			/* And detach / re-attach mid-line: settings start over. */
			ld = 0;
			ASSERT_EQ(0, ioctl(p.slave, TIOCSETD, &ld));
			ASSERT_EQ(0, ptyline_say(&p, partial[(i + 1) % 6]));
			ld = MODEMLINE_LDISC;
			ASSERT_EQ(0, ioctl(p.slave, TIOCSETD, &ld));
			ASSERT_EQ(0, ioctl(p.slave, MODEMLINE_TIOCGLINE, &p.line));
			ASSERT_EQ(0, ptyline_say(&p, junk));
			memset(&cfg, 0, sizeof(cfg));
			memcpy(cfg.init, want, sizeof(cfg.init));
			cfg.guard_ms = 20;
			ASSERT_EQ(0, ioctl(p.slave, MODEMLINE_TIOCSCONFIG, &cfg));
		}
		ASSERT_EQ(0, ptyline_say(&p, "\r\n"));
		ptyline_drain(&p);
		/* The engine parses the next call cleanly, with the new settings. */
		ASSERT_EQ(0, modem_start(&m, &p));
		ASSERT_EQ(0, mls_dial(ml, p.line, "5551234", 5000, &call));
		ASSERT_EQ(0, mls_wait_info_state(ml, call, MODEMLINE_STATE_CONNECTED, &ci,
						 ML_WAIT_MS))
			TH_LOG("round %d: state %u result '%s'", i, ci.state, ci.result);
		ASSERT_EQ(9600U, ci.rate);
		ASSERT_STREQ("CONNECT 9600", ci.result);
		ASSERT_EQ(1, atomic_load(&m.connects));
		modem_stop(&m);
		/* The modem got exactly the init string set last, whole. */
		snprintf(junk, sizeof(junk), "|%s|", want);
		ASSERT_NE(NULL, strstr(m.cmds, junk)) TH_LOG("modem got '%s', want '%s'",
							     m.cmds, want);
		ptyline_close(&p);
		ASSERT_EQ(0, mls_wait_info_state(ml, call, MODEMLINE_STATE_DISCONNECTED, &ci,
						 ML_WAIT_MS));
		ASSERT_EQ(U32(MODEMLINE_REASON_LINE_REMOVED), ci.reason);
		ASSERT_EQ(0, mls_deallocate(ml, call, 0));
	}
	close(ml);
	report("n_gsm_reconfig_midframe_cve_2024_36016", i);
	ASSERT_LOG_CLEAN(mark);
}

/* ------------------------------------------------------------------ */

HARD_TEST(slip_wakeup_after_free_cve_2020_14416)
{
	int i, iters = 100 * hard_scale(), mark = kmsg_mark();
	__u64 dl = hard_deadline();
	char buf[256];
	struct stream w;
	struct conn c;

	for (i = 0; i < iters && !hard_over(dl); i++) {
		conn_up(_metadata, &c, false);
		/* The modem stops reading: the tty fills, the writer sleeps. */
		atomic_store(&c.m.stall, true);
		usleep(20000);
		STREAM_START(&w, c.data, 0, true);
		usleep(50000);
		/* Room again (write_wakeup queues the work), and hang up at once. */
		if (read(c.p.master, buf, sizeof(buf)) < 0 && errno != EAGAIN)
			ASSERT_EQ(0, errno);
		if (i & 1)
			usleep(i * 100);
		close(c.p.master);
		c.p.master = -1;
		STREAM_JOIN(&w);
		conn_check_removed(_metadata, &c, &w);
		modem_stop(&c.m);
		ptyline_close(&c.p);
		ASSERT_EQ(0, mls_deallocate(c.ml, c.call, 0));
		conn_down(&c);
	}
	HARD_CASE_END("slip_wakeup_after_free_cve_2020_14416", i, mark);
}

/* ------------------------------------------------------------------ */

struct watcher {
	pthread_t thread;
	int ml;
	atomic_bool stop;
	atomic_long seen;	/* read by the main thread while it runs */
	long dials, bad;
	char what[128];
};

/* Use every line as soon as LINE_LIST shows it. */
static void *line_watcher(void *arg)
{
	struct watcher *w = arg;
	struct modemline_line_info li;
	__u32 ids[64], n, k, call;
	int ret;

	while (!atomic_load(&w->stop)) {
		if (mls_line_list(w->ml, ids, 64, &n))
			continue;
		for (k = 0; k < n && k < 64; k++) {
			ret = mls_line_info(w->ml, ids[k], &li);
			if (ret == -ENOENT)
				continue;
			w->seen++;
			if (ret || !li.name[0] || !li.transport || li.transport > 2) {
				w->bad++;
				snprintf(w->what, sizeof(w->what),
					 "line %u: ret %d name '%s' transport %u", ids[k],
					 ret, li.name, li.transport);
				continue;
			}
			ret = mls_dial(w->ml, ids[k], "5551234", 200, &call);
			if (ret && ret != -ENOENT && ret != -EBUSY) {
				w->bad++;
				snprintf(w->what, sizeof(w->what), "DIAL %u: %s", ids[k],
					 strerror(-ret));
			}
			if (!ret) {
				w->dials++;
				mls_deallocate(w->ml, call, MODEMLINE_DEALLOCATE_DROP);
			}
		}
	}
	return NULL;
}

/* Look at every handle as soon as CALL_LIST shows it. */
static void *handle_watcher(void *arg)
{
	struct watcher *w = arg;
	struct modemline_call_info ci;
	__u32 ids[64], n, k;
	int ret;

	while (!atomic_load(&w->stop)) {
		if (mls_call_list(w->ml, ids, 64, &n))
			continue;
		for (k = 0; k < n && k < 64; k++) {
			ret = mls_call_info(w->ml, ids[k], &ci);
			if (ret == -ENOENT)
				continue;	/* released meanwhile */
			w->seen++;
			if (ret || !ci.state || !ci.created_ns || strcmp(ci.number, "5551234") ||
			    ci.direction != MODEMLINE_DIR_OUTGOING) {
				w->bad++;
				snprintf(w->what, sizeof(w->what),
					 "handle %u: ret %d state %u number '%s'", ids[k], ret,
					 ci.state, ci.number);
			}
		}
	}
	return NULL;
}

HARD_TEST(hci_uart_published_before_init_cve_2023_31083)
{
	int i, iters = 100 * hard_scale(), mark = kmsg_mark(), ml;
	__u64 dl = hard_deadline();
	struct watcher lw = { 0 }, hw = { 0 };
	struct sim_line line;
	struct ptyline p;
	__u32 call, id;

	ml = mls_open(O_NONBLOCK);
	ASSERT_LE(0, ml);
	lw.ml = mls_open(O_NONBLOCK);
	ASSERT_LE(0, lw.ml);
	hw.ml = ml;
	ASSERT_EQ(0, pthread_create(&lw.thread, NULL, line_watcher, &lw));
	ASSERT_EQ(0, pthread_create(&hw.thread, NULL, handle_watcher, &hw));
	for (i = 0; i < iters && !hard_over(dl); i++) {
		/* Lines appear (tty and sim) under the watcher's ioctls. */
		ASSERT_EQ(0, ptyline_open(&p));
		ASSERT_EQ(0, ioctl(p.slave, MODEMLINE_TIOCGLINE, &id));
		ASSERT_EQ(p.line, id);
		memset(&line, 0, sizeof(line));
		ASSERT_EQ(0, sim_line_create(&line));
		/*
		 * Once, the watcher finds a line before the loop goes on: on a
		 * loaded host the loop could end before that thread ran at all
		 * (it once saw none of 100 iterations' lines).
		 */
		while (!i && !atomic_load(&lw.seen) && !hard_over(dl))
			usleep(1000);
		ASSERT_EQ(0, sim_ctl(&line, "dial silent"));
		/* Handles appear under the other watcher's ioctls. */
		if (mls_dial(ml, line.id, "5551234", 0, &call) == 0)
			ASSERT_EQ(0, mls_deallocate(ml, call, MODEMLINE_DEALLOCATE_DROP));
		ptyline_drain(&p);
		ptyline_close(&p);
		ASSERT_EQ(0, sim_line_remove(&line));
	}
	atomic_store(&lw.stop, true);
	atomic_store(&hw.stop, true);
	pthread_join(lw.thread, NULL);
	pthread_join(hw.thread, NULL);
	ASSERT_EQ(0L, lw.bad) TH_LOG("%s", lw.what);
	ASSERT_EQ(0L, hw.bad) TH_LOG("%s", hw.what);
	ASSERT_LT(0L, atomic_load(&lw.seen));
	printf("# lines seen %ld, dials on them %ld, handles seen %ld\n",
	       atomic_load(&lw.seen), lw.dials, atomic_load(&hw.seen));
	close(lw.ml);
	close(ml);
	HARD_CASE_END("hci_uart_published_before_init_cve_2023_31083", i, mark);
}

TEST_HARNESS_MAIN

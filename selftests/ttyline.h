/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A pty line driven by userspace/modemsim, for the selftests that need a
 * real tty line (tty_test, data_test): start modemsim on a pty, attach
 * the line discipline, and tear it all down again. Include after
 * ml_test.h and tty.h.
 */
#ifndef MODEMLINE_SELFTEST_TTYLINE_H
#define MODEMLINE_SELFTEST_TTYLINE_H

#define GUARD_MS	100	/* modemsim --guard and our guard_ms */

/* ------------------------------------------------------------------ */
/* A pty line driven by modemsim                                       */

struct ttyline {
	struct msim sim;
	int ml;				/* /dev/modemline */
	int fd;				/* the pty slave, discipline attached */
	__u32 line;
	struct modemline_tty_config initial;	/* TIOCGCONFIG after attach */
};

/*
 * Start modemsim (--guard 100 [args]) on @modem_tty (--tty; NULL: --pty),
 * open @dte_tty raw (NULL: modemsim's pty), attach the discipline, read
 * the line id and the initial config, then set guard_ms 100 (and @init
 * if not NULL). The two ttys are e.g. the ends of a null-modem pair. A
 * failure here ends the test process, and modemsim with it
 * (PR_SET_PDEATHSIG).
 */
static inline void line_up_on(struct __test_metadata *_metadata, struct ttyline *t,
			      const char *dte_tty, const char *modem_tty,
			      const char *const *args, const char *init)
{
	const char *argv[MSIM_MAX_ARGS] = { "--guard", "100" };
	const char *dte;
	int i, ret;

	t->ml = -1;
	t->fd = -1;
	for (i = 0; args && args[i]; i++) {
		ASSERT_GT(MSIM_MAX_ARGS - 3, i);
		argv[i + 2] = args[i];
	}
	ML_OPEN(t->ml, 0);
	ret = msim_start_on(&t->sim, modem_tty, argv);
	ASSERT_EQ(0, ret) TH_LOG("starting modemsim (next to this binary, or $MODEMSIM): %s",
				 strerror(-ret));
	dte = dte_tty ?: t->sim.pty;
	t->fd = ml_tty_open(dte, 0);
	ASSERT_LE(0, t->fd) TH_LOG("open %s: %s", dte, strerror(-t->fd));
	ret = tty_set_ldisc(t->fd, MODEMLINE_LDISC);
	ASSERT_EQ(0, ret) TH_LOG("TIOCSETD %d on %s: %s", MODEMLINE_LDISC,
				 dte, strerror(-ret));
	ret = tty_line_id(t->fd, &t->line);
	ASSERT_EQ(0, ret) TH_LOG("MODEMLINE_TIOCGLINE: %s", strerror(-ret));
	ASSERT_NE(0U, t->line);
	ret = tty_get_config(t->fd, &t->initial);
	ASSERT_EQ(0, ret) TH_LOG("MODEMLINE_TIOCGCONFIG: %s", strerror(-ret));
	ret = tty_set_guard(t->fd, GUARD_MS, init);
	ASSERT_EQ(0, ret) TH_LOG("MODEMLINE_TIOCSCONFIG: %s", strerror(-ret));
}

/* line_up_on() a pty. */
static inline void line_up(struct __test_metadata *_metadata, struct ttyline *t,
			   const char *const *args, const char *init)
{
	line_up_on(_metadata, t, NULL, NULL, args, init);
}

/* Kill modemsim (hangs up the pty), close everything, reap modemsim. */
static inline void line_down(struct ttyline *t)
{
	msim_stop(&t->sim);
	if (t->fd >= 0)
		close(t->fd);
	if (t->ml >= 0)
		close(t->ml);
	t->fd = -1;
	t->ml = -1;
}

/* Run a modemsim control command or fail the test. */
#define MSIM(t, ...) do { \
	struct msim *__sim = &(t)->sim; \
	int __r = msim_ctl(__sim, __VA_ARGS__); \
	ASSERT_EQ(0, __r) TH_LOG("modemsim control: %s (reply '%s')", \
				 strerror(-__r), __sim->reply); \
} while (0)

/* Wait until modemsim's status field @key is @want, or fail. */
#define MSIM_WAIT(t, key, want) do { \
	struct msim *__sim = &(t)->sim; \
	const char *__key = (key), *__want = (want); \
	int __r = msim_wait_status(__sim, __key, __want, ML_WAIT_MS); \
	ASSERT_EQ(0, __r) TH_LOG("modemsim never had %s=%s: %s (last '%s')", \
				 __key, __want, strerror(-__r), __sim->reply); \
} while (0)

/* modemsim's count of data bytes received reaches @want. */
static inline void wait_modem_bytes_in(struct __test_metadata *_metadata,
				       struct ttyline *t, size_t want)
{
	char val[32];

	snprintf(val, sizeof(val), "%zu", want);
	MSIM_WAIT(t, "bytes_in", val);
}

#endif /* MODEMLINE_SELFTEST_TTYLINE_H */

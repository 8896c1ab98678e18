/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit: a fake transport for the AT engine (at.c), shared by its suites.
 *
 * The fake's ops record everything the engine asks of them: the bytes it
 * sends, concatenated in sent[]; the data-mode bytes it delivers, in
 * data[]; every other callback, in order, as text in log[], e.g.
 * "timer(0); ended(REMOTE, BUSY, BUSY)" ("-" stands for a NULL string).
 * A test plays the modem with at_feed(), the timer with at_timeout() and
 * the clock with the fake's own f->now, then compares the record with
 * what the engine must have done.
 */
#ifndef _MODEMLINE_AT_FAKE_H
#define _MODEMLINE_AT_FAKE_H

#include <kunit/test.h>

#include "modemline.h"
#include "at.h"

#define AT_NUMBER	"5551234"
#define AT_START_MS	100000	/* the fake clock when a test starts */
#define AT_LOG_SIZE	512
#define AT_BUF_SIZE	512

struct at_fake {
	struct modemline_at at;
	u64 now;			/* passed to modemline_at_input() */
	char log[AT_LOG_SIZE];
	char expect[AT_LOG_SIZE];	/* at_fmt()'s output */
	char sent[AT_BUF_SIZE];
	size_t nsent;
	u8 data[AT_BUF_SIZE];
	size_t ndata;
	unsigned int timer_ms;		/* last arming, 0: cancelled */
	bool dtr;			/* last set_dtr(), on at first */
	unsigned int ends;
	u32 origin;
	u32 reason;
	char cause[MODEMLINE_AT_CAUSE_LEN];	/* last cause() */
};

extern const char * const at_origin_names[MODEMLINE_ORIGIN_SYSTEM + 1];
extern const char * const at_reason_names[MODEMLINE_REASON_SHUTDOWN + 1];
extern const char * const at_code_names[MODEMLINE_AT_CEER + 1];

const char *at_name(const char * const *names, size_t n, u32 v);
__printf(2, 3) void at_log(struct at_fake *f, const char *fmt, ...);
__printf(2, 3) const char *at_fmt(struct at_fake *f, const char *fmt, ...);
struct at_fake *at_fake_new(struct kunit *test);
void at_forget(struct at_fake *f);
void at_input(struct at_fake *f, const void *buf, size_t len);
void at_feed(struct at_fake *f, const char *s);
void at_timeout(struct at_fake *f);

#endif /* _MODEMLINE_AT_FAKE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit fixture shared by the record and data stream suites: a registered
 * line on a fake transport whose ops only record what they were asked
 * and return what the test configured, and a client owning the calls.
 * The test plays the modem's part with the modemline_line_*()
 * notifications. See rec_init() for the teardown order.
 */
#ifndef _MODEMLINE_REC_FIXTURE_H
#define _MODEMLINE_REC_FIXTURE_H

#include <kunit/test.h>

#include "modemline.h"

#define REC_MAX_CALLS		8
#define REC_MAX_EVENTS		32
#define REC_TIMEOUT_MS		60000
#define REC_NUMBER		"5551234"
#define REC_CALLER_ID		"5550000"
#define REC_RATE		33600
#define REC_CONNECT		"CONNECT 33600"

/* The transport: what the core asked of it, and what it answers. */
struct rec_fake {
	int dial_err;
	int answer_err;
	bool dial_ends;		/* report an end from inside dial() */
	bool hangup_completes;	/* report the end from inside hangup() */
	unsigned int dials;
	unsigned int answers;
	unsigned int hangups;
	char number[MODEMLINE_NUMBER_LEN];
	ssize_t write_take;	/* write(): bytes to take, -1 all, or -errno */
	size_t written;		/* bytes write() took */
	unsigned int rx_resumes;
};

struct rec_fixture {
	struct rec_fake fake;
	struct modemline_line *line;
	struct modemline_client *client;
};

int rec_init(struct kunit *test);
void rec_remove_line(struct kunit *test, u32 reason);
int rec_start(struct kunit *test, u32 direction, u32 timeout_ms,
	      struct modemline_call **out);
int rec_start_on(struct kunit *test, struct modemline_line *line, u32 direction,
		 u32 timeout_ms, struct modemline_call **out);
struct modemline_call *rec_dial(struct kunit *test);
struct modemline_call *rec_dial_connected(struct kunit *test);
void rec_info(struct modemline_call *call, struct modemline_call_info *info);

#endif /* _MODEMLINE_REC_FIXTURE_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Common include of the modemline selftests: the kselftest harness plus
 * assertion helpers that check records and events field by field.
 *
 * Include this (not kselftest_harness.h) first in every *_test.c.
 */
#ifndef MODEMLINE_ML_TEST_H
#define MODEMLINE_ML_TEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

/*
 * The harness is the kernel's own (tools/testing/selftests of Debian's
 * linux-source-6.12, see scripts/kselftest-framework.sh), written for the
 * kernel's -Wall build; under -Wextra a few of its own functions have
 * unused parameters.
 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
/*
 * -Wextra's -Wclobbered also flags the harness's own local 'child' in
 * every TEST_F (__TEST_F_IMPL: it is set between a setjmp() and the
 * longjmp() of a failed assertion and read after it), a warning raised
 * where the test is defined, so it stays off from here on.
 * Our tests themselves never use setjmp().
 */
#pragma GCC diagnostic ignored "-Wclobbered"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"

/* Typed constants: the ABI's fields are __u32, the #defines are int. */
#define U32(x)	((__u32)(x))

/* The record CALL_INFO must return, as far as the test knows it. */
struct rec_expect {
	__u32 line_id, direction;
	__u32 state, origin, reason, rate;
	__u32 flags;		/* MODEMLINE_CALL_INFO_MONITOR or 0 */
	const char *number;
	const char *result;	/* NULL: any text (still NUL-padded) */
	bool connected;		/* connected_ns must be set */
	bool ended;		/* disconnected_ns must be set */
};

/* A string field: NUL-terminated, zero after the NUL, equal to @want. */
static inline void check_str_field(struct __test_metadata *_metadata,
				   const char *what, const char *want,
				   const char *field, size_t len)
{
	ASSERT_TRUE(mls_str_tail_zero(field, len))
		TH_LOG("%s: no NUL, or non-zero bytes after it", what);
	if (!want)
		return;
	ASSERT_STREQ(want, field) TH_LOG("%s", what);
}

#define ASSERT_STR_FIELD(want, field) \
	check_str_field(_metadata, #field, (want), (field), sizeof(field))

/*
 * Check every field of a CALL_INFO record: identity, state, origin,
 * reason, rate, strings (and their zero padding), timestamps (non-zero
 * where reached, 0 where not, ordered, not in the future), duration
 * consistent with them, byte counters 0 (no data path yet).
 */
static inline void check_record(struct __test_metadata *_metadata,
				const struct modemline_call_info *ci,
				__u32 call, const struct rec_expect *e)
{
	__u64 now = mls_now_ns();

	ASSERT_EQ(call, ci->call);
	ASSERT_EQ(e->flags, ci->flags);
	ASSERT_EQ(e->line_id, ci->line_id);
	ASSERT_EQ(e->direction, ci->direction);
	ASSERT_EQ(e->state, ci->state);
	ASSERT_EQ(e->origin, ci->origin);
	ASSERT_EQ(e->reason, ci->reason);
	ASSERT_EQ(e->rate, ci->rate);
	ASSERT_STR_FIELD(e->number, ci->number);
	ASSERT_STR_FIELD(e->result, ci->result);
	ASSERT_EQ(0ULL, ci->rx_bytes);
	ASSERT_EQ(0ULL, ci->tx_bytes);

	ASSERT_NE(0ULL, ci->created_ns);
	ASSERT_LE(ci->created_ns, now);
	if (e->connected) {
		ASSERT_NE(0ULL, ci->connected_ns);
		ASSERT_LE(ci->created_ns, ci->connected_ns);
		ASSERT_LE(ci->connected_ns, now);
	} else {
		ASSERT_EQ(0ULL, ci->connected_ns);
		ASSERT_EQ(0ULL, ci->duration_ns);
	}
	if (e->ended) {
		ASSERT_NE(0ULL, ci->disconnected_ns);
		ASSERT_LE(ci->created_ns, ci->disconnected_ns);
		ASSERT_LE(ci->disconnected_ns, now);
	} else {
		ASSERT_EQ(0ULL, ci->disconnected_ns);
	}
	/* A call that never connected has no duration: 0, as checked. */
	if (!e->connected)
		return;
	if (e->ended) {
		ASSERT_LE(ci->connected_ns, ci->disconnected_ns);
		ASSERT_EQ(ci->disconnected_ns - ci->connected_ns,
			  ci->duration_ns);
	} else {
		/* While connected: now - connected, as of the ioctl. */
		ASSERT_LE(ci->duration_ns, now - ci->connected_ns);
	}
}

/* What a test knows of a call's record before it connects or ends. */
static inline struct rec_expect rec_call(__u32 line_id, __u32 direction,
					 const char *number)
{
	struct rec_expect e = {
		.line_id = line_id,
		.direction = direction,
		.number = number,
	};

	return e;
}

/* @e for a call that reached CONNECTED at @rate, the modem saying @result. */
static inline void expect_connected(struct rec_expect *e, __u32 rate,
				    const char *result)
{
	e->state = MODEMLINE_STATE_CONNECTED;
	e->rate = rate;
	e->result = result;
	e->connected = true;
}

/*
 * Read @call's record with CALL_INFO into @ci (left there for the
 * caller's own checks) and check it against @e.
 */
static inline void check_call_info(struct __test_metadata *_metadata, int fd,
				   __u32 call, const struct rec_expect *e,
				   struct modemline_call_info *ci)
{
	int ret = mls_call_info(fd, call, ci);

	ASSERT_EQ(0, ret) TH_LOG("CALL_INFO of call %u: %s", call,
				 strerror(-ret));
	check_record(_metadata, ci, call, e);
}

/*
 * The same for a call that ended: DISCONNECTED by @origin for @reason,
 * the modem's last text @result (NULL: any). Whether it was connected,
 * and at what rate, stays as @e says: only the end is filled in here.
 */
static inline void check_ended_info(struct __test_metadata *_metadata, int fd,
				    __u32 call, struct rec_expect *e,
				    __u32 origin, __u32 reason,
				    const char *result,
				    struct modemline_call_info *ci)
{
	e->state = MODEMLINE_STATE_DISCONNECTED;
	e->origin = origin;
	e->reason = reason;
	e->result = result;
	e->ended = true;
	check_call_info(_metadata, fd, call, e, ci);
}

/*
 * LINE_INFO of a line that has had no call yet, every field: @flags and
 * @rings as the test made them, the caller id on offer @offered ("" when
 * none).
 */
static inline void check_new_line_info(struct __test_metadata *_metadata,
				       int fd, __u32 line_id, __u32 transport,
				       const char *name, __u32 flags,
				       __u32 rings, const char *offered)
{
	struct modemline_line_info li;

	ASSERT_EQ(0, mls_line_info(fd, line_id, &li));
	ASSERT_EQ(line_id, li.line_id);
	ASSERT_EQ(flags, li.flags);
	ASSERT_EQ(transport, li.transport);
	ASSERT_EQ(rings, li.rings);
	ASSERT_STR_FIELD(name, li.name);
	ASSERT_STR_FIELD(offered, li.offered_number);
	ASSERT_EQ(0ULL, li.calls);
	ASSERT_EQ(0ULL, li.calls_connected);
	ASSERT_EQ(0ULL, li.calls_failed);
#ifdef MODEMLINE_DIALECT_V250
	ASSERT_EQ(U32(MODEMLINE_DIALECT_V250), li.dialect);
	ASSERT_EQ(0U, li.reserved32);
	ASSERT_EQ(0ULL, li.reserved);
#else
	/* abi_v1_test: the first header, where all of it was reserved. */
	ASSERT_EQ(0ULL, li.reserved[0]);
	ASSERT_EQ(0ULL, li.reserved[1]);
#endif
}

/*
 * Check a CALL_STATE event: every field, including the ones that do not
 * apply to this transition (0) and the caller-id string (all 0).
 */
static inline void check_state_event(struct __test_metadata *_metadata,
				     const struct modemline_event *ev,
				     __u32 line_id, __u32 call, __u32 state,
				     __u32 origin, __u32 reason, __u32 rate)
{
	ASSERT_EQ(U32(MODEMLINE_EVENT_CALL_STATE), ev->type);
	ASSERT_NE(0ULL, ev->seq);
	ASSERT_NE(0ULL, ev->timestamp_ns);
	ASSERT_LE(ev->timestamp_ns, mls_now_ns());
	ASSERT_EQ(line_id, ev->line_id);
	ASSERT_EQ(call, ev->call);
	ASSERT_EQ(state, ev->state);
	ASSERT_EQ(origin, ev->origin);
	ASSERT_EQ(reason, ev->reason);
	ASSERT_EQ(0U, ev->lost);
	ASSERT_EQ(rate, ev->rate);
	ASSERT_TRUE(mls_all_zero(ev->number, sizeof(ev->number)))
		TH_LOG("CALL_STATE event with a non-zero number field");
}

/* Check a line event (CALL_OFFERED, LINE_ADDED, LINE_REMOVED). */
static inline void check_line_event(struct __test_metadata *_metadata,
				    const struct modemline_event *ev,
				    __u32 type, __u32 line_id, __u32 reason,
				    const char *number)
{
	ASSERT_EQ(type, ev->type);
	ASSERT_NE(0ULL, ev->seq);
	ASSERT_NE(0ULL, ev->timestamp_ns);
	ASSERT_LE(ev->timestamp_ns, mls_now_ns());
	ASSERT_EQ(line_id, ev->line_id);
	ASSERT_EQ(0U, ev->call);
	ASSERT_EQ(0U, ev->state);
	ASSERT_EQ(0U, ev->origin);
	ASSERT_EQ(reason, ev->reason);
	ASSERT_EQ(0U, ev->lost);
	ASSERT_EQ(0U, ev->rate);
	ASSERT_STR_FIELD(number, ev->number);
}

/*
 * Wait until @call reaches @state (within @ms); the event is left in
 * @ev.
 */
static inline void wait_call_state(struct __test_metadata *_metadata, int fd,
				   __u32 call, __u32 state,
				   struct modemline_event *ev, int ms)
{
	int ret = mls_wait_state(fd, call, state, ev, ms);

	ASSERT_EQ(0, ret) TH_LOG("call %u never reached state %u: %s",
				 call, state, strerror(-ret));
}

/* The common case: wait for the end of @call. */
#define WAIT_ENDED(fd, call, ev) \
	wait_call_state(_metadata, (fd), (call), \
			MODEMLINE_STATE_DISCONNECTED, (ev), ML_WAIT_MS)

/*
 * Wait until @call on @line ends and check that CALL_STATE event: by
 * @origin for @reason. The event is left in @ev.
 */
static inline void check_ended_event(struct __test_metadata *_metadata,
				     int fd, __u32 line, __u32 call,
				     __u32 origin, __u32 reason,
				     struct modemline_event *ev)
{
	WAIT_ENDED(fd, call, ev);
	check_state_event(_metadata, ev, line, call,
			  MODEMLINE_STATE_DISCONNECTED, origin, reason, 0);
}

/*
 * DIAL or ANSWER (@what, on @line) returned @ret and made @call: wait
 * for the CALL_STATE event to @state. Returns the handle; the event is
 * left in @ev.
 */
static inline __u32 new_call_wait(struct __test_metadata *_metadata, int fd,
				  const char *what, __u32 line, int ret,
				  __u32 call, __u32 state,
				  struct modemline_event *ev)
{
	ASSERT_EQ(0, ret) TH_LOG("%s on line %u: %s", what, line,
				 strerror(-ret));
	ASSERT_NE(0U, call);
	wait_call_state(_metadata, fd, call, state, ev, ML_WAIT_MS);
	return call;
}

/*
 * DIAL @number on @line and wait for the CALL_STATE event to @state
 * (CONNECTED, or DISCONNECTED for a failing dial mode). Returns the
 * handle; the event is left in @ev.
 */
static inline __u32 dial_wait(struct __test_metadata *_metadata, int fd,
			      __u32 line, const char *number, __u32 state,
			      struct modemline_event *ev)
{
	__u32 call = 0;
	int ret = mls_dial(fd, line, number, 0, &call);

	return new_call_wait(_metadata, fd, "DIAL", line, ret, call, state,
			     ev);
}

/* Same for ANSWER on a ringing line. */
static inline __u32 answer_wait(struct __test_metadata *_metadata, int fd,
				__u32 line, __u32 state,
				struct modemline_event *ev)
{
	__u32 call = 0;
	int ret = mls_answer(fd, line, &call);

	return new_call_wait(_metadata, fd, "ANSWER", line, ret, call, state,
			     ev);
}

/* Run a sim control command (printf-style) or fail the test. */
#define SIM_CTL(line, ...) do { \
	const struct sim_line *__line = (line); \
	char __cmd[128]; \
	int __r; \
	snprintf(__cmd, sizeof(__cmd), __VA_ARGS__); \
	__r = sim_ctl(__line, "%s", __cmd); \
	ASSERT_EQ(0, __r) TH_LOG("sim line %s: '%s': %s", __line->name, \
				 __cmd, strerror(-__r)); \
} while (0)

/* Remove a sim line (like unplugging the modem) or fail the test. */
#define SIM_REMOVE(line) do { \
	struct sim_line *__line = (line); \
	int __r = sim_line_remove(__line); \
	ASSERT_EQ(0, __r) TH_LOG("removing sim line %s: %s", __line->name, \
				 strerror(-__r)); \
} while (0)

/* Open /dev/modemline or fail: a missing device is a failure, not a skip. */
#define ML_OPEN(fdvar, flags) do { \
	int __fd = mls_open(flags); \
	(fdvar) = __fd; \
	ASSERT_LE(0, __fd) TH_LOG("open " ML_DEV ": %s", strerror(-__fd)); \
} while (0)

/* Create sim lines or fail. */
#define SIM_CREATE_LINES(lines, n) do { \
	int __r = sim_lines_create((lines), (n)); \
	ASSERT_EQ(0, __r) TH_LOG("creating sim lines in " SIM_ROOT ": %s", \
				 strerror(-__r)); \
} while (0)

/*
 * Every way a dial can fail, for the lifecycle (modemline_sim "dial MODE")
 * and tty (modemsim --result MODE) selftests, whose simulators name the
 * outcomes alike: the mode, and the origin, reason and result text the
 * record must then show. Each of those fixtures has one variant per
 * outcome, named as the mode, that points to it.
 */
struct dial_failure {
	const char *mode;
	__u32 origin;
	__u32 reason;
	const char *result;
};

static const struct dial_failure dial_busy = {
	.mode = "busy",
	.origin = MODEMLINE_ORIGIN_REMOTE,
	.reason = MODEMLINE_REASON_BUSY,
	.result = "BUSY",
};

static const struct dial_failure dial_noanswer = {
	.mode = "noanswer",
	.origin = MODEMLINE_ORIGIN_REMOTE,
	.reason = MODEMLINE_REASON_NO_ANSWER,
	.result = "NO ANSWER",
};

static const struct dial_failure dial_nocarrier = {
	.mode = "nocarrier",
	.origin = MODEMLINE_ORIGIN_REMOTE,
	.reason = MODEMLINE_REASON_NO_CARRIER,
	.result = "NO CARRIER",
};

static const struct dial_failure dial_nodialtone = {
	.mode = "nodialtone",
	.origin = MODEMLINE_ORIGIN_REMOTE,
	.reason = MODEMLINE_REASON_NO_DIALTONE,
	.result = "NO DIALTONE",
};

static const struct dial_failure dial_error = {
	.mode = "error",
	.origin = MODEMLINE_ORIGIN_SYSTEM,
	.reason = MODEMLINE_REASON_MODEM_ERROR,
	.result = "ERROR",
};

/*
 * Make @line ring once (with caller id @number, or none when NULL) and
 * wait until the file, which this subscribes to the line, gets the
 * CALL_OFFERED event. The event is left in @ev.
 */
static inline void ring_offer(struct __test_metadata *_metadata, int fd,
			      const struct sim_line *line, const char *number,
			      struct modemline_event *ev)
{
	int ret;

	ASSERT_EQ(0, mls_subscribe(fd, line->id));
	if (number)
		ret = sim_ctl(line, "ring %s", number);
	else
		ret = sim_ctl(line, "ring");
	ASSERT_EQ(0, ret) TH_LOG("sim ring: %s", strerror(-ret));
	ret = mls_wait_event(fd, MODEMLINE_EVENT_CALL_OFFERED, line->id, ev,
			     ML_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("no CALL_OFFERED event: %s", strerror(-ret));
}

/*
 * DIAL @number on @line with its sim told never to answer: a call that
 * stays in DIALING until @timeout_ms (0: the module's default) or the
 * test ends it. Returns the handle.
 */
static inline __u32 dialing_call(struct __test_metadata *_metadata, int fd,
				 const struct sim_line *line,
				 const char *number, __u32 timeout_ms)
{
	__u32 call = 0;

	SIM_CTL(line, "dial silent");
	ASSERT_EQ(0, mls_dial(fd, line->id, number, timeout_ms, &call));
	return call;
}

/*
 * Make @line ring (caller id @number) and ANSWER it once offered; wait
 * for CONNECTED. Returns the handle; the event is left in @ev.
 */
static inline __u32 ring_answer(struct __test_metadata *_metadata, int fd,
				const struct sim_line *line,
				const char *number,
				struct modemline_event *ev)
{
	ring_offer(_metadata, fd, line, number, ev);
	return answer_wait(_metadata, fd, line->id, MODEMLINE_STATE_CONNECTED,
			   ev);
}

/* Wait until LINE_INFO says the line is gone (-ENOENT). */
static inline void wait_line_gone(struct __test_metadata *_metadata, int fd,
				  __u32 line_id)
{
	struct modemline_line_info li;
	__u64 deadline = mls_now_ns() + ML_WAIT_MS * 1000000ULL;
	int ret;

	for (;;) {
		ret = mls_line_info(fd, line_id, &li);
		if (ret || mls_now_ns() >= deadline)
			break;
		usleep(2000);
	}
	ASSERT_EQ(-ENOENT, ret) TH_LOG("line %u still known", line_id);
}

/*
 * Issue 20.4: while @waiter is blocked in a read() or write() of @len on
 * @fd's file, the same call made non-blocking (O_NONBLOCK on the file)
 * is tried in *@try; returns 0 if it returned within
 * NONBLOCK_LIMIT_MS (the bound is generous: a correct module answers at
 * once, a wrong one only when the waiter is done). O_NONBLOCK is cleared
 * again. The caller then unblocks the waiter, joins both and checks.
 */
#define NONBLOCK_LIMIT_MS	2000

static inline int try_nonblock_beside(struct __test_metadata *_metadata,
				      int fd, bool write, size_t len,
				      struct io_thread *waiter,
				      struct io_thread *try)
{
	int ret;

	ASSERT_EQ(-ETIMEDOUT, io_thread_wait(waiter, 200))
		TH_LOG("the waiter did not block (ret %zd, errno %d)",
		       waiter->ret, waiter->err);
	ASSERT_EQ(0, mls_set_nonblock(fd, true));
	ASSERT_EQ(0, io_thread_start(try, fd, write, len));
	ret = io_thread_wait(try, NONBLOCK_LIMIT_MS);
	ASSERT_EQ(0, mls_set_nonblock(fd, false));
	return ret;
}

/* What try_nonblock_beside() tried came back at once, with EAGAIN. */
#define EXPECT_PROMPT_EAGAIN(beside_ret, try) do { \
	const struct io_thread *__try = &(try); \
	EXPECT_EQ(0, (beside_ret)) \
		TH_LOG("the non-blocking call waited for the blocked one (%ld ms)", \
		       __try->ms); \
	EXPECT_EQ(-1, __try->ret); \
	EXPECT_EQ(EAGAIN, __try->err); \
	TH_LOG("non-blocking call beside a blocked one: errno %d after %ld ms", \
	       __try->err, __try->ms); \
} while (0)

#endif /* MODEMLINE_ML_TEST_H */

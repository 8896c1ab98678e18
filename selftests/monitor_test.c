// SPDX-License-Identifier: GPL-2.0
/*
 * Many applications, one call (issue 17): monitor handles (SUBSCRIBE with
 * MODEMLINE_SUBSCRIBE_MONITOR, CALL_NEW and CALL_MISSED), what a monitor
 * may and may not do with its handle, records that outlive their owner
 * while a monitor holds them, CALL_HANDOFF between files and processes
 * (SCM_RIGHTS) with every error it documents, and the figures a file
 * shows in /proc/PID/fdinfo and the module in sysfs.
 *
 * Runs as root with modemline and modemline_sim loaded. max_calls and
 * max_events are read at open; the fixture restores them.
 */
#include "ml_test.h"
#include "fuzz/hard.h"

#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define NUMBER		"5551234"
#define NUMBER2		"5559876"

FIXTURE(mon) {
	int fd;		/* the owner's file */
	int mon;	/* a monitoring file */
	struct sim_line line[2];
	struct sim_line extra;
	struct mls_param_save max_calls, max_events;
};

FIXTURE_SETUP(mon)
{
	ASSERT_EQ(0, mls_param_save(&self->max_calls, "max_calls"));
	ASSERT_EQ(0, mls_param_save(&self->max_events, "max_events"));
	ML_OPEN(self->fd, 0);
	ML_OPEN(self->mon, 0);
	SIM_CREATE_LINES(self->line, 2);
}

FIXTURE_TEARDOWN_PARENT(mon)
{
	sim_lines_remove(self->line, 2);
	sim_line_remove(&self->extra);
	EXPECT_EQ(0, mls_param_restore(&self->max_calls));
	EXPECT_EQ(0, mls_param_restore(&self->max_events));
}

#define L0 (self->line[0])
#define L1 (self->line[1])

/* ------------------------------------------------------------------ */
/* Helpers                                                             */

static int monitor(int fd, __u32 line_id)
{
	struct modemline_subscribe s = {
		.line_id = line_id, .flags = MODEMLINE_SUBSCRIBE_MONITOR,
	};

	return mls_ioctl(fd, MODEMLINE_IOC_SUBSCRIBE, &s);
}

static int unmonitor(int fd, __u32 line_id)
{
	struct modemline_subscribe s = {
		.line_id = line_id, .flags = MODEMLINE_SUBSCRIBE_MONITOR,
	};

	return mls_ioctl(fd, MODEMLINE_IOC_UNSUBSCRIBE, &s);
}

/* CALL_HANDOFF: 0 (the new handle in *@new_call) or -errno. */
static int handoff(int fd, __u32 call, int target, __u32 flags,
		   __u32 *new_call)
{
	struct modemline_call_handoff h = {
		.call = call, .flags = flags, .fd = target,
	};
	int ret = mls_ioctl(fd, MODEMLINE_IOC_CALL_HANDOFF, &h);

	if (!ret && new_call)
		*new_call = h.new_call;
	return ret;
}

/* One "ml_KEY:\tVALUE" line of /proc/self/fdinfo/@fd, or -errno. */
static int fdinfo_get(int fd, const char *key, unsigned long long *val)
{
	char path[64], buf[4096], want[64], *p, *end;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -errno;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	snprintf(want, sizeof(want), "\n%s:\t", key);
	p = strstr(buf, want);
	if (!p)
		return -ENOENT;
	/* Once only. */
	if (strstr(p + 1, want))
		return -EEXIST;
	p += strlen(want);
	errno = 0;
	*val = strtoull(p, &end, 10);
	if (errno || end == p || *end != '\n')
		return -EINVAL;
	return 0;
}

static unsigned long long fdinfo_val(struct __test_metadata *_metadata,
				     int fd, const char *key)
{
	unsigned long long val = 0;
	int ret = fdinfo_get(fd, key, &val);

	ASSERT_EQ(0, ret) TH_LOG("fdinfo %s: %s", key, strerror(-ret));
	return val;
}

#define FDINFO(fd, key) fdinfo_val(_metadata, (fd), (key))

static int sysfs_get(const char *name, long *val)
{
	char path[128];

	snprintf(path, sizeof(path), MLS_SYSFS "/%s", name);
	return mls_read_long(path, val);
}

static long retained(struct __test_metadata *_metadata)
{
	long val = mls_retained_calls();

	ASSERT_LE(0, val) TH_LOG(MLS_SYSFS "/retained_calls: %s", strerror(-val));
	return val;
}

/*
 * The next event must be @type (CALL_NEW or CALL_HANDOFF) for @line,
 * naming @call (0: any handle but 0), with the call as it is: @number,
 * @state, @origin, @reason, @rate. Returns the handle it names.
 */
static __u32 expect_call_event(struct __test_metadata *_metadata, int fd,
			       __u32 type, __u32 line, __u32 call,
			       const char *number, __u32 state, __u32 origin,
			       __u32 reason, __u32 rate)
{
	struct modemline_event ev;
	int ret = mls_read_event(fd, &ev, ML_WAIT_MS);

	ASSERT_EQ(0, ret) TH_LOG("no event %u: %s", type, strerror(-ret));
	ASSERT_EQ(type, ev.type);
	ASSERT_NE(0ULL, ev.seq);
	ASSERT_NE(0ULL, ev.timestamp_ns);
	ASSERT_LE(ev.timestamp_ns, mls_now_ns());
	ASSERT_EQ(line, ev.line_id);
	if (call)
		ASSERT_EQ(call, ev.call);
	ASSERT_NE(0U, ev.call);
	ASSERT_EQ(state, ev.state);
	ASSERT_EQ(origin, ev.origin);
	ASSERT_EQ(reason, ev.reason);
	ASSERT_EQ(0U, ev.lost);
	ASSERT_EQ(rate, ev.rate);
	ASSERT_STR_FIELD(number, ev.number);
	return ev.call;
}

/* The next event must be CALL_NEW for @line: the monitor handle. */
static __u32 expect_call_new(struct __test_metadata *_metadata, int fd,
			     __u32 line, const char *number, __u32 state,
			     __u32 origin, __u32 reason)
{
	/* Every connected call of these tests connects at 33600. */
	return expect_call_event(_metadata, fd, MODEMLINE_EVENT_CALL_NEW, line,
				 0, number, state, origin, reason,
				 state == MODEMLINE_STATE_CONNECTED ? 33600 : 0);
}

/*
 * The next event must be CALL_MISSED for @line, the @missed'th, of a
 * call that ended BUSY, as every call a test lets a monitor miss.
 */
static void expect_call_missed(struct __test_metadata *_metadata, int fd,
			       __u32 line, const char *number, __u32 missed)
{
	struct modemline_event ev;
	int ret = mls_read_event(fd, &ev, ML_WAIT_MS);

	ASSERT_EQ(0, ret) TH_LOG("no CALL_MISSED: %s", strerror(-ret));
	ASSERT_EQ(U32(MODEMLINE_EVENT_CALL_MISSED), ev.type);
	ASSERT_NE(0ULL, ev.seq);
	ASSERT_EQ(line, ev.line_id);
	ASSERT_EQ(0U, ev.call);
	/* The call as it is, as in CALL_NEW. */
	ASSERT_EQ(U32(MODEMLINE_STATE_DISCONNECTED), ev.state);
	ASSERT_EQ(U32(MODEMLINE_ORIGIN_REMOTE), ev.origin);
	ASSERT_EQ(U32(MODEMLINE_REASON_BUSY), ev.reason);
	ASSERT_EQ(missed, ev.lost);
	ASSERT_STR_FIELD(number, ev.number);
}

/* The next event must be CALL_STATE for @call. */
static void expect_state(struct __test_metadata *_metadata, int fd,
			 __u32 line, __u32 call, __u32 state, __u32 origin,
			 __u32 reason, __u32 rate)
{
	struct modemline_event ev;
	int ret = mls_read_event(fd, &ev, ML_WAIT_MS);

	ASSERT_EQ(0, ret) TH_LOG("no CALL_STATE %u for call %u: %s", state,
				 call, strerror(-ret));
	check_state_event(_metadata, &ev, line, call, state, origin, reason,
			  rate);
}

/* The next event must be CALL_HANDOFF naming @call, the new owner handle. */
static void expect_handoff(struct __test_metadata *_metadata, int fd,
			   __u32 line, __u32 call, __u32 state, __u32 origin,
			   __u32 reason, __u32 rate)
{
	expect_call_event(_metadata, fd, MODEMLINE_EVENT_CALL_HANDOFF, line,
			  call, NUMBER, state, origin, reason, rate);
}

#define NO_EVENT(fd) do { \
	struct modemline_event __ev; \
	ASSERT_EQ(-ETIMEDOUT, mls_read_event((fd), &__ev, 0)) \
		TH_LOG("unexpected event type %u call %u state %u", \
		       __ev.type, __ev.call, __ev.state); \
} while (0)

/* A call that ends at once (BUSY) on @line, made by @fd; its handle. */
static __u32 busy_call(struct __test_metadata *_metadata, int fd,
		       const struct sim_line *line, const char *number)
{
	struct modemline_event ev;

	SIM_CTL(line, "dial busy 0");
	return dial_wait(_metadata, fd, line->id, number,
			 MODEMLINE_STATE_DISCONNECTED, &ev);
}

/* A call that connects at once on @line; its handle. */
static __u32 connected_call(struct __test_metadata *_metadata, int fd,
			    const struct sim_line *line)
{
	struct modemline_event ev;

	SIM_CTL(line, "dial connect 0 33600");
	return dial_wait(_metadata, fd, line->id, NUMBER,
			 MODEMLINE_STATE_CONNECTED, &ev);
}

static __u32 call_state(struct __test_metadata *_metadata, int fd, __u32 call)
{
	struct modemline_call_info ci;
	int ret = mls_call_info(fd, call, &ci);

	ASSERT_EQ(0, ret) TH_LOG("CALL_INFO %u: %s", call, strerror(-ret));
	return ci.state;
}

/* ------------------------------------------------------------------ */
/* What a monitor sees                                                 */

TEST_F(mon, monitor_gets_no_handle_to_a_call_made_before_it_subscribed)
{
	struct modemline_event ev;
	__u32 call;

	call = dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	ASSERT_EQ(0, monitor(self->mon, L0.id));
	/* The call goes through its end: still nothing for the monitor. */
	ASSERT_EQ(0, mls_drop(self->fd, call, MODEMLINE_DROP_WAIT));
	WAIT_ENDED(self->fd, call, &ev);
	ASSERT_EQ(0, mls_call_count(self->mon));
	NO_EVENT(self->mon);
}

TEST_F(mon, monitor_gets_call_new_with_a_handle_of_its_own)
{
	struct modemline_call_info ci;
	struct rec_expect e = rec_call(L0.id, MODEMLINE_DIR_OUTGOING, NUMBER);
	__u32 h;

	ASSERT_EQ(0, monitor(self->mon, L0.id));
	dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	h = expect_call_new(_metadata, self->mon, L0.id, NUMBER,
			    MODEMLINE_STATE_DIALING, 0, 0);
	/* The handle reads the call's record in the monitor's file. */
	ASSERT_EQ(1, mls_call_count(self->mon));
	ASSERT_EQ(1, mls_call_listed(self->mon, h));
	e.state = MODEMLINE_STATE_DIALING;
	e.flags = MODEMLINE_CALL_INFO_MONITOR;
	check_call_info(_metadata, self->mon, h, &e, &ci);
	NO_EVENT(self->mon);
}

TEST_F(mon, monitor_gets_call_state_events_for_its_handle)
{
	__u32 call, h;

	ASSERT_EQ(0, monitor(self->mon, L0.id));
	call = dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	h = expect_call_new(_metadata, self->mon, L0.id, NUMBER,
			    MODEMLINE_STATE_DIALING, 0, 0);
	ASSERT_EQ(0, mls_drop(self->fd, call, MODEMLINE_DROP_WAIT));
	/* The owner's drop, as the monitor's handle sees it. */
	expect_state(_metadata, self->mon, L0.id, h,
		     MODEMLINE_STATE_DISCONNECTING, 0, 0, 0);
	expect_state(_metadata, self->mon, L0.id, h,
		     MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_LOCAL,
		     MODEMLINE_REASON_NORMAL, 0);
	NO_EVENT(self->mon);
}

TEST_F(mon, monitor_sees_connect_and_remote_hangup)
{
	struct modemline_event ev;
	__u32 call, h;

	ASSERT_EQ(0, monitor(self->mon, L0.id));
	SIM_CTL(&L0, "dial connect 300 33600");
	ASSERT_EQ(0, mls_dial(self->fd, L0.id, NUMBER, 0, &call));
	ASSERT_EQ(0, mls_read_event(self->mon, &ev, ML_WAIT_MS));
	ASSERT_EQ(U32(MODEMLINE_EVENT_CALL_NEW), ev.type);
	h = ev.call;
	/* CALL_NEW carries the state it found: CONNECTED is not repeated. */
	if (ev.state == MODEMLINE_STATE_DIALING)
		expect_state(_metadata, self->mon, L0.id, h,
			     MODEMLINE_STATE_CONNECTED, 0, 0, 33600);
	else
		ASSERT_EQ(U32(MODEMLINE_STATE_CONNECTED), ev.state);
	wait_call_state(_metadata, self->fd, call, MODEMLINE_STATE_CONNECTED,
			&ev, ML_WAIT_MS);
	SIM_CTL(&L0, "hangup");
	expect_state(_metadata, self->mon, L0.id, h,
		     MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_REMOTE,
		     MODEMLINE_REASON_NORMAL, 0);
	NO_EVENT(self->mon);
}

TEST_F(mon, call_new_of_an_ended_call_carries_its_end)
{
	__u32 h;

	ASSERT_EQ(0, monitor(self->mon, L0.id));
	busy_call(_metadata, self->fd, &L0, NUMBER);
	h = expect_call_new(_metadata, self->mon, L0.id, NUMBER,
			    MODEMLINE_STATE_DISCONNECTED,
			    MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_BUSY);
	ASSERT_EQ(U32(MODEMLINE_STATE_DISCONNECTED),
		  call_state(_metadata, self->mon, h));
	NO_EVENT(self->mon);
}

TEST_F(mon, call_info_flags_tell_a_monitor_handle_from_the_owner)
{
	struct modemline_call_info ci;
	__u32 call, h;

	ASSERT_EQ(0, monitor(self->mon, L0.id));
	call = dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	h = expect_call_new(_metadata, self->mon, L0.id, NUMBER,
			    MODEMLINE_STATE_DIALING, 0, 0);
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(0U, ci.flags);
	ASSERT_EQ(0, mls_call_info(self->mon, h, &ci));
	ASSERT_EQ(U32(MODEMLINE_CALL_INFO_MONITOR), ci.flags);
	/* The struct goes back as it came: the output bit is no error. */
	ASSERT_EQ(0, mls_ioctl(self->mon, MODEMLINE_IOC_CALL_INFO, &ci));
	ASSERT_EQ(U32(MODEMLINE_CALL_INFO_MONITOR), ci.flags);
	ci.call = call;
	ASSERT_EQ(0, mls_ioctl(self->fd, MODEMLINE_IOC_CALL_INFO, &ci));
	ASSERT_EQ(0U, ci.flags) TH_LOG("the input bit leaked into the output");
}

TEST_F(mon, monitor_of_one_line_sees_no_other_line)
{
	ASSERT_EQ(0, monitor(self->mon, L0.id));
	busy_call(_metadata, self->fd, &L1, NUMBER);
	ASSERT_EQ(0, mls_call_count(self->mon));
	NO_EVENT(self->mon);
}

TEST_F(mon, monitor_sees_calls_of_every_file)
{
	int other;

	ML_OPEN(other, 0);
	ASSERT_EQ(0, monitor(self->mon, L0.id));
	busy_call(_metadata, self->fd, &L0, NUMBER);
	busy_call(_metadata, other, &L0, NUMBER2);
	expect_call_new(_metadata, self->mon, L0.id, NUMBER,
			MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_REMOTE,
			MODEMLINE_REASON_BUSY);
	expect_call_new(_metadata, self->mon, L0.id, NUMBER2,
			MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_REMOTE,
			MODEMLINE_REASON_BUSY);
	ASSERT_EQ(2, mls_call_count(self->mon));
	close(other);
}

TEST_F(mon, monitor_sees_answered_calls)
{
	struct modemline_event ev;
	int ans;
	__u32 h;

	ML_OPEN(ans, 0);
	ASSERT_EQ(0, monitor(self->mon, L0.id));
	SIM_CTL(&L0, "answer connect 0 9600");
	ring_answer(_metadata, ans, &L0, "0301234567", &ev);
	ASSERT_EQ(0, mls_read_event(self->mon, &ev, ML_WAIT_MS));
	ASSERT_EQ(U32(MODEMLINE_EVENT_CALL_NEW), ev.type);
	ASSERT_STR_FIELD("0301234567", ev.number);
	h = ev.call;
	ASSERT_EQ(U32(MODEMLINE_STATE_CONNECTED),
		  call_state(_metadata, self->mon, h));
	close(ans);
}

TEST_F(mon, monitor_on_line_zero_covers_lines_created_later)
{
	ASSERT_EQ(0, monitor(self->mon, 0));
	ASSERT_EQ(0, sim_line_create(&self->extra));
	busy_call(_metadata, self->fd, &self->extra, NUMBER);
	/* Monitoring is not line events: no LINE_ADDED came first. */
	expect_call_new(_metadata, self->mon, self->extra.id, NUMBER,
			MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_REMOTE,
			MODEMLINE_REASON_BUSY);
	/* And the lines that were there. */
	busy_call(_metadata, self->fd, &L1, NUMBER);
	expect_call_new(_metadata, self->mon, L1.id, NUMBER,
			MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_REMOTE,
			MODEMLINE_REASON_BUSY);
	NO_EVENT(self->mon);
}

TEST_F(mon, monitor_of_line_and_zero_gets_one_handle_per_call)
{
	ASSERT_EQ(0, monitor(self->mon, 0));
	ASSERT_EQ(0, monitor(self->mon, L0.id));
	ASSERT_EQ(0, monitor(self->mon, L0.id));	/* twice: harmless */
	busy_call(_metadata, self->fd, &L0, NUMBER);
	expect_call_new(_metadata, self->mon, L0.id, NUMBER,
			MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_REMOTE,
			MODEMLINE_REASON_BUSY);
	NO_EVENT(self->mon);
	ASSERT_EQ(1, mls_call_count(self->mon));
	/* Unsubscribing the line leaves 0 in force. */
	ASSERT_EQ(0, unmonitor(self->mon, L0.id));
	busy_call(_metadata, self->fd, &L0, NUMBER);
	expect_call_new(_metadata, self->mon, L0.id, NUMBER,
			MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_REMOTE,
			MODEMLINE_REASON_BUSY);
}

TEST_F(mon, unsubscribe_monitor_stops_new_handles)
{
	__u32 h;

	ASSERT_EQ(0, monitor(self->mon, L0.id));
	busy_call(_metadata, self->fd, &L0, NUMBER);
	h = expect_call_new(_metadata, self->mon, L0.id, NUMBER,
			    MODEMLINE_STATE_DISCONNECTED,
			    MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_BUSY);
	ASSERT_EQ(0, unmonitor(self->mon, L0.id));
	busy_call(_metadata, self->fd, &L0, NUMBER);
	NO_EVENT(self->mon);
	/* The handle it held stays until released. */
	ASSERT_EQ(1, mls_call_count(self->mon));
	ASSERT_EQ(1, mls_call_listed(self->mon, h));
	ASSERT_EQ(-ENOENT, unmonitor(self->mon, L0.id));
}

TEST_F(mon, unsubscribe_monitor_of_zero_stops_new_handles)
{
	ASSERT_EQ(0, monitor(self->mon, 0));
	ASSERT_EQ(0, unmonitor(self->mon, 0));
	busy_call(_metadata, self->fd, &L0, NUMBER);
	NO_EVENT(self->mon);
	ASSERT_EQ(0, mls_call_count(self->mon));
	ASSERT_EQ(-ENOENT, unmonitor(self->mon, 0));
}

TEST_F(mon, monitoring_and_line_events_are_separate_subscriptions)
{
	ASSERT_EQ(0, monitor(self->mon, L0.id));
	/* No line-event subscription was made ... */
	ASSERT_EQ(-ENOENT, mls_unsubscribe(self->mon, L0.id));
	SIM_CTL(&L0, "ring 0301234567");
	busy_call(_metadata, self->fd, &L1, NUMBER);
	NO_EVENT(self->mon);
	SIM_CTL(&L0, "ring_stop");
	ASSERT_EQ(0, mls_wait_line_idle(self->fd, L0.id, ML_WAIT_MS));
	/* ... and a line-event subscription is no monitor. */
	ASSERT_EQ(0, mls_subscribe(self->fd, L1.id));
	ASSERT_EQ(-ENOENT, unmonitor(self->fd, L1.id));
	ASSERT_EQ(0, mls_unsubscribe(self->fd, L1.id));
	ASSERT_LE(0, mls_drain_events(self->fd));
}

TEST_F(mon, monitor_of_unknown_line_is_enoent)
{
	ASSERT_EQ(-ENOENT, monitor(self->mon, 0xFFFFFFF0U));
	ASSERT_EQ(-ENOENT, unmonitor(self->mon, L0.id));
}

TEST_F(mon, monitoring_a_removed_line_is_spent)
{
	ASSERT_EQ(0, sim_line_create(&self->extra));
	ASSERT_EQ(0, monitor(self->mon, self->extra.id));
	SIM_REMOVE(&self->extra);
	wait_line_gone(_metadata, self->mon, self->extra.id);
	ASSERT_EQ(-ENOENT, unmonitor(self->mon, self->extra.id));
	ASSERT_EQ(-ENOENT, monitor(self->mon, self->extra.id));
}

TEST_F(mon, monitor_of_zero_outlives_a_line_removal)
{
	ASSERT_EQ(0, monitor(self->mon, 0));
	ASSERT_EQ(0, sim_line_create(&self->extra));
	SIM_REMOVE(&self->extra);
	wait_line_gone(_metadata, self->mon, self->extra.id);
	busy_call(_metadata, self->fd, &L0, NUMBER);
	expect_call_new(_metadata, self->mon, L0.id, NUMBER,
			MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_REMOTE,
			MODEMLINE_REASON_BUSY);
	ASSERT_EQ(0, unmonitor(self->mon, 0));
}

TEST_F(mon, monitor_handle_outlives_its_line)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	long base;
	__u32 call, h;

	ASSERT_EQ(0, sim_line_create(&self->extra));
	ASSERT_EQ(0, monitor(self->mon, self->extra.id));
	base = retained(_metadata);
	call = dialing_call(_metadata, self->fd, &self->extra, NUMBER, 0);
	h = expect_call_new(_metadata, self->mon, self->extra.id, NUMBER,
			    MODEMLINE_STATE_DIALING, 0, 0);
	ASSERT_EQ(0, mls_deallocate(self->fd, call, MODEMLINE_DEALLOCATE_DROP));
	SIM_REMOVE(&self->extra);
	wait_line_gone(_metadata, self->mon, self->extra.id);
	/* The monitor still reads the ended record of the gone line. */
	ASSERT_EQ(0, mls_wait_state(self->mon, h, MODEMLINE_STATE_DISCONNECTED,
				    &ev, ML_WAIT_MS));
	ASSERT_EQ(0, mls_call_info(self->mon, h, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_DISCONNECTED), ci.state);
	ASSERT_EQ(self->extra.id, ci.line_id);
	ASSERT_STR_FIELD(NUMBER, ci.number);
	ASSERT_EQ(base + 1, retained(_metadata));
	ASSERT_EQ(0, mls_deallocate(self->mon, h, 0));
	ASSERT_EQ(base, mls_wait_retained_calls(base));
}

TEST_F(mon, owner_monitoring_its_own_line_gets_both_handles)
{
	__u32 call, h;

	ASSERT_EQ(0, monitor(self->fd, L0.id));
	call = busy_call(_metadata, self->fd, &L0, NUMBER);
	h = expect_call_new(_metadata, self->fd, L0.id, NUMBER,
			    MODEMLINE_STATE_DISCONNECTED,
			    MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_BUSY);
	ASSERT_NE(call, h);
	ASSERT_EQ(2, mls_call_count(self->fd));
	/* The owner's handle may be deallocated, the monitor's stays. */
	ASSERT_EQ(0, mls_deallocate(self->fd, call, 0));
	ASSERT_EQ(U32(MODEMLINE_STATE_DISCONNECTED),
		  call_state(_metadata, self->fd, h));
	ASSERT_EQ(-EPERM, mls_drop(self->fd, h, 0));
}

/* ------------------------------------------------------------------ */
/* What a monitor handle may not do                                    */

/* A live (DIALING) call of the owner, and the monitor's handle to it. */
static void live_watched(struct __test_metadata *_metadata, int fd, int mon,
			 const struct sim_line *line, __u32 *call, __u32 *h)
{
	ASSERT_EQ(0, monitor(mon, line->id));
	*call = dialing_call(_metadata, fd, line, NUMBER, 0);
	*h = expect_call_new(_metadata, mon, line->id, NUMBER,
			     MODEMLINE_STATE_DIALING, 0, 0);
}

TEST_F(mon, monitor_cannot_drop)
{
	__u32 call, h;

	live_watched(_metadata, self->fd, self->mon, &L0, &call, &h);
	ASSERT_EQ(-EPERM, mls_drop(self->mon, h, 0));
	ASSERT_EQ(-EPERM, mls_drop(self->mon, h, MODEMLINE_DROP_WAIT));
	ASSERT_EQ(U32(MODEMLINE_STATE_DIALING),
		  call_state(_metadata, self->fd, call));
	NO_EVENT(self->fd);
	NO_EVENT(self->mon);
}

TEST_F(mon, monitor_cannot_open_call_data)
{
	int dfd;
	__u32 call, h;

	ASSERT_EQ(0, monitor(self->mon, L0.id));
	call = connected_call(_metadata, self->fd, &L0);
	h = expect_call_new(_metadata, self->mon, L0.id, NUMBER,
			    MODEMLINE_STATE_CONNECTED, 0, 0);
	ASSERT_EQ(-EPERM, mls_call_data(self->mon, h, 0));
	ASSERT_EQ(-EPERM, mls_call_data(self->mon, h, MODEMLINE_DATA_NONBLOCK));
	/* The owner's data descriptor is still free. */
	dfd = mls_call_data(self->fd, call, MODEMLINE_DATA_NONBLOCK);
	ASSERT_LE(0, dfd) TH_LOG("owner's CALL_DATA: %s", strerror(-dfd));
	close(dfd);
}

TEST_F(mon, monitor_cannot_hand_off)
{
	__u32 call, h, n = 0;
	int third;

	ML_OPEN(third, 0);
	live_watched(_metadata, self->fd, self->mon, &L0, &call, &h);
	ASSERT_EQ(-EPERM, handoff(self->mon, h, third, 0, &n));
	ASSERT_EQ(-EPERM, handoff(self->mon, h, self->fd, 0, &n));
	ASSERT_EQ(0, mls_call_count(third));
	ASSERT_EQ(1, mls_call_listed(self->mon, h));
	ASSERT_EQ(1, mls_call_listed(self->fd, call));
	close(third);
}

TEST_F(mon, monitor_cannot_deallocate_drop)
{
	__u32 call, h;

	live_watched(_metadata, self->fd, self->mon, &L0, &call, &h);
	ASSERT_EQ(-EPERM, mls_deallocate(self->mon, h,
					 MODEMLINE_DEALLOCATE_DROP));
	ASSERT_EQ(1, mls_call_listed(self->mon, h));
	ASSERT_EQ(U32(MODEMLINE_STATE_DIALING),
		  call_state(_metadata, self->fd, call));
	NO_EVENT(self->fd);
}

TEST_F(mon, monitor_deallocates_live_call_without_affecting_it)
{
	__u32 call, h;

	live_watched(_metadata, self->fd, self->mon, &L0, &call, &h);
	ASSERT_EQ(0, mls_deallocate(self->mon, h, 0));
	ASSERT_EQ(-ENOENT, mls_call_info(self->mon, h,
					 &(struct modemline_call_info){ 0 }));
	ASSERT_EQ(0, mls_call_count(self->mon));
	ASSERT_EQ(U32(MODEMLINE_STATE_DIALING),
		  call_state(_metadata, self->fd, call));
	NO_EVENT(self->fd);
	/* The call goes on: the owner ends it; the monitor hears nothing. */
	SIM_CTL(&L0, "hangup");
	expect_state(_metadata, self->fd, L0.id, call,
		     MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_REMOTE,
		     MODEMLINE_REASON_NORMAL, 0);
	NO_EVENT(self->mon);
}

TEST_F(mon, monitor_subscribe_needs_cap_net_admin)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct __user_cap_header_struct hdr = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct d[2];
		__u32 bit = 1U << (CAP_NET_ADMIN % 32);
		int i = CAP_NET_ADMIN / 32;

		if (syscall(SYS_capget, &hdr, d))
			_exit(100);
		d[i].effective &= ~bit;
		d[i].permitted &= ~bit;
		d[i].inheritable &= ~bit;
		if (syscall(SYS_capset, &hdr, d) || syscall(SYS_capget, &hdr, d) ||
		    (d[i].effective & bit))
			_exit(100);
		if (monitor(self->mon, L0.id) != -EPERM)
			_exit(101);
		if (monitor(self->mon, 0) != -EPERM)
			_exit(102);
		/* Line events need no capability; nor does unmonitoring. */
		if (mls_subscribe(self->mon, L0.id))
			_exit(103);
		if (unmonitor(self->mon, L0.id) != -ENOENT)
			_exit(104);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status))
		TH_LOG("without CAP_NET_ADMIN: %s",
		       WEXITSTATUS(status) == 100 ? "could not drop it" :
		       WEXITSTATUS(status) == 101 ? "SUBSCRIBE|MONITOR of a line not -EPERM" :
		       WEXITSTATUS(status) == 102 ? "SUBSCRIBE|MONITOR of 0 not -EPERM" :
		       WEXITSTATUS(status) == 103 ? "plain SUBSCRIBE failed" :
		       "UNSUBSCRIBE|MONITOR not -ENOENT");
	/* The refused subscription made no monitor. */
	busy_call(_metadata, self->fd, &L0, NUMBER);
	ASSERT_EQ(0, mls_call_count(self->mon));
	/* With the capability it works. */
	ASSERT_EQ(0, monitor(self->mon, L0.id));
}

/* ------------------------------------------------------------------ */
/* Records outlive their owner while a monitor holds them              */

TEST_F(mon, record_survives_owner_deallocate_until_monitor_releases)
{
	struct modemline_call_info ci;
	struct rec_expect e = rec_call(L0.id, MODEMLINE_DIR_OUTGOING, NUMBER);
	long base;
	__u32 call, h;

	ASSERT_EQ(0, monitor(self->mon, L0.id));
	base = retained(_metadata);
	call = busy_call(_metadata, self->fd, &L0, NUMBER);
	h = expect_call_new(_metadata, self->mon, L0.id, NUMBER,
			    MODEMLINE_STATE_DISCONNECTED,
			    MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_BUSY);
	ASSERT_EQ(base + 1, retained(_metadata));
	ASSERT_EQ(0, mls_deallocate(self->fd, call, 0));
	ASSERT_EQ(base + 1, retained(_metadata));
	e.flags = MODEMLINE_CALL_INFO_MONITOR;
	check_ended_info(_metadata, self->mon, h, &e, MODEMLINE_ORIGIN_REMOTE,
			 MODEMLINE_REASON_BUSY, "BUSY", &ci);
	ASSERT_EQ(0, mls_deallocate(self->mon, h, 0));
	ASSERT_EQ(base, mls_wait_retained_calls(base));
}

/* The call objects themselves, where the slab cache is our own. */
TEST_F(mon, call_object_is_freed_only_after_the_last_release)
{
	long base;
	__u32 call, h;

	base = slab_settled("modemline_call", ML_WAIT_MS);
	if (base < 0)
		SKIP(return, "no modemline_call line in /proc/slabinfo (cache merged?)");
	ASSERT_EQ(0, monitor(self->mon, L0.id));
	call = busy_call(_metadata, self->fd, &L0, NUMBER);
	h = expect_call_new(_metadata, self->mon, L0.id, NUMBER,
			    MODEMLINE_STATE_DISCONNECTED,
			    MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_BUSY);
	ASSERT_EQ(base + 1, slab_live("modemline_call"));
	ASSERT_EQ(0, mls_deallocate(self->fd, call, 0));
	ASSERT_EQ(base + 1, slab_live("modemline_call"))
		TH_LOG("freed while the monitor holds it");
	ASSERT_EQ(0, mls_deallocate(self->mon, h, 0));
	ASSERT_EQ(base, slab_wait("modemline_call", base, ML_WAIT_MS));
}

TEST_F(mon, record_survives_monitor_release_until_owner_releases)
{
	long base;
	__u32 call, h;

	ASSERT_EQ(0, monitor(self->mon, L0.id));
	base = retained(_metadata);
	call = busy_call(_metadata, self->fd, &L0, NUMBER);
	h = expect_call_new(_metadata, self->mon, L0.id, NUMBER,
			    MODEMLINE_STATE_DISCONNECTED,
			    MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_BUSY);
	ASSERT_EQ(0, mls_deallocate(self->mon, h, 0));
	ASSERT_EQ(base + 1, retained(_metadata));
	ASSERT_EQ(U32(MODEMLINE_STATE_DISCONNECTED),
		  call_state(_metadata, self->fd, call));
	ASSERT_EQ(0, mls_deallocate(self->fd, call, 0));
	ASSERT_EQ(base, mls_wait_retained_calls(base));
}

/* A child dials on @line with its own file, waits for @state, exits. */
static void child_dials_and_exits(struct __test_metadata *_metadata,
				  const struct sim_line *line, __u32 state)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct modemline_call_info ci;
		__u32 call;
		int fd = mls_open(0);

		if (fd < 0)
			_exit(100);
		if (mls_dial(fd, line->id, NUMBER, 0, &call))
			_exit(101);
		if (mls_wait_info_state(fd, call, state, &ci, ML_WAIT_MS))
			_exit(102);
		/* Exit holding the call: the file's release lets it go. */
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("child: step %d failed",
						 WEXITSTATUS(status));
}

TEST_F(mon, record_survives_owner_exit_until_monitor_releases)
{
	struct modemline_call_info ci;
	struct rec_expect e = rec_call(L0.id, MODEMLINE_DIR_OUTGOING, NUMBER);
	long base;
	__u32 h;

	ASSERT_EQ(0, monitor(self->mon, L0.id));
	base = retained(_metadata);
	SIM_CTL(&L0, "dial busy 0");
	child_dials_and_exits(_metadata, &L0, MODEMLINE_STATE_DISCONNECTED);
	h = expect_call_new(_metadata, self->mon, L0.id, NUMBER,
			    MODEMLINE_STATE_DISCONNECTED,
			    MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_BUSY);
	ASSERT_EQ(base + 1, retained(_metadata))
		TH_LOG("the owner's exit freed the record a monitor holds");
	e.flags = MODEMLINE_CALL_INFO_MONITOR;
	check_ended_info(_metadata, self->mon, h, &e, MODEMLINE_ORIGIN_REMOTE,
			 MODEMLINE_REASON_BUSY, "BUSY", &ci);
	ASSERT_EQ(0, mls_deallocate(self->mon, h, 0));
	ASSERT_EQ(base, mls_wait_retained_calls(base));
}

TEST_F(mon, owner_exit_ends_live_call_and_monitor_keeps_its_record)
{
	struct modemline_call_info ci;
	long base;
	__u32 h;

	ASSERT_EQ(0, monitor(self->mon, L0.id));
	base = retained(_metadata);
	SIM_CTL(&L0, "dial connect 0 33600");
	child_dials_and_exits(_metadata, &L0, MODEMLINE_STATE_CONNECTED);
	h = expect_call_new(_metadata, self->mon, L0.id, NUMBER,
			    MODEMLINE_STATE_CONNECTED, 0, 0);
	/* The closing file dropped its call: the monitor sees the end. */
	ASSERT_EQ(0, mls_wait_state(self->mon, h, MODEMLINE_STATE_DISCONNECTED,
				    &(struct modemline_event){ 0 }, ML_WAIT_MS));
	ASSERT_EQ(0, mls_call_info(self->mon, h, &ci));
	ASSERT_EQ(U32(MODEMLINE_ORIGIN_LOCAL), ci.origin);
	ASSERT_EQ(U32(MODEMLINE_REASON_NORMAL), ci.reason);
	ASSERT_EQ(33600U, ci.rate);
	ASSERT_EQ(base + 1, retained(_metadata));
	ASSERT_EQ(0, mls_deallocate(self->mon, h, 0));
	ASSERT_EQ(base, mls_wait_retained_calls(base));
}

TEST_F(mon, monitor_close_releases_its_handles)
{
	long base;
	__u32 call;

	ASSERT_EQ(0, monitor(self->mon, 0));
	base = retained(_metadata);
	call = busy_call(_metadata, self->fd, &L0, NUMBER);
	busy_call(_metadata, self->fd, &L1, NUMBER);
	ASSERT_EQ(0, mls_deallocate(self->fd, call, 0));
	ASSERT_EQ(base + 2, retained(_metadata));
	ASSERT_EQ(0, close(self->mon));
	self->mon = -1;
	/* The record only the monitor held is gone; the other stays. */
	ASSERT_EQ(base + 1, mls_wait_retained_calls(base + 1));
	ASSERT_EQ(1, mls_call_count(self->fd));
}

/* ------------------------------------------------------------------ */
/* A full monitor misses calls                                         */

TEST_F(mon, full_monitor_misses_calls_with_the_running_count)
{
	int full;
	__u32 h;

	ASSERT_EQ(0, mls_param_set("max_calls", 1));
	ML_OPEN(full, 0);
	ASSERT_EQ(0, monitor(full, L0.id));
	busy_call(_metadata, self->fd, &L0, NUMBER);
	h = expect_call_new(_metadata, full, L0.id, NUMBER,
			    MODEMLINE_STATE_DISCONNECTED,
			    MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_BUSY);
	busy_call(_metadata, self->fd, &L0, NUMBER2);
	expect_call_missed(_metadata, full, L0.id, NUMBER2, 1);
	busy_call(_metadata, self->fd, &L0, NUMBER);
	expect_call_missed(_metadata, full, L0.id, NUMBER, 2);
	NO_EVENT(full);
	ASSERT_EQ(1, mls_call_count(full));
	ASSERT_EQ(2ULL, FDINFO(full, "ml_calls_missed"));
	/* Room again: the next call gets a handle. */
	ASSERT_EQ(0, mls_deallocate(full, h, 0));
	busy_call(_metadata, self->fd, &L0, NUMBER);
	expect_call_new(_metadata, full, L0.id, NUMBER,
			MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_REMOTE,
			MODEMLINE_REASON_BUSY);
	ASSERT_EQ(2ULL, FDINFO(full, "ml_calls_missed"));
	close(full);
}

TEST_F(mon, monitor_handles_count_against_max_calls)
{
	int full;
	__u32 call;

	ASSERT_EQ(0, mls_param_set("max_calls", 1));
	ML_OPEN(full, 0);
	ASSERT_EQ(0, monitor(full, L0.id));
	busy_call(_metadata, self->fd, &L0, NUMBER);
	expect_call_new(_metadata, full, L0.id, NUMBER,
			MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_REMOTE,
			MODEMLINE_REASON_BUSY);
	/* Its one slot holds the monitor handle: it cannot dial. */
	ASSERT_EQ(-EMFILE, mls_dial(full, L1.id, NUMBER, 0, &call));
	close(full);
}

TEST_F(mon, owner_misses_nothing_when_a_monitor_is_full)
{
	int full;
	__u32 call;

	ASSERT_EQ(0, mls_param_set("max_calls", 1));
	ML_OPEN(full, 0);
	ASSERT_EQ(0, monitor(full, L0.id));
	busy_call(_metadata, self->fd, &L0, NUMBER);
	call = busy_call(_metadata, self->fd, &L0, NUMBER);
	ASSERT_EQ(U32(MODEMLINE_STATE_DISCONNECTED),
		  call_state(_metadata, self->fd, call));
	ASSERT_EQ(2, mls_call_count(self->fd));
	ASSERT_EQ(0ULL, FDINFO(self->fd, "ml_calls_missed"));
	close(full);
}

/* ------------------------------------------------------------------ */
/* Handoff                                                             */

TEST_F(mon, handoff_moves_the_call_to_the_other_file)
{
	struct modemline_call_info ci;
	struct rec_expect e = rec_call(L0.id, MODEMLINE_DIR_OUTGOING, NUMBER);
	__u32 call, n = 0;
	int to;

	ML_OPEN(to, 0);
	call = dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	ASSERT_EQ(0, handoff(self->fd, call, to, 0, &n));
	ASSERT_NE(0U, n);
	ASSERT_EQ(-ENOENT, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(0, mls_call_count(self->fd));
	ASSERT_EQ(1, mls_call_count(to));
	e.state = MODEMLINE_STATE_DIALING;
	check_call_info(_metadata, to, n, &e, &ci);
	/* The old handle is gone for every request. */
	ASSERT_EQ(-ENOENT, mls_drop(self->fd, call, 0));
	ASSERT_EQ(-ENOENT, mls_deallocate(self->fd, call,
					  MODEMLINE_DEALLOCATE_DROP));
	ASSERT_EQ(-ENOENT, handoff(self->fd, call, to, 0, &n));
	close(to);
}

TEST_F(mon, handoff_sends_future_events_to_the_new_owner)
{
	__u32 call, n = 0;
	int to;

	ML_OPEN(to, 0);
	call = dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	ASSERT_EQ(0, handoff(self->fd, call, to, 0, &n));
	ASSERT_EQ(0, mls_drop(to, n, MODEMLINE_DROP_WAIT));
	expect_handoff(_metadata, to, L0.id, n, MODEMLINE_STATE_DIALING, 0, 0, 0);
	expect_state(_metadata, to, L0.id, n, MODEMLINE_STATE_DISCONNECTING,
		     0, 0, 0);
	expect_state(_metadata, to, L0.id, n, MODEMLINE_STATE_DISCONNECTED,
		     MODEMLINE_ORIGIN_LOCAL, MODEMLINE_REASON_NORMAL, 0);
	NO_EVENT(self->fd);
	ASSERT_EQ(0, mls_deallocate(to, n, 0));
	close(to);
}

TEST_F(mon, handoff_of_an_ended_call_keeps_its_record)
{
	struct modemline_call_info ci;
	struct rec_expect e = rec_call(L0.id, MODEMLINE_DIR_OUTGOING, NUMBER);
	long base;
	__u32 call, n = 0;
	int to;

	ML_OPEN(to, 0);
	base = retained(_metadata);
	call = busy_call(_metadata, self->fd, &L0, NUMBER);
	ASSERT_EQ(0, handoff(self->fd, call, to, 0, &n));
	expect_handoff(_metadata, to, L0.id, n, MODEMLINE_STATE_DISCONNECTED,
		       MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_BUSY, 0);
	ASSERT_EQ(base + 1, retained(_metadata));
	check_ended_info(_metadata, to, n, &e, MODEMLINE_ORIGIN_REMOTE,
			 MODEMLINE_REASON_BUSY, "BUSY", &ci);
	ASSERT_EQ(0, mls_deallocate(to, n, 0));
	ASSERT_EQ(base, mls_wait_retained_calls(base));
	close(to);
}

TEST_F(mon, old_owner_close_does_not_touch_the_handed_off_call)
{
	__u32 call, n = 0;
	int to;

	ML_OPEN(to, 0);
	call = connected_call(_metadata, self->fd, &L0);
	ASSERT_EQ(0, handoff(self->fd, call, to, 0, &n));
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	ASSERT_EQ(U32(MODEMLINE_STATE_CONNECTED), call_state(_metadata, to, n));
	expect_handoff(_metadata, to, L0.id, n, MODEMLINE_STATE_CONNECTED, 0, 0,
		       33600);
	NO_EVENT(to);
	/* The new owner's close is what ends it now. */
	ASSERT_EQ(0, close(to));
	ASSERT_EQ(0, mls_wait_line_idle(self->mon, L0.id, ML_WAIT_MS));
}

TEST_F(mon, handoff_leaves_monitor_handles_alone)
{
	__u32 call, h, n = 0;
	int to;

	ML_OPEN(to, 0);
	live_watched(_metadata, self->fd, self->mon, &L0, &call, &h);
	ASSERT_EQ(0, handoff(self->fd, call, to, 0, &n));
	ASSERT_EQ(U32(MODEMLINE_STATE_DIALING),
		  call_state(_metadata, self->mon, h));
	ASSERT_EQ(0, mls_drop(to, n, 0));
	expect_state(_metadata, self->mon, L0.id, h,
		     MODEMLINE_STATE_DISCONNECTING, 0, 0, 0);
	expect_state(_metadata, self->mon, L0.id, h,
		     MODEMLINE_STATE_DISCONNECTED, MODEMLINE_ORIGIN_LOCAL,
		     MODEMLINE_REASON_NORMAL, 0);
	close(to);
}

TEST_F(mon, handoff_to_a_monitoring_file_gives_it_an_owner_handle_too)
{
	__u32 call, h, n = 0;

	live_watched(_metadata, self->fd, self->mon, &L0, &call, &h);
	ASSERT_EQ(0, handoff(self->fd, call, self->mon, 0, &n));
	ASSERT_NE(h, n);
	expect_handoff(_metadata, self->mon, L0.id, n, MODEMLINE_STATE_DIALING,
		       0, 0, 0);
	ASSERT_EQ(2, mls_call_count(self->mon));
	ASSERT_EQ(-EPERM, mls_drop(self->mon, h, 0));
	ASSERT_EQ(0, mls_drop(self->mon, n, MODEMLINE_DROP_WAIT));
}

/* SCM_RIGHTS: send @fd over the unix socket @sock. */
static int send_fd(int sock, int fd)
{
	char data = 'F', cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;

	memset(cbuf, 0, sizeof(cbuf));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -errno;
}

/* SCM_RIGHTS: the descriptor received, or -errno. */
static int recv_fd(int sock)
{
	char data, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &data, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	int fd;

	if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != 1)
		return -EPROTO;
	c = CMSG_FIRSTHDR(&msg);
	if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
		return -EPROTO;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

TEST_F(mon, handoff_across_processes_survives_the_sender_exit)
{
	struct modemline_call_info ci;
	int sv[2], status, to;
	__u32 n = 0;
	pid_t pid;

	ML_OPEN(to, 0);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	SIM_CTL(&L0, "dial connect 0 33600");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* The sender: its own call, handed to the file it receives. */
		struct modemline_call_info cci;
		__u32 call, moved = 0;
		int fd = mls_open(0), target;

		close(sv[0]);
		if (fd < 0)
			_exit(100);
		if (mls_dial(fd, L0.id, NUMBER, 0, &call) ||
		    mls_wait_info_state(fd, call, MODEMLINE_STATE_CONNECTED,
					&cci, ML_WAIT_MS))
			_exit(101);
		target = recv_fd(sv[1]);
		if (target < 0)
			_exit(102);
		if (handoff(fd, call, target, 0, &moved) || !moved)
			_exit(103);
		if (mls_call_count(fd) != 0)
			_exit(104);
		if (write(sv[1], &moved, sizeof(moved)) != sizeof(moved))
			_exit(105);
		_exit(0);	/* closing both files */
	}
	close(sv[1]);
	ASSERT_EQ(0, send_fd(sv[0], to));
	ASSERT_EQ((ssize_t)sizeof(n), read(sv[0], &n, sizeof(n)));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(0, WEXITSTATUS(status)) TH_LOG("sender: step %d failed",
						 WEXITSTATUS(status));
	close(sv[0]);
	/* The sender's exit did not touch the call. */
	ASSERT_EQ(0, mls_call_info(to, n, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_CONNECTED), ci.state);
	ASSERT_EQ(1, mls_call_count(to));
	expect_handoff(_metadata, to, L0.id, n, MODEMLINE_STATE_CONNECTED, 0, 0,
		       33600);
	NO_EVENT(to);
	/* Its events reach the new owner. */
	SIM_CTL(&L0, "hangup");
	expect_state(_metadata, to, L0.id, n, MODEMLINE_STATE_DISCONNECTED,
		     MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_NORMAL, 0);
	close(to);
}

/* Write @len bytes of @c to @dfd and read them back (echo), all of them. */
static void echo_round(struct __test_metadata *_metadata, int dfd, char c,
		       size_t len)
{
	char out[256], in[256];
	size_t got = 0;
	ssize_t n;

	ASSERT_GE(sizeof(out), len);
	memset(out, c, len);
	ASSERT_EQ((ssize_t)len, write(dfd, out, len));
	while (got < len) {
		ASSERT_EQ(1, mls_poll_in(dfd, ML_WAIT_MS))
			TH_LOG("echo: %zu of %zu bytes back", got, len);
		n = read(dfd, in + got, len - got);
		if (n < 0 && errno == EAGAIN)
			continue;
		ASSERT_LT(0, n);
		got += n;
	}
	ASSERT_EQ(0, memcmp(out, in, len));
}

TEST_F(mon, handoff_of_connected_call_keeps_its_data_descriptor)
{
	struct modemline_call_info ci;
	__u32 call, n = 0;
	int to, dfd;

	ML_OPEN(to, 0);
	SIM_CTL(&L0, "data echo");
	call = connected_call(_metadata, self->fd, &L0);
	dfd = mls_call_data(self->fd, call, MODEMLINE_DATA_NONBLOCK);
	ASSERT_LE(0, dfd) TH_LOG("CALL_DATA: %s", strerror(-dfd));
	echo_round(_metadata, dfd, 'a', 100);
	ASSERT_EQ(0, handoff(self->fd, call, to, 0, &n));
	echo_round(_metadata, dfd, 'b', 200);
	/* Still one data descriptor per call, whoever owns it. */
	ASSERT_EQ(-EBUSY, mls_call_data(to, n, 0));
	/* The old owner's file closing changes nothing. */
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	echo_round(_metadata, dfd, 'c', 50);
	ASSERT_EQ(0, mls_call_info(to, n, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_CONNECTED), ci.state);
	ASSERT_EQ(350ULL, ci.tx_bytes);
	ASSERT_EQ(350ULL, ci.rx_bytes);
	/* The new owner ends it: the descriptor sees the end. */
	ASSERT_EQ(0, mls_drop(to, n, MODEMLINE_DROP_WAIT));
	ASSERT_EQ(-1, write(dfd, "x", 1));
	ASSERT_EQ(EPIPE, errno);
	close(dfd);
	close(to);
}

/* Every error leaves the call where it was, and the target empty. */
static void handoff_refused(struct __test_metadata *_metadata, int fd,
			    __u32 call, int to)
{
	ASSERT_EQ(1, mls_call_listed(fd, call));
	ASSERT_EQ(U32(MODEMLINE_STATE_DIALING), call_state(_metadata, fd, call));
	if (to >= 0) {
		ASSERT_EQ(0, mls_call_count(to));
		NO_EVENT(to);
	}
	NO_EVENT(fd);
}

TEST_F(mon, handoff_to_a_file_not_modemline_is_ebadf)
{
	__u32 call, n = 0;
	int null;

	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, null);
	call = dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	ASSERT_EQ(-EBADF, handoff(self->fd, call, null, 0, &n));
	handoff_refused(_metadata, self->fd, call, -1);
	close(null);
}

TEST_F(mon, handoff_to_a_data_descriptor_is_ebadf)
{
	__u32 call, dcall, n = 0;
	int dfd;

	dcall = connected_call(_metadata, self->fd, &L1);
	dfd = mls_call_data(self->fd, dcall, MODEMLINE_DATA_NONBLOCK);
	ASSERT_LE(0, dfd);
	call = dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	ASSERT_EQ(-EBADF, handoff(self->fd, call, dfd, 0, &n));
	handoff_refused(_metadata, self->fd, call, -1);
	close(dfd);
}

TEST_F(mon, handoff_to_a_closed_descriptor_is_ebadf)
{
	__u32 call, n = 0;
	int to;

	ML_OPEN(to, 0);
	ASSERT_EQ(0, close(to));
	call = dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	ASSERT_EQ(-EBADF, handoff(self->fd, call, to, 0, &n));
	ASSERT_EQ(-EBADF, handoff(self->fd, call, -1, 0, &n));
	ASSERT_EQ(-EBADF, handoff(self->fd, call, 0x7FFFFFFF, 0, &n));
	handoff_refused(_metadata, self->fd, call, -1);
}

TEST_F(mon, handoff_to_the_same_file_is_einval)
{
	__u32 call, n = 0;
	int dup_fd;

	call = dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	ASSERT_EQ(-EINVAL, handoff(self->fd, call, self->fd, 0, &n));
	dup_fd = dup(self->fd);
	ASSERT_LE(0, dup_fd);
	ASSERT_EQ(-EINVAL, handoff(self->fd, call, dup_fd, 0, &n));
	handoff_refused(_metadata, self->fd, call, -1);
	close(dup_fd);
}

TEST_F(mon, handoff_nonzero_flags_is_einval)
{
	const __u32 bad_flags[] = { 1U << 0, 1U << 1, 1U << 31, ~0U };
	__u32 call, n = 0;
	unsigned int i;
	int to;

	ML_OPEN(to, 0);
	call = dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	for (i = 0; i < ARRAY_SIZE(bad_flags); i++) {
		ASSERT_EQ(-EINVAL, handoff(self->fd, call, to, bad_flags[i], &n))
			TH_LOG("flags %#x", bad_flags[i]);
	}
	handoff_refused(_metadata, self->fd, call, to);
	close(to);
}

TEST_F(mon, handoff_to_a_full_file_is_emfile)
{
	__u32 call, n = 0;
	int to;

	ASSERT_EQ(0, mls_param_set("max_calls", 1));
	ML_OPEN(to, 0);
	busy_call(_metadata, to, &L1, NUMBER);
	call = dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	ASSERT_EQ(-EMFILE, handoff(self->fd, call, to, 0, &n));
	NO_EVENT(to);
	ASSERT_EQ(1, mls_call_listed(self->fd, call));
	ASSERT_EQ(U32(MODEMLINE_STATE_DIALING),
		  call_state(_metadata, self->fd, call));
	ASSERT_EQ(1, mls_call_count(to));
	close(to);
}

TEST_F(mon, handoff_of_an_unknown_handle_is_enoent)
{
	__u32 call, released, n = 0;
	int to;

	ML_OPEN(to, 0);
	released = busy_call(_metadata, self->fd, &L1, NUMBER);
	ASSERT_EQ(0, mls_deallocate(self->fd, released, 0));
	call = dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	ASSERT_EQ(-ENOENT, handoff(self->fd, 0, to, 0, &n));
	ASSERT_EQ(-ENOENT, handoff(self->fd, 0xFFFFFFFFU, to, 0, &n));
	ASSERT_EQ(-ENOENT, handoff(self->fd, call + 1000, to, 0, &n));
	ASSERT_EQ(-ENOENT, handoff(self->fd, released, to, 0, &n));
	ASSERT_LE(0, mls_drain_events(self->fd));
	handoff_refused(_metadata, self->fd, call, to);
	close(to);
}

TEST_F(mon, handoff_of_another_file_handle_is_enoent)
{
	__u32 call, n = 0;
	int to;

	ML_OPEN(to, 0);
	call = dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	/* @to has no handle @call: it cannot move the call to fd. */
	ASSERT_EQ(-ENOENT, handoff(to, call, self->fd, 0, &n));
	handoff_refused(_metadata, self->fd, call, to);
	close(to);
}

/* ------------------------------------------------------------------ */
/* fdinfo and sysfs figures                                            */

TEST_F(mon, fdinfo_of_a_new_file_is_all_zero)
{
	static const char *const keys[] = {
		"ml_calls_live", "ml_calls_ended", "ml_monitor_handles",
		"ml_oldest_ended_ms", "ml_events_queued", "ml_events_lost",
		"ml_calls_missed",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		ASSERT_EQ(0ULL, FDINFO(self->fd, keys[i]))
			TH_LOG("%s", keys[i]);
	}
	ASSERT_LT(0ULL, FDINFO(self->fd, "ml_kernel_bytes"));
}

TEST_F(mon, fdinfo_counts_live_and_ended_calls)
{
	__u32 call;

	dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	call = busy_call(_metadata, self->fd, &L1, NUMBER);
	busy_call(_metadata, self->fd, &L1, NUMBER);
	ASSERT_EQ(1ULL, FDINFO(self->fd, "ml_calls_live"));
	ASSERT_EQ(2ULL, FDINFO(self->fd, "ml_calls_ended"));
	ASSERT_EQ(0ULL, FDINFO(self->fd, "ml_monitor_handles"));
	ASSERT_EQ(0, mls_deallocate(self->fd, call, 0));
	ASSERT_EQ(1ULL, FDINFO(self->fd, "ml_calls_ended"));
}

TEST_F(mon, fdinfo_counts_monitor_handles_apart)
{
	ASSERT_EQ(0, monitor(self->mon, 0));
	dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	busy_call(_metadata, self->fd, &L1, NUMBER);
	ASSERT_EQ(2, mls_call_count(self->mon));
	ASSERT_EQ(2ULL, FDINFO(self->mon, "ml_monitor_handles"));
	ASSERT_EQ(0ULL, FDINFO(self->mon, "ml_calls_live"));
	ASSERT_EQ(0ULL, FDINFO(self->mon, "ml_calls_ended"));
	ASSERT_EQ(0ULL, FDINFO(self->fd, "ml_monitor_handles"));
	ASSERT_EQ(1ULL, FDINFO(self->fd, "ml_calls_live"));
	ASSERT_EQ(1ULL, FDINFO(self->fd, "ml_calls_ended"));
}

TEST_F(mon, fdinfo_handoff_moves_the_count)
{
	__u32 call, n = 0;
	int to;

	ML_OPEN(to, 0);
	call = dialing_call(_metadata, self->fd, &L0, NUMBER, 0);
	ASSERT_EQ(0, handoff(self->fd, call, to, 0, &n));
	ASSERT_EQ(0ULL, FDINFO(self->fd, "ml_calls_live"));
	ASSERT_EQ(1ULL, FDINFO(to, "ml_calls_live"));
	close(to);
}

TEST_F(mon, fdinfo_events_queued_is_what_read_returns)
{
	unsigned long long queued;
	int n;

	busy_call(_metadata, self->fd, &L0, NUMBER);
	ASSERT_EQ(0, monitor(self->mon, 0));
	busy_call(_metadata, self->fd, &L1, NUMBER);
	busy_call(_metadata, self->fd, &L1, NUMBER);
	/* dial_wait() consumed the owner's; the monitor's are all there. */
	ASSERT_EQ(0ULL, FDINFO(self->fd, "ml_events_queued"));
	queued = FDINFO(self->mon, "ml_events_queued");
	ASSERT_EQ(2ULL, queued);
	n = mls_drain_events(self->mon);
	ASSERT_EQ((int)queued, n);
	ASSERT_EQ(0ULL, FDINFO(self->mon, "ml_events_queued"));
	ASSERT_EQ(0ULL, FDINFO(self->mon, "ml_events_lost"));
}

TEST_F(mon, fdinfo_events_lost_after_max_events)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	int fd, i;

	ASSERT_EQ(0, mls_param_set("max_events", 2));
	ML_OPEN(fd, 0);
	SIM_CTL(&L0, "dial busy 0");
	for (i = 0; i < 5; i++) {
		__u32 call = 0;

		ASSERT_EQ(0, mls_dial(fd, L0.id, NUMBER, 0, &call));
		ASSERT_EQ(0, mls_wait_info_state(fd, call,
						 MODEMLINE_STATE_DISCONNECTED,
						 &ci, ML_WAIT_MS));
	}
	ASSERT_EQ(2ULL, FDINFO(fd, "ml_events_queued"));
	ASSERT_EQ(3ULL, FDINFO(fd, "ml_events_lost"));
	ASSERT_EQ(0, mls_read_event(fd, &ev, ML_WAIT_MS));
	ASSERT_EQ(0, mls_read_event(fd, &ev, ML_WAIT_MS));
	ASSERT_EQ(0, mls_read_event(fd, &ev, ML_WAIT_MS));
	ASSERT_EQ(U32(MODEMLINE_EVENT_OVERFLOW), ev.type);
	/* Lost since the file was opened: reading does not reset it. */
	ASSERT_EQ(0ULL, FDINFO(fd, "ml_events_queued"));
	ASSERT_EQ(3ULL, FDINFO(fd, "ml_events_lost"));
	close(fd);
}

/* retained_bytes / retained_calls: the bytes of one retained record. */
static unsigned long long record_bytes(struct __test_metadata *_metadata)
{
	long calls = 0, bytes = 0;

	ASSERT_EQ(0, sysfs_get("retained_calls", &calls));
	ASSERT_EQ(0, sysfs_get("retained_bytes", &bytes));
	ASSERT_LT(0L, calls);
	ASSERT_EQ(0L, bytes % calls) TH_LOG("%ld bytes for %ld calls", bytes,
					    calls);
	ASSERT_LT(0L, bytes);
	return (unsigned long long)(bytes / calls);
}

TEST_F(mon, fdinfo_kernel_bytes_grow_by_one_record_per_retained_call)
{
	unsigned long long k0, k1, k4, per;
	__u32 call;

	k0 = FDINFO(self->fd, "ml_kernel_bytes");
	call = busy_call(_metadata, self->fd, &L0, NUMBER);
	per = record_bytes(_metadata);
	k1 = FDINFO(self->fd, "ml_kernel_bytes");
	ASSERT_EQ(k0 + per, k1);
	busy_call(_metadata, self->fd, &L0, NUMBER);
	busy_call(_metadata, self->fd, &L0, NUMBER);
	busy_call(_metadata, self->fd, &L1, NUMBER);
	k4 = FDINFO(self->fd, "ml_kernel_bytes");
	ASSERT_EQ(k1 + 3 * per, k4);
	ASSERT_EQ(0, mls_deallocate(self->fd, call, 0));
	ASSERT_EQ(k4 - per, FDINFO(self->fd, "ml_kernel_bytes"));
}

TEST_F(mon, sysfs_retained_bytes_is_retained_calls_records)
{
	long c0, c1, b1;
	unsigned long long per;

	c0 = retained(_metadata);
	busy_call(_metadata, self->fd, &L0, NUMBER);
	busy_call(_metadata, self->fd, &L0, NUMBER);
	c1 = retained(_metadata);
	ASSERT_EQ(c0 + 2, c1);
	per = record_bytes(_metadata);
	ASSERT_EQ(0, sysfs_get("retained_bytes", &b1));
	ASSERT_EQ((long long)(c1 * (long)per), (long long)b1);
	/* A live call is no retained record. */
	dialing_call(_metadata, self->fd, &L1, NUMBER, 0);
	ASSERT_EQ(c1, retained(_metadata));
	ASSERT_EQ(0, close(self->fd));
	self->fd = -1;
	ASSERT_EQ(c0, mls_wait_retained_calls(c0));
}

TEST_F(mon, fdinfo_oldest_ended_age_covers_the_wait)
{
	unsigned long long age;
	__u64 t0, t1;

	ASSERT_EQ(0ULL, FDINFO(self->fd, "ml_oldest_ended_ms"));
	t0 = mls_now_ns();
	busy_call(_metadata, self->fd, &L0, NUMBER);
	usleep(300 * 1000);
	/* A younger record does not change the oldest one's age. */
	busy_call(_metadata, self->fd, &L0, NUMBER);
	age = FDINFO(self->fd, "ml_oldest_ended_ms");
	t1 = mls_now_ns();
	ASSERT_LE(300ULL, age);
	ASSERT_GE((t1 - t0) / 1000000ULL + 1, age);
	/* Another file holds no ended call. */
	ASSERT_EQ(0ULL, FDINFO(self->mon, "ml_oldest_ended_ms"));
}

TEST_F(mon, fdinfo_oldest_ended_counts_monitor_handles)
{
	ASSERT_EQ(0, monitor(self->mon, L0.id));
	busy_call(_metadata, self->fd, &L0, NUMBER);
	usleep(200 * 1000);
	ASSERT_LE(200ULL, FDINFO(self->mon, "ml_oldest_ended_ms"));
}

TEST_F(mon, fdinfo_calls_missed_is_per_file)
{
	int full;

	ASSERT_EQ(0, mls_param_set("max_calls", 1));
	ML_OPEN(full, 0);
	ASSERT_EQ(0, monitor(full, L0.id));
	ASSERT_EQ(0, monitor(self->mon, L0.id));
	busy_call(_metadata, self->fd, &L0, NUMBER);
	busy_call(_metadata, self->fd, &L0, NUMBER);
	busy_call(_metadata, self->fd, &L0, NUMBER);
	ASSERT_EQ(2ULL, FDINFO(full, "ml_calls_missed"));
	ASSERT_EQ(0ULL, FDINFO(self->mon, "ml_calls_missed"));
	ASSERT_EQ(3ULL, FDINFO(self->mon, "ml_monitor_handles"));
	close(full);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest: voice calls as the core sees them, on modemline_sim lines
 * told to speak 3GPP ("dialect 3gpp"): MODEMLINE_DIAL_VOICE and where it
 * is refused, the RINGBACK state and the API version that shows it, the
 * network's cause in the record, CALL_INFO in its first size, the
 * line's dialect and voice offers in LINE_INFO, and no data descriptor
 * for a voice call. What a 3GPP modem says on a tty, and how the AT
 * engine reads it, is tested with modemsim and in KUnit.
 */
#include "ml_test.h"
#include <unistd.h>

#define NUMBER	"5551234"

FIXTURE(voice) {
	int fd;
	struct sim_line line;
};

FIXTURE_SETUP(voice)
{
	ML_OPEN(self->fd, 0);
	SIM_CREATE_LINES(&self->line, 1);
	SIM_CTL(&self->line, "dialect 3gpp");
}

FIXTURE_TEARDOWN_PARENT(voice)
{
	sim_lines_remove(&self->line, 1);
}

#define L0 (self->line)

static int api(int fd, __u32 version, __u32 reserved, __u32 *out)
{
	struct modemline_api a = { .version = version, .reserved = reserved };
	int ret = mls_ioctl(fd, MODEMLINE_IOC_API, &a);

	if (!ret && out)
		*out = a.version;
	return ret;
}

static int voice_dial(int fd, __u32 line, __u32 *call)
{
	struct modemline_dial d = {
		.line_id = line, .flags = MODEMLINE_DIAL_VOICE,
	};
	int ret;

	snprintf(d.number, sizeof(d.number), "%s", NUMBER);
	ret = mls_ioctl(fd, MODEMLINE_IOC_DIAL, &d);
	if (!ret)
		*call = d.call;
	return ret;
}

static int handoff(int fd, __u32 call, int to, __u32 *moved)
{
	struct modemline_call_handoff ho = { .call = call, .fd = to };
	int ret = mls_ioctl(fd, MODEMLINE_IOC_CALL_HANDOFF, &ho);

	if (!ret)
		*moved = ho.new_call;
	return ret;
}

/* A voice call, dialed by @fd (API 2), that the sim never answers. */
static __u32 voice_call(struct __test_metadata *_metadata, int fd,
			const struct sim_line *line)
{
	__u32 call = 0;

	SIM_CTL(line, "dial silent");
	ASSERT_EQ(0, api(fd, MODEMLINE_API_2, 0, NULL));
	ASSERT_EQ(0, voice_dial(fd, line->id, &call));
	return call;
}

/* The next event of @fd must be CALL_STATE @state for @call. */
static void expect_state(struct __test_metadata *_metadata, int fd,
			 __u32 call, __u32 state)
{
	struct modemline_event ev;
	int ret = mls_read_event(fd, &ev, ML_WAIT_MS);

	ASSERT_EQ(0, ret) TH_LOG("no CALL_STATE %u: %s", state, strerror(-ret));
	ASSERT_EQ(U32(MODEMLINE_EVENT_CALL_STATE), ev.type);
	ASSERT_EQ(call, ev.call);
	ASSERT_EQ(state, ev.state);
}

#define NO_EVENT(fd) do { \
	struct modemline_event __ev; \
	ASSERT_EQ(-ETIMEDOUT, mls_read_event((fd), &__ev, 0)) \
		TH_LOG("unexpected event type %u state %u", __ev.type, \
		       __ev.state); \
} while (0)

/* ------------------------------------------------------------------ */
/* The API version                                                     */

TEST_F(voice, api_gives_the_smaller_of_asked_and_newest)
{
	__u32 v = 0;

	ASSERT_EQ(0, api(self->fd, 1, 0, &v));
	ASSERT_EQ(1U, v);
	ASSERT_EQ(0, api(self->fd, 1000, 0, &v));
	ASSERT_EQ(U32(MODEMLINE_API_LATEST), v);
	ASSERT_EQ(0, api(self->fd, MODEMLINE_API_2, 0, &v));
	ASSERT_EQ(2U, v);
}

TEST_F(voice, api_version_zero_or_reserved_is_einval)
{
	ASSERT_EQ(-EINVAL, api(self->fd, 0, 0, NULL));
	ASSERT_EQ(-EINVAL, api(self->fd, 2, 1, NULL));
	ASSERT_EQ(-EFAULT, mls_ioctl(self->fd, MODEMLINE_IOC_API, NULL));
}

/* ------------------------------------------------------------------ */
/* Voice dials                                                         */

TEST_F(voice, voice_dial_on_a_v250_line_is_eopnotsupp)
{
	struct modemline_line_info li;
	__u32 call = 0;

	SIM_CTL(&L0, "dialect v250");
	ASSERT_EQ(-EOPNOTSUPP, voice_dial(self->fd, L0.id, &call));
	ASSERT_EQ(0, mls_call_count(self->fd));
	ASSERT_EQ(0, mls_line_info(self->fd, L0.id, &li));
	ASSERT_EQ(0U, li.flags & MODEMLINE_LINE_BUSY);
	ASSERT_EQ(0ULL, li.calls);
}

TEST_F(voice, unknown_dial_flag_is_einval)
{
	struct modemline_dial d = { .line_id = L0.id, .flags = 1U << 1 };

	snprintf(d.number, sizeof(d.number), "%s", NUMBER);
	ASSERT_EQ(-EINVAL, mls_ioctl(self->fd, MODEMLINE_IOC_DIAL, &d));
	ASSERT_EQ(0, mls_call_count(self->fd));
}

TEST_F(voice, voice_call_is_marked_and_has_no_data_descriptor)
{
	struct modemline_call_info ci;
	__u32 call = voice_call(_metadata, self->fd, &L0);

	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_CALL_INFO_VOICE), ci.flags);
	ASSERT_EQ(U32(MODEMLINE_STATE_DIALING), ci.state);
	ASSERT_EQ(-EOPNOTSUPP, mls_call_data(self->fd, call, 0));
	SIM_CTL(&L0, "connect 0");
	expect_state(_metadata, self->fd, call, MODEMLINE_STATE_CONNECTED);
	ASSERT_EQ(-EOPNOTSUPP, mls_call_data(self->fd, call, 0));
}

TEST_F(voice, data_call_on_a_3gpp_line_is_not_voice)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;
	int dfd;

	SIM_CTL(&L0, "dial connect 0 9600");
	call = dial_wait(_metadata, self->fd, L0.id, NUMBER,
			 MODEMLINE_STATE_CONNECTED, &ev);
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(0U, ci.flags);
	dfd = mls_call_data(self->fd, call, 0);
	ASSERT_LE(0, dfd) TH_LOG("CALL_DATA: %s", strerror(-dfd));
	close(dfd);
}

/* ------------------------------------------------------------------ */
/* RINGBACK and the API version                                        */

TEST_F(voice, api_2_file_sees_ringback_then_connected)
{
	struct modemline_call_info ci;
	__u32 call = voice_call(_metadata, self->fd, &L0);

	SIM_CTL(&L0, "alerting");
	expect_state(_metadata, self->fd, call, MODEMLINE_STATE_RINGBACK);
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_RINGBACK), ci.state);
	/* A second alerting report changes nothing. */
	SIM_CTL(&L0, "alerting");
	NO_EVENT(self->fd);
	SIM_CTL(&L0, "connect 0");
	expect_state(_metadata, self->fd, call, MODEMLINE_STATE_CONNECTED);
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_NE(0ULL, ci.connected_ns);
}

/* A file that never asked for API 2 sees DIALING, then CONNECTED. */
TEST_F(voice, api_1_monitor_sees_dialing_until_connected)
{
	struct modemline_subscribe s = {
		.line_id = 0, .flags = MODEMLINE_SUBSCRIBE_MONITOR,
	};
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call, h;
	int mon;

	ML_OPEN(mon, 0);
	ASSERT_EQ(0, mls_ioctl(mon, MODEMLINE_IOC_SUBSCRIBE, &s));
	call = voice_call(_metadata, self->fd, &L0);
	ASSERT_EQ(0, mls_read_event(mon, &ev, ML_WAIT_MS));
	ASSERT_EQ(U32(MODEMLINE_EVENT_CALL_NEW), ev.type);
	h = ev.call;
	SIM_CTL(&L0, "alerting");
	expect_state(_metadata, self->fd, call, MODEMLINE_STATE_RINGBACK);
	NO_EVENT(mon);
	ASSERT_EQ(0, mls_call_info(mon, h, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_DIALING), ci.state);
	/* Nor is the VOICE flag shown to it. */
	ASSERT_EQ(U32(MODEMLINE_CALL_INFO_MONITOR), ci.flags);
	SIM_CTL(&L0, "connect 0");
	expect_state(_metadata, mon, h, MODEMLINE_STATE_CONNECTED);
	close(mon);
}

/* Handed off while it rings back: each file sees the state its API knows. */
TEST_F(voice, handoff_of_a_ringback_call_shows_each_file_its_state)
{
	struct modemline_event ev;
	__u32 call, moved = 0;
	int to, api2;

	ML_OPEN(to, 0);
	ML_OPEN(api2, 0);
	ASSERT_EQ(0, api(api2, MODEMLINE_API_2, 0, NULL));
	call = voice_call(_metadata, self->fd, &L0);
	SIM_CTL(&L0, "alerting");
	expect_state(_metadata, self->fd, call, MODEMLINE_STATE_RINGBACK);
	/* Handed to a file of API 1, then to one of API 2. */
	ASSERT_EQ(0, handoff(self->fd, call, to, &moved));
	ASSERT_EQ(0, mls_read_event(to, &ev, ML_WAIT_MS));
	ASSERT_EQ(U32(MODEMLINE_EVENT_CALL_HANDOFF), ev.type);
	ASSERT_EQ(U32(MODEMLINE_STATE_DIALING), ev.state);
	ASSERT_EQ(0, handoff(to, moved, api2, &moved));
	ASSERT_EQ(0, mls_read_event(api2, &ev, ML_WAIT_MS));
	ASSERT_EQ(U32(MODEMLINE_EVENT_CALL_HANDOFF), ev.type);
	ASSERT_EQ(U32(MODEMLINE_STATE_RINGBACK), ev.state);
	close(to);
	close(api2);
}

/* ------------------------------------------------------------------ */
/* The network's cause, and CALL_INFO in its first size                 */

TEST_F(voice, cause_is_kept_in_the_record)
{
	struct modemline_call_info ci;
	__u32 call = voice_call(_metadata, self->fd, &L0);

	SIM_CTL(&L0, "cause User busy");
	SIM_CTL(&L0, "hangup");
	expect_state(_metadata, self->fd, call, MODEMLINE_STATE_DISCONNECTED);
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_STREQ("User busy", ci.cause);
	ASSERT_TRUE(mls_str_tail_zero(ci.cause, sizeof(ci.cause)));
}

TEST_F(voice, call_info_v1_gets_the_first_fields_only)
{
	struct modemline_call_info ci, v1;
	__u32 call = voice_call(_metadata, self->fd, &L0);

	SIM_CTL(&L0, "cause Normal call clearing");
	SIM_CTL(&L0, "hangup");
	expect_state(_metadata, self->fd, call, MODEMLINE_STATE_DISCONNECTED);
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	memset(&v1, 0x5a, sizeof(v1));
	v1.call = call;
	v1.flags = 0;
	ASSERT_EQ(0, mls_ioctl(self->fd, MODEMLINE_IOC_CALL_INFO_V1, &v1));
	/* The first size's fields are the same; past them nothing written. */
	ASSERT_EQ(0, memcmp(&ci, &v1, MODEMLINE_CALL_INFO_SIZE_V1));
	ASSERT_EQ(0x5a, (unsigned char)v1.cause[0]);
}

TEST_F(voice, record_of_a_call_without_cause_has_an_empty_one)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	SIM_CTL(&L0, "dial busy 0");
	call = dial_wait(_metadata, self->fd, L0.id, NUMBER,
			 MODEMLINE_STATE_DISCONNECTED, &ev);
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_TRUE(mls_all_zero(ci.cause, sizeof(ci.cause)));
}

/* ------------------------------------------------------------------ */
/* The line                                                            */

TEST_F(voice, line_info_shows_the_dialect)
{
	struct modemline_line_info li;

	ASSERT_EQ(0, mls_line_info(self->fd, L0.id, &li));
	ASSERT_EQ(U32(MODEMLINE_DIALECT_3GPP), li.dialect);
	SIM_CTL(&L0, "dialect v250");
	ASSERT_EQ(0, mls_line_info(self->fd, L0.id, &li));
	ASSERT_EQ(U32(MODEMLINE_DIALECT_V250), li.dialect);
	ASSERT_EQ(0U, li.reserved32);
	ASSERT_EQ(0ULL, li.reserved);
}

/* @dialect is output only: a struct passed back as it came is fine. */
TEST_F(voice, line_info_ignores_a_dialect_on_input)
{
	struct modemline_line_info li;

	memset(&li, 0, sizeof(li));
	li.line_id = L0.id;
	li.dialect = 0xdead;
	ASSERT_EQ(0, mls_ioctl(self->fd, MODEMLINE_IOC_LINE_INFO, &li));
	ASSERT_EQ(U32(MODEMLINE_DIALECT_3GPP), li.dialect);
	li.reserved32 = 1;
	ASSERT_EQ(-EINVAL, mls_ioctl(self->fd, MODEMLINE_IOC_LINE_INFO, &li));
}

TEST_F(voice, voice_offer_is_shown_and_answered_as_voice)
{
	struct modemline_call_info ci;
	struct modemline_line_info li;
	struct modemline_event ev;
	__u32 call = 0;

	ASSERT_EQ(0, api(self->fd, MODEMLINE_API_2, 0, NULL));
	ASSERT_EQ(0, mls_subscribe(self->fd, L0.id));
	SIM_CTL(&L0, "ring_voice " NUMBER);
	ASSERT_EQ(0, mls_wait_event(self->fd, MODEMLINE_EVENT_CALL_OFFERED,
				    L0.id, &ev, ML_WAIT_MS));
	ASSERT_EQ(0, mls_line_info(self->fd, L0.id, &li));
	ASSERT_EQ(U32(MODEMLINE_LINE_OFFERING | MODEMLINE_LINE_OFFERING_VOICE),
		  li.flags);
	SIM_CTL(&L0, "answer silent");
	ASSERT_EQ(0, mls_answer(self->fd, L0.id, &call));
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(U32(MODEMLINE_CALL_INFO_VOICE), ci.flags);
	ASSERT_STREQ(NUMBER, ci.number);
	ASSERT_EQ(-EOPNOTSUPP, mls_call_data(self->fd, call, 0));
}

/* A file of API 1 knows no voice calls: no VOICE flags for it. */
TEST_F(voice, api_1_file_sees_no_voice_flags)
{
	struct modemline_call_info ci;
	struct modemline_line_info li;
	struct modemline_event ev;
	__u32 call = 0;

	ASSERT_EQ(0, mls_subscribe(self->fd, L0.id));
	SIM_CTL(&L0, "ring_voice " NUMBER);
	ASSERT_EQ(0, mls_wait_event(self->fd, MODEMLINE_EVENT_CALL_OFFERED,
				    L0.id, &ev, ML_WAIT_MS));
	ASSERT_EQ(0, mls_line_info(self->fd, L0.id, &li));
	ASSERT_EQ(U32(MODEMLINE_LINE_OFFERING), li.flags);
	SIM_CTL(&L0, "answer silent");
	ASSERT_EQ(0, mls_answer(self->fd, L0.id, &call));
	ASSERT_EQ(0, mls_call_info(self->fd, call, &ci));
	ASSERT_EQ(0U, ci.flags);
	/* What it is still holds: no data descriptor. */
	ASSERT_EQ(-EOPNOTSUPP, mls_call_data(self->fd, call, 0));
}

TEST_F(voice, data_offer_is_not_voice)
{
	struct modemline_line_info li;
	struct modemline_event ev;

	ring_offer(_metadata, self->fd, &L0, NUMBER, &ev);
	ASSERT_EQ(0, mls_line_info(self->fd, L0.id, &li));
	ASSERT_EQ(U32(MODEMLINE_LINE_OFFERING), li.flags);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest: a program built against the header as it was before the
 * 3GPP work (selftests/abi/v1/linux/modemline.h, a frozen copy; the
 * Makefile puts it first on the include path) keeps working against
 * this module: the same request numbers and struct sizes, every record
 * it reads fully written, and a voice call that another, newer program
 * makes shows it nothing it does not know (no RINGBACK state, no cause
 * past the end of its CALL_INFO struct).
 */
#include "ml_test.h"

#include <unistd.h>

#define NUMBER	"5551234"

/*
 * What a newer program passes, which this header does not name: a voice
 * DIAL (MODEMLINE_DIAL_VOICE) and "API version 2" (MODEMLINE_IOC_API).
 */
#define NEW_DIAL_VOICE	1U
struct new_api {
	__u32 version;
	__u32 reserved;
};
#define NEW_IOC_API	_IOWR(MODEMLINE_IOC_MAGIC, 0x18, struct new_api)

FIXTURE(v1) {
	int fd;
	struct sim_line line[1];
};

FIXTURE_SETUP(v1)
{
	ML_OPEN(self->fd, 0);
	SIM_CREATE_LINES(self->line, 1);
}

FIXTURE_TEARDOWN_PARENT(v1)
{
	sim_lines_remove(self->line, 1);
}

#define L0 (self->line[0])

TEST_F(v1, struct_sizes_are_the_first_ones)
{
	ASSERT_EQ(136U, sizeof(struct modemline_line_info));
	ASSERT_EQ(160U, sizeof(struct modemline_call_info));
	ASSERT_EQ(80U, sizeof(struct modemline_tty_config));
	ASSERT_EQ(96U, sizeof(struct modemline_event));
	ASSERT_EQ(72U, sizeof(struct modemline_dial));
}

TEST_F(v1, line_info_reserved_stays_zero)
{
	struct modemline_line_info li;

	memset(&li, 0, sizeof(li));
	li.line_id = L0.id;
	ASSERT_EQ(0, mls_ioctl(self->fd, MODEMLINE_IOC_LINE_INFO, &li));
	ASSERT_EQ(0ULL, li.reserved[0]);
	ASSERT_EQ(0ULL, li.reserved[1]);
	ASSERT_STR_FIELD(L0.name, li.name);
}

TEST_F(v1, data_call_record_reads_whole)
{
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 call;

	SIM_CTL(&L0, "dial connect 0 33600");
	call = dial_wait(_metadata, self->fd, L0.id, NUMBER,
			 MODEMLINE_STATE_CONNECTED, &ev);
	ASSERT_EQ(0, mls_drop(self->fd, call, MODEMLINE_DROP_WAIT));
	memset(&ci, 0x5a, sizeof(ci));
	ci.call = call;
	ci.flags = 0;
	ASSERT_EQ(0, mls_ioctl(self->fd, MODEMLINE_IOC_CALL_INFO, &ci));
	ASSERT_EQ(call, ci.call);
	ASSERT_EQ(0U, ci.flags);
	ASSERT_EQ(U32(MODEMLINE_STATE_DISCONNECTED), ci.state);
	ASSERT_EQ(U32(MODEMLINE_ORIGIN_LOCAL), ci.origin);
	ASSERT_EQ(33600U, ci.rate);
	ASSERT_STR_FIELD(NUMBER, ci.number);
	ASSERT_TRUE(mls_str_tail_zero(ci.result, sizeof(ci.result)));
}

/*
 * On a 3GPP line the old reserved[0] holds the dialect (its low half):
 * the struct still goes back as it came.
 */
TEST_F(v1, line_info_passed_back_works_on_a_3gpp_line)
{
	struct modemline_line_info li;

	SIM_CTL(&L0, "dialect 3gpp");
	memset(&li, 0, sizeof(li));
	li.line_id = L0.id;
	ASSERT_EQ(0, mls_ioctl(self->fd, MODEMLINE_IOC_LINE_INFO, &li));
	ASSERT_EQ(1ULL, li.reserved[0]);
	ASSERT_EQ(0ULL, li.reserved[1]);
	ASSERT_EQ(0, mls_ioctl(self->fd, MODEMLINE_IOC_LINE_INFO, &li));
	ASSERT_EQ(0U, li.flags);
}

/*
 * A newer program dials a voice call on a 3GPP line; this one monitors
 * it: to this file the call goes DIALING -> CONNECTED -> DISCONNECTED, as
 * a data call would, though it was RINGBACK in between.
 */
TEST_F(v1, monitor_of_a_voice_call_sees_only_states_it_knows)
{
	struct modemline_subscribe s = {
		.line_id = 0, .flags = MODEMLINE_SUBSCRIBE_MONITOR,
	};
	struct new_api api = { .version = 2 };
	struct modemline_dial d = { .line_id = L0.id, .flags = NEW_DIAL_VOICE };
	struct modemline_call_info ci;
	struct modemline_event ev;
	__u32 h;
	int newer, ret;

	ML_OPEN(newer, 0);
	ASSERT_EQ(0, mls_ioctl(newer, NEW_IOC_API, &api));
	ASSERT_EQ(2U, api.version);
	ASSERT_EQ(0, mls_ioctl(self->fd, MODEMLINE_IOC_SUBSCRIBE, &s));
	SIM_CTL(&L0, "dialect 3gpp");
	SIM_CTL(&L0, "dial silent");
	snprintf(d.number, sizeof(d.number), "%s", NUMBER);
	ASSERT_EQ(0, mls_ioctl(newer, MODEMLINE_IOC_DIAL, &d));

	ASSERT_EQ(0, mls_read_event(self->fd, &ev, ML_WAIT_MS));
	ASSERT_EQ(U32(MODEMLINE_EVENT_CALL_NEW), ev.type);
	ASSERT_EQ(U32(MODEMLINE_STATE_DIALING), ev.state);
	h = ev.call;
	SIM_CTL(&L0, "alerting");
	/* The newer file hears of RINGBACK (6); this one hears nothing. */
	ASSERT_EQ(0, mls_read_event(newer, &ev, ML_WAIT_MS));
	ASSERT_EQ(6U, ev.state);
	ASSERT_EQ(-ETIMEDOUT, mls_read_event(self->fd, &ev, 0))
		TH_LOG("event type %u state %u", ev.type, ev.state);
	memset(&ci, 0x5a, sizeof(ci));
	ci.call = h;
	ci.flags = 0;
	ASSERT_EQ(0, mls_ioctl(self->fd, MODEMLINE_IOC_CALL_INFO, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_DIALING), ci.state);
	ASSERT_TRUE(mls_str_tail_zero(ci.result, sizeof(ci.result)));

	SIM_CTL(&L0, "connect 0");
	ret = mls_wait_state(self->fd, h, MODEMLINE_STATE_CONNECTED, &ev,
			     ML_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("no CONNECTED: %s", strerror(-ret));
	SIM_CTL(&L0, "cause Normal call clearing");
	SIM_CTL(&L0, "hangup");
	ret = mls_wait_state(self->fd, h, MODEMLINE_STATE_DISCONNECTED, &ev,
			     ML_WAIT_MS);
	ASSERT_EQ(0, ret) TH_LOG("no DISCONNECTED: %s", strerror(-ret));
	ASSERT_EQ(0, mls_ioctl(self->fd, MODEMLINE_IOC_CALL_INFO, &ci));
	ASSERT_EQ(U32(MODEMLINE_ORIGIN_REMOTE), ci.origin);
	ASSERT_EQ(U32(MODEMLINE_REASON_NORMAL), ci.reason);
	close(newer);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * The bad-input matrix: every ioctl with unknown, mis-sized and
 * mis-directed command numbers (-ENOTTY), unusable argument pointers
 * (-EFAULT, with no state change), non-zero reserved fields and unknown
 * flags (-EINVAL), unknown handles and lines (-ENOENT), malformed dial
 * strings (-EINVAL), and output structs whose unused bytes must come back
 * zeroed. CALL_HANDOFF also gets descriptors that are no /dev/modemline
 * file (-EBADF); a rejected handoff moves nothing.
 */
#include "ml_test.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <termios.h>

#define NUMBER		"5551234"
#define CALLER_ID	"0301234567"

/* A user address no process can use: the top of the address space. */
#define KERNEL_ADDR	((void *)(uintptr_t)-4096)

/*
 * Three lines: L0 idle (DIAL target), L1 with a connected call H (DROP,
 * DEALLOCATE, CALL_INFO, CALL_HANDOFF target), L2 offering a call (ANSWER
 * target) and subscribed to. A second open file, other, is where a
 * handoff would move H. The lines are made in the setup; prepare() makes
 * the call and the offer inside the test, so that a setup failure never
 * leaves lines behind.
 */
#define BAD_ENV \
	int fd; \
	int other; \
	struct sim_line line[3]; \
	struct sim_line extra; \
	__u32 call	/* H */

/* The specific tests. */
FIXTURE(bad) {
	BAD_ENV;
};

FIXTURE_SETUP(bad)
{
	ML_OPEN(self->fd, 0);
	ML_OPEN(self->other, 0);
	SIM_CREATE_LINES(self->line, 3);
}

FIXTURE_TEARDOWN_PARENT(bad)
{
	sim_lines_remove(self->line, 3);
	sim_line_remove(&self->extra);
}

/* The matrix: the same, once per ioctl (variants below). */
FIXTURE(ioc) {
	BAD_ENV;
};

FIXTURE_SETUP(ioc)
{
	ML_OPEN(self->fd, 0);
	ML_OPEN(self->other, 0);
	SIM_CREATE_LINES(self->line, 3);
}

FIXTURE_TEARDOWN_PARENT(ioc)
{
	sim_lines_remove(self->line, 3);
}

#define L0 (self->line[0])
#define L1 (self->line[1])
#define L2 (self->line[2])

/*
 * The helpers work on any fixture with the BAD_ENV members;
 * the PREPARE(), SNAP(), UNCHANGED() and FILL() macros pass them.
 */
static void prepare(struct __test_metadata *_metadata, int fd,
		    struct sim_line *line, __u32 *call)
{
	struct modemline_event ev;

	*call = dial_wait(_metadata, fd, line[1].id, NUMBER,
			  MODEMLINE_STATE_CONNECTED, &ev);
	ring_offer(_metadata, fd, &line[2], CALLER_ID, &ev);
	ASSERT_LE(0, mls_drain_events(fd));
}

#define PREPARE() prepare(_metadata, self->fd, self->line, &self->call)

/* What a rejected ioctl must not have changed. */
struct snap {
	int ncalls;
	int other_ncalls;	/* in the handoff target */
	__u32 call_state;
	__u32 call_origin;
	__u32 l0_flags, l2_flags;
	__u64 l0_calls, l2_calls;
};

static void take_snap(struct __test_metadata *_metadata, int fd, int other,
		      const struct sim_line *line, __u32 call, struct snap *s)
{
	struct modemline_call_info ci;
	struct modemline_line_info li;

	memset(s, 0, sizeof(*s));
	s->ncalls = mls_call_count(fd);
	ASSERT_LE(0, s->ncalls);
	s->other_ncalls = mls_call_count(other);
	ASSERT_LE(0, s->other_ncalls);
	ASSERT_EQ(0, mls_call_info(fd, call, &ci));
	s->call_state = ci.state;
	s->call_origin = ci.origin;
	ASSERT_EQ(0, mls_line_info(fd, line[0].id, &li));
	s->l0_flags = li.flags;
	s->l0_calls = li.calls;
	ASSERT_EQ(0, mls_line_info(fd, line[2].id, &li));
	s->l2_flags = li.flags;
	s->l2_calls = li.calls;
}

static void check_unchanged(struct __test_metadata *_metadata, int fd,
			    int other, const struct sim_line *line, __u32 call,
			    const struct snap *before)
{
	struct modemline_event ev;
	struct snap now;

	take_snap(_metadata, fd, other, line, call, &now);
	ASSERT_EQ(before->ncalls, now.ncalls) TH_LOG("a call was created or released");
	ASSERT_EQ(before->other_ncalls, now.other_ncalls)
		TH_LOG("a call was handed off");
	ASSERT_EQ(before->call_state, now.call_state);
	ASSERT_EQ(before->call_origin, now.call_origin);
	ASSERT_EQ(before->l0_flags, now.l0_flags);
	ASSERT_EQ(before->l0_calls, now.l0_calls);
	ASSERT_EQ(before->l2_flags, now.l2_flags) TH_LOG("the offer changed");
	ASSERT_EQ(before->l2_calls, now.l2_calls);
	ASSERT_EQ(-ETIMEDOUT, mls_read_event(fd, &ev, 0))
		TH_LOG("an event was queued (type %u)", ev.type);
}

#define SNAP(s) take_snap(_metadata, self->fd, self->other, self->line, \
			  self->call, (s))
#define UNCHANGED(s) \
	check_unchanged(_metadata, self->fd, self->other, self->line, \
			self->call, (s))

/* ------------------------------------------------------------------ */
/* The matrix: one variant per ioctl.                                  */

enum ioc {
	IOC_LINE_LIST, IOC_LINE_INFO, IOC_SUBSCRIBE, IOC_UNSUBSCRIBE,
	IOC_DIAL, IOC_ANSWER, IOC_DROP, IOC_DEALLOCATE, IOC_CALL_INFO,
	IOC_CALL_LIST, IOC_CALL_HANDOFF,
};

FIXTURE_VARIANT(ioc) {
	enum ioc which;
	unsigned long cmd;
};

FIXTURE_VARIANT_ADD(ioc, line_list) {
	.which = IOC_LINE_LIST, .cmd = MODEMLINE_IOC_LINE_LIST
};

FIXTURE_VARIANT_ADD(ioc, line_info) {
	.which = IOC_LINE_INFO, .cmd = MODEMLINE_IOC_LINE_INFO
};

FIXTURE_VARIANT_ADD(ioc, subscribe) {
	.which = IOC_SUBSCRIBE, .cmd = MODEMLINE_IOC_SUBSCRIBE
};

FIXTURE_VARIANT_ADD(ioc, unsubscribe) {
	.which = IOC_UNSUBSCRIBE, .cmd = MODEMLINE_IOC_UNSUBSCRIBE
};

FIXTURE_VARIANT_ADD(ioc, dial) {
	.which = IOC_DIAL, .cmd = MODEMLINE_IOC_DIAL
};

FIXTURE_VARIANT_ADD(ioc, answer) {
	.which = IOC_ANSWER, .cmd = MODEMLINE_IOC_ANSWER
};

FIXTURE_VARIANT_ADD(ioc, drop) {
	.which = IOC_DROP, .cmd = MODEMLINE_IOC_DROP
};

FIXTURE_VARIANT_ADD(ioc, deallocate) {
	.which = IOC_DEALLOCATE, .cmd = MODEMLINE_IOC_DEALLOCATE
};

FIXTURE_VARIANT_ADD(ioc, call_info) {
	.which = IOC_CALL_INFO, .cmd = MODEMLINE_IOC_CALL_INFO
};

FIXTURE_VARIANT_ADD(ioc, call_list) {
	.which = IOC_CALL_LIST, .cmd = MODEMLINE_IOC_CALL_LIST
};

FIXTURE_VARIANT_ADD(ioc, call_handoff) {
	.which = IOC_CALL_HANDOFF, .cmd = MODEMLINE_IOC_CALL_HANDOFF
};

/*
 * A valid argument for the variant's ioctl, one that would succeed and
 * change something where the ioctl can: a kernel that ignores the size,
 * direction or pointer problem is caught by the state check.
 */
static void fill_valid(const struct sim_line *line, __u32 call, int other,
		       enum ioc which, void *buf)
{
	switch (which) {
	case IOC_LINE_LIST:
	case IOC_CALL_LIST: {
		struct modemline_id_list *l = buf;

		l->count = 0;
		l->flags = 0;
		l->ids = 0;
		break;
	}
	case IOC_LINE_INFO: {
		struct modemline_line_info *li = buf;

		memset(li, 0, sizeof(*li));
		li->line_id = line[0].id;
		break;
	}
	case IOC_SUBSCRIBE:
	case IOC_UNSUBSCRIBE: {
		struct modemline_subscribe *s = buf;

		s->line_id = which == IOC_SUBSCRIBE ? line[0].id : line[2].id;
		s->flags = 0;
		break;
	}
	case IOC_DIAL: {
		struct modemline_dial *d = buf;

		memset(d, 0, sizeof(*d));
		d->line_id = line[0].id;
		snprintf(d->number, sizeof(d->number), "%s", NUMBER);
		break;
	}
	case IOC_ANSWER: {
		struct modemline_answer *a = buf;

		memset(a, 0, sizeof(*a));
		a->line_id = line[2].id;
		break;
	}
	case IOC_DROP:
	case IOC_DEALLOCATE: {
		struct modemline_call_op *op = buf;

		op->call = call;
		op->flags = which == IOC_DROP ? 0 : MODEMLINE_DEALLOCATE_DROP;
		break;
	}
	case IOC_CALL_INFO: {
		struct modemline_call_info *ci = buf;

		memset(ci, 0, sizeof(*ci));
		ci->call = call;
		break;
	}
	case IOC_CALL_HANDOFF: {
		struct modemline_call_handoff *h = buf;

		memset(h, 0, sizeof(*h));
		h->call = call;
		h->fd = other;
		break;
	}
	}
}

#define FILL(which, buf) \
	fill_valid(self->line, self->call, self->other, (which), (buf))

TEST_F(ioc, wrong_size_is_enotty)
{
	unsigned int size = _IOC_SIZE(variant->cmd);
	unsigned int sizes[] = { 0, size - 4, size + 4, size + 8, size * 2,
				 _IOC_SIZEMASK };
	unsigned long cmd;
	struct snap snap;
	char *buf;
	unsigned int i;

	PREPARE();
	buf = calloc(1, _IOC_SIZEMASK + 1);
	ASSERT_NE(NULL, buf);
	SNAP(&snap);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		memset(buf, 0, _IOC_SIZEMASK + 1);
		FILL(variant->which, buf);
		cmd = _IOC(_IOC_DIR(variant->cmd), _IOC_TYPE(variant->cmd),
			   _IOC_NR(variant->cmd), sizes[i]);
		ASSERT_EQ(-ENOTTY, mls_ioctl(self->fd, cmd, buf))
			TH_LOG("size %u instead of %u", sizes[i], size);
	}
	UNCHANGED(&snap);
	free(buf);
}

TEST_F(ioc, wrong_direction_is_enotty)
{
	unsigned int dirs[] = { _IOC_NONE, _IOC_READ, _IOC_WRITE,
				_IOC_READ | _IOC_WRITE };
	unsigned long cmd;
	struct snap snap;
	char buf[4096];
	unsigned int i;

	PREPARE();
	SNAP(&snap);
	for (i = 0; i < 4; i++) {
		if (dirs[i] == _IOC_DIR(variant->cmd))
			continue;
		memset(buf, 0, sizeof(buf));
		FILL(variant->which, buf);
		cmd = _IOC(dirs[i], _IOC_TYPE(variant->cmd),
			   _IOC_NR(variant->cmd), _IOC_SIZE(variant->cmd));
		ASSERT_EQ(-ENOTTY, mls_ioctl(self->fd, cmd, buf))
			TH_LOG("direction %u instead of %u", dirs[i],
			       (unsigned int)_IOC_DIR(variant->cmd));
	}
	UNCHANGED(&snap);
}

TEST_F(ioc, null_arg_is_efault)
{
	struct snap snap;

	PREPARE();
	SNAP(&snap);
	ASSERT_EQ(-EFAULT, mls_ioctl(self->fd, variant->cmd, NULL));
	UNCHANGED(&snap);
}

TEST_F(ioc, unmapped_arg_is_efault)
{
	struct snap snap;
	void *p;

	PREPARE();
	p = mls_unmapped_addr();
	ASSERT_NE(NULL, p);
	SNAP(&snap);
	ASSERT_EQ(-EFAULT, mls_ioctl(self->fd, variant->cmd, p));
	UNCHANGED(&snap);
}

TEST_F(ioc, prot_none_arg_is_efault)
{
	struct snap snap;
	void *p;

	PREPARE();
	p = mls_prot_none_page();
	ASSERT_NE(NULL, p);
	SNAP(&snap);
	ASSERT_EQ(-EFAULT, mls_ioctl(self->fd, variant->cmd, p));
	UNCHANGED(&snap);
	mls_pages_free(p, 1);
}

TEST_F(ioc, kernel_address_arg_is_efault)
{
	struct snap snap;

	PREPARE();
	SNAP(&snap);
	ASSERT_EQ(-EFAULT, mls_ioctl(self->fd, variant->cmd, KERNEL_ADDR));
	UNCHANGED(&snap);
}

/* A valid argument whose last byte lies in a PROT_NONE page. */
TEST_F(ioc, arg_crossing_into_prot_none_is_efault)
{
	size_t size = _IOC_SIZE(variant->cmd), ps = mls_page_size();
	char valid[4096];
	struct snap snap;
	char *pages, *arg;

	PREPARE();
	pages = mls_guarded_pages(PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, pages);
	memset(valid, 0, sizeof(valid));
	FILL(variant->which, valid);
	arg = pages + ps - size + 1;
	memcpy(arg, valid, size - 1);
	SNAP(&snap);
	ASSERT_EQ(-EFAULT, mls_ioctl(self->fd, variant->cmd, arg));
	UNCHANGED(&snap);
	mls_pages_free(pages, 2);
}

/* The same valid argument at the very end of the page works. */
TEST_F(ioc, arg_at_page_end_is_accepted)
{
	size_t size = _IOC_SIZE(variant->cmd), ps = mls_page_size();
	char *pages, *arg;

	PREPARE();
	pages = mls_guarded_pages(PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, pages);
	arg = pages + ps - size;
	FILL(variant->which, arg);
	ASSERT_EQ(0, mls_ioctl(self->fd, variant->cmd, arg));
	mls_pages_free(pages, 2);
}

/*
 * Read-only memory: commands that only read their argument (_IOW) must
 * work; those that write it back (_IOWR) fail with -EFAULT and change
 * nothing, except that DIAL and ANSWER may have started the call they
 * then released again (see also the *_readonly_arg_* tests below).
 */
TEST_F(ioc, readonly_arg)
{
	size_t ps = mls_page_size();
	struct snap snap;
	char *pages;
	int ret;

	PREPARE();
	pages = mls_guarded_pages(PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, pages);
	FILL(variant->which, pages);
	ASSERT_EQ(0, mprotect(pages, ps, PROT_READ));
	SNAP(&snap);
	ret = mls_ioctl(self->fd, variant->cmd, pages);
	if (!(_IOC_DIR(variant->cmd) & _IOC_READ)) {
		ASSERT_EQ(0, ret) TH_LOG("an input-only argument was written");
	} else if (variant->which == IOC_DIAL || variant->which == IOC_ANSWER) {
		ASSERT_EQ(-EFAULT, ret);
		ASSERT_EQ(snap.ncalls, mls_call_count(self->fd))
			TH_LOG("the new call was kept");
	} else {
		ASSERT_EQ(-EFAULT, ret);
		UNCHANGED(&snap);
	}
	mls_pages_free(pages, 2);
}

/* ------------------------------------------------------------------ */
/* Unknown commands.                                                   */

TEST_F(bad, unknown_commands_are_enotty)
{
	const unsigned long cmds[] = {
		0,
		0xFFFFFFFFUL,
		_IO(MODEMLINE_IOC_MAGIC, 0x00),
		_IOWR(MODEMLINE_IOC_MAGIC, 0x00, struct modemline_id_list),
		_IOWR(MODEMLINE_IOC_MAGIC, 0x05, struct modemline_id_list),
		_IOW(MODEMLINE_IOC_MAGIC, 0x05, struct modemline_subscribe),
		_IOWR(MODEMLINE_IOC_MAGIC, 0x0F, struct modemline_dial),
		_IOWR(MODEMLINE_IOC_MAGIC, 0x16, struct modemline_call_info),
		_IOWR(MODEMLINE_IOC_MAGIC, 0x17, struct modemline_call_op),
		_IOW(MODEMLINE_IOC_MAGIC, 0x17, struct modemline_call_handoff),
		_IOWR(MODEMLINE_IOC_MAGIC, 0x18, struct modemline_call_handoff),
		_IOWR(MODEMLINE_IOC_MAGIC, 0x20, struct modemline_id_list),
		_IOWR(MODEMLINE_IOC_MAGIC, 0xFF, __u64),
		/* Right number and size, other magic. */
		_IOWR(MODEMLINE_IOC_MAGIC + 1, 0x01, struct modemline_id_list),
		_IOWR(MODEMLINE_IOC_MAGIC - 1, 0x10, struct modemline_dial),
		_IOW(0, 0x12, struct modemline_call_op),
		/* A tty ioctl. */
		TCGETS,
	};
	struct snap snap;
	char buf[4096];
	unsigned int i;

	PREPARE();
	SNAP(&snap);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		memset(buf, 0, sizeof(buf));
		ASSERT_EQ(-ENOTTY, mls_ioctl(self->fd, cmds[i], buf))
			TH_LOG("cmd %#lx", cmds[i]);
	}
	UNCHANGED(&snap);
}

/* ------------------------------------------------------------------ */
/* Reserved fields and flags.                                          */

TEST_F(bad, dial_unknown_flags_is_einval)
{
	const __u32 bad_flags[] = { 1U << 1, 1U << 31, ~0U,
				    ~(__u32)MODEMLINE_DIAL_VOICE };
	struct modemline_dial d;
	struct snap snap;
	unsigned int i;

	PREPARE();
	SNAP(&snap);
	for (i = 0; i < 4; i++) {
		FILL(IOC_DIAL, &d);
		d.flags = bad_flags[i];
		ASSERT_EQ(-EINVAL, mls_ioctl(self->fd, MODEMLINE_IOC_DIAL, &d))
			TH_LOG("flags %#x", bad_flags[i]);
	}
	UNCHANGED(&snap);
}

TEST_F(bad, dial_nonzero_reserved_is_einval)
{
	const __u64 bad[] = { 1, 1ULL << 32, 1ULL << 63 };
	struct modemline_dial d;
	struct snap snap;
	unsigned int i;

	PREPARE();
	SNAP(&snap);
	for (i = 0; i < 3; i++) {
		FILL(IOC_DIAL, &d);
		d.reserved = bad[i];
		ASSERT_EQ(-EINVAL, mls_ioctl(self->fd, MODEMLINE_IOC_DIAL, &d))
			TH_LOG("reserved %#llx", (unsigned long long)bad[i]);
	}
	UNCHANGED(&snap);
}

TEST_F(bad, answer_nonzero_flags_is_einval)
{
	struct modemline_answer a;
	struct snap snap;

	PREPARE();
	SNAP(&snap);
	FILL(IOC_ANSWER, &a);
	a.flags = 1;
	ASSERT_EQ(-EINVAL, mls_ioctl(self->fd, MODEMLINE_IOC_ANSWER, &a));
	a.flags = 1U << 31;
	ASSERT_EQ(-EINVAL, mls_ioctl(self->fd, MODEMLINE_IOC_ANSWER, &a));
	UNCHANGED(&snap);
}

TEST_F(bad, answer_nonzero_reserved_is_einval)
{
	struct modemline_answer a;
	struct snap snap;

	PREPARE();
	SNAP(&snap);
	FILL(IOC_ANSWER, &a);
	a.reserved = 1;
	ASSERT_EQ(-EINVAL, mls_ioctl(self->fd, MODEMLINE_IOC_ANSWER, &a));
	a.reserved = 1U << 31;
	ASSERT_EQ(-EINVAL, mls_ioctl(self->fd, MODEMLINE_IOC_ANSWER, &a));
	UNCHANGED(&snap);
}

TEST_F(bad, drop_unknown_flags_is_einval)
{
	const __u32 bad_flags[] = { 1U << 1, 1U << 31, ~0U };
	struct snap snap;
	unsigned int i;

	PREPARE();
	SNAP(&snap);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(-EINVAL, mls_drop(self->fd, self->call, bad_flags[i]))
			TH_LOG("flags %#x", bad_flags[i]);
	}
	UNCHANGED(&snap);
}

TEST_F(bad, deallocate_unknown_flags_is_einval)
{
	const __u32 bad_flags[] = { 1U << 1, 1U << 31, ~0U };
	struct snap snap;
	unsigned int i;

	PREPARE();
	SNAP(&snap);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(-EINVAL, mls_deallocate(self->fd, self->call,
						  bad_flags[i]))
			TH_LOG("flags %#x", bad_flags[i]);
	}
	UNCHANGED(&snap);
}

TEST_F(bad, call_info_unknown_flags_is_einval)
{
	const __u32 bad_flags[] = { 1U << 2, 1U << 31,
				    ~(__u32)(MODEMLINE_CALL_INFO_MONITOR |
					     MODEMLINE_CALL_INFO_VOICE) };
	struct modemline_call_info ci;
	unsigned int i;

	PREPARE();
	for (i = 0; i < ARRAY_SIZE(bad_flags); i++) {
		memset(&ci, 0, sizeof(ci));
		ci.call = self->call;
		ci.flags = bad_flags[i];
		ASSERT_EQ(-EINVAL, mls_ioctl(self->fd, MODEMLINE_IOC_CALL_INFO,
					     &ci))
			TH_LOG("flags %#x", bad_flags[i]);
	}
	/* The output bits are accepted back, and ignored. */
	ci.flags = MODEMLINE_CALL_INFO_MONITOR | MODEMLINE_CALL_INFO_VOICE;
	ASSERT_EQ(0, mls_ioctl(self->fd, MODEMLINE_IOC_CALL_INFO, &ci));
	ASSERT_EQ(0U, ci.flags);
}

TEST_F(bad, line_info_nonzero_reserved_is_einval)
{
	struct modemline_line_info li;

	memset(&li, 0, sizeof(li));
	li.line_id = L0.id;
	li.reserved32 = 1;
	ASSERT_EQ(-EINVAL, mls_ioctl(self->fd, MODEMLINE_IOC_LINE_INFO, &li));
	li.reserved32 = 0;
	li.reserved = 1ULL << 63;
	ASSERT_EQ(-EINVAL, mls_ioctl(self->fd, MODEMLINE_IOC_LINE_INFO, &li));
}

TEST_F(bad, line_list_nonzero_flags_is_einval)
{
	struct modemline_id_list l = { .count = 0, .flags = 1, .ids = 0 };

	ASSERT_EQ(-EINVAL, mls_ioctl(self->fd, MODEMLINE_IOC_LINE_LIST, &l));
	l.flags = 1U << 31;
	ASSERT_EQ(-EINVAL, mls_ioctl(self->fd, MODEMLINE_IOC_LINE_LIST, &l));
	ASSERT_EQ(0U, l.count) TH_LOG("count written on failure");
}

TEST_F(bad, call_list_nonzero_flags_is_einval)
{
	struct modemline_id_list l = { .count = 0, .flags = 1, .ids = 0 };

	PREPARE();
	ASSERT_EQ(-EINVAL, mls_ioctl(self->fd, MODEMLINE_IOC_CALL_LIST, &l));
	l.flags = 1U << 31;
	ASSERT_EQ(-EINVAL, mls_ioctl(self->fd, MODEMLINE_IOC_CALL_LIST, &l));
	ASSERT_EQ(0U, l.count) TH_LOG("count written on failure");
}

/* Every flag but MODEMLINE_SUBSCRIBE_MONITOR is unknown, alone or with it. */
static const __u32 bad_sub_flags[] = {
	1U << 1, 1U << 31, ~0U, MODEMLINE_SUBSCRIBE_MONITOR | (1U << 2),
};

TEST_F(bad, subscribe_unknown_flags_is_einval)
{
	struct modemline_subscribe s = { .line_id = L0.id };
	struct modemline_event ev;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_sub_flags); i++) {
		s.flags = bad_sub_flags[i];
		ASSERT_EQ(-EINVAL, mls_ioctl(self->fd, MODEMLINE_IOC_SUBSCRIBE, &s))
			TH_LOG("flags %#x", bad_sub_flags[i]);
	}
	/* Not subscribed: unsubscribing fails, a ring gives no event. */
	ASSERT_EQ(-ENOENT, mls_unsubscribe(self->fd, L0.id));
	SIM_CTL(&L0, "ring");
	ASSERT_EQ(0, sim_ctl(&L1, "dial busy 0"));
	dial_wait(_metadata, self->fd, L1.id, NUMBER,
		  MODEMLINE_STATE_DISCONNECTED, &ev);
	ASSERT_EQ(-ETIMEDOUT, mls_read_event(self->fd, &ev, 0));
}

TEST_F(bad, subscribe_unknown_flags_makes_no_monitor)
{
	struct modemline_subscribe s = { .line_id = 0 };
	struct modemline_event ev;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_sub_flags); i++) {
		s.flags = bad_sub_flags[i];
		ASSERT_EQ(-EINVAL, mls_ioctl(self->other, MODEMLINE_IOC_SUBSCRIBE, &s))
			TH_LOG("flags %#x", bad_sub_flags[i]);
	}
	/* No monitor handle to a new call, and no CALL_NEW. */
	ASSERT_EQ(0, sim_ctl(&L1, "dial busy 0"));
	dial_wait(_metadata, self->fd, L1.id, NUMBER,
		  MODEMLINE_STATE_DISCONNECTED, &ev);
	ASSERT_EQ(0, mls_call_count(self->other));
	ASSERT_EQ(-ETIMEDOUT, mls_read_event(self->other, &ev, 0));
	s.flags = MODEMLINE_SUBSCRIBE_MONITOR;
	ASSERT_EQ(-ENOENT, mls_ioctl(self->other, MODEMLINE_IOC_UNSUBSCRIBE, &s));
}

TEST_F(bad, unsubscribe_unknown_flags_is_einval)
{
	struct modemline_subscribe s = { .line_id = L0.id };
	unsigned int i;

	ASSERT_EQ(0, mls_subscribe(self->fd, L0.id));
	for (i = 0; i < ARRAY_SIZE(bad_sub_flags); i++) {
		s.flags = bad_sub_flags[i];
		ASSERT_EQ(-EINVAL, mls_ioctl(self->fd, MODEMLINE_IOC_UNSUBSCRIBE, &s))
			TH_LOG("flags %#x", bad_sub_flags[i]);
	}
	/* Still subscribed. */
	ASSERT_EQ(0, mls_unsubscribe(self->fd, L0.id));
}

TEST_F(bad, unsubscribe_monitor_unknown_flags_is_einval)
{
	struct modemline_subscribe s = {
		.line_id = L0.id, .flags = MODEMLINE_SUBSCRIBE_MONITOR,
	};
	unsigned int i;

	ASSERT_EQ(0, mls_ioctl(self->fd, MODEMLINE_IOC_SUBSCRIBE, &s));
	for (i = 0; i < ARRAY_SIZE(bad_sub_flags); i++) {
		s.flags = bad_sub_flags[i];
		ASSERT_EQ(-EINVAL, mls_ioctl(self->fd, MODEMLINE_IOC_UNSUBSCRIBE, &s))
			TH_LOG("flags %#x", bad_sub_flags[i]);
	}
	/* Still monitoring. */
	s.flags = MODEMLINE_SUBSCRIBE_MONITOR;
	ASSERT_EQ(0, mls_ioctl(self->fd, MODEMLINE_IOC_UNSUBSCRIBE, &s));
}

/* CALL_HANDOFF of H with @flags and target @to: what it returns. */
static int handoff_h(int fd, __u32 call, int to, __u32 flags)
{
	struct modemline_call_handoff h = {
		.call = call, .flags = flags, .fd = to,
	};

	return mls_ioctl(fd, MODEMLINE_IOC_CALL_HANDOFF, &h);
}

TEST_F(bad, handoff_nonzero_flags_is_einval)
{
	const __u32 bad_flags[] = { 1U << 0, 1U << 1, 1U << 31, ~0U };
	struct snap snap;
	unsigned int i;

	PREPARE();
	SNAP(&snap);
	for (i = 0; i < ARRAY_SIZE(bad_flags); i++) {
		ASSERT_EQ(-EINVAL, handoff_h(self->fd, self->call, self->other,
					     bad_flags[i]))
			TH_LOG("flags %#x", bad_flags[i]);
	}
	UNCHANGED(&snap);
}

TEST_F(bad, handoff_bad_descriptor_is_ebadf)
{
	const int bad_fds[] = { -1, -2, INT32_MIN, 0x7FFFFFFF, 65536 };
	struct snap snap;
	unsigned int i;
	int null;

	PREPARE();
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, null);
	SNAP(&snap);
	for (i = 0; i < ARRAY_SIZE(bad_fds); i++) {
		ASSERT_EQ(-EBADF, handoff_h(self->fd, self->call, bad_fds[i], 0))
			TH_LOG("fd %d", bad_fds[i]);
	}
	ASSERT_EQ(-EBADF, handoff_h(self->fd, self->call, null, 0));
	UNCHANGED(&snap);
	close(null);
}

TEST_F(bad, handoff_to_itself_is_einval)
{
	struct snap snap;

	PREPARE();
	SNAP(&snap);
	ASSERT_EQ(-EINVAL, handoff_h(self->fd, self->call, self->fd, 0));
	UNCHANGED(&snap);
}

TEST_F(bad, handoff_writes_only_the_new_handle)
{
	struct modemline_call_handoff h, want;

	PREPARE();
	FILL(IOC_CALL_HANDOFF, &h);
	h.new_call = 0xAAAAAAAAU;
	want = h;
	ASSERT_EQ(0, mls_ioctl(self->fd, MODEMLINE_IOC_CALL_HANDOFF, &h));
	ASSERT_NE(0U, h.new_call);
	ASSERT_NE(0xAAAAAAAAU, h.new_call);
	want.new_call = h.new_call;
	ASSERT_EQ(0, memcmp(&want, &h, sizeof(h)))
		TH_LOG("CALL_HANDOFF changed input fields");
	ASSERT_EQ(1, mls_call_listed(self->other, h.new_call));
	ASSERT_EQ(0, mls_call_listed(self->fd, self->call));
}

/* ------------------------------------------------------------------ */
/* Unknown lines.                                                      */

static __u32 removed_line_id(struct __test_metadata *_metadata, int fd,
			     struct sim_line *extra)
{
	ASSERT_EQ(0, sim_line_create(extra));
	SIM_REMOVE(extra);
	wait_line_gone(_metadata, fd, extra->id);
	return extra->id;
}

TEST_F(bad, dial_unknown_line_is_enoent)
{
	__u32 lines[3] = { 0, 0xFFFFFFFFU, 0 }, call;
	struct snap snap;
	unsigned int i;

	PREPARE();
	lines[2] = removed_line_id(_metadata, self->fd, &self->extra);
	SNAP(&snap);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(-ENOENT, mls_dial(self->fd, lines[i], NUMBER, 0, &call))
			TH_LOG("line %u", lines[i]);
	}
	UNCHANGED(&snap);
}

TEST_F(bad, answer_unknown_line_is_enoent)
{
	__u32 lines[3] = { 0, 0xFFFFFFFFU, 0 }, call;
	struct snap snap;
	unsigned int i;

	PREPARE();
	lines[2] = removed_line_id(_metadata, self->fd, &self->extra);
	SNAP(&snap);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(-ENOENT, mls_answer(self->fd, lines[i], &call))
			TH_LOG("line %u", lines[i]);
	}
	UNCHANGED(&snap);
}

TEST_F(bad, line_info_unknown_line_is_enoent)
{
	struct modemline_line_info li;
	__u32 lines[3] = { 0, 0xFFFFFFFFU, 0 };
	unsigned int i;

	lines[2] = removed_line_id(_metadata, self->fd, &self->extra);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(-ENOENT, mls_line_info(self->fd, lines[i], &li))
			TH_LOG("line %u", lines[i]);
	}
}

TEST_F(bad, subscribe_unknown_line_is_enoent)
{
	__u32 lines[2] = { 0xFFFFFFFFU, 0 };
	unsigned int i;

	lines[1] = removed_line_id(_metadata, self->fd, &self->extra);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(-ENOENT, mls_subscribe(self->fd, lines[i]))
			TH_LOG("line %u", lines[i]);
		ASSERT_EQ(-ENOENT, mls_unsubscribe(self->fd, lines[i]))
			TH_LOG("line %u", lines[i]);
	}
}

/* ------------------------------------------------------------------ */
/* DIAL and ANSWER with a read-only argument: the new call is released. */

TEST_F(bad, dial_readonly_arg_is_efault_and_creates_no_call)
{
	size_t ps = mls_page_size();
	__u32 call;
	char *page;

	PREPARE();
	page = mls_guarded_pages(PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, page);
	FILL(IOC_DIAL, page);
	ASSERT_EQ(0, mprotect(page, ps, PROT_READ));
	ASSERT_EQ(-EFAULT, mls_ioctl(self->fd, MODEMLINE_IOC_DIAL, page));
	ASSERT_EQ(1, mls_call_count(self->fd)) TH_LOG("the call was kept");
	/* The released call frees the line again. */
	ASSERT_EQ(0, mls_wait_line_idle(self->fd, L0.id, ML_WAIT_MS));
	ASSERT_EQ(0, mls_dial_retry(self->fd, L0.id, NUMBER, 0, &call,
				    ML_WAIT_MS));
	mls_pages_free(page, 2);
}

TEST_F(bad, answer_readonly_arg_is_efault_and_creates_no_call)
{
	size_t ps = mls_page_size();
	char *page;

	PREPARE();
	page = mls_guarded_pages(PROT_READ | PROT_WRITE);
	ASSERT_NE(NULL, page);
	FILL(IOC_ANSWER, page);
	ASSERT_EQ(0, mprotect(page, ps, PROT_READ));
	ASSERT_EQ(-EFAULT, mls_ioctl(self->fd, MODEMLINE_IOC_ANSWER, page));
	ASSERT_EQ(1, mls_call_count(self->fd)) TH_LOG("the call was kept");
	ASSERT_EQ(0, mls_wait_line_idle(self->fd, L2.id, ML_WAIT_MS));
	mls_pages_free(page, 2);
}

/* ------------------------------------------------------------------ */
/* Output structs: every byte written, unused ones 0.                  */

TEST_F(bad, call_info_fills_every_byte)
{
	struct rec_expect e = {
		.direction = MODEMLINE_DIR_OUTGOING,
		.state = MODEMLINE_STATE_CONNECTED,
		.rate = 33600,
		.number = NUMBER,
		.result = "CONNECT 33600",
		.connected = true,
	};
	struct modemline_call_info ci;

	PREPARE();
	e.line_id = L1.id;
	/* mls_call_info() fills everything but call and flags with 0xAA. */
	ASSERT_EQ(0, mls_call_info(self->fd, self->call, &ci));
	check_record(_metadata, &ci, self->call, &e);
}

TEST_F(bad, line_info_fills_every_byte)
{
	struct modemline_line_info li;

	PREPARE();
	check_new_line_info(_metadata, self->fd, L2.id, MODEMLINE_TRANSPORT_SIM,
			    L2.name, MODEMLINE_LINE_OFFERING, 1, CALLER_ID);

	ASSERT_EQ(0, mls_line_info(self->fd, L1.id, &li));
	ASSERT_EQ(U32(MODEMLINE_LINE_BUSY), li.flags);
	ASSERT_EQ(0U, li.rings);
	ASSERT_TRUE(mls_all_zero(li.offered_number, sizeof(li.offered_number)));
	ASSERT_STR_FIELD(L1.name, li.name);
	ASSERT_EQ(1ULL, li.calls);
	ASSERT_EQ(1ULL, li.calls_connected);
}

TEST_F(bad, dial_writes_only_the_handle)
{
	struct modemline_dial d, want;

	FILL(IOC_DIAL, &d);
	d.call = 0xAAAAAAAAU;
	want = d;
	ASSERT_EQ(0, mls_ioctl(self->fd, MODEMLINE_IOC_DIAL, &d));
	ASSERT_NE(0U, d.call);
	ASSERT_NE(0xAAAAAAAAU, d.call);
	want.call = d.call;
	ASSERT_EQ(0, memcmp(&want, &d, sizeof(d)))
		TH_LOG("DIAL changed input fields");
}

TEST_F(bad, id_list_writes_no_slot_past_count)
{
	__u32 ids[16], count;

	PREPARE();
	memset(ids, ML_POISON, sizeof(ids));
	ASSERT_EQ(0, mls_call_list(self->fd, ids, 16, &count));
	ASSERT_EQ(1U, count);
	ASSERT_EQ(self->call, ids[0]);
	ASSERT_EQ(0xAAAAAAAAU, ids[1]);
	ASSERT_EQ(0xAAAAAAAAU, ids[15]);
}

/* ------------------------------------------------------------------ */
/* Handles this file does not hold.                                    */

/*
 * The fixture's data and its variant, each in a type of ours that the
 * helpers below can take (those of FIXTURE_DATA() and FIXTURE_VARIANT()
 * are the harness's).
 */
struct handle_env {
	int fd;
	int other;	/* CALL_HANDOFF's target */
	struct sim_line line;
	__u32 call;	/* a live call that must survive it all */
	__u32 released;	/* a handle that was issued, then released */
};

struct handle_op {
	int op;		/* 0 DROP, 1 DEALLOCATE, 2 CALL_INFO, 3 CALL_HANDOFF */
	__u32 flags;
};

FIXTURE(handle) {
	struct handle_env h;
};

FIXTURE_VARIANT(handle) {
	struct handle_op o;
};

FIXTURE_VARIANT_ADD(handle, drop) { .o = { .op = 0, .flags = 0 } };
FIXTURE_VARIANT_ADD(handle, drop_wait) {
	.o = { .op = 0, .flags = MODEMLINE_DROP_WAIT }
};

FIXTURE_VARIANT_ADD(handle, deallocate) { .o = { .op = 1, .flags = 0 } };
FIXTURE_VARIANT_ADD(handle, deallocate_drop) {
	.o = { .op = 1, .flags = MODEMLINE_DEALLOCATE_DROP }
};

FIXTURE_VARIANT_ADD(handle, call_info) { .o = { .op = 2, .flags = 0 } };

FIXTURE_VARIANT_ADD(handle, call_handoff) { .o = { .op = 3, .flags = 0 } };

FIXTURE_SETUP(handle)
{
	ML_OPEN(self->h.fd, 0);
	ML_OPEN(self->h.other, 0);
	SIM_CREATE_LINES(&self->h.line, 1);
}

FIXTURE_TEARDOWN_PARENT(handle)
{
	sim_line_remove(&self->h.line);
}

static void handle_prepare(struct __test_metadata *_metadata,
			   struct handle_env *h)
{
	struct modemline_event ev;

	SIM_CTL(&h->line, "dial busy 0");
	h->released = dial_wait(_metadata, h->fd, h->line.id, NUMBER,
				MODEMLINE_STATE_DISCONNECTED, &ev);
	ASSERT_EQ(0, mls_deallocate(h->fd, h->released, 0));
	SIM_CTL(&h->line, "dial connect 0 33600");
	h->call = dial_wait(_metadata, h->fd, h->line.id, NUMBER,
			    MODEMLINE_STATE_CONNECTED, &ev);
}

static int handle_op(const struct handle_env *h, const struct handle_op *o,
		     __u32 call)
{
	struct modemline_call_info ci;

	switch (o->op) {
	case 0:
		return mls_drop(h->fd, call, o->flags);
	case 1:
		return mls_deallocate(h->fd, call, o->flags);
	case 3:
		return handoff_h(h->fd, call, h->other, o->flags);
	default:
		return mls_call_info(h->fd, call, &ci);
	}
}

static void handle_check(struct __test_metadata *_metadata,
			 const struct handle_env *h, const struct handle_op *o,
			 __u32 call)
{
	struct modemline_call_info ci;

	ASSERT_EQ(-ENOENT, handle_op(h, o, call))
		TH_LOG("handle %#x", call);
	/* The file's real call is untouched. */
	ASSERT_EQ(0, mls_call_info(h->fd, h->call, &ci));
	ASSERT_EQ(U32(MODEMLINE_STATE_CONNECTED), ci.state);
	ASSERT_EQ(1, mls_call_count(h->fd));
	ASSERT_EQ(0, mls_call_count(h->other));
}

TEST_F(handle, handle_zero_is_enoent)
{
	handle_prepare(_metadata, &self->h);
	handle_check(_metadata, &self->h, &variant->o, 0);
}

TEST_F(handle, handle_all_ones_is_enoent)
{
	handle_prepare(_metadata, &self->h);
	handle_check(_metadata, &self->h, &variant->o, 0xFFFFFFFFU);
}

TEST_F(handle, handle_never_issued_is_enoent)
{
	handle_prepare(_metadata, &self->h);
	handle_check(_metadata, &self->h, &variant->o, self->h.call + 1);
	handle_check(_metadata, &self->h, &variant->o, self->h.call + 12345);
	handle_check(_metadata, &self->h, &variant->o, 0x80000000U);
}

TEST_F(handle, handle_released_is_enoent)
{
	handle_prepare(_metadata, &self->h);
	handle_check(_metadata, &self->h, &variant->o, self->h.released);
}

/* ------------------------------------------------------------------ */
/* LINE_LIST / CALL_LIST with an unusable ids array.                   */

FIXTURE(ids) {
	int fd;
	struct sim_line line[2];
	char *pages;
};

enum ids_kind { IDS_NULL, IDS_UNMAPPED, IDS_PROT_NONE, IDS_READONLY,
		IDS_KERNEL, IDS_CROSSING };

FIXTURE_VARIANT(ids) {
	enum ids_kind kind;
};

FIXTURE_VARIANT_ADD(ids, null) { .kind = IDS_NULL };
FIXTURE_VARIANT_ADD(ids, unmapped) { .kind = IDS_UNMAPPED };
FIXTURE_VARIANT_ADD(ids, prot_none) { .kind = IDS_PROT_NONE };
FIXTURE_VARIANT_ADD(ids, readonly) { .kind = IDS_READONLY };
FIXTURE_VARIANT_ADD(ids, kernel_address) { .kind = IDS_KERNEL };
/* Room for one id in writable memory, the second slot is PROT_NONE. */
FIXTURE_VARIANT_ADD(ids, crossing_into_prot_none) { .kind = IDS_CROSSING };

FIXTURE_SETUP(ids)
{
	ML_OPEN(self->fd, 0);
	SIM_CREATE_LINES(self->line, 2);
}

FIXTURE_TEARDOWN_PARENT(ids)
{
	sim_lines_remove(self->line, 2);
}

/*
 * The ids pointer for @kind; memory it maps is left in *@pages (the
 * fixture's).
 */
static __u64 bad_ids(struct __test_metadata *_metadata, enum ids_kind kind,
		     char **pages)
{
	size_t ps = mls_page_size();
	void *p = NULL;

	switch (kind) {
	case IDS_NULL:
		p = NULL;
		break;
	case IDS_UNMAPPED:
		p = mls_unmapped_addr();
		ASSERT_NE(NULL, p);
		break;
	case IDS_PROT_NONE:
		p = mls_prot_none_page();
		ASSERT_NE(NULL, p);
		break;
	case IDS_READONLY:
		*pages = mls_guarded_pages(PROT_READ);
		ASSERT_NE(NULL, *pages);
		p = *pages;
		break;
	case IDS_KERNEL:
		p = KERNEL_ADDR;
		break;
	case IDS_CROSSING:
		*pages = mls_guarded_pages(PROT_READ | PROT_WRITE);
		ASSERT_NE(NULL, *pages);
		p = *pages + ps - sizeof(__u32);
		break;
	}
	return (__u64)(uintptr_t)p;
}

/* @cmd on file @fd with the ids pointer for @kind (see bad_ids()). */
static void ids_check(struct __test_metadata *_metadata, int fd,
		      enum ids_kind kind, char **pages, unsigned long cmd)
{
	struct modemline_id_list l;

	memset(&l, 0, sizeof(l));
	l.count = 4;
	l.ids = bad_ids(_metadata, kind, pages);
	ASSERT_EQ(-EFAULT, mls_ioctl(fd, cmd, &l));
	ASSERT_EQ(4U, l.count) TH_LOG("count written on failure");
	ASSERT_EQ(0U, l.flags);
}

TEST_F(ids, line_list_bad_ids_is_efault)
{
	ids_check(_metadata, self->fd, variant->kind, &self->pages,
		  MODEMLINE_IOC_LINE_LIST);
}

TEST_F(ids, call_list_bad_ids_is_efault)
{
	struct modemline_event ev;
	__u32 c0, c1;

	/* Two calls, so that even the crossing array overflows. */
	c0 = dial_wait(_metadata, self->fd, self->line[0].id, NUMBER,
		       MODEMLINE_STATE_CONNECTED, &ev);
	c1 = dial_wait(_metadata, self->fd, self->line[1].id, NUMBER,
		       MODEMLINE_STATE_CONNECTED, &ev);
	ids_check(_metadata, self->fd, variant->kind, &self->pages,
		  MODEMLINE_IOC_CALL_LIST);
	/* Nothing happened to them. */
	ASSERT_EQ(2, mls_call_count(self->fd));
	ASSERT_EQ(1, mls_call_listed(self->fd, c0));
	ASSERT_EQ(1, mls_call_listed(self->fd, c1));
}

/* ------------------------------------------------------------------ */
/* Dial strings.                                                       */

FIXTURE(number) {
	int fd;
	struct sim_line line;
};

FIXTURE_VARIANT(number) {
	const char *number;	/* NULL: 48 digits, no NUL */
	bool valid;
};

FIXTURE_VARIANT_ADD(number, empty) { .number = "" };
FIXTURE_VARIANT_ADD(number, unterminated) { .number = NULL };
FIXTURE_VARIANT_ADD(number, space) { .number = "555 1234" };
FIXTURE_VARIANT_ADD(number, dash) { .number = "555-1234" };
FIXTURE_VARIANT_ADD(number, dot) { .number = "555.1234" };
FIXTURE_VARIANT_ADD(number, lowercase_a) { .number = "555a" };
FIXTURE_VARIANT_ADD(number, letter_e) { .number = "555E" };
FIXTURE_VARIANT_ADD(number, letter_r) { .number = "R555" };
FIXTURE_VARIANT_ADD(number, newline) { .number = "5551234\n" };
FIXTURE_VARIANT_ADD(number, carriage_return) { .number = "555\r1234" };
FIXTURE_VARIANT_ADD(number, at_command) { .number = "1;ATH" };
FIXTURE_VARIANT_ADD(number, high_bit) { .number = "555\xe9" };
FIXTURE_VARIANT_ADD(number, control_char) { .number = "555\x01" };
FIXTURE_VARIANT_ADD(number, quote) { .number = "\"555\"" };

FIXTURE_VARIANT_ADD(number, all_valid_chars) {
	.number = "0123456789*#+,;!@ABCDPTWpw", .valid = true
};

FIXTURE_VARIANT_ADD(number, one_digit) { .number = "5", .valid = true };
FIXTURE_VARIANT_ADD(number, longest) {
	.number = "12345678901234567890123456789012345678901234567",
	.valid = true
};

FIXTURE_SETUP(number)
{
	ML_OPEN(self->fd, 0);
	SIM_CREATE_LINES(&self->line, 1);
}

FIXTURE_TEARDOWN_PARENT(number)
{
	sim_line_remove(&self->line);
}

TEST_F(number, dial_checks_number)
{
	struct modemline_line_info li;
	struct modemline_call_info ci;
	struct modemline_dial d;
	int ret;

	memset(&d, 0, sizeof(d));
	d.line_id = self->line.id;
	if (variant->number) {
		ASSERT_GT(sizeof(d.number), strlen(variant->number));
		snprintf(d.number, sizeof(d.number), "%s", variant->number);
	} else {
		memset(d.number, '1', sizeof(d.number));
	}
	ret = mls_ioctl(self->fd, MODEMLINE_IOC_DIAL, &d);
	if (!variant->valid) {
		ASSERT_EQ(-EINVAL, ret);
		ASSERT_EQ(0, mls_call_count(self->fd));
		ASSERT_EQ(0, mls_line_info(self->fd, self->line.id, &li));
		ASSERT_EQ(0ULL, li.calls);
		ASSERT_EQ(0U, li.flags);
		return;
	}
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, mls_call_info(self->fd, d.call, &ci));
	ASSERT_STR_FIELD(variant->number, ci.number);
}

TEST_HARNESS_MAIN

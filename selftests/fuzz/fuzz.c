// SPDX-License-Identifier: GPL-2.0
/*
 * modemline fuzzer: seeded random sequences of every /dev/modemline
 * ioctl (monitor subscriptions and CALL_HANDOFF between the files it has
 * open, or to descriptors that are none), read, poll, close, dup, fork
 * and data-descriptor operation, with
 * random and boundary arguments and bad pointers, from several threads at
 * once, over simulated lines (scripted at random through modemline_sim's
 * debugfs) and pty lines whose "modem" (a thread per line on the pty
 * master) sends random output: result codes, partial result codes,
 * garbage, RINGs, long lines, and hang-ups (the master is closed and a
 * new pty line made).
 *
 *   fuzz [-s SEED] [-t THREADS] [-d SECONDS] [-n OPS] [-l SIMLINES]
 *        [-p PTYLINES] [-v]
 *
 * Bounded by time (-d, default 10) and operations (-n, default
 * unlimited). Every result is checked against what the ABI documents for
 * that operation (an errno outside the documented set, or a malformed
 * record, is "unexpected"); the kernel log is scanned for checker reports
 * (KASAN, UBSAN, lockdep, WARNING, ...) written meanwhile. Prints the
 * seed, operations executed per kind, unexpected results and sanitizer
 * reports; exits 0 only if both are 0. Threads draw from their own
 * seeded generator: a seed replays each thread's operation sequence,
 * though thread interleaving is up to the scheduler.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "hard.h"

#define MAX_THREADS	16
#define NSLOTS		24
#define NHANDLES	64
#define MAX_SIM		8
#define MAX_PTY		4
#define NLINES		64
#define SIM_ROOT	"/sys/kernel/debug/modemline_sim"
#define PARAMS		"/sys/module/modemline/parameters"

enum kind { K_NONE, K_ML, K_DATA };

struct slot {
	pthread_rwlock_t lk;	/* read: using the fd; write: replacing it */
	int fd;
	enum kind kind;
};

static struct slot slots[NSLOTS];
static atomic_uint handles[NHANDLES];
static atomic_uint line_ids[NLINES];
static int nsim, npty, verbose;
static char sim_names[MAX_SIM][32];
static pthread_mutex_t sim_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ptyline ptys[MAX_PTY];
static pthread_mutex_t pty_lock[MAX_PTY];
static atomic_bool stop;
static __u64 deadline_ms;
static long max_ops;
static atomic_long total_ops;

/* Operation counters, printed at the end. */
enum {
	C_IOCTL, C_READ, C_POLL, C_OPEN, C_CLOSE, C_DUP, C_FORK, C_DATA,
	C_SIMCTL, C_TTY, C_MODEM, C_HANGUP, C_COUNT
};

static const char *const cnames[C_COUNT] = {
	"ioctl", "read", "poll", "open", "close", "dup", "fork", "data",
	"simctl", "ttyioctl", "modem-output", "hangup",
};

static atomic_long counts[C_COUNT];
/* What the operations reached: connected calls seen, data bytes moved. */
static atomic_long seen_connected, data_in, data_out;
/* Issue 17: calls handed off, monitor handles announced, calls missed. */
static atomic_long handoffs, seen_call_new, seen_call_missed;
static atomic_long unexpected;

static dev_t mls_rdev;
static void *bad_unmapped, *guard_page, *ro_page;
static size_t page;

/* ------------------------------------------------------------------ */
/* Randomness: xorshift64*, one state per thread.                      */

struct rng { __u64 s; };

static __u64 rnd(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 2685821657736338717ULL;
}

static unsigned int below(struct rng *r, unsigned int n)
{
	return n ? rnd(r) % n : 0;
}

static bool chance(struct rng *r, unsigned int pct)
{
	return below(r, 100) < pct;
}

static void bad(const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	int n;

	atomic_fetch_add(&unexpected, 1);
	va_start(ap, fmt);
	n = snprintf(msg, sizeof(msg), "fuzz: unexpected: ");
	n += vsnprintf(msg + n, sizeof(msg) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(msg) - 2)
		n = sizeof(msg) - 2;
	msg[n++] = '\n';
	/* write(), not stdio: forked children call this too. */
	if (write(2, msg, n) < 0)
		return;
}

static bool done(void)
{
	return atomic_load(&stop) || hard_now_ms() >= deadline_ms ||
	       (max_ops && atomic_load(&total_ops) >= max_ops);
}

static void count(int c)
{
	atomic_fetch_add(&counts[c], 1);
	atomic_fetch_add(&total_ops, 1);
}

/* ------------------------------------------------------------------ */
/* Arguments                                                           */

static __u32 pick_u32(struct rng *r)
{
	static const __u32 edge[] = { 0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe,
				      0xffffffff, 1024, 1025, 65536 };

	return chance(r, 50) ? edge[below(r, 10)] : (__u32)rnd(r);
}

static __u32 pick_line(struct rng *r)
{
	__u32 id = atomic_load(&line_ids[below(r, NLINES)]);

	if (chance(r, 85) && id)
		return id;
	return pick_u32(r);
}

static __u32 pick_handle(struct rng *r)
{
	__u32 h = atomic_load(&handles[below(r, NHANDLES)]);

	if (chance(r, 85) && h)
		return h;
	return chance(r, 50) ? below(r, 8) : pick_u32(r);
}

static void note_handle(struct rng *r, __u32 h)
{
	if (h)
		atomic_store(&handles[below(r, NHANDLES)], h);
}

static void note_line(__u32 id)
{
	int i;

	for (i = 0; i < NLINES; i++) {
		__u32 zero = 0;

		if (atomic_load(&line_ids[i]) == id)
			return;
		if (atomic_compare_exchange_strong(&line_ids[i], &zero, id))
			return;
	}
	atomic_store(&line_ids[id % NLINES], id);
}

/* Flags: mostly valid ones, sometimes any bit. */
static __u32 pick_flags(struct rng *r, __u32 valid)
{
	if (chance(r, 70))
		return rnd(r) & valid;
	return chance(r, 50) ? (1u << below(r, 32)) : (__u32)rnd(r);
}

static void pick_number(struct rng *r, char *num, size_t len)
{
	static const char ok[] = "0123456789*#+,;!@ABCDPTWpw";
	size_t n, i;

	memset(num, 0, len);
	switch (below(r, 10)) {
	case 0:		/* empty */
		return;
	case 1:		/* no NUL */
		memset(num, '5', len);
		return;
	case 2:		/* a bad character */
		snprintf(num, len, "555x1234");
		return;
	case 3:		/* longest valid */
		memset(num, '9', len - 1);
		return;
	default:
		n = 1 + below(r, 12);
		for (i = 0; i < n; i++)
			num[i] = ok[below(r, sizeof(ok) - 1)];
		if (chance(r, 10))
			num[n + 1] = 'Z';	/* junk after the NUL: ignored */
	}
}

/* Where the argument goes: the good buffer, or one of the bad ones. */
static void *pick_ptr(struct rng *r, void *good, size_t size, bool out)
{
	unsigned int k = below(r, 100);

	if (k < 88)
		return good;
	if (k < 90)
		return NULL;
	if (k < 93)
		return bad_unmapped;
	if (k < 97)	/* straddles into a PROT_NONE page */
		return (char *)guard_page + page - 1 - below(r, size);
	if (out)	/* readable, not writable: copy_to_user fails */
		return ro_page;
	return (char *)ro_page + page - size;
}

/* ------------------------------------------------------------------ */
/* Slots                                                               */

static int slot_get(struct rng *r, enum kind want, struct slot **out)
{
	int i, start = below(r, NSLOTS);

	for (i = 0; i < NSLOTS; i++) {
		struct slot *s = &slots[(start + i) % NSLOTS];

		if (pthread_rwlock_tryrdlock(&s->lk))
			continue;
		if (s->fd >= 0 && (want == K_NONE || s->kind == want)) {
			*out = s;
			return s->fd;
		}
		pthread_rwlock_unlock(&s->lk);
	}
	return -1;
}

static void slot_put(struct slot *s)
{
	pthread_rwlock_unlock(&s->lk);
}

/* Put @fd of @kind into a free slot (or close it if there is none). */
static void slot_add(struct rng *r, int fd, enum kind kind)
{
	int i, start = below(r, NSLOTS);

	for (i = 0; i < NSLOTS; i++) {
		struct slot *s = &slots[(start + i) % NSLOTS];

		if (pthread_rwlock_trywrlock(&s->lk))
			continue;
		if (s->fd < 0) {
			s->fd = fd;
			s->kind = kind;
			pthread_rwlock_unlock(&s->lk);
			return;
		}
		pthread_rwlock_unlock(&s->lk);
	}
	close(fd);
}

/* ------------------------------------------------------------------ */
/* Checks of what came back                                            */

static bool str_ok(const char *s, size_t len)
{
	size_t n = strnlen(s, len), i;

	if (n == len)
		return false;
	for (i = n; i < len; i++)
		if (s[i])
			return false;
	return true;
}

static bool errno_in(int e, const int *set)
{
	for (; *set; set++)
		if (*set == e)
			return true;
	return false;
}

#define ERRS(...) ((const int[]){ __VA_ARGS__, 0 })

static void check_call_info(const struct modemline_call_info *ci, __u32 h)
{
	/* DISCONNECTED (5), and only then, has an end time; and an origin. */
	bool ended = ci->state == 5, has_end = ci->disconnected_ns != 0;

	if (ci->call != h ||
	    (ci->flags & ~(MODEMLINE_CALL_INFO_MONITOR | MODEMLINE_CALL_INFO_VOICE)) ||
	    !ci->direction || ci->direction > 2 ||
	    !ci->state || ci->state > 5 || ci->origin > 3 || ci->reason > 11 ||
	    !str_ok(ci->number, sizeof(ci->number)) ||
	    !str_ok(ci->result, sizeof(ci->result)) ||
	    !str_ok(ci->cause, sizeof(ci->cause)) || !ci->created_ns ||
	    ended != has_end || (ended && !ci->origin))
		bad("CALL_INFO %u: malformed record (state %u dir %u origin %u reason %u)",
		    h, ci->state, ci->direction, ci->origin, ci->reason);
}

static void check_line_info(const struct modemline_line_info *li, __u32 id)
{
	if (li->line_id != id || !li->transport || li->transport > 2 ||
	    li->dialect > MODEMLINE_DIALECT_3GPP || li->reserved32 ||
	    li->reserved || (li->flags & ~7u) ||
	    !str_ok(li->name, sizeof(li->name)) ||
	    !str_ok(li->offered_number, sizeof(li->offered_number)) ||
	    li->calls_connected + li->calls_failed > li->calls)
		bad("LINE_INFO %u: malformed record", id);
}

static void check_ids(const __u32 *ids, __u32 n, const char *what)
{
	__u32 i;

	for (i = 0; i < n; i++)
		if (!ids[i] || (i && ids[i] <= ids[i - 1]))
			bad("%s: ids not ascending or 0", what);
}

/* ------------------------------------------------------------------ */
/* /dev/modemline ioctls                                               */

union arg {
	struct modemline_id_list list;
	struct modemline_line_info li;
	struct modemline_subscribe sub;
	struct modemline_dial dial;
	struct modemline_answer ans;
	struct modemline_call_op op;
	struct modemline_call_info ci;
	struct modemline_call_data cd;
	struct modemline_call_handoff ho;
	char raw[256];
};

/*
 * CALL_HANDOFF's target: mostly another /dev/modemline file of ours (its
 * slot held in *@held for the ioctl, so its number stays what it is),
 * else this same descriptor, a data descriptor, stdin, or a number that
 * may be anything or nothing. A forked child takes no locks and its copy
 * of the slots may be stale: any result is in the documented set.
 */
static int pick_target(struct rng *r, int fd, bool child, struct slot **held)
{
	int k = below(r, 100);

	*held = NULL;
	if (child)
		return k < 80 ? slots[below(r, NSLOTS)].fd : (int)pick_u32(r);
	if (k < 60) {
		int t = slot_get(r, K_ML, held);

		if (t >= 0)
			return t;
	} else if (k < 70) {
		return fd;
	} else if (k < 80) {
		int t = slot_get(r, K_DATA, held);

		if (t >= 0)
			return t;
	} else if (k < 85) {
		return 0;
	}
	return chance(r, 50) ? (int)below(r, 64) - 1 : (int)pick_u32(r);
}

/* One random ioctl on @fd. @child: no waits, no new descriptors kept. */
static void fuzz_ioctl(struct rng *r, int fd, bool child)
{
	union arg a;
	__u32 ids[16];
	void *p;
	int ret, e, which = below(r, 14);
	unsigned long cmd;
	__u32 slots_given;
	bool good;

	memset(&a, 0, sizeof(a));
	count(C_IOCTL);
	switch (which) {
	case 0:
	case 1:
		cmd = which ? MODEMLINE_IOC_CALL_LIST : MODEMLINE_IOC_LINE_LIST;
		a.list.count = chance(r, 70) ? below(r, 17) : pick_u32(r);
		a.list.flags = pick_flags(r, 0);
		a.list.ids = (uintptr_t)(chance(r, 90) ? (void *)ids :
			     pick_ptr(r, ids, sizeof(ids), true));
		if (a.list.count > 16 && a.list.ids == (uintptr_t)ids)
			a.list.count = 16;
		p = pick_ptr(r, &a, sizeof(a.list), true);
		good = p == &a;
		slots_given = a.list.count;
		ret = ioctl(fd, cmd, p);
		e = errno;
		/* A child's copy of the slots may name a descriptor closed meanwhile. */
		if (child && ret && (e == EBADF || e == ENOTTY))
			return;
		if (ret && !errno_in(e, ERRS(EINVAL, EFAULT, ENOMEM)))
			bad("%s: errno %d", which ? "CALL_LIST" : "LINE_LIST", e);
		if (!ret && good && a.list.ids == (uintptr_t)ids) {
			__u32 n = a.list.count < slots_given ? a.list.count : slots_given;

			check_ids(ids, n, which ? "CALL_LIST" : "LINE_LIST");
			if (!child) {
				while (n--)
					which ? note_handle(r, ids[n]) : note_line(ids[n]);
			}
		}
		break;
	case 2:
		a.li.line_id = pick_line(r);
		if (chance(r, 10)) {
			if (chance(r, 50))
				a.li.reserved = pick_u32(r);
			else if (chance(r, 50))
				a.li.reserved32 = pick_u32(r);
			else
				a.li.dialect = pick_u32(r);
		}
		p = pick_ptr(r, &a, sizeof(a.li), true);
		good = p == &a;
		ret = ioctl(fd, MODEMLINE_IOC_LINE_INFO, p);
		e = errno;
		/* A child's copy of the slots may name a descriptor closed meanwhile. */
		if (child && ret && (e == EBADF || e == ENOTTY))
			return;
		if (ret && !errno_in(e, ERRS(ENOENT, EINVAL, EFAULT)))
			bad("LINE_INFO: errno %d", e);
		if (!ret && good)
			check_line_info(&a.li, a.li.line_id);
		break;
	case 3:
		a.sub.line_id = chance(r, 20) ? 0 : pick_line(r);
		a.sub.flags = pick_flags(r, MODEMLINE_SUBSCRIBE_MONITOR);
		cmd = chance(r, 60) ? MODEMLINE_IOC_SUBSCRIBE : MODEMLINE_IOC_UNSUBSCRIBE;
		ret = ioctl(fd, cmd, pick_ptr(r, &a, sizeof(a.sub), false));
		e = errno;
		/* A child's copy of the slots may name a descriptor closed meanwhile. */
		if (child && ret && (e == EBADF || e == ENOTTY))
			return;
		if (ret && !errno_in(e, ERRS(ENOENT, EINVAL, EFAULT, ENOMEM)))
			bad("(UN)SUBSCRIBE: errno %d", e);
		break;
	case 4:
	case 5:
		a.dial.line_id = pick_line(r);
		a.dial.flags = pick_flags(r, MODEMLINE_DIAL_VOICE);
		pick_number(r, a.dial.number, sizeof(a.dial.number));
		a.dial.timeout_ms = chance(r, 30) ? 0 : below(r, 3000);
		if (chance(r, 5))
			a.dial.reserved = rnd(r);
		p = pick_ptr(r, &a, sizeof(a.dial), true);
		ret = ioctl(fd, MODEMLINE_IOC_DIAL, p);
		e = errno;
		/* A child's copy of the slots may name a descriptor closed meanwhile. */
		if (child && ret && (e == EBADF || e == ENOTTY))
			return;
		/* A voice dial on a line that is not 3GPP: EOPNOTSUPP. */
		if (ret && !errno_in(e, ERRS(ENOENT, EBUSY, EINVAL, EOPNOTSUPP, EMFILE,
					     ENOMEM, EFAULT)))
			bad("DIAL: errno %d", e);
		if (!ret && p == &a && !child) {
			if (!a.dial.call)
				bad("DIAL: handle 0");
			note_handle(r, a.dial.call);
			/* Often take the data stream at once, to exercise it. */
			if (chance(r, 50)) {
				struct modemline_call_data cd = { .call = a.dial.call,
					.flags = MODEMLINE_DATA_NONBLOCK };

				if (!ioctl(fd, MODEMLINE_IOC_CALL_DATA, &cd))
					slot_add(r, cd.fd, K_DATA);
				/* A voice call (a tty line set to 3gpp) has no data. */
				else if (!errno_in(errno, ERRS(ENOENT, EBUSY, ENOTCONN, EMFILE,
							       EOPNOTSUPP)))
					bad("CALL_DATA after DIAL: errno %d", errno);
			}
		}
		break;
	case 6:
		a.ans.line_id = pick_line(r);
		a.ans.flags = pick_flags(r, 0);
		if (chance(r, 5))
			a.ans.reserved = rnd(r);
		p = pick_ptr(r, &a, sizeof(a.ans), true);
		ret = ioctl(fd, MODEMLINE_IOC_ANSWER, p);
		e = errno;
		/* A child's copy of the slots may name a descriptor closed meanwhile. */
		if (child && ret && (e == EBADF || e == ENOTTY))
			return;
		if (ret && !errno_in(e, ERRS(ENOENT, ESRCH, EBUSY, EINVAL, EMFILE, ENOMEM, EFAULT)))
			bad("ANSWER: errno %d", e);
		if (!ret && p == &a && !child)
			note_handle(r, a.ans.call);
		break;
	case 7:
		a.op.call = pick_handle(r);
		a.op.flags = pick_flags(r, child ? 0 : MODEMLINE_DROP_WAIT);
		if (child)
			a.op.flags &= ~MODEMLINE_DROP_WAIT;
		ret = ioctl(fd, MODEMLINE_IOC_DROP, pick_ptr(r, &a, sizeof(a.op), false));
		e = errno;
		/* A child's copy of the slots may name a descriptor closed meanwhile. */
		if (child && ret && (e == EBADF || e == ENOTTY))
			return;
		/* EPERM: a monitor handle. */
		if (ret && !errno_in(e, ERRS(ENOENT, EPERM, EINVAL, EINTR, EFAULT)))
			bad("DROP: errno %d", e);
		break;
	case 8:
		a.op.call = pick_handle(r);
		a.op.flags = pick_flags(r, MODEMLINE_DEALLOCATE_DROP);
		ret = ioctl(fd, MODEMLINE_IOC_DEALLOCATE, pick_ptr(r, &a, sizeof(a.op), false));
		e = errno;
		/* A child's copy of the slots may name a descriptor closed meanwhile. */
		if (child && ret && (e == EBADF || e == ENOTTY))
			return;
		if (ret && !errno_in(e, ERRS(EBUSY, ENOENT, EPERM, EINVAL, EFAULT)))
			bad("DEALLOCATE: errno %d", e);
		if (ret && e == EPERM && !(a.op.flags & MODEMLINE_DEALLOCATE_DROP))
			bad("DEALLOCATE without DROP: EPERM");
		break;
	case 9:
	case 10:
		a.ci.call = pick_handle(r);
		a.ci.flags = pick_flags(r, 0);
		p = pick_ptr(r, &a, sizeof(a.ci), true);
		good = p == &a;
		ret = ioctl(fd, MODEMLINE_IOC_CALL_INFO, p);
		e = errno;
		/* A child's copy of the slots may name a descriptor closed meanwhile. */
		if (child && ret && (e == EBADF || e == ENOTTY))
			return;
		if (ret && !errno_in(e, ERRS(ENOENT, EINVAL, EFAULT)))
			bad("CALL_INFO: errno %d", e);
		if (!ret && good) {
			check_call_info(&a.ci, a.ci.call);
			if (a.ci.state == MODEMLINE_STATE_CONNECTED)
				atomic_fetch_add(&seen_connected, 1);
		}
		break;
	case 11:
		a.cd.call = pick_handle(r);
		a.cd.flags = pick_flags(r, MODEMLINE_DATA_NONBLOCK);
		if (chance(r, 5))
			a.cd.reserved = rnd(r);
		a.cd.fd = -1;
		p = pick_ptr(r, &a, sizeof(a.cd), true);
		ret = ioctl(fd, MODEMLINE_IOC_CALL_DATA, p);
		e = errno;
		/* A child's copy of the slots may name a descriptor closed meanwhile. */
		if (child && ret && (e == EBADF || e == ENOTTY))
			return;
		if (ret && !errno_in(e, ERRS(ENOENT, EPERM, EINVAL, EBUSY, ENOTCONN,
					     EOPNOTSUPP, EMFILE, ENFILE, ENOMEM, EFAULT)))
			bad("CALL_DATA: errno %d", e);
		if (!ret && p == &a) {
			if (a.cd.fd < 0) {
				bad("CALL_DATA: fd %d", a.cd.fd);
			} else if (child) {
				close(a.cd.fd);
			} else {
				/* Blocking descriptors are only ever used non-blocking. */
				fcntl(a.cd.fd, F_SETFL, O_NONBLOCK);
				slot_add(r, a.cd.fd, K_DATA);
			}
		}
		break;
	case 12: {
		struct slot *held;

		a.ho.call = pick_handle(r);
		a.ho.flags = pick_flags(r, 0);
		a.ho.fd = pick_target(r, fd, child, &held);
		a.ho.new_call = (__u32)rnd(r);
		p = pick_ptr(r, &a, sizeof(a.ho), true);
		ret = ioctl(fd, MODEMLINE_IOC_CALL_HANDOFF, p);
		e = errno;
		if (held)
			slot_put(held);
		/* A child's copy of the slots may name a descriptor closed meanwhile. */
		if (child && ret && (e == EBADF || e == ENOTTY))
			return;
		if (ret && !errno_in(e, ERRS(ENOENT, EPERM, EBADF, EINVAL, EMFILE,
					     ENOMEM, EFAULT)))
			bad("CALL_HANDOFF: errno %d", e);
		if (!ret && a.ho.fd == fd)
			bad("CALL_HANDOFF to the same descriptor succeeded");
		if (!ret && p == &a) {
			if (!a.ho.new_call)
				bad("CALL_HANDOFF: handle 0");
			atomic_fetch_add(&handoffs, 1);
			if (!child)
				note_handle(r, a.ho.new_call);
		}
		break;
	}
	default:
		/* Unknown commands: other numbers, sizes and directions. */
		switch (below(r, 4)) {
		case 0:
			cmd = _IOC(below(r, 4), MODEMLINE_IOC_MAGIC, below(r, 256), below(r, 300));
			break;
		case 1:
			cmd = _IOWR(MODEMLINE_IOC_MAGIC, 0x10, struct modemline_answer);
			break;
		case 2:
			cmd = MODEMLINE_TIOCGLINE;
			break;
		default:
			cmd = (__u32)rnd(r);
		}
		if (cmd == MODEMLINE_IOC_LINE_LIST || cmd == MODEMLINE_IOC_LINE_INFO ||
		    cmd == MODEMLINE_IOC_SUBSCRIBE || cmd == MODEMLINE_IOC_UNSUBSCRIBE ||
		    cmd == MODEMLINE_IOC_DIAL || cmd == MODEMLINE_IOC_ANSWER ||
		    cmd == MODEMLINE_IOC_DROP || cmd == MODEMLINE_IOC_DEALLOCATE ||
		    cmd == MODEMLINE_IOC_CALL_INFO || cmd == MODEMLINE_IOC_CALL_LIST ||
		    cmd == MODEMLINE_IOC_CALL_DATA || cmd == MODEMLINE_IOC_CALL_HANDOFF)
			break;
		ret = ioctl(fd, cmd, &a);
		e = errno;
		/* A child's copy of the slots may name a descriptor closed meanwhile. */
		if (child && ret && (e == EBADF || e == ENOTTY))
			return;
		/* FIONCLEX, FIOASYNC...: the VFS's own, with their own results. */
		if (ret && e != ENOTTY && _IOC_TYPE(cmd) == MODEMLINE_IOC_MAGIC)
			bad("ioctl 0x%lx: errno %d, not ENOTTY", cmd, e);
	}
}

static void fuzz_read(struct rng *r, int fd)
{
	static const size_t sizes[] = { 0, 1, sizeof(struct modemline_event) - 1,
		sizeof(struct modemline_event), 3 * sizeof(struct modemline_event) + 5,
		4096 };
	struct modemline_event ev[43];
	size_t len = sizes[below(r, 6)], i;
	void *p = pick_ptr(r, ev, len < sizeof(ev) ? len : 1, true);
	ssize_t n;

	count(C_READ);
	n = read(fd, p, len);
	if (n < 0) {
		if (!errno_in(errno, ERRS(EINVAL, EAGAIN, EFAULT)) ||
		    (errno == EINVAL && len >= sizeof(ev[0])))
			bad("read(%zu): errno %d", len, errno);
		return;
	}
	if (n % sizeof(ev[0]) || !n)
		bad("read(%zu) returned %zd", len, n);
	if (p != ev)
		return;
	for (i = 0; i < (size_t)n / sizeof(ev[0]); i++) {
		if (!ev[i].seq || !ev[i].type || ev[i].type > MODEMLINE_EVENT_CALL_HANDOFF ||
		    !str_ok(ev[i].number, sizeof(ev[i].number)))
			bad("event: malformed (type %u seq %llu)", ev[i].type,
			    (unsigned long long)ev[i].seq);
		/*
		 * CALL_NEW names the monitor's handle, CALL_HANDOFF the new
		 * owner's; CALL_MISSED counts from 1.
		 */
		if ((ev[i].type == MODEMLINE_EVENT_CALL_NEW ||
		     ev[i].type == MODEMLINE_EVENT_CALL_HANDOFF) &&
		    (!ev[i].call || !ev[i].state))
			bad("event %u: handle %u state %u", ev[i].type, ev[i].call,
			    ev[i].state);
		if (ev[i].type == MODEMLINE_EVENT_CALL_NEW)
			atomic_fetch_add(&seen_call_new, 1);
		if (ev[i].type == MODEMLINE_EVENT_CALL_NEW ||
		    ev[i].type == MODEMLINE_EVENT_CALL_HANDOFF)
			note_handle(r, ev[i].call);
		if (ev[i].type == MODEMLINE_EVENT_CALL_MISSED)
			atomic_fetch_add(&seen_call_missed, 1);
		if (ev[i].type == MODEMLINE_EVENT_CALL_MISSED && (ev[i].call || !ev[i].lost))
			bad("CALL_MISSED: handle %u count %u", ev[i].call, ev[i].lost);
	}
}

/* read, write or poll on a data descriptor. */
static void fuzz_data(struct rng *r, int fd)
{
	unsigned char buf[5000];
	size_t len = chance(r, 20) ? below(r, 2) : 1 + below(r, sizeof(buf));
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT };
	void *p;
	ssize_t n;

	count(C_DATA);
	switch (below(r, 4)) {
	case 0:
	case 1:
		p = pick_ptr(r, buf, 1, true);
		n = read(fd, p, len);
		if (n < 0 && !errno_in(errno, ERRS(EAGAIN, EFAULT)))
			bad("data read: errno %d", errno);
		if (n > (ssize_t)len)
			bad("data read: %zd > %zu", n, len);
		if (n > 0)
			atomic_fetch_add(&data_in, n);
		break;
	case 2:
		memset(buf, 'A' + below(r, 26), len);
		p = pick_ptr(r, buf, 1, false);
		n = write(fd, p, len);
		if (n < 0 && !errno_in(errno, ERRS(EAGAIN, EPIPE, EFAULT)))
			bad("data write: errno %d", errno);
		if (n > (ssize_t)len)
			bad("data write: %zd > %zu", n, len);
		if (n > 0)
			atomic_fetch_add(&data_out, n);
		break;
	default:
		if (poll(&pfd, 1, below(r, 3)) < 0)
			bad("data poll: errno %d", errno);
		else if ((pfd.revents & POLLHUP) && !(pfd.revents & POLLIN))
			bad("data poll: HUP without IN");
		if (ioctl(fd, MODEMLINE_IOC_CALL_LIST, buf) != -1 || errno != ENOTTY)
			bad("ioctl on a data descriptor: not ENOTTY");
	}
}

/* ------------------------------------------------------------------ */
/* Lines                                                               */

static void sim_control(struct rng *r)
{
	static const char *const cmds[] = {
		"dial connect %u 33600", "dial busy %u", "dial noanswer %u",
		"dial nocarrier %u", "dial error %u", "dial silent",
		"answer connect %u 9600", "answer nocarrier %u", "answer silent",
		"hangup_delay %u", "hangup", "carrier_lost", "ring 0301234567",
		"ring", "ring_stop", "data echo", "data sink", "bogus %u",
		"dial connect", "remove",
	};
	char path[512], cmd[80];
	int i = below(r, nsim), c = below(r, 20);

	count(C_SIMCTL);
	pthread_mutex_lock(&sim_lock);
	if (c == 19 && !chance(r, 5))
		c = 10;		/* removals: rarely */
	if (chance(r, 40))
		c = chance(r, 50) ? 0 : 15;	/* mostly connecting, echoing modems */
	snprintf(cmd, sizeof(cmd), cmds[c], below(r, 4) ? below(r, 100) : below(r, 3000));
	snprintf(path, sizeof(path), SIM_ROOT "/lines/%s/control", sim_names[i]);
	if (c == 19) {
		char id[64];

		/* Remove, wait for the directory to go, make a new one. */
		hard_write(path, "remove");
		snprintf(path, sizeof(path), SIM_ROOT "/lines/%s", sim_names[i]);
		while (access(path, F_OK) == 0)
			usleep(1000);
		snprintf(sim_names[i], sizeof(sim_names[i]), "fz%d_%u", getpid(),
			 (unsigned int)rnd(r) % 100000);
		if (hard_write(SIM_ROOT "/new_line", sim_names[i]) == 0) {
			snprintf(path, sizeof(path), SIM_ROOT "/lines/%s/id", sim_names[i]);
			if (!hard_read(path, id, sizeof(id)))
				note_line(strtoul(id, NULL, 10));
		}
	} else {
		hard_write(path, cmd);
	}
	pthread_mutex_unlock(&sim_lock);
}

/* Random output of the modem on a pty line's master. */
static void modem_output(struct rng *r, struct ptyline *p)
{
	static const char *const said[] = {
		"OK\r\n", "CONNECT\r\n", "CONNECT 33600\r\n", "CONNECT 115200/V42BIS\r\n",
		"NO CARRIER\r\n", "BUSY\r\n", "NO ANSWER\r\n", "NO DIALTONE\r\n",
		"ERROR\r\n", "RING\r\n", "NMBR = 0301234567\r\n", "+CLIP: \"555\",129\r\n",
		"CONN", "ECT 9600\r\n", "NO CAR", "RI", "\r", "\n", "ATDT5551234\r",
		"+++", "0\r", "1\r", "3\r", "\r\nOK", "CONNECT 99999999999999999999\r\n",
	};
	char buf[600];
	size_t len, i;

	count(C_MODEM);
	switch (below(r, 5)) {
	case 0:		/* garbage */
		len = 1 + below(r, sizeof(buf));
		for (i = 0; i < len; i++)
			buf[i] = rnd(r);
		break;
	case 1:		/* a long line */
		len = sizeof(buf);
		memset(buf, 'X', len);
		buf[len - 1] = '\n';
		break;
	default:
		len = 0;
		for (i = below(r, 4) + 1; i; i--) {
			const char *s = said[below(r, ARRAY_SIZE(said))];

			if (len + strlen(s) < sizeof(buf)) {
				memcpy(buf + len, s, strlen(s));
				len += strlen(s);
			}
		}
	}
	if (write(p->master, buf, len) < 0 && errno != EAGAIN && errno != EIO)
		bad("pty master write: errno %d", errno);
	ptyline_drain(p);
}

/* The modem of pty line @i: talks, and now and then hangs up (re-plugged). */
static void *pty_modem_main(void *arg)
{
	int i = (int)(long)arg;
	struct rng r = { .s = 0x9e3779b97f4a7c15ULL * (i + 1) ^ deadline_ms };
	struct ptyline *p = &ptys[i];
	int ld;

	while (!done()) {
		pthread_mutex_lock(&pty_lock[i]);
		if (p->master < 0) {
			if (!ptyline_open(p))
				note_line(p->line);
		} else if (chance(&r, 3)) {
			count(C_HANGUP);
			ptyline_close(p);	/* the tty hangs up */
		} else if (chance(&r, 3)) {
			/* Detach and re-attach while the modem talks. */
			count(C_TTY);
			ld = chance(&r, 50) ? 0 : MODEMLINE_LDISC;
			ioctl(p->slave, TIOCSETD, &ld);
			if (ld == MODEMLINE_LDISC &&
			    !ioctl(p->slave, MODEMLINE_TIOCGLINE, &p->line))
				note_line(p->line);
		} else if (chance(&r, 10)) {
			struct modemline_tty_config cfg;

			count(C_TTY);
			memset(&cfg, 0, sizeof(cfg));
			if (chance(&r, 50) && !ioctl(p->slave, MODEMLINE_TIOCGCONFIG, &cfg)) {
				if (!str_ok(cfg.init, sizeof(cfg.init)) ||
				    cfg.dialect > MODEMLINE_DIALECT_3GPP)
					bad("TIOCGCONFIG: malformed");
			}
			snprintf(cfg.init, sizeof(cfg.init), "%s",
				 chance(&r, 80) ? "ATZ" : "not AT");
			if (chance(&r, 10))
				memset(cfg.init, 'A', sizeof(cfg.init));
			cfg.guard_ms = chance(&r, 80) ? 20 + below(&r, 200) : pick_u32(&r);
			cfg.dial_timeout_ms = below(&r, 3000);
			/* Both dialects, and now and then any value. */
			cfg.dialect = chance(&r, 90) ? below(&r, 2) : pick_u32(&r);
			cfg.clcc_poll_ms = chance(&r, 90) ? 100 * below(&r, 10) : pick_u32(&r);
			if (ioctl(p->slave, MODEMLINE_TIOCSCONFIG,
				  pick_ptr(&r, &cfg, sizeof(cfg), false)) &&
			    !errno_in(errno, ERRS(EINVAL, ENODEV, EFAULT, ENOTTY, EIO)))
				bad("TIOCSCONFIG: errno %d", errno);
		} else {
			modem_output(&r, p);
		}
		pthread_mutex_unlock(&pty_lock[i]);
		usleep(below(&r, 3000));
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Workers                                                             */

static void child_ops(struct rng *r)
{
	long had = atomic_load(&unexpected);
	struct stat st;
	int i, fd;

	/*
	 * No locks here: another thread may have held one at fork(). The
	 * copy of the slots may be stale, but this process has one thread
	 * and its descriptor table stands still: ask it what each one is.
	 */
	for (i = 0; i < 20; i++) {
		fd = slots[below(r, NSLOTS)].fd;
		if (fd >= 0 && !fstat(fd, &st) && S_ISCHR(st.st_mode) &&
		    st.st_rdev == mls_rdev)
			fuzz_ioctl(r, fd, true);
	}
	_exit(atomic_load(&unexpected) != had ? 1 : 0);
}

static void worker_op(struct rng *r)
{
	struct slot *s;
	struct pollfd pfd;
	int fd, nfd, k = below(r, 100), st;
	pid_t pid;

	if (k < 55) {
		fd = slot_get(r, K_ML, &s);
		if (fd < 0)
			goto open;
		fuzz_ioctl(r, fd, false);
		slot_put(s);
	} else if (k < 62) {
		fd = slot_get(r, K_ML, &s);
		if (fd < 0)
			goto open;
		fuzz_read(r, fd);
		slot_put(s);
	} else if (k < 67) {
		fd = slot_get(r, K_NONE, &s);
		if (fd < 0)
			return;
		count(C_POLL);
		pfd.fd = fd;
		pfd.events = POLLIN | POLLOUT | POLLPRI;
		if (poll(&pfd, 1, below(r, 5)) < 0)
			bad("poll: errno %d", errno);
		slot_put(s);
	} else if (k < 78) {
		fd = slot_get(r, K_DATA, &s);
		if (fd < 0)
			return;
		fuzz_data(r, fd);
		slot_put(s);
	} else if (k < 81) {
open:
		count(C_OPEN);
		fd = open("/dev/modemline", O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			if (!errno_in(errno, ERRS(ENOMEM, EMFILE, ENFILE)))
				bad("open: errno %d", errno);
			return;
		}
		slot_add(r, fd, K_ML);
	} else if (k < 85) {
		/* close: take the slot over, so nobody uses a reused number. */
		s = &slots[below(r, NSLOTS)];
		if (pthread_rwlock_trywrlock(&s->lk))
			return;
		if (s->fd >= 0) {
			count(C_CLOSE);
			if (close(s->fd))
				bad("close: errno %d", errno);
			s->fd = -1;
		}
		pthread_rwlock_unlock(&s->lk);
	} else if (k < 88) {
		fd = slot_get(r, K_NONE, &s);
		if (fd < 0)
			return;
		count(C_DUP);
		nfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
		enum kind kind = s->kind;

		slot_put(s);
		if (nfd >= 0)
			slot_add(r, nfd, kind);
	} else if (k < 89) {
		count(C_FORK);
		pid = fork();
		if (pid == 0)
			child_ops(r);
		if (pid > 0 && (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
				WEXITSTATUS(st)))
			bad("forked child: status 0x%x", st);
	} else if (k < 96) {
		if (nsim)
			sim_control(r);
	} else {
		/* tty ioctls on the line discipline, from a worker. */
		int i = npty ? (int)below(r, npty) : -1;
		__u32 id;

		if (i < 0 || pthread_mutex_trylock(&pty_lock[i]))
			return;
		if (ptys[i].slave >= 0) {
			count(C_TTY);
			if (ioctl(ptys[i].slave, MODEMLINE_TIOCGLINE,
				  pick_ptr(r, &id, sizeof(id), true)) &&
			    !errno_in(errno, ERRS(EFAULT, ENOTTY, EINVAL, EIO)))
				bad("TIOCGLINE: errno %d", errno);
		}
		pthread_mutex_unlock(&pty_lock[i]);
	}
}

static void *worker_main(void *arg)
{
	struct rng r = { .s = (__u64)(uintptr_t)arg };

	while (!done())
		worker_op(&r);
	return NULL;
}

/* ------------------------------------------------------------------ */

static int param_save(const char *name, char *save, size_t len, const char *val)
{
	char path[512];

	snprintf(path, sizeof(path), PARAMS "/%s", name);
	if (hard_read(path, save, len))
		return -1;
	save[strcspn(save, "\n")] = 0;
	return hard_write(path, val);
}

static void param_restore(const char *name, const char *val)
{
	char path[512];

	snprintf(path, sizeof(path), PARAMS "/%s", name);
	hard_write(path, val);
}

int main(int argc, char **argv)
{
	unsigned long long seed = 0;
	int threads = 4, seconds = 10, opt, i, kmsg;
	pthread_t tid[MAX_THREADS], mtid[MAX_PTY];
	char saved_dial[32] = "", saved_hang[32] = "", saved_calls[32] = "";
	long ops, reports, before, after;
	bool have_seed = false;

	nsim = 3;
	npty = 2;
	while ((opt = getopt(argc, argv, "s:t:d:n:l:p:v")) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			have_seed = true;
			break;
		case 't':
			threads = atoi(optarg);
			break;
		case 'd':
			seconds = atoi(optarg);
			break;
		case 'n':
			max_ops = atol(optarg);
			break;
		case 'l':
			nsim = atoi(optarg);
			break;
		case 'p':
			npty = atoi(optarg);
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			fprintf(stderr,
				"usage: %s [-s SEED] [-t THREADS] [-d SECONDS] [-n OPS] [-l SIMLINES] [-p PTYLINES] [-v]\n",
				argv[0]);
			return 2;
		}
	}
	if (threads < 1 || threads > MAX_THREADS || nsim < 0 || nsim > MAX_SIM ||
	    npty < 0 || npty > MAX_PTY) {
		fprintf(stderr, "fuzz: bad -t/-l/-p\n");
		return 2;
	}
	if (!have_seed)
		seed = (unsigned long long)time(NULL) ^ ((unsigned long long)getpid() << 32);
	printf("seed: %llu\n", seed);
	printf("threads: %d, seconds: %d, sim lines: %d, pty lines: %d\n", threads,
	       seconds, nsim, npty);
	fflush(stdout);
	signal(SIGPIPE, SIG_IGN);

	{
		struct stat st;

		if (stat("/dev/modemline", &st)) {
			perror("/dev/modemline");
			return 2;
		}
		mls_rdev = st.st_rdev;
	}
	page = sysconf(_SC_PAGESIZE);
	bad_unmapped = mmap(NULL, page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	munmap(bad_unmapped, page);
	guard_page = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro_page = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (guard_page == MAP_FAILED || ro_page == MAP_FAILED ||
	    mprotect((char *)guard_page + page, page, PROT_NONE)) {
		perror("mmap");
		return 2;
	}

	/* Short timeouts keep blocking operations short. */
	param_save("dial_timeout_ms", saved_dial, sizeof(saved_dial), "2000");
	param_save("hangup_timeout_ms", saved_hang, sizeof(saved_hang), "1000");
	param_save("max_calls", saved_calls, sizeof(saved_calls), "64");
	before = slab_live("modemline_call");
	kmsg = kmsg_mark();

	for (i = 0; i < NSLOTS; i++) {
		pthread_rwlock_init(&slots[i].lk, NULL);
		slots[i].fd = -1;
	}
	for (i = 0; i < nsim; i++) {
		char path[512], id[32];

		snprintf(sim_names[i], sizeof(sim_names[i]), "fz%d_%d", getpid(), i);
		if (hard_write(SIM_ROOT "/new_line", sim_names[i])) {
			fprintf(stderr, "fuzz: cannot create sim line (modemline_sim loaded?)\n");
			return 2;
		}
		snprintf(path, sizeof(path), SIM_ROOT "/lines/%s/id", sim_names[i]);
		if (!hard_read(path, id, sizeof(id)))
			note_line(strtoul(id, NULL, 10));
	}
	for (i = 0; i < npty; i++) {
		pthread_mutex_init(&pty_lock[i], NULL);
		if (ptyline_open(&ptys[i])) {
			fprintf(stderr, "fuzz: cannot make a pty line: %s\n", strerror(errno));
			return 2;
		}
		note_line(ptys[i].line);
	}
	for (i = 0; i < 4; i++) {
		int fd = open("/dev/modemline", O_RDWR | O_NONBLOCK | O_CLOEXEC);
		struct rng r0 = { .s = seed + i + 1 };

		if (fd < 0) {
			perror("/dev/modemline");
			return 2;
		}
		slot_add(&r0, fd, K_ML);
	}

	deadline_ms = hard_now_ms() + seconds * 1000ULL;
	for (i = 0; i < npty; i++)
		pthread_create(&mtid[i], NULL, pty_modem_main, (void *)(long)i);
	for (i = 0; i < threads; i++)
		pthread_create(&tid[i], NULL, worker_main,
			       (void *)(uintptr_t)((seed + 1) * 0x9e3779b97f4a7c15ULL + i * 7919));
	for (i = 0; i < threads; i++)
		pthread_join(tid[i], NULL);
	atomic_store(&stop, true);
	for (i = 0; i < npty; i++)
		pthread_join(mtid[i], NULL);

	/* Tear down: every descriptor, every line; then the objects must go. */
	for (i = 0; i < NSLOTS; i++)
		if (slots[i].fd >= 0)
			close(slots[i].fd);
	for (i = 0; i < npty; i++)
		ptyline_close(&ptys[i]);
	for (i = 0; i < nsim; i++) {
		char path[512];

		snprintf(path, sizeof(path), SIM_ROOT "/lines/%s/control", sim_names[i]);
		hard_write(path, "remove");
	}
	after = slab_wait("modemline_call", before, 10000);
	param_restore("dial_timeout_ms", saved_dial);
	param_restore("hangup_timeout_ms", saved_hang);
	param_restore("max_calls", saved_calls);
	usleep(200000);
	reports = kmsg_reports(kmsg, stdout);

	ops = atomic_load(&total_ops);
	printf("operations: %ld (", ops);
	for (i = 0; i < C_COUNT; i++)
		printf("%s%s %ld", i ? ", " : "", cnames[i], atomic_load(&counts[i]));
	printf(")\n");
	printf("reached: CALL_INFO saw CONNECTED %ld times, data bytes read %ld, written %ld, ",
	       atomic_load(&seen_connected), atomic_load(&data_in), atomic_load(&data_out));
	printf("calls handed off %ld, CALL_NEW %ld, CALL_MISSED %ld\n", atomic_load(&handoffs),
	       atomic_load(&seen_call_new), atomic_load(&seen_call_missed));
	printf("unexpected results: %ld\n", atomic_load(&unexpected));
	printf("modemline_call objects: %ld before, %ld after\n", before, after);
	printf("sanitizer reports: %ld\n", reports);
	if (after > before)
		printf("fuzz: calls left behind\n");
	return atomic_load(&unexpected) || reports || after > before || !ops ? 1 : 0;
}

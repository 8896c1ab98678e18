/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the hardening tests (issue 8): the fuzzer (fuzz/fuzz.c) and
 * fuzz_test, fault_test, cve_test, storm_test. Header-only, so that each
 * binary stays one compiler run.
 *
 *   pty lines      a pty whose slave carries the line discipline; the
 *                  test itself plays the modem on the master
 *   kernel log     count checker reports (KASAN, UBSAN, lockdep, ...)
 *                  printed since a mark, from /dev/kmsg
 *   slab           exact live objects of one of our caches
 *   debugfs knobs  failslab, fail_function, fail-nth
 *   scale          HARD_SCALE (env, default 1) multiplies the loop
 *                  counts; make stress raises it
 *
 * Like sim.h: helpers return 0 / a count or -errno and never assert.
 */
#ifndef MODEMLINE_HARD_H
#define MODEMLINE_HARD_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/types.h>
#include <linux/modemline.h>

#define DBG		"/sys/kernel/debug"
#define FAILSLAB	DBG "/failslab"
#define FAILFUNC	DBG "/fail_function"
#define FAIL_NTH	"/proc/thread-self/fail-nth"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(arr) (sizeof(arr) / sizeof((arr)[0]))
#endif

static inline __u64 hard_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* HARD_SCALE from the environment (make stress), at least 1. */
static inline long hard_scale(void)
{
	const char *s = getenv("HARD_SCALE");
	long v = s ? strtol(s, NULL, 10) : 1;

	return v > 0 ? v : 1;
}

/*
 * Race loops stop at their iteration count or after 25 s x HARD_SCALE,
 * whichever comes first: the bounded make-check run stays bounded on a
 * slow or loaded host.
 */
static inline __u64 hard_deadline(void)
{
	return hard_now_ms() + 25000ULL * hard_scale();
}

static inline bool hard_over(__u64 deadline)
{
	return hard_now_ms() >= deadline;
}

static inline int hard_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, len) != (ssize_t)len)
		ret = -errno ?: -EIO;
	close(fd);
	return ret;
}

/* The whole file (as much as fits), NUL-terminated. */
static inline int hard_read(const char *path, char *buf, size_t len)
{
	size_t have = 0;
	ssize_t n = 0;
	int fd, err = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (have < len - 1 && (n = read(fd, buf + have, len - 1 - have)) > 0)
		have += n;
	if (n < 0)
		err = -errno;
	close(fd);
	buf[have] = 0;
	return err;
}

static inline long hard_read_long(const char *path)
{
	char buf[64];
	int ret = hard_read(path, buf, sizeof(buf));

	return ret ? ret : strtol(buf, NULL, 0);
}

/* ------------------------------------------------------------------ */
/* pty lines                                                           */

struct ptyline {
	int master;
	int slave;
	__u32 line;
};

/*
 * A new pty in raw mode, the discipline attached to its slave. The
 * master is non-blocking. Returns 0 or -errno (nothing left open).
 */
static inline int ptyline_open(struct ptyline *p)
{
	char name[64];
	struct termios t;
	int ld = MODEMLINE_LDISC, err;

	p->slave = -1;
	p->line = 0;
	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (p->master < 0)
		return -errno;
	if (grantpt(p->master) || unlockpt(p->master) ||
	    ptsname_r(p->master, name, sizeof(name)))
		goto fail;
	p->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
	if (p->slave < 0)
		goto fail;
	if (tcgetattr(p->slave, &t))
		goto fail;
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	if (tcsetattr(p->slave, TCSANOW, &t))
		goto fail;
	if (ioctl(p->slave, TIOCSETD, &ld))
		goto fail;
	if (ioctl(p->slave, MODEMLINE_TIOCGLINE, &p->line))
		goto fail;
	return 0;
fail:
	err = -errno;
	if (p->slave >= 0)
		close(p->slave);
	close(p->master);
	p->master = -1;
	p->slave = -1;
	return err;
}

/* Short escape guard time, so that hang-ups take milliseconds. */
static inline int ptyline_guard(struct ptyline *p, __u32 ms)
{
	struct modemline_tty_config cfg;

	if (ioctl(p->slave, MODEMLINE_TIOCGCONFIG, &cfg))
		return -errno;
	cfg.guard_ms = ms;
	return ioctl(p->slave, MODEMLINE_TIOCSCONFIG, &cfg) ? -errno : 0;
}

static inline void ptyline_close(struct ptyline *p)
{
	if (p->master >= 0)
		close(p->master);
	if (p->slave >= 0)
		close(p->slave);
	p->master = -1;
	p->slave = -1;
}

/* Read and throw away what the line sent to the modem; bytes read. */
static inline long ptyline_drain(struct ptyline *p)
{
	char buf[512];
	long total = 0;
	ssize_t n;

	while ((n = read(p->master, buf, sizeof(buf))) > 0)
		total += n;
	return total;
}

/* Wait up to @ms for the line to send something to the modem containing @s. */
static inline bool ptyline_expect(struct ptyline *p, const char *s, int ms)
{
	char buf[1024];
	size_t have = 0;
	__u64 end = hard_now_ms() + ms;
	ssize_t n;

	while (hard_now_ms() < end) {
		n = read(p->master, buf + have, sizeof(buf) - 1 - have);
		if (n > 0) {
			have += n;
			buf[have] = 0;
			if (memmem(buf, have, s, strlen(s)))
				return true;
			if (have > sizeof(buf) / 2) {
				memmove(buf, buf + have - 64, 64);
				have = 64;
			}
			continue;
		}
		usleep(2000);
	}
	return false;
}

static inline int ptyline_say(struct ptyline *p, const char *s)
{
	size_t len = strlen(s);

	return write(p->master, s, len) == (ssize_t)len ? 0 : -errno;
}

/* ------------------------------------------------------------------ */
/* The kernel log                                                      */

/* The reports scripts/scan-log.sh fails a run for, one per report. */
static const char *const hard_report_pats[] = {
	"BUG:", "KASAN", "UBSAN:", "WARNING:", "possible recursive locking",
	"circular locking", "sleeping function called from invalid context",
	"refcount_t:", "general protection fault", "Oops", "Kernel panic",
};

/* Open /dev/kmsg positioned at its end: the mark. -errno on failure. */
static inline int kmsg_mark(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	lseek(fd, 0, SEEK_END);
	return fd;
}

/* One record of /dev/kmsg: its text, after the "prio,seq,time,flags;". */
static inline const char *kmsg_text(const char *rec)
{
	const char *semi = strchr(rec, ';');

	return semi ? semi + 1 : rec;
}

static inline bool kmsg_is_report(const char *rec)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hard_report_pats); i++)
		if (strstr(rec, hard_report_pats[i]))
			return true;
	return false;
}

/*
 * Count the report headers logged since kmsg_mark(); print them to
 * @out (if not NULL). Closes @fd. A KASAN report prints "BUG: KASAN":
 * one line counts once, however many patterns it matches. A KCSAN
 * report counts only if one of its two racing accesses is made in one
 * of our modules (the first frame of a stack is "[modemline...]") or
 * the log ends inside it: the kcsan kernel also reports races inside
 * the core kernel, e.g. the workqueue's own accesses to a work item a
 * driver queued (scripts/scan-log.sh judges the same way).
 */
static inline int kmsg_reports(int fd, FILE *out)
{
	char rec[2048], kcsan[256] = "";
	bool ours = false, access = false;
	int found = 0;
	ssize_t n;

	if (fd < 0)
		return 0;
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (n <= 0)
			break;
		rec[n] = 0;
		if (kcsan[0]) {
			/* The record after "read to 0x... by task N" names the accessor. */
			ours |= access && strstr(rec, "[modemline");
			access = strstr(rec, " to 0x") && strstr(rec, " bytes by ");
			if (!strstr(rec, "==================================="))
				continue;
			if (ours) {
				found++;
				if (out)
					fprintf(out, "# kernel: %s\n", kcsan);
			} else if (out) {
				fprintf(out,
					"# kernel, KCSAN, no access in our modules, not counted: %s\n",
					kcsan);
			}
			kcsan[0] = 0;
			continue;
		}
		if (strstr(rec, "BUG: KCSAN:")) {
			/* The title line, without its newline. */
			snprintf(kcsan, sizeof(kcsan), "%.250s", kmsg_text(rec));
			kcsan[strcspn(kcsan, "\n")] = 0;
			ours = false;
			access = false;
			continue;
		}
		if (kmsg_is_report(rec)) {
			found++;
			if (out)
				fprintf(out, "# kernel: %s", kmsg_text(rec));
		}
	}
	if (kcsan[0]) {		/* the log ends inside a KCSAN report */
		found++;
		if (out)
			fprintf(out, "# kernel: %s\n", kcsan);
	}
	close(fd);
	return found;
}

/* ------------------------------------------------------------------ */
/* Slab                                                                */

/*
 * Live objects of cache @name: shrink it first (flushes per-CPU slabs
 * and KASAN's quarantine), then active_objs of /proc/slabinfo is exact.
 * -ENOENT without slabinfo or the cache.
 */
static inline long slab_live(const char *name)
{
	char path[128], line[512];
	long active = -ENOENT;
	size_t len = strlen(name);
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", name);
	hard_write(path, "1");
	f = fopen("/proc/slabinfo", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, name, len) && line[len] == ' ') {
			active = strtol(line + len, NULL, 10);
			break;
		}
	}
	fclose(f);
	return active;
}

/* Wait up to @ms for cache @name to have at most @want live objects. */
static inline long slab_wait(const char *name, long want, int ms)
{
	__u64 end = hard_now_ms() + ms;
	long n;

	for (;;) {
		n = slab_live(name);
		if (n <= want || hard_now_ms() >= end)
			return n;
		usleep(50000);
	}
}

/*
 * The live objects of cache @name once they hold still: released calls
 * are freed after an RCU grace period, so an earlier test's may still be
 * on their way out. Three equal reads 50 ms apart, or whatever it is
 * after @ms.
 */
static inline long slab_settled(const char *name, int ms)
{
	__u64 end = hard_now_ms() + ms;
	long n = slab_live(name), last;
	int same = 0;

	while (same < 2 && hard_now_ms() < end) {
		usleep(50000);
		last = n;
		n = slab_live(name);
		same = n == last ? same + 1 : 0;
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* Fault injection                                                     */

static inline bool fail_nth_available(void)
{
	return access(FAIL_NTH, W_OK) == 0 && access(FAILSLAB, F_OK) == 0;
}

/*
 * failslab for fail-nth sweeps: every cache, sleeping allocations too,
 * no probability (only fail-nth injects), silent (a forced failure
 * would print a stack trace, which the log scan counts as a report).
 */
static inline int failslab_for_nth(void)
{
	int ret = 0;

	ret |= hard_write(FAILSLAB "/verbose", "0");
	ret |= hard_write(FAILSLAB "/ignore-gfp-wait", "N");
	ret |= hard_write(FAILSLAB "/cache-filter", "N");
	ret |= hard_write(FAILSLAB "/task-filter", "N");
	ret |= hard_write(FAILSLAB "/probability", "0");
	ret |= hard_write(FAILSLAB "/times", "-1");
	return ret ? -EIO : 0;
}

/* The debug kernel's defaults. */
static inline void failslab_reset(void)
{
	hard_write(FAILSLAB "/probability", "0");
	hard_write(FAILSLAB "/interval", "1");
	hard_write(FAILSLAB "/times", "1");
	hard_write(FAILSLAB "/cache-filter", "N");
	hard_write(FAILSLAB "/ignore-gfp-wait", "Y");
	hard_write(FAILSLAB "/verbose", "0");
}

/*
 * The fail-nth file of this thread, kept open: opening it allocates, so
 * it must not happen between arming and the operation.
 */
static inline int fail_nth_open(void)
{
	int fd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static inline int fail_nth_arm(int fd, unsigned int nth)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", nth);

	return pwrite(fd, buf, len, 0) == len ? 0 : -errno;
}

/*
 * After the operation: true if the armed fault was injected. Disarms.
 */
static inline bool fail_nth_hit(int fd)
{
	char buf[16] = "";
	bool hit;

	if (pread(fd, buf, sizeof(buf) - 1, 0) <= 0)
		return false;
	hit = strtol(buf, NULL, 10) == 0;
	pwrite(fd, "0", 1, 0);
	return hit;
}

/* ------------------------------------------------------------------ */
/* A Hayes modem on a pty line's master, in a thread                   */

#include <pthread.h>
#include <poll.h>
#include <stdatomic.h>

struct modem {
	struct ptyline *p;
	pthread_t thread;
	atomic_bool stop;
	atomic_bool stall;	/* read nothing: the tty fills up */
	atomic_int connects;	/* CONNECTs sent */
	atomic_long data;	/* data bytes received in data mode */
	bool data_mode;
	char cmd[256];
	size_t len;
	char cmds[2048];	/* every command line, '|'-separated */
	size_t cmds_len;
	pthread_mutex_t lock;	/* @cmds */
};

static inline void modem_reply(struct modem *m, const char *s)
{
	if (write(m->p->master, s, strlen(s)) < 0)
		return;		/* hung up, or full: the engine times out */
}

static inline void modem_line(struct modem *m)
{
	m->cmd[m->len] = 0;
	pthread_mutex_lock(&m->lock);
	if (m->cmds_len + m->len + 2 < sizeof(m->cmds)) {
		memcpy(m->cmds + m->cmds_len, m->cmd, m->len);
		m->cmds_len += m->len;
		m->cmds[m->cmds_len++] = '|';
		m->cmds[m->cmds_len] = 0;
	}
	pthread_mutex_unlock(&m->lock);
	if (strncasecmp(m->cmd, "AT", 2)) {
		/* not a command */
	} else if (strcasestr(m->cmd, "ATD") || strcasestr(m->cmd, "ATA")) {
		/* Counted first: the test may see the call connected at once. */
		atomic_fetch_add(&m->connects, 1);
		modem_reply(m, "\r\nCONNECT 9600\r\n");
		m->data_mode = true;
	} else {
		modem_reply(m, "\r\nOK\r\n");
	}
	m->len = 0;
}

static inline void *modem_main(void *arg)
{
	struct modem *m = arg;
	char buf[1024];
	ssize_t n, i;
	int plus = 0;

	while (!atomic_load(&m->stop)) {
		struct pollfd pfd = { .fd = m->p->master, .events = POLLIN };

		if (atomic_load(&m->stall) || poll(&pfd, 1, 5) <= 0) {
			usleep(2000);
			continue;
		}
		n = read(m->p->master, buf, sizeof(buf));
		if (n <= 0) {
			usleep(2000);
			continue;
		}
		for (i = 0; i < n; i++) {
			char c = buf[i];

			if (m->data_mode) {
				atomic_fetch_add(&m->data, 1);
				plus = c == '+' ? plus + 1 : 0;
				if (plus == 3) {
					m->data_mode = false;
					plus = 0;
					m->len = 0;
					modem_reply(m, "\r\nOK\r\n");
				}
				continue;
			}
			if (c == '\r' || c == '\n') {
				if (m->len)
					modem_line(m);
			} else if (m->len < sizeof(m->cmd) - 1) {
				m->cmd[m->len++] = c;
			}
		}
	}
	return NULL;
}

static inline int modem_start(struct modem *m, struct ptyline *p)
{
	memset(m, 0, sizeof(*m));
	m->p = p;
	m->cmds[0] = '|';
	m->cmds_len = 1;
	pthread_mutex_init(&m->lock, NULL);
	return -pthread_create(&m->thread, NULL, modem_main, m);
}

static inline void modem_stop(struct modem *m)
{
	atomic_store(&m->stop, true);
	pthread_join(m->thread, NULL);
}

#endif /* MODEMLINE_HARD_H */

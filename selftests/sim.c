// SPDX-License-Identifier: GPL-2.0
/*
 * Helpers shared by the modemline selftests; see sim.h.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sim.h"

/* Sleep between two looks at something that has no event to wait on. */
#define ML_POLL_US	2000

/* ------------------------------------------------------------------ */
/* time                                                                */

__u64 mls_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

static __u64 deadline_after(int timeout_ms)
{
	return mls_now_ns() + (__u64)timeout_ms * 1000000ULL;
}

/* Milliseconds left until @deadline, at least 0. */
static int ms_left(__u64 deadline)
{
	__u64 now = mls_now_ns();

	if (now >= deadline)
		return 0;
	return (int)((deadline - now + 999999ULL) / 1000000ULL);
}

/* ------------------------------------------------------------------ */
/* /dev/modemline                                                      */

int mls_open(int flags)
{
	int fd = open(ML_DEV, O_RDWR | O_CLOEXEC | flags);

	return fd < 0 ? -errno : fd;
}

int mls_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

int mls_dial(int fd, __u32 line_id, const char *number, __u32 timeout_ms,
	     __u32 *call)
{
	struct modemline_dial d;
	int ret;

	memset(&d, 0, sizeof(d));
	d.line_id = line_id;
	d.timeout_ms = timeout_ms;
	if (strlen(number) >= sizeof(d.number))
		return -E2BIG;
	snprintf(d.number, sizeof(d.number), "%s", number);
	ret = mls_ioctl(fd, MODEMLINE_IOC_DIAL, &d);
	if (!ret && call)
		*call = d.call;
	return ret;
}

int mls_dial_retry(int fd, __u32 line_id, const char *number,
		   __u32 timeout_ms, __u32 *call, int wait_ms)
{
	__u64 deadline = deadline_after(wait_ms);
	int ret;

	for (;;) {
		ret = mls_dial(fd, line_id, number, timeout_ms, call);
		if (ret != -EBUSY || mls_now_ns() >= deadline)
			return ret;
		usleep(ML_POLL_US);
	}
}

int mls_answer(int fd, __u32 line_id, __u32 *call)
{
	struct modemline_answer a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.line_id = line_id;
	ret = mls_ioctl(fd, MODEMLINE_IOC_ANSWER, &a);
	if (!ret && call)
		*call = a.call;
	return ret;
}

int mls_drop(int fd, __u32 call, __u32 flags)
{
	struct modemline_call_op op = { .call = call, .flags = flags };

	return mls_ioctl(fd, MODEMLINE_IOC_DROP, &op);
}

int mls_call_data(int fd, __u32 call, __u32 flags)
{
	struct modemline_call_data d = { .call = call, .flags = flags };
	int ret = mls_ioctl(fd, MODEMLINE_IOC_CALL_DATA, &d);

	return ret ? ret : d.fd;
}

int mls_deallocate(int fd, __u32 call, __u32 flags)
{
	struct modemline_call_op op = { .call = call, .flags = flags };

	return mls_ioctl(fd, MODEMLINE_IOC_DEALLOCATE, &op);
}

int mls_call_info(int fd, __u32 call, struct modemline_call_info *info)
{
	memset(info, ML_POISON, sizeof(*info));
	info->call = call;
	info->flags = 0;
	return mls_ioctl(fd, MODEMLINE_IOC_CALL_INFO, info);
}

int mls_line_info(int fd, __u32 line_id, struct modemline_line_info *info)
{
	size_t in = offsetof(struct modemline_line_info, calls_failed) +
		    sizeof(info->calls_failed);

	memset(info, ML_POISON, sizeof(*info));
	info->line_id = line_id;
	/* What follows the counters is input that must be 0, in any header. */
	memset((char *)info + in, 0, sizeof(*info) - in);
	return mls_ioctl(fd, MODEMLINE_IOC_LINE_INFO, info);
}

static int id_list(int fd, unsigned long cmd, __u32 *ids, __u32 n,
		   __u32 *count)
{
	struct modemline_id_list l;
	int ret;

	memset(&l, 0, sizeof(l));
	l.count = n;
	l.ids = (__u64)(unsigned long)ids;
	ret = mls_ioctl(fd, cmd, &l);
	if (!ret && count)
		*count = l.count;
	return ret;
}

int mls_call_list(int fd, __u32 *ids, __u32 n, __u32 *count)
{
	return id_list(fd, MODEMLINE_IOC_CALL_LIST, ids, n, count);
}

int mls_line_list(int fd, __u32 *ids, __u32 n, __u32 *count)
{
	return id_list(fd, MODEMLINE_IOC_LINE_LIST, ids, n, count);
}

int mls_call_count(int fd)
{
	__u32 count;
	int ret = mls_call_list(fd, NULL, 0, &count);

	return ret ? ret : (int)count;
}

int mls_call_listed(int fd, __u32 call)
{
	__u32 *ids, count, i;
	int ret, n;

	n = mls_call_count(fd);
	if (n < 0)
		return n;
	ids = calloc((size_t)n + 1, sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	ret = mls_call_list(fd, ids, (__u32)n + 1, &count);
	if (!ret) {
		if (count > (__u32)n + 1)
			count = (__u32)n + 1;
		for (i = 0; i < count; i++)
			if (ids[i] == call)
				ret = 1;
	}
	free(ids);
	return ret;
}

int mls_subscribe(int fd, __u32 line_id)
{
	struct modemline_subscribe s = { .line_id = line_id };

	return mls_ioctl(fd, MODEMLINE_IOC_SUBSCRIBE, &s);
}

int mls_unsubscribe(int fd, __u32 line_id)
{
	struct modemline_subscribe s = { .line_id = line_id };

	return mls_ioctl(fd, MODEMLINE_IOC_UNSUBSCRIBE, &s);
}

/* ------------------------------------------------------------------ */
/* events                                                              */

int mls_poll_in(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	__u64 deadline = deadline_after(timeout_ms);
	int ret;

	for (;;) {
		ret = poll(&p, 1, ms_left(deadline));
		if (ret >= 0)
			break;
		/* A test's own signals must not shorten the wait. */
		if (errno != EINTR)
			return -errno;
	}
	if (ret == 0)
		return 0;
	if (p.revents & (POLLERR | POLLNVAL))
		return -EIO;
	return (p.revents & POLLIN) ? 1 : 0;
}

int mls_read_event(int fd, struct modemline_event *ev, int timeout_ms)
{
	ssize_t n;
	int ret;

	ret = mls_poll_in(fd, timeout_ms);
	if (ret < 0)
		return ret;
	if (ret == 0)
		return -ETIMEDOUT;
	memset(ev, ML_POISON, sizeof(*ev));
	n = read(fd, ev, sizeof(*ev));
	if (n < 0)
		return -errno;
	if (n != (ssize_t)sizeof(*ev))
		return -EPROTO;
	return 0;
}

/*
 * Read events until one is of @type and @match(ev, @a, @b) says yes,
 * or @timeout_ms passes. Events that do not match are dropped.
 */
static int wait_for(int fd, __u32 type,
		    bool (*match)(const struct modemline_event *ev, __u32 a, __u32 b),
		    __u32 a, __u32 b, struct modemline_event *ev, int timeout_ms)
{
	__u64 deadline = deadline_after(timeout_ms);
	int ret;

	for (;;) {
		ret = mls_read_event(fd, ev, ms_left(deadline));
		if (ret)
			return ret;
		if (ev->type == type && match(ev, a, b))
			return 0;
	}
}

static bool is_call_state(const struct modemline_event *ev, __u32 call,
			  __u32 state)
{
	return ev->call == call && ev->state == state;
}

int mls_wait_state(int fd, __u32 call, __u32 state,
		   struct modemline_event *ev, int timeout_ms)
{
	return wait_for(fd, MODEMLINE_EVENT_CALL_STATE, is_call_state, call,
			state, ev, timeout_ms);
}

/* @line_id 0: any line. */
static bool is_on_line(const struct modemline_event *ev, __u32 line_id,
		       __u32 unused)
{
	(void)unused;
	return !line_id || ev->line_id == line_id;
}

int mls_wait_event(int fd, __u32 type, __u32 line_id,
		   struct modemline_event *ev, int timeout_ms)
{
	return wait_for(fd, type, is_on_line, line_id, 0, ev, timeout_ms);
}

int mls_drain_events(int fd)
{
	struct modemline_event ev;
	int n = 0, ret;

	for (;;) {
		ret = mls_read_event(fd, &ev, 0);
		if (ret == -ETIMEDOUT)
			return n;
		if (ret)
			return ret;
		n++;
	}
}

int mls_wait_info_state(int fd, __u32 call, __u32 state,
			struct modemline_call_info *info, int timeout_ms)
{
	__u64 deadline = deadline_after(timeout_ms);
	int ret;

	for (;;) {
		ret = mls_call_info(fd, call, info);
		if (ret)
			return ret;
		if (info->state == state)
			return 0;
		if (mls_now_ns() >= deadline)
			return -ETIMEDOUT;
		usleep(ML_POLL_US);
	}
}

int mls_wait_line_idle(int fd, __u32 line_id, int timeout_ms)
{
	__u64 deadline = deadline_after(timeout_ms);
	struct modemline_line_info li;
	int ret;

	for (;;) {
		ret = mls_line_info(fd, line_id, &li);
		if (ret)
			return ret;
		if (!(li.flags & MODEMLINE_LINE_BUSY))
			return 0;
		if (mls_now_ns() >= deadline)
			return -ETIMEDOUT;
		usleep(ML_POLL_US);
	}
}

/* ------------------------------------------------------------------ */
/* files in debugfs and sysfs                                          */

static int write_file(const char *path, const char *buf, size_t len)
{
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, buf, len);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
	close(fd);
	return ret;
}

static int read_file(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

/* Parse a decimal number followed by at most a newline. */
static int parse_long(const char *s, long *val)
{
	char *end;

	errno = 0;
	*val = strtol(s, &end, 10);
	if (errno || end == s || (*end && strcmp(end, "\n")))
		return -EINVAL;
	return 0;
}

/* ------------------------------------------------------------------ */
/* modemline_sim                                                       */

int sim_new_line_raw(const char *name)
{
	return write_file(SIM_ROOT "/new_line", name, strlen(name));
}

int sim_read_id(const char *name, __u32 *id)
{
	char path[256], buf[32], *end;
	unsigned long long val;
	int ret;

	snprintf(path, sizeof(path), SIM_LINES "/%s/id", name);
	ret = read_file(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	/* Not a long: ids reach 0xFFFFFFFF, past a 32-bit program's long. */
	if (buf[0] < '0' || buf[0] > '9')
		return -EINVAL;
	errno = 0;
	val = strtoull(buf, &end, 10);
	if (errno || end == buf || (*end && strcmp(end, "\n")) || !val || val > 0xFFFFFFFFULL)
		return -EINVAL;
	*id = (__u32)val;
	return 0;
}

int sim_line_create(struct sim_line *line)
{
	static unsigned int counter;
	char name[MODEMLINE_NAME_LEN];
	int ret;

	snprintf(name, sizeof(name), "st%d_%u", (int)getpid(), ++counter);
	ret = sim_new_line_raw(name);
	if (ret)
		return ret;
	snprintf(line->name, sizeof(line->name), "%s", name);
	line->removed = false;
	ret = sim_read_id(name, &line->id);
	if (ret) {
		sim_line_remove(line);
		return ret;
	}
	return 0;
}

int sim_lines_create(struct sim_line *lines, int n)
{
	int i, ret;

	for (i = 0; i < n; i++) {
		ret = sim_line_create(&lines[i]);
		if (ret) {
			sim_lines_remove(lines, i);
			return ret;
		}
	}
	return 0;
}

int sim_ctl_raw(const char *name, const char *cmd, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), SIM_LINES "/%s/control", name);
	return write_file(path, cmd, len);
}

int sim_ctl(const struct sim_line *line, const char *fmt, ...)
{
	char cmd[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd))
		return -E2BIG;
	return sim_ctl_raw(line->name, cmd, (size_t)n);
}

bool sim_line_exists(const char *name)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), SIM_LINES "/%s", name);
	return stat(path, &st) == 0;
}

int sim_line_remove(struct sim_line *line)
{
	__u64 deadline;
	int ret;

	if (!line->name[0] || line->removed)
		return 0;
	ret = sim_ctl_raw(line->name, "remove", 6);
	/* Gone already (e.g. modemline_sim unloaded): fine too. */
	if (ret == -ENOENT && !sim_line_exists(line->name))
		ret = 0;
	if (ret)
		return ret;
	line->removed = true;
	deadline = deadline_after(ML_WAIT_MS);
	while (sim_line_exists(line->name)) {
		if (mls_now_ns() >= deadline)
			return -ETIMEDOUT;
		usleep(ML_POLL_US);
	}
	return 0;
}

void sim_lines_remove(struct sim_line *lines, int n)
{
	int i;

	for (i = 0; i < n; i++)
		sim_line_remove(&lines[i]);
}

/* ------------------------------------------------------------------ */
/* parameters                                                          */

/* The number file @path holds (sysfs, proc): 0, or -errno / -EINVAL. */
int mls_read_long(const char *path, long *val)
{
	char buf[64], *end;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n < 0 ? -errno : -EIO;
	buf[n] = '\0';
	*val = strtol(buf, &end, 10);
	return *end == '\n' && end != buf ? 0 : -EINVAL;
}

int mls_module_refcnt(const char *module, long *val)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", module);
	return mls_read_long(path, val);
}

/* The module's retained_calls (ended calls some handle holds), or -errno. */
long mls_retained_calls(void)
{
	long val;
	int ret = mls_read_long(MLS_SYSFS "/retained_calls", &val);

	return ret ? ret : val;
}

/*
 * Wait until retained_calls is @want (the last put of a record may come
 * from a worker a moment after the ioctl returned); returns what it was,
 * or -errno.
 */
long mls_wait_retained_calls(long want)
{
	__u64 deadline = mls_now_ns() + ML_WAIT_MS * 1000000ULL;
	long now;

	for (;;) {
		now = mls_retained_calls();
		if (now == want || now < 0 || mls_now_ns() >= deadline)
			return now;
		usleep(2000);
	}
}

int mls_param_get(const char *name, long *val)
{
	char path[256], buf[64];
	int ret;

	snprintf(path, sizeof(path), ML_PARAMS "/%s", name);
	ret = read_file(path, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	return parse_long(buf, val);
}

int mls_param_set(const char *name, long val)
{
	char path[256], buf[32];
	int n;

	snprintf(path, sizeof(path), ML_PARAMS "/%s", name);
	n = snprintf(buf, sizeof(buf), "%ld\n", val);
	return write_file(path, buf, (size_t)n);
}

int mls_param_save(struct mls_param_save *s, const char *name)
{
	int ret;

	snprintf(s->name, sizeof(s->name), "%s", name);
	ret = mls_param_get(name, &s->val);
	s->saved = !ret;
	return ret;
}

int mls_param_restore(struct mls_param_save *s)
{
	int ret;

	if (!s->saved)
		return 0;
	ret = mls_param_set(s->name, s->val);
	if (!ret)
		s->saved = false;
	return ret;
}

/* ------------------------------------------------------------------ */
/* memory                                                              */

size_t mls_page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

void *mls_unmapped_addr(void)
{
	void *p = mmap(NULL, mls_page_size(), PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	munmap(p, mls_page_size());
	return p;
}

void *mls_guarded_pages(int prot)
{
	size_t ps = mls_page_size();
	char *p;

	p = mmap(NULL, 2 * ps, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, 2 * ps);
	if (mprotect(p + ps, ps, PROT_NONE) || mprotect(p, ps, prot)) {
		munmap(p, 2 * ps);
		return NULL;
	}
	return p;
}

void *mls_prot_none_page(void)
{
	void *p = mmap(NULL, mls_page_size(), PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void mls_pages_free(void *p, int npages)
{
	if (p)
		munmap(p, (size_t)npages * mls_page_size());
}

bool mls_str_tail_zero(const char *s, size_t len)
{
	const char *nul = memchr(s, '\0', len);

	if (!nul)
		return false;
	return mls_all_zero(nul, len - (size_t)(nul - s));
}

bool mls_all_zero(const void *p, size_t len)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (c[i])
			return false;
	return true;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

static void *io_thread_fn(void *arg)
{
	struct io_thread *t = arg;
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	t->ret = t->write ? write(t->fd, t->buf, t->len) : read(t->fd, t->buf, t->len);
	t->err = t->ret < 0 ? errno : 0;
	t->ms = ms_since(&t0);
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

int io_thread_start(struct io_thread *t, int fd, bool write, size_t len)
{
	memset(t, 0, sizeof(*t));
	if (len > sizeof(t->buf))
		return -EINVAL;
	t->fd = fd;
	t->write = write;
	t->len = len;
	memset(t->buf, 'w', len);
	return -pthread_create(&t->thread, NULL, io_thread_fn, t);
}

int io_thread_wait(struct io_thread *t, int timeout_ms)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!__atomic_load_n(&t->done, __ATOMIC_ACQUIRE)) {
		if (ms_since(&t0) >= timeout_ms)
			return -ETIMEDOUT;
		usleep(1000);
	}
	return 0;
}

void io_thread_join(struct io_thread *t)
{
	pthread_join(t->thread, NULL);
}

int mls_set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return -errno;
	fl = on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK;
	return fcntl(fd, F_SETFL, fl) ? -errno : 0;
}

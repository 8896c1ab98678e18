/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the modemline selftests: thin ioctl wrappers around
 * /dev/modemline, event waits, the modemline_sim debugfs interface and
 * the modemline module parameters.
 *
 * Every helper returns 0 (or a count) on success and -errno on failure;
 * none of them prints or asserts, so they can be used from any thread and
 * from fixture teardowns. Assertions live in the tests (see ml_test.h).
 */
#ifndef MODEMLINE_SELFTEST_SIM_H
#define MODEMLINE_SELFTEST_SIM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/types.h>
#include <linux/modemline.h>

#include "kselftest.h"	/* __printf() */

#define ML_DEV		"/dev/modemline"
#define SIM_ROOT	"/sys/kernel/debug/modemline_sim"
#define SIM_LINES	SIM_ROOT "/lines"
#define ML_PARAMS	"/sys/module/modemline/parameters"

/*
 * How long to wait for something the kernel does asynchronously. The test
 * VM is slow (TCG, KASAN, lockdep): waits are generous and end as soon as
 * the awaited thing happens.
 */
#define ML_WAIT_MS	10000

/* Byte pattern output structs are filled with before an ioctl or read. */
#define ML_POISON	0xAA

/* ------------------------------------------------------------------ */
/* /dev/modemline                                                      */

/* open(ML_DEV, O_RDWR | O_CLOEXEC | @flags): fd or -errno. */
int mls_open(int flags);
/* ioctl(): 0 or -errno. */
int mls_ioctl(int fd, unsigned long cmd, void *arg);

/* CLOCK_BOOTTIME now, nanoseconds (the ABI's clock). */
__u64 mls_now_ns(void);

int mls_dial(int fd, __u32 line_id, const char *number, __u32 timeout_ms,
	     __u32 *call);
/* DIAL, retrying -EBUSY for up to @wait_ms (the line is still hanging up). */
int mls_dial_retry(int fd, __u32 line_id, const char *number,
		   __u32 timeout_ms, __u32 *call, int wait_ms);
int mls_answer(int fd, __u32 line_id, __u32 *call);
int mls_drop(int fd, __u32 call, __u32 flags);
int mls_deallocate(int fd, __u32 call, __u32 flags);
/* CALL_DATA: the call's data descriptor, or -errno. */
int mls_call_data(int fd, __u32 call, __u32 flags);
/* CALL_INFO into @info, which is poisoned with ML_POISON first. */
int mls_call_info(int fd, __u32 call, struct modemline_call_info *info);
/* LINE_INFO into @info, which is poisoned with ML_POISON first. */
int mls_line_info(int fd, __u32 line_id, struct modemline_line_info *info);
/*
 * CALL_LIST / LINE_LIST: @n slots at @ids (may be NULL when @n is 0);
 * *@count gets the number of ids that exist.
 */
int mls_call_list(int fd, __u32 *ids, __u32 n, __u32 *count);
int mls_line_list(int fd, __u32 *ids, __u32 n, __u32 *count);
/* Number of calls this file holds, or -errno. */
int mls_call_count(int fd);
/* 1 if @call is in this file's CALL_LIST, 0 if not, or -errno. */
int mls_call_listed(int fd, __u32 call);
int mls_subscribe(int fd, __u32 line_id);
int mls_unsubscribe(int fd, __u32 line_id);

/* poll() for POLLIN: 1 readable, 0 timed out, -errno. */
int mls_poll_in(int fd, int timeout_ms);
/*
 * Read exactly one event record, waiting up to @timeout_ms for it
 * (-ETIMEDOUT). @ev is poisoned with ML_POISON first. A short or long
 * read is -EPROTO.
 */
int mls_read_event(int fd, struct modemline_event *ev, int timeout_ms);
/*
 * Read events until a CALL_STATE event for @call reaching @state arrives
 * (stored in @ev); other events are consumed and ignored.
 */
int mls_wait_state(int fd, __u32 call, __u32 state,
		   struct modemline_event *ev, int timeout_ms);
/*
 * Read events until one of @type for @line_id arrives (any line when
 * @line_id is 0); other events are consumed and ignored.
 */
int mls_wait_event(int fd, __u32 type, __u32 line_id,
		   struct modemline_event *ev, int timeout_ms);
/* Discard every queued event; returns how many were read, or -errno. */
int mls_drain_events(int fd);
/*
 * Poll CALL_INFO (without reading events) until the call is in @state;
 * the last record is left in @info.
 */
int mls_wait_info_state(int fd, __u32 call, __u32 state,
			struct modemline_call_info *info, int timeout_ms);
/* Poll LINE_INFO until the line has no call in progress (flag BUSY). */
int mls_wait_line_idle(int fd, __u32 line_id, int timeout_ms);

/* ------------------------------------------------------------------ */
/* modemline_sim                                                       */

struct sim_line {
	char name[MODEMLINE_NAME_LEN];	/* "" when not created */
	__u32 id;
	bool removed;			/* "remove" was sent */
};

/* Write @name to new_line: 0 or -errno (-EEXIST, -EINVAL, ...). */
int sim_new_line_raw(const char *name);
/*
 * Create a line with a name unique to this process (pid and a counter),
 * and read its id.
 */
int sim_line_create(struct sim_line *line);
/* Create @n lines, all or nothing. */
int sim_lines_create(struct sim_line *lines, int n);
/* One control command, formatted like printf(): 0 or -errno. */
__printf(2, 3)
int sim_ctl(const struct sim_line *line, const char *fmt, ...);
/* Write @cmd verbatim (length @len) to the line's control file. */
int sim_ctl_raw(const char *name, const char *cmd, size_t len);
/* Read the line's id file. */
int sim_read_id(const char *name, __u32 *id);
/* true while the line's debugfs directory exists. */
bool sim_line_exists(const char *name);
/*
 * Remove the line ("remove" command) once, and wait until its debugfs
 * directory is gone (the sim removes it asynchronously). Does nothing for
 * a line that was never created or was removed already, so it is safe in
 * teardowns. Always use this rather than sim_ctl(line, "remove"): the sim
 * must not be told twice.
 */
int sim_line_remove(struct sim_line *line);
void sim_lines_remove(struct sim_line *lines, int n);

/* ------------------------------------------------------------------ */
/* modules                                                             */

/* /sys/module/@module/refcnt into *@val. */
int mls_read_long(const char *path, long *val);
int mls_module_refcnt(const char *module, long *val);

/* The misc device's sysfs directory. */
#define MLS_SYSFS	"/sys/class/misc/modemline"
long mls_retained_calls(void);
long mls_wait_retained_calls(long want);

/* ------------------------------------------------------------------ */
/* modemline module parameters                                         */

int mls_param_get(const char *name, long *val);
int mls_param_set(const char *name, long val);

struct mls_param_save {
	char name[32];
	long val;
	bool saved;
};

/* Remember the current value of @name (to restore it in a teardown). */
int mls_param_save(struct mls_param_save *s, const char *name);
/* Write the remembered value back if one was saved. */
int mls_param_restore(struct mls_param_save *s);

/* ------------------------------------------------------------------ */
/* Memory for bad-pointer tests                                        */

/* An address with nothing mapped at it (a page mapped, then unmapped). */
void *mls_unmapped_addr(void);
/*
 * Two pages: the first with @prot, the second PROT_NONE. Returns the
 * first page, or NULL. Free with mls_pages_free(p, 2).
 */
void *mls_guarded_pages(int prot);
/* One PROT_NONE page, or NULL. Free with mls_pages_free(p, 1). */
void *mls_prot_none_page(void);
void mls_pages_free(void *p, int npages);
size_t mls_page_size(void);

/* true if @s (array of @len) has a NUL and every byte after it is 0. */
bool mls_str_tail_zero(const char *s, size_t len);
/* true if every byte of @p[0..len) is 0. */
bool mls_all_zero(const void *p, size_t len);

/* ------------------------------------------------------------------ */
/* One read() or write() in a thread of its own                        */

struct io_thread {
	pthread_t thread;
	int fd;
	bool write;
	size_t len;			/* at most sizeof(buf) */
	unsigned char buf[sizeof(struct modemline_event)];
	ssize_t ret;
	int err;			/* errno when ret < 0 */
	int done;			/* set (atomically) once the call returned */
	long ms;			/* how long it took */
};

/* Start read(@fd, @len) or write(@fd, @len bytes) in a new thread. */
int io_thread_start(struct io_thread *t, int fd, bool write, size_t len);
/* Wait up to @timeout_ms for the call to return: 0 or -ETIMEDOUT. */
int io_thread_wait(struct io_thread *t, int timeout_ms);
/* Wait for the call to return, however long, and reap the thread. */
void io_thread_join(struct io_thread *t);
/* Set or clear O_NONBLOCK on @fd's open file: 0 or -errno. */
int mls_set_nonblock(int fd, bool on);

#endif /* MODEMLINE_SELFTEST_SIM_H */

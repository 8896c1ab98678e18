/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libmodemline: a thin C layer over the /dev/modemline ioctls
 * (<linux/modemline.h>, modemline(4)); the manual is libmodemline(3).
 *
 * Every function that can fail returns a value >= 0 on success and a
 * negative errno on failure (-ENOENT, -EBUSY, ...); errno itself is not
 * part of the interface. A NULL pointer where an object is wanted, or a
 * value outside what the function takes, is -EINVAL before anything is
 * done. The kernel's documented meaning of each errno, per operation, is
 * available from ml_strerror(). Link with
 * `pkg-config --cflags --libs modemline`.
 *
 * ABI: the shared library's symbols are versioned (MODEMLINE_0.1 for the
 * first interface, MODEMLINE_0.2 to MODEMLINE_0.4 for what came after),
 * so a program runs with any later libmodemline.so.0. Functions that copy a struct of
 * <linux/modemline.h> take its size (the *_sz forms; the plain names are
 * macros that pass sizeof), so that the structs can grow: see
 * ml_call_info_sz().
 *
 * Threads: every function may be called from any thread, on one
 * descriptor or several, with these exceptions:
 *   - ml_close() (or close()) of a descriptor must not race with another
 *     thread's call on it, as for any descriptor;
 *   - ml_open() reads MODEMLINE_DEV with getenv(): not while another
 *     thread changes the environment;
 *   - a descriptor whose events the library reads must not be read()
 *     by the program itself at the same time (poll() is fine).
 * Several threads may wait on one descriptor with ml_wait_state() and
 * ml_next_event() at once: each event read from the kernel goes to every
 * ml_wait_state() it ends, else to the descriptor's queue, whose oldest
 * event the next ml_next_event() returns; none is lost or returned
 * twice. One thread at a time reads the kernel; the others sleep until
 * it hands out an event or stops, none past its own deadline.
 */
#ifndef LIBMODEMLINE_H
#define LIBMODEMLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <termios.h>
#include <sys/types.h>
#include <linux/modemline.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The device, unless the environment variable MODEMLINE_DEV names another. */
#define ML_DEVICE	"/dev/modemline"

/*
 * The library's version, "MAJOR.MINOR.PATCH", the same as
 * `pkg-config --modversion modemline` of its installation. (0.2)
 */
const char *ml_version(void);

/*
 * open(@path, O_RDWR | O_CLOEXEC | @flags): the descriptor or -errno.
 * @flags may hold O_NONBLOCK and O_CLOEXEC, nothing else (-EINVAL). (0.2)
 */
int ml_open_path(const char *path, int flags);
/* ml_open_path() of $MODEMLINE_DEV if set and not empty, else of ML_DEVICE. */
int ml_open(int flags);
/*
 * Close a descriptor of ml_open() and free what the library keeps for it
 * (its queued events; close() alone leaves that until ml_open() returns
 * the same number again).
 */
int ml_close(int fd);

/*
 * LINE_LIST / CALL_LIST: writes up to @max ids (ascending) to @ids, which
 * may be NULL only when @max is 0, and returns how many exist; a result
 * above @max means the array was too small.
 */
int ml_line_list(int fd, uint32_t *ids, uint32_t max);
int ml_call_list(int fd, uint32_t *ids, uint32_t max);

/*
 * LINE_INFO and CALL_INFO into @out, a struct of @size bytes (pass
 * sizeof). The library fills what it and the kernel know and zeroes the
 * rest, so a program built with a newer, larger struct works with an
 * older library, and one built with an older struct gets its part.
 * @size smaller than the struct of version 0.1 is -EINVAL. (0.2)
 */
int ml_line_info_sz(int fd, uint32_t line_id, struct modemline_line_info *out, size_t size);
int ml_call_info_sz(int fd, uint32_t call, struct modemline_call_info *out, size_t size);
/* The 0.1 forms, for the struct of version 0.1; the macros pass sizeof. */
int ml_line_info(int fd, uint32_t line_id, struct modemline_line_info *out);
int ml_call_info(int fd, uint32_t call, struct modemline_call_info *out);
#define ml_line_info(fd, line_id, out) ml_line_info_sz((fd), (line_id), (out), sizeof(*(out)))
#define ml_call_info(fd, call, out) ml_call_info_sz((fd), (call), (out), sizeof(*(out)))

/* @line_id 0: every line, present and future (see SUBSCRIBE). */
int ml_subscribe(int fd, uint32_t line_id);
int ml_unsubscribe(int fd, uint32_t line_id);

/*
 * SUBSCRIBE / UNSUBSCRIBE with MODEMLINE_SUBSCRIBE_MONITOR: from now on
 * this descriptor gets a monitor handle of its own to every call created
 * on @line_id (0: on every line, present and future), each announced by
 * a CALL_NEW event and followed by the call's CALL_STATE events. A
 * monitor handle reads the record (ml_call_info_sz()) and is released
 * with ml_deallocate(fd, handle, false) whatever the call's state, which
 * does not touch the call; ml_drop(), ml_call_data() and
 * ml_call_handoff() on it are -EPERM. Needs CAP_NET_ADMIN (-EPERM):
 * a monitor sees every number dialed. ml_unmonitor() stops new handles;
 * those held stay until released. (0.3)
 */
int ml_monitor(int fd, uint32_t line_id);
int ml_unmonitor(int fd, uint32_t line_id);

/* DIAL: @timeout_ms 0 is the line's default. The handle goes to *@call. */
int ml_dial(int fd, uint32_t line_id, const char *number, uint32_t timeout_ms,
	    uint32_t *call);
/*
 * DIAL with MODEMLINE_DIAL_VOICE: a voice call, on a 3GPP line only
 * (-EOPNOTSUPP elsewhere); it has no data descriptor. (0.4)
 */
int ml_dial_voice(int fd, uint32_t line_id, const char *number,
		  uint32_t timeout_ms, uint32_t *call);
/*
 * API: this descriptor speaks @version of the interface from now on (2:
 * with the RINGBACK state), or the newest the module knows if that is
 * older. Returns the version in force, or -errno (a module without the
 * request: -ENOTTY, and the descriptor speaks version 1). (0.4)
 */
int ml_api(int fd, uint32_t version);
int ml_answer(int fd, uint32_t line_id, uint32_t *call);
/* DROP; @wait: return only once the call is DISCONNECTED (-EINTR on a signal). */
int ml_drop(int fd, uint32_t call, bool wait);
/* DEALLOCATE; @drop: end the call first if it has not ended (else -EBUSY). */
int ml_deallocate(int fd, uint32_t call, bool drop);
/* CALL_DATA: a new descriptor of the call's data stream, or -errno. */
int ml_call_data(int fd, uint32_t call, bool nonblock);
/*
 * CALL_HANDOFF: make @target_fd, another open /dev/modemline of this
 * process (e.g. one received over a unix socket with SCM_RIGHTS), the
 * owner of @call, live or ended. Its new handle there goes to *@new_call;
 * @call is then gone from @fd (-ENOENT); the call's events that @fd had
 * already read stay with @fd. (0.3)
 */
int ml_call_handoff(int fd, uint32_t call, int target_fd, uint32_t *new_call);

/*
 * The next event: the oldest queued on this descriptor (by ml_wait_state()
 * or another thread), else one read from the kernel. @timeout_ms
 * negative waits forever, 0 only looks. Returns 0, -ETIMEDOUT when none
 * came in time, -EINTR when a signal interrupted this thread's wait for
 * the kernel (never restarted, so a SIGINT handler can end the wait; a
 * thread waiting while another reads the kernel sleeps on until its
 * deadline or an event), or another -errno.
 */
int ml_next_event(int fd, struct modemline_event *ev, int timeout_ms);

/*
 * Wait until call @call reaches @state (MODEMLINE_STATE_*) or ends
 * (DISCONNECTED). Returns the state reached (@state or
 * MODEMLINE_STATE_DISCONNECTED), -ETIMEDOUT, -EINTR (as for
 * ml_next_event()), or -errno. The event that ended the wait goes to
 * *@last (may be NULL) and to no ml_next_event(); if CALL_INFO shows the
 * call already there, *@last is made from the record (seq 0, the
 * timestamp of the state's record field) and the event, when it is read,
 * is queued as any other.
 *
 * Nothing is lost: every other event read meanwhile (other calls, offers,
 * lines, this call's intermediate states) is kept in the descriptor's
 * queue, which ml_next_event() returns first, in order. A caller that
 * poll()s the descriptor must check ml_pending() before it sleeps. If
 * more than ML_QUEUE_MAX events pile up, the newest are dropped and an
 * OVERFLOW event (seq 0, @lost = how many) follows the queued ones.
 */
#define ML_QUEUE_MAX	256
int ml_wait_state(int fd, uint32_t call, uint32_t state, int timeout_ms,
		  struct modemline_event *last);
/* Events queued on @fd for ml_next_event(). */
int ml_pending(int fd);

/*
 * Names of the ABI's constants: "dialing", "remote", "no-carrier",
 * "call-state", ...; "unknown" for a value the ABI does not define.
 */
const char *ml_state_name(uint32_t state);
const char *ml_origin_name(uint32_t origin);
const char *ml_reason_name(uint32_t reason);
const char *ml_event_name(uint32_t type);
const char *ml_direction_name(uint32_t direction);
const char *ml_transport_name(uint32_t transport);
/* "v250", "3gpp". (0.4) */
const char *ml_dialect_name(uint32_t dialect);

/* Operations, for ml_strerror(). */
enum ml_op {
	ML_OP_OPEN,
	ML_OP_LINE_LIST,
	ML_OP_LINE_INFO,
	ML_OP_SUBSCRIBE,
	ML_OP_UNSUBSCRIBE,
	ML_OP_DIAL,
	ML_OP_ANSWER,
	ML_OP_DROP,
	ML_OP_DEALLOCATE,
	ML_OP_CALL_INFO,
	ML_OP_CALL_LIST,
	ML_OP_CALL_DATA,
	ML_OP_EVENT,		/* ml_next_event(), ml_wait_state() */
	ML_OP_DATA_READ,	/* read() on a data descriptor */
	ML_OP_DATA_WRITE,	/* write() on a data descriptor */
	ML_OP_TTY_OPEN,		/* ml_tty_open() */
	ML_OP_TTY_ATTACH,	/* ml_tty_attach() */
	ML_OP_TTY_LINE,		/* ml_tty_line_id() */
	ML_OP_TTY_CONFIG,	/* ml_tty_get_config(), ml_tty_set_config() */
	/* (0.3) */
	ML_OP_MONITOR,		/* ml_monitor() */
	ML_OP_UNMONITOR,	/* ml_unmonitor() */
	ML_OP_CALL_HANDOFF,	/* ml_call_handoff() */
	ML_OP_FDINFO,		/* ml_fdinfo_sz() */
	/* (0.4) */
	ML_OP_API,		/* ml_api() */
};

/*
 * What @err (negative or positive errno) means for @op, as modemline(4)
 * documents it, e.g. ML_OP_DIAL, -EBUSY: "the line already has a call
 * in progress"; strerror() for errnos the operation does not document.
 */
const char *ml_strerror(int op, int err);

/*
 * What an open /dev/modemline file holds, as the kernel shows it in
 * /proc/PID/fdinfo/FD (the ml_* keys of <linux/modemline.h>). @have says
 * which of the fields the kernel showed (ML_FDINFO_* bits); the others
 * are 0. Fields are only ever added at the end, with a new bit, so a
 * program built with this struct works with a later library and kernel
 * and gets its part. (0.3)
 */
struct ml_fdinfo {
	uint64_t have;			/* ML_FDINFO_* */
	uint64_t calls_live;		/* ml_calls_live: owner handles of live calls */
	uint64_t calls_ended;		/* ml_calls_ended: owner handles of ended calls */
	uint64_t monitor_handles;	/* ml_monitor_handles */
	uint64_t oldest_ended_ms;	/* ml_oldest_ended_ms: 0 if none ended */
	uint64_t events_queued;		/* ml_events_queued */
	uint64_t events_lost;		/* ml_events_lost */
	uint64_t calls_missed;		/* ml_calls_missed */
	uint64_t kernel_bytes;		/* ml_kernel_bytes */
};

#define ML_FDINFO_CALLS_LIVE		(1ULL << 0)
#define ML_FDINFO_CALLS_ENDED		(1ULL << 1)
#define ML_FDINFO_MONITOR_HANDLES	(1ULL << 2)
#define ML_FDINFO_OLDEST_ENDED_MS	(1ULL << 3)
#define ML_FDINFO_EVENTS_QUEUED		(1ULL << 4)
#define ML_FDINFO_EVENTS_LOST		(1ULL << 5)
#define ML_FDINFO_CALLS_MISSED		(1ULL << 6)
#define ML_FDINFO_KERNEL_BYTES		(1ULL << 7)

/*
 * Read descriptor @fd of process @pid (0: this process) into @out, a
 * struct ml_fdinfo of @size bytes (pass sizeof; less than version 0.3's
 * struct is -EINVAL), filled as for ml_call_info_sz(). Returns 0;
 * -ENOENT when there is no such process or descriptor (it may just have
 * gone), -EACCES when this process may not look (another user's: needs
 * root), -ENODATA when the file shows none of the keys (not a
 * /dev/modemline file, or a module without them), or another -errno.
 * (0.3)
 */
int ml_fdinfo_sz(pid_t pid, int fd, struct ml_fdinfo *out, size_t size);
#define ml_fdinfo(pid, fd, out) ml_fdinfo_sz((pid), (fd), (out), sizeof(*(out)))

/*
 * A rate in bit/s as the termios speed (B9600, B115200, ...) for
 * ml_tty_open() or cfsetspeed(), or -EINVAL if termios has none for it
 * (0 included). (0.2)
 */
int ml_speed(unsigned long bps);

/*
 * The line discipline on a modem's tty (needs CAP_NET_ADMIN to attach).
 *
 * ml_tty_open: open(@path) without waiting for carrier, raw 8N1 with
 * CLOCAL, @speed a B* constant (see ml_speed()) or 0 to keep the tty's
 * speed; fd or -errno.
 * ml_tty_attach: set the discipline and read the line id. The line lives
 * as long as the discipline stays attached, so keep the fd open.
 * ml_tty_detach: back to N_TTY, which removes the line.
 * ml_tty_get_config_sz / ml_tty_set_config_sz: the line's AT settings,
 * in a struct of @size bytes as for ml_call_info_sz(); on setting, bytes
 * past what the library knows must be 0, else -E2BIG. (0.2)
 */
int ml_tty_open(const char *path, speed_t speed);
int ml_tty_attach(int tty_fd, uint32_t *line_id);
int ml_tty_detach(int tty_fd);
int ml_tty_line_id(int tty_fd, uint32_t *line_id);
int ml_tty_get_config_sz(int tty_fd, struct modemline_tty_config *cfg, size_t size);
int ml_tty_set_config_sz(int tty_fd, const struct modemline_tty_config *cfg, size_t size);
int ml_tty_get_config(int tty_fd, struct modemline_tty_config *cfg);
int ml_tty_set_config(int tty_fd, const struct modemline_tty_config *cfg);
#define ml_tty_get_config(fd, cfg) ml_tty_get_config_sz((fd), (cfg), sizeof(*(cfg)))
#define ml_tty_set_config(fd, cfg) ml_tty_set_config_sz((fd), (cfg), sizeof(*(cfg)))

#ifdef __cplusplus
}
#endif

#endif /* LIBMODEMLINE_H */

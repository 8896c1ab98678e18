/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * modemline: call sessions on modem lines.
 *
 * Userspace opens /dev/modemline and drives calls with the ioctls below,
 * reads events with read() and waits for them with poll()/epoll.
 *
 * Objects
 *   line   A modem reachable through a tty (or a simulated one). Named by a
 *          line id, a __u32 > 0 that is global and never reused while the
 *          module is loaded.
 *   call   One dialed or answered call on a line. Named by a call handle,
 *          a __u32 > 0 that is private to the open file that holds it:
 *          another file can neither see nor use it. Handles are allocated
 *          cyclically, so a released handle is not handed out again at
 *          once.
 *
 * Handles: owner and monitors
 *   A call has exactly one owner handle: the one DIAL or ANSWER returned,
 *   or the one CALL_HANDOFF moved it to. Only the owner may DROP it, open
 *   its data descriptor (CALL_DATA) or hand it off. A file subscribed
 *   with MODEMLINE_SUBSCRIBE_MONITOR also gets a monitor handle of its
 *   own to every call created on the lines it monitors (CALL_NEW event);
 *   a monitor handle reads the same record (CALL_INFO, CALL_LIST), gets
 *   the call's CALL_STATE events, and can be deallocated at any time,
 *   which does not affect the call; DROP, CALL_DATA and CALL_HANDOFF on
 *   it fail with -EPERM. Each handle counts against its own file's
 *   max_calls. The call's memory is freed when its last handle, the
 *   owner's or a monitor's, is released (or its file closed).
 *
 * Lifecycle of a call
 *   DIAL or ANSWER creates the call (DIALING or ANSWERING), the modem
 *   connects it (CONNECTED), and it ends, always recording who ended it
 *   (origin) and why (reason): DISCONNECTED. A local DROP passes through
 *   DISCONNECTING while the modem hangs up. A DISCONNECTED call keeps its
 *   handle and its complete record (CALL_INFO) until DEALLOCATE releases
 *   it, or the file is closed, which terminates and releases every call
 *   the file still holds.
 *
 * Conventions for every ioctl
 *   - Arguments are fixed-size structs whose size is part of the command
 *     number; a command with an unknown number, size or direction fails
 *     with -ENOTTY.
 *   - Every field named reserved/pad and every flag bit not defined here
 *     must be zero, else -EINVAL.
 *   - An unreadable or unwritable argument fails with -EFAULT and changes
 *     nothing (an output struct is written only after the operation
 *     succeeded; for DIAL/ANSWER a failure to write the handle back
 *     releases the new call again; a monitor that got a handle to it
 *     meanwhile sees it end).
 *   - A call handle this file does not hold (0, never issued, released,
 *     or another file's) fails with -ENOENT. So does an unknown line id.
 *   - Output structs are fully written: padding and unused bytes are 0.
 *   - Strings are NUL-terminated inside their array; an input string
 *     without a NUL in its array fails with -EINVAL; bytes after the NUL
 *     are ignored on input and zero on output.
 *   - Timestamps are CLOCK_BOOTTIME nanoseconds; 0 means "not reached".
 *   - 32-bit processes use the same structs and commands unchanged.
 */
#ifndef _UAPI_LINUX_MODEMLINE_H
#define _UAPI_LINUX_MODEMLINE_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/* Sizes of string fields, terminating NUL included. */
#define MODEMLINE_NUMBER_LEN	48	/* dial string or caller id */
#define MODEMLINE_RESULT_LEN	32	/* last modem result text */
#define MODEMLINE_NAME_LEN	32	/* line name, e.g. "ttyUSB0" */
#define MODEMLINE_CAUSE_LEN	64	/* the network's cause text (3GPP +CEER) */

/* Call direction. */
#define MODEMLINE_DIR_OUTGOING	1	/* created by DIAL */
#define MODEMLINE_DIR_INCOMING	2	/* created by ANSWER */

/* Call state. */
#define MODEMLINE_STATE_DIALING		1	/* ATD sent, waiting for a result */
#define MODEMLINE_STATE_ANSWERING	2	/* ATA sent, waiting for carrier */
#define MODEMLINE_STATE_CONNECTED	3	/* carrier up, data can flow */
#define MODEMLINE_STATE_DISCONNECTING	4	/* local drop, modem hanging up */
#define MODEMLINE_STATE_DISCONNECTED	5	/* ended; record retained */
/*
 * A voice call whose remote party is being alerted (TAPI's RINGBACK),
 * between DIALING and CONNECTED. Only a file that asked for API version
 * 2 or later (MODEMLINE_IOC_API) sees it: to any other file the call
 * stays DIALING until it connects, in CALL_INFO and in every event, and
 * the change to RINGBACK sends it no CALL_STATE event.
 */
#define MODEMLINE_STATE_RINGBACK	6

/* Who ended the call (0 while it has not ended). */
#define MODEMLINE_ORIGIN_NONE	0
#define MODEMLINE_ORIGIN_LOCAL	1	/* this application: DROP, DEALLOCATE */
#define MODEMLINE_ORIGIN_REMOTE	2	/* the other party or the network */
#define MODEMLINE_ORIGIN_SYSTEM	3	/* the driver, the modem or the host */

/*
 * Why the call ended. The TAPI LINEDISCONNECTMODE_* equivalent is given
 * for applications ported from Windows telephony.
 *
 *   reason        origin  meaning                              TAPI
 *   NORMAL        local   DROP (or DEALLOCATE with DROP flag)  NORMAL
 *   NORMAL        remote  the other side hung up (NO CARRIER   NORMAL
 *                         while connected)
 *   BUSY          remote  BUSY                                 BUSY
 *   NO_ANSWER     remote  NO ANSWER                            NOANSWER
 *   NO_CARRIER    remote  NO CARRIER before connecting         UNREACHABLE
 *   NO_DIALTONE   remote  NO DIALTONE                          NODIALTONE
 *   CARRIER_LOST  remote  carrier detect dropped while         NORMAL
 *                         connected, without a result code
 *   REJECTED      remote  the caller hung up before the        REJECT
 *                         answer completed
 *   DIAL_TIMEOUT  system  no result within the dial timeout    UNAVAIL
 *   MODEM_ERROR   system  the modem answered ERROR, or did     UNAVAIL
 *                         not answer the init string, not even
 *                         after a hang-up and a second try
 *   LINE_REMOVED  system  tty hung up, ldisc detached, USB     OUTOFORDER
 *                         modem unplugged, line deleted
 *   SHUTDOWN      system  the line's driver is being unloaded  OUTOFORDER
 *
 * Carrier detect on a tty with modem-control lines: with CLOCAL set, DCD
 * falling while connected ends the call REMOTE / CARRIER_LOST and the
 * line stays. Without CLOCAL the driver also hangs the tty up, which
 * removes the line; the call still ends REMOTE / CARRIER_LOST, since the
 * carrier loss is reported first, and its record stays readable.
 */
#define MODEMLINE_REASON_NONE		0
#define MODEMLINE_REASON_NORMAL		1
#define MODEMLINE_REASON_BUSY		2
#define MODEMLINE_REASON_NO_ANSWER	3
#define MODEMLINE_REASON_NO_CARRIER	4
#define MODEMLINE_REASON_NO_DIALTONE	5
#define MODEMLINE_REASON_CARRIER_LOST	6
#define MODEMLINE_REASON_REJECTED	7
#define MODEMLINE_REASON_DIAL_TIMEOUT	8
#define MODEMLINE_REASON_MODEM_ERROR	9
#define MODEMLINE_REASON_LINE_REMOVED	10
#define MODEMLINE_REASON_SHUTDOWN	11

/*
 * What a line's modem speaks (struct modemline_tty_config, LINE_INFO):
 * V.250 (Hayes) data calls, or 3GPP TS 27.007 call control as well
 * (voice calls, +CLCC progress, +CHUP, the network's cause from +CEER).
 */
#define MODEMLINE_DIALECT_V250	0
#define MODEMLINE_DIALECT_3GPP	1

/* Line transport, in struct modemline_line_info.transport. */
#define MODEMLINE_TRANSPORT_SIM	1	/* modemline_sim */
#define MODEMLINE_TRANSPORT_TTY	2	/* line discipline on a tty */

/* Line flags, in struct modemline_line_info.flags. */
#define MODEMLINE_LINE_OFFERING	_BITUL(0)	/* an incoming call rings */
#define MODEMLINE_LINE_BUSY	_BITUL(1)	/* a call is in progress */
/* The offered call is a voice call (shown to files of API 2 or later). */
#define MODEMLINE_LINE_OFFERING_VOICE _BITUL(2)

/**
 * struct modemline_id_list - argument of LINE_LIST and CALL_LIST
 * @count: in: number of __u32 slots at @ids; out: number of ids that
 *         exist (may be larger than the slots given; call again)
 * @flags: must be 0
 * @ids:   user pointer to an array of @count __u32, filled in ascending
 *         order with min(in @count, out @count) ids; only touched when
 *         there is an id to write, so 0 with @count 0 asks only for the
 *         number
 */
struct modemline_id_list {
	__u32 count;
	__u32 flags;
	__aligned_u64 ids;
};

/**
 * struct modemline_line_info - argument of LINE_INFO
 * @line_id:         in: the line
 * @flags:           out: MODEMLINE_LINE_*
 * @transport:       out: MODEMLINE_TRANSPORT_*
 * @rings:           out: RINGs counted for the call being offered (0 once
 *                   it is answered or withdrawn)
 * @name:            out: the line's name: the tty's name ("ttyUSB0") for
 *                   tty lines, the name given to modemline_sim for
 *                   simulated ones
 * @offered_number:  out: caller id of the offered call ("" if unknown)
 * @calls:           out: calls created on the line since it appeared
 * @calls_connected: out: of those, calls that reached CONNECTED
 * @calls_failed:    out: of those, calls that ended without connecting
 * @dialect:         out: MODEMLINE_DIALECT_*; ignored on input, so that a
 *                   struct can be passed again as it came back
 * @reserved32:      in: must be 0; out: 0
 * @reserved:        in: must be 0; out: 0
 */
struct modemline_line_info {
	__u32 line_id;
	__u32 flags;
	__u32 transport;
	__u32 rings;
	char name[MODEMLINE_NAME_LEN];
	char offered_number[MODEMLINE_NUMBER_LEN];
	__aligned_u64 calls;
	__aligned_u64 calls_connected;
	__aligned_u64 calls_failed;
	__u32 dialect;
	__u32 reserved32;
	__aligned_u64 reserved;
};

/* SUBSCRIBE / UNSUBSCRIBE: monitor the line's calls, not its events. */
#define MODEMLINE_SUBSCRIBE_MONITOR	_BITUL(0)

/**
 * struct modemline_subscribe - argument of SUBSCRIBE and UNSUBSCRIBE
 * @line_id: the line whose events (offered calls, line removed) this
 *           file wants; 0 means every line, present and future, and adds
 *           LINE_ADDED events for lines that appear later (LINE_LIST
 *           gives the ones already there). A file subscribed to 0 and to
 *           a line gets each event once; UNSUBSCRIBE of that line leaves
 *           the subscription to 0 in force.
 * @flags:   0, or MODEMLINE_SUBSCRIBE_MONITOR: instead of the line's
 *           events, a monitor handle to every call created on the line
 *           (0: on every line, present and future) from now on, each
 *           announced by a CALL_NEW event. "From now on": a DIAL or
 *           ANSWER ordered after SUBSCRIBE returned (the same thread, or
 *           a lock, a pipe between them) gives a handle; one running at
 *           the same time in another thread may not. Monitoring and line events are
 *           subscribed and unsubscribed separately, with the same rules
 *           for 0 and for a line. UNSUBSCRIBE with the flag stops new
 *           monitor handles; the ones held stay until released.
 */
struct modemline_subscribe {
	__u32 line_id;
	__u32 flags;
};

/*
 * DIAL: a voice call ("ATD<number>;"), on a 3GPP line only. It has no
 * data descriptor; its progress comes from the modem's call list.
 */
#define MODEMLINE_DIAL_VOICE	_BITUL(0)

/**
 * struct modemline_dial - argument of DIAL
 * @line_id:    in: the line to dial on
 * @flags:      in: 0 or MODEMLINE_DIAL_VOICE
 * @number:     in: dial string, NUL-terminated, 1..47 characters from
 *              "0123456789*#+,;!@ABCDPTWpw" (Hayes dial modifiers
 *              included); anything else is -EINVAL
 * @timeout_ms: in: fail the call with origin SYSTEM / reason DIAL_TIMEOUT
 *              if it is not connected after this long; 0 means the
 *              module default (parameter dial_timeout_ms)
 * @call:       out: the new call's handle
 * @reserved:   in: must be 0
 */
struct modemline_dial {
	__u32 line_id;
	__u32 flags;
	char number[MODEMLINE_NUMBER_LEN];
	__u32 timeout_ms;
	__u32 call;
	__aligned_u64 reserved;
};

/**
 * struct modemline_answer - argument of ANSWER
 * @line_id:  in: the line whose offered (ringing) call to answer
 * @flags:    in: must be 0
 * @call:     out: the new call's handle
 * @reserved: in: must be 0
 */
struct modemline_answer {
	__u32 line_id;
	__u32 flags;
	__u32 call;
	__u32 reserved;
};

/* DROP: wait until the call is DISCONNECTED (interruptible, restartable). */
#define MODEMLINE_DROP_WAIT		_BITUL(0)
/* DEALLOCATE: drop the call first if it has not ended yet. */
#define MODEMLINE_DEALLOCATE_DROP	_BITUL(0)

/**
 * struct modemline_call_op - argument of DROP and DEALLOCATE
 * @call:  the handle
 * @flags: MODEMLINE_DROP_* or MODEMLINE_DEALLOCATE_*
 */
struct modemline_call_op {
	__u32 call;
	__u32 flags;
};

/* CALL_INFO, out: the handle is a monitor's, not the owner's. */
#define MODEMLINE_CALL_INFO_MONITOR	_BITUL(0)
/*
 * CALL_INFO, out: a voice call (DIAL_VOICE, or a voice call answered);
 * shown to files of API 2 or later.
 */
#define MODEMLINE_CALL_INFO_VOICE	_BITUL(1)

/**
 * struct modemline_call_info - argument of CALL_INFO: the call's record
 * @call:            in: the handle
 * @flags:           in: 0 (the MODEMLINE_CALL_INFO_* bits are ignored, so
 *                   a struct can be passed again as it came back); out:
 *                   MODEMLINE_CALL_INFO_MONITOR if @call is a monitor
 *                   handle, MODEMLINE_CALL_INFO_VOICE for a voice call
 * @line_id:         out: the line the call was made on (it may be gone)
 * @direction:       out: MODEMLINE_DIR_*
 * @state:           out: MODEMLINE_STATE_*
 * @origin:          out: MODEMLINE_ORIGIN_*
 * @reason:          out: MODEMLINE_REASON_*
 * @rate:            out: connect rate in bit/s from "CONNECT <rate>", 0
 *                   if the modem reported none
 * @created_ns:      out: when DIAL/ANSWER created the call
 * @connected_ns:    out: when it reached CONNECTED (0: never)
 * @disconnected_ns: out: when it reached DISCONNECTED (0: not yet)
 * @duration_ns:     out: connected time: disconnected (or now, while
 *                   connected) minus connected; 0 if never connected
 * @rx_bytes:        out: data bytes read() from the call's data
 *                   descriptor (see CALL_DATA)
 * @tx_bytes:        out: data bytes write() to it took for the modem
 * @number:          out: dialed number, or caller id for incoming calls
 * @result:          out: the last result text the modem gave for this
 *                   call, e.g. "CONNECT 33600" or "NO CARRIER"
 * @cause:           out: on a 3GPP line, once the call ended, the
 *                   network's reason as the modem words it (+CEER), e.g.
 *                   "User busy"; "" if none
 *
 * The struct grows only at its end; its size is part of the command.
 * A program built against an older header passes the smaller struct
 * (MODEMLINE_CALL_INFO_SIZE_V1: the fields up to @result) and gets those
 * fields, as before.
 */
struct modemline_call_info {
	__u32 call;
	__u32 flags;
	__u32 line_id;
	__u32 direction;
	__u32 state;
	__u32 origin;
	__u32 reason;
	__u32 rate;
	__aligned_u64 created_ns;
	__aligned_u64 connected_ns;
	__aligned_u64 disconnected_ns;
	__aligned_u64 duration_ns;
	__aligned_u64 rx_bytes;
	__aligned_u64 tx_bytes;
	char number[MODEMLINE_NUMBER_LEN];
	char result[MODEMLINE_RESULT_LEN];
	char cause[MODEMLINE_CAUSE_LEN];
};

#define MODEMLINE_CALL_INFO_SIZE_V1	160	/* up to @result */

/* CALL_DATA: open the new descriptor with O_NONBLOCK. */
#define MODEMLINE_DATA_NONBLOCK		_BITUL(0)

/**
 * struct modemline_call_data - argument of CALL_DATA
 * @call:     in: the handle
 * @flags:    in: MODEMLINE_DATA_*
 * @fd:       out: the new file descriptor of the call's data stream
 * @reserved: in: must be 0
 */
struct modemline_call_data {
	__u32 call;
	__u32 flags;
	__s32 fd;
	__u32 reserved;
};

/**
 * struct modemline_call_handoff - argument of CALL_HANDOFF
 * @call:     in: an owner handle of this file
 * @flags:    in: must be 0
 * @fd:       in: a descriptor, in the calling process, of another open
 *            /dev/modemline file: the new owner
 * @new_call: out: the call's handle in that file
 */
struct modemline_call_handoff {
	__u32 call;
	__u32 flags;
	__s32 fd;
	__u32 new_call;
};

/* Event types, in struct modemline_event.type. */
#define MODEMLINE_EVENT_CALL_STATE	1	/* a call of this file changed state */
/* A subscribed line rings: sent on the first RING, again once caller id is known. */
#define MODEMLINE_EVENT_CALL_OFFERED	2
#define MODEMLINE_EVENT_LINE_ADDED	3	/* a line appeared (subscribed to 0) */
#define MODEMLINE_EVENT_LINE_REMOVED	4	/* a subscribed line went away */
#define MODEMLINE_EVENT_OVERFLOW	5	/* @lost events were dropped */
/* A monitored line has a new call: @call is this file's monitor handle. */
#define MODEMLINE_EVENT_CALL_NEW	6
/* A monitored line had a call this file could hold no handle to. */
#define MODEMLINE_EVENT_CALL_MISSED	7
/* CALL_HANDOFF made this file a call's owner: @call is its new handle. */
#define MODEMLINE_EVENT_CALL_HANDOFF	8

/**
 * struct modemline_event - the record read() returns
 *
 * read() returns whole records only: a buffer smaller than one record is
 * -EINVAL; a larger one gets as many whole records as fit. Without
 * O_NONBLOCK read() sleeps until an event arrives (-EINTR/restart on a
 * signal); with it an empty queue is -EAGAIN. poll() reports EPOLLIN when
 * a record is queued.
 *
 * The queue per file is bounded (module parameter max_events, read when
 * the file is opened, clamped to 1..65536). When it is full, new events
 * are dropped and counted; once the reader makes room a single OVERFLOW
 * record carrying the count is queued before any newer event.
 *
 * A monitor handle's CALL_STATE events come after its CALL_NEW; the
 * states the call passed before the monitor got its handle are not
 * repeated (CALL_NEW carries the state it is in). When a monitoring file
 * is at its max_calls, a new call gets no handle there and a CALL_MISSED
 * event says so instead. A monitor whose queue overflowed may have lost
 * CALL_NEW events of handles it holds: after OVERFLOW it reads them back
 * with CALL_LIST.
 *
 * A file a call is handed to (CALL_HANDOFF) gets a CALL_HANDOFF event
 * with its new owner handle before any CALL_STATE event under it. Event
 * types are only ever added: a reader skips a type it does not know.
 *
 * The events about one call (CALL_STATE, CALL_NEW, CALL_MISSED and
 * CALL_HANDOFF) carry its line, state, origin, reason and rate as they
 * are when the event is queued, and all but CALL_STATE its number.
 *
 * @seq:          per-file sequence number of this record, from 1, with no
 *                gaps (lost events get none; OVERFLOW says how many)
 * @timestamp_ns: CLOCK_BOOTTIME when the event happened
 * @type:         MODEMLINE_EVENT_*
 * @line_id:      the line concerned (0 in OVERFLOW)
 * @call:         CALL_STATE, CALL_NEW, CALL_HANDOFF: this file's handle;
 *                otherwise 0
 * @state:        CALL_STATE: the new MODEMLINE_STATE_*; other call
 *                events: the state the call is in
 * @origin:       a call event of a DISCONNECTED call: MODEMLINE_ORIGIN_*;
 *                else 0
 * @reason:       as @origin, MODEMLINE_REASON_*; LINE_REMOVED: why the
 *                line went
 * @lost:         OVERFLOW: number of events dropped; CALL_MISSED: number
 *                of calls this file has missed since it was opened
 * @rate:         a call event of a CONNECTED call: connect rate, bit/s;
 *                else 0
 * @number:       CALL_OFFERED: caller id ("" if unknown); CALL_NEW,
 *                CALL_MISSED, CALL_HANDOFF: the call's number (dialed or
 *                caller id); otherwise ""
 */
struct modemline_event {
	__aligned_u64 seq;
	__aligned_u64 timestamp_ns;
	__u32 type;
	__u32 line_id;
	__u32 call;
	__u32 state;
	__u32 origin;
	__u32 reason;
	__u32 lost;
	__u32 rate;
	char number[MODEMLINE_NUMBER_LEN];
};

#define MODEMLINE_IOC_MAGIC	0xB9

/*
 * LINE_LIST: ids of the lines that exist now.
 *   -EINVAL  flags not 0;  -EFAULT  bad argument or @ids array
 */
#define MODEMLINE_IOC_LINE_LIST	_IOWR(MODEMLINE_IOC_MAGIC, 0x01, struct modemline_id_list)

/*
 * LINE_INFO: state and counters of one line.
 *   -ENOENT  no such line;  -EINVAL  reserved not 0;  -EFAULT
 */
#define MODEMLINE_IOC_LINE_INFO	_IOWR(MODEMLINE_IOC_MAGIC, 0x02, struct modemline_line_info)

/*
 * SUBSCRIBE / UNSUBSCRIBE: start or stop receiving a line's events, or
 * with MODEMLINE_SUBSCRIBE_MONITOR monitor handles to its calls.
 * Subscribing twice is harmless; unsubscribing from a line not subscribed
 * to is -ENOENT. Calls created by this file report their own state events
 * whether or not the file is subscribed.
 *   -ENOENT  no such line;  -EINVAL  unknown flag;  -EFAULT
 *   -EPERM   SUBSCRIBE with MODEMLINE_SUBSCRIBE_MONITOR without
 *            CAP_NET_ADMIN (monitors see every number dialed)
 */
#define MODEMLINE_IOC_SUBSCRIBE		_IOW(MODEMLINE_IOC_MAGIC, 0x03, struct modemline_subscribe)
#define MODEMLINE_IOC_UNSUBSCRIBE	_IOW(MODEMLINE_IOC_MAGIC, 0x04, struct modemline_subscribe)

/*
 * DIAL: start an outgoing call; completion arrives as CALL_STATE events.
 * Dialing on a line that is offering (ringing) is allowed; the offer
 * stays until the modem stops ringing.
 *   -ENOENT  no such line (or it is being removed)
 *   -EBUSY   the line already has a call that has not ended, including
 *            one released with MODEMLINE_DEALLOCATE_DROP whose modem has
 *            not finished hanging up; on a tty line also while the modem
 *            finishes a hang-up the call's record already shows ended,
 *            or has not yet taken the commands of the last call
 *   -EINVAL  unknown flag, reserved not 0, empty, unterminated or
 *            invalid number
 *   -EOPNOTSUPP MODEMLINE_DIAL_VOICE on a line that is not 3GPP
 *   -EMFILE  this file already holds max_calls calls (module parameter);
 *            DEALLOCATE some
 *   -ENOMEM  out of memory;  -EFAULT
 */
#define MODEMLINE_IOC_DIAL	_IOWR(MODEMLINE_IOC_MAGIC, 0x10, struct modemline_dial)

/*
 * ANSWER: answer the call the line is offering (see CALL_OFFERED).
 *   -ENOENT  no such line
 *   -ESRCH   the line is not offering a call (or the caller gave up)
 *   -EBUSY   the line already has a call that has not ended
 *   -EINVAL, -EMFILE, -ENOMEM, -EFAULT  as for DIAL
 */
#define MODEMLINE_IOC_ANSWER	_IOWR(MODEMLINE_IOC_MAGIC, 0x11, struct modemline_answer)

/*
 * DROP: end a call from this side (origin LOCAL, reason NORMAL). Returns
 * at once; the end arrives as a CALL_STATE DISCONNECTED event. With
 * MODEMLINE_DROP_WAIT it returns once the call is DISCONNECTED. Dropping
 * a call that already ended succeeds and changes nothing.
 * A call is DISCONNECTED only once its line can place the next call: on
 * a tty line, once the modem answered the hang-up (DTR, or the escape and
 * ATH) or the engine gave up waiting for it, however long the guard time
 * and whether or not the modem obeys DTR. A DIAL right after a DROP with
 * MODEMLINE_DROP_WAIT is therefore not refused with -EBUSY, unless the
 * tty itself stopped taking bytes (see TCOFLUSH in modemline(4)).
 *   -ENOENT  not a handle of this file;  -EINVAL  unknown flag
 *   -EPERM   a monitor handle
 *   -EINTR / restart  a signal arrived while waiting (the drop goes on)
 *   -EFAULT
 */
#define MODEMLINE_IOC_DROP	_IOW(MODEMLINE_IOC_MAGIC, 0x12, struct modemline_call_op)

/*
 * DEALLOCATE: release a DISCONNECTED call and its record; the handle is
 * then invalid (-ENOENT). With MODEMLINE_DEALLOCATE_DROP a call that has
 * not ended is dropped (origin LOCAL, reason NORMAL) and released at once.
 * A monitor handle is released whatever the call's state, and the call
 * goes on; the record is freed once no handle of any file holds it.
 *   -EBUSY   the call has not ended and MODEMLINE_DEALLOCATE_DROP is clear
 *   -EPERM   MODEMLINE_DEALLOCATE_DROP on a monitor handle
 *   -ENOENT  not a handle of this file;  -EINVAL  unknown flag;  -EFAULT
 */
#define MODEMLINE_IOC_DEALLOCATE _IOW(MODEMLINE_IOC_MAGIC, 0x13, struct modemline_call_op)

/*
 * CALL_INFO: the call's record, live or retained, and whether the handle
 * is a monitor's (MODEMLINE_CALL_INFO_MONITOR in @flags).
 * MODEMLINE_IOC_CALL_INFO_V1 is the same request with the struct of the
 * first version (what programs built before @cause existed pass).
 *   -ENOENT  not a handle of this file;  -EINVAL  unknown flag;  -EFAULT
 */
#define MODEMLINE_IOC_CALL_INFO	_IOWR(MODEMLINE_IOC_MAGIC, 0x14, struct modemline_call_info)
#define MODEMLINE_IOC_CALL_INFO_V1 _IOC(_IOC_READ | _IOC_WRITE, MODEMLINE_IOC_MAGIC, \
					0x14, MODEMLINE_CALL_INFO_SIZE_V1)

/*
 * CALL_LIST: the handles this file holds, live and retained. A handle
 * another thread makes or releases during the call may or may not be in
 * the list (a big table is read a part at a time).
 *   -EINVAL  flags not 0;  -EFAULT
 */
#define MODEMLINE_IOC_CALL_LIST	_IOWR(MODEMLINE_IOC_MAGIC, 0x15, struct modemline_id_list)

/*
 * CALL_DATA: a new file descriptor (O_RDWR | O_CLOEXEC) carrying the
 * call's data stream: the bytes the modem receives from the other side
 * are read() from it, the bytes written to it are sent. It may be opened
 * at any time before the call ends; bytes received from CONNECTED on are
 * kept for it even if it is opened later. One data descriptor per call
 * is open at a time.
 *
 *   read()   returns the bytes received so far (at least 1), sleeping
 *            until there are some (-EAGAIN with O_NONBLOCK); once the
 *            call has ended (DISCONNECTING or DISCONNECTED, for any
 *            origin) it returns what was left buffered, then 0.
 *   write()  sends bytes while the call is CONNECTED. It sleeps while
 *            the modem or the tty takes no more (and before the call has
 *            connected); with O_NONBLOCK it then returns the bytes taken
 *            so far, or -EAGAIN. Once the call has ended it fails with
 *            -EPIPE (no SIGPIPE is sent).
 *   poll()   EPOLLIN: bytes to read or the call has ended; EPOLLOUT:
 *            connected and the last write was taken whole; EPOLLHUP (with
 *            EPOLLIN): the call has ended.
 *
 * The received bytes wait in a buffer of 4096 bytes per call. When it is
 * full the line stops taking bytes from the tty (which throttles the
 * modem by its flow control): nothing is dropped. The record's rx_bytes
 * counts the bytes read() returned, tx_bytes the bytes write() took.
 * The descriptor holds the call: DEALLOCATE, closing /dev/modemline or
 * the line's removal leave it working as for an ended call. A call that
 * has ended, has no data descriptor open and no unread bytes gives its
 * buffer back at once.
 *
 *   -ENOENT   not a handle of this file;  -EINVAL  flags/reserved not 0
 *   -EPERM    a monitor handle
 *   -EOPNOTSUPP a voice call: it carries no data
 *   -EBUSY    a data descriptor of this call is open
 *   -ENOTCONN the call has ended and has no unread bytes left
 *   -EMFILE, -ENFILE  no free descriptor;  -ENOMEM;  -EFAULT (no
 *            descriptor is created)
 */
#define MODEMLINE_IOC_CALL_DATA	_IOWR(MODEMLINE_IOC_MAGIC, 0x16, struct modemline_call_data)

/*
 * CALL_HANDOFF: move a call, live or ended, from this file to another
 * open /dev/modemline file (lineHandoff in TAPI), e.g. one received over
 * a unix socket with SCM_RIGHTS. The target gets a new owner handle
 * (@new_call, written before the move and valid only if the ioctl
 * returns 0); this file's handle is gone (-ENOENT). The target's queue
 * gets a CALL_HANDOFF event naming @new_call, before the call's future
 * CALL_STATE events, which go to the new owner; closing this file no
 * longer touches the call. A data descriptor already open keeps working:
 * it is a file of its own and stays with whoever holds it (pass it along
 * with SCM_RIGHTS too); while it is open the new owner's CALL_DATA is
 * -EBUSY. Monitor handles of other files are unaffected.
 *   -ENOENT  not a handle of this file (or released meanwhile)
 *   -EPERM   a monitor handle
 *   -EBADF   @fd is not an open descriptor of /dev/modemline
 *   -EINVAL  @fd is this same file, or flags not 0
 *   -EMFILE  the target file already holds max_calls calls
 *   -ENOMEM;  -EFAULT (nothing moved)
 */
#define MODEMLINE_IOC_CALL_HANDOFF _IOWR(MODEMLINE_IOC_MAGIC, 0x17, struct modemline_call_handoff)

/* API versions; a file speaks MODEMLINE_API_1 until it asks for more. */
#define MODEMLINE_API_1		1	/* everything not marked otherwise */
#define MODEMLINE_API_2		2	/* + RINGBACK, the VOICE flags */
#define MODEMLINE_API_LATEST	MODEMLINE_API_2

/**
 * struct modemline_api - argument of API
 * @version:  in: the version the program was written for (>= 1); out:
 *            the version this file speaks from now on, the smaller of
 *            that and the newest this module knows
 * @reserved: in: must be 0
 */
struct modemline_api {
	__u32 version;
	__u32 reserved;
};

/*
 * API: say which version of this interface the program knows, so that
 * the module shows it what that version has, and nothing newer (like
 * lineNegotiateAPIVersion in TAPI). It applies to the whole open file,
 * from the next event queued and the next CALL_INFO on.
 *   -EINVAL  version 0, or reserved not 0;  -EFAULT
 */
#define MODEMLINE_IOC_API	_IOWR(MODEMLINE_IOC_MAGIC, 0x18, struct modemline_api)

/*
 * What a file holds shows in /proc/PID/fdinfo/FD, one "key:\tvalue" line
 * each, after the kernel's own (pos, flags, mnt_id, ino):
 *   ml_calls_live      owner handles of calls that have not ended
 *   ml_calls_ended     owner handles of ended calls (retained records)
 *   ml_monitor_handles monitor handles, live or ended
 *   ml_oldest_ended_ms age of the oldest ended call any of its handles
 *                      holds (now minus disconnected), 0 if none
 *   ml_events_queued   events waiting to be read
 *   ml_events_lost     events dropped since the file was opened
 *   ml_calls_missed    calls a full monitor got no handle to
 *   ml_kernel_bytes    kernel memory the file pins: its own state and
 *                      event queue, and for each handle the call's record
 *                      (and its data buffer while it has one); a record
 *                      held by several files counts in each
 * Module-wide, /sys/class/misc/modemline/ has retained_calls (ended calls
 * some handle still holds) and retained_bytes (their records' memory).
 */

/*
 * The line discipline. Attaching it to a modem's tty (TIOCSETD with
 * MODEMLINE_LDISC, e.g. `ldattach 29 /dev/ttyUSB0`; needs CAP_NET_ADMIN)
 * makes the modem a line; detaching it, a hang-up of the tty or the
 * device's removal removes the line (calls end SYSTEM / LINE_REMOVED).
 * These ioctls are made on the attached tty's file descriptor.
 */
#define MODEMLINE_LDISC		29	/* N_DEVELOPMENT */

/**
 * struct modemline_tty_config - AT settings of a tty line
 * @init:            init string sent before every ATD/ATA, NUL-terminated,
 *                   must start with "AT" and hold only printable ASCII;
 *                   default "ATE0V1Q0X4&C1&D2S0=0"
 * @guard_ms:        the modem's escape guard time (S12 x 20 ms), used for
 *                   "+++" and to recognise NO CARRIER in data mode;
 *                   1..10000, default 1000
 * @dial_timeout_ms: default DIAL/ANSWER timeout of this line, 0 = the
 *                   module parameter dial_timeout_ms
 * @dialect:         MODEMLINE_DIALECT_*, default V250 (0). A 3GPP line
 *                   wants an init string that turns on +CRC=1 (so that
 *                   a voice call's ring says so) and +CLIP=1, e.g.
 *                   "ATE0V1Q0&C1&D2S0=0+CRC=1;+CLIP=1"
 * @clcc_poll_ms:    3GPP: how often a voice call's progress is asked
 *                   (AT+CLCC); 100..10000, 0 = the default, 500
 *
 * @dialect and @clcc_poll_ms were a __u64 @reserved that had to be 0: the
 * size is the same (80 bytes), the alignment is 4 instead of 8. A program
 * that knows neither gets the line's values from TIOCGCONFIG and passes
 * them back unchanged; one that builds the struct from zeros sets V250
 * and the default interval.
 */
struct modemline_tty_config {
	char init[64];
	__u32 guard_ms;
	__u32 dial_timeout_ms;
	__u32 dialect;
	__u32 clcc_poll_ms;
};

/*
 * TIOCGLINE: the line id of this tty, like PPPIOCGCHAN.
 * TIOCGCONFIG / TIOCSCONFIG: read or change the AT settings; a change
 * applies from the next call.
 *   -EINVAL  bad init string, guard_ms, dialect or clcc_poll_ms out of
 *            range
 *   -ENODEV  the line is being removed;  -EFAULT
 */
#define MODEMLINE_TIOCGLINE	_IOR(MODEMLINE_IOC_MAGIC, 0x40, __u32)
#define MODEMLINE_TIOCGCONFIG	_IOR(MODEMLINE_IOC_MAGIC, 0x41, struct modemline_tty_config)
#define MODEMLINE_TIOCSCONFIG	_IOW(MODEMLINE_IOC_MAGIC, 0x42, struct modemline_tty_config)

#endif /* _UAPI_LINUX_MODEMLINE_H */

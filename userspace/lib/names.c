// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Names of the ABI's constants and the documented meaning of each errno
 * per operation, so that tools print "the line already has a call in
 * progress" rather than "Device or resource busy".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "libmodemline.h"

#define NAME(table, v) \
	((v) < sizeof(table) / sizeof(table[0]) && table[v] ? table[v] : "unknown")

const char *ml_state_name(uint32_t state)
{
	static const char *const n[] = {
		[MODEMLINE_STATE_DIALING] = "dialing",
		[MODEMLINE_STATE_ANSWERING] = "answering",
		[MODEMLINE_STATE_CONNECTED] = "connected",
		[MODEMLINE_STATE_DISCONNECTING] = "disconnecting",
		[MODEMLINE_STATE_DISCONNECTED] = "disconnected",
		[MODEMLINE_STATE_RINGBACK] = "ringback",
	};
	return NAME(n, state);
}

const char *ml_origin_name(uint32_t origin)
{
	static const char *const n[] = {
		[MODEMLINE_ORIGIN_NONE] = "none",
		[MODEMLINE_ORIGIN_LOCAL] = "local",
		[MODEMLINE_ORIGIN_REMOTE] = "remote",
		[MODEMLINE_ORIGIN_SYSTEM] = "system",
	};
	return NAME(n, origin);
}

const char *ml_reason_name(uint32_t reason)
{
	static const char *const n[] = {
		[MODEMLINE_REASON_NONE] = "none",
		[MODEMLINE_REASON_NORMAL] = "normal",
		[MODEMLINE_REASON_BUSY] = "busy",
		[MODEMLINE_REASON_NO_ANSWER] = "no-answer",
		[MODEMLINE_REASON_NO_CARRIER] = "no-carrier",
		[MODEMLINE_REASON_NO_DIALTONE] = "no-dialtone",
		[MODEMLINE_REASON_CARRIER_LOST] = "carrier-lost",
		[MODEMLINE_REASON_REJECTED] = "rejected",
		[MODEMLINE_REASON_DIAL_TIMEOUT] = "dial-timeout",
		[MODEMLINE_REASON_MODEM_ERROR] = "modem-error",
		[MODEMLINE_REASON_LINE_REMOVED] = "line-removed",
		[MODEMLINE_REASON_SHUTDOWN] = "shutdown",
	};
	return NAME(n, reason);
}

const char *ml_event_name(uint32_t type)
{
	static const char *const n[] = {
		[MODEMLINE_EVENT_CALL_STATE] = "call-state",
		[MODEMLINE_EVENT_CALL_OFFERED] = "call-offered",
		[MODEMLINE_EVENT_LINE_ADDED] = "line-added",
		[MODEMLINE_EVENT_LINE_REMOVED] = "line-removed",
		[MODEMLINE_EVENT_OVERFLOW] = "overflow",
		[MODEMLINE_EVENT_CALL_NEW] = "call-new",
		[MODEMLINE_EVENT_CALL_MISSED] = "call-missed",
		[MODEMLINE_EVENT_CALL_HANDOFF] = "call-handoff",
	};
	return NAME(n, type);
}

const char *ml_direction_name(uint32_t direction)
{
	static const char *const n[] = {
		[MODEMLINE_DIR_OUTGOING] = "outgoing",
		[MODEMLINE_DIR_INCOMING] = "incoming",
	};
	return NAME(n, direction);
}

const char *ml_dialect_name(uint32_t dialect)
{
	static const char *const n[] = {
		[MODEMLINE_DIALECT_V250] = "v250",
		[MODEMLINE_DIALECT_3GPP] = "3gpp",
	};
	return NAME(n, dialect);
}

const char *ml_transport_name(uint32_t transport)
{
	static const char *const n[] = {
		[MODEMLINE_TRANSPORT_SIM] = "sim",
		[MODEMLINE_TRANSPORT_TTY] = "tty",
	};
	return NAME(n, transport);
}

struct meaning {
	int op;		/* enum ml_op, or -1: any operation */
	int err;	/* positive errno */
	const char *text;
};

/*
 * From the comments of <linux/modemline.h>; the first match wins, so
 * per-operation entries come before the general ones.
 */
static const struct meaning meanings[] = {
	{ ML_OP_OPEN, ENOENT, "the device file does not exist: is the modemline module loaded? (modprobe modemline)" },
	{ ML_OP_OPEN, ENXIO, "the device has no driver behind it: is the modemline module loaded? (modprobe modemline)" },
	{ ML_OP_OPEN, ENODEV, "the device has no driver behind it: is the modemline module loaded? (modprobe modemline)" },
	{ ML_OP_OPEN, EACCES, "permission denied: join the dialout group (or check the udev rule)" },
	{ ML_OP_LINE_INFO, ENOENT, "no such line" },
	{ ML_OP_SUBSCRIBE, ENOENT, "no such line" },
	{ ML_OP_UNSUBSCRIBE, ENOENT, "not subscribed to this line, or no such line" },
	{ ML_OP_DIAL, ENOENT, "no such line (or it is being removed)" },
	{ ML_OP_DIAL, EBUSY, "the line already has a call in progress (or its modem is still hanging up)" },
	{ ML_OP_DIAL, EINVAL, "invalid number: 1 to 47 characters of 0-9 * # + , ; ! @ A-D P T W p w" },
	{ ML_OP_DIAL, EMFILE, "this file holds too many calls (module parameter max_calls): release some" },
	{ ML_OP_DIAL, EOPNOTSUPP, "a voice call needs a 3GPP line (mlinectl attach --dialect 3gpp)" },
	{ ML_OP_ANSWER, ENOENT, "no such line" },
	{ ML_OP_ANSWER, ESRCH, "the line is not offering a call (or the caller gave up)" },
	{ ML_OP_ANSWER, EBUSY, "the line already has a call in progress" },
	{ ML_OP_ANSWER, EMFILE, "this file holds too many calls (module parameter max_calls): release some" },
	{ ML_OP_DROP, EINTR, "interrupted while waiting; the drop goes on" },
	{ ML_OP_DROP, EPERM, "a monitor handle: only the call's owner may drop it" },
	{ ML_OP_DEALLOCATE, EBUSY, "the call has not ended: drop it first (or release with drop)" },
	{ ML_OP_DEALLOCATE, EPERM, "a monitor handle cannot drop the call: release it without drop" },
	{ ML_OP_CALL_DATA, EBUSY, "the call's data stream is already open" },
	{ ML_OP_CALL_DATA, EPERM, "a monitor handle: only the call's owner may open its data stream" },
	{ ML_OP_CALL_DATA, ENOTCONN, "the call has ended and no received data is left" },
	{ ML_OP_CALL_DATA, EOPNOTSUPP, "a voice call carries no data" },
	{ ML_OP_CALL_DATA, ENOTTY, "this modemline module has no data stream (CALL_DATA): update it" },
	{ ML_OP_DATA_WRITE, EPIPE, "the call has ended" },
	{ ML_OP_MONITOR, EPERM, "monitoring calls needs CAP_NET_ADMIN, since a monitor sees every number dialed (run as root)" },
	{ ML_OP_MONITOR, ENOENT, "no such line" },
	{ ML_OP_MONITOR, EINVAL, "this modemline module has no monitor handles (SUBSCRIBE_MONITOR): update it" },
	{ ML_OP_UNMONITOR, ENOENT, "not monitoring this line, or no such line" },
	{ ML_OP_CALL_HANDOFF, EPERM, "a monitor handle: only the call's owner may hand it off" },
	{ ML_OP_CALL_HANDOFF, EBADF, "the target is not an open descriptor of /dev/modemline" },
	{ ML_OP_CALL_HANDOFF, EINVAL, "the target is this same file (or flags not 0)" },
	{ ML_OP_CALL_HANDOFF, EMFILE, "the target file already holds too many calls (module parameter max_calls)" },
	{ ML_OP_CALL_HANDOFF, ENOTTY, "this modemline module has no CALL_HANDOFF: update it" },
	{ ML_OP_FDINFO, ENOENT, "no such process or descriptor (it may have just gone)" },
	{ ML_OP_FDINFO, EACCES, "no permission to look at another user's process (run as root)" },
	{ ML_OP_FDINFO, ENODATA, "not a /dev/modemline descriptor, or a modemline module without fdinfo figures" },
	{ ML_OP_EVENT, ETIMEDOUT, "timed out waiting for an event" },
	{ ML_OP_TTY_OPEN, ENOENT, "no such tty" },
	{ ML_OP_TTY_OPEN, ENOTTY, "not a tty: give the modem's serial port (/dev/ttyS*, /dev/ttyUSB*, /dev/ttyACM*)" },
	{ ML_OP_TTY_OPEN, EACCES, "no permission to open the tty" },
	{ ML_OP_TTY_ATTACH, EPERM, "attaching a line discipline needs CAP_NET_ADMIN (run as root)" },
	{ ML_OP_TTY_ATTACH, EINVAL, "line discipline 29 is not registered: is the modemline module loaded?" },
	{ ML_OP_TTY_ATTACH, EBUSY, "line discipline 29 is busy: another module uses N_DEVELOPMENT" },
	{ ML_OP_TTY_ATTACH, ENOTTY, "not a tty" },
	{ ML_OP_TTY_LINE, ENOTTY, "the modemline line discipline is not attached to this tty" },
	{ ML_OP_TTY_LINE, ENODEV, "the line is being removed" },
	{ ML_OP_TTY_CONFIG, EINVAL, "bad setting: init must start with AT (printable ASCII), guard 1..10000 ms, dialect v250 or 3gpp, +CLCC poll 100..10000 ms" },
	{ ML_OP_TTY_CONFIG, ENOTTY, "the modemline line discipline is not attached to this tty" },
	{ ML_OP_TTY_CONFIG, ENODEV, "the line is being removed" },
	{ ML_OP_API, EINVAL, "bad API version (0)" },
	{ ML_OP_API, ENOTTY, "this modemline module predates API versions (it speaks version 1)" },
	/* Every call handle operation. */
	{ -1, ENOENT, "no such call in this file (handles are private to the open file that made them)" },
	{ -1, EINTR, "interrupted by a signal" },
	{ -1, EINVAL, "invalid argument (flags or reserved fields not 0)" },
	{ -1, ENOTTY, "not a modemline device, or the module is too old for this request" },
	{ -1, ENOMEM, "out of memory" },
	{ -1, EFAULT, "bad address" },
};

static bool call_op(int op)
{
	return op == ML_OP_DROP || op == ML_OP_DEALLOCATE || op == ML_OP_CALL_INFO ||
	       op == ML_OP_CALL_DATA || op == ML_OP_CALL_HANDOFF;
}

const char *ml_strerror(int op, int err)
{
	size_t i;

	err = abs(err);
	for (i = 0; i < sizeof(meanings) / sizeof(meanings[0]); i++) {
		const struct meaning *m = &meanings[i];

		if (m->err != err)
			continue;
		if (m->op == op)
			return m->text;
		/* The general -ENOENT is about handles: only for call operations. */
		if (m->op == -1 && (err != ENOENT || call_op(op)))
			return m->text;
	}
	return strerror(err);
}

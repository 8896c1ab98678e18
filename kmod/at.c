// SPDX-License-Identifier: GPL-2.0
/*
 * modemline AT engine, see at.h.
 *
 * Input in command mode is cut into lines at CR or LF; control characters
 * and bytes >= 0x7f are dropped as line noise; a line longer than
 * MODEMLINE_AT_LINE_MAX - 1 is discarded whole up to its end; empty lines
 * are ignored; our own command echo (lines starting with "AT") and
 * information lines (CARRIER, PROTOCOL, DATE, ...) are ignored. Results
 * are understood in verbose and numeric form wherever the engine waits
 * for one, and ignored where it does not.
 *
 * In data mode bytes are data. The modem can only end the call with a
 * whole "\r\nNO CARRIER\r\n" that starts after at least guard_ms of
 * silence on the receive side (a modem stops sending data when the
 * carrier goes, then reports): the same text inside a flowing stream is
 * data, and the bytes held while a match is possible are delivered as
 * data once it fails or after guard_ms. Numeric "3" is never a result in
 * data mode. On ttys with carrier detect, the transport also reports a
 * carrier drop with modemline_at_carrier_lost().
 *
 * A modem that does not answer the init string may still be online from
 * a call we never saw end (its DTE restarted, its adapter was re-plugged,
 * &D0): it took the init string for data. The engine then hangs it up as
 * it would a call of its own (DTR, or the +++ escape and ATH) and sends
 * the init string once more; if that goes unanswered too, the call ends
 * with MODEM_ERROR. A modem that simply missed the first one answers the
 * second.
 */
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "modemline.h"
#include "at.h"

static const char at_data_end[] = MODEMLINE_AT_DATA_END;

void modemline_at_init(struct modemline_at *at, const struct modemline_at_ops *ops,
		       void *ctx)
{
	memset(at, 0, sizeof(*at));
	at->ops = ops;
	at->ctx = ctx;
	strscpy(at->init, MODEMLINE_AT_INIT_DEFAULT, sizeof(at->init));
	at->guard_ms = MODEMLINE_AT_GUARD_DEFAULT_MS;
	at->clcc_ms = MODEMLINE_AT_CLCC_DEFAULT_MS;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_at_init);

/* Numeric result codes, with the common Rockwell extended CONNECT codes. */
static const struct {
	u8 code;
	enum modemline_at_code result;
	u32 rate;
	const char *text;
} at_numeric[] = {
	{ 0, MODEMLINE_AT_OK, 0, "OK" },
	{ 1, MODEMLINE_AT_CONNECT, 0, "CONNECT" },
	{ 2, MODEMLINE_AT_RING, 0, "RING" },
	{ 3, MODEMLINE_AT_NO_CARRIER, 0, "NO CARRIER" },
	{ 4, MODEMLINE_AT_ERROR, 0, "ERROR" },
	{ 5, MODEMLINE_AT_CONNECT, 1200, "CONNECT 1200" },
	{ 6, MODEMLINE_AT_NO_DIALTONE, 0, "NO DIALTONE" },
	{ 7, MODEMLINE_AT_BUSY, 0, "BUSY" },
	{ 8, MODEMLINE_AT_NO_ANSWER, 0, "NO ANSWER" },
	{ 10, MODEMLINE_AT_CONNECT, 2400, "CONNECT 2400" },
	{ 11, MODEMLINE_AT_CONNECT, 4800, "CONNECT 4800" },
	{ 12, MODEMLINE_AT_CONNECT, 9600, "CONNECT 9600" },
	{ 13, MODEMLINE_AT_CONNECT, 7200, "CONNECT 7200" },
	{ 14, MODEMLINE_AT_CONNECT, 12000, "CONNECT 12000" },
	{ 15, MODEMLINE_AT_CONNECT, 14400, "CONNECT 14400" },
	{ 16, MODEMLINE_AT_CONNECT, 19200, "CONNECT 19200" },
	{ 17, MODEMLINE_AT_CONNECT, 38400, "CONNECT 38400" },
	{ 18, MODEMLINE_AT_CONNECT, 57600, "CONNECT 57600" },
	{ 19, MODEMLINE_AT_CONNECT, 115200, "CONNECT 115200" },
};

static const struct {
	const char *text;
	enum modemline_at_code result;
} at_verbose[] = {
	{ "OK", MODEMLINE_AT_OK },
	{ "RING", MODEMLINE_AT_RING },
	{ "NO CARRIER", MODEMLINE_AT_NO_CARRIER },
	{ "ERROR", MODEMLINE_AT_ERROR },
	{ "NO DIALTONE", MODEMLINE_AT_NO_DIALTONE },
	{ "NO DIAL TONE", MODEMLINE_AT_NO_DIALTONE },
	{ "BUSY", MODEMLINE_AT_BUSY },
	{ "NO ANSWER", MODEMLINE_AT_NO_ANSWER },
};

/* Parse an unsigned decimal prefix, saturating instead of overflowing. */
static u32 at_number(const char *s)
{
	u32 v = 0;

	u32 d;

	for (; isdigit(*s); s++) {
		d = *s - '0';
		if (v > (U32_MAX - d) / 10)
			return U32_MAX;
		v = v * 10 + d;
	}
	return v;
}

/* Copy the phone number after the prefix (blanks, '=' and a quote). */
static void at_caller_id(const char *line, size_t skip,
			 struct modemline_at_line *out)
{
	const char *s = skip_spaces(line + skip);
	size_t n;

	if (*s == '=')
		s = skip_spaces(s + 1);
	if (*s == '"')
		s++;
	n = strspn(s, "0123456789+*#");
	if (!n || n >= sizeof(out->number))
		return;		/* withheld ("P"), unavailable ("O") or absurd */
	memcpy(out->number, s, n);
	out->code = MODEMLINE_AT_CALLER_ID;
}

/* "+CRING: VOICE" or "+CRING: REL ASYNC" (27.007 +CRC=1): a RING. */
static void at_cring(const char *line, size_t skip, struct modemline_at_line *out)
{
	out->code = MODEMLINE_AT_RING;
	out->voice = !strncasecmp(skip_spaces(line + skip), "VOICE", 5);
	strscpy(out->text, "RING", sizeof(out->text));
}

/* The next decimal field of a comma-separated list, or -1. */
static int at_field(const char **s)
{
	const char *p = skip_spaces(*s);
	u32 v;

	if (!isdigit(*p))
		return -1;
	v = at_number(p);
	while (isdigit(*p))
		p++;
	p = skip_spaces(p);
	if (*p == ',')
		p++;
	else if (*p)
		return -1;
	*s = p;
	return v > 255 ? -1 : v;
}

/* "+CLCC: <id>,<dir>,<stat>,<mode>,<mpty>[,<number>,<type>...]" */
static void at_clcc(const char *line, size_t skip, struct modemline_at_line *out)
{
	const char *s = line + skip;
	int id = at_field(&s), dir = at_field(&s), stat = at_field(&s);
	int mode = at_field(&s), mpty = at_field(&s);

	if (id < 0 || dir < 0 || dir > 1 || stat < 0 ||
	    stat > MODEMLINE_AT_CLCC_WAITING || mode < 0 || mpty < 0)
		return;		/* not a call list line we understand */
	out->code = MODEMLINE_AT_CLCC;
	out->incoming = dir;
	out->stat = stat;
	out->voice = !mode;
}

/*
 * "+CME ERROR: <err>" and "+CMS ERROR: <err>" (27.007 with +CMEE=1 or 2):
 * a final ERROR, recorded as the modem said it.
 */
static void at_mobile_error(const char *line, size_t skip,
			    struct modemline_at_line *out)
{
	out->code = MODEMLINE_AT_ERROR;
	strscpy(out->text, line, sizeof(out->text));
}

/* "+CEER: <text>": kept as the modem gives it, bounded. */
static void at_ceer(const char *line, size_t skip, struct modemline_at_line *out)
{
	out->code = MODEMLINE_AT_CEER;
	strscpy(out->cause, skip_spaces(line + skip), sizeof(out->cause));
}

/*
 * Lines that carry something after a prefix, and what reads it: @parse
 * gets the whole line and the prefix's length.
 */
static const struct {
	const char *prefix;
	void (*parse)(const char *line, size_t skip, struct modemline_at_line *out);
} at_prefixed[] = {
	{ "NMBR", at_caller_id },
	{ "+CLIP:", at_caller_id },
	{ "+CRING:", at_cring },
	{ "+CLCC:", at_clcc },
	{ "+CEER:", at_ceer },
	{ "+CME ERROR:", at_mobile_error },
	{ "+CMS ERROR:", at_mobile_error },
};

/**
 * modemline_at_parse - classify one received line
 * @line: the line without its CR/LF, NUL-terminated, printable characters
 * @out:  the meaning; code MODEMLINE_AT_NONE for anything not a result
 */
void modemline_at_parse(const char *line, struct modemline_at_line *out)
{
	char trimmed[MODEMLINE_AT_LINE_MAX];
	size_t len, i;
	u32 code;

	memset(out, 0, sizeof(*out));
	strscpy(trimmed, skip_spaces(line), sizeof(trimmed));
	len = strlen(strim(trimmed));
	line = strim(trimmed);
	if (!len || !strncasecmp(line, "AT", 2) || !strncasecmp(line, "A/", 2))
		return;		/* our own echo */

	if (len <= 3 && strspn(line, "0123456789") == len) {
		code = at_number(line);
		for (i = 0; i < ARRAY_SIZE(at_numeric); i++) {
			if (at_numeric[i].code != code)
				continue;
			out->code = at_numeric[i].result;
			out->rate = at_numeric[i].rate;
			strscpy(out->text, at_numeric[i].text, sizeof(out->text));
			return;
		}
		return;
	}

	for (i = 0; i < ARRAY_SIZE(at_verbose); i++) {
		if (!strcasecmp(line, at_verbose[i].text)) {
			out->code = at_verbose[i].result;
			strscpy(out->text, at_verbose[i].text, sizeof(out->text));
			return;
		}
	}

	/* "CONNECT", "CONNECT 33600", "CONNECT 115200/ARQ/V34/LAPM/V42BIS" */
	if (!strncasecmp(line, "CONNECT", 7) &&
	    (!line[7] || line[7] == ' ' || line[7] == '/')) {
		out->code = MODEMLINE_AT_CONNECT;
		out->rate = at_number(skip_spaces(line + 7));
		strscpy(out->text, line, sizeof(out->text));
		return;
	}
	for (i = 0; i < ARRAY_SIZE(at_prefixed); i++) {
		len = strlen(at_prefixed[i].prefix);
		if (!strncasecmp(line, at_prefixed[i].prefix, len)) {
			at_prefixed[i].parse(line, len, out);
			return;
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(modemline_at_parse);

static void at_send(struct modemline_at *at, const char *s)
{
	at->ops->send(at->ctx, s, strlen(s));
}

static void at_timer(struct modemline_at *at, unsigned int ms)
{
	at->ops->arm_timer(at->ctx, ms);
}

/* Leave a hang-up by DTR with DTR up again, whatever ended it. */
static void at_raise_dtr(struct modemline_at *at)
{
	if (at->phase == MODEMLINE_AT_DTR_LOW)
		at->ops->set_dtr(at->ctx, true);
}

/* The call is over: back to command mode, then tell the core. */
static void at_finish(struct modemline_at *at, u32 origin, u32 reason,
		      const char *text)
{
	at_raise_dtr(at);
	at->phase = MODEMLINE_AT_IDLE;
	at->nheld = 0;
	at_timer(at, 0);
	if (at->cause[0])
		at->ops->cause(at->ctx, at->cause);
	at->cause[0] = '\0';
	at->dialed = false;
	at->ops->ended(at->ctx, origin, reason, text);
}

/*
 * The call ended, and the modem is talking to us. A 3GPP modem is first
 * asked why (AT+CEER): the end is reported with the network's cause once
 * it answered, or gave up answering.
 */
static void at_end(struct modemline_at *at, u32 origin, u32 reason,
		   const char *text)
{
	/* No ATD or ATA went out: +CEER would tell of an earlier call. */
	if (at->dialect != MODEMLINE_AT_3GPP || !at->dialed) {
		at_finish(at, origin, reason, text);
		return;
	}
	at_raise_dtr(at);
	at->end_origin = origin;
	at->end_reason = reason;
	at->end_has_text = text;
	strscpy(at->end_text, text ?: "", sizeof(at->end_text));
	at->ceer_seen = false;
	at->cause[0] = '\0';
	at->nheld = 0;
	at->phase = MODEMLINE_AT_ASK_CAUSE;
	at_send(at, "AT+CEER\r");
	at_timer(at, MODEMLINE_AT_REPLY_MS);
}

/* AT+CEER answered, refused or unanswered: report the end held for it. */
static void at_ceer_done(struct modemline_at *at)
{
	at_finish(at, at->end_origin, at->end_reason,
		  at->end_has_text ? at->end_text : NULL);
}

static void at_send_init(struct modemline_at *at)
{
	at->len = 0;
	at->overlong = false;
	at->phase = MODEMLINE_AT_INIT;
	at_timer(at, MODEMLINE_AT_INIT_REPLY_MS);
	at_send(at, at->init);
	at_send(at, "\r");
}

static void at_start(struct modemline_at *at, bool incoming)
{
	/* Dialing out over a ringing line: that caller is not answered. */
	if (at->ringing && !incoming)
		at->ops->offer_end(at->ctx);
	at->incoming = incoming;
	if (incoming)
		at->voice = at->ring_voice && at->dialect == MODEMLINE_AT_3GPP;
	at->ringing = false;
	at->ring_voice = false;
	at->dtr_tried = false;
	at->reviving = false;
	at->alerted = false;
	at->active = false;
	at->clcc_wait = false;
	at->chup_after_ok = false;
	at->dialed = false;
	at->caller[0] = '\0';
	at->cause[0] = '\0';
	at_send_init(at);
}

/*
 * Start an outgoing call; @number was checked by the core. A @voice call
 * (3GPP lines only, the core checks) is "ATD<number>;".
 */
void modemline_at_dial(struct modemline_at *at, const char *number, bool voice)
{
	strscpy(at->dial, number, sizeof(at->dial));
	at->voice = voice;
	at_start(at, false);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_at_dial);

void modemline_at_answer(struct modemline_at *at)
{
	at_start(at, true);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_at_answer);

/* Begin the escape: silence, "+++", silence, then ATH. */
static void at_escape(struct modemline_at *at)
{
	at->phase = MODEMLINE_AT_GUARD_BEFORE;
	at_timer(at, at->guard_ms);
}

/* Hang up a modem that is online: by DTR where the tty has it, else +++. */
static void at_hang_up_online(struct modemline_at *at)
{
	at->nheld = 0;
	if (at->has_dtr) {
		at->ops->set_dtr(at->ctx, false);
		at->phase = MODEMLINE_AT_DTR_LOW;
		at_timer(at, MODEMLINE_AT_DTR_DROP_MS);
	} else {
		at_escape(at);
	}
}

/* End a voice call the modem knows about: AT+CHUP, ATH if refused. */
static void at_chup(struct modemline_at *at)
{
	at->phase = MODEMLINE_AT_CHUP;
	at->chup_after_ok = false;
	at_send(at, "AT+CHUP\r");
	at_timer(at, MODEMLINE_AT_REPLY_MS);
}

/* The same once the command the modem is busy with has its reply. */
static void at_chup_after_reply(struct modemline_at *at)
{
	at->phase = MODEMLINE_AT_CHUP;
	at->chup_after_ok = true;
	at_timer(at, MODEMLINE_AT_REPLY_MS);
}

/* The modem hung up: the call ends, or a revived modem gets the init string. */
static void at_hung_up(struct modemline_at *at, const char *text)
{
	if (!at->reviving) {
		at_end(at, MODEMLINE_ORIGIN_LOCAL, MODEMLINE_REASON_NORMAL, text);
		return;
	}
	at_raise_dtr(at);
	at_send_init(at);
}

/* End the call from this side; completion is reported with ended(). */
void modemline_at_hangup(struct modemline_at *at)
{
	/* A hang-up under way for a revival now ends the call. */
	at->reviving = false;
	switch (at->phase) {
	case MODEMLINE_AT_IDLE:
		at_finish(at, MODEMLINE_ORIGIN_LOCAL, MODEMLINE_REASON_NORMAL, NULL);
		break;
	case MODEMLINE_AT_INIT:
		/*
		 * Nothing dialed yet, but the init string's reply is on its
		 * way: wait for it, so that it cannot pass for the reply to
		 * the next call's init string.
		 */
		at->phase = MODEMLINE_AT_HANGUP_WAIT;
		at_timer(at, MODEMLINE_AT_REPLY_MS);
		break;
	case MODEMLINE_AT_DIALING:
	case MODEMLINE_AT_ANSWERING:
		if (at->voice || (at->incoming && at->dialect == MODEMLINE_AT_3GPP)) {
			/*
			 * A 3GPP modem answers ATD<n>; and ATA (of a voice
			 * call, even one whose ring did not say so) with OK
			 * at once; hanging up comes after it, or that OK
			 * would pass for AT+CHUP's.
			 */
			at_chup_after_reply(at);
			break;
		}
		/* Any character aborts a dial or an answer in progress. */
		at->phase = MODEMLINE_AT_HANGUP_WAIT;
		at_send(at, "\r");
		at_timer(at, MODEMLINE_AT_REPLY_MS);
		break;
	case MODEMLINE_AT_DATA:
		at_hang_up_online(at);
		break;
	case MODEMLINE_AT_VOICE:
		/* A +CLCC poll's OK must not pass for AT+CHUP's either. */
		if (at->clcc_wait)
			at_chup_after_reply(at);
		else
			at_chup(at);
		break;
	default:
		break;		/* already hanging up, or ended */
	}
}
EXPORT_SYMBOL_IF_KUNIT(modemline_at_hangup);

void modemline_at_carrier_lost(struct modemline_at *at)
{
	if (at->phase == MODEMLINE_AT_DATA) {
		at_end(at, MODEMLINE_ORIGIN_REMOTE, MODEMLINE_REASON_CARRIER_LOST,
		       NULL);
	} else if (at->phase >= MODEMLINE_AT_DTR_LOW && at->phase != MODEMLINE_AT_CHUP) {
		/*
		 * The modem hung up (&C1 drops carrier first), but its result
		 * code, OK to the DTR drop or NO CARRIER, is still on its way:
		 * taken for the reply to the next call's init string, it would
		 * fail that call. Wait for it, without an escape.
		 */
		at_raise_dtr(at);
		at->dtr_tried = false;
		if (at->phase != MODEMLINE_AT_HANGUP_WAIT) {
			at->phase = MODEMLINE_AT_HANGUP_WAIT;
			at_timer(at, MODEMLINE_AT_REPLY_MS);
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(modemline_at_carrier_lost);

/*
 * The transport is going (its tty hangs up or the discipline is
 * detached): an end held for the modem's AT+CEER reply, which can no
 * longer come, is reported now, with whatever of the reply came.
 */
void modemline_at_transport_gone(struct modemline_at *at)
{
	if (at->phase == MODEMLINE_AT_ASK_CAUSE)
		at_ceer_done(at);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_at_transport_gone);

/* The transport goes away: forget everything, report nothing. */
void modemline_at_reset(struct modemline_at *at)
{
	at_raise_dtr(at);
	at->phase = MODEMLINE_AT_IDLE;
	at->ringing = false;
	at->ring_voice = false;
	at->reviving = false;
	at->voice = false;
	at->dialed = false;
	at->clcc_wait = false;
	at->caller[0] = '\0';
	at->cause[0] = '\0';
	at->skip_lf = false;
	at->len = 0;
	at->overlong = false;
	at->nheld = 0;
	at_timer(at, 0);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_at_reset);

/* The transport discarded received bytes: forget a line begun with them. */
void modemline_at_flush_input(struct modemline_at *at)
{
	at->len = 0;
	at->overlong = false;
	at->skip_lf = false;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_at_flush_input);

/**
 * modemline_at_hangup_ms - the longest modemline_at_hangup() can take
 * @at: the engine, with the settings of the call to hang up
 *
 * From modemline_at_hangup() to ended(), counted with the same constants
 * the steps use: a dial being aborted may connect after all (one reply
 * wait), then the whole online hang-up: DTR low and the wait for its
 * reply where the tty has DTR, then the escape (guard time, "+++", guard
 * time and a reply wait) and ATH's reply wait; on a 3GPP line one more
 * reply wait, for AT+CEER. (A voice call's hang-up, the dial's OK, AT+CHUP,
 * ATH and AT+CEER, takes four reply waits: never more than that.)
 * Nothing received makes a step longer. The core's backstop for a
 * hang-up comes from this.
 *
 * Return: that bound, in milliseconds.
 */
unsigned int modemline_at_hangup_ms(const struct modemline_at *at)
{
	unsigned int ms = MODEMLINE_AT_REPLY_MS;

	if (at->has_dtr)
		ms += MODEMLINE_AT_DTR_DROP_MS + MODEMLINE_AT_DTR_REPLY_MS;
	if (at->dialect == MODEMLINE_AT_3GPP)
		ms += MODEMLINE_AT_REPLY_MS;
	return ms + 2 * at->guard_ms + 2 * MODEMLINE_AT_REPLY_MS;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_at_hangup_ms);

static void at_failed(struct modemline_at *at, const struct modemline_at_line *l)
{
	static const u32 reasons[] = {
		[MODEMLINE_AT_NO_CARRIER] = MODEMLINE_REASON_NO_CARRIER,
		[MODEMLINE_AT_NO_DIALTONE] = MODEMLINE_REASON_NO_DIALTONE,
		[MODEMLINE_AT_BUSY] = MODEMLINE_REASON_BUSY,
		[MODEMLINE_AT_NO_ANSWER] = MODEMLINE_REASON_NO_ANSWER,
	};

	if (l->code < ARRAY_SIZE(reasons) && reasons[l->code])
		at_end(at, MODEMLINE_ORIGIN_REMOTE, reasons[l->code], l->text);
	else
		at_end(at, MODEMLINE_ORIGIN_SYSTEM, MODEMLINE_REASON_MODEM_ERROR,
		       l->text);
}

static void at_idle_line(struct modemline_at *at, const struct modemline_at_line *l)
{
	if (l->code == MODEMLINE_AT_CALLER_ID) {
		strscpy(at->caller, l->number, sizeof(at->caller));
	} else if (l->code == MODEMLINE_AT_RING) {
		at->ringing = true;
		at->ring_voice = l->voice;
		at_timer(at, MODEMLINE_AT_RING_GAP_MS);
		at->ops->offer(at->ctx, at->caller[0] ? at->caller : NULL,
			       at->ring_voice);
	}
}

/* The modem took a voice dial or answer: follow the call with +CLCC. */
static void at_voice_started(struct modemline_at *at)
{
	at->phase = MODEMLINE_AT_VOICE;
	at->clcc_wait = false;
	at->clcc_late = 0;
	/* An answered call is up at once; a dialed one when +CLCC says so. */
	if (at->incoming) {
		at->active = true;
		at->ops->connected(at->ctx, 0, "OK");
	}
	at_timer(at, at->clcc_ms);
}

/* Where +CLCC says the call is now (27.007 <stat>). */
static void at_voice_stat(struct modemline_at *at, u8 stat)
{
	if (stat == MODEMLINE_AT_CLCC_ALERTING && !at->alerted && !at->active) {
		at->alerted = true;
		at->ops->alerting(at->ctx);
	} else if (stat == MODEMLINE_AT_CLCC_ACTIVE && !at->active) {
		at->active = true;
		at->ops->connected(at->ctx, 0, "OK");
	}
}

/*
 * A line while a voice call exists: the answer to a +CLCC poll, or an
 * unsolicited end. A call missing from a complete +CLCC answer has ended
 * without a word (some modems report a remote release only so).
 */
static void at_voice_line(struct modemline_at *at, const struct modemline_at_line *l)
{
	u32 gone = at->active ? MODEMLINE_REASON_NORMAL : MODEMLINE_REASON_NO_CARRIER;

	switch (l->code) {
	case MODEMLINE_AT_CLCC:
		/* Ours is the voice call in our direction, not a waiting one. */
		if (!at->clcc_wait || at->clcc_seen || !l->voice ||
		    l->incoming != at->incoming ||
		    l->stat == MODEMLINE_AT_CLCC_WAITING)
			break;
		at->clcc_seen = true;
		at_voice_stat(at, l->stat);
		break;
	case MODEMLINE_AT_OK:
		if (!at->clcc_wait)
			break;
		at->clcc_wait = false;
		if (!at->clcc_seen)
			at_end(at, MODEMLINE_ORIGIN_REMOTE, gone, NULL);
		break;
	case MODEMLINE_AT_NO_CARRIER:
		at_end(at, MODEMLINE_ORIGIN_REMOTE, gone, l->text);
		break;
	case MODEMLINE_AT_BUSY:
	case MODEMLINE_AT_NO_ANSWER:
	case MODEMLINE_AT_NO_DIALTONE:
		at_failed(at, l);
		break;
	default:
		break;		/* ERROR to a poll, a waiting call's RING */
	}
}

/*
 * AT+CHUP sent, or due once the command the modem is busy with has its
 * reply: the voice dial's or answer's OK, or an outstanding +CLCC poll's
 * OK or ERROR.
 */
static void at_chup_line(struct modemline_at *at, const struct modemline_at_line *l)
{
	bool end = l->code == MODEMLINE_AT_OK || l->code == MODEMLINE_AT_ERROR ||
		   l->code == MODEMLINE_AT_NO_CARRIER || l->code == MODEMLINE_AT_BUSY ||
		   l->code == MODEMLINE_AT_NO_ANSWER || l->code == MODEMLINE_AT_NO_DIALTONE;

	if (l->code == MODEMLINE_AT_CONNECT && at->chup_after_ok && !at->voice) {
		/* The plain RING answered was a data call after all. */
		at->phase = MODEMLINE_AT_DATA;
		at_hang_up_online(at);
		return;
	}
	if (!end)
		return;
	if (at->chup_after_ok && at->clcc_wait &&
	    (l->code == MODEMLINE_AT_OK || l->code == MODEMLINE_AT_ERROR)) {
		at->clcc_wait = false;
		at_chup(at);
	} else if (at->chup_after_ok && l->code == MODEMLINE_AT_OK) {
		at_chup(at);
	} else if (!at->chup_after_ok && l->code == MODEMLINE_AT_ERROR) {
		/* A modem without +CHUP hangs a voice call up with ATH. */
		at->phase = MODEMLINE_AT_HANGUP_WAIT;
		at_send(at, "ATH\r");
		at_timer(at, MODEMLINE_AT_REPLY_MS);
	} else {
		/* Hung up, or the dial failed before it came to that. */
		at_hung_up(at, l->text);
	}
}

/*
 * AT+CEER asked: its text, then OK. The reply of a +CLCC poll still
 * outstanding comes first, and an OK before the text answered an earlier
 * command.
 */
static void at_ceer_line(struct modemline_at *at, const struct modemline_at_line *l)
{
	if (at->clcc_wait &&
	    (l->code == MODEMLINE_AT_OK || l->code == MODEMLINE_AT_ERROR)) {
		at->clcc_wait = false;
	} else if (l->code == MODEMLINE_AT_CEER && !at->ceer_seen) {
		at->ceer_seen = true;
		strscpy(at->cause, l->cause, sizeof(at->cause));
	} else if ((l->code == MODEMLINE_AT_OK && at->ceer_seen) ||
		   l->code == MODEMLINE_AT_ERROR) {
		at_ceer_done(at);
	}
}

static void at_result(struct modemline_at *at, const char *line)
{
	struct modemline_at_line l;

	modemline_at_parse(line, &l);
	if (l.code == MODEMLINE_AT_NONE)
		return;

	switch (at->phase) {
	case MODEMLINE_AT_IDLE:
		at_idle_line(at, &l);
		break;
	case MODEMLINE_AT_INIT:
		if (l.code == MODEMLINE_AT_OK) {
			/* From here the core's dial timeout alone applies. */
			at_timer(at, 0);
			at->phase = at->incoming ? MODEMLINE_AT_ANSWERING :
						   MODEMLINE_AT_DIALING;
			at->dialed = true;
			at_send(at, at->incoming ? "ATA" : "ATD");
			if (!at->incoming)
				at_send(at, at->dial);
			/* 27.007: a dial string ending in ';' is a voice call. */
			at_send(at, at->voice && !at->incoming ? ";\r" : "\r");
		} else if (l.code == MODEMLINE_AT_ERROR) {
			at_failed(at, &l);	/* the init string is wrong */
		}
		break;
	case MODEMLINE_AT_DIALING:
	case MODEMLINE_AT_ANSWERING:
		if (l.code == MODEMLINE_AT_CONNECT) {
			at->phase = MODEMLINE_AT_DATA;
			at->nheld = 0;
			at->ops->connected(at->ctx, l.rate, l.text);
		} else if (l.code == MODEMLINE_AT_OK &&
			   (at->voice || (at->incoming &&
					  at->dialect == MODEMLINE_AT_3GPP))) {
			/*
			 * A 3GPP modem answers a voice call with OK, also
			 * one whose ring did not say so (+CRC=0).
			 */
			at->voice = true;
			at_voice_started(at);
		} else if (l.code != MODEMLINE_AT_RING &&
			   l.code != MODEMLINE_AT_CALLER_ID &&
			   l.code != MODEMLINE_AT_CLCC &&
			   l.code != MODEMLINE_AT_CEER) {
			/* OK here means the modem did not start a data call. */
			at_failed(at, &l);
		}
		break;
	case MODEMLINE_AT_VOICE:
		at_voice_line(at, &l);
		break;
	case MODEMLINE_AT_CHUP:
		at_chup_line(at, &l);
		break;
	case MODEMLINE_AT_ASK_CAUSE:
		at_ceer_line(at, &l);
		break;
	case MODEMLINE_AT_GUARD_AFTER:
		if (l.code == MODEMLINE_AT_OK) {
			at->phase = MODEMLINE_AT_HANGUP_WAIT;
			at_send(at, "ATH\r");
			at_timer(at, MODEMLINE_AT_REPLY_MS);
			break;
		}
		fallthrough;
	case MODEMLINE_AT_HANGUP_WAIT:
		if (l.code == MODEMLINE_AT_CONNECT) {
			/* The dial we aborted connected: hang up the line. */
			at->phase = MODEMLINE_AT_DATA;
			at_hang_up_online(at);
			break;
		}
		fallthrough;
	case MODEMLINE_AT_DTR_LOW:
		if (l.code == MODEMLINE_AT_OK || l.code == MODEMLINE_AT_NO_CARRIER ||
		    l.code == MODEMLINE_AT_ERROR)
			at_hung_up(at, l.text);
		break;
	default:
		break;
	}
}

static void at_command_byte(struct modemline_at *at, u8 c)
{
	if (c == '\r' || c == '\n') {
		/* CONNECT's CR LF: the LF must not become the first data byte. */
		at->skip_lf = c == '\r';
		if (!at->overlong && at->len) {
			at->buf[at->len] = '\0';
			at_result(at, at->buf);
		}
		at->len = 0;
		at->overlong = false;
		return;
	}
	if (c < 0x20 || c >= 0x7f || at->overlong)
		return;
	if (at->len == sizeof(at->buf) - 1) {
		at->overlong = true;
		at->len = 0;
		return;
	}
	at->buf[at->len++] = c;
}

static void at_release_held(struct modemline_at *at)
{
	if (at->nheld)
		at->ops->data(at->ctx, at->held, at->nheld);
	at->nheld = 0;
}

/*
 * Data mode: deliver bytes, watching for the end-of-call line (see the
 * top of this file); @quiet says the receive side was silent for the
 * guard time before buf[0]. Returns how many bytes were consumed: fewer
 * than @len when the call ended and the rest is command-mode input.
 */
static size_t at_data(struct modemline_at *at, const u8 *buf, size_t len,
		      bool quiet)
{
	size_t i, start = 0;	/* buf[start..i) is data not yet delivered */

	for (i = 0; i < len; i++) {
		if (at->nheld) {
			if (buf[i] == (u8)at_data_end[at->nheld]) {
				at->held[at->nheld++] = buf[i];
				start = i + 1;
				if (at->nheld < sizeof(at->held))
					continue;
				at_end(at, MODEMLINE_ORIGIN_REMOTE,
				       MODEMLINE_REASON_NORMAL, "NO CARRIER");
				return i + 1;
			}
			/* Not the end line after all: it was data. */
			at_release_held(at);
			start = i;
		}
		if (i == 0 && quiet && buf[0] == '\r') {
			at->held[at->nheld++] = buf[0];
			start = 1;
		}
		/* A match can only start after silence: the rest is data. */
		if (!at->nheld)
			break;
	}
	if (len > start)
		at->ops->data(at->ctx, buf + start, len - start);
	/* A partial match must not hold data back for ever. */
	if (at->nheld)
		at_timer(at, at->guard_ms);
	return len;
}

void modemline_at_input(struct modemline_at *at, const u8 *buf, size_t len,
			u64 now_ms)
{
	bool quiet = now_ms - at->last_rx_ms >= at->guard_ms;
	size_t n;

	at->last_rx_ms = now_ms;
	while (len) {
		if (at->phase == MODEMLINE_AT_DATA && at->skip_lf) {
			at->skip_lf = false;
			n = *buf == '\n';
		} else if (at->phase == MODEMLINE_AT_DATA) {
			n = at_data(at, buf, len, quiet);
		} else {
			at_command_byte(at, *buf);
			n = 1;
		}
		quiet = false;
		buf += n;
		len -= n;
	}
}
EXPORT_SYMBOL_IF_KUNIT(modemline_at_input);

void modemline_at_timeout(struct modemline_at *at)
{
	switch (at->phase) {
	case MODEMLINE_AT_IDLE:
		if (at->ringing) {
			at->ringing = false;
			at->caller[0] = '\0';
			at->ops->offer_end(at->ctx);
		}
		break;
	case MODEMLINE_AT_DATA:
		at_release_held(at);
		break;
	case MODEMLINE_AT_DTR_LOW:
		at->ops->set_dtr(at->ctx, true);
		/* A modem that ignores DTR gets the escape sequence next. */
		at->phase = MODEMLINE_AT_HANGUP_WAIT;
		at->dtr_tried = true;
		at_timer(at, MODEMLINE_AT_DTR_REPLY_MS);
		break;
	case MODEMLINE_AT_GUARD_BEFORE:
		at->phase = MODEMLINE_AT_GUARD_AFTER;
		at_send(at, "+++");
		at_timer(at, at->guard_ms + MODEMLINE_AT_REPLY_MS);
		break;
	case MODEMLINE_AT_GUARD_AFTER:
		/* No OK to the escape: try ATH anyway. */
		at->phase = MODEMLINE_AT_HANGUP_WAIT;
		at_send(at, "ATH\r");
		at_timer(at, MODEMLINE_AT_REPLY_MS);
		break;
	case MODEMLINE_AT_HANGUP_WAIT:
		if (at->dtr_tried) {
			at->dtr_tried = false;
			at_escape(at);
			break;
		}
		/* The modem does not answer: consider it hung up, ask nothing. */
		if (at->reviving)
			at_hung_up(at, NULL);
		else
			at_finish(at, MODEMLINE_ORIGIN_LOCAL,
				  MODEMLINE_REASON_NORMAL, NULL);
		break;
	case MODEMLINE_AT_VOICE:
		/*
		 * One poll at a time, so that a late answer cannot pass for
		 * the next one's; a poll the modem dropped is given up on
		 * after a few intervals.
		 */
		if (!at->clcc_wait || ++at->clcc_late > 3) {
			at->clcc_wait = true;
			at->clcc_seen = false;
			at->clcc_late = 0;
			at_send(at, "AT+CLCC\r");
		}
		at_timer(at, at->clcc_ms);
		break;
	case MODEMLINE_AT_CHUP:
		if (at->chup_after_ok) {
			at_chup(at);	/* the OK never came: hang up anyway */
		} else {
			at->phase = MODEMLINE_AT_HANGUP_WAIT;
			at_send(at, "ATH\r");
			at_timer(at, MODEMLINE_AT_REPLY_MS);
		}
		break;
	case MODEMLINE_AT_ASK_CAUSE:
		at_ceer_done(at);
		break;
	case MODEMLINE_AT_INIT:
		if (at->reviving) {
			/* Not online, not answering: give up on this modem. */
			at_finish(at, MODEMLINE_ORIGIN_SYSTEM,
				  MODEMLINE_REASON_MODEM_ERROR, NULL);
		} else {
			/* Online, taking the init string for data? */
			at->reviving = true;
			at_hang_up_online(at);
		}
		break;
	default:
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(modemline_at_timeout);

// SPDX-License-Identifier: GPL-2.0
/*
 * modemsim: the modem itself.
 *
 * Command mode: characters are echoed as received (ATE1); a command line
 * starts with "AT" (any case) and ends with S3 (CR); LF and other control
 * characters are ignored, S5 (BS) deletes; "A/" repeats the last line.
 * The line is then parsed left to right like a Hayes modem does: basic
 * commands with optional numeric arguments, S-registers, &-commands and
 * extended (+ and #) commands; the first bad command stops the line with
 * ERROR (commands before it stay done); D, A, O and Z end the line.
 *
 * Dialing/answering: any received character (but LF) aborts with NO
 * CARRIER. Data mode: bytes are echoed, swallowed or given to the call's
 * command (exec.c); "+++" between two guard times of silence returns to
 * (online) command mode with OK.
 *
 * The 3GPP dialect's voice calls, +CLCC and the rest are cellular.c's;
 * this file calls into it where a call starts or ends.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "modemsim.h"

struct sim S;

enum { L_IDLE, L_A, L_LINE };

static const char *const rc_text[] = {
	[RC_OK] = "OK",
	[RC_CONNECT] = "CONNECT",
	[RC_RING] = "RING",
	[RC_NO_CARRIER] = "NO CARRIER",
	[RC_ERROR] = "ERROR",
	[RC_NO_DIALTONE] = "NO DIALTONE",
	[RC_BUSY] = "BUSY",
	[RC_NO_ANSWER] = "NO ANSWER",
};

#define X(n) (1u << (n))
#define X_ALL (X(0) | X(1) | X(2) | X(3) | X(4))

/*
 * A data dial's result needs the ATX level that has it (X0 folds BUSY,
 * NO ANSWER and NO DIALTONE into NO CARRIER). A 3gpp voice call ends
 * with its line whatever ATX says, and has no NO DIALTONE. Rejected and
 * released calls are NO CARRIER in both: only +CEER tells them apart.
 */
static const struct outcome_row outcomes[OUT_COUNT] = {
	[OUT_CONNECT] = { "connect", RC_CONNECT, X_ALL, RC_OK, NULL },
	[OUT_BUSY] = { "busy", RC_BUSY, X(3) | X(4), RC_BUSY, "User busy" },
	[OUT_NOANSWER] = { "noanswer", RC_NO_ANSWER, X(3) | X(4),
			   RC_NO_ANSWER, "No user responding" },
	[OUT_NOCARRIER] = { "nocarrier", RC_NO_CARRIER, X_ALL,
			    RC_NO_CARRIER, CAUSE_NORMAL },
	[OUT_NODIALTONE] = { "nodialtone", RC_NO_DIALTONE, X(2) | X(4),
			     RC_NO_CARRIER, "No circuit/channel available" },
	/* A voice dial gets ERROR at once instead of OK: no call. */
	[OUT_ERROR] = { "error", RC_ERROR, X_ALL, RC_ERROR, NULL },
	[OUT_SILENT] = { "silent", RC_NONE, 0, RC_NONE, NULL },
	[OUT_REJECTED] = { "rejected", RC_NO_CARRIER, X_ALL, RC_NO_CARRIER,
			   CAUSE_REJECTED },
	[OUT_RELEASED] = { "released", RC_NO_CARRIER, X_ALL, RC_NO_CARRIER,
			   "Network out of order" },
};

const struct outcome_row *outcome_row(enum outcome o)
{
	return &outcomes[(unsigned int)o < OUT_COUNT ? o : OUT_NOCARRIER];
}

const char *outcome_name(enum outcome o)
{
	return (unsigned int)o < OUT_COUNT ? outcomes[o].name : "?";
}

int outcome_parse(const char *s)
{
	for (int i = 0; i < OUT_COUNT; i++)
		if (!strcasecmp(s, outcomes[i].name))
			return i;
	return -1;
}

const char *modem_mode_name(void)
{
	switch (S.mode) {
	case MODE_DIALING:
		return "dialing";
	case MODE_ANSWERING:
		return "answering";
	case MODE_DATA:
		return "data";
	case MODE_COMMAND:
		break;
	}
	return S.ringing && !S.call_up ? "ringing" : "command";
}

static void out_str(const char *s)
{
	out_write(s, strlen(s));
}

/* A result code, verbose "\r\nTEXT\r\n" or numeric "N\r"; nothing if Q1. */
void result(enum rc rc)
{
	char buf[160];

	if (S.cur.quiet || rc == RC_NONE)
		return;
	if (!S.cur.verbose) {
		/* Numeric CONNECT is always 1, whatever the rate. */
		snprintf(buf, sizeof(buf), "%d\r", (int)rc);
	} else if (rc == RC_CONNECT && S.cur.xlevel >= 1 && S.script.rate > 0) {
		snprintf(buf, sizeof(buf), "\r\nCONNECT %ld%s\r\n",
			 S.script.rate, S.script.connect_suffix);
	} else {
		snprintf(buf, sizeof(buf), "\r\n%s\r\n", rc_text[rc]);
	}
	out_str(buf);
	logmsg("result %s", rc_text[rc]);
}

/* Information text: verbose "\r\nTEXT\r\n", numeric "TEXT\r\n". */
void info(const char *text)
{
	if (S.cur.verbose)
		out_str("\r\n");
	out_str(text);
	out_str("\r\n");
}

/* +CLIP's and +CLCC's <type>: 145 for an international number. */
int number_type(const char *number)
{
	return number[0] == '+' ? 145 : 129;
}

/* ---- settings ---------------------------------------------------------- */

void modem_set_guard(int ms)
{
	S.cur.guard_ms = ms;
	S.cur.sreg[12] = ms / 20 > 255 ? 255 : ms / 20;
}

static int sreg_get(int reg)
{
	switch (reg) {
	case 1:
		return S.rings_sent > 255 ? 255 : S.rings_sent;
	case 12:
		return S.cur.guard_ms / 20 > 255 ? 255 : S.cur.guard_ms / 20;
	}
	return S.cur.sreg[reg];
}

static void sreg_set(int reg, int v)
{
	S.cur.sreg[reg] = v;
	if (reg == 12)
		S.cur.guard_ms = v * 20;
}

/* ---- calls ------------------------------------------------------------- */

/* The call's data bytes, kept as the last call's (control "status"). */
static void count_call_end(void)
{
	S.last_call = S.calls;
	S.last_call_in = S.bytes_in;
	S.last_call_out = S.bytes_out;
	logmsg("call %lu ended: %llu bytes from the DTE, %llu bytes to the DTE",
	       S.calls, (unsigned long long)S.bytes_in,
	       (unsigned long long)S.bytes_out);
}

/* Every end of a data call comes here: so its command ends too. */
static void end_call_state(void)
{
	if (S.call_up) {
		cause_end(CAUSE_NORMAL);
		count_call_end();
	}
	exec_stop();
	S.call_up = false;
	S.pending_plus = 0;
	timer_cancel(T_HANGUP);
	timer_cancel(T_ESCAPE);
}

static void enter_data_mode(void)
{
	S.mode = MODE_DATA;
	S.pending_plus = 0;
	S.last_rx_ms = now_ms();
	S.lstate = L_IDLE;
}

/* data exec: the command did not start, so the carrier never comes. */
static void connect_failed(void)
{
	logmsg("%s: the command did not start: NO CARRIER",
	       modem_mode_name());
	cause_end(CAUSE_NORMAL);
	S.mode = MODE_COMMAND;
	S.lstate = L_IDLE;
	result(RC_NO_CARRIER);
}

static void connect_call(void)
{
	timer_cancel(T_CALL);
	/* For +CLCC: we dialed, or answered the caller. */
	S.call_mt = S.mode == MODE_ANSWERING;
	snprintf(S.call_number, sizeof(S.call_number), "%s",
		 S.call_mt ? S.caller : S.last_number);
	if (S.script.data == DATA_EXEC &&
	    !exec_start(S.script.exec_cmd, S.call_number, S.call_mt)) {
		connect_failed();
		return;
	}
	S.call_up = true;
	S.calls++;
	S.bytes_in = S.bytes_out = 0;
	enter_data_mode();
	result(RC_CONNECT);
	logmsg("call %lu connected", S.calls);
	if (S.script.hangup_after_ms > 0)
		timer_arm(T_HANGUP, S.script.hangup_after_ms);
}

static void dial_complete(void)
{
	const struct outcome_row *o = outcome_row(S.script.result);

	logmsg("dial %s: %s", S.last_number, o->name);
	if (o->rc == RC_CONNECT) {
		connect_call();
		return;
	}
	if (o->rc == RC_NONE)
		return;		/* silent: stays "dialing" until aborted */
	S.mode = MODE_COMMAND;
	if (o->cause)
		cause_end(o->cause);
	result(o->xmask & X(S.cur.xlevel) ? o->rc : RC_NO_CARRIER);
}

static void abort_pending(void)
{
	logmsg("%s aborted by the DTE", modem_mode_name());
	timer_cancel(T_CALL);
	cause_end(CAUSE_NORMAL);
	S.mode = MODE_COMMAND;
	S.lstate = L_IDLE;
	result(RC_NO_CARRIER);
}

/* ATH, ATZ, AT+CHUP: a data call, a voice call, a 3gpp incoming call. */
void hangup_local(void)
{
	if (S.call_up)
		logmsg("call %lu hung up (ATH)", S.calls);
	end_call_state();
	voice_hangup();
}

/* ---- rings ------------------------------------------------------------- */

void modem_ring_stop(void)
{
	if (S.ringing)
		logmsg("ringing stopped");
	S.ringing = false;
	timer_cancel(T_RING);
}

static void start_answer(void)
{
	if (S.ring_voice) {
		voice_answer();		/* no data mode, no delay */
		return;
	}
	modem_ring_stop();
	snprintf(S.caller, sizeof(S.caller), "%s", S.ring_number);
	S.mode = MODE_ANSWERING;
	if (S.script.answer_delay_ms > 0)
		timer_arm(T_CALL, S.script.answer_delay_ms);
	else
		connect_call();
}

static void ring_tick(void)
{
	char buf[NUMBER_MAX + 32];

	if (S.rings_left <= 0) {
		logmsg("rings ran out unanswered");
		modem_ring_stop();
		return;
	}
	S.rings_left--;
	S.rings_sent++;
	ring_line();
	if (S.rings_sent == 1 && S.cur.cid) {
		time_t t = time(NULL);
		struct tm tm;

		localtime_r(&t, &tm);
		snprintf(buf, sizeof(buf), "DATE = %02d%02d", tm.tm_mon + 1,
			 tm.tm_mday);
		if (S.cur.verbose)
			out_str("\r\n");
		out_str(buf);
		snprintf(buf, sizeof(buf), "\r\nTIME = %02d%02d\r\n",
			 tm.tm_hour, tm.tm_min);
		out_str(buf);
		snprintf(buf, sizeof(buf), "NMBR = %s\r\n", S.ring_number);
		out_str(buf);
	}
	if (S.cur.clip) {
		snprintf(buf, sizeof(buf), "+CLIP: \"%s\",%d", S.ring_number,
			 number_type(S.ring_number));
		info(buf);
	}
	/* After the last RING the line still rings for one interval. */
	timer_arm(T_RING, S.ring_interval_ms);
	/* No auto-answer while the DTE's DTR is down (unless &D0). */
	if (S.cur.sreg[0] && S.rings_sent >= S.cur.sreg[0] &&
	    (S.dtr || !S.cur.amp_d)) {
		logmsg("auto-answer after %d rings", S.rings_sent);
		start_answer();
	}
}

int modem_ring_start(const char *number, int count, int interval_ms,
		     bool voice, const char **err)
{
	if (voice && S.script.dialect != DIALECT_3GPP) {
		*err = "voice calls need dialect 3gpp";
		return -1;
	}
	if (S.call_up || S.voice || S.mode != MODE_COMMAND) {
		*err = "call in progress";
		return -1;
	}
	if (strlen(number) > NUMBER_MAX) {
		*err = "number too long";
		return -1;
	}
	snprintf(S.ring_number, sizeof(S.ring_number), "%s", number);
	S.ring_voice = voice;
	S.ringing = true;
	S.rings_left = count;
	S.rings_sent = 0;
	S.ring_interval_ms = interval_ms;
	logmsg("ringing: %s, %d rings every %d ms (%s)", number, count,
	       interval_ms, voice ? "voice" : "data");
	ring_tick();
	return 0;
}

/* ---- command lines ----------------------------------------------------- */

/*
 * A command line is run from tables, one row per command, the way
 * kmod/at.c reads results: basic commands (one letter), &-commands and
 * extended commands (+NAME, #NAME). A row says how big the command's
 * numeric argument may be and which function does it, so a new command
 * is one row and one small function.
 */

/* The line being run: upper-cased, spaces removed; p is the next char. */
struct atline {
	const char *c;
	size_t p;
};

/* What a command leaves to the rest of its line. */
enum cmd_ret {
	CMD_NEXT,	/* done: the next command follows */
	CMD_ERROR,	/* bad: the line stops with ERROR */
	CMD_END,	/* the line ends here; the command saw to its result */
};

#define ARG_NONE (-1L)		/* takes no numeric argument */
#define ARG_OWN (-2L)		/* its function parses what follows */
#define ARG_ANY LONG_MAX	/* any number, ignored */

struct at_cmd {
	char name;
	long max;		/* highest numeric argument, or ARG_* */
	enum cmd_ret (*fn)(struct atline *l, const struct at_cmd *cmd,
			   long v);
	size_t field;		/* at_set: the setting in struct profile */
};

#define SETTING(f) offsetof(struct profile, f)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Optional decimal argument; absent means 0. */
static long num_arg(struct atline *l, bool *present)
{
	long v = 0;
	bool any = false;

	while (isdigit((unsigned char)l->c[l->p])) {
		if (v < 1000000)
			v = v * 10 + (l->c[l->p] - '0');
		l->p++;
		any = true;
	}
	if (present)
		*present = any;
	return v;
}

/* Find command k in tab, take its argument, run it. */
static enum cmd_ret run_cmd(const struct at_cmd *tab, size_t n, char k,
			    struct atline *l)
{
	long v = 0;

	for (size_t i = 0; i < n; i++) {
		if (tab[i].name != k)
			continue;
		if (tab[i].max != ARG_NONE && tab[i].max != ARG_OWN) {
			v = num_arg(l, NULL);
			if (v > tab[i].max)
				return CMD_ERROR;
		}
		return tab[i].fn(l, &tab[i], v);
	}
	return CMD_ERROR;
}

/* E V Q X M L &C &D &K: a setting of the current profile. */
static enum cmd_ret at_set(struct atline *l, const struct at_cmd *cmd, long v)
{
	(void)l;
	*(int *)((char *)&S.cur + cmd->field) = v;
	return CMD_NEXT;
}

/* Accepted, no effect: B C N W Y P T, &S &W &Y. */
static enum cmd_ret at_nop(struct atline *l, const struct at_cmd *cmd, long v)
{
	(void)l, (void)cmd, (void)v;
	return CMD_NEXT;
}

/* \N3, %C1, ...: accepted, no effect. */
static enum cmd_ret at_vendor(struct atline *l, const struct at_cmd *cmd,
			      long v)
{
	(void)cmd, (void)v;
	if (!isalpha((unsigned char)l->c[l->p]))
		return CMD_ERROR;
	l->p++;
	num_arg(l, NULL);
	return CMD_NEXT;
}

/* H0 hangs up; H1 (off hook) does nothing here. */
static enum cmd_ret at_hangup(struct atline *l, const struct at_cmd *cmd,
			      long v)
{
	(void)l, (void)cmd;
	if (v == 0)
		hangup_local();
	return CMD_NEXT;
}

static enum cmd_ret at_info(struct atline *l, const struct at_cmd *cmd, long v)
{
	(void)l, (void)cmd, (void)v;
	info("modemsim");
	return CMD_NEXT;
}

/* Z: hang up, restore the profile, OK in the restored format. */
static enum cmd_ret at_reset(struct atline *l, const struct at_cmd *cmd,
			     long v)
{
	(void)l, (void)cmd, (void)v;
	hangup_local();
	S.cur = S.profile;
	result(RC_OK);
	return CMD_END;
}

/* &F: restore the profile. */
static enum cmd_ret at_factory(struct atline *l, const struct at_cmd *cmd,
			       long v)
{
	(void)l, (void)cmd, (void)v;
	S.cur = S.profile;
	return CMD_NEXT;
}

/* Sn=v sets a register, Sn? reads it as three digits. */
static enum cmd_ret at_sreg(struct atline *l, const struct at_cmd *cmd,
			    long v)
{
	char buf[32];
	bool present;
	long reg = num_arg(l, &present);

	(void)cmd;
	if (!present || reg > 255)
		return CMD_ERROR;
	if (l->c[l->p] == '=') {
		l->p++;
		v = num_arg(l, NULL);
		if (v > 255)
			return CMD_ERROR;
		sreg_set(reg, v);
		return CMD_NEXT;
	}
	if (l->c[l->p] == '?') {
		l->p++;
		snprintf(buf, sizeof(buf), "%03d", sreg_get(reg));
		info(buf);
		return CMD_NEXT;
	}
	return CMD_ERROR;
}

static const struct at_cmd amp_cmds[] = {
	{ 'C', 1, at_set, SETTING(amp_c) },
	{ 'D', 3, at_set, SETTING(amp_d) },
	{ 'K', 6, at_set, SETTING(amp_k) },
	{ 'F', 0, at_factory, 0 },
	{ 'S', 1, at_nop, 0 },
	{ 'W', 1, at_nop, 0 },
	{ 'Y', 1, at_nop, 0 },
};

static enum cmd_ret at_amp(struct atline *l, const struct at_cmd *cmd, long v)
{
	char k = l->c[l->p];

	(void)cmd, (void)v;
	if (!k)
		return CMD_ERROR;
	l->p++;
	return run_cmd(amp_cmds, ARRAY_SIZE(amp_cmds), k, l);
}

/*
 * ATD: the dial string runs to the end of the line or to ';'. Digits,
 * * # + and A-D are the number; T P W , ! @ and anything else are
 * accepted and ignored; "L" first redials the last number. A ';' ends a
 * voice-style dial: back to command mode, and the line goes on; in the
 * 3gpp dialect it is a voice call (cellular.c), in v250 nothing more.
 */
static enum cmd_ret at_dial(struct atline *l, const struct at_cmd *cmd,
			    long v)
{
	char number[NUMBER_MAX + 1];
	size_t n = 0;
	bool voice = false;

	(void)cmd, (void)v;
	if (S.call_up || S.voice)
		return CMD_ERROR;
	if (l->c[l->p] == 'L') {
		l->p++;
		n = strlen(S.last_number);
		memcpy(number, S.last_number, n);
	}
	while (l->c[l->p]) {
		char ch = l->c[l->p++];

		if (ch == ';') {
			voice = true;
			break;
		}
		if ((isdigit((unsigned char)ch) || ch == '*' || ch == '#' ||
		     ch == '+' || (ch >= 'A' && ch <= 'D')) && n < NUMBER_MAX)
			number[n++] = ch;
	}
	number[n] = 0;
	memcpy(S.last_number, number, n + 1);
	modem_ring_stop();
	if (voice && S.script.dialect == DIALECT_3GPP)
		return voice_dial(number) ? CMD_NEXT : CMD_ERROR;
	if (voice) {
		logmsg("dial %s; (voice, back to command mode)", number);
		return CMD_NEXT;
	}
	logmsg("dialing %s (%s in %d ms)", number,
	       outcome_name(S.script.result), S.script.answer_delay_ms);
	S.mode = MODE_DIALING;
	if (S.script.answer_delay_ms > 0)
		timer_arm(T_CALL, S.script.answer_delay_ms);
	else
		dial_complete();
	return CMD_END;		/* the result comes later */
}

static enum cmd_ret at_answer(struct atline *l, const struct at_cmd *cmd,
			      long v)
{
	(void)l, (void)cmd, (void)v;
	if (S.call_up || S.voice)
		return CMD_ERROR;
	if (!S.ringing) {
		result(RC_NO_CARRIER);
	} else if (S.ring_voice) {
		voice_answer();
		result(RC_OK);		/* a voice call is answered at once */
	} else {
		start_answer();
	}
	return CMD_END;
}

static enum cmd_ret at_online(struct atline *l, const struct at_cmd *cmd,
			      long v)
{
	(void)l, (void)cmd, (void)v;
	if (!S.call_up) {
		result(RC_NO_CARRIER);
		return CMD_END;
	}
	enter_data_mode();
	result(RC_CONNECT);
	return CMD_END;
}

static bool ext_clip(enum ext_op op, long v)
{
	char buf[32];

	switch (op) {
	case EXT_SET:
		if (v > 1)
			return false;
		S.cur.clip = v;
		return true;
	case EXT_READ:
		snprintf(buf, sizeof(buf), "+CLIP: %d,1", S.cur.clip);
		info(buf);
		return true;
	case EXT_TEST:
		info("+CLIP: (0-1)");
		return true;
	case EXT_ACTION:
		break;
	}
	return false;
}

static bool ext_cid(enum ext_op op, long v)
{
	char buf[32];

	switch (op) {
	case EXT_SET:
		if (v > 1)
			return false;
		S.cur.cid = v;
		return true;
	case EXT_READ:
		snprintf(buf, sizeof(buf), "%d", S.cur.cid);
		info(buf);
		return true;
	case EXT_TEST:
		info("(0-1)");
		return true;
	case EXT_ACTION:
		break;
	}
	return false;
}

/* Data mode only: class 0. */
static bool ext_fclass(enum ext_op op, long v)
{
	if (op == EXT_SET)
		return v == 0;
	if (op == EXT_READ || op == EXT_TEST) {
		info("0");
		return true;
	}
	return false;
}

static bool ext_maker(enum ext_op op, long v)
{
	(void)v;
	if (op != EXT_ACTION)
		return false;
	info("modemsim");
	return true;
}

static bool ext_revision(enum ext_op op, long v)
{
	(void)v;
	if (op != EXT_ACTION)
		return false;
	info(MODEMSIM_VERSION);
	return true;
}

static const struct ext_cmd ext_cmds[] = {
	{ '+', "CLIP", ext_clip, false },
	{ '#', "CID", ext_cid, false },
	{ '+', "FCLASS", ext_fclass, false },
	{ '+', "GMI", ext_maker, false },
	{ '+', "CGMI", ext_maker, false },
	{ '+', "GMM", ext_maker, false },
	{ '+', "CGMM", ext_maker, false },
	{ '+', "GMR", ext_revision, false },
	{ '+', "CGMR", ext_revision, false },
};

/* The row of prefix and name, if the dialect has it. */
static const struct ext_cmd *ext_find(const struct ext_cmd *tab, size_t n,
				      char prefix, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (tab[i].prefix == prefix && !strcmp(tab[i].name, name))
			return tab[i].gsm && S.script.dialect != DIALECT_3GPP ?
			       NULL : &tab[i];
	return NULL;
}

/* + or #: NAME, then =v, ?, =? or nothing; a ';' after it is skipped. */
static enum cmd_ret at_ext(struct atline *l, const struct at_cmd *cmd, long v)
{
	const struct ext_cmd *e;
	enum ext_op op = EXT_ACTION;
	char name[16];
	size_t n = 0;
	bool have_v = false;

	while (isalnum((unsigned char)l->c[l->p])) {
		if (n < sizeof(name) - 1)
			name[n++] = l->c[l->p];
		l->p++;
	}
	name[n] = 0;
	v = 0;
	if (l->c[l->p] == '=' && l->c[l->p + 1] == '?') {
		op = EXT_TEST;
		l->p += 2;
	} else if (l->c[l->p] == '=') {
		op = EXT_SET;
		l->p++;
		v = num_arg(l, &have_v);
	} else if (l->c[l->p] == '?') {
		op = EXT_READ;
		l->p++;
	}
	if (l->c[l->p] == ';')
		l->p++;
	if (op == EXT_SET && !have_v)
		return CMD_ERROR;
	e = ext_find(ext_cmds, ARRAY_SIZE(ext_cmds), cmd->name, name);
	if (!e)
		e = ext_find(cell_cmds, cell_ncmds, cmd->name, name);
	if (!e)
		return CMD_ERROR;
	return e->fn(op, v) ? CMD_NEXT : CMD_ERROR;
}

static const struct at_cmd basic_cmds[] = {
	{ 'E', 1, at_set, SETTING(echo) },
	{ 'V', 1, at_set, SETTING(verbose) },
	{ 'Q', 1, at_set, SETTING(quiet) },
	{ 'X', 4, at_set, SETTING(xlevel) },
	{ 'M', 3, at_set, SETTING(speaker) },
	{ 'L', 3, at_set, SETTING(volume) },
	{ 'B', ARG_ANY, at_nop, 0 },
	{ 'C', ARG_ANY, at_nop, 0 },
	{ 'N', ARG_ANY, at_nop, 0 },
	{ 'W', ARG_ANY, at_nop, 0 },
	{ 'Y', ARG_ANY, at_nop, 0 },
	{ 'P', ARG_NONE, at_nop, 0 },
	{ 'T', ARG_NONE, at_nop, 0 },
	{ 'H', 1, at_hangup, 0 },
	{ 'I', 9, at_info, 0 },
	{ 'Z', 1, at_reset, 0 },
	{ 'S', ARG_OWN, at_sreg, 0 },
	{ '&', ARG_OWN, at_amp, 0 },
	{ '\\', ARG_OWN, at_vendor, 0 },
	{ '%', ARG_OWN, at_vendor, 0 },
	{ '+', ARG_OWN, at_ext, 0 },
	{ '#', ARG_OWN, at_ext, 0 },
	{ 'D', ARG_OWN, at_dial, 0 },
	{ 'A', ARG_NONE, at_answer, 0 },
	{ 'O', ARG_ANY, at_online, 0 },
};

static void run_line(const char *raw, size_t len)
{
	char c[CMDLINE_MAX + 1];
	struct atline l = { .c = c };
	enum cmd_ret r = CMD_NEXT;
	bool quoted = false;
	size_t m = 0;

	/* Spaces are ignored and letters upper-cased, outside quotes. */
	for (size_t i = 0; i < len; i++) {
		char ch = raw[i];

		if (ch == '"')
			quoted = !quoted;
		if (!quoted && ch == ' ')
			continue;
		c[m++] = quoted ? ch : toupper((unsigned char)ch);
	}
	c[m] = 0;
	logmsg("command line: AT%s", c);

	while (c[l.p] && r == CMD_NEXT) {
		char k = c[l.p++];

		r = run_cmd(basic_cmds, ARRAY_SIZE(basic_cmds), k, &l);
	}
	if (r != CMD_END)
		result(r == CMD_ERROR ? RC_ERROR : RC_OK);
}

static void cmd_char(unsigned char ch)
{
	unsigned char u = toupper(ch);

	if (S.cur.echo)
		out_write(&ch, 1);
	switch (S.lstate) {
	case L_IDLE:
		if (u == 'A')
			S.lstate = L_A;
		break;
	case L_A:
		if (u == 'T') {
			S.lstate = L_LINE;
			S.llen = 0;
			S.loverflow = false;
		} else if (ch == '/') {
			S.lstate = L_IDLE;
			if (S.have_last_line)
				run_line(S.last_line, strlen(S.last_line));
			else
				result(RC_OK);
		} else if (u != 'A') {
			S.lstate = L_IDLE;
		}
		break;
	case L_LINE:
		if (ch == S.cur.sreg[3]) {
			S.lstate = L_IDLE;
			if (S.loverflow) {
				logmsg("command line too long");
				result(RC_ERROR);
				break;
			}
			S.line[S.llen] = 0;
			memcpy(S.last_line, S.line, S.llen + 1);
			S.have_last_line = true;
			run_line(S.line, S.llen);
		} else if (ch == S.cur.sreg[5]) {
			if (S.llen)
				S.llen--;
		} else if (ch < 0x20 || ch == 0x7f) {
			/* LF and other control characters: ignored */
		} else if (S.llen < CMDLINE_MAX) {
			S.line[S.llen++] = ch;
		} else {
			S.loverflow = true;
		}
		break;
	}
}

/* ---- data mode --------------------------------------------------------- */

/* Data from the remote side to the DTE (echo, send, garbage). */
void modem_send_data(const void *buf, size_t len)
{
	out_write(buf, len);
	if (S.mode == MODE_DATA)
		S.bytes_out += len;
}

/*
 * A call that has a command gives it the bytes, whatever "data" says
 * now; one that connected without one echoes or swallows them.
 */
static void data_out(const unsigned char *buf, size_t len)
{
	S.bytes_in += len;
	if (exec_running())
		exec_input(buf, len);
	else if (S.script.data == DATA_ECHO)
		modem_send_data(buf, len);
}

static void flush_plus(void)
{
	unsigned char plus[3];
	int n = S.pending_plus;

	memset(plus, S.cur.sreg[2], sizeof(plus));
	S.pending_plus = 0;
	if (n)
		data_out(plus, n);
}

/*
 * Escape: the escape character (S2) right after guard_ms of silence, two
 * more each within guard_ms of the previous one, then guard_ms of silence
 * (T_ESCAPE). The candidate characters are held back meanwhile and become
 * data if the sequence breaks; an accepted escape is not data.
 */
static size_t data_input(const unsigned char *buf, size_t len, int64_t now)
{
	int esc = S.cur.sreg[2] < 128 ? S.cur.sreg[2] : -1;
	int guard = S.cur.guard_ms;
	size_t i = 0;

	while (i < len && S.mode == MODE_DATA) {
		unsigned char ch = buf[i];

		if (S.pending_plus == 3) {
			timer_cancel(T_ESCAPE);
			flush_plus();
		}
		if (ch != esc) {
			const unsigned char *e = NULL;
			size_t run;

			timer_cancel(T_ESCAPE);
			flush_plus();
			if (esc >= 0)
				e = memchr(buf + i, esc, len - i);
			run = e ? (size_t)(e - (buf + i)) : len - i;
			data_out(buf + i, run);
			i += run;
			S.last_rx_ms = now;
			continue;
		}
		if (S.pending_plus == 0) {
			if (now - S.last_rx_ms >= guard)
				S.pending_plus = 1;
			else
				data_out(&ch, 1);
		} else if (now - S.last_rx_ms < guard) {
			S.pending_plus++;
		} else {
			flush_plus();
			S.pending_plus = 1;
		}
		/* A slow modem answers the escape escape-delay late. */
		if (S.pending_plus == 3)
			timer_arm(T_ESCAPE, guard + S.script.escape_delay_ms);
		else if (S.pending_plus)
			timer_arm(T_ESCAPE, guard);
		else
			timer_cancel(T_ESCAPE);
		S.last_rx_ms = now;
		i++;
	}
	return i;
}

void modem_input(const unsigned char *buf, size_t len)
{
	int64_t now = now_ms();
	size_t i = 0;

	while (i < len) {
		switch (S.mode) {
		case MODE_DATA:
			i += data_input(buf + i, len - i, now);
			break;
		case MODE_DIALING:
		case MODE_ANSWERING:
			/* LF is the tail of a CR LF terminator: not an abort. */
			if (buf[i++] != '\n')
				abort_pending();
			break;
		case MODE_COMMAND:
			cmd_char(buf[i++]);
			break;
		}
	}
}

/* ---- events ------------------------------------------------------------ */

void modem_timer(enum timer_id id)
{
	switch (id) {
	case T_CALL:
		if (S.mode == MODE_DIALING)
			dial_complete();
		else if (S.mode == MODE_ANSWERING)
			connect_call();
		break;
	case T_HANGUP:
		logmsg("remote hangs up (hangup-after)");
		modem_remote_hangup(false);
		break;
	case T_VOICE:
		voice_timer();
		break;
	case T_NOISE:
		noise_timer();
		break;
	case T_EXEC:
		exec_timer();
		break;
	case T_RING:
		if (S.ringing)
			ring_tick();
		break;
	case T_ESCAPE:
		if (S.mode != MODE_DATA)
			break;
		if (S.pending_plus == 3) {
			S.pending_plus = 0;
			S.mode = MODE_COMMAND;
			S.lstate = L_IDLE;
			S.escapes++;
			logmsg("escape: online command mode");
			result(RC_OK);
		} else {
			flush_plus();
		}
		break;
	case T_PEER:
	case T_LINES:
	case T_COUNT:
		break;
	}
}

/* silent: the call just ends (from +CLCC), no NO CARRIER says so. */
int modem_remote_hangup(bool silent)
{
	enum rc rc = silent ? RC_NONE : RC_NO_CARRIER;

	if (S.mode == MODE_DIALING || S.mode == MODE_ANSWERING) {
		logmsg("remote hangup while %s", modem_mode_name());
		timer_cancel(T_CALL);
		cause_end(CAUSE_NORMAL);
		S.mode = MODE_COMMAND;
		S.lstate = L_IDLE;
		result(rc);
		return 0;
	}
	if (S.call_up) {
		logmsg("call %lu: remote hangup", S.calls);
		end_call_state();
		S.mode = MODE_COMMAND;
		S.lstate = L_IDLE;
		result(rc);
		return 0;
	}
	if (S.voice) {
		logmsg("voice call: remote hangup%s", silent ? ", silent" : "");
		voice_end(rc, CAUSE_NORMAL);
		return 0;
	}
	if (S.ringing) {
		modem_ring_stop();
		return 0;
	}
	return -1;
}

void modem_peer_connected(void)
{
	const char *err;

	logmsg("peer connected");
	if (S.cli_ring) {
		S.cli_ring = false;
		if (modem_ring_start(S.cli_ring_number, S.cli_rings,
				     S.cli_ring_interval_ms,
				     S.script.dialect == DIALECT_3GPP, &err))
			logmsg("--ring: %s", err);
	}
}

/* The DTE went away: a call ends silently, a pending dial is dropped. */
void modem_peer_gone(void)
{
	logmsg("peer gone%s", S.call_up ? ": call ends" : "");
	timer_cancel(T_CALL);
	end_call_state();
	voice_end(RC_NONE, CAUSE_NORMAL);
	S.mode = MODE_COMMAND;
	S.lstate = L_IDLE;
}

/* ---- modem-control lines ----------------------------------------------- */

/*
 * DTR on-to-off, as V.250 says: &D0 ignores it; &D1 goes from data mode to
 * online command mode (the call stays up); &D2 hangs up; &D3 hangs up and
 * restores the profile. Going to command mode while dialing or answering
 * aborts, as any character does.
 */
enum dtr_action modem_dtr_action(int amp_d, enum mode mode, bool call_up)
{
	bool pending = mode == MODE_DIALING || mode == MODE_ANSWERING;

	switch (amp_d) {
	case 0:
		return DTR_NOTHING;
	case 1:
		if (pending)
			return DTR_ABORT;
		return mode == MODE_DATA ? DTR_COMMAND : DTR_NOTHING;
	case 2:
		if (pending)
			return DTR_ABORT;
		return call_up ? DTR_HANGUP : DTR_NOTHING;
	}
	return DTR_RESET;
}

/* &C0: carrier always reported; &C1: only while a call is up. */
bool modem_dcd(int amp_c, bool call_up, bool carrier_off)
{
	return !carrier_off && (amp_c == 0 || call_up);
}

void modem_sync_lines(void)
{
	bool dcd = modem_dcd(S.cur.amp_c, S.call_up, S.carrier_off);

	if (dcd == S.dcd)
		return;
	S.dcd = dcd;
	logmsg("DCD %s", dcd ? "on" : "off");
	lines_set_dcd(dcd);
}

void modem_dtr(bool on)
{
	enum dtr_action a;

	if (on == S.dtr)
		return;
	S.dtr = on;
	logmsg("DTE's DTR %s (&D%d)", on ? "on" : "off", S.cur.amp_d);
	if (on)
		return;
	S.dtr_drops++;
	/* A voice call is in command mode: &D2 and &D3 hang it up too. */
	a = modem_dtr_action(S.cur.amp_d, S.mode, S.call_up || S.voice);
	switch (a) {
	case DTR_NOTHING:
		return;
	case DTR_ABORT:
		abort_pending();
		return;
	case DTR_COMMAND:
		/* '+' held back as a possible escape are data. */
		timer_cancel(T_ESCAPE);
		flush_plus();
		logmsg("DTR drop: online command mode");
		break;
	case DTR_HANGUP:
	case DTR_RESET:
		timer_cancel(T_CALL);
		if (S.call_up)
			logmsg("call %lu hung up (DTR drop)", S.calls);
		end_call_state();
		voice_end(RC_NONE, CAUSE_NORMAL);
		if (a == DTR_RESET)
			S.cur = S.profile;
		break;
	}
	S.mode = MODE_COMMAND;
	S.lstate = L_IDLE;
	result(RC_OK);
}

/*
 * "carrier off": the carrier is lost and no result code says so. A call
 * up or a pending dial or answer ends silently, and DCD stays low (even
 * with &C0) until "carrier on".
 */
void modem_carrier(bool on)
{
	S.carrier_off = !on;
	if (on)
		return;
	if (S.call_up || S.mode == MODE_DIALING || S.mode == MODE_ANSWERING)
		logmsg("carrier lost, no result code");
	timer_cancel(T_CALL);
	end_call_state();
	S.mode = MODE_COMMAND;
	S.lstate = L_IDLE;
}

void modem_reset(void)
{
	timer_cancel(T_CALL);
	end_call_state();
	voice_end(RC_NONE, NULL);
	modem_ring_stop();
	noise_stop();
	cause_reset();
	S.mode = MODE_COMMAND;
	S.lstate = L_IDLE;
	S.cur = S.profile;
	S.script = S.script0;
	S.bytes_in = S.bytes_out = 0;
	S.last_call = 0;
	S.last_call_in = S.last_call_out = 0;
	S.rings_sent = 0;
	S.carrier_off = false;
}

void modem_init(void)
{
	S.script0 = S.script;
	S.cur = S.profile;
	S.mode = MODE_COMMAND;
	S.lstate = L_IDLE;
	S.dtr = true;
	S.dcd = modem_dcd(S.cur.amp_c, false, false);
	S.vstat = CLCC_NONE;
	cause_reset();
}

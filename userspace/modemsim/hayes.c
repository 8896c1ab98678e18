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
 * CARRIER. Data mode: bytes are echoed or swallowed; "+++" between two
 * guard times of silence returns to (online) command mode with OK.
 */
#define _GNU_SOURCE
#include <ctype.h>
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

static const char *const outcome_names[OUT_COUNT] = {
	[OUT_CONNECT] = "connect",
	[OUT_BUSY] = "busy",
	[OUT_NOANSWER] = "noanswer",
	[OUT_NOCARRIER] = "nocarrier",
	[OUT_NODIALTONE] = "nodialtone",
	[OUT_ERROR] = "error",
	[OUT_SILENT] = "silent",
};

const char *outcome_name(enum outcome o)
{
	return (unsigned int)o < OUT_COUNT ? outcome_names[o] : "?";
}

int outcome_parse(const char *s)
{
	for (int i = 0; i < OUT_COUNT; i++)
		if (!strcasecmp(s, outcome_names[i]))
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
static void result(enum rc rc)
{
	char buf[160];

	if (S.cur.quiet)
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
static void info(const char *text)
{
	if (S.cur.verbose)
		out_str("\r\n");
	out_str(text);
	out_str("\r\n");
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

static void end_call_state(void)
{
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

static void connect_call(void)
{
	timer_cancel(T_CALL);
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
	int x = S.cur.xlevel;

	logmsg("dial %s: %s", S.last_number, outcome_name(S.script.result));
	switch (S.script.result) {
	case OUT_CONNECT:
		connect_call();
		return;
	case OUT_SILENT:
		return;		/* stays "dialing" until aborted */
	case OUT_BUSY:
		S.mode = MODE_COMMAND;
		result(x >= 3 ? RC_BUSY : RC_NO_CARRIER);
		return;
	case OUT_NOANSWER:
		S.mode = MODE_COMMAND;
		result(x >= 3 ? RC_NO_ANSWER : RC_NO_CARRIER);
		return;
	case OUT_NODIALTONE:
		S.mode = MODE_COMMAND;
		result(x == 2 || x == 4 ? RC_NO_DIALTONE : RC_NO_CARRIER);
		return;
	case OUT_ERROR:
		S.mode = MODE_COMMAND;
		result(RC_ERROR);
		return;
	case OUT_NOCARRIER:
	case OUT_COUNT:
		break;
	}
	S.mode = MODE_COMMAND;
	result(RC_NO_CARRIER);
}

static void abort_pending(void)
{
	logmsg("%s aborted by the DTE", modem_mode_name());
	timer_cancel(T_CALL);
	S.mode = MODE_COMMAND;
	S.lstate = L_IDLE;
	result(RC_NO_CARRIER);
}

static void hangup_local(void)
{
	if (S.call_up)
		logmsg("call %lu hung up (ATH)", S.calls);
	end_call_state();
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
	result(RC_RING);
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
			 S.ring_number[0] == '+' ? 145 : 129);
		info(buf);
	}
	/* After the last RING the line still rings for one interval. */
	timer_arm(T_RING, S.ring_interval_ms);
	if (S.cur.sreg[0] && S.rings_sent >= S.cur.sreg[0]) {
		logmsg("auto-answer after %d rings", S.rings_sent);
		start_answer();
	}
}

int modem_ring_start(const char *number, int count, int interval_ms,
		     const char **err)
{
	if (S.call_up || S.mode != MODE_COMMAND) {
		*err = "call in progress";
		return -1;
	}
	if (strlen(number) > NUMBER_MAX) {
		*err = "number too long";
		return -1;
	}
	snprintf(S.ring_number, sizeof(S.ring_number), "%s", number);
	S.ringing = true;
	S.rings_left = count;
	S.rings_sent = 0;
	S.ring_interval_ms = interval_ms;
	logmsg("ringing: %s, %d rings every %d ms", number, count,
	       interval_ms);
	ring_tick();
	return 0;
}

/* ---- command lines ----------------------------------------------------- */

/* Optional decimal argument; absent means 0. */
static long num_arg(const char *c, size_t *p, bool *present)
{
	long v = 0;
	bool any = false;

	while (isdigit((unsigned char)c[*p])) {
		if (v < 1000000)
			v = v * 10 + (c[*p] - '0');
		(*p)++;
		any = true;
	}
	if (present)
		*present = any;
	return v;
}

/*
 * ATD: the dial string runs to the end of the line or to ';'. Digits,
 * * # + and A-D are the number; T P W , ! @ and anything else are
 * accepted and ignored; "L" first redials the last number. Returns true
 * if the line goes on (";": voice-style dial, back to command mode).
 */
static bool dial(const char *c, size_t *p, bool *err)
{
	char number[NUMBER_MAX + 1];
	size_t n = 0;
	bool voice = false;

	if (S.call_up) {
		*err = true;
		return false;
	}
	if (c[*p] == 'L') {
		(*p)++;
		n = strlen(S.last_number);
		memcpy(number, S.last_number, n);
	}
	while (c[*p]) {
		char ch = c[(*p)++];

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
	if (voice) {
		logmsg("dial %s; (voice, back to command mode)", number);
		return true;
	}
	logmsg("dialing %s (%s in %d ms)", number,
	       outcome_name(S.script.result), S.script.answer_delay_ms);
	S.mode = MODE_DIALING;
	if (S.script.answer_delay_ms > 0)
		timer_arm(T_CALL, S.script.answer_delay_ms);
	else
		dial_complete();
	return false;
}

/* Extended command: +NAME or #NAME, then =v, ?, =? or nothing; ';' ends. */
static bool ext_cmd(const char *c, size_t *p, char prefix)
{
	char name[16];
	size_t n = 0;
	int op = 0;		/* 0 action, 1 set, 2 read, 3 test */
	long v = 0;
	bool have_v = false;
	char buf[64];
	bool ok = false;

	while (isalnum((unsigned char)c[*p])) {
		if (n < sizeof(name) - 1)
			name[n++] = c[*p];
		(*p)++;
	}
	name[n] = 0;
	if (c[*p] == '=' && c[*p + 1] == '?') {
		op = 3;
		*p += 2;
	} else if (c[*p] == '=') {
		op = 1;
		(*p)++;
		v = num_arg(c, p, &have_v);
	} else if (c[*p] == '?') {
		op = 2;
		(*p)++;
	}
	if (c[*p] == ';')
		(*p)++;
	if (op == 1 && !have_v)
		return false;

	if (prefix == '+' && !strcmp(name, "CLIP")) {
		if (op == 1 && v <= 1) {
			S.cur.clip = v;
			ok = true;
		} else if (op == 2) {
			snprintf(buf, sizeof(buf), "+CLIP: %d,1", S.cur.clip);
			info(buf);
			ok = true;
		} else if (op == 3) {
			info("+CLIP: (0-1)");
			ok = true;
		}
	} else if (prefix == '+' && !strcmp(name, "FCLASS")) {
		if (op == 1 && v == 0) {
			ok = true;
		} else if (op == 2 || op == 3) {
			info("0");
			ok = true;
		}
	} else if (prefix == '#' && !strcmp(name, "CID")) {
		if (op == 1 && v <= 1) {
			S.cur.cid = v;
			ok = true;
		} else if (op == 2) {
			snprintf(buf, sizeof(buf), "%d", S.cur.cid);
			info(buf);
			ok = true;
		} else if (op == 3) {
			info("(0-1)");
			ok = true;
		}
	} else if (prefix == '+' && op == 0 &&
		   (!strcmp(name, "GMI") || !strcmp(name, "CGMI") ||
		    !strcmp(name, "GMM") || !strcmp(name, "CGMM"))) {
		info("modemsim");
		ok = true;
	} else if (prefix == '+' && op == 0 &&
		   (!strcmp(name, "GMR") || !strcmp(name, "CGMR"))) {
		info(MODEMSIM_VERSION);
		ok = true;
	}
	return ok;
}

static void run_line(const char *raw, size_t len)
{
	char c[CMDLINE_MAX + 1];
	char buf[32];
	size_t m = 0, p = 0;
	bool quoted = false, present, err = false;
	long v, reg;

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

	while (c[p] && !err) {
		char k = c[p++];

		switch (k) {
		case 'E':
		case 'V':
		case 'Q':
			v = num_arg(c, &p, NULL);
			if (v > 1) {
				err = true;
				break;
			}
			if (k == 'E')
				S.cur.echo = v;
			else if (k == 'V')
				S.cur.verbose = v;
			else
				S.cur.quiet = v;
			break;
		case 'X':
			v = num_arg(c, &p, NULL);
			if (v > 4)
				err = true;
			else
				S.cur.xlevel = v;
			break;
		case 'M':
		case 'L':
			v = num_arg(c, &p, NULL);
			if (v > 3)
				err = true;
			else if (k == 'M')
				S.cur.speaker = v;
			else
				S.cur.volume = v;
			break;
		case 'B':
		case 'C':
		case 'N':
		case 'W':
		case 'Y':
			num_arg(c, &p, NULL);	/* accepted, no effect */
			break;
		case 'P':
		case 'T':
			break;
		case 'H':
			v = num_arg(c, &p, NULL);
			if (v > 1)
				err = true;
			else if (v == 0)
				hangup_local();
			break;
		case 'I':
			v = num_arg(c, &p, NULL);
			if (v > 9)
				err = true;
			else
				info("modemsim");
			break;
		case 'Z':
			v = num_arg(c, &p, NULL);
			if (v > 1) {
				err = true;
				break;
			}
			hangup_local();
			S.cur = S.profile;
			result(RC_OK);
			return;
		case 'S':
			reg = num_arg(c, &p, &present);
			if (!present || reg > 255) {
				err = true;
			} else if (c[p] == '=') {
				p++;
				v = num_arg(c, &p, NULL);
				if (v > 255)
					err = true;
				else
					sreg_set(reg, v);
			} else if (c[p] == '?') {
				p++;
				snprintf(buf, sizeof(buf), "%03d",
					 sreg_get(reg));
				info(buf);
			} else {
				err = true;
			}
			break;
		case '&':
			k = c[p];
			if (!k) {
				err = true;
				break;
			}
			p++;
			v = num_arg(c, &p, NULL);
			switch (k) {
			case 'C':
				if (v > 1)
					err = true;
				else
					S.cur.amp_c = v;
				break;
			case 'D':
				if (v > 3)
					err = true;
				else
					S.cur.amp_d = v;
				break;
			case 'K':
				if (v > 6)
					err = true;
				else
					S.cur.amp_k = v;
				break;
			case 'F':
				if (v)
					err = true;
				else
					S.cur = S.profile;
				break;
			case 'S':
			case 'W':
			case 'Y':
				if (v > 1)
					err = true;
				break;
			default:
				err = true;
			}
			break;
		case '\\':
		case '%':
			/* \N3, %C1, ...: accepted, no effect */
			if (!isalpha((unsigned char)c[p]))
				err = true;
			else
				p++, num_arg(c, &p, NULL);
			break;
		case '+':
		case '#':
			if (!ext_cmd(c, &p, k))
				err = true;
			break;
		case 'D':
			if (!dial(c, &p, &err)) {
				if (err)
					break;
				return;		/* result comes later */
			}
			break;
		case 'A':
			if (S.call_up) {
				err = true;
				break;
			}
			if (!S.ringing) {
				result(RC_NO_CARRIER);
				return;
			}
			start_answer();
			return;
		case 'O':
			num_arg(c, &p, NULL);
			if (!S.call_up) {
				result(RC_NO_CARRIER);
				return;
			}
			enter_data_mode();
			result(RC_CONNECT);
			return;
		default:
			err = true;
		}
	}
	result(err ? RC_ERROR : RC_OK);
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

static void data_out(const unsigned char *buf, size_t len)
{
	S.bytes_in += len;
	if (!S.script.data_sink)
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
		modem_remote_hangup();
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
			logmsg("escape: online command mode");
			result(RC_OK);
		} else {
			flush_plus();
		}
		break;
	case T_PEER:
	case T_COUNT:
		break;
	}
}

int modem_remote_hangup(void)
{
	if (S.mode == MODE_DIALING || S.mode == MODE_ANSWERING) {
		logmsg("remote hangup while %s", modem_mode_name());
		timer_cancel(T_CALL);
		S.mode = MODE_COMMAND;
		S.lstate = L_IDLE;
		result(RC_NO_CARRIER);
		return 0;
	}
	if (S.call_up) {
		logmsg("call %lu: remote hangup", S.calls);
		end_call_state();
		S.mode = MODE_COMMAND;
		S.lstate = L_IDLE;
		result(RC_NO_CARRIER);
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
				     S.cli_ring_interval_ms, &err))
			logmsg("--ring: %s", err);
	}
}

/* The DTE went away: a call ends silently, a pending dial is dropped. */
void modem_peer_gone(void)
{
	logmsg("peer gone%s", S.call_up ? ": call ends" : "");
	timer_cancel(T_CALL);
	end_call_state();
	S.mode = MODE_COMMAND;
	S.lstate = L_IDLE;
}

void modem_reset(void)
{
	timer_cancel(T_CALL);
	end_call_state();
	modem_ring_stop();
	S.mode = MODE_COMMAND;
	S.lstate = L_IDLE;
	S.cur = S.profile;
	S.script = S.script0;
	S.bytes_in = S.bytes_out = 0;
	S.rings_sent = 0;
}

void modem_init(void)
{
	S.script0 = S.script;
	S.cur = S.profile;
	S.mode = MODE_COMMAND;
	S.lstate = L_IDLE;
}

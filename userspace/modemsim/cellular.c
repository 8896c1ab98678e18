// SPDX-License-Identifier: GPL-2.0
/*
 * modemsim: the 3GPP TS 27.007 dialect of a cellular modem.
 *
 * With --dialect 3gpp every V.250 command keeps working (a data dial is a
 * circuit-switched data call ending in CONNECT), and:
 *   ATD<n>;   a voice call: OK at once, then +CLCC stat 2 (dialing),
 *             after alert-delay 3 (alerting), after answer-delay the
 *             scripted outcome: 0 (active), or an unsolicited end line
 *   ATA       answers a voice ring with OK (voice has no data mode)
 *   +CLCC     lists the call; +CHUP ends it; +CEER says why the last ended
 *   +CRC      +CRING: VOICE or +CRING: REL ASYNC instead of RING
 *   +CMEE +COLP +CREG +CSQ   accepted, fixed answers
 * AT+GCAP answers in both dialects, and "noise" (random unsolicited lines
 * such as +CREG: or ^RSSI:) runs in both. All of it is tables: cell_cmds[]
 * for the commands, outcomes[] (hayes.c) for how a call ends, noise_lines[]
 * for the noise.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "modemsim.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const dialect_names[DIALECT_COUNT] = {
	[DIALECT_V250] = "v250",
	[DIALECT_3GPP] = "3gpp",
};

const char *dialect_name(enum dialect d)
{
	return (unsigned int)d < DIALECT_COUNT ? dialect_names[d] : "?";
}

int dialect_parse(const char *s)
{
	for (int i = 0; i < DIALECT_COUNT; i++)
		if (!strcasecmp(s, dialect_names[i]))
			return i;
	return -1;
}

static bool gsm(void)
{
	return S.script.dialect == DIALECT_3GPP;
}

/* ---- +CEER ------------------------------------------------------------- */

/* The control "ceer TEXT" wins once over the end's own cause. */
void cause_end(const char *dflt)
{
	const char *c = S.ceer_set ? S.ceer_next : dflt;

	snprintf(S.ceer, sizeof(S.ceer), "%s", c);
	S.ceer_set = false;
	logmsg("call ended: cause \"%s\"", S.ceer);
}

void cause_reset(void)
{
	snprintf(S.ceer, sizeof(S.ceer), "%s", CAUSE_NONE);
	S.ceer_set = false;
}

/* ---- voice calls ------------------------------------------------------- */

static void voice_start(bool mt, const char *number, enum clcc_stat stat)
{
	S.voice = true;
	S.vstat = stat;
	S.call_mt = mt;
	snprintf(S.call_number, sizeof(S.call_number), "%s", number);
}

/* The callee answered, or we did: active. hangup-after runs as for data. */
static void voice_active(void)
{
	S.vstat = CLCC_ACTIVE;
	S.calls++;
	logmsg("voice call %lu active", S.calls);
	if (S.script.hangup_after_ms > 0)
		timer_arm(T_HANGUP, S.script.hangup_after_ms);
}

/*
 * The outcome is the one in force at ATD...;, so a test can script the
 * next call while this one runs. Both steps go through the timer, even
 * with delays of 0, so the dial's OK always comes first.
 */
bool voice_dial(const char *number)
{
	if (S.script.result == OUT_ERROR) {
		logmsg("voice dial %s: ERROR", number);
		return false;
	}
	voice_start(false, number, CLCC_DIALING);
	S.voutcome = S.script.result;
	logmsg("voice dial %s (alerting in %d ms, then %s in %d ms)", number,
	       S.script.alert_delay_ms, outcome_name(S.voutcome),
	       S.script.answer_delay_ms);
	timer_arm(T_VOICE, S.script.alert_delay_ms);
	return true;
}

void voice_answer(void)
{
	modem_ring_stop();
	snprintf(S.caller, sizeof(S.caller), "%s", S.ring_number);
	voice_start(true, S.ring_number, CLCC_ACTIVE);
	voice_active();
}

/* The call is gone from +CLCC; rc says so (RC_NONE: nothing does). */
void voice_end(enum rc rc, const char *cause)
{
	if (!S.voice)
		return;
	S.voice = false;
	S.vstat = CLCC_NONE;
	timer_cancel(T_VOICE);
	timer_cancel(T_HANGUP);
	if (cause)
		cause_end(cause);
	result(rc);
}

void voice_timer(void)
{
	const struct outcome_row *o = outcome_row(S.voutcome);

	if (!S.voice)
		return;
	if (S.vstat == CLCC_DIALING) {
		S.vstat = CLCC_ALERTING;
		logmsg("voice call alerting");
		timer_arm(T_VOICE, S.script.answer_delay_ms);
		return;
	}
	logmsg("voice call: %s", o->name);
	if (o->voice_rc == RC_OK)
		voice_active();
	else if (o->voice_rc != RC_NONE)	/* silent: alerting forever */
		voice_end(o->voice_rc, o->cause);
}

/*
 * ATH and +CHUP end a voice call (normal clearing) or, in 3gpp, reject
 * the incoming call that is ringing.
 */
bool voice_hangup(void)
{
	if (S.voice) {
		logmsg("voice call hung up");
		voice_end(RC_NONE, CAUSE_NORMAL);
		return true;
	}
	if (gsm() && S.ringing) {
		logmsg("incoming call rejected");
		modem_ring_stop();
		cause_end(CAUSE_REJECTED);
		return true;
	}
	return false;
}

/* ---- rings ------------------------------------------------------------- */

/* AT+CRC=1: the extended ring says which call it is. */
void ring_line(void)
{
	static const char *const cring[] = {
		[false] = "+CRING: REL ASYNC",
		[true] = "+CRING: VOICE",
	};

	if (!gsm() || !S.cur.crc) {
		result(RC_RING);
		return;
	}
	if (!S.cur.quiet)	/* an unsolicited result code: not with Q1 */
		info(cring[S.ring_voice]);
	logmsg("result %s", cring[S.ring_voice]);
}

/* ---- +CLCC ------------------------------------------------------------- */

struct clcc {
	int dir;		/* 0 MO, 1 MT */
	enum clcc_stat stat;
	int mode;		/* 0 voice, 1 data */
	const char *number;
};

/* The one call there is, if any: voice, data (up), or ringing. */
static bool clcc_call(struct clcc *c)
{
	if (S.voice) {
		*c = (struct clcc){ S.call_mt, S.vstat, 0, S.call_number };
		return true;
	}
	if (S.call_up) {
		*c = (struct clcc){ S.call_mt, CLCC_ACTIVE, 1, S.call_number };
		return true;
	}
	if (S.ringing) {
		*c = (struct clcc){ 1, CLCC_INCOMING, !S.ring_voice,
				    S.ring_number };
		return true;
	}
	return false;
}

enum clcc_stat clcc_stat(void)
{
	struct clcc c;

	return clcc_call(&c) ? c.stat : CLCC_NONE;
}

static bool ext_clcc(enum ext_op op, long v)
{
	char buf[NUMBER_MAX + 48];
	struct clcc c;

	(void)v;
	if (op == EXT_TEST)
		return true;
	if (op != EXT_ACTION)
		return false;
	S.clcc++;
	if (!clcc_call(&c))
		return true;
	snprintf(buf, sizeof(buf), "+CLCC: 1,%d,%d,%d,0,\"%s\",%d", c.dir,
		 (int)c.stat, c.mode, c.number, number_type(c.number));
	info(buf);
	return true;
}

/* ---- the other commands ------------------------------------------------ */

static bool ext_chup(enum ext_op op, long v)
{
	(void)v;
	if (op == EXT_TEST)
		return true;
	if (op != EXT_ACTION)
		return false;
	S.chup++;
	hangup_local();
	return true;
}

static bool ext_ceer(enum ext_op op, long v)
{
	char buf[CEER_MAX + 16];

	(void)v;
	if (op == EXT_TEST)
		return true;
	if (op != EXT_ACTION)
		return false;
	snprintf(buf, sizeof(buf), "+CEER: %s", S.ceer);
	info(buf);
	return true;
}

/* A setting 0..max of the current profile: "=n", "?" gives "+NAME: n". */
static bool ext_setting(enum ext_op op, long v, int *field, int max,
			const char *name, const char *tail)
{
	char buf[64];

	switch (op) {
	case EXT_SET:
		if (v > max)
			return false;
		*field = v;
		return true;
	case EXT_READ:
		snprintf(buf, sizeof(buf), "%s: %d%s", name, *field, tail);
		info(buf);
		return true;
	case EXT_TEST:
		snprintf(buf, sizeof(buf), "%s: (0-%d)", name, max);
		info(buf);
		return true;
	case EXT_ACTION:
		break;
	}
	return false;
}

static bool ext_crc(enum ext_op op, long v)
{
	return ext_setting(op, v, &S.cur.crc, 1, "+CRC", "");
}

static bool ext_cmee(enum ext_op op, long v)
{
	return ext_setting(op, v, &S.cur.cmee, 2, "+CMEE", "");
}

static bool ext_colp(enum ext_op op, long v)
{
	return ext_setting(op, v, &S.cur.colp, 1, "+COLP", ",2");
}

/* Always registered, home network; no +CREG: lines follow from it. */
static bool ext_creg(enum ext_op op, long v)
{
	return ext_setting(op, v, &S.cur.creg, 2, "+CREG", ",1");
}

static bool ext_csq(enum ext_op op, long v)
{
	(void)v;
	if (op == EXT_TEST) {
		info("+CSQ: (0-31,99),(0-7,99)");
		return true;
	}
	if (op != EXT_ACTION)
		return false;
	info("+CSQ: 20,99");
	return true;
}

/* What a DTE's "auto" reads: +CGSM is the 3GPP capability. */
static bool ext_gcap(enum ext_op op, long v)
{
	static const char *const gcap[DIALECT_COUNT] = {
		[DIALECT_V250] = "+GCAP: +MS,+ES,+DS",
		[DIALECT_3GPP] = "+GCAP: +CGSM,+DS,+ES",
	};

	(void)v;
	if (op == EXT_TEST)
		return true;
	if (op != EXT_ACTION)
		return false;
	info(gcap[S.script.dialect]);
	return true;
}

const struct ext_cmd cell_cmds[] = {
	{ '+', "GCAP", ext_gcap, false },
	{ '+', "CLCC", ext_clcc, true },
	{ '+', "CHUP", ext_chup, true },
	{ '+', "CEER", ext_ceer, true },
	{ '+', "CRC", ext_crc, true },
	{ '+', "CMEE", ext_cmee, true },
	{ '+', "COLP", ext_colp, true },
	{ '+', "CREG", ext_creg, true },
	{ '+', "CSQ", ext_csq, true },
};

const size_t cell_ncmds = ARRAY_SIZE(cell_cmds);

/* ---- noise ------------------------------------------------------------- */

/*
 * Unsolicited lines a cellular modem sends on its own: registration, SMS,
 * indicators, signal, vendor ^ and * lines. None is, or starts like, a
 * result code or a call line (OK, RING, NO CARRIER, +CLCC, +CRING, ...).
 */
static const char *const noise_lines[] = {
	"+CREG: 1",
	"+CREG: 5",
	"+CGREG: 1",
	"+CMTI: \"SM\",3",
	"+CIEV: 2,3",
	"^RSSI: 15",
	"^BOOT: 1234,0,0,0,75",
	"^MODE: 5,4",
	"*EMRDY: 1",
	"+CUSD: 0",
	"^SIMST: 1",
};

/* Uniform between half and one and a half times the mean. */
static void noise_arm(void)
{
	int m = S.noise_mean_ms;

	timer_arm(T_NOISE, m / 2 + random() % (m + 1));
}

void noise_start(int mean_ms)
{
	S.noise_on = true;
	S.noise_mean_ms = mean_ms;
	noise_arm();
}

void noise_stop(void)
{
	S.noise_on = false;
	timer_cancel(T_NOISE);
}

/*
 * A real modem holds its unsolicited lines while online; modemsim drops
 * the ones that fall due in data mode (they are not counted), so the data
 * stream stays clean. Every other phase gets them.
 */
void noise_timer(void)
{
	const char *line;

	if (!S.noise_on)
		return;
	line = noise_lines[random() % ARRAY_SIZE(noise_lines)];
	if (S.mode == MODE_DATA) {
		logmsg("noise dropped in data mode: %s", line);
	} else {
		out_write("\r\n", 2);
		out_write(line, strlen(line));
		out_write("\r\n", 2);
		S.noise++;
		logmsg("noise %s", line);
	}
	noise_arm();
}

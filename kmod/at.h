/* SPDX-License-Identifier: GPL-2.0 */
/*
 * modemline AT engine: talks Hayes to a modem without knowing what carries
 * the bytes. The transport feeds it received bytes and timer expiries and
 * implements struct modemline_at_ops; the engine decides what to send and
 * what the call did. Pure logic: no tty, no locking (the caller
 * serialises every call on one engine), no allocation.
 */
#ifndef _MODEMLINE_AT_H
#define _MODEMLINE_AT_H

#include <linux/types.h>
#include <linux/modemline.h>

#define MODEMLINE_AT_LINE_MAX	128	/* longest line we keep, NUL included */
#define MODEMLINE_AT_INIT_LEN	64	/* init string, NUL included */
#define MODEMLINE_AT_INIT_DEFAULT "ATE0V1Q0X4&C1&D2S0=0"
#define MODEMLINE_AT_GUARD_DEFAULT_MS	1000	/* S12=50, the Hayes default */
#define MODEMLINE_AT_RING_GAP_MS	8000	/* no RING for this long: caller gave up */
#define MODEMLINE_AT_DTR_DROP_MS	500	/* how long DTR stays low to hang up */
#define MODEMLINE_AT_DTR_REPLY_MS	1000	/* a modem answers a DTR drop at once */
#define MODEMLINE_AT_REPLY_MS		1000	/* how long a hang-up step waits */
#define MODEMLINE_AT_INIT_REPLY_MS	2000	/* a modem in command mode answers at once */
#define MODEMLINE_AT_CLCC_DEFAULT_MS	500	/* 3GPP: how often +CLCC is asked */
#define MODEMLINE_AT_CAUSE_LEN		64	/* +CEER text kept, NUL included */

/*
 * What a line's modem speaks: V.250 (Hayes) data calls only, or 3GPP TS
 * 27.007 call control as well (voice calls, +CLCC, +CHUP, +CEER).
 */
enum modemline_at_dialect {
	MODEMLINE_AT_V250,
	MODEMLINE_AT_3GPP,
};

/* What one received line means. */
enum modemline_at_code {
	MODEMLINE_AT_NONE,		/* echo, information, noise: ignored */
	MODEMLINE_AT_OK,
	MODEMLINE_AT_CONNECT,
	MODEMLINE_AT_RING,
	MODEMLINE_AT_NO_CARRIER,
	MODEMLINE_AT_ERROR,
	MODEMLINE_AT_NO_DIALTONE,
	MODEMLINE_AT_BUSY,
	MODEMLINE_AT_NO_ANSWER,
	MODEMLINE_AT_CALLER_ID,
	MODEMLINE_AT_CLCC,		/* +CLCC: one call of the modem's list */
	MODEMLINE_AT_CEER,		/* +CEER: the network's cause text */
};

/* +CLCC <stat>: where a call of the modem's list is. */
enum modemline_at_clcc_stat {
	MODEMLINE_AT_CLCC_ACTIVE = 0,
	MODEMLINE_AT_CLCC_HELD = 1,
	MODEMLINE_AT_CLCC_DIALING = 2,
	MODEMLINE_AT_CLCC_ALERTING = 3,
	MODEMLINE_AT_CLCC_INCOMING = 4,
	MODEMLINE_AT_CLCC_WAITING = 5,
};

struct modemline_at_line {
	enum modemline_at_code code;
	u32 rate;			/* CONNECT: bit/s, 0 if not given */
	bool voice;			/* RING: "+CRING: VOICE"; CLCC: mode voice */
	bool incoming;			/* CLCC: a mobile-terminated call */
	u8 stat;			/* CLCC: enum modemline_at_clcc_stat */
	char number[MODEMLINE_NUMBER_LEN];	/* CALLER_ID */
	char text[MODEMLINE_RESULT_LEN];	/* the result as recorded */
	char cause[MODEMLINE_AT_CAUSE_LEN];	/* CEER */
};

/**
 * struct modemline_at_ops - what the transport does for the engine
 * @send:      queue @len bytes for the modem
 * @set_dtr:   raise or drop DTR; only called when has_dtr is set
 * @arm_timer: call modemline_at_timeout() after @ms; 0 cancels; each call
 *             replaces the previous one
 * @data:      received data-mode bytes
 * @connected: as modemline_line_connected()
 * @ended:     as modemline_line_ended()
 * @offer:     as modemline_line_offer(), or modemline_line_offer_voice()
 *             if @voice (3GPP "+CRING: VOICE")
 * @offer_end: as modemline_line_offer_end()
 * @alerting:  a voice call's remote party is being alerted (3GPP)
 * @cause:     the network's text for the call's end (+CEER), given just
 *             before @ended; 3GPP lines only
 */
struct modemline_at_ops {
	void (*send)(void *ctx, const char *buf, size_t len);
	void (*set_dtr)(void *ctx, bool on);
	void (*arm_timer)(void *ctx, unsigned int ms);
	void (*data)(void *ctx, const u8 *buf, size_t len);
	void (*connected)(void *ctx, u32 rate, const char *result);
	void (*ended)(void *ctx, u32 origin, u32 reason, const char *result);
	void (*offer)(void *ctx, const char *number, bool voice);
	void (*offer_end)(void *ctx);
	void (*alerting)(void *ctx);
	void (*cause)(void *ctx, const char *text);
};

enum modemline_at_phase {
	MODEMLINE_AT_IDLE,		/* command mode, no call */
	MODEMLINE_AT_INIT,		/* init string sent, waiting for OK */
	MODEMLINE_AT_DIALING,		/* ATD sent */
	MODEMLINE_AT_ANSWERING,		/* ATA sent */
	MODEMLINE_AT_DATA,		/* connected: bytes are data */
	MODEMLINE_AT_VOICE,		/* a voice call exists: +CLCC polled */
	MODEMLINE_AT_ASK_CAUSE,	/* ended: AT+CEER asked for the cause */
	MODEMLINE_AT_DTR_LOW,		/* hanging up: DTR dropped */
	MODEMLINE_AT_GUARD_BEFORE,	/* hanging up: silence before +++ */
	MODEMLINE_AT_GUARD_AFTER,	/* hanging up: silence after +++ */
	MODEMLINE_AT_HANGUP_WAIT,	/* ATH (or DTR) sent, waiting for the modem */
	MODEMLINE_AT_CHUP,		/* AT+CHUP sent (or due after an OK) */
};

/* NO CARRIER as a data-mode line; see modemline_at_data(). */
#define MODEMLINE_AT_DATA_END	"\r\nNO CARRIER\r\n"

struct modemline_at {
	const struct modemline_at_ops *ops;
	void *ctx;
	/* Settings, changed only between calls. */
	char init[MODEMLINE_AT_INIT_LEN];
	unsigned int guard_ms;
	bool has_dtr;			/* hang up by dropping DTR first */
	enum modemline_at_dialect dialect;
	unsigned int clcc_ms;		/* 3GPP: +CLCC poll interval */
	/* Engine state. */
	enum modemline_at_phase phase;
	bool incoming;			/* the dial in INIT is an ATA */
	bool ringing;
	bool dtr_tried;			/* hang-up by DTR got no answer yet */
	/* The init string went unanswered: hanging up, then sending it again. */
	bool reviving;
	/* 3GPP voice calls. */
	bool voice;			/* the call is a voice call */
	bool ring_voice;		/* the ringing call is a voice call */
	bool alerted;			/* alerting() reported */
	bool active;			/* connected() reported */
	bool clcc_wait;			/* AT+CLCC sent, its OK not in yet */
	bool clcc_seen;			/* ...and it listed the call */
	bool chup_after_ok;		/* CHUP: a pending reply comes first */
	bool dialed;			/* ATD or ATA went out for this call */
	/* The end, held while AT+CEER is asked for the network's cause. */
	bool ceer_seen;
	bool end_has_text;		/* ended() gets @end_text, not NULL */
	u8 clcc_late;			/* polls the last AT+CLCC went unanswered */
	u32 end_origin;
	u32 end_reason;
	char end_text[MODEMLINE_RESULT_LEN];
	char cause[MODEMLINE_AT_CAUSE_LEN];
	char dial[MODEMLINE_NUMBER_LEN];
	char caller[MODEMLINE_NUMBER_LEN];	/* caller id for the next RING */
	/* Command-mode line assembly. */
	char buf[MODEMLINE_AT_LINE_MAX];
	u32 len;
	bool overlong;			/* dropping the rest of a long line */
	bool skip_lf;			/* the last line ended with CR */
	/* Data mode: bytes held while they may be the end-of-call line. */
	u8 held[sizeof(MODEMLINE_AT_DATA_END) - 1];
	u32 nheld;
	u64 last_rx_ms;			/* when the last data byte came */
};

void modemline_at_init(struct modemline_at *at, const struct modemline_at_ops *ops,
		       void *ctx);
void modemline_at_parse(const char *line, struct modemline_at_line *out);
void modemline_at_dial(struct modemline_at *at, const char *number, bool voice);
void modemline_at_answer(struct modemline_at *at);
void modemline_at_hangup(struct modemline_at *at);
void modemline_at_input(struct modemline_at *at, const u8 *buf, size_t len,
			u64 now_ms);
void modemline_at_timeout(struct modemline_at *at);
void modemline_at_carrier_lost(struct modemline_at *at);
void modemline_at_transport_gone(struct modemline_at *at);
void modemline_at_reset(struct modemline_at *at);
void modemline_at_flush_input(struct modemline_at *at);
unsigned int modemline_at_hangup_ms(const struct modemline_at *at);

#endif /* _MODEMLINE_AT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * modemsim: a Hayes-compatible (AT) modem simulator.
 *
 * One process, one single-threaded poll() loop:
 *   main.c     options, transports (stdio, pty, unix socket, tty and its
 *              modem-control lines), the output buffer, timers, the loop
 *   hayes.c    the modem: command-line assembly and parsing, result codes,
 *              dialing/answering/data mode, +++ escape, rings, caller id
 *   control.c  the line-based control socket used by tests
 *
 * Both interpreters are tables: an AT command is a row of basic_cmds[],
 * amp_cmds[] or ext_cmds[] in hayes.c, a control command a row of
 * ctl_cmds[] in control.c; each row names one small function.
 *
 * The modem state is one global (struct sim S); everything runs on the
 * loop's thread, so there is no locking.
 */
#ifndef MODEMSIM_H
#define MODEMSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MODEMSIM_VERSION "1.0"

/* Longest command line after "AT" (real modems have 40..255). */
#define CMDLINE_MAX 255
#define NUMBER_MAX 63

/* Numeric result codes (ATV0). */
enum rc {
	RC_OK = 0,
	RC_CONNECT = 1,
	RC_RING = 2,
	RC_NO_CARRIER = 3,
	RC_ERROR = 4,
	RC_NO_DIALTONE = 6,
	RC_BUSY = 7,
	RC_NO_ANSWER = 8,
};

/* Scripted outcome of the next dials. */
enum outcome {
	OUT_CONNECT,
	OUT_BUSY,
	OUT_NOANSWER,
	OUT_NOCARRIER,
	OUT_NODIALTONE,
	OUT_ERROR,
	OUT_SILENT,
	OUT_COUNT
};

enum mode {
	MODE_COMMAND,	/* command mode (call_up: online command mode) */
	MODE_DIALING,	/* ATD sent, result pending */
	MODE_ANSWERING,	/* ATA sent, CONNECT pending */
	MODE_DATA,	/* online data mode */
};

enum timer_id {
	T_CALL,		/* dial result / answer connect due */
	T_HANGUP,	/* scripted remote hangup (hangup-after) */
	T_RING,		/* next RING, or end of ringing */
	T_ESCAPE,	/* +++ guard time elapsed */
	T_PEER,		/* pty, tty: check whether the DTE side is back */
	T_LINES,	/* --tty: look at the modem-control lines */
	T_COUNT
};

/* AT settings restored by ATZ and AT&F (the startup values). */
struct profile {
	int echo, verbose, quiet, xlevel;
	int speaker, volume;		/* ATM, ATL */
	int amp_c, amp_d, amp_k;	/* AT&C, AT&D, AT&K */
	int cid, clip;			/* AT#CID, AT+CLIP */
	int guard_ms;			/* +++ guard time, S12 * 20 ms */
	unsigned char sreg[256];
};

/* Scripted behaviour (control socket / CLI). */
struct script {
	enum outcome result;
	int answer_delay_ms;
	int escape_delay_ms;	/* added to the guard time before +++'s OK */
	long rate;
	int hangup_after_ms;
	bool data_sink;
	char connect_suffix[64];
};

struct sim {
	struct script script, script0;	/* current, startup */
	struct profile cur, profile;	/* current, startup (ATZ/AT&F) */

	enum mode mode;
	bool call_up;			/* a call exists (data or online cmd) */
	unsigned long calls;		/* connects so far */

	/* command line assembly */
	int lstate;
	char line[CMDLINE_MAX + 1];
	size_t llen;
	bool loverflow;
	char last_line[CMDLINE_MAX + 1];	/* for A/ */
	bool have_last_line;

	char last_number[NUMBER_MAX + 1];	/* last dialed */
	char caller[NUMBER_MAX + 1];		/* last answered caller */

	/* ringing */
	bool ringing;
	char ring_number[NUMBER_MAX + 1];
	int rings_left, rings_sent, ring_interval_ms;

	/* CLI --ring: started once the first peer is connected */
	bool cli_ring;
	char cli_ring_number[NUMBER_MAX + 1];
	int cli_rings, cli_ring_interval_ms;

	/* data mode */
	int pending_plus;
	int64_t last_rx_ms;
	uint64_t bytes_in, bytes_out;

	/*
	 * Modem-control lines. With --tty they are real: the DTE's DTR is
	 * our DSR/DCD input, our DTR is the DTE's DCD, the DTE's RTS our CTS.
	 * Without them the control command "dtr" plays the DTE's DTR.
	 */
	bool dtr;		/* the DTE's DTR as seen */
	bool dcd;		/* the carrier we report (&C, call, carrier_off) */
	bool carrier_off;	/* control "carrier off": DCD held low */
	unsigned long dtr_drops;	/* DTR on-to-off transitions seen */
	unsigned long escapes;		/* +++ escapes accepted */
	uint64_t held;		/* bytes held back while CTS was low */

	bool quit;		/* "quit": exit after flushing */
	int log;		/* -v */
	unsigned int seed;
	int64_t timers[T_COUNT];
};

extern struct sim S;

/* What the DTE dropping DTR does, given AT&D and the call state. */
enum dtr_action {
	DTR_NOTHING,	/* &D0, or nothing to end */
	DTR_COMMAND,	/* &D1 in data mode: online command mode, OK */
	DTR_ABORT,	/* &D1, &D2 while dialing or answering: NO CARRIER */
	DTR_HANGUP,	/* &D2 with a call up: hang up (as ATH), OK */
	DTR_RESET,	/* &D3: hang up and restore the profile (as ATZ), OK */
};

/* main.c */
int64_t now_ms(void);
void timer_arm(enum timer_id id, int64_t delay_ms);
void timer_cancel(enum timer_id id);
void out_write(const void *buf, size_t len);	/* queue bytes to the DTE */
bool peer_present(void);
size_t out_pending(void);
void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void logbytes(const char *dir, const void *buf, size_t len);
int unix_listen(const char *path);	/* listening fd; exits on error */
bool lines_present(void);		/* --tty with modem-control lines */
bool lines_cts(void);			/* the DTE's RTS (true without lines) */
void lines_set_dcd(bool on);		/* drive our DTR, the DTE's DCD */

/* hayes.c */
void modem_init(void);			/* S.profile/script0 set: go */
void modem_reset(void);			/* back to startup state, silently */
void modem_input(const unsigned char *buf, size_t len);
void modem_timer(enum timer_id id);
void modem_peer_connected(void);
void modem_peer_gone(void);
int modem_remote_hangup(void);		/* 0 or -1 (nothing to hang up) */
int modem_ring_start(const char *number, int count, int interval_ms,
		     const char **err);
void modem_ring_stop(void);
void modem_set_guard(int ms);
const char *modem_mode_name(void);
const char *outcome_name(enum outcome o);
int outcome_parse(const char *s);	/* -1 if unknown */
void modem_send_data(const void *buf, size_t len); /* remote -> DTE */
/* The modem-control line rules, pure: */
enum dtr_action modem_dtr_action(int amp_d, enum mode mode, bool call_up);
bool modem_dcd(int amp_c, bool call_up, bool carrier_off);
void modem_dtr(bool on);		/* the DTE's DTR changed */
void modem_carrier(bool on);		/* control "carrier on|off" */
void modem_sync_lines(void);		/* drive DCD as the state says */

/* control.c */
int control_open(const char *path);
void control_close(void);
struct pollfd;
int control_pollfds(struct pollfd *pfd, int max);
void control_handle(struct pollfd *pfd, int n);
int control_exec(char *line, char *reply, size_t len);

#endif

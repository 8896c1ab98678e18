/* SPDX-License-Identifier: GPL-2.0 */
/*
 * modemsim: a Hayes-compatible (AT) modem simulator.
 *
 * One process, one single-threaded poll() loop:
 *   main.c     options, transports (stdio, pty, unix socket, tty and its
 *              modem-control lines), the output buffer, timers, the loop
 *   hayes.c    the modem: command-line assembly and parsing, result codes,
 *              dialing/answering/data mode, +++ escape, rings, caller id
 *   cellular.c the 3GPP TS 27.007 dialect (--dialect 3gpp): voice calls
 *              and +CLCC, +CHUP, +CEER, +CRC, +CRING; +GCAP; the random
 *              unsolicited lines of "noise" (both dialects)
 *   control.c  the line-based control socket used by tests
 *   exec.c     data exec: the command run per call, its pipes, reaping
 *
 * Both interpreters are tables: an AT command is a row of basic_cmds[],
 * amp_cmds[] or ext_cmds[] in hayes.c (or cell_cmds[] in cellular.c), a
 * control command a row of ctl_cmds[] in control.c; each row names one
 * small function. What a dial's outcome does is a row of outcomes[].
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
/* Longest +CEER text. */
#define CEER_MAX 79
/* Longest data exec command: it must fit a control line. */
#define EXEC_CMD_MAX 1000

/* Numeric result codes (ATV0). */
enum rc {
	RC_NONE = -1,	/* no result code at all */
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
	OUT_REJECTED,	/* the callee rejected the call */
	OUT_RELEASED,	/* the network released it before an answer */
	OUT_COUNT
};

/*
 * What an outcome does, one row per enum outcome (hayes.c): the result
 * of a data dial, the unsolicited line that ends a 3gpp voice call, and
 * the +CEER text of that end.
 */
struct outcome_row {
	const char *name;
	enum rc rc;		/* a data dial's result code, at ATX levels */
	unsigned int xmask;	/* (bit n: ATXn); at others NO CARRIER */
	enum rc voice_rc;	/* 3gpp voice: RC_OK answered, RC_NONE silent */
	const char *cause;	/* +CEER text; NULL: the call has not ended */
};

/* The AT command set spoken (--dialect). */
enum dialect {
	DIALECT_V250,	/* V.250 dial-up modem */
	DIALECT_3GPP,	/* 3GPP TS 27.007 cellular modem (and V.250) */
	DIALECT_COUNT
};

/* A call's <stat> in +CLCC. */
enum clcc_stat {
	CLCC_NONE = -1,		/* no call */
	CLCC_ACTIVE = 0,
	CLCC_DIALING = 2,
	CLCC_ALERTING = 3,
	CLCC_INCOMING = 4,
};

enum mode {
	MODE_COMMAND,	/* command mode (call_up: online command mode) */
	MODE_DIALING,	/* ATD sent, result pending */
	MODE_ANSWERING,	/* ATA sent, CONNECT pending */
	MODE_DATA,	/* online data mode */
};

/* What data mode does with the DTE's bytes (--data, control "data"). */
enum data_mode {
	DATA_ECHO,	/* send them back */
	DATA_SINK,	/* swallow them */
	DATA_EXEC,	/* a command per call is the remote side (exec.c) */
};

enum timer_id {
	T_CALL,		/* dial result / answer connect due */
	T_HANGUP,	/* scripted remote hangup (hangup-after) */
	T_RING,		/* next RING, or end of ringing */
	T_ESCAPE,	/* +++ guard time elapsed */
	T_PEER,		/* pty, tty: check whether the DTE side is back */
	T_LINES,	/* --tty: look at the modem-control lines */
	T_VOICE,	/* 3gpp voice dial: alerting, then the outcome */
	T_NOISE,	/* the next random unsolicited line */
	T_EXEC,		/* data exec: SIGKILL an ended command still alive */
	T_COUNT
};

/* AT settings restored by ATZ and AT&F (the startup values). */
struct profile {
	int echo, verbose, quiet, xlevel;
	int speaker, volume;		/* ATM, ATL */
	int amp_c, amp_d, amp_k;	/* AT&C, AT&D, AT&K */
	int cid, clip;			/* AT#CID, AT+CLIP */
	int crc, cmee, colp, creg;	/* AT+CRC, +CMEE, +COLP, +CREG (3gpp) */
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
	enum data_mode data;
	char exec_cmd[EXEC_CMD_MAX + 1];	/* DATA_EXEC: sh -c this */
	char connect_suffix[64];
	enum dialect dialect;
	int alert_delay_ms;	/* 3gpp voice dial: dialing to alerting */
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

	/*
	 * 3gpp: the voice call. Voice has no data mode: the modem stays in
	 * command mode and call_up stays false. call_mt and call_number
	 * describe the call in +CLCC, voice or data.
	 */
	bool voice;
	enum clcc_stat vstat;		/* dialing, alerting or active */
	enum outcome voutcome;		/* the result in force at ATD...; */
	bool call_mt;			/* the call is incoming */
	char call_number[NUMBER_MAX + 1];
	bool ring_voice;		/* the ringing is a voice call */
	char ceer[CEER_MAX + 1];	/* +CEER: why the last call ended */
	char ceer_next[CEER_MAX + 1];	/* control "ceer": the next end's */
	bool ceer_set;
	unsigned long chup, clcc;	/* AT+CHUP, AT+CLCC received */

	/* control "noise": random unsolicited lines */
	bool noise_on;
	int noise_mean_ms;
	unsigned long noise;		/* lines sent */

	/* data mode */
	int pending_plus;
	int64_t last_rx_ms;
	/* The data bytes of the current (or last) call, zeroed at CONNECT:
	 * in, from the DTE; out, to the DTE (queued in data mode).
	 */
	uint64_t bytes_in, bytes_out;
	/* The same of the last call that ended, and its number (calls). */
	unsigned long last_call;
	uint64_t last_call_in, last_call_out;

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

/* Extended commands (+NAME, #NAME): then =v, ?, =? or nothing. */
enum ext_op { EXT_ACTION, EXT_SET, EXT_READ, EXT_TEST };

struct ext_cmd {
	char prefix;
	const char *name;
	bool (*fn)(enum ext_op op, long v);
	bool gsm;		/* 3gpp dialect only (else ERROR) */
};

/* main.c */
int64_t now_ms(void);
void timer_arm(enum timer_id id, int64_t delay_ms);
void timer_cancel(enum timer_id id);
void out_write(const void *buf, size_t len);	/* queue bytes to the DTE */
void queue_append(unsigned char **buf, size_t *off, size_t *len, size_t *cap,
		  const void *src, size_t n);
bool peer_present(void);
size_t out_pending(void);
void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void logbytes(const char *dir, const void *buf, size_t len);
int unix_listen(const char *path);	/* listening fd; exits on error */
bool lines_present(void);		/* --tty with modem-control lines */
bool lines_cts(void);			/* the DTE's RTS (true without lines) */
void lines_set_dcd(bool on);		/* drive our DTR, the DTE's DCD */

/* hayes.c */
void result(enum rc rc);		/* a result code, per ATV and ATQ */
void info(const char *text);		/* information text, per ATV */
int number_type(const char *number);	/* 145 international, 129 */
const struct outcome_row *outcome_row(enum outcome o);
void hangup_local(void);		/* as ATH */
void modem_init(void);			/* S.profile/script0 set: go */
void modem_reset(void);			/* back to startup state, silently */
void modem_input(const unsigned char *buf, size_t len);
void modem_timer(enum timer_id id);
void modem_peer_connected(void);
void modem_peer_gone(void);
/* 0 or -1 (nothing to hang up); silent: no NO CARRIER */
int modem_remote_hangup(bool silent);
int modem_ring_start(const char *number, int count, int interval_ms,
		     bool voice, const char **err);
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

/* cellular.c */
extern const struct ext_cmd cell_cmds[];
extern const size_t cell_ncmds;
#define CAUSE_NONE "No cause information"
#define CAUSE_NORMAL "Normal call clearing"
#define CAUSE_REJECTED "Call rejected"
const char *dialect_name(enum dialect d);
int dialect_parse(const char *s);	/* -1 if unknown */
void cause_end(const char *dflt);	/* a call ended: set +CEER's text */
void cause_reset(void);
bool voice_dial(const char *number);	/* ATD<n>; false: ERROR */
void voice_answer(void);		/* ATA, S0 on a voice ring */
void voice_end(enum rc rc, const char *cause);
bool voice_hangup(void);		/* ATH, +CHUP: false if nothing */
void voice_timer(void);			/* T_VOICE */
void ring_line(void);			/* RING or +CRING: ... */
enum clcc_stat clcc_stat(void);		/* of the current call */
void noise_start(int mean_ms);
void noise_stop(void);
void noise_timer(void);			/* T_NOISE */

struct pollfd;

/* exec.c: data exec, the command of the call that is up */
bool exec_start(const char *cmd, const char *number, bool incoming);
void exec_stop(void);			/* the call ended: end the command */
bool exec_running(void);		/* a command is the call's far end */
void exec_input(const void *buf, size_t len);	/* DTE -> command */
bool exec_input_full(void);		/* stop reading the DTE for now */
size_t exec_queued(void);		/* DTE bytes not yet taken */
long exec_pid(void);			/* of the call's command, or 0 */
void exec_service(void);		/* each loop turn: did it end? */
void exec_reap(void);			/* after SIGCHLD */
void exec_timer(void);			/* T_EXEC */
void exec_cleanup(void);		/* at exit */
int exec_pollfds(struct pollfd *pfd, int max);
void exec_handle(struct pollfd *pfd, int n);

/* control.c */
int control_open(const char *path);
void control_close(void);
int control_pollfds(struct pollfd *pfd, int max);
void control_handle(struct pollfd *pfd, int n);
int control_exec(char *line, char *reply, size_t len);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * The command table, with each command's option table, and running one
 * command: parse its arguments, catch signals around it if it cleans up
 * after them, and put everything back for the next command of a batch.
 * Also the small commands help, sleep and echo.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <time.h>

#include "mlinectl.h"

static int cmd_help(struct ctx *c, const struct args *a)
{
	const struct cmd *cmd;

	if (a->n > 1)
		return usage_error(c, a->cmd, "too many arguments");
	if (!a->n) {
		print_usage(stdout);
		return 0;
	}
	cmd = find_cmd(a->pos[0]);
	if (!cmd)
		return fail_msg(c, EINVAL, "unknown command '%s' (see mlinectl help)", a->pos[0]);
	print_cmd_help(cmd, stdout);
	return 0;
}

static int cmd_sleep(struct ctx *c, const struct args *a)
{
	struct timespec ts;
	int ms;

	if (a->n != 1)
		return usage_error(c, a->cmd, "wants DURATION");
	if (parse_ms(c, "DURATION", a->pos[0], &ms))
		return -EINVAL;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	/* No signal is caught here: one ends mlinectl, none cuts this short. */
	return nanosleep(&ts, NULL) ? -errno : 0;
}

static int cmd_echo(struct ctx *c, const struct args *a)
{
	int i;

	if (c->json)
		return 0;
	for (i = 0; i < a->n; i++)
		fprintf(out, "%s%s", i ? " " : "", a->pos[i]);
	fputc('\n', out);
	fflush(out);
	return 0;
}

static const struct optdef o_timeout[] = { { "timeout", true }, { NULL, false } };
static const struct optdef o_dial[] = {
	{ "wait", false }, { "timeout", true }, { "voice", false }, { NULL, false }
};
static const struct optdef o_wait[] = { { "wait", false }, { NULL, false } };
static const struct optdef o_release[] = { { "drop", false }, { NULL, false } };
static const struct optdef o_watch[] = {
	{ "count", true }, { "timeout", true }, { NULL, false }
};
static const struct optdef o_send[] = { { "call", true }, { NULL, false } };
static const struct optdef o_recv[] = {
	{ "call", true }, { "bytes", true }, { "until", true }, { "timeout", true },
	{ NULL, false }
};
static const struct optdef o_call[] = {
	{ "keep", false }, { "timeout", true }, { "voice", false }, { "answer", false },
	{ NULL, false }
};
static const struct optdef o_attach[] = {
	{ "speed", true }, { "daemon", false }, { "pidfile", true }, { "guard", true },
	{ "init", true }, { "dialect", true }, { "clcc", true }, { "config", true }, { NULL, false }
};
static const struct optdef o_batch[] = { { "keep-going", false }, { NULL, false } };
static const struct optdef o_monitor[] = { { "output", true }, { "count", true }, { NULL, false } };

const struct cmd commands[] = {
	{ "attach", "TTY [--speed BAUD] [--daemon] [--pidfile FILE] [--guard DURATION] [--init AT...]\n"
	  "       [--dialect v250|3gpp|auto] [--clcc DURATION] [--config FILE|DIR]",
	  "Make the modem on TTY a line: put the tty in raw mode, attach the modemline\n"
	  "line discipline (29) and print the line id. The line lives while mlinectl keeps\n"
	  "the tty open: in the foreground until Ctrl-C (exit 130), SIGTERM or SIGHUP\n"
	  "(exit 0) or the line's removal, or in the background with --daemon (the parent\n"
	  "exits once the line exists and --pidfile FILE is written; FILE is removed when\n"
	  "the line ends). --guard sets the modem's escape guard time (1ms to 10s),\n"
	  "--init the init string sent before every call. --dialect says what the modem\n"
	  "speaks: v250 (dial-up data calls, the default) or 3gpp (a cellular module:\n"
	  "voice calls too, followed with AT+CLCC every --clcc, 100ms to 10s, default\n"
	  "500ms); auto asks AT+GCAP first and picks 3gpp when the answer lists +CGSM\n"
	  "or +CLTE<n>.\n"
	  "A 3gpp line without --init gets " ML_INIT_3GPP ".\n"
	  "--config reads the same settings (speed, init, guard, dialect, clcc) from\n"
	  "'key = value' lines of FILE, or of DIR/TTYNAME.conf if there is one (e.g.\n"
	  "/etc/modemline/ttyUSB0.conf); an option given wins over the file. Under\n"
	  "systemd (Type=notify) attach reports READY=1 once the line is up.\n"
	  "Every option is checked before anything is attached. Needs CAP_NET_ADMIN.",
	  o_attach, cmd_attach, CMD_SIGNALS },
	{ "detach", "TTY",
	  "Detach the line discipline from TTY (back to N_TTY): the line goes away, its\n"
	  "calls end (origin system, reason line-removed) and 'attach' exits.",
	  NULL, cmd_detach, 0 },
	{ "lines", "[LINE]", "List the lines (or one line): name, transport, busy or ringing, counters.",
	  NULL, cmd_lines, 0 },
	{ "dial", "LINE NUMBER [--wait] [--timeout DURATION] [--voice]",
	  "Dial NUMBER on LINE and print the call handle; --voice makes it a voice call\n"
	  "(3gpp lines). --wait waits until the call\n"
	  "is connected (exit 0) or ends first (its record is printed, exit ECONNREFUSED).\n"
	  "--timeout is the dial timeout (default: the line's).\n"
	  "As a one-shot command the call ends when mlinectl exits: use 'call' or 'batch'.",
	  o_dial, cmd_dial, 0 },
	{ "answer", "LINE [--wait]",
	  "Answer the call LINE is offering (ringing). --wait as for dial.",
	  o_wait, cmd_answer, 0 },
	{ "drop", "[CALL] [--wait]",
	  "End the call from this side (origin local). --wait returns once it is\n"
	  "disconnected. CALL defaults to the last call dialed or answered.",
	  o_wait, cmd_drop, CMD_BATCH },
	{ "release", "[CALL] [--drop]",
	  "Release (deallocate) an ended call: its handle and record are gone. --drop\n"
	  "ends it first if it has not ended.",
	  o_release, cmd_release, CMD_BATCH },
	{ "info", "[CALL]",
	  "Print the call's record: state, origin and reason of its end, result, rate,\n"
	  "duration and bytes.",
	  NULL, cmd_info, CMD_BATCH },
	{ "list", "", "List the calls this file holds, live and retained.",
	  NULL, cmd_list, CMD_BATCH },
	{ "subscribe", "[LINE...]",
	  "Receive events of these lines (none given: every line, present and future).",
	  NULL, cmd_subscribe, CMD_BATCH },
	{ "unsubscribe", "[LINE...]", "Stop receiving the lines' events (none given: every line).",
	  NULL, cmd_subscribe, CMD_BATCH },
	{ "watch", "[LINE...] [--count N] [--timeout DURATION]",
	  "Subscribe to the lines (default: every line) and print events as they happen,\n"
	  "until N events, the timeout, Ctrl-C (exit 130), or SIGTERM or SIGHUP (exit 0).",
	  o_watch, cmd_watch, CMD_SIGNALS },
	{ "monitor", "[LINE...] [--output FILE] [--count N]",
	  "Log every call made on the lines (default: every line), by any process: each\n"
	  "call that ends is printed as one JSON object on one line, a call detail record\n"
	  "(line, number, direction, who ended it and why, rate, times, bytes), or\n"
	  "appended to FILE with --output. Runs until N records, Ctrl-C (exit 130), or\n"
	  "SIGTERM or SIGHUP (exit 0). Missed calls and lost events are reported on\n"
	  "stderr. Needs CAP_NET_ADMIN: a monitor sees every number dialed.",
	  o_monitor, cmd_monitor, CMD_SIGNALS },
	{ "ps", "",
	  "List the processes that have /dev/modemline open, one row per open file: calls\n"
	  "live and ended, monitor handles, age of the oldest ended call, events queued\n"
	  "and lost, calls missed, kernel memory pinned; oldest ended call first. Root\n"
	  "sees every process, others their own.",
	  NULL, cmd_ps, 0 },
	{ "wait-event", "[--timeout DURATION]", "Wait for the next event and print it.",
	  o_timeout, cmd_wait_event, CMD_BATCH },
	{ "wait", "[CALL] STATE [--timeout DURATION]",
	  "Wait until the call is in STATE (dialing, answering, connected, disconnecting,\n"
	  "disconnected). A call that ends first fails with ECONNREFUSED.",
	  o_timeout, cmd_wait, CMD_BATCH },
	{ "send", "[--call CALL] TEXT...",
	  "Send TEXT (arguments joined by spaces; \\r \\n \\t \\\\ \\xHH decoded, any other\n"
	  "backslash is an error) on the call's data stream.",
	  o_send, cmd_send, CMD_BATCH },
	{ "recv", "[--call CALL] [--bytes N | --until TEXT] [--timeout DURATION]",
	  "Receive from the call's data stream: what has arrived (at least one byte), N\n"
	  "bytes, or up to and including TEXT (escapes as for send); waits up to the\n"
	  "timeout (default 5s). Bytes past that stay for the next recv.",
	  o_recv, cmd_recv, CMD_BATCH },
	{ "call", "LINE NUMBER [--keep] [--timeout DURATION] [--voice] | --answer LINE [--keep]",
	  "A call in the foreground: dial, print each event, copy stdin to the call and\n"
	  "the call to stdout, drop on end of input or the first Ctrl-C (or SIGTERM,\n"
	  "SIGHUP), print the retained record and release the call, then end by that\n"
	  "signal (exit status 130, 143, 129). A second Ctrl-C leaves at once. --keep waits for Enter (or a\n"
	  "signal) before releasing. --voice: a voice call (3gpp lines), which carries no\n"
	  "data: stdin only ends it. --answer: wait for LINE to ring, answer, and the same.\n"
	  "Input is read from CONNECT on: what was written before waits in stdin. As\n"
	  "pppd's link: pppd pty 'mlinectl call LINE NUMBER' (README: Dial-up networking).",
	  o_call, cmd_call, CMD_SIGNALS },
	{ "batch", "FILE|- [--keep-going]",
	  "Run the commands of FILE (or stdin), one per line, on one open /dev/modemline,\n"
	  "so that the calls they make stay valid from line to line. A line is\n"
	  "[OPTIONS] COMMAND [ARGS]; '#' starts a comment; a '-' before a command ignores\n"
	  "its failure. Stops at the first failure (exit status: its errno) unless\n"
	  "--keep-going, and after a signal.",
	  o_batch, cmd_batch, 0 },
	{ "shell", "", "Like 'batch -', with a prompt, going on after failures.",
	  NULL, cmd_batch, 0 },
	{ "help", "[COMMAND]", "The usage of mlinectl, or of COMMAND.", NULL, cmd_help, 0 },
	{ "sleep", "DURATION", "Pause (for batches).", NULL, cmd_sleep, 0 },
	{ "echo", "TEXT...", "Print TEXT (for batches; nothing with --json). Its words are\n"
	  "text, never options.", NULL, cmd_echo, CMD_WORDS },
	{ NULL, NULL, NULL, NULL, NULL, 0 }
};

const struct cmd *find_cmd(const char *name)
{
	const struct cmd *cmd;

	for (cmd = commands; cmd->name; cmd++)
		if (!strcmp(cmd->name, name))
			return cmd;
	return NULL;
}

int run_cmd(struct ctx *c, int argc, char **argv)
{
	const struct cmd *cmd = find_cmd(argv[0]);
	bool json = c->json;
	struct sigsave save;
	struct args a;
	int ret;

	if (!cmd)
		return fail_msg(c, EINVAL, "unknown command '%s' (see mlinectl help)", argv[0]);
	ret = parse_args(c, cmd, argc, argv, &a);
	if (!ret && cmd->flags & CMD_SIGNALS) {
		signals_catch(&save);
		ret = cmd->run(c, &a);
		signals_restore(&save);
	} else if (!ret) {
		ret = cmd->run(c, &a);
	}
	/* A --json among the command's options was for it alone (one line of a batch). */
	c->json = json;
	return ret > 0 ? 0 : ret;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Signals, for the commands that must clean up before they end: 'call'
 * drops its call and prints the record, 'attach' detaches its line,
 * 'watch' ends its output cleanly.
 *
 * While such a command runs, SIGINT, SIGTERM and SIGHUP are caught and
 * kept blocked except inside wait_ready() (ppoll) and wait_signal()
 * (sigsuspend), the only places where the command sleeps. So a signal
 * cannot slip in between a look at caught_signal and the sleep (the race
 * of while (!flag) pause()), and it never cuts a read or write short:
 * there is no EINTR to handle anywhere else. run_cmd() puts the old
 * handlers and mask back after the command, so that inside a batch the
 * next command runs with the dispositions mlinectl started with.
 *
 * Every other command leaves the signals alone: SIGINT ends it at once,
 * which is safe because closing /dev/modemline ends and releases the
 * calls. A signal ignored when mlinectl started (nohup, a background job
 * of a script) stays ignored.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <time.h>

#include "mlinectl.h"

volatile sig_atomic_t caught_signal, caught_count;

static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
/* The mask to sleep with: the one before signals_catch(). */
static sigset_t sleep_mask;

static void on_signal(int sig)
{
	caught_signal = sig;
	caught_count++;
}

void signals_catch(struct sigsave *s)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;
	size_t i;

	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (i = 0; i < 3; i++)
		sigaddset(&block, sigs[i]);
	/* Blocked first: none can arrive half-way through the set-up. */
	sigprocmask(SIG_BLOCK, &block, &s->mask);
	sleep_mask = s->mask;
	for (i = 0; i < 3; i++) {
		sigaction(sigs[i], NULL, &s->old[i]);
		if (s->old[i].sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	}
	/* A command starts with none caught (a batch stops after one that was). */
	caught_signal = 0;
	caught_count = 0;
}

void signals_restore(const struct sigsave *s)
{
	size_t i;

	for (i = 0; i < 3; i++)
		sigaction(sigs[i], &s->old[i], NULL);
	sigprocmask(SIG_SETMASK, &s->mask, NULL);
}

/* poll() that a caught signal interrupts: its result, or -errno (-EINTR). */
int wait_ready(struct pollfd *p, nfds_t n, int timeout_ms)
{
	struct timespec ts = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L };
	int ret = ppoll(p, n, timeout_ms < 0 ? NULL : &ts, &sleep_mask);

	return ret < 0 ? -errno : ret;
}

/* Sleep until a caught signal arrives. */
void wait_signal(void)
{
	sigsuspend(&sleep_mask);
}

bool signal_is_stop(void)
{
	return caught_signal == SIGTERM || caught_signal == SIGHUP;
}

int exit_status(int ret)
{
	sigset_t set;
	int sig = caught_signal;

	/*
	 * Interrupted: end by the same signal, now at its default action,
	 * so the shell sees 128 + signal (130 for SIGINT) and a script
	 * running mlinectl in a loop stops as it would for any other
	 * interrupted program.
	 */
	if (ret == -EINTR && sig) {
		fflush(NULL);
		signal(sig, SIG_DFL);
		sigemptyset(&set);
		sigaddset(&set, sig);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
		raise(sig);
		return 128 + sig;
	}
	ret = -ret;
	return ret > 0 && ret < 256 ? ret : ret ? 1 : 0;
}

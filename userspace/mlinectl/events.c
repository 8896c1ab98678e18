// SPDX-License-Identifier: GPL-2.0
/*
 * Events: subscribe, unsubscribe, watch, wait-event.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mlinectl.h"

/*
 * The LINE arguments, or 0 (every line) when there are none: an array to
 * free, with its length in *@n; NULL with the error (reported) in *@n.
 */
uint32_t *line_args(struct ctx *c, const struct args *a, int *n)
{
	uint32_t *lines = calloc((size_t)a->n + 1, sizeof(*lines));
	int i;

	if (!lines) {
		*n = fail_msg(c, ENOMEM, "out of memory");
		return NULL;
	}
	for (i = 0; i < a->n; i++) {
		if (parse_u32(c, "LINE", a->pos[i], &lines[i])) {
			free(lines);
			*n = -EINVAL;
			return NULL;
		}
	}
	*n = a->n ? a->n : 1;
	return lines;
}

/* (Un)subscribe @lines; @quiet: no acknowledgement (watch prints events only). */
static int subscribe(struct ctx *c, const uint32_t *lines, int n, bool on, bool quiet)
{
	char what[32];
	int i, ret;

	for (i = 0; i < n; i++) {
		if (lines[i])
			snprintf(what, sizeof(what), "line %u", lines[i]);
		else
			snprintf(what, sizeof(what), "all lines");
		ret = on ? ml_subscribe(c->fd, lines[i]) : ml_unsubscribe(c->fd, lines[i]);
		if (ret)
			return fail(c, on ? ML_OP_SUBSCRIBE : ML_OP_UNSUBSCRIBE, ret, "%s %s %s",
				    on ? "subscribe" : "unsubscribe", on ? "to" : "from", what);
		if (quiet)
			continue;
		if (c->json) {
			j_begin(out, on ? "subscribe" : "unsubscribe");
			j_u64("line", lines[i]);
			j_end();
		} else {
			note(c, "%s %s %s", on ? "subscribed" : "unsubscribed", on ? "to" : "from",
			     what);
		}
	}
	return 0;
}

int cmd_subscribe(struct ctx *c, const struct args *a)
{
	uint32_t *lines;
	int n, ret;

	lines = line_args(c, a, &n);
	if (!lines)
		return n;
	ret = dev(c);
	if (ret >= 0)
		ret = subscribe(c, lines, n, strcmp(a->cmd->name, "unsubscribe"), false);
	free(lines);
	return ret < 0 ? ret : 0;
}

static int ms_left(const struct timespec *t0, int ms)
{
	struct timespec t;
	int left;

	if (ms < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &t);
	left = ms - (int)((t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000);
	return left < 0 ? 0 : left;
}

/*
 * Print events until @count (0: no limit) or the timeout; a caught
 * signal ends the watch: SIGTERM and SIGHUP as a clean stop (0), SIGINT
 * as an interruption.
 */
static int watch_events(struct ctx *c, uint32_t count, int ms)
{
	struct modemline_event ev;
	struct timespec t0;
	uint32_t seen = 0;
	struct pollfd p;
	int ret;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!count || seen < count) {
		if (caught_signal)
			return signal_is_stop() ? 0 : -EINTR;
		/* Events ml_wait_state() set aside are not visible to poll(). */
		if (!ml_pending(c->fd)) {
			p = (struct pollfd){ .fd = c->fd, .events = POLLIN };
			ret = wait_ready(&p, 1, ms_left(&t0, ms));
			if (ret == -EINTR)
				continue;
			if (ret < 0)
				return fail(c, ML_OP_EVENT, ret, "watch");
			/* --timeout bounds the watch; it is a failure only if --count is unmet. */
			if (!ret)
				return count ? fail(c, ML_OP_EVENT, -ETIMEDOUT, "watch") : 0;
		}
		ret = ml_next_event(c->fd, &ev, 0);
		if (ret == -ETIMEDOUT)
			continue;
		if (ret)
			return fail(c, ML_OP_EVENT, ret, "watch");
		print_event(c, &ev);
		seen++;
	}
	return 0;
}

int cmd_watch(struct ctx *c, const struct args *a)
{
	const char *count_s = opt(a, "count");
	uint32_t *lines, count = 0;
	int n, ms, ret;

	if (timeout_opt(c, a, -1, &ms) || (count_s && parse_u32(c, "--count", count_s, &count)))
		return -EINVAL;
	lines = line_args(c, a, &n);
	if (!lines)
		return n;
	ret = dev(c);
	if (ret >= 0)
		ret = subscribe(c, lines, n, true, true);
	free(lines);
	if (ret < 0)
		return ret;
	note(c, "watching %s (Ctrl-C to stop)", a->n ? "the lines given" : "every line");
	return watch_events(c, count, ms);
}

int cmd_wait_event(struct ctx *c, const struct args *a)
{
	struct modemline_event ev;
	int ms, fd, ret;

	if (a->n)
		return usage_error(c, a->cmd, "takes no arguments");
	if (timeout_opt(c, a, -1, &ms))
		return -EINVAL;
	fd = dev(c);
	if (fd < 0)
		return fd;
	ret = ml_next_event(fd, &ev, ms);
	if (ret)
		return fail(c, ML_OP_EVENT, ret, "wait-event");
	print_event(c, &ev);
	return 0;
}

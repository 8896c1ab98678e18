// SPDX-License-Identifier: GPL-2.0
/*
 * The commands on lines and calls that map onto one or two library calls
 * each: lines, dial, answer, drop, release, info, list, wait. Each parses
 * and checks all its arguments before it opens the device, so bad input
 * is reported as such even without the module.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mlinectl.h"

/*
 * Every id LINE_LIST or CALL_LIST gives into *@ids (to free), however
 * many: when the kernel reports more than the array holds, the array
 * grows to that count and the list is asked for again (the count may
 * change meanwhile). Returns the count or -errno (not reported).
 */
int all_ids(int fd, int (*list)(int, uint32_t *, uint32_t), uint32_t **ids)
{
	uint32_t cap = 256, *v = NULL, *nv;
	int n;

	for (;;) {
		nv = realloc(v, cap * sizeof(*v));
		if (!nv) {
			n = -ENOMEM;
			break;
		}
		v = nv;
		n = list(fd, v, cap);
		if (n < 0 || (uint32_t)n <= cap)
			break;
		cap = (uint32_t)n;
	}
	if (n < 0) {
		free(v);
		v = NULL;
	}
	*ids = v;
	return n;
}

int cmd_lines(struct ctx *c, const struct args *a)
{
	struct modemline_line_info info;
	uint32_t *ids, id;
	int fd, n, i, ret;

	if (a->n > 1)
		return usage_error(c, a->cmd, "too many arguments");
	if (a->n == 1 && parse_u32(c, "LINE", a->pos[0], &id))
		return -EINVAL;
	fd = dev(c);
	if (fd < 0)
		return fd;
	if (a->n == 1) {
		ret = ml_line_info(fd, id, &info);
		if (ret)
			return fail(c, ML_OP_LINE_INFO, ret, "line %u", id);
		print_line(c, &info);
		return 0;
	}
	n = all_ids(fd, ml_line_list, &ids);
	if (n < 0)
		return fail(c, ML_OP_LINE_LIST, n, "list lines");
	if (!n)
		note(c, "no lines (attach a modem with 'mlinectl attach TTY')");
	for (i = 0; i < n; i++) {
		/* A line can go away between the list and its info. */
		if (!ml_line_info(fd, ids[i], &info))
			print_line(c, &info);
	}
	free(ids);
	return 0;
}

int cmd_list(struct ctx *c, const struct args *a)
{
	struct modemline_call_info info;
	uint32_t *ids;
	int fd, n, i;

	if (a->n)
		return usage_error(c, a->cmd, "takes no arguments");
	fd = dev(c);
	if (fd < 0)
		return fd;
	n = all_ids(fd, ml_call_list, &ids);
	if (n < 0)
		return fail(c, ML_OP_CALL_LIST, n, "list calls");
	if (!n)
		note(c, "no calls in this file");
	for (i = 0; i < n; i++)
		if (!ml_call_info(fd, ids[i], &info))
			print_call(c, &info);
	free(ids);
	return 0;
}

/*
 * Wait until @call is @state; print the event. A call that ends instead
 * fails with -ECONNREFUSED (it never got there) and prints its record.
 */
static int wait_for(struct ctx *c, uint32_t call, uint32_t state, int timeout_ms)
{
	struct modemline_call_info info;
	struct modemline_event ev;
	int ret;

	ret = ml_wait_state(c->fd, call, state, timeout_ms, &ev);
	if (ret < 0)
		return fail(c, ML_OP_EVENT, ret, "waiting for call %u to be %s", call,
			    ml_state_name(state));
	/* seq 0: the call was there already; the event is made from its record. */
	print_event(c, &ev);
	if ((uint32_t)ret == state)
		return 0;
	if (!ml_call_info(c->fd, call, &info)) {
		note(c, "call %u ended before it was %s:", call, ml_state_name(state));
		print_call(c, &info);
	}
	return -ECONNREFUSED;
}

/*
 * The call dial or answer made: the default CALL of the batch's next
 * commands, announced, and with --wait waited for until it is connected.
 * (@number NULL: answered.)
 */
static int call_made(struct ctx *c, uint32_t call, uint32_t line, const char *number,
		     bool wait)
{
	c->last_call = call;
	if (c->json) {
		j_begin(out, number ? "dial" : "answer");
		j_u64("call", call);
		j_u64("line", line);
		if (number)
			j_str("number", number);
		j_str("state", number ? "dialing" : "answering");
		j_end();
	} else if (number) {
		note(c, "dialing %s on line %u: call %u", number, line, call);
	} else {
		note(c, "answering on line %u: call %u", line, call);
	}
	if (!wait) {
		if (!c->batch && !c->json)
			fprintf(stderr, "mlinectl: note: call %u ends and is released when mlinectl"
				" exits (its handle belongs to this process)\n", call);
		return 0;
	}
	/* The kernel ends a call not connected by the line's dial timeout: this cannot hang. */
	return wait_for(c, call, MODEMLINE_STATE_CONNECTED, -1);
}

int cmd_dial(struct ctx *c, const struct args *a)
{
	uint32_t line, call;
	int ms, fd, ret;

	if (a->n != 2)
		return usage_error(c, a->cmd, "wants LINE and NUMBER");
	if (parse_u32(c, "LINE", a->pos[0], &line) || parse_number(c, a->pos[1]) ||
	    timeout_opt(c, a, 0, &ms))
		return -EINVAL;
	fd = dev(c);
	if (fd < 0)
		return fd;
	ret = opt(a, "voice") ? ml_dial_voice(fd, line, a->pos[1], (uint32_t)ms, &call) :
				ml_dial(fd, line, a->pos[1], (uint32_t)ms, &call);
	if (ret)
		return fail(c, ML_OP_DIAL, ret, "dial %s on line %u", a->pos[1], line);
	return call_made(c, call, line, a->pos[1], opt(a, "wait"));
}

int cmd_answer(struct ctx *c, const struct args *a)
{
	uint32_t line, call;
	int fd, ret;

	if (a->n != 1)
		return usage_error(c, a->cmd, "wants LINE");
	if (parse_u32(c, "LINE", a->pos[0], &line))
		return -EINVAL;
	fd = dev(c);
	if (fd < 0)
		return fd;
	ret = ml_answer(fd, line, &call);
	if (ret)
		return fail(c, ML_OP_ANSWER, ret, "answer on line %u", line);
	return call_made(c, call, line, NULL, opt(a, "wait"));
}

/* The CALL of commands of the form NAME [CALL], the device open; or -errno. */
static int one_call(struct ctx *c, const struct args *a, uint32_t *call)
{
	int fd;

	if (a->n > 1)
		return usage_error(c, a->cmd, "too many arguments");
	if (parse_call(c, a->n ? a->pos[0] : NULL, call))
		return -EINVAL;
	fd = dev(c);
	return fd < 0 ? fd : 0;
}

int cmd_drop(struct ctx *c, const struct args *a)
{
	bool wait = opt(a, "wait");
	uint32_t call;
	int ret = one_call(c, a, &call);

	if (ret)
		return ret;
	ret = ml_drop(c->fd, call, wait);
	if (ret)
		return fail(c, ML_OP_DROP, ret, "drop call %u", call);
	if (c->json) {
		j_begin(out, "drop");
		j_u64("call", call);
		j_str("dropped", wait ? "disconnected" : "requested");
		j_end();
	} else {
		note(c, wait ? "call %u dropped: disconnected" : "call %u: drop requested", call);
	}
	return 0;
}

int cmd_release(struct ctx *c, const struct args *a)
{
	uint32_t call;
	int ret = one_call(c, a, &call);

	if (ret)
		return ret;
	ret = ml_deallocate(c->fd, call, opt(a, "drop"));
	if (ret)
		return fail(c, ML_OP_DEALLOCATE, ret, "release call %u", call);
	stream_forget(c, call);
	if (c->json) {
		j_begin(out, "release");
		j_u64("call", call);
		j_bool("released", true);
		j_end();
	} else {
		note(c, "call %u released: its handle and record are gone", call);
	}
	return 0;
}

int cmd_info(struct ctx *c, const struct args *a)
{
	struct modemline_call_info info;
	uint32_t call;
	int ret = one_call(c, a, &call);

	if (ret)
		return ret;
	ret = ml_call_info(c->fd, call, &info);
	if (ret)
		return fail(c, ML_OP_CALL_INFO, ret, "info of call %u", call);
	print_call(c, &info);
	return 0;
}

static int state_of(struct ctx *c, const char *s, uint32_t *state)
{
	uint32_t i;

	for (i = MODEMLINE_STATE_DIALING; i <= MODEMLINE_STATE_RINGBACK; i++) {
		if (!strcmp(s, ml_state_name(i))) {
			*state = i;
			return 0;
		}
	}
	return fail_msg(c, EINVAL, "unknown state '%s' (dialing, answering, connected,"
			" disconnecting, disconnected, ringback)", s);
}

int cmd_wait(struct ctx *c, const struct args *a)
{
	uint32_t call, state = 0;
	int ms, fd;

	if (a->n < 1 || a->n > 2)
		return usage_error(c, a->cmd, "wants [CALL] STATE");
	if (parse_call(c, a->n == 2 ? a->pos[0] : NULL, &call) ||
	    state_of(c, a->pos[a->n - 1], &state) || timeout_opt(c, a, -1, &ms))
		return -EINVAL;
	fd = dev(c);
	if (fd < 0)
		return fd;
	return wait_for(c, call, state, ms);
}

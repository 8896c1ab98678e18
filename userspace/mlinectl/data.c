// SPDX-License-Identifier: GPL-2.0
/*
 * send and recv: the data streams of the calls of one batch. Each stream
 * is opened once and kept until its call is released, together with the
 * bytes read past what a recv asked for: 'recv --until "\n"' hands out
 * one line, and the next recv starts with the line after it, whether the
 * two came in one read() or not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mlinectl.h"
#include "../modemsim/unescape.h"

/* The stream of @call in *@s, opened in a free slot the first time. */
static int stream_get(struct ctx *c, uint32_t call, struct stream **s)
{
	struct stream *free_slot = NULL;
	int i, fd;

	for (i = 0; i < MAX_STREAMS; i++) {
		if (c->streams[i].call == call) {
			*s = &c->streams[i];
			return 0;
		}
		if (!c->streams[i].call && !free_slot)
			free_slot = &c->streams[i];
	}
	if (!free_slot)
		return fail_msg(c, EMFILE, "too many data streams open; release some calls");
	fd = dev(c);
	if (fd < 0)
		return fd;
	/* Non-blocking: recv waits in poll() with its timeout. */
	fd = ml_call_data(fd, call, true);
	if (fd < 0)
		return fail(c, ML_OP_CALL_DATA, fd, "data stream of call %u", call);
	free_slot->call = call;
	free_slot->fd = fd;
	free_slot->eof = false;
	free_slot->len = 0;
	*s = free_slot;
	return 0;
}

void stream_forget(struct ctx *c, uint32_t call)
{
	int i;

	for (i = 0; i < MAX_STREAMS; i++) {
		if (c->streams[i].call == call) {
			close(c->streams[i].fd);
			c->streams[i].call = 0;
		}
	}
}

/* TEXT with its escapes decoded into @buf (one implementation with modemsim). */
static int decode(struct ctx *c, const char *what, char *buf, size_t *len)
{
	const char *bad;
	long n = unescape(buf, buf, &bad);

	if (n < 0)
		return fail_msg(c, EINVAL, "%s: bad escape '%.4s' (escapes: " UNESCAPE_KNOWN ")",
				what, bad);
	*len = (size_t)n;
	return 0;
}

int cmd_send(struct ctx *c, const struct args *a)
{
	char buf[STREAM_BUF];
	struct stream *s;
	size_t len = 0, l, off;
	uint32_t call;
	ssize_t w;
	int i, ret;

	if (a->n < 1)
		return usage_error(c, a->cmd, "wants TEXT");
	for (i = 0; i < a->n; i++) {
		l = strlen(a->pos[i]);
		if (len + l + 2 > sizeof(buf))
			return usage_error(c, a->cmd, "TEXT longer than %zu bytes", sizeof(buf) - 2);
		if (i)
			buf[len++] = ' ';
		memcpy(buf + len, a->pos[i], l + 1);
		len += l;
	}
	if (decode(c, "TEXT", buf, &len) || parse_call(c, opt(a, "call"), &call))
		return -EINVAL;
	ret = stream_get(c, call, &s);
	if (ret)
		return ret;
	for (off = 0; off < len; off += (size_t)w) {
		struct pollfd p = { .fd = s->fd, .events = POLLOUT };

		w = write(s->fd, buf + off, len - off);
		if (w >= 0)
			continue;
		if (errno != EAGAIN)
			return fail(c, ML_OP_DATA_WRITE, -errno, "send on call %u", call);
		/* Full, or not connected yet: the state change or room wakes us. */
		poll(&p, 1, -1);
		w = 0;
	}
	if (c->json) {
		j_begin(out, "send");
		j_u64("call", call);
		j_u64("sent", len);
		j_strn("data", buf, len);
		j_end();
	} else {
		fprintf(out, "sent %zu bytes on call %u: \"", len, call);
		print_escaped(out, buf, len);
		fprintf(out, "\"\n");
		fflush(out);
	}
	return 0;
}

static int ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int)((t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000);
}

/*
 * How many bytes of the stream make what recv was asked for: @want
 * bytes, up to and including @until, or anything; 0 while not there.
 */
static size_t wanted(const struct stream *s, uint32_t want, const char *until, size_t ulen)
{
	const char *at;

	if (want)
		return s->len >= want ? want : 0;
	if (ulen) {
		at = memmem(s->buf, s->len, until, ulen);
		return at ? (size_t)(at - s->buf) + ulen : 0;
	}
	return s->len;
}

/* Read what has arrived into the stream: 0, -EAGAIN, or -errno. */
static int fill(struct stream *s, int timeout_ms)
{
	struct pollfd p = { .fd = s->fd, .events = POLLIN };
	ssize_t r;

	if (poll(&p, 1, timeout_ms) == 0)
		return -ETIMEDOUT;
	r = read(s->fd, s->buf + s->len, sizeof(s->buf) - s->len);
	if (r < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (r == 0)
		s->eof = true;
	s->len += (size_t)r;
	return 0;
}

int cmd_recv(struct ctx *c, const struct args *a)
{
	const char *bytes_s = opt(a, "bytes"), *until = opt(a, "until");
	char until_buf[STREAM_BUF];
	struct timespec t0;
	struct stream *s;
	uint32_t call, want = 0;
	size_t take, met, ulen = 0;
	bool ended;
	int ms, left, ret = 0;

	if (a->n)
		return usage_error(c, a->cmd, "takes no arguments (see --bytes, --until)");
	if (bytes_s && until)
		return usage_error(c, a->cmd, "--bytes and --until exclude each other");
	if (parse_call(c, opt(a, "call"), &call) || timeout_opt(c, a, 5000, &ms) ||
	    (bytes_s && parse_u32(c, "--bytes", bytes_s, &want)))
		return -EINVAL;
	if (want >= STREAM_BUF)
		return usage_error(c, a->cmd, "--bytes: 1 to %d", STREAM_BUF - 1);
	if (until) {
		if (strlen(until) >= sizeof(until_buf) || !*until)
			return usage_error(c, a->cmd, "--until: 1 to %zu characters",
					   sizeof(until_buf) - 1);
		strcpy(until_buf, until);
		if (decode(c, "--until", until_buf, &ulen))
			return -EINVAL;
	}
	ret = stream_get(c, call, &s);
	if (ret)
		return ret;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!(take = wanted(s, want, until_buf, ulen)) && !s->eof) {
		left = ms - ms_since(&t0);
		ret = s->len == sizeof(s->buf) ? -ENOBUFS : fill(s, left > 0 ? left : 0);
		if (ret == -ETIMEDOUT || ret == -ENOBUFS)
			break;
		if (ret)
			return fail(c, ML_OP_DATA_READ, ret, "receive on call %u", call);
	}
	/* Not all there (time, room or the data ran out): what did arrive is handed out. */
	met = take;
	if (!take)
		take = s->len;
	ended = s->eof && take == s->len;
	if (c->json) {
		j_begin(out, "recv");
		j_u64("call", call);
		j_u64("received", take);
		j_strn("data", s->buf, take);
		j_bool("eof", ended);
		j_end();
	} else {
		fprintf(out, "received %zu bytes on call %u: \"", take, call);
		print_escaped(out, s->buf, take);
		fprintf(out, "\"%s\n", ended ? " (call ended: end of stream)" : "");
		fflush(out);
	}
	s->len -= take;
	memmove(s->buf, s->buf + take, s->len);
	if (ret == -ETIMEDOUT)
		return fail_msg(c, ETIMEDOUT, "receive on call %u: timed out before the data"
				" expected arrived", call);
	if (ret == -ENOBUFS)
		return fail_msg(c, ENOBUFS, "receive on call %u: %zu bytes without the data"
				" expected", call, sizeof(s->buf));
	if (!met && (want || ulen))
		return fail_msg(c, ENODATA, "receive on call %u: the call ended before the data"
				" expected arrived", call);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the AT engine's fake transport, see at_fake.h.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "at_fake.h"

const char * const at_origin_names[MODEMLINE_ORIGIN_SYSTEM + 1] = {
	[MODEMLINE_ORIGIN_NONE] = "NONE",
	[MODEMLINE_ORIGIN_LOCAL] = "LOCAL",
	[MODEMLINE_ORIGIN_REMOTE] = "REMOTE",
	[MODEMLINE_ORIGIN_SYSTEM] = "SYSTEM",
};

const char * const at_reason_names[MODEMLINE_REASON_SHUTDOWN + 1] = {
	[MODEMLINE_REASON_NONE] = "NONE",
	[MODEMLINE_REASON_NORMAL] = "NORMAL",
	[MODEMLINE_REASON_BUSY] = "BUSY",
	[MODEMLINE_REASON_NO_ANSWER] = "NO_ANSWER",
	[MODEMLINE_REASON_NO_CARRIER] = "NO_CARRIER",
	[MODEMLINE_REASON_NO_DIALTONE] = "NO_DIALTONE",
	[MODEMLINE_REASON_CARRIER_LOST] = "CARRIER_LOST",
	[MODEMLINE_REASON_REJECTED] = "REJECTED",
	[MODEMLINE_REASON_DIAL_TIMEOUT] = "DIAL_TIMEOUT",
	[MODEMLINE_REASON_MODEM_ERROR] = "MODEM_ERROR",
	[MODEMLINE_REASON_LINE_REMOVED] = "LINE_REMOVED",
	[MODEMLINE_REASON_SHUTDOWN] = "SHUTDOWN",
};

const char * const at_code_names[MODEMLINE_AT_CEER + 1] = {
	[MODEMLINE_AT_NONE] = "NONE",
	[MODEMLINE_AT_OK] = "OK",
	[MODEMLINE_AT_CONNECT] = "CONNECT",
	[MODEMLINE_AT_RING] = "RING",
	[MODEMLINE_AT_NO_CARRIER] = "NO_CARRIER",
	[MODEMLINE_AT_ERROR] = "ERROR",
	[MODEMLINE_AT_NO_DIALTONE] = "NO_DIALTONE",
	[MODEMLINE_AT_BUSY] = "BUSY",
	[MODEMLINE_AT_NO_ANSWER] = "NO_ANSWER",
	[MODEMLINE_AT_CALLER_ID] = "CALLER_ID",
	[MODEMLINE_AT_CLCC] = "CLCC",
	[MODEMLINE_AT_CEER] = "CEER",
};

const char *at_name(const char * const *names, size_t n, u32 v)
{
	return v < n && names[v] ? names[v] : "?";
}

void at_log(struct at_fake *f, const char *fmt, ...)
{
	size_t len = strlen(f->log);
	va_list args;

	if (len)
		len += scnprintf(f->log + len, sizeof(f->log) - len, "; ");
	va_start(args, fmt);
	vscnprintf(f->log + len, sizeof(f->log) - len, fmt, args);
	va_end(args);
}

/* An expected log, formatted into the fake (test stacks are small). */
const char *at_fmt(struct at_fake *f, const char *fmt, ...)
{
	va_list args;

	va_start(args, fmt);
	vsnprintf(f->expect, sizeof(f->expect), fmt, args);
	va_end(args);
	return f->expect;
}

static void at_fake_send(void *ctx, const char *buf, size_t len)
{
	struct at_fake *f = ctx;

	len = min(len, sizeof(f->sent) - 1 - f->nsent);
	memcpy(f->sent + f->nsent, buf, len);
	f->nsent += len;
	f->sent[f->nsent] = '\0';
}

static void at_fake_set_dtr(void *ctx, bool on)
{
	struct at_fake *f = ctx;

	f->dtr = on;
	at_log(f, "dtr(%s)", on ? "on" : "off");
}

static void at_fake_arm_timer(void *ctx, unsigned int ms)
{
	struct at_fake *f = ctx;

	f->timer_ms = ms;
	at_log(f, "timer(%u)", ms);
}

static void at_fake_data(void *ctx, const u8 *buf, size_t len)
{
	struct at_fake *f = ctx;

	len = min(len, sizeof(f->data) - f->ndata);
	memcpy(f->data + f->ndata, buf, len);
	f->ndata += len;
}

static void at_fake_connected(void *ctx, u32 rate, const char *result)
{
	at_log(ctx, "connected(%u, %s)", rate, result ?: "-");
}

static void at_fake_ended(void *ctx, u32 origin, u32 reason, const char *result)
{
	struct at_fake *f = ctx;

	f->ends++;
	f->origin = origin;
	f->reason = reason;
	at_log(f, "ended(%s, %s, %s)",
	       at_name(at_origin_names, ARRAY_SIZE(at_origin_names), origin),
	       at_name(at_reason_names, ARRAY_SIZE(at_reason_names), reason),
	       result ?: "-");
}

static void at_fake_offer(void *ctx, const char *number, bool voice)
{
	at_log(ctx, "offer(%s%s)", number ?: "-", voice ? ", voice" : "");
}

static void at_fake_offer_end(void *ctx)
{
	at_log(ctx, "offer_end");
}

static void at_fake_alerting(void *ctx)
{
	at_log(ctx, "alerting");
}

static void at_fake_cause(void *ctx, const char *text)
{
	struct at_fake *f = ctx;

	strscpy(f->cause, text, sizeof(f->cause));
	at_log(f, "cause(%s)", text);
}

static const struct modemline_at_ops at_fake_ops = {
	.send = at_fake_send,
	.set_dtr = at_fake_set_dtr,
	.arm_timer = at_fake_arm_timer,
	.data = at_fake_data,
	.connected = at_fake_connected,
	.ended = at_fake_ended,
	.offer = at_fake_offer,
	.offer_end = at_fake_offer_end,
	.alerting = at_fake_alerting,
	.cause = at_fake_cause,
};

struct at_fake *at_fake_new(struct kunit *test)
{
	struct at_fake *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	modemline_at_init(&f->at, &at_fake_ops, f);
	f->now = AT_START_MS;
	f->dtr = true;
	return f;
}

/* Forget what was recorded; the engine and the DTR line are untouched. */
void at_forget(struct at_fake *f)
{
	f->log[0] = '\0';
	f->sent[0] = '\0';
	f->nsent = 0;
	f->ndata = 0;
	f->ends = 0;
	f->cause[0] = '\0';
}

void at_input(struct at_fake *f, const void *buf, size_t len)
{
	modemline_at_input(&f->at, buf, len, f->now);
}

void at_feed(struct at_fake *f, const char *s)
{
	at_input(f, s, strlen(s));
}

void at_timeout(struct at_fake *f)
{
	modemline_at_timeout(&f->at);
}

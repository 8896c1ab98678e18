// SPDX-License-Identifier: GPL-2.0
/*
 * What mlinectl prints: human-readable lines by default, and with --json
 * one JSON object per line (JSON Lines), so that a script can parse each
 * line on its own as it arrives. Every object starts with "type", which
 * says what it is (mlinectl(8), JSON OUTPUT).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include "mlinectl.h"

/* Where records and events go: stdout, or stderr when stdout carries data. */
FILE *out;

/* The object being written: to stdout for results, stderr for errors. */
static FILE *jf;

void j_begin(FILE *f, const char *type)
{
	jf = f;
	fputs("{\"type\":", jf);
	j_strn(NULL, type, strlen(type));
}

static void j_key(const char *key)
{
	fprintf(jf, ",\"%s\":", key);
}

/* @key NULL: the value alone (of "type"). */
void j_strn(const char *key, const char *val, size_t len)
{
	size_t i;

	if (key)
		j_key(key);
	fputc('"', jf);
	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)val[i];

		if (ch == '"' || ch == '\\')
			fprintf(jf, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			/* Bytes, not text: each becomes one code point (Latin-1). */
			fprintf(jf, "\\u%04x", ch);
		else
			fputc(ch, jf);
	}
	fputc('"', jf);
}

void j_str(const char *key, const char *val)
{
	j_strn(key, val, strlen(val));
}

void j_u64(const char *key, uint64_t val)
{
	j_key(key);
	fprintf(jf, "%" PRIu64, val);
}

void j_bool(const char *key, bool val)
{
	j_key(key);
	fputs(val ? "true" : "false", jf);
}

void j_end(void)
{
	fputs("}\n", jf);
	fflush(jf);
}

void print_escaped(FILE *f, const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)buf[i];

		switch (ch) {
		case '\r': fputs("\\r", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\\': fputs("\\\\", f); break;
		default:
			if (ch < 0x20 || ch >= 0x7f)
				fprintf(f, "\\x%02x", ch);
			else
				fputc(ch, f);
		}
	}
}

void note(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->json)
		return;
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	fflush(out);
}

void j_call(const struct modemline_call_info *i)
{
	j_u64("call", i->call);
	j_u64("line", i->line_id);
	j_str("direction", ml_direction_name(i->direction));
	j_str("state", ml_state_name(i->state));
	j_str("origin", ml_origin_name(i->origin));
	j_str("reason", ml_reason_name(i->reason));
	j_u64("rate", i->rate);
	j_str("number", i->number);
	j_str("result", i->result);
	j_bool("voice", i->flags & MODEMLINE_CALL_INFO_VOICE);
	j_str("cause", i->cause);
	j_u64("created_ns", i->created_ns);
	j_u64("connected_ns", i->connected_ns);
	j_u64("disconnected_ns", i->disconnected_ns);
	j_u64("duration_ns", i->duration_ns);
	j_u64("rx_bytes", i->rx_bytes);
	j_u64("tx_bytes", i->tx_bytes);
}

void print_call(struct ctx *c, const struct modemline_call_info *i)
{
	if (c->json) {
		j_begin(out, "call");
		j_call(i);
		j_bool("monitor", i->flags & MODEMLINE_CALL_INFO_MONITOR);
		j_end();
		return;
	}
	fprintf(out, "call %u on line %u: %s, %s%s%s\n", i->call, i->line_id,
	       ml_state_name(i->state), ml_direction_name(i->direction),
	       i->flags & MODEMLINE_CALL_INFO_VOICE ? " voice" : "",
	       i->flags & MODEMLINE_CALL_INFO_MONITOR ? " (monitor handle)" : "");
	fprintf(out, "  number    %s\n", *i->number ? i->number : "(unknown)");
	if (i->state == MODEMLINE_STATE_DISCONNECTED)
		fprintf(out, "  ended     by %s, reason %s\n", ml_origin_name(i->origin),
		       ml_reason_name(i->reason));
	fprintf(out, "  result    %s\n", *i->result ? i->result : "(none yet)");
	if (*i->cause)
		fprintf(out, "  cause     %s\n", i->cause);
	if (i->rate)
		fprintf(out, "  rate      %u bit/s\n", i->rate);
	fprintf(out, "  duration  %.3f s connected\n", i->duration_ns / 1e9);
	fprintf(out, "  bytes     %" PRIu64 " received, %" PRIu64 " sent\n",
	       (uint64_t)i->rx_bytes, (uint64_t)i->tx_bytes);
	fflush(out);
}

void print_line(struct ctx *c, const struct modemline_line_info *i)
{
	if (c->json) {
		j_begin(out, "line");
		j_u64("line", i->line_id);
		j_str("name", i->name);
		j_str("transport", ml_transport_name(i->transport));
		j_str("dialect", ml_dialect_name(i->dialect));
		j_bool("offering", i->flags & MODEMLINE_LINE_OFFERING);
		j_bool("offering_voice", i->flags & MODEMLINE_LINE_OFFERING_VOICE);
		j_bool("busy", i->flags & MODEMLINE_LINE_BUSY);
		j_u64("rings", i->rings);
		j_str("offered_number", i->offered_number);
		j_u64("calls", i->calls);
		j_u64("calls_connected", i->calls_connected);
		j_u64("calls_failed", i->calls_failed);
		j_end();
		return;
	}
	fprintf(out, "line %u  %-10s %-4s %s", i->line_id, i->name, ml_transport_name(i->transport),
	       i->flags & MODEMLINE_LINE_BUSY ? "busy" : "idle");
	if (i->dialect)
		fprintf(out, ", %s", ml_dialect_name(i->dialect));
	if (i->flags & MODEMLINE_LINE_OFFERING)
		fprintf(out, ", %sringing (%u) from %s",
			i->flags & MODEMLINE_LINE_OFFERING_VOICE ? "voice call " : "", i->rings,
		       *i->offered_number ? i->offered_number : "unknown");
	fprintf(out, "  calls %llu, connected %llu, failed %llu\n", (unsigned long long)i->calls,
	       (unsigned long long)i->calls_connected, (unsigned long long)i->calls_failed);
	fflush(out);
}

void print_event(struct ctx *c, const struct modemline_event *e)
{
	bool ended = (e->type == MODEMLINE_EVENT_CALL_STATE || e->type == MODEMLINE_EVENT_CALL_NEW ||
		      e->type == MODEMLINE_EVENT_CALL_HANDOFF) &&
		     e->state == MODEMLINE_STATE_DISCONNECTED;

	if (c->json) {
		j_begin(out, "event");
		j_str("event", ml_event_name(e->type));
		j_u64("seq", e->seq);
		j_u64("timestamp_ns", e->timestamp_ns);
		j_u64("line", e->line_id);
		switch (e->type) {
		case MODEMLINE_EVENT_CALL_STATE:
			j_u64("call", e->call);
			j_str("state", ml_state_name(e->state));
			if (ended) {
				j_str("origin", ml_origin_name(e->origin));
				j_str("reason", ml_reason_name(e->reason));
			}
			if (e->state == MODEMLINE_STATE_CONNECTED)
				j_u64("rate", e->rate);
			break;
		case MODEMLINE_EVENT_CALL_OFFERED:
			j_str("number", e->number);
			break;
		case MODEMLINE_EVENT_LINE_REMOVED:
			j_str("reason", ml_reason_name(e->reason));
			break;
		case MODEMLINE_EVENT_OVERFLOW:
			j_u64("lost", e->lost);
			break;
		case MODEMLINE_EVENT_CALL_NEW:
		case MODEMLINE_EVENT_CALL_HANDOFF:
			j_u64("call", e->call);
			j_str("state", ml_state_name(e->state));
			j_str("number", e->number);
			if (ended) {
				j_str("origin", ml_origin_name(e->origin));
				j_str("reason", ml_reason_name(e->reason));
			}
			if (e->state == MODEMLINE_STATE_CONNECTED)
				j_u64("rate", e->rate);
			break;
		case MODEMLINE_EVENT_CALL_MISSED:
			j_str("number", e->number);
			j_u64("missed", e->lost);
			break;
		}
		j_end();
		return;
	}
	switch (e->type) {
	case MODEMLINE_EVENT_CALL_STATE:
		fprintf(out, "event: call %u on line %u is %s", e->call, e->line_id,
		       ml_state_name(e->state));
		if (e->state == MODEMLINE_STATE_CONNECTED && e->rate)
			fprintf(out, " at %u bit/s", e->rate);
		if (ended)
			fprintf(out, ", ended by %s (%s)", ml_origin_name(e->origin),
			       ml_reason_name(e->reason));
		break;
	case MODEMLINE_EVENT_CALL_OFFERED:
		fprintf(out, "event: line %u rings, caller %s", e->line_id,
		       *e->number ? e->number : "unknown");
		break;
	case MODEMLINE_EVENT_LINE_ADDED:
		fprintf(out, "event: line %u appeared", e->line_id);
		break;
	case MODEMLINE_EVENT_LINE_REMOVED:
		fprintf(out, "event: line %u went away (%s)", e->line_id, ml_reason_name(e->reason));
		break;
	case MODEMLINE_EVENT_OVERFLOW:
		fprintf(out, "event: %u events were lost (queue full)", e->lost);
		break;
	case MODEMLINE_EVENT_CALL_NEW:
		fprintf(out, "event: line %u has a new call, %s, monitor handle %u, %s",
			e->line_id, *e->number ? e->number : "number unknown", e->call,
			ml_state_name(e->state));
		if (ended)
			fprintf(out, ", ended by %s (%s)", ml_origin_name(e->origin),
				ml_reason_name(e->reason));
		break;
	case MODEMLINE_EVENT_CALL_HANDOFF:
		fprintf(out, "event: call %u on line %u, %s, was handed to this file, %s",
			e->call, e->line_id, *e->number ? e->number : "number unknown",
			ml_state_name(e->state));
		if (ended)
			fprintf(out, ", ended by %s (%s)", ml_origin_name(e->origin),
				ml_reason_name(e->reason));
		break;
	case MODEMLINE_EVENT_CALL_MISSED:
		fprintf(out, "event: line %u had a call, %s, this file got no handle to"
			" (%u missed so far)", e->line_id, *e->number ? e->number : "number unknown",
			e->lost);
		break;
	default:
		fprintf(out, "event: unknown type %u", e->type);
	}
	fputc('\n', out);
	fflush(out);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the AT engine (at.c) on a V.250 line, driven through the fake
 * transport of at_fake.h, which records what the engine asks of it.
 *
 * The helpers that bring the engine to a state (dialing, connected,
 * hanging up) assert on the way and then forget the record, so that a
 * test sees only what its own step caused.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "modemline.h"
#include "at.h"
#include "at_fake.h"

#define AT_INIT_SENT	MODEMLINE_AT_INIT_DEFAULT "\r"
#define AT_GUARD_MS	700	/* unlike any other delay, to tell them apart */
#define AT_LONG_LINE	300

/*
 * Feed @len bytes: whole (@split 0), in two calls of @split and the rest
 * (0 < @split < @len), or one byte per call (@split == @len); the clock
 * moves on by @step_ms before each call after the first.
 */
static void at_input_split(struct at_fake *f, const u8 *buf, size_t len,
			   size_t split, unsigned int step_ms)
{
	size_t i;

	if (!split) {
		at_input(f, buf, len);
	} else if (split < len) {
		at_input(f, buf, split);
		f->now += step_ms;
		at_input(f, buf + split, len - split);
	} else {
		for (i = 0; i < len; i++) {
			if (i)
				f->now += step_ms;
			at_input(f, buf + i, 1);
		}
	}
}

/* Describe @len bytes printably: CR, LF and the rest of the unprintable. */
static void at_escape(const u8 *buf, size_t len, char *out, size_t size)
{
	size_t n = 0, i;

	for (i = 0; i < len && n + 5 < size; i++) {
		if (buf[i] == '\r')
			n += scnprintf(out + n, size - n, "\\r");
		else if (buf[i] == '\n')
			n += scnprintf(out + n, size - n, "\\n");
		else if (buf[i] < 0x20 || buf[i] >= 0x7f || buf[i] == '#' ||
			 buf[i] == '\\')
			n += scnprintf(out + n, size - n, "\\x%02x", buf[i]);
		else
			out[n++] = buf[i];
	}
	out[n] = '\0';
}

/* Dial: the init string is sent; the modem has not answered it. */
static void at_to_init(struct kunit *test, struct at_fake *f)
{
	modemline_at_dial(&f->at, AT_NUMBER, false);
	KUNIT_ASSERT_STREQ(test, f->sent, AT_INIT_SENT);
	KUNIT_ASSERT_EQ(test, f->at.phase, MODEMLINE_AT_INIT);
	at_forget(f);
}

/* The modem took the init string: ATD is sent. */
static void at_to_dialing(struct kunit *test, struct at_fake *f)
{
	at_to_init(test, f);
	at_feed(f, "\r\nOK\r\n");
	KUNIT_ASSERT_STREQ(test, f->sent, "ATD" AT_NUMBER "\r");
	KUNIT_ASSERT_EQ(test, f->at.phase, MODEMLINE_AT_DIALING);
	at_forget(f);
}

/*
 * The call is connected. The LF after CONNECT's CR is forgotten with the
 * rest of the record: at_connect_lf_test checks it on its own.
 */
static void at_to_data(struct kunit *test, struct at_fake *f)
{
	at_to_dialing(test, f);
	at_feed(f, "\r\nCONNECT 33600\r\n");
	KUNIT_ASSERT_STREQ(test, f->log, "connected(33600, CONNECT 33600)");
	KUNIT_ASSERT_EQ(test, f->at.phase, MODEMLINE_AT_DATA);
	at_forget(f);
}

static struct at_fake *at_dialing(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	at_to_dialing(test, f);
	return f;
}

/* A connected call; the guard time is AT_GUARD_MS. */
static struct at_fake *at_online(struct kunit *test, bool has_dtr)
{
	struct at_fake *f = at_fake_new(test);

	f->at.guard_ms = AT_GUARD_MS;
	f->at.has_dtr = has_dtr;
	at_to_data(test, f);
	return f;
}

/* An incoming call has rung once. */
static struct at_fake *at_ringing(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	at_feed(f, "\r\nRING\r\n");
	KUNIT_ASSERT_STREQ(test, f->log,
			   at_fmt(f, "timer(%u); offer(-)", MODEMLINE_AT_RING_GAP_MS));
	at_forget(f);
	return f;
}

/* What one result does to a dial in progress, as the fake logs it. */
struct at_result_case {
	const char *bytes;
	const char *log;
};

#define AT_V(text)		"\r\n" text "\r\n"
#define AT_N(code)		code "\r"
#define AT_ENDS(o, r, text)	"timer(0); ended(" #o ", " #r ", " text ")"
#define AT_CONNECTS(rate, text)	"connected(" #rate ", " text ")"

static const struct at_result_case at_result_cases[] = {
	/* OK to ATD: the modem did not start a call. */
	{ AT_V("OK"), AT_ENDS(SYSTEM, MODEM_ERROR, "OK") },
	{ AT_V("CONNECT"), AT_CONNECTS(0, "CONNECT") },
	{ AT_V("CONNECT 33600"), AT_CONNECTS(33600, "CONNECT 33600") },
	/* The text is cut to MODEMLINE_RESULT_LEN - 1 characters. */
	{ AT_V("CONNECT 115200/ARQ/V34/LAPM/V42BIS"),
	  AT_CONNECTS(115200, "CONNECT 115200/ARQ/V34/LAPM/V42") },
	{ AT_V("CONNECT 2400/REL"), AT_CONNECTS(2400, "CONNECT 2400/REL") },
	{ AT_V("RING"), "" },
	{ AT_V("NO CARRIER"), AT_ENDS(REMOTE, NO_CARRIER, "NO CARRIER") },
	{ AT_V("ERROR"), AT_ENDS(SYSTEM, MODEM_ERROR, "ERROR") },
	{ AT_V("NO DIALTONE"), AT_ENDS(REMOTE, NO_DIALTONE, "NO DIALTONE") },
	{ AT_V("NO DIAL TONE"), AT_ENDS(REMOTE, NO_DIALTONE, "NO DIAL TONE") },
	{ AT_V("BUSY"), AT_ENDS(REMOTE, BUSY, "BUSY") },
	{ AT_V("NO ANSWER"), AT_ENDS(REMOTE, NO_ANSWER, "NO ANSWER") },
	{ AT_V("busy"), AT_ENDS(REMOTE, BUSY, "BUSY") },
	{ AT_V("connect 9600"), AT_CONNECTS(9600, "connect 9600") },
	{ AT_N("0"), AT_ENDS(SYSTEM, MODEM_ERROR, "OK") },
	{ AT_N("1"), AT_CONNECTS(0, "CONNECT") },
	{ AT_N("2"), "" },
	{ AT_N("3"), AT_ENDS(REMOTE, NO_CARRIER, "NO CARRIER") },
	{ AT_N("4"), AT_ENDS(SYSTEM, MODEM_ERROR, "ERROR") },
	{ AT_N("5"), AT_CONNECTS(1200, "CONNECT 1200") },
	{ AT_N("6"), AT_ENDS(REMOTE, NO_DIALTONE, "NO DIALTONE") },
	{ AT_N("7"), AT_ENDS(REMOTE, BUSY, "BUSY") },
	{ AT_N("8"), AT_ENDS(REMOTE, NO_ANSWER, "NO ANSWER") },
	{ AT_N("9"), "" },
	{ AT_N("10"), AT_CONNECTS(2400, "CONNECT 2400") },
	{ AT_N("11"), AT_CONNECTS(4800, "CONNECT 4800") },
	{ AT_N("12"), AT_CONNECTS(9600, "CONNECT 9600") },
	{ AT_N("13"), AT_CONNECTS(7200, "CONNECT 7200") },
	{ AT_N("14"), AT_CONNECTS(12000, "CONNECT 12000") },
	{ AT_N("15"), AT_CONNECTS(14400, "CONNECT 14400") },
	{ AT_N("16"), AT_CONNECTS(19200, "CONNECT 19200") },
	{ AT_N("17"), AT_CONNECTS(38400, "CONNECT 38400") },
	{ AT_N("18"), AT_CONNECTS(57600, "CONNECT 57600") },
	{ AT_N("19"), AT_CONNECTS(115200, "CONNECT 115200") },
	{ AT_N("20"), "" },
};

static void at_result_case_desc(const struct at_result_case *c, char *desc)
{
	at_escape((const u8 *)c->bytes, strlen(c->bytes), desc,
		  KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(at_result, at_result_cases, at_result_case_desc);

/*
 * Every result case at every split: the parameter is the pair packed in
 * a pointer, case * AT_SPLIT_STRIDE + split + 1 (KUnit never dereferences
 * it). Splits are those of at_input_split(): 0 (whole), 1..len - 1 (two
 * calls), len (one byte per call).
 */
#define AT_SPLIT_STRIDE		64

static MODEMLINE_KUNIT_GEN_PARAMS(at_split_gen_params)
{
	uintptr_t p = (uintptr_t)prev;
	size_t c = 0, split = 0, len, n;

	if (p) {
		c = (p - 1) / AT_SPLIT_STRIDE;
		split = (p - 1) % AT_SPLIT_STRIDE + 1;
		if (split > strlen(at_result_cases[c].bytes)) {
			c++;
			split = 0;
		}
	}
	if (c >= ARRAY_SIZE(at_result_cases))
		return NULL;
	len = strlen(at_result_cases[c].bytes);
	at_escape((const u8 *)at_result_cases[c].bytes, len, desc,
		  KUNIT_PARAM_DESC_SIZE);
	n = strlen(desc);
	if (!split)
		scnprintf(desc + n, KUNIT_PARAM_DESC_SIZE - n, " whole");
	else if (split < len)
		scnprintf(desc + n, KUNIT_PARAM_DESC_SIZE - n, " split %zu+%zu",
			  split, len - split);
	else
		scnprintf(desc + n, KUNIT_PARAM_DESC_SIZE - n, " bytewise");
	return (const void *)(c * AT_SPLIT_STRIDE + split + 1);
}

/* ---- modemline_at_parse ---- */

struct at_parse_case {
	const char *line;
	enum modemline_at_code code;
	u32 rate;
	const char *number;
	const char *text;
};

static const struct at_parse_case at_parse_cases[] = {
	{ "OK", MODEMLINE_AT_OK, 0, "", "OK" },
	{ "CONNECT", MODEMLINE_AT_CONNECT, 0, "", "CONNECT" },
	{ "CONNECT 33600", MODEMLINE_AT_CONNECT, 33600, "", "CONNECT 33600" },
	{ "CONNECT 115200/ARQ/V34/LAPM/V42BIS", MODEMLINE_AT_CONNECT, 115200, "",
	  "CONNECT 115200/ARQ/V34/LAPM/V42" },
	{ "CONNECT 2400/REL", MODEMLINE_AT_CONNECT, 2400, "", "CONNECT 2400/REL" },
	{ "CONNECT/ARQ", MODEMLINE_AT_CONNECT, 0, "", "CONNECT/ARQ" },
	{ "CONNECT 99999999999", MODEMLINE_AT_CONNECT, U32_MAX, "",
	  "CONNECT 99999999999" },
	{ "RING", MODEMLINE_AT_RING, 0, "", "RING" },
	{ "NO CARRIER", MODEMLINE_AT_NO_CARRIER, 0, "", "NO CARRIER" },
	{ "ERROR", MODEMLINE_AT_ERROR, 0, "", "ERROR" },
	{ "NO DIALTONE", MODEMLINE_AT_NO_DIALTONE, 0, "", "NO DIALTONE" },
	{ "NO DIAL TONE", MODEMLINE_AT_NO_DIALTONE, 0, "", "NO DIAL TONE" },
	{ "BUSY", MODEMLINE_AT_BUSY, 0, "", "BUSY" },
	{ "NO ANSWER", MODEMLINE_AT_NO_ANSWER, 0, "", "NO ANSWER" },
	/* Lower case: the text is the canonical one, CONNECT's as received. */
	{ "ok", MODEMLINE_AT_OK, 0, "", "OK" },
	{ "connect 9600", MODEMLINE_AT_CONNECT, 9600, "", "connect 9600" },
	{ "ring", MODEMLINE_AT_RING, 0, "", "RING" },
	{ "no carrier", MODEMLINE_AT_NO_CARRIER, 0, "", "NO CARRIER" },
	{ "Error", MODEMLINE_AT_ERROR, 0, "", "ERROR" },
	{ "No Dialtone", MODEMLINE_AT_NO_DIALTONE, 0, "", "NO DIALTONE" },
	{ "busy", MODEMLINE_AT_BUSY, 0, "", "BUSY" },
	{ "no answer", MODEMLINE_AT_NO_ANSWER, 0, "", "NO ANSWER" },
	/* Blanks around a result. */
	{ "  OK", MODEMLINE_AT_OK, 0, "", "OK" },
	{ "BUSY   ", MODEMLINE_AT_BUSY, 0, "", "BUSY" },
	{ " NO CARRIER ", MODEMLINE_AT_NO_CARRIER, 0, "", "NO CARRIER" },
	{ "  CONNECT 33600  ", MODEMLINE_AT_CONNECT, 33600, "", "CONNECT 33600" },
	{ " 7 ", MODEMLINE_AT_BUSY, 0, "", "BUSY" },
	/* Numeric results. */
	{ "0", MODEMLINE_AT_OK, 0, "", "OK" },
	{ "1", MODEMLINE_AT_CONNECT, 0, "", "CONNECT" },
	{ "2", MODEMLINE_AT_RING, 0, "", "RING" },
	{ "3", MODEMLINE_AT_NO_CARRIER, 0, "", "NO CARRIER" },
	{ "4", MODEMLINE_AT_ERROR, 0, "", "ERROR" },
	{ "5", MODEMLINE_AT_CONNECT, 1200, "", "CONNECT 1200" },
	{ "6", MODEMLINE_AT_NO_DIALTONE, 0, "", "NO DIALTONE" },
	{ "7", MODEMLINE_AT_BUSY, 0, "", "BUSY" },
	{ "8", MODEMLINE_AT_NO_ANSWER, 0, "", "NO ANSWER" },
	{ "10", MODEMLINE_AT_CONNECT, 2400, "", "CONNECT 2400" },
	{ "11", MODEMLINE_AT_CONNECT, 4800, "", "CONNECT 4800" },
	{ "12", MODEMLINE_AT_CONNECT, 9600, "", "CONNECT 9600" },
	{ "13", MODEMLINE_AT_CONNECT, 7200, "", "CONNECT 7200" },
	{ "14", MODEMLINE_AT_CONNECT, 12000, "", "CONNECT 12000" },
	{ "15", MODEMLINE_AT_CONNECT, 14400, "", "CONNECT 14400" },
	{ "16", MODEMLINE_AT_CONNECT, 19200, "", "CONNECT 19200" },
	{ "17", MODEMLINE_AT_CONNECT, 38400, "", "CONNECT 38400" },
	{ "18", MODEMLINE_AT_CONNECT, 57600, "", "CONNECT 57600" },
	{ "19", MODEMLINE_AT_CONNECT, 115200, "", "CONNECT 115200" },
	/* Unknown numbers, and numbers too long to be results. */
	{ "9", MODEMLINE_AT_NONE, 0, "", "" },
	{ "20", MODEMLINE_AT_NONE, 0, "", "" },
	{ "999", MODEMLINE_AT_NONE, 0, "", "" },
	{ "0007", MODEMLINE_AT_NONE, 0, "", "" },
	/* Our own commands echoed. */
	{ "ATD5551234", MODEMLINE_AT_NONE, 0, "", "" },
	{ "ATE0V1Q0X4&C1&D2S0=0", MODEMLINE_AT_NONE, 0, "", "" },
	{ "at", MODEMLINE_AT_NONE, 0, "", "" },
	{ "ATH", MODEMLINE_AT_NONE, 0, "", "" },
	{ "A/", MODEMLINE_AT_NONE, 0, "", "" },
	/* Information lines and look-alikes. */
	{ "CARRIER 28800", MODEMLINE_AT_NONE, 0, "", "" },
	{ "PROTOCOL: LAPM", MODEMLINE_AT_NONE, 0, "", "" },
	{ "COMPRESSION: V42BIS", MODEMLINE_AT_NONE, 0, "", "" },
	{ "DATE = 0321", MODEMLINE_AT_NONE, 0, "", "" },
	{ "TIME = 1405", MODEMLINE_AT_NONE, 0, "", "" },
	{ "NAME = JOHN DOE", MODEMLINE_AT_NONE, 0, "", "" },
	{ "RINGING", MODEMLINE_AT_NONE, 0, "", "" },
	{ "CONNECTING", MODEMLINE_AT_NONE, 0, "", "" },
	{ "OKAY", MODEMLINE_AT_NONE, 0, "", "" },
	{ "BUSY SIGNAL", MODEMLINE_AT_NONE, 0, "", "" },
	{ "", MODEMLINE_AT_NONE, 0, "", "" },
	{ "   ", MODEMLINE_AT_NONE, 0, "", "" },
	/* Caller id. */
	{ "NMBR = 5551234", MODEMLINE_AT_CALLER_ID, 0, "5551234", "" },
	{ "NMBR=5551234", MODEMLINE_AT_CALLER_ID, 0, "5551234", "" },
	{ "+CLIP: \"5551234\",129", MODEMLINE_AT_CALLER_ID, 0, "5551234", "" },
	{ "+CLIP: \"+15551234\",145", MODEMLINE_AT_CALLER_ID, 0, "+15551234", "" },
	{ "NMBR = P", MODEMLINE_AT_NONE, 0, "", "" },
	{ "NMBR = O", MODEMLINE_AT_NONE, 0, "", "" },
	{ "NMBR =", MODEMLINE_AT_NONE, 0, "", "" },
};

static void at_parse_case_desc(const struct at_parse_case *c, char *desc)
{
	size_t n;

	desc[0] = '[';
	at_escape((const u8 *)c->line, strlen(c->line), desc + 1,
		  KUNIT_PARAM_DESC_SIZE - 1);
	n = strlen(desc);
	scnprintf(desc + n, KUNIT_PARAM_DESC_SIZE - n, "] -> %s",
		  at_name(at_code_names, ARRAY_SIZE(at_code_names), c->code));
}

KUNIT_ARRAY_PARAM(at_parse, at_parse_cases, at_parse_case_desc);

static void at_parse_line_test(struct kunit *test)
{
	const struct at_parse_case *c = test->param_value;
	struct modemline_at_line l;

	/* Whatever was in @out before is overwritten. */
	memset(&l, 'x', sizeof(l));
	modemline_at_parse(c->line, &l);
	KUNIT_EXPECT_EQ(test, l.code, c->code);
	KUNIT_EXPECT_EQ(test, l.rate, c->rate);
	KUNIT_ASSERT_LT(test, strnlen(l.number, sizeof(l.number)), sizeof(l.number));
	KUNIT_EXPECT_STREQ(test, l.number, c->number);
	KUNIT_ASSERT_LT(test, strnlen(l.text, sizeof(l.text)), sizeof(l.text));
	KUNIT_EXPECT_STREQ(test, l.text, c->text);
}

/* A numeric result and its text read back verbose mean the same. */
static void at_parse_numeric_matches_verbose_test(struct kunit *test)
{
	struct modemline_at_line num, verb;
	char digits[4];
	unsigned int i, known = 0;

	for (i = 0; i < 100; i++) {
		snprintf(digits, sizeof(digits), "%u", i);
		modemline_at_parse(digits, &num);
		if (num.code == MODEMLINE_AT_NONE)
			continue;
		known++;
		modemline_at_parse(num.text, &verb);
		KUNIT_EXPECT_EQ_MSG(test, verb.code, num.code, "code %u", i);
		KUNIT_EXPECT_EQ_MSG(test, verb.rate, num.rate, "code %u", i);
		KUNIT_EXPECT_STREQ_MSG(test, verb.text, num.text, "code %u", i);
	}
	/* 0-8 and 10-19: the Hayes codes and the Rockwell CONNECT codes. */
	KUNIT_EXPECT_EQ(test, known, 19U);
}

static struct kunit_case at_parse_test_cases[] = {
	KUNIT_CASE_PARAM(at_parse_line_test, at_parse_gen_params),
	KUNIT_CASE(at_parse_numeric_matches_verbose_test),
	{}
};

static struct kunit_suite at_parse_test_suite = {
	.name = "modemline_at_parse",
	.test_cases = at_parse_test_cases,
};

/* ---- modemline_at_engine: dialing ---- */

static void at_dial_sends_init_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	modemline_at_dial(&f->at, AT_NUMBER, false);
	KUNIT_EXPECT_STREQ(test, f->sent, AT_INIT_SENT);
	KUNIT_EXPECT_STREQ(test, f->log,
			   at_fmt(f, "timer(%u)", MODEMLINE_AT_INIT_REPLY_MS));
}

static void at_dial_sends_configured_init_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	strscpy(f->at.init, "AT&F&C1&D2", sizeof(f->at.init));
	modemline_at_dial(&f->at, AT_NUMBER, false);
	KUNIT_EXPECT_STREQ(test, f->sent, "AT&F&C1&D2\r");
}

static void at_init_ok_sends_atd_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	at_to_init(test, f);
	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->sent, "ATD" AT_NUMBER "\r");
	/* The init's reply timer stops: dial timeouts are the core's. */
	KUNIT_EXPECT_STREQ(test, f->log, "timer(0)");
}

static void at_init_error_ends_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	at_to_init(test, f);
	at_feed(f, "\r\nERROR\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, AT_ENDS(SYSTEM, MODEM_ERROR, "ERROR"));
	KUNIT_EXPECT_STREQ(test, f->sent, "");
}

/* Only OK or ERROR answers the init string; a RING does not. */
static void at_init_ignores_ring_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	at_to_init(test, f);
	at_feed(f, "\r\nRING\r\n2\r");
	KUNIT_EXPECT_STREQ(test, f->log, "");
	KUNIT_EXPECT_STREQ(test, f->sent, "");
	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->sent, "ATD" AT_NUMBER "\r");
}

/* A result delivered in one piece, in two at any byte, or bytewise. */
static void at_result_split_test(struct kunit *test)
{
	uintptr_t p = (uintptr_t)test->param_value - 1;
	const struct at_result_case *c = &at_result_cases[p / AT_SPLIT_STRIDE];
	size_t len = strlen(c->bytes);
	struct at_fake *f = at_dialing(test);
	struct at_fake *whole = at_dialing(test);

	KUNIT_ASSERT_LT(test, len, (size_t)AT_SPLIT_STRIDE);
	at_input_split(f, (const u8 *)c->bytes, len, p % AT_SPLIT_STRIDE, 0);
	at_feed(whole, c->bytes);
	KUNIT_EXPECT_STREQ(test, f->log, c->log);
	KUNIT_EXPECT_STREQ(test, f->sent, "");
	/* Data (none expected, see at_connect_lf_test) as if whole. */
	KUNIT_EXPECT_EQ(test, f->ndata, whole->ndata);
	KUNIT_EXPECT_MEMEQ(test, f->data, whole->data, whole->ndata);
}

/* The modem echoing our commands changes nothing. */
static void at_result_after_echo_test(struct kunit *test)
{
	const struct at_result_case *c = test->param_value;
	struct at_fake *f = at_fake_new(test);

	modemline_at_dial(&f->at, AT_NUMBER, false);
	at_feed(f, MODEMLINE_AT_INIT_DEFAULT "\r\r\nOK\r\n");
	at_feed(f, "ATD" AT_NUMBER "\r");
	KUNIT_ASSERT_STREQ(test, f->sent, AT_INIT_SENT "ATD" AT_NUMBER "\r");
	KUNIT_ASSERT_STREQ(test, f->log,
			   at_fmt(f, "timer(%u); timer(0)", MODEMLINE_AT_INIT_REPLY_MS));
	at_forget(f);
	at_feed(f, c->bytes);
	KUNIT_EXPECT_STREQ(test, f->log, c->log);
	KUNIT_EXPECT_STREQ(test, f->sent, "");
}

/* The echo and the result in one read, as a fast modem gives them. */
static void at_echo_and_result_in_one_input_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	modemline_at_dial(&f->at, AT_NUMBER, false);
	at_forget(f);
	at_feed(f, MODEMLINE_AT_INIT_DEFAULT "\r\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->sent, "ATD" AT_NUMBER "\r");
	at_forget(f);
	at_feed(f, "ATD" AT_NUMBER "\r\r\nBUSY\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, AT_ENDS(REMOTE, BUSY, "BUSY"));
}

/*
 * The CR LF that ends a verbose CONNECT line is not data: the first data
 * byte is the first byte after it.
 */
static void at_connect_lf_test(struct kunit *test)
{
	static const char rx[] = "\r\nCONNECT 33600\r\nhello";
	struct at_fake *f = at_dialing(test);

	at_feed(f, rx);
	KUNIT_EXPECT_STREQ(test, f->log, "connected(33600, CONNECT 33600)");
	KUNIT_EXPECT_EQ(test, f->ndata, 5);
	KUNIT_EXPECT_MEMEQ(test, f->data, "hello", min_t(size_t, f->ndata, 5));
}

/* The same when the LF comes in the next read. */
static void at_connect_lf_next_input_test(struct kunit *test)
{
	struct at_fake *f = at_dialing(test);

	at_feed(f, "\r\nCONNECT 33600\r");
	KUNIT_EXPECT_STREQ(test, f->log, "connected(33600, CONNECT 33600)");
	f->now += 1;
	at_feed(f, "\nhello");
	KUNIT_EXPECT_EQ(test, f->ndata, 5);
	KUNIT_EXPECT_MEMEQ(test, f->data, "hello", min_t(size_t, f->ndata, 5));
}

/* Numeric CONNECT ends with CR alone: data follows at once. */
static void at_connect_numeric_data_test(struct kunit *test)
{
	struct at_fake *f = at_dialing(test);

	at_feed(f, "1\rhello");
	KUNIT_EXPECT_STREQ(test, f->log, "connected(0, CONNECT)");
	KUNIT_EXPECT_EQ(test, f->ndata, 5);
	KUNIT_EXPECT_MEMEQ(test, f->data, "hello", min_t(size_t, f->ndata, 5));
}

/* Results nobody waits for are ignored. */
static void at_idle_results_ignored_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	at_feed(f, "\r\nOK\r\n\r\nCONNECT 33600\r\n\r\nNO CARRIER\r\n");
	at_feed(f, "\r\nBUSY\r\n\r\nERROR\r\n0\r1\r3\r7\r");
	KUNIT_EXPECT_STREQ(test, f->log, "");
	KUNIT_EXPECT_STREQ(test, f->sent, "");
	KUNIT_EXPECT_EQ(test, f->ndata, 0);
}

/* Dial timeouts belong to the core: the engine's timer is not running. */
static void at_dialing_timeout_ignored_test(struct kunit *test)
{
	struct at_fake *f = at_dialing(test);

	at_timeout(f);
	KUNIT_EXPECT_STREQ(test, f->log, "");
	KUNIT_EXPECT_STREQ(test, f->sent, "");
	at_feed(f, "\r\nCONNECT 33600\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, "connected(33600, CONNECT 33600)");
}

static struct kunit_case at_engine_test_cases[] = {
	KUNIT_CASE(at_dial_sends_init_test),
	KUNIT_CASE(at_dial_sends_configured_init_test),
	KUNIT_CASE(at_init_ok_sends_atd_test),
	KUNIT_CASE(at_init_error_ends_test),
	KUNIT_CASE(at_init_ignores_ring_test),
	KUNIT_CASE_PARAM(at_result_split_test, at_split_gen_params),
	KUNIT_CASE_PARAM(at_result_after_echo_test, at_result_gen_params),
	KUNIT_CASE(at_echo_and_result_in_one_input_test),
	KUNIT_CASE(at_connect_lf_test),
	KUNIT_CASE(at_connect_lf_next_input_test),
	KUNIT_CASE(at_connect_numeric_data_test),
	KUNIT_CASE(at_idle_results_ignored_test),
	KUNIT_CASE(at_dialing_timeout_ignored_test),
	{}
};

static struct kunit_suite at_engine_test_suite = {
	.name = "modemline_at_engine",
	.test_cases = at_engine_test_cases,
};

/* ---- modemline_at_answer: incoming calls ---- */

static void at_ring_offers_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	at_feed(f, "\r\nRING\r\n");
	KUNIT_EXPECT_STREQ(test, f->log,
			   at_fmt(f, "timer(%u); offer(-)", MODEMLINE_AT_RING_GAP_MS));
	KUNIT_EXPECT_STREQ(test, f->sent, "");
}

static void at_ring_numeric_offers_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	at_feed(f, "2\r");
	KUNIT_EXPECT_STREQ(test, f->log,
			   at_fmt(f, "timer(%u); offer(-)", MODEMLINE_AT_RING_GAP_MS));
}

struct at_caller_case {
	const char *line;
	const char *number;	/* offered, "-" for none */
};

static const struct at_caller_case at_caller_cases[] = {
	{ "NMBR = 5551234", "5551234" },
	{ "NMBR=5551234", "5551234" },
	{ "+CLIP: \"5551234\",129", "5551234" },
	{ "NMBR = P", "-" },
};

static void at_caller_case_desc(const struct at_caller_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s -> %s", c->line, c->number);
}

KUNIT_ARRAY_PARAM(at_caller, at_caller_cases, at_caller_case_desc);

/* Caller id, then RING: the offer carries the number. */
static void at_caller_id_then_ring_test(struct kunit *test)
{
	const struct at_caller_case *c = test->param_value;
	struct at_fake *f = at_fake_new(test);

	at_feed(f, "\r\n");
	at_feed(f, c->line);
	at_feed(f, "\r\n\r\nRING\r\n");
	KUNIT_EXPECT_STREQ(test, f->log,
			   at_fmt(f, "timer(%u); offer(%s)", MODEMLINE_AT_RING_GAP_MS,
				  c->number));
}

/* Caller id between the first and the second RING reaches the second. */
static void at_caller_id_after_first_ring_test(struct kunit *test)
{
	struct at_fake *f = at_ringing(test);

	at_feed(f, "\r\n+CLIP: \"5551234\",129\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, "");
	at_feed(f, "\r\nRING\r\n");
	KUNIT_EXPECT_STREQ(test, f->log,
			   at_fmt(f, "timer(%u); offer(5551234)",
				  MODEMLINE_AT_RING_GAP_MS));
}

/* No RING for the ring gap: the caller gave up. */
static void at_ring_gap_ends_offer_test(struct kunit *test)
{
	struct at_fake *f = at_ringing(test);

	at_feed(f, "\r\nRING\r\n");
	at_forget(f);
	at_timeout(f);
	KUNIT_EXPECT_STREQ(test, f->log, "offer_end");
}

/* The next caller is not given the last one's number. */
static void at_ring_gap_forgets_caller_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	at_feed(f, "\r\nNMBR = 5551234\r\n\r\nRING\r\n");
	at_timeout(f);
	at_forget(f);
	at_feed(f, "\r\nRING\r\n");
	KUNIT_EXPECT_STREQ(test, f->log,
			   at_fmt(f, "timer(%u); offer(-)", MODEMLINE_AT_RING_GAP_MS));
}

static void at_idle_timeout_without_ring_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	at_timeout(f);
	KUNIT_EXPECT_STREQ(test, f->log, "");
}

static void at_answer_sends_init_test(struct kunit *test)
{
	struct at_fake *f = at_ringing(test);

	modemline_at_answer(&f->at);
	KUNIT_EXPECT_STREQ(test, f->sent, AT_INIT_SENT);
	KUNIT_EXPECT_STREQ(test, f->log,
			   at_fmt(f, "timer(%u)", MODEMLINE_AT_INIT_REPLY_MS));
}

static void at_answer_ok_sends_ata_test(struct kunit *test)
{
	struct at_fake *f = at_ringing(test);

	modemline_at_answer(&f->at);
	at_forget(f);
	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->sent, "ATA\r");
	KUNIT_EXPECT_STREQ(test, f->log, "timer(0)");
}

static void at_answer_connect_test(struct kunit *test)
{
	struct at_fake *f = at_ringing(test);

	modemline_at_answer(&f->at);
	at_feed(f, "\r\nOK\r\n");
	at_forget(f);
	at_feed(f, "\r\nCONNECT 33600/ARQ\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, "connected(33600, CONNECT 33600/ARQ)");
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_DATA);
}

/* RINGs still coming while we answer neither offer nor end the offer. */
static void at_answer_ignores_rings_test(struct kunit *test)
{
	struct at_fake *f = at_ringing(test);

	modemline_at_answer(&f->at);
	at_feed(f, "\r\nRING\r\n");
	at_feed(f, "\r\nOK\r\n");
	at_forget(f);
	at_feed(f, "\r\nRING\r\n");
	at_timeout(f);
	KUNIT_EXPECT_STREQ(test, f->log, "");
	KUNIT_EXPECT_STREQ(test, f->sent, "");
}

static void at_answer_no_carrier_test(struct kunit *test)
{
	struct at_fake *f = at_ringing(test);

	modemline_at_answer(&f->at);
	at_feed(f, "\r\nOK\r\n");
	at_forget(f);
	at_feed(f, "\r\nNO CARRIER\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, AT_ENDS(REMOTE, NO_CARRIER, "NO CARRIER"));
}

static struct kunit_case at_answer_test_cases[] = {
	KUNIT_CASE(at_ring_offers_test),
	KUNIT_CASE(at_ring_numeric_offers_test),
	KUNIT_CASE_PARAM(at_caller_id_then_ring_test, at_caller_gen_params),
	KUNIT_CASE(at_caller_id_after_first_ring_test),
	KUNIT_CASE(at_ring_gap_ends_offer_test),
	KUNIT_CASE(at_ring_gap_forgets_caller_test),
	KUNIT_CASE(at_idle_timeout_without_ring_test),
	KUNIT_CASE(at_answer_sends_init_test),
	KUNIT_CASE(at_answer_ok_sends_ata_test),
	KUNIT_CASE(at_answer_connect_test),
	KUNIT_CASE(at_answer_ignores_rings_test),
	KUNIT_CASE(at_answer_no_carrier_test),
	{}
};

static struct kunit_suite at_answer_test_suite = {
	.name = "modemline_at_answer",
	.test_cases = at_answer_test_cases,
};

/* ---- modemline_at_data: data mode ---- */

static const char at_end_line[] = MODEMLINE_AT_DATA_END;

#define AT_END_LEN	(sizeof(at_end_line) - 1)

/* Result look-alikes inside a flowing stream are data, byte for byte. */
static void at_data_untouched_test(struct kunit *test)
{
	static const u8 rx[] = "hello\r\nOK\r\nRING\r\n+++ATH\r\n"
			       "\r\nNO CARRIER\r\n3\r\x00\xff\x80RING\r\n"
			       "0\r\nNO CARRIER\r\nend";
	static const size_t cuts[] = { 0, 25, 44, sizeof(rx) - 1 };
	struct at_fake *f = at_online(test, false);
	size_t i;

	for (i = 0; i + 1 < ARRAY_SIZE(cuts); i++) {
		/* The second read starts with CR LF, the third after silence. */
		f->now += i == 2 ? AT_GUARD_MS : 5;
		at_input(f, rx + cuts[i], cuts[i + 1] - cuts[i]);
	}
	KUNIT_EXPECT_EQ(test, f->ndata, sizeof(rx) - 1);
	KUNIT_EXPECT_MEMEQ(test, f->data, rx, sizeof(rx) - 1);
	KUNIT_EXPECT_STREQ(test, f->log, "");
	KUNIT_EXPECT_STREQ(test, f->sent, "");
}

static void at_data_end_after_silence_test(struct kunit *test)
{
	struct at_fake *f = at_online(test, false);

	f->now += AT_GUARD_MS;
	at_feed(f, at_end_line);
	KUNIT_EXPECT_STREQ(test, f->log, AT_ENDS(REMOTE, NORMAL, "NO CARRIER"));
	KUNIT_EXPECT_EQ(test, f->ndata, 0);
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_IDLE);
}

struct at_quiet_case {
	unsigned int guard_ms;
	unsigned int silence_ms;	/* since the last byte received */
	bool ends;
};

static const struct at_quiet_case at_quiet_cases[] = {
	{ 1000, 0, false },
	{ 1000, 1, false },
	{ 1000, 999, false },
	{ 1000, 1000, true },
	{ 1000, 60000, true },
	{ 200, 199, false },
	{ 200, 200, true },
	{ 5000, 4999, false },
	{ 5000, 5000, true },
};

static void at_quiet_case_desc(const struct at_quiet_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "guard %u ms, silence %u ms: %s",
		 c->guard_ms, c->silence_ms, c->ends ? "end" : "data");
}

KUNIT_ARRAY_PARAM(at_quiet, at_quiet_cases, at_quiet_case_desc);

/* The end line counts only after guard_ms of silence; else it is data. */
static void at_data_end_needs_silence_test(struct kunit *test)
{
	const struct at_quiet_case *c = test->param_value;
	struct at_fake *f = at_fake_new(test);

	f->at.guard_ms = c->guard_ms;
	at_to_data(test, f);
	at_feed(f, "abc");
	f->now += c->silence_ms;
	at_feed(f, at_end_line);
	KUNIT_EXPECT_EQ(test, f->ends, c->ends ? 1U : 0U);
	if (c->ends) {
		KUNIT_EXPECT_EQ(test, f->origin, MODEMLINE_ORIGIN_REMOTE);
		KUNIT_EXPECT_EQ(test, f->reason, MODEMLINE_REASON_NORMAL);
		KUNIT_EXPECT_EQ(test, f->ndata, 3);
	} else {
		KUNIT_EXPECT_EQ(test, f->ndata, 3 + AT_END_LEN);
		KUNIT_EXPECT_MEMEQ(test, f->data + 3, at_end_line,
				   min(f->ndata - 3, AT_END_LEN));
	}
}

/* Split points of the end line: 1..len - 1, then len for bytewise. */
static MODEMLINE_KUNIT_GEN_PARAMS(at_end_split_gen_params)
{
	uintptr_t split = (uintptr_t)prev + 1;

	if (split > AT_END_LEN)
		return NULL;
	if (split < AT_END_LEN)
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "split %zu+%zu",
			 (size_t)split, AT_END_LEN - split);
	else
		snprintf(desc, KUNIT_PARAM_DESC_SIZE, "bytewise");
	return (const void *)split;
}

/* The end line ends the call however the reads cut it. */
static void at_data_end_split_test(struct kunit *test)
{
	struct at_fake *f = at_online(test, false);

	f->now += AT_GUARD_MS;
	at_input_split(f, (const u8 *)at_end_line, AT_END_LEN,
		       (uintptr_t)test->param_value, 1);
	KUNIT_EXPECT_EQ(test, f->ends, 1);
	KUNIT_EXPECT_EQ(test, f->origin, MODEMLINE_ORIGIN_REMOTE);
	KUNIT_EXPECT_EQ(test, f->reason, MODEMLINE_REASON_NORMAL);
	KUNIT_EXPECT_EQ(test, f->ndata, 0);
}

/* What follows the end line in the same read is command-mode input. */
static void at_data_end_then_commands_test(struct kunit *test)
{
	struct at_fake *f = at_online(test, false);

	f->now += AT_GUARD_MS;
	at_feed(f, MODEMLINE_AT_DATA_END "\r\nRING\r\n");
	KUNIT_EXPECT_STREQ(test, f->log,
			   at_fmt(f, "%s; timer(%u); offer(-)",
				  AT_ENDS(REMOTE, NORMAL, "NO CARRIER"),
				  MODEMLINE_AT_RING_GAP_MS));
	KUNIT_EXPECT_EQ(test, f->ndata, 0);
}

/* The end line shortly after data is data. */
static void at_data_end_inside_stream_test(struct kunit *test)
{
	static const char rx[] = "abc" MODEMLINE_AT_DATA_END;
	struct at_fake *f = at_online(test, false);

	f->now += AT_GUARD_MS;
	at_feed(f, "abc");
	f->now += AT_GUARD_MS - 1;
	at_feed(f, at_end_line);
	KUNIT_EXPECT_STREQ(test, f->log, "");
	KUNIT_EXPECT_EQ(test, f->ndata, sizeof(rx) - 1);
	KUNIT_EXPECT_MEMEQ(test, f->data, rx, sizeof(rx) - 1);
}

/* After silence, but not where the read starts: data. */
static void at_data_end_mid_input_test(struct kunit *test)
{
	static const char rx[] = "abc" MODEMLINE_AT_DATA_END;
	struct at_fake *f = at_online(test, false);

	f->now += AT_GUARD_MS;
	at_feed(f, rx);
	KUNIT_EXPECT_STREQ(test, f->log, "");
	KUNIT_EXPECT_EQ(test, f->ndata, sizeof(rx) - 1);
	KUNIT_EXPECT_MEMEQ(test, f->data, rx, sizeof(rx) - 1);
}

/* A partial match is held back, and the guard timer armed. */
static void at_data_partial_held_test(struct kunit *test)
{
	struct at_fake *f = at_online(test, false);

	f->now += AT_GUARD_MS;
	at_feed(f, "\r\nNO CAR");
	KUNIT_EXPECT_EQ(test, f->ndata, 0);
	KUNIT_EXPECT_STREQ(test, f->log, at_fmt(f, "timer(%u)", AT_GUARD_MS));
}

/* A partial match, then other bytes: all data, in order. */
static void at_data_partial_then_data_test(struct kunit *test)
{
	static const char rx[] = "\r\nNO CARxyz";
	struct at_fake *f = at_online(test, false);

	f->now += AT_GUARD_MS;
	at_feed(f, "\r\nNO CAR");
	f->now += 1;
	at_feed(f, "xyz");
	KUNIT_EXPECT_EQ(test, f->ends, 0);
	KUNIT_EXPECT_EQ(test, f->ndata, sizeof(rx) - 1);
	KUNIT_EXPECT_MEMEQ(test, f->data, rx, sizeof(rx) - 1);
}

/* The same with the mismatch in the same read. */
static void at_data_partial_then_data_one_input_test(struct kunit *test)
{
	static const char rx[] = "\r\nNO CARxyz\r\nNO CARRIER\r\n";
	struct at_fake *f = at_online(test, false);

	f->now += AT_GUARD_MS;
	at_feed(f, rx);
	KUNIT_EXPECT_EQ(test, f->ends, 0);
	KUNIT_EXPECT_EQ(test, f->ndata, sizeof(rx) - 1);
	KUNIT_EXPECT_MEMEQ(test, f->data, rx, sizeof(rx) - 1);
}

/* A partial match, then silence: the held bytes are data. */
static void at_data_partial_then_timeout_test(struct kunit *test)
{
	static const char rx[] = "\r\nNO CAR";
	struct at_fake *f = at_online(test, false);

	f->now += AT_GUARD_MS;
	at_feed(f, rx);
	at_timeout(f);
	KUNIT_EXPECT_EQ(test, f->ndata, sizeof(rx) - 1);
	KUNIT_EXPECT_MEMEQ(test, f->data, rx, sizeof(rx) - 1);
	/* The rest of the line, now late, is data too. */
	f->now += 1;
	at_feed(f, "RIER\r\n");
	KUNIT_EXPECT_EQ(test, f->ends, 0);
	KUNIT_EXPECT_EQ(test, f->ndata, AT_END_LEN);
	KUNIT_EXPECT_MEMEQ(test, f->data, at_end_line, min(f->ndata, AT_END_LEN));
}

/* Numeric NO CARRIER is never a result in data mode. */
static void at_data_numeric_end_is_data_test(struct kunit *test)
{
	struct at_fake *f = at_online(test, false);

	f->now += AT_GUARD_MS;
	at_feed(f, "3\r");
	KUNIT_EXPECT_EQ(test, f->ends, 0);
	KUNIT_EXPECT_EQ(test, f->ndata, 2);
	KUNIT_EXPECT_MEMEQ(test, f->data, "3\r", min_t(size_t, f->ndata, 2));
}

static void at_data_carrier_lost_test(struct kunit *test)
{
	struct at_fake *f = at_online(test, false);

	modemline_at_carrier_lost(&f->at);
	KUNIT_EXPECT_STREQ(test, f->log, AT_ENDS(REMOTE, CARRIER_LOST, "-"));
}

/* Carrier detect going down outside a call means nothing. */
static void at_carrier_lost_outside_call_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	modemline_at_carrier_lost(&f->at);
	at_to_dialing(test, f);
	modemline_at_carrier_lost(&f->at);
	KUNIT_EXPECT_STREQ(test, f->log, "");
	at_feed(f, "\r\nCONNECT\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, "connected(0, CONNECT)");
}

static struct kunit_case at_data_test_cases[] = {
	KUNIT_CASE(at_data_untouched_test),
	KUNIT_CASE(at_data_end_after_silence_test),
	KUNIT_CASE_PARAM(at_data_end_needs_silence_test, at_quiet_gen_params),
	KUNIT_CASE_PARAM(at_data_end_split_test, at_end_split_gen_params),
	KUNIT_CASE(at_data_end_then_commands_test),
	KUNIT_CASE(at_data_end_inside_stream_test),
	KUNIT_CASE(at_data_end_mid_input_test),
	KUNIT_CASE(at_data_partial_held_test),
	KUNIT_CASE(at_data_partial_then_data_test),
	KUNIT_CASE(at_data_partial_then_data_one_input_test),
	KUNIT_CASE(at_data_partial_then_timeout_test),
	KUNIT_CASE(at_data_numeric_end_is_data_test),
	KUNIT_CASE(at_data_carrier_lost_test),
	KUNIT_CASE(at_carrier_lost_outside_call_test),
	{}
};

static struct kunit_suite at_data_test_suite = {
	.name = "modemline_at_data",
	.test_cases = at_data_test_cases,
};

/* ---- modemline_at_hangup ---- */

/* A connected call being hung up by DTR: DTR is low. */
static struct at_fake *at_dtr_low(struct kunit *test)
{
	struct at_fake *f = at_online(test, true);

	modemline_at_hangup(&f->at);
	KUNIT_ASSERT_FALSE(test, f->dtr);
	at_forget(f);
	return f;
}

/* DTR is back up; the modem has not answered yet. */
static struct at_fake *at_dtr_raised(struct kunit *test)
{
	struct at_fake *f = at_dtr_low(test);

	at_timeout(f);
	KUNIT_ASSERT_TRUE(test, f->dtr);
	at_forget(f);
	return f;
}

/* Hanging up by escape, waiting out the guard time before "+++". */
static struct at_fake *at_escape_guard(struct kunit *test, bool has_dtr)
{
	struct at_fake *f;

	if (has_dtr) {
		f = at_dtr_raised(test);
		at_timeout(f);		/* the modem ignored DTR */
	} else {
		f = at_online(test, false);
		modemline_at_hangup(&f->at);
	}
	KUNIT_ASSERT_EQ(test, f->at.phase, MODEMLINE_AT_GUARD_BEFORE);
	at_forget(f);
	return f;
}

/* "+++" sent, waiting for the modem's OK. */
static struct at_fake *at_escape_sent(struct kunit *test, bool has_dtr)
{
	struct at_fake *f = at_escape_guard(test, has_dtr);

	at_timeout(f);
	KUNIT_ASSERT_STREQ(test, f->sent, "+++");
	at_forget(f);
	return f;
}

static const bool at_dtr_params[] = { false, true };

static void at_dtr_desc(const bool *has_dtr, char *desc)
{
	strscpy(desc, *has_dtr ? "DTR ignored first" : "no DTR",
		KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(at_dtr, at_dtr_params, at_dtr_desc);

static void at_hangup_dtr_drops_dtr_test(struct kunit *test)
{
	struct at_fake *f = at_online(test, true);

	modemline_at_hangup(&f->at);
	KUNIT_EXPECT_STREQ(test, f->log,
			   at_fmt(f, "dtr(off); timer(%u)", MODEMLINE_AT_DTR_DROP_MS));
	KUNIT_EXPECT_EQ(test, MODEMLINE_AT_DTR_DROP_MS, 500);
	KUNIT_EXPECT_STREQ(test, f->sent, "");
}

static void at_hangup_dtr_raised_after_drop_test(struct kunit *test)
{
	struct at_fake *f = at_dtr_low(test);

	at_timeout(f);
	KUNIT_EXPECT_STREQ(test, f->log,
			   at_fmt(f, "dtr(on); timer(%u)", MODEMLINE_AT_DTR_REPLY_MS));
	KUNIT_EXPECT_STREQ(test, f->sent, "");
}

/* The modem's reply to the hang-up, in either form, ends the call. */
static const struct at_result_case at_hangup_reply_cases[] = {
	{ AT_V("NO CARRIER"), AT_ENDS(LOCAL, NORMAL, "NO CARRIER") },
	{ AT_V("OK"), AT_ENDS(LOCAL, NORMAL, "OK") },
	{ AT_V("ERROR"), AT_ENDS(LOCAL, NORMAL, "ERROR") },
	{ AT_N("3"), AT_ENDS(LOCAL, NORMAL, "NO CARRIER") },
	{ AT_N("0"), AT_ENDS(LOCAL, NORMAL, "OK") },
};

KUNIT_ARRAY_PARAM(at_hangup_reply, at_hangup_reply_cases, at_result_case_desc);

static void at_hangup_dtr_reply_ends_test(struct kunit *test)
{
	const struct at_result_case *c = test->param_value;
	struct at_fake *f = at_dtr_raised(test);

	at_feed(f, c->bytes);
	KUNIT_EXPECT_STREQ(test, f->log, c->log);
	KUNIT_EXPECT_TRUE(test, f->dtr);
}

/*
 * The modem answers the DTR drop while DTR is still low (at.h: "a modem
 * answers a DTR drop at once"): the call ends, and DTR must not stay low,
 * or the modem ignores the next call's commands.
 */
static void at_hangup_dtr_reply_while_low_raises_dtr_test(struct kunit *test)
{
	struct at_fake *f = at_dtr_low(test);

	at_feed(f, "\r\nNO CARRIER\r\n");
	KUNIT_EXPECT_EQ(test, f->ends, 1);
	KUNIT_EXPECT_EQ(test, f->origin, MODEMLINE_ORIGIN_LOCAL);
	KUNIT_EXPECT_EQ(test, f->reason, MODEMLINE_REASON_NORMAL);
	/* Raising it when the timer runs out would do too. */
	if (f->timer_ms)
		at_timeout(f);
	KUNIT_EXPECT_TRUE_MSG(test, f->dtr, "DTR left low: %s", f->log);
}

/*
 * Carrier detect reports the drop first (&C1): DTR goes up at once, and
 * the call ends with the modem's result code, which must not be left to
 * pass for the reply to the next call's init string.
 */
static void at_hangup_carrier_lost_while_low_waits_for_the_reply_test(struct kunit *test)
{
	struct at_fake *f = at_dtr_low(test);

	modemline_at_carrier_lost(&f->at);
	KUNIT_EXPECT_TRUE_MSG(test, f->dtr, "DTR left low: %s", f->log);
	KUNIT_EXPECT_EQ(test, f->ends, 0);
	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_EQ(test, f->ends, 1);
	KUNIT_EXPECT_EQ(test, f->origin, MODEMLINE_ORIGIN_LOCAL);
	KUNIT_EXPECT_EQ(test, f->reason, MODEMLINE_REASON_NORMAL);
	KUNIT_EXPECT_EQ(test, f->timer_ms, 0U);
}

/* A modem that says nothing after dropping carrier: the reply's time, no escape. */
static void at_hangup_carrier_lost_while_low_silent_modem_test(struct kunit *test)
{
	struct at_fake *f = at_dtr_low(test);

	modemline_at_carrier_lost(&f->at);
	KUNIT_EXPECT_EQ(test, f->timer_ms, MODEMLINE_AT_REPLY_MS);
	at_timeout(f);
	KUNIT_EXPECT_EQ(test, f->ends, 1);
	KUNIT_EXPECT_EQ(test, f->origin, MODEMLINE_ORIGIN_LOCAL);
	KUNIT_EXPECT_EQ(test, f->reason, MODEMLINE_REASON_NORMAL);
	KUNIT_EXPECT_TRUE_MSG(test, f->dtr, "DTR left low: %s", f->log);
	KUNIT_EXPECT_NULL_MSG(test, strstr(f->sent, "+++"), "escape after carrier loss: %s",
			      f->log);
}

/* The modem ignored DTR: silence before the escape, nothing sent. */
static void at_escape_guard_test(struct kunit *test)
{
	bool has_dtr = *(const bool *)test->param_value;
	struct at_fake *f;

	if (has_dtr) {
		f = at_dtr_raised(test);
		at_timeout(f);
	} else {
		f = at_online(test, false);
		modemline_at_hangup(&f->at);
	}
	KUNIT_EXPECT_STREQ(test, f->log, at_fmt(f, "timer(%u)", AT_GUARD_MS));
	KUNIT_EXPECT_STREQ(test, f->sent, "");
	KUNIT_EXPECT_TRUE(test, f->dtr);
}

static void at_escape_plus_test(struct kunit *test)
{
	struct at_fake *f = at_escape_guard(test, *(const bool *)test->param_value);

	at_timeout(f);
	KUNIT_EXPECT_STREQ(test, f->sent, "+++");
	KUNIT_EXPECT_STREQ(test, f->log,
			   at_fmt(f, "timer(%u)", AT_GUARD_MS + MODEMLINE_AT_REPLY_MS));
}

static void at_escape_ok_sends_ath_test(struct kunit *test)
{
	struct at_fake *f = at_escape_sent(test, *(const bool *)test->param_value);

	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->sent, "ATH\r");
	KUNIT_EXPECT_STREQ(test, f->log, at_fmt(f, "timer(%u)", MODEMLINE_AT_REPLY_MS));
}

static void at_escape_ath_ok_ends_test(struct kunit *test)
{
	struct at_fake *f = at_escape_sent(test, *(const bool *)test->param_value);

	at_feed(f, "\r\nOK\r\n");
	at_forget(f);
	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, AT_ENDS(LOCAL, NORMAL, "OK"));
	KUNIT_EXPECT_STREQ(test, f->sent, "");
}

/* No OK to "+++": ATH anyway. */
static void at_escape_no_ok_sends_ath_test(struct kunit *test)
{
	struct at_fake *f = at_escape_sent(test, *(const bool *)test->param_value);

	at_timeout(f);
	KUNIT_EXPECT_STREQ(test, f->sent, "ATH\r");
	KUNIT_EXPECT_STREQ(test, f->log, at_fmt(f, "timer(%u)", MODEMLINE_AT_REPLY_MS));
	at_forget(f);
	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, AT_ENDS(LOCAL, NORMAL, "OK"));
}

/* A modem silent through the whole hang-up: ended after the last step. */
static void at_hangup_silent_modem_dtr_test(struct kunit *test)
{
	struct at_fake *f = at_online(test, true);
	int i;

	modemline_at_hangup(&f->at);
	for (i = 0; i < 4; i++)
		at_timeout(f);
	KUNIT_EXPECT_EQ(test, f->ends, 0);
	at_timeout(f);
	KUNIT_EXPECT_STREQ(test, f->log,
			   at_fmt(f,
				  "dtr(off); timer(%u); dtr(on); timer(%u); timer(%u); timer(%u); timer(%u); %s",
				  MODEMLINE_AT_DTR_DROP_MS, MODEMLINE_AT_DTR_REPLY_MS,
				  AT_GUARD_MS, AT_GUARD_MS + MODEMLINE_AT_REPLY_MS,
				  MODEMLINE_AT_REPLY_MS, AT_ENDS(LOCAL, NORMAL, "-")));
	KUNIT_EXPECT_STREQ(test, f->sent, "+++ATH\r");
}

static void at_hangup_silent_modem_no_dtr_test(struct kunit *test)
{
	struct at_fake *f = at_online(test, false);
	int i;

	modemline_at_hangup(&f->at);
	for (i = 0; i < 2; i++)
		at_timeout(f);
	KUNIT_EXPECT_EQ(test, f->ends, 0);
	at_timeout(f);
	KUNIT_EXPECT_STREQ(test, f->log,
			   at_fmt(f, "timer(%u); timer(%u); timer(%u); %s",
				  AT_GUARD_MS, AT_GUARD_MS + MODEMLINE_AT_REPLY_MS,
				  MODEMLINE_AT_REPLY_MS, AT_ENDS(LOCAL, NORMAL, "-")));
	KUNIT_EXPECT_STREQ(test, f->sent, "+++ATH\r");
}

/* A second hang-up while one is under way changes nothing. */
static void at_hangup_twice_test(struct kunit *test)
{
	struct at_fake *f = at_dtr_low(test);

	modemline_at_hangup(&f->at);
	KUNIT_EXPECT_STREQ(test, f->log, "");
	KUNIT_EXPECT_STREQ(test, f->sent, "");
}

/* Any character aborts a dial. */
static void at_hangup_dialing_sends_cr_test(struct kunit *test)
{
	struct at_fake *f = at_dialing(test);

	modemline_at_hangup(&f->at);
	KUNIT_EXPECT_STREQ(test, f->sent, "\r");
	KUNIT_EXPECT_STREQ(test, f->log, at_fmt(f, "timer(%u)", MODEMLINE_AT_REPLY_MS));
}

static void at_hangup_dialing_reply_ends_test(struct kunit *test)
{
	const struct at_result_case *c = test->param_value;
	struct at_fake *f = at_dialing(test);

	modemline_at_hangup(&f->at);
	at_forget(f);
	at_feed(f, c->bytes);
	KUNIT_EXPECT_STREQ(test, f->log, c->log);
}

static void at_hangup_dialing_silent_test(struct kunit *test)
{
	struct at_fake *f = at_dialing(test);

	modemline_at_hangup(&f->at);
	at_forget(f);
	at_timeout(f);
	KUNIT_EXPECT_STREQ(test, f->log, AT_ENDS(LOCAL, NORMAL, "-"));
}

static void at_hangup_answering_test(struct kunit *test)
{
	struct at_fake *f = at_ringing(test);

	modemline_at_answer(&f->at);
	at_feed(f, "\r\nOK\r\n");
	at_forget(f);
	modemline_at_hangup(&f->at);
	KUNIT_EXPECT_STREQ(test, f->sent, "\r");
	at_feed(f, "\r\nNO CARRIER\r\n");
	KUNIT_EXPECT_STREQ(test, f->log,
			   at_fmt(f, "timer(%u); %s", MODEMLINE_AT_REPLY_MS,
				  AT_ENDS(LOCAL, NORMAL, "NO CARRIER")));
}

/* Nothing dialed yet: the engine waits for the init string's reply. */
static void at_hangup_init_waits_for_init_reply_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	at_to_init(test, f);
	modemline_at_hangup(&f->at);
	KUNIT_EXPECT_STREQ(test, f->log, at_fmt(f, "timer(%u)", MODEMLINE_AT_REPLY_MS));
	KUNIT_EXPECT_STREQ(test, f->sent, "");
	at_forget(f);
	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, AT_ENDS(LOCAL, NORMAL, "OK"));
	KUNIT_EXPECT_STREQ(test, f->sent, "");
}

/* ... and ends all the same when the modem never replies. */
static void at_hangup_init_silent_modem_ends_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	at_to_init(test, f);
	modemline_at_hangup(&f->at);
	at_forget(f);
	modemline_at_timeout(&f->at);
	KUNIT_EXPECT_STREQ(test, f->log, AT_ENDS(LOCAL, NORMAL, "-"));
}

/*
 * The next dial, once the abandoned init's OK was consumed, starts from
 * scratch: its own init's OK sends ATD, and its CONNECT connects.
 */
static void at_hangup_init_redial_after_reply_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	at_to_init(test, f);
	modemline_at_hangup(&f->at);
	at_feed(f, "\r\nOK\r\n");
	modemline_at_dial(&f->at, AT_NUMBER, false);
	at_forget(f);
	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->sent, "ATD" AT_NUMBER "\r");
	KUNIT_EXPECT_EQ(test, f->ends, 0);
	at_forget(f);
	at_feed(f, "\r\nCONNECT 33600\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, "connected(33600, CONNECT 33600)");
}

/*
 * The modem connects just as the dial is aborted (the core's dial
 * timeout): it is online, and must be hung up before the call is
 * reported ended.
 */
static void at_hangup_dialing_connect_race_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);
	int i;

	f->at.has_dtr = true;
	at_to_dialing(test, f);
	modemline_at_hangup(&f->at);
	at_feed(f, "\r\nCONNECT 33600\r\n");
	for (i = 0; i < 8 && !f->ends; i++)
		at_timeout(f);
	KUNIT_EXPECT_EQ(test, f->ends, 1);
	KUNIT_EXPECT_TRUE_MSG(test, strstr(f->log, "dtr(off)") ||
			      strstr(f->sent, "+++"),
			      "modem left online: log %s", f->log);
}

/*
 * Issue 20.7: the worst hang-up, each step waiting out its whole timer: a
 * dial being aborted connects after all, then nothing answers DTR, the
 * escape or ATH. What the engine takes is the sum of its timers, and
 * modemline_at_hangup_ms(), from which the core sets its backstop, must
 * be exactly that.
 */
static void at_hangup_budget_case(struct kunit *test, bool has_dtr)
{
	struct at_fake *f = at_fake_new(test);
	unsigned int total, steps = 0;

	f->at.guard_ms = AT_GUARD_MS;
	f->at.has_dtr = has_dtr;
	at_to_dialing(test, f);
	modemline_at_hangup(&f->at);
	total = f->timer_ms;
	/* At the very end of the abort's wait. */
	at_feed(f, "\r\nCONNECT 2400\r\n");
	while (!f->ends && steps++ < 10) {
		KUNIT_ASSERT_NE(test, f->timer_ms, 0U);
		total += f->timer_ms;
		at_timeout(f);
	}
	KUNIT_EXPECT_EQ(test, f->ends, 1U);
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_IDLE);
	KUNIT_EXPECT_EQ(test, total, modemline_at_hangup_ms(&f->at));
}

static void at_hangup_budget_with_dtr_test(struct kunit *test)
{
	at_hangup_budget_case(test, true);
}

static void at_hangup_budget_without_dtr_test(struct kunit *test)
{
	at_hangup_budget_case(test, false);
}

static struct kunit_case at_hangup_test_cases[] = {
	KUNIT_CASE(at_hangup_budget_with_dtr_test),
	KUNIT_CASE(at_hangup_budget_without_dtr_test),
	KUNIT_CASE(at_hangup_dtr_drops_dtr_test),
	KUNIT_CASE(at_hangup_dtr_raised_after_drop_test),
	KUNIT_CASE_PARAM(at_hangup_dtr_reply_ends_test, at_hangup_reply_gen_params),
	KUNIT_CASE(at_hangup_dtr_reply_while_low_raises_dtr_test),
	KUNIT_CASE(at_hangup_carrier_lost_while_low_waits_for_the_reply_test),
	KUNIT_CASE(at_hangup_carrier_lost_while_low_silent_modem_test),
	KUNIT_CASE_PARAM(at_escape_guard_test, at_dtr_gen_params),
	KUNIT_CASE_PARAM(at_escape_plus_test, at_dtr_gen_params),
	KUNIT_CASE_PARAM(at_escape_ok_sends_ath_test, at_dtr_gen_params),
	KUNIT_CASE_PARAM(at_escape_ath_ok_ends_test, at_dtr_gen_params),
	KUNIT_CASE_PARAM(at_escape_no_ok_sends_ath_test, at_dtr_gen_params),
	KUNIT_CASE(at_hangup_silent_modem_dtr_test),
	KUNIT_CASE(at_hangup_silent_modem_no_dtr_test),
	KUNIT_CASE(at_hangup_twice_test),
	KUNIT_CASE(at_hangup_dialing_sends_cr_test),
	KUNIT_CASE_PARAM(at_hangup_dialing_reply_ends_test, at_hangup_reply_gen_params),
	KUNIT_CASE(at_hangup_dialing_silent_test),
	KUNIT_CASE(at_hangup_answering_test),
	KUNIT_CASE(at_hangup_init_waits_for_init_reply_test),
	KUNIT_CASE(at_hangup_init_silent_modem_ends_test),
	KUNIT_CASE(at_hangup_init_redial_after_reply_test),
	KUNIT_CASE(at_hangup_dialing_connect_race_test),
	{}
};

static struct kunit_suite at_hangup_test_suite = {
	.name = "modemline_at_hangup",
	.test_cases = at_hangup_test_cases,
};

/* ---- modemline_at_noise: malformed input ---- */

struct at_bytes_case {
	const u8 *bytes;
	size_t len;
	const char *log;
};

#define AT_BYTES(s)	.bytes = (const u8 *)(s), .len = sizeof(s) - 1

/*
 * Noise fed to a dial in progress, and what must come of it. Octal
 * escapes where a hex one would swallow the next character.
 */
static const struct at_bytes_case at_noise_cases[] = {
	{ AT_BYTES("\r\n\0BU\xffSY\r\n"), AT_ENDS(REMOTE, BUSY, "BUSY") },
	{ AT_BYTES("\r\nB\x01U\x1bS\x7fY\r\n"), AT_ENDS(REMOTE, BUSY, "BUSY") },
	{ AT_BYTES("\x00\x00\xff\r\nBUSY\r\n\xff\xfe"), AT_ENDS(REMOTE, BUSY, "BUSY") },
	{ AT_BYTES("\r\n\x80\x81NO \233CARRIER\x07\r\n"),
	  AT_ENDS(REMOTE, NO_CARRIER, "NO CARRIER") },
	{ AT_BYTES("\xfe\xfd\r\n\r\n\x07\r\n\r\nBUSY\r\n"), AT_ENDS(REMOTE, BUSY, "BUSY") },
	{ AT_BYTES("\r\n\x13\x11\xf0\x0f\r\n\r\nNO ANSWER\r\n"),
	  AT_ENDS(REMOTE, NO_ANSWER, "NO ANSWER") },
	{ AT_BYTES("\r\nCON\0NECT 33\377600\r\n"),
	  AT_CONNECTS(33600, "CONNECT 33600") },
	{ AT_BYTES("\0007\xff\r"), AT_ENDS(REMOTE, BUSY, "BUSY") },
	{ AT_BYTES("\r\nXYZZY\r\n\r\nBUSY\r\n"), AT_ENDS(REMOTE, BUSY, "BUSY") },
	{ AT_BYTES("\x8a\x17\xe3\x5c\x00\xb1\x9f\x42\r\n\x1b[2J\r\n"), "" },
	{ AT_BYTES("\r\n\xc2\xa0\xe2\x80\x8b\r\n"), "" },
};

static void at_bytes_case_desc(const struct at_bytes_case *c, char *desc)
{
	at_escape(c->bytes, c->len, desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(at_noise, at_noise_cases, at_bytes_case_desc);

/* Control characters and bytes >= 0x7f in result lines are dropped. */
static void at_noise_dropped_test(struct kunit *test)
{
	const struct at_bytes_case *c = test->param_value;
	struct at_fake *f = at_dialing(test);

	at_input(f, c->bytes, c->len);
	KUNIT_EXPECT_STREQ(test, f->log, c->log);
	KUNIT_EXPECT_STREQ(test, f->sent, "");
}

/* Stray CR and LF, blank lines, LF-only line ends. */
static void at_noise_empty_lines_test(struct kunit *test)
{
	struct at_fake *f = at_dialing(test);

	at_feed(f, "\r\r\n\n\n\r\r\n \r\n\t\r\n\r");
	KUNIT_EXPECT_STREQ(test, f->log, "");
	at_feed(f, "BUSY\n");
	KUNIT_EXPECT_STREQ(test, f->log, AT_ENDS(REMOTE, BUSY, "BUSY"));
}

/* An empty read changes nothing. */
static void at_noise_empty_input_test(struct kunit *test)
{
	struct at_fake *f = at_dialing(test);

	at_input(f, "", 0);
	at_feed(f, "\r\nBU");
	at_input(f, "", 0);
	at_feed(f, "SY\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, AT_ENDS(REMOTE, BUSY, "BUSY"));
}

/* @pad blanks, then @text and @end: @pad + strlen(@text) long. */
static void at_feed_padded(struct kunit *test, struct at_fake *f, size_t pad,
			   const char *text, bool text_first, const char *end)
{
	size_t tlen = strlen(text);
	char *line = kunit_kmalloc(test, pad + tlen, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, line);
	memset(line, ' ', pad + tlen);
	memcpy(text_first ? line : line + pad, text, tlen);
	at_input(f, line, pad + tlen);
	at_feed(f, end);
}

/* A line too long to keep is dropped whole, even if it ends in a result. */
static void at_noise_long_line_tail_dropped_test(struct kunit *test)
{
	struct at_fake *f = at_dialing(test);

	at_feed(f, "\r\n");
	at_feed_padded(test, f, AT_LONG_LINE - 4, "BUSY", false, "\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, "");
	at_feed(f, "\r\nNO ANSWER\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, AT_ENDS(REMOTE, NO_ANSWER, "NO ANSWER"));
}

/* ... or starts with one: its head is not taken for the whole line. */
static void at_noise_long_line_head_dropped_test(struct kunit *test)
{
	struct at_fake *f = at_dialing(test);

	at_feed(f, "\r\n");
	at_feed_padded(test, f, AT_LONG_LINE - 4, "BUSY", true, "\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, "");
	at_feed(f, "\r\nNO ANSWER\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, AT_ENDS(REMOTE, NO_ANSWER, "NO ANSWER"));
}

/* The longest line kept: MODEMLINE_AT_LINE_MAX - 1 characters. */
static void at_noise_longest_line_kept_test(struct kunit *test)
{
	struct at_fake *f = at_dialing(test);

	at_feed_padded(test, f, MODEMLINE_AT_LINE_MAX - 1 - 4, "BUSY", false, "\r");
	KUNIT_EXPECT_STREQ(test, f->log, AT_ENDS(REMOTE, BUSY, "BUSY"));
}

static void at_noise_line_one_too_long_dropped_test(struct kunit *test)
{
	struct at_fake *f = at_dialing(test);

	at_feed_padded(test, f, MODEMLINE_AT_LINE_MAX - 4, "BUSY", false, "\r");
	KUNIT_EXPECT_STREQ(test, f->log, "");
}

/* However much comes without a line end, the line buffer holds. */
static void at_noise_long_line_bounded_test(struct kunit *test)
{
	struct at_fake *f = at_dialing(test);
	int i;

	for (i = 0; i < AT_LONG_LINE; i++) {
		at_feed(f, "A");
		KUNIT_ASSERT_LT(test, f->at.len, (u32)MODEMLINE_AT_LINE_MAX);
	}
	for (i = 0; i < 100; i++)
		at_feed_padded(test, f, 100, "B", false, "");
	KUNIT_EXPECT_LT(test, f->at.len, (u32)MODEMLINE_AT_LINE_MAX);
	at_feed(f, "\r");
	KUNIT_EXPECT_EQ(test, f->at.len, 0);
	KUNIT_EXPECT_STREQ(test, f->log, "");
}

/* Half a result, then the transport goes away: nothing is reported. */
static void at_noise_half_result_reset_test(struct kunit *test)
{
	struct at_fake *f = at_dialing(test);

	at_feed(f, "\r\nBUS");
	modemline_at_reset(&f->at);
	at_feed(f, "Y\r\n");
	at_timeout(f);
	KUNIT_EXPECT_STREQ(test, f->log, "timer(0)");
	KUNIT_EXPECT_STREQ(test, f->sent, "");
}

/* ... and the next dial starts clean. */
static void at_noise_reset_then_dial_test(struct kunit *test)
{
	struct at_fake *f = at_dialing(test);

	at_feed(f, "\r\nBUS");
	modemline_at_reset(&f->at);
	at_to_dialing(test, f);
	at_feed(f, "\r\nBUSY\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, AT_ENDS(REMOTE, BUSY, "BUSY"));
}

/* A reset forgets bytes held in data mode and an offer in progress. */
static void at_noise_reset_forgets_held_test(struct kunit *test)
{
	struct at_fake *f = at_online(test, false);

	f->now += AT_GUARD_MS;
	at_feed(f, "\r\nNO CAR");
	modemline_at_reset(&f->at);
	at_timeout(f);
	KUNIT_EXPECT_EQ(test, f->ndata, 0);
	KUNIT_EXPECT_EQ(test, f->ends, 0);
}

static void at_noise_reset_while_ringing_test(struct kunit *test)
{
	struct at_fake *f = at_ringing(test);

	modemline_at_reset(&f->at);
	at_timeout(f);
	KUNIT_EXPECT_STREQ(test, f->log, "timer(0)");
}

static struct kunit_case at_noise_test_cases[] = {
	KUNIT_CASE_PARAM(at_noise_dropped_test, at_noise_gen_params),
	KUNIT_CASE(at_noise_empty_lines_test),
	KUNIT_CASE(at_noise_empty_input_test),
	KUNIT_CASE(at_noise_long_line_tail_dropped_test),
	KUNIT_CASE(at_noise_long_line_head_dropped_test),
	KUNIT_CASE(at_noise_longest_line_kept_test),
	KUNIT_CASE(at_noise_line_one_too_long_dropped_test),
	KUNIT_CASE(at_noise_long_line_bounded_test),
	KUNIT_CASE(at_noise_half_result_reset_test),
	KUNIT_CASE(at_noise_reset_then_dial_test),
	KUNIT_CASE(at_noise_reset_forgets_held_test),
	KUNIT_CASE(at_noise_reset_while_ringing_test),
	{}
};

static struct kunit_suite at_noise_test_suite = {
	.name = "modemline_at_noise",
	.test_cases = at_noise_test_cases,
};

/* -------------------------------------------------------------------- */
/* An unanswered init string: a modem left online is hung up and revived */

/*
 * The init string went unanswered and the engine hung the modem up by
 * the escape (no DTR): the guard, "+++", the modem's OK, ATH.
 */
static void at_to_revive_ath(struct kunit *test, struct at_fake *f)
{
	f->at.guard_ms = AT_GUARD_MS;
	at_to_init(test, f);
	KUNIT_ASSERT_EQ(test, f->timer_ms, MODEMLINE_AT_INIT_REPLY_MS);
	at_timeout(f);
	KUNIT_ASSERT_EQ(test, f->at.phase, MODEMLINE_AT_GUARD_BEFORE);
	KUNIT_ASSERT_EQ(test, f->timer_ms, AT_GUARD_MS);
	at_timeout(f);
	KUNIT_ASSERT_STREQ(test, f->sent, "+++");
	at_feed(f, "\r\nOK\r\n");
	KUNIT_ASSERT_STREQ(test, f->sent, "+++ATH\r");
	KUNIT_ASSERT_EQ(test, f->ends, 0U);
	at_forget(f);
}

static void at_revive_sends_init_again_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	at_to_revive_ath(test, f);
	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->sent, AT_INIT_SENT);
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_INIT);
	KUNIT_EXPECT_EQ(test, f->timer_ms, MODEMLINE_AT_INIT_REPLY_MS);
	KUNIT_EXPECT_EQ(test, f->ends, 0U);
}

static void at_revived_modem_dials_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	at_to_revive_ath(test, f);
	at_feed(f, "\r\nOK\r\n\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->sent, AT_INIT_SENT "ATD" AT_NUMBER "\r");
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_DIALING);
	at_feed(f, "\r\nCONNECT 33600\r\n");
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_DATA);
	KUNIT_EXPECT_EQ(test, f->ends, 0U);
}

/* A modem in command mode that missed the init: "+++ATH" is an ERROR. */
static void at_revive_error_to_ath_sends_init_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	at_to_init(test, f);
	at_timeout(f);
	at_timeout(f);
	at_timeout(f);			/* no OK to the +++: ATH anyway */
	KUNIT_ASSERT_STREQ(test, f->sent, "+++ATH\r");
	at_forget(f);
	at_feed(f, "\r\nERROR\r\n");
	KUNIT_EXPECT_STREQ(test, f->sent, AT_INIT_SENT);
	KUNIT_EXPECT_EQ(test, f->ends, 0U);
}

static void at_revive_unanswered_ends_modem_error_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	at_to_revive_ath(test, f);
	at_timeout(f);			/* nor an answer to ATH */
	KUNIT_ASSERT_STREQ(test, f->sent, AT_INIT_SENT);
	at_forget(f);
	at_timeout(f);
	KUNIT_EXPECT_STREQ(test, f->log, AT_ENDS(SYSTEM, MODEM_ERROR, "-"));
	KUNIT_EXPECT_STREQ(test, f->sent, "");
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_IDLE);
}

/* With DTR the revival drops it, as a hang-up of our own would. */
static void at_revive_by_dtr_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	f->at.has_dtr = true;
	at_to_init(test, f);
	at_timeout(f);
	KUNIT_EXPECT_STREQ(test, f->log,
			   at_fmt(f, "dtr(off); timer(%u)", MODEMLINE_AT_DTR_DROP_MS));
	at_forget(f);
	at_feed(f, "\r\nNO CARRIER\r\n");
	KUNIT_EXPECT_TRUE(test, f->dtr);
	KUNIT_EXPECT_STREQ(test, f->sent, AT_INIT_SENT);
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_INIT);
	KUNIT_EXPECT_EQ(test, f->ends, 0U);
}

/* Dropping the call during a revival ends it when the hang-up is done. */
static void at_hangup_during_revival_ends_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	at_to_revive_ath(test, f);
	modemline_at_hangup(&f->at);
	KUNIT_EXPECT_STREQ(test, f->sent, "");
	at_feed(f, "\r\nOK\r\n");
	KUNIT_EXPECT_STREQ(test, f->log, AT_ENDS(LOCAL, NORMAL, "OK"));
	KUNIT_EXPECT_STREQ(test, f->sent, "");
}

/* A new call starts afresh: an earlier revival does not carry over. */
static void at_new_call_revives_again_test(struct kunit *test)
{
	struct at_fake *f = at_fake_new(test);

	at_to_revive_ath(test, f);
	at_timeout(f);
	at_timeout(f);			/* the second init: MODEM_ERROR */
	KUNIT_ASSERT_EQ(test, f->ends, 1U);
	at_forget(f);
	at_to_init(test, f);
	at_timeout(f);
	KUNIT_EXPECT_EQ(test, f->at.phase, MODEMLINE_AT_GUARD_BEFORE);
	KUNIT_EXPECT_EQ(test, f->ends, 0U);
}

static struct kunit_case at_revive_test_cases[] = {
	KUNIT_CASE(at_revive_sends_init_again_test),
	KUNIT_CASE(at_revived_modem_dials_test),
	KUNIT_CASE(at_revive_error_to_ath_sends_init_test),
	KUNIT_CASE(at_revive_unanswered_ends_modem_error_test),
	KUNIT_CASE(at_revive_by_dtr_test),
	KUNIT_CASE(at_hangup_during_revival_ends_test),
	KUNIT_CASE(at_new_call_revives_again_test),
	{}
};

static struct kunit_suite at_revive_test_suite = {
	.name = "modemline_at_revive",
	.test_cases = at_revive_test_cases,
};

kunit_test_suites(&at_parse_test_suite, &at_engine_test_suite,
		  &at_answer_test_suite, &at_data_test_suite,
		  &at_hangup_test_suite, &at_noise_test_suite,
		  &at_revive_test_suite);

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one decoder of backslash escapes in text typed on a command line:
 * modemsim's control command 'sendraw' and mlinectl's 'send' and
 * 'recv --until' include it, so the same text means the same bytes in
 * both. It lives here, header-only, because modemsim links libc alone
 * and mlinectl includes it as "../modemsim/unescape.h".
 *
 * \r \n \t \\ and \xHH (exactly two hex digits, either case) are
 * decoded. Any other sequence, a \x without two hex digits, and a lone
 * backslash at the end are errors: a typo must not go out on the line as
 * some other byte (a bad \x used to become a NUL in one tool and vanish
 * in the other).
 */
#ifndef MODEMLINE_UNESCAPE_H
#define MODEMLINE_UNESCAPE_H

#include <stddef.h>

/* The escapes, for error messages. */
#define UNESCAPE_KNOWN "\\r \\n \\t \\\\ \\xHH"

static inline int unescape_hex(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Decode the NUL-terminated @s into @out, which may be @s itself (the
 * output is never longer than the input). Returns the length of the
 * result (it may contain NULs), or -1 with *@bad pointing at the
 * backslash of the first bad escape in @s.
 */
static inline long unescape(const char *s, char *out, const char **bad)
{
	long n = 0;
	int hi, lo;

	while (*s) {
		if (*s != '\\') {
			out[n++] = *s++;
			continue;
		}
		switch (s[1]) {
		case 'r':
			out[n++] = '\r';
			break;
		case 'n':
			out[n++] = '\n';
			break;
		case 't':
			out[n++] = '\t';
			break;
		case '\\':
			out[n++] = '\\';
			break;
		case 'x':
			hi = unescape_hex(s[2]);
			lo = hi < 0 ? -1 : unescape_hex(s[3]);
			if (lo < 0) {
				*bad = s;
				return -1;
			}
			out[n++] = (char)(hi << 4 | lo);
			s += 2;
			break;
		default:
			*bad = s;
			return -1;
		}
		s += 2;
	}
	return n;
}

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * attach --dialect auto: what the modem on a tty speaks, asked before the
 * line discipline takes the tty. V.250's AT+GCAP lists a modem's
 * capabilities: a 3GPP TS 27.007 modem lists +CGSM (GSM, and the UMTS,
 * LTE and 5G modules that keep GSM's call control) or, on some LTE-only
 * modules, +CLTE followed by a digit. So the rule is: +CGSM or +CLTE<n>
 * in the +GCAP answer, 3gpp; anything else (other capabilities, ERROR,
 * no answer within 5 s), v250. A signal during the wait stops attach.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "mlinectl.h"

#define PROBE_MS	5000

static int ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (int)((now.tv_sec - start->tv_sec) * 1000 +
		     (now.tv_nsec - start->tv_nsec) / 1000000);
}

/* A "+GCAP: +CGSM,+DS,+ES" line: whether it lists a 3GPP capability. */
static bool gcap_lists_3gpp(const char *line)
{
	const char *p = line + strlen("+GCAP:");
	size_t n;

	if (strncasecmp(line, "+GCAP:", 6))
		return false;
	while (*p) {
		p += strspn(p, " ,");
		n = strcspn(p, " ,");
		if ((n == 5 && !strncasecmp(p, "+CGSM", 5)) ||
		    (n >= 5 && !strncasecmp(p, "+CLTE", 5)))
			return true;
		p += n;
	}
	return false;
}

int dialect_probe(struct ctx *c, int tty, const char *path, uint32_t *dialect)
{
	struct pollfd p = { .fd = tty, .events = POLLIN };
	char buf[256], line[128];
	size_t len = 0, i;
	struct timespec start;
	bool cgsm = false, done = false;
	ssize_t n;
	int left, ret;

	*dialect = MODEMLINE_DIALECT_V250;
	tcflush(tty, TCIFLUSH);
	if (write(tty, "AT+GCAP\r", 8) != 8)
		return fail_msg(c, errno, "--dialect auto: write to %s: %s", path,
				strerror(errno));
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!done && (left = PROBE_MS - ms_since(&start)) > 0) {
		ret = wait_ready(&p, 1, left);
		if (ret == -EINTR)
			return fail_msg(c, EINTR, "--dialect auto: interrupted");
		if (ret != 1)
			break;		/* no answer: V.250 */
		n = read(tty, buf, sizeof(buf));
		if (n <= 0)
			break;
		for (i = 0; i < (size_t)n; i++) {
			if (buf[i] != '\r' && buf[i] != '\n') {
				if (len < sizeof(line) - 1)
					line[len++] = buf[i];
				continue;
			}
			line[len] = '\0';
			len = 0;
			cgsm |= gcap_lists_3gpp(line);
			done |= !strcasecmp(line, "OK") || !strcasecmp(line, "ERROR");
		}
	}
	if (cgsm)
		*dialect = MODEMLINE_DIALECT_3GPP;
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/* attach --config: a line's settings from a file (attach_conf.c). */
#ifndef MLINECTL_ATTACH_CONF_H
#define MLINECTL_ATTACH_CONF_H

#include <limits.h>

#include "mlinectl.h"

/* The settings a file may give: attach's options of the same names. */
enum { CONF_SPEED, CONF_INIT, CONF_GUARD, CONF_DIALECT, CONF_CLCC, CONF_KEYS };

struct attach_conf {
	char value[CONF_KEYS][128];
	/* "FILE:LINE: KEY", for errors in a value; "" if not set. */
	char where[CONF_KEYS][PATH_MAX + 48];
};

/*
 * Read @path: a file, or a directory holding TTY-NAME.conf (the tty's
 * file name, e.g. ttyUSB0.conf; none there: no settings). Lines are
 * "key = value", '#' starts a comment line. 0, or -errno (reported, with
 * the file and line).
 */
int attach_conf_load(struct ctx *c, const char *path, const char *tty, struct attach_conf *conf);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * attach --config: the settings of a line kept in a file, so that a
 * service started at plug-in (modemline-attach@.service) needs no options
 * of its own. The command line's options win over the file's.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attach_conf.h"

static const char *const keys[CONF_KEYS] = {
	[CONF_SPEED] = "speed", [CONF_INIT] = "init", [CONF_GUARD] = "guard",
	[CONF_DIALECT] = "dialect", [CONF_CLCC] = "clcc",
};

static char *trim(char *s)
{
	char *end = s + strlen(s);

	while (isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int parse_line(struct ctx *c, const char *file, unsigned int n, char *line,
		      struct attach_conf *conf)
{
	char *eq = strchr(line, '='), *key, *val;
	int k;

	if (!eq)
		return fail_msg(c, EINVAL, "%s:%u: not 'key = value'", file, n);
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	for (k = 0; k < CONF_KEYS; k++)
		if (!strcmp(key, keys[k]))
			break;
	if (k == CONF_KEYS)
		return fail_msg(c, EINVAL, "%s:%u: unknown setting '%s' (speed, init, guard,"
				" dialect, clcc)", file, n, key);
	if (*conf->where[k])
		return fail_msg(c, EINVAL, "%s:%u: %s is set twice", file, n, key);
	if (!*val || strlen(val) >= sizeof(conf->value[k]))
		return fail_msg(c, EINVAL, "%s:%u: %s wants a value of 1 to %zu characters",
				file, n, key, sizeof(conf->value[k]) - 1);
	strcpy(conf->value[k], val);
	snprintf(conf->where[k], sizeof(conf->where[k]), "%s:%u: %s", file, n, key);
	return 0;
}

int attach_conf_load(struct ctx *c, const char *path, const char *tty, struct attach_conf *conf)
{
	char file[PATH_MAX], buf[512], *line;
	const char *name = strrchr(tty, '/');
	unsigned int n = 0;
	struct stat st;
	int ret = 0;
	FILE *f;

	memset(conf, 0, sizeof(*conf));
	if (stat(path, &st))
		return fail_msg(c, errno, "--config %s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		name = name ? name + 1 : tty;
		if ((size_t)snprintf(file, sizeof(file), "%s/%s.conf", path, name) >= sizeof(file))
			return fail_msg(c, ENAMETOOLONG, "--config %s: path too long", path);
		if (access(file, F_OK) && errno == ENOENT)
			return 0;
	} else {
		snprintf(file, sizeof(file), "%s", path);
	}
	f = fopen(file, "re");
	if (!f)
		return fail_msg(c, errno, "--config %s: %s", file, strerror(errno));
	while (!ret && fgets(buf, sizeof(buf), f)) {
		n++;
		if (!strchr(buf, '\n') && !feof(f)) {
			ret = fail_msg(c, EINVAL, "%s:%u: line too long", file, n);
			break;
		}
		line = trim(buf);
		if (*line && *line != '#')
			ret = parse_line(c, file, n, line, conf);
	}
	if (!ret && ferror(f))
		ret = fail_msg(c, EIO, "--config %s: read error", file);
	fclose(f);
	return ret;
}

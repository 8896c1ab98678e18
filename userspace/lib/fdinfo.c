// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What an open /dev/modemline pins, read from /proc/PID/fdinfo/FD, where
 * the module adds "ml_KEY:\tVALUE" lines after the kernel's own (the
 * show_fdinfo file operation). Keys this library does not know are
 * skipped, so a later module may add some; a key it knows but the module
 * does not show leaves its bit of @have clear.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmodemline.h"
#include "sized.h"

static const struct {
	const char *key;
	uint64_t bit;
	size_t off;
} keys[] = {
	{ "ml_calls_live", ML_FDINFO_CALLS_LIVE, offsetof(struct ml_fdinfo, calls_live) },
	{ "ml_calls_ended", ML_FDINFO_CALLS_ENDED, offsetof(struct ml_fdinfo, calls_ended) },
	{ "ml_monitor_handles", ML_FDINFO_MONITOR_HANDLES,
	  offsetof(struct ml_fdinfo, monitor_handles) },
	{ "ml_oldest_ended_ms", ML_FDINFO_OLDEST_ENDED_MS,
	  offsetof(struct ml_fdinfo, oldest_ended_ms) },
	{ "ml_events_queued", ML_FDINFO_EVENTS_QUEUED, offsetof(struct ml_fdinfo, events_queued) },
	{ "ml_events_lost", ML_FDINFO_EVENTS_LOST, offsetof(struct ml_fdinfo, events_lost) },
	{ "ml_calls_missed", ML_FDINFO_CALLS_MISSED, offsetof(struct ml_fdinfo, calls_missed) },
	{ "ml_kernel_bytes", ML_FDINFO_KERNEL_BYTES, offsetof(struct ml_fdinfo, kernel_bytes) },
};

/* One "key:\tvalue" line into @fi, if the key is one of ours. */
static void parse_line(struct ml_fdinfo *fi, const char *line)
{
	size_t i, n = strcspn(line, ":");
	unsigned long long v;
	char *end;

	if (line[n] != ':')
		return;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strlen(keys[i].key) != n || strncmp(line, keys[i].key, n))
			continue;
		errno = 0;
		v = strtoull(line + n + 1, &end, 10);
		/* A value this library cannot read is as good as absent. */
		if (end == line + n + 1 || errno || (*end && *end != '\n'))
			return;
		*(uint64_t *)((char *)fi + keys[i].off) = v;
		fi->have |= keys[i].bit;
		return;
	}
}

int ml_fdinfo_sz(pid_t pid, int fd, struct ml_fdinfo *out, size_t size)
{
	struct ml_fdinfo fi = { 0 };
	char path[64], *line = NULL;
	size_t len = 0;
	FILE *f;
	int ret = ml_sized_check(out, size, ML_FDINFO_SIZE_0_3);

	if (ret || pid < 0 || fd < 0)
		return -EINVAL;
	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)pid, fd);
	else
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	errno = 0;
	while (getline(&line, &len, f) >= 0)
		parse_line(&fi, line);
	/* getline() sets errno on a read error (ESRCH: the process went meanwhile). */
	ret = ferror(f) ? -(errno ? errno : EIO) : 0;
	free(line);
	fclose(f);
	if (ret)
		return ret == -ESRCH ? -ENOENT : ret;
	if (!fi.have)
		return -ENODATA;
	ml_copy_out(out, size, &fi, sizeof(fi));
	return 0;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The /dev/modemline ioctls, one function each: fill the argument struct
 * (zeroed, so reserved fields are 0 as the ABI demands), issue the ioctl
 * and turn errno into a negative return value.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "libmodemline.h"
#include "sized.h"

static int do_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

static int id_list(int fd, unsigned long cmd, uint32_t *ids, uint32_t max)
{
	struct modemline_id_list l = { .count = max, .ids = (uintptr_t)ids };
	int ret;

	if (!ids && max)
		return -EINVAL;
	ret = do_ioctl(fd, cmd, &l);
	return ret ? ret : (int)l.count;
}

int ml_line_list(int fd, uint32_t *ids, uint32_t max)
{
	return id_list(fd, MODEMLINE_IOC_LINE_LIST, ids, max);
}

int ml_call_list(int fd, uint32_t *ids, uint32_t max)
{
	return id_list(fd, MODEMLINE_IOC_CALL_LIST, ids, max);
}

/*
 * The *_sz calls: the ioctl's struct is the one this library was built
 * with (its size is part of the command number); the caller gets as much
 * of it as its own struct holds. A library built with a larger struct
 * would try its ioctl first and fall back to the older one on -ENOTTY.
 */
int ml_line_info_sz(int fd, uint32_t line_id, struct modemline_line_info *out, size_t size)
{
	struct modemline_line_info i = { .line_id = line_id };
	int ret = ml_sized_check(out, size, ML_LINE_INFO_SIZE_0_1);

	if (!ret)
		ret = do_ioctl(fd, MODEMLINE_IOC_LINE_INFO, &i);
	if (!ret)
		ml_copy_out(out, size, &i, sizeof(i));
	return ret;
}

int ml_subscribe(int fd, uint32_t line_id)
{
	struct modemline_subscribe s = { .line_id = line_id };

	return do_ioctl(fd, MODEMLINE_IOC_SUBSCRIBE, &s);
}

int ml_unsubscribe(int fd, uint32_t line_id)
{
	struct modemline_subscribe s = { .line_id = line_id };

	return do_ioctl(fd, MODEMLINE_IOC_UNSUBSCRIBE, &s);
}

/* The same ioctls with the monitor flag: monitor handles, not line events. */
int ml_monitor(int fd, uint32_t line_id)
{
	struct modemline_subscribe s = {
		.line_id = line_id,
		.flags = MODEMLINE_SUBSCRIBE_MONITOR,
	};

	return do_ioctl(fd, MODEMLINE_IOC_SUBSCRIBE, &s);
}

int ml_unmonitor(int fd, uint32_t line_id)
{
	struct modemline_subscribe s = {
		.line_id = line_id,
		.flags = MODEMLINE_SUBSCRIBE_MONITOR,
	};

	return do_ioctl(fd, MODEMLINE_IOC_UNSUBSCRIBE, &s);
}

static int dial(int fd, uint32_t line_id, const char *number,
		uint32_t timeout_ms, uint32_t flags, uint32_t *call)
{
	struct modemline_dial d = {
		.line_id = line_id, .flags = flags, .timeout_ms = timeout_ms,
	};
	int ret;

	/* The kernel checks the characters; the length must fit here. */
	if (!number || !call || strlen(number) >= sizeof(d.number))
		return -EINVAL;
	strcpy(d.number, number);
	ret = do_ioctl(fd, MODEMLINE_IOC_DIAL, &d);
	if (!ret)
		*call = d.call;
	return ret;
}

int ml_dial(int fd, uint32_t line_id, const char *number, uint32_t timeout_ms,
	    uint32_t *call)
{
	return dial(fd, line_id, number, timeout_ms, 0, call);
}

int ml_dial_voice(int fd, uint32_t line_id, const char *number,
		  uint32_t timeout_ms, uint32_t *call)
{
	return dial(fd, line_id, number, timeout_ms, MODEMLINE_DIAL_VOICE, call);
}

int ml_api(int fd, uint32_t version)
{
	struct modemline_api a = { .version = version };
	int ret = do_ioctl(fd, MODEMLINE_IOC_API, &a);

	return ret ? ret : (int)a.version;
}

int ml_answer(int fd, uint32_t line_id, uint32_t *call)
{
	struct modemline_answer a = { .line_id = line_id };
	int ret;

	if (!call)
		return -EINVAL;
	ret = do_ioctl(fd, MODEMLINE_IOC_ANSWER, &a);
	if (!ret)
		*call = a.call;
	return ret;
}

int ml_drop(int fd, uint32_t call, bool wait)
{
	struct modemline_call_op op = {
		.call = call,
		.flags = wait ? MODEMLINE_DROP_WAIT : 0,
	};

	return do_ioctl(fd, MODEMLINE_IOC_DROP, &op);
}

int ml_deallocate(int fd, uint32_t call, bool drop)
{
	struct modemline_call_op op = {
		.call = call,
		.flags = drop ? MODEMLINE_DEALLOCATE_DROP : 0,
	};

	return do_ioctl(fd, MODEMLINE_IOC_DEALLOCATE, &op);
}

int ml_call_info_sz(int fd, uint32_t call, struct modemline_call_info *out, size_t size)
{
	struct modemline_call_info i = { .call = call };
	int ret = ml_sized_check(out, size, ML_CALL_INFO_SIZE_0_1);

	if (!ret)
		ret = do_ioctl(fd, MODEMLINE_IOC_CALL_INFO, &i);
	/* A module older than @cause knows the first size only. */
	if (ret == -ENOTTY)
		ret = do_ioctl(fd, MODEMLINE_IOC_CALL_INFO_V1, &i);
	if (!ret)
		ml_copy_out(out, size, &i, sizeof(i));
	return ret;
}

int ml_call_data(int fd, uint32_t call, bool nonblock)
{
	struct modemline_call_data d = {
		.call = call,
		.flags = nonblock ? MODEMLINE_DATA_NONBLOCK : 0,
	};
	int ret = do_ioctl(fd, MODEMLINE_IOC_CALL_DATA, &d);

	return ret ? ret : d.fd;
}

int ml_call_handoff(int fd, uint32_t call, int target_fd, uint32_t *new_call)
{
	struct modemline_call_handoff h = { .call = call, .fd = target_fd };
	int ret;

	if (!new_call)
		return -EINVAL;
	ret = do_ioctl(fd, MODEMLINE_IOC_CALL_HANDOFF, &h);
	if (!ret)
		*new_call = h.new_call;
	return ret;
}

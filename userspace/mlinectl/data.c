// SPDX-License-Identifier: GPL-2.0
/*
 * The data streams of the calls of one ctx. CALL_DATA allows one data
 * descriptor per call at a time, so each is opened once and kept for the
 * following send/recv commands until the call is released.
 */
#include <errno.h>
#include <unistd.h>

#include "mlinectl.h"

int data_fd(struct ctx *c, uint32_t call)
{
	int i, free_slot = -1, fd;

	for (i = 0; i < MAX_DATA_FDS; i++) {
		if (c->data[i].call == call)
			return c->data[i].fd;
		if (!c->data[i].call && free_slot < 0)
			free_slot = i;
	}
	if (free_slot < 0)
		return fail_msg(c, EMFILE, "too many data streams open; release some calls");
	fd = dev(c);
	if (fd < 0)
		return fd;
	fd = ml_call_data(fd, call, false);
	if (fd < 0)
		return fail(c, ML_OP_CALL_DATA, fd, "data stream of call %u", call);
	c->data[free_slot].call = call;
	c->data[free_slot].fd = fd;
	return fd;
}

void data_forget(struct ctx *c, uint32_t call)
{
	int i;

	for (i = 0; i < MAX_DATA_FDS; i++) {
		if (c->data[i].call == call) {
			close(c->data[i].fd);
			c->data[i].call = 0;
		}
	}
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal: the per-descriptor queue of events ml_wait_state() set aside. */
#ifndef LIBMODEMLINE_QUEUE_H
#define LIBMODEMLINE_QUEUE_H

#include <stdbool.h>
#include <linux/modemline.h>

#define ML_HIDDEN __attribute__((visibility("hidden")))

/* Append @ev to @fd's queue (or count it lost); -ENOMEM if no queue. */
ML_HIDDEN int ml_queue_push(int fd, const struct modemline_event *ev);
/* Take the oldest queued event of @fd into @ev; false if none. */
ML_HIDDEN bool ml_queue_pop(int fd, struct modemline_event *ev);
/* Drop @fd's queue. */
ML_HIDDEN void ml_queue_forget(int fd);

#endif

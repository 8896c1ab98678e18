/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-in for the part of libmodemline (userspace/lib/libmodemline.h,
 * issue 6) the benchmarks use, with the same names and signatures: every
 * function returns >= 0 or -errno. Deleted once the library is merged.
 */
#ifndef MODEMLINE_BENCH_ML_LOCAL_H
#define MODEMLINE_BENCH_ML_LOCAL_H

#include <stdbool.h>
#include <stdint.h>
#include <termios.h>
#include <linux/modemline.h>

int ml_open(int flags);
int ml_close(int fd);
int ml_dial(int fd, uint32_t line_id, const char *number, uint32_t timeout_ms,
	    uint32_t *call);
int ml_drop(int fd, uint32_t call, bool wait);
int ml_deallocate(int fd, uint32_t call, bool drop);
int ml_call_info(int fd, uint32_t call, struct modemline_call_info *out);
int ml_call_data(int fd, uint32_t call, bool nonblock);
int ml_next_event(int fd, struct modemline_event *ev, int timeout_ms);
int ml_tty_open(const char *path, speed_t speed);
int ml_tty_attach(int tty_fd, uint32_t *line_id);
int ml_tty_detach(int tty_fd);
int ml_tty_get_config(int tty_fd, struct modemline_tty_config *cfg);
int ml_tty_set_config(int tty_fd, const struct modemline_tty_config *cfg);

#endif

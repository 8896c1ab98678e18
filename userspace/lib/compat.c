// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The entry points of version 0.1 that took a struct without its size.
 * Programs built against 0.1 call them with the structs 0.1 knew; the
 * header now maps the names to the *_sz calls, so only those programs
 * (and a program taking a function's address) get here.
 */
#include "libmodemline.h"
#include "sized.h"

#undef ml_line_info
#undef ml_call_info
#undef ml_tty_get_config
#undef ml_tty_set_config

int ml_line_info(int fd, uint32_t line_id, struct modemline_line_info *out)
{
	return ml_line_info_sz(fd, line_id, out, ML_LINE_INFO_SIZE_0_1);
}

int ml_call_info(int fd, uint32_t call, struct modemline_call_info *out)
{
	return ml_call_info_sz(fd, call, out, ML_CALL_INFO_SIZE_0_1);
}

int ml_tty_get_config(int tty_fd, struct modemline_tty_config *cfg)
{
	return ml_tty_get_config_sz(tty_fd, cfg, ML_TTY_CONFIG_SIZE_0_1);
}

int ml_tty_set_config(int tty_fd, const struct modemline_tty_config *cfg)
{
	return ml_tty_set_config_sz(tty_fd, cfg, ML_TTY_CONFIG_SIZE_0_1);
}

/* The structs may grow; a 0.1 caller's part must stay where it was. */
_Static_assert(sizeof(struct modemline_line_info) >= ML_LINE_INFO_SIZE_0_1, "line_info shrank");
_Static_assert(sizeof(struct modemline_call_info) >= ML_CALL_INFO_SIZE_0_1, "call_info shrank");
_Static_assert(sizeof(struct modemline_tty_config) >= ML_TTY_CONFIG_SIZE_0_1, "tty_config shrank");
_Static_assert(sizeof(struct ml_fdinfo) >= ML_FDINFO_SIZE_0_3, "ml_fdinfo shrank");

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal: structs passed with their size (the *_sz calls), so that
 * <linux/modemline.h> can grow them without breaking programs built
 * against either side of the change.
 */
#ifndef LIBMODEMLINE_SIZED_H
#define LIBMODEMLINE_SIZED_H

#include <stddef.h>

#include "private.h"

/* The structs as version 0.1 knew them: the least a caller may pass. */
#define ML_LINE_INFO_SIZE_0_1	136
#define ML_CALL_INFO_SIZE_0_1	160
#define ML_TTY_CONFIG_SIZE_0_1	80
/* struct ml_fdinfo as version 0.3 introduced it. */
#define ML_FDINFO_SIZE_0_3	72

/* -EINVAL unless @p is an object of at least @min bytes. */
ML_HIDDEN int ml_sized_check(const void *p, size_t size, size_t min);
/* @known bytes of @src to @dst, a caller's struct of @size: what does not fit is cut, the rest zeroed. */
ML_HIDDEN void ml_copy_out(void *dst, size_t size, const void *src, size_t known);
/*
 * A caller's struct @src of @size into @dst of @known bytes: -E2BIG if
 * @src sets a byte past @known (a field this library cannot honour);
 * fields past @size are 0.
 */
ML_HIDDEN int ml_copy_in(void *dst, size_t known, const void *src, size_t size);

#endif

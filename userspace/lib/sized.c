// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Copies between the caller's struct and the library's, as the kernel's
 * copy_struct_from_user() does between userspace and the kernel: the
 * side with the larger struct sees zeros past the smaller one.
 */
#include <errno.h>
#include <string.h>

#include "sized.h"

int ml_sized_check(const void *p, size_t size, size_t min)
{
	return p && size >= min ? 0 : -EINVAL;
}

void ml_copy_out(void *dst, size_t size, const void *src, size_t known)
{
	size_t n = size < known ? size : known;

	memcpy(dst, src, n);
	memset((char *)dst + n, 0, size - n);
}

int ml_copy_in(void *dst, size_t known, const void *src, size_t size)
{
	size_t i, n = size < known ? size : known;

	for (i = known; i < size; i++)
		if (((const char *)src)[i])
			return -E2BIG;
	memset(dst, 0, known);
	memcpy(dst, src, n);
	return 0;
}

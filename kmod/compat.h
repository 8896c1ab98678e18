/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference modemline depends on, in one place.
 * Each entry names the release that changed the interface. checkpatch
 * warns about LINUX_VERSION_CODE; here it is the point.
 */
#ifndef _MODEMLINE_COMPAT_H
#define _MODEMLINE_COMPAT_H

#include <linux/version.h>

/* 6.13 made MODULE_IMPORT_NS() take a string literal. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define MODEMLINE_IMPORT_KUNIT_NS() MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")
#else
#define MODEMLINE_IMPORT_KUNIT_NS() MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#endif

/* 6.6 made the ldisc receive_buf() flags u8 and its count size_t. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
typedef const u8 *modemline_ldisc_fp_t;
typedef size_t modemline_ldisc_count_t;
#else
typedef const char *modemline_ldisc_fp_t;
typedef int modemline_ldisc_count_t;
#endif

/* 6.18 passed the test to KUnit parameter generators. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 18, 0)
#define MODEMLINE_KUNIT_GEN_PARAMS(name) \
	const void *name(struct kunit *test, const void *prev, char *desc)
#else
#define MODEMLINE_KUNIT_GEN_PARAMS(name) \
	const void *name(const void *prev, char *desc)
#endif

#endif /* _MODEMLINE_COMPAT_H */

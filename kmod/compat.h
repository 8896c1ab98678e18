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
#if KERNEL_VERSION(6, 13, 0) <= LINUX_VERSION_CODE
#define MODEMLINE_IMPORT_KUNIT_NS() MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")
#else
#define MODEMLINE_IMPORT_KUNIT_NS() MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#endif

/*
 * 6.6 made the ldisc receive_buf2() flags u8 and its count and result
 * size_t. @name returns what the body, given u8 flags, returns.
 */
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
#define MODEMLINE_LDISC_RECEIVE_BUF2(name, body) \
	static size_t (name)(struct tty_struct *tty, const u8 *cp, \
			     const u8 *fp, size_t count) \
	{ return body(tty, cp, fp, count); }
#else
#define MODEMLINE_LDISC_RECEIVE_BUF2(name, body) \
	static int (name)(struct tty_struct *tty, const u8 *cp, \
			  const char *fp, int count) \
	{ return body(tty, cp, (const u8 *)fp, count); }
#endif

/* 6.18 passed the test to KUnit parameter generators. */
#if KERNEL_VERSION(6, 18, 0) <= LINUX_VERSION_CODE
#define MODEMLINE_KUNIT_GEN_PARAMS(name) \
	const void *(name)(struct kunit *test, const void *prev, char *desc)
#else
#define MODEMLINE_KUNIT_GEN_PARAMS(name) \
	const void *(name)(const void *prev, char *desc)
#endif

#endif /* _MODEMLINE_COMPAT_H */

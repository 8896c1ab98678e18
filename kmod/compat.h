/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every kernel-version difference modemline depends on, in one place.
 * Each entry names the release that changed the interface. checkpatch
 * warns about LINUX_VERSION_CODE; here it is the point.
 */
#ifndef _MODEMLINE_COMPAT_H
#define _MODEMLINE_COMPAT_H

#include <linux/slab.h>
#include <linux/version.h>

/*
 * Kernels without kzalloc_obj() (6.1 here; Debian's 6.12.118 and 7.3
 * have it) get its one-object form, the GFP flags always given. Tested
 * by name, not version: stable trees took it at different releases.
 */
#ifndef kzalloc_obj
#define kzalloc_obj(P, GFP) kzalloc(sizeof(P), GFP)
#endif

/* 6.13 made MODULE_IMPORT_NS() take a string literal. */
#if KERNEL_VERSION(6, 13, 0) <= LINUX_VERSION_CODE
#define MODEMLINE_IMPORT_KUNIT_NS() MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING")
#else
#define MODEMLINE_IMPORT_KUNIT_NS() MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING)
#endif

/*
 * 6.6 made the ldisc receive_buf2() flags u8 and its count and result
 * size_t; MODEMLINE_LDISC_FLAGS() gives the flags as u8 either way.
 */
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
#define MODEMLINE_LDISC_RECEIVE_BUF2(name) \
	size_t (name)(struct tty_struct *tty, const u8 *cp, const u8 *fp, size_t count)
#define MODEMLINE_LDISC_FLAGS(fp) (fp)
#else
#define MODEMLINE_LDISC_RECEIVE_BUF2(name) \
	int (name)(struct tty_struct *tty, const u8 *cp, const char *fp, int count)
#define MODEMLINE_LDISC_FLAGS(fp) ((const u8 *)(fp))
#endif

/* 6.18 passed the test to KUnit parameter generators. */
#if KERNEL_VERSION(6, 18, 0) <= LINUX_VERSION_CODE
#define MODEMLINE_KUNIT_GEN_PARAMS(name) \
	const void *(name)(struct kunit *test, const void *prev, char *desc)
#else
#define MODEMLINE_KUNIT_GEN_PARAMS(name) \
	const void *(name)(const void *prev, char *desc)
#endif

/*
 * The workqueue of a tty port's flip-buffer work, for what N_TTY does with
 * tty_buffer_restart_work(), which is not exported: 7.1 gave each driver
 * its own (tty_port_link_wq()); before, the tty core used an unbound one.
 */
#if KERNEL_VERSION(7, 1, 0) <= LINUX_VERSION_CODE
#define MODEMLINE_FLIP_WQ(port) (READ_ONCE((port)->buf.flip_wq) ?: system_dfl_wq)
#else
#define MODEMLINE_FLIP_WQ(port) ((void)(port), system_unbound_wq)
#endif

/*
 * 6.6 made the tty write() op take a size_t count and return ssize_t;
 * MODEMLINE_TTY_WRITE(name) declares it either way.
 */
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
#define MODEMLINE_TTY_WRITE(name) \
	ssize_t (name)(struct tty_struct *tty, const u8 *buf, size_t count)
#else
#define MODEMLINE_TTY_WRITE(name) \
	int (name)(struct tty_struct *tty, const u8 *buf, int count)
#endif

/* 6.2 made tty_port's carrier_raised() return bool and dtr_rts() take one. */
#if KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE
#define MODEMLINE_PORT_CARRIER_RAISED(name) bool (name)(struct tty_port *port)
#define MODEMLINE_PORT_DTR_RTS(name) void (name)(struct tty_port *port, bool active)
#else
#define MODEMLINE_PORT_CARRIER_RAISED(name) int (name)(struct tty_port *port)
#define MODEMLINE_PORT_DTR_RTS(name) void (name)(struct tty_port *port, int active)
#endif

#endif /* _MODEMLINE_COMPAT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * modemline transport interface: what a line's driver (a tty line
 * discipline, the simulator) implements and what it reports.
 *
 * A transport creates a line with modemline_line_create(), publishes it
 * with modemline_line_register() and reports what its modem does with the
 * modemline_line_*() notifications. It never sees call objects or files:
 * a line has at most one call that has not ended, and every notification
 * is about that call. modemline_line_remove() ends everything; once it
 * returns the core never calls the ops again, so the transport may free
 * its private data, while the line object itself lives on until the last
 * retained call on it is released.
 */
#ifndef _MODEMLINE_LINE_H
#define _MODEMLINE_LINE_H

#include <linux/types.h>
#include <linux/module.h>

struct modemline_line;

/**
 * struct modemline_line_ops - what a transport implements
 * @dial:   start dialing @number (validated by the core), a voice call if
 *          @voice (only on a line set to MODEMLINE_DIALECT_3GPP). Returns 0 or a
 *          negative errno; the outcome comes later through
 *          modemline_line_connected() or modemline_line_ended().
 * @answer: answer the offered call; outcome as for @dial.
 * @hangup: end the current call from this side. The transport reports
 *          completion with modemline_line_ended(); if it never does, the
 *          core gives up after the budget the transport set with
 *          modemline_line_set_hangup_ms() and a margin, or after the
 *          hangup_timeout_ms module parameter if that is longer.
 * @write:  send up to @len data bytes of the connected call. Returns how
 *          many were taken, 0 if none fit now (the transport then calls
 *          modemline_line_tx_ready() once it can take more), or -EPIPE
 *          if the modem has left data mode.
 * @rx_resume: the connected call has room again for received bytes after
 *          modemline_line_rx_room() or modemline_line_data() found too
 *          little, or it stopped needing it (whatever ended it): take them
 *          again. Also called from inside the notifications that end a
 *          call (modemline_line_ended(), modemline_line_offer_end()), so
 *          it must not take a lock the transport holds while it reports.
 *
 * Called in process context without core spinlocks held; they may sleep
 * but should not block for long.
 */
struct modemline_line_ops {
	int (*dial)(struct modemline_line *line, const char *number, bool voice);
	int (*answer)(struct modemline_line *line);
	void (*hangup)(struct modemline_line *line);
	ssize_t (*write)(struct modemline_line *line, const u8 *buf, size_t len);
	void (*rx_resume)(struct modemline_line *line);
};

struct modemline_line *modemline_line_create(const struct modemline_line_ops *ops,
					     u32 transport, const char *name,
					     void *priv);
int modemline_line_register(struct modemline_line *line);
void modemline_line_remove(struct modemline_line *line, u32 reason);
void modemline_line_put(struct modemline_line *line);

void *modemline_line_priv(struct modemline_line *line);
u32 modemline_line_id(struct modemline_line *line);
void modemline_line_set_dial_timeout(struct modemline_line *line,
				     unsigned int ms);
unsigned int modemline_line_get_dial_timeout(struct modemline_line *line);
void modemline_line_set_hangup_ms(struct modemline_line *line, unsigned int ms);
void modemline_line_set_dialect(struct modemline_line *line, u32 dialect);

void modemline_line_connected(struct modemline_line *line, u32 rate,
			      const char *result);
void modemline_line_connected_voice(struct modemline_line *line,
				    const char *result);
void modemline_line_ended(struct modemline_line *line, u32 origin, u32 reason,
			  const char *result);
void modemline_line_alerting(struct modemline_line *line);
void modemline_line_cause(struct modemline_line *line, const char *cause);
void modemline_line_offer(struct modemline_line *line, const char *number);
void modemline_line_offer_voice(struct modemline_line *line, const char *number);
void modemline_line_offer_end(struct modemline_line *line);
size_t modemline_line_rx_room(struct modemline_line *line, size_t need);
size_t modemline_line_data(struct modemline_line *line, const u8 *buf,
			   size_t len);
void modemline_line_tx_ready(struct modemline_line *line);

#endif /* _MODEMLINE_LINE_H */

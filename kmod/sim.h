/* SPDX-License-Identifier: GPL-2.0 */
/*
 * modemline_sim internals shared with its KUnit suite: a simulated line
 * is made, scripted and destroyed here without going through debugfs.
 */
#ifndef _MODEMLINE_SIM_H
#define _MODEMLINE_SIM_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/modemline.h>

/* What the simulated modem does with the next dial or answer. */
struct sim_outcome {
	u32 origin;		/* 0: connect; else how the attempt fails */
	u32 reason;
	const char *result;	/* result text of a failure */
	bool silent;		/* never answers: the dial timeout fires */
	u32 delay_ms;
	u32 rate;
};

struct sim_line {
	struct list_head node;		/* in sim_lines, under sim_lock */
	struct modemline_line *line;
	struct dentry *dir;
	u32 id;
	char name[MODEMLINE_NAME_LEN];
	bool gone;			/* "remove" done; under sim_lock */
	/* Protects the script below and @pending. */
	spinlock_t lock;
	struct sim_outcome dial;
	struct sim_outcome answer;
	struct sim_outcome pending;	/* the attempt in progress */
	u32 hangup_delay_ms;
	bool echo;			/* data written comes back */
	struct delayed_work outcome;	/* delivers @pending */
	struct delayed_work hangup_done;	/* completes a local hang-up */
	/*
	 * Whether an op queued @outcome or @hangup_done since an op last
	 * cancelled it: only then is there one to cancel (the line's ctl
	 * mutex, which every op runs under).
	 */
	bool outcome_queued;
	bool hangup_queued;
	struct work_struct remove;	/* "remove" cannot free its own file */
};

struct sim_line *sim_line_create(const char *name);
void sim_line_destroy(struct sim_line *sim);
struct modemline_line *sim_line_line(struct sim_line *sim);
int sim_command(struct sim_line *sim, char *cmd);
void sim_line_flush_outcome(struct sim_line *sim);

#endif /* _MODEMLINE_SIM_H */

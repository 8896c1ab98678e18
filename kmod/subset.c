// SPDX-License-Identifier: GPL-2.0
/*
 * modemline subsets: the lines one open file subscribed to, for their
 * events (line.c) or to monitor their calls (monitor.c). Each kind keeps
 * its sets under its own lock, which every function here expects held;
 * nothing here allocates, so they serve under a spinlock too.
 */
#include <linux/slab.h>

#include "modemline.h"

void modemline_subset_init(struct modemline_subset *set)
{
	INIT_LIST_HEAD(&set->lines);
	set->all = false;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_subset_init);

/*
 * Whether @set covers @line_id. With @spend the line is gone: its own
 * entry is removed, since line ids are never reused.
 */
bool modemline_subset_match(struct modemline_subset *set, u32 line_id,
			    bool spend)
{
	struct modemline_sub *sub, *next;
	bool match = set->all;

	list_for_each_entry_safe(sub, next, &set->lines, node) {
		if (sub->line_id != line_id)
			continue;
		match = true;
		if (spend) {
			list_del(&sub->node);
			kfree(sub);
		}
		break;
	}
	return match;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_subset_match);

/*
 * Add @line_id (0: every line). An entry the set needs is taken from
 * *@sub, allocated by the caller beforehand, and *@sub set to NULL; the
 * caller frees what is left there. Adding twice changes nothing.
 */
void modemline_subset_add(struct modemline_subset *set, u32 line_id,
			  struct modemline_sub **sub)
{
	struct modemline_sub *cur;

	if (!line_id) {
		set->all = true;
		return;
	}
	list_for_each_entry(cur, &set->lines, node) {
		if (cur->line_id == line_id)
			return;
	}
	(*sub)->line_id = line_id;
	list_add_tail(&(*sub)->node, &set->lines);
	*sub = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_subset_add);

/*
 * Remove @line_id (0: the subscription to every line, not the others).
 * The removed entry goes to *@found, for the caller to free unlocked.
 * Return: 0, or -ENOENT if the set did not have it.
 */
int modemline_subset_del(struct modemline_subset *set, u32 line_id,
			 struct modemline_sub **found)
{
	struct modemline_sub *sub;

	*found = NULL;
	if (!line_id) {
		if (!set->all)
			return -ENOENT;
		set->all = false;
		return 0;
	}
	list_for_each_entry(sub, &set->lines, node) {
		if (sub->line_id == line_id) {
			list_del(&sub->node);
			*found = sub;
			return 0;
		}
	}
	return -ENOENT;
}
EXPORT_SYMBOL_IF_KUNIT(modemline_subset_del);

/* Whether @set covers no line at all: its file can leave its list. */
bool modemline_subset_empty(const struct modemline_subset *set)
{
	return !set->all && list_empty(&set->lines);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_subset_empty);

void modemline_subset_clear(struct modemline_subset *set)
{
	struct modemline_sub *sub, *next;

	list_for_each_entry_safe(sub, next, &set->lines, node)
		kfree(sub);
	modemline_subset_init(set);
}
EXPORT_SYMBOL_IF_KUNIT(modemline_subset_clear);

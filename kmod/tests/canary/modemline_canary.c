// SPDX-License-Identifier: GPL-2.0
/*
 * modemline_canary - a module that is wrong on purpose.
 *
 * Loaded only by scripts/check-harness.sh, which proves that the log scan
 * of 'make check' notices each class of bug the debug kernel can detect.
 * The mode parameter selects the bug, committed once at load time:
 *
 *   leak       kmalloc() and forget the pointer (kmemleak)
 *   uaf        read from a kfree()d buffer (KASAN)
 *   lockorder  take mutex A then B, later B then A, in one thread: lockdep
 *              reports the possible circular locking without a deadlock
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>

static char *mode = "";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "bug to commit at load: leak, uaf or lockorder");

static DEFINE_MUTEX(canary_a);
static DEFINE_MUTEX(canary_b);

static noinline void canary_leak(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (p)
		strscpy(p, "modemline canary leak", 64);
	/* p goes out of scope: nothing references the object any more. */
}

static noinline void canary_uaf(void)
{
	char *p = kmalloc(64, GFP_KERNEL);

	if (!p)
		return;
	kfree(p);
	/* READ_ONCE keeps the compiler from dropping the bad read. */
	pr_info("modemline_canary: read %d after free\n", READ_ONCE(p[8]));
}

static noinline void canary_lockorder(void)
{
	mutex_lock(&canary_a);
	mutex_lock(&canary_b);
	mutex_unlock(&canary_b);
	mutex_unlock(&canary_a);

	mutex_lock(&canary_b);
	mutex_lock(&canary_a);
	mutex_unlock(&canary_a);
	mutex_unlock(&canary_b);
}

static int __init modemline_canary_init(void)
{
	if (!strcmp(mode, "leak"))
		canary_leak();
	else if (!strcmp(mode, "uaf"))
		canary_uaf();
	else if (!strcmp(mode, "lockorder"))
		canary_lockorder();
	else
		return -EINVAL;
	pr_info("modemline_canary: committed '%s'\n", mode);
	return 0;
}

static void __exit modemline_canary_exit(void)
{
}

module_init(modemline_canary_init);
module_exit(modemline_canary_exit);
MODULE_DESCRIPTION("modemline test canary: commits a leak, use-after-free or lock inversion on purpose");
MODULE_LICENSE("GPL");

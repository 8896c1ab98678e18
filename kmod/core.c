// SPDX-License-Identifier: GPL-2.0
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/fs.h>

static const struct file_operations modemline_fops = {
	.owner = THIS_MODULE,
};

static struct miscdevice modemline_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "modemline",
	.fops = &modemline_fops,
};
module_misc_device(modemline_misc);
MODULE_DESCRIPTION("modemline skeleton");
MODULE_LICENSE("GPL");

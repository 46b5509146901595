// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_main.c - module entry points: the node cache, then /dev/lfq
 */
#include <linux/module.h>

#include "lfq_internal.h"

static int __init lfq_init(void)
{
	int ret;

	ret = lfq_core_init();
	if (ret)
		return ret;
	ret = lfq_dev_init();
	if (ret)
		lfq_core_exit();
	return ret;
}

static void __exit lfq_exit(void)
{
	lfq_dev_exit();
	lfq_core_exit();
}

module_init(lfq_init);
module_exit(lfq_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Lock-free queues, stacks and rings, and /dev/lfq");

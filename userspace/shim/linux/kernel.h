/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: <linux/kernel.h>, the part lfq uses (ARRAY_SIZE). */
#ifndef _KSHIM_LINUX_KERNEL_H
#define _KSHIM_LINUX_KERNEL_H

#include "../kshim.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#endif /* _KSHIM_LINUX_KERNEL_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: <linux/kernel.h>, the part lfq uses (ARRAY_SIZE, ALIGN, INT_MAX). */
#ifndef _KSHIM_LINUX_KERNEL_H
#define _KSHIM_LINUX_KERNEL_H

#include <limits.h>

#include "../kshim.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* Round @x up to a multiple of @a, a power of two (linux/align.h). */
#ifndef ALIGN
#define ALIGN(x, a)	(((x) + ((__typeof__(x))(a) - 1)) & \
			 ~((__typeof__(x))(a) - 1))
#endif

#endif /* _KSHIM_LINUX_KERNEL_H */

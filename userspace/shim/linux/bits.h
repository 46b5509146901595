/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: <linux/bits.h>. */
#ifndef _KSHIM_LINUX_BITS_H
#define _KSHIM_LINUX_BITS_H

#define BIT(nr)			(1UL << (nr))
#define BITS_PER_LONG		(8 * (int)sizeof(long))

#endif /* _KSHIM_LINUX_BITS_H */

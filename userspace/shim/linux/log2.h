/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: <linux/log2.h>. */
#ifndef _KSHIM_LINUX_LOG2_H
#define _KSHIM_LINUX_LOG2_H

#include <linux/bits.h>
#include <linux/types.h>

static inline bool is_power_of_2(unsigned long n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

static inline unsigned long roundup_pow_of_two(unsigned long n)
{
	return n <= 1 ? 1 : 1UL << (64 - __builtin_clzl(n - 1));
}

/* floor(log2(n)) for n > 0 (the kernel's is a macro; same result) */
static inline int ilog2(unsigned long n)
{
	return BITS_PER_LONG - 1 - __builtin_clzl(n);
}

#endif /* _KSHIM_LINUX_LOG2_H */

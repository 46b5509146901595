/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: <linux/hash.h>, the multiplicative hashes lfq uses.
 * The multipliers are the kernel's (2^w / phi, rounded to odd), so a key
 * lands in the same bucket here as in the kernel.  @bits must be 1 to the
 * word width: like the kernel's, these shift by (width - @bits).
 */
#ifndef _KSHIM_LINUX_HASH_H
#define _KSHIM_LINUX_HASH_H

#include <linux/types.h>

#define GOLDEN_RATIO_32 0x61C88647U
#define GOLDEN_RATIO_64 0x61C8864680B583EBULL

static inline u32 hash_32(u32 val, unsigned int bits)
{
	return (u32)(val * GOLDEN_RATIO_32) >> (32 - bits);
}

static inline u32 hash_64(u64 val, unsigned int bits)
{
	return (u32)((val * GOLDEN_RATIO_64) >> (64 - bits));
}

#if __SIZEOF_LONG__ == 8
#define hash_long(val, bits)	hash_64(val, bits)
#else
#define hash_long(val, bits)	hash_32(val, bits)
#endif

#endif /* _KSHIM_LINUX_HASH_H */

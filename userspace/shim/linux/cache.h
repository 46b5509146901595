/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: <linux/cache.h>. */
#ifndef _KSHIM_LINUX_CACHE_H
#define _KSHIM_LINUX_CACHE_H

#include <linux/types.h>

#define L1_CACHE_BYTES			KSHIM_CACHELINE
#define SMP_CACHE_BYTES			KSHIM_CACHELINE
#define ____cacheline_aligned		__attribute__((__aligned__(SMP_CACHE_BYTES)))
#define ____cacheline_aligned_in_smp	____cacheline_aligned
#define __cacheline_aligned		____cacheline_aligned
#define __cacheline_aligned_in_smp	____cacheline_aligned

#endif /* _KSHIM_LINUX_CACHE_H */

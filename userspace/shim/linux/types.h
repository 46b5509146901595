/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: <linux/types.h>, including struct rcu_head. */
#ifndef _KSHIM_LINUX_TYPES_H
#define _KSHIM_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <sys/types.h>
#include <asm/types.h>	/* the uapi __u8 ... __s64 */

#include "../kshim.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

typedef unsigned int gfp_t;
typedef unsigned int slab_flags_t;

/*
 * RCU is liburcu's memb flavour.  Its headers also define a struct rcu_head;
 * rename theirs while they are parsed (the C ABI does not see struct
 * names).  The kernel's struct rcu_head keeps the kernel's shape (two
 * pointers, so struct lfq_node has its kernel size): call_rcu() links heads
 * into a per-thread list and hands whole lists to liburcu (see kshim.c).
 *
 * Under ThreadSanitizer the read-side primitives are called out of line
 * from the uninstrumented library, so TSan does not see (and misreport)
 * liburcu's internal per-thread accesses; otherwise they are inlined.
 */
#ifndef KSHIM_TSAN
#ifndef _LGPL_SOURCE
#define _LGPL_SOURCE
#endif
#endif
#define rcu_head kshim_urcu_head
#include <urcu/urcu-memb.h>
#undef rcu_head

struct rcu_head {
	struct rcu_head *next;
	void (*func)(struct rcu_head *head);
};
typedef void (*rcu_callback_t)(struct rcu_head *head);

#endif /* _KSHIM_LINUX_TYPES_H */

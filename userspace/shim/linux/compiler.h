/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: <linux/compiler.h>.  READ_ONCE()/WRITE_ONCE() are relaxed
 * __atomic accesses: the same code as a volatile access on the targets we
 * run on, but visible to ThreadSanitizer as atomic (so they never race,
 * and they order nothing, exactly as in the kernel memory model).
 */
#ifndef _KSHIM_LINUX_COMPILER_H
#define _KSHIM_LINUX_COMPILER_H

#include <linux/types.h>

#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#ifndef __always_inline
#define __always_inline		inline __attribute__((__always_inline__))
#endif
#define noinline		__attribute__((__noinline__))
#define __must_check		__attribute__((__warn_unused_result__))
#define __maybe_unused		__attribute__((__unused__))
#define __aligned(x)		__attribute__((__aligned__(x)))
#define __packed		__attribute__((__packed__))
#define __force
#define __user
#define __rcu
#define __iomem
#define __percpu
#define __kernel
#define barrier()		__asm__ __volatile__("" ::: "memory")

#define READ_ONCE(x)		__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val)	__atomic_store_n(&(x), (val), __ATOMIC_RELAXED)

#endif /* _KSHIM_LINUX_COMPILER_H */

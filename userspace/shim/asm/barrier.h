/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: <asm/barrier.h> on GCC __atomic builtins.  Acquire and
 * release are C11 acquire/release, which ThreadSanitizer understands.
 */
#ifndef _KSHIM_ASM_BARRIER_H
#define _KSHIM_ASM_BARRIER_H

#include <linux/compiler.h>

#include "../kshim.h"

#ifdef KSHIM_TSAN
/*
 * ThreadSanitizer does not model fences (GCC warns, -Wtsan).  A seq_cst
 * read-modify-write is a full barrier on the hardware as well (lock-prefixed
 * on x86), and on a word of this thread's own it gives TSan no
 * happens-before edge that could hide a report.
 */
static __thread unsigned long kshim_mb_word __attribute__((unused));
#define smp_mb()	((void)__atomic_fetch_add(&kshim_mb_word, 0,	\
						  __ATOMIC_SEQ_CST))
/* stronger than needed, and a read-modify-write TSan understands */
#define smp_rmb()		smp_mb()
#else
#define smp_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define smp_rmb()		__atomic_thread_fence(__ATOMIC_ACQUIRE)
#endif
#define smp_wmb()		__atomic_thread_fence(__ATOMIC_RELEASE)
#define mb()			smp_mb()
#define rmb()			smp_rmb()
#define wmb()			smp_wmb()
#define smp_mb__before_atomic()	smp_mb()
#define smp_mb__after_atomic()	smp_mb()

#define smp_load_acquire(p)	__atomic_load_n((p), __ATOMIC_ACQUIRE)
#define smp_store_release(p, v)	__atomic_store_n((p), (v), __ATOMIC_RELEASE)

#define cpu_relax()		__builtin_ia32_pause()

#endif /* _KSHIM_ASM_BARRIER_H */

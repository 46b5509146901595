/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim.h - the parts of the userspace kernel shim that have no kernel
 * counterpart: configuration, sanitizer hooks, and test/debug controls.
 *
 * See README.md in this directory for how to build and link against
 * libkshim.a.
 */
#ifndef _KSHIM_H
#define _KSHIM_H

#include <stdbool.h>
#include <stddef.h>

#if defined(__SANITIZE_THREAD__)
#define KSHIM_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define KSHIM_TSAN 1
#endif
#endif

#if defined(__SANITIZE_ADDRESS__)
#define KSHIM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KSHIM_ASAN 1
#endif
#endif

/* "CPUs": threads are mapped onto this many per-CPU slots, round robin. */
#define KSHIM_NR_CPUS		64
#define KSHIM_CACHELINE		64

#ifdef KSHIM_TSAN
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define kshim_tsan_acquire(addr)	__tsan_acquire((void *)(addr))
#define kshim_tsan_release(addr)	__tsan_release((void *)(addr))
#else
#define kshim_tsan_acquire(addr)	do { } while (0)
#define kshim_tsan_release(addr)	do { } while (0)
#endif

/*
 * The calling thread's "CPU".  A thread gets a slot of its own on first
 * use (the lowest free one among 0 .. KSHIM_NR_CPUS - 2) and gives it back
 * when it exits, so each per-CPU slot has one writer at a time, as a CPU
 * has one running task, and this_cpu_*() can update it with a plain load
 * and store.  Only when KSHIM_NR_CPUS - 1 threads already hold slots does
 * a thread share the last slot, KSHIM_CPU_SHARED, and then its this_cpu_*()
 * updates are atomic read-modify-writes (kshim_cpu_shared is set).
 *
 * A program may set kshim_cpu_id itself (before the thread's first use)
 * to pin a thread to a slot; it then promises that no other live thread
 * uses that slot, and should pick slots above the few that threads get
 * automatically (main, liburcu's call_rcu thread).
 */
#define KSHIM_CPU_SHARED	(KSHIM_NR_CPUS - 1)
extern __thread int kshim_cpu_id;
extern __thread bool kshim_cpu_shared;
int kshim_cpu_assign(void);
static inline int kshim_this_cpu(void)
{
	int cpu = kshim_cpu_id;

	return cpu >= 0 ? cpu : kshim_cpu_assign();
}

/*
 * RCU callbacks are batched per thread (see call_rcu() in kshim.c): a
 * thread hands its list to liburcu every KSHIM_RCU_BATCH callbacks, in
 * rcu_barrier(), in rcu_unregister_thread() and when it exits.
 */
#define KSHIM_RCU_BATCH		64
/* Callbacks queued by this thread and not yet handed to liburcu. */
unsigned int kshim_rcu_batched(void);

/* Byte written over every object freed to a kmem_cache (as SLUB's 0x6b). */
#define KSHIM_POISON_FREE	0x6b
/* Byte written over every newly allocated object while debugging. */
#define KSHIM_POISON_ALLOC	0x5a

struct kmem_cache;

/* Objects of @cache allocated and not yet freed (summed over CPUs). */
long kshim_kmem_cache_live(struct kmem_cache *cache);
/* kvmalloc()ed blocks not yet kvfree()d. */
long kshim_kv_live(void);

/*
 * The "fast" variant (KSHIM_FAST, for benchmarks) maps kmem_cache_alloc()
 * and kmem_cache_free() straight onto malloc() and free(), as SLUB's fast
 * path is a per-CPU freelist pop/push without debugging: no poisoning, no
 * quarantine, no fault injection, and no live-object count
 * (kshim_kmem_cache_live() then returns 0).  The test variants (default,
 * tsan, asan) keep all of those.
 */

/*
 * Keep the last @n objects freed to any kmem_cache poisoned and out of
 * malloc's hands; when one leaves the quarantine its poison is checked
 * and the process aborts with "write after free" if a byte changed.  Also
 * fills new objects with KSHIM_POISON_ALLOC.  0 (the default, also set by
 * the environment variable KSHIM_QUARANTINE) turns both off; poisoning on
 * free is always on.  Ignored under AddressSanitizer, which quarantines
 * freed memory itself.
 */
void kshim_set_quarantine(unsigned int n);

/*
 * Make every @n-th kmem_cache_alloc() or kvmalloc_array() (kmalloc,
 * kzalloc, kvcalloc) that may fail (all of them) return NULL; 0 turns
 * fault injection off.
 */
void kshim_set_alloc_fail_every(unsigned long n);

/* Number of "write after free" checks that passed (for tests). */
unsigned long kshim_quarantine_checked(void);

#endif /* _KSHIM_H */

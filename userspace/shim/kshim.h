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
 * The calling thread's "CPU": a slot number assigned on first use, round
 * robin, so per-CPU counters are per-thread (shared beyond 64 threads,
 * which is why they are updated atomically).
 */
extern __thread int kshim_cpu_id;
int kshim_cpu_assign(void);
static inline int kshim_this_cpu(void)
{
	int cpu = kshim_cpu_id;

	return cpu >= 0 ? cpu : kshim_cpu_assign();
}

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
 * Make every @n-th kmem_cache_alloc() that may fail (all of them) return
 * NULL; 0 turns fault injection off.
 */
void kshim_set_alloc_fail_every(unsigned long n);

/* Number of "write after free" checks that passed (for tests). */
unsigned long kshim_quarantine_checked(void);

#endif /* _KSHIM_H */

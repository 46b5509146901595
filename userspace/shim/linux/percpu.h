/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: <linux/percpu.h>.  A per-CPU variable is an array of
 * KSHIM_NR_CPUS cache-line-sized slots; a thread uses the slot of its
 * "CPU" (kshim_this_cpu()).  Only DEFINE_PER_CPU is supported (each
 * definition has its own anonymous slot type).
 *
 * Each thread owns its slot (see kshim.h), as a CPU runs one task at a
 * time, so this_cpu_*() read-modify-writes are a relaxed load and a
 * relaxed store of the thread's own slot -- no locked instruction, as on
 * x86, where this_cpu_inc() is one non-locked "incq %gs:..." that no other
 * CPU ever writes.  Readers on other threads (per_cpu(), summing loops)
 * use READ_ONCE(), so they see each slot's latest store, never a torn
 * value.  A thread beyond the first KSHIM_NR_CPUS - 1 shares the last
 * slot (kshim_cpu_shared) and uses atomic read-modify-writes there.
 */
#ifndef _KSHIM_LINUX_PERCPU_H
#define _KSHIM_LINUX_PERCPU_H

#include <linux/types.h>
#include <linux/compiler.h>

#define DEFINE_PER_CPU(type, name)					\
	struct {							\
		type v;							\
	} __attribute__((__aligned__(KSHIM_CACHELINE))) name[KSHIM_NR_CPUS]

#define per_cpu_ptr(ptr, cpu)	(&(*(ptr))[(cpu)].v)
#define per_cpu(var, cpu)	(*per_cpu_ptr(&(var), (cpu)))
#define this_cpu_ptr(ptr)	per_cpu_ptr(ptr, kshim_this_cpu())

#define this_cpu_read(var)						\
	__atomic_load_n(this_cpu_ptr(&(var)), __ATOMIC_RELAXED)
#define this_cpu_write(var, val)					\
	__atomic_store_n(this_cpu_ptr(&(var)), (val), __ATOMIC_RELAXED)

/* Single writer: load, compute, store.  Shared slot: atomic RMW. */
#define __kshim_this_cpu_rmw(var, op, val)				\
({									\
	__typeof__(per_cpu_ptr(&(var), 0)) __kp = this_cpu_ptr(&(var));	\
	__typeof__(*__kp) __kr;						\
									\
	if (likely(!kshim_cpu_shared)) {				\
		__kr = __atomic_load_n(__kp, __ATOMIC_RELAXED) op (val); \
		__atomic_store_n(__kp, __kr, __ATOMIC_RELAXED);		\
	} else {							\
		__kr = __atomic_load_n(__kp, __ATOMIC_RELAXED);		\
		while (!__atomic_compare_exchange_n(__kp, &__kr,	\
						    __kr op (val), true, \
						    __ATOMIC_RELAXED,	\
						    __ATOMIC_RELAXED))	\
			;						\
		__kr = __kr op (val);					\
	}								\
	__kr;								\
})

#define this_cpu_add(var, val)	((void)__kshim_this_cpu_rmw(var, +, val))
#define this_cpu_sub(var, val)	((void)__kshim_this_cpu_rmw(var, -, val))
#define this_cpu_inc(var)		this_cpu_add(var, 1)
#define this_cpu_dec(var)		this_cpu_sub(var, 1)
#define this_cpu_add_return(var, val)	__kshim_this_cpu_rmw(var, +, val)
#define this_cpu_inc_return(var)	this_cpu_add_return(var, 1)

#endif /* _KSHIM_LINUX_PERCPU_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: <linux/percpu.h>.  A per-CPU variable is an array of
 * KSHIM_NR_CPUS cache-line-sized slots; a thread uses the slot of its
 * "CPU" (kshim_this_cpu()).  Several threads may share a slot, so the
 * this_cpu_*() operations are relaxed atomics.  Only DEFINE_PER_CPU is
 * supported (each definition has its own anonymous slot type).
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
#define this_cpu_add(var, val)						\
	((void)__atomic_fetch_add(this_cpu_ptr(&(var)), (val), __ATOMIC_RELAXED))
#define this_cpu_sub(var, val)						\
	((void)__atomic_fetch_sub(this_cpu_ptr(&(var)), (val), __ATOMIC_RELAXED))
#define this_cpu_inc(var)		this_cpu_add(var, 1)
#define this_cpu_dec(var)		this_cpu_sub(var, 1)
#define this_cpu_add_return(var, val)					\
	__atomic_add_fetch(this_cpu_ptr(&(var)), (val), __ATOMIC_RELAXED)
#define this_cpu_inc_return(var)	this_cpu_add_return(var, 1)

#endif /* _KSHIM_LINUX_PERCPU_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: <linux/atomic.h> on GCC __atomic builtins.
 *
 * try_cmpxchg*() follow the kernel: the fully ordered form is seq_cst on
 * success, the _acquire/_release/_relaxed forms are what they say, and a
 * failed exchange is always relaxed (the kernel gives it no ordering).
 */
#ifndef _KSHIM_LINUX_ATOMIC_H
#define _KSHIM_LINUX_ATOMIC_H

#include <linux/compiler.h>
#include <asm/barrier.h>

#define __kshim_try_cmpxchg(ptr, oldp, new, order)			\
	__atomic_compare_exchange_n((ptr), (oldp), (new), false,	\
				    (order), __ATOMIC_RELAXED)
#define try_cmpxchg(ptr, oldp, new)					\
	__kshim_try_cmpxchg(ptr, oldp, new, __ATOMIC_SEQ_CST)
#define try_cmpxchg_acquire(ptr, oldp, new)				\
	__kshim_try_cmpxchg(ptr, oldp, new, __ATOMIC_ACQUIRE)
#define try_cmpxchg_release(ptr, oldp, new)				\
	__kshim_try_cmpxchg(ptr, oldp, new, __ATOMIC_RELEASE)
#define try_cmpxchg_relaxed(ptr, oldp, new)				\
	__kshim_try_cmpxchg(ptr, oldp, new, __ATOMIC_RELAXED)

#define cmpxchg(ptr, old, new)						\
({									\
	__typeof__(*(ptr)) __kshim_old = (old);				\
	__atomic_compare_exchange_n((ptr), &__kshim_old, (new), false,	\
				    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED);	\
	__kshim_old;							\
})
#define xchg(ptr, v)	__atomic_exchange_n((ptr), (v), __ATOMIC_SEQ_CST)

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	long counter;
} atomic_long_t;

#define ATOMIC_INIT(i)		{ (i) }
#define ATOMIC_LONG_INIT(i)	{ (i) }

#define __KSHIM_ATOMIC_OPS(pfx, type)					\
static inline type pfx##_read(const pfx##_t *v)			\
{ return __atomic_load_n(&v->counter, __ATOMIC_RELAXED); }		\
static inline void pfx##_set(pfx##_t *v, type i)			\
{ __atomic_store_n(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline type pfx##_read_acquire(const pfx##_t *v)		\
{ return __atomic_load_n(&v->counter, __ATOMIC_ACQUIRE); }		\
static inline void pfx##_set_release(pfx##_t *v, type i)		\
{ __atomic_store_n(&v->counter, i, __ATOMIC_RELEASE); }		\
static inline void pfx##_add(type i, pfx##_t *v)			\
{ __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_sub(type i, pfx##_t *v)			\
{ __atomic_fetch_sub(&v->counter, i, __ATOMIC_RELAXED); }		\
static inline void pfx##_inc(pfx##_t *v)				\
{ __atomic_fetch_add(&v->counter, 1, __ATOMIC_RELAXED); }		\
static inline void pfx##_dec(pfx##_t *v)				\
{ __atomic_fetch_sub(&v->counter, 1, __ATOMIC_RELAXED); }		\
static inline type pfx##_add_return(type i, pfx##_t *v)		\
{ return __atomic_add_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline type pfx##_sub_return(type i, pfx##_t *v)		\
{ return __atomic_sub_fetch(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline type pfx##_inc_return(pfx##_t *v)			\
{ return __atomic_add_fetch(&v->counter, 1, __ATOMIC_SEQ_CST); }	\
static inline type pfx##_dec_return(pfx##_t *v)			\
{ return __atomic_sub_fetch(&v->counter, 1, __ATOMIC_SEQ_CST); }	\
static inline type pfx##_fetch_add(type i, pfx##_t *v)			\
{ return __atomic_fetch_add(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline type pfx##_fetch_add_relaxed(type i, pfx##_t *v)		\
{ return __atomic_fetch_add(&v->counter, i, __ATOMIC_RELAXED); }	\
static inline type pfx##_xchg(pfx##_t *v, type i)			\
{ return __atomic_exchange_n(&v->counter, i, __ATOMIC_SEQ_CST); }	\
static inline bool pfx##_try_cmpxchg(pfx##_t *v, type *old, type new)	\
{ return __kshim_try_cmpxchg(&v->counter, old, new, __ATOMIC_SEQ_CST); } \
static inline bool pfx##_try_cmpxchg_relaxed(pfx##_t *v, type *old,	\
					     type new)			\
{ return __kshim_try_cmpxchg(&v->counter, old, new, __ATOMIC_RELAXED); }

__KSHIM_ATOMIC_OPS(atomic, int)
__KSHIM_ATOMIC_OPS(atomic_long, long)

#endif /* _KSHIM_LINUX_ATOMIC_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_pool.c - a pool of preallocated objects
 *
 * The free objects form a LIFO list threaded through an array of indices,
 * @next, kept apart from the objects (the caller owns every byte of an
 * object, free or not).  The top of the list is one word, @head: the
 * index of the first free object in its low half and a tag in its high
 * half.  get and put are one compare-and-exchange of @head each; every
 * successful one adds 1 to the tag.
 *
 * ABA.  A get reads @head = (i, t) and @next[i] = j, then swings @head to
 * (j, t + 1).  Between the read and the compare-and-exchange other CPUs
 * may take i and j, and put back i with another successor; @head would then
 * hold i again and a bare index compare would succeed, handing out j,
 * which someone holds.  The tag changed with each of those updates, so the
 * compare fails instead, unless exactly a multiple of 2^(BITS_PER_LONG/2)
 * updates happened in between (2^32 on 64-bit, 2^16 on 32-bit, where the
 * pool is limited to 65534 objects).  get runs with preemption disabled,
 * so the stale CPU stays between its read and its compare-and-exchange
 * for a few instructions plus whatever interrupts (or NMIs) run on it
 * meanwhile, never for a preempted task's time off the CPU: other CPUs
 * would have to complete 2^16 (2^32) gets and puts on this pool within
 * one interrupt.  (put needs no such care: a stale head that compares
 * equal still has the same first free object, and put only links its
 * object in front of it.)  The objects and
 * @next are never freed before lfq_pool_destroy(), so the stale read of
 * @next[i] is of memory that stays valid; only its value may be stale,
 * and the tag rejects it.  No RCU is needed.
 *
 * Why not a ring of free pointers.  lfq_ring_push() can report full while
 * a consumer that claimed a slot a lap ago has not released it, however
 * few values the ring holds: with two objects A and B in a ring of two
 * slots, a get that claimed A's slot and is interrupted before releasing
 * it, and an interrupt handler that gets B and puts it back, make that put
 * find B's new slot (A's old one) still claimed.  A put would then have to
 * fail or wait for the interrupted CPU; the list cannot be "full", so put
 * never fails, and a stalled get or put holds up nobody.
 */
#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/cache.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/preempt.h>
#include <linux/slab.h>

#include "lfq_internal.h"

#define POOL_IDX_BITS	(BITS_PER_LONG / 2)
#define POOL_IDX_MASK	(BIT(POOL_IDX_BITS) - 1)
/* The index of "no object": the empty list's @head, the last @next. */
#define POOL_NIL	((unsigned int)POOL_IDX_MASK)
/* The tag's unit: adding it to @head counts one update. */
#define POOL_TAG_ONE	BIT(POOL_IDX_BITS)

static inline unsigned int pool_idx(unsigned long head)
{
	return head & POOL_IDX_MASK;
}

/* @head with index @idx and the next tag after @old's. */
static inline unsigned long pool_head(unsigned long old, unsigned int idx)
{
	return ((old & ~POOL_IDX_MASK) + POOL_TAG_ONE) | idx;
}

/**
 * lfq_pool_init() - allocate @nr objects of @size bytes, all free
 * @p: the pool
 * @nr: number of objects, 1 to LFQ_POOL_MAX_NR
 * @size: bytes per object, at least 1; @nr objects of @size rounded up to
 *	SMP_CACHE_BYTES must stay below INT_MAX bytes (kvmalloc()'s limit)
 * @gfp: allocation flags for the objects and the index array; __GFP_ZERO
 *	and __GFP_NOWARN are added
 * @ctor: called once on each object, zeroed, before init returns, or NULL
 * @arg: passed to @ctor
 *
 * One allocation holds the objects, each at an SMP_CACHE_BYTES-aligned
 * address and SMP_CACHE_BYTES-rounded size, so no two objects share a
 * cache line; a second holds one index per object.  Nothing is allocated
 * after this.
 *
 * Context: any context that @gfp allows; process context for pools large
 * enough to need vmalloc (kvmalloc() rules).  Sleeps only if @gfp or @ctor
 * may.
 * Return: 0, -EINVAL if @nr or @size is out of range, -ENOMEM if the memory
 * cannot be allocated.
 */
int lfq_pool_init(struct lfq_pool *p, unsigned int nr, size_t size, gfp_t gfp,
		  void (*ctor)(void *obj, void *arg), void *arg)
{
	const size_t align = SMP_CACHE_BYTES;
	unsigned int *next;
	size_t stride;
	void *mem;
	unsigned int i;

	p->mem = NULL;		/* lfq_pool_destroy() after a failed init */
	if (!nr || nr > LFQ_POOL_MAX_NR || !size ||
	    size > (INT_MAX - align) / nr)
		return -EINVAL;
	stride = ALIGN(size, align);
	if (stride > (INT_MAX - align) / nr)
		return -EINVAL;
	gfp |= __GFP_ZERO | __GFP_NOWARN;
	/* one line more than needed, to align the first object */
	mem = kvmalloc_array(1, stride * nr + align - 1, gfp);
	if (!mem)
		return -ENOMEM;
	next = kvmalloc_array(nr, sizeof(*next), gfp);
	if (!next) {
		kvfree(mem);
		return -ENOMEM;
	}
	p->mem = mem;
	p->objs = (char *)ALIGN((unsigned long)mem, align);
	p->stride = stride;
	p->nr = nr;
	p->next = next;
	for (i = 0; i < nr; i++) {
		next[i] = i + 1 < nr ? i + 1 : POOL_NIL;
		if (ctor)
			ctor(p->objs + i * stride, arg);
	}
	p->head = 0;		/* object 0 first, tag 0 */
	atomic_long_set(&p->nr_free, nr);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_pool_init, LFQ_NS);

/**
 * lfq_pool_destroy() - free the objects and the pool's memory
 * @p: the pool; nobody may use it, or any of its objects, any more
 *
 * Objects not put back are freed as well: lfq_pool_avail() first tells
 * whether all came back.  Calling it again, or on a pool whose init
 * failed, does nothing.
 *
 * Context: process context if the memory may have come from vmalloc.
 * Return: nothing.
 */
void lfq_pool_destroy(struct lfq_pool *p)
{
	if (!p->mem)
		return;
	kvfree(p->next);
	kvfree(p->mem);
	p->next = NULL;
	p->mem = NULL;
	p->objs = NULL;
}
EXPORT_SYMBOL_NS_GPL(lfq_pool_destroy, LFQ_NS);

/**
 * lfq_pool_get() - take a free object
 * @p: the pool
 *
 * Never allocates, never sleeps, never waits for another CPU.  Lock-free:
 * the loop retries only when another get or put changed the list between
 * this one's read and its compare-and-exchange (each retry is counted in
 * lfq_cas_retries()).  Returns NULL only if the list was empty at that
 * read: unlike a ring, a stalled get or put elsewhere never makes free
 * objects look taken.  The object's contents are whatever its last holder
 * (or the ctor) left.
 *
 * Context: any context, including hard interrupts.  NMI-safe on
 * architectures with NMI-safe cmpxchg (CONFIG_ARCH_HAVE_NMI_SAFE_CMPXCHG):
 * no lock is taken, so an NMI cannot deadlock on a pool the interrupted
 * code was using.
 * Return: an object, or NULL if none is free.
 */
void *lfq_pool_get(struct lfq_pool *p)
{
	unsigned long old, new;
	unsigned int i;

	/* Bounds the ABA window to this CPU's interrupts: see the top. */
	preempt_disable();
	for (;;) {
		/*
		 * Pairs with try_cmpxchg_release() in lfq_pool_put(): the
		 * put that freed object i wrote @next[i] (and its holder
		 * wrote the object) before it.  Read again after a failed
		 * compare-and-exchange, whose read of @head is unordered.
		 */
		old = smp_load_acquire(&p->head);
		i = pool_idx(old);
		if (i == POOL_NIL) {
			preempt_enable();
			return NULL;
		}
		/*
		 * Relaxed: @next[i] and the object are ordered by the load
		 * above.  The head this installs was released by the put
		 * that freed that object, and every later update of @head
		 * is a read-modify-write, so the next get's acquire load
		 * still synchronises with that put (a release sequence).
		 * @next[i] may be stale (i taken and put back meanwhile) or
		 * being rewritten by the put of i; then the tag has changed
		 * and the compare-and-exchange fails.
		 */
		new = pool_head(old, READ_ONCE(p->next[i]));
		if (likely(try_cmpxchg_relaxed(&p->head, &old, new)))
			break;
		lfq_count_retry();
	}
	preempt_enable();
	atomic_long_dec(&p->nr_free);
	return p->objs + i * p->stride;
}
EXPORT_SYMBOL_NS_GPL(lfq_pool_get, LFQ_NS);

/**
 * lfq_pool_put() - give an object back
 * @p: the pool
 * @obj: an object that lfq_pool_get() on @p returned and nobody holds
 *	since (its holder's last access happens before this call)
 *
 * Never fails for an object of @p, never allocates, never sleeps, never
 * waits for another CPU.  Lock-free as lfq_pool_get().  A pointer that is
 * not the start of one of @p's objects is refused with -EINVAL and nothing
 * else (no warning: the check is two compares and a division).  Putting an
 * object that is already free is not detected (that would take an atomic
 * per-object state on every get and put): the object would then be handed
 * out twice.
 *
 * Context: any context, including hard interrupts; NMI as for
 * lfq_pool_get().
 * Return: 0, or -EINVAL if @obj is not an object of @p.
 */
int lfq_pool_put(struct lfq_pool *p, void *obj)
{
	/* below @objs, wraps to more than nr * stride */
	unsigned long off = (unsigned long)obj - (unsigned long)p->objs;
	unsigned long old;
	unsigned int i;

	if (unlikely(off >= (unsigned long)p->nr * p->stride ||
		     off % p->stride))
		return -EINVAL;
	i = off / p->stride;
	atomic_long_inc(&p->nr_free);
	old = READ_ONCE(p->head);
	do {
		/* ours alone until the release below publishes it */
		WRITE_ONCE(p->next[i], pool_idx(old));
		/*
		 * Release: the holder's accesses to @obj and our @next[i]
		 * store come before the object is free; pairs with
		 * smp_load_acquire() in lfq_pool_get().  A failure only
		 * reloads @old, whose index is all we use.
		 */
		if (likely(try_cmpxchg_release(&p->head, &old,
					       pool_head(old, i))))
			return 0;
		lfq_count_retry();
	} while (1);
}
EXPORT_SYMBOL_NS_GPL(lfq_pool_put, LFQ_NS);

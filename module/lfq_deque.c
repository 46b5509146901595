// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_deque.c - bounded Chase-Lev work-stealing deque
 *
 * The algorithm is Chase and Lev's ("Dynamic Circular Work-Stealing
 * Deque", SPAA 2005), with the memory orderings that Le, Pop, Cohen and
 * Zappa Nardelli proved sufficient for the C11 model ("Correct and
 * Efficient Work-Stealing for Weak Memory Models", PPoPP 2013), written
 * with the kernel's primitives.  The comment at each access names the C11
 * ordering of the paper's code it stands for and what it pairs with.
 *
 * Positions count up as unsigned longs; position p lives in slot
 * p & mask, and differences are taken as signed longs (on 32-bit the
 * positions may wrap: the capacity divides 2^BITS_PER_LONG).  The values
 * are in [top, bottom).  The owner pushes at bottom and pops at bottom - 1;
 * thieves take top and advance it with a compare-and-exchange.  When one
 * value is left, the owner competes for it with the thieves through the
 * same compare-and-exchange on top, so exactly one of them gets it.
 *
 * Bounded: the array is allocated once, by lfq_deque_init(), and a push
 * into a full deque fails with -ENOSPC.  Chase and Lev grow the array
 * instead; a thief may then still be reading the old array after the
 * owner has switched to the new one, so the old array may only be freed
 * after every such thief is done, which in the kernel means an RCU grace
 * period (steal inside rcu_read_lock(), the old array through kvfree_rcu())
 * and a push that allocates, so cannot run in every context and is no
 * longer wait-free.  A fixed array keeps push wait-free and allocation-free
 * and needs no reclamation at all; the caller sizes the deque, as for
 * lfq_ring.
 *
 * The one full barrier the algorithm needs is in the owner's pop, between
 * lowering bottom and reading top, paired with the one in steal between
 * reading top and reading bottom (a store-buffering shape: without both,
 * owner and thief could each miss the other's claim on the last value and
 * both take it).  Push needs no full barrier.
 */
#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/log2.h>
#include <linux/slab.h>

#include "lfq_internal.h"

/**
 * lfq_deque_init() - allocate and initialise an empty deque
 * @d: the deque
 * @capacity: number of slots, a power of two from 2 to
 *	LFQ_DEQUE_MAX_CAPACITY (2^26)
 * @gfp: allocation flags for the value array (one pointer per slot);
 *	__GFP_NOWARN is added, so a failed allocation prints nothing
 *
 * Context: any context that @gfp allows; process context for capacities
 * large enough to need vmalloc (kvmalloc() rules).
 * Return: 0, -EINVAL for a capacity that is not a power of two or is out of
 * range, -ENOMEM if the array cannot be allocated.  After a failure @d
 * holds nothing, and lfq_deque_destroy() on it does nothing.
 */
int lfq_deque_init(struct lfq_deque *d, unsigned int capacity, gfp_t gfp)
{
	void **slots;

	d->slots = NULL;	/* lfq_deque_destroy() after a failure: no-op */
	if (capacity < 2 || capacity > LFQ_DEQUE_MAX_CAPACITY ||
	    !is_power_of_2(capacity))
		return -EINVAL;
	slots = kvmalloc_array(capacity, sizeof(*slots),
			       gfp | __GFP_NOWARN | __GFP_ZERO);
	if (!slots)
		return -ENOMEM;
	d->top = 0;
	d->bottom = 0;
	d->mask = capacity - 1;
	d->slots = slots;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_deque_init, LFQ_NS);

/**
 * lfq_deque_destroy() - release the values still in the deque, free it
 * @d: the deque; nobody else may use it any more
 * @release: called on each remaining value, oldest (top) first, or NULL
 *
 * Context: process context if the array may have come from vmalloc;
 * sleeps only if @release does.
 * Return: nothing.
 */
void lfq_deque_destroy(struct lfq_deque *d, void (*release)(void *val))
{
	unsigned long pos;

	if (!d->slots)
		return;
	if (release)
		for (pos = d->top; (long)(d->bottom - pos) > 0; pos++)
			release(d->slots[pos & d->mask]);
	kvfree(d->slots);
	d->slots = NULL;
}
EXPORT_SYMBOL_NS_GPL(lfq_deque_destroy, LFQ_NS);

/**
 * lfq_deque_push() - owner: add a value at the bottom
 * @d: the deque
 * @val: the value, not NULL
 *
 * Owner only: must not run concurrently with another lfq_deque_push() or
 * lfq_deque_pop() on @d (see the table at struct lfq_deque); thieves may
 * steal meanwhile.  Wait-free: a fixed number of steps, no loop, no
 * atomic read-modify-write; never allocates, never sleeps.
 *
 * Context: any context in which the owner runs, including hard interrupts
 * and NMI (no locks, no atomics beyond loads and stores).
 * Return: 0, -EINVAL if @val is NULL, -ENOSPC if the deque was full when
 * top was read (a steal that completes just after is not waited for).
 */
int lfq_deque_push(struct lfq_deque *d, void *val)
{
	unsigned long b, t;

	if (unlikely(!val))
		return -EINVAL;
	/* The owner is the only writer of bottom: a plain read is exact. */
	b = d->bottom;
	/*
	 * C11: load(top, acquire).  Pairs with the fully ordered
	 * try_cmpxchg() of top in lfq_deque_steal() (and lfq_deque_pop()):
	 * a thief reads the value at position t before it advances top
	 * past t, so once we see top > t, our store below into the slot of
	 * t + capacity cannot overwrite a value that thief has yet to read.
	 */
	t = smp_load_acquire(&d->top);
	if (unlikely((long)(b - t) > (long)d->mask))
		return -ENOSPC;
	/*
	 * C11: relaxed store: a thief whose copy of top is stale may read
	 * this slot concurrently, and then fails its compare-and-exchange
	 * and discards what it read.
	 */
	WRITE_ONCE(d->slots[b & d->mask], val);
	/*
	 * C11: fence(release) + store(bottom, relaxed).  Pairs with
	 * smp_load_acquire() of bottom in lfq_deque_steal(): a thief that
	 * sees the new bottom sees the value (and what the caller wrote to
	 * the object before pushing it).
	 */
	smp_store_release(&d->bottom, b + 1);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_deque_push, LFQ_NS);

/**
 * lfq_deque_pop() - owner: remove the value at the bottom (the newest)
 * @d: the deque
 *
 * Owner only, as lfq_deque_push().  Wait-free: no loop.  Takes one full
 * barrier; only when a single value is left does it also race the
 * thieves for it with one compare-and-exchange on top, and if that fails
 * a thief got the value and the deque is empty, so pop returns NULL
 * without retrying.  Never sleeps.
 *
 * Context: any context in which the owner runs, including hard interrupts;
 * NMI where cmpxchg is NMI-safe (CONFIG_ARCH_HAVE_NMI_SAFE_CMPXCHG).
 * Return: the newest value, or NULL if the deque is empty (or the last
 * value went to a concurrent thief).
 */
void *lfq_deque_pop(struct lfq_deque *d)
{
	unsigned long b = d->bottom - 1;	/* owner's own field */
	unsigned long t;
	void *val;

	/* C11: store(bottom, relaxed).  Claims position b from thieves. */
	WRITE_ONCE(d->bottom, b);
	/*
	 * C11: fence(seq_cst), before we look at top.  Pairs with the
	 * smp_mb() in lfq_deque_steal(): either that thief's read of bottom
	 * sees our store (and it will not take b), or our read of top below
	 * sees its advance past b.  No ordering is needed to read the slot:
	 * we wrote it ourselves, and a thief never writes one.
	 */
	smp_mb();
	t = READ_ONCE(d->top);
	if (unlikely((long)(b - t) < 0)) {
		/* Empty: undo the claim.  Relaxed, as in the paper. */
		WRITE_ONCE(d->bottom, b + 1);
		return NULL;
	}
	/* C11: relaxed load; only the owner writes the slots. */
	val = READ_ONCE(d->slots[b & d->mask]);
	if (likely(b != t))
		return val;	/* more than one value: b is ours alone */
	/*
	 * The last value: thieves may be after it too.  C11:
	 * compare_exchange_strong(top, seq_cst); fully ordered, and pairs
	 * with the try_cmpxchg() of top in lfq_deque_steal() (only one of
	 * them moves top from t) and with the smp_load_acquire() of top in
	 * lfq_deque_push().
	 */
	if (!try_cmpxchg(&d->top, &t, t + 1)) {
		lfq_count_retry();
		val = NULL;	/* a thief took it */
	}
	/*
	 * The deque is empty at top == b + 1 either way; put bottom there.
	 * C11: relaxed store; a thief reading the older bottom b sees
	 * t == b >= bottom and reports empty.
	 */
	WRITE_ONCE(d->bottom, b + 1);
	return val;
}
EXPORT_SYMBOL_NS_GPL(lfq_deque_pop, LFQ_NS);

/**
 * lfq_deque_steal() - remove the value at the top (the oldest)
 * @d: the deque
 *
 * May run on any CPU, concurrently with the owner and with any number of
 * other thieves.  Lock-free: it retries only when its compare-and-exchange
 * on top fails, which happens only because another thief (or the owner,
 * taking the last value) removed a value in between, so some call always
 * completes; each retry is counted in lfq_cas_retries().  Never sleeps,
 * never waits for another CPU.  The paper's steal returns ABORT on a lost
 * race; this one retries instead, so NULL always means empty.
 *
 * Context: any context, including hard interrupts (for instance one that
 * interrupted the owner); NMI where cmpxchg is NMI-safe
 * (CONFIG_ARCH_HAVE_NMI_SAFE_CMPXCHG, e.g. x86 and arm64).
 * Return: the oldest value, or NULL if the deque was empty.
 */
void *lfq_deque_steal(struct lfq_deque *d)
{
	unsigned long t, b;
	void *val;

	/*
	 * C11: load(top, acquire).  Pairs with the try_cmpxchg() of top by
	 * the previous thief (or the owner's pop), so we read slots that
	 * thief was done with.
	 */
	t = smp_load_acquire(&d->top);
	for (;;) {
		/*
		 * C11: fence(seq_cst).  Pairs with the smp_mb() in
		 * lfq_deque_pop() (see there): orders our read of top
		 * before our read of bottom.
		 */
		smp_mb();
		/*
		 * C11: load(bottom, acquire).  Pairs with smp_store_release()
		 * of bottom in lfq_deque_push(), so the value at t is there.
		 */
		b = smp_load_acquire(&d->bottom);
		if ((long)(b - t) <= 0)
			return NULL;
		/*
		 * C11: relaxed load.  If the owner overwrites this slot (top
		 * moved on and the owner pushed a lap later), the
		 * compare-and-exchange below fails and we drop what we read.
		 */
		val = READ_ONCE(d->slots[t & d->mask]);
		/*
		 * C11: compare_exchange_strong(top, seq_cst).  Pairs with the
		 * try_cmpxchg() of top in lfq_deque_pop() and other thieves
		 * (one winner per position), and with smp_load_acquire() of
		 * top in lfq_deque_push() (our read of the slot happens
		 * before the owner may reuse it).  On failure t is reloaded,
		 * and the next round's smp_mb() orders that load before
		 * bottom's, as the acquire load above did.
		 */
		if (likely(try_cmpxchg(&d->top, &t, t + 1)))
			return val;
		lfq_count_retry();
	}
}
EXPORT_SYMBOL_NS_GPL(lfq_deque_steal, LFQ_NS);

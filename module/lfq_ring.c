// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_ring.c - bounded MPMC FIFO ring with per-slot sequence numbers
 *
 * The scheme is Dmitry Vyukov's bounded MPMC queue.  Positions count up
 * as unsigned longs (on 32-bit they wrap harmlessly: differences are taken
 * as signed longs and the capacity divides 2^BITS_PER_LONG); position p
 * lives in slot p & mask.  Each slot carries a sequence number saying which
 * position it is ready for:
 *
 *   slot->seq == p       free, waiting for the producer of position p
 *   slot->seq == p + 1   full, holding the value of position p
 *
 * A producer reads @tail = p and checks the slot: seq == p means it may
 * claim p by advancing @tail with a compare-and-exchange; seq < p means
 * the consumer of position p - capacity has not released the slot yet, so
 * the ring is full from this producer's point of view; seq > p means the
 * producer's copy of @tail is stale.  After claiming, it stores the value
 * and releases seq = p + 1.  Consumers mirror this on @head and release
 * seq = p + capacity, the next lap's free mark.
 *
 * Nobody ever waits for another CPU: an operation that finds a slot not
 * yet published (or not yet released) reports "empty" (or "full") instead
 * of spinning, so a preempted or interrupted producer cannot deadlock an
 * interrupt handler on its own CPU.  The price is that a producer stalled
 * between claiming and publishing position p makes consumers see the ring
 * as empty at p, even if later positions are already published, until it
 * resumes; likewise a stalled consumer makes the slot look full to
 * producers one lap later.
 *
 * Because the slot sequence numbers carry the lap, a stale producer or
 * consumer cannot mistake one lap for another: a compare-and-exchange on
 * @tail or @head succeeds only from the value that was checked, and the
 * positions never repeat.  The capacity must be at least 2 (with one slot
 * "free for p + 1" and "full at p" would be the same number).
 */
#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/log2.h>
#include <linux/slab.h>

#include "lfq_internal.h"

/**
 * lfq_ring_init() - allocate and initialise an empty ring
 * @r: the ring
 * @capacity: number of slots, a power of two from 2 to
 *	LFQ_RING_MAX_CAPACITY (2^26)
 * @gfp: allocation flags for the slot array (16 bytes per slot on 64-bit,
 *	8 on 32-bit, so at most 1 GiB); __GFP_NOWARN is added, so a failed
 *	allocation prints nothing and is reported as -ENOMEM only
 *
 * Context: any context that @gfp allows; process context for capacities
 * large enough to need vmalloc (kvmalloc() rules).
 * Return: 0, -EINVAL for a capacity that is not a power of two or is out of
 * range, -ENOMEM if the slots cannot be allocated.  After a failure @r
 * holds nothing, and lfq_ring_destroy() on it does nothing.
 */
int lfq_ring_init(struct lfq_ring *r, unsigned int capacity, gfp_t gfp)
{
	struct lfq_ring_slot *slots;
	unsigned int i;

	r->slots = NULL;	/* lfq_ring_destroy() after a failure: no-op */
	if (capacity < 2 || capacity > LFQ_RING_MAX_CAPACITY ||
	    !is_power_of_2(capacity))
		return -EINVAL;
	slots = kvmalloc_array(capacity, sizeof(*slots), gfp | __GFP_NOWARN);
	if (!slots)
		return -ENOMEM;
	for (i = 0; i < capacity; i++) {
		slots[i].seq = i;
		slots[i].val = NULL;
	}
	r->tail = 0;
	r->head = 0;
	r->mask = capacity - 1;
	r->slots = slots;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_ring_init, LFQ_NS);

/**
 * lfq_ring_destroy() - release the values still in the ring, free the slots
 * @r: the ring; nobody else may use it any more
 * @release: called on each remaining value in FIFO order, or NULL
 *
 * Context: process context if the slots may have come from vmalloc;
 * sleeps only if @release does.
 * Return: nothing.
 */
void lfq_ring_destroy(struct lfq_ring *r, void (*release)(void *val))
{
	unsigned long pos;

	if (!r->slots)
		return;
	for (pos = r->head; pos != r->tail; pos++) {
		struct lfq_ring_slot *slot = &r->slots[pos & r->mask];

		if (release && slot->seq == pos + 1)
			release(slot->val);
	}
	kvfree(r->slots);
	r->slots = NULL;
}
EXPORT_SYMBOL_NS_GPL(lfq_ring_destroy, LFQ_NS);

/*
 * Claim up to @n consecutive positions from *@ctr on, on the side whose
 * slots must show seq == position + @ready (0: producers, 1: consumers).
 * Returns the number claimed (0 if fewer than @n and @all) and leaves the
 * first one in *@posp.  The slots are walked with a pointer that wraps at
 * the end of the array, so the loop does no index arithmetic.  If @check
 * is not NULL (producers), a NULL in @check[0..n) ends the run as a busy
 * slot would: bulk then claims nothing, burst claims the values before it.
 * Each failed claim is counted in lfq_cas_retries().
 */
static __always_inline unsigned int ring_claim(struct lfq_ring *r,
					       unsigned long *posp,
					       unsigned long ready,
					       unsigned int n, bool all,
					       unsigned long *ctr,
					       void * const *check)
{
	struct lfq_ring_slot *const base = r->slots;
	struct lfq_ring_slot *const end = base + r->mask + 1;
	const unsigned long mask = r->mask;
	unsigned long pos = READ_ONCE(*ctr);
	struct lfq_ring_slot *slot;
	unsigned int k;
	long dif;

	for (;;) {
		slot = &base[pos & mask];
		for (k = 0; k < n; k++) {
			if (check && unlikely(!check[k])) {
				dif = 0;	/* not a stale position */
				break;
			}
			/*
			 * Producers: pairs with the smp_store_release() of
			 * seq in ring_release_pop() and lfq_ring_pop(), so our
			 * stores to the slot come after the consumer's load of
			 * its value.  Consumers: pairs with the
			 * smp_store_release() of seq in ring_release_push()
			 * and lfq_ring_push(), so the value is visible.
			 */
			dif = (long)(smp_load_acquire(&slot->seq) -
				     (pos + k + ready));
			if (dif)
				break;
			if (++slot == end)
				slot = base;
		}
		if (unlikely(k < n && dif > 0)) {
			/* another CPU claimed pos: reload our copy */
			pos = READ_ONCE(*ctr);
			lfq_count_retry();
			continue;
		}
		if (!k || (all && k < n))
			return 0;
		/*
		 * Relaxed: the slot sequence numbers, not the positions,
		 * carry the data; only the claim itself must be atomic.
		 */
		if (likely(try_cmpxchg_relaxed(ctr, &pos, pos + k)))
			break;
		lfq_count_retry();
	}
	*posp = pos;
	return k;
}

static __always_inline void ring_release_push(struct lfq_ring *r,
					      unsigned long pos,
					      void * const *vals,
					      unsigned int k)
{
	struct lfq_ring_slot *const base = r->slots;
	struct lfq_ring_slot *const end = base + r->mask + 1;
	struct lfq_ring_slot *slot = &base[pos & r->mask];
	unsigned int i;

	for (i = 0; i < k; i++) {
		/*
		 * Plain access: between the claim and the release below
		 * nobody else touches this slot.
		 */
		slot->val = vals[i];
		/*
		 * pairs with smp_load_acquire() of seq in ring_claim() and
		 * lfq_ring_pop()
		 */
		smp_store_release(&slot->seq, pos + i + 1);
		if (++slot == end)
			slot = base;
	}
}

static __always_inline void ring_release_pop(struct lfq_ring *r,
					     unsigned long pos, void **vals,
					     unsigned int k)
{
	struct lfq_ring_slot *const base = r->slots;
	const unsigned long lap = r->mask + 1;
	struct lfq_ring_slot *const end = base + lap;
	struct lfq_ring_slot *slot = &base[pos & r->mask];
	unsigned int i;

	for (i = 0; i < k; i++) {
		vals[i] = slot->val;	/* ours until the release below */
		/*
		 * pairs with smp_load_acquire() of seq in ring_claim() and
		 * lfq_ring_push()
		 */
		smp_store_release(&slot->seq, pos + i + lap);
		if (++slot == end)
			slot = base;
	}
}

static __always_inline unsigned int ring_push_many(struct lfq_ring *r,
						   void * const *vals,
						   unsigned int n, bool all)
{
	unsigned long pos;
	unsigned int k;

	k = ring_claim(r, &pos, 0, n, all, &r->tail, vals);
	ring_release_push(r, pos, vals, k);
	return k;
}

static __always_inline unsigned int ring_pop_many(struct lfq_ring *r,
						  void **vals, unsigned int n,
						  bool all)
{
	unsigned long pos;
	unsigned int k;

	k = ring_claim(r, &pos, 1, n, all, &r->head, NULL);
	ring_release_pop(r, pos, vals, k);
	return k;
}

/*
 * The single-element operations try one claim inline (lfq_ring_push(),
 * lfq_ring_pop()): the first slot's sequence number and one
 * compare-and-exchange, with the slot's address kept from before the
 * claim, and no call on that path, so it needs no saved registers.  When
 * that claim lost a race (another CPU took the position, or our copy of
 * the counter was stale) they count the retry and finish here, in the
 * general loop; out of line, so that the loop's registers and its calls
 * of lfq_count_retry() cost the first try nothing.
 */
static noinline int ring_push_slow(struct lfq_ring *r, void *val)
{
	unsigned long pos;

	lfq_count_retry();
	if (!ring_claim(r, &pos, 0, 1, true, &r->tail, NULL))
		return -ENOSPC;
	ring_release_push(r, pos, &val, 1);
	return 0;
}

static noinline void *ring_pop_slow(struct lfq_ring *r)
{
	unsigned long pos;
	void *val;

	lfq_count_retry();
	if (!ring_claim(r, &pos, 1, 1, true, &r->head, NULL))
		return NULL;
	ring_release_pop(r, pos, &val, 1);
	return val;
}

/**
 * lfq_ring_push() - append a value
 * @r: the ring
 * @val: the value, not NULL
 *
 * Never allocates, never sleeps, never waits for another CPU.  Lock-free
 * among producers: it retries its claim (out of line, after one inline
 * try) only when another producer claimed a position; each retry is
 * counted in lfq_cas_retries().  May report full
 * while a slot is still held by a consumer that claimed it and has not yet
 * copied the value out (for instance because it was preempted or
 * interrupted).
 *
 * Context: any context, including hard interrupts.  NMI-safe on
 * architectures with NMI-safe cmpxchg (CONFIG_ARCH_HAVE_NMI_SAFE_CMPXCHG,
 * e.g. x86 and arm64): no locks are taken, so an NMI cannot deadlock on a
 * ring the interrupted code was using.
 * Return: 0, -EINVAL if @val is NULL, -ENOSPC if the ring is full.
 */
int lfq_ring_push(struct lfq_ring *r, void *val)
{
	unsigned long pos;
	struct lfq_ring_slot *slot;
	long dif;

	if (unlikely(!val))
		return -EINVAL;
	pos = READ_ONCE(r->tail);
	slot = &r->slots[pos & r->mask];
	/*
	 * pairs with the smp_store_release() of seq in lfq_ring_pop() and
	 * ring_release_pop(): our stores to the slot come after the
	 * consumer's load of its value
	 */
	dif = (long)(smp_load_acquire(&slot->seq) - pos);
	/* Relaxed: as in ring_claim(), the slot's seq carries the data. */
	if (likely(!dif) &&
	    likely(try_cmpxchg_relaxed(&r->tail, &pos, pos + 1))) {
		slot->val = val;	/* plain: ours until the release below */
		/*
		 * pairs with the smp_load_acquire() of seq in lfq_ring_pop()
		 * and ring_claim()
		 */
		smp_store_release(&slot->seq, pos + 1);
		return 0;
	}
	if (dif < 0)
		return -ENOSPC;
	return ring_push_slow(r, val);
}
EXPORT_SYMBOL_NS_GPL(lfq_ring_push, LFQ_NS);

/**
 * lfq_ring_pop() - remove the oldest value
 * @r: the ring
 *
 * Never sleeps, never waits for another CPU.  Lock-free among consumers:
 * it retries its claim (out of line, after one inline try) only when
 * another consumer claimed a position (each retry is counted in
 * lfq_cas_retries()).  If the
 * producer of the oldest position has claimed it but not yet stored its
 * value (it was preempted or interrupted in between), this returns NULL
 * even though later values may already be in the ring; they become
 * visible once that producer finishes.
 *
 * Context: any context, including hard interrupts; NMI as for
 * lfq_ring_push().
 * Return: the oldest value, or NULL if the ring is (or looks) empty.
 */
void *lfq_ring_pop(struct lfq_ring *r)
{
	const unsigned long mask = r->mask;
	unsigned long pos;
	struct lfq_ring_slot *slot;
	void *val;
	long dif;

	pos = READ_ONCE(r->head);
	slot = &r->slots[pos & mask];
	/*
	 * pairs with the smp_store_release() of seq in lfq_ring_push() and
	 * ring_release_push(): the value is visible
	 */
	dif = (long)(smp_load_acquire(&slot->seq) - (pos + 1));
	/* Relaxed: as in ring_claim(), the slot's seq carries the data. */
	if (likely(!dif) &&
	    likely(try_cmpxchg_relaxed(&r->head, &pos, pos + 1))) {
		val = slot->val;	/* ours until the release below */
		/*
		 * pairs with the smp_load_acquire() of seq in lfq_ring_push()
		 * and ring_claim()
		 */
		smp_store_release(&slot->seq, pos + mask + 1);
		return val;
	}
	if (dif < 0)
		return NULL;
	return ring_pop_slow(r);
}
EXPORT_SYMBOL_NS_GPL(lfq_ring_pop, LFQ_NS);

/**
 * lfq_ring_push_bulk() - append @n values, or none
 * @r: the ring
 * @vals: the values, in order
 * @n: how many
 *
 * All or nothing: checks that the @n slots after the tail are free and
 * that none of the values is NULL (a compare per value, in the same
 * loop), then claims the slots with one compare-and-exchange, then fills
 * them.  The values of one call stay
 * contiguous and in order in the ring.  Progress as lfq_ring_push().
 *
 * Context: any context, including hard interrupts; NMI as for
 * lfq_ring_push().
 * Return: @n, or 0 if a value is NULL or fewer than @n slots were free
 * (then nothing was pushed).
 */
unsigned int lfq_ring_push_bulk(struct lfq_ring *r, void * const *vals,
				unsigned int n)
{
	return ring_push_many(r, vals, n, true);
}
EXPORT_SYMBOL_NS_GPL(lfq_ring_push_bulk, LFQ_NS);

/**
 * lfq_ring_push_burst() - append as many of @n values as fit
 * @r: the ring
 * @vals: the values, in order
 * @n: how many at most
 *
 * Pushes the longest prefix of @vals that fits and holds no NULL (a NULL
 * ends the burst), contiguous and in order, with one compare-and-exchange.
 * Progress as lfq_ring_push().
 *
 * Context: any context, including hard interrupts; NMI as for
 * lfq_ring_push().
 * Return: the number of values pushed, 0 to @n; less than @n if the ring
 * filled up or @vals[return value] is NULL.
 */
unsigned int lfq_ring_push_burst(struct lfq_ring *r, void * const *vals,
				 unsigned int n)
{
	return ring_push_many(r, vals, n, false);
}
EXPORT_SYMBOL_NS_GPL(lfq_ring_push_burst, LFQ_NS);

/**
 * lfq_ring_pop_bulk() - remove the @n oldest values, or none
 * @r: the ring
 * @vals: where to store them, oldest first
 * @n: how many
 *
 * All or nothing: succeeds only if the @n oldest positions are all
 * published.  Progress and the "looks empty" caveat as lfq_ring_pop().
 *
 * Context: any context, including hard interrupts; NMI as for
 * lfq_ring_push().
 * Return: @n, or 0 (and @vals untouched) if fewer were available.
 */
unsigned int lfq_ring_pop_bulk(struct lfq_ring *r, void **vals, unsigned int n)
{
	return ring_pop_many(r, vals, n, true);
}
EXPORT_SYMBOL_NS_GPL(lfq_ring_pop_bulk, LFQ_NS);

/**
 * lfq_ring_pop_burst() - remove up to @n of the oldest values
 * @r: the ring
 * @vals: where to store them, oldest first
 * @n: how many at most
 *
 * Removes the longest run of published values at the head, up to @n.
 * Progress and the "looks empty" caveat as lfq_ring_pop().
 *
 * Context: any context, including hard interrupts; NMI as for
 * lfq_ring_push().
 * Return: the number of values stored in @vals, 0 to @n.
 */
unsigned int lfq_ring_pop_burst(struct lfq_ring *r, void **vals,
				unsigned int n)
{
	return ring_pop_many(r, vals, n, false);
}
EXPORT_SYMBOL_NS_GPL(lfq_ring_pop_burst, LFQ_NS);

// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_scq.c - bounded MPMC FIFO queue whose positions are claimed with
 * fetch-and-add: Nikolaev's SCQ
 *
 * Ruslan Nikolaev, "A Scalable, Portable, and Memory-Efficient Lock-Free
 * FIFO Queue", DISC 2019.  Written here from the paper's description.
 *
 * An index ring holds up to n small integers (indices 0..n-1) in 2n
 * entries.  Producers take a position with fetch-and-add on @tail,
 * consumers with fetch-and-add on @head; position p lives in entry
 * map(p), where map() spreads consecutive positions over different
 * cache lines.  An entry is one word:
 *
 *   bits 0..k-1    the index, or BOT (all ones, 2n - 1) when the entry
 *                  holds none (k = log2(2n))
 *   bit k          SAFE: producers may fill the entry without checking
 *                  @head (see below)
 *   bits k+1..     the cycle of the position that last wrote the entry:
 *                  p / 2n, truncated; compared as signed differences, so
 *                  the counters may wrap.  The top bit of p is lost, so
 *                  cycles compare modulo 2^(BITS_PER_LONG - 1) positions:
 *                  an operation stalled while the others make 2^30 on
 *                  32-bit (2^62 on 64-bit) could misjudge one
 *
 * A producer at position t fills map(t) if the entry holds no index, its
 * cycle is older than t's, and it is SAFE or no consumer has gone past t
 * yet (@head <= t); otherwise it takes another position.  A consumer at
 * position h takes the index if the entry's cycle is h's; otherwise it
 * moves an empty entry on to h's cycle, so that the late producer of h
 * cannot fill it any more, or clears SAFE on a full entry of an older
 * cycle, whose consumer has not come yet: a producer of a later cycle
 * must not fill it again once that consumer took the index unless
 * @head shows that no consumer of the later cycle has passed.  A consumer
 * that finds @tail at or before its own position moves @tail up to
 * @head (catch-up) and reports empty.
 *
 * @threshold makes "empty" cheap and bounds a consumer's work: a producer
 * sets it to 3n - 1 after each successful fill, each consumer attempt that
 * finds nothing takes one from it, and a consumer that finds it negative
 * reports empty without touching @head.  The paper shows that while an
 * index is in the ring, a consumer finds one within 3n - 1 attempts.
 *
 * An lfq_scq stores "void *" values as the paper's indirection scheme
 * does: a data array of n slots and two index rings, @fq holding the free
 * slot numbers (full at init) and @aq the allocated ones, in FIFO order.
 * Push takes a free slot from @fq, stores the value there and appends the
 * slot number to @aq; pop takes the oldest slot number from @aq, reads the
 * value and gives the slot back to @fq.  Neither ring ever holds more than
 * n indices, so a producer of either ring always finds an entry within a
 * bounded number of its own attempts.
 *
 * Nothing here waits for another CPU: a producer or consumer stopped
 * anywhere (preempted, interrupted) has written at most its own position's
 * entry, and every other operation goes past that position instead of
 * waiting for it.  What it may cause instead: a value whose push has taken
 * a slot but not yet appended it is not visible yet, and a slot whose pop
 * has not yet given it back is not free yet (push may then report full
 * with fewer than n values in the queue).
 *
 * Memory ordering: every successful read-modify-write of an entry, @head
 * or @tail below is fully ordered (the paper's proof assumes sequential
 * consistency, and the store of an entry followed by the load of @tail or
 * @head is a store-buffering pattern that acquire/release would not
 * order).  A failed compare-and-exchange orders nothing, so each failed
 * one of an entry is followed by smp_rmb() before @head or @tail may be
 * read again.
 */
#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/cache.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/log2.h>
#include <linux/slab.h>

#include "lfq_internal.h"

/*
 * log2 of a power of two; init only (a loop, so that the userspace shim
 * needs no ilog2())
 */
static unsigned int scq_log2(unsigned long x)
{
	unsigned int l = 0;

	while (x >>= 1)
		l++;
	return l;
}

/* Entries of each index ring: 2n. */
static inline unsigned long scq_entries(const struct lfq_scq *q)
{
	return 2UL << q->order;
}

/* BOT: the index field with all bits set, "no index". */
static inline unsigned long scq_bot(const struct lfq_scq *q)
{
	return scq_entries(q) - 1;
}

static inline unsigned long scq_safe(const struct lfq_scq *q)
{
	return scq_entries(q);
}

/* The cycle bits of an entry. */
static inline unsigned long scq_cycle_of(const struct lfq_scq *q,
					 unsigned long ent)
{
	return ent & ~(2 * scq_entries(q) - 1);
}

/* The cycle of position @pos, in an entry's cycle bits. */
static inline unsigned long scq_cycle(const struct lfq_scq *q,
				      unsigned long pos)
{
	return (pos & ~(scq_entries(q) - 1)) << 1;
}

/* Whether cycle bits @a are older than @b (modulo their width). */
static inline bool scq_older(unsigned long a, unsigned long b)
{
	return (long)(a - b) < 0;
}

/*
 * The entry of position @pos: the position's low bits rotated right by
 * @q->shift, so that consecutive positions fall on different cache lines
 * (the paper's Cache_Remap).  A bijection on 0..2n-1.
 */
static inline unsigned long *scq_entry(const struct lfq_scq *q,
				       unsigned long *ents, unsigned long pos)
{
	const unsigned int rorder = q->order + 1;
	unsigned long i = pos & (scq_entries(q) - 1);

	i = ((i << (rorder - q->shift)) | (i >> q->shift)) &
	    (scq_entries(q) - 1);
	return &ents[i];
}

/*
 * Move @r->tail up to @head, unless another CPU moved it there or past it
 * first.  Each failed compare-and-exchange means @tail or @head moved:
 * lock-free, and alone on its CPU it ends after one retry at most.
 */
static void scq_catchup(struct lfq_scq_ring *r, long tail, long head)
{
	while (!atomic_long_try_cmpxchg(&r->tail, &tail, head)) {
		head = atomic_long_read(&r->head);
		tail = atomic_long_read(&r->tail);
		if ((long)((unsigned long)tail - head) >= 0)
			break;
	}
}

/* Append index @idx to @r, which holds fewer than n indices. */
static void scq_enqueue(const struct lfq_scq *q, struct lfq_scq_ring *r,
			unsigned long *ents, unsigned long idx)
{
	const unsigned long bot = scq_bot(q), safe = scq_safe(q);
	const long thr = 3 * ((long)scq_entries(q) / 2) - 1;

	for (;;) {
		/* fully ordered: see "Memory ordering" above */
		unsigned long t = atomic_long_fetch_add(1, &r->tail);
		unsigned long *e = scq_entry(q, ents, t);
		unsigned long tc = scq_cycle(q, t);
		/*
		 * Acquire: keeps the read of @head in the test below after
		 * this read of the entry.  Pairs with the full barrier that a
		 * consumer has between its fetch-and-add of @head and its
		 * compare-and-exchange of this entry in scq_dequeue(): a
		 * producer that sees the consumer's update of the entry sees
		 * @head past the consumer's position.
		 */
		unsigned long ent = smp_load_acquire(e);

		while (scq_older(scq_cycle_of(q, ent), tc) &&
		       (ent & bot) == bot &&
		       ((ent & safe) ||
			(long)(atomic_long_read(&r->head) - t) <= 0)) {
			/*
			 * Fully ordered; the release half pairs with the
			 * smp_load_acquire() of the entry in scq_dequeue(),
			 * so the consumer of @idx sees what was stored in its
			 * slot before.
			 */
			if (!try_cmpxchg(e, &ent, tc | safe | idx)) {
				/*
				 * @ent reloaded: check again.  The failed
				 * compare-and-exchange is unordered: keep its
				 * read of the entry before the re-read of
				 * @head, as the acquire above does for the
				 * first test (same pairing).
				 */
				smp_rmb();
				continue;
			}
			if (atomic_long_read(&r->threshold) != thr)
				atomic_long_set(&r->threshold, thr);
			return;
		}
	}
}

/* Take the oldest index from @r; -1 if it is empty. */
static long scq_dequeue(const struct lfq_scq *q, struct lfq_scq_ring *r,
			unsigned long *ents)
{
	const unsigned long bot = scq_bot(q), safe = scq_safe(q);

	if (atomic_long_read(&r->threshold) < 0)
		return -1;
	for (;;) {
		/* fully ordered: see "Memory ordering" above */
		unsigned long h = atomic_long_fetch_add(1, &r->head);
		unsigned long *e = scq_entry(q, ents, h);
		unsigned long hc = scq_cycle(q, h);
		/* pairs with the try_cmpxchg() of the entry in scq_enqueue() */
		unsigned long ent = smp_load_acquire(e);
		unsigned long tail, upd;

		for (;;) {
			unsigned long ec = scq_cycle_of(q, ent);

			if (ec == hc) {
				/*
				 * Ours: only SAFE may change under us (a
				 * consumer of a later cycle clearing it), so
				 * this loops at most twice.  Fully ordered:
				 * our reads of the index's data slot stay
				 * after the acquire load above.
				 */
				while (!try_cmpxchg(e, &ent, ent | bot))
					;
				return ent & bot;
			}
			if (!scq_older(ec, hc))
				break;		/* a later cycle went past us */
			if ((ent & bot) == bot)
				upd = hc | (ent & safe) | bot;
			else
				upd = ent & ~safe;
			if (upd == ent ||
			    try_cmpxchg(e, &ent, upd))	/* fully ordered */
				break;
			/*
			 * Failed, so unordered: keep its read of the entry
			 * before the read of @tail below, as the acquire
			 * load of @e does (same pairing).
			 */
			smp_rmb();
		}
		tail = atomic_long_read(&r->tail);
		if ((long)(tail - (h + 1)) <= 0) {
			scq_catchup(r, tail, h + 1);
			atomic_long_dec(&r->threshold);
			return -1;
		}
		if (atomic_long_dec_return(&r->threshold) < 0)
			return -1;
	}
}

/**
 * lfq_scq_init_at() - lfq_scq_init() with the position counters at @start
 * @q: the queue
 * @capacity: as for lfq_scq_init()
 * @gfp: as for lfq_scq_init()
 * @start: first position of both rings, rounded down to a multiple of
 *	2 * @capacity; tests pass a value just below ULONG_MAX to see the
 *	counters and the cycles wrap
 *
 * Context: as lfq_scq_init().
 * Return: as lfq_scq_init().
 */
int lfq_scq_init_at(struct lfq_scq *q, unsigned int capacity, gfp_t gfp,
		    unsigned long start)
{
	unsigned long *ents, i, nents;
	unsigned int line;

	q->aq_ents = NULL;	/* lfq_scq_destroy() after a failure: no-op */
	if (capacity < 2 || capacity > LFQ_SCQ_MAX_CAPACITY ||
	    !is_power_of_2(capacity))
		return -EINVAL;
	/* both index rings (2n entries each), then the n data slots */
	ents = kvmalloc_array(5UL * capacity, sizeof(*ents),
			      gfp | __GFP_NOWARN);
	if (!ents)
		return -ENOMEM;
	/* rotate by log2(entries per cache line), at most the whole ring */
	line = scq_log2(SMP_CACHE_BYTES / sizeof(*ents));
	q->order = scq_log2(capacity);
	q->shift = line < q->order + 1 ? line : q->order + 1;
	nents = scq_entries(q);
	start &= ~(nents - 1);
	/* empty entries of the cycle before @start's: free for producers */
	for (i = 0; i < 2 * nents; i++)
		ents[i] = scq_cycle(q, start - nents) | scq_safe(q) |
			  scq_bot(q);
	q->aq_ents = ents;
	q->fq_ents = ents + nents;
	q->data = (void **)(ents + 2 * nents);
	for (i = 0; i < capacity; i++) {
		*scq_entry(q, q->fq_ents, start + i) =
			scq_cycle(q, start + i) | scq_safe(q) | i;
		q->data[i] = NULL;
	}
	atomic_long_set(&q->aq.head, start);
	atomic_long_set(&q->aq.tail, start);
	atomic_long_set(&q->aq.threshold, -1);
	atomic_long_set(&q->fq.head, start);
	atomic_long_set(&q->fq.tail, start + capacity);
	atomic_long_set(&q->fq.threshold, 3L * capacity - 1);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_scq_init_at, LFQ_NS);

/**
 * lfq_scq_init() - allocate and initialise an empty SCQ
 * @q: the queue
 * @capacity: number of values it holds, a power of two from 2 to
 *	LFQ_SCQ_MAX_CAPACITY (2^24)
 * @gfp: allocation flags for its one array (5 words per value: two
 *	index rings of 2 * @capacity entries and the data slots, so at most
 *	640 MiB on 64-bit); __GFP_NOWARN is added, so a failed allocation
 *	prints nothing and is reported as -ENOMEM only
 *
 * Context: any context that @gfp allows; process context for capacities
 * large enough to need vmalloc (kvmalloc() rules).
 * Return: 0, -EINVAL for a capacity that is not a power of two or is out of
 * range, -ENOMEM if the array cannot be allocated.  After a failure @q
 * holds nothing, and lfq_scq_destroy() on it does nothing.
 */
int lfq_scq_init(struct lfq_scq *q, unsigned int capacity, gfp_t gfp)
{
	return lfq_scq_init_at(q, capacity, gfp, 0);
}
EXPORT_SYMBOL_NS_GPL(lfq_scq_init, LFQ_NS);

/**
 * lfq_scq_push() - append a value
 * @q: the queue
 * @val: the value, not NULL
 *
 * Takes a free data slot from the free-index ring, stores @val in it and
 * appends the slot's index to the allocated-index ring, each ring with
 * one fetch-and-add per attempt (SCQ, Nikolaev, DISC 2019).  Never
 * allocates, never sleeps, never waits for another CPU.  Lock-free: an
 * attempt fails only because another operation took the position's entry
 * or went past it; alone on its CPU, a push ends within a bounded number
 * of attempts (3 * capacity for the free ring, and for the other ring as
 * many as the positions @head is ahead of @tail plus 2 * capacity).
 * May report full while a slot is still held by a pop that took its index
 * and has not yet given it back (for instance because it was preempted or
 * interrupted).
 *
 * Context: any context, including hard interrupts: an operation it
 * interrupts on the same CPU never holds anything it waits for.  NMI-safe
 * on architectures with NMI-safe cmpxchg (CONFIG_ARCH_HAVE_NMI_SAFE_CMPXCHG,
 * e.g. x86 and arm64), whose fetch-and-add is an atomic instruction or a
 * load-linked/store-conditional loop as well: no locks are taken.
 * Return: 0, -EINVAL if @val is NULL, -ENOSPC if the queue is full.
 */
int lfq_scq_push(struct lfq_scq *q, void *val)
{
	long idx;

	if (unlikely(!val))
		return -EINVAL;
	idx = scq_dequeue(q, &q->fq, q->fq_ents);
	if (idx < 0)
		return -ENOSPC;
	/*
	 * Plain store: the slot is ours from taking its index off @fq to
	 * publishing it on @aq (the release in scq_enqueue()).
	 */
	q->data[idx] = val;
	scq_enqueue(q, &q->aq, q->aq_ents, idx);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_scq_push, LFQ_NS);

/**
 * lfq_scq_pop() - remove the oldest value
 * @q: the queue
 *
 * Takes the oldest index from the allocated-index ring, reads its data
 * slot and gives the index back to the free-index ring (SCQ, Nikolaev,
 * DISC 2019).  Never sleeps, never waits for another CPU.  Lock-free, and
 * bounded alone on its CPU: at most 3 * capacity attempts on the
 * allocated ring before it reports empty, then one push to the free ring
 * as for lfq_scq_push().  A value whose push has taken a slot but not yet
 * appended it is not visible yet.
 *
 * Context: any context, including hard interrupts; NMI as for
 * lfq_scq_push().
 * Return: the oldest value, or NULL if the queue is (or looks) empty.
 */
void *lfq_scq_pop(struct lfq_scq *q)
{
	long idx = scq_dequeue(q, &q->aq, q->aq_ents);
	void *val;

	if (idx < 0)
		return NULL;
	val = q->data[idx];	/* ours until the release in scq_enqueue() */
	scq_enqueue(q, &q->fq, q->fq_ents, idx);
	return val;
}
EXPORT_SYMBOL_NS_GPL(lfq_scq_pop, LFQ_NS);

/**
 * lfq_scq_destroy() - release the values still in the queue, free it
 * @q: the queue; nobody else may use it any more
 * @release: called on each remaining value in FIFO order, or NULL
 *
 * Context: process context if the array may have come from vmalloc;
 * sleeps only if @release does.
 * Return: nothing.
 */
void lfq_scq_destroy(struct lfq_scq *q, void (*release)(void *val))
{
	void *val;

	if (!q->aq_ents)
		return;
	while ((val = lfq_scq_pop(q)))
		if (release)
			release(val);
	kvfree(q->aq_ents);
	q->aq_ents = NULL;
}
EXPORT_SYMBOL_NS_GPL(lfq_scq_destroy, LFQ_NS);

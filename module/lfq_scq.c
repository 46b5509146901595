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
 * Pops reserve before they dequeue: @ready counts the values pushed whole
 * (a push adds to it after appending to @aq) and not yet reserved (a pop
 * subtracts first, and gives back what it took in excess).  So a pop that
 * holds a reservation finds its index in @aq, and a bulk pop knows up front
 * whether it gets all it asked for, without taking anything it would have
 * to put back (an index taken from @aq cannot go back to its head).  The
 * bulk and burst calls claim up to SCQ_BATCH positions of a ring with one
 * fetch-and-add and make one attempt at each claimed position, exactly as
 * that many single operations would; SCQ's per-entry checks stay per entry.
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

/* Indices moved per fetch-and-add by the bulk and burst calls, at most. */
#define SCQ_BATCH	32U

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

/*
 * One producer attempt: put @idx in the entry of position @t, which this
 * CPU took from @r->tail.  Returns false if the entry cannot take it (a
 * consumer went past @t, or an index of an older cycle is still there);
 * the position is then spent.
 */
static __always_inline bool scq_put(const struct lfq_scq *q,
				    struct lfq_scq_ring *r,
				    unsigned long *ents, unsigned long t,
				    unsigned long idx)
{
	const unsigned long bot = scq_bot(q), safe = scq_safe(q);
	unsigned long *e = scq_entry(q, ents, t);
	unsigned long tc = scq_cycle(q, t);
	/*
	 * Acquire: keeps the read of @head in the test below after this
	 * read of the entry.  Pairs with the full barrier that a consumer
	 * has between its fetch-and-add of @head and its compare-and-exchange
	 * of this entry in scq_take(): a producer that sees the consumer's
	 * update of the entry sees @head past the consumer's position.
	 */
	unsigned long ent = smp_load_acquire(e);

	while (scq_older(scq_cycle_of(q, ent), tc) && (ent & bot) == bot &&
	       ((ent & safe) || (long)(atomic_long_read(&r->head) - t) <= 0)) {
		/*
		 * Fully ordered; the release half pairs with the
		 * smp_load_acquire() of the entry in scq_take(), so the
		 * consumer of @idx sees what was stored in its slot before.
		 */
		if (try_cmpxchg(e, &ent, tc | safe | idx))
			return true;
		/*
		 * @ent reloaded: check again.  The failed compare-and-exchange
		 * is unordered: keep its read of the entry before the re-read
		 * of @head, as the acquire above does for the first test
		 * (same pairing).
		 */
		smp_rmb();
	}
	return false;
}

/*
 * Append the @n indices @idx to @r, which has room for them, in order.
 * One fetch-and-add claims @n positions; each position gets one attempt
 * (scq_put()), with the next index still to place, so the indices land in
 * increasing positions; if attempts failed, the positions left are claimed
 * the same way.  Exactly as @n producers of one index each, running one
 * after the other: no position is left without its attempt.
 */
static __always_inline void scq_enqueue_many(const struct lfq_scq *q,
					     struct lfq_scq_ring *r,
					     unsigned long *ents,
					     const unsigned long *idx,
					     unsigned int n)
{
	const long thr = 3 * ((long)scq_entries(q) / 2) - 1;
	unsigned int i = 0, left = 0;
	unsigned long t = 0;

	while (i < n) {
		if (!left) {
			left = n - i;
			/* fully ordered: see "Memory ordering" above */
			t = atomic_long_fetch_add(left, &r->tail);
		}
		if (scq_put(q, r, ents, t, idx[i]))
			i++;
		t++;
		left--;
	}
	if (atomic_long_read(&r->threshold) != thr)
		atomic_long_set(&r->threshold, thr);
}

/*
 * One consumer attempt at position @h, which this CPU took from @r->head.
 * Returns the index found there, -1 if none (the position is spent, and
 * the entry now keeps a late producer of @h out), -2 if the attempt also
 * found @r empty.
 */
static __always_inline long scq_take(const struct lfq_scq *q,
				     struct lfq_scq_ring *r,
				     unsigned long *ents, unsigned long h)
{
	const unsigned long bot = scq_bot(q), safe = scq_safe(q);
	unsigned long *e = scq_entry(q, ents, h);
	unsigned long hc = scq_cycle(q, h);
	/* pairs with the try_cmpxchg() of the entry in scq_put() */
	unsigned long ent = smp_load_acquire(e);
	unsigned long tail, upd;

	for (;;) {
		unsigned long ec = scq_cycle_of(q, ent);

		if (ec == hc) {
			/*
			 * Ours: only SAFE may change under us (a consumer of a
			 * later cycle clearing it), so this loops at most
			 * twice.  Fully ordered: our reads of the index's data
			 * slot stay after the acquire load above.
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
		if (upd == ent || try_cmpxchg(e, &ent, upd))	/* fully ordered */
			break;
		/*
		 * Failed, so unordered: keep its read of the entry before the
		 * read of @tail below, as the acquire load of @e does (same
		 * pairing).
		 */
		smp_rmb();
	}
	tail = atomic_long_read(&r->tail);
	if ((long)(tail - (h + 1)) <= 0) {
		scq_catchup(r, tail, h + 1);
		atomic_long_dec(&r->threshold);
		return -2;
	}
	return atomic_long_dec_return(&r->threshold) < 0 ? -2 : -1;
}

/*
 * Take up to @n indices from @r into @out, oldest first.  One
 * fetch-and-add claims as many positions as indices are still wanted, and
 * every claimed position gets its attempt (scq_take()), also after an
 * attempt found @r empty: a position a consumer took and never visited
 * could strand an index a late producer puts there.  Claims again until
 * @n indices are found or an attempt finds @r empty.  Exactly as
 * consumers of one index each, running one after the other.
 * Return: the number of indices in @out, 0 to @n.
 */
static __always_inline unsigned int scq_dequeue_many(const struct lfq_scq *q,
						     struct lfq_scq_ring *r,
						     unsigned long *ents,
						     unsigned long *out,
						     unsigned int n)
{
	unsigned int got = 0, k, claim;
	bool empty = false;
	unsigned long h;
	long idx;

	while (got < n && !empty) {
		if (atomic_long_read(&r->threshold) < 0)
			break;
		claim = n - got;
		/* fully ordered: see "Memory ordering" above */
		h = atomic_long_fetch_add(claim, &r->head);
		for (k = 0; k < claim; k++) {
			idx = scq_take(q, r, ents, h + k);
			if (idx >= 0)
				out[got++] = idx;
			else if (idx == -2)
				empty = true;
		}
	}
	return got;
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
	line = ilog2(SMP_CACHE_BYTES / sizeof(*ents));
	q->order = ilog2(capacity);
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
	atomic_long_set(&q->ready, 0);
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

/*
 * Make @n values that were appended to @aq whole visible to pops.
 * Fully ordered (a value-returning atomic): pairs with the fully ordered
 * atomic_long_sub_return() in scq_reserve(), so a pop that reserves one
 * of these values finds the entries of @aq and the data slots written
 * before this.
 */
static __always_inline void scq_publish(struct lfq_scq *q, unsigned int n)
{
	(void)atomic_long_add_return(n, &q->ready);
}

/*
 * Reserve @n (@all) or up to @n values pushed whole and not yet reserved.
 * A compare-and-exchange loop, so @ready never dips below the values
 * really there: a pop that took more and gave the excess back later would,
 * while preempted or interrupted in between, make the queue look empty to
 * every other pop (review).  Lock-free: it retries only when another push
 * or pop changed @ready.  A reservation of k values means that k indices are in @aq
 * for this pop alone to find: every push adds to @ready only after its
 * indices are in @aq, every pop subtracts before it dequeues, and a
 * dequeue of SCQ is linearizable, so it cannot find @aq empty while the
 * values reserved and not yet taken are in it.
 * Return: the number reserved; @n or 0 if @all.
 */
static __always_inline unsigned int scq_reserve(struct lfq_scq *q,
						unsigned int n, bool all)
{
	long avail = atomic_long_read(&q->ready);
	unsigned int k;

	do {
		if (avail <= 0 || (all && avail < (long)n))
			return 0;
		k = avail < (long)n ? avail : n;
		/*
		 * Fully ordered on success: pairs with the one in
		 * scq_publish().  On failure @avail is the current value.
		 */
	} while (!atomic_long_try_cmpxchg(&q->ready, &avail, avail - k));
	return k;
}

/*
 * Take up to @n free slots, chained through their data slots: each holds
 * the previous slot's index + 1 (0 ends the chain), *@chain the last one's.
 * Stops early if @fq looks empty.  The slots are ours until they are
 * appended to a ring again.
 * Return: the number taken.
 */
static unsigned int scq_take_free(struct lfq_scq *q, unsigned int n,
				  unsigned long *chain)
{
	unsigned long buf[SCQ_BATCH];
	unsigned int taken = 0, want, got, i;

	while (taken < n) {
		want = n - taken < SCQ_BATCH ? n - taken : SCQ_BATCH;
		got = scq_dequeue_many(q, &q->fq, q->fq_ents, buf, want);
		for (i = 0; i < got; i++) {
			q->data[buf[i]] = (void *)*chain;
			*chain = buf[i] + 1;
		}
		taken += got;
		if (got < want)
			break;
	}
	return taken;
}

/*
 * Append the chained slots of scq_take_free() to @r, at most SCQ_BATCH
 * per fetch-and-add; with @vals, the slots get @vals[0], @vals[1], ... in
 * the order they are appended.
 */
static void scq_put_chain(struct lfq_scq *q, struct lfq_scq_ring *r,
			  unsigned long *ents, unsigned long chain,
			  void * const *vals)
{
	unsigned long buf[SCQ_BATCH];
	unsigned int c = 0;

	while (chain) {
		unsigned long idx = chain - 1;

		chain = (unsigned long)q->data[idx];
		if (vals)
			q->data[idx] = *vals++;	/* plain: the slot is ours */
		buf[c++] = idx;
		if (c == SCQ_BATCH || !chain) {
			scq_enqueue_many(q, r, ents, buf, c);
			c = 0;
		}
	}
}

static unsigned int scq_push_many(struct lfq_scq *q, void * const *vals,
				  unsigned int n, bool all)
{
	unsigned long chain = 0;
	unsigned int i, taken;

	for (i = 0; i < n && vals[i]; i++)
		;
	if (i < n && all)
		return 0;
	n = i;
	if (n > lfq_scq_capacity(q)) {
		if (all)
			return 0;
		n = lfq_scq_capacity(q);
	}
	if (!n)
		return 0;
	if (n <= SCQ_BATCH) {
		/* one batch: the indices stay on the stack, no chain */
		unsigned long buf[SCQ_BATCH];

		taken = scq_dequeue_many(q, &q->fq, q->fq_ents, buf, n);
		if (all && taken < n) {
			if (taken)
				scq_enqueue_many(q, &q->fq, q->fq_ents, buf,
						 taken);
			return 0;
		}
		for (i = 0; i < taken; i++)
			q->data[buf[i]] = vals[i];	/* plain: ours */
		if (taken)
			scq_enqueue_many(q, &q->aq, q->aq_ents, buf, taken);
	} else {
		taken = scq_take_free(q, n, &chain);
		if (all && taken < n) {
			/* give them back: the free ring's order is free */
			scq_put_chain(q, &q->fq, q->fq_ents, chain, NULL);
			return 0;
		}
		/* the chain runs from the last slot taken back to the first */
		scq_put_chain(q, &q->aq, q->aq_ents, chain, vals);
	}
	if (taken)
		scq_publish(q, taken);
	return taken;
}

static unsigned int scq_pop_many(struct lfq_scq *q, void **vals,
				 unsigned int n, bool all)
{
	unsigned long buf[SCQ_BATCH];
	unsigned int k, done = 0, want, got, i;

	k = n ? scq_reserve(q, n, all) : 0;
	while (done < k) {
		want = k - done < SCQ_BATCH ? k - done : SCQ_BATCH;
		got = scq_dequeue_many(q, &q->aq, q->aq_ents, buf, want);
		/* ours until the release in scq_put() gives them back */
		for (i = 0; i < got; i++)
			vals[done + i] = q->data[buf[i]];
		if (got)
			scq_enqueue_many(q, &q->fq, q->fq_ents, buf, got);
		done += got;
		if (unlikely(got < want)) {
			/* cannot happen (see scq_reserve()); stay consistent */
			atomic_long_add(k - done, &q->ready);
			break;
		}
	}
	return done;
}

/**
 * lfq_scq_push() - append a value
 * @q: the queue
 * @val: the value, not NULL
 *
 * Takes a free data slot from the free-index ring, stores @val in it,
 * appends the slot's index to the allocated-index ring, each ring with
 * one fetch-and-add per attempt (SCQ, Nikolaev, DISC 2019), then adds one
 * to the count of values pops may reserve (one more atomic add).  Never
 * allocates, never sleeps, never waits for another CPU.  Lock-free: an
 * attempt fails only because another operation took the position's entry
 * or went past it; alone on its CPU, a push ends within a bounded number
 * of attempts (3 * capacity for the free ring, and for the other ring as
 * many as the positions @head is ahead of @tail plus 2 * capacity).
 * May report full while a slot is still held by a pop that took its index
 * and has not yet given it back (for instance because it was preempted or
 * interrupted), or by a bulk push that is giving back what it took.
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
	unsigned long idx;

	if (unlikely(!val))
		return -EINVAL;
	if (!scq_dequeue_many(q, &q->fq, q->fq_ents, &idx, 1))
		return -ENOSPC;
	/*
	 * Plain store: the slot is ours from taking its index off @fq to
	 * publishing it on @aq (the release in scq_put()).
	 */
	q->data[idx] = val;
	scq_enqueue_many(q, &q->aq, q->aq_ents, &idx, 1);
	scq_publish(q, 1);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_scq_push, LFQ_NS);

/**
 * lfq_scq_pop() - remove the oldest value
 * @q: the queue
 *
 * Reserves one value of those pushed whole (a read of the count, then a
 * compare-and-exchange that takes one from it, retried only when another
 * push or pop changed the count), takes the oldest index from the
 * allocated-index ring, reads its data slot and gives the index back to
 * the free-index ring (SCQ, Nikolaev, DISC 2019).  Never sleeps, never
 * waits for another CPU.  Lock-free, and bounded alone on its CPU: the
 * reservation then succeeds at its first compare-and-exchange, the
 * allocated ring holds an index for it, found within 3 * capacity
 * attempts, then one push to the free ring as for lfq_scq_push().
 * A value whose push has not yet returned may not be visible yet.
 *
 * Context: any context, including hard interrupts; NMI as for
 * lfq_scq_push().
 * Return: the oldest value, or NULL if the queue is (or looks) empty.
 */
void *lfq_scq_pop(struct lfq_scq *q)
{
	unsigned long idx;
	void *val;

	if (!scq_reserve(q, 1, true))
		return NULL;
	if (unlikely(!scq_dequeue_many(q, &q->aq, q->aq_ents, &idx, 1))) {
		/* cannot happen (see scq_reserve()); stay consistent */
		atomic_long_inc(&q->ready);
		return NULL;
	}
	val = q->data[idx];	/* ours until the release in scq_put() */
	scq_enqueue_many(q, &q->fq, q->fq_ents, &idx, 1);
	return val;
}
EXPORT_SYMBOL_NS_GPL(lfq_scq_pop, LFQ_NS);

/**
 * lfq_scq_push_bulk() - append @n values, or none
 * @q: the queue
 * @vals: the values, in order, none NULL
 * @n: how many, 0 to lfq_scq_capacity()
 *
 * All or nothing.  Checks that no value is NULL, then takes @n free data
 * slots, at most 32 per fetch-and-add on the free-index ring; if it finds
 * fewer free it gives back those it took and pushes nothing.  Otherwise it
 * stores the values and appends the slots' indices to the allocated-index
 * ring, at most 32 per fetch-and-add, in the order of @vals, then makes
 * them all reservable with one atomic add.  Each claimed position is still
 * checked on its own (SCQ's per-entry cycle test), and an index whose
 * position failed takes the next one of the batch.
 *
 * What a concurrent caller may see: while it runs, its slots are neither
 * free nor reservable, so a push may report full and a pop empty; a pop
 * that reserved a value of another push may take one of this call's
 * values before this call returns (they are in the ring, in order), but
 * the n values never become a partial batch in the queue once it returns:
 * either all n are in it or none was.  Other producers' values may sit
 * between them.  FIFO with respect to each producer.
 *
 * Progress as lfq_scq_push(), per value: lock-free, never waits for
 * another CPU, no allocation; alone on its CPU at most 2 * @n ring
 * operations.
 *
 * Context: any context, including hard interrupts; NMI as for
 * lfq_scq_push().  Stack: about 400 bytes for @n up to 32, 650 beyond
 * (x86-64, gcc -O2: the indices of one batch of 32 are kept on the stack).
 * Return: @n, or 0 if @n is 0, a value is NULL, @n exceeds the capacity or
 * fewer than @n slots were free (then nothing was pushed).
 */
unsigned int lfq_scq_push_bulk(struct lfq_scq *q, void * const *vals,
			       unsigned int n)
{
	return scq_push_many(q, vals, n, true);
}
EXPORT_SYMBOL_NS_GPL(lfq_scq_push_bulk, LFQ_NS);

/**
 * lfq_scq_push_burst() - append as many of @n values as fit
 * @q: the queue
 * @vals: the values, in order
 * @n: how many at most
 *
 * Pushes the longest prefix of @vals that holds no NULL (a NULL ends the
 * burst), at most the capacity, and for which free slots are found, as
 * lfq_scq_push_bulk() does but keeping what it took when the free ring
 * runs out.  Progress and what a concurrent caller may see as
 * lfq_scq_push_bulk().
 *
 * Context: any context, including hard interrupts; NMI as for
 * lfq_scq_push().
 * Return: the number of values pushed, 0 to @n; less than @n if the queue
 * filled up or @vals[return value] is NULL.
 */
unsigned int lfq_scq_push_burst(struct lfq_scq *q, void * const *vals,
				unsigned int n)
{
	return scq_push_many(q, vals, n, false);
}
EXPORT_SYMBOL_NS_GPL(lfq_scq_push_burst, LFQ_NS);

/**
 * lfq_scq_pop_bulk() - remove @n values, or none
 * @q: the queue
 * @vals: where to store them, oldest first
 * @n: how many
 *
 * All or nothing, decided up front: reserves @n values pushed whole with
 * one atomic subtraction (one more gives it back if fewer were there;
 * nothing else is touched then).  With the reservation, the @n indices
 * are in the allocated-index ring for this call: it takes them, at most
 * 32 per fetch-and-add, reads the values and gives the slots back to the
 * free ring.  The values are in FIFO order among themselves; concurrent
 * pops may take values between them.  Never waits for another CPU.
 * Lock-free; alone on its CPU at most 2 * @n ring operations.
 *
 * Context: any context, including hard interrupts; NMI as for
 * lfq_scq_push().  Stack: about 260 bytes (x86-64, gcc -O2).
 * Return: @n, or 0 (and @vals untouched) if fewer were available.
 */
unsigned int lfq_scq_pop_bulk(struct lfq_scq *q, void **vals, unsigned int n)
{
	return scq_pop_many(q, vals, n, true);
}
EXPORT_SYMBOL_NS_GPL(lfq_scq_pop_bulk, LFQ_NS);

/**
 * lfq_scq_pop_burst() - remove up to @n values
 * @q: the queue
 * @vals: where to store them, oldest first
 * @n: how many at most
 *
 * Reserves as many values as are there, up to @n, with one atomic
 * subtraction (an excess is given back with one add), then takes them as
 * lfq_scq_pop_bulk() does.  Progress as lfq_scq_pop_bulk().
 *
 * Context: any context, including hard interrupts; NMI as for
 * lfq_scq_push().
 * Return: the number of values stored in @vals, 0 to @n.
 */
unsigned int lfq_scq_pop_burst(struct lfq_scq *q, void **vals,
			       unsigned int n)
{
	return scq_pop_many(q, vals, n, false);
}
EXPORT_SYMBOL_NS_GPL(lfq_scq_pop_burst, LFQ_NS);

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

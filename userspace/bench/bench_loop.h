/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench_loop.h - the timed loops of the pairs and bulk workloads, as
 * always-inline templates that every adapter instantiates with its own
 * push and pop (BENCH_PAIRS_LOOP, BENCH_BULK_LOOP).  The adapter's
 * functions are static in the same translation unit, so the compiler
 * inlines them into the loop: no indirect call per operation for any row.
 * What the structure's own API costs stays: peers' header-inline code is
 * inlined, lfq's adapters call the exported lfq_<kind>_push() and
 * lfq_<kind>_pop() (out of line, in libkshim.a), as a kernel module does.
 *
 * The checks, the same for every row:
 * - each worker pushes seq << 7 | (vid + 1) for seq = 1, 2, ..., so the
 *   push side's count, sum and sum of squares are computed after the run
 *   from the last seq (bench.c, account_pushes());
 * - each popped value adds to a sum and its square to a sum of squares
 *   (an add, a multiply, an add, for every row);
 * - FIFO rows also: the value must be above the last one this worker saw
 *   from its producer (an and, a compare, an add with carry, a store: the
 *   producer's slot is the value's low bits, so a value never pushed
 *   cannot index outside the table).
 * What each check catches:
 * - the loops pop exactly as many values as they push (pairs: one per
 *   iteration; bulk: B per batch), so their count of pops (pairs: derived,
 *   pushed - lost; bulk: the values returned) cannot see a loss: a value
 *   the structure loses, with none made up in its place, leaves some
 *   worker's pop empty at the end, and the run fails on the 5e7-try
 *   starvation path ("value lost?").  A value it duplicates stays behind
 *   after the loops, and bench.c's drain pops it: the total count differs
 *   (or, many of them, a bounded structure fills: "a value duplicated?");
 * - the sum: a value never pushed in place of a lost one, a loss and a
 *   duplicate of different values (the counts agree);
 * - the sum of squares: two losses and two duplicates or forged values of
 *   the same total (count and sum agree; the squares differ unless the
 *   values are the same).  Three or more of each can in principle match
 *   all three sums;
 * - the order check (FIFO rows): a value seen after a later one of its
 *   producer by the same worker, so a duplicate only when the same worker
 *   pops both copies.  When two workers pop one copy each, or the drain
 *   pops one, the order check sees nothing and the count and sums must
 *   catch it.
 * The inner loop is unrolled 4 times.
 * The paths that retry a full push or an empty pop make no function call
 * (bench_backoff() yields with an inline system call on x86-64), so a
 * loop whose push and pop are inline keeps its state in registers.
 * The phase flag (warm-up, measure, stop) is read once per block of
 * BENCH_BLOCK pairs (pairs) or once per batch (bulk).
 *
 * Plain C and compiler builtins only: included next to the lfq shim, CK,
 * DPDK and liburcu headers, whose kernel-like names would clash with
 * <stdatomic.h>.
 */
#ifndef BENCH_LOOP_H
#define BENCH_LOOP_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>

#include "bench.h"

/* a value is seq << BENCH_VID_BITS | (vid + 1), seq from 1 */
#define BENCH_VID_BITS	7
#define BENCH_LAST_NR	(1 << BENCH_VID_BITS)	/* > MAX_THREADS */
#define BENCH_BLOCK	16	/* pairs between two reads of the phase */
#define BENCH_MAX_BATCH	128
#define BENCH_TRIES	50000000UL	/* empty pops before "value lost?" */

/* One worker's timed loop: what it needs and what it reports. */
struct bench_loop {
	/* in */
	void *q;		/* the adapter's create() result */
	void *tls;		/* the adapter's thread_enter() result */
	const int *phase;	/* 0 warm-up, 1 measure, 2 stop (relaxed) */
	uint64_t tag;		/* vid + 1 */
	unsigned int batch;	/* bulk: values per call */
	bool burst;		/* bulk: push_n/pop_n may do fewer */
	/* out */
	uint64_t ops;		/* operations in the measure phase */
	uint64_t pushed;	/* seq 1 .. pushed pushed */
	uint64_t npop, sum, sq;	/* pops: count, sum, sum of squares */
	uint64_t disorder;	/* values that came after a later one */
	const char *fail;	/* a broken call or a lost value, or NULL */
	uint64_t last[BENCH_LAST_NR];	/* per producer: last value seen */
};

static inline __attribute__((__always_inline__)) int
bench_phase(const int *phase)
{
	return __atomic_load_n(phase, __ATOMIC_RELAXED);
}

/*
 * At the top of each block: follow the phase flag (*@ph), note the count
 * @n in *@mark when the measure phase starts; true when it says stop.
 */
static inline __attribute__((__always_inline__)) bool
bench_stop(const int *phase, int *ph, uint64_t *mark, uint64_t n)
{
	int p = bench_phase(phase);

	if (p != *ph) {
		if (*ph == 0)
			*mark = n;
		if (p == 2)
			return true;
		*ph = p;
	}
	return false;
}

/* sched_yield(), as an instruction rather than a call where we can */
static inline __attribute__((__always_inline__)) void bench_yield(void)
{
#if defined(__x86_64__) && defined(__linux__)
	long ret = 24;	/* __NR_sched_yield on x86-64 */

	__asm__ __volatile__("syscall" : "+a"(ret) : : "rcx", "r11", "memory");
#else
	sched_yield();
#endif
}

static inline __attribute__((__always_inline__)) void
bench_backoff(unsigned int *n)
{
	if (++*n < 64) {
		bench_relax();
	} else {
		*n = 0;
		bench_yield();
	}
}

/* One popped value into the sums and, for FIFO rows, the order check. */
static inline __attribute__((__always_inline__)) void
bench_note(uint64_t x, uint64_t *sum, uint64_t *sq, uint64_t *bad,
	   uint64_t *last, bool fifo)
{
	*sum += x;
	*sq += x * x;
	if (fifo) {
		uint64_t *lp = &last[x & (BENCH_LAST_NR - 1)];

		*bad += x <= *lp;
		*lp = x;
	}
}

typedef bool (*bench_push_fn)(void *q, void *tls, void *val);
typedef void *(*bench_pop_fn)(void *q, void *tls);
typedef unsigned int (*bench_many_fn)(void *q, void *tls, void **vals,
				      unsigned int n);

/*
 * Pairs: { push one value; pop one value } until the phase says stop.
 * @q: what @push and @pop take (the adapter may unwrap l->q); @flags: the
 * row's BI_* flags, a constant (BI_FIFO: order check; BI_CEILING: no
 * values, no checks).
 */
static inline __attribute__((__always_inline__)) void
bench_pairs(struct bench_loop *l, void *q, bench_push_fn push,
	    bench_pop_fn pop, unsigned int flags)
{
	const bool check = !(flags & BI_CEILING), fifo = flags & BI_FIFO;
	const int *phase = l->phase;
	void *tls = l->tls;
	uint64_t *last = l->last;
	uint64_t v = l->tag, sum = 0, sq = 0, bad = 0, n = 0, mark = 0;
	uint64_t lost = 0;
	int ph = 0;

	while (!bench_stop(phase, &ph, &mark, n)) {
		unsigned int i;

#pragma GCC unroll 4
		for (i = 0; i < BENCH_BLOCK; i++) {
			void *r;

			v += BENCH_LAST_NR;
			if (__builtin_expect(!push(q, tls, (void *)(uintptr_t)v), 0)) {
				unsigned long tries = 0;
				unsigned int bo = 0;

				do {
					bench_backoff(&bo);
					if (++tries > BENCH_TRIES &&
					    bench_phase(phase) == 2) {
						l->fail = "push found the structure full for 5e7 tries: a value duplicated?";
						v -= BENCH_LAST_NR;
						goto out;
					}
				} while (!push(q, tls, (void *)(uintptr_t)v));
			}
			r = pop(q, tls);
			if (__builtin_expect(!r, 0)) {
				unsigned long tries = 0;
				unsigned int bo = 0;

				while (!(r = pop(q, tls))) {
					bench_backoff(&bo);
					if (++tries > BENCH_TRIES &&
					    bench_phase(phase) == 2) {
						l->fail = "pop found the structure empty for 5e7 tries: value lost?";
						lost = 1;
						goto out;
					}
				}
			}
			if (check)
				bench_note((uintptr_t)r, &sum, &sq, &bad, last,
					   fifo);
		}
		n += BENCH_BLOCK;
	}
out:
	l->ops = 2 * (n - mark);
	if (check) {
		l->pushed = (v - l->tag) >> BENCH_VID_BITS;
		l->npop = l->pushed - lost;
	}
	l->sum = sum;
	l->sq = sq;
	l->disorder = bad;
}

/*
 * Bulk/burst: B values pushed with @push_n, then B popped with @pop_n
 * (l->batch; l->burst allows calls that do fewer than asked).
 */
static inline __attribute__((__always_inline__)) void
bench_bulk(struct bench_loop *l, void *q, bench_many_fn push_n,
	   bench_many_fn pop_n, unsigned int flags)
{
	const bool fifo = flags & BI_FIFO;
	const int *phase = l->phase;
	const unsigned int b = l->batch;
	const bool burst = l->burst;
	void *tls = l->tls;
	uint64_t *last = l->last;
	uint64_t v = l->tag, sum = 0, sq = 0, bad = 0, n = 0, mark = 0;
	uint64_t npop = 0;
	void *in[BENCH_MAX_BATCH], *out[BENCH_MAX_BATCH];
	int ph = 0;

	while (!bench_stop(phase, &ph, &mark, n)) {
		unsigned int bo = 0, done, k, i;
		unsigned long tries = 0;

		for (i = 0; i < b; i++)
			in[i] = (void *)(uintptr_t)(v + ((uint64_t)(i + 1) << BENCH_VID_BITS));
		for (done = 0; done < b; done += k) {
			k = push_n(q, tls, in + done, b - done);
			if (k > b - done || (k && k != b - done && !burst)) {
				l->fail = "push_n returned more than asked, or part of a bulk";
				goto out;
			}
			if (!k) {
				bench_backoff(&bo);
				if (++tries > BENCH_TRIES &&
				    bench_phase(phase) == 2) {
					l->fail = "push_n found too little room for 5e7 tries";
					goto out;
				}
			}
		}
		tries = 0;
		v += (uint64_t)b << BENCH_VID_BITS;
		for (done = 0; done < b; done += k) {
			k = pop_n(q, tls, out + done, b - done);
			if (k > b - done || (k && k != b - done && !burst)) {
				l->fail = "pop_n returned more than asked, or part of a bulk";
				goto out;
			}
			for (i = 0; i < k; i++)
				bench_note((uintptr_t)out[done + i], &sum, &sq,
					   &bad, last, fifo);
			npop += k;
			if (!k) {
				bench_backoff(&bo);
				if (++tries > BENCH_TRIES &&
				    bench_phase(phase) == 2) {
					l->fail = "pop_n found too few values for 5e7 tries";
					goto out;
				}
			}
		}
		n += b;
	}
out:
	l->ops = 2 * (n - mark);
	l->pushed = (v - l->tag) >> BENCH_VID_BITS;
	l->npop = npop;
	l->sum = sum;
	l->sq = sq;
	l->disorder = bad;
}

/*
 * The loops' own attribute: everything they call that the compiler can
 * see is inlined, the adapter's push and pop and what those call in
 * headers (rte_ring's, ck_ring's inline functions); calls into libraries
 * (libkshim.a for lfq, libck, liburcu) stay calls.
 */
#define BENCH_LOOP_FN	static __attribute__((__flatten__)) void

/* static void NAME(struct bench_loop *l): the pairs loop of PUSH and POP */
#define BENCH_PAIRS_LOOP(name, push, pop, flags)			\
BENCH_LOOP_FN name(struct bench_loop *l)				\
{									\
	bench_pairs(l, l->q, push, pop, flags);				\
}

/* static void NAME(struct bench_loop *l): the bulk loop of PUSH_N, POP_N */
#define BENCH_BULK_LOOP(name, push_n, pop_n, flags)			\
BENCH_LOOP_FN name(struct bench_loop *l)				\
{									\
	bench_bulk(l, l->q, push_n, pop_n, flags);			\
}

#endif /* BENCH_LOOP_H */

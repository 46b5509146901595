/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ring.pml - Promela model of the claim/publish protocol of lfq_ring
 * (module/lfq_ring.c), for the spin model checker.  See README.md here.
 *
 * What is modelled, statement by statement against lfq_ring.c:
 *
 *   ring_claim()         READ_ONCE(*ctr); per slot smp_load_acquire(seq)
 *                        and the signed difference; the NULL check of the
 *                        values (producers' bulk/burst); reload on a stale
 *                        position; the all-or-nothing test; the
 *                        try_cmpxchg on the counter, which on failure
 *                        leaves the current value in pos
 *   ring_release_push()  per slot: store the value, then release seq = p + 1
 *   ring_release_pop()   per slot: load the value, then release
 *                        seq = p + capacity
 *
 * Every shared load and store is its own Promela statement, so every point
 * between two of them, in particular between the claim and the release,
 * is a state where any other process may run for as long as it likes:
 * that is how a preempted or interrupted producer or consumer is modelled.
 * Interleavings are sequentially consistent (see README.md).
 *
 * With -DDEV (dev.pml includes this file) only the ring and the
 * assertions are taken from here, and D2/D3 are checked as well.
 *
 * Positions are W-bit numbers (mod 2^W) and the counters start near the
 * top, so head and tail wrap during every run; slot = pos & (CAP - 1).
 * The signed difference is computed as the C code does for unsigned long:
 * (a - b) mod 2^W read as a two's-complement W-bit number.
 *
 * Parameters (-D on the spin command line):
 *   CAP     ring capacity, a power of two >= 2 (2 or 4 in the runs)
 *   W       position width in bits
 *   NITEMS  values each of the two producers pushes
 *   MANY    bulk and burst operations (n = 2) besides single ones:
 *           1 for producers, 2 for consumers, 3 for both
 *   ONEMANY 1: only the first producer and the first consumer do bulk and
 *           burst operations, the second ones single ones (smaller)
 *   NULLS   1: a producer may also try a burst/bulk whose second value is
 *           NULL (a burst then pushes one value, a bulk none)
 *   BUG     plant a bug (the run must then fail):
 *             1  off-by-one in the consumer's release: seq = p + CAP - 1
 *             2  comparison not wrap-safe: seq and position compared as
 *                plain unsigned numbers instead of by signed difference
 *             3  producer releases seq before it stores the value
 *             4  a consumer that finds the slot not yet published waits
 *                (reloads and scans again) instead of reporting empty:
 *                safe, but not lock-free (found by the progress check)
 *   COVER   reachability probes, each an assertion that some situation
 *           never occurs; the run must fail, proving that it does occur:
 *             1  a consumer finds the ring "empty" because the producer of
 *                that position is stalled between claim and release
 *             2  a producer finds the ring "full" because the consumer of
 *                the slot's previous lap is stalled between claim and release
 *             3  a producer or consumer retries on a stale position
 *             4  a claim whose positions straddle the wrap of the counter
 *
 * Checked (each assertion starts with its tag):
 *   A1  no duplication, FIFO per producer: at each consumer claim, the
 *       value at each claimed position is the next one of its producer,
 *       in the order of the claims on head, which is the order in which
 *       pops take effect (a value claimed twice, or out of order, breaks
 *       this)
 *   A3  integrity: the value a consumer copies out after its stall is the
 *       value that was published at the position it claimed
 *   A4  a claim takes only slots nobody else holds
 *   A5  "looks empty" only as the kernel-doc allows: when a consumer finds
 *       the slot of position q not yet published, either no producer has
 *       claimed q yet (q == tail) or the producer of q has claimed it and
 *       not yet released it (lfq_ring_pop() kernel-doc)
 *   A6  "looks full" only as the kernel-doc allows: when a producer finds
 *       the slot of position q not yet free, either q is a whole lap ahead
 *       of head (the ring is full from q's point of view) or the consumer
 *       of q - CAP has claimed and not yet released the slot
 *       (lfq_ring_push() kernel-doc)
 *   A7  no loss: when every process has finished, each producer's values
 *       were all claimed by consumers, head == tail, and every slot is
 *       free for its next lap
 *   end states: no process is stuck anywhere but at its end (spin's
 *       invalid-end-state check)
 *   progress (run with -DNP): every cycle of the system completes some
 *       ring operation (success, or a full/empty report): no livelock even
 *       without fairness, i.e. the operations are lock-free
 *   ltl done: under weak fairness every run ends with all values
 *       consumed (no loss, no livelock of the harness)
 */

#ifndef CAP
#define CAP	2
#endif
#ifndef W
#define W	4
#endif
#ifndef NITEMS
#define NITEMS	2
#endif
#ifndef MANY
#define MANY	1
#endif
#ifndef ONEMANY
#define ONEMANY	0
#endif
#ifndef NULLS
#define NULLS	0
#endif
#ifndef BUG
#define BUG	0
#endif
#ifndef COVER
#define COVER	0
#endif

/* fall back to a single operation after a failed one: see the producer */
#ifdef LTL
#define FALLBACK	(MANY || NULLS)
#else
#define FALLBACK	0
#endif

/* whether process number p (0 or 1 of its kind) does bulk and burst */
#define MYMANY	(p == 0 || !ONEMANY)

#define MOD	(1 << W)
#define PM	(MOD - 1)
#define HALF	(MOD / 2)
#define M	(CAP - 1)
#define NPROD	2
#define NCONS	2
#define TOTAL	(NPROD * NITEMS)
/* first position: a counter goes from 2^W - 1 to 0 at its (CAP - 1)th claim */
#define START	((MOD - CAP + 1) & PM)

/* value i of producer p, never 0 (0 is NULL) */
#define VAL(p, i)	(1 + (p) * NITEMS + (i))
#define VPROD(v)	(((v) - 1) / NITEMS)
#define VIDX(v)		(((v) - 1) % NITEMS)

/*
 * (a - b) as the C code computes it, (long)(unsigned long)(a - b): the
 * W-bit difference read as a two's-complement number.  SDIF is what the
 * assertions use; CDIF is what the modelled code uses, the same unless a
 * bug is planted.
 */
#define UDIF(a, b)	(((a) - (b)) & PM)
#define SDIF(a, b)	(UDIF(a, b) >= HALF -> UDIF(a, b) - MOD : UDIF(a, b))
#if BUG == 2
/* planted: positions compared as plain unsigned numbers */
#define CDIF(a, b)	((a) == ((b) & PM) -> 0 : ((a) > ((b) & PM) -> 1 : -1))
#else
#define CDIF(a, b)	SDIF(a, b)
#endif

#if CAP < 2 || (CAP & (CAP - 1)) != 0 || 2 * CAP > MOD / 2
#error "CAP must be a power of two >= 2, and 2 * CAP <= 2^(W-1)"
#endif

#define FREE	0
#define PROD	1
#define CONS	2

/* the ring */
byte tail = START;
byte head = START;
byte seq[CAP];
byte val[CAP];

/* ghost state: not in the C code, only for the assertions */
byte hold[CAP];		/* FREE, or who holds the slot between claim and release */
byte hpos[CAP];		/* the position it holds it for */
byte hval[CAP];		/* consumers: the value the slot held at the claim */
byte dnext[NPROD];	/* next value index of each producer to be claimed by a consumer */
byte consumed;		/* values claimed by consumers */
byte finished;		/* producers and consumers that have ended */

/*
 * Assertion tags: constant 1, not part of the state (hidden, except in a
 * breadth-first search, which cannot have hidden variables); each
 * assertion starts with its tag so that spin's report names it.
 */
#ifdef BFSRUN
#define TAG	byte
#else
#define TAG	hidden byte
#endif
TAG A1 = 1, A3 = 1, A4 = 1, A5 = 1, A6 = 1, A7 = 1;
TAG C1 = 1, C2 = 1, C3 = 1, C4 = 1;
TAG D1 = 1, D2 = 1, D3 = 1, D4 = 1;
bool alldone;		/* set when every process finished and A7 held */

#ifdef LTL
ltl done { <> alldone }
#endif

/* ring_claim()'s control state: what the next step of the claim does */
#define LOAD	1	/* load the seq of slot pos + k */
#define RELOAD	2	/* reload pos from the counter (stale position) */
#define CAS	3	/* try_cmpxchg on the counter */
#define DONE	4	/* claimed k positions from pos on (k may be 0) */

/*
 * The local decision that follows each shared access in ring_claim():
 * go on scanning, or end the scan and decide what the scan found.
 */
inline claim_next(n, all, isprod)
{
	if
	:: k < n && dif == 0 && !(isprod && check && vals[k] == 0) ->
		st = LOAD
	:: else ->
		/* k == n, or a NULL value at k (dif == 0), or slot k not ready */
		if
#if BUG == 4
		/* planted: a consumer waits for the slot to be published */
		:: k < n && (dif > 0 || (!isprod && dif < 0)) ->
#else
		:: k < n && dif > 0 ->
#endif
#if COVER == 3
			/* C3: never a stale position */
			assert(C3 && false);
#endif
			st = RELOAD
		:: else ->
			if
			:: k == 0 || (all && k < n) -> k = 0; st = DONE
			:: else -> st = CAS
			fi
		fi
	fi
}

/*
 * ring_claim(): claim up to n positions from ctr on, on the side whose
 * slots must show seq == position + ready; leaves k = the number claimed
 * and pos = the first.  vals[] and check are the producers' NULL check
 * (check != NULL in the C code).  Each step below is one shared access,
 * with the local computation that follows it folded in (d_step): local
 * computation commutes with everything the other processes do, so this
 * loses no behaviour, and the steps keep the C code's granularity for
 * every access to shared memory.
 */
inline ring_claim(ctr, ready, n, all, isprod)
{
	/* pos = READ_ONCE(*ctr) */
	d_step { pos = ctr; k = 0; dif = 0; claim_next(n, all, isprod) };
	do
	:: st == LOAD ->
		/* dif = (long)(smp_load_acquire(&slot->seq) - (pos + k + ready)) */
		d_step {
			q = (pos + k) & PM;
			dif = CDIF(seq[q & M], q + ready);
			if
			:: dif < 0 && isprod ->
				/* A6: full only as lfq_ring_push() allows */
				assert(A6 && (SDIF(q, head) >= CAP ||
				       (hold[q & M] == CONS &&
					hpos[q & M] == ((q - CAP) & PM))));
#if COVER == 2
				/* C2: never full because of a stalled consumer */
				assert(C2 && hold[q & M] != CONS);
#endif
#ifdef DEV
				/* D2: room claimed in q->used exists in the ring */
				assert(D2 && hold[q & M] == CONS &&
				       hpos[q & M] == ((q - CAP) & PM));
#endif
			:: dif < 0 && !isprod ->
				/* A5: empty only as lfq_ring_pop() allows */
				assert(A5 && (q == tail ||
				       (hold[q & M] == PROD && hpos[q & M] == q)));
#if COVER == 1
				/* C1: never empty because of a stalled producer */
				assert(C1 && hold[q & M] != PROD);
#endif
#ifdef DEV
				/* D3: a message claimed from q->avail is in the ring */
				assert(D3 && hold[q & M] == PROD && hpos[q & M] == q);
#endif
			:: else
			fi;
			q = 0;
			if
			:: dif == 0 -> k++
			:: else
			fi;
			claim_next(n, all, isprod)
		}
	:: st == RELOAD ->
		/* another CPU claimed pos: pos = READ_ONCE(*ctr) */
		d_step { pos = ctr; k = 0; dif = 0; claim_next(n, all, isprod) }
	:: st == CAS ->
		/* try_cmpxchg_relaxed(ctr, &pos, pos + k), and the ghosts */
		d_step {
			if
			:: ctr == pos ->
				ctr = (pos + k) & PM;
#if COVER == 4
				/* C4: no claim straddles the wrap */
				assert(C4 && pos + k - 1 <= PM);
#endif
				i = 0;
				do
				:: i < k ->
					s = (pos + i) & M;
					/* A4: nobody holds the slot */
					assert(A4 && hold[s] == FREE);
					hold[s] = (isprod -> PROD : CONS);
					hpos[s] = (pos + i) & PM;
					if
					:: !isprod ->
						v = val[s];
						/* A1: the next value of its producer */
						assert(A1 && v != 0 && dnext[VPROD(v)] == VIDX(v));
						dnext[VPROD(v)]++;
						hval[s] = v;
						consumed++
					:: else
					fi;
					i++
				:: else -> break
				od;
				i = 0;
				s = 0;
				v = 0;
				dif = 0;
				st = DONE
			:: else ->
				/* failed: pos = the current value, scan again */
				pos = ctr;
				k = 0;
				dif = 0;
				claim_next(n, all, isprod)
			fi
		}
	:: st == DONE -> st = 0; break
	od
}

#ifndef DEV	/* dev.pml brings its own processes */

proctype producer(byte p)
{
	byte pos, k, n, i, s, q, v, st, next;
	bool all, check;
	bool nulled;		/* NULLS: the (value, NULL) operation was done */
	bool failed;		/* the last operation claimed nothing */
	short dif;
	byte vals[2];

	do
	:: next == NITEMS -> finished++; break
	:: else ->
		/*
		 * The operation: push, push_bulk or push_burst of two.  In
		 * the liveness run (LTL), after an operation that claimed
		 * nothing, a single one: with one value in a ring of two, a
		 * bulk push of two and a bulk pop of two each fail forever,
		 * as all-or-nothing means they must; that is a livelock of
		 * the harness, not of the ring.
		 */
		if
		:: d_step { n = 1; all = 1; check = 0; vals[0] = VAL(p, next) }
#if MANY & 1
		:: d_step { MYMANY && !failed && next + 2 <= NITEMS; n = 2; all = 1; check = 1;
			    vals[0] = VAL(p, next); vals[1] = VAL(p, next + 1) }
		:: d_step { MYMANY && !failed && next + 2 <= NITEMS; n = 2; all = 0; check = 1;
			    vals[0] = VAL(p, next); vals[1] = VAL(p, next + 1) }
#endif
#if NULLS
		/* once per producer: bulk or burst of (value, NULL) */
		:: d_step { MYMANY && !failed && !nulled; nulled = 1; n = 2; all = 1; check = 1;
			    vals[0] = VAL(p, next); vals[1] = 0 }
		:: d_step { MYMANY && !failed && !nulled; nulled = 1; n = 2; all = 0; check = 1;
			    vals[0] = VAL(p, next); vals[1] = 0 }
#endif
		fi;
		ring_claim(tail, 0, n, all, 1);
		/*
		 * Claimed k positions from pos on and released none: the
		 * stall point, a state like any other.
		 */
p_claimed:
		/* ring_release_push() */
		do
		:: i < k ->
#if BUG == 3
			/* planted: the release comes before the value */
			d_step { s = (pos + i) & M; seq[s] = (pos + i + 1) & PM;
				 hold[s] = FREE };
			d_step { val[s] = vals[i]; i++ }
#else
			/* slot->val = vals[i] */
			d_step { s = (pos + i) & M; val[s] = vals[i] };
			/* smp_store_release(&slot->seq, pos + i + 1) */
			d_step { seq[s] = (pos + i + 1) & PM; hold[s] = FREE; hpos[s] = 0; hval[s] = 0; i++ }
#endif
		:: else -> break
		od;
progress_push:
		skip;
		d_step { failed = (FALLBACK && k == 0); next = next + k; i = 0; s = 0; k = 0; n = 0; pos = 0;
			 all = 0; check = 0; vals[0] = 0; vals[1] = 0 }
	od
}

proctype consumer(byte p)
{
	byte pos, k, n, i, s, q, v, st, got;
	bool all;
	bool check = 0;		/* consumers do no NULL check */
	bool failed;		/* the last operation claimed nothing */
	short dif;
	byte vals[1];		/* unused (the NULL check) */

	do
	:: consumed == TOTAL -> finished++; break
	:: else ->
		/*
		 * The operation: pop, pop_bulk or pop_burst of two.  Not more
		 * than remain, and not two after a failure (see the producer).
		 */
		if
		:: d_step { n = 1; all = 1 }
#if MANY & 2
		:: d_step { MYMANY && !failed && TOTAL - consumed >= 2; n = 2; all = 1 }
		:: d_step { MYMANY && !failed && TOTAL - consumed >= 2; n = 2; all = 0 }
#endif
		fi;
		ring_claim(head, 1, n, all, 0);
		/* the stall point of consumers */
c_claimed:
		/* ring_release_pop() */
		do
		:: i < k ->
			/* vals[i] = slot->val */
			d_step {
				s = (pos + i) & M;
				got = val[s];
				/* A3: what we copy out is what we claimed */
				assert(A3 && hold[s] == CONS &&
				       hpos[s] == ((pos + i) & PM) &&
				       got == hval[s]);
				got = 0
			};
#if BUG == 1
			/* planted: off by one */
			d_step { seq[s] = (pos + i + CAP - 1) & PM; hold[s] = FREE; hpos[s] = 0; hval[s] = 0;
				 i++ }
#else
			/* smp_store_release(&slot->seq, pos + i + lap) */
			d_step { seq[s] = (pos + i + CAP) & PM; hold[s] = FREE; hpos[s] = 0; hval[s] = 0;
				 i++ }
#endif
		:: else -> break
		od;
progress_pop:
		skip;
		d_step { failed = (FALLBACK && k == 0); i = 0; s = 0; k = 0; n = 0; pos = 0;
			 all = 0 }
	od
}

init
{
	byte j;

	atomic {
		/* lfq_ring_init(), with the counters moved up to START */
		j = 0;
		do
		:: j < CAP ->
			seq[(START + j) & M] = (START + j) & PM;
			j++
		:: else -> break
		od;
		run producer(0);
		run producer(1);
		run consumer(0);
		run consumer(1)
	}
	finished == NPROD + NCONS;
	/* A7: no loss, quiescent ring consistent */
	d_step {
		/* A7: all consumed */
		assert(A7 && head == tail && consumed == TOTAL);
		j = 0;
		do
		:: j < NPROD ->
			/* A7: each producer's values all consumed */
			assert(A7 && dnext[j] == NITEMS);
			j++
		:: else -> break
		od;
		j = 0;
		do
		:: j < CAP ->
			/* A7: every slot free for its next lap */
			assert(A7 && hold[(head + j) & M] == FREE &&
			       seq[(head + j) & M] == ((head + j) & PM));
			j++
		:: else -> break
		od;
		alldone = 1
	}
}

#endif	/* !DEV */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scq.pml - Promela model of lfq_scq (module/lfq_scq.c), the bounded FIFO
 * whose producers and consumers claim positions with fetch-and-add
 * (Nikolaev's SCQ, DISC 2019), for the spin model checker.  See README.md.
 *
 * What is modelled, statement by statement against lfq_scq.c:
 *
 *   scq_enqueue()   fetch-and-add on tail; load of the entry; the test
 *                   "cycle older, no index, SAFE or head <= t" (head read
 *                   as its own step); the compare-and-exchange of the
 *                   entry, which on failure reloads it and tests again;
 *                   the threshold reset (load, then store if different)
 *   scq_dequeue()   the threshold test; fetch-and-add on head; load of
 *                   the entry; taking our own cycle's index with a
 *                   compare-and-exchange loop that sets the index field to
 *                   BOT; moving an empty entry of an older cycle to ours,
 *                   or clearing SAFE on a full one, by compare-and-exchange;
 *                   the load of tail, catch-up and the threshold decrements
 *   scq_catchup()   the compare-and-exchange of tail up to head, with the
 *                   reloads after a failure
 *   lfq_scq_push()  an index off the free ring (fq), the data slot store,
 *                   the index onto the allocated ring (aq)
 *   lfq_scq_pop()   an index off aq, the data slot load, the index back
 *                   onto fq
 *
 * Both rings are modelled, with the same code.  Every shared load, store
 * and read-modify-write is its own Promela statement, so a producer or
 * consumer may stall between any two of them (preempted, interrupted) for
 * as long as the others run.  Interleavings are sequentially consistent:
 * the C code makes its successful read-modify-writes fully ordered for
 * that reason, and puts smp_rmb() after a failed compare-and-exchange
 * (its "Memory ordering" comment); TSan and KCSAN check the C code's own
 * orderings (README.md).  The cache-line remap of positions to entries is
 * left out (an entry is pos mod 2n): it is a fixed bijection of the entry
 * numbers, which the algorithm never compares.
 *
 * Positions are W-bit numbers that start a few steps below 2^W, so tail
 * and head wrap during every run; an entry is W + 1 bits (its cycle field
 * holds all of the position's bits above log2(2n)); cycles and positions
 * are compared as the C code does, by signed difference.
 *
 * Each process does a bounded number of operations (a producer gives up a
 * value after FULLTRIES "full" reports, a consumer makes NPOPS pops), so
 * the counters advance a bounded distance and W can be wide enough that no
 * comparison wraps, as with 64-bit counters.  When all have finished, a
 * drain pops sequentially until "empty", then pushes n values.
 *
 * Parameters (-D): N capacity (2), W position bits (6), NPROD producers
 * (2), NITEMS values per producer (2), NCONS consumers (2), NPOPS pops per
 * consumer (2), FULLTRIES (1),
 * BUG (plant a bug; the run must then fail):
 *   1  enqueue ignores SAFE: fills an entry whose consumer has passed
 *   2  dequeue leaves an empty entry of an older cycle as it is (does not
 *      move it to its own cycle), so a late producer fills it behind the
 *      consumers
 *   3  enqueue does not reset the threshold
 *   4  dequeue leaves SAFE set on a full entry of an older cycle, so a
 *      producer of a later cycle may fill it again behind the consumer
 *
 * Checked (each assertion starts with its tag):
 *   S1  no duplication: no value is taken off aq twice
 *   S2  FIFO per producer: a producer's values are taken at aq positions
 *       in the order it pushed them
 *   S3  integrity: the value a pop reads from its data slot is the one the
 *       slot held when the pop took its index (no slot reused early)
 *   S4  no loss: after the drain, every value whose push succeeded was
 *       taken, and the drain's "empty" was true
 *   S5  no leaked slot: after the drain, n pushes in a row succeed
 *   S6  taking our own cycle's entry, a failed compare-and-exchange sees
 *       only SAFE change (the C comment's claim), so the loop ends
 *   end states: nobody is stuck anywhere but at its end
 */

#ifndef N
#define N	2
#endif
#ifndef W
#define W	6
#endif
#ifndef NITEMS
#define NITEMS	2
#endif
#ifndef NPOPS
#define NPOPS	2
#endif
#ifndef FULLTRIES
#define FULLTRIES	1
#endif
#ifndef BUG
#define BUG	0
#endif

#define E	(2 * N)			/* entries per ring */
#define BOT	(E - 1)			/* index field: no index */
#define SAFE	E			/* the bit above the index field */
#define PMOD	(1 << W)
#define PM	(PMOD - 1)
#define EM	((PMOD << 1) - 1)	/* an entry: W + 1 bits */
#define THR	(3 * N - 1)
#ifndef NPROD
#define NPROD	2
#endif
#ifndef NCONS
#define NCONS	2
#endif
#define FQ	0
#define AQ	1
/* first position, a multiple of 2n: the counters wrap after a few steps */
#define START	((PMOD - 2 * E) & PM)

/* value i of producer p, never 0 */
#define VAL(p, i)	(1 + (p) * NITEMS + (i))
#define VPROD(v)	(((v) - 1) / NITEMS)
#define VIDX(v)		(((v) - 1) % NITEMS)

/* signed W-bit difference of positions, as (long)(a - b) in C */
#define UDIF(a, b)	(((a) - (b)) & PM)
#define SDIF(a, b)	(UDIF(a, b) >= PMOD / 2 -> UDIF(a, b) - PMOD : UDIF(a, b))
/* cycle fields: the entry's, and the one of position p */
#define CYC(ent)	((ent) & ~(2 * E - 1) & EM)
#define PCYC(p)		((((p) & ~(E - 1)) << 1) & EM)
/* cycle a older than cycle b: the (W+1)-bit difference is negative */
#define OLDER(a, b)	((((a) - (b)) & EM) >= PMOD)

byte ents[2 * E];		/* ring r's entry i is ents[r * E + i] */
byte tail[2];
byte head[2];
short thr[2];
byte data[N];

/* ghost state, for the assertions only */
byte ghead;			/* aq's head counter, never wrapped */
byte taken[NPROD * NITEMS + 1];	/* value -> taken off aq (0/1) */
byte takepos[NPROD * NITEMS + 1];	/* value -> ghead position it was taken at */
byte pushed[NPROD];		/* values each producer pushed */
byte finished;

#ifdef BFSRUN
#define TAG	byte
#else
#define TAG	hidden byte
#endif
TAG S1 = 1, S2 = 1, S3 = 1, S4 = 1, S5 = 1, S6 = 1;

/*
 * The locals every process needs for ENQ/DEQ (Promela inlines have none
 * of their own).
 */
/*
 * Scratch locals back to 0 when an operation ends, so that states that
 * differ only in dead values are one state.
 */
#define CLEAR	d_step { t = 0; e = 0; tc = 0; ent = 0; h = 0; hc = 0; ec = 0; \
		 upd = 0; tl = 0; hd = 0; gh = 0; fin = false }

#define LOCALS \
	byte t, e, tc, ent, h, hc, ec, upd, tl, hd, gh; \
	short tmp, idx; \
	bool ok, fin

/* scq_catchup(r, tl, hd) */
inline CATCHUP(r)
{
	do
	:: atomic {
		if
		:: tail[r] == tl -> tail[r] = hd; ok = true
		:: else -> tl = tail[r]; ok = false
		fi
	   }
	   if
	   :: ok -> break
	   :: else
	   fi;
	   hd = head[r];
	   tl = tail[r];
	   if
	   :: SDIF(tl, hd) >= 0 -> break
	   :: else
	   fi
	od
}

/* scq_enqueue(r, idx) */
inline ENQ(r)
{
	do
	:: atomic { t = tail[r]; tail[r] = (t + 1) & PM };
	   e = r * E + (t & (E - 1));
	   tc = PCYC(t);
	   ent = ents[e];
	   ok = false;
	   do
	   :: !(OLDER(CYC(ent), tc) && (ent & BOT) == BOT) -> break
	   :: else ->
#if BUG == 1
		skip;
#else
		if
		:: (ent & SAFE) == 0 ->
			tmp = head[r];
			if
			:: SDIF(tmp, t) > 0 -> break
			:: else
			fi
		:: else
		fi;
#endif
		atomic {
			if
			:: ents[e] == ent -> ents[e] = tc | SAFE | idx; ok = true
			:: else -> ent = ents[e]
			fi
		}
		if
		:: ok -> break
		:: else
		fi
	   od;
	   if
	   :: ok ->
#if BUG != 3
		tmp = thr[r];
		if
		:: tmp != THR -> thr[r] = THR
		:: else
		fi;
#endif
		break
	   :: else
	   fi
	od
}

/*
 * Ghost part of a take off aq, in the same step: record the position and
 * check S1 and S2.
 */
inline TAKEN()
{
	tmp = data[idx];
	assert(S1 && tmp != 0 && !taken[tmp]);
	taken[tmp] = 1;
	takepos[tmp] = gh;
	/* S2: the producer's earlier values at earlier positions */
	t = 0;
	do
	:: t < NITEMS ->
		if
		:: taken[VAL(VPROD(tmp), t)] && t != VIDX(tmp) ->
			assert(S2 && (t < VIDX(tmp)) ==
			       (takepos[VAL(VPROD(tmp), t)] < gh))
		:: else
		fi;
		t++
	:: else -> break
	od
}

/*
 * scq_dequeue(r): idx = the index taken, or -1.  On aq, the take also
 * records the ghost position and checks S1 and S2 (in the same step).
 */
inline DEQ(r)
{
	idx = -1;
	fin = false;
	if
	:: thr[r] < 0 -> fin = true
	:: else
	fi;
	do
	:: fin -> break
	:: else ->
	   atomic {
		h = head[r]; head[r] = (h + 1) & PM;
		if
		:: r == AQ -> gh = ghead; ghead++
		:: else
		fi
	   }
	   e = r * E + (h & (E - 1));
	   hc = PCYC(h);
	   ent = ents[e];
	   do
	   :: ec = CYC(ent);
	      if
	      :: ec == hc ->
		do
		:: atomic {
			if
			:: ents[e] == ent ->
				ents[e] = ent | BOT;
				idx = ent & BOT;
				if
				:: r == AQ -> TAKEN()
				:: else
				fi
			:: else ->
				tmp = ents[e];
				assert(S6 && CYC(tmp) == hc &&
				       (tmp & BOT) == (ent & BOT));
				ent = tmp
			fi
		   }
		   if
		   :: idx >= 0 -> break
		   :: else
		   fi
		od;
		fin = true;
		break
	      :: else
	      fi;
	      if
	      :: !OLDER(ec, hc) -> break
	      :: else
	      fi;
	      if
#if BUG == 2
	      :: (ent & BOT) == BOT -> upd = ent
#else
	      :: (ent & BOT) == BOT -> upd = hc | (ent & SAFE) | BOT
#endif
#if BUG == 4
	      :: else -> upd = ent
#else
	      :: else -> upd = ent & ~SAFE
#endif
	      fi;
	      if
	      :: upd == ent -> break
	      :: else
	      fi;
	      atomic {
		if
		:: ents[e] == ent -> ents[e] = upd; ok = true
		:: else -> ent = ents[e]; ok = false
		fi
	      }
	      if
	      :: ok -> break
	      :: else
	      fi
	   od;
	   if
	   :: fin
	   :: else ->
		tl = tail[r];
		if
		:: SDIF(tl, (h + 1) & PM) <= 0 ->
			hd = (h + 1) & PM;
			CATCHUP(r);
			atomic { thr[r] = thr[r] - 1 };
			fin = true
		:: else ->
			atomic { thr[r] = thr[r] - 1; tmp = thr[r] };
			if
			:: tmp < 0 -> fin = true
			:: else
			fi
		fi
	   fi
	od
}

/* lfq_scq_push(v): ok = pushed */
inline PUSH(v)
{
	DEQ(FQ);
	if
	:: idx < 0 -> ok = false
	:: else ->
		data[idx] = v;
		ENQ(AQ);
		ok = true
	fi;
	CLEAR;
	idx = 0
}

/* lfq_scq_pop(): tmp = the value (S3 checked), or 0 if empty */
inline POP()
{
	DEQ(AQ);
	if
	:: idx < 0 -> tmp = 0
	:: else ->
		upd = data[idx];
		/* the value recorded at the take: the only one with that gh */
		tmp = 1;
		do
		:: tmp <= NPROD * NITEMS && !(taken[tmp] && takepos[tmp] == gh) -> tmp++
		:: else -> break
		od;
		assert(S3 && tmp == upd);
		ENQ(FQ);
		tmp = upd
	fi;
	CLEAR;
	idx = 0
}

proctype producer(byte p)
{
	LOCALS;
	byte i = 0, tries;

	do
	:: i < NITEMS ->
		tries = 0;
		do
		:: PUSH(VAL(p, i));
		   if
		   :: ok -> pushed[p]++; break
		   :: else -> tries++
		   fi;
		   if
		   :: tries >= FULLTRIES -> goto give_up
		   :: else
		   fi
		od;
		i++
	:: else -> break
	od;
give_up:
	finished++
}

proctype consumer(byte c)
{
	LOCALS;
	byte n = 0;

	do
	:: n < NPOPS -> POP(); n++
	:: else -> break
	od;
	finished++
}

proctype drain()
{
	LOCALS;
	byte p, i;

	finished == NPROD + NCONS;
	do
	:: POP();
	   if
	   :: tmp == 0 -> break
	   :: else
	   fi
	od;
	/* S4: every pushed value was taken */
	p = 0;
	do
	:: p < NPROD ->
		i = 0;
		do
		:: i < NITEMS ->
			assert(S4 && taken[VAL(p, i)] == (i < pushed[p]));
			i++
		:: else -> break
		od;
		p++
	:: else -> break
	od;
	/* S5: all n slots came back to the free ring */
	i = 0;
	do
	:: i < N ->
		PUSH(VAL(0, 0));
		assert(S5 && ok);
		i++
	:: else -> break
	od
}

init
{
	byte i;

	atomic {
		/* empty entries of the cycle before START's, SAFE */
		i = 0;
		do
		:: i < 2 * E ->
			ents[i] = PCYC((START - E) & PM) | SAFE | BOT;
			i++
		:: else -> break
		od;
		/* fq holds the n free slots at positions START..START+n-1 */
		i = 0;
		do
		:: i < N ->
			ents[FQ * E + ((START + i) & (E - 1))] =
				PCYC((START + i) & PM) | SAFE | i;
			i++
		:: else -> break
		od;
		head[AQ] = START; tail[AQ] = START; thr[AQ] = -1;
		head[FQ] = START; tail[FQ] = (START + N) & PM; thr[FQ] = THR;
		i = 0;
		do
		:: i < NPROD -> run producer(i); i++
		:: else -> break
		od;
		i = 0;
		do
		:: i < NCONS -> run consumer(i); i++
		:: else -> break
		od;
		run drain()
	}
}

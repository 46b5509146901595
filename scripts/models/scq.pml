/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scq.pml - Promela model of lfq_scq (module/lfq_scq.c), the bounded FIFO
 * whose producers and consumers claim positions with fetch-and-add
 * (Nikolaev's SCQ, DISC 2019), for the spin model checker.  See README.md.
 *
 * What is modelled, statement by statement against lfq_scq.c:
 *
 *   scq_enqueue_many()  one fetch-and-add on tail claiming as many
 *                   positions as indices are left, then one attempt per
 *                   claimed position (scq_put()) with the next index;
 *                   claims again while indices are left; the threshold
 *                   reset (load, then store if different)
 *   scq_put()       load of the entry; the test "cycle older, no index,
 *                   SAFE or head <= t" (head read as its own step); the
 *                   compare-and-exchange of the entry, which on failure
 *                   reloads it and tests again
 *   scq_dequeue_many()  the threshold test, one fetch-and-add on head
 *                   claiming as many positions as indices are wanted, one
 *                   attempt (scq_take()) at each; again while indices are
 *                   wanted and no attempt found the ring empty
 *   scq_take()      load of the entry; taking our own cycle's index with
 *                   a compare-and-exchange loop that sets the index field
 *                   to BOT; moving an empty entry of an older cycle to
 *                   ours, or clearing SAFE on a full one, by
 *                   compare-and-exchange; the load of tail, catch-up and
 *                   the threshold decrements
 *   scq_catchup()   the compare-and-exchange of tail up to head, with the
 *                   reloads after a failure
 *   scq_reserve(), scq_publish()  the count of reservable values
 *                   (@ready): a push adds to it after appending to aq, a
 *                   pop takes what it needs with a compare-and-exchange
 *                   loop before it touches aq (all or nothing)
 *   lfq_scq_push()  an index off the free ring (fq), the data slot store,
 *                   the index onto the allocated ring (aq), the publish
 *   lfq_scq_pop()   the reservation, an index off aq, the data slot load,
 *                   the index back onto fq
 *   lfq_scq_push_bulk(), lfq_scq_pop_bulk() of two values (BULKP,
 *                   BULKC): two indices per ring operation, so the
 *                   fetch-and-add claims two positions; a bulk push that
 *                   finds one free slot only gives it back
 *
 * Not modelled: the burst calls (reserve up to n), batches of more than
 * two, and the chained slots of batches above 32.
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
 * consumer (2), FULLTRIES (1), BULKP (producer 0 pushes its two values
 * with one bulk push; needs NITEMS=2), BULKC (consumer 0 makes its first
 * two pops one bulk pop; needs NPOPS >= 2),
 * BUG (plant a bug; the run must then fail):
 *   1  enqueue ignores SAFE: fills an entry whose consumer has passed
 *   2  dequeue leaves an empty entry of an older cycle as it is (does not
 *      move it to its own cycle), so a late producer fills it behind the
 *      consumers
 *   3  enqueue does not reset the threshold
 *   4  dequeue leaves SAFE set on a full entry of an older cycle, so a
 *      producer of a later cycle may fill it again behind the consumer
 *   5  push publishes (adds to @ready) before it appends to aq, so a pop
 *      holding a reservation can find aq empty
 *
 * Checked (each assertion starts with its tag):
 *   S1  no duplication: no value is taken off aq twice
 *   S2  FIFO per producer: a producer's values are taken at aq positions
 *       in the order it pushed them
 *   S3  integrity: the value a pop reads from its data slot is the one the
 *       slot held when the pop took its index (no slot reused early)
 *   S4  no loss: after the drain, every value whose push succeeded was
 *       taken, the drain's "empty" was true, and no reservation is left
 *       (@ready is 0)
 *   S5  no leaked slot: after the drain, n pushes in a row succeed
 *   S6  taking our own cycle's entry, a failed compare-and-exchange sees
 *       only SAFE change (the C comment's claim), so the loop ends
 *   S7  a pop (single or bulk) that holds a reservation of k values finds
 *       k indices in aq: the "cannot happen" branches of lfq_scq_pop() and
 *       scq_pop_many() are never taken
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
#ifndef BULKP
#define BULKP	0
#endif
#ifndef BULKC
#define BULKC	0
#endif
#if (BULKP || BULKC) && (NITEMS != 2 || NPOPS < 2)
#error "BULKP and BULKC need NITEMS=2 and NPOPS of at least 2"
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
short ready;			/* lfq_scq.ready: values pops may reserve */

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
TAG S1 = 1, S2 = 1, S3 = 1, S4 = 1, S5 = 1, S6 = 1, S7 = 1;

/*
 * The locals every process needs for ENQ/DEQ (Promela inlines have none
 * of their own).
 */
/*
 * Scratch locals back to 0 when an operation ends, so that states that
 * differ only in dead values are one state.
 */
#define CLEAR	d_step { t = 0; e = 0; tc = 0; ent = 0; h = 0; hc = 0; ec = 0; \
		 upd = 0; tl = 0; hd = 0; gh = 0; fin = false; got = 0; \
		 claim = 0; k = 0; i0 = 0; i1 = 0; g0 = 0; g1 = 0; \
		 isempty = false; left = 0; nn = 0 }

#define LOCALS \
	byte t, e, tc, ent, h, hc, ec, upd, tl, hd, gh; \
	byte got, claim, k, i0, i1, g0, g1, left, nn; \
	short tmp, idx; \
	bool ok, fin, isempty

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

/* scq_put(r, t, idx): ok = the entry of position t now holds idx */
inline PUT(r)
{
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
	od
}

/*
 * scq_enqueue_many(r, {i0, i1}, nn): one fetch-and-add claims as many
 * positions as indices are left; each claimed position gets one attempt
 * with the next index; claims again while indices are left.
 */
inline ENQN(r)
{
	k = 0;
	left = 0;
	do
	:: k < nn ->
		if
		:: left == 0 ->
			left = nn - k;
			atomic { t = tail[r]; tail[r] = (t + left) & PM }
		:: else
		fi;
		idx = (k == 0 -> i0 : i1);
		PUT(r);
		if
		:: ok -> k++
		:: else
		fi;
		t = (t + 1) & PM;
		left--
	:: else -> break
	od;
#if BUG != 3
	tmp = thr[r];
	if
	:: tmp != THR -> thr[r] = THR
	:: else
	fi;
#endif
	idx = 0
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
 * scq_take(r, h): idx = the index taken at position h, -1 if none (the
 * position is spent) or -2 if the attempt also found r empty.  On aq, the
 * take also records the ghost position gh and checks S1 and S2 (in the
 * same step).
 */
inline TAKE(r)
{
	idx = -1;
	fin = false;
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
			idx = -2
		:: else ->
			atomic { thr[r] = thr[r] - 1; tmp = thr[r] };
			if
			:: tmp < 0 -> idx = -2
			:: else
			fi
		fi
	fi
}

/*
 * scq_dequeue_many(r, nn): up to nn indices into i0, i1 (their ghost aq
 * positions in g0, g1), got = how many.  While indices are wanted and no
 * attempt found r empty: the threshold test, one fetch-and-add claiming
 * as many positions as indices are wanted, and one attempt at each.
 */
inline DEQN(r)
{
	got = 0;
	isempty = false;
	do
	:: got < nn && !isempty ->
		if
		:: thr[r] < 0 -> break
		:: else
		fi;
		claim = nn - got;
		atomic {
			h = head[r]; head[r] = (h + claim) & PM;
			if
			:: r == AQ -> gh = ghead; ghead = ghead + claim
			:: else
			fi
		}
		k = 0;
		do
		:: k < claim ->
			TAKE(r);
			if
			:: idx >= 0 ->
				if
				:: got == 0 -> i0 = idx; g0 = gh
				:: else -> i1 = idx; g1 = gh
				fi;
				got++
			:: idx == -2 -> isempty = true
			:: else
			fi;
			h = (h + 1) & PM;
			gh++;
			k++
		:: else -> break
		od
	:: else -> break
	od;
	idx = 0
}

/* scq_publish(): c more values are reservable (a fully ordered add) */
#define PUBLISH(c)	atomic { ready = ready + (c) }

/*
 * scq_reserve(nn, all): ok = nn values reserved (the compare-and-exchange
 * loop; a failed one leaves the current value in tmp).
 */
inline RESERVE()
{
	tmp = ready;
	ok = false;
	do
	:: tmp < nn -> break
	:: else ->
		atomic {
			if
			:: ready == tmp -> ready = tmp - nn; ok = true
			:: else -> tmp = ready
			fi
		}
		if
		:: ok -> break
		:: else
		fi
	od
}

/*
 * The slot of index ix, taken at ghost aq position gx: its value in upd,
 * S3 checked against the value recorded at the take (the only one taken
 * at gx).
 */
inline READV(ix, gx)
{
	upd = data[ix];
	tmp = 1;
	do
	:: tmp <= NPROD * NITEMS && !(taken[tmp] && takepos[tmp] == gx) -> tmp++
	:: else -> break
	od;
	assert(S3 && tmp == upd)
}

/* lfq_scq_push(v): ok = pushed */
inline PUSH(v)
{
	nn = 1;
	DEQN(FQ);
	if
	:: got == 0 -> ok = false
	:: else ->
		data[i0] = v;
#if BUG == 5
		PUBLISH(1);
		ENQN(AQ);
#else
		ENQN(AQ);
		PUBLISH(1);
#endif
		ok = true
	fi;
	CLEAR
}

/* lfq_scq_push_bulk({v0, v1}, 2): ok = both pushed (else neither) */
inline PUSH2(v0, v1)
{
	nn = 2;
	DEQN(FQ);
	if
	:: got < 2 ->
		/* give back what was taken */
		if
		:: got == 1 -> nn = 1; ENQN(FQ)
		:: else
		fi;
		ok = false
	:: else ->
		data[i0] = v0;
		data[i1] = v1;
		ENQN(AQ);
		PUBLISH(2);
		ok = true
	fi;
	CLEAR
}

/* lfq_scq_pop(): tmp = the value (S3 checked), or 0 if empty */
inline POP()
{
	nn = 1;
	RESERVE();
	if
	:: !ok -> tmp = 0
	:: else ->
		DEQN(AQ);
		/* S7: a pop that holds a reservation finds an index */
		assert(S7 && got == 1);
		READV(i0, g0);
		ENQN(FQ);
		tmp = upd
	fi;
	CLEAR
}

/* lfq_scq_pop_bulk(2): both values (S3 checked), or none */
inline POP2()
{
	nn = 2;
	RESERVE();
	if
	:: !ok
	:: else ->
		DEQN(AQ);
		assert(S7 && got == 2);
		READV(i0, g0);
		READV(i1, g1);
		ENQN(FQ)
	fi;
	CLEAR
}

proctype producer(byte p)
{
	LOCALS;
	byte i = 0, tries;

#if BULKP
	/* producer 0 pushes its two values with one bulk push */
	if
	:: p == 0 ->
		tries = 0;
		do
		:: PUSH2(VAL(p, 0), VAL(p, 1));
		   if
		   :: ok -> pushed[p] = 2; goto give_up
		   :: else -> tries++
		   fi;
		   if
		   :: tries >= FULLTRIES -> goto give_up
		   :: else
		   fi
		od
	:: else
	fi;
#endif
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

#if BULKC
	/* consumer 0 makes its first two pops one bulk pop */
	if
	:: c == 0 -> POP2(); n = 2
	:: else
	fi;
#endif
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
	/* S4: every pushed value was taken, no reservation left over */
	assert(S4 && ready == 0);
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

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scq.pml - Promela model of one index ring of lfq_scq
 * (module/lfq_scq.c): Nikolaev's SCQ claim/publish protocol, for the spin
 * model checker; see README.md here.
 *
 * Capacity 2: the ring has 4 entries, in position order (lfq_scq_init()
 * does not rotate a ring smaller than a cache line).  What is modelled,
 * statement by statement against lfq_scq.c:
 *
 *   scq_enqueue()   fetch-and-add on tail; load of the entry; the test
 *                   (older cycle, no index, SAFE or head <= t; head is
 *                   loaded only when SAFE is clear, as C's || does);
 *                   try_cmpxchg of the entry, which on failure reloads it
 *                   and tests again; the threshold load and store
 *   scq_dequeue()   the threshold load; fetch-and-add on head; load of
 *                   the entry; the consume loop (try_cmpxchg setting the
 *                   index to BOT); the update of an older entry (cycle
 *                   moved on, or SAFE cleared) by try_cmpxchg; the load
 *                   of tail; scq_catchup(); the threshold decrements
 *
 * lfq_scq_push() and lfq_scq_pop() are two such ring operations each (on
 * the free-slot ring and the allocated-slot ring); what they rely on is
 * that a ring holds at most 2 indices and hands each one out once, in
 * FIFO order, and never reports empty while it holds one and nobody is
 * in the middle of an operation.  That is what this model checks, on one
 * ring: producer p enqueues index p, and again only after a consumer took
 * it (so at most 2 indices are in the ring, as in lfq_scq).
 *
 * Every access to shared memory is its own step (an entry is one word);
 * local computation is folded into the step before it.  Between any two
 * steps a process may be stalled for as long as the others like, which
 * is how preemption and interrupts are modelled.  Interleavings are
 * sequentially consistent, as the C code's fully ordered read-modify-
 * writes give (see the "Memory ordering" comment there).
 *
 * Positions are W-bit numbers and start at START, near the top, so they
 * wrap; an entry's cycle is (position / 4) modulo 2^(W - 3), as the C
 * code's cycle bits (BITS_PER_LONG - log2(2n) - 1 of them), compared by
 * signed difference.
 *
 * Two producers each enqueue NITEMS times; two consumers each make POPS
 * dequeue attempts.  The process that finishes last then dequeues until
 * the ring reports empty, alone.  scq.sh runs the checks: exhaustive with
 * NITEMS=1 or 2 and POPS=1 (1.3 and 8.4 million states); POPS=2 and more
 * exceed 2 GB.
 *
 * Parameters (-D): W (position width), NITEMS, POPS, BUG.
 *   BUG  plant a bug (the run must then fail):
 *          1  producers ignore SAFE (fill any empty older entry)
 *          2  producers never reset the threshold
 *          3  consumers never clear SAFE on an occupied older entry
 *
 * Checked (tags as in the assertions):
 *   S1  an index is dequeued once per enqueue, and only after it was
 *       enqueued
 *   S2  FIFO: when index p is dequeued, an index the other producer
 *       enqueued (its compare-and-exchange) before p's is dequeued
 *       already, or is at the position the other consumer has claimed
 *       and not yet read
 *   S5  no loss: at the end, with nobody running, the ring reports
 *       empty only when every index enqueued was dequeued
 */

#ifndef W
#define W	8
#endif
#ifndef NITEMS
#define NITEMS	2
#endif
#ifndef POPS
#define POPS	3
#endif
#ifndef BUG
#define BUG	0
#endif

#define MASKW	((1 << W) - 1)
#define HALFW	(1 << (W - 1))
#define START	((1 << W) - 8)
#define CW	(W - 3)
#define CMASK	((1 << CW) - 1)
#define CHALF	(1 << (CW - 1))
#define CYC(p)	(((p) >> 2) & CMASK)
/* cycle a is older than cycle b */
#define OLDER(a, b)	((((a) - (b)) & CMASK) >= CHALF)
/* a - b <= 0 for positions, as a signed W-bit number */
#define LEZ(d)	((((d) & MASKW) == 0) || (((d) & MASKW) >= HALFW))
#define BOT	3
#define THR	5		/* 3 * capacity - 1 */

byte tail;
byte head;
short thr;
byte ecyc[4];
bit esafe[4];
byte eidx[4];

/* ghosts */
bit gst[2];			/* index p is in the ring */
byte gpos[2];			/* its position */
bit inenq[2];			/* producer p is inside scq_enqueue() */
bit gprev[2];			/* the other index was in the ring, enqueued,
				 * when p's enqueue began, and still is */
byte claimed[3];		/* position claimed by consumer c (2: drain) */
bit claiming[3];
byte ndone;
byte cdone;			/* consumers done with their attempts */

init {
	byte j;

	atomic {
		j = 0;
		do
		:: j < 4 ->
			ecyc[j] = CYC(START - 4);
			esafe[j] = 1;
			eidx[j] = BOT;
			j++
		:: else -> break
		od;
		tail = START;
		head = START;
		thr = -1;
		run producer(0);
		run producer(1);
		run consumer(0);
		run consumer(1)
	}
}

/* scq_enqueue() of index p; the caller's locals t, j, ec, es, ei, ok */
inline scq_enqueue(p)
{
	do
	:: atomic {
		t = tail; tail = (t + 1) & MASKW;
		if
		:: !inenq[p] ->
			inenq[p] = 1;
			gprev[p] = (gst[1 - p] && !inenq[1 - p])
		:: else -> skip
		fi
	   };
	   atomic { j = t & 3; ec = ecyc[j]; es = esafe[j]; ei = eidx[j] };
	   ok = 0;
	   do
	   :: (OLDER(ec, CYC(t)) && ei == BOT) ->
		if
		:: (es || BUG == 1) -> skip
		:: else ->
			if
			:: LEZ(head - t) -> skip
			:: else -> break
			fi
		fi;
		atomic {
			if
			:: (ecyc[j] == ec && esafe[j] == es && eidx[j] == ei) ->
				ecyc[j] = CYC(t);
				esafe[j] = 1;
				eidx[j] = p;
				ok = 1;
				assert(!gst[p]);			/* S1 */
				gst[p] = 1;
				gpos[p] = t
			:: else ->
				ec = ecyc[j]; es = esafe[j]; ei = eidx[j]
			fi
		};
		if
		:: ok -> break
		:: else -> skip
		fi
	   :: else -> break
	   od;
	   if
	   :: ok -> break
	   :: else -> skip
	   fi
	od;
	if
	:: (BUG != 2 && thr != THR) -> thr = THR
	:: else -> skip
	fi;
	d_step { inenq[p] = 0; t = 0; j = 0; ec = 0; es = 0; ei = 0; ok = 0 }
}

/* scq_catchup(): ct, ch are the caller's tail and head + 1 */
inline scq_catchup()
{
	do
	:: atomic {
		if
		:: tail == ct -> tail = ch; ok = 1
		:: else -> ok = 0
		fi
	   };
	   if
	   :: ok -> break
	   :: else -> skip
	   fi;
	   ch = head;
	   ct = tail;
	   if
	   :: LEZ(ch - ct) -> break
	   :: else -> skip
	   fi
	od;
	skip;
	d_step { ok = 0; ct = 0; ch = 0 }
}

/* S1, S2 at the consume step of index ei by consumer me */
inline scq_take(me)
{
	assert(gst[ei]);					/* S1 */
	gst[ei] = 0;
	gprev[1 - ei] = 0;
	assert(!gprev[ei] ||					/* S2 */
	       (me != 0 && claiming[0] && claimed[0] == gpos[1 - ei]) ||
	       (me != 1 && claiming[1] && claimed[1] == gpos[1 - ei]));
	gprev[ei] = 0;
	claiming[me] = 0;
	claimed[me] = 0
}

/* scq_dequeue(): res = the index, or -1 */
inline scq_dequeue(me)
{
	res = -1;
	if
	:: thr < 0 -> skip
	:: else ->
		do
		:: atomic {
			h = head; head = (h + 1) & MASKW;
			claimed[me] = h; claiming[me] = 1
		   };
		   atomic { j = h & 3; ec = ecyc[j]; es = esafe[j];
			    ei = eidx[j] };
		   do
		   :: ec == CYC(h) ->
			/* ours: set the index to BOT */
			do
			:: atomic {
				if
				:: (ecyc[j] == ec && esafe[j] == es &&
				    eidx[j] == ei) ->
					eidx[j] = BOT;
					ok = 1;
					res = ei;
					scq_take(me)
				:: else ->
					ec = ecyc[j]; es = esafe[j];
					ei = eidx[j]
				fi
			   };
			   if
			   :: ok -> break
			   :: else -> skip
			   fi
			od;
			break
		   :: ec != CYC(h) && !OLDER(ec, CYC(h)) -> break
		   :: ec != CYC(h) && OLDER(ec, CYC(h)) ->
			d_step {
				if
				:: ei == BOT -> uc = CYC(h); us = es
				:: else -> uc = ec; us = (BUG == 3 -> es : 0)
				fi
			};
			if
			:: (uc == ec && us == es) -> break
			:: else ->
				atomic {
					if
					:: (ecyc[j] == ec && esafe[j] == es &&
					    eidx[j] == ei) ->
						ecyc[j] = uc; esafe[j] = us;
						ok = 1
					:: else ->
						ec = ecyc[j]; es = esafe[j];
						ei = eidx[j]; ok = 0
					fi
				};
				if
				:: ok -> break
				:: else -> skip
				fi
			fi
		   od;
		   skip;
		   d_step { ok = 0; uc = 0; us = 0 };
		   if
		   :: res >= 0 -> break
		   :: else -> skip
		   fi;
		   atomic { ct = tail; claiming[me] = 0; claimed[me] = 0 };
		   if
		   :: LEZ(ct - h - 1) ->
			ch = (h + 1) & MASKW;
			scq_catchup();
			thr = thr - 1;
			break
		   :: else ->
			atomic { thr = thr - 1; ok = (thr < 0) };
			if
			:: ok -> ok = 0; break
			:: else -> skip
			fi
		   fi
		od
	fi;
	skip;
	d_step { h = 0; j = 0; ec = 0; es = 0; ei = 0; ct = 0 }
}

/* The last process to finish dequeues alone until empty: S5. */
inline finish(me)
{
	atomic { ndone++; ok = (ndone == 4) };
	if
	:: ok ->
		ok = 0;
		do
		:: scq_dequeue(2);
		   if
		   :: res < 0 -> break
		   :: else -> skip
		   fi
		od;
		assert(!gst[0] && !gst[1])				/* S5 */
	:: else -> skip
	fi
}

proctype producer(byte p)
{
	byte t, j, ec, ei, h, ct, ch, uc, i;
	bit es, ok, us;
	short res;

	i = 0;
	do
	:: i < NITEMS ->
		scq_enqueue(p);
		i++;
		/* again only once a consumer took it (or none is left) */
		if
		:: !gst[p] -> skip
		:: cdone == 2 -> break
		fi
	:: else -> break
	od;
	finish(2)
}

proctype consumer(byte c)
{
	byte t, j, ec, ei, h, ct, ch, uc, n;
	bit es, ok, us;
	short res;

	n = 0;
	do
	:: n < POPS -> scq_dequeue(c); d_step { n++; res = 0 }
	:: else -> break
	od;
	cdone++;
	finish(c)
}

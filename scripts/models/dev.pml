/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dev.pml - Promela model of /dev/lfq's claim layer over a ring queue
 * (module/lfq_dev.c), on top of the ring model of ring.pml.
 *
 * The device decides whether a push or a pop may proceed with two
 * counters, each moved only by a compare-and-exchange that checks its
 * bound first (lfq_dev.c, "Accounting"):
 *
 *   q->used   messages owned by the queue, from a producer's claim of room
 *             (lfq_push_claim()) until a consumer delivered the message
 *             (lfq_delivered() -> lfq_unclaim()); at most the capacity
 *   q->avail  messages published and not yet claimed by a consumer: a
 *             producer adds after its ring push (lfq_published()), a
 *             consumer claims before it pops (lfq_pop_claim())
 *
 * A producer that claimed room then pushes into the ring until all its
 * messages are in (lfq_push_claimed(): the ring can look full while a
 * consumer on another CPU is between its ring claim and release); a
 * consumer that claimed messages pops until it has them all (lfq_take():
 * the ring can look empty while a producer is between its ring claim and
 * release).  Both loops are modelled as they are, retries included.  Only
 * the message count of q->used is modelled (the byte part is bounded the
 * same way, by the same compare-and-exchange), and neither the pool of
 * preallocated buffers nor the stash of undeliverable messages (a fault
 * in copy_to_user()) is.
 *
 * A push or pop whose claim fails sleeps until the counter it failed on
 * changes (wait_event_interruptible() on the condition, woken by
 * lfq_wake() after every change): modelled as a statement that blocks
 * until then.  That wakeups are not lost (wq_has_sleeper() and the
 * barriers) is assumed, not modelled.  So a state where every process
 * sleeps is a real deadlock, and spin reports it as an invalid end state.
 *
 * FAILED.  All-or-nothing batches block until all of the batch can
 * move, so a blocking push of two and blocking pops of two into a queue
 * of two that holds one message wait for each other forever, as
 * LFQ_IO_ALL means they must (spin finds that state at once).  So the
 * harness makes its all-or-nothing batches non-blocking (EAGAIN instead
 * of sleeping) and follows a failed one with a single message; single
 * messages and as-many-as-possible batches sleep.
 *
 * Parameters, besides those of ring.pml (CAP is the ring's capacity;
 * MANY: 1 producers, 2 consumers, 3 both use batches of two):
 *   DCAP    the queue's capacity, q->capacity (the ring has
 *           max(DCAP, 2) slots, as in lfq_queue_create())
 *   DBUG    plant a bug (the run must then fail):
 *             1  producer publishes (q->avail += k) before its ring push
 *             2  consumer gives the room back (q->used -= k) before it
 *                has popped the messages out of the ring
 *
 * Checked, besides A1-A7 of ring.pml:
 *   D1  q->used never exceeds the capacity
 *   D2  a producer that claimed room in q->used finds the ring full only
 *       because a consumer is between its ring claim and release (never
 *       really full)
 *   D3  a consumer that claimed messages from q->avail finds the ring
 *       empty only because the producer of that position is between its
 *       ring claim and release (the message is coming)
 *   D4  at the end, q->used == 0 and q->avail == 0
 *   end states: nobody sleeps forever (invalid end states)
 *   ltl done: under weak fairness every run ends, all values consumed
 */

#define DEV	1
#ifndef DCAP
#define DCAP	CAP
#endif
#ifndef DBUG
#define DBUG	0
#endif
#ifndef MANY
#define MANY	0
#endif

#include "ring.pml"

#if !((DCAP <= 2 && CAP == 2) || (DCAP > 2 && CAP == DCAP))
#error "the ring has max(DCAP, 2) slots"
#endif

byte used;		/* q->used: claimed messages */
byte avail;		/* q->avail: published, unclaimed messages */
byte dclaimed;		/* ghost: messages claimed from q->avail */

/* k = what a claim of n (all or nothing, else a prefix) gets from have */
#define CLAIMABLE(have, n, all) \
	((have) >= (n) -> (n) : ((all) -> 0 : (have)))

proctype dproducer(byte p)
{
	byte pos, k, n, i, s, q, v, st, next, c, kc, done;
	bool all, claimed, failed;
	bool check = 0;		/* the device's ring pushes do no NULL check */
	short dif;
	byte vals[2];

	do
	:: next == NITEMS -> finished++; break
	:: else ->
		/*
		 * write() of one message, or a batch of two (all or not);
		 * after an EAGAIN, a single one (FAILED)
		 */
		if
		:: d_step { n = 1; all = 1 }
#if MANY & 1
		:: d_step { MYMANY && !failed && next + 2 <= NITEMS; n = 2; all = 1 }
		:: d_step { MYMANY && !failed && next + 2 <= NITEMS; n = 2; all = 0 }
#endif
		fi;
		/* lfq_push_claim(): old = atomic64_read(&q->used) */
		d_step { c = used; kc = CLAIMABLE(DCAP - c, n, all) };
		do
		:: kc == 0 && all && n > 1 ->
			/* LFQ_IO_ALL | LFQ_IO_NONBLOCK: EAGAIN (see FAILED) */
			failed = 1;
			break
		:: kc == 0 && !(all && n > 1) ->
			/* lfq_wait_claim(): sleep until q->used changes */
			used != c;
			d_step { c = used; kc = CLAIMABLE(DCAP - c, n, all) }
		:: kc > 0 ->
			/* atomic64_try_cmpxchg(&q->used, &old, old + k) */
			d_step {
				if
				:: used == c ->
					used = c + kc;
					/* D1: never more than the capacity */
					assert(D1 && used <= DCAP);
					c = 0;
					claimed = 1
				:: else ->
					c = used;
					kc = CLAIMABLE(DCAP - c, n, all)
				fi
			};
			if
			:: claimed ->
				d_step { claimed = 0; vals[0] = VAL(p, next);
					 vals[1] = VAL(p, next + 1) };
				break
			:: else
			fi
		od;
#if DBUG == 1
		/* planted: published before the push */
		avail = avail + kc;
#endif
		/* lfq_push_claimed(): push until all kc are in the ring */
		do
		:: done < kc ->
			ring_claim(tail, 0, kc - done, all, 1);
p_claimed:
			do
			:: i < k ->
				d_step { s = (pos + i) & M; val[s] = vals[i] };
				d_step { seq[s] = (pos + i + 1) & PM; hold[s] = FREE;
					 hpos[s] = 0; hval[s] = 0; i++ }
			:: else ->
				/* next time from &msgs[done] */
				d_step {
					done = done + k;
					if
					:: k == 1 -> vals[0] = vals[1]
					:: else
					fi;
					i = 0;
					k = 0
				};
				break
			od
		:: else -> break
		od;
#if DBUG != 1
		/* lfq_published(): atomic_long_add_return_release(k, &q->avail) */
		avail = avail + kc;
#endif
progress_push:
		skip;
		d_step { failed = (kc == 0); next = next + kc; kc = 0; done = 0; c = 0; n = 0; all = 0;
			 pos = 0; vals[0] = 0; vals[1] = 0 }
	od
}

proctype dconsumer(byte p)
{
	byte pos, k, n, i, s, q, v, st, c, kc, done;
	bool all, claimed, failed;
	bool check = 0;
	short dif;
	byte vals[1];		/* unused (the NULL check) */

	do
	:: dclaimed == TOTAL -> finished++; break
	:: else ->
		/*
		 * read() of one message, or a batch of two (all or not);
		 * after an EAGAIN, a single one (FAILED)
		 */
		if
		:: d_step { n = 1; all = 1 }
#if MANY & 2
		:: d_step { MYMANY && !failed && TOTAL - dclaimed >= 2; n = 2; all = 1 }
		:: d_step { MYMANY && !failed && TOTAL - dclaimed >= 2; n = 2; all = 0 }
#endif
		fi;
		/* lfq_pop_claim(): old = atomic_long_read(&q->avail) */
		d_step { c = avail; kc = CLAIMABLE(c, n, all) };
		do
		:: kc == 0 && all && n > 1 ->
			/* LFQ_IO_ALL | LFQ_IO_NONBLOCK: EAGAIN (see FAILED) */
			failed = 1;
			break
		:: kc == 0 && !(all && n > 1) ->
			/*
			 * lfq_wait_claim(): sleep until q->avail changes (or,
			 * for the harness, until nothing is left to read)
			 */
			avail != c || dclaimed == TOTAL;
			if
			:: dclaimed == TOTAL -> c = 0; break
			:: else
			fi;
			d_step { c = avail; kc = CLAIMABLE(c, n, all) }
		:: kc > 0 ->
			/* atomic_long_try_cmpxchg(&q->avail, &old, old - k) */
			d_step {
				if
				:: avail == c ->
					avail = c - kc;
					dclaimed = dclaimed + kc;
					c = 0;
					claimed = 1
				:: else ->
					c = avail;
					kc = CLAIMABLE(c, n, all)
				fi
			};
			if
			:: claimed -> claimed = 0; break
			:: else
			fi
		od;
#if DBUG == 2
		/* planted: room given back before the messages are out */
		used = used - kc;
#endif
		/* lfq_take(): pop until all kc are out of the ring */
		do
		:: done < kc ->
			ring_claim(head, 1, kc - done, all && done == 0, 0);
c_claimed:
			do
			:: i < k ->
				d_step {
					s = (pos + i) & M;
					/* A3: what we copy out is what we claimed */
					assert(A3 && hold[s] == CONS &&
					       hpos[s] == ((pos + i) & PM) &&
					       val[s] == hval[s])
				};
				d_step { seq[s] = (pos + i + CAP) & PM; hold[s] = FREE;
					 hpos[s] = 0; hval[s] = 0; i++ }
			:: else ->
				d_step { done = done + k; i = 0; k = 0 };
				break
			od
		:: else -> break
		od;
#if DBUG != 2
		/* lfq_delivered() -> lfq_unclaim(): room back */
		used = used - kc;
#endif
progress_pop:
		skip;
		d_step { failed = (kc == 0 && dclaimed < TOTAL); kc = 0; done = 0;
			 c = 0; n = 0; all = 0; pos = 0 }
	od
}

init
{
	byte j;

	atomic {
		j = 0;
		do
		:: j < CAP ->
			seq[(START + j) & M] = (START + j) & PM;
			j++
		:: else -> break
		od;
		run dproducer(0);
		run dproducer(1);
		run dconsumer(0);
		run dconsumer(1)
	}
	finished == NPROD + NCONS;
	d_step {
		/* D4: all room given back, nothing left to claim */
		assert(D4 && used == 0 && avail == 0);
		/* A7: all consumed */
		assert(A7 && head == tail && consumed == TOTAL &&
		       dclaimed == TOTAL);
		j = 0;
		do
		:: j < NPROD ->
			/* A7: each producer's values all consumed */
			assert(A7 && dnext[j] == NITEMS);
			j++
		:: else -> break
		od;
		alldone = 1
	}
}

// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_queue.c - the queue engine of /dev/lfq: messages, accounting, waiting
 *
 * A message is a struct lfq_kmsg; its address is the value pushed into the
 * lock-free structure, a container of one kind of the registry (struct
 * lfq_kind, lfq_kinds[]); the queue never names a kind, it asks the kind's
 * properties and operations.  Messages are kvmalloc'd one by one, except in
 * a bounded queue whose kind moves many values at once (push_many and
 * pop_many, a ring) and that can hold its capacity of max_msg-byte messages
 * within its byte budget (capacity * charge of a max_msg message <=
 * max_bytes): such a queue allocates its message buffers at creation, one
 * per slot, each for max_msg bytes, and keeps the free ones in a second
 * container of its kind, q->pool.  A push takes buffers from there and a
 * delivery gives them back, so the hot path allocates nothing.
 * The pool is the memory a full queue of max_msg-byte messages holds
 * anyway, charged to the creator's memory cgroup (GFP_KERNEL_ACCOUNT) when
 * the queue is made, and freed with the queue.  A pool buffer belongs to
 * one task from the moment it leaves q->pool until it is pushed, and
 * from its pop until it goes back (or to the stash), so it needs no RCU:
 * nobody else can reach it meanwhile.
 *
 * Accounting.  Two counters decide whether a push or a pop may proceed, and
 * both are only ever moved by compare-and-exchange that checks the bound
 * first, so neither overshoots, not even for an instant:
 *
 *   q->used   (charge | slots << LFQ_SLOT_SHIFT): the memory charged for,
 *             and the number of, the messages owned by the queue, counting
 *             from the moment a producer claims room until a consumer has
 *             delivered the message to userspace.  A message's charge is
 *             the kernel memory it holds: its allocations as the allocator
 *             rounds them, plus its node for the node-based kinds (see
 *             lfq_msg_charge()); so max_bytes bounds memory, not
 *             payload.  A producer claims room here before it pushes; a
 *             consumer gives it back after the copy to userspace
 *             succeeded.  Bounded by max_bytes and, for a ring,
 *             by the capacity, so a claimed ring slot is known to exist.
 *   q->avail  the number of messages that are in the structure (or in the
 *             stash, below) and not yet claimed by a consumer.  A producer
 *             adds to it after its push took effect; a consumer claims from
 *             it before it pops, so a consumer that claimed n messages is
 *             guaranteed to find n of them.
 *
 * Because no claim overshoots, a failed claim never makes another task fail
 * spuriously, and the only events that can turn "would block" into "can go"
 * are: a push published (wakes readers) or a delivery gave room back (wakes
 * writers).  Both wake on every occurrence, which is what edge-triggered
 * epoll needs.
 *
 * Every push claims room first and only then allocates (or takes pool
 * buffers) and copies the messages in: a writer that waits for room holds
 * no message memory, and what a queue holds, in flight included, stays
 * within its budget.  A fault or a failed allocation gives the room of the
 * messages not pushed back.
 *
 * A pooled push claims room first and then takes buffers: buffers in use
 * never outnumber the slots claimed in q->used, which never exceed the
 * capacity, so a claimed push always finds its buffers in q->pool.
 * They may be a moment away: a delivery returns its buffers before it
 * gives the room back, but another delivery, on another CPU, may still be
 * between taking an earlier slot of q->pool and publishing it, or its
 * publication may not be visible yet; lfq_msgpool_get() retries until they
 * appear.  Every bulk or burst move runs with preemption disabled
 * (lfq_move_many()), so that wait is a matter of instructions, not of a
 * preempted task.  The copy from
 * userspace therefore happens after the claim (a push with a bad buffer
 * into a full queue waits for room, as pipe_write() does); a fault gives
 * buffers and room back, and nothing of the faulting message or (with
 * LFQ_IO_ALL) of the batch is published.
 *
 * Allocations a user causes use LFQ_GFP: charged to the user's memory
 * cgroup, never invoking the OOM killer (at a cgroup limit the call fails
 * with -ENOMEM instead of killing a task) and never printing (a user must
 * not be able to fill the kernel log).
 *
 * Kinds with intrusive operations (struct lfq_kind.push_node: msq, stack)
 * link the node embedded in the message (lfq_kmsg.node): one allocation per
 * message, no node allocated per push, and the push cannot fail.  A popped
 * message's node may still be read by a concurrent pop until a grace period
 * has passed, so a delivered message is freed by call_rcu()
 * (lfq_kmsgs_retire()).  Its room in q->used is given back at delivery, as
 * for the other kinds: the memory that waits for the grace period is
 * counted module-wide, in messages (lfq_kmsg_rcu_backlog(), added to
 * lfq_stats.rcu_backlog) and in bytes of charge; while those bytes exceed
 * LFQ_KMSG_RCU_HIGH, pushes of intrusive kinds (process context) first
 * wait for grace periods in synchronize_rcu() (never rcu_barrier()), so a
 * push/pop storm cannot outrun RCU by more than about that much.  An msq
 * may also allocate a dummy node in a pop that takes its last message (see
 * lfq_msq_dequeue_node()); that node is not charged to the queue, and
 * waits for its grace period in lfq_rcu_backlog().
 *
 * The stash.  A message a consumer took but could not deliver (the copy to
 * userspace faulted) goes back to the head of q->stash, which consumers
 * serve before the structure: it stays first in line, nothing is lost.
 * Other consumers may have taken later messages of the same producer while
 * it was out, so a put-back message may be delivered after them: the uapi
 * header states this exception to per-producer order.  The
 * stash is empty in normal operation and then costs one READ_ONCE().
 *
 * Wakeups without the wait-queue lock on the fast path: a waker changes the
 * state (a counter), then calls wq_has_sleeper(), whose smp_mb() orders that
 * change before its look at the wait-queue list; a sleeper adds itself to
 * the list and then sets its task state with a full barrier
 * (prepare_to_wait_event() / set_current_state()) before it re-evaluates the
 * condition; a poller does poll_wait() and then smp_mb() in
 * lfq_queue_events().  Either the waker sees the sleeper on the list, or the
 * sleeper sees the new state: a wakeup cannot be lost, and when nobody
 * sleeps the waker touches no lock.
 */
#include <linux/atomic.h>
#include <linux/build_bug.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/poll.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <linux/uio.h>
#include <linux/wait.h>

#include "lfq_queue.h"

/* q->used: bytes in the low bits, messages above. */
#define LFQ_SLOT_SHIFT		32
#define LFQ_BYTES_MASK		((1ULL << LFQ_SLOT_SHIFT) - 1)
static_assert(LFQ_MAX_BYTES_LIMIT <= LFQ_BYTES_MASK);
/* Every message has at least one byte, so slots <= bytes: no overflow. */
static_assert(LFQ_MAX_BYTES_LIMIT < (1ULL << (63 - LFQ_SLOT_SHIFT)));
static_assert(LFQ_DEV_RING_MAX <= LFQ_MAX_BYTES_LIMIT);

/* A payload at least this large may get an allocation of its own. */
#define LFQ_SPLIT_MIN	512U

struct lfq_pcpu_stats {
	u64 pushes;
	u64 pops;
	u64 push_full;
	u64 pop_empty;
	u64 putbacks;
};

/*
 * Memory an allocation of @size bytes by kvmalloc() holds: the allocator's
 * size class, and for what may come from vmalloc its page array and
 * bookkeeping as well.
 */
static size_t lfq_alloc_size(size_t size)
{
	size_t sz = kmalloc_size_roundup(size);

	if (size > PAGE_SIZE)
		sz += DIV_ROUND_UP(size, PAGE_SIZE) * sizeof(struct page *) +
		      2 * L1_CACHE_BYTES;
	return sz;
}

/*
 * Memory a message of @len payload bytes holds, and whether its payload
 * gets its own allocation (*@split): only if that saves memory, for
 * payloads large enough that a second allocation does not matter.
 */
static size_t lfq_kmsg_size(u32 len, bool has_node, bool *split)
{
	size_t hdr = lfq_kmsg_hdr(has_node);
	size_t one = lfq_alloc_size(hdr + len);
	size_t two = lfq_alloc_size(hdr + sizeof(u8 *)) + lfq_alloc_size(len);

	*split = len >= LFQ_SPLIT_MIN && two < one;
	return *split ? two : one;
}

/**
 * lfq_kind_msg_charge() - what a message costs in a queue of a kind
 * @k: the kind
 * @len: payload bytes, 1..LFQ_MAX_MSG_LIMIT
 *
 * The memory the message holds while queued when its buffer is allocated
 * for it (the queue has no pool): its allocations and its node.
 *
 * Context: any context.
 * Return: the charge, in bytes.
 */
u32 lfq_kind_msg_charge(const struct lfq_kind *k, u32 len)
{
	bool split;

	/* a kind with intrusive operations links the message's own node */
	if (k->push_node)
		return lfq_kmsg_size(len, true, &split);
	return lfq_kmsg_size(len, false, &split) + k->node_size;
}

/**
 * lfq_msg_charge() - what a message is charged against a queue's budget
 * @q: the queue
 * @len: payload bytes, 1..@q->max_msg
 *
 * The charge is the memory the message holds while queued.  A pooled
 * queue's messages live in buffers for max_msg bytes.
 *
 * Context: any context.
 * Return: the charge, in bytes.
 */
u32 lfq_msg_charge(const struct lfq_queue *q, u32 len)
{
	if (q->pool)
		return q->max_charge;
	return lfq_kind_msg_charge(q->kind, len);
}

/* A message of @len bytes, with a node for the kinds that link it. */
static struct lfq_kmsg *lfq_kmsg_alloc(u32 len, bool has_node)
{
	size_t hdr = lfq_kmsg_hdr(has_node);
	struct lfq_kmsg *m;
	bool split;

	lfq_kmsg_size(len, has_node, &split);
	m = kvmalloc(hdr + (split ? sizeof(u8 *) : len), LFQ_GFP);
	if (!m)
		return NULL;
	m->split = split;
	m->has_node = has_node;
	if (split) {
		*lfq_kmsg_extp(m) = kvmalloc(len, LFQ_GFP);
		if (!*lfq_kmsg_extp(m)) {
			kvfree(m);
			return NULL;
		}
	}
	m->len = len;
	return m;
}

static void lfq_kmsg_free(void *val)
{
	struct lfq_kmsg *m = val;

	if (m->split)
		kvfree(*lfq_kmsg_extp(m));
	kvfree(m);
}

static void lfq_kmsgs_free(struct lfq_kmsg **msgs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		lfq_kmsg_free(msgs[i]);
}

/* ---- freeing popped messages after a grace period ---- */

/*
 * Charge of delivered messages of intrusive kinds waiting for a grace
 * period, module-wide, above which pushes of intrusive kinds wait; and how
 * often (in messages retired on one CPU, a power of two) the sum is taken.
 */
#define LFQ_KMSG_RCU_HIGH	(64ULL << 20)
#define LFQ_KMSG_RCU_SAMPLE	256U
/* At most this many grace periods waited for by one push. */
#define LFQ_KMSG_RCU_WAITS	4

struct lfq_kmsg_rcu_pending {
	long msgs;
	long bytes;
	unsigned int sample;
};

static DEFINE_PER_CPU(struct lfq_kmsg_rcu_pending, lfq_kmsg_rcu_pending);
static bool lfq_kmsg_rcu_throttled;

/* Sum of one field of the per-CPU counters; @bytes: bytes, else msgs. */
static long lfq_kmsg_rcu_sum(bool bytes)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct lfq_kmsg_rcu_pending *p =
			per_cpu_ptr(&lfq_kmsg_rcu_pending, cpu);

		sum += bytes ? READ_ONCE(p->bytes) : READ_ONCE(p->msgs);
	}
	return sum;
}

/**
 * lfq_kmsg_rcu_backlog() - delivered messages waiting for a grace period
 *
 * Messages of /dev/lfq queues of kinds with intrusive operations (msq,
 * stack), delivered to their reader, whose memory (their node included)
 * is freed after an RCU grace period.  Not a snapshot: the per-CPU counts
 * change while they are summed.
 *
 * Context: any context.
 * Return: the approximate number of messages, 0 or more.
 */
unsigned long lfq_kmsg_rcu_backlog(void)
{
	long sum = lfq_kmsg_rcu_sum(false);

	return sum > 0 ? sum : 0;
}

static void lfq_kmsg_rcu_cb(struct rcu_head *head)
{
	struct lfq_kmsg *m = container_of(head, struct lfq_kmsg, rcu);
	long charge = m->charge;

	lfq_kmsg_free(m);
	this_cpu_dec(lfq_kmsg_rcu_pending.msgs);
	this_cpu_sub(lfq_kmsg_rcu_pending.bytes, charge);
}

/*
 * Free delivered messages msgs[0..n) of a kind with intrusive operations
 * after a grace period: until then a concurrent pop may read their node.
 */
static void lfq_kmsgs_retire(struct lfq_kmsg **msgs, unsigned int n)
{
	unsigned int i;
	long bytes = 0;

	for (i = 0; i < n; i++) {
		bytes += msgs[i]->charge;
		call_rcu(&msgs[i]->rcu, lfq_kmsg_rcu_cb);
	}
	this_cpu_add(lfq_kmsg_rcu_pending.msgs, n);
	this_cpu_add(lfq_kmsg_rcu_pending.bytes, bytes);
	if (unlikely(this_cpu_add_return(lfq_kmsg_rcu_pending.sample, n) >=
		     LFQ_KMSG_RCU_SAMPLE)) {
		this_cpu_write(lfq_kmsg_rcu_pending.sample, 0);
		WRITE_ONCE(lfq_kmsg_rcu_throttled,
			   lfq_kmsg_rcu_sum(true) > (long)LFQ_KMSG_RCU_HIGH);
	}
}

/*
 * Before a push of a kind with intrusive operations: while the delivered
 * messages waiting for a grace period hold more than LFQ_KMSG_RCU_HIGH
 * bytes, wait for grace periods (their callbacks then run), at most
 * LFQ_KMSG_RCU_WAITS of them.  One read of a read-mostly flag otherwise.
 * Process context, may sleep.
 */
static void lfq_kmsg_rcu_throttle(void)
{
	unsigned int i;

	if (likely(!READ_ONCE(lfq_kmsg_rcu_throttled)))
		return;
	for (i = 0; i < LFQ_KMSG_RCU_WAITS; i++) {
		synchronize_rcu();
		if (lfq_kmsg_rcu_sum(true) <= (long)LFQ_KMSG_RCU_HIGH / 2) {
			WRITE_ONCE(lfq_kmsg_rcu_throttled, false);
			break;
		}
	}
}

/* ---- bulk and burst moves, and the message pool ---- */

/*
 * Push (@push) or pop up to @n messages with the bulk/burst operation of
 * the container @c of kind @k, all @n or none with @all.  Returns the
 * number moved.  Preemption is off across the operation: a task that
 * claimed a slot inside the container publishes it within instructions,
 * so whoever waits for that slot (lfq_move_all(), lfq_take()) never spins
 * on a task that was preempted half way.
 */
static unsigned int lfq_move_many(const struct lfq_kind *k, void *c,
				  struct lfq_kmsg **msgs, unsigned int n,
				  bool all, bool push)
{
	unsigned int done;

	preempt_disable();
	if (push)
		done = k->push_many(c, (void **)msgs, n, all);
	else
		done = k->pop_many(c, (void **)msgs, n, all);
	preempt_enable();
	return done;
}

/*
 * Move all of msgs[0..n) into (@push) or out of @c, in one piece with
 * @all.  The caller holds a claim for them (room in q->used for a push
 * into q->c; for q->pool, the buffers themselves or the room claimed for
 * their messages), so they, or the room for them, exist; the next slot
 * may still be held by a task on another CPU between its claim and its
 * release inside the container, and lfq_move_many() keeps that task
 * running, so the wait is short.
 */
static void lfq_move_all(const struct lfq_kind *k, void *c,
			 struct lfq_kmsg **msgs, unsigned int n, bool all,
			 bool push)
{
	unsigned int i = 0;

	while (i < n) {
		i += lfq_move_many(k, c, msgs + i, n - i, all, push);
		if (i < n)
			cond_resched();
	}
}

/*
 * Take @k buffers from the pool.  The caller claimed room for @k messages,
 * so they exist; one may be a moment away (see the top of this file).
 */
static void lfq_msgpool_get(struct lfq_queue *q, struct lfq_kmsg **msgs,
			    unsigned int k)
{
	lfq_move_all(q->kind, q->pool, msgs, k, false, false);
}

/*
 * Give @n buffers back to the pool.  There is a slot for each (the pool
 * has the queue's capacity); one may be a moment away, held by a task on
 * another CPU inside lfq_msgpool_get().
 */
static void lfq_msgpool_put(struct lfq_queue *q, struct lfq_kmsg **msgs,
			    unsigned int n)
{
	lfq_move_all(q->kind, q->pool, msgs, n, false, true);
}

/*
 * Give up the buffers of @n messages that were never pushed: back to the
 * pool, or freed.
 */
static void lfq_msgs_release(struct lfq_queue *q, struct lfq_kmsg **msgs,
			     unsigned int n)
{
	if (q->pool)
		lfq_msgpool_put(q, msgs, n);
	else
		lfq_kmsgs_free(msgs, n);
}

/*
 * Give up the buffers of @n delivered messages: back to the pool, freed
 * after a grace period (kinds with intrusive operations: their node is
 * the container's until then), or freed.
 */
static void lfq_msgs_retire(struct lfq_queue *q, struct lfq_kmsg **msgs,
			    unsigned int n)
{
	if (q->kind->push_node)
		lfq_kmsgs_retire(msgs, n);
	else
		lfq_msgs_release(q, msgs, n);
}

/* Bytes of the slot array of a bounded kind for @capacity slots. */
static size_t lfq_slots_mem(const struct lfq_kind *k, u32 capacity)
{
	if (!k->slot_size)
		return 0;
	return lfq_alloc_size(array_size(max(capacity, 2U), k->slot_size));
}

/*
 * Memory a container of kind @k holds while empty, beyond its @k->size
 * bytes: its dummy node, its slot array.
 */
static size_t lfq_kind_mem(const struct lfq_kind *k, u32 capacity)
{
	return (k->flags & LFQ_KIND_DUMMY ? k->node_size : 0) +
	       lfq_slots_mem(k, capacity);
}

/*
 * A bounded queue whose kind moves many values at once, and that can hold
 * @capacity messages of max_msg bytes within its byte budget, gets its
 * buffers now: the memory a full queue of such messages holds anyway.
 */
static int lfq_msgpool_init(struct lfq_queue *q)
{
	const struct lfq_kind *k = q->kind;
	struct lfq_kmsg *m;
	unsigned int i;
	void *pool;
	int ret;

	if (!(k->flags & LFQ_KIND_BOUNDED) || !k->push_many || !k->pop_many ||
	    (u64)q->capacity * q->max_charge > q->max_bytes)
		return 0;
	pool = kzalloc(k->size, LFQ_GFP);
	if (!pool)
		return -ENOMEM;
	ret = k->init(pool, max(q->capacity, 2U), LFQ_GFP);
	if (ret)
		goto err_free;
	for (i = 0; i < q->capacity; i++) {
		m = lfq_kmsg_alloc(q->max_msg, !!k->push_node);
		if (!m) {
			ret = -ENOMEM;
			goto err_destroy;
		}
		/* Nobody else sees the queue yet: there is a free slot. */
		k->push(pool, m, LFQ_GFP);
		cond_resched();
	}
	q->pool = pool;
	/* The pool's buffers are within max_bytes; its container is not. */
	q->fixed_bytes += lfq_alloc_size(k->size) + lfq_kind_mem(k, q->capacity);
	return 0;

err_destroy:
	k->destroy(pool, lfq_kmsg_free);
err_free:
	kfree(pool);
	return ret;
}

static void lfq_peak(atomic64_t *peak, s64 v)
{
	s64 old = atomic64_read(peak);

	while (v > old && !atomic64_try_cmpxchg_relaxed(peak, &old, v))
		;
}

static void lfq_peak_long(atomic_long_t *peak, long v)
{
	long old = atomic_long_read(peak);

	while (v > old && !atomic_long_try_cmpxchg_relaxed(peak, &old, v))
		;
}

static void lfq_wake(wait_queue_head_t *wq, __poll_t key)
{
	/*
	 * The caller changed q->avail or q->used before this; the smp_mb()
	 * in wq_has_sleeper() orders that change before the list check.
	 * Pairs with the full barrier of set_current_state() in
	 * prepare_to_wait_event() (lfq_wait_claim()) and with smp_mb() in
	 * lfq_queue_events().
	 */
	if (wq_has_sleeper(wq))
		wake_up_interruptible_poll(wq, key);
}

/* ---- claiming and waiting ---- */

/*
 * Claim room for the messages of d[0..k) in q->used: all @n or nothing
 * (@all), else the longest prefix that fits.  Returns k, 0 if nothing fits.
 * Does not sleep.
 */
static unsigned int lfq_push_claim(struct lfq_queue *q,
				   const struct lfq_msg_desc *d,
				   unsigned int n, bool all)
{
	s64 old = atomic64_read(&q->used);
	u64 charge, slots, add, payload;
	unsigned int k;

	do {
		charge = (u64)old & LFQ_BYTES_MASK;
		slots = (u64)old >> LFQ_SLOT_SHIFT;
		add = 0;
		payload = 0;
		for (k = 0; k < n; k++) {
			u32 c = lfq_msg_charge(q, d[k].len);

			if (charge + add + c > q->max_bytes)
				break;
			if (q->capacity && slots + k + 1 > q->capacity)
				break;
			add += c;
			payload += d[k].len;
		}
		if (!k || (all && k < n)) {
			this_cpu_inc(q->stats->push_full);
			return 0;
		}
		/*
		 * Fully ordered on success; nothing is published yet, the
		 * ordering that matters is on q->avail in lfq_published().
		 */
	} while (!atomic64_try_cmpxchg(&q->used, &old,
				       old + add + ((s64)k << LFQ_SLOT_SHIFT)));

	lfq_peak(&q->peak_charge, charge + add);
	lfq_peak(&q->peak_bytes, atomic64_add_return(payload, &q->payload));
	return k;
}

/*
 * Give back room claimed for (or held by) @n messages of @charge bytes of
 * charge and @payload bytes of payload.
 */
static void lfq_unclaim(struct lfq_queue *q, unsigned int n, u64 charge,
			u64 payload)
{
	atomic64_sub(payload, &q->payload);
	atomic64_sub(charge + ((s64)n << LFQ_SLOT_SHIFT), &q->used);
	lfq_wake(&q->wwq, EPOLLOUT | EPOLLWRNORM);
}

/* Give back the room of the claimed descriptors d[0..n). */
static void lfq_unclaim_descs(struct lfq_queue *q,
			      const struct lfq_msg_desc *d, unsigned int n)
{
	u64 charge = 0, payload = 0;
	unsigned int i;

	if (!n)
		return;
	for (i = 0; i < n; i++) {
		charge += lfq_msg_charge(q, d[i].len);
		payload += d[i].len;
	}
	lfq_unclaim(q, n, charge, payload);
}

/* The charge and the payload of messages msgs[0..n). */
static void lfq_msgs_room(struct lfq_kmsg **msgs, unsigned int n,
			  u64 *charge, u64 *payload)
{
	unsigned int i;

	*charge = 0;
	*payload = 0;
	for (i = 0; i < n; i++) {
		*charge += msgs[i]->charge;
		*payload += msgs[i]->len;
	}
}

/* Give back the room of messages msgs[0..n), which stay allocated. */
static void lfq_unclaim_msgs(struct lfq_queue *q, struct lfq_kmsg **msgs,
			     unsigned int n)
{
	u64 charge, payload;

	if (!n)
		return;
	lfq_msgs_room(msgs, n, &charge, &payload);
	lfq_unclaim(q, n, charge, payload);
}

/* Make @k pushed messages visible to consumers. */
static void lfq_published(struct lfq_queue *q, unsigned int k)
{
	long n;

	/*
	 * Release: the pushes above happen before a consumer can claim these
	 * messages.  Pairs with the fully ordered cmpxchg in lfq_pop_claim().
	 */
	n = atomic_long_add_return_release(k, &q->avail);
	lfq_peak_long(&q->peak_len, n);
	this_cpu_add(q->stats->pushes, k);
	lfq_wake(&q->rwq, EPOLLIN | EPOLLRDNORM);
}

/*
 * Push msgs[0..k), room for which is claimed.  Returns the number pushed;
 * fewer than @k only if a node allocation failed (never with @all).
 */
static unsigned int lfq_push_claimed(struct lfq_queue *q,
				     struct lfq_kmsg **msgs, unsigned int k,
				     bool all)
{
	const struct lfq_kind *kind = q->kind;
	gfp_t gfp = LFQ_GFP;
	unsigned int i;

	/*
	 * push_many takes no gfp: a kind that has it does not allocate, and
	 * the room claimed in q->used is room in the structure.
	 */
	if (kind->push_many) {
		lfq_move_all(kind, q->c, msgs, k, all, true);
		return k;
	}
	/* the message's own node: nothing to allocate, cannot fail */
	if (kind->push_node) {
		for (i = 0; i < k; i++)
			kind->push_node(q->c, msgs[i],
					offsetof(struct lfq_kmsg, node));
		return k;
	}

	for (i = 0; i < k; i++) {
		if (kind->push(q->c, msgs[i], gfp))
			break;
		/*
		 * An all-or-nothing batch must not stop half way once its
		 * first message is visible: the remaining nodes (at most
		 * LFQ_MAX_BATCH small objects, already counted in the
		 * budget) are allocated without failing.  With
		 * __GFP_RETRY_MAYFAIL still set, a memory cgroup at its
		 * limit lets them through rather than killing a task.
		 */
		if (all)
			gfp |= __GFP_NOFAIL;
	}
	return i;
}

/*
 * Claim @n messages from q->avail (all or nothing with @all, else at least
 * one).  Returns the number claimed, 0 if none.  Does not sleep.
 */
static unsigned int lfq_pop_claim(struct lfq_queue *q, unsigned int n, bool all)
{
	long old = atomic_long_read(&q->avail);
	long k;

	do {
		k = min_t(long, old, n);
		if (k <= 0 || (all && k < n)) {
			this_cpu_inc(q->stats->pop_empty);
			return 0;
		}
		/*
		 * Fully ordered: pairs with the release in lfq_published()
		 * and lfq_putback(), so the claimed messages are visible in
		 * the structure or the stash.
		 */
	} while (!atomic_long_try_cmpxchg(&q->avail, &old, old - k));
	return k;
}

/**
 * struct lfq_claim - what a sleeping push or pop is waiting to claim
 * @d: push: the messages' descriptors (only the lengths are used)
 * @n: how many
 * @all: all @n or nothing
 * @push: claim room (push) or messages (pop)
 * @k: out: how many were claimed
 */
struct lfq_claim {
	const struct lfq_msg_desc *d;
	unsigned int n;
	bool all;
	bool push;
	unsigned int k;
};

static bool lfq_try_claim(struct lfq_queue *q, struct lfq_claim *c)
{
	if (c->push)
		c->k = lfq_push_claim(q, c->d, c->n, c->all);
	else
		c->k = lfq_pop_claim(q, c->n, c->all);
	return c->k;
}

/*
 * Claim, sleeping until the claim succeeds, or fail with -EAGAIN
 * (@nonblock), -ETIMEDOUT (past @deadline, an absolute CLOCK_MONOTONIC
 * time, or NULL for none) or -ERESTARTSYS (signal).  lfq_try_claim() runs
 * with the task state already set, so it must not sleep, and it is the last
 * thing evaluated before any return: a non-zero return means nothing was
 * claimed.
 */
static int lfq_wait_claim(struct lfq_queue *q, struct lfq_claim *c,
			  bool nonblock, const ktime_t *deadline)
{
	wait_queue_head_t *wq = c->push ? &q->wwq : &q->rwq;
	ktime_t rem;
	long ret;

	if (lfq_try_claim(q, c))
		return 0;
	if (nonblock)
		return -EAGAIN;
	if (!deadline)
		return wait_event_interruptible(*wq, lfq_try_claim(q, c));

	rem = ktime_sub(*deadline, ktime_get());
	if (rem <= 0)
		return -ETIMEDOUT;
	ret = wait_event_interruptible_hrtimeout(*wq, lfq_try_claim(q, c), rem);
	return ret == -ETIME ? -ETIMEDOUT : ret;
}

/* Copy a message's payload in: from @from if given, else from @d->addr. */
static int lfq_copy_msg_in(struct lfq_kmsg *m, const struct lfq_msg_desc *d,
			   struct iov_iter *from)
{
	if (from)
		return copy_from_iter_full(lfq_kmsg_data(m), d->len, from) ?
		       0 : -EFAULT;
	if (copy_from_user(lfq_kmsg_data(m), u64_to_user_ptr(d->addr),
			   d->len))
		return -EFAULT;
	return 0;
}

/*
 * Fill msgs[0..k), for which room is claimed, with the messages of d[0..k):
 * buffers from the pool or newly allocated, the payload copied from the
 * user addresses in @d, or, with @from (one message only), from that
 * iterator.  A fault or a failed allocation ends the batch before that
 * message (with @all: before the first); the buffers and the room of the
 * messages not filled go back.  Returns the number of messages ready to
 * push; 0 with *@err set if none is.
 */
static unsigned int lfq_fill(struct lfq_queue *q, const struct lfq_msg_desc *d,
			     struct lfq_kmsg **msgs, unsigned int k, bool all,
			     struct iov_iter *from, int *err)
{
	unsigned int i, got = k;

	*err = 0;
	if (q->pool)
		lfq_msgpool_get(q, msgs, k);
	for (i = 0; i < k; i++) {
		if (!q->pool) {
			msgs[i] = lfq_kmsg_alloc(d[i].len,
						 !!q->kind->push_node);
			if (!msgs[i]) {
				*err = -ENOMEM;
				got = i;
				break;
			}
		}
		msgs[i]->len = d[i].len;
		msgs[i]->charge = lfq_msg_charge(q, d[i].len);
		if (lfq_copy_msg_in(msgs[i], &d[i], from)) {
			*err = -EFAULT;
			got = i + 1;
			break;
		}
	}
	if (i == k)
		return k;
	if (all)
		i = 0;
	/* msgs[i..got) are buffers; d[i..k) is claimed room. */
	lfq_msgs_release(q, msgs + i, got - i);
	if (q->pool)
		lfq_msgpool_put(q, msgs + got, k - got);
	lfq_unclaim_descs(q, d + i, k - i);
	return i;
}

/**
 * lfq_push_msgs() - push messages, waiting for room if allowed
 * @q: the queue
 * @d: the messages: d[0..n) give the lengths and, without @from, the user
 *	addresses of the payloads
 * @msgs: room for @n message pointers, used inside the call
 * @n: how many, 1..LFQ_MAX_BATCH, each of 1..@q->max_msg bytes
 * @all: all @n or none; else at least one
 * @from: NULL, or (@n == 1) the iterator that holds the one payload
 * @nonblock: fail with -EAGAIN instead of sleeping
 * @deadline: absolute CLOCK_MONOTONIC time after which to fail with
 *	-ETIMEDOUT, or NULL for none
 *
 * Room is claimed first, then the messages are allocated (or taken from
 * the pool) and copied in, then pushed and announced to readers.
 *
 * Context: process context, may sleep.
 * Return: the number pushed, or -EAGAIN, -ETIMEDOUT, -ERESTARTSYS, -EFAULT
 * or -ENOMEM (nothing was pushed then).
 */
int lfq_push_msgs(struct lfq_queue *q, const struct lfq_msg_desc *d,
		  struct lfq_kmsg **msgs, unsigned int n, bool all,
		  struct iov_iter *from, bool nonblock, const ktime_t *deadline)
{
	struct lfq_claim c = { .d = d, .n = n, .all = all, .push = true };
	unsigned int k, done;
	int ret;

	if (q->kind->push_node)
		lfq_kmsg_rcu_throttle();
	ret = lfq_wait_claim(q, &c, nonblock, deadline);
	if (ret)
		return ret;
	k = lfq_fill(q, d, msgs, c.k, all, from, &ret);
	if (!k)
		return ret;

	done = lfq_push_claimed(q, msgs, k, all);
	if (done < k) {
		lfq_unclaim_msgs(q, msgs + done, k - done);
		lfq_msgs_release(q, msgs + done, k - done);
	}
	if (!done)
		return -ENOMEM;
	lfq_published(q, done);
	return done;
}

static unsigned int lfq_take_stash(struct lfq_queue *q, struct lfq_kmsg **msgs,
				   unsigned int n)
{
	unsigned int i = 0;

	spin_lock(&q->stash_lock);
	while (i < n && !list_empty(&q->stash)) {
		msgs[i] = list_first_entry(&q->stash, struct lfq_kmsg, link);
		list_del(&msgs[i]->link);
		i++;
	}
	WRITE_ONCE(q->nstash, q->nstash - i);
	spin_unlock(&q->stash_lock);
	return i;
}

/*
 * Take @k claimed messages, stash first.  The claim guarantees they exist;
 * in a ring one may be a moment away (a producer on another CPU between its
 * claim and its publication, with preemption off), hence the retry.
 */
static void lfq_take(struct lfq_queue *q, struct lfq_kmsg **msgs,
		     unsigned int k, bool all)
{
	const struct lfq_kind *kind = q->kind;
	unsigned int i = 0, got;

	while (i < k) {
		/*
		 * A put-back message is counted in q->nstash (under
		 * stash_lock) before lfq_putback() adds it to q->avail with
		 * release; our claim in lfq_pop_claim() was a fully ordered
		 * cmpxchg on q->avail, so a message claimed from the stash is
		 * seen here.  Pairs with the atomic_long_add_return_release()
		 * in lfq_putback().
		 */
		if (READ_ONCE(q->nstash))
			i += lfq_take_stash(q, &msgs[i], k - i);
		if (i == k)
			break;
		if (kind->pop_many) {
			got = lfq_move_many(kind, q->c, msgs + i, k - i,
					    all && !i, false);
		} else if (kind->pop_node) {
			msgs[i] = kind->pop_node(q->c,
						 offsetof(struct lfq_kmsg,
							  node));
			got = !!msgs[i];
			/*
			 * A claimed message is there, so an msq pop failed
			 * only for want of a dummy (GFP_ATOMIC): allocate
			 * it here, where we may sleep, and try again.  One
			 * 40-byte node, and the message must be delivered.
			 */
			if (!got && kind->pop_reserve)
				kind->pop_reserve(q->c, GFP_KERNEL_ACCOUNT |
						  __GFP_NOFAIL);
		} else {
			msgs[i] = kind->pop(q->c);
			got = !!msgs[i];
		}
		i += got;
		if (!got)
			cond_resched();
	}
}

/**
 * lfq_putback() - put popped messages back, first in line, in order
 * @q: the queue
 * @msgs: messages lfq_pop_msgs() took, not delivered
 * @n: how many
 *
 * Context: process context.
 * Return: nothing.
 */
void lfq_putback(struct lfq_queue *q, struct lfq_kmsg **msgs, unsigned int n)
{
	LIST_HEAD(list);
	unsigned int i;

	if (!n)
		return;
	for (i = 0; i < n; i++)
		list_add_tail(&msgs[i]->link, &list);
	spin_lock(&q->stash_lock);
	list_splice(&list, &q->stash);
	WRITE_ONCE(q->nstash, q->nstash + n);
	spin_unlock(&q->stash_lock);
	this_cpu_add(q->stats->putbacks, n);
	/* Release: pairs with the cmpxchg in lfq_pop_claim(). */
	atomic_long_add_return_release(n, &q->avail);
	lfq_wake(&q->rwq, EPOLLIN | EPOLLRDNORM);
}

/**
 * lfq_delivered() - popped messages reached their reader
 * @q: the queue
 * @msgs: messages lfq_pop_msgs() took
 * @n: how many
 *
 * Releases the messages (to the pool, or freed) and gives their room back.
 *
 * Context: process context.
 * Return: nothing.
 */
void lfq_delivered(struct lfq_queue *q, struct lfq_kmsg **msgs,
		   unsigned int n)
{
	u64 charge, payload;

	if (!n)
		return;
	lfq_msgs_room(msgs, n, &charge, &payload);
	/* Buffers first: a push that claims the room finds them (see top). */
	lfq_msgs_retire(q, msgs, n);
	this_cpu_add(q->stats->pops, n);
	lfq_unclaim(q, n, charge, payload);
}

/**
 * lfq_pop_msgs() - take messages, waiting for them if allowed
 * @q: the queue
 * @msgs: where to store them, @n pointers
 * @n: how many, 1..LFQ_MAX_BATCH
 * @all: all @n or none; else at least one
 * @nonblock: fail with -EAGAIN instead of sleeping
 * @deadline: absolute CLOCK_MONOTONIC time after which to fail with
 *	-ETIMEDOUT, or NULL for none
 *
 * The messages taken belong to the caller, who hands each to
 * lfq_delivered() or lfq_putback().
 *
 * Context: process context, may sleep.
 * Return: the number taken, or -EAGAIN, -ETIMEDOUT or -ERESTARTSYS.
 */
int lfq_pop_msgs(struct lfq_queue *q, struct lfq_kmsg **msgs,
		 unsigned int n, bool all, bool nonblock,
		 const ktime_t *deadline)
{
	struct lfq_claim c = { .n = n, .all = all, .push = false };
	int ret;

	/* what the pops may need (msq), allocated as the caller allows */
	if (q->kind->pop_reserve)
		q->kind->pop_reserve(q->c, nonblock ? GFP_NOWAIT |
				     __GFP_ACCOUNT | __GFP_NOWARN : LFQ_GFP);
	ret = lfq_wait_claim(q, &c, nonblock, deadline);
	if (ret)
		return ret;
	lfq_take(q, msgs, c.k, all);
	return c.k;
}

static int lfq_queue_init(struct lfq_queue *q, const struct lfq_kind *k,
			  u32 capacity, u32 max_msg, u64 max_bytes)
{
	int ret;

	q->kind = k;
	q->capacity = capacity;
	q->max_msg = max_msg;
	q->max_bytes = max_bytes;
	q->max_charge = lfq_kind_msg_charge(k, q->max_msg);
	/* A queue that could never hold a message of max_msg bytes. */
	if (q->max_charge > q->max_bytes)
		return -EINVAL;
	q->fixed_bytes = lfq_alloc_size(struct_size(q, c, k->size)) +
			 num_possible_cpus() * sizeof(struct lfq_pcpu_stats) +
			 lfq_kind_mem(k, q->capacity);
	atomic64_set(&q->used, 0);
	atomic_long_set(&q->avail, 0);
	atomic64_set(&q->payload, 0);
	atomic_long_set(&q->peak_len, 0);
	atomic64_set(&q->peak_bytes, 0);
	atomic64_set(&q->peak_charge, 0);
	spin_lock_init(&q->stash_lock);
	INIT_LIST_HEAD(&q->stash);
	init_waitqueue_head(&q->rwq);
	init_waitqueue_head(&q->wwq);

	q->stats = alloc_percpu_gfp(struct lfq_pcpu_stats, LFQ_GFP);
	if (!q->stats)
		return -ENOMEM;

	/*
	 * A ring needs two slots at least; the slot count in q->used
	 * enforces the capacity the user asked for.
	 */
	ret = k->init(q->c, k->flags & LFQ_KIND_BOUNDED ?
		      max(q->capacity, 2U) : 0, LFQ_GFP);
	if (ret)
		goto err_stats;
	ret = lfq_msgpool_init(q);
	if (ret)
		goto err_destroy;
	return 0;

err_destroy:
	/* through the API the engine uses the container with */
	if (k->push_node)
		k->destroy_nodes(q->c, NULL, offsetof(struct lfq_kmsg, node));
	else
		k->destroy(q->c, NULL);
err_stats:
	free_percpu(q->stats);
	return ret;
}

/**
 * lfq_queue_alloc() - make an empty queue
 * @k: its kind, offered by /dev/lfq
 * @capacity: for a bounded kind, 1..LFQ_DEV_RING_MAX and a power of two;
 *	0 for the others
 * @max_msg: largest message, 1..LFQ_MAX_MSG_LIMIT bytes
 * @max_bytes: byte budget, up to LFQ_MAX_BYTES_LIMIT
 *
 * The caller checks the ranges above.  All memory is charged to the
 * caller's memory cgroup.
 *
 * Context: process context, may sleep.
 * Return: the queue, or ERR_PTR(-EINVAL) if a message of @max_msg bytes
 * could never fit the budget, or ERR_PTR(-ENOMEM).
 */
struct lfq_queue *lfq_queue_alloc(const struct lfq_kind *k, u32 capacity,
				  u32 max_msg, u64 max_bytes)
{
	struct lfq_queue *q;
	int ret;

	q = kzalloc(struct_size(q, c, k->size), LFQ_GFP);
	if (!q)
		return ERR_PTR(-ENOMEM);
	ret = lfq_queue_init(q, k, capacity, max_msg, max_bytes);
	if (ret) {
		kfree(q);
		return ERR_PTR(ret);
	}
	return q;
}

/**
 * lfq_queue_free() - free a queue and the messages left in it
 * @q: the queue; nobody may use it any more
 *
 * Context: process context, may sleep.
 * Return: nothing.
 */
void lfq_queue_free(struct lfq_queue *q)
{
	struct lfq_kmsg *m, *tmp;

	list_for_each_entry_safe(m, tmp, &q->stash, link)
		lfq_kmsg_free(m);
	/* nobody can pop any more: what is left is freed at once */
	if (q->kind->push_node)
		q->kind->destroy_nodes(q->c, lfq_kmsg_free,
				       offsetof(struct lfq_kmsg, node));
	else
		q->kind->destroy(q->c, lfq_kmsg_free);
	/* Pooled buffers are in the structure, the stash or the pool. */
	if (q->pool) {
		q->kind->destroy(q->pool, lfq_kmsg_free);
		kfree(q->pool);
	}
	free_percpu(q->stats);
	kfree(q);
}

/**
 * lfq_queue_events() - what a poller may do now
 * @q: the queue
 *
 * The caller has registered on @q->rwq and @q->wwq (poll_wait()) first.
 *
 * Context: any context.
 * Return: EPOLLIN | EPOLLRDNORM if a message can be popped, EPOLLOUT |
 * EPOLLWRNORM if a message of max_msg bytes can be pushed.
 */
__poll_t lfq_queue_events(struct lfq_queue *q)
{
	__poll_t mask = 0;
	u64 used;

	/*
	 * Order our entry on the wait queues before reading the state.
	 * Pairs with smp_mb() in wq_has_sleeper() in lfq_wake().
	 */
	smp_mb();

	if (atomic_long_read(&q->avail) > 0)
		mask |= EPOLLIN | EPOLLRDNORM;
	used = atomic64_read(&q->used);
	if ((used & LFQ_BYTES_MASK) + q->max_charge <= q->max_bytes &&
	    (!q->capacity || (used >> LFQ_SLOT_SHIFT) < q->capacity))
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

/**
 * lfq_queue_stats() - the counters of LFQ_IOC_STATS
 * @q: the queue
 * @st: filled in, all but @st->size and @st->flags
 *
 * Context: any context.
 * Return: nothing.
 */
void lfq_queue_stats(struct lfq_queue *q, struct lfq_stats *st)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct lfq_pcpu_stats *s = per_cpu_ptr(q->stats, cpu);

		st->pushes += READ_ONCE(s->pushes);
		st->pops += READ_ONCE(s->pops);
		st->push_full += READ_ONCE(s->push_full);
		st->pop_empty += READ_ONCE(s->pop_empty);
		st->putbacks += READ_ONCE(s->putbacks);
	}
	st->length = max(atomic_long_read(&q->avail), 0L);
	st->bytes = max_t(s64, atomic64_read(&q->payload), 0);
	st->peak_length = atomic_long_read(&q->peak_len);
	st->peak_bytes = atomic64_read(&q->peak_bytes);
	st->cas_retries = lfq_cas_retries();
	st->rcu_backlog = lfq_rcu_backlog() + lfq_kmsg_rcu_backlog();
	st->mem_bytes = (u64)atomic64_read(&q->used) & LFQ_BYTES_MASK;
	st->peak_mem_bytes = atomic64_read(&q->peak_charge);
}

/**
 * lfq_queue_info() - the constants of LFQ_IOC_INFO
 * @q: the queue
 * @info: filled in, all but @info->size
 *
 * Context: any context.
 * Return: nothing.
 */
void lfq_queue_info(const struct lfq_queue *q, struct lfq_info *info)
{
	info->kind = q->kind->uapi_kind;
	info->capacity = q->capacity;
	info->max_msg = q->max_msg;
	info->max_bytes = q->max_bytes;
	info->fixed_bytes = q->fixed_bytes;
	info->max_msg_charge = q->max_charge;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_core.c - the node cache shared by msq, stack, tlq and hmap, and the
 * accounting of nodes that wait for an RCU grace period
 *
 * Node cache.  A node that msq or stack pops, or that an hmap delete
 * unlinks, may still be read by RCU readers, so it can be reused only
 * after a grace period.  Instead of one call_rcu() per node,
 * lfq_node_free_rcu() appends the node to this CPU's open batch and tags
 * the batch with the cookie of get_state_synchronize_rcu(), taken after
 * the node was unlinked.  A batch is closed when it holds LFQ_BATCH nodes
 * or when the cookie changes (a grace period has started since), and
 * joins this CPU's FIFO of closed batches.  lfq_node_alloc() takes a node
 * from this CPU's ready list; when that is empty it moves the oldest
 * closed batch there if poll_state_synchronize_rcu() says its grace period
 * is over, and only otherwise calls the slab.  So a push/pop pair costs no
 * slab call and no call_rcu() once grace periods keep up.
 *
 * Grace periods must actually start: nobody else may need one.  When a
 * batch is opened or closed, or an allocation finds the oldest batch not
 * ready, and this CPU has no kick in flight, one per-CPU rcu_head is handed to
 * call_rcu() (the "kick"; its callback only clears the flag), so that RCU
 * starts a grace period covering the batch.  start_poll_synchronize_rcu()
 * would do the same but asserts interrupts enabled, and frees come from
 * hard-IRQ context too.  At most one kick per CPU per grace period.
 *
 * Bound.  At most LFQ_CACHE_BATCHES closed batches stay on a CPU.  When a
 * close would exceed it, the oldest batch goes back to the slab if its
 * grace period is over; otherwise (grace periods lag behind this CPU's
 * frees) the batch just closed is handed to call_rcu() as a whole: one
 * callback for up to LFQ_BATCH nodes, through a descriptor node taken
 * from the slab (one call_rcu() per node if that fails), which frees the
 * batch to the slab.  A CPU therefore holds at most
 * (LFQ_CACHE_BATCHES + 2) * LFQ_BATCH = 16896 nodes (660 KiB of 40-byte
 * nodes: open batch, ready list, closed FIFO), whatever happens, also
 * while idle or offline; nodes beyond that wait in RCU's callback lists,
 * counted in lfq_rcu_pending.  Why call_rcu() and not a longer FIFO: a
 * FIFO only shrinks when its CPU allocates or frees again, a callback
 * frees its batch after the grace period even if this CPU never touches
 * lfq again.  Memory waiting for a grace period is the same either way
 * (frees per second times grace-period length); only the cached part can
 * be reused.

 * Throttle.  Grace periods can still fall behind the frees, so whenever
 * a CPU closes a batch and its frees since the last evaluation reach
 * LFQ_RCU_SAMPLE, lfq_rcu_backlog() is recomputed; above
 * LFQ_RCU_BACKLOG_HIGH nodes a read-mostly flag is raised with the cookie
 * of that moment, and pushes whose gfp allows blocking then wait in
 * cond_synchronize_rcu() on it (lfq_rcu_throttle() in lfq_internal.h):
 * one grace-period wait, after which every batch closed before the flag
 * can be reused, so the push takes a cached node instead of growing the
 * slab.  The waiters clear the flag; the next sample raises it again, with
 * a newer cookie, if the backlog is still high.  So while it is, sleepable
 * pushes wait for one grace period per LFQ_RCU_SAMPLE frees (up to one
 * batch more) on any CPU, which limits the growth per grace period, and a
 * push never does more than one wait and one load of the flag (no
 * per-push sum over CPUs).
 * No rcu_barrier() on a push path.  Callers that cannot sleep are never
 * throttled; the cost when not throttled is one load of the flag.
 *
 * Interrupts.  Allocation and free run in process, softirq and hard-IRQ
 * context (never NMI), so the per-CPU lists are changed with local
 * interrupts disabled; the slab frees and call_rcu() of a batch given
 * back happen there too (a trimmed batch: up to LFQ_BATCH slab frees).
 *
 * CPU hotplug.  An offline CPU's cache stays as it is (at most the 16896
 * nodes above) and is used again when the CPU comes back; its overflow
 * batches are in call_rcu(), which migrates callbacks of a dead CPU.
 * lfq_core_exit() frees every CPU's cache, online or not.
 */
#include <asm/barrier.h>
#include <linux/container_of.h>
#include <linux/cpumask.h>
#include <linux/export.h>
#include <linux/irqflags.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "lfq_internal.h"

/* Nodes waiting for a grace period above which sleepable pushes wait. */
#define LFQ_RCU_BACKLOG_HIGH	65536L
/* Frees on one CPU between two evaluations of the backlog, at least. */
#define LFQ_RCU_SAMPLE		1024U
/* Nodes in one batch at most. */
#define LFQ_BATCH		256U
/*
 * Closed batches a CPU keeps before it gives some back: enough for about
 * 16000 frees per grace period and CPU (the native pairs benchmark frees
 * ~10 million nodes a second per thread, the TCG guest ~1 million; a
 * grace period takes a few ms), so that pushes find reusable nodes.  The
 * FIFO is a static per-CPU array (1.5 KiB), which a module must keep well
 * under the 8 KiB of per-CPU space reserved for all modules (6.1), so the
 * batches are large instead; freeing one to the slab keeps IRQs off for
 * up to LFQ_BATCH slab frees.
 */
#define LFQ_CACHE_BATCHES	64U

/**
 * struct lfq_batch - nodes freed under one grace-period cookie
 * @first: the nodes, linked through their ->rcu.next
 * @cookie: get_state_synchronize_rcu() after the last of them was unlinked
 * @nr: how many
 */
struct lfq_batch {
	struct rcu_head *first;
	unsigned long cookie;
	unsigned int nr;
};

/**
 * struct lfq_node_pcp - one CPU's node cache, changed with IRQs disabled
 * @ready: nodes whose grace period is over, linked through ->rcu.next
 * @open: the batch being filled (newest node first)
 * @fifo: closed batches, a ring: the oldest is @fifo[@oldest]
 * @oldest: index of the oldest closed batch in @fifo
 * @nr_batches: closed batches
 * @nr_cached: nodes in @ready, @open and @fifo; read by other CPUs
 * @sample: frees in the batches closed since the backlog was last
 *	evaluated (LFQ_RCU_SAMPLE)
 * @kick_pending: the kick is in call_rcu() (cleared by its callback)
 * @kick: handed to call_rcu() so that a grace period starts
 *
 * Until its grace period is over a node may still be read by RCU readers
 * (->next, ->seq, ->val), so the cache links nodes through ->rcu.next
 * only, the one field readers never use, as call_rcu() would.
 */
struct lfq_node_pcp {
	struct rcu_head *ready;
	struct lfq_batch open;
	struct lfq_batch fifo[LFQ_CACHE_BATCHES];
	unsigned int oldest;
	unsigned int nr_batches;
	long nr_cached;
	unsigned int sample;
	bool kick_pending;
	struct rcu_head kick;
};

struct kmem_cache *lfq_node_cachep;
bool lfq_rcu_throttled;
static unsigned long lfq_rcu_throttle_cookie;

static DEFINE_PER_CPU(struct lfq_node_pcp, lfq_node_pcp);
/* Nodes in batches handed to call_rcu() (may go negative on one CPU). */
static DEFINE_PER_CPU(long, lfq_rcu_pending);
static DEFINE_PER_CPU(unsigned long, lfq_cas_retry_count);

/**
 * lfq_cas_retries() - contention seen by the lock-free structures
 *
 * Sums the per-CPU counts of failed compare-and-exchange attempts (and,
 * for msq, inconsistent snapshots that made an operation start over) of
 * every lfq structure since the module was loaded.  A diagnostic: callers
 * compare two readings taken around a run.  The unit is attempts.
 *
 * Context: any context.
 * Return: the approximate number of retries so far.
 */
unsigned long lfq_cas_retries(void)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(lfq_cas_retry_count, cpu));
	return sum;
}
EXPORT_SYMBOL_NS_GPL(lfq_cas_retries, LFQ_NS);

void lfq_count_retry(void)
{
	this_cpu_inc(lfq_cas_retry_count);
}

/**
 * lfq_rcu_backlog() - number of lfq nodes waiting for an RCU grace period
 *
 * Counts the nodes that msq and stack pops and hash map deletes (or the
 * walks that unlinked their nodes) have freed and that may not be reused
 * yet: every node in the cache of a CPU whose latest free's grace period
 * (get_state_synchronize_rcu() cookie) has not ended, plus the nodes in
 * batches handed to call_rcu() whose callbacks have not run.  An upper
 * bound: a CPU whose latest grace period is still running is counted
 * whole, including older batches that are already reusable.  Once a grace
 * period has passed since the last free and rcu_barrier() has returned,
 * the count is 0.  The unit is nodes; each node occupies one object of the
 * "lfq_node" kmem_cache (sizeof(struct lfq_node), 40 bytes on 64-bit,
 * before slab rounding).  Reusable cached nodes of a CPU whose latest
 * grace period has ended are not counted (lfq_node_cached() inside lfq
 * counts every cached node).  The sum is not a snapshot: counters change while
 * it is computed.  Wait-free: one pass over the possible CPUs.
 *
 * Context: any context.
 * Return: the approximate number of nodes waiting for a grace period.
 */
unsigned long lfq_rcu_backlog(void)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct lfq_node_pcp *pcp = per_cpu_ptr(&lfq_node_pcp, cpu);
		long cached = READ_ONCE(pcp->nr_cached);

		sum += READ_ONCE(per_cpu(lfq_rcu_pending, cpu));
		/* the latest free's cookie covers every node of this CPU */
		if (cached &&
		    !poll_state_synchronize_rcu(READ_ONCE(pcp->open.cookie)))
			sum += cached;
	}
	return sum > 0 ? sum : 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_rcu_backlog, LFQ_NS);

/*
 * lfq_node_cached - nodes in the per-CPU caches, reusable or not
 *
 * Context: any context.
 * Return: the approximate number of nodes, summed over CPUs.
 */
unsigned long lfq_node_cached(void)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(&lfq_node_pcp, cpu)->nr_cached);
	return sum > 0 ? sum : 0;
}

/* Owner, IRQs disabled: @n more (or fewer) nodes in @pcp. */
static void lfq_cached_add(struct lfq_node_pcp *pcp, long n)
{
	WRITE_ONCE(pcp->nr_cached, pcp->nr_cached + n);
}

static void lfq_kick_cb(struct rcu_head *head)
{
	struct lfq_node_pcp *pcp = container_of(head, struct lfq_node_pcp,
						kick);

	/*
	 * Release: RCU's reads of @head come before the owner may queue it
	 * again; pairs with the smp_load_acquire() in lfq_kick().
	 */
	smp_store_release(&pcp->kick_pending, false);
}

/* Make RCU start a grace period; IRQs disabled, @pcp is this CPU's. */
static void lfq_kick(struct lfq_node_pcp *pcp)
{
	/* pairs with the smp_store_release() in lfq_kick_cb() */
	if (!smp_load_acquire(&pcp->kick_pending)) {
		WRITE_ONCE(pcp->kick_pending, true);
		call_rcu(&pcp->kick, lfq_kick_cb);
	}
}

/* Free a list of nodes linked through ->rcu.next to the slab. */
static void lfq_nodes_to_slab(struct rcu_head *head)
{
	struct rcu_head *next;

	for (; head; head = next) {
		next = head->next;
		kmem_cache_free(lfq_node_cachep,
				container_of(head, struct lfq_node, rcu));
	}
}

/* A node whose grace period is over (call_rcu() callback). */
static void lfq_node_rcu_cb(struct rcu_head *head)
{
	kmem_cache_free(lfq_node_cachep,
			container_of(head, struct lfq_node, rcu));
	this_cpu_dec(lfq_rcu_pending);
}

/*
 * A batch whose grace period did not end while its CPU's FIFO was full:
 * @head is the ->rcu of a descriptor node, a fresh slab object nobody
 * else has seen, whose ->val holds the batch's list and ->seq its size.
 */
static void lfq_batch_rcu_cb(struct rcu_head *head)
{
	struct lfq_node *d = container_of(head, struct lfq_node, rcu);

	lfq_nodes_to_slab(d->val);
	this_cpu_sub(lfq_rcu_pending, d->seq);
	kmem_cache_free(lfq_node_cachep, d);
}

/*
 * Hand batch @b to call_rcu(): one callback through a descriptor node if
 * one can be allocated, else one callback per node.  IRQs disabled.
 */
static void lfq_batch_to_rcu(struct lfq_node_pcp *pcp, struct lfq_batch *b)
{
	struct lfq_node *d;
	struct rcu_head *head, *next;

	lfq_cached_add(pcp, -(long)b->nr);
	this_cpu_add(lfq_rcu_pending, b->nr);
	d = kmem_cache_alloc(lfq_node_cachep, GFP_ATOMIC | __GFP_NOWARN);
	if (d) {
		d->val = b->first;
		d->seq = b->nr;
		call_rcu(&d->rcu, lfq_batch_rcu_cb);
		return;
	}
	for (head = b->first; head; head = next) {
		next = head->next;
		call_rcu(head, lfq_node_rcu_cb);
	}
}

/*
 * Close @pcp's open batch into its FIFO.  IRQs disabled.  With the FIFO
 * full, its oldest batch goes to the slab if its grace period is over,
 * else the batch being closed goes to call_rcu().
 */
static void lfq_batch_close(struct lfq_node_pcp *pcp)
{
	struct lfq_batch *old = &pcp->fifo[pcp->oldest];

	if (pcp->nr_batches == LFQ_CACHE_BATCHES) {
		if (!poll_state_synchronize_rcu(old->cookie)) {
			lfq_batch_to_rcu(pcp, &pcp->open);
			goto out;
		}
		lfq_nodes_to_slab(old->first);
		lfq_cached_add(pcp, -(long)old->nr);
		pcp->oldest = (pcp->oldest + 1) % LFQ_CACHE_BATCHES;
		pcp->nr_batches--;
	}
	pcp->fifo[(pcp->oldest + pcp->nr_batches) % LFQ_CACHE_BATCHES] =
		pcp->open;
	pcp->nr_batches++;
	lfq_kick(pcp);
out:
	pcp->open.first = NULL;
	pcp->open.nr = 0;
}

/*
 * Start a new open batch under @cookie, closing the one open if it holds
 * nodes, and see that a grace period will come for it.  Once per batch, so
 * out of line: the per-node part of lfq_node_free_rcu() stays small.  IRQs
 * disabled.  Return: the frees counted since the backlog was last
 * evaluated reached LFQ_RCU_SAMPLE; the caller evaluates it.
 */
static noinline bool lfq_batch_open(struct lfq_node_pcp *pcp,
				    unsigned long cookie)
{
	bool due = false;

	if (pcp->open.nr) {
		pcp->sample += pcp->open.nr;
		if (pcp->sample >= LFQ_RCU_SAMPLE) {
			pcp->sample = 0;
			due = true;
		}
		lfq_batch_close(pcp);
	}
	lfq_kick(pcp);
	WRITE_ONCE(pcp->open.cookie, cookie);
	return due;
}

/* Raise the throttle flag if the backlog is above the high mark. */
static noinline void lfq_rcu_sample(void)
{
	if (!READ_ONCE(lfq_rcu_throttled) &&
	    lfq_rcu_backlog() > LFQ_RCU_BACKLOG_HIGH) {
		WRITE_ONCE(lfq_rcu_throttle_cookie, get_state_synchronize_rcu());
		WRITE_ONCE(lfq_rcu_throttled, true);
	}
}

/*
 * lfq_node_free_rcu - free an unlinked node once a grace period has passed
 * @node: a node no longer reachable from any container
 *
 * Context: any context but NMI.
 */
void lfq_node_free_rcu(struct lfq_node *node)
{
	struct lfq_node_pcp *pcp;
	unsigned long flags, cookie;
	bool due = false;

	local_irq_save(flags);
	/* full barrier inside: orders the unlink of @node before the cookie */
	cookie = get_state_synchronize_rcu();
	pcp = this_cpu_ptr(&lfq_node_pcp);
	/* a new batch: none open, the open one full, or a grace period began */
	if (unlikely(!pcp->open.nr || pcp->open.nr >= LFQ_BATCH ||
		     cookie != pcp->open.cookie))
		due = lfq_batch_open(pcp, cookie);
	node->rcu.next = pcp->open.first;
	pcp->open.first = &node->rcu;
	pcp->open.nr++;
	lfq_cached_add(pcp, 1);
	local_irq_restore(flags);
	if (unlikely(due))
		lfq_rcu_sample();
}

/*
 * lfq_node_alloc - a node for a push: a reusable cached one, else the slab
 * @gfp: allocation flags for the slab
 *
 * Context: any context but NMI; sleeps only if @gfp allows.
 * Return: the node, or NULL.
 */
struct lfq_node *lfq_node_alloc(gfp_t gfp)
{
	struct lfq_node_pcp *pcp;
	struct rcu_head *head;
	struct lfq_batch *b;
	unsigned long flags;

	local_irq_save(flags);
	pcp = this_cpu_ptr(&lfq_node_pcp);
	head = pcp->ready;
	if (!head && pcp->nr_batches) {
		b = &pcp->fifo[pcp->oldest];
		if (poll_state_synchronize_rcu(b->cookie)) {
			head = b->first;
			pcp->oldest = (pcp->oldest + 1) % LFQ_CACHE_BATCHES;
			pcp->nr_batches--;
		} else {
			lfq_kick(pcp);
		}
	}
	if (head) {
		pcp->ready = head->next;
		lfq_cached_add(pcp, -1);
	}
	local_irq_restore(flags);
	if (head)
		return container_of(head, struct lfq_node, rcu);
	return kmem_cache_alloc(lfq_node_cachep, gfp);
}

/*
 * lfq_rcu_throttle_slow - wait for a grace period while the backlog is high
 *
 * Context: process context, may sleep; not in an RCU read-side section.
 */
void lfq_rcu_throttle_slow(void)
{
	cond_synchronize_rcu(READ_ONCE(lfq_rcu_throttle_cookie));
	WRITE_ONCE(lfq_rcu_throttled, false);
}

/*
 * lfq_queue_free_nodes - free a queue's nodes, from its dummy node on
 * @dummy: the dummy node at the head of the list, or NULL
 * @release: called on each value still queued, in FIFO order, or NULL
 *
 * For the destroy functions of msq and tlq: nobody else may reach the
 * list any more, so the nodes are freed at once.
 *
 * Context: any context but NMI; sleeps only if @release does.
 */
void lfq_queue_free_nodes(struct lfq_node *dummy, void (*release)(void *val))
{
	struct lfq_node *node = dummy, *next;

	if (!node)
		return;
	for (next = node->next; next; node = next, next = node->next) {
		if (release)
			release(next->val);
		lfq_node_free(node);
	}
	lfq_node_free(node);
}

/*
 * lfq_node_cache_drain - free every CPU's cached nodes to the slab
 *
 * Waits for a grace period first, so that every cached node may be freed.
 * Nobody may allocate or free lfq nodes meanwhile (module exit; a test
 * after its workers have stopped).
 *
 * Context: process context, may sleep; not in an RCU read-side section.
 */
void lfq_node_cache_drain(void)
{
	struct lfq_node_pcp *pcp;
	int cpu;

	synchronize_rcu();
	for_each_possible_cpu(cpu) {
		pcp = per_cpu_ptr(&lfq_node_pcp, cpu);
		lfq_nodes_to_slab(pcp->ready);
		lfq_nodes_to_slab(pcp->open.first);
		for (; pcp->nr_batches; pcp->nr_batches--) {
			lfq_nodes_to_slab(pcp->fifo[pcp->oldest].first);
			pcp->oldest = (pcp->oldest + 1) % LFQ_CACHE_BATCHES;
		}
		pcp->ready = NULL;
		pcp->open.first = NULL;
		pcp->open.nr = 0;
		WRITE_ONCE(pcp->nr_cached, 0);
	}
}

/*
 * lfq_core_init - create the node cache
 *
 * Context: process context (module init).
 * Return: 0, or -ENOMEM.
 */
int lfq_core_init(void)
{
	lfq_node_cachep = KMEM_CACHE(lfq_node, 0);
	return lfq_node_cachep ? 0 : -ENOMEM;
}

/*
 * lfq_core_exit - free the cached nodes, then destroy the node cache
 *
 * Every container must have been destroyed.  rcu_barrier() waits for the
 * kicks and the batches handed to call_rcu(), so no callback runs after
 * the cache is gone; then every CPU's cache is drained.
 *
 * Context: process context (module exit or failed init), may sleep.
 */
void lfq_core_exit(void)
{
	rcu_barrier();
	lfq_node_cache_drain();
	kmem_cache_destroy(lfq_node_cachep);
	lfq_node_cachep = NULL;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_core.c - the node cache shared by msq, stack and tlq, and the
 * accounting of nodes that wait for an RCU grace period
 *
 * Backlog accounting.  lfq_node_free_rcu() increments a per-CPU counter
 * before it hands a node to call_rcu(); the callback decrements the counter
 * of the CPU it runs on after freeing the node.  A single counter may go
 * negative (the callback can run elsewhere); only the sum over all CPUs,
 * lfq_rcu_backlog(), is meaningful.  The hot path touches only this CPU's
 * counters, never a shared cache line.
 *
 * Throttle.  Without one, a push/pop storm can queue frees faster than
 * RCU invokes callbacks: measured in userspace (4 threads, liburcu), the
 * backlog grew with the length of the run, past 2 million nodes.  So every
 * 1024 frees on a CPU the sum is recomputed; above LFQ_RCU_BACKLOG_HIGH
 * nodes a read-mostly flag is raised, and pushes whose gfp allows blocking
 * then call rcu_barrier() before they allocate (lfq_rcu_throttle() in
 * lfq_internal.h), which waits until the callbacks queued so far have run,
 * until the backlog is back under LFQ_RCU_BACKLOG_LOW.  rcu_barrier()
 * rather than synchronize_rcu(): a grace period alone does not make the
 * callbacks run, and where they run late (callback offloading; liburcu's
 * worker thread) the backlog kept growing.  Callers that cannot sleep are
 * never throttled; the cost when not throttled is one load of the flag.
 */
#include <linux/container_of.h>
#include <linux/cpumask.h>
#include <linux/export.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "lfq_internal.h"

/* Nodes waiting for a grace period above which sleepable pushes wait. */
#define LFQ_RCU_BACKLOG_HIGH	65536L
#define LFQ_RCU_BACKLOG_LOW	(LFQ_RCU_BACKLOG_HIGH / 2)
/* Frees on one CPU between two evaluations of the backlog (power of 2). */
#define LFQ_RCU_SAMPLE		1024U

struct kmem_cache *lfq_node_cachep;
bool lfq_rcu_throttled;

static DEFINE_PER_CPU(long, lfq_rcu_pending);
static DEFINE_PER_CPU(unsigned int, lfq_rcu_sample);
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
 * Sums the per-CPU counts of nodes that msq and stack pops and hash map
 * deletes (or the walks that unlinked their nodes) have handed to
 * call_rcu() and whose callbacks have not yet run.  The unit is nodes; each
 * node occupies one object of the "lfq_node" kmem_cache (sizeof(struct
 * lfq_node), 40 bytes on 64-bit, before slab rounding).  The sum is not a
 * snapshot: counters change while it is computed.
 *
 * Context: any context.
 * Return: the approximate number of nodes waiting to be freed.
 */
unsigned long lfq_rcu_backlog(void)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu(lfq_rcu_pending, cpu));
	return sum > 0 ? sum : 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_rcu_backlog, LFQ_NS);

static void lfq_node_rcu_cb(struct rcu_head *head)
{
	struct lfq_node *node = container_of(head, struct lfq_node, rcu);

	kmem_cache_free(lfq_node_cachep, node);
	this_cpu_dec(lfq_rcu_pending);
}

/*
 * lfq_node_free_rcu - free an unlinked node after a grace period
 * @node: a node no longer reachable from any container
 *
 * Context: any context but NMI.
 */
void lfq_node_free_rcu(struct lfq_node *node)
{
	this_cpu_inc(lfq_rcu_pending);
	if (unlikely(!(this_cpu_inc_return(lfq_rcu_sample) &
		       (LFQ_RCU_SAMPLE - 1))) &&
	    lfq_rcu_backlog() > LFQ_RCU_BACKLOG_HIGH &&
	    !READ_ONCE(lfq_rcu_throttled))
		WRITE_ONCE(lfq_rcu_throttled, true);
	call_rcu(&node->rcu, lfq_node_rcu_cb);
}

/*
 * lfq_rcu_throttle_slow - wait for queued frees while the backlog is high
 *
 * Context: process context, may sleep; not in an RCU read-side section.
 */
void lfq_rcu_throttle_slow(void)
{
	rcu_barrier();
	if (lfq_rcu_backlog() < LFQ_RCU_BACKLOG_LOW)
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
 * lfq_core_exit - wait for pending RCU frees, then destroy the node cache
 *
 * Every container must have been destroyed.  rcu_barrier() waits for the
 * callbacks already queued by lfq_node_free_rcu(), so none runs after the
 * cache is gone.
 *
 * Context: process context (module exit or failed init), may sleep.
 */
void lfq_core_exit(void)
{
	rcu_barrier();
	kmem_cache_destroy(lfq_node_cachep);
	lfq_node_cachep = NULL;
}

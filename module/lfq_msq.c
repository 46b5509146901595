// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_msq.c - Michael & Scott lock-free FIFO queue (PODC 1996), optimised
 * form, with RCU for memory reclamation
 *
 * The list always holds a dummy node at @head; values live in the nodes
 * after it.  @tail is the last node or, for a moment after a producer links
 * a node, the one before it; anybody who sees it lag swings it forward
 * (helping).  A consumer never moves @head past @tail: it first helps @tail
 * forward, so the node it unlinks can no longer be reached from @tail.
 *
 * Unlinked dummies go to call_rcu(); every dereference of a node happens
 * inside rcu_read_lock(), so a node pointer read there stays valid until
 * rcu_read_unlock() and a compare-and-exchange against it cannot succeed
 * against a recycled node (no ABA).
 *
 * Each node carries the sequence number of its enqueue (predecessor's + 1,
 * the first dummy has 0), so the length is tail->seq - head->seq without a
 * shared counter.
 */
#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/rcupdate.h>

#include "lfq_internal.h"

/**
 * lfq_msq_init() - initialise an empty queue
 * @q: the queue
 * @gfp: allocation flags for the dummy node
 *
 * Context: any context that @gfp allows.
 * Return: 0, or -ENOMEM if the dummy node cannot be allocated (then
 * lfq_msq_destroy() on @q does nothing).
 */
int lfq_msq_init(struct lfq_msq *q, gfp_t gfp)
{
	struct lfq_node *dummy = lfq_dummy_alloc(gfp);

	if (!dummy) {
		q->head = NULL;	/* lfq_msq_destroy() after a failure: no-op */
		return -ENOMEM;
	}
	q->head = dummy;
	q->tail = dummy;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_init, LFQ_NS);

/**
 * lfq_msq_destroy() - release the values still queued and free the nodes
 * @q: the queue; nobody else may use it any more
 * @release: called on each remaining value in FIFO order, or NULL
 *
 * Nodes popped earlier may still wait for a grace period; they belong to
 * the module, which waits for them with rcu_barrier() when it unloads.
 *
 * Context: any context but NMI; sleeps only if @release does.
 * Return: nothing.
 */
void lfq_msq_destroy(struct lfq_msq *q, void (*release)(void *val))
{
	lfq_queue_free_nodes(q->head, release);
	q->head = NULL;
	q->tail = NULL;
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_destroy, LFQ_NS);

/**
 * lfq_msq_push() - append a value
 * @q: the queue
 * @val: the value, not NULL
 * @gfp: allocation flags for the node
 *
 * Lock-free: the loop retries only when another push succeeded (or moved
 * the tail); each retry is counted in lfq_cas_retries().  If the number of
 * nodes waiting for an RCU grace period is above 65536 (see
 * lfq_rcu_backlog()) and @gfp allows blocking, the call first waits in
 * rcu_barrier() for the queued frees to complete.
 *
 * Context: any context that @gfp allows (process, softirq, hardirq with
 * GFP_ATOMIC or GFP_NOWAIT); not NMI.
 * Return: 0, -EINVAL if @val is NULL, -ENOMEM if no node can be allocated.
 */
int lfq_msq_push(struct lfq_msq *q, void *val, gfp_t gfp)
{
	struct lfq_node *node, *tail, *next;

	if (unlikely(!val))
		return -EINVAL;
	lfq_rcu_throttle(gfp);
	node = lfq_node_alloc(gfp);
	if (unlikely(!node))
		return -ENOMEM;
	node->next = NULL;
	node->val = val;

	rcu_read_lock();
	for (;;) {
		/* pairs with the try_cmpxchg_release()s of q->tail below */
		tail = smp_load_acquire(&q->tail);
		/* pairs with the try_cmpxchg_release() of tail->next below */
		next = smp_load_acquire(&tail->next);
		/*
		 * No re-read of q->tail (the paper's consistency check, for
		 * nodes that may be freed and reused): RCU keeps tail valid,
		 * and a tail that is no longer the last node has a non-NULL
		 * next forever, so the exchange below cannot succeed on it.
		 */
		if (next) {
			/*
			 * Help a lagging tail; failure means someone did.
			 * Release: pairs with the acquire loads of q->tail
			 * above, in lfq_msq_pop() and in lfq_msq_len().
			 */
			try_cmpxchg_release(&q->tail, &tail, next);
			lfq_count_retry();
			continue;
		}
		node->seq = tail->seq + 1;
		/*
		 * Publish the node: pairs with the smp_load_acquire() of
		 * tail->next above and in lfq_msq_pop(), which then see the
		 * fields written above.
		 */
		if (try_cmpxchg_release(&tail->next, &next, node))
			break;
		lfq_count_retry();
	}
	/*
	 * Swing the tail; if this fails another CPU already did.  Release:
	 * pairs with the acquire loads of q->tail above and in
	 * lfq_msq_len(), passing on what we acquired from tail->next.
	 */
	try_cmpxchg_release(&q->tail, &tail, node);
	rcu_read_unlock();
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_push, LFQ_NS);

/**
 * lfq_msq_pop() - remove the oldest value
 * @q: the queue
 *
 * Lock-free: the loop retries only when another pop succeeded (or a tail
 * was moved); each retry is counted in lfq_cas_retries().  The unlinked
 * node is freed after an RCU grace period.
 *
 * Context: any context but NMI (it calls call_rcu()).
 * Return: the oldest value, or NULL if the queue was empty.
 */
void *lfq_msq_pop(struct lfq_msq *q)
{
	struct lfq_node *head, *tail, *next;
	void *val;

	rcu_read_lock();
	for (;;) {
		/* pairs with the try_cmpxchg_release() of q->head below */
		head = smp_load_acquire(&q->head);
		/*
		 * Acquire: next must be read after tail (see below), which a
		 * plain load would not ensure on weakly ordered CPUs.  Pairs
		 * with the try_cmpxchg_release()s of q->tail in lfq_msq_push()
		 * and below.
		 */
		tail = smp_load_acquire(&q->tail);
		/* pairs with the try_cmpxchg_release() of tail->next in push */
		next = smp_load_acquire(&head->next);
		/*
		 * No re-read of q->head (the paper's consistency check): RCU
		 * keeps head valid, the exchange below fails if head moved,
		 * and next is read after tail, so the cases below hold for
		 * a stale head too: next == NULL means head was still the last
		 * node, hence still q->head, when next was read (empty then);
		 * head != tail means head had a successor before tail was read.
		 */
		if (head == tail) {
			if (!next) {
				rcu_read_unlock();
				return NULL;
			}
			/*
			 * Tail lags behind: move it before head may pass it.
			 * Release: pairs with smp_load_acquire(&q->tail) in
			 * push.
			 */
			try_cmpxchg_release(&q->tail, &tail, next);
			lfq_count_retry();
			continue;
		}
		/*
		 * head != tail was read after head, so tail is beyond head and
		 * next is not NULL.  Release: pairs with the acquire load of
		 * q->head above and in lfq_msq_len().
		 */
		if (try_cmpxchg_release(&q->head, &head, next))
			break;
		lfq_count_retry();
	}
	/* next is the new dummy; RCU keeps it, and val never changes */
	val = next->val;
	rcu_read_unlock();
	lfq_node_free_rcu(head);
	return val;
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_pop, LFQ_NS);

/**
 * lfq_msq_empty() - whether the queue holds no value
 * @q: the queue
 *
 * Wait-free.  With concurrent pushes and pops the answer may be stale by
 * the time the caller looks at it.
 *
 * Context: any context.
 * Return: true if the queue was empty when looked at.
 */
bool lfq_msq_empty(const struct lfq_msq *q)
{
	struct lfq_node *head;
	bool empty;

	rcu_read_lock();
	/* pairs with the try_cmpxchg_release() of q->head in pop */
	head = smp_load_acquire(&q->head);
	/* only tested against NULL: nothing it points to is read */
	empty = !READ_ONCE(head->next);
	rcu_read_unlock();
	return empty;
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_empty, LFQ_NS);

/**
 * lfq_msq_len() - approximate number of values in the queue
 * @q: the queue
 *
 * Wait-free, no shared counter: the difference between the enqueue
 * sequence numbers of the tail node and of the dummy.  Approximate under
 * concurrency: pushes and pops may complete between the two reads, and the
 * tail may lag one node behind a completed push.  Exact when quiescent.
 *
 * Context: any context.
 * Return: the number of values, approximately.
 */
unsigned long lfq_msq_len(const struct lfq_msq *q)
{
	struct lfq_node *head, *tail;
	unsigned long len;

	rcu_read_lock();
	/* pairs with the try_cmpxchg_release() of q->head in pop */
	head = smp_load_acquire(&q->head);
	/*
	 * Read after head, so tail is not behind head.  Pairs with the
	 * try_cmpxchg_release()s of q->tail in push and pop.
	 */
	tail = smp_load_acquire(&q->tail);
	len = tail->seq - head->seq;
	rcu_read_unlock();
	return (long)len < 0 ? 0 : len;
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_len, LFQ_NS);

// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_tlq.c - Michael & Scott two-lock FIFO queue, the blocking baseline
 *
 * One lock serialises producers on @tail, another consumers on @head, so a
 * producer and a consumer proceed in parallel; the list keeps a dummy node
 * at @head so that they never touch the same pointer field except
 * tail->next, which the single producer in its critical section writes
 * once (from NULL) and a consumer reads when the queue holds one value.
 *
 * A popped dummy is freed at once, after the head lock is dropped: nothing
 * else can reach it once @head has moved past it (producers only touch the
 * node @tail points to, and @tail is never behind @head), so no RCU is
 * needed.  The locks are taken with interrupts disabled, so the queue may
 * be used from hard interrupt context too.
 */
#include <asm/barrier.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/spinlock.h>

#include "lfq_internal.h"

/**
 * lfq_tlq_init() - initialise an empty queue
 * @q: the queue
 * @gfp: allocation flags for the dummy node
 *
 * Context: any context that @gfp allows.
 * Return: 0, or -ENOMEM if the dummy node cannot be allocated (then
 * lfq_tlq_destroy() on @q does nothing).
 */
int lfq_tlq_init(struct lfq_tlq *q, gfp_t gfp)
{
	struct lfq_node *dummy = lfq_dummy_alloc(gfp);

	if (!dummy) {
		q->head = NULL;	/* lfq_tlq_destroy() after a failure: no-op */
		return -ENOMEM;
	}
	spin_lock_init(&q->head_lock);
	spin_lock_init(&q->tail_lock);
	q->head = dummy;
	q->tail = dummy;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_tlq_init, LFQ_NS);

/**
 * lfq_tlq_destroy() - release the values still queued and free the nodes
 * @q: the queue; nobody else may use it any more
 * @release: called on each remaining value in FIFO order, or NULL
 *
 * Context: any context but NMI; sleeps only if @release does.
 * Return: nothing.
 */
void lfq_tlq_destroy(struct lfq_tlq *q, void (*release)(void *val))
{
	lfq_queue_free_nodes(q->head, release);
	q->head = NULL;
	q->tail = NULL;
}
EXPORT_SYMBOL_NS_GPL(lfq_tlq_destroy, LFQ_NS);

/**
 * lfq_tlq_push() - append a value
 * @q: the queue
 * @val: the value, not NULL
 * @gfp: allocation flags for the node
 *
 * Blocking: spins on the tail lock (with interrupts disabled) while
 * another producer holds it.
 *
 * Context: any context that @gfp allows (process, softirq, hardirq with
 * GFP_ATOMIC or GFP_NOWAIT); not NMI.
 * Return: 0, -EINVAL if @val is NULL, -ENOMEM if no node can be allocated.
 */
int lfq_tlq_push(struct lfq_tlq *q, void *val, gfp_t gfp)
{
	struct lfq_node *node;
	unsigned long flags;

	if (unlikely(!val))
		return -EINVAL;
	node = lfq_node_alloc(gfp);
	if (unlikely(!node))
		return -ENOMEM;
	node->next = NULL;
	node->val = val;

	spin_lock_irqsave(&q->tail_lock, flags);
	node->seq = q->tail->seq + 1;
	/* pairs with smp_load_acquire() of head->next in lfq_tlq_pop() */
	smp_store_release(&q->tail->next, node);
	q->tail = node;
	spin_unlock_irqrestore(&q->tail_lock, flags);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_tlq_push, LFQ_NS);

/**
 * lfq_tlq_pop() - remove the oldest value
 * @q: the queue
 *
 * Blocking: spins on the head lock (with interrupts disabled) while
 * another consumer holds it.
 *
 * Context: any context but NMI.
 * Return: the oldest value, or NULL if the queue was empty.
 */
void *lfq_tlq_pop(struct lfq_tlq *q)
{
	struct lfq_node *head, *next;
	unsigned long flags;
	void *val;

	spin_lock_irqsave(&q->head_lock, flags);
	head = q->head;
	/* pairs with smp_store_release() of tail->next in lfq_tlq_push() */
	next = smp_load_acquire(&head->next);
	if (!next) {
		spin_unlock_irqrestore(&q->head_lock, flags);
		return NULL;
	}
	val = next->val;
	q->head = next;
	spin_unlock_irqrestore(&q->head_lock, flags);
	lfq_node_free(head);
	return val;
}
EXPORT_SYMBOL_NS_GPL(lfq_tlq_pop, LFQ_NS);

/**
 * lfq_tlq_empty() - whether the queue holds no value
 * @q: the queue
 *
 * Takes the head lock.
 *
 * Context: any context but NMI.
 * Return: true if the queue was empty when looked at.
 */
bool lfq_tlq_empty(struct lfq_tlq *q)
{
	unsigned long flags;
	bool empty;

	spin_lock_irqsave(&q->head_lock, flags);
	/*
	 * Only tested against NULL; READ_ONCE() because lfq_tlq_push() sets
	 * it under the other lock (its smp_store_release() orders the node's
	 * contents for lfq_tlq_pop(), not for this test).
	 */
	empty = !READ_ONCE(q->head->next);
	spin_unlock_irqrestore(&q->head_lock, flags);
	return empty;
}
EXPORT_SYMBOL_NS_GPL(lfq_tlq_empty, LFQ_NS);

/**
 * lfq_tlq_len() - approximate number of values in the queue
 * @q: the queue
 *
 * Takes the head lock, then (not nested) the tail lock, and subtracts the
 * enqueue sequence numbers of the dummy and of the tail node.  Exact when
 * quiescent; approximate under concurrency.
 *
 * Context: any context but NMI.
 * Return: the number of values, approximately.
 */
unsigned long lfq_tlq_len(struct lfq_tlq *q)
{
	unsigned long flags, head_seq, tail_seq;

	spin_lock_irqsave(&q->head_lock, flags);
	head_seq = q->head->seq;
	spin_unlock_irqrestore(&q->head_lock, flags);
	spin_lock_irqsave(&q->tail_lock, flags);
	tail_seq = q->tail->seq;
	spin_unlock_irqrestore(&q->tail_lock, flags);
	return (long)(tail_seq - head_seq) < 0 ? 0 : tail_seq - head_seq;
}
EXPORT_SYMBOL_NS_GPL(lfq_tlq_len, LFQ_NS);

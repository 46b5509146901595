// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_stack.c - Treiber lock-free LIFO stack with RCU reclamation
 *
 * @top points to the most recent node; each node's @next points towards
 * the bottom and never changes once the node is published.
 *
 * Pop reads top and top->next inside rcu_read_lock() and swings top with a
 * compare-and-exchange.  The classic ABA failure (top popped, freed,
 * reallocated and pushed again between the read and the compare-and-
 * exchange) cannot happen: the node is handed to call_rcu(), so it cannot
 * be reused before our read-side section ends.  Push never dereferences
 * a node it did not allocate (it only stores the old top pointer in its
 * own node), so it needs no read-side section, and it does not touch the
 * cache line of the node below.  Consequently no node records its depth:
 * lfq_stack_len() counts the nodes.
 */
#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/rcupdate.h>

#include "lfq_internal.h"

/**
 * lfq_stack_init() - initialise an empty stack
 * @s: the stack
 *
 * Context: any context.
 * Return: nothing.
 */
void lfq_stack_init(struct lfq_stack *s)
{
	s->top = NULL;
}
EXPORT_SYMBOL_NS_GPL(lfq_stack_init, LFQ_NS);

/**
 * lfq_stack_destroy() - release the values still stacked and free the nodes
 * @s: the stack; nobody else may use it any more
 * @release: called on each remaining value, top first, or NULL
 *
 * Context: any context but NMI; sleeps only if @release does.
 * Return: nothing.
 */
void lfq_stack_destroy(struct lfq_stack *s, void (*release)(void *val))
{
	struct lfq_node *node = s->top, *next;

	for (; node; node = next) {
		next = node->next;
		if (release)
			release(node->val);
		lfq_node_free(node);
	}
	s->top = NULL;
}
EXPORT_SYMBOL_NS_GPL(lfq_stack_destroy, LFQ_NS);

/**
 * lfq_stack_push() - push a value on top
 * @s: the stack
 * @val: the value, not NULL
 * @gfp: allocation flags for the node
 *
 * Lock-free: the loop retries only when another push or pop succeeded;
 * each retry is counted in lfq_cas_retries().  If the number of nodes
 * waiting for an RCU grace period is above 65536 (see lfq_rcu_backlog())
 * and @gfp allows blocking, the call first waits in rcu_barrier() for the
 * queued frees to complete.
 *
 * Context: any context that @gfp allows (process, softirq, hardirq with
 * GFP_ATOMIC or GFP_NOWAIT); not NMI.
 * Return: 0, -EINVAL if @val is NULL, -ENOMEM if no node can be allocated.
 */
int lfq_stack_push(struct lfq_stack *s, void *val, gfp_t gfp)
{
	struct lfq_node *node, *top;

	if (unlikely(!val))
		return -EINVAL;
	lfq_rcu_throttle(gfp);
	node = lfq_node_alloc(gfp);
	if (unlikely(!node))
		return -ENOMEM;
	node->val = val;

	/*
	 * Relaxed: push only stores the old top into its own node, never
	 * dereferences it, so it needs no ordering with that node's writer.
	 * A reader that acquires our node still sees the nodes below it:
	 * their pushers' release exchanges on s->top head the release
	 * sequence that our exchange, a read-modify-write of s->top, extends.
	 */
	top = READ_ONCE(s->top);
	for (;;) {
		node->next = top;
		/*
		 * Publish the node and its fields: pairs with the
		 * smp_load_acquire()s of s->top in pop and lfq_stack_len().  On failure top holds
		 * the current value, which is all the next attempt needs.
		 */
		if (try_cmpxchg_release(&s->top, &top, node))
			break;
		lfq_count_retry();
	}
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_stack_push, LFQ_NS);

/**
 * lfq_stack_pop() - remove the most recently pushed value
 * @s: the stack
 *
 * Lock-free: the loop retries only when another push or pop succeeded;
 * each retry is counted in lfq_cas_retries().  The node is freed after an
 * RCU grace period.
 *
 * Context: any context but NMI (it calls call_rcu()).
 * Return: the value, or NULL if the stack was empty.
 */
void *lfq_stack_pop(struct lfq_stack *s)
{
	struct lfq_node *top;
	void *val;

	rcu_read_lock();
	for (;;) {
		/* pairs with the try_cmpxchg_release() of s->top in push */
		top = smp_load_acquire(&s->top);
		if (!top) {
			rcu_read_unlock();
			return NULL;
		}
		/*
		 * top->next never changes once published, and RCU keeps top
		 * from being reused, so success means top was still the top.
		 * Release: passes on what we acquired to the next popper's
		 * acquire load of s->top (the new top's fields).
		 */
		if (try_cmpxchg_release(&s->top, &top, top->next))
			break;
		lfq_count_retry();
	}
	val = top->val;
	rcu_read_unlock();
	lfq_node_free_rcu(top);
	return val;
}
EXPORT_SYMBOL_NS_GPL(lfq_stack_pop, LFQ_NS);

/**
 * lfq_stack_len() - number of values on the stack
 * @s: the stack
 *
 * Counts the nodes from the top down, inside rcu_read_lock(): O(length),
 * meant for diagnostics and tests, not for a fast path.  The count is
 * exact for the stack as it was at the moment top was read (the nodes
 * below a published node never change, and RCU keeps popped ones
 * readable), so it never counts a value twice or a value pushed later;
 * it may be stale by the time the caller looks.  Push keeps no counter
 * and no per-node depth, so that it touches only @s->top and its own node.
 *
 * Context: any context; holds off RCU grace periods for the length of
 * the walk, so avoid it on very long stacks.
 * Return: the number of values.
 */
unsigned long lfq_stack_len(const struct lfq_stack *s)
{
	struct lfq_node *node;
	unsigned long len = 0;

	rcu_read_lock();
	/*
	 * pairs with the try_cmpxchg_release() of s->top in push (and in
	 * pop, which passes the same on): the node's @next is visible
	 */
	for (node = smp_load_acquire(&s->top); node; node = node->next)
		len++;
	rcu_read_unlock();
	return len;
}
EXPORT_SYMBOL_NS_GPL(lfq_stack_len, LFQ_NS);

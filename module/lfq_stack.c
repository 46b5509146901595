// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_stack.c - Treiber lock-free LIFO stack with RCU reclamation
 *
 * @top points to the most recent node; each node's @next points towards
 * the bottom and never changes once the node is published.
 *
 * Pop reads top and top->next inside rcu_read_lock() and swings top with a
 * compare-and-exchange.  The classic ABA failure (top popped, freed or
 * reused, and pushed again between the read and the compare-and-exchange)
 * cannot happen: a popped node is not pushed again, overwritten or freed
 * before a grace period (the "void *" API hands it to the node cache,
 * which reuses it only after one, lfq_core.c; an intrusive caller must
 * wait as lfq.h says), so not before our read-side
 * section ends.  Push never dereferences a node it was not given (it only
 * stores the old top pointer in its own node), so it needs no read-side
 * section, and it does not touch the cache line of the node below.
 * Consequently no node records its depth: lfq_stack_len() counts the nodes.
 *
 * The intrusive functions (lfq_stack_push_node(), lfq_stack_pop_node())
 * are the algorithm; the "void *" ones wrap a struct lfq_node around the
 * value.
 */
#include <linux/atomic.h>
#include <linux/container_of.h>
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
 * lfq_stack_destroy_nodes() - take apart a stack used through the intrusive API
 * @s: the stack; nobody else may use it any more
 * @release: called on each node still stacked, top first, or NULL
 * @arg: passed to @release
 *
 * Nodes popped earlier are the caller's (see "Intrusive API" in lfq.h).
 *
 * Context: any context but NMI; sleeps only if @release does.
 * Return: nothing.
 */
void lfq_stack_destroy_nodes(struct lfq_stack *s,
			     void (*release)(struct lfq_stack_node *node,
					     void *arg),
			     void *arg)
{
	struct lfq_stack_node *node = s->top, *next;

	for (; node; node = next) {
		next = node->next;
		if (release)
			release(node, arg);
	}
	s->top = NULL;
}
EXPORT_SYMBOL_NS_GPL(lfq_stack_destroy_nodes, LFQ_NS);

static void lfq_stack_release_val(struct lfq_stack_node *snode, void *arg)
{
	struct lfq_node *node = container_of(snode, struct lfq_node, snode);
	void (*release)(void *val) = arg;

	if (release)
		release(node->val);
	lfq_node_free(node);
}

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
	lfq_stack_destroy_nodes(s, lfq_stack_release_val, release);
}
EXPORT_SYMBOL_NS_GPL(lfq_stack_destroy, LFQ_NS);

/**
 * lfq_stack_push_node() - push the caller's node on top (intrusive API)
 * @s: the stack
 * @node: a node embedded in the caller's object, not on any container, and
 *	if it was popped before, a grace period past that pop
 *
 * Treiber's stack (R. K. Treiber, "Systems Programming: Coping with
 * Parallelism", IBM Research Report RJ 5118, 1986).  Lock-free: one
 * compare-and-exchange loop that retries only when another push or pop
 * succeeded; each retry is counted in lfq_cas_retries().  Allocates
 * nothing, takes no lock and reads no memory but @s->top, so it cannot
 * fail and never waits for another CPU.
 *
 * NMI-safe where the architecture's cmpxchg is
 * (CONFIG_ARCH_HAVE_NMI_SAFE_CMPXCHG): it allocates nothing, dereferences
 * no node another CPU may own (it writes its own @node only), uses no RCU
 * and no lock, so an NMI that interrupts any lfq operation on this CPU
 * cannot deadlock against it or see a half-made state; the interrupted
 * push or pop only fails its next compare-and-exchange and retries.  The
 * retry counter is a this_cpu_inc(), which an NMI may make miss one count
 * on architectures without a single-instruction per-CPU increment.
 *
 * Context: any context, NMI included where cmpxchg is NMI-safe.
 * Return: nothing; it cannot fail.
 */
void lfq_stack_push_node(struct lfq_stack *s, struct lfq_stack_node *node)
{
	struct lfq_stack_node *top;

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
		 * Publish the node and its fields (and what the caller wrote
		 * to its object before): pairs with the smp_load_acquire()s
		 * of s->top in lfq_stack_pop_node() and lfq_stack_len().  On
		 * failure top holds the current value, which is all the next
		 * attempt needs.
		 */
		if (try_cmpxchg_release(&s->top, &top, node))
			break;
		lfq_count_retry();
	}
}
EXPORT_SYMBOL_NS_GPL(lfq_stack_push_node, LFQ_NS);

/**
 * lfq_stack_push() - push a value on top
 * @s: the stack
 * @val: the value, not NULL
 * @gfp: allocation flags for the node
 *
 * Allocates a node for @val and pushes it with lfq_stack_push_node().
 * Lock-free: the loop retries only when another push or pop succeeded;
 * each retry is counted in lfq_cas_retries().  If the number of nodes
 * waiting for an RCU grace period is above 65536 (see lfq_rcu_backlog())
 * and @gfp allows blocking, the call first waits for one RCU grace period
 * (cond_synchronize_rcu(), see lfq_core.c).
 *
 * Context: any context that @gfp allows (process, softirq, hardirq with
 * GFP_ATOMIC or GFP_NOWAIT); not NMI.
 * Return: 0, -EINVAL if @val is NULL, -ENOMEM if no node can be allocated.
 */
int lfq_stack_push(struct lfq_stack *s, void *val, gfp_t gfp)
{
	struct lfq_node *node;

	if (unlikely(!val))
		return -EINVAL;
	lfq_rcu_throttle(gfp);
	node = lfq_node_alloc(gfp);
	if (unlikely(!node))
		return -ENOMEM;
	node->val = val;
	lfq_stack_push_node(s, &node->snode);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_stack_push, LFQ_NS);

/*
 * Treiber's pop, for lfq_stack_pop_node() and lfq_stack_pop() (inline in
 * both: the "void *" pop saves a call per value).
 */
static __always_inline struct lfq_stack_node *
lfq_stack_take(struct lfq_stack *s)
{
	struct lfq_stack_node *top;

	rcu_read_lock();
	for (;;) {
		/* pairs with the try_cmpxchg_release() of s->top in push */
		top = smp_load_acquire(&s->top);
		if (!top)
			break;
		/*
		 * top->next never changes once published, and top is not
		 * reused before our read-side section ends, so success means
		 * top was still the top.  Release: passes on what we acquired
		 * to the next popper's acquire load of s->top (the new top's
		 * fields).
		 */
		if (try_cmpxchg_release(&s->top, &top, top->next))
			break;
		lfq_count_retry();
	}
	rcu_read_unlock();
	return top;
}

/**
 * lfq_stack_pop_node() - remove the most recently pushed node (intrusive API)
 * @s: the stack
 *
 * Treiber's stack (IBM RJ 5118, 1986), with RCU instead of tags against
 * ABA.  Lock-free: the loop retries only when another push or pop
 * succeeded; each retry is counted in lfq_cas_retries().  Allocates
 * nothing and frees nothing.  The node returned may be neither pushed
 * again nor overwritten nor freed before an RCU grace period has elapsed
 * (a concurrent pop may still read its @next); the rest of its object is
 * the caller's at once.  Use kfree_rcu() or call_rcu() on the object (see
 * "Intrusive API" in lfq.h).
 *
 * Where cmpxchg is NMI-safe, this may run in NMI too: its read-side
 * section is rcu_read_lock(), which NMI handlers may take, and it neither
 * allocates nor locks; what the caller then does to wait for the grace
 * period (call_rcu() is not NMI-safe) must happen outside the NMI.
 *
 * Context: any context, NMI included where cmpxchg is NMI-safe.
 * Return: the node, or NULL if the stack was empty.
 */
struct lfq_stack_node *lfq_stack_pop_node(struct lfq_stack *s)
{
	return lfq_stack_take(s);
}
EXPORT_SYMBOL_NS_GPL(lfq_stack_pop_node, LFQ_NS);

/**
 * lfq_stack_pop() - remove the most recently pushed value
 * @s: the stack
 *
 * Treiber's pop, as lfq_stack_pop_node(), then the value's node goes to
 * the node cache, which reuses it only after an RCU grace period.
 * Lock-free: the loop retries only when another push or pop succeeded;
 * each retry is counted in lfq_cas_retries().
 *
 * Context: process, softirq or hardirq context; not NMI: the node cache's
 * per-CPU lists are protected only by disabling local interrupts, which
 * does not keep an NMI out, and it may call call_rcu(), which is not
 * NMI-safe.
 * Return: the value, or NULL if the stack was empty.
 */
void *lfq_stack_pop(struct lfq_stack *s)
{
	struct lfq_stack_node *snode = lfq_stack_take(s);
	struct lfq_node *node;
	void *val;

	if (!snode)
		return NULL;
	node = container_of(snode, struct lfq_node, snode);
	/* the value was published with the node: our acquire of s->top */
	val = node->val;
	lfq_node_free_rcu(node);
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
	struct lfq_stack_node *node;
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

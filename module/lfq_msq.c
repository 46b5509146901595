// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_msq.c - Michael & Scott lock-free FIFO queue (PODC 1996), optimised
 * form, with RCU for memory reclamation, in an intrusive variant: the nodes
 * are the caller's
 *
 * The paper's queue keeps a dummy node at @head and the values in the
 * nodes after it; a dequeue unlinks the dummy and the node of the value it
 * takes becomes the next dummy.  That cannot hand the caller its own node
 * back: it stays in the queue as the dummy.  So, as liburcu's rculfqueue
 * does (learnt from, not copied), the dummy is the queue's own node and
 * floats: @head is the first node, a value's or a dummy, and a dequeue
 * takes the head node itself.  Two rules keep it correct:
 *
 * - a dequeue never unlinks the last node (its @next is NULL): it could
 *   not move @head to a successor.  When the last node is a value's, the
 *   dequeue first links a dummy after it (allocated from the node cache),
 *   then takes the value's node as usual;
 * - a dequeue that unlinks a dummy hands it to call_rcu() and starts over.
 *
 * So there is at most one dummy in the list (one is linked only after a
 * value's node that is the last, and unlinked before that value's
 * successor can be taken), and once no operation is in progress it is at
 * @head, if anywhere.
 *
 * @tail is the last node or, for a moment after a producer links a node,
 * the one before it; anybody who sees it lag swings it forward (helping).
 * A consumer never moves @head past @tail: it first helps @tail forward, so
 * the node it unlinks can no longer be reached from @tail.
 *
 * Every dereference of a node happens inside rcu_read_lock(), and no
 * unlinked node is reused before a grace period: dummies go to call_rcu(),
 * the caller's nodes are reused only after a grace period (lfq.h,
 * "Intrusive API"; the "void *" functions free theirs with call_rcu()).
 * So a node pointer read inside a read-side section stays valid until
 * rcu_read_unlock(), and a compare-and-exchange against it cannot succeed
 * against a recycled node (no ABA).
 *
 * Each node carries the sequence number of its enqueue (predecessor's + 1,
 * the first dummy has 0), shifted left by one, with bit 0 set on dummies;
 * the length is then tail's number minus head's (plus one if head is a
 * value's node) without a shared counter.
 */
#include <linux/atomic.h>
#include <linux/container_of.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/rcupdate.h>

#include "lfq_internal.h"

/* Bit 0 of a node's @seq: the node is a dummy of the queue. */
#define LFQ_MSQ_DUMMY	1UL
/* Allocation of a dummy by a dequeue, in any context but NMI. */
#define LFQ_MSQ_DUMMY_GFP	(GFP_ATOMIC | __GFP_NOWARN)

static inline bool lfq_msq_is_dummy(const struct lfq_msq_node *node)
{
	return node->seq & LFQ_MSQ_DUMMY;
}

/* The @seq of the node enqueued after @pred, without the dummy bit. */
static inline unsigned long lfq_msq_next_seq(const struct lfq_msq_node *pred)
{
	return (pred->seq | LFQ_MSQ_DUMMY) + 1;
}

static struct lfq_node *lfq_msq_dummy_alloc(gfp_t gfp)
{
	struct lfq_node *dummy = lfq_node_alloc(gfp);

	if (dummy) {
		dummy->qnode.next = NULL;
		dummy->qnode.seq = LFQ_MSQ_DUMMY;
		dummy->val = NULL;
	}
	return dummy;
}

/**
 * lfq_msq_init() - initialise an empty queue
 * @q: the queue
 * @gfp: allocation flags for the dummy node
 *
 * For either API: the "void *" one and the intrusive one.
 *
 * Context: any context that @gfp allows.
 * Return: 0, or -ENOMEM if the dummy node cannot be allocated (then
 * lfq_msq_destroy() on @q does nothing).
 */
int lfq_msq_init(struct lfq_msq *q, gfp_t gfp)
{
	struct lfq_node *dummy = lfq_msq_dummy_alloc(gfp);

	if (!dummy) {
		q->head = NULL;	/* lfq_msq_destroy() after a failure: no-op */
		return -ENOMEM;
	}
	q->head = &dummy->qnode;
	q->tail = &dummy->qnode;
	q->spare = NULL;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_init, LFQ_NS);

/**
 * lfq_msq_reserve_dummy() - allocate ahead the dummy a dequeue may need
 * @q: the queue
 * @gfp: allocation flags for the node
 *
 * A dequeue that takes the last node links a dummy node first and
 * allocates it with GFP_ATOMIC, which can fail under memory pressure (then
 * the dequeue returns NULL although a node is queued).  A caller that can
 * allocate with a better @gfp beforehand (process context, memory cgroup
 * accounting, __GFP_NOFAIL) stores one here; the next dequeue that needs a
 * dummy takes it.  One spare per queue: if one is there already, nothing
 * is allocated.  Lock-free.
 *
 * Context: any context that @gfp allows; not NMI.
 * Return: 0 (a spare is there), or -ENOMEM.
 */
int lfq_msq_reserve_dummy(struct lfq_msq *q, gfp_t gfp)
{
	struct lfq_node *dummy;

	if (READ_ONCE(q->spare))
		return 0;
	dummy = lfq_msq_dummy_alloc(gfp);
	if (!dummy)
		return -ENOMEM;
	/* never published, so no ordering: only its taker touches it */
	if (cmpxchg(&q->spare, NULL, dummy))
		lfq_node_free(dummy);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_reserve_dummy, LFQ_NS);

/**
 * lfq_msq_destroy_nodes() - take apart a queue used through the intrusive API
 * @q: the queue; nobody else may use it any more
 * @release: called on each node of the caller still queued, in FIFO order,
 *	or NULL
 * @arg: passed to @release
 *
 * Frees the queue's dummy.  Nodes dequeued earlier are the caller's (see
 * "Intrusive API" in lfq.h); dummies dequeued earlier may still wait for a
 * grace period, and belong to the module, which waits for them with
 * rcu_barrier() when it unloads.
 *
 * Context: any context but NMI; sleeps only if @release does.
 * Return: nothing.
 */
void lfq_msq_destroy_nodes(struct lfq_msq *q,
			   void (*release)(struct lfq_msq_node *node, void *arg),
			   void *arg)
{
	struct lfq_msq_node *node = q->head, *next;

	if (node && q->spare)
		lfq_node_free(q->spare);
	q->spare = NULL;
	for (; node; node = next) {
		next = node->next;
		if (lfq_msq_is_dummy(node))
			lfq_node_free(container_of(node, struct lfq_node,
						   qnode));
		else if (release)
			release(node, arg);
	}
	q->head = NULL;
	q->tail = NULL;
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_destroy_nodes, LFQ_NS);

static void lfq_msq_release_val(struct lfq_msq_node *qnode, void *arg)
{
	struct lfq_node *node = container_of(qnode, struct lfq_node, qnode);
	void (*release)(void *val) = arg;

	if (release)
		release(node->val);
	lfq_node_free(node);
}

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
	lfq_msq_destroy_nodes(q, lfq_msq_release_val, release);
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_destroy, LFQ_NS);

/*
 * Link @node, whose @next is NULL, after the last node, with @dummy (0 or
 * LFQ_MSQ_DUMMY) in its @seq.  The caller is inside rcu_read_lock().
 */
static void lfq_msq_link(struct lfq_msq *q, struct lfq_msq_node *node,
			 unsigned long dummy)
{
	struct lfq_msq_node *tail, *next;

	for (;;) {
		/* pairs with the try_cmpxchg_release()s of q->tail */
		tail = smp_load_acquire(&q->tail);
		/* pairs with the try_cmpxchg_release() of tail->next below */
		next = smp_load_acquire(&tail->next);
		/*
		 * No re-read of q->tail (the paper's consistency check, for
		 * nodes that may be freed and reused): RCU keeps tail valid,
		 * and a tail that is no longer the last node has a non-NULL
		 * next until a grace period after it was dequeued, so the
		 * exchange below cannot succeed on it.
		 */
		if (next) {
			/*
			 * Help a lagging tail; failure means someone did.
			 * Release: pairs with the acquire loads of q->tail
			 * above, in lfq_msq_dequeue_node() and lfq_msq_len().
			 */
			try_cmpxchg_release(&q->tail, &tail, next);
			lfq_count_retry();
			continue;
		}
		node->seq = lfq_msq_next_seq(tail) | dummy;
		/*
		 * Publish the node (and what the caller wrote to its object
		 * before): pairs with the smp_load_acquire() of tail->next
		 * above and of head->next in lfq_msq_dequeue_node(), which
		 * then see the fields written above.
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
}

/**
 * lfq_msq_enqueue_node() - append the caller's node (intrusive API)
 * @q: the queue
 * @node: a node embedded in the caller's object, not on any container, and
 *	if it was dequeued before, a grace period past that dequeue
 *
 * Michael and Scott's lock-free queue (PODC 1996).  Lock-free: the loop
 * retries only when another enqueue succeeded (or moved the tail); each
 * retry is counted in lfq_cas_retries().  Allocates nothing and takes no
 * lock, so it cannot fail and never waits for another CPU.  Where cmpxchg
 * is NMI-safe (CONFIG_ARCH_HAVE_NMI_SAFE_CMPXCHG) it may run in NMI: its
 * read-side section is rcu_read_lock(), which NMI handlers may take, and an
 * operation it interrupts on this CPU only retries.
 *
 * Context: any context, NMI included where cmpxchg is NMI-safe.
 * Return: nothing; it cannot fail.
 */
void lfq_msq_enqueue_node(struct lfq_msq *q, struct lfq_msq_node *node)
{
	node->next = NULL;
	rcu_read_lock();
	lfq_msq_link(q, node, 0);
	rcu_read_unlock();
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_enqueue_node, LFQ_NS);

/**
 * lfq_msq_push() - append a value
 * @q: the queue
 * @val: the value, not NULL
 * @gfp: allocation flags for the node
 *
 * Allocates a node for @val and appends it with lfq_msq_enqueue_node().
 * Lock-free: the loop retries only when another push succeeded (or moved
 * the tail); each retry is counted in lfq_cas_retries().  If the number of
 * nodes waiting for an RCU grace period is above 65536 (see
 * lfq_rcu_backlog()) and @gfp allows blocking, the call first waits for
 * one RCU grace period (cond_synchronize_rcu(), see lfq_core.c).
 *
 * Context: any context that @gfp allows (process, softirq, hardirq with
 * GFP_ATOMIC or GFP_NOWAIT); not NMI.
 * Return: 0, -EINVAL if @val is NULL, -ENOMEM if no node can be allocated.
 */
int lfq_msq_push(struct lfq_msq *q, void *val, gfp_t gfp)
{
	struct lfq_node *node;

	if (unlikely(!val))
		return -EINVAL;
	lfq_rcu_throttle(gfp);
	node = lfq_node_alloc(gfp);
	if (unlikely(!node))
		return -ENOMEM;
	node->val = val;
	lfq_msq_enqueue_node(q, &node->qnode);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_push, LFQ_NS);

/**
 * lfq_msq_dequeue_node() - remove the oldest node (intrusive API)
 * @q: the queue
 *
 * Michael and Scott's lock-free queue (PODC 1996) with a floating dummy,
 * as in liburcu's rculfqueue (see the top of lfq_msq.c).  Lock-free: the
 * loop retries only when another dequeue or enqueue succeeded (or moved
 * the tail or linked a dummy), or after it unlinked a dummy itself, which
 * happens at most once per value taken; each retry is counted in
 * lfq_cas_retries().
 *
 * The one allocation: when the oldest node is also the last one, a dummy
 * node (the size of struct lfq_node: the spare lfq_msq_reserve_dummy()
 * left, else one from the node cache, GFP_ATOMIC | __GFP_NOWARN) is linked
 * after it first; at most one per call.  An unlinked dummy waits for a
 * grace period and counts in lfq_rcu_backlog().  If there is no spare and
 * the allocation fails the call returns NULL although one node is queued
 * (it stays queued, for a later call).  In a queue that is never nearly
 * empty no dummy is allocated; a queue drained value by value allocates
 * one per value.
 *
 * The node returned may be neither enqueued again nor overwritten nor
 * freed before an RCU grace period has elapsed (a concurrent dequeue may
 * still read its @next); the rest of its object is the caller's at once.
 * Use kfree_rcu() or call_rcu() on the object (see "Intrusive API" in
 * lfq.h).
 *
 * Context: any context but NMI (it may allocate, and it calls call_rcu()).
 * Return: the oldest node, or NULL if the queue was empty (or, see above,
 * out of memory with one node left).
 */
struct lfq_msq_node *lfq_msq_dequeue_node(struct lfq_msq *q)
{
	struct lfq_msq_node *head, *tail, *next, *last, *node = NULL;
	struct lfq_node *dummy = NULL;

	rcu_read_lock();
	for (;;) {
		/* pairs with the try_cmpxchg_release() of q->head below */
		head = smp_load_acquire(&q->head);
		/*
		 * Acquire: next must be read after tail (see below), which a
		 * plain load would not ensure on weakly ordered CPUs.  Pairs
		 * with the try_cmpxchg_release()s of q->tail in
		 * lfq_msq_link() and below.
		 */
		tail = smp_load_acquire(&q->tail);
		/* pairs with the try_cmpxchg_release()s of ->next in link */
		next = smp_load_acquire(&head->next);
		/*
		 * No re-read of q->head (the paper's consistency check): RCU
		 * keeps head valid, the exchanges below fail if head moved,
		 * and next is read after tail, so next == NULL means head was
		 * the last node when next was read.
		 */
		if (!next) {
			if (lfq_msq_is_dummy(head))
				break;		/* empty */
			/*
			 * The oldest value's node is the last one: link a
			 * dummy after it, so that head can move.
			 */
			if (!dummy) {
				/*
				 * The spare, else one allocated now.  A spare
				 * was never published, so this exchange pairs
				 * with nothing; its release is the
				 * try_cmpxchg_release() of head->next below.
				 */
				dummy = xchg(&q->spare, NULL);
				if (!dummy)
					dummy = lfq_msq_dummy_alloc(LFQ_MSQ_DUMMY_GFP);
				if (!dummy)
					break;
			}
			dummy->qnode.seq = lfq_msq_next_seq(head) |
					   LFQ_MSQ_DUMMY;
			/*
			 * Publish the dummy: pairs with the acquire loads of
			 * ->next above and in lfq_msq_link().
			 */
			if (try_cmpxchg_release(&head->next, &next,
						&dummy->qnode)) {
				last = head;
				/*
				 * Swing the tail, or another CPU did.
				 * Release: pairs with the acquire loads of
				 * q->tail.
				 */
				try_cmpxchg_release(&q->tail, &last,
						    &dummy->qnode);
				dummy = NULL;
			}
			lfq_count_retry();
			continue;
		}
		if (head == tail) {
			/*
			 * Tail lags behind: move it before head may pass it.
			 * Release: pairs with smp_load_acquire(&q->tail) in
			 * lfq_msq_link().
			 */
			try_cmpxchg_release(&q->tail, &tail, next);
			lfq_count_retry();
			continue;
		}
		/*
		 * head != tail was read after head, so tail is beyond head.
		 * Release: pairs with the acquire load of q->head above and
		 * in lfq_msq_len() and lfq_msq_empty().
		 */
		if (try_cmpxchg_release(&q->head, &head, next)) {
			if (!lfq_msq_is_dummy(head)) {
				node = head;
				break;
			}
			/* a dummy: readers may still look at its @next */
			lfq_node_free_rcu(container_of(head, struct lfq_node,
						       qnode));
		}
		lfq_count_retry();
	}
	rcu_read_unlock();
	/* never published: the spare, unless another dequeue put one back */
	if (dummy && cmpxchg(&q->spare, NULL, dummy))
		lfq_node_free(dummy);
	return node;
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_dequeue_node, LFQ_NS);

/**
 * lfq_msq_pop() - remove the oldest value
 * @q: the queue
 *
 * lfq_msq_dequeue_node(), then the value's node is freed after an RCU
 * grace period.  Lock-free, with the same retries and the same dummy
 * allocation; if that allocation fails with one value left, the call
 * returns NULL and the value stays queued.
 *
 * Context: any context but NMI (it calls call_rcu()).
 * Return: the oldest value, or NULL if the queue was empty (or out of
 * memory, see above).
 */
void *lfq_msq_pop(struct lfq_msq *q)
{
	struct lfq_msq_node *qnode = lfq_msq_dequeue_node(q);
	struct lfq_node *node;
	void *val;

	if (!qnode)
		return NULL;
	node = container_of(qnode, struct lfq_node, qnode);
	/* published with the node: our acquire of q->head */
	val = node->val;
	lfq_node_free_rcu(node);
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
	struct lfq_msq_node *head;
	bool empty;

	rcu_read_lock();
	/* pairs with the try_cmpxchg_release() of q->head in dequeue */
	head = smp_load_acquire(&q->head);
	/* only tested against NULL: nothing it points to is read */
	empty = !READ_ONCE(head->next) && lfq_msq_is_dummy(head);
	rcu_read_unlock();
	return empty;
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_empty, LFQ_NS);

/**
 * lfq_msq_len() - approximate number of values in the queue
 * @q: the queue
 *
 * Wait-free, no shared counter: the difference between the enqueue
 * sequence numbers of the tail node and of the head node, plus one if the
 * head is a value's node (a dummy is at the head, or nowhere, once no
 * operation is in progress).  Approximate under concurrency: pushes and
 * pops may complete between the two reads, the tail may lag one node
 * behind a completed push, and a dummy may be linked behind the last
 * value.  Exact when quiescent.
 *
 * Context: any context.
 * Return: the number of values, approximately.
 */
unsigned long lfq_msq_len(const struct lfq_msq *q)
{
	struct lfq_msq_node *head, *tail;
	long len;

	rcu_read_lock();
	/* pairs with the try_cmpxchg_release() of q->head in dequeue */
	head = smp_load_acquire(&q->head);
	/*
	 * Read after head, so tail is not behind head.  Pairs with the
	 * try_cmpxchg_release()s of q->tail in link and dequeue.
	 */
	tail = smp_load_acquire(&q->tail);
	len = (long)((tail->seq >> 1) - (head->seq >> 1)) +
	      !lfq_msq_is_dummy(head);
	rcu_read_unlock();
	return len < 0 ? 0 : len;
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_len, LFQ_NS);

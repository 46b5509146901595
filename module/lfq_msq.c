// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_msq.c - Michael & Scott lock-free FIFO queue (PODC 1996), optimised
 * form, with RCU for memory reclamation: a "void *" API whose nodes are
 * the queue's, and an intrusive API whose nodes are the caller's
 *
 * A queue is used through one of the two APIs, never both (lfq.h,
 * "Intrusive API"): they share the enqueue, but dequeue differently.
 *
 * "void *" dequeue: the paper's.  Every node is the queue's own (struct
 * lfq_node, allocated by lfq_msq_push()).  @head is a node whose value
 * has been taken already (at first, the dummy lfq_msq_init() allocates);
 * the values are in the nodes after it.  A dequeue swings @head to the
 * successor, takes the successor's value, and hands the old head to the
 * node cache, which reuses it only after a grace period: the successor
 * has become the dummy.  A dequeue allocates nothing, and a push-then-pop
 * costs one node, as in the paper.  Each value is taken once: only the
 * dequeue whose compare-and-exchange moves @head from h to its successor
 * n reads n's value, and @head never returns to h (it only moves forward,
 * and h is not reused while that dequeue's read-side section, open since
 * it read h, lasts).  The value is read inside that section, so n, which
 * a later dequeue may unlink meanwhile, is not reused under the read.
 *
 * Intrusive dequeue: the caller wants its own node back, which the
 * paper's dequeue cannot give (the node of the value taken stays in the
 * queue as the next dummy).  So, as liburcu's rculfqueue does (learnt
 * from, not copied), the dummy is the queue's own node and floats: @head
 * is the first node, a value's or a dummy, and a dequeue takes the head
 * node itself.  Two rules keep it correct:
 *
 * - a dequeue never unlinks the last node (its @next is NULL): it could
 *   not move @head to a successor.  When the last node is a value's, the
 *   dequeue first links a dummy after it (allocated from the node cache),
 *   then takes the value's node as usual;
 * - a dequeue that unlinks a dummy hands it to the node cache and starts
 *   over.
 *
 * So there is at most one dummy in the list (one is linked only after a
 * value's node that is the last, and unlinked before that value's
 * successor can be taken), and once no operation is in progress it is at
 * @head, if anywhere.
 *
 * Why not both APIs on one queue: the "void *" dequeue would read a value
 * out of a caller's node, and the intrusive dequeue would take a "void *"
 * value's node for a dummy and free it with its value.
 *
 * Both dequeues: @tail is the last node or, for a moment after a producer
 * links a node, the one before it; anybody who sees it lag swings it
 * forward (helping).  A consumer never moves @head past @tail: it first
 * helps @tail forward, so the node it unlinks can no longer be reached
 * from @tail.
 *
 * Every dereference of a node happens inside rcu_read_lock(), and no
 * unlinked node is reused before a grace period: the queue's own nodes
 * go to the node cache (lfq_node_free_rcu()), the caller's nodes are
 * reused only after a grace period (lfq.h, "Intrusive API").  So a node
 * pointer read inside a read-side section stays valid until
 * rcu_read_unlock(), and a compare-and-exchange against it cannot succeed
 * against a recycled node (no ABA).  A dequeued node's @next is never
 * NULL again (a node is unlinked only once it has a successor), so
 * reading NULL there means the node was the last one at that moment.
 *
 * Each node carries the sequence number of its enqueue (predecessor's + 1,
 * the first dummy has 0), shifted left by one, with bit 0 set on the
 * queue's own nodes (every node of a "void *" queue, the dummies of an
 * intrusive one).  The length is then tail's number minus head's, plus
 * one if head is a caller's node (whose value is not taken yet), without
 * a shared counter; in either kind of queue the queue is empty when head
 * is the queue's own node and has no successor.
 */
#include <linux/atomic.h>
#include <linux/container_of.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/rcupdate.h>

#include "lfq_internal.h"

/*
 * Bit 0 of a node's @seq: the node is the queue's own (a struct lfq_node):
 * a "void *" queue's node, or a dummy of an intrusive queue.
 */
#define LFQ_MSQ_OWN	1UL
/* Allocation of a dummy by an intrusive dequeue, in any context but NMI. */
#define LFQ_MSQ_DUMMY_GFP	(GFP_ATOMIC | __GFP_NOWARN)

static inline bool lfq_msq_is_own(const struct lfq_msq_node *node)
{
	return node->seq & LFQ_MSQ_OWN;
}

/* The @seq of the node enqueued after @pred, without the own bit. */
static inline unsigned long lfq_msq_next_seq(const struct lfq_msq_node *pred)
{
	return (pred->seq | LFQ_MSQ_OWN) + 1;
}

static struct lfq_node *lfq_msq_dummy_alloc(gfp_t gfp)
{
	struct lfq_node *dummy = lfq_node_alloc(gfp);

	if (dummy) {
		dummy->qnode.next = NULL;
		dummy->qnode.seq = LFQ_MSQ_OWN;
		dummy->val = NULL;
	}
	return dummy;
}

/**
 * lfq_msq_init() - initialise an empty queue
 * @q: the queue
 * @gfp: allocation flags for the dummy node
 *
 * For either API, the "void *" one or the intrusive one; the queue is then
 * used through that one only (see "Intrusive API" in lfq.h).
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
 * For a queue used through the intrusive API.  A dequeue that takes the
 * last node links a dummy node first and allocates it with GFP_ATOMIC,
 * which can fail under memory pressure (then the dequeue returns NULL
 * although a node is queued).  A caller that can allocate with a better
 * @gfp beforehand (process context, memory cgroup accounting,
 * __GFP_NOFAIL) stores one here; the next dequeue that needs a dummy
 * takes it.  One spare per queue: if one is there already, nothing is
 * allocated.  Lock-free.  (lfq_msq_pop() never needs a dummy; a spare
 * left in a "void *" queue is freed by lfq_msq_destroy().)
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

/*
 * The destroy functions' common part: frees the spare dummy, empties @q
 * and returns its first node (NULL after a failed lfq_msq_init()).
 */
static struct lfq_msq_node *lfq_msq_detach(struct lfq_msq *q)
{
	struct lfq_msq_node *head = q->head;

	if (head && q->spare)
		lfq_node_free(q->spare);
	q->spare = NULL;
	q->head = NULL;
	q->tail = NULL;
	return head;
}

/**
 * lfq_msq_destroy_nodes() - take apart a queue used through the intrusive API
 * @q: the queue; nobody else may use it any more
 * @release: called on each node of the caller still queued, in FIFO order,
 *	or NULL
 * @arg: passed to @release
 *
 * Frees the queue's dummy.  Nodes dequeued earlier are the caller's (see
 * "Intrusive API" in lfq.h); dummies dequeued earlier may still wait for a
 * grace period in the node cache; they belong to the module, which frees
 * them when it unloads.
 *
 * Context: any context but NMI; sleeps only if @release does.
 * Return: nothing.
 */
void lfq_msq_destroy_nodes(struct lfq_msq *q,
			   void (*release)(struct lfq_msq_node *node, void *arg),
			   void *arg)
{
	struct lfq_msq_node *node = lfq_msq_detach(q), *next;

	for (; node; node = next) {
		next = node->next;
		if (lfq_msq_is_own(node))
			lfq_node_free(container_of(node, struct lfq_node,
						   qnode));
		else if (release)
			release(node, arg);
	}
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_destroy_nodes, LFQ_NS);

/**
 * lfq_msq_destroy() - take apart a queue used through the "void *" API
 * @q: the queue; nobody else may use it any more
 * @release: called on each value still queued, in FIFO order, or NULL
 *
 * Frees the nodes still linked: the head node, whose value was popped
 * already (or the first dummy), and the nodes of the values after it.
 * Nodes popped earlier may still wait for a grace period in the node
 * cache; they belong to the module, which frees them when it unloads.
 *
 * Context: any context but NMI; sleeps only if @release does.
 * Return: nothing.
 */
void lfq_msq_destroy(struct lfq_msq *q, void (*release)(void *val))
{
	struct lfq_msq_node *head = lfq_msq_detach(q);

	if (head)
		lfq_queue_free_nodes(container_of(head, struct lfq_node, qnode),
				     release);
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_destroy, LFQ_NS);

/*
 * Link @node after the last node, with @own (0 for a caller's node,
 * LFQ_MSQ_OWN for the queue's) in its @seq.
 */
static __always_inline void lfq_msq_link(struct lfq_msq *q,
					 struct lfq_msq_node *node,
					 unsigned long own)
{
	struct lfq_msq_node *tail, *next;

	node->next = NULL;
	rcu_read_lock();
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
			 * above, in lfq_msq_peek() and in lfq_msq_len().
			 */
			try_cmpxchg_release(&q->tail, &tail, next);
			lfq_count_retry();
			continue;
		}
		node->seq = lfq_msq_next_seq(tail) | own;
		/*
		 * Publish the node (and what the caller wrote to its object
		 * before, a "void *" node's @val included): pairs with the
		 * smp_load_acquire() of tail->next above and of head->next in
		 * lfq_msq_peek(), for both dequeues, which then see the
		 * fields written above.
		 */
		if (try_cmpxchg_release(&tail->next, &next, node))
			break;
		lfq_count_retry();
	}
	/*
	 * Swing the tail; if this fails another CPU already did.  Release:
	 * pairs with the acquire loads of q->tail above, in lfq_msq_peek()
	 * and in lfq_msq_len(), passing on what we acquired from tail->next.
	 */
	try_cmpxchg_release(&q->tail, &tail, node);
	rcu_read_unlock();
}

/**
 * lfq_msq_enqueue_node() - append the caller's node (intrusive API)
 * @q: the queue
 * @node: a node embedded in the caller's object, not on any container, and
 *	if it was dequeued before, a grace period past that dequeue
 *
 * Michael and Scott's lock-free queue (PODC 1996).  Lock-free: the loop
 * retries only when another enqueue succeeded, a dequeue linked a dummy,
 * or either moved the tail; each retry is counted in lfq_cas_retries().
 * Allocates nothing and takes no
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
	lfq_msq_link(q, node, 0);
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_enqueue_node, LFQ_NS);

/**
 * lfq_msq_push() - append a value
 * @q: the queue
 * @val: the value, not NULL
 * @gfp: allocation flags for the node
 *
 * Allocates a node for @val and appends it, as lfq_msq_enqueue_node()
 * does.  For a queue used through the "void *" API.  Lock-free: the loop
 * retries only when another push succeeded (or moved the tail); each
 * retry is counted in lfq_cas_retries().  If the number of nodes waiting
 * for an RCU grace period is above 65536 (see lfq_rcu_backlog()) and @gfp
 * allows blocking, the call first waits for one RCU grace period
 * (cond_synchronize_rcu(), see lfq_core.c).
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
	lfq_msq_link(q, &node->qnode, LFQ_MSQ_OWN);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_push, LFQ_NS);

/*
 * The look at the queue each attempt of a dequeue starts with, inside
 * rcu_read_lock(): stores @head in *@headp and returns head's successor.
 * NULL means head was the last node when its @next was read.  A non-NULL
 * successor comes with head != tail: a tail found lagging at head is
 * helped forward first, so a dequeue that moves @head never moves it past
 * @tail (the node it unlinks can no longer be reached from @tail).
 */
static __always_inline struct lfq_msq_node *
lfq_msq_peek(struct lfq_msq *q, struct lfq_msq_node **headp)
{
	struct lfq_msq_node *head, *tail, *next;

	for (;;) {
		/*
		 * pairs with the try_cmpxchg_release()s of q->head in
		 * lfq_msq_dequeue_node() and lfq_msq_pop()
		 */
		head = smp_load_acquire(&q->head);
		/*
		 * Acquire: next must be read after tail, which a plain load
		 * would not ensure on weakly ordered CPUs.  Pairs with the
		 * try_cmpxchg_release()s of q->tail in lfq_msq_link(), in
		 * lfq_msq_dequeue_node() and below.
		 */
		tail = smp_load_acquire(&q->tail);
		/*
		 * Pairs with the try_cmpxchg_release()s of ->next in
		 * lfq_msq_link() and lfq_msq_dequeue_node(): the successor's
		 * fields written before it was linked are seen.
		 */
		next = smp_load_acquire(&head->next);
		/*
		 * No re-read of q->head (the paper's consistency check): RCU
		 * keeps head valid, the caller's exchanges fail if head
		 * moved, and next is read after tail, so next == NULL means
		 * head was the last node when next was read.
		 */
		*headp = head;
		if (!next)
			return NULL;
		/* tail, read after head, is then beyond head */
		if (head != tail)
			return next;
		/*
		 * Tail lags behind: move it before head may pass it.
		 * Release: pairs with the acquire loads of q->tail above, in
		 * lfq_msq_link() and in lfq_msq_len().
		 */
		try_cmpxchg_release(&q->tail, &tail, next);
		lfq_count_retry();
	}
}

/**
 * lfq_msq_dequeue_node() - remove the oldest node (intrusive API)
 * @q: the queue, used through the intrusive API
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
 * Context: any context but NMI (it may allocate, and the node cache may
 * call call_rcu()).
 * Return: the oldest node, or NULL if the queue was empty (or, see above,
 * out of memory with one node left).
 */
struct lfq_msq_node *lfq_msq_dequeue_node(struct lfq_msq *q)
{
	struct lfq_msq_node *head, *next, *last, *node = NULL;
	struct lfq_node *dummy = NULL;

	rcu_read_lock();
	for (;;) {
		next = lfq_msq_peek(q, &head);
		if (!next) {
			if (lfq_msq_is_own(head))
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
					   LFQ_MSQ_OWN;
			/*
			 * Publish the dummy: pairs with the acquire loads of
			 * ->next in lfq_msq_peek() and lfq_msq_link().
			 */
			if (try_cmpxchg_release(&head->next, &next,
						&dummy->qnode)) {
				last = head;
				/*
				 * Swing the tail, or another CPU did.
				 * Release: pairs with the acquire loads of
				 * q->tail in lfq_msq_peek(), lfq_msq_link()
				 * and lfq_msq_len().
				 */
				try_cmpxchg_release(&q->tail, &last,
						    &dummy->qnode);
				dummy = NULL;
			}
			lfq_count_retry();
			continue;
		}
		/*
		 * Release: pairs with the acquire loads of q->head in
		 * lfq_msq_peek(), lfq_msq_len() and lfq_msq_empty().
		 */
		if (try_cmpxchg_release(&q->head, &head, next)) {
			if (!lfq_msq_is_own(head)) {
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
 * @q: the queue, used through the "void *" API
 *
 * Michael and Scott's dequeue (PODC 1996): @head is a node whose value was
 * taken before; the call swings @head to its successor, takes the
 * successor's value (the successor is the next dummy), and hands the old
 * head node to the node cache, which reuses it only after an RCU grace
 * period (see the top of lfq_msq.c).  Allocates nothing.  Lock-free: the
 * loop retries only when another pop succeeded, or to move a tail that
 * lags behind a push that linked its node; each retry is counted in
 * lfq_cas_retries().
 *
 * Context: process, softirq or hardirq context; not NMI: the node cache's
 * per-CPU lists are protected only by disabling local interrupts, which
 * does not keep an NMI out, and it may call call_rcu(), which is not
 * NMI-safe.
 * Return: the oldest value, or NULL if the queue was empty.
 */
void *lfq_msq_pop(struct lfq_msq *q)
{
	struct lfq_msq_node *head, *next;
	void *val;

	rcu_read_lock();
	for (;;) {
		/* acquired there: the successor's @val is seen below */
		next = lfq_msq_peek(q, &head);
		if (!next) {
			rcu_read_unlock();
			return NULL;	/* head is the dummy and the last */
		}
		/*
		 * Release: pairs with the acquire loads of q->head in
		 * lfq_msq_peek(), lfq_msq_len() and lfq_msq_empty(), which
		 * then see next's fields.
		 */
		if (try_cmpxchg_release(&q->head, &head, next))
			break;
		lfq_count_retry();
	}
	/*
	 * The value is ours: only the pop that moves head onto next reads
	 * it.  next may be unlinked and freed by another pop meanwhile, but
	 * not reused before our read-side section ends; @val never changes
	 * once published.
	 */
	val = container_of(next, struct lfq_node, qnode)->val;
	rcu_read_unlock();
	/* unlinked: reused after a grace period (RCU readers may hold it) */
	lfq_node_free_rcu(container_of(head, struct lfq_node, qnode));
	return val;
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_pop, LFQ_NS);

/**
 * lfq_msq_empty() - whether the queue holds no value
 * @q: the queue, used through either API
 *
 * Empty: head is the queue's own node (the dummy, or in a "void *" queue
 * the node of a value taken before) and has no successor.  Wait-free.
 * With concurrent pushes and pops the answer may be stale by the time the
 * caller looks at it.
 *
 * Context: any context.
 * Return: true if the queue was empty when looked at.
 */
bool lfq_msq_empty(const struct lfq_msq *q)
{
	struct lfq_msq_node *head;
	bool empty;

	rcu_read_lock();
	/* pairs with the try_cmpxchg_release()s of q->head in the dequeues */
	head = smp_load_acquire(&q->head);
	/* only tested against NULL: nothing it points to is read */
	empty = !READ_ONCE(head->next) && lfq_msq_is_own(head);
	rcu_read_unlock();
	return empty;
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_empty, LFQ_NS);

/**
 * lfq_msq_len() - approximate number of values in the queue
 * @q: the queue, used through either API
 *
 * Wait-free, no shared counter: the difference between the enqueue
 * sequence numbers of the tail node and of the head node, plus one if the
 * head is a caller's node (intrusive API: its value is not taken yet; a
 * dummy is at the head, or nowhere, once no operation is in progress).
 * The head of a "void *" queue is always a node whose value was taken.
 * Approximate under concurrency: pushes and pops may complete between the
 * two reads, the tail may lag one node behind a completed push, and an
 * intrusive queue's dummy may be linked behind the last value.  Exact
 * when quiescent.
 *
 * Context: any context.
 * Return: the number of values, approximately.
 */
unsigned long lfq_msq_len(const struct lfq_msq *q)
{
	struct lfq_msq_node *head, *tail;
	long len;

	rcu_read_lock();
	/* pairs with the try_cmpxchg_release()s of q->head in the dequeues */
	head = smp_load_acquire(&q->head);
	/*
	 * Read after head, so tail is not behind head.  Pairs with the
	 * try_cmpxchg_release()s of q->tail in link and the dequeues.
	 */
	tail = smp_load_acquire(&q->tail);
	len = (long)((tail->seq >> 1) - (head->seq >> 1)) +
	      !lfq_msq_is_own(head);
	rcu_read_unlock();
	return len < 0 ? 0 : len;
}
EXPORT_SYMBOL_NS_GPL(lfq_msq_len, LFQ_NS);

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lfq.h - lock-free queues, stacks and rings for kernel code
 *
 * Four multi-producer multi-consumer containers of non-NULL "void *" values:
 *
 *   struct lfq_msq    Michael-Scott FIFO queue      unbounded  lock-free
 *   struct lfq_stack  Treiber LIFO stack            unbounded  lock-free
 *   struct lfq_ring   bounded FIFO ring (2^n)       bounded    see lfq_ring_push()
 *   struct lfq_scq    Nikolaev's SCQ ring (2^n),    bounded    lock-free
 *                     fetch-and-add claims, kernel API only
 *   struct lfq_tlq    Michael-Scott two-lock queue  unbounded  blocking (baseline)
 *
 * and one single-owner container with concurrent thieves:
 *
 *   struct lfq_deque  Chase-Lev work-stealing deque bounded    push/pop
 *                     (2^n), owner LIFO, thieves FIFO          wait-free,
 *                                                              steal lock-free
 *
 * and one map from unsigned long keys to non-NULL "void *" values (kernel
 * API only, see struct lfq_hmap for its own table):
 *
 *   struct lfq_hmap   Michael hash table: 2^n      unbounded  insert/delete
 *                     buckets (fixed), each a                 lock-free,
 *                     sorted lock-free list                   lookup reads only
 *
 * NULL is not a value: pop returns NULL when the container is empty, as
 * ptr_ring does.  The node-based containers (msq, stack, tlq) allocate one
 * node per pushed value from a kmem_cache using the caller's gfp_t; the ring
 * never allocates after lfq_ring_init().
 *
 * Which operations may run concurrently on the same container without any
 * lock held by the caller:
 *
 *                 push   pop   empty/len   init/destroy
 *   push           Y      Y       Y            -
 *   pop            Y      Y       Y            -
 *   empty/len      Y      Y       Y            -
 *   init/destroy   -      -       -            -
 *
 * ("-": the caller must guarantee exclusion, as for any object's lifetime.)
 * The deque has its own table, at struct lfq_deque: its push and pop are
 * the owner's only.
 *
 * Memory reclamation and ABA (msq and stack).  Every access to a node that
 * another CPU may unlink happens inside rcu_read_lock(), which the functions
 * take themselves; an unlinked node of the "void *" API goes to the node
 * cache (lfq_core.c) and is reused or freed only after a grace period (for
 * msq's "void *" pop that is the old head node, whose value was taken
 * before; see lfq_msq.c).  A CPU that read a node pointer inside its
 * read-side section therefore never sees that node freed and reused under
 * it, so a successful compare-and-exchange on head or tail cannot succeed
 * against a recycled node with the same address (no ABA), and no
 * dereference touches freed memory.  The ring holds no nodes; the
 * positions in its slots carry a lap count, so a stale producer or
 * consumer cannot mistake one lap for another.  The two-lock queue frees
 * a popped node at once, right after dropping its head lock: once head
 * has moved past a node, no producer or consumer can reach it.
 *
 * Memory that waits for a grace period is counted; lfq_rcu_backlog()
 * reports it, in nodes.  While it exceeds 65536 nodes, msq and stack
 * pushes whose gfp allows blocking first wait for one grace period
 * (cond_synchronize_rcu(), never rcu_barrier(); see lfq_core.c), after
 * which the nodes freed before it are reused from a per-CPU cache, so a
 * push/pop storm cannot outrun RCU; pushes that cannot sleep are never
 * held back.  The hash map uses the same nodes and RCU
 * reclamation (its deletes are counted in the backlog) but its inserts
 * are never held back.
 *
 * Ordering guarantees: a value pushed by one CPU and popped by another is
 * published with release semantics and consumed with acquire semantics, so
 * everything the producer wrote to the object before push is visible to the
 * consumer after pop.
 */
#ifndef _LFQ_H
#define _LFQ_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/cache.h>
#include <linux/compiler.h>
#include <linux/spinlock.h>
#include <linux/types.h>

/*
 * The exports are GPL-only and in the symbol namespace LFQ: a client module
 * says MODULE_IMPORT_NS(LFQ_NS).  Kernels up to 6.12 take the namespace as a
 * bare token, later ones as a string literal; lfq's Kbuild (and lfq.kbuild,
 * for clients built against an installed lfq) defines LFQ_NS_TOKEN where the
 * kernel's export.h wants the token.
 */
#ifdef LFQ_NS_TOKEN
#define LFQ_NS LFQ
#else
#define LFQ_NS "LFQ"
#endif

struct lfq_node;

/*
 * Intrusive API (msq and stack).  The caller embeds a node, struct
 * lfq_msq_node or struct lfq_stack_node, in its own object, as it would a
 * struct llist_node or a liburcu struct cds_lfq_node_rcu, and pushes the
 * node: push allocates nothing and cannot fail.  Pop returns the node; the
 * caller gets its object back with container_of().
 *
 * Reuse after pop.  A popped node still belongs to the container for one
 * RCU grace period: a concurrent pop on another CPU may have read its
 * address as the top (head) before it was unlinked and may still read its
 * @next inside rcu_read_lock().  Because nodes are not reused before such
 * readers are done, pop's compare-and-exchange can never succeed against a
 * node that was popped and pushed again at the same address (no ABA).  So
 * the caller may neither push a popped node again, nor free, nor overwrite
 * the node, before a grace period has elapsed after the pop returned it.
 * The rest of the object is the caller's at once.  The helpers are RCU's:
 * kfree_rcu(obj, rcu_field) (or kvfree_rcu()) frees the object after a
 * grace period, call_rcu() on a struct rcu_head in the object (outside
 * the node) runs a function that may reuse or free it; a caller that
 * recycles objects itself takes get_state_synchronize_rcu() when it pops
 * and reuses the object once poll_state_synchronize_rcu() says the grace
 * period has passed, or calls synchronize_rcu() before reuse.
 *
 * A container is used either through the intrusive API or through the
 * "void *" one, not both: the "void *" functions keep each value in a
 * node of their own, which the intrusive pop would hand to the caller as
 * if it were the caller's.  The msq's two pops differ besides: the "void
 * *" one dequeues as Michael and Scott's paper does (the value is taken
 * from the node after the dummy, which becomes the dummy; nothing is
 * allocated), the intrusive one hands the caller its own node back and
 * floats the dummy.  Init, empty and len work for either API; the destroy
 * function is the API's own (lfq_msq_destroy() or lfq_msq_destroy_nodes(),
 * lfq_stack_destroy() or lfq_stack_destroy_nodes()).
 */

/**
 * struct lfq_msq_node - a node of an msq, embedded in the caller's object
 * @next: private: the node after this one
 * @seq: private: enqueue sequence number, times two; bit 0 marks the
 *	queue's own nodes (dummies, "void *" values' nodes)
 *
 * Needs no initialisation before lfq_msq_enqueue_node().
 */
struct lfq_msq_node {
	struct lfq_msq_node *next;
	unsigned long seq;
};

/**
 * struct lfq_stack_node - a node of a stack, embedded in the caller's object
 * @next: private: the node below this one
 *
 * Needs no initialisation before lfq_stack_push_node().
 */
struct lfq_stack_node {
	struct lfq_stack_node *next;
};

/**
 * struct lfq_msq - Michael-Scott lock-free FIFO queue
 * @head: first node: a dummy, or in an intrusive queue the first value's
 *	node (consumers)
 * @spare: a dummy node allocated ahead (lfq_msq_reserve_dummy()), or NULL
 * @tail: last node or, transiently, the one before it (producers)
 *
 * Opaque: use the lfq_msq_*() functions only.
 */
struct lfq_msq {
	struct lfq_msq_node *head ____cacheline_aligned_in_smp;
	struct lfq_node *spare;
	struct lfq_msq_node *tail ____cacheline_aligned_in_smp;
};

int lfq_msq_init(struct lfq_msq *q, gfp_t gfp);
void lfq_msq_destroy(struct lfq_msq *q, void (*release)(void *val));
int lfq_msq_push(struct lfq_msq *q, void *val, gfp_t gfp);
void *lfq_msq_pop(struct lfq_msq *q);
int lfq_msq_reserve_dummy(struct lfq_msq *q, gfp_t gfp);
bool lfq_msq_empty(const struct lfq_msq *q);
unsigned long lfq_msq_len(const struct lfq_msq *q);
void lfq_msq_enqueue_node(struct lfq_msq *q, struct lfq_msq_node *node);
struct lfq_msq_node *lfq_msq_dequeue_node(struct lfq_msq *q);
void lfq_msq_destroy_nodes(struct lfq_msq *q,
			   void (*release)(struct lfq_msq_node *node, void *arg),
			   void *arg);

/**
 * struct lfq_stack - Treiber lock-free LIFO stack
 * @top: the most recently pushed node, or NULL
 *
 * Opaque: use the lfq_stack_*() functions only.
 */
struct lfq_stack {
	struct lfq_stack_node *top ____cacheline_aligned_in_smp;
};

void lfq_stack_init(struct lfq_stack *s);
void lfq_stack_destroy(struct lfq_stack *s, void (*release)(void *val));
int lfq_stack_push(struct lfq_stack *s, void *val, gfp_t gfp);
void *lfq_stack_pop(struct lfq_stack *s);
unsigned long lfq_stack_len(const struct lfq_stack *s);
void lfq_stack_push_node(struct lfq_stack *s, struct lfq_stack_node *node);
struct lfq_stack_node *lfq_stack_pop_node(struct lfq_stack *s);
void lfq_stack_destroy_nodes(struct lfq_stack *s,
			     void (*release)(struct lfq_stack_node *node,
					     void *arg),
			     void *arg);

/**
 * lfq_stack_empty() - whether the stack holds no value
 * @s: the stack
 *
 * Wait-free; may be stale by the time the caller looks at it.
 *
 * Context: any context.
 * Return: true if the stack was empty when looked at.
 */
static inline bool lfq_stack_empty(const struct lfq_stack *s)
{
	return !READ_ONCE(s->top);
}

struct lfq_ring_slot;

/**
 * struct lfq_ring - bounded MPMC FIFO ring
 * @tail: next position a producer claims (producers' cache line)
 * @head: next position a consumer claims (consumers' cache line)
 * @mask: capacity - 1 (capacity is a power of two)
 * @slots: the slot array, allocated by lfq_ring_init()
 *
 * Opaque: use the lfq_ring_*() functions only.
 */
struct lfq_ring {
	unsigned long tail ____cacheline_aligned_in_smp;
	unsigned long head ____cacheline_aligned_in_smp;
	unsigned long mask ____cacheline_aligned_in_smp;
	struct lfq_ring_slot *slots;
};

/*
 * Largest capacity lfq_ring_init() accepts: its slot array then stays below
 * INT_MAX bytes, the most kvmalloc() will try, on every architecture.
 */
#define LFQ_RING_MAX_CAPACITY	BIT(26)

int lfq_ring_init(struct lfq_ring *r, unsigned int capacity, gfp_t gfp);
void lfq_ring_destroy(struct lfq_ring *r, void (*release)(void *val));
int lfq_ring_push(struct lfq_ring *r, void *val);
void *lfq_ring_pop(struct lfq_ring *r);
unsigned int lfq_ring_push_bulk(struct lfq_ring *r, void * const *vals,
				unsigned int n);
unsigned int lfq_ring_push_burst(struct lfq_ring *r, void * const *vals,
				 unsigned int n);
unsigned int lfq_ring_pop_bulk(struct lfq_ring *r, void **vals, unsigned int n);
unsigned int lfq_ring_pop_burst(struct lfq_ring *r, void **vals,
				unsigned int n);

/**
 * lfq_ring_capacity() - number of slots
 * @r: the ring
 *
 * Context: any context.
 * Return: the capacity given to lfq_ring_init().
 */
static inline unsigned int lfq_ring_capacity(const struct lfq_ring *r)
{
	return r->mask + 1;
}

/**
 * lfq_ring_len() - approximate number of values in the ring
 * @r: the ring
 *
 * Wait-free: tail minus head.  Counts claimed positions, so values being
 * stored or copied out are included; approximate under concurrency, exact
 * when quiescent.
 *
 * Context: any context, including NMI.
 * Return: 0 to lfq_ring_capacity().
 */
static inline unsigned int lfq_ring_len(const struct lfq_ring *r)
{
	/*
	 * No ordering needed: not a snapshot anyway, and the difference of
	 * the two monotonic positions is clamped to 0..capacity.
	 */
	unsigned long head = READ_ONCE(r->head);
	long len = READ_ONCE(r->tail) - head;

	if (len <= 0)
		return 0;
	return (unsigned long)len > r->mask ? r->mask + 1 : (unsigned long)len;
}

/**
 * lfq_ring_empty() - whether the ring holds no value
 * @r: the ring
 *
 * Wait-free; same approximation as lfq_ring_len().
 *
 * Context: any context, including NMI.
 * Return: true if no position was claimed and not yet consumed.
 */
static inline bool lfq_ring_empty(const struct lfq_ring *r)
{
	return lfq_ring_len(r) == 0;
}

/**
 * lfq_ring_full() - whether every slot is in use
 * @r: the ring
 *
 * Wait-free; same approximation as lfq_ring_len().
 *
 * Context: any context, including NMI.
 * Return: true if lfq_ring_len() equals the capacity.
 */
static inline bool lfq_ring_full(const struct lfq_ring *r)
{
	return lfq_ring_len(r) == lfq_ring_capacity(r);
}

/**
 * struct lfq_scq_ring - one index ring of an lfq_scq
 * @tail: next position a producer takes (fetch-and-add)
 * @head: next position a consumer takes (fetch-and-add)
 * @threshold: consumer attempts left before "empty"; reset to
 *	3 * capacity - 1 by each producer
 *
 * Opaque: use the lfq_scq_*() functions only.
 */
struct lfq_scq_ring {
	atomic_long_t tail ____cacheline_aligned_in_smp;
	atomic_long_t head ____cacheline_aligned_in_smp;
	atomic_long_t threshold ____cacheline_aligned_in_smp;
};

/**
 * struct lfq_scq - bounded MPMC FIFO queue claimed with fetch-and-add
 * @aq: ring of the data slots that hold values, in FIFO order
 * @fq: ring of the free data slots
 * @order: log2 of the capacity
 * @shift: how far positions are rotated to spread them over cache lines
 * @aq_ents: @aq's 2 * capacity entries; start of the one allocation
 * @fq_ents: @fq's 2 * capacity entries
 * @data: the capacity data slots
 * @ready: values pushed whole and not yet reserved by a pop (never
 *	above the values in the queue, never below 0)
 *
 * Nikolaev's SCQ (DISC 2019) with the paper's indirection: values live in
 * @data, and two rings of slot indices say which slots are free and which
 * hold values.  Opaque: use the lfq_scq_*() functions only.  Which calls
 * may run concurrently: as for the other containers (the table at the top
 * of this file).  Compared with struct lfq_ring: producers and consumers
 * take positions with fetch-and-add, never retrying a compare-and-exchange
 * on a shared counter, at the cost of two ring operations per push or pop
 * and 5 words of memory per value instead of 2.
 */
struct lfq_scq {
	struct lfq_scq_ring aq;
	struct lfq_scq_ring fq;
	unsigned int order ____cacheline_aligned_in_smp;
	unsigned int shift;
	unsigned long *aq_ents;
	unsigned long *fq_ents;
	void **data;
	atomic_long_t ready ____cacheline_aligned_in_smp;
};

/* Largest capacity lfq_scq_init() accepts: 5 words per value < INT_MAX. */
#define LFQ_SCQ_MAX_CAPACITY	BIT(24)

int lfq_scq_init(struct lfq_scq *q, unsigned int capacity, gfp_t gfp);
int lfq_scq_init_at(struct lfq_scq *q, unsigned int capacity, gfp_t gfp,
		    unsigned long start);
void lfq_scq_destroy(struct lfq_scq *q, void (*release)(void *val));
int lfq_scq_push(struct lfq_scq *q, void *val);
void *lfq_scq_pop(struct lfq_scq *q);
unsigned int lfq_scq_push_bulk(struct lfq_scq *q, void * const *vals,
			       unsigned int n);
unsigned int lfq_scq_push_burst(struct lfq_scq *q, void * const *vals,
				unsigned int n);
unsigned int lfq_scq_pop_bulk(struct lfq_scq *q, void **vals, unsigned int n);
unsigned int lfq_scq_pop_burst(struct lfq_scq *q, void **vals,
			       unsigned int n);

/**
 * lfq_scq_capacity() - number of values the queue holds at most
 * @q: the queue
 *
 * Context: any context.
 * Return: the capacity given to lfq_scq_init().
 */
static inline unsigned int lfq_scq_capacity(const struct lfq_scq *q)
{
	return 1U << q->order;
}

/**
 * lfq_scq_len() - approximate number of values in the queue
 * @q: the queue
 *
 * Wait-free: the count of values pushed whole and not yet reserved by a
 * pop, clamped.  Values being pushed are not counted until their push
 * returns, values being popped no longer are; a pop giving back an excess
 * reservation may make it read low for that moment.  Exact after
 * single-threaded use.
 *
 * Context: any context, including NMI.
 * Return: 0 to lfq_scq_capacity().
 */
static inline unsigned int lfq_scq_len(const struct lfq_scq *q)
{
	/* No ordering needed: not a snapshot anyway, and clamped. */
	long len = atomic_long_read(&q->ready);

	if (len <= 0)
		return 0;
	return (unsigned long)len > lfq_scq_capacity(q) ? lfq_scq_capacity(q) :
							  (unsigned int)len;
}

/**
 * lfq_scq_empty() - whether the queue holds no value
 * @q: the queue
 *
 * Wait-free; same approximation as lfq_scq_len().
 *
 * Context: any context, including NMI.
 * Return: true if lfq_scq_len() is 0.
 */
static inline bool lfq_scq_empty(const struct lfq_scq *q)
{
	return lfq_scq_len(q) == 0;
}

/**
 * struct lfq_tlq - Michael-Scott two-lock FIFO queue (blocking baseline)
 * @head_lock: serialises consumers
 * @head: dummy node
 * @tail_lock: serialises producers
 * @tail: last node
 *
 * Opaque: use the lfq_tlq_*() functions only.
 */
struct lfq_tlq {
	spinlock_t head_lock ____cacheline_aligned_in_smp;
	struct lfq_node *head;
	spinlock_t tail_lock ____cacheline_aligned_in_smp;
	struct lfq_node *tail;
};

int lfq_tlq_init(struct lfq_tlq *q, gfp_t gfp);
void lfq_tlq_destroy(struct lfq_tlq *q, void (*release)(void *val));
int lfq_tlq_push(struct lfq_tlq *q, void *val, gfp_t gfp);
void *lfq_tlq_pop(struct lfq_tlq *q);
bool lfq_tlq_empty(struct lfq_tlq *q);
unsigned long lfq_tlq_len(struct lfq_tlq *q);

/**
 * struct lfq_deque - bounded Chase-Lev work-stealing deque
 * @top: next position a thief steals from; advanced by compare-and-exchange
 *	only (thieves, and the owner taking the last value)
 * @bottom: next position the owner pushes to; written by the owner only
 * @mask: capacity - 1 (capacity is a power of two)
 * @slots: the value array, allocated by lfq_deque_init()
 *
 * Opaque: use the lfq_deque_*() functions only.
 *
 * One owner pushes and pops at the bottom (LIFO for the owner); any number
 * of thieves steal from the top (FIFO), concurrently with the owner and
 * with each other.  Which calls may run concurrently on the same deque
 * without a lock held by the caller:
 *
 *                 push   pop   steal   empty/len   init/destroy
 *   push           -      -      Y         Y            -
 *   pop            -      -      Y         Y            -
 *   steal          Y      Y      Y         Y            -
 *   empty/len      Y      Y      Y         Y            -
 *   init/destroy   -      -      -         -            -
 *
 * push and pop are the owner's: at most one of them runs at a time on a
 * deque, the caller serialises them (typically by making one CPU or one
 * thread the owner; the owner may change, with the hand-over ordered by
 * the caller, e.g. a lock or a release/acquire pair).  steal, empty and len
 * may run anywhere, any number at once, including in hard interrupts that
 * interrupt the owner.
 */
struct lfq_deque {
	unsigned long top ____cacheline_aligned_in_smp;
	unsigned long bottom ____cacheline_aligned_in_smp;
	unsigned long mask ____cacheline_aligned_in_smp;
	void **slots;
};

/*
 * Largest capacity lfq_deque_init() accepts: the value array then stays
 * below INT_MAX bytes, as for the ring.
 */
#define LFQ_DEQUE_MAX_CAPACITY	BIT(26)

int lfq_deque_init(struct lfq_deque *d, unsigned int capacity, gfp_t gfp);
void lfq_deque_destroy(struct lfq_deque *d, void (*release)(void *val));
int lfq_deque_push(struct lfq_deque *d, void *val);
void *lfq_deque_pop(struct lfq_deque *d);
void *lfq_deque_steal(struct lfq_deque *d);

/**
 * lfq_deque_capacity() - number of slots
 * @d: the deque
 *
 * Context: any context.
 * Return: the capacity given to lfq_deque_init().
 */
static inline unsigned int lfq_deque_capacity(const struct lfq_deque *d)
{
	return d->mask + 1;
}

/**
 * lfq_deque_len() - approximate number of values in the deque
 * @d: the deque
 *
 * Wait-free: bottom minus top, clamped.  While the owner pops it may count
 * one value less (bottom is lowered before the owner knows whether it got
 * the value), and a thief between reading its value and claiming it is
 * not seen; approximate under concurrency, exact when quiescent.
 *
 * Context: any context, including NMI.
 * Return: 0 to lfq_deque_capacity().
 */
static inline unsigned int lfq_deque_len(const struct lfq_deque *d)
{
	/* No ordering: not a snapshot anyway; clamped to 0..capacity. */
	unsigned long top = READ_ONCE(d->top);
	long len = READ_ONCE(d->bottom) - top;

	if (len <= 0)
		return 0;
	return (unsigned long)len > d->mask ? d->mask + 1 : (unsigned long)len;
}

/**
 * lfq_deque_empty() - whether the deque holds no value
 * @d: the deque
 *
 * Wait-free; same approximation as lfq_deque_len().
 *
 * Context: any context, including NMI.
 * Return: true if bottom was not above top when looked at.
 */
static inline bool lfq_deque_empty(const struct lfq_deque *d)
{
	return lfq_deque_len(d) == 0;
}

/*
 * struct lfq_pool - a pool of preallocated objects (kernel API only)
 *
 * lfq_pool_init() allocates @nr objects of one size at once; get and put
 * hand them out and take them back from any context, hard interrupts
 * included, without allocating, sleeping or waiting for another CPU.
 * Which calls may run concurrently on the same pool without a lock:
 *
 *                 get   put   avail   init/destroy
 *   get            Y     Y      Y          -
 *   put            Y     Y      Y          -
 *   avail          Y     Y      Y          -
 *   init/destroy   -     -      -          -
 *
 * The free objects are a LIFO list of indices whose top is one tagged
 * word, so get and put are one compare-and-exchange each (lock-free: a
 * retry means another get or put succeeded), put cannot fail, and get
 * returns NULL only when no object is free.  A ring of free pointers
 * (struct lfq_ring) is not used: its put can find a slot still claimed by
 * a get that was interrupted, and would have to fail or wait (lfq_pool.c
 * shows how).  The last freed object is the next handed out, while its
 * lines are still hot in the cache of the CPU that freed it.
 *
 * What this does not have, against the kernel's objpool (6.7+): objpool
 * keeps one ring per CPU and gets from the local one first, so gets and
 * puts on different CPUs touch different cache lines; here every get and
 * put is an atomic on the same line, which caps throughput under
 * contention (lfq_bench measures it).  In exchange: one list, so a get
 * fails only when every object is held (objpool may find the local ring
 * empty and walk the others), no per-CPU memory, and 6.1 has it.
 *
 * Not a kind of the registry, nor offered by /dev/lfq: the pool holds its
 * own objects, not the caller's values (no push of an arbitrary pointer),
 * and an object is memory in the kernel that a user could not name
 * through an fd.
 *
 * On 64-bit the tag has 32 bits; on 32-bit 16, and the pool at most
 * 65534 objects (see lfq_pool.c for what the tag guards against).
 */

/* Largest number of objects lfq_pool_init() accepts. */
#define LFQ_POOL_MAX_NR		((unsigned int)(BITS_PER_LONG > 32 ?	\
						BIT(26) : BIT(16) - 2))

/**
 * struct lfq_pool - a pool of preallocated objects
 * @head: index of the first free object (low half), update tag (high half)
 * @nr_free: objects free, approximately (see lfq_pool_avail())
 * @next: per object, the index of the free object after it
 * @objs: the first object, SMP_CACHE_BYTES-aligned
 * @stride: bytes from one object to the next, SMP_CACHE_BYTES-rounded
 * @nr: number of objects
 * @mem: the allocation @objs lies in
 *
 * Opaque: use the lfq_pool_*() functions only.
 */
struct lfq_pool {
	unsigned long head ____cacheline_aligned_in_smp;
	atomic_long_t nr_free;
	unsigned int *next ____cacheline_aligned_in_smp;
	char *objs;
	size_t stride;
	unsigned int nr;
	void *mem;
};

int lfq_pool_init(struct lfq_pool *p, unsigned int nr, size_t size, gfp_t gfp,
		  void (*ctor)(void *obj, void *arg), void *arg);
void lfq_pool_destroy(struct lfq_pool *p);
void *lfq_pool_get(struct lfq_pool *p);
int lfq_pool_put(struct lfq_pool *p, void *obj);

/**
 * lfq_pool_avail() - approximate number of free objects
 * @p: the pool
 *
 * Wait-free: one read of a counter that get and put update right after
 * (get) or before (put) their compare-and-exchange, so it may be off by
 * the number of gets and puts in flight; exact when quiescent.
 *
 * Context: any context, including NMI.
 * Return: 0 to the number of objects given to lfq_pool_init().
 */
static inline unsigned int lfq_pool_avail(const struct lfq_pool *p)
{
	long n = atomic_long_read(&p->nr_free);

	if (n <= 0)
		return 0;
	return (unsigned long)n > p->nr ? p->nr : n;
}

unsigned long lfq_rcu_backlog(void);
unsigned long lfq_cas_retries(void);

/*
 * struct lfq_hmap - lock-free hash map from unsigned long keys to non-NULL
 * "void *" values (kernel API only)
 *
 * Michael's lock-free list-based hash table (M. M. Michael, "High
 * Performance Dynamic Lock-Free Hash Tables and List-Based Sets", SPAA
 * 2002): a fixed power-of-two array of buckets, each a sorted lock-free
 * list whose nodes are logically deleted by marking their next pointer and
 * then unlinked.  No resizing: the bucket count is chosen at init.
 * Insert allocates one node with the caller's gfp_t; an unlinked node is
 * freed after an RCU grace period, so lookups, which run under
 * rcu_read_lock() taken by the functions themselves, never touch freed
 * memory and compare-and-exchanges never meet a recycled node (no ABA).
 *
 * Keys are unsigned long (an id, a hash, or an object's address): one
 * word compares in one instruction, with no comparison callback called
 * from a lock-free loop.  Values are the caller's pointers; NULL is not a
 * value (lookup and delete return NULL for "absent").  What a value points
 * to is the caller's: a lookup that returns it while a concurrent delete
 * removes it hands out a pointer whose lifetime the caller manages (e.g.
 * the deleter frees it with kfree_rcu() and readers use it inside
 * rcu_read_lock()).
 *
 * Which operations may run concurrently on the same map without any lock
 * held by the caller:
 *
 *                  insert  delete  lookup  count  init/destroy
 *   insert           Y       Y       Y       Y        -
 *   delete           Y       Y       Y       Y        -
 *   lookup           Y       Y       Y       Y        -
 *   count            Y       Y       Y       Y        -
 *   init/destroy     -       -       -       -        -
 *
 * Contexts: lookup and count anywhere, NMI included; insert (with a gfp
 * that fits) and delete anywhere but NMI; init with a gfp that fits, and
 * destroy in process context if init may have used vmalloc (see
 * lfq_hmap_destroy()).  Insert and
 * delete are lock-free; lookup never writes and never starts over (see
 * lfq_hmap_lookup() for its bound).  Ordering: an insert publishes the
 * value with release semantics and lookup and delete read it with acquire
 * semantics, so what the inserter wrote to the object before inserting it
 * is visible to whoever gets the value back.  Nodes come from the same
 * cache as msq's and stack's; deleted ones wait for a grace period and
 * count in lfq_rcu_backlog(), but inserts never wait for the backlog (they
 * may run in atomic context), so a delete/insert storm is held back only
 * by RCU's own pace.
 */

/* Largest number of buckets lfq_hmap_init() accepts. */
#define LFQ_HMAP_MAX_BUCKETS	((unsigned int)BIT(24))

/**
 * struct lfq_hmap - lock-free hash map
 * @buckets: @mask + 1 list heads (marked-pointer words)
 * @mask: number of buckets minus one
 * @bits: log2 of the number of buckets (bits of hash_long() used)
 * @count: entries present, approximately (see lfq_hmap_count())
 *
 * Opaque: use the lfq_hmap_*() functions only.
 */
struct lfq_hmap {
	unsigned long *buckets;
	unsigned int mask;
	unsigned int bits;
	atomic_long_t count ____cacheline_aligned_in_smp;
};

int lfq_hmap_init(struct lfq_hmap *m, unsigned int nr_buckets, gfp_t gfp);
void lfq_hmap_destroy(struct lfq_hmap *m, void (*release)(void *val));
int lfq_hmap_insert(struct lfq_hmap *m, unsigned long key, void *val,
		    gfp_t gfp);
void *lfq_hmap_lookup(struct lfq_hmap *m, unsigned long key);
void *lfq_hmap_delete(struct lfq_hmap *m, unsigned long key);
unsigned long lfq_hmap_count(const struct lfq_hmap *m);

/*
 * Shared-memory rings: the kernel's side of a queue made by /dev/lfq with
 * LFQ_CREATE_SHM (uapi/linux/lfq.h, "Shared-memory rings").  Processes
 * map the ring and push and pop without system calls; kernel code (for
 * example a driver handed the queue's fd by a process) pushes and pops the
 * same messages here.  Get the ring from the queue's file or fd, push and
 * pop (lock-free, bounded, never sleeping; a push wakes sleeping
 * consumers), put it when done.  The ring is shared with processes the
 * kernel does not trust: these calls validate everything they read from
 * it, fail with -EUCLEAN once it was found corrupt, and never touch
 * memory outside it.
 */
struct file;
struct lfq_shm;

struct lfq_shm *lfq_shm_get(struct file *file);
struct lfq_shm *lfq_shm_get_fd(int fd);
void lfq_shm_put(struct lfq_shm *s);
int lfq_shm_push(struct lfq_shm *s, const void *buf, u32 len);
int lfq_shm_pop(struct lfq_shm *s, void *buf, u32 size);
u32 lfq_shm_max_msg(const struct lfq_shm *s);

/*
 * The kind registry: every container above, described by one entry of
 * lfq_kinds[], so that code which must handle all of them (the device,
 * tests, benchmarks) iterates one table instead of switching on a kind.
 * The operations take the container as "void *" (the struct named by the
 * kind, of @size bytes, allocated by the caller); those a kind lacks are
 * NULL.  Each operation has the context and progress guarantee of the
 * function of that kind it stands for (see the lfq_<kind>_*() kernel-doc).
 */

/* enum lfq_kind_flags - properties of a kind (struct lfq_kind.flags) */
enum lfq_kind_flags {
	LFQ_KIND_FIFO		= BIT(0),	/* pops in push order */
	LFQ_KIND_LIFO		= BIT(1),	/* pops the newest first */
	LFQ_KIND_BOUNDED	= BIT(2),	/* fixed capacity, set at init */
	LFQ_KIND_NODES		= BIT(3),	/* one node allocated per push */
	LFQ_KIND_LOCKFREE	= BIT(4),	/* no operation takes a lock */
	LFQ_KIND_RCU_NODES	= BIT(5),	/* popped nodes freed after a GP */
	LFQ_KIND_DUMMY		= BIT(6),	/* holds one node while empty */
	LFQ_KIND_OWNER		= BIT(7),	/* push/pop: one owner at a time,
						 * serialised by the caller;
						 * only @steal is concurrent
						 */
};

/* enum lfq_ctx - contexts an operation may be called from (bit mask) */
enum lfq_ctx {
	LFQ_CTX_TASK		= BIT(0),
	LFQ_CTX_SOFTIRQ		= BIT(1),
	LFQ_CTX_HARDIRQ		= BIT(2),	/* with a non-sleeping gfp */
	LFQ_CTX_NMI		= BIT(3),	/* where cmpxchg is NMI-safe */
};

/**
 * struct lfq_kind - one kind of container, as the registry describes it
 * @name:      short name ("msq", "stack", "ring", "tlq", "deque"), as
 *             the uapi and liblfq spell it
 * @desc:      one line: algorithm and source
 * @uapi_kind: LFQ_KIND_* of uapi/linux/lfq.h if /dev/lfq offers the kind,
 *             0 if it is kernel-API only
 * @flags:     enum lfq_kind_flags
 * @push_ctx:  enum lfq_ctx mask for @push (and @push_many)
 * @pop_ctx:   enum lfq_ctx mask for @pop (and @pop_many)
 * @size:      bytes of the container the operations take
 * @node_size: bytes of the node one pushed value costs (before slab
 *             rounding), 0 for kinds that do not allocate per value
 * @slot_size: bytes per slot of the array a bounded kind's @init
 *             allocates, 0 for the others
 * @init:      set up an empty container; @capacity is used by bounded
 *             kinds (a power of two) and must be 0 for the others.
 *             Returns 0 or a negative errno.
 * @destroy:   tear down; @release (may be NULL) gets each value left
 * @push:      add @val (not NULL); 0, -EINVAL, -ENOMEM or -ENOSPC
 * @pop:       remove a value; NULL if empty.  For LFQ_KIND_OWNER kinds
 *             @push and @pop are the owner's: never two at once
 * @steal:     optional, LFQ_KIND_OWNER kinds: remove a value from the
 *             other end, concurrently with the owner and other thieves;
 *             NULL if empty.  Context: @pop_ctx
 * @push_many: optional: push @n values, all or none (@all) or as many as
 *             fit; returns the number pushed.  @vals holds no NULL.
 * @pop_many:  optional: the same for pop
 * @len:       number of values (approximate under concurrency)
 * @empty:     true if it holds no value
 * @push_node_ctx: enum lfq_ctx mask for @push_node
 * @pop_node_ctx:  enum lfq_ctx mask for @pop_node
 * @push_node: optional, the intrusive API (msq, stack): push the caller's
 *             object @obj, whose node (struct lfq_msq_node for msq,
 *             struct lfq_stack_node for stack) lies @offset bytes into
 *             it.  Allocates nothing and cannot fail
 * @pop_node:  with @push_node: pop an object pushed with the same
 *             @offset; returns the object (not its node), NULL if empty.
 *             Its node may be reused or freed only after an RCU grace
 *             period (see "Intrusive API" above)
 * @destroy_nodes: with @push_node: tear down a container used through
 *             @push_node; @release (may be NULL) gets each object left
 * @pop_reserve: optional: allocate with @gfp, ahead, what a later
 *             @pop_node may need (msq: the dummy it links when it takes
 *             the last node; @pop never needs one); 0 or -ENOMEM
 *
 * A container is used through @push/@pop (and the other value operations)
 * or through @push_node/@pop_node/@destroy_nodes, never both; @len and
 * @empty work for either.
 */
struct lfq_kind {
	const char *name;
	const char *desc;
	unsigned int uapi_kind;
	unsigned int flags;
	unsigned int push_ctx;
	unsigned int pop_ctx;
	size_t size;
	size_t node_size;
	size_t slot_size;
	int (*init)(void *c, unsigned int capacity, gfp_t gfp);
	void (*destroy)(void *c, void (*release)(void *val));
	int (*push)(void *c, void *val, gfp_t gfp);
	void *(*pop)(void *c);
	void *(*steal)(void *c);
	unsigned int (*push_many)(void *c, void * const *vals, unsigned int n,
				  bool all);
	unsigned int (*pop_many)(void *c, void **vals, unsigned int n,
				 bool all);
	unsigned long (*len)(const void *c);
	bool (*empty)(const void *c);
	unsigned int push_node_ctx;
	unsigned int pop_node_ctx;
	void (*push_node)(void *c, void *obj, size_t offset);
	void *(*pop_node)(void *c, size_t offset);
	void (*destroy_nodes)(void *c, void (*release)(void *obj),
			      size_t offset);
	int (*pop_reserve)(void *c, gfp_t gfp);
};

extern const struct lfq_kind lfq_kinds[];
extern const unsigned int lfq_nr_kinds;

const struct lfq_kind *lfq_kind_by_name(const char *name);
const struct lfq_kind *lfq_kind_by_uapi(unsigned int uapi_kind);

/**
 * lfq_kind_nth() - the @i-th entry of the registry
 * @i: index, from 0
 *
 * Context: any context.
 * Return: the entry, or NULL if @i is past the last one.
 */
static inline const struct lfq_kind *lfq_kind_nth(unsigned int i)
{
	return i < lfq_nr_kinds ? &lfq_kinds[i] : NULL;
}

/**
 * lfq_for_each_kind - iterate over the registry
 * @k: const struct lfq_kind *, the cursor
 */
#define lfq_for_each_kind(k) \
	for (unsigned int __lfq_i = 0; ((k) = lfq_kind_nth(__lfq_i)); __lfq_i++)

#endif /* _LFQ_H */

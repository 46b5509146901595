// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_kinds.c - the kind registry: one entry per container of lfq.h
 *
 * The adapters below give every kind the same operation signatures (see
 * struct lfq_kind).  They add no behaviour: each calls the exported
 * function of its kind, so its context and progress guarantee are that
 * function's.  Adding a kind is one entry here, after its own .c and its
 * declarations in lfq.h.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/string.h>

#include <linux/lfq.h>

#include "lfq_internal.h"

static int msq_init(void *c, unsigned int capacity, gfp_t gfp)
{
	return capacity ? -EINVAL : lfq_msq_init(c, gfp);
}

static void msq_destroy(void *c, void (*release)(void *val))
{
	lfq_msq_destroy(c, release);
}

static int msq_push(void *c, void *val, gfp_t gfp)
{
	return lfq_msq_push(c, val, gfp);
}

static void *msq_pop(void *c)
{
	return lfq_msq_pop(c);
}

static unsigned long msq_len(const void *c)
{
	return lfq_msq_len(c);
}

static bool msq_empty(const void *c)
{
	return lfq_msq_empty(c);
}

/*
 * The intrusive operations take the object and the offset of its node;
 * destroy_nodes hands each object left to @release through this.
 */
struct lfq_obj_release {
	void (*release)(void *obj);
	size_t offset;
};

static void msq_push_node(void *c, void *obj, size_t offset)
{
	lfq_msq_enqueue_node(c, obj + offset);
}

static void *msq_pop_node(void *c, size_t offset)
{
	struct lfq_msq_node *node = lfq_msq_dequeue_node(c);

	return node ? (void *)node - offset : NULL;
}

static int msq_pop_reserve(void *c, gfp_t gfp)
{
	return lfq_msq_reserve_dummy(c, gfp);
}

static void msq_release_obj(struct lfq_msq_node *node, void *arg)
{
	struct lfq_obj_release *r = arg;

	r->release((void *)node - r->offset);
}

static void msq_destroy_nodes(void *c, void (*release)(void *obj),
			      size_t offset)
{
	struct lfq_obj_release r = { .release = release, .offset = offset };

	lfq_msq_destroy_nodes(c, release ? msq_release_obj : NULL, &r);
}

static int stack_init(void *c, unsigned int capacity, gfp_t gfp)
{
	if (capacity)
		return -EINVAL;
	lfq_stack_init(c);
	return 0;
}

static void stack_destroy(void *c, void (*release)(void *val))
{
	lfq_stack_destroy(c, release);
}

static int stack_push(void *c, void *val, gfp_t gfp)
{
	return lfq_stack_push(c, val, gfp);
}

static void *stack_pop(void *c)
{
	return lfq_stack_pop(c);
}

static unsigned long stack_len(const void *c)
{
	return lfq_stack_len(c);
}

static bool stack_empty(const void *c)
{
	return lfq_stack_empty(c);
}

static void stack_push_node(void *c, void *obj, size_t offset)
{
	lfq_stack_push_node(c, obj + offset);
}

static void *stack_pop_node(void *c, size_t offset)
{
	struct lfq_stack_node *node = lfq_stack_pop_node(c);

	return node ? (void *)node - offset : NULL;
}

static void stack_release_obj(struct lfq_stack_node *node, void *arg)
{
	struct lfq_obj_release *r = arg;

	r->release((void *)node - r->offset);
}

static void stack_destroy_nodes(void *c, void (*release)(void *obj),
				size_t offset)
{
	struct lfq_obj_release r = { .release = release, .offset = offset };

	lfq_stack_destroy_nodes(c, release ? stack_release_obj : NULL, &r);
}

static int ring_init(void *c, unsigned int capacity, gfp_t gfp)
{
	return lfq_ring_init(c, capacity, gfp);
}

static void ring_destroy(void *c, void (*release)(void *val))
{
	lfq_ring_destroy(c, release);
}

/* The ring never allocates: @gfp is not used. */
static int ring_push(void *c, void *val, gfp_t gfp)
{
	return lfq_ring_push(c, val);
}

static void *ring_pop(void *c)
{
	return lfq_ring_pop(c);
}

static unsigned int ring_push_many(void *c, void * const *vals,
				   unsigned int n, bool all)
{
	return all ? lfq_ring_push_bulk(c, vals, n) :
		     lfq_ring_push_burst(c, vals, n);
}

static unsigned int ring_pop_many(void *c, void **vals, unsigned int n,
				  bool all)
{
	return all ? lfq_ring_pop_bulk(c, vals, n) :
		     lfq_ring_pop_burst(c, vals, n);
}

static unsigned long ring_len(const void *c)
{
	return lfq_ring_len(c);
}

static bool ring_empty(const void *c)
{
	return lfq_ring_empty(c);
}

static int scq_init(void *c, unsigned int capacity, gfp_t gfp)
{
	return lfq_scq_init(c, capacity, gfp);
}

static void scq_destroy(void *c, void (*release)(void *val))
{
	lfq_scq_destroy(c, release);
}

/* The SCQ never allocates: @gfp is not used. */
static int scq_push(void *c, void *val, gfp_t gfp)
{
	return lfq_scq_push(c, val);
}

static void *scq_pop(void *c)
{
	return lfq_scq_pop(c);
}

static unsigned int scq_push_many(void *c, void * const *vals,
				  unsigned int n, bool all)
{
	return all ? lfq_scq_push_bulk(c, vals, n) :
		     lfq_scq_push_burst(c, vals, n);
}

static unsigned int scq_pop_many(void *c, void **vals, unsigned int n,
				 bool all)
{
	return all ? lfq_scq_pop_bulk(c, vals, n) :
		     lfq_scq_pop_burst(c, vals, n);
}

static unsigned long scq_len(const void *c)
{
	return lfq_scq_len(c);
}

static bool scq_empty(const void *c)
{
	return lfq_scq_empty(c);
}

static int tlq_init(void *c, unsigned int capacity, gfp_t gfp)
{
	return capacity ? -EINVAL : lfq_tlq_init(c, gfp);
}

static void tlq_destroy(void *c, void (*release)(void *val))
{
	lfq_tlq_destroy(c, release);
}

static int tlq_push(void *c, void *val, gfp_t gfp)
{
	return lfq_tlq_push(c, val, gfp);
}

static void *tlq_pop(void *c)
{
	return lfq_tlq_pop(c);
}

/*
 * The two-lock queue's queries take its locks, so they take a pointer to
 * a mutable queue; the lock words are all they write.
 */
static unsigned long tlq_len(const void *c)
{
	return lfq_tlq_len((struct lfq_tlq *)c);
}

static bool tlq_empty(const void *c)
{
	return lfq_tlq_empty((struct lfq_tlq *)c);
}

static int deque_init(void *c, unsigned int capacity, gfp_t gfp)
{
	return lfq_deque_init(c, capacity, gfp);
}

static void deque_destroy(void *c, void (*release)(void *val))
{
	lfq_deque_destroy(c, release);
}

/* Owner only (LFQ_KIND_OWNER); never allocates: @gfp is not used. */
static int deque_push(void *c, void *val, gfp_t gfp)
{
	return lfq_deque_push(c, val);
}

static void *deque_pop(void *c)
{
	return lfq_deque_pop(c);
}

static void *deque_steal(void *c)
{
	return lfq_deque_steal(c);
}

static unsigned long deque_len(const void *c)
{
	return lfq_deque_len(c);
}

static bool deque_empty(const void *c)
{
	return lfq_deque_empty(c);
}

#define LFQ_CTX_NODE	(LFQ_CTX_TASK | LFQ_CTX_SOFTIRQ | LFQ_CTX_HARDIRQ)
#define LFQ_CTX_ANY	(LFQ_CTX_NODE | LFQ_CTX_NMI)

const struct lfq_kind lfq_kinds[] = {
	{
		.name		= "msq",
		.desc		= "Michael-Scott lock-free FIFO queue (PODC 1996)",
		.uapi_kind	= LFQ_KIND_MSQ,
		.flags		= LFQ_KIND_FIFO | LFQ_KIND_NODES |
				  LFQ_KIND_LOCKFREE | LFQ_KIND_RCU_NODES |
				  LFQ_KIND_DUMMY,
		.push_ctx	= LFQ_CTX_NODE,
		.pop_ctx	= LFQ_CTX_NODE,
		.size		= sizeof(struct lfq_msq),
		.node_size	= sizeof(struct lfq_node),
		.init		= msq_init,
		.destroy	= msq_destroy,
		.push		= msq_push,
		.pop		= msq_pop,
		.len		= msq_len,
		.empty		= msq_empty,
		.push_node_ctx	= LFQ_CTX_ANY,
		.pop_node_ctx	= LFQ_CTX_NODE,
		.push_node	= msq_push_node,
		.pop_node	= msq_pop_node,
		.destroy_nodes	= msq_destroy_nodes,
		.pop_reserve	= msq_pop_reserve,
	},
	{
		.name		= "stack",
		.desc		= "Treiber lock-free LIFO stack (IBM RJ 5118, 1986)",
		.uapi_kind	= LFQ_KIND_STACK,
		.flags		= LFQ_KIND_LIFO | LFQ_KIND_NODES |
				  LFQ_KIND_LOCKFREE | LFQ_KIND_RCU_NODES,
		.push_ctx	= LFQ_CTX_NODE,
		.pop_ctx	= LFQ_CTX_NODE,
		.size		= sizeof(struct lfq_stack),
		.node_size	= sizeof(struct lfq_node),
		.init		= stack_init,
		.destroy	= stack_destroy,
		.push		= stack_push,
		.pop		= stack_pop,
		.len		= stack_len,
		.empty		= stack_empty,
		.push_node_ctx	= LFQ_CTX_ANY,
		.pop_node_ctx	= LFQ_CTX_ANY,
		.push_node	= stack_push_node,
		.pop_node	= stack_pop_node,
		.destroy_nodes	= stack_destroy_nodes,
	},
	{
		.name		= "ring",
		.desc		= "bounded MPMC FIFO ring with per-slot sequence numbers",
		.uapi_kind	= LFQ_KIND_RING,
		.flags		= LFQ_KIND_FIFO | LFQ_KIND_BOUNDED |
				  LFQ_KIND_LOCKFREE,
		.push_ctx	= LFQ_CTX_ANY,
		.pop_ctx	= LFQ_CTX_ANY,
		.size		= sizeof(struct lfq_ring),
		.slot_size	= sizeof(struct lfq_ring_slot),
		.init		= ring_init,
		.destroy	= ring_destroy,
		.push		= ring_push,
		.pop		= ring_pop,
		.push_many	= ring_push_many,
		.pop_many	= ring_pop_many,
		.len		= ring_len,
		.empty		= ring_empty,
	},
	{
		/* Kernel API only, for now: the device keeps the ring. */
		.name		= "scq",
		.desc		= "Nikolaev's SCQ: bounded FIFO, fetch-and-add claims (DISC 2019)",
		.uapi_kind	= 0,
		.flags		= LFQ_KIND_FIFO | LFQ_KIND_BOUNDED |
				  LFQ_KIND_LOCKFREE,
		.push_ctx	= LFQ_CTX_ANY,
		.pop_ctx	= LFQ_CTX_ANY,
		.size		= sizeof(struct lfq_scq),
		/* two index rings of 2 entries per value, one data slot */
		.slot_size	= 5 * sizeof(unsigned long),
		.init		= scq_init,
		.destroy	= scq_destroy,
		.push		= scq_push,
		.pop		= scq_pop,
		.push_many	= scq_push_many,
		.pop_many	= scq_pop_many,
		.len		= scq_len,
		.empty		= scq_empty,
	},
	{
		.name		= "tlq",
		.desc		= "Michael-Scott two-lock FIFO queue, blocking (PODC 1996)",
		.uapi_kind	= LFQ_KIND_TLQ,
		.flags		= LFQ_KIND_FIFO | LFQ_KIND_NODES | LFQ_KIND_DUMMY,
		.push_ctx	= LFQ_CTX_NODE,
		.pop_ctx	= LFQ_CTX_NODE,
		.size		= sizeof(struct lfq_tlq),
		.node_size	= sizeof(struct lfq_node),
		.init		= tlq_init,
		.destroy	= tlq_destroy,
		.push		= tlq_push,
		.pop		= tlq_pop,
		.len		= tlq_len,
		.empty		= tlq_empty,
	},
	{
		/*
		 * Kernel API only: a queue fd may be used by any number of
		 * tasks at once, which the owner-only push and pop forbid.
		 */
		.name		= "deque",
		.desc		= "Chase-Lev work-stealing deque, bounded (SPAA 2005; PPoPP 2013)",
		.uapi_kind	= 0,
		.flags		= LFQ_KIND_LIFO | LFQ_KIND_BOUNDED |
				  LFQ_KIND_LOCKFREE | LFQ_KIND_OWNER,
		.push_ctx	= LFQ_CTX_ANY,
		.pop_ctx	= LFQ_CTX_ANY,
		.size		= sizeof(struct lfq_deque),
		.slot_size	= sizeof(void *),
		.init		= deque_init,
		.destroy	= deque_destroy,
		.push		= deque_push,
		.pop		= deque_pop,
		.steal		= deque_steal,
		.len		= deque_len,
		.empty		= deque_empty,
	},
};
EXPORT_SYMBOL_NS_GPL(lfq_kinds, LFQ_NS);

const unsigned int lfq_nr_kinds = ARRAY_SIZE(lfq_kinds);
EXPORT_SYMBOL_NS_GPL(lfq_nr_kinds, LFQ_NS);

/**
 * lfq_kind_by_name() - look a kind up by its name
 * @name: "msq", "stack", "ring", "scq", "tlq", "deque", ...
 *
 * Context: any context.
 * Return: the registry entry, or NULL if no kind has that name.
 */
const struct lfq_kind *lfq_kind_by_name(const char *name)
{
	const struct lfq_kind *k;

	lfq_for_each_kind(k)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}
EXPORT_SYMBOL_NS_GPL(lfq_kind_by_name, LFQ_NS);

/**
 * lfq_kind_by_uapi() - the kind /dev/lfq offers as LFQ_KIND_* @uapi_kind
 * @uapi_kind: LFQ_KIND_* from uapi/linux/lfq.h
 *
 * Context: any context.
 * Return: the registry entry, or NULL if no kind offered to userspace has
 * that number (0 included).
 */
const struct lfq_kind *lfq_kind_by_uapi(unsigned int uapi_kind)
{
	const struct lfq_kind *k;

	if (!uapi_kind)
		return NULL;
	lfq_for_each_kind(k)
		if (k->uapi_kind == uapi_kind)
			return k;
	return NULL;
}
EXPORT_SYMBOL_NS_GPL(lfq_kind_by_uapi, LFQ_NS);

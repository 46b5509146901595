/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lfq_internal.h - declarations shared inside lfq.ko, not exported
 *
 * The same files are compiled in userspace against the header shim in
 * userspace/shim/, so everything here uses kernel interfaces only.
 */
#ifndef _LFQ_INTERNAL_H
#define _LFQ_INTERNAL_H

#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/types.h>

#include "lfq.h"

/**
 * struct lfq_node - one value of an msq, stack or tlq
 * @next: the node after this one (msq, tlq: towards the tail; stack:
 *	towards the bottom).  Written only before the node is published,
 *	except for the msq/tlq tail node, whose @next is set once, from NULL,
 *	by the producer that links the following node.
 * @seq: msq and tlq: enqueue sequence number (predecessor's + 1), read
 *	with @next by the msq producer, hence next to it; stack: unused.
 * @qnode: msq: the intrusive node the queue links (aliases @next, @seq)
 * @snode: stack: the intrusive node the stack links (aliases @next)
 * @val: the value; never changes once the node is published.
 * @rcu: for call_rcu() once the node is unlinked.
 */
struct lfq_node {
	union {
		struct {
			struct lfq_node *next;
			unsigned long seq;
		};
		struct lfq_msq_node qnode;
		struct lfq_stack_node snode;
	};
	void *val;
	struct rcu_head rcu;
};

/**
 * struct lfq_ring_slot - one cell of an lfq_ring
 * @seq: position for which the slot is ready: @seq == pos means free for
 *	the producer of position pos; @seq == pos + 1 means it holds the value
 *	of position pos for its consumer.
 * @val: the value, valid while @seq == pos + 1.
 */
struct lfq_ring_slot {
	unsigned long seq;
	void *val;
};

/* lfq_core.c: the node cache and RCU backlog accounting */
int lfq_core_init(void);
void lfq_core_exit(void);

extern struct kmem_cache *lfq_node_cachep;
extern bool lfq_rcu_throttled;

/*
 * Nodes come from, and unlinked nodes go back to, a per-CPU cache of
 * batches tagged with RCU grace-period cookies (see lfq_core.c).
 * lfq_node_alloc() returns a cached node whose grace period is over, else
 * a slab object (NULL if that fails); lfq_node_free_rcu() caches an
 * unlinked node until a grace period has passed.  Both: any context but
 * NMI.  lfq_node_free() gives a node nobody could have seen back to the
 * slab at once.
 */
struct lfq_node *lfq_node_alloc(gfp_t gfp);
void lfq_node_free_rcu(struct lfq_node *node);
void lfq_rcu_throttle_slow(void);
unsigned long lfq_node_cached(void);
void lfq_node_cache_drain(void);

static inline void lfq_node_free(struct lfq_node *node)
{
	kmem_cache_free(lfq_node_cachep, node);
}

/* The dummy node a queue (msq, tlq) starts with: no value, sequence 0. */
static inline struct lfq_node *lfq_dummy_alloc(gfp_t gfp)
{
	struct lfq_node *dummy = lfq_node_alloc(gfp);

	if (dummy) {
		dummy->next = NULL;
		dummy->val = NULL;
		dummy->seq = 0;
	}
	return dummy;
}

void lfq_queue_free_nodes(struct lfq_node *dummy, void (*release)(void *val));

/*
 * Called by every node-allocating push before it allocates.  When the
 * number of nodes waiting for a grace period has passed the high mark
 * (see lfq_core.c), callers that may sleep wait for one grace period
 * (cond_synchronize_rcu(), never rcu_barrier()), after which the nodes
 * cached before can be reused, so a push/pop storm cannot outrun RCU.
 * One read of a read-mostly flag otherwise.
 */
static inline void lfq_rcu_throttle(gfp_t gfp)
{
	if (unlikely(READ_ONCE(lfq_rcu_throttled)) &&
	    gfpflags_allow_blocking(gfp))
		lfq_rcu_throttle_slow();
}

/*
 * Counts one failed compare-and-exchange (see lfq_cas_retries()).  Out of
 * line: it runs on the retry path only.
 */
void lfq_count_retry(void);

/*
 * /dev/lfq: the factory (lfq_factory.c) and the file of a queue fd
 * (lfq_fops.c), front ends of the queue engine (lfq_queue.h).
 */
struct file;
struct lfq_queue;

int lfq_dev_init(void);
void lfq_dev_exit(void);
void lfq_factory_release(struct lfq_queue *q);
struct file *lfq_queue_getfile(struct lfq_queue *q, bool nonblock);

/* Largest kernel structure an ioctl of /dev/lfq copies in or out. */
#define LFQ_IOCTL_BUF_SIZE	128

/**
 * struct lfq_ioctl_op - one ioctl of a table for lfq_ioctl()
 * @cmd: the command
 * @min_size: the smallest size a caller may give (LFQ_*_SIZE_VER0)
 * @size: the size of the kernel's structure
 * @out: the structure is an output; else an input
 * @flags_in: with @out: the second word is an input flags field, which
 *	must be 0
 * @fn: the handler; gets the file and the kernel's copy of the structure
 *	(an output zeroed but for its size), returns what the ioctl returns
 *
 * Fill tables with LFQ_IOCTL_IN() and LFQ_IOCTL_OUT().
 */
struct lfq_ioctl_op {
	unsigned int cmd;
	u32 min_size;
	u32 size;
	bool out;
	bool flags_in;
	long (*fn)(struct file *file, void *arg);
};

#define LFQ_IOCTL_OP(_cmd, _fn, _type, _ver0, _out, _flags_in)		\
	{								\
		.cmd = (_cmd),						\
		.min_size = (_ver0),					\
		.size = sizeof(_type) +					\
			BUILD_BUG_ON_ZERO(sizeof(_type) > LFQ_IOCTL_BUF_SIZE), \
		.out = (_out),						\
		.flags_in = (_flags_in),				\
		.fn = (_fn),						\
	}
/* An input structure, read with copy_struct_from_user(). */
#define LFQ_IOCTL_IN(_cmd, _fn, _type, _ver0)				\
	LFQ_IOCTL_OP(_cmd, _fn, _type, _ver0, false, false)
/* An output structure; with @_flags_in its second word is input flags. */
#define LFQ_IOCTL_OUT(_cmd, _fn, _type, _ver0, _flags_in)		\
	LFQ_IOCTL_OP(_cmd, _fn, _type, _ver0, true, _flags_in)

long lfq_ioctl(struct file *file, const struct lfq_ioctl_op *ops,
	       size_t nr_ops, unsigned int cmd, unsigned long arg);

#endif /* _LFQ_INTERNAL_H */

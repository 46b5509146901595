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
 * @val: the value; never changes once the node is published.
 * @rcu: for call_rcu() once the node is unlinked.
 */
struct lfq_node {
	struct lfq_node *next;
	unsigned long seq;
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

void lfq_node_free_rcu(struct lfq_node *node);
void lfq_rcu_throttle_slow(void);

static inline struct lfq_node *lfq_node_alloc(gfp_t gfp)
{
	return kmem_cache_alloc(lfq_node_cachep, gfp);
}

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
 * (see lfq_core.c), callers that may sleep wait in rcu_barrier(), so a
 * push/pop storm cannot outrun RCU.  One read of a read-mostly flag
 * otherwise.
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

/* lfq_dev.c: /dev/lfq */
int lfq_dev_init(void);
void lfq_dev_exit(void);

#endif /* _LFQ_INTERNAL_H */

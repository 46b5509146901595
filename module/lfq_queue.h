/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lfq_queue.h - the queue engine behind /dev/lfq
 *
 * A queue carries messages (struct lfq_kmsg) in a container of one kind of
 * the registry, with a byte budget, claim/avail accounting, a stash for
 * messages put back, an optional pool of preallocated buffers, and wait
 * queues.  lfq_queue.c explains the accounting and why no wakeup is lost.
 *
 * A front end (the file operations of a queue fd, lfq_fops.c) moves bytes
 * between its caller and messages, and calls:
 *
 *   lfq_queue_alloc()/lfq_queue_free()   make and take apart a queue
 *   lfq_push_msgs()                      claim room, fill, push, wake
 *   lfq_pop_msgs()                       claim messages and take them
 *   lfq_delivered()/lfq_putback()        after a pop: done, or first in line
 *   lfq_queue_events()                   EPOLLIN/EPOLLOUT, after poll_wait()
 *                                        on @rwq and @wwq
 *   lfq_queue_stats()/lfq_queue_info()   LFQ_IOC_STATS, LFQ_IOC_INFO
 *
 * Nothing here knows about files: another front end (shared-memory rings
 * mapped by the queue fd) uses the same calls.
 */
#ifndef _LFQ_QUEUE_H
#define _LFQ_QUEUE_H

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/cache.h>
#include <linux/gfp.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/wait.h>

#include <linux/lfq.h>

#include "lfq.h"

struct iov_iter;

/*
 * Limits the accounting is built for: a queue's capacity (bounded kinds),
 * largest message and byte budget, and the most messages one call moves.
 */
#define LFQ_DEV_RING_MAX	BIT(16)
#define LFQ_MAX_MSG_LIMIT	BIT(20)
#define LFQ_MAX_BYTES_LIMIT	BIT_ULL(30)
#define LFQ_MAX_BATCH		1024U

/*
 * Allocations a user causes: charged to the memory cgroup, failing with
 * -ENOMEM at a cgroup limit instead of invoking the OOM killer, and silent.
 */
#define LFQ_GFP		(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

/**
 * struct lfq_kmsg - one message
 * @link: position in lfq_queue.stash while put back
 * @rcu: after delivery from a kind with intrusive operations: waiting for
 *	the grace period after which @node may be freed
 * @len: payload length, 1..max_msg
 * @charge: bytes charged to the queue's budget for this message
 * @split: the payload has an allocation of its own, at @ext or @node_ext:
 *	header and payload together would fall into a much larger allocator
 *	size class (a 4096-byte payload would cost 8 KiB)
 * @has_node: the message is for a kind with intrusive operations (struct
 *	lfq_kind.push_node): it has @node, and the payload or @node_ext
 *	follows it
 * @ext: without @has_node, with @split: the payload
 * @node: with @has_node: the node the container links; the message is the
 *	value, no node is allocated for it.  Not overwritten until a grace
 *	period after the pop (concurrent pops may read it), hence not
 *	shared with @link or @rcu.
 * @node.msq: as an msq node
 * @node.stack: as a stack node
 * @node_ext: with @has_node and @split: the payload
 *
 * Without @split the payload follows the header: at LFQ_KMSG_HDR, or
 * LFQ_KMSG_NODE_HDR with @has_node, so that kinds without intrusive
 * operations do not pay for the node.  Use lfq_kmsg_data() for the
 * payload.
 */
struct lfq_kmsg {
	union {
		struct list_head link;
		struct rcu_head rcu;
	};
	u32 len;
	u32 charge : 30;
	u32 split : 1;
	u32 has_node : 1;
	union {
		u8 *ext;
		struct {
			union {
				struct lfq_msq_node msq;
				struct lfq_stack_node stack;
			} node;
			u8 *node_ext;
		};
	};
};

#define LFQ_KMSG_HDR		offsetof(struct lfq_kmsg, ext)
#define LFQ_KMSG_NODE_HDR	offsetof(struct lfq_kmsg, node_ext)

/* Bytes of a message before its payload (or its payload's pointer). */
static inline size_t lfq_kmsg_hdr(bool has_node)
{
	return has_node ? LFQ_KMSG_NODE_HDR : LFQ_KMSG_HDR;
}

/* Where a message with @split keeps its payload's pointer. */
static inline u8 **lfq_kmsg_extp(struct lfq_kmsg *m)
{
	return m->has_node ? &m->node_ext : &m->ext;
}

/**
 * lfq_kmsg_data() - the payload of a message
 * @m: the message
 *
 * Context: any context.
 * Return: @m->len bytes of payload.
 */
static inline u8 *lfq_kmsg_data(struct lfq_kmsg *m)
{
	if (m->split)
		return *lfq_kmsg_extp(m);
	return (u8 *)m + lfq_kmsg_hdr(m->has_node);
}

struct lfq_pcpu_stats;

/**
 * struct lfq_queue - a queue of messages
 * @kind: the kind of the structure, from the registry
 * @pool: with a message pool: a second container of @kind, holding the
 *	message buffers not in use; NULL when messages are allocated one by
 *	one
 * @used: claimed charge | claimed messages << LFQ_SLOT_SHIFT
 * @avail: messages present and not claimed by a consumer
 * @payload: payload bytes of the messages counted in @used
 * @peak_len: largest @avail seen
 * @peak_bytes: largest @payload seen
 * @peak_charge: largest charge part of @used seen
 * @nstash: number of messages on @stash (read without the lock)
 * @stash_lock: protects @stash
 * @stash: messages put back, first in line
 * @rwq: readers and pollers wait here for EPOLLIN
 * @wwq: writers and pollers wait here for EPOLLOUT
 * @stats: per-CPU counters
 * @capacity: capacity of a bounded kind, 0 for the others
 * @max_msg: largest message
 * @max_bytes: byte budget: bound on the charge of the messages held
 * @max_charge: the charge of a max_msg-byte message
 * @fixed_bytes: memory the queue holds whatever its contents
 * @c: the structure, a container of @kind (@kind->size bytes)
 *
 * A front end reads @kind, @capacity, @max_msg and @max_bytes and waits on
 * @rwq and @wwq; everything else belongs to lfq_queue.c.
 */
struct lfq_queue {
	const struct lfq_kind *kind;
	void *pool;
	atomic64_t used ____cacheline_aligned_in_smp;
	atomic_long_t avail;
	atomic64_t payload;
	atomic_long_t peak_len;
	atomic64_t peak_bytes;
	atomic64_t peak_charge;
	unsigned int nstash;
	spinlock_t stash_lock;	/* protects @stash, serialises @nstash updates */
	struct list_head stash;
	wait_queue_head_t rwq ____cacheline_aligned_in_smp;
	wait_queue_head_t wwq;
	struct lfq_pcpu_stats __percpu *stats;
	u32 capacity;
	u32 max_msg;
	u64 max_bytes;
	u32 max_charge;
	u64 fixed_bytes;
	u8 c[] ____cacheline_aligned_in_smp;
};

struct lfq_queue *lfq_queue_alloc(const struct lfq_kind *k, u32 capacity,
				  u32 max_msg, u64 max_bytes);
void lfq_queue_free(struct lfq_queue *q);
u32 lfq_kind_msg_charge(const struct lfq_kind *k, u32 len);
u32 lfq_msg_charge(const struct lfq_queue *q, u32 len);
int lfq_push_msgs(struct lfq_queue *q, const struct lfq_msg_desc *d,
		  struct lfq_kmsg **msgs, unsigned int n, bool all,
		  struct iov_iter *from, bool nonblock, const ktime_t *deadline);
int lfq_pop_msgs(struct lfq_queue *q, struct lfq_kmsg **msgs,
		 unsigned int n, bool all, bool nonblock,
		 const ktime_t *deadline);
void lfq_putback(struct lfq_queue *q, struct lfq_kmsg **msgs, unsigned int n);
void lfq_delivered(struct lfq_queue *q, struct lfq_kmsg **msgs,
		   unsigned int n);
__poll_t lfq_queue_events(struct lfq_queue *q);
void lfq_queue_stats(struct lfq_queue *q, struct lfq_stats *st);
void lfq_queue_info(const struct lfq_queue *q, struct lfq_info *info);
unsigned long lfq_kmsg_rcu_backlog(void);

#endif /* _LFQ_QUEUE_H */

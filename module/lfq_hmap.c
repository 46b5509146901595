// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_hmap.c - lock-free hash map: Michael's list-based hash table
 *
 * M. M. Michael, "High Performance Dynamic Lock-Free Hash Tables and
 * List-Based Sets", SPAA 2002.  A fixed power-of-two array of buckets;
 * bucket i is the head word of a singly linked list of nodes sorted by
 * strictly increasing key.  A node's link word holds the address of the
 * next node and, in bit 0, the node's deletion mark.
 *
 * Nodes are the core's (struct lfq_node, lfq_node_cachep): @next is the
 * link word (read and written as an unsigned long, see hmap_link()), @seq
 * the key, @val the value.  Key and value are written before the node is
 * published and never change after.
 *
 * Insert finds the pair (prev, cur) with prev's key < key <= cur's key
 * and swings prev's link word from cur to the new node with one
 * compare-and-exchange, which fails if prev was marked (its word then has
 * bit 0 set) or another node came in between.  Delete marks cur's link
 * word (the linearisation point: from then on the key is absent, and only
 * the CPU whose mark succeeded owns the value), then swings prev from cur
 * to cur's successor.  Traversals that meet a marked node swing it out
 * themselves; whoever's compare-and-exchange takes a node out of the list
 * (deleter or helper, exactly one: after the swing no unmarked link word
 * points to the node any more, and every compare-and-exchange that unlinks
 * expects an unmarked word) hands it to lfq_node_free_rcu().  Lookup only
 * reads: it walks past marked nodes without helping.
 *
 * Memory reclamation and ABA.  Every walk runs inside rcu_read_lock(), and
 * an unlinked node is freed after a grace period, so a node read in the
 * walk is neither freed nor reused before the walk's compare-and-exchange:
 * one that succeeds against a stale node address is impossible (no ABA),
 * and the paper's hazard pointers and the re-read of prev after each step
 * are not needed for safety.
 *
 * Order along any path.  A link word is only ever changed to a node with a
 * larger key than the node that holds it (insert puts key between prev and
 * cur; an unlink puts cur's successor); a marked word never changes.  So
 * every walk, even one that follows nodes already unlinked, meets strictly
 * increasing keys and stops at the first key >= its own.
 */
#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "lfq_internal.h"

/* Bit 0 of a link word: the node holding the word is deleted. */
#define HMAP_MARK	1UL

static_assert(sizeof(struct lfq_node *) == sizeof(unsigned long));
static_assert(__alignof__(struct lfq_node) > HMAP_MARK);

/* A node's link word: its @next field, read and written as a word. */
static inline unsigned long *hmap_link(struct lfq_node *node)
{
	return (unsigned long *)&node->next;
}

static inline struct lfq_node *hmap_node(unsigned long link)
{
	return (struct lfq_node *)(link & ~HMAP_MARK);
}

static inline unsigned long *hmap_bucket(const struct lfq_hmap *m,
					 unsigned long key)
{
	return &m->buckets[m->bits ? hash_long(key, m->bits) : 0];
}

/*
 * struct hmap_pos - where a walk for a key stopped
 * @prev: the link word that pointed to @cur, unmarked when read
 * @cur: the first node with key >= the walk's key, or NULL
 * @next: @cur's link word, unmarked when read (undefined if !@cur)
 */
struct hmap_pos {
	unsigned long *prev;
	struct lfq_node *cur;
	unsigned long next;
};

/*
 * hmap_find - Michael's Find: locate @key in the list at @head, unlinking
 * the marked nodes met on the way
 *
 * Lock-free: it starts over from @head only when a compare-and-exchange
 * that unlinks a marked node fails, i.e. when another CPU changed the word
 * (an insert, a mark or an unlink succeeded).
 *
 * Context: inside rcu_read_lock(); not NMI (it may call call_rcu()).
 * Return: true if @pos->cur is an unmarked node with key @key.
 */
static bool hmap_find(unsigned long *head, unsigned long key,
		      struct hmap_pos *pos)
{
	unsigned long *prev, next, expect;
	struct lfq_node *cur;

retry:
	prev = head;
	/*
	 * Acquire: pairs with the release compare-and-exchanges that
	 * stored this address (insert's publication of a new node, an
	 * unlink's swing to the successor), so the node's key, value and
	 * link word are seen as initialised.
	 */
	cur = hmap_node(smp_load_acquire(prev));
	for (;;) {
		if (!cur) {
			pos->prev = prev;
			pos->cur = NULL;
			return false;
		}
		/* Acquire: pairs as the load of *prev above. */
		next = smp_load_acquire(hmap_link(cur));
		if (next & HMAP_MARK) {
			/*
			 * cur is deleted: swing prev past it.  Release:
			 * publishes the successor to the walks that acquire
			 * *prev (the loads above), which we acquired from
			 * cur's link word.
			 */
			expect = (unsigned long)cur;
			if (!try_cmpxchg_release(prev, &expect,
						 next & ~HMAP_MARK)) {
				lfq_count_retry();
				goto retry;
			}
			lfq_node_free_rcu(cur);
		} else {
			if (cur->seq >= key) {
				pos->prev = prev;
				pos->cur = cur;
				pos->next = next;
				return cur->seq == key;
			}
			prev = hmap_link(cur);
		}
		cur = hmap_node(next);
	}
}

/**
 * lfq_hmap_init() - initialise an empty map with @nr_buckets buckets
 * @m: the map
 * @nr_buckets: number of buckets, a power of two from 1 to
 *	LFQ_HMAP_MAX_BUCKETS; fixed for the map's lifetime (no resizing).  A
 *	lookup walks one bucket, so about as many buckets as entries keeps
 *	the lists one or two nodes long.
 * @gfp: allocation flags for the bucket array (one word per bucket);
 *	__GFP_ZERO and __GFP_NOWARN are added
 *
 * The array comes from kvmalloc: with GFP_KERNEL it may fall back to
 * vmalloc for large arrays; with flags that cannot sleep it is a kmalloc
 * on 6.1 and 6.12 (later kernels may vmalloc), which may fail for large
 * arrays.  @m is cleared first, so
 * lfq_hmap_destroy() after a failed init is safe.
 *
 * Context: any context that @gfp allows but NMI (process context with
 * GFP_KERNEL; GFP_ATOMIC or GFP_NOWAIT in atomic context).
 * Return: 0, -EINVAL if @nr_buckets is 0, not a power of two or above
 * LFQ_HMAP_MAX_BUCKETS, -ENOMEM if the array cannot be allocated.
 */
int lfq_hmap_init(struct lfq_hmap *m, unsigned int nr_buckets, gfp_t gfp)
{
	memset(m, 0, sizeof(*m));
	if (!is_power_of_2(nr_buckets) || nr_buckets > LFQ_HMAP_MAX_BUCKETS)
		return -EINVAL;
	m->buckets = kvcalloc(nr_buckets, sizeof(*m->buckets),
			      gfp | __GFP_NOWARN);
	if (!m->buckets)
		return -ENOMEM;
	m->mask = nr_buckets - 1;
	m->bits = ilog2(nr_buckets);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_hmap_init, LFQ_NS);

/**
 * lfq_hmap_destroy() - free every node and the bucket array
 * @m: the map; nobody may use it any more (every insert, delete, lookup
 *	and count on it has returned)
 * @release: called on each value still in the map, in no particular
 *	order, or NULL
 *
 * The nodes are freed at once (no grace period: nobody can reach them).
 * Calling it again, or after a failed lfq_hmap_init(), does nothing.
 *
 * Context: process context if the array may have come from vmalloc
 * (init with GFP_KERNEL); otherwise any context but NMI.  Sleeps only if
 * @release does.
 * Return: nothing.
 */
void lfq_hmap_destroy(struct lfq_hmap *m, void (*release)(void *val))
{
	struct lfq_node *node, *next;
	unsigned long link;
	unsigned int i;

	if (!m->buckets)
		return;
	for (i = 0; i <= m->mask; i++) {
		for (node = hmap_node(m->buckets[i]); node; node = next) {
			link = *hmap_link(node);
			next = hmap_node(link);
			/* a marked node's value went to its deleter */
			if (release && !(link & HMAP_MARK))
				release(node->val);
			lfq_node_free(node);
		}
	}
	kvfree(m->buckets);
	m->buckets = NULL;
	m->mask = 0;
	m->bits = 0;
	atomic_long_set(&m->count, 0);
}
EXPORT_SYMBOL_NS_GPL(lfq_hmap_destroy, LFQ_NS);

/**
 * lfq_hmap_insert() - add @key with value @val, unless @key is present
 * @m: the map
 * @key: the key
 * @val: the value, not NULL
 * @gfp: allocation flags for the node; __GFP_NOWARN is added
 *
 * Allocates one node (from the "lfq_node" cache, before looking at the
 * map: a failed allocation returns -ENOMEM even if @key is present), then
 * links it into its bucket's list with one release compare-and-exchange,
 * which publishes @val and everything the caller wrote before: a lookup
 * or delete that returns @val sees it (their acquire loads of the link
 * words pair with it).  On -EEXIST the node is freed at once, never
 * having been visible.
 *
 * Lock-free: the walk starts over only when a compare-and-exchange fails
 * because another CPU's insert, delete or unlink succeeded on the same
 * word; retries are counted in lfq_cas_retries().  Never waits for RCU:
 * unlike the msq and stack pushes it does not throttle on
 * lfq_rcu_backlog(), so that it may run in atomic context.  The nodes
 * waiting for a grace period are those that deletes unlinked, at most one
 * per successful delete; their number is bounded only by how fast RCU
 * runs callbacks (the kernel's RCU speeds up grace periods and callback
 * invocation when a CPU queues many callbacks).
 *
 * Context: any context that @gfp allows (process; softirq or hardirq with
 * GFP_ATOMIC or GFP_NOWAIT); not NMI (it may call call_rcu() while
 * helping unlink, and allocates).
 * Return: 0 if inserted, -EINVAL if @val is NULL, -EEXIST if @key is
 * present (the map is unchanged), -ENOMEM if no node can be allocated.
 */
int lfq_hmap_insert(struct lfq_hmap *m, unsigned long key, void *val,
		    gfp_t gfp)
{
	unsigned long *head = hmap_bucket(m, key);
	struct lfq_node *node;
	struct hmap_pos pos;
	unsigned long expect;

	if (unlikely(!val))
		return -EINVAL;
	node = lfq_node_alloc(gfp | __GFP_NOWARN);
	if (unlikely(!node))
		return -ENOMEM;
	node->seq = key;
	node->val = val;

	rcu_read_lock();
	for (;;) {
		if (hmap_find(head, key, &pos)) {
			rcu_read_unlock();
			lfq_node_free(node);
			return -EEXIST;
		}
		/* not yet published: nobody else reads the node's word */
		*hmap_link(node) = (unsigned long)pos.cur;
		/*
		 * Publish the node, its key and value, and the caller's
		 * writes to *val: pairs with the smp_load_acquire()s of
		 * link words in hmap_find() and lfq_hmap_lookup().  Fails if
		 * prev was marked or no longer points to cur.
		 */
		expect = (unsigned long)pos.cur;
		if (try_cmpxchg_release(pos.prev, &expect, (unsigned long)node))
			break;
		lfq_count_retry();
	}
	rcu_read_unlock();
	atomic_long_inc(&m->count);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_hmap_insert, LFQ_NS);

/**
 * lfq_hmap_lookup() - the value of @key
 * @m: the map
 * @key: the key
 *
 * Walks @key's bucket from its head and stops at the first node whose
 * key is >= @key; the value is returned if that node has @key and is not
 * marked deleted.  Passes over marked nodes without unlinking them, so it
 * never writes shared memory and never starts over.  Each step goes to a
 * node with a larger key, so the walk visits at most one node per key in
 * the bucket, among those present at the start or inserted during the
 * call: wait-free when the inserts into the bucket during the call are
 * finitely many (in particular when there are none, it visits at most the
 * bucket's nodes), lock-free in any case.
 *
 * The link words are read with acquire loads that pair with the release
 * compare-and-exchange of lfq_hmap_insert(): what the inserter wrote
 * before inserting the value is visible to the caller.  The value may be
 * deleted concurrently: keeping what it points to alive is the caller's
 * business (e.g. free it after a grace period and use it under
 * rcu_read_lock()).
 *
 * Context: any context, including NMI: it only reads, allocates nothing,
 * queues no RCU callback, and rcu_read_lock() is NMI-safe.
 * Return: the value, or NULL if @key is absent.
 */
void *lfq_hmap_lookup(struct lfq_hmap *m, unsigned long key)
{
	struct lfq_node *cur;
	unsigned long next;
	void *val = NULL;

	rcu_read_lock();
	/*
	 * Acquire: pairs with the release compare-and-exchanges of insert
	 * (publication) and of an unlink that stored this address.
	 */
	cur = hmap_node(smp_load_acquire(hmap_bucket(m, key)));
	while (cur) {
		/* Acquire: pairs as the load of the bucket above. */
		next = smp_load_acquire(hmap_link(cur));
		if (cur->seq >= key) {
			if (cur->seq == key && !(next & HMAP_MARK))
				val = cur->val;
			break;
		}
		cur = hmap_node(next);
	}
	rcu_read_unlock();
	return val;
}
EXPORT_SYMBOL_NS_GPL(lfq_hmap_lookup, LFQ_NS);

/**
 * lfq_hmap_delete() - remove @key and return its value
 * @m: the map
 * @key: the key
 *
 * Marks the node of @key deleted with one compare-and-exchange of its
 * link word: among concurrent deletes of one key, exactly one marks it
 * and gets the value; the others find the key absent.  The node is then
 * unlinked, by this call or by a walk that meets it first, and freed
 * after an RCU grace period (counted in lfq_rcu_backlog() meanwhile).
 *
 * Lock-free: the walk starts over only when a compare-and-exchange fails
 * because another CPU's insert, delete or unlink succeeded on the same
 * word; retries are counted in lfq_cas_retries().
 *
 * Context: any context but NMI (it calls call_rcu()).
 * Return: the value @key had, or NULL if @key was absent.
 */
void *lfq_hmap_delete(struct lfq_hmap *m, unsigned long key)
{
	unsigned long *head = hmap_bucket(m, key);
	struct hmap_pos pos;
	unsigned long expect;
	void *val = NULL;

	rcu_read_lock();
	for (;;) {
		if (!hmap_find(head, key, &pos))
			goto out;
		/*
		 * Relaxed: the mark publishes nothing.  Walks that see it
		 * and follow the successor still synchronise with the
		 * successor's inserter, whose release heads the release
		 * sequence this read-modify-write extends.
		 */
		if (try_cmpxchg_relaxed(hmap_link(pos.cur), &pos.next,
					pos.next | HMAP_MARK))
			break;
		lfq_count_retry();
	}
	/* key, value: written before publication, never changed after */
	val = pos.cur->val;
	atomic_long_dec(&m->count);
	/* Release: as the unlink in hmap_find(), which pairs likewise. */
	expect = (unsigned long)pos.cur;
	if (try_cmpxchg_release(pos.prev, &expect, pos.next))
		lfq_node_free_rcu(pos.cur);
	else
		hmap_find(head, key, &pos);	/* unlinks it, or finds it gone */
out:
	rcu_read_unlock();
	return val;
}
EXPORT_SYMBOL_NS_GPL(lfq_hmap_delete, LFQ_NS);

/**
 * lfq_hmap_count() - number of keys in the map
 * @m: the map
 *
 * Wait-free: one read of a counter that insert increments after its node
 * is linked and delete decrements after its mark, so it may be off by the
 * number of inserts and deletes in flight; exact when quiescent.
 *
 * Context: any context, including NMI.
 * Return: the approximate number of keys present.
 */
unsigned long lfq_hmap_count(const struct lfq_hmap *m)
{
	long n = atomic_long_read(&m->count);

	return n > 0 ? n : 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_hmap_count, LFQ_NS);

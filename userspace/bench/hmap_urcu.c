// SPDX-License-Identifier: GPL-2.0
/*
 * hmap_urcu.c - liburcu's rculfhash (cds_lfht: Triplett, McKenney and
 * Walpole's resizable RCU hash table, split-ordered lists), for
 * hmap_bench.c.
 *
 * Flavour: urcu-memb, the one the lfq shim is built on (one registration
 * per worker, hb_thread_online() in hmap_lfq.c), with _LGPL_SOURCE so the
 * read-side primitives are inlined, as liburcu recommends.  The table is
 * created with nr_keys buckets and no CDS_LFHT_AUTO_RESIZE: a fixed size,
 * as lfq_hmap's.  Every operation runs under urcu_memb_read_lock(), as
 * rculfhash.h requires for lookup, add and del; one malloc'd entry per
 * insert (node, key, value, rcu_head), freed after a grace period with
 * urcu_memb_call_rcu() once cds_lfht_del() has removed it (only the thread
 * whose del succeeded frees it).
 */
#define _LGPL_SOURCE
#include <stdlib.h>
#include <urcu/urcu-memb.h>
#include <urcu/rculfhash.h>

#include "hmap_bench.h"

struct lfht_entry {
	struct cds_lfht_node node;
	unsigned long key;
	void *val;
	struct rcu_head rcu;
};

static int lfht_match(struct cds_lfht_node *node, const void *key)
{
	const struct lfht_entry *e =
		caa_container_of(node, struct lfht_entry, node);

	return e->key == *(const unsigned long *)key;
}

static void lfht_free_cb(struct rcu_head *head)
{
	free(caa_container_of(head, struct lfht_entry, rcu));
}

static void *lfht_create(unsigned long nr_keys)
{
	struct cds_lfht *ht = cds_lfht_new_flavor(nr_keys, nr_keys, nr_keys,
						  0, &urcu_memb_flavor, NULL);

	if (!ht)
		abort();
	return ht;
}

static void lfht_destroy(void *m)
{
	struct cds_lfht *ht = m;
	struct cds_lfht_iter iter;
	struct lfht_entry *e;

	urcu_memb_read_lock();
	cds_lfht_for_each_entry(ht, &iter, e, node)
		if (!cds_lfht_del(ht, &e->node))
			urcu_memb_call_rcu(&e->rcu, lfht_free_cb);
	urcu_memb_read_unlock();
	urcu_memb_barrier();
	if (cds_lfht_destroy(ht, NULL))
		abort();
}

static bool lfht_insert(void *m, void *tls, unsigned long key, void *val)
{
	struct lfht_entry *e = malloc(sizeof(*e));
	struct cds_lfht_node *got;

	if (!e)
		abort();
	cds_lfht_node_init(&e->node);
	e->key = key;
	e->val = val;
	urcu_memb_read_lock();
	got = cds_lfht_add_unique(m, hb_hash(key), lfht_match, &key, &e->node);
	urcu_memb_read_unlock();
	if (got == &e->node)
		return true;
	free(e);		/* never published */
	return false;
}

static bool lfht_erase(void *m, void *tls, unsigned long key)
{
	struct cds_lfht_iter iter;
	struct cds_lfht_node *node;
	bool done = false;

	urcu_memb_read_lock();
	cds_lfht_lookup(m, hb_hash(key), lfht_match, &key, &iter);
	node = cds_lfht_iter_get_node(&iter);
	if (node && !cds_lfht_del(m, node)) {
		struct lfht_entry *e =
			caa_container_of(node, struct lfht_entry, node);

		urcu_memb_call_rcu(&e->rcu, lfht_free_cb);
		done = true;
	}
	urcu_memb_read_unlock();
	return done;
}

static void *lfht_lookup(void *m, void *tls, unsigned long key)
{
	struct cds_lfht_iter iter;
	struct cds_lfht_node *node;
	void *val = NULL;

	urcu_memb_read_lock();
	cds_lfht_lookup(m, hb_hash(key), lfht_match, &key, &iter);
	node = cds_lfht_iter_get_node(&iter);
	if (node)
		val = caa_container_of(node, struct lfht_entry, node)->val;
	urcu_memb_read_unlock();
	return val;
}

static unsigned long lfht_count(void *m)
{
	unsigned long n;
	long before, after;

	urcu_memb_read_lock();
	cds_lfht_count_nodes(m, &before, &n, &after);
	urcu_memb_read_unlock();
	return n;
}

const struct hb_map hb_lfht = {
	.name = "rculfhash",
	.note = "liburcu cds_lfht, urcu-memb flavour, nr_keys buckets, no auto-resize; malloc entry per insert, freed by urcu_memb_call_rcu after cds_lfht_del",
	.create = lfht_create,
	.destroy = lfht_destroy,
	.insert = lfht_insert,
	.erase = lfht_erase,
	.lookup = lfht_lookup,
	.count = lfht_count,
};

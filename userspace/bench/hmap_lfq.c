// SPDX-License-Identifier: GPL-2.0
/*
 * hmap_lfq.c - lfq_hmap (module/lfq_hmap.c through the kernel-API shim,
 * userspace/shim, the variant the Makefile links), for hmap_bench.c.
 *
 * The map's own functions are called as a module would call the exported
 * symbols; each takes rcu_read_lock() itself.  Inserts pass GFP_KERNEL,
 * what a process-context kernel caller passes; a node is allocated per
 * insert and an unlinked node is freed by the map after an RCU grace period
 * (the shim's call_rcu(): per-thread batches of 64 handed to liburcu memb).
 *
 * This file also owns every worker's registration: the shim's per-CPU slot
 * and liburcu memb (the shim's rcu_register_thread() is urcu-memb's, the
 * same registry rculfhash's memb flavour uses in hmap_urcu.c; one
 * registration per thread).
 */
#include <stdlib.h>

#include "lfq_internal.h"
#include <linux/rcupdate.h>

#include "hmap_bench.h"

void hb_thread_online(int idx)
{
	/* fixed slots, as bench.c gives its workers */
	kshim_cpu_id = (32 + idx) % KSHIM_NR_CPUS;
	rcu_register_thread();
}

void hb_thread_offline(void)
{
	/* hands this thread's batched call_rcu() callbacks to liburcu */
	rcu_unregister_thread();
}

static void *lfq_create(unsigned long nr_keys)
{
	static bool core;
	struct lfq_hmap *m;

	if (!core) {
		if (lfq_core_init())
			abort();
		core = true;
	}
	if (posix_memalign((void **)&m, 128, sizeof(*m)))
		abort();
	if (lfq_hmap_init(m, nr_keys, GFP_KERNEL))
		abort();
	return m;
}

static void lfq_destroy(void *m)
{
	lfq_hmap_destroy(m, NULL);
	rcu_barrier();
	free(m);
}

static bool lfq_insert(void *m, void *tls, unsigned long key, void *val)
{
	return !lfq_hmap_insert(m, key, val, GFP_KERNEL);
}

static bool lfq_erase(void *m, void *tls, unsigned long key)
{
	return lfq_hmap_delete(m, key);
}

static void *lfq_lookup(void *m, void *tls, unsigned long key)
{
	return lfq_hmap_lookup(m, key);
}

static unsigned long lfq_count(void *m)
{
	return lfq_hmap_count(m);
}

const struct hb_map hb_lfq_hmap = {
	.name = "lfq_hmap",
	.note = "lock-free (Michael 2002), nr_keys buckets, node per insert, freed by call_rcu (shim: per-thread batches to urcu-memb)",
	.create = lfq_create,
	.destroy = lfq_destroy,
	.insert = lfq_insert,
	.erase = lfq_erase,
	.lookup = lfq_lookup,
	.count = lfq_count,
};

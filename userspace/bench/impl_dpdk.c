// SPDX-License-Identifier: GPL-2.0
/*
 * impl_dpdk.c - DPDK rte_ring peers, multi-producer/multi-consumer.
 *
 * No EAL: the ring lives in memory this file allocates (cache-line
 * aligned, rte_ring_get_memsize() bytes) and is set up with rte_ring_init();
 * rte_eal_init() is never called.  That works because the enqueue/dequeue
 * paths are inline functions in rte_ring_elem_pvt.h that touch only the
 * ring, and rte_ring_init() only fills in the header (checked at start-up
 * by the harness: a failing init aborts the run).  rte_ring_create() and
 * rte_ring_lookup() would need EAL's memzones and tailqs; they are not used.
 *
 * Flags 0 = default MP/MC mode; the explicit rte_ring_mp_* / rte_ring_mc_*
 * calls are used anyway.  Capacity is count - 1 (no RING_F_EXACT_SZ), as
 * for ck_ring; the harness sizes all rings identically.
 */
#include <stdlib.h>
#include <string.h>
#include <rte_ring.h>
#include <rte_version.h>

#include "bench.h"
#include "bench_loop.h"

const char *impl_dpdk_version(void)
{
	return rte_version();
}

static void *rr_create(const struct bench_impl *im, unsigned int cap)
{
	ssize_t sz = rte_ring_get_memsize(cap);
	struct rte_ring *r;

	if (sz < 0)
		abort();
	if (posix_memalign((void **)&r, 128, ((size_t)sz + 127) & ~(size_t)127))
		abort();
	memset(r, 0, sz);
	if (rte_ring_init(r, "bench", cap, 0) != 0)
		abort();
	return r;
}

static void rr_destroy(void *r)
{
	free(r);
}

static bool rr_push(void *r, void *tls, void *val)
{
	(void)tls;
	return rte_ring_mp_enqueue(r, val) == 0;
}

static void *rr_pop(void *r, void *tls)
{
	void *val;

	(void)tls;
	if (rte_ring_mc_dequeue(r, &val) != 0)
		return NULL;
	return val;
}

static unsigned int rr_push_bulk(void *r, void *tls, void **vals, unsigned int n)
{
	(void)tls;
	return rte_ring_mp_enqueue_bulk(r, vals, n, NULL);
}

static unsigned int rr_pop_bulk(void *r, void *tls, void **vals, unsigned int n)
{
	(void)tls;
	return rte_ring_mc_dequeue_bulk(r, vals, n, NULL);
}

static unsigned int rr_push_burst(void *r, void *tls, void **vals, unsigned int n)
{
	(void)tls;
	return rte_ring_mp_enqueue_burst(r, vals, n, NULL);
}

static unsigned int rr_pop_burst(void *r, void *tls, void **vals, unsigned int n)
{
	(void)tls;
	return rte_ring_mc_dequeue_burst(r, vals, n, NULL);
}

#define RR_NOTE "rte_ring_init on posix_memalign'd memory, no EAL; "

BENCH_PAIRS_LOOP(rr_single_pairs, rr_push, rr_pop, BI_FIFO)

static const struct bench_impl rr_single = {
	.name = "rte_ring",
	.family = "dpdk",
	.note = RR_NOTE "rte_ring_mp_enqueue / rte_ring_mc_dequeue",
	.flags = BI_FIFO | BI_BOUNDED,
	.create = rr_create, .destroy = rr_destroy,
	.push = rr_push, .pop = rr_pop,
	.pairs = rr_single_pairs,
};

#define RR_BATCH(suffix, kind, n, fl)					\
BENCH_BULK_LOOP(rr_##kind##_##n##_loop, rr_push_##kind, rr_pop_##kind,	\
		BI_FIFO)						\
static const struct bench_impl rr_##kind##_##n = {			\
	.name = "rte_ring " #kind "/" #n,				\
	.family = "dpdk",						\
	.note = RR_NOTE "rte_ring_mp_enqueue_" #kind " / rte_ring_mc_dequeue_" #kind, \
	.flags = BI_FIFO | BI_BOUNDED | BI_BATCH | BI_PAIRS_ONLY | (fl),	\
	.batch = n,							\
	.create = rr_create, .destroy = rr_destroy,			\
	.push_n = rr_push_##kind, .pop_n = rr_pop_##kind,		\
	.bulk = rr_##kind##_##n##_loop,					\
}

RR_BATCH(b, bulk, 8, 0);
RR_BATCH(b, bulk, 32, 0);
RR_BATCH(b, bulk, 128, 0);
RR_BATCH(u, burst, 8, BI_BURST);
RR_BATCH(u, burst, 32, BI_BURST);
RR_BATCH(u, burst, 128, BI_BURST);

void impl_dpdk_register(void)
{
	bench_add(&rr_single);
	bench_add(&rr_bulk_8);
	bench_add(&rr_bulk_32);
	bench_add(&rr_bulk_128);
	bench_add(&rr_burst_8);
	bench_add(&rr_burst_32);
	bench_add(&rr_burst_128);
}

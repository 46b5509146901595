// SPDX-License-Identifier: GPL-2.0
/*
 * impl_lfq.c - lfq's structures, module/lfq_*.c compiled through the
 * kernel-API shim (userspace/shim) and linked from its library.
 *
 * Node-based structures (msq, stack, tlq) allocate every node from the
 * shim's kmem_cache and free popped ones with call_rcu(), exactly the code
 * the kernel runs; nothing is pre-allocated.  How the shim implements
 * kmem_cache and call_rcu (per variant) is in userspace/shim/README.md.  Pushes pass GFP_KERNEL, what a
 * process-context kernel caller passes, which also arms lfq's RCU-backlog
 * throttle (lfq_core.c).  The ring is allocated once by lfq_ring_init().
 *
 * This is the only file that includes shim headers; the harness types are
 * plain C.
 */
#include "lfq_internal.h"

#include "bench.h"

#ifndef BENCH_SHIM_VARIANT
#define BENCH_SHIM_VARIANT "?"
#endif

const char *bench_lfq_desc =
	"module/lfq_{msq,stack,ring,tlq,core}.c via userspace/shim, variant "
	BENCH_SHIM_VARIANT " (libkshim.a); pushes use GFP_KERNEL";

/*
 * The shim maps threads onto KSHIM_NR_CPUS per-CPU slots.  Give worker idx
 * the fixed slot 32 + idx, distinct from each other and from the few
 * threads that get slots automatically (main, liburcu's threads), so the
 * mapping is the same in every run.
 */
void bench_lfq_thread_start(int idx)
{
	kshim_cpu_id = (32 + idx) % KSHIM_NR_CPUS;
}

/* ---- msq ---- */

static void *msq_create(unsigned int cap)
{
	struct lfq_msq *q = bench_zalloc_aligned(sizeof(*q));

	if (lfq_msq_init(q, GFP_KERNEL))
		return NULL;
	return q;
}

static void msq_destroy(void *q)
{
	lfq_msq_destroy(q, NULL);
	bench_free(q);
}

static bool msq_push(void *q, void *tls, void *val)
{
	return lfq_msq_push(q, val, GFP_KERNEL) == 0;
}

static void *msq_pop(void *q, void *tls)
{
	return lfq_msq_pop(q);
}

static const struct bench_impl lfq_msq_impl = {
	.name = "lfq msq",
	.family = "lfq",
	.note = "lfq_msq_push(GFP_KERNEL)/lfq_msq_pop: node from kmem_cache per push, call_rcu per pop",
	.flags = BI_FIFO | BI_LFQ,
	.create = msq_create, .destroy = msq_destroy,
	.push = msq_push, .pop = msq_pop,
};

/* ---- stack ---- */

static void *stack_create(unsigned int cap)
{
	struct lfq_stack *s = bench_zalloc_aligned(sizeof(*s));

	lfq_stack_init(s);
	return s;
}

static void stack_destroy(void *s)
{
	lfq_stack_destroy(s, NULL);
	bench_free(s);
}

static bool stack_push(void *s, void *tls, void *val)
{
	return lfq_stack_push(s, val, GFP_KERNEL) == 0;
}

static void *stack_pop(void *s, void *tls)
{
	return lfq_stack_pop(s);
}

static const struct bench_impl lfq_stack_impl = {
	.name = "lfq stack",
	.family = "lfq",
	.note = "lfq_stack_push(GFP_KERNEL)/lfq_stack_pop: node from kmem_cache per push, call_rcu per pop",
	.flags = BI_LFQ,
	.create = stack_create, .destroy = stack_destroy,
	.push = stack_push, .pop = stack_pop,
};

/* ---- tlq ---- */

static void *tlq_create(unsigned int cap)
{
	struct lfq_tlq *q = bench_zalloc_aligned(sizeof(*q));

	if (lfq_tlq_init(q, GFP_KERNEL))
		return NULL;
	return q;
}

static void tlq_destroy(void *q)
{
	lfq_tlq_destroy(q, NULL);
	bench_free(q);
}

static bool tlq_push(void *q, void *tls, void *val)
{
	return lfq_tlq_push(q, val, GFP_KERNEL) == 0;
}

static void *tlq_pop(void *q, void *tls)
{
	return lfq_tlq_pop(q);
}

static const struct bench_impl lfq_tlq_impl = {
	.name = "lfq tlq",
	.family = "lfq",
	.note = "lfq_tlq_push(GFP_KERNEL)/lfq_tlq_pop: two spinlocks (shim spinlock_t), node from kmem_cache, freed under the head lock",
	.flags = BI_FIFO | BI_LFQ,
	.create = tlq_create, .destroy = tlq_destroy,
	.push = tlq_push, .pop = tlq_pop,
};

/* ---- ring ---- */

static void *ring_create(unsigned int cap)
{
	struct lfq_ring *r = bench_zalloc_aligned(sizeof(*r));

	if (lfq_ring_init(r, cap, GFP_KERNEL))
		return NULL;
	return r;
}

static void ring_destroy(void *r)
{
	lfq_ring_destroy(r, NULL);
	bench_free(r);
}

static bool ring_push(void *r, void *tls, void *val)
{
	return lfq_ring_push(r, val) == 0;
}

static void *ring_pop(void *r, void *tls)
{
	return lfq_ring_pop(r);
}

static unsigned int ring_push_bulk(void *r, void *tls, void **vals, unsigned int n)
{
	return lfq_ring_push_bulk(r, vals, n);
}

static unsigned int ring_pop_bulk(void *r, void *tls, void **vals, unsigned int n)
{
	return lfq_ring_pop_bulk(r, vals, n);
}

static unsigned int ring_push_burst(void *r, void *tls, void **vals, unsigned int n)
{
	return lfq_ring_push_burst(r, vals, n);
}

static unsigned int ring_pop_burst(void *r, void *tls, void **vals, unsigned int n)
{
	return lfq_ring_pop_burst(r, vals, n);
}

static const struct bench_impl lfq_ring_impl = {
	.name = "lfq ring",
	.family = "lfq",
	.note = "lfq_ring_push/lfq_ring_pop (Vyukov per-slot sequence ring)",
	.flags = BI_FIFO | BI_BOUNDED | BI_LFQ,
	.create = ring_create, .destroy = ring_destroy,
	.push = ring_push, .pop = ring_pop,
};

#define LFQ_RING_BATCH(kind, n, fl)					\
static const struct bench_impl lfq_ring_##kind##_##n = {		\
	.name = "lfq ring " #kind "/" #n,				\
	.family = "lfq",						\
	.note = "lfq_ring_push_" #kind " / lfq_ring_pop_" #kind,	\
	.flags = BI_FIFO | BI_BOUNDED | BI_BATCH | BI_PAIRS_ONLY | BI_LFQ | (fl), \
	.batch = n,							\
	.create = ring_create, .destroy = ring_destroy,			\
	.push_n = ring_push_##kind, .pop_n = ring_pop_##kind,		\
}

LFQ_RING_BATCH(bulk, 8, 0);
LFQ_RING_BATCH(bulk, 32, 0);
LFQ_RING_BATCH(bulk, 128, 0);
LFQ_RING_BATCH(burst, 8, BI_BURST);
LFQ_RING_BATCH(burst, 32, BI_BURST);
LFQ_RING_BATCH(burst, 128, BI_BURST);

void impl_lfq_register(void)
{
	if (lfq_core_init())
		return;
	bench_add(&lfq_msq_impl);
	bench_add(&lfq_stack_impl);
	bench_add(&lfq_ring_impl);
	bench_add(&lfq_tlq_impl);
	bench_add(&lfq_ring_bulk_8);
	bench_add(&lfq_ring_bulk_32);
	bench_add(&lfq_ring_bulk_128);
	bench_add(&lfq_ring_burst_8);
	bench_add(&lfq_ring_burst_32);
	bench_add(&lfq_ring_burst_128);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * impl_lfq.c - lfq's structures, module/lfq_*.c compiled through the
 * kernel-API shim (userspace/shim) and linked from its library.
 *
 * The rows come from the kind registry (lfq_kinds[], module/lfq_kinds.c):
 * one row per kind, "lfq <name>"; kinds with push_many/pop_many also get
 * bulk (all or nothing) and burst (as many as fit) rows of 8, 32 and 128
 * values per call.  The timed loops (bench_loop.h) of the kinds this file
 * knows (ring, scq, msq, stack, tlq) call the exported functions directly,
 * lfq_<kind>_push() and lfq_<kind>_pop() (and _push_bulk() ...), out of
 * line in libkshim.a, as a kernel module calls them; a kind it does not
 * know runs through its struct lfq_kind operations, as /dev/lfq drives it
 * (one indirect call per operation).  The producer/consumer workload
 * calls push and pop through the harness's function pointers, for these
 * kinds straight into the exported functions (one indirect call, as for
 * every peer), for the others through the operations (one more); the
 * steal workload (the deque) uses the operations.  Owner-only kinds (LFQ_KIND_OWNER, the deque)
 * run in the steal workload only (BI_OWNER): their push and pop may not
 * run on two threads at once.
 *
 * Node-based kinds allocate every node from the shim's kmem_cache and free
 * popped ones with call_rcu(), exactly the code the kernel runs; nothing is
 * pre-allocated.  How the shim implements kmem_cache and call_rcu (per
 * variant) is in userspace/shim/README.md.  Pushes pass GFP_KERNEL, what a
 * process-context kernel caller passes, which also arms lfq's RCU-backlog
 * throttle (lfq_core.c).  Bounded kinds allocate their slots at init.
 *
 * This is the only file that includes shim headers; the harness types are
 * plain C.
 */
#include <stdio.h>
#include <string.h>

#include "lfq_internal.h"

#include "bench.h"
#include "bench_loop.h"

#ifndef BENCH_SHIM_VARIANT
#define BENCH_SHIM_VARIANT "?"
#endif

const char *bench_lfq_desc =
	"module/lfq_*.c via userspace/shim, every kind of lfq_kinds[], variant "
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

/* One container of a registered kind. */
struct lfq_bench_q {
	const struct lfq_kind *kind;
	void *c;			/* kind->size bytes, cache-line aligned */
	bool all;			/* push_n/pop_n: bulk, not burst */
};

static void *lfq_create(const struct bench_impl *im, unsigned int cap)
{
	const struct lfq_kind *k = im->priv;
	struct lfq_bench_q *q = bench_zalloc_aligned(sizeof(*q));

	q->kind = k;
	q->all = !(im->flags & BI_BURST);
	q->c = bench_zalloc_aligned(k->size);
	if (k->init(q->c, k->flags & LFQ_KIND_BOUNDED ? cap : 0, GFP_KERNEL)) {
		bench_free(q->c);
		bench_free(q);
		return NULL;
	}
	return q;
}

static void lfq_destroy(void *p)
{
	struct lfq_bench_q *q = p;

	q->kind->destroy(q->c, NULL);
	bench_free(q->c);
	bench_free(q);
}

static bool lfq_push(void *p, void *tls, void *val)
{
	struct lfq_bench_q *q = p;

	return q->kind->push(q->c, val, GFP_KERNEL) == 0;
}

static void *lfq_pop(void *p, void *tls)
{
	struct lfq_bench_q *q = p;

	return q->kind->pop(q->c);
}

static void *lfq_steal(void *p, void *tls)
{
	struct lfq_bench_q *q = p;

	return q->kind->steal(q->c);
}

static unsigned int lfq_push_n(void *p, void *tls, void **vals, unsigned int n)
{
	struct lfq_bench_q *q = p;

	return q->kind->push_many(q->c, vals, n, q->all);
}

static unsigned int lfq_pop_n(void *p, void *tls, void **vals, unsigned int n)
{
	struct lfq_bench_q *q = p;

	return q->kind->pop_many(q->c, vals, n, q->all);
}

/*
 * The timed loops.  The container is unwrapped once, outside the loop;
 * NAME_push/NAME_pop are what the loop inlines: one direct call of the
 * exported function each.
 */
static inline void *lfq_c(struct bench_loop *l)
{
	return ((struct lfq_bench_q *)l->q)->c;
}

#define LFQ_DIRECT(name, push_call, pop_call, flags)			\
static inline bool name##_push(void *c, void *tls, void *v)		\
{									\
	return push_call == 0;						\
}									\
static inline void *name##_pop(void *c, void *tls)			\
{									\
	return pop_call;						\
}									\
BENCH_LOOP_FN name##_pairs(struct bench_loop *l)				\
{									\
	bench_pairs(l, lfq_c(l), name##_push, name##_pop, flags);	\
}									\
static bool name##_fp_push(void *q, void *tls, void *v)		\
{									\
	return name##_push(((struct lfq_bench_q *)q)->c, tls, v);	\
}									\
static void *name##_fp_pop(void *q, void *tls)				\
{									\
	return name##_pop(((struct lfq_bench_q *)q)->c, tls);		\
}

LFQ_DIRECT(ring, lfq_ring_push(c, v), lfq_ring_pop(c), BI_FIFO)
LFQ_DIRECT(scq, lfq_scq_push(c, v), lfq_scq_pop(c), BI_FIFO)
LFQ_DIRECT(msq, lfq_msq_push(c, v, GFP_KERNEL), lfq_msq_pop(c), BI_FIFO)
LFQ_DIRECT(stack, lfq_stack_push(c, v, GFP_KERNEL), lfq_stack_pop(c), 0)
LFQ_DIRECT(tlq, lfq_tlq_push(c, v, GFP_KERNEL), lfq_tlq_pop(c), BI_FIFO)

#define LFQ_DIRECT_MANY(name, mode)					\
static inline unsigned int name##_##mode##_push(void *c, void *tls,	\
						void **v, unsigned int n) \
{									\
	return lfq_##name##_push_##mode(c, v, n);			\
}									\
static inline unsigned int name##_##mode##_pop(void *c, void *tls,	\
					       void **v, unsigned int n) \
{									\
	return lfq_##name##_pop_##mode(c, v, n);			\
}									\
BENCH_LOOP_FN name##_##mode(struct bench_loop *l)			\
{									\
	bench_bulk(l, lfq_c(l), name##_##mode##_push,			\
		   name##_##mode##_pop, BI_FIFO);			\
}

LFQ_DIRECT_MANY(ring, bulk)
LFQ_DIRECT_MANY(ring, burst)
LFQ_DIRECT_MANY(scq, bulk)
LFQ_DIRECT_MANY(scq, burst)

/*
 * The kinds called directly: name, flags their loops assume, loops, and
 * the push and pop the pc workload calls through the harness's pointers
 * (one indirect call, then the export, as for the peers' adapters).
 */
#define LFQ_FP(name)	name##_fp_push, name##_fp_pop
static const struct lfq_direct {
	const char *name;
	unsigned int flags;	/* BI_FIFO or 0 */
	void (*pairs)(struct bench_loop *l);
	void (*bulk)(struct bench_loop *l);
	void (*burst)(struct bench_loop *l);
	bool (*push)(void *q, void *tls, void *val);
	void *(*pop)(void *q, void *tls);
} lfq_direct[] = {
	{ "ring", BI_FIFO, ring_pairs, ring_bulk, ring_burst, LFQ_FP(ring) },
	{ "scq", BI_FIFO, scq_pairs, scq_bulk, scq_burst, LFQ_FP(scq) },
	{ "msq", BI_FIFO, msq_pairs, NULL, NULL, LFQ_FP(msq) },
	{ "stack", 0, stack_pairs, NULL, NULL, LFQ_FP(stack) },
	{ "tlq", BI_FIFO, tlq_pairs, NULL, NULL, LFQ_FP(tlq) },
};

/* Any other kind: through its operations (the adapter functions above). */
BENCH_PAIRS_LOOP(ops_pairs_fifo, lfq_push, lfq_pop, BI_FIFO)
BENCH_PAIRS_LOOP(ops_pairs, lfq_push, lfq_pop, 0)
BENCH_BULK_LOOP(ops_bulk_fifo, lfq_push_n, lfq_pop_n, BI_FIFO)
BENCH_BULK_LOOP(ops_bulk, lfq_push_n, lfq_pop_n, 0)

/* The direct loops of @k if this file knows it and its flags agree. */
static const struct lfq_direct *direct_of(const struct lfq_kind *k,
					  unsigned int flags)
{
	unsigned int i;

	for (i = 0; i < sizeof(lfq_direct) / sizeof(lfq_direct[0]); i++)
		if (!strcmp(lfq_direct[i].name, k->name))
			return lfq_direct[i].flags == (flags & BI_FIFO) ?
			       &lfq_direct[i] : NULL;
	return NULL;
}

/* room for every kind's rows: 1 + 2 modes x 3 batch sizes */
#define MAX_ROWS	128
static struct bench_impl rows[MAX_ROWS];
static char names[MAX_ROWS][48];
static unsigned int nrows;

/* A row "lfq <kind><suffix>" with what every lfq row has. */
static struct bench_impl *add_row(const struct lfq_kind *k, const char *suffix)
{
	struct bench_impl *im;

	if (nrows == MAX_ROWS) {
		fprintf(stderr, "impl_lfq: more than %d rows, %s%s left out\n",
			MAX_ROWS, k->name, suffix);
		return NULL;
	}
	snprintf(names[nrows], sizeof(names[0]), "lfq %s%s", k->name, suffix);
	im = &rows[nrows];
	im->name = names[nrows++];
	im->family = "lfq";
	im->note = k->desc;
	im->priv = k;
	im->flags = BI_LFQ;
	if (k->flags & LFQ_KIND_FIFO)
		im->flags |= BI_FIFO;
	if (k->flags & LFQ_KIND_BOUNDED)
		im->flags |= BI_BOUNDED;
	im->create = lfq_create;
	im->destroy = lfq_destroy;
	return im;
}

void impl_lfq_register(void)
{
	static const unsigned int batches[] = { 8, 32, 128 };
	const struct lfq_direct *d;
	const struct lfq_kind *k;
	struct bench_impl *im;
	unsigned int i, burst;
	char suffix[32];

	if (lfq_core_init())
		return;
	lfq_for_each_kind(k) {
		im = add_row(k, "");
		if (!im)
			return;
		im->push = lfq_push;
		im->pop = lfq_pop;
		d = direct_of(k, im->flags);
		if (d) {
			im->pairs = d->pairs;
			im->push = d->push;
			im->pop = d->pop;
		} else
			im->pairs = (im->flags & BI_FIFO) ? ops_pairs_fifo :
							    ops_pairs;
		/* owner-only push/pop: the steal workload, owner + thief */
		if ((k->flags & LFQ_KIND_OWNER) && k->steal) {
			im->flags |= BI_OWNER;
			im->steal = lfq_steal;
		}
		bench_add(im);
	}
	lfq_for_each_kind(k) {
		if (!k->push_many || !k->pop_many)
			continue;
		for (burst = 0; burst < 2; burst++) {
			for (i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
				snprintf(suffix, sizeof(suffix), " %s/%u",
					 burst ? "burst" : "bulk", batches[i]);
				im = add_row(k, suffix);
				if (!im)
					return;
				im->note = burst ?
					"push_many/pop_many, as many as fit" :
					"push_many/pop_many, all or nothing";
				im->flags |= BI_BATCH | BI_PAIRS_ONLY |
					     (burst ? BI_BURST : 0);
				im->batch = batches[i];
				im->push_n = lfq_push_n;
				im->pop_n = lfq_pop_n;
				d = direct_of(k, im->flags);
				if (d && d->bulk)
					im->bulk = burst ? d->burst : d->bulk;
				else
					im->bulk = (im->flags & BI_FIFO) ?
						   ops_bulk_fifo : ops_bulk;
				bench_add(im);
			}
		}
	}
}

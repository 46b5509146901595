// SPDX-License-Identifier: GPL-2.0
/*
 * impl_ck.c - Concurrency Kit peers: ck_fifo_mpmc, ck_ring (MPMC), ck_stack.
 *
 * Memory management (see the notes in the tables):
 *  - ck_fifo_mpmc (epoch): malloc one entry per enqueue; the garbage entry a
 *    dequeue returns is retired with ck_epoch_call() and freed by
 *    ck_epoch_poll() every CK_POLL_EVERY retirements (and at thread exit by
 *    ck_epoch_barrier()).  Both operations run inside ck_epoch_begin/end,
 *    because both dereference entries a concurrent dequeue may retire.  This
 *    is CK's own safe-memory-reclamation scheme, the equivalent of the
 *    malloc + call_rcu that lfq and rculfqueue pay.
 *  - ck_fifo_mpmc (recycle): CK's own regression-test idiom: the garbage
 *    entry from a dequeue is reused by the same thread's next enqueue, so no
 *    allocation and no reclamation at all in steady state.  Safe only while
 *    entries stay type-stable (never freed during the run), which the
 *    generation counters rely on; used in the pairs workload only, where
 *    every thread gets back as many entries as it gives.  This is CK's best
 *    case, shown for completeness, not the like-for-like peer.  Not run
 *    with more threads than CPUs: at 4 threads on 2 CPUs (threads
 *    preempted mid-operation) the harness once saw a value popped after a
 *    later value of its producer (make bench, 2026-11-30), which reusing
 *    an entry at once, without reclamation, does not rule out.
 *  - ck_stack: ck_stack_push_upmc / ck_stack_pop_upmc (a plain Treiber
 *    stack), pop inside an epoch section, popped entries retired with
 *    ck_epoch_call() as above: the same scheme as lfq's stack with RCU.
 *  - ck_ring: ck_ring_enqueue_mpmc / ck_ring_dequeue_mpmc on a buffer of
 *    the benchmark's ring capacity; no allocation.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <ck_epoch.h>
#include <ck_fifo.h>
#include <ck_ring.h>
#include <ck_stack.h>

#include "bench.h"
#include "bench_loop.h"

#define CK_POLL_EVERY	64
#define CK_MAX_RECORDS	256

struct ck_ep {
	ck_epoch_t epoch;
	pthread_mutex_t lock;
	unsigned int nrec;
	ck_epoch_record_t *recs[CK_MAX_RECORDS];
};

struct ck_tls {
	ck_epoch_record_t *rec;
	unsigned int since_poll;
	void *spare;		/* recycle variant: one spare entry */
};

static void ck_ep_init(struct ck_ep *ep)
{
	ck_epoch_init(&ep->epoch);
	pthread_mutex_init(&ep->lock, NULL);
	ep->nrec = 0;
}

static struct ck_tls *ck_ep_enter(struct ck_ep *ep)
{
	struct ck_tls *t = calloc(1, sizeof(*t));
	ck_epoch_record_t *rec;

	if (!t)
		abort();
	rec = ck_epoch_recycle(&ep->epoch, NULL);
	if (!rec) {
		if (posix_memalign((void **)&rec, 128, sizeof(*rec)))
			abort();
		ck_epoch_register(&ep->epoch, rec, NULL);
		pthread_mutex_lock(&ep->lock);
		if (ep->nrec == CK_MAX_RECORDS)
			abort();
		ep->recs[ep->nrec++] = rec;
		pthread_mutex_unlock(&ep->lock);
	}
	t->rec = rec;
	return t;
}

static void ck_ep_exit(struct ck_tls *t)
{
	ck_epoch_barrier(t->rec);	/* dispatch everything this thread retired */
	ck_epoch_unregister(t->rec);
	free(t);
}

static void ck_ep_fini(struct ck_ep *ep)
{
	unsigned int i;

	for (i = 0; i < ep->nrec; i++)
		free(ep->recs[i]);
	pthread_mutex_destroy(&ep->lock);
}

static inline void ck_retire(struct ck_tls *t, ck_epoch_entry_t *e,
			     ck_epoch_cb_t *cb)
{
	ck_epoch_call(t->rec, e, cb);
	if (++t->since_poll >= CK_POLL_EVERY) {
		t->since_poll = 0;
		ck_epoch_poll(t->rec);
	}
}

/* ---- ck_fifo_mpmc ---- */

struct ckf_node {
	ck_fifo_mpmc_entry_t e;
	ck_epoch_entry_t ee;
};

struct ckf {
	ck_fifo_mpmc_t fifo __attribute__((aligned(128)));
	struct ck_ep ep __attribute__((aligned(128)));
	/* recycle variant: spares handed back at thread exit */
	pthread_mutex_t spare_lock;
	struct ckf_node **spares;
	unsigned int nspares, spares_cap;
};

static void *ckf_create(const struct bench_impl *im, unsigned int cap)
{
	struct ckf *q;
	struct ckf_node *stub;

	(void)cap;
	if (posix_memalign((void **)&q, 128, sizeof(*q)))
		abort();
	memset(q, 0, sizeof(*q));
	stub = malloc(sizeof(*stub));
	if (!stub)
		abort();
	ck_fifo_mpmc_init(&q->fifo, &stub->e);
	ck_ep_init(&q->ep);
	pthread_mutex_init(&q->spare_lock, NULL);
	return q;
}

static void ckf_node_free(ck_epoch_entry_t *ee)
{
	free((char *)ee - offsetof(struct ckf_node, ee));
}

static void *ckf_enter(void *qv)
{
	return ck_ep_enter(&((struct ckf *)qv)->ep);
}

static void ckf_exit(void *qv, void *tlsv)
{
	struct ckf *q = qv;
	struct ck_tls *t = tlsv;

	if (t->spare) {
		pthread_mutex_lock(&q->spare_lock);
		if (q->nspares == q->spares_cap) {
			q->spares_cap = q->spares_cap ? 2 * q->spares_cap : 16;
			q->spares = realloc(q->spares,
					    q->spares_cap * sizeof(*q->spares));
			if (!q->spares)
				abort();
		}
		q->spares[q->nspares++] = t->spare;
		pthread_mutex_unlock(&q->spare_lock);
	}
	ck_ep_exit(t);
}

static bool ckf_push(void *qv, void *tlsv, void *val)
{
	struct ckf *q = qv;
	struct ck_tls *t = tlsv;
	struct ckf_node *n = malloc(sizeof(*n));

	if (!n)
		return false;
	ck_epoch_begin(t->rec, NULL);
	ck_fifo_mpmc_enqueue(&q->fifo, &n->e, val);
	ck_epoch_end(t->rec, NULL);
	return true;
}

static void *ckf_pop(void *qv, void *tlsv)
{
	struct ckf *q = qv;
	struct ck_tls *t = tlsv;
	ck_fifo_mpmc_entry_t *garbage;
	struct ckf_node *g;
	void *val;
	bool ok;

	ck_epoch_begin(t->rec, NULL);
	ok = ck_fifo_mpmc_dequeue(&q->fifo, &val, &garbage);
	ck_epoch_end(t->rec, NULL);
	if (!ok)
		return NULL;
	g = (struct ckf_node *)garbage;
	ck_retire(t, &g->ee, ckf_node_free);
	return val;
}

static bool ckf_push_recycle(void *qv, void *tlsv, void *val)
{
	struct ckf *q = qv;
	struct ck_tls *t = tlsv;
	struct ckf_node *n = t->spare;

	if (n) {
		t->spare = NULL;
	} else {
		n = malloc(sizeof(*n));
		if (!n)
			return false;
	}
	ck_fifo_mpmc_enqueue(&q->fifo, &n->e, val);
	return true;
}

static void *ckf_pop_recycle(void *qv, void *tlsv)
{
	struct ckf *q = qv;
	struct ck_tls *t = tlsv;
	ck_fifo_mpmc_entry_t *garbage;
	void *val;

	if (!ck_fifo_mpmc_dequeue(&q->fifo, &val, &garbage))
		return NULL;
	if (t->spare)
		free(t->spare);	/* only reached by a drain from outside the run */
	t->spare = garbage;
	return val;
}

static void ckf_destroy(void *qv)
{
	struct ckf *q = qv;
	ck_fifo_mpmc_entry_t *garbage;
	void *val;
	unsigned int i;

	/* quiescent: no thread is inside the queue any more */
	while (ck_fifo_mpmc_dequeue(&q->fifo, &val, &garbage))
		free(garbage);
	ck_fifo_mpmc_deinit(&q->fifo, &garbage);
	free(garbage);
	for (i = 0; i < q->nspares; i++)
		free(q->spares[i]);
	free(q->spares);
	ck_ep_fini(&q->ep);
	pthread_mutex_destroy(&q->spare_lock);
	free(q);
}

BENCH_PAIRS_LOOP(ck_fifo_epoch_pairs, ckf_push, ckf_pop, BI_FIFO)

static const struct bench_impl ck_fifo_epoch = {
	.name = "ck_fifo_mpmc",
	.family = "ck",
	.note = "malloc entry per enqueue; garbage retired with ck_epoch_call, ck_epoch_poll every 64; both ops in ck_epoch_begin/end",
	.flags = BI_FIFO,
	.create = ckf_create,
	.destroy = ckf_destroy,
	.thread_enter = ckf_enter,
	.thread_exit = ckf_exit,
	.push = ckf_push,
	.pop = ckf_pop,
	.pairs = ck_fifo_epoch_pairs,
};

BENCH_PAIRS_LOOP(ck_fifo_recycle_pairs, ckf_push_recycle, ckf_pop_recycle, BI_FIFO)

static const struct bench_impl ck_fifo_recycle = {
	.name = "ck_fifo_mpmc-recycle",
	.family = "ck",
	.note = "CK's best case: garbage entry reused by the thread's next enqueue, no malloc/free/SMR (type-stable; pairs only, at most as many threads as CPUs)",
	.flags = BI_FIFO | BI_PAIRS_ONLY | BI_NO_OVERSUB,
	.create = ckf_create,
	.destroy = ckf_destroy,
	.thread_enter = ckf_enter,
	.thread_exit = ckf_exit,
	.push = ckf_push_recycle,
	.pop = ckf_pop_recycle,
	.pairs = ck_fifo_recycle_pairs,
};

/* ---- ck_stack ---- */

struct cks_node {
	ck_stack_entry_t e;
	void *val;
	ck_epoch_entry_t ee;
};

struct cks {
	ck_stack_t stack __attribute__((aligned(128)));
	struct ck_ep ep __attribute__((aligned(128)));
};

static void *cks_create(const struct bench_impl *im, unsigned int cap)
{
	struct cks *s;

	(void)cap;
	if (posix_memalign((void **)&s, 128, sizeof(*s)))
		abort();
	memset(s, 0, sizeof(*s));
	ck_stack_init(&s->stack);
	ck_ep_init(&s->ep);
	return s;
}

static void cks_node_free(ck_epoch_entry_t *ee)
{
	free((char *)ee - offsetof(struct cks_node, ee));
}

static void *cks_enter(void *sv)
{
	return ck_ep_enter(&((struct cks *)sv)->ep);
}

static void cks_exit(void *sv, void *tlsv)
{
	(void)sv;
	ck_ep_exit(tlsv);
}

static bool cks_push(void *sv, void *tlsv, void *val)
{
	struct cks *s = sv;
	struct cks_node *n = malloc(sizeof(*n));

	(void)tlsv;
	if (!n)
		return false;
	n->val = val;
	/* push dereferences no other entry: no epoch section needed */
	ck_stack_push_upmc(&s->stack, &n->e);
	return true;
}

static void *cks_pop(void *sv, void *tlsv)
{
	struct cks *s = sv;
	struct ck_tls *t = tlsv;
	ck_stack_entry_t *e;
	struct cks_node *n;
	void *val;

	ck_epoch_begin(t->rec, NULL);
	e = ck_stack_pop_upmc(&s->stack);
	ck_epoch_end(t->rec, NULL);
	if (!e)
		return NULL;
	n = (struct cks_node *)e;
	val = n->val;
	ck_retire(t, &n->ee, cks_node_free);
	return val;
}

static void cks_destroy(void *sv)
{
	struct cks *s = sv;
	ck_stack_entry_t *e;

	while ((e = ck_stack_pop_upmc(&s->stack)))
		free(e);
	ck_ep_fini(&s->ep);
	free(s);
}

BENCH_PAIRS_LOOP(ck_stack_epoch_pairs, cks_push, cks_pop, 0)

static const struct bench_impl ck_stack_epoch = {
	.name = "ck_stack",
	.family = "ck",
	.note = "ck_stack_push_upmc/pop_upmc (Treiber); malloc per push, pop in epoch section, ck_epoch_call(free), poll every 64",
	.create = cks_create,
	.destroy = cks_destroy,
	.thread_enter = cks_enter,
	.thread_exit = cks_exit,
	.push = cks_push,
	.pop = cks_pop,
	.pairs = ck_stack_epoch_pairs,
};

/* ---- ck_ring ---- */

struct ckr {
	ck_ring_t ring __attribute__((aligned(128)));
	ck_ring_buffer_t *buf;
};

static void *ckr_create(const struct bench_impl *im, unsigned int cap)
{
	struct ckr *r;

	if (posix_memalign((void **)&r, 128, sizeof(*r)))
		abort();
	if (posix_memalign((void **)&r->buf, 128, cap * sizeof(*r->buf)))
		abort();
	memset(r->buf, 0, cap * sizeof(*r->buf));
	ck_ring_init(&r->ring, cap);
	return r;
}

static void ckr_destroy(void *rv)
{
	struct ckr *r = rv;

	free(r->buf);
	free(r);
}

static bool ckr_push(void *rv, void *tls, void *val)
{
	struct ckr *r = rv;

	(void)tls;
	return ck_ring_enqueue_mpmc(&r->ring, r->buf, val);
}

static void *ckr_pop(void *rv, void *tls)
{
	struct ckr *r = rv;
	void *val;

	(void)tls;
	if (!ck_ring_dequeue_mpmc(&r->ring, r->buf, &val))
		return NULL;
	return val;
}

BENCH_PAIRS_LOOP(ck_ring_mpmc_pairs, ckr_push, ckr_pop, BI_FIFO)

static const struct bench_impl ck_ring_mpmc = {
	.name = "ck_ring",
	.family = "ck",
	.note = "ck_ring_enqueue_mpmc/dequeue_mpmc, pointer buffer of the ring capacity",
	.flags = BI_FIFO | BI_BOUNDED,
	.create = ckr_create,
	.destroy = ckr_destroy,
	.push = ckr_push,
	.pop = ckr_pop,
	.pairs = ck_ring_mpmc_pairs,
};

void impl_ck_register(void)
{
	bench_add(&ck_fifo_epoch);
	bench_add(&ck_fifo_recycle);
	bench_add(&ck_stack_epoch);
	bench_add(&ck_ring_mpmc);
}

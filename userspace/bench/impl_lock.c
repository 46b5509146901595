// SPDX-License-Identifier: GPL-2.0
/*
 * impl_lock.c - lock-based baselines (a bounded array queue under a
 * pthread_mutex or a pthread_spinlock, same capacity as the rings, no
 * allocation; a bounded array deque under a pthread_spinlock) and the calibration ceilings: every push and every pop is one
 * atomic fetch-add (or one CAS-loop increment) on a single shared cache
 * line, the cheapest possible contended operation, driven through the same
 * harness path as the structures.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "bench_loop.h"

struct lockq {
	union {
		pthread_mutex_t mutex;
		pthread_spinlock_t spin;
	} __attribute__((aligned(128)));
	unsigned long head, tail, mask;
	void **slots;
};

static struct lockq *lockq_alloc(unsigned int cap)
{
	struct lockq *q;

	if (posix_memalign((void **)&q, 128, sizeof(*q)))
		abort();
	memset(q, 0, sizeof(*q));
	q->mask = cap - 1;
	q->slots = calloc(cap, sizeof(void *));
	if (!q->slots)
		abort();
	return q;
}

static inline bool lockq_put(struct lockq *q, void *val)
{
	if (q->tail - q->head > q->mask)
		return false;
	q->slots[q->tail++ & q->mask] = val;
	return true;
}

static inline void *lockq_get(struct lockq *q)
{
	if (q->head == q->tail)
		return NULL;
	return q->slots[q->head++ & q->mask];
}

static void *mq_create(const struct bench_impl *im, unsigned int cap)
{
	struct lockq *q = lockq_alloc(cap);

	pthread_mutex_init(&q->mutex, NULL);
	return q;
}

static void mq_destroy(void *qv)
{
	struct lockq *q = qv;

	pthread_mutex_destroy(&q->mutex);
	free(q->slots);
	free(q);
}

static bool mq_push(void *qv, void *tls, void *val)
{
	struct lockq *q = qv;
	bool ok;

	(void)tls;
	pthread_mutex_lock(&q->mutex);
	ok = lockq_put(q, val);
	pthread_mutex_unlock(&q->mutex);
	return ok;
}

static void *mq_pop(void *qv, void *tls)
{
	struct lockq *q = qv;
	void *val;

	(void)tls;
	pthread_mutex_lock(&q->mutex);
	val = lockq_get(q);
	pthread_mutex_unlock(&q->mutex);
	return val;
}

static void *sq_create(const struct bench_impl *im, unsigned int cap)
{
	struct lockq *q = lockq_alloc(cap);

	pthread_spin_init(&q->spin, PTHREAD_PROCESS_PRIVATE);
	return q;
}

static void sq_destroy(void *qv)
{
	struct lockq *q = qv;

	pthread_spin_destroy(&q->spin);
	free(q->slots);
	free(q);
}

static bool sq_push(void *qv, void *tls, void *val)
{
	struct lockq *q = qv;
	bool ok;

	(void)tls;
	pthread_spin_lock(&q->spin);
	ok = lockq_put(q, val);
	pthread_spin_unlock(&q->spin);
	return ok;
}

static void *sq_pop(void *qv, void *tls)
{
	struct lockq *q = qv;
	void *val;

	(void)tls;
	pthread_spin_lock(&q->spin);
	val = lockq_get(q);
	pthread_spin_unlock(&q->spin);
	return val;
}

BENCH_PAIRS_LOOP(mutex_q_pairs, mq_push, mq_pop, BI_FIFO)

static const struct bench_impl mutex_q = {
	.name = "mutex queue",
	.family = "lock",
	.note = "array ring (ring capacity) under one pthread_mutex",
	.flags = BI_FIFO | BI_BOUNDED,
	.create = mq_create, .destroy = mq_destroy,
	.push = mq_push, .pop = mq_pop,
	.pairs = mutex_q_pairs,
};

BENCH_PAIRS_LOOP(spin_q_pairs, sq_push, sq_pop, BI_FIFO)

static const struct bench_impl spin_q = {
	.name = "spinlock queue",
	.family = "lock",
	.note = "array ring (ring capacity) under one pthread_spinlock",
	.flags = BI_FIFO | BI_BOUNDED,
	.create = sq_create, .destroy = sq_destroy,
	.push = sq_push, .pop = sq_pop,
	.pairs = spin_q_pairs,
};

/*
 * A work-stealing deque under one spinlock, for lfq deque: the owner
 * pushes and pops at the tail (LIFO), thieves take from the head.
 */
static void *sd_pop(void *qv, void *tls)
{
	struct lockq *q = qv;
	void *val = NULL;

	(void)tls;
	pthread_spin_lock(&q->spin);
	if (q->tail != q->head)
		val = q->slots[--q->tail & q->mask];
	pthread_spin_unlock(&q->spin);
	return val;
}

static const struct bench_impl spin_deque = {
	.name = "spinlock deque",
	.family = "lock",
	.note = "array deque (ring capacity) under one pthread_spinlock: owner push/pop at the tail, steal at the head",
	.flags = BI_BOUNDED | BI_OWNER,
	.create = sq_create, .destroy = sq_destroy,
	.push = sq_push, .pop = sd_pop, .steal = sq_pop,
};

/* ---- calibration ceilings ---- */

struct line {
	unsigned long v __attribute__((aligned(128)));
};

static void *line_create(const struct bench_impl *im, unsigned int cap)
{
	struct line *l;

	(void)cap;
	if (posix_memalign((void **)&l, 128, sizeof(*l)))
		abort();
	l->v = 0;
	return l;
}

static void line_destroy(void *l)
{
	free(l);
}

static bool faa_push(void *lv, void *tls, void *val)
{
	struct line *l = lv;

	(void)tls; (void)val;
	__atomic_fetch_add(&l->v, 1, __ATOMIC_SEQ_CST);
	return true;
}

static void *faa_pop(void *lv, void *tls)
{
	struct line *l = lv;

	(void)tls;
	return (void *)(__atomic_fetch_add(&l->v, 1, __ATOMIC_SEQ_CST) | 1);
}

static inline unsigned long cas_inc(struct line *l)
{
	unsigned long old = __atomic_load_n(&l->v, __ATOMIC_RELAXED);

	while (!__atomic_compare_exchange_n(&l->v, &old, old + 1, true,
					    __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))
		;
	return old;
}

static bool cas_push(void *lv, void *tls, void *val)
{
	(void)tls; (void)val;
	cas_inc(lv);
	return true;
}

static void *cas_pop(void *lv, void *tls)
{
	(void)tls;
	return (void *)(cas_inc(lv) | 1);
}

BENCH_PAIRS_LOOP(faa_ceiling_pairs, faa_push, faa_pop, BI_CEILING)

static const struct bench_impl faa_ceiling = {
	.name = "fetch-add ceiling",
	.family = "ceiling",
	.note = "each op = one lock xadd on one shared cache line",
	.flags = BI_CEILING | BI_PAIRS_ONLY,
	.create = line_create, .destroy = line_destroy,
	.push = faa_push, .pop = faa_pop,
	.pairs = faa_ceiling_pairs,
};

BENCH_PAIRS_LOOP(cas_ceiling_pairs, cas_push, cas_pop, BI_CEILING)

static const struct bench_impl cas_ceiling = {
	.name = "CAS ceiling",
	.family = "ceiling",
	.note = "each op = one load + lock cmpxchg retry loop incrementing one shared cache line",
	.flags = BI_CEILING | BI_PAIRS_ONLY,
	.create = line_create, .destroy = line_destroy,
	.push = cas_push, .pop = cas_pop,
	.pairs = cas_ceiling_pairs,
};

/*
 * The harness's own cost: a "queue" of one value per thread, kept in the
 * thread's own cache line.  Every check the harness does for a real
 * structure runs for it too, so its time per operation is what the
 * harness adds to every other row.
 */
struct noop_slot {
	void *val __attribute__((aligned(128)));
};

static void *noop_create(const struct bench_impl *im, unsigned int cap)
{
	(void)im; (void)cap;
	return (void *)1;	/* nothing shared */
}

static void noop_destroy(void *q)
{
	(void)q;
}

static void *noop_enter(void *q)
{
	struct noop_slot *s;

	(void)q;
	if (posix_memalign((void **)&s, 128, sizeof(*s)))
		abort();
	s->val = NULL;
	return s;
}

static void noop_exit(void *q, void *tls)
{
	(void)q;
	free(tls);
}

static bool noop_push(void *q, void *tls, void *val)
{
	struct noop_slot *s = tls;

	(void)q;
	if (s->val)
		return false;
	s->val = val;
	return true;
}

static void *noop_pop(void *q, void *tls)
{
	struct noop_slot *s = tls;
	void *val = s->val;

	(void)q;
	s->val = NULL;
	return val;
}

BENCH_PAIRS_LOOP(noop_harness_pairs, noop_push, noop_pop, BI_FIFO)

static const struct bench_impl noop_harness = {
	.name = "no-op (harness)",
	.family = "ceiling",
	.note = "no shared data: push keeps the value in a per-thread slot, pop hands it back; the harness's own cost, checks included",
	.flags = BI_FIFO | BI_PAIRS_ONLY,
	.create = noop_create, .destroy = noop_destroy,
	.thread_enter = noop_enter, .thread_exit = noop_exit,
	.push = noop_push, .pop = noop_pop,
	.pairs = noop_harness_pairs,
};

#ifdef BENCH_BROKEN
/*
 * Deliberately broken queues, built only into build/bench-broken for
 * "make selftest" (selftest.sh): the harness must report each one as FAIL
 * and exit non-zero, and the same mutex queue unbroken as ok.  Pairs and
 * pc rows: a mutex queue whose push drops one value in 4096 (lost), whose
 * pop hands out one value in 4096 twice (duplicated; a FIFO and a
 * non-FIFO row, so both the order check's and the sums' paths are
 * exercised), or whose push swaps two adjacent values once in 4096 (FIFO
 * order).  Bulk rows (B = 8, all or nothing): the same faults once in 512
 * calls, and a push_n that replaces two values of a batch by two never
 * pushed of the same total, in order (count, sum and order agree: only
 * the sum of squares can catch it).
 */
static unsigned long broken_ctr;

static bool lossy_push(void *qv, void *tls, void *val)
{
	if ((__atomic_add_fetch(&broken_ctr, 1, __ATOMIC_RELAXED) & 4095) == 0)
		return true;	/* "pushed", but dropped */
	return mq_push(qv, tls, val);
}

static void *dup_pop(void *qv, void *tls)
{
	struct lockq *q = qv;
	void *val;

	pthread_mutex_lock(&q->mutex);
	val = lockq_get(q);
	if (val && (++broken_ctr & 4095) == 0)
		q->head--;	/* the same value comes out again */
	pthread_mutex_unlock(&q->mutex);
	return val;
}

static bool reorder_push(void *qv, void *tls, void *val)
{
	struct lockq *q = qv;
	bool ok;

	pthread_mutex_lock(&q->mutex);
	ok = lockq_put(q, val);
	if (ok && q->tail - q->head >= 2 && (++broken_ctr & 4095) == 0) {
		void **a = &q->slots[(q->tail - 1) & q->mask];
		void **b = &q->slots[(q->tail - 2) & q->mask];
		void *t = *a;

		*a = *b;
		*b = t;
	}
	pthread_mutex_unlock(&q->mutex);
	return ok;
}

BENCH_PAIRS_LOOP(broken_lossy_pairs, lossy_push, mq_pop, BI_FIFO)

static const struct bench_impl broken_lossy = {
	.name = "broken-lossy", .family = "selftest",
	.note = "mutex queue that drops 1 value in 4096",
	.flags = BI_FIFO | BI_BOUNDED,
	.create = mq_create, .destroy = mq_destroy,
	.push = lossy_push, .pop = mq_pop,
	.pairs = broken_lossy_pairs,
};

BENCH_PAIRS_LOOP(broken_dup_pairs, mq_push, dup_pop, 0)

static const struct bench_impl broken_dup = {
	.name = "broken-dup", .family = "selftest",
	.note = "mutex queue that returns 1 value in 4096 twice (order not checked: the checksum must catch it)",
	.flags = BI_BOUNDED,
	.create = mq_create, .destroy = mq_destroy,
	.push = mq_push, .pop = dup_pop,
	.pairs = broken_dup_pairs,
};

BENCH_PAIRS_LOOP(broken_reorder_pairs, reorder_push, mq_pop, BI_FIFO)

static const struct bench_impl broken_reorder = {
	.name = "broken-reorder", .family = "selftest",
	.note = "mutex queue that swaps two adjacent values 1 time in 4096",
	.flags = BI_FIFO | BI_BOUNDED,
	.create = mq_create, .destroy = mq_destroy,
	.push = reorder_push, .pop = mq_pop,
	.pairs = broken_reorder_pairs,
};

BENCH_PAIRS_LOOP(broken_dup_fifo_pairs, mq_push, dup_pop, BI_FIFO)

static const struct bench_impl broken_dup_fifo = {
	.name = "broken-dup-fifo", .family = "selftest",
	.note = "mutex queue that returns 1 value in 4096 twice (FIFO row: order check, count and sums)",
	.flags = BI_FIFO | BI_BOUNDED,
	.create = mq_create, .destroy = mq_destroy,
	.push = mq_push, .pop = dup_pop,
	.pairs = broken_dup_fifo_pairs,
};

/* All or nothing: @n values into @q (held) if they fit */
static unsigned int lockq_put_n(struct lockq *q, void **vals, unsigned int n)
{
	unsigned int i;

	if (q->mask + 1 - (q->tail - q->head) < n)
		return 0;
	for (i = 0; i < n; i++)
		q->slots[q->tail++ & q->mask] = vals[i];
	return n;
}

static unsigned int mq_push_n(void *qv, void *tls, void **vals,
			      unsigned int n)
{
	struct lockq *q = qv;

	(void)tls;
	pthread_mutex_lock(&q->mutex);
	n = lockq_put_n(q, vals, n);
	pthread_mutex_unlock(&q->mutex);
	return n;
}

/* All or nothing: @n values from @q (held) if there are as many */
static unsigned int lockq_get_n(struct lockq *q, void **vals, unsigned int n)
{
	unsigned int i;

	if (q->tail - q->head < n)
		return 0;
	for (i = 0; i < n; i++)
		vals[i] = q->slots[q->head++ & q->mask];
	return n;
}

static unsigned int mq_pop_n(void *qv, void *tls, void **vals,
			     unsigned int n)
{
	struct lockq *q = qv;

	(void)tls;
	pthread_mutex_lock(&q->mutex);
	n = lockq_get_n(q, vals, n);
	pthread_mutex_unlock(&q->mutex);
	return n;
}

/* Once in 512 calls: the last value of the batch is dropped */
static unsigned int lossy_push_n(void *qv, void *tls, void **vals,
				 unsigned int n)
{
	if ((__atomic_add_fetch(&broken_ctr, 1, __ATOMIC_RELAXED) & 511) == 0 &&
	    mq_push_n(qv, tls, vals, n - 1))
		return n;	/* "pushed", but one dropped */
	return mq_push_n(qv, tls, vals, n);
}

/* Once in 512 calls: the last value popped comes out again next time */
static unsigned int dup_pop_n(void *qv, void *tls, void **vals,
			      unsigned int n)
{
	struct lockq *q = qv;

	pthread_mutex_lock(&q->mutex);
	n = lockq_get_n(q, vals, n);
	if (n && (++broken_ctr & 511) == 0)
		q->head--;
	pthread_mutex_unlock(&q->mutex);
	return n;
}

/* Once in 512 calls: the first two values of the batch swapped */
static unsigned int reorder_push_n(void *qv, void *tls, void **vals,
				   unsigned int n)
{
	struct lockq *q = qv;

	pthread_mutex_lock(&q->mutex);
	n = lockq_put_n(q, vals, n);
	if (n >= 2 && (++broken_ctr & 511) == 0) {
		void **a = &q->slots[(q->tail - n) & q->mask];
		void **b = &q->slots[(q->tail - n + 1) & q->mask];
		void *t = *a;

		*a = *b;
		*b = t;
	}
	pthread_mutex_unlock(&q->mutex);
	return n;
}

/*
 * Once in 512 calls (n > 4): values 1 and n - 2 of the batch, seq s + 2
 * and s + n - 1 of producer p (value = seq << 7 | (p + 1)), stored as
 * those values + 64 and - 64: (s + 2) << 7 | (p + 65) and
 * (s + n - 2) << 7 | (p + 65), never pushed (tag p + 65 is no producer's
 * for p < 63), the same total, increasing in one slot of the order check.
 */
static unsigned int forge_push_n(void *qv, void *tls, void **vals,
				 unsigned int n)
{
	struct lockq *q = qv;

	pthread_mutex_lock(&q->mutex);
	n = lockq_put_n(q, vals, n);
	if (n > 4 && (++broken_ctr & 511) == 0) {
		void **a = &q->slots[(q->tail - n + 1) & q->mask];
		void **b = &q->slots[(q->tail - 2) & q->mask];

		*a = (void *)((uintptr_t)*a + 64);
		*b = (void *)((uintptr_t)*b - 64);
	}
	pthread_mutex_unlock(&q->mutex);
	return n;
}

#define BROKEN_BULK(var, nm, flags_, push_n_, pop_n_, note_)		\
BENCH_BULK_LOOP(var##_loop, push_n_, pop_n_, flags_)			\
static const struct bench_impl var = {					\
	.name = nm, .family = "selftest", .note = note_,		\
	.flags = (flags_) | BI_BOUNDED | BI_BATCH, .batch = 8,		\
	.create = mq_create, .destroy = mq_destroy,			\
	.push_n = push_n_, .pop_n = pop_n_,				\
	.bulk = var##_loop,						\
}

BROKEN_BULK(good_bulk, "mutex queue bulk/8", BI_FIFO, mq_push_n, mq_pop_n,
	    "the broken bulk rows' mutex queue, unbroken: must pass");
BROKEN_BULK(broken_lossy_bulk, "broken-lossy bulk/8", BI_FIFO, lossy_push_n,
	    mq_pop_n, "drops 1 value in 512 push_n calls");
BROKEN_BULK(broken_dup_bulk, "broken-dup bulk/8", 0, mq_push_n, dup_pop_n,
	    "returns a value twice once in 512 pop_n calls (order not checked)");
BROKEN_BULK(broken_dup_fifo_bulk, "broken-dup-fifo bulk/8", BI_FIFO,
	    mq_push_n, dup_pop_n,
	    "returns a value twice once in 512 pop_n calls");
BROKEN_BULK(broken_reorder_bulk, "broken-reorder bulk/8", BI_FIFO,
	    reorder_push_n, mq_pop_n,
	    "swaps two values once in 512 push_n calls");
BROKEN_BULK(broken_forge_bulk, "broken-forge bulk/8", BI_FIFO, forge_push_n,
	    mq_pop_n,
	    "replaces two values by two never pushed of the same total, in order, once in 512 push_n calls (only the sum of squares sees it)");
#endif

void impl_lock_register(void)
{
#ifdef BENCH_BROKEN
	bench_add(&broken_lossy);
	bench_add(&broken_dup);
	bench_add(&broken_reorder);
	bench_add(&broken_dup_fifo);
	bench_add(&good_bulk);
	bench_add(&broken_lossy_bulk);
	bench_add(&broken_dup_bulk);
	bench_add(&broken_dup_fifo_bulk);
	bench_add(&broken_reorder_bulk);
	bench_add(&broken_forge_bulk);
#endif
	bench_add(&noop_harness);
	bench_add(&faa_ceiling);
	bench_add(&cas_ceiling);
	bench_add(&mutex_q);
	bench_add(&spin_q);
	bench_add(&spin_deque);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_stress.c - many-thread stress and API tests of module/lfq_*.c built
 * on the userspace shim (userspace/shim), for every kind of the registry
 * (lfq_kinds[], module/lfq_kinds.c): each test drives a container through
 * its struct lfq_kind operations, and the kind's properties (FIFO, LIFO,
 * bounded, batch operations) decide which tests apply and what is checked.
 *
 *   lfq_stress --list          the test names
 *   lfq_stress [-s SCALE] NAME run one test; prints "PASS: NAME" or
 *                              "FAIL: NAME" (or "SKIP: NAME", exit 77)
 *
 * SCALE multiplies the operation counts (default 1.0; the sanitizer runs
 * use less).  A test that has not finished after 60 s (LFQ_TEST_ALARM)
 * fails: a push or pop that spins forever is a bug.  Each test ends with a
 * leak check: after rcu_barrier() no lfq node and no slot array may still
 * be allocated.
 *
 * Stress tests: P producers push values that encode (producer, sequence);
 * C consumers pop.  Checked: every value decodes to a real (producer,
 * sequence) -- a poisoned (freed) node yields garbage here --, every value
 * is popped exactly once (hit array), pushed == popped + drained, and for
 * FIFO kinds each consumer sees each producer's values in increasing
 * sequence order.  Contention is reported as the change of the
 * module-wide lfq_cas_retries() over the run.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/kernel.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "lfq_internal.h"

static double scale = 1.0;
static int failures;
static const char *cur_test;

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: %s: check failed: %s: ", \
				__FILE__, __LINE__, cur_test, #cond);	\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			__atomic_add_fetch(&failures, 1, __ATOMIC_RELAXED); \
		}							\
	} while (0)

static unsigned long scaled(unsigned long n)
{
	unsigned long v = (unsigned long)(n * scale);

	return v ? v : 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------------ */
/* A container of any registered kind                                 */

enum batch { B_SINGLE, B_BULK, B_BURST, B_MIXED };

struct box {
	const struct lfq_kind *kind;
	gfp_t gfp;
	void *c;			/* kind->size bytes */
};

static bool is_fifo(const struct lfq_kind *k)
{
	return k->flags & LFQ_KIND_FIFO;
}

static bool is_bounded(const struct lfq_kind *k)
{
	return k->flags & LFQ_KIND_BOUNDED;
}

/* @cap is used by bounded kinds only */
static int box_init(struct box *b, const struct lfq_kind *k, unsigned int cap)
{
	size_t size = (k->size + SMP_CACHE_BYTES - 1) & ~(size_t)(SMP_CACHE_BYTES - 1);
	int ret;

	b->kind = k;
	b->gfp = GFP_KERNEL;
	b->c = aligned_alloc(SMP_CACHE_BYTES, size);
	if (!b->c)
		return -ENOMEM;
	memset(b->c, 0, size);
	ret = k->init(b->c, is_bounded(k) ? cap : 0, GFP_KERNEL);
	if (ret) {
		free(b->c);
		b->c = NULL;
	}
	return ret;
}

static unsigned long released;

static void count_release(void *val)
{
	__atomic_add_fetch(&released, 1, __ATOMIC_RELAXED);
}

static void box_destroy(struct box *b)
{
	if (!b->c)
		return;
	b->kind->destroy(b->c, count_release);
	free(b->c);
	b->c = NULL;
}

/* 0, or -ENOSPC/-ENOMEM: the caller retries */
static int box_push(struct box *b, void *v)
{
	return b->kind->push(b->c, v, b->gfp);
}

static void *box_pop(struct box *b)
{
	return b->kind->pop(b->c);
}

static unsigned long box_len(struct box *b)
{
	return b->kind->len(b->c);
}

static bool box_empty(struct box *b)
{
	return b->kind->empty(b->c);
}

/* ------------------------------------------------------------------ */
/* Stress                                                             */

#define MAX_THREADS	16
#define MAX_BATCH	32

/*
 * One shape of stress run; each applies to every registered kind that has
 * what it needs, as the test "<kind>_<shape>" (msq_mpmc, ring_cap2, ...).
 */
struct stress {
	const char *name;
	unsigned int needs;		/* LFQ_KIND_* flags the kind must have */
	bool needs_many;		/* the kind must have push_many/pop_many */
	unsigned int nprod, ncons;
	unsigned long per;		/* values per producer (before scale) */
	unsigned int cap;		/* capacity of bounded kinds */
	enum batch batch;
	unsigned int max_batch;
	bool nonblocking_gfp;		/* GFP_ATOMIC: never throttled */
};

struct run {
	const struct stress *cfg;
	const struct lfq_kind *kind;
	bool fifo;			/* per-producer order is checked */
	struct box box;
	unsigned long per;
	unsigned char *hits;
	int producers_done;
	unsigned long pushed, popped;
	unsigned long empty_pops, full_pushes;
};

struct worker {
	struct run *run;
	unsigned int id;
	unsigned int seed;
	pthread_t thread;
};

static void *encode(unsigned int pid, unsigned long seq)
{
	return (void *)(((uintptr_t)(pid + 1) << 40) | (seq + 1));
}

/* false if @v is not a value any producer pushed */
static bool decode(struct run *run, void *v, unsigned int *pid,
		   unsigned long *seq)
{
	uintptr_t x = (uintptr_t)v;

	if (!x || (x >> 40) == 0 || (x >> 40) > run->cfg->nprod)
		return false;
	*pid = (x >> 40) - 1;
	*seq = (x & ((1UL << 40) - 1)) - 1;
	return *seq < run->per;
}

static unsigned int next_rand(unsigned int *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

static unsigned int batch_size(struct worker *w)
{
	const struct stress *c = w->run->cfg;

	return 1 + next_rand(&w->seed) % c->max_batch;
}

static enum batch pick_mode(struct worker *w)
{
	const struct stress *c = w->run->cfg;

	if (c->batch != B_MIXED)
		return c->batch;
	return (enum batch)(next_rand(&w->seed) % 3);
}

static void record(struct run *run, void *v, long *last)
{
	unsigned int pid;
	unsigned long seq;
	unsigned char h;

	if (!decode(run, v, &pid, &seq)) {
		CHECK(0, "popped a value nobody pushed: %p", v);
		return;
	}
	h = __atomic_add_fetch(&run->hits[pid * run->per + seq], 1,
			       __ATOMIC_RELAXED);
	CHECK(h == 1, "value p%u/%lu popped %u times", pid, seq, h);
	if (last) {
		CHECK((long)seq > last[pid],
		      "FIFO: p%u/%lu popped after p%u/%ld", pid, seq, pid,
		      last[pid]);
		last[pid] = seq;
	}
}

static void *producer(void *arg)
{
	struct worker *w = arg;
	struct run *run = w->run;
	const struct lfq_kind *kind = run->kind;
	unsigned long seq = 0, full = 0;
	void *vals[MAX_BATCH];

	rcu_register_thread();
	while (seq < run->per) {
		enum batch mode = kind->push_many ? pick_mode(w) : B_SINGLE;
		unsigned int n, k, i;

		if (mode == B_SINGLE) {
			int ret = box_push(&run->box, encode(w->id, seq));

			if (ret == 0) {
				seq++;
				continue;
			}
			CHECK(ret == -ENOSPC || ret == -ENOMEM, "push: %d", ret);
			full++;
			sched_yield();
			continue;
		}
		n = batch_size(w);
		if (n > run->per - seq)
			n = run->per - seq;
		for (i = 0; i < n; i++)
			vals[i] = encode(w->id, seq + i);
		k = kind->push_many(run->box.c, vals, n, mode == B_BULK);
		CHECK(k <= n && (mode != B_BULK || k == 0 || k == n),
		      "push_many(%u, %s) returned %u", n,
		      mode == B_BULK ? "bulk" : "burst", k);
		seq += k;
		if (k < n) {
			full++;
			sched_yield();
		}
	}
	__atomic_add_fetch(&run->pushed, seq, __ATOMIC_RELAXED);
	__atomic_add_fetch(&run->full_pushes, full, __ATOMIC_RELAXED);
	rcu_unregister_thread();
	return NULL;
}

/* per producer, the last sequence a FIFO consumer saw: none yet */
static long *last_seqs_new(unsigned int nprod)
{
	long *last = malloc(sizeof(*last) * nprod);

	for (unsigned int i = 0; i < nprod; i++)
		last[i] = -1;
	return last;
}

static void *consumer(void *arg)
{
	struct worker *w = arg;
	struct run *run = w->run;
	const struct stress *c = run->cfg;
	const struct lfq_kind *kind = run->kind;
	unsigned long popped = 0, empty = 0;
	long *last = NULL;
	void *vals[MAX_BATCH];

	if (run->fifo)
		last = last_seqs_new(c->nprod);
	rcu_register_thread();
	for (;;) {
		enum batch mode = kind->pop_many ? pick_mode(w) : B_SINGLE;
		unsigned int n, k, i;
		bool done = __atomic_load_n(&run->producers_done,
					    __ATOMIC_ACQUIRE);

		if (mode == B_SINGLE || done) {
			void *v = box_pop(&run->box);

			if (v) {
				record(run, v, last);
				popped++;
				continue;
			}
			/*
			 * Once every producer has returned, every value is
			 * published: empty means empty.
			 */
			if (done)
				break;
			empty++;
			sched_yield();
			continue;
		}
		n = batch_size(w);
		memset(vals, 0, sizeof(vals));
		k = kind->pop_many(run->box.c, vals, n, mode == B_BULK);
		CHECK(k <= n && (mode != B_BULK || k == 0 || k == n),
		      "pop_many(%u, %s) returned %u", n,
		      mode == B_BULK ? "bulk" : "burst", k);
		for (i = 0; i < k; i++)
			record(run, vals[i], last);
		for (; i < MAX_BATCH; i++)
			CHECK(!vals[i], "pop_many wrote past its count");
		popped += k;
		if (!k) {
			empty++;
			sched_yield();
		}
	}
	__atomic_add_fetch(&run->popped, popped, __ATOMIC_RELAXED);
	__atomic_add_fetch(&run->empty_pops, empty, __ATOMIC_RELAXED);
	rcu_unregister_thread();
	free(last);
	return NULL;
}

/*
 * Start @run's consumers, then its producers, wait for the producers, tell
 * the consumers, wait for them.
 */
static void run_workers(struct run *run, void *(*prod)(void *),
			void *(*cons)(void *))
{
	const struct stress *c = run->cfg;
	struct worker w[MAX_THREADS];
	unsigned int t;

	for (t = 0; t < c->nprod + c->ncons; t++) {
		w[t].run = run;
		w[t].seed = 12345 + t * 7919;
		w[t].id = t < c->nprod ? t : t - c->nprod;
	}
	for (t = 0; t < c->ncons; t++)
		pthread_create(&w[c->nprod + t].thread, NULL, cons,
			       &w[c->nprod + t]);
	for (t = 0; t < c->nprod; t++)
		pthread_create(&w[t].thread, NULL, prod, &w[t]);
	for (t = 0; t < c->nprod; t++)
		pthread_join(w[t].thread, NULL);
	__atomic_store_n(&run->producers_done, 1, __ATOMIC_RELEASE);
	for (t = 0; t < c->ncons; t++)
		pthread_join(w[c->nprod + t].thread, NULL);
}

static void run_stress(const struct lfq_kind *kind, const struct stress *c)
{
	struct run run = { .cfg = c, .kind = kind, .fifo = is_fifo(kind) };
	unsigned long total, drained = 0, missing = 0, i, retries;
	double t0 = now();
	void *v;

	run.per = scaled(c->per);
	total = run.per * c->nprod;
	run.hits = calloc(total, 1);
	CHECK(box_init(&run.box, kind, c->cap) == 0, "init");
	if (c->nonblocking_gfp)
		run.box.gfp = GFP_ATOMIC;

	/* module-wide: counts every retry of the run (and nothing else) */
	retries = lfq_cas_retries();
	run_workers(&run, producer, consumer);
	retries = lfq_cas_retries() - retries;

	while ((v = box_pop(&run.box))) {
		record(&run, v, NULL);
		drained++;
	}
	for (i = 0; i < total; i++)
		missing += !run.hits[i];
	CHECK(run.pushed == total, "pushed %lu of %lu", run.pushed, total);
	CHECK(run.pushed == run.popped + drained,
	      "conservation: pushed %lu != popped %lu + drained %lu",
	      run.pushed, run.popped, drained);
	CHECK(missing == 0, "%lu values never popped", missing);
	released = 0;
	box_destroy(&run.box);
	CHECK(released == 0, "destroy released %lu values", released);
	printf("info: %s_%s: %uP/%uC %lu values in %.2fs; retries %lu, "
	       "full %lu, empty %lu, drained %lu\n",
	       kind->name, c->name, c->nprod, c->ncons, total, now() - t0,
	       retries, run.full_pushes, run.empty_pops, drained);
	if (is_bounded(kind) || kind->push_many)
		printf("info: %s_%s: capacity %u, batches up to %u\n",
		       kind->name, c->name, c->cap, c->max_batch);
	free(run.hits);
}

#define MANY	true		/* .needs_many */

static const struct stress stresses[] = {
	{ "mpmc", 0, false, 4, 4, 200000, 1024, B_SINGLE, 1 },
	{ "spmc", 0, false, 1, 3, 400000, 1024, B_SINGLE, 1 },
	{ "mpsc", 0, false, 3, 1, 150000, 1024, B_SINGLE, 1 },
	/* tiny capacities: every few operations wrap around */
	{ "cap2", LFQ_KIND_BOUNDED, false, 3, 3, 100000, 2, B_SINGLE, 1 },
	{ "cap4", LFQ_KIND_BOUNDED, false, 3, 3, 100000, 4, B_SINGLE, 1 },
	{ "bulk", 0, MANY, 4, 4, 200000, 64, B_BULK, 16 },
	{ "burst", 0, MANY, 4, 4, 200000, 64, B_BURST, 16 },
	{ "mixed_cap4", 0, MANY, 3, 3, 100000, 4, B_MIXED, 4 },
	{ "mixed", 0, MANY, 4, 4, 200000, 256, B_MIXED, 32 },
};

/*
 * The shapes above push and pop from many threads at once, which an
 * LFQ_KIND_OWNER kind (the deque) forbids: those kinds run the
 * owner-plus-thieves shapes below instead.
 */
static bool stress_applies(const struct stress *c, const struct lfq_kind *k)
{
	return !(k->flags & LFQ_KIND_OWNER) &&
	       (k->flags & c->needs) == c->needs &&
	       (!c->needs_many || (k->push_many && k->pop_many));
}

/* ------------------------------------------------------------------ */
/* Owner plus thieves (LFQ_KIND_OWNER kinds with a steal operation)    */

/*
 * <kind>_<shape> for owner kinds: one owner thread pushes values
 * 0 .. per - 1 (encoded as producer 0) and, at random between pushes,
 * pops one value or pops until empty (so it races the thieves for the
 * last value); a push that finds the deque full yields the CPU to the
 * thieves three times in four, and pops the fourth.  @nthief
 * threads steal until the owner is done and the deque is empty.
 * Checked: every value taken exactly once (hit array), pushed == popped
 * + stolen + drained, and each thief's values in increasing order (the
 * top of the deque only moves up, and the value at each position was
 * pushed after those below it).
 */
struct steal_shape {
	const char *name;
	unsigned int nthief;
	unsigned long per;
	unsigned int cap;
};

static const struct steal_shape steal_shapes[] = {
	{ "steal1", 1, 400000, 1024 },
	{ "steal3", 3, 400000, 64 },
	/* tiny capacities: every few operations wrap around */
	{ "steal3_cap2", 3, 200000, 2 },
	{ "steal3_cap4", 3, 200000, 4 },
};

struct steal_run {
	struct run run;			/* hits, per, box, counters */
	struct stress cfg;		/* nprod = 1, for decode() */
	unsigned long stolen, owner_popped, full;
	int owner_done;
	unsigned int started;
};

struct thief {
	struct steal_run *sr;
	pthread_t thread;
	unsigned long stolen, empty;
	long last;
};

static void *steal_thief(void *arg)
{
	struct thief *th = arg;
	struct steal_run *sr = th->sr;
	const struct lfq_kind *k = sr->run.kind;
	unsigned int pid;
	unsigned long seq;
	void *v;

	rcu_register_thread();
	th->last = -1;
	__atomic_add_fetch(&sr->started, 1, __ATOMIC_RELEASE);
	for (;;) {
		bool done = __atomic_load_n(&sr->owner_done, __ATOMIC_ACQUIRE);

		v = k->steal(sr->run.box.c);
		if (!v) {
			/* the owner emptied the deque before it said done */
			if (done)
				break;
			th->empty++;
			sched_yield();
			continue;
		}
		record(&sr->run, v, NULL);
		if (decode(&sr->run, v, &pid, &seq)) {
			CHECK((long)seq > th->last,
			      "steal order: %lu after %ld", seq, th->last);
			th->last = seq;
		}
		th->stolen++;
	}
	rcu_unregister_thread();
	return NULL;
}

static void owner_pop(struct steal_run *sr)
{
	void *v = box_pop(&sr->run.box);

	if (v) {
		record(&sr->run, v, NULL);
		sr->owner_popped++;
	}
}

static void run_steal(const struct lfq_kind *kind,
		      const struct steal_shape *sh)
{
	static struct steal_run sr;
	struct thief th[MAX_THREADS];
	unsigned long seq = 0, drained = 0, missing = 0, i, retries;
	unsigned int t, seed = 4242, r;
	double t0 = now();
	void *v;
	int ret;

	memset(&sr, 0, sizeof(sr));
	sr.cfg = (struct stress){ .name = sh->name, .nprod = 1 };
	sr.run.cfg = &sr.cfg;
	sr.run.kind = kind;
	sr.run.per = scaled(sh->per);
	sr.run.hits = calloc(sr.run.per, 1);
	CHECK(box_init(&sr.run.box, kind, sh->cap) == 0, "init");
	retries = lfq_cas_retries();
	for (t = 0; t < sh->nthief; t++) {
		th[t] = (struct thief){ .sr = &sr };
		pthread_create(&th[t].thread, NULL, steal_thief, &th[t]);
	}
	/* this thread is the owner; it starts once every thief runs */
	while (__atomic_load_n(&sr.started, __ATOMIC_ACQUIRE) < sh->nthief)
		sched_yield();
	while (seq < sr.run.per) {
		/*
		 * A little "work" per item, and now and then the CPU, so
		 * that thieves sharing it get to steal.
		 */
		for (r = next_rand(&seed) % 256; r; r--)
			__asm__ __volatile__("" ::: "memory");
		if (!(seq % 1024))
			sched_yield();
		r = next_rand(&seed) % 256;
		if (r < 160) {
			ret = box_push(&sr.run.box, encode(0, seq));
			if (!ret) {
				seq++;
				continue;
			}
			CHECK(ret == -ENOSPC, "push: %d", ret);
			sr.full++;
			/* mostly leave it to the thieves to make room */
			if (next_rand(&seed) % 4)
				sched_yield();
			else
				owner_pop(&sr);
		} else if (r < 254) {
			owner_pop(&sr);
		} else {
			while ((v = box_pop(&sr.run.box))) {
				record(&sr.run, v, NULL);
				sr.owner_popped++;
			}
		}
	}
	while ((v = box_pop(&sr.run.box))) {
		record(&sr.run, v, NULL);
		sr.owner_popped++;
	}
	__atomic_store_n(&sr.owner_done, 1, __ATOMIC_RELEASE);
	for (t = 0; t < sh->nthief; t++) {
		pthread_join(th[t].thread, NULL);
		sr.stolen += th[t].stolen;
	}
	retries = lfq_cas_retries() - retries;
	while ((v = kind->steal(sr.run.box.c))) {
		record(&sr.run, v, NULL);
		drained++;
	}
	for (i = 0; i < sr.run.per; i++)
		missing += !sr.run.hits[i];
	CHECK(seq == sr.owner_popped + sr.stolen + drained,
	      "conservation: pushed %lu != popped %lu + stolen %lu + drained %lu",
	      seq, sr.owner_popped, sr.stolen, drained);
	CHECK(drained == 0, "%lu values left after the owner emptied it",
	      drained);
	CHECK(missing == 0, "%lu values never taken", missing);
	CHECK(box_empty(&sr.run.box) && box_len(&sr.run.box) == 0, "empty");
	released = 0;
	box_destroy(&sr.run.box);
	CHECK(released == 0, "destroy released %lu values", released);
	printf("info: %s_%s: owner + %u thieves, capacity %u: %lu values in "
	       "%.2fs; owner popped %lu, stolen %lu, full %lu, retries %lu\n",
	       kind->name, sh->name, sh->nthief, sh->cap, seq, now() - t0,
	       sr.owner_popped, sr.stolen, sr.full, retries);
	free(sr.run.hits);
}

/* ------------------------------------------------------------------ */
/* RCU backlog under a push/pop storm                                  */

#define MAX_KINDS	16

/* One push/pop pair after another on every kind whose nodes RCU frees. */
struct storm {
	struct box *boxes;
	unsigned int nboxes;
	unsigned long ops;
	int *stop;
};

static void *storm_worker(void *arg)
{
	struct storm *st = arg;
	unsigned long i;
	unsigned int b;
	int dummy;

	rcu_register_thread();
	for (i = 0; i < st->ops; i++) {
		for (b = 0; b < st->nboxes; b++) {
			struct box *box = &st->boxes[b];

			if (box_push(box, &dummy) == 0)
				CHECK(box_pop(box), "%s pop after push",
				      box->kind->name);
		}
	}
	rcu_unregister_thread();
	return NULL;
}

/* the peak of lfq_node_cached() over every storm_sampler() run */
static unsigned long storm_cached_peak;

static void *storm_sampler(void *arg)
{
	struct storm *st = arg;
	unsigned long peak = 0, b;

	while (!__atomic_load_n(st->stop, __ATOMIC_ACQUIRE)) {
		b = lfq_rcu_backlog();
		if (b > peak)
			peak = b;
		b = lfq_node_cached();
		if (b > storm_cached_peak)
			storm_cached_peak = b;
		usleep(200);
	}
	return (void *)peak;
}

static unsigned long storm_once(gfp_t gfp, unsigned int nthreads,
				unsigned long ops, unsigned int *nkinds,
				size_t *node_size, double *secs)
{
	struct box boxes[MAX_KINDS];
	struct storm st[MAX_THREADS];
	pthread_t th[MAX_THREADS], sampler;
	const struct lfq_kind *k;
	unsigned int t, n = 0;
	int stop = 0;
	void *peak;
	double t0 = now();

	*node_size = 0;
	lfq_for_each_kind(k) {
		if (!(k->flags & LFQ_KIND_RCU_NODES) || n == MAX_KINDS)
			continue;
		CHECK(box_init(&boxes[n], k, 0) == 0, "%s init", k->name);
		boxes[n++].gfp = gfp;
		if (k->node_size > *node_size)
			*node_size = k->node_size;
	}
	CHECK(n > 0, "no kind frees its nodes through RCU");
	for (t = 0; t < nthreads; t++) {
		st[t] = (struct storm){ boxes, n, ops, &stop };
		pthread_create(&th[t], NULL, storm_worker, &st[t]);
	}
	pthread_create(&sampler, NULL, storm_sampler, &st[0]);
	for (t = 0; t < nthreads; t++)
		pthread_join(th[t], NULL);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pthread_join(sampler, &peak);
	*secs = now() - t0;
	for (t = 0; t < n; t++)
		box_destroy(&boxes[t]);
	*nkinds = n;
	return (unsigned long)peak;
}

static void test_rcu_storm(void)
{
	unsigned long ops = scaled(400000), peak_atomic, peak_kernel;
	unsigned int nkinds;
	size_t node;
	double sa, sk;

	peak_atomic = storm_once(GFP_ATOMIC, 4, ops, &nkinds, &node, &sa);
	rcu_barrier();
	peak_kernel = storm_once(GFP_KERNEL, 4, ops, &nkinds, &node, &sk);
	printf("info: rcu_storm: 4 threads x %lu push/pop pairs on %u kinds "
	       "(%lu RCU frees per run)\n", ops, nkinds, 4 * ops * nkinds);
	printf("info: rcu_storm: peak backlog GFP_ATOMIC (never throttled): "
	       "%lu nodes (%lu KiB) in %.2fs\n", peak_atomic,
	       peak_atomic * node / 1024, sa);
	printf("info: rcu_storm: peak backlog GFP_KERNEL (throttle at 65536): "
	       "%lu nodes (%lu KiB) in %.2fs\n", peak_kernel,
	       peak_kernel * node / 1024, sk);
	printf("info: rcu_storm: peak nodes cached (waiting or reusable): "
	       "%lu (%lu KiB)\n", storm_cached_peak,
	       storm_cached_peak * node / 1024);
	/* throttled pushes keep it near the high mark */
	CHECK(peak_kernel < 4 * 65536, "backlog %lu not bounded", peak_kernel);
	/* a grace period after the last free: nothing waits any more */
	rcu_barrier();
	synchronize_rcu();
	CHECK(lfq_rcu_backlog() == 0, "backlog %lu after rcu_barrier()",
	      lfq_rcu_backlog());
}

/* ------------------------------------------------------------------ */
/* Soak: many operations, checked without a hit per value             */

/*
 * soak_<kind>: 2 producer and 2 consumer threads (LFQ_SOAK_THREADS=N for N
 * of each) move LFQ_SOAK_OPS operations (pushes + pops; default 10^6
 * times the scale) through one structure; the ring mixes single, bulk and
 * burst calls.  A hit array of 10^9 bytes per run is not an option, so, as
 * module/lfq_soak.c does, every consumer keeps per producer the count, the
 * sum of the sequence numbers and the sum of a non-linear mix of the
 * values it popped, and FIFO kinds check each producer's order per
 * consumer.  Producer p pushes sequences 0 .. n_p - 1, so after the drain
 * the totals must be n_p, n_p (n_p - 1) / 2 and the producer's own mix sum:
 * a loss or a duplicate changes the count, a loss paired with a duplicate
 * changes the sequence sum, and balancing both by accident would also have
 * to balance 64 bits of mix sums.  Unbounded kinds keep at most about
 * 65536 values queued.  Prints ops, seconds, ops/s and the peak RCU backlog.
 */
#define SOAK_MAX_QUEUED	65536

struct soak_tally {
	unsigned long count, seq_sum, mix;
};

struct soak {
	struct box box;
	unsigned int nprod, ncons;
	unsigned long per_prod;
	unsigned long mix[MAX_THREADS];		/* per producer */
	unsigned long pushed[MAX_THREADS];	/* per producer */
	struct soak_tally tally[MAX_THREADS + 1][MAX_THREADS];	/* [cons][prod] */
	unsigned long order[MAX_THREADS + 1], bad[MAX_THREADS + 1];
	unsigned long backlog_peak[MAX_THREADS + 1];
	long queued;
	int producers_done;
	bool fifo;
};

struct soak_worker {
	struct soak *s;
	unsigned int id;
	unsigned int seed;
	pthread_t thread;
};

static unsigned long soak_mix(unsigned long x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9UL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebUL;
	x ^= x >> 31;
	return x;
}

static void soak_record(struct soak *s, unsigned int cid, void *v,
			unsigned long *next)
{
	uintptr_t x = (uintptr_t)v;
	/* encode() stores seq + 1, so that no value is NULL */
	unsigned long pid = (x >> 40) - 1, seq = (x & ((1UL << 40) - 1)) - 1;
	struct soak_tally *t;

	if (!x || pid >= s->nprod || seq >= s->per_prod) {
		if (!s->bad[cid]++)
			CHECK(0, "popped a value nobody pushed: %p", v);
		return;
	}
	t = &s->tally[cid][pid];
	t->count++;
	t->seq_sum += seq;
	t->mix += soak_mix(x);
	if (s->fifo && next) {
		if (seq < next[pid] && !s->order[cid]++)
			CHECK(0, "FIFO: p%lu/%lu popped after p%lu/%lu", pid, seq,
			      pid, next[pid] - 1);
		next[pid] = seq + 1;
	}
}

static void *soak_producer(void *arg)
{
	struct soak_worker *w = arg;
	struct soak *s = w->s;
	unsigned long seq = 0, mix = 0, unflushed = 0;
	const struct lfq_kind *kind = s->box.kind;
	unsigned int n, k, i;
	void *vals[MAX_BATCH];

	rcu_register_thread();
	while (seq < s->per_prod) {
		if (!is_bounded(kind) &&
		    __atomic_load_n(&s->queued, __ATOMIC_RELAXED) > SOAK_MAX_QUEUED) {
			__atomic_add_fetch(&s->queued, unflushed, __ATOMIC_RELAXED);
			unflushed = 0;
			sched_yield();
			continue;
		}
		n = 1;
		if (kind->push_many && next_rand(&w->seed) % 2)
			n = 1 + next_rand(&w->seed) % MAX_BATCH;
		if (n > s->per_prod - seq)
			n = s->per_prod - seq;
		for (i = 0; i < n; i++)
			vals[i] = encode(w->id, seq + i);
		if (n == 1)
			k = box_push(&s->box, vals[0]) ? 0 : 1;
		else
			k = kind->push_many(s->box.c, vals, n,
					    next_rand(&w->seed) % 2);
		for (i = 0; i < k; i++)
			mix += soak_mix((uintptr_t)vals[i]);
		seq += k;
		unflushed += k;
		if (unflushed >= 64) {
			__atomic_add_fetch(&s->queued, unflushed, __ATOMIC_RELAXED);
			unflushed = 0;
		}
		if (!k)
			sched_yield();
	}
	__atomic_add_fetch(&s->queued, unflushed, __ATOMIC_RELAXED);
	s->pushed[w->id] = seq;
	s->mix[w->id] = mix;
	rcu_unregister_thread();
	return NULL;
}

static void *soak_consumer(void *arg)
{
	struct soak_worker *w = arg;
	struct soak *s = w->s;
	unsigned long next[MAX_THREADS] = { 0 }, popped = 0, unflushed = 0, b;
	const struct lfq_kind *kind = s->box.kind;
	unsigned int n, k, i;
	void *vals[MAX_BATCH];
	bool done;

	rcu_register_thread();
	for (;;) {
		/* producers joined before the flag: empty then means empty */
		done = __atomic_load_n(&s->producers_done, __ATOMIC_ACQUIRE);
		n = 1;
		if (kind->pop_many && next_rand(&w->seed) % 2)
			n = 1 + next_rand(&w->seed) % MAX_BATCH;
		if (n == 1) {
			vals[0] = box_pop(&s->box);
			k = !!vals[0];
		} else {
			k = kind->pop_many(s->box.c, vals, n,
					   next_rand(&w->seed) % 2);
		}
		for (i = 0; i < k; i++)
			soak_record(s, w->id, vals[i], next);
		popped += k;
		unflushed += k;
		if (unflushed >= 64) {
			__atomic_sub_fetch(&s->queued, unflushed, __ATOMIC_RELAXED);
			unflushed = 0;
		}
		if ((popped & 4095) < k || !k) {
			b = lfq_rcu_backlog();
			if (b > s->backlog_peak[w->id])
				s->backlog_peak[w->id] = b;
		}
		if (!k) {
			if (done)
				break;
			sched_yield();
		}
	}
	__atomic_sub_fetch(&s->queued, unflushed, __ATOMIC_RELAXED);
	rcu_unregister_thread();
	return NULL;
}

static void run_soak(const struct lfq_kind *kind)
{
	static struct soak s;
	struct soak_worker w[2 * MAX_THREADS];
	unsigned long ops = scaled(1000000), pops = 0, pushes = 0, peak = 0;
	unsigned long drained = 0, want_seq, bad = 0, order = 0;
	unsigned int t, p, c;
	const char *env;
	double t0, secs;
	void *v;

	memset(&s, 0, sizeof(s));
	env = getenv("LFQ_SOAK_OPS");
	if (env)
		ops = strtoul(env, NULL, 0);
	s.nprod = s.ncons = 2;
	env = getenv("LFQ_SOAK_THREADS");
	if (env && atoi(env) > 0 && atoi(env) <= MAX_THREADS)
		s.nprod = s.ncons = atoi(env);
	s.per_prod = (ops / 2 + s.nprod - 1) / s.nprod;
	s.fifo = is_fifo(kind);
	CHECK(box_init(&s.box, kind, 1024) == 0, "init");

	t0 = now();
	for (t = 0; t < s.nprod + s.ncons; t++) {
		w[t].s = &s;
		w[t].id = t < s.nprod ? t : t - s.nprod;
		w[t].seed = 777 + 31 * t;
		pthread_create(&w[t].thread, NULL,
			       t < s.nprod ? soak_producer : soak_consumer, &w[t]);
	}
	for (t = 0; t < s.nprod; t++)
		pthread_join(w[t].thread, NULL);
	__atomic_store_n(&s.producers_done, 1, __ATOMIC_RELEASE);
	for (t = s.nprod; t < s.nprod + s.ncons; t++)
		pthread_join(w[t].thread, NULL);
	secs = now() - t0;
	while ((v = box_pop(&s.box))) {
		soak_record(&s, s.ncons, v, NULL);
		drained++;
	}
	for (p = 0; p < s.nprod; p++) {
		struct soak_tally sum = { 0, 0, 0 };
		unsigned long n = s.pushed[p];

		for (c = 0; c <= s.ncons; c++) {
			sum.count += s.tally[c][p].count;
			sum.seq_sum += s.tally[c][p].seq_sum;
			sum.mix += s.tally[c][p].mix;
		}
		want_seq = n & 1 ? n * ((n - 1) / 2) : (n / 2) * (n - 1);
		CHECK(n == s.per_prod, "producer %u pushed %lu of %lu", p, n,
		      s.per_prod);
		CHECK(sum.count == n && sum.seq_sum == want_seq &&
		      sum.mix == s.mix[p],
		      "producer %u: pushed %lu, popped %lu (seq sum %lu, want %lu; mix %#lx, want %#lx)",
		      p, n, sum.count, sum.seq_sum, want_seq, sum.mix, s.mix[p]);
		pushes += n;
		pops += sum.count;
	}
	for (c = 0; c <= s.ncons; c++) {
		bad += s.bad[c];
		order += s.order[c];
		if (s.backlog_peak[c] > peak)
			peak = s.backlog_peak[c];
	}
	CHECK(bad == 0 && order == 0, "%lu bad values, %lu out of order", bad,
	      order);
	released = 0;
	box_destroy(&s.box);
	CHECK(released == 0, "destroy released %lu values", released);
	printf("info: soak_%s: ops=%lu secs=%.2f ops_per_s=%.0f pushes=%lu pops=%lu drained=%lu threads=%uP/%uC backlog_peak=%lu\n",
	       kind->name, pushes + pops, secs, (pushes + pops) / secs, pushes, pops,
	       drained, s.nprod, s.ncons, peak);
}


/* ------------------------------------------------------------------ */
/* Single-threaded API tests                                           */

/*
 * api_<kind>: the operations of one kind, one thread, against what its
 * registry entry promises: empty at start, NULL refused, FIFO or LIFO
 * order, -ENOSPC when a bounded kind is full, capacities refused where
 * they do not apply, all-or-nothing and as-many-as-fit batches, many laps
 * round a small bounded kind, and destroy handing back what is left.
 */
static void run_api(const struct lfq_kind *k)
{
	unsigned int cap = 4, n, got, pushed = 0;
	void *v[8], *out[8], *top;
	unsigned long i, lap, left;
	struct box b;
	int x[8];

	for (i = 0; i < 8; i++)
		v[i] = &x[i];
	if (is_bounded(k)) {
		CHECK(box_init(&b, k, 0) == -EINVAL, "cap 0");
		CHECK(box_init(&b, k, 1) == -EINVAL, "cap 1");
		CHECK(box_init(&b, k, 6) == -EINVAL, "cap 6");
	} else {
		char c[k->size] __attribute__((aligned(SMP_CACHE_BYTES)));

		CHECK(k->init(c, 4, GFP_KERNEL) == -EINVAL,
		      "a capacity for an unbounded kind");
	}
	CHECK(box_init(&b, k, cap) == 0, "init");
	CHECK(box_empty(&b) && box_len(&b) == 0, "empty at start");
	CHECK(!box_pop(&b), "pop from empty");
	CHECK(box_push(&b, NULL) == -EINVAL, "push NULL");
	for (i = 0; i < 3; i++, pushed++)
		CHECK(box_push(&b, v[i]) == 0, "push %lu", i);
	CHECK(!box_empty(&b) && box_len(&b) == 3, "len %lu", box_len(&b));
	if (is_bounded(k)) {
		CHECK(box_push(&b, v[pushed++]) == 0, "push to capacity");
		CHECK(box_push(&b, v[4]) == -ENOSPC, "push full");
		CHECK(box_len(&b) == cap, "len %lu when full", box_len(&b));
	}
	top = v[pushed - 1];
	if (is_fifo(k)) {
		CHECK(box_pop(&b) == v[0] && box_pop(&b) == v[1], "FIFO");
	} else {
		CHECK(k->flags & LFQ_KIND_LIFO, "neither FIFO nor LIFO");
		CHECK(box_pop(&b) == top && box_pop(&b) == v[pushed - 2], "LIFO");
	}
	CHECK(box_len(&b) == pushed - 2, "len %lu after two pops", box_len(&b));

	if (k->push_many && k->pop_many && is_bounded(k) && is_fifo(k)) {
		/* 2 of 4 slots used: v[2], v[3] */
		CHECK(k->push_many(b.c, v, 3, true) == 0, "bulk 3 into 2 free");
		CHECK(box_len(&b) == 2, "bulk failure pushed nothing");
		CHECK(k->push_many(b.c, v + 4, 3, false) == 2,
		      "burst 3 into 2 free");
		CHECK(k->pop_many(b.c, out, 5, true) == 0, "pop bulk 5 of 4");
		CHECK(k->pop_many(b.c, out, 5, false) == 4, "pop burst 5 of 4");
		CHECK(out[0] == v[2] && out[1] == v[3] && out[2] == v[4] &&
		      out[3] == v[5], "burst order");
		CHECK(box_empty(&b), "empty again");
		/* many laps, all batch sizes */
		for (lap = 0; lap < 1000; lap++) {
			n = 1 + lap % cap;
			got = k->push_many(b.c, v, n, true);
			CHECK(got == n, "lap %lu push %u: %u", lap, n, got);
			got = k->pop_many(b.c, out, n, true);
			CHECK(got == n, "lap %lu pop %u: %u", lap, n, got);
			for (i = 0; i < n; i++)
				CHECK(out[i] == v[i], "lap %lu order", lap);
		}
	} else if (k->push_many && k->pop_many) {
		left = box_len(&b);
		CHECK(k->push_many(b.c, v, 3, true) == 3, "bulk push 3");
		CHECK(k->pop_many(b.c, out, left + 4, true) == 0,
		      "pop bulk of more than there is");
		CHECK(k->pop_many(b.c, out, 8, false) == left + 3,
		      "pop burst takes all");
	}
	CHECK(box_push(&b, v[0]) == 0 && box_push(&b, v[1]) == 0, "push");
	left = box_len(&b);
	released = 0;
	box_destroy(&b);
	CHECK(released == left && left > 0, "destroy released %lu of %lu",
	      released, left);
}

/*
 * What the registry does not describe: the ring's own capacity and full
 * queries.
 */
static void test_ring_queries(void)
{
	struct lfq_ring r;
	int x, i;

	CHECK(lfq_ring_init(&r, 4, GFP_KERNEL) == 0, "init");
	CHECK(lfq_ring_capacity(&r) == 4 && !lfq_ring_full(&r), "capacity");
	for (i = 0; i < 4; i++)
		CHECK(lfq_ring_push(&r, &x) == 0, "push %d", i);
	CHECK(lfq_ring_full(&r), "full");
	lfq_ring_destroy(&r, NULL);
}

/*
 * Allocation failures: -ENOMEM, and nothing lost or leaked, for every kind
 * that allocates a node per push (pushes round-robin across them, one
 * allocation in 7 failing); then init with every allocation failing.
 */
static void test_enomem(void)
{
	struct box b[MAX_KINDS];
	unsigned long ok[MAX_KINDS], n, i;
	unsigned int nb = 0, t, init_enomem = 0;
	const struct lfq_kind *k;
	int ret, x;

	lfq_for_each_kind(k) {
		if (!(k->flags & LFQ_KIND_NODES) || nb == MAX_KINDS)
			continue;
		CHECK(box_init(&b[nb], k, 0) == 0, "%s init", k->name);
		ok[nb++] = 0;
	}
	CHECK(nb > 0, "no kind allocates nodes");
	kshim_set_alloc_fail_every(7);
	for (i = 0; i < 3000; i++) {
		for (t = 0; t < nb; t++) {
			ret = box_push(&b[t], &x);
			CHECK(ret == 0 || ret == -ENOMEM, "%s push %d",
			      b[t].kind->name, ret);
			ok[t] += !ret;
		}
	}
	kshim_set_alloc_fail_every(0);
	for (t = 0; t < nb; t++) {
		const char *name = b[t].kind->name;

		CHECK(ok[t] < 3000, "%s: no failure injected", name);
		CHECK(box_len(&b[t]) == ok[t], "%s: len %lu, pushed %lu", name,
		      box_len(&b[t]), ok[t]);
		for (n = 0; box_pop(&b[t]); n++)
			;
		CHECK(n == ok[t], "%s popped %lu of %lu", name, n, ok[t]);
		box_destroy(&b[t]);
	}
	/* the nodes popped above are cached: inits must reach the slab */
	lfq_node_cache_drain();
	kshim_set_alloc_fail_every(1);
	lfq_for_each_kind(k) {
		if (!(k->flags & LFQ_KIND_NODES))
			continue;
		ret = box_init(&b[0], k, 0);
		CHECK(ret == 0 || ret == -ENOMEM, "%s init %d", k->name, ret);
		if (ret)
			init_enomem++;
		else
			box_destroy(&b[0]);
	}
	kshim_set_alloc_fail_every(0);
	/* msq and tlq allocate their dummy node at init */
	CHECK(init_enomem > 0, "no init saw an allocation failure");
}

/* bytes of one node, from the first kind that allocates them */
static __attribute__((unused)) size_t node_size(void)
{
	const struct lfq_kind *k;

	lfq_for_each_kind(k)
		if (k->node_size)
			return k->node_size;
	return 0;
}

/*
 * The node cache (module/lfq_core.c): a node freed with lfq_node_free_rcu()
 * is not handed out again while a read-side section that began before the
 * free is still open, whatever the number of frees and allocations; once a
 * grace period has passed, the cache does hand freed nodes out again.
 */
#define NODE_CACHE_N	1024

/*
 * msq, the "void *" API: pop takes the value from head's successor, which
 * becomes the dummy, and allocates nothing, so with every allocation
 * failing it still takes the last value.  Then len, empty and destroy of
 * a "void *" queue whose head is a popped value's node.
 */
static void test_msq_pop_no_alloc(void)
{
	struct lfq_msq q;
	int x[3];

	CHECK(lfq_msq_init(&q, GFP_KERNEL) == 0, "init");
	CHECK(lfq_msq_push(&q, &x[0], GFP_KERNEL) == 0, "push");
	lfq_node_cache_drain();		/* allocations reach the slab */
	kshim_set_alloc_fail_every(1);
	CHECK(lfq_msq_pop(&q) == &x[0], "pop of the last value failed with every allocation failing");
	kshim_set_alloc_fail_every(0);
	CHECK(lfq_msq_empty(&q) && lfq_msq_len(&q) == 0, "len %lu after the last pop",
	      lfq_msq_len(&q));
	CHECK(!lfq_msq_pop(&q), "pop of an empty queue");
	CHECK(lfq_msq_push(&q, &x[1], GFP_KERNEL) == 0 &&
	      lfq_msq_push(&q, &x[2], GFP_KERNEL) == 0, "push");
	CHECK(!lfq_msq_empty(&q) && lfq_msq_len(&q) == 2, "len %lu, want 2",
	      lfq_msq_len(&q));
	CHECK(lfq_msq_pop(&q) == &x[1], "FIFO order");
	CHECK(!lfq_msq_empty(&q) && lfq_msq_len(&q) == 1, "len %lu, want 1",
	      lfq_msq_len(&q));
	/* the head node's value was popped: only x[2] is released */
	released = 0;
	lfq_msq_destroy(&q, count_release);
	CHECK(released == 1, "destroy released %lu values, want 1", released);
}

/*
 * msq, the intrusive API: a dequeue that takes the last node links a dummy
 * first.  With every allocation failing it returns NULL and the node stays
 * queued; the spare lfq_msq_reserve_dummy() left beforehand lets it
 * through anyway (the device engine relies on it for a message it has
 * claimed).
 */
static void test_msq_spare(void)
{
	struct lfq_msq q;
	struct lfq_msq_node x;

	CHECK(lfq_msq_init(&q, GFP_KERNEL) == 0, "init");
	lfq_msq_enqueue_node(&q, &x);
	lfq_node_cache_drain();		/* allocations reach the slab */
	kshim_set_alloc_fail_every(1);
	CHECK(!lfq_msq_dequeue_node(&q), "dequeue found a dummy with every allocation failing");
	CHECK(lfq_msq_len(&q) == 1, "the node left the queue");
	CHECK(lfq_msq_reserve_dummy(&q, GFP_KERNEL) == -ENOMEM, "reserve without memory");
	kshim_set_alloc_fail_every(0);
	CHECK(lfq_msq_reserve_dummy(&q, GFP_KERNEL) == 0, "reserve");
	CHECK(lfq_msq_reserve_dummy(&q, GFP_KERNEL) == 0, "second reserve");
	kshim_set_alloc_fail_every(1);
	CHECK(lfq_msq_dequeue_node(&q) == &x, "dequeue with the spare dummy");
	kshim_set_alloc_fail_every(0);
	CHECK(lfq_msq_empty(&q), "not empty after the last dequeue");
	/* x goes back to the caller only a grace period after its dequeue */
	synchronize_rcu();
	lfq_msq_destroy_nodes(&q, NULL, NULL);
}

static void test_node_cache(void)
{
	static struct lfq_node *freed[NODE_CACHE_N], *got[NODE_CACHE_N];
	unsigned long i, j, early = 0, reused = 0;

	/* start with an empty cache: everything below comes from this test */
	lfq_node_cache_drain();
	rcu_read_lock();
	for (i = 0; i < NODE_CACHE_N; i++)
		CHECK((freed[i] = lfq_node_alloc(GFP_ATOMIC)), "alloc %lu", i);
	for (i = 0; i < NODE_CACHE_N; i++)
		lfq_node_free_rcu(freed[i]);
	CHECK(lfq_rcu_backlog() >= NODE_CACHE_N, "backlog %lu, freed %d",
	      lfq_rcu_backlog(), NODE_CACHE_N);
	for (i = 0; i < NODE_CACHE_N; i++) {
		got[i] = lfq_node_alloc(GFP_ATOMIC);
		for (j = 0; j < NODE_CACHE_N; j++)
			early += got[i] == freed[j];
	}
	rcu_read_unlock();
	CHECK(!early, "%lu nodes reused inside the read-side section", early);
	for (i = 0; i < NODE_CACHE_N; i++)
		lfq_node_free(got[i]);

	synchronize_rcu();
	CHECK(lfq_rcu_backlog() == 0, "backlog %lu after a grace period",
	      lfq_rcu_backlog());
	for (i = 0; i < NODE_CACHE_N; i++) {
		got[i] = lfq_node_alloc(GFP_ATOMIC);
		for (j = 0; j < NODE_CACHE_N; j++)
			reused += got[i] == freed[j];
	}
	CHECK(reused > 0, "no freed node reused after a grace period");
	for (i = 0; i < NODE_CACHE_N; i++)
		lfq_node_free(got[i]);
	printf("info: node_cache: %lu of %d freed nodes reused after a grace period, none before\n",
	       reused, NODE_CACHE_N);
}

/*
 * The shim's poisoning itself: a freed node reads as 0x6b (while in the
 * quarantine), and a write after free kills the process (quarantine check,
 * or AddressSanitizer).
 */
static void test_poison(void)
{
	unsigned char *p;
	pid_t child;
	int status, i, bad = 0;

	child = fork();
	if (child == 0) {
		p = kmem_cache_alloc(lfq_node_cachep, GFP_KERNEL);
		kmem_cache_free(lfq_node_cachep, p);
		((volatile unsigned char *)p)[3] = 1;
		kshim_set_quarantine(0);	/* flush: checks the poison */
		_exit(0);
	}
	waitpid(child, &status, 0);
	CHECK(!(WIFEXITED(status) && WEXITSTATUS(status) == 0),
	      "write after free went unnoticed");
#ifndef KSHIM_ASAN
	p = kmem_cache_alloc(lfq_node_cachep, GFP_KERNEL);
	kmem_cache_free(lfq_node_cachep, p);
	CHECK(node_size() > 0, "no kind has nodes");
	for (i = 0; i < (int)node_size(); i++)
		bad += p[i] != KSHIM_POISON_FREE;
	CHECK(!bad, "%d bytes of a freed node are not poisoned", bad);
#else
	(void)i;
	(void)bad;
#endif
}

/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* The object pool (lfq_pool.c): not a kind, tested through its own API */

static unsigned int pool_ctor_calls;

static void pool_ctor(void *obj, void *arg)
{
	CHECK(arg == &pool_ctor_calls, "ctor arg %p", arg);
	CHECK(!*(char *)obj, "ctor: object not zeroed");
	pool_ctor_calls++;
	*(unsigned long *)obj = 0x5a5a;
}

/*
 * API: argument checks, get all (distinct, cache-line aligned, not
 * overlapping: ASan checks every byte written), empty, foreign pointers
 * refused, put all, the ctor, destroy twice.
 */
static void test_pool_api(void)
{
	struct lfq_pool p = { 0 };
	void *objs[5], *o;
	int i, j, x;

	CHECK(lfq_pool_init(&p, 0, 8, GFP_KERNEL, NULL, NULL) == -EINVAL,
	      "nr 0");
	CHECK(lfq_pool_init(&p, 4, 0, GFP_KERNEL, NULL, NULL) == -EINVAL,
	      "size 0");
	CHECK(lfq_pool_init(&p, LFQ_POOL_MAX_NR + 1, 8, GFP_KERNEL, NULL,
			    NULL) == -EINVAL, "nr too large");
	CHECK(lfq_pool_init(&p, 5, 40, GFP_KERNEL, pool_ctor,
			    &pool_ctor_calls) == 0, "init");
	CHECK(pool_ctor_calls == 5, "ctor called %u times", pool_ctor_calls);
	CHECK(lfq_pool_avail(&p) == 5, "avail %u", lfq_pool_avail(&p));
	for (i = 0; i < 5; i++) {
		objs[i] = lfq_pool_get(&p);
		CHECK(objs[i], "get %d", i);
		if (!objs[i])
			return;
		CHECK(*(unsigned long *)objs[i] == 0x5a5a, "ctor's mark");
		CHECK(!((uintptr_t)objs[i] % SMP_CACHE_BYTES), "alignment");
		memset(objs[i], i, 40);
		for (j = 0; j < i; j++)
			CHECK(objs[j] != objs[i], "object %d handed out twice",
			      i);
	}
	CHECK(!lfq_pool_get(&p), "get from an empty pool");
	CHECK(lfq_pool_avail(&p) == 0, "avail %u", lfq_pool_avail(&p));
	CHECK(lfq_pool_put(&p, &x) == -EINVAL, "foreign pointer");
	CHECK(lfq_pool_put(&p, (char *)objs[0] + 1) == -EINVAL,
	      "pointer into an object");
	CHECK(lfq_pool_put(&p, NULL) == -EINVAL, "NULL");
	CHECK(lfq_pool_avail(&p) == 0, "avail %u", lfq_pool_avail(&p));
	for (i = 0; i < 5; i++) {
		for (j = 0; j < 40; j++)
			CHECK(((char *)objs[i])[j] == i, "object %d byte %d",
			      i, j);
		CHECK(lfq_pool_put(&p, objs[i]) == 0, "put %d", i);
	}
	CHECK(lfq_pool_avail(&p) == 5, "avail %u", lfq_pool_avail(&p));
	/* LIFO: the last one put is the first one got */
	o = lfq_pool_get(&p);
	CHECK(o == objs[4], "get after put");
	CHECK(lfq_pool_put(&p, o) == 0, "put");
	lfq_pool_destroy(&p);
	lfq_pool_destroy(&p);
}

/*
 * Every object is held by at most one thread at a time.  Each object
 * starts with an owner word, exchanged from 0 to the holder's id + 1 on
 * get (a non-zero old value means two holders: that is the failure this
 * test exists for) and cleared before put; the rest of the object is
 * written and checked with plain accesses, so TSan also sees whether the
 * pool orders one holder's accesses before the next one's.  Each thread
 * holds 1 to 3 objects at a time.  At the end every object is free:
 * avail is nr and nr gets return nr distinct objects.
 */
struct pool_run {
	struct lfq_pool p;
	unsigned int nr;
	unsigned long per;
	unsigned long doubles, gets, empties, bad_puts, torn;
};

#define POOL_OBJ_SIZE	48
#define POOL_HOLD	3

struct pool_obj {
	unsigned long owner;
	unsigned long fill[(POOL_OBJ_SIZE - sizeof(unsigned long)) /
			   sizeof(unsigned long)];
};

struct pool_worker {
	struct pool_run *run;
	unsigned long id;
	unsigned int seed;
	pthread_t tid;
};

static void *pool_worker(void *arg)
{
	struct pool_worker *w = arg;
	struct pool_run *run = w->run;
	struct pool_obj *held[POOL_HOLD];
	unsigned long op, gets = 0, empties = 0, doubles = 0, torn = 0;
	unsigned long bad_puts = 0, me = w->id + 1;
	unsigned int nheld = 0, want = 1, i;

	rcu_register_thread();
	for (op = 0; op < run->per; op++) {
		if (nheld < want) {
			struct pool_obj *o = lfq_pool_get(&run->p);

			if (!o) {
				empties++;
				if (nheld)
					want = nheld;	/* put one next */
				else
					sched_yield();
				continue;
			}
			gets++;
			if (__atomic_exchange_n(&o->owner, me, __ATOMIC_RELAXED))
				doubles++;
			for (i = 0; i < ARRAY_SIZE(o->fill); i++)
				o->fill[i] = me << 8 | i;
			held[nheld++] = o;
			continue;
		}
		/* put one back, the oldest, and pick a new target */
		for (i = 0; i < ARRAY_SIZE(held[0]->fill); i++)
			if (held[0]->fill[i] != (me << 8 | i))
				torn++;
		if (__atomic_exchange_n(&held[0]->owner, 0,
					__ATOMIC_RELAXED) != me)
			doubles++;
		if (lfq_pool_put(&run->p, held[0]))
			bad_puts++;
		memmove(held, held + 1, --nheld * sizeof(held[0]));
		want = 1 + next_rand(&w->seed) % POOL_HOLD;
	}
	while (nheld) {
		__atomic_store_n(&held[--nheld]->owner, 0, __ATOMIC_RELAXED);
		if (lfq_pool_put(&run->p, held[nheld]))
			bad_puts++;
	}
	__atomic_add_fetch(&run->gets, gets, __ATOMIC_RELAXED);
	__atomic_add_fetch(&run->empties, empties, __ATOMIC_RELAXED);
	__atomic_add_fetch(&run->doubles, doubles, __ATOMIC_RELAXED);
	__atomic_add_fetch(&run->torn, torn, __ATOMIC_RELAXED);
	__atomic_add_fetch(&run->bad_puts, bad_puts, __ATOMIC_RELAXED);
	rcu_unregister_thread();
	return NULL;
}

static void run_pool_stress(unsigned int nr)
{
	struct pool_worker w[6];
	struct pool_run run = { .nr = nr, .per = scaled(2000000) };
	unsigned long retries = lfq_cas_retries();
	struct pool_obj **seen;
	unsigned int i, j;
	double t0 = now();

	CHECK(lfq_pool_init(&run.p, nr, sizeof(struct pool_obj), GFP_KERNEL,
			    NULL, NULL) == 0, "init");
	for (i = 0; i < ARRAY_SIZE(w); i++) {
		w[i].run = &run;
		w[i].id = i;
		w[i].seed = 2654435761u * (i + 1);
		CHECK(!pthread_create(&w[i].tid, NULL, pool_worker, &w[i]),
		      "pthread_create");
	}
	for (i = 0; i < ARRAY_SIZE(w); i++)
		pthread_join(w[i].tid, NULL);
	printf("info: pool nr %u: %zu threads x %lu ops: %lu gets, %lu empty, %lu retries, %.2fs\n",
	       nr, ARRAY_SIZE(w), run.per, run.gets, run.empties,
	       lfq_cas_retries() - retries, now() - t0);
	CHECK(!run.doubles, "%lu objects held by two threads at once",
	      run.doubles);
	CHECK(!run.torn, "%lu words overwritten while held", run.torn);
	CHECK(!run.bad_puts, "%lu puts refused", run.bad_puts);
	CHECK(run.gets > 0, "no get succeeded");
	/* conservation: all nr back, distinct, and no more */
	CHECK(lfq_pool_avail(&run.p) == nr, "avail %u of %u",
	      lfq_pool_avail(&run.p), nr);
	seen = calloc(nr, sizeof(*seen));
	for (i = 0; seen && i < nr; i++) {
		seen[i] = lfq_pool_get(&run.p);
		CHECK(seen[i], "only %u of %u objects came back", i, nr);
		for (j = 0; seen[i] && j < i; j++)
			CHECK(seen[j] != seen[i], "object %u twice in the pool",
			      i);
	}
	CHECK(!lfq_pool_get(&run.p), "more than %u objects in the pool", nr);
	free(seen);
	lfq_pool_destroy(&run.p);
}

static void test_pool_stress_1(void)
{
	run_pool_stress(1);
}

static void test_pool_stress_2(void)
{
	run_pool_stress(2);
}

static void test_pool_stress_3(void)
{
	run_pool_stress(3);
}

static void test_pool_stress_64(void)
{
	run_pool_stress(64);
}

/* ------------------------------------------------------------------ */
/* The hash map (lfq_hmap.c): not a kind, tested through its own API  */

static unsigned long hmap_released, hmap_released_sum;

static void hmap_release(void *val)
{
	hmap_released++;
	hmap_released_sum += (unsigned long)val;
}

/* a key's value in the API test: never NULL, differs per key */
static void *hmap_val(unsigned long key)
{
	return (void *)(key * 2 + 1);
}

/*
 * n keys, multiples of 4096 like object addresses, inserted in a
 * scrambled order into @nb buckets; every other one deleted; lookups,
 * count, the backlog and the values destroy releases checked.
 */
static void hmap_many(unsigned int nb)
{
	unsigned long i, key, sum = 0, n = 2000, left = 0;
	struct lfq_hmap m;
	int a;

	CHECK(lfq_hmap_init(&m, nb, GFP_KERNEL) == 0, "init %u", nb);
	hmap_released = hmap_released_sum = 0;
	for (i = 0; i < n; i++) {
		key = (i * 7919) % n * 4096;	/* multiples of a page */
		CHECK(lfq_hmap_insert(&m, key, hmap_val(key), GFP_KERNEL) == 0,
		      "insert %lx", key);
	}
	CHECK(lfq_hmap_count(&m) == n, "count %lu", lfq_hmap_count(&m));
	for (i = 0; i < n; i++) {
		CHECK(lfq_hmap_lookup(&m, i * 4096) == hmap_val(i * 4096),
		      "lookup %lx", i * 4096);
		CHECK(!lfq_hmap_lookup(&m, i * 4096 + 1), "lookup %lx",
		      i * 4096 + 1);
		CHECK(lfq_hmap_insert(&m, i * 4096, &a, GFP_KERNEL) == -EEXIST,
		      "insert %lx again", i * 4096);
	}
	/*
	 * Inside a read-side section no grace period can end, so the nodes
	 * these deletes unlink are all still counted as waiting for one.
	 */
	rcu_read_lock();
	for (i = 0; i < n; i += 2)
		CHECK(lfq_hmap_delete(&m, i * 4096) == hmap_val(i * 4096),
		      "delete %lx", i * 4096);
	CHECK(lfq_rcu_backlog() >= n / 2, "backlog %lu after %lu deletes",
	      lfq_rcu_backlog(), n / 2);
	rcu_read_unlock();
	for (i = 0; i < n; i++) {
		void *v = lfq_hmap_lookup(&m, i * 4096);

		CHECK(v == (i & 1 ? hmap_val(i * 4096) : NULL),
		      "lookup %lx after deletes: %p", i * 4096, v);
		if (i & 1) {
			left++;
			sum += (unsigned long)hmap_val(i * 4096);
		}
	}
	CHECK(lfq_hmap_count(&m) == left, "count %lu, expected %lu",
	      lfq_hmap_count(&m), left);
	/* a grace period, then the freed nodes leave the node cache */
	rcu_barrier();
	lfq_node_cache_drain();
	CHECK(lfq_rcu_backlog() == 0, "backlog %lu after rcu_barrier()",
	      lfq_rcu_backlog());
	CHECK(kshim_kmem_cache_live(lfq_node_cachep) == (long)left,
	      "%ld nodes live, %lu keys left",
	      kshim_kmem_cache_live(lfq_node_cachep), left);
	lfq_hmap_destroy(&m, hmap_release);
	CHECK(hmap_released == left && hmap_released_sum == sum,
	      "released %lu values (sum %lx), expected %lu (sum %lx)",
	      hmap_released, hmap_released_sum, left, sum);
	lfq_hmap_destroy(&m, hmap_release);	/* again: nothing */
	CHECK(hmap_released == left, "second destroy released more");
}

static void test_hmap_api(void)
{
	const unsigned int bad[] = { 0, 3, 6, 1000, LFQ_HMAP_MAX_BUCKETS + 1,
				     LFQ_HMAP_MAX_BUCKETS * 2, ~0U };
	const unsigned long edge[] = { 0, 1, ~0UL, ~0UL - 1, 1UL << 63 };
	struct lfq_hmap m;
	int a, b, ret;
	size_t j;

	for (j = 0; j < ARRAY_SIZE(bad); j++) {
		memset(&m, 0x5a, sizeof(m));
		CHECK(lfq_hmap_init(&m, bad[j], GFP_KERNEL) == -EINVAL,
		      "init with %u buckets", bad[j]);
		lfq_hmap_destroy(&m, hmap_release);	/* after a failed init */
	}
	kshim_set_alloc_fail_every(1);
	memset(&m, 0x5a, sizeof(m));
	ret = lfq_hmap_init(&m, 16, GFP_KERNEL);
	kshim_set_alloc_fail_every(0);
	CHECK(ret == -ENOMEM, "init with failing allocations: %d", ret);
	lfq_hmap_destroy(&m, hmap_release);
	CHECK(hmap_released == 0, "release called after failed inits");

	CHECK(lfq_hmap_init(&m, 1, GFP_KERNEL) == 0, "1 bucket");
	lfq_hmap_destroy(&m, NULL);
	CHECK(lfq_hmap_init(&m, LFQ_HMAP_MAX_BUCKETS, GFP_KERNEL) == 0,
	      "LFQ_HMAP_MAX_BUCKETS buckets");
	CHECK(lfq_hmap_insert(&m, 42, &a, GFP_KERNEL) == 0, "insert");
	CHECK(lfq_hmap_lookup(&m, 42) == &a, "lookup");
	lfq_hmap_destroy(&m, NULL);

	CHECK(lfq_hmap_init(&m, 8, GFP_KERNEL) == 0, "init 8");
	CHECK(lfq_hmap_count(&m) == 0, "count %lu", lfq_hmap_count(&m));
	CHECK(!lfq_hmap_lookup(&m, 1), "lookup in an empty map");
	CHECK(!lfq_hmap_delete(&m, 1), "delete from an empty map");
	CHECK(lfq_hmap_insert(&m, 1, NULL, GFP_KERNEL) == -EINVAL, "NULL val");
	CHECK(!lfq_hmap_lookup(&m, 1), "NULL val inserted");
	CHECK(lfq_hmap_insert(&m, 1, &a, GFP_KERNEL) == 0, "insert 1");
	CHECK(lfq_hmap_insert(&m, 1, &b, GFP_KERNEL) == -EEXIST, "insert 1 again");
	CHECK(lfq_hmap_insert(&m, 1, &a, GFP_ATOMIC) == -EEXIST, "same pair again");
	CHECK(lfq_hmap_lookup(&m, 1) == &a, "EEXIST changed the value");
	CHECK(lfq_hmap_count(&m) == 1, "count %lu", lfq_hmap_count(&m));
	CHECK(!lfq_hmap_delete(&m, 2), "delete absent");
	CHECK(lfq_hmap_delete(&m, 1) == &a, "delete 1");
	CHECK(!lfq_hmap_lookup(&m, 1), "lookup deleted");
	CHECK(!lfq_hmap_delete(&m, 1), "delete deleted");
	CHECK(lfq_hmap_count(&m) == 0, "count %lu", lfq_hmap_count(&m));
	CHECK(lfq_hmap_insert(&m, 1, &b, GFP_KERNEL) == 0, "re-insert 1");
	CHECK(lfq_hmap_lookup(&m, 1) == &b, "re-inserted value");
	CHECK(lfq_hmap_delete(&m, 1) == &b, "delete 1");

	/* node allocation failures: -ENOMEM, map unchanged */
	kshim_set_alloc_fail_every(1);
	ret = lfq_hmap_insert(&m, 5, &a, GFP_ATOMIC);
	kshim_set_alloc_fail_every(0);
	CHECK(ret == -ENOMEM, "insert with failing allocation: %d", ret);
	CHECK(!lfq_hmap_lookup(&m, 5), "failed insert is visible");
	CHECK(lfq_hmap_count(&m) == 0, "count %lu", lfq_hmap_count(&m));

	/* edge keys, then many keys in a scrambled order, 8 buckets */
	for (j = 0; j < ARRAY_SIZE(edge); j++)
		CHECK(lfq_hmap_insert(&m, edge[j], hmap_val(edge[j]),
				      GFP_KERNEL) == 0, "edge key %lx", edge[j]);
	for (j = 0; j < ARRAY_SIZE(edge); j++)
		CHECK(lfq_hmap_lookup(&m, edge[j]) == hmap_val(edge[j]),
		      "edge key %lx", edge[j]);
	for (j = 0; j < ARRAY_SIZE(edge); j++)
		CHECK(lfq_hmap_delete(&m, edge[j]) == hmap_val(edge[j]),
		      "edge key %lx", edge[j]);
	lfq_hmap_destroy(&m, NULL);
	hmap_many(8);
}

/* all keys in one list: every insert and delete walks it */
static void test_hmap_one_bucket(void)
{
	hmap_many(1);
}

/* white box: the node of @key in a one-bucket map, its link word marked */
static void hmap_mark(struct lfq_hmap *m, unsigned long key)
{
	struct lfq_node *n = (struct lfq_node *)m->buckets[0];

	while (n && n->seq != key)
		n = (struct lfq_node *)((unsigned long)n->next & ~1UL);
	CHECK(n, "no node of key %lu", key);
	if (n)
		__atomic_fetch_or((unsigned long *)&n->next, 1UL,
				  __ATOMIC_RELAXED);
}

/*
 * A delete that stalls between its mark and its unlink (white box: the
 * test sets the mark itself).  The key must be absent at once for lookup,
 * delete and insert; a delete or insert that walks past the node unlinks
 * it and frees it (once: the leak check and the poison of freed nodes
 * see a double or missing free); destroy frees a node still marked
 * without releasing its value, which belongs to the stalled deleter.
 */
static void test_hmap_marked(void)
{
	struct lfq_hmap m;
	int a, b, c;

	CHECK(lfq_hmap_init(&m, 1, GFP_KERNEL) == 0, "init");
	CHECK(!lfq_hmap_insert(&m, 1, &a, GFP_KERNEL) &&
	      !lfq_hmap_insert(&m, 2, &b, GFP_KERNEL) &&
	      !lfq_hmap_insert(&m, 3, &c, GFP_KERNEL), "insert 1, 2, 3");
	hmap_mark(&m, 2);
	CHECK(!lfq_hmap_lookup(&m, 2), "lookup returned a marked node's value");
	CHECK(lfq_hmap_lookup(&m, 1) == &a && lfq_hmap_lookup(&m, 3) == &c,
	      "neighbours of a marked node");
	CHECK(!lfq_hmap_delete(&m, 2), "deleted a marked node's value again");
	CHECK(lfq_hmap_lookup(&m, 3) == &c, "lookup past an unlinked node");
	CHECK(lfq_hmap_insert(&m, 2, &a, GFP_KERNEL) == 0, "insert after mark");
	CHECK(lfq_hmap_lookup(&m, 2) == &a, "re-inserted key");
	hmap_mark(&m, 3);
	CHECK(lfq_hmap_insert(&m, 3, &b, GFP_KERNEL) == 0,
	      "insert over a marked node");
	CHECK(lfq_hmap_lookup(&m, 3) == &b, "re-inserted key");
	hmap_mark(&m, 1);
	hmap_released = hmap_released_sum = 0;
	lfq_hmap_destroy(&m, hmap_release);
	CHECK(hmap_released == 2 && hmap_released_sum ==
	      (unsigned long)&a + (unsigned long)&b,
	      "destroy released %lu values, expected 2 (not the marked one)",
	      hmap_released);
}

/*
 * Threads insert, delete and look up random keys of a small range, so
 * that every key is contended.  A value encodes (key, thread, sequence)
 * and has one bit in a bitmap, set by its inserter before the insert
 * (cleared again on -EEXIST) and cleared by whoever deletes the value or,
 * at the end, by destroy's release: a value that comes back for another
 * key, that decodes to nothing inserted (a freed node's poison), or that
 * two deletes return (its bit already clear), fails the test.  At the
 * end, per key, successful inserts minus successful deletes is 0 or 1 and
 * matches a lookup, they add up to the count, and no bit is left.
 */
#define HMAP_KEYS	64
#define HMAP_THREADS	4

struct hmap_run {
	struct lfq_hmap m;
	unsigned long per;
	unsigned long *bits;
	long ins[HMAP_KEYS], del[HMAP_KEYS];
	unsigned long bad, doubles, hits, lookups;
};

struct hmap_worker {
	struct hmap_run *run;
	unsigned long id;
	unsigned int seed;
	pthread_t tid;
};

static struct hmap_run *hmap_cur_run;

static unsigned long hmap_enc(unsigned long key, unsigned long id,
			      unsigned long seq)
{
	return (key + 1) << 40 | id << 32 | seq;
}

/* false if @v is no value any worker of @run can have inserted */
static bool hmap_dec(struct hmap_run *run, void *v, unsigned long *key,
		     unsigned long *bit)
{
	unsigned long x = (unsigned long)v, id = (x >> 32) & 0xff;

	*key = (x >> 40) - 1;
	*bit = id * run->per + (x & 0xffffffffUL);
	return (x >> 40) && *key < HMAP_KEYS && id < HMAP_THREADS &&
	       (x & 0xffffffffUL) < run->per;
}

static void hmap_bit_set(struct hmap_run *run, unsigned long bit)
{
	__atomic_fetch_or(&run->bits[bit / BITS_PER_LONG],
			  1UL << (bit % BITS_PER_LONG), __ATOMIC_RELAXED);
}

/* whether the bit was set */
static bool hmap_bit_clear(struct hmap_run *run, unsigned long bit)
{
	unsigned long b = 1UL << (bit % BITS_PER_LONG);

	return __atomic_fetch_and(&run->bits[bit / BITS_PER_LONG], ~b,
				  __ATOMIC_RELAXED) & b;
}

static void *hmap_worker(void *arg)
{
	struct hmap_worker *w = arg;
	struct hmap_run *run = w->run;
	long ins[HMAP_KEYS] = { 0 }, del[HMAP_KEYS] = { 0 };
	unsigned long seq, key, k2, bit, bad = 0, doubles = 0, hits = 0;
	unsigned long lookups = 0;
	unsigned int r;
	void *v;
	int ret;

	rcu_register_thread();
	for (seq = 0; seq < run->per; seq++) {
		r = next_rand(&w->seed);
		key = r % HMAP_KEYS;
		switch ((r >> 8) % 3) {
		case 0:
			bit = w->id * run->per + seq;
			hmap_bit_set(run, bit);
			ret = lfq_hmap_insert(&run->m, key,
					      (void *)hmap_enc(key, w->id, seq),
					      seq & 1 ? GFP_ATOMIC : GFP_KERNEL);
			if (!ret) {
				ins[key]++;
				break;
			}
			hmap_bit_clear(run, bit);
			if (ret != -EEXIST)
				bad++;
			break;
		case 1:
			v = lfq_hmap_delete(&run->m, key);
			if (!v)
				break;
			del[key]++;
			if (!hmap_dec(run, v, &k2, &bit) || k2 != key)
				bad++;
			else if (!hmap_bit_clear(run, bit))
				doubles++;
			break;
		default:
			lookups++;
			v = lfq_hmap_lookup(&run->m, key);
			if (!v)
				break;
			hits++;
			if (!hmap_dec(run, v, &k2, &bit) || k2 != key)
				bad++;
			break;
		}
	}
	for (key = 0; key < HMAP_KEYS; key++) {
		__atomic_add_fetch(&run->ins[key], ins[key], __ATOMIC_RELAXED);
		__atomic_add_fetch(&run->del[key], del[key], __ATOMIC_RELAXED);
	}
	__atomic_add_fetch(&run->bad, bad, __ATOMIC_RELAXED);
	__atomic_add_fetch(&run->doubles, doubles, __ATOMIC_RELAXED);
	__atomic_add_fetch(&run->hits, hits, __ATOMIC_RELAXED);
	__atomic_add_fetch(&run->lookups, lookups, __ATOMIC_RELAXED);
	rcu_unregister_thread();
	return NULL;
}

static void hmap_stress_release(void *v)
{
	struct hmap_run *run = hmap_cur_run;
	unsigned long key, bit;

	if (!hmap_dec(run, v, &key, &bit))
		run->bad++;
	else if (!hmap_bit_clear(run, bit))
		run->doubles++;
}

static void run_hmap_stress(unsigned int nb)
{
	struct hmap_worker w[HMAP_THREADS];
	struct hmap_run run = { .per = scaled(600000) };
	unsigned long retries = lfq_cas_retries(), key, present = 0, nwords;
	unsigned long ops = 0, left = 0;
	double t0;
	size_t i;
	long d;

	nwords = (HMAP_THREADS * run.per + BITS_PER_LONG - 1) / BITS_PER_LONG;
	run.bits = calloc(nwords, sizeof(*run.bits));
	CHECK(run.bits, "bitmap");
	if (!run.bits)
		return;
	CHECK(lfq_hmap_init(&run.m, nb, GFP_KERNEL) == 0, "init %u", nb);
	t0 = now();
	for (i = 0; i < ARRAY_SIZE(w); i++) {
		w[i] = (struct hmap_worker){ .run = &run, .id = i,
					     .seed = 7 + 31 * i };
		CHECK(!pthread_create(&w[i].tid, NULL, hmap_worker, &w[i]),
		      "pthread_create");
	}
	for (i = 0; i < ARRAY_SIZE(w); i++)
		pthread_join(w[i].tid, NULL);
	t0 = now() - t0;
	for (key = 0; key < HMAP_KEYS; key++) {
		d = run.ins[key] - run.del[key];
		ops += run.ins[key] + run.del[key];
		CHECK(d == 0 || d == 1, "key %lu: %ld inserts, %ld deletes",
		      key, run.ins[key], run.del[key]);
		CHECK(!lfq_hmap_lookup(&run.m, key) == !d,
		      "key %lu: lookup %p, %ld inserts - deletes", key,
		      lfq_hmap_lookup(&run.m, key), d);
		present += d;
	}
	CHECK(lfq_hmap_count(&run.m) == present, "count %lu, present %lu",
	      lfq_hmap_count(&run.m), present);
	CHECK(run.bad == 0, "%lu values of another key, or never inserted, "
	      "or a bad insert return", run.bad);
	CHECK(run.doubles == 0, "%lu values deleted twice", run.doubles);
	printf("info: hmap %u buckets: %d threads x %lu ops: %lu inserts + deletes, %lu/%lu lookups hit, %lu retries, %.2fs\n",
	       nb, HMAP_THREADS, run.per, ops, run.hits, run.lookups,
	       lfq_cas_retries() - retries, t0);
	CHECK(ops > 0 && run.hits > 0, "no successful operation");
	hmap_cur_run = &run;
	lfq_hmap_destroy(&run.m, hmap_stress_release);
	CHECK(run.bad == 0 && run.doubles == 0,
	      "destroy released %lu bad values, %lu twice", run.bad,
	      run.doubles);
	for (i = 0; i < nwords; i++)
		left += __builtin_popcountl(run.bits[i]);
	CHECK(left == 0, "%lu inserted values neither deleted nor released",
	      left);
	free(run.bits);
}

static void test_hmap_stress_1(void)
{
	run_hmap_stress(1);
}

static void test_hmap_stress_4(void)
{
	run_hmap_stress(4);
}

static void test_hmap_stress_64(void)
{
	run_hmap_stress(64);
}

static unsigned int timeout_s = 60;

static void on_alarm(int sig)
{
	static const char msg[] =
		"timeout: no completion, a push or pop spins or the run makes no progress\n";
	char line[128];
	int n;

	(void)sig;
	n = snprintf(line, sizeof(line), "FAIL: %s\n", cur_test);
	write(2, msg, sizeof(msg) - 1);
	write(1, line, n);
	_exit(1);
}

struct simple {
	const char *name;
	void (*fn)(void);
};

static const struct simple simples[] = {
	{ "ring_queries", test_ring_queries },
	{ "enomem", test_enomem },
	{ "node_cache", test_node_cache },
	{ "msq_pop_no_alloc", test_msq_pop_no_alloc },
	{ "msq_spare", test_msq_spare },
	{ "poison", test_poison },
	{ "rcu_storm", test_rcu_storm },
	{ "pool_api", test_pool_api },
	{ "pool_stress_1", test_pool_stress_1 },
	{ "pool_stress_2", test_pool_stress_2 },
	{ "pool_stress_3", test_pool_stress_3 },
	{ "pool_stress_64", test_pool_stress_64 },
	{ "hmap_api", test_hmap_api },
	{ "hmap_one_bucket", test_hmap_one_bucket },
	{ "hmap_marked", test_hmap_marked },
	{ "hmap_stress_1", test_hmap_stress_1 },
	{ "hmap_stress_4", test_hmap_stress_4 },
	{ "hmap_stress_64", test_hmap_stress_64 },
};

/* ------------------------------------------------------------------ */
/* The intrusive API (kinds with push_node: msq, stack)                */

/*
 * inode_api_<kind>: one thread, objects that embed the node away from
 * their start (so a wrong offset shows): order (FIFO or LIFO), len and
 * empty, pop of an empty container, and destroy_nodes handing back what
 * is left.
 *
 * inode_<kind>_<shape>: the stress shapes on nodes.  Producers push
 * objects that carry (producer, sequence); consumers pop them, check them
 * like the values of the "void *" stress (hit array, conservation,
 * per-producer order for FIFO kinds) and hand each object to call_rcu(),
 * whose callback puts it on a free list the producers take their next
 * objects from: node addresses are reused, but only after a grace period,
 * as lfq.h requires, so a pop that could succeed against a recycled node
 * (ABA) would show as a lost or doubled value.
 */
struct iobj {
	unsigned long tag;		/* encode(pid, seq) */
	union {
		struct lfq_msq_node q;
		struct lfq_stack_node s;
	} node;
	struct rcu_head rcu;
	struct iobj *free_next;
};

#define IOBJ_OFF	offsetof(struct iobj, node)

static pthread_mutex_t iobj_lock = PTHREAD_MUTEX_INITIALIZER;
static struct iobj *iobj_free;
static unsigned long iobj_allocs, iobj_reuses;

static struct iobj *iobj_get(void)
{
	struct iobj *o;

	pthread_mutex_lock(&iobj_lock);
	o = iobj_free;
	if (o) {
		iobj_free = o->free_next;
		iobj_reuses++;
	} else {
		iobj_allocs++;
	}
	pthread_mutex_unlock(&iobj_lock);
	return o ? o : malloc(sizeof(*o));
}

/* call_rcu() callback: a grace period has passed since the pop */
static void iobj_recycle(struct rcu_head *head)
{
	struct iobj *o = container_of(head, struct iobj, rcu);

	/* poison what the next user must rewrite; the node included */
	memset(o, 0x5a, offsetof(struct iobj, rcu));
	pthread_mutex_lock(&iobj_lock);
	o->free_next = iobj_free;
	iobj_free = o;
	pthread_mutex_unlock(&iobj_lock);
}

static void iobj_free_all(void)
{
	struct iobj *o;

	rcu_barrier();
	pthread_mutex_lock(&iobj_lock);
	while ((o = iobj_free)) {
		iobj_free = o->free_next;
		free(o);
	}
	pthread_mutex_unlock(&iobj_lock);
}

static unsigned long iobj_released;

static void iobj_release(void *obj)
{
	iobj_released++;
	free(obj);
}

static void run_inode_api(const struct lfq_kind *k)
{
	struct box b;
	struct iobj *o[3], *p;
	int i;

	CHECK(box_init(&b, k, 0) == 0, "init");
	CHECK(k->pop_node(b.c, IOBJ_OFF) == NULL, "pop of an empty %s",
	      k->name);
	CHECK(box_empty(&b) && box_len(&b) == 0, "new %s not empty", k->name);
	for (i = 0; i < 3; i++) {
		o[i] = malloc(sizeof(*o[i]));
		memset(o[i], 0x5a, sizeof(*o[i]));	/* no init needed */
		o[i]->tag = i;
		k->push_node(b.c, o[i], IOBJ_OFF);
		CHECK(box_len(&b) == (unsigned long)i + 1, "len %lu after %d",
		      box_len(&b), i + 1);
	}
	CHECK(!box_empty(&b), "empty with 3 nodes");
	p = k->pop_node(b.c, IOBJ_OFF);
	CHECK(p == (is_fifo(k) ? o[0] : o[2]), "popped %p (tag %lu)", p,
	      p ? p->tag : ~0UL);
	CHECK(box_len(&b) == 2, "len %lu after a pop", box_len(&b));
	/* the popped object goes only after a grace period */
	call_rcu(&p->rcu, iobj_recycle);
	p = k->pop_node(b.c, IOBJ_OFF);
	CHECK(p == o[1], "second pop: %p, want the middle one", p);
	call_rcu(&p->rcu, iobj_recycle);
	CHECK(box_len(&b) == 1 && !box_empty(&b), "len %lu with one left",
	      box_len(&b));
	/* the last node left goes back through destroy_nodes */
	iobj_released = 0;
	k->destroy_nodes(b.c, iobj_release, IOBJ_OFF);
	CHECK(iobj_released == 1, "destroy_nodes released %lu objects",
	      iobj_released);
	free(b.c);

	/* pop the last node, then the container is empty */
	CHECK(box_init(&b, k, 0) == 0, "init");
	o[0] = malloc(sizeof(*o[0]));
	k->push_node(b.c, o[0], IOBJ_OFF);
	CHECK(k->pop_node(b.c, IOBJ_OFF) == o[0], "the only node");
	call_rcu(&o[0]->rcu, iobj_recycle);
	CHECK(box_empty(&b) && box_len(&b) == 0 &&
	      !k->pop_node(b.c, IOBJ_OFF), "not empty after the last pop");
	iobj_released = 0;
	k->destroy_nodes(b.c, iobj_release, IOBJ_OFF);
	CHECK(iobj_released == 0, "destroy_nodes of an empty %s released %lu",
	      k->name, iobj_released);
	free(b.c);
	iobj_free_all();
}

static void *inode_producer(void *arg)
{
	struct worker *w = arg;
	struct run *run = w->run;
	const struct lfq_kind *kind = run->kind;
	unsigned long seq;
	struct iobj *o;

	rcu_register_thread();
	for (seq = 0; seq < run->per; seq++) {
		o = iobj_get();
		o->tag = (uintptr_t)encode(w->id, seq);
		kind->push_node(run->box.c, o, IOBJ_OFF);
	}
	__atomic_add_fetch(&run->pushed, seq, __ATOMIC_RELAXED);
	rcu_unregister_thread();
	return NULL;
}

static void *inode_consumer(void *arg)
{
	struct worker *w = arg;
	struct run *run = w->run;
	const struct stress *c = run->cfg;
	const struct lfq_kind *kind = run->kind;
	unsigned long popped = 0, empty = 0;
	long *last = NULL;
	struct iobj *o;

	if (run->fifo)
		last = last_seqs_new(c->nprod);
	rcu_register_thread();
	for (;;) {
		bool done = __atomic_load_n(&run->producers_done,
					    __ATOMIC_ACQUIRE);

		o = kind->pop_node(run->box.c, IOBJ_OFF);
		if (o) {
			record(run, (void *)o->tag, last);
			popped++;
			call_rcu(&o->rcu, iobj_recycle);
			continue;
		}
		if (done)
			break;
		empty++;
		sched_yield();
	}
	__atomic_add_fetch(&run->popped, popped, __ATOMIC_RELAXED);
	__atomic_add_fetch(&run->empty_pops, empty, __ATOMIC_RELAXED);
	rcu_unregister_thread();
	free(last);
	return NULL;
}

static void run_inode_stress(const struct lfq_kind *kind,
			     const struct stress *c)
{
	struct run run = { .cfg = c, .kind = kind, .fifo = is_fifo(kind) };
	unsigned long total, drained = 0, missing = 0, i;
	double t0 = now();
	struct iobj *o;

	run.per = scaled(c->per);
	total = run.per * c->nprod;
	run.hits = calloc(total, 1);
	pthread_mutex_lock(&iobj_lock);
	iobj_allocs = 0;
	iobj_reuses = 0;
	pthread_mutex_unlock(&iobj_lock);
	CHECK(box_init(&run.box, kind, 0) == 0, "init");
	run_workers(&run, inode_producer, inode_consumer);

	while ((o = kind->pop_node(run.box.c, IOBJ_OFF))) {
		record(&run, (void *)o->tag, NULL);
		call_rcu(&o->rcu, iobj_recycle);
		drained++;
	}
	for (i = 0; i < total; i++)
		missing += !run.hits[i];
	CHECK(run.pushed == total, "pushed %lu of %lu", run.pushed, total);
	CHECK(run.pushed == run.popped + drained,
	      "conservation: pushed %lu != popped %lu + drained %lu",
	      run.pushed, run.popped, drained);
	CHECK(missing == 0, "%lu objects never popped", missing);
	iobj_released = 0;
	kind->destroy_nodes(run.box.c, iobj_release, IOBJ_OFF);
	CHECK(iobj_released == 0, "destroy_nodes released %lu objects",
	      iobj_released);
	free(run.box.c);
	iobj_free_all();
	printf("info: inode_%s_%s: %uP/%uC %lu objects in %.2fs; %lu "
	       "allocated, %lu reused after a grace period; empty %lu, "
	       "drained %lu\n", kind->name, c->name, c->nprod, c->ncons,
	       total, now() - t0, iobj_allocs, iobj_reuses, run.empty_pops,
	       drained);
	free(run.hits);
}

/* With @want NULL, print @name; otherwise true if @name is @want. */
static bool visit(const char *name, const char *want)
{
	if (!want) {
		printf("%s\n", name);
		return false;
	}
	return !strcmp(name, want);
}

/*
 * Every test: the simple ones, then per registered kind api_<kind>, one
 * <kind>_<shape> per stress shape that applies to it (owner kinds: per
 * owner-plus-thieves shape), for kinds with the intrusive operations
 * inode_api_<kind> and inode_<kind>_<shape>, and soak_<kind> (not for
 * owner kinds).
 * Lists them (@want NULL) or runs the one named @want.
 */
static bool each_test(const char *want)
{
	const struct lfq_kind *k;
	bool found = false;
	char name[64];
	size_t i;

	for (i = 0; i < sizeof(simples) / sizeof(simples[0]); i++) {
		if (visit(simples[i].name, want)) {
			simples[i].fn();
			found = true;
		}
	}
	lfq_for_each_kind(k) {
		snprintf(name, sizeof(name), "api_%s", k->name);
		if (visit(name, want)) {
			run_api(k);
			found = true;
		}
		for (i = 0; i < sizeof(stresses) / sizeof(stresses[0]); i++) {
			if (!stress_applies(&stresses[i], k))
				continue;
			snprintf(name, sizeof(name), "%s_%s", k->name,
				 stresses[i].name);
			if (visit(name, want)) {
				run_stress(k, &stresses[i]);
				found = true;
			}
		}
		for (i = 0; k->push_node && i < sizeof(stresses) /
					       sizeof(stresses[0]); i++) {
			if (stresses[i].needs || stresses[i].needs_many)
				continue;
			snprintf(name, sizeof(name), "inode_%s_%s", k->name,
				 stresses[i].name);
			if (visit(name, want)) {
				run_inode_stress(k, &stresses[i]);
				found = true;
			}
		}
		for (i = 0; k->steal && i < sizeof(steal_shapes) /
					    sizeof(steal_shapes[0]); i++) {
			snprintf(name, sizeof(name), "%s_%s", k->name,
				 steal_shapes[i].name);
			if (visit(name, want)) {
				run_steal(k, &steal_shapes[i]);
				found = true;
			}
		}
		if (k->push_node) {
			snprintf(name, sizeof(name), "inode_api_%s", k->name);
			if (visit(name, want)) {
				run_inode_api(k);
				found = true;
			}
		}
		/* the soak's producers and consumers are concurrent */
		if (k->flags & LFQ_KIND_OWNER)
			continue;
		snprintf(name, sizeof(name), "soak_%s", k->name);
		if (visit(name, want)) {
			run_soak(k);
			found = true;
		}
	}
	return found;
}

int main(int argc, char **argv)
{
	const char *name = NULL;
	int opt;

	while ((opt = getopt(argc, argv, "s:l-:")) != -1) {
		switch (opt) {
		case 's':
			scale = atof(optarg);
			break;
		case 'l':
		case '-':
			each_test(NULL);
			return 0;
		default:
			fprintf(stderr, "usage: %s [-s scale] name | --list\n",
				argv[0]);
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: %s [-s scale] name | --list\n", argv[0]);
		return 2;
	}
	name = argv[optind];
	cur_test = name;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (getenv("LFQ_TEST_ALARM"))
		timeout_s = atoi(getenv("LFQ_TEST_ALARM"));
	signal(SIGALRM, on_alarm);
	alarm(timeout_s);

	rcu_register_thread();
	if (lfq_core_init()) {
		printf("FAIL: %s (lfq_core_init)\n", name);
		return 1;
	}
	kshim_set_quarantine(8192);

	if (!each_test(name)) {
		fprintf(stderr, "unknown test %s\n", name);
		return 2;
	}

	/* leak check: every node freed once the grace periods are over */
	rcu_barrier();
	lfq_node_cache_drain();
	CHECK(kshim_kmem_cache_live(lfq_node_cachep) == 0,
	      "%ld lfq nodes leaked", kshim_kmem_cache_live(lfq_node_cachep));
	CHECK(kshim_kv_live() == 0, "%ld slot arrays leaked", kshim_kv_live());
	CHECK(lfq_rcu_backlog() == 0, "backlog %lu after rcu_barrier()",
	      lfq_rcu_backlog());
	lfq_core_exit();
	rcu_unregister_thread();

	printf("%s: %s\n", failures ? "FAIL" : "PASS", name);
	return failures ? 1 : 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_test.c - many-thread stress and API tests of module/lfq_*.c built on
 * the userspace shim (userspace/shim).
 *
 *   lfq_test --list          the test names
 *   lfq_test [-s SCALE] NAME run one test; prints "PASS: NAME" or
 *                            "FAIL: NAME" (or "SKIP: NAME", exit 77)
 *
 * SCALE multiplies the operation counts (default 1.0; the sanitizer runs
 * use less).  A test that has not finished after 60 s (LFQ_TEST_ALARM)
 * fails: a push or pop that spins forever is a bug.  Each test ends with a leak check: after rcu_barrier() no
 * lfq node and no ring slot array may still be allocated.
 *
 * Stress tests: P producers push values that encode (producer, sequence);
 * C consumers pop.  Checked: every value decodes to a real (producer,
 * sequence) -- a poisoned (freed) node yields garbage here --, every value
 * is popped exactly once (hit array), pushed == popped + drained, and for
 * FIFO containers each consumer sees each producer's values in increasing
 * sequence order.
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
/* The containers behind one interface                                */

enum kind { K_MSQ, K_STACK, K_RING, K_TLQ };
enum batch { B_SINGLE, B_BULK, B_BURST, B_MIXED };

struct box {
	enum kind kind;
	gfp_t gfp;
	union {
		struct lfq_msq msq;
		struct lfq_stack stack;
		struct lfq_ring ring;
		struct lfq_tlq tlq;
	};
};

static int box_init(struct box *b, enum kind kind, unsigned int cap)
{
	b->kind = kind;
	b->gfp = GFP_KERNEL;
	switch (kind) {
	case K_MSQ:
		return lfq_msq_init(&b->msq, GFP_KERNEL);
	case K_STACK:
		lfq_stack_init(&b->stack);
		return 0;
	case K_RING:
		return lfq_ring_init(&b->ring, cap, GFP_KERNEL);
	case K_TLQ:
		return lfq_tlq_init(&b->tlq, GFP_KERNEL);
	}
	return -EINVAL;
}

static unsigned long released;

static void count_release(void *val)
{
	__atomic_add_fetch(&released, 1, __ATOMIC_RELAXED);
}

static void box_destroy(struct box *b)
{
	switch (b->kind) {
	case K_MSQ:
		lfq_msq_destroy(&b->msq, count_release);
		break;
	case K_STACK:
		lfq_stack_destroy(&b->stack, count_release);
		break;
	case K_RING:
		lfq_ring_destroy(&b->ring, count_release);
		break;
	case K_TLQ:
		lfq_tlq_destroy(&b->tlq, count_release);
		break;
	}
}

/* 0, or -ENOSPC/-ENOMEM: the caller retries */
static int box_push(struct box *b, void *v, unsigned int *retries)
{
	switch (b->kind) {
	case K_MSQ:
		return __lfq_msq_push(&b->msq, v, b->gfp, retries);
	case K_STACK:
		return __lfq_stack_push(&b->stack, v, b->gfp, retries);
	case K_RING:
		return __lfq_ring_push(&b->ring, v, retries);
	case K_TLQ:
		return lfq_tlq_push(&b->tlq, v, b->gfp);
	}
	return -EINVAL;
}

static void *box_pop(struct box *b, unsigned int *retries)
{
	switch (b->kind) {
	case K_MSQ:
		return __lfq_msq_pop(&b->msq, retries);
	case K_STACK:
		return __lfq_stack_pop(&b->stack, retries);
	case K_RING:
		return __lfq_ring_pop(&b->ring, retries);
	case K_TLQ:
		return lfq_tlq_pop(&b->tlq);
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Stress                                                             */

#define MAX_THREADS	16
#define MAX_BATCH	32

struct stress {
	const char *name;
	enum kind kind;
	unsigned int nprod, ncons;
	unsigned long per;		/* values per producer (before scale) */
	unsigned int cap;		/* ring capacity */
	enum batch batch;
	unsigned int max_batch;
	bool fifo;
	bool nonblocking_gfp;		/* GFP_ATOMIC: never throttled */
};

struct run {
	const struct stress *cfg;
	struct box box;
	unsigned long per;
	unsigned char *hits;
	int producers_done;
	unsigned long pushed, popped;
	unsigned long retries;
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
	const struct stress *c = run->cfg;
	unsigned int retries = 0;
	unsigned long seq = 0, full = 0;
	void *vals[MAX_BATCH];

	rcu_register_thread();
	while (seq < run->per) {
		enum batch mode = c->kind == K_RING ? pick_mode(w) : B_SINGLE;
		unsigned int n, k, i;

		if (mode == B_SINGLE) {
			int ret = box_push(&run->box, encode(w->id, seq),
					   &retries);

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
		k = __lfq_ring_push_many(&run->box.ring, vals, n,
					 mode == B_BULK, &retries);
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
	__atomic_add_fetch(&run->retries, retries, __ATOMIC_RELAXED);
	__atomic_add_fetch(&run->full_pushes, full, __ATOMIC_RELAXED);
	rcu_unregister_thread();
	return NULL;
}

static void *consumer(void *arg)
{
	struct worker *w = arg;
	struct run *run = w->run;
	const struct stress *c = run->cfg;
	unsigned int retries = 0;
	unsigned long popped = 0, empty = 0;
	long *last = NULL;
	void *vals[MAX_BATCH];

	if (c->fifo) {
		last = malloc(sizeof(*last) * c->nprod);
		for (unsigned int i = 0; i < c->nprod; i++)
			last[i] = -1;
	}
	rcu_register_thread();
	for (;;) {
		enum batch mode = c->kind == K_RING ? pick_mode(w) : B_SINGLE;
		unsigned int n, k, i;
		bool done = __atomic_load_n(&run->producers_done,
					    __ATOMIC_ACQUIRE);

		if (mode == B_SINGLE || done) {
			void *v = box_pop(&run->box, &retries);

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
		k = __lfq_ring_pop_many(&run->box.ring, vals, n,
					mode == B_BULK, &retries);
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
	__atomic_add_fetch(&run->retries, retries, __ATOMIC_RELAXED);
	__atomic_add_fetch(&run->empty_pops, empty, __ATOMIC_RELAXED);
	rcu_unregister_thread();
	free(last);
	return NULL;
}

static void run_stress(const struct stress *c)
{
	struct worker w[MAX_THREADS];
	struct run run = { .cfg = c };
	unsigned long total, drained = 0, missing = 0, i;
	unsigned int t, nthreads = c->nprod + c->ncons, r = 0;
	double t0 = now();
	void *v;

	run.per = scaled(c->per);
	total = run.per * c->nprod;
	run.hits = calloc(total, 1);
	CHECK(box_init(&run.box, c->kind, c->cap) == 0, "init");
	if (c->nonblocking_gfp)
		run.box.gfp = GFP_ATOMIC;

	for (t = 0; t < nthreads; t++) {
		w[t].run = &run;
		w[t].seed = 12345 + t * 7919;
		w[t].id = t < c->nprod ? t : t - c->nprod;
	}
	/* start consumers first, interleaved with producers */
	for (t = 0; t < c->ncons; t++)
		pthread_create(&w[c->nprod + t].thread, NULL, consumer,
			       &w[c->nprod + t]);
	for (t = 0; t < c->nprod; t++)
		pthread_create(&w[t].thread, NULL, producer, &w[t]);
	for (t = 0; t < c->nprod; t++)
		pthread_join(w[t].thread, NULL);
	__atomic_store_n(&run.producers_done, 1, __ATOMIC_RELEASE);
	for (t = 0; t < c->ncons; t++)
		pthread_join(w[c->nprod + t].thread, NULL);

	while ((v = box_pop(&run.box, &r))) {
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
	printf("info: %s: %uP/%uC %lu values in %.2fs; retries %lu, "
	       "full %lu, empty %lu, drained %lu\n",
	       c->name, c->nprod, c->ncons, total, now() - t0,
	       run.retries, run.full_pushes, run.empty_pops, drained);
	if (c->kind == K_RING)
		printf("info: %s: ring capacity %u, batches up to %u\n",
		       c->name, c->cap, c->max_batch);
	free(run.hits);
}

static const struct stress stresses[] = {
	{ "msq_mpmc", K_MSQ, 4, 4, 200000, 0, B_SINGLE, 1, true },
	{ "msq_spmc", K_MSQ, 1, 3, 400000, 0, B_SINGLE, 1, true },
	{ "msq_mpsc", K_MSQ, 3, 1, 150000, 0, B_SINGLE, 1, true },
	{ "stack_mpmc", K_STACK, 4, 4, 200000, 0, B_SINGLE, 1, false },
	{ "tlq_mpmc", K_TLQ, 4, 4, 150000, 0, B_SINGLE, 1, true },
	{ "ring_mpmc", K_RING, 4, 4, 200000, 1024, B_SINGLE, 1, true },
	{ "ring_cap2", K_RING, 3, 3, 100000, 2, B_SINGLE, 1, true },
	{ "ring_cap4", K_RING, 3, 3, 100000, 4, B_SINGLE, 1, true },
	{ "ring_bulk", K_RING, 4, 4, 200000, 64, B_BULK, 16, true },
	{ "ring_burst", K_RING, 4, 4, 200000, 64, B_BURST, 16, true },
	{ "ring_mixed_cap4", K_RING, 3, 3, 100000, 4, B_MIXED, 4, true },
	{ "ring_mixed", K_RING, 4, 4, 200000, 256, B_MIXED, 32, true },
};

/* ------------------------------------------------------------------ */
/* RCU backlog under a push/pop storm                                  */

struct storm {
	struct lfq_msq *q;
	struct lfq_stack *s;
	gfp_t gfp;
	unsigned long ops;
	int *stop;
};

static void *storm_worker(void *arg)
{
	struct storm *st = arg;
	unsigned long i;
	int dummy;

	rcu_register_thread();
	for (i = 0; i < st->ops; i++) {
		void *v = &dummy;

		if (lfq_msq_push(st->q, v, st->gfp) == 0)
			CHECK(lfq_msq_pop(st->q), "msq pop after push");
		if (lfq_stack_push(st->s, v, st->gfp) == 0)
			CHECK(lfq_stack_pop(st->s), "stack pop after push");
	}
	rcu_unregister_thread();
	return NULL;
}

static void *storm_sampler(void *arg)
{
	struct storm *st = arg;
	unsigned long peak = 0, b;

	while (!__atomic_load_n(st->stop, __ATOMIC_ACQUIRE)) {
		b = lfq_rcu_backlog();
		if (b > peak)
			peak = b;
		usleep(200);
	}
	return (void *)peak;
}

static unsigned long storm_once(gfp_t gfp, unsigned int nthreads,
				unsigned long ops, double *secs)
{
	struct lfq_msq q;
	struct lfq_stack s;
	struct storm st[MAX_THREADS];
	pthread_t th[MAX_THREADS], sampler;
	int stop = 0;
	void *peak;
	unsigned int t;
	double t0 = now();

	CHECK(lfq_msq_init(&q, GFP_KERNEL) == 0, "msq init");
	lfq_stack_init(&s);
	for (t = 0; t < nthreads; t++) {
		st[t] = (struct storm){ &q, &s, gfp, ops, &stop };
		pthread_create(&th[t], NULL, storm_worker, &st[t]);
	}
	pthread_create(&sampler, NULL, storm_sampler, &st[0]);
	for (t = 0; t < nthreads; t++)
		pthread_join(th[t], NULL);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	pthread_join(sampler, &peak);
	*secs = now() - t0;
	lfq_msq_destroy(&q, NULL);
	lfq_stack_destroy(&s, NULL);
	return (unsigned long)peak;
}

static void test_rcu_storm(void)
{
	unsigned long ops = scaled(400000), peak_atomic, peak_kernel;
	unsigned long frees = 4 * ops * 2;
	double sa, sk;

	peak_atomic = storm_once(GFP_ATOMIC, 4, ops, &sa);
	rcu_barrier();
	peak_kernel = storm_once(GFP_KERNEL, 4, ops, &sk);
	printf("info: rcu_storm: 4 threads x %lu push/pop pairs on msq + stack "
	       "(%lu RCU frees per run)\n", ops, frees);
	printf("info: rcu_storm: peak backlog GFP_ATOMIC (never throttled): "
	       "%lu nodes (%lu KiB) in %.2fs\n", peak_atomic,
	       peak_atomic * sizeof(struct lfq_node) / 1024, sa);
	printf("info: rcu_storm: peak backlog GFP_KERNEL (throttle at 65536): "
	       "%lu nodes (%lu KiB) in %.2fs\n", peak_kernel,
	       peak_kernel * sizeof(struct lfq_node) / 1024, sk);
	/* throttled pushes keep it near the high mark */
	CHECK(peak_kernel < 4 * 65536, "backlog %lu not bounded", peak_kernel);
	rcu_barrier();
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
	unsigned int retries = 0, n, k, i;
	void *vals[MAX_BATCH];

	rcu_register_thread();
	while (seq < s->per_prod) {
		if (s->box.kind != K_RING &&
		    __atomic_load_n(&s->queued, __ATOMIC_RELAXED) > SOAK_MAX_QUEUED) {
			__atomic_add_fetch(&s->queued, unflushed, __ATOMIC_RELAXED);
			unflushed = 0;
			sched_yield();
			continue;
		}
		n = 1;
		if (s->box.kind == K_RING && next_rand(&w->seed) % 2)
			n = 1 + next_rand(&w->seed) % MAX_BATCH;
		if (n > s->per_prod - seq)
			n = s->per_prod - seq;
		for (i = 0; i < n; i++)
			vals[i] = encode(w->id, seq + i);
		if (n == 1)
			k = box_push(&s->box, vals[0], &retries) ? 0 : 1;
		else
			k = __lfq_ring_push_many(&s->box.ring, vals, n,
						 next_rand(&w->seed) % 2, &retries);
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
	unsigned int retries = 0, n, k, i;
	void *vals[MAX_BATCH];
	bool done;

	rcu_register_thread();
	for (;;) {
		/* producers joined before the flag: empty then means empty */
		done = __atomic_load_n(&s->producers_done, __ATOMIC_ACQUIRE);
		n = 1;
		if (s->box.kind == K_RING && next_rand(&w->seed) % 2)
			n = 1 + next_rand(&w->seed) % MAX_BATCH;
		if (n == 1) {
			vals[0] = box_pop(&s->box, &retries);
			k = !!vals[0];
		} else {
			k = __lfq_ring_pop_many(&s->box.ring, vals, n,
						next_rand(&w->seed) % 2, &retries);
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

static void run_soak(enum kind kind, const char *name)
{
	static struct soak s;
	struct soak_worker w[2 * MAX_THREADS];
	unsigned long ops = scaled(1000000), pops = 0, pushes = 0, peak = 0;
	unsigned long drained = 0, want_seq, bad = 0, order = 0;
	unsigned int t, p, c, r = 0;
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
	s.fifo = kind != K_STACK;
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
	while ((v = box_pop(&s.box, &r))) {
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
	printf("info: %s: ops=%lu secs=%.2f ops_per_s=%.0f pushes=%lu pops=%lu drained=%lu threads=%uP/%uC backlog_peak=%lu\n",
	       name, pushes + pops, secs, (pushes + pops) / secs, pushes, pops,
	       drained, s.nprod, s.ncons, peak);
}

static void test_soak_msq(void) { run_soak(K_MSQ, "soak_msq"); }
static void test_soak_stack(void) { run_soak(K_STACK, "soak_stack"); }
static void test_soak_ring(void) { run_soak(K_RING, "soak_ring"); }
static void test_soak_tlq(void) { run_soak(K_TLQ, "soak_tlq"); }

/* ------------------------------------------------------------------ */
/* Single-threaded API tests                                           */

static void test_api_msq(void)
{
	struct lfq_msq q;
	int a, b, c;

	CHECK(lfq_msq_init(&q, GFP_KERNEL) == 0, "init");
	CHECK(lfq_msq_empty(&q) && lfq_msq_len(&q) == 0, "empty at start");
	CHECK(!lfq_msq_pop(&q), "pop from empty");
	CHECK(lfq_msq_push(&q, NULL, GFP_KERNEL) == -EINVAL, "push NULL");
	CHECK(lfq_msq_push(&q, &a, GFP_KERNEL) == 0, "push");
	CHECK(lfq_msq_push(&q, &b, GFP_KERNEL) == 0, "push");
	CHECK(lfq_msq_push(&q, &c, GFP_KERNEL) == 0, "push");
	CHECK(!lfq_msq_empty(&q) && lfq_msq_len(&q) == 3, "len %lu",
	      lfq_msq_len(&q));
	CHECK(lfq_msq_pop(&q) == &a, "FIFO");
	CHECK(lfq_msq_len(&q) == 2, "len %lu", lfq_msq_len(&q));
	CHECK(lfq_msq_pop(&q) == &b, "FIFO");
	released = 0;
	lfq_msq_destroy(&q, count_release);
	CHECK(released == 1, "destroy released %lu", released);
}

static void test_api_stack(void)
{
	struct lfq_stack s;
	int a, b, c;

	lfq_stack_init(&s);
	CHECK(lfq_stack_empty(&s) && lfq_stack_len(&s) == 0, "empty");
	CHECK(!lfq_stack_pop(&s), "pop from empty");
	CHECK(lfq_stack_push(&s, NULL, GFP_KERNEL) == -EINVAL, "push NULL");
	lfq_stack_push(&s, &a, GFP_KERNEL);
	lfq_stack_push(&s, &b, GFP_KERNEL);
	lfq_stack_push(&s, &c, GFP_KERNEL);
	CHECK(lfq_stack_len(&s) == 3, "len %lu", lfq_stack_len(&s));
	CHECK(lfq_stack_pop(&s) == &c, "LIFO");
	CHECK(lfq_stack_pop(&s) == &b, "LIFO");
	CHECK(lfq_stack_len(&s) == 1 && !lfq_stack_empty(&s), "len");
	lfq_stack_push(&s, &c, GFP_KERNEL);
	released = 0;
	lfq_stack_destroy(&s, count_release);
	CHECK(released == 2, "destroy released %lu", released);
}

static void test_api_tlq(void)
{
	struct lfq_tlq q;
	int a, b;

	CHECK(lfq_tlq_init(&q, GFP_KERNEL) == 0, "init");
	CHECK(lfq_tlq_empty(&q) && lfq_tlq_len(&q) == 0, "empty");
	CHECK(!lfq_tlq_pop(&q), "pop from empty");
	CHECK(lfq_tlq_push(&q, NULL, GFP_KERNEL) == -EINVAL, "push NULL");
	lfq_tlq_push(&q, &a, GFP_KERNEL);
	lfq_tlq_push(&q, &b, GFP_KERNEL);
	CHECK(lfq_tlq_len(&q) == 2 && !lfq_tlq_empty(&q), "len");
	CHECK(lfq_tlq_pop(&q) == &a, "FIFO");
	released = 0;
	lfq_tlq_destroy(&q, count_release);
	CHECK(released == 1, "destroy released %lu", released);
}

static void test_api_ring(void)
{
	struct lfq_ring r;
	void *v[8], *out[8];
	unsigned long i, lap;
	int x[8];

	for (i = 0; i < 8; i++)
		v[i] = &x[i];
	CHECK(lfq_ring_init(&r, 0, GFP_KERNEL) == -EINVAL, "cap 0");
	CHECK(lfq_ring_init(&r, 1, GFP_KERNEL) == -EINVAL, "cap 1");
	CHECK(lfq_ring_init(&r, 6, GFP_KERNEL) == -EINVAL, "cap 6");
	CHECK(lfq_ring_init(&r, 4, GFP_KERNEL) == 0, "cap 4");
	CHECK(lfq_ring_capacity(&r) == 4, "capacity");
	CHECK(lfq_ring_empty(&r) && !lfq_ring_full(&r) && !lfq_ring_len(&r),
	      "empty");
	CHECK(!lfq_ring_pop(&r), "pop empty");
	CHECK(lfq_ring_push(&r, NULL) == -EINVAL, "push NULL");
	for (i = 0; i < 4; i++)
		CHECK(lfq_ring_push(&r, v[i]) == 0, "push %lu", i);
	CHECK(lfq_ring_push(&r, v[4]) == -ENOSPC, "push full");
	CHECK(lfq_ring_full(&r) && lfq_ring_len(&r) == 4, "full");
	CHECK(lfq_ring_pop(&r) == v[0] && lfq_ring_pop(&r) == v[1], "FIFO");
	CHECK(lfq_ring_push_bulk(&r, v, 3) == 0, "bulk 3 into 2 free");
	CHECK(lfq_ring_len(&r) == 2, "bulk failure pushed nothing");
	CHECK(lfq_ring_push_burst(&r, v + 4, 3) == 2, "burst 3 into 2 free");
	CHECK(lfq_ring_pop_bulk(&r, out, 5) == 0, "pop bulk 5 of 4");
	CHECK(lfq_ring_pop_burst(&r, out, 5) == 4, "pop burst 5 of 4");
	CHECK(out[0] == v[2] && out[1] == v[3] && out[2] == v[4] &&
	      out[3] == v[5], "burst order");
	CHECK(lfq_ring_empty(&r), "empty again");
	/* many laps, all batch sizes */
	for (lap = 0; lap < 1000; lap++) {
		unsigned int n = 1 + lap % 4, k;

		k = lfq_ring_push_bulk(&r, v, n);
		CHECK(k == n, "lap %lu push %u: %u", lap, n, k);
		k = lfq_ring_pop_bulk(&r, out, n);
		CHECK(k == n, "lap %lu pop %u: %u", lap, n, k);
		for (i = 0; i < n; i++)
			CHECK(out[i] == v[i], "lap %lu order", lap);
	}
	lfq_ring_push(&r, v[0]);
	lfq_ring_push(&r, v[1]);
	released = 0;
	lfq_ring_destroy(&r, count_release);
	CHECK(released == 2, "destroy released %lu", released);
}

static void test_api(void)
{
	test_api_msq();
	test_api_stack();
	test_api_tlq();
	test_api_ring();
}

/* Allocation failures: -ENOMEM, and nothing lost or leaked. */
static void test_enomem(void)
{
	struct lfq_msq q;
	struct lfq_stack s;
	struct lfq_tlq t;
	unsigned long ok_q = 0, ok_s = 0, ok_t = 0, n = 0, i;
	int ret, x;

	CHECK(lfq_msq_init(&q, GFP_KERNEL) == 0, "init");
	CHECK(lfq_tlq_init(&t, GFP_KERNEL) == 0, "init");
	lfq_stack_init(&s);
	kshim_set_alloc_fail_every(7);
	for (i = 0; i < 3000; i++) {
		ret = lfq_msq_push(&q, &x, GFP_KERNEL);
		CHECK(ret == 0 || ret == -ENOMEM, "msq push %d", ret);
		ok_q += !ret;
		ret = lfq_stack_push(&s, &x, GFP_KERNEL);
		CHECK(ret == 0 || ret == -ENOMEM, "stack push %d", ret);
		ok_s += !ret;
		ret = lfq_tlq_push(&t, &x, GFP_KERNEL);
		CHECK(ret == 0 || ret == -ENOMEM, "tlq push %d", ret);
		ok_t += !ret;
	}
	kshim_set_alloc_fail_every(0);
	CHECK(ok_q < 3000 && ok_s < 3000 && ok_t < 3000, "no failure injected");
	CHECK(lfq_msq_len(&q) == ok_q && lfq_stack_len(&s) == ok_s &&
	      lfq_tlq_len(&t) == ok_t, "lengths");
	while (lfq_msq_pop(&q))
		n++;
	CHECK(n == ok_q, "msq popped %lu of %lu", n, ok_q);
	for (n = 0; lfq_stack_pop(&s); n++)
		;
	CHECK(n == ok_s, "stack popped %lu of %lu", n, ok_s);
	for (n = 0; lfq_tlq_pop(&t); n++)
		;
	CHECK(n == ok_t, "tlq popped %lu of %lu", n, ok_t);
	lfq_msq_destroy(&q, NULL);
	lfq_stack_destroy(&s, NULL);
	lfq_tlq_destroy(&t, NULL);
	kshim_set_alloc_fail_every(1);
	CHECK(lfq_msq_init(&q, GFP_KERNEL) == -ENOMEM, "init -ENOMEM");
	CHECK(lfq_tlq_init(&t, GFP_KERNEL) == -ENOMEM, "init -ENOMEM");
	kshim_set_alloc_fail_every(0);
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
	for (i = 0; i < (int)sizeof(struct lfq_node); i++)
		bad += p[i] != KSHIM_POISON_FREE;
	CHECK(!bad, "%d bytes of a freed node are not poisoned", bad);
#else
	(void)i;
	(void)bad;
#endif
}

/* ------------------------------------------------------------------ */

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
	{ "api", test_api },
	{ "enomem", test_enomem },
	{ "poison", test_poison },
	{ "rcu_storm", test_rcu_storm },
	{ "soak_msq", test_soak_msq },
	{ "soak_stack", test_soak_stack },
	{ "soak_ring", test_soak_ring },
	{ "soak_tlq", test_soak_tlq },
};

int main(int argc, char **argv)
{
	const char *name = NULL;
	bool found = false;
	size_t i;
	int opt;

	while ((opt = getopt(argc, argv, "s:l-:")) != -1) {
		switch (opt) {
		case 's':
			scale = atof(optarg);
			break;
		case 'l':
		case '-':
			for (i = 0; i < sizeof(simples) / sizeof(simples[0]); i++)
				printf("%s\n", simples[i].name);
			for (i = 0; i < sizeof(stresses) / sizeof(stresses[0]); i++)
				printf("%s\n", stresses[i].name);
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

	for (i = 0; i < sizeof(simples) / sizeof(simples[0]); i++) {
		if (!strcmp(name, simples[i].name)) {
			simples[i].fn();
			found = true;
		}
	}
	for (i = 0; i < sizeof(stresses) / sizeof(stresses[0]); i++) {
		if (!strcmp(name, stresses[i].name)) {
			run_stress(&stresses[i]);
			found = true;
		}
	}
	if (!found) {
		fprintf(stderr, "unknown test %s\n", name);
		return 2;
	}

	/* leak check: every node freed once the grace periods are over */
	rcu_barrier();
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

// SPDX-License-Identifier: GPL-2.0
/*
 * pool_bench.c - native benchmark of lfq_pool (module/lfq_pool.c through
 * the shim) against a free list under a pthread_spinlock
 *
 *   ./build/pool_bench [-d MS] [-r RUNS] [-n OBJECTS] [THREADS...]
 *
 * Each thread loops { get an object; put it back } for MS milliseconds;
 * the pool holds OBJECTS objects of 64 bytes (default 1024), never all
 * taken, so a get never finds it empty.  Runs alternate between the two
 * structures (RUNS each, default 5) so drifting load hits both alike; the
 * output is the median pairs per second of each and their ratio, per
 * thread count (default 1, 2 and 4).  After each run every object must be
 * back (conservation), or the program exits 1.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lfq_internal.h"

#define OBJ_SIZE	64
#define MAX_THREADS	64

struct spin_freelist {
	pthread_spinlock_t lock __attribute__((aligned(128)));
	unsigned int n;
	void **free;
	char *mem;
};

struct ctx {
	int impl;			/* 0 lfq_pool, 1 spinlock free list */
	struct lfq_pool pool;
	struct spin_freelist sl;
	int stop __attribute__((aligned(128)));	/* __atomic accesses */
	pthread_barrier_t gate;
};

struct thr {
	struct ctx *c;
	int idx;
	unsigned long pairs;
	pthread_t tid;
} __attribute__((aligned(128)));

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void *sl_get(struct spin_freelist *sl)
{
	void *o = NULL;

	pthread_spin_lock(&sl->lock);
	if (sl->n)
		o = sl->free[--sl->n];
	pthread_spin_unlock(&sl->lock);
	return o;
}

static void sl_put(struct spin_freelist *sl, void *o)
{
	pthread_spin_lock(&sl->lock);
	sl->free[sl->n++] = o;
	pthread_spin_unlock(&sl->lock);
}

static void *worker(void *arg)
{
	struct thr *t = arg;
	struct ctx *c = t->c;
	unsigned long pairs = 0;
	unsigned int i;

	kshim_cpu_id = 1 + t->idx;
	pthread_barrier_wait(&c->gate);
	while (!__atomic_load_n(&c->stop, __ATOMIC_RELAXED)) {
		for (i = 0; i < 64; i++) {
			void *o = c->impl ? sl_get(&c->sl) :
					    lfq_pool_get(&c->pool);

			if (!o)
				continue;
			if (c->impl)
				sl_put(&c->sl, o);
			else
				lfq_pool_put(&c->pool, o);
			pairs++;
		}
	}
	t->pairs = pairs;
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One run; returns pairs per second, or -1 if an object went missing. */
static double run_once(int impl, int nthr, unsigned int nobj, int ms)
{
	static struct thr thr[MAX_THREADS];
	struct ctx *c;
	unsigned long total = 0;
	double t0, t1;
	unsigned int i;
	int ok;

	if (posix_memalign((void **)&c, 128, sizeof(*c)))
		abort();
	memset(c, 0, sizeof(*c));
	c->impl = impl;
	if (impl) {
		pthread_spin_init(&c->sl.lock, PTHREAD_PROCESS_PRIVATE);
		c->sl.mem = aligned_alloc(128, (size_t)nobj * OBJ_SIZE);
		c->sl.free = calloc(nobj, sizeof(void *));
		if (!c->sl.mem || !c->sl.free)
			abort();
		for (i = 0; i < nobj; i++)
			c->sl.free[i] = c->sl.mem + (size_t)i * OBJ_SIZE;
		c->sl.n = nobj;
	} else if (lfq_pool_init(&c->pool, nobj, OBJ_SIZE, GFP_KERNEL, NULL,
				 NULL)) {
		abort();
	}
	pthread_barrier_init(&c->gate, NULL, nthr + 1);
	for (i = 0; i < (unsigned int)nthr; i++) {
		thr[i].c = c;
		thr[i].idx = i;
		if (pthread_create(&thr[i].tid, NULL, worker, &thr[i]))
			abort();
	}
	pthread_barrier_wait(&c->gate);
	t0 = now();
	usleep(ms * 1000);
	__atomic_store_n(&c->stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < (unsigned int)nthr; i++) {
		pthread_join(thr[i].tid, NULL);
		total += thr[i].pairs;
	}
	t1 = now();
	if (impl) {
		ok = c->sl.n == nobj;
		free(c->sl.free);
		free(c->sl.mem);
		pthread_spin_destroy(&c->sl.lock);
	} else {
		ok = lfq_pool_avail(&c->pool) == nobj;
		lfq_pool_destroy(&c->pool);
	}
	pthread_barrier_destroy(&c->gate);
	free(c);
	return ok ? total / (t1 - t0) : -1;
}

int main(int argc, char **argv)
{
	static const int def_thr[] = { 1, 2, 4 };
	static const char *const names[2] = { "lfq_pool", "spin_freelist" };
	int ms = 200, runs = 5, opt, nt = 0, i, r, impl;
	unsigned int nobj = 1024;
	int thr_list[16];
	double res[2][64];

	while ((opt = getopt(argc, argv, "d:r:n:")) != -1) {
		switch (opt) {
		case 'd':
			ms = atoi(optarg);
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		case 'n':
			nobj = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-d ms] [-r runs] [-n objects] [threads...]\n",
				argv[0]);
			return 2;
		}
	}
	for (; optind < argc && nt < 16; optind++)
		thr_list[nt++] = atoi(argv[optind]);
	if (!nt)
		for (; nt < 3; nt++)
			thr_list[nt] = def_thr[nt];
	if (runs < 1 || runs > 64 || ms < 1 || !nobj) {
		fprintf(stderr, "bad arguments\n");
		return 2;
	}
	printf("## Object pool (pool_bench)\n\n");
	printf("pool_bench: get+put pairs, %u objects of %d bytes, %d ms x %d runs, %ld CPUs online\n\n",
	       nobj, OBJ_SIZE, ms, runs, sysconf(_SC_NPROCESSORS_ONLN));
	printf("| threads | lfq_pool Mpairs/s | spin_freelist Mpairs/s | ratio |\n|---:|---:|---:|---:|\n");
	for (i = 0; i < nt; i++) {
		if (thr_list[i] < 1 || thr_list[i] > MAX_THREADS)
			continue;
		for (r = 0; r < runs; r++) {
			for (impl = 0; impl < 2; impl++) {
				res[impl][r] = run_once(impl, thr_list[i], nobj,
							ms);
				if (res[impl][r] < 0) {
					printf("FAIL: %s: objects missing after the run\n",
					       names[impl]);
					return 1;
				}
			}
		}
		qsort(res[0], runs, sizeof(double), cmp_double);
		qsort(res[1], runs, sizeof(double), cmp_double);
		printf("| %d | %.2f | %.2f | %.2f |\n", thr_list[i],
		       res[0][runs / 2] / 1e6, res[1][runs / 2] / 1e6,
		       res[0][runs / 2] / res[1][runs / 2]);
	}
	printf("\n");
	return 0;
}

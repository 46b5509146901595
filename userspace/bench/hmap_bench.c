// SPDX-License-Identifier: GPL-2.0
/*
 * hmap_bench.c - native benchmark of lfq_hmap (module/lfq_hmap.c through
 * the shim) against liburcu's rculfhash, CK's ck_hs and ck_ht, and a
 * hash table with one spinlock per bucket
 *
 *   ./build/hmap_bench [-d MS] [-r RUNS] [-k KEYS] [-m MIX] [THREADS...]
 *
 * Keys are 0 .. KEYS - 1 (a power of two, default 65536); before each run
 * the map gets the even ones (half the range).  Each thread then loops for
 * MS milliseconds (default 200) over random keys (xorshift64*, its own
 * seed) and a random operation: MIX "read" is 90% lookup, 5% insert, 5%
 * delete, "update" 50/25/25 ("both", the default, runs the two).  Inserts
 * of present keys and deletes of absent ones count as operations (they
 * still search).  Runs of the maps are interleaved (RUNS rounds, default
 * 5, each running every map once) so that drifting load hits all alike;
 * the output is the median Mops/s of each map and the median over the
 * rounds of lfq_hmap's ratio to each peer, per thread count (default 1, 2
 * and 4), as markdown.
 *
 * Correctness, after each run, outside the timed loop: each thread counts
 * per key the inserts and deletes that succeeded; every key must be
 * present iff prefilled + inserted - deleted is 1 (and that sum 0 or 1),
 * with the value stored for that key, and the map's count must match.  A
 * failure prints FAIL and exits 1.
 *
 * The maps and what they do for concurrency and memory reclamation: each
 * one's note, printed under the tables (hmap_lfq.c, hmap_urcu.c,
 * hmap_ck.c, and spin_buckets below).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hmap_bench.h"

#define MAX_THREADS	64
#define MAX_RUNS	64
#define BATCH		64

/* ---- spin_buckets: chained buckets, one pthread spinlock each ---- */

struct sb_node {
	struct sb_node *next;
	unsigned long key;
	void *val;
};

struct sb_bucket {
	pthread_spinlock_t lock;
	struct sb_node *head;
};

struct sb_map {
	unsigned long mask;
	struct sb_bucket *b;
};

static void *sb_create(unsigned long nr_keys)
{
	struct sb_map *m = calloc(1, sizeof(*m));
	unsigned long i;

	if (!m || posix_memalign((void **)&m->b, 128, nr_keys * sizeof(*m->b)))
		abort();
	m->mask = nr_keys - 1;
	for (i = 0; i < nr_keys; i++) {
		pthread_spin_init(&m->b[i].lock, PTHREAD_PROCESS_PRIVATE);
		m->b[i].head = NULL;
	}
	return m;
}

static void sb_destroy(void *p)
{
	struct sb_map *m = p;
	struct sb_node *n, *next;
	unsigned long i;

	for (i = 0; i <= m->mask; i++) {
		for (n = m->b[i].head; n; n = next) {
			next = n->next;
			free(n);
		}
		pthread_spin_destroy(&m->b[i].lock);
	}
	free(m->b);
	free(m);
}

static struct sb_bucket *sb_bucket(struct sb_map *m, unsigned long key)
{
	return &m->b[hb_hash(key) & m->mask];
}

static bool sb_insert(void *p, void *tls, unsigned long key, void *val)
{
	struct sb_bucket *b = sb_bucket(p, key);
	struct sb_node *n = malloc(sizeof(*n)), *i;

	if (!n)
		abort();
	n->key = key;
	n->val = val;
	pthread_spin_lock(&b->lock);
	for (i = b->head; i; i = i->next)
		if (i->key == key)
			break;
	if (!i) {
		n->next = b->head;
		b->head = n;
	}
	pthread_spin_unlock(&b->lock);
	if (i)
		free(n);
	return !i;
}

static bool sb_erase(void *p, void *tls, unsigned long key)
{
	struct sb_bucket *b = sb_bucket(p, key);
	struct sb_node **pp, *n;

	pthread_spin_lock(&b->lock);
	for (pp = &b->head; (n = *pp); pp = &n->next)
		if (n->key == key) {
			*pp = n->next;
			break;
		}
	pthread_spin_unlock(&b->lock);
	free(n);		/* readers take the lock: no one else sees it */
	return n;
}

static void *sb_lookup(void *p, void *tls, unsigned long key)
{
	struct sb_bucket *b = sb_bucket(p, key);
	struct sb_node *n;
	void *val = NULL;

	pthread_spin_lock(&b->lock);
	for (n = b->head; n; n = n->next)
		if (n->key == key) {
			val = n->val;
			break;
		}
	pthread_spin_unlock(&b->lock);
	return val;
}

static unsigned long sb_count(void *p)
{
	struct sb_map *m = p;
	unsigned long i, c = 0;
	struct sb_node *n;

	for (i = 0; i <= m->mask; i++)
		for (n = m->b[i].head; n; n = n->next)
			c++;
	return c;
}

static const struct hb_map hb_spin = {
	.name = "spin_buckets",
	.note = "nr_keys chained buckets, one pthread spinlock each, taken by lookups too; malloc node per insert (before locking), free() at once after unlinking",
	.create = sb_create,
	.destroy = sb_destroy,
	.insert = sb_insert,
	.erase = sb_erase,
	.lookup = sb_lookup,
	.count = sb_count,
};

/* ---- the harness ---- */

struct mix {
	const char *name;
	const char *title;
	unsigned int lookup, insert;	/* percent; delete: the rest */
};

static const struct mix mixes[] = {
	{ "read", "read-mostly: 90% lookup / 5% insert / 5% delete", 90, 5 },
	{ "update", "update-heavy: 50% lookup / 25% insert / 25% delete", 50, 25 },
};

struct hb_run {
	const struct hb_map *map;
	void *m;
	const struct mix *mix;
	unsigned long mask;
	int stop __attribute__((aligned(128)));	/* __atomic accesses */
	pthread_barrier_t gate;
};

struct hb_thr {
	struct hb_run *run;
	int idx;
	pthread_t tid;
	uint64_t seed;
	unsigned long ops;
	unsigned long hits;
	int *net;		/* per key: successful inserts - deletes */
} __attribute__((aligned(128)));

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static inline uint64_t xs64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static void *worker(void *arg)
{
	struct hb_thr *t = arg;
	struct hb_run *run = t->run;
	const struct hb_map *map = run->map;
	unsigned int lk = run->mix->lookup;
	unsigned int up = lk + run->mix->insert;
	unsigned long ops = 0, hits = 0;
	uint64_t s = t->seed;
	void *tls = NULL;
	unsigned int i;

	hb_thread_online(t->idx);
	if (map->thread_enter)
		tls = map->thread_enter(run->m);
	pthread_barrier_wait(&run->gate);
	while (!__atomic_load_n(&run->stop, __ATOMIC_RELAXED)) {
		for (i = 0; i < BATCH; i++) {
			uint64_t r = xs64(&s);
			unsigned long key = (r >> 32) & run->mask;
			unsigned int op = (uint32_t)r % 100;

			if (op < lk)
				hits += !!map->lookup(run->m, tls, key);
			else if (op < up)
				t->net[key] += map->insert(run->m, tls, key,
							   hb_val(key));
			else
				t->net[key] -= map->erase(run->m, tls, key);
		}
		ops += BATCH;
	}
	t->ops = ops;
	t->hits = hits;
	if (map->thread_exit)
		map->thread_exit(run->m, tls);
	hb_thread_offline();
	return NULL;
}

/*
 * The map after the run against the threads' per-key counts; returns the
 * number of keys that disagree (and prints the first few).
 */
static unsigned long check(struct hb_run *run, void *tls, struct hb_thr *thr,
			   int nthr)
{
	const struct hb_map *map = run->map;
	unsigned long key, bad = 0, present = 0, count;
	int i;

	for (key = 0; key <= run->mask; key++) {
		long want = !(key & 1);
		void *v = map->lookup(run->m, tls, key);

		for (i = 0; i < nthr; i++)
			want += thr[i].net[key];
		present += want == 1;
		if ((want == 1 && v == hb_val(key)) || (!want && !v))
			continue;
		if (bad++ < 5)
			printf("FAIL: %s key %lu: prefilled %d + inserted - deleted = %ld, lookup %p\n",
			       map->name, key, !(key & 1), want, v);
	}
	count = map->count(run->m);
	if (count != present) {
		printf("FAIL: %s count %lu, %lu keys present\n", map->name,
		       count, present);
		bad++;
	}
	return bad;
}

/* One run; Mops/s, or -1 if the check failed. */
static double run_once(const struct hb_map *map, const struct mix *mix,
		       int nthr, unsigned long nr_keys, int ms, uint64_t seed)
{
	static struct hb_thr thr[MAX_THREADS];
	struct hb_run *run;
	unsigned long key, ops = 0, bad;
	void *tls = NULL;
	double t0, t1;
	int i;

	if (posix_memalign((void **)&run, 128, sizeof(*run)))
		abort();
	memset(run, 0, sizeof(*run));
	run->map = map;
	run->mix = mix;
	run->mask = nr_keys - 1;
	run->m = map->create(nr_keys);
	if (map->thread_enter)
		tls = map->thread_enter(run->m);
	for (key = 0; key < nr_keys; key += 2)
		if (!map->insert(run->m, tls, key, hb_val(key)))
			abort();
	pthread_barrier_init(&run->gate, NULL, nthr + 1);
	for (i = 0; i < nthr; i++) {
		thr[i].run = run;
		thr[i].idx = i;
		thr[i].seed = seed + 0x9e3779b97f4a7c15ULL * (i + 1);
		thr[i].net = calloc(nr_keys, sizeof(int));
		if (!thr[i].net ||
		    pthread_create(&thr[i].tid, NULL, worker, &thr[i]))
			abort();
	}
	pthread_barrier_wait(&run->gate);
	t0 = now();
	usleep(ms * 1000);
	__atomic_store_n(&run->stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < nthr; i++) {
		pthread_join(thr[i].tid, NULL);
		ops += thr[i].ops;
	}
	t1 = now();

	bad = check(run, tls, thr, nthr);
	for (i = 0; i < nthr; i++)
		free(thr[i].net);
	if (map->thread_exit)
		map->thread_exit(run->m, tls);
	map->destroy(run->m);
	pthread_barrier_destroy(&run->gate);
	free(run);
	return bad ? -1 : ops / (t1 - t0) / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [-d ms] [-r runs] [-k keys (power of two)] [-m read|update|both] [threads...]\n",
		prog);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct hb_map *const maps[] = {
		&hb_lfq_hmap, &hb_lfht, &hb_ck_hs, &hb_ck_ht, &hb_spin,
	};
	enum { NM = sizeof(maps) / sizeof(maps[0]) };
	static double res[NM][MAX_RUNS], rat[NM][MAX_RUNS];
	int ms = 200, runs = 5, opt, nt = 0, i, r, k, x;
	unsigned long nr_keys = 65536;
	const char *mixarg = "both";
	int thr_list[16];

	while ((opt = getopt(argc, argv, "d:r:k:m:")) != -1) {
		switch (opt) {
		case 'd':
			ms = atoi(optarg);
			break;
		case 'r':
			runs = atoi(optarg);
			break;
		case 'k':
			nr_keys = strtoul(optarg, NULL, 0);
			break;
		case 'm':
			mixarg = optarg;
			break;
		default:
			usage(argv[0]);
		}
	}
	for (; optind < argc && nt < 16; optind++)
		thr_list[nt++] = atoi(argv[optind]);
	if (!nt) {
		thr_list[nt++] = 1;
		thr_list[nt++] = 2;
		thr_list[nt++] = 4;
	}
	if (runs < 1 || runs > MAX_RUNS || ms < 1 || nr_keys < 2 ||
	    nr_keys & (nr_keys - 1) || nr_keys > (1UL << 24))
		usage(argv[0]);
	for (i = 0; i < nt; i++)
		if (thr_list[i] < 1 || thr_list[i] > MAX_THREADS)
			usage(argv[0]);

	hb_thread_online(-1);	/* main: prefill and check */
	printf("## Hash maps (hmap_bench)\n\n");
	printf("`hmap_bench -d %d -r %d -k %lu -m %s`: keys 0..%lu, the even ones inserted before each run; random keys and operations; Mops/s counts every lookup, insert and delete (failed ones too), all threads; median of %d interleaved runs; ratio: median over the rounds of lfq_hmap / peer; %ld CPUs online. Every run is checked afterwards (each key present iff prefilled + inserted - deleted, its value, the count).\n",
	       ms, runs, nr_keys, mixarg, nr_keys - 1, runs,
	       sysconf(_SC_NPROCESSORS_ONLN));
	for (x = 0; x < 2; x++) {
		const struct mix *mix = &mixes[x];

		if (strcmp(mixarg, "both") && strcmp(mixarg, mix->name))
			continue;
		printf("\n### %s\n\n| threads |", mix->title);
		for (k = 0; k < NM; k++)
			printf(" %s |", maps[k]->name);
		for (k = 1; k < NM; k++)
			printf(" lfq / %s |", maps[k]->name);
		printf("\n|---:|");
		for (k = 1; k < 2 * NM; k++)
			printf("---:|");
		printf("\n");
		fflush(stdout);
		for (i = 0; i < nt; i++) {
			for (r = 0; r < runs; r++) {
				uint64_t seed = 0x1234567ULL * (r + 1) + i;

				for (k = 0; k < NM; k++) {
					res[k][r] = run_once(maps[k], mix,
							     thr_list[i],
							     nr_keys, ms, seed);
					if (res[k][r] < 0)
						return 1;
				}
				for (k = 1; k < NM; k++)
					rat[k][r] = res[0][r] / res[k][r];
			}
			printf("| %d |", thr_list[i]);
			for (k = 0; k < NM; k++)
				printf(" %.2f |", median(res[k], runs));
			for (k = 1; k < NM; k++)
				printf(" %.2f |", median(rat[k], runs));
			printf("\n");
			fflush(stdout);
		}
	}
	printf("\nThe maps:\n\n");
	for (k = 0; k < NM; k++)
		printf("- %s: %s\n", maps[k]->name, maps[k]->note);
	hb_thread_offline();
	return 0;
}

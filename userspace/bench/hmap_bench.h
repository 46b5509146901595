/* SPDX-License-Identifier: GPL-2.0 */
/*
 * hmap_bench.h - the interface between the hash map benchmark's harness
 * (hmap_bench.c) and the maps it drives (hmap_lfq.c, hmap_urcu.c,
 * hmap_ck.c, and the spinlock baseline in hmap_bench.c).
 *
 * One translation unit per library, as in bench.h: the shim's kernel names
 * clash with liburcu's (rcu_read_lock, call_rcu) and CK's.
 *
 * A map holds unsigned long keys below the run's key range and, for key k,
 * the value hb_val(k) (a non-NULL token, no object behind it), so the final
 * check can tell a value stored under the wrong key.  Every map is driven
 * through the same function pointers: the harness overhead per operation
 * is the same for all.
 */
#ifndef HMAP_BENCH_H
#define HMAP_BENCH_H

#include <stdbool.h>
#include <stdint.h>

struct hb_map {
	const char *name;	/* column of the tables */
	const char *note;	/* concurrency and memory reclamation, one line */

	/* An empty map sized for @nr_keys keys (no resizing needed). */
	void *(*create)(unsigned long nr_keys);
	/* Remove everything, wait for deferred frees, free the map. */
	void (*destroy)(void *m);
	/* Per-thread state (an epoch record); may return NULL. */
	void *(*thread_enter)(void *m);
	void (*thread_exit)(void *m, void *tls);

	/* true if @key was absent and is now present with @val */
	bool (*insert)(void *m, void *tls, unsigned long key, void *val);
	/* true if @key was present and is now absent */
	bool (*erase)(void *m, void *tls, unsigned long key);
	/* the value of @key, NULL if absent */
	void *(*lookup)(void *m, void *tls, unsigned long key);
	/* entries present, on a quiescent map (after the threads joined) */
	unsigned long (*count)(void *m);
};

/* The value stored under @key. */
static inline void *hb_val(unsigned long key)
{
	return (void *)(uintptr_t)(key << 1 | 1);
}

/*
 * The hash the peers are given (lfq_hmap hashes internally): a 64-bit
 * multiplicative (Fibonacci) hash folded so that the low bits, which
 * select a bucket, depend on every key bit.
 */
static inline unsigned long hb_hash(unsigned long key)
{
	uint64_t h = (uint64_t)key * 0x9e3779b97f4a7c15ULL;

	return (unsigned long)(h ^ (h >> 29));
}

/* Worker thread registration: the shim's CPU slot, and liburcu (memb). */
void hb_thread_online(int idx);
void hb_thread_offline(void);

/* The maps (NULL where the library is not built in). */
extern const struct hb_map hb_lfq_hmap;
extern const struct hb_map hb_lfht;
extern const struct hb_map hb_ck_hs;
extern const struct hb_map hb_ck_ht;

#endif /* HMAP_BENCH_H */

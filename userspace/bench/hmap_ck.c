// SPDX-License-Identifier: GPL-2.0
/*
 * hmap_ck.c - Concurrency Kit's hash set ck_hs and hash table ck_ht, for
 * hmap_bench.c.
 *
 * Both are single-writer, many-reader structures (CK_HS_MODE_SPMC, the
 * *_spmc functions of ck_ht): CK offers no multi-writer mode (ck_hs.h:
 * CK_HS_MODE_MPMC "currently unsupported"), so writers take one spinlock
 * and lookups take none, the documented way to use them from many writers.
 *
 * Memory reclamation: CK's epoch-based SMR (ck_epoch), as CK's allocator
 * contract requires: every lookup runs inside ck_epoch_begin()/end() of the
 * thread's record; memory the maps free with defer = true (the old slot
 * array after a growth) and, for ck_hs, every removed entry is retired with
 * ck_epoch_call() and freed by ck_epoch_poll() every HB_CK_POLL retirements
 * (ck_epoch_barrier() when the thread leaves).
 *
 *  - ck_hs: CK_HS_MODE_OBJECT | CK_HS_MODE_DELETE (delete-heavy tuning),
 *    capacity 2 x nr_keys; one malloc'd entry (key, value, epoch entry)
 *    per insert, allocated before taking the writer lock, freed at once if
 *    the key was present (never published).
 *  - ck_ht: CK_HT_MODE_DIRECT, room for 2 x nr_keys entries; key and value
 *    live in the slot (no allocation per insert); stored key = key + 1
 *    (0 is ck_ht's empty mark).  Insert looks the key up before
 *    ck_ht_put_spmc(), under the writer lock: put reuses the first
 *    tombstone of the probe sequence without looking further, so a key
 *    already present past a tombstone would be stored twice (this
 *    benchmark's final check caught it: CK 0.7.1, Debian).
 */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <ck_epoch.h>
#include <ck_hs.h>
#include <ck_ht.h>

#include "hmap_bench.h"

#define HB_CK_POLL	64
#define HB_CK_RECORDS	64

/* What ck_hs and ck_ht share: the writer lock and the epoch. */
struct ck_base {
	pthread_spinlock_t wlock __attribute__((aligned(128)));
	ck_epoch_t epoch __attribute__((aligned(128)));
	pthread_mutex_t reg_lock;
	unsigned int nrec;
	ck_epoch_record_t *recs[HB_CK_RECORDS];
};

struct ck_tls {
	ck_epoch_record_t *rec;
	unsigned int since_poll;
};

/* The record of the calling thread, for the allocator's deferred frees. */
static __thread struct ck_tls *ck_cur;

/* Memory handed to CK: a header that can wait in an epoch, then the data. */
struct ck_blk {
	ck_epoch_entry_t ep;
	char data[] __attribute__((aligned(64)));
};

static void ck_retire(ck_epoch_entry_t *ep, ck_epoch_cb_t *cb)
{
	ck_epoch_call(ck_cur->rec, ep, cb);
	if (++ck_cur->since_poll >= HB_CK_POLL) {
		ck_cur->since_poll = 0;
		ck_epoch_poll(ck_cur->rec);
	}
}

static void ck_blk_free_cb(ck_epoch_entry_t *ep)
{
	free(ep);		/* ep is the block's first member */
}

static void *ck_blk_malloc(size_t size)
{
	struct ck_blk *b;

	if (posix_memalign((void **)&b, 64, sizeof(*b) + size))
		return NULL;
	return b->data;
}

static void ck_blk_free(void *p, size_t size, bool defer)
{
	struct ck_blk *b;

	if (!p)
		return;
	b = (struct ck_blk *)((char *)p - offsetof(struct ck_blk, data));
	if (defer)
		ck_retire(&b->ep, ck_blk_free_cb);
	else
		free(b);
}

static struct ck_malloc ck_alloc = {
	.malloc = ck_blk_malloc,
	.free = ck_blk_free,
};

static void ck_base_init(struct ck_base *b)
{
	pthread_spin_init(&b->wlock, PTHREAD_PROCESS_PRIVATE);
	ck_epoch_init(&b->epoch);
	pthread_mutex_init(&b->reg_lock, NULL);
	b->nrec = 0;
}

/* After the maps are empty and every thread has left. */
static void ck_base_fini(struct ck_base *b)
{
	unsigned int i;

	for (i = 0; i < b->nrec; i++)
		free(b->recs[i]);
	pthread_mutex_destroy(&b->reg_lock);
	pthread_spin_destroy(&b->wlock);
}

static void *ck_enter(void *m)
{
	struct ck_base *b = m;
	struct ck_tls *t = calloc(1, sizeof(*t));

	if (!t)
		abort();
	pthread_mutex_lock(&b->reg_lock);
	t->rec = ck_epoch_recycle(&b->epoch, NULL);
	if (!t->rec) {
		if (b->nrec == HB_CK_RECORDS ||
		    posix_memalign((void **)&t->rec, 128, sizeof(*t->rec)))
			abort();
		ck_epoch_register(&b->epoch, t->rec, NULL);
		b->recs[b->nrec++] = t->rec;
	}
	pthread_mutex_unlock(&b->reg_lock);
	ck_cur = t;
	return t;
}

static void ck_exit(void *m, void *tls)
{
	struct ck_tls *t = tls;

	ck_epoch_barrier(t->rec);	/* runs what this thread retired */
	ck_epoch_unregister(t->rec);
	ck_cur = NULL;
	free(t);
}

/* ---- ck_hs ---- */

struct ckhs_entry {
	unsigned long key;
	void *val;
	ck_epoch_entry_t ep;
};

struct ckhs_map {
	struct ck_base b;
	ck_hs_t hs;
};

static unsigned long ckhs_hash_cb(const void *obj, unsigned long seed)
{
	return hb_hash(((const struct ckhs_entry *)obj)->key) ^ seed;
}

static bool ckhs_cmp_cb(const void *a, const void *b)
{
	return ((const struct ckhs_entry *)a)->key ==
	       ((const struct ckhs_entry *)b)->key;
}

static void ckhs_entry_free_cb(ck_epoch_entry_t *ep)
{
	free((char *)ep - offsetof(struct ckhs_entry, ep));
}

static void *ckhs_create(unsigned long nr_keys)
{
	struct ckhs_map *m;

	if (posix_memalign((void **)&m, 128, sizeof(*m)))
		abort();
	ck_base_init(&m->b);
	if (!ck_hs_init(&m->hs, CK_HS_MODE_SPMC | CK_HS_MODE_OBJECT |
			CK_HS_MODE_DELETE, ckhs_hash_cb, ckhs_cmp_cb,
			&ck_alloc, 2 * nr_keys, 0))
		abort();
	return m;
}

static void ckhs_destroy(void *p)
{
	struct ckhs_map *m = p;
	ck_hs_iterator_t it;
	void *obj;

	/* no thread left: the entries can go at once */
	ck_hs_iterator_init(&it);
	while (ck_hs_next(&m->hs, &it, &obj))
		free(obj);
	ck_hs_destroy(&m->hs);
	ck_base_fini(&m->b);
	free(m);
}

static bool ckhs_insert(void *p, void *tls, unsigned long key, void *val)
{
	struct ckhs_map *m = p;
	struct ckhs_entry *e = malloc(sizeof(*e));
	bool done;

	if (!e)
		abort();
	e->key = key;
	e->val = val;
	pthread_spin_lock(&m->b.wlock);
	done = ck_hs_put(&m->hs, hb_hash(key), e);
	pthread_spin_unlock(&m->b.wlock);
	if (!done)
		free(e);	/* present already: never published */
	return done;
}

static bool ckhs_erase(void *p, void *tls, unsigned long key)
{
	struct ckhs_map *m = p;
	struct ckhs_entry probe = { .key = key }, *e;

	pthread_spin_lock(&m->b.wlock);
	e = ck_hs_remove(&m->hs, hb_hash(key), &probe);
	pthread_spin_unlock(&m->b.wlock);
	if (!e)
		return false;
	ck_retire(&e->ep, ckhs_entry_free_cb);
	return true;
}

static void *ckhs_lookup(void *p, void *tls, unsigned long key)
{
	struct ckhs_map *m = p;
	struct ck_tls *t = tls;
	struct ckhs_entry probe = { .key = key }, *e;
	void *val = NULL;

	ck_epoch_begin(t->rec, NULL);
	e = ck_hs_get(&m->hs, hb_hash(key), &probe);
	if (e)
		val = e->val;
	ck_epoch_end(t->rec, NULL);
	return val;
}

static unsigned long ckhs_count(void *p)
{
	return ck_hs_count(&((struct ckhs_map *)p)->hs);
}

const struct hb_map hb_ck_hs = {
	.name = "ck_hs",
	.note = "CK ck_hs SPMC object mode (+DELETE), writers under one spinlock, lookups lock-free in ck_epoch sections; malloc entry per insert, retired with ck_epoch_call, ck_epoch_poll every 64",
	.create = ckhs_create,
	.destroy = ckhs_destroy,
	.thread_enter = ck_enter,
	.thread_exit = ck_exit,
	.insert = ckhs_insert,
	.erase = ckhs_erase,
	.lookup = ckhs_lookup,
	.count = ckhs_count,
};

/* ---- ck_ht ---- */

struct ckht_map {
	struct ck_base b;
	ck_ht_t ht;
};

static void ckht_hash_cb(ck_ht_hash_t *h, const void *key, size_t len,
			 uint64_t seed)
{
	h->value = hb_hash(*(const uintptr_t *)key) ^ seed;
}

static void *ckht_create(unsigned long nr_keys)
{
	struct ckht_map *m;

	if (posix_memalign((void **)&m, 128, sizeof(*m)))
		abort();
	ck_base_init(&m->b);
	if (!ck_ht_init(&m->ht, CK_HT_MODE_DIRECT, ckht_hash_cb, &ck_alloc,
			2 * nr_keys, 0))
		abort();
	return m;
}

static void ckht_destroy(void *p)
{
	struct ckht_map *m = p;

	ck_ht_destroy(&m->ht);
	ck_base_fini(&m->b);
	free(m);
}

static bool ckht_insert(void *p, void *tls, unsigned long key, void *val)
{
	struct ckht_map *m = p;
	ck_ht_entry_t e;
	ck_ht_hash_t h;
	bool done;

	ck_ht_hash_direct(&h, &m->ht, key + 1);
	ck_ht_entry_key_set_direct(&e, key + 1);
	pthread_spin_lock(&m->b.wlock);
	/* put alone would duplicate a key found past a tombstone */
	done = !ck_ht_get_spmc(&m->ht, h, &e);
	if (done) {
		ck_ht_entry_set_direct(&e, h, key + 1, (uintptr_t)val);
		done = ck_ht_put_spmc(&m->ht, h, &e);
	}
	pthread_spin_unlock(&m->b.wlock);
	return done;
}

static bool ckht_erase(void *p, void *tls, unsigned long key)
{
	struct ckht_map *m = p;
	ck_ht_entry_t e;
	ck_ht_hash_t h;
	bool done;

	ck_ht_hash_direct(&h, &m->ht, key + 1);
	ck_ht_entry_key_set_direct(&e, key + 1);
	pthread_spin_lock(&m->b.wlock);
	done = ck_ht_remove_spmc(&m->ht, h, &e);
	pthread_spin_unlock(&m->b.wlock);
	return done;
}

static void *ckht_lookup(void *p, void *tls, unsigned long key)
{
	struct ckht_map *m = p;
	struct ck_tls *t = tls;
	ck_ht_entry_t e;
	ck_ht_hash_t h;
	void *val = NULL;

	ck_ht_hash_direct(&h, &m->ht, key + 1);
	ck_ht_entry_key_set_direct(&e, key + 1);
	ck_epoch_begin(t->rec, NULL);
	if (ck_ht_get_spmc(&m->ht, h, &e))
		val = (void *)ck_ht_entry_value_direct(&e);
	ck_epoch_end(t->rec, NULL);
	return val;
}

static unsigned long ckht_count(void *p)
{
	return ck_ht_count(&((struct ckht_map *)p)->ht);
}

const struct hb_map hb_ck_ht = {
	.name = "ck_ht",
	.note = "CK ck_ht SPMC direct mode (key and value in the slot, no allocation per insert), writers under one spinlock (insert: get, then put), lookups lock-free in ck_epoch sections; old tables after growth retired with ck_epoch_call",
	.create = ckht_create,
	.destroy = ckht_destroy,
	.thread_enter = ck_enter,
	.thread_exit = ck_exit,
	.insert = ckht_insert,
	.erase = ckht_erase,
	.lookup = ckht_lookup,
	.count = ckht_count,
};

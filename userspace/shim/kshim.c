// SPDX-License-Identifier: GPL-2.0
/*
 * kshim.c - out-of-line parts of the userspace kernel shim: the RCU
 * callback trampoline, kmem_cache/kvmalloc on malloc with poisoning,
 * quarantine and leak counts, per-CPU slot assignment, the spinlock slow
 * path.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <asm/barrier.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

/* ---- per-CPU slots ---------------------------------------------------- */

__thread int kshim_cpu_id = -1;
static unsigned int kshim_cpu_next;

int kshim_cpu_assign(void)
{
	kshim_cpu_id = __atomic_fetch_add(&kshim_cpu_next, 1, __ATOMIC_RELAXED) %
		       KSHIM_NR_CPUS;
	return kshim_cpu_id;
}

/* ---- RCU -------------------------------------------------------------- */

char kshim_rcu_hb;

void kshim_rcu_trampoline(struct kshim_urcu_head *uh)
{
	struct rcu_head *head = container_of(uh, struct rcu_head, uh);

	kshim_tsan_acquire(head);
	kshim_tsan_acquire(&kshim_rcu_hb);
	head->func(head);
}

/* ---- spinlock --------------------------------------------------------- */

void kshim_spin_lock_slow(spinlock_t *lock)
{
	unsigned int spins = 0;

	do {
		while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED)) {
			if (++spins < 256)
				cpu_relax();
			else
				sched_yield();
		}
	} while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE));
}

/* ---- kmem_cache -------------------------------------------------------- */

struct kmem_cache {
	const char *name;
	unsigned int size;
	unsigned int align;
	void (*ctor)(void *obj);
	DEFINE_PER_CPU(long, live);
};

static unsigned int kshim_quarantine_size = (unsigned int)-1;	/* unset */
static unsigned long kshim_alloc_fail_every;
static unsigned long kshim_alloc_count;
static long kshim_kv_count;
static unsigned long kshim_checked;

struct kshim_qent {
	struct kmem_cache *cache;
	void *obj;
};

static pthread_mutex_t kshim_q_lock = PTHREAD_MUTEX_INITIALIZER;
static struct kshim_qent *kshim_q;
static unsigned int kshim_q_cap, kshim_q_head, kshim_q_len;

static unsigned int kshim_quarantine(void)
{
	unsigned int n = __atomic_load_n(&kshim_quarantine_size,
					 __ATOMIC_RELAXED);

	if (n == (unsigned int)-1) {
		const char *env = getenv("KSHIM_QUARANTINE");

		n = env ? (unsigned int)strtoul(env, NULL, 0) : 0;
		kshim_set_quarantine(n);
	}
#ifdef KSHIM_ASAN
	return 0;
#else
	return n;
#endif
}

static void kshim_check_poison(struct kmem_cache *cache, unsigned char *p)
{
	unsigned int i;

	for (i = 0; i < cache->size; i++) {
		if (p[i] != KSHIM_POISON_FREE) {
			fprintf(stderr,
				"kshim: write after free: %s object %p byte %u is 0x%02x\n",
				cache->name, (void *)p, i, p[i]);
			abort();
		}
	}
	__atomic_fetch_add(&kshim_checked, 1, __ATOMIC_RELAXED);
}

static void kshim_q_flush(unsigned int keep)
{
	while (kshim_q_len > keep) {
		struct kshim_qent *e = &kshim_q[kshim_q_head];

		kshim_check_poison(e->cache, e->obj);
		free(e->obj);
		kshim_q_head = (kshim_q_head + 1) % kshim_q_cap;
		kshim_q_len--;
	}
}

void kshim_set_quarantine(unsigned int n)
{
	pthread_mutex_lock(&kshim_q_lock);
	kshim_q_flush(0);
	free(kshim_q);
	kshim_q = n ? calloc(n, sizeof(*kshim_q)) : NULL;
	kshim_q_cap = kshim_q ? n : 0;
	kshim_q_head = 0;
	__atomic_store_n(&kshim_quarantine_size, kshim_q_cap, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&kshim_q_lock);
}

unsigned long kshim_quarantine_checked(void)
{
	return __atomic_load_n(&kshim_checked, __ATOMIC_RELAXED);
}

void kshim_set_alloc_fail_every(unsigned long n)
{
	__atomic_store_n(&kshim_alloc_fail_every, n, __ATOMIC_RELAXED);
}

static bool kshim_should_fail(void)
{
	unsigned long every = __atomic_load_n(&kshim_alloc_fail_every,
					      __ATOMIC_RELAXED);

	return every &&
	       __atomic_add_fetch(&kshim_alloc_count, 1, __ATOMIC_RELAXED) %
	       every == 0;
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, slab_flags_t flags,
				     void (*ctor)(void *))
{
	struct kmem_cache *cache;

	if (posix_memalign((void **)&cache, KSHIM_CACHELINE, sizeof(*cache)))
		return NULL;
	memset(cache, 0, sizeof(*cache));
	cache->name = name;
	cache->size = size;
	if (flags & SLAB_HWCACHE_ALIGN)
		align = align > KSHIM_CACHELINE ? align : KSHIM_CACHELINE;
	cache->align = align < sizeof(void *) ? sizeof(void *) : align;
	cache->ctor = ctor;
	return cache;
}

long kshim_kmem_cache_live(struct kmem_cache *cache)
{
	long sum = 0;
	int cpu;

	for (cpu = 0; cpu < KSHIM_NR_CPUS; cpu++)
		sum += __atomic_load_n(&cache->live[cpu].v, __ATOMIC_RELAXED);
	return sum;
}

void kmem_cache_destroy(struct kmem_cache *cache)
{
	long live;

	if (!cache)
		return;
	pthread_mutex_lock(&kshim_q_lock);
	kshim_q_flush(0);
	pthread_mutex_unlock(&kshim_q_lock);
	live = kshim_kmem_cache_live(cache);
	if (live)
		fprintf(stderr, "kshim: kmem_cache_destroy(%s): %ld objects remaining\n",
			cache->name, live);
	free(cache);
}

void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t gfp)
{
	void *obj;

	if (kshim_should_fail())
		return NULL;
	if (cache->align > 16) {
		if (posix_memalign(&obj, cache->align, cache->size))
			return NULL;
	} else {
		obj = malloc(cache->size);
		if (!obj)
			return NULL;
	}
	if (gfp & __GFP_ZERO)
		memset(obj, 0, cache->size);
	else if (kshim_quarantine())
		memset(obj, KSHIM_POISON_ALLOC, cache->size);
	if (cache->ctor)
		cache->ctor(obj);
	__atomic_fetch_add(this_cpu_ptr(&cache->live), 1, __ATOMIC_RELAXED);
	return obj;
}

void kmem_cache_free(struct kmem_cache *cache, void *obj)
{
	if (!obj)
		return;
	__atomic_fetch_sub(this_cpu_ptr(&cache->live), 1, __ATOMIC_RELAXED);
	memset(obj, KSHIM_POISON_FREE, cache->size);
	if (kshim_quarantine()) {
		pthread_mutex_lock(&kshim_q_lock);
		if (kshim_q_cap) {
			if (kshim_q_len == kshim_q_cap)
				kshim_q_flush(kshim_q_cap - 1);
			kshim_q[(kshim_q_head + kshim_q_len) % kshim_q_cap] =
				(struct kshim_qent){ cache, obj };
			kshim_q_len++;
			obj = NULL;
		}
		pthread_mutex_unlock(&kshim_q_lock);
	}
	free(obj);
}

/* ---- kmalloc / kvmalloc ----------------------------------------------- */

void *kvmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;
	void *p;

	if (size && n > (size_t)-1 / size)
		return NULL;
	bytes = n * size;
	if (posix_memalign(&p, KSHIM_CACHELINE, bytes ? bytes : 1))
		return NULL;
	if (gfp & __GFP_ZERO)
		memset(p, 0, bytes);
	__atomic_fetch_add(&kshim_kv_count, 1, __ATOMIC_RELAXED);
	return p;
}

void kvfree(const void *addr)
{
	if (!addr)
		return;
	__atomic_fetch_sub(&kshim_kv_count, 1, __ATOMIC_RELAXED);
	free((void *)addr);
}

long kshim_kv_live(void)
{
	return __atomic_load_n(&kshim_kv_count, __ATOMIC_RELAXED);
}

void *kmalloc(size_t size, gfp_t gfp)
{
	return kvmalloc_array(1, size, gfp);
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return kvmalloc_array(1, size, gfp | __GFP_ZERO);
}

void kfree(const void *addr)
{
	kvfree(addr);
}

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
#include <linux/irqflags.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

/* ---- per-CPU slots and thread exit ------------------------------------ */

__thread int kshim_cpu_id = -1;
__thread bool kshim_cpu_shared;
static __thread bool kshim_thread_hooked;
/* 1 while a thread owns the slot; the last slot is never owned. */
static unsigned char kshim_cpu_owned[KSHIM_NR_CPUS - 1];
static pthread_key_t kshim_thread_key;
static pthread_once_t kshim_thread_once = PTHREAD_ONCE_INIT;

static void kshim_rcu_flush_exit(void);

/* Thread exit: hand over queued RCU callbacks, give the slot back. */
static void kshim_thread_exit(void *unused)
{
	int cpu = kshim_cpu_id;

	kshim_rcu_flush_exit();
	if (cpu >= 0 && cpu < KSHIM_CPU_SHARED && !kshim_cpu_shared &&
	    __atomic_load_n(&kshim_cpu_owned[cpu], __ATOMIC_RELAXED)) {
		kshim_cpu_id = -1;
		/*
		 * Release: our last stores to the slot's per-CPU data come
		 * before the next owner's plain updates; pairs with the
		 * acquire exchange in kshim_cpu_assign().
		 */
		__atomic_store_n(&kshim_cpu_owned[cpu], 0, __ATOMIC_RELEASE);
	}
}

static void kshim_thread_key_create(void)
{
	if (pthread_key_create(&kshim_thread_key, kshim_thread_exit)) {
		fprintf(stderr, "kshim: pthread_key_create failed\n");
		abort();
	}
}

/* Make sure kshim_thread_exit() runs when this thread exits. */
static void kshim_thread_hook(void)
{
	if (kshim_thread_hooked)
		return;
	pthread_once(&kshim_thread_once, kshim_thread_key_create);
	pthread_setspecific(kshim_thread_key, (void *)1);
	kshim_thread_hooked = true;
}

int kshim_cpu_assign(void)
{
	unsigned char zero;
	int cpu;

	kshim_thread_hook();
	for (cpu = 0; cpu < KSHIM_CPU_SHARED; cpu++) {
		zero = 0;
		/* pairs with the release store in kshim_thread_exit() */
		if (!__atomic_load_n(&kshim_cpu_owned[cpu], __ATOMIC_RELAXED) &&
		    __atomic_compare_exchange_n(&kshim_cpu_owned[cpu], &zero, 1,
						false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED)) {
			kshim_cpu_id = cpu;
			return cpu;
		}
	}
	kshim_cpu_shared = true;
	kshim_cpu_id = KSHIM_CPU_SHARED;
	return kshim_cpu_id;
}

/* ---- RCU -------------------------------------------------------------- */

/*
 * The kernel's call_rcu() appends the callback to this CPU's list, with
 * interrupts off and no atomic instruction; the grace-period machinery
 * notices when a grace period has passed, and the callbacks are invoked
 * on the CPU that queued them (in softirq or its rcuc kthread), so the
 * objects they free go back to that CPU's slab freelist.
 *
 * Here each thread appends to its own open list.  Every KSHIM_RCU_BATCH
 * callbacks (and in rcu_barrier(), rcu_unregister_thread() and at thread
 * exit) the list is closed into a batch and handed to liburcu with one
 * urcu call_rcu().  liburcu's callback only marks the batch DONE; the
 * owning thread invokes the callbacks of its DONE batches itself, oldest
 * first, the next time it hands a batch over.  A thread that leaves
 * (unregisters or exits) marks its batches still waiting ORPHAN, and
 * liburcu's callback then invokes those on liburcu's thread.  Handing a
 * callback over later than it was queued is always safe: the grace period
 * liburcu waits for then begins even later.
 */
/* states of a batch; KSHIM_RCU_DONE (1) is in <linux/rcupdate.h> */
enum { KSHIM_RCU_WAIT = 0, KSHIM_RCU_ORPHAN = 2 };

struct kshim_rcu_batch {
	struct kshim_urcu_head uh;
	struct rcu_head *list;
	struct kshim_rcu_batch *next;	/* owner's FIFO of waiting batches */
	int state;
};

char kshim_rcu_hb;
/* the open list */
static __thread struct rcu_head *kshim_rcu_first, *kshim_rcu_last;
static __thread unsigned int kshim_rcu_count;
/* batches handed to liburcu, oldest first */
static __thread struct kshim_rcu_batch *kshim_rcu_wait_first,
				      *kshim_rcu_wait_last;
/* &kshim_rcu_wait_first->state, or NULL: what rcu_read_lock() polls */
__thread int *kshim_rcu_oldest_state;

static void kshim_rcu_set_first(struct kshim_rcu_batch *b)
{
	kshim_rcu_wait_first = b;
	kshim_rcu_oldest_state = b ? &b->state : NULL;
	if (!b)
		kshim_rcu_wait_last = NULL;
}

static void kshim_rcu_invoke(struct rcu_head *head)
{
	struct rcu_head *next;

	for (; head; head = next) {
		next = head->next;	/* head->func() may free head */
		head->func(head);
	}
}

/* liburcu's callback, on its call_rcu thread, after a grace period. */
static void kshim_rcu_batch_cb(struct kshim_urcu_head *uh)
{
	struct kshim_rcu_batch *b = container_of(uh, struct kshim_rcu_batch,
						 uh);

	/*
	 * The grace period is over: every read-side section that could see
	 * the objects has ended (TSan's view of it: kshim_rcu_hb).
	 */
	kshim_tsan_acquire(b);
	kshim_tsan_acquire(&kshim_rcu_hb);
	/*
	 * Release: the owner's acquire load of DONE in kshim_rcu_harvest()
	 * then also comes after the grace period.  Acquire: pairs with the
	 * exchange to ORPHAN in kshim_rcu_orphan(), so the list is ours.
	 */
	if (__atomic_exchange_n(&b->state, KSHIM_RCU_DONE, __ATOMIC_ACQ_REL) ==
	    KSHIM_RCU_ORPHAN) {
		kshim_rcu_invoke(b->list);
		free(b);
	}
}

/*
 * Invoke the callbacks of this thread's batches whose grace period is over.
 * Called when the thread hands a batch over, from rcu_barrier(), and from
 * rcu_read_lock() when the oldest batch is done: the kernel invokes a CPU's
 * callbacks from softirq whatever the task on it does, so a thread that
 * stops queueing callbacks (a consumer polling an empty queue) must still
 * free what it queued.  Freeing objects whose grace period has ended is
 * safe anywhere, inside a read-side section too.
 */
void kshim_rcu_harvest(void)
{
	struct kshim_rcu_batch *b;

	/* pairs with the exchange in kshim_rcu_batch_cb() */
	while ((b = kshim_rcu_wait_first) &&
	       __atomic_load_n(&b->state, __ATOMIC_ACQUIRE) == KSHIM_RCU_DONE) {
		kshim_rcu_set_first(b->next);
		kshim_rcu_invoke(b->list);
		free(b);
	}
}

/* The thread leaves: liburcu's thread invokes what is still waiting. */
static void kshim_rcu_orphan(void)
{
	struct kshim_rcu_batch *b, *next;

	for (b = kshim_rcu_wait_first; b; b = next) {
		next = b->next;
		/* pairs with the exchange in kshim_rcu_batch_cb() */
		if (__atomic_exchange_n(&b->state, KSHIM_RCU_ORPHAN,
					__ATOMIC_ACQ_REL) == KSHIM_RCU_DONE) {
			kshim_rcu_invoke(b->list);
			free(b);
		}
	}
	kshim_rcu_set_first(NULL);
}

/*
 * Close the open list into a batch and hand it to liburcu, after invoking
 * the callbacks of the batches already done.  If no batch can be
 * allocated the list stays open (the next call retries), or, where the
 * caller may block and is outside any read-side section (@may_sync), the
 * callbacks run after a synchronize_rcu().
 */
static void kshim_rcu_handover(bool may_sync)
{
	struct rcu_head *list = kshim_rcu_first;
	struct kshim_rcu_batch *b;

	kshim_rcu_harvest();
	if (!list)
		return;
	b = malloc(sizeof(*b));
	if (!b && !may_sync)
		return;
	kshim_rcu_first = NULL;
	kshim_rcu_last = NULL;
	kshim_rcu_count = 0;
	if (!b) {
		urcu_memb_synchronize_rcu();
		kshim_tsan_acquire(&kshim_rcu_hb);
		kshim_rcu_invoke(list);
		return;
	}
	b->list = list;
	b->next = NULL;
	b->state = KSHIM_RCU_WAIT;
	kshim_tsan_release(b);	/* liburcu's hand-off is invisible to TSan */
	if (kshim_rcu_wait_last)
		kshim_rcu_wait_last->next = b;
	else
		kshim_rcu_set_first(b);
	kshim_rcu_wait_last = b;
	urcu_memb_call_rcu(&b->uh, kshim_rcu_batch_cb);
}

void call_rcu(struct rcu_head *head, rcu_callback_t func)
{
	head->func = func;
	head->next = NULL;
	if (kshim_rcu_last) {
		kshim_rcu_last->next = head;
	} else {
		kshim_thread_hook();
		kshim_rcu_first = head;
	}
	kshim_rcu_last = head;
	if (unlikely(++kshim_rcu_count >= KSHIM_RCU_BATCH))
		kshim_rcu_handover(false);
}

/* rcu_unregister_thread(): hand everything over; liburcu finishes it. */
void kshim_rcu_flush(void)
{
	kshim_rcu_handover(true);
	kshim_rcu_orphan();
}

/* Thread exit: as kshim_rcu_flush(), but the thread may be unregistered. */
static void kshim_rcu_flush_exit(void)
{
	kshim_rcu_handover(false);
	kshim_rcu_orphan();
}

void rcu_barrier(void)
{
	kshim_rcu_handover(true);
	urcu_memb_barrier();
	kshim_rcu_harvest();
}

unsigned int kshim_rcu_batched(void)
{
	return kshim_rcu_count;
}

/*
 * Polled grace periods.  kshim_gp_requested counts the grace periods
 * asked for; once the grace period that began after it reached n is
 * over, kshim_gp_done becomes at least n.  A cookie is the number the next
 * request will get (requested + 1, read after a full barrier), so the
 * grace period that completes it begins after everything the caller did
 * before get_state_synchronize_rcu(): cookie c is over when
 * kshim_gp_done >= c.  Requests are served by one thread, the shim's
 * grace-period kthread: it reads kshim_gp_requested, waits in urcu's
 * synchronize_rcu() and completes what it read.  (liburcu's call_rcu
 * thread would do, but it sleeps 10 ms between rounds.)  liburcu has no
 * polled API (0.13).  The two counters are on separate cache lines: every
 * lfq free reads kshim_gp_requested.
 */
unsigned long kshim_gp_requested __attribute__((aligned(KSHIM_CACHELINE)));
unsigned long kshim_gp_done __attribute__((aligned(KSHIM_CACHELINE)));
static pthread_mutex_t kshim_gp_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t kshim_gp_cond = PTHREAD_COND_INITIALIZER;
static pthread_once_t kshim_gp_once = PTHREAD_ONCE_INIT;

static void kshim_gp_complete(unsigned long n)
{
	unsigned long done = __atomic_load_n(&kshim_gp_done, __ATOMIC_RELAXED);

	/* the grace period is over: read-side sections before it ended */
	kshim_tsan_acquire(&kshim_rcu_hb);
	kshim_tsan_release(&kshim_gp_done);
	/* release: pairs with the acquire in poll_state_synchronize_rcu() */
	while ((long)(done - n) < 0 &&
	       !__atomic_compare_exchange_n(&kshim_gp_done, &done, n, true,
					    __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		;
}

static void *kshim_gp_thread(void *unused)
{
	unsigned long n;

	for (;;) {
		pthread_mutex_lock(&kshim_gp_lock);
		while ((long)((n = __atomic_load_n(&kshim_gp_requested,
						   __ATOMIC_SEQ_CST)) -
			      __atomic_load_n(&kshim_gp_done,
					      __ATOMIC_RELAXED)) <= 0)
			pthread_cond_wait(&kshim_gp_cond, &kshim_gp_lock);
		pthread_mutex_unlock(&kshim_gp_lock);
		/* begins after request n was made: completes cookies <= n */
		urcu_memb_synchronize_rcu();
		kshim_gp_complete(n);
	}
	return NULL;
}

static void kshim_gp_start(void)
{
	pthread_attr_t attr;
	pthread_t t;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, kshim_gp_thread, NULL)) {
		fprintf(stderr, "kshim: cannot start the grace-period thread\n");
		abort();
	}
	pthread_attr_destroy(&attr);
}

/*
 * Ask for the grace period of @cookie unless someone already has (the
 * kernel starts a grace period whenever one is needed; so does this).
 */
bool kshim_poll_state_slow(unsigned long cookie)
{
	unsigned long want = cookie - 1;

	if (__atomic_load_n(&kshim_gp_requested, __ATOMIC_RELAXED) == want &&
	    __atomic_compare_exchange_n(&kshim_gp_requested, &want, cookie,
					false, __ATOMIC_SEQ_CST,
					__ATOMIC_RELAXED)) {
		pthread_once(&kshim_gp_once, kshim_gp_start);
		pthread_mutex_lock(&kshim_gp_lock);
		pthread_cond_signal(&kshim_gp_cond);
		pthread_mutex_unlock(&kshim_gp_lock);
	}
	return false;
}

void cond_synchronize_rcu(unsigned long cookie)
{
	if (poll_state_synchronize_rcu(cookie))
		return;
	synchronize_rcu();
}

/* A grace period that also completes every cookie taken before it. */
void synchronize_rcu(void)
{
	unsigned long n;

	n = __atomic_add_fetch(&kshim_gp_requested, 1, __ATOMIC_SEQ_CST);
	urcu_memb_synchronize_rcu();
	kshim_gp_complete(n);
	kshim_tsan_acquire(&kshim_gp_done);
}

/* ---- local_irq_save() on the shared slot ------------------------------ */

static spinlock_t kshim_irq_lock;

unsigned long kshim_irq_save_shared(void)
{
	spin_lock(&kshim_irq_lock);
	return 1;
}

void kshim_irq_restore_shared(void)
{
	spin_unlock(&kshim_irq_lock);
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

#ifdef KSHIM_FAST
/* A CPU's freelist of one cache: objects linked through their first word. */
struct kshim_freelist {
	void *head;
	unsigned int count;
};

/*
 * Objects a CPU keeps before it returns frees to malloc: as many as lfq
 * lets wait for a grace period (LFQ_RCU_BACKLOG_HIGH), so that the nodes
 * a CPU frees after each grace period are reused, as SLUB reuses them
 * through its per-CPU and partial slabs, instead of going back to malloc.
 */
#define KSHIM_FREELIST_MAX	65536

static void kshim_freelists_drain(struct kmem_cache *cache);
#endif

struct kmem_cache {
	const char *name;
	unsigned int size;
	unsigned int align;
	void (*ctor)(void *obj);
	DEFINE_PER_CPU(long, live);
#ifdef KSHIM_FAST
	DEFINE_PER_CPU(struct kshim_freelist, free);
#endif
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

static __maybe_unused unsigned int kshim_quarantine(void)
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

static __maybe_unused bool kshim_should_fail(void)
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
#ifdef KSHIM_FAST
	kshim_freelists_drain(cache);
#endif
	live = kshim_kmem_cache_live(cache);
	if (live)
		fprintf(stderr, "kshim: kmem_cache_destroy(%s): %ld objects remaining\n",
			cache->name, live);
	free(cache);
}

#ifdef KSHIM_FAST
/*
 * Benchmark variant, modelled on SLUB's fast path: an object comes from,
 * and a free goes to, this CPU's freelist of the cache, with no atomic
 * instruction (each slot has one writer, see kshim.h) and no debugging or
 * counting.  An empty freelist falls back to malloc(), a long one (more
 * than KSHIM_FREELIST_MAX objects, where SLUB would give slabs back) to
 * free(); a thread on the shared slot uses malloc()/free() directly.
 */
void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t gfp)
{
	struct kshim_freelist *fl = this_cpu_ptr(&cache->free);
	void *obj = fl->head;

	if (likely(obj && !kshim_cpu_shared)) {
		fl->head = *(void **)obj;
		fl->count--;
	} else if (cache->align > 16) {
		if (posix_memalign(&obj, cache->align, cache->size))
			return NULL;
	} else {
		obj = malloc(cache->size);
		if (unlikely(!obj))
			return NULL;
	}
	if (unlikely(gfp & __GFP_ZERO))
		memset(obj, 0, cache->size);
	if (unlikely(cache->ctor))
		cache->ctor(obj);
	return obj;
}

void kmem_cache_free(struct kmem_cache *cache, void *obj)
{
	struct kshim_freelist *fl = this_cpu_ptr(&cache->free);

	if (unlikely(!obj))
		return;
	if (unlikely(fl->count >= KSHIM_FREELIST_MAX || kshim_cpu_shared)) {
		free(obj);
		return;
	}
	*(void **)obj = fl->head;
	fl->head = obj;
	fl->count++;
}

static void kshim_freelists_drain(struct kmem_cache *cache)
{
	int cpu;

	for (cpu = 0; cpu < KSHIM_NR_CPUS; cpu++) {
		struct kshim_freelist *fl = per_cpu_ptr(&cache->free, cpu);
		void *obj;

		while ((obj = fl->head)) {
			fl->head = *(void **)obj;
			free(obj);
		}
		fl->count = 0;
	}
}
#else
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
	this_cpu_inc(cache->live);
	return obj;
}

void kmem_cache_free(struct kmem_cache *cache, void *obj)
{
	if (!obj)
		return;
	this_cpu_dec(cache->live);
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
#endif /* KSHIM_FAST */

/* ---- kmalloc / kvmalloc ----------------------------------------------- */

void *kvmalloc_array(size_t n, size_t size, gfp_t gfp)
{
	size_t bytes;
	void *p;

	if (size && n > (size_t)-1 / size)
		return NULL;
	if (kshim_should_fail())
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

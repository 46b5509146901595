// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_bench.c - in-kernel benchmark of lfq against the kernel's own queues
 *
 * Everything runs at module load, which then fails with -EAGAIN once the
 * figures are printed (-EIO if a conservation check failed), so the
 * module never stays loaded.  Module parameters select what runs.
 *
 * Workload ("pairs"): one kthread per CPU, bound to it, each doing push then
 * pop in a loop for duration_ms, all released at once by a start gate.  It
 * runs once with one thread (the cost of a push+pop pair with no contention,
 * which the /dev/lfq benchmark compares itself with) and once with one
 * thread per online CPU (or the "threads" parameter).
 *
 * Structures:
 *   lfq:      every kind of the registry (lfq_kinds[]: msq, stack, ring,
 *             tlq, ...) with single values, and, for the kinds that have
 *             push_many/pop_many, "<kind>_bulk32" (all-or-nothing push and
 *             pop of 32 values)
 *   kernel:   spin_list (spinlock + list_head, kmalloc'd nodes), kfifo (a
 *             kfifo of pointers under one spinlock), ptr_ring (its own
 *             producer and consumer locks), llist (llist_add, and
 *             llist_del_all to take everything), objpool (pop then push,
 *             where the kernel has it)
 *   deques:   owner-only kinds (LFQ_KIND_OWNER: the deque) and spin_deque
 *             (an array deque under one spinlock): thread 0 is the owner
 *             and does push+pop pairs, the other threads steal (so the
 *             one-thread pass is the owner alone, the many-thread pass
 *             owner + thieves); ratios only between these
 *   pools:    lfq_pool (get then put) against objpool and pcpu_freelist
 *             (a per-CPU array of free objects, used with preemption
 *             disabled: the uncontended floor); the pools are compared
 *             with each other only (kb_kind.flags)
 *   maps:     lfq_hmap against rhashtable (RCU lookups, per-bucket bit
 *             locks for updates, objects freed with kfree_rcu()), each
 *             with two mixes of operations on random keys below
 *             KB_MAP_KEYS, the even ones inserted first: "_read" (90%
 *             lookup, 5% insert, 5% delete) and "_update" (50/25/25);
 *             each step is one operation, all counted in ops (failed
 *             inserts and deletes, and misses, too); compared only with
 *             the other map of the same mix
 *
 * Every value pushed is a distinct non-NULL token.  Each thread counts and
 * sums what it pushes and pops; after a run the structure is drained and
 * pushed == popped + drained must hold for both count and sum, or the run
 * fails and module load returns -EIO.  For the maps, a successful insert
 * of key k counts as pushing k + 1, a successful delete as popping it, the
 * drain deletes every key, and a lookup that returns another value than
 * key k's fails the run too.
 *
 * Also reported: the kernel memory per queued message for each lfq kind,
 * and the peak of lfq_rcu_backlog() during a push/pop storm on the kinds
 * whose popped nodes wait for RCU (LFQ_KIND_RCU_NODES; storm_ms).
 *
 * Output: one pr_info() line per figure, "lfq_bench: <what> key=value ...",
 * so scripts can parse it (scripts/host/bench-report.sh does; a run's
 * group=queue|deque|pool|map_read|map_update says which table it goes to).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kfifo.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/preempt.h>
#include <linux/ptr_ring.h>
#include <linux/rcupdate.h>
#include <linux/rhashtable.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/vmstat.h>
#ifdef LFQ_HAVE_OBJPOOL
#include <linux/objpool.h>
#endif

#include "lfq.h"

static unsigned int duration_ms = 200;
module_param(duration_ms, uint, 0444);
MODULE_PARM_DESC(duration_ms, "length of each measured run in ms (default 200)");

static unsigned int threads;
module_param(threads, uint, 0444);
MODULE_PARM_DESC(threads, "threads of the contended runs, one per CPU (default 0: every online CPU)");

static unsigned int storm_ms = 1000;
module_param(storm_ms, uint, 0444);
MODULE_PARM_DESC(storm_ms, "length of the RCU backlog storm per structure in ms (0: skip; default 1000)");

static unsigned int mem_msgs = 131072;
module_param(mem_msgs, uint, 0444);
MODULE_PARM_DESC(mem_msgs, "messages queued to measure memory per message (0: skip; default 131072)");

static unsigned int repeat = 1;
module_param(repeat, uint, 0444);
MODULE_PARM_DESC(repeat, "times each pass of measured runs is repeated (default 1)");

static char *tests = "all";
module_param(tests, charp, 0444);
MODULE_PARM_DESC(tests, "comma-separated structures to run, or \"all\" (default)");

/* Values per call of the bulk ring variant. */
#define KB_BULK		32
/* Pairs between two looks at the clock (and cond_resched()). */
#define KB_BATCH	32
/* Capacity of the bounded structures: never the bottleneck. */
#define KB_CAPACITY	4096
/* Objects in the objpool. */
#define KB_POOL_OBJS	1024
/*
 * Capacity, at least, of a bounded kind whose memory is measured: its
 * memory comes from the free page count, which per-CPU vmstat deltas blur
 * by up to a few MiB, so it must be far larger than that.
 */
#define KB_MEM_SLOTS	BIT(22)
/* Keys of the map runs (a power of two); the even ones are inserted first. */
#define KB_MAP_KEYS	BIT(16)

struct kb_run;

/**
 * struct kb_thread - one benchmark thread and its counters
 * @run: the run it belongs to
 * @task: the kthread
 * @id: index, 0 to nthreads - 1
 * @next_val: next token to push (distinct across threads, never 0)
 * @pushes: values pushed
 * @pops: values popped
 * @push_sum: sum of the values pushed
 * @pop_sum: sum of the values popped
 * @empty: pops that found nothing
 * @full: pushes that found no room
 * @other: map operations that moved no value (lookups, failed inserts and
 *         deletes), counted as operations
 * @bad: map lookups that returned a wrong value
 * @rnd: xorshift state of the map runs
 * @backlog_peak: largest lfq_rcu_backlog() seen
 * @end_ns: when this thread stopped
 * @err: first error (-ENOMEM from a push), 0 if none
 * @vals: scratch array for bulk calls
 */
struct kb_thread {
	struct kb_run *run;
	struct task_struct *task;
	unsigned int id;
	unsigned long next_val;
	u64 pushes;
	u64 pops;
	u64 push_sum;
	u64 pop_sum;
	u64 empty;
	u64 full;
	u64 other;
	u64 bad;
	u64 rnd;
	unsigned long backlog_peak;
	u64 end_ns;
	int err;
	void *vals[KB_BULK];
} ____cacheline_aligned_in_smp;

/**
 * struct kb_kind - one structure under test
 * @name: name in the output and in the "tests" parameter
 * @lfq: the registry's kind, or NULL for a kernel baseline
 * @setup: create the structure in @run->q; may pre-fill it
 * @step: one push+pop pair (or its equivalent) by thread @t
 * @pop: pop one value, NULL if empty (baselines; lfq kinds use @lfq's)
 * @drain: pop everything left, adding to *@n and *@sum, where popping
 *         until empty with @pop does not do that
 * @teardown: free the (empty) structure
 * @owner: thread 0 pushes and pops, the others steal (work-stealing
 *         deques); compared only with other @owner entries
 * @flags: enum kb_flags
 *
 * The lfq kinds are compared against every baseline.  Their entries are
 * made from the registry at load (kb_kinds_build()), with the kb_lfq_*()
 * operations, which go through the kind's own operations.
 */
struct kb_kind {
	char name[32];
	const struct lfq_kind *lfq;
	int (*setup)(struct kb_run *run);
	int (*step)(struct kb_run *run, struct kb_thread *t);
	void *(*pop)(void *q);
	void (*drain)(struct kb_run *run, u64 *n, u64 *sum);
	void (*teardown)(struct kb_run *run);
	bool owner;
	unsigned int flags;
};

/* enum kb_flags - what a structure is compared with (kb_kind.flags) */
enum kb_flags {
	KB_OURS		= BIT(0),	/* lfq's, though not a kind (the pool) */
	KB_POOL		= BIT(1),	/* an object pool: compared with pools */
	KB_POOL_ONLY	= BIT(2),	/* ... and not with the queues */
	KB_MAP_READ	= BIT(3),	/* a map, read-mostly mix */
	KB_MAP_UPDATE	= BIT(4),	/* a map, update-heavy mix */
};

#define KB_MAPS		(KB_MAP_READ | KB_MAP_UPDATE)

/* lfq's own: a kind of the registry, or lfq_pool */
static bool kb_is_lfq(const struct kb_kind *k)
{
	return k->lfq || (k->flags & KB_OURS);
}

/*
 * Is @base a baseline for lfq's @k?  Pools with pools, queues with queues,
 * maps with maps of the same mix.
 */
static bool kb_compares(const struct kb_kind *k, const struct kb_kind *base)
{
	if (kb_is_lfq(base))
		return false;
	if ((k->flags | base->flags) & KB_MAPS)
		return (k->flags & KB_MAPS) == (base->flags & KB_MAPS);
	if (k->flags & KB_POOL)
		return base->flags & KB_POOL;
	return !(base->flags & KB_POOL_ONLY);
}

/**
 * struct kb_run - one timed run of one structure
 * @kind: the structure
 * @q: its instance
 * @nthreads: threads taking part
 * @storm: the RCU backlog storm (reported as such)
 * @go: start gate, opened by kb_run_one()
 * @ready: threads waiting at the gate
 * @running: threads not yet finished
 * @done: completed by the last thread to finish
 * @start_ns: when the gate opened
 * @deadline_ns: when the threads stop
 * @prefill_n: values in the structure before the run (objpool)
 * @prefill_sum: their sum
 * @thr: the threads
 */
struct kb_run {
	const struct kb_kind *kind;
	void *q;
	unsigned int nthreads;
	bool storm;
	int go;
	atomic_t ready;
	atomic_t running;
	struct completion done;
	u64 start_ns;
	u64 deadline_ns;
	u64 prefill_n;
	u64 prefill_sum;
	struct kb_thread *thr[];
};

/**
 * struct kb_result - what a run measured
 * @ops: pushes + pops that moved a value, all threads
 * @elapsed_ns: gate opening to the last thread's stop
 * @ops_per_s: @ops per second
 * @backlog_peak: largest lfq_rcu_backlog() the threads saw
 */
struct kb_result {
	u64 ops;
	u64 elapsed_ns;
	u64 ops_per_s;
	unsigned long backlog_peak;
};

static int kb_failed;
static unsigned int kb_rep;	/* repetition being run, for the output */

static void *kb_token(struct kb_thread *t)
{
	unsigned long v = t->next_val;

	t->next_val += t->run->nthreads;
	return (void *)v;
}

static void kb_pushed(struct kb_thread *t, const void *v)
{
	t->pushes++;
	t->push_sum += (unsigned long)v;
}

static void kb_popped(struct kb_thread *t, const void *v)
{
	if (v) {
		t->pops++;
		t->pop_sum += (unsigned long)v;
	} else {
		t->empty++;
	}
}

/* lfq: any kind of the registry, through its operations */

static int kb_lfq_setup(struct kb_run *run)
{
	const struct lfq_kind *k = run->kind->lfq;
	void *c = kzalloc(k->size, GFP_KERNEL);
	int ret;

	if (!c)
		return -ENOMEM;
	ret = k->init(c, k->flags & LFQ_KIND_BOUNDED ? KB_CAPACITY : 0,
		      GFP_KERNEL);
	if (ret) {
		kfree(c);
		return ret;
	}
	run->q = c;
	return 0;
}

/* A full bounded kind counts as "full"; any other push error ends the run. */
static int kb_lfq_step(struct kb_run *run, struct kb_thread *t)
{
	const struct lfq_kind *k = run->kind->lfq;
	void *v = kb_token(t);
	int ret;

	ret = k->push(run->q, v, GFP_KERNEL);
	if (ret && ret != -ENOSPC)
		return ret;
	if (ret)
		t->full++;
	else
		kb_pushed(t, v);
	kb_popped(t, k->pop(run->q));
	return 0;
}

static int kb_lfq_bulk_step(struct kb_run *run, struct kb_thread *t)
{
	const struct lfq_kind *k = run->kind->lfq;
	unsigned int i, n;

	for (i = 0; i < KB_BULK; i++)
		t->vals[i] = kb_token(t);
	if (k->push_many(run->q, t->vals, KB_BULK, true) == KB_BULK) {
		for (i = 0; i < KB_BULK; i++)
			kb_pushed(t, t->vals[i]);
	} else {
		t->full++;
	}
	n = k->pop_many(run->q, t->vals, KB_BULK, true);
	if (!n)
		t->empty++;
	for (i = 0; i < n; i++)
		kb_popped(t, t->vals[i]);
	return 0;
}

/*
 * Owner-only kinds (the deque): thread 0 is the owner and does push+pop
 * pairs (a pop that finds its value stolen counts as empty); every other
 * thread steals.
 */
static int kb_lfq_owner_step(struct kb_run *run, struct kb_thread *t)
{
	if (!t->id)
		return kb_lfq_step(run, t);
	kb_popped(t, run->kind->lfq->steal(run->q));
	return 0;
}

static void kb_lfq_teardown(struct kb_run *run)
{
	run->kind->lfq->destroy(run->q, NULL);
	kfree(run->q);
}

/* kernel: spinlock + list_head, one kmalloc'd node per value */

struct kb_list {
	spinlock_t lock;	/* protects head, for push and pop alike */
	struct list_head head;
};

struct kb_list_node {
	struct list_head link;
	void *val;
};

static int kb_list_setup(struct kb_run *run)
{
	struct kb_list *l = kzalloc(sizeof(*l), GFP_KERNEL);

	if (!l)
		return -ENOMEM;
	spin_lock_init(&l->lock);
	INIT_LIST_HEAD(&l->head);
	run->q = l;
	return 0;
}

static void *kb_list_pop(void *q)
{
	struct kb_list *l = q;
	struct kb_list_node *node;
	void *v = NULL;

	spin_lock(&l->lock);
	node = list_first_entry_or_null(&l->head, struct kb_list_node, link);
	if (node)
		list_del(&node->link);
	spin_unlock(&l->lock);
	if (node) {
		v = node->val;
		kfree(node);
	}
	return v;
}

static int kb_list_step(struct kb_run *run, struct kb_thread *t)
{
	struct kb_list *l = run->q;
	struct kb_list_node *node;

	node = kmalloc(sizeof(*node), GFP_KERNEL);
	if (!node)
		return -ENOMEM;
	node->val = kb_token(t);
	kb_pushed(t, node->val);
	spin_lock(&l->lock);
	list_add_tail(&node->link, &l->head);
	spin_unlock(&l->lock);
	kb_popped(t, kb_list_pop(l));
	return 0;
}

static void kb_free_q(struct kb_run *run)
{
	kfree(run->q);
}

/*
 * A work-stealing deque under one spinlock, the baseline of lfq's deque:
 * an array of pointers, the owner (thread 0) pushes and pops at @tail,
 * the other threads steal at @head.
 */
struct kb_sdeque {
	spinlock_t lock;	/* protects head, tail and slots */
	unsigned long head;
	unsigned long tail;
	void *slots[KB_CAPACITY];
};

static int kb_sdeque_setup(struct kb_run *run)
{
	struct kb_sdeque *d = kzalloc(sizeof(*d), GFP_KERNEL);

	if (!d)
		return -ENOMEM;
	spin_lock_init(&d->lock);
	run->q = d;
	return 0;
}

/* The owner's pop, the newest value. */
static void *kb_sdeque_pop(void *q)
{
	struct kb_sdeque *d = q;
	void *v = NULL;

	spin_lock(&d->lock);
	if (d->tail != d->head)
		v = d->slots[--d->tail % KB_CAPACITY];
	spin_unlock(&d->lock);
	return v;
}

static void *kb_sdeque_steal(struct kb_sdeque *d)
{
	void *v = NULL;

	spin_lock(&d->lock);
	if (d->tail != d->head)
		v = d->slots[d->head++ % KB_CAPACITY];
	spin_unlock(&d->lock);
	return v;
}

static int kb_sdeque_step(struct kb_run *run, struct kb_thread *t)
{
	struct kb_sdeque *d = run->q;
	void *v;
	bool ok;

	if (t->id) {
		kb_popped(t, kb_sdeque_steal(d));
		return 0;
	}
	v = kb_token(t);
	spin_lock(&d->lock);
	ok = d->tail - d->head < KB_CAPACITY;
	if (ok)
		d->slots[d->tail++ % KB_CAPACITY] = v;
	spin_unlock(&d->lock);
	if (ok)
		kb_pushed(t, v);
	else
		t->full++;
	kb_popped(t, kb_sdeque_pop(d));
	return 0;
}

/* kernel: kfifo of pointers under one spinlock */

struct kb_kfifo {
	spinlock_t lock;	/* protects fifo, for put and get alike */
	DECLARE_KFIFO_PTR(fifo, void *);
};

static int kb_kfifo_setup(struct kb_run *run)
{
	struct kb_kfifo *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	spin_lock_init(&f->lock);
	if (kfifo_alloc(&f->fifo, KB_CAPACITY, GFP_KERNEL)) {
		kfree(f);
		return -ENOMEM;
	}
	run->q = f;
	return 0;
}

static void *kb_kfifo_pop(void *q)
{
	struct kb_kfifo *f = q;
	void *v = NULL;

	spin_lock(&f->lock);
	if (!kfifo_get(&f->fifo, &v))
		v = NULL;
	spin_unlock(&f->lock);
	return v;
}

static int kb_kfifo_step(struct kb_run *run, struct kb_thread *t)
{
	struct kb_kfifo *f = run->q;
	void *v = kb_token(t);
	bool ok;

	spin_lock(&f->lock);
	ok = kfifo_put(&f->fifo, v);
	spin_unlock(&f->lock);
	if (ok)
		kb_pushed(t, v);
	else
		t->full++;
	kb_popped(t, kb_kfifo_pop(f));
	return 0;
}

static void kb_kfifo_teardown(struct kb_run *run)
{
	struct kb_kfifo *f = run->q;

	kfifo_free(&f->fifo);
	kfree(f);
}

/* kernel: ptr_ring */

static int kb_ptr_ring_setup(struct kb_run *run)
{
	struct ptr_ring *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return -ENOMEM;
	if (ptr_ring_init(r, KB_CAPACITY, GFP_KERNEL)) {
		kfree(r);
		return -ENOMEM;
	}
	run->q = r;
	return 0;
}

static void *kb_ptr_ring_pop(void *q)
{
	return ptr_ring_consume(q);
}

static int kb_ptr_ring_step(struct kb_run *run, struct kb_thread *t)
{
	void *v = kb_token(t);

	if (ptr_ring_produce(run->q, v))
		t->full++;
	else
		kb_pushed(t, v);
	kb_popped(t, kb_ptr_ring_pop(run->q));
	return 0;
}

static void kb_ptr_ring_teardown(struct kb_run *run)
{
	ptr_ring_cleanup(run->q, NULL);
	kfree(run->q);
}

/* kernel: llist, llist_add() one node, llist_del_all() takes them all */

struct kb_llist_node {
	struct llist_node node;
	void *val;
};

static int kb_llist_setup(struct kb_run *run)
{
	struct llist_head *h = kzalloc(sizeof(*h), GFP_KERNEL);

	if (!h)
		return -ENOMEM;
	init_llist_head(h);
	run->q = h;
	return 0;
}

/* Take every node, count and free them; return how many. */
static u64 kb_llist_take(struct llist_head *h, u64 *sum)
{
	struct kb_llist_node *n, *next;
	struct llist_node *first;
	u64 cnt = 0;

	first = llist_del_all(h);
	llist_for_each_entry_safe(n, next, first, node) {
		cnt++;
		*sum += (unsigned long)n->val;
		kfree(n);
	}
	return cnt;
}

static int kb_llist_step(struct kb_run *run, struct kb_thread *t)
{
	struct kb_llist_node *n;
	u64 cnt;

	n = kmalloc(sizeof(*n), GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	n->val = kb_token(t);
	kb_pushed(t, n->val);
	llist_add(&n->node, run->q);
	cnt = kb_llist_take(run->q, &t->pop_sum);
	if (cnt)
		t->pops += cnt;
	else
		t->empty++;
	return 0;
}

static void kb_llist_drain(struct kb_run *run, u64 *n, u64 *sum)
{
	*n += kb_llist_take(run->q, sum);
}

#ifdef LFQ_HAVE_OBJPOOL
/* kernel: objpool, a pre-filled pool; the pair is pop then push back */

static int kb_objpool_setup(struct kb_run *run)
{
	struct objpool_head *p = kzalloc(sizeof(*p), GFP_KERNEL);
	unsigned int cnt = 0;
	void **objs;
	void *obj;
	int ret;

	if (!p)
		return -ENOMEM;
	ret = objpool_init(p, KB_POOL_OBJS, sizeof(long), GFP_KERNEL, NULL,
			   NULL, NULL);
	if (ret) {
		kfree(p);
		return ret;
	}
	run->q = p;
	/* Count and sum what the pool holds, for the conservation check. */
	objs = kcalloc(KB_POOL_OBJS, sizeof(*objs), GFP_KERNEL);
	if (!objs) {
		objpool_fini(p);
		kfree(p);
		return -ENOMEM;
	}
	while (cnt < KB_POOL_OBJS && (obj = objpool_pop(p))) {
		objs[cnt++] = obj;
		run->prefill_sum += (unsigned long)obj;
	}
	run->prefill_n = cnt;
	while (cnt--)
		objpool_push(objs[cnt], p);
	kfree(objs);
	return 0;
}

static int kb_objpool_step(struct kb_run *run, struct kb_thread *t)
{
	void *obj = objpool_pop(run->q);

	kb_popped(t, obj);
	if (obj && !objpool_push(obj, run->q))
		kb_pushed(t, obj);
	return 0;
}

/*
 * Count and sum what the pool holds: pop everything, then push it all back,
 * because objpool_fini() releases only the objects that are in the pool.
 */
static void kb_objpool_drain(struct kb_run *run, u64 *n, u64 *sum)
{
	void **objs = kcalloc(KB_POOL_OBJS, sizeof(*objs), GFP_KERNEL);
	unsigned int i, cnt = 0;
	void *obj;

	if (!objs)
		return;
	while (cnt < KB_POOL_OBJS && (obj = objpool_pop(run->q))) {
		objs[cnt++] = obj;
		*sum += (unsigned long)obj;
	}
	*n += cnt;
	for (i = 0; i < cnt; i++)
		objpool_push(objs[i], run->q);
	kfree(objs);
}

static void kb_objpool_teardown(struct kb_run *run)
{
	objpool_fini(run->q);
	kfree(run->q);
}
#endif /* LFQ_HAVE_OBJPOOL */

/*
 * lfq: the object pool (not a kind), full at the start; the pair is get
 * then put back, as for objpool.
 */
static void kb_pool_drain(struct kb_run *run, u64 *n, u64 *sum);

static int kb_pool_setup(struct kb_run *run)
{
	struct lfq_pool *p = kzalloc(sizeof(*p), GFP_KERNEL);
	int ret;

	if (!p)
		return -ENOMEM;
	ret = lfq_pool_init(p, KB_POOL_OBJS, sizeof(long), GFP_KERNEL, NULL,
			    NULL);
	if (ret) {
		kfree(p);
		return ret;
	}
	run->q = p;
	kb_pool_drain(run, &run->prefill_n, &run->prefill_sum);
	return 0;
}

static int kb_pool_step(struct kb_run *run, struct kb_thread *t)
{
	void *obj = lfq_pool_get(run->q);

	kb_popped(t, obj);
	if (obj && !lfq_pool_put(run->q, obj))
		kb_pushed(t, obj);
	return 0;
}

/* Count and sum the free objects: get them all, put them all back. */
static void kb_pool_drain(struct kb_run *run, u64 *n, u64 *sum)
{
	void **objs = kcalloc(KB_POOL_OBJS, sizeof(*objs), GFP_KERNEL);
	unsigned int cnt = 0;
	void *obj;

	if (!objs)
		return;
	while (cnt < KB_POOL_OBJS && (obj = lfq_pool_get(run->q))) {
		objs[cnt++] = obj;
		*sum += (unsigned long)obj;
	}
	*n += cnt;
	while (cnt--)
		lfq_pool_put(run->q, objs[cnt]);
	kfree(objs);
}

static void kb_pool_teardown(struct kb_run *run)
{
	lfq_pool_destroy(run->q);
	kfree(run->q);
}

/*
 * kernel-style baseline: a per-CPU free list, an array of free objects
 * per CPU used with preemption disabled, no atomics at all.  Each CPU's
 * array has room for every object, so a put always fits; a get finds only
 * what its own CPU freed (no stealing): the floor any pool is measured
 * against, not a pool a driver could use as is.  The objects are tokens,
 * never dereferenced.
 */
struct kb_pcpu_list {
	unsigned int n;
	void **slots;
};

struct kb_pcpu {
	struct kb_pcpu_list __percpu *cpu;
	void **mem;
};

static void kb_pcpu_teardown(struct kb_run *run)
{
	struct kb_pcpu *p = run->q;

	free_percpu(p->cpu);
	kfree(p->mem);
	kfree(p);
}

static int kb_pcpu_setup(struct kb_run *run)
{
	struct kb_pcpu *p = kzalloc(sizeof(*p), GFP_KERNEL);
	unsigned int cpu, i = 0;

	if (!p)
		return -ENOMEM;
	run->q = p;
	p->cpu = alloc_percpu(struct kb_pcpu_list);
	p->mem = kcalloc(array_size(nr_cpu_ids, KB_POOL_OBJS),
			 sizeof(*p->mem), GFP_KERNEL);
	if (!p->cpu || !p->mem) {
		kb_pcpu_teardown(run);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu)
		per_cpu_ptr(p->cpu, cpu)->slots = p->mem + cpu * KB_POOL_OBJS;
	/* deal the objects out to the online CPUs */
	while (i < KB_POOL_OBJS) {
		for_each_online_cpu(cpu) {
			struct kb_pcpu_list *l = per_cpu_ptr(p->cpu, cpu);
			unsigned long tok = (i + 1UL) * SMP_CACHE_BYTES;

			if (i++ >= KB_POOL_OBJS)
				break;
			l->slots[l->n++] = (void *)tok;
			run->prefill_n++;
			run->prefill_sum += tok;
		}
	}
	return 0;
}

static int kb_pcpu_step(struct kb_run *run, struct kb_thread *t)
{
	struct kb_pcpu *p = run->q;
	struct kb_pcpu_list *l;
	void *obj = NULL;

	preempt_disable();
	l = this_cpu_ptr(p->cpu);
	if (l->n)
		obj = l->slots[--l->n];
	preempt_enable();
	kb_popped(t, obj);
	if (!obj)
		return 0;
	preempt_disable();
	l = this_cpu_ptr(p->cpu);
	l->slots[l->n++] = obj;
	preempt_enable();
	kb_pushed(t, obj);
	return 0;
}

/* Count and sum what the lists hold (the run is over: no one else). */
static void kb_pcpu_drain(struct kb_run *run, u64 *n, u64 *sum)
{
	struct kb_pcpu *p = run->q;
	unsigned int cpu, i;

	for_each_possible_cpu(cpu) {
		struct kb_pcpu_list *l = per_cpu_ptr(p->cpu, cpu);

		for (i = 0; i < l->n; i++)
			*sum += (unsigned long)l->slots[i];
		*n += l->n;
		l->n = 0;
	}
}

/*
 * Maps: lfq_hmap and rhashtable behind one set of operations, so that the
 * step (the mix of operations) is the same code for both.
 */
struct kb_map;

/**
 * struct kb_map_ops - one map's operations (key, the token of key)
 * @init: make the empty map; 0 or an errno
 * @destroy: free it, and what it still holds
 * @insert: 0 if inserted, -EEXIST if present, another errno on failure
 * @remove: true if @key was present and is now gone
 * @lookup: the value of @key, NULL if absent
 */
struct kb_map_ops {
	int (*init)(struct kb_map *m);
	void (*destroy)(struct kb_map *m);
	int (*insert)(struct kb_map *m, unsigned long key, void *val);
	bool (*remove)(struct kb_map *m, unsigned long key);
	void *(*lookup)(struct kb_map *m, unsigned long key);
};

struct kb_rht_obj {
	unsigned long key;
	void *val;
	struct rhash_head node;
	struct rcu_head rcu;
};

struct kb_map {
	const struct kb_map_ops *ops;
	union {
		struct lfq_hmap hmap;
		struct rhashtable rht;
	};
};

/* The value stored under @key: a token the lookups can check. */
static void *kb_map_val(unsigned long key)
{
	return (void *)(key << 1 | 1);
}

static int kb_hmap_init(struct kb_map *m)
{
	return lfq_hmap_init(&m->hmap, KB_MAP_KEYS, GFP_KERNEL);
}

static void kb_hmap_destroy(struct kb_map *m)
{
	lfq_hmap_destroy(&m->hmap, NULL);
}

static int kb_hmap_insert(struct kb_map *m, unsigned long key, void *val)
{
	return lfq_hmap_insert(&m->hmap, key, val, GFP_KERNEL);
}

static bool kb_hmap_remove(struct kb_map *m, unsigned long key)
{
	return lfq_hmap_delete(&m->hmap, key);
}

static void *kb_hmap_lookup(struct kb_map *m, unsigned long key)
{
	return lfq_hmap_lookup(&m->hmap, key);
}

static const struct kb_map_ops kb_hmap_ops = {
	.init = kb_hmap_init,
	.destroy = kb_hmap_destroy,
	.insert = kb_hmap_insert,
	.remove = kb_hmap_remove,
	.lookup = kb_hmap_lookup,
};

/*
 * rhashtable, sized up front for KB_MAP_KEYS buckets (nelem_hint: 3/4 of
 * it, its growth threshold) as lfq_hmap is, so that no resize runs during
 * the measurement; automatic shrinking off.
 */
static const struct rhashtable_params kb_rht_params = {
	.nelem_hint = KB_MAP_KEYS / 4 * 3,
	.key_len = sizeof(unsigned long),
	.key_offset = offsetof(struct kb_rht_obj, key),
	.head_offset = offsetof(struct kb_rht_obj, node),
};

static int kb_rht_init(struct kb_map *m)
{
	return rhashtable_init(&m->rht, &kb_rht_params);
}

static void kb_rht_free(void *ptr, void *arg)
{
	kfree(ptr);
}

/* After kb_map_drain() nothing is left: the objects wait in kfree_rcu(). */
static void kb_rht_destroy(struct kb_map *m)
{
	rhashtable_free_and_destroy(&m->rht, kb_rht_free, NULL);
}

static int kb_rht_insert(struct kb_map *m, unsigned long key, void *val)
{
	struct kb_rht_obj *o = kmalloc(sizeof(*o), GFP_KERNEL | __GFP_NOWARN);
	int ret;

	if (!o)
		return -ENOMEM;
	o->key = key;
	o->val = val;
	ret = rhashtable_lookup_insert_fast(&m->rht, &o->node, kb_rht_params);
	if (ret)
		kfree(o);	/* never published */
	return ret;
}

static bool kb_rht_remove(struct kb_map *m, unsigned long key)
{
	struct kb_rht_obj *o;
	bool done = false;

	rcu_read_lock();
	o = rhashtable_lookup(&m->rht, &key, kb_rht_params);
	if (o && !rhashtable_remove_fast(&m->rht, &o->node, kb_rht_params)) {
		kfree_rcu(o, rcu);
		done = true;
	}
	rcu_read_unlock();
	return done;
}

static void *kb_rht_lookup(struct kb_map *m, unsigned long key)
{
	struct kb_rht_obj *o;
	void *val = NULL;

	rcu_read_lock();
	o = rhashtable_lookup(&m->rht, &key, kb_rht_params);
	if (o)
		val = o->val;
	rcu_read_unlock();
	return val;
}

static const struct kb_map_ops kb_rht_ops = {
	.init = kb_rht_init,
	.destroy = kb_rht_destroy,
	.insert = kb_rht_insert,
	.remove = kb_rht_remove,
	.lookup = kb_rht_lookup,
};

/* Delete every key, adding the tokens of those present to *@n, *@sum. */
static void kb_map_drain(struct kb_run *run, u64 *n, u64 *sum)
{
	struct kb_map *m = run->q;
	unsigned long key;

	for (key = 0; key < KB_MAP_KEYS; key++) {
		if (m->ops->remove(m, key)) {
			(*n)++;
			*sum += key + 1;
		}
		if (!(key % 1024))
			cond_resched();
	}
}

/* Insert the even keys; they count as the prefill. */
static int kb_map_fill(struct kb_run *run)
{
	struct kb_map *m = run->q;
	unsigned long key;
	int ret;

	for (key = 0; key < KB_MAP_KEYS; key += 2) {
		ret = m->ops->insert(m, key, kb_map_val(key));
		if (ret)
			return ret;
		run->prefill_n++;
		run->prefill_sum += key + 1;
	}
	return 0;
}

/* Create the map with @ops and insert the even keys. */
static int kb_map_setup(struct kb_run *run, const struct kb_map_ops *ops)
{
	struct kb_map *m = kzalloc(sizeof(*m), GFP_KERNEL);
	int ret;

	if (!m)
		return -ENOMEM;
	m->ops = ops;
	ret = ops->init(m);
	if (ret) {
		kfree(m);
		return ret;
	}
	run->q = m;
	ret = kb_map_fill(run);
	if (ret) {
		ops->destroy(m);
		kfree(m);
	}
	return ret;
}

static void kb_map_teardown(struct kb_run *run)
{
	struct kb_map *m = run->q;

	m->ops->destroy(m);
	kfree(m);
}

static int kb_hmap_setup(struct kb_run *run)
{
	return kb_map_setup(run, &kb_hmap_ops);
}

static int kb_rht_setup(struct kb_run *run)
{
	return kb_map_setup(run, &kb_rht_ops);
}

/* xorshift64: the thread's next random number (never 0) */
static u64 kb_rand(struct kb_thread *t)
{
	u64 x = t->rnd;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	t->rnd = x;
	return x;
}

/*
 * One operation on a random key: lookup, insert or delete, in the
 * proportions of the kind's mix (KB_MAP_READ: 90/5/5, else 50/25/25).
 */
static int kb_map_step(struct kb_run *run, struct kb_thread *t)
{
	unsigned int lookup = run->kind->flags & KB_MAP_READ ? 90 : 50;
	unsigned int insert = lookup + (100 - lookup) / 2;
	struct kb_map *m = run->q;
	u64 r = kb_rand(t);
	unsigned long key = (r >> 32) & (KB_MAP_KEYS - 1);
	unsigned int op = (u32)r % 100;
	void *v;
	int ret;

	if (op < lookup) {
		v = m->ops->lookup(m, key);
		if (v && v != kb_map_val(key))
			t->bad++;
		t->other++;
	} else if (op < insert) {
		ret = m->ops->insert(m, key, kb_map_val(key));
		if (!ret)
			kb_pushed(t, (void *)(key + 1));
		else if (ret == -EEXIST)
			t->other++;
		else
			return ret;
	} else if (m->ops->remove(m, key)) {
		kb_popped(t, (void *)(key + 1));
	} else {
		t->other++;
	}
	return 0;
}

/* The kernel's own structures, after the lfq kinds in kb_kinds[]. */
static const struct kb_kind kb_baselines[] = {
	{ .name = "spin_list", .setup = kb_list_setup, .step = kb_list_step,
	  .pop = kb_list_pop, .teardown = kb_free_q },
	{ .name = "kfifo", .setup = kb_kfifo_setup, .step = kb_kfifo_step,
	  .pop = kb_kfifo_pop, .teardown = kb_kfifo_teardown },
	{ .name = "ptr_ring", .setup = kb_ptr_ring_setup,
	  .step = kb_ptr_ring_step, .pop = kb_ptr_ring_pop,
	  .teardown = kb_ptr_ring_teardown },
	{ .name = "llist", .setup = kb_llist_setup, .step = kb_llist_step,
	  .drain = kb_llist_drain, .teardown = kb_free_q },
	{ .name = "spin_deque", .setup = kb_sdeque_setup,
	  .step = kb_sdeque_step, .pop = kb_sdeque_pop,
	  .teardown = kb_free_q, .owner = true },
#ifdef LFQ_HAVE_OBJPOOL
	{ .name = "objpool", .setup = kb_objpool_setup,
	  .step = kb_objpool_step, .drain = kb_objpool_drain,
	  .teardown = kb_objpool_teardown, .flags = KB_POOL },
#endif
	{ .name = "lfq_pool", .setup = kb_pool_setup, .step = kb_pool_step,
	  .drain = kb_pool_drain, .teardown = kb_pool_teardown,
	  .flags = KB_OURS | KB_POOL | KB_POOL_ONLY },
	{ .name = "pcpu_freelist", .setup = kb_pcpu_setup,
	  .step = kb_pcpu_step, .drain = kb_pcpu_drain,
	  .teardown = kb_pcpu_teardown, .flags = KB_POOL | KB_POOL_ONLY },
	{ .name = "lfq_hmap_read", .setup = kb_hmap_setup,
	  .step = kb_map_step, .drain = kb_map_drain,
	  .teardown = kb_map_teardown, .flags = KB_OURS | KB_MAP_READ },
	{ .name = "rhashtable_read", .setup = kb_rht_setup,
	  .step = kb_map_step, .drain = kb_map_drain,
	  .teardown = kb_map_teardown, .flags = KB_MAP_READ },
	{ .name = "lfq_hmap_update", .setup = kb_hmap_setup,
	  .step = kb_map_step, .drain = kb_map_drain,
	  .teardown = kb_map_teardown, .flags = KB_OURS | KB_MAP_UPDATE },
	{ .name = "rhashtable_update", .setup = kb_rht_setup,
	  .step = kb_map_step, .drain = kb_map_drain,
	  .teardown = kb_map_teardown, .flags = KB_MAP_UPDATE },
};

/* Every structure under test: the lfq kinds, then the baselines. */
static struct kb_kind *kb_kinds;
static unsigned int kb_nr_kinds;

/*
 * One entry per kind of the registry, one more ("<kind>_bulk32") for each
 * kind with push_many and pop_many, then kb_baselines[].
 */
static int kb_kinds_build(void)
{
	const struct lfq_kind *k;
	struct kb_kind *e;

	kb_kinds = kcalloc(2 * lfq_nr_kinds + ARRAY_SIZE(kb_baselines),
			   sizeof(*kb_kinds), GFP_KERNEL);
	if (!kb_kinds)
		return -ENOMEM;
	e = kb_kinds;
	lfq_for_each_kind(k) {
		strscpy(e->name, k->name, sizeof(e->name));
		e->lfq = k;
		e->setup = kb_lfq_setup;
		e->step = kb_lfq_step;
		/* owner-only push/pop: thread 0 owns, the others steal */
		if ((k->flags & LFQ_KIND_OWNER) && k->steal) {
			e->step = kb_lfq_owner_step;
			e->owner = true;
		}
		e->pop = k->pop;
		e->teardown = kb_lfq_teardown;
		if (k->push_many && k->pop_many) {
			e[1] = e[0];
			snprintf(e[1].name, sizeof(e[1].name), "%s_bulk%u",
				 k->name, KB_BULK);
			e[1].step = kb_lfq_bulk_step;
			e++;
		}
		e++;
	}
	memcpy(e, kb_baselines, sizeof(kb_baselines));
	kb_nr_kinds = e - kb_kinds + ARRAY_SIZE(kb_baselines);
	return 0;
}

/* Pop everything left in @run, adding to *@n and *@sum. */
static void kb_drain(struct kb_run *run, u64 *n, u64 *sum)
{
	const struct kb_kind *kind = run->kind;
	void *v;

	if (kind->drain) {
		kind->drain(run, n, sum);
		return;
	}
	while ((v = kind->pop(run->q))) {
		(*n)++;
		*sum += (unsigned long)v;
	}
}

/* Is @name in the comma-separated "tests" parameter (or is it "all")? */
static bool kb_selected(const char *name)
{
	const char *p = tests;
	size_t len = strlen(name);

	if (!p || !strcmp(p, "all"))
		return true;
	while (*p) {
		size_t tok = strcspn(p, ",");

		if (tok == len && !strncmp(p, name, len))
			return true;
		p += tok;
		if (*p == ',')
			p++;
	}
	return false;
}

static int kb_thread_fn(void *data)
{
	struct kb_thread *t = data;
	struct kb_run *run = t->run;
	unsigned int i;
	int ret = 0;

	atomic_inc(&run->ready);
	/* pairs with smp_store_release() of run->go in kb_run_one() */
	while (!smp_load_acquire(&run->go))
		cond_resched();

	for (;;) {
		for (i = 0; i < KB_BATCH; i++) {
			ret = run->kind->step(run, t);
			if (ret)
				goto out;
		}
		t->backlog_peak = max(t->backlog_peak, lfq_rcu_backlog());
		/* Lets RCU see a quiescent state on a non-preemptible kernel. */
		cond_resched();
		if (ktime_get_ns() >= run->deadline_ns)
			break;
	}
out:
	t->end_ns = ktime_get_ns();
	t->err = ret;
	if (atomic_dec_and_test(&run->running))
		complete(&run->done);
	return 0;
}

/* "a.bb" of @num / @den, for pr_info() (no floating point in the kernel). */
static void kb_ratio(char *buf, size_t size, u64 num, u64 den)
{
	u64 x100;

	if (!den) {
		strscpy(buf, "inf", size);
		return;
	}
	x100 = mul_u64_u64_div_u64(num, 100, den);
	snprintf(buf, size, "%llu.%02llu", x100 / 100, x100 % 100);
}

/*
 * kb_run_one - run @kind with @nthreads threads for @ms milliseconds
 *
 * Return: 0 (figures in *@res), -EIO if the conservation check failed, or
 * another negative errno if the run could not be set up.
 */
static int kb_run_one(const struct kb_kind *kind, unsigned int nthreads,
		      unsigned int ms, bool storm, struct kb_result *res)
{
	u64 pushes = 0, pops = 0, push_sum = 0, pop_sum = 0, empty = 0;
	u64 full = 0, drained = 0, drain_sum = 0, end = 0, other = 0, bad = 0;
	unsigned long backlog_peak = 0;
	struct kb_run *run;
	unsigned int i, cpu;
	int ret = 0;
	bool ok;

	run = kzalloc(struct_size(run, thr, nthreads), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	run->kind = kind;
	run->nthreads = nthreads;
	run->storm = storm;
	atomic_set(&run->ready, 0);
	atomic_set(&run->running, nthreads);
	init_completion(&run->done);

	ret = kind->setup(run);
	if (ret)
		goto free_run;

	i = 0;
	for_each_online_cpu(cpu) {
		struct kb_thread *t;

		if (i == nthreads)
			break;
		t = kzalloc(sizeof(*t), GFP_KERNEL);
		if (!t) {
			ret = -ENOMEM;
			break;
		}
		t->run = run;
		t->id = i;
		t->next_val = i + 1;
		t->rnd = 0x9e3779b97f4a7c15ULL * (i + 1) + kb_rep;
		t->task = kthread_create_on_cpu(kb_thread_fn, t, cpu,
						"lfq_bench/%u");
		if (IS_ERR(t->task)) {
			ret = PTR_ERR(t->task);
			kfree(t);
			break;
		}
		/* The thread may exit before kthread_stop(): keep its task. */
		get_task_struct(t->task);
		run->thr[i++] = t;
	}
	if (!ret && i < nthreads)
		ret = -ENODEV;	/* CPUs went offline */
	if (ret) {
		/* Never woken: kthread_stop() makes them exit unrun. */
		while (i--) {
			kthread_stop(run->thr[i]->task);
			put_task_struct(run->thr[i]->task);
			kfree(run->thr[i]);
		}
		goto teardown;
	}

	for (i = 0; i < nthreads; i++)
		wake_up_process(run->thr[i]->task);
	while (atomic_read(&run->ready) < nthreads)
		schedule_timeout_uninterruptible(1);
	run->start_ns = ktime_get_ns();
	run->deadline_ns = run->start_ns + (u64)ms * NSEC_PER_MSEC;
	/* pairs with smp_load_acquire() of run->go in kb_thread_fn() */
	smp_store_release(&run->go, 1);
	wait_for_completion(&run->done);

	for (i = 0; i < nthreads; i++) {
		struct kb_thread *t = run->thr[i];

		kthread_stop(t->task);
		put_task_struct(t->task);
		pushes += t->pushes;
		pops += t->pops;
		push_sum += t->push_sum;
		pop_sum += t->pop_sum;
		empty += t->empty;
		full += t->full;
		other += t->other;
		bad += t->bad;
		end = max(end, t->end_ns);
		backlog_peak = max(backlog_peak, t->backlog_peak);
		if (t->err && !ret)
			ret = t->err;
		kfree(t);
	}

	kb_drain(run, &drained, &drain_sum);
	ok = run->prefill_n + pushes == pops + drained &&
	     run->prefill_sum + push_sum == pop_sum + drain_sum && !bad;
	pr_info("check name=%s threads=%u rep=%u pushed=%llu popped=%llu drained=%llu prefill=%llu empty=%llu full=%llu wrong_values=%llu result=%s\n",
		kind->name, nthreads, kb_rep, pushes, pops, drained,
		run->prefill_n,
		empty, full, bad, ok ? "ok" : "FAIL");
	if (!ok) {
		kb_failed++;
		ret = -EIO;
	}

	res->ops = pushes + pops + other;
	res->backlog_peak = backlog_peak;
	res->elapsed_ns = max(end - run->start_ns, 1ULL);
	res->ops_per_s = mul_u64_u64_div_u64(res->ops, NSEC_PER_SEC,
					     res->elapsed_ns);
	if (storm)
		pr_info("backlog name=%s threads=%u storm_ms=%u peak_nodes=%lu peak_bytes=%lu node_bytes=%zu now_nodes=%lu ops=%llu\n",
			kind->name, nthreads, ms, backlog_peak,
			backlog_peak * kind->lfq->node_size,
			kind->lfq->node_size, lfq_rcu_backlog(), res->ops);

teardown:
	kind->teardown(run);
free_run:
	kfree(run);
	return ret;
}

/* Which table of bench-report.sh a structure's figures go to. */
static const char *kb_group(const struct kb_kind *kind)
{
	if (kind->flags & KB_MAP_READ)
		return "map_read";
	if (kind->flags & KB_MAP_UPDATE)
		return "map_update";
	if (kind->flags & KB_POOL)
		return "pool";
	return kind->owner ? "deque" : "queue";
}

static void kb_print_result(const struct kb_kind *kind, unsigned int nthreads,
			    const struct kb_result *res)
{
	u64 ns_x10 = res->ops ?
		mul_u64_u64_div_u64(res->elapsed_ns * 10, nthreads, res->ops) :
		0;

	pr_info("run name=%s kind=%s group=%s threads=%u rep=%u ops=%llu elapsed_ns=%llu ops_per_s=%llu ns_per_op=%llu.%llu backlog_peak=%lu\n",
		kind->name, kb_is_lfq(kind) ? "lfq" : "kernel", kb_group(kind),
		nthreads, kb_rep, res->ops,
		res->elapsed_ns, res->ops_per_s, ns_x10 / 10, ns_x10 % 10,
		res->backlog_peak);
}

/* One pass of every selected structure with @nthreads, then the ratios. */
static void kb_pass(unsigned int nthreads)
{
	struct kb_result *res;
	unsigned int i, j;
	char buf[32];

	res = kcalloc(kb_nr_kinds, sizeof(*res), GFP_KERNEL);
	if (!res) {
		kb_failed++;
		return;
	}
	for (i = 0; i < kb_nr_kinds; i++) {
		int ret;

		if (!kb_selected(kb_kinds[i].name))
			continue;
		ret = kb_run_one(&kb_kinds[i], nthreads, duration_ms, false,
				 &res[i]);
		if (ret) {
			pr_info("error name=%s threads=%u err=%d\n",
				kb_kinds[i].name, nthreads, ret);
			if (ret != -EIO)
				kb_failed++;
			memset(&res[i], 0, sizeof(res[i]));
			continue;
		}
		kb_print_result(&kb_kinds[i], nthreads, &res[i]);
	}
	for (i = 0; i < kb_nr_kinds; i++) {
		if (!kb_is_lfq(&kb_kinds[i]) || !res[i].ops_per_s)
			continue;
		for (j = 0; j < kb_nr_kinds; j++) {
			if (!kb_compares(&kb_kinds[i], &kb_kinds[j]) ||
			    !res[j].ops_per_s ||
			    kb_kinds[j].owner != kb_kinds[i].owner)
				continue;
			kb_ratio(buf, sizeof(buf), res[i].ops_per_s,
				 res[j].ops_per_s);
			pr_info("ratio name=%s base=%s threads=%u rep=%u ratio=%s\n",
				kb_kinds[i].name, kb_kinds[j].name, nthreads,
				kb_rep, buf);
		}
	}
	kfree(res);
}

static unsigned long kb_slab_pages(void)
{
	return global_node_page_state_pages(NR_SLAB_UNRECLAIMABLE_B);
}

static unsigned long kb_free_pages(void)
{
	return global_zone_page_state(NR_FREE_PAGES);
}

/*
 * Kernel memory per queued message of lfq kind @k, measured while @mem_msgs
 * values are queued (per-CPU vmstat deltas make it approximate; more
 * messages, less error): for a kind that allocates a node per value, the
 * growth of the slab page count during the pushes, per value; for the
 * others, which allocate at init, the pages taken from the free lists by
 * init and the pushes, per value or, for a bounded kind (given a capacity
 * of at least KB_MEM_SLOTS), per slot.
 */
static void kb_mem_kind(const struct lfq_kind *k)
{
	bool nodes = k->flags & LFQ_KIND_NODES;
	unsigned long before, after;
	unsigned int cap = 0, per, n;
	u64 drained = 0, x10;
	bool live;
	void *c;
	int ret;

	if (k->flags & LFQ_KIND_BOUNDED)
		cap = max_t(unsigned long, roundup_pow_of_two(mem_msgs),
			    KB_MEM_SLOTS);
	per = nodes || !cap ? mem_msgs : cap;
	c = kzalloc(k->size, GFP_KERNEL);
	if (!c) {
		kb_failed++;
		return;
	}
	rcu_barrier();
	before = nodes ? kb_slab_pages() : kb_free_pages();
	ret = k->init(c, cap, GFP_KERNEL);
	live = !ret;
	for (n = 0; n < mem_msgs && !ret; n++)
		ret = k->push(c, (void *)(unsigned long)(n + 1), GFP_KERNEL);
	after = nodes ? kb_slab_pages() : kb_free_pages();
	if (live) {
		while (k->pop(c))
			drained++;
		k->destroy(c, NULL);
	}
	kfree(c);
	rcu_barrier();
	if (ret || drained != mem_msgs) {
		pr_info("error name=%s mem push=%d drained=%llu\n",
			k->name, ret, drained);
		kb_failed++;
		return;
	}
	if (!nodes)
		swap(before, after);	/* free pages shrink */
	x10 = after > before ?
		div_u64((u64)(after - before) * PAGE_SIZE * 10, per) : 0;
	if (nodes)
		pr_info("mem name=%s struct_bytes=%zu measured_bytes_per_msg=%llu.%llu msgs=%u\n",
			k->name, k->node_size, x10 / 10, x10 % 10, per);
	else
		pr_info("mem name=%s struct_bytes=n/a measured_bytes_per_msg=%llu.%llu msgs=%u\n",
			k->name, x10 / 10, x10 % 10, per);
}

/* Memory per queued message of the lfq kinds, and of the baselines. */
static void kb_mem(void)
{
	const struct lfq_kind *k;
	struct kb_llist_node *lln;
	struct kb_list_node *ln;

	lfq_for_each_kind(k)
		if (kb_selected(k->name))
			kb_mem_kind(k);

	/* The baselines, for comparison: allocation size per message. */
	ln = kmalloc(sizeof(*ln), GFP_KERNEL);
	if (ln) {
		pr_info("mem name=spin_list struct_bytes=%zu measured_bytes_per_msg=%zu.0 msgs=1\n",
			sizeof(*ln), ksize(ln));
		kfree(ln);
	}
	lln = kmalloc(sizeof(*lln), GFP_KERNEL);
	if (lln) {
		pr_info("mem name=llist struct_bytes=%zu measured_bytes_per_msg=%zu.0 msgs=1\n",
			sizeof(*lln), ksize(lln));
		kfree(lln);
	}
	pr_info("mem name=kfifo struct_bytes=%zu measured_bytes_per_msg=%zu.0 msgs=%u\n",
		sizeof(void *), sizeof(void *), KB_CAPACITY);
	pr_info("mem name=ptr_ring struct_bytes=%zu measured_bytes_per_msg=%zu.0 msgs=%u\n",
		sizeof(void *), sizeof(void *), KB_CAPACITY);
}

static int __init lfq_bench_init(void)
{
	unsigned int nmax = num_online_cpus();
	unsigned int i;

	if (kb_kinds_build())
		return -ENOMEM;
	if (threads)
		nmax = min(threads, nmax);
	pr_info("start cpus=%u threads=%u duration_ms=%u repeat=%u storm_ms=%u mem_msgs=%u tests=%s\n",
		num_online_cpus(), nmax, duration_ms, repeat, storm_ms,
		mem_msgs, tests ? tests : "all");

	for (kb_rep = 0; duration_ms && kb_rep < repeat; kb_rep++) {
		kb_pass(1);
		if (nmax > 1)
			kb_pass(nmax);
	}
	if (mem_msgs)
		kb_mem();
	if (storm_ms) {
		for (i = 0; i < kb_nr_kinds; i++) {
			struct kb_result res;
			int ret;

			if (!kb_kinds[i].lfq ||
			    !(kb_kinds[i].lfq->flags & LFQ_KIND_RCU_NODES) ||
			    !kb_selected(kb_kinds[i].name))
				continue;
			ret = kb_run_one(&kb_kinds[i], nmax, storm_ms, true,
					 &res);
			if (ret) {
				pr_info("error name=%s storm err=%d\n",
					kb_kinds[i].name, ret);
				if (ret != -EIO)
					kb_failed++;
			}
		}
		rcu_barrier();
		synchronize_rcu();
		pr_info("backlog name=all after_rcu_barrier_nodes=%lu\n",
			lfq_rcu_backlog());
	}

	pr_info("done result=%s failed=%d\n", kb_failed ? "FAIL" : "ok",
		kb_failed);
	kfree(kb_kinds);
	/*
	 * Nothing to keep loaded: fail the load once the figures are out,
	 * with -EAGAIN when every check held.
	 */
	return kb_failed ? -EIO : -EAGAIN;
}

module_init(lfq_bench_init);

MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(LFQ_NS);
MODULE_DESCRIPTION("lfq benchmark against the kernel's own queues");

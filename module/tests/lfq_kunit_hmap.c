// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite lfq_hmap: the lock-free hash map (struct lfq_hmap)
 *
 * hmap_api: every errno and the semantics of each call, on 8 buckets and
 * at the bucket-count limits.  hmap_one_bucket: every key in one list,
 * inserted and deleted in scrambled orders.  hmap_reclaim: deleted nodes
 * wait for a grace period, counted by lfq_rcu_backlog(), and are freed
 * after rcu_barrier().  hmap_kthreads and hmap_hardirq: kthreads (two per
 * online CPU, at least four) insert, delete and look up random keys of a
 * small range, the second with a hard-irq hrtimer doing the same
 * (GFP_ATOMIC inserts) on top; checked per key and per value as described
 * at struct lfq_kt_hmap_run.
 *
 * Its own module, lfq_kunit_hmap.ko, beside lfq_kunit.ko: a client of
 * lfq.h and lfq.ko's exports like any other.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/hash.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "lfq.h"

static unsigned int hmap_ops = 4000;
module_param(hmap_ops, uint, 0444);
MODULE_PARM_DESC(hmap_ops, "operations of each hmap stress kthread (default 4000)");

static unsigned int hmap_timeout = 120;
module_param(hmap_timeout, uint, 0444);
MODULE_PARM_DESC(hmap_timeout, "seconds before a stuck hmap stress case gives up (default 120)");

/* Keys of the stress cases: few, so that every key is contended. */
#define LFQ_KT_HMAP_KEYS	32
/* Period of the hard-irq updater in hmap_hardirq. */
#define LFQ_KT_HMAP_IRQ_NS	(50 * NSEC_PER_USEC)

/* a key's value in the single-threaded cases: never NULL, one per key */
static void *lfq_kt_hmap_val(unsigned long key)
{
	return (void *)(uintptr_t)(key * 2 + 1);
}

struct lfq_kt_hmap_tally {
	unsigned long n;
	unsigned long sum;
};

static struct lfq_kt_hmap_tally lfq_kt_hmap_released;

static void lfq_kt_hmap_count_release(void *val)
{
	lfq_kt_hmap_released.n++;
	lfq_kt_hmap_released.sum += (uintptr_t)val;
}

static void hmap_api(struct kunit *test)
{
	static const unsigned int bad[] = {
		0, 3, 6, 1000, LFQ_HMAP_MAX_BUCKETS + 1,
		LFQ_HMAP_MAX_BUCKETS * 2, ~0U
	};
	static const unsigned long edge[] = { 0, 1, ~0UL, ~0UL - 1,
					      1UL << (BITS_PER_LONG - 1) };
	struct lfq_hmap *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	int a, b, err;
	size_t i;

	KUNIT_ASSERT_NOT_NULL(test, m);
	lfq_kt_hmap_released.n = 0;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(m, 0x5a, sizeof(*m));
		KUNIT_EXPECT_EQ_MSG(test, lfq_hmap_init(m, bad[i], GFP_KERNEL),
				    -EINVAL, "%u buckets", bad[i]);
		lfq_hmap_destroy(m, lfq_kt_hmap_count_release);
	}
	/*
	 * The largest array (one word per bucket) cannot come from kmalloc,
	 * and on 6.1 and 6.12 GFP_NOWAIT keeps kvmalloc from vmalloc:
	 * -ENOMEM, quietly (the guest run fails on any warning).  Later
	 * kernels may vmalloc without sleeping and succeed.
	 */
	memset(m, 0x5a, sizeof(*m));
	err = lfq_hmap_init(m, LFQ_HMAP_MAX_BUCKETS, GFP_NOWAIT);
	KUNIT_EXPECT_TRUE_MSG(test, err == -ENOMEM || !err, "err %d", err);
	lfq_hmap_destroy(m, lfq_kt_hmap_count_release);
	KUNIT_EXPECT_EQ(test, lfq_kt_hmap_released.n, 0UL);

	KUNIT_ASSERT_EQ(test, lfq_hmap_init(m, 8, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, lfq_hmap_count(m), 0UL);
	KUNIT_EXPECT_NULL(test, lfq_hmap_lookup(m, 1));
	KUNIT_EXPECT_NULL(test, lfq_hmap_delete(m, 1));
	KUNIT_EXPECT_EQ(test, lfq_hmap_insert(m, 1, NULL, GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_NULL(test, lfq_hmap_lookup(m, 1));
	KUNIT_EXPECT_EQ(test, lfq_hmap_insert(m, 1, &a, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, lfq_hmap_insert(m, 1, &b, GFP_KERNEL), -EEXIST);
	KUNIT_EXPECT_EQ(test, lfq_hmap_insert(m, 1, &a, GFP_ATOMIC), -EEXIST);
	KUNIT_EXPECT_PTR_EQ(test, lfq_hmap_lookup(m, 1), (void *)&a);
	KUNIT_EXPECT_EQ(test, lfq_hmap_count(m), 1UL);
	KUNIT_EXPECT_NULL(test, lfq_hmap_delete(m, 2));
	KUNIT_EXPECT_PTR_EQ(test, lfq_hmap_delete(m, 1), (void *)&a);
	KUNIT_EXPECT_NULL(test, lfq_hmap_lookup(m, 1));
	KUNIT_EXPECT_NULL(test, lfq_hmap_delete(m, 1));
	KUNIT_EXPECT_EQ(test, lfq_hmap_count(m), 0UL);
	KUNIT_EXPECT_EQ(test, lfq_hmap_insert(m, 1, &b, GFP_KERNEL), 0);
	KUNIT_EXPECT_PTR_EQ(test, lfq_hmap_lookup(m, 1), (void *)&b);

	for (i = 0; i < ARRAY_SIZE(edge); i++)
		KUNIT_EXPECT_EQ(test, lfq_hmap_insert(m, edge[i],
						      lfq_kt_hmap_val(edge[i]),
						      GFP_KERNEL),
				i == 1 ? -EEXIST : 0);
	for (i = 0; i < ARRAY_SIZE(edge); i++)
		KUNIT_EXPECT_PTR_EQ(test, lfq_hmap_lookup(m, edge[i]),
				    i == 1 ? (void *)&b :
				    lfq_kt_hmap_val(edge[i]));
	KUNIT_EXPECT_EQ(test, lfq_hmap_count(m), (unsigned long)ARRAY_SIZE(edge));
	KUNIT_EXPECT_PTR_EQ(test, lfq_hmap_delete(m, edge[0]),
			    lfq_kt_hmap_val(edge[0]));
	/* destroy releases what is left, each value once */
	lfq_kt_hmap_released.n = 0;
	lfq_kt_hmap_released.sum = 0;
	lfq_hmap_destroy(m, lfq_kt_hmap_count_release);
	KUNIT_EXPECT_EQ(test, lfq_kt_hmap_released.n,
			(unsigned long)ARRAY_SIZE(edge) - 1);
	KUNIT_EXPECT_EQ(test, lfq_kt_hmap_released.sum,
			(unsigned long)(uintptr_t)&b +
			(uintptr_t)lfq_kt_hmap_val(edge[2]) +
			(uintptr_t)lfq_kt_hmap_val(edge[3]) +
			(uintptr_t)lfq_kt_hmap_val(edge[4]));
	lfq_hmap_destroy(m, lfq_kt_hmap_count_release);
	KUNIT_EXPECT_EQ(test, lfq_kt_hmap_released.n,
			(unsigned long)ARRAY_SIZE(edge) - 1);

	KUNIT_ASSERT_EQ(test, lfq_hmap_init(m, 1, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, lfq_hmap_insert(m, 7, &a, GFP_KERNEL), 0);
	KUNIT_EXPECT_PTR_EQ(test, lfq_hmap_lookup(m, 7), (void *)&a);
	lfq_hmap_destroy(m, NULL);
}

/* the i-th of @n keys in a scrambled order (@n not a multiple of 7919) */
static unsigned long lfq_kt_hmap_key(unsigned long i, unsigned long n)
{
	return (i * 7919) % n * PAGE_SIZE;	/* like object addresses */
}

static void hmap_one_bucket(struct kunit *test)
{
	struct lfq_hmap *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	const unsigned long n = 300;
	unsigned long i, key, left = 0;

	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_ASSERT_EQ(test, lfq_hmap_init(m, 1, GFP_KERNEL), 0);
	for (i = 0; i < n; i++) {
		key = lfq_kt_hmap_key(i, n);
		KUNIT_EXPECT_EQ(test, lfq_hmap_insert(m, key,
						      lfq_kt_hmap_val(key),
						      GFP_KERNEL), 0);
	}
	KUNIT_EXPECT_EQ(test, lfq_hmap_count(m), n);
	for (i = 0; i < n; i++) {
		key = i * PAGE_SIZE;
		KUNIT_EXPECT_PTR_EQ(test, lfq_hmap_lookup(m, key),
				    lfq_kt_hmap_val(key));
		KUNIT_EXPECT_NULL(test, lfq_hmap_lookup(m, key + 1));
		KUNIT_EXPECT_EQ(test, lfq_hmap_insert(m, key, m, GFP_KERNEL),
				-EEXIST);
	}
	/* delete every third key, from the top down */
	for (i = n; i-- > 0;)
		if (i % 3 == 0)
			KUNIT_EXPECT_PTR_EQ(test,
					    lfq_hmap_delete(m, i * PAGE_SIZE),
					    lfq_kt_hmap_val(i * PAGE_SIZE));
	for (i = 0; i < n; i++) {
		key = i * PAGE_SIZE;
		KUNIT_EXPECT_PTR_EQ(test, lfq_hmap_lookup(m, key),
				    i % 3 ? lfq_kt_hmap_val(key) : NULL);
		left += !!(i % 3);
	}
	KUNIT_EXPECT_EQ(test, lfq_hmap_count(m), left);
	lfq_kt_hmap_released.n = 0;
	lfq_hmap_destroy(m, lfq_kt_hmap_count_release);
	KUNIT_EXPECT_EQ(test, lfq_kt_hmap_released.n, left);
}

/*
 * The nodes deletes unlink wait for a grace period: inside a read-side
 * section none can end, so all of them are counted by lfq_rcu_backlog();
 * after rcu_barrier() the backlog is back where it started.
 */
static void hmap_reclaim(struct kunit *test)
{
	struct lfq_hmap *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	const unsigned long n = 500;
	unsigned long i, start, during, wrong = 0;

	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_ASSERT_EQ(test, lfq_hmap_init(m, 64, GFP_KERNEL), 0);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, lfq_hmap_insert(m, i, lfq_kt_hmap_val(i),
						      GFP_KERNEL), 0);
	rcu_barrier();
	synchronize_rcu();
	start = lfq_rcu_backlog();
	/* (no KUNIT_EXPECT in the section: a failing one may sleep) */
	rcu_read_lock();
	for (i = 0; i < n; i++)
		wrong += lfq_hmap_delete(m, i) != lfq_kt_hmap_val(i);
	during = lfq_rcu_backlog();
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, wrong, 0UL);
	KUNIT_EXPECT_GE(test, during, start + n);
	KUNIT_EXPECT_EQ(test, lfq_hmap_count(m), 0UL);
	rcu_barrier();
	synchronize_rcu();
	KUNIT_EXPECT_EQ(test, lfq_rcu_backlog(), start);
	lfq_kt_hmap_released.n = 0;
	lfq_hmap_destroy(m, lfq_kt_hmap_count_release);
	KUNIT_EXPECT_EQ(test, lfq_kt_hmap_released.n, 0UL);
}

/**
 * struct lfq_kt_hmap_run - one run of hmap_kthreads or hmap_hardirq
 * @m: the map
 * @ops: operations of each updater (kthreads and the timer)
 * @nr: updaters; the timer, if any, is the last
 * @deadline: jiffies after which the kthreads give up
 * @gate: released when every kthread exists
 * @live: one bit per value an updater may insert: set by the inserter
 *	before the insert (cleared on failure), cleared by the delete that
 *	returns the value, or by destroy's release
 * @ins: per key, successful inserts
 * @del: per key, deletes that returned a value
 * @bad: values returned for another key, never inserted, or errors
 * @doubles: values returned by two deletes (or a delete and destroy)
 * @hits: lookups that found a value
 * @timer: the hard-irq updater (hmap_hardirq only)
 * @irq_calls: timer callbacks (only the callback writes the irq_ fields)
 * @irq_hard: those in hard interrupt context
 * @irq_seq: the timer's operations so far
 * @irq_ins: per key, the timer's successful inserts
 * @irq_del: per key, the timer's deletes that returned a value
 * @irq_stop: set to end the timer
 *
 * Value v of updater u's operation s is bit b = u * @ops + s, plus 1, and
 * has the key lfq_kt_hmap_key_of(b): a returned value decodes to the key
 * it must have been inserted under.
 */
struct lfq_kt_hmap_run {
	struct lfq_hmap m;
	unsigned long ops;
	unsigned int nr;
	unsigned long deadline;
	struct completion gate;
	unsigned long *live;
	atomic_long_t ins[LFQ_KT_HMAP_KEYS], del[LFQ_KT_HMAP_KEYS];
	atomic_long_t bad, doubles, hits;
	struct hrtimer timer;
	unsigned long irq_calls, irq_hard, irq_seq;
	long irq_ins[LFQ_KT_HMAP_KEYS], irq_del[LFQ_KT_HMAP_KEYS];
	bool irq_stop;
};

struct lfq_kt_hmap_thread {
	struct lfq_kt_hmap_run *run;
	struct task_struct *task;
	struct completion done;
	unsigned int id;
};

static unsigned long lfq_kt_hmap_key_of(unsigned long bit)
{
	return hash_32(bit, 16) % LFQ_KT_HMAP_KEYS;
}

/* The bit of @v, or ULONG_MAX if no updater can have inserted @v. */
static unsigned long lfq_kt_hmap_bit(struct lfq_kt_hmap_run *run, void *v)
{
	unsigned long bit = (uintptr_t)v - 1;

	return bit < run->nr * run->ops ? bit : ULONG_MAX;
}

/*
 * Operation @seq of updater @id: insert, delete or look up the key of
 * bit (@id, @seq).  Counts into @ins and @del, per key.
 */
static void lfq_kt_hmap_op(struct lfq_kt_hmap_run *run, unsigned int id,
			   unsigned long seq, long *ins, long *del, gfp_t gfp)
{
	unsigned long bit = id * run->ops + seq, key, got;
	void *v;
	int ret;

	key = lfq_kt_hmap_key_of(bit);
	switch (hash_32(bit, 8) % 3) {
	case 0:
		set_bit(bit, run->live);
		ret = lfq_hmap_insert(&run->m, key, (void *)(uintptr_t)(bit + 1),
				      gfp);
		if (!ret) {
			ins[key]++;
			return;
		}
		clear_bit(bit, run->live);
		if (ret != -EEXIST && ret != -ENOMEM)
			atomic_long_inc(&run->bad);
		return;
	case 1:
		v = lfq_hmap_delete(&run->m, key);
		if (!v)
			return;
		del[key]++;
		got = lfq_kt_hmap_bit(run, v);
		if (got == ULONG_MAX || lfq_kt_hmap_key_of(got) != key)
			atomic_long_inc(&run->bad);
		else if (!test_and_clear_bit(got, run->live))
			atomic_long_inc(&run->doubles);
		return;
	default:
		v = lfq_hmap_lookup(&run->m, key);
		if (!v)
			return;
		atomic_long_inc(&run->hits);
		got = lfq_kt_hmap_bit(run, v);
		if (got == ULONG_MAX || lfq_kt_hmap_key_of(got) != key)
			atomic_long_inc(&run->bad);
	}
}

static int lfq_kt_hmap_thread(void *arg)
{
	struct lfq_kt_hmap_thread *t = arg;
	struct lfq_kt_hmap_run *run = t->run;
	long ins[LFQ_KT_HMAP_KEYS] = { 0 }, del[LFQ_KT_HMAP_KEYS] = { 0 };
	unsigned long seq;
	unsigned int k;

	wait_for_completion(&run->gate);
	for (seq = 0; seq < run->ops; seq++) {
		lfq_kt_hmap_op(run, t->id, seq, ins, del, GFP_KERNEL);
		if (!(seq % 64)) {
			if (time_after(jiffies, run->deadline))
				break;
			cond_resched();
		}
	}
	for (k = 0; k < LFQ_KT_HMAP_KEYS; k++) {
		atomic_long_add(ins[k], &run->ins[k]);
		atomic_long_add(del[k], &run->del[k]);
	}
	kthread_complete_and_exit(&t->done, 0);
}

/* In hard interrupt context: a few operations per tick, GFP_ATOMIC. */
static enum hrtimer_restart lfq_kt_hmap_irq(struct hrtimer *timer)
{
	struct lfq_kt_hmap_run *run = container_of(timer,
						   struct lfq_kt_hmap_run,
						   timer);
	unsigned int i;

	run->irq_calls++;
	if (in_hardirq())
		run->irq_hard++;
	for (i = 0; i < 4 && run->irq_seq < run->ops; i++)
		lfq_kt_hmap_op(run, run->nr - 1, run->irq_seq++, run->irq_ins,
			       run->irq_del, GFP_ATOMIC);
	if (READ_ONCE(run->irq_stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, ns_to_ktime(LFQ_KT_HMAP_IRQ_NS));
	return HRTIMER_RESTART;
}

static struct lfq_kt_hmap_run *lfq_kt_hmap_cur;

/* destroy's release: the value must still have been live */
static void lfq_kt_hmap_release(void *v)
{
	struct lfq_kt_hmap_run *run = lfq_kt_hmap_cur;
	unsigned long bit = lfq_kt_hmap_bit(run, v);

	if (bit == ULONG_MAX)
		atomic_long_inc(&run->bad);
	else if (!test_and_clear_bit(bit, run->live))
		atomic_long_inc(&run->doubles);
}

static void lfq_kt_hmap_stress(struct kunit *test, unsigned int nr_buckets,
			       bool use_irq)
{
	unsigned int nr_threads = 2 * max(num_online_cpus(), 2U);
	unsigned long present = 0, updates = 0, k;
	struct lfq_kt_hmap_thread *threads;
	struct lfq_kt_hmap_run *run;
	unsigned int i, created = 0;
	ktime_t start;
	long d;

	run = kunit_kzalloc(test, sizeof(*run), GFP_KERNEL);
	threads = kunit_kcalloc(test, nr_threads, sizeof(*threads),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, run);
	KUNIT_ASSERT_NOT_NULL(test, threads);
	run->ops = max(hmap_ops, 1U);
	run->nr = nr_threads + use_irq;
	run->live = kunit_kcalloc(test, BITS_TO_LONGS(run->nr * run->ops),
				  sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, run->live);
	KUNIT_ASSERT_EQ(test, lfq_hmap_init(&run->m, nr_buckets, GFP_KERNEL),
			0);
	init_completion(&run->gate);
	for (i = 0; i < nr_threads; i++) {
		threads[i].run = run;
		threads[i].id = i;
		init_completion(&threads[i].done);
		threads[i].task = kthread_run(lfq_kt_hmap_thread, &threads[i],
					      "lfq_kt_hmap%u", i);
		if (IS_ERR(threads[i].task))
			break;
		created++;
	}
	if (use_irq) {
		hrtimer_init(&run->timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_HARD);
		run->timer.function = lfq_kt_hmap_irq;
		hrtimer_start(&run->timer, ns_to_ktime(LFQ_KT_HMAP_IRQ_NS),
			      HRTIMER_MODE_REL_HARD);
	}
	start = ktime_get();
	run->deadline = jiffies + hmap_timeout * HZ;
	complete_all(&run->gate);
	for (i = 0; i < created; i++)
		wait_for_completion(&threads[i].done);
	if (use_irq) {
		WRITE_ONCE(run->irq_stop, true);
		hrtimer_cancel(&run->timer);
		for (k = 0; k < LFQ_KT_HMAP_KEYS; k++) {
			atomic_long_add(run->irq_ins[k], &run->ins[k]);
			atomic_long_add(run->irq_del[k], &run->del[k]);
		}
	}
	for (k = 0; k < LFQ_KT_HMAP_KEYS; k++) {
		long ins = atomic_long_read(&run->ins[k]);
		long del = atomic_long_read(&run->del[k]);

		d = ins - del;
		updates += ins + del;
		KUNIT_EXPECT_TRUE_MSG(test, d == 0 || d == 1,
				      "key %lu: %ld inserts, %ld deletes", k,
				      ins, del);
		KUNIT_EXPECT_EQ_MSG(test, !lfq_hmap_lookup(&run->m, k), !d,
				    "key %lu: inserts - deletes %ld", k, d);
		present += d;
	}
	kunit_info(test, "%u buckets, %u kthreads x %lu ops: %lu inserts + deletes, %ld lookup hits in %lld ms",
		   nr_buckets, created, run->ops, updates,
		   atomic_long_read(&run->hits),
		   ktime_ms_delta(ktime_get(), start));
	KUNIT_EXPECT_EQ(test, created, nr_threads);
	KUNIT_EXPECT_FALSE(test, time_after(jiffies, run->deadline));
	KUNIT_EXPECT_EQ(test, lfq_hmap_count(&run->m), present);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&run->bad), 0L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&run->doubles), 0L);
	KUNIT_EXPECT_GT(test, updates, 0UL);
	KUNIT_EXPECT_GT(test, atomic_long_read(&run->hits), 0L);
	if (use_irq) {
		kunit_info(test, "hrtimer: %lu calls (%lu in hardirq), %lu ops",
			   run->irq_calls, run->irq_hard, run->irq_seq);
		KUNIT_EXPECT_GT(test, run->irq_calls, 0UL);
		KUNIT_EXPECT_EQ(test, run->irq_hard, run->irq_calls);
		KUNIT_EXPECT_GT(test, run->irq_seq, 0UL);
	}
	/* conservation: every live value released by destroy, once */
	lfq_kt_hmap_cur = run;
	lfq_hmap_destroy(&run->m, lfq_kt_hmap_release);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&run->bad), 0L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&run->doubles), 0L);
	KUNIT_EXPECT_TRUE_MSG(test, bitmap_empty(run->live,
						 run->nr * run->ops),
			      "%u inserted values neither deleted nor released",
			      bitmap_weight(run->live, run->nr * run->ops));
}

static void hmap_kthreads(struct kunit *test)
{
	lfq_kt_hmap_stress(test, 1, false);
	lfq_kt_hmap_stress(test, 16, false);
}

static void hmap_hardirq(struct kunit *test)
{
	lfq_kt_hmap_stress(test, 1, true);
	lfq_kt_hmap_stress(test, 16, true);
}

/* KUNIT_CASE_SLOW where KUnit has speeds. */
#ifdef KUNIT_CASE_SLOW
#define LFQ_KT_HMAP_SLOW(fn)	KUNIT_CASE_SLOW(fn)
#else
#define LFQ_KT_HMAP_SLOW(fn)	KUNIT_CASE(fn)
#endif

static struct kunit_case lfq_kt_hmap_cases[] = {
	KUNIT_CASE(hmap_api),
	KUNIT_CASE(hmap_one_bucket),
	KUNIT_CASE(hmap_reclaim),
	LFQ_KT_HMAP_SLOW(hmap_kthreads),
	LFQ_KT_HMAP_SLOW(hmap_hardirq),
	{}
};

static struct kunit_suite lfq_kt_hmap_suite = {
	.name = "lfq_hmap",
	.test_cases = lfq_kt_hmap_cases,
};

kunit_test_suites(&lfq_kt_hmap_suite);

MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(LFQ_NS);
MODULE_DESCRIPTION("KUnit tests for the lfq lock-free hash map");

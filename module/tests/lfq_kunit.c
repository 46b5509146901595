// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the lfq containers
 *
 * One suite per container: lfq_msq, lfq_stack, lfq_ring and lfq_tlq.  The
 * cases common to all four are written once against a small table of
 * operations (struct lfq_kt_ops) that each suite's init hook puts in
 * test->priv; the ring has extra cases for its bounded, bulk and burst
 * operations and for pushing and popping from hard interrupt context.
 *
 * Values are the integers 1..N cast to pointers; the containers never
 * dereference them.  Value 1 + i belongs to producer i / per_prod and is
 * that producer's (i % per_prod)-th push, so a consumer can check both that
 * every value comes out exactly once (a bitmap) and that each producer's
 * values come out in the order they went in (FIFO containers only).
 *
 * The stress cases run one producer and one consumer kthread per online
 * CPU (at least two of each), released together by a completion, and check
 * conservation: everything pushed is either popped or handed to the release
 * callback by destroy, exactly once.  Their size is the module parameter
 * stress_values (values per producer); the default keeps each suite well
 * under 20 s on a KASAN+lockdep kernel running under TCG emulation.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/bitmap.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/irqflags.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "lfq.h"

static unsigned int stress_values = 4000;
module_param(stress_values, uint, 0444);
MODULE_PARM_DESC(stress_values, "values pushed by each stress producer (default 4000)");

static unsigned int stress_timeout = 120;
module_param(stress_timeout, uint, 0444);
MODULE_PARM_DESC(stress_timeout, "seconds before a stuck stress case gives up (default 120)");

/* Capacity of the ring in the stress cases: small, so it is often full. */
#define LFQ_KT_STRESS_RING	16
/* Period of the hard-irq pusher/popper in the ring stress. */
#define LFQ_KT_IRQ_PERIOD_NS	(200 * NSEC_PER_USEC)

/* Storage for any of the four containers. */
union lfq_kt_obj {
	struct lfq_msq msq;
	struct lfq_stack stack;
	struct lfq_ring ring;
	struct lfq_tlq tlq;
};

/**
 * struct lfq_kt_ops - one container, seen through a common interface
 * @fifo: values come out in the order they went in (else LIFO)
 * @bounded: push fails with -ENOSPC when @init's capacity is reached
 * @rcu: popped nodes wait for a grace period (counted by lfq_rcu_backlog())
 * @init: set up, with room for at least @capacity values where bounded
 * @destroy: drain, calling @release once per remaining value
 * @push: add one value
 * @pop: remove one value, NULL when empty
 * @empty: nothing to pop
 * @len: number of values held
 */
struct lfq_kt_ops {
	bool fifo;
	bool bounded;
	bool rcu;
	int (*init)(union lfq_kt_obj *o, unsigned int capacity, gfp_t gfp);
	void (*destroy)(union lfq_kt_obj *o, void (*release)(void *val));
	int (*push)(union lfq_kt_obj *o, void *val, gfp_t gfp);
	void *(*pop)(union lfq_kt_obj *o);
	bool (*empty)(union lfq_kt_obj *o);
	unsigned long (*len)(union lfq_kt_obj *o);
};

static int msq_init(union lfq_kt_obj *o, unsigned int capacity, gfp_t gfp)
{
	return lfq_msq_init(&o->msq, gfp);
}

static void msq_destroy(union lfq_kt_obj *o, void (*release)(void *val))
{
	lfq_msq_destroy(&o->msq, release);
}

static int msq_push(union lfq_kt_obj *o, void *val, gfp_t gfp)
{
	return lfq_msq_push(&o->msq, val, gfp);
}

static void *msq_pop(union lfq_kt_obj *o)
{
	return lfq_msq_pop(&o->msq);
}

static bool msq_empty(union lfq_kt_obj *o)
{
	return lfq_msq_empty(&o->msq);
}

static unsigned long msq_len(union lfq_kt_obj *o)
{
	return lfq_msq_len(&o->msq);
}

static const struct lfq_kt_ops lfq_kt_msq_ops = {
	.fifo = true,
	.rcu = true,
	.init = msq_init,
	.destroy = msq_destroy,
	.push = msq_push,
	.pop = msq_pop,
	.empty = msq_empty,
	.len = msq_len,
};

static int stack_init(union lfq_kt_obj *o, unsigned int capacity, gfp_t gfp)
{
	lfq_stack_init(&o->stack);
	return 0;
}

static void stack_destroy(union lfq_kt_obj *o, void (*release)(void *val))
{
	lfq_stack_destroy(&o->stack, release);
}

static int stack_push(union lfq_kt_obj *o, void *val, gfp_t gfp)
{
	return lfq_stack_push(&o->stack, val, gfp);
}

static void *stack_pop(union lfq_kt_obj *o)
{
	return lfq_stack_pop(&o->stack);
}

static bool stack_empty(union lfq_kt_obj *o)
{
	return lfq_stack_empty(&o->stack);
}

static unsigned long stack_len(union lfq_kt_obj *o)
{
	return lfq_stack_len(&o->stack);
}

static const struct lfq_kt_ops lfq_kt_stack_ops = {
	.rcu = true,
	.init = stack_init,
	.destroy = stack_destroy,
	.push = stack_push,
	.pop = stack_pop,
	.empty = stack_empty,
	.len = stack_len,
};

static int ring_init(union lfq_kt_obj *o, unsigned int capacity, gfp_t gfp)
{
	return lfq_ring_init(&o->ring, capacity, gfp);
}

static void ring_destroy(union lfq_kt_obj *o, void (*release)(void *val))
{
	lfq_ring_destroy(&o->ring, release);
}

static int ring_push(union lfq_kt_obj *o, void *val, gfp_t gfp)
{
	return lfq_ring_push(&o->ring, val);
}

static void *ring_pop(union lfq_kt_obj *o)
{
	return lfq_ring_pop(&o->ring);
}

static bool ring_empty(union lfq_kt_obj *o)
{
	return lfq_ring_empty(&o->ring);
}

static unsigned long ring_len(union lfq_kt_obj *o)
{
	return lfq_ring_len(&o->ring);
}

static const struct lfq_kt_ops lfq_kt_ring_ops = {
	.fifo = true,
	.bounded = true,
	.init = ring_init,
	.destroy = ring_destroy,
	.push = ring_push,
	.pop = ring_pop,
	.empty = ring_empty,
	.len = ring_len,
};

static int tlq_init(union lfq_kt_obj *o, unsigned int capacity, gfp_t gfp)
{
	return lfq_tlq_init(&o->tlq, gfp);
}

static void tlq_destroy(union lfq_kt_obj *o, void (*release)(void *val))
{
	lfq_tlq_destroy(&o->tlq, release);
}

static int tlq_push(union lfq_kt_obj *o, void *val, gfp_t gfp)
{
	return lfq_tlq_push(&o->tlq, val, gfp);
}

static void *tlq_pop(union lfq_kt_obj *o)
{
	return lfq_tlq_pop(&o->tlq);
}

static bool tlq_empty(union lfq_kt_obj *o)
{
	return lfq_tlq_empty(&o->tlq);
}

static unsigned long tlq_len(union lfq_kt_obj *o)
{
	return lfq_tlq_len(&o->tlq);
}

static const struct lfq_kt_ops lfq_kt_tlq_ops = {
	.fifo = true,
	.init = tlq_init,
	.destroy = tlq_destroy,
	.push = tlq_push,
	.pop = tlq_pop,
	.empty = tlq_empty,
	.len = tlq_len,
};

static void *lfq_kt_val(unsigned long idx)
{
	return (void *)(uintptr_t)(idx + 1);
}

static unsigned long lfq_kt_idx(const void *val)
{
	return (unsigned long)(uintptr_t)val - 1;
}

/**
 * struct lfq_kt_tally - who has seen which value
 * @nr: values lfq_kt_val(0) .. lfq_kt_val(@nr - 1) are valid
 * @seen: bitmap of the values seen so far
 * @dups: values seen more than once
 * @bogus: values that were never pushed (out of range, or NULL)
 * @released: values handed to lfq_kt_release()
 */
struct lfq_kt_tally {
	unsigned long nr;
	unsigned long *seen;
	atomic_long_t dups;
	atomic_long_t bogus;
	atomic_long_t released;
};

static bool lfq_kt_tally_add(struct lfq_kt_tally *t, void *val)
{
	unsigned long idx = lfq_kt_idx(val);

	if (idx >= t->nr) {
		atomic_long_inc(&t->bogus);
		return false;
	}
	if (test_and_set_bit(idx, t->seen)) {
		atomic_long_inc(&t->dups);
		return false;
	}
	return true;
}

static struct lfq_kt_tally *lfq_kt_tally_alloc(struct kunit *test,
					       unsigned long nr)
{
	struct lfq_kt_tally *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->nr = nr;
	t->seen = kunit_kcalloc(test, BITS_TO_LONGS(nr), sizeof(long),
				GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t->seen);
	return t;
}

/*
 * The release callback takes only the value, so the tally it records into
 * is passed through this pointer.  KUnit runs one case at a time, and only
 * the case's own thread calls destroy.
 */
static struct lfq_kt_tally *lfq_kt_release_tally;

static void lfq_kt_release(void *val)
{
	lfq_kt_tally_add(lfq_kt_release_tally, val);
	atomic_long_inc(&lfq_kt_release_tally->released);
}

static void lfq_kt_destroy(union lfq_kt_obj *o, const struct lfq_kt_ops *ops,
			   struct lfq_kt_tally *t)
{
	lfq_kt_release_tally = t;
	ops->destroy(o, lfq_kt_release);
	lfq_kt_release_tally = NULL;
}

static union lfq_kt_obj *lfq_kt_obj_alloc(struct kunit *test)
{
	union lfq_kt_obj *o;

	o = kunit_kzalloc(test, sizeof(*o), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, o);
	return o;
}

/*
 * A model of the container: values lfq_kt_val(0), lfq_kt_val(1), ... are
 * pushed in turn and kept in @buf as a FIFO (@head .. @tail) or a LIFO
 * (@head .. @tail, popped from @tail).
 */
struct lfq_kt_model {
	bool fifo;
	unsigned long next;
	unsigned long head;
	unsigned long tail;
	unsigned long buf[64];
};

static unsigned long lfq_kt_model_len(const struct lfq_kt_model *m)
{
	return m->tail - m->head;
}

static void *lfq_kt_model_push(struct lfq_kt_model *m)
{
	unsigned long idx = m->next++;

	m->buf[m->tail++ % ARRAY_SIZE(m->buf)] = idx;
	return lfq_kt_val(idx);
}

static void *lfq_kt_model_pop(struct lfq_kt_model *m)
{
	if (m->head == m->tail)
		return NULL;
	if (m->fifo)
		return lfq_kt_val(m->buf[m->head++ % ARRAY_SIZE(m->buf)]);
	return lfq_kt_val(m->buf[--m->tail % ARRAY_SIZE(m->buf)]);
}

/* A fresh container is empty, and destroying it releases nothing. */
static void empty_after_init(struct kunit *test)
{
	const struct lfq_kt_ops *ops = test->priv;
	union lfq_kt_obj *o = lfq_kt_obj_alloc(test);
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 1);

	KUNIT_ASSERT_EQ(test, ops->init(o, 8, GFP_KERNEL), 0);
	KUNIT_EXPECT_TRUE(test, ops->empty(o));
	KUNIT_EXPECT_EQ(test, ops->len(o), 0UL);
	KUNIT_EXPECT_NULL(test, ops->pop(o));
	KUNIT_EXPECT_NULL(test, ops->pop(o));
	KUNIT_EXPECT_TRUE(test, ops->empty(o));
	KUNIT_EXPECT_EQ(test, ops->len(o), 0UL);
	lfq_kt_destroy(o, ops, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released), 0L);

	/* Destroyed containers can be initialised again. */
	KUNIT_ASSERT_EQ(test, ops->init(o, 8, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, ops->push(o, lfq_kt_val(0), GFP_KERNEL), 0);
	KUNIT_EXPECT_PTR_EQ(test, ops->pop(o), lfq_kt_val(0));
	lfq_kt_destroy(o, ops, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released), 0L);
}

/* NULL is not a value: push refuses it and the container is unchanged. */
static void null_is_rejected(struct kunit *test)
{
	const struct lfq_kt_ops *ops = test->priv;
	union lfq_kt_obj *o = lfq_kt_obj_alloc(test);
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 1);

	KUNIT_ASSERT_EQ(test, ops->init(o, 8, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, ops->push(o, NULL, GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_TRUE(test, ops->empty(o));
	KUNIT_EXPECT_EQ(test, ops->len(o), 0UL);
	KUNIT_EXPECT_NULL(test, ops->pop(o));

	KUNIT_EXPECT_EQ(test, ops->push(o, lfq_kt_val(0), GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, ops->push(o, NULL, GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, ops->len(o), 1UL);
	KUNIT_EXPECT_PTR_EQ(test, ops->pop(o), lfq_kt_val(0));
	KUNIT_EXPECT_NULL(test, ops->pop(o));
	KUNIT_EXPECT_TRUE(test, ops->empty(o));
	lfq_kt_destroy(o, ops, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released), 0L);
}

/* Values come out in FIFO (or LIFO) order; len and empty follow. */
static void push_pop_order(struct kunit *test)
{
	const struct lfq_kt_ops *ops = test->priv;
	union lfq_kt_obj *o = lfq_kt_obj_alloc(test);
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 1);
	const unsigned long n = 64;
	unsigned long i, want;

	KUNIT_ASSERT_EQ(test, ops->init(o, n, GFP_KERNEL), 0);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, ops->push(o, lfq_kt_val(i), GFP_KERNEL),
				0);
		KUNIT_EXPECT_EQ(test, ops->len(o), i + 1);
		KUNIT_EXPECT_FALSE(test, ops->empty(o));
	}
	for (i = 0; i < n; i++) {
		want = ops->fifo ? i : n - 1 - i;
		KUNIT_EXPECT_PTR_EQ(test, ops->pop(o), lfq_kt_val(want));
		KUNIT_EXPECT_EQ(test, ops->len(o), n - 1 - i);
	}
	KUNIT_EXPECT_NULL(test, ops->pop(o));
	KUNIT_EXPECT_TRUE(test, ops->empty(o));
	lfq_kt_destroy(o, ops, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released), 0L);
}

/*
 * Many short rounds of pushes and pops against a model, never holding more
 * than four values: for the ring (capacity 4) that is over a thousand laps.
 */
static void many_laps(struct kunit *test)
{
	const struct lfq_kt_ops *ops = test->priv;
	union lfq_kt_obj *o = lfq_kt_obj_alloc(test);
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 1);
	struct lfq_kt_model *m;
	const unsigned long cap = 4;
	unsigned long round, k, errors = 0;

	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	m->fifo = ops->fifo;
	KUNIT_ASSERT_EQ(test, ops->init(o, cap, GFP_KERNEL), 0);
	/* fewer rounds where there are no laps to go round */
	for (round = 0; round < (ops->bounded ? 3000 : 500); round++) {
		unsigned long npush = 1 + round % 4, npop = 1 + (round * 7) % 4;

		for (k = 0; k < npush && lfq_kt_model_len(m) < cap; k++)
			if (ops->push(o, lfq_kt_model_push(m), GFP_KERNEL))
				errors++;
		/* a full ring turns the next push away */
		if (ops->bounded && lfq_kt_model_len(m) == cap &&
		    ops->push(o, lfq_kt_val(m->next), GFP_KERNEL) != -ENOSPC)
			errors++;
		for (k = 0; k < npop; k++)
			if (ops->pop(o) != lfq_kt_model_pop(m))
				errors++;
		if (ops->len(o) != lfq_kt_model_len(m) ||
		    ops->empty(o) != !lfq_kt_model_len(m))
			errors++;
		if (errors) {
			KUNIT_FAIL(test, "round %lu: %lu mismatches with the model",
				   round, errors);
			break;
		}
	}
	lfq_kt_destroy(o, ops, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released),
			(long)lfq_kt_model_len(m));
}

/*
 * destroy hands every value still held to the release callback exactly
 * once, and none of those already popped.
 */
static void destroy_drains(struct kunit *test)
{
	const struct lfq_kt_ops *ops = test->priv;
	union lfq_kt_obj *o = lfq_kt_obj_alloc(test);
	const unsigned long n = 40, popped = 11;
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, n);
	unsigned long i;
	void *val;

	KUNIT_ASSERT_EQ(test, ops->init(o, 64, GFP_KERNEL), 0);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, ops->push(o, lfq_kt_val(i), GFP_KERNEL),
				0);
	for (i = 0; i < popped; i++) {
		val = ops->pop(o);
		KUNIT_EXPECT_TRUE(test, lfq_kt_tally_add(t, val));
	}
	lfq_kt_destroy(o, ops, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released),
			(long)(n - popped));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->dups), 0L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->bogus), 0L);
	KUNIT_EXPECT_EQ(test, (unsigned long)bitmap_weight(t->seen, n), n);

	/* A NULL release callback is allowed: the values are just dropped. */
	KUNIT_ASSERT_EQ(test, ops->init(o, 64, GFP_KERNEL), 0);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, ops->push(o, lfq_kt_val(i), GFP_KERNEL),
				0);
	ops->destroy(o, NULL);
}

/* push (GFP_ATOMIC) and pop work with interrupts disabled. */
static void irqs_disabled_ops(struct kunit *test)
{
	const struct lfq_kt_ops *ops = test->priv;
	union lfq_kt_obj *o = lfq_kt_obj_alloc(test);
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 1);
	unsigned long flags;
	int ret1, ret2;
	void *v1, *v2, *v3;

	KUNIT_ASSERT_EQ(test, ops->init(o, 8, GFP_KERNEL), 0);
	local_irq_save(flags);
	ret1 = ops->push(o, lfq_kt_val(0), GFP_ATOMIC);
	ret2 = ops->push(o, lfq_kt_val(1), GFP_ATOMIC);
	v1 = ops->pop(o);
	v2 = ops->pop(o);
	v3 = ops->pop(o);
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, ret1, 0);
	KUNIT_EXPECT_EQ(test, ret2, 0);
	KUNIT_EXPECT_PTR_EQ(test, v1, lfq_kt_val(ops->fifo ? 0 : 1));
	KUNIT_EXPECT_PTR_EQ(test, v2, lfq_kt_val(ops->fifo ? 1 : 0));
	KUNIT_EXPECT_NULL(test, v3);
	lfq_kt_destroy(o, ops, t);
}

/**
 * struct lfq_kt_stress - shared state of one stress run
 * @ops: the container under test
 * @obj: the container
 * @tally: every value popped or released, exactly once
 * @per_prod: values per producer (and the most the hrtimer pushes)
 * @nr_prod: producer kthreads; the hrtimer is producer number @nr_prod
 * @nr_cons: consumer kthreads
 * @gate: opened once every kthread exists, so they start together
 * @producers_left: producer kthreads still pushing
 * @deadline: jiffies after which a spinning kthread gives up
 * @timed_out: some kthread gave up
 * @pushed: values pushed by producer kthreads
 * @popped: values popped by consumer kthreads
 * @push_errors: pushes that failed other than with -ENOSPC
 * @order_errors: values seen out of their producer's order
 * @backlog_peak: highest lfq_rcu_backlog() seen during the run
 * @timer: the hard-irq pusher and popper (ring only)
 * @irq_stop: tells @timer not to rearm
 * @irq_calls: @timer callbacks run
 * @irq_hard: ... of which in hard interrupt context
 * @irq_pushed: values @timer pushed
 * @irq_popped: values @timer popped
 * @irq_errors: @timer pushes that failed other than with -ENOSPC
 * @irq_last: per producer, 1 + the sequence number @timer last popped
 *
 * The @irq_* counters are written only by @timer's callback, which never
 * runs concurrently with itself, and read after hrtimer_cancel().
 */
struct lfq_kt_stress {
	const struct lfq_kt_ops *ops;
	union lfq_kt_obj *obj;
	struct lfq_kt_tally *tally;
	unsigned long per_prod;
	unsigned int nr_prod;
	unsigned int nr_cons;
	struct completion gate;
	atomic_t producers_left;
	unsigned long deadline;
	bool timed_out;
	atomic_long_t pushed;
	atomic_long_t popped;
	atomic_long_t push_errors;
	atomic_long_t order_errors;
	atomic_long_t backlog_peak;

	struct hrtimer timer;
	bool irq_stop;
	unsigned long irq_calls;
	unsigned long irq_hard;
	unsigned long irq_pushed;
	unsigned long irq_popped;
	unsigned long irq_errors;
	unsigned long *irq_last;
};

/**
 * struct lfq_kt_thread - one stress kthread
 * @s: the run it belongs to
 * @task: the kthread
 * @done: completed by the kthread as it exits
 * @id: producer number, or consumer number
 * @last: consumers: per producer, 1 + the sequence number last popped
 */
struct lfq_kt_thread {
	struct lfq_kt_stress *s;
	struct task_struct *task;
	struct completion done;
	unsigned int id;
	unsigned long *last;
};

static bool lfq_kt_expired(struct lfq_kt_stress *s)
{
	if (!time_after(jiffies, s->deadline))
		return false;
	WRITE_ONCE(s->timed_out, true);
	return true;
}

static void lfq_kt_note_backlog(struct lfq_kt_stress *s)
{
	long cur = lfq_rcu_backlog();
	long peak = atomic_long_read(&s->backlog_peak);

	while (cur > peak &&
	       !atomic_long_try_cmpxchg_relaxed(&s->backlog_peak, &peak, cur))
		;
}

/* Record one popped value; @last is the popper's own order record. */
static void lfq_kt_consume(struct lfq_kt_stress *s, void *val,
			   unsigned long *last)
{
	unsigned long idx = lfq_kt_idx(val);
	unsigned long prod, seq;

	if (!lfq_kt_tally_add(s->tally, val))
		return;
	prod = idx / s->per_prod;
	seq = idx % s->per_prod;
	/*
	 * A FIFO container hands each producer's values to any one consumer
	 * in the order that producer pushed them.
	 */
	if (s->ops->fifo && seq < last[prod])
		atomic_long_inc(&s->order_errors);
	last[prod] = seq + 1;
}

static int lfq_kt_producer(void *arg)
{
	struct lfq_kt_thread *t = arg;
	struct lfq_kt_stress *s = t->s;
	unsigned long base = t->id * s->per_prod;
	unsigned long i, pushed = 0, errors = 0;
	int ret;

	wait_for_completion(&s->gate);
	for (i = 0; i < s->per_prod; i++) {
		while ((ret = s->ops->push(s->obj, lfq_kt_val(base + i),
					   GFP_KERNEL)) == -ENOSPC) {
			if (lfq_kt_expired(s))
				goto out;
			cond_resched();
		}
		if (ret)
			errors++;
		else
			pushed++;
		if (!(i % 64))
			cond_resched();
	}
out:
	atomic_long_add(pushed, &s->pushed);
	atomic_long_add(errors, &s->push_errors);
	/*
	 * No ordering needed: consumers use this only to decide when to
	 * stop (what they leave behind is drained by destroy), and the test
	 * reads the counters after the completions.
	 */
	atomic_dec(&s->producers_left);
	kthread_complete_and_exit(&t->done, 0);
}

static int lfq_kt_consumer(void *arg)
{
	struct lfq_kt_thread *t = arg;
	struct lfq_kt_stress *s = t->s;
	unsigned long popped = 0;
	void *val;

	wait_for_completion(&s->gate);
	for (;;) {
		val = s->ops->pop(s->obj);
		if (!val) {
			/*
			 * Whatever the last producers push after this pop
			 * found the container empty is left for destroy.
			 */
			if (!atomic_read(&s->producers_left) ||
			    lfq_kt_expired(s))
				break;
			cond_resched();
			continue;
		}
		lfq_kt_consume(s, val, t->last);
		if (!(++popped % 64)) {
			if (s->ops->rcu)
				lfq_kt_note_backlog(s);
			cond_resched();
		}
	}
	atomic_long_add(popped, &s->popped);
	kthread_complete_and_exit(&t->done, 0);
}

/* Pushes and pops one value per tick, in hard interrupt context. */
static enum hrtimer_restart lfq_kt_irq(struct hrtimer *timer)
{
	struct lfq_kt_stress *s = container_of(timer, struct lfq_kt_stress,
					       timer);
	unsigned long idx = s->nr_prod * s->per_prod + s->irq_pushed;
	void *val;
	int ret;

	s->irq_calls++;
	if (in_hardirq())
		s->irq_hard++;
	if (s->irq_pushed < s->per_prod) {
		ret = s->ops->push(s->obj, lfq_kt_val(idx), GFP_ATOMIC);
		if (!ret)
			s->irq_pushed++;
		else if (ret != -ENOSPC)
			s->irq_errors++;
	}
	val = s->ops->pop(s->obj);
	if (val) {
		s->irq_popped++;
		lfq_kt_consume(s, val, s->irq_last);
	}
	if (READ_ONCE(s->irq_stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, ns_to_ktime(LFQ_KT_IRQ_PERIOD_NS));
	return HRTIMER_RESTART;
}

static void lfq_kt_stress(struct kunit *test, bool use_irq)
{
	const struct lfq_kt_ops *ops = test->priv;
	unsigned int nr_threads, i, nr_created = 0;
	struct lfq_kt_thread *threads;
	struct lfq_kt_stress *s;
	unsigned long nr_vals, first_unseen;
	long pushed, popped, released;
	ktime_t start;

	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->ops = ops;
	s->per_prod = max(stress_values, 1U);
	s->nr_prod = max(num_online_cpus(), 2U);
	s->nr_cons = s->nr_prod;
	nr_threads = s->nr_prod + s->nr_cons;
	/* one extra producer's worth of values for the hrtimer */
	nr_vals = (s->nr_prod + 1) * s->per_prod;
	s->tally = lfq_kt_tally_alloc(test, nr_vals);
	s->obj = lfq_kt_obj_alloc(test);
	s->irq_last = kunit_kcalloc(test, s->nr_prod + 1, sizeof(long),
				    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s->irq_last);
	threads = kunit_kcalloc(test, nr_threads, sizeof(*threads), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, threads);
	for (i = s->nr_prod; i < nr_threads; i++) {
		threads[i].last = kunit_kcalloc(test, s->nr_prod + 1,
						sizeof(long), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, threads[i].last);
	}
	init_completion(&s->gate);
	atomic_set(&s->producers_left, s->nr_prod);

	/* Start from a quiet backlog, so that its return to zero means ours */
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, lfq_rcu_backlog(), 0UL);

	KUNIT_ASSERT_EQ(test, ops->init(s->obj, LFQ_KT_STRESS_RING, GFP_KERNEL),
			0);

	for (i = 0; i < nr_threads; i++) {
		struct lfq_kt_thread *t = &threads[i];
		bool prod = i < s->nr_prod;

		t->s = s;
		t->id = prod ? i : i - s->nr_prod;
		init_completion(&t->done);
		t->task = kthread_create(prod ? lfq_kt_producer :
					 lfq_kt_consumer, t, "lfq_kt_%s%u",
					 prod ? "p" : "c", t->id);
		if (IS_ERR(t->task))
			break;
		nr_created++;
	}
	if (nr_created < nr_threads) {
		KUNIT_FAIL(test, "kthread_create: %ld",
			   PTR_ERR(threads[nr_created].task));
		/* Not yet woken: kthread_stop() ends them unrun. */
		for (i = 0; i < nr_created; i++)
			kthread_stop(threads[i].task);
		ops->destroy(s->obj, NULL);
		return;
	}

	if (use_irq) {
		/*
		 * HRTIMER_MODE_REL_HARD (v5.4+) makes the callback run in
		 * hard interrupt context even on PREEMPT_RT.
		 */
		hrtimer_init(&s->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
		s->timer.function = lfq_kt_irq;
		hrtimer_start(&s->timer, ns_to_ktime(LFQ_KT_IRQ_PERIOD_NS),
			      HRTIMER_MODE_REL_HARD);
	}

	start = ktime_get();
	s->deadline = jiffies + stress_timeout * HZ;
	for (i = 0; i < nr_threads; i++)
		wake_up_process(threads[i].task);
	complete_all(&s->gate);

	for (i = 0; i < nr_threads; i++) {
		while (!wait_for_completion_timeout(&threads[i].done,
						    msecs_to_jiffies(10)))
			if (ops->rcu)
				lfq_kt_note_backlog(s);
	}

	if (use_irq) {
		WRITE_ONCE(s->irq_stop, true);
		hrtimer_cancel(&s->timer);
	}

	lfq_kt_destroy(s->obj, ops, s->tally);

	pushed = atomic_long_read(&s->pushed) + s->irq_pushed;
	popped = atomic_long_read(&s->popped) + s->irq_popped;
	released = atomic_long_read(&s->tally->released);
	kunit_info(test, "%u producers, %u consumers: %ld pushed, %ld popped, %ld drained in %lld ms",
		   s->nr_prod, s->nr_cons, pushed, popped, released,
		   ktime_ms_delta(ktime_get(), start));

	KUNIT_EXPECT_FALSE_MSG(test, READ_ONCE(s->timed_out),
			       "kthreads gave up after %u s",
			       stress_timeout);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&s->push_errors), 0L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&s->pushed),
			(long)(s->nr_prod * s->per_prod));
	/* conservation: everything pushed came out once, and nothing else */
	KUNIT_EXPECT_EQ(test, pushed, popped + released);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&s->tally->dups), 0L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&s->tally->bogus), 0L);
	KUNIT_EXPECT_EQ(test,
			(unsigned long)bitmap_weight(s->tally->seen, nr_vals),
			(unsigned long)pushed);
	/* every producer value, and the first irq_pushed hrtimer values */
	first_unseen = find_first_zero_bit(s->tally->seen, nr_vals);
	KUNIT_EXPECT_EQ(test, first_unseen,
			s->nr_prod * s->per_prod + s->irq_pushed);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&s->order_errors), 0L);

	if (use_irq) {
		kunit_info(test, "hrtimer: %lu calls (%lu in hardirq), %lu pushed, %lu popped",
			   s->irq_calls, s->irq_hard, s->irq_pushed,
			   s->irq_popped);
		KUNIT_EXPECT_GT(test, s->irq_calls, 0UL);
		KUNIT_EXPECT_EQ(test, s->irq_hard, s->irq_calls);
		KUNIT_EXPECT_GT(test, s->irq_pushed, 0UL);
		KUNIT_EXPECT_GT(test, s->irq_popped, 0UL);
		KUNIT_EXPECT_EQ(test, s->irq_errors, 0UL);
	}

	if (ops->rcu) {
		kunit_info(test, "peak lfq_rcu_backlog() during the run: %ld",
			   atomic_long_read(&s->backlog_peak));
		KUNIT_EXPECT_GT(test, atomic_long_read(&s->backlog_peak), 0L);
	}
	rcu_barrier();
	KUNIT_EXPECT_EQ(test, lfq_rcu_backlog(), 0UL);
}

static void kthread_stress(struct kunit *test)
{
	lfq_kt_stress(test, false);
}

static void ring_capacity(struct kunit *test)
{
	union lfq_kt_obj *o = lfq_kt_obj_alloc(test);
	struct lfq_ring *r = &o->ring;
	u64 cap;

	KUNIT_EXPECT_EQ(test, lfq_ring_init(r, 0, GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, lfq_ring_init(r, 1, GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, lfq_ring_init(r, 3, GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, lfq_ring_init(r, 100, GFP_KERNEL), -EINVAL);
	/*
	 * Above the documented bound: refused before any allocation, so no
	 * kvmalloc() size warning (the VM run fails on any WARNING).
	 */
	for (cap = 2ULL * LFQ_RING_MAX_CAPACITY; cap <= U32_MAX; cap <<= 1)
		KUNIT_EXPECT_EQ(test, lfq_ring_init(r, cap, GFP_KERNEL), -EINVAL);

	KUNIT_ASSERT_EQ(test, lfq_ring_init(r, 2, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, lfq_ring_capacity(r), 2U);
	lfq_ring_destroy(r, NULL);

	KUNIT_ASSERT_EQ(test, lfq_ring_init(r, 1024, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, lfq_ring_capacity(r), 1024U);
	KUNIT_EXPECT_TRUE(test, lfq_ring_empty(r));
	KUNIT_EXPECT_FALSE(test, lfq_ring_full(r));
	KUNIT_EXPECT_EQ(test, lfq_ring_len(r), 0U);
	lfq_ring_destroy(r, NULL);
}

/* A full ring refuses a push with -ENOSPC and keeps its contents. */
static void ring_full(struct kunit *test)
{
	union lfq_kt_obj *o = lfq_kt_obj_alloc(test);
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 1);
	struct lfq_ring *r = &o->ring;
	const unsigned int cap = 8;
	unsigned int i;

	KUNIT_ASSERT_EQ(test, lfq_ring_init(r, cap, GFP_KERNEL), 0);
	for (i = 0; i < cap; i++) {
		KUNIT_EXPECT_FALSE(test, lfq_ring_full(r));
		KUNIT_EXPECT_EQ(test, lfq_ring_push(r, lfq_kt_val(i)), 0);
	}
	KUNIT_EXPECT_TRUE(test, lfq_ring_full(r));
	KUNIT_EXPECT_FALSE(test, lfq_ring_empty(r));
	KUNIT_EXPECT_EQ(test, lfq_ring_len(r), cap);
	KUNIT_EXPECT_EQ(test, lfq_ring_push(r, lfq_kt_val(cap)), -ENOSPC);
	KUNIT_EXPECT_EQ(test, lfq_ring_push(r, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, lfq_ring_len(r), cap);

	/* one out, one in: the new value goes behind the others */
	KUNIT_EXPECT_PTR_EQ(test, lfq_ring_pop(r), lfq_kt_val(0));
	KUNIT_EXPECT_FALSE(test, lfq_ring_full(r));
	KUNIT_EXPECT_EQ(test, lfq_ring_push(r, lfq_kt_val(cap)), 0);
	KUNIT_EXPECT_TRUE(test, lfq_ring_full(r));
	for (i = 1; i <= cap; i++)
		KUNIT_EXPECT_PTR_EQ(test, lfq_ring_pop(r), lfq_kt_val(i));
	KUNIT_EXPECT_NULL(test, lfq_ring_pop(r));
	KUNIT_EXPECT_TRUE(test, lfq_ring_empty(r));
	lfq_kt_destroy(o, &lfq_kt_ring_ops, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released), 0L);
}

/* Bulk operations move all n values or none, and leave the ring alone. */
static void ring_bulk(struct kunit *test)
{
	union lfq_kt_obj *o = lfq_kt_obj_alloc(test);
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 1);
	struct lfq_ring *r = &o->ring;
	void *in[10], *out[10];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(in); i++)
		in[i] = lfq_kt_val(i);
	KUNIT_ASSERT_EQ(test, lfq_ring_init(r, 8, GFP_KERNEL), 0);

	KUNIT_EXPECT_EQ(test, lfq_ring_push_bulk(r, in, 0), 0U);
	KUNIT_EXPECT_EQ(test, lfq_ring_pop_bulk(r, out, 1), 0U);
	KUNIT_EXPECT_EQ(test, lfq_ring_push_bulk(r, in, 9), 0U);
	KUNIT_EXPECT_TRUE(test, lfq_ring_empty(r));

	/* a NULL among the values: nothing is pushed */
	out[0] = in[0];
	out[1] = NULL;
	out[2] = in[2];
	KUNIT_EXPECT_EQ(test, lfq_ring_push_bulk(r, out, 3), 0U);
	KUNIT_EXPECT_TRUE(test, lfq_ring_empty(r));

	KUNIT_EXPECT_EQ(test, lfq_ring_push_bulk(r, in, 5), 5U);
	KUNIT_EXPECT_EQ(test, lfq_ring_len(r), 5U);
	/* 3 free: 4 do not fit, so none go in */
	KUNIT_EXPECT_EQ(test, lfq_ring_push_bulk(r, in + 5, 4), 0U);
	KUNIT_EXPECT_EQ(test, lfq_ring_len(r), 5U);
	KUNIT_EXPECT_EQ(test, lfq_ring_push_bulk(r, in + 5, 3), 3U);
	KUNIT_EXPECT_TRUE(test, lfq_ring_full(r));
	KUNIT_EXPECT_EQ(test, lfq_ring_push_bulk(r, in + 8, 1), 0U);

	/* 8 held: asking for 9 gets none */
	KUNIT_EXPECT_EQ(test, lfq_ring_pop_bulk(r, out, 9), 0U);
	KUNIT_EXPECT_EQ(test, lfq_ring_len(r), 8U);
	KUNIT_EXPECT_EQ(test, lfq_ring_pop_bulk(r, out, 0), 0U);
	KUNIT_EXPECT_EQ(test, lfq_ring_pop_bulk(r, out, 3), 3U);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_PTR_EQ(test, out[i], in[i]);
	KUNIT_EXPECT_EQ(test, lfq_ring_len(r), 5U);
	KUNIT_EXPECT_EQ(test, lfq_ring_pop_bulk(r, out, 6), 0U);
	KUNIT_EXPECT_EQ(test, lfq_ring_pop_bulk(r, out, 5), 5U);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_PTR_EQ(test, out[i], in[3 + i]);
	KUNIT_EXPECT_TRUE(test, lfq_ring_empty(r));
	KUNIT_EXPECT_NULL(test, lfq_ring_pop(r));
	lfq_kt_destroy(o, &lfq_kt_ring_ops, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released), 0L);
}

/* Burst operations move as many values as fit, in order. */
static void ring_burst(struct kunit *test)
{
	union lfq_kt_obj *o = lfq_kt_obj_alloc(test);
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 1);
	struct lfq_ring *r = &o->ring;
	void *in[12], *out[12];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(in); i++)
		in[i] = lfq_kt_val(i);
	KUNIT_ASSERT_EQ(test, lfq_ring_init(r, 8, GFP_KERNEL), 0);

	KUNIT_EXPECT_EQ(test, lfq_ring_pop_burst(r, out, 4), 0U);
	KUNIT_EXPECT_EQ(test, lfq_ring_push_burst(r, in, 0), 0U);

	/* a burst stops at the first NULL */
	out[0] = in[0];
	out[1] = in[1];
	out[2] = NULL;
	out[3] = in[3];
	KUNIT_EXPECT_EQ(test, lfq_ring_push_burst(r, out, 4), 2U);
	KUNIT_EXPECT_EQ(test, lfq_ring_len(r), 2U);
	KUNIT_EXPECT_PTR_EQ(test, lfq_ring_pop(r), in[0]);
	KUNIT_EXPECT_PTR_EQ(test, lfq_ring_pop(r), in[1]);
	KUNIT_EXPECT_TRUE(test, lfq_ring_empty(r));
	KUNIT_EXPECT_EQ(test, lfq_ring_push_burst(r, in, 5), 5U);
	/* 3 free: the first 3 of 6 go in */
	KUNIT_EXPECT_EQ(test, lfq_ring_push_burst(r, in + 5, 6), 3U);
	KUNIT_EXPECT_TRUE(test, lfq_ring_full(r));
	KUNIT_EXPECT_EQ(test, lfq_ring_push_burst(r, in + 8, 2), 0U);

	KUNIT_EXPECT_EQ(test, lfq_ring_pop_burst(r, out, 0), 0U);
	KUNIT_EXPECT_EQ(test, lfq_ring_pop_burst(r, out, 2), 2U);
	KUNIT_EXPECT_PTR_EQ(test, out[0], in[0]);
	KUNIT_EXPECT_PTR_EQ(test, out[1], in[1]);
	KUNIT_EXPECT_EQ(test, lfq_ring_push_burst(r, in + 8, 4), 2U);
	/* 8 held: asking for 12 gets 8 */
	KUNIT_EXPECT_EQ(test, lfq_ring_pop_burst(r, out, 12), 8U);
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_PTR_EQ(test, out[i], in[2 + i]);
	KUNIT_EXPECT_TRUE(test, lfq_ring_empty(r));
	KUNIT_EXPECT_EQ(test, lfq_ring_pop_burst(r, out, 12), 0U);
	lfq_kt_destroy(o, &lfq_kt_ring_ops, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released), 0L);
}

/*
 * Capacity 2, thousands of laps: single, bulk and burst operations picked
 * by a fixed pseudo-random sequence, each checked against a model.
 */
static void ring_tiny_laps(struct kunit *test)
{
	union lfq_kt_obj *o = lfq_kt_obj_alloc(test);
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 1);
	struct lfq_ring *r = &o->ring;
	struct lfq_kt_model *m;
	const unsigned int cap = 2;
	unsigned int step, op, i, n, want, got, len;
	u32 x = 1;
	void *vals[3];
	bool ok;

	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	m->fifo = true;
	KUNIT_ASSERT_EQ(test, lfq_ring_init(r, cap, GFP_KERNEL), 0);
	for (step = 0; step < 12000; step++) {
		x = x * 1103515245 + 12345;
		op = (x >> 16) % 6;
		n = 1 + (x >> 20) % 3;
		len = lfq_kt_model_len(m);
		for (i = 0; i < n; i++)
			vals[i] = lfq_kt_val(m->next + i);
		switch (op) {
		case 0:
			want = len < cap;
			got = !lfq_ring_push(r, vals[0]);
			break;
		case 1:
			want = len + n <= cap ? n : 0;
			got = lfq_ring_push_bulk(r, vals, n);
			break;
		case 2:
			want = min(n, cap - len);
			got = lfq_ring_push_burst(r, vals, n);
			break;
		case 3:
			want = len > 0;
			vals[0] = lfq_ring_pop(r);
			got = !!vals[0];
			break;
		case 4:
			want = n <= len ? n : 0;
			got = lfq_ring_pop_bulk(r, vals, n);
			break;
		default:
			want = min(n, len);
			got = lfq_ring_pop_burst(r, vals, n);
			break;
		}
		/* ops 0-2 push, 3-5 pop; the model follows what was moved */
		ok = got == want;
		for (i = 0; ok && i < got; i++) {
			if (op < 3)
				lfq_kt_model_push(m);
			else
				ok = vals[i] == lfq_kt_model_pop(m);
		}
		if (!ok || lfq_ring_len(r) != lfq_kt_model_len(m) ||
		    lfq_ring_empty(r) != !lfq_kt_model_len(m) ||
		    lfq_ring_full(r) != (lfq_kt_model_len(m) == cap)) {
			KUNIT_FAIL(test, "step %u op %u n %u: moved %u of %u, len %u model %lu",
				   step, op, n, got, want, lfq_ring_len(r),
				   lfq_kt_model_len(m));
			break;
		}
	}
	kunit_info(test, "%lu values through a ring of %u", m->next, cap);
	KUNIT_EXPECT_GT(test, m->next, 1000UL);
	lfq_kt_destroy(o, &lfq_kt_ring_ops, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released),
			(long)lfq_kt_model_len(m));
}

static void ring_hardirq_stress(struct kunit *test)
{
	lfq_kt_stress(test, true);
}

static int lfq_kt_msq_init(struct kunit *test)
{
	test->priv = (void *)&lfq_kt_msq_ops;
	return 0;
}

static int lfq_kt_stack_init(struct kunit *test)
{
	test->priv = (void *)&lfq_kt_stack_ops;
	return 0;
}

static int lfq_kt_ring_init(struct kunit *test)
{
	test->priv = (void *)&lfq_kt_ring_ops;
	return 0;
}

static int lfq_kt_tlq_init(struct kunit *test)
{
	test->priv = (void *)&lfq_kt_tlq_ops;
	return 0;
}

/* KUNIT_CASE_SLOW is a macro where KUnit has speed attributes */
#ifdef KUNIT_CASE_SLOW
#define LFQ_KT_SLOW_CASE(fn)	KUNIT_CASE_SLOW(fn)
#else
#define LFQ_KT_SLOW_CASE(fn)	KUNIT_CASE(fn)
#endif

static struct kunit_case lfq_kt_msq_cases[] = {
	KUNIT_CASE(empty_after_init),
	KUNIT_CASE(null_is_rejected),
	KUNIT_CASE(push_pop_order),
	KUNIT_CASE(many_laps),
	KUNIT_CASE(destroy_drains),
	KUNIT_CASE(irqs_disabled_ops),
	LFQ_KT_SLOW_CASE(kthread_stress),
	{}
};

static struct kunit_case lfq_kt_stack_cases[] = {
	KUNIT_CASE(empty_after_init),
	KUNIT_CASE(null_is_rejected),
	KUNIT_CASE(push_pop_order),
	KUNIT_CASE(many_laps),
	KUNIT_CASE(destroy_drains),
	KUNIT_CASE(irqs_disabled_ops),
	LFQ_KT_SLOW_CASE(kthread_stress),
	{}
};

static struct kunit_case lfq_kt_ring_cases[] = {
	KUNIT_CASE(empty_after_init),
	KUNIT_CASE(null_is_rejected),
	KUNIT_CASE(push_pop_order),
	KUNIT_CASE(many_laps),
	KUNIT_CASE(destroy_drains),
	KUNIT_CASE(irqs_disabled_ops),
	KUNIT_CASE(ring_capacity),
	KUNIT_CASE(ring_full),
	KUNIT_CASE(ring_bulk),
	KUNIT_CASE(ring_burst),
	KUNIT_CASE(ring_tiny_laps),
	LFQ_KT_SLOW_CASE(kthread_stress),
	LFQ_KT_SLOW_CASE(ring_hardirq_stress),
	{}
};

static struct kunit_case lfq_kt_tlq_cases[] = {
	KUNIT_CASE(empty_after_init),
	KUNIT_CASE(null_is_rejected),
	KUNIT_CASE(push_pop_order),
	KUNIT_CASE(many_laps),
	KUNIT_CASE(destroy_drains),
	KUNIT_CASE(irqs_disabled_ops),
	LFQ_KT_SLOW_CASE(kthread_stress),
	{}
};

static struct kunit_suite lfq_kt_msq_suite = {
	.name = "lfq_msq",
	.init = lfq_kt_msq_init,
	.test_cases = lfq_kt_msq_cases,
};

static struct kunit_suite lfq_kt_stack_suite = {
	.name = "lfq_stack",
	.init = lfq_kt_stack_init,
	.test_cases = lfq_kt_stack_cases,
};

static struct kunit_suite lfq_kt_ring_suite = {
	.name = "lfq_ring",
	.init = lfq_kt_ring_init,
	.test_cases = lfq_kt_ring_cases,
};

static struct kunit_suite lfq_kt_tlq_suite = {
	.name = "lfq_tlq",
	.init = lfq_kt_tlq_init,
	.test_cases = lfq_kt_tlq_cases,
};

kunit_test_suites(&lfq_kt_msq_suite, &lfq_kt_stack_suite, &lfq_kt_ring_suite,
		  &lfq_kt_tlq_suite);

MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(LFQ_NS);
MODULE_DESCRIPTION("KUnit tests for the lfq lock-free containers");

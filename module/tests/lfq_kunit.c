// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the lfq containers
 *
 * lfq_kinds: one suite whose cases run once per kind of the registry
 * (lfq_kinds[], the parameter's description is the kind's name), through
 * the registry's operations only, for what every kind must do: start
 * empty, refuse NULL, keep its order (FIFO or LIFO, as its flags say),
 * count, drain on destroy, move values exactly once under many kthreads,
 * and from hard interrupt context where its push_ctx and pop_ctx allow
 * it.  What a kind's flags or optional operations promise (bounded,
 * push_many, RCU_NODES) is checked where the kind has it and skipped
 * elsewhere.  A new kind is tested by these cases once it is registered.
 *
 * lfq_ring: what only the ring has, through its own API (capacity edges,
 * full, bulk and burst, thousands of laps at capacity 2).  lfq_deque: the
 * work-stealing deque, whose push and pop are owner-only (the lfq_kinds
 * stress cases skip it): orders at both ends, edges, and one owner
 * kthread against thief kthreads and a hard-irq thief.  lfq_msq and
 * lfq_stack: white-box cases of one algorithm each (the MS queue's
 * lagging tail, the Treiber stack's ABA), which read and set the
 * containers' public fields.
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
 * stress_values (values per producer); the default keeps each stress case
 * well under 20 s on a KASAN+lockdep kernel running under TCG emulation.
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
#include <linux/string.h>

#include "lfq.h"

static unsigned int stress_values = 4000;
module_param(stress_values, uint, 0444);
MODULE_PARM_DESC(stress_values, "values pushed by each stress producer (default 4000)");

static unsigned int stress_timeout = 120;
module_param(stress_timeout, uint, 0444);
MODULE_PARM_DESC(stress_timeout, "seconds before a stuck stress case gives up (default 120)");

/* Capacity of bounded kinds in the stress cases: small, so often full. */
#define LFQ_KT_STRESS_RING	16
/* Period of the hard-irq pusher/popper in hardirq_stress. */
#define LFQ_KT_IRQ_PERIOD_NS	(200 * NSEC_PER_USEC)

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

static void lfq_kt_destroy(const struct lfq_kind *k, void *c,
			   struct lfq_kt_tally *t)
{
	lfq_kt_release_tally = t;
	k->destroy(c, lfq_kt_release);
	lfq_kt_release_tally = NULL;
}

/* Zeroed room for a container of kind @k, freed with the test. */
static void *lfq_kt_alloc(struct kunit *test, const struct lfq_kind *k)
{
	void *c;

	c = kunit_kzalloc(test, k->size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, c);
	return c;
}

/* Set up @c with room for @capacity values (a power of two) if bounded. */
static int lfq_kt_init(const struct lfq_kind *k, void *c,
		       unsigned int capacity)
{
	return k->init(c, k->flags & LFQ_KIND_BOUNDED ? capacity : 0,
		       GFP_KERNEL);
}

/* The cases that check an order need a kind that promises one. */
static void lfq_kt_need_order(struct kunit *test, const struct lfq_kind *k)
{
	if (!(k->flags & (LFQ_KIND_FIFO | LFQ_KIND_LIFO)))
		kunit_skip(test, "%s promises no order", k->name);
}

/* ... and those that push and pop in context @ctx a kind that allows it. */
static void lfq_kt_need_ctx(struct kunit *test, const struct lfq_kind *k,
			    unsigned int ctx)
{
	if (!(k->push_ctx & ctx) || !(k->pop_ctx & ctx))
		kunit_skip(test, "%s: not in that context", k->name);
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
	const struct lfq_kind *k = test->param_value;
	void *o = lfq_kt_alloc(test, k);
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 1);

	KUNIT_ASSERT_EQ(test, lfq_kt_init(k, o, 8), 0);
	KUNIT_EXPECT_TRUE(test, k->empty(o));
	KUNIT_EXPECT_EQ(test, k->len(o), 0UL);
	KUNIT_EXPECT_NULL(test, k->pop(o));
	KUNIT_EXPECT_NULL(test, k->pop(o));
	KUNIT_EXPECT_TRUE(test, k->empty(o));
	KUNIT_EXPECT_EQ(test, k->len(o), 0UL);
	lfq_kt_destroy(k, o, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released), 0L);

	/* Destroyed containers can be initialised again. */
	KUNIT_ASSERT_EQ(test, lfq_kt_init(k, o, 8), 0);
	KUNIT_EXPECT_EQ(test, k->push(o, lfq_kt_val(0), GFP_KERNEL), 0);
	KUNIT_EXPECT_PTR_EQ(test, k->pop(o), lfq_kt_val(0));
	lfq_kt_destroy(k, o, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released), 0L);

	/*
	 * A refused init leaves nothing for destroy to free or release, even
	 * in memory that held garbage before (KASAN catches a stale free).
	 */
	if (k->flags & LFQ_KIND_BOUNDED) {
		memset(o, 0xa5, k->size);
		KUNIT_EXPECT_EQ(test, k->init(o, 3, GFP_KERNEL), -EINVAL);
		lfq_kt_destroy(k, o, t);
		KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released), 0L);
	}
}

/* NULL is not a value: push refuses it and the container is unchanged. */
static void null_is_rejected(struct kunit *test)
{
	const struct lfq_kind *k = test->param_value;
	void *o = lfq_kt_alloc(test, k);
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 1);

	KUNIT_ASSERT_EQ(test, lfq_kt_init(k, o, 8), 0);
	KUNIT_EXPECT_EQ(test, k->push(o, NULL, GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_TRUE(test, k->empty(o));
	KUNIT_EXPECT_EQ(test, k->len(o), 0UL);
	KUNIT_EXPECT_NULL(test, k->pop(o));

	KUNIT_EXPECT_EQ(test, k->push(o, lfq_kt_val(0), GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, k->push(o, NULL, GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, k->len(o), 1UL);
	KUNIT_EXPECT_PTR_EQ(test, k->pop(o), lfq_kt_val(0));
	KUNIT_EXPECT_NULL(test, k->pop(o));
	KUNIT_EXPECT_TRUE(test, k->empty(o));
	lfq_kt_destroy(k, o, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released), 0L);
}

/* Values come out in FIFO (or LIFO) order; len and empty follow. */
static void push_pop_order(struct kunit *test)
{
	const struct lfq_kind *k = test->param_value;
	void *o = lfq_kt_alloc(test, k);
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 1);
	const unsigned long n = 64;
	unsigned long i, want;

	lfq_kt_need_order(test, k);
	KUNIT_ASSERT_EQ(test, lfq_kt_init(k, o, n), 0);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, k->push(o, lfq_kt_val(i), GFP_KERNEL),
				0);
		KUNIT_EXPECT_EQ(test, k->len(o), i + 1);
		KUNIT_EXPECT_FALSE(test, k->empty(o));
	}
	for (i = 0; i < n; i++) {
		want = (k->flags & LFQ_KIND_FIFO) ? i : n - 1 - i;
		KUNIT_EXPECT_PTR_EQ(test, k->pop(o), lfq_kt_val(want));
		KUNIT_EXPECT_EQ(test, k->len(o), n - 1 - i);
	}
	KUNIT_EXPECT_NULL(test, k->pop(o));
	KUNIT_EXPECT_TRUE(test, k->empty(o));
	lfq_kt_destroy(k, o, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released), 0L);
}

/*
 * Many short rounds of pushes and pops against a model, never holding more
 * than four values: for a bounded kind (capacity 4) that is over a
 * thousand laps.
 */
static void many_laps(struct kunit *test)
{
	const struct lfq_kind *k = test->param_value;
	void *o = lfq_kt_alloc(test, k);
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 1);
	struct lfq_kt_model *m;
	const bool bounded = k->flags & LFQ_KIND_BOUNDED;
	const unsigned long cap = 4;
	unsigned long round, j, errors = 0;

	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	m->fifo = k->flags & LFQ_KIND_FIFO;
	lfq_kt_need_order(test, k);
	KUNIT_ASSERT_EQ(test, lfq_kt_init(k, o, cap), 0);
	/* fewer rounds where there are no laps to go round */
	for (round = 0; round < (bounded ? 3000 : 500); round++) {
		unsigned long npush = 1 + round % 4, npop = 1 + (round * 7) % 4;

		for (j = 0; j < npush && lfq_kt_model_len(m) < cap; j++)
			if (k->push(o, lfq_kt_model_push(m), GFP_KERNEL))
				errors++;
		/* a full bounded kind turns the next push away */
		if (bounded && lfq_kt_model_len(m) == cap &&
		    k->push(o, lfq_kt_val(m->next), GFP_KERNEL) != -ENOSPC)
			errors++;
		for (j = 0; j < npop; j++)
			if (k->pop(o) != lfq_kt_model_pop(m))
				errors++;
		if (k->len(o) != lfq_kt_model_len(m) ||
		    k->empty(o) != !lfq_kt_model_len(m))
			errors++;
		if (errors) {
			KUNIT_FAIL(test, "round %lu: %lu mismatches with the model",
				   round, errors);
			break;
		}
	}
	lfq_kt_destroy(k, o, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released),
			(long)lfq_kt_model_len(m));
}

/*
 * destroy hands every value still held to the release callback exactly
 * once, and none of those already popped.
 */
static void destroy_drains(struct kunit *test)
{
	const struct lfq_kind *k = test->param_value;
	void *o = lfq_kt_alloc(test, k);
	const unsigned long n = 40, popped = 11;
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, n);
	unsigned long i;
	void *val;

	KUNIT_ASSERT_EQ(test, lfq_kt_init(k, o, 64), 0);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, k->push(o, lfq_kt_val(i), GFP_KERNEL),
				0);
	for (i = 0; i < popped; i++) {
		val = k->pop(o);
		KUNIT_EXPECT_TRUE(test, lfq_kt_tally_add(t, val));
	}
	lfq_kt_destroy(k, o, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released),
			(long)(n - popped));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->dups), 0L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->bogus), 0L);
	KUNIT_EXPECT_EQ(test, (unsigned long)bitmap_weight(t->seen, n), n);

	/* A NULL release callback is allowed: the values are just dropped. */
	KUNIT_ASSERT_EQ(test, lfq_kt_init(k, o, 64), 0);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, k->push(o, lfq_kt_val(i), GFP_KERNEL),
				0);
	k->destroy(o, NULL);
}

/*
 * The optional push_many and pop_many: all or none when @all, else as many
 * as fit (or as are held), in the kind's order.
 */
static void push_many(struct kunit *test)
{
	const struct lfq_kind *k = test->param_value;
	void *o = lfq_kt_alloc(test, k);
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 12);
	struct lfq_kt_tally *none = lfq_kt_tally_alloc(test, 1);
	void *in[12], *out[12];
	unsigned int i;

	if (!k->push_many || !k->pop_many)
		kunit_skip(test, "%s has no bulk operations", k->name);
	for (i = 0; i < ARRAY_SIZE(in); i++)
		in[i] = lfq_kt_val(i);
	KUNIT_ASSERT_EQ(test, lfq_kt_init(k, o, 8), 0);

	KUNIT_EXPECT_EQ(test, k->push_many(o, in, 0, true), 0U);
	KUNIT_EXPECT_EQ(test, k->pop_many(o, out, 1, true), 0U);
	KUNIT_EXPECT_EQ(test, k->pop_many(o, out, 1, false), 0U);
	KUNIT_EXPECT_EQ(test, k->push_many(o, in, 5, true), 5U);
	if (k->flags & LFQ_KIND_BOUNDED) {
		/* 3 free: none of 4 go in, or the first 3 of them */
		KUNIT_EXPECT_EQ(test, k->push_many(o, in + 5, 4, true), 0U);
		KUNIT_EXPECT_EQ(test, k->len(o), 5UL);
		KUNIT_EXPECT_EQ(test, k->push_many(o, in + 5, 4, false), 3U);
	} else {
		KUNIT_EXPECT_EQ(test, k->push_many(o, in + 5, 3, false), 3U);
	}
	KUNIT_EXPECT_EQ(test, k->len(o), 8UL);

	/* 8 held: all of 9 gets none; 3, then a burst of 12 gets the rest */
	KUNIT_EXPECT_EQ(test, k->pop_many(o, out, 9, true), 0U);
	KUNIT_EXPECT_EQ(test, k->len(o), 8UL);
	KUNIT_EXPECT_EQ(test, k->pop_many(o, out, 3, true), 3U);
	KUNIT_EXPECT_EQ(test, k->pop_many(o, out + 3, 12, false), 5U);
	for (i = 0; i < 8; i++) {
		KUNIT_EXPECT_TRUE(test, lfq_kt_tally_add(t, out[i]));
		if (k->flags & LFQ_KIND_FIFO)
			KUNIT_EXPECT_PTR_EQ(test, out[i], in[i]);
	}
	KUNIT_EXPECT_EQ(test, (unsigned long)bitmap_weight(t->seen, 12), 8UL);
	KUNIT_EXPECT_TRUE(test, k->empty(o));
	lfq_kt_destroy(k, o, none);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&none->released), 0L);
}

/*
 * Popped nodes of an RCU_NODES kind wait for a grace period and are
 * counted by lfq_rcu_backlog() meanwhile; other kinds add nothing to it.
 * No grace period can end inside one read-side section, so every node
 * freed inside it is still counted at its end.
 */
static void rcu_backlog(struct kunit *test)
{
	const struct lfq_kind *k = test->param_value;
	void *o = lfq_kt_alloc(test, k);
	const unsigned long n = 32;
	unsigned long i, before, during, popped = 0, errors = 0;

	KUNIT_ASSERT_EQ(test, lfq_kt_init(k, o, n), 0);
	rcu_barrier();
	synchronize_rcu();
	before = lfq_rcu_backlog();
	rcu_read_lock();
	for (i = 0; i < n; i++)
		errors += !!k->push(o, lfq_kt_val(i), GFP_ATOMIC);
	for (i = 0; i < n; i++)
		popped += !!k->pop(o);
	during = lfq_rcu_backlog();
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, errors, 0UL);
	KUNIT_EXPECT_EQ(test, popped, n);
	if (k->flags & LFQ_KIND_RCU_NODES)
		KUNIT_EXPECT_GE(test, during, before + n);
	else
		KUNIT_EXPECT_EQ(test, during, before);
	k->destroy(o, NULL);
	rcu_barrier();
	synchronize_rcu();
	KUNIT_EXPECT_EQ(test, lfq_rcu_backlog(), 0UL);
}

/* push (GFP_ATOMIC) and pop work with interrupts disabled. */
static void irqs_disabled_ops(struct kunit *test)
{
	const struct lfq_kind *k = test->param_value;
	void *o = lfq_kt_alloc(test, k);
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 1);
	unsigned long flags;
	int ret1, ret2;
	void *v1, *v2, *v3;

	lfq_kt_need_ctx(test, k, LFQ_CTX_HARDIRQ);
	KUNIT_ASSERT_EQ(test, lfq_kt_init(k, o, 8), 0);
	local_irq_save(flags);
	ret1 = k->push(o, lfq_kt_val(0), GFP_ATOMIC);
	ret2 = k->push(o, lfq_kt_val(1), GFP_ATOMIC);
	v1 = k->pop(o);
	v2 = k->pop(o);
	v3 = k->pop(o);
	local_irq_restore(flags);
	KUNIT_EXPECT_EQ(test, ret1, 0);
	KUNIT_EXPECT_EQ(test, ret2, 0);
	KUNIT_EXPECT_PTR_EQ(test, v1, lfq_kt_val((k->flags & LFQ_KIND_FIFO) ? 0 : 1));
	KUNIT_EXPECT_PTR_EQ(test, v2, lfq_kt_val((k->flags & LFQ_KIND_FIFO) ? 1 : 0));
	KUNIT_EXPECT_NULL(test, v3);
	lfq_kt_destroy(k, o, t);
}

/**
 * struct lfq_kt_obj - an object of the intrusive suite
 * @idx: its value's number: lfq_kt_val(@idx) stands for the object
 * @node: the node the container links, away from the object's start
 * @node.msq: as an msq node
 * @node.stack: as a stack node
 */
struct lfq_kt_obj {
	unsigned long idx;
	union {
		struct lfq_msq_node msq;
		struct lfq_stack_node stack;
	} node;
};

#define LFQ_KT_OBJ_OFF	offsetof(struct lfq_kt_obj, node)

/*
 * The value an object popped from a container stands for; a pointer that
 * is not one of the @nr objects at @objs (a dummy node handed out, a
 * wrong offset) gives lfq_kt_val(@nr), which the tally counts as bogus.
 */
static void *lfq_kt_obj_val(const struct lfq_kt_obj *objs, unsigned long nr,
			    const struct lfq_kt_obj *o)
{
	if (o < objs || o >= objs + nr || o->idx != o - objs)
		return lfq_kt_val(nr);
	return lfq_kt_val(o->idx);
}

/**
 * struct lfq_kt_stress - shared state of one stress run
 * @kind: the kind under test
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
 * @timer: the hard-irq pusher and popper (hardirq_stress only)
 * @irq_stop: tells @timer not to rearm
 * @irq_calls: @timer callbacks run
 * @irq_hard: ... of which in hard interrupt context
 * @irq_pushed: values @timer pushed
 * @irq_popped: values @timer popped
 * @irq_errors: @timer pushes that failed other than with -ENOSPC
 * @irq_last: per producer, 1 + the sequence number @timer last popped
 * @objs: the intrusive suite: value i is the object @objs[i], pushed with
 *	the kind's push_node (NULL: values are pushed with push)
 *
 * The @irq_* counters are written only by @timer's callback, which never
 * runs concurrently with itself, and read after hrtimer_cancel().
 */
struct lfq_kt_stress {
	const struct lfq_kind *kind;
	void *obj;
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
	struct lfq_kt_obj *objs;
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

/* Push value @idx: the value, or (intrusive suite) its object. */
static int lfq_kt_push(struct lfq_kt_stress *s, unsigned long idx, gfp_t gfp)
{
	if (!s->objs)
		return s->kind->push(s->obj, lfq_kt_val(idx), gfp);
	s->objs[idx].idx = idx;
	s->kind->push_node(s->obj, &s->objs[idx], LFQ_KT_OBJ_OFF);
	return 0;
}

/* Pop a value, or (intrusive suite) an object, as the value it stands for. */
static void *lfq_kt_pop(struct lfq_kt_stress *s)
{
	struct lfq_kt_obj *o;

	if (!s->objs)
		return s->kind->pop(s->obj);
	o = s->kind->pop_node(s->obj, LFQ_KT_OBJ_OFF);
	return o ? lfq_kt_obj_val(s->objs, s->tally->nr, o) : NULL;
}

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
	if ((s->kind->flags & LFQ_KIND_FIFO) && seq < last[prod])
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
		while ((ret = lfq_kt_push(s, base + i, GFP_KERNEL)) ==
		       -ENOSPC) {
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
		val = lfq_kt_pop(s);
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
			if ((s->kind->flags & LFQ_KIND_RCU_NODES))
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
		ret = lfq_kt_push(s, idx, GFP_ATOMIC);
		if (!ret)
			s->irq_pushed++;
		else if (ret != -ENOSPC)
			s->irq_errors++;
	}
	val = lfq_kt_pop(s);
	if (val) {
		s->irq_popped++;
		lfq_kt_consume(s, val, s->irq_last);
	}
	if (READ_ONCE(s->irq_stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, ns_to_ktime(LFQ_KT_IRQ_PERIOD_NS));
	return HRTIMER_RESTART;
}

static void lfq_kt_destroy_objs(const struct lfq_kind *k, void *c,
				struct lfq_kt_obj *objs,
				struct lfq_kt_tally *t);

/*
 * The stress run: with @nodes, of the intrusive operations, on objects
 * that each are pushed once (so none is reused, and none needs a grace
 * period before the test frees them all, after the last pop).
 */
static void lfq_kt_stress_run(struct kunit *test, bool use_irq, bool nodes)
{
	const struct lfq_kind *k = test->param_value;
	unsigned int nr_threads, i, nr_created = 0;
	struct lfq_kt_thread *threads;
	struct lfq_kt_stress *s;
	unsigned long nr_vals, first_unseen;
	long pushed, popped, released;
	ktime_t start;

	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->kind = k;
	s->per_prod = max(stress_values, 1U);
	s->nr_prod = max(num_online_cpus(), 2U);
	s->nr_cons = s->nr_prod;
	nr_threads = s->nr_prod + s->nr_cons;
	/* one extra producer's worth of values for the hrtimer */
	nr_vals = (s->nr_prod + 1) * s->per_prod;
	s->tally = lfq_kt_tally_alloc(test, nr_vals);
	if (nodes) {
		s->objs = kunit_kcalloc(test, nr_vals, sizeof(*s->objs),
					GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, s->objs);
	}
	s->obj = lfq_kt_alloc(test, k);
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
	synchronize_rcu();
	KUNIT_EXPECT_EQ(test, lfq_rcu_backlog(), 0UL);

	KUNIT_ASSERT_EQ(test, lfq_kt_init(k, s->obj, LFQ_KT_STRESS_RING),
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
		/* nothing pushed yet; but through the API the run uses */
		if (nodes)
			k->destroy_nodes(s->obj, NULL, LFQ_KT_OBJ_OFF);
		else
			k->destroy(s->obj, NULL);
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
			if ((k->flags & LFQ_KIND_RCU_NODES))
				lfq_kt_note_backlog(s);
	}

	if (use_irq) {
		WRITE_ONCE(s->irq_stop, true);
		hrtimer_cancel(&s->timer);
	}

	if (nodes)
		lfq_kt_destroy_objs(k, s->obj, s->objs, s->tally);
	else
		lfq_kt_destroy(k, s->obj, s->tally);

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

	/* the intrusive API frees no node of the caller's */
	if ((k->flags & LFQ_KIND_RCU_NODES)) {
		kunit_info(test, "peak lfq_rcu_backlog() during the run: %ld",
			   atomic_long_read(&s->backlog_peak));
		if (!nodes)
			KUNIT_EXPECT_GT(test,
					atomic_long_read(&s->backlog_peak), 0L);
	}
	rcu_barrier();
	synchronize_rcu();
	KUNIT_EXPECT_EQ(test, lfq_rcu_backlog(), 0UL);
}

static void lfq_kt_stress(struct kunit *test, bool use_irq)
{
	lfq_kt_stress_run(test, use_irq, false);
}

/*
 * The stress cases push and pop from many kthreads at once, which an
 * LFQ_KIND_OWNER kind forbids; its own suite runs it as one owner and
 * many thieves (lfq_deque for the deque).
 */
static void lfq_kt_need_shared(struct kunit *test, const struct lfq_kind *k)
{
	if (k->flags & LFQ_KIND_OWNER)
		kunit_skip(test, "%s: push/pop are owner-only, see its own suite",
			   k->name);
}

static void kthread_stress(struct kunit *test)
{
	lfq_kt_need_shared(test, test->param_value);
	lfq_kt_stress(test, false);
}

static void ring_capacity(struct kunit *test)
{
	const struct lfq_kind *k = test->priv;
	struct lfq_ring *r = lfq_kt_alloc(test, k);
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
	const struct lfq_kind *k = test->priv;
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 1);
	struct lfq_ring *r = lfq_kt_alloc(test, k);
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
	lfq_kt_destroy(k, r, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released), 0L);
}

/* Bulk operations move all n values or none, and leave the ring alone. */
static void ring_bulk(struct kunit *test)
{
	const struct lfq_kind *k = test->priv;
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 1);
	struct lfq_ring *r = lfq_kt_alloc(test, k);
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
	lfq_kt_destroy(k, r, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released), 0L);
}

/* Burst operations move as many values as fit, in order. */
static void ring_burst(struct kunit *test)
{
	const struct lfq_kind *k = test->priv;
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 1);
	struct lfq_ring *r = lfq_kt_alloc(test, k);
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
	lfq_kt_destroy(k, r, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released), 0L);
}

/*
 * Capacity 2, thousands of laps: single, bulk and burst operations picked
 * by a fixed pseudo-random sequence, each checked against a model.
 */
static void ring_tiny_laps(struct kunit *test)
{
	const struct lfq_kind *k = test->priv;
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 1);
	struct lfq_ring *r = lfq_kt_alloc(test, k);
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
	lfq_kt_destroy(k, r, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released),
			(long)lfq_kt_model_len(m));
}

static void hardirq_stress(struct kunit *test)
{
	const struct lfq_kind *k = test->param_value;

	lfq_kt_need_ctx(test, k, LFQ_CTX_HARDIRQ);
	lfq_kt_need_shared(test, k);
	lfq_kt_stress(test, true);
}

/* The parameters of the lfq_kinds suite: every kind of the registry. */
static const void *lfq_kt_kind_params(const void *prev, char *desc)
{
	const struct lfq_kind *k = prev ? (const struct lfq_kind *)prev + 1 :
				   lfq_kinds;

	if (k >= lfq_kinds + lfq_nr_kinds)
		return NULL;
	strscpy(desc, k->name, KUNIT_PARAM_DESC_SIZE);
	return k;
}

/* KUNIT_CASE_PARAM_ATTR with KUNIT_SPEED_SLOW where KUnit has speeds. */
#ifdef KUNIT_CASE_SLOW
#define LFQ_KT_SLOW_PARAM(fn, gen) \
	KUNIT_CASE_PARAM_ATTR(fn, gen, { .speed = KUNIT_SPEED_SLOW })
#define LFQ_KT_SLOW(fn)	KUNIT_CASE_SLOW(fn)
#else
#define LFQ_KT_SLOW_PARAM(fn, gen)	KUNIT_CASE_PARAM(fn, gen)
#define LFQ_KT_SLOW(fn)	KUNIT_CASE(fn)
#endif

static struct kunit_case lfq_kt_kind_cases[] = {
	KUNIT_CASE_PARAM(empty_after_init, lfq_kt_kind_params),
	KUNIT_CASE_PARAM(null_is_rejected, lfq_kt_kind_params),
	KUNIT_CASE_PARAM(push_pop_order, lfq_kt_kind_params),
	KUNIT_CASE_PARAM(many_laps, lfq_kt_kind_params),
	KUNIT_CASE_PARAM(destroy_drains, lfq_kt_kind_params),
	KUNIT_CASE_PARAM(push_many, lfq_kt_kind_params),
	KUNIT_CASE_PARAM(rcu_backlog, lfq_kt_kind_params),
	KUNIT_CASE_PARAM(irqs_disabled_ops, lfq_kt_kind_params),
	LFQ_KT_SLOW_PARAM(kthread_stress, lfq_kt_kind_params),
	LFQ_KT_SLOW_PARAM(hardirq_stress, lfq_kt_kind_params),
	{}
};

static struct kunit_suite lfq_kt_kind_suite = {
	.name = "lfq_kinds",
	.test_cases = lfq_kt_kind_cases,
};

/* The ring's own suite runs on the registry's "ring" entry. */
static int lfq_kt_ring_init(struct kunit *test)
{
	const struct lfq_kind *k = lfq_kind_by_name("ring");

	if (!k || k->size != sizeof(struct lfq_ring))
		return -ENODEV;
	test->priv = (void *)k;
	return 0;
}

static struct kunit_case lfq_kt_ring_cases[] = {
	KUNIT_CASE(ring_capacity),
	KUNIT_CASE(ring_full),
	KUNIT_CASE(ring_bulk),
	KUNIT_CASE(ring_burst),
	KUNIT_CASE(ring_tiny_laps),
	{}
};

static struct kunit_suite lfq_kt_ring_suite = {
	.name = "lfq_ring",
	.init = lfq_kt_ring_init,
	.test_cases = lfq_kt_ring_cases,
};

/*
 * msq, white box: the state a push leaves between linking its node and
 * swinging tail (tail one node behind the last) must be helped along by
 * the next push, and by a pop that finds head == tail with a successor
 * before head passes tail: otherwise tail would point at a node that pop
 * hands to RCU.  The test sets that state by moving tail back itself.
 */
static void msq_lagging_tail(struct kunit *test)
{
	struct lfq_msq *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
	struct lfq_msq_node *before, *head, *tail;

	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_ASSERT_EQ(test, lfq_msq_init(q, GFP_KERNEL), 0);

	/* a push finds tail lagging: it moves tail on, then appends */
	before = READ_ONCE(q->tail);
	KUNIT_ASSERT_EQ(test, lfq_msq_push(q, lfq_kt_val(0), GFP_KERNEL), 0);
	tail = READ_ONCE(q->tail);
	KUNIT_ASSERT_PTR_NE(test, tail, before);
	WRITE_ONCE(q->tail, before);
	KUNIT_EXPECT_EQ(test, lfq_msq_push(q, lfq_kt_val(1), GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, lfq_msq_len(q), 2UL);
	KUNIT_EXPECT_PTR_EQ(test, lfq_msq_pop(q), lfq_kt_val(0));
	KUNIT_EXPECT_PTR_EQ(test, lfq_msq_pop(q), lfq_kt_val(1));
	KUNIT_EXPECT_TRUE(test, lfq_msq_empty(q));

	/* a pop finds head == tail with a successor: not empty */
	before = READ_ONCE(q->tail);
	head = READ_ONCE(q->head);
	KUNIT_ASSERT_PTR_EQ(test, head, before);
	KUNIT_ASSERT_EQ(test, lfq_msq_push(q, lfq_kt_val(2), GFP_KERNEL), 0);
	WRITE_ONCE(q->tail, before);
	KUNIT_EXPECT_PTR_EQ(test, lfq_msq_pop(q), lfq_kt_val(2));
	/* tail moved on before head did: both on the new dummy */
	head = READ_ONCE(q->head);
	tail = READ_ONCE(q->tail);
	KUNIT_EXPECT_PTR_EQ(test, tail, head);
	KUNIT_EXPECT_PTR_NE(test, tail, before);
	KUNIT_EXPECT_NULL(test, lfq_msq_pop(q));
	KUNIT_EXPECT_EQ(test, lfq_msq_push(q, lfq_kt_val(3), GFP_KERNEL), 0);
	KUNIT_EXPECT_PTR_EQ(test, lfq_msq_pop(q), lfq_kt_val(3));
	lfq_msq_destroy(q, NULL);
}

/*
 * msq, white box: the "void *" pop is the paper's dequeue.  The node of
 * the value it takes becomes the dummy at head, so taking the last value
 * links no new node (it allocates nothing); len and empty do not count
 * the value once held by head, and destroy does not release it.
 */
static void msq_pop_keeps_node(struct kunit *test)
{
	struct lfq_msq *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 3);
	struct lfq_msq_node *last;
	unsigned long i;

	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_ASSERT_EQ(test, lfq_msq_init(q, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, lfq_msq_push(q, lfq_kt_val(0), GFP_KERNEL), 0);
	last = READ_ONCE(q->tail);
	KUNIT_EXPECT_PTR_EQ(test, lfq_msq_pop(q), lfq_kt_val(0));
	/* the value's node is head and tail, with nothing linked after it */
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(q->head), last);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(q->tail), last);
	KUNIT_EXPECT_NULL(test, READ_ONCE(last->next));
	KUNIT_EXPECT_TRUE(test, lfq_msq_empty(q));
	KUNIT_EXPECT_EQ(test, lfq_msq_len(q), 0UL);
	KUNIT_EXPECT_NULL(test, lfq_msq_pop(q));

	for (i = 1; i < 3; i++)
		KUNIT_EXPECT_EQ(test, lfq_msq_push(q, lfq_kt_val(i),
						   GFP_KERNEL), 0);
	KUNIT_EXPECT_PTR_EQ(test, lfq_msq_pop(q), lfq_kt_val(1));
	KUNIT_EXPECT_FALSE(test, lfq_msq_empty(q));
	KUNIT_EXPECT_EQ(test, lfq_msq_len(q), 1UL);
	lfq_kt_release_tally = t;
	lfq_msq_destroy(q, lfq_kt_release);
	lfq_kt_release_tally = NULL;
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released), 1L);
	KUNIT_EXPECT_TRUE(test, test_bit(2, t->seen));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->dups), 0L);
}

static struct kunit_case lfq_kt_msq_cases[] = {
	KUNIT_CASE(msq_lagging_tail),
	KUNIT_CASE(msq_pop_keeps_node),
	{}
};

static struct kunit_suite lfq_kt_msq_suite = {
	.name = "lfq_msq",
	.test_cases = lfq_kt_msq_cases,
};

/*
 * stack, white box: ABA.  A pop's compare-and-exchange of top would
 * succeed against a node popped, freed and pushed again at the same
 * address meanwhile.  RCU rules that out: a node popped while a read-side
 * section is open is not freed before it ends, so no push in between gets
 * its address back.  (Without RCU, the slab's freelist would hand the
 * last freed node to the next push; a KASAN kernel's quarantine hides
 * that, so only a kernel without KASAN can see this case fail.)
 */
static void stack_no_aba(struct kunit *test)
{
	struct lfq_stack *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct lfq_stack_node *popped[8], *top;
	unsigned int i, j, reused = 0;
	int ret = 0;

	KUNIT_ASSERT_NOT_NULL(test, s);
	lfq_stack_init(s);
	for (i = 0; i < ARRAY_SIZE(popped); i++)
		KUNIT_ASSERT_EQ(test, lfq_stack_push(s, lfq_kt_val(i),
						     GFP_KERNEL), 0);
	rcu_read_lock();
	for (i = 0; i < ARRAY_SIZE(popped); i++) {
		popped[i] = READ_ONCE(s->top);
		if (lfq_stack_pop(s) != lfq_kt_val(ARRAY_SIZE(popped) - 1 - i))
			ret = -EIO;
	}
	for (i = 0; i < ARRAY_SIZE(popped); i++) {
		ret = ret ?: lfq_stack_push(s, lfq_kt_val(i), GFP_ATOMIC);
		top = READ_ONCE(s->top);
		for (j = 0; j < ARRAY_SIZE(popped); j++)
			reused += top == popped[j];
	}
	rcu_read_unlock();
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, reused, 0U);
	lfq_stack_destroy(s, NULL);
}

static struct kunit_case lfq_kt_stack_cases[] = {
	KUNIT_CASE(stack_no_aba),
	{}
};

static struct kunit_suite lfq_kt_stack_suite = {
	.name = "lfq_stack",
	.test_cases = lfq_kt_stack_cases,
};

/*
 * lfq_deque: the work-stealing deque through its own API.  The owner
 * pushes and pops at the bottom (LIFO), thieves steal at the top (FIFO).
 */

/* One thread, owner and thief in turn: LIFO at the bottom, FIFO at the top. */
static void deque_order(struct kunit *test)
{
	struct lfq_deque *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	unsigned long i;

	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_EQ(test, lfq_deque_init(d, 8, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, lfq_deque_capacity(d), 8U);
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, lfq_deque_push(d, lfq_kt_val(i)), 0);
	KUNIT_EXPECT_EQ(test, lfq_deque_len(d), 8U);
	/* values 0..7: thieves take 0, 1, 2, 3, the owner 7, 6, 5, 4 */
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_PTR_EQ(test, lfq_deque_steal(d), lfq_kt_val(i));
		KUNIT_EXPECT_PTR_EQ(test, lfq_deque_pop(d), lfq_kt_val(7 - i));
		KUNIT_EXPECT_EQ(test, lfq_deque_len(d), 6 - 2 * i);
	}
	KUNIT_EXPECT_TRUE(test, lfq_deque_empty(d));
	KUNIT_EXPECT_NULL(test, lfq_deque_pop(d));
	KUNIT_EXPECT_NULL(test, lfq_deque_steal(d));
	/* the owner's pushes after steals go on top of what is left */
	KUNIT_EXPECT_EQ(test, lfq_deque_push(d, lfq_kt_val(10)), 0);
	KUNIT_EXPECT_EQ(test, lfq_deque_push(d, lfq_kt_val(11)), 0);
	KUNIT_EXPECT_PTR_EQ(test, lfq_deque_steal(d), lfq_kt_val(10));
	KUNIT_EXPECT_EQ(test, lfq_deque_push(d, lfq_kt_val(12)), 0);
	KUNIT_EXPECT_PTR_EQ(test, lfq_deque_pop(d), lfq_kt_val(12));
	KUNIT_EXPECT_PTR_EQ(test, lfq_deque_steal(d), lfq_kt_val(11));
	KUNIT_EXPECT_TRUE(test, lfq_deque_empty(d));
	lfq_deque_destroy(d, NULL);
}

/* Capacity limits, NULL, full, the last value, and laps at capacity 2. */
static void deque_edges(struct kunit *test)
{
	struct lfq_deque *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, 4);
	unsigned long lap, errors = 0;

	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_EXPECT_EQ(test, lfq_deque_init(d, 0, GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, lfq_deque_init(d, 1, GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, lfq_deque_init(d, 6, GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, lfq_deque_init(d, LFQ_DEQUE_MAX_CAPACITY * 2,
					     GFP_KERNEL), -EINVAL);
	KUNIT_ASSERT_EQ(test, lfq_deque_init(d, 2, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, lfq_deque_push(d, NULL), -EINVAL);
	KUNIT_EXPECT_TRUE(test, lfq_deque_empty(d));

	/* full: the third push is turned away, and nothing changed */
	KUNIT_EXPECT_EQ(test, lfq_deque_push(d, lfq_kt_val(0)), 0);
	KUNIT_EXPECT_EQ(test, lfq_deque_push(d, lfq_kt_val(1)), 0);
	KUNIT_EXPECT_EQ(test, lfq_deque_push(d, lfq_kt_val(2)), -ENOSPC);
	KUNIT_EXPECT_EQ(test, lfq_deque_len(d), 2U);
	/* a steal frees a slot: the owner may push again (wraps) */
	KUNIT_EXPECT_PTR_EQ(test, lfq_deque_steal(d), lfq_kt_val(0));
	KUNIT_EXPECT_EQ(test, lfq_deque_push(d, lfq_kt_val(2)), 0);
	KUNIT_EXPECT_PTR_EQ(test, lfq_deque_pop(d), lfq_kt_val(2));
	/* one value left: the steal gets it and pop finds nothing */
	KUNIT_EXPECT_PTR_EQ(test, lfq_deque_steal(d), lfq_kt_val(1));
	KUNIT_EXPECT_NULL(test, lfq_deque_pop(d));
	/* one value left: pop gets it and the steal finds nothing */
	KUNIT_EXPECT_EQ(test, lfq_deque_push(d, lfq_kt_val(3)), 0);
	KUNIT_EXPECT_PTR_EQ(test, lfq_deque_pop(d), lfq_kt_val(3));
	KUNIT_EXPECT_NULL(test, lfq_deque_steal(d));
	KUNIT_EXPECT_EQ(test, lfq_deque_len(d), 0U);

	/* thousands of laps round two slots, from both ends */
	for (lap = 0; lap < 4000; lap++) {
		void *a = lfq_kt_val(2 * lap), *b = lfq_kt_val(2 * lap + 1);

		errors += !!lfq_deque_push(d, a);
		errors += !!lfq_deque_push(d, b);
		if (lap & 1) {
			errors += lfq_deque_pop(d) != b;
			errors += lfq_deque_steal(d) != a;
		} else {
			errors += lfq_deque_steal(d) != a;
			errors += lfq_deque_pop(d) != b;
		}
		errors += !lfq_deque_empty(d);
	}
	KUNIT_EXPECT_EQ(test, errors, 0UL);

	/* destroy hands back what is left, oldest first */
	KUNIT_EXPECT_EQ(test, lfq_deque_push(d, lfq_kt_val(0)), 0);
	KUNIT_EXPECT_EQ(test, lfq_deque_push(d, lfq_kt_val(1)), 0);
	KUNIT_EXPECT_PTR_EQ(test, lfq_deque_steal(d), lfq_kt_val(0));
	lfq_kt_release_tally = t;
	lfq_deque_destroy(d, lfq_kt_release);
	lfq_kt_release_tally = NULL;
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released), 1L);
	KUNIT_EXPECT_TRUE(test, test_bit(1, t->seen));
}

/* Capacity of the deque in the owner + thieves cases: small, so often full. */
#define LFQ_KT_DEQUE_CAP	16

/**
 * struct lfq_kt_steal - shared state of one owner + thieves run
 * @d: the deque
 * @tally: every value popped, stolen or released, exactly once
 * @nr_vals: the owner pushes values 0 .. @nr_vals - 1 in order
 * @nr_thieves: thief kthreads
 * @gate: opened once every kthread exists
 * @owner_done: the owner has pushed everything and emptied the deque
 * @deadline: jiffies after which a spinning kthread gives up
 * @timed_out: some kthread gave up
 * @pushed: values the owner pushed
 * @popped: values the owner popped
 * @stolen: values thief kthreads stole
 * @order_errors: values a thief got below one it had stolen before
 * @timer: the hard-irq thief (deque_hardirq_steal only)
 * @irq_stop: tells @timer not to rearm
 * @irq_calls: @timer callbacks run
 * @irq_hard: ... of which in hard interrupt context
 * @irq_stolen: values @timer stole
 * @irq_next: 1 + the value @timer last stole
 * @irq_first: with @timer: the thieves start, and the owner gives up its
 *	last value, only once @timer has stolen one (with two CPUs the
 *	thieves and the owner used to empty the deque before any tick found
 *	a value: 13 ticks, 0 stolen)
 *
 * A thief's steals come out in increasing order: top only moves up, and
 * the value at each position was pushed after those below it.
 */
struct lfq_kt_steal {
	struct lfq_deque d;
	struct lfq_kt_tally *tally;
	unsigned long nr_vals;
	unsigned int nr_thieves;
	struct completion gate;
	bool owner_done;
	unsigned long deadline;
	bool timed_out;
	unsigned long pushed;
	unsigned long popped;
	atomic_long_t stolen;
	atomic_long_t order_errors;

	struct hrtimer timer;
	bool irq_stop;
	unsigned long irq_calls;
	unsigned long irq_hard;
	unsigned long irq_stolen;
	unsigned long irq_next;
	bool irq_first;
};

/**
 * struct lfq_kt_dthread - one kthread of an owner + thieves run
 * @s: the run it belongs to
 * @task: the kthread
 * @done: completed by the kthread as it exits
 */
struct lfq_kt_dthread {
	struct lfq_kt_steal *s;
	struct task_struct *task;
	struct completion done;
};

static bool lfq_kt_steal_expired(struct lfq_kt_steal *s)
{
	if (!time_after(jiffies, s->deadline))
		return false;
	WRITE_ONCE(s->timed_out, true);
	return true;
}

/* Record a stolen value; @next is the thief's 1 + last value. */
static void lfq_kt_stolen(struct lfq_kt_steal *s, void *val,
			  unsigned long *next)
{
	unsigned long idx = lfq_kt_idx(val);

	if (!lfq_kt_tally_add(s->tally, val))
		return;
	if (idx < *next)
		atomic_long_inc(&s->order_errors);
	*next = idx + 1;
}

static void lfq_kt_owner_pop(struct lfq_kt_steal *s)
{
	void *val = lfq_deque_pop(&s->d);

	if (val && lfq_kt_tally_add(s->tally, val))
		s->popped++;
}

/*
 * With @irq_first: wait until the hrtimer has stolen a value (or the run
 * timed out).  The timer runs on the owner's CPU whatever it does.
 */
static void lfq_kt_irq_waited(struct lfq_kt_steal *s)
{
	while (s->irq_first && !READ_ONCE(s->irq_stolen) &&
	       !lfq_kt_steal_expired(s))
		cond_resched();
}

static int lfq_kt_owner(void *arg)
{
	struct lfq_kt_dthread *t = arg;
	struct lfq_kt_steal *s = t->s;
	/* with irq_first, the last value is kept for the hrtimer */
	unsigned long i = 0, last = s->nr_vals - s->irq_first;
	u64 r = 1;
	void *val;

	wait_for_completion(&s->gate);
	while (i < last && !lfq_kt_steal_expired(s)) {
		/* a small LCG: 5 pushes in 8, else a pop, now and then all */
		r = r * 6364136223846793005ULL + 1442695040888963407ULL;
		switch ((r >> 33) % 64) {
		case 0:
			while ((val = lfq_deque_pop(&s->d)))
				if (lfq_kt_tally_add(s->tally, val))
					s->popped++;
			break;
		case 1 ... 24:
			lfq_kt_owner_pop(s);
			break;
		default:
			if (!lfq_deque_push(&s->d, lfq_kt_val(i))) {
				i++;
				s->pushed++;
			} else {
				lfq_kt_owner_pop(s);	/* full */
			}
		}
		if (!(i % 64))
			cond_resched();
	}
	if (s->irq_first && i == last) {
		/* the last value, left for the hrtimer (no thief runs yet) */
		while (lfq_deque_push(&s->d, lfq_kt_val(i)))
			lfq_kt_owner_pop(s);	/* full */
		i++;
		s->pushed++;
		lfq_kt_irq_waited(s);
	}
	while ((val = lfq_deque_pop(&s->d)))
		if (lfq_kt_tally_add(s->tally, val))
			s->popped++;
	/* pairs with smp_load_acquire() of owner_done in lfq_kt_thief() */
	smp_store_release(&s->owner_done, true);
	kthread_complete_and_exit(&t->done, 0);
}

static int lfq_kt_thief(void *arg)
{
	struct lfq_kt_dthread *t = arg;
	struct lfq_kt_steal *s = t->s;
	unsigned long stolen = 0, next = 0;
	bool done;
	void *val;

	wait_for_completion(&s->gate);
	lfq_kt_irq_waited(s);
	for (;;) {
		/* pairs with smp_store_release() in lfq_kt_owner() */
		done = smp_load_acquire(&s->owner_done);
		val = lfq_deque_steal(&s->d);
		if (!val) {
			/* the owner emptied the deque before it said done */
			if (done || lfq_kt_steal_expired(s))
				break;
			cond_resched();
			continue;
		}
		lfq_kt_stolen(s, val, &next);
		if (!(++stolen % 64))
			cond_resched();
	}
	atomic_long_add(stolen, &s->stolen);
	kthread_complete_and_exit(&t->done, 0);
}

/* Steals one value per tick, in hard interrupt context. */
static enum hrtimer_restart lfq_kt_irq_thief(struct hrtimer *timer)
{
	struct lfq_kt_steal *s = container_of(timer, struct lfq_kt_steal,
					      timer);
	void *val;

	s->irq_calls++;
	if (in_hardirq())
		s->irq_hard++;
	val = lfq_deque_steal(&s->d);
	if (val) {
		/* one writer; the kthreads read it (lfq_kt_irq_waited()) */
		WRITE_ONCE(s->irq_stolen, s->irq_stolen + 1);
		lfq_kt_stolen(s, val, &s->irq_next);
	}
	if (READ_ONCE(s->irq_stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, ns_to_ktime(LFQ_KT_IRQ_PERIOD_NS));
	return HRTIMER_RESTART;
}

/*
 * One owner kthread pushes stress_values values per thief (and pops some
 * of them back), one thief kthread per online CPU (at least two) steals,
 * and with @use_irq an hrtimer, pinned to the owner's CPU, steals from
 * hard interrupt context, interrupting the owner.  Checks conservation
 * and exactly-once (everything pushed was popped, stolen or released by
 * destroy, once), and each thief's order.
 */
static void lfq_kt_steal_run(struct kunit *test, bool use_irq)
{
	unsigned int nr_threads, i, nr_created = 0, cpu;
	struct lfq_kt_dthread *threads;
	struct lfq_kt_steal *s;
	long released, stolen;
	ktime_t start;

	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	s->nr_thieves = max(num_online_cpus(), 2U);
	s->nr_vals = (unsigned long)max(stress_values, 1U) * s->nr_thieves;
	nr_threads = 1 + s->nr_thieves;
	s->tally = lfq_kt_tally_alloc(test, s->nr_vals);
	threads = kunit_kcalloc(test, nr_threads, sizeof(*threads), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, threads);
	init_completion(&s->gate);
	KUNIT_ASSERT_EQ(test, lfq_deque_init(&s->d, LFQ_KT_DEQUE_CAP,
					     GFP_KERNEL), 0);

	for (i = 0; i < nr_threads; i++) {
		struct lfq_kt_dthread *t = &threads[i];

		t->s = s;
		init_completion(&t->done);
		t->task = kthread_create(i ? lfq_kt_thief : lfq_kt_owner, t,
					 "lfq_kt_%s%u", i ? "t" : "o", i);
		if (IS_ERR(t->task))
			break;
		nr_created++;
	}
	if (nr_created < nr_threads) {
		KUNIT_FAIL(test, "kthread_create: %ld",
			   PTR_ERR(threads[nr_created].task));
		for (i = 0; i < nr_created; i++)
			kthread_stop(threads[i].task);
		lfq_deque_destroy(&s->d, NULL);
		return;
	}

	s->irq_first = use_irq;
	cpu = get_cpu();
	if (use_irq) {
		/* pinned: the timer fires on the CPU the owner is bound to */
		hrtimer_init(&s->timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED_HARD);
		s->timer.function = lfq_kt_irq_thief;
		hrtimer_start(&s->timer, ns_to_ktime(LFQ_KT_IRQ_PERIOD_NS),
			      HRTIMER_MODE_REL_PINNED_HARD);
	}
	put_cpu();
	kthread_bind(threads[0].task, cpu);

	start = ktime_get();
	s->deadline = jiffies + stress_timeout * HZ;
	for (i = 0; i < nr_threads; i++)
		wake_up_process(threads[i].task);
	complete_all(&s->gate);
	for (i = 0; i < nr_threads; i++)
		wait_for_completion(&threads[i].done);

	if (use_irq) {
		WRITE_ONCE(s->irq_stop, true);
		hrtimer_cancel(&s->timer);
	}
	lfq_kt_release_tally = s->tally;
	lfq_deque_destroy(&s->d, lfq_kt_release);
	lfq_kt_release_tally = NULL;

	stolen = atomic_long_read(&s->stolen) + s->irq_stolen;
	released = atomic_long_read(&s->tally->released);
	kunit_info(test, "owner + %u thieves%s: %lu pushed, %lu popped, %ld stolen, %ld drained in %lld ms",
		   s->nr_thieves, use_irq ? " + hrtimer" : "", s->pushed,
		   s->popped, stolen, released,
		   ktime_ms_delta(ktime_get(), start));
	KUNIT_EXPECT_FALSE_MSG(test, READ_ONCE(s->timed_out),
			       "kthreads gave up after %u s", stress_timeout);
	KUNIT_EXPECT_EQ(test, s->pushed, s->nr_vals);
	/* the owner emptied the deque before it stopped */
	KUNIT_EXPECT_EQ(test, released, 0L);
	KUNIT_EXPECT_EQ(test, (long)s->pushed,
			(long)s->popped + stolen + released);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&s->tally->dups), 0L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&s->tally->bogus), 0L);
	KUNIT_EXPECT_EQ(test,
			(unsigned long)bitmap_weight(s->tally->seen, s->nr_vals),
			s->nr_vals);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&s->order_errors), 0L);
	if (use_irq) {
		kunit_info(test, "hrtimer on CPU %u: %lu calls (%lu in hardirq), %lu stolen",
			   cpu, s->irq_calls, s->irq_hard, s->irq_stolen);
		KUNIT_EXPECT_GT(test, s->irq_calls, 0UL);
		KUNIT_EXPECT_EQ(test, s->irq_hard, s->irq_calls);
		KUNIT_EXPECT_GT(test, s->irq_stolen, 0UL);
	}
}

static void deque_kthread_steal(struct kunit *test)
{
	lfq_kt_steal_run(test, false);
}

static void deque_hardirq_steal(struct kunit *test)
{
	lfq_kt_steal_run(test, true);
}

static struct kunit_case lfq_kt_deque_cases[] = {
	KUNIT_CASE(deque_order),
	KUNIT_CASE(deque_edges),
	LFQ_KT_SLOW(deque_kthread_steal),
	LFQ_KT_SLOW(deque_hardirq_steal),
	{}
};

static struct kunit_suite lfq_kt_deque_suite = {
	.name = "lfq_deque",
	.test_cases = lfq_kt_deque_cases,
};

/*
 * lfq_pool: the object pool, through its own API (it is not a kind).
 * Every case checks that an object is held by at most one holder at a
 * time: the first word of each object is an owner, exchanged from 0 to
 * the holder's id on get and back on put, and the rest is filled by the
 * holder and checked before put.
 */
#define LFQ_KT_POOL_SIZE	40
#define LFQ_KT_POOL_WORDS	(LFQ_KT_POOL_SIZE / sizeof(unsigned long))
/* The hrtimer's holder id: the kthreads' are 1 and up. */
#define LFQ_KT_POOL_IRQ_ID	(~0UL >> 8)

static void lfq_kt_pool_ctor(void *obj, void *arg)
{
	atomic_inc(arg);
}

/* init, get every object, empty, refusals, put every object, destroy */
static void pool_get_all(struct kunit *test)
{
	struct lfq_pool *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	void *objs[7], *o;
	atomic_t ctor_calls = ATOMIC_INIT(0);
	unsigned int i, j;
	int on_stack;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, lfq_pool_init(p, 0, 8, GFP_KERNEL, NULL, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lfq_pool_init(p, 4, 0, GFP_KERNEL, NULL, NULL),
			-EINVAL);
	KUNIT_ASSERT_EQ(test, lfq_pool_init(p, ARRAY_SIZE(objs),
					    LFQ_KT_POOL_SIZE, GFP_KERNEL,
					    lfq_kt_pool_ctor, &ctor_calls), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctor_calls), (int)ARRAY_SIZE(objs));
	KUNIT_EXPECT_EQ(test, lfq_pool_avail(p), (unsigned int)ARRAY_SIZE(objs));
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		objs[i] = lfq_pool_get(p);
		KUNIT_ASSERT_NOT_NULL(test, objs[i]);
		KUNIT_EXPECT_EQ(test, (unsigned long)objs[i] % SMP_CACHE_BYTES,
				0UL);
		/* KASAN checks that every byte is inside the allocation */
		memset(objs[i], i, LFQ_KT_POOL_SIZE);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_PTR_NE(test, objs[j], objs[i]);
	}
	KUNIT_EXPECT_NULL(test, lfq_pool_get(p));
	KUNIT_EXPECT_EQ(test, lfq_pool_avail(p), 0U);
	KUNIT_EXPECT_EQ(test, lfq_pool_put(p, &on_stack), -EINVAL);
	KUNIT_EXPECT_EQ(test, lfq_pool_put(p, (char *)objs[0] + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, lfq_pool_put(p, NULL), -EINVAL);
	for (i = 0; i < ARRAY_SIZE(objs); i++) {
		KUNIT_EXPECT_EQ(test, ((unsigned char *)objs[i])[0], i);
		KUNIT_EXPECT_EQ(test, ((unsigned char *)objs[i])
				[LFQ_KT_POOL_SIZE - 1], i);
		KUNIT_EXPECT_EQ(test, lfq_pool_put(p, objs[i]), 0);
	}
	KUNIT_EXPECT_EQ(test, lfq_pool_avail(p), (unsigned int)ARRAY_SIZE(objs));
	o = lfq_pool_get(p);
	KUNIT_EXPECT_PTR_EQ(test, o, objs[ARRAY_SIZE(objs) - 1]);
	KUNIT_EXPECT_EQ(test, lfq_pool_put(p, o), 0);
	lfq_pool_destroy(p);
	lfq_pool_destroy(p);
}

/**
 * struct lfq_kt_pool_run - one run of pool_kthreads or pool_hardirq
 * @p: the pool, tiny so that holders contend
 * @ops: gets and puts each kthread makes
 * @deadline: jiffies after which the kthreads give up
 * @gate: released when every kthread exists
 * @gets: successful gets, all holders
 * @doubles: objects found held by another holder, or refused puts
 * @torn: words of a held object changed by someone else
 * @timer: the hard-irq getter and putter (pool_hardirq only)
 * @irq_calls: timer callbacks (only the callback writes the irq_ fields)
 * @irq_hard: those in hard interrupt context
 * @irq_gets: objects they got
 * @irq_held: the object the timer holds until its next tick, or NULL
 * @irq_stop: set to end the timer
 */
struct lfq_kt_pool_run {
	struct lfq_pool p;
	unsigned long ops;
	unsigned long deadline;
	struct completion gate;
	atomic_long_t gets, doubles, torn;
	struct hrtimer timer;
	unsigned long irq_calls, irq_hard, irq_gets;
	unsigned long *irq_held;
	bool irq_stop;
};

struct lfq_kt_pool_thread {
	struct lfq_kt_pool_run *run;
	struct task_struct *task;
	struct completion done;
	unsigned long id;
};

/* Take the object for @me and fill it; counts a double if held. */
static void lfq_kt_pool_hold(struct lfq_kt_pool_run *run, unsigned long *o,
			     unsigned long me)
{
	unsigned int i;

	if (xchg(&o[0], me))
		atomic_long_inc(&run->doubles);
	for (i = 1; i < LFQ_KT_POOL_WORDS; i++)
		WRITE_ONCE(o[i], me << 8 | i);
}

static void lfq_kt_pool_release(struct lfq_kt_pool_run *run,
				unsigned long *o, unsigned long me)
{
	unsigned int i;

	for (i = 1; i < LFQ_KT_POOL_WORDS; i++)
		if (READ_ONCE(o[i]) != (me << 8 | i))
			atomic_long_inc(&run->torn);
	if (xchg(&o[0], 0) != me)
		atomic_long_inc(&run->doubles);
	if (lfq_pool_put(&run->p, o))
		atomic_long_inc(&run->doubles);
}

/* Holds one or two objects at a time, gets and puts @ops times. */
static int lfq_kt_pool_thread(void *arg)
{
	struct lfq_kt_pool_thread *t = arg;
	struct lfq_kt_pool_run *run = t->run;
	unsigned long *held[2] = { NULL, NULL };
	unsigned long op, gets = 0, me = t->id + 1;
	unsigned int slot;

	wait_for_completion(&run->gate);
	for (op = 0; op < run->ops; op++) {
		slot = op & 1;
		if (held[slot]) {
			lfq_kt_pool_release(run, held[slot], me);
			held[slot] = NULL;
		} else {
			held[slot] = lfq_pool_get(&run->p);
			if (held[slot]) {
				lfq_kt_pool_hold(run, held[slot], me);
				gets++;
			}
		}
		if (!(op % 64)) {
			if (time_after(jiffies, run->deadline))
				break;
			cond_resched();
		}
	}
	for (slot = 0; slot < 2; slot++)
		if (held[slot])
			lfq_kt_pool_release(run, held[slot], me);
	atomic_long_add(gets, &run->gets);
	kthread_complete_and_exit(&t->done, 0);
}

/*
 * In hard interrupt context: gets an object on one tick and puts it back
 * on the next, so the object stays held while the interrupted kthread
 * resumes.  A get interrupted between reading the list's head and updating
 * it must then not hand out the object the timer took, even on a single
 * CPU, where the timer is the only thing that can interleave with it.
 */
static enum hrtimer_restart lfq_kt_pool_irq(struct hrtimer *timer)
{
	struct lfq_kt_pool_run *run = container_of(timer,
						   struct lfq_kt_pool_run,
						   timer);
	const unsigned long me = LFQ_KT_POOL_IRQ_ID;

	run->irq_calls++;
	if (in_hardirq())
		run->irq_hard++;
	if (run->irq_held) {
		lfq_kt_pool_release(run, run->irq_held, me);
		run->irq_held = NULL;
	} else {
		run->irq_held = lfq_pool_get(&run->p);
		if (run->irq_held) {
			run->irq_gets++;
			lfq_kt_pool_hold(run, run->irq_held, me);
		}
	}
	if (READ_ONCE(run->irq_stop)) {
		if (run->irq_held)
			lfq_kt_pool_release(run, run->irq_held, me);
		run->irq_held = NULL;
		return HRTIMER_NORESTART;
	}
	hrtimer_forward_now(timer, ns_to_ktime(LFQ_KT_IRQ_PERIOD_NS / 4));
	return HRTIMER_RESTART;
}

static void lfq_kt_pool_stress(struct kunit *test, unsigned int nr,
			       bool use_irq)
{
	unsigned int nr_threads = 2 * max(num_online_cpus(), 2U);
	struct lfq_kt_pool_thread *threads;
	struct lfq_kt_pool_run *run;
	unsigned int i, created = 0;
	void **objs;
	ktime_t start;

	run = kunit_kzalloc(test, sizeof(*run), GFP_KERNEL);
	threads = kunit_kcalloc(test, nr_threads, sizeof(*threads),
				GFP_KERNEL);
	objs = kunit_kcalloc(test, nr, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, run);
	KUNIT_ASSERT_NOT_NULL(test, threads);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	KUNIT_ASSERT_EQ(test, lfq_pool_init(&run->p, nr, LFQ_KT_POOL_SIZE,
					    GFP_KERNEL, NULL, NULL), 0);
	run->ops = 8UL * max(stress_values, 1U);
	init_completion(&run->gate);
	for (i = 0; i < nr_threads; i++) {
		threads[i].run = run;
		threads[i].id = i + 1;
		init_completion(&threads[i].done);
		threads[i].task = kthread_run(lfq_kt_pool_thread, &threads[i],
					      "lfq_kt_pool%u", i);
		if (IS_ERR(threads[i].task))
			break;
		created++;
	}
	if (use_irq) {
		hrtimer_init(&run->timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_HARD);
		run->timer.function = lfq_kt_pool_irq;
		hrtimer_start(&run->timer, ns_to_ktime(LFQ_KT_IRQ_PERIOD_NS / 4),
			      HRTIMER_MODE_REL_HARD);
	}
	start = ktime_get();
	run->deadline = jiffies + stress_timeout * HZ;
	complete_all(&run->gate);
	for (i = 0; i < created; i++)
		wait_for_completion(&threads[i].done);
	if (use_irq) {
		WRITE_ONCE(run->irq_stop, true);
		hrtimer_cancel(&run->timer);
		/* cancelled before its last tick: put its object back */
		if (run->irq_held)
			lfq_kt_pool_release(run, run->irq_held,
					    LFQ_KT_POOL_IRQ_ID);
		run->irq_held = NULL;
	}
	kunit_info(test, "pool of %u, %u kthreads x %lu ops: %ld gets in %lld ms",
		   nr, created, run->ops, atomic_long_read(&run->gets),
		   ktime_ms_delta(ktime_get(), start));
	KUNIT_EXPECT_EQ(test, created, nr_threads);
	KUNIT_EXPECT_FALSE(test, time_after(jiffies, run->deadline));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&run->doubles), 0L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&run->torn), 0L);
	KUNIT_EXPECT_GT(test, atomic_long_read(&run->gets), 0L);
	if (use_irq) {
		kunit_info(test, "hrtimer: %lu calls (%lu in hardirq), %lu gets",
			   run->irq_calls, run->irq_hard, run->irq_gets);
		KUNIT_EXPECT_GT(test, run->irq_calls, 0UL);
		KUNIT_EXPECT_EQ(test, run->irq_hard, run->irq_calls);
		KUNIT_EXPECT_GT(test, run->irq_gets, 0UL);
	}
	/* conservation: every object back, each once */
	KUNIT_EXPECT_EQ(test, lfq_pool_avail(&run->p), nr);
	for (i = 0; i < nr; i++) {
		unsigned int j;

		objs[i] = lfq_pool_get(&run->p);
		KUNIT_EXPECT_NOT_NULL(test, objs[i]);
		for (j = 0; objs[i] && j < i; j++)
			KUNIT_EXPECT_PTR_NE(test, objs[j], objs[i]);
	}
	KUNIT_EXPECT_NULL(test, lfq_pool_get(&run->p));
	lfq_pool_destroy(&run->p);
}

static void pool_kthreads(struct kunit *test)
{
	lfq_kt_pool_stress(test, 1, false);
	lfq_kt_pool_stress(test, 3, false);
	lfq_kt_pool_stress(test, 64, false);
}

static void pool_hardirq(struct kunit *test)
{
	lfq_kt_pool_stress(test, 2, true);
	lfq_kt_pool_stress(test, 16, true);
}

static struct kunit_case lfq_kt_pool_cases[] = {
	KUNIT_CASE(pool_get_all),
	LFQ_KT_SLOW(pool_kthreads),
	LFQ_KT_SLOW(pool_hardirq),
	{}
};

static struct kunit_suite lfq_kt_pool_suite = {
	.name = "lfq_pool",
	.test_cases = lfq_kt_pool_cases,
};

/*
 * lfq_scq: what only Nikolaev's SCQ has, through its own API.  Its index
 * rings have 2 * capacity entries, and its position counters carry the
 * cycle, so the cases run capacities from 2 and start the counters just
 * below ULONG_MAX (lfq_scq_init_at()) to see them and the cycles wrap.
 */
static void scq_capacity(struct kunit *test)
{
	struct lfq_scq *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
	static const unsigned int bad[] = { 0, 1, 3, 6, 100,
					    LFQ_SCQ_MAX_CAPACITY * 2 };
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, q);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ(test, lfq_scq_init(q, bad[i], GFP_KERNEL),
				-EINVAL);
	KUNIT_ASSERT_EQ(test, lfq_scq_init(q, 2, GFP_KERNEL), 0);
	KUNIT_EXPECT_EQ(test, lfq_scq_capacity(q), 2U);
	KUNIT_EXPECT_TRUE(test, lfq_scq_empty(q));
	KUNIT_EXPECT_EQ(test, lfq_scq_push(q, NULL), -EINVAL);
	KUNIT_EXPECT_TRUE(test, lfq_scq_empty(q));
	lfq_scq_destroy(q, NULL);
}

/*
 * Fill and drain a queue of @cap values @laps times from position @start,
 * in runs of 1..@cap values, each run checked against a FIFO model: every
 * push of a run succeeds, the push after a full queue fails with -ENOSPC,
 * pops return the run in order, and the pop after it returns NULL.
 */
static void lfq_kt_scq_laps(struct kunit *test, unsigned int cap,
			    unsigned long start, unsigned int laps)
{
	struct lfq_scq *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
	unsigned long next = 0, head = 0, lap, i;
	unsigned int run;

	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_ASSERT_EQ(test, lfq_scq_init_at(q, cap, GFP_KERNEL, start), 0);
	for (lap = 0; lap < laps; lap++) {
		run = 1 + (lap * 7 + lap / cap) % cap;
		for (i = 0; i < run; i++)
			if (lfq_scq_push(q, lfq_kt_val(next++))) {
				KUNIT_FAIL(test, "cap %u lap %lu: push %lu of %u failed",
					   cap, lap, i, run);
				goto out;
			}
		KUNIT_EXPECT_EQ(test, lfq_scq_len(q), run);
		if (run == cap)
			KUNIT_EXPECT_EQ(test, lfq_scq_push(q, lfq_kt_val(0)),
					-ENOSPC);
		for (i = 0; i < run; i++) {
			void *v = lfq_scq_pop(q);

			if (v != lfq_kt_val(head)) {
				KUNIT_FAIL(test, "cap %u lap %lu: popped value %lu, expected %lu",
					   cap, lap, v ? lfq_kt_idx(v) : -1UL,
					   head);
				goto out;
			}
			head++;
		}
		KUNIT_EXPECT_NULL(test, lfq_scq_pop(q));
		KUNIT_EXPECT_TRUE(test, lfq_scq_empty(q));
	}
out:
	lfq_scq_destroy(q, NULL);
}

static void scq_full_empty(struct kunit *test)
{
	lfq_kt_scq_laps(test, 2, 0, 4000);
	lfq_kt_scq_laps(test, 4, 0, 4000);
	lfq_kt_scq_laps(test, 64, 0, 500);
}

/* The counters and cycles wrap past ULONG_MAX during the laps. */
static void scq_wrap(struct kunit *test)
{
	struct lfq_scq *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
	unsigned long start = ULONG_MAX - 255;

	KUNIT_ASSERT_NOT_NULL(test, q);
	lfq_kt_scq_laps(test, 2, start, 4000);
	lfq_kt_scq_laps(test, 4, start, 4000);
	lfq_kt_scq_laps(test, 64, start, 500);
	lfq_kt_scq_laps(test, 2, ULONG_MAX / 2 - 63, 4000);

	/* the allocated ring's counters did wrap through 0 */
	KUNIT_ASSERT_EQ(test, lfq_scq_init_at(q, 2, GFP_KERNEL, start), 0);
	KUNIT_EXPECT_GE(test, atomic_long_read(&q->aq.head), -256L);
	KUNIT_EXPECT_LT(test, atomic_long_read(&q->aq.head), 0L);
	while (atomic_long_read(&q->aq.head) < 0 ||
	       atomic_long_read(&q->aq.head) > 100) {
		KUNIT_ASSERT_EQ(test, lfq_scq_push(q, lfq_kt_val(1)), 0);
		KUNIT_ASSERT_EQ(test, lfq_scq_push(q, lfq_kt_val(2)), 0);
		KUNIT_ASSERT_PTR_EQ(test, lfq_scq_pop(q), lfq_kt_val(1));
		KUNIT_ASSERT_PTR_EQ(test, lfq_scq_pop(q), lfq_kt_val(2));
	}
	KUNIT_EXPECT_PTR_EQ(test, lfq_scq_pop(q), NULL);
	lfq_scq_destroy(q, NULL);
}

/*
 * An empty pop reads the count of reservable values and returns without
 * taking a position of the allocated ring.  Full pushes use up the free
 * ring's threshold: after 3 * capacity of them a push returns at once
 * without taking a position; a pop resets it, so the next push finds the
 * slot it gave back.
 */
static void scq_threshold(struct kunit *test)
{
	struct lfq_scq *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
	const unsigned int cap = 4;
	unsigned long head;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_ASSERT_EQ(test, lfq_scq_init(q, cap, GFP_KERNEL), 0);
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_EQ(test, lfq_scq_push(q, lfq_kt_val(i)), 0);
		KUNIT_ASSERT_PTR_EQ(test, lfq_scq_pop(q), lfq_kt_val(i));
		KUNIT_EXPECT_GE(test, atomic_long_read(&q->aq.threshold), 0L);
	}
	head = atomic_long_read(&q->aq.head);
	for (i = 0; i < 4 * cap; i++)
		KUNIT_EXPECT_NULL(test, lfq_scq_pop(q));
	KUNIT_EXPECT_EQ(test, atomic_long_read(&q->aq.head), (long)head);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&q->ready), 0L);

	KUNIT_EXPECT_EQ(test, lfq_scq_push(q, lfq_kt_val(7)), 0);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&q->aq.threshold),
			3L * cap - 1);
	KUNIT_EXPECT_PTR_EQ(test, lfq_scq_pop(q), lfq_kt_val(7));

	/* full: the free ring's threshold runs out */
	for (i = 0; i < cap; i++)
		KUNIT_ASSERT_EQ(test, lfq_scq_push(q, lfq_kt_val(10 + i)), 0);
	for (i = 0; i < 4 * cap; i++)
		KUNIT_EXPECT_EQ(test, lfq_scq_push(q, lfq_kt_val(99)), -ENOSPC);
	KUNIT_EXPECT_LT(test, atomic_long_read(&q->fq.threshold), 0L);
	head = atomic_long_read(&q->fq.head);
	KUNIT_EXPECT_EQ(test, lfq_scq_push(q, lfq_kt_val(99)), -ENOSPC);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&q->fq.head), (long)head);
	KUNIT_EXPECT_PTR_EQ(test, lfq_scq_pop(q), lfq_kt_val(10));
	KUNIT_EXPECT_EQ(test, lfq_scq_push(q, lfq_kt_val(14)), 0);
	for (i = 1; i <= cap; i++)
		KUNIT_EXPECT_PTR_EQ(test, lfq_scq_pop(q), lfq_kt_val(10 + i));
	KUNIT_EXPECT_NULL(test, lfq_scq_pop(q));
	lfq_scq_destroy(q, NULL);
}

/*
 * White box: the SAFE bit.  A consumer of a later cycle that finds an
 * entry still holding an index (its own consumer, one cycle earlier, has
 * taken the position but not yet the index) clears SAFE; once that
 * earlier consumer has taken the index, a producer whose position the
 * later consumer already passed must not fill the entry, or its value is
 * never popped.  The test builds that interleaving at capacity 2 (four
 * entries in position order: a ring this small is not rotated; index in
 * bits 0-1, 3 meaning none) by playing the stalled consumer and the
 * late producer through the public counters.  Pops on an empty queue take
 * no position, so the rivals of the stalled consumer are pops made to
 * believe one value is ready (@ready set to 1): each takes a position,
 * finds the ring empty and gives its reservation back.
 */
static void scq_unsafe_entry(struct kunit *test)
{
	struct lfq_scq *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_ASSERT_EQ(test, lfq_scq_init(q, 2, GFP_KERNEL), 0);
	KUNIT_ASSERT_EQ(test, q->shift, q->order + 1);
	KUNIT_ASSERT_EQ(test, lfq_scq_push(q, lfq_kt_val(0)), 0);
	/* a consumer takes position 0 and stalls before reading entry 0 */
	atomic_long_dec(&q->ready);
	atomic_long_inc(&q->aq.head);
	/* consumers of positions 1..4: the last finds entry 0 still full */
	for (i = 1; i <= 4; i++) {
		atomic_long_set(&q->ready, 1);
		KUNIT_ASSERT_NULL(test, lfq_scq_pop(q));
	}
	atomic_long_set(&q->ready, 0);
	KUNIT_ASSERT_EQ(test, atomic_long_read(&q->aq.head), 5L);
	KUNIT_EXPECT_EQ(test, q->aq_ents[0] & 7, 0UL);	/* not SAFE, index 0 */
	/* the stalled consumer takes its index (and keeps its slot) */
	q->aq_ents[0] |= 3;
	/* a producer took position 4 before the consumer of 4 caught up */
	atomic_long_set(&q->aq.tail, 4);
	KUNIT_ASSERT_EQ(test, lfq_scq_push(q, lfq_kt_val(1)), 0);
	KUNIT_EXPECT_PTR_EQ(test, lfq_scq_pop(q), lfq_kt_val(1));
	KUNIT_EXPECT_NULL(test, lfq_scq_pop(q));
	lfq_scq_destroy(q, NULL);
}

/*
 * Bulk and burst edges, single-threaded: a bulk larger than the capacity
 * or than the free slots pushes nothing and takes nothing (the singles
 * after it still fill the queue exactly); a burst stops at full, at
 * empty and at a NULL; a failed bulk pop leaves @vals untouched.
 */
static void scq_bulk_edges(struct kunit *test)
{
	struct lfq_scq *q = kunit_kzalloc(test, sizeof(*q), GFP_KERNEL);
	const unsigned int cap = 8;
	void *v[2 * 8 + 1], *out[2 * 8 + 1];
	unsigned long fq_head;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, q);
	KUNIT_ASSERT_EQ(test, lfq_scq_init(q, cap, GFP_KERNEL), 0);
	for (i = 0; i < ARRAY_SIZE(v); i++)
		v[i] = lfq_kt_val(i);
	KUNIT_EXPECT_EQ(test, lfq_scq_push_bulk(q, v, 0), 0U);
	KUNIT_EXPECT_EQ(test, lfq_scq_pop_burst(q, out, cap), 0U);
	KUNIT_EXPECT_EQ(test, lfq_scq_push(q, v[0]), 0);

	/* larger than the capacity: refused before any slot is taken */
	fq_head = atomic_long_read(&q->fq.head);
	KUNIT_EXPECT_EQ(test, lfq_scq_push_bulk(q, v + 1, cap + 1), 0U);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&q->fq.head), (long)fq_head);
	/* fits the capacity but not the free slots: all given back */
	KUNIT_EXPECT_EQ(test, lfq_scq_push_bulk(q, v + 1, cap), 0U);
	KUNIT_EXPECT_EQ(test, lfq_scq_len(q), 1U);
	/* a NULL refuses a bulk, ends a burst */
	v[3] = NULL;
	KUNIT_EXPECT_EQ(test, lfq_scq_push_bulk(q, v + 1, 3), 0U);
	KUNIT_EXPECT_EQ(test, lfq_scq_push_burst(q, v + 1, 3), 2U);
	v[3] = lfq_kt_val(3);
	KUNIT_EXPECT_EQ(test, lfq_scq_len(q), 3U);
	/* the free slots are all there: cap - 3 singles, then full */
	for (i = 3; i < cap; i++)
		KUNIT_EXPECT_EQ(test, lfq_scq_push(q, v[i]), 0);
	KUNIT_EXPECT_EQ(test, lfq_scq_push(q, v[cap]), -ENOSPC);
	KUNIT_EXPECT_EQ(test, lfq_scq_push_burst(q, v + cap, 4), 0U);

	/* pop bulk of more than there is: nothing taken, @out untouched */
	out[0] = NULL;
	KUNIT_EXPECT_EQ(test, lfq_scq_pop_bulk(q, out, cap + 1), 0U);
	KUNIT_EXPECT_NULL(test, out[0]);
	KUNIT_EXPECT_EQ(test, lfq_scq_pop_bulk(q, out, 3), 3U);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_PTR_EQ(test, out[i], v[i]);
	/* burst partial at full: 3 free of 5 asked */
	KUNIT_EXPECT_EQ(test, lfq_scq_push_burst(q, v + cap, 5), 3U);
	KUNIT_EXPECT_EQ(test, lfq_scq_len(q), cap);
	/* burst partial at empty: all 8, in order, of 2 * cap asked */
	KUNIT_EXPECT_EQ(test, lfq_scq_pop_burst(q, out, 2 * cap), cap);
	for (i = 0; i < cap; i++)
		KUNIT_EXPECT_PTR_EQ(test, out[i], v[3 + i]);
	KUNIT_EXPECT_TRUE(test, lfq_scq_empty(q));
	KUNIT_EXPECT_EQ(test, lfq_scq_pop_burst(q, out, 2), 0U);
	/* a bulk of exactly the capacity, many laps over the wrap */
	for (i = 0; i < 100; i++) {
		KUNIT_ASSERT_EQ(test, lfq_scq_push_bulk(q, v + i % 2, cap), cap);
		KUNIT_ASSERT_EQ(test, lfq_scq_pop_bulk(q, out, cap), cap);
		KUNIT_ASSERT_PTR_EQ(test, out[0], v[i % 2]);
		KUNIT_ASSERT_PTR_EQ(test, out[cap - 1], v[i % 2 + cap - 1]);
	}
	lfq_scq_destroy(q, NULL);
}

/* Values per source (process context, hard interrupt) in scq_hardirq_bulk. */
#define LFQ_KT_SCQ_IRQ_VALS	2048

/**
 * struct lfq_kt_scq_irq - state of scq_hardirq_bulk
 * @timer: the hard-irq bulk pusher and popper
 * @q: the queue, capacity 16
 * @seen: bitmap of the 2 * LFQ_KT_SCQ_IRQ_VALS values popped so far
 * @next: per source, the next value to push
 * @last: per consumer (0: process, 1: irq) and source, the last value
 *	popped, -1 before the first
 * @calls: timer callbacks
 * @hard: those that ran in hard interrupt context
 * @bad: values popped twice, out of order or never pushed, and bulk calls
 *	that returned neither 0 nor their count
 * @stop: set to end the timer
 */
struct lfq_kt_scq_irq {
	struct hrtimer timer;
	struct lfq_scq *q;
	unsigned long *seen;
	unsigned long next[2];
	long last[2][2];
	unsigned long calls;
	unsigned long hard;
	atomic_long_t bad;
	bool stop;
};

static void lfq_kt_scq_irq_take(struct lfq_kt_scq_irq *s, unsigned int who,
				void **vals, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		unsigned long idx = lfq_kt_idx(vals[i]);
		unsigned int src = idx >= LFQ_KT_SCQ_IRQ_VALS;
		long seq = idx - src * LFQ_KT_SCQ_IRQ_VALS;

		if (idx >= 2 * LFQ_KT_SCQ_IRQ_VALS || seq <= s->last[who][src] ||
		    test_and_set_bit(idx, s->seen)) {
			atomic_long_inc(&s->bad);
			continue;
		}
		s->last[who][src] = seq;
	}
}

/*
 * Push a bulk of @n values of source @src, or a burst if !@all; returns
 * how many went in and counts a bulk that went in partly as bad.
 */
static unsigned int lfq_kt_scq_irq_push(struct lfq_kt_scq_irq *s,
					unsigned int src, unsigned int n,
					bool all)
{
	unsigned long base = src * LFQ_KT_SCQ_IRQ_VALS + s->next[src];
	void *vals[8];
	unsigned int i, k;

	n = min_t(unsigned int, n, LFQ_KT_SCQ_IRQ_VALS - s->next[src]);
	for (i = 0; i < n; i++)
		vals[i] = lfq_kt_val(base + i);
	k = all ? lfq_scq_push_bulk(s->q, vals, n) :
		  lfq_scq_push_burst(s->q, vals, n);
	if (k > n || (all && k && k != n))
		atomic_long_inc(&s->bad);
	s->next[src] += min(k, n);
	return k;
}

static void lfq_kt_scq_irq_pop(struct lfq_kt_scq_irq *s, unsigned int who,
			       unsigned int n, bool all)
{
	void *vals[8];
	unsigned int k;

	k = all ? lfq_scq_pop_bulk(s->q, vals, n) :
		  lfq_scq_pop_burst(s->q, vals, n);
	if (k > n || (all && k && k != n))
		atomic_long_inc(&s->bad);
	else
		lfq_kt_scq_irq_take(s, who, vals, k);
}

/* One bulk and one burst push, one bulk and one burst pop per tick. */
static enum hrtimer_restart lfq_kt_scq_irq_tick(struct hrtimer *timer)
{
	struct lfq_kt_scq_irq *s = container_of(timer, struct lfq_kt_scq_irq,
						timer);

	s->calls++;
	if (in_hardirq())
		s->hard++;
	lfq_kt_scq_irq_push(s, 1, 4, true);
	lfq_kt_scq_irq_push(s, 1, 3, false);
	lfq_kt_scq_irq_pop(s, 1, 3, true);
	lfq_kt_scq_irq_pop(s, 1, 5, false);
	if (READ_ONCE(s->stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, ns_to_ktime(LFQ_KT_IRQ_PERIOD_NS));
	return HRTIMER_RESTART;
}

/*
 * Bulk and burst pushes and pops from a hard interrupt (an hrtimer in
 * HRTIMER_MODE_REL_HARD) that interrupts the same calls in process
 * context on the same queue of 16: every value of both sources is popped
 * exactly once, in order per source as each consumer sees it, and no bulk
 * goes in or comes out partly.
 */
static void scq_hardirq_bulk(struct kunit *test)
{
	struct lfq_kt_scq_irq *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	unsigned long deadline = jiffies + stress_timeout * HZ;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	s->q = kunit_kzalloc(test, sizeof(*s->q), GFP_KERNEL);
	s->seen = kunit_kcalloc(test, BITS_TO_LONGS(2 * LFQ_KT_SCQ_IRQ_VALS),
				sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s->q);
	KUNIT_ASSERT_NOT_NULL(test, s->seen);
	KUNIT_ASSERT_EQ(test, lfq_scq_init(s->q, 16, GFP_KERNEL), 0);
	memset(s->last, 0xff, sizeof(s->last));	/* all -1 */
	hrtimer_init(&s->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	s->timer.function = lfq_kt_scq_irq_tick;
	hrtimer_start(&s->timer, ns_to_ktime(LFQ_KT_IRQ_PERIOD_NS),
		      HRTIMER_MODE_REL_HARD);
	for (i = 0; time_before(jiffies, deadline); i++) {
		if (s->next[0] == LFQ_KT_SCQ_IRQ_VALS &&
		    READ_ONCE(s->next[1]) == LFQ_KT_SCQ_IRQ_VALS)
			break;
		lfq_kt_scq_irq_push(s, 0, 5, true);
		lfq_kt_scq_irq_pop(s, 0, 3, true);
		lfq_kt_scq_irq_push(s, 0, 2, false);
		lfq_kt_scq_irq_pop(s, 0, 4, false);
		if (!(i % 64))
			cond_resched();
	}
	WRITE_ONCE(s->stop, true);
	hrtimer_cancel(&s->timer);
	for (;;) {
		void *vals[8];
		unsigned int k = lfq_scq_pop_burst(s->q, vals, 8);

		if (!k)
			break;
		lfq_kt_scq_irq_take(s, 0, vals, k);
	}
	kunit_info(test, "hrtimer: %lu calls (%lu in hardirq), pushed %lu + %lu",
		   s->calls, s->hard, s->next[0], s->next[1]);
	KUNIT_EXPECT_EQ(test, s->next[0], (unsigned long)LFQ_KT_SCQ_IRQ_VALS);
	KUNIT_EXPECT_EQ(test, s->next[1], (unsigned long)LFQ_KT_SCQ_IRQ_VALS);
	KUNIT_EXPECT_GT(test, s->hard, 0UL);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&s->bad), 0L);
	KUNIT_EXPECT_EQ(test, bitmap_weight(s->seen, 2 * LFQ_KT_SCQ_IRQ_VALS),
			2U * LFQ_KT_SCQ_IRQ_VALS);
	lfq_scq_destroy(s->q, NULL);
}

static struct kunit_case lfq_kt_scq_cases[] = {
	KUNIT_CASE(scq_capacity),
	KUNIT_CASE(scq_full_empty),
	KUNIT_CASE(scq_wrap),
	KUNIT_CASE(scq_threshold),
	KUNIT_CASE(scq_unsafe_entry),
	KUNIT_CASE(scq_bulk_edges),
	KUNIT_CASE(scq_hardirq_bulk),
	{}
};

static struct kunit_suite lfq_kt_scq_suite = {
	.name = "lfq_scq",
	.test_cases = lfq_kt_scq_cases,
};

/* ---- lfq_intrusive: the intrusive API (push_node, pop_node) ---- */

/*
 * The objects left in a container go to lfq_kt_release() as the values
 * they stand for, through this pointer, as lfq_kt_release_tally does.
 */
static struct lfq_kt_obj *lfq_kt_release_objs;

static void lfq_kt_release_obj(void *obj)
{
	lfq_kt_release(lfq_kt_obj_val(lfq_kt_release_objs,
				      lfq_kt_release_tally->nr, obj));
}

static void lfq_kt_destroy_objs(const struct lfq_kind *k, void *c,
				struct lfq_kt_obj *objs,
				struct lfq_kt_tally *t)
{
	lfq_kt_release_tally = t;
	lfq_kt_release_objs = objs;
	k->destroy_nodes(c, lfq_kt_release_obj, LFQ_KT_OBJ_OFF);
	lfq_kt_release_objs = NULL;
	lfq_kt_release_tally = NULL;
}

/* The parameters of the lfq_intrusive suite: kinds with push_node. */
static const void *lfq_kt_node_params(const void *prev, char *desc)
{
	const struct lfq_kind *k = prev;

	do {
		k = k ? k + 1 : lfq_kinds;
		if (k >= lfq_kinds + lfq_nr_kinds)
			return NULL;
	} while (!k->push_node);
	strscpy(desc, k->name, KUNIT_PARAM_DESC_SIZE);
	return k;
}

/*
 * Objects pushed one by one come back in the kind's order, and len and
 * empty follow; the objects left go back through destroy_nodes.  No
 * popped object is pushed again: none needs a grace period.
 */
static void node_order(struct kunit *test)
{
	const struct lfq_kind *k = test->param_value;
	const unsigned long nr = 6;
	struct lfq_kt_model model = { .fifo = k->flags & LFQ_KIND_FIFO };
	struct lfq_kt_model *m = &model;
	struct lfq_kt_tally *t = lfq_kt_tally_alloc(test, nr);
	struct lfq_kt_obj *objs, *o;
	void *c = lfq_kt_alloc(test, k);
	unsigned long i;

	objs = kunit_kcalloc(test, nr, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	KUNIT_ASSERT_EQ(test, lfq_kt_init(k, c, 0), 0);
	KUNIT_EXPECT_NULL(test, k->pop_node(c, LFQ_KT_OBJ_OFF));
	for (i = 0; i < 4; i++) {
		o = &objs[lfq_kt_idx(lfq_kt_model_push(m))];
		o->idx = o - objs;
		k->push_node(c, o, LFQ_KT_OBJ_OFF);
		KUNIT_EXPECT_EQ(test, k->len(c), i + 1);
		KUNIT_EXPECT_FALSE(test, k->empty(c));
	}
	for (i = 0; i < 4; i++) {
		o = k->pop_node(c, LFQ_KT_OBJ_OFF);
		KUNIT_ASSERT_NOT_NULL(test, o);
		KUNIT_EXPECT_PTR_EQ(test, lfq_kt_obj_val(objs, nr, o),
				    lfq_kt_model_pop(m));
		KUNIT_EXPECT_EQ(test, k->len(c), lfq_kt_model_len(m));
	}
	KUNIT_EXPECT_TRUE(test, k->empty(c));
	KUNIT_EXPECT_NULL(test, k->pop_node(c, LFQ_KT_OBJ_OFF));
	/* two more, left for destroy_nodes */
	for (i = 0; i < 2; i++) {
		o = &objs[lfq_kt_idx(lfq_kt_model_push(m))];
		o->idx = o - objs;
		k->push_node(c, o, LFQ_KT_OBJ_OFF);
	}
	KUNIT_EXPECT_EQ(test, k->len(c), 2UL);
	lfq_kt_destroy_objs(k, c, objs, t);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->released), 2L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->bogus), 0L);
	KUNIT_EXPECT_EQ(test, atomic_long_read(&t->dups), 0L);
}

/*
 * Push and pop of nodes with interrupts disabled (the contexts the kinds
 * claim for push_node and pop_node include hard interrupts).
 */
static void node_irqs_disabled(struct kunit *test)
{
	const struct lfq_kind *k = test->param_value;
	struct lfq_kt_obj *objs;
	void *c = lfq_kt_alloc(test, k);
	unsigned long flags;
	void *o;

	KUNIT_ASSERT_TRUE(test, k->push_node_ctx & k->pop_node_ctx &
			  LFQ_CTX_HARDIRQ);
	objs = kunit_kcalloc(test, 2, sizeof(*objs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, objs);
	objs[1].idx = 1;
	KUNIT_ASSERT_EQ(test, lfq_kt_init(k, c, 0), 0);
	local_irq_save(flags);
	k->push_node(c, &objs[0], LFQ_KT_OBJ_OFF);
	k->push_node(c, &objs[1], LFQ_KT_OBJ_OFF);
	o = k->pop_node(c, LFQ_KT_OBJ_OFF);
	local_irq_restore(flags);
	KUNIT_EXPECT_PTR_EQ(test, o, k->flags & LFQ_KIND_FIFO ?
			    (void *)&objs[0] : (void *)&objs[1]);
	KUNIT_EXPECT_EQ(test, k->len(c), 1UL);
	k->destroy_nodes(c, NULL, LFQ_KT_OBJ_OFF);
}

static void node_kthread_stress(struct kunit *test)
{
	lfq_kt_stress_run(test, false, true);
}

/*
 * kthreads push and pop objects while an hrtimer pushes and pops objects in
 * hard interrupt context.  The NMI-safety that lfq.h states for stack push
 * and pop and msq enqueue (where cmpxchg is NMI-safe) is not tested: a
 * test module has no portable way to raise NMIs on demand.
 */
static void node_hardirq_stress(struct kunit *test)
{
	lfq_kt_stress_run(test, true, true);
}

static struct kunit_case lfq_kt_node_cases[] = {
	KUNIT_CASE_PARAM(node_order, lfq_kt_node_params),
	KUNIT_CASE_PARAM(node_irqs_disabled, lfq_kt_node_params),
	LFQ_KT_SLOW_PARAM(node_kthread_stress, lfq_kt_node_params),
	LFQ_KT_SLOW_PARAM(node_hardirq_stress, lfq_kt_node_params),
	{}
};

static struct kunit_suite lfq_kt_node_suite = {
	.name = "lfq_intrusive",
	.test_cases = lfq_kt_node_cases,
};

kunit_test_suites(&lfq_kt_kind_suite, &lfq_kt_ring_suite, &lfq_kt_msq_suite,
		  &lfq_kt_stack_suite, &lfq_kt_deque_suite, &lfq_kt_pool_suite,
		  &lfq_kt_scq_suite, &lfq_kt_node_suite);

MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(LFQ_NS);
MODULE_DESCRIPTION("KUnit tests for the lfq lock-free containers");

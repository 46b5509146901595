// SPDX-License-Identifier: GPL-2.0
/*
 * Example client of lfq.ko, in the manner of samples/kfifo.
 *
 * On load it passes items from producer kthreads to consumer kthreads,
 * first through a struct lfq_msq (each item kmalloc()ed by its producer and
 * kfree()d by whoever pops it), then through a struct lfq_ring (items from a
 * preallocated array, moved in bursts: the ring never allocates).  Every
 * consumer checks that each producer's items reach it in order, and the
 * module checks that every item arrived exactly once by count and checksum.
 * It prints one line per container and fails to load if a check fails.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "lfq.h"

#define EX_PRODUCERS	2
#define EX_CONSUMERS	2
#define EX_THREADS	(EX_PRODUCERS + EX_CONSUMERS)
#define EX_PER_PRODUCER	1500
#define EX_ITEMS	(EX_PRODUCERS * EX_PER_PRODUCER)
#define EX_RING_SIZE	32
#define EX_BATCH	8
#define EX_TIMEOUT	(30 * HZ)

struct ex_item {
	unsigned int producer;
	unsigned int seq;
};

/**
 * struct ex_run - one pass of items through one container
 * @msq: the queue, when @ring_mode is false
 * @ring: the ring, when @ring_mode is true
 * @ring_mode: which of the two this run uses
 * @items: the ring's items, preallocated
 * @start: lets every kthread go at once
 * @done: completed by each kthread as it exits
 * @producers_left: producers still pushing
 * @deadline: jiffies after which a waiting kthread gives up
 * @consumed: items popped or released by destroy
 * @checksum: sum of ex_sum() over those items
 * @errors: allocation failures, out-of-order or unknown items, timeouts
 */
struct ex_run {
	struct lfq_msq msq;
	struct lfq_ring ring;
	bool ring_mode;
	struct ex_item *items;
	struct completion start;
	struct completion done[EX_THREADS];
	atomic_t producers_left;
	unsigned long deadline;
	atomic_long_t consumed;
	atomic64_t checksum;
	atomic_long_t errors;
};

struct ex_thread {
	struct ex_run *run;
	unsigned int id;
};

static struct ex_thread ex_threads[EX_THREADS];

/* destroy's release callback gets only the value: it finds the run here */
static struct ex_run *ex_current;

static u64 ex_sum(unsigned int producer, unsigned int seq)
{
	return (u64)(producer + 1) * 1000003 + seq * 7 + 1;
}

/* Account for one item; @last holds the caller's next expected seq. */
static void ex_account(struct ex_run *run, void *val, unsigned int *last)
{
	struct ex_item *it = val;

	if (it->producer >= EX_PRODUCERS || it->seq >= EX_PER_PRODUCER) {
		atomic_long_inc(&run->errors);
		return;
	}
	if (last) {
		if (it->seq < last[it->producer])
			atomic_long_inc(&run->errors);
		last[it->producer] = it->seq + 1;
	}
	atomic64_add(ex_sum(it->producer, it->seq), &run->checksum);
	atomic_long_inc(&run->consumed);
}

static bool ex_expired(struct ex_run *run)
{
	if (!time_after(jiffies, run->deadline))
		return false;
	atomic_long_inc(&run->errors);
	return true;
}

static void ex_msq_produce(struct ex_run *run, unsigned int id)
{
	struct ex_item *it;
	unsigned int seq;

	for (seq = 0; seq < EX_PER_PRODUCER; seq++) {
		it = kmalloc(sizeof(*it), GFP_KERNEL);
		if (!it) {
			atomic_long_inc(&run->errors);
			return;
		}
		it->producer = id;
		it->seq = seq;
		/* push publishes *it to whichever CPU pops it */
		if (lfq_msq_push(&run->msq, it, GFP_KERNEL)) {
			kfree(it);
			atomic_long_inc(&run->errors);
			return;
		}
		if (!(seq % 64))
			cond_resched();
	}
}

static void ex_ring_produce(struct ex_run *run, unsigned int id)
{
	void *batch[EX_BATCH];
	unsigned int seq = 0, n, i, pushed;

	while (seq < EX_PER_PRODUCER) {
		n = min(EX_BATCH, EX_PER_PRODUCER - seq);
		for (i = 0; i < n; i++)
			batch[i] = &run->items[id * EX_PER_PRODUCER + seq + i];
		/* as many as fit; the rest go in the next batch */
		pushed = lfq_ring_push_burst(&run->ring, batch, n);
		seq += pushed;
		if (!pushed) {
			if (ex_expired(run))
				return;
			cond_resched();
		}
	}
}

static int ex_producer(void *arg)
{
	struct ex_thread *t = arg;
	struct ex_run *run = t->run;

	wait_for_completion(&run->start);
	if (run->ring_mode)
		ex_ring_produce(run, t->id);
	else
		ex_msq_produce(run, t->id);
	/*
	 * No ordering needed: consumers only use this to know when to stop,
	 * and anything they leave behind is released by destroy.
	 */
	atomic_dec(&run->producers_left);
	kthread_complete_and_exit(&run->done[t->id], 0);
}

static int ex_consumer(void *arg)
{
	struct ex_thread *t = arg;
	struct ex_run *run = t->run;
	unsigned int last[EX_PRODUCERS] = { };
	void *batch[EX_BATCH];
	unsigned int n, i;

	wait_for_completion(&run->start);
	for (;;) {
		if (run->ring_mode) {
			n = lfq_ring_pop_burst(&run->ring, batch, EX_BATCH);
			for (i = 0; i < n; i++)
				ex_account(run, batch[i], last);
		} else {
			batch[0] = lfq_msq_pop(&run->msq);
			n = batch[0] ? 1 : 0;
			if (n) {
				ex_account(run, batch[0], last);
				kfree(batch[0]);
			}
		}
		if (n)
			continue;
		if (!atomic_read(&run->producers_left) || ex_expired(run))
			break;
		cond_resched();
	}
	kthread_complete_and_exit(&run->done[t->id], 0);
}

static void ex_msq_release(void *val)
{
	ex_account(ex_current, val, NULL);
	kfree(val);
}

static void ex_ring_release(void *val)
{
	ex_account(ex_current, val, NULL);
}

static int ex_run_threads(struct ex_run *run)
{
	struct task_struct *tasks[EX_THREADS];
	unsigned int i, j;

	init_completion(&run->start);
	atomic_set(&run->producers_left, EX_PRODUCERS);
	for (i = 0; i < EX_THREADS; i++) {
		struct ex_thread *t = &ex_threads[i];

		t->run = run;
		t->id = i;
		init_completion(&run->done[i]);
		tasks[i] = i < EX_PRODUCERS ?
			   kthread_create(ex_producer, t, "lfq_ex_p%u", i) :
			   kthread_create(ex_consumer, t, "lfq_ex_c%u", i);
		if (IS_ERR(tasks[i])) {
			/* never woken, so they end without running */
			for (j = 0; j < i; j++)
				kthread_stop(tasks[j]);
			return PTR_ERR(tasks[i]);
		}
	}
	run->deadline = jiffies + EX_TIMEOUT;
	for (i = 0; i < EX_THREADS; i++)
		wake_up_process(tasks[i]);
	complete_all(&run->start);
	for (i = 0; i < EX_THREADS; i++)
		wait_for_completion(&run->done[i]);
	return 0;
}

static int ex_check(struct ex_run *run, const char *name, ktime_t start)
{
	long consumed = atomic_long_read(&run->consumed);
	long errors = atomic_long_read(&run->errors);
	u64 sum = atomic64_read(&run->checksum), want = 0;
	unsigned int p, seq;

	for (p = 0; p < EX_PRODUCERS; p++)
		for (seq = 0; seq < EX_PER_PRODUCER; seq++)
			want += ex_sum(p, seq);
	if (consumed != EX_ITEMS || sum != want || errors) {
		pr_err("%s FAILED: %ld of %d values, checksum %#llx (want %#llx), %ld errors\n",
		       name, consumed, EX_ITEMS, sum, want, errors);
		return -EINVAL;
	}
	pr_info("%s ok: %d values from %d producers to %d consumers, checksum %#llx, %lld ms\n",
		name, EX_ITEMS, EX_PRODUCERS, EX_CONSUMERS, sum,
		ktime_ms_delta(ktime_get(), start));
	return 0;
}

static int ex_msq(struct ex_run *run)
{
	ktime_t start = ktime_get();
	int ret;

	ret = lfq_msq_init(&run->msq, GFP_KERNEL);
	if (ret)
		return ret;
	ret = ex_run_threads(run);
	ex_current = run;
	lfq_msq_destroy(&run->msq, ex_msq_release);
	ex_current = NULL;
	return ret ?: ex_check(run, "msq", start);
}

static int ex_ring(struct ex_run *run)
{
	ktime_t start = ktime_get();
	unsigned int i;
	int ret;

	run->ring_mode = true;
	run->items = kcalloc(EX_ITEMS, sizeof(*run->items), GFP_KERNEL);
	if (!run->items)
		return -ENOMEM;
	for (i = 0; i < EX_ITEMS; i++) {
		run->items[i].producer = i / EX_PER_PRODUCER;
		run->items[i].seq = i % EX_PER_PRODUCER;
	}
	ret = lfq_ring_init(&run->ring, EX_RING_SIZE, GFP_KERNEL);
	if (!ret) {
		ret = ex_run_threads(run);
		ex_current = run;
		lfq_ring_destroy(&run->ring, ex_ring_release);
		ex_current = NULL;
	}
	kfree(run->items);
	return ret ?: ex_check(run, "ring", start);
}

static int __init lfq_example_init(void)
{
	struct ex_run *run;
	int ret;

	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	ret = ex_msq(run);
	if (!ret) {
		memset(run, 0, sizeof(*run));
		ret = ex_ring(run);
	}
	kfree(run);
	return ret;
}

static void __exit lfq_example_exit(void)
{
	/* everything was torn down before init returned */
}

module_init(lfq_example_init);
module_exit(lfq_example_exit);

MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(LFQ_NS);
MODULE_DESCRIPTION("Example client of lfq: items through an lfq_msq and an lfq_ring");

// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_soak.c - long in-kernel soak of every kind of lfq's registry
 *
 * Built only by the test targets (make check, make soak), never installed.
 * Everything runs at module load, which prints one line per structure and
 * a final "done result=PASS|FAIL" line, and then succeeds (only bad
 * parameters make it fail); remove the module afterwards.
 *
 * For each selected kind of the registry (lfq_kinds[]), in turn:
 *
 *   - one producer and one consumer kthread bound to every online CPU;
 *     the producers share a budget of ops / 2 values;
 *   - for the kinds whose push_ctx and pop_ctx both include
 *     LFQ_CTX_HARDIRQ, one hrtimer per CPU in HRTIMER_MODE_REL_PINNED_HARD
 *     (its callback runs in hard interrupt context, also on PREEMPT_RT)
 *     that pushes and pops a few values each time it fires, as its own
 *     producer and its own consumer; it fires every irq_us while the
 *     producer kthread of its CPU makes progress (see soak_timer_fn());
 *   - for the kinds whose push_ctx and pop_ctx both include LFQ_CTX_NMI
 *     (where the architecture's cmpxchg is NMI-safe), an NMI_LOCAL handler
 *     that does the same from NMI context.  The NMIs are self-IPIs sent
 *     with the NMI delivery mode by the kthreads (every nmi_every
 *     operations), so they land in the middle of a push or pop on that
 *     CPU.  A per-CPU pending flag, set before the IPI is sent and cleared
 *     by the handler, makes the handler claim only its own NMIs.
 *
 * Values encode (producer, sequence): producer p's n-th value is
 * ((p + 1) << 40) | n, never NULL, and each producer advances n only after
 * a successful push, so producer p pushes exactly the sequences
 * 0 .. pushed_p - 1.  Every consumer keeps, per producer, the number of its
 * values it popped, the sum of their sequence numbers and the sum of a
 * non-linear 64-bit mix of the values; FIFO structures also check that the
 * sequences of each producer reach each consumer in increasing order.  At
 * the end the structure is drained and, for every producer, the totals
 * over all consumers must equal what it pushed: count pushed_p, sequence
 * sum pushed_p * (pushed_p - 1) / 2 and the mix sum it computed itself.
 *
 * Why this checks exactly-once without a hit per value: a lost value makes
 * the producer's count short, a duplicated one makes it long.  To keep the
 * count right, a loss must be paired with a duplicate of the same producer;
 * the sequence sum then differs by the difference of their sequence
 * numbers, which is not 0 since they differ.  Several losses and
 * duplicates whose counts and sequence sums both balance would also have
 * to balance the sum of mix() values, which is 64 bits of a bijective
 * avalanche mix: for sets that are not identical this is a 2^-64 accident,
 * not a pattern that a bug (a skipped slot, a node popped twice) produces.
 * A value that decodes to no producer, or to a sequence that producer never
 * pushed, is counted as bad on its own.
 *
 * Reported per structure (pr_info, "lfq_soak: result kind=..."): operations
 * (pushes + pops, all contexts), seconds, operations per second, pushes
 * and pops from hard IRQ and from NMI (hardirq= and nmi= say whether they
 * took part), the peak of lfq_rcu_backlog() sampled during the run, and
 * the verdict.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#if defined(CONFIG_X86_LOCAL_APIC) && defined(CONFIG_HAVE_NMI) && \
	defined(CONFIG_ARCH_HAVE_NMI_SAFE_CMPXCHG)
#include <asm/apic.h>
#include <asm/irq_vectors.h>
#include <asm/nmi.h>
#define LFQ_SOAK_NMI 1
#else
#define LFQ_SOAK_NMI 0
#endif

#include "lfq.h"

static unsigned long ops = 1000000;
module_param(ops, ulong, 0444);
MODULE_PARM_DESC(ops, "operations (pushes + pops) per structure, at least (default 10^6)");

static char *kinds = "all";
module_param(kinds, charp, 0444);
MODULE_PARM_DESC(kinds, "comma-separated kinds of the registry (msq,stack,...) or \"all\" (default)");

static unsigned int secs;
module_param(secs, uint, 0444);
MODULE_PARM_DESC(secs, "stop each structure's producers after this many seconds (0: no cap; default)");

static unsigned int irq_us = 200;
module_param(irq_us, uint, 0444);
MODULE_PARM_DESC(irq_us, "period of the per-CPU hard-IRQ hrtimer in microseconds, at least (0: none; default 200)");

static unsigned int nmi_every = 512;
module_param(nmi_every, uint, 0444);
MODULE_PARM_DESC(nmi_every, "kthread operations between self-NMIs, kinds allowed in NMI only (0: none; default 512)");

static unsigned int ring_capacity = 1024;
module_param(ring_capacity, uint, 0444);
MODULE_PARM_DESC(ring_capacity, "capacity of the bounded kinds, a power of two (default 1024)");

static unsigned int max_queued = 65536;
module_param(max_queued, uint, 0444);
MODULE_PARM_DESC(max_queued, "producers pause while about this many values are queued (default 65536)");

/* Values a kthread producer takes from the shared budget at a time. */
#define SOAK_CHUNK		256
/* Pushes and pops per hrtimer expiry, and per NMI. */
#define SOAK_IRQ_BURST		4
/* Sequence bits of a value; the producer number sits above them. */
#define SOAK_SEQ_BITS		40
#define SOAK_SEQ_MASK		((1UL << SOAK_SEQ_BITS) - 1)
/* kthread operations between looks at the clock, cond_resched() etc. */
#define SOAK_POLL		1024
/* hrtimer expiries per SOAK_POLL producer operations, at most */
#define SOAK_IRQ_CREDIT		8

/* Producer and consumer roles per CPU; the ids are role * nr_cpu_ids + cpu. */
enum soak_role { SOAK_KTHREAD, SOAK_HARDIRQ, SOAK_NMI, SOAK_NR_ROLES };

/**
 * struct soak_prod - one producer identity
 * @pushed: values pushed so far; also the sequence number of the next one
 * @mix: sum of soak_mix() of the values pushed
 *
 * Written only by its producer (a kthread, or the hrtimer or NMI handler
 * of one CPU, which never run concurrently with themselves), read by the
 * checker after every producer has stopped.
 */
struct soak_prod {
	u64 pushed;
	u64 mix;
} ____cacheline_aligned_in_smp;

/**
 * struct soak_tally - what one consumer popped of one producer's values
 * @count: values
 * @seq_sum: sum of their sequence numbers
 * @mix: sum of soak_mix() of the values
 */
struct soak_tally {
	u64 count;
	u64 seq_sum;
	u64 mix;
};

/**
 * struct soak_cons - one consumer identity
 * @tally: per producer, what this consumer popped
 * @next_seq: per producer, the lowest sequence still allowed (FIFO check)
 * @pops: values popped
 * @bad: values that decode to no pushed value
 * @order: values that arrived out of their producer's order
 * @first_err: the first bad or out-of-order value, for the report
 * @backlog_peak: largest lfq_rcu_backlog() this consumer saw
 */
struct soak_cons {
	struct soak_tally *tally;
	u64 *next_seq;
	u64 pops;
	u64 bad;
	u64 order;
	unsigned long first_err;
	unsigned long backlog_peak;
} ____cacheline_aligned_in_smp;

struct soak_run;

/**
 * struct soak_cpu - the per-CPU actors of a run
 * @run: the run
 * @cpu: the CPU they are bound to
 * @prod: the producer kthread
 * @cons: the consumer kthread
 * @prod_done: completed by the producer kthread as it exits
 * @cons_done: completed by the consumer kthread as it exits
 * @timer: the hard-IRQ hrtimer, started by @prod on @cpu
 * @irq_credit: expiries left before @prod must re-arm @timer
 * @timer_started: @timer was started (and must be cancelled)
 */
struct soak_cpu {
	struct soak_run *run;
	int cpu;
	struct task_struct *prod;
	struct task_struct *cons;
	struct completion prod_done;
	struct completion cons_done;
	struct hrtimer timer;
	int irq_credit;
	bool timer_started;
};

/**
 * struct soak_run - one kind's soak
 * @kind: the kind, from the registry
 * @c: the container (@kind->size bytes)
 * @fifo: per-producer order is checked
 * @irq: hard-IRQ producers and consumers take part
 * @nmi: NMI producers and consumers take part
 * @budget: values left for the producer kthreads to claim
 * @queued: values pushed minus values popped, approximately
 * @deadline: jiffies after which producer kthreads stop (if @capped_run)
 * @capped_run: @deadline applies
 * @capped: the deadline stopped producers before the budget was used
 * @extra_on: the hrtimer and NMI handlers push (cleared at the end)
 * @nmi_on: kthreads send self-NMIs
 * @producers_done: every producer has stopped: an empty pop means empty
 * @nprod: producer identities (SOAK_NR_ROLES * nr_cpu_ids)
 * @ncons: consumer identities (the same, plus the final drain)
 * @prod: the producers
 * @cons: the consumers
 * @cpus: per-CPU actors, indexed by CPU number
 */
struct soak_run {
	const struct lfq_kind *kind;
	void *c;
	bool fifo;
	bool irq;
	bool nmi;
	atomic64_t budget;
	atomic_long_t queued;
	unsigned long deadline;
	bool capped_run;
	bool capped;
	bool extra_on;
	bool nmi_on;
	bool producers_done;
	unsigned int nprod;
	unsigned int ncons;
	struct soak_prod *prod;
	struct soak_cons *cons;
	struct soak_cpu *cpus;
};

/*
 * A bijective avalanche mix of 64 bits (the splitmix64 finaliser's
 * shifts and odd multipliers): unlike a sum of the values or of a
 * multiplicative hash, a sum of mix() values does not balance when
 * different values are swapped for each other.
 */
static u64 soak_mix(u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static void *soak_encode(unsigned int pid, u64 seq)
{
	return (void *)(((unsigned long)(pid + 1) << SOAK_SEQ_BITS) | (unsigned long)seq);
}

static int soak_push(struct soak_run *run, void *v, gfp_t gfp)
{
	return run->kind->push(run->c, v, gfp);
}

static void *soak_pop(struct soak_run *run)
{
	return run->kind->pop(run->c);
}

/* Account one popped value to consumer @c. */
static void soak_record(struct soak_run *run, struct soak_cons *c, void *v)
{
	unsigned long x = (unsigned long)v;
	unsigned long pid = (x >> SOAK_SEQ_BITS) - 1;
	u64 seq = x & SOAK_SEQ_MASK;
	struct soak_tally *t;

	c->pops++;
	/* x >> 40 == 0 makes pid ULONG_MAX: caught here too */
	if (pid >= run->nprod) {
		if (!c->bad++ && !c->order)
			c->first_err = x;
		return;
	}
	t = &c->tally[pid];
	t->count++;
	t->seq_sum += seq;
	t->mix += soak_mix(x);
	if (run->fifo) {
		if (seq < c->next_seq[pid] && !c->order++ && !c->bad)
			c->first_err = x;
		c->next_seq[pid] = seq + 1;
	}
}

static void soak_backlog_sample(struct soak_cons *c)
{
	unsigned long b = lfq_rcu_backlog();

	if (b > c->backlog_peak)
		c->backlog_peak = b;
}

/*
 * The hrtimer's and the NMI handler's work: up to SOAK_IRQ_BURST pushes as
 * producer @pid (while @run->extra_on), then up to as many pops as
 * consumer @cid.  Neither ever waits: a full ring or a failed GFP_ATOMIC
 * allocation ends the pushes, an empty structure ends the pops.
 */
static void soak_irq_work(struct soak_run *run, unsigned int pid,
			  unsigned int cid)
{
	struct soak_prod *p = &run->prod[pid];
	struct soak_cons *c = &run->cons[cid];
	unsigned int i, n = 0;
	void *v;

	for (i = 0; i < SOAK_IRQ_BURST && READ_ONCE(run->extra_on); i++) {
		v = soak_encode(pid, p->pushed);
		if (soak_push(run, v, GFP_ATOMIC | __GFP_NOWARN))
			break;
		p->pushed++;
		p->mix += soak_mix((unsigned long)v);
		n++;
	}
	for (i = 0; i < SOAK_IRQ_BURST; i++) {
		v = soak_pop(run);
		if (!v)
			break;
		soak_record(run, c, v);
	}
	atomic_long_add((long)n - (long)i, &run->queued);
}

/*
 * The hard-IRQ producer and consumer: every irq_us, for at most
 * SOAK_IRQ_CREDIT expiries after the producer kthread of this CPU last
 * re-armed it (every SOAK_POLL operations).  Tying the interrupts to the
 * kthread's progress keeps a slow kernel (a debug kernel under emulation,
 * where interrupt entry and exit alone can take longer than irq_us) from
 * doing nothing but take this interrupt.
 */
static enum hrtimer_restart soak_timer_fn(struct hrtimer *timer)
{
	struct soak_cpu *sc = container_of(timer, struct soak_cpu, timer);
	struct soak_run *run = sc->run;
	unsigned int id = SOAK_HARDIRQ * nr_cpu_ids + sc->cpu;
	int credit = READ_ONCE(sc->irq_credit) - 1;

	soak_irq_work(run, id, id);
	WRITE_ONCE(sc->irq_credit, credit);
	if (!READ_ONCE(run->extra_on) || credit <= 0)
		return HRTIMER_NORESTART;
	hrtimer_forward_now(timer, ns_to_ktime((u64)irq_us * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

/* Called by the producer kthread on its own CPU, so not concurrently. */
static void soak_timer_arm(struct soak_cpu *sc)
{
	if (!sc->run->irq)
		return;
	WRITE_ONCE(sc->irq_credit, SOAK_IRQ_CREDIT);
	if (!hrtimer_active(&sc->timer))
		hrtimer_start(&sc->timer, ns_to_ktime((u64)irq_us * NSEC_PER_USEC),
			      HRTIMER_MODE_REL_PINNED_HARD);
	sc->timer_started = true;
}

#if LFQ_SOAK_NMI
/* The run the NMI handler works on, NULL when none. */
static struct soak_run *soak_nmi_run;
/* Set by the sender of a self-NMI, cleared by the handler that took it. */
static DEFINE_PER_CPU(int, soak_nmi_pending);

static int soak_nmi_handler(unsigned int type, struct pt_regs *regs)
{
	struct soak_run *run;
	unsigned int id;

	if (!this_cpu_read(soak_nmi_pending))
		return NMI_DONE;	/* not ours */
	run = READ_ONCE(soak_nmi_run);
	if (run) {
		id = SOAK_NMI * nr_cpu_ids + smp_processor_id();
		soak_irq_work(run, id, id);
	}
	/*
	 * Pairs with smp_load_acquire() in soak_nmi_quiesce(): once it sees
	 * 0, this handler's counts are visible and it no longer uses @run.
	 */
	smp_store_release(this_cpu_ptr(&soak_nmi_pending), 0);
	return NMI_HANDLED;
}

/* Send this CPU an NMI unless the previous one has not been taken yet. */
static void soak_nmi_send(struct soak_run *run)
{
	int cpu;

	if (!READ_ONCE(run->nmi_on))
		return;
	cpu = get_cpu();
	if (!this_cpu_read(soak_nmi_pending)) {
		this_cpu_write(soak_nmi_pending, 1);
		apic->send_IPI_mask(cpumask_of(cpu), NMI_VECTOR);
	}
	put_cpu();
}

/* Wait until every NMI that was sent has been handled; false on timeout. */
static bool soak_nmi_quiesce(void)
{
	unsigned long until = jiffies + 10 * HZ;
	int cpu;

	for_each_online_cpu(cpu) {
		/* pairs with smp_store_release() in soak_nmi_handler() */
		while (smp_load_acquire(per_cpu_ptr(&soak_nmi_pending, cpu))) {
			if (time_after(jiffies, until))
				return false;
			usleep_range(1000, 2000);
		}
	}
	return true;
}
#else
static void soak_nmi_send(struct soak_run *run)
{
}

static bool soak_nmi_quiesce(void)
{
	return true;
}
#endif

static bool soak_past_deadline(struct soak_run *run)
{
	if (!run->capped_run || !time_after(jiffies, run->deadline))
		return false;
	WRITE_ONCE(run->capped, true);
	return true;
}

/*
 * Sleep while there is nothing to do, 10 us the first time and twice as
 * long each time after, up to 1 ms; the caller resets *@us on progress.
 * Without the growth, a consumer on a one-CPU kernel would wake up, take
 * one value and sleep again, once per value.
 */
static void soak_backoff(unsigned int *us)
{
	*us = clamp(*us * 2, 10U, 1000U);
	usleep_range(*us, *us * 2);
}

static int soak_producer(void *arg)
{
	struct soak_cpu *sc = arg;
	struct soak_run *run = sc->run;
	unsigned int pid = SOAK_KTHREAD * nr_cpu_ids + sc->cpu;
	struct soak_prod *p = &run->prod[pid];
	unsigned int since_poll = 0, since_nmi = 0, unflushed = 0, idle_us = 0;
	s64 left, n;
	void *v;

	soak_timer_arm(sc);
	for (;;) {
		left = atomic64_sub_return(SOAK_CHUNK, &run->budget);
		n = min_t(s64, SOAK_CHUNK, left + SOAK_CHUNK);
		if (n <= 0)
			break;
		while (n > 0) {
			if (++since_poll >= SOAK_POLL) {
				since_poll = 0;
				atomic_long_add(unflushed, &run->queued);
				unflushed = 0;
				if (soak_past_deadline(run))
					goto out;
				soak_timer_arm(sc);
				cond_resched();
			}
			if (run->nmi && ++since_nmi >= nmi_every) {
				since_nmi = 0;
				soak_nmi_send(run);
			}
			if (atomic_long_read(&run->queued) > (long)max_queued) {
				soak_backoff(&idle_us);
				continue;
			}
			v = soak_encode(pid, p->pushed);
			if (soak_push(run, v, GFP_KERNEL)) {
				/* ring full or no memory: let consumers run */
				atomic_long_add(unflushed, &run->queued);
				unflushed = 0;
				soak_backoff(&idle_us);
				continue;
			}
			idle_us = 0;
			p->pushed++;
			p->mix += soak_mix((unsigned long)v);
			unflushed++;
			n--;
		}
	}
out:
	atomic_long_add(unflushed, &run->queued);
	kthread_complete_and_exit(&sc->prod_done, 0);
}

static int soak_consumer(void *arg)
{
	struct soak_cpu *sc = arg;
	struct soak_run *run = sc->run;
	struct soak_cons *c = &run->cons[SOAK_KTHREAD * nr_cpu_ids + sc->cpu];
	unsigned int since_poll = 0, since_nmi = 0, unflushed = 0, idle_us = 0;
	bool done;
	void *v;

	for (;;) {
		if (++since_poll >= SOAK_POLL) {
			since_poll = 0;
			atomic_long_sub(unflushed, &run->queued);
			unflushed = 0;
			soak_backlog_sample(c);
			cond_resched();
		}
		if (run->nmi && ++since_nmi >= nmi_every) {
			since_nmi = 0;
			soak_nmi_send(run);
		}
		/*
		 * Read the flag before popping: once every producer has
		 * stopped (pairs with smp_store_release() in soak_one()),
		 * every push has completed, so an empty pop means empty.
		 */
		done = smp_load_acquire(&run->producers_done);
		v = soak_pop(run);
		if (v) {
			soak_record(run, c, v);
			unflushed++;
			idle_us = 0;
			continue;
		}
		if (done)
			break;
		atomic_long_sub(unflushed, &run->queued);
		unflushed = 0;
		soak_backoff(&idle_us);
	}
	atomic_long_sub(unflushed, &run->queued);
	soak_backlog_sample(c);
	kthread_complete_and_exit(&sc->cons_done, 0);
}

/* Sleep until @done completes, sampling the RCU backlog meanwhile. */
static void soak_wait(struct completion *done, struct soak_cons *sampler)
{
	while (!wait_for_completion_timeout(done, msecs_to_jiffies(10)))
		soak_backlog_sample(sampler);
}

static void soak_free(struct soak_run *run)
{
	unsigned int i;

	if (run->cons) {
		for (i = 0; i < run->ncons; i++) {
			kvfree(run->cons[i].tally);
			kvfree(run->cons[i].next_seq);
		}
	}
	kvfree(run->cons);
	kvfree(run->prod);
	kvfree(run->cpus);
	kfree(run->c);
}

static int soak_alloc(struct soak_run *run)
{
	unsigned int i;

	run->nprod = SOAK_NR_ROLES * nr_cpu_ids;
	run->ncons = run->nprod + 1;
	run->prod = kvcalloc(run->nprod, sizeof(*run->prod), GFP_KERNEL);
	run->cons = kvcalloc(run->ncons, sizeof(*run->cons), GFP_KERNEL);
	run->cpus = kvcalloc(nr_cpu_ids, sizeof(*run->cpus), GFP_KERNEL);
	run->c = kzalloc(run->kind->size, GFP_KERNEL);
	if (!run->prod || !run->cons || !run->cpus || !run->c)
		return -ENOMEM;
	for (i = 0; i < run->ncons; i++) {
		run->cons[i].tally = kvcalloc(run->nprod, sizeof(struct soak_tally),
					      GFP_KERNEL);
		run->cons[i].next_seq = kvcalloc(run->nprod, sizeof(u64),
						 GFP_KERNEL);
		if (!run->cons[i].tally || !run->cons[i].next_seq)
			return -ENOMEM;
	}
	return 0;
}

/* Start both kthreads of every online CPU; the number started. */
static unsigned int soak_start(struct soak_run *run)
{
	unsigned int started = 0;
	struct soak_cpu *sc;
	int cpu;

	for_each_online_cpu(cpu) {
		sc = &run->cpus[cpu];
		sc->run = run;
		sc->cpu = cpu;
		init_completion(&sc->prod_done);
		init_completion(&sc->cons_done);
		hrtimer_init(&sc->timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL_PINNED_HARD);
		sc->timer.function = soak_timer_fn;
		sc->prod = kthread_create_on_cpu(soak_producer, sc, cpu,
						 "lfq_soak_p/%u");
		sc->cons = kthread_create_on_cpu(soak_consumer, sc, cpu,
						 "lfq_soak_c/%u");
		if (IS_ERR(sc->prod) || IS_ERR(sc->cons)) {
			/* created, never woken: kthread_stop() ends it unrun */
			if (!IS_ERR(sc->prod))
				kthread_stop(sc->prod);
			if (!IS_ERR(sc->cons))
				kthread_stop(sc->cons);
			sc->prod = NULL;
			sc->cons = NULL;
			continue;
		}
		wake_up_process(sc->cons);
		wake_up_process(sc->prod);
		started++;
	}
	return started;
}

/*
 * Compare what every producer pushed with what the consumers popped; print
 * the first few mismatches.  Returns the number of producers that do not
 * balance.
 */
static unsigned int soak_check(struct soak_run *run)
{
	unsigned int pid, cid, bad = 0;
	struct soak_tally sum;
	struct soak_prod *p;
	u64 want_seq_sum;

	for (pid = 0; pid < run->nprod; pid++) {
		p = &run->prod[pid];
		memset(&sum, 0, sizeof(sum));
		for (cid = 0; cid < run->ncons; cid++) {
			sum.count += run->cons[cid].tally[pid].count;
			sum.seq_sum += run->cons[cid].tally[pid].seq_sum;
			sum.mix += run->cons[cid].tally[pid].mix;
		}
		/* 0 + 1 + ... + (n - 1), modulo 2^64 as the sums are */
		want_seq_sum = p->pushed & 1 ? p->pushed * ((p->pushed - 1) / 2) :
			       (p->pushed / 2) * (p->pushed - 1);
		if (sum.count == p->pushed && sum.seq_sum == want_seq_sum &&
		    sum.mix == p->mix)
			continue;
		if (bad++ < 8)
			pr_err("error kind=%s producer=%u role=%u cpu=%u pushed=%llu popped=%llu seq_sum=%llu want=%llu mix=%016llx want=%016llx\n",
			       run->kind->name, pid, pid / nr_cpu_ids,
			       pid % nr_cpu_ids, p->pushed, sum.count,
			       sum.seq_sum, want_seq_sum, sum.mix, p->mix);
	}
	return bad;
}

/* Both operations of @kind may run in every context of @ctx. */
static bool soak_ctx(const struct lfq_kind *kind, unsigned int ctx)
{
	return (kind->push_ctx & ctx) == ctx && (kind->pop_ctx & ctx) == ctx;
}

/*
 * For the report: "yes" if @used, "unavailable" if @kind allows @ctx but
 * the run could not use it (no NMI source, irq_us=0, nmi_every=0), else
 * "not-claimed".
 */
static const char *soak_ctx_word(bool used, const struct lfq_kind *kind,
				 unsigned int ctx)
{
	if (used)
		return "yes";
	return soak_ctx(kind, ctx) ? "unavailable" : "not-claimed";
}

static bool soak_one(const struct lfq_kind *kind)
{
	struct soak_run *run;
	unsigned int i, started, unbalanced;
	u64 pushes = 0, pops = 0, bad = 0, order = 0, t0, ns, total;
	u64 irq_push = 0, irq_pop = 0, nmi_push = 0, nmi_pop = 0;
	unsigned long peak = 0, first_err = 0;
	struct soak_cons *drain;
	bool nmi_ok = true, pass;
	int cpu, err;
	void *v;

	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return false;
	run->kind = kind;
	run->fifo = kind->flags & LFQ_KIND_FIFO;
	run->irq = irq_us && soak_ctx(kind, LFQ_CTX_HARDIRQ);
	run->nmi = LFQ_SOAK_NMI && nmi_every && soak_ctx(kind, LFQ_CTX_NMI);
	atomic64_set(&run->budget, div_u64(ops + 1, 2));
	atomic_long_set(&run->queued, 0);
	run->capped_run = secs != 0;
	run->deadline = jiffies + (unsigned long)secs * HZ;
	run->extra_on = true;
	err = soak_alloc(run);
	if (!err)
		err = kind->init(run->c, kind->flags & LFQ_KIND_BOUNDED ?
				 ring_capacity : 0, GFP_KERNEL);
	if (err) {
		pr_err("error kind=%s setup err=%d\n", kind->name, err);
		soak_free(run);
		kfree(run);
		return false;
	}
	drain = &run->cons[run->ncons - 1];

#if LFQ_SOAK_NMI
	if (run->nmi) {
		WRITE_ONCE(soak_nmi_run, run);
		err = register_nmi_handler(NMI_LOCAL, soak_nmi_handler, 0,
					   "lfq_soak");
		if (err) {
			pr_err("error kind=%s register_nmi_handler err=%d\n",
			       kind->name, err);
			run->nmi = false;
		}
	}
#endif
	WRITE_ONCE(run->nmi_on, run->nmi);

	t0 = ktime_get_ns();
	started = soak_start(run);
	for_each_online_cpu(cpu)
		if (run->cpus[cpu].prod)
			soak_wait(&run->cpus[cpu].prod_done, drain);

	/* Every producer kthread is done: stop the hrtimer and NMI pushers. */
	WRITE_ONCE(run->extra_on, false);
	WRITE_ONCE(run->nmi_on, false);
	for_each_online_cpu(cpu)
		if (run->cpus[cpu].timer_started)
			hrtimer_cancel(&run->cpus[cpu].timer);
	nmi_ok = soak_nmi_quiesce();
	/*
	 * Pairs with smp_load_acquire() in soak_consumer(): every push above
	 * has returned, so the consumers may treat empty as the end.
	 */
	smp_store_release(&run->producers_done, true);
	for_each_online_cpu(cpu)
		if (run->cpus[cpu].cons)
			soak_wait(&run->cpus[cpu].cons_done, drain);
	ns = ktime_get_ns() - t0;
#if LFQ_SOAK_NMI
	if (run->nmi) {
		/* waits for handlers in flight (synchronize_rcu()) */
		unregister_nmi_handler(NMI_LOCAL, "lfq_soak");
		WRITE_ONCE(soak_nmi_run, NULL);
	}
#endif

	/* Leftovers: there should be none, but they count. */
	while ((v = soak_pop(run)))
		soak_record(run, drain, v);
	soak_backlog_sample(drain);
	unbalanced = soak_check(run);
	kind->destroy(run->c, NULL);

	for (i = 0; i < run->nprod; i++) {
		pushes += run->prod[i].pushed;
		if (i / nr_cpu_ids == SOAK_HARDIRQ)
			irq_push += run->prod[i].pushed;
		else if (i / nr_cpu_ids == SOAK_NMI)
			nmi_push += run->prod[i].pushed;
	}
	for (i = 0; i < run->ncons; i++) {
		struct soak_cons *c = &run->cons[i];

		pops += c->pops;
		bad += c->bad;
		order += c->order;
		if (!first_err && (c->bad || c->order))
			first_err = c->first_err;
		peak = max(peak, c->backlog_peak);
		if (i < run->nprod && i / nr_cpu_ids == SOAK_HARDIRQ)
			irq_pop += c->pops;
		else if (i < run->nprod && i / nr_cpu_ids == SOAK_NMI)
			nmi_pop += c->pops;
	}
	total = pushes + pops;
	pass = started && !unbalanced && !bad && !order && nmi_ok &&
	       pushes == pops;
	pr_info("result kind=%s ops=%llu target=%lu secs=%llu.%03llu ops_per_s=%llu pushes=%llu pops=%llu drained=%llu kthreads=%u hardirq=%s irq_pushes=%llu irq_pops=%llu nmi=%s nmi_pushes=%llu nmi_pops=%llu backlog_peak=%lu capped=%d bad=%llu order=%llu unbalanced=%u verdict=%s\n",
		kind->name, total, ops, div_u64(ns, NSEC_PER_SEC),
		div_u64(ns % NSEC_PER_SEC, NSEC_PER_MSEC),
		ns ? div64_u64(total * NSEC_PER_SEC, ns) : 0, pushes, pops,
		drain->pops, 2 * started,
		soak_ctx_word(run->irq, kind, LFQ_CTX_HARDIRQ), irq_push, irq_pop,
		soak_ctx_word(run->nmi, kind, LFQ_CTX_NMI),
		nmi_push, nmi_pop, peak, READ_ONCE(run->capped), bad, order,
		unbalanced, pass ? "PASS" : "FAIL");
	if (bad || order)
		pr_err("error kind=%s first bad or out-of-order value %#lx\n",
		       kind->name, first_err);
	if (!nmi_ok)
		pr_err("error kind=%s a self-NMI was never taken\n",
		       kind->name);
	soak_free(run);
	kfree(run);
	return pass;
}

/* Is @name in the comma-separated "kinds" parameter? */
static bool soak_selected(const char *name)
{
	const char *s = kinds;
	size_t len = strlen(name);

	if (!strcmp(kinds, "all"))
		return true;
	while (s && *s) {
		if (!strncmp(s, name, len) && (s[len] == ',' || !s[len]))
			return true;
		s = strchr(s, ',');
		if (s)
			s++;
	}
	return false;
}

static int __init lfq_soak_init(void)
{
	const struct lfq_kind *kind;
	bool all_pass = true;
	unsigned int ran = 0;

	if (!ops || (irq_us && irq_us < 10) ||
	    !is_power_of_2(ring_capacity) || ring_capacity < 2 ||
	    ring_capacity > LFQ_RING_MAX_CAPACITY || !max_queued) {
		pr_err("bad parameters\n");
		return -EINVAL;
	}
	pr_info("start cpus=%u ops=%lu kinds=%s secs=%u irq_us=%u nmi_every=%u nmi_source=%s\n",
		num_online_cpus(), ops, kinds, secs, irq_us, nmi_every,
		LFQ_SOAK_NMI ? "apic-self-ipi" : "none");
	lfq_for_each_kind(kind) {
		if (!soak_selected(kind->name))
			continue;
		/*
		 * The soak's producers and consumers run concurrently, which
		 * an owner-only kind's push and pop forbid.
		 */
		if (kind->flags & LFQ_KIND_OWNER) {
			pr_info("skip name=%s reason=push/pop owner-only (LFQ_KIND_OWNER), see KUnit lfq_deque\n",
				kind->name);
			continue;
		}
		ran++;
		if (!soak_one(kind))
			all_pass = false;
	}
	/* the popped msq and stack nodes: freed before we report */
	rcu_barrier();
	synchronize_rcu();
	pr_info("done result=%s kinds=%u backlog_after_barrier=%lu\n",
		all_pass && ran ? "PASS" : "FAIL", ran, lfq_rcu_backlog());
	/*
	 * The verdict is in the report.  Loading succeeds either way:
	 * busybox insmod retries a failed finit_module() with init_module(),
	 * which would run the whole soak a second time.
	 */
	return 0;
}

static void __exit lfq_soak_exit(void)
{
}

module_init(lfq_soak_init);
module_exit(lfq_soak_exit);

MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(LFQ_NS);
MODULE_DESCRIPTION("lfq soak: kthreads, hard-IRQ and NMI producers and consumers, exactly-once checks");

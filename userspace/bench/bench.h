/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench.h - the interface between the benchmark harness (bench.c) and the
 * adapters that wrap each structure (impl_*.c).
 *
 * The pairs and bulk workloads run a timed loop each adapter instantiates
 * from the same template (bench_loop.h) with its own push and pop inlined,
 * so the per-operation harness work (the pop side's sums and order check,
 * the phase flag once per block) is identical for all rows and no row
 * pays an indirect call; the calibration ceilings skip the checks, and the
 * no-op adapter ("no-op (harness)", impl_lock.c) measures that work alone.
 * The producer/consumer and steal workloads call push and pop through the
 * function pointers below (one indirect call per operation for every row).
 *
 * Each adapter lives in its own translation unit because the headers do not
 * mix: the lfq shim defines kernel names (spinlock_t, READ_ONCE, ...) that
 * clash with DPDK's and CK's.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* flags */
#define BI_FIFO		0x01	/* per-producer FIFO order is checked */
#define BI_BOUNDED	0x02	/* push can fail when full */
#define BI_PAIRS_ONLY	0x04	/* not run in the producer/consumer workload */
#define BI_CEILING	0x08	/* calibration: no values are stored */
#define BI_BATCH	0x10	/* push_n/pop_n with impl->batch elements */
#define BI_BURST	0x20	/* push_n/pop_n may do fewer than asked */
#define BI_LFQ		0x40	/* one of lfq's structures */
#define BI_OWNER	0x80	/* push/pop by one owner thread only, steal
				 * from any: run in the steal workload only */
#define BI_NO_OVERSUB	0x100	/* not run with more threads than CPUs */

struct bench_loop;

struct bench_impl {
	const char *name;	/* short unique name, used in tables and targets */
	const char *family;	/* lfq, liburcu, ck, dpdk, lock, ceiling */
	const char *note;	/* how it is used: memory management, API */
	unsigned int flags;
	unsigned int batch;	/* BI_BATCH: elements per call */

	const void *priv;	/* the adapter's own (lfq: its struct lfq_kind) */

	/* A fresh, empty instance; capacity applies to bounded ones only. */
	void *(*create)(const struct bench_impl *impl, unsigned int capacity);
	/* Drain (values are plain integers), wait for deferred frees, free. */
	void (*destroy)(void *q);
	/* Per-thread state (e.g. an epoch record); may return NULL. */
	void *(*thread_enter)(void *q);
	void (*thread_exit)(void *q, void *tls);

	bool (*push)(void *q, void *tls, void *val);
	void *(*pop)(void *q, void *tls);
	unsigned int (*push_n)(void *q, void *tls, void **vals, unsigned int n);
	unsigned int (*pop_n)(void *q, void *tls, void **vals, unsigned int n);
	/* BI_OWNER: take a value from the other end, from any thread */
	void *(*steal)(void *q, void *tls);
	/*
	 * The timed loops (bench_loop.h: BENCH_PAIRS_LOOP, BENCH_BULK_LOOP):
	 * pairs for every row but BI_OWNER and BI_BATCH ones, bulk for
	 * BI_BATCH rows.
	 */
	void (*pairs)(struct bench_loop *l);
	void (*bulk)(struct bench_loop *l);
};

/* Called by each adapter's registration function. */
void bench_add(const struct bench_impl *impl);

/* Registration functions, one per translation unit. */
void impl_lfq_register(void);
void impl_urcu_register(void);
void impl_ck_register(void);
void impl_dpdk_register(void);
void impl_lock_register(void);

/*
 * Per-thread hooks every worker (and the main thread) calls once: URCU
 * registration for the flavour the lfq shim and the liburcu adapters share.
 */
void bench_rcu_thread_online(void);
void bench_rcu_thread_offline(void);
void bench_rcu_barrier(void);
const char *bench_rcu_flavor(void);

/* Cache-line (128-byte) aligned, zeroed allocation; aborts on failure. */
void *bench_zalloc_aligned(size_t size);
void bench_free(void *p);

/*
 * Called first by every worker thread with its index: gives the thread a
 * fixed per-CPU slot in the shim (see impl_lfq.c).
 */
void bench_lfq_thread_start(int idx);

/* lfq availability and description, from impl_lfq.c */
extern const char *bench_lfq_desc;

/* library versions, for the header */
const char *impl_dpdk_version(void);
const char *impl_urcu_version(void);

static inline void bench_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

#endif /* BENCH_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * impl_urcu.c - liburcu peers: rculfqueue (RCU Michael-Scott queue),
 * wfcqueue (wait-free enqueue, mutex dequeue) and lfstack (Treiber stack).
 *
 * _LGPL_SOURCE is defined so liburcu's fast paths are inlined, as its
 * documentation recommends for LGPL-compatible code: the peers get their
 * best documented configuration.
 *
 * Memory: every push mallocs one node, as lfq's node-based structures
 * allocate one from their cache.  rculfqueue and lfstack (lock-free pop)
 * are used inside rcu_read_lock() and the popped node is freed with
 * call_rcu(), as their headers require.  wfcqueue's dequeue is serialised
 * by its internal mutex, and its header allows a dequeued node to be freed
 * at once, so it is free()d directly.
 *
 * This file also owns the URCU flavour (the default one, urcu-memb) and the
 * per-thread registration every worker performs.
 */
#define _LGPL_SOURCE
#include <stdlib.h>
#include <string.h>
#include <urcu.h>
#include <urcu/rculfqueue.h>
#include <urcu/wfcqueue.h>
#include <urcu/lfstack.h>

#include "bench.h"
#include "bench_loop.h"

void bench_rcu_thread_online(void)
{
	rcu_register_thread();
}

void bench_rcu_thread_offline(void)
{
	rcu_unregister_thread();
}

void bench_rcu_barrier(void)
{
	rcu_barrier();
}

const char *bench_rcu_flavor(void)
{
	return "urcu-memb (liburcu default flavour)";
}

const char *impl_urcu_version(void)
{
	return "liburcu 0.13 (Debian liburcu-dev)";
}

/* ---- rculfqueue ---- */

struct lfqr_node {
	struct cds_lfq_node_rcu n;
	void *val;
	struct rcu_head rcu;
};

static void *lfqr_create(const struct bench_impl *im, unsigned int cap)
{
	struct cds_lfq_queue_rcu *q;

	(void)cap;
	if (posix_memalign((void **)&q, 128, sizeof(*q)))
		abort();
	cds_lfq_init_rcu(q, call_rcu);
	return q;
}

static void lfqr_free(struct rcu_head *h)
{
	free(caa_container_of(h, struct lfqr_node, rcu));
}

static bool lfqr_push(void *q, void *tls, void *val)
{
	struct lfqr_node *node = malloc(sizeof(*node));

	(void)tls;
	if (!node)
		return false;
	cds_lfq_node_init_rcu(&node->n);
	node->val = val;
	rcu_read_lock();
	cds_lfq_enqueue_rcu(q, &node->n);
	rcu_read_unlock();
	return true;
}

static void *lfqr_pop(void *q, void *tls)
{
	struct cds_lfq_node_rcu *n;
	struct lfqr_node *node;
	void *val;

	(void)tls;
	rcu_read_lock();
	n = cds_lfq_dequeue_rcu(q);
	rcu_read_unlock();
	if (!n)
		return NULL;
	node = caa_container_of(n, struct lfqr_node, n);
	val = node->val;
	call_rcu(&node->rcu, lfqr_free);
	return val;
}

static void lfqr_destroy(void *q)
{
	while (lfqr_pop(q, NULL))
		;
	rcu_barrier();
	if (cds_lfq_destroy_rcu(q))
		abort();
	rcu_barrier();	/* the queue's own dummy nodes go through call_rcu */
	free(q);
}

BENCH_PAIRS_LOOP(urcu_lfq_pairs, lfqr_push, lfqr_pop, BI_FIFO)

static const struct bench_impl urcu_lfq = {
	.name = "rculfqueue",
	.family = "liburcu",
	.note = "cds_lfq_*_rcu under rcu_read_lock; malloc node per push, call_rcu(free) per pop",
	.flags = BI_FIFO,
	.create = lfqr_create,
	.destroy = lfqr_destroy,
	.push = lfqr_push,
	.pop = lfqr_pop,
	.pairs = urcu_lfq_pairs,
};

/* ---- wfcqueue ---- */

struct wfcq {
	struct cds_wfcq_head head __attribute__((aligned(128)));
	struct cds_wfcq_tail tail __attribute__((aligned(128)));
};

struct wfcq_node {
	struct cds_wfcq_node n;
	void *val;
};

static void *wfcq_create(const struct bench_impl *im, unsigned int cap)
{
	struct wfcq *q;

	(void)cap;
	if (posix_memalign((void **)&q, 128, sizeof(*q)))
		abort();
	cds_wfcq_init(&q->head, &q->tail);
	return q;
}

static bool wfcq_push(void *qv, void *tls, void *val)
{
	struct wfcq *q = qv;
	struct wfcq_node *node = malloc(sizeof(*node));

	(void)tls;
	if (!node)
		return false;
	cds_wfcq_node_init(&node->n);
	node->val = val;
	cds_wfcq_enqueue(&q->head, &q->tail, &node->n);
	return true;
}

static void *wfcq_pop(void *qv, void *tls)
{
	struct wfcq *q = qv;
	struct cds_wfcq_node *n;
	struct wfcq_node *node;
	void *val;

	(void)tls;
	n = cds_wfcq_dequeue_blocking(&q->head, &q->tail);
	if (!n)
		return NULL;
	node = caa_container_of(n, struct wfcq_node, n);
	val = node->val;
	free(node);
	return val;
}

static void wfcq_destroy(void *qv)
{
	struct wfcq *q = qv;

	while (wfcq_pop(q, NULL))
		;
	cds_wfcq_destroy(&q->head, &q->tail);
	free(q);
}

BENCH_PAIRS_LOOP(urcu_wfcq_pairs, wfcq_push, wfcq_pop, BI_FIFO)

static const struct bench_impl urcu_wfcq = {
	.name = "wfcqueue",
	.family = "liburcu",
	.note = "cds_wfcq_enqueue (wait-free) + cds_wfcq_dequeue_blocking (mutex); malloc/free node",
	.flags = BI_FIFO,
	.create = wfcq_create,
	.destroy = wfcq_destroy,
	.push = wfcq_push,
	.pop = wfcq_pop,
	.pairs = urcu_wfcq_pairs,
};

/* ---- lfstack ---- */

struct lfs_node {
	struct cds_lfs_node n;
	void *val;
	struct rcu_head rcu;
};

static void *lfs_create(const struct bench_impl *im, unsigned int cap)
{
	struct cds_lfs_stack *s;

	(void)cap;
	if (posix_memalign((void **)&s, 128, sizeof(*s)))
		abort();
	cds_lfs_init(s);
	return s;
}

static void lfs_free(struct rcu_head *h)
{
	free(caa_container_of(h, struct lfs_node, rcu));
}

static bool lfs_push(void *s, void *tls, void *val)
{
	struct lfs_node *node = malloc(sizeof(*node));

	(void)tls;
	if (!node)
		return false;
	cds_lfs_node_init(&node->n);
	node->val = val;
	cds_lfs_push((struct cds_lfs_stack *)s, &node->n);
	return true;
}

static void *lfs_pop(void *s, void *tls)
{
	struct cds_lfs_node *n;
	struct lfs_node *node;
	void *val;

	(void)tls;
	rcu_read_lock();
	n = __cds_lfs_pop((struct cds_lfs_stack *)s);
	rcu_read_unlock();
	if (!n)
		return NULL;
	node = caa_container_of(n, struct lfs_node, n);
	val = node->val;
	call_rcu(&node->rcu, lfs_free);
	return val;
}

static void lfs_destroy(void *s)
{
	while (lfs_pop(s, NULL))
		;
	rcu_barrier();
	cds_lfs_destroy(s);
	free(s);
}

BENCH_PAIRS_LOOP(urcu_lfs_pairs, lfs_push, lfs_pop, 0)

static const struct bench_impl urcu_lfs = {
	.name = "lfstack",
	.family = "liburcu",
	.note = "cds_lfs_push + __cds_lfs_pop under rcu_read_lock (lock-free); malloc node, call_rcu(free)",
	.create = lfs_create,
	.destroy = lfs_destroy,
	.push = lfs_push,
	.pop = lfs_pop,
	.pairs = urcu_lfs_pairs,
};

void impl_urcu_register(void)
{
	bench_add(&urcu_lfq);
	bench_add(&urcu_wfcq);
	bench_add(&urcu_lfs);
}

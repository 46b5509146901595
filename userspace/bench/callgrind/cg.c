// SPDX-License-Identifier: GPL-2.0
/*
 * cg.c - N push+pop pairs of one lfq structure on one thread, for
 * instruction counts under callgrind (see cg.sh).
 *
 * usage: cg msq|stack|tlq|ring|bulk32 [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rcupdate.h>
#include "lfq_internal.h"

int main(int argc, char **argv)
{
	const char *what = argv[1];
	long n = argc > 2 ? atol(argv[2]) : 200000, i;
	static int vals[64];
	void *v[32], *o[32];

	rcu_register_thread();
	lfq_core_init();
	for (i = 0; i < 32; i++)
		v[i] = &vals[i];
	if (!strcmp(what, "msq")) {
		struct lfq_msq q;
		lfq_msq_init(&q, GFP_KERNEL);
		for (i = 0; i < n; i++) {
			lfq_msq_push(&q, v[0], GFP_KERNEL);
			if (!lfq_msq_pop(&q)) abort();
		}
		lfq_msq_destroy(&q, NULL);
	} else if (!strcmp(what, "stack")) {
		struct lfq_stack s;
		lfq_stack_init(&s);
		for (i = 0; i < n; i++) {
			lfq_stack_push(&s, v[0], GFP_KERNEL);
			if (!lfq_stack_pop(&s)) abort();
		}
		lfq_stack_destroy(&s, NULL);
	} else if (!strcmp(what, "tlq")) {
		struct lfq_tlq q;
		lfq_tlq_init(&q, GFP_KERNEL);
		for (i = 0; i < n; i++) {
			lfq_tlq_push(&q, v[0], GFP_KERNEL);
			if (!lfq_tlq_pop(&q)) abort();
		}
		lfq_tlq_destroy(&q, NULL);
	} else if (!strcmp(what, "ring")) {
		struct lfq_ring r;
		lfq_ring_init(&r, 1024, GFP_KERNEL);
		for (i = 0; i < n; i++) {
			lfq_ring_push(&r, v[0]);
			if (!lfq_ring_pop(&r)) abort();
		}
		lfq_ring_destroy(&r, NULL);
	} else if (!strcmp(what, "bulk32")) {
		struct lfq_ring r;
		lfq_ring_init(&r, 1024, GFP_KERNEL);
		for (i = 0; i < n / 32; i++) {
			if (lfq_ring_push_bulk(&r, v, 32) != 32) abort();
			if (lfq_ring_pop_bulk(&r, o, 32) != 32) abort();
		}
		lfq_ring_destroy(&r, NULL);
	}
	rcu_barrier();
	lfq_core_exit();
	rcu_unregister_thread();
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * cg.c - N push+pop pairs of one registered lfq kind on one thread, for
 * instruction counts under callgrind (see cg.sh).
 *
 * usage: cg KIND [N]          one value per call (push, pop)
 *        cg KIND/bulkB [N]    B values per call (push_many/pop_many, all
 *                             or nothing; kinds that have them)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/rcupdate.h>
#include "lfq_internal.h"

#define MAX_BATCH	128

int main(int argc, char **argv)
{
	static int vals[MAX_BATCH];
	void *v[MAX_BATCH], *o[MAX_BATCH];
	const struct lfq_kind *k;
	unsigned int batch = 0;
	char name[32], *slash;
	long n, i;
	void *c;

	if (argc < 2 || strlen(argv[1]) >= sizeof(name)) {
		fprintf(stderr, "usage: cg KIND[/bulkB] [N]\n");
		return 2;
	}
	strcpy(name, argv[1]);
	slash = strchr(name, '/');
	if (slash) {
		*slash = '\0';
		if (sscanf(slash + 1, "bulk%u", &batch) != 1 || !batch ||
		    batch > MAX_BATCH) {
			fprintf(stderr, "cg: %s: want KIND/bulkB, B <= %d\n",
				argv[1], MAX_BATCH);
			return 2;
		}
	}
	n = argc > 2 ? atol(argv[2]) : 200000;
	k = lfq_kind_by_name(name);
	if (!k || (batch && !k->push_many)) {
		fprintf(stderr, "cg: no kind %s%s\n", name,
			k ? " with push_many" : "");
		return 2;
	}
	for (i = 0; i < MAX_BATCH; i++)
		v[i] = &vals[i];

	rcu_register_thread();
	lfq_core_init();
	c = aligned_alloc(SMP_CACHE_BYTES,
			  (k->size + SMP_CACHE_BYTES - 1) & ~(size_t)(SMP_CACHE_BYTES - 1));
	if (!c || k->init(c, k->flags & LFQ_KIND_BOUNDED ? 1024 : 0, GFP_KERNEL))
		abort();
	if (!batch) {
		for (i = 0; i < n; i++) {
			k->push(c, v[0], GFP_KERNEL);
			if (!k->pop(c))
				abort();
		}
	} else {
		for (i = 0; i < n / batch; i++) {
			if (k->push_many(c, v, batch, true) != batch ||
			    k->pop_many(c, o, batch, true) != batch)
				abort();
		}
	}
	k->destroy(c, NULL);
	free(c);
	rcu_barrier();
	lfq_core_exit();
	rcu_unregister_thread();
	return 0;
}

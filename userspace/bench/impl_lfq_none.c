// SPDX-License-Identifier: GPL-2.0
/*
 * impl_lfq_none.c - stand-in used when the shim library is not built
 * (LFQ=0): the peers still run, lfq's rows are absent.
 */
#include "bench.h"

const char *bench_lfq_desc = "NOT BUILT (userspace/shim library missing; rows absent)";

void impl_lfq_register(void)
{
}

void bench_lfq_thread_start(int idx)
{
	(void)idx;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lfq_shm.h - shared-memory rings (lfq_shm.c) and the factory's hooks for
 * them (lfq_factory.c); the kernel API of the rings is in lfq.h.
 */
#ifndef _LFQ_SHM_H
#define _LFQ_SHM_H

#include <linux/types.h>

struct file;

struct file *lfq_shm_create_file(u32 capacity, u32 max_msg, u64 max_bytes,
				 bool nonblock);
void lfq_factory_uncount(void);

#endif /* _LFQ_SHM_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * abi_check.c - compile-time check (make abi-check) that the uapi
 * structures have the same size and field offsets for -m32 and -m64.
 */
#include <stddef.h>
#include <linux/lfq.h>

#define SIZE(s, n) _Static_assert(sizeof(struct s) == (n) &&		\
				  sizeof(struct s) % 8 == 0, #s " size")
#define OFF(s, f, n) _Static_assert(offsetof(struct s, f) == (n),	\
				    #s "." #f " offset")

SIZE(lfq_features, LFQ_FEATURES_SIZE_VER0);
SIZE(lfq_create, LFQ_CREATE_SIZE_VER0);
SIZE(lfq_msg_desc, 16);
SIZE(lfq_batch, LFQ_BATCH_SIZE_VER0);
SIZE(lfq_stats, LFQ_STATS_SIZE_VER1);
SIZE(lfq_info, LFQ_INFO_SIZE_VER1);
OFF(lfq_features, max_queue_bytes, 40);
OFF(lfq_create, max_bytes, 24);
OFF(lfq_create, reserved, 32);
OFF(lfq_msg_desc, len, 8);
OFF(lfq_batch, msgs, 8);
OFF(lfq_batch, count, 16);
OFF(lfq_batch, deadline_ns, 24);
OFF(lfq_stats, pushes, 8);
OFF(lfq_stats, rcu_backlog, 80);
OFF(lfq_info, max_bytes, 16);
OFF(lfq_info, fixed_bytes, 24);
OFF(lfq_stats, mem_bytes, 88);
SIZE(lfq_shm_hdr, 56);
SIZE(lfq_shm_slot, 8);
SIZE(lfq_shm_info, LFQ_SHM_INFO_SIZE_VER0);
SIZE(lfq_shm_wait, LFQ_SHM_WAIT_SIZE_VER0);
OFF(lfq_shm_hdr, ring_size, 24);
OFF(lfq_shm_hdr, slots_off, 48);
OFF(lfq_shm_info, hdr_off, 8);
OFF(lfq_shm_info, hdr, 32);
OFF(lfq_shm_info, wakes, 88);
OFF(lfq_shm_wait, deadline_ns, 16);

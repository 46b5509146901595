// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest for /dev/lfq (uapi/linux/lfq.h): LFQ_IOC_PUSH_BATCH and LFQ_IOC_POP_BATCH
 *
 * One queue of each kind (lfq_queue.h): as many as possible and all or
 * nothing, slots against the byte budget, and each error of a batch with
 * otherwise valid input (EFAULT at each place, bad lengths, flags, sizes,
 * counts), nothing moved, lost or reordered by a failed call.
 *
 * Every case skips when /dev/lfq does not exist (module not loaded), and a
 * kind's cases skip when the running module does not offer that kind
 * (features.kinds), as a flag's cases do without the flag.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "lfq_common.h"
#include "lfq_queue.h"

/* ---- batches: functional ---- */

TEST_F(q, batch_push_pop)
{
	struct mbuf in, out;
	unsigned int i, n = 5;

	NEED_IO_FLAGS(LFQ_IO_ALL | LFQ_IO_NONBLOCK);

	mbuf_push(&in, 20, n);
	ASSERT_EQ(n, batch(self->qfd, LFQ_IOC_PUSH_BATCH, LFQ_IO_ALL,
			   in.d, n, 0));
	EXPECT_EQ(n, q_len(self->qfd));
	mbuf_pop(&out, n);
	ASSERT_EQ(n, batch(self->qfd, LFQ_IOC_POP_BATCH, LFQ_IO_ALL,
			   out.d, n, 0));
	for (i = 0; i < n; i++) {
		unsigned int tag = 20 + nth_pop(variant->lifo, i, n);

		EXPECT_EQ(msg_len(tag), out.d[i].len);
		EXPECT_EQ(tag, mbuf_tag(&out, i));
		EXPECT_EQ(0, out.d[i].flags);
	}
	EXPECT_EQ(0, q_len(self->qfd));

	/* Batch and single calls see the same queue. */
	mbuf_push(&in, 30, 3);
	ASSERT_EQ(3, batch(self->qfd, LFQ_IOC_PUSH_BATCH, 0, in.d, 3, 0));
	EXPECT_EQ(variant->lifo ? 32 : 30, pop_tag(self->qfd));
	mbuf_pop(&out, 4);
	ASSERT_EQ(2, batch(self->qfd, LFQ_IOC_POP_BATCH, LFQ_IO_NONBLOCK,
			   out.d, 4, 0));
	EXPECT_EQ(31, mbuf_tag(&out, 0));
	EXPECT_EQ(variant->lifo ? 30 : 32, mbuf_tag(&out, 1));

	/* count 0: nothing to do */
	EXPECT_EQ(0, batch(self->qfd, LFQ_IOC_PUSH_BATCH, 0, in.d, 0, 0));
	EXPECT_EQ(0, batch(self->qfd, LFQ_IOC_POP_BATCH, 0, out.d, 0, 0));
	EXPECT_EQ(0, batch(self->qfd, LFQ_IOC_POP_BATCH, LFQ_IO_ALL, NULL, 0, 0));
}

/* As many as possible: partial counts at the full and empty ends. */
TEST_F(q, batch_as_many_as_possible)
{
	struct mbuf m;

	NEED_IO_FLAGS(LFQ_IO_NONBLOCK);

	/* 1 of 8 slots (or 64 of 512 bytes) used: 7 more fit. */
	ASSERT_EQ(MSG_MAX, push_full_tag(self->qfd, 100));
	mbuf_push_full(&m, QSLOTS);
	EXPECT_EQ(QSLOTS - 1, batch(self->qfd, LFQ_IOC_PUSH_BATCH,
				    LFQ_IO_NONBLOCK, m.d, QSLOTS, 0));
	EXPECT_EQ(QSLOTS, q_len(self->qfd));
	EXPECT_EQ(-EAGAIN, batch(self->qfd, LFQ_IOC_PUSH_BATCH,
				 LFQ_IO_NONBLOCK, m.d, QSLOTS, 0));

	/* Pop 5, then ask for 5 more: 3 come. */
	mbuf_pop(&m, 5);
	EXPECT_EQ(5, batch(self->qfd, LFQ_IOC_POP_BATCH, LFQ_IO_NONBLOCK,
			   m.d, 5, 0));
	mbuf_pop(&m, 5);
	EXPECT_EQ(3, batch(self->qfd, LFQ_IOC_POP_BATCH, LFQ_IO_NONBLOCK,
			   m.d, 5, 0));
	EXPECT_EQ(variant->lifo ? 100 : QSLOTS - 2, mbuf_tag(&m, 2));
	EXPECT_EQ(-EAGAIN, batch(self->qfd, LFQ_IOC_POP_BATCH,
				 LFQ_IO_NONBLOCK, m.d, 5, 0));
	EXPECT_EQ(0, q_len(self->qfd));
}

/* All or nothing: a batch that cannot move entirely moves nothing. */
TEST_F(q, batch_all_or_nothing)
{
	struct mbuf m;
	struct lfq_stats st;
	unsigned int i;

	NEED_IO_FLAGS(LFQ_IO_ALL | LFQ_IO_NONBLOCK);

	ASSERT_EQ(MSG_MAX, push_full_tag(self->qfd, 100));
	mbuf_push_full(&m, QSLOTS);
	/* Would fit on an empty queue, not now. */
	EXPECT_EQ(-EAGAIN, batch(self->qfd, LFQ_IOC_PUSH_BATCH,
				 LFQ_IO_ALL | LFQ_IO_NONBLOCK, m.d, QSLOTS, 0));
	EXPECT_EQ(1, q_len(self->qfd));
	ASSERT_EQ(QSLOTS - 1, batch(self->qfd, LFQ_IOC_PUSH_BATCH,
				    LFQ_IO_ALL | LFQ_IO_NONBLOCK, m.d,
				    QSLOTS - 1, 0));

	/* Pop: 8 there, ask for 8 + ... no: ask 8, pop 3, ask 6 */
	mbuf_pop(&m, 3);
	ASSERT_EQ(3, batch(self->qfd, LFQ_IOC_POP_BATCH, LFQ_IO_ALL, m.d, 3, 0));
	mbuf_pop(&m, 6);
	EXPECT_EQ(-EAGAIN, batch(self->qfd, LFQ_IOC_POP_BATCH,
				 LFQ_IO_ALL | LFQ_IO_NONBLOCK, m.d, 6, 0));
	for (i = 0; i < 6; i++)
		EXPECT_EQ(0, m.buf[i][0]);
	ASSERT_EQ(0, get_stats(self->qfd, &st));
	EXPECT_EQ(5, st.length);
	EXPECT_EQ(3, st.pops);
	ASSERT_EQ(5, batch(self->qfd, LFQ_IOC_POP_BATCH, LFQ_IO_ALL, m.d, 5, 0));
	EXPECT_EQ(0, q_len(self->qfd));
}

/* An all-or-nothing batch that could never fit: EINVAL, not a sleep. */
TEST_F(q, batch_all_never_fits)
{
	struct lfq_msg_desc d[QSLOTS + 1];
	char buf[QSLOTS + 1][MSG_MAX];
	unsigned int i;

	NEED_IO_FLAGS(LFQ_IO_ALL);

	for (i = 0; i <= QSLOTS; i++) {
		msg_fill(buf[i], i, MSG_MAX);
		d[i].addr = (uintptr_t)buf[i];
		d[i].len = MSG_MAX;
		d[i].flags = 0;
	}
	/* 9 max_msg messages > max_bytes (and > ring capacity) */
	EXPECT_EQ(-EINVAL, batch(self->qfd, LFQ_IOC_PUSH_BATCH, LFQ_IO_ALL,
				 d, QSLOTS + 1, 0));
	EXPECT_EQ(0, q_len(self->qfd));
	/* As many as possible: 8 go in. */
	EXPECT_EQ(QSLOTS, batch(self->qfd, LFQ_IOC_PUSH_BATCH, 0, d,
				QSLOTS + 1, 0));
	if (variant->capacity) {
		/* Popping more than the capacity at once can never succeed. */
		EXPECT_EQ(-EINVAL, batch(self->qfd, LFQ_IOC_POP_BATCH,
					 LFQ_IO_ALL, d, QSLOTS + 1, 0));
	}
	EXPECT_EQ(QSLOTS, q_len(self->qfd));
}

/*
 * The ring is bounded by slots, the others by the memory their messages
 * hold: each message is charged what it costs, so small messages are
 * charged more than their length, and the charges fill the budget exactly.
 */
TEST_F(q, capacity_vs_bytes)
{
	__u64 c1, cmax = QBYTES / QSLOTS;
	unsigned int i, n;
	char c = 'x';

	set_nonblock(self->qfd, true);
	ASSERT_EQ(1, xwrite(self->qfd, &c, 1));
	c1 = q_mem(self->qfd);
	/* more than its payload, less than a max_msg message */
	EXPECT_LT(1, c1);
	EXPECT_GE(cmax, c1);
	for (n = 1; n < 100000 && xwrite(self->qfd, &c, 1) == 1; n++)
		;
	EXPECT_EQ(n * c1, q_mem(self->qfd));
	if (variant->capacity) {
		/* full at the capacity, whatever the bytes */
		EXPECT_EQ(QSLOTS, n);
		return;
	}
	/* the budget is full: no room for one more charge */
	EXPECT_EQ(QBYTES / c1, n);
	EXPECT_EQ(-EAGAIN, xwrite(self->qfd, &c, 1));
	/* popping one gives its charge back */
	EXPECT_EQ(1, pop_any(self->qfd));
	EXPECT_EQ((n - 1) * c1, q_mem(self->qfd));
	for (i = 0; i < n - 1; i++)
		ASSERT_EQ(1, pop_any(self->qfd));
	EXPECT_EQ(0, q_mem(self->qfd));
}

/* ---- batches: errors, each with otherwise valid input ---- */

TEST_F(q, batch_efault_arg)
{
	void *bad = bad_page();
	struct lfq_batch *b = edge_of_page(8);
	struct mbuf m;

	ASSERT_NE(NULL, bad);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(-EFAULT, xioctl(self->qfd, LFQ_IOC_PUSH_BATCH, NULL));
	EXPECT_EQ(-EFAULT, xioctl(self->qfd, LFQ_IOC_PUSH_BATCH, bad));
	EXPECT_EQ(-EFAULT, xioctl(self->qfd, LFQ_IOC_POP_BATCH, NULL));
	EXPECT_EQ(-EFAULT, xioctl(self->qfd, LFQ_IOC_POP_BATCH, bad));
	/* size and flags readable, msgs and count not */
	mbuf_push(&m, 0, 1);
	b->size = sizeof(*b);
	b->flags = 0;
	EXPECT_EQ(-EFAULT, xioctl(self->qfd, LFQ_IOC_PUSH_BATCH, b));
	EXPECT_EQ(0, q_len(self->qfd));
}

TEST_F(q, batch_efault_descs)
{
	struct lfq_msg_desc *edge = edge_of_page(2 * sizeof(*edge));
	void *bad = bad_page();
	struct mbuf m;

	NEED_IO_FLAGS(LFQ_IO_ALL);

	ASSERT_NE(NULL, bad);
	ASSERT_NE(NULL, edge);
	mbuf_push(&m, 0, 4);
	EXPECT_EQ(-EFAULT, batch(self->qfd, LFQ_IOC_PUSH_BATCH, 0, bad, 4, 0));
	EXPECT_EQ(-EFAULT, batch(self->qfd, LFQ_IOC_PUSH_BATCH, LFQ_IO_ALL,
				 NULL, 4, 0));
	/* Array of 4 whose last two descriptors are unreadable. */
	memcpy(edge, m.d, 2 * sizeof(*edge));
	EXPECT_EQ(-EFAULT, batch(self->qfd, LFQ_IOC_PUSH_BATCH, 0, edge, 4, 0));
	EXPECT_EQ(0, q_len(self->qfd));

	ASSERT_EQ(4, batch(self->qfd, LFQ_IOC_PUSH_BATCH, 0, m.d, 4, 0));
	EXPECT_EQ(-EFAULT, batch(self->qfd, LFQ_IOC_POP_BATCH, 0, bad, 4, 0));
	mbuf_pop(&m, 2);
	memcpy(edge, m.d, 2 * sizeof(*edge));
	EXPECT_EQ(-EFAULT, batch(self->qfd, LFQ_IOC_POP_BATCH, 0, edge, 4, 0));
	EXPECT_EQ(4, q_len(self->qfd));
}

/* A bad message address in the middle of a push batch. */
TEST_F(q, batch_push_efault_mid)
{
	void *bad = bad_page();
	struct lfq_stats st;
	struct mbuf m;

	NEED_IO_FLAGS(LFQ_IO_ALL);

	ASSERT_NE(NULL, bad);
	set_nonblock(self->qfd, true);
	mbuf_push(&m, 0, 5);
	m.d[2].addr = (uintptr_t)bad;

	/* all or nothing: nothing */
	EXPECT_EQ(-EFAULT, batch(self->qfd, LFQ_IOC_PUSH_BATCH, LFQ_IO_ALL,
				 m.d, 5, 0));
	ASSERT_EQ(0, get_stats(self->qfd, &st));
	EXPECT_EQ(0, st.pushes);
	EXPECT_EQ(0, st.length);
	EXPECT_EQ(0, st.bytes);

	/* as many as possible: the two before the fault */
	EXPECT_EQ(2, batch(self->qfd, LFQ_IOC_PUSH_BATCH, 0, m.d, 5, 0));
	EXPECT_EQ(2, q_len(self->qfd));
	EXPECT_EQ(variant->lifo ? 1 : 0, pop_tag(self->qfd));
	EXPECT_EQ(variant->lifo ? 0 : 1, pop_tag(self->qfd));
	EXPECT_EQ(-EAGAIN, pop_tag(self->qfd));

	/* fault on the first: EFAULT, nothing */
	m.d[0].addr = (uintptr_t)bad;
	EXPECT_EQ(-EFAULT, batch(self->qfd, LFQ_IOC_PUSH_BATCH, 0, m.d, 5, 0));
	EXPECT_EQ(0, q_len(self->qfd));
}

/* A bad buffer in the middle of a pop batch: nothing lost, order kept. */
TEST_F(q, batch_pop_efault_mid)
{
	void *bad = bad_page();
	struct lfq_stats st;
	struct mbuf m;
	unsigned int i, n = 6;

	NEED_IO_FLAGS(LFQ_IO_ALL);

	ASSERT_NE(NULL, bad);
	set_nonblock(self->qfd, true);
	mbuf_push(&m, 0, n);
	ASSERT_EQ(n, batch(self->qfd, LFQ_IOC_PUSH_BATCH, 0, m.d, n, 0));

	/* all or nothing: EFAULT, all six still there */
	mbuf_pop(&m, 4);
	m.d[2].addr = (uintptr_t)bad;
	EXPECT_EQ(-EFAULT, batch(self->qfd, LFQ_IOC_POP_BATCH, LFQ_IO_ALL,
				 m.d, 4, 0));
	ASSERT_EQ(0, get_stats(self->qfd, &st));
	EXPECT_EQ(0, st.pops);
	EXPECT_EQ(n, st.length);

	/* as many as possible: the two before the fault */
	mbuf_pop(&m, 4);
	m.d[2].addr = (uintptr_t)bad;
	EXPECT_EQ(2, batch(self->qfd, LFQ_IOC_POP_BATCH, 0, m.d, 4, 0));
	EXPECT_EQ(nth_pop(variant->lifo, 0, n), mbuf_tag(&m, 0));
	EXPECT_EQ(nth_pop(variant->lifo, 1, n), mbuf_tag(&m, 1));

	/* fault on the first: EFAULT, nothing delivered */
	mbuf_pop(&m, 4);
	m.d[0].addr = (uintptr_t)bad;
	EXPECT_EQ(-EFAULT, batch(self->qfd, LFQ_IOC_POP_BATCH, 0, m.d, 4, 0));

	/* The rest comes out in the original order. */
	for (i = 2; i < n; i++)
		EXPECT_EQ(nth_pop(variant->lifo, i, n), pop_tag(self->qfd));
	EXPECT_EQ(-EAGAIN, pop_tag(self->qfd));
	ASSERT_EQ(0, get_stats(self->qfd, &st));
	EXPECT_EQ(n, st.pops);
	EXPECT_EQ(0, st.bytes);
}

/* Pop into read-only descriptors: the length cannot be reported back. */
TEST_F(q, batch_pop_readonly_descs)
{
	struct lfq_msg_desc *d;
	char (*buf)[MSG_MAX];
	unsigned int i;
	long pg = getpagesize();

	NEED_IO_FLAGS(LFQ_IO_ALL);

	d = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	ASSERT_NE(MAP_FAILED, d);
	buf = (void *)((char *)d + 256);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(msg_len(i), push_tag(self->qfd, i));
		d[i].addr = (uintptr_t)buf[i];
		d[i].len = MSG_MAX;
		d[i].flags = 0;
	}
	ASSERT_EQ(0, mprotect(d, pg, PROT_READ));
	EXPECT_EQ(-EFAULT, batch(self->qfd, LFQ_IOC_POP_BATCH, LFQ_IO_ALL,
				 d, 3, 0));
	EXPECT_EQ(-EFAULT, batch(self->qfd, LFQ_IOC_POP_BATCH, 0, d, 3, 0));
	EXPECT_EQ(3, q_len(self->qfd));
	set_nonblock(self->qfd, true);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(nth_pop(variant->lifo, i, 3), pop_tag(self->qfd));
	EXPECT_EQ(-EAGAIN, pop_tag(self->qfd));
	munmap(d, pg);
}

TEST_F(q, batch_desc_len)
{
	struct lfq_stats st;
	struct mbuf m;

	NEED_IO_FLAGS(LFQ_IO_ALL);

	/* push: a zero length in the middle is EINVAL, too long EMSGSIZE */
	mbuf_push(&m, 0, 4);
	m.d[2].len = 0;
	EXPECT_EQ(-EINVAL, batch(self->qfd, LFQ_IOC_PUSH_BATCH, 0, m.d, 4, 0));
	EXPECT_EQ(-EINVAL, batch(self->qfd, LFQ_IOC_PUSH_BATCH, LFQ_IO_ALL,
				 m.d, 4, 0));
	m.d[2].len = MSG_MAX + 1;
	EXPECT_EQ(-EMSGSIZE, batch(self->qfd, LFQ_IOC_PUSH_BATCH, 0, m.d, 4, 0));
	m.d[2].len = ~0U;
	EXPECT_EQ(-EMSGSIZE, batch(self->qfd, LFQ_IOC_PUSH_BATCH, 0, m.d, 4, 0));
	m.d[2].len = msg_len(2);
	m.d[3].flags = 1;
	EXPECT_EQ(-EINVAL, batch(self->qfd, LFQ_IOC_PUSH_BATCH, 0, m.d, 4, 0));
	ASSERT_EQ(0, get_stats(self->qfd, &st));
	EXPECT_EQ(0, st.pushes);
	EXPECT_EQ(0, st.length);

	/* pop: a buffer shorter than max_msg is EMSGSIZE, nothing popped */
	mbuf_push(&m, 0, 4);
	ASSERT_EQ(4, batch(self->qfd, LFQ_IOC_PUSH_BATCH, 0, m.d, 4, 0));
	mbuf_pop(&m, 4);
	m.d[1].len = MSG_MAX - 1;
	EXPECT_EQ(-EMSGSIZE, batch(self->qfd, LFQ_IOC_POP_BATCH, 0, m.d, 4, 0));
	m.d[1].len = 0;
	EXPECT_EQ(-EMSGSIZE, batch(self->qfd, LFQ_IOC_POP_BATCH, LFQ_IO_ALL,
				   m.d, 4, 0));
	m.d[1].len = MSG_MAX;
	m.d[3].flags = 1U << 31;
	EXPECT_EQ(-EINVAL, batch(self->qfd, LFQ_IOC_POP_BATCH, 0, m.d, 4, 0));
	ASSERT_EQ(0, get_stats(self->qfd, &st));
	EXPECT_EQ(0, st.pops);
	EXPECT_EQ(4, st.length);
	/* A larger buffer is fine. */
	m.d[3].flags = 0;
	m.d[0].len = 4096;
	EXPECT_EQ(4, batch(self->qfd, LFQ_IOC_POP_BATCH, 0, m.d, 4, 0));
}

TEST_F(q, batch_flags_reserved)
{
	struct lfq_batch b;
	struct mbuf m;
	unsigned int bit;

	NEED_IO_FLAGS(LFQ_IO_DEADLINE);

	mbuf_push(&m, 0, 2);
	ASSERT_NE(0, unknown_flag(self->f.io_flags));
	for (bit = 0; bit < 32; bit++) {
		if (self->f.io_flags & (1U << bit))
			continue;
		EXPECT_EQ(-EINVAL, batch(self->qfd, LFQ_IOC_PUSH_BATCH,
					 1U << bit, m.d, 2, 0)) TH_LOG("bit %u", bit);
		EXPECT_EQ(-EINVAL, batch(self->qfd, LFQ_IOC_POP_BATCH,
					 1U << bit, m.d, 2, 0)) TH_LOG("bit %u", bit);
	}
	/* a deadline beyond what a ktime_t holds */
	EXPECT_EQ(-EINVAL, batch(self->qfd, LFQ_IOC_PUSH_BATCH,
				 LFQ_IO_DEADLINE, m.d, 2, ~0ull));
	/* a deadline without LFQ_IO_DEADLINE */
	EXPECT_EQ(-EINVAL, batch(self->qfd, LFQ_IOC_PUSH_BATCH, 0, m.d, 2,
				 now_ns() + 1000000000ull));

	memset(&b, 0, sizeof(b));
	b.size = sizeof(b);
	b.msgs = (uintptr_t)m.d;
	b.count = 2;
	b.reserved = 1;
	EXPECT_EQ(-EINVAL, xioctl(self->qfd, LFQ_IOC_PUSH_BATCH, &b));
	EXPECT_EQ(-EINVAL, xioctl(self->qfd, LFQ_IOC_POP_BATCH, &b));
	EXPECT_EQ(0, q_len(self->qfd));
	b.reserved = 0;
	EXPECT_EQ(2, xioctl(self->qfd, LFQ_IOC_PUSH_BATCH, &b));
}

TEST_F(q, batch_size)
{
	struct {
		struct lfq_batch b;
		__u64 tail[2];
	} big;
	struct mbuf m;

	mbuf_push(&m, 0, 2);
	memset(&big, 0, sizeof(big));
	big.b.msgs = (uintptr_t)m.d;
	big.b.count = 2;

	big.b.size = LFQ_BATCH_SIZE_VER0 - 8;
	EXPECT_EQ(-EINVAL, xioctl(self->qfd, LFQ_IOC_PUSH_BATCH, &big));
	big.b.size = 0;
	EXPECT_EQ(-EINVAL, xioctl(self->qfd, LFQ_IOC_PUSH_BATCH, &big));
	big.b.size = sizeof(big);
	big.tail[1] = 1;
	EXPECT_EQ(-E2BIG, xioctl(self->qfd, LFQ_IOC_PUSH_BATCH, &big));
	EXPECT_EQ(-E2BIG, xioctl(self->qfd, LFQ_IOC_POP_BATCH, &big));
	EXPECT_EQ(0, q_len(self->qfd));
	big.tail[1] = 0;
	EXPECT_EQ(2, xioctl(self->qfd, LFQ_IOC_PUSH_BATCH, &big));
	EXPECT_EQ(2, q_len(self->qfd));
}

TEST_F(q, batch_count_overflow)
{
	struct lfq_features f;
	struct lfq_msg_desc *d;
	unsigned int i, n;
	char c = 'c';
	__u64 c1;

	NEED_IO_FLAGS(LFQ_IO_NONBLOCK);

	ASSERT_EQ(0, get_features(self->dev, &f));
	n = f.max_batch + 1;
	d = calloc(n, sizeof(*d));
	ASSERT_NE(NULL, d);
	for (i = 0; i < n; i++) {
		d[i].addr = (uintptr_t)&c;
		d[i].len = 1;
	}
	EXPECT_EQ(-EINVAL, batch(self->qfd, LFQ_IOC_PUSH_BATCH, 0, d, n, 0));
	EXPECT_EQ(-EINVAL, batch(self->qfd, LFQ_IOC_PUSH_BATCH, 0, d, ~0U, 0));
	EXPECT_EQ(-EINVAL, batch(self->qfd, LFQ_IOC_PUSH_BATCH, 0, d,
				 1U << 28, 0));	/* 16 * 2^28 = 2^32 bytes */
	EXPECT_EQ(-EINVAL, batch(self->qfd, LFQ_IOC_POP_BATCH, 0, d, ~0U, 0));
	EXPECT_EQ(0, q_len(self->qfd));
	/* what a 1-byte message is charged */
	ASSERT_EQ(1, xwrite(self->qfd, &c, 1));
	c1 = q_mem(self->qfd);
	ASSERT_EQ(1, pop_any(self->qfd));
	ASSERT_LT(0, c1);
	/* max_batch itself is accepted (as many as fit: slots or budget) */
	EXPECT_EQ(variant->capacity ? QSLOTS : (f.max_batch < QBYTES / c1 ?
						f.max_batch : QBYTES / c1),
		  batch(self->qfd, LFQ_IOC_PUSH_BATCH, LFQ_IO_NONBLOCK, d,
			f.max_batch, 0));
	free(d);
}

TEST_HARNESS_MAIN

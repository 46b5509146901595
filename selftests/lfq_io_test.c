// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest for /dev/lfq (uapi/linux/lfq.h): read() and write()
 *
 * One queue of each kind (lfq_queue.h): order, message boundaries, zero
 * and oversized messages, buffers too small, EFAULT with nothing lost, and
 * the calls a queue fd refuses (lseek, pread, pwrite).
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

#include "kselftest_harness.h"
#include "lfq_common.h"
#include "lfq_queue.h"

TEST_F(q, push_pop_order)
{
	unsigned int i, n = QSLOTS;

	set_nonblock(self->qfd, true);
	for (i = 0; i < n; i++)
		ASSERT_EQ(msg_len(i), push_tag(self->qfd, i));
	for (i = 0; i < n; i++)
		EXPECT_EQ(nth_pop(variant->lifo, i, n), pop_tag(self->qfd));
	EXPECT_EQ(-EAGAIN, pop_tag(self->qfd));

	/* interleaved */
	ASSERT_EQ(msg_len(10), push_tag(self->qfd, 10));
	ASSERT_EQ(msg_len(11), push_tag(self->qfd, 11));
	EXPECT_EQ(variant->lifo ? 11 : 10, pop_tag(self->qfd));
	ASSERT_EQ(msg_len(12), push_tag(self->qfd, 12));
	EXPECT_EQ(variant->lifo ? 12 : 11, pop_tag(self->qfd));
	EXPECT_EQ(variant->lifo ? 10 : 12, pop_tag(self->qfd));
	EXPECT_EQ(-EAGAIN, pop_tag(self->qfd));
}

TEST_F(q, message_boundaries)
{
	char in[MSG_MAX], out[MSG_MAX * 2];
	unsigned int len;

	set_nonblock(self->qfd, true);
	/* Every length from 1 to max_msg comes back as it went in. */
	for (len = 1; len <= MSG_MAX; len++) {
		memset(in, (int)len, len);
		ASSERT_EQ(len, xwrite(self->qfd, in, len));
		memset(out, 0, sizeof(out));
		ASSERT_EQ(len, xread(self->qfd, out, sizeof(out)));
		ASSERT_EQ(0, memcmp(in, out, len));
		ASSERT_EQ(0, out[len]);
	}
}

TEST_F(q, write_zero)
{
	char buf[1] = { 1 };

	EXPECT_EQ(0, xwrite(self->qfd, buf, 0));
	EXPECT_EQ(0, q_len(self->qfd));
	set_nonblock(self->qfd, true);
	EXPECT_EQ(-EAGAIN, pop_tag(self->qfd));
}

TEST_F(q, write_too_big)
{
	char *buf = calloc(1, 1 << 20);
	struct lfq_stats st;

	ASSERT_NE(NULL, buf);
	EXPECT_EQ(-EMSGSIZE, xwrite(self->qfd, buf, MSG_MAX + 1));
	EXPECT_EQ(-EMSGSIZE, xwrite(self->qfd, buf, 1 << 20));
	free(buf);
	ASSERT_EQ(0, get_stats(self->qfd, &st));
	EXPECT_EQ(0, st.pushes);
	EXPECT_EQ(0, st.length);
}

TEST_F(q, write_efault)
{
	void *bad = bad_page();
	char *edge = edge_of_page(8);
	struct lfq_stats st;

	ASSERT_NE(NULL, bad);
	ASSERT_NE(NULL, edge);
	EXPECT_EQ(-EFAULT, xwrite(self->qfd, bad, 10));
	EXPECT_EQ(-EFAULT, xwrite(self->qfd, launder(NULL), 10));
	memset(edge, 1, 8);
	EXPECT_EQ(-EFAULT, xwrite(self->qfd, edge, 16));
	ASSERT_EQ(0, get_stats(self->qfd, &st));
	EXPECT_EQ(0, st.pushes);
	EXPECT_EQ(0, st.length);
	EXPECT_EQ(0, st.bytes);
}

/* A read() that faults puts the message back first in line. */
TEST_F(q, read_efault)
{
	void *bad = bad_page();
	char *edge = edge_of_page(8);
	struct lfq_stats st;

	ASSERT_NE(NULL, bad);
	ASSERT_NE(NULL, edge);
	set_nonblock(self->qfd, true);
	ASSERT_EQ(msg_len(1), push_tag(self->qfd, 1));
	ASSERT_EQ(msg_len(2), push_tag(self->qfd, 2));
	ASSERT_EQ(msg_len(3), push_tag(self->qfd, 3));

	EXPECT_EQ(-EFAULT, xread(self->qfd, bad, MSG_MAX));
	EXPECT_EQ(-EFAULT, xread(self->qfd, launder(NULL), MSG_MAX));
	/* A buffer valid for the first 8 bytes only. */
	EXPECT_EQ(-EFAULT, xread(self->qfd, edge, MSG_MAX));
	ASSERT_EQ(0, get_stats(self->qfd, &st));
	EXPECT_EQ(0, st.pops);
	EXPECT_EQ(3, st.length);

	EXPECT_EQ(variant->lifo ? 3 : 1, pop_tag(self->qfd));
	EXPECT_EQ(2, pop_tag(self->qfd));
	EXPECT_EQ(variant->lifo ? 1 : 3, pop_tag(self->qfd));
	EXPECT_EQ(-EAGAIN, pop_tag(self->qfd));
}

/* A buffer smaller than max_msg: -EMSGSIZE, nothing popped or lost. */
TEST_F(q, read_too_small)
{
	char buf[MSG_MAX];
	struct lfq_stats st;

	set_nonblock(self->qfd, true);
	ASSERT_EQ(msg_len(0), push_tag(self->qfd, 0));	/* 4 bytes */
	EXPECT_EQ(-EMSGSIZE, xread(self->qfd, buf, MSG_MAX - 1));
	EXPECT_EQ(-EMSGSIZE, xread(self->qfd, buf, 4));
	EXPECT_EQ(-EMSGSIZE, xread(self->qfd, buf, 1));
	/* Empty queue, small buffer: still EMSGSIZE, checked first. */
	ASSERT_EQ(0, get_stats(self->qfd, &st));
	EXPECT_EQ(0, st.pops);
	EXPECT_EQ(1, st.length);
	EXPECT_EQ(0, pop_tag(self->qfd));
	EXPECT_EQ(-EAGAIN, pop_tag(self->qfd));
	/* A zero-length read is too small too. */
	EXPECT_EQ(-EMSGSIZE, xread(self->qfd, buf, 0));
}

TEST_F(q, lseek)
{
	char buf[MSG_MAX];

	EXPECT_EQ(-1, lseek(self->qfd, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(-1, pread(self->qfd, buf, sizeof(buf), 0));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(-1, pwrite(self->qfd, buf, 4, 0));
	EXPECT_EQ(ESPIPE, errno);
}

TEST_HARNESS_MAIN

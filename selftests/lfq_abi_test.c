// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest for /dev/lfq (uapi/linux/lfq.h): the factory and the ioctl ABI
 *
 * Fixtures:
 *   dev  the /dev/lfq fd: FEATURES, CREATE and its bad arguments, ioctl
 *        numbers, the limits of the module parameters
 *   q    a queue of each kind (lfq_queue.h): INFO, STATS and unknown
 *        ioctls on a queue fd
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
#include <sys/ioctl.h>
#include <sys/resource.h>

#include "kselftest_harness.h"
#include "lfq_common.h"
#include "lfq_queue.h"

/* push_full_tag() on a non-blocking call. */
static long push_full_tag_nb(int fd, unsigned int tag)
{
	int fl = fcntl(fd, F_GETFL);
	long ret;

	fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	ret = push_full_tag(fd, tag);
	fcntl(fd, F_SETFL, fl);
	return ret;
}

/* ==== the device fd ==== */

FIXTURE(dev) {
	int dev;
	struct lfq_features f;
};

FIXTURE_SETUP(dev)
{
	self->dev = setup_dev(_metadata, 0, &self->f);
}

FIXTURE_TEARDOWN(dev)
{
	if (self->dev >= 0)
		close(self->dev);
}

TEST_F(dev, features)
{
	struct lfq_features *f = &self->f;
	unsigned int i;

	/* The version is the module's to bump; a program asks, never assumes. */
	EXPECT_LE(1, f->abi_version);
	EXPECT_NE(0, f->kinds);
	EXPECT_FALSE(f->kinds & 1U) TH_LOG("kind 0 must never be valid");
	for (i = 0; i < NR_KIND_DESCS; i++)
		if (!kind_offered(f, kind_descs[i].kind))
			TH_LOG("%s: not offered, its cases skip",
			       kind_descs[i].name);
	EXPECT_LE(1, f->max_msg);
	EXPECT_LE(1, f->max_ring_capacity);
	EXPECT_EQ(0, f->max_ring_capacity & (f->max_ring_capacity - 1));
	EXPECT_LE(1, f->max_batch);
	EXPECT_LE(1, f->max_queues);
	EXPECT_LE(f->nr_queues, f->max_queues);
	EXPECT_LE(f->max_msg, f->max_queue_bytes);
	TH_LOG("abi %u kinds %#x create_flags %#x io_flags %#x",
	       f->abi_version, f->kinds, f->create_flags, f->io_flags);
	TH_LOG("max_msg %u ring %u batch %u queues %u/%u bytes %llu",
	       f->max_msg, f->max_ring_capacity, f->max_batch, f->nr_queues,
	       f->max_queues, (unsigned long long)f->max_queue_bytes);
}

TEST_F(dev, features_size)
{
	struct {
		struct lfq_features f;
		unsigned char tail[16];
	} big;
	struct lfq_features f;
	unsigned int i;
	void *bad = bad_page();

	/* Larger than this header's: the tail is zeroed. */
	memset(&big, 0xa5, sizeof(big));
	big.f.size = sizeof(big);
	ASSERT_EQ(0, xioctl(self->dev, LFQ_IOC_FEATURES, &big));
	EXPECT_EQ(self->f.abi_version, big.f.abi_version);
	for (i = 0; i < sizeof(big.tail); i++)
		EXPECT_EQ(0, big.tail[i]);

	memset(&f, 0, sizeof(f));
	f.size = LFQ_FEATURES_SIZE_VER0 - 8;
	EXPECT_EQ(-EINVAL, xioctl(self->dev, LFQ_IOC_FEATURES, &f));
	f.size = 0;
	EXPECT_EQ(-EINVAL, xioctl(self->dev, LFQ_IOC_FEATURES, &f));

	ASSERT_NE(NULL, bad);
	EXPECT_EQ(-EFAULT, xioctl(self->dev, LFQ_IOC_FEATURES, NULL));
	EXPECT_EQ(-EFAULT, xioctl(self->dev, LFQ_IOC_FEATURES, bad));
}

TEST_F(dev, create_each_kind)
{
	struct lfq_features f;
	struct lfq_info info;
	unsigned int i, k, cap, n = 0;
	int fd;

	for (i = 0; i < NR_KIND_DESCS; i++) {
		k = kind_descs[i].kind;
		cap = kind_descs[i].bounded ? 2 : 0;
		if (!kind_offered(&self->f, k))
			continue;
		n++;
		fd = q_create(self->dev, k, cap, 0, 0, 0);
		ASSERT_LE(0, fd) TH_LOG("%s: %s", kind_name(k), strerror(-fd));
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		ASSERT_EQ(0, xioctl(fd, LFQ_IOC_INFO, &info));
		EXPECT_EQ(k, info.kind);
		EXPECT_EQ(cap, info.capacity);
		/* 0 means the module's limits. */
		EXPECT_EQ(self->f.max_msg, info.max_msg);
		EXPECT_EQ(self->f.max_queue_bytes, info.max_bytes);
		ASSERT_EQ(0, get_features(self->dev, &f));
		EXPECT_EQ(self->f.nr_queues + 1, f.nr_queues);
		close(fd);
		/* The last close frees the queue. */
		ASSERT_EQ(0, get_features(self->dev, &f));
		EXPECT_EQ(self->f.nr_queues, f.nr_queues);
	}
	if (!n)
		SKIP(return, "the module offers none of this suite's kinds");
}

TEST_F(dev, create_flags)
{
	int fd;

	NEED_KIND(LFQ_KIND_MSQ);
	NEED_CREATE_FLAGS(LFQ_CREATE_CLOEXEC | LFQ_CREATE_NONBLOCK);

	fd = q_create(self->dev, LFQ_KIND_MSQ, 0, 0, 0, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(0, fcntl(fd, F_GETFL) & O_NONBLOCK);
	EXPECT_EQ(O_RDWR, fcntl(fd, F_GETFL) & O_ACCMODE);
	close(fd);

	fd = q_create(self->dev, LFQ_KIND_MSQ, 0, 0, 0, LFQ_CREATE_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(0, fcntl(fd, F_GETFL) & O_NONBLOCK);
	close(fd);

	fd = q_create(self->dev, LFQ_KIND_MSQ, 0, MSG_MAX, 0,
		      LFQ_CREATE_NONBLOCK);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, fcntl(fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_NONBLOCK, fcntl(fd, F_GETFL) & O_NONBLOCK);
	EXPECT_EQ(-EAGAIN, pop_tag(fd));
	close(fd);
}

/* 0, every kind FEATURES does not report, and one far beyond. */
TEST_F(dev, create_unknown_kind)
{
	unsigned int k;

	EXPECT_EQ(-EINVAL, q_create(self->dev, 0, 0, 0, 0, 0));
	for (k = unknown_kind(&self->f); k < 32; k++) {
		if (kind_offered(&self->f, k))
			continue;
		EXPECT_EQ(-EINVAL, q_create(self->dev, k, 0, 0, 0, 0))
			TH_LOG("kind %u", k);
		EXPECT_EQ(-EINVAL, q_create(self->dev, k, 8, 0, 0, 0))
			TH_LOG("kind %u, capacity 8", k);
	}
	EXPECT_EQ(-EINVAL, q_create(self->dev, ~0U, 0, 0, 0, 0));
}

TEST_F(dev, create_ring_capacity)
{
	unsigned int max = self->f.max_ring_capacity;
	int fd;

	NEED_KIND(LFQ_KIND_RING);

	EXPECT_EQ(-EINVAL, q_create(self->dev, LFQ_KIND_RING, 0, 0, 0, 0));
	EXPECT_EQ(-EINVAL, q_create(self->dev, LFQ_KIND_RING, 3, 0, 0, 0));
	EXPECT_EQ(-EINVAL, q_create(self->dev, LFQ_KIND_RING, 6, 0, 0, 0));
	EXPECT_EQ(-EINVAL, q_create(self->dev, LFQ_KIND_RING, 1000, 0, 0, 0));
	EXPECT_EQ(-EINVAL, q_create(self->dev, LFQ_KIND_RING, ~0U, 0, 0, 0));
	EXPECT_EQ(-EINVAL, q_create(self->dev, LFQ_KIND_RING, 1U << 31, 0, 0, 0));
	EXPECT_EQ(-EINVAL, q_create(self->dev, LFQ_KIND_RING, max * 2, 0, 0, 0));

	fd = q_create(self->dev, LFQ_KIND_RING, 2, 0, 0, 0);
	EXPECT_LE(0, fd);
	close(fd);
	fd = q_create(self->dev, LFQ_KIND_RING, max, 0, 0, 0);
	EXPECT_LE(0, fd) TH_LOG("capacity %u: %s", max, strerror(-fd));
	close(fd);
}

/* uapi: "a power of two from 1 to max_ring_capacity" */
TEST_F(dev, create_ring_capacity_one)
{
	char c = 'z';
	int fd;

	NEED_KIND(LFQ_KIND_RING);
	NEED_CREATE_FLAGS(LFQ_CREATE_NONBLOCK);

	fd = q_create(self->dev, LFQ_KIND_RING, 1, 1, 0, LFQ_CREATE_NONBLOCK);
	ASSERT_LE(0, fd) TH_LOG("capacity 1: %s", strerror(-fd));
	EXPECT_EQ(1, xwrite(fd, &c, 1));
	EXPECT_EQ(-EAGAIN, xwrite(fd, &c, 1));
	EXPECT_EQ(1, xread(fd, &c, 1));
	EXPECT_EQ(-EAGAIN, xread(fd, &c, 1));
	close(fd);
}

TEST_F(dev, create_capacity_unbounded)
{
	unsigned int i, k, n = 0;

	for (i = 0; i < NR_KIND_DESCS; i++) {
		k = kind_descs[i].kind;
		if (kind_descs[i].bounded || !kind_offered(&self->f, k))
			continue;
		n++;
		EXPECT_EQ(-EINVAL, q_create(self->dev, k, 8, 0, 0, 0))
			TH_LOG("%s", kind_name(k));
		EXPECT_EQ(-EINVAL, q_create(self->dev, k, 1, 0, 0, 0))
			TH_LOG("%s", kind_name(k));
	}
	if (!n)
		SKIP(return, "no unbounded kind offered");
}

TEST_F(dev, create_max_msg)
{
	static const unsigned int kinds[] = { LFQ_KIND_MSQ, LFQ_KIND_RING };
	__u64 big = self->f.max_queue_bytes;
	unsigned int i, kind, cap;
	struct lfq_info info;
	int fd;

	NEED_KIND(LFQ_KIND_MSQ);

	EXPECT_EQ(-EINVAL, q_create(self->dev, LFQ_KIND_MSQ, 0,
				    self->f.max_msg + 1, 0, 0));
	EXPECT_EQ(-EINVAL, q_create(self->dev, LFQ_KIND_MSQ, 0, ~0U, 0, 0));
	fd = q_create(self->dev, LFQ_KIND_MSQ, 0, self->f.max_msg, 0, 0);
	EXPECT_LE(0, fd);
	close(fd);

	/*
	 * max_bytes: from the charge of one max_msg message (which depends
	 * on the kind: the ring has no nodes) to features.max_queue_bytes
	 */
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		kind = kinds[i];
		if (!kind_offered(&self->f, kind)) {
			TH_LOG("%s: not offered", kind_name(kind));
			continue;
		}
		cap = kind == LFQ_KIND_RING ? 2 : 0;
		fd = q_create(self->dev, kind, cap, 64, 0, 0);
		ASSERT_LE(0, fd);
		info.size = sizeof(info);
		ASSERT_EQ(0, xioctl(fd, LFQ_IOC_INFO, &info));
		close(fd);
		/* at least the payload and a header */
		EXPECT_LT(64, info.max_msg_charge);
		EXPECT_EQ(-EINVAL, q_create(self->dev, kind, cap, 64,
					    info.max_msg_charge - 1, 0));
		EXPECT_EQ(-EINVAL, q_create(self->dev, kind, cap, 64, big + 1,
					    0));
		EXPECT_EQ(-EINVAL, q_create(self->dev, kind, cap, 64, ~0ull,
					    0));
		fd = q_create(self->dev, kind, cap, 64, info.max_msg_charge, 0);
		EXPECT_LE(0, fd);
		/* room for exactly one max_msg message */
		EXPECT_EQ(64, push_full_tag_nb(fd, 1));
		EXPECT_EQ(-EAGAIN, push_full_tag_nb(fd, 2));
		close(fd);
	}
}

TEST_F(dev, create_reserved)
{
	struct lfq_create c = {
		.size = sizeof(c), .kind = LFQ_KIND_MSQ,
	};
	int fd;

	NEED_KIND(LFQ_KIND_MSQ);

	c.reserved0 = 1;
	EXPECT_EQ(-EINVAL, xioctl(self->dev, LFQ_IOC_CREATE, &c));
	c.reserved0 = 0;
	c.reserved[0] = 1ull << 63;
	EXPECT_EQ(-EINVAL, xioctl(self->dev, LFQ_IOC_CREATE, &c));
	c.reserved[0] = 0;
	c.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, xioctl(self->dev, LFQ_IOC_CREATE, &c));
	c.reserved[1] = 0;
	fd = xioctl(self->dev, LFQ_IOC_CREATE, &c);
	EXPECT_LE(0, fd);
	close(fd);
}

/* Every flag FEATURES does not report is refused. */
TEST_F(dev, create_unknown_flags)
{
	unsigned int bit;

	NEED_KIND(LFQ_KIND_MSQ);
	ASSERT_NE(0, unknown_flag(self->f.create_flags));
	for (bit = 0; bit < 32; bit++) {
		if (self->f.create_flags & (1U << bit))
			continue;
		EXPECT_EQ(-EINVAL, q_create(self->dev, LFQ_KIND_MSQ, 0, 0, 0,
					    1U << bit)) TH_LOG("bit %u", bit);
	}
}

TEST_F(dev, create_size)
{
	struct {
		struct lfq_create c;
		__u64 tail[2];
	} big;
	struct lfq_create c = { .kind = LFQ_KIND_MSQ };
	int fd;

	NEED_KIND(LFQ_KIND_MSQ);

	c.size = 0;
	EXPECT_EQ(-EINVAL, xioctl(self->dev, LFQ_IOC_CREATE, &c));
	c.size = LFQ_CREATE_SIZE_VER0 - 8;
	EXPECT_EQ(-EINVAL, xioctl(self->dev, LFQ_IOC_CREATE, &c));

	/* A newer, longer structure: fine while the tail is zero. */
	memset(&big, 0, sizeof(big));
	big.c.size = sizeof(big);
	big.c.kind = LFQ_KIND_MSQ;
	fd = xioctl(self->dev, LFQ_IOC_CREATE, &big);
	EXPECT_LE(0, fd);
	close(fd);
	big.tail[1] = 1;
	EXPECT_EQ(-E2BIG, xioctl(self->dev, LFQ_IOC_CREATE, &big));
	big.tail[1] = 0;
	big.tail[0] = 1ull << 40;
	EXPECT_EQ(-E2BIG, xioctl(self->dev, LFQ_IOC_CREATE, &big));
}

TEST_F(dev, create_efault)
{
	struct lfq_features f;
	struct lfq_create *c;
	void *bad = bad_page();

	ASSERT_NE(NULL, bad);
	EXPECT_EQ(-EFAULT, xioctl(self->dev, LFQ_IOC_CREATE, NULL));
	EXPECT_EQ(-EFAULT, xioctl(self->dev, LFQ_IOC_CREATE, bad));

	/* size readable, the rest of the structure not */
	c = edge_of_page(8);
	ASSERT_NE(NULL, c);
	c->size = sizeof(*c);
	c->kind = LFQ_KIND_MSQ;
	EXPECT_EQ(-EFAULT, xioctl(self->dev, LFQ_IOC_CREATE, c));

	/* Nothing was created. */
	ASSERT_EQ(0, get_features(self->dev, &f));
	EXPECT_EQ(self->f.nr_queues, f.nr_queues);
}

TEST_F(dev, wrong_fd_ioctls)
{
	struct lfq_batch b = { .size = sizeof(b) };
	struct lfq_stats st = { .size = sizeof(st) };
	struct lfq_info info = { .size = sizeof(info) };
	struct lfq_features f = { .size = sizeof(f) };
	struct lfq_create c = { .size = sizeof(c), .kind = LFQ_KIND_MSQ };
	int qfd;

	NEED_KIND(LFQ_KIND_MSQ);

	/* queue ioctls on the device fd */
	EXPECT_EQ(-ENOTTY, xioctl(self->dev, LFQ_IOC_PUSH_BATCH, &b));
	EXPECT_EQ(-ENOTTY, xioctl(self->dev, LFQ_IOC_POP_BATCH, &b));
	EXPECT_EQ(-ENOTTY, xioctl(self->dev, LFQ_IOC_STATS, &st));
	EXPECT_EQ(-ENOTTY, xioctl(self->dev, LFQ_IOC_INFO, &info));

	/* device ioctls on a queue fd */
	qfd = q_create(self->dev, LFQ_KIND_MSQ, 0, 0, 0, 0);
	ASSERT_LE(0, qfd);
	EXPECT_EQ(-ENOTTY, xioctl(qfd, LFQ_IOC_CREATE, &c));
	EXPECT_EQ(-ENOTTY, xioctl(qfd, LFQ_IOC_FEATURES, &f));
	close(qfd);
}

TEST_F(dev, unknown_ioctl)
{
	char arg[256] = { 0 };
	unsigned int nr;

	*(__u32 *)arg = 64;
	for (nr = 0x40; nr <= 0x4f; nr++) {
		unsigned long cmd = _IO(LFQ_IOC_MAGIC, nr);

		if (cmd == LFQ_IOC_CREATE || cmd == LFQ_IOC_FEATURES)
			continue;
		EXPECT_EQ(-ENOTTY, xioctl(self->dev, cmd, arg)) TH_LOG("nr %#x", nr);
	}
	/* the right number with a size or direction encoded is another command */
	EXPECT_EQ(-ENOTTY, xioctl(self->dev, _IOW(LFQ_IOC_MAGIC, 0x41,
						  struct lfq_create), arg));
	EXPECT_EQ(-ENOTTY, xioctl(self->dev, _IO('T', 0x01), arg));
}

TEST_F(dev, read_write_device_fd)
{
	char buf[8] = "abc";

	/* The device fd carries no messages. */
	EXPECT_GT(0, xwrite(self->dev, buf, 3));
	EXPECT_GT(0, xread(self->dev, buf, sizeof(buf)));
}

TEST_F(dev, queue_outlives_device_fd)
{
	int qfd;

	NEED_KIND(LFQ_KIND_MSQ);

	qfd = q_create(self->dev, LFQ_KIND_MSQ, 0, MSG_MAX, 0, 0);
	ASSERT_LE(0, qfd);
	ASSERT_EQ(msg_len(5), push_tag(qfd, 5));
	close(self->dev);
	self->dev = -1;
	EXPECT_EQ(5, pop_tag(qfd));
	ASSERT_EQ(msg_len(6), push_tag(qfd, 6));
	EXPECT_EQ(6, pop_tag(qfd));
	close(qfd);
}

TEST_F(dev, max_message)
{
	unsigned int max = self->f.max_msg;
	char *in, *out;
	long n;
	int qfd;

	NEED_KIND(LFQ_KIND_MSQ);
	NEED_CREATE_FLAGS(LFQ_CREATE_NONBLOCK);

	in = malloc(max + 1);
	out = malloc(max + 1);
	ASSERT_NE(NULL, in);
	ASSERT_NE(NULL, out);
	for (n = 0; n <= max; n++)
		in[n] = (char)(n * 13 + 5);
	qfd = q_create(self->dev, LFQ_KIND_MSQ, 0, 0, 0, LFQ_CREATE_NONBLOCK);
	ASSERT_LE(0, qfd);
	EXPECT_EQ(-EMSGSIZE, xwrite(qfd, in, max + 1));
	ASSERT_EQ(max, xwrite(qfd, in, max));
	EXPECT_EQ(-EMSGSIZE, xread(qfd, out, max - 1));
	n = xread(qfd, out, max + 1);
	ASSERT_EQ(max, n);
	EXPECT_EQ(0, memcmp(in, out, max));
	EXPECT_EQ(-EAGAIN, xread(qfd, out, max));
	close(qfd);
	free(in);
	free(out);
}

/*
 * What one message is charged (lfq_stats.mem_bytes with it queued), per
 * kind and payload, printed for the README's table.  Checked: at least the
 * payload plus a header, never more than a max_msg message's charge,
 * growing with the payload, and a 4096-byte payload not charged 8 KiB (its
 * header would push it into the next allocator size class).
 */
TEST_F(dev, message_charges)
{
	static const unsigned int lens[] = { 1, 8, 64, 1000, 4096 };
	static char buf[4096];
	unsigned int k, kind, i;
	struct lfq_info info;
	__u64 c, c1 = 1, prev;
	int qfd;

	NEED_CREATE_FLAGS(LFQ_CREATE_NONBLOCK);
	if (self->f.max_msg < 4096)
		SKIP(return, "features.max_msg %u < 4096", self->f.max_msg);
	for (k = 0; k < NR_KIND_DESCS; k++) {
		kind = kind_descs[k].kind;
		if (!kind_offered(&self->f, kind)) {
			TH_LOG("%s: not offered", kind_name(kind));
			continue;
		}
		/* a ring too large to preallocate: charges per message */
		qfd = q_create(self->dev, kind,
			       kind_descs[k].bounded ? 1024 : 0, 4096, 0,
			       LFQ_CREATE_NONBLOCK);
		ASSERT_LE(0, qfd);
		info.size = sizeof(info);
		ASSERT_EQ(0, xioctl(qfd, LFQ_IOC_INFO, &info));
		prev = 0;
		for (i = 0; i < ARRAY_SIZE(lens); i++) {
			ASSERT_EQ(lens[i], xwrite(qfd, buf, lens[i]));
			c = q_mem(qfd);
			ASSERT_EQ(lens[i], xread(qfd, buf, sizeof(buf)));
			TH_LOG("charge %s %u bytes: %llu", kind_name(kind),
			       lens[i], (unsigned long long)c);
			EXPECT_LE(lens[i] + 16, c);
			EXPECT_GE(info.max_msg_charge, c);
			EXPECT_LE(prev, c);
			prev = c;
			if (!i)
				c1 = c;
		}
		EXPECT_EQ(info.max_msg_charge, c);
		EXPECT_GT(4096 + 4096 / 8, c);
		TH_LOG("%s: max_bytes %llu holds %llu one-byte messages, fixed %llu bytes",
		       kind_name(kind), (unsigned long long)info.max_bytes,
		       (unsigned long long)(info.max_bytes / c1),
		       (unsigned long long)info.fixed_bytes);
		close(qfd);
	}
}

/* max_queues: one more create fails with EMFILE; closing frees the slot. */
TEST_F(dev, queue_limit)
{
	unsigned int max = self->f.max_queues, i, n = 0, kind = 0, cap = 0;
	struct lfq_features f;
	struct rlimit rl;
	int *fds, fd;

	/* any kind the module offers */
	for (i = 0; i < NR_KIND_DESCS && !kind; i++)
		if (kind_offered(&self->f, kind_descs[i].kind)) {
			kind = kind_descs[i].kind;
			cap = kind_descs[i].bounded ? 2 : 0;
		}
	if (!kind)
		SKIP(return, "the module offers none of this suite's kinds");

	if (max > 8192)
		SKIP(return, "max_queues %u too large to exhaust", max);
	rl.rlim_cur = max + 64;
	rl.rlim_max = max + 64;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		SKIP(return, "cannot raise RLIMIT_NOFILE to %u", max + 64);
	fds = calloc(max + 1, sizeof(*fds));
	ASSERT_NE(NULL, fds);
	for (i = 0; i <= max; i++) {
		fd = q_create(self->dev, kind, cap, 0, 0, 0);
		if (fd < 0)
			break;
		fds[n++] = fd;
	}
	EXPECT_EQ(-EMFILE, fd);
	EXPECT_EQ(max, self->f.nr_queues + n);
	ASSERT_EQ(0, get_features(self->dev, &f));
	EXPECT_EQ(max, f.nr_queues);
	/* one closed, one can be made again */
	if (n) {
		close(fds[--n]);
		fd = q_create(self->dev, kind, cap, 0, 0, 0);
		EXPECT_LE(0, fd);
		if (fd >= 0)
			fds[n++] = fd;
	}
	for (i = 0; i < n; i++)
		close(fds[i]);
	ASSERT_EQ(0, get_features(self->dev, &f));
	EXPECT_EQ(self->f.nr_queues, f.nr_queues);
	free(fds);
}

/* ==== a queue of each kind ==== */

TEST_F(q, info)
{
	struct lfq_info info;
	void *bad = bad_page();

	memset(&info, 0xff, sizeof(info));
	info.size = sizeof(info);
	ASSERT_EQ(0, xioctl(self->qfd, LFQ_IOC_INFO, &info));
	EXPECT_EQ(variant->kind, info.kind);
	EXPECT_EQ(variant->capacity, info.capacity);
	EXPECT_EQ(MSG_MAX, info.max_msg);
	EXPECT_EQ(QBYTES, info.max_bytes);

	info.size = LFQ_INFO_SIZE_VER0 - 8;
	EXPECT_EQ(-EINVAL, xioctl(self->qfd, LFQ_IOC_INFO, &info));
	ASSERT_NE(NULL, bad);
	EXPECT_EQ(-EFAULT, xioctl(self->qfd, LFQ_IOC_INFO, bad));
}

TEST_F(q, unknown_ioctl)
{
	char arg[256] = { 0 };
	unsigned int nr;

	*(__u32 *)arg = 64;
	for (nr = 0x40; nr <= 0x4f; nr++) {
		unsigned long cmd = _IO(LFQ_IOC_MAGIC, nr);

		if (cmd == LFQ_IOC_PUSH_BATCH || cmd == LFQ_IOC_POP_BATCH ||
		    cmd == LFQ_IOC_STATS || cmd == LFQ_IOC_INFO)
			continue;
		EXPECT_EQ(-ENOTTY, xioctl(self->qfd, cmd, arg)) TH_LOG("nr %#x", nr);
	}
	EXPECT_EQ(-ENOTTY, xioctl(self->qfd, _IOWR(LFQ_IOC_MAGIC, 0x48,
						   struct lfq_batch), arg));
	EXPECT_EQ(-ENOTTY, xioctl(self->qfd, _IO('T', 0x01), arg));
	EXPECT_EQ(0, q_len(self->qfd));
}

/* ---- stats ---- */

TEST_F(q, stats)
{
	struct lfq_stats st;
	__u64 first = variant->lifo ? msg_len(3) : msg_len(1);

	ASSERT_EQ(0, get_stats(self->qfd, &st));
	EXPECT_EQ(0, st.pushes);
	EXPECT_EQ(0, st.pops);
	EXPECT_EQ(0, st.push_full);
	EXPECT_EQ(0, st.pop_empty);
	EXPECT_EQ(0, st.length);
	EXPECT_EQ(0, st.bytes);
	EXPECT_EQ(0, st.peak_length);
	EXPECT_EQ(0, st.peak_bytes);

	ASSERT_EQ(msg_len(1), push_tag(self->qfd, 1));
	ASSERT_EQ(msg_len(2), push_tag(self->qfd, 2));
	ASSERT_EQ(msg_len(3), push_tag(self->qfd, 3));
	ASSERT_EQ(0, get_stats(self->qfd, &st));
	EXPECT_EQ(3, st.pushes);
	EXPECT_EQ(0, st.pops);
	EXPECT_EQ(3, st.length);
	EXPECT_EQ(msg_len(1) + msg_len(2) + msg_len(3), st.bytes);
	EXPECT_EQ(3, st.peak_length);
	EXPECT_EQ(st.bytes, st.peak_bytes);

	ASSERT_LE(0, pop_tag(self->qfd));
	ASSERT_EQ(0, get_stats(self->qfd, &st));
	EXPECT_EQ(3, st.pushes);
	EXPECT_EQ(1, st.pops);
	EXPECT_EQ(2, st.length);
	EXPECT_EQ(msg_len(1) + msg_len(2) + msg_len(3) - first, st.bytes);
	EXPECT_EQ(3, st.peak_length);
	EXPECT_EQ(msg_len(1) + msg_len(2) + msg_len(3), st.peak_bytes);

	/* failed attempts */
	set_nonblock(self->qfd, true);
	ASSERT_LE(0, pop_tag(self->qfd));
	ASSERT_LE(0, pop_tag(self->qfd));
	EXPECT_EQ(-EAGAIN, pop_tag(self->qfd));
	ASSERT_EQ(0, get_stats(self->qfd, &st));
	EXPECT_LE(1, st.pop_empty);
	EXPECT_EQ(0, st.length);
	EXPECT_EQ(0, st.bytes);
	EXPECT_EQ(3, st.pops);
	ASSERT_EQ(0, fill_queue(self->qfd));
	EXPECT_EQ(-EAGAIN, push_tag(self->qfd, 9));
	ASSERT_EQ(0, get_stats(self->qfd, &st));
	EXPECT_LE(1, st.push_full);
	EXPECT_EQ(QSLOTS, st.length);
	EXPECT_EQ(QSLOTS * MSG_MAX, st.bytes);
	EXPECT_EQ(QSLOTS, st.peak_length);
	EXPECT_EQ(QSLOTS * MSG_MAX, st.peak_bytes);
	/* eight max_msg messages are exactly the budget */
	EXPECT_EQ(QBYTES, st.mem_bytes);
	EXPECT_EQ(QBYTES, st.peak_mem_bytes);
	EXPECT_EQ(3 + QSLOTS, st.pushes);
	TH_LOG("rcu_backlog %llu cas_retries %llu",
	       (unsigned long long)st.rcu_backlog,
	       (unsigned long long)st.cas_retries);
}

TEST_F(q, stats_args)
{
	struct {
		struct lfq_stats st;
		unsigned char tail[24];
	} big;
	struct lfq_stats st;
	void *bad = bad_page();
	unsigned int i;

	ASSERT_EQ(msg_len(1), push_tag(self->qfd, 1));
	memset(&big, 0xa5, sizeof(big));
	big.st.size = sizeof(big);
	big.st.flags = 0;
	ASSERT_EQ(0, xioctl(self->qfd, LFQ_IOC_STATS, &big));
	EXPECT_EQ(1, big.st.pushes);
	EXPECT_EQ(1, big.st.length);
	for (i = 0; i < sizeof(big.tail); i++)
		EXPECT_EQ(0, big.tail[i]);

	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	st.flags = 1;
	EXPECT_EQ(-EINVAL, xioctl(self->qfd, LFQ_IOC_STATS, &st));
	st.flags = 1U << 31;
	EXPECT_EQ(-EINVAL, xioctl(self->qfd, LFQ_IOC_STATS, &st));
	st.flags = 0;
	st.size = LFQ_STATS_SIZE_VER0 - 8;
	EXPECT_EQ(-EINVAL, xioctl(self->qfd, LFQ_IOC_STATS, &st));
	st.size = 0;
	EXPECT_EQ(-EINVAL, xioctl(self->qfd, LFQ_IOC_STATS, &st));
	ASSERT_NE(NULL, bad);
	EXPECT_EQ(-EFAULT, xioctl(self->qfd, LFQ_IOC_STATS, NULL));
	EXPECT_EQ(-EFAULT, xioctl(self->qfd, LFQ_IOC_STATS, bad));
}

TEST_HARNESS_MAIN

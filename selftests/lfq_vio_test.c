// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest for /dev/lfq: the read/write family of system calls other than
 * read() and write() (readv/writev, preadv2/pwritev2, pread/pwrite,
 * splice, sendfile, io_uring), and the cap on the size of size-prefixed
 * ioctl arguments.
 *
 *   vio     one queue per kind: max_msg VMSG (16), a byte budget for VSLOTS
 *           messages of VMSG bytes (q_budget()), ring capacity VSLOTS (16),
 *           so that VSLOTS messages of VMSG bytes fill any kind.
 *
 * What is checked (uapi/linux/lfq.h, the read/write family and
 * "Extensible structures"):
 *   A  every call of the read/write family moves exactly one message, as
 *      read() and write() do: writev() pushes the concatenation of its
 *      segments as one message, readv() pops one message and scatters it;
 *      RWF_NOWAIT never sleeps; positioned I/O is ESPIPE; splice and
 *      sendfile are EINVAL; io_uring behaves as the system calls.
 *   B  LFQ_STRUCT_SIZE_MAX (4096) is the largest size any ioctl argument
 *      may declare: up to it a zero tail is accepted (and zeroed on
 *      output), above it E2BIG even with a zero tail.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <linux/io_uring.h>

#include "kselftest_harness.h"
#include "lfq_common.h"

#define VMSG		16	/* max_msg of the fixture's queues */
#define VSLOTS		16	/* ring capacity */

#ifndef RWF_NOWAIT
#define RWF_NOWAIT	0x00000008
#endif

FIXTURE(vio) {
	int dev;
	int qfd;
};

FIXTURE_VARIANT(vio) {
	KIND_VARIANT_FIELDS;
};

KIND_VARIANTS(vio, VSLOTS);

FIXTURE_SETUP(vio)
{
	struct lfq_features f;

	/* non-blocking: a wrong extra pop fails a check, never hangs it */
	self->qfd = setup_queue(_metadata, &self->dev, &f, variant->kind,
				variant->capacity, VMSG, VSLOTS,
				LFQ_CREATE_NONBLOCK);
}

FIXTURE_TEARDOWN(vio)
{
	if (self->qfd >= 0)
		close(self->qfd);
	if (self->dev >= 0)
		close(self->dev);
}

static long xwritev(int fd, const struct iovec *iov, int n)
{
	ssize_t ret = writev(fd, iov, n);

	return ret < 0 ? -errno : ret;
}

static long xreadv(int fd, const struct iovec *iov, int n)
{
	ssize_t ret = readv(fd, iov, n);

	return ret < 0 ? -errno : ret;
}

static long xpreadv2(int fd, const struct iovec *iov, int n, off_t off,
		     int flags)
{
	ssize_t ret = preadv2(fd, iov, n, off, flags);

	return ret < 0 ? -errno : ret;
}

static long xpwritev2(int fd, const struct iovec *iov, int n, off_t off,
		      int flags)
{
	ssize_t ret = pwritev2(fd, iov, n, off, flags);

	return ret < 0 ? -errno : ret;
}

/* Push a VMSG-byte message with pattern @tag; write()'s result. */
static long push_pat(int fd, unsigned int tag, unsigned int len)
{
	unsigned char buf[VMSG];

	pat_fill(buf, tag, len);
	return xwrite(fd, buf, len);
}

/* Why the last pop_check() failed. */
static char pop_why[64];

/* Pop one message with read(): 0 if it is (@tag, @len), else -1. */
static int pop_check(int fd, unsigned int tag, unsigned int len)
{
	unsigned char buf[VMSG];
	long n = xread(fd, buf, sizeof(buf));

	if (n < 0)
		snprintf(pop_why, sizeof(pop_why), "read: %s", strerror(-n));
	else if (n != len)
		snprintf(pop_why, sizeof(pop_why), "read %ld bytes, expected %u",
			 n, len);
	else if (!pat_ok(buf, tag, len))
		snprintf(pop_why, sizeof(pop_why), "message %u: wrong bytes",
			 tag);
	else
		return 0;
	return -1;
}

static __u64 pushes(int fd)
{
	struct lfq_stats st;

	return get_stats(fd, &st) ? ~0ull : st.pushes;
}

/* ==== A: vectored I/O ==== */

/* writev() of segments totalling n <= max_msg pushes ONE message. */
TEST_F(vio, writev_one_message)
{
	unsigned char msg[VMSG], out[VMSG * 2];
	struct iovec iov[3] = {
		{ msg, 5 }, { msg + 5, 7 }, { msg + 12, 4 },
	};
	struct iovec one[VMSG];
	unsigned int i;

	pat_fill(msg, 1, VMSG);
	EXPECT_EQ(VMSG, xwritev(self->qfd, iov, 3));
	EXPECT_EQ(1, q_len(self->qfd))
		TH_LOG("writev of 3 segments must push one message");
	EXPECT_EQ(1, pushes(self->qfd));
	memset(out, 0, sizeof(out));
	EXPECT_EQ(VMSG, xread(self->qfd, out, sizeof(out)))
		TH_LOG("the message must be the concatenation of the segments");
	EXPECT_EQ(0, memcmp(msg, out, VMSG));
	EXPECT_EQ(-EAGAIN, xread(self->qfd, out, sizeof(out)));

	/* segments of one byte each */
	for (i = 0; i < VMSG; i++)
		one[i] = (struct iovec){ msg + i, 1 };
	EXPECT_EQ(VMSG, xwritev(self->qfd, one, VMSG));
	EXPECT_EQ(1, q_len(self->qfd));
	EXPECT_EQ(VMSG, xread(self->qfd, out, sizeof(out)));
	EXPECT_EQ(0, memcmp(msg, out, VMSG));
	EXPECT_EQ(3, xwritev(self->qfd, one, 3));
	EXPECT_EQ(1, q_len(self->qfd));
	EXPECT_EQ(3, xread(self->qfd, out, sizeof(out)));
	EXPECT_EQ(0, memcmp(msg, out, 3));
}

/* writev() totalling more than max_msg: EMSGSIZE, nothing pushed. */
TEST_F(vio, writev_too_big)
{
	unsigned char msg[VMSG * 2];
	struct iovec iov[2] = { { msg, 10 }, { msg + 10, 10 } };
	struct iovec one[1] = { { msg, VMSG + 1 } };

	memset(msg, 7, sizeof(msg));
	EXPECT_EQ(-EMSGSIZE, xwritev(self->qfd, iov, 2))
		TH_LOG("10 + 10 bytes > max_msg %d: expected EMSGSIZE", VMSG);
	EXPECT_EQ(-EMSGSIZE, xwritev(self->qfd, one, 1));
	EXPECT_EQ(0, q_len(self->qfd)) TH_LOG("nothing may be pushed");
	EXPECT_EQ(0, pushes(self->qfd));
}

/* writev() totalling 0 bytes: returns 0, nothing pushed. */
TEST_F(vio, writev_zero)
{
	unsigned char msg[4] = { 1, 2, 3, 4 };
	struct iovec iov[3] = { { msg, 0 }, { NULL, 0 }, { msg, 0 } };

	EXPECT_EQ(0, xwritev(self->qfd, iov, 3));
	EXPECT_EQ(0, xwritev(self->qfd, iov, 0));
	EXPECT_EQ(0, q_len(self->qfd));
	EXPECT_EQ(0, pushes(self->qfd));
}

/* writev() with an unreadable segment: EFAULT, nothing pushed. */
TEST_F(vio, writev_efault)
{
	unsigned char msg[VMSG];
	void *bad = bad_page();
	char *edge = edge_of_page(2);
	struct iovec good_bad[2] = { { msg, 4 }, { bad, 4 } };
	struct iovec bad_good[2] = { { bad, 4 }, { msg, 4 } };
	struct iovec good_edge[2] = { { msg, 4 }, { edge, 4 } };

	ASSERT_NE(NULL, bad);
	ASSERT_NE(NULL, edge);
	memset(msg, 3, sizeof(msg));
	memset(edge, 3, 2);
	EXPECT_EQ(-EFAULT, xwritev(self->qfd, good_bad, 2))
		TH_LOG("second segment unreadable: expected EFAULT, no push");
	EXPECT_EQ(-EFAULT, xwritev(self->qfd, bad_good, 2));
	EXPECT_EQ(-EFAULT, xwritev(self->qfd, good_edge, 2))
		TH_LOG("second segment faults part way: expected EFAULT");
	EXPECT_EQ(0, q_len(self->qfd));
	EXPECT_EQ(0, pushes(self->qfd));
}

/* readv() with room for less than max_msg: EMSGSIZE, nothing popped. */
TEST_F(vio, readv_too_small)
{
	unsigned char a[8], b[8];
	struct iovec iov[2] = { { a, 8 }, { b, VMSG - 9 } };

	ASSERT_EQ(4, push_pat(self->qfd, 1, 4));
	EXPECT_EQ(-EMSGSIZE, xreadv(self->qfd, iov, 2))
		TH_LOG("%d bytes of buffer < max_msg %d", VMSG - 1, VMSG);
	EXPECT_EQ(1, q_len(self->qfd));
	EXPECT_EQ(0, pop_check(self->qfd, 1, 4)) TH_LOG("%s", pop_why);
}

/*
 * readv() pops exactly one message, scattered over the segments in order.
 * Two messages of max_msg bytes queued, readv([16, 16]): the first only.
 */
TEST_F(vio, readv_one_message)
{
	unsigned char a[VMSG], b[VMSG], want[VMSG];
	unsigned char s1[5], s2[3], s3[VMSG];
	struct iovec two[2] = { { a, VMSG }, { b, VMSG } };
	struct iovec three[3] = { { s1, 5 }, { s2, 3 }, { s3, VMSG } };
	unsigned int first = variant->lifo ? 2 : 1;
	unsigned int second = variant->lifo ? 1 : 2;

	ASSERT_EQ(VMSG, push_pat(self->qfd, 1, VMSG));
	ASSERT_EQ(VMSG, push_pat(self->qfd, 2, VMSG));
	memset(b, 0xee, sizeof(b));
	EXPECT_EQ(VMSG, xreadv(self->qfd, two, 2))
		TH_LOG("readv([%d,%d]) must pop one message", VMSG, VMSG);
	EXPECT_TRUE(pat_ok(a, first, VMSG));
	EXPECT_EQ(0xee, b[0]) TH_LOG("second segment must be untouched");
	EXPECT_EQ(1, q_len(self->qfd)) TH_LOG("the second message stays");
	EXPECT_EQ(0, pop_check(self->qfd, second, VMSG)) TH_LOG("%s", pop_why);

	/* scattered: 5 + 3 + 8 bytes of one 16-byte message */
	ASSERT_EQ(VMSG, push_pat(self->qfd, 3, VMSG));
	ASSERT_EQ(VMSG, push_pat(self->qfd, 4, VMSG));
	EXPECT_EQ(VMSG, xreadv(self->qfd, three, 3));
	pat_fill(want, variant->lifo ? 4 : 3, VMSG);
	EXPECT_EQ(0, memcmp(want, s1, 5));
	EXPECT_EQ(0, memcmp(want + 5, s2, 3));
	EXPECT_EQ(0, memcmp(want + 8, s3, VMSG - 8));
	EXPECT_EQ(1, q_len(self->qfd));
	EXPECT_EQ(0, pop_check(self->qfd, variant->lifo ? 3 : 4, VMSG)) TH_LOG("%s", pop_why);
}

static void on_alarm(int sig)
{
}

/* A blocking readv([16, 16]) with one message queued returns it at once. */
TEST_F(vio, readv_blocking_one)
{
	unsigned char a[VMSG], b[VMSG];
	struct iovec two[2] = { { a, VMSG }, { b, VMSG } };
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	__u64 t0, ms;
	long ret;

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	set_nonblock(self->qfd, false);
	ASSERT_EQ(VMSG, push_pat(self->qfd, 5, VMSG));
	alarm(2);	/* a readv that waits for a second message ends here */
	t0 = now_ns();
	ret = xreadv(self->qfd, two, 2);
	ms = (now_ns() - t0) / 1000000;
	alarm(0);
	EXPECT_EQ(VMSG, ret);
	EXPECT_TRUE(pat_ok(a, 5, VMSG));
	EXPECT_GT(1000, ms)
		TH_LOG("readv took %llu ms: it waited for a second message",
		       (unsigned long long)ms);
	EXPECT_EQ(0, q_len(self->qfd));
}

/*
 * A readv() whose copy faults part way (a later segment unwritable):
 * EFAULT, and the message is first in line, whole.
 */
TEST_F(vio, readv_efault_partway)
{
	unsigned char a[8];
	void *bad = bad_page();
	char *edge = edge_of_page(4);
	struct iovec good_bad[2] = { { a, 8 }, { bad, VMSG } };
	struct iovec good_edge[2] = { { a, 8 }, { edge, 8 } };
	unsigned int first = variant->lifo ? 2 : 1;

	ASSERT_NE(NULL, bad);
	ASSERT_NE(NULL, edge);
	ASSERT_EQ(VMSG, push_pat(self->qfd, 1, VMSG));
	ASSERT_EQ(VMSG, push_pat(self->qfd, 2, VMSG));
	EXPECT_EQ(-EFAULT, xreadv(self->qfd, good_bad, 2))
		TH_LOG("8 good bytes then an unwritable segment: EFAULT");
	EXPECT_EQ(-EFAULT, xreadv(self->qfd, good_edge, 2))
		TH_LOG("8 good bytes then a segment that faults at byte 4");
	EXPECT_EQ(2, q_len(self->qfd)) TH_LOG("nothing may be lost");
	EXPECT_EQ(0, pop_check(self->qfd, first, VMSG))
		TH_LOG("the faulted message must be next, whole: %s", pop_why);
	EXPECT_EQ(0, pop_check(self->qfd, 3 - first, VMSG)) TH_LOG("%s", pop_why);
}

/* Fill the queue with VSLOTS messages of VMSG bytes. */
static int fill(int fd)
{
	unsigned int i;

	for (i = 0; i < VSLOTS; i++)
		if (push_pat(fd, 100 + i, VMSG) != VMSG)
			return -1;
	return 0;
}

/* preadv2/pwritev2 at offset -1 with RWF_NOWAIT never sleep. */
TEST_F(vio, rwf_nowait)
{
	unsigned char a[VMSG], b[VMSG], msg[VMSG];
	struct iovec rd[2] = { { a, VMSG }, { b, VMSG } };
	struct iovec wr[2] = { { msg, 6 }, { msg + 6, 6 } };
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	long ret;

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	set_nonblock(self->qfd, false);
	pat_fill(msg, 9, 12);
	/* blocking fd, empty queue: EAGAIN, not a sleep (EINTR at 5 s) */
	alarm(5);
	ret = xpreadv2(self->qfd, rd, 2, -1, RWF_NOWAIT);
	EXPECT_EQ(-EAGAIN, ret)
		TH_LOG("preadv2(RWF_NOWAIT) on an empty queue: %s, expected EAGAIN",
		       strerror(-ret));
	ret = xpwritev2(self->qfd, wr, 2, -1, RWF_NOWAIT);
	EXPECT_EQ(12, ret) TH_LOG("pwritev2(RWF_NOWAIT): %s", strerror(-ret));
	EXPECT_EQ(1, q_len(self->qfd));
	ret = xpreadv2(self->qfd, rd, 2, -1, RWF_NOWAIT);
	EXPECT_EQ(12, ret);
	EXPECT_TRUE(pat_ok(a, 9, 12));
	EXPECT_EQ(0, q_len(self->qfd));

	/* full queue: EAGAIN, nothing pushed */
	ASSERT_EQ(0, fill(self->qfd));
	ret = xpwritev2(self->qfd, wr, 2, -1, RWF_NOWAIT);
	EXPECT_EQ(-EAGAIN, ret)
		TH_LOG("pwritev2(RWF_NOWAIT) on a full queue: %s, expected EAGAIN",
		       strerror(-ret));
	alarm(0);
	EXPECT_EQ(VSLOTS, q_len(self->qfd));
}

/* Offset -1 without flags: as readv()/writev(). */
TEST_F(vio, offset_minus_one)
{
	unsigned char a[VMSG], b[VMSG], msg[VMSG];
	struct iovec rd[2] = { { a, VMSG }, { b, VMSG } };
	struct iovec wr[2] = { { msg, 8 }, { msg + 8, 8 } };

	pat_fill(msg, 11, VMSG);
	EXPECT_EQ(VMSG, xpwritev2(self->qfd, wr, 2, -1, 0));
	EXPECT_EQ(VMSG, xpwritev2(self->qfd, wr, 2, -1, 0));
	EXPECT_EQ(2, q_len(self->qfd)) TH_LOG("one message per call");
	EXPECT_EQ(VMSG, xpreadv2(self->qfd, rd, 2, -1, 0));
	EXPECT_TRUE(pat_ok(a, 11, VMSG));
	EXPECT_EQ(1, q_len(self->qfd)) TH_LOG("one message per call");
}

/* pread/pwrite/preadv/pwritev(2) with an explicit offset: ESPIPE. */
TEST_F(vio, explicit_offset)
{
	unsigned char buf[VMSG];
	struct iovec iov[1] = { { buf, VMSG } };

	memset(buf, 1, sizeof(buf));
	ASSERT_EQ(4, push_pat(self->qfd, 1, 4));
	EXPECT_EQ(-1, pread(self->qfd, buf, VMSG, 0));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(-1, pwrite(self->qfd, buf, 4, 0));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(-1, preadv(self->qfd, iov, 1, 0));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(-1, pwritev(self->qfd, iov, 1, 0));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(-ESPIPE, xpreadv2(self->qfd, iov, 1, 0, RWF_NOWAIT));
	EXPECT_EQ(-ESPIPE, xpwritev2(self->qfd, iov, 1, 4096, 0));
	EXPECT_EQ(1, q_len(self->qfd));
	EXPECT_EQ(1, pushes(self->qfd));
}

/* splice() to or from a queue fd: EINVAL, nothing moved. */
TEST_F(vio, splice_einval)
{
	unsigned char buf[VMSG];
	int p[2];

	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(4, push_pat(self->qfd, 1, 4));
	ASSERT_EQ(4, write(p[1], "abcd", 4));
	EXPECT_EQ(-1, splice(self->qfd, NULL, p[1], NULL, VMSG, 0));
	EXPECT_EQ(EINVAL, errno) TH_LOG("queue -> pipe: %s", strerror(errno));
	EXPECT_EQ(-1, splice(p[0], NULL, self->qfd, NULL, 4, 0));
	EXPECT_EQ(EINVAL, errno) TH_LOG("pipe -> queue: %s", strerror(errno));
	EXPECT_EQ(1, q_len(self->qfd));
	EXPECT_EQ(1, pushes(self->qfd));
	EXPECT_EQ(4, read(p[0], buf, sizeof(buf))) TH_LOG("pipe drained");
	EXPECT_EQ(0, pop_check(self->qfd, 1, 4)) TH_LOG("%s", pop_why);
	close(p[0]);
	close(p[1]);
}

/* sendfile() with a queue fd as in or out: EINVAL, nothing moved. */
TEST_F(vio, sendfile_einval)
{
	char path[] = "/tmp/lfq_vio_XXXXXX";
	unsigned char buf[VMSG];
	off_t off = 0;
	int f;

	f = mkstemp(path);
	ASSERT_LE(0, f) TH_LOG("mkstemp: %s", strerror(errno));
	unlink(path);
	ASSERT_EQ(8, write(f, "01234567", 8));
	ASSERT_EQ(4, push_pat(self->qfd, 1, 4));

	EXPECT_EQ(-1, sendfile(self->qfd, f, &off, 8));
	EXPECT_EQ(EINVAL, errno) TH_LOG("file -> queue: %s", strerror(errno));
	off = 0;
	EXPECT_EQ(-1, sendfile(f, self->qfd, NULL, VMSG));
	EXPECT_EQ(EINVAL, errno) TH_LOG("queue -> file: %s", strerror(errno));
	EXPECT_EQ(1, q_len(self->qfd));
	EXPECT_EQ(1, pushes(self->qfd));
	EXPECT_EQ(8, pread(f, buf, sizeof(buf), 0)) TH_LOG("file unchanged");
	EXPECT_EQ(0, pop_check(self->qfd, 1, 4)) TH_LOG("%s", pop_why);
	close(f);
}

/* ---- io_uring, raw: one submission at a time ---- */

struct uring {
	int fd;
	unsigned int *sq_head, *sq_tail, *sq_mask, *sq_array;
	unsigned int *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
	void *sq_ring, *cq_ring;
	size_t sq_len, cq_len, sqes_len;
};

/* 0, or -errno of io_uring_setup() or mmap(). */
static int uring_init(struct uring *u)
{
	struct io_uring_params p;
	char *sq, *cq;

	memset(&p, 0, sizeof(p));
	memset(u, 0, sizeof(*u));
	u->fd = syscall(__NR_io_uring_setup, 4, &p);
	if (u->fd < 0)
		return -errno;
	u->sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	u->cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		if (u->cq_len > u->sq_len)
			u->sq_len = u->cq_len;
		u->cq_len = u->sq_len;
	}
	sq = mmap(NULL, u->sq_len, PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED)
		return -errno;
	cq = sq;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
		cq = mmap(NULL, u->cq_len, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_CQ_RING);
		if (cq == MAP_FAILED)
			return -errno;
	}
	u->sq_ring = sq;
	u->cq_ring = cq;
	u->sqes_len = p.sq_entries * sizeof(struct io_uring_sqe);
	u->sqes = mmap(NULL, u->sqes_len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_POPULATE, u->fd, IORING_OFF_SQES);
	if (u->sqes == MAP_FAILED)
		return -errno;
	u->sq_head = (unsigned int *)(sq + p.sq_off.head);
	u->sq_tail = (unsigned int *)(sq + p.sq_off.tail);
	u->sq_mask = (unsigned int *)(sq + p.sq_off.ring_mask);
	u->sq_array = (unsigned int *)(sq + p.sq_off.array);
	u->cq_head = (unsigned int *)(cq + p.cq_off.head);
	u->cq_tail = (unsigned int *)(cq + p.cq_off.tail);
	u->cq_mask = (unsigned int *)(cq + p.cq_off.ring_mask);
	u->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

static void uring_exit(struct uring *u)
{
	if (u->sqes && u->sqes != MAP_FAILED)
		munmap(u->sqes, u->sqes_len);
	if (u->cq_ring && u->cq_ring != u->sq_ring)
		munmap(u->cq_ring, u->cq_len);
	if (u->sq_ring)
		munmap(u->sq_ring, u->sq_len);
	if (u->fd >= 0)
		close(u->fd);
}

/*
 * Submit one operation on @fd and wait for it.  @addr/@len are a buffer
 * (READ, WRITE) or an iovec array and its length (READV, WRITEV).
 * Returns the completion's result (bytes or -errno), or -10000 - errno if
 * io_uring_enter() itself failed.
 */
static long uring_rw(struct uring *u, unsigned int op, int fd, void *addr,
		     unsigned int len)
{
	unsigned int tail = *u->sq_tail, idx = tail & *u->sq_mask, head;
	struct io_uring_sqe *sqe = &u->sqes[idx];
	long res;

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = op;
	sqe->fd = fd;
	sqe->addr = (uintptr_t)addr;
	sqe->len = len;
	sqe->off = -1;		/* the file position: a stream has none */
	sqe->user_data = 42;
	u->sq_array[idx] = idx;
	__atomic_store_n(u->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, u->fd, 1, 1,
		    IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return -10000 - errno;
	head = *u->cq_head;
	if (head == __atomic_load_n(u->cq_tail, __ATOMIC_ACQUIRE))
		return -10000 - EIO;
	res = u->cqes[head & *u->cq_mask].res;
	__atomic_store_n(u->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

/* io_uring READ/WRITE/READV/WRITEV: one message per operation. */
TEST_F_TIMEOUT(vio, io_uring_one_message, 60)
{
	unsigned char msg[VMSG], a[VMSG], b[VMSG], big[VMSG * 2];
	struct iovec wr[3] = { { msg, 5 }, { msg + 5, 7 }, { msg + 12, 4 } };
	struct iovec wbig[2] = { { big, 10 }, { big + 10, 10 } };
	struct iovec rd[2] = { { a, VMSG }, { b, VMSG } };
	struct uring u;
	int ret;

	ret = uring_init(&u);
	if (ret == -ENOSYS || ret == -EPERM)
		SKIP(return, "io_uring not available: %s", strerror(-ret));
	ASSERT_EQ(0, ret) TH_LOG("io_uring setup: %s", strerror(-ret));

	pat_fill(msg, 21, VMSG);
	memset(big, 1, sizeof(big));
	/* WRITEV: the concatenation, one message */
	EXPECT_EQ(VMSG, uring_rw(&u, IORING_OP_WRITEV, self->qfd, wr, 3));
	EXPECT_EQ(1, q_len(self->qfd))
		TH_LOG("io_uring WRITEV of 3 segments must push one message");
	/* WRITEV totalling more than max_msg: EMSGSIZE */
	EXPECT_EQ(-EMSGSIZE, uring_rw(&u, IORING_OP_WRITEV, self->qfd,
				      wbig, 2));
	/* WRITE */
	EXPECT_EQ(VMSG, uring_rw(&u, IORING_OP_WRITE, self->qfd, msg, VMSG));
	EXPECT_EQ(-EMSGSIZE, uring_rw(&u, IORING_OP_WRITE, self->qfd, big,
				      VMSG + 1));
	EXPECT_EQ(2, q_len(self->qfd));

	/* READV([16, 16]) with two 16-byte messages: the first only */
	memset(b, 0xee, sizeof(b));
	EXPECT_EQ(VMSG, uring_rw(&u, IORING_OP_READV, self->qfd, rd, 2));
	EXPECT_TRUE(pat_ok(a, 21, VMSG));
	EXPECT_EQ(0xee, b[0]);
	EXPECT_EQ(1, q_len(self->qfd))
		TH_LOG("io_uring READV must pop one message");
	/* READ with a small buffer: EMSGSIZE, then a good one */
	EXPECT_EQ(-EMSGSIZE, uring_rw(&u, IORING_OP_READ, self->qfd, a, 8));
	memset(a, 0, sizeof(a));
	EXPECT_EQ(VMSG, uring_rw(&u, IORING_OP_READ, self->qfd, a, VMSG));
	EXPECT_TRUE(pat_ok(a, 21, VMSG));
	EXPECT_EQ(0, q_len(self->qfd));
	EXPECT_EQ(2, pushes(self->qfd));
	uring_exit(&u);
}

/* ==== B: size-prefixed arguments up to LFQ_STRUCT_SIZE_MAX ==== */

#define BIGARG	(2 * LFQ_STRUCT_SIZE_MAX + 64)

/* A zeroed argument buffer of BIGARG bytes whose first word is @size. */
static void *arg_buf(__u32 size)
{
	static __u64 buf[BIGARG / 8];

	memset(buf, 0, sizeof(buf));
	memcpy(buf, &size, sizeof(size));
	return buf;
}

/*
 * An output ioctl with @size: returns its result; on success checks that
 * the bytes from the kernel's size (written back in the size field) up to
 * @size are zero and that nothing beyond @size was written.
 */
static long out_ioctl(int fd, unsigned long cmd, __u32 size, bool *tail_ok)
{
	unsigned char *buf = arg_buf(size);
	__u32 ksize, i;
	long ret;

	memset(buf + 8, 0xa5, BIGARG - 8);
	ret = xioctl(fd, cmd, buf);
	*tail_ok = true;
	if (ret)
		return ret;
	memcpy(&ksize, buf, sizeof(ksize));
	if (ksize > size)
		*tail_ok = false;
	for (i = ksize; i < size && *tail_ok; i++)
		if (buf[i])
			*tail_ok = false;
	for (i = size; i < BIGARG && *tail_ok; i++)
		if (buf[i] != 0xa5)
			*tail_ok = false;
	return ret;
}

static const __u32 ok_sizes[] = { 512, 4095, LFQ_STRUCT_SIZE_MAX };
static const __u32 big_sizes[] = { LFQ_STRUCT_SIZE_MAX + 1,
				   LFQ_STRUCT_SIZE_MAX + 8,
				   2 * LFQ_STRUCT_SIZE_MAX };

static void check_output_struct(struct __test_metadata *_metadata, int fd,
				unsigned long cmd, const char *name)
{
	unsigned int i;
	bool tail_ok;

	for (i = 0; i < ARRAY_SIZE(ok_sizes); i++) {
		EXPECT_EQ(0, out_ioctl(fd, cmd, ok_sizes[i], &tail_ok))
			TH_LOG("%s size %u: expected success", name, ok_sizes[i]);
		EXPECT_TRUE(tail_ok)
			TH_LOG("%s size %u: tail not zeroed up to size", name,
			       ok_sizes[i]);
	}
	for (i = 0; i < ARRAY_SIZE(big_sizes); i++)
		EXPECT_EQ(-E2BIG, out_ioctl(fd, cmd, big_sizes[i], &tail_ok))
			TH_LOG("%s size %u > %d: expected E2BIG", name,
			       big_sizes[i], LFQ_STRUCT_SIZE_MAX);
}

TEST_F(vio, size_cap_output)
{
	check_output_struct(_metadata, self->dev, LFQ_IOC_FEATURES, "FEATURES");
	check_output_struct(_metadata, self->qfd, LFQ_IOC_STATS, "STATS");
	check_output_struct(_metadata, self->qfd, LFQ_IOC_INFO, "INFO");
}

TEST_F(vio, size_cap_create)
{
	struct lfq_create c = {
		.kind = variant->kind,
		.capacity = variant->capacity,
		.max_msg = VMSG,
		.max_bytes = 0,	/* the default budget */
	};
	unsigned char *buf;
	unsigned int i;
	long fd;

	for (i = 0; i < ARRAY_SIZE(ok_sizes); i++) {
		buf = arg_buf(ok_sizes[i]);
		memcpy(buf + 4, (char *)&c + 4, sizeof(c) - 4);
		fd = xioctl(self->dev, LFQ_IOC_CREATE, buf);
		EXPECT_LE(0, fd) TH_LOG("CREATE size %u, zero tail: %s",
					ok_sizes[i], strerror(-fd));
		if (fd >= 0)
			close(fd);
	}
	/* size 4096, a non-zero byte in the tail */
	buf = arg_buf(LFQ_STRUCT_SIZE_MAX);
	memcpy(buf + 4, (char *)&c + 4, sizeof(c) - 4);
	buf[LFQ_STRUCT_SIZE_MAX - 1] = 1;
	fd = xioctl(self->dev, LFQ_IOC_CREATE, buf);
	EXPECT_EQ(-E2BIG, fd) TH_LOG("non-zero tail byte: expected E2BIG");
	if (fd >= 0)
		close(fd);
	for (i = 0; i < ARRAY_SIZE(big_sizes); i++) {
		buf = arg_buf(big_sizes[i]);
		memcpy(buf + 4, (char *)&c + 4, sizeof(c) - 4);
		fd = xioctl(self->dev, LFQ_IOC_CREATE, buf);
		EXPECT_EQ(-E2BIG, fd) TH_LOG("CREATE size %u, zero tail: expected E2BIG",
					     big_sizes[i]);
		if (fd >= 0)
			close(fd);
	}
}

/* PUSH_BATCH/POP_BATCH with size @size (and a non-zero tail byte at @nz). */
static long batch_sized(int fd, unsigned long cmd, __u32 size, long nz,
			struct lfq_msg_desc *d)
{
	struct lfq_batch b = {
		.flags = LFQ_IO_NONBLOCK,
		.msgs = (uintptr_t)d,
		.count = 1,
	};
	unsigned char *buf = arg_buf(size);

	memcpy(buf + 4, (char *)&b + 4, sizeof(b) - 4);
	if (nz >= 0)
		buf[nz] = 1;
	return xioctl(fd, cmd, buf);
}

TEST_F(vio, size_cap_batch)
{
	unsigned char msg[VMSG], out[VMSG];
	struct lfq_msg_desc pd = { (uintptr_t)msg, VMSG, 0 };
	struct lfq_msg_desc rd = { (uintptr_t)out, VMSG, 0 };
	unsigned int i;
	__u32 s;

	pat_fill(msg, 7, VMSG);
	for (i = 0; i < ARRAY_SIZE(ok_sizes); i++) {
		s = ok_sizes[i];
		EXPECT_EQ(1, batch_sized(self->qfd, LFQ_IOC_PUSH_BATCH, s, -1,
					 &pd)) TH_LOG("PUSH_BATCH size %u", s);
		memset(out, 0, sizeof(out));
		rd.len = VMSG;
		EXPECT_EQ(1, batch_sized(self->qfd, LFQ_IOC_POP_BATCH, s, -1,
					 &rd)) TH_LOG("POP_BATCH size %u", s);
		EXPECT_TRUE(pat_ok(out, 7, VMSG));
	}
	EXPECT_EQ(3, pushes(self->qfd));

	s = LFQ_STRUCT_SIZE_MAX;
	EXPECT_EQ(-E2BIG, batch_sized(self->qfd, LFQ_IOC_PUSH_BATCH, s, s - 1,
				      &pd)) TH_LOG("PUSH_BATCH non-zero tail");
	ASSERT_EQ(VMSG, push_pat(self->qfd, 7, VMSG));
	rd.len = VMSG;
	EXPECT_EQ(-E2BIG, batch_sized(self->qfd, LFQ_IOC_POP_BATCH, s, s - 1,
				      &rd)) TH_LOG("POP_BATCH non-zero tail");
	for (i = 0; i < ARRAY_SIZE(big_sizes); i++) {
		s = big_sizes[i];
		EXPECT_EQ(-E2BIG, batch_sized(self->qfd, LFQ_IOC_PUSH_BATCH, s,
					      -1, &pd))
			TH_LOG("PUSH_BATCH size %u: expected E2BIG", s);
		rd.len = VMSG;
		EXPECT_EQ(-E2BIG, batch_sized(self->qfd, LFQ_IOC_POP_BATCH, s,
					      -1, &rd))
			TH_LOG("POP_BATCH size %u: expected E2BIG", s);
	}
	EXPECT_EQ(1, q_len(self->qfd)) TH_LOG("the refused calls moved nothing");
	EXPECT_EQ(4, pushes(self->qfd));
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest for /dev/lfq (uapi/linux/lfq.h)
 *
 * Fixtures:
 *   dev     the /dev/lfq fd: features, create, errors of the factory
 *   q       one queue per variant (msq, stack, ring, tlq), all with the same
 *           limits: max_msg 64, max_bytes 8 times the charge of a
 *           max_msg message (lfq_info.max_msg_charge) and, for the ring,
 *           capacity 8, so that eight messages of max_msg bytes fill any
 *           kind
 *   unload  rmmod must be refused while a queue fd is open (runs last)
 *
 * Every test skips when /dev/lfq does not exist (module not loaded).
 *
 * Forked helper processes never use the ASSERT and EXPECT macros (those
 * belong to the test process); they report through their exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <linux/lfq.h>

#include "kselftest_harness.h"

#define DEV_PATH	"/dev/lfq"
#define MSG_MAX		64		/* max_msg of the fixture's queues */
#define QBYTES		qbytes		/* max_bytes: 8 messages of MSG_MAX */
#define QSLOTS		8		/* ring capacity */
#define SLEEP_WAIT_MS	5000		/* how long to wait for a task to sleep */

/* The fixture's max_bytes, set up by FIXTURE_SETUP(q). */
static __u64 qbytes;

/* ---- helpers ---- */

/* ioctl returning the result or -errno. */
static long xioctl(int fd, unsigned long cmd, void *arg)
{
	long ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

static long xread(int fd, void *buf, size_t n)
{
	ssize_t ret = read(fd, buf, n);

	return ret < 0 ? -errno : ret;
}

static long xwrite(int fd, const void *buf, size_t n)
{
	ssize_t ret = write(fd, buf, n);

	return ret < 0 ? -errno : ret;
}

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Hide a deliberately bad pointer from the compiler's checks. */
static void *launder(void *p)
{
	__asm__ volatile("" : "+r" (p));
	return p;
}

/* A page nobody may touch: the bad pointer of the EFAULT tests. */
static void *bad_page(void)
{
	void *p = mmap(NULL, getpagesize(), PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/*
 * Two pages, the second PROT_NONE; returns a pointer @n bytes before the
 * end of the first, so an object of more than @n bytes there faults part
 * way.
 */
static void *edge_of_page(size_t n)
{
	long pg = getpagesize();
	char *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p + pg, pg, PROT_NONE))
		return NULL;
	return p + pg - n;
}

/* Message @tag: 4 to MSG_MAX bytes, tag first, a pattern after. */
static unsigned int msg_len(unsigned int tag)
{
	return 4 + (tag * 7) % (MSG_MAX - 3);
}

static void msg_fill(char *buf, unsigned int tag, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		buf[i] = (char)(tag * 31 + i * 7 + 1);
	memcpy(buf, &tag, sizeof(tag));
}

/* Returns the tag of a message whose bytes match its length, or -1. */
static long msg_tag(const char *buf, long len)
{
	unsigned int tag, i;

	if (len < 4)
		return -1;
	memcpy(&tag, buf, sizeof(tag));
	if ((unsigned int)len != msg_len(tag) && len != MSG_MAX)
		return -1;
	for (i = 4; i < len; i++)
		if (buf[i] != (char)(tag * 31 + i * 7 + 1))
			return -1;
	return tag;
}

/* Push message @tag with write(); returns write()'s result or -errno. */
static long push_tag(int fd, unsigned int tag)
{
	char buf[MSG_MAX];
	unsigned int len = msg_len(tag);

	msg_fill(buf, tag, len);
	return xwrite(fd, buf, len);
}

/* Push a message of exactly MSG_MAX bytes. */
static long push_full_tag(int fd, unsigned int tag)
{
	char buf[MSG_MAX];

	msg_fill(buf, tag, MSG_MAX);
	return xwrite(fd, buf, MSG_MAX);
}

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

/* Pop one message with read(); returns its length or -errno. */
static long pop_any(int fd)
{
	char buf[MSG_MAX];

	return xread(fd, buf, sizeof(buf));
}

/* Pop one message with read(); returns its tag, or -errno, or -1000. */
static long pop_tag(int fd)
{
	char buf[MSG_MAX];
	long n = xread(fd, buf, sizeof(buf));

	if (n < 0)
		return n;
	n = msg_tag(buf, n);
	return n < 0 ? -1000 : n;
}

static int q_create(int dev, unsigned int kind, unsigned int cap,
		    unsigned int max_msg, __u64 max_bytes,
		    unsigned int flags)
{
	struct lfq_create c = {
		.size = sizeof(c),
		.kind = kind,
		.capacity = cap,
		.max_msg = max_msg,
		.max_bytes = max_bytes,
		.flags = flags,
	};

	return xioctl(dev, LFQ_IOC_CREATE, &c);
}

static long batch(int fd, unsigned long cmd, unsigned int flags,
		  struct lfq_msg_desc *d, unsigned int count, __u64 deadline)
{
	struct lfq_batch b = {
		.size = sizeof(b),
		.flags = flags,
		.msgs = (uintptr_t)d,
		.count = count,
		.deadline_ns = deadline,
	};

	return xioctl(fd, cmd, &b);
}

static int get_stats(int fd, struct lfq_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return xioctl(fd, LFQ_IOC_STATS, st);
}

/* Memory charged for the messages in the queue now (lfq_stats.mem_bytes). */
static __u64 q_mem(int fd)
{
	struct lfq_stats st;

	return get_stats(fd, &st) ? ~0ULL : st.mem_bytes;
}

static __u64 q_len(int fd)
{
	struct lfq_stats st;

	if (get_stats(fd, &st))
		return ~0ull;
	return st.length;
}

static int get_features(int dev, struct lfq_features *f)
{
	memset(f, 0, sizeof(*f));
	f->size = sizeof(*f);
	return xioctl(dev, LFQ_IOC_FEATURES, f);
}

/* Descriptors and buffers for @n messages tag0, tag0 + 1, ... */
struct mbuf {
	struct lfq_msg_desc d[QSLOTS * 2];
	char buf[QSLOTS * 2][MSG_MAX];
};

static void mbuf_push(struct mbuf *m, unsigned int tag0, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		msg_fill(m->buf[i], tag0 + i, msg_len(tag0 + i));
		m->d[i].addr = (uintptr_t)m->buf[i];
		m->d[i].len = msg_len(tag0 + i);
		m->d[i].flags = 0;
	}
}

static void mbuf_pop(struct mbuf *m, unsigned int n)
{
	unsigned int i;

	memset(m->buf, 0, sizeof(m->buf));
	for (i = 0; i < n; i++) {
		m->d[i].addr = (uintptr_t)m->buf[i];
		m->d[i].len = MSG_MAX;
		m->d[i].flags = 0;
	}
}

/* Tag of popped descriptor @i, or -1. */
static long mbuf_tag(struct mbuf *m, unsigned int i)
{
	return msg_tag(m->buf[i], m->d[i].len);
}

/* The state letter of /proc/<pid>/stat, or 0 if it cannot be read. */
static char task_state(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] && p[2] ? p[2] : 0;
}

/*
 * Wait until @pid sleeps interruptibly (it is blocked in the call under
 * test), then a little more.  Without /proc, just wait a while.
 */
static void wait_sleeping(pid_t pid)
{
	int i;

	for (i = 0; i < SLEEP_WAIT_MS / 5; i++) {
		char s = task_state(pid);

		if (!s) {
			sleep_ms(500);
			return;
		}
		if (s == 'S')
			break;
		sleep_ms(5);
	}
	sleep_ms(50);
}

/* Exit status of child @pid, or -1 if it did not exit normally. */
static int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Position, in pop order, of the @i-th of @n pushed messages. */
static unsigned int nth_pop(bool lifo, unsigned int i, unsigned int n)
{
	return lifo ? n - 1 - i : i;
}

/*
 * Open /dev/lfq.  Returns the fd, or -1 with *skip set to the reason the
 * tests must be skipped (no device, no permission), or -1 with *skip NULL
 * for a real failure.
 */
static int open_dev(const char **skip)
{
	int fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);

	*skip = NULL;
	if (fd < 0 && errno == ENOENT)
		*skip = DEV_PATH " missing (lfq.ko not loaded)";
	else if (fd < 0 && (errno == EACCES || errno == EPERM))
		*skip = DEV_PATH ": not permitted";
	return fd;
}

/* ==== the device fd ==== */

FIXTURE(dev) {
	int dev;
	struct lfq_features f;
};

FIXTURE_SETUP(dev)
{
	const char *skip;

	self->dev = open_dev(&skip);
	if (skip)
		SKIP(return, "%s", skip);
	ASSERT_LE(0, self->dev) TH_LOG("open: %s", strerror(errno));
	ASSERT_EQ(0, get_features(self->dev, &self->f));
}

FIXTURE_TEARDOWN(dev)
{
	if (self->dev >= 0)
		close(self->dev);
}

TEST_F(dev, features)
{
	struct lfq_features *f = &self->f;
	unsigned int k;

	EXPECT_EQ(LFQ_ABI_VERSION, f->abi_version);
	for (k = LFQ_KIND_MSQ; k <= LFQ_KIND_MAX; k++)
		EXPECT_TRUE(f->kinds & (1U << k)) TH_LOG("kind %u missing", k);
	EXPECT_FALSE(f->kinds & 1U) TH_LOG("kind 0 must never be valid");
	EXPECT_EQ(LFQ_CREATE_FLAGS_ALL, f->create_flags);
	EXPECT_EQ(LFQ_IO_FLAGS_ALL, f->io_flags);
	EXPECT_LE(1, f->max_msg);
	EXPECT_LE(1, f->max_ring_capacity);
	EXPECT_EQ(0, f->max_ring_capacity & (f->max_ring_capacity - 1));
	EXPECT_LE(1, f->max_batch);
	EXPECT_LE(1, f->max_queues);
	EXPECT_LE(f->nr_queues, f->max_queues);
	EXPECT_LE(f->max_msg, f->max_queue_bytes);
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
	EXPECT_EQ(LFQ_ABI_VERSION, big.f.abi_version);
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
	static const unsigned int caps[] = { 0, 0, 0, 2, 0 };
	struct lfq_features f;
	struct lfq_info info;
	unsigned int k;
	int fd;

	for (k = LFQ_KIND_MSQ; k <= LFQ_KIND_MAX; k++) {
		fd = q_create(self->dev, k, caps[k], 0, 0, 0);
		ASSERT_LE(0, fd) TH_LOG("kind %u: %s", k, strerror(-fd));
		memset(&info, 0, sizeof(info));
		info.size = sizeof(info);
		ASSERT_EQ(0, xioctl(fd, LFQ_IOC_INFO, &info));
		EXPECT_EQ(k, info.kind);
		EXPECT_EQ(caps[k], info.capacity);
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
}

TEST_F(dev, create_flags)
{
	int fd;

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

TEST_F(dev, create_unknown_kind)
{
	EXPECT_EQ(-EINVAL, q_create(self->dev, 0, 0, 0, 0, 0));
	EXPECT_EQ(-EINVAL, q_create(self->dev, LFQ_KIND_MAX + 1, 0, 0, 0, 0));
	EXPECT_EQ(-EINVAL, q_create(self->dev, LFQ_KIND_MAX + 1, 8, 0, 0, 0));
	EXPECT_EQ(-EINVAL, q_create(self->dev, ~0U, 0, 0, 0, 0));
}

TEST_F(dev, create_ring_capacity)
{
	unsigned int max = self->f.max_ring_capacity;
	int fd;

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
	EXPECT_EQ(-EINVAL, q_create(self->dev, LFQ_KIND_MSQ, 8, 0, 0, 0));
	EXPECT_EQ(-EINVAL, q_create(self->dev, LFQ_KIND_STACK, 8, 0, 0, 0));
	EXPECT_EQ(-EINVAL, q_create(self->dev, LFQ_KIND_TLQ, 1, 0, 0, 0));
}

TEST_F(dev, create_max_msg)
{
	__u64 big = self->f.max_queue_bytes;
	unsigned int kind, cap;
	struct lfq_info info;
	int fd;

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
	for (kind = LFQ_KIND_MSQ; kind <= LFQ_KIND_RING; kind += 2) {
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

TEST_F(dev, create_unknown_flags)
{
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		if (LFQ_CREATE_FLAGS_ALL & (1U << bit))
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
	static const char *names[] = { "", "msq", "stack", "ring", "tlq" };
	static char buf[4096];
	unsigned int kind, i;
	struct lfq_info info;
	__u64 c, c1 = 1, prev;
	int qfd;

	if (self->f.max_msg < 4096)
		SKIP(return, "max_msg_size %u < 4096", self->f.max_msg);
	for (kind = LFQ_KIND_MSQ; kind <= LFQ_KIND_TLQ; kind++) {
		/* a ring too large to preallocate: charges per message */
		qfd = q_create(self->dev, kind, kind == LFQ_KIND_RING ? 1024 : 0,
			       4096, 0, LFQ_CREATE_NONBLOCK);
		ASSERT_LE(0, qfd);
		info.size = sizeof(info);
		ASSERT_EQ(0, xioctl(qfd, LFQ_IOC_INFO, &info));
		prev = 0;
		for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			ASSERT_EQ(lens[i], xwrite(qfd, buf, lens[i]));
			c = q_mem(qfd);
			ASSERT_EQ(lens[i], xread(qfd, buf, sizeof(buf)));
			TH_LOG("charge %s %u bytes: %llu", names[kind],
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
		       names[kind], (unsigned long long)info.max_bytes,
		       (unsigned long long)(info.max_bytes / c1),
		       (unsigned long long)info.fixed_bytes);
		close(qfd);
	}
}

/* max_queues: one more create fails with EMFILE; closing frees the slot. */
TEST_F(dev, queue_limit)
{
	unsigned int max = self->f.max_queues, i, n = 0;
	struct lfq_features f;
	struct rlimit rl;
	int *fds, fd;

	if (max > 8192)
		SKIP(return, "max_queues %u too large to exhaust", max);
	rl.rlim_cur = max + 64;
	rl.rlim_max = max + 64;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		SKIP(return, "cannot raise RLIMIT_NOFILE to %u", max + 64);
	fds = calloc(max + 1, sizeof(*fds));
	ASSERT_NE(NULL, fds);
	for (i = 0; i <= max; i++) {
		fd = q_create(self->dev, LFQ_KIND_STACK, 0, 0, 0, 0);
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
		fd = q_create(self->dev, LFQ_KIND_RING, 2, 0, 0, 0);
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

FIXTURE(q) {
	int dev;
	int qfd;
};

FIXTURE_VARIANT(q) {
	unsigned int kind;
	unsigned int capacity;
	bool lifo;
};

FIXTURE_VARIANT_ADD(q, msq) {
	.kind = LFQ_KIND_MSQ,
};

FIXTURE_VARIANT_ADD(q, stack) {
	.kind = LFQ_KIND_STACK,
	.lifo = true,
};

FIXTURE_VARIANT_ADD(q, ring) {
	.kind = LFQ_KIND_RING,
	.capacity = QSLOTS,
};

FIXTURE_VARIANT_ADD(q, tlq) {
	.kind = LFQ_KIND_TLQ,
};

FIXTURE_SETUP(q)
{
	struct lfq_features f;
	struct lfq_info info;
	const char *skip;

	self->dev = -1;
	self->qfd = -1;
	self->dev = open_dev(&skip);
	if (skip)
		SKIP(return, "%s", skip);
	ASSERT_LE(0, self->dev) TH_LOG("open: %s", strerror(errno));
	ASSERT_EQ(0, get_features(self->dev, &f));
	if (!(f.kinds & (1U << variant->kind)))
		SKIP(return, "kind %u not supported", variant->kind);
	/* What a max_msg message costs in this kind: ask a probe queue. */
	self->qfd = q_create(self->dev, variant->kind, variant->capacity,
			     MSG_MAX, 0, 0);
	ASSERT_LE(0, self->qfd) TH_LOG("create: %s", strerror(-self->qfd));
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	ASSERT_EQ(0, xioctl(self->qfd, LFQ_IOC_INFO, &info));
	close(self->qfd);
	ASSERT_EQ(LFQ_INFO_SIZE_VER1, info.size);
	ASSERT_LE(MSG_MAX, info.max_msg_charge);
	qbytes = (__u64)QSLOTS * info.max_msg_charge;
	self->qfd = q_create(self->dev, variant->kind, variant->capacity,
			     MSG_MAX, QBYTES, 0);
	ASSERT_LE(0, self->qfd) TH_LOG("create: %s", strerror(-self->qfd));
}

FIXTURE_TEARDOWN(q)
{
	if (self->qfd >= 0)
		close(self->qfd);
	if (self->dev >= 0)
		close(self->dev);
}

static void set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

/* Fill the queue: QSLOTS messages of MSG_MAX bytes, tags 0..QSLOTS-1. */
static int fill_queue(int fd)
{
	unsigned int i;

	for (i = 0; i < QSLOTS; i++)
		if (push_full_tag(fd, i) != MSG_MAX)
			return -1;
	return 0;
}

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
	__u64 retries;

	ASSERT_EQ(0, get_stats(self->qfd, &st));
	retries = st.cas_retries;
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
	/* Module-wide since ABI 3 (every lfq structure): it only grows. */
	EXPECT_LE(retries, st.cas_retries);

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
	TH_LOG("rcu_backlog %llu", (unsigned long long)st.rcu_backlog);
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

/* ---- batches: functional ---- */

TEST_F(q, batch_push_pop)
{
	struct mbuf in, out;
	unsigned int i, n = 5;

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
	unsigned int i;

	/* 1 of 8 slots (or 64 of 512 bytes) used: 7 more fit. */
	ASSERT_EQ(MSG_MAX, push_full_tag(self->qfd, 100));
	for (i = 0; i < QSLOTS; i++) {
		msg_fill(m.buf[i], i, MSG_MAX);
		m.d[i].addr = (uintptr_t)m.buf[i];
		m.d[i].len = MSG_MAX;
		m.d[i].flags = 0;
	}
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

	ASSERT_EQ(MSG_MAX, push_full_tag(self->qfd, 100));
	for (i = 0; i < QSLOTS; i++) {
		msg_fill(m.buf[i], i, MSG_MAX);
		m.d[i].addr = (uintptr_t)m.buf[i];
		m.d[i].len = MSG_MAX;
		m.d[i].flags = 0;
	}
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

	mbuf_push(&m, 0, 2);
	for (bit = 0; bit < 32; bit++) {
		if (LFQ_IO_FLAGS_ALL & (1U << bit))
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

/* ---- blocking ---- */

TEST_F(q, nonblock_eagain)
{
	struct mbuf m;
	int fl;

	/* per call */
	mbuf_pop(&m, 1);
	EXPECT_EQ(-EAGAIN, batch(self->qfd, LFQ_IOC_POP_BATCH, LFQ_IO_NONBLOCK,
				 m.d, 1, 0));
	EXPECT_EQ(-EAGAIN, batch(self->qfd, LFQ_IOC_POP_BATCH,
				 LFQ_IO_NONBLOCK | LFQ_IO_ALL, m.d, 1, 0));
	/* per file */
	fl = fcntl(self->qfd, F_GETFL);
	ASSERT_EQ(0, fcntl(self->qfd, F_SETFL, fl | O_NONBLOCK));
	EXPECT_EQ(-EAGAIN, pop_tag(self->qfd));
	EXPECT_EQ(-EAGAIN, batch(self->qfd, LFQ_IOC_POP_BATCH, 0, m.d, 1, 0));
	ASSERT_EQ(0, fill_queue(self->qfd));
	EXPECT_EQ(-EAGAIN, push_tag(self->qfd, 50));
	mbuf_push(&m, 50, 1);
	EXPECT_EQ(-EAGAIN, batch(self->qfd, LFQ_IOC_PUSH_BATCH, 0, m.d, 1, 0));
	ASSERT_EQ(0, fcntl(self->qfd, F_SETFL, fl));
	EXPECT_EQ(-EAGAIN, batch(self->qfd, LFQ_IOC_PUSH_BATCH,
				 LFQ_IO_NONBLOCK, m.d, 1, 0));
	EXPECT_EQ(QSLOTS, q_len(self->qfd));
}

TEST_F(q, deadline)
{
	__u64 t0, dl;
	struct mbuf m;

	/* pop from an empty queue */
	mbuf_pop(&m, 1);
	t0 = now_ns();
	dl = t0 + 200 * 1000000ull;
	EXPECT_EQ(-ETIMEDOUT, batch(self->qfd, LFQ_IOC_POP_BATCH,
				    LFQ_IO_DEADLINE, m.d, 1, dl));
	EXPECT_LE(dl, now_ns());
	/* already past: no sleep, ETIMEDOUT rather than EAGAIN */
	EXPECT_EQ(-ETIMEDOUT, batch(self->qfd, LFQ_IOC_POP_BATCH,
				    LFQ_IO_DEADLINE, m.d, 1, 1));
	EXPECT_EQ(-ETIMEDOUT, batch(self->qfd, LFQ_IOC_POP_BATCH,
				    LFQ_IO_DEADLINE | LFQ_IO_ALL, m.d, 1,
				    now_ns()));

	/* push into a full queue */
	ASSERT_EQ(0, fill_queue(self->qfd));
	mbuf_push(&m, 60, 1);
	dl = now_ns() + 100 * 1000000ull;
	EXPECT_EQ(-ETIMEDOUT, batch(self->qfd, LFQ_IOC_PUSH_BATCH,
				    LFQ_IO_DEADLINE, m.d, 1, dl));
	EXPECT_LE(dl, now_ns());
	EXPECT_EQ(QSLOTS, q_len(self->qfd));

	/* can proceed: the deadline does not matter */
	mbuf_pop(&m, 2);
	EXPECT_EQ(2, batch(self->qfd, LFQ_IOC_POP_BATCH, LFQ_IO_DEADLINE,
			   m.d, 2, 1));
}

/* A deadline that a push from another process beats. */
TEST_F(q, deadline_met)
{
	struct mbuf m;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		wait_sleeping(getppid());
		_exit(push_tag(self->qfd, 7) == msg_len(7) ? 0 : 1);
	}
	mbuf_pop(&m, 1);
	EXPECT_EQ(1, batch(self->qfd, LFQ_IOC_POP_BATCH, LFQ_IO_DEADLINE,
			   m.d, 1, now_ns() + 60 * 1000000000ull));
	EXPECT_EQ(7, mbuf_tag(&m, 0));
	EXPECT_EQ(0, reap(pid));
}

/* A blocking read() is woken by a write() from another process. */
TEST_F(q, blocking_pop_woken)
{
	__u64 t0;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		wait_sleeping(getppid());
		_exit(push_tag(self->qfd, 42) == msg_len(42) ? 0 : 1);
	}
	t0 = now_ns();
	EXPECT_EQ(42, pop_tag(self->qfd));
	EXPECT_LE(50 * 1000000ull, now_ns() - t0);	/* it did sleep */
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, q_len(self->qfd));

	/* the same with a blocking all-or-nothing batch of two */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int ok = push_tag(self->qfd, 1) == msg_len(1);

		wait_sleeping(getppid());
		ok &= push_tag(self->qfd, 2) == msg_len(2);
		_exit(ok ? 0 : 1);
	}
	{
		struct mbuf m;

		mbuf_pop(&m, 2);
		EXPECT_EQ(2, batch(self->qfd, LFQ_IOC_POP_BATCH, LFQ_IO_ALL,
				   m.d, 2, 0));
		EXPECT_EQ(variant->lifo ? 2 : 1, mbuf_tag(&m, 0));
		EXPECT_EQ(variant->lifo ? 1 : 2, mbuf_tag(&m, 1));
	}
	EXPECT_EQ(0, reap(pid));
}

/* A push into a full queue sleeps until another process pops. */
TEST_F(q, blocking_push_woken)
{
	__u64 t0;
	pid_t pid;

	ASSERT_EQ(0, fill_queue(self->qfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		wait_sleeping(getppid());
		_exit(pop_tag(self->qfd) == nth_pop(variant->lifo, 0, QSLOTS) ?
		      0 : 1);
	}
	t0 = now_ns();
	EXPECT_EQ(MSG_MAX, push_full_tag(self->qfd, 77));
	EXPECT_LE(50 * 1000000ull, now_ns() - t0);
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(QSLOTS, q_len(self->qfd));
}

/* written by the signal handler: the C standard's type for that */
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = 1;
}

static void install_handler(bool restart)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGUSR1, &sa, NULL);
	got_signal = 0;
}

/*
 * Child: wait for the parent to block, signal it, then (after it saw the
 * EINTR) push message @tag.
 */
static pid_t signal_then_push(int qfd, int tag, int pipe_rd)
{
	pid_t pid = fork();

	if (pid == 0) {
		char c;

		wait_sleeping(getppid());
		kill(getppid(), SIGUSR1);
		if (pipe_rd >= 0 && read(pipe_rd, &c, 1) != 1)
			_exit(2);
		if (tag >= 0 && push_tag(qfd, tag) != msg_len(tag))
			_exit(1);
		_exit(0);
	}
	return pid;
}

/* A signal during a blocking pop: EINTR, then nothing lost or duplicated. */
TEST_F(q, signal_pop_eintr)
{
	struct lfq_stats st;
	struct mbuf m;
	int p[2];
	pid_t pid;

	install_handler(false);
	ASSERT_EQ(0, pipe(p));
	pid = signal_then_push(self->qfd, 5, p[0]);
	ASSERT_LE(0, pid);
	EXPECT_EQ(-EINTR, pop_tag(self->qfd));
	EXPECT_EQ(1, got_signal);
	ASSERT_EQ(1, write(p[1], "x", 1));
	EXPECT_EQ(5, pop_tag(self->qfd));
	EXPECT_EQ(0, reap(pid));

	/* the same for a batch pop */
	got_signal = 0;
	pid = signal_then_push(self->qfd, 6, p[0]);
	ASSERT_LE(0, pid);
	mbuf_pop(&m, 2);
	EXPECT_EQ(-EINTR, batch(self->qfd, LFQ_IOC_POP_BATCH, 0, m.d, 2, 0));
	EXPECT_EQ(1, got_signal);
	ASSERT_EQ(1, write(p[1], "x", 1));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(1, batch(self->qfd, LFQ_IOC_POP_BATCH, 0, m.d, 2, 0));
	EXPECT_EQ(6, mbuf_tag(&m, 0));

	set_nonblock(self->qfd, true);
	EXPECT_EQ(-EAGAIN, pop_tag(self->qfd));
	ASSERT_EQ(0, get_stats(self->qfd, &st));
	EXPECT_EQ(2, st.pushes);
	EXPECT_EQ(2, st.pops);
	EXPECT_EQ(0, st.length);
	close(p[0]);
	close(p[1]);
}

/* With SA_RESTART the pop resumes and returns the message pushed later. */
TEST_F(q, signal_pop_restart)
{
	pid_t pid;

	install_handler(true);
	/* No handshake possible while we sleep: the child pushes later. */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		wait_sleeping(getppid());
		kill(getppid(), SIGUSR1);
		sleep_ms(200);
		wait_sleeping(getppid());
		_exit(push_tag(self->qfd, 9) == msg_len(9) ? 0 : 1);
	}
	EXPECT_EQ(9, pop_tag(self->qfd));
	EXPECT_EQ(1, got_signal);
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, q_len(self->qfd));
}

/* A signal during a blocking push: EINTR, nothing pushed. */
TEST_F(q, signal_push_eintr)
{
	struct lfq_stats st;
	pid_t pid;

	install_handler(false);
	ASSERT_EQ(0, fill_queue(self->qfd));
	pid = signal_then_push(self->qfd, -1, -1);
	ASSERT_LE(0, pid);
	EXPECT_EQ(-EINTR, push_full_tag(self->qfd, 99));
	EXPECT_EQ(1, got_signal);
	EXPECT_EQ(0, reap(pid));
	ASSERT_EQ(0, get_stats(self->qfd, &st));
	EXPECT_EQ(QSLOTS, st.pushes);
	EXPECT_EQ(QSLOTS, st.length);
	EXPECT_EQ(QSLOTS * MSG_MAX, st.bytes);
}

/*
 * The deadline is absolute: a blocking call interrupted by a signal and
 * restarted (SA_RESTART) still ends at the original deadline, not one
 * timeout after the restart.
 */
TEST_F(q, deadline_restart)
{
	__u64 dl, end;
	struct mbuf m;
	pid_t pid;

	install_handler(true);
	dl = now_ns() + 1500 * 1000000ull;
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		wait_sleeping(getppid());
		sleep_ms(700);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	mbuf_pop(&m, 1);
	EXPECT_EQ(-ETIMEDOUT, batch(self->qfd, LFQ_IOC_POP_BATCH,
				    LFQ_IO_DEADLINE, m.d, 1, dl));
	end = now_ns();
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(1, got_signal);
	EXPECT_LE(dl, end);
	/* a relative restart would end 1.5 s after the signal, >= dl + 0.7 s */
	EXPECT_GT(dl + 600 * 1000000ull, end)
		TH_LOG("ended %llu ms after the deadline",
		       (unsigned long long)(end - dl) / 1000000);
}

/* ---- poll and epoll ---- */

static short poll_events(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

	if (poll(&p, 1, 0) < 0)
		return -1;
	return p.revents;
}

TEST_F(q, poll_states)
{
	EXPECT_EQ(POLLOUT, poll_events(self->qfd));
	ASSERT_EQ(msg_len(1), push_tag(self->qfd, 1));
	EXPECT_EQ(POLLIN | POLLOUT, poll_events(self->qfd));
	EXPECT_EQ(1, pop_tag(self->qfd));
	EXPECT_EQ(POLLOUT, poll_events(self->qfd));
	ASSERT_EQ(0, fill_queue(self->qfd));
	EXPECT_EQ(POLLIN, poll_events(self->qfd));
	ASSERT_LE(0, pop_tag(self->qfd));
	EXPECT_EQ(POLLIN | POLLOUT, poll_events(self->qfd));
}

/* poll() sleeping on an empty queue is woken by another process. */
TEST_F(q, poll_woken)
{
	struct pollfd p = { .fd = self->qfd, .events = POLLIN };
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		wait_sleeping(getppid());
		_exit(push_tag(self->qfd, 3) == msg_len(3) ? 0 : 1);
	}
	EXPECT_EQ(1, poll(&p, 1, 20000));
	EXPECT_EQ(POLLIN, p.revents);
	EXPECT_EQ(0, reap(pid));

	/* and EPOLLOUT by a pop */
	ASSERT_EQ(3, pop_tag(self->qfd));
	ASSERT_EQ(0, fill_queue(self->qfd));
	p.events = POLLOUT;
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		wait_sleeping(getppid());
		_exit(pop_tag(self->qfd) >= 0 ? 0 : 1);
	}
	EXPECT_EQ(1, poll(&p, 1, 20000));
	EXPECT_EQ(POLLOUT, p.revents);
	EXPECT_EQ(0, reap(pid));
}

static int ep_wait(int ep, __u32 *events, int timeout)
{
	struct epoll_event ev[4];
	int n = epoll_wait(ep, ev, 4, timeout);

	if (n == 1)
		*events = ev[0].events;
	return n;
}

TEST_F(q, epoll_level)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = self->qfd };
	__u32 e = 0;
	int ep;

	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->qfd, &ev));
	EXPECT_EQ(0, ep_wait(ep, &e, 0));
	ASSERT_EQ(msg_len(1), push_tag(self->qfd, 1));
	/* level: reported as long as it holds */
	EXPECT_EQ(1, ep_wait(ep, &e, 0));
	EXPECT_EQ(EPOLLIN, e);
	EXPECT_EQ(1, ep_wait(ep, &e, 0));
	EXPECT_EQ(EPOLLIN, e);
	ASSERT_EQ(1, pop_tag(self->qfd));
	EXPECT_EQ(0, ep_wait(ep, &e, 0));

	ev.events = EPOLLOUT;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_MOD, self->qfd, &ev));
	EXPECT_EQ(1, ep_wait(ep, &e, 0));
	EXPECT_EQ(EPOLLOUT, e);
	ASSERT_EQ(0, fill_queue(self->qfd));
	EXPECT_EQ(0, ep_wait(ep, &e, 0));
	close(ep);
}

/* Edge-triggered: one event per push (EPOLLIN) or pop (EPOLLOUT). */
TEST_F(q, epoll_edge)
{
	struct epoll_event ev = {
		.events = EPOLLIN | EPOLLET, .data.fd = self->qfd,
	};
	__u32 e = 0;
	int ep;

	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->qfd, &ev));
	EXPECT_EQ(0, ep_wait(ep, &e, 0));

	ASSERT_EQ(msg_len(1), push_tag(self->qfd, 1));
	EXPECT_EQ(1, ep_wait(ep, &e, 0));
	EXPECT_EQ(EPOLLIN, e);
	EXPECT_EQ(0, ep_wait(ep, &e, 0));	/* once */
	ASSERT_EQ(msg_len(2), push_tag(self->qfd, 2));
	EXPECT_EQ(1, ep_wait(ep, &e, 0));	/* every push is an edge */
	EXPECT_EQ(0, ep_wait(ep, &e, 0));
	ASSERT_LE(0, pop_tag(self->qfd));
	ASSERT_LE(0, pop_tag(self->qfd));
	EXPECT_EQ(0, ep_wait(ep, &e, 0));	/* pops are not EPOLLIN edges */

	/* EPOLLOUT on a full queue: a pop makes room, once */
	ASSERT_EQ(0, fill_queue(self->qfd));
	EXPECT_EQ(1, ep_wait(ep, &e, 0));	/* the pushes' edges, drained */
	EXPECT_EQ(0, ep_wait(ep, &e, 0));
	ev.events = EPOLLOUT | EPOLLET;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_MOD, self->qfd, &ev));
	EXPECT_EQ(0, ep_wait(ep, &e, 0));
	ASSERT_LE(0, pop_tag(self->qfd));
	EXPECT_EQ(1, ep_wait(ep, &e, 0));
	EXPECT_EQ(EPOLLOUT, e);
	EXPECT_EQ(0, ep_wait(ep, &e, 0));
	ASSERT_LE(0, pop_tag(self->qfd));	/* every pop is an edge */
	EXPECT_EQ(1, ep_wait(ep, &e, 0));
	EXPECT_EQ(0, ep_wait(ep, &e, 0));
	ASSERT_EQ(msg_len(3), push_tag(self->qfd, 3));
	EXPECT_EQ(0, ep_wait(ep, &e, 0));	/* pushes are not EPOLLOUT edges */
	close(ep);
}

/* epoll_wait() sleeping, woken by a push from another process. */
TEST_F(q, epoll_woken)
{
	struct epoll_event ev = {
		.events = EPOLLIN | EPOLLET, .data.fd = self->qfd,
	};
	__u32 e = 0;
	pid_t pid;
	int ep;

	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->qfd, &ev));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		wait_sleeping(getppid());
		_exit(push_tag(self->qfd, 4) == msg_len(4) ? 0 : 1);
	}
	EXPECT_EQ(1, ep_wait(ep, &e, 20000));
	EXPECT_EQ(EPOLLIN, e);
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(4, pop_tag(self->qfd));
	close(ep);
}

/* ---- sharing ---- */

TEST_F(q, fork_shared)
{
	pid_t pid;

	for (int i = 0; i < 4; i++)
		ASSERT_EQ(msg_len(i), push_tag(self->qfd, i));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int ok = pop_tag(self->qfd) == nth_pop(variant->lifo, 0, 4) &&
			 pop_tag(self->qfd) == nth_pop(variant->lifo, 1, 4) &&
			 push_tag(self->qfd, 100) == msg_len(100);

		_exit(ok ? 0 : 1);
	}
	ASSERT_EQ(0, reap(pid));
	set_nonblock(self->qfd, true);
	if (variant->lifo) {
		EXPECT_EQ(100, pop_tag(self->qfd));
		EXPECT_EQ(1, pop_tag(self->qfd));
		EXPECT_EQ(0, pop_tag(self->qfd));
	} else {
		EXPECT_EQ(2, pop_tag(self->qfd));
		EXPECT_EQ(3, pop_tag(self->qfd));
		EXPECT_EQ(100, pop_tag(self->qfd));
	}
	EXPECT_EQ(-EAGAIN, pop_tag(self->qfd));
}

TEST_F(q, dup_shared)
{
	int fd2;

	fd2 = dup(self->qfd);
	ASSERT_LE(0, fd2);
	ASSERT_EQ(msg_len(1), push_tag(self->qfd, 1));
	ASSERT_EQ(msg_len(2), push_tag(fd2, 2));
	close(self->qfd);
	self->qfd = -1;
	/* the queue lives on through the duplicate */
	EXPECT_EQ(variant->lifo ? 2 : 1, pop_tag(fd2));
	EXPECT_EQ(variant->lifo ? 1 : 2, pop_tag(fd2));
	EXPECT_EQ(0, q_len(fd2));
	/* flags are per open file, shared by dup */
	ASSERT_EQ(0, fcntl(fd2, F_SETFL, O_NONBLOCK));
	self->qfd = fd2;
	EXPECT_EQ(-EAGAIN, pop_tag(self->qfd));
}

static int send_fd(int sock, int fd)
{
	char c = 'F';
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/*
 * A queue created after the fork travels to the child, which never had it,
 * over a unix socket; both ends use it.
 */
TEST_F(q, scm_rights)
{
	int sv[2], qfd;
	pid_t pid;
	char c;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int fd, ok = 1;

		close(sv[0]);
		fd = recv_fd(sv[1]);
		if (fd < 0)
			_exit(2);
		ok &= pop_tag(fd) == nth_pop(variant->lifo, 0, 2);
		ok &= pop_tag(fd) == nth_pop(variant->lifo, 1, 2);
		ok &= push_tag(fd, 55) == msg_len(55);
		ok &= write(sv[1], "d", 1) == 1;
		/* wait for the parent's reply, then drop our reference */
		ok &= read(sv[1], &c, 1) == 1;
		ok &= pop_tag(fd) == 56;
		close(fd);
		_exit(ok ? 0 : 1);
	}
	close(sv[1]);
	qfd = q_create(self->dev, variant->kind, variant->capacity, MSG_MAX,
		       QBYTES, 0);
	ASSERT_LE(0, qfd);
	ASSERT_EQ(msg_len(0), push_tag(qfd, 0));
	ASSERT_EQ(msg_len(1), push_tag(qfd, 1));
	ASSERT_EQ(0, send_fd(sv[0], qfd));
	ASSERT_EQ(1, read(sv[0], &c, 1));
	EXPECT_EQ(55, pop_tag(qfd));
	ASSERT_EQ(msg_len(56), push_tag(qfd, 56));
	ASSERT_EQ(msg_len(57), push_tag(qfd, 57));
	if (variant->lifo)	/* the child must find 56 on top */
		ASSERT_EQ(57, pop_tag(qfd));
	ASSERT_EQ(1, write(sv[0], "k", 1));
	EXPECT_EQ(0, reap(pid));
	/* the child's close did not free the queue we still hold */
	if (!variant->lifo)
		EXPECT_EQ(57, pop_tag(qfd));
	EXPECT_EQ(0, q_len(qfd));
	close(qfd);
	close(sv[0]);
}

/* The receiver holds the only reference after the sender closes. */
TEST_F(q, scm_rights_last_ref)
{
	int sv[2], fd;
	struct lfq_features f0, f1;

	ASSERT_EQ(0, get_features(self->dev, &f0));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
	ASSERT_EQ(msg_len(8), push_tag(self->qfd, 8));
	ASSERT_EQ(0, send_fd(sv[0], self->qfd));
	close(self->qfd);
	self->qfd = -1;
	/* in flight in the socket: still one queue */
	ASSERT_EQ(0, get_features(self->dev, &f1));
	EXPECT_EQ(f0.nr_queues, f1.nr_queues);
	fd = recv_fd(sv[1]);
	ASSERT_LE(0, fd);
	EXPECT_EQ(8, pop_tag(fd));
	close(fd);
	ASSERT_EQ(0, get_features(self->dev, &f1));
	EXPECT_EQ(f0.nr_queues - 1, f1.nr_queues);
	close(sv[0]);
	close(sv[1]);
}

/* ---- stress: producer and consumer threads through the device ---- */

#define ST_PROD		2
#define ST_CONS		2
#define ST_PER_PROD	400

struct st_msg {
	__u32 prod;
	__u32 seq;
	__u32 check;
};

struct stress {
	int fd;
	bool fifo;
	unsigned int done;		/* consumed so far (atomic) */
	unsigned char hits[ST_PROD][ST_PER_PROD];	/* atomic increments */
	unsigned int errors;		/* atomic */
	char why[128];
};

struct st_arg {
	struct stress *s;
	unsigned int id;
};

static void st_error(struct stress *s, const char *fmt, unsigned int a,
		     unsigned int b)
{
	if (__atomic_fetch_add(&s->errors, 1, __ATOMIC_RELAXED) == 0)
		snprintf(s->why, sizeof(s->why), fmt, a, b);
}

static void *st_producer(void *p)
{
	struct st_arg *a = p;
	struct stress *s = a->s;
	struct st_msg m[4];
	struct lfq_msg_desc d[4];
	unsigned int seq = 0, i, n;
	long ret;

	while (seq < ST_PER_PROD) {
		if (a->id == 0) {
			/* producer 0: write() */
			m[0] = (struct st_msg){ a->id, seq, seq ^ 0x5a5a5a5a };
			ret = xwrite(s->fd, &m[0], sizeof(m[0]));
			if (ret != sizeof(m[0])) {
				st_error(s, "write: %u (seq %u)", (unsigned int)-ret, seq);
				return NULL;
			}
			seq++;
			continue;
		}
		/* others: as-many-as-possible batches of up to 4 */
		n = ST_PER_PROD - seq < 4 ? ST_PER_PROD - seq : 4;
		for (i = 0; i < n; i++) {
			m[i] = (struct st_msg){ a->id, seq + i,
						(seq + i) ^ 0x5a5a5a5a };
			d[i] = (struct lfq_msg_desc){ (uintptr_t)&m[i],
						      sizeof(m[i]), 0 };
		}
		ret = batch(s->fd, LFQ_IOC_PUSH_BATCH, 0, d, n, 0);
		if (ret <= 0 || ret > n) {
			st_error(s, "push batch: %d (seq %u)", (int)ret, seq);
			return NULL;
		}
		seq += ret;
	}
	return NULL;
}

static void *st_consumer(void *p)
{
	struct st_arg *a = p;
	struct stress *s = a->s;
	__u32 last[ST_PROD];
	char buf[4][MSG_MAX];
	struct lfq_msg_desc d[4];
	unsigned int want = a->id == 0 ? 1 : 4, i;
	long ret;

	memset(last, 0xff, sizeof(last));
	while (__atomic_load_n(&s->done, __ATOMIC_ACQUIRE) <
	       ST_PROD * ST_PER_PROD) {
		for (i = 0; i < want; i++)
			d[i] = (struct lfq_msg_desc){ (uintptr_t)buf[i],
						      MSG_MAX, 0 };
		ret = batch(s->fd, LFQ_IOC_POP_BATCH, LFQ_IO_DEADLINE, d, want,
			    now_ns() + 20 * 1000000ull);
		if (ret == -ETIMEDOUT)
			continue;
		if (ret <= 0 || ret > want) {
			st_error(s, "pop batch: %d (consumer %u)", (int)ret,
				 a->id);
			return NULL;
		}
		for (i = 0; i < ret; i++) {
			struct st_msg m;

			if (d[i].len != sizeof(m)) {
				st_error(s, "length %u (consumer %u)", d[i].len,
					 a->id);
				continue;
			}
			memcpy(&m, buf[i], sizeof(m));
			if (m.prod >= ST_PROD || m.seq >= ST_PER_PROD ||
			    m.check != (m.seq ^ 0x5a5a5a5a)) {
				st_error(s, "garbage %u/%u", m.prod, m.seq);
				continue;
			}
			__atomic_fetch_add(&s->hits[m.prod][m.seq], 1,
					   __ATOMIC_RELAXED);
			/* FIFO: each producer's messages in its order */
			if (s->fifo && last[m.prod] != (__u32)~0U &&
			    m.seq <= last[m.prod])
				st_error(s, "order: seq %u after %u", m.seq,
					 last[m.prod]);
			last[m.prod] = m.seq;
		}
		__atomic_fetch_add(&s->done, ret, __ATOMIC_RELEASE);
	}
	return NULL;
}

TEST_F_TIMEOUT(q, stress_threads, 300)
{
	pthread_t pt[ST_PROD], ct[ST_CONS];
	struct st_arg pa[ST_PROD], ca[ST_CONS];
	struct lfq_stats st;
	struct stress *s;
	unsigned int i, j, missing = 0, dup = 0;

	s = calloc(1, sizeof(*s));
	ASSERT_NE(NULL, s);
	s->fd = self->qfd;
	s->fifo = !variant->lifo;
	for (i = 0; i < ST_CONS; i++) {
		ca[i] = (struct st_arg){ s, i };
		ASSERT_EQ(0, pthread_create(&ct[i], NULL, st_consumer, &ca[i]));
	}
	for (i = 0; i < ST_PROD; i++) {
		pa[i] = (struct st_arg){ s, i };
		ASSERT_EQ(0, pthread_create(&pt[i], NULL, st_producer, &pa[i]));
	}
	for (i = 0; i < ST_PROD; i++)
		pthread_join(pt[i], NULL);
	if (s->errors) {
		/* consumers would wait forever for the missing messages */
		TH_LOG("%u errors, first: %s", s->errors, s->why);
		ASSERT_EQ(0, s->errors);
	}
	for (i = 0; i < ST_CONS; i++)
		pthread_join(ct[i], NULL);

	EXPECT_EQ(0, s->errors) TH_LOG("first error: %s", s->why);
	for (i = 0; i < ST_PROD; i++)
		for (j = 0; j < ST_PER_PROD; j++) {
			missing += s->hits[i][j] == 0;
			dup += s->hits[i][j] > 1;
		}
	EXPECT_EQ(0, missing);
	EXPECT_EQ(0, dup);
	EXPECT_EQ(ST_PROD * ST_PER_PROD, s->done);
	ASSERT_EQ(0, get_stats(self->qfd, &st));
	EXPECT_EQ(ST_PROD * ST_PER_PROD, st.pushes);
	EXPECT_EQ(ST_PROD * ST_PER_PROD, st.pops);
	EXPECT_EQ(0, st.length);
	EXPECT_EQ(0, st.bytes);
	EXPECT_LE(st.peak_length, QSLOTS * MSG_MAX / sizeof(struct st_msg));
	EXPECT_LE(st.peak_bytes, QSLOTS * MSG_MAX);
	EXPECT_LE(st.peak_mem_bytes, QBYTES);
	if (variant->capacity)
		EXPECT_LE(st.peak_length, QSLOTS);
	TH_LOG("push_full %llu pop_empty %llu cas_retries %llu peak %llu",
	       (unsigned long long)st.push_full,
	       (unsigned long long)st.pop_empty,
	       (unsigned long long)st.cas_retries,
	       (unsigned long long)st.peak_length);
	free(s);
}

/* ==== module unload (last: if it wrongly succeeds, /dev/lfq is gone) ==== */

FIXTURE(unload) {
	int dev;
};

FIXTURE_SETUP(unload)
{
	const char *skip;

	self->dev = open_dev(&skip);
	if (skip)
		SKIP(return, "%s", skip);
	ASSERT_LE(0, self->dev) TH_LOG("open: %s", strerror(errno));
}

FIXTURE_TEARDOWN(unload)
{
	if (self->dev >= 0)
		close(self->dev);
}

static long try_unload(void)
{
	return syscall(SYS_delete_module, "lfq", O_NONBLOCK) ? -errno : 0;
}

/* /sys/module/lfq/refcnt, or -1 where it cannot be read. */
static long mod_refcnt(void)
{
	char buf[32] = "";
	long n = -1;
	int fd;

	fd = open("/sys/module/lfq/refcnt", O_RDONLY);
	if (fd < 0)
		return -1;
	if (read(fd, buf, sizeof(buf) - 1) > 0)
		n = strtol(buf, NULL, 10);
	close(fd);
	return n;
}

/*
 * Unloading a module that is in use fails with EWOULDBLOCK (EAGAIN; rmmod
 * says "in use"), EBUSY if it is still initialising or going away.
 */

TEST_F(unload, rmmod_busy_with_queue_fd)
{
	long ret, r_open, r_closed;
	int qfd;

	qfd = q_create(self->dev, LFQ_KIND_MSQ, 0, MSG_MAX, 0, 0);
	ASSERT_LE(0, qfd);
	ASSERT_EQ(msg_len(1), push_tag(qfd, 1));
	/* only the queue fd keeps the module now */
	close(self->dev);
	self->dev = -1;

	ret = try_unload();
	if (ret == -EPERM)
		SKIP(close(qfd); return, "delete_module not permitted");
	if (ret == -ENOENT)
		SKIP(close(qfd); return, "lfq is not a loaded module");
	EXPECT_EQ(-EWOULDBLOCK, ret)
		TH_LOG("delete_module: %s", strerror(-ret));
	if (ret == 0) {
		TH_LOG("lfq was unloaded with a queue fd open!");
		return;	/* do not touch the fd of an unloaded module */
	}
	/* the queue fd still works */
	EXPECT_EQ(1, pop_tag(qfd));
	ASSERT_EQ(msg_len(2), push_tag(qfd, 2));
	EXPECT_EQ(2, pop_tag(qfd));

	/* and it is the queue fd that holds the module */
	r_open = mod_refcnt();
	close(qfd);
	r_closed = mod_refcnt();
	if (r_open >= 0) {
		EXPECT_LE(1, r_open);
		EXPECT_EQ(r_open - 1, r_closed);
	}
	/* /dev/lfq is still there */
	self->dev = open(DEV_PATH, O_RDWR);
	EXPECT_LE(0, self->dev);
}

TEST_F(unload, rmmod_busy_with_device_fd)
{
	long ret = try_unload();
	int qfd;

	if (ret == -EPERM)
		SKIP(return, "delete_module not permitted");
	if (ret == -ENOENT)
		SKIP(return, "lfq is not a loaded module");
	EXPECT_EQ(-EWOULDBLOCK, ret)
		TH_LOG("delete_module: %s", strerror(-ret));
	if (ret == 0)
		return;
	qfd = q_create(self->dev, LFQ_KIND_RING, 4, 0, 0, 0);
	EXPECT_LE(0, qfd);
	close(qfd);
}

TEST_HARNESS_MAIN

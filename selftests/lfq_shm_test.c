// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest for /dev/lfq (uapi/linux/lfq.h): shared-memory rings
 * (LFQ_CREATE_SHM) through liblfq's lfq_shm_*() calls
 *
 * One process, fork(), SCM_RIGHTS; the kernel as producer (write()) and
 * consumer (read()) of a ring that processes use through the mapping;
 * blocking (LFQ_IOC_SHM_WAIT, read()) woken across processes, the
 * spinning wait (lfq_shm_wait_spin()) with and without a sleep, signals,
 * a ping-pong that must never time out, poll and epoll; every error path;
 * a ring corrupted on purpose (broken, EUCLEAN, other queues unaffected);
 * and a hostile process rewriting random words of the mapping while
 * kernel and user producers and consumers run (LFQ_SHM_HOSTILE_S seconds,
 * default 3; the runner checks the kernel log).  Built for 64-bit
 * (lfq_shm_test) and, where the compiler can, for 32-bit
 * (lfq_shm_test32); each runs the other as its peer in mixed_bits, so a
 * 32-bit and a 64-bit process share one ring.
 *
 * Every case skips when /dev/lfq does not exist or the module does not
 * offer LFQ_CREATE_SHM (features.create_flags).
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
#include <libgen.h>
#include <limits.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "kselftest_harness.h"
#include "lfq_common.h"
#include "liblfq.h"

#define CAP	8
#define MSG	64

static int shm_create(int dev, unsigned int cap, unsigned int max_msg,
		      unsigned int flags)
{
	return q_create(dev, LFQ_KIND_RING, cap, max_msg, 0,
			LFQ_CREATE_SHM | flags);
}

static int push_u32(struct lfq_shm *m, uint32_t v)
{
	return lfq_shm_push(m, &v, sizeof(v)) ? -errno : 0;
}

/* The popped value, or -errno; a message that is not 4 bytes: -EPROTO. */
static long pop_u32(struct lfq_shm *m)
{
	unsigned char buf[MSG];
	uint32_t v;
	ssize_t n;

	n = lfq_shm_pop(m, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	if (n != sizeof(v))
		return -EPROTO;
	memcpy(&v, buf, sizeof(v));
	return v;
}

FIXTURE(shm) {
	struct lfq_features f;
	int dev;
	int fd;
	struct lfq_shm *m;
};

FIXTURE_SETUP(shm)
{
	self->m = NULL;
	self->fd = -1;
	self->dev = setup_dev(_metadata, LFQ_KIND_RING, &self->f);
	if (self->dev < 0)
		return;
	NEED_CREATE_FLAGS(LFQ_CREATE_SHM);
	self->fd = shm_create(self->dev, CAP, MSG, 0);
	ASSERT_LE(0, self->fd) TH_LOG("create: %s", strerror(-self->fd));
	self->m = lfq_shm_map(self->fd);
	ASSERT_NE(NULL, self->m) TH_LOG("map: %s", strerror(errno));
}

FIXTURE_TEARDOWN(shm)
{
	if (self->m)
		lfq_shm_unmap(self->m);
	if (self->fd >= 0)
		close(self->fd);
	if (self->dev >= 0)
		close(self->dev);
}

/* ---- one process ---- */

TEST_F(shm, geometry)
{
	struct lfq_shm_info in = { .size = sizeof(in) };
	struct lfq_info qi = { .size = sizeof(qi) };
	const struct lfq_shm_hdr *h;
	long pg = getpagesize();

	ASSERT_EQ(0, xioctl(self->fd, LFQ_IOC_SHM_INFO, &in));
	EXPECT_EQ(sizeof(in), in.size);
	EXPECT_EQ(LFQ_SHM_OFF_HDR, in.hdr_off);
	EXPECT_EQ(LFQ_SHM_OFF_RING, in.ring_off);
	EXPECT_EQ(pg, in.hdr_size);
	EXPECT_EQ(CAP, in.hdr.capacity);
	EXPECT_EQ(MSG, in.hdr.max_msg);
	EXPECT_LE(sizeof(struct lfq_shm_slot) + MSG, in.hdr.slot_stride);
	EXPECT_EQ(0, in.hdr.slot_stride % 8);
	EXPECT_EQ(0, in.hdr.ring_size % pg);
	EXPECT_LE(in.hdr.slots_off + (__u64)CAP * in.hdr.slot_stride, in.hdr.ring_size);
	EXPECT_EQ(0, in.hdr.broken);

	h = mmap(NULL, pg, PROT_READ, MAP_SHARED, self->fd, LFQ_SHM_OFF_HDR);
	ASSERT_NE(MAP_FAILED, h);
	EXPECT_EQ(LFQ_SHM_MAGIC, h->magic);
	EXPECT_EQ(LFQ_SHM_VERSION, h->version);
	EXPECT_EQ(in.hdr.capacity, h->capacity);
	EXPECT_EQ(in.hdr.max_msg, h->max_msg);
	EXPECT_EQ(in.hdr.slot_stride, h->slot_stride);
	EXPECT_EQ(in.hdr.ring_size, h->ring_size);
	EXPECT_EQ(in.hdr.slots_off, h->slots_off);
	munmap((void *)h, pg);

	ASSERT_EQ(0, xioctl(self->fd, LFQ_IOC_INFO, &qi));
	EXPECT_EQ(LFQ_KIND_RING, qi.kind);
	EXPECT_EQ(CAP, qi.capacity);
	EXPECT_EQ(MSG, qi.max_msg);
	EXPECT_EQ(in.hdr.ring_size, qi.max_bytes);
}

TEST_F(shm, push_pop_fifo)
{
	unsigned char big[MSG + 1], buf[MSG];
	struct lfq_stats st = { .size = sizeof(st) };
	unsigned int i, round;

	for (round = 0; round < 5; round++) {	/* wraps the ring */
		for (i = 0; i < CAP; i++)
			ASSERT_EQ(0, push_u32(self->m, round * 100 + i));
		EXPECT_EQ(-EAGAIN, push_u32(self->m, 999));
		ASSERT_EQ(0, get_stats(self->fd, &st));
		EXPECT_EQ(CAP, st.length);
		for (i = 0; i < CAP; i++)
			ASSERT_EQ(round * 100 + i, pop_u32(self->m));
		EXPECT_EQ(-EAGAIN, pop_u32(self->m));
	}
	/* lengths: max_msg passes, more and 0 do not, short buffers neither */
	memset(big, 0xa5, sizeof(big));
	EXPECT_EQ(0, lfq_shm_push(self->m, big, MSG));
	EXPECT_EQ(-1, lfq_shm_push(self->m, big, MSG + 1));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_EQ(-1, lfq_shm_push(self->m, big, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, lfq_shm_pop(self->m, buf, MSG - 1));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_EQ(MSG, lfq_shm_pop(self->m, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, big, MSG));
}

TEST_F(shm, batch)
{
	uint32_t in[CAP + 2], out[CAP + 2][MSG / 4];
	struct iovec iov[CAP + 2];
	unsigned int i;

	for (i = 0; i < CAP + 2; i++) {
		in[i] = 1000 + i;
		iov[i].iov_base = &in[i];
		iov[i].iov_len = sizeof(in[i]);
	}
	/* as many as fit */
	EXPECT_EQ(CAP, lfq_shm_push_many(self->m, iov, CAP + 2));
	EXPECT_EQ(-1, lfq_shm_push_many(self->m, iov, 1));
	EXPECT_EQ(EAGAIN, errno);
	for (i = 0; i < CAP + 2; i++) {
		iov[i].iov_base = out[i];
		iov[i].iov_len = MSG;
	}
	EXPECT_EQ(CAP, lfq_shm_pop_many(self->m, iov, CAP + 2));
	for (i = 0; i < CAP; i++) {
		EXPECT_EQ(sizeof(uint32_t), iov[i].iov_len);
		EXPECT_EQ(1000 + i, out[i][0]);
	}
	iov[0].iov_len = MSG;	/* was the length popped */
	EXPECT_EQ(-1, lfq_shm_pop_many(self->m, iov, 1));
	EXPECT_EQ(EAGAIN, errno);
}

/* The kernel pushes with write() and pops with read() on the same ring. */
TEST_F(shm, kernel_producer_consumer)
{
	unsigned char buf[MSG + 1];
	uint32_t v;

	for (v = 0; v < CAP; v++)
		ASSERT_EQ(4, xwrite(self->fd, &v, 4));
	set_nonblock(self->fd, true);
	EXPECT_EQ(-EAGAIN, xwrite(self->fd, &v, 4));
	for (v = 0; v < CAP / 2; v++)
		ASSERT_EQ(v, pop_u32(self->m));
	ASSERT_EQ(0, push_u32(self->m, 77));
	for (v = CAP / 2; v < CAP; v++) {
		ASSERT_EQ(4, xread(self->fd, buf, sizeof(buf)));
		EXPECT_EQ(0, memcmp(buf, &v, 4));
	}
	ASSERT_EQ(4, xread(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, &(uint32_t){ 77 }, 4));
	EXPECT_EQ(-EAGAIN, xread(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(-EMSGSIZE, xread(self->fd, buf, MSG - 1));
	EXPECT_EQ(-EMSGSIZE, xwrite(self->fd, buf, MSG + 1));
	EXPECT_EQ(0, xwrite(self->fd, buf, 0));
	EXPECT_EQ(-EAGAIN, pop_u32(self->m));
}

/* ---- across processes ---- */

TEST_F(shm, fork_shared)
{
	pid_t pid;

	ASSERT_EQ(0, push_u32(self->m, 1));
	ASSERT_EQ(0, push_u32(self->m, 2));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int ok = pop_u32(self->m) == 1 && pop_u32(self->m) == 2 &&
			 !push_u32(self->m, 3);

		_exit(ok ? 0 : 1);
	}
	ASSERT_EQ(0, reap(pid));
	EXPECT_EQ(3, pop_u32(self->m));
	EXPECT_EQ(-EAGAIN, pop_u32(self->m));
}

static int send_fd(int sock, int fd)
{
	char c = 'F', cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &c, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
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
	char c, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &c, 1 };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
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
 * A ring made after the fork reaches the child over a unix socket; the
 * child maps it, and the parent's fd and mapping go away first: the ring
 * lives on in the child's mapping alone (its fd closed too).
 */
TEST_F(shm, scm_rights)
{
	struct lfq_shm *m2;
	int sv[2], fd2;
	pid_t pid;
	char c;

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct lfq_shm *cm;
		int fd, ok = 1;

		close(sv[0]);
		fd = recv_fd(sv[1]);
		if (fd < 0)
			_exit(2);
		cm = lfq_shm_map(fd);
		if (!cm)
			_exit(3);
		close(fd);
		ok &= write(sv[1], "m", 1) == 1;	/* mapped */
		ok &= read(sv[1], &c, 1) == 1;		/* parent gone */
		ok &= pop_u32(cm) == 41;
		ok &= pop_u32(cm) == 42;
		ok &= !push_u32(cm, 43) && pop_u32(cm) == 43;
		lfq_shm_unmap(cm);
		_exit(ok ? 0 : 1);
	}
	close(sv[1]);
	fd2 = shm_create(self->dev, 4, 16, 0);
	ASSERT_LE(0, fd2);
	m2 = lfq_shm_map(fd2);
	ASSERT_NE(NULL, m2);
	ASSERT_EQ(0, push_u32(m2, 41));
	ASSERT_EQ(0, push_u32(m2, 42));
	ASSERT_EQ(0, send_fd(sv[0], fd2));
	ASSERT_EQ(1, read(sv[0], &c, 1));
	lfq_shm_unmap(m2);
	close(fd2);
	ASSERT_EQ(1, write(sv[0], "g", 1));
	EXPECT_EQ(0, reap(pid));
	close(sv[0]);
}

/* ---- blocking ---- */

static long shm_info_counter(int fd, bool wakes)
{
	struct lfq_shm_info in = { .size = sizeof(in) };

	if (xioctl(fd, LFQ_IOC_SHM_INFO, &in))
		return -1;
	return wakes ? in.wakes : in.waits;
}

/*
 * A consumer sleeping in LFQ_IOC_SHM_WAIT is woken by a producer in
 * another process, which makes exactly one system call for it; the
 * pushes before and after the sleeper make none.
 */
TEST_F(shm, wait_woken_by_other_process)
{
	pid_t pid;

	ASSERT_EQ(0, push_u32(self->m, 5));
	ASSERT_EQ(5, pop_u32(self->m));
	EXPECT_EQ(0, shm_info_counter(self->fd, true));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int ev = lfq_shm_wait(self->m, LFQ_SHM_IN, 20000000000LL);

		_exit(ev == LFQ_SHM_IN && pop_u32(self->m) == 6 ? 0 : 1);
	}
	wait_sleeping(pid);
	ASSERT_EQ(0, push_u32(self->m, 6));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(1, shm_info_counter(self->fd, true));
	ASSERT_EQ(0, push_u32(self->m, 7));
	EXPECT_EQ(7, pop_u32(self->m));
	EXPECT_EQ(1, shm_info_counter(self->fd, true));
}

/*
 * lfq_shm_wait_spin() returns, without any system call, when another
 * process pushes while it spins: the child spins (no bound it can reach
 * in the test's time) and the parent pushes once the child is running;
 * neither side calls the kernel (waits and wakes stay 0).
 */
TEST_F(shm, wait_spin_sees_push)
{
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int ev = lfq_shm_wait_spin(self->m, LFQ_SHM_IN, UINT_MAX,
					   20000000000LL);

		_exit(ev == LFQ_SHM_IN && pop_u32(self->m) == 11 ? 0 : 1);
	}
	sleep_ms(200);
	ASSERT_EQ(0, push_u32(self->m, 11));
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(0, shm_info_counter(self->fd, false));
	EXPECT_EQ(0, shm_info_counter(self->fd, true));
}

/*
 * lfq_shm_wait_spin() with a short spin, and with none, sleeps in the
 * kernel when nothing moves (one LFQ_IOC_SHM_WAIT each) and is woken by a
 * push in another process (one LFQ_IOC_SHM_WAKE each); on a ring that is
 * ready it returns at once; events 0: EINVAL.
 */
TEST_F(shm, wait_spin_sleeps)
{
	unsigned int polls[] = { 0, 16 }, i;
	pid_t pid;

	for (i = 0; i < 2; i++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			int ev = lfq_shm_wait_spin(self->m, LFQ_SHM_IN,
						   polls[i], 20000000000LL);

			_exit(ev == LFQ_SHM_IN && pop_u32(self->m) == i ?
			      0 : 1);
		}
		wait_sleeping(pid);
		EXPECT_EQ(i + 1, shm_info_counter(self->fd, false));
		ASSERT_EQ(0, push_u32(self->m, i));
		EXPECT_EQ(0, reap(pid));
		EXPECT_EQ(i + 1, shm_info_counter(self->fd, true));
	}
	/* ready: a spin returns without a system call, no spin makes one */
	EXPECT_EQ(LFQ_SHM_OUT, lfq_shm_wait_spin(self->m, LFQ_SHM_OUT, 8, 0));
	EXPECT_EQ(2, shm_info_counter(self->fd, false));
	EXPECT_EQ(LFQ_SHM_OUT, lfq_shm_wait_spin(self->m, LFQ_SHM_OUT, 0, 0));
	EXPECT_EQ(3, shm_info_counter(self->fd, false));
	EXPECT_EQ(-1, lfq_shm_wait_spin(self->m, 0, 8, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(3, shm_info_counter(self->fd, false));
}

/* A kernel consumer (read()) sleeping is woken by a user producer. */
TEST_F(shm, read_woken_by_user_push)
{
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		unsigned char buf[MSG];

		_exit(xread(self->fd, buf, sizeof(buf)) == 4 &&
		      !memcmp(buf, &(uint32_t){ 9 }, 4) ? 0 : 1);
	}
	wait_sleeping(pid);
	ASSERT_EQ(0, push_u32(self->m, 9));
	EXPECT_EQ(0, reap(pid));
}

/* A user producer sleeping on a full ring is woken by a kernel pop. */
TEST_F(shm, full_woken_by_kernel_pop)
{
	unsigned char buf[MSG];
	unsigned int i;
	pid_t pid;

	for (i = 0; i < CAP; i++)
		ASSERT_EQ(0, push_u32(self->m, i));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int ev = lfq_shm_wait(self->m, LFQ_SHM_OUT, 20000000000LL);

		_exit(ev == LFQ_SHM_OUT && !push_u32(self->m, 100) ? 0 : 1);
	}
	wait_sleeping(pid);
	ASSERT_EQ(4, xread(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(0, reap(pid));
	for (i = 1; i < CAP; i++)
		EXPECT_EQ(i, pop_u32(self->m));
	EXPECT_EQ(100, pop_u32(self->m));
}

static void on_sig(int sig)
{
}

/* A signal ends the sleep with EINTR (no SA_RESTART); nothing is taken. */
TEST_F_TIMEOUT(shm, wait_signal, 120)
{
	struct sigaction sa = { .sa_handler = on_sig }, old;
	int i, status = -1;
	pid_t pid;

	/* inherited by the child: no signal can find it without one */
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, &old));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		unsigned char buf[MSG];
		int ok;

		ok = lfq_shm_wait(self->m, LFQ_SHM_IN, -1) == -1 &&
		     errno == EINTR;
		ok &= xread(self->fd, buf, sizeof(buf)) == -EINTR;
		_exit(ok ? 0 : 1);
	}
	/*
	 * Signal the child whenever it sleeps, until it has seen both sleeps
	 * interrupted and exited (60 s at most).
	 */
	for (i = 0; i < 3000; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		if (task_state(pid) == 'S')
			kill(pid, SIGUSR1);
		sleep_ms(20);
	}
	sigaction(SIGUSR1, &old, NULL);
	ASSERT_GT(3000, i);
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	EXPECT_EQ(-EAGAIN, pop_u32(self->m));
}

TEST_F(shm, wait_deadline_nonblock)
{
	struct lfq_shm_wait w = { .size = sizeof(w), .events = LFQ_SHM_IN };
	__u64 t0 = now_ns();

	EXPECT_EQ(-1, lfq_shm_wait(self->m, LFQ_SHM_IN, 50000000));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_LE(50000000, now_ns() - t0);
	EXPECT_EQ(-1, lfq_shm_wait(self->m, LFQ_SHM_IN, 0));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(LFQ_SHM_OUT, lfq_shm_wait(self->m,
					    LFQ_SHM_IN | LFQ_SHM_OUT, -1));
	set_nonblock(self->fd, true);
	EXPECT_EQ(-EAGAIN, xioctl(self->fd, LFQ_IOC_SHM_WAIT, &w));
	ASSERT_EQ(0, push_u32(self->m, 1));
	EXPECT_EQ(LFQ_SHM_IN, xioctl(self->fd, LFQ_IOC_SHM_WAIT, &w));
}

static unsigned int env_uint(const char *name, unsigned int def)
{
	const char *s = getenv(name);

	return s && *s ? strtoul(s, NULL, 0) : def;
}

/*
 * Ping-pong between two processes over two rings, each side blocking in
 * lfq_shm_wait() whenever its ring is empty; a wait that times out (10 s)
 * would be a lost wakeup.  LFQ_SHM_PINGPONG round trips (default 20000).
 */
TEST_F_TIMEOUT(shm, pingpong, 600)
{
	unsigned int n = env_uint("LFQ_SHM_PINGPONG", 20000), i;
	struct lfq_shm *back;
	int fd2, lost = 0;
	pid_t pid;
	long v;

	fd2 = shm_create(self->dev, 4, 16, 0);
	ASSERT_LE(0, fd2);
	back = lfq_shm_map(fd2);
	ASSERT_NE(NULL, back);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		for (i = 0; i < n; i++) {
			while ((v = pop_u32(self->m)) == -EAGAIN)
				if (lfq_shm_wait(self->m, LFQ_SHM_IN,
						 10000000000LL) < 0 &&
				    errno == ETIMEDOUT)
					_exit(3);
			if (v != i || push_u32(back, i))
				_exit(1);
		}
		_exit(0);
	}
	for (i = 0; i < n && !lost; i++) {
		ASSERT_EQ(0, push_u32(self->m, i));
		while ((v = pop_u32(back)) == -EAGAIN)
			if (lfq_shm_wait(back, LFQ_SHM_IN, 10000000000LL) < 0 &&
			    errno == ETIMEDOUT) {
				lost = 1;
				break;
			}
		if (!lost)
			ASSERT_EQ(i, v);
	}
	EXPECT_EQ(0, lost);
	EXPECT_EQ(0, reap(pid));
	TH_LOG("%u round trips, %ld + %ld wake calls, %ld + %ld waits", n,
	       shm_info_counter(self->fd, true), shm_info_counter(fd2, true),
	       shm_info_counter(self->fd, false), shm_info_counter(fd2, false));
	lfq_shm_unmap(back);
	close(fd2);
}

/* ---- poll and epoll ---- */

TEST_F(shm, poll_levels)
{
	struct pollfd p = { .fd = self->fd, .events = POLLIN | POLLOUT };
	unsigned int i;

	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(POLLOUT, p.revents);
	ASSERT_EQ(0, push_u32(self->m, 1));
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(POLLIN | POLLOUT, p.revents);
	for (i = 1; i < CAP; i++)
		ASSERT_EQ(0, push_u32(self->m, i));
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(POLLIN, p.revents);
	p.events = POLLOUT;
	EXPECT_EQ(0, poll(&p, 1, 10));
}

/*
 * poll() sleeping for @events in a child is woken by a user push here: the
 * kernel must have set the consumers' need-wakeup word for it, or the push
 * (which calls the kernel only when that word is set) would not wake it.
 * Returns the child's status (0: woken early with exactly @events).
 */
static int poll_woken_by_push(int fd, struct lfq_shm *m, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		__u64 t0 = now_ns();
		int ok = poll(&p, 1, 20000) == 1 && p.revents == events;

		/* poll() looks once more at its timeout: woken means early */
		_exit(ok && now_ns() - t0 < 10000000000ULL ? 0 : 1);
	}
	wait_sleeping(pid);
	if (push_u32(m, 1))
		return -1;
	return reap(pid);
}

TEST_F(shm, poll_woken)
{
	EXPECT_EQ(0, poll_woken_by_push(self->fd, self->m, POLLIN));
}

/* The same for a poller that asks for POLLRDNORM only. */
TEST_F(shm, poll_rdnorm_woken)
{
	EXPECT_EQ(0, poll_woken_by_push(self->fd, self->m, POLLRDNORM));
}

/*
 * Edge-triggered epoll: after lfq_shm_arm() found nothing, a push by
 * another process is an edge; after draining without arming, a push is
 * not signalled (no system call: nobody asked), after arming it is.
 */
TEST_F(shm, epoll_edge)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET };
	int ep = epoll_create1(0);
	pid_t pid;

	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->fd, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 0));
	EXPECT_EQ(0, lfq_shm_arm(self->m, LFQ_SHM_IN));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		_exit(push_u32(self->m, 1) ? 1 : 0);
	ASSERT_EQ(1, epoll_wait(ep, &ev, 1, 20000));
	EXPECT_EQ(EPOLLIN, ev.events);
	EXPECT_EQ(0, reap(pid));
	EXPECT_EQ(1, pop_u32(self->m));
	EXPECT_EQ(-EAGAIN, pop_u32(self->m));
	/* not armed: the push makes no call, there is no edge */
	ASSERT_EQ(0, push_u32(self->m, 2));
	EXPECT_EQ(0, epoll_wait(ep, &ev, 1, 50));
	EXPECT_EQ(2, pop_u32(self->m));
	EXPECT_EQ(0, lfq_shm_arm(self->m, LFQ_SHM_IN));
	ASSERT_EQ(0, push_u32(self->m, 3));
	ASSERT_EQ(1, epoll_wait(ep, &ev, 1, 1000));
	EXPECT_EQ(EPOLLIN, ev.events);
	close(ep);
}

/* ---- errors ---- */

TEST_F(shm, bad_create)
{
	NEED_KIND(LFQ_KIND_MSQ);
	EXPECT_EQ(-EINVAL, q_create(self->dev, LFQ_KIND_MSQ, 0, 0, 0,
				    LFQ_CREATE_SHM));
	EXPECT_EQ(-EINVAL, shm_create(self->dev, 3, 8, 0));
	EXPECT_EQ(-EINVAL, shm_create(self->dev, 0, 8, 0));
	/* one slot cannot tell "full" from "free for the next lap" */
	EXPECT_EQ(-EINVAL, shm_create(self->dev, 1, 8, 0));
	EXPECT_EQ(-EINVAL, shm_create(self->dev, self->f.max_ring_capacity * 2,
				      8, 0));
	EXPECT_EQ(-EINVAL, shm_create(self->dev, 4, self->f.max_msg + 1, 0));
	/* the ring region must fit max_bytes */
	EXPECT_EQ(-EINVAL, q_create(self->dev, LFQ_KIND_RING, 64, 64, 4096,
				    LFQ_CREATE_SHM));
}

TEST_F(shm, bad_mmap)
{
	struct lfq_shm_info in = { .size = sizeof(in) };
	long pg = getpagesize();
	void *p;
	int fd;

	ASSERT_EQ(0, xioctl(self->fd, LFQ_IOC_SHM_INFO, &in));
	/* wrong offsets */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, pg, PROT_READ, MAP_SHARED, self->fd,
				   pg));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, in.hdr.ring_size, PROT_READ, MAP_SHARED,
				   self->fd, LFQ_SHM_OFF_RING + pg));
	EXPECT_EQ(EINVAL, errno);
	/* wrong sizes */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED,
				   self->fd, LFQ_SHM_OFF_HDR));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, in.hdr.ring_size + pg, PROT_READ,
				   MAP_SHARED, self->fd, LFQ_SHM_OFF_RING));
	EXPECT_EQ(EINVAL, errno);
	/* private */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, in.hdr.ring_size, PROT_READ, MAP_PRIVATE,
				   self->fd, LFQ_SHM_OFF_RING));
	EXPECT_EQ(EINVAL, errno);
	/* the header is never writable */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, pg, PROT_READ | PROT_WRITE,
				   MAP_SHARED, self->fd, LFQ_SHM_OFF_HDR));
	EXPECT_EQ(EACCES, errno);
	p = mmap(NULL, pg, PROT_READ, MAP_SHARED, self->fd, LFQ_SHM_OFF_HDR);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, mprotect(p, pg, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(MAP_FAILED, mremap(p, pg, 2 * pg, MREMAP_MAYMOVE));
	munmap(p, pg);

	/* a queue made without LFQ_CREATE_SHM */
	fd = q_create(self->dev, LFQ_KIND_RING, 4, 8, 0, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, pg, PROT_READ, MAP_SHARED, fd,
				   LFQ_SHM_OFF_HDR));
	EXPECT_EQ(ENODEV, errno);
	EXPECT_EQ(-ENOTTY, xioctl(fd, LFQ_IOC_SHM_INFO, &in));
	EXPECT_EQ(NULL, lfq_shm_map(fd));
	EXPECT_EQ(ENOTTY, errno);
	close(fd);
}

TEST_F(shm, bad_ioctls)
{
	struct lfq_shm_wait w = { .size = sizeof(w), .events = LFQ_SHM_IN };
	struct lfq_batch b = { .size = sizeof(b) };

	EXPECT_EQ(-EOPNOTSUPP, xioctl(self->fd, LFQ_IOC_PUSH_BATCH, &b));
	EXPECT_EQ(-EOPNOTSUPP, xioctl(self->fd, LFQ_IOC_POP_BATCH, &b));
	w.events = 0;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, LFQ_IOC_SHM_WAIT, &w));
	w.events = 4;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, LFQ_IOC_SHM_WAKE, &w));
	w.events = LFQ_SHM_IN;
	w.flags = LFQ_SHM_WAIT_DEADLINE;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, LFQ_IOC_SHM_WAKE, &w));
	w.flags = 0;
	w.deadline_ns = 1;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, LFQ_IOC_SHM_WAIT, &w));
	w.deadline_ns = 0;
	w.reserved = 1;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, LFQ_IOC_SHM_WAIT, &w));
	w.reserved = 0;
	w.size = 8;
	EXPECT_EQ(-EINVAL, xioctl(self->fd, LFQ_IOC_SHM_WAIT, &w));
}

/* The raw ring region, for the tests that corrupt it. */
struct raw {
	struct lfq_shm_info in;
	unsigned char *p;
};

static int raw_map(int fd, struct raw *r)
{
	memset(r, 0, sizeof(*r));
	r->in.size = sizeof(r->in);
	if (xioctl(fd, LFQ_IOC_SHM_INFO, &r->in))
		return -1;
	r->p = mmap(NULL, r->in.hdr.ring_size, PROT_READ | PROT_WRITE,
		    MAP_SHARED, fd, LFQ_SHM_OFF_RING);
	return r->p == MAP_FAILED ? -1 : 0;
}

static struct lfq_shm_slot *raw_slot(struct raw *r, uint32_t i)
{
	return (struct lfq_shm_slot *)(r->p + r->in.hdr.slots_off +
				       (size_t)(i % r->in.hdr.capacity) *
				       r->in.hdr.slot_stride);
}

/*
 * A slot whose length is out of range: the kernel's pop marks the ring
 * broken, every kernel operation then fails with EUCLEAN, poll reports
 * EPOLLERR, liblfq sees the header's word; another ring is unaffected.
 */
TEST_F(shm, corrupt_len_breaks)
{
	struct lfq_shm_wait w = { .size = sizeof(w), .events = LFQ_SHM_IN };
	struct pollfd p = { .fd = self->fd, .events = POLLIN };
	unsigned char buf[MSG];
	struct lfq_shm *m2;
	struct raw r;
	int fd2;

	ASSERT_EQ(0, raw_map(self->fd, &r));
	ASSERT_EQ(0, push_u32(self->m, 1));
	ASSERT_EQ(0, push_u32(self->m, 2));
	raw_slot(&r, 0)->len = MSG + 1;
	EXPECT_EQ(-EUCLEAN, xread(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(LFQ_SHM_BROKEN_LEN, lfq_shm_broken(self->m));
	EXPECT_EQ(-EUCLEAN, xread(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(-EUCLEAN, xwrite(self->fd, buf, 4));
	EXPECT_EQ(-EUCLEAN, xioctl(self->fd, LFQ_IOC_SHM_WAIT, &w));
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & POLLERR);
	EXPECT_EQ(-EUCLEAN, pop_u32(self->m));
	EXPECT_EQ(-EUCLEAN, push_u32(self->m, 3));
	memset(&r.in, 0, sizeof(r.in));
	r.in.size = sizeof(r.in);
	ASSERT_EQ(0, xioctl(self->fd, LFQ_IOC_SHM_INFO, &r.in));
	EXPECT_EQ(LFQ_SHM_BROKEN_LEN, r.in.hdr.broken);

	fd2 = shm_create(self->dev, CAP, MSG, 0);
	ASSERT_LE(0, fd2);
	m2 = lfq_shm_map(fd2);
	ASSERT_NE(NULL, m2);
	ASSERT_EQ(4, xwrite(fd2, buf, 4));
	EXPECT_EQ(4, lfq_shm_pop(m2, buf, sizeof(buf)));
	lfq_shm_unmap(m2);
	close(fd2);
	munmap(r.p, r.in.hdr.ring_size);
}

/* A zero length is corrupt too; liblfq reports it (EBADMSG). */
TEST_F(shm, corrupt_len_zero)
{
	unsigned char buf[MSG];
	struct raw r;

	ASSERT_EQ(0, raw_map(self->fd, &r));
	ASSERT_EQ(0, push_u32(self->m, 1));
	ASSERT_EQ(0, push_u32(self->m, 2));
	ASSERT_EQ(0, push_u32(self->m, 3));
	raw_slot(&r, 0)->len = 0;
	raw_slot(&r, 1)->len = 0xffffffff;
	EXPECT_EQ(-EBADMSG, pop_u32(self->m));
	EXPECT_EQ(0, lfq_shm_broken(self->m));
	EXPECT_EQ(-EUCLEAN, xread(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(LFQ_SHM_BROKEN_LEN, lfq_shm_broken(self->m));
	munmap(r.p, r.in.hdr.ring_size);
}

/*
 * A full ring whose indices were rewritten: kernel pushes and pops stay
 * bounded (EAGAIN, no hang) and never reach outside the mapping.
 */
TEST_F(shm, corrupt_indices_bounded)
{
	unsigned char buf[MSG];
	unsigned int i;
	struct raw r;

	ASSERT_EQ(0, raw_map(self->fd, &r));
	set_nonblock(self->fd, true);
	*(uint32_t *)(r.p + r.in.hdr.prod_off) = 0x7ffffff3;
	*(uint32_t *)(r.p + r.in.hdr.cons_off) = 0xfffffff0;
	for (i = 0; i < CAP; i++)
		raw_slot(&r, i)->seq = 0x12345678 + i * 977;
	EXPECT_EQ(-EAGAIN, xwrite(self->fd, buf, 4));
	EXPECT_EQ(-EAGAIN, xread(self->fd, buf, sizeof(buf)));
	EXPECT_EQ(-EAGAIN, push_u32(self->m, 1));
	EXPECT_EQ(-EAGAIN, pop_u32(self->m));
	munmap(r.p, r.in.hdr.ring_size);
}

/* ---- hostile page ---- */

static uint64_t rnd_state = 88172645463325252ULL;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

enum { H_KPUSH, H_KPOP, H_UPUSH, H_UPOP, H_SCRIBBLE, H_NR };

/*
 * Kernel producers and consumers (write()/read() on an O_NONBLOCK fd, so
 * every call returns), user producers and consumers (liblfq) and one
 * process that writes random values into random words of the ring region
 * (indices, need-wakeup words, seqs, lengths, payloads) run for
 * LFQ_SHM_HOSTILE_S seconds (default 3).  Each must exit by itself (no
 * hang), the ring must be broken or still take a message end to end,
 * and another ring must work throughout.  The runner fails the run on a
 * kernel report in the log.
 */
TEST_F_TIMEOUT(shm, hostile_page, 3600)
{
	unsigned int secs = env_uint("LFQ_SHM_HOSTILE_S", 3), i;
	__u64 end = now_ns() + secs * 1000000000ULL;
	unsigned char buf[MSG];
	struct lfq_shm *m2;
	pid_t pids[H_NR];
	int fd2, ok;
	struct raw r;
	long n;

	ASSERT_EQ(0, raw_map(self->fd, &r));
	fd2 = shm_create(self->dev, CAP, MSG, 0);
	ASSERT_LE(0, fd2);
	m2 = lfq_shm_map(fd2);
	ASSERT_NE(NULL, m2);
	set_nonblock(self->fd, true);

	for (i = 0; i < H_NR; i++) {
		pids[i] = fork();
		ASSERT_LE(0, pids[i]);
		if (pids[i])
			continue;
		rnd_state += getpid() * 0x9e3779b97f4a7c15ULL;
		while (now_ns() < end) {
			uint32_t v = rnd(), off;

			switch (i) {
			case H_KPUSH:
				xwrite(self->fd, buf, 1 + v % MSG);
				break;
			case H_KPOP:
				xread(self->fd, buf, sizeof(buf));
				break;
			case H_UPUSH:
				lfq_shm_push(self->m, buf, 1 + v % MSG);
				break;
			case H_UPOP:
				lfq_shm_pop(self->m, buf, sizeof(buf));
				break;
			case H_SCRIBBLE:
				off = (rnd() % (r.in.hdr.ring_size / 4)) * 4;
				/* mostly small values: near-legal states */
				if (v & 1)
					v = (v >> 1) % (4 * CAP);
				*(volatile uint32_t *)(r.p + off) = v;
				break;
			}
		}
		_exit(0);
	}
	/* the other ring, meanwhile */
	ok = 1;
	while (now_ns() < end) {
		ok &= !push_u32(m2, 7);
		ok &= xread(fd2, buf, sizeof(buf)) == 4;
	}
	EXPECT_TRUE(ok);
	for (i = 0; i < H_NR; i++)
		EXPECT_EQ(0, reap(pids[i])) TH_LOG("child %u", i);

	/*
	 * Broken, or a working ring once the indices and seqs are made
	 * consistent again (what a program recovering it would do).
	 */
	if (!lfq_shm_broken(self->m)) {
		uint32_t p = *(uint32_t *)(r.p + r.in.hdr.prod_off);

		*(uint32_t *)(r.p + r.in.hdr.cons_off) = p;
		for (i = 0; i < CAP; i++)
			raw_slot(&r, p + i)->seq = p + i;
		ASSERT_EQ(4, xwrite(self->fd, buf, 4));
		n = pop_u32(self->m);
		EXPECT_LE(0, n);
		TH_LOG("ring still working after %u s", secs);
	} else {
		TH_LOG("ring broken (%u) after %u s", lfq_shm_broken(self->m),
		       secs);
		EXPECT_EQ(-EUCLEAN, xread(self->fd, buf, sizeof(buf)));
	}
	lfq_shm_unmap(m2);
	close(fd2);
	munmap(r.p, r.in.hdr.ring_size);
}

/* ---- 32-bit and 64-bit processes on one ring ---- */

#ifdef __LP64__
#define PEER_NAME	"lfq_shm_test32"
#else
#define PEER_NAME	"lfq_shm_test"
#endif

#define MIXED_N		2000	/* at most the answers' ring's 2048 */

/* A message that depends on the word size of neither side. */
static void mixed_msg(uint64_t i, uint64_t out[2])
{
	out[0] = i * 0x9e3779b97f4a7c15ULL;
	out[1] = ~i;
}

/* Push, sleeping in lfq_shm_wait() while full; 0 or an errno. */
static int push_wait(struct lfq_shm *m, const void *buf, size_t len)
{
	while (lfq_shm_push(m, buf, len)) {
		if (errno != EAGAIN)
			return errno;
		if (lfq_shm_wait(m, LFQ_SHM_OUT, 10000000000LL) < 0 &&
		    errno == ETIMEDOUT)
			return ETIMEDOUT;
	}
	return 0;
}

/* Pop, sleeping while empty; the length or -errno (-ETIMEDOUT: lost). */
static ssize_t pop_wait(struct lfq_shm *m, void *buf, size_t size)
{
	ssize_t n;

	while ((n = lfq_shm_pop(m, buf, size)) < 0) {
		if (errno != EAGAIN)
			return -errno;
		if (lfq_shm_wait(m, LFQ_SHM_IN, 10000000000LL) < 0 &&
		    errno == ETIMEDOUT)
			return -ETIMEDOUT;
	}
	return n;
}

/*
 * The peer (the other word size, run by exec): maps the rings on @fda and
 * @fdb, pops MIXED_N messages from the first (sleeping when it is empty),
 * checks each and pushes it back on the second with one bit flipped.
 * Exit 0 when all were right.
 */
static int mixed_peer(int fda, int fdb)
{
	struct lfq_shm *a = lfq_shm_map(fda), *b = lfq_shm_map(fdb);
	uint64_t want[2], got[MSG / 8];
	uint64_t i;
	ssize_t n;

	if (!a || !b)
		return 2;
	for (i = 0; i < MIXED_N; i++) {
		n = pop_wait(a, got, sizeof(got));
		mixed_msg(i, want);
		if (n != sizeof(want) || memcmp(got, want, sizeof(want)))
			return 3;
		got[1] ^= 1;
		if (push_wait(b, got, sizeof(want)))
			return 4;
	}
	lfq_shm_unmap(a);
	lfq_shm_unmap(b);
	return 0;
}

/*
 * This process pushes on one ring and takes the answers from another; the
 * peer of the other word size (next to this binary) pops, checks and
 * answers.  The first ring is small, so that both sides sleep on it and
 * wake each other; the answers' ring holds them all (the peer never waits
 * for room there while this process waits for room on the first: no
 * cycle).  Skips where the peer was not built.
 */
TEST_F_TIMEOUT(shm, mixed_bits, 600)
{
	char exe[PATH_MAX], peer[PATH_MAX + 32], fda[16], fdb[16];
	uint64_t msg[2], got[MSG / 8];
	uint64_t i, j = 0;
	int fd2, ex[2], err;
	struct lfq_shm *b;
	ssize_t len;
	pid_t pid;

	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_LT(0, len);
	exe[len] = 0;
	snprintf(peer, sizeof(peer), "%s/%s", dirname(exe), PEER_NAME);
	if (access(peer, X_OK))
		SKIP(return, "%s not built (no -m32 support?)", PEER_NAME);
	fd2 = shm_create(self->dev, 2048, MSG, 0);
	ASSERT_LE(0, fd2);
	b = lfq_shm_map(fd2);
	ASSERT_NE(NULL, b);
	snprintf(fda, sizeof(fda), "%d", self->fd);
	snprintf(fdb, sizeof(fdb), "%d", fd2);
	/* the exec's errno comes back on @ex; EOF: the peer runs */
	ASSERT_EQ(0, pipe2(ex, O_CLOEXEC));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		execl(peer, peer, "--peer", fda, fdb, (char *)NULL);
		err = errno;
		_exit(write(ex[1], &err, sizeof(err)) == sizeof(err) ? 127 : 126);
	}
	close(ex[1]);
	if (read(ex[0], &err, sizeof(err)) == sizeof(err)) {
		reap(pid);
		SKIP(return, "%s cannot run here: %s", PEER_NAME,
		     strerror(err));
	}
	close(ex[0]);
	for (i = 0; i < MIXED_N; i++) {
		mixed_msg(i, msg);
		ASSERT_EQ(0, push_wait(self->m, msg, sizeof(msg)));
		/* the answers so far, without waiting but at the end */
		while (j <= i) {
			len = i + 1 < MIXED_N ? lfq_shm_pop(b, got, sizeof(got)) :
				pop_wait(b, got, sizeof(got));
			if (len < 0)
				break;
			ASSERT_EQ(sizeof(msg), len);
			mixed_msg(j, msg);
			msg[1] ^= 1;
			ASSERT_EQ(0, memcmp(got, msg, sizeof(msg)))
				TH_LOG("answer %llu", (unsigned long long)j);
			j++;
		}
	}
	EXPECT_EQ(MIXED_N, j);
	EXPECT_EQ(0, reap(pid));
	lfq_shm_unmap(b);
	close(fd2);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--peer"))
		return mixed_peer(atoi(argv[2]), atoi(argv[3]));
	return test_harness_run(argc, argv);
}

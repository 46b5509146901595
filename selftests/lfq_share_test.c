// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest for /dev/lfq (uapi/linux/lfq.h): one queue shared by fork(), dup() and SCM_RIGHTS
 *
 * One queue of each kind (lfq_queue.h), used by two processes or through
 * two fds: both see one queue, and the queue lives as long as any fd,
 * including one in flight in a unix socket.
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
#include <sys/socket.h>
#include <sys/uio.h>

#include "kselftest_harness.h"
#include "lfq_common.h"
#include "lfq_queue.h"

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

/* One byte of data and room for one SCM_RIGHTS descriptor. */
struct fd_msg {
	char c;
	struct iovec iov;
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg;
};

static void fd_msg_init(struct fd_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->c = 'F';
	m->iov.iov_base = &m->c;
	m->iov.iov_len = 1;
	m->msg.msg_iov = &m->iov;
	m->msg.msg_iovlen = 1;
	m->msg.msg_control = m->u.buf;
	m->msg.msg_controllen = sizeof(m->u.buf);
}

static int send_fd(int sock, int fd)
{
	struct fd_msg m;
	struct cmsghdr *cm;

	fd_msg_init(&m);
	cm = CMSG_FIRSTHDR(&m.msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &m.msg, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	struct fd_msg m;
	struct cmsghdr *cm;
	int fd;

	fd_msg_init(&m);
	if (recvmsg(sock, &m.msg, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&m.msg);
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

TEST_HARNESS_MAIN

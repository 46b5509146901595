// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest for /dev/lfq (uapi/linux/lfq.h): poll() and epoll
 *
 * One queue of each kind (lfq_queue.h): the readiness a queue reports in
 * each state, level- and edge-triggered epoll (one edge per push or pop),
 * and sleepers in poll() and epoll_wait() woken by another process.
 *
 * Every case skips when /dev/lfq does not exist (module not loaded), and a
 * kind's cases skip when the running module does not offer that kind
 * (features.kinds), as a flag's cases do without the flag.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>

#include "kselftest_harness.h"
#include "lfq_common.h"
#include "lfq_queue.h"

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

/* An epoll instance watching @fd for @events; -1 on error. */
static int ep_watch(int fd, __u32 events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep >= 0 && epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev)) {
		close(ep);
		return -1;
	}
	return ep;
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

	ep = ep_watch(self->qfd, ev.events);
	ASSERT_LE(0, ep);
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

	ep = ep_watch(self->qfd, ev.events);
	ASSERT_LE(0, ep);
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
	__u32 e = 0;
	pid_t pid;
	int ep;

	ep = ep_watch(self->qfd, EPOLLIN | EPOLLET);
	ASSERT_LE(0, ep);
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

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0
/*
 * shmbench - per-message cost of a shared-memory ring (LFQ_CREATE_SHM,
 * through liblfq) against a pipe and a /dev/lfq RING's write()/read()
 *
 * For each transport, 8-byte messages (-s to change), two shapes:
 *
 *   1t  one thread pushes one message and pops it again, N times
 *   2p  a producer process pushes N messages, a consumer process pops
 *       them; each sleeps when the ring (pipe) is full (empty): the shm
 *       ring in lfq_shm_wait(), the others in write()/read()
 *
 * and prints one line per run:
 *
 *   shmbench: transport=shm shape=2p msgs=N ns_per_msg=X syscalls_per_msg=Y
 *
 * ns_per_msg is the wall time from the start to the last message popped,
 * divided by N.  syscalls_per_msg (shm only) is the number of system calls
 * liblfq's push/pop/wait made, counted by the kernel (LFQ_IOC_SHM_WAKE and
 * LFQ_IOC_SHM_WAIT calls on the queue, lfq_shm_info.wakes + waits), over
 * N; the pipe and write()/read() make 2 per message by construction.  Every
 * message is checked (a sequence number, in order).  Exits 1 on a wrong
 * message or an error.
 *
 * usage: shmbench [-n MSGS] [-s BYTES] [-c CAPACITY]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "liblfq.h"

static unsigned long n_msgs = 200000;
static unsigned int msg_size = 8;
static unsigned int capacity = 1024;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* One transport: a way to move one message each way on an fd pair. */
struct xport {
	const char *name;
	int (*push)(void *ctx, const void *buf, size_t len);
	ssize_t (*pop)(void *ctx, void *buf, size_t size);
};

static int fd_push(void *ctx, const void *buf, size_t len)
{
	int *fds = ctx;

	return write(fds[1], buf, len) == (ssize_t)len ? 0 : -1;
}

static ssize_t fd_pop(void *ctx, void *buf, size_t size)
{
	int *fds = ctx;

	return read(fds[0], buf, size);
}

/* A pipe is a byte stream: read exactly one message's bytes. */
static ssize_t pipe_pop(void *ctx, void *buf, size_t size)
{
	int *fds = ctx;
	size_t got = 0;
	ssize_t n;

	if (size < msg_size)
		return -1;
	while (got < msg_size) {
		n = read(fds[0], (char *)buf + got, msg_size - got);
		if (n <= 0)
			return -1;
		got += n;
	}
	return got;
}

static int shm_push(void *ctx, const void *buf, size_t len)
{
	struct lfq_shm *m = ctx;

	while (lfq_shm_push(m, buf, len)) {
		if (errno != EAGAIN ||
		    (lfq_shm_wait(m, LFQ_SHM_OUT, -1) < 0 && errno != EINTR))
			return -1;
	}
	return 0;
}

static ssize_t shm_pop(void *ctx, void *buf, size_t size)
{
	struct lfq_shm *m = ctx;
	ssize_t n;

	while ((n = lfq_shm_pop(m, buf, size)) < 0) {
		if (errno != EAGAIN ||
		    (lfq_shm_wait(m, LFQ_SHM_IN, -1) < 0 && errno != EINTR))
			return -1;
	}
	return n;
}

static const struct xport xports[] = {
	{ "shm", shm_push, shm_pop },
	{ "pipe", fd_push, pipe_pop },
	{ "lfq-rw", fd_push, fd_pop },
};

static int produce(const struct xport *x, void *ctx)
{
	unsigned char buf[4096] = { 0 };
	uint64_t i;

	for (i = 0; i < n_msgs; i++) {
		memcpy(buf, &i, sizeof(i));
		if (x->push(ctx, buf, msg_size))
			return -1;
	}
	return 0;
}

static int consume(const struct xport *x, void *ctx)
{
	unsigned char buf[4096];
	uint64_t i, v;

	for (i = 0; i < n_msgs; i++) {
		if (x->pop(ctx, buf, sizeof(buf)) != (ssize_t)msg_size)
			return -1;
		memcpy(&v, buf, sizeof(v));
		if (v != i)
			return -1;
	}
	return 0;
}

static int one_thread(const struct xport *x, void *ctx)
{
	unsigned char buf[4096] = { 0 };
	uint64_t i, v;

	for (i = 0; i < n_msgs; i++) {
		memcpy(buf, &i, sizeof(i));
		if (x->push(ctx, buf, msg_size) ||
		    x->pop(ctx, buf, sizeof(buf)) != (ssize_t)msg_size)
			return -1;
		memcpy(&v, buf, sizeof(v));
		if (v != i)
			return -1;
	}
	return 0;
}

static int two_procs(const struct xport *x, void *ctx)
{
	int status, ok;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(produce(x, ctx) ? 1 : 0);
	ok = !consume(x, ctx);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		ok = 0;
	return ok ? 0 : -1;
}

static long long shm_calls(int fd)
{
	struct lfq_shm_info in = { .size = sizeof(in) };

	if (ioctl(fd, LFQ_IOC_SHM_INFO, &in) < 0)
		return -1;
	return in.wakes + in.waits;
}

/* Make the transport's fds (and mapping); 0 or -1. */
static int open_xport(const struct xport *x, int fds[2], struct lfq_shm **m)
{
	unsigned int flags = LFQ_CREATE_CLOEXEC;
	struct lfq *q;

	*m = NULL;
	if (!strcmp(x->name, "pipe"))
		return pipe(fds);
	if (!strcmp(x->name, "shm"))
		flags |= LFQ_CREATE_SHM;
	q = lfq_queue_create(LFQ_KIND_RING, capacity, msg_size, flags);
	if (!q)
		return -1;
	fds[0] = fds[1] = dup(lfq_fd(q));
	lfq_close(q);
	if (fds[0] < 0)
		return -1;
	if (flags & LFQ_CREATE_SHM) {
		*m = lfq_shm_map(fds[0]);
		if (!*m)
			return -1;
	}
	return 0;
}

static int run(const struct xport *x, int two)
{
	long long calls0 = 0, calls;
	struct lfq_shm *m;
	uint64_t t0, t;
	int fds[2], ret;
	void *ctx;

	if (open_xport(x, fds, &m)) {
		printf("shmbench: transport=%s: %s\n", x->name, strerror(errno));
		return -1;
	}
	ctx = m ? (void *)m : (void *)fds;
	if (m)
		calls0 = shm_calls(fds[0]);
	t0 = now_ns();
	ret = two ? two_procs(x, ctx) : one_thread(x, ctx);
	t = now_ns() - t0;
	printf("shmbench: transport=%s shape=%s size=%u msgs=%lu ns_per_msg=%.1f",
	       x->name, two ? "2p" : "1t", msg_size, n_msgs,
	       (double)t / n_msgs);
	if (m) {
		calls = shm_calls(fds[0]) - calls0;
		printf(" syscalls_per_msg=%.5f", (double)calls / n_msgs);
		lfq_shm_unmap(m);
	}
	printf("%s\n", ret ? " FAILED" : "");
	close(fds[0]);
	if (fds[1] != fds[0])
		close(fds[1]);
	return ret;
}

int main(int argc, char **argv)
{
	unsigned int i;
	int opt, bad = 0;

	while ((opt = getopt(argc, argv, "n:s:c:")) != -1) {
		switch (opt) {
		case 'n':
			n_msgs = strtoul(optarg, NULL, 0);
			break;
		case 's':
			msg_size = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			capacity = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: shmbench [-n MSGS] [-s BYTES] [-c CAPACITY]\n");
			return 2;
		}
	}
	if (!n_msgs || msg_size < 8 || msg_size > 4096) {
		fprintf(stderr, "shmbench: -n at least 1, -s 8 to 4096\n");
		return 2;
	}
	for (i = 0; i < sizeof(xports) / sizeof(xports[0]); i++) {
		bad |= run(&xports[i], 0) != 0;
		bad |= run(&xports[i], 1) != 0;
	}
	return bad;
}

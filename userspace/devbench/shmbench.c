// SPDX-License-Identifier: GPL-2.0
/*
 * shmbench - per-message cost of a shared-memory ring (LFQ_CREATE_SHM,
 * through liblfq) against a pipe and a /dev/lfq RING's write()/read()
 *
 * For each transport, 8-byte messages (-s to change), the shapes:
 *
 *   1t  one thread pushes one message and pops it again, N times
 *   2p  a producer process pushes N messages, a consumer process pops
 *       them; each sleeps when the ring (pipe) is full (empty): the shm
 *       ring in lfq_shm_wait_spin() (a bounded spin, then a sleep), the
 *       others in write()/read()
 *   2y  (shm and private only) a producer and a consumer as in 2p, but a
 *       side that finds the ring full (empty) calls sched_yield() and
 *       tries again instead of sleeping: for shm two processes, for
 *       private two threads of one process
 *
 * The transports: shm (a LFQ_CREATE_SHM ring through liblfq), private (the
 * same liblfq push/pop code on a private anonymous mapping of the same
 * geometry and layout as the kernel's ring, lfq_shm_attach() of
 * liblfq_internal.h: the ring code without shared pages, the baseline of
 * issue 11's "no worse than 1.25x"), pipe, and lfq-rw (write()/read() on a
 * /dev/lfq RING).  It prints one line per run:
 *
 *   shmbench: transport=shm shape=2p msgs=N ns_per_msg=X syscalls_per_msg=Y
 *
 * and, for 1t and 2y, the ratio of the shared ring to the private one:
 *
 *   shmbench: ratio=shm/private shape=1t size=8 value=R
 *
 * ns_per_msg is the wall time from the start to the last message popped,
 * divided by N.  syscalls_per_msg (shm only) is the number of system calls
 * liblfq's push/pop/wait made, counted by the kernel (LFQ_IOC_SHM_WAKE and
 * LFQ_IOC_SHM_WAIT calls on the queue, lfq_shm_info.wakes + waits), over
 * N (2y's sched_yield() calls are not counted); the pipe and write()/read()
 * make 2 per message by construction.  Every message is checked (a
 * sequence number, in order).  Exits 1 on a wrong message or an error.
 *
 * The shm and private lines of 2p and 2y also say how often the consumer
 * found the ring empty and the producer found it full, per message
 * (empty_per_msg, full_per_msg): who waits.  In 2p a side that finds the
 * ring empty (full) calls lfq_shm_wait_spin() with -S POLLS (default
 * LIBLFQ_SHM_SPIN_POLLS; 0: sleep at once, no spinning), said as spin=.
 *
 * A first line says how long that spin lasts (shmbench: spin polls= ns=).
 *
 * shmbench -P N runs only the blocking ping-pong instead: two processes
 * bounce one message N times through two shared rings (capacity 2), one
 * each way; a side whose ring is empty sleeps in lfq_shm_wait() (no spin)
 * with a deadline of -T ms (default 5000).  A deadline that expires is a
 * lost wakeup: counted, and the side looks again.  It prints
 *
 *   shmbench: pingpong size=8 round_trips=N timeouts=T timeout_ms=5000
 *             ns_per_round_trip=X syscalls_per_round_trip=Y
 *
 * (one line) and exits 1 if T > 0, a message was wrong or an error
 * occurred (issue 11: 1,000,000 round trips, no timeout).  -1 puts both
 * processes on CPU 0 (cpus=one): every round trip is then two sleeps and
 * two context switches on one CPU, much faster in a TCG guest, whose
 * cross-CPU wakeups wait for the host to run the woken vCPU's thread;
 * but a race between a sleeper's arming and a waker on another CPU can
 * only happen without it (cpus=any, the default).
 *
 * The ring's capacity (-c, default 1024) is halved until the shared ring
 * fits the module's max_queue_bytes (said as capacity=).
 *
 * usage: shmbench [-n MSGS] [-s BYTES] [-c CAPACITY] [-S POLLS]
 *        shmbench -P ROUND_TRIPS [-T TIMEOUT_MS] [-s BYTES] [-1]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "liblfq.h"
#include "liblfq_internal.h"

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

/* How a shm or private side waits for the ring: sleep, or sched_yield(). */
static int yield_wait;
/* lfq_shm_wait_spin()'s polls before a sleep (-S) */
static unsigned int spin_polls = LIBLFQ_SHM_SPIN_POLLS;
/*
 * How often each side found the ring empty ([0], the consumer) or full
 * ([1], the producer) and waited: shared by the two processes.
 */
static unsigned long *waited;

/* Wait for @ev on @m after an EAGAIN; 0 to try again, -1 on an error. */
static int shm_wait(struct lfq_shm *m, unsigned int ev)
{
	if (errno != EAGAIN)
		return -1;
	__atomic_fetch_add(&waited[ev == LFQ_SHM_OUT], 1, __ATOMIC_RELAXED);
	if (yield_wait)
		return sched_yield();
	return lfq_shm_wait_spin(m, ev, spin_polls, -1) < 0 &&
	       errno != EINTR ? -1 : 0;
}

static int shm_push(void *ctx, const void *buf, size_t len)
{
	struct lfq_shm *m = ctx;

	while (lfq_shm_push(m, buf, len))
		if (shm_wait(m, LFQ_SHM_OUT))
			return -1;
	return 0;
}

static ssize_t shm_pop(void *ctx, void *buf, size_t size)
{
	struct lfq_shm *m = ctx;
	ssize_t n;

	while ((n = lfq_shm_pop(m, buf, size)) < 0)
		if (shm_wait(m, LFQ_SHM_IN))
			return -1;
	return n;
}

static const struct xport xports[] = {
	{ "shm", shm_push, shm_pop },
	{ "private", shm_push, shm_pop },
	{ "pipe", fd_push, pipe_pop },
	{ "lfq-rw", fd_push, fd_pop },
};

#define NR_XPORTS (sizeof(xports) / sizeof(xports[0]))

enum shape { SHAPE_1T, SHAPE_2P, SHAPE_2Y, NR_SHAPES };
static const char *const shape_names[NR_SHAPES] = { "1t", "2p", "2y" };

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

struct producer_arg {
	const struct xport *x;
	void *ctx;
	int ret;
};

static void *producer_thread(void *p)
{
	struct producer_arg *a = p;

	a->ret = produce(a->x, a->ctx);
	return NULL;
}

/* The 2y shape of the private ring: two threads of this process. */
static int two_threads(const struct xport *x, void *ctx)
{
	struct producer_arg a = { .x = x, .ctx = ctx };
	pthread_t t;
	int ok;

	if (pthread_create(&t, NULL, producer_thread, &a))
		return -1;
	ok = !consume(x, ctx);
	if (pthread_join(t, NULL) || a.ret)
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

/*
 * The private ring: a handle on an anonymous private mapping with the
 * geometry of the shared ring @fd (the same layout, so the same code runs
 * on it); its fd is closed.  NULL on an error.
 */
static struct lfq_shm *private_ring(int fd, struct lfq_shm_hdr *g,
				    void **ring)
{
	struct lfq_shm_info in = { .size = sizeof(in) };
	struct lfq_shm *m;

	if (ioctl(fd, LFQ_IOC_SHM_INFO, &in) < 0)
		return NULL;
	close(fd);
	*g = in.hdr;
	*ring = mmap(NULL, g->ring_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*ring == MAP_FAILED)
		return NULL;
	m = lfq_shm_attach(g, *ring);
	if (!m)
		munmap(*ring, g->ring_size);
	return m;
}

/* The transport's fds, mapping and private ring (if any); 0 or -1. */
struct xstate {
	int fds[2];
	struct lfq_shm *m;
	struct lfq_shm_hdr g;
	void *ring;
};

static int open_xport(const struct xport *x, struct xstate *st)
{
	unsigned int flags = LFQ_CREATE_CLOEXEC;
	int priv = !strcmp(x->name, "private");
	struct lfq *q;

	st->m = NULL;
	st->ring = NULL;
	st->fds[0] = st->fds[1] = -1;
	if (!strcmp(x->name, "pipe"))
		return pipe(st->fds);
	if (!strcmp(x->name, "shm") || priv)
		flags |= LFQ_CREATE_SHM;
	q = lfq_queue_create(LFQ_KIND_RING, capacity, msg_size, flags);
	if (!q)
		return -1;
	st->fds[0] = st->fds[1] = dup(lfq_fd(q));
	lfq_close(q);
	if (st->fds[0] < 0)
		return -1;
	if (priv) {
		st->m = private_ring(st->fds[0], &st->g, &st->ring);
		st->fds[0] = st->fds[1] = -1;
	} else if (flags & LFQ_CREATE_SHM) {
		st->m = lfq_shm_map(st->fds[0]);
	}
	return (flags & LFQ_CREATE_SHM) && !st->m ? -1 : 0;
}

static void close_xport(struct xstate *st)
{
	lfq_shm_unmap(st->m);
	if (st->ring)
		munmap(st->ring, st->g.ring_size);
	if (st->fds[0] >= 0)
		close(st->fds[0]);
	if (st->fds[1] >= 0 && st->fds[1] != st->fds[0])
		close(st->fds[1]);
}

/* One run; its ns per message (0 if it failed). */
static double run(const struct xport *x, enum shape shape)
{
	long long calls0 = 0, calls;
	struct xstate st;
	uint64_t t0, t;
	int ret;
	void *ctx;

	if (open_xport(x, &st)) {
		printf("shmbench: transport=%s: %s\n", x->name, strerror(errno));
		close_xport(&st);
		return 0;
	}
	ctx = st.m ? (void *)st.m : (void *)st.fds;
	if (st.m && !st.ring)
		calls0 = shm_calls(st.fds[0]);
	yield_wait = shape == SHAPE_2Y;
	waited[0] = waited[1] = 0;
	t0 = now_ns();
	if (shape == SHAPE_1T)
		ret = one_thread(x, ctx);
	else if (st.ring)
		ret = two_threads(x, ctx);
	else
		ret = two_procs(x, ctx);
	t = now_ns() - t0;
	printf("shmbench: transport=%s shape=%s size=%u capacity=%u msgs=%lu ns_per_msg=%.1f",
	       x->name, shape_names[shape], msg_size, capacity, n_msgs,
	       (double)t / n_msgs);
	if (st.m && !st.ring) {
		calls = shm_calls(st.fds[0]) - calls0;
		printf(" syscalls_per_msg=%.5f", (double)calls / n_msgs);
	}
	if (st.m && shape != SHAPE_1T)
		printf(" empty_per_msg=%.5f full_per_msg=%.5f",
		       (double)waited[0] / n_msgs, (double)waited[1] / n_msgs);
	if (st.m && shape == SHAPE_2P)
		printf(" spin=%u", spin_polls);
	printf("%s\n", ret ? " FAILED" : "");
	close_xport(&st);
	return ret ? 0 : (double)t / n_msgs;
}

/*
 * The ping-pong (-P): two processes bounce one message @pp_trips times
 * through two shared rings, one each way; a side whose ring is empty
 * sleeps in lfq_shm_wait() (no spin), every sleep with a deadline of
 * @pp_timeout_ms.  A sleep that times out is a lost wakeup (the other side
 * pushed and should have woken it): counted in @pp_timeouts (shared), and
 * the side looks again.
 */
static unsigned long pp_trips;
static unsigned long pp_timeout_ms = 5000;
static unsigned long *pp_timeouts;
static int pp_one_cpu;	/* -1: both processes on CPU 0 */

static int pp_pop(struct lfq_shm *m, uint64_t want)
{
	unsigned char buf[4096];
	uint64_t v;
	ssize_t n;

	while ((n = lfq_shm_pop(m, buf, sizeof(buf))) < 0) {
		if (errno != EAGAIN)
			return -1;
		if (lfq_shm_wait(m, LFQ_SHM_IN,
				 pp_timeout_ms * 1000000LL) >= 0)
			continue;
		if (errno == ETIMEDOUT)
			__atomic_fetch_add(pp_timeouts, 1, __ATOMIC_RELAXED);
		else if (errno != EINTR)
			return -1;
	}
	memcpy(&v, buf, sizeof(v));
	return n == (ssize_t)msg_size && v == want ? 0 : -1;
}

/* Push @v; the ring holds at most one message, so it is never full. */
static int pp_push(struct lfq_shm *m, uint64_t v)
{
	unsigned char buf[4096] = { 0 };

	memcpy(buf, &v, sizeof(v));
	return lfq_shm_push(m, buf, msg_size);
}

static int pingpong(void)
{
	struct xstate a, b;
	long long calls0, calls;
	int status, ok = 1;
	uint64_t i, t0, t;
	pid_t pid;

	if (open_xport(&xports[0], &a)) {
		printf("shmbench: pingpong: %s\n", strerror(errno));
		close_xport(&a);
		return 1;
	}
	if (open_xport(&xports[0], &b)) {
		printf("shmbench: pingpong: %s\n", strerror(errno));
		close_xport(&a);
		close_xport(&b);
		return 1;
	}
	if (pp_one_cpu) {
		cpu_set_t one;

		CPU_ZERO(&one);
		CPU_SET(0, &one);
		if (sched_setaffinity(0, sizeof(one), &one)) {
			printf("shmbench: pingpong: %s\n", strerror(errno));
			return 1;
		}
	}
	pp_timeouts = waited;
	*pp_timeouts = 0;
	calls0 = shm_calls(a.fds[0]) + shm_calls(b.fds[0]);
	t0 = now_ns();
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		for (i = 0; i < pp_trips; i++)
			if (pp_pop(a.m, i) || pp_push(b.m, i))
				_exit(1);
		_exit(0);
	}
	for (i = 0; i < pp_trips && ok; i++)
		ok = !pp_push(a.m, i) && !pp_pop(b.m, i);
	if (!ok)
		kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		ok = 0;
	t = now_ns() - t0;
	calls = shm_calls(a.fds[0]) + shm_calls(b.fds[0]) - calls0;
	printf("shmbench: pingpong size=%u cpus=%s round_trips=%lu timeouts=%lu timeout_ms=%lu ns_per_round_trip=%.1f syscalls_per_round_trip=%.3f%s\n",
	       msg_size, pp_one_cpu ? "one" : "any", (unsigned long)i,
	       *pp_timeouts, pp_timeout_ms,
	       (double)t / (i ? i : 1), (double)calls / (i ? i : 1),
	       ok ? "" : " FAILED");
	close_xport(&a);
	close_xport(&b);
	return !ok || *pp_timeouts;
}

/*
 * How long lfq_shm_wait_spin()'s spin of -S polls lasts here: on an empty
 * private ring (no fd, so the sleep after the spin fails at once with
 * EBADF and costs no more than a failed system call), 100 times.
 */
static void spin_time(void)
{
	struct xstate st;
	uint64_t t0, t;
	int i;

	if (open_xport(&xports[1], &st)) {
		close_xport(&st);
		return;
	}
	t0 = now_ns();
	for (i = 0; i < 100; i++)
		lfq_shm_wait_spin(st.m, LFQ_SHM_IN, spin_polls, 0);
	t = now_ns() - t0;
	printf("shmbench: spin polls=%u ns=%.0f\n", spin_polls, t / 100.0);
	close_xport(&st);
}

/*
 * Halve the capacity until the shared ring (header words, slots of
 * 8 + msg_size bytes rounded up to 8) fits in the module's per-queue byte
 * budget: 1024 slots of 1 KiB do not fit the default 1 MiB.
 */
static void fit_capacity(void)
{
	struct lfq_features f = { .size = sizeof(f) };
	uint64_t stride = (8 + msg_size + 7) & ~7ULL;

	if (lfq_dev_features(&f) || !f.max_queue_bytes)
		return;
	while (capacity > 2 &&
	       4096 + (uint64_t)capacity * stride > f.max_queue_bytes)
		capacity /= 2;
}

int main(int argc, char **argv)
{
	double ns[NR_XPORTS][NR_SHAPES] = { { 0 } };
	unsigned int i, sh;
	int opt, bad = 0;

	while ((opt = getopt(argc, argv, "n:s:c:S:P:T:1")) != -1) {
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
		case 'S':
			spin_polls = strtoul(optarg, NULL, 0);
			break;
		case 'P':
			pp_trips = strtoul(optarg, NULL, 0);
			break;
		case 'T':
			pp_timeout_ms = strtoul(optarg, NULL, 0);
			break;
		case '1':
			pp_one_cpu = 1;
			break;
		default:
			fprintf(stderr, "usage: shmbench [-n MSGS] [-s BYTES] [-c CAPACITY] [-S POLLS]\n"
				"       shmbench -P ROUND_TRIPS [-T TIMEOUT_MS] [-s BYTES] [-1]\n");
			return 2;
		}
	}
	if (!n_msgs || msg_size < 8 || msg_size > 4096) {
		fprintf(stderr, "shmbench: -n at least 1, -s 8 to 4096\n");
		return 2;
	}
	spin_time();
	/* shape by shape, so that shm and private run seconds apart */
	waited = mmap(NULL, 2 * sizeof(*waited), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (waited == MAP_FAILED)
		return 1;
	if (pp_trips) {
		capacity = 2;
		return pingpong();
	}
	fit_capacity();
	for (sh = 0; sh < NR_SHAPES; sh++) {
		for (i = 0; i < NR_XPORTS; i++) {
			if (xports[i].push != shm_push && sh == SHAPE_2Y)
				continue;
			if (!strcmp(xports[i].name, "private") &&
			    sh == SHAPE_2P)
				continue;
			ns[i][sh] = run(&xports[i], sh);
			bad |= !ns[i][sh];
		}
	}
	/* xports[0] is the shared ring, xports[1] the private one */
	for (sh = 0; sh < NR_SHAPES; sh++)
		if (ns[0][sh] && ns[1][sh])
			printf("shmbench: ratio=shm/private shape=%s size=%u value=%.3f\n",
			       shape_names[sh], msg_size, ns[0][sh] / ns[1][sh]);
	return bad;
}

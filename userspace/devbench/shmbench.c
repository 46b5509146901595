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
 * A first line says how long that spin lasts (shmbench: spin polls= ns=,
 * the spin alone; call_ns=: the rest of a call that then fails to sleep,
 * subtracted).
 *
 * shmbench -P N runs only the blocking ping-pong instead: two processes
 * bounce one message N times through two shared rings (capacity 2), one
 * each way; a side whose ring is empty sleeps in lfq_shm_wait() (no spin)
 * with a deadline of -T ms (default 5000).  A deadline that expires while
 * the other process runs is a lost wakeup: counted, and the side looks
 * again; if the other process has exited, the run fails at once.  (In 2p
 * and 2y too a waiting side checks, every second of sleep or every 1024
 * sched_yield() calls, whether the other side has exited or given up.)
 * It prints
 *
 *   shmbench: pingpong size=8 round_trips=N timeouts=T timeout_ms=5000
 *             ns_per_round_trip=X syscalls_per_round_trip=Y
 *
 * (one line; N: the round trips completed) and exits 1 if T > 0, a
 * message was wrong or an error occurred (issue 11: 1,000,000 round
 * trips, no timeout).  -1 puts both processes on CPU 0 (cpus=one):
 * every round trip is then two sleeps and two context switches on one
 * CPU, much faster in a TCG guest, whose
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
/* waited[GAVE_UP]: set by a side of a 2p/2y run that failed */
#define GAVE_UP 2

/*
 * The other process of a two-process run, so that a side waiting for it
 * notices that it exited (on an error) instead of waiting for ever: in the
 * parent the child's pid (@peer_pid), in the child the parent's
 * (@parent_pid, which getppid() no longer returns once the parent exited).
 * 0: none.  @peer_status is the child's wait status once reaped.
 */
static pid_t peer_pid, parent_pid;
static int peer_status, peer_reaped;

/* Whether the other side gave up or exited; said once, on stdout. */
static int peer_gone(void)
{
	if (__atomic_load_n(&waited[GAVE_UP], __ATOMIC_RELAXED))
		return 1;
	if (parent_pid) {
		if (getppid() == parent_pid)
			return 0;
		printf("shmbench: the parent process exited: giving up\n");
		return 1;
	}
	if (!peer_pid || peer_reaped)
		return peer_reaped;
	if (waitpid(peer_pid, &peer_status, WNOHANG) != peer_pid)
		return 0;
	peer_reaped = 1;
	printf("shmbench: the child process exited (%s %d): giving up\n",
	       WIFEXITED(peer_status) ? "status" : "signal",
	       WIFEXITED(peer_status) ? WEXITSTATUS(peer_status) :
	       WTERMSIG(peer_status));
	return 1;
}

/* fork() for a two-process run: as fork(), and sets up peer_gone(). */
static pid_t fork_peer(void)
{
	pid_t me = getpid(), pid;

	fflush(stdout);
	peer_reaped = 0;
	pid = fork();
	if (!pid) {
		parent_pid = me;
		peer_pid = 0;
	} else {
		peer_pid = pid > 0 ? pid : 0;
	}
	return pid;
}

/*
 * End a two-process run in the parent: kill the child first if @kill_it
 * (this side failed: the child may be waiting for it), then reap it.
 * 0 if the child exited with status 0.
 */
static int reap_peer(int kill_it)
{
	int ret = 0;

	if (!peer_reaped) {
		if (kill_it)
			kill(peer_pid, SIGKILL);
		if (waitpid(peer_pid, &peer_status, 0) != peer_pid)
			ret = -1;
	}
	if (!WIFEXITED(peer_status) || WEXITSTATUS(peer_status))
		ret = -1;
	peer_pid = 0;
	peer_reaped = 0;
	return ret;
}

/*
 * How often a waiting side of 2p or 2y checks peer_gone(): after this many
 * sched_yield() calls (2y), or after a sleep of this many ns that nothing
 * ended (2p; the sleep then starts again).
 */
#define PEER_CHECK_YIELDS	1024
#define PEER_CHECK_NS		1000000000LL

/* Wait for @ev on @m after an EAGAIN; 0 to try again, -1 on an error. */
static int shm_wait(struct lfq_shm *m, unsigned int ev)
{
	unsigned long n;

	if (errno != EAGAIN)
		return -1;
	n = __atomic_fetch_add(&waited[ev == LFQ_SHM_OUT], 1,
			       __ATOMIC_RELAXED);
	if (yield_wait) {
		if (n % PEER_CHECK_YIELDS == PEER_CHECK_YIELDS - 1 &&
		    peer_gone())
			return -1;
		return sched_yield();
	}
	if (lfq_shm_wait_spin(m, ev, spin_polls, PEER_CHECK_NS) >= 0 ||
	    errno == EINTR)
		return 0;
	return errno == ETIMEDOUT && !peer_gone() ? 0 : -1;
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
	pid_t pid;
	int ok;

	pid = fork_peer();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (!produce(x, ctx))
			_exit(0);
		__atomic_store_n(&waited[GAVE_UP], 1, __ATOMIC_RELAXED);
		_exit(1);
	}
	/* the pipe: the child's exit is then an end of file for the reader */
	if (x->pop == pipe_pop) {
		close(((int *)ctx)[1]);
		((int *)ctx)[1] = -1;
	}
	ok = !consume(x, ctx);
	if (!ok)
		__atomic_store_n(&waited[GAVE_UP], 1, __ATOMIC_RELAXED);
	if (reap_peer(!ok))
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
	if (a->ret)
		__atomic_store_n(&waited[GAVE_UP], 1, __ATOMIC_RELAXED);
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
	if (!ok)
		__atomic_store_n(&waited[GAVE_UP], 1, __ATOMIC_RELAXED);
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
	waited[0] = waited[1] = waited[GAVE_UP] = 0;
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
 * @pp_timeout_ms.  A sleep that times out while the other side still
 * runs is a lost wakeup (the other side pushed and should have woken it):
 * counted in @pp_timeouts (shared), and the side looks again; if the other
 * side has exited (an error there), the side gives up at once.
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
		if (errno == ETIMEDOUT && peer_gone())
			return -1;
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
	int ok = 1;
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
			close_xport(&a);
			close_xport(&b);
			return 1;
		}
	}
	pp_timeouts = waited;
	*pp_timeouts = 0;
	waited[GAVE_UP] = 0;
	calls0 = shm_calls(a.fds[0]) + shm_calls(b.fds[0]);
	t0 = now_ns();
	pid = fork_peer();
	if (pid < 0) {
		printf("shmbench: pingpong: %s\n", strerror(errno));
		close_xport(&a);
		close_xport(&b);
		return 1;
	}
	if (pid == 0) {
		for (i = 0; i < pp_trips; i++)
			if (pp_pop(a.m, i) || pp_push(b.m, i))
				_exit(1);
		_exit(0);
	}
	/* i: the round trips completed */
	for (i = 0; i < pp_trips; i++) {
		if (pp_push(a.m, i) || pp_pop(b.m, i)) {
			ok = 0;
			break;
		}
	}
	if (reap_peer(!ok))
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

/* ns per lfq_shm_wait_spin() call with @polls on the empty ring @m */
static double spin_call_ns(struct lfq_shm *m, unsigned int polls)
{
	uint64_t t0;
	int i;

	t0 = now_ns();
	for (i = 0; i < 100; i++)
		lfq_shm_wait_spin(m, LFQ_SHM_IN, polls, 0);
	return (now_ns() - t0) / 100.0;
}

/*
 * How long lfq_shm_wait_spin()'s spin of -S polls lasts here, on an empty
 * private ring.  After the spin each call goes on to the sleep, which
 * fails at once (a deadline of 0 ns: one clock_gettime(); the ring has no
 * fd: one ioctl() failing with EBADF); that part is what a call with 0
 * polls costs (said as call_ns=), and ns= is the difference: the spin
 * alone.
 */
static void spin_time(void)
{
	double with, without;
	struct xstate st;

	if (open_xport(&xports[1], &st)) {
		printf("shmbench: spin polls=%u: %s FAILED\n", spin_polls,
		       strerror(errno));
		close_xport(&st);
		return;
	}
	spin_call_ns(st.m, 0);	/* warm up */
	without = spin_call_ns(st.m, 0);
	with = spin_call_ns(st.m, spin_polls);
	printf("shmbench: spin polls=%u ns=%.0f call_ns=%.0f\n", spin_polls,
	       with - without, without);
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
	waited = mmap(NULL, 3 * sizeof(*waited), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (waited == MAP_FAILED)
		return 1;
	/* the capacity first: the spin line's ring must fit too */
	if (pp_trips)
		capacity = 2;
	else
		fit_capacity();
	spin_time();
	if (pp_trips)
		return pingpong();
	/* shape by shape, so that shm and private run seconds apart */
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

// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest for /dev/lfq (uapi/linux/lfq.h): blocking, non-blocking, deadlines and signals
 *
 * One queue of each kind (lfq_queue.h): EAGAIN per file and per call,
 * absolute deadlines (also across a restart), sleepers woken by another
 * process, and signals: EINTR or SA_RESTART with nothing pushed, popped,
 * lost or duplicated by the interrupted call.
 *
 * Every case skips when /dev/lfq does not exist (module not loaded), and a
 * kind's cases skip when the running module does not offer that kind
 * (features.kinds), as a flag's cases do without the flag.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "lfq_common.h"
#include "lfq_queue.h"

/* ---- blocking ---- */

TEST_F(q, nonblock_eagain)
{
	struct mbuf m;
	int fl;

	NEED_IO_FLAGS(LFQ_IO_ALL | LFQ_IO_NONBLOCK);

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

	NEED_IO_FLAGS(LFQ_IO_ALL | LFQ_IO_DEADLINE);

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

	NEED_IO_FLAGS(LFQ_IO_DEADLINE);

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

	NEED_IO_FLAGS(LFQ_IO_ALL);

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

	NEED_IO_FLAGS(LFQ_IO_DEADLINE);

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

TEST_HARNESS_MAIN

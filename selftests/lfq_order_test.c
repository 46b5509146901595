// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest for /dev/lfq: message order when reads fault ("Order" in
 * uapi/linux/lfq.h).
 *
 * The rule: a message whose copy to userspace faults is put back at the
 * head of the queue, so it is the next message any reader takes.
 * Per-producer FIFO order (MSQ, RING, TLQ) holds for every message that was
 * never put back; a put-back message may be delivered after later messages
 * of the same producer that other readers took while it was out.
 *
 *   order   one queue per kind, one reader: a read that faults, then a good
 *           read, gets the message the faulting read took, intact.
 *   mpmc    FIFO kinds: MP_PROD producer processes number their messages,
 *           MP_CONS consumer processes log what they get.  Every message is
 *           delivered exactly once.  In a consumer's own stream a message
 *           older than one it already got from the same producer is "late";
 *           without faulting reads no stream has a late message, with them
 *           each stream has at most as many as there were EFAULTs in all.
 *
 * Forked helpers never use the ASSERT/EXPECT macros; they report through
 * shared memory and their exit status.
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
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "lfq_common.h"

#define OMSG		16	/* max_msg of the queues here */

/* A message: who sent it, its number, and a check of both. */
struct omsg {
	__u32 prod;
	__u32 seq;
	__u32 check;
	__u32 magic;
};

#define OMAGIC		0x6c66716fU
#define STOP_PROD	0xffffU		/* the end-of-stream message */

static __u32 omsg_check(__u32 prod, __u32 seq)
{
	return (prod * 0x9e3779b1U) ^ (seq * 0x85ebca6bU) ^ 0x5bd1e995U;
}

static void omsg_make(struct omsg *m, __u32 prod, __u32 seq)
{
	m->prod = prod;
	m->seq = seq;
	m->check = omsg_check(prod, seq);
	m->magic = OMAGIC;
}

static bool omsg_ok(const struct omsg *m)
{
	return m->magic == OMAGIC && m->check == omsg_check(m->prod, m->seq);
}

/* ==== one reader, every kind ==== */

FIXTURE(order) {
	int dev;
	int qfd;
};

FIXTURE_VARIANT(order) {
	KIND_VARIANT_FIELDS;
};

KIND_VARIANTS(order, 8);

FIXTURE_SETUP(order)
{
	struct lfq_features f;

	self->qfd = setup_queue(_metadata, &self->dev, &f, variant->kind,
				variant->capacity, OMSG, 8,
				LFQ_CREATE_NONBLOCK);
}

FIXTURE_TEARDOWN(order)
{
	if (self->qfd >= 0)
		close(self->qfd);
	if (self->dev >= 0)
		close(self->dev);
}

/* Pop one message with read(); its seq, or -errno, or -1000 if garbled. */
static long pop_seq(int fd)
{
	struct omsg m;
	long n = xread(fd, &m, sizeof(m));

	if (n < 0)
		return n;
	if (n != sizeof(m) || !omsg_ok(&m))
		return -1000;
	return m.seq;
}

static long push_seq(int fd, __u32 seq)
{
	struct omsg m;

	omsg_make(&m, 0, seq);
	return xwrite(fd, &m, sizeof(m));
}

/*
 * A read that faults (at the first byte, or part way), then a good read:
 * the good read returns the message the faulting read took (the oldest
 * for FIFO kinds, the newest for STACK), intact, and nothing is lost.
 */
TEST_F(order, fault_then_read)
{
	void *bad = bad_page();
	char *edge = edge_of_page(8);
	struct lfq_msg_desc d;
	unsigned int i, n = 5;
	long want;

	ASSERT_NE(NULL, bad);
	ASSERT_NE(NULL, edge);
	for (i = 0; i < n; i++)
		ASSERT_EQ(sizeof(struct omsg), push_seq(self->qfd, i));

	for (i = 0; i < n; i++) {
		want = variant->lifo ? n - 1 - i : i;
		/* at the first byte; part way; in a batch of one */
		EXPECT_EQ(-EFAULT, xread(self->qfd, bad, OMSG));
		EXPECT_EQ(-EFAULT, xread(self->qfd, edge, OMSG));
		d = (struct lfq_msg_desc){ (uintptr_t)bad, OMSG, 0 };
		EXPECT_EQ(-EFAULT, batch(self->qfd, LFQ_IOC_POP_BATCH, 0, &d,
					 1, 0));
		EXPECT_EQ(n - i, q_len(self->qfd)) TH_LOG("a fault lost a message");
		EXPECT_EQ(want, pop_seq(self->qfd))
			TH_LOG("the read after the faults must get the message they took");
	}
	EXPECT_EQ(-EAGAIN, pop_seq(self->qfd));
}

/* ==== producers and consumers, FIFO kinds ==== */

#define MP_PROD		3
#define MP_CONS		3
#define MP_PER_PROD	800
#define MP_TOTAL	(MP_PROD * MP_PER_PROD)
#define MP_FAULT_EVERY	5	/* a faulting consumer's every 5th read faults */
#define MP_WAIT_S	90	/* how long the whole exchange may take */

struct mp_log {
	__u32 n;			/* entries in @got */
	__u32 efaults;			/* EFAULTs this consumer saw */
	__u32 errors;			/* anything unexpected */
	__u32 stopped;			/* it got its stop message */
	char why[96];			/* the first unexpected thing */
	struct { __u32 prod, seq; } got[MP_TOTAL + MP_CONS];
};

struct mp_shared {
	struct mp_log cons[MP_CONS];
};

FIXTURE(mpmc) {
	int dev;
	int qfd;
	struct mp_shared *sh;
};

FIXTURE_VARIANT(mpmc) {
	KIND_VARIANT_FIELDS;
};

/* FIFO kinds only: the check is per-producer order */
KIND_VARIANT_MSQ(mpmc);
KIND_VARIANT_RING(mpmc, 64);
KIND_VARIANT_TLQ(mpmc);

FIXTURE_SETUP(mpmc)
{
	struct lfq_features f;

	self->sh = NULL;
	/* a small budget: producers block and wake often */
	self->qfd = setup_queue(_metadata, &self->dev, &f, variant->kind,
				variant->capacity, OMSG, 64, 0);
	if (self->qfd < 0)
		return;
	self->sh = shared_alloc(sizeof(*self->sh));
	ASSERT_NE(NULL, self->sh);
}

FIXTURE_TEARDOWN(mpmc)
{
	if (self->sh)
		munmap(self->sh, sizeof(*self->sh));
	if (self->qfd >= 0)
		close(self->qfd);
	if (self->dev >= 0)
		close(self->dev);
}

/* Producer @p: write() for producer 0, batches of up to 4 for the others. */
static void mp_producer(int fd, __u32 p)
{
	struct omsg m[4];
	struct lfq_msg_desc d[4];
	__u32 seq = 0, i, k;
	long ret;

	while (seq < MP_PER_PROD) {
		if (p == 0) {
			omsg_make(&m[0], p, seq);
			if (xwrite(fd, &m[0], sizeof(m[0])) != sizeof(m[0]))
				_exit(1);
			seq++;
			continue;
		}
		k = MP_PER_PROD - seq < 4 ? MP_PER_PROD - seq : 4;
		for (i = 0; i < k; i++) {
			omsg_make(&m[i], p, seq + i);
			d[i] = (struct lfq_msg_desc){ (uintptr_t)&m[i],
						      sizeof(m[i]), 0 };
		}
		ret = batch(fd, LFQ_IOC_PUSH_BATCH, 0, d, k, 0);
		if (ret <= 0 || ret > k)
			_exit(2);
		seq += ret;
	}
	_exit(0);
}

static void mp_error(struct mp_log *l, const char *fmt, long a, long b)
{
	if (!l->errors++)
		snprintf(l->why, sizeof(l->why), fmt, a, b);
}

/*
 * Consumer @c until its stop message.  With @faults, consumers 0 and 1
 * make every MP_FAULT_EVERY-th read with a buffer that faults (at the first
 * byte or part way); consumer 2 pops with POP_BATCH of one and never faults.
 */
static void mp_consumer(int fd, struct mp_log *l, unsigned int c, bool faults)
{
	void *bad = bad_page();
	char *edge = edge_of_page(8);
	struct lfq_msg_desc d;
	unsigned int reads = 0;
	struct omsg m;
	long n;

	if (!bad || !edge)
		_exit(3);
	for (;;) {
		reads++;
		if (faults && c < 2 && reads % MP_FAULT_EVERY == 0) {
			n = xread(fd, reads & 1 ? bad : edge, OMSG);
			if (n == -EFAULT)
				l->efaults++;
			else
				mp_error(l, "faulting read: %ld (read %ld)", n,
					 reads);
			continue;
		}
		if (c == 2) {
			d = (struct lfq_msg_desc){ (uintptr_t)&m, OMSG, 0 };
			n = batch(fd, LFQ_IOC_POP_BATCH, 0, &d, 1, 0);
			n = n == 1 ? (long)d.len : (n < 0 ? n : -1000);
		} else {
			n = xread(fd, &m, OMSG);
		}
		if (n != sizeof(m) || !omsg_ok(&m)) {
			mp_error(l, "pop: %ld (read %ld)", n, reads);
			if (n < 0 && n != -EINTR)
				_exit(4);
			continue;
		}
		if (m.prod == STOP_PROD) {
			l->stopped = 1;
			_exit(0);
		}
		if (m.prod >= MP_PROD || m.seq >= MP_PER_PROD) {
			mp_error(l, "bad message %ld/%ld", m.prod, m.seq);
			continue;
		}
		if (l->n < MP_TOTAL + MP_CONS) {
			l->got[l->n].prod = m.prod;
			l->got[l->n].seq = m.seq;
			l->n++;
		}
	}
}

/* Wait for @pid until @deadline (ns); its exit status, -1 if killed. */
static int reap_by(pid_t pid, __u64 deadline)
{
	int status;

	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now_ns() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -2;
		}
		sleep_ms(10);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void mp_run(struct __test_metadata *_metadata, int qfd,
		   struct mp_shared *sh, bool faults)
{
	static unsigned char seen[MP_PROD][MP_PER_PROD];
	pid_t prod[MP_PROD], cons[MP_CONS];
	__u64 deadline = now_ns() + MP_WAIT_S * 1000000000ull;
	unsigned int p, c, i, dup = 0, lost = 0, efaults = 0;
	__u32 late[MP_CONS], last[MP_PROD];
	struct omsg stop;
	int rc;

	for (c = 0; c < MP_CONS; c++) {
		cons[c] = fork();
		ASSERT_LE(0, cons[c]);
		if (!cons[c])
			mp_consumer(qfd, &sh->cons[c], c, faults);
	}
	for (p = 0; p < MP_PROD; p++) {
		prod[p] = fork();
		ASSERT_LE(0, prod[p]);
		if (!prod[p])
			mp_producer(qfd, p);
	}
	for (p = 0; p < MP_PROD; p++) {
		rc = reap_by(prod[p], deadline);
		EXPECT_EQ(0, rc) TH_LOG("producer %u: exit %d", p, rc);
	}
	/* One stop message per consumer, behind every real message. */
	for (c = 0; c < MP_CONS; c++) {
		omsg_make(&stop, STOP_PROD, c);
		EXPECT_EQ(sizeof(stop), xwrite(qfd, &stop, sizeof(stop)));
	}
	for (c = 0; c < MP_CONS; c++) {
		rc = reap_by(cons[c], deadline);
		EXPECT_EQ(0, rc) TH_LOG("consumer %u: exit %d (%s)", c, rc,
					rc == -2 ? "hung" : "error");
	}
	EXPECT_EQ(0, q_len(qfd));

	memset(seen, 0, sizeof(seen));
	for (c = 0; c < MP_CONS; c++) {
		struct mp_log *l = &sh->cons[c];

		EXPECT_EQ(0, l->errors) TH_LOG("consumer %u: %u errors, first: %s",
					       c, l->errors, l->why);
		efaults += l->efaults;
		memset(last, 0, sizeof(last));
		late[c] = 0;
		for (i = 0; i < l->n; i++) {
			p = l->got[i].prod;
			if (seen[p][l->got[i].seq] < 255)
				seen[p][l->got[i].seq]++;
			if (l->got[i].seq + 1 < last[p])
				late[c]++;
			else
				last[p] = l->got[i].seq + 1;
		}
	}
	for (p = 0; p < MP_PROD; p++) {
		for (i = 0; i < MP_PER_PROD; i++) {
			if (seen[p][i] == 0 && !lost++)
				TH_LOG("message %u/%u never delivered", p, i);
			if (seen[p][i] > 1 && !dup++)
				TH_LOG("message %u/%u delivered %u times", p, i,
				       seen[p][i]);
		}
	}
	EXPECT_EQ(0, lost) TH_LOG("%u messages lost", lost);
	EXPECT_EQ(0, dup) TH_LOG("%u messages delivered more than once", dup);
	for (c = 0; c < MP_CONS; c++) {
		TH_LOG("consumer %u: %u messages, %u EFAULTs, %u late", c,
		       sh->cons[c].n, sh->cons[c].efaults, late[c]);
		if (faults) {
			EXPECT_GE(efaults, late[c])
				TH_LOG("consumer %u: %u late messages > %u EFAULTs in all",
				       c, late[c], efaults);
		} else {
			EXPECT_EQ(0, late[c])
				TH_LOG("consumer %u: %u late messages without any fault",
				       c, late[c]);
		}
	}
	if (faults) {
		EXPECT_LT(0, efaults)
			TH_LOG("no read faulted: the case tested nothing");
	} else {
		EXPECT_EQ(0, efaults);
	}
}

TEST_F_TIMEOUT(mpmc, no_faults, MP_WAIT_S + 30)
{
	mp_run(_metadata, self->qfd, self->sh, false);
}

TEST_F_TIMEOUT(mpmc, with_faults, MP_WAIT_S + 30)
{
	mp_run(_metadata, self->qfd, self->sh, true);
}

TEST_HARNESS_MAIN

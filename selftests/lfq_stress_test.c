// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest for /dev/lfq (uapi/linux/lfq.h): producer and consumer threads through the device
 *
 * One queue of each kind (lfq_queue.h), two producer threads (write() and
 * push batches) and two consumer threads (pop batches with a deadline):
 * every message delivered exactly once, each producer's order kept by the
 * FIFO kinds, the counters and peaks within the queue's limits.
 *
 * Every case skips when /dev/lfq does not exist (module not loaded), and a
 * kind's cases skip when the running module does not offer that kind
 * (features.kinds), as a flag's cases do without the flag.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lfq_common.h"
#include "lfq_queue.h"

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

	NEED_IO_FLAGS(LFQ_IO_DEADLINE);
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

TEST_HARNESS_MAIN

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "q" fixture of the /dev/lfq kselftests that work on one queue:
 * lfq_abi_test, lfq_io_test, lfq_batch_test, lfq_block_test,
 * lfq_poll_test, lfq_share_test and lfq_stress_test.
 *
 * One queue per variant (msq, stack, ring, tlq), all with the same limits:
 * max_msg 64, max_bytes 8 times the charge of a max_msg message
 * (lfq_info.max_msg_charge) and, for the ring, capacity 8, so that eight
 * messages of max_msg bytes fill any kind.  A variant whose kind the
 * running module does not offer (features.kinds) is skipped.
 *
 * Messages carry a tag: msg_fill() writes it first and a pattern after,
 * msg_tag() checks both.  Forked helper processes never use the ASSERT and
 * EXPECT macros (those belong to the test process); they report through
 * their exit status.
 *
 * Include after kselftest_harness.h and lfq_common.h.
 */
#ifndef LFQ_QUEUE_H
#define LFQ_QUEUE_H

#define MSG_MAX		64		/* max_msg of the fixture's queues */
#define QBYTES		qbytes		/* max_bytes: 8 messages of MSG_MAX */
#define QSLOTS		8		/* ring capacity */

/* The fixture's max_bytes, set up by FIXTURE_SETUP(q). */
static __u64 qbytes;

/* Hide a deliberately bad pointer from the compiler's checks. */
static inline void *launder(void *p)
{
	__asm__ volatile("" : "+r" (p));
	return p;
}

/* Message @tag: 4 to MSG_MAX bytes, tag first, a pattern after. */
static inline unsigned int msg_len(unsigned int tag)
{
	return 4 + (tag * 7) % (MSG_MAX - 3);
}

static inline void msg_fill(char *buf, unsigned int tag, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		buf[i] = (char)(tag * 31 + i * 7 + 1);
	memcpy(buf, &tag, sizeof(tag));
}

/* Returns the tag of a message whose bytes match its length, or -1. */
static inline long msg_tag(const char *buf, long len)
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
static inline long push_tag(int fd, unsigned int tag)
{
	char buf[MSG_MAX];
	unsigned int len = msg_len(tag);

	msg_fill(buf, tag, len);
	return xwrite(fd, buf, len);
}

/* Push a message of exactly MSG_MAX bytes. */
static inline long push_full_tag(int fd, unsigned int tag)
{
	char buf[MSG_MAX];

	msg_fill(buf, tag, MSG_MAX);
	return xwrite(fd, buf, MSG_MAX);
}

/* Pop one message with read(); returns its length or -errno. */
static inline long pop_any(int fd)
{
	char buf[MSG_MAX];

	return xread(fd, buf, sizeof(buf));
}

/* Pop one message with read(); returns its tag, or -errno, or -1000. */
static inline long pop_tag(int fd)
{
	char buf[MSG_MAX];
	long n = xread(fd, buf, sizeof(buf));

	if (n < 0)
		return n;
	n = msg_tag(buf, n);
	return n < 0 ? -1000 : n;
}

/* Memory charged for the messages in the queue now (lfq_stats.mem_bytes). */
static inline __u64 q_mem(int fd)
{
	struct lfq_stats st;

	return get_stats(fd, &st) ? ~0ULL : st.mem_bytes;
}

/* Descriptors and buffers for @n messages tag0, tag0 + 1, ... */
struct mbuf {
	struct lfq_msg_desc d[QSLOTS * 2];
	char buf[QSLOTS * 2][MSG_MAX];
};

static inline void mbuf_push(struct mbuf *m, unsigned int tag0,
			     unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		msg_fill(m->buf[i], tag0 + i, msg_len(tag0 + i));
		m->d[i].addr = (uintptr_t)m->buf[i];
		m->d[i].len = msg_len(tag0 + i);
		m->d[i].flags = 0;
	}
}

/* @n messages of MSG_MAX bytes, tags 0 to @n - 1. */
static inline void mbuf_push_full(struct mbuf *m, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		msg_fill(m->buf[i], i, MSG_MAX);
		m->d[i].addr = (uintptr_t)m->buf[i];
		m->d[i].len = MSG_MAX;
		m->d[i].flags = 0;
	}
}

static inline void mbuf_pop(struct mbuf *m, unsigned int n)
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
static inline long mbuf_tag(struct mbuf *m, unsigned int i)
{
	return msg_tag(m->buf[i], m->d[i].len);
}

/* Position, in pop order, of the @i-th of @n pushed messages. */
static inline unsigned int nth_pop(bool lifo, unsigned int i, unsigned int n)
{
	return lifo ? n - 1 - i : i;
}

/* Fill the queue: QSLOTS messages of MSG_MAX bytes, tags 0..QSLOTS-1. */
static inline int fill_queue(int fd)
{
	unsigned int i;

	for (i = 0; i < QSLOTS; i++)
		if (push_full_tag(fd, i) != MSG_MAX)
			return -1;
	return 0;
}

FIXTURE(q) {
	int dev;
	int qfd;
	struct lfq_features f;
};

FIXTURE_VARIANT(q) {
	KIND_VARIANT_FIELDS;
};

KIND_VARIANTS(q, QSLOTS);

FIXTURE_SETUP(q)
{
	struct lfq_info info;

	self->qfd = setup_queue(_metadata, &self->dev, &self->f,
				variant->kind, variant->capacity, MSG_MAX,
				QSLOTS, 0);
	if (self->qfd < 0)
		return;
	ASSERT_EQ(0, get_info(self->qfd, &info));
	ASSERT_EQ(LFQ_INFO_SIZE_VER1, info.size);
	ASSERT_LE(MSG_MAX, info.max_msg_charge);
	qbytes = info.max_bytes;
	ASSERT_EQ((__u64)QSLOTS * info.max_msg_charge, qbytes);
}

FIXTURE_TEARDOWN(q)
{
	if (self->qfd >= 0)
		close(self->qfd);
	if (self->dev >= 0)
		close(self->dev);
}

#endif /* LFQ_QUEUE_H */

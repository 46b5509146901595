// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * liblfq.c - the library behind liblfq.h
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "liblfq.h"
#include "liblfq_internal.h"

/* The ABI: the same layout for 32-bit and 64-bit programs. */
_Static_assert(sizeof(struct lfq_create) == LFQ_CREATE_SIZE_VER0, "abi");
_Static_assert(sizeof(struct lfq_batch) == LFQ_BATCH_SIZE_VER0, "abi");
_Static_assert(sizeof(struct lfq_stats) == LFQ_STATS_SIZE_VER1, "abi");
_Static_assert(sizeof(struct lfq_info) == LFQ_INFO_SIZE_VER1, "abi");
_Static_assert(sizeof(struct lfq_features) == LFQ_FEATURES_SIZE_VER0, "abi");
_Static_assert(sizeof(struct lfq_msg_desc) == 16, "abi");

/* Descriptors kept on the stack; larger batches allocate. */
#define LIBLFQ_STACK_DESCS	64

struct lfq {
	int fd;
	unsigned int kind;
	unsigned int capacity;
	unsigned int max_msg;
};

static int lfq_open_dev(void)
{
	return open(LIBLFQ_DEVICE, O_RDWR | O_CLOEXEC);
}

struct lfq *lfq_from_fd(int fd)
{
	struct lfq_info info = { .size = sizeof(info) };
	struct lfq *q;

	if (ioctl(fd, LFQ_IOC_INFO, &info) < 0)
		return NULL;
	q = malloc(sizeof(*q));
	if (!q)
		return NULL;
	q->fd = fd;
	q->kind = info.kind;
	q->capacity = info.capacity;
	q->max_msg = info.max_msg;
	return q;
}

struct lfq *lfq_queue_create_attr(const struct lfq_create *attr)
{
	struct lfq_create c = *attr;
	struct lfq *q;
	int dev, fd, err;

	if (!c.size)
		c.size = sizeof(c);
	dev = lfq_open_dev();
	if (dev < 0)
		return NULL;
	fd = ioctl(dev, LFQ_IOC_CREATE, &c);
	err = errno;
	close(dev);
	if (fd < 0) {
		errno = err;
		return NULL;
	}
	q = lfq_from_fd(fd);
	if (!q) {
		err = errno;
		close(fd);
		errno = err;
	}
	return q;
}

struct lfq *lfq_queue_create(unsigned int kind, unsigned int capacity,
			     unsigned int max_msg, unsigned int flags)
{
	struct lfq_create c = {
		.size = sizeof(c),
		.kind = kind,
		.capacity = capacity,
		.max_msg = max_msg,
		.flags = flags,
	};

	return lfq_queue_create_attr(&c);
}

int lfq_fd(const struct lfq *q)
{
	return q->fd;
}

unsigned int lfq_kind(const struct lfq *q)
{
	return q->kind;
}

unsigned int lfq_capacity(const struct lfq *q)
{
	return q->capacity;
}

unsigned int lfq_max_msg(const struct lfq *q)
{
	return q->max_msg;
}

int lfq_close(struct lfq *q)
{
	int ret;

	if (!q)
		return 0;
	ret = close(q->fd);
	free(q);
	return ret;
}

int lfq_push(struct lfq *q, const void *buf, size_t len)
{
	ssize_t ret;

	if (!len) {
		errno = EINVAL;
		return -1;
	}
	ret = write(q->fd, buf, len);
	return ret < 0 ? -1 : 0;
}

ssize_t lfq_pop(struct lfq *q, void *buf, size_t size)
{
	return read(q->fd, buf, size);
}

/* The absolute CLOCK_MONOTONIC time @timeout_ns from now, in ns. */
static int lfq_deadline_ns(long long timeout_ns, __u64 *deadline)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return -1;
	*deadline = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec +
		    (uint64_t)timeout_ns;
	return 0;
}

static int lfq_deadline(long long timeout_ns, struct lfq_batch *b)
{
	if (timeout_ns < 0)
		return 0;
	b->flags |= LFQ_IO_DEADLINE;
	return lfq_deadline_ns(timeout_ns, &b->deadline_ns);
}

static int lfq_move_batch(struct lfq *q, unsigned long cmd,
			  struct iovec *iov, unsigned int n, unsigned int flags,
			  long long timeout_ns, int pop)
{
	struct lfq_msg_desc stack_descs[LIBLFQ_STACK_DESCS];
	struct lfq_msg_desc *d = stack_descs;
	struct lfq_batch b = { .size = sizeof(b), .flags = flags };
	unsigned int i;
	int ret, err;

	if (flags & LFQ_IO_DEADLINE) {
		errno = EINVAL;	/* use @timeout_ns */
		return -1;
	}
	if (lfq_deadline(timeout_ns, &b) < 0)
		return -1;
	if (n > LIBLFQ_STACK_DESCS) {
		d = calloc(n, sizeof(*d));
		if (!d)
			return -1;
	}
	for (i = 0; i < n; i++) {
		size_t len = iov[i].iov_len;

		if (len > UINT32_MAX) {
			if (!pop) {
				errno = EMSGSIZE;
				ret = -1;
				goto out;
			}
			len = UINT32_MAX;	/* as good as any bigger buffer */
		}
		d[i].addr = (uintptr_t)iov[i].iov_base;
		d[i].len = (uint32_t)len;
		d[i].flags = 0;
	}
	b.msgs = (uintptr_t)d;
	b.count = n;
	ret = ioctl(q->fd, cmd, &b);
	if (pop)
		for (i = 0; ret > 0 && i < (unsigned int)ret; i++)
			iov[i].iov_len = d[i].len;
out:
	err = errno;
	if (d != stack_descs)
		free(d);
	errno = err;
	return ret;
}

int lfq_push_many(struct lfq *q, const struct iovec *iov, unsigned int n,
		  unsigned int flags, long long timeout_ns)
{
	return lfq_move_batch(q, LFQ_IOC_PUSH_BATCH, (struct iovec *)iov, n,
			      flags, timeout_ns, 0);
}

int lfq_pop_many(struct lfq *q, struct iovec *iov, unsigned int n,
		 unsigned int flags, long long timeout_ns)
{
	return lfq_move_batch(q, LFQ_IOC_POP_BATCH, iov, n, flags, timeout_ns, 1);
}

int lfq_queue_stats(struct lfq *q, struct lfq_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return ioctl(q->fd, LFQ_IOC_STATS, st) < 0 ? -1 : 0;
}

int lfq_queue_info(struct lfq *q, struct lfq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ioctl(q->fd, LFQ_IOC_INFO, info) < 0 ? -1 : 0;
}

int lfq_dev_features(struct lfq_features *f)
{
	int dev, ret, err;

	dev = lfq_open_dev();
	if (dev < 0)
		return -1;
	memset(f, 0, sizeof(*f));
	f->size = sizeof(*f);
	ret = ioctl(dev, LFQ_IOC_FEATURES, f);
	err = errno;
	close(dev);
	errno = err;
	return ret < 0 ? -1 : 0;
}

/* The one table of kind names, for the library and lfqctl. */
static const char * const lfq_kind_names[] = {
	[LFQ_KIND_MSQ] = "msq",
	[LFQ_KIND_STACK] = "stack",
	[LFQ_KIND_RING] = "ring",
	[LFQ_KIND_TLQ] = "tlq",
};

const char *lfq_kind_name(unsigned int kind)
{
	if (kind < sizeof(lfq_kind_names) / sizeof(lfq_kind_names[0]) &&
	    lfq_kind_names[kind])
		return lfq_kind_names[kind];
	return "unknown";
}

int lfq_kind_from_name(const char *name)
{
	unsigned int k;

	for (k = 1; k < sizeof(lfq_kind_names) / sizeof(lfq_kind_names[0]); k++)
		if (lfq_kind_names[k] && !strcasecmp(name, lfq_kind_names[k]))
			return (int)k;
	errno = EINVAL;
	return -1;
}

/*
 * Shared-memory rings (LFQ_CREATE_SHM).  The protocol is the one
 * <linux/lfq.h> describes and the kernel follows (module/lfq_shm.c): every
 * shared word is a 32-bit C11 atomic; a slot's seq is loaded with acquire
 * and stored with release; a waker fences (seq_cst) between its release
 * store and its load of the other side's need-wakeup word.
 */
_Static_assert(sizeof(struct lfq_shm_hdr) == 56, "abi");
_Static_assert(sizeof(struct lfq_shm_info) == LFQ_SHM_INFO_SIZE_VER0, "abi");
_Static_assert(sizeof(struct lfq_shm_wait) == LFQ_SHM_WAIT_SIZE_VER0, "abi");

/* Most looks at a slot per call: a corrupted ring cannot hold us forever. */
#define LIBLFQ_SHM_RETRIES	4096

struct lfq_shm {
	int fd;
	uint32_t capacity;
	uint32_t max_msg;
	uint32_t stride;
	const struct lfq_shm_hdr *hdr;
	size_t hdr_size;	/* 0: memory the caller owns (lfq_shm_attach()) */
	unsigned char *ring;
	size_t ring_size;
	_Atomic uint32_t *prod;
	_Atomic uint32_t *cons;
	_Atomic uint32_t *prod_wait;
	_Atomic uint32_t *cons_wait;
	unsigned char *slots;
};

static int lfq_shm_word_ok(uint32_t off, size_t ring_size)
{
	/* 64 bits: off + 4 would wrap in 32 for off >= 0xfffffffc */
	return off % 4 == 0 && (uint64_t)off + 4 <= ring_size;
}

/*
 * A handle for the geometry @g, checked as the kernel's answer is (EPROTO
 * if it does not hold together), with nothing mapped yet and no fd.
 */
static struct lfq_shm *lfq_shm_new(const struct lfq_shm_hdr *g)
{
	struct lfq_shm *m;

	if (g->magic != LFQ_SHM_MAGIC || g->version != LFQ_SHM_VERSION ||
	    !g->capacity || g->capacity & (g->capacity - 1) ||
	    g->slot_stride < sizeof(struct lfq_shm_slot) + g->max_msg ||
	    g->slots_off + (uint64_t)g->capacity * g->slot_stride >
	    g->ring_size || !lfq_shm_word_ok(g->prod_off, g->ring_size) ||
	    !lfq_shm_word_ok(g->cons_off, g->ring_size) ||
	    !lfq_shm_word_ok(g->prod_wait_off, g->ring_size) ||
	    !lfq_shm_word_ok(g->cons_wait_off, g->ring_size) ||
	    g->ring_size > SIZE_MAX) {
		errno = EPROTO;
		return NULL;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->fd = -1;
	m->capacity = g->capacity;
	m->max_msg = g->max_msg;
	m->stride = g->slot_stride;
	m->ring_size = g->ring_size;
	return m;
}

/* Point the handle at the ring region @ring laid out as @g says. */
static void lfq_shm_set_ring(struct lfq_shm *m, const struct lfq_shm_hdr *g,
			     void *ring)
{
	m->ring = ring;
	m->prod = (_Atomic uint32_t *)(m->ring + g->prod_off);
	m->cons = (_Atomic uint32_t *)(m->ring + g->cons_off);
	m->prod_wait = (_Atomic uint32_t *)(m->ring + g->prod_wait_off);
	m->cons_wait = (_Atomic uint32_t *)(m->ring + g->cons_wait_off);
	m->slots = m->ring + g->slots_off;
}

struct lfq_shm *lfq_shm_map(int fd)
{
	struct lfq_shm_info in = { .size = sizeof(in) };
	const struct lfq_shm_hdr *g = &in.hdr, *h;
	struct lfq_shm *m;
	void *p;

	if (ioctl(fd, LFQ_IOC_SHM_INFO, &in) < 0)
		return NULL;
	m = lfq_shm_new(g);
	if (!m)
		return NULL;
	/*
	 * A descriptor of its own for the wake and wait calls, so that the
	 * caller may close @fd while the handle lives.
	 */
	m->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (m->fd < 0) {
		free(m);
		return NULL;
	}
	m->hdr_size = in.hdr_size;

	p = mmap(NULL, m->hdr_size, PROT_READ, MAP_SHARED, fd, in.hdr_off);
	if (p == MAP_FAILED)
		goto err;
	m->hdr = h = p;
	/* The page says what the ioctl said (but for @broken, which moves). */
	if (memcmp(h, g, offsetof(struct lfq_shm_hdr, broken)) ||
	    memcmp(&h->ring_size, &g->ring_size,
		   sizeof(*h) - offsetof(struct lfq_shm_hdr, ring_size))) {
		errno = EPROTO;
		goto err;
	}
	p = mmap(NULL, m->ring_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 in.ring_off);
	if (p == MAP_FAILED)
		goto err;
	lfq_shm_set_ring(m, g, p);
	return m;

err:
	lfq_shm_unmap(m);
	return NULL;
}

int lfq_shm_unmap(struct lfq_shm *m)
{
	int err = errno;

	if (!m)
		return 0;
	if (m->ring && m->hdr_size)
		munmap(m->ring, m->ring_size);
	if (m->hdr && m->hdr_size)
		munmap((void *)m->hdr, m->hdr_size);
	if (m->fd >= 0)
		close(m->fd);
	free(m);
	errno = err;
	return 0;
}

int lfq_shm_fd(const struct lfq_shm *m)
{
	return m->fd;
}

unsigned int lfq_shm_capacity(const struct lfq_shm *m)
{
	return m->capacity;
}

unsigned int lfq_shm_max_msg(const struct lfq_shm *m)
{
	return m->max_msg;
}

unsigned int lfq_shm_broken(const struct lfq_shm *m)
{
	return __atomic_load_n(&m->hdr->broken, __ATOMIC_RELAXED);
}

static struct lfq_shm_slot *lfq_shm_slot_at(const struct lfq_shm *m,
					    uint32_t pos)
{
	return (struct lfq_shm_slot *)(m->slots + (size_t)(pos &
				       (m->capacity - 1)) * m->stride);
}

static _Atomic uint32_t *lfq_shm_seq(struct lfq_shm_slot *s)
{
	return (_Atomic uint32_t *)&s->seq;
}

#ifdef LIBLFQ_INTERNAL
/*
 * liblfq_internal.h: a handle on a ring in memory the caller provides, for
 * measuring the ring code without the kernel's pages.  Not API: compiled
 * only with -DLIBLFQ_INTERNAL, so it is in neither liblfq.so nor liblfq.a;
 * the programs that use it build liblfq.c into themselves with that flag.
 */
__attribute__((visibility("hidden")))
struct lfq_shm *lfq_shm_attach(const struct lfq_shm_hdr *hdr, void *ring)
{
	struct lfq_shm *m = lfq_shm_new(hdr);
	uint32_t i;

	if (!m)
		return NULL;
	m->hdr = hdr;
	lfq_shm_set_ring(m, hdr, ring);
	/* The state the kernel gives a new ring (lfq_shm_alloc()). */
	memset(ring, 0, hdr->ring_size);
	for (i = 0; i < m->capacity; i++)
		atomic_store_explicit(lfq_shm_seq(lfq_shm_slot_at(m, i)), i,
				      memory_order_relaxed);
	return m;
}
#endif /* LIBLFQ_INTERNAL */

/*
 * The per-message path (claim, copy, publish, wake check) is inlined into
 * each caller: one call per message instead of four, no spills around the
 * calls.  Natively that saves a few ns per message; the TCG guest, where
 * every return is an indirect jump the emulator must look up, more.
 */
#define LIBLFQ_HOT	inline __attribute__((always_inline))

/* Claim the slot at the consumer (@pop) or producer index, as the kernel. */
static LIBLFQ_HOT struct lfq_shm_slot *lfq_shm_claim(struct lfq_shm *m,
						     int pop, uint32_t *posp)
{
	_Atomic uint32_t *idx = pop ? m->cons : m->prod;
	uint32_t pos = atomic_load_explicit(idx, memory_order_relaxed);
	struct lfq_shm_slot *s;
	int32_t diff;
	int i;

	for (i = 0; i < LIBLFQ_SHM_RETRIES; i++) {
		s = lfq_shm_slot_at(m, pos);
		diff = (int32_t)(atomic_load_explicit(lfq_shm_seq(s),
						      memory_order_acquire) -
				 (pos + pop));
		if (!diff) {
			if (atomic_compare_exchange_weak_explicit(idx, &pos,
					pos + 1, memory_order_relaxed,
					memory_order_relaxed)) {
				*posp = pos;
				return s;
			}
		} else if (diff < 0) {
			return NULL;
		} else {
			pos = atomic_load_explicit(idx, memory_order_relaxed);
		}
	}
	return NULL;
}

/* The system call of lfq_shm_wake(), out of the per-message path. */
static __attribute__((noinline)) void lfq_shm_wake_call(struct lfq_shm *m,
							 unsigned int events)
{
	struct lfq_shm_wait w = { .size = sizeof(w), .events = events };

	ioctl(m->fd, LFQ_IOC_SHM_WAKE, &w);
}

/* Wake the sleepers behind @flag if there are any (one system call). */
static LIBLFQ_HOT void lfq_shm_wake(struct lfq_shm *m, _Atomic uint32_t *flag,
				    unsigned int events)
{
	/* Pairs with the kernel's smp_mb() in lfq_shm_arm(). */
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(flag, memory_order_relaxed) &&
	    atomic_exchange_explicit(flag, 0, memory_order_relaxed))
		lfq_shm_wake_call(m, events);
}

/*
 * Copy a payload.  Messages of 1 to 16 bytes (what a ring like this
 * mostly carries) with at most two loads and two stores of fixed size,
 * which the compiler emits inline; the rest with memcpy().  A static
 * binary calls memcpy() through an IFUNC slot (an indirect jump), which
 * then picks the same overlapping-moves code for such sizes: this skips
 * the call and the dispatch.  The two moves may overlap: bytes in the
 * middle are written twice, with the same bytes unless another process
 * rewrites the slot meanwhile (then the payload is garbage either way).
 */
static LIBLFQ_HOT void lfq_shm_copy(void *dst, const void *src, size_t len)
{
	unsigned char *d = dst;
	const unsigned char *s = src;
	uint64_t a8, b8;
	uint32_t a4, b4;

	if (len >= 8 && len <= 16) {
		memcpy(&a8, s, 8);
		memcpy(&b8, s + len - 8, 8);
		memcpy(d, &a8, 8);
		memcpy(d + len - 8, &b8, 8);
	} else if (len >= 4 && len < 8) {
		memcpy(&a4, s, 4);
		memcpy(&b4, s + len - 4, 4);
		memcpy(d, &a4, 4);
		memcpy(d + len - 4, &b4, 4);
	} else {
		memcpy(d, s, len);
	}
}

static LIBLFQ_HOT int lfq_shm_push1(struct lfq_shm *m, const void *buf,
				    size_t len)
{
	struct lfq_shm_slot *s;
	uint32_t pos;

	if (!len || len > m->max_msg)
		return len ? EMSGSIZE : EINVAL;
	if (lfq_shm_broken(m))
		return EUCLEAN;
	s = lfq_shm_claim(m, 0, &pos);
	if (!s)
		return EAGAIN;
	__atomic_store_n(&s->len, (uint32_t)len, __ATOMIC_RELAXED);
	lfq_shm_copy(s + 1, buf, len);
	atomic_store_explicit(lfq_shm_seq(s), pos + 1, memory_order_release);
	return 0;
}

static LIBLFQ_HOT int lfq_shm_pop1(struct lfq_shm *m, void *buf, size_t size,
				   size_t *lenp)
{
	struct lfq_shm_slot *s;
	uint32_t pos, len;

	if (size < m->max_msg)
		return EMSGSIZE;
	if (lfq_shm_broken(m))
		return EUCLEAN;
	s = lfq_shm_claim(m, 1, &pos);
	if (!s)
		return EAGAIN;
	len = __atomic_load_n(&s->len, __ATOMIC_RELAXED);
	if (len && len <= m->max_msg)
		lfq_shm_copy(buf, s + 1, len);
	atomic_store_explicit(lfq_shm_seq(s), pos + m->capacity,
			      memory_order_release);
	if (!len || len > m->max_msg)
		return EBADMSG;
	*lenp = len;
	return 0;
}

int lfq_shm_push(struct lfq_shm *m, const void *buf, size_t len)
{
	int err = lfq_shm_push1(m, buf, len);

	if (err) {
		errno = err;
		return -1;
	}
	lfq_shm_wake(m, m->cons_wait, LFQ_SHM_IN);
	return 0;
}

ssize_t lfq_shm_pop(struct lfq_shm *m, void *buf, size_t size)
{
	size_t len;
	int err = lfq_shm_pop1(m, buf, size, &len);

	if (err) {
		errno = err;
		return -1;
	}
	lfq_shm_wake(m, m->prod_wait, LFQ_SHM_OUT);
	return len;
}

int lfq_shm_push_many(struct lfq_shm *m, const struct iovec *iov,
		      unsigned int n)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < n; i++) {
		err = lfq_shm_push1(m, iov[i].iov_base, iov[i].iov_len);
		if (err)
			break;
	}
	if (i)
		lfq_shm_wake(m, m->cons_wait, LFQ_SHM_IN);
	if (!i && n) {
		errno = err;
		return -1;
	}
	return i;
}

int lfq_shm_pop_many(struct lfq_shm *m, struct iovec *iov, unsigned int n)
{
	unsigned int i;
	int err = 0;

	for (i = 0; i < n; i++) {
		err = lfq_shm_pop1(m, iov[i].iov_base, iov[i].iov_len,
				   &iov[i].iov_len);
		if (err)
			break;
	}
	if (i)
		lfq_shm_wake(m, m->prod_wait, LFQ_SHM_OUT);
	if (!i && n) {
		errno = err;
		return -1;
	}
	return i;
}

/* Which of @events hold now: one look at each index, as the kernel's. */
static unsigned int lfq_shm_ready(struct lfq_shm *m, unsigned int events)
{
	unsigned int ev = 0;
	uint32_t pos;

	if (events & LFQ_SHM_IN) {
		pos = atomic_load_explicit(m->cons, memory_order_relaxed);
		if (atomic_load_explicit(lfq_shm_seq(lfq_shm_slot_at(m, pos)),
					 memory_order_relaxed) == pos + 1)
			ev |= LFQ_SHM_IN;
	}
	if (events & LFQ_SHM_OUT) {
		pos = atomic_load_explicit(m->prod, memory_order_relaxed);
		if (atomic_load_explicit(lfq_shm_seq(lfq_shm_slot_at(m, pos)),
					 memory_order_relaxed) == pos)
			ev |= LFQ_SHM_OUT;
	}
	return ev;
}

int lfq_shm_arm(struct lfq_shm *m, unsigned int events)
{
	unsigned int ev = lfq_shm_ready(m, events);

	if (lfq_shm_broken(m)) {
		errno = EUCLEAN;
		return -1;
	}
	if (ev)
		return ev;
	if (events & LFQ_SHM_IN)
		atomic_store_explicit(m->cons_wait, 1, memory_order_relaxed);
	if (events & LFQ_SHM_OUT)
		atomic_store_explicit(m->prod_wait, 1, memory_order_relaxed);
	/* Pairs with the waker's fence (lfq_shm_wake(), kernel smp_mb()). */
	atomic_thread_fence(memory_order_seq_cst);
	return lfq_shm_ready(m, events);
}

/* A hint to the CPU that this is a spin-wait loop (no system call). */
static inline void lfq_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	atomic_signal_fence(memory_order_seq_cst);
#endif
}

int lfq_shm_wait_spin(struct lfq_shm *m, unsigned int events,
		      unsigned int polls, long long timeout_ns)
{
	unsigned int ev, i;

	if (!events || events & ~(LFQ_SHM_IN | LFQ_SHM_OUT)) {
		errno = EINVAL;
		return -1;
	}
	/*
	 * Bounded: @polls looks at the two words of each side, no store, no
	 * system call.  The sleep below arms and looks again in the kernel,
	 * so whatever moved during the spin is not missed.
	 */
	for (i = 0; i < polls; i++) {
		ev = lfq_shm_ready(m, events);
		if (ev)
			return ev;
		if (lfq_shm_broken(m)) {
			errno = EUCLEAN;
			return -1;
		}
		lfq_cpu_relax();
	}
	return lfq_shm_wait(m, events, timeout_ns);
}

int lfq_shm_wait(struct lfq_shm *m, unsigned int events,
		 long long timeout_ns)
{
	struct lfq_shm_wait w = { .size = sizeof(w), .events = events };

	if (timeout_ns >= 0) {
		w.flags = LFQ_SHM_WAIT_DEADLINE;
		if (lfq_deadline_ns(timeout_ns, &w.deadline_ns) < 0)
			return -1;
	}
	return ioctl(m->fd, LFQ_IOC_SHM_WAIT, &w);
}

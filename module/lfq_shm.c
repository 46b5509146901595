// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_shm.c - shared-memory rings: a queue fd whose ring is mapped by its
 * users (LFQ_CREATE_SHM)
 *
 * Design
 * ------
 * A shared-memory queue is a bounded MPMC ring with a sequence number per
 * slot (D. Vyukov, "Bounded MPMC queue", 1024cores.net, 2010; the same
 * algorithm as the ring kind, lfq_ring.c) whose words and payloads all
 * live in pages that the processes using it map with mmap(), so that
 * they push and pop with single-word compare-and-exchange and no system
 * call.  The kernel is one more producer and consumer of the same ring:
 * write() and read() on the queue fd, and lfq_shm_push()/lfq_shm_pop()
 * for kernel code (a driver feeding events to processes).  The ABI, the
 * layout and the protocol are in uapi/linux/lfq.h ("Shared-memory
 * rings"); every word in the mapping is a __u32 at a fixed offset, so
 * 32-bit and 64-bit processes share one layout.
 *
 * The queue is not a struct lfq_queue: the engine's accounting (claimed
 * room, byte budget, put-back stash) lives in kernel memory and cannot
 * describe a ring that userspace moves on its own.  It has its own file
 * operations (lfq_shm_fops) and is made by the factory (lfq_factory.c),
 * which counts it among features.max_queues.
 *
 * Two regions, each mapped on its own (the mmap offset selects it):
 *
 *   header (LFQ_SHM_OFF_HDR), one page, struct lfq_shm_hdr: the geometry
 *	and the @broken word.  Only the kernel writes it; it is mapped
 *	without VM_WRITE and with VM_MAYWRITE cleared, so neither mmap()
 *	nor a later mprotect() gives a process write access.
 *   ring (LFQ_SHM_OFF_RING), read-write: the producer index, the consumer
 *	index and the two need-wakeup words, each on its own cache line,
 *	then @capacity slots of @stride bytes (struct lfq_shm_slot and the
 *	payload).  Payload i is at a fixed offset computed from i.
 *
 * Storage: order-0 pages allocated with GFP_KERNEL_ACCOUNT (charged to the
 * creator's memory cgroup), mapped into the kernel with vmap() and into
 * processes with vm_map_pages_zero().  The file owns them; every mapping
 * holds a reference to the file (vma->vm_file), so they are freed at the
 * file's release, when the last fd and the last mapping are gone.
 *
 * Trust: anything in the ring region may change at any time, to anything.
 * The kernel keeps its own copy of the geometry (struct lfq_shm), never
 * reads an offset or a pointer from the mapping, reads each shared word
 * once (READ_ONCE(), or the compare-and-exchange that claims it), masks
 * every index it derives a slot from, checks every length it reads
 * (1..max_msg) before it uses it, and bounds every loop over shared
 * state (LFQ_SHM_RETRIES).  No kernel pointer is ever stored in the
 * mapping.  A slot with a bad length is proof of corruption: the ring is
 * marked broken (lfq_shm_break(): the kernel's copy, then the header's
 * @broken word) and every later kernel operation fails with -EUCLEAN
 * ("structure needs cleaning"); the queue's memory, the kernel and other
 * queues are unaffected.  Corruption the kernel cannot tell from a
 * legitimate state (an index moved, a sequence number rewritten) can make
 * operations fail with -EAGAIN, lose or duplicate messages of this ring,
 * or keep a sleeper asleep; a sleeper can always be interrupted.
 * Payload bytes are opaque: the kernel copies them with data_race(), as a
 * process may write them while the kernel reads (not in a correct run).
 *
 * No lost wakeup
 * --------------
 * A sleeper (lfq_shm_sleep(): read(), write(), LFQ_IOC_SHM_WAIT; and
 * poll/epoll through lfq_shm_poll()) queues itself on @wq, then
 * lfq_shm_arm() stores 1 in the need-wakeup word of its side (@cons_wait
 * for EPOLLIN, @prod_wait for EPOLLOUT), issues smp_mb() and reads the
 * ring again; it sleeps only if that read finds it not ready.  A waker
 * publishes (the release store of a slot's seq), issues a full barrier
 * and then reads the word (userspace; it exchanges it with 0 and calls
 * LFQ_IOC_SHM_WAKE if it was set) or the wait queue (kernel,
 * wq_has_sleeper()).  Store-buffer argument (as fs/eventfd.c and the
 * engine, lfq_queue.c): of the sleeper's "store flag; mb; load seq" and
 * the waker's "store seq; mb; load flag", at least one load sees the
 * other side's store, so either the sleeper sees the message or the waker
 * sees the flag (or the queued sleeper) and wakes it.  A waker that clears
 * the word wakes every sleeper on @wq, and each of them sets the word
 * again before it sleeps again, so clearing loses no one.  Wakers make a
 * system call only when the word is set, so a producer and consumer that
 * keep up with each other make none.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/atomic.h>
#include <linux/build_bug.h>
#include <linux/compat.h>
#include <linux/compiler.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include "lfq_internal.h"
#include "lfq_queue.h"
#include "lfq_shm.h"

/* The layout is ABI: the same for 32-bit and 64-bit processes. */
static_assert(sizeof(struct lfq_shm_hdr) == 56);
static_assert(sizeof(struct lfq_shm_slot) == 8);
static_assert(sizeof(struct lfq_shm_info) == LFQ_SHM_INFO_SIZE_VER0);
static_assert(sizeof(struct lfq_shm_wait) == LFQ_SHM_WAIT_SIZE_VER0);
static_assert(offsetof(struct lfq_shm_info, hdr) == 32);
static_assert(offsetof(struct lfq_shm_info, wakes) == 88);
static_assert(LFQ_SHM_OFF_RING % PAGE_SIZE == 0);

/* Offsets in the ring region: each shared index on a cache line of its own. */
#define LFQ_SHM_PROD_OFF	0U
#define LFQ_SHM_CONS_OFF	64U
#define LFQ_SHM_PROD_WAIT_OFF	128U
#define LFQ_SHM_CONS_WAIT_OFF	192U
#define LFQ_SHM_SLOTS_OFF	256U

/*
 * Most times one kernel push or pop looks at a slot.  A failed
 * compare-and-exchange means another party moved the index, so a correct
 * run retries this often only under very heavy contention; a corrupted
 * ring gives up here with -EAGAIN.
 */
#define LFQ_SHM_RETRIES		256

/* Messages up to this size pass read()/write() through the stack. */
#define LFQ_SHM_STACK_BUF	64

/**
 * struct lfq_shm - a shared-memory ring (the kernel's private part)
 * @wq: sleepers of both sides: read(), write(), LFQ_IOC_SHM_WAIT, poll
 * @file: the queue file, which owns this structure
 * @capacity: slots, a power of two (the kernel's copy)
 * @max_msg: largest payload (the kernel's copy)
 * @stride: bytes per slot: header and max_msg payload, rounded up to 8
 * @nr_pages: pages of the ring region
 * @ring_size: bytes of the ring region, @nr_pages pages
 * @broken: 0, or the LFQ_SHM_BROKEN_* reason the ring was given up for
 * @pages: the ring region's pages
 * @ring: their kernel mapping (vmap())
 * @hdr_page: the header page
 * @hdr: its kernel address
 * @wakes: LFQ_IOC_SHM_WAKE calls
 * @waits: LFQ_IOC_SHM_WAIT calls
 *
 * Nothing here is ever visible to userspace but through the header page,
 * which the kernel fills from these fields.
 */
struct lfq_shm {
	wait_queue_head_t wq;
	struct file *file;
	u32 capacity;
	u32 max_msg;
	u32 stride;
	u32 nr_pages;
	u64 ring_size;
	u32 broken;
	struct page **pages;
	u8 *ring;
	struct page *hdr_page;
	struct lfq_shm_hdr *hdr;
	atomic64_t wakes;
	atomic64_t waits;
};

static const struct file_operations lfq_shm_fops;

/* A shared word of the ring region, at one of the offsets above. */
static u32 *lfq_shm_word(const struct lfq_shm *s, u32 off)
{
	return (u32 *)(s->ring + off);
}

/* The slot of index @pos: masked with the kernel's own capacity. */
static struct lfq_shm_slot *lfq_shm_slot(const struct lfq_shm *s, u32 pos)
{
	return (struct lfq_shm_slot *)(s->ring + LFQ_SHM_SLOTS_OFF +
				       (size_t)(pos & (s->capacity - 1)) *
				       s->stride);
}

/**
 * lfq_shm_ring_size() - bytes of the ring region for a geometry
 * @capacity: slots
 * @max_msg: largest payload
 * @stride: set to the bytes per slot
 *
 * Context: any context.
 * Return: the page-aligned size of the ring region.
 */
static u64 lfq_shm_ring_size(u32 capacity, u32 max_msg, u32 *stride)
{
	*stride = round_up(sizeof(struct lfq_shm_slot) + max_msg, 8);
	return PAGE_ALIGN(LFQ_SHM_SLOTS_OFF + (u64)capacity * *stride);
}

static void lfq_shm_free(struct lfq_shm *s)
{
	u32 i;

	if (s->ring)
		vunmap(s->ring);
	if (s->pages) {
		for (i = 0; i < s->nr_pages; i++)
			if (s->pages[i])
				__free_page(s->pages[i]);
		kvfree(s->pages);
	}
	if (s->hdr_page)
		__free_page(s->hdr_page);
	kfree(s);
}

static struct lfq_shm *lfq_shm_alloc(u32 capacity, u32 max_msg,
				     u64 max_bytes)
{
	struct lfq_shm_hdr *h;
	struct lfq_shm *s;
	u32 i, stride;
	u64 size;

	size = lfq_shm_ring_size(capacity, max_msg, &stride);
	if (size > max_bytes)
		return ERR_PTR(-EINVAL);

	s = kzalloc(sizeof(*s), LFQ_GFP);
	if (!s)
		return ERR_PTR(-ENOMEM);
	init_waitqueue_head(&s->wq);
	s->capacity = capacity;
	s->max_msg = max_msg;
	s->stride = stride;
	s->ring_size = size;
	s->nr_pages = size >> PAGE_SHIFT;
	atomic64_set(&s->wakes, 0);
	atomic64_set(&s->waits, 0);

	s->pages = kvcalloc(s->nr_pages, sizeof(*s->pages), LFQ_GFP);
	if (!s->pages)
		goto nomem;
	for (i = 0; i < s->nr_pages; i++) {
		s->pages[i] = alloc_page(LFQ_GFP | __GFP_ZERO);
		if (!s->pages[i])
			goto nomem;
	}
	s->ring = vmap(s->pages, s->nr_pages, VM_MAP, PAGE_KERNEL);
	if (!s->ring)
		goto nomem;
	s->hdr_page = alloc_page(LFQ_GFP | __GFP_ZERO);
	if (!s->hdr_page)
		goto nomem;
	s->hdr = page_address(s->hdr_page);

	/* Nobody else sees the pages yet: plain stores. */
	for (i = 0; i < capacity; i++)
		lfq_shm_slot(s, i)->seq = i;

	h = s->hdr;
	h->magic = LFQ_SHM_MAGIC;
	h->version = LFQ_SHM_VERSION;
	h->capacity = capacity;
	h->max_msg = max_msg;
	h->slot_stride = stride;
	h->ring_size = size;
	h->prod_off = LFQ_SHM_PROD_OFF;
	h->cons_off = LFQ_SHM_CONS_OFF;
	h->prod_wait_off = LFQ_SHM_PROD_WAIT_OFF;
	h->cons_wait_off = LFQ_SHM_CONS_WAIT_OFF;
	h->slots_off = LFQ_SHM_SLOTS_OFF;
	return s;

nomem:
	lfq_shm_free(s);
	return ERR_PTR(-ENOMEM);
}

/*
 * Give up on a corrupt ring: the kernel's copy decides, the header tells
 * userspace, and every sleeper wakes to see EPOLLERR.
 */
static void lfq_shm_break(struct lfq_shm *s, u32 why)
{
	if (!cmpxchg(&s->broken, 0, why))
		WRITE_ONCE(s->hdr->broken, why);
	wake_up_interruptible_poll(&s->wq, EPOLLERR | EPOLLIN | EPOLLRDNORM |
				   EPOLLOUT | EPOLLWRNORM);
}

/*
 * Which sides could proceed now, from one read of each index and of the
 * sequence number of the slot it names (masked): EPOLLIN if the slot at
 * the consumer index holds a message of this lap, EPOLLOUT if the slot at
 * the producer index is free for this lap, EPOLLERR if broken.
 */
static __poll_t lfq_shm_ready(const struct lfq_shm *s)
{
	__poll_t ev = 0;
	u32 c, p;

	if (READ_ONCE(s->broken))
		return EPOLLERR;
	c = READ_ONCE(*lfq_shm_word(s, LFQ_SHM_CONS_OFF));
	if (READ_ONCE(lfq_shm_slot(s, c)->seq) == c + 1)
		ev |= EPOLLIN | EPOLLRDNORM;
	p = READ_ONCE(*lfq_shm_word(s, LFQ_SHM_PROD_OFF));
	if (READ_ONCE(lfq_shm_slot(s, p)->seq) == p)
		ev |= EPOLLOUT | EPOLLWRNORM;
	return ev;
}

/*
 * The sleeper's half of the protocol in the header comment.  The caller
 * is already on @wq (prepare_to_wait_event(), poll_wait()).  Returns the
 * events that hold; when none of @want does, the need-wakeup word of each
 * side in @want is set and was set before the second look.
 */
static __poll_t lfq_shm_arm(struct lfq_shm *s, __poll_t want)
{
	__poll_t ev = lfq_shm_ready(s);

	if (ev & (want | EPOLLERR))
		return ev;
	if (want & EPOLLIN)
		WRITE_ONCE(*lfq_shm_word(s, LFQ_SHM_CONS_WAIT_OFF), 1);
	if (want & EPOLLOUT)
		WRITE_ONCE(*lfq_shm_word(s, LFQ_SHM_PROD_WAIT_OFF), 1);
	/*
	 * Orders the flag stores before the loads of the indices and seqs
	 * in lfq_shm_ready(); pairs with the waker's full barrier between
	 * its release store of a slot's seq and its load of the flag
	 * (smp_mb() in wq_has_sleeper() in lfq_shm_wake() for the kernel,
	 * atomic_thread_fence(seq_cst) in liblfq's lfq_shm_wake()).
	 */
	smp_mb();
	return lfq_shm_ready(s);
}

/*
 * The kernel waker's half: after the release store of a slot's seq.  The
 * full barrier in wq_has_sleeper() orders that store before the load of
 * @wq's list; it pairs with the smp_mb() in lfq_shm_arm() (a sleeper is
 * queued before it arms).  The need-wakeup word of @off is cleared before
 * the wakeup: every sleeper wakes and arms again if it must sleep again.
 */
static void lfq_shm_wake(struct lfq_shm *s, u32 off, __poll_t ev)
{
	if (!wq_has_sleeper(&s->wq))
		return;
	WRITE_ONCE(*lfq_shm_word(s, off), 0);
	wake_up_interruptible_poll(&s->wq, ev);
}

/*
 * Claim the slot at the consumer index (@pop) or the producer index: a
 * bounded Vyukov step.  Returns 0 with *@posp the claimed index, or
 * -EAGAIN: empty (pop), full (push), or LFQ_SHM_RETRIES looks used up.
 */
static int lfq_shm_claim(struct lfq_shm *s, bool pop, u32 *posp)
{
	u32 *idx = lfq_shm_word(s, pop ? LFQ_SHM_CONS_OFF : LFQ_SHM_PROD_OFF);
	u32 pos = READ_ONCE(*idx);
	unsigned int i;
	u32 seq;
	s32 diff;

	for (i = 0; i < LFQ_SHM_RETRIES; i++) {
		/*
		 * Acquire: pairs with the smp_store_release() of this seq in
		 * lfq_shm_release() or the release store of liblfq's
		 * lfq_shm_push1()/pop1() by the other side: a consumer sees
		 * the payload the producer wrote, a producer overwrites only a
		 * payload already read.
		 */
		seq = smp_load_acquire(&lfq_shm_slot(s, pos)->seq);
		diff = (s32)(seq - (pos + pop));
		if (!diff) {
			/*
			 * Claims the slot; it publishes nothing (the slot's
			 * seq does, in lfq_shm_release()), so it needs no
			 * pair.  On failure @pos is the index's current value.
			 */
			if (try_cmpxchg(idx, &pos, pos + 1)) {
				*posp = pos;
				return 0;
			}
			continue;
		}
		if (diff < 0)
			return -EAGAIN;
		/* Another party claimed this slot: look at the index again. */
		pos = READ_ONCE(*idx);
	}
	return -EAGAIN;
}

/* Hand the claimed slot of @pos to the other side. */
static void lfq_shm_release(struct lfq_shm *s, bool pop, u32 pos)
{
	/*
	 * Release: orders the payload accesses above before the seq; pairs
	 * with the smp_load_acquire() in lfq_shm_claim() (and liblfq's
	 * acquire load of seq) of the next party to claim this slot.
	 */
	smp_store_release(&lfq_shm_slot(s, pos)->seq,
			  pos + (pop ? s->capacity : 1));
}

/**
 * lfq_shm_push() - push one message into a shared-memory ring
 * @s: the ring, from lfq_shm_get()
 * @buf: the message
 * @len: its length in bytes, 1 to the ring's max_msg
 *
 * Never sleeps; wakes the ring's sleepers (processes in poll(), epoll,
 * read(), LFQ_IOC_SHM_WAIT) if there are any.  Lock-free: the bounded MPMC
 * ring of D. Vyukov ("Bounded MPMC queue", 1024cores.net, 2010) over the
 * mapped pages; a bounded number of attempts (the ring is shared with
 * processes the kernel does not trust), so it can fail with -EAGAIN under
 * extreme contention or corruption even when a slot is free.
 *
 * Context: any context but NMI.
 * Return: 0; -EINVAL if @len is 0; -EMSGSIZE if @len is above max_msg;
 * -EAGAIN if the ring is full (or see above); -EUCLEAN if the ring was
 * found corrupt and given up (lfq_shm_info.broken).
 */
int lfq_shm_push(struct lfq_shm *s, const void *buf, u32 len)
{
	struct lfq_shm_slot *sl;
	u32 pos;
	int ret;

	if (!len)
		return -EINVAL;
	if (len > s->max_msg)
		return -EMSGSIZE;
	if (READ_ONCE(s->broken))
		return -EUCLEAN;
	ret = lfq_shm_claim(s, false, &pos);
	if (ret)
		return ret;
	sl = lfq_shm_slot(s, pos);
	WRITE_ONCE(sl->len, len);
	/* Opaque bytes a process may write at any time: not a kernel race. */
	data_race(memcpy(sl + 1, buf, len));
	lfq_shm_release(s, false, pos);
	lfq_shm_wake(s, LFQ_SHM_CONS_WAIT_OFF, EPOLLIN | EPOLLRDNORM);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(lfq_shm_push, LFQ_NS);

/**
 * lfq_shm_pop() - pop one message from a shared-memory ring
 * @s: the ring, from lfq_shm_get()
 * @buf: where to put the message
 * @size: bytes at @buf, at least the ring's max_msg (lfq_shm_max_msg())
 *
 * Never sleeps; wakes the ring's sleeping producers if there are any.
 * Lock-free with a bounded number of attempts, as lfq_shm_push().  The
 * length the producer wrote is checked before it is used; a length out
 * of 1..max_msg marks the ring broken.
 *
 * Context: any context but NMI.
 * Return: the message's length in bytes (1 to max_msg); -EMSGSIZE if
 * @size is below max_msg (nothing popped); -EAGAIN if the ring is empty
 * (or see lfq_shm_push()); -EUCLEAN if the ring is broken, now or before
 * (the slot taken is lost).
 */
int lfq_shm_pop(struct lfq_shm *s, void *buf, u32 size)
{
	struct lfq_shm_slot *sl;
	u32 pos, len;
	int ret;

	if (size < s->max_msg)
		return -EMSGSIZE;
	if (READ_ONCE(s->broken))
		return -EUCLEAN;
	ret = lfq_shm_claim(s, true, &pos);
	if (ret)
		return ret;
	sl = lfq_shm_slot(s, pos);
	len = READ_ONCE(sl->len);
	if (len && len <= s->max_msg) {
		/* Opaque bytes a process may write at any time. */
		data_race(memcpy(buf, sl + 1, len));
	}
	lfq_shm_release(s, true, pos);
	if (!len || len > s->max_msg) {
		lfq_shm_break(s, LFQ_SHM_BROKEN_LEN);
		return -EUCLEAN;
	}
	lfq_shm_wake(s, LFQ_SHM_PROD_WAIT_OFF, EPOLLOUT | EPOLLWRNORM);
	return len;
}
EXPORT_SYMBOL_NS_GPL(lfq_shm_pop, LFQ_NS);

/**
 * lfq_shm_max_msg() - the largest message of a shared-memory ring
 * @s: the ring
 *
 * Context: any context.
 * Return: max_msg in bytes, as created.
 */
u32 lfq_shm_max_msg(const struct lfq_shm *s)
{
	return s->max_msg;
}
EXPORT_SYMBOL_NS_GPL(lfq_shm_max_msg, LFQ_NS);

/**
 * lfq_shm_get() - the shared-memory ring of a queue file
 * @file: a queue file made with LFQ_CREATE_SHM (for example fget() of a
 *	descriptor a process handed to a driver)
 *
 * Takes a reference to @file, which keeps the ring alive until
 * lfq_shm_put().
 *
 * Context: any context.
 * Return: the ring; ERR_PTR(-EINVAL) if @file is not a shared-memory
 * queue.
 */
struct lfq_shm *lfq_shm_get(struct file *file)
{
	if (!file || file->f_op != &lfq_shm_fops)
		return ERR_PTR(-EINVAL);
	get_file(file);
	return file->private_data;
}
EXPORT_SYMBOL_NS_GPL(lfq_shm_get, LFQ_NS);

/**
 * lfq_shm_get_fd() - the shared-memory ring of a descriptor of current
 * @fd: a file descriptor of the calling process
 *
 * As lfq_shm_get() on the file @fd refers to.
 *
 * Context: process context.
 * Return: the ring; ERR_PTR(-EBADF) if @fd is not open;
 * ERR_PTR(-EINVAL) if it is not a shared-memory queue.
 */
struct lfq_shm *lfq_shm_get_fd(int fd)
{
	struct lfq_shm *s;
	struct file *file;

	file = fget(fd);
	if (!file)
		return ERR_PTR(-EBADF);
	s = lfq_shm_get(file);
	fput(file);
	return s;
}
EXPORT_SYMBOL_NS_GPL(lfq_shm_get_fd, LFQ_NS);

/**
 * lfq_shm_put() - drop the reference lfq_shm_get() took
 * @s: the ring; not to be used by the caller afterwards
 *
 * Context: any context but NMI (the last reference is dropped later in
 * process context).
 * Return: nothing.
 */
void lfq_shm_put(struct lfq_shm *s)
{
	fput(s->file);
}
EXPORT_SYMBOL_NS_GPL(lfq_shm_put, LFQ_NS);

/* The condition of lfq_shm_sleep()'s waits: arm, then look. */
static bool lfq_shm_up(struct lfq_shm *s, __poll_t want, __poll_t *evp)
{
	*evp = lfq_shm_arm(s, want);
	return *evp & (want | EPOLLERR);
}

/*
 * Sleep until one of @want holds or the ring breaks.  Returns 0 with the
 * events that hold in *@evp, or -EUCLEAN, -ERESTARTSYS, -ETIMEDOUT (past
 * the absolute CLOCK_MONOTONIC @deadline).
 */
static int lfq_shm_sleep(struct lfq_shm *s, __poll_t want,
			 const ktime_t *deadline, __poll_t *evp)
{
	__poll_t ev = 0;
	ktime_t rem;
	long ret;

	rem = deadline ? ktime_sub(*deadline, ktime_get()) : 0;
	if (!deadline)
		ret = wait_event_interruptible(s->wq, lfq_shm_up(s, want, &ev));
	else if (rem > 0)
		ret = wait_event_interruptible_hrtimeout(s->wq,
							 lfq_shm_up(s, want, &ev),
							 rem);
	else
		ret = (ev = lfq_shm_ready(s)) & (want | EPOLLERR) ? 0 : -ETIME;
	if (ret == -ETIME)
		return -ETIMEDOUT;
	if (ret)
		return ret;
	if (ev & EPOLLERR)
		return -EUCLEAN;
	*evp = ev & want;
	return 0;
}

/*
 * read() and write(): one push or pop of the kernel API, sleeping while
 * the ring is full or empty.  Each pass through the loop is bounded; a
 * ring that looks ready but refuses (corrupted indices) keeps the caller
 * here only until a signal.
 */
static long lfq_shm_xfer(struct lfq_shm *s, bool pop, void *buf, u32 len,
			 bool nonblock)
{
	__poll_t ev;
	long ret;

	for (;;) {
		ret = pop ? lfq_shm_pop(s, buf, len) : lfq_shm_push(s, buf, len);
		if (ret != -EAGAIN || nonblock)
			return ret;
		ret = lfq_shm_sleep(s, pop ? EPOLLIN : EPOLLOUT, NULL, &ev);
		if (ret)
			return ret;
		if (signal_pending(current))
			return -ERESTARTSYS;
		cond_resched();
	}
}

static bool lfq_shm_iocb_nonblock(const struct kiocb *iocb)
{
	return (iocb->ki_filp->f_flags & O_NONBLOCK) ||
	       (iocb->ki_flags & IOCB_NOWAIT);
}

/*
 * A bounce buffer for read()/write(): no user memory is touched while a
 * slot is claimed (a fault there would stall the ring for everyone).
 */
static void *lfq_shm_buf(u8 *stack, u32 len)
{
	return len <= LFQ_SHM_STACK_BUF ? stack : kvmalloc(len, LFQ_GFP);
}

static void lfq_shm_buf_free(u8 *stack, void *buf)
{
	if (buf != stack)
		kvfree(buf);
}

static ssize_t lfq_shm_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct lfq_shm *s = iocb->ki_filp->private_data;
	u8 stack[LFQ_SHM_STACK_BUF];
	ssize_t ret;
	void *buf;

	if (iov_iter_count(to) < s->max_msg)
		return -EMSGSIZE;
	buf = lfq_shm_buf(stack, s->max_msg);
	if (!buf)
		return -ENOMEM;
	ret = lfq_shm_xfer(s, true, buf, s->max_msg,
			   lfq_shm_iocb_nonblock(iocb));
	if (ret > 0 && copy_to_iter(buf, ret, to) != ret)
		ret = -EFAULT;	/* the message is lost: see the uapi */
	lfq_shm_buf_free(stack, buf);
	return ret;
}

static ssize_t lfq_shm_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct lfq_shm *s = iocb->ki_filp->private_data;
	size_t count = iov_iter_count(from);
	u8 stack[LFQ_SHM_STACK_BUF];
	ssize_t ret;
	void *buf;

	if (!count)
		return 0;
	if (count > s->max_msg)
		return -EMSGSIZE;
	buf = lfq_shm_buf(stack, count);
	if (!buf)
		return -ENOMEM;
	if (!copy_from_iter_full(buf, count, from))
		ret = -EFAULT;
	else
		ret = lfq_shm_xfer(s, false, buf, count,
				   lfq_shm_iocb_nonblock(iocb));
	lfq_shm_buf_free(stack, buf);
	return ret < 0 ? ret : count;
}

/*
 * poll()/epoll: the events that hold; for those asked for that do not,
 * the need-wakeup words are set (lfq_shm_arm()), also when the caller
 * will not sleep on this call (epoll's later calls pass no queueing
 * function but sleep on the entry queued at EPOLL_CTL_ADD).
 */
static __poll_t lfq_shm_poll(struct file *file, poll_table *pt)
{
	struct lfq_shm *s = file->private_data;

	__poll_t req = poll_requested_events(pt), want = 0;

	poll_wait(file, &s->wq, pt);
	/* a poller asking for the RDNORM/WRNORM forms waits for the same */
	if (req & (EPOLLIN | EPOLLRDNORM))
		want |= EPOLLIN;
	if (req & (EPOLLOUT | EPOLLWRNORM))
		want |= EPOLLOUT;
	return lfq_shm_arm(s, want);
}

/* vm_flags_mod() since 6.3 (LFQ_HAVE_VM_FLAGS_MOD: module/Kbuild). */
static void lfq_vm_flags_mod(struct vm_area_struct *vma, vm_flags_t set,
			     vm_flags_t clear)
{
#ifdef LFQ_HAVE_VM_FLAGS_MOD
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

/*
 * mmap(): the offset selects the region, the length must be the region's.
 * The header is never writable: no VM_WRITE now, no VM_MAYWRITE for a
 * later mprotect().  VM_DONTEXPAND: mremap() cannot grow either past the
 * pages the file owns.
 */
static int lfq_shm_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct lfq_shm *s = file->private_data;
	unsigned long len = vma->vm_end - vma->vm_start;
	u64 off = (u64)vma->vm_pgoff << PAGE_SHIFT;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (off == LFQ_SHM_OFF_HDR) {
		if (len != PAGE_SIZE)
			return -EINVAL;
		if (vma->vm_flags & VM_WRITE)
			return -EACCES;
		lfq_vm_flags_mod(vma, VM_DONTEXPAND, VM_MAYWRITE);
		return vm_map_pages_zero(vma, &s->hdr_page, 1);
	}
	if (off == LFQ_SHM_OFF_RING) {
		if (len != s->ring_size)
			return -EINVAL;
		lfq_vm_flags_mod(vma, VM_DONTEXPAND, 0);
		return vm_map_pages_zero(vma, s->pages, s->nr_pages);
	}
	return -EINVAL;
}

static long lfq_shm_ioc_info(struct file *file, void *arg)
{
	struct lfq_shm *s = file->private_data;
	struct lfq_shm_info *i = arg;

	i->hdr_off = LFQ_SHM_OFF_HDR;
	i->hdr_size = PAGE_SIZE;
	i->ring_off = LFQ_SHM_OFF_RING;
	/*
	 * Only the kernel writes the header: lfq_shm_alloc() before the
	 * file exists, and lfq_shm_break() its @broken word, which may
	 * change under this copy and is taken from our own copy instead.
	 */
	data_race(memcpy(&i->hdr, s->hdr, sizeof(i->hdr)));
	i->hdr.broken = READ_ONCE(s->broken);
	i->wakes = atomic64_read(&s->wakes);
	i->waits = atomic64_read(&s->waits);
	return 0;
}

static __poll_t lfq_shm_events(u32 events)
{
	/*
	 * The NORM forms too: a wakeup keyed EPOLLIN alone misses a poller
	 * that asked for POLLRDNORM only.
	 */
	return (events & LFQ_SHM_IN ? EPOLLIN | EPOLLRDNORM : 0) |
	       (events & LFQ_SHM_OUT ? EPOLLOUT | EPOLLWRNORM : 0);
}

static int lfq_shm_wait_check(const struct lfq_shm_wait *w, u32 flags)
{
	if (w->flags & ~flags || w->reserved || !w->events ||
	    w->events & ~(LFQ_SHM_IN | LFQ_SHM_OUT))
		return -EINVAL;
	if (!(w->flags & LFQ_SHM_WAIT_DEADLINE) && w->deadline_ns)
		return -EINVAL;
	if (w->deadline_ns > KTIME_MAX)
		return -EINVAL;
	return 0;
}

static long lfq_shm_ioc_wait(struct file *file, void *arg)
{
	struct lfq_shm *s = file->private_data;
	const struct lfq_shm_wait *w = arg;
	__poll_t want, ev;
	ktime_t deadline;
	int ret;

	ret = lfq_shm_wait_check(w, LFQ_SHM_WAIT_DEADLINE);
	if (ret)
		return ret;
	atomic64_inc(&s->waits);
	want = lfq_shm_events(w->events);
	if (file->f_flags & O_NONBLOCK) {
		ev = lfq_shm_ready(s);
		if (ev & EPOLLERR)
			return -EUCLEAN;
		ev &= want;
		if (!ev)
			return -EAGAIN;
	} else {
		deadline = (ktime_t)w->deadline_ns;
		ret = lfq_shm_sleep(s, want, w->flags & LFQ_SHM_WAIT_DEADLINE ?
				    &deadline : NULL, &ev);
		if (ret)
			return ret;
	}
	return (ev & EPOLLIN ? LFQ_SHM_IN : 0) |
	       (ev & EPOLLOUT ? LFQ_SHM_OUT : 0);
}

static long lfq_shm_ioc_wake(struct file *file, void *arg)
{
	struct lfq_shm *s = file->private_data;
	const struct lfq_shm_wait *w = arg;
	long ret;

	ret = lfq_shm_wait_check(w, 0);
	if (ret)
		return ret;
	atomic64_inc(&s->wakes);
	wake_up_interruptible_poll(&s->wq, lfq_shm_events(w->events));
	return 0;
}

static long lfq_shm_ioc_batch(struct file *file, void *arg)
{
	return -EOPNOTSUPP;
}

/* LFQ_IOC_STATS: only @length, from one read of each index. */
static long lfq_shm_ioc_stats(struct file *file, void *arg)
{
	struct lfq_shm *s = file->private_data;
	struct lfq_stats *st = arg;
	u32 c, p;

	c = READ_ONCE(*lfq_shm_word(s, LFQ_SHM_CONS_OFF));
	p = READ_ONCE(*lfq_shm_word(s, LFQ_SHM_PROD_OFF));
	/* Indices read at two moments, or rewritten: clamp to 0..capacity. */
	st->length = clamp_t(s32, (s32)(p - c), 0, (s32)s->capacity);
	return 0;
}

static long lfq_shm_ioc_qinfo(struct file *file, void *arg)
{
	struct lfq_shm *s = file->private_data;
	struct lfq_info *info = arg;

	info->kind = LFQ_KIND_RING;
	info->capacity = s->capacity;
	info->max_msg = s->max_msg;
	info->max_bytes = s->ring_size;
	info->fixed_bytes = sizeof(*s) + PAGE_SIZE + s->ring_size +
			    s->nr_pages * sizeof(*s->pages);
	info->max_msg_charge = s->stride;
	return 0;
}

static const struct lfq_ioctl_op lfq_shm_ioctls[] = {
	LFQ_IOCTL_IN(LFQ_IOC_PUSH_BATCH, lfq_shm_ioc_batch, struct lfq_batch,
		     LFQ_BATCH_SIZE_VER0),
	LFQ_IOCTL_IN(LFQ_IOC_POP_BATCH, lfq_shm_ioc_batch, struct lfq_batch,
		     LFQ_BATCH_SIZE_VER0),
	LFQ_IOCTL_OUT(LFQ_IOC_STATS, lfq_shm_ioc_stats, struct lfq_stats,
		      LFQ_STATS_SIZE_VER0, true),
	LFQ_IOCTL_OUT(LFQ_IOC_INFO, lfq_shm_ioc_qinfo, struct lfq_info,
		      LFQ_INFO_SIZE_VER0, false),
	LFQ_IOCTL_OUT(LFQ_IOC_SHM_INFO, lfq_shm_ioc_info, struct lfq_shm_info,
		      LFQ_SHM_INFO_SIZE_VER0, true),
	LFQ_IOCTL_IN(LFQ_IOC_SHM_WAIT, lfq_shm_ioc_wait, struct lfq_shm_wait,
		     LFQ_SHM_WAIT_SIZE_VER0),
	LFQ_IOCTL_IN(LFQ_IOC_SHM_WAKE, lfq_shm_ioc_wake, struct lfq_shm_wait,
		     LFQ_SHM_WAIT_SIZE_VER0),
};

static long lfq_shm_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	return lfq_ioctl(file, lfq_shm_ioctls, ARRAY_SIZE(lfq_shm_ioctls),
			 cmd, arg);
}

static int lfq_shm_file_release(struct inode *inode, struct file *file)
{
	lfq_shm_free(file->private_data);
	lfq_factory_uncount();
	return 0;
}

static const struct file_operations lfq_shm_fops = {
	.owner		= THIS_MODULE,
	.read_iter	= lfq_shm_read_iter,
	.write_iter	= lfq_shm_write_iter,
	.poll		= lfq_shm_poll,
	.unlocked_ioctl	= lfq_shm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= lfq_shm_mmap,
	.release	= lfq_shm_file_release,
	.llseek		= noop_llseek,
};

/**
 * lfq_shm_create_file() - make a shared-memory ring and its queue file
 * @capacity: slots, a power of two, already checked by the caller
 * @max_msg: largest payload, already checked
 * @max_bytes: bound on the ring region's size
 * @nonblock: open the file O_NONBLOCK
 *
 * On success the file owns the ring; its release frees it and calls
 * lfq_factory_uncount().
 *
 * Context: process context, may sleep.
 * Return: the file; ERR_PTR(-EINVAL) if @capacity is below 2 or the ring
 * region would exceed @max_bytes, ERR_PTR(-ENOMEM), or the error of anon_inode_getfile().
 */
struct file *lfq_shm_create_file(u32 capacity, u32 max_msg, u64 max_bytes,
				 bool nonblock)
{
	struct lfq_shm *s;
	struct file *file;

	/*
	 * Two slots at least: with one, a slot's "free for lap p + 1" and
	 * "full for lap p" sequence numbers are the same value, and a push
	 * would overwrite the message before it.
	 */
	if (capacity < 2)
		return ERR_PTR(-EINVAL);
	s = lfq_shm_alloc(capacity, max_msg, max_bytes);
	if (IS_ERR(s))
		return ERR_CAST(s);
	file = anon_inode_getfile("[lfq-shm]", &lfq_shm_fops, s,
				  O_RDWR | (nonblock ? O_NONBLOCK : 0));
	if (IS_ERR(file)) {
		lfq_shm_free(s);
		return file;
	}
	s->file = file;
	stream_open(file_inode(file), file);
	file->f_mode |= FMODE_NOWAIT;
	return file;
}

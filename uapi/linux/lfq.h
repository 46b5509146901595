/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * lfq.h - userspace ABI of /dev/lfq: lock-free message queues
 *
 * This is the only header a program needs to use /dev/lfq.
 *
 * Model
 * -----
 * /dev/lfq is a factory.  Opening it gives a "device fd" on which two ioctls
 * work: LFQ_IOC_FEATURES (what this kernel supports) and LFQ_IOC_CREATE
 * (make a queue).  LFQ_IOC_CREATE returns a NEW file descriptor, the "queue
 * fd", which is the only handle to the queue: the queue lives as long as any
 * file descriptor refers to it (dup(), fork(), SCM_RIGHTS all share it) and
 * is freed, with every message still in it, when the last one is closed.
 * Closing the device fd does not affect queues created through it.
 *
 * A queue carries messages: byte strings of 1 to max_msg bytes, chosen per
 * queue at creation.  A message is never truncated, split, merged or dropped
 * without the caller being told.
 *
 *   write(qfd, buf, n)   pushes one message of n bytes.
 *                        n > max_msg: -EMSGSIZE.  n == 0: returns 0 and
 *                        pushes nothing.  Returns n on success.
 *   read(qfd, buf, n)    pops one message and returns its length (never 0).
 *                        n < max_msg: -EMSGSIZE and nothing is popped (as
 *                        POSIX mq_receive()): a read buffer must be able to
 *                        hold the largest message the queue accepts, so a
 *                        message is never cut.  If copying to buf faults, the
 *                        call fails with -EFAULT and the message is put back
 *                        first in line (next to be popped).
 *   writev(), readv()    one message per call, as on a SOCK_SEQPACKET
 *                        socket: writev() pushes the bytes of all its
 *                        buffers as ONE message (their total is n above);
 *                        readv() pops one message and spreads it over its
 *                        buffers in order (their total must be >= max_msg).
 *                        preadv2()/pwritev2() with offset -1 and io_uring
 *                        read/write/readv/writev behave the same way.
 *                        RWF_NOWAIT (and io_uring's non-blocking attempt)
 *                        fails with -EAGAIN instead of sleeping.
 *   pread(), pwrite(), an explicit offset: -ESPIPE.  splice(), sendfile()
 *   and tee() to or from a queue fd: -EINVAL (they cannot keep message
 *   boundaries).
 *   LFQ_IOC_PUSH_BATCH / LFQ_IOC_POP_BATCH move many messages in one call.
 *   poll()/select()/epoll (edge-triggered too):
 *     EPOLLIN  | EPOLLRDNORM   at least one message can be popped;
 *     EPOLLOUT | EPOLLWRNORM   a message of max_msg bytes can be pushed
 *                              (byte budget, and for a ring a free slot).
 *     A push wakes EPOLLIN waiters and a pop wakes EPOLLOUT waiters, every
 *     time, so edge-triggered epoll sees every transition.
 *   lseek() is not supported (-ESPIPE).
 *
 * Blocking behaves as for a pipe: a pop from an empty queue and a push into a
 * full queue (no ring slot, or the queue's byte budget max_bytes used up)
 * sleep until they can proceed, unless the file is O_NONBLOCK or the call
 * passes LFQ_IO_NONBLOCK, in which case they fail with -EAGAIN.  A signal
 * ends the sleep with -ERESTARTSYS (the caller sees -EINTR or an automatic
 * restart, per SA_RESTART); no message is pushed, popped, lost or duplicated
 * by an interrupted call.  Batch calls can also carry an absolute
 * CLOCK_MONOTONIC deadline (LFQ_IO_DEADLINE), after which they fail with
 * -ETIMEDOUT; being absolute, a deadline survives restarts unchanged.
 *
 * Order: the MSQ, RING and TLQ kinds are FIFO, STACK is LIFO.  Messages
 * pushed by one thread are popped in that thread's order (FIFO kinds);
 * between concurrent producers the order is the order in which their pushes
 * took effect.  One exception: a message put back because the copy to a
 * reader's buffer faulted (read(), readv(), LFQ_IOC_POP_BATCH) becomes the
 * next message any reader takes, but other readers may have taken later
 * messages of the same producer while it was out, so it can be delivered
 * after them.  Per-producer order holds for every message that was never
 * put back; lfq_stats.putbacks counts the put-back messages.
 *
 * Memory: a queue's byte budget, max_bytes, bounds the kernel memory its
 * messages hold, not only their payload.  Each message is charged the
 * memory it occupies: its payload and a 24-byte header (on 64-bit), rounded
 * up to the kernel allocator's size class, plus, for TLQ, one node (40
 * bytes on 64-bit); MSQ and STACK messages embed their node in a 40-byte
 * header instead.  A RING whose capacity of max_msg-byte
 * messages fits the budget preallocates one max_msg buffer per slot at
 * creation and charges every message the cost of such a buffer.
 * lfq_info.max_msg_charge is the charge of a max_msg-byte message (on
 * 64-bit, TLQ: 1 byte costs 72, a 4096-byte message 4168; MSQ and STACK:
 * 64 and 4160), and
 * lfq_stats.mem_bytes what is charged now.  A push claims room before it
 * allocates anything, so a writer waiting for room holds no message
 * memory.  The kernel memory a queue holds is at most
 * lfq_info.fixed_bytes + max_bytes, plus, while a call is in progress, its
 * descriptor array (24 bytes per message of a batch, 24 KiB at most).
 * The charges are allocation sizes: on a kernel with slab debugging, KASAN
 * or kmemleak every allocation takes more than its size (red zones,
 * tracking, metadata), and the messages' memory exceeds max_bytes by that
 * per-object overhead.  Delivered MSQ and STACK messages (their node is
 * in them) wait for an RCU grace period before they are freed; that
 * memory is shared by all queues and bounded module-wide
 * (lfq_stats.rcu_backlog).  All of it is charged to the memory cgroup of
 * the task that causes each allocation; at a cgroup limit a push or a
 * create fails with -ENOMEM, and no task is OOM-killed for it.
 *
 * Extensible structures
 * ---------------------
 * Every ioctl argument starts with "__u32 size", which the caller sets to
 * sizeof() of the structure as its header defines it.  The ioctl numbers
 * therefore carry no size (_IO, as iommufd does).  Input structures are read
 * with copy_struct_from_user() semantics: a caller with an older, shorter
 * structure gets defaults (zero) for the newer fields; a caller with a newer,
 * longer structure is accepted only if the bytes this kernel does not know
 * are all zero (otherwise -E2BIG).  For output structures the kernel writes
 * min(size, its own size) bytes and zeroes the rest up to size.  A size
 * smaller than the first published version of the structure (the
 * LFQ_*_SIZE_VER0 constants) is -EINVAL; a size above LFQ_STRUCT_SIZE_MAX
 * (4096 on every architecture) is -E2BIG whatever the tail holds.
 *
 * All fields are __u32 or __u64, user pointers travel as __u64, padding is
 * explicit and every structure is a multiple of 8 bytes, so the layout is
 * identical for 32-bit (i386, compat) and 64-bit callers.  Every flag bit
 * not defined here and every reserved field must be zero, or the call fails
 * with -EINVAL; this keeps them free for future use.  LFQ_IOC_FEATURES tells
 * which flags and kinds this kernel knows.
 *
 * Errors common to all ioctls
 * ---------------------------
 *   ENOTTY   unknown command, or a queue command on the device fd (or the
 *            other way round)
 *   EFAULT   the argument or a buffer it points to is not accessible
 *   EINVAL   size too small, unknown flag, non-zero reserved field, value
 *            out of range
 *   E2BIG    size larger than the kernel's structure with non-zero tail,
 *            or larger than LFQ_STRUCT_SIZE_MAX
 */
#ifndef _UAPI_LINUX_LFQ_H
#define _UAPI_LINUX_LFQ_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * Bumped when semantics change in a way a program could need to know.
 * 3: lfq_stats.cas_retries counts module-wide, no longer per queue.
 */
#define LFQ_ABI_VERSION		3

#define LFQ_IOC_MAGIC		'q'	/* 0x40-0x4f, see ioctl-number.rst */

/* Largest @size any ioctl argument may have, in bytes. */
#define LFQ_STRUCT_SIZE_MAX	4096

/*
 * Queue kinds (0 is never valid, so a zeroed structure is rejected).  A
 * kind's number never changes; which kinds the running module offers is
 * features.kinds (LFQ_IOC_FEATURES), and a module may offer fewer than
 * this header names.
 */
#define LFQ_KIND_MSQ		1	/* Michael-Scott queue: FIFO, unbounded, lock-free */
#define LFQ_KIND_STACK		2	/* Treiber stack: LIFO, unbounded, lock-free */
#define LFQ_KIND_RING		3	/* bounded FIFO ring, capacity 2^n */
#define LFQ_KIND_TLQ		4	/* two-lock queue: FIFO, unbounded, blocking */
/*
 * The highest kind this header names.  It grows when a kind is added, so a
 * program must not rely on it (to loop over the kinds, to size a table, to
 * make up an invalid kind): it asks LFQ_IOC_FEATURES (features.kinds).
 * The kernel uses it.
 */
#define LFQ_KIND_MAX		LFQ_KIND_TLQ

/**
 * struct lfq_features - argument of LFQ_IOC_FEATURES (device fd; output)
 * @size:            in: sizeof(struct lfq_features); out: the kernel's size
 * @abi_version:     LFQ_ABI_VERSION of the running module (it may differ
 *                   from the header a program was built with)
 * @kinds:           bit (1 << LFQ_KIND_x) set for each kind LFQ_IOC_CREATE
 *                   accepts; bit 0 is never set.  A kind whose bit is clear
 *                   is refused with EINVAL, whether or not this header
 *                   names it.
 * @create_flags:    all LFQ_CREATE_* flags this kernel accepts, for every
 *                   kind; any other bit is refused with EINVAL
 * @io_flags:        all LFQ_IO_* flags this kernel accepts in a batch, for
 *                   every kind; any other bit is refused with EINVAL
 * @max_msg:         largest max_msg a queue of any kind may have (module
 *                   parameter)
 * @max_ring_capacity: largest capacity of a RING (a power of two); the
 *                   other kinds have no capacity
 * @max_batch:       largest count in one batch ioctl, for every kind (a
 *                   RING's all-or-nothing batch is also bounded by its
 *                   capacity)
 * @max_queues:      most queues, of all kinds together, that may exist at
 *                   once (module parameter)
 * @nr_queues:       queues existing now, of all kinds, in all processes
 * @max_queue_bytes: largest byte budget (lfq_create.max_bytes) a queue of
 *                   any kind may have (module parameter)
 *
 * Programs take the kinds, flags and limits from here, never from the
 * constants of this header that grow (LFQ_KIND_MAX, LFQ_CREATE_FLAGS_ALL,
 * LFQ_IO_FLAGS_ALL).
 */
struct lfq_features {
	__u32 size;
	__u32 abi_version;
	__u32 kinds;
	__u32 create_flags;
	__u32 io_flags;
	__u32 max_msg;
	__u32 max_ring_capacity;
	__u32 max_batch;
	__u32 max_queues;
	__u32 nr_queues;
	__u64 max_queue_bytes;
};

#define LFQ_FEATURES_SIZE_VER0	48

/* LFQ_IOC_CREATE flags */
#define LFQ_CREATE_CLOEXEC	0x1U	/* the queue fd gets FD_CLOEXEC */
#define LFQ_CREATE_NONBLOCK	0x2U	/* the queue fd is O_NONBLOCK */
#define LFQ_CREATE_SHM		0x4U	/* a shared-memory ring, see below */
/* Grows with new flags: programs ask features.create_flags instead. */
#define LFQ_CREATE_FLAGS_ALL	(LFQ_CREATE_CLOEXEC | LFQ_CREATE_NONBLOCK | \
				 LFQ_CREATE_SHM)

/**
 * struct lfq_create - argument of LFQ_IOC_CREATE (device fd; input)
 * @size:      sizeof(struct lfq_create)
 * @kind:      LFQ_KIND_*, one whose bit is set in features.kinds
 * @capacity:  RING: number of messages, a power of two from 1 (2 with
 *             LFQ_CREATE_SHM) to max_ring_capacity.  Other kinds: must be 0 (they are bounded
 *             by @max_bytes only).
 * @max_msg:   largest message in bytes, 1 to features.max_msg; 0 means
 *             features.max_msg
 * @flags:     LFQ_CREATE_*
 * @reserved0: must be 0
 * @max_bytes: byte budget: the kernel memory the messages in the queue
 *             hold (their charge, see "Memory" above) never exceeds it; at
 *             most features.max_queue_bytes, and at least the charge of one
 *             message of @max_msg bytes (lfq_info.max_msg_charge); 0 means
 *             features.max_queue_bytes
 * @reserved:  must be 0
 *
 * Returns the new queue fd (>= 0) as the ioctl's return value.
 * Errors: EINVAL (bad kind, capacity, max_msg, max_bytes, flags, reserved;
 * max_bytes below the charge of one max_msg message),
 * EMFILE (max_queues queues exist, or no free fd), ENOMEM.
 * The queue's memory (messages, nodes, ring) is charged to the memory
 * cgroup of the task that causes each allocation.
 */
struct lfq_create {
	__u32 size;
	__u32 kind;
	__u32 capacity;
	__u32 max_msg;
	__u32 flags;
	__u32 reserved0;
	__u64 max_bytes;
	__u64 reserved[2];
};

#define LFQ_CREATE_SIZE_VER0	48

/* Per-call flags of LFQ_IOC_PUSH_BATCH and LFQ_IOC_POP_BATCH */
#define LFQ_IO_ALL		0x1U	/* all-or-nothing, else as many as possible */
#define LFQ_IO_NONBLOCK		0x2U	/* never sleep; as O_NONBLOCK for this call */
#define LFQ_IO_DEADLINE		0x4U	/* sleep no later than deadline_ns */
/* Grows with new flags: programs ask features.io_flags instead. */
#define LFQ_IO_FLAGS_ALL	(LFQ_IO_ALL | LFQ_IO_NONBLOCK | LFQ_IO_DEADLINE)

/**
 * struct lfq_msg_desc - one message of a batch
 * @addr:  user address of the message bytes (push) or of the buffer (pop)
 * @len:   push: message length, 1 to max_msg (0: EINVAL, more: EMSGSIZE).
 *         pop: in: buffer size, at least max_msg (else EMSGSIZE);
 *              out: length of the message stored there
 * @flags: must be 0 on input; 0 on output
 */
struct lfq_msg_desc {
	__u64 addr;
	__u32 len;
	__u32 flags;
};

/**
 * struct lfq_batch - argument of LFQ_IOC_PUSH_BATCH / LFQ_IOC_POP_BATCH
 * @size:        sizeof(struct lfq_batch)
 * @flags:       LFQ_IO_*, those set in features.io_flags; the same for
 *               every kind
 * @msgs:        user address of an array of @count struct lfq_msg_desc
 * @count:       number of descriptors, 0 to features.max_batch, for every
 *               kind; with LFQ_IO_ALL a RING's pop also at most its
 *               capacity, and a push at most its capacity and messages
 *               whose charges fit max_bytes (other kinds: max_bytes only)
 * @reserved:    must be 0
 * @deadline_ns: with LFQ_IO_DEADLINE: absolute CLOCK_MONOTONIC time in ns
 *               after which a sleeping call gives up with -ETIMEDOUT; a
 *               deadline already past means "do not sleep, fail with
 *               -ETIMEDOUT instead of -EAGAIN".  Without it: must be 0.
 *
 * The output of the call is its return value and, for pop, each
 * descriptor's @len; the structure itself is never written.  Pop order is
 * the kind's: oldest first for MSQ, RING and TLQ, newest first for STACK;
 * a batch pop fills @msgs in that order.  The ioctl returns the number of
 * messages pushed or popped.  All
 * descriptors are read and checked before anything is pushed or popped, so
 * a bad descriptor (EINVAL, EMSGSIZE) changes nothing.
 *
 * As many as possible (no LFQ_IO_ALL): like read()/write() on a pipe, the
 * call sleeps (unless non-blocking) until at least one message can move, then
 * moves as many as it can without sleeping again and returns that number,
 * 1 to @count.  If a fault happens after some messages were moved, the call
 * returns the number moved; for pop, the message whose copy faulted and all
 * later ones it had taken are put back first in line, in order.
 *
 * All-or-nothing (LFQ_IO_ALL): either all @count messages are moved and the
 * call returns @count, or none is and it fails (EAGAIN, ETIMEDOUT, ERESTARTSYS,
 * EFAULT, ENOMEM, ...).  For pop, if a copy to any buffer faults, every
 * message taken is put back first in line, in order; buffers already written
 * may have been modified.  @count larger than a ring's capacity, or push
 * messages whose charges sum above max_bytes, can never succeed: EINVAL.
 *
 * A push claims room for its messages before it copies them in; if a copy
 * faults or the kernel is out of memory (ENOMEM, also at a memory cgroup
 * limit), the call returns the number pushed before that message, or fails
 * if there is none (always, with LFQ_IO_ALL).
 * A RING moves an all-or-nothing batch as one contiguous block; the other
 * kinds guarantee all-or-nothing, but messages of concurrent callers may
 * interleave with the batch.  Blocking all-or-nothing calls wait for their
 * whole count: a push of n waiting for n free slots and a pop of n waiting
 * for n messages can wait for each other forever (for example on a ring of
 * capacity 2 holding one message, a push of 2 and a pop of 2); use a
 * deadline, a non-blocking call or a smaller count where that can happen.
 */
struct lfq_batch {
	__u32 size;
	__u32 flags;
	__u64 msgs;
	__u32 count;
	__u32 reserved;
	__u64 deadline_ns;
};

#define LFQ_BATCH_SIZE_VER0	32

/**
 * struct lfq_stats - argument of LFQ_IOC_STATS (queue fd; output)
 * @size:        in: sizeof(struct lfq_stats); out: the kernel's size
 * @flags:       in: must be 0; out: 0
 * @pushes:      messages pushed since creation (a batch counts each
 *               message), all kinds
 * @pops:        messages popped since creation, all kinds; a message put
 *               back (@putbacks) and popped again counts once
 * @push_full:   push attempts that found no room (each retry of a
 *               sleeping or all-or-nothing call counts): RING, no free
 *               slot or the byte budget used up; MSQ, STACK and TLQ, the
 *               byte budget used up (they have no slots)
 * @pop_empty:   pop attempts that found no message (or, all-or-nothing,
 *               fewer than asked), each retry counts; all kinds
 * @cas_retries: module-wide, like @rcu_backlog: failed compare-and-exchange
 *               attempts (and, for MSQ, inconsistent snapshots that made an
 *               operation start over) in every lfq structure, on every CPU,
 *               since the module was loaded (lfq_cas_retries()): this
 *               queue's, other queues' and those of kernel users alike.  A
 *               contention diagnostic: compare two readings taken around a
 *               run.  TLQ's own operations take locks and add nothing; a
 *               RING's preallocated buffer pool (see "Memory") adds its own.
 * @length:      messages a pop could take now, all kinds (the number on
 *               the STACK, in the RING's slots, in the MSQ or TLQ list);
 *               messages being pushed or popped are not counted
 * @bytes:       payload bytes of the messages in the queue now, all kinds,
 *               counting (as @mem_bytes does) those being pushed or popped
 * @peak_length: largest @length since creation; for a RING at most its
 *               capacity
 * @peak_bytes:  largest @bytes since creation
 * @rcu_backlog: module-wide, the same whichever queue is asked: MSQ and
 *               STACK messages of all queues, delivered but still waiting
 *               for an RCU grace period before being freed, plus the lfq
 *               nodes waiting likewise (lfq_rcu_backlog(): an MSQ's
 *               dummies, the kernel API's nodes).  RING and
 *               TLQ queues add nothing to it; it is not part of any
 *               queue's @mem_bytes, and is bounded module-wide.
 * @mem_bytes:   kernel memory charged to the byte budget now, in bytes: the
 *               messages in the queue, being pushed or being popped, each
 *               charged as "Memory" above says for its kind (a pooled RING
 *               charges each message a max_msg buffer); at most max_bytes
 * @peak_mem_bytes: largest @mem_bytes since creation
 * @putbacks:    messages put back first in line because the copy to a
 *               reader's buffer faulted; the next pop of any kind takes
 *               them first (for STACK as for the FIFO kinds)
 * @reserved:    0
 *
 * @bytes and @peak_bytes count payload; @mem_bytes counts memory.  The last
 * four fields are new in LFQ_STATS_SIZE_VER1; a caller with the VER0 size
 * does not get them.
 *
 * Counters are summed over per-CPU counters without stopping the queue, so
 * under concurrent use they are a consistent-enough snapshot, not an atomic
 * one.
 */
struct lfq_stats {
	__u32 size;
	__u32 flags;
	__u64 pushes;
	__u64 pops;
	__u64 push_full;
	__u64 pop_empty;
	__u64 cas_retries;
	__u64 length;
	__u64 bytes;
	__u64 peak_length;
	__u64 peak_bytes;
	__u64 rcu_backlog;
	__u64 mem_bytes;
	__u64 peak_mem_bytes;
	__u64 putbacks;
	__u64 reserved;
};

#define LFQ_STATS_SIZE_VER0	88
#define LFQ_STATS_SIZE_VER1	120

/**
 * struct lfq_info - argument of LFQ_IOC_INFO (queue fd; output)
 * @size:      in: sizeof(struct lfq_info); out: the kernel's size
 * @kind:      LFQ_KIND_* the queue was created with
 * @capacity:  RING: its number of slots, as created (a power of two).
 *             MSQ, STACK, TLQ: 0; they have no slots and are bounded by
 *             @max_bytes only.
 * @max_msg:   largest message in bytes, all kinds (lfq_create.max_msg, or
 *             features.max_msg where that was 0)
 * @max_bytes: byte budget, all kinds: bound on the memory the messages
 *             hold, in bytes (lfq_create.max_bytes, or
 *             features.max_queue_bytes where that was 0)
 * @fixed_bytes: kernel memory the queue holds whatever its contents, in
 *             bytes: its structure and per-CPU counters, and per kind
 *             MSQ and TLQ their dummy node, RING its slot array (and,
 *             when its max_msg buffers are preallocated, the ring that
 *             keeps the free ones; the buffers are within @max_bytes),
 *             STACK nothing more.  The queue holds at most
 *             @fixed_bytes + @max_bytes.
 * @max_msg_charge: bytes charged to the budget for a message of @max_msg
 *             bytes; smaller messages are charged no more.  MSQ, STACK,
 *             TLQ: the message buffer and one node; RING: the buffer only
 *             (and a preallocated RING charges every message this much)
 * @reserved:  0
 *
 * @fixed_bytes and @max_msg_charge are new in LFQ_INFO_SIZE_VER1.
 */
struct lfq_info {
	__u32 size;
	__u32 kind;
	__u32 capacity;
	__u32 max_msg;
	__u64 max_bytes;
	__u64 fixed_bytes;
	__u32 max_msg_charge;
	__u32 reserved;
};

#define LFQ_INFO_SIZE_VER0	24
#define LFQ_INFO_SIZE_VER1	40

/*
 * Shared-memory rings (LFQ_CREATE_SHM)
 * ------------------------------------
 * LFQ_IOC_CREATE with LFQ_CREATE_SHM and kind LFQ_KIND_RING makes a queue
 * whose ring and message storage live in pages that the queue fd maps with
 * mmap(MAP_SHARED).  Every process that maps it (after fork(), dup(),
 * SCM_RIGHTS) and the kernel (write()/read() on the queue fd, and kernel
 * code through lfq_shm_push()/lfq_shm_pop() of lfq.h) push and pop the same
 * messages; while the ring is neither empty nor full a process needs no
 * system call.  @capacity is a power of two (2 to max_ring_capacity),
 * @max_msg as for any queue, and the ring region's size (below) must be at
 * most @max_bytes (0: features.max_queue_bytes), else EINVAL.
 *
 * Two regions, selected by the mmap offset; their sizes and the offsets of
 * the words inside them are in struct lfq_shm_info (LFQ_IOC_SHM_INFO) and
 * in the header page itself:
 *
 *   LFQ_SHM_OFF_HDR   one page, struct lfq_shm_hdr, written by the kernel
 *                     only.  mmap() with PROT_WRITE fails with EACCES, and
 *                     mprotect(PROT_WRITE) on it later fails too.
 *   LFQ_SHM_OFF_RING  @ring_size bytes, read-write: the producer index, the
 *                     consumer index, two need-wakeup words and @capacity
 *                     slots of @slot_stride bytes.  Slot i starts at
 *                     @slots_off + i * @slot_stride and is struct
 *                     lfq_shm_slot followed by its payload.
 *
 * Any other offset, a length other than the region's size, a private
 * mapping, or mmap() of a queue made without LFQ_CREATE_SHM: EINVAL.
 * All words are __u32 (32-bit and 64-bit processes share one layout).
 *
 * The protocol (bounded MPMC ring with a sequence number per slot,
 * D. Vyukov, "Bounded MPMC queue", 2010; the ring kind of lfq.h):
 * indices count up and wrap at 2^32; slot of index p is p & (capacity-1).
 *   push: p = prod; if slot.seq == p, compare-and-exchange prod p -> p+1;
 *         on success write len and payload, then store seq = p+1 with
 *         release semantics.  seq < p (as a signed difference): full.
 *   pop:  c = cons; if slot.seq == c+1, compare-and-exchange cons c -> c+1;
 *         on success (acquire on seq) read len (1..max_msg, else the ring
 *         is corrupt) and payload, then store seq = c + capacity with
 *         release semantics.  seq < c+1: empty.
 * The slots start with seq = i (i = 0..capacity-1), prod = cons = 0.
 *
 * Blocking (need wakeup, as AF_XDP): a consumer that finds the ring empty
 * sleeps in poll()/epoll, read() or LFQ_IOC_SHM_WAIT; the kernel sets
 * @cons_wait to 1 while it has such a sleeper (@prod_wait for producers
 * waiting for room) after queueing it, then issues a full barrier and
 * looks at the ring again before sleeping.  A producer, after the release
 * store of seq, issues a full barrier (atomic_thread_fence(
 * memory_order_seq_cst)), reads @cons_wait, and only if it is set
 * exchanges it with 0 and calls LFQ_IOC_SHM_WAKE with LFQ_SHM_IN (consumers
 * the same with @prod_wait and LFQ_SHM_OUT).  Either the sleeper sees the
 * message or the producer sees the flag: no wakeup is lost, and a producer
 * makes a system call only when someone sleeps.  With edge-triggered epoll
 * a consumer that found the ring empty must set @cons_wait itself (full
 * barrier, look again) before epoll_wait(); liblfq's lfq_shm_arm() does.
 * Kernel producers and consumers (write(), read(), lfq_shm_push()) wake
 * every sleeper they find whatever the flags say.
 *
 * Safety: the kernel never trusts the read-write region.  It keeps its own
 * copy of the geometry, reads each shared word once, masks every index and
 * checks every length; a slot whose length is out of range marks the ring
 * broken: @broken in the header becomes non-zero, sleepers wake with
 * EPOLLERR, and every later kernel operation on it (read(), write(),
 * LFQ_IOC_SHM_WAIT, lfq_shm_push()/pop()) fails with EUCLEAN.  Other
 * queues are not affected.  A process that writes garbage can only lose or
 * corrupt the messages of this ring.
 *
 * On a shared-memory queue, write() pushes one message and read() pops one
 * through the ring (blocking as on any queue, O_NONBLOCK honoured); a
 * message read() popped is lost if copying it to the caller's buffer
 * faults (EFAULT): unlike other queues it cannot be put back.
 * LFQ_IOC_PUSH_BATCH and LFQ_IOC_POP_BATCH fail with EOPNOTSUPP;
 * LFQ_IOC_STATS reports @length only (the other counters are 0),
 * LFQ_IOC_INFO works as for a RING (@max_bytes is the ring region's size,
 * @max_msg_charge is @slot_stride).  The pages are charged to the memory
 * cgroup of the creator and freed when the last fd and mapping are gone.
 */
#define LFQ_SHM_OFF_HDR		0x0ULL
#define LFQ_SHM_OFF_RING	0x10000000ULL

#define LFQ_SHM_MAGIC		0x6c667173U	/* "lfqs" */
#define LFQ_SHM_VERSION		1

/* @broken: why the kernel gave up on the ring (0: it did not) */
#define LFQ_SHM_BROKEN_LEN	1	/* a slot's length out of 1..max_msg */

/**
 * struct lfq_shm_hdr - the read-only header page of a shared-memory ring
 * @magic:       LFQ_SHM_MAGIC
 * @version:     LFQ_SHM_VERSION
 * @capacity:    slots, a power of two
 * @max_msg:     largest payload in bytes
 * @slot_stride: bytes from one slot to the next (a multiple of 8)
 * @broken:      0, or LFQ_SHM_BROKEN_*: the kernel found the ring corrupt
 * @ring_size:   bytes of the LFQ_SHM_OFF_RING region (a multiple of the
 *               page size)
 * @prod_off:    offset in the ring region of the producer index (__u32)
 * @cons_off:    of the consumer index (__u32)
 * @prod_wait_off: of the word set while a producer sleeps (__u32)
 * @cons_wait_off: of the word set while a consumer sleeps (__u32)
 * @slots_off:   of slot 0
 * @reserved:    0
 */
struct lfq_shm_hdr {
	__u32 magic;
	__u32 version;
	__u32 capacity;
	__u32 max_msg;
	__u32 slot_stride;
	__u32 broken;
	__u64 ring_size;
	__u32 prod_off;
	__u32 cons_off;
	__u32 prod_wait_off;
	__u32 cons_wait_off;
	__u32 slots_off;
	__u32 reserved;
};

/**
 * struct lfq_shm_slot - the start of a slot; @len payload bytes follow
 * @seq: sequence number (see the protocol above)
 * @len: payload length, 1..max_msg, written by the producer
 */
struct lfq_shm_slot {
	__u32 seq;
	__u32 len;
};

/**
 * struct lfq_shm_info - argument of LFQ_IOC_SHM_INFO (queue fd; output)
 * @size:       in: sizeof(struct lfq_shm_info); out: the kernel's size
 * @flags:      in: must be 0; out: 0
 * @hdr_off:    mmap offset of the header page (LFQ_SHM_OFF_HDR)
 * @hdr_size:   its length in bytes (the page size)
 * @ring_off:   mmap offset of the ring region (LFQ_SHM_OFF_RING); its
 *              length is @hdr.ring_size
 * @hdr:        a copy of the header page (the geometry, @hdr.broken now)
 * @wakes:      LFQ_IOC_SHM_WAKE calls on this queue since creation
 * @waits:      LFQ_IOC_SHM_WAIT calls on this queue since creation
 *
 * On a queue made without LFQ_CREATE_SHM: ENOTTY.
 */
struct lfq_shm_info {
	__u32 size;
	__u32 flags;
	__u64 hdr_off;
	__u64 hdr_size;
	__u64 ring_off;
	struct lfq_shm_hdr hdr;
	__u64 wakes;
	__u64 waits;
};

#define LFQ_SHM_INFO_SIZE_VER0	104

/* lfq_shm_wait.events */
#define LFQ_SHM_IN		0x1U	/* a message to pop (consumers) */
#define LFQ_SHM_OUT		0x2U	/* a free slot (producers) */

/* lfq_shm_wait.flags */
#define LFQ_SHM_WAIT_DEADLINE	0x1U	/* give up at deadline_ns */

/**
 * struct lfq_shm_wait - argument of LFQ_IOC_SHM_WAIT and LFQ_IOC_SHM_WAKE
 * @size:        sizeof(struct lfq_shm_wait)
 * @flags:       WAIT: 0 or LFQ_SHM_WAIT_DEADLINE; WAKE: 0
 * @events:      LFQ_SHM_IN, LFQ_SHM_OUT or both (not 0)
 * @reserved:    0
 * @deadline_ns: WAIT with LFQ_SHM_WAIT_DEADLINE: absolute CLOCK_MONOTONIC
 *               time at which to give up (ETIMEDOUT); otherwise 0
 *
 * LFQ_IOC_SHM_WAIT sleeps until one of @events holds (a message at the
 * consumer index, a free slot at the producer index) and returns those
 * that hold (> 0); while it sleeps the matching need-wakeup word is set.
 * Errors: EUCLEAN (the ring is broken), ERESTARTSYS/EINTR (a signal),
 * ETIMEDOUT, EAGAIN (none holds and the fd is O_NONBLOCK).
 * LFQ_IOC_SHM_WAKE wakes every sleeper waiting for @events (sleepers of
 * LFQ_IOC_SHM_WAIT, read()/write(), poll and epoll) and returns 0.  Both:
 * ENOTTY on a queue made without LFQ_CREATE_SHM.
 */
struct lfq_shm_wait {
	__u32 size;
	__u32 flags;
	__u32 events;
	__u32 reserved;
	__u64 deadline_ns;
};

#define LFQ_SHM_WAIT_SIZE_VER0	24

/* On the device fd (/dev/lfq) */
#define LFQ_IOC_FEATURES	_IO(LFQ_IOC_MAGIC, 0x40)	/* struct lfq_features */
#define LFQ_IOC_CREATE		_IO(LFQ_IOC_MAGIC, 0x41)	/* struct lfq_create */

/* On a queue fd */
#define LFQ_IOC_PUSH_BATCH	_IO(LFQ_IOC_MAGIC, 0x48)	/* struct lfq_batch */
#define LFQ_IOC_POP_BATCH	_IO(LFQ_IOC_MAGIC, 0x49)	/* struct lfq_batch */
#define LFQ_IOC_STATS		_IO(LFQ_IOC_MAGIC, 0x4a)	/* struct lfq_stats */
#define LFQ_IOC_INFO		_IO(LFQ_IOC_MAGIC, 0x4b)	/* struct lfq_info */
/* On a shared-memory queue fd (LFQ_CREATE_SHM) */
#define LFQ_IOC_SHM_INFO	_IO(LFQ_IOC_MAGIC, 0x4c)	/* struct lfq_shm_info */
#define LFQ_IOC_SHM_WAIT	_IO(LFQ_IOC_MAGIC, 0x4d)	/* struct lfq_shm_wait */
#define LFQ_IOC_SHM_WAKE	_IO(LFQ_IOC_MAGIC, 0x4e)	/* struct lfq_shm_wait */

#endif /* _UAPI_LINUX_LFQ_H */

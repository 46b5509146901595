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
/* Grows with new flags: programs ask features.create_flags instead. */
#define LFQ_CREATE_FLAGS_ALL	(LFQ_CREATE_CLOEXEC | LFQ_CREATE_NONBLOCK)

/**
 * struct lfq_create - argument of LFQ_IOC_CREATE (device fd; input)
 * @size:      sizeof(struct lfq_create)
 * @kind:      LFQ_KIND_*, one whose bit is set in features.kinds
 * @capacity:  RING: number of messages, a power of two from 1 to
 *             max_ring_capacity.  Other kinds: must be 0 (they are bounded
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

/* On the device fd (/dev/lfq) */
#define LFQ_IOC_FEATURES	_IO(LFQ_IOC_MAGIC, 0x40)	/* struct lfq_features */
#define LFQ_IOC_CREATE		_IO(LFQ_IOC_MAGIC, 0x41)	/* struct lfq_create */

/* On a queue fd */
#define LFQ_IOC_PUSH_BATCH	_IO(LFQ_IOC_MAGIC, 0x48)	/* struct lfq_batch */
#define LFQ_IOC_POP_BATCH	_IO(LFQ_IOC_MAGIC, 0x49)	/* struct lfq_batch */
#define LFQ_IOC_STATS		_IO(LFQ_IOC_MAGIC, 0x4a)	/* struct lfq_stats */
#define LFQ_IOC_INFO		_IO(LFQ_IOC_MAGIC, 0x4b)	/* struct lfq_info */

#endif /* _UAPI_LINUX_LFQ_H */

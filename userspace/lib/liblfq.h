/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * liblfq.h - a small C library over /dev/lfq
 *
 * SYNOPSIS
 *	#include <liblfq.h>
 *	cc ... $(pkg-config --cflags --libs lfq)
 *
 *	struct lfq *lfq_queue_create(unsigned int kind, unsigned int capacity,
 *				     unsigned int max_msg, unsigned int flags);
 *	struct lfq *lfq_queue_create_attr(const struct lfq_create *attr);
 *	struct lfq *lfq_from_fd(int fd);
 *	int lfq_fd(const struct lfq *q);
 *	int lfq_close(struct lfq *q);
 *
 *	int lfq_push(struct lfq *q, const void *buf, size_t len);
 *	ssize_t lfq_pop(struct lfq *q, void *buf, size_t size);
 *	int lfq_push_many(struct lfq *q, const struct iovec *iov,
 *			  unsigned int n, unsigned int flags,
 *			  long long timeout_ns);
 *	int lfq_pop_many(struct lfq *q, struct iovec *iov, unsigned int n,
 *			 unsigned int flags, long long timeout_ns);
 *
 *	int lfq_queue_stats(struct lfq *q, struct lfq_stats *st);
 *	int lfq_queue_info(struct lfq *q, struct lfq_info *info);
 *	int lfq_dev_features(struct lfq_features *f);
 *	const char *lfq_kind_name(unsigned int kind);
 *	int lfq_kind_from_name(const char *name);
 *
 *	struct lfq_shm *lfq_shm_map(int fd);
 *	int lfq_shm_unmap(struct lfq_shm *m);
 *	int lfq_shm_push(struct lfq_shm *m, const void *buf, size_t len);
 *	ssize_t lfq_shm_pop(struct lfq_shm *m, void *buf, size_t size);
 *	int lfq_shm_push_many(struct lfq_shm *m, const struct iovec *iov,
 *			      unsigned int n);
 *	int lfq_shm_pop_many(struct lfq_shm *m, struct iovec *iov,
 *			     unsigned int n);
 *	int lfq_shm_arm(struct lfq_shm *m, unsigned int events);
 *	int lfq_shm_wait(struct lfq_shm *m, unsigned int events,
 *			 long long timeout_ns);
 *	int lfq_shm_wait_spin(struct lfq_shm *m, unsigned int events,
 *			      unsigned int polls, long long timeout_ns);
 *
 * DESCRIPTION
 *	A queue lives in the kernel and is reached through a file descriptor
 *	(see <linux/lfq.h> for the full semantics).  A struct lfq wraps that
 *	descriptor and caches the queue's kind and limits.  The library
 *	starts no threads, installs no signal handlers and keeps no hidden
 *	file descriptors: lfq_queue_create() and lfq_dev_features() open
 *	/dev/lfq and close it again before returning.
 *
 *	The functions are named for what they act on, lfq_queue_*() a queue
 *	and lfq_dev_*() the device, never like the uapi structures they
 *	fill (struct lfq_stats, struct lfq_info, ...).
 *
 *	lfq_queue_create() makes a queue.  @kind is one of the LFQ_KIND_*
 *	that the running module offers (lfq_dev_features(): bit 1 << kind of
 *	features.kinds); @capacity is the ring's size (a power of two, 1 or
 *	more) and must be 0 for the other kinds; @max_msg is the largest
 *	message in bytes (0: the module's maximum); @flags is a set of the
 *	LFQ_CREATE_* flags the module offers (features.create_flags).
 *	lfq_queue_create_attr() takes the full ioctl structure instead (byte
 *	budget, future fields); its size field is filled in by the library if
 *	zero.
 *
 *	lfq_from_fd() wraps a queue fd received otherwise (inherited, passed
 *	with SCM_RIGHTS); the handle owns the fd from then on.  lfq_fd()
 *	returns the descriptor, for poll()/epoll or for handing on.
 *	lfq_close() closes the descriptor and frees the handle; the queue
 *	itself goes away when its last descriptor in any process is closed.
 *
 *	lfq_push() pushes one message of @len bytes (1 to max_msg).
 *	lfq_pop() pops one message into @buf, which must hold at least
 *	max_msg bytes (else EMSGSIZE and nothing is popped), and returns its
 *	length.  Both block as a pipe does unless the queue fd is
 *	O_NONBLOCK.
 *
 *	lfq_push_many() and lfq_pop_many() move up to @n messages in one
 *	system call.  For pop, each iov_len is the buffer size on input (at
 *	least max_msg) and the message length on return.  @flags:
 *	LFQ_IO_ALL (all @n or none; otherwise as many as possible, at least
 *	one) and LFQ_IO_NONBLOCK (never sleep), where features.io_flags has
 *	them.  @timeout_ns < 0 sleeps as
 *	long as needed; >= 0 gives up after that many nanoseconds with
 *	ETIMEDOUT (it becomes an absolute CLOCK_MONOTONIC deadline, so an
 *	automatic restart after a signal does not extend it).
 *
 *	lfq_queue_stats() and lfq_queue_info() fill the uapi structures;
 *	lfq_dev_features() reports what the running module supports: its
 *	kinds and flags, which a program asks for rather than assuming them
 *	from LFQ_KIND_MAX or LFQ_*_FLAGS_ALL (those grow with the header).
 *
 *	lfq_kind_name() and lfq_kind_from_name() translate between a kind and
 *	its name ("msq", "stack", "ring", "tlq"), from the library's one
 *	table; lfq_kind_name() returns "unknown" for a kind it does not name.
 *
 *	Shared-memory rings.  A queue created with LFQ_CREATE_SHM (kind
 *	LFQ_KIND_RING) is a ring in pages its fd maps; <linux/lfq.h> has
 *	the layout and the protocol.  lfq_shm_map() maps it (one ioctl,
 *	one fcntl(F_DUPFD_CLOEXEC), two mmap() calls) and checks the
 *	geometry; the handle keeps a duplicate of @fd for its wake and wait
 *	calls (lfq_shm_fd() returns it), so the caller may close @fd.
 *	lfq_shm_unmap() unmaps, closes the duplicate and frees the handle
 *	(two munmap(), one close()).  The ring stays until the last fd and
 *	mapping are gone.
 *
 *	lfq_shm_push() and lfq_shm_pop() move one message with atomic
 *	operations on the mapping and make NO system call, except one
 *	ioctl (LFQ_IOC_SHM_WAKE) when the other side has a sleeper (its
 *	need-wakeup word is set).  They never sleep: a full ring (push) or
 *	an empty one (pop) gives EAGAIN.  lfq_shm_pop()'s @size must be
 *	at least max_msg.  lfq_shm_push_many() and lfq_shm_pop_many() move
 *	up to @n messages (pop: iov_len is the buffer size in, the length
 *	out) with at most one such ioctl for the whole batch, stop at the
 *	first message that cannot move, and return how many moved.
 *
 *	lfq_shm_wait() sleeps in the kernel (one ioctl, LFQ_IOC_SHM_WAIT)
 *	until one of @events (LFQ_SHM_IN: a message to pop, LFQ_SHM_OUT: a
 *	free slot) holds, and returns those that hold; @timeout_ns as for
 *	lfq_push_many().  It never spins: the kernel sleeps until one of
 *	@events holds (it returns at once if one does), a signal arrives,
 *	@timeout_ns passes or the ring is found broken (EUCLEAN).  What
 *	wakes a sleeper: a push or pop of liblfq on the other side
 *	(LFQ_IOC_SHM_WAKE), the kernel's own push or pop on the ring
 *	(write() or read() on its fd, lfq_shm_push()/lfq_shm_pop() of a
 *	module), or the kernel giving up on a corrupt ring.
 *
 *	lfq_shm_wait_spin() first spins: it looks at the ring up to @polls
 *	times, making NO system call and no store while it spins, and
 *	returns the events as soon as one holds.  Each look loads two
 *	32-bit words per event (the index and the sequence number of the
 *	slot it names) and, when no event holds, the header's broken word
 *	(EUCLEAN if set), then gives a CPU pause hint (PAUSE on x86, YIELD
 *	on arm64).  Only if none holds after @polls looks does it sleep as
 *	lfq_shm_wait() does (@timeout_ns counts from there).
 *	LIBLFQ_SHM_SPIN_POLLS (256) is a spin a few times a sleep and
 *	wakeup's cost: 17 us on an AMD EPYC (PAUSE takes tens to 140
 *	cycles, depending on the CPU; shmbench's "spin" line measures it
 *	where it runs).  A producer and a consumer that keep each other busy
 *	then make almost no system call: a side that finds the ring empty
 *	(full) usually sees the other side move within the spin and never
 *	arms the need-wakeup word.  @polls = 0 is lfq_shm_wait().
 *
 *	poll()/epoll on lfq_shm_fd() work as well; before an
 *	edge-triggered epoll_wait() a side that found the ring empty or
 *	full calls lfq_shm_arm() (no system call): it sets the
 *	need-wakeup word(s) of @events and returns the events that hold
 *	after that (0: sleeping is safe, a waker will call the kernel).
 *
 *	lfq_shm_broken() returns the header's broken word (no system call):
 *	non-zero once the kernel gave up on a corrupt ring.
 *
 * RETURN VALUE
 *	lfq_queue_create(), lfq_queue_create_attr() and lfq_from_fd() return
 *	a handle, or NULL with errno set.  lfq_pop() returns the message length;
 *	lfq_push_many() and lfq_pop_many() the number of messages moved; the
 *	other functions 0.  On error they return -1 and set errno.
 *
 * ERRORS
 *	EAGAIN     non-blocking and the queue is empty (pop) or full (push);
 *	           (lfq_shm_wait(), lfq_shm_wait_spin()) an O_NONBLOCK fd
 *	           and none of @events holds
 *	EINTR      a signal arrived while sleeping (without SA_RESTART)
 *	ETIMEDOUT  @timeout_ns passed
 *	EMSGSIZE   message longer than max_msg, or pop buffer shorter
 *	EINVAL     bad kind, capacity, flags or length; batch larger than
 *	           the kernel's max_batch; (lfq_shm_wait(),
 *	           lfq_shm_wait_spin()) @events 0 or with unknown bits
 *	EFAULT     a buffer is not accessible; nothing is lost (see
 *	           <linux/lfq.h>)
 *	ENOENT     /dev/lfq does not exist (module not loaded)
 *	EACCES     no permission to open /dev/lfq (mode 0600 unless a udev
 *	           rule grants a group access: README, lfqctl(1))
 *	EMFILE     too many queues or file descriptors
 *	ENOMEM     out of memory
 *	EUCLEAN    (shared-memory rings) the kernel found the ring corrupt
 *	EBADMSG    (lfq_shm_pop*()) the slot popped had a length out of
 *	           1..max_msg: the message is lost (a process wrote garbage)
 *	EPROTO     (lfq_shm_map()) the kernel's geometry is inconsistent
 *	ENOTTY     (lfq_shm_map(), lfq_shm_wait(), lfq_shm_wait_spin())
 *	           not a shared-memory queue
 *	EBADF      (lfq_shm_wait(), lfq_shm_wait_spin()) lfq_shm_fd()'s
 *	           descriptor was closed; they fail as ioctl() fails
 *
 * The man page liblfq(3) says the same (userspace/man/liblfq.3).
 *
 * THREAD SAFETY
 *	All calls on one handle may be made from many threads at once,
 *	except lfq_close(), which must be the last call on the handle.
 */
#ifndef LIBLFQ_H
#define LIBLFQ_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <linux/lfq.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LIBLFQ_DEVICE	"/dev/lfq"

struct lfq;

struct lfq *lfq_queue_create(unsigned int kind, unsigned int capacity,
			     unsigned int max_msg, unsigned int flags);
struct lfq *lfq_queue_create_attr(const struct lfq_create *attr);
struct lfq *lfq_from_fd(int fd);
int lfq_fd(const struct lfq *q);
int lfq_close(struct lfq *q);

int lfq_push(struct lfq *q, const void *buf, size_t len);
ssize_t lfq_pop(struct lfq *q, void *buf, size_t size);
int lfq_push_many(struct lfq *q, const struct iovec *iov, unsigned int n,
		  unsigned int flags, long long timeout_ns);
int lfq_pop_many(struct lfq *q, struct iovec *iov, unsigned int n,
		 unsigned int flags, long long timeout_ns);

int lfq_queue_stats(struct lfq *q, struct lfq_stats *st);
int lfq_queue_info(struct lfq *q, struct lfq_info *info);
int lfq_dev_features(struct lfq_features *f);

/* Cached at creation: the queue's kind, ring capacity and max_msg. */
unsigned int lfq_kind(const struct lfq *q);
unsigned int lfq_capacity(const struct lfq *q);
unsigned int lfq_max_msg(const struct lfq *q);

const char *lfq_kind_name(unsigned int kind);
int lfq_kind_from_name(const char *name);

struct lfq_shm;

struct lfq_shm *lfq_shm_map(int fd);
int lfq_shm_unmap(struct lfq_shm *m);
int lfq_shm_fd(const struct lfq_shm *m);
unsigned int lfq_shm_capacity(const struct lfq_shm *m);
unsigned int lfq_shm_max_msg(const struct lfq_shm *m);
unsigned int lfq_shm_broken(const struct lfq_shm *m);
int lfq_shm_push(struct lfq_shm *m, const void *buf, size_t len);
ssize_t lfq_shm_pop(struct lfq_shm *m, void *buf, size_t size);
int lfq_shm_push_many(struct lfq_shm *m, const struct iovec *iov,
		      unsigned int n);
int lfq_shm_pop_many(struct lfq_shm *m, struct iovec *iov, unsigned int n);
int lfq_shm_arm(struct lfq_shm *m, unsigned int events);
int lfq_shm_wait(struct lfq_shm *m, unsigned int events,
		 long long timeout_ns);
int lfq_shm_wait_spin(struct lfq_shm *m, unsigned int events,
		      unsigned int polls, long long timeout_ns);

/* lfq_shm_wait_spin()'s @polls for a spin of the order of a sleep + wakeup */
#define LIBLFQ_SHM_SPIN_POLLS	256

#ifdef __cplusplus
}
#endif

#endif /* LIBLFQ_H */

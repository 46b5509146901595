// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_fops.c - the file of a queue fd: read/write/poll and its ioctls
 *
 * A queue fd's file operations move bytes between the caller and the
 * messages of the queue engine (lfq_queue.h): write() and writev() push one
 * message, read() and readv() pop one, LFQ_IOC_PUSH_BATCH/POP_BATCH move
 * many, LFQ_IOC_STATS and LFQ_IOC_INFO report.  The semantics are in
 * uapi/linux/lfq.h.
 *
 * Every ioctl of /dev/lfq, on the device fd (lfq_factory.c) and on a queue
 * fd (here), takes one size-prefixed structure; lfq_ioctl() looks the
 * command up in the caller's table and does the copying, so a handler sees
 * a kernel copy only.
 */
#include <linux/anon_inodes.h>
#include <linux/build_bug.h>
#include <linux/compat.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uio.h>

#include "lfq_internal.h"
#include "lfq_queue.h"

/**
 * lfq_ioctl() - run an ioctl of a table, copying its structure in or out
 * @file: the file the ioctl came on
 * @ops: the table of the file's ioctls
 * @nr_ops: entries in @ops
 * @cmd: the command
 * @arg: the user's size-prefixed structure
 *
 * The structure's first word is its size as the caller knows it: at
 * least the command's LFQ_*_SIZE_VER0, at most LFQ_STRUCT_SIZE_MAX.  An
 * input is read with copy_struct_from_user() (a tail the kernel does not
 * know must be zero); an output is written back as far as both sides
 * know it, with the kernel's size in its first word, and the rest of the
 * caller's structure is cleared.
 *
 * The buffer for the kernel's copy is LFQ_IOCTL_BUF_SIZE bytes; the
 * table macros check each structure against it at build time.
 *
 * Context: process context.
 * Return: -ENOTTY for a command not in @ops; -EFAULT, -EINVAL or -E2BIG
 * for a bad structure; else what the handler returns (0 for an output).
 */
long lfq_ioctl(struct file *file, const struct lfq_ioctl_op *ops,
	       size_t nr_ops, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	u64 buf[LFQ_IOCTL_BUF_SIZE / sizeof(u64)];
	const struct lfq_ioctl_op *op;
	u32 usize, flags = 0;
	long ret;

	for (op = ops; op < ops + nr_ops; op++)
		if (op->cmd == cmd)
			break;
	if (op == ops + nr_ops)
		return -ENOTTY;

	if (get_user(usize, (u32 __user *)uarg) ||
	    (op->flags_in && get_user(flags, (u32 __user *)uarg + 1)))
		return -EFAULT;
	if (usize < op->min_size)
		return -EINVAL;
	if (usize > LFQ_STRUCT_SIZE_MAX)
		return -E2BIG;

	if (!op->out) {
		ret = copy_struct_from_user(buf, op->size, uarg, usize);
		return ret ?: op->fn(file, buf);
	}

	/* An output's other words are not read, except its input flags. */
	if (flags)
		return -EINVAL;
	memset(buf, 0, op->size);
	*(u32 *)buf = op->size;		/* every structure starts with @size */
	ret = op->fn(file, buf);
	if (ret)
		return ret;
	if (copy_to_user(uarg, buf, min_t(size_t, usize, op->size)))
		return -EFAULT;
	if (usize > op->size && clear_user(uarg + op->size, usize - op->size))
		return -EFAULT;
	return 0;
}

static bool lfq_nonblock(struct file *file, u32 flags)
{
	return (file->f_flags & O_NONBLOCK) || (flags & LFQ_IO_NONBLOCK);
}

static bool lfq_iocb_nonblock(const struct kiocb *iocb)
{
	return (iocb->ki_filp->f_flags & O_NONBLOCK) ||
	       (iocb->ki_flags & IOCB_NOWAIT);
}

/*
 * read(), readv(), preadv2(-1), io_uring reads: one message per call, as
 * on a SOCK_SEQPACKET socket, spread over the buffers in order.  The
 * buffers together must hold max_msg bytes, so no message is ever cut.
 */
static ssize_t lfq_queue_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct lfq_queue *q = iocb->ki_filp->private_data;
	struct lfq_kmsg *m;
	ssize_t ret;

	if (iov_iter_count(to) < q->max_msg)
		return -EMSGSIZE;
	ret = lfq_pop_msgs(q, &m, 1, true, lfq_iocb_nonblock(iocb), NULL);
	if (ret < 0)
		return ret;
	ret = m->len;
	if (copy_to_iter(lfq_kmsg_data(m), m->len, to) != m->len) {
		lfq_putback(q, &m, 1);
		return -EFAULT;
	}
	lfq_delivered(q, &m, 1);
	return ret;
}

/*
 * write(), writev(), pwritev2(-1), io_uring writes: the bytes of all the
 * buffers together are one message.
 */
static ssize_t lfq_queue_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct lfq_queue *q = iocb->ki_filp->private_data;
	size_t count = iov_iter_count(from);
	struct lfq_msg_desc d = { .len = count };
	struct lfq_kmsg *m;
	int ret;

	if (!count)
		return 0;
	if (count > q->max_msg)
		return -EMSGSIZE;
	ret = lfq_push_msgs(q, &d, &m, 1, true, from,
			    lfq_iocb_nonblock(iocb), NULL);
	return ret < 0 ? ret : count;
}

static __poll_t lfq_queue_poll(struct file *file, poll_table *wait)
{
	struct lfq_queue *q = file->private_data;

	poll_wait(file, &q->rwq, wait);
	poll_wait(file, &q->wwq, wait);
	/* lfq_queue_events() orders these entries before it reads the state */
	return lfq_queue_events(q);
}

/*
 * Check the batch @b and copy its descriptors in (*@descs, NULL when
 * @b->count is 0).
 */
static int lfq_batch_get(struct lfq_queue *q, const struct lfq_batch *b,
			 struct lfq_msg_desc **descs, ktime_t *deadline)
{
	if (b->flags & ~LFQ_IO_FLAGS_ALL || b->reserved)
		return -EINVAL;
	if (!(b->flags & LFQ_IO_DEADLINE) && b->deadline_ns)
		return -EINVAL;
	if (b->deadline_ns > KTIME_MAX)
		return -EINVAL;
	*deadline = (ktime_t)b->deadline_ns;
	if (b->count > LFQ_MAX_BATCH)
		return -EINVAL;
	if (b->flags & LFQ_IO_ALL) {
		/* Could never succeed. */
		if (q->capacity && b->count > q->capacity)
			return -EINVAL;
		if ((u64)b->count * lfq_msg_charge(q, 1) > q->max_bytes)
			return -EINVAL;
	}
	*descs = NULL;
	if (!b->count)
		return 0;
	*descs = kvmalloc_array(b->count, sizeof(**descs), LFQ_GFP);
	if (!*descs)
		return -ENOMEM;
	if (copy_from_user(*descs, u64_to_user_ptr(b->msgs),
			   array_size(b->count, sizeof(**descs)))) {
		kvfree(*descs);
		return -EFAULT;
	}
	return 0;
}

static long lfq_ioc_push_batch(struct file *file, void *arg)
{
	struct lfq_queue *q = file->private_data;
	const struct lfq_batch *b = arg;
	struct lfq_msg_desc *d = NULL;
	struct lfq_kmsg **msgs = NULL;
	ktime_t deadline;
	u64 total = 0;
	unsigned int i;
	bool all;
	long ret;

	ret = lfq_batch_get(q, b, &d, &deadline);
	if (ret || !b->count)
		return ret;
	all = b->flags & LFQ_IO_ALL;

	/* Check every descriptor before touching anything. */
	for (i = 0; i < b->count; i++) {
		if (d[i].flags || !d[i].len) {
			ret = -EINVAL;
			goto out;
		}
		if (d[i].len > q->max_msg) {
			ret = -EMSGSIZE;
			goto out;
		}
		total += lfq_msg_charge(q, d[i].len);
	}
	if (all && total > q->max_bytes) {
		ret = -EINVAL;
		goto out;
	}

	msgs = kvmalloc_array(b->count, sizeof(*msgs), LFQ_GFP);
	if (!msgs) {
		ret = -ENOMEM;
		goto out;
	}
	/* Room first, then allocation and copy: see lfq_queue.c. */
	ret = lfq_push_msgs(q, d, msgs, b->count, all, NULL,
			    lfq_nonblock(file, b->flags),
			    b->flags & LFQ_IO_DEADLINE ? &deadline : NULL);
out:
	kvfree(msgs);
	kvfree(d);
	return ret;
}

static long lfq_ioc_pop_batch(struct file *file, void *arg)
{
	struct lfq_queue *q = file->private_data;
	const struct lfq_batch *b = arg;
	struct lfq_msg_desc __user *ud;
	struct lfq_msg_desc *d = NULL;
	struct lfq_kmsg **msgs;
	unsigned int i, k;
	ktime_t deadline;
	bool all;
	long ret;

	ret = lfq_batch_get(q, b, &d, &deadline);
	if (ret || !b->count)
		return ret;
	all = b->flags & LFQ_IO_ALL;
	ud = u64_to_user_ptr(b->msgs);

	for (i = 0; i < b->count; i++) {
		if (d[i].flags) {
			ret = -EINVAL;
			goto out;
		}
		if (d[i].len < q->max_msg) {
			ret = -EMSGSIZE;
			goto out;
		}
	}

	msgs = kvmalloc_array(b->count, sizeof(*msgs), LFQ_GFP);
	if (!msgs) {
		ret = -ENOMEM;
		goto out;
	}
	ret = lfq_pop_msgs(q, msgs, b->count, all,
			   lfq_nonblock(file, b->flags),
			   b->flags & LFQ_IO_DEADLINE ? &deadline : NULL);
	if (ret <= 0)
		goto out_msgs;
	k = ret;

	for (i = 0; i < k; i++) {
		if (copy_to_user(u64_to_user_ptr(d[i].addr),
				 lfq_kmsg_data(msgs[i]),
				 msgs[i]->len) ||
		    put_user(msgs[i]->len, &ud[i].len))
			break;
	}
	if (i < k) {
		/* Nothing is lost: what was not delivered goes back. */
		if (all)
			i = 0;
		lfq_putback(q, msgs + i, k - i);
		ret = i ? i : -EFAULT;
	}
	lfq_delivered(q, msgs, i);
out_msgs:
	kvfree(msgs);
out:
	kvfree(d);
	return ret;
}

static long lfq_ioc_stats(struct file *file, void *arg)
{
	lfq_queue_stats(file->private_data, arg);
	return 0;
}

static long lfq_ioc_info(struct file *file, void *arg)
{
	lfq_queue_info(file->private_data, arg);
	return 0;
}

static const struct lfq_ioctl_op lfq_queue_ioctls[] = {
	LFQ_IOCTL_IN(LFQ_IOC_PUSH_BATCH, lfq_ioc_push_batch, struct lfq_batch,
		     LFQ_BATCH_SIZE_VER0),
	LFQ_IOCTL_IN(LFQ_IOC_POP_BATCH, lfq_ioc_pop_batch, struct lfq_batch,
		     LFQ_BATCH_SIZE_VER0),
	LFQ_IOCTL_OUT(LFQ_IOC_STATS, lfq_ioc_stats, struct lfq_stats,
		      LFQ_STATS_SIZE_VER0, true),
	/* struct lfq_info has no input flags: its second word is @kind. */
	LFQ_IOCTL_OUT(LFQ_IOC_INFO, lfq_ioc_info, struct lfq_info,
		      LFQ_INFO_SIZE_VER0, false),
};

static long lfq_queue_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	return lfq_ioctl(file, lfq_queue_ioctls, ARRAY_SIZE(lfq_queue_ioctls),
			 cmd, arg);
}

static int lfq_queue_release(struct inode *inode, struct file *file)
{
	lfq_factory_release(file->private_data);
	return 0;
}

/*
 * No .splice_read/.splice_write: splice() and sendfile() get -EINVAL, as
 * they could not keep message boundaries.  pread()/pwrite() get -ESPIPE
 * (stream_open() in lfq_queue_getfile()).
 */
static const struct file_operations lfq_queue_fops = {
	.owner		= THIS_MODULE,
	.read_iter	= lfq_queue_read_iter,
	.write_iter	= lfq_queue_write_iter,
	.poll		= lfq_queue_poll,
	.unlocked_ioctl	= lfq_queue_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.release	= lfq_queue_release,
	.llseek		= noop_llseek,
};

/**
 * lfq_queue_getfile() - a new file for a queue
 * @q: the queue; the file owns it from now on, and its release calls
 *	lfq_factory_release()
 * @nonblock: open the file O_NONBLOCK
 *
 * Context: process context, may sleep.
 * Return: the file, or an ERR_PTR() (then @q still belongs to the caller).
 */
struct file *lfq_queue_getfile(struct lfq_queue *q, bool nonblock)
{
	struct file *file;

	file = anon_inode_getfile("[lfq]", &lfq_queue_fops, q,
				  O_RDWR | (nonblock ? O_NONBLOCK : 0));
	if (IS_ERR(file))
		return file;
	/* A queue is a stream: no position, lseek()/pread() give -ESPIPE. */
	stream_open(file_inode(file), file);
	/* Reads and writes honour IOCB_NOWAIT (RWF_NOWAIT, io_uring). */
	file->f_mode |= FMODE_NOWAIT;
	return file;
}

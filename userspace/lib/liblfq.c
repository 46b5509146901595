// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * liblfq.c - the library behind liblfq.h
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "liblfq.h"

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

static int lfq_deadline(long long timeout_ns, struct lfq_batch *b)
{
	struct timespec ts;

	if (timeout_ns < 0)
		return 0;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return -1;
	b->flags |= LFQ_IO_DEADLINE;
	b->deadline_ns = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec +
			 (uint64_t)timeout_ns;
	return 0;
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

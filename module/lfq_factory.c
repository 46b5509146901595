// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_factory.c - /dev/lfq: the misc device that makes queues
 *
 * /dev/lfq is a factory: LFQ_IOC_CREATE makes a queue (lfq_queue.h) and
 * returns a new anon-inode file descriptor for it (lfq_fops.c).  The queue
 * is owned by that file: it is freed, with whatever messages are left in
 * it, when the last reference to the file goes away.  LFQ_IOC_FEATURES
 * says what this module offers.  The module parameters bound what a user
 * may ask for, and how many queues may exist at once.  The ABI and its
 * semantics are documented in uapi/linux/lfq.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/compat.h>
#include <linux/err.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>

#include "lfq_internal.h"
#include "lfq_queue.h"
#include "lfq_shm.h"

/* Every kind /dev/lfq offers has a bit in lfq_features.kinds. */
static_assert(LFQ_KIND_MAX < 32);

/* The layout is part of the ABI: identical for 32-bit and 64-bit callers. */
static_assert(sizeof(struct lfq_features) == LFQ_FEATURES_SIZE_VER0);
static_assert(sizeof(struct lfq_create) == LFQ_CREATE_SIZE_VER0);
static_assert(sizeof(struct lfq_batch) == LFQ_BATCH_SIZE_VER0);
static_assert(sizeof(struct lfq_stats) == LFQ_STATS_SIZE_VER1);
static_assert(sizeof(struct lfq_info) == LFQ_INFO_SIZE_VER1);
static_assert(sizeof(struct lfq_msg_desc) == 16);
static_assert(offsetof(struct lfq_create, max_bytes) == 24);
static_assert(offsetof(struct lfq_batch, msgs) == 8);
static_assert(offsetof(struct lfq_batch, deadline_ns) == 24);
static_assert(offsetof(struct lfq_stats, pushes) == 8);
static_assert(offsetof(struct lfq_features, max_queue_bytes) == 40);
static_assert(offsetof(struct lfq_info, max_bytes) == 16);
static_assert(offsetof(struct lfq_info, fixed_bytes) == 24);
static_assert(offsetof(struct lfq_stats, mem_bytes) == 88);

static_assert(LFQ_DEV_RING_MAX <= LFQ_RING_MAX_CAPACITY);
#define LFQ_MAX_QUEUES_LIMIT	65536U

/*
 * The parameters carry the names of the lfq_features fields that report
 * them.
 */
static unsigned int lfq_max_msg = 4096;
module_param_named(max_msg, lfq_max_msg, uint, 0444);
MODULE_PARM_DESC(max_msg,
		 "Largest message a queue may carry, bytes (1..1048576, default 4096)");

/*
 * max_msg's name before it matched lfq_features.max_msg, still accepted so
 * that "options lfq max_msg_size=N" lines keep working; not in sysfs.
 */
static int lfq_max_msg_size_set(const char *val, const struct kernel_param *kp)
{
	pr_warn_once("max_msg_size is deprecated, use max_msg\n");
	return param_set_uint(val, kp);
}

static const struct kernel_param_ops lfq_max_msg_size_ops = {
	.set = lfq_max_msg_size_set,
	.get = param_get_uint,
};
module_param_cb(max_msg_size, &lfq_max_msg_size_ops, &lfq_max_msg, 0);
MODULE_PARM_DESC(max_msg_size, "Deprecated name of max_msg");

static unsigned long lfq_max_queue_bytes = 1UL << 20;
module_param_named(max_queue_bytes, lfq_max_queue_bytes, ulong, 0444);
MODULE_PARM_DESC(max_queue_bytes,
		 "Largest byte budget of one queue (max_msg..1073741824, default 1048576)");

static unsigned int lfq_max_queues = 1024;
module_param_named(max_queues, lfq_max_queues, uint, 0444);
MODULE_PARM_DESC(max_queues,
		 "Most queues that may exist at once (1..65536, default 1024)");

static atomic_t lfq_nr_queues = ATOMIC_INIT(0);

/**
 * lfq_factory_release() - free a queue made by LFQ_IOC_CREATE
 * @q: the queue; nobody may use it any more
 *
 * For the release of the queue's file, and for a failed create.
 *
 * Context: process context, may sleep.
 * Return: nothing.
 */
void lfq_factory_release(struct lfq_queue *q)
{
	lfq_queue_free(q);
	lfq_factory_uncount();
}

/**
 * lfq_factory_uncount() - a queue made by LFQ_IOC_CREATE is gone
 *
 * For the release of a queue that is not a struct lfq_queue (a
 * shared-memory ring, lfq_shm.c): frees its place in max_queues.
 *
 * Context: any context.
 * Return: nothing.
 */
void lfq_factory_uncount(void)
{
	atomic_dec(&lfq_nr_queues);
}

/*
 * Check the arguments of LFQ_IOC_CREATE.  Returns the kind asked for, or
 * NULL if they are invalid (the kind included: an unknown one never
 * reaches a structure's code).
 */
static const struct lfq_kind *lfq_check_create(const struct lfq_create *c)
{
	const struct lfq_kind *k;

	if (c->flags & ~LFQ_CREATE_FLAGS_ALL || c->reserved0 ||
	    c->reserved[0] || c->reserved[1])
		return NULL;
	k = lfq_kind_by_uapi(c->kind);
	if (!k)
		return NULL;
	if (k->flags & LFQ_KIND_BOUNDED) {
		if (!is_power_of_2(c->capacity) ||
		    c->capacity > LFQ_DEV_RING_MAX)
			return NULL;
	} else if (c->capacity) {
		return NULL;
	}
	if (c->max_msg > lfq_max_msg)
		return NULL;
	if (c->max_bytes > lfq_max_queue_bytes)
		return NULL;
	/* A shared-memory ring is a RING (its size bound: lfq_shm.c). */
	if (c->flags & LFQ_CREATE_SHM && c->kind != LFQ_KIND_RING)
		return NULL;
	/* A budget too small for one max_msg message: lfq_queue_init(). */
	return k;
}

/*
 * The queue and its file; the file owns the queue, and its release
 * uncounts it.  On failure nothing is left and the count is the caller's.
 */
static struct file *lfq_create_file(const struct lfq_kind *k,
				    const struct lfq_create *c)
{
	u64 max_bytes = c->max_bytes ?: lfq_max_queue_bytes;
	bool nonblock = c->flags & LFQ_CREATE_NONBLOCK;
	u32 max_msg = c->max_msg ?: lfq_max_msg;
	struct lfq_queue *q;
	struct file *file;

	if (c->flags & LFQ_CREATE_SHM)
		return lfq_shm_create_file(c->capacity, max_msg, max_bytes,
					   nonblock);
	q = lfq_queue_alloc(k, c->capacity, max_msg, max_bytes);
	if (IS_ERR(q))
		return ERR_CAST(q);
	file = lfq_queue_getfile(q, nonblock);
	if (IS_ERR(file))
		lfq_queue_free(q);
	return file;
}

static long lfq_ioc_create(struct file *dev, void *arg)
{
	const struct lfq_create *c = arg;
	const struct lfq_kind *k;
	struct file *file;
	int fd;

	k = lfq_check_create(c);
	if (!k)
		return -EINVAL;

	if (atomic_fetch_add_unless(&lfq_nr_queues, 1, lfq_max_queues) >=
	    lfq_max_queues)
		return -EMFILE;

	fd = get_unused_fd_flags(O_RDWR |
				 (c->flags & LFQ_CREATE_CLOEXEC ? O_CLOEXEC : 0));
	if (fd < 0) {
		atomic_dec(&lfq_nr_queues);
		return fd;
	}
	file = lfq_create_file(k, c);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		atomic_dec(&lfq_nr_queues);
		return PTR_ERR(file);
	}
	fd_install(fd, file);
	return fd;
}

static long lfq_ioc_features(struct file *dev, void *arg)
{
	struct lfq_features *f = arg;
	const struct lfq_kind *k;

	f->abi_version = LFQ_ABI_VERSION;
	lfq_for_each_kind(k)
		if (k->uapi_kind)
			f->kinds |= BIT(k->uapi_kind);
	f->create_flags = LFQ_CREATE_FLAGS_ALL;
	f->io_flags = LFQ_IO_FLAGS_ALL;
	f->max_msg = lfq_max_msg;
	f->max_ring_capacity = LFQ_DEV_RING_MAX;
	f->max_batch = LFQ_MAX_BATCH;
	f->max_queues = lfq_max_queues;
	f->nr_queues = atomic_read(&lfq_nr_queues);
	f->max_queue_bytes = lfq_max_queue_bytes;
	return 0;
}

static const struct lfq_ioctl_op lfq_dev_ioctls[] = {
	/* The second word is an output (abi_version): only @size is read. */
	LFQ_IOCTL_OUT(LFQ_IOC_FEATURES, lfq_ioc_features, struct lfq_features,
		      LFQ_FEATURES_SIZE_VER0, false),
	LFQ_IOCTL_IN(LFQ_IOC_CREATE, lfq_ioc_create, struct lfq_create,
		     LFQ_CREATE_SIZE_VER0),
};

static long lfq_dev_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	return lfq_ioctl(file, lfq_dev_ioctls, ARRAY_SIZE(lfq_dev_ioctls), cmd,
			 arg);
}

static const struct file_operations lfq_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= lfq_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice lfq_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "lfq",
	.fops	= &lfq_dev_fops,
	.mode	= 0600,
};

/**
 * lfq_dev_init() - check the module parameters and register /dev/lfq
 *
 * Context: process context, module init.
 * Return: 0, -EINVAL if a module parameter is out of range, or the error of
 * misc_register().
 */
int lfq_dev_init(void)
{
	const struct lfq_kind *k;
	u64 min_bytes = 0;

	if (!lfq_max_msg || lfq_max_msg > LFQ_MAX_MSG_LIMIT) {
		pr_err("max_msg=%u out of range 1..%lu\n",
		       lfq_max_msg, LFQ_MAX_MSG_LIMIT);
		return -EINVAL;
	}
	/* Room for one max_msg message in a queue of every kind. */
	lfq_for_each_kind(k)
		if (k->uapi_kind)
			min_bytes = max_t(u64, min_bytes,
					  lfq_kind_msg_charge(k, lfq_max_msg));
	if (lfq_max_queue_bytes < min_bytes ||
	    lfq_max_queue_bytes > LFQ_MAX_BYTES_LIMIT) {
		pr_err("max_queue_bytes=%lu out of range %llu..%llu\n",
		       lfq_max_queue_bytes, min_bytes, LFQ_MAX_BYTES_LIMIT);
		return -EINVAL;
	}
	if (!lfq_max_queues || lfq_max_queues > LFQ_MAX_QUEUES_LIMIT) {
		pr_err("max_queues=%u out of range 1..%u\n",
		       lfq_max_queues, LFQ_MAX_QUEUES_LIMIT);
		return -EINVAL;
	}
	return misc_register(&lfq_misc);
}

/**
 * lfq_dev_exit() - unregister /dev/lfq
 *
 * No queue can exist any more: every queue file holds a reference on the
 * module, so the module cannot be unloaded while one is open.
 *
 * Context: process context, module exit.
 * Return: nothing.
 */
void lfq_dev_exit(void)
{
	misc_deregister(&lfq_misc);
}


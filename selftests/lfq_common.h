/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the /dev/lfq kselftests (lfq_*_test.c).
 *
 * Every function here is static inline: each test is one .c file and uses
 * only some of them.  Include after kselftest_harness.h.
 *
 * A test that needs a field newer than a structure's first version
 * (LFQ_*_SIZE_VER1) checks the size the kernel returns in the structure's
 * size field and skips when it is the old one.
 */
#ifndef LFQ_COMMON_H
#define LFQ_COMMON_H

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <linux/lfq.h>

#define DEV_PATH	"/dev/lfq"

/* Names of the kinds, for messages; index LFQ_KIND_*. */
static const char * const lfq_kind_name[] = {
	"?", "msq", "stack", "ring", "tlq",
};

/* ioctl returning the result or -errno. */
static inline long xioctl(int fd, unsigned long cmd, void *arg)
{
	long ret = ioctl(fd, cmd, arg);

	return ret < 0 ? -errno : ret;
}

static inline long xread(int fd, void *buf, size_t n)
{
	ssize_t ret = read(fd, buf, n);

	return ret < 0 ? -errno : ret;
}

static inline long xwrite(int fd, const void *buf, size_t n)
{
	ssize_t ret = write(fd, buf, n);

	return ret < 0 ? -errno : ret;
}

static inline __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static inline void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* A page nobody may touch: the bad pointer of the EFAULT tests. */
static inline void *bad_page(void)
{
	void *p = mmap(NULL, getpagesize(), PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/*
 * Two pages, the second PROT_NONE; returns a pointer @n bytes before the
 * end of the first, so an object of more than @n bytes there faults part
 * way.
 */
static inline void *edge_of_page(size_t n)
{
	long pg = getpagesize();
	char *p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (mprotect(p + pg, pg, PROT_NONE))
		return NULL;
	return p + pg - n;
}

/* Shared anonymous memory for forked helpers to report into. */
static inline void *shared_alloc(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, n);	/* faulted in here, by the test process */
	return p;
}

/* Exit status of child @pid, or -1 if it did not exit normally. */
static inline int reap(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * Open /dev/lfq.  Returns the fd, or -1 with *skip set to the reason the
 * tests must be skipped (no device, no permission), or -1 with *skip NULL
 * for a real failure.
 */
static inline int open_dev(const char **skip)
{
	int fd = open(DEV_PATH, O_RDWR | O_CLOEXEC);

	*skip = NULL;
	if (fd < 0 && errno == ENOENT)
		*skip = DEV_PATH " missing (lfq.ko not loaded)";
	else if (fd < 0 && (errno == EACCES || errno == EPERM))
		*skip = DEV_PATH ": not permitted";
	return fd;
}

static inline int q_create(int dev, unsigned int kind, unsigned int cap,
			   unsigned int max_msg, __u64 max_bytes,
			   unsigned int flags)
{
	struct lfq_create c = {
		.size = sizeof(c),
		.kind = kind,
		.capacity = cap,
		.max_msg = max_msg,
		.max_bytes = max_bytes,
		.flags = flags,
	};

	return xioctl(dev, LFQ_IOC_CREATE, &c);
}

/*
 * A byte budget for @n messages of @max_msg bytes: @n times the charge of
 * one (lfq_info.max_msg_charge), asked of a probe queue.  0 on error.
 */
static inline __u64 q_budget(int dev, unsigned int kind, unsigned int cap,
			     unsigned int max_msg, unsigned int n)
{
	struct lfq_info info = { .size = sizeof(info) };
	int fd = q_create(dev, kind, cap, max_msg, 0, 0);
	long ret;

	if (fd < 0)
		return 0;
	ret = xioctl(fd, LFQ_IOC_INFO, &info);
	close(fd);
	if (ret || info.size < LFQ_INFO_SIZE_VER1)
		return 0;
	return (__u64)n * info.max_msg_charge;
}

static inline long batch(int fd, unsigned long cmd, unsigned int flags,
			 struct lfq_msg_desc *d, unsigned int count,
			 __u64 deadline)
{
	struct lfq_batch b = {
		.size = sizeof(b),
		.flags = flags,
		.msgs = (uintptr_t)d,
		.count = count,
		.deadline_ns = deadline,
	};

	return xioctl(fd, cmd, &b);
}

static inline int get_features(int dev, struct lfq_features *f)
{
	memset(f, 0, sizeof(*f));
	f->size = sizeof(*f);
	return xioctl(dev, LFQ_IOC_FEATURES, f);
}

/* STATS into the extended structure; st->size says what the kernel has. */
static inline int get_stats(int fd, struct lfq_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	return xioctl(fd, LFQ_IOC_STATS, st);
}

/* INFO into the extended structure; info->size says what the kernel has. */
static inline int get_info(int fd, struct lfq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return xioctl(fd, LFQ_IOC_INFO, info);
}

static inline __u64 q_len(int fd)
{
	struct lfq_stats st;

	if (get_stats(fd, &st))
		return ~0ull;
	return st.length;
}

static inline void set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

/* Fill @buf with a pattern that names @tag and @len in every byte. */
static inline void pat_fill(unsigned char *buf, unsigned int tag,
			    unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		buf[i] = (unsigned char)(tag * 131 + len * 7 + i * 29 + 1);
}

/* True if @buf holds exactly what pat_fill(@tag, @len) wrote. */
static inline bool pat_ok(const unsigned char *buf, unsigned int tag,
			  unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		if (buf[i] != (unsigned char)(tag * 131 + len * 7 + i * 29 + 1))
			return false;
	return true;
}

/* Read a whole small file into @buf (NUL-terminated); -errno or length. */
static inline long read_file(const char *path, char *buf, size_t n)
{
	long len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read(fd, buf, n - 1);
	if (len < 0)
		len = -errno;
	else
		buf[len] = 0;
	close(fd);
	return len;
}

/* Write a string to a file (sysfs, procfs, cgroupfs); 0 or -errno. */
static inline int write_file(const char *path, const char *s)
{
	size_t n = strlen(s);
	ssize_t ret;
	int fd;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = write(fd, s, n);
	if (ret < 0)
		ret = -errno;
	close(fd);
	return ret < 0 ? ret : (ret == (ssize_t)n ? 0 : -EIO);
}

#endif /* LFQ_COMMON_H */

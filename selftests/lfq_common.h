/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the /dev/lfq kselftests (lfq_*_test.c).
 *
 * Every function here is static inline: each test is one .c file and uses
 * only some of them.  Include after kselftest_harness.h; the fixture
 * helpers (setup_dev(), setup_queue(), NEED_*()) exist only then.
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

/*
 * The kinds this suite has cases for: one row per LFQ_KIND_*, with what the
 * cases must know about it.  Whether the running module offers a kind is
 * features.kinds, never this table: the cases of a kind the module lacks
 * are skipped, and a kind the module offers that is not here is only
 * reported.  A kind added to the uapi gets a row here and a variant in
 * KIND_VARIANTS().
 */
struct kind_desc {
	unsigned int kind;
	const char *name;
	bool lifo;		/* pops the newest message first */
	bool bounded;		/* needs a capacity (a power of two) */
};

static const struct kind_desc kind_descs[] = {
	{ LFQ_KIND_MSQ,		"msq",		false,	false },
	{ LFQ_KIND_STACK,	"stack",	true,	false },
	{ LFQ_KIND_RING,	"ring",		false,	true },
	{ LFQ_KIND_TLQ,		"tlq",		false,	false },
};

#define NR_KIND_DESCS	ARRAY_SIZE(kind_descs)

/* Name of @kind for messages ("kind N" for one this suite does not know). */
static inline const char *kind_name(unsigned int kind)
{
	static char buf[16];
	unsigned int i;

	for (i = 0; i < NR_KIND_DESCS; i++)
		if (kind_descs[i].kind == kind)
			return kind_descs[i].name;
	snprintf(buf, sizeof(buf), "kind %u", kind);
	return buf;
}

static inline bool kind_offered(const struct lfq_features *f,
				unsigned int kind)
{
	return kind < 32 && (f->kinds & (1U << kind));
}

/* The lowest kind above 0 that the module does not offer (32 if none). */
static inline unsigned int unknown_kind(const struct lfq_features *f)
{
	unsigned int k;

	for (k = 1; k < 32 && kind_offered(f, k); k++)
		;
	return k;
}

/*
 * The per-kind variants of a fixture whose FIXTURE_VARIANT() holds
 * KIND_VARIANT_FIELDS; @cap is the ring's capacity.  KIND_VARIANTS() adds
 * them all; a fixture that wants only some uses the single ones.
 */
#define KIND_VARIANT_FIELDS						\
	unsigned int kind;						\
	unsigned int capacity;						\
	bool lifo

#define KIND_VARIANT_MSQ(fixture)					\
	FIXTURE_VARIANT_ADD(fixture, msq) { .kind = LFQ_KIND_MSQ }
#define KIND_VARIANT_STACK(fixture)					\
	FIXTURE_VARIANT_ADD(fixture, stack) {				\
		.kind = LFQ_KIND_STACK, .lifo = true,			\
	}
#define KIND_VARIANT_RING(fixture, cap)					\
	FIXTURE_VARIANT_ADD(fixture, ring) {				\
		.kind = LFQ_KIND_RING, .capacity = (cap),		\
	}
#define KIND_VARIANT_TLQ(fixture)					\
	FIXTURE_VARIANT_ADD(fixture, tlq) { .kind = LFQ_KIND_TLQ }

#define KIND_VARIANTS(fixture, cap)					\
	KIND_VARIANT_MSQ(fixture);					\
	KIND_VARIANT_STACK(fixture);					\
	KIND_VARIANT_RING(fixture, cap);				\
	KIND_VARIANT_TLQ(fixture)

/* The lowest bit not in @known, or 0 if all 32 are. */
static inline __u32 unknown_flag(__u32 known)
{
	return ~known & -~known;
}

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

/* The state letter of /proc/<pid>/stat, or 0 if it cannot be read. */
static inline char task_state(pid_t pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return 0;
	p = strrchr(buf, ')');
	return p && p[1] && p[2] ? p[2] : 0;
}

#define SLEEP_WAIT_MS	5000	/* how long to wait for a task to sleep */

/*
 * Wait until @pid sleeps interruptibly (it is blocked in the call under
 * test), then a little more.  Without /proc, just wait a while.
 */
static inline void wait_sleeping(pid_t pid)
{
	int i;

	for (i = 0; i < SLEEP_WAIT_MS / 5; i++) {
		char s = task_state(pid);

		if (!s) {
			sleep_ms(500);
			return;
		}
		if (s == 'S')
			break;
		sleep_ms(5);
	}
	sleep_ms(50);
}

#ifdef __KSELFTEST_HARNESS_H	/* the fixture helpers: tests only */

/*
 * The first step of a FIXTURE_SETUP: open /dev/lfq and read FEATURES into
 * @f.  @kind, if not 0, is the kind the fixture's cases need.  Returns the
 * device fd, or -1 after SKIP() when there is no device or the module does
 * not offer @kind (the setup must then return).  Fails the case on any
 * other error.
 */
static inline int setup_dev(struct __test_metadata *_metadata,
			    unsigned int kind, struct lfq_features *f)
{
	const char *skip;
	int dev;

	dev = open_dev(&skip);
	if (skip)
		SKIP(return -1, "%s", skip);
	ASSERT_LE(0, dev) TH_LOG("open: %s", strerror(errno));
	ASSERT_EQ(0, get_features(dev, f));
	if (kind && !kind_offered(f, kind)) {
		close(dev);
		SKIP(return -1, "%s: not offered by this module (kinds %#x)",
		     kind_name(kind), f->kinds);
	}
	return dev;
}

/*
 * setup_dev(), then a queue of @kind and @capacity for messages of up to
 * @max_msg bytes, with a byte budget of @n such messages (@n times
 * lfq_info.max_msg_charge), created with @flags.  Returns the queue fd and
 * the device fd in *@dev, or -1 after SKIP() (the setup must return): no
 * device, @kind not offered, or a flag of @flags not offered.
 */
static inline int setup_queue(struct __test_metadata *_metadata, int *dev,
			      struct lfq_features *f, unsigned int kind,
			      unsigned int capacity, unsigned int max_msg,
			      unsigned int n, unsigned int flags)
{
	__u64 budget;
	int qfd;

	*dev = setup_dev(_metadata, kind, f);
	if (*dev < 0)
		return -1;
	if ((f->create_flags & flags) != flags)
		SKIP(return -1, "create flags %#x not offered (create_flags %#x)",
		     flags & ~f->create_flags, f->create_flags);
	budget = q_budget(*dev, kind, capacity, max_msg, n);
	ASSERT_LT(0, budget) TH_LOG("no max_msg_charge for %s", kind_name(kind));
	qfd = q_create(*dev, kind, capacity, max_msg, budget, flags);
	ASSERT_LE(0, qfd) TH_LOG("create %s: %s", kind_name(kind),
				 strerror(-qfd));
	return qfd;
}

/*
 * In a test of a fixture whose data has the features as "f": SKIP unless
 * the module offers the kind, or every flag of @flags.
 */
#define NEED_KIND(k) do {						\
	if (!kind_offered(&self->f, (k)))				\
		SKIP(return, "%s: not offered by this module",		\
		     kind_name(k));					\
} while (0)

#define NEED_CREATE_FLAGS(flags) do {					\
	if ((self->f.create_flags & (flags)) != (flags))		\
		SKIP(return, "create flags %#x not offered",		\
		     (flags) & ~self->f.create_flags);			\
} while (0)

#define NEED_IO_FLAGS(flags) do {					\
	if ((self->f.io_flags & (flags)) != (flags))			\
		SKIP(return, "io flags %#x not offered",		\
		     (flags) & ~self->f.io_flags);			\
} while (0)

#endif /* __KSELFTEST_HARNESS_H */

#endif /* LFQ_COMMON_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * kselftest for /dev/lfq: the memory a queue makes the kernel hold
 * ("Memory" in uapi/linux/lfq.h).
 *
 *   mem     one variant per kind.  The byte budget max_bytes bounds the
 *           kernel memory held by a queue's messages (allocation size as
 *           the allocator rounds it, plus the node), so a full queue of
 *           1-byte messages holds far fewer than max_bytes of them; writers
 *           blocked on a full queue hold no message memory.  Measured in
 *           /proc/meminfo around filling several queues: the drop must stay
 *           within N * max_bytes (+ N * fixed_bytes where the kernel reports
 *           lfq_info.fixed_bytes) plus the slack documented at MEM_SLACK.
 *           On kernels with slab debugging, KASAN or kmemleak every object
 *           takes more than its size; there the message part of the bound
 *           (N * max_bytes) is scaled by the largest per-object overhead
 *           of the caches messages come from (see slab_overhead()).
 *   memcg   one variant per kind.  In a memory cgroup with a small
 *           memory.max, a process that pushes until an error gets ENOMEM,
 *           is not killed, nobody in the group is OOM-killed, and every
 *           message pushed before the error reads back intact.
 *   nowarn  one variant per kind.  Under failslab (debug kernels) the
 *           largest queues, pushes and batches print nothing to the kernel
 *           log: no "Call Trace", "vmalloc error", "allocation failure".
 *
 * Cases that need what the kernel lacks (lfq_info.fixed_bytes, the
 * lfq_stats.mem_bytes counters, a cgroup2 memory controller, failslab)
 * report SKIP.
 *
 * Forked helpers never use the ASSERT/EXPECT macros; they report through
 * shared memory and their exit status.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "lfq_common.h"

#define KIB		1024ULL
#define MIB		(1024ULL * 1024)

/* ---- the kernel log ---- */

/* Lines that a user must never be able to put in the kernel log. */
static const char * const kmsg_bad[] = {
	"Call Trace", "vmalloc error", "allocation failure",
	"page allocation failure", "invoked oom-killer", "WARNING:",
	"callbacks suppressed",
};

/* /dev/kmsg positioned at its end, or -1. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/*
 * Read the records logged since kmsg_open(); returns how many match
 * kmsg_bad[], the first of them copied to @first.  Closes @fd.
 */
static int kmsg_scan(int fd, char *first, size_t n)
{
	char rec[2048];
	int bad = 0;
	unsigned int i;
	ssize_t len;

	first[0] = 0;
	if (fd < 0)
		return 0;
	for (;;) {
		len = read(fd, rec, sizeof(rec) - 1);
		if (len < 0 && errno == EPIPE)
			continue;	/* overwritten records: go on */
		if (len <= 0)
			break;
		rec[len] = 0;
		for (i = 0; i < ARRAY_SIZE(kmsg_bad); i++) {
			if (!strstr(rec, kmsg_bad[i]))
				continue;
			if (!bad++) {
				char *text = strchr(rec, ';');
				size_t l;

				text = text ? text + 1 : rec;
				l = strcspn(text, "\n");
				if (l >= n)
					l = n - 1;
				memcpy(first, text, l);
				first[l] = 0;
			}
			break;
		}
	}
	close(fd);
	return bad;
}

/* ==== D: the byte budget bounds kernel memory ==== */

/*
 * Slack of the /proc/meminfo measurements, over N * (fixed_bytes +
 * max_bytes).  What moves the figures besides the queues:
 *  - pages on the per-CPU free lists (pcp) are counted out of MemFree
 *    while they sit there: they are added back (the "count:" lines of
 *    /proc/zoneinfo).  Without that, MemFree alone moved by up to 7 MiB
 *    either way around the same fill on the 6.12 guest;
 *  - partly used slab pages, the queues' per-CPU counters, the test's own
 *    page tables and stack.  Measured on the 6.12 guest (2 vCPUs, 2 GiB)
 *    with the current module: filling 4 preallocated (pooled) rings, which
 *    allocates nothing, moved MemFree+pcp and Slab+VmallocUsed by 32 KiB;
 *    filling 2 rings with 131072 one-byte messages of 32 bytes each moved
 *    both by 4096 KiB, exactly their size.
 * 1 MiB is 30 times the noise seen and still far below what an unbounded
 * queue holds (2 x 64 KiB of one-byte messages held 9 MiB).
 */
/* Signed: compared with deltas that may be negative. */
#define MEM_SLACK	((long long)MIB)

/* Per call in progress, outside the budget: descriptors and pointers. */
#define CALL_BYTES(n)	((n) * (sizeof(struct lfq_msg_desc) + sizeof(void *)))

struct memsnap {
	long long free;		/* MemFree + pages on per-CPU lists, bytes */
	long long memfree;	/* MemFree, bytes */
	long long slab;		/* Slab + VmallocUsed, bytes */
};

static long long meminfo_field(const char *buf, const char *name)
{
	const char *p = strstr(buf, name);

	return p ? strtoll(p + strlen(name), NULL, 10) * 1024 : -1;
}

/* Pages on the per-CPU free lists, bytes (0 if /proc/zoneinfo lacks them). */
static long long pcp_bytes(void)
{
	static char buf[256 * 1024];
	long long pages = 0;
	char *p = buf;

	if (read_file("/proc/zoneinfo", buf, sizeof(buf)) <= 0)
		return 0;
	while ((p = strstr(p, "\n              count: "))) {
		p += strlen("\n              count: ");
		pages += strtoll(p, NULL, 10);
	}
	return pages * getpagesize();
}

static int mem_snap(struct memsnap *m)
{
	char buf[8192];
	long long vm;

	sleep_ms(100);	/* let RCU callbacks of earlier frees run */
	if (read_file("/proc/meminfo", buf, sizeof(buf)) <= 0)
		return -1;
	m->memfree = meminfo_field(buf, "MemFree:");
	m->slab = meminfo_field(buf, "\nSlab:");
	vm = meminfo_field(buf, "VmallocUsed:");
	if (m->memfree < 0 || m->slab < 0 || vm < 0)
		return -1;
	m->slab += vm;
	m->free = m->memfree + pcp_bytes();
	return 0;
}

struct mem_ctx {
	int dev;
	struct lfq_features f;
	int fds[16];
	unsigned int nfds;
	unsigned char *msg;		/* max_msg bytes */
	struct lfq_msg_desc *d;		/* max_batch descriptors */
};

/* object_size and slab_size of the slab cache @name, or -1. */
static int slab_sizes(const char *name, long long *obj, long long *slab)
{
	char path[512], buf[64];

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/object_size", name);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	*obj = strtoll(buf, NULL, 10);
	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/slab_size", name);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	*slab = strtoll(buf, NULL, 10);
	return *obj > 0 && *slab > 0 ? 0 : -1;
}

/*
 * How much more than its size a message's memory really takes, in
 * thousandths.  Slab debugging and KASAN add red zones and tracking to
 * every object, and kmemleak keeps a metadata object of its own for every
 * allocation (a 64-byte kmalloc object takes 256 bytes on the lfq debug
 * kernel, plus kmemleak's): the kernel then holds more than the
 * allocation sizes a budget charges, and the documented bound on message
 * memory scales by this factor there.  It is the largest (slab_size +
 * kmemleak's per-object cost) / object_size among the caches a queue's
 * messages come from: the memcg-charged kmalloc caches from 32 bytes (the
 * smallest message allocation, a 24-byte header and its payload) to
 * 8 KiB, and the node cache.  1000 (no scaling) when none takes more than
 * 1.5 times its size, as on production kernels, where the bound applies
 * as documented.
 */
static long long slab_overhead(char *worst, size_t n)
{
	long long obj, slab, r, max = 1000, leak = 0, lobj;
	struct dirent *de;
	DIR *dir;

	snprintf(worst, n, "none");
	if (slab_sizes("kmemleak_object", &lobj, &leak))
		leak = 0;
	dir = opendir("/sys/kernel/slab");
	if (!dir)
		return max;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "kmalloc-cg-", 11) &&
		    strcmp(de->d_name, "lfq_node"))
			continue;
		if (slab_sizes(de->d_name, &obj, &slab) ||
		    obj < 32 || obj > 8192)
			continue;
		r = ((slab + leak) * 1000 + obj - 1) / obj;
		if (r > max) {
			max = r;
			snprintf(worst, n,
				 "%.64s: %lld-byte objects take %lld, kmemleak %lld",
				 de->d_name, obj, slab, leak);
		}
	}
	closedir(dir);
	return max <= 1500 ? 1000 : max;
}

/* @bytes scaled by slab_overhead()'s factor, in thousandths. */
static long long scaled(long long bytes, long long overhead)
{
	return bytes / 1000 * overhead + bytes % 1000 * overhead / 1000;
}

FIXTURE(mem) {
	struct mem_ctx c;
};

FIXTURE_VARIANT(mem) {
	KIND_VARIANT_FIELDS;
};

/* The ring's capacity is chosen per case (ring_cap()). */
KIND_VARIANTS(mem, 0);

FIXTURE_SETUP(mem)
{
	self->c.nfds = 0;
	self->c.msg = NULL;
	self->c.d = NULL;
	self->c.dev = setup_dev(_metadata, variant->kind, &self->c.f);
	if (self->c.dev < 0)
		return;
	self->c.msg = calloc(1, self->c.f.max_msg);
	self->c.d = calloc(self->c.f.max_batch, sizeof(*self->c.d));
	ASSERT_NE(NULL, self->c.msg);
	ASSERT_NE(NULL, self->c.d);
	memset(self->c.msg, 0x5a, self->c.f.max_msg);
}

FIXTURE_TEARDOWN(mem)
{
	while (self->c.nfds)
		close(self->c.fds[--self->c.nfds]);
	free(self->c.msg);
	free(self->c.d);
	if (self->c.dev >= 0)
		close(self->c.dev);
}

/*
 * Ring capacity for a queue of @max_bytes whose messages are at most
 * @max_msg: as many slots as 1-byte messages could want, capped by the
 * kernel's largest, so that only the byte budget stops a push.  @pooled:
 * instead the capacity at which the whole ring of max_msg messages fits
 * the budget (the current module preallocates such a ring's messages).
 */
static unsigned int ring_cap(const struct lfq_features *f, __u64 max_bytes,
			     unsigned int max_msg, bool pooled)
{
	__u64 want = pooled ? max_bytes / max_msg : max_bytes;
	unsigned int cap = 1;

	while ((__u64)cap * 2 <= want && cap * 2 <= f->max_ring_capacity)
		cap *= 2;
	return cap;
}

/*
 * Push @len-byte messages with batches until the queue is full, or until
 * more than @limit went in (0: no limit); returns the count.
 */
static long fill_upto(int fd, struct lfq_msg_desc *d, unsigned int max_batch,
		      unsigned char *msg, unsigned int len, long limit)
{
	unsigned int i;
	long n = 0, ret;

	for (i = 0; i < max_batch; i++)
		d[i] = (struct lfq_msg_desc){ (uintptr_t)msg, len, 0 };
	while (!limit || n <= limit) {
		ret = batch(fd, LFQ_IOC_PUSH_BATCH, LFQ_IO_NONBLOCK, d,
			    max_batch, 0);
		if (ret == -EAGAIN)
			return n;
		if (ret <= 0)
			return ret < 0 ? ret : -EIO;
		n += ret;
	}
	return n;
}

static long fill(int fd, struct lfq_msg_desc *d, unsigned int max_batch,
		 unsigned char *msg, unsigned int len)
{
	return fill_upto(fd, d, max_batch, msg, len, 0);
}

/* Pop everything with batches; count. */
static long drain(int fd, struct lfq_msg_desc *d, unsigned int max_batch,
		  unsigned char *buf, unsigned int max_msg)
{
	unsigned int i;
	long n = 0, ret;

	for (;;) {
		for (i = 0; i < max_batch; i++)
			d[i] = (struct lfq_msg_desc){ (uintptr_t)buf, max_msg, 0 };
		ret = batch(fd, LFQ_IOC_POP_BATCH, LFQ_IO_NONBLOCK, d,
			    max_batch, 0);
		if (ret == -EAGAIN)
			return n;
		if (ret <= 0)
			return ret < 0 ? ret : -EIO;
		n += ret;
	}
}

/*
 * The least a message can be charged: its allocation (header + payload)
 * is at least the allocator's smallest object, 8 bytes; MSQ, STACK and
 * TLQ messages have a node too, another 8 at least.
 */
static unsigned int min_charge(unsigned int kind)
{
	return kind == LFQ_KIND_RING ? 8 : 16;
}

/*
 * A full queue holds at most max_bytes of kernel memory in its messages,
 * each charged its allocation (header + payload) and node: at most
 * max_bytes / min_charge() one-byte messages, and fewer than
 * max_bytes / max_msg messages of max_msg bytes (their header is charged
 * too).  On x86-64 a one-byte message costs 72 bytes
 * (32 in a ring).
 */
TEST_F(mem, fill_count)
{
	__u64 budget = 64 * KIB;
	unsigned int max_msg = self->c.f.max_msg;
	unsigned char *buf = self->c.msg;
	long n, m, most;
	int fd;

	fd = q_create(self->c.dev, variant->kind,
		      variant->kind == LFQ_KIND_RING ?
		      ring_cap(&self->c.f, budget, max_msg, false) : 0,
		      max_msg, budget, 0);
	ASSERT_LE(0, fd) TH_LOG("create: %s", strerror(-fd));
	self->c.fds[self->c.nfds++] = fd;

	/* past the bound, the answer is known: stop (debug kernels are slow) */
	most = budget / min_charge(variant->kind);
	n = fill_upto(fd, self->c.d, self->c.f.max_batch, self->c.msg, 1, most);
	ASSERT_LE(0, n) TH_LOG("push: %s", strerror(-n));
	TH_LOG("%s: a %llu-byte budget took %s%ld one-byte messages",
	       kind_name(variant->kind), budget, n > most ? "over " : "",
	       n > most ? most : n);
	EXPECT_GE(most, n)
		TH_LOG("%ld+ 1-byte messages in %llu bytes: their memory is not charged",
		       n, budget);
	m = drain(fd, self->c.d, self->c.f.max_batch, buf, max_msg);
	EXPECT_EQ(n, m);

	n = fill(fd, self->c.d, self->c.f.max_batch, self->c.msg, max_msg);
	ASSERT_LE(0, n) TH_LOG("push: %s", strerror(-n));
	TH_LOG("%s: a %llu-byte budget took %ld messages of %u bytes",
	       kind_name(variant->kind), budget, n, max_msg);
	EXPECT_GT(budget / max_msg, n)
		TH_LOG("%ld messages of %u bytes in %llu bytes: their headers are not charged",
		       n, max_msg, budget);
	m = drain(fd, self->c.d, self->c.f.max_batch, buf, max_msg);
	EXPECT_EQ(n, m);
}

/* lfq_stats.mem_bytes and peak_mem_bytes follow the charge. */
TEST_F(mem, stats_mem_bytes)
{
	__u64 budget = 64 * KIB;
	unsigned int max_msg = self->c.f.max_msg;
	struct lfq_stats st;
	long n;
	int fd;

	fd = q_create(self->c.dev, variant->kind,
		      variant->kind == LFQ_KIND_RING ?
		      ring_cap(&self->c.f, budget, max_msg, false) : 0,
		      max_msg, budget, 0);
	ASSERT_LE(0, fd) TH_LOG("create: %s", strerror(-fd));
	self->c.fds[self->c.nfds++] = fd;
	ASSERT_EQ(0, get_stats(fd, &st));
	if (st.size < sizeof(st))
		SKIP(return, "lfq_stats has no mem_bytes (kernel size %u)",
		     st.size);
	EXPECT_EQ(0, st.mem_bytes);

	n = fill(fd, self->c.d, self->c.f.max_batch, self->c.msg, 1);
	ASSERT_LT(0, n) TH_LOG("push: %s", strerror(-n));
	ASSERT_EQ(0, get_stats(fd, &st));
	EXPECT_EQ(n, st.length);
	EXPECT_EQ(n, st.bytes) TH_LOG("bytes stays the payload");
	EXPECT_GE(budget, st.mem_bytes);
	EXPECT_LT(st.bytes, st.mem_bytes);
	EXPECT_LE(min_charge(variant->kind) * n, st.mem_bytes)
		TH_LOG("mem_bytes must count each message's allocation");
	/* full: the next message's charge (well under 1 KiB) did not fit */
	EXPECT_LT(budget - KIB, st.mem_bytes);
	EXPECT_EQ(st.mem_bytes, st.peak_mem_bytes);

	ASSERT_EQ(n, drain(fd, self->c.d, self->c.f.max_batch, self->c.msg, max_msg));
	ASSERT_EQ(0, get_stats(fd, &st));
	EXPECT_EQ(0, st.mem_bytes) TH_LOG("an empty queue is charged nothing");
	EXPECT_LT(budget - KIB, st.peak_mem_bytes);
	EXPECT_GE(budget, st.peak_mem_bytes);
}

/* One configuration of queues to fill: how many, message size, budget. */
struct mem_cfg {
	const char *name;
	unsigned int nq;
	unsigned int len;	/* message length; 0: max_msg */
	__u64 budget;
	bool pooled;		/* ring: the capacity the module preallocates */
};

static const struct mem_cfg mem_cfgs[] = {
	{ "1-byte", 2, 1, 64 * KIB, false },
	{ "max_msg", 4, 0, 1 * MIB, false },
	{ "max_msg, pooled ring", 4, 0, 1 * MIB, true },
};

/*
 * Create @cfg->nq queues, fill them, and measure: @s gets three snapshots,
 * before create, after create, after fill.  *@fixed: the sum of their
 * fixed_bytes, or -1 if the kernel does not report it.
 */
static void mem_run(struct __test_metadata *_metadata, struct mem_ctx *m,
		    unsigned int kind, const struct mem_cfg *cfg,
		    struct memsnap s[3], long long *fixed, long *msgs)
{
	unsigned int max_msg = m->f.max_msg;
	unsigned int len = cfg->len ? cfg->len : max_msg;
	struct lfq_info info;
	unsigned int i, cap;
	long n;
	int fd;

	*fixed = 0;
	*msgs = 0;
	cap = ring_cap(&m->f, cfg->budget, max_msg, cfg->pooled);
	ASSERT_EQ(0, mem_snap(&s[0]));
	for (i = 0; i < cfg->nq; i++) {
		fd = q_create(m->dev, kind, kind == LFQ_KIND_RING ? cap : 0,
			      max_msg, cfg->budget, LFQ_CREATE_CLOEXEC);
		ASSERT_LE(0, fd) TH_LOG("create: %s", strerror(-fd));
		m->fds[m->nfds++] = fd;
		ASSERT_EQ(0, get_info(fd, &info));
		if (info.size < sizeof(info))
			*fixed = -1;
		else if (*fixed >= 0)
			*fixed += info.fixed_bytes;
	}
	ASSERT_EQ(0, mem_snap(&s[1]));
	for (i = 0; i < cfg->nq; i++) {
		n = fill(m->fds[m->nfds - cfg->nq + i], m->d, m->f.max_batch,
			 m->msg, len);
		ASSERT_LE(0, n) TH_LOG("push: %s", strerror(-n));
		*msgs += n;
	}
	ASSERT_EQ(0, mem_snap(&s[2]));
}

static void mem_close_all(struct mem_ctx *m)
{
	while (m->nfds)
		close(m->fds[--m->nfds]);
}

/*
 * /proc/meminfo is system-wide: a kworker, an RCU callback batch or a slab
 * page refill elsewhere in the guest can move it during one fill.  A fill
 * whose figures exceed the bound is measured again, up to MEM_TRIES times
 * in all, every attempt logged; the test fails only if every attempt
 * exceeds it.  A queue that really holds more than its bound exceeds it
 * every time.
 */
#define MEM_TRIES	3

/*
 * Filling N queues of max_bytes each makes the kernel hold at most
 * N * max_bytes + MEM_SLACK more (1-byte and max_msg-byte messages).
 * Needs no new field: what a queue holds empty is measured, not reported.
 */
TEST_F_TIMEOUT(mem, meminfo_fill, 300)
{
	const char *kind = kind_name(variant->kind);
	long long fixed, bound, dfree, dslab, ovh;
	unsigned int i, try, ncfg = 2;
	struct memsnap s[3];
	char worst[128];
	long msgs;

	/*
	 * Every allocation is slow there, and meminfo_total checks the same
	 * fills against the same scaled bound (creation included).
	 */
	ovh = slab_overhead(worst, sizeof(worst));
	if (ovh != 1000)
		SKIP(return, "slab debugging (%s): meminfo_total covers it",
		     worst);
	if (variant->kind == LFQ_KIND_RING)
		ncfg = 3;
	for (i = 0; i < ncfg; i++) {
		const struct mem_cfg *cfg = &mem_cfgs[i];

		for (try = 1; try <= MEM_TRIES; try++) {
			mem_run(_metadata, &self->c, variant->kind, cfg, s,
				&fixed, &msgs);
			mem_close_all(&self->c);
			bound = cfg->nq * cfg->budget + MEM_SLACK;
			dfree = s[1].free - s[2].free;
			dslab = s[2].slab - s[1].slab;
			TH_LOG("%s %s (try %u): %u x %llu-byte queues, %ld messages:",
			       kind, cfg->name, try, cfg->nq, cfg->budget, msgs);
			TH_LOG("  MemFree+pcp %+lld KiB (MemFree %+lld), Slab+Vmalloc %+lld KiB",
			       -dfree / 1024,
			       (s[2].memfree - s[1].memfree) / 1024,
			       dslab / 1024);
			TH_LOG("  bound %lld KiB", bound / 1024);
			if (dfree <= bound && dslab <= bound)
				break;
		}
		EXPECT_GE(bound, dfree)
			TH_LOG("%s: filling took %lld KiB > N x max_bytes + slack = %lld KiB, %u times",
			       cfg->name, dfree / 1024, bound / 1024,
			       MEM_TRIES);
		EXPECT_GE(bound, dslab)
			TH_LOG("%s: Slab+VmallocUsed grew %lld KiB > %lld KiB, %u times",
			       cfg->name, dslab / 1024, bound / 1024,
			       MEM_TRIES);
	}
}

/*
 * The documented bound: kernel memory held by a queue <= fixed_bytes +
 * max_bytes.  Creating and filling N queues takes at most
 * sum(fixed_bytes) + N * max_bytes + MEM_SLACK.
 */
TEST_F_TIMEOUT(mem, meminfo_total, 300)
{
	const char *kind = kind_name(variant->kind);
	long long fixed, bound, dfree, dslab, dempty, ovh;
	unsigned int i, try, ncfg = 2;
	struct lfq_info info;
	struct memsnap s[3];
	char worst[128];
	long msgs;
	int fd;

	ovh = slab_overhead(worst, sizeof(worst));
	if (ovh != 1000)
		TH_LOG("slab debugging (%s): bound x %lld.%03lld",
		       worst, ovh / 1000, ovh % 1000);
	fd = q_create(self->c.dev, LFQ_KIND_MSQ, 0, 0, 0, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, get_info(fd, &info));
	close(fd);
	if (info.size < sizeof(info))
		SKIP(return, "lfq_info has no fixed_bytes (kernel size %u)",
		     info.size);

	if (variant->kind == LFQ_KIND_RING)
		ncfg = 3;
	for (i = 0; i < ncfg; i++) {
		const struct mem_cfg *cfg = &mem_cfgs[i];

		for (try = 1; try <= MEM_TRIES; try++) {
			mem_run(_metadata, &self->c, variant->kind, cfg, s,
				&fixed, &msgs);
			mem_close_all(&self->c);
			ASSERT_LE(0, fixed);
			bound = fixed + scaled(cfg->nq * cfg->budget, ovh) +
				MEM_SLACK;
			dfree = s[0].free - s[2].free;
			dslab = s[2].slab - s[0].slab;
			dempty = s[0].free - s[1].free;
			TH_LOG("%s %s (try %u): %u queues, fixed_bytes %lld KiB in all, %ld messages:",
			       kind, cfg->name, try, cfg->nq, fixed / 1024,
			       msgs);
			TH_LOG("  MemFree+pcp %+lld KiB (empty %+lld), Slab+Vmalloc %+lld KiB",
			       -dfree / 1024, -dempty / 1024, dslab / 1024);
			TH_LOG("  bound %lld KiB", bound / 1024);
			if (dfree <= bound && dslab <= bound &&
			    dempty <= fixed + MEM_SLACK)
				break;
		}
		EXPECT_GE(bound, dfree)
			TH_LOG("%s: %lld KiB > fixed_bytes + max_bytes + slack = %lld KiB, %u times",
			       cfg->name, dfree / 1024, bound / 1024,
			       MEM_TRIES);
		EXPECT_GE(bound, dslab);
		/* and what the empty queues took is what they report */
		EXPECT_GE(fixed + MEM_SLACK, dempty)
			TH_LOG("%s: empty queues took %lld KiB, fixed_bytes says %lld KiB",
			       cfg->name, dempty / 1024, fixed / 1024);
	}
}

#define NWRITERS	8

/* A writer: park until told, then one PUSH_BATCH of max_batch messages. */
static void writer(int qfd, int ready, int go, struct lfq_msg_desc *d,
		   unsigned int n, unsigned char *msg, unsigned int len)
{
	unsigned int i;
	char c = 1;

	for (i = 0; i < n; i++)
		d[i] = (struct lfq_msg_desc){ (uintptr_t)msg, len, 0 };
	if (write(ready, &c, 1) != 1 || read(go, &c, 1) != 1)
		_exit(2);
	batch(qfd, LFQ_IOC_PUSH_BATCH, 0, d, n, 0);
	_exit(0);
}

/*
 * NWRITERS writers blocked in PUSH_BATCH of max_batch max_msg-byte
 * messages on a full queue hold at most their descriptor and pointer
 * arrays: CALL_BYTES(max_batch) each.
 */
TEST_F_TIMEOUT(mem, blocked_writers, 120)
{
	__u64 budget = 1 * MIB;
	unsigned int max_msg = self->c.f.max_msg, nb = self->c.f.max_batch, i;
	struct lfq_stats st0, st;
	struct memsnap s0, s1;
	long long bound, dfree, dslab;
	pid_t pid[NWRITERS];
	int ready[2], go[2];
	unsigned int waited;
	long n;
	int fd;
	char c;

	fd = q_create(self->c.dev, variant->kind,
		      variant->kind == LFQ_KIND_RING ?
		      ring_cap(&self->c.f, budget, max_msg, false) : 0,
		      max_msg, budget, 0);
	ASSERT_LE(0, fd) TH_LOG("create: %s", strerror(-fd));
	self->c.fds[self->c.nfds++] = fd;
	n = fill(fd, self->c.d, nb, self->c.msg, max_msg);
	ASSERT_LT(0, n) TH_LOG("fill: %s", strerror(-n));

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	for (i = 0; i < NWRITERS; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (!pid[i])
			writer(fd, ready[1], go[0], self->c.d, nb, self->c.msg,
			       max_msg);
	}
	for (i = 0; i < NWRITERS; i++)
		ASSERT_EQ(1, read(ready[0], &c, 1));
	ASSERT_EQ(0, get_stats(fd, &st0));
	ASSERT_EQ(0, mem_snap(&s0));
	for (i = 0; i < NWRITERS; i++)
		ASSERT_EQ(1, write(go[1], &c, 1));
	/* all of them in the call, found the queue full, asleep */
	for (waited = 0; waited < 20000; waited += 10) {
		ASSERT_EQ(0, get_stats(fd, &st));
		if (st.push_full >= st0.push_full + NWRITERS) {
			for (i = 0; i < NWRITERS; i++)
				if (task_state(pid[i]) != 'S')
					break;
			if (i == NWRITERS)
				break;
		}
		sleep_ms(10);
	}
	ASSERT_EQ(0, mem_snap(&s1));
	ASSERT_EQ(n, st.length) TH_LOG("a blocked writer pushed");
	for (i = 0; i < NWRITERS; i++) {
		EXPECT_EQ('S', task_state(pid[i]));
		kill(pid[i], SIGKILL);
		waitpid(pid[i], NULL, 0);
	}
	bound = NWRITERS * CALL_BYTES(nb) + MEM_SLACK;
	dfree = s0.free - s1.free;
	dslab = s1.slab - s0.slab;
	TH_LOG("%s: %d writers blocked with %u x %u bytes each:",
	       kind_name(variant->kind), NWRITERS, nb, max_msg);
	TH_LOG("  MemFree+pcp %+lld KiB, Slab+Vmalloc %+lld KiB, bound %lld KiB",
	       -dfree / 1024, dslab / 1024, bound / 1024);
	EXPECT_GE(bound, dfree)
		TH_LOG("blocked writers hold %lld KiB > descriptors + slack, %lld KiB",
		       dfree / 1024, bound / 1024);
	EXPECT_GE(bound, dslab);
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
}

/* ==== E: a memory cgroup limit gives ENOMEM, never the OOM killer ==== */

#define CG_MAX		(8 * MIB)	/* memory.max of the test group */
#define CG_BYSTANDER	(2 * MIB)	/* anonymous memory the bystander holds */
#define CG_QUEUES	64		/* 64 x 1 MiB budgets: far above CG_MAX */
#define CG_BATCH	16

struct cg_report {
	int stage;		/* how far the pusher got */
	int err;		/* the error that stopped the pushes (-errno) */
	int err_queue;		/* on which queue */
	int err_how;		/* 0 write(), 1 PUSH_BATCH */
	int again_write;	/* then: write() on that queue */
	int again_all;		/* then: PUSH_BATCH with LFQ_IO_ALL */
	long pushed[CG_QUEUES];
	long total;
	long readback;		/* messages read back intact */
	long bad;		/* messages read back wrong, missing, extra */
	int nq;			/* queues created */
	char why[128];
};

FIXTURE(memcg) {
	int dev;
	struct lfq_features f;
	char root[256];
	char cg[320];
	bool mounted;
	bool made;
	struct cg_report *rep;
};

FIXTURE_VARIANT(memcg) {
	KIND_VARIANT_FIELDS;
};

/* The ring's capacity is chosen per case (ring_cap()). */
KIND_VARIANTS(memcg, 0);

/* The cgroup2 mount point from /proc/self/mounts, or "" */
static void cg2_find(char *root, size_t n)
{
	char buf[16384], *line, *save = NULL;
	char dev[64], dir[256], type[64];

	root[0] = 0;
	if (read_file("/proc/self/mounts", buf, sizeof(buf)) <= 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "%63s %255s %63s", dev, dir, type) == 3 &&
		    !strcmp(type, "cgroup2")) {
			snprintf(root, n, "%s", dir);
			return;
		}
	}
}

static int cg_write(const char *dir, const char *file, const char *val)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return write_file(path, val);
}

/* The value of @key in a flat-keyed cgroup file, or -1. */
static long long cg_key(const char *dir, const char *file, const char *key)
{
	char path[512], buf[4096], *p;
	size_t kl = strlen(key);

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	for (p = buf; p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncmp(p, key, kl) && p[kl] == ' ')
			return strtoll(p + kl + 1, NULL, 10);
	}
	return -1;
}

FIXTURE_SETUP(memcg)
{
	char buf[512];

	self->mounted = false;
	self->made = false;
	self->rep = NULL;
	self->dev = setup_dev(_metadata, variant->kind, &self->f);
	if (self->dev < 0)
		return;

	cg2_find(self->root, sizeof(self->root));
	if (!self->root[0]) {
		snprintf(self->root, sizeof(self->root), "/sys/fs/cgroup");
		mkdir(self->root, 0755);
		if (mount("none", self->root, "cgroup2", 0, NULL))
			SKIP(return, "no cgroup2: mount: %s", strerror(errno));
		self->mounted = true;
	}
	snprintf(buf, sizeof(buf), "%s/cgroup.controllers", self->root);
	if (read_file(buf, buf, sizeof(buf)) < 0 || !strstr(buf, "memory"))
		SKIP(return, "no memory controller in %s", self->root);
	snprintf(buf, sizeof(buf), "%s/cgroup.subtree_control", self->root);
	if (write_file(buf, "+memory"))
		SKIP(return, "cannot enable the memory controller in %s",
		     self->root);
	snprintf(self->cg, sizeof(self->cg), "%s/lfq-memcg-%d", self->root,
		 getpid());
	ASSERT_EQ(0, mkdir(self->cg, 0755))
		TH_LOG("mkdir %s: %s", self->cg, strerror(errno));
	self->made = true;
	snprintf(buf, sizeof(buf), "%llu", CG_MAX);
	ASSERT_EQ(0, cg_write(self->cg, "memory.max", buf));
	cg_write(self->cg, "memory.swap.max", "0");	/* where swap exists */
	self->rep = shared_alloc(sizeof(*self->rep));
	ASSERT_NE(NULL, self->rep);
}

FIXTURE_TEARDOWN(memcg)
{
	if (self->made)
		rmdir(self->cg);
	if (self->mounted)
		umount(self->root);
	if (self->rep)
		munmap(self->rep, sizeof(*self->rep));
	if (self->dev >= 0)
		close(self->dev);
}

/* Touch @n bytes of stack now, so the pusher faults none in later. */
static void prefault_stack(size_t n)
{
	char buf[n];

	memset(buf, 0, n);
	__asm__ volatile("" : : "r" (buf) : "memory");
}

/* Join the cgroup @cg: 0 or -errno. */
static int cg_join(const char *cg)
{
	return cg_write(cg, "cgroup.procs", "0");
}

static void cg_why(struct cg_report *r, const char *fmt, long a, long b)
{
	if (!r->why[0])
		snprintf(r->why, sizeof(r->why), fmt, a, b);
}

/*
 * The pusher: make its queues, then push max_msg-byte messages, with
 * write() into even queues and PUSH_BATCH into odd ones, until an error;
 * then read every queue back.  Everything it touches is faulted in before
 * it joins the group, so the group is charged only what the kernel
 * allocates for its queues (and their files).
 */
static void cg_pusher(const char *cg, int dev, unsigned int kind,
		      unsigned int max_msg, struct cg_report *r)
{
	static struct lfq_msg_desc d[CG_BATCH];
	unsigned char *bufs, *in;
	int fds[CG_QUEUES];
	unsigned int q, i, k;
	long ret;
	__u32 tag;

	bufs = malloc((size_t)(CG_BATCH + 1) * max_msg);
	if (!bufs)
		_exit(10);
	memset(bufs, 0, (size_t)(CG_BATCH + 1) * max_msg);
	in = bufs + (size_t)CG_BATCH * max_msg;
	memset(d, 0, sizeof(d));
	prefault_stack(64 * 1024);
	/*
	 * Break copy-on-write with the parent on every page now, this
	 * frame's included: a first write after joining would be charged to
	 * the group and could meet its limit in a page fault, where the
	 * memory cgroup OOM killer is the kernel's answer, not lfq's.
	 */
	if (mlockall(MCL_CURRENT))
		_exit(13);
	if (cg_join(cg))
		_exit(11);
	r->stage = 1;

	/* the queues first, while there is memory (see the report) */
	for (q = 0; q < CG_QUEUES; q++) {
		ret = q_create(dev, kind, kind == LFQ_KIND_RING ? 1024 : 0,
			       max_msg, MIB, LFQ_CREATE_NONBLOCK);
		if (ret < 0) {
			cg_why(r, "create queue %ld: %ld", q, ret);
			_exit(12);
		}
		fds[q] = ret;
	}
	r->nq = q;
	r->stage = 2;

	for (q = 0; q < CG_QUEUES && !r->err; q++) {
		for (;;) {
			tag = q << 16 | r->pushed[q];
			if (q % 2 == 0) {
				pat_fill(bufs, tag, max_msg);
				ret = xwrite(fds[q], bufs, max_msg);
				if (ret == max_msg) {
					r->pushed[q]++;
					continue;
				}
			} else {
				for (i = 0; i < CG_BATCH; i++) {
					pat_fill(bufs + i * max_msg, tag + i,
						 max_msg);
					d[i] = (struct lfq_msg_desc){
						(uintptr_t)(bufs + i * max_msg),
						max_msg, 0 };
				}
				ret = batch(fds[q], LFQ_IOC_PUSH_BATCH, 0, d,
					    CG_BATCH, 0);
				if (ret > 0) {
					r->pushed[q] += ret;
					continue;
				}
			}
			if (ret == -EAGAIN)
				break;		/* budget full: next queue */
			r->err = ret;
			r->err_queue = q;
			r->err_how = q % 2;
			break;
		}
		r->total += r->pushed[q];
	}
	/* still at the limit: both ways fail, and push nothing */
	if (r->err == -ENOMEM) {
		q = r->err_queue;
		pat_fill(bufs, q << 16 | r->pushed[q], max_msg);
		r->again_write = xwrite(fds[q], bufs, max_msg);
		k = r->again_write == max_msg;	/* it should not have */
		r->pushed[q] += k;
		r->total += k;
		for (i = 0; i < CG_BATCH; i++) {
			pat_fill(bufs + i * max_msg, q << 16 | (r->pushed[q] + i),
				 max_msg);
			d[i] = (struct lfq_msg_desc){
				(uintptr_t)(bufs + i * max_msg), max_msg, 0 };
		}
		r->again_all = batch(fds[q], LFQ_IOC_PUSH_BATCH, LFQ_IO_ALL, d,
				     CG_BATCH, 0);
		/* what did go in is checked by the read back */
		k = r->again_all == CG_BATCH ? CG_BATCH : 0;
		r->pushed[q] += k;
		r->total += k;
	}
	r->stage = 3;

	/* every message pushed reads back intact, each once */
	for (q = 0; q < CG_QUEUES; q++) {
		unsigned char seen[1024] = { 0 };
		long got = 0;

		for (;;) {
			ret = xread(fds[q], in, max_msg);
			if (ret == -EAGAIN)
				break;
			if (ret != max_msg) {
				cg_why(r, "queue %ld: read %ld", q, ret);
				r->bad++;
				break;
			}
			for (i = 0; i < r->pushed[q] && i < 1024; i++)
				if (!seen[i] && pat_ok(in, q << 16 | i, max_msg))
					break;
			if (i >= r->pushed[q] || i >= 1024) {
				cg_why(r, "queue %ld: message %ld garbled or extra",
				       q, got);
				r->bad++;
			} else {
				seen[i] = 1;
				r->readback++;
			}
			got++;
		}
		if (got != r->pushed[q]) {
			cg_why(r, "queue %ld: %ld read back", q, got);
			r->bad++;
		}
		close(fds[q]);
	}
	r->stage = 4;
	_exit(0);
}

/* The bystander: holds CG_BYSTANDER bytes of touched memory until told. */
static void cg_bystander(const char *cg, int ready, int go)
{
	unsigned char *p;
	size_t i;
	char c = 1;

	if (cg_join(cg))
		_exit(11);
	p = malloc(CG_BYSTANDER);
	if (!p)
		_exit(12);
	for (i = 0; i < CG_BYSTANDER; i++)
		p[i] = (unsigned char)(i * 7);
	if (write(ready, &c, 1) != 1 || read(go, &c, 1) != 1)
		_exit(13);
	for (i = 0; i < CG_BYSTANDER; i++)
		if (p[i] != (unsigned char)(i * 7))
			_exit(14);
	_exit(0);
}

TEST_F_TIMEOUT(memcg, push_until_enomem, 120)
{
	struct cg_report *r = self->rep;
	int ready[2], go[2], status, kfd;
	pid_t by, pu;
	char c = 1, first[256];
	long long ooms, kills;
	int bad;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	kfd = kmsg_open();
	by = fork();
	ASSERT_LE(0, by);
	if (!by)
		cg_bystander(self->cg, ready[1], go[0]);
	ASSERT_EQ(1, read(ready[0], &c, 1)) TH_LOG("bystander did not start");

	pu = fork();
	ASSERT_LE(0, pu);
	if (!pu)
		cg_pusher(self->cg, self->dev, variant->kind, self->f.max_msg, r);
	ASSERT_EQ(pu, waitpid(pu, &status, 0));
	EXPECT_TRUE(WIFEXITED(status))
		TH_LOG("the pusher was killed by signal %d (OOM kill?) at stage %d",
		       WIFSIGNALED(status) ? WTERMSIG(status) : 0, r->stage);
	if (WIFEXITED(status))
		EXPECT_EQ(0, WEXITSTATUS(status))
			TH_LOG("pusher exit %d at stage %d: %s",
			       WEXITSTATUS(status), r->stage, r->why);

	ASSERT_EQ(1, write(go[1], &c, 1));
	ASSERT_EQ(by, waitpid(by, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the bystander %s %d", WIFSIGNALED(status) ?
		       "was killed by signal" : "exited with",
		       WIFSIGNALED(status) ? WTERMSIG(status) :
		       WEXITSTATUS(status));

	ooms = cg_key(self->cg, "memory.events", "oom");
	kills = cg_key(self->cg, "memory.events", "oom_kill");
	bad = kmsg_scan(kfd, first, sizeof(first));
	TH_LOG("%s: %d queues, %ld messages pushed, %ld read back",
	       kind_name(variant->kind), r->nq, r->total, r->readback);
	TH_LOG("  stopped by %s on queue %d (%s); memory.events oom %lld oom_kill %lld",
	       r->err ? strerror(-r->err) : "nothing", r->err_queue,
	       r->err_how ? "PUSH_BATCH" : "write", ooms, kills);
	EXPECT_EQ(-ENOMEM, r->err)
		TH_LOG("pushing past memory.max must end with ENOMEM, got %s",
		       r->err ? strerror(-r->err) : "no error at all");
	/*
	 * Retried at the limit, each way either fails with ENOMEM or, if the
	 * kernel got memory back meanwhile (reclaim, freed slabs), pushes all
	 * of it: never another error, never part of an all-or-nothing batch.
	 * What went in is counted in r->total and read back below.
	 */
	if (r->err == -ENOMEM) {
		EXPECT_TRUE(r->again_write == -ENOMEM ||
			    r->again_write == (int)self->f.max_msg)
			TH_LOG("write() at the limit: %d", r->again_write);
		EXPECT_TRUE(r->again_all == -ENOMEM || r->again_all == CG_BATCH)
			TH_LOG("PUSH_BATCH(LFQ_IO_ALL) at the limit: %d",
			       r->again_all);
	}
	EXPECT_EQ(0, kills) TH_LOG("memory.events: oom_kill %lld", kills);
	EXPECT_EQ(0, r->bad) TH_LOG("read back: %s", r->why);
	EXPECT_EQ(r->total, r->readback);
	EXPECT_EQ(0, bad) TH_LOG("kernel log: %d lines like \"%s\"", bad, first);
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
}

/* ==== F: nothing in the kernel log under allocation failures ==== */

#define FS_DIR		"/sys/kernel/debug/failslab"
#define FPA_DIR		"/sys/kernel/debug/fail_page_alloc"
#define FS_ROUNDS	4
#define FS_QUIET_MS	10500	/* warn_alloc()'s ratelimit interval, and some */

/* The knobs set, and their values during the case. */
static const char * const fs_knobs[][2] = {
	{ "probability", "30" }, { "interval", "1" }, { "times", "-1" },
	{ "space", "0" }, { "verbose", "0" }, { "task-filter", "Y" },
	{ "ignore-gfp-wait", "N" },
};

#define NKNOBS	ARRAY_SIZE(fs_knobs)

FIXTURE(nowarn) {
	int dev;
	struct lfq_features f;
	bool have[2];
};

/* The knobs' values before the case (each case is a process of its own). */
static char fi_saved[2][NKNOBS][32];

FIXTURE_VARIANT(nowarn) {
	KIND_VARIANT_FIELDS;
};

/* The ring's capacity is chosen per case (ring_cap()). */
KIND_VARIANTS(nowarn, 0);

static const char * const fi_dirs[2] = { FS_DIR, FPA_DIR };

/* Save (@save) or restore one fault-injection directory's knobs. */
static void fi_knobs(unsigned int k, bool save)
{
	char path[256];
	unsigned int i;

	for (i = 0; i < NKNOBS; i++) {
		snprintf(path, sizeof(path), "%s/%s", fi_dirs[k], fs_knobs[i][0]);
		if (save) {
			if (read_file(path, fi_saved[k][i],
				      sizeof(fi_saved[k][i])) < 0)
				fi_saved[k][i][0] = 0;
			fi_saved[k][i][strcspn(fi_saved[k][i], "\n")] = 0;
		} else if (fi_saved[k][i][0]) {
			write_file(path, fi_saved[k][i]);
		}
	}
}

FIXTURE_SETUP(nowarn)
{
	char path[256];
	unsigned int k, i;

	self->have[0] = false;
	self->have[1] = false;
	self->dev = setup_dev(_metadata, variant->kind, &self->f);
	if (self->dev < 0)
		return;
	if (access(FS_DIR "/probability", W_OK))
		SKIP(return, "no failslab (%s): kernel without CONFIG_FAILSLAB or debugfs",
		     strerror(errno));
	if (access("/proc/self/make-it-fail", W_OK))
		SKIP(return, "no /proc/self/make-it-fail");
	for (k = 0; k < 2; k++) {
		if (access(fi_dirs[k], F_OK))
			continue;
		fi_knobs(k, true);
		self->have[k] = true;
		/* fail_page_alloc: user pages (highmem flag) keep working */
		if (k == 1)
			write_file(FPA_DIR "/ignore-gfp-highmem", "Y");
		for (i = 0; i < NKNOBS; i++) {
			snprintf(path, sizeof(path), "%s/%s", fi_dirs[k],
				 fs_knobs[i][0]);
			ASSERT_EQ(0, write_file(path, fs_knobs[i][1]))
				TH_LOG("%s = %s", path, fs_knobs[i][1]);
		}
	}
	/*
	 * warn_alloc() prints at most once every 10 s (its ratelimit): a
	 * warning the previous case caused would hide this case's.
	 */
	sleep_ms(FS_QUIET_MS);
}

FIXTURE_TEARDOWN(nowarn)
{
	unsigned int k;

	for (k = 0; k < 2; k++) {
		if (!self->have[k])
			continue;
		write_file(k ? FPA_DIR "/probability" : FS_DIR "/probability",
			   "0");
		fi_knobs(k, false);
	}
	if (self->dev >= 0)
		close(self->dev);
}

/*
 * Under fault injection (this process only, make-it-fail): the kind's
 * largest queue, a ring whose messages are preallocated (the largest
 * capacity whose max_msg messages fit the budget), max_msg-byte writes,
 * batches of max_batch messages.  Errors are expected; kernel log lines
 * are not.  A max_msg of 4096 makes each message a kvmalloc() larger than
 * a page, and a batch of 1024 a kvmalloc() of 8 KiB of pointers: when
 * failslab fails their kmalloc, kvmalloc() falls back to vmalloc(), whose
 * own failure warns unless __GFP_NOWARN.
 */
static void nowarn_child(int dev, const struct lfq_features *f,
			 unsigned int kind, struct lfq_msg_desc *d,
			 unsigned char *msg)
{
	unsigned int max_msg = f->max_msg, nb = f->max_batch, r, i, j;
	unsigned int cap[2] = { 0, 0 };
	unsigned int ncfg = 1;
	int fd;

	if (kind == LFQ_KIND_RING) {
		cap[0] = f->max_ring_capacity;
		cap[1] = 1;
		while ((__u64)cap[1] * 2 * max_msg <= f->max_queue_bytes &&
		       cap[1] * 2 <= f->max_ring_capacity)
			cap[1] *= 2;
		ncfg = 2;
	}
	prefault_stack(64 * 1024);
	if (write_file("/proc/self/make-it-fail", "1"))
		_exit(3);
	for (r = 0; r < FS_ROUNDS; r++) {
		for (j = 0; j < ncfg; j++) {
			fd = q_create(dev, kind, cap[j], max_msg, 0,
				      LFQ_CREATE_NONBLOCK);
			if (fd < 0)
				continue;
			for (i = 0; i < 8; i++)
				write(fd, msg, max_msg);
			for (i = 0; i < nb; i++)
				d[i] = (struct lfq_msg_desc){ (uintptr_t)msg,
							      max_msg, 0 };
			batch(fd, LFQ_IOC_PUSH_BATCH, 0, d, nb, 0);
			batch(fd, LFQ_IOC_PUSH_BATCH, LFQ_IO_ALL, d, 16, 0);
			for (i = 0; i < nb; i++)
				d[i] = (struct lfq_msg_desc){ (uintptr_t)msg,
							      max_msg, 0 };
			batch(fd, LFQ_IOC_POP_BATCH, 0, d, nb, 0);
			close(fd);
		}
	}
	write_file("/proc/self/make-it-fail", "0");
	_exit(0);
}

TEST_F_TIMEOUT(nowarn, failslab, 300)
{
	struct lfq_msg_desc *d = calloc(self->f.max_batch, sizeof(*d));
	unsigned char *msg = calloc(1, self->f.max_msg);
	char first[256];
	int kfd, bad, status;
	pid_t pid;

	ASSERT_NE(NULL, d);
	ASSERT_NE(NULL, msg);
	kfd = kmsg_open();
	ASSERT_LE(0, kfd) TH_LOG("/dev/kmsg: %s", strerror(errno));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		nowarn_child(self->dev, &self->f, variant->kind, d, msg);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
		TH_LOG("the child under failslab: status %#x", status);
	bad = kmsg_scan(kfd, first, sizeof(first));
	EXPECT_EQ(0, bad)
		TH_LOG("%d kernel log lines under failslab, the first: \"%s\"",
		       bad, first);
	free(d);
	free(msg);
}

TEST_HARNESS_MAIN

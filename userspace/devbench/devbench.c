// SPDX-License-Identifier: GPL-2.0
/*
 * devbench - per-message cost of /dev/lfq: push+pop through write()/read()
 * and through the batch ioctls, for each queue kind, one thread.
 *
 * Uses the raw ioctls of <linux/lfq.h> only (no liblfq), so it can be built
 * statically and run in the busybox test guest.
 *
 * For each kind and each mode ("rw": one write() then one read(); "batch":
 * LFQ_IOC_PUSH_BATCH then LFQ_IOC_POP_BATCH of B messages, all-or-nothing)
 * it pushes and pops for the given duration, checks every message that comes
 * back (content and order), and prints
 *
 *   devbench: kind=msq mode=batch batch=128 msgs=N elapsed_ns=T ns_per_msg=X
 *
 * where a "msg" is one message pushed and popped (the cost of a push+pop
 * pair), then one "PASS: devbench/<kind>" or "FAIL: devbench/<kind>" line.
 * Exits 1 if anything failed.
 *
 * usage: devbench [-d MS] [-s BYTES] [-k KIND[,KIND...]] [-b B[,B...]]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/lfq.h>

#define MAX_BATCHES	16
#define MAX_B		1024

/* The flags this program uses; a module without them is skipped. */
#define NEED_CREATE	(LFQ_CREATE_CLOEXEC | LFQ_CREATE_NONBLOCK)
#define NEED_IO		(LFQ_IO_ALL | LFQ_IO_NONBLOCK)

static const struct {
	const char *name;
	unsigned int kind;
	int lifo;
} kinds[] = {
	{ "msq", LFQ_KIND_MSQ, 0 },
	{ "ring", LFQ_KIND_RING, 0 },
	{ "stack", LFQ_KIND_STACK, 1 },
	{ "tlq", LFQ_KIND_TLQ, 0 },
};

static unsigned int duration_ms = 200;
static unsigned int msg_size = 8;
static unsigned int ring_capacity = 1024;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void fill(unsigned char *buf, uint64_t seq)
{
	unsigned int i;

	memset(buf, 0, msg_size);
	for (i = 0; i < msg_size && i < sizeof(seq); i++)
		buf[i] = seq >> (8 * i);
	if (msg_size > sizeof(seq))
		buf[msg_size - 1] = 0xa5;
}

static int check(const unsigned char *buf, uint32_t len, uint64_t seq)
{
	unsigned char want[4096];

	if (len != msg_size)
		return -1;
	fill(want, seq);
	return memcmp(buf, want, msg_size) ? -1 : 0;
}

static int create_queue(int dev, unsigned int kind)
{
	struct lfq_create c;

	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.kind = kind;
	c.capacity = kind == LFQ_KIND_RING ? ring_capacity : 0;
	c.max_msg = msg_size;
	c.flags = NEED_CREATE;
	return ioctl(dev, LFQ_IOC_CREATE, &c);
}

/* write() one, read() one, until the time is up.  Return messages or -1. */
static long bench_rw(int q, uint64_t *elapsed)
{
	unsigned char buf[4096];
	uint64_t seq = 0, t0, t1, end;
	ssize_t n;

	t0 = now_ns();
	end = t0 + (uint64_t)duration_ms * 1000000ull;
	do {
		for (int i = 0; i < 64; i++, seq++) {
			fill(buf, seq);
			n = write(q, buf, msg_size);
			if (n != (ssize_t)msg_size) {
				fprintf(stderr, "write: %zd (%s)\n", n,
					strerror(errno));
				return -1;
			}
			n = read(q, buf, msg_size);
			if (n < 0 || check(buf, n, seq)) {
				fprintf(stderr, "read: %zd (%s), seq %llu\n",
					n, n < 0 ? strerror(errno) : "bad data",
					(unsigned long long)seq);
				return -1;
			}
		}
		t1 = now_ns();
	} while (t1 < end);
	*elapsed = t1 - t0;
	return seq;
}

/* Batches of @b: push @b, pop @b, until the time is up. */
static long bench_batch(int q, unsigned int b, int lifo, uint64_t *elapsed)
{
	static struct lfq_msg_desc push_d[MAX_B], pop_d[MAX_B];
	static unsigned char push_buf[MAX_B][64], pop_buf[MAX_B][64];
	struct lfq_batch pb, ob;
	uint64_t seq = 0, t0, t1, end;
	unsigned int i;
	int r;

	for (i = 0; i < b; i++) {
		push_d[i].addr = (uintptr_t)push_buf[i];
		push_d[i].len = msg_size;
		push_d[i].flags = 0;
	}
	memset(&pb, 0, sizeof(pb));
	pb.size = sizeof(pb);
	pb.flags = NEED_IO;
	pb.msgs = (uintptr_t)push_d;
	pb.count = b;
	ob = pb;
	ob.msgs = (uintptr_t)pop_d;

	t0 = now_ns();
	end = t0 + (uint64_t)duration_ms * 1000000ull;
	do {
		for (i = 0; i < b; i++)
			fill(push_buf[i], seq + i);
		r = ioctl(q, LFQ_IOC_PUSH_BATCH, &pb);
		if (r != (int)b) {
			fprintf(stderr, "push batch %u: %d (%s)\n", b, r,
				strerror(errno));
			return -1;
		}
		for (i = 0; i < b; i++) {
			pop_d[i].addr = (uintptr_t)pop_buf[i];
			pop_d[i].len = msg_size;
			pop_d[i].flags = 0;
		}
		r = ioctl(q, LFQ_IOC_POP_BATCH, &ob);
		if (r != (int)b) {
			fprintf(stderr, "pop batch %u: %d (%s)\n", b, r,
				strerror(errno));
			return -1;
		}
		for (i = 0; i < b; i++) {
			uint64_t want = lifo ? seq + b - 1 - i : seq + i;

			if (check(pop_buf[i], pop_d[i].len, want)) {
				fprintf(stderr, "pop batch %u: message %u is not seq %llu\n",
					b, i, (unsigned long long)want);
				return -1;
			}
		}
		seq += b;
		t1 = now_ns();
	} while (t1 < end);
	*elapsed = t1 - t0;
	return seq;
}

static void report(const char *kind, const char *mode, unsigned int b,
		   long msgs, uint64_t elapsed)
{
	uint64_t x10 = msgs ? elapsed * 10 / msgs : 0;

	printf("devbench: kind=%s mode=%s batch=%u msgs=%ld elapsed_ns=%llu ns_per_msg=%llu.%llu\n",
	       kind, mode, b, msgs, (unsigned long long)elapsed,
	       (unsigned long long)(x10 / 10), (unsigned long long)(x10 % 10));
	fflush(stdout);
}

/* The queue's counters: contention and the module's RCU backlog. */
static void print_stats(int q, const char *kind)
{
	struct lfq_stats st;

	memset(&st, 0, sizeof(st));
	st.size = sizeof(st);
	if (ioctl(q, LFQ_IOC_STATS, &st)) {
		fprintf(stderr, "LFQ_IOC_STATS: %s\n", strerror(errno));
		return;
	}
	printf("devbench: stats kind=%s pushes=%llu pops=%llu push_full=%llu pop_empty=%llu cas_retries=%llu length=%llu rcu_backlog=%llu\n",
	       kind, (unsigned long long)st.pushes,
	       (unsigned long long)st.pops, (unsigned long long)st.push_full,
	       (unsigned long long)st.pop_empty,
	       (unsigned long long)st.cas_retries,
	       (unsigned long long)st.length,
	       (unsigned long long)st.rcu_backlog);
}

static int parse_list(const char *s, unsigned int *out, int max)
{
	char *copy = strdup(s), *tok, *save = NULL;
	int n = 0;

	for (tok = strtok_r(copy, ",", &save); tok && n < max;
	     tok = strtok_r(NULL, ",", &save))
		out[n++] = strtoul(tok, NULL, 0);
	free(copy);
	return n;
}

int main(int argc, char **argv)
{
	unsigned int batches[MAX_BATCHES] = { 1, 8, 32, 128, 512 };
	const char *want_kinds = "msq,ring,stack,tlq";
	struct lfq_features f;
	int nbatches = 5, failed = 0, opt, dev;
	unsigned int k;

	while ((opt = getopt(argc, argv, "d:s:k:b:")) != -1) {
		switch (opt) {
		case 'd':
			duration_ms = strtoul(optarg, NULL, 0);
			break;
		case 's':
			msg_size = strtoul(optarg, NULL, 0);
			break;
		case 'k':
			want_kinds = optarg;
			break;
		case 'b':
			nbatches = parse_list(optarg, batches, MAX_BATCHES);
			break;
		default:
			fprintf(stderr, "usage: %s [-d MS] [-s BYTES] [-k KIND,...] [-b B,...]\n",
				argv[0]);
			return 2;
		}
	}
	if (!msg_size || msg_size > 64) {
		fprintf(stderr, "message size must be 1 to 64 bytes\n");
		return 2;
	}

	dev = open("/dev/lfq", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		perror("/dev/lfq");
		printf("FAIL: devbench/open\n");
		return 1;
	}
	memset(&f, 0, sizeof(f));
	f.size = sizeof(f);
	if (ioctl(dev, LFQ_IOC_FEATURES, &f)) {
		perror("LFQ_IOC_FEATURES");
		printf("FAIL: devbench/features\n");
		return 1;
	}
	printf("devbench: abi=%u max_batch=%u max_ring_capacity=%u msg_size=%u duration_ms=%u\n",
	       f.abi_version, f.max_batch, f.max_ring_capacity, msg_size,
	       duration_ms);

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		const char *name = kinds[k].name;
		size_t len = strlen(name);
		const char *p = strstr(want_kinds, name);
		int bad = 0, i, q;
		uint64_t el;
		long n;

		if (!p || (p != want_kinds && p[-1] != ',') ||
		    (p[len] && p[len] != ','))
			continue;
		/* what the module offers: FEATURES, not the header */
		if (!(f.kinds & (1u << kinds[k].kind)) ||
		    (f.create_flags & NEED_CREATE) != NEED_CREATE ||
		    (f.io_flags & NEED_IO) != NEED_IO) {
			printf("SKIP: devbench/%s (not offered by this module)\n",
			       name);
			continue;
		}
		q = create_queue(dev, kinds[k].kind);
		if (q < 0) {
			fprintf(stderr, "create %s: %s\n", name,
				strerror(errno));
			printf("FAIL: devbench/%s\n", name);
			failed++;
			continue;
		}
		n = bench_rw(q, &el);	/* warm-up, not reported */
		n = n < 0 ? n : bench_rw(q, &el);
		if (n < 0)
			bad = 1;
		else
			report(name, "rw", 1, n, el);
		for (i = 0; i < nbatches && !bad; i++) {
			unsigned int b = batches[i];

			if (!b || b > f.max_batch || b > MAX_B ||
			    (kinds[k].kind == LFQ_KIND_RING &&
			     b > ring_capacity)) {
				printf("devbench: kind=%s mode=batch batch=%u skipped (limit)\n",
				       name, b);
				continue;
			}
			n = bench_batch(q, b, kinds[k].lifo, &el);
			if (n < 0)
				bad = 1;
			else
				report(name, "batch", b, n, el);
		}
		print_stats(q, name);
		close(q);
		printf("%s: devbench/%s\n", bad ? "FAIL" : "PASS", name);
		failed += bad;
	}
	close(dev);
	return failed ? 1 : 0;
}

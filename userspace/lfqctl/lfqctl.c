// SPDX-License-Identifier: GPL-2.0
/*
 * lfqctl - look at and exercise /dev/lfq
 *
 *   lfqctl [--json] info                 features and module parameters
 *   lfqctl [--json] demo [-n N]          each kind, through several processes
 *   lfqctl [--json] stats [--fd N]       a queue's counters (an inherited fd),
 *                                        or module-wide figures
 *   lfqctl [--json] bench [options]      small throughput run
 *   lfqctl create [-k KIND] [-c CAP] [-m MAX_MSG] [-B MAX_BYTES] [--fd N]
 *                 -- CMD [ARGS]          run CMD with a new queue on fd N
 *                                        (default 3; $LFQ_FD tells CMD)
 *   lfqctl push [--fd N] MSG...          push each MSG
 *   lfqctl pop [--fd N] [-n COUNT] [--nonblock]
 *                                        pop and print COUNT messages
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "liblfq.h"

static bool json;

static void die(const char *what)
{
	fprintf(stderr, "lfqctl: %s: %s\n", what, strerror(errno));
	if (errno == ENOENT)
		fprintf(stderr, "lfqctl: is the lfq module loaded?\n");
	exit(1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned int kind_from_arg(const char *s)
{
	int k = lfq_kind_from_name(s);

	if (k < 0) {
		fprintf(stderr, "lfqctl: unknown kind '%s' (msq, stack, ring, tlq)\n",
			s);
		exit(2);
	}
	return (unsigned int)k;
}

/* ---- info ---- */

static const char * const params[] = {
	"max_msg_size", "max_queue_bytes", "max_queues",
};

static int cmd_info(void)
{
	struct lfq_features f;
	char path[128], val[64];
	unsigned int k, i;
	bool first = true;

	if (lfq_features(&f) < 0)
		die(LIBLFQ_DEVICE);
	if (json) {
		printf("{\"abi_version\": %u, \"kinds\": [", f.abi_version);
		for (k = 1; k <= LFQ_KIND_MAX; k++)
			if (f.kinds & (1U << k)) {
				printf("%s\"%s\"", first ? "" : ", ",
				       lfq_kind_name(k));
				first = false;
			}
		printf("], \"create_flags\": %u, \"io_flags\": %u, \"max_msg\": %u, "
		       "\"max_ring_capacity\": %u, \"max_batch\": %u, "
		       "\"max_queues\": %u, \"nr_queues\": %u, "
		       "\"max_queue_bytes\": %llu, \"parameters\": {",
		       f.create_flags, f.io_flags, f.max_msg,
		       f.max_ring_capacity, f.max_batch, f.max_queues,
		       f.nr_queues, (unsigned long long)f.max_queue_bytes);
	} else {
		printf("/dev/lfq ABI version %u\n", f.abi_version);
		printf("  kinds:             ");
		for (k = 1; k <= LFQ_KIND_MAX; k++)
			if (f.kinds & (1U << k))
				printf("%s ", lfq_kind_name(k));
		printf("\n  create flags:      0x%x\n", f.create_flags);
		printf("  io flags:          0x%x\n", f.io_flags);
		printf("  max message:       %u bytes\n", f.max_msg);
		printf("  max queue bytes:   %llu\n",
		       (unsigned long long)f.max_queue_bytes);
		printf("  max ring capacity: %u\n", f.max_ring_capacity);
		printf("  max batch:         %u messages\n", f.max_batch);
		printf("  queues:            %u of %u\n", f.nr_queues,
		       f.max_queues);
		printf("module parameters (/sys/module/lfq/parameters):\n");
	}
	first = true;
	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		FILE *fp;

		snprintf(path, sizeof(path), "/sys/module/lfq/parameters/%s",
			 params[i]);
		fp = fopen(path, "r");
		if (!fp || !fgets(val, sizeof(val), fp))
			strcpy(val, "?");
		if (fp)
			fclose(fp);
		val[strcspn(val, "\n")] = 0;
		if (json)
			printf("%s\"%s\": \"%s\"", first ? "" : ", ", params[i],
			       val);
		else
			printf("  %-18s %s\n", params[i], val);
		first = false;
	}
	if (json)
		printf("}}\n");
	return 0;
}

/* ---- stats ---- */

static void print_stats(const char *label, const struct lfq_stats *st)
{
	if (json) {
		printf("{\"queue\": \"%s\", \"pushes\": %llu, \"pops\": %llu, "
		       "\"push_full\": %llu, \"pop_empty\": %llu, "
		       "\"cas_retries\": %llu, \"length\": %llu, \"bytes\": %llu, "
		       "\"peak_length\": %llu, \"peak_bytes\": %llu, "
		       "\"rcu_backlog\": %llu}", label,
		       (unsigned long long)st->pushes,
		       (unsigned long long)st->pops,
		       (unsigned long long)st->push_full,
		       (unsigned long long)st->pop_empty,
		       (unsigned long long)st->cas_retries,
		       (unsigned long long)st->length,
		       (unsigned long long)st->bytes,
		       (unsigned long long)st->peak_length,
		       (unsigned long long)st->peak_bytes,
		       (unsigned long long)st->rcu_backlog);
		return;
	}
	printf("%s: pushes %llu, pops %llu, full %llu, empty %llu, "
	       "CAS retries %llu, now %llu msgs / %llu bytes, "
	       "peak %llu msgs / %llu bytes, RCU backlog %llu nodes\n", label,
	       (unsigned long long)st->pushes, (unsigned long long)st->pops,
	       (unsigned long long)st->push_full,
	       (unsigned long long)st->pop_empty,
	       (unsigned long long)st->cas_retries,
	       (unsigned long long)st->length, (unsigned long long)st->bytes,
	       (unsigned long long)st->peak_length,
	       (unsigned long long)st->peak_bytes,
	       (unsigned long long)st->rcu_backlog);
}

static int cmd_stats(int fd)
{
	struct lfq_features f;
	struct lfq_stats st;
	struct lfq *q;

	if (fd >= 0) {
		q = lfq_from_fd(fd);
		if (!q)
			die("--fd: not an lfq queue");
		if (lfq_stats(q, &st) < 0)
			die("stats");
		print_stats(lfq_kind_name(lfq_kind(q)), &st);
		if (json)
			printf("\n");
		return 0;
	}
	/* Module-wide: the queue count, and the RCU backlog via a probe queue. */
	if (lfq_features(&f) < 0)
		die(LIBLFQ_DEVICE);
	q = lfq_create(LFQ_KIND_MSQ, 0, 0, LFQ_CREATE_CLOEXEC);
	if (!q || lfq_stats(q, &st) < 0)
		die("probe queue");
	lfq_close(q);
	if (json)
		printf("{\"nr_queues\": %u, \"max_queues\": %u, \"rcu_backlog\": %llu}\n",
		       f.nr_queues, f.max_queues,
		       (unsigned long long)st.rcu_backlog);
	else
		printf("queues: %u of %u; RCU backlog: %llu nodes\n"
		       "(per-queue counters: lfqctl stats --fd N, or from the program that holds the queue)\n",
		       f.nr_queues, f.max_queues,
		       (unsigned long long)st.rcu_backlog);
	return 0;
}

/* ---- demo ---- */

#define DEMO_PRODUCERS	2
#define DEMO_CONSUMERS	2
#define DEMO_MAX_MSG	64

struct demo_result {
	uint64_t got[DEMO_PRODUCERS];	/* messages from each producer */
	uint64_t order_errors;		/* FIFO: a producer's seq went back */
	uint64_t bad;			/* malformed messages */
};

static void demo_account(struct demo_result *r, const char *msg, size_t len,
			 long long *last, bool fifo)
{
	unsigned int p;
	long long seq;
	char buf[DEMO_MAX_MSG + 1];

	memcpy(buf, msg, len);
	buf[len] = 0;
	if (sscanf(buf, "p%u %lld", &p, &seq) != 2 || p >= DEMO_PRODUCERS) {
		r->bad++;
		return;
	}
	r->got[p]++;
	if (fifo && seq <= last[p])
		r->order_errors++;
	last[p] = seq;
}

static void demo_producer(struct lfq *q, unsigned int p, unsigned int n)
{
	char bufs[8][DEMO_MAX_MSG];
	struct iovec iov[8];
	unsigned int i = 0, j, k;
	int ret;

	if (p == 0) {
		/* one write() per message */
		for (i = 0; i < n; i++) {
			int len = snprintf(bufs[0], sizeof(bufs[0]), "p%u %u",
					   p, i);

			if (lfq_push(q, bufs[0], len) < 0)
				_exit(1);
		}
		_exit(0);
	}
	/* batches of up to 8, as many as fit per call */
	while (i < n) {
		k = n - i < 8 ? n - i : 8;
		for (j = 0; j < k; j++) {
			iov[j].iov_base = bufs[j];
			iov[j].iov_len = snprintf(bufs[j], sizeof(bufs[j]),
						  "p%u %u", p, i + j);
		}
		ret = lfq_push_many(q, iov, k, 0, -1);
		if (ret <= 0)
			_exit(1);
		i += ret;
	}
	_exit(0);
}

static void demo_consumer(struct lfq *q, int wfd, bool fifo)
{
	struct demo_result r = { 0 };
	long long last[DEMO_PRODUCERS];
	char buf[DEMO_MAX_MSG];
	ssize_t len;
	int i;

	for (i = 0; i < DEMO_PRODUCERS; i++)
		last[i] = -1;
	for (;;) {
		len = lfq_pop(q, buf, sizeof(buf));
		if (len < 0)
			_exit(1);
		if (len == 4 && !memcmp(buf, "stop", 4))
			break;
		demo_account(&r, buf, len, last, fifo);
	}
	if (write(wfd, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	_exit(0);
}

static int demo_kind(unsigned int kind, unsigned int n, bool first)
{
	unsigned int capacity = kind == LFQ_KIND_RING ? 8 : 0;
	bool fifo = kind != LFQ_KIND_STACK;
	struct demo_result total = { 0 }, r;
	long long last[DEMO_PRODUCERS] = { -1, -1 };
	uint64_t consumer_got[DEMO_CONSUMERS] = { 0 }, leftover = 0;
	pid_t pids[DEMO_PRODUCERS + DEMO_CONSUMERS];
	int pipes[DEMO_CONSUMERS][2];
	char buf[DEMO_MAX_MSG];
	struct lfq_stats st;
	unsigned int i, p;
	int status, fails = 0;
	double t0, dt;
	ssize_t len;
	struct lfq *q;
	bool ok;

	q = lfq_create(kind, capacity, DEMO_MAX_MSG, LFQ_CREATE_CLOEXEC);
	if (!q)
		die("create");
	t0 = now_s();
	for (i = 0; i < DEMO_CONSUMERS; i++) {
		if (pipe(pipes[i]) < 0)
			die("pipe");
		pids[DEMO_PRODUCERS + i] = fork();
		if (pids[DEMO_PRODUCERS + i] < 0)
			die("fork");
		if (!pids[DEMO_PRODUCERS + i]) {
			close(pipes[i][0]);
			demo_consumer(q, pipes[i][1], fifo);
		}
		close(pipes[i][1]);
	}
	for (p = 0; p < DEMO_PRODUCERS; p++) {
		pids[p] = fork();
		if (pids[p] < 0)
			die("fork");
		if (!pids[p])
			demo_producer(q, p, n);
	}
	for (p = 0; p < DEMO_PRODUCERS; p++) {
		waitpid(pids[p], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			fails++;
	}
	/* One "stop" per consumer.  A stack pops them first: count leftovers. */
	for (i = 0; i < DEMO_CONSUMERS; i++)
		if (lfq_push(q, "stop", 4) < 0)
			die("push stop");
	for (i = 0; i < DEMO_CONSUMERS; i++) {
		if (read(pipes[i][0], &r, sizeof(r)) != sizeof(r)) {
			fails++;
			memset(&r, 0, sizeof(r));
		}
		close(pipes[i][0]);
		waitpid(pids[DEMO_PRODUCERS + i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			fails++;
		for (p = 0; p < DEMO_PRODUCERS; p++) {
			total.got[p] += r.got[p];
			consumer_got[i] += r.got[p];
		}
		total.order_errors += r.order_errors;
		total.bad += r.bad;
	}
	/* Leftovers (stack only, normally), popped here without blocking. */
	fcntl(lfq_fd(q), F_SETFL, O_NONBLOCK);
	while ((len = lfq_pop(q, buf, sizeof(buf))) > 0) {
		if (len == 4 && !memcmp(buf, "stop", 4))
			continue;
		demo_account(&total, buf, len, last, false);
		leftover++;
	}
	dt = now_s() - t0;
	if (lfq_stats(q, &st) < 0)
		die("stats");
	lfq_close(q);

	ok = !fails && !total.bad && !total.order_errors;
	for (p = 0; p < DEMO_PRODUCERS; p++)
		ok = ok && total.got[p] == n;

	if (json) {
		printf("%s{\"kind\": \"%s\", \"ok\": %s, \"producers\": %d, "
		       "\"consumers\": %d, \"per_producer\": %u, "
		       "\"consumer_got\": [%llu, %llu], \"leftover\": %llu, "
		       "\"order_errors\": %llu, \"seconds\": %.3f, \"stats\": ",
		       first ? "" : ", ", lfq_kind_name(kind),
		       ok ? "true" : "false", DEMO_PRODUCERS, DEMO_CONSUMERS, n,
		       (unsigned long long)consumer_got[0],
		       (unsigned long long)consumer_got[1],
		       (unsigned long long)leftover,
		       (unsigned long long)total.order_errors, dt);
		print_stats(lfq_kind_name(kind), &st);
		printf("}");
		return ok ? 0 : 1;
	}
	printf("%s%s: %d producers x %u messages (p0: write(), p1: batches of 8)%s\n",
	       first ? "" : "\n", lfq_kind_name(kind), DEMO_PRODUCERS, n,
	       capacity ? ", ring of 8 slots: producers block when full" : "");
	printf("  consumers got %llu + %llu", (unsigned long long)consumer_got[0],
	       (unsigned long long)consumer_got[1]);
	if (leftover)
		printf(", %llu left after the stop markers (LIFO: they jump the line)",
		       (unsigned long long)leftover);
	printf(" = %llu of %u in %.2f s\n",
	       (unsigned long long)(total.got[0] + total.got[1]),
	       DEMO_PRODUCERS * n, dt);
	if (fifo)
		printf("  per-producer FIFO order: %s\n",
		       total.order_errors ? "BROKEN" : "kept");
	else
		printf("  LIFO: order not checked\n");
	print_stats("  stats", &st);
	printf("  %s\n", ok ? "OK" : "FAILED");
	return ok ? 0 : 1;
}

static int cmd_demo(unsigned int n)
{
	unsigned int kind;
	int fails = 0;

	if (json)
		printf("[");
	for (kind = 1; kind <= LFQ_KIND_MAX; kind++)
		fails += demo_kind(kind, n, kind == 1);
	if (json)
		printf("]\n");
	else
		printf("\ndemo: %s\n", fails ? "FAILED" : "all kinds OK");
	return fails ? 1 : 0;
}

/* ---- bench ---- */

struct bench_shared {
	uint64_t pushed;
	uint64_t popped;
};

static void bench_producer(struct lfq *q, struct bench_shared *sh,
			   uint64_t n, unsigned int size, unsigned int batch)
{
	struct iovec iov[256];
	char *buf = calloc(1, size);
	uint64_t i = 0;
	unsigned int j, k;
	int ret;

	if (!buf)
		_exit(1);
	for (j = 0; j < batch; j++) {
		iov[j].iov_base = buf;
		iov[j].iov_len = size;
	}
	while (i < n) {
		k = n - i < batch ? n - i : batch;
		if (k == 1)
			ret = lfq_push(q, buf, size) < 0 ? -1 : 1;
		else
			ret = lfq_push_many(q, iov, k, 0, -1);
		if (ret <= 0)
			_exit(1);
		i += ret;
		__atomic_add_fetch(&sh->pushed, ret, __ATOMIC_RELAXED);
	}
	_exit(0);
}

static void bench_consumer(struct lfq *q, struct bench_shared *sh,
			   uint64_t total, unsigned int batch)
{
	unsigned int max = lfq_max_msg(q), j;
	struct iovec iov[256];
	char *bufs = malloc((size_t)max * batch);
	int ret;

	if (!bufs)
		_exit(1);
	while (__atomic_load_n(&sh->popped, __ATOMIC_RELAXED) < total) {
		for (j = 0; j < batch; j++) {
			iov[j].iov_base = bufs + (size_t)j * max;
			iov[j].iov_len = max;
		}
		/* A short deadline, so that consumers notice the end. */
		ret = lfq_pop_many(q, iov, batch, 0, 20 * 1000 * 1000);
		if (ret < 0 && errno == ETIMEDOUT)
			continue;
		if (ret <= 0)
			_exit(1);
		__atomic_add_fetch(&sh->popped, ret, __ATOMIC_RELAXED);
	}
	_exit(0);
}

static int bench_kind(unsigned int kind, uint64_t n, unsigned int size,
		      unsigned int batch, unsigned int np, unsigned int nc,
		      bool first)
{
	unsigned int capacity = kind == LFQ_KIND_RING ? 1024 : 0;
	pid_t pids[64];
	struct bench_shared *sh;
	struct lfq_stats st;
	unsigned int i, failed = 0;
	double t0, dt, rate;
	bool tty = isatty(2);
	struct lfq *q;
	int status;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap");
	q = lfq_create(kind, capacity, size, LFQ_CREATE_CLOEXEC);
	if (!q)
		die("create");
	t0 = now_s();
	for (i = 0; i < np + nc; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			die("fork");
		if (!pids[i]) {
			if (i < np)
				bench_producer(q, sh, n / np + (i < n % np),
					       size, batch);
			bench_consumer(q, sh, n, batch);
		}
	}
	for (;;) {
		uint64_t done = __atomic_load_n(&sh->popped, __ATOMIC_RELAXED);

		dt = now_s() - t0;
		if (tty || done >= n)
			fprintf(stderr, "%s[bench %-5s] %3u%%  %" PRIu64 "/%" PRIu64
			" messages  %.0f msg/s ", tty ? "\r" : "",
			lfq_kind_name(kind),
			(unsigned int)(done * 100 / n), done, n,
			dt > 0 ? done / dt : 0.0);
		if (done >= n)
			break;
		if (waitpid(-1, &status, WNOHANG) > 0 &&
		    (!WIFEXITED(status) || WEXITSTATUS(status))) {
			failed++;
			break;
		}
		usleep(200 * 1000);
	}
	fprintf(stderr, "\n");
	dt = now_s() - t0;
	for (i = 0; i < np + nc; i++) {
		if (failed)
			kill(pids[i], SIGTERM);
		waitpid(pids[i], &status, 0);
		if (!failed && (!WIFEXITED(status) || WEXITSTATUS(status)))
			failed++;
	}
	if (lfq_stats(q, &st) < 0)
		die("stats");
	lfq_close(q);
	munmap(sh, sizeof(*sh));
	rate = n / dt;
	if (json) {
		printf("%s{\"kind\": \"%s\", \"ok\": %s, \"messages\": %" PRIu64
		       ", \"size\": %u, \"batch\": %u, \"producers\": %u, "
		       "\"consumers\": %u, \"seconds\": %.3f, \"msgs_per_s\": %.0f, "
		       "\"stats\": ", first ? "" : ", ", lfq_kind_name(kind),
		       failed ? "false" : "true", n, size, batch, np, nc, dt,
		       rate);
		print_stats(lfq_kind_name(kind), &st);
		printf("}");
	} else {
		printf("%-5s %" PRIu64 " x %u B, batch %u, %uP/%uC: %.3f s, %.0f msg/s%s\n",
		       lfq_kind_name(kind), n, size, batch, np, nc, dt, rate,
		       failed ? "  FAILED" : "");
		print_stats("      stats", &st);
	}
	return failed ? 1 : 0;
}

static int cmd_bench(int argc, char **argv)
{
	unsigned int size = 64, batch = 16, np = 2, nc = 2, kind = 0, k;
	uint64_t n = 200000;
	int c, fails = 0;

	optind = 1;
	while ((c = getopt(argc, argv, "k:n:s:b:p:c:")) != -1) {
		switch (c) {
		case 'k': kind = kind_from_arg(optarg); break;
		case 'n': n = strtoull(optarg, NULL, 0); break;
		case 's': size = strtoul(optarg, NULL, 0); break;
		case 'b': batch = strtoul(optarg, NULL, 0); break;
		case 'p': np = strtoul(optarg, NULL, 0); break;
		case 'c': nc = strtoul(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: lfqctl bench [-k KIND] [-n MSGS] [-s SIZE] [-b BATCH] [-p PRODUCERS] [-c CONSUMERS]\n");
			return 2;
		}
	}
	if (!n || !size || !batch || batch > 256 || !np || !nc ||
	    np + nc > 64) {
		fprintf(stderr, "lfqctl bench: need n, size >= 1, batch 1..256, 1 <= producers + consumers <= 64\n");
		return 2;
	}
	if (json)
		printf("[");
	for (k = 1; k <= LFQ_KIND_MAX; k++)
		if (!kind || k == kind)
			fails += bench_kind(k, n, size, batch, np, nc,
					    kind ? true : k == 1);
	if (json)
		printf("]\n");
	return fails ? 1 : 0;
}

/* ---- create / push / pop ---- */

static int cmd_create(int argc, char **argv, int fd)
{
	struct lfq_create c = { .size = sizeof(c), .kind = LFQ_KIND_MSQ };
	char fdstr[16];
	struct lfq *q;
	int opt, qfd;

	optind = 1;
	while ((opt = getopt(argc, argv, "+k:c:m:B:")) != -1) {
		switch (opt) {
		case 'k': c.kind = kind_from_arg(optarg); break;
		case 'c': c.capacity = strtoul(optarg, NULL, 0); break;
		case 'm': c.max_msg = strtoul(optarg, NULL, 0); break;
		case 'B': c.max_bytes = strtoull(optarg, NULL, 0); break;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: lfqctl create [-k KIND] [-c CAP] [-m MAX_MSG] [-B MAX_BYTES] [--fd N] -- CMD [ARGS]\n");
		return 2;
	}
	if (c.kind == LFQ_KIND_RING && !c.capacity)
		c.capacity = 64;
	q = lfq_create_attr(&c);
	if (!q)
		die("create");
	qfd = lfq_fd(q);
	if (fd < 0)
		fd = 3;
	if (qfd != fd) {
		if (dup2(qfd, fd) < 0)
			die("dup2");
		close(qfd);
	}
	snprintf(fdstr, sizeof(fdstr), "%d", fd);
	setenv("LFQ_FD", fdstr, 1);
	execvp(argv[optind], argv + optind);
	die(argv[optind]);
	return 1;
}

static int env_fd(int fd)
{
	const char *s = getenv("LFQ_FD");

	if (fd >= 0)
		return fd;
	return s ? atoi(s) : 3;
}

static int cmd_push(int argc, char **argv, int fd)
{
	struct lfq *q = lfq_from_fd(env_fd(fd));
	int i;

	if (!q)
		die("not an lfq queue fd (--fd N or $LFQ_FD)");
	for (i = 1; i < argc; i++)
		if (lfq_push(q, argv[i], strlen(argv[i])) < 0)
			die("push");
	free(q);	/* the fd stays open: it is the caller's */
	return 0;
}

static int cmd_pop(int argc, char **argv, int fd, bool nonblock)
{
	struct lfq *q = lfq_from_fd(env_fd(fd));
	unsigned long count = 1, i;
	struct iovec iov;
	char *buf;
	int opt, ret;

	optind = 1;
	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n')
			return 2;
		count = strtoul(optarg, NULL, 0);
	}
	if (!q)
		die("not an lfq queue fd (--fd N or $LFQ_FD)");
	buf = malloc(lfq_max_msg(q));
	if (!buf)
		die("malloc");
	for (i = 0; i < count; i++) {
		iov.iov_base = buf;
		iov.iov_len = lfq_max_msg(q);
		ret = lfq_pop_many(q, &iov, 1, nonblock ? LFQ_IO_NONBLOCK : 0,
				   -1);
		if (ret < 0) {
			if (errno == EAGAIN) {
				fprintf(stderr, "lfqctl: queue empty\n");
				return 1;
			}
			die("pop");
		}
		fwrite(buf, 1, iov.iov_len, stdout);
		putchar('\n');
	}
	free(buf);
	free(q);
	return 0;
}

static void usage(FILE *fp)
{
	fprintf(fp,
		"usage: lfqctl [--json] COMMAND [ARGS]\n"
		"  info                       features and module parameters\n"
		"  demo [-n N]                every kind through 2 producer and 2 consumer processes\n"
		"  stats [--fd N]             counters of a queue fd, or module-wide figures\n"
		"  bench [-k KIND] [-n MSGS] [-s SIZE] [-b BATCH] [-p P] [-c C]\n"
		"  create [-k KIND] [-c CAP] [-m MAX_MSG] [-B MAX_BYTES] [--fd N] -- CMD [ARGS]\n"
		"                             run CMD with a new queue on fd N (default 3, $LFQ_FD)\n"
		"  push [--fd N] MSG...       push messages to the queue on fd N\n"
		"  pop [--fd N] [--nonblock] [-n COUNT]\n"
		"                             pop and print messages\n"
		"kinds: msq, stack, ring, tlq\n");
}

int main(int argc, char **argv)
{
	bool nonblock = false;
	int fd = -1, i, j;
	const char *cmd;

	/* Global options, wherever they are before a "--". */
	for (i = 1, j = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (i < argc)
				argv[j++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--nonblock")) {
			nonblock = true;
		} else if (!strcmp(argv[i], "--fd") && i + 1 < argc) {
			fd = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			argv[j++] = argv[i];
		}
	}
	argc = j;
	argv[argc] = NULL;
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	argc--;
	argv++;

	if (!strcmp(cmd, "info"))
		return cmd_info();
	if (!strcmp(cmd, "stats"))
		return cmd_stats(fd);
	if (!strcmp(cmd, "demo")) {
		unsigned int n = 2000;

		if (argc >= 3 && !strcmp(argv[1], "-n"))
			n = strtoul(argv[2], NULL, 0);
		if (!n)
			n = 1;
		return cmd_demo(n);
	}
	if (!strcmp(cmd, "bench"))
		return cmd_bench(argc, argv);
	if (!strcmp(cmd, "create"))
		return cmd_create(argc, argv, fd);
	if (!strcmp(cmd, "push"))
		return cmd_push(argc, argv, fd);
	if (!strcmp(cmd, "pop"))
		return cmd_pop(argc, argv, fd, nonblock);
	fprintf(stderr, "lfqctl: unknown command '%s'\n", cmd);
	usage(stderr);
	return 2;
}

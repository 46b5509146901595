// SPDX-License-Identifier: GPL-2.0
/*
 * lfqctl - look at and exercise /dev/lfq
 *
 *   lfqctl [--json] info                 features and module parameters
 *   lfqctl [--json] demo [-n N]          each kind, through several processes
 *   lfqctl [--json] stats [--fd N]       a queue's counters (an inherited fd),
 *                                        or module-wide figures
 *   lfqctl [--json] bench [options]      small throughput run
 *   lfqctl create [-k KIND] [-c CAP] [-m MAX_MSG] [-B MAX_BYTES] [--shm]
 *                 [--fd N] [--] CMD [ARGS]
 *                                        run CMD with a new queue on fd N
 *                                        (default 3; $LFQ_FD tells CMD)
 *   lfqctl push [--fd N] MSG...          push each MSG
 *   lfqctl pop [--fd N] [-n COUNT] [--nonblock]
 *                                        pop and print COUNT messages
 *
 * Options are parsed with getopt_long(); every command takes --help.  Exit
 * status: 0 success, 1 an operation failed (or a demo/bench check), 2 a
 * usage error (unknown command or option, a malformed or out-of-range
 * number); create exits with CMD's status, 126/127 if CMD cannot be run.
 * lfqctl(1) has the details.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "liblfq.h"

#ifndef LFQCTL_VERSION
#define LFQCTL_VERSION "unknown"
#endif

/* Exit status: see lfqctl(1). */
#define EXIT_FAIL	1
#define EXIT_USAGE	2

static bool json;
static const char *cmd_name = "";

static void die(const char *what)
{
	fprintf(stderr, "lfqctl: %s: %s\n", what, strerror(errno));
	if (errno == ENOENT)
		fprintf(stderr, "lfqctl: is the lfq module loaded?\n");
	else if (errno == EACCES)
		fprintf(stderr, "lfqctl: no access to /dev/lfq (a udev rule can grant it: lfqctl(1))\n");
	exit(EXIT_FAIL);
}

static void __attribute__((format(printf, 1, 2))) usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "lfqctl%s%s: ", *cmd_name ? " " : "", cmd_name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n(lfqctl %s%s--help for the usage)\n", cmd_name,
		*cmd_name ? " " : "");
	exit(EXIT_USAGE);
}

/*
 * A whole decimal number from min to max: no sign, no leading blanks, no
 * trailing characters, no overflow.  Anything else is a usage error.
 */
static unsigned long long parse_num(const char *what, const char *s,
				    unsigned long long min,
				    unsigned long long max)
{
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		usage_error("%s: '%s' is not a number", what, s);
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		usage_error("%s: '%s' is not a number", what, s);
	if (errno == ERANGE || v < min || v > max)
		usage_error("%s: %s is out of range (%llu to %llu)", what, s,
			    min, max);
	return v;
}

static int parse_fd(const char *what, const char *s)
{
	return (int)parse_num(what, s, 0, INT_MAX);
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

	if (k < 0)
		usage_error("unknown kind '%s' (lfqctl info lists the module's)",
			    s);
	return (unsigned int)k;
}

/*
 * The kinds come from the running module (features.kinds), never from
 * LFQ_KIND_MAX: the next kind after @k (0: the first) that the module
 * offers and liblfq names, or 0 after the last.
 */
static unsigned int next_kind(const struct lfq_features *f, unsigned int k)
{
	while (++k < 32)
		if ((f->kinds & (1U << k)) &&
		    strcmp(lfq_kind_name(k), "unknown"))
			return k;
	return 0;
}

static void get_features(struct lfq_features *f)
{
	if (lfq_dev_features(f) < 0)
		die(LIBLFQ_DEVICE);
}

/* ---- info ---- */

static const char * const params[] = {
	"max_msg", "max_queue_bytes", "max_queues",
};

static int cmd_info(void)
{
	struct lfq_features f;
	char path[128], val[64];
	unsigned int k, i;
	bool first = true;

	get_features(&f);
	if (json) {
		printf("{\"abi_version\": %u, \"kinds\": [", f.abi_version);
		for (k = next_kind(&f, 0); k; k = next_kind(&f, k)) {
			printf("%s\"%s\"", first ? "" : ", ", lfq_kind_name(k));
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
		for (k = next_kind(&f, 0); k; k = next_kind(&f, k))
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

/*
 * A shared-memory ring's geometry and counters, in the text output only
 * (nothing for other queues).
 */
static void print_shm(int fd)
{
	struct lfq_shm_info in = { .size = sizeof(in) };
	const struct lfq_shm_hdr *h = &in.hdr;

	if (json || ioctl(fd, LFQ_IOC_SHM_INFO, &in) < 0)
		return;
	printf("shm: %u slots, max_msg %u, stride %u, ring %llu bytes, "
	       "broken %u, wake calls %llu, wait calls %llu\n",
	       h->capacity, h->max_msg, h->slot_stride,
	       (unsigned long long)h->ring_size, h->broken,
	       (unsigned long long)in.wakes, (unsigned long long)in.waits);
}

static int cmd_stats(int fd)
{
	struct lfq_features f;
	struct lfq_stats st;
	unsigned int kind;
	struct lfq *q;

	if (fd >= 0) {
		q = lfq_from_fd(fd);
		if (!q)
			die("--fd: not an lfq queue");
		if (lfq_queue_stats(q, &st) < 0)
			die("stats");
		print_stats(lfq_kind_name(lfq_kind(q)), &st);
		print_shm(fd);
		if (json)
			printf("\n");
		return 0;
	}
	/* Module-wide: the queue count, and the RCU backlog via a probe queue. */
	get_features(&f);
	kind = next_kind(&f, 0);
	q = kind ? lfq_queue_create(kind, kind == LFQ_KIND_RING ? 8 : 0, 0,
				    LFQ_CREATE_CLOEXEC) : NULL;
	if (!q || lfq_queue_stats(q, &st) < 0)
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

	q = lfq_queue_create(kind, capacity, DEMO_MAX_MSG, LFQ_CREATE_CLOEXEC);
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
	if (lfq_queue_stats(q, &st) < 0)
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
	struct lfq_features f;
	unsigned int kind;
	int fails = 0;

	get_features(&f);
	if (json)
		printf("[");
	for (kind = next_kind(&f, 0); kind; kind = next_kind(&f, kind))
		fails += demo_kind(kind, n, kind == next_kind(&f, 0));
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
	q = lfq_queue_create(kind, capacity, size, LFQ_CREATE_CLOEXEC);
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
	if (lfq_queue_stats(q, &st) < 0)
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

/* ---- command line ---- */

struct command {
	const char *name;
	const char *synopsis;
	const char *help;
	int (*run)(int argc, char **argv);
};

static const struct command *cur;

static void command_help(const struct command *c, FILE *fp)
{
	fprintf(fp, "usage: lfqctl %s %s\n%s", c->name, c->synopsis, c->help);
}

enum { OPT_FD = 0x100, OPT_NONBLOCK, OPT_SHM };

/*
 * Every command takes --help and --json, handled here.
 * getopt_long() over a command's arguments (argv[0] is the command's
 * name).  Returns the next option, or -1 at the end; --help exits 0,
 * an unknown option or a missing argument exits 2.
 */
static int next_opt(int argc, char **argv, const char *optstring,
		    const struct option *longopts)
{
	int c;

	for (;;) {
		c = getopt_long(argc, argv, optstring, longopts, NULL);
		if (c == 'h') {
			command_help(cur, stdout);
			exit(0);
		}
		if (c == 'J') {
			json = true;
			continue;
		}
		if (c == '?' || c == ':') {
			/* getopt_long() said what was wrong */
			fprintf(stderr, "(lfqctl %s --help for the usage)\n",
				cmd_name);
			exit(EXIT_USAGE);
		}
		return c;
	}
}

static void no_operands(int argc, char **argv)
{
	if (optind < argc)
		usage_error("unexpected argument '%s'", argv[optind]);
}

static int run_info(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ 0 }
	};

	while (next_opt(argc, argv, "+h", lo) != -1)
		;
	no_operands(argc, argv);
	return cmd_info();
}

static int run_demo(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ "messages", required_argument, NULL, 'n' },
		{ 0 }
	};
	unsigned int n = 2000;
	int c;

	while ((c = next_opt(argc, argv, "+hn:", lo)) != -1)
		n = parse_num("-n", optarg, 1, 10000000);
	no_operands(argc, argv);
	return cmd_demo(n);
}

static int run_stats(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ "fd", required_argument, NULL, OPT_FD },
		{ 0 }
	};
	int fd = -1;

	while (next_opt(argc, argv, "+h", lo) != -1)
		fd = parse_fd("--fd", optarg);
	no_operands(argc, argv);
	return cmd_stats(fd);
}

static int run_bench(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ "kind", required_argument, NULL, 'k' },
		{ "messages", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 's' },
		{ "batch", required_argument, NULL, 'b' },
		{ "producers", required_argument, NULL, 'p' },
		{ "consumers", required_argument, NULL, 'c' },
		{ 0 }
	};
	unsigned int size = 64, batch = 16, np = 2, nc = 2, kind = 0, k;
	struct lfq_features f;
	uint64_t n = 200000;
	int c, fails = 0;

	while ((c = next_opt(argc, argv, "+hk:n:s:b:p:c:", lo)) != -1) {
		switch (c) {
		case 'k':
			kind = kind_from_arg(optarg);
			break;
		case 'n':
			n = parse_num("-n", optarg, 1, UINT64_MAX / 2);
			break;
		case 's':
			size = parse_num("-s", optarg, 1, UINT_MAX);
			break;
		case 'b':
			batch = parse_num("-b", optarg, 1, 256);
			break;
		case 'p':
			np = parse_num("-p", optarg, 1, 63);
			break;
		case 'c':
			nc = parse_num("-c", optarg, 1, 63);
			break;
		}
	}
	no_operands(argc, argv);
	if (np + nc > 64)
		usage_error("at most 64 producers and consumers together");
	if (json)
		printf("[");
	get_features(&f);
	if (kind && !(f.kinds & (1U << kind))) {
		fprintf(stderr, "lfqctl: kind %s: not offered by this module\n",
			lfq_kind_name(kind));
		return EXIT_FAIL;
	}
	for (k = next_kind(&f, 0); k; k = next_kind(&f, k))
		if (!kind || k == kind)
			fails += bench_kind(k, n, size, batch, np, nc,
					    kind ? true : k == next_kind(&f, 0));
	if (json)
		printf("]\n");
	return fails ? EXIT_FAIL : 0;
}

static int run_create(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ "kind", required_argument, NULL, 'k' },
		{ "capacity", required_argument, NULL, 'c' },
		{ "max-msg", required_argument, NULL, 'm' },
		{ "max-bytes", required_argument, NULL, 'B' },
		{ "shm", no_argument, NULL, OPT_SHM },
		{ "fd", required_argument, NULL, OPT_FD },
		{ 0 }
	};
	struct lfq_create attr = { .size = sizeof(attr), .kind = LFQ_KIND_MSQ };
	int c, fd = 3, qfd, kind = -1;
	char fdstr[16];
	struct lfq *q;

	while ((c = next_opt(argc, argv, "+hk:c:m:B:", lo)) != -1) {
		switch (c) {
		case 'k':
			kind = attr.kind = kind_from_arg(optarg);
			break;
		case 'c':
			attr.capacity = parse_num("-c", optarg, 0, UINT_MAX);
			break;
		case 'm':
			attr.max_msg = parse_num("-m", optarg, 0, UINT_MAX);
			break;
		case 'B':
			attr.max_bytes = parse_num("-B", optarg, 0, UINT64_MAX);
			break;
		case OPT_SHM:
			attr.flags |= LFQ_CREATE_SHM;
			break;
		case OPT_FD:
			fd = parse_fd("--fd", optarg);
			break;
		}
	}
	if (attr.flags & LFQ_CREATE_SHM) {
		if (kind >= 0 && kind != LFQ_KIND_RING)
			usage_error("--shm makes a ring: -k must be ring");
		attr.kind = LFQ_KIND_RING;
	}
	if (optind >= argc)
		usage_error("no command to run");
	if (attr.kind == LFQ_KIND_RING && !attr.capacity)
		attr.capacity = 64;
	q = lfq_queue_create_attr(&attr);
	if (!q)
		die("create");
	qfd = lfq_fd(q);
	if (qfd != fd) {
		if (dup2(qfd, fd) < 0)
			die("dup2");
		close(qfd);
	}
	snprintf(fdstr, sizeof(fdstr), "%d", fd);
	setenv("LFQ_FD", fdstr, 1);
	execvp(argv[optind], argv + optind);
	fprintf(stderr, "lfqctl: %s: %s\n", argv[optind], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

/* --fd N, else $LFQ_FD (set by lfqctl create), else 3. */
static struct lfq *queue_from(int fd)
{
	const char *s = getenv("LFQ_FD");
	struct lfq *q;

	if (fd < 0)
		fd = s ? parse_fd("$LFQ_FD", s) : 3;
	q = lfq_from_fd(fd);
	if (!q)
		die("not an lfq queue fd (--fd N or $LFQ_FD)");
	return q;
}

static int run_push(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ "fd", required_argument, NULL, OPT_FD },
		{ 0 }
	};
	struct lfq *q;
	int i, fd = -1;

	while (next_opt(argc, argv, "+h", lo) != -1)
		fd = parse_fd("--fd", optarg);
	if (optind >= argc)
		usage_error("no message to push");
	q = queue_from(fd);
	for (i = optind; i < argc; i++)
		if (lfq_push(q, argv[i], strlen(argv[i])) < 0)
			die("push");
	free(q);	/* the fd stays open: it is the caller's */
	return 0;
}

/*
 * One message into @buf (@size bytes): through the shared ring's mapping
 * when there is one (the batch ioctls refuse such a queue), sleeping in
 * lfq_shm_wait() unless @nonblock; else one LFQ_IOC_POP_BATCH.  Returns
 * the length, or -1 with errno set (EAGAIN: empty and @nonblock).
 */
static ssize_t pop_one(struct lfq *q, struct lfq_shm *m, void *buf,
		       size_t size, bool nonblock)
{
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	ssize_t n;

	if (!m) {
		if (lfq_pop_many(q, &iov, 1, nonblock ? LFQ_IO_NONBLOCK : 0,
				 -1) < 0)
			return -1;
		return iov.iov_len;
	}
	for (;;) {
		n = lfq_shm_pop(m, buf, size);
		if (n >= 0 || errno != EAGAIN || nonblock)
			return n;
		if (lfq_shm_wait(m, LFQ_SHM_IN, -1) < 0)
			return -1;
	}
}

static int run_pop(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ "fd", required_argument, NULL, OPT_FD },
		{ "count", required_argument, NULL, 'n' },
		{ "nonblock", no_argument, NULL, OPT_NONBLOCK },
		{ 0 }
	};
	unsigned long count = 1, i;
	bool nonblock = false;
	int c, fd = -1;
	struct lfq_shm *m;
	struct lfq *q;
	ssize_t len;
	char *buf;

	while ((c = next_opt(argc, argv, "+hn:", lo)) != -1) {
		switch (c) {
		case 'n':
			count = parse_num("-n", optarg, 1, ULONG_MAX);
			break;
		case OPT_FD:
			fd = parse_fd("--fd", optarg);
			break;
		case OPT_NONBLOCK:
			nonblock = true;
			break;
		}
	}
	no_operands(argc, argv);
	q = queue_from(fd);
	/* a shared-memory ring is popped through its mapping (ENOTTY: not one) */
	m = lfq_shm_map(lfq_fd(q));
	if (!m && errno != ENOTTY)
		die("map the shared ring");
	buf = malloc(lfq_max_msg(q));
	if (!buf)
		die("malloc");
	for (i = 0; i < count; i++) {
		len = pop_one(q, m, buf, lfq_max_msg(q), nonblock);
		if (len < 0) {
			if (errno == EAGAIN) {
				fprintf(stderr, "lfqctl: queue empty\n");
				return EXIT_FAIL;
			}
			die("pop");
		}
		fwrite(buf, 1, len, stdout);
		putchar('\n');
	}
	lfq_shm_unmap(m);
	free(buf);
	free(q);
	return 0;
}

static const struct command commands[] = {
	{ "info", "[--json]",
	  "The module's features, limits and parameters.\n", run_info },
	{ "demo", "[--json] [-n N]",
	  "Every kind through 2 producer and 2 consumer processes, checked.\n"
	  "  -n, --messages N   messages per producer (1 to 10000000, default 2000)\n",
	  run_demo },
	{ "stats", "[--json] [--fd N]",
	  "Counters of the queue on fd N, or module-wide figures without --fd.\n",
	  run_stats },
	{ "bench", "[--json] [-k KIND] [-n MSGS] [-s SIZE] [-b BATCH] [-p P] [-c C]",
	  "Throughput through /dev/lfq, with a progress line on stderr.\n"
	  "  -k, --kind KIND       one kind only (default: all)\n"
	  "  -n, --messages MSGS   messages in all (default 200000)\n"
	  "  -s, --size SIZE       message size in bytes (default 64)\n"
	  "  -b, --batch BATCH     messages per call, 1 to 256 (default 16)\n"
	  "  -p, --producers P     producer processes (default 2)\n"
	  "  -c, --consumers C     consumer processes (default 2; P + C <= 64)\n",
	  run_bench },
	{ "create", "[-k KIND] [-c CAP] [-m MAX_MSG] [-B MAX_BYTES] [--shm] [--fd N] [--] CMD [ARGS]",
	  "Create a queue and run CMD with it on fd N ($LFQ_FD tells CMD which).\n"
	  "  -k, --kind KIND         msq (default), stack, ring or tlq\n"
	  "  -c, --capacity CAP      ring slots (default 64 for a ring)\n"
	  "  -m, --max-msg MAX_MSG   largest message in bytes (0: the module's)\n"
	  "  -B, --max-bytes BYTES   bytes queued at most (0: the module's)\n"
	  "      --shm               a shared-memory ring (kind ring)\n"
	  "      --fd N              the fd CMD gets (default 3)\n"
	  "Exits with CMD's status; 127 if CMD is not found, 126 if it cannot run.\n",
	  run_create },
	{ "push", "[--fd N] MSG...",
	  "Push each MSG to the queue on fd N ($LFQ_FD, else 3).\n", run_push },
	{ "pop", "[--fd N] [-n COUNT] [--nonblock]",
	  "Pop COUNT messages (default 1) from the queue on fd N ($LFQ_FD, else 3)\n"
	  "and print each on a line.  --nonblock: exit 1 if the queue is empty.\n",
	  run_pop },
};

#define NR_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *fp)
{
	unsigned int i;

	fprintf(fp, "usage: lfqctl [--json] COMMAND [OPTIONS] [ARGS]\n"
		"       lfqctl --help | --version | COMMAND --help\n");
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(fp, "  %s %s\n", commands[i].name, commands[i].synopsis);
	fprintf(fp, "kinds: msq, stack, ring, tlq.  Numbers are decimal.\n"
		"Exit status: 0 done, 1 an operation failed, 2 usage error.\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 }
	};
	static char prog[32];
	unsigned int i;
	int c;

	/* Options before the command; "+": stop at the command. */
	while ((c = getopt_long(argc, argv, "+hV", lo, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'J':
			json = true;
			break;
		case 'V':
			printf("lfqctl %s\n", LFQCTL_VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	for (i = 0; i < NR_COMMANDS; i++) {
		if (strcmp(argv[optind], commands[i].name))
			continue;
		cur = &commands[i];
		cmd_name = cur->name;
		argc -= optind;
		argv += optind;
		optind = 1;
		/* getopt_long()'s messages start with argv[0] */
		snprintf(prog, sizeof(prog), "lfqctl %s", cmd_name);
		argv[0] = prog;
		return cur->run(argc, argv);
	}
	fprintf(stderr, "lfqctl: unknown command '%s'\n", argv[optind]);
	usage(stderr);
	return EXIT_USAGE;
}

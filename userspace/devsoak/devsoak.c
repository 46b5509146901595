// SPDX-License-Identifier: GPL-2.0
/*
 * devsoak - soak of /dev/lfq across processes, with signals and a consumer
 * killed midway.  Static, for the busybox test guest (make guest-bin puts
 * it in build/guest/devsoak).
 *
 * usage: devsoak [-n MSGS] [-k KIND[,KIND...]] [-p PRODUCERS] [-c CONSUMERS]
 *                [-b BATCH] [-t SECONDS] [-C RING_CAPACITY] [-B MAX_BYTES]
 *
 * For each kind: one queue, P producer and C consumer processes (fork()) on
 * its fd.  Producers push MSGS messages in all, with LFQ_IOC_PUSH_BATCH (as
 * many as possible) and every 8th call with write(); consumers pop with
 * LFQ_IOC_POP_BATCH (with a deadline) and every 8th call with read().  The
 * queues are small (by default a ring of 256, or a byte budget of 64 KiB
 * for the other kinds), so calls sleep on full and empty, and the parent sends random SIGUSR1 (handler
 * with SA_RESTART) and SIGUSR2 (handler without it) to the children, so
 * sleeping calls are interrupted and restarted or fail with EINTR.  When
 * half the messages have been pushed, the parent SIGKILLs consumer 0.
 *
 * A message is 16 bytes: the value v = ((producer + 1) << 40) | seq, and
 * mix(v), which the consumer checks (a corrupted message fails).
 *
 * Accounting, and why it is exact even for the killed consumer.  Each
 * consumer owns a record in shared memory (MAP_SHARED, faulted in before
 * the first pop, so the kernel's copy to it cannot fault): two copies of a
 * per-producer tally (count, sum of sequence numbers, sum of mix(v)), a
 * batch area and a commit word.  The pop calls copy messages straight
 * into the batch area.  Then the consumer adds the batch to the tally copy
 * that is not current, and with ONE store of the commit word makes it
 * current and marks the batch "tallied"; then it zeroes the batch and
 * clears the mark with a second store.  A SIGKILL can land anywhere:
 *   - before a pop call moved anything: nothing to account;
 *   - after the kernel copied messages into the batch but before the
 *     commit (in the kernel on the way out, or in user space): the current
 *     tally does not have them and the batch is not marked: the parent
 *     adds the batch's non-zero entries (values are never 0);
 *   - after the commit store: the current tally has them and the batch is
 *     marked (or already zeroed): the parent ignores the batch.
 * So what the killed consumer had been handed is known exactly, whether
 * or not its call had returned, and nothing it had not been handed may be
 * missing: at the end, after the parent drains the queue, every producer's
 * sequences 0 .. pushed - 1 must have been delivered exactly once in all
 * (count, sequence sum and mix sum per producer all equal, as in
 * module/lfq_soak.c).  A message that the kernel dropped when the
 * consumer died, or handed to it twice, fails the run.  FIFO kinds also
 * check each producer's order within every consumer.
 *
 * Prints one line per kind, "devsoak: kind=... msgs=... secs=...
 * msgs_per_s=..." with the signals sent, EINTRs seen, the killed
 * consumer's in-flight batch, and the queue's peaks (LFQ_IOC_STATS), and
 * KTAP results ("ok N KIND").  Exits 1 if anything failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/lfq.h>

#define MAXP		8
#define MAXC		8
#define MAXB		256
#define SEQ_BITS	40
#define MSG_SIZE	16

struct msg {
	uint64_t v;
	uint64_t mix;
};

struct tally {
	uint64_t count;
	uint64_t seq_sum;
	uint64_t mix;
};

/* Bits of struct cons_rec.commit. */
#define COMMIT_CUR	1ULL	/* which tally copy is current */
#define COMMIT_TALLIED	2ULL	/* the batch area is in the current tally */

struct cons_rec {
	uint64_t commit;
	uint64_t calls;
	uint64_t eintr;
	uint64_t bad;
	uint64_t order;
	uint64_t first_err;
	struct tally tally[2][MAXP];
	struct msg batch[MAXB];
};

struct shared {
	int producers_done;
	int stop;
	uint64_t pushed[MAXP];
	uint64_t mix[MAXP];
	uint64_t push_eintr[MAXP];
	uint64_t push_err[MAXP];
	struct cons_rec cons[MAXC];
};

static const struct {
	const char *name;
	unsigned int kind;
	int fifo;
} kinds[] = {
	{ "msq", LFQ_KIND_MSQ, 1 },
	{ "stack", LFQ_KIND_STACK, 0 },
	{ "ring", LFQ_KIND_RING, 1 },
	{ "tlq", LFQ_KIND_TLQ, 1 },
};

/* The flags this program uses; a module without them is skipped. */
#define NEED_CREATE	LFQ_CREATE_CLOEXEC
#define NEED_IO		(LFQ_IO_NONBLOCK | LFQ_IO_DEADLINE)

static uint64_t total_msgs = 100000;
static unsigned int nprod = 2, ncons = 3, batch = 64, max_secs;
static unsigned int ring_cap = 256, max_bytes = 65536;
static struct shared *sh;

/* splitmix64's finaliser: see module/lfq_soak.c for why a non-linear mix */
static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void on_signal(int sig)
{
	(void)sig;
}

static void handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_flags = 0;
	sigaction(SIGUSR2, &sa, NULL);
}

static void producer(int fd, unsigned int id, uint64_t count)
{
	struct lfq_msg_desc d[MAXB];
	struct msg m[MAXB];
	uint64_t seq = 0, mix = 0;
	unsigned int calls = 0, n, i;
	long k;

	while (seq < count && !__atomic_load_n(&sh->stop, __ATOMIC_RELAXED)) {
		n = count - seq < batch ? count - seq : batch;
		for (i = 0; i < n; i++) {
			m[i].v = ((uint64_t)(id + 1) << SEQ_BITS) | (seq + i);
			m[i].mix = mix64(m[i].v);
			d[i].addr = (uintptr_t)&m[i];
			d[i].len = MSG_SIZE;
			d[i].flags = 0;
		}
		if (++calls % 8 == 0) {
			k = write(fd, &m[0], MSG_SIZE);
			k = k == MSG_SIZE ? 1 : -1;
		} else {
			struct lfq_batch b = {
				.size = sizeof(b), .msgs = (uintptr_t)d, .count = n,
			};

			k = ioctl(fd, LFQ_IOC_PUSH_BATCH, &b);
		}
		if (k < 0) {
			if (errno == EINTR) {
				sh->push_eintr[id]++;
				continue;
			}
			sh->push_err[id]++;
			fprintf(stderr, "producer %u: push: %s\n", id, strerror(errno));
			break;
		}
		for (i = 0; i < k; i++)
			mix += m[i].mix;
		seq += k;
		sh->mix[id] = mix;
		__atomic_store_n(&sh->pushed[id], seq, __ATOMIC_RELAXED);
	}
}

/* Add @n batch entries to @t; count what is wrong in @c. */
static void tally_add(struct cons_rec *c, struct tally *t, const struct msg *b,
		      unsigned int n, uint64_t *next, int fifo)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint64_t v = b[i].v, p = (v >> SEQ_BITS) - 1, seq = v & ((1ULL << SEQ_BITS) - 1);

		if (!v || p >= nprod || b[i].mix != mix64(v)) {
			if (!c->bad++ && !c->order)
				c->first_err = v;
			continue;
		}
		t[p].count++;
		t[p].seq_sum += seq;
		t[p].mix += b[i].mix;
		if (next) {
			if (fifo && seq < next[p] && !c->order++ && !c->bad)
				c->first_err = v;
			next[p] = seq + 1;
		}
	}
}

static void consumer(int fd, unsigned int id, int fifo)
{
	struct cons_rec *c = &sh->cons[id];
	struct lfq_msg_desc d[MAXB];
	uint64_t next[MAXP] = { 0 };
	unsigned int i, cur;
	int done, nonblock = 0;
	long k;

	/* fault the whole record in: the kernel's copies to it must not fault */
	memset(c, 0, sizeof(*c));
	for (;;) {
		struct lfq_batch b = {
			.size = sizeof(b), .msgs = (uintptr_t)d, .count = batch,
		};

		done = __atomic_load_n(&sh->producers_done, __ATOMIC_ACQUIRE);
		if (done)
			nonblock = 1;
		c->calls++;
		if (!nonblock && c->calls % 8 == 0) {
			k = read(fd, &c->batch[0], MSG_SIZE);
			k = k == MSG_SIZE ? 1 : (k < 0 ? -1 : (errno = EPROTO, -1));
		} else {
			for (i = 0; i < batch; i++) {
				d[i].addr = (uintptr_t)&c->batch[i];
				d[i].len = MSG_SIZE;
				d[i].flags = 0;
			}
			if (nonblock) {
				b.flags = LFQ_IO_NONBLOCK;
			} else {
				b.flags = LFQ_IO_DEADLINE;
				b.deadline_ns = now_ns() + 200000000ull;
			}
			k = ioctl(fd, LFQ_IOC_POP_BATCH, &b);
		}
		if (k < 0) {
			if (errno == EINTR) {
				c->eintr++;
				continue;
			}
			if (errno == ETIMEDOUT)
				continue;
			if (errno == EAGAIN && done)
				break;	/* every push has returned: empty is the end */
			if (errno == EAGAIN)
				continue;
			c->bad++;
			fprintf(stderr, "consumer %u: pop: %s\n", id, strerror(errno));
			break;
		}
		/* the commit protocol described at the top */
		cur = c->commit & COMMIT_CUR;
		memcpy(c->tally[!cur], c->tally[cur], sizeof(c->tally[0]));
		tally_add(c, c->tally[!cur], c->batch, k, next, fifo);
		__atomic_store_n(&c->commit, (uint64_t)!cur | COMMIT_TALLIED,
				 __ATOMIC_RELAXED);
		memset(c->batch, 0, k * sizeof(c->batch[0]));
		__atomic_store_n(&c->commit, (uint64_t)!cur, __ATOMIC_RELAXED);
	}
}

static uint64_t stats_backlog(int fd, struct lfq_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	if (ioctl(fd, LFQ_IOC_STATS, s) < 0)
		return 0;
	return s->rcu_backlog;
}

static unsigned int rnd(unsigned int *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

static int soak_kind(int dev, unsigned int ki, unsigned int test_no)
{
	struct lfq_create cr = {
		.size = sizeof(cr), .kind = kinds[ki].kind, .max_msg = MSG_SIZE,
		.flags = LFQ_CREATE_CLOEXEC,
	};
	pid_t prods[MAXP], conss[MAXC];
	struct tally want, got[MAXP];
	uint64_t t0, ns, pushed = 0, signals = 0, inflight = 0, peak_backlog = 0;
	uint64_t bad = 0, order = 0, eintr = 0, first_err = 0, drained = 0, b;
	unsigned int i, p, seed = 12345 + ki, alive_c, killed = 0, unbalanced = 0;
	int fd, status, fail = 0, capped = 0;
	struct lfq_stats st;
	struct cons_rec *drain;

	if (kinds[ki].kind == LFQ_KIND_RING)
		cr.capacity = ring_cap;
	else
		cr.max_bytes = max_bytes;
	fd = ioctl(dev, LFQ_IOC_CREATE, &cr);
	if (fd < 0) {
		printf("# %s: create: %s\n", kinds[ki].name, strerror(errno));
		printf("not ok %u %s\n", test_no, kinds[ki].name);
		return 1;
	}
	memset(sh, 0, sizeof(*sh));
	t0 = now_ns();
	for (i = 0; i < ncons; i++) {
		conss[i] = fork();
		if (conss[i] == 0) {
			consumer(fd, i, kinds[ki].fifo);
			_exit(0);
		}
	}
	for (i = 0; i < nprod; i++) {
		prods[i] = fork();
		if (prods[i] == 0) {
			producer(fd, i, total_msgs / nprod + (i < total_msgs % nprod));
			_exit(0);
		}
	}

	/* signals at random until the producers are done; the kill at half */
	alive_c = ncons;
	for (;;) {
		unsigned int left = 0;

		for (i = 0, pushed = 0; i < nprod; i++) {
			pushed += __atomic_load_n(&sh->pushed[i], __ATOMIC_RELAXED);
			if (prods[i] > 0 && waitpid(prods[i], &status, WNOHANG) == prods[i])
				prods[i] = 0;
			left += prods[i] > 0;
		}
		if (!left)
			break;
		if (!killed && ncons > 1 && pushed >= total_msgs / 2) {
			kill(conss[0], SIGKILL);
			waitpid(conss[0], &status, 0);
			if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL) {
				printf("# %s: consumer 0 was not killed (status %#x)\n",
				       kinds[ki].name, status);
				fail = 1;
			}
			conss[0] = 0;
			killed = 1;
			alive_c--;
		}
		if (max_secs && now_ns() - t0 > (uint64_t)max_secs * 1000000000ull) {
			capped = 1;
			__atomic_store_n(&sh->stop, 1, __ATOMIC_RELAXED);
		}
		i = rnd(&seed) % (nprod + ncons);
		if (i < nprod ? prods[i] > 0 : conss[i - nprod] > 0) {
			kill(i < nprod ? prods[i] : conss[i - nprod],
			     rnd(&seed) & 1 ? SIGUSR1 : SIGUSR2);
			signals++;
		}
		b = stats_backlog(fd, &st);
		if (b > peak_backlog)
			peak_backlog = b;
		usleep(1000 + rnd(&seed) % 4000);
	}
	__atomic_store_n(&sh->producers_done, 1, __ATOMIC_RELEASE);
	/* wake consumers asleep in read() (no deadline) until they are gone */
	while (alive_c) {
		for (i = 0; i < ncons; i++) {
			if (conss[i] <= 0)
				continue;
			if (waitpid(conss[i], &status, WNOHANG) == conss[i]) {
				if (!WIFEXITED(status) || WEXITSTATUS(status)) {
					printf("# %s: consumer %u died (status %#x)\n",
					       kinds[ki].name, i, status);
					fail = 1;
				}
				conss[i] = 0;
				alive_c--;
				continue;
			}
			kill(conss[i], SIGUSR2);
		}
		usleep(20000);
	}
	ns = now_ns() - t0;

	/* leftovers: there should be none */
	drain = calloc(1, sizeof(*drain));
	for (;;) {
		struct lfq_msg_desc d[MAXB];
		struct lfq_batch bt = {
			.size = sizeof(bt), .flags = LFQ_IO_NONBLOCK,
			.msgs = (uintptr_t)d, .count = MAXB,
		};
		long k;

		for (i = 0; i < MAXB; i++) {
			d[i].addr = (uintptr_t)&drain->batch[i];
			d[i].len = MSG_SIZE;
			d[i].flags = 0;
		}
		k = ioctl(fd, LFQ_IOC_POP_BATCH, &bt);
		if (k <= 0)
			break;
		tally_add(drain, drain->tally[0], drain->batch, k, NULL, 0);
		drained += k;
	}
	stats_backlog(fd, &st);

	memset(got, 0, sizeof(got));
	for (i = 0; i < ncons; i++) {
		struct cons_rec *c = &sh->cons[i];
		unsigned int cur = c->commit & COMMIT_CUR;

		for (p = 0; p < nprod; p++) {
			got[p].count += c->tally[cur][p].count;
			got[p].seq_sum += c->tally[cur][p].seq_sum;
			got[p].mix += c->tally[cur][p].mix;
		}
		if (!(c->commit & COMMIT_TALLIED)) {
			/* handed over, not yet tallied: only the killed one */
			struct tally extra[MAXP];
			unsigned int n = 0;

			memset(extra, 0, sizeof(extra));
			while (n < MAXB && c->batch[n].v)
				n++;
			tally_add(c, extra, c->batch, n, NULL, 0);
			for (p = 0; p < nprod; p++) {
				got[p].count += extra[p].count;
				got[p].seq_sum += extra[p].seq_sum;
				got[p].mix += extra[p].mix;
			}
			inflight += n;
		}
		bad += c->bad;
		order += c->order;
		eintr += c->eintr;
		if (!first_err && (c->bad || c->order))
			first_err = c->first_err;
	}
	bad += drain->bad;
	pushed = 0;
	for (p = 0; p < nprod; p++) {
		uint64_t n = sh->pushed[p];

		got[p].count += drain->tally[0][p].count;
		got[p].seq_sum += drain->tally[0][p].seq_sum;
		got[p].mix += drain->tally[0][p].mix;
		want.count = n;
		want.seq_sum = n & 1 ? n * ((n - 1) / 2) : (n / 2) * (n - 1);
		want.mix = sh->mix[p];
		pushed += n;
		eintr += sh->push_eintr[p];
		if (sh->push_err[p])
			fail = 1;
		if (got[p].count != want.count || got[p].seq_sum != want.seq_sum ||
		    got[p].mix != want.mix) {
			unbalanced++;
			printf("# %s: producer %u pushed %llu, delivered %llu (seq sum %llu, want %llu; mix %016llx, want %016llx)\n",
			       kinds[ki].name, p, (unsigned long long)n,
			       (unsigned long long)got[p].count,
			       (unsigned long long)got[p].seq_sum,
			       (unsigned long long)want.seq_sum,
			       (unsigned long long)got[p].mix,
			       (unsigned long long)want.mix);
		}
	}
	free(drain);
	if (bad || order)
		printf("# %s: %llu bad and %llu out-of-order messages, first %#llx\n",
		       kinds[ki].name, (unsigned long long)bad,
		       (unsigned long long)order, (unsigned long long)first_err);
	if (pushed != total_msgs && !capped)
		fail = 1;
	fail |= unbalanced || bad || order || (ncons > 1 && !killed) || st.length;
	printf("devsoak: kind=%s msgs=%llu target=%llu secs=%llu.%03llu msgs_per_s=%llu producers=%u consumers=%u signals=%llu eintr=%llu killed=%u killed_inflight=%llu drained=%llu putbacks=%llu peak_len=%llu peak_mem_bytes=%llu peak_rcu_backlog=%llu capped=%d verdict=%s\n",
	       kinds[ki].name, (unsigned long long)pushed,
	       (unsigned long long)total_msgs,
	       (unsigned long long)(ns / 1000000000ull),
	       (unsigned long long)(ns % 1000000000ull / 1000000ull),
	       (unsigned long long)(ns ? pushed * 1000000000ull / ns : 0),
	       nprod, ncons, (unsigned long long)signals,
	       (unsigned long long)eintr, killed, (unsigned long long)inflight,
	       (unsigned long long)drained, (unsigned long long)st.putbacks,
	       (unsigned long long)st.peak_length,
	       (unsigned long long)st.peak_mem_bytes,
	       (unsigned long long)peak_backlog, capped,
	       fail ? "FAIL" : "PASS");
	printf("%s %u %s\n", fail ? "not ok" : "ok", test_no, kinds[ki].name);
	if (!fail && capped)
		printf("not ok %u %s-msgs # stopped by -t after %llu of %llu\n",
		       test_no, kinds[ki].name, (unsigned long long)pushed,
		       (unsigned long long)total_msgs);
	close(fd);
	return fail || capped;
}

int main(int argc, char **argv)
{
	const char *sel = "msq,stack,ring,tlq";
	struct lfq_features f = { .size = sizeof(f) };
	unsigned int i, n = 0, test_no = 0;
	int opt, dev, rc = 0;

	while ((opt = getopt(argc, argv, "n:k:p:c:b:t:C:B:")) != -1) {
		switch (opt) {
		case 'n':
			total_msgs = strtoull(optarg, NULL, 0);
			break;
		case 'k':
			sel = optarg;
			break;
		case 'p':
			nprod = atoi(optarg);
			break;
		case 'c':
			ncons = atoi(optarg);
			break;
		case 'b':
			batch = atoi(optarg);
			break;
		case 't':
			max_secs = atoi(optarg);
			break;
		case 'C':
			ring_cap = atoi(optarg);
			break;
		case 'B':
			max_bytes = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-n MSGS] [-k KINDS] [-p P] [-c C] [-b BATCH] [-t SECONDS] [-C CAP] [-B BYTES]\n",
				argv[0]);
			return 2;
		}
	}
	if (!nprod || nprod > MAXP || !ncons || ncons > MAXC || !batch ||
	    batch > MAXB || !total_msgs) {
		fprintf(stderr, "devsoak: 1 <= P <= %d, 1 <= C <= %d, 1 <= BATCH <= %d, MSGS > 0\n",
			MAXP, MAXC, MAXB);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	handlers();
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	dev = open("/dev/lfq", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		perror("/dev/lfq");
		return 1;
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		n += !!strstr(sel, kinds[i].name);
	printf("1..%u\n", n);
	/* What the module offers: FEATURES, not the header's constants. */
	if (ioctl(dev, LFQ_IOC_FEATURES, &f)) {
		perror("LFQ_IOC_FEATURES");
		return 1;
	}
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (!strstr(sel, kinds[i].name))
			continue;
		if (!(f.kinds & (1U << kinds[i].kind)))
			printf("ok %u %s # SKIP not offered by this module\n",
			       ++test_no, kinds[i].name);
		else if ((f.create_flags & NEED_CREATE) != NEED_CREATE ||
			 (f.io_flags & NEED_IO) != NEED_IO)
			printf("ok %u %s # SKIP flags not offered (create %#x io %#x)\n",
			       ++test_no, kinds[i].name, f.create_flags,
			       f.io_flags);
		else
			rc |= soak_kind(dev, i, ++test_no);
	}
	return rc;
}

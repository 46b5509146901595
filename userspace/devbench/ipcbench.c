// SPDX-License-Identifier: GPL-2.0
/*
 * ipcbench - what a program that wants a message queue between processes
 * would pick instead of /dev/lfq, measured in the same boot: a pipe, an
 * AF_UNIX SOCK_SEQPACKET socket pair, a POSIX message queue, batches of
 * sendmmsg()/recvmmsg() on the socket pair, and /dev/lfq itself (write()
 * and read() on a ring or msq queue fd, and the batch ioctls).  A floor
 * row, null_rw (1t only: a write() to /dev/null and a read() from it per
 * message, nothing moved, nothing checked), gives the cost of the two
 * system calls that every write()/read() mechanism pays.
 *
 * Two modes, each with M-byte messages:
 *   1t   one thread sends a message (or a batch) and receives it back;
 *   2p   fork(): the parent sends N messages, the child receives them
 *        (both block when the channel is full or empty).
 * Every message carries its sequence number and a pattern; the receiver
 * checks each one (content, length, order) and the run fails on the first
 * wrong one, so a figure is only printed for a run that delivered all N.
 * For each mechanism, mode and size it prints
 *
 *   ipcbench: mech=pipe mode=2p size=8 batch=1 msgs=N elapsed_ns=T ns_per_msg=X
 *
 * then "PASS: ipcbench/<mech>-<mode>-<size>", "FAIL: ..." or "SKIP: ..."
 * (a mechanism the kernel does not offer, such as POSIX mq without
 * CONFIG_POSIX_MQUEUE).  Exits 1 if anything failed.
 *
 * Static, over the uapi header only, for the busybox test guest.
 *
 * usage: ipcbench [-n MSGS] [-s SIZE[,SIZE...]] [-m MECH[,MECH...]] [-b BATCH]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/lfq.h>

#define MAX_SIZE	1024U
#define MAX_BATCH	128U
#define LFQ_RING_CAP	1024U

/* A channel: a send end and a receive end, and how to move messages. */
struct chan {
	int tx, rx;
	int stream;	/* a byte stream (pipe): read exactly a message */
	int floor;	/* null_rw: moves nothing, nothing to check */
	mqd_t mq;
	int (*send)(struct chan *c, unsigned char (*buf)[MAX_SIZE],
		    unsigned int n);
	int (*recv)(struct chan *c, unsigned char (*buf)[MAX_SIZE],
		    unsigned int n);
};

struct mech {
	const char *name;
	unsigned int batch;	/* messages per send/receive call */
	int (*open)(struct chan *c, unsigned int size);
	void (*close)(struct chan *c);
};

static unsigned int nmsgs = 20000;
static unsigned int msg_size;
static unsigned int batch = 32;
static char mq_name[64];

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void fill(unsigned char *buf, uint64_t seq)
{
	memcpy(buf, &seq, sizeof(seq));
	memset(buf + sizeof(seq), (unsigned char)(seq * 7 + 1),
	       msg_size - sizeof(seq));
}

static int check(const unsigned char *buf, ssize_t len, uint64_t seq)
{
	unsigned char want[MAX_SIZE];

	if (len != (ssize_t)msg_size) {
		fprintf(stderr, "message %llu: %zd bytes, want %u\n",
			(unsigned long long)seq, len, msg_size);
		return -1;
	}
	fill(want, seq);
	if (memcmp(buf, want, msg_size)) {
		fprintf(stderr, "message %llu: wrong content or order\n",
			(unsigned long long)seq);
		return -1;
	}
	return 0;
}

static int fail_io(const char *what, ssize_t r)
{
	fprintf(stderr, "%s: %zd (%s)\n", what, r, r < 0 ? strerror(errno) :
		"short");
	return -1;
}

/* ---- one message per call: write()/read(), send()/recv(), mq ---- */

static int fd_send(struct chan *c, unsigned char (*buf)[MAX_SIZE],
		   unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		ssize_t r = write(c->tx, buf[i], msg_size);

		if (r != (ssize_t)msg_size)
			return fail_io("write", r);
	}
	return 0;
}

static int fd_recv(struct chan *c, unsigned char (*buf)[MAX_SIZE],
		   unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		/*
		 * A pipe is a byte stream: collect a whole message.  The
		 * others keep message boundaries, and /dev/lfq wants room
		 * for max_msg bytes.
		 */
		size_t got = 0;

		do {
			ssize_t r = read(c->rx, buf[i] + got, c->stream ?
					 msg_size - got : MAX_SIZE);

			if (r <= 0)
				return fail_io("read", r);
			got += r;
		} while (c->stream && got < msg_size);
		if (got != msg_size)
			return fail_io("read length", got);
	}
	return 0;
}

static int pipe_open(struct chan *c, unsigned int size)
{
	int fds[2];

	(void)size;
	if (pipe2(fds, O_CLOEXEC))
		return -1;
	c->rx = fds[0];
	c->tx = fds[1];
	c->stream = 1;
	return 0;
}

/*
 * null_rw, the floor: write() of a message to /dev/null and a read() of
 * it, which returns 0 at once.  The two system calls through the VFS that
 * a pipe's or a queue fd's write()/read() pay as well, with nothing
 * moved, so a mechanism's figure minus this one is its own work.
 */
static int null_open(struct chan *c, unsigned int size)
{
	(void)size;
	c->tx = open("/dev/null", O_RDWR | O_CLOEXEC);
	c->rx = dup(c->tx);
	c->floor = 1;
	return c->tx < 0 || c->rx < 0 ? -1 : 0;
}

static int null_recv(struct chan *c, unsigned char (*buf)[MAX_SIZE],
		     unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		ssize_t r = read(c->rx, buf[i], MAX_SIZE);

		if (r)
			return fail_io("read /dev/null", r);
	}
	return 0;
}

static void fd_close(struct chan *c)
{
	close(c->tx);
	if (c->rx != c->tx)
		close(c->rx);
}

static int seqpacket_open(struct chan *c, unsigned int size)
{
	int fds[2];

	(void)size;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds))
		return -1;
	c->tx = fds[0];
	c->rx = fds[1];
	return 0;
}

/* One iovec of @len bytes per message, for sendmmsg()/recvmmsg(). */
static void mmsg_setup(struct mmsghdr *h, struct iovec *v,
		       unsigned char (*buf)[MAX_SIZE], unsigned int n,
		       size_t len)
{
	for (unsigned int i = 0; i < n; i++) {
		v[i].iov_base = buf[i];
		v[i].iov_len = len;
		memset(&h[i], 0, sizeof(h[i]));
		h[i].msg_hdr.msg_iov = &v[i];
		h[i].msg_hdr.msg_iovlen = 1;
	}
}

static int mmsg_send(struct chan *c, unsigned char (*buf)[MAX_SIZE],
		     unsigned int n)
{
	struct mmsghdr h[MAX_BATCH];
	struct iovec v[MAX_BATCH];
	unsigned int done = 0;

	mmsg_setup(h, v, buf, n, msg_size);
	while (done < n) {
		int r = sendmmsg(c->tx, h + done, n - done, 0);

		if (r <= 0)
			return fail_io("sendmmsg", r);
		done += r;
	}
	return 0;
}

static int mmsg_recv(struct chan *c, unsigned char (*buf)[MAX_SIZE],
		     unsigned int n)
{
	struct mmsghdr h[MAX_BATCH];
	struct iovec v[MAX_BATCH];
	unsigned int done = 0;

	mmsg_setup(h, v, buf, n, MAX_SIZE);
	while (done < n) {
		/* MSG_WAITFORONE: block for the first, take what is there */
		int r = recvmmsg(c->rx, h + done, n - done, MSG_WAITFORONE,
				 NULL);

		if (r <= 0)
			return fail_io("recvmmsg", r);
		for (int i = 0; i < r; i++)
			if (h[done + i].msg_len != msg_size)
				return fail_io("recvmmsg length",
					       h[done + i].msg_len);
		done += r;
	}
	return 0;
}

static int mq_snd(struct chan *c, unsigned char (*buf)[MAX_SIZE],
		  unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (mq_send(c->mq, (char *)buf[i], msg_size, 0))
			return fail_io("mq_send", -1);
	return 0;
}

static int mq_rcv(struct chan *c, unsigned char (*buf)[MAX_SIZE],
		  unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		ssize_t r = mq_receive(c->mq, (char *)buf[i], MAX_SIZE, NULL);

		if (r != (ssize_t)msg_size)
			return fail_io("mq_receive", r);
	}
	return 0;
}

static int posix_mq_open(struct chan *c, unsigned int size)
{
	/* the default depth (fs.mqueue.msg_default) a program gets */
	struct mq_attr a = { .mq_maxmsg = 10, .mq_msgsize = MAX_SIZE };

	(void)size;
	snprintf(mq_name, sizeof(mq_name), "/ipcbench-%d", (int)getpid());
	c->mq = mq_open(mq_name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
			0600, &a);
	if (c->mq == (mqd_t)-1)
		return -1;
	mq_unlink(mq_name);
	return 0;
}

static void posix_mq_close(struct chan *c)
{
	mq_close(c->mq);
}

/* ---- /dev/lfq: a queue fd, write()/read() or the batch ioctls ---- */

static int lfq_queue_open(unsigned int kind)
{
	struct lfq_create cr;
	int dev, q;

	dev = open("/dev/lfq", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -1;
	memset(&cr, 0, sizeof(cr));
	cr.size = sizeof(cr);
	cr.kind = kind;
	cr.capacity = kind == LFQ_KIND_RING ? LFQ_RING_CAP : 0;
	cr.max_msg = MAX_SIZE;
	cr.flags = LFQ_CREATE_CLOEXEC;
	q = ioctl(dev, LFQ_IOC_CREATE, &cr);
	close(dev);
	return q;
}

static int lfq_ring_open(struct chan *c, unsigned int size)
{
	(void)size;
	c->tx = c->rx = lfq_queue_open(LFQ_KIND_RING);
	return c->tx < 0 ? -1 : 0;
}

static int lfq_msq_open(struct chan *c, unsigned int size)
{
	(void)size;
	c->tx = c->rx = lfq_queue_open(LFQ_KIND_MSQ);
	return c->tx < 0 ? -1 : 0;
}

static int lfq_batch_io(int q, unsigned long cmd, unsigned char (*buf)[MAX_SIZE],
			unsigned int n, unsigned int len)
{
	struct lfq_msg_desc d[MAX_BATCH];
	struct lfq_batch b;
	unsigned int done = 0;

	for (unsigned int i = 0; i < n; i++) {
		d[i].addr = (uintptr_t)buf[i];
		d[i].len = len;
		d[i].flags = 0;
	}
	while (done < n) {
		int r;

		memset(&b, 0, sizeof(b));
		b.size = sizeof(b);
		b.msgs = (uintptr_t)(d + done);
		b.count = n - done;
		r = ioctl(q, cmd, &b);
		if (r <= 0)
			return fail_io(cmd == LFQ_IOC_PUSH_BATCH ?
				       "LFQ_IOC_PUSH_BATCH" :
				       "LFQ_IOC_POP_BATCH", r);
		if (cmd == LFQ_IOC_POP_BATCH)
			for (int i = 0; i < r; i++)
				if (d[done + i].len != msg_size)
					return fail_io("pop length",
						       d[done + i].len);
		done += r;
	}
	return 0;
}

static int lfq_batch_send(struct chan *c, unsigned char (*buf)[MAX_SIZE],
			  unsigned int n)
{
	return lfq_batch_io(c->tx, LFQ_IOC_PUSH_BATCH, buf, n, msg_size);
}

static int lfq_batch_recv(struct chan *c, unsigned char (*buf)[MAX_SIZE],
			  unsigned int n)
{
	return lfq_batch_io(c->rx, LFQ_IOC_POP_BATCH, buf, n, MAX_SIZE);
}

static struct mech mechs[] = {
	{ "null_rw", 1, null_open, fd_close },
	{ "pipe", 1, pipe_open, fd_close },
	{ "seqpacket", 1, seqpacket_open, fd_close },
	{ "mmsg", 0, seqpacket_open, fd_close },
	{ "posix_mq", 1, posix_mq_open, posix_mq_close },
	{ "lfq_ring_rw", 1, lfq_ring_open, fd_close },
	{ "lfq_msq_rw", 1, lfq_msq_open, fd_close },
	{ "lfq_ring_batch", 0, lfq_ring_open, fd_close },
	{ "lfq_msq_batch", 0, lfq_msq_open, fd_close },
};

static void set_ops(const struct mech *m, struct chan *c)
{
	if (!strcmp(m->name, "mmsg")) {
		c->send = mmsg_send;
		c->recv = mmsg_recv;
	} else if (!strcmp(m->name, "posix_mq")) {
		c->send = mq_snd;
		c->recv = mq_rcv;
	} else if (!strcmp(m->name, "null_rw")) {
		c->send = fd_send;
		c->recv = null_recv;
	} else if (strstr(m->name, "_batch")) {
		c->send = lfq_batch_send;
		c->recv = lfq_batch_recv;
	} else {
		c->send = fd_send;
		c->recv = fd_recv;
	}
}

static unsigned char (*bufs)[MAX_SIZE];

/* Send @total messages from seq 0, @b per call. */
static int sender(struct chan *c, unsigned int total, unsigned int b)
{
	for (unsigned int s = 0; s < total; s += b) {
		unsigned int n = total - s < b ? total - s : b;

		for (unsigned int i = 0; i < n; i++)
			fill(bufs[i], s + i);
		if (c->send(c, bufs, n))
			return -1;
	}
	return 0;
}

static int receiver(struct chan *c, unsigned int total, unsigned int b)
{
	for (unsigned int s = 0; s < total; s += b) {
		unsigned int n = total - s < b ? total - s : b;

		if (c->recv(c, bufs, n))
			return -1;
		for (unsigned int i = 0; i < n; i++)
			if (check(bufs[i], msg_size, s + i))
				return -1;
	}
	return 0;
}

/* One thread: send a call's worth, receive it back. */
static int run_1t(struct chan *c, unsigned int b)
{
	for (unsigned int s = 0; s < nmsgs; s += b) {
		unsigned int n = nmsgs - s < b ? nmsgs - s : b;

		for (unsigned int i = 0; i < n; i++)
			fill(bufs[i], s + i);
		if (c->send(c, bufs, n) || c->recv(c, bufs, n))
			return -1;
		for (unsigned int i = 0; i < n && !c->floor; i++)
			if (check(bufs[i], msg_size, s + i))
				return -1;
	}
	return 0;
}

/* Seconds a two-process run may take before it counts as a hang. */
#define RUN_LIMIT_S	300

static void on_stuck(int sig)
{
	static const char msg[] = "ipcbench: a run was stopped (receiver failed, or no progress)\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(1);
}

/*
 * Two processes: the parent sends, a forked child receives.  A parent
 * blocked on a full channel whose receiver has failed would wait forever
 * (a queue fd or message queue has no EPIPE), so a failing child sends it
 * SIGALRM, and an alarm of RUN_LIMIT_S seconds ends a run that hangs; the
 * handler reports and exits 1.
 */
static int run_2p(struct chan *c, unsigned int b)
{
	int status, r;
	pid_t pid;

	signal(SIGALRM, on_stuck);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		if (receiver(c, nmsgs, b)) {
			kill(getppid(), SIGALRM);
			_exit(1);
		}
		_exit(0);
	}
	alarm(RUN_LIMIT_S);
	r = sender(c, nmsgs, b);
	if (r)
		kill(pid, SIGKILL);
	if (waitpid(pid, &status, 0) != pid)
		r = -1;
	alarm(0);
	return r || !WIFEXITED(status) || WEXITSTATUS(status) ? -1 : 0;
}

static int bench(const struct mech *m, const char *mode)
{
	unsigned int b = m->batch ? m->batch : batch;
	struct chan c;
	uint64_t t0, el, x10;
	int r;

	/* the floor has no second process to measure */
	if (!strcmp(m->name, "null_rw") && strcmp(mode, "1t"))
		return 0;
	memset(&c, 0, sizeof(c));
	set_ops(m, &c);
	if (m->open(&c, msg_size)) {
		if (errno == ENOSYS || errno == ENOENT || errno == ENODEV) {
			printf("SKIP: ipcbench/%s-%s-%u (%s)\n", m->name, mode,
			       msg_size, strerror(errno));
			return 0;
		}
		fprintf(stderr, "%s: open: %s\n", m->name, strerror(errno));
		printf("FAIL: ipcbench/%s-%s-%u\n", m->name, mode, msg_size);
		return 1;
	}
	t0 = now_ns();
	r = strcmp(mode, "1t") ? run_2p(&c, b) : run_1t(&c, b);
	el = now_ns() - t0;
	m->close(&c);
	if (r) {
		printf("FAIL: ipcbench/%s-%s-%u\n", m->name, mode, msg_size);
		return 1;
	}
	x10 = el * 10 / nmsgs;
	printf("ipcbench: mech=%s mode=%s size=%u batch=%u msgs=%u elapsed_ns=%llu ns_per_msg=%llu.%llu\n",
	       m->name, mode, msg_size, b, nmsgs, (unsigned long long)el,
	       (unsigned long long)(x10 / 10), (unsigned long long)(x10 % 10));
	printf("PASS: ipcbench/%s-%s-%u\n", m->name, mode, msg_size);
	fflush(stdout);
	return 0;
}

static int listed(const char *list, const char *name)
{
	size_t len = strlen(name);
	const char *p;

	for (p = strstr(list, name); p; p = strstr(p + 1, name))
		if ((p == list || p[-1] == ',') && (!p[len] || p[len] == ','))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	const char *sizes = "8,1024", *want = NULL;
	static const char * const modes[] = { "1t", "2p" };
	int failed = 0, opt;
	char *copy, *tok, *save = NULL;

	while ((opt = getopt(argc, argv, "n:s:m:b:")) != -1) {
		switch (opt) {
		case 'n':
			nmsgs = strtoul(optarg, NULL, 0);
			break;
		case 's':
			sizes = optarg;
			break;
		case 'm':
			want = optarg;
			break;
		case 'b':
			batch = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: %s [-n MSGS] [-s SIZE,...] [-m MECH,...] [-b BATCH]\n",
				argv[0]);
			return 2;
		}
	}
	if (!nmsgs || !batch || batch > MAX_BATCH) {
		fprintf(stderr, "need 1 <= MSGS and 1 <= BATCH <= %u\n",
			MAX_BATCH);
		return 2;
	}
	bufs = calloc(MAX_BATCH, MAX_SIZE);
	if (!bufs)
		return 2;
	printf("ipcbench: msgs=%u batch=%u\n", nmsgs, batch);
	copy = strdup(sizes);
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		msg_size = strtoul(tok, NULL, 0);
		if (msg_size < sizeof(uint64_t) || msg_size > MAX_SIZE) {
			fprintf(stderr, "size %u: must be 8 to %u bytes\n",
				msg_size, MAX_SIZE);
			return 2;
		}
		for (unsigned int k = 0; k < sizeof(mechs) / sizeof(mechs[0]); k++) {
			if (want && !listed(want, mechs[k].name))
				continue;
			for (unsigned int md = 0; md < 2; md++)
				failed += bench(&mechs[k], modes[md]);
		}
	}
	free(copy);
	free(bufs);
	return failed ? 1 : 0;
}

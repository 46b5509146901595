// SPDX-License-Identifier: GPL-2.0
/*
 * lfq_hold - hold a queue fd while a command runs (helper of lfq_unload.sh)
 *
 *   lfq_hold CMD [ARG...]
 *
 * Creates a queue of the first kind the module offers, pushes one message,
 * closes /dev/lfq (so that only the queue fd holds the module), runs CMD
 * (which does not inherit the queue fd) and waits for it; then checks that
 * the queue still works: the message comes back, another goes through.
 * Exits with CMD's exit status if the queue worked, 1 if it did not.
 *
 * Without arguments it is not a test: it says so in KTAP and exits with
 * KSFT_SKIP, so that a runner that starts every program it finds counts
 * nothing for it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "lfq_common.h"

static int hold_fail(const char *what, long err)
{
	fprintf(stderr, "lfq_hold: %s: %s\n", what, strerror(-err));
	return 1;
}

int main(int argc, char **argv)
{
	struct lfq_features f;
	unsigned int i, kind = 0, cap = 0;
	const char *skip;
	char c = 'h';
	long ret;
	int dev, qfd, status;
	pid_t pid;

	if (argc < 2) {
		printf("TAP version 13\n1..0 # SKIP %s\n",
		       "lfq_hold is a helper of lfq_unload.sh: lfq_hold CMD [ARG...]");
		return KSFT_SKIP;
	}
	dev = open_dev(&skip);
	if (dev < 0)
		return hold_fail("open " DEV_PATH, -errno);
	ret = get_features(dev, &f);
	if (ret)
		return hold_fail("LFQ_IOC_FEATURES", ret);
	for (i = 0; i < NR_KIND_DESCS && !kind; i++)
		if (kind_offered(&f, kind_descs[i].kind)) {
			kind = kind_descs[i].kind;
			cap = kind_descs[i].bounded ? 2 : 0;
		}
	if (!kind)
		return hold_fail("no known kind offered", -EINVAL);
	qfd = q_create(dev, kind, cap, 1, 0, LFQ_CREATE_CLOEXEC);
	if (qfd < 0)
		return hold_fail("LFQ_IOC_CREATE", qfd);
	ret = xwrite(qfd, &c, 1);
	if (ret != 1)
		return hold_fail("write", ret < 0 ? ret : -EIO);
	close(dev);

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return hold_fail("fork", -errno);
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		fprintf(stderr, "lfq_hold: %s: %s\n", argv[1], strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return hold_fail("waitpid", -errno);

	/* The queue fd still works. */
	c = 0;
	ret = xread(qfd, &c, 1);
	if (ret != 1 || c != 'h')
		return hold_fail("read after the command", ret < 0 ? ret : -EIO);
	if (xwrite(qfd, &c, 1) != 1 || xread(qfd, &c, 1) != 1)
		return hold_fail("write and read after the command", -EIO);
	close(qfd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

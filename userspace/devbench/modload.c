// SPDX-License-Identifier: GPL-2.0
/*
 * modload - load a kernel module with one finit_module(2) call
 *
 *   modload FILE [PARAM=VALUE...]
 *
 * busybox insmod retries a failed finit_module() with init_module(), so a
 * module whose init fails on purpose runs its init twice.  lfq_bench.ko is
 * such a module: it runs the benchmark at load, prints the figures and
 * fails its own load (-EAGAIN, or -EIO if a check failed) so that it never
 * stays loaded, the way the kernel's one-shot test modules do.  This loader
 * asks once and reports what init returned.
 *
 * Exit status: 0 if the module loaded, 1 if the kernel refused it or its
 * init failed (the errno is printed), 2 for a usage or file error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	size_t len = 1;
	char *params;
	int fd, i;

	if (argc < 2) {
		fprintf(stderr, "usage: modload FILE [PARAM=VALUE...]\n");
		return 2;
	}
	for (i = 2; i < argc; i++)
		len += strlen(argv[i]) + 1;
	params = calloc(1, len);
	if (!params)
		return 2;
	for (i = 2; i < argc; i++) {
		if (i > 2)
			strcat(params, " ");
		strcat(params, argv[i]);
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "modload: %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	if (syscall(SYS_finit_module, fd, params, 0)) {
		fprintf(stderr, "modload: %s: %s (errno %d)\n", argv[1],
			strerror(errno), errno);
		return 1;
	}
	return 0;
}

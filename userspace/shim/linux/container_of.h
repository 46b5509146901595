/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: <linux/container_of.h>. */
#ifndef _KSHIM_LINUX_CONTAINER_OF_H
#define _KSHIM_LINUX_CONTAINER_OF_H

#include <stddef.h>

#define container_of(ptr, type, member)				\
	((type *)((char *)(ptr) - offsetof(type, member)))

#endif /* _KSHIM_LINUX_CONTAINER_OF_H */

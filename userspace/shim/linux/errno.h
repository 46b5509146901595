/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: <linux/errno.h>.  The libc's <errno.h> itself includes
 * <linux/errno.h>, so defer to the system (uapi) header, whose values are
 * the kernel's.
 */
#ifndef _KSHIM_LINUX_ERRNO_H
#define _KSHIM_LINUX_ERRNO_H

#include_next <linux/errno.h>

#endif /* _KSHIM_LINUX_ERRNO_H */

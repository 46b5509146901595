/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: <linux/string.h> is the C library's <string.h>. */
#ifndef _KSHIM_LINUX_STRING_H
#define _KSHIM_LINUX_STRING_H

#include <string.h>

#endif /* _KSHIM_LINUX_STRING_H */

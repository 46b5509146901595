/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: <linux/init.h>. */
#ifndef _KSHIM_LINUX_INIT_H
#define _KSHIM_LINUX_INIT_H

#define __init
#define __exit
#define __initdata

#endif /* _KSHIM_LINUX_INIT_H */

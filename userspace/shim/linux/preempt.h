/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: <linux/preempt.h>.  A thread cannot keep the scheduler
 * off its CPU, so these only keep the compiler from moving memory
 * accesses across them; code whose correctness needs preemption disabled
 * (rather than only a shorter window) must not be tested through the shim
 * for that property.
 */
#ifndef _KSHIM_LINUX_PREEMPT_H
#define _KSHIM_LINUX_PREEMPT_H

#include <linux/compiler.h>

#define preempt_disable()	barrier()
#define preempt_enable()	barrier()

#endif /* _KSHIM_LINUX_PREEMPT_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: <linux/irqflags.h>.  There are no interrupts, and a
 * per-CPU slot has one thread at a time (kshim.h), so disabling "local
 * interrupts" only has to keep other threads off this thread's per-CPU
 * data: nothing to do, except for the threads that share the last slot
 * (kshim_cpu_shared), which take one lock until the restore.
 */
#ifndef _KSHIM_LINUX_IRQFLAGS_H
#define _KSHIM_LINUX_IRQFLAGS_H

#include <linux/compiler.h>

unsigned long kshim_irq_save_shared(void);
void kshim_irq_restore_shared(void);

static inline unsigned long kshim_irq_save(void)
{
	kshim_this_cpu();
	if (unlikely(kshim_cpu_shared))
		return kshim_irq_save_shared();
	barrier();
	return 0;
}

static inline void kshim_irq_restore(unsigned long flags)
{
	barrier();
	if (unlikely(flags))
		kshim_irq_restore_shared();
}

#define local_irq_save(flags)		((flags) = kshim_irq_save())
#define local_irq_restore(flags)	kshim_irq_restore(flags)

#endif /* _KSHIM_LINUX_IRQFLAGS_H */

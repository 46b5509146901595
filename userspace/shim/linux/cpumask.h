/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: <linux/cpumask.h>. */
#ifndef _KSHIM_LINUX_CPUMASK_H
#define _KSHIM_LINUX_CPUMASK_H

#include <linux/types.h>

#define nr_cpu_ids			KSHIM_NR_CPUS
#define for_each_possible_cpu(cpu)					\
	for ((cpu) = 0; (cpu) < KSHIM_NR_CPUS; (cpu)++)
#define for_each_online_cpu(cpu)	for_each_possible_cpu(cpu)

#endif /* _KSHIM_LINUX_CPUMASK_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace shim: <linux/export.h>.  Exports are plain global symbols. */
#ifndef _KSHIM_LINUX_EXPORT_H
#define _KSHIM_LINUX_EXPORT_H

#define EXPORT_SYMBOL(sym)	extern __typeof__(sym) sym
#define EXPORT_SYMBOL_GPL(sym)	extern __typeof__(sym) sym
#define EXPORT_SYMBOL_NS_GPL(sym, ns)	extern __typeof__(sym) sym

#endif /* _KSHIM_LINUX_EXPORT_H */

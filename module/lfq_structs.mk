# SPDX-License-Identifier: GPL-2.0
# The structures of lfq.ko: the node cache, the kind registry and one file
# per kind.  Kbuild links them into lfq.ko; the userspace shim
# (userspace/shim/Makefile) builds the same list on liburcu.  A new kind
# adds its object here, once.
lfq-structs := lfq_core.o lfq_kinds.o lfq_msq.o lfq_stack.o lfq_ring.o \
	       lfq_tlq.o lfq_deque.o
# Nikolaev's SCQ (kernel API only).
lfq-structs += lfq_scq.o
# The object pool (kernel API only, not a kind of the registry).
lfq-structs += lfq_pool.o
# The hash map (kernel API only, not a kind of the registry).
lfq-structs += lfq_hmap.o

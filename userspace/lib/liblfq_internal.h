/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * liblfq_internal.h - liblfq calls for the project's own benchmarks.  NOT
 * API: not installed, and compiled into neither liblfq.so nor liblfq.a.  A
 * program that includes this builds liblfq.c into itself with
 * -DLIBLFQ_INTERNAL (without it, lfq_shm_attach() is left out).
 */
#ifndef LIBLFQ_INTERNAL_H
#define LIBLFQ_INTERNAL_H

#include "liblfq.h"

/*
 * lfq_shm_attach() - a shared-memory ring handle on memory liblfq did not
 * map, so that the same push/pop code can be measured on private memory.
 * @hdr:  the geometry, as LFQ_IOC_SHM_INFO reports it for a real ring
 *        (checked as lfq_shm_map() checks it); it stands for the header
 *        page (its @broken word is read) and must outlive the handle
 * @ring: @hdr->ring_size bytes, readable and writable; set here to the
 *        state the kernel gives a new ring (zeroes, slot i's seq = i)
 *
 * The handle has no fd: nothing may sleep on it (lfq_shm_wait() fails
 * with EBADF) and a waker finds no need-wakeup word set unless someone
 * called lfq_shm_arm().  lfq_shm_unmap() frees the handle only; the
 * caller frees @ring.  Returns the handle, or NULL with errno (EPROTO,
 * ENOMEM).
 */
struct lfq_shm *lfq_shm_attach(const struct lfq_shm_hdr *hdr, void *ring);

#endif /* LIBLFQ_INTERNAL_H */

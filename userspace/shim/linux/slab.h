/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: <linux/slab.h>.  kmem_cache objects come from malloc();
 * freed objects are poisoned with KSHIM_POISON_FREE and, optionally,
 * quarantined (see kshim.h).  Live objects are counted per cache.
 */
#ifndef _KSHIM_LINUX_SLAB_H
#define _KSHIM_LINUX_SLAB_H

#include <linux/types.h>
#include <linux/gfp.h>

#define SLAB_HWCACHE_ALIGN	0x2000u
#define SLAB_ACCOUNT		0x4000000u
#define SLAB_PANIC		0x40000u

struct kmem_cache;

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size,
				     unsigned int align, slab_flags_t flags,
				     void (*ctor)(void *));
void kmem_cache_destroy(struct kmem_cache *cache);
void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t gfp);
void kmem_cache_free(struct kmem_cache *cache, void *obj);

#define KMEM_CACHE(__struct, __flags)					\
	kmem_cache_create(#__struct, sizeof(struct __struct),		\
			  __alignof__(struct __struct), (__flags), NULL)

void *kvmalloc_array(size_t n, size_t size, gfp_t gfp);
void kvfree(const void *addr);
void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void kfree(const void *addr);

static inline void *kvcalloc(size_t n, size_t size, gfp_t gfp)
{
	return kvmalloc_array(n, size, gfp | __GFP_ZERO);
}

#endif /* _KSHIM_LINUX_SLAB_H */

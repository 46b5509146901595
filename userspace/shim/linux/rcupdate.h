/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace shim: <linux/rcupdate.h> on liburcu's memb flavour.
 *
 * Every thread that calls into RCU-using code (any lfq msq/stack/tlq
 * function, call_rcu(), rcu_barrier()) must first call
 * rcu_register_thread() and, before it exits, rcu_unregister_thread().
 *
 * Under ThreadSanitizer, rcu_read_unlock() releases, and every RCU callback
 * acquires, one shared sync object, so TSan knows that a callback runs
 * after the read-side sections that might have used the object (liburcu's
 * own synchronisation is invisible to it).
 */
#ifndef _KSHIM_LINUX_RCUPDATE_H
#define _KSHIM_LINUX_RCUPDATE_H

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/container_of.h>

extern char kshim_rcu_hb;

/*
 * Out of line in kshim.c.  call_rcu() appends to the calling thread's list
 * (the kernel appends to this CPU's callback list) and hands the list to
 * liburcu with one urcu call_rcu() every KSHIM_RCU_BATCH callbacks.
 * rcu_barrier() hands over the calling thread's list, then waits for
 * every callback handed to liburcu so far; rcu_unregister_thread() (and
 * thread exit) hands over the thread's list.
 */
void call_rcu(struct rcu_head *head, rcu_callback_t func);
void kshim_rcu_harvest(void);
/* state of this thread's oldest batch waiting for a grace period, or NULL */
extern __thread int *kshim_rcu_oldest_state;
#define KSHIM_RCU_DONE	1
void rcu_barrier(void);
void kshim_rcu_flush(void);

static inline void rcu_register_thread(void)
{
	urcu_memb_register_thread();
}

static inline void rcu_unregister_thread(void)
{
	kshim_rcu_flush();
	urcu_memb_unregister_thread();
}

static inline void rcu_read_lock(void)
{
	int *st = kshim_rcu_oldest_state;

	/* pairs with the exchange in kshim_rcu_batch_cb() (kshim.c) */
	if (unlikely(st && __atomic_load_n(st, __ATOMIC_ACQUIRE) ==
		     KSHIM_RCU_DONE))
		kshim_rcu_harvest();
	urcu_memb_read_lock();
}

static inline void rcu_read_unlock(void)
{
	kshim_tsan_release(&kshim_rcu_hb);
	urcu_memb_read_unlock();
}

/* urcu synchronize_rcu(), which also ends the cookies taken before it */
void synchronize_rcu(void);

/*
 * Polled grace periods (kshim.c), as the kernel's: a cookie from
 * get_state_synchronize_rcu() names the end of the first grace period
 * that starts after the call; poll_state_synchronize_rcu() says whether
 * it is over (and asks the shim's grace-period thread for it if nobody
 * has yet); cond_synchronize_rcu() waits until it is.
 */
extern unsigned long kshim_gp_requested, kshim_gp_done;
bool kshim_poll_state_slow(unsigned long cookie);

static inline unsigned long get_state_synchronize_rcu(void)
{
	/*
	 * Full barrier: the caller's unlink comes before this read of the
	 * request count, which comes before the request whose grace period
	 * the cookie names (kshim_poll_state_slow(), synchronize_rcu()).
	 */
#ifdef KSHIM_TSAN	/* no fences under TSan: a locked read-modify-write */
	return __atomic_add_fetch(&kshim_gp_requested, 0, __ATOMIC_SEQ_CST) + 1;
#else
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&kshim_gp_requested, __ATOMIC_RELAXED) + 1;
#endif
}

static inline bool poll_state_synchronize_rcu(unsigned long cookie)
{
	/* pairs with the release in kshim_gp_complete() */
	if ((long)(__atomic_load_n(&kshim_gp_done, __ATOMIC_ACQUIRE) -
		   cookie) >= 0) {
		kshim_tsan_acquire(&kshim_gp_done);
		return true;
	}
	return kshim_poll_state_slow(cookie);
}

void cond_synchronize_rcu(unsigned long cookie);

#undef rcu_dereference
#undef rcu_assign_pointer
#define rcu_dereference_raw(p)	__atomic_load_n(&(p), __ATOMIC_CONSUME)
#define rcu_dereference(p)	rcu_dereference_raw(p)
#define rcu_access_pointer(p)	READ_ONCE(p)
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define RCU_INIT_POINTER(p, v)	WRITE_ONCE(p, v)

#endif /* _KSHIM_LINUX_RCUPDATE_H */

# SPDX-License-Identifier: GPL-2.0
# The test plan every kernel runs (sourced by the guest's /init).

# kmemleak (debug kernel): forget what boot left, scan at the end.
kml=/sys/kernel/debug/kmemleak
[ -w $kml ] && echo clear >$kml

t load insmod /lfq/lfq.ko
t devnode test -c /dev/lfq
t devnode-mode sh -c '[ "$(stat -c %a /dev/lfq)" = 600 ]'

if [ -f /lfq/lfq_kunit.ko ]; then
	t kunit-load insmod /lfq/lfq_kunit.ko
	for s in lfq_kinds lfq_ring lfq_msq lfq_stack lfq_deque lfq_pool lfq_scq \
		 lfq_intrusive; do
		kunit_suite "$s"
	done
	t kunit-unload rmmod lfq_kunit
fi
if [ -f /lfq/lfq_kunit_hmap.ko ]; then
	t kunit-hmap-load insmod /lfq/lfq_kunit_hmap.ko
	kunit_suite lfq_hmap
	t kunit-hmap-unload rmmod lfq_kunit_hmap
fi

# The kselftest programs (*_test) and wrappers (*.sh); not their helpers
# (lfq_hold, which lfq_unload.sh runs).
for p in /lfq/bin/selftests/*_test /lfq/bin/selftests/*.sh; do
	[ -x "$p" ] || continue
	ktap "selftests/${p##*/}" "$p"
done
# The shared-memory ring's suite as a 32-bit program as well (compat
# ioctls, a 32-bit process mapping the ring), where it was built and the
# kernel runs 32-bit programs (the debug kernels do not).
p=/lfq/bin/selftests/lfq_shm_test32
if [ -x $p ]; then
	$p -l >/dev/null 2>&1	# lists the cases: exit 0 or 4 (skip) if it runs
	case $? in
	0 | 4) ktap selftests/lfq_shm_test32 $p ;;
	esac
fi
# On the debug kernels (KASAN, KCSAN) the hostile-page case once more, for
# three minutes: random words of a mapped ring rewritten while kernel and
# user producers and consumers run; a kernel report fails the boot.
p=/lfq/bin/selftests/lfq_shm_test
if [ -x $p ] && { [ -e $kml ] || [ -d /sys/kernel/debug/kunit ]; }; then
	ktap selftests/lfq_shm_hostile_180s env LFQ_SHM_HOSTILE_S=180 $p -t hostile_page
fi

if [ -x /lfq/bin/lfqctl ]; then
	t lfqctl-info lfqctl info
	t lfqctl-demo lfqctl demo
	# a shared-memory ring: pushed with write(), popped through the mapping
	t lfqctl-shm sh -c 'lfqctl create --shm -c 4 -- sh -c "lfqctl push hello world && lfqctl pop -n 2" | tr "\n" " " | grep -qx "hello world "'
fi

# Refused while a queue fd is open (lfqctl create holds one while its
# command runs), and bad module parameters are refused at load.
t rmmod-busy sh -c 'lfqctl create -- sh -c "! rmmod lfq"'
t still-loaded test -c /dev/lfq

# Fault injection (debug kernel): slab allocations made by a few lfqctl
# runs fail at random.  Errors are expected; what must not happen is a
# splat, a hang or a leak (the kernel-log check, timeout, kmemleak and the
# final rmmod judge that), and the module must work afterwards.
fs=/sys/kernel/debug/failslab
if [ -d $fs ]; then
	echo 1 >$fs/task-filter
	echo 10 >$fs/probability
	echo -1 >$fs/times
	echo 0 >$fs/verbose
	echo N >$fs/ignore-gfp-wait
	for i in 1 2 3 4 5; do
		timeout 120 sh -c 'echo 1 >/proc/self/make-it-fail; exec lfqctl demo' >/dev/null 2>&1
		echo "failslab run $i: exit $?"
	done
	echo 0 >$fs/probability
	t failslab-then-demo lfqctl demo
fi

t example-load insmod /lfq/lfq_example.ko
t example-unload rmmod lfq_example
t client-load insmod /lfq/lfq_client.ko
t client-unload rmmod lfq_client

# The short version of make soak (scripts/host/soak.sh): every structure in the
# kernel with kthreads, hard-IRQ hrtimers and (ring) NMIs, and every kind
# through /dev/lfq across processes with signals and a killed consumer.
# Much smaller on the debug kernels: KASAN and lockdep make every
# allocation slow, and a message's charge is larger
# there, so devsoak gets a bigger byte budget to fit more than a few
# dozen messages.
soak_ops=200000 soak_msgs=20000 soak_dev=
{ [ -e $kml ] || [ -d /sys/kernel/debug/kunit ]; } &&
	soak_ops=6000 soak_msgs=300 soak_dev="-B 1048576"
ksoak check ops=$soak_ops secs=60 | lfq_test_lines
ktap devsoak devsoak -n $soak_msgs -t 60 $soak_dev

t unload rmmod lfq
tfail load-bad-max-msg insmod /lfq/lfq.ko max_msg=0
tfail load-bad-max-queues insmod /lfq/lfq.ko max_queues=0
tfail load-bad-max-msg-big insmod /lfq/lfq.ko max_msg=2097152
# a byte budget below the largest message could never hold one
tfail load-bad-queue-bytes insmod /lfq/lfq.ko max_queue_bytes=1
# refused for the stated reason, not for another one
t load-bad-reasons sh -c 'dmesg >/tmp/dmesg &&
	grep -q "max_msg=0 out of range" /tmp/dmesg &&
	grep -q "max_msg=2097152 out of range" /tmp/dmesg &&
	grep -q "max_queues=0 out of range" /tmp/dmesg &&
	grep -q "max_queue_bytes=1 out of range" /tmp/dmesg'
# The parameter's old name still sets it, with a warning, and is range
# checked like the new one.
t load-old-param-name insmod /lfq/lfq.ko max_msg_size=2048
t old-param-name-sets sh -c '[ "$(cat /sys/module/lfq/parameters/max_msg)" = 2048 ] &&
	dmesg | grep -q "max_msg_size is deprecated, use max_msg"'
t unload-old-param-name rmmod lfq
tfail load-bad-old-param-name insmod /lfq/lfq.ko max_msg_size=0
# A second load/unload cycle: nothing left behind by the first.
t reload insmod /lfq/lfq.ko
t reunload rmmod lfq

if [ -w $kml ]; then
	echo scan >$kml
	echo scan >$kml
	cat $kml
	t kmemleak-clean sh -c "! grep -q unreferenced $kml"
fi

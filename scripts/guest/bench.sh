# SPDX-License-Identifier: GPL-2.0
# Guest plan of the in-guest benchmark (scripts/host/bench-report.sh runs it with
# scripts/host/vm-run.sh -p; sourced by the guest's /init, busybox sh).
#
# All in one boot, printed as "devbench: ..." and "lfq_bench: ..." lines:
#   1. ROUNDS rounds of: devbench (/dev/lfq, write/read and batch ioctls),
#      ipcbench (/dev/lfq against a pipe, AF_UNIX, POSIX mq, sendmmsg),
#      shmbench (the shared-memory ring against a pipe, write()/read() and
#      the same ring code on private memory), and once after the rounds
#      shmbench's blocking ping-pong (SHM_PINGPONG round trips),
#      then lfq_bench.ko with one thread on the lfq structures.  Device and
#      in-kernel figures of a round are taken seconds apart, so their ratio
#      suffers less from the host's load drifting (TCG guests feel it all).
#   2. lfq_bench.ko once more, everything: lfq against the kernel's own
#      queues (1 thread and one per CPU, REPEAT times), memory per message,
#      RCU backlog storm.
#
# Tunables (scripts/host/bench-report.sh sets them in a header it puts before this file):
#   BENCH_MS  length of each in-kernel run (lfq_bench duration_ms)
#   REPEAT    repetitions of the in-kernel passes (lfq_bench repeat)
#   STORM_MS  length of the RCU backlog storm per structure (storm_ms)
#   MEM_MSGS  messages queued for the memory measurement (mem_msgs)
#   DEV_MS    length of each devbench run
#   IPC_MSGS  messages per ipcbench run
#   SHM_MSGS  messages per shmbench run
#   SHM_PINGPONG round trips of shmbench's blocking ping-pong (after the rounds)
#   ROUNDS    device/in-kernel rounds
#   TESTS     structures lfq_bench runs in step 2 (its "tests" parameter)
: "${BENCH_MS:=200}"
: "${REPEAT:=1}"
: "${STORM_MS:=1000}"
: "${MEM_MSGS:=131072}"
: "${DEV_MS:=200}"
: "${IPC_MSGS:=20000}"
: "${SHM_MSGS:=100000}"
: "${SHM_PINGPONG:=1000000}"
: "${ROUNDS:=1}"
: "${TESTS:=all}"

# kbench NAME PARAMS...: load lfq_bench.ko with PARAMS and print its
# figures without the timestamps, and how long the load took.  The module
# prints its figures and then fails its own load (-EAGAIN; -EIO if a
# conservation check failed), so it never stays loaded and the loader's
# exit status says nothing: the result NAME (a KTAP line, lib.sh's result)
# passes if the "done" line says result=ok.
# The loader is modload (userspace/devbench: one finit_module() call);
# busybox insmod, the fallback, retries a failed load with init_module(),
# which runs the whole benchmark a second time (then the first "done"
# line counts, and bench-report.sh keeps the first copy of the figures).
kbench() {
	name=$1
	shift
	loader=insmod
	[ -x /lfq/bin/modload ] && loader=modload
	echo "== $name: $loader lfq_bench.ko $*"
	dmesg -c >/dev/null
	t0=$(cut -d' ' -f1 /proc/uptime)
	$loader /lfq/lfq_bench.ko "$@"
	echo "bench: time name=$name loader=$loader seconds=$(awk -v t0="$t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime)"
	dmesg | sed -n 's/^.*\(lfq_bench: \)/\1/p' >/tmp/kbench.out
	dmesg -c >/dev/null
	cat /tmp/kbench.out
	if grep -m1 '^lfq_bench: done ' /tmp/kbench.out | grep -q ' result=ok '; then
		result PASS "$name"
	else
		result FAIL "$name" "no 'lfq_bench: done result=ok' line"
	fi
	if grep -q '^lfq_bench ' /proc/modules; then
		result FAIL "$name-unloaded" "lfq_bench stayed loaded"
		rmmod lfq_bench
	fi
}

echo "bench: cpus=$(grep -c ^processor /proc/cpuinfo) kernel=$(uname -r)"
t load insmod /lfq/lfq.ko
dmesg -c >/dev/null

r=1
while [ "$r" -le "$ROUNDS" ]; do
	echo "bench: round=$r"
	if [ -x /lfq/bin/devbench ]; then
		t "devbench-$r" devbench -d "$DEV_MS"
	else
		result SKIP devbench "no /lfq/bin/devbench"
	fi
	if [ -x /lfq/bin/ipcbench ]; then
		t "ipcbench-$r" ipcbench -n "$IPC_MSGS"
	else
		result SKIP ipcbench "no /lfq/bin/ipcbench"
	fi
	if [ -x /lfq/bin/shmbench ]; then
		t "shmbench-$r-8" shmbench -n "$SHM_MSGS" -s 8
		t "shmbench-$r-1024" shmbench -n "$SHM_MSGS" -s 1024
	else
		result SKIP shmbench "no /lfq/bin/shmbench"
	fi
	kbench "kbench-single-$r" threads=1 duration_ms="$BENCH_MS" \
		storm_ms=0 mem_msgs=0 tests=msq,stack,ring,ring_bulk32,tlq
	r=$((r + 1))
done

# issue 11: two processes sleeping in the kernel, no wakeup lost (exits 1
# if a 5 s deadline ever expired)
if [ -x /lfq/bin/shmbench ]; then
	t shmbench-pingpong shmbench -P "$SHM_PINGPONG" -T 5000
fi

echo "bench: round=main"
kbench kbench duration_ms="$BENCH_MS" repeat="$REPEAT" \
	storm_ms="$STORM_MS" mem_msgs="$MEM_MSGS" tests="$TESTS"

t unload rmmod lfq

# SPDX-License-Identifier: GPL-2.0
# Guest plan of the in-guest benchmark (scripts/bench-guest.sh runs it with
# scripts/vm-run.sh -p; sourced by the guest's /init, busybox sh).
#
# Measures, in one boot: /dev/lfq through devbench (write/read and batch
# ioctls), then lfq_bench.ko (in-kernel lfq against the kernel's own queues,
# memory per message, RCU backlog storm).  The figures are printed as
# "devbench: ..." and "lfq_bench: ..." lines.
#
# Tunables (bench-guest.sh sets them in a header it puts before this file):
#   BENCH_MS  length of each in-kernel run (lfq_bench duration_ms)
#   STORM_MS  length of the RCU backlog storm per structure (storm_ms)
#   MEM_MSGS  messages queued for the memory measurement (mem_msgs)
#   DEV_MS    length of each devbench run
#   TESTS     structures lfq_bench runs (its "tests" parameter)
: "${BENCH_MS:=200}"
: "${STORM_MS:=1000}"
: "${MEM_MSGS:=131072}"
: "${DEV_MS:=200}"
: "${TESTS:=all}"

echo "bench: cpus=$(grep -c ^processor /proc/cpuinfo) kernel=$(uname -r)"
t load insmod /lfq/lfq.ko

if [ -x /lfq/bin/devbench ]; then
	t devbench devbench -d "$DEV_MS"
else
	echo "LFQ-TEST: SKIP devbench (no /lfq/bin/devbench)"
fi

dmesg -c >/dev/null
t kbench insmod /lfq/lfq_bench.ko duration_ms="$BENCH_MS" \
	storm_ms="$STORM_MS" mem_msgs="$MEM_MSGS" tests="$TESTS"
# The figures, without the timestamps, for the host to parse.
dmesg | sed -n 's/^.*\(lfq_bench: \)/\1/p'
if grep -q '^lfq_bench ' /proc/modules; then
	t kbench-unload rmmod lfq_bench
fi

t unload rmmod lfq

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-run.sh - build lfq for a kernel, boot that kernel in QEMU with a busybox
# initramfs holding the modules and the guest binaries, run a guest plan,
# power off, and judge the run.
#
# usage: scripts/host/vm-run.sh -k KERNEL [-p PLAN] [-o DIR] [-t SECONDS] [-q]
#   -k  6.1 | 6.12 | debug | kcsan   (Debian's kernels, or the lfq debug
#       kernels: KASAN+lockdep+..., or KCSAN+lockdep+...)
#   -p  guest plan, a shell fragment run by the guest's /init
#       (default scripts/guest/plan.sh; see scripts/guest/lib.sh for the
#       helpers it may use: t, tfail, ktap, kunit_suite, result)
#   -o  output directory (default build/vm/KERNEL): console.log holds the
#       kernel log (ttyS0), results.log what the plan printed (ttyS1): a
#       KTAP document, judged by scripts/host/ktap.py
#   -t  timeout for the guest in seconds (default 1200)
#   -q  print only the summary lines, not the guest's output
#
# Guest binaries: everything in $GUEST_BIN (default build/guest) is copied
# to /lfq/bin in the guest ("make guest-bin" fills it).
#
# Prints one line per result, "PASS: KERNEL/name", "SKIP: ..." or "FAIL: ...",
# and exits non-zero if anything failed.  Besides the plan's own tests the
# run fails when the module does not build, the guest does not finish, or
# the kernel log shows a WARNING, BUG, Oops, KASAN/UBSAN report, lockdep
# report, sleeping-in-atomic, RCU stall, soft/hard lockup, hung task or a
# call trace.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/host/lib.sh"

kernel= plan=$top/scripts/guest/plan.sh out= timeout=1200 quiet=0
while getopts "k:p:o:t:q" opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	p) plan=$(realpath "$OPTARG") ;;
	o) out=$OPTARG ;;
	t) timeout=$OPTARG ;;
	q) quiet=1 ;;
	*) sed -n '3,21p' "$0" >&2; exit 2 ;;
	esac
done
[ -n "$kernel" ] || { sed -n '3,21p' "$0" >&2; exit 2; }
guest_bin=${GUEST_BIN:-$top/build/guest}
out=${out:-$top/build/vm/$kernel}

fail() { echo "FAIL: $kernel/$1"; exit 1; }

resolve_kernel "$kernel" || fail resolve-kernel
rm -rf "$out"
mkdir -p "$out"
out=$(realpath "$out")

# 1. The modules, built in a copy so kernels do not share objects.
src=$out/src
build_lfq "$KDIR" "$src" "$out/build.log" || fail module-build
# The out-of-tree example client (module/samples/client), built as against an
# installed lfq: lfq.h, lfq.kbuild and this build's Module.symvers laid out
# as "make install" lays them out.
krel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$KDIR/include/generated/utsrelease.h")
kapi=$out/kapi
mkdir -p "$kapi/include" "$kapi/$krel"
cp "$top/module/lfq.h" "$kapi/include/"
cp "$top/module/lfq.kbuild" "$kapi/"
cp "$src/Module.symvers" "$kapi/$krel/"
cp -r "$top/module/samples/client" "$out/client"
if ! make -C "$out/client" KDIR="$KDIR" LFQ_KAPI="$kapi" W=1 >"$out/client.log" 2>&1; then
	tail -30 "$out/client.log"
	fail client-build
fi
if grep -E 'warning:|error:' "$out/client.log" >/dev/null; then
	grep -E 'warning:|error:' "$out/client.log" | head -20
	fail client-build-warnings
fi
echo "PASS: $kernel/module-build"

# 2. The initramfs.
root=$out/initramfs
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,lfq/bin,etc}
cp /bin/busybox "$root/bin/busybox"
for app in $("$root/bin/busybox" --list); do
	[ "$app" = busybox ] || ln -sf busybox "$root/bin/$app"
done
cp "$src"/module/{,tests/,samples/}*.ko "$out/client/lfq_client.ko" "$root/lfq/"
[ -d "$guest_bin" ] && cp -r "$guest_bin"/. "$root/lfq/bin/"
cp "$top/scripts/guest/lib.sh" "$root/lfq/lib.sh"
cp "$plan" "$root/lfq/plan.sh"
cat >"$root/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tmpfs tmpfs /tmp
export PATH=/bin:/sbin:/lfq/bin
exec >/dev/ttyS1 2>&1
echo "LFQ-GUEST: start $(uname -r)"
echo "KTAP version 1"
cd /lfq && . /lfq/lib.sh && . /lfq/plan.sh
echo "LFQ-GUEST: done"
sync
reboot -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out/initramfs.cpio.gz"

# 3. Boot.  KVM where it works (see kvm_works), TCG otherwise.
accel=tcg
if [ "${LFQ_ACCEL:-auto}" = kvm ] ||
   { [ "${LFQ_ACCEL:-auto}" = auto ] && "$top/scripts/host/kvm-probe.sh"; }; then
	accel=kvm
fi
start=$(date +%s)
# tsc=reliable: no clocksource watchdog on the TSC.  On a loaded host the
# watchdog finds the emulated TSC skewed and marks it unstable, which
# patches sched_clock's static branch at run time; under TCG another vCPU
# then hit the patch's int3 (one boot died with "Oops: int3" in
# sched_clock_cpu() right after "sched_clock: Marking unstable").
timeout -s KILL "$timeout" qemu-system-x86_64 \
	-accel "$accel" -cpu max -smp 2 -m 2G \
	-nodefaults -no-user-config -display none -no-reboot \
	-kernel "$KIMAGE" -initrd "$out/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 oops=panic tsc=reliable" \
	-serial "file:$out/console.log" -serial "file:$out/results.log" \
	</dev/null >"$out/qemu.log" 2>&1
qrc=$?
echo "# vm-run: $kernel ($accel) ran $(($(date +%s) - start)) s"

# 4. Judge.
[ "$quiet" = 1 ] || sed 's/\r$//' "$out/results.log"
bad=0
"$top/scripts/host/ktap.py" -p "$kernel" "$out/results.log" || bad=1

if grep -q '^LFQ-GUEST: done' "$out/results.log"; then
	echo "PASS: $kernel/guest-finished"
else
	echo "FAIL: $kernel/guest-finished (qemu exit $qrc, timeout ${timeout}s)"
	cat "$out/qemu.log" >&2
	tail -40 "$out/console.log" >&2
	bad=1
fi

# The KCSAN kernel reports data races anywhere in the kernel; races that
# do not involve lfq (boot-time APIC calibration, for one) are not ours to
# judge, so their report blocks are set aside before the check.  A race is
# lfq's when the report's title names lfq code or one of the two racing
# accesses is made by lfq code (its first frame); a kernel-internal race met
# on a path that merely started in lfq (hrtimer_wakeup against
# schedule_hrtimeout_range_clock under usleep_range(), slab accounting
# under kfree()) is not.
log=$out/console.log
if [ "$kernel" = kcsan ]; then
	log=$out/console.judged.log
	awk -v skipped="$out/kcsan-other.log" '
		function ours(b,    n, l, i) {
			n = split(b, l, "\n")
			for (i = 1; i <= n; i++) {
				if (l[i] ~ /BUG: KCSAN/ && l[i] ~ /lfq/)
					return 1
				if (l[i] ~ /(read|write).* (by task|by interrupt)|race at unknown origin/ &&
				    i < n && l[i + 1] ~ /\[lfq/)
					return 1
			}
			return 0
		}
		/==========================================/ {
			if (inblk) {
				blk = blk $0 "\n"
				if (blk ~ /BUG: KCSAN/ && !ours(blk))
					printf "%s", blk >skipped
				else
					printf "%s", blk
				inblk = 0; blk = ""
			} else {
				inblk = 1; blk = $0 "\n"
			}
			next
		}
		inblk { blk = blk $0 "\n"; next }
		{ print }
		END { printf "%s", blk }' "$out/console.log" >"$log"
	n=$(grep -c 'BUG: KCSAN' "$out/kcsan-other.log" 2>/dev/null)
	echo "# vm-run: ${n:-0} KCSAN report(s) outside lfq set aside (kcsan-other.log)"
fi

splat='WARNING:|BUG:|Oops|KASAN|UBSAN|general protection|Kernel panic|possible circular locking|possible recursive locking|inconsistent lock state|lock held when returning|suspicious RCU usage|sleeping function called from invalid context|rcu_.*detected stalls|self-detected stall|soft lockup|hard LOCKUP|blocked for more than|Call Trace'
if grep -En "$splat" "$log" >/dev/null; then
	echo "FAIL: $kernel/kernel-log-clean"
	first=$(grep -En "$splat" "$log" | head -1 | cut -d: -f1)
	sed -n "$((first > 10 ? first - 10 : 1)),$((first + 40))p" "$log" >&2
	bad=1
else
	echo "PASS: $kernel/kernel-log-clean"
fi
exit $bad

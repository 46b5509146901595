#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make soak: the long runs (README, "Soak").  Not part of make check, which
# runs a short version of each part.
#
#   1. native, through the shim (userspace/tests, tests soak_<kind>):
#      SOAK_NATIVE_OPS operations per structure in the plain build, then
#      SOAK_TSAN_OPS under ThreadSanitizer;
#   2. in the kernel (lfq_soak.ko) on each kernel of SOAK_KERNELS, with
#      SOAK_KERNEL_OPS operations per structure (SOAK_DEBUG_OPS on the
#      debug kernel), kthreads on every CPU, hard-IRQ hrtimers and, for
#      the ring, NMIs;
#   3. through /dev/lfq (devsoak) on the kernels of SOAK_DEV_KERNELS:
#      SOAK_DEV_MSGS messages per kind across processes, with signals and
#      a consumer killed midway.
#
# Sizes (environment; the defaults are the issue's):
#   SOAK_NATIVE_OPS  10^9     SOAK_TSAN_OPS   10^8
#   SOAK_KERNEL_OPS  10^9     SOAK_DEBUG_OPS  10^9
#   SOAK_DEV_MSGS    10^8     SOAK_SECS       0 (cap per structure, kernel)
#   SOAK_KERNELS     "6.12 debug"   SOAK_DEV_KERNELS "6.12"
#   SOAK_KINDS       "msq stack ring tlq"
#   SOAK_PARTS       "native tsan kernel" (any subset)
#   SOAK_VM_TIMEOUT  guest timeout in seconds (default 86400)
#   SOAK_OUT         output directory (default build/soak)
#   SOAK_DEV_ARGS    devsoak options (default "-b 256 -B 1048576 -C 1024":
#                    batches of 256, a 1 MiB budget, a ring of 1024; small
#                    enough that calls still sleep on full and empty)
#
# Output: $SOAK_OUT (one log per part, vm/<kernel>/ per guest); PASS:/
# FAIL:/SKIP: lines, the figures, and "N passed, N failed" at the end.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. scripts/host/lib.sh
out=${SOAK_OUT:-$top/build/soak}
rm -rf "$out"
mkdir -p "$out"

: "${SOAK_NATIVE_OPS:=1000000000}" "${SOAK_TSAN_OPS:=100000000}"
: "${SOAK_KERNEL_OPS:=1000000000}" "${SOAK_DEBUG_OPS:=1000000000}"
: "${SOAK_DEV_MSGS:=100000000}" "${SOAK_SECS:=0}"
: "${SOAK_KERNELS:=6.12 debug}" "${SOAK_DEV_KERNELS:=6.12}"
: "${SOAK_KINDS:=msq stack ring tlq}" "${SOAK_PARTS:=native tsan kernel}"
: "${SOAK_VM_TIMEOUT:=86400}" "${SOAK_DEV_ARGS:=-b 256 -B 1048576 -C 1024}"

has() { case " $1 " in *" $2 "*) return 0 ;; esac; return 1; }

native() { # variant ops
	local v=$1 ops=$2 bin=userspace/tests/build/$1/lfq_stress k start
	make -s -C userspace/tests "$top/$bin" >/dev/null || { echo "FAIL: soak/$v/build"; return; }
	[ "$v" = tsan ] && export TSAN_OPTIONS="halt_on_error=1 suppressions=$top/userspace/tests/tsan.supp"
	for k in $SOAK_KINDS; do
		start=$(date +%s)
		if LFQ_SOAK_OPS=$ops LFQ_TEST_ALARM=0 "$bin" "soak_$k" >"$out/$v-$k.log" 2>&1; then
			echo "PASS: soak/$v/$k ($(($(date +%s) - start)) s)"
		else
			echo "FAIL: soak/$v/$k"
			head -20 "$out/$v-$k.log"
		fi
		grep '^info:' "$out/$v-$k.log" | sed "s|^info: |info: $v/|"
	done
}

t0=$(date +%s)
if has "$SOAK_PARTS" native; then
	echo "=== native (plain build), $SOAK_NATIVE_OPS operations per structure"
	native default "$SOAK_NATIVE_OPS" | tee "$out/native.log"
fi
if has "$SOAK_PARTS" tsan; then
	echo "=== native (ThreadSanitizer), $SOAK_TSAN_OPS operations per structure"
	native tsan "$SOAK_TSAN_OPS" | tee "$out/tsan.log"
fi
if has "$SOAK_PARTS" kernel; then
	for k in $SOAK_KERNELS; do
		ops=$SOAK_KERNEL_OPS
		[ "$k" = debug ] && ops=$SOAK_DEBUG_OPS
		msgs=0
		has "$SOAK_DEV_KERNELS" "$k" && msgs=$SOAK_DEV_MSGS
		echo "=== kernel $k: $ops operations per structure, $msgs /dev/lfq messages per kind"
		plan=$out/plan-$k.sh
		{
			echo "SOAK_KINDS='$SOAK_KINDS' SOAK_OPS=$ops SOAK_SECS=$SOAK_SECS SOAK_MSGS=$msgs SOAK_DEV_ARGS='$SOAK_DEV_ARGS'"
			cat scripts/guest/soak.sh
		} >"$plan"
		scripts/host/vm-run.sh -k "$k" -p "$plan" -o "$out/vm/$k" \
			-t "$SOAK_VM_TIMEOUT" | tee "$out/vm-$k.log"
	done
fi

cat "$out"/*.log >"$out/all.log"
{
	echo "# soak figures ($(date -u +%Y-%m-%dT%H:%MZ), $(($(date +%s) - t0)) s in all)"
	grep -h '^info: .*soak_' "$out"/native.log "$out"/tsan.log 2>/dev/null
	for d in "$out"/vm/*/; do
		[ -f "$d/results.log" ] || continue
		sed 's/\r$//' "$d/results.log" |
			grep -E 'lfq_soak: (start|result)|^ *devsoak: ' |
			sed "s|^|$(basename "$d"): |"
	done
} | tee "$out/figures.txt"
echo "soak: $(($(date +%s) - t0)) s"
summarize "$out/all.log"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make check / make check-quick: run every stage, keep each stage's output in
# build/check/, and end with one line "N passed, N failed".
#
# usage: scripts/host/check.sh [--quick]
#   full:   userspace tests, the spin models, static checks, make install
#           and a client module built against the installed files, dkms
#           build for 6.1 and 6.12, lfq in a kernel tree (kunit.py config,
#           kselftest build and run), an arm64 cross build (W=1), VMs on
#           6.1, 6.12, debug (KASAN) and kcsan
#   quick:  userspace tests, the quick spin models and the 6.12 VM
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. scripts/host/lib.sh
logs=$top/build/check
rm -rf "$logs"
mkdir -p "$logs"

stages=(userspace models static install dkms tree arm64 vm-6.1 vm-6.12 vm-debug
	vm-kcsan)
quick=
[ "${1:-}" = --quick ] && quick=--quick && stages=(userspace models vm-6.12)

run_stage() {
	case $1 in
	userspace)
		make -s -C userspace/lib abi-check
		make -s -C userspace/lfqctl check
		make -s -C userspace/tests check
		;;
	models) scripts/models/run.sh $quick ;;
	static) scripts/host/static-check.sh ;;
	install) scripts/host/install-check.sh ;;
	dkms) scripts/host/dkms-check.sh ;;
	tree) scripts/host/tree-check.sh ;;
	arm64) scripts/host/arm64-check.sh ;;
	# The debug kernels' plan took 12 to 15 minutes on an idle host with one
	# CPU (KASAN), 24 with two on a host at load average 10: twice
	# vm-run.sh's default limit leaves room for a busy one.
	vm-*) scripts/host/vm-run.sh -q -t 2400 -k "${1#vm-}" ;;
	esac
}

for s in "${stages[@]}"; do
	echo "=== $s"
	start=$(date +%s)
	run_stage "$s" 2>&1 | tee "$logs/$s.log"
	rc=${PIPESTATUS[0]}
	# A stage that fails without naming a failed test still fails.
	if [ "$rc" -ne 0 ] && ! grep -q '^FAIL: ' "$logs/$s.log"; then
		echo "FAIL: $s (exit $rc)" | tee -a "$logs/$s.log"
	fi
	echo "=== $s: $(($(date +%s) - start)) s"
done

cat "$logs"/*.log >"$logs/all.log"
summarize "$logs/all.log"

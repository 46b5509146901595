#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# run_tests.sh VARIANT BINARY SCALE: run every test of BINARY in its own
# process, print PASS:/FAIL:/SKIP: VARIANT/NAME, and the info: lines;
# exit 1 if any failed.
variant=$1 bin=$2 scale=${3:-1}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
fail=0 pass=0
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1 second_deadlock_stack=1 suppressions=$(dirname "$0")/tsan.supp}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1 abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1 halt_on_error=1}"
for t in $("$bin" --list); do
	start=$(date +%s.%N)
	timeout -s KILL "${LFQ_TEST_TIMEOUT:-150}" "$bin" -s "$scale" "$t" \
		>"$log" 2>&1
	rc=$?
	[ $rc -eq 137 ] && echo "killed after ${LFQ_TEST_TIMEOUT:-150}s (hung?)" >>"$log"
	secs=$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null | cut -c1-5)
	grep '^info:' "$log" | sed "s|^info: |info: $variant/|"
	if [ $rc -eq 77 ]; then
		echo "SKIP: $variant/$t"
	elif [ $rc -eq 0 ] && grep -q "^PASS: $t\$" "$log"; then
		echo "PASS: $variant/$t (${secs}s)"
		pass=$((pass + 1))
	else
		echo "FAIL: $variant/$t (exit $rc)"
		grep -v '^info:' "$log" | head -40 | sed 's/^/    /'
		fail=$((fail + 1))
	fi
done
echo "$variant: $pass passed, $fail failed"
[ $fail -eq 0 ]

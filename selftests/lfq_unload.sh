#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unloading lfq while /dev/lfq is in use is refused, and what holds the
# module keeps working: a queue fd (lfq_hold holds one while a command
# runs) or a /dev/lfq fd.  The module unload is this script's, not a test
# binary's.  Results in KTAP, as the kselftest harness prints them.
#
# If an unload wrongly succeeds, lfq is gone: the case fails, and so do the
# cases that run after it.

dir=$(cd "$(dirname "$0")" && pwd)
hold=$dir/lfq_hold
ksft_skip=4
n=0 pass=0 fail=0 skip=0

ok() {
	n=$((n + 1)) pass=$((pass + 1))
	echo "ok $n $1"
}

not_ok() {
	n=$((n + 1)) fail=$((fail + 1))
	echo "$2" | sed 's/^/# /'
	echo "not ok $n $1"
}

skip() {
	n=$((n + 1)) skip=$((skip + 1))
	echo "ok $n $1 # SKIP $2"
}

# Why the cases cannot run here, or nothing.
why_skip() {
	[ -c /dev/lfq ] || { echo "/dev/lfq missing (lfq.ko not loaded)"; return; }
	[ -d /sys/module/lfq ] && [ -r /sys/module/lfq/refcnt ] ||
		{ echo "lfq is not a loaded module"; return; }
	[ "$(id -u)" = 0 ] || { echo "delete_module not permitted"; return; }
	command -v rmmod >/dev/null || { echo "no rmmod"; return; }
	[ -x "$hold" ] || echo "$hold missing"
}

refcnt() {
	cat /sys/module/lfq/refcnt
}

# Only the queue fd holds the module while rmmod runs.
rmmod_busy_with_queue_fd() {
	if ! "$hold" sh -c '! rmmod lfq 2>/dev/null'; then
		echo "rmmod succeeded, or the queue fd stopped working"
		return 1
	fi
	[ -c /dev/lfq ] || { echo "/dev/lfq is gone"; return 1; }
	# and it is the queue fd that holds the module
	held=$("$hold" cat /sys/module/lfq/refcnt) || return 1
	free=$(refcnt)
	[ "$held" = $((free + 1)) ] ||
		{ echo "refcnt $held with a queue fd, $free without"; return 1; }
}

# Only a /dev/lfq fd (this shell's fd 3) holds the module.
rmmod_busy_with_device_fd() {
	exec 3<>/dev/lfq
	if rmmod lfq 2>/dev/null; then
		exec 3>&-
		echo "rmmod succeeded with /dev/lfq open"
		return 1
	fi
	# a queue can still be made
	"$hold" true
	rc=$?
	exec 3>&-
	[ $rc = 0 ] || { echo "lfq_hold true: exit $rc"; return 1; }
	[ -c /dev/lfq ] || { echo "/dev/lfq is gone"; return 1; }
}

echo "TAP version 13"
echo "1..2"
why=$(why_skip)
for t in rmmod_busy_with_queue_fd rmmod_busy_with_device_fd; do
	echo "# RUN $t"
	if [ -n "$why" ]; then
		skip $t "$why"
	elif msg=$($t 2>&1); then
		ok $t
	else
		not_ok $t "$msg"
	fi
done
echo "# Totals: pass:$pass fail:$fail xfail:0 xpass:0 skip:$skip error:0"
[ $fail = 0 ] || exit 1
[ $pass = 0 ] && [ $skip -gt 0 ] && exit $ksft_skip
exit 0

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the checks of scq.pml (see its header): exhaustive safety searches
# of the correct protocol, and the planted bugs, each of which spin must
# catch (an assertion violation, found breadth first).  One line
# "PASS: models/<name>" or "FAIL: models/<name>" per check; exits
# non-zero if any failed.  Work files: build/models/<name>/.
#
# usage: scripts/models/scq.sh
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/build/models
bad=0

# name | expect (pass, or fail: an assertion must be violated) | flags
checks=(
	"scq-n1|pass|-DNITEMS=1 -DPOPS=1"
	"scq-n2|pass|-DNITEMS=2 -DPOPS=1"
	"scq-bug1-caught|fail|-DNITEMS=1 -DPOPS=1 -DBUG=1"
	"scq-bug2-caught|fail|-DNITEMS=1 -DPOPS=1 -DBUG=2"
	"scq-bug3-caught|fail|-DNITEMS=1 -DPOPS=1 -DBUG=3")

for t in spin gcc; do
	command -v $t >/dev/null || { echo "FAIL: models/scq ($t not installed)"; exit 1; }
done

for c in "${checks[@]}"; do
	IFS='|' read -r name expect defs <<<"$c"
	dir=$out/$name
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$here/scq.pml" "$dir/"
	if [ "$expect" = pass ]; then
		cflags="-O2 -DSAFETY -DCOLLAPSE" pflags="-m1000000"
	else
		cflags="-O0 -DSAFETY -DBFS" pflags=""
	fi
	# $defs, $cflags and $pflags are lists of words
	# shellcheck disable=SC2086
	(
		cd "$dir" &&
		spin -a $defs scq.pml >spin.log 2>&1 &&
		gcc -w -DMEMLIM=2048 -DVECTORSZ=512 $cflags -o pan pan.c >gcc.log 2>&1 &&
		./pan $pflags >pan.log 2>&1
	)
	errs=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$dir/pan.log" | tail -1)
	states=$(awk '/states, stored/ { print $1 }' "$dir/pan.log" | tail -1)
	if [ -z "$errs" ]; then
		echo "FAIL: models/$name (no result; see $dir/*.log)"
		bad=1
	elif [ "$expect" = pass ] && [ "$errs" = 0 ] &&
	     ! grep -q "max search depth too small\|reached -DMEMLIM" "$dir/pan.log"; then
		echo "PASS: models/$name ($states states)"
	elif [ "$expect" = fail ] && [ "$errs" != 0 ] &&
	     grep -q "assertion violated" "$dir/pan.log"; then
		echo "PASS: models/$name ($(grep -m1 'assertion violated' "$dir/pan.log"))"
	else
		echo "FAIL: models/$name (errors: $errs; see $dir/pan.log)"
		bad=1
	fi
done
exit $bad

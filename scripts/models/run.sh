#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the spin models in this directory (see README.md): for each check,
# spin -a, gcc pan.c, an exhaustive ./pan search, and one line
# "PASS: models/<name>" or "FAIL: models/<name>".  Exits non-zero if any
# check failed.
#
# usage: scripts/models/run.sh [--quick|--extended] [-j JOBS] [NAME...]
#   --quick     only the checks marked quick (a few seconds)
#   --extended  also the large ones (minutes, several GB)
#   -j JOBS     checks run in parallel (default 2)
#   NAME...     only these checks (names as in the table below)
# Work files and logs: build/models/<name>/ (pan.log, trail.txt).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$top/build/models
quick=0
jobs=2
only=()
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--extended) quick=2 ;;
	-j) jobs=$2; shift ;;
	-j*) jobs=${1#-j} ;;
	-*) echo "usage: $0 [--quick|--extended] [-j JOBS] [NAME...]" >&2
	    exit 2 ;;
	*) only+=("$1") ;;
	esac
	shift
done

# name | model | mode | expect | level | spin -D flags
#
# level:  1 quick (and full), 0 full, 2 extended only
#
# mode:   safety  assertions and invalid end states (-DSAFETY, DFS)
#         np      non-progress cycles, no fairness (-DNP, pan -l)
#         ltl     the model's LTL claim "done" under weak fairness (pan -a -f)
#         bfs     safety, breadth first: shortest counterexample
# expect: pass    no error, full state space searched
#         fail:X  spin must find a counterexample (planted bug, or a
#                 reachability probe) that violates X: an assertion tag
#                 (A6, C1, ...; README.md) or "non-progress"/"acceptance"
#                 for a cycle: proves the check can fail, and for the
#                 reason it should
checks=(
	"ring-c2-pmany|ring|safety|pass|0|-DCAP=2 -DW=4 -DNITEMS=2 -DMANY=1 -DONEMANY=1 -DNULLS=1"
	"ring-c2-cmany|ring|safety|pass|0|-DCAP=2 -DW=4 -DNITEMS=2 -DMANY=2 -DONEMANY=1"
	"ring-c2-many|ring|safety|pass|2|-DCAP=2 -DW=4 -DNITEMS=2 -DMANY=3 -DNULLS=1"
	"ring-c2-single|ring|safety|pass|1|-DCAP=2 -DW=4 -DNITEMS=2 -DMANY=0"
	"ring-c4|ring|safety|pass|0|-DCAP=4 -DW=4 -DNITEMS=3 -DMANY=0"
	"ring-c4-many|ring|safety|pass|2|-DCAP=4 -DW=4 -DNITEMS=2 -DMANY=3"
	"ring-c2-lockfree|ring|np|pass|0|-DCAP=2 -DW=4 -DNITEMS=2 -DMANY=0"
	"ring-c2-done|ring|ltl|pass|0|-DCAP=2 -DW=4 -DNITEMS=2 -DMANY=0"
	"ring-bug1-caught|ring|bfs|fail:A6|1|-DCAP=2 -DW=4 -DNITEMS=2 -DMANY=0 -DBUG=1"
	"ring-bug2-caught|ring|bfs|fail:A6|1|-DCAP=2 -DW=4 -DNITEMS=2 -DMANY=0 -DBUG=2"
	"ring-bug3-caught|ring|bfs|fail:A1|1|-DCAP=2 -DW=4 -DNITEMS=2 -DMANY=0 -DBUG=3"
	"ring-bug4-caught|ring|np|fail:non-progress|1|-DCAP=2 -DW=4 -DNITEMS=2 -DMANY=0 -DBUG=4"
	"ring-bug4-safe|ring|safety|pass|0|-DCAP=2 -DW=4 -DNITEMS=2 -DMANY=0 -DBUG=4"
	"ring-cover1-reached|ring|bfs|fail:C1|1|-DCAP=2 -DW=4 -DNITEMS=2 -DMANY=0 -DCOVER=1"
	"ring-cover2-reached|ring|bfs|fail:C2|1|-DCAP=2 -DW=4 -DNITEMS=2 -DMANY=0 -DCOVER=2"
	"ring-cover3-reached|ring|bfs|fail:C3|1|-DCAP=2 -DW=4 -DNITEMS=2 -DMANY=0 -DCOVER=3"
	"ring-cover4-reached|ring|bfs|fail:C4|1|-DCAP=2 -DW=4 -DNITEMS=2 -DMANY=3 -DCOVER=4"

	"scq-2p2c|scq|safety|pass|0|-DNITEMS=1 -DNPOPS=1"
	"scq-1p2c-laps|scq|safety|pass|0|-DNPROD=1 -DNITEMS=3 -DNPOPS=2 -DW=6"
	"scq-2p2c-lockfree|scq|np|pass|0|-DNITEMS=1 -DNPOPS=1"
	"scq-bulk|scq|safety|pass|0|-DNITEMS=2 -DNCONS=1 -DNPOPS=2 -DW=6 -DBULKP=1 -DBULKC=1"
	"scq-bulkp|scq|safety|pass|0|-DNITEMS=2 -DNCONS=1 -DNPOPS=2 -DW=6 -DBULKP=1"
	"scq-bug1-caught|scq|safety|fail:S5|1|-DNITEMS=2 -DNCONS=1 -DNPOPS=2 -DW=6 -DBULKP=1 -DBUG=1"
	"scq-bug2-caught|scq|safety|fail:S5|1|-DNITEMS=2 -DNCONS=1 -DNPOPS=2 -DW=6 -DBULKP=1 -DBUG=2"
	"scq-bug3-caught|scq|safety|fail:S7|1|-DNPROD=1 -DNITEMS=2 -DNPOPS=2 -DW=5 -DBUG=3"
	"scq-bug4-caught|scq|safety|fail:S5|1|-DNITEMS=2 -DNCONS=1 -DNPOPS=2 -DW=6 -DBULKP=1 -DBUG=4"
	"scq-bug5-caught|scq|safety|fail:S7|1|-DNITEMS=2 -DNCONS=1 -DNPOPS=2 -DW=6 -DBULKP=1 -DBULKC=1 -DBUG=5"

	"dev-c1|dev|safety|pass|1|-DCAP=2 -DDCAP=1 -DW=4 -DNITEMS=2 -DMANY=0"
	"dev-c2|dev|safety|pass|0|-DCAP=2 -DDCAP=2 -DW=4 -DNITEMS=2 -DMANY=0"
	"dev-c1-many|dev|safety|pass|0|-DCAP=2 -DDCAP=1 -DW=4 -DNITEMS=2 -DMANY=3 -DONEMANY=1"
	"dev-c2-many|dev|safety|pass|2|-DCAP=2 -DDCAP=2 -DW=4 -DNITEMS=2 -DMANY=3 -DONEMANY=1"
	"dev-c1-done|dev|ltl|pass|0|-DCAP=2 -DDCAP=1 -DW=4 -DNITEMS=2 -DMANY=0"
	"dev-bug1-caught|dev|bfs|fail:D3|1|-DCAP=2 -DDCAP=2 -DW=4 -DNITEMS=2 -DMANY=0 -DDBUG=1"
	"dev-bug2-caught|dev|bfs|fail:D2|1|-DCAP=2 -DDCAP=2 -DW=4 -DNITEMS=2 -DMANY=0 -DDBUG=2")

for t in spin gcc; do
	if ! command -v $t >/dev/null; then
		echo "FAIL: models ($t not installed; make deps)"
		exit 1
	fi
done

# One check; prints its PASS/FAIL line (plus a summary line for a
# counterexample) and returns 0/1.
run_check() {
	local name=$1 model=$2 mode=$3 expect=$4 defs=$5 memlim
	local dir=$out/$name cflags pflags sdefs=$5 res errs states secs what
	rm -rf "$dir"
	mkdir -p "$dir"
	cp "$here"/*.pml "$dir/"
	case $mode in
	safety) cflags="-DSAFETY -DCOLLAPSE"; pflags="-m1000000" ;;
	bfs) cflags="-DSAFETY -DBFS"; pflags=""; sdefs="$defs -DBFSRUN" ;;
	np) cflags="-DNP -DNOCLAIM -DCOLLAPSE"; pflags="-l -m1000000" ;;
	ltl) cflags="-DCOLLAPSE -DNFAIR=3"; pflags="-a -f -N done -m1000000"
	     sdefs="$defs -DLTL" ;;
	esac
	# scq-bulkp takes about 2.3 GB, the extended ring-c2-many about 2 GB
	memlim=4096
	# a counterexample is found in a fraction of a second: save the -O2
	[ "$expect" != pass ] && cflags="$cflags -O0"
	# $sdefs, $cflags and $pflags are lists of words
	# shellcheck disable=SC2086
	(
		cd "$dir" &&
		spin -a $sdefs "$model.pml" >spin.log 2>&1 &&
		gcc -O2 -w -DMEMLIM=$memlim -DVECTORSZ=512 $cflags -o pan pan.c \
			>gcc.log 2>&1 &&
		# CPU seconds (user), which a loaded machine does not inflate
		TIMEFORMAT=%U &&
		{ time ./pan $pflags >pan.log 2>&1; } 2>cpu.txt
	)
	res=$dir/pan.log
	errs=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$res" 2>/dev/null | tail -1)
	states=$(awk '/states, stored/ { print $1 }' "$res" 2>/dev/null | tail -1)
	secs=$(tail -1 "$dir/cpu.txt" 2>/dev/null)
	what="$states states, ${secs:-?} s CPU"
	if [ -z "$errs" ]; then
		echo "FAIL: models/$name (no result; see $dir/*.log)"
		return 1
	fi
	if [ "$expect" = pass ]; then
		if [ "$errs" = 0 ] &&
		   ! grep -qE 'max search depth too small|out of memory|aborted|Search not completed' "$res"; then
			echo "PASS: models/$name ($what)"
			return 0
		fi
		echo "FAIL: models/$name ($errs errors, $what; see $dir/pan.log)"
		return 1
	fi
	if [ "$errs" = 0 ]; then
		echo "FAIL: models/$name (no counterexample found: the check cannot fail; $what)"
		return 1
	fi
	# The counterexample, replayed for the log.
	# shellcheck disable=SC2086
	(cd "$dir" && spin -t -p -l -g $sdefs "$model.pml" >trail.txt 2>&1)
	# What it violated: the tag (A5, C1, ...) each assertion starts with
	# (README.md), or the kind of cycle.
	local tag depth
	tag=$(sed -n 's/.*assertion violated (*\([ACDS][0-9]\)[^0-9].*/\1/p' "$res" | head -1)
	if [ -n "$tag" ]; then
		tag="assertion $tag"
	else
		tag=$(grep -m1 -oE 'assertion violated|acceptance cycle|non-progress cycle|invalid end state' "$res")
	fi
	depth=$(sed -n 's/.*(at depth \([0-9]*\)).*/\1/p' "$res" | head -1)
	case "$tag" in
	*"${expect#fail:}"*) ;;
	*)
		echo "FAIL: models/$name (counterexample violates ${tag:-?}, expected ${expect#fail:}; see $dir/trail.txt)"
		return 1
		;;
	esac
	echo "PASS: models/$name (counterexample: $tag, depth ${depth:-?}; $what)"
	return 0
}

rc=0
running=0
for c in "${checks[@]}"; do
	IFS='|' read -r name model mode expect level defs <<<"$c"
	if [ ${#only[@]} -gt 0 ]; then
		case " ${only[*]} " in *" $name "*) ;; *) continue ;; esac
	else
		[ "$quick" = 1 ] && [ "$level" != 1 ] && continue
		[ "$quick" != 2 ] && [ "$level" = 2 ] && continue
	fi
	if [ "$running" -ge "$jobs" ]; then
		wait -n || rc=1
		running=$((running - 1))
	fi
	run_check "$name" "$model" "$mode" "$expect" "$defs" "$level" &
	running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
	wait -n || rc=1
	running=$((running - 1))
done
exit $rc

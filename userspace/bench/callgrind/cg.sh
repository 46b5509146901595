#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# cg.sh WHAT [N]: instructions per push and per pop of one lfq kind at one
# thread, counted by callgrind (repeatable whatever the machine's load).
#   WHAT: a kind of the registry (msq, stack, ring, ...), or KIND/bulkB for
#         B values per push_many/pop_many call (ring/bulk32)
#   N: values moved (default 200000)
#   VARIANT=fast|default: the shim build to link (default fast)
# Instructions executed on other threads (liburcu's) are reported apart.
#
# cg.sh bench ROW [MS]: instructions per operation of the benchmark's own
# timed pairs loop (build/bench, one thread, MS ms measured, default 300)
# for one row of build/bench --list (exact name: "rte_ring", "ck_ring",
# "lfq ring", "no-op (harness)", ...; a bulk/B or burst/B row runs the
# bulk loop, same function): the harness and the structure
# together, whatever the row (peers' inline code included).  The no-op
# row's figure is the harness's share; a row's figure minus it is the
# structure's.  Needs build/bench (make -C userspace/bench).
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../../..
if [ "$1" = bench ]; then
	row=$2 ms=${3:-300} wl=pairs
	case $row in *bulk/*|*burst/*) wl=bulk ;; esac
	b=$top/userspace/bench/build
	d=$b/cg-bench
	mkdir -p "$d"
	rm -f "$d"/cg.out*
	# the row's name is the only one that matches the whole name
	(cd "$d" && valgrind --tool=callgrind --separate-threads=yes \
		--callgrind-out-file="$d/cg.out" "$b/bench" --only="$row" \
		--no-calibration --workloads=$wl --threads=1 --runs=1 \
		--duration="$ms" --warmup=10 --no-plot --print-ops \
		--out="$d/res" >/dev/null 2>"$d/stderr") || {
		cat "$d/stderr" >&2; exit 1; }
	line=$(grep -F "ops: $wl \"$row\" 1 worker 0 " "$d/stderr") || {
		echo "cg.sh: no row \"$row\" ran" >&2; exit 1; }
	pushes=$(echo "$line" | sed 's/.* pushes \([0-9]*\) pops.*/\1/')
	# the worker is the second thread; its timed loop is run_pairs()
	ir=$(callgrind_annotate --auto=no --inclusive=yes "$d/cg.out-02" 2>/dev/null |
		grep -E ":run_pairs( |$)" | head -1 |
		awk '{ gsub(",", "", $1); print $1 }')
	[ -n "$ir" ] || { echo "cg.sh: no run_pairs in the worker's profile" >&2; exit 1; }
	echo "$row (bench $wl loop): $(echo "scale=1; $ir/$pushes" | bc)" \
		"instructions per value pushed and popped, $(echo "scale=1; $ir/(2*$pushes)" | bc)" \
		"per operation ($pushes values)"
	exit 0
fi
what=$1 n=${2:-200000} variant=${VARIANT:-fast}
d=$top/userspace/bench/build/cg-$variant
mkdir -p "$d"
make -s -C "$top/userspace/shim" "$variant"
gcc -std=gnu11 -O2 -g -pthread -I"$top/userspace/shim" -I"$top/module" \
	-o "$d/cg" "$here/cg.c" "$top/userspace/shim/build/$variant/libkshim.a" \
	-lurcu-memb -lurcu-common -pthread
rm -f "$d"/cg.out*
(cd "$d" && valgrind --tool=callgrind --separate-threads=yes \
	--callgrind-out-file="$d/cg.out" "$d/cg" "$what" "$n" >/dev/null 2>&1)
# The exported functions the registry's operations call, by lfq's naming.
kind=${what%%/*}
case $what in
*/bulk*) pu=lfq_${kind}_push_bulk po=lfq_${kind}_pop_bulk ;;
*) pu=lfq_${kind}_push po=lfq_${kind}_pop ;;
esac
main=$d/cg.out-01
get() {
	callgrind_annotate --auto=no --inclusive=yes "$main" 2>/dev/null |
		grep -E "\.[ch]:$1( \[|$)" | head -1 | awk '{ gsub(",", "", $1); print $1 }'
}
p=$(get "$pu")
q=$(get "$po")
other=0
for f in "$d"/cg.out-0[2-9]; do
	[ -f "$f" ] || continue
	t=$(callgrind_annotate --auto=no "$f" 2>/dev/null | grep "PROGRAM TOTALS" |
		awk '{ gsub(",", "", $1); print $1 }')
	other=$((other + t))
done
# cg.c moves N values in all (KIND/bulkB: N/B calls of B values each)
echo "$what ($variant): push $(echo "scale=1; $p/$n" | bc)" \
	"pop $(echo "scale=1; $q/$n" | bc)" \
	"other threads $(echo "scale=1; $other/$n" | bc) instructions per value"

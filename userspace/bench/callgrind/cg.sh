#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# cg.sh WHAT [N]: instructions per push and per pop of one lfq kind at one
# thread, counted by callgrind (repeatable whatever the machine's load).
#   WHAT: a kind of the registry (msq, stack, ring, ...), or KIND/bulkB for
#         B values per push_many/pop_many call (ring/bulk32)
#   N: values moved (default 200000)
#   VARIANT=fast|default: the shim build to link (default fast)
# Instructions executed on other threads (liburcu's) are reported apart.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../../..
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

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# selftest.sh BENCH_BROKEN OUTDIR: the harness must catch every
# deliberately broken row of BENCH_BROKEN (impl_lock.c, BENCH_BROKEN) and
# pass the same queue unbroken.
#   - every row whose name starts with "broken-" (from --list) must FAIL in
#     at least one case of each of its workloads (bulk rows: bulk; the
#     others: pairs and pc);
#   - "mutex queue" (pairs, pc) and "mutex queue bulk/8" (bulk) must run
#     and be ok in every case;
#   - the program must exit 1.
# Per case, the status is read from OUTDIR/runs.csv; the FAIL lines of
# the program's output are printed with each broken row caught.
# Exit 0 only when all of that holds.
bin=$1 dir=$2
fails=0
out=$("$bin" --only='broken-,mutex queue' --workloads=pairs,bulk,pc --threads=1,2 \
	--runs=1 --duration=100 --warmup=10 --no-plot --out="$dir" 2>&1) &&
	rc=0 || rc=$?
csv=$dir/runs.csv
[ -f "$csv" ] || { echo "FAIL: no $csv"; printf '%s\n' "$out"; exit 1; }

# workloads of a row, by its name
wls() {
	case $1 in *" bulk/"*) echo bulk ;; *) echo pairs pc ;; esac
}
# the statuses of the cases of workload $1, row $2, one a line
statuses() {
	grep -F "$1,\"$2\"," "$csv" | awk -F, '{ print $NF }'
}

broken=$("$bin" --list | awk '/^broken-/ { sub(/ +selftest .*/, ""); print }')
[ -n "$broken" ] || { echo "FAIL: no broken rows in $bin --list"; exit 1; }
nl='
'
IFS=$nl
for n in $broken; do
	IFS=' '
	for w in $(wls "$n"); do
		if statuses "$w" "$n" | grep -qx FAIL; then
			echo "PASS: harness catches $n ($w)"
			printf '%s\n' "$out" | grep "^FAIL: $w $n " | sed 's/^/      /'
		else
			echo "FAIL: harness misses $n ($w): $(statuses "$w" "$n" | tr '\n' ' ')"
			fails=1
		fi
	done
	IFS=$nl
done
IFS=' '
for n in "mutex queue" "mutex queue bulk/8"; do
	for w in $(wls "$n"); do
		s=$(statuses "$w" "$n" | sort -u | tr '\n' ' ')
		if [ "$s" = "ok " ]; then
			echo "PASS: $n ($w) passes the checks"
		else
			echo "FAIL: $n ($w), unbroken, has status: ${s:-no case run}"
			printf '%s\n' "$out" | grep "^FAIL: $w $n " | sed 's/^/      /'
			fails=1
		fi
	done
done
if [ "$rc" -eq 1 ]; then
	echo "PASS: harness exits 1 on a failed check"
else
	echo "FAIL: harness exit status $rc, want 1"
	fails=1
fi
exit $fails

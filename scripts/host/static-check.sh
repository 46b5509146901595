#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Static checks over module/ and uapi/: W=1 builds against Debian's 6.1 and
# 6.12 headers and the debug kernel, sparse (C=2), and checkpatch --strict.  A finding fails the
# check unless scripts/config/checkpatch.ignore justifies its type.
# Prints PASS:/FAIL: lines; exits non-zero on any failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/host/lib.sh"
work=$top/build/static
rm -rf "$work"
mkdir -p "$work"
bad=0

build() { # label KDIR extra-make-args...
	local label=$1 kdir=$2
	shift 2
	if build_lfq "$kdir" "$work/$label" "$work/$label.log" "$@"; then
		echo "PASS: static/$label"
	else
		echo "FAIL: static/$label"
		bad=1
	fi
}

for k in 6.1 6.12; do
	resolve_kernel "$k" || { echo "FAIL: static/w1-$k"; bad=1; continue; }
	build "w1-$k" "$KDIR"
done
if command -v sparse >/dev/null; then
	resolve_kernel 6.12 && build sparse-6.12 "$KDIR" C=2
else
	echo "FAIL: static/sparse-6.12 (sparse not installed)"
	bad=1
fi

src=$("$top/scripts/host/linux-src.sh") || { echo "FAIL: static/checkpatch (no linux source)"; exit 1; }
# Debian's kernels have no KUnit, so lfq_kunit.c is compiled only here.
if kdebug=$("$top/scripts/host/debug-kernel.sh"); then
	build w1-sparse-debug "$kdebug/build" C=2
else
	echo "FAIL: static/w1-sparse-debug (debug kernel build failed)"
	bad=1
fi

cp=$src/scripts/checkpatch.pl
ignore=$(grep -v '^#' "$top/scripts/config/checkpatch.ignore" | awk 'NF { print $1 }' | paste -sd, -)
# (not the lfq.mod.c an in-tree "make" leaves behind)
files=$(cd "$top" && ls module/*.[ch] module/tests/*.c module/samples/*.c module/samples/*/*.c uapi/linux/*.h | grep -v '\.mod\.c$')
if (cd "$top" && perl "$cp" --strict --no-tree --terse --show-types \
	${ignore:+--ignore "$ignore"} -f $files) >"$work/checkpatch.log" 2>&1; then
	echo "PASS: static/checkpatch"
else
	cat "$work/checkpatch.log"
	echo "FAIL: static/checkpatch"
	bad=1
fi
exit $bad

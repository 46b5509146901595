# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Sourced by the host scripts: resolve a kernel name (6.1, 6.12, debug,
# kcsan) to the image to boot (KIMAGE), the tree to build modules against
# (KDIR) and a label (KLABEL); build lfq for a kernel tree (build_lfq).
resolve_kernel() {
	local name=$1 ver here
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	case "$name" in
	6.1|6.12)
		ver=$(cd /lib/modules && ls -d "$name".*-amd64 "$name".*+deb*-amd64 2>/dev/null |
		      grep -E "^$name\.[0-9]" | sort -V | tail -n 1)
		[ -n "$ver" ] || { echo "no Debian $name kernel headers (run make deps)" >&2; return 1; }
		KIMAGE=/boot/vmlinuz-$ver
		KDIR=/lib/modules/$ver/build
		[ -f "$KIMAGE" ] || { echo "$KIMAGE missing (run make deps)" >&2; return 1; }
		;;
	debug|kcsan)
		local out frags=("$here/../config/debug-kernel.config")
		[ "$name" = kcsan ] && frags+=("$here/../config/debug-kcsan.config")
		out=$("$here/debug-kernel.sh" "${frags[@]}") || return 1
		KIMAGE=$out/bzImage
		KDIR=$out/build
		;;
	*)
		echo "unknown kernel '$name' (6.1, 6.12, debug or kcsan)" >&2
		return 1
		;;
	esac
	KLABEL=$name
}

# build_lfq KDIR DIR LOG [MAKE-ARG...]: build lfq.ko and the test modules
# for the kernel tree KDIR, W=1, in DIR (a copy of Kbuild, module/ and
# uapi/, so builds for different kernels share no objects), make's output
# in LOG.  Fails, showing the warnings and the end of LOG, if make fails
# or the compiler warned.
build_lfq() {
	local kdir=$1 dir=$2 log=$3 top
	shift 3
	top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
	mkdir -p "$dir"
	cp -r "$top/Kbuild" "$top/module" "$top/uapi" "$dir/"
	# only sources: objects an in-tree build left (for another kernel,
	# maybe) must not be linked or copied into a guest from here
	find "$dir" \( -name '*.o' -o -name '*.ko' -o -name '*.ko.*' \
		-o -name '*.mod' -o -name '*.mod.c' -o -name '.*.cmd' \
		-o -name 'modules.order' -o -name 'Module.symvers' \) -delete
	if make -C "$kdir" M="$dir" W=1 LFQ_TEST_MODULES=1 "$@" modules >"$log" 2>&1 &&
	   ! grep -qE 'warning:|error:' "$log"; then
		return 0
	fi
	grep -E 'warning:|error:' "$log" | head -30
	tail -5 "$log"
	return 1
}

# summarize LOG: the end of a run of stages: LOG's FAIL: lines, how many
# were skipped (never counted as passed) and "N passed, N failed".  Fails
# unless something passed and nothing failed.
summarize() {
	local log=$1 pass fail skip
	pass=$(grep -c '^PASS: ' "$log")
	fail=$(grep -c '^FAIL: ' "$log")
	skip=$(grep -c '^SKIP: ' "$log")
	if [ "$fail" -gt 0 ]; then
		echo "Failed:"
		grep '^FAIL: ' "$log" | sed 's/^/  /'
	fi
	[ "$skip" -gt 0 ] && echo "($skip skipped, not counted as passed)"
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
}

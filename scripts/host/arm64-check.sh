#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The arm64 stage of make check: lfq.ko and the test modules cross-built
# for arm64 with W=1 (no warnings allowed), against an arm64 tree prepared
# from Debian's linux-source-6.12: tinyconfig plus scripts/config/arm64.config,
# "make modules_prepare".  The prepared tree is cached like the debug
# kernel, under $LFQ_CACHE (default ~/.cache/lfq)/arm64-<hash of the
# fragment, the linux-source version and RECIPE>.
# There is no vmlinux there, so modpost cannot check the kernel's symbols
# (KBUILD_MODPOST_WARN=1); the stage is about the compiler's view.
# Prints PASS:/FAIL: lines; exits non-zero on any failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/host/lib.sh"
work=$top/build/arm64
cache=${LFQ_CACHE:-$HOME/.cache/lfq}
frag=$top/scripts/config/arm64.config
cross=aarch64-linux-gnu-
RECIPE=1
rm -rf "$work"
mkdir -p "$work" "$cache"

command -v ${cross}gcc >/dev/null ||
	{ echo "FAIL: arm64/toolchain (no ${cross}gcc; make deps-check)"; exit 1; }
src=$("$top/scripts/host/linux-src.sh") || { echo "FAIL: arm64/linux-source"; exit 1; }
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
key=$( (cat "$frag"; echo "$srcver"; echo "recipe $RECIPE") | sha256sum | cut -c1-16)
kdir=$cache/arm64-$key
mk=(ARCH=arm64 CROSS_COMPILE=$cross)

# The prepared tree, once; a second caller waits, then finds it.
exec 9>"$cache/.lock-arm64-$key"
flock 9
if [ ! -f "$kdir/.prepared" ]; then
	echo "# arm64-check: preparing $kdir (a few minutes, once)"
	rm -rf "$kdir"
	if ! { make -C "$src" O="$kdir" "${mk[@]}" tinyconfig &&
	       "$src/scripts/kconfig/merge_config.sh" -m -O "$kdir" "$kdir/.config" "$frag" &&
	       make -C "$src" O="$kdir" "${mk[@]}" olddefconfig &&
	       make -C "$src" O="$kdir" "${mk[@]}" -j"$(nproc)" modules_prepare
	     } >"$work/prepare.log" 2>&1; then
		tail -30 "$work/prepare.log"
		echo "FAIL: arm64/prepare"
		exit 1
	fi
	touch "$kdir/.prepared"
fi
flock -u 9

# Every option of the fragment must have survived olddefconfig.
missing=$(grep '^CONFIG_' "$frag" | while read -r opt; do
	grep -qx "$opt" "$kdir/.config" || echo "$opt"; done)
if [ -n "$missing" ]; then
	echo "# not in the arm64 .config: $missing"
	echo "FAIL: arm64/config"
	exit 1
fi

if build_lfq "$kdir" "$work/src" "$work/build.log" "${mk[@]}" \
	KBUILD_MODPOST_WARN=1 &&
   [ -f "$work/src/module/lfq.ko" ] && [ -f "$work/src/module/tests/lfq_kunit.ko" ]; then
	file "$work/src/module/lfq.ko" | sed 's/^/# /'
	echo "PASS: arm64/w1-build"
else
	echo "FAIL: arm64/w1-build"
	exit 1
fi

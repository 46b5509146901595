#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (once) the lfq debug kernel from Debian's linux-source-6.12 and print
# the directory that holds it.
#
# usage: scripts/host/debug-kernel.sh [FRAGMENT...]
#   default: scripts/config/debug-kernel.config (KASAN, lockdep, ...); later
#   fragments override earlier ones (scripts/config/debug-kcsan.config on top of it
#   gives the KCSAN kernel).  The result is cached outside the tree under
# $LFQ_CACHE (default ~/.cache/lfq), keyed by a hash of the config fragment,
# the linux-source package version and RECIPE (bump it when a change to this
# script changes what is built), so it is rebuilt only when one of those
# changes.
#
# The cached directory holds:
#   bzImage        the kernel to boot
#   build/         the O= build tree (with Module.symvers) for KDIR=
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
frags=("$@")
[ ${#frags[@]} -gt 0 ] || frags=("$here/../config/debug-kernel.config")
cache=${LFQ_CACHE:-$HOME/.cache/lfq}
RECIPE=1

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12) ||
	{ echo "debug-kernel: linux-source-6.12 not installed (run make deps)" >&2; exit 1; }
key=$( (cat "${frags[@]}"; echo "$srcver"; echo "recipe $RECIPE") | sha256sum | cut -c1-16)
out=$cache/debug-$key

# One build at a time: a second caller waits here, then finds it cached.
mkdir -p "$cache"
exec 9>"$cache/.lock-$key"
flock 9

if [ -f "$out/bzImage" ] && [ -f "$out/build/Module.symvers" ]; then
	echo "$out"
	exit 0
fi

src=$("$here/linux-src.sh")

echo "debug-kernel: building $out (takes several minutes)" >&2
rm -rf "$out.tmp"
mkdir -p "$out.tmp/build"
b=$out.tmp/build
jobs=$(nproc)
{
	make -C "$src" O="$b" ARCH=x86_64 tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$b" "$b/.config" "${frags[@]}"
	make -C "$src" O="$b" ARCH=x86_64 olddefconfig
} >"$out.tmp/config.log" 2>&1 || { tail -30 "$out.tmp/config.log" >&2; exit 1; }

# Every option the fragments ask for (the last word on each) must have
# survived olddefconfig.
declare -A want
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) want[${line%%=*}]=$line ;;
	"# CONFIG_"*" is not set") opt=${line#\# }; want[${opt%% *}]=$line ;;
	esac
done < <(cat "${frags[@]}")
missing=0
for opt in "${!want[@]}"; do
	case "${want[$opt]}" in
	"# "*) ! grep -q "^$opt=" "$b/.config" ;;
	*) grep -qx "${want[$opt]}" "$b/.config" ;;
	esac || { echo "debug-kernel: option not applied: ${want[$opt]}" >&2; missing=1; }
done
[ "$missing" = 0 ] || exit 1

if ! make -C "$src" O="$b" ARCH=x86_64 -j"$jobs" bzImage modules >"$out.tmp/build.log" 2>&1; then
	tail -40 "$out.tmp/build.log" >&2
	exit 1
fi
cp "$b/arch/x86/boot/bzImage" "$out.tmp/bzImage"
# Objects are not needed to build external modules; keep the cache small.
find "$b" -name '*.o' -delete
rm -rf "$out"
mv "$out.tmp" "$out"
echo "$out"

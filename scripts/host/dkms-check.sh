#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The dkms stage of make check: "make dkms-source" into a staging
# directory, then "dkms add", "dkms build" and "dkms install" for Debian's
# 6.1 and 6.12 kernels, with DKMS's trees redirected under build/dkms so
# the host's /var/lib/dkms and /lib/modules are not touched (DKMS may still
# create its module signing key in /var/lib/dkms, as on any first use).
# Then each kernel boots in a guest that loads the lfq.ko DKMS installed
# (not the one vm-run builds), checks it is that file (srcversion), runs
# lfqctl demo on it and unloads it.
# Prints PASS:/FAIL: lines; exits non-zero on any failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/host/lib.sh"
work=$top/build/dkms
rm -rf "$work"
mkdir -p "$work/tree" "$work/installed"
bad=0

command -v dkms >/dev/null || { echo "FAIL: dkms/installed (no dkms; make deps-check)"; exit 1; }
ver=$(sed -n 's/^VERSION := //p' "$top/Makefile")
libver=$(sed -n 's/^VERSION *:= *//p' "$top/userspace/lib/Makefile")
if grep -qx "PACKAGE_VERSION=\"$ver\"" "$top/dkms.conf" && [ "$libver" = "$ver" ]; then
	echo "PASS: dkms/version"
else
	echo "FAIL: dkms/version (dkms.conf's PACKAGE_VERSION and liblfq's VERSION must be the Makefile's $ver)"
	bad=1
fi

make -s -C "$top" dkms-source DESTDIR="$work/root" || { echo "FAIL: dkms/source"; exit 1; }
trees=(--dkmstree "$work/tree" --sourcetree "$work/root/usr/src"
       --installtree "$work/installed")
if dkms add -m lfq -v "$ver" "${trees[@]}" >"$work/add.log" 2>&1; then
	echo "PASS: dkms/add"
else
	cat "$work/add.log"
	echo "FAIL: dkms/add"
	exit 1
fi
for k in 6.1 6.12; do
	resolve_kernel "$k" || { echo "FAIL: dkms/build-$k"; bad=1; continue; }
	krel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$KDIR/include/generated/utsrelease.h")

	if dkms build -m lfq -v "$ver" -k "$krel" "${trees[@]}" >"$work/build-$k.log" 2>&1 &&
	   ko=$(find "$work/tree/lfq/$ver/$krel" -name 'lfq.ko*') && [ -n "$ko" ] &&
	   [ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$krel" ]; then
		echo "PASS: dkms/build-$k"
	else
		tail -20 "$work/build-$k.log"
		cat "$work/tree/lfq/$ver/build/make.log" 2>/dev/null | tail -20
		echo "FAIL: dkms/build-$k"
		bad=1
		continue
	fi

	# dkms install wants the kernel's module directory to exist.
	mkdir -p "$work/installed/$krel"
	if dkms install -m lfq -v "$ver" -k "$krel" "${trees[@]}" \
		>"$work/install-$k.log" 2>&1 &&
	   ko=$(find "$work/installed/$krel/updates/dkms" -name 'lfq.ko*') &&
	   [ -n "$ko" ]; then
		echo "PASS: dkms/install-$k"
	else
		tail -20 "$work/install-$k.log"
		echo "FAIL: dkms/install-$k"
		bad=1
		continue
	fi

	# The guest: lfqctl and the installed module, nothing else.
	gb=$work/guest-$k
	mkdir -p "$gb"
	# compressed where the kernel's modules are (6.12: lfq.ko.xz)
	case $ko in
	*.xz) xz -dc "$ko" >"$gb/lfq-dkms.ko" ;;
	*.zst) zstd -qdc "$ko" >"$gb/lfq-dkms.ko" ;;
	*) cp "$ko" "$gb/lfq-dkms.ko" ;;
	esac
	cp "$top/build/guest/lfqctl" "$gb/" 2>/dev/null ||
		{ echo "FAIL: dkms/load-$k (no build/guest/lfqctl: make guest-bin)"; bad=1; continue; }
	src=$(modinfo -F srcversion "$ko")
	cat >"$work/plan-$k.sh" <<-EOF
	t dkms-load insmod /lfq/bin/lfq-dkms.ko
	t dkms-srcversion sh -c '[ "\$(cat /sys/module/lfq/srcversion)" = "$src" ]'
	t dkms-demo lfqctl demo
	t dkms-unload rmmod lfq
	EOF
	GUEST_BIN=$gb "$top/scripts/host/vm-run.sh" -k "$k" -q \
		-p "$work/plan-$k.sh" -o "$work/vm-$k" -t 600 |
		sed -E "s#^(PASS|FAIL|SKIP): $k/#\1: dkms/$k/#" || bad=1
done
exit $bad

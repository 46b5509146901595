#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install (with apt-get) the Debian packages a group of make targets needs.
# Quick and silent when everything is already there.
#
# usage: scripts/host/deps.sh [-n] GROUP...
#   build  make, make install: a compiler, kmod (depmod) and the running
#          kernel's headers (linux-headers-$(uname -r), when Debian has
#          them and neither KDIR nor /lib/modules/$(uname -r)/build is
#          there)
#   check  make check, make demo: build, plus Debian's 6.1 and 6.12
#          kernels and headers, linux-source-6.12 (debug kernels, checkpatch,
#          the kselftest harness), QEMU, busybox, liburcu (userspace tests),
#          sparse, dkms, groff (man page lint), the arm64 cross compiler
#   bench  make bench: build, plus liburcu, Concurrency Kit, DPDK, gnuplot,
#          and the 6.12 guest (QEMU, busybox, kernel and headers,
#          linux-source for the KTAP parser)
#   all    every group
#   -n     print the packages of the groups, one a line, and exit
set -euo pipefail

build=(build-essential kmod)
check=(
	# the debug kernels (and checkpatch, the kselftest harness)
	bc bison flex libelf-dev libssl-dev dwarves cpio xz-utils zstd rsync
	python3 perl linux-source-6.12
	# the kernels the module is built and booted against
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	# the VM
	qemu-system-x86 busybox-static
	# userspace tests of the structures, sanitizer runtimes
	liburcu-dev gcc libgcc-12-dev
	# static checks, DKMS build check, man page lint, arm64 cross build
	sparse dkms groff-base pkg-config gcc-aarch64-linux-gnu
	# the protocol models (scripts/models/)
	spin
	# 32-bit selftests (lfq_shm_test32 shares rings with 64-bit processes);
	# not gcc-multilib, which conflicts with the arm64 cross compiler
	libc6-dev-i386 lib32gcc-12-dev
)
bench=(
	liburcu-dev libck-dev libdpdk-dev libnuma-dev pkg-config gnuplot-nox
	# the guest part (6.12); its results are read by the kernel's KTAP
	# parser (tools/testing/kunit in linux-source)
	qemu-system-x86 busybox-static cpio python3 linux-source-6.12
	linux-image-6.12-amd64 linux-headers-6.12-amd64
)

list=0
if [ "${1:-}" = -n ]; then
	list=1
	shift
fi
[ $# -gt 0 ] || set -- all

pkgs=()
for g in "$@"; do
	case $g in
	build) pkgs+=("${build[@]}") ;;
	check) pkgs+=("${build[@]}" "${check[@]}") ;;
	bench) pkgs+=("${build[@]}" "${bench[@]}") ;;
	all) pkgs+=("${build[@]}" "${check[@]}" "${bench[@]}") ;;
	*) echo "deps: unknown group '$g' (build, check, bench, all)" >&2; exit 2 ;;
	esac
done

# The running kernel's headers, for "make" without KDIR.
if [[ " $* " =~ " build "|" all " ]] && [ -z "${KDIR:-}" ] &&
   [ ! -d "/lib/modules/$(uname -r)/build" ]; then
	hdr=linux-headers-$(uname -r)
	if apt-cache show "$hdr" >/dev/null 2>&1; then
		pkgs+=("$hdr")
	elif [ "$list" = 0 ]; then
		echo "deps: Debian has no $hdr for the running kernel; build with KDIR=/path/to/kernel/build" >&2
	fi
fi

mapfile -t pkgs < <(printf '%s\n' "${pkgs[@]}" | sort -u)
if [ "$list" = 1 ]; then
	printf '%s\n' "${pkgs[@]}"
	exit 0
fi

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$st" in ii*) ;; *) missing+=("$p") ;; esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "deps ($*): installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
	--no-install-recommends "${missing[@]}"

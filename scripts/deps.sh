#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make deps: install (with apt-get) every package the other targets need.
# Quick and silent when everything is already there.
set -euo pipefail

pkgs=(
	# building the module, the debug kernel and userspace
	build-essential bc bison flex libelf-dev libssl-dev dwarves kmod cpio
	xz-utils zstd rsync pkg-config python3 perl
	# the kernels: Debian 6.1 and 6.12 images + headers, 6.12 source
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64 linux-source-6.12
	# the VM
	qemu-system-x86 busybox-static
	# userspace build of the structures, peers for the benchmarks
	liburcu-dev libck-dev libdpdk-dev libnuma-dev
	# static checks, sanitizer runtimes, plots
	sparse gcc libgcc-12-dev gnuplot-nox
	# the protocol models (scripts/models/)
	spin
)

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$st" in ii*) ;; *) missing+=("$p") ;; esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "deps: installing ${missing[*]}"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q \
	--no-install-recommends "${missing[@]}"

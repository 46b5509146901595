#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Unpack (once) Debian's linux-source-6.12 under $LFQ_CACHE and print the
# directory.  The debug kernel is built from it; checkpatch.pl and the
# kselftest harness headers are used from it (never copied into the tree).
set -euo pipefail
cache=${LFQ_CACHE:-$HOME/.cache/lfq}
tarball=/usr/src/linux-source-6.12.tar.xz
[ -f "$tarball" ] || { echo "linux-src: $tarball missing (run make deps)" >&2; exit 1; }
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
src=$cache/src-$srcver
mkdir -p "$cache"
exec 9>"$cache/.lock-src"
flock 9
if [ ! -f "$src/.unpacked" ]; then
	echo "linux-src: unpacking linux-source $srcver" >&2
	rm -rf "$src"
	mkdir -p "$src"
	tar -xf "$tarball" -C "$src" --strip-components=1
	touch "$src/.unpacked"
fi
echo "$src"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The install stage of make check: "make install" for Debian's 6.12 kernel
# (or the one named: scripts/host/install-check.sh 6.1)
# into a staging DESTDIR (from a copy of the tree), a look at what it
# installed, then the out-of-tree example client built from the installed
# copy against nothing but the installed files (lfq.h, lfq.kbuild,
# Module.symvers), a lint of the man pages, and a program linked with the installed liblfq through
# pkg-config.  Prints PASS:/FAIL: lines; exits non-zero on any failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/scripts/host/lib.sh"
work=$top/build/install
rm -rf "$work"
mkdir -p "$work"
bad=0
pass() { echo "PASS: install/$1"; }
fail() { echo "FAIL: install/$1"; bad=1; }

kernel=${1:-6.12}
resolve_kernel "$kernel" || { fail resolve-kernel; exit 1; }
krel=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"/\1/p' "$KDIR/include/generated/utsrelease.h")

# 1. make install, from a copy: the tree's own objects stay as they are.
src=$work/src dest=$work/dest
mkdir -p "$src"
(cd "$top" && cp -r Kbuild Makefile dkms.conf module uapi userspace man examples \
	"$src/" 2>/dev/null)
make -s -C "$src" clean KDIR="$KDIR" >/dev/null 2>&1
if make -C "$src" NO_DEPS=1 KDIR="$KDIR" PREFIX=/usr DESTDIR="$dest" \
	install >"$work/install.log" 2>&1; then
	pass make-install
else
	tail -20 "$work/install.log"
	fail make-install
	exit 1
fi
grep '^lfq: building for' "$work/install.log"

# 2. What it installed: lfq.ko and nothing else under /lib/modules.
kos=$(cd "$dest" && find lib -name '*.ko*' | sort)
echo "# modules: $kos"
if [[ "$kos" =~ ^lib/modules/"$krel"/[a-z/]+/lfq\.ko(\.[a-z]+)?$ ]]; then
	pass only-lfq-ko
else
	fail only-lfq-ko
fi
missing=
for f in usr/bin/lfqctl usr/lib/liblfq.so.1 usr/lib/liblfq.a \
	 usr/lib/pkgconfig/lfq.pc usr/include/liblfq.h usr/include/linux/lfq.h \
	 usr/share/man/man1/lfqctl.1 usr/share/man/man3/liblfq.3 \
	 usr/share/lfq/include/lfq.h usr/share/lfq/lfq.kbuild \
	 "usr/share/lfq/$krel/Module.symvers" \
	 usr/share/lfq/example/lfq_client.c; do
	[ -e "$dest/$f" ] || missing="$missing $f"
done
if [ -z "$missing" ]; then
	pass files
else
	echo "# not installed:$missing"
	fail files
fi

# The man pages: groff's warnings (-ww) are failures.
if (cd "$dest/usr/share/man" && groff -man -ww -z man1/lfqctl.1 man3/liblfq.3) \
	>"$work/man.log" 2>&1 && ! [ -s "$work/man.log" ]; then
	pass man-lint
else
	cat "$work/man.log"
	fail man-lint
fi

# 3. The example client, from a copy of the installed example directory,
#    against the installed files only (the tree is not on any path).
kapi=$dest/usr/share/lfq
client=$work/client
cp -r "$kapi/example" "$client"
if make -C "$client" KDIR="$KDIR" LFQ_KAPI="$kapi" W=1 >"$work/client.log" 2>&1 &&
   ! grep -E 'warning:|error:|WARNING:' "$work/client.log" >/dev/null &&
   [ "$(modinfo -F import_ns "$client/lfq_client.ko")" = LFQ ]; then
	pass client-build
else
	grep -E 'warning:|error:|WARNING:' "$work/client.log" | head -20
	tail -5 "$work/client.log"
	fail client-build
fi
if grep -qE "$top/(module|uapi)|$src" "$client"/.lfq_client.o.cmd; then
	echo "# the client build used a path in the source tree"
	fail client-installed-only
else
	pass client-installed-only
fi

# 4. A program against the installed liblfq (pkg-config, static).
cat >"$work/prog.c" <<'EOF'
#include <liblfq.h>
int main(void) { return lfq_kind_from_name("ring") < 0; }
EOF
export PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_LIBDIR=$dest/usr/lib/pkgconfig
if gcc -Wall -o "$work/prog" "$work/prog.c" $(pkg-config --cflags lfq) \
	"$dest/usr/lib/liblfq.a" >"$work/prog.log" 2>&1 && "$work/prog"; then
	pass liblfq-link
else
	cat "$work/prog.log"
	fail liblfq-link
fi
exit $bad
